//! `tools/list`: the golden response, schema rules and annotations.

use serde_json::{Value, json};

use crate::harness::Harness;
use crate::tools::seed;

const GOLDEN: &str = "tests/golden/tools_list.json";

#[tokio::test]
async fn tools_list_matches_the_golden_file() {
    let h = Harness::start(seed()).await;
    let tools = h.list_tools().await;
    let mut actual = serde_json::to_string_pretty(&json!({ "tools": tools })).unwrap();
    actual.push('\n');
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all("tests/golden").unwrap();
        std::fs::write(GOLDEN, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(GOLDEN).unwrap_or_default();
    assert!(
        expected == actual,
        "tools/list differs from {GOLDEN}; review the change and run `UPDATE_GOLDEN=1 cargo test --test it tools_list` to accept it"
    );
}

/// The verbs a tool name starts with, and whether they read: a tool whose name says
/// it reads must be read-only, and one whose name says it writes must not be.
const READ_VERBS: &[&str] = &["get", "list", "find"];
const WRITE_VERBS: &[&str] = &["create", "update", "delete", "remove", "archive", "add"];

#[tokio::test]
async fn every_tool_has_a_valid_schema_and_honest_annotations() {
    let h = Harness::start(seed()).await;
    let tools = h.list_tools().await;
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    let registry: Vec<&str> = claude_code_connector::generated::tools::DEFINITIONS.iter().map(|d| d.name).collect();
    assert_eq!(names, registry, "tools/list is the registry generated from spec/admin-api.yaml, in its order");
    for tool in &tools {
        for (name, property) in tool.input_schema["properties"].as_object().unwrap() {
            if name.ends_with("_date") {
                assert_eq!(property["pattern"], claude_code_connector::runtime::DATE_PATTERN, "{}.{name}", tool.name);
            }
            if property["pattern"] == claude_code_connector::runtime::DATE_PATTERN {
                // MCP cannot complete a tool's arguments: the schema names the words instead.
                let description = property["description"].as_str().unwrap_or_default();
                let takes_months = description.contains("a month");
                for word in claude_code_connector::runtime::DateWord::ALL {
                    // `this-/last-quarter` names both words of a pair.
                    let (kind, period) = word.as_str().split_once('-').unwrap_or_default();
                    let named = description.contains(word.as_str())
                        || (kind == "this" && description.contains(&format!("this-/last-{period}")))
                        || (kind == "last" && description.contains(&format!("/last-{period}")));
                    if !word.is_period() || takes_months {
                        assert!(named, "{}.{name} omits {word:?}: {description}", tool.name);
                    }
                }
                assert!(description.contains("N-days-ago"), "{}.{name}: {description}", tool.name);
            }
        }
    }
    for tool in &tools {
        let schema = Value::Object((*tool.input_schema).clone());
        assert_eq!(schema["type"], "object", "{}", tool.name);
        assert_eq!(schema["additionalProperties"], false, "{}", tool.name);
        assert_draft_2020_12_subset(&tool.name, &schema);
        let output = tool.output_schema.as_ref().unwrap_or_else(|| panic!("{} has no outputSchema", tool.name));
        assert_eq!(output.get("type"), Some(&json!("object")), "{} outputSchema root", tool.name);
        // Every result carries what it cost upstream; every output schema declares it.
        let upstream = &output["properties"][claude_code_connector::runtime::registry::envelope::UPSTREAM];
        assert_eq!(upstream["properties"]["requests"]["type"], "integer", "{} outputSchema upstream", tool.name);
        assert_eq!(upstream["properties"]["cached_pages"]["type"], "integer", "{} outputSchema upstream", tool.name);
        let annotations = tool.annotations.as_ref().expect("annotations");
        let verb = tool.name.strip_prefix("claude_code_").unwrap_or(&tool.name).split('_').next().unwrap_or_default();
        let reads = READ_VERBS.contains(&verb);
        assert!(
            reads || WRITE_VERBS.contains(&verb),
            "{}: its name starts with `{verb}`, which says neither read nor write: name it with one of {READ_VERBS:?} (reads) or {WRITE_VERBS:?} (writes) in spec/admin-api.yaml",
            tool.name
        );
        assert_eq!(annotations.read_only_hint, Some(reads), "{} readOnlyHint", tool.name);
    }
    let required = |name: &str| -> Vec<String> {
        let tool = tools.iter().find(|t| t.name == name).unwrap();
        tool.input_schema
            .get("required")
            .and_then(|r| r.as_array())
            .map(|r| r.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(required("claude_code_get_usage"), ["start_date", "end_date"]);
    assert_eq!(required("claude_code_update_user_role"), ["user_id", "role"]);
    assert_eq!(required("claude_code_create_invite"), ["email", "role"]);
    assert_eq!(required("claude_code_add_workspace_member"), ["workspace_id", "user_id"]);
    assert_eq!(required("claude_code_update_api_key"), ["api_key_id"]);
    assert_eq!(required("claude_code_update_workspace"), ["workspace_id"]);
    assert_eq!(required("claude_code_update_workspace_member"), ["workspace_id", "user_id", "role"]);
    for destructive in [
        "claude_code_remove_user",
        "claude_code_delete_invite",
        "claude_code_archive_workspace",
        "claude_code_remove_workspace_member",
    ] {
        let tool = tools.iter().find(|t| t.name == destructive).unwrap();
        assert_eq!(tool.annotations.as_ref().unwrap().destructive_hint, Some(true), "{destructive}");
    }
}

fn subschema(tool: &str, schema: &Value) -> bool {
    assert_draft_2020_12_subset(tool, schema);
    true
}

/// The keywords our schemas may use, each with the JSON type Draft 2020-12 requires.
fn assert_draft_2020_12_subset(tool: &str, schema: &Value) {
    let Value::Object(map) = schema else { panic!("{tool}: schema is not an object") };
    for (key, value) in map {
        let ok = match key.as_str() {
            "type" => value.is_string() || value.is_array(),
            "properties" => value.as_object().is_some_and(|p| {
                p.values().all(|s| {
                    assert_draft_2020_12_subset(tool, s);
                    true
                })
            }),
            "required" => value.as_array().is_some_and(|r| r.iter().all(Value::is_string)),
            "additionalProperties" | "items" | "propertyNames" => {
                value.is_boolean() || value.is_object() && subschema(tool, value)
            }
            "anyOf" => value.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(|s| subschema(tool, s))),
            "description" | "format" | "pattern" => value.is_string(),
            "minimum" | "maximum" | "minLength" | "maxLength" | "minItems" | "maxItems" | "maxProperties" => {
                value.as_u64().is_some() || value.is_i64()
            }
            "uniqueItems" => value.is_boolean(),
            "const" => value.is_string(),
            "enum" => value.as_array().is_some_and(|e| !e.is_empty()),
            "default" => true,
            other => panic!("{tool}: unexpected schema keyword `{other}`"),
        };
        assert!(ok, "{tool}: `{key}` has the wrong JSON type: {value}");
    }
}
