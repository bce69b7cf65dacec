//! `bundle --out DIR`: a Claude Desktop extension (MCP Bundle, `.mcpb`) of this binary.
//!
//! Writes the bundle directory: `manifest.json` (manifest version 0.3) and the running
//! binary as `server/claude-code-connector` (`.exe` on Windows). The official CLI packs
//! it: `npx @anthropic-ai/mcpb pack DIR OUT.mcpb` (a `.mcpb` is a zip; this crate has
//! no zip writer, and `pack` validates the manifest as it packs).
//!
//! The manifest is built from the generated registry (every tool and prompt of the
//! spec) and Cargo's package fields, so it cannot drift from the binary it ships with.
//! A bundle carries one binary, so it is for one platform and one architecture: build
//! it on (or for) each platform Claude Desktop users run. The admin key is never
//! written: Claude Desktop asks for it (`user_config`, kept in the OS's secure storage)
//! and passes it in the environment.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde_json::{Map, Value, json};

use crate::config::KEY_VAR;
use crate::generated::tools::DEFINITIONS;
use crate::generated::{ORG_ROLES, PROMPTS, SERVER};
use crate::runtime::PromptDefinition;

/// The manifest version written (the stable one; 0.4 only adds a `uv` server type).
pub const MANIFEST_VERSION: &str = "0.3";
/// The manifest's file name, at the bundle's root.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Where the binary goes inside the bundle.
pub const SERVER_DIR: &str = "server";
/// The binary's name (the package's: `[[bin]]` in Cargo.toml).
pub const BINARY_NAME: &str = env!("CARGO_PKG_NAME");

/// The environment the binary reads its least-privilege settings from (`serve`'s
/// flags; a test checks each is one of them).
pub const READ_ONLY_VAR: &str = "CLAUDE_CODE_CONNECTOR_READ_ONLY";
pub const TOOLS_VAR: &str = "CLAUDE_CODE_CONNECTOR_TOOLS";
pub const WORKSPACES_VAR: &str = "CLAUDE_CODE_CONNECTOR_WORKSPACES";
pub const MAX_ROLE_VAR: &str = "CLAUDE_CODE_CONNECTOR_MAX_ROLE";

/// `bundle`: the Claude Desktop extension directory.
#[derive(Args, Debug, Clone)]
pub struct BundleArgs {
    /// The bundle directory to write (created if missing): manifest.json and server/.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// What can go wrong writing a bundle.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("Claude Desktop runs on macOS, Windows and Linux; this binary is for `{0}`")]
    Platform(&'static str),
    #[error("cannot find the running binary: {0}")]
    CurrentExe(std::io::Error),
    #[error("cannot write {path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
}

/// Claude Desktop's name (Node's `process.platform`) for the platform this binary runs on.
pub fn desktop_platform() -> Result<&'static str, BundleError> {
    match std::env::consts::OS {
        "macos" => Ok("darwin"),
        "windows" => Ok("win32"),
        "linux" => Ok("linux"),
        other => Err(BundleError::Platform(other)),
    }
}

/// The binary's path inside the bundle on `platform` (`server/claude-code-connector`,
/// `.exe` on Windows).
pub fn entry_point(platform: &str) -> String {
    let suffix = if platform == "win32" { ".exe" } else { "" };
    format!("{SERVER_DIR}/{BINARY_NAME}{suffix}")
}

/// The `user_config` keys, each passed to the binary in one environment variable.
const USER_CONFIG_ENV: [(&str, &str); 5] = [
    ("admin_api_key", KEY_VAR),
    ("read_only", READ_ONLY_VAR),
    ("tools", TOOLS_VAR),
    ("workspaces", WORKSPACES_VAR),
    ("max_role", MAX_ROLE_VAR),
];

/// The manifest of the bundle for `platform` (`darwin`, `win32` or `linux`).
pub fn manifest(platform: &str) -> Value {
    let env: Map<String, Value> = USER_CONFIG_ENV
        .iter()
        .map(|(key, var)| ((*var).to_string(), Value::String(format!("${{user_config.{key}}}"))))
        .collect();
    let mut manifest = json!({
        "manifest_version": MANIFEST_VERSION,
        "name": env!("CARGO_PKG_NAME"),
        "display_name": SERVER.title,
        "version": env!("CARGO_PKG_VERSION"),
        "description": env!("CARGO_PKG_DESCRIPTION"),
        "long_description": SERVER.instructions,
        "author": {"name": author()},
        "license": env!("CARGO_PKG_LICENSE"),
        "server": {
            "type": "binary",
            "entry_point": entry_point(platform),
            "mcp_config": {
                "command": format!("${{__dirname}}/{}", entry_point("linux")),
                "args": [],
                "env": env,
                "platform_overrides": {
                    "win32": {"command": format!("${{__dirname}}/{}", entry_point("win32"))}
                }
            }
        },
        "tools": DEFINITIONS.iter().map(|t| json!({"name": t.name, "description": t.description})).collect::<Vec<_>>(),
        "prompts": PROMPTS.iter().map(manifest_prompt).collect::<Vec<_>>(),
        "compatibility": {"platforms": [platform]},
        "user_config": user_config(),
    });
    if let Some(url) = Some(env!("CARGO_PKG_REPOSITORY")).filter(|url| !url.is_empty()) {
        manifest["repository"] = json!({"type": "git", "url": url});
    }
    if let Some(url) = Some(env!("CARGO_PKG_HOMEPAGE")).filter(|url| !url.is_empty()) {
        manifest["homepage"] = json!(url);
    }
    manifest
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

/// What Claude Desktop asks the user for. Every optional setting has a default, so the
/// host always substitutes a value (an optional key without one would reach the binary
/// as the literal `${user_config.…}`); the binary reads an empty value as unset.
fn user_config() -> Value {
    json!({
        "admin_api_key": {
            "type": "string",
            "title": "Admin API key",
            "description": "An Anthropic Admin API key (sk-ant-admin…): Claude Console → Settings → Admin keys. Kept in the OS's secure storage.",
            "sensitive": true,
            "required": true
        },
        "read_only": {
            "type": "boolean",
            "title": "Read-only",
            "description": "Only read-only tools: nothing can change the organization.",
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

/// Writes the bundle for this platform into `out`: the manifest and a copy of `binary`.
/// Returns the files written.
pub fn write(out: &Path, binary: &Path) -> Result<Vec<PathBuf>, BundleError> {
    let platform = desktop_platform()?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| BundleError::Io { path, error }
    };
    let server = out.join(SERVER_DIR);
    std::fs::create_dir_all(&server).map_err(io(&server))?;
    let target = out.join(entry_point(platform));
    std::fs::copy(binary, &target).map_err(io(&target))?;
    let manifest_path = out.join(MANIFEST_FILE);
    let text = serde_json::to_string_pretty(&manifest(platform)).unwrap_or_default() + "\n";
    std::fs::write(&manifest_path, text).map_err(io(&manifest_path))?;
    Ok(vec![manifest_path, target])
}

/// `bundle --out DIR`: reports go to stderr.
pub fn bundle(args: &BundleArgs) -> ExitCode {
    let written = std::env::current_exe().map_err(BundleError::CurrentExe).and_then(|exe| write(&args.out, &exe));
    match written {
        Ok(files) => {
            for file in files {
                eprintln!("wrote {}", file.display());
            }
            let platform = desktop_platform().unwrap_or("linux");
            eprintln!(
                "pack it (Node.js): npx @anthropic-ai/mcpb pack {} {}-{}-{platform}-{}.mcpb",
                args.out.display(),
                BINARY_NAME,
                env!("CARGO_PKG_VERSION"),
                std::env::consts::ARCH
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
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
        for (_, var) in USER_CONFIG_ENV.iter().filter(|(_, var)| *var != KEY_VAR) {
            assert!(read.iter().any(|r| r == var), "serve reads no {var}");
        }
    }

    #[test]
    fn the_manifest_lists_every_tool_and_prompt_and_no_key() {
        let manifest = manifest("darwin");
        assert_eq!(manifest["tools"].as_array().unwrap().len(), DEFINITIONS.len());
        assert_eq!(manifest["prompts"].as_array().unwrap().len(), PROMPTS.len());
        assert!(!author().is_empty(), "Cargo.toml needs `authors`: the manifest's author.name is required");
        for prompt in manifest["prompts"].as_array().unwrap() {
            assert!(!prompt["text"].as_str().unwrap().contains("{{"), "{prompt}");
        }
        let key = &manifest["user_config"]["admin_api_key"];
        assert_eq!((key["sensitive"].as_bool(), key["required"].as_bool()), (Some(true), Some(true)));
        assert_eq!(manifest["server"]["mcp_config"]["env"][KEY_VAR], "${user_config.admin_api_key}");
    }

    #[test]
    fn windows_bundles_run_the_exe() {
        assert_eq!(entry_point("win32"), "server/claude-code-connector.exe");
        assert_eq!(manifest("win32")["server"]["entry_point"], "server/claude-code-connector.exe");
        assert_eq!(
            manifest("linux")["server"]["mcp_config"]["platform_overrides"]["win32"]["command"],
            "${__dirname}/server/claude-code-connector.exe"
        );
    }
}
