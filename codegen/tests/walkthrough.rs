//! spec/README.md's "How to add a tool", followed literally: append the tool block
//! the walkthrough shows to a copy of the real spec, generate, and check the new
//! tool's schema and registration.

use std::path::Path;

mod support;
use support::config_for;

const BEGIN: &str = "<!-- walkthrough:tool -->\n```yaml\n";
const END: &str = "```\n<!-- walkthrough:end -->";

fn walkthrough_block(readme: &str) -> &str {
    let start = readme.find(BEGIN).expect("spec/README.md has the walkthrough's tool block") + BEGIN.len();
    let len = readme[start..].find(END).expect("the walkthrough's tool block is closed");
    &readme[start..start + len]
}

#[test]
fn the_walkthrough_tool_appended_to_the_spec_generates_and_registers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("spec/README.md")).unwrap();
    let spec = std::fs::read_to_string(root.join("spec/admin-api.yaml")).unwrap();
    assert!(
        spec.find("\ntools:\n")
            .is_some_and(|tools| !spec[tools + 8..].lines().any(|l| l.starts_with(|c: char| c.is_alphanumeric()))),
        "`tools:` is the spec's last top-level key, so appending to the file appends a tool"
    );
    let block = walkthrough_block(&readme);

    let before = claude_code_connector_codegen::parse(&spec, "spec/admin-api.yaml").unwrap();
    assert!(before.tools.iter().all(|t| t.name != "claude_code_find_invites"), "the walkthrough adds a new tool");

    let dir = std::env::temp_dir().join(format!("walkthrough-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("admin-api.yaml");
    std::fs::write(&copy, format!("{}\n\n{block}", spec.trim_end())).unwrap();
    let model =
        claude_code_connector_codegen::load(&copy, "copy of spec/admin-api.yaml").unwrap_or_else(|e| panic!("{e}"));
    let output = claude_code_connector_codegen::generate(&model, config_for(&model)).unwrap();
    std::fs::remove_dir_all(&dir).ok();

    assert_eq!(model.tools.len(), before.tools.len() + 1);
    // Listed after the other tools of its group, wherever the group is in `groups:`.
    let position = model.tools.iter().position(|t| t.name == "claude_code_find_invites").unwrap();
    let last_of_group = before.tools.iter().rposition(|t| t.group == "admin").unwrap();
    assert_eq!(position, last_of_group + 1, "after the last `admin` tool");
    let tool = &model.tools[position];
    assert_eq!((tool.name.as_str(), tool.rust_name.as_str()), ("claude_code_find_invites", "find_invites"));
    assert!(tool.annotations.read_only);

    let schemas: serde_json::Value = serde_json::from_str(&output.schemas_json).unwrap();
    let input = &schemas["claude_code_find_invites"]["inputSchema"];
    assert_eq!(input["additionalProperties"], false);
    assert!(input.get("required").is_none(), "every argument is optional: {input}");
    assert_eq!(input["properties"]["statuses"]["type"], "array");
    assert_eq!(input["properties"]["statuses"]["items"]["enum"], serde_json::json!(["pending", "accepted", "expired"]));
    assert_eq!(input["properties"]["statuses"]["uniqueItems"], true);
    assert_eq!(input["properties"]["email"]["format"], "email");
    assert_eq!(input["properties"]["per_page"]["default"], 30);
    let output_schema = &schemas["claude_code_find_invites"]["outputSchema"];
    assert_eq!(output_schema["properties"]["data"]["items"]["properties"]["status"]["type"], "string");

    for registration in [
        "FindInvites,",
        "::std::option::Option::Some(ToolId::FindInvites)",
        "name: \"claude_code_find_invites\"",
        "pub async fn find_invites(",
        "pub struct FindInvitesArgs",
        "pub fn with_statuses(",
        "request.query(\"statuses[]\", item.as_str());",
    ] {
        assert!(output.rust.contains(registration), "generated code lacks `{registration}`");
    }
    assert!(output.tools_md.contains("claude_code_find_invites"), "docs/tools.md documents it");
}
