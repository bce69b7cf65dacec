//! The HTTP side of the fake: axum server start/stop, header checks, request recording, scripted faults
//! (error answers, redirects, dropped connections), latency and routing.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::net::TcpListener;
use tokio::task::AbortHandle;

use crate::FAKE_ADMIN_KEY;
use crate::dataset::{Dataset, DemoDays, Organization};
use crate::errors::ApiError;
use crate::faults::{Fault, fault_response, insert_header};
use crate::listener::{Connection, DroppableListener};
use crate::paging::PageTokens;
use crate::query::{Query, parse_query, percent_decode};
use crate::spec_examples::{self, SpecEndpoint};
use crate::spec_state::SpecObjects;
use crate::{analytics, rate_limits, reports, resources};

const MAX_BODY_BYTES: usize = 1 << 20;
pub(crate) const PATH_PREFIX: &str = "/v1/organizations/";
const USER_AGENT_PREFIX: &str = "claude-code-connector/";
const API_VERSION: &str = "2023-06-01";

/// One request as the fake received it, plus the status it answered.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    /// Raw path, without the query.
    pub path: String,
    /// Decoded query pairs, in order, repeats kept.
    pub query: Vec<(String, String)>,
    /// Lowercased names; repeated headers joined with ", ".
    pub headers: BTreeMap<String, String>,
    /// Parsed JSON body; `None` when empty; a JSON string holding the raw text when it is not JSON.
    pub body: Option<Value>,
    /// The status answered; 0 while pending, or when no answer was sent (a dropped
    /// connection, or a client that gave up during injected latency).
    /// The `request-id` the fake answered with (`req_fake_N`).
    pub request_id: String,
    pub status: u16,
}

impl RecordedRequest {
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    pub fn query_values(&self, name: &str) -> Vec<&str> {
        self.query.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect()
    }
}

/// Live state the handlers work on: the dataset plus the fake's own bookkeeping.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub dataset: Dataset,
    pub page_tokens: PageTokens,
    /// At most this many Claude Code records per page, whatever `limit` asks.
    pub claude_code_page_size: Option<usize>,
    /// At most this many rows per page of the row-paged reports (rate limits, analytics).
    pub row_page_size: Option<usize>,
    /// Report days still to be made ([`Dataset::demo_on_demand`]).
    pub demo_days: Option<DemoDays>,
    /// Claude Code records by day (`YYYY-MM-DD` → positions in the dataset), kept up
    /// to date as records are appended, so a day's page does not scan a year.
    claude_code_days: ClaudeCodeDays,
    /// Claude Code pages' records as written once, by (day, first, end), when
    /// [`FakeAdminApi::memoize_report_pages`] asked for it; emptied by `with_state`.
    pub claude_code_pages: Option<std::collections::HashMap<(i64, usize, usize), Box<RawValue>>>,
    next_serial: u64,
}

#[derive(Debug, Default)]
struct ClaudeCodeDays {
    /// How many records the index covers.
    indexed: usize,
    days: std::collections::HashMap<String, Vec<usize>>,
}

impl Shared {
    /// Makes the report rows of `days` that an on-demand demo has not made yet.
    pub fn report_days(&mut self, days: std::ops::Range<i64>) {
        if let Some(demo_days) = &mut self.demo_days {
            demo_days.fill(&mut self.dataset, days);
        }
    }

    /// The positions of the Claude Code records of `day` (`YYYY-MM-DD`), in order.
    pub fn claude_code_of_day(&mut self, day: &str) -> Vec<usize> {
        let records = &self.dataset.claude_code;
        let index = &mut self.claude_code_days;
        if index.indexed > records.len() {
            // Records were removed: index them again.
            *index = ClaudeCodeDays::default();
        }
        for (position, record) in records.iter().enumerate().skip(index.indexed) {
            if let Some(date) = record.get("date").and_then(Value::as_str).and_then(|d| d.get(..10)) {
                index.days.entry(date.to_string()).or_default().push(position);
            }
        }
        index.indexed = records.len();
        index.days.get(day).cloned().unwrap_or_default()
    }

    pub fn next_id(&mut self, prefix: &str) -> String {
        self.next_serial += 1;
        format!("{prefix}_01Fake{:016}", self.next_serial)
    }
}

/// A handler's answer: a JSON value, or a body already serialized (a report page
/// written straight from the stored records, without copying them into a value).
pub(crate) enum Reply {
    Json(Value),
    Serialized(String),
}

/// What a handler sees of one request.
pub(crate) struct RequestCtx<'a> {
    pub path: &'a str,
    pub query: Query<'a>,
    pub body: Option<&'a Value>,
    pub beta_features: Vec<&'a str>,
    /// The organization the request's key belongs to.
    pub organization: &'a Organization,
}

impl RequestCtx<'_> {
    pub fn has_beta(&self, feature: &str) -> bool {
        self.beta_features.contains(&feature)
    }
}

#[derive(Default)]
struct Inner {
    /// Quote the received `x-api-key` in authentication errors and in faults' bodies.
    echo_key: AtomicBool,
    /// Keys accepted besides [`FAKE_ADMIN_KEY`]: of the dataset's organization (`None`),
    /// or of another one, which `GET /me` names.
    extra_keys: Mutex<Vec<(String, Option<Organization>)>>,
    shared: Mutex<Shared>,
    requests: Mutex<Vec<(u64, RecordedRequest)>>,
    faults: Mutex<Vec<Fault>>,
    latency: Mutex<Duration>,
    /// The spec's endpoints, for answering those the fake does not emulate.
    spec_endpoints: Mutex<Vec<SpecEndpoint>>,
    /// What writes to those endpoints left.
    spec_objects: Mutex<SpecObjects>,
    request_counter: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
}

/// Counts a request as in flight until dropped, keeping the maximum seen.
struct InFlight<'a>(&'a Inner);

impl<'a> InFlight<'a> {
    fn enter(inner: &'a Inner) -> InFlight<'a> {
        let now = inner.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        inner.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(inner)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Aborts the accept loop when the last handle is dropped.
struct ServerTask(AbortHandle);

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Handle to a running fake; clones share the same server and state.
#[derive(Clone)]
pub struct FakeAdminApi {
    inner: Arc<Inner>,
    task: Arc<ServerTask>,
    address: SocketAddr,
}

impl FakeAdminApi {
    /// Binds 127.0.0.1 on a free port and serves `dataset` on a tokio task.
    pub async fn start(dataset: Dataset) -> FakeAdminApi {
        FakeAdminApi::serve(Shared { dataset, ..Shared::default() }).await
    }

    /// Serves a [`Dataset::demo_on_demand`] organisation, making each report day when a
    /// request first covers it.
    pub async fn start_on_demand(dataset: Dataset, days: DemoDays) -> FakeAdminApi {
        FakeAdminApi::serve(Shared { dataset, demo_days: Some(days), ..Shared::default() }).await
    }

    async fn serve(shared: Shared) -> FakeAdminApi {
        let inner = Arc::new(Inner { shared: Mutex::new(shared), ..Inner::default() });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("fake admin api: cannot bind 127.0.0.1:0");
        let address = listener.local_addr().expect("fake admin api: no local address");
        let router = Router::new().fallback(handle).with_state(Arc::clone(&inner));
        let service = router.into_make_service_with_connect_info::<Connection>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(DroppableListener(listener), service).await;
        });
        FakeAdminApi { inner, task: Arc::new(ServerTask(task.abort_handle())), address }
    }

    /// Answers the endpoints of a spec that the fake does not emulate from the spec's
    /// examples: `endpoints_json` is the connector's generated `endpoints.json`
    /// (`generated::ENDPOINTS_JSON`). Returns the tools answered so, in spec order.
    pub fn answer_from_spec(&self, endpoints_json: &str) -> Result<Vec<String>, String> {
        let endpoints = spec_examples::parse(endpoints_json)?;
        let answered = endpoints
            .iter()
            .filter(|endpoint| {
                let segments: Vec<&str> =
                    endpoint.segments().map(|s| if s.starts_with('{') { "x" } else { s }).collect();
                !matches!(route(&endpoint.method, &segments), Route::Handler(_))
            })
            .map(|endpoint| endpoint.tool.clone())
            .collect();
        *lock(&self.inner.spec_endpoints) = endpoints;
        Ok(answered)
    }

    /// The most requests this fake has been answering at the same moment.
    pub fn max_in_flight(&self) -> u64 {
        self.inner.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops accepting connections (also done when the last handle is dropped).
    pub fn stop(&self) {
        self.task.0.abort();
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.inner.requests).iter().map(|(_, request)| request.clone()).collect()
    }

    /// Claude Code records in the dataset (a demo organization makes days as they are read).
    pub fn claude_code_records(&self) -> usize {
        lock(&self.inner.shared).dataset.claude_code.len()
    }

    pub fn clear_requests(&self) {
        lock(&self.inner.requests).clear();
    }

    pub fn set_latency(&self, latency: Duration) {
        *lock(&self.inner.latency) = latency;
    }

    pub fn push_fault(&self, fault: Fault) {
        lock(&self.inner.faults).push(fault);
    }

    /// Echoes the `x-api-key` a request came with, as a careless proxy or gateway does:
    /// a refused key is quoted in the 401 message (`invalid x-api-key sk-ant-…`), and a
    /// fault's body has [`ECHO_KEY_PLACEHOLDER`] replaced by the key.
    pub fn set_echo_key(&self, echo: bool) {
        self.inner.echo_key.store(echo, Ordering::SeqCst);
    }

    /// Accepts `key` too (besides [`FAKE_ADMIN_KEY`]), as an organization with several
    /// admin keys does; each request's key is in its [`RecordedRequest::headers`].
    pub fn accept_key(&self, key: &str) {
        lock(&self.inner.extra_keys).push((key.to_string(), None));
    }

    /// Accepts `key` as the admin key of another organization: `GET /me` (and every
    /// answer's `anthropic-organization-id`) names `organization`, so a caller can tell
    /// whose key a call was made with from its answer; the other data is shared.
    pub fn accept_key_of(&self, key: &str, organization: Organization) {
        lock(&self.inner.extra_keys).push((key.to_string(), Some(organization)));
    }

    pub fn clear_faults(&self) {
        lock(&self.inner.faults).clear();
    }

    /// Answers at most `size` Claude Code records per page whatever `limit` asks (like an
    /// API whose pages are smaller than requested), so a day of records takes several
    /// pages; `None` (the default) honours `limit`.
    pub fn set_claude_code_page_size(&self, size: Option<usize>) {
        lock(&self.inner.shared).claude_code_page_size = size.map(|size| size.max(1));
    }

    /// Benchmarks: each Claude Code page's records are written to JSON once and served
    /// from that copy after, so that the fake's own CPU (the real API's is not on this
    /// machine) does not compete with the connector for the cores.
    pub fn memoize_report_pages(&self) {
        lock(&self.inner.shared).claude_code_pages.get_or_insert_with(Default::default);
    }

    /// Answers at most `size` entries per page of the rate-limit and analytics endpoints
    /// whatever `limit` asks (or, for rate limits, when none is asked), so their answers
    /// take several pages; `None` (the default) pages as the API does.
    pub fn set_row_page_size(&self, size: Option<usize>) {
        lock(&self.inner.shared).row_page_size = size.map(|size| size.max(1));
    }

    /// The live dataset (an on-demand demo makes all its report days first).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut Dataset) -> R) -> R {
        let mut shared = lock(&self.inner.shared);
        let shared = &mut *shared;
        if let Some(pages) = &mut shared.claude_code_pages {
            pages.clear();
        }
        if let Some(demo_days) = &mut shared.demo_days {
            demo_days.fill_all(&mut shared.dataset);
        }
        f(&mut shared.dataset)
    }

    /// How many report days an on-demand demo has made so far (0 for other datasets).
    pub fn demo_days_made(&self) -> usize {
        lock(&self.inner.shared).demo_days.as_ref().map_or(0, DemoDays::made)
    }
}

/// The body as received: parsed once, judged later (after faults, auth and header checks).
enum ReceivedBody {
    Empty,
    Json(Value),
    NotJson,
    TooLarge,
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<String> =
        headers.get_all(name).iter().map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn recorded_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers.keys().filter_map(|name| Some((name.as_str().to_owned(), header_text(headers, name.as_str())?))).collect()
}

async fn handle(State(inner): State<Arc<Inner>>, request: Request) -> Response {
    let serial = inner.request_counter.fetch_add(1, Ordering::SeqCst) + 1;
    let request_id = format!("req_fake_{serial}");
    let connection = request.extensions().get::<ConnectInfo<Connection>>().map(|info| info.0.clone());
    let (parts, body) = request.into_parts();
    let (received, raw) = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Err(_) => (ReceivedBody::TooLarge, Bytes::new()),
        Ok(bytes) if bytes.is_empty() => (ReceivedBody::Empty, bytes),
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(value) => (ReceivedBody::Json(value), bytes),
            Err(_) => (ReceivedBody::NotJson, bytes),
        },
    };
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parse_query(parts.uri.query().unwrap_or(""));
    let recorded_body = match &received {
        ReceivedBody::Json(value) => Some(value.clone()),
        ReceivedBody::NotJson => Some(Value::from(String::from_utf8_lossy(&raw).into_owned())),
        ReceivedBody::Empty | ReceivedBody::TooLarge => None,
    };
    lock(&inner.requests).push((
        serial,
        RecordedRequest {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            headers: recorded_headers(&parts.headers),
            body: recorded_body,
            status: 0,
            request_id: request_id.clone(),
        },
    ));
    let _in_flight = InFlight::enter(&inner);
    let fault = take_fault(&inner, &method, &path);
    let latency = *lock(&inner.latency);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let response = match fault {
        Some(fault) if fault.drop_connection => {
            if let Some(Connection(dropped)) = &connection {
                dropped.store(true, Ordering::SeqCst);
            }
            // Never written: the connection refuses to write from now on and is closed.
            Response::new(Body::empty())
        }
        Some(fault) => {
            let echo = inner.echo_key.load(Ordering::SeqCst).then(|| header_text(&parts.headers, "x-api-key"));
            fault_response(&fault, &request_id, echo.flatten().as_deref())
        }
        None => {
            let organization = key_organization(&inner, &parts.headers);
            let outcome = process(&inner, &method, &path, &query, &parts.headers, &received, organization.as_ref());
            let organization_id = match organization {
                Some(organization) => organization.id,
                None => lock(&inner.shared).dataset.organization.id.clone(),
            };
            api_response(outcome, &request_id, &organization_id)
        }
    };
    let dropped = connection.is_some_and(|Connection(dropped)| dropped.load(Ordering::SeqCst));
    if let Some((_, recorded)) = lock(&inner.requests).iter_mut().rev().find(|(id, _)| *id == serial) {
        recorded.status = if dropped { 0 } else { response.status().as_u16() };
    }
    response
}

fn take_fault(inner: &Inner, method: &str, path: &str) -> Option<Fault> {
    let mut faults = lock(&inner.faults);
    faults.retain(|fault| fault.times != Some(0));
    let index = faults.iter().position(|fault| fault.matches(method, path))?;
    let fault = faults[index].clone();
    if let Some(remaining) = &mut faults[index].times {
        *remaining -= 1;
        if *remaining == 0 {
            faults.remove(index);
        }
    }
    Some(fault)
}

fn api_response(outcome: Result<Reply, ApiError>, request_id: &str, organization_id: &str) -> Response {
    let (status, body) = match outcome {
        Ok(Reply::Json(body)) => (200, body.to_string()),
        Ok(Reply::Serialized(body)) => (200, body),
        Err(error) => (error.status, error.to_body(request_id).to_string()),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    insert_header(&mut response, header::CONTENT_TYPE.as_str(), "application/json");
    insert_header(&mut response, "request-id", request_id);
    insert_header(&mut response, "anthropic-organization-id", organization_id);
    response
}

/// The organization of the request's key when it is another organization's ([`FakeAdminApi::accept_key_of`]).
fn key_organization(inner: &Inner, headers: &HeaderMap) -> Option<Organization> {
    let key = header_text(headers, "x-api-key")?;
    lock(&inner.extra_keys).iter().find(|(k, _)| *k == key).and_then(|(_, organization)| organization.clone())
}

fn check_headers(
    headers: &HeaderMap,
    echo_key: bool,
    extra_keys: &[(String, Option<Organization>)],
) -> Result<(), ApiError> {
    let text = |name: &str| header_text(headers, name);
    let key = text("x-api-key");
    let accepted = key.as_deref().is_some_and(|key| key == FAKE_ADMIN_KEY || extra_keys.iter().any(|(k, _)| k == key));
    if !accepted {
        return Err(match key {
            Some(key) if echo_key => ApiError::authentication(format!("invalid x-api-key {key}")),
            _ => ApiError::authentication("invalid x-api-key"),
        });
    }
    if text("origin").is_some() {
        return Err(ApiError::authentication(
            "CORS requests are not allowed for this Organization (an Origin header was sent)",
        ));
    }
    match text("anthropic-version") {
        Some(version) if version == API_VERSION => {}
        Some(version) => {
            return Err(ApiError::invalid_request(format!(
                "anthropic-version: header must be '{API_VERSION}', got '{version}'"
            )));
        }
        None => {
            return Err(ApiError::invalid_request("anthropic-version: header is required"));
        }
    }
    if !text("user-agent").is_some_and(|agent| agent.starts_with(USER_AGENT_PREFIX)) {
        return Err(ApiError::invalid_request(format!("user-agent: header must start with '{USER_AGENT_PREFIX}'")));
    }
    Ok(())
}

fn check_body<'a>(headers: &HeaderMap, received: &'a ReceivedBody) -> Result<Option<&'a Value>, ApiError> {
    let body = match received {
        ReceivedBody::Empty => return Ok(None),
        ReceivedBody::TooLarge => {
            return Err(ApiError::new(413, "request_too_large", "Request body is too large"));
        }
        ReceivedBody::NotJson => {
            return Err(ApiError::invalid_request("body: Request body is not valid JSON"));
        }
        ReceivedBody::Json(value) => value,
    };
    let content_type = header_text(headers, "content-type").unwrap_or_default();
    if !content_type.to_lowercase().starts_with("application/json") {
        return Err(ApiError::invalid_request(format!(
            "content-type: must be application/json for a JSON body, got '{content_type}'"
        )));
    }
    Ok(Some(body))
}

fn process(
    inner: &Inner,
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
    received: &ReceivedBody,
    organization: Option<&Organization>,
) -> Result<Reply, ApiError> {
    let extra_keys = lock(&inner.extra_keys).clone();
    check_headers(headers, inner.echo_key.load(Ordering::SeqCst), &extra_keys)?;
    let body = check_body(headers, received)?;
    let not_found = || ApiError::not_found(format!("Not found: {path}"));
    let segments: Vec<String> = path
        .strip_prefix(PATH_PREFIX)
        .ok_or_else(not_found)?
        .split('/')
        .map(|segment| percent_decode(segment, false))
        .collect();
    if segments.iter().any(String::is_empty) {
        return Err(not_found());
    }
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let beta_header = header_text(headers, "anthropic-beta").unwrap_or_default();
    let own = lock(&inner.shared).dataset.organization.clone();
    let ctx = RequestCtx {
        path,
        query: Query::new(query),
        body,
        beta_features: beta_header.split(',').map(str::trim).filter(|name| !name.is_empty()).collect(),
        organization: organization.unwrap_or(&own),
    };
    let handler = match route(method, &segments) {
        Route::Handler(handler) => handler,
        other => {
            let spec_endpoints = lock(&inner.spec_endpoints);
            return match spec_endpoints.iter().find(|endpoint| endpoint.matches(method, &segments)) {
                Some(endpoint) => {
                    lock(&inner.spec_objects).answer(endpoint, &spec_endpoints, &segments, &ctx).map(Reply::Json)
                }
                None if matches!(other, Route::WrongMethod) => Err(ApiError::method_not_allowed(method, path)),
                None => Err(not_found()),
            };
        }
    };
    let mut shared = lock(&inner.shared);
    handler(&ctx, &mut shared)
}

/// An emulated endpoint's handler, its path's IDs bound.
type Handler<'a> = Box<dyn FnOnce(&RequestCtx, &mut Shared) -> Result<Reply, ApiError> + 'a>;

/// What the fake does with a method and path.
enum Route<'a> {
    /// An emulated endpoint.
    Handler(Handler<'a>),
    /// A path the fake knows, with a method it does not take.
    WrongMethod,
    Unknown,
}

fn to<'a>(handler: impl FnOnce(&RequestCtx, &mut Shared) -> Result<Value, ApiError> + 'a) -> Route<'a> {
    Route::Handler(Box::new(|ctx, shared| handler(ctx, shared).map(Reply::Json)))
}

/// The handler of a method and path, if the fake emulates it.
fn route<'a>(method: &str, segments: &'a [&'a str]) -> Route<'a> {
    use reports as r;
    use resources as res;
    match (segments, method) {
        (["me"], "GET") => to(res::get_organization),
        (["users"], "GET") => to(res::list_users),
        (["users", id], "GET") => to(move |ctx, shared| res::get_user(ctx, shared, id)),
        (["users", id], "POST") => to(move |ctx, shared| res::update_user(ctx, shared, id)),
        (["users", id], "DELETE") => to(move |ctx, shared| res::delete_user(ctx, shared, id)),
        (["invites"], "GET") => to(res::list_invites),
        (["invites"], "POST") => to(res::create_invite),
        (["invites", id], "GET") => to(move |ctx, shared| res::get_invite(ctx, shared, id)),
        (["invites", id], "DELETE") => to(move |ctx, shared| res::delete_invite(ctx, shared, id)),
        (["workspaces"], "GET") => to(res::list_workspaces),
        (["workspaces"], "POST") => to(res::create_workspace),
        (["workspaces", id], "GET") => to(move |ctx, shared| res::get_workspace(ctx, shared, id)),
        (["workspaces", id], "POST") => to(move |ctx, shared| res::update_workspace(ctx, shared, id)),
        (["workspaces", id, "archive"], "POST") => to(move |ctx, shared| res::archive_workspace(ctx, shared, id)),
        (["workspaces", id, "members"], "GET") => to(move |ctx, shared| res::list_members(ctx, shared, id)),
        (["workspaces", id, "members"], "POST") => to(move |ctx, shared| res::add_member(ctx, shared, id)),
        (["workspaces", id, "members", user], "GET") => to(move |ctx, shared| res::get_member(ctx, shared, id, user)),
        (["workspaces", id, "members", user], "POST") => {
            to(move |ctx, shared| res::update_member(ctx, shared, id, user))
        }
        (["workspaces", id, "members", user], "DELETE") => {
            to(move |ctx, shared| res::delete_member(ctx, shared, id, user))
        }
        (["api_keys"], "GET") => to(res::list_api_keys),
        (["api_keys", id], "GET") => to(move |ctx, shared| res::get_api_key(ctx, shared, id)),
        (["api_keys", id], "POST") => to(move |ctx, shared| res::update_api_key(ctx, shared, id)),
        (["usage_report", "messages"], "GET") => to(r::usage_messages),
        (["cost_report"], "GET") => to(r::cost_report),
        (["usage_report", "claude_code"], "GET") => Route::Handler(Box::new(r::claude_code)),
        (["rate_limits"], "GET") => to(rate_limits::organization),
        (["workspaces", id, "rate_limits"], "GET") => to(move |ctx, shared| rate_limits::workspace(ctx, shared, id)),
        (["analytics", "usage"], "GET") => to(analytics::usage),
        (["analytics", "cost"], "GET") => to(analytics::cost),
        (
            ["me" | "users" | "invites" | "workspaces" | "api_keys" | "cost_report" | "rate_limits"]
            | ["users" | "invites" | "workspaces" | "api_keys", _]
            | ["analytics", "usage" | "cost"]
            | ["workspaces", _, "archive" | "members" | "rate_limits"]
            | ["workspaces", _, "members", _]
            | ["usage_report", "messages" | "claude_code"],
            _,
        ) => Route::WrongMethod,
        _ => Route::Unknown,
    }
}
