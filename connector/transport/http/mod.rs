//! `serve --http`: MCP over Streamable HTTP for a team, stateless so that any replica
//! can answer any request.
//!
//! `POST /mcp` is rmcp's Streamable HTTP service (no sessions), one per tenant: the
//! request's `Authorization: Bearer TOKEN` selects the tenant (by the token's SHA-256,
//! compared in constant time), and the call runs through that tenant's [`Connector`]
//! (its admin key, policy, limits and audit caller). `GET /healthz` answers without
//! authentication and without touching the Admin API; `GET /metrics` (Prometheus text)
//! needs its own token or its own listener. Every route checks `Host` ([`host`]).
//! Connections are bounded in number and time ([`connections`]). SIGHUP reloads the
//! tenants file off the runtime threads ([`reload`]; a bad file is refused and the old
//! tenants stay); SIGTERM starts a lame-duck moment (still accepting, `/healthz` 503,
//! every answer `Connection: close`), then stops accepting, lets calls in flight
//! finish within a grace period, audits writes still running as `unknown`
//! ([`super::shutdown`]), and returns.
//!
//! With an `oauth:` section in the tenants file, a bearer token may also be an access
//! token the server issued ([`super::oauth`], whose routes are merged here): it selects
//! its tenant and names its person in the audit trail.
//!
//! Headers and tokens are never logged: the `Authorization` header is taken off the
//! request before rmcp sees it.

pub mod connections;
pub mod host;
mod reload;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult, ContentBlock,
    GetPromptRequestParams, GetPromptResponse, ListPromptsResult, ListToolsResult, PaginatedRequestParams,
    ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use self::connections::{ConnectionHandle, ConnectionPolicy, Phase, Slots};
use self::host::AllowedHosts;
use super::oauth::{self, Door};
use super::prometheus::Metrics;
use super::shutdown::{self, Signal, Signals};
use super::tenants::{self, Sha256, TenantSpec};
use crate::pipeline::Connector;
use crate::runtime::cache::Cache;

/// The largest MCP request body read; a larger one is answered 413.
pub const MAX_REQUEST_BODY_BYTES: usize = 1 << 20;

/// The hosts (and browser origins) accepted unless `--allowed-hosts` says otherwise.
pub const DEFAULT_ALLOWED_HOSTS: &[&str] = &["localhost", "127.0.0.1", "::1"];

/// How long a client may keep a tenant's tool and prompt lists: SIGHUP can change a
/// tenant's policy, and with it its tools, while the process runs.
pub const TENANT_LIST_TTL: Duration = Duration::from_secs(5 * 60);

/// How the HTTP server is set up.
#[derive(Debug, Clone)]
pub struct HttpServeConfig {
    pub addr: SocketAddr,
    pub tenants_path: PathBuf,
    /// `Host` (and `Origin`) values accepted on `/mcp`.
    pub allowed_hosts: Vec<String>,
    /// `/metrics` on the main listener, for this token's SHA-256 only.
    pub metrics_token_sha256: Option<Sha256>,
    /// `/metrics` on a listener of its own.
    pub metrics_addr: Option<SocketAddr>,
    /// How long calls in flight may take to finish after SIGTERM (after the lame duck).
    pub shutdown_grace: Duration,
    /// How long after SIGTERM the server still accepts connections, answering each
    /// request with `Connection: close` and `/healthz` with 503, so a proxy in front
    /// stops routing to it before its port closes.
    pub lame_duck: Duration,
    /// Timeouts and the connection cap.
    pub connections: ConnectionPolicy,
    /// The cache of closed report days every tenant's connector shares (one byte budget
    /// for the process; its keys hold the credential's hash, so tenants never see each
    /// other's entries), counted on `/metrics`. Kept across reloads.
    pub cache: Option<Arc<Cache>>,
}

/// Builds a tenant's connector (its key, policy, audit caller, limits) from its entry.
pub type ConnectorFactory = Arc<dyn Fn(&TenantSpec) -> Result<Connector, String> + Send + Sync>;

/// A tenant ready to serve.
struct Tenant {
    id: Arc<str>,
    hashes: Vec<Sha256>,
    /// Shared with the service's handler: the tenant's calls in flight.
    calls: Arc<Semaphore>,
    max_calls: usize,
    service: StreamableHttpService<TenantServer, NeverSessionManager>,
    /// The tenant's pipeline, kept to drain its writes at shutdown.
    connector: Connector,
}

/// The tenants in force; replaced as a whole on reload, so a request sees one version.
struct Tenants(Vec<Tenant>);

impl Tenants {
    /// The tenant with this id (the one an OAuth access token names).
    fn by_id(&self, id: &str) -> Option<&Tenant> {
        self.0.iter().find(|tenant| *tenant.id == *id)
    }

    /// The tenant whose token this is, looking at every hash whatever matches.
    fn find(&self, token: &str) -> Option<&Tenant> {
        let presented = tenants::token_sha256(token);
        let mut found = None;
        for tenant in &self.0 {
            for hash in &tenant.hashes {
                if tenants::same_digest(&presented, hash) && found.is_none() {
                    found = Some(tenant);
                }
            }
        }
        found
    }
}

/// The MCP server one tenant talks to: its connector, with a bound on calls in flight
/// and the calls counted. The connector is the one pipeline; this adds nothing else.
#[derive(Clone)]
struct TenantServer {
    connector: Connector,
    tenant: Arc<str>,
    calls: Arc<Semaphore>,
    max_calls: usize,
    metrics: Arc<Metrics>,
}

impl ServerHandler for TenantServer {
    fn get_info(&self) -> ServerConfig {
        self.connector.get_info()
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        self.connector.list_tools(request, context).await
    }

    async fn list_prompts(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        self.connector.list_prompts(request, context).await
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        self.connector.get_prompt(request, context).await
    }

    /// Completions fetch at most one organization list at a time per tenant (the
    /// connector's cache holds its lock while it fetches), outside `max_concurrent_calls`.
    async fn complete(
        &self,
        request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        self.connector.complete(request, context).await
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.connector.get_tool(name)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // Only the spec's names become labels: a client cannot grow the metrics.
        let tool = match self.connector.registry().tool(&request.name) {
            Some((_, def)) => def.name,
            None => "unknown",
        };
        let Ok(permit) = Arc::clone(&self.calls).try_acquire_owned() else {
            self.metrics.record_call(tool, &self.tenant, "busy", None);
            let message = format!(
                "busy: tenant `{}` already has {} tool calls in flight (its max_concurrent_calls); nothing was sent; try again when one of them has finished",
                self.tenant, self.max_calls
            );
            return Ok(CallToolResult::error(vec![ContentBlock::text(message)]).into());
        };
        let _in_flight = self.metrics.call_started();
        // From the request's arrival, as its client waits: decoding and dispatch count too.
        let started = context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Arrived>())
            .map_or_else(Instant::now, |arrived| arrived.0);
        let person = context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<oauth::Access>())
            .map(|access| Arc::from(access.email.as_str()));
        let result = crate::pipeline::audit::as_person(person, self.connector.call_tool(request, context)).await;
        let outcome = match &result {
            Ok(CallToolResponse::Complete(result)) if result.is_error == Some(true) => "error",
            Ok(_) => "ok",
            Err(_) => "rejected",
        };
        self.metrics.record_call(tool, &self.tenant, outcome, Some(started.elapsed()));
        drop(permit);
        result
    }
}

/// Builds every tenant's connector and service; any failure refuses the whole set.
/// A tenant that stays with the same bound keeps its count of calls in flight
/// (`previous`), so a reload cannot let it run more than its bound.
fn build_tenants(
    specs: &[TenantSpec],
    previous: Option<&Tenants>,
    factory: &ConnectorFactory,
    metrics: &Arc<Metrics>,
    config: &StreamableHttpServerConfig,
) -> Result<Tenants, String> {
    let mut built = Vec::with_capacity(specs.len());
    for spec in specs {
        let connector = factory(spec)?.with_list_ttl(TENANT_LIST_TTL);
        let calls = previous
            .and_then(|tenants| tenants.0.iter().find(|tenant| *tenant.id == *spec.id))
            .filter(|tenant| tenant.max_calls == spec.max_concurrent_calls)
            .map_or_else(|| Arc::new(Semaphore::new(spec.max_concurrent_calls)), |tenant| Arc::clone(&tenant.calls));
        let server = TenantServer {
            connector: connector.clone(),
            tenant: Arc::from(spec.id.as_str()),
            calls: Arc::clone(&calls),
            max_calls: spec.max_concurrent_calls,
            metrics: Arc::clone(metrics),
        };
        let service = StreamableHttpService::new(
            move || Ok(server.clone()),
            Arc::new(NeverSessionManager::default()),
            config.clone(),
        );
        built.push(Tenant {
            id: Arc::from(spec.id.as_str()),
            hashes: spec.token_sha256.clone(),
            calls,
            max_calls: spec.max_concurrent_calls,
            service,
            connector,
        });
    }
    Ok(Tenants(built))
}

#[derive(Clone)]
struct AppState {
    tenants: Arc<RwLock<Arc<Tenants>>>,
    metrics: Arc<Metrics>,
    metrics_token: Option<Sha256>,
    draining: Arc<AtomicBool>,
    oauth: Arc<Door>,
    body_timeout: Duration,
    /// The connectors of tenants replaced by reloads: their writes in flight are
    /// drained at shutdown too.
    retired: Arc<Mutex<Vec<Connector>>>,
}

impl AppState {
    fn current(&self) -> Arc<Tenants> {
        Arc::clone(&self.tenants.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn replace(&self, tenants: Tenants) {
        let count = tenants.0.len();
        let old = std::mem::replace(
            &mut *self.tenants.write().unwrap_or_else(std::sync::PoisonError::into_inner),
            Arc::new(tenants),
        );
        let mut retired = self.retired.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Those retired at an earlier reload with no write left are done with.
        retired.retain(|connector| connector.writes_in_flight() > 0);
        retired.extend(old.0.iter().map(|tenant| tenant.connector.clone()));
        drop(retired);
        self.metrics.set_tenants(count);
    }

    /// Every connector that may have writes in flight: today's tenants' and retired ones.
    fn connectors(&self) -> Vec<Connector> {
        let mut all: Vec<Connector> = self.current().0.iter().map(|tenant| tenant.connector.clone()).collect();
        all.extend(self.retired.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().cloned());
        all
    }
}

/// The token of an `Authorization: Bearer TOKEN` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn unauthorized(message: &'static str) -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, format!("{message}\n")).into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"claude-code-connector\""));
    response
}

/// A 401 on `/mcp`: with OAuth on, its `WWW-Authenticate` points to the resource metadata.
fn mcp_unauthorized(door: &Door, message: &'static str, error: Option<&str>) -> Response {
    let mut response = unauthorized(message);
    if let Ok(value) = HeaderValue::from_str(&door.challenge(error)) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// When an MCP request arrived: set by the connection as its headers are read (so the
/// body's reading counts), read back by the tool call it carries.
#[derive(Clone, Copy)]
pub(super) struct Arrived(pub(super) Instant);

async fn mcp(State(state): State<AppState>, mut request: Request) -> Response {
    if request.extensions().get::<Arrived>().is_none() {
        request.extensions_mut().insert(Arrived(Instant::now()));
    }
    if request
        .uri()
        .query()
        .is_some_and(|query| url::form_urlencoded::parse(query.as_bytes()).any(|(key, _)| key == "access_token"))
    {
        state.metrics.record_unauthorized();
        return mcp_unauthorized(
            &state.oauth,
            "unauthorized: a token is accepted only in the Authorization header, never in the URL",
            Some("invalid_request"),
        );
    }
    let tenants = state.current();
    let mut access = None;
    let tenant = match bearer(request.headers()) {
        None => None,
        Some(token) => tenants.find(token).or_else(|| {
            access = state.oauth.verify(token);
            access.as_ref().and_then(|access| tenants.by_id(&access.tenant))
        }),
    };
    let Some(tenant) = tenant else {
        let (message, error) = if request.headers().contains_key(header::AUTHORIZATION) {
            (
                "unauthorized: the bearer token is not one of this server's tenants' (or has expired)",
                Some("invalid_token"),
            )
        } else {
            ("unauthorized: send Authorization: Bearer TOKEN (ask the operator for a token)", None)
        };
        state.metrics.record_unauthorized();
        return mcp_unauthorized(&state.oauth, message, error);
    };
    if let Some(ConnectionHandle(connection)) = request.extensions().get::<ConnectionHandle>() {
        connection.authenticated();
    }
    if let Some(access) = access {
        request.extensions_mut().insert(access);
    }
    // rmcp hands the request's parts to the handler: the token goes no further.
    request.headers_mut().remove(header::AUTHORIZATION);
    tracing::debug!(tenant = %tenant.id, method = %request.method(), "MCP request");
    let request = match read_body(request, state.body_timeout).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    tenant.service.handle(request).await.map(Body::new)
}

/// The request with its body read in full within `timeout` (and within
/// [`MAX_REQUEST_BODY_BYTES`]), or the answer that refuses it.
async fn read_body(request: Request, timeout: Duration) -> Result<Request, Response> {
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("payload too large: an MCP request body is at most {MAX_REQUEST_BODY_BYTES} bytes\n"),
        )
            .into_response()
    };
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_REQUEST_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, MAX_REQUEST_BODY_BYTES)).await {
        Ok(Ok(bytes)) => Ok(Request::from_parts(parts, Body::from(bytes))),
        Ok(Err(error)) if error.to_string().contains("length limit") => Err(too_large()),
        Ok(Err(error)) => {
            Err((StatusCode::BAD_REQUEST, format!("bad request: the body could not be read: {error}\n"))
                .into_response())
        }
        Err(_) => {
            let mut response = (
                StatusCode::REQUEST_TIMEOUT,
                format!("request timeout: the body did not arrive within {} s (--body-timeout)\n", timeout.as_secs()),
            )
                .into_response();
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            Err(response)
        }
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    if state.draining.load(Ordering::SeqCst) {
        (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response()
    } else {
        (StatusCode::OK, "ok\n").into_response()
    }
}

async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    if let Some(expected) = &state.metrics_token {
        let presented = bearer(request.headers()).map(tenants::token_sha256);
        if !presented.is_some_and(|presented| tenants::same_digest(&presented, expected)) {
            return unauthorized("unauthorized: /metrics needs its own bearer token");
        }
        if let Some(ConnectionHandle(connection)) = request.extensions().get::<ConnectionHandle>() {
            connection.authenticated();
        }
    }
    let mut response = state.metrics.render().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    response
}

/// The main listener's routes: `/mcp`, `/healthz`, and `/metrics` when it has a token;
/// every one checks `Host`.
fn router(state: AppState, hosts: AllowedHosts) -> Router {
    let mut router = Router::new().route("/mcp", any(mcp)).route("/healthz", get(healthz));
    if state.metrics_token.is_some() {
        router = router.route("/metrics", get(metrics));
    }
    let door = Arc::clone(&state.oauth);
    router
        .with_state(state)
        .merge(oauth::routes(door))
        .layer(axum::middleware::from_fn_with_state(hosts, host::check_host))
}

/// The metrics listener's one route, `Host` checked too.
fn metrics_router(state: AppState, hosts: AllowedHosts) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(hosts, host::check_host))
}

/// Connections the metrics listener holds at once (a scraper or two).
const METRICS_CONNECTIONS: usize = 16;

/// rmcp's Streamable HTTP settings: stateless, JSON answers, Host and Origin checked.
fn rmcp_config(allowed_hosts: &[String]) -> StreamableHttpServerConfig {
    let origins: Vec<String> = allowed_hosts
        .iter()
        .flat_map(|host| {
            let host = if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host.clone() };
            [format!("http://{host}:*"), format!("https://{host}:*")]
        })
        .collect();
    StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_allowed_hosts(allowed_hosts.iter().cloned())
        .with_allowed_origins(origins)
        .enforce_origin_validation()
        .with_max_request_body_bytes(MAX_REQUEST_BODY_BYTES)
}

/// Serves until SIGTERM (or Ctrl-C), then lame duck, then drains within the grace period.
pub async fn serve(config: HttpServeConfig, factory: ConnectorFactory) -> Result<(), String> {
    if config.allowed_hosts.is_empty() {
        return Err("--allowed-hosts lists no host: every Host would be accepted; name at least one".into());
    }
    let metrics = Arc::new(Metrics::new(config.cache.clone()));
    let mcp_config = rmcp_config(&config.allowed_hosts);
    let door = Arc::new(Door::default());
    let loader = reload::Loader {
        path: config.tenants_path.clone(),
        factory,
        metrics: Arc::clone(&metrics),
        config: mcp_config.clone(),
        door: Arc::clone(&door),
    };
    let (tenants, oauth) = loader.load(None).await?;
    door.commit(oauth);
    let state = AppState {
        oauth: door,
        tenants: Arc::new(RwLock::new(Arc::new(Tenants(Vec::new())))),
        metrics: Arc::clone(&metrics),
        metrics_token: config.metrics_token_sha256,
        draining: Arc::new(AtomicBool::new(false)),
        body_timeout: config.connections.body_timeout,
        retired: Arc::new(Mutex::new(Vec::new())),
    };
    let count = tenants.0.len();
    state.replace(tenants);
    state.retired.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    let hosts = AllowedHosts(Arc::from(config.allowed_hosts.clone()));

    // Signals first: a SIGHUP or SIGTERM that comes once the port is open is handled.
    let mut signals = Signals::new()?;

    let listener =
        TcpListener::bind(config.addr).await.map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let local = listener.local_addr().map_err(|e| format!("cannot read the listening address: {e}"))?;
    if !local.ip().is_loopback() {
        tracing::warn!(
            "serving plain HTTP on {local}, which is not loopback: bearer tokens cross the network in clear; put TLS in front (a reverse proxy such as HAProxy, see docs/serving.md)"
        );
    }
    let metrics_listener = match config.metrics_addr {
        Some(addr) => {
            let listener =
                TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr} for /metrics: {e}"))?;
            let address = listener.local_addr().map_err(|e| e.to_string())?;
            Some((listener, address))
        }
        None => None,
    };
    let (max_connections, warning) = connections::fit_to_fd_limit(config.connections.max_connections);
    if let Some(warning) = warning {
        tracing::warn!("{warning}");
    }
    let policy = ConnectionPolicy { max_connections, ..config.connections };

    let (phase, phases) = watch::channel(Phase::Serving);
    let slots = Slots::new(max_connections);
    let mut server = tokio::spawn(connections::accept(
        listener,
        router(state.clone(), hosts.clone()),
        policy,
        Arc::clone(&slots),
        phases.clone(),
    ));
    let metrics_slots = Slots::new(METRICS_CONNECTIONS);
    let metrics_task = metrics_listener.map(|(listener, address)| {
        eprintln!("claude-code-connector: metrics at http://{address}/metrics");
        tokio::spawn(connections::accept(
            listener,
            metrics_router(state.clone(), hosts.clone()),
            policy,
            Arc::clone(&metrics_slots),
            phases.clone(),
        ))
    });
    if let Some(oauth) = state.oauth.current() {
        eprintln!(
            "claude-code-connector: OAuth on for {}/mcp (the identity provider's redirect URI: {})",
            oauth.origin,
            oauth.callback_url()
        );
    }
    eprintln!(
        "claude-code-connector: serving MCP at http://{local}/mcp ({count} tenants loaded, at most {max_connections} connections)"
    );

    let stopped_by = loop {
        tokio::select! {
            signal = signals.next() => match signal {
                Signal::Stop(name) => break name,
                Signal::Reload => match loader.load(Some(state.current())).await {
                    Ok((tenants, oauth)) => {
                        let count = tenants.0.len();
                        state.replace(tenants);
                        state.oauth.commit(oauth);
                        eprintln!("claude-code-connector: reloaded the tenants file ({count} tenants loaded)");
                    }
                    Err(error) => {
                        tracing::error!("reload refused, still serving the previous tenants: {error}");
                    }
                },
            },
            ended = &mut server => {
                let why = ended.err().map_or_else(|| "it stopped accepting".to_string(), |e| e.to_string());
                return Err(format!("the HTTP server stopped: {why}"));
            }
        }
    };

    // Lame duck: the proxy in front sees /healthz fail and stops routing here, while
    // requests already on their way are answered (and their connections closed).
    state.draining.store(true, Ordering::SeqCst);
    let _ = phase.send(Phase::LameDuck);
    eprintln!(
        "claude-code-connector: {stopped_by}: lame duck for {} ms: /healthz answers 503, answers close their connections",
        config.lame_duck.as_millis()
    );
    tokio::time::sleep(config.lame_duck).await;

    let _ = phase.send(Phase::Draining);
    let in_flight = metrics.in_flight();
    eprintln!(
        "claude-code-connector: stopping: no new connections; waiting up to {} s for {in_flight} calls in flight",
        config.shutdown_grace.as_secs()
    );
    let connectors = state.connectors();
    let (closed, _unknown) = tokio::join!(
        tokio::time::timeout(config.shutdown_grace, slots.emptied()),
        shutdown::drain_writes(&connectors, config.shutdown_grace),
    );
    if closed.is_err() {
        mcp_config.cancellation_token.cancel();
        tracing::warn!(left = metrics.in_flight(), "the grace period ended with calls in flight; they were stopped");
    }
    let _ = phase.send(Phase::Closed);
    server.abort();
    if let Some(task) = metrics_task {
        task.abort();
    }
    eprintln!("claude-code-connector: stopped");
    Ok(())
}
