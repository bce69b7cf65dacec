//! Test harness: a fake Admin API, the connector wired to it, and an rmcp client
//! talking to the connector over an in-process duplex pipe.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use claude_code_connector::pipeline::Connector;
use claude_code_connector::runtime::{AdminKey, Http, HttpConfig, RetryPolicy};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi, RecordedRequest};
use rmcp::model::{CallToolRequestParams, CallToolResult, ClientRequest, ProgressNotificationParam, Request, Tool};
use rmcp::service::{NotificationContext, PeerRequestOptions, RequestHandle, RunningService};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{Map, Value, json};

/// Records the progress notifications the server sends.
#[derive(Clone, Default)]
pub struct RecordingClient {
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

impl ClientHandler for RecordingClient {
    async fn on_progress(&self, params: ProgressNotificationParam, _context: NotificationContext<RoleClient>) {
        self.progress.lock().unwrap().push(params);
    }
}

pub struct Harness {
    pub fake: FakeAdminApi,
    pub mcp: RunningService<RoleClient, RecordingClient>,
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

/// Retries fast so failure tests do not sleep.
pub fn fast_config(base_url: &str) -> HttpConfig {
    let mut config = HttpConfig::new(AdminKey::new(FAKE_ADMIN_KEY));
    config.base_url = base_url.to_string();
    config.retry =
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(5) };
    config
}

impl Harness {
    pub async fn start(dataset: Dataset) -> Harness {
        let fake = FakeAdminApi::start(dataset).await;
        Harness::with_config(fake.clone(), fast_config(&fake.base_url())).await
    }

    pub async fn with_config(fake: FakeAdminApi, config: HttpConfig) -> Harness {
        Harness::with_connector(fake, config, |connector| connector).await
    }

    /// A connector configured by `setup` (policy, audit, limits).
    pub async fn with_connector(
        fake: FakeAdminApi,
        config: HttpConfig,
        setup: impl FnOnce(Connector) -> Connector,
    ) -> Harness {
        Harness::with_http(fake, Http::new(config).expect("valid config"), setup).await
    }

    /// A connector over `http` (which the test may keep a clone of), configured by `setup`.
    pub async fn with_http(fake: FakeAdminApi, http: Http, setup: impl FnOnce(Connector) -> Connector) -> Harness {
        // Endpoints of the spec the fake does not emulate answer from the spec's examples.
        fake.answer_from_spec(claude_code_connector::generated::ENDPOINTS_JSON).expect("the spec's endpoints");
        Harness::serving(fake, setup(Connector::new(http).with_audit(None))).await
    }

    /// `connector` (of any registry) served over MCP to a test client.
    pub async fn serving(fake: FakeAdminApi, connector: Connector) -> Harness {
        let (server_io, client_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            if let Ok(running) = connector.serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        let handler = RecordingClient::default();
        let progress = handler.progress.clone();
        let mcp = handler.serve(client_io).await.expect("MCP handshake");
        Harness { fake, mcp, progress }
    }

    pub async fn list_tools(&self) -> Vec<Tool> {
        self.mcp.list_all_tools().await.expect("tools/list")
    }

    pub async fn call(&self, name: &str, arguments: Value) -> CallToolResult {
        let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
        self.mcp
            .call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(arguments))
            .await
            .expect("tools/call answered")
    }

    /// Starts a call that can be cancelled; rmcp attaches a progress token to it.
    pub async fn start_call(&self, name: &str, arguments: Value) -> RequestHandle<RoleClient> {
        let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
        let params = CallToolRequestParams::new(name.to_string()).with_arguments(arguments);
        self.mcp
            .send_cancellable_request(
                ClientRequest::CallToolRequest(Request::new(params)),
                PeerRequestOptions::no_options(),
            )
            .await
            .expect("request sent")
    }

    /// Calls with a progress token (rmcp attaches one to cancellable requests).
    pub async fn call_with_progress(&self, name: &str, arguments: Value) -> CallToolResult {
        let handle = self.start_call(name, arguments).await;
        match handle.await_response().await.expect("response") {
            rmcp::model::ServerResult::CallToolResult(result) => result,
            other => panic!("unexpected response {other:?}"),
        }
    }

    /// A successful call's structured content. Also checks the text: the summary line
    /// (the same as the structured `summary`), then the data as a table, not JSON.
    pub async fn ok(&self, name: &str, arguments: Value) -> Value {
        let result = self.call(name, arguments).await;
        assert_ne!(result.is_error, Some(true), "{name} failed: {}", text_of(&result));
        let structured = result.structured_content.clone().expect("structuredContent");
        let text = text_of(&result);
        let summary = text.lines().next().expect("a summary line");
        assert!(!summary.is_empty() && !summary.starts_with('{'), "{name}: the text opens with a summary: {text}");
        assert_eq!(structured["summary"].as_str(), Some(summary), "{name}: the structured result repeats the summary");
        assert!(!text.contains("{\""), "{name}: the text is a table, not JSON: {text}");
        structured
    }

    /// A call's text content.
    pub async fn text(&self, name: &str, arguments: Value) -> String {
        text_of(&self.call(name, arguments).await)
    }

    /// A failed call's text.
    pub async fn err(&self, name: &str, arguments: Value) -> String {
        let result = self.call(name, arguments).await;
        assert_eq!(result.is_error, Some(true), "{name} should fail, got {}", text_of(&result));
        text_of(&result)
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.fake.requests()
    }

    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        let requests = self.fake.requests();
        self.fake.clear_requests();
        requests
    }
}

pub fn text_of(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<Vec<_>>().join("\n")
}

/// The query as sorted `name=value` strings, for exact comparison.
pub fn query_of(request: &RecordedRequest) -> Vec<String> {
    let mut pairs: Vec<String> = request.query.iter().map(|(n, v)| format!("{n}={v}")).collect();
    pairs.sort();
    pairs
}

pub fn sorted(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// A plausible value for an argument of the seed dataset, by name, then by schema.
pub fn value_for(name: &str, schema: &Value) -> Value {
    let by_name = match name {
        "user_id" => Some("user_05"),
        "workspace_id" => Some("wrkspc_dev"),
        "invite_id" => Some("invite_0"),
        "api_key_id" => Some("apikey_a"),
        "email" => Some("new.person@acme.io"),
        "start_date" => Some("2026-03-01"),
        "end_date" => Some("2026-03-03"),
        "name" => Some("Redaction check"),
        _ => None,
    };
    if let Some(value) = by_name {
        return json!(value);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
        return first.clone();
    }
    for alternative in ["anyOf", "oneOf"] {
        if let Some(first) = schema[alternative].as_array().and_then(|schemas| schemas.first()) {
            return value_for(name, first);
        }
    }
    match schema["type"].as_str() {
        Some("integer" | "number") => schema.get("minimum").cloned().unwrap_or(json!(1)),
        Some("boolean") => json!(false),
        Some("array") => json!([value_for(name, &schema["items"])]),
        Some("object") => json!({}),
        _ => json!("x"),
    }
}

/// Arguments from a tool's inputSchema: every required one, plus `name` where the tool
/// takes one (an update needs at least one change).
pub fn arguments_for(schema: &Value) -> Value {
    let properties = schema["properties"].as_object().cloned().unwrap_or_default();
    let mut arguments = Map::new();
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    for name in required.iter().filter_map(Value::as_str).chain(properties.contains_key("name").then_some("name")) {
        arguments.insert(name.to_string(), value_for(name, &properties[name]));
    }
    Value::Object(arguments)
}
