//! `bundle --out FILE.mcpb`: the Claude Desktop extension (MCP Bundle) of this binary,
//! or of prebuilt binaries for several platforms (`--binary PLATFORM=PATH`, repeated).
//!
//! This module is the manifest (version 0.3) and the command; [`super::mcpb`] writes the
//! zip. The manifest is built from the generated registry (every tool and prompt of the
//! spec) and Cargo's package fields, so it cannot drift from the binary it ships with.
//! Each binary sits at `server/PLATFORM/claude-code-connector[.exe]`, and
//! `server.mcp_config.platform_overrides` points each platform at its own, so one file
//! serves macOS (a universal binary covers both architectures), Windows and Linux.
//!
//! Nothing secret is written: Claude Desktop asks for the admin key or the team token
//! (`user_config`, sensitive: kept in the OS's secure storage) and passes the settings
//! to the binary in its environment. With a team server URL the binary is a bridge to
//! that server (`connect`); with no key, sandbox or server every tool says what to fill in.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde_json::{Map, Value, json};

use super::SANDBOX_VAR;
use super::connect::{SERVER_URL_VAR, TEAM_TOKEN_VAR};
use super::mcpb::{self, Entry};
use crate::config::KEY_VAR;
use crate::generated::tools::DEFINITIONS;
use crate::generated::{ORG_ROLES, PROMPTS, SERVER};
use crate::runtime::PromptDefinition;

/// The manifest version written (the stable one; 0.4 only adds a `uv` server type).
pub const MANIFEST_VERSION: &str = "0.3";
/// The manifest's file name, at the bundle's root.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The icon's file name, at the bundle's root.
pub const ICON_FILE: &str = "icon.png";
/// The icon (512×512 PNG; `assets/make_icon.py` draws it).
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");
/// Where the binaries go inside the bundle, one folder per platform.
pub const SERVER_DIR: &str = "server";
/// The binary's name (the package's: `[[bin]]` in Cargo.toml).
pub const BINARY_NAME: &str = env!("CARGO_PKG_NAME");

/// The project's pages, which the manifest, the npm packages and the plugin link to.
pub const REPOSITORY_URL: &str = env!("CARGO_PKG_REPOSITORY");
pub const HOMEPAGE_URL: &str = env!("CARGO_PKG_HOMEPAGE");
pub const SUPPORT_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/issues");
pub const DOCUMENTATION_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/install.md");
/// docs/install.md's "Privacy" section: what leaves the machine, and to whom.
pub const PRIVACY_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/install.md#privacy");

/// The environment the binary reads its least-privilege settings from (`serve`'s
/// flags; a test checks each is one of them).
pub const READ_ONLY_VAR: &str = "CLAUDE_CODE_CONNECTOR_READ_ONLY";
pub const TOOLS_VAR: &str = "CLAUDE_CODE_CONNECTOR_TOOLS";
pub const WORKSPACES_VAR: &str = "CLAUDE_CODE_CONNECTOR_WORKSPACES";
pub const MAX_ROLE_VAR: &str = "CLAUDE_CODE_CONNECTOR_MAX_ROLE";

/// What the directory and the install dialog show: written for the admin who installs it.
const DESCRIPTION: &str = "Ask Claude about your Anthropic organization: Claude Code adoption and cost, token usage and spend, seats, users, invites, workspaces and API keys.";
const LONG_DESCRIPTION: &str = "For the admins of an Anthropic organization (Claude Console). Ask in plain words: \"How did Claude Code adoption go last month?\", \"Who has not used their seat in 30 days?\", \"What did each workspace spend this quarter?\", \"Invite dev@example.com as a developer\". Claude answers from your organization's Admin API, and asks before any change.\n\nSet it up one of three ways: paste an Admin API key (sk-ant-admin…, Claude Console → Settings → Admin keys; kept in your system's secure storage); or turn on Sandbox to try every tool on a built-in demo organization, no key needed; or give your team's connector server URL and team token, and the key stays on that server.\n\nLeast privilege: Read-only, Allowed tools, Workspaces and Maximum role limit what Claude may do. Calls go from this computer to the Anthropic Admin API (or to your team server) and nowhere else; see the privacy policy.";

/// Claude Desktop's platforms (Node's `process.platform`), in the order a bundle lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Platform {
    Darwin,
    Win32,
    Linux,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Darwin, Platform::Win32, Platform::Linux];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Darwin => "darwin",
            Platform::Win32 => "win32",
            Platform::Linux => "linux",
        }
    }

    pub fn parse(name: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|platform| platform.as_str() == name)
    }

    /// The platform this binary runs on.
    pub fn current() -> Result<Platform, BundleError> {
        match std::env::consts::OS {
            "macos" => Ok(Platform::Darwin),
            "windows" => Ok(Platform::Win32),
            "linux" => Ok(Platform::Linux),
            other => Err(BundleError::Platform(other)),
        }
    }

    /// The binary's path inside the bundle: `server/PLATFORM/claude-code-connector`,
    /// `.exe` on Windows.
    pub fn entry_point(self) -> String {
        let suffix = if self == Platform::Win32 { ".exe" } else { "" };
        format!("{SERVER_DIR}/{}/{BINARY_NAME}{suffix}", self.as_str())
    }

    /// Whether `head` (a file's first bytes) starts an executable this platform runs:
    /// ELF, Mach-O (thin or universal) or PE.
    fn runs(self, head: &[u8]) -> bool {
        match self {
            Platform::Linux => head.starts_with(b"\x7fELF"),
            Platform::Win32 => head.starts_with(b"MZ"),
            Platform::Darwin => [[0xcf, 0xfa, 0xed, 0xfe], [0xce, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe]]
                .iter()
                .any(|m| head.starts_with(m)),
        }
    }
}

/// One `--binary PLATFORM=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformBinary {
    pub platform: Platform,
    pub path: PathBuf,
}

impl std::str::FromStr for PlatformBinary {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let Some((name, path)) = text.split_once('=') else {
            return Err(format!("`{text}` is not PLATFORM=PATH (e.g. linux=target/release/{BINARY_NAME})"));
        };
        let platform = Platform::parse(name.trim())
            .ok_or_else(|| format!("`{}` is not a Claude Desktop platform: use darwin, win32 or linux", name.trim()))?;
        if path.trim().is_empty() {
            return Err(format!("`{text}` names no file after `=`"));
        }
        Ok(PlatformBinary { platform, path: PathBuf::from(path) })
    }
}

/// `bundle`: the Claude Desktop extension file.
#[derive(Args, Debug, Clone)]
pub struct BundleArgs {
    /// The extension to write, a .mcpb file (a zip: manifest.json, icon.png and
    /// server/PLATFORM/ for each binary). Open it in Claude Desktop to install.
    #[arg(long, value_name = "FILE.mcpb")]
    pub out: PathBuf,
    /// A prebuilt binary for one platform (darwin, win32 or linux; for macOS a universal
    /// binary), repeated for each platform the bundle serves. Without it: this binary,
    /// for the platform it runs on.
    #[arg(long = "binary", value_name = "PLATFORM=PATH")]
    pub binaries: Vec<PlatformBinary>,
}

/// What can go wrong writing a bundle.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("Claude Desktop runs on macOS, Windows and Linux; this binary is for `{0}`: give --binary PLATFORM=PATH")]
    Platform(&'static str),
    #[error("--out {0}: name the .mcpb file to write, e.g. --out {BINARY_NAME}.mcpb (to look inside one, unzip it)")]
    NotMcpb(PathBuf),
    #[error("--binary {0} is given twice: one binary per platform")]
    Duplicate(&'static str),
    #[error("--binary {platform}={path}: {why}")]
    Binary { platform: &'static str, path: PathBuf, why: String },
    #[error("cannot find the running binary: {0}")]
    CurrentExe(std::io::Error),
    #[error("cannot write {path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
}

impl BundleError {
    /// Exit code 2 for what the command line asked wrongly, 1 for what failed on the way.
    fn exit_code(&self) -> u8 {
        match self {
            BundleError::CurrentExe(_) | BundleError::Io { .. } => 1,
            _ => 2,
        }
    }
}

/// The `user_config` keys, each passed to the binary in one environment variable.
const USER_CONFIG_ENV: [(&str, &str); 8] = [
    ("admin_api_key", KEY_VAR),
    ("sandbox", SANDBOX_VAR),
    ("server_url", SERVER_URL_VAR),
    ("team_token", TEAM_TOKEN_VAR),
    ("read_only", READ_ONLY_VAR),
    ("tools", TOOLS_VAR),
    ("workspaces", WORKSPACES_VAR),
    ("max_role", MAX_ROLE_VAR),
];

/// The manifest of a bundle with a binary for each of `platforms` (in [`Platform`] order).
pub fn manifest(platforms: &[Platform]) -> Value {
    let mut platforms = platforms.to_vec();
    platforms.sort();
    platforms.dedup();
    let env: Map<String, Value> = USER_CONFIG_ENV
        .iter()
        .map(|(key, var)| ((*var).to_string(), Value::String(format!("${{user_config.{key}}}"))))
        .collect();
    let command = |platform: Platform| format!("${{__dirname}}/{}", platform.entry_point());
    let overrides: Map<String, Value> =
        platforms.iter().map(|p| (p.as_str().to_string(), json!({ "command": command(*p) }))).collect();
    let first = platforms.first().copied().unwrap_or(Platform::Linux);
    json!({
        "manifest_version": MANIFEST_VERSION,
        "name": BINARY_NAME,
        "display_name": SERVER.title,
        "version": env!("CARGO_PKG_VERSION"),
        "description": DESCRIPTION,
        "long_description": LONG_DESCRIPTION,
        "author": {"name": author(), "url": REPOSITORY_URL},
        "repository": {"type": "git", "url": REPOSITORY_URL},
        "homepage": HOMEPAGE_URL,
        "documentation": DOCUMENTATION_URL,
        "support": SUPPORT_URL,
        "icon": ICON_FILE,
        "license": env!("CARGO_PKG_LICENSE"),
        "keywords": ["anthropic", "admin", "claude code", "usage", "cost", "seats"],
        "privacy_policies": [PRIVACY_URL],
        "server": {
            "type": "binary",
            "entry_point": first.entry_point(),
            "mcp_config": {
                "command": command(first),
                "args": [],
                "env": env,
                "platform_overrides": overrides,
            }
        },
        "tools": DEFINITIONS.iter().map(|t| json!({"name": t.name, "description": t.description})).collect::<Vec<_>>(),
        "prompts": PROMPTS.iter().map(manifest_prompt).collect::<Vec<_>>(),
        "compatibility": {"platforms": platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>()},
        "user_config": user_config(),
    })
}

/// The first of Cargo's `authors`, without an e-mail address.
fn author() -> &'static str {
    let first = env!("CARGO_PKG_AUTHORS").split(':').next().unwrap_or_default();
    first.split('<').next().unwrap_or_default().trim()
}

/// A prompt as the manifest shows it: `{{argument}}` becomes `${arguments.argument}`.
fn manifest_prompt(prompt: &PromptDefinition) -> Value {
    let mut text = prompt.template.to_string();
    for argument in prompt.arguments {
        text = text.replace(&format!("{{{{{}}}}}", argument.name), &format!("${{arguments.{}}}", argument.name));
    }
    json!({
        "name": prompt.name,
        "description": prompt.description,
        "arguments": prompt.arguments.iter().map(|a| a.name).collect::<Vec<_>>(),
        "text": text,
    })
}

/// What Claude Desktop asks the user for, in this order. None is required: with none
/// filled in, the extension starts and every tool says what to fill in
/// ([`crate::config::NOT_CONFIGURED`] names these titles). An unset value reaches the
/// binary empty (or, from some hosts, as the literal `${user_config.…}`); the binary
/// reads either as unset.
fn user_config() -> Value {
    json!({
        "admin_api_key": {
            "type": "string",
            "title": "Admin API key",
            "description": "Your organization's Admin API key (sk-ant-admin…): Claude Console → Settings → Admin keys. Kept in your system's secure storage and sent only to the Anthropic Admin API. Leave it empty to use Sandbox or a team server instead.",
            "sensitive": true,
            "required": false
        },
        "sandbox": {
            "type": "boolean",
            "title": "Sandbox",
            "description": "Try every tool on a built-in demo organization (generated data, no key, nothing leaves this computer). Changes last until Claude Desktop restarts the extension.",
            "required": false,
            "default": false
        },
        "server_url": {
            "type": "string",
            "title": "Team server URL",
            "description": "Your team's connector server (claude-code-connector serve --http), ending in /mcp, e.g. https://claude-admin.example.internal/mcp. When set, this extension forwards every request there with the team token, and the admin key stays on that server.",
            "required": false,
            "default": ""
        },
        "team_token": {
            "type": "string",
            "title": "Team token",
            "description": "The bearer token your team server's operator gave you (claude-code-connector token prints one). Kept in your system's secure storage.",
            "sensitive": true,
            "required": false
        },
        "read_only": {
            "type": "boolean",
            "title": "Read-only",
            "description": "Only read-only tools: nothing can change the organization. (With a team server, its operator sets this per team.)",
            "required": false,
            "default": false
        },
        "tools": {
            "type": "string",
            "title": "Allowed tools",
            "description": "Only tools matching these comma-separated patterns (`*` wildcard; the claude_code_ prefix is optional), e.g. list_*,get_*. Empty: every tool.",
            "required": false,
            "default": ""
        },
        "workspaces": {
            "type": "string",
            "title": "Workspaces",
            "description": "Confine every write that targets a workspace to these comma-separated workspace IDs (wrkspc_…). Empty: no confinement.",
            "required": false,
            "default": ""
        },
        "max_role": {
            "type": "string",
            "title": "Maximum role",
            "description": format!(
                "Refuse to invite or promote anyone above this organization role ({}). Empty: no cap.",
                ORG_ROLES.join(", ")
            ),
            "required": false,
            "default": ""
        }
    })
}

/// The binaries a bundle carries: those given, each checked (it exists, is one file, and
/// is an executable of its platform), or this binary for this platform.
fn binaries(given: &[PlatformBinary]) -> Result<Vec<PlatformBinary>, BundleError> {
    if given.is_empty() {
        let path = std::env::current_exe().map_err(BundleError::CurrentExe)?;
        return Ok(vec![PlatformBinary { platform: Platform::current()?, path }]);
    }
    let mut seen = Vec::new();
    for binary in given {
        if seen.contains(&binary.platform) {
            return Err(BundleError::Duplicate(binary.platform.as_str()));
        }
        seen.push(binary.platform);
        let refuse =
            |why: String| BundleError::Binary { platform: binary.platform.as_str(), path: binary.path.clone(), why };
        let mut head = [0u8; 4];
        std::fs::File::open(&binary.path)
            .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut head))
            .map_err(|e| refuse(format!("cannot read it ({e})")))?;
        if !binary.platform.runs(&head) {
            return Err(refuse(format!(
                "not a {} executable (wrong platform, or not a binary)",
                binary.platform.as_str()
            )));
        }
    }
    let mut binaries = given.to_vec();
    binaries.sort_by_key(|binary| binary.platform);
    Ok(binaries)
}

/// Writes the bundle to `out` (a `.mcpb` file): the manifest, the icon and each binary.
/// Returns the paths inside it.
pub fn write(out: &Path, given: &[PlatformBinary]) -> Result<Vec<String>, BundleError> {
    if out.extension().and_then(|e| e.to_str()) != Some("mcpb") {
        return Err(BundleError::NotMcpb(out.to_path_buf()));
    }
    let binaries = binaries(given)?;
    let platforms: Vec<Platform> = binaries.iter().map(|binary| binary.platform).collect();
    let text = serde_json::to_string_pretty(&manifest(&platforms)).unwrap_or_default() + "\n";
    let mut entries = vec![Entry::bytes(MANIFEST_FILE, text.into_bytes()), Entry::bytes(ICON_FILE, ICON_PNG.to_vec())];
    entries.extend(binaries.iter().map(|binary| Entry::executable(binary.platform.entry_point(), &binary.path)));
    let names = entries.iter().map(|entry| entry.name.clone()).collect();
    mcpb::write(out, &entries).map_err(|(path, error)| BundleError::Io { path, error })?;
    Ok(names)
}

/// `bundle --out FILE.mcpb`: reports go to stderr.
pub fn bundle(args: &BundleArgs) -> ExitCode {
    match write(&args.out, &args.binaries) {
        Ok(names) => {
            let size = std::fs::metadata(&args.out).map_or(0, |m| m.len());
            eprintln!("wrote {} ({} KiB): {}", args.out.display(), size / 1024, names.join(", "));
            eprintln!(
                "install it: open it in Claude Desktop (double-click, or Settings → Extensions → Install Extension…)"
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::ServeArgs;

    #[test]
    fn every_variable_the_manifest_sets_is_one_the_binary_reads() {
        let command = <ServeArgs as clap::Args>::augment_args(clap::Command::new("serve"));
        let read: Vec<String> =
            command.get_arguments().filter_map(|a| a.get_env()).map(|e| e.to_string_lossy().into_owned()).collect();
        let elsewhere = [KEY_VAR, SANDBOX_VAR, SERVER_URL_VAR, TEAM_TOKEN_VAR];
        for (_, var) in USER_CONFIG_ENV.iter().filter(|(_, var)| !elsewhere.contains(var)) {
            assert!(read.iter().any(|r| r == var), "serve reads no {var}");
        }
    }

    #[test]
    fn the_manifest_lists_every_tool_and_prompt_and_requires_no_key() {
        let manifest = manifest(&[Platform::Darwin]);
        assert_eq!(manifest["tools"].as_array().unwrap().len(), DEFINITIONS.len());
        assert_eq!(manifest["prompts"].as_array().unwrap().len(), PROMPTS.len());
        assert!(!author().is_empty(), "Cargo.toml needs `authors`: the manifest's author.name is required");
        for prompt in manifest["prompts"].as_array().unwrap() {
            assert!(!prompt["text"].as_str().unwrap().contains("{{"), "{prompt}");
        }
        for (key, sensitive) in [("admin_api_key", true), ("team_token", true), ("server_url", false)] {
            let setting = &manifest["user_config"][key];
            assert_eq!(setting["sensitive"].as_bool().unwrap_or(false), sensitive, "{key}");
            assert_eq!(setting["required"], false, "{key}");
        }
        assert_eq!(manifest["user_config"]["sandbox"]["default"], false);
        assert_eq!(manifest["server"]["mcp_config"]["env"][KEY_VAR], "${user_config.admin_api_key}");
        for url in [&manifest["homepage"], &manifest["support"], &manifest["privacy_policies"][0]] {
            assert!(url.as_str().unwrap().starts_with("https://"), "{url}");
        }
    }

    #[test]
    fn the_setup_sentence_names_the_settings_it_asks_for() {
        let settings = user_config();
        for key in ["admin_api_key", "sandbox", "server_url", "team_token"] {
            let title = settings[key]["title"].as_str().unwrap();
            assert!(crate::config::NOT_CONFIGURED.contains(&format!("\"{title}\"")), "{title}");
        }
    }

    #[test]
    fn each_platform_runs_its_own_binary() {
        assert_eq!(Platform::Win32.entry_point(), "server/win32/claude-code-connector.exe");
        let manifest = manifest(&[Platform::Linux, Platform::Win32, Platform::Darwin]);
        assert_eq!(manifest["compatibility"]["platforms"], json!(["darwin", "win32", "linux"]));
        assert_eq!(manifest["server"]["entry_point"], "server/darwin/claude-code-connector");
        let overrides = &manifest["server"]["mcp_config"]["platform_overrides"];
        assert_eq!(overrides["win32"]["command"], "${__dirname}/server/win32/claude-code-connector.exe");
        assert_eq!(overrides["linux"]["command"], "${__dirname}/server/linux/claude-code-connector");
        assert_eq!(super::manifest(&[Platform::Linux])["compatibility"]["platforms"], json!(["linux"]));
    }

    #[test]
    fn a_binary_is_platform_equals_path() {
        let parsed: PlatformBinary = "win32=dist/ccc.exe".parse().unwrap();
        assert_eq!(parsed, PlatformBinary { platform: Platform::Win32, path: "dist/ccc.exe".into() });
        assert!("macos=x".parse::<PlatformBinary>().unwrap_err().contains("darwin, win32 or linux"));
        assert!("target/release/x".parse::<PlatformBinary>().unwrap_err().contains("PLATFORM=PATH"));
        assert!("linux=".parse::<PlatformBinary>().unwrap_err().contains("names no file"));
        assert!(Platform::Darwin.runs(&[0xca, 0xfe, 0xba, 0xbe]) && !Platform::Darwin.runs(b"\x7fELF"));
    }
}
