//! The `claude-code-connector` binary: configuration, logging to stderr, MCP over stdio.

use std::process::ExitCode;

use clap::Parser;
use rmcp::ServiceExt;
use tracing_subscriber::EnvFilter;

use claude_code_connector::Client;
use claude_code_connector::config;
use claude_code_connector::runtime::Http;
use claude_code_connector::server::Connector;

/// MCP server for the Anthropic Admin API (users, invites, workspaces, API keys,
/// usage, cost and Claude Code reports). Speaks MCP over stdio.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    match runtime.block_on(serve(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(cli: Cli) -> Result<(), String> {
    let key = config::key_from_env().map_err(|e| e.to_string())?;
    if !key.looks_like_admin_key() {
        tracing::warn!(
            "{} does not start with sk-ant-admin: the Admin API refuses ordinary API keys (sk-ant-api...)",
            config::KEY_VAR
        );
    }
    let mut http_config = config::http_config(key, cli.base_url, cli.connect_timeout, cli.request_timeout);
    http_config.concurrency = usize::from(cli.concurrency);
    let http = Http::new(http_config).map_err(|e| e.to_string())?;
    let connector = Connector::new(Client::new(http));
    tracing::info!(tools = connector.tools().len(), "serving MCP on stdio");
    let running = connector.serve(rmcp::transport::stdio()).await.map_err(|e| format!("MCP handshake failed: {e}"))?;
    let reason = running.waiting().await.map_err(|e| format!("the MCP session ended with an error: {e}"))?;
    tracing::info!(?reason, "MCP session ended");
    Ok(())
}
