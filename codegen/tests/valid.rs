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

#[test]
fn the_real_spec_keeps_the_model_visible_budget_with_room_named() {
    use claude_code_connector_codegen::validate::budget::{AVERAGE_TOOL_BYTES, MAX_TOOL_BYTES, model_visible_bytes};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/admin-api.yaml");
    let model = claude_code_connector_codegen::load(&path, "spec/admin-api.yaml").unwrap_or_else(|e| panic!("{e}"));
    let sizes: Vec<usize> = model.tools.iter().map(model_visible_bytes).collect();
    let average = sizes.iter().sum::<usize>() / sizes.len();
    let max = sizes.iter().copied().max().unwrap();
    println!("{} tools: {average} B average, {max} B largest", sizes.len());
    assert!(average <= AVERAGE_TOOL_BYTES && max <= MAX_TOOL_BYTES);
}

#[test]
fn a_handler_build_rs_does_not_map_stops_the_build_saying_where_to_map_it() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/admin-api.yaml");
    let model = claude_code_connector_codegen::load(&path, "spec/admin-api.yaml").unwrap_or_else(|e| panic!("{e}"));
    let error = claude_code_connector_codegen::generate(&model, "crate::runtime").unwrap_err().to_string();
    assert!(
        error.starts_with(
            "spec/admin-api.yaml: tool `claude_code_get_normalized_metrics`, handler `normalized_metrics`"
        ),
        "{error}"
    );
    assert!(error.contains("build.rs") && error.contains("extern_handler"), "{error}");
    let config = claude_code_connector_codegen::Config::new("crate::runtime")
        .extern_handler("normalized_metrics", "not a path", "crate::M", "crate::P")
        .extern_handler("seat_activity", "crate::f", "crate::S", "crate::P");
    let error = claude_code_connector_codegen::generate(&model, config).unwrap_err().to_string();
    assert!(error.contains("`not a path`, which is not a Rust path"), "{error}");
}
