//! The Admin API over HTTP: auth headers, timeouts, retries, error bodies.
//!
//! The admin key lives in [`AdminKey`], which cannot be printed, and is sent only
//! in the `x-api-key` header to the configured base URL, directly or through a proxy
//! that cannot read it ([`super::proxy`]). Answers are read up to a limit, and every
//! text that came from upstream is scrubbed of the key ([`super::scrub`]).

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::JsonObject;
use super::cache::{Cache, CacheConfig, CacheStats, sha256_hex};
use super::error::{ApiError, Error};
use super::progress::Progress;
use super::proxy;
use super::scrub::Scrubber;

/// The `anthropic-version` every request carries.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// The `User-Agent` naming this connector.
pub const USER_AGENT_VALUE: &str = concat!("claude-code-connector/", env!("CARGO_PKG_VERSION"));
/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
/// The largest successful answer read by default: 32 MiB ([`HttpConfig::max_response_bytes`]).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 << 20;
/// An error answer is read up to this much; the rest is not read.
pub const MAX_ERROR_BODY_BYTES: u64 = 64 << 10;
/// The API's error message is cut to this many characters.
const MAX_MESSAGE_CHARS: usize = 1000;
/// An error type or request id longer than this is not the API's; it is cut.
const MAX_TOKEN_CHARS: usize = 128;
/// An answer this large is parsed on the blocking pool, so that the days of a report
/// in flight are parsed side by side on the machine's cores while the runtime's one
/// thread goes on sending, receiving and folding (a large organization's day is
/// hundreds of kilobytes of JSON; a year of it was parsed on one core).
const PARSE_APART_BYTES: usize = 64 << 10;

/// Permits to parse a large answer apart: one per core.
fn parsers() -> &'static tokio::sync::Semaphore {
    static PARSERS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PARSERS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
    })
}

/// What an answer decodes into: owned and sendable, so a large one can be parsed on
/// another thread.
pub trait Decoded: DeserializeOwned + Send + 'static {}

impl<T: DeserializeOwned + Send + 'static> Decoded for T {}

/// An Admin API key. It has no `Display`, its `Debug` is redacted, and it is only
/// ever written into the `x-api-key` header.
#[derive(Clone)]
pub struct AdminKey(String);

impl AdminKey {
    pub fn new(key: impl Into<String>) -> Self {
        AdminKey(key.into().trim().to_string())
    }

    /// Admin keys start with `sk-ant-admin`; ordinary API keys are refused by these endpoints.
    pub fn looks_like_admin_key(&self) -> bool {
        self.0.starts_with("sk-ant-admin")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn scrubber(&self) -> Scrubber {
        Scrubber::new(&self.0)
    }

    fn header_value(&self) -> Result<HeaderValue, Error> {
        let mut value = HeaderValue::from_str(&self.0)
            .map_err(|_| Error::Internal("the admin key contains characters a header cannot carry".into()))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for AdminKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminKey(<redacted>)")
    }
}

/// When and how often a failed read is tried again (writes never are, once they may
/// have reached the API). The overall time a request may take, all attempts and waits
/// included, is [`HttpConfig::request_budget`].
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff; it doubles each time, plus up to half again of jitter.
    pub base_delay: Duration,
    /// The longest wait. A `retry-after` longer than this is not waited for: the
    /// 429 is reported, saying how long the API asked to wait.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(20) }
    }
}

/// How to reach the API.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub base_url: String,
    pub key: AdminKey,
    pub connect_timeout: Duration,
    /// One attempt's limit, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// The most one request may take, all attempts and the waits between them included
    /// (at least `request_timeout`): a retry that could end past it is not scheduled,
    /// and a retry's own timeout is cut to what is left.
    pub request_budget: Duration,
    /// Requests in flight at once when a tool fans out (per-day reports).
    pub concurrency: usize,
    /// The largest successful answer read; a larger one fails the call with an error
    /// naming the limit (error answers are read up to [`MAX_ERROR_BODY_BYTES`]).
    pub max_response_bytes: u64,
    /// Go through the proxy the environment names (`HTTPS_PROXY` and the like), if it is
    /// safe for the key; `false` connects directly whatever the environment says (the
    /// in-process sandbox).
    pub env_proxy: bool,
    /// The cache of closed report days ([`super::cache`]); off unless asked for.
    pub cache: CacheConfig,
}

impl HttpConfig {
    pub fn new(key: AdminKey) -> Self {
        HttpConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            key,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            request_budget: Duration::from_secs(90),
            concurrency: 8,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            env_proxy: true,
            cache: CacheConfig::disabled(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }

    fn as_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// One upstream request: method, path, query pairs in order, JSON body.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<JsonObject>,
    /// What a 404 answer means ("no user `user_9`"), from the spec's `http.not_found`.
    pub not_found: Option<String>,
    /// Extra request headers (the spec's `http.beta` as `anthropic-beta`), sent as given.
    pub headers: Vec<(&'static str, &'static str)>,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request { method, path: path.into(), query: Vec::new(), body: None, not_found: None, headers: Vec::new() }
    }

    /// The same request with one more header; the generator only passes static text
    /// it has checked (`anthropic-beta`: comma-joined `[a-z0-9-]` tokens).
    #[must_use]
    pub fn with_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    #[must_use]
    pub fn with_not_found(mut self, message: String) -> Self {
        self.not_found = Some(message);
        self
    }

    pub fn query(&mut self, name: &str, value: impl Into<String>) {
        self.query.push((name.to_string(), value.into()));
    }

    /// The same request with `name` set to `value` (replacing an earlier value).
    #[must_use]
    pub fn with_query(&self, name: &str, value: impl Into<String>) -> Request {
        let mut next = self.clone();
        next.query.retain(|(n, _)| n != name);
        next.query.push((name.to_string(), value.into()));
        next
    }

    /// Sets a body field; `path` reaches into nested objects (`["tags", "description"]`).
    pub fn body_field(&mut self, path: &[&str], value: impl Into<Value>) {
        let Some((last, parents)) = path.split_last() else { return };
        let mut object = self.body.get_or_insert_with(JsonObject::new);
        for parent in parents {
            let entry = object.entry(parent.to_string()).or_insert_with(|| Value::Object(JsonObject::new()));
            if !entry.is_object() {
                *entry = Value::Object(JsonObject::new());
            }
            let Value::Object(inner) = entry else { return };
            object = inner;
        }
        object.insert(last.to_string(), value.into());
    }

    /// Only reads are retried once they may have reached the API: a write is never applied twice.
    fn is_read(&self) -> bool {
        self.method == Method::Get
    }
}

/// Percent-encodes one path segment (IDs are validated too; this is a second fence).
pub fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Inner {
    /// Built on first use (or by [`Http::prepare_in_background`]): building it reads and
    /// parses the system's root certificates, which would otherwise delay start-up.
    client: OnceLock<Result<reqwest::Client, String>>,
    connect_timeout: Duration,
    base_url: reqwest::Url,
    key: AdminKey,
    /// Scrubs upstream text of the key.
    scrubber: Scrubber,
    retry: RetryPolicy,
    request_timeout: Duration,
    request_budget: Duration,
    concurrency: usize,
    max_response_bytes: u64,
    env_proxy: bool,
    /// Closed report days already fetched, shared by every clone (and by other clients
    /// built [`Http::sharing_cache`]).
    cache: Option<Arc<Cache>>,
    /// The cache keys' stand-in for the key: its SHA-256, so entries of two keys never mix.
    credential_sha256: String,
}

/// Counts the requests sent through an [`Http`]: every attempt, retries included.
#[derive(Debug, Clone, Default)]
pub struct RequestCount(Arc<AtomicU32>);

impl RequestCount {
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The `request-id`s of the API's answers to an [`Http`], in order (for the audit log).
#[derive(Debug, Clone, Default)]
pub struct RequestIds(Arc<std::sync::Mutex<Vec<String>>>);

impl RequestIds {
    pub fn get(&self) -> Vec<String> {
        self.0.lock().map(|ids| ids.clone()).unwrap_or_default()
    }

    fn push(&self, id: String) {
        if let Ok(mut ids) = self.0.lock() {
            ids.push(id);
        }
    }
}

/// The HTTP client the generated code calls. Cheap to clone.
#[derive(Clone)]
pub struct Http {
    inner: Arc<Inner>,
    progress: Option<Progress>,
    /// Counters of the requests sent, one per [`Http::counting`] in effect.
    count: Vec<RequestCount>,
    /// Counters of the answers the cache gave, one per [`Http::counting_cached`] in effect.
    hits: Vec<RequestCount>,
    ids: Option<RequestIds>,
}

impl fmt::Debug for Http {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Http").field("base_url", &self.inner.base_url.as_str()).field("key", &self.inner.key).finish()
    }
}

/// Why a configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Makes rustls's `ring` provider the process default, which the HTTP client (ours, and
/// any other reqwest client in the process) uses. Idempotent.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Fails only if another thread installed one first, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

impl Http {
    /// Refuses a base URL that would send the key in clear text, unless it is loopback,
    /// and a proxy from the environment that is plain http and not loopback.
    pub fn new(config: HttpConfig) -> Result<Http, ConfigError> {
        let cache = Cache::new(config.cache.clone()).map_err(ConfigError)?.map(Arc::new);
        Http::sharing_cache(config, cache)
    }

    /// As [`Http::new`], with `cache` (shared with other clients, or none) instead of one
    /// of its own: `config.cache` is not used.
    pub fn sharing_cache(config: HttpConfig, cache: Option<Arc<Cache>>) -> Result<Http, ConfigError> {
        let base_url = reqwest::Url::parse(config.base_url.trim_end_matches('/'))
            .map_err(|e| ConfigError(format!("base URL `{}` is not a URL: {e}", config.base_url)))?;
        let loopback = match base_url.host() {
            Some(url::Host::Domain(d)) => d == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match base_url.scheme() {
            "https" => {}
            "http" if loopback => {}
            other => {
                return Err(ConfigError(format!(
                    "base URL `{base_url}` uses {other}; only https is allowed (plain http only for loopback addresses), so the admin key is never sent in clear text"
                )));
            }
        }
        if config.env_proxy {
            proxy::check(&base_url)?;
        }
        if config.key.is_empty() {
            return Err(ConfigError("the admin key is empty".into()));
        }
        Ok(Http {
            inner: Arc::new(Inner {
                client: OnceLock::new(),
                connect_timeout: config.connect_timeout,
                base_url,
                scrubber: config.key.scrubber(),
                credential_sha256: sha256_hex(config.key.0.as_bytes()),
                key: config.key,
                retry: config.retry,
                request_timeout: config.request_timeout,
                request_budget: config.request_budget.max(config.request_timeout),
                concurrency: config.concurrency.max(1),
                max_response_bytes: config.max_response_bytes.max(1),
                env_proxy: config.env_proxy,
                cache,
            }),
            progress: None,
            count: Vec::new(),
            hits: Vec::new(),
            ids: None,
        })
    }

    /// Builds the HTTP client on a thread of its own now, so that start-up does not wait
    /// for the root certificates and the first call finds the client ready.
    pub fn prepare_in_background(&self) {
        let http = self.clone();
        let spawned = std::thread::Builder::new().name("http-client-setup".into()).spawn(move || {
            if let Err(e) = http.client() {
                tracing::warn!("{e}");
            }
        });
        if let Err(e) = spawned {
            tracing::debug!("cannot start the HTTP client set-up thread ({e}); it is built on first use");
        }
    }

    /// The client, built on first use: TLS with the system's root certificates, the
    /// headers every request carries, no redirects.
    fn client(&self) -> Result<&reqwest::Client, Error> {
        let inner = &self.inner;
        let built = inner.client.get_or_init(|| {
            install_crypto_provider();
            let mut headers = HeaderMap::new();
            headers.insert("anthropic-version", HeaderValue::from_static(ANTHROPIC_VERSION));
            headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
            let mut builder = reqwest::Client::builder()
                .default_headers(headers)
                .connect_timeout(inner.connect_timeout)
                .timeout(inner.request_timeout)
                .redirect(reqwest::redirect::Policy::none());
            if !inner.env_proxy {
                builder = builder.no_proxy();
            }
            builder.build().map_err(|e| format!("cannot build the HTTP client: {e}"))
        });
        built.as_ref().map_err(|message| Error::Internal(message.clone()))
    }

    #[must_use]
    pub fn with_progress(&self, progress: Progress) -> Http {
        Http { progress: Some(progress), ..self.clone() }
    }

    /// The same client, reporting no progress (for the inner requests of a step that reports its own).
    #[must_use]
    pub fn without_progress(&self) -> Http {
        Http { progress: None, ..self.clone() }
    }

    /// The same client, keeping the `request-id` of every answer from now on.
    #[must_use]
    pub fn recording_ids(&self) -> (Http, RequestIds) {
        let ids = RequestIds::default();
        (Http { ids: Some(ids.clone()), ..self.clone() }, ids)
    }

    /// The same client, counting the requests it sends from now on.
    #[must_use]
    pub fn counting(&self) -> (Http, RequestCount) {
        let count = RequestCount::default();
        let mut http = self.clone();
        http.count.push(count.clone());
        (http, count)
    }

    /// The same client, counting the answers the cache gives from now on.
    #[must_use]
    pub fn counting_cached(&self) -> (Http, RequestCount) {
        let hits = RequestCount::default();
        let mut http = self.clone();
        http.hits.push(hits.clone());
        (http, hits)
    }

    /// The counts of the shared cache, if there is one.
    pub fn cache_stats(&self) -> Option<&CacheStats> {
        self.inner.cache.as_deref().map(Cache::stats)
    }

    /// The bytes the cache holds in memory (bodies plus keys), if there is a cache.
    pub fn cache_bytes_held(&self) -> Option<u64> {
        self.inner.cache.as_deref().map(Cache::memory_bytes)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// Requests in flight at once when a tool fans out.
    pub fn concurrency(&self) -> usize {
        self.inner.concurrency
    }

    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// Sends the request (retrying reads when the API asks for it) and decodes the JSON answer.
    pub async fn send<T: Decoded>(&self, request: Request) -> Result<T, Error> {
        let bytes = self.send_raw(&request).await?;
        // Parsed from the bytes as read: no second copy of a large answer.
        let parsed = if bytes.len() < PARSE_APART_BYTES {
            serde_json::from_slice(&bytes)
        } else {
            // One parse per core at a time: each thread that parses keeps a heap arena of
            // its own, so more threads than cores would only add memory.
            let _core = parsers().acquire().await.map_err(|e| Error::Internal(e.to_string()))?;
            tokio::task::spawn_blocking(move || serde_json::from_slice(&bytes))
                .await
                .map_err(|e| Error::Internal(format!("parsing the answer of {} stopped: {e}", request.path)))?
        };
        parsed.map_err(|e| {
            // serde quotes the offending value, which came from upstream.
            let error = Error::Decode { path: request.path.clone(), message: cut(&e.to_string(), MAX_MESSAGE_CHARS) };
            error.scrubbed(&self.inner.scrubber)
        })
    }

    /// A closed report day from the cache, or fetched (once, however many ask at the
    /// same time) and kept; anything else fetched.
    async fn send_raw(&self, request: &Request) -> Result<Arc<Vec<u8>>, Error> {
        let Some(cache) = self.inner.cache.as_ref().filter(|cache| cache.is_cacheable(request)) else {
            return self.fetch(request).await.map(Arc::new);
        };
        let key = Cache::key(self.url(request).as_str(), &self.inner.credential_sha256);
        if let Some(body) = self.cached(cache, &key, request) {
            return Ok(body);
        }
        let gate = cache.gate(&key);
        let result = {
            let _fetching = gate.lock().await;
            match self.cached(cache, &key, request) {
                Some(body) => Ok(body),
                None => {
                    cache.stats().miss();
                    let fetched = self.fetch(request).await.map(Arc::new);
                    if let Ok(body) = &fetched {
                        cache.put(&key, body.clone());
                    }
                    fetched
                }
            }
        };
        cache.release(&key, gate);
        result
    }

    fn cached(&self, cache: &Cache, key: &str, request: &Request) -> Option<Arc<Vec<u8>>> {
        let body = cache.get(key)?;
        cache.stats().hit();
        for hits in &self.hits {
            hits.0.fetch_add(1, Ordering::Relaxed);
        }
        tracing::debug!(method = request.method.as_str(), path = %request.path, "from the cache");
        Some(body)
    }

    /// The request's URL: the base URL's path, the request's path, its query in order.
    fn url(&self, request: &Request) -> reqwest::Url {
        let mut url = self.inner.base_url.clone();
        {
            let base_path = url.path().trim_end_matches('/').to_string();
            url.set_path(&format!("{base_path}{}", request.path));
        }
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        }
        url
    }

    async fn fetch(&self, request: &Request) -> Result<Vec<u8>, Error> {
        let policy = self.inner.retry;
        let started = Instant::now();
        let mut timeout = self.inner.request_timeout;
        let mut attempt = 1;
        loop {
            let failure = match self.send_once(request, timeout).await {
                Ok(bytes) => return Ok(bytes),
                // Where upstream text enters: scrubbed before it is logged or returned.
                Err(failure) => failure.scrubbed(&self.inner.scrubber),
            };
            let Some(delay) = failure.retry_delay(attempt, &policy) else { return Err(failure.error) };
            if attempt >= policy.max_attempts.max(1) {
                return Err(failure.error);
            }
            // The budget: the wait and at least a short attempt must fit in what is left.
            let left = self.inner.request_budget.saturating_sub(started.elapsed() + delay);
            if left < self.inner.request_timeout.min(MIN_ATTEMPT) {
                tracing::debug!(
                    method = request.method.as_str(),
                    path = %request.path,
                    attempt,
                    request_id = failure.request_id(),
                    "not retrying: the request's time budget is spent"
                );
                return Err(failure.error);
            }
            tracing::debug!(
                method = request.method.as_str(),
                path = %request.path,
                attempt,
                next_attempt = attempt + 1,
                delay_ms = delay.as_millis() as u64,
                request_id = failure.request_id(),
                error = %failure.error,
                "retrying"
            );
            tokio::time::sleep(delay).await;
            timeout = self.inner.request_timeout.min(left);
            attempt += 1;
        }
    }

    /// One attempt. The failure says whether the request may have reached the API.
    async fn send_once(&self, request: &Request, timeout: Duration) -> Result<Vec<u8>, Failure> {
        let local = |error: Error| Failure { error, retry: Retry::Never };
        let url = self.url(request);
        let mut builder = self
            .client()
            .map_err(local)?
            .request(request.method.as_reqwest(), url)
            .timeout(timeout)
            .header("x-api-key", self.inner.key.header_value().map_err(local)?);
        for (name, value) in &request.headers {
            builder = builder.header(*name, *value);
        }
        if let Some(body) = &request.body {
            let bytes =
                serde_json::to_vec(body).map_err(|e| local(Error::Internal(format!("cannot encode the body: {e}"))))?;
            builder = builder.header(CONTENT_TYPE, "application/json").body(bytes);
        } else if request.method == Method::Post {
            builder = builder.header(CONTENT_TYPE, "application/json").body("{}");
        }
        tracing::debug!(method = request.method.as_str(), path = %request.path, "request");
        for count in &self.count {
            count.0.fetch_add(1, Ordering::Relaxed);
        }
        let transport = |e: reqwest::Error| transport_failure(&e, request, timeout);
        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let (Some(ids), Some(id)) = (&self.ids, header_text(&headers, "request-id")) {
            ids.push(self.inner.scrubber.text(&cut(&id, MAX_TOKEN_CHARS)));
        }
        if (200..300).contains(&status) {
            let limit = self.inner.max_response_bytes;
            let body = read_limited(response, limit, false).await.map_err(transport)?;
            if !body.complete {
                let request = format!("{} {}", request.method.as_str(), request.path);
                return Err(Failure { error: Error::TooLarge { limit, request }, retry: Retry::Never });
            }
            return Ok(body.bytes);
        }
        let body = read_limited(response, MAX_ERROR_BODY_BYTES, true).await.map_err(transport)?;
        let error = api_error(status, &body, &headers, request);
        let retry = match status {
            _ if !request.is_read() => Retry::Never,
            // A 429 without retry-after is a spend cap: retrying will not help.
            429 => error.retry_after.map_or(Retry::Never, |secs| Retry::After(Duration::from_secs(secs))),
            500 | 502 | 503 | 504 | 529 => Retry::Backoff,
            _ => Retry::Never,
        };
        Err(Failure { error: Error::Api(error), retry })
    }
}

/// Below this (or the request timeout, when shorter) a retry is not worth scheduling.
const MIN_ATTEMPT: Duration = Duration::from_secs(1);

/// A failed attempt and whether another one may be made.
struct Failure {
    error: Error,
    retry: Retry,
}

enum Retry {
    Never,
    /// Exponential backoff with jitter.
    Backoff,
    /// What `retry-after` asked for.
    After(Duration),
}

impl Failure {
    fn retry_delay(&self, attempt: u32, policy: &RetryPolicy) -> Option<Duration> {
        match self.retry {
            Retry::Never => None,
            Retry::Backoff => Some(backoff(attempt, policy)),
            // Honoured, not shortened: a longer wait than max_delay is reported instead.
            Retry::After(wait) => (wait <= policy.max_delay).then_some(wait),
        }
    }

    /// The same failure with every text that came from upstream scrubbed of the key.
    fn scrubbed(self, scrubber: &Scrubber) -> Failure {
        Failure { error: self.error.scrubbed(scrubber), retry: self.retry }
    }

    fn request_id(&self) -> Option<&str> {
        match &self.error {
            Error::Api(api) => api.request_id.as_deref(),
            _ => None,
        }
    }
}

/// `base_delay` doubled per attempt, plus up to half again of jitter, at most `max_delay`.
fn backoff(attempt: u32, policy: &RetryPolicy) -> Duration {
    let exp = policy.base_delay.saturating_mul(1 << attempt.saturating_sub(1).min(16)).min(policy.max_delay);
    exp.saturating_add(jitter(exp / 2)).min(policy.max_delay)
}

/// A body read up to a limit.
struct Limited {
    bytes: Vec<u8>,
    /// `false`: there was more than the limit, which was not read.
    complete: bool,
}

/// Reads the body chunk by chunk, never holding more than `limit` bytes. With
/// `keep_partial`, an over-long body keeps its first `limit` bytes (an error page);
/// without, it is given up at once, before reading when `content-length` says so.
async fn read_limited(mut response: reqwest::Response, limit: u64, keep_partial: bool) -> reqwest::Result<Limited> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let declared = response.content_length().map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    if !keep_partial && declared.is_some_and(|n| n > limit) {
        return Ok(Limited { bytes: Vec::new(), complete: false });
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = response.chunk().await? {
        let room = limit - bytes.len();
        if chunk.len() > room {
            if keep_partial {
                grow_within(&mut bytes, room, limit);
                bytes.extend_from_slice(&chunk[..room]);
            }
            return Ok(Limited { bytes, complete: false });
        }
        grow_within(&mut bytes, chunk.len(), limit);
        bytes.extend_from_slice(&chunk);
    }
    Ok(Limited { bytes, complete: true })
}

/// Makes room for `more` bytes, doubling as a `Vec` does but never past `limit`.
fn grow_within(bytes: &mut Vec<u8>, more: usize, limit: usize) {
    let needed = bytes.len() + more;
    if needed > bytes.capacity() {
        let target = needed.max(bytes.capacity().saturating_mul(2)).min(limit.max(needed));
        bytes.reserve_exact(target - bytes.len());
    }
}

/// At most `max` characters, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// Classifies a transport failure. The message never includes the URL's query or any
/// header: only what went wrong and what to do.
fn transport_failure(e: &reqwest::Error, request: &Request, timeout: Duration) -> Failure {
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    let detail = if detail.is_empty() { String::new() } else { format!(" ({detail})") };
    if e.is_connect() {
        // Nothing was sent: safe to retry, even a write.
        let error = Error::Transport(format!(
            "the connection failed{detail}; check the network, any proxy, and the base URL (--base-url, CLAUDE_CODE_CONNECTOR_BASE_URL)"
        ));
        return Failure { error, retry: Retry::Backoff };
    }
    let retry = if request.is_read() { Retry::Backoff } else { Retry::Never };
    if e.is_timeout() {
        return Failure { error: Error::Timeout { after: timeout, write: !request.is_read() }, retry };
    }
    let kind = if e.is_body() || e.is_decode() {
        "the answer could not be read"
    } else {
        "the connection was lost before the API answered"
    };
    let unsure = if request.is_read() {
        ""
    } else {
        "; it was not retried because the change may have been applied: check before trying again"
    };
    Failure { error: Error::Transport(format!("{kind}{detail}{unsure}")), retry }
}

/// The error answer as the API's envelope describes it (its message cut to
/// [`MAX_MESSAGE_CHARS`]), or a summary of whatever else came. Not yet scrubbed: the
/// caller does that for the whole [`Failure`].
fn api_error(status: u16, body: &Limited, headers: &HeaderMap, request: &Request) -> ApiError {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: Inner,
        #[serde(default)]
        request_id: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        #[serde(rename = "type")]
        kind: String,
        #[serde(default)]
        message: String,
    }
    let request_id = header_text(headers, "request-id");
    let retry_after = header_text(headers, "retry-after").and_then(|v| parse_retry_after(&v));
    let subject = if status == 404 { request.not_found.clone() } else { None };
    let parsed = if body.complete { serde_json::from_slice::<Envelope>(&body.bytes).ok() } else { None };
    if let Some(envelope) = parsed {
        return ApiError {
            status,
            error_type: Some(cut(&envelope.error.kind, MAX_TOKEN_CHARS)),
            message: cut(&envelope.error.message, MAX_MESSAGE_CHARS),
            request_id: envelope.request_id.or(request_id).map(|id| cut(&id, MAX_TOKEN_CHARS)),
            retry_after,
            subject,
        };
    }
    let request_id = request_id.map(|id| cut(&id, MAX_TOKEN_CHARS));
    let message = if (300..400).contains(&status) {
        let target = header_text(headers, "location").map_or_else(|| "nowhere".into(), |l| origin_of(&l));
        format!(
            "the server answered with a redirect to {target}, which is not followed so the admin key is only ever sent to the configured base URL; check --base-url (CLAUDE_CODE_CONNECTOR_BASE_URL)"
        )
    } else {
        let content_type =
            header_text(headers, "content-type").map_or_else(|| "no content type".into(), |t| cut(&t, 100));
        let size = if body.complete {
            format!("{} bytes", body.bytes.len())
        } else {
            format!("more than {} bytes, the rest not read", body.bytes.len())
        };
        format!("the response was not the API's JSON error ({content_type}, {size}): {}", summarize(&body.bytes))
    };
    ApiError { status, error_type: None, message, request_id, retry_after, subject }
}

/// `retry-after` in whole seconds (a fraction rounds up): a number of seconds, or an
/// HTTP date (RFC 9110: IMF-fixdate, or the obsolete RFC 850 and asctime forms), which
/// counts from now (0 when past). `None` when it is neither.
fn parse_retry_after(value: &str) -> Option<u64> {
    parse_retry_after_at(value, chrono::Utc::now())
}

fn parse_retry_after_at(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| secs.ceil() as u64);
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).map(|date| date.to_utc()).ok().or_else(|| {
        ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
            .iter()
            .find_map(|format| chrono::NaiveDateTime::parse_from_str(value, format).ok())
            .map(|naive| naive.and_utc())
    })?;
    let millis = (date - now).num_milliseconds().max(0).unsigned_abs();
    Some(millis.div_ceil(1000))
}

/// Only the scheme, host and port of a redirect target: its path or query may carry anything.
fn origin_of(location: &str) -> String {
    match reqwest::Url::parse(location) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => "a relative location".to_string(),
    }
}

/// The first readable words of a non-JSON body (a proxy's HTML page), tags stripped.
fn summarize(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                plain.push(' ');
            }
            c if !in_tag => plain.push(if c.is_control() { ' ' } else { c }),
            _ => {}
        }
    }
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut summary = words.join(" ");
    if summary.chars().count() > 120 {
        summary = format!("{}…", summary.chars().take(120).collect::<String>());
    }
    if summary.is_empty() { "empty body".to_string() } else { summary }
}

/// Up to `max` of pseudo-random jitter, without a random-number crate.
fn jitter(max: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    let fraction = (hasher.finish() % 1000) as u32;
    max / 1000 * fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-ant-admin01-secret-value";

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let config = HttpConfig::new(AdminKey::new(KEY));
        assert!(!format!("{config:?}").contains("secret-value"));
        let mut local = config.clone();
        local.base_url = "http://127.0.0.1:1".into();
        let http = Http::new(local).unwrap();
        assert!(!format!("{http:?}").contains("secret-value"));
        assert!(format!("{http:?}").contains("<redacted>"));
    }

    #[test]
    fn a_clear_text_base_url_is_refused_unless_loopback() {
        for url in ["http://api.example.com", "http://10.0.0.1", "ftp://127.0.0.1"] {
            let mut config = HttpConfig::new(AdminKey::new(KEY));
            config.base_url = url.into();
            let error = Http::new(config).unwrap_err().to_string();
            assert!(error.contains("only https") && !error.contains("secret-value"), "{url}: {error}");
        }
        for url in ["https://api.anthropic.com", "http://127.0.0.1:8080", "http://localhost", "http://[::1]:9"] {
            let mut config = HttpConfig::new(AdminKey::new(KEY));
            config.base_url = url.into();
            assert!(Http::new(config).is_ok(), "{url}");
        }
    }

    #[test]
    fn the_client_and_its_root_certificates_are_not_built_at_start_up() {
        let mut config = HttpConfig::new(AdminKey::new(KEY));
        config.base_url = "http://127.0.0.1:1".into();
        let http = Http::new(config).unwrap();
        assert!(http.inner.client.get().is_none(), "Http::new built the client: start-up would wait for it");
        http.prepare_in_background();
        let deadline = Instant::now() + Duration::from_secs(30);
        while http.inner.client.get().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let built = http.inner.client.get().expect("prepare_in_background builds the client");
        assert!(built.is_ok(), "{:?}", built.as_ref().err());
        assert!(http.clone().inner.client.get().is_some(), "clones share the one client");
    }

    /// The crypto provider (ring) really works: the client builds and sends a TLS
    /// ClientHello (which needs key generation) to an https URL. The peer hangs up,
    /// which is reported as a transport error without the key.
    #[test]
    fn https_goes_through_rustls_with_the_ring_provider() {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let peer = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut record_header = [0u8; 6];
            stream.read_exact(&mut record_header).unwrap();
            record_header
        });
        let mut config = HttpConfig::new(AdminKey::new(KEY));
        config.base_url = format!("https://127.0.0.1:{port}");
        config.retry.max_attempts = 1;
        let http = Http::new(config).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let error =
            runtime.block_on(http.send::<Value>(Request::new(Method::Get, "/v1/organizations/me"))).unwrap_err();
        let header = peer.join().unwrap();
        assert_eq!(header[0], 0x16, "a TLS handshake record");
        assert_eq!(header[5], 0x01, "a ClientHello");
        let message = error.to_string();
        assert!(matches!(error, Error::Transport(_)), "{message}");
        assert!(!message.contains("secret-value"), "{message}");
    }

    #[test]
    fn retry_after_and_backoff_stay_in_bounds() {
        assert_eq!(parse_retry_after("1"), Some(1));
        assert_eq!(parse_retry_after(" 0.2 "), Some(1));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0), "a date in the past: now");
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("soon"), None);
        let now = chrono::DateTime::parse_from_rfc3339("2026-10-21T07:27:30.250Z").unwrap().to_utc();
        assert_eq!(parse_retry_after_at("Wed, 21 Oct 2026 07:28:00 GMT", now), Some(30), "29.75 s rounds up");
        assert_eq!(parse_retry_after_at("Wednesday, 21-Oct-26 07:29:00 GMT", now), Some(90), "RFC 850");
        assert_eq!(parse_retry_after_at("Wed Oct 21 07:28:00 2026", now), Some(30), "asctime");
        let huge = RetryPolicy { max_attempts: 3, base_delay: Duration::MAX, max_delay: Duration::MAX };
        assert_eq!(backoff(3, &huge), Duration::MAX, "no overflow");
        let policy = RetryPolicy::default();
        for attempt in 1..40 {
            let delay = backoff(attempt, &policy);
            let exp = policy.base_delay.saturating_mul(1 << (attempt - 1).min(16));
            assert!(delay >= exp.min(policy.max_delay) && delay <= policy.max_delay, "{attempt}: {delay:?}");
        }
        let after = Failure { error: Error::Internal(String::new()), retry: Retry::After(Duration::from_secs(30)) };
        assert_eq!(after.retry_delay(1, &policy), None, "a wait longer than max_delay is reported, not shortened");
        let after = Failure { error: Error::Internal(String::new()), retry: Retry::After(Duration::from_secs(2)) };
        assert_eq!(after.retry_delay(1, &policy), Some(Duration::from_secs(2)));
    }

    #[test]
    fn a_redirect_target_is_shown_as_its_origin_only() {
        assert_eq!(origin_of("https://evil.example:8443/steal?token=abc"), "https://evil.example:8443");
        assert_eq!(origin_of("/v1/elsewhere"), "a relative location");
    }

    #[test]
    fn a_path_segment_cannot_escape() {
        assert_eq!(path_segment("user_01-a"), "user_01-a");
        assert_eq!(path_segment("../x?y"), "%2E%2E%2Fx%3Fy");
    }
}
