//! The MCP server: rmcp's `ServerHandler` over the generated tool registry.
//!
//! Tool calls are dispatched by the generated `tools::call`; this module adds what
//! MCP needs around it: the tool list, results as structured content, errors as
//! `isError` results, progress notifications, cancellation, and panic isolation.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ProgressNotificationParam, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::generated::SERVER;
use crate::generated::client::Client;
use crate::generated::tools::{DEFINITIONS, ToolId, call};
use crate::runtime::{JsonObject, OutputSchema, Progress, ToolDefinition};

/// The connector as an MCP server. Cheap to clone.
#[derive(Clone)]
pub struct Connector {
    client: Client,
    tools: Arc<Vec<Tool>>,
}

impl Connector {
    pub fn new(client: Client) -> Self {
        Connector { client, tools: Arc::new(tool_list()) }
    }

    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// Runs one tool call: validation, the API calls, the result or the error as MCP content.
    pub async fn run_tool(&self, tool: ToolId, arguments: &JsonObject, progress: Option<Progress>) -> CallToolResult {
        let client = match progress {
            Some(progress) => self.client.with_progress(progress),
            None => self.client.clone(),
        };
        let outcome = AssertUnwindSafe(call(&client, tool, arguments)).catch_unwind().await;
        match outcome {
            Ok(Ok(value)) => {
                tracing::info!(tool = tool.name(), "tool call succeeded");
                CallToolResult::structured(value)
            }
            Ok(Err(error)) => {
                tracing::info!(tool = tool.name(), %error, "tool call failed");
                CallToolResult::error(vec![ContentBlock::text(error.to_string())])
            }
            Err(_) => {
                tracing::error!(tool = tool.name(), "tool call panicked");
                CallToolResult::error(vec![ContentBlock::text(format!(
                    "internal error: {} failed unexpectedly; the server is still running, please report this",
                    tool.name()
                ))])
            }
        }
    }
}

/// The MCP tool list, built once from the generated definitions.
pub fn tool_list() -> Vec<Tool> {
    DEFINITIONS.iter().map(mcp_tool).collect()
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

/// Forwards progress to the client in order, as `notifications/progress`.
fn progress_reporter(context: &RequestContext<RoleServer>) -> Option<Progress> {
    let token = context.meta.get_progress_token()?;
    let peer = context.peer.clone();
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(u64, u64)>();
    tokio::spawn(async move {
        while let Some((done, total)) = receiver.recv().await {
            let param = ProgressNotificationParam::new(token.clone(), done as f64)
                .with_total(total as f64)
                .with_message(format!("{done} of {total} days fetched"));
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
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")).with_title(SERVER.title),
            )
            .with_instructions(SERVER.instructions)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(tool) = ToolId::from_name(&request.name) else {
            return Err(ErrorData::invalid_params(format!("unknown tool: {}", request.name), None));
        };
        let arguments = request.arguments.unwrap_or_default();
        let progress = progress_reporter(&context);
        tokio::select! {
            result = self.run_tool(tool, &arguments, progress) => Ok(result.into()),
            () = context.ct.cancelled() => {
                tracing::info!(tool = tool.name(), "tool call cancelled by the client; upstream work aborted");
                Ok(CallToolResult::error(vec![ContentBlock::text("cancelled by the client")]).into())
            }
        }
    }
}
