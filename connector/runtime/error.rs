//! Errors of a tool call, worded for the person or model reading the tool result.

use std::fmt;
use std::time::Duration;

use super::scrub::Scrubber;

/// A bad argument, found before anything is sent upstream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid argument `{argument}`: {rule}")]
pub struct ArgError {
    /// The argument's name as the tool's input schema spells it.
    pub argument: String,
    /// The rule it broke, in words.
    pub rule: String,
}

impl ArgError {
    pub fn new(argument: impl Into<String>, rule: impl Into<String>) -> Self {
        ArgError { argument: argument.into(), rule: rule.into() }
    }
}

/// An error answer from the Admin API, as its error body describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    /// `error.type`, e.g. `not_found_error`; `None` when the body was not the API's JSON.
    pub error_type: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    /// `retry-after` in seconds, when the API sent one.
    pub retry_after: Option<u64>,
    /// For a 404, what is missing according to the request path, e.g. ``no user `user_99` ``
    /// or ``user `user_02` is not a member of workspace `wrkspc_prod` ``.
    pub subject: Option<String>,
}

impl ApiError {
    /// What the person can do about it.
    fn hint(&self) -> Option<String> {
        Some(match self.status {
            300..=399 => return None,
            401 => "the Admin API needs an Admin API key (sk-ant-admin…, Claude Console → Settings → Admin keys) in ANTHROPIC_ADMIN_API_KEY; ordinary sk-ant-api… keys are refused, and a revoked admin key is refused too".into(),
            402 => "a billing problem on the organization; see Claude Console → Settings → Billing".into(),
            403 => "the key lacks permission for this organization or operation".into(),
            404 if self.subject.is_some() => {
                "check the ID (list tools show the current ones); it may have been removed, or belong to another organization".into()
            }
            409 => "a concurrent change or a clash with an existing object; read the current state, then try again".into(),
            413 => "the request was too large for the API".into(),
            429 => match self.retry_after {
                None => "no retry-after: this is likely a spend limit, which retrying will not lift until it resets".into(),
                Some(0) => "rate limited; try again shortly".into(),
                Some(secs) => format!("rate limited; the API asks to wait {secs} s before trying again"),
            },
            500 | 502 | 503 | 504 | 529 => "the API is having trouble; try again shortly".into(),
            _ => return None,
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Admin API error {}", self.status)?;
        if let Some(t) = &self.error_type {
            write!(f, " {t}")?;
        }
        match &self.subject {
            Some(subject) if self.message.is_empty() => write!(f, ": {subject}")?,
            Some(subject) => write!(f, ": {subject} (the API says: {})", self.message)?,
            None => write!(f, ": {}", self.message)?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(hint) = self.hint() {
            write!(f, ". Hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Why a tool call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad argument; nothing was sent.
    #[error(transparent)]
    Argument(#[from] ArgError),
    /// The API answered with an error.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request did not complete (connection, TLS, a dropped connection).
    #[error("could not reach the Admin API: {0}")]
    Transport(String),
    /// The API did not answer within the request timeout (`after`, the last attempt's limit).
    /// `write`: the request was a POST or DELETE, which may have been applied and was not retried.
    #[error(
        "the Admin API did not answer within {}{}{}",
        seconds(*after),
        if *write { NOT_RETRIED } else { "" },
        TIMEOUT_ADVICE
    )]
    Timeout { after: Duration, write: bool },
    /// A write was sent and the connection was lost before the API answered: it may have
    /// been applied, and it was not retried.
    #[error("the connection was lost after the change was sent{0}; it may have been applied, so it was not repeated")]
    Interrupted(String),
    /// The API answered 2xx with a body we could not read.
    #[error("unexpected response from {path}: {message}")]
    Decode { path: String, message: String },
    /// The API's answer to `request` (`GET /v1/…`) was larger than `limit` bytes
    /// (`--max-response-bytes`); it was not read past the limit.
    #[error(
        "the Admin API's answer to {request} is larger than the limit of {}, so it was not read. Ask for less at once (a shorter date range, a smaller per_page, fewer fields) or raise the limit with --max-response-bytes (CLAUDE_CODE_CONNECTOR_MAX_RESPONSE_BYTES)",
        byte_size(*limit)
    )]
    TooLarge { limit: u64, request: String },
    /// A bug or an impossible state on our side.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What a timed-out write adds: it may have been applied.
const NOT_RETRIED: &str = "; it was not repeated because the change may have been applied: check it first";
/// How to avoid a timeout.
const TIMEOUT_ADVICE: &str = ". If it keeps happening, raise --request-timeout (CLAUDE_CODE_CONNECTOR_REQUEST_TIMEOUT) or ask for less at once (a shorter date range, a smaller per_page)";

impl Error {
    /// Whether a write that failed so may still have been applied: the API answered with a
    /// server error (5xx), or the answer never came (a timeout, a lost connection).
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Api(api) => api.status >= 500,
            Error::Timeout { write, .. } => *write,
            Error::Interrupted(_) => true,
            _ => false,
        }
    }

    /// What happened to a write whose outcome is unknown, in a few words, without advice.
    pub fn unknown_cause(&self) -> String {
        match self {
            Error::Api(api) => {
                let mut cause = format!("the API answered {}", api.status);
                if let Some(kind) = &api.error_type {
                    cause.push_str(&format!(" {kind}"));
                }
                if !api.message.is_empty() {
                    cause.push_str(&format!(" ({})", api.message));
                }
                if let Some(id) = &api.request_id {
                    cause.push_str(&format!(", request id {id}"));
                }
                cause
            }
            Error::Timeout { after, .. } => {
                format!("the API did not answer within {} (--request-timeout)", seconds(*after))
            }
            Error::Interrupted(detail) => format!("the connection was lost before the API answered{detail}"),
            other => other.to_string(),
        }
    }

    /// The same error with every text that came from upstream (the API's message, error
    /// type and request id, transport details, decoding errors) scrubbed of the key.
    pub(crate) fn scrubbed(self, scrubber: &Scrubber) -> Error {
        let text = |text: String| scrubber.text(&text);
        match self {
            Error::Api(api) => Error::Api(ApiError {
                error_type: api.error_type.map(text),
                message: text(api.message),
                request_id: api.request_id.map(text),
                ..api
            }),
            Error::Transport(message) => Error::Transport(text(message)),
            Error::Decode { path, message } => Error::Decode { path, message: text(message) },
            Error::Interrupted(detail) => Error::Interrupted(text(detail)),
            Error::Internal(message) => Error::Internal(text(message)),
            other @ (Error::Argument(_) | Error::Timeout { .. } | Error::TooLarge { .. }) => other,
        }
    }
}

/// `32 MiB (33554432 bytes)`, `1000 bytes`.
fn byte_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB ({b} bytes)", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB ({b} bytes)", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// `60 s`, `1.5 s`, `0.2 s`.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} s", (d.as_millis() as f64 / 100.0).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, retry_after: Option<u64>, subject: Option<&str>) -> ApiError {
        ApiError {
            status,
            error_type: Some("some_error".into()),
            message: "the API's words".into(),
            request_id: Some("req_1".into()),
            retry_after,
            subject: subject.map(str::to_string),
        }
    }

    #[test]
    fn a_404_shows_the_subject_then_the_api_message_and_request_id() {
        let text = api(404, None, Some("no user `user_9`")).to_string();
        assert_eq!(
            text,
            "Admin API error 404 some_error: no user `user_9` (the API says: the API's words) (request id req_1). \
             Hint: check the ID (list tools show the current ones); it may have been removed, or belong to another organization"
        );
        assert_eq!(
            api(404, None, None).to_string(),
            "Admin API error 404 some_error: the API's words (request id req_1)"
        );
    }

    #[test]
    fn a_429_hint_depends_on_retry_after() {
        assert!(api(429, None, None).to_string().contains("spend limit"));
        assert!(api(429, Some(0), None).to_string().contains("try again shortly"));
        assert!(api(429, Some(45), None).to_string().contains("wait 45 s"));
    }

    #[test]
    fn too_large_names_the_limit_and_what_to_do() {
        let text = Error::TooLarge { limit: 32 << 20, request: "GET /v1/organizations/users".into() }.to_string();
        assert!(
            text.contains("GET /v1/organizations/users is larger than the limit of 32 MiB (33554432 bytes)"),
            "{text}"
        );
        assert!(text.contains("--max-response-bytes") && text.contains("smaller per_page"), "{text}");
        assert_eq!(byte_size(1000), "1000 bytes");
    }

    #[test]
    fn a_timeout_says_how_long_and_what_to_do() {
        let read = Error::Timeout { after: Duration::from_secs(60), write: false }.to_string();
        assert!(read.starts_with("the Admin API did not answer within 60 s. If it keeps happening"), "{read}");
        assert!(read.contains("--request-timeout") && read.contains("shorter date range"), "{read}");
        let write = Error::Timeout { after: Duration::from_millis(1500), write: true }.to_string();
        assert!(
            write.contains("within 1.5 s; it was not repeated because the change may have been applied"),
            "{write}"
        );
        assert!(!write.contains("try again"), "{write}");
        assert_eq!(seconds(Duration::from_millis(250)), "0.3 s");
    }
}
