//! Endpoints of the spec the fake does not emulate, answered from the spec: the
//! connector's generated `endpoints.json` gives each tool's method, path template,
//! query parameters, beta features, pagination and an example answer (its output
//! type's `example:`). A request that matches such a template, and no handler of the
//! fake, gets that example, as strictly checked as the emulated endpoints (unknown query
//! parameters and a missing beta header are refused), in one page when the tool pages.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::server::RequestCtx;

/// One endpoint of the spec, as `endpoints.json` describes it.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct SpecEndpoint {
    pub tool: String,
    pub method: String,
    /// `/v1/organizations/users/{user_id}`.
    pub path: String,
    /// The query parameters the tool may send.
    pub query: Vec<String>,
    pub beta: Vec<String>,
    /// `none`, `id_cursor`, `page_token` or `per_day`.
    pub pagination: String,
    /// One object, or one item of a list.
    pub example: Value,
}

/// Reads `endpoints.json`.
pub(crate) fn parse(json: &str) -> Result<Vec<SpecEndpoint>, String> {
    serde_json::from_str(json).map_err(|e| format!("endpoints.json does not describe endpoints: {e}"))
}

impl SpecEndpoint {
    /// Whether a request's method and path segments (after `/v1/organizations/`) fit this
    /// endpoint's template, a placeholder fitting any one segment.
    pub fn matches(&self, method: &str, segments: &[&str]) -> bool {
        let template: Vec<&str> = self.segments().collect();
        self.method == method
            && template.len() == segments.len()
            && template.iter().zip(segments).all(|(t, s)| t.starts_with('{') || t == s)
    }

    /// The template's segments after `/v1/organizations/`.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.path.strip_prefix(crate::server::PATH_PREFIX).unwrap_or_default().split('/')
    }

    /// The example answer, in the tool's page shape (one page, nothing more).
    pub fn answer(&self, ctx: &RequestCtx) -> Result<Value, ApiError> {
        let accepted: Vec<&str> = self.query.iter().map(String::as_str).collect();
        ctx.query.expect_only(&accepted)?;
        if let Some(missing) = self.beta.iter().find(|feature| !ctx.has_beta(feature)) {
            return Err(ApiError::invalid_request(format!(
                "anthropic-beta: this endpoint requires the beta feature '{missing}'"
            )));
        }
        let example = self.example.clone();
        Ok(match self.pagination.as_str() {
            "id_cursor" => {
                let id = example.get("id").cloned().unwrap_or(Value::Null);
                json!({"data": [example], "has_more": false, "first_id": id, "last_id": id})
            }
            "page_token" | "per_day" => json!({"data": [example], "has_more": false, "next_page": null}),
            _ => example,
        })
    }
}
