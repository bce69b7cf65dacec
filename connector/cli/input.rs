//! What `call` reads from the command line: the tool's name and its `KEY=VALUE` arguments.

use serde_json::{Map, Value};

use crate::generated::tools::{DEFINITIONS, TOOL_PREFIX, ToolId};
use crate::runtime::JsonObject;

/// The name without the [`TOOL_PREFIX`] (optional on the command line): what `tools`
/// shows and `call` takes.
pub fn short_name(name: &str) -> &str {
    name.strip_prefix(TOOL_PREFIX).unwrap_or(name)
}

/// The tool named `name` (`list_users`, `claude_code_list_users`, `list-users`), or a
/// message that says what is wrong and what is close.
pub fn resolve_tool(name: &str) -> Result<ToolId, String> {
    let wanted = name.trim().to_ascii_lowercase().replace('-', "_");
    let full = if wanted.starts_with(TOOL_PREFIX) { wanted.clone() } else { format!("{TOOL_PREFIX}{wanted}") };
    if let Some(tool) = ToolId::from_name(&full) {
        return Ok(tool);
    }
    let short = short_name(&wanted);
    let closest = DEFINITIONS
        .iter()
        .map(|def| (strsim::levenshtein(short, short_name(def.name)), short_name(def.name)))
        .min()
        .filter(|(distance, _)| *distance <= short.len().max(4) / 3);
    let hint = match closest {
        Some((_, close)) => format!("; did you mean `{close}`?"),
        None => String::new(),
    };
    Err(format!("unknown tool `{name}`{hint} (`tools` lists them all)"))
}

/// What a property of the input schema takes, as far as reading `KEY=VALUE` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Takes {
    /// Text: the value is taken as written.
    String,
    /// A list of strings: `a,b` is `["a","b"]` unless the value is a JSON array.
    StringList,
    /// Anything else (numbers, booleans, objects, unknown arguments): JSON when it parses.
    Json,
}

fn type_names(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).filter(|name| *name != "null").collect(),
        _ => Vec::new(),
    }
}

fn takes(properties: Option<&Map<String, Value>>, key: &str) -> Takes {
    let Some(schema) = properties.and_then(|properties| properties.get(key)) else { return Takes::Json };
    match type_names(schema).as_slice() {
        ["string"] => Takes::String,
        ["array"] if schema.get("items").is_some_and(|items| type_names(items) == ["string"]) => Takes::StringList,
        _ => Takes::Json,
    }
}

/// The call's arguments from `KEY=VALUE` pairs and `--json`, typed by the tool's input schema.
pub fn parse_arguments(tool: ToolId, pairs: &[String], json: Option<&str>) -> Result<JsonObject, String> {
    let mut arguments = match json {
        None => JsonObject::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => object,
            Ok(_) => return Err("--json takes a JSON object, e.g. --json '{\"per_page\": 5}'".into()),
            Err(e) => return Err(format!("--json is not valid JSON: {e}")),
        },
    };
    let schema: Value = serde_json::from_str(tool.definition().input_schema).unwrap_or(Value::Null);
    let properties = schema.get("properties").and_then(Value::as_object);
    let mut given = std::collections::BTreeSet::new();
    for pair in pairs {
        let Some((key, raw)) = pair.split_once('=') else {
            return Err(format!("malformed argument `{pair}`: expected KEY=VALUE, e.g. per_page=5"));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "malformed argument `{pair}`: the name before `=` must be an argument name (letters, digits, _)"
            ));
        }
        if !given.insert(key.to_string()) {
            return Err(format!("argument `{key}` is given twice"));
        }
        arguments.insert(key.to_string(), value_of(raw, takes(properties, key)));
    }
    Ok(arguments)
}

fn value_of(raw: &str, takes: Takes) -> Value {
    let parsed = serde_json::from_str::<Value>(raw).ok();
    match (takes, parsed) {
        // A quoted JSON string is the string inside; anything else is the text as written.
        (Takes::String, Some(Value::String(text))) => Value::String(text),
        (Takes::String, _) => Value::String(raw.to_string()),
        (Takes::StringList, Some(list @ Value::Array(_))) => list,
        (Takes::StringList, _) => {
            Value::Array(raw.split(',').map(str::trim).filter(|item| !item.is_empty()).map(Value::from).collect())
        }
        (Takes::Json, Some(value)) => value,
        (Takes::Json, None) => Value::String(raw.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn args(tool: ToolId, pairs: &[&str]) -> Result<Value, String> {
        let pairs: Vec<String> = pairs.iter().map(|p| (*p).to_string()).collect();
        parse_arguments(tool, &pairs, None).map(Value::Object)
    }

    #[test]
    fn names_resolve_with_or_without_the_prefix() {
        assert_eq!(resolve_tool("list_users"), Ok(ToolId::ListUsers));
        assert_eq!(resolve_tool("claude_code_list_users"), Ok(ToolId::ListUsers));
        assert_eq!(resolve_tool("list-users"), Ok(ToolId::ListUsers));
        let unknown = resolve_tool("lst_users").unwrap_err();
        assert!(unknown.contains("`lst_users`") && unknown.contains("did you mean `list_users`"), "{unknown}");
        assert!(!resolve_tool("frobnicate").unwrap_err().contains("did you mean"));
    }

    #[test]
    fn values_are_typed_by_the_schema() {
        assert_eq!(
            args(ToolId::ListUsers, &["per_page=5", "email=a@b.co"]),
            Ok(json!({"per_page": 5, "email": "a@b.co"}))
        );
        assert_eq!(
            args(ToolId::GetUsage, &["start_date=2026-10-01", r#"group_by=["model"]"#, "models=a,b"]),
            Ok(json!({"start_date": "2026-10-01", "group_by": ["model"], "models": ["a", "b"]}))
        );
        assert_eq!(
            args(ToolId::CreateWorkspace, &["name=2026"]),
            Ok(json!({"name": "2026"})),
            "a string argument keeps digits as text"
        );
        assert_eq!(args(ToolId::CreateWorkspace, &[r#"name="quoted""#]), Ok(json!({"name": "quoted"})));
        assert_eq!(args(ToolId::ListUsers, &["per_page=five"]), Ok(json!({"per_page": "five"})));
        assert_eq!(args(ToolId::ListUsers, &["unknown=1"]), Ok(json!({"unknown": 1})));
    }

    #[test]
    fn malformed_pairs_are_refused() {
        assert!(args(ToolId::ListUsers, &["per_page"]).unwrap_err().contains("malformed argument `per_page`"));
        assert!(args(ToolId::ListUsers, &["=5"]).unwrap_err().contains("malformed"));
        assert!(args(ToolId::ListUsers, &["page=1", "page=2"]).unwrap_err().contains("`page` is given twice"));
        let pairs = vec!["per_page=3".to_string()];
        let merged = parse_arguments(ToolId::ListUsers, &pairs, Some(r#"{"page": 2}"#)).unwrap();
        assert_eq!(Value::Object(merged), json!({"page": 2, "per_page": 3}));
        assert!(parse_arguments(ToolId::ListUsers, &[], Some("[1]")).unwrap_err().contains("JSON object"));
        assert!(parse_arguments(ToolId::ListUsers, &[], Some("{")).unwrap_err().contains("not valid JSON"));
    }
}
