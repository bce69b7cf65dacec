//! The typed client against the fake Admin API: build arguments, call methods,
//! match on typed errors.

use claude_code_connector::Client;
use claude_code_connector::generated::args::{
    GetUsageArgs, GetUsageGroupBy, ListUsersArgs, UpdateUserRoleArgs, UpdateUserRoleRole,
};
use claude_code_connector::runtime::{AdminKey, ArgError, Date, Error, Http, HttpConfig};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi, User};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut dataset = Dataset::empty();
    dataset.users.push(User::new("user_01", "ada@example.com", "Ada", "user"));
    let fake = FakeAdminApi::start(dataset).await;
    let mut config = HttpConfig::new(AdminKey::new(FAKE_ADMIN_KEY));
    config.base_url = fake.base_url();
    let client = Client::new(Http::new(config).expect("a loopback base URL is allowed"));

    let users = client.list_users(&ListUsersArgs::new().with_per_page(10)).await.expect("list_users");
    assert_eq!(users.data.len(), 1);
    assert_eq!(users.data[0].email, "ada@example.com");

    let promoted = client
        .update_user_role(&UpdateUserRoleArgs::new("user_01", UpdateUserRoleRole::Developer))
        .await
        .expect("update_user_role");
    assert_eq!(promoted.role, "developer");

    // A bad argument is refused before anything is sent, naming the argument.
    let requests_before = fake.requests().len();
    match client.list_users(&ListUsersArgs::new().with_per_page(0)).await {
        Err(Error::Argument(ArgError { argument, .. })) => assert_eq!(argument, "per_page"),
        other => panic!("expected an argument error, got {other:?}"),
    }
    assert_eq!(fake.requests().len(), requests_before);

    // An API error keeps its status and type.
    match client.update_user_role(&UpdateUserRoleArgs::new("user_missing", UpdateUserRoleRole::User)).await {
        Err(Error::Api(api)) => assert_eq!((api.status, api.error_type.as_deref()), (404, Some("not_found_error"))),
        other => panic!("expected a 404, got {other:?}"),
    }

    // Array arguments are typed lists of the spec's values.
    let usage = GetUsageArgs::new(Date::parse("2026-11-01").unwrap(), Date::parse("2026-11-02").unwrap())
        .with_group_by(vec![GetUsageGroupBy::Model, GetUsageGroupBy::WorkspaceId]);
    client.get_usage(&usage).await.expect("get_usage");
    let sent = fake.requests().pop().expect("the usage request");
    let group_by: Vec<&str> =
        sent.query.iter().filter(|(name, _)| name == "group_by[]").map(|(_, value)| value.as_str()).collect();
    assert_eq!(group_by, ["model", "workspace_id"]);

    // The read-only client reads.
    let read_only = client.read_only();
    assert_eq!(read_only.list_users(&ListUsersArgs::new()).await.expect("read").data.len(), 1);
}
