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
    /// The name of the output type (of one item, for a list).
    #[serde(default)]
    pub output: String,
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
        self.check(ctx)?;
        Ok(self.page(vec![self.example.clone()]))
    }

    /// The request's query and beta header, as strictly as an emulated endpoint checks them.
    pub fn check(&self, ctx: &RequestCtx) -> Result<(), ApiError> {
        let accepted: Vec<&str> = self.query.iter().map(String::as_str).collect();
        ctx.query.expect_only(&accepted)?;
        if let Some(missing) = self.beta.iter().find(|feature| !ctx.has_beta(feature)) {
            return Err(ApiError::invalid_request(format!(
                "anthropic-beta: this endpoint requires the beta feature '{missing}'"
            )));
        }
        Ok(())
    }

    /// `items` in the tool's page shape (one page, nothing more); one object as itself.
    pub fn page(&self, mut items: Vec<Value>) -> Value {
        match self.pagination.as_str() {
            "id_cursor" => {
                let id = |item: Option<&Value>| item.and_then(|i| i.get("id")).cloned().unwrap_or(Value::Null);
                let (first, last) = (id(items.first()), id(items.last()));
                json!({"data": items, "has_more": false, "first_id": first, "last_id": last})
            }
            "page_token" | "per_day" => json!({"data": items, "has_more": false, "next_page": null}),
            _ => items.pop().unwrap_or(Value::Null),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Query;

    fn endpoint(pagination: &str, beta: &[&str]) -> SpecEndpoint {
        SpecEndpoint {
            tool: "t_widgets".into(),
            method: "GET".into(),
            path: "/v1/organizations/workspaces/{workspace_id}/widgets".into(),
            query: vec!["limit".into(), "after_id".into(), "name".into()],
            beta: beta.iter().map(|b| b.to_string()).collect(),
            pagination: pagination.into(),
            example: json!({"id": "widget_01", "name": "W"}),
            output: "Widget".into(),
        }
    }

    /// The organization of the requests' key.
    static ORGANIZATION: std::sync::LazyLock<crate::Organization> = std::sync::LazyLock::new(Default::default);

    fn ctx<'a>(query: &'a [(String, String)], beta: Vec<&'a str>) -> RequestCtx<'a> {
        RequestCtx {
            path: "/v1/organizations/workspaces/w/widgets",
            query: Query::new(query),
            body: None,
            beta_features: beta,
            organization: &ORGANIZATION,
        }
    }

    #[test]
    fn a_template_fits_its_method_and_any_one_segment_per_placeholder() {
        let e = endpoint("none", &[]);
        assert!(e.matches("GET", &["workspaces", "wrkspc_1", "widgets"]));
        assert!(!e.matches("POST", &["workspaces", "wrkspc_1", "widgets"]));
        assert!(!e.matches("GET", &["workspaces", "wrkspc_1", "widgets", "x"]));
        assert!(!e.matches("GET", &["workspaces", "wrkspc_1", "gadgets"]));
    }

    #[test]
    fn the_example_is_answered_in_the_tools_page_shape() {
        let none: Vec<(String, String)> = Vec::new();
        assert_eq!(endpoint("none", &[]).answer(&ctx(&none, vec![])).unwrap()["id"], "widget_01");
        let page = endpoint("id_cursor", &[]).answer(&ctx(&none, vec![])).unwrap();
        assert_eq!(
            page,
            json!({"data": [{"id": "widget_01", "name": "W"}], "has_more": false, "first_id": "widget_01", "last_id": "widget_01"})
        );
        let report = endpoint("page_token", &[]).answer(&ctx(&none, vec![])).unwrap();
        assert_eq!((report["has_more"].clone(), report["next_page"].clone()), (json!(false), Value::Null));
    }

    #[test]
    fn unknown_query_parameters_and_a_missing_beta_header_are_refused() {
        let query = vec![("color".to_string(), "red".to_string())];
        let error = endpoint("none", &[]).answer(&ctx(&query, vec![])).unwrap_err();
        assert!(error.status == 400 && error.message.contains("color"), "{error:?}");
        let none: Vec<(String, String)> = Vec::new();
        let error = endpoint("none", &["widgets-2026-01-01"]).answer(&ctx(&none, vec![])).unwrap_err();
        assert!(error.status == 400 && error.message.contains("widgets-2026-01-01"), "{error:?}");
        assert!(endpoint("none", &["widgets-2026-01-01"]).answer(&ctx(&none, vec!["widgets-2026-01-01"])).is_ok());
    }
}
