//! The Admin API over HTTP: auth headers, timeouts, retries, error bodies.
//!
//! The admin key lives in [`AdminKey`], which cannot be printed, and is sent only
//! in the `x-api-key` header to the configured base URL.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::JsonObject;
use super::error::{ApiError, Error};
use super::progress::Progress;

/// The `anthropic-version` every request carries.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// The `User-Agent` naming this connector.
pub const USER_AGENT_VALUE: &str = concat!("claude-code-connector/", env!("CARGO_PKG_VERSION"));
/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";

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

/// When and how often a failed request is tried again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff; it doubles each time, plus jitter.
    pub base_delay: Duration,
    /// The longest wait, also the cap on `retry-after`.
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
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Requests in flight at once when a tool fans out (per-day reports).
    pub concurrency: usize,
}

impl HttpConfig {
    pub fn new(key: AdminKey) -> Self {
        HttpConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            key,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            concurrency: 8,
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
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request { method, path: path.into(), query: Vec::new(), body: None }
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

    /// Only reads are retried: a write is never sent twice.
    fn retryable(&self) -> bool {
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
    client: reqwest::Client,
    base_url: reqwest::Url,
    key: AdminKey,
    retry: RetryPolicy,
    concurrency: usize,
}

/// Counts the requests sent through an [`Http`]: every attempt, retries included.
#[derive(Debug, Clone, Default)]
pub struct RequestCount(Arc<AtomicU32>);

impl RequestCount {
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The HTTP client the generated code calls. Cheap to clone.
#[derive(Clone)]
pub struct Http {
    inner: Arc<Inner>,
    progress: Option<Progress>,
    count: Option<RequestCount>,
}

impl fmt::Debug for Http {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Http").field("base_url", &self.inner.base_url.as_str()).field("key", &self.inner.key).finish()
    }
}

/// Why a configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Http {
    /// Refuses a base URL that would send the key in clear text, unless it is loopback.
    pub fn new(config: HttpConfig) -> Result<Http, ConfigError> {
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
        if config.key.is_empty() {
            return Err(ConfigError("the admin key is empty".into()));
        }
        let mut headers = HeaderMap::new();
        headers.insert("anthropic-version", HeaderValue::from_static(ANTHROPIC_VERSION));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError(format!("cannot build the HTTP client: {e}")))?;
        Ok(Http {
            inner: Arc::new(Inner {
                client,
                base_url,
                key: config.key,
                retry: config.retry,
                concurrency: config.concurrency.max(1),
            }),
            progress: None,
            count: None,
        })
    }

    #[must_use]
    pub fn with_progress(&self, progress: Progress) -> Http {
        Http { progress: Some(progress), ..self.clone() }
    }

    /// The same client, counting the requests it sends from now on.
    #[must_use]
    pub fn counting(&self) -> (Http, RequestCount) {
        let count = RequestCount::default();
        (Http { count: Some(count.clone()), ..self.clone() }, count)
    }

    /// Requests in flight at once when a tool fans out.
    pub fn concurrency(&self) -> usize {
        self.inner.concurrency
    }

    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// Sends the request (retrying reads when the API asks for it) and decodes the JSON answer.
    pub async fn send<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        let bytes = self.send_raw(&request).await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Decode { path: request.path.clone(), message: e.to_string() })
    }

    async fn send_raw(&self, request: &Request) -> Result<Vec<u8>, Error> {
        let policy = self.inner.retry;
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(request).await;
            let retry_in = match &outcome {
                Ok(_) => None,
                Err(_) if !request.retryable() || attempt >= policy.max_attempts => None,
                Err(e) => retry_delay(e, attempt, &policy),
            };
            match (outcome, retry_in) {
                (Err(e), Some(delay)) => {
                    let request_id = match &e {
                        Error::Api(api) => api.request_id.clone().unwrap_or_default(),
                        _ => String::new(),
                    };
                    tracing::debug!(path = %request.path, attempt, ?delay, request_id, error = %e, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                (outcome, _) => return outcome,
            }
        }
    }

    async fn send_once(&self, request: &Request) -> Result<Vec<u8>, Error> {
        let mut url = self.inner.base_url.clone();
        {
            let base_path = url.path().trim_end_matches('/').to_string();
            url.set_path(&format!("{base_path}{}", request.path));
        }
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        }
        let mut builder = self
            .inner
            .client
            .request(request.method.as_reqwest(), url)
            .header("x-api-key", self.inner.key.header_value()?);
        if let Some(body) = &request.body {
            let bytes =
                serde_json::to_vec(body).map_err(|e| Error::Internal(format!("cannot encode the body: {e}")))?;
            builder = builder.header(CONTENT_TYPE, "application/json").body(bytes);
        } else if request.method == Method::Post {
            builder = builder.header(CONTENT_TYPE, "application/json").body("{}");
        }
        tracing::debug!(method = ?request.method, path = %request.path, "request");
        if let Some(count) = &self.count {
            count.0.fetch_add(1, Ordering::Relaxed);
        }
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let request_id = header_text(response.headers(), "request-id");
        let retry_after = header_text(response.headers(), "retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        let content_type = header_text(response.headers(), "content-type").unwrap_or_default();
        let bytes = response.bytes().await.map_err(transport_error)?.to_vec();
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        Err(Error::Api(api_error(status, &bytes, &content_type, request_id, retry_after)))
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// Never includes the URL's query or any header: only what went wrong.
fn transport_error(e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        "the request timed out"
    } else if e.is_connect() {
        "the connection failed"
    } else if e.is_body() || e.is_decode() {
        "the response body could not be read"
    } else {
        "the request failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() { Error::Transport(kind.to_string()) } else { Error::Transport(format!("{kind} ({detail})")) }
}

fn api_error(
    status: u16,
    body: &[u8],
    content_type: &str,
    request_id: Option<String>,
    retry_after: Option<u64>,
) -> ApiError {
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
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(body) {
        return ApiError {
            status,
            error_type: Some(envelope.error.kind),
            message: envelope.error.message,
            request_id: envelope.request_id.or(request_id),
            retry_after,
        };
    }
    let kind = if content_type.is_empty() { "no content type".to_string() } else { content_type.to_string() };
    ApiError {
        status,
        error_type: None,
        message: format!(
            "the response was not the API's JSON error ({kind}, {} bytes): {}",
            body.len(),
            summarize(body)
        ),
        request_id,
        retry_after,
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

fn retry_delay(error: &Error, attempt: u32, policy: &RetryPolicy) -> Option<Duration> {
    let backoff = || {
        let exp = policy.base_delay.saturating_mul(1 << (attempt - 1).min(10));
        (exp + jitter(policy.base_delay)).min(policy.max_delay)
    };
    match error {
        Error::Api(api) => match api.status {
            // A 429 without retry-after is a spend cap: retrying will not help.
            429 => api.retry_after.map(|secs| Duration::from_secs(secs).min(policy.max_delay)),
            500 | 502 | 503 | 504 | 529 => Some(backoff()),
            _ => None,
        },
        Error::Transport(_) => Some(backoff()),
        _ => None,
    }
}

/// Up to `max` of pseudo-random jitter, without a random-number crate.
fn jitter(max: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    let fraction = (hasher.finish() % 1000) as u32;
    max * fraction / 1000
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
    fn a_path_segment_cannot_escape() {
        assert_eq!(path_segment("user_01-a"), "user_01-a");
        assert_eq!(path_segment("../x?y"), "%2E%2E%2Fx%3Fy");
    }
}
