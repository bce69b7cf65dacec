//! The committed golden code of `codegen/tests/fixtures/minimal.yaml` compiles against
//! the runtime and behaves as its spec says. It must compile without warnings: the
//! generated code reads as hand-written code.

#![deny(warnings)]

#[allow(dead_code, clippy::all)]
mod fixture {
    include!("../../../codegen/tests/golden/minimal.rs");
}

use claude_code_connector::runtime::{JsonObject, Method};
use fixture::args::{
    ListUsersArgs, ListUsersRoles, UpdateWorkspaceAllowedGeos, UpdateWorkspaceAllowedGeosItem, UpdateWorkspaceArgs,
};
use serde_json::json;

fn object(value: serde_json::Value) -> JsonObject {
    value.as_object().cloned().expect("an object")
}

fn main() {
    assert_eq!(fixture::tools::ToolId::ALL.len(), fixture::tools::DEFINITIONS.len());

    let list = ListUsersArgs::new().with_roles(vec![ListUsersRoles::Developer, ListUsersRoles::Admin]);
    let request = fixture::requests::list_users(&list).expect("valid");
    assert_eq!(request.method, Method::Get);
    assert_eq!(request.query, [("roles[]".to_string(), "developer".to_string()), ("roles[]".into(), "admin".into())]);

    let parsed = ListUsersArgs::from_arguments(&object(json!({"roles": ["user"]}))).expect("valid");
    assert_eq!(parsed.roles, Some(vec![ListUsersRoles::User]));
    let repeated = ListUsersArgs::from_arguments(&object(json!({"roles": ["user", "user"]}))).unwrap_err();
    assert_eq!(repeated.argument, "roles");

    let update = UpdateWorkspaceArgs::new("wrkspc_01")
        .with_tags([("team".to_string(), "ml".to_string())].into())
        .with_allowed_geos(UpdateWorkspaceAllowedGeos::List(vec![UpdateWorkspaceAllowedGeosItem::Us]));
    let request = fixture::requests::update_workspace(&update).expect("valid");
    assert_eq!(request.path, "/v1/organizations/workspaces/wrkspc_01");
    assert_eq!(
        serde_json::Value::Object(request.body.expect("a body")),
        json!({"tags": {"team": "ml"}, "data_residency": {"allowed_inference_geos": ["us"]}})
    );

    let unrestricted =
        UpdateWorkspaceArgs::from_arguments(&object(json!({"workspace_id": "wrkspc_01", "allowed_geos": "unrestricted"})))
            .expect("valid");
    assert_eq!(unrestricted.allowed_geos, Some(UpdateWorkspaceAllowedGeos::Unrestricted));

    let reserved = UpdateWorkspaceArgs::new("wrkspc_01").with_tags([("anthropic_x".to_string(), "1".to_string())].into());
    assert_eq!(fixture::requests::update_workspace(&reserved).unwrap_err().argument, "tags");

    let nothing = UpdateWorkspaceArgs::new("wrkspc_01");
    assert!(fixture::requests::update_workspace(&nothing).is_err(), "at_least_one holds");
}
