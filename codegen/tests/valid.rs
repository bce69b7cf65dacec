//! Valid specs that exercise one rule each (`tests/fixtures/valid/`): each loads and
//! generates, and what the rule promises is in the output.

use std::path::Path;

fn load(name: &str) -> (claude_code_connector_codegen::ir::Model, serde_json::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid").join(name);
    let model = claude_code_connector_codegen::load(&path, name).unwrap_or_else(|e| panic!("{e}"));
    let output = claude_code_connector_codegen::generate(&model, "crate::runtime").unwrap_or_else(|e| panic!("{e}"));
    (model, serde_json::from_str(&output.schemas_json).unwrap())
}

#[test]
fn a_shared_array_argument_keeps_its_items_through_use() {
    let (model, schemas) = load("array_use.yaml");
    let roles = &schemas["claude_code_list_users"]["inputSchema"]["properties"]["roles"];
    assert_eq!(roles["type"], "array", "{roles}");
    assert_eq!(roles["items"]["enum"], serde_json::json!(["user", "developer", "admin"]), "{roles}");
    assert_eq!(roles["maxItems"], 2, "the shared bounds come along: {roles}");
    assert_eq!(roles["description"], "Only users with one of these roles.");
    let tool = model.tools.iter().find(|t| t.name == "claude_code_list_users").unwrap();
    let arg = tool.args.iter().find(|a| a.name == "roles").unwrap();
    assert!(matches!(&arg.kind, claude_code_connector_codegen::ir::ArgKind::List(_)), "{:?}", arg.kind);
}
