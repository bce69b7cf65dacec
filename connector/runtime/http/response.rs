//! Reading an answer: bodies read up to a limit, large ones decoded off the request
//! threads, and failures classified (transport, the API's error envelope, anything
//! else summarized) with what may be retried.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::request::Request;
use super::retry::parse_retry_after;
use crate::runtime::error::{ApiError, Error};
use crate::runtime::scrub::Scrubber;

/// An error answer is read up to this much; the rest is not read.
pub const MAX_ERROR_BODY_BYTES: u64 = 64 << 10;
/// The API's error message is cut to this many characters.
pub(super) const MAX_MESSAGE_CHARS: usize = 1000;
/// An error type or request id longer than this is not the API's; it is cut.
pub(super) const MAX_TOKEN_CHARS: usize = 128;
/// An answer this large is parsed on the blocking pool, so that the days of a report
/// in flight are parsed side by side on the machine's cores while the runtime's one
/// thread goes on sending, receiving and folding (a large organization's day is
/// hundreds of kilobytes of JSON; a year of it was parsed on one core).
pub(super) const PARSE_APART_BYTES: usize = 64 << 10;

/// Permits to parse a large answer apart: one per core.
fn parsers() -> &'static tokio::sync::Semaphore {
    static PARSERS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PARSERS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
    })
}

/// Runs `work` on the blocking pool, at most one such job per core at a time: each
/// thread that parses keeps a heap arena of its own, so more threads than cores would
/// only add memory. `path` names the request in the error if the job stops.
pub(super) async fn apart<R: Send + 'static>(
    path: &str,
    work: impl FnOnce() -> R + Send + 'static,
) -> Result<R, Error> {
    let _core = parsers().acquire().await.map_err(|e| Error::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(format!("reading the answer of {path} stopped: {e}")))
}

/// [`apart`] when `large`, else `work` right here (a thread hop costs more than a small parse).
pub(super) async fn apart_if<R: Send + 'static>(
    large: bool,
    path: &str,
    work: impl FnOnce() -> R + Send + 'static,
) -> Result<R, Error> {
    if large { apart(path, work).await } else { Ok(work()) }
}

/// What an answer decodes into: owned and sendable, so a large one can be parsed on
/// another thread.
pub trait Decoded: DeserializeOwned + Send + 'static {}

impl<T: DeserializeOwned + Send + 'static> Decoded for T {}

/// A failed attempt and whether another one may be made.
pub(super) struct AttemptFailure {
    pub(super) error: Error,
    pub(super) retry: Retry,
}

pub(super) enum Retry {
    Never,
    /// Exponential backoff with jitter.
    Backoff,
    /// What `retry-after` asked for.
    After(Duration),
}

impl AttemptFailure {
    /// The same failure with every text that came from upstream scrubbed of the key.
    pub(super) fn scrubbed(self, scrubber: &Scrubber) -> AttemptFailure {
        AttemptFailure { error: self.error.scrubbed(scrubber), retry: self.retry }
    }

    pub(super) fn request_id(&self) -> Option<&str> {
        match &self.error {
            Error::Api(api) => api.request_id.as_deref(),
            _ => None,
        }
    }
}

/// A body read up to a limit.
pub(super) struct Limited {
    pub(super) bytes: Vec<u8>,
    /// `false`: there was more than the limit, which was not read.
    pub(super) complete: bool,
}

/// Reads the body chunk by chunk, never holding more than `limit` bytes. With
/// `keep_partial`, an over-long body keeps its first `limit` bytes (an error page);
/// without, it is given up at once, before reading when `content-length` says so.
pub(super) async fn read_limited(
    mut response: reqwest::Response,
    limit: u64,
    keep_partial: bool,
) -> reqwest::Result<Limited> {
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
pub(super) fn grow_within(bytes: &mut Vec<u8>, more: usize, limit: usize) {
    let needed = bytes.len() + more;
    if needed > bytes.capacity() {
        let target = needed.max(bytes.capacity().saturating_mul(2)).min(limit.max(needed));
        bytes.reserve_exact(target - bytes.len());
    }
}

/// At most `max` characters, with `…` when cut.
pub(super) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

pub(super) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// Classifies a transport failure. The message never includes the URL's query or any
/// header: only what went wrong and what to do.
pub(super) fn transport_failure(e: &reqwest::Error, request: &Request, timeout: Duration) -> AttemptFailure {
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
        return AttemptFailure { error, retry: Retry::Backoff };
    }
    let retry = if request.is_read() { Retry::Backoff } else { Retry::Never };
    if e.is_timeout() {
        return AttemptFailure { error: Error::Timeout { after: timeout, write: !request.is_read() }, retry };
    }
    let kind = if e.is_body() || e.is_decode() {
        "the answer could not be read"
    } else {
        "the connection was lost before the API answered"
    };
    if !request.is_read() {
        return AttemptFailure { error: Error::Interrupted(detail), retry };
    }
    AttemptFailure { error: Error::Transport(format!("{kind}{detail}")), retry }
}

/// The error answer as the API's envelope describes it (its message cut to
/// [`MAX_MESSAGE_CHARS`]), or a summary of whatever else came. Not yet scrubbed: the
/// caller does that for the whole [`Failure`].
pub(super) fn api_error(status: u16, body: &Limited, headers: &HeaderMap, request: &Request) -> ApiError {
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

/// Only the scheme, host and port of a redirect target: its path or query may carry anything.
pub(super) fn origin_of(location: &str) -> String {
    match reqwest::Url::parse(location) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => "a relative location".to_string(),
    }
}

/// The first readable words of a non-JSON body (a proxy's HTML page), tags stripped.
pub(super) fn summarize(body: &[u8]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_target_is_shown_as_its_origin_only() {
        assert_eq!(origin_of("https://evil.example:8443/steal?token=abc"), "https://evil.example:8443");
        assert_eq!(origin_of("/v1/elsewhere"), "a relative location");
    }
}
