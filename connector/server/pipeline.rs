//! The one way a tool runs, whichever entry point asked (MCP over stdio, the `call`
//! command): resolve the tool under the [`Policy`], decode and check its arguments,
//! apply the write guards, run it under the call deadline and cancellation, audit a
//! write's outcome, and shape the result (cap, summary, text). Every stage is a step
//! of [`Connector::call`]; nothing else can run a tool.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::FutureExt;
use rmcp::model::Tool;

use super::aggregate;
use super::audit::{AuditLog, Outcome};
use super::policy::Policy;
use super::result_cap::{DEFAULT_MAX_RESULT_BYTES, cap};
use super::{render, summary};
use crate::runtime::{
    Error, Http, Invocation, JsonObject, Progress, Registry, RequestIds, ServerDefinition, ToolDefinition, Value,
};

/// Bounds on one tool call.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole call, retries and pages included.
    pub call_timeout: Duration,
    /// Larger results are cut (see [`super::result_cap`]).
    pub max_result_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { call_timeout: Duration::from_secs(300), max_result_bytes: DEFAULT_MAX_RESULT_BYTES }
    }
}

/// One tool call as an entry point received it.
#[derive(Debug, Clone, Default)]
pub struct CallRequest {
    /// The MCP tool name.
    pub tool: String,
    pub arguments: JsonObject,
    /// Told how far a long call (per-day fan-out, page walks) has come.
    pub progress: Option<Progress>,
}

impl CallRequest {
    pub fn new(tool: impl Into<String>, arguments: JsonObject) -> Self {
        CallRequest { tool: tool.into(), arguments, progress: None }
    }

    #[must_use]
    pub fn with_progress(mut self, progress: Option<Progress>) -> Self {
        self.progress = progress;
        self
    }
}

/// How a call ended.
#[derive(Debug)]
pub enum ToolOutcome {
    Success(Answer),
    Failure(Failure),
}

/// A successful call: the structured value (capped) and how it reads.
#[derive(Debug, Clone)]
pub struct Answer {
    pub tool: &'static ToolDefinition,
    /// The structured result, exactly as the output schema describes it (cut when too large).
    pub value: Value,
    /// The one line that opens the text (`52 users, page 2; more on page 3`).
    pub summary: String,
    /// The text content a model reads: the summary line, then the data.
    pub text: String,
}

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// What the person or model reads.
    pub message: String,
}

/// The types of failure, which entry points map to their own signals (a JSON-RPC error
/// or an `isError` result; an exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No tool of that name.
    UnknownTool,
    /// The tool exists but `--read-only` or `--tools` keeps it out of this server.
    NotExposed,
    /// An argument broke a rule of the spec; nothing was sent.
    InvalidArgument,
    /// `--workspaces` or `--max-role` refused a write; nothing was sent.
    Refused,
    /// The Admin API answered with an error, or could not be reached or read.
    Api,
    /// The call deadline passed.
    Timeout,
    /// The client cancelled the call.
    Cancelled,
    /// A bug on our side (a panic inside the call, an audit trail that cannot be written).
    Internal,
}

impl FailureKind {
    /// Whether the caller asked for something this server cannot do as asked (a usage
    /// error), rather than something that failed on the way.
    pub fn is_usage(self) -> bool {
        matches!(self, FailureKind::UnknownTool | FailureKind::NotExposed | FailureKind::InvalidArgument)
    }
}

impl Failure {
    fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Failure { kind, message: message.into() }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A call that passed every check before anything is sent: the tool and its typed arguments.
struct Admitted {
    tool: &'static ToolDefinition,
    invocation: Box<dyn Invocation>,
}

/// The connector: the spec's tools under an operator's policy, limits and audit trail,
/// over one Admin API connection. Cheap to clone.
#[derive(Clone)]
pub struct Connector {
    registry: &'static Registry,
    http: Http,
    /// The MCP tool list `policy` exposes, built on first use: parsing every schema is
    /// the largest part of start-up otherwise.
    pub(super) tools: Arc<OnceLock<Vec<Tool>>>,
    policy: Arc<Policy>,
    audit: Option<Arc<AuditLog>>,
    limits: Limits,
    instructions: Arc<str>,
    /// A line that opens every result's text (the sandbox says so).
    result_note: Option<Arc<str>>,
}

impl Connector {
    /// The spec's tools, no limits beyond the defaults, writes audited to stderr.
    pub fn new(http: Http) -> Self {
        Connector::with_registry(&crate::generated::tools::REGISTRY, http)
    }

    /// The tools of another generated spec (tests run fixtures through the same pipeline).
    pub fn with_registry(registry: &'static Registry, http: Http) -> Self {
        Connector {
            registry,
            http,
            tools: Arc::default(),
            policy: Arc::new(Policy::default()),
            audit: Some(Arc::new(AuditLog::stderr())),
            limits: Limits::default(),
            instructions: Arc::from(registry.server.instructions),
            result_note: None,
        }
    }

    /// Puts `prefix` before the spec's instructions at `initialize`.
    #[must_use]
    pub fn with_instructions_prefix(mut self, prefix: &str) -> Self {
        self.instructions = Arc::from(format!("{prefix} {}", self.registry.server.instructions));
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

    pub fn server(&self) -> &'static ServerDefinition {
        self.registry.server
    }

    pub fn registry(&self) -> &'static Registry {
        self.registry
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn instructions(&self) -> &str {
        &self.instructions
    }

    /// The note that opens every result's text, if any.
    pub fn result_note(&self) -> Option<&str> {
        self.result_note.as_deref()
    }

    /// The tools `policy` exposes, in spec order.
    pub fn exposed(&self) -> impl Iterator<Item = &'static ToolDefinition> + '_ {
        self.registry.tools.iter().filter(|def| self.policy.exposes(def))
    }

    /// How many tools the policy exposes, without building their MCP descriptions.
    pub fn tool_count(&self) -> usize {
        self.exposed().count()
    }

    /// Runs one tool call through every stage, until it ends or `cancelled` completes.
    pub async fn call(&self, request: CallRequest, cancelled: impl Future<Output = ()>) -> ToolOutcome {
        let admitted = match self.admit(&request) {
            Ok(admitted) => admitted,
            Err(failure) => return ToolOutcome::Failure(failure),
        };
        let (http, request_ids) = self.http_for(admitted.tool, request.progress);
        let (http, requests) = http.counting();
        let (http, cached_pages) = http.counting_cached();
        let ended = tokio::select! {
            ended = self.execute(&admitted, &http) => ended,
            () = cancelled => Ended::Cancelled,
        };
        tracing::info!(
            tool = admitted.tool.name,
            requests = requests.get(),
            cached_pages = cached_pages.get(),
            "fetched"
        );
        let request_ids = request_ids.map(|ids| ids.get()).unwrap_or_default();
        self.conclude(admitted.tool, &request.arguments, ended, &request_ids)
    }

    /// Resolves the tool under the policy, decodes its arguments and applies the write
    /// guards; a refused write is audited here.
    fn admit(&self, request: &CallRequest) -> Result<Admitted, Failure> {
        let Some((index, tool)) = self.registry.tool(&request.tool) else {
            let shown: String = request.tool.chars().take(80).collect();
            return Err(Failure::new(FailureKind::UnknownTool, format!("unknown tool: {shown}")));
        };
        if !self.policy.exposes(tool) {
            let reason = self.policy.hidden_reason(tool);
            self.audit(tool, &request.arguments, &Outcome::Refused(reason.clone()), &[]);
            return Err(Failure::new(FailureKind::NotExposed, reason));
        }
        let invocation = (self.registry.decode)(index, &request.arguments).map_err(|error| {
            let message = error.to_string();
            self.audit(tool, &request.arguments, &Outcome::Error(message.clone()), &[]);
            Failure::new(FailureKind::InvalidArgument, message)
        })?;
        if let Err(refusal) = self.policy.check_call(tool, &request.arguments) {
            tracing::warn!(tool = tool.name, %refusal, "write refused by policy");
            self.audit(tool, &request.arguments, &Outcome::Refused(refusal.0.clone()), &[]);
            return Err(Failure::new(FailureKind::Refused, refusal.0));
        }
        Ok(Admitted { tool, invocation })
    }

    /// The connection for one call: reporting progress, and keeping request ids for a write's audit line.
    fn http_for(&self, tool: &ToolDefinition, progress: Option<Progress>) -> (Http, Option<RequestIds>) {
        let http = match progress {
            Some(progress) => self.http.with_progress(progress),
            None => self.http.clone(),
        };
        if tool.annotations.read_only || self.audit.is_none() {
            return (http, None);
        }
        let (http, ids) = http.recording_ids();
        (http, Some(ids))
    }

    async fn execute(&self, admitted: &Admitted, http: &Http) -> Ended {
        let run = AssertUnwindSafe(admitted.invocation.invoke(http)).catch_unwind();
        match tokio::time::timeout(self.limits.call_timeout, run).await {
            Ok(Ok(Ok(value))) => Ended::Done(value),
            Ok(Ok(Err(error))) => Ended::Failed(error),
            Ok(Err(_)) => Ended::Panicked,
            Err(_) => Ended::TimedOut,
        }
    }

    /// Logs and audits the outcome, and shapes a success for its readers.
    fn conclude(
        &self,
        tool: &'static ToolDefinition,
        arguments: &JsonObject,
        ended: Ended,
        ids: &[String],
    ) -> ToolOutcome {
        let name = tool.name;
        let (outcome, audited) = match ended {
            Ended::Done(value) => {
                tracing::info!(tool = name, "tool call succeeded");
                match self.shape(tool, arguments, value) {
                    Ok(answer) => (ToolOutcome::Success(answer), Outcome::Ok),
                    Err(failure) => {
                        let message = failure.message.clone();
                        (ToolOutcome::Failure(failure), Outcome::Error(message))
                    }
                }
            }
            Ended::Failed(error) => {
                tracing::info!(tool = name, %error, "tool call failed");
                let kind = match error {
                    Error::Argument(_) => FailureKind::InvalidArgument,
                    Error::Internal(_) => FailureKind::Internal,
                    _ => FailureKind::Api,
                };
                let message = error.to_string();
                (ToolOutcome::Failure(Failure::new(kind, message.clone())), Outcome::Error(message))
            }
            Ended::Panicked => {
                tracing::error!(tool = name, "tool call panicked");
                let message = format!(
                    "internal error: {name} failed unexpectedly; the server is still running, please report this"
                );
                (ToolOutcome::Failure(Failure::new(FailureKind::Internal, message.clone())), Outcome::Error(message))
            }
            Ended::TimedOut => {
                let secs = self.limits.call_timeout.as_secs();
                tracing::warn!(tool = name, secs, "tool call timed out");
                let message = format!(
                    "{name} did not finish within {secs} s, so it was stopped (upstream work aborted); ask for less at once (a shorter date range), or raise --call-timeout"
                );
                (ToolOutcome::Failure(Failure::new(FailureKind::Timeout, message)), Outcome::TimedOut)
            }
            Ended::Cancelled => {
                tracing::info!(tool = name, "tool call cancelled by the client; upstream work aborted");
                (
                    ToolOutcome::Failure(Failure::new(FailureKind::Cancelled, "cancelled by the client")),
                    Outcome::Cancelled,
                )
            }
        };
        self.audit(tool, arguments, &audited, ids);
        outcome
    }

    /// The result as its readers get it: rolled up when the call asked, capped, with its
    /// summary line and its text (the summary, then the data as a compact table). The
    /// summary also travels in the structured value, for clients that read only that.
    fn shape(&self, tool: &'static ToolDefinition, arguments: &JsonObject, value: Value) -> Result<Answer, Failure> {
        // A roll-up was computed as the report was fetched (by the generated client).
        let value = cap(value, tool.result_shape, self.limits.max_result_bytes);
        let (summary, table) = if aggregate::requested(tool.aggregation, arguments) {
            (aggregate::summary(tool.result_shape, &value), aggregate::table(tool.result_shape, &value))
        } else {
            let fields = summary::fields(tool.fields_argument.and_then(|name| arguments.get(name)));
            let summary = summary::line(tool.result_shape, &value, &fields);
            let rendered = render::render(tool.result_shape, &value, &render::Options { fields });
            (summary, rendered.text)
        };
        let mut value = value;
        let text = summary::text(&summary, &table, &value);
        if let Value::Object(object) = &mut value {
            object.insert(summary::SUMMARY_FIELD.to_string(), Value::String(summary.clone()));
        }
        Ok(Answer { tool, value, summary, text })
    }

    fn audit(&self, tool: &ToolDefinition, arguments: &JsonObject, outcome: &Outcome, request_ids: &[String]) {
        if let Some(audit) = &self.audit
            && !tool.annotations.read_only
        {
            audit.record(tool, arguments, outcome, request_ids);
        }
    }
}

/// How the run stage ended.
enum Ended {
    Done(Value),
    Failed(Error),
    Panicked,
    TimedOut,
    Cancelled,
}
