//! The Admin API over HTTP: auth headers, timeouts, retries, error bodies.
//!
//! The admin key lives in [`AdminKey`], which cannot be printed, and is sent only
//! in the `x-api-key` header to the configured base URL, directly or through a proxy
//! that cannot read it ([`super::proxy`]). Answers are read up to a limit, and every
//! text that came from upstream is scrubbed of the key ([`super::scrub`]).
//!
//! One job a module: [`key`] (the admin key), [`request`] (a request and one attempt
//! at it), [`retry`] (when to try again), [`response`] (reading answers and errors),
//! [`fold`] (a page's items decoded straight into their consumer), [`snapshot`] (a
//! fold's state over closed days, kept in the cache);
//! this module is the client they serve.

mod fold;
mod key;
mod request;
mod response;
mod retry;
mod snapshot;

pub use fold::{ItemReader, PageLinks, Whole};
pub use key::AdminKey;
pub use request::{Method, Request, RequestCount, RequestIds, path_segment};
pub use response::{Decoded, MAX_ERROR_BODY_BYTES};
use response::{MAX_MESSAGE_CHARS, PARSE_APART_BYTES, apart, apart_if, cut};
pub use retry::RetryPolicy;
pub use snapshot::{Snapshot, from_text, restore_json, save_json};

use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, USER_AGENT};

use super::cache::{Cache, CacheConfig, CacheStats};
use super::digest::sha256_hex;
use super::error::Error;
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
    /// Accept a plain-http proxy elsewhere whose URL carries credentials (sent in clear).
    pub allow_proxy_credentials_in_clear: bool,
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
            allow_proxy_credentials_in_clear: false,
            cache: CacheConfig::disabled(),
        }
    }
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
    /// Requests in flight at once through this client and its clones (a fan-out's
    /// limit), whatever else they are doing: see [`Http::limiting_requests`].
    in_flight: Option<Arc<tokio::sync::Semaphore>>,
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
            proxy::check(&base_url, config.allow_proxy_credentials_in_clear)?;
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
            in_flight: None,
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

    /// The same client (and its clones), with at most `requests` of its requests in
    /// flight at once: a fan-out can then run more items than that, so that while some
    /// items are decoded and folded the others keep that many requests in flight.
    #[must_use]
    pub fn limiting_requests(&self, requests: usize) -> Http {
        Http { in_flight: Some(Arc::new(tokio::sync::Semaphore::new(requests.max(1)))), ..self.clone() }
    }

    /// [`Http::fetch`], within the limit of requests in flight if there is one.
    async fn fetch_limited(&self, request: &Request) -> Result<Vec<u8>, Error> {
        let _permit = match &self.in_flight {
            Some(limit) => Some(limit.acquire().await.map_err(|e| Error::Internal(e.to_string()))?),
            None => None,
        };
        self.fetch(request).await
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
        // Parsed from the bytes as read: no second copy of a large answer.
        let parsed = self.send_reading(&request, |bytes| serde_json::from_slice(bytes)).await?;
        parsed.map_err(|e| {
            // serde quotes the offending value, which came from upstream.
            let error = Error::Decode { path: request.path.clone(), message: cut(&e.to_string(), MAX_MESSAGE_CHARS) };
            error.scrubbed(&self.inner.scrubber)
        })
    }

    /// Sends the request and hands the answer's bytes to `read`: a closed report day
    /// from the cache, or fetched (once, however many ask at the same time) and kept;
    /// anything else fetched. `read` runs on the blocking pool (one job per core at a
    /// time) for a cached or large answer, with the cache's disk and compression work
    /// in the same job, so the days in flight are read side by side on the machine's
    /// cores, and what `read` allocates is freed on the thread that allocated it.
    pub(crate) async fn send_reading<R, F>(&self, request: &Request, read: F) -> Result<R, Error>
    where
        R: Send + 'static,
        F: FnOnce(&[u8]) -> R + Send + 'static,
    {
        let Some(cache) = self.inner.cache.as_ref().filter(|cache| cache.is_cacheable(request)) else {
            let bytes = self.fetch_limited(request).await?;
            return apart_if(bytes.len() >= PARSE_APART_BYTES, &request.path, move || read(&bytes)).await;
        };
        let key = Cache::key(self.url(request).as_str(), &self.inner.credential_sha256);
        let read = match self.cached(cache, &key, request, read).await? {
            Ok(answer) => return Ok(answer),
            Err(read) => read,
        };
        // Dropped on every way out, the caller's hang-up included: the gate never leaks.
        let flight = cache.flight(&key);
        let _fetching = flight.gate().lock().await;
        let read = match self.cached(cache, &key, request, read).await? {
            Ok(answer) => return Ok(answer),
            Err(read) => read,
        };
        cache.stats().miss();
        let fetched = self.fetch_limited(request).await?;
        let cache = cache.clone();
        apart(&request.path, move || {
            cache.put(&key, &fetched);
            read(&fetched)
        })
        .await
    }

    /// Fetch gates held or waited at in the shared cache (0 when idle; none without a cache).
    pub fn cache_flights(&self) -> usize {
        self.inner.cache.as_deref().map_or(0, Cache::flights_in_progress)
    }

    /// `read` of the cached answer, or `read` back when the cache does not hold it.
    async fn cached<R, F>(
        &self,
        cache: &Arc<Cache>,
        key: &str,
        request: &Request,
        read: F,
    ) -> Result<Result<R, F>, Error>
    where
        R: Send + 'static,
        F: FnOnce(&[u8]) -> R + Send + 'static,
    {
        let (cache, key) = (cache.clone(), key.to_string());
        let answer = apart(&request.path, move || match cache.get(&key) {
            Some(body) => {
                cache.stats().hit();
                Ok(read(&body))
            }
            None => Err(read),
        })
        .await?;
        if answer.is_ok() {
            for hits in &self.hits {
                hits.0.fetch_add(1, Ordering::Relaxed);
            }
            tracing::debug!(method = request.method.as_str(), path = %request.path, "from the cache");
        }
        Ok(answer)
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
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use serde_json::Value;

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
}
