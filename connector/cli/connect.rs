//! `connect URL`: a bridge from stdio to a team server (`serve --http`) over Streamable
//! HTTP, for clients that only start local servers (Claude Desktop, an extension).
//!
//! Only glue: rmcp's stdio transport on one side and its Streamable HTTP client
//! transport on the other, every JSON-RPC message passed through as it is (lists,
//! calls, progress, cancellation, the handshake), with `Authorization: Bearer` and the
//! token from [`TEAM_TOKEN_VAR`]. What the glue adds is failure that reads clearly: a
//! message that cannot be delivered is answered with a JSON-RPC error saying why (401:
//! the token; unreachable: the URL or the network), the first request must be answered
//! within [`HANDSHAKE_TIMEOUT`], and when the team server's connection is gone for good
//! the bridge answers what is pending, says why on stderr and exits 1.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use rmcp::RoleServer;
use rmcp::model::{ErrorData, JsonRpcMessage, RequestId, ServerJsonRpcMessage};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::Transport;
use rmcp::transport::async_rw::AsyncRwTransport;
use rmcp::transport::streamable_http_client::{StreamableHttpClientTransportConfig, StreamableHttpError};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::{CommandFailure, init_logging};

/// The team server's MCP endpoint, for the binary started without a subcommand (what a
/// Claude Desktop extension does): set, the binary is this bridge.
pub const SERVER_URL_VAR: &str = "CLAUDE_CODE_CONNECTOR_SERVER_URL";
/// The bearer token sent to the team server.
pub const TEAM_TOKEN_VAR: &str = "CLAUDE_CODE_CONNECTOR_TEAM_TOKEN";
/// How long the team server may take to answer the first request (the handshake).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);

/// `connect`: the bridge's arguments.
#[derive(Args, Debug, Clone)]
pub struct ConnectArgs {
    /// The team server's MCP endpoint, e.g. https://claude-admin.example.internal/mcp
    /// (https; plain http only for loopback). The token comes from CLAUDE_CODE_CONNECTOR_TEAM_TOKEN.
    #[arg(value_name = "URL")]
    pub url: String,
    /// Seconds to wait for a connection to the team server.
    #[arg(long, env = "CLAUDE_CODE_CONNECTOR_CONNECT_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub connect_timeout: u64,
}

/// A variable's value, unless it is unset, empty, or a `${user_config.…}` placeholder a
/// host left unsubstituted (the same rule as every other setting).
pub fn env_setting(name: &str) -> Option<String> {
    let value = std::env::var(name).ok()?;
    let value = value.trim();
    let placeholder = value.starts_with("${user_config.") && value.ends_with('}');
    (!value.is_empty() && !placeholder).then(|| value.to_string())
}

/// Where the bridge goes, checked before anything starts.
struct Upstream {
    url: url::Url,
    token: Option<String>,
    connect_timeout: Duration,
}

impl Upstream {
    fn from_args(args: &ConnectArgs) -> Result<Upstream, CommandFailure> {
        let url = url::Url::parse(args.url.trim()).map_err(|e| {
            CommandFailure::usage(format!("the team server URL `{}` is not a URL ({e}); give its /mcp endpoint, e.g. https://claude-admin.example.internal/mcp", args.url.trim()))
        })?;
        let loopback = match url.host() {
            Some(url::Host::Domain(domain)) => domain == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            other => {
                return Err(CommandFailure::usage(format!(
                    "the team server URL `{}` uses {other}; only https is allowed (plain http only for loopback), so the team token is never sent in clear text",
                    url.origin().ascii_serialization()
                )));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(CommandFailure::usage(format!(
                "the team server URL must not carry credentials; put the token in {TEAM_TOKEN_VAR}"
            )));
        }
        if url.path() == "/" {
            tracing::warn!("the team server URL {url} has no path: `serve --http` answers MCP at /mcp");
        }
        let token = env_setting(TEAM_TOKEN_VAR);
        if token.is_none() {
            tracing::warn!("{TEAM_TOKEN_VAR} is not set: the team server will refuse requests without a token");
        }
        Ok(Upstream { url, token, connect_timeout: Duration::from_secs(args.connect_timeout) })
    }
}

/// What a failure to deliver a message to the team server at `url` means, for people
/// (`token_set`: whether a team token was sent).
fn explain(url: &url::Url, token_set: bool, error: &StreamableHttpError<reqwest::Error>) -> String {
    let at = format!("the team server at {url}");
    match error {
        StreamableHttpError::AuthRequired(_) if token_set => format!(
            "{at} refused the team token (HTTP 401 Unauthorized): check \"Team token\" ({TEAM_TOKEN_VAR}) with the server's operator"
        ),
        StreamableHttpError::AuthRequired(_) => format!(
            "{at} asks for a team token (HTTP 401 Unauthorized) and none is set: fill in \"Team token\" ({TEAM_TOKEN_VAR})"
        ),
        StreamableHttpError::InsufficientScope(_) => {
            format!("{at} refused this team token for that request (HTTP 403 Forbidden)")
        }
        StreamableHttpError::Client(error) if error.is_connect() || error.is_timeout() => format!(
            "cannot reach {at} ({}): check \"Team server URL\" ({SERVER_URL_VAR}) and that this computer can reach that server (VPN?)",
            root_cause(error)
        ),
        StreamableHttpError::Client(error) => format!("{at} could not be asked: {}", root_cause(error)),
        StreamableHttpError::HttpStatus(status) => {
            format!(
                "{at} answered HTTP {} (it, or the proxy in front of it, is unavailable); try again shortly",
                status.status
            )
        }
        StreamableHttpError::UnexpectedServerResponse(text) => format!("{at} answered: {}", text.trim()),
        StreamableHttpError::TransportChannelClosed => format!("the connection to {at} is closed"),
        other => format!("{at}: {other}"),
    }
}

/// The innermost cause of a client error (`Connection refused (os error 111)`), which
/// says more than reqwest's outer "error sending request".
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// `connect URL`: bridges until the client closes stdin (exit 0) or the team server's
/// connection ends for good (exit 1, the reason on stderr).
pub fn connect(args: &ConnectArgs) -> ExitCode {
    init_logging();
    let outcome = Upstream::from_args(args).and_then(|upstream| {
        let runtime = super::runtime()?;
        let outcome = runtime.block_on(bridge(upstream));
        // A blocking read of stdin may still be waiting; do not wait for it.
        runtime.shutdown_background();
        outcome
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.exit(false),
    }
}

/// A message to the team server that could not be delivered: why, and the request to answer.
struct Undelivered {
    request: Option<RequestId>,
    why: String,
}

async fn bridge(upstream: Upstream) -> Result<(), CommandFailure> {
    crate::runtime::http::install_crypto_provider();
    let client = reqwest::Client::builder()
        .connect_timeout(upstream.connect_timeout)
        .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (connect)"))
        .build()
        .map_err(|e| CommandFailure::failed(format!("cannot build the HTTP client: {}", root_cause(&e))))?;
    let mut config = StreamableHttpClientTransportConfig::with_uri(upstream.url.as_str());
    if let Some(token) = &upstream.token {
        config = config.auth_header(token.clone());
    }
    let mut remote = StreamableHttpClientTransport::with_client(client, config);
    let (stdin, stdout) = rmcp::transport::stdio();
    let mut local = AsyncRwTransport::<RoleServer, _, _>::new_server(stdin, stdout);
    tracing::info!(url = %upstream.url, "bridging stdio to the team server");

    let (undelivered_tx, mut undelivered_rx) = mpsc::unbounded_channel::<Undelivered>();
    let mut sending = JoinSet::new();
    // The first request and when it must be answered by.
    let mut handshake: Option<(RequestId, tokio::time::Instant)> = None;
    let mut first_request = true;
    let mut failure: Option<String> = None;
    // The team server's side ended without a reason of its own: the reason is then in
    // what could not be delivered (a 401 ends it, and the send says so).
    let mut remote_ended = false;
    loop {
        let deadline = handshake.as_ref().map(|(_, deadline)| *deadline);
        tokio::select! {
            message = local.receive() => {
                let Some(message) = message else { break };
                let request = match &message {
                    JsonRpcMessage::Request(request) => Some(request.id.clone()),
                    _ => None,
                };
                if first_request && let Some(id) = &request {
                    first_request = false;
                    handshake = Some((id.clone(), tokio::time::Instant::now() + HANDSHAKE_TIMEOUT));
                }
                let delivery = remote.send(message);
                let undelivered = undelivered_tx.clone();
                let (url, token_set) = (upstream.url.clone(), upstream.token.is_some());
                sending.spawn(async move {
                    if let Err(error) = delivery.await {
                        let _ = undelivered.send(Undelivered { request, why: explain(&url, token_set, &error) });
                    }
                });
            }
            message = remote.receive() => {
                let Some(message) = message else {
                    remote_ended = true;
                    break;
                };
                if let (Some((id, _)), Some(answered)) = (&handshake, response_id(&message))
                    && id == answered
                {
                    handshake = None;
                }
                send_local(&mut local, message).await?;
            }
            Some(undelivered) = undelivered_rx.recv() => {
                tracing::warn!("{}", undelivered.why);
                let fatal = handshake.as_ref().is_some_and(|(id, _)| Some(id) == undelivered.request.as_ref());
                if let Some(id) = undelivered.request {
                    send_local(&mut local, error_answer(id, &undelivered.why)).await?;
                }
                if fatal {
                    failure = Some(undelivered.why);
                    break;
                }
            }
            () = sleep_until(deadline) => {
                // A deadline exists only while the handshake is pending.
                let Some((id, _)) = handshake.take() else { continue };
                let why = format!(
                    "the team server at {} did not answer within {} s; check \"Team server URL\" ({SERVER_URL_VAR}) and that the server is running",
                    upstream.url,
                    HANDSHAKE_TIMEOUT.as_secs()
                );
                send_local(&mut local, error_answer(id, &why)).await?;
                failure = Some(why);
                break;
            }
            Some(_) = sending.join_next(), if !sending.is_empty() => {}
        }
    }
    // Answer what could not be delivered before the end (the sends in flight fail at
    // once when the team server's side has ended); then close that side.
    drop(undelivered_tx);
    if remote_ended {
        let _ =
            tokio::time::timeout(Duration::from_secs(5), async { while sending.join_next().await.is_some() {} }).await;
    }
    sending.abort_all();
    while let Ok(undelivered) = undelivered_rx.try_recv() {
        if remote_ended && failure.is_none() {
            failure = Some(undelivered.why.clone());
        }
        if let Some(id) = undelivered.request {
            let _ = local.send(error_answer(id, &undelivered.why)).await;
        }
    }
    if remote_ended && failure.is_none() {
        failure = Some(format!("the connection to the team server at {} ended", upstream.url));
    }
    let _ = tokio::time::timeout(Duration::from_secs(3), remote.close()).await;
    let _ = local.close().await;
    match failure {
        None => Ok(()),
        Some(why) => Err(CommandFailure::failed(why)),
    }
}

/// The JSON-RPC error that answers request `id` with `why`.
fn error_answer(id: RequestId, why: &str) -> ServerJsonRpcMessage {
    ServerJsonRpcMessage::error(ErrorData::internal_error(why.to_string(), None), Some(id))
}

/// The id a response or error answers.
fn response_id(message: &ServerJsonRpcMessage) -> Option<&RequestId> {
    match message {
        JsonRpcMessage::Response(response) => Some(&response.id),
        JsonRpcMessage::Error(error) => error.id.as_ref(),
        _ => None,
    }
}

async fn send_local(
    local: &mut impl Transport<RoleServer, Error = std::io::Error>,
    message: ServerJsonRpcMessage,
) -> Result<(), CommandFailure> {
    local.send(message).await.map_err(|e| CommandFailure::failed(format!("cannot write to stdout: {e}")))
}

/// Resolves at `deadline`, never without one.
async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
