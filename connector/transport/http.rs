//! `serve --http`: MCP over Streamable HTTP for a team, stateless so that any replica
//! can answer any request.
//!
//! `POST /mcp` is rmcp's Streamable HTTP service (no sessions), one per tenant: the
//! request's `Authorization: Bearer TOKEN` selects the tenant (by the token's SHA-256,
//! compared in constant time), and the call runs through that tenant's [`Connector`]
//! (its admin key, policy, limits and audit caller). `GET /healthz` answers without
//! authentication and without touching the Admin API; `GET /metrics` (Prometheus text)
//! needs its own token or its own listener. SIGHUP reloads the tenants file (a bad
//! file is refused and the old tenants stay); SIGTERM stops accepting, lets calls in
//! flight finish within a grace period, and returns.
//!
//! With an `oauth:` section in the tenants file, a bearer token may also be an access
//! token the server issued ([`super::oauth`], whose routes are merged here): it selects
//! its tenant and names its person in the audit trail.
//!
//! Headers and tokens are never logged: the `Authorization` header is taken off the
//! request before rmcp sees it.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
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
use tokio::sync::Semaphore;

use super::oauth::{self, Door};
use super::prometheus::Metrics;
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
    /// How long calls in flight may take to finish after SIGTERM.
    pub shutdown_grace: Duration,
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
            connector,
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
        });
    }
    Ok(Tenants(built))
}

/// Reads the tenants file and builds its tenants and its OAuth (none is in force yet).
fn load_tenants(
    path: &std::path::Path,
    previous: Option<&Tenants>,
    door: &Door,
    factory: &ConnectorFactory,
    metrics: &Arc<Metrics>,
    config: &StreamableHttpServerConfig,
) -> Result<(Tenants, oauth::Prepared), String> {
    let file = tenants::load_config(path).map_err(|e| e.to_string())?;
    let built = build_tenants(&file.tenants, previous, factory, metrics, config)?;
    let oauth = door
        .prepare(file.oauth.as_ref(), file.people())
        .map_err(|e| format!("tenants file {}: {e}", path.display()))?;
    Ok((built, oauth))
}

#[derive(Clone)]
struct AppState {
    tenants: Arc<RwLock<Arc<Tenants>>>,
    metrics: Arc<Metrics>,
    metrics_token: Option<Sha256>,
    draining: Arc<AtomicBool>,
    oauth: Arc<Door>,
}

impl AppState {
    fn current(&self) -> Arc<Tenants> {
        Arc::clone(&self.tenants.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn replace(&self, tenants: Tenants) {
        let count = tenants.0.len();
        *self.tenants.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(tenants);
        self.metrics.set_tenants(count);
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

/// When an MCP request arrived (set on the request, read back by the tool call it carries).
#[derive(Clone, Copy)]
struct Arrived(Instant);

async fn mcp(State(state): State<AppState>, mut request: Request) -> Response {
    request.extensions_mut().insert(Arrived(Instant::now()));
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
    if let Some(access) = access {
        request.extensions_mut().insert(access);
    }
    // rmcp hands the request's parts to the handler: the token goes no further.
    request.headers_mut().remove(header::AUTHORIZATION);
    tracing::debug!(tenant = %tenant.id, method = %request.method(), "MCP request");
    tenant.service.handle(request).await.map(Body::new)
}

async fn healthz(State(state): State<AppState>) -> Response {
    if state.draining.load(Ordering::SeqCst) {
        (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response()
    } else {
        (StatusCode::OK, "ok\n").into_response()
    }
}

async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(expected) = &state.metrics_token {
        let presented = bearer(&headers).map(tenants::token_sha256);
        if !presented.is_some_and(|presented| tenants::same_digest(&presented, expected)) {
            return unauthorized("unauthorized: /metrics needs its own bearer token");
        }
    }
    let mut response = state.metrics.render().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    response
}

/// The main listener's routes: `/mcp`, `/healthz`, and `/metrics` when it has a token.
fn router(state: AppState) -> Router {
    let mut router = Router::new().route("/mcp", any(mcp)).route("/healthz", get(healthz));
    if state.metrics_token.is_some() {
        router = router.route("/metrics", get(metrics));
    }
    let door = Arc::clone(&state.oauth);
    router.with_state(state).merge(oauth::routes(door))
}

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

/// Serves until SIGTERM (or Ctrl-C), then drains within the grace period.
pub async fn serve(config: HttpServeConfig, factory: ConnectorFactory) -> Result<(), String> {
    let metrics = Arc::new(Metrics::new(config.cache.clone()));
    let mcp_config = rmcp_config(&config.allowed_hosts);
    let door = Arc::new(Door::default());
    let (tenants, oauth) = load_tenants(&config.tenants_path, None, &door, &factory, &metrics, &mcp_config)?;
    door.commit(oauth);
    let state = AppState {
        oauth: door,
        tenants: Arc::new(RwLock::new(Arc::new(Tenants(Vec::new())))),
        metrics: Arc::clone(&metrics),
        metrics_token: config.metrics_token_sha256,
        draining: Arc::new(AtomicBool::new(false)),
    };
    let count = tenants.0.len();
    state.replace(tenants);

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

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut waiting = stopped.clone();
    let server = axum::serve(listener, router(state.clone()))
        .with_graceful_shutdown(async move {
            let _ = waiting.wait_for(|stop| *stop).await;
        })
        .into_future();
    let mut server = tokio::spawn(server);
    let metrics_task = metrics_listener.map(|(listener, address)| {
        eprintln!("claude-code-connector: metrics at http://{address}/metrics");
        let app = Router::new().route("/metrics", get(self::metrics)).with_state(state.clone());
        let mut waiting = stopped.clone();
        tokio::spawn(
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = waiting.wait_for(|stop| *stop).await;
                })
                .into_future(),
        )
    });
    if let Some(oauth) = state.oauth.current() {
        eprintln!(
            "claude-code-connector: OAuth on for {}/mcp (the identity provider's redirect URI: {})",
            oauth.origin,
            oauth.callback_url()
        );
    }
    eprintln!("claude-code-connector: serving MCP at http://{local}/mcp ({count} tenants loaded)");

    loop {
        tokio::select! {
            signal = signals.next() => match signal {
                Signal::Stop => break,
                Signal::Reload => match load_tenants(&config.tenants_path, Some(&state.current()), &state.oauth, &factory, &metrics, &mcp_config) {
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
                return match ended {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(format!("the HTTP server stopped: {e}")),
                    Err(e) => Err(format!("the HTTP server stopped: {e}")),
                };
            }
        }
    }

    state.draining.store(true, Ordering::SeqCst);
    let in_flight = metrics.in_flight();
    eprintln!(
        "claude-code-connector: stopping: no new connections; waiting up to {} s for {in_flight} calls in flight",
        config.shutdown_grace.as_secs()
    );
    let _ = stop.send(true);
    let drained = tokio::time::timeout(config.shutdown_grace, &mut server).await.is_ok();
    if !drained {
        mcp_config.cancellation_token.cancel();
        server.abort();
        tracing::warn!(left = metrics.in_flight(), "the grace period ended with calls in flight; they were stopped");
    }
    if let Some(task) = metrics_task {
        task.abort();
    }
    eprintln!("claude-code-connector: stopped");
    Ok(())
}

/// What the operator asked for by signal.
enum Signal {
    /// SIGHUP: read the tenants file again.
    Reload,
    /// SIGTERM or Ctrl-C: drain and stop.
    Stop,
}

#[cfg(unix)]
struct Signals {
    hangup: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> Result<Signals, String> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            hangup: signal(SignalKind::hangup()).map_err(|e| format!("cannot watch SIGHUP: {e}"))?,
            terminate: signal(SignalKind::terminate()).map_err(|e| format!("cannot watch SIGTERM: {e}"))?,
        })
    }

    async fn next(&mut self) -> Signal {
        tokio::select! {
            _ = self.hangup.recv() => Signal::Reload,
            _ = self.terminate.recv() => Signal::Stop,
            _ = tokio::signal::ctrl_c() => Signal::Stop,
        }
    }
}

/// Without Unix signals: Ctrl-C stops; the tenants file is read at start only.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> Result<Signals, String> {
        Ok(Signals)
    }

    async fn next(&mut self) -> Signal {
        let _ = tokio::signal::ctrl_c().await;
        Signal::Stop
    }
}
