//! Bad arguments: a tool error that names the argument and the rule, and no request upstream.

use serde_json::{Value, json};

use crate::harness::Harness;
use crate::tools::seed;

async fn rejected(h: &Harness, tool: &str, arguments: Value, expect: &[&str]) {
    let text = h.err(tool, arguments.clone()).await;
    for part in expect {
        assert!(text.contains(part), "{tool} {arguments}: `{text}` should contain `{part}`");
    }
    assert!(h.requests().is_empty(), "{tool} {arguments}: nothing may be sent upstream, got {:?}", h.requests());
}

#[tokio::test]
async fn bad_arguments_are_refused_before_any_request() {
    let h = Harness::start(seed()).await;
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        ("claude_code_list_users", json!({"per_page": 0}), vec!["`per_page`", "between 1 and 100"]),
        ("claude_code_list_users", json!({"per_page": 101}), vec!["`per_page`", "between 1 and 100"]),
        ("claude_code_list_users", json!({"page": 0}), vec!["`page`", "between 1"]),
        ("claude_code_list_users", json!({"page": 1.5}), vec!["`page`", "whole number"]),
        ("claude_code_list_users", json!({"per_page": "20"}), vec!["`per_page`", "whole number"]),
        ("claude_code_list_users", json!({"limit": 20}), vec!["`limit`", "unknown argument"]),
        ("claude_code_list_users", json!({"email": "not-an-email"}), vec!["`email`", "email address"]),
        ("claude_code_get_org_info", json!({"x": 1}), vec!["`x`", "takes no arguments"]),
        ("claude_code_get_usage", json!({"end_date": "2026-03-01"}), vec!["`start_date`", "is required"]),
        (
            "claude_code_get_usage",
            json!({"start_date": "2026-02-30", "end_date": "2026-03-01"}),
            vec!["`start_date`", "not a real calendar date"],
        ),
        (
            "claude_code_get_usage",
            json!({"start_date": "03/01/2026", "end_date": "2026-03-01"}),
            vec!["`start_date`", "YYYY-MM-DD"],
        ),
        (
            "claude_code_get_usage",
            json!({"start_date": "2026-03-02", "end_date": "2026-03-01"}),
            vec!["`end_date`", "on or after start_date"],
        ),
        (
            "claude_code_get_cost_breakdown",
            json!({"start_date": "2025-01-01", "end_date": "2026-01-02"}),
            vec!["`end_date`", "at most 366"],
        ),
        (
            "claude_code_get_code_analytics",
            json!({"start_date": 20260301, "end_date": "2026-03-01"}),
            vec!["`start_date`", "must be a string"],
        ),
        ("claude_code_remove_user", json!({"user_id": "../users"}), vec!["`user_id`", "^[A-Za-z0-9_-]{1,128}$"]),
        ("claude_code_remove_user", json!({"user_id": "user_01/archive"}), vec!["`user_id`"]),
        ("claude_code_remove_user", json!({"user_id": "user?x=1"}), vec!["`user_id`"]),
        ("claude_code_remove_user", json!({}), vec!["`user_id`", "is required"]),
        ("claude_code_get_workspace", json!({"workspace_id": ""}), vec!["`workspace_id`"]),
        (
            "claude_code_update_user_role",
            json!({"user_id": "user_05", "role": "admin"}),
            vec!["`role`", "cannot be assigned"],
        ),
        (
            "claude_code_update_user_role",
            json!({"user_id": "user_05", "role": "owner"}),
            vec!["`role`", "not one of", "claude_code_user"],
        ),
        ("claude_code_create_invite", json!({"email": "a@b", "role": "user"}), vec!["`email`"]),
        ("claude_code_create_invite", json!({"email": "jane@company.com", "role": "admin"}), vec!["`role`", "refused"]),
        ("claude_code_update_api_key", json!({"api_key_id": "apikey_a"}), vec!["name, status", "at least one"]),
        (
            "claude_code_update_api_key",
            json!({"api_key_id": "apikey_a", "status": "expired"}),
            vec!["`status`", "not one of"],
        ),
        ("claude_code_update_api_key", json!({"api_key_id": "apikey_a", "name": ""}), vec!["`name`", "at least 1"]),
        ("claude_code_create_workspace", json!({"name": "x".repeat(41)}), vec!["`name`", "at most 40"]),
        (
            "claude_code_add_workspace_member",
            json!({"workspace_id": "wrkspc_dev", "user_id": "user_10", "role": "workspace_billing"}),
            vec!["`role`", "inherited"],
        ),
        (
            "claude_code_add_workspace_member",
            json!({"workspace_id": "wrkspc_dev", "user_id": "user_10", "role": "superuser"}),
            vec!["`role`", "workspace_admin"],
        ),
        (
            "claude_code_list_workspaces",
            json!({"include_archived": "yes"}),
            vec!["`include_archived`", "true or false"],
        ),
        (
            "claude_code_get_normalized_metrics",
            json!({"start_date": "2025-01-01", "end_date": "2026-12-31"}),
            vec!["`end_date`", "at most 366"],
        ),
    ];
    for (tool, arguments, expect) in cases {
        rejected(&h, tool, arguments, &expect).await;
    }
}

#[tokio::test]
async fn an_unknown_tool_is_a_protocol_error_and_the_server_keeps_serving() {
    let h = Harness::start(seed()).await;
    let Value::Object(arguments) = json!({}) else { unreachable!() };
    let error = h
        .mcp
        .call_tool(rmcp::model::CallToolRequestParams::new("claude_code_nope").with_arguments(arguments))
        .await
        .expect_err("unknown tool");
    assert!(error.to_string().contains("unknown tool"), "{error}");
    h.ok("claude_code_get_org_info", json!({})).await;
}

#[tokio::test]
async fn the_typed_client_checks_arguments_built_in_rust_too() {
    use claude_code_connector::Client;
    use claude_code_connector::generated::args::{GetUsageArgs, ListUsersArgs, RemoveUserArgs};
    use claude_code_connector::runtime::{Date, Error, Http};

    let fake = fake_admin_api::FakeAdminApi::start(seed()).await;
    let client = Client::new(Http::new(crate::harness::fast_config(&fake.base_url())).unwrap());
    let argument = |error: Error| match error {
        Error::Argument(e) => e.argument,
        other => panic!("expected an argument error, got {other}"),
    };
    assert_eq!(argument(client.list_users(&ListUsersArgs::new().with_per_page(0)).await.unwrap_err()), "per_page");
    assert_eq!(argument(client.remove_user(&RemoveUserArgs::new("../users")).await.unwrap_err()), "user_id");
    let (late, early) = (Date::parse("2026-03-02").unwrap(), Date::parse("2026-03-01").unwrap());
    assert_eq!(argument(client.get_usage(&GetUsageArgs::new(late, early)).await.unwrap_err()), "end_date");
    assert!(fake.requests().is_empty(), "nothing is sent upstream");
}
