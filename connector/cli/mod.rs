//! The binary's commands beside `docs`: `serve` (MCP over stdio, or over HTTP for a
//! team with `--http`), `tools` (the tool table), `call` (one tool call from the
//! terminal, rendered for people or as JSON) and `token` (a new bearer token for a
//! tenant), their shared flags, and `--sandbox` (a demo organization served in-process);
//! `bundle` (the Claude Desktop extension) and `connect` (a bridge to a team server)
//! have modules of their own.
//!
//! Everything the commands print for people goes to stdout; logs, notes, the audit trail
//! and the progress bar go to stderr. Exit codes: 0 success, 1 a failed call (an API
//! error, a timeout, a refusal), 2 a usage error (flags, an unknown tool, a malformed
//! `key=value`, an argument the tool refuses).

pub mod bundle;
mod cache_dir;
pub mod connect;
pub mod input;
pub mod mcpb;
pub mod oauth_key;
pub mod progress;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod tool_help;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use rmcp::ServiceExt;
use tracing_subscriber::EnvFilter;

use crate::answer::cap::DEFAULT_MAX_RESULT_BYTES;
use crate::answer::render;
use crate::config;
use crate::generated::tools::{DEFINITIONS, ToolId};
use crate::generated::{GROUPS, SERVER};
use crate::pipeline::audit::AuditLog;
use crate::pipeline::policy::{Policy, PolicyError};
use crate::pipeline::{CallFailure, CallRequest, Connector, Limits, ToolOutcome};
use crate::runtime::cache::{Cache, DEFAULT_CACHE_BYTES, DEFAULT_DISK_BYTES};
use crate::runtime::http::DEFAULT_MAX_RESPONSE_BYTES;
use crate::runtime::{AdminKey, Http, JsonObject};
use crate::transport::http::connections::ConnectionPolicy;
use crate::transport::http::{ConnectorFactory, DEFAULT_ALLOWED_HOSTS, HttpServeConfig};
use crate::transport::shutdown::{self, Signals};
use crate::transport::tenants::{self, TENANTS_VAR};
use cache_dir::{CacheHome, cache};

/// The first line of every human-readable output in `--sandbox` mode.
pub const SANDBOX_LINE: &str = "Sandbox data: a demo organization, not yours";

/// The environment variable that turns `--sandbox` on.
pub const SANDBOX_VAR: &str = "CLAUDE_CODE_CONNECTOR_SANDBOX";

/// Where the Admin API is and how long to wait for it.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Admin API connection")]
pub struct ConnectionArgs {
    /// Admin API base URL (https; plain http only for loopback). Ignored with --sandbox.
    /// ANTHROPIC_BASE_URL (Claude Code's LLM gateway) is not used for the admin key.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_BASE_URL")]
    pub base_url: Option<String>,
    /// Seconds to wait for a connection to the API.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CONNECT_TIMEOUT", default_value_t = 10)]
    pub connect_timeout: u64,
    /// Seconds to wait for one API request.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_REQUEST_TIMEOUT", default_value_t = 60)]
    pub request_timeout: u64,
    /// Requests in flight at once when a tool fans out (one Claude Code report per day).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CONCURRENCY", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// The largest API answer read, in bytes (32 MiB); a larger one fails the call with
    /// an error saying so, and is not read further.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_MAX_RESPONSE_BYTES", default_value_t = DEFAULT_MAX_RESPONSE_BYTES, value_parser = clap::value_parser!(u64).range(1024..=1 << 32))]
    pub max_response_bytes: u64,
    /// Accept a plain-http proxy on another machine even when its URL carries credentials
    /// (they then cross the network in clear text).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_ALLOW_PROXY_CREDENTIALS_IN_CLEAR")]
    pub allow_proxy_credentials_in_clear: bool,
    /// Fetch every report day again: no cache of closed days (docs/cache.md).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_NO_CACHE")]
    pub no_cache: bool,
    /// The cache's byte budget in memory, compressed (16 MiB); 0 disables the cache.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CACHE_BYTES", default_value_t = DEFAULT_CACHE_BYTES)]
    pub cache_bytes: u64,
    /// The cache directory's byte budget, compressed (1 GiB: a large organization's year).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CACHE_DISK_BYTES", default_value_t = DEFAULT_DISK_BYTES)]
    pub cache_disk_bytes: u64,
    /// Hours after a report range ends before its answer is cached as final.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CACHE_SETTLE_HOURS", default_value_t = 48, value_parser = clap::value_parser!(u64).range(1..=24 * 366))]
    pub cache_settle_hours: u64,
    /// Keep closed report days in this directory too, so that later runs reuse them
    /// (`call`: the user's cache directory unless given; "" keeps them in memory only).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CACHE_DIR", value_name = "DIR", value_parser = clap::builder::TypedValueParser::map(clap::builder::OsStringValueParser::new(), PathBuf::from))]
    pub cache_dir: Option<PathBuf>,
}

/// Bounds on one tool call.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Limits")]
pub struct LimitArgs {
    /// Seconds one tool call may take in all (retries and pages included).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CALL_TIMEOUT", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub call_timeout: u64,
    /// Larger tool results keep the first items that fit and say how to get the rest.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_MAX_RESULT_BYTES", default_value_t = DEFAULT_MAX_RESULT_BYTES as u64, value_parser = clap::value_parser!(u64).range(4096..=64 * 1024 * 1024))]
    pub max_result_bytes: u64,
}

/// Which tools exist for this process.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Least privilege")]
pub struct ToolFilterArgs {
    /// Only read-only tools: nothing can change the organization.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_READ_ONLY")]
    pub read_only: bool,
    /// Only tools matching these comma-separated patterns (`*` wildcard; the
    /// claude_code_ prefix is optional), e.g. 'list_*,get_*'.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_TOOLS", value_name = "PATTERN,...")]
    pub tools: Option<String>,
}

/// What writes may do, and where they are recorded.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Least privilege")]
pub struct WriteLimitArgs {
    /// Confine every write that targets a workspace (update, archive, members, API keys) to these
    /// workspace IDs; `default` allows the Default Workspace (API keys with no workspace).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_WORKSPACES", value_name = "ID,...")]
    pub workspaces: Option<String>,
    /// With --workspaces, also allow the writes that change the organization as a whole
    /// (invites, organization roles, removing users, creating workspaces), which it refuses otherwise.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_ALLOW_ORGANIZATION_WRITES", requires = "workspaces")]
    pub allow_organization_writes: bool,
    /// Refuse to invite or promote anyone above this organization role (user, managed, claude_code_user, developer, billing).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_MAX_ROLE", value_name = "ROLE")]
    pub max_role: Option<String>,
    /// Append the audit trail of write calls (JSON lines) to this file instead of stderr.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_AUDIT_LOG", value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
}

/// `serve --http`: MCP over Streamable HTTP for a team (docs/serving.md).
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Serve a team over HTTP")]
pub struct HttpArgs {
    /// Serve MCP over Streamable HTTP at http://ADDR/mcp (e.g. 127.0.0.1:8080) instead of
    /// stdio; needs --tenants. GET /healthz answers without a token.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_HTTP", value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// The tenants file (YAML): each tenant's token hashes, admin key (from the
    /// environment or a file), limits. SIGHUP reloads it.
    #[arg(long, env = TENANTS_VAR, value_name = "FILE")]
    pub tenants: Option<PathBuf>,
    /// Host names accepted in Host (and browser Origin) headers, comma-separated:
    /// the names clients and the proxy in front use. Loopback only by default.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_ALLOWED_HOSTS", value_name = "HOST,...", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
    /// Serve GET /metrics (Prometheus) on the --http address to the bearer token with this
    /// SHA-256 (hex; `token` prints one). Without it or --metrics-addr there is no /metrics.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_METRICS_TOKEN_SHA256", value_name = "HEX")]
    pub metrics_token_sha256: Option<String>,
    /// Serve GET /metrics on an address of its own (loopback, unless --metrics-token-sha256 guards it).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_METRICS_ADDR", value_name = "ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Seconds calls in flight may take to finish after SIGTERM before they are stopped.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_SHUTDOWN_GRACE", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub shutdown_grace: u64,
    /// Seconds after SIGTERM the server still accepts, answering with Connection: close
    /// and failing /healthz so a proxy stops routing to it, before it drains.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_LAME_DUCK", default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=300), value_name = "SECONDS")]
    pub lame_duck: u64,
    /// Seconds a client may take to send a request's headers (from its first byte, or
    /// from the connection's opening).
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600), value_name = "SECONDS")]
    pub header_timeout: u64,
    /// Seconds a client may take to send a request's body.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_BODY_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600), value_name = "SECONDS")]
    pub body_timeout: u64,
    /// Seconds a kept-alive connection may stay idle between requests.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_IDLE_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600), value_name = "SECONDS")]
    pub idle_timeout: u64,
    /// Client connections open at once (lowered to fit the file-descriptor limit);
    /// connections without a tenant's token hold at most half and give way first.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_MAX_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u64).range(16..=1_000_000), value_name = "N")]
    pub max_connections: u64,
}

/// `serve`: MCP over stdio, or over HTTP with `--http`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub filter: ToolFilterArgs,
    #[command(flatten)]
    pub writes: WriteLimitArgs,
}

/// `tools`: the tool table.
#[derive(Args, Debug, Clone)]
pub struct ToolsArgs {
    #[command(flatten)]
    pub filter: ToolFilterArgs,
}

/// How `call` prints a result.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Tables and totals for people.
    Text,
    /// The tool's structured result, as JSON.
    Json,
}

/// `call`: one tool call.
#[derive(Args, Debug, Clone)]
#[command(after_help = CALL_EXAMPLES)]
pub struct CallArgs {
    /// The tool, e.g. list_users (the claude_code_ prefix is optional; `tools` lists them all).
    #[arg(value_name = "TOOL")]
    pub tool: String,
    /// Arguments as KEY=VALUE. A value that parses as JSON is JSON (per_page=5,
    /// group_by='["model"]'), anything else a string (email=a@b.co); a string argument
    /// always takes the text as is, and a list of strings also takes a,b,c.
    #[arg(value_name = "KEY=VALUE")]
    pub arguments: Vec<String>,
    /// All arguments as one JSON object (KEY=VALUE pairs are added to it).
    #[arg(long, value_name = "OBJECT")]
    pub json: Option<String>,
    /// `text`: tables and totals; `json`: the tool's structured result exactly.
    #[arg(long, short, value_enum, default_value_t = Output::Text)]
    pub output: Output,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub filter: ToolFilterArgs,
    #[command(flatten)]
    pub writes: WriteLimitArgs,
}

const CALL_EXAMPLES: &str = "\
Examples:
  claude-code-connector --sandbox call get_normalized_metrics start_date=2026-10-01 end_date=2026-10-31
  claude-code-connector call list_users per_page=5
  claude-code-connector call get_usage start_date=2026-11-01 end_date=2026-11-07 group_by=model
  claude-code-connector call create_invite --json '{\"email\": \"a@b.co\", \"role\": \"developer\"}'
  claude-code-connector call get_cost_breakdown start_date=2026-11-01 end_date=2026-11-30 --output json

Exit codes: 0 success, 1 the call failed (API error, timeout, refusal), 2 usage error
(unknown tool, malformed KEY=VALUE, an argument the tool refuses).";

/// How a command failed: the message for stderr and the exit code.
#[derive(Debug)]
pub struct CommandFailure {
    pub code: u8,
    pub message: String,
}

impl CommandFailure {
    /// Exit code 2: the command line is wrong.
    pub fn usage(message: impl Into<String>) -> CommandFailure {
        CommandFailure { code: 2, message: message.into() }
    }

    /// Exit code 1: the command was fine but did not succeed.
    pub fn failed(message: impl Into<String>) -> CommandFailure {
        CommandFailure { code: 1, message: message.into() }
    }

    fn exit(self, sandbox: bool) -> ExitCode {
        let mut stderr = std::io::stderr().lock();
        if sandbox {
            let _ = writeln!(stderr, "{SANDBOX_LINE}");
        }
        let _ = writeln!(stderr, "error: {}", self.message);
        ExitCode::from(self.code)
    }
}

/// Logs to stderr, `warn` unless `RUST_LOG` says otherwise.
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")))
        .init();
}

fn runtime() -> Result<tokio::runtime::Runtime, CommandFailure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CommandFailure::failed(format!("cannot start the async runtime: {e}")))
}

/// `serve --http`: one worker per core, so one tenant's work cannot hold up another's.
fn server_runtime() -> Result<tokio::runtime::Runtime, CommandFailure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
        .enable_all()
        .build()
        .map_err(|e| CommandFailure::failed(format!("cannot start the async runtime: {e}")))
}

/// The least-privilege policy the flags ask for.
pub fn policy(filter: &ToolFilterArgs, writes: Option<&WriteLimitArgs>) -> Result<Policy, CommandFailure> {
    let usage = |e: PolicyError| CommandFailure::usage(e.to_string());
    let mut policy = Policy::default().read_only(filter.read_only);
    if let Some(patterns) = &filter.tools {
        policy = policy.tools(patterns, DEFINITIONS).map_err(usage)?;
    }
    if let Some(writes) = writes {
        if let Some(ids) = &writes.workspaces {
            policy = policy.workspaces(ids).map_err(usage)?.allow_organization_writes(writes.allow_organization_writes);
        }
        if let Some(role) = &writes.max_role {
            policy = policy.max_role(role).map_err(usage)?;
        }
    }
    Ok(policy)
}

fn audit_log(writes: &WriteLimitArgs) -> Result<AuditLog, CommandFailure> {
    match &writes.audit_log {
        Some(path) => AuditLog::file(path)
            .map_err(|e| CommandFailure::failed(format!("cannot open the audit log {}: {e}", path.display()))),
        None => Ok(AuditLog::stderr()),
    }
}

/// `call`'s trail: as [`audit_log`], but a refusal is its one error line on stderr.
fn call_audit_log(writes: &WriteLimitArgs) -> Result<AuditLog, CommandFailure> {
    match &writes.audit_log {
        Some(_) => audit_log(writes),
        None => Ok(AuditLog::terminal_stderr()),
    }
}

fn limits(args: &LimitArgs) -> Limits {
    Limits {
        call_timeout: Duration::from_secs(args.call_timeout),
        max_result_bytes: usize::try_from(args.max_result_bytes).unwrap_or(usize::MAX),
    }
}

/// Where the calls go: the real Admin API (key from the environment) or the sandbox.
struct Target {
    http: Http,
    /// Set in sandbox mode: the demo organization's server, alive while this is.
    #[cfg(feature = "sandbox")]
    sandbox: Option<sandbox::Sandbox>,
}

/// Starts the sandbox (when asked) and builds the HTTP client.
fn upstream(connection: &ConnectionArgs, sandbox: bool, home: CacheHome) -> Result<Target, CommandFailure> {
    if sandbox {
        return sandbox_upstream(connection);
    }
    let key = config::key_from_env()
        .map_err(|e| CommandFailure::failed(format!("{e}\n(To try the connector without a key: --sandbox.)")))?;
    if !key.looks_like_admin_key() {
        tracing::warn!(
            "{} does not start with sk-ant-admin: the Admin API refuses ordinary API keys (sk-ant-api...)",
            config::KEY_VAR
        );
    }
    let http = http(key, connection.base_url.clone(), connection, true, cache(connection, home)?)?;
    let foreign = std::env::var(config::FOREIGN_BASE_URL_VAR).ok();
    if let Some(warning) = config::foreign_base_url_warning(foreign.as_deref(), http.base_url()) {
        tracing::warn!("{warning}");
    }
    Ok(Target {
        http,
        #[cfg(feature = "sandbox")]
        sandbox: None,
    })
}

/// The HTTP client; `env_proxy`: through the environment's proxy (refused when it is
/// plain http and not loopback), or directly; `cache`: the cache it uses (see [`cache`]).
fn http(
    key: AdminKey,
    base_url: Option<String>,
    connection: &ConnectionArgs,
    env_proxy: bool,
    cache: Option<Arc<Cache>>,
) -> Result<Http, CommandFailure> {
    let mut http_config = config::http_config(key, base_url, connection.connect_timeout, connection.request_timeout);
    http_config.concurrency = usize::from(connection.concurrency);
    http_config.max_response_bytes = connection.max_response_bytes;
    http_config.env_proxy = env_proxy;
    http_config.allow_proxy_credentials_in_clear = connection.allow_proxy_credentials_in_clear;
    Http::sharing_cache(http_config, cache).map_err(|e| CommandFailure::failed(e.to_string()))
}

#[cfg(feature = "sandbox")]
fn sandbox_upstream(connection: &ConnectionArgs) -> Result<Target, CommandFailure> {
    // Built on its own thread while this one sets up the client.
    let starting = sandbox::Sandbox::start();
    if connection.base_url.as_deref().is_some_and(|url| !url.trim().is_empty()) {
        tracing::warn!(
            "--sandbox ignores --base-url / CLAUDE_CODE_CONNECTOR_BASE_URL: calls go to the demo organization"
        );
    }
    let started = starting.wait().map_err(CommandFailure::failed)?;
    // In-process, on loopback: no proxy of the environment could reach it.
    let http = http(
        AdminKey::new(sandbox::KEY),
        Some(started.base_url.clone()),
        connection,
        false,
        cache(connection, CacheHome::Memory)?,
    )?;
    tracing::info!(
        organization = %started.organization,
        ready_ms = started.ready_after.as_millis() as u64,
        "sandbox: serving a demo organization on {}",
        started.base_url
    );
    Ok(Target { http, sandbox: Some(started) })
}

#[cfg(not(feature = "sandbox"))]
fn sandbox_upstream(_connection: &ConnectionArgs) -> Result<Target, CommandFailure> {
    Err(CommandFailure::usage(
        "this build has no sandbox: it was built without the `sandbox` cargo feature (rebuild with default features)",
    ))
}

impl Target {
    /// No upstream at all: the connector answers every call with what to fill in
    /// ([`Connector::unconfigured`]), so this client is never used; it points at the
    /// discard port on loopback all the same.
    fn unconfigured(connection: &ConnectionArgs) -> Result<Target, CommandFailure> {
        let key = AdminKey::new("not-configured");
        let http = http(key, Some("http://127.0.0.1:9".into()), connection, false, None)?;
        Ok(Target {
            http,
            #[cfg(feature = "sandbox")]
            sandbox: None,
        })
    }

    /// The connector over this upstream, marked as sandbox data when it is.
    fn connector(&self) -> Connector {
        let connector = Connector::new(self.http.clone());
        #[cfg(feature = "sandbox")]
        if let Some(sandbox) = &self.sandbox {
            return connector
                .with_instructions_prefix(&sandbox.instructions_prefix())
                .with_result_note(sandbox::RESULT_NOTE)
                .with_example_tools(sandbox.example_tools.clone());
        }
        connector
    }
}

/// `serve` (and no subcommand): MCP over stdio until the client closes it, or over
/// HTTP (`--http`) until SIGTERM.
pub fn serve(args: &ServeArgs, sandbox: bool) -> ExitCode {
    init_logging();
    let outcome = match &args.http.http {
        Some(addr) => http_settings(args, *addr, sandbox).and_then(|config| Ok((config, server_runtime()?))).and_then(
            |(config, runtime)| {
                let outcome = runtime.block_on(run_http_server(args, config));
                // A key file read that outlived its timeout does not hold the exit.
                runtime.shutdown_timeout(Duration::from_secs(1));
                outcome
            },
        ),
        None if args.http.tenants.is_some() => Err(CommandFailure::usage(format!(
            "--tenants ({TENANTS_VAR}) is for serving over HTTP: add --http ADDR, or drop it to serve on stdio"
        ))),
        None => runtime().and_then(|runtime| {
            let outcome = runtime.block_on(run_server(args, sandbox));
            // Not a plain drop: that would wait for the blocking read of stdin, which a
            // signal leaves open.
            runtime.shutdown_background();
            outcome
        }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.exit(false),
    }
}

async fn run_server(args: &ServeArgs, sandbox: bool) -> Result<(), CommandFailure> {
    let policy = policy(&args.filter, Some(&args.writes))?;
    let audit = audit_log(&args.writes)?;
    // Without a key or the sandbox the server still starts (an extension left
    // unconfigured), and every call says what to fill in.
    let configured = sandbox || config::key_from_env().is_ok();
    let upstream = if configured {
        upstream(&args.connection, sandbox, CacheHome::Memory)?
    } else {
        Target::unconfigured(&args.connection)?
    };
    tracing::info!(limits = %policy.describe(), "least-privilege settings");
    let mut connector =
        upstream.connector().with_policy(policy).with_audit(Some(audit)).with_limits(limits(&args.limits));
    if !configured {
        tracing::warn!("{}", config::NOT_CONFIGURED);
        connector = connector.with_instructions_prefix(config::NOT_CONFIGURED).unconfigured(config::NOT_CONFIGURED);
    }
    if connector.tool_count() == 0 {
        return Err(CommandFailure::usage("no tool is left to serve with these --read-only/--tools settings"));
    }
    let mut signals = Signals::stop_only().map_err(CommandFailure::failed)?;
    tracing::info!(tools = connector.tool_count(), sandbox, "serving MCP on stdio");
    let running = connector
        .clone()
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| CommandFailure::failed(format!("MCP handshake failed: {e}")))?;
    // After the handshake, so `initialize` is not kept waiting for the root certificates.
    upstream.http.prepare_in_background();
    // On its own task, so a signal does not drop the session while writes are in flight.
    let mut session = tokio::spawn(running.waiting());
    let ended = tokio::select! {
        ended = &mut session => Some(ended),
        signal = signals.stop() => {
            tracing::warn!(signal, "stopping: letting writes in flight finish (at most {} s)", SHUTDOWN_GRACE.as_secs());
            None
        }
    };
    shutdown::drain_writes(std::slice::from_ref(&connector), SHUTDOWN_GRACE).await;
    if let Some(ended) = ended {
        let reason = ended
            .map_err(|e| CommandFailure::failed(format!("the MCP session ended with an error: {e}")))?
            .map_err(|e| CommandFailure::failed(format!("the MCP session ended with an error: {e}")))?;
        tracing::info!(?reason, "MCP session ended");
    }
    drop(upstream);
    Ok(())
}

/// What `--http` needs besides the address, checked before anything starts.
fn http_settings(args: &ServeArgs, addr: SocketAddr, sandbox: bool) -> Result<HttpServeConfig, CommandFailure> {
    if sandbox {
        return Err(CommandFailure::usage("--sandbox serves one person on stdio; drop --http, or drop --sandbox"));
    }
    let filter = &args.filter;
    let writes = &args.writes;
    if filter.read_only
        || filter.tools.is_some()
        || writes.workspaces.is_some()
        || writes.allow_organization_writes
        || writes.max_role.is_some()
    {
        return Err(CommandFailure::usage(
            "with --http, --read-only, --tools, --workspaces, --allow-organization-writes and --max-role are set per tenant in the tenants file (read_only, tools, workspaces, allow_organization_writes, max_role)",
        ));
    }
    let Some(tenants_path) = args.http.tenants.clone() else {
        return Err(CommandFailure::usage(format!(
            "--http needs --tenants FILE (or {TENANTS_VAR}): every request must carry a tenant's bearer token; there is no unauthenticated HTTP mode (docs/serving.md)"
        )));
    };
    let metrics_token_sha256 = match &args.http.metrics_token_sha256 {
        Some(hex) => Some(tenants::parse_sha256(hex).ok_or_else(|| {
            CommandFailure::usage("--metrics-token-sha256 is not 64 hex digits: give the SHA-256 that `claude-code-connector token` prints, not the token")
        })?),
        None => None,
    };
    if let Some(metrics_addr) = args.http.metrics_addr
        && !metrics_addr.ip().is_loopback()
        && metrics_token_sha256.is_none()
    {
        return Err(CommandFailure::usage(format!(
            "--metrics-addr {metrics_addr} is not loopback: add --metrics-token-sha256 so /metrics is not public"
        )));
    }
    let allowed_hosts: Vec<String> = if args.http.allowed_hosts.is_empty() {
        DEFAULT_ALLOWED_HOSTS.iter().map(|host| host.to_string()).collect()
    } else {
        args.http.allowed_hosts.iter().map(|host| host.trim().to_string()).filter(|host| !host.is_empty()).collect()
    };
    if allowed_hosts.is_empty() {
        return Err(CommandFailure::usage(
            "--allowed-hosts names no host (only commas or spaces): it would turn the Host check off; list the names clients use, e.g. --allowed-hosts localhost,mcp.example.com",
        ));
    }
    Ok(HttpServeConfig {
        addr,
        tenants_path,
        allowed_hosts,
        metrics_token_sha256,
        metrics_addr: args.http.metrics_addr,
        shutdown_grace: Duration::from_secs(args.http.shutdown_grace),
        lame_duck: Duration::from_secs(args.http.lame_duck),
        connections: ConnectionPolicy {
            header_timeout: Duration::from_secs(args.http.header_timeout),
            body_timeout: Duration::from_secs(args.http.body_timeout),
            idle_timeout: Duration::from_secs(args.http.idle_timeout),
            max_connections: usize::try_from(args.http.max_connections).unwrap_or(usize::MAX),
        },
        cache: cache(&args.connection, CacheHome::Memory)?,
    })
}

async fn run_http_server(args: &ServeArgs, config: HttpServeConfig) -> Result<(), CommandFailure> {
    let audit = audit_log(&args.writes)?;
    let connection = args.connection.clone();
    let limits = limits(&args.limits);
    let foreign = std::env::var(config::FOREIGN_BASE_URL_VAR).ok();
    // One cache for every tenant, so the byte budget holds for the process.
    let cache = config.cache.clone();
    let factory: ConnectorFactory = Arc::new(move |spec| {
        let key = spec.key.read(&spec.id)?;
        let http = http(key, connection.base_url.clone(), &connection, true, cache.clone())
            .map_err(|failure| format!("tenant `{}`: {}", spec.id, failure.message))?;
        if let Some(warning) = config::foreign_base_url_warning(foreign.as_deref(), http.base_url()) {
            tracing::warn!("{warning}");
        }
        http.prepare_in_background();
        Ok(Connector::new(http)
            .with_policy(spec.policy.clone())
            .with_audit(Some(audit.for_caller(&spec.id)))
            .with_limits(limits))
    });
    crate::transport::http::serve(config, factory).await.map_err(CommandFailure::failed)
}

/// `token`: a new bearer token for a tenant, and the SHA-256 the tenants file takes.
pub fn token(json: bool) -> ExitCode {
    let (token, token_sha256) = match tenants::new_token() {
        Ok(pair) => pair,
        Err(message) => return CommandFailure::failed(message).exit(false),
    };
    let text = if json {
        let value = tenants::NewToken { token, token_sha256 };
        format!("{}\n", serde_json::to_string(&value).unwrap_or_default())
    } else {
        eprintln!(
            "Give the token to the tenant's people (claude mcp add --transport http NAME URL --header \"Authorization: Bearer TOKEN\");\nput the hash in the tenants file (token_sha256) and send the server SIGHUP. The server keeps only the hash."
        );
        format!("token:        {token}\ntoken_sha256: {token_sha256}\n")
    };
    print_stdout(&text)
}

/// How long a stopping server waits for writes in flight to finish.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// `tools`: the table of tools these flags expose.
pub fn tools(args: &ToolsArgs, sandbox: bool) -> ExitCode {
    let policy = match policy(&args.filter, None) {
        Ok(policy) => policy,
        Err(failure) => return failure.exit(sandbox),
    };
    let mut text = String::new();
    if sandbox {
        text.push_str(SANDBOX_LINE);
        text.push('\n');
    }
    text.push_str(&tools_table(&policy));
    print_stdout(&text)
}

/// The tool table: group, name (as `call` takes it), title, kind.
pub fn tools_table(policy: &Policy) -> String {
    let mut table = render::Table::new(["Group", "Tool", "Title", "Kind"]);
    let mut shown = 0;
    for group in GROUPS {
        let mut first = true;
        for def in DEFINITIONS.iter().filter(|def| def.group == group.id && policy.exposes(def)) {
            let group_cell = if first { group.title } else { "" };
            first = false;
            table.row([group_cell, input::short_name(def.name), def.title, def.kind.as_str()]);
            shown += 1;
        }
    }
    let mut text = table.render();
    text.push_str(&format!(
        "\n{shown} tools. Run one: {} call TOOL KEY=VALUE ... (`call --help`); MCP names add the claude_code_ prefix.\n",
        SERVER.name
    ));
    text
}

/// `call`: runs one tool call and prints its result.
pub fn call(args: &CallArgs, sandbox: bool) -> ExitCode {
    init_logging();
    let outcome = prepare_call(args)
        .and_then(|(tool, arguments, policy)| runtime()?.block_on(run_call(args, sandbox, tool, arguments, policy)));
    match outcome {
        Ok(text) => print_stdout(&text),
        Err(failure) => failure.exit(sandbox),
    }
}

/// What can be judged from the command line alone: the tool, its arguments as JSON, the policy.
fn prepare_call(args: &CallArgs) -> Result<(ToolId, JsonObject, Policy), CommandFailure> {
    let tool = input::resolve_tool(&args.tool).map_err(CommandFailure::usage)?;
    let arguments =
        input::parse_arguments(tool, &args.arguments, args.json.as_deref()).map_err(CommandFailure::usage)?;
    let policy = policy(&args.filter, Some(&args.writes))?;
    Ok((tool, arguments, policy))
}

async fn run_call(
    args: &CallArgs,
    sandbox: bool,
    tool: ToolId,
    arguments: JsonObject,
    policy: Policy,
) -> Result<String, CommandFailure> {
    let audit = call_audit_log(&args.writes)?;
    let upstream = upstream(&args.connection, sandbox, CacheHome::UserDir)?;
    let connector = upstream.connector().with_policy(policy).with_audit(Some(audit)).with_limits(limits(&args.limits));
    // What opens a sandbox answer for people: sandbox data, and whether it is the spec's example.
    let sandbox_line = || {
        if connector.answers_from_example(tool.name()) {
            format!("{SANDBOX_LINE}. {}", crate::pipeline::example_data_note(tool.name()))
        } else {
            SANDBOX_LINE.to_string()
        }
    };
    let bar = progress::Bar::for_stderr(input::short_name(tool.name()));
    let request = CallRequest::new(tool.name(), arguments).with_progress(bar.progress());
    let outcome = connector.call(request, std::future::pending()).await;
    bar.finish();
    let answer = match outcome {
        ToolOutcome::Success(answer) => answer,
        ToolOutcome::Failure(failure) => return Err(CommandFailure::from(failure)),
    };
    // On stderr, so that stdout stays the answer: what the call cost, and whether the cache helped.
    eprintln!("{}", answer.upstream);
    let mut text = String::new();
    match args.output {
        Output::Json => {
            if sandbox {
                eprintln!("{}", sandbox_line());
            }
            let json = serde_json::to_string_pretty(&answer.value)
                .map_err(|e| CommandFailure::failed(format!("cannot print the result as JSON: {e}")))?;
            text.push_str(&json);
            text.push('\n');
        }
        Output::Text => {
            if sandbox {
                text.push_str(&sandbox_line());
                text.push('\n');
            }
            // The text a model reads: the summary, the table, what a cut left out.
            text.push_str(&answer.text);
        }
    }
    Ok(text)
}

impl From<CallFailure> for CommandFailure {
    /// Exit 2 for what the command line asked wrongly, 1 for a call that failed.
    fn from(failure: CallFailure) -> CommandFailure {
        let message = render::visible(&failure.message);
        if failure.kind.is_usage() { CommandFailure::usage(message) } else { CommandFailure::failed(message) }
    }
}

fn print_stdout(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}
