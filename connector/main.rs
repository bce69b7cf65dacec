//! The `claude-code-connector` binary: configuration, logging to stderr, MCP over stdio
//! (the default, or `serve`), and `docs` to regenerate or check the generated docs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use rmcp::ServiceExt;
use tracing_subscriber::EnvFilter;

use claude_code_connector::Client;
use claude_code_connector::audit::AuditLog;
use claude_code_connector::generated::tools::DEFINITIONS;
use claude_code_connector::policy::{Policy, PolicyError};
use claude_code_connector::result_cap::DEFAULT_MAX_RESULT_BYTES;
use claude_code_connector::runtime::Http;
use claude_code_connector::server::{Connector, Limits};
use claude_code_connector::{config, docs};

/// MCP server for the Anthropic Admin API (users, invites, workspaces, API keys,
/// usage, cost and Claude Code reports). Speaks MCP over stdio.
#[derive(Parser, Debug)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Without a subcommand the binary serves MCP over stdio with these flags.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve MCP over stdio (what running without a subcommand does).
    Serve(ServeArgs),
    /// Write docs/tools.md and the README's tool table from the spec, or check that they are current.
    Docs(DocsArgs),
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Admin API base URL (https; plain http only for loopback).
    #[arg(long, env = "ANTHROPIC_BASE_URL")]
    base_url: Option<String>,
    /// Seconds to wait for a connection to the API.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CONNECT_TIMEOUT", default_value_t = 10)]
    connect_timeout: u64,
    /// Seconds to wait for one API request.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_REQUEST_TIMEOUT", default_value_t = 60)]
    request_timeout: u64,
    /// Requests in flight at once when a tool fans out (one Claude Code report per day).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CONCURRENCY", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// Seconds one tool call may take in all (retries and pages included).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CALL_TIMEOUT", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=3600))]
    call_timeout: u64,
    /// Larger tool results keep the first items that fit and say how to get the rest.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_MAX_RESULT_BYTES", default_value_t = DEFAULT_MAX_RESULT_BYTES as u64, value_parser = clap::value_parser!(u64).range(4096..=64 * 1024 * 1024))]
    max_result_bytes: u64,
    /// Register only read-only tools: nothing can change the organization.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_READ_ONLY")]
    read_only: bool,
    /// Expose only tools matching these comma-separated patterns (`*` wildcard; the
    /// claude_code_ prefix is optional), e.g. 'list_*,get_*'.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_TOOLS", value_name = "PATTERN,...")]
    tools: Option<String>,
    /// Confine every write that targets a workspace (update, archive, members) to these workspace IDs.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_WORKSPACES", value_name = "ID,...")]
    workspaces: Option<String>,
    /// Refuse to invite or promote anyone above this organization role (user, managed, claude_code_user, developer, billing).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_MAX_ROLE", value_name = "ROLE")]
    max_role: Option<String>,
    /// Append the audit trail of write calls (JSON lines) to this file instead of stderr.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_AUDIT_LOG", value_name = "FILE")]
    audit_log: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct DocsArgs {
    /// Change nothing: exit 1 and name the stale files if they differ from the spec.
    #[arg(long)]
    check: bool,
    /// The repository root, where README.md and docs/ are.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Docs(args)) => write_docs(&args),
        Some(Command::Serve(args)) => run_server(args),
        None => run_server(cli.serve),
    }
}

/// `docs`: reports go to stderr, like everything but MCP.
fn write_docs(args: &DocsArgs) -> ExitCode {
    let fix = if args.root == Path::new(".") {
        docs::FIX_COMMAND.to_string()
    } else {
        format!("{} --root {}", docs::FIX_COMMAND, args.root.display())
    };
    let shown = |path: &str| {
        if args.root == Path::new(".") { path.to_string() } else { args.root.join(path).display().to_string() }
    };
    let outcome = if args.check { docs::check(&args.root) } else { docs::write(&args.root) };
    match outcome {
        Ok(files) if files.is_empty() => {
            eprintln!("{} and {} are up to date", shown(docs::TOOLS_MD_PATH), shown(docs::README_PATH));
            ExitCode::SUCCESS
        }
        Ok(stale) if args.check => {
            let names: Vec<String> = stale.iter().map(|path| shown(path)).collect();
            eprintln!("stale (not what spec/admin-api.yaml generates): {}", names.join(", "));
            eprintln!("run: {fix}");
            ExitCode::FAILURE
        }
        Ok(written) => {
            for path in written {
                eprintln!("wrote {}", shown(path));
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            if matches!(&error, docs::DocsError::Io { error, .. } if error.kind() == std::io::ErrorKind::NotFound) {
                eprintln!("(run it from the repository root, or pass --root DIR)");
            }
            ExitCode::FAILURE
        }
    }
}

fn run_server(args: ServeArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")))
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn policy(cli: &ServeArgs) -> Result<Policy, PolicyError> {
    let mut policy = Policy::default().read_only(cli.read_only);
    if let Some(patterns) = &cli.tools {
        policy = policy.tools(patterns, DEFINITIONS)?;
    }
    if let Some(ids) = &cli.workspaces {
        policy = policy.workspaces(ids)?;
    }
    if let Some(role) = &cli.max_role {
        policy = policy.max_role(role)?;
    }
    Ok(policy)
}

async fn serve(cli: ServeArgs) -> Result<(), String> {
    let key = config::key_from_env().map_err(|e| e.to_string())?;
    if !key.looks_like_admin_key() {
        tracing::warn!(
            "{} does not start with sk-ant-admin: the Admin API refuses ordinary API keys (sk-ant-api...)",
            config::KEY_VAR
        );
    }
    let mut http_config = config::http_config(key, cli.base_url.clone(), cli.connect_timeout, cli.request_timeout);
    http_config.concurrency = usize::from(cli.concurrency);
    let http = Http::new(http_config).map_err(|e| e.to_string())?;
    let policy = policy(&cli).map_err(|e| e.to_string())?;
    let audit = match &cli.audit_log {
        Some(path) => AuditLog::file(path).map_err(|e| format!("cannot open the audit log {}: {e}", path.display()))?,
        None => AuditLog::stderr(),
    };
    let limits = Limits {
        call_timeout: Duration::from_secs(cli.call_timeout),
        max_result_bytes: usize::try_from(cli.max_result_bytes).unwrap_or(usize::MAX),
    };
    tracing::info!(limits = %policy.describe(), "least-privilege settings");
    let connector = Connector::new(Client::new(http)).with_policy(policy).with_audit(Some(audit)).with_limits(limits);
    if connector.tools().is_empty() {
        return Err("no tool is left to serve with these --read-only/--tools settings".into());
    }
    tracing::info!(tools = connector.tools().len(), "serving MCP on stdio");
    let running = connector.serve(rmcp::transport::stdio()).await.map_err(|e| format!("MCP handshake failed: {e}"))?;
    let reason = running.waiting().await.map_err(|e| format!("the MCP session ended with an error: {e}"))?;
    tracing::info!(?reason, "MCP session ended");
    Ok(())
}
