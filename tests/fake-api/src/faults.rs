//! Scripted faults: what the fake answers instead of the normal response (an error
//! status and body, a redirect, a delay, a dropped connection, a body streamed slowly),
//! and the HTTP date its `retry-after` headers use.

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use crate::errors::error_envelope;

/// A scripted failure answered instead of the normal response. The request is read
/// whole and recorded first, so `requests()` counts it either way.
#[derive(Clone, Debug)]
pub struct Fault {
    /// `None` matches any method.
    pub method: Option<String>,
    pub path_prefix: String,
    /// `Some(n)`: the next n matching requests; `None`: every matching request.
    pub times: Option<u32>,
    pub status: u16,
    /// Raw body; a JSON body's top-level `request_id` is replaced by the real request id.
    pub body: String,
    pub headers: Vec<(String, String)>,
    /// Close the connection without answering (after reading the request): the client
    /// sees a connection lost before the response. `status`, `body`, `headers` are unused.
    pub drop_connection: bool,
    /// Answer `status` with a body generated as it is sent instead of `body`.
    pub streamed: Option<Streamed>,
}

/// A body made while it is sent, never held whole: a user list of `bytes` bytes of valid
/// JSON, in chunks of `chunk_bytes`, each after `chunk_delay`. A client that stops
/// reading stops it.
#[derive(Clone, Debug)]
pub struct Streamed {
    pub bytes: u64,
    pub chunk_bytes: usize,
    pub chunk_delay: Duration,
}

/// The placeholder a fault's body may carry: replaced by the `x-api-key` the request
/// came with, when [`FakeAdminApi::set_echo_key`] is on (a proxy that quotes the key).
pub const ECHO_KEY_PLACEHOLDER: &str = "{x-api-key}";

impl Fault {
    pub fn api_error(path_prefix: &str, status: u16, error_type: &str, message: &str) -> Fault {
        Fault::raw(path_prefix, status, &error_envelope(error_type, message, "req_fake_fault").to_string())
    }

    /// Answers `status` with `body` as is (`text/plain` unless it is JSON; set
    /// `content-type` with [`Fault::header`], e.g. for a proxy's HTML page).
    pub fn raw(path_prefix: &str, status: u16, body: &str) -> Fault {
        Fault {
            method: None,
            path_prefix: path_prefix.into(),
            times: None,
            status,
            body: body.into(),
            headers: Vec::new(),
            drop_connection: false,
            streamed: None,
        }
    }

    /// Answers 200 with a user list of about `bytes` bytes, made while it is sent (64 KiB chunks).
    pub fn huge_body(path_prefix: &str, bytes: u64) -> Fault {
        let streamed = Streamed { bytes, chunk_bytes: 64 << 10, chunk_delay: Duration::ZERO };
        Fault { streamed: Some(streamed), ..Fault::raw(path_prefix, 200, "") }
    }

    /// Answers 200 with a user list of about `bytes` bytes, one `chunk_bytes` chunk per `chunk_delay`.
    pub fn slow_body(path_prefix: &str, bytes: u64, chunk_bytes: usize, chunk_delay: Duration) -> Fault {
        let streamed = Streamed { bytes, chunk_bytes: chunk_bytes.max(1), chunk_delay };
        Fault { streamed: Some(streamed), ..Fault::raw(path_prefix, 200, "") }
    }

    /// Answers 429 `rate_limit_error` with `retry-after` as an HTTP date (IMF-fixdate,
    /// `Wed, 21 Oct 2026 07:28:00 GMT`) for `until`.
    pub fn rate_limited_until(path_prefix: &str, until: SystemTime) -> Fault {
        Fault::api_error(path_prefix, 429, "rate_limit_error", "Rate limited").header("retry-after", &http_date(until))
    }

    /// Answers a redirect (`307`, empty body) to `location`.
    pub fn redirect(path_prefix: &str, location: &str) -> Fault {
        Fault::raw(path_prefix, 307, "").header("location", location)
    }

    /// Reads and records the request, then closes the connection without a response.
    pub fn drop_connection(path_prefix: &str) -> Fault {
        Fault { drop_connection: true, ..Fault::raw(path_prefix, 0, "") }
    }

    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }

    pub fn method(mut self, m: &str) -> Fault {
        self.method = Some(m.to_uppercase());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Fault {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|wanted| wanted.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
    }
}

pub(crate) fn insert_header(response: &mut Response, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
        response.headers_mut().insert(name, value);
    }
}

pub(crate) fn fault_response(fault: &Fault, request_id: &str, echo_key: Option<&str>) -> Response {
    if let Some(streamed) = &fault.streamed {
        let mut response = Response::new(streamed_body(streamed.clone()));
        *response.status_mut() = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::OK);
        insert_header(&mut response, header::CONTENT_TYPE.as_str(), "application/json");
        for (name, value) in &fault.headers {
            insert_header(&mut response, &name.to_lowercase(), value);
        }
        insert_header(&mut response, "request-id", request_id);
        return response;
    }
    let body = match echo_key {
        Some(key) => fault.body.replace(ECHO_KEY_PLACEHOLDER, key),
        None => fault.body.clone(),
    };
    let fault = &Fault { body, ..fault.clone() };
    let json_body = match serde_json::from_str::<Value>(&fault.body) {
        Ok(Value::Object(mut object)) => {
            if object.contains_key("request_id") {
                object.insert("request_id".into(), Value::from(request_id));
            }
            Some(Value::Object(object).to_string())
        }
        Ok(_) => Some(fault.body.clone()),
        Err(_) => None,
    };
    let content_type = if json_body.is_some() { "application/json" } else { "text/plain; charset=utf-8" };
    let mut response = Response::new(Body::from(json_body.unwrap_or_else(|| fault.body.clone())));
    *response.status_mut() = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    insert_header(&mut response, header::CONTENT_TYPE.as_str(), content_type);
    for (name, value) in &fault.headers {
        insert_header(&mut response, &name.to_lowercase(), value);
    }
    insert_header(&mut response, "request-id", request_id);
    response
}

/// The body of a [`Streamed`] fault: `{"data":[user, user, …],"has_more":false,…}`, made
/// chunk by chunk as the client reads.
pub(crate) fn streamed_body(streamed: Streamed) -> Body {
    const HEAD: &str = "{\"data\":[";
    const TAIL: &str = "],\"has_more\":false,\"first_id\":null,\"last_id\":null}";
    struct State {
        spec: Streamed,
        sent: u64,
        next_user: u64,
        done: bool,
    }
    let state = State { spec: streamed, sent: 0, next_user: 0, done: false };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        if state.done {
            return None;
        }
        if !state.spec.chunk_delay.is_zero() {
            tokio::time::sleep(state.spec.chunk_delay).await;
        }
        let mut chunk = String::with_capacity(state.spec.chunk_bytes + 256);
        if state.sent == 0 {
            chunk.push_str(HEAD);
        }
        let budget = state.spec.bytes.saturating_sub(TAIL.len() as u64);
        while chunk.len() < state.spec.chunk_bytes {
            let n = state.next_user;
            let item = format!(
                "{}{{\"type\":\"user\",\"id\":\"user_{n:09}\",\"email\":\"person{n:09}@acme.io\",\"name\":\"Person {n}\",\"role\":\"user\",\"added_at\":\"2024-01-01T00:00:00Z\"}}",
                if n == 0 { "" } else { "," }
            );
            if state.sent + (chunk.len() + item.len()) as u64 > budget && n > 0 {
                chunk.push_str(TAIL);
                state.done = true;
                break;
            }
            chunk.push_str(&item);
            state.next_user += 1;
        }
        state.sent += chunk.len() as u64;
        Some((Ok::<_, io::Error>(Bytes::from(chunk)), state))
    });
    Body::from_stream(stream)
}

/// An IMF-fixdate (RFC 9110 §5.6.7): `Wed, 21 Oct 2026 07:28:00 GMT`.
pub fn http_date(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_imf_fixdates() {
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(1_792_567_680)), "Wed, 21 Oct 2026 07:28:00 GMT");
        assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "Tue, 29 Feb 2000 00:00:00 GMT");
    }
}
