//! MCP over the pipeline: rmcp's `ServerHandler` for [`Connector`], turning requests
//! into pipeline calls and outcomes into MCP results, with progress notifications and
//! cancellation. Both transports serve it: stdio directly, HTTP per tenant.

use std::sync::Arc;

use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult,
    CompletionInfo, ContentBlock, GetPromptRequestParams, GetPromptResponse, GetPromptResult, Implementation,
    ListPromptsResult, ListToolsResult, MetaObject, PaginatedRequestParams, ProgressNotificationParam, Prompt,
    PromptArgument, PromptMessage, ProtocolVersion, Reference, Role, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::pipeline::{CallRequest, Connector, FailureKind, ToolOutcome};
use crate::runtime::envelope::{self, Added};
use crate::runtime::{JsonObject, OutputSchema, Progress, PromptDefinition, ToolDefinition};

impl Connector {
    /// The MCP tool list the policy exposes, built on first use.
    pub fn tools(&self) -> &[Tool] {
        self.tools.get_or_init(|| self.exposed().map(mcp_tool).collect())
    }

    /// Opens `text` with the result note (of `tool`'s success), if any.
    fn noted(&self, tool: Option<&str>, text: &str) -> String {
        let note = match tool {
            Some(tool) => self.result_note_for(tool),
            None => self.result_note().map(str::to_string),
        };
        match note {
            Some(note) => format!("{note}\n{text}"),
            None => text.to_string(),
        }
    }

    /// An outcome as MCP says it: a result (`isError` for a failed call) or, for a tool
    /// this server does not have, a JSON-RPC error.
    fn mcp_result(&self, outcome: ToolOutcome) -> Result<CallToolResult, ErrorData> {
        match outcome {
            ToolOutcome::Success(answer) => {
                // Not `CallToolResult::structured`: it would serialize the whole value
                // into a text block, only for the summary text to replace it.
                let tool = answer.tool.name;
                let mut result =
                    CallToolResult::success(vec![ContentBlock::text(self.noted(Some(tool), &answer.text))]);
                let mut value = answer.value;
                if let Some(note) = self.result_note_for(tool) {
                    Added { notice: Some(note), ..Added::default() }.write(&mut value);
                }
                result.structured_content = Some(value);
                // The same for clients that read `_meta` rather than the structured value.
                let mut meta = JsonObject::new();
                meta.insert(envelope::UPSTREAM.to_string(), answer.upstream.to_value());
                result.meta = Some(MetaObject(meta));
                Ok(result)
            }
            ToolOutcome::Failure(failure) => match failure.kind {
                FailureKind::UnknownTool | FailureKind::NotExposed => {
                    Err(ErrorData::invalid_params(failure.message, None))
                }
                _ => Ok(CallToolResult::error(vec![ContentBlock::text(self.noted(None, &failure.message))])),
            },
        }
    }
}

impl Connector {
    /// The prompt of this name, or the JSON-RPC error that lists the prompts.
    fn prompt(&self, name: &str) -> Result<&'static PromptDefinition, ErrorData> {
        let prompts = self.registry().prompts;
        prompts.iter().find(|p| p.name == name).ok_or_else(|| {
            let names: Vec<&str> = prompts.iter().map(|p| p.name).collect();
            let shown: String = name.chars().take(80).collect();
            ErrorData::invalid_params(format!("unknown prompt: {shown}; the prompts are: {}", names.join(", ")), None)
        })
    }

    /// `ttlMs` and `cacheScope` of a list result for this request: the connector's list
    /// TTL, private (the tool list follows this connector's policy, a tenant's over HTTP),
    /// from protocol 2026-07-28 on, which defines them; nothing for older clients, whose
    /// protocol has no such fields.
    fn list_cache_hints(&self, context: &RequestContext<RoleServer>) -> (Option<u64>, Option<CacheScope>) {
        let current = context.protocol_version().is_some_and(|v| v.as_str() >= ProtocolVersion::V_2026_07_28.as_str());
        if !current {
            return (None, None);
        }
        (Some(u64::try_from(self.list_ttl.as_millis()).unwrap_or(u64::MAX)), Some(CacheScope::Private))
    }
}

fn mcp_tool(def: &ToolDefinition) -> Tool {
    let input: JsonObject = serde_json::from_str(def.input_schema).unwrap_or_default();
    let mut tool = Tool::new(def.name, def.description, Arc::new(input)).with_title(def.title);
    let output = match def.output_schema {
        OutputSchema::Json(text) => serde_json::from_str::<JsonObject>(text).ok(),
        OutputSchema::Derived(schema) => Some(schema()),
        OutputSchema::None => None,
    };
    // What the connector adds to every result (and a roll-up), declared from its types.
    let output = output.map(|schema| envelope::declare(schema, def.aggregation.is_some()));
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
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_prompts().enable_completions().build())
            .with_server_info(
                Implementation::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")).with_title(self.server().title),
            )
            .with_instructions(self.instructions().to_string())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let mut list = ListToolsResult::with_all_items(self.tools().to_vec());
        (list.ttl_ms, list.cache_scope) = self.list_cache_hints(&context);
        Ok(list)
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let mut list = ListPromptsResult::with_all_items(self.registry().prompts.iter().map(mcp_prompt).collect());
        (list.ttl_ms, list.cache_scope) = self.list_cache_hints(&context);
        Ok(list)
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let prompt = self.prompt(&request.name)?;
        let text = prompt
            .render(&request.arguments.unwrap_or_default())
            .map_err(|e| ErrorData::invalid_params(e.to_string(), None))?;
        Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, self.noted(None, &text))])
            .with_description(prompt.description)
            .into())
    }

    /// Completes a prompt argument (MCP completes only prompt arguments and resource
    /// templates; tool arguments have their enums and patterns in their schemas).
    async fn complete(
        &self,
        request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let Reference::Prompt(reference) = &request.r#ref else {
            return Err(ErrorData::invalid_params(
                "this server has no resources; only prompt arguments complete (ref/prompt)",
                None,
            ));
        };
        let prompt = self.prompt(&reference.name)?;
        let name = &request.argument.name;
        let Some(argument) = prompt.arguments.iter().find(|a| a.name == name.as_str()) else {
            let known: Vec<&str> = prompt.arguments.iter().map(|a| a.name).collect();
            let shown: String = name.chars().take(60).collect();
            return Err(ErrorData::invalid_params(
                format!("prompt {} has no argument `{shown}`; it takes: {}", prompt.name, known.join(", ")),
                None,
            ));
        };
        let completed = self
            .complete_argument(argument, &request.argument.value, context.ct.cancelled())
            .await
            .map_err(|failure| ErrorData::internal_error(failure.message, None))?;
        let total = u32::try_from(completed.total).unwrap_or(u32::MAX);
        let info = CompletionInfo::with_pagination(completed.values, Some(total), completed.has_more)
            .map_err(|error| ErrorData::internal_error(error, None))?;
        Ok(CompleteResult::new(info))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools().iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let call = CallRequest::new(request.name.to_string(), request.arguments.unwrap_or_default())
            .with_progress(progress_reporter(&context));
        let outcome = self.call(call, context.ct.cancelled()).await;
        self.mcp_result(outcome).map(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::tools::DEFINITIONS;
    use crate::pipeline::policy::Policy;
    use crate::runtime::{AdminKey, Http, HttpConfig};

    #[test]
    fn the_tool_list_is_built_on_first_use_not_at_start_up() {
        let mut config = HttpConfig::new(AdminKey::new("sk-ant-admin01-test"));
        config.base_url = "http://127.0.0.1:9".into();
        let connector = Connector::new(Http::new(config).unwrap()).with_policy(Policy::default().read_only(true));
        assert!(connector.tools.get().is_none(), "the tool list was built before anyone asked for it");
        let expected = DEFINITIONS.iter().filter(|def| def.annotations.read_only).count();
        assert_eq!(connector.tool_count(), expected);
        assert_eq!(connector.tools().len(), expected, "the list follows the policy set after `new`");
        assert!(connector.clone().tools.get().is_some(), "clones share the built list");
    }
}
