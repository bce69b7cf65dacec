//! `bundle`: the Claude Desktop extension. The manifest lists exactly what the binary
//! serves, and the bundled binary starts as Claude Desktop starts it: `mcp_config`
//! with `${__dirname}` and `${user_config.…}` substituted, from the bundle directory.

use std::collections::BTreeSet;
use std::path::Path;

use fake_admin_api::{FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::{Map, Value, json};
use tokio::process::Command;

use crate::binary;
use crate::tools::seed;
use claude_code_connector::generated::PROMPTS;
use claude_code_connector::generated::tools::DEFINITIONS;

/// Runs `bundle --out DIR` (with a key in the environment, which must not be written)
/// and returns the manifest.
async fn bundle(dir: &Path) -> Value {
    let out = dir.to_str().unwrap();
    let run = binary::run(&["bundle", "--out", out], &[("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY)]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("mcpb pack"), "says how to pack it: {}", run.stderr);
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json");
    assert!(!text.contains(FAKE_ADMIN_KEY), "the key is never written into the bundle");
    serde_json::from_str(&text).expect("the manifest is JSON")
}

/// Replaces every `${name}` of `variables` in the strings of `value`, as the host does
/// (`@anthropic-ai/mcpb`'s `replaceVariables`); unknown ones stay as they are.
fn substitute(value: &Value, variables: &Map<String, Value>) -> Value {
    match value {
        Value::String(text) => {
            let mut text = text.clone();
            for (name, replacement) in variables {
                text = text.replace(&format!("${{{name}}}"), replacement.as_str().unwrap());
            }
            Value::String(text)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, variables)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), substitute(v, variables))).collect()),
        other => other.clone(),
    }
}

/// The command Claude Desktop runs for this manifest, installed at `dir`, with the
/// user's settings `user` merged over the manifest's defaults (booleans as "true"/"false").
fn host_command(manifest: &Value, dir: &Path, user: &Value) -> Command {
    let mut variables = Map::new();
    variables.insert("__dirname".into(), json!(dir.to_str().unwrap()));
    let settings = manifest["user_config"].as_object().unwrap();
    for (key, setting) in settings {
        let value = user.get(key).or_else(|| setting.get("default"));
        let text = match value {
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => continue,
        };
        variables.insert(format!("user_config.{key}"), json!(text));
    }
    let config = substitute(&manifest["server"]["mcp_config"], &variables);
    let mut command = Command::new(config["command"].as_str().unwrap());
    command.current_dir(dir).kill_on_drop(true);
    for arg in config["args"].as_array().unwrap() {
        command.arg(arg.as_str().unwrap());
    }
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CLAUDE_CODE_CONNECTOR_") || name.starts_with("ANTHROPIC_") || name == "RUST_LOG" {
            command.env_remove(&*name);
        }
    }
    for (name, value) in config["env"].as_object().unwrap() {
        command.env(name, value.as_str().unwrap());
    }
    command
}

fn names(items: &Value) -> BTreeSet<String> {
    items.as_array().unwrap().iter().map(|item| item["name"].as_str().unwrap().to_string()).collect()
}

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"claude-ai","version":"0"}}}"#;

#[tokio::test]
async fn the_bundle_lists_what_the_binary_serves_and_starts_as_claude_desktop_starts_it() {
    let dir = std::env::temp_dir().join(format!("ccc-bundle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let manifest = bundle(&dir).await;
    assert_eq!(manifest["manifest_version"], "0.3");
    assert_eq!(manifest["name"], env!("CARGO_PKG_NAME"));
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["server"]["type"], "binary");
    let entry = manifest["server"]["entry_point"].as_str().unwrap();
    assert!(dir.join(entry).is_file(), "the binary is in the bundle at {entry}");

    let spec_tools: BTreeSet<String> = DEFINITIONS.iter().map(|t| t.name.to_string()).collect();
    let spec_prompts: BTreeSet<String> = PROMPTS.iter().map(|p| p.name.to_string()).collect();
    assert_eq!(names(&manifest["tools"]), spec_tools);
    assert_eq!(names(&manifest["prompts"]), spec_prompts);

    // Default settings: empty optional values must not break start-up.
    let fake = FakeAdminApi::start(seed()).await;
    let mut command = host_command(&manifest, &dir, &json!({"admin_api_key": FAKE_ADMIN_KEY}));
    command.env("CLAUDE_CODE_CONNECTOR_BASE_URL", fake.base_url());
    let mut server = binary::spawn(&mut command);
    let answers = server
        .exchange(&[
            serde_json::from_str(INITIALIZE).unwrap(),
            json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
            json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}),
            json!({"jsonrpc":"2.0","id":3,"method":"prompts/list"}),
            json!({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"claude_code_list_users","arguments":{"per_page":5}}}),
        ])
        .await;
    assert_eq!(names(&answers[&2]["result"]["tools"]), names(&manifest["tools"]), "the manifest lists what is served");
    assert_eq!(names(&answers[&3]["result"]["prompts"]), names(&manifest["prompts"]));
    let call = &answers[&4]["result"];
    assert_ne!(call["isError"], true, "{call}");
    assert!(!call["structuredContent"]["data"].as_array().unwrap().is_empty(), "{call}");
    let (status, stderr) = server.finish().await;
    assert!(status.success(), "{stderr}");
    assert!(!stderr.contains(FAKE_ADMIN_KEY), "the key is never logged");

    // Least privilege from the extension's settings.
    let user =
        json!({"admin_api_key": FAKE_ADMIN_KEY, "read_only": true, "tools": "list_*,get_*", "max_role": "developer"});
    let mut command = host_command(&manifest, &dir, &user);
    command.env("CLAUDE_CODE_CONNECTOR_BASE_URL", fake.base_url());
    let mut server = binary::spawn(&mut command);
    let answers = server
        .exchange(&[
            serde_json::from_str(INITIALIZE).unwrap(),
            json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
            json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}),
        ])
        .await;
    let served = names(&answers[&2]["result"]["tools"]);
    assert!(!served.is_empty());
    for name in &served {
        let def = DEFINITIONS.iter().find(|t| t.name == name).unwrap();
        assert!(def.annotations.read_only, "{name} is not read-only");
        assert!(name.contains("list_") || name.contains("get_"), "{name} does not match the tools setting");
    }
    let (status, stderr) = server.finish().await;
    assert!(status.success(), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn empty_or_unsubstituted_settings_count_as_unset() {
    let run = binary::run(
        &["tools"],
        &[("CLAUDE_CODE_CONNECTOR_TOOLS", ""), ("CLAUDE_CODE_CONNECTOR_READ_ONLY", "${user_config.read_only}")],
    )
    .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    for def in DEFINITIONS {
        assert!(run.stdout.contains(def.name.trim_start_matches("claude_code_")), "{} is listed", def.name);
    }
    let run = binary::run(&["tools"], &[("CLAUDE_CODE_CONNECTOR_TOOLS", "${user_config.tools}")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
}
