//! `call TOOL --help`: one tool's arguments (type, bounds or values, required or default,
//! description) from its input schema, and its example call from the generated docs, as
//! `KEY=VALUE` pairs for the terminal.

use serde_json::Value;

use super::input::resolve_tool;
use crate::generated::{self, tools::ToolId};

/// The help of the tool a `call … --help` command line names, if it names a known tool.
pub fn requested(args: &[String]) -> Option<String> {
    let call = args.iter().position(|arg| arg == "call")?;
    let rest = &args[call + 1..];
    if !rest.iter().any(|arg| arg == "--help" || arg == "-h") {
        return None;
    }
    let tool = rest.iter().find(|arg| !arg.starts_with('-'))?;
    resolve_tool(tool).ok().map(help)
}

/// The help text of one tool.
pub fn help(tool: ToolId) -> String {
    let definition = tool.definition();
    let short = definition.name.trim_start_matches(crate::generated::tools::TOOL_PREFIX);
    let schema: Value = serde_json::from_str(definition.input_schema).unwrap_or_default();
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let mut out = format!("{}: {}\n{}\n\n", definition.name, definition.title, definition.description);
    out.push_str(&format!(
        "Usage: claude-code-connector call {short} [KEY=VALUE ...] [--json OBJECT] [--output json]\n\n"
    ));
    let properties = schema["properties"].as_object().cloned().unwrap_or_default();
    if properties.is_empty() {
        out.push_str("Arguments: none\n");
    } else {
        out.push_str("Arguments:\n");
        let width = properties.keys().map(String::len).max().unwrap_or(0);
        for (name, property) in &properties {
            let need = if required.contains(&name.as_str()) {
                "required".to_string()
            } else {
                match property.get("default") {
                    Some(default) => format!("default {}", plain(default)),
                    None => "optional".to_string(),
                }
            };
            let description = property["description"].as_str().unwrap_or_default();
            out.push_str(&format!("  {name:width$}  {}; {need}. {description}\n", type_text(property)));
        }
    }
    if let Some(example) = example(definition.name) {
        out.push_str(&format!("\nExample:\n  claude-code-connector call {short}{example}\n"));
    }
    out
}

/// `integer 1–100`, `date`, `one of a, b`, `list of: a, b`.
fn type_text(property: &Value) -> String {
    let values = |p: &Value| -> Option<String> {
        let values: Vec<String> = p["enum"].as_array()?.iter().map(plain).collect();
        Some(format!("one of {}", values.join(", ")))
    };
    let bounds = |p: &Value| match (p.get("minimum"), p.get("maximum")) {
        (Some(min), Some(max)) => format!(" {min}–{max}"),
        _ => String::new(),
    };
    if let Some(values) = values(property) {
        return values;
    }
    match property["type"].as_str() {
        Some("array") => {
            let items = &property["items"];
            let each = values(items).unwrap_or_else(|| items["type"].as_str().unwrap_or("value").to_string());
            format!("list ({each}; a,b,c or JSON)")
        }
        Some("integer") => format!("integer{}", bounds(property)),
        Some("string") if property.get("pattern").and_then(Value::as_str) == Some(crate::runtime::DATE_PATTERN) => {
            "date (YYYY-MM-DD or a date word)".to_string()
        }
        Some("string") => property["format"].as_str().unwrap_or("text").to_string(),
        Some(other) => other.to_string(),
        None => "value".to_string(),
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The docs' example call of `tool`, as ` KEY=VALUE` pairs.
fn example(tool: &str) -> Option<String> {
    let docs = generated::TOOLS_MD;
    let section = &docs[docs.find(&format!("<a id=\"{tool}\"></a>"))?..];
    let section = &section[..section[1..].find("<a id=").map_or(section.len(), |end| end + 1)];
    let block = &section[section.find("**Example call**")?..];
    let json = &block[block.find("```json")? + 7..];
    let json = &json[..json.find("```")?];
    let call: Value = serde_json::from_str(json).ok()?;
    let pairs: Vec<String> = call["arguments"]
        .as_object()?
        .iter()
        .map(|(key, value)| match value {
            Value::Array(items) if items.iter().all(Value::is_string) => {
                format!("{key}={}", items.iter().map(plain).collect::<Vec<_>>().join(","))
            }
            other => format!("{key}={}", shell_word(&plain(other))),
        })
        .collect();
    Some(pairs.iter().map(|pair| format!(" {pair}")).collect())
}

/// A value as one shell word: quoted when it holds anything but plain characters.
fn shell_word(text: &str) -> String {
    let plain = text.chars().all(|c| c.is_ascii_alphanumeric() || "-_.@:/+,".contains(c));
    if plain { text.to_string() } else { format!("'{}'", text.replace('\'', "'\\''")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn a_tools_help_lists_its_arguments_and_an_example_from_the_spec() {
        let text = requested(&args("ccc --sandbox call list_users --help")).expect("a tool's help");
        assert!(text.starts_with("claude_code_list_users: List users\n"), "{text}");
        assert!(text.contains("  per_page  integer 1–100; default 30. Items per page."), "{text}");
        assert!(text.contains("roles") && text.contains("list (one of user, developer"), "{text}");
        assert!(text.contains("Example:\n  claude-code-connector call list_users"), "{text}");
        let usage = requested(&args("ccc call get_usage -h")).unwrap();
        assert!(
            usage.contains("start_date") && usage.contains("date (YYYY-MM-DD or a date word); required"),
            "{usage}"
        );
        assert!(requested(&args("ccc call list_users per_page=2")).is_none(), "no --help");
        assert!(requested(&args("ccc call no_such_tool --help")).is_none(), "clap's own help then");
        assert!(requested(&args("ccc --help")).is_none());
    }
}
