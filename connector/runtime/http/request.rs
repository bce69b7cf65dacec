//! One request to the Admin API: its method, path, query, body and headers, and one
//! attempt at sending it ([`Http::send_once`]), counted and with its `request-id` kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

use super::Http;
use super::response::{
    AttemptFailure, MAX_ERROR_BODY_BYTES, MAX_TOKEN_CHARS, Retry, api_error, cut, header_text, read_limited,
    transport_failure,
};
use crate::runtime::JsonObject;
use crate::runtime::date::Date;
use crate::runtime::error::Error;

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

    pub(super) fn as_reqwest(self) -> reqwest::Method {
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
    /// The last UTC day the answer covers, for a report whose spec says which argument
    /// closes its range (`cache: {closed_after: ARG}`): once that day has settled, the
    /// answer is final and may be cached ([`crate::runtime::cache`]). `None`: never cached.
    pub closes: Option<Date>,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            not_found: None,
            headers: Vec::new(),
            closes: None,
        }
    }

    /// The spec's `cache: {closed_after: ARG}`: the answer covers days up to `last_day`.
    pub fn closed_after(&mut self, last_day: &Date) {
        self.closes = Some(*last_day);
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

    /// Sends a JSON object body, empty until fields are set (the spec declares it: a POST
    /// with body arguments, or `body: empty`); without it the request has no body.
    #[must_use]
    pub fn with_json_body(mut self) -> Self {
        self.body.get_or_insert_with(JsonObject::new);
        self
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
    pub(super) fn is_read(&self) -> bool {
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

/// Counts the requests sent through an [`Http`]: every attempt, retries included.
#[derive(Debug, Clone, Default)]
pub struct RequestCount(pub(super) Arc<AtomicU32>);

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

    pub(super) fn push(&self, id: String) {
        if let Ok(mut ids) = self.0.lock() {
            ids.push(id);
        }
    }
}

impl Http {
    /// One attempt. The failure says whether the request may have reached the API.
    pub(super) async fn send_once(&self, request: &Request, timeout: Duration) -> Result<Vec<u8>, AttemptFailure> {
        let local = |error: Error| AttemptFailure { error, retry: Retry::Never };
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
                return Err(AttemptFailure { error: Error::TooLarge { limit, request }, retry: Retry::Never });
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
        Err(AttemptFailure { error: Error::Api(error), retry })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_segment_cannot_escape() {
        assert_eq!(path_segment("user_01-a"), "user_01-a");
        assert_eq!(path_segment("../x?y"), "%2E%2E%2Fx%3Fy");
    }
}
