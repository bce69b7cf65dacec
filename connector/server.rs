//! The MCP server: rmcp's `ServerHandler` over the generated tool registry.
//!
//! Tool calls are dispatched by the generated `tools::call`; this module adds what
//! MCP needs around it: the tool list (as the operator's [`Policy`] allows), results
//! as structured content (capped in size), errors as `isError` results, progress
//! notifications, cancellation, a deadline per call, panic isolation, and the audit
//! line of every write.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::FutureExt;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams, GetPromptResponse,
    GetPromptResult, Implementation, ListPromptsResult, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, Prompt, PromptArgument, PromptMessage, Role, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::audit::{AuditLog, Outcome};
use crate::generated::client::Client;
use crate::generated::tools::{DEFINITIONS, ToolId, call};
use crate::generated::{PROMPTS, SERVER};
use crate::policy::Policy;
use crate::result_cap::{DEFAULT_MAX_RESULT_BYTES, cap};
use crate::runtime::{Error, JsonObject, OutputSchema, Progress, PromptDefinition, RequestIds, ToolDefinition, Value};
use crate::summary;

/// Bounds on one tool call.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole call, retries and pages included.
    pub call_timeout: Duration,
    /// Larger results are cut (see [`crate::result_cap`]).
    pub max_result_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { call_timeout: Duration::from_secs(300), max_result_bytes: DEFAULT_MAX_RESULT_BYTES }
    }
}

/// The connector as an MCP server. Cheap to clone.
#[derive(Clone)]
pub struct Connector {
    client: Client,
    /// The MCP tool list `policy` exposes, built on first use: parsing every schema is
    /// the largest part of start-up otherwise.
    tools: Arc<OnceLock<Vec<Tool>>>,
    policy: Arc<Policy>,
    audit: Option<Arc<AuditLog>>,
    limits: Limits,
    instructions: Arc<str>,
    /// A line that opens every result's text (the sandbox says so).
    result_note: Option<Arc<str>>,
}

/// How one call ended.
enum CallOutcome {
    Done(Value),
    Failed(Error),
    Panicked,
    TimedOut,
    Cancelled,
}

/// A call's outcome and the API's request ids of the answers it got (for writes).
struct Ended {
    outcome: CallOutcome,
    request_ids: Option<RequestIds>,
}

impl Connector {
    /// Every tool, no limits beyond the defaults, writes audited to stderr.
    pub fn new(client: Client) -> Self {
        Connector {
            client,
            tools: Arc::default(),
            policy: Arc::new(Policy::default()),
            audit: Some(Arc::new(AuditLog::stderr())),
            limits: Limits::default(),
            instructions: Arc::from(SERVER.instructions),
            result_note: None,
        }
    }

    /// Puts `prefix` before the spec's instructions at `initialize`.
    #[must_use]
    pub fn with_instructions_prefix(mut self, prefix: &str) -> Self {
        self.instructions = Arc::from(format!("{prefix} {}", SERVER.instructions));
        self
    }

    /// Opens every result's text (success or error) with `note` on its own line.
    #[must_use]
    pub fn with_result_note(mut self, note: &str) -> Self {
        self.result_note = Some(Arc::from(note));
        self
    }

    /// Lists and allows only what `policy` permits.
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.tools = Arc::default();
        self.policy = Arc::new(policy);
        self
    }

    /// Where write calls are audited (`None`: nowhere).
    #[must_use]
    pub fn with_audit(mut self, audit: Option<AuditLog>) -> Self {
        self.audit = audit.map(Arc::new);
        self
    }

    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn tools(&self) -> &[Tool] {
        self.tools.get_or_init(|| tool_list(&self.policy))
    }

    /// How many tools the policy exposes, without building their MCP descriptions.
    pub fn tool_count(&self) -> usize {
        DEFINITIONS.iter().filter(|def| self.policy.exposes(def)).count()
    }

    /// Runs one tool call: validation, the API calls, the result or the error as MCP content.
    pub async fn run_tool(&self, tool: ToolId, arguments: &JsonObject, progress: Option<Progress>) -> CallToolResult {
        let (client, request_ids) = self.client_for(tool, progress);
        let outcome = self.run(&client, tool, arguments).await;
        self.finish(tool, arguments, Ended { outcome, request_ids })
    }

    /// The client for one call: reporting progress, and keeping request ids for a write's audit line.
    fn client_for(&self, tool: ToolId, progress: Option<Progress>) -> (Client, Option<RequestIds>) {
        let client = match progress {
            Some(progress) => self.client.with_progress(progress),
            None => self.client.clone(),
        };
        if tool.definition().annotations.read_only || self.audit.is_none() {
            return (client, None);
        }
        let (http, ids) = client.http().recording_ids();
        (Client::new(http), Some(ids))
    }

    async fn run(&self, client: &Client, tool: ToolId, arguments: &JsonObject) -> CallOutcome {
        let call = AssertUnwindSafe(call(client, tool, arguments)).catch_unwind();
        match tokio::time::timeout(self.limits.call_timeout, call).await {
            Ok(Ok(Ok(value))) => CallOutcome::Done(value),
            Ok(Ok(Err(error))) => CallOutcome::Failed(error),
            Ok(Err(_)) => CallOutcome::Panicked,
            Err(_) => CallOutcome::TimedOut,
        }
    }

    /// Logs and audits the outcome and turns it into MCP content.
    fn finish(&self, tool: ToolId, arguments: &JsonObject, ended: Ended) -> CallToolResult {
        let name = tool.name();
        let (result, audited) = match ended.outcome {
            CallOutcome::Done(value) => {
                tracing::info!(tool = name, "tool call succeeded");
                let value = cap(value, self.limits.max_result_bytes);
                let definition = tool.definition();
                let fields = definition.fields_argument.and_then(|name| arguments.get(name));
                let text = summary::text(definition.result_shape, &value, fields);
                // Not `CallToolResult::structured`: it would serialize the whole value
                // into a text block, only for the summary text to replace it.
                let mut result = CallToolResult::success(vec![ContentBlock::text(self.noted(text))]);
                result.structured_content = Some(value);
                (result, Outcome::Ok)
            }
            CallOutcome::Failed(error) => {
                tracing::info!(tool = name, %error, "tool call failed");
                let message = error.to_string();
                (self.error_result(&message), Outcome::Error(message))
            }
            CallOutcome::Panicked => {
                tracing::error!(tool = name, "tool call panicked");
                let message = format!(
                    "internal error: {name} failed unexpectedly; the server is still running, please report this"
                );
                (self.error_result(&message), Outcome::Error(message))
            }
            CallOutcome::TimedOut => {
                let secs = self.limits.call_timeout.as_secs();
                tracing::warn!(tool = name, secs, "tool call timed out");
                let message = format!(
                    "{name} did not finish within {secs} s, so it was stopped (upstream work aborted); ask for less at once (a shorter date range), or raise --call-timeout"
                );
                (self.error_result(&message), Outcome::TimedOut)
            }
            CallOutcome::Cancelled => {
                tracing::info!(tool = name, "tool call cancelled by the client; upstream work aborted");
                (self.error_result("cancelled by the client"), Outcome::Cancelled)
            }
        };
        let request_ids = ended.request_ids.map(|ids| ids.get()).unwrap_or_default();
        self.audit(tool.definition(), arguments, &audited, &request_ids);
        result
    }

    fn audit(&self, tool: &ToolDefinition, arguments: &JsonObject, outcome: &Outcome, request_ids: &[String]) {
        if let Some(audit) = &self.audit
            && !tool.annotations.read_only
        {
            audit.record(tool, arguments, outcome, request_ids);
        }
    }
}

impl Connector {
    fn noted(&self, text: String) -> String {
        match &self.result_note {
            Some(note) => format!("{note}\n{text}"),
            None => text,
        }
    }

    fn error_result(&self, message: &str) -> CallToolResult {
        CallToolResult::error(vec![ContentBlock::text(self.noted(message.to_string()))])
    }
}

/// The MCP tool list `policy` exposes, in spec order.
pub fn tool_list(policy: &Policy) -> Vec<Tool> {
    DEFINITIONS.iter().filter(|def| policy.exposes(def)).map(mcp_tool).collect()
}

fn mcp_tool(def: &ToolDefinition) -> Tool {
    let input: JsonObject = serde_json::from_str(def.input_schema).unwrap_or_default();
    let mut tool = Tool::new(def.name, def.description, Arc::new(input)).with_title(def.title);
    let output = match def.output_schema {
        OutputSchema::Json(text) => serde_json::from_str::<JsonObject>(text).ok(),
        OutputSchema::Derived(schema) => Some(schema()),
        OutputSchema::None => None,
    };
    if let Some(output) = output {
        tool = tool.with_raw_output_schema(Arc::new(output));
    }
    let a = def.annotations;
    tool.with_annotations(ToolAnnotations::from_raw(
        None,
        Some(a.read_only),
        Some(a.destructive),
        Some(a.idempotent),
        Some(a.open_world),
    ))
}

fn mcp_prompt(def: &PromptDefinition) -> Prompt {
    let arguments = def
        .arguments
        .iter()
        .map(|a| PromptArgument::new(a.name).with_description(a.description).with_required(a.required))
        .collect();
    Prompt::new(def.name, Some(def.description), Some(arguments)).with_title(def.title)
}

/// Forwards progress to the client in order, as `notifications/progress`.
fn progress_reporter(context: &RequestContext<RoleServer>) -> Option<Progress> {
    let token = context.meta.get_progress_token()?;
    let peer = context.peer.clone();
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(u64, u64)>();
    tokio::spawn(async move {
        while let Some((done, total)) = receiver.recv().await {
            let param = ProgressNotificationParam::new(token.clone(), done as f64)
                .with_total(total as f64)
                .with_message(format!("{done} of {total} fetched"));
            if peer.notify_progress(param).await.is_err() {
                break;
            }
        }
    });
    Some(Progress::new(move |done, total| {
        let _ = sender.send((done, total));
    }))
}

impl ServerHandler for Connector {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_prompts().build())
            .with_server_info(
                Implementation::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")).with_title(SERVER.title),
            )
            .with_instructions(self.instructions.to_string())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools().to_vec()))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(PROMPTS.iter().map(mcp_prompt).collect()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let Some(prompt) = PROMPTS.iter().find(|p| p.name == request.name) else {
            let names: Vec<&str> = PROMPTS.iter().map(|p| p.name).collect();
            return Err(ErrorData::invalid_params(
                format!("unknown prompt: {}; the prompts are: {}", request.name, names.join(", ")),
                None,
            ));
        };
        let text = prompt
            .render(&request.arguments.unwrap_or_default())
            .map_err(|e| ErrorData::invalid_params(e.to_string(), None))?;
        let text = self.noted(text);
        Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(prompt.description)
            .into())
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools().iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(tool) = ToolId::from_name(&request.name) else {
            return Err(ErrorData::invalid_params(format!("unknown tool: {}", request.name), None));
        };
        if !self.policy.exposes(tool.definition()) {
            return Err(ErrorData::invalid_params(self.policy.hidden_reason(tool.definition()), None));
        }
        let arguments = request.arguments.unwrap_or_default();
        if let Err(refusal) = self.policy.check_call(tool.definition(), &arguments) {
            tracing::warn!(tool = tool.name(), %refusal, "write refused by policy");
            self.audit(tool.definition(), &arguments, &Outcome::Refused(refusal.0.clone()), &[]);
            return Ok(self.error_result(&refusal.0).into());
        }
        let (client, request_ids) = self.client_for(tool, progress_reporter(&context));
        let outcome = tokio::select! {
            outcome = self.run(&client, tool, &arguments) => outcome,
            () = context.ct.cancelled() => CallOutcome::Cancelled,
        };
        Ok(self.finish(tool, &arguments, Ended { outcome, request_ids }).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{AdminKey, Http, HttpConfig};

    #[test]
    fn the_tool_list_is_built_on_first_use_not_at_start_up() {
        let mut config = HttpConfig::new(AdminKey::new("sk-ant-admin01-test"));
        config.base_url = "http://127.0.0.1:9".into();
        let connector =
            Connector::new(Client::new(Http::new(config).unwrap())).with_policy(Policy::default().read_only(true));
        assert!(connector.tools.get().is_none(), "the tool list was built before anyone asked for it");
        let expected = DEFINITIONS.iter().filter(|def| def.annotations.read_only).count();
        assert_eq!(connector.tool_count(), expected);
        assert_eq!(connector.tools().len(), expected, "the list follows the policy set after `new`");
        assert!(connector.clone().tools.get().is_some(), "clones share the built list");
    }
}
