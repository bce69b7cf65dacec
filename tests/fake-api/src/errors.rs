//! The API error envelope and the typed error every handler returns instead of panicking.

use serde_json::{Value, json};

#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub status: u16,
    pub error_type: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, error_type: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, error_type, message: message.into() }
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(400, "invalid_request_error", message)
    }

    pub fn authentication(message: impl Into<String>) -> Self {
        Self::new(401, "authentication_error", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "not_found_error", message)
    }

    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(405, "invalid_request_error", format!("Method {method} is not allowed on {path}"))
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "api_error", message)
    }

    /// `name: Input should be 'a', 'b' or 'c', got 'value'`.
    pub fn not_one_of(name: &str, value: &str, allowed: &[&str]) -> Self {
        let choices: Vec<String> = allowed.iter().map(|choice| format!("'{choice}'")).collect();
        Self::invalid_request(format!("{name}: Input should be one of {}, got '{value}'", choices.join(", ")))
    }

    pub fn extra_input(name: &str, location: &str) -> Self {
        Self::invalid_request(format!("{name}: Extra inputs are not permitted (unknown {location})"))
    }

    pub fn to_body(&self, request_id: &str) -> Value {
        error_envelope(self.error_type, &self.message, request_id)
    }
}

pub(crate) fn error_envelope(error_type: &str, message: &str, request_id: &str) -> Value {
    json!({
        "type": "error",
        "error": { "type": error_type, "message": message },
        "request_id": request_id,
    })
}
