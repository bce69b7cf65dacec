//! The one way a tool runs, whichever entry point asked (MCP over stdio, the `call`
//! command): resolve the tool under the [`Policy`], decode and check its arguments,
//! apply the write guards, run it under the call deadline and cancellation, audit a
//! write's outcome, and shape the result (cap, summary, text). Every stage is a step
//! of [`Connector::call`]; nothing else can run a tool.
//!
//! Around it: [`policy`] (what the operator allows), [`audit`] (the trail of writes)
//! and [`complete`] (prompt argument completions, fetched through the same call).
//! Nothing here knows a transport: stdio, HTTP and the terminal all call in.

pub mod audit;
pub mod complete;
mod id_names;
mod objects;
pub mod policy;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures_util::FutureExt;
use rmcp::model::Tool;

use self::audit::{AuditLog, Outcome};
use self::policy::{Policy, Refusal};
use crate::answer::cap::{DEFAULT_MAX_RESULT_BYTES, cap, json_len, split};
use crate::answer::{render, rollup, summary};
use crate::runtime::envelope::{Added, RolledUp};
use crate::runtime::filter::Filters;
use crate::runtime::{
    Error, Http, Invocation, JsonObject, Progress, Registry, RequestIds, ServerDefinition, ToolDefinition, Value,
};

/// Bounds on one tool call.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole call, retries and pages included.
    pub call_timeout: Duration,
    /// Larger results are cut (see [`crate::answer::cap`]).
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
    /// Whether names are added beside the IDs of the result (not for the lists that
    /// give those names).
    pub names: bool,
}

impl CallRequest {
    pub fn new(tool: impl Into<String>, arguments: JsonObject) -> Self {
        CallRequest { tool: tool.into(), arguments, progress: None, names: true }
    }

    /// The call without names beside its IDs: a list read for names or completions.
    #[must_use]
    pub fn without_names(mut self) -> Self {
        self.names = false;
        self
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
    Failure(CallFailure),
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
    /// What the call cost upstream (also in `value`, as [`Added::upstream`]).
    pub upstream: UpstreamUsage,
}

pub use crate::runtime::envelope::UpstreamUsage;

/// How a call went on the wire, for its conclusion.
struct Sent {
    /// The call had started: a write's outcome is unknown if it did not finish.
    started: bool,
    /// The `request-id`s of a write's answers (for the audit log).
    request_ids: Vec<String>,
    upstream: UpstreamUsage,
}

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFailure {
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
    /// The server has nothing to call: no admin key, no sandbox, no team server; the
    /// message says what to fill in. Nothing was sent.
    NotConfigured,
}

impl FailureKind {
    /// Whether the caller asked for something this server cannot do as asked (a usage
    /// error), rather than something that failed on the way.
    pub fn is_usage(self) -> bool {
        matches!(self, FailureKind::UnknownTool | FailureKind::NotExposed | FailureKind::InvalidArgument)
    }
}

impl CallFailure {
    fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        CallFailure { kind, message: message.into() }
    }
}

impl std::fmt::Display for CallFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// How long a client may keep `tools/list` and `prompts/list`: they are fixed when the
/// process starts (the spec and the flags), so a day; a new binary or new flags mean a
/// new process, which a client reconnects to.
pub const STATIC_LIST_TTL: Duration = Duration::from_secs(24 * 60 * 60);

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
    pub(crate) tools: Arc<OnceLock<Vec<Tool>>>,
    policy: Arc<Policy>,
    audit: Option<Arc<AuditLog>>,
    limits: Limits,
    instructions: Arc<str>,
    /// A line that opens every result's text (the sandbox says so).
    result_note: Option<Arc<str>>,
    /// Tools answered with the spec's example data (the sandbox does not emulate their endpoint).
    example_tools: Arc<[String]>,
    /// Writes sent and not yet concluded, so a shutdown can wait for them.
    writes: Arc<Writes>,
    /// The organization lists fetched for completions and for names beside IDs.
    objects: Arc<objects::ObjectCache>,
    /// How long clients may keep `tools/list` and `prompts/list` (protocol 2026-07-28).
    pub(crate) list_ttl: Duration,
    /// Set when the server has no upstream to call (no key, no sandbox): every tool call
    /// answers with this sentence, saying what to fill in.
    unconfigured: Option<Arc<str>>,
}

/// The writes in flight: their `pending` line is written, their outcome not yet.
#[derive(Default)]
struct Writes {
    /// By `call_id`: the tool and its arguments, for the line a shutdown writes.
    open: Mutex<BTreeMap<String, (&'static ToolDefinition, JsonObject)>>,
    /// Told whenever a write concludes.
    concluded: tokio::sync::Notify,
    /// Set by [`Connector::drain`]: new writes are refused.
    closing: AtomicBool,
}

impl Writes {
    fn open(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, (&'static ToolDefinition, JsonObject)>> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What the result of a tool answered with the spec's example data says about it.
pub fn example_data_note(tool: &str) -> String {
    format!(
        "Example data for {tool}: the demo organization does not emulate this endpoint, so it answers from the spec's example, with this session's changes."
    )
}

/// A fresh id shared by a write's `pending` line and its outcome line.
fn new_call_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    static START: OnceLock<String> = OnceLock::new();
    let start = START.get_or_init(|| {
        let micros =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_micros());
        format!("{:x}{:x}", std::process::id(), micros)
    });
    format!("call_{start}_{}", NEXT.fetch_add(1, Ordering::Relaxed))
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
            example_tools: Arc::new([]),
            writes: Arc::default(),
            objects: Arc::default(),
            list_ttl: STATIC_LIST_TTL,
            unconfigured: None,
        }
    }

    /// Lists the tools as usual but answers every call with `message` (what to fill in),
    /// sending nothing: a server started without a key or a sandbox.
    #[must_use]
    pub fn unconfigured(mut self, message: &str) -> Self {
        self.unconfigured = Some(Arc::from(message));
        self
    }

    /// The sentence every call answers when the server has nothing to call.
    pub fn unconfigured_message(&self) -> Option<&str> {
        self.unconfigured.as_deref()
    }

    /// How long clients may keep the tool and prompt lists: [`STATIC_LIST_TTL`] unless
    /// the lists can change while the process runs (tenants reloaded over HTTP).
    #[must_use]
    pub fn with_list_ttl(mut self, ttl: Duration) -> Self {
        self.list_ttl = ttl;
        self
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

    /// Says of these tools' results that they are the spec's example data (the sandbox
    /// answers an endpoint it does not emulate from the spec's `example:`).
    #[must_use]
    pub fn with_example_tools(mut self, tools: Vec<String>) -> Self {
        self.example_tools = tools.into();
        self
    }

    /// Whether `tool`'s results are the spec's example data.
    pub fn answers_from_example(&self, tool: &str) -> bool {
        self.example_tools.iter().any(|name| name == tool)
    }

    /// The note that opens `tool`'s result text: the result note, and for a tool answered
    /// with the spec's example data, a sentence saying so.
    pub fn result_note_for(&self, tool: &str) -> Option<String> {
        let note = self.result_note.as_deref()?;
        Some(if self.answers_from_example(tool) {
            format!("{note} {}", example_data_note(tool))
        } else {
            note.to_string()
        })
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
        let call_id = new_call_id();
        let admitted = match self.admit(&request, &call_id) {
            Ok(admitted) => admitted,
            Err(failure) => return ToolOutcome::Failure(failure),
        };
        let (http, request_ids) = self.http_for(admitted.tool, request.progress.clone());
        let (http, requests) = http.counting();
        let (http, cached_pages) = http.counting_cached();
        let started = AtomicBool::new(false);
        let names = Mutex::new(UpstreamUsage::default());
        let ended = tokio::select! {
            ended = self.execute(&admitted, &request, &http, &call_id, &started, &names) => ended,
            () = cancelled => Ended::Cancelled,
        };
        // The lists read for names beside IDs are part of what the call cost.
        let names = *names.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let upstream = UpstreamUsage {
            requests: requests.get() + names.requests,
            cached_pages: cached_pages.get() + names.cached_pages,
        };
        tracing::info!(
            tool = admitted.tool.name,
            requests = upstream.requests,
            cached_pages = upstream.cached_pages,
            "fetched"
        );
        let sent = Sent {
            started: started.load(Ordering::SeqCst),
            request_ids: request_ids.map(|ids| ids.get()).unwrap_or_default(),
            upstream,
        };
        self.conclude(&admitted, &request.arguments, ended, &call_id, &sent)
    }

    /// Writes whose `pending` line is written and whose outcome is not yet.
    pub fn writes_in_flight(&self) -> usize {
        self.writes.open().len()
    }

    /// Waits for the writes in flight to conclude (their outcome audited), at most
    /// `grace`; a write still running then is audited as `unknown`. Writes that arrive
    /// meanwhile are refused. Returns how many writes were left unknown.
    pub async fn drain(&self, grace: Duration) -> usize {
        self.writes.closing.store(true, Ordering::SeqCst);
        let waited = tokio::time::timeout(grace, async {
            loop {
                let concluded = self.writes.concluded.notified();
                if self.writes.open().is_empty() {
                    return;
                }
                concluded.await;
            }
        })
        .await;
        if waited.is_ok() {
            return 0;
        }
        let left = std::mem::take(&mut *self.writes.open());
        for (call_id, (tool, arguments)) in &left {
            let message = unknown_message(
                tool,
                &format!("the server shut down before it answered (after {} s of grace)", grace.as_secs()),
            );
            tracing::warn!(tool = tool.name, "write still in flight at shutdown; its outcome is unknown");
            self.audit(call_id, tool, arguments, &Outcome::Unknown(message), &[]);
        }
        left.len()
    }

    /// Resolves the tool under the policy, decodes its arguments and applies the write
    /// guards that need no request; a refused write is audited here.
    fn admit(&self, request: &CallRequest, call_id: &str) -> Result<Admitted, CallFailure> {
        let Some((index, tool)) = self.registry.tool(&request.tool) else {
            let shown: String = request.tool.chars().take(80).collect();
            return Err(CallFailure::new(FailureKind::UnknownTool, format!("unknown tool: {shown}")));
        };
        if !self.policy.exposes(tool) {
            let reason = self.policy.hidden_reason(tool);
            self.audit(call_id, tool, &request.arguments, &Outcome::Refused(reason.clone()), &[]);
            return Err(CallFailure::new(FailureKind::NotExposed, reason));
        }
        if let Some(message) = &self.unconfigured {
            return Err(CallFailure::new(FailureKind::NotConfigured, message.to_string()));
        }
        let invocation = (self.registry.decode)(index, &request.arguments).map_err(|error| {
            let message = error.to_string();
            self.audit(call_id, tool, &request.arguments, &Outcome::Error(message.clone()), &[]);
            CallFailure::new(FailureKind::InvalidArgument, message)
        })?;
        let refused = if !tool.annotations.read_only && self.writes.closing.load(Ordering::SeqCst) {
            Err(Refusal("refused: the server is shutting down; nothing was sent".to_string()))
        } else {
            self.policy
                .check_scope(tool)
                .and_then(|()| self.policy.check_call(tool, &request.arguments, invocation.granted_role()))
        };
        if let Err(refusal) = refused {
            tracing::debug!(tool = tool.name, %refusal, "write refused by policy (recorded in the audit trail)");
            self.audit(call_id, tool, &request.arguments, &Outcome::Refused(refusal.0.clone()), &[]);
            return Err(CallFailure::new(FailureKind::Refused, refusal.0));
        }
        Ok(Admitted { tool, invocation })
    }

    /// `guards.workspace_of` under `--workspaces`: runs the read tool the spec names with
    /// the write's ID arguments and checks the workspace it reports. Fails closed.
    async fn check_workspace_of(&self, tool: &ToolDefinition, arguments: &JsonObject) -> Result<(), Refusal> {
        let Some(lookup) = tool.workspace_lookup else { return Ok(()) };
        if !self.policy.confines_workspaces() {
            return Ok(());
        }
        let target = tool
            .id_arguments
            .iter()
            .filter_map(|name| arguments.get(*name).and_then(Value::as_str).map(|id| format!("`{name}` {id}")))
            .collect::<Vec<_>>()
            .join(", ");
        let cannot = |why: String| {
            Refusal(format!(
                "refused: cannot tell which workspace {target} belongs to ({why}), so --workspaces cannot allow it; nothing was sent"
            ))
        };
        let Some((index, read)) = self.registry.tool(lookup.tool) else {
            return Err(cannot(format!("the tool {} is missing", lookup.tool)));
        };
        let ids: JsonObject = read
            .id_arguments
            .iter()
            .filter_map(|name| arguments.get(*name).map(|value| (name.to_string(), value.clone())))
            .collect();
        let invocation = (self.registry.decode)(index, &ids).map_err(|error| cannot(error.to_string()))?;
        let found = invocation.invoke(&self.http).await.map_err(|error| cannot(format!("{}: {error}", lookup.tool)))?;
        let workspace = match found.get(lookup.field) {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) => Some(id.as_str()),
            Some(_) => return Err(cannot(format!("`{}` of {} is not a workspace ID", lookup.field, lookup.tool))),
        };
        self.policy.check_workspace(workspace, &target)
    }

    /// Writes a write's `pending` line before it is sent, and keeps it open until its
    /// outcome; a line that cannot be written stops the write.
    fn begin_write(
        &self,
        tool: &'static ToolDefinition,
        arguments: &JsonObject,
        call_id: &str,
    ) -> Result<(), CallFailure> {
        let Some(audit) = self.audit.as_ref().filter(|_| !tool.annotations.read_only) else { return Ok(()) };
        if let Err(error) = audit.record(call_id, tool, arguments, &Outcome::Pending, &[]) {
            return Err(CallFailure::new(
                FailureKind::Internal,
                format!(
                    "refused: the audit trail cannot be written ({error}), so {} was not sent; fix --audit-log (disk full? permissions?) and try again",
                    tool.name
                ),
            ));
        }
        self.writes.open().insert(call_id.to_string(), (tool, arguments.clone()));
        Ok(())
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

    /// The guards that need a request, the `pending` line, then the call, all under the deadline.
    async fn execute(
        &self,
        admitted: &Admitted,
        request: &CallRequest,
        http: &Http,
        call_id: &str,
        started: &AtomicBool,
        names: &Mutex<UpstreamUsage>,
    ) -> Ended {
        let arguments = &request.arguments;
        let work = async {
            if let Err(refusal) = self.check_workspace_of(admitted.tool, arguments).await {
                return Ended::Refused(refusal.0);
            }
            if let Err(failure) = self.begin_write(admitted.tool, arguments, call_id) {
                return Ended::NotSent(failure);
            }
            started.store(true, Ordering::SeqCst);
            match AssertUnwindSafe(admitted.invocation.invoke(http)).catch_unwind().await {
                Ok(Ok(mut value)) => {
                    if request.names && admitted.tool.annotations.read_only {
                        let spent =
                            self.name_ids(admitted.tool, arguments, admitted.invocation.rolls_up(), &mut value).await;
                        *names.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = spent;
                    }
                    Ended::Done(value)
                }
                Ok(Err(error)) => Ended::Failed(error),
                Err(_) => Ended::Panicked,
            }
        };
        tokio::time::timeout(self.limits.call_timeout, work).await.unwrap_or(Ended::TimedOut)
    }

    /// Logs and audits the outcome, and shapes a success for its readers.
    fn conclude(
        &self,
        admitted: &Admitted,
        arguments: &JsonObject,
        ended: Ended,
        call_id: &str,
        sent: &Sent,
    ) -> ToolOutcome {
        let tool = admitted.tool;
        let name = tool.name;
        let write = !tool.annotations.read_only;
        let (outcome, audited) = match ended {
            Ended::Done(value) => {
                tracing::info!(tool = name, "tool call succeeded");
                match self.shape(tool, arguments, value, admitted.invocation.rolls_up(), sent.upstream) {
                    Ok(answer) => (ToolOutcome::Success(answer), Outcome::Ok),
                    Err(failure) => {
                        let message = failure.message.clone();
                        (ToolOutcome::Failure(failure), Outcome::Error(message))
                    }
                }
            }
            Ended::Failed(error) if write && error.outcome_unknown() => {
                tracing::warn!(tool = name, %error, "write failed after it was sent; its outcome is unknown");
                let kind = if matches!(error, Error::Timeout { .. }) { FailureKind::Timeout } else { FailureKind::Api };
                let message = unknown_message(tool, &error.unknown_cause());
                (ToolOutcome::Failure(CallFailure::new(kind, message.clone())), Outcome::Unknown(message))
            }
            Ended::Failed(error) => {
                tracing::info!(tool = name, %error, "tool call failed");
                let kind = match error {
                    Error::Argument(_) => FailureKind::InvalidArgument,
                    Error::Internal(_) => FailureKind::Internal,
                    _ => FailureKind::Api,
                };
                let message = error.to_string();
                (ToolOutcome::Failure(CallFailure::new(kind, message.clone())), Outcome::Error(message))
            }
            Ended::Refused(message) => {
                tracing::debug!(tool = name, refusal = %message, "write refused by policy (recorded in the audit trail)");
                (
                    ToolOutcome::Failure(CallFailure::new(FailureKind::Refused, message.clone())),
                    Outcome::Refused(message),
                )
            }
            Ended::NotSent(failure) => {
                tracing::error!(tool = name, "write not sent: the audit trail cannot be written");
                // The audit trail just failed; nothing more to record there.
                return ToolOutcome::Failure(failure);
            }
            Ended::Panicked => {
                tracing::error!(tool = name, "tool call panicked");
                let message = format!(
                    "internal error: {name} failed unexpectedly; the server is still running, please report this"
                );
                (
                    ToolOutcome::Failure(CallFailure::new(FailureKind::Internal, message.clone())),
                    Outcome::Error(message),
                )
            }
            Ended::TimedOut => {
                let secs = self.limits.call_timeout.as_secs();
                tracing::warn!(tool = name, secs, "tool call timed out");
                if write && sent.started {
                    let message = unknown_message(
                        tool,
                        &format!("it did not finish within {secs} s (--call-timeout) and was stopped"),
                    );
                    (
                        ToolOutcome::Failure(CallFailure::new(FailureKind::Timeout, message.clone())),
                        Outcome::Unknown(message),
                    )
                } else {
                    let message = format!(
                        "{name} did not finish within {secs} s, so it was stopped (upstream work aborted); ask for less at once (a shorter date range), or raise --call-timeout"
                    );
                    (ToolOutcome::Failure(CallFailure::new(FailureKind::Timeout, message)), Outcome::TimedOut)
                }
            }
            Ended::Cancelled => {
                tracing::info!(tool = name, "tool call cancelled by the client; upstream work aborted");
                if write && sent.started {
                    let message = unknown_message(tool, "the client cancelled it after it was sent");
                    (
                        ToolOutcome::Failure(CallFailure::new(FailureKind::Cancelled, message.clone())),
                        Outcome::Unknown(message),
                    )
                } else {
                    (
                        ToolOutcome::Failure(CallFailure::new(FailureKind::Cancelled, "cancelled by the client")),
                        Outcome::Cancelled,
                    )
                }
            }
        };
        let was_open = self.writes.open().remove(call_id).is_some();
        // A write a shutdown already recorded as unknown gets no second outcome line.
        if was_open || !sent.started {
            self.audit(call_id, tool, arguments, &audited, &sent.request_ids);
        }
        if was_open {
            self.writes.concluded.notify_waiters();
        }
        outcome
    }

    /// The result as its readers get it, capped, with its summary line and its text (the
    /// summary, then the data as a compact table; a roll-up was computed as the report
    /// was fetched, by the generated client). The summary also travels in the structured
    /// value, for clients that read only that. structuredContent and the text share
    /// `--max-result-bytes`: the value takes at most [`split`] of it, and the text (with
    /// the result note) what the value leaves. What the call cost upstream is added after
    /// the cut, so no cut can drop it.
    fn shape(
        &self,
        tool: &'static ToolDefinition,
        arguments: &JsonObject,
        value: Value,
        rolled_up: bool,
        upstream: UpstreamUsage,
    ) -> Result<Answer, CallFailure> {
        let max = self.limits.max_result_bytes;
        let mut value = value;
        if !rolled_up {
            // A roll-up filtered as it folded; a plain list is filtered here.
            Filters::from_arguments(tool.result_shape.presentation(), tool.filters, arguments).retain(&mut value);
        }
        let mut value = cap(value, tool.result_shape, split(max));
        let rolled = if rolled_up { RolledUp::of(&value) } else { None };
        let (summary, table) = match &rolled {
            Some(rolled) => (rollup::summary(tool.result_shape, rolled), rollup::table(tool.result_shape, rolled)),
            None => {
                let fields = summary::fields(tool.fields_argument.and_then(|name| arguments.get(name)));
                let summary = summary::line(tool.result_shape, &value, &fields);
                let rendered = render::render(tool.result_shape, &value, &render::Options { fields });
                (summary, rendered.text)
            }
        };
        Added { summary: Some(summary.clone()), upstream: Some(upstream), ..Added::default() }.write(&mut value);
        let upstream_line = upstream.text_line();
        let note = self.result_note_for(tool.name).map_or(0, |note| note.len() + 1);
        // The line, its newline, and one that may end the text before it.
        let line = upstream_line.as_ref().map_or(0, |line| line.len() + 2);
        let budget = max.saturating_sub(json_len(&value) + note + line);
        let mut text = summary::text(&summary, &table, &value, budget);
        if let Some(line) = upstream_line {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&line);
            text.push('\n');
        }
        Ok(Answer { tool, value, summary, text, upstream })
    }

    /// Records a line of a write call; a failure is logged by the audit log (only a
    /// `pending` line that cannot be written stops a write, in [`Connector::begin_write`]).
    fn audit(
        &self,
        call_id: &str,
        tool: &ToolDefinition,
        arguments: &JsonObject,
        outcome: &Outcome,
        request_ids: &[String],
    ) {
        if let Some(audit) = &self.audit
            && !tool.annotations.read_only
        {
            let _ = audit.record(call_id, tool, arguments, outcome, request_ids);
        }
    }
}

/// What the caller reads when a write was sent but its outcome cannot be known.
fn unknown_message(tool: &ToolDefinition, why: &str) -> String {
    let check = match tool.check_with {
        Some(read) => format!("call {read} to see whether it was, before repeating it"),
        None => "check the organization to see whether it was, before repeating it".to_string(),
    };
    format!(
        "the outcome of {} is unknown: the request was sent, but {why}. The change may have been applied: {check}",
        tool.name
    )
}

/// How the run stage ended.
enum Ended {
    Done(Value),
    Failed(Error),
    /// A guard that needs a request (`workspace_of`) refused it; nothing was sent.
    Refused(String),
    /// The `pending` audit line could not be written; nothing was sent.
    NotSent(CallFailure),
    Panicked,
    TimedOut,
    Cancelled,
}
