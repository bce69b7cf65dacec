//! `bundle --out FILE.mcpb`: the Claude Desktop extension. The file is a zip with the
//! manifest, the icon and a binary per platform; the manifest lists exactly what the
//! binary serves; and the bundle starts as Claude Desktop starts it (unpacked, then
//! `mcp_config` with `${__dirname}` and `${user_config.…}` substituted, an unset value
//! as empty) in each of its set-ups: an admin key, the sandbox, a team server, nothing.

use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi, Organization};
use serde_json::{Map, Value, json};
use tokio::process::Command;

use crate::binary;
use crate::http::{ACME_TOKEN, BETA_KEY, BETA_TOKEN, Served};
use crate::tools::seed;
use claude_code_connector::config::NOT_CONFIGURED;
use claude_code_connector::generated::PROMPTS;
use claude_code_connector::generated::tools::DEFINITIONS;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccc-bundle-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs `bundle` with `args` (with a key in the environment, which must not be written).
async fn run_bundle(args: &[&str]) -> binary::Run {
    let mut all = vec!["bundle"];
    all.extend_from_slice(args);
    binary::run(&all, &[("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY)]).await
}

/// The files of a zip by name: contents and Unix mode.
fn unzip(file: &Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(file).expect("the .mcpb")).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("an entry");
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("inflate");
            (entry.name().expect("a UTF-8 name").to_string(), bytes, entry.unix_mode().unwrap_or(0) & 0o777)
        })
        .collect()
}

/// Unpacks `file` into `dir` as Claude Desktop does (modes kept); returns the manifest.
fn unpack(file: &Path, dir: &Path) -> Value {
    for (name, bytes, mode) in unzip(file) {
        let path = dir.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json");
    assert!(!text.contains(FAKE_ADMIN_KEY), "the key is never written into the bundle");
    serde_json::from_str(&text).expect("the manifest is JSON")
}

/// `bundle --out DIR/x.mcpb` of this binary, unpacked into DIR/unpacked; returns the manifest.
async fn bundle_and_unpack(dir: &Path) -> (Value, PathBuf) {
    let file = dir.join("x.mcpb");
    let run = run_bundle(&["--out", file.to_str().unwrap()]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("Claude Desktop"), "says how to install it: {}", run.stderr);
    let unpacked = dir.join("unpacked");
    (unpack(&file, &unpacked), unpacked)
}

/// Replaces every `${name}` of `variables` in the strings of `value`, as the host does
/// (`@anthropic-ai/mcpb`'s `replaceVariables`).
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
/// user's settings `user` merged over the manifest's defaults (booleans as "true"/"false",
/// a setting with neither as empty), this platform's override applied.
pub(crate) fn host_command(manifest: &Value, dir: &Path, user: &Value) -> Command {
    let mut variables = Map::new();
    variables.insert("__dirname".into(), json!(dir.to_str().unwrap()));
    for (key, setting) in manifest["user_config"].as_object().unwrap() {
        let text = match user.get(key).or_else(|| setting.get("default")) {
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        variables.insert(format!("user_config.{key}"), json!(text));
    }
    let mut config = manifest["server"]["mcp_config"].clone();
    if let Some(Value::Object(own)) = config["platform_overrides"].get("linux").cloned() {
        for (field, value) in own {
            config[field] = value;
        }
    }
    let config = substitute(&config, &variables);
    let mut command = Command::new(config["command"].as_str().unwrap());
    command.current_dir(dir).kill_on_drop(true);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CLAUDE_CODE_CONNECTOR_") || name.starts_with("ANTHROPIC_") || name == "RUST_LOG" {
            command.env_remove(&*name);
        }
    }
    for arg in config["args"].as_array().unwrap() {
        command.arg(arg.as_str().unwrap());
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

/// Initializes, lists the tools and calls `tool` (no arguments); the answers by id.
async fn list_and_call(command: &mut Command, tool: &str) -> (std::collections::BTreeMap<u64, Value>, bool, String) {
    let mut server = binary::spawn(command);
    let answers = server
        .exchange(&[
            serde_json::from_str(INITIALIZE).unwrap(),
            json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
            json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}),
            json!({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name": tool, "arguments": {}}}),
        ])
        .await;
    let (status, stderr) = server.finish().await;
    (answers, status.success(), stderr)
}

fn text_of(result: &Value) -> String {
    result["content"].as_array().map_or_else(String::new, |blocks| {
        blocks.iter().filter_map(|b| b["text"].as_str()).collect::<Vec<_>>().join("\n")
    })
}

#[tokio::test]
async fn the_bundle_lists_what_the_binary_serves_and_starts_with_a_key_as_claude_desktop_starts_it() {
    let dir = scratch("key");
    let (manifest, unpacked) = bundle_and_unpack(&dir).await;
    assert_eq!(manifest["manifest_version"], "0.3");
    assert_eq!(manifest["name"], env!("CARGO_PKG_NAME"));
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["server"]["type"], "binary");
    assert_eq!(manifest["compatibility"]["platforms"], json!(["linux"]), "this binary's platform only");
    let entry = manifest["server"]["entry_point"].as_str().unwrap();
    assert_eq!(entry, "server/linux/claude-code-connector");
    assert!(unpacked.join(entry).is_file(), "the binary is in the bundle at {entry}");
    let icon = std::fs::read(unpacked.join(manifest["icon"].as_str().unwrap())).expect("the icon is in the bundle");
    assert!(icon.starts_with(b"\x89PNG\r\n\x1a\n"), "the icon is a PNG");
    assert!(manifest["privacy_policies"][0].as_str().unwrap().starts_with("https://"));

    let spec_tools: BTreeSet<String> = DEFINITIONS.iter().map(|t| t.name.to_string()).collect();
    let spec_prompts: BTreeSet<String> = PROMPTS.iter().map(|p| p.name.to_string()).collect();
    assert_eq!(names(&manifest["tools"]), spec_tools);
    assert_eq!(names(&manifest["prompts"]), spec_prompts);

    // The key filled in, everything else left unset: empty values must not break start-up.
    let fake = FakeAdminApi::start(seed()).await;
    let mut command = host_command(&manifest, &unpacked, &json!({"admin_api_key": FAKE_ADMIN_KEY}));
    command.env("CLAUDE_CODE_CONNECTOR_BASE_URL", fake.base_url());
    let (answers, exited_cleanly, stderr) = list_and_call(&mut command, "claude_code_get_org_info").await;
    assert_eq!(names(&answers[&2]["result"]["tools"]), names(&manifest["tools"]), "the manifest lists what is served");
    let call = &answers[&3]["result"];
    assert_ne!(call["isError"], true, "{call}");
    assert!(exited_cleanly, "{stderr}");
    assert!(!stderr.contains(FAKE_ADMIN_KEY), "the key is never logged");

    // Least privilege from the extension's settings.
    let user =
        json!({"admin_api_key": FAKE_ADMIN_KEY, "read_only": true, "tools": "list_*,get_*", "max_role": "developer"});
    let mut command = host_command(&manifest, &unpacked, &user);
    command.env("CLAUDE_CODE_CONNECTOR_BASE_URL", fake.base_url());
    let (answers, exited_cleanly, stderr) = list_and_call(&mut command, "claude_code_list_users").await;
    let served = names(&answers[&2]["result"]["tools"]);
    assert!(!served.is_empty());
    for name in &served {
        let def = DEFINITIONS.iter().find(|t| t.name == name).unwrap();
        assert!(def.annotations.read_only, "{name} is not read-only");
        assert!(name.contains("list_") || name.contains("get_"), "{name} does not match the tools setting");
    }
    assert!(exited_cleanly, "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn three_binaries_make_one_bundle_for_every_desktop() {
    let dir = scratch("platforms");
    let mac = dir.join("ccc-universal");
    std::fs::write(&mac, [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]).unwrap();
    let windows = dir.join("ccc.exe");
    std::fs::write(&windows, b"MZ\x90\x00 a PE image").unwrap();
    let file = dir.join("all.mcpb");
    let darwin = format!("darwin={}", mac.display());
    let win32 = format!("win32={}", windows.display());
    let linux = format!("linux={}", binary::BIN);
    let out = file.to_str().unwrap();
    let run = run_bundle(&["--out", out, "--binary", &win32, "--binary", &linux, "--binary", &darwin]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let files = unzip(&file);
    let listed: Vec<(&str, u32)> = files.iter().map(|(name, _, mode)| (name.as_str(), *mode)).collect();
    for path in [
        "server/darwin/claude-code-connector",
        "server/win32/claude-code-connector.exe",
        "server/linux/claude-code-connector",
    ] {
        assert!(listed.contains(&(path, 0o755)), "{path} is in the bundle, executable: {listed:?}");
    }
    assert!(listed.iter().all(|(name, _)| !name.ends_with('/')), "files only, no directory entries: {listed:?}");
    let (_, mac_copy, _) = files.iter().find(|(name, _, _)| name.starts_with("server/darwin/")).unwrap();
    assert_eq!(mac_copy, &std::fs::read(&mac).unwrap(), "each platform's own binary");
    let manifest: Value =
        serde_json::from_slice(&files.iter().find(|(n, _, _)| n == "manifest.json").unwrap().1).unwrap();
    assert_eq!(manifest["compatibility"]["platforms"], json!(["darwin", "win32", "linux"]));
    let overrides = &manifest["server"]["mcp_config"]["platform_overrides"];
    for (platform, command) in [
        ("darwin", "${__dirname}/server/darwin/claude-code-connector"),
        ("win32", "${__dirname}/server/win32/claude-code-connector.exe"),
        ("linux", "${__dirname}/server/linux/claude-code-connector"),
    ] {
        assert_eq!(overrides[platform]["command"], command, "{overrides}");
    }

    // Refused before anything is written: a binary for the wrong platform, one twice, a directory as --out.
    for args in [
        vec!["--out", out, "--binary", &darwin, "--binary", &darwin],
        vec!["--out", out, "--binary", &format!("darwin={}", binary::BIN)],
        vec!["--out", dir.to_str().unwrap()],
    ] {
        let _ = std::fs::remove_file(&file);
        let run = run_bundle(&args).await;
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert!(!file.exists(), "{args:?} wrote nothing");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn with_sandbox_on_and_no_key_the_extension_answers_from_the_demo_organization() {
    let dir = scratch("sandbox");
    let (manifest, unpacked) = bundle_and_unpack(&dir).await;
    let mut command = host_command(&manifest, &unpacked, &json!({"sandbox": true}));
    let (answers, exited_cleanly, stderr) = list_and_call(&mut command, "claude_code_get_org_info").await;
    let call = &answers[&3]["result"];
    assert_ne!(call["isError"], true, "{call}");
    assert!(text_of(call).contains("Sandbox data"), "{call}");
    assert!(exited_cleanly, "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn with_nothing_filled_in_every_tool_says_what_to_fill_in() {
    let dir = scratch("unconfigured");
    let (manifest, unpacked) = bundle_and_unpack(&dir).await;
    let fake = FakeAdminApi::start(seed()).await;
    for tool in ["claude_code_get_org_info", "claude_code_create_invite"] {
        let mut command = host_command(&manifest, &unpacked, &json!({}));
        command.env("CLAUDE_CODE_CONNECTOR_BASE_URL", fake.base_url());
        let (answers, exited_cleanly, stderr) = list_and_call(&mut command, tool).await;
        assert_eq!(names(&answers[&2]["result"]["tools"]).len(), DEFINITIONS.len(), "the tools are listed");
        let call = &answers[&3]["result"];
        assert_eq!(call["isError"], true, "{call}");
        assert_eq!(text_of(call), NOT_CONFIGURED, "{tool}: one sentence saying what to fill in");
        assert!(exited_cleanly, "{stderr}");
    }
    assert!(fake.requests().is_empty(), "nothing was sent");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn with_a_team_server_the_extension_bridges_to_it_and_answers_with_that_tenants_data() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    fake.accept_key_of(BETA_KEY, Organization { id: "org_beta".into(), name: "Beta Tenant Org".into() });
    let served = Served::start(&fake, "bundle-bridge", &[]).await;
    let dir = scratch("bridge");
    let (manifest, unpacked) = bundle_and_unpack(&dir).await;
    let url = format!("{}/mcp", served.url);

    for (token, organization) in [(BETA_TOKEN, "Beta Tenant Org"), (ACME_TOKEN, "")] {
        let user = json!({"server_url": url, "team_token": token});
        let mut command = host_command(&manifest, &unpacked, &user);
        let (answers, exited_cleanly, stderr) = list_and_call(&mut command, "claude_code_get_org_info").await;
        let call = &answers[&3]["result"];
        assert_ne!(call["isError"], true, "{call}");
        let name = call["structuredContent"]["name"].as_str().unwrap_or_default().to_string();
        if organization.is_empty() {
            assert_ne!(name, "Beta Tenant Org", "acme answers with its own organization: {call}");
        } else {
            assert_eq!(name, organization, "{call}");
        }
        assert!(exited_cleanly, "{stderr}");
        assert!(!stderr.contains(token), "the token is never logged");
    }

    // A wrong token: a clear error within 10 s, not a hang.
    let user = json!({"server_url": url, "team_token": "ccc_wrong"});
    let mut server = binary::spawn(&mut host_command(&manifest, &unpacked, &user));
    let started = Instant::now();
    let answers = server.exchange(&[serde_json::from_str(INITIALIZE).unwrap()]).await;
    assert!(started.elapsed() < Duration::from_secs(10), "answered in {:?}", started.elapsed());
    let message = answers[&1]["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("refused the team token") && message.contains("Team token"), "{}", answers[&1]);
    let (status, _) = server.finish().await;
    assert_eq!(status.code(), Some(1));
    served.stop().await;
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
    // An unsubstituted server URL is no server: the binary serves itself (here
    // unconfigured; stdin is empty, so the handshake then fails), it is not a bridge.
    let run = binary::run(&[], &[("CLAUDE_CODE_CONNECTOR_SERVER_URL", "${user_config.server_url}")]).await;
    assert!(run.stderr.contains("not set up yet") && !run.stderr.contains("team server"), "{}", run.stderr);
}
