//! Errors of a tool call, worded for the person or model reading the tool result.

use std::fmt;

/// A bad argument, found before anything is sent upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid argument `{}`: {}", self.argument, self.rule)
    }
}

impl std::error::Error for ArgError {}

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
}

impl ApiError {
    /// What the person can do about it.
    fn hint(&self) -> Option<&'static str> {
        match self.status {
            401 => Some(
                "the Admin API needs an Admin API key (sk-ant-admin...) in ANTHROPIC_ADMIN_API_KEY; ordinary sk-ant-api... keys are refused",
            ),
            403 => Some("the key lacks permission for this organization or operation"),
            429 if self.retry_after.is_none() => {
                Some("no retry-after: this is likely a spend limit, which retrying will not lift")
            }
            429 => Some("rate limited; try again shortly"),
            500 | 502 | 503 | 504 | 529 => Some("the API is having trouble; try again shortly"),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Admin API error {}", self.status)?;
        if let Some(t) = &self.error_type {
            write!(f, " {t}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(hint) = self.hint() {
            write!(f, ". Hint: {hint}")?;
        }
        Ok(())
    }
}

/// Why a tool call failed.
#[derive(Debug)]
pub enum Error {
    /// A bad argument; nothing was sent.
    Argument(ArgError),
    /// The API answered with an error.
    Api(ApiError),
    /// The request did not complete (connection, TLS, timeout).
    Transport(String),
    /// The API answered 2xx with a body we could not read.
    Decode { path: String, message: String },
    /// A bug or an impossible state on our side.
    Internal(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Argument(e) => e.fmt(f),
            Error::Api(e) => e.fmt(f),
            Error::Transport(m) => write!(f, "could not reach the Admin API: {m}"),
            Error::Decode { path, message } => write!(f, "unexpected response from {path}: {message}"),
            Error::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<ArgError> for Error {
    fn from(e: ArgError) -> Self {
        Error::Argument(e)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(e)
    }
}
