//! The audit trail: JSON lines for write tool calls, to stderr or to `--audit-log FILE`:
//! when, which tool with which arguments, the IDs it targets, the outcome and the API's
//! request ids. A write that is sent has two lines with the same `call_id`: `pending`,
//! written before the request goes out (if it cannot be written, nothing is sent), then
//! its outcome (`ok`, `error`, or `unknown` when it cannot be known). A write refused or
//! rejected before sending has one line.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use crate::runtime::{JsonObject, ToolDefinition};

/// Long argument values are cut in the log (a line stays a line).
const MAX_VALUE_CHARS: usize = 200;

/// How a call ended, as the audit line says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// About to be sent; the outcome follows in another line with the same `call_id`.
    Pending,
    Ok,
    /// The tool or the API refused or failed; the message as the client saw it.
    Error(String),
    /// `--workspaces` / `--max-role` refused it before anything was sent.
    Refused(String),
    Cancelled,
    TimedOut,
    /// Sent, but whether it was applied cannot be known (a timeout, a cancellation or a
    /// shutdown after sending); the message says why and how to check.
    Unknown(String),
}

enum Sink {
    Stderr,
    /// stderr of a terminal command, which reports a refusal itself in one line: the
    /// refusal's record is not repeated there (a file trail keeps every record).
    TerminalStderr,
    File(File),
}

tokio::task_local! {
    /// The person (email) a call runs for, when they signed in by OAuth (`serve --http`).
    static PERSON: Arc<str>;
}

/// Runs `call` with its audit lines naming `person` (as well as the tenant).
pub async fn as_person<F: std::future::Future>(person: Option<Arc<str>>, call: F) -> F::Output {
    match person {
        Some(person) => PERSON.scope(person, call).await,
        None => call.await,
    }
}

/// Where audit lines go. Writes are whole lines under a lock, so concurrent calls
/// never interleave.
pub struct AuditLog {
    sink: Arc<Mutex<Sink>>,
    /// Who made the calls (the tenant of `serve --http`), written as `"tenant"`.
    caller: Option<Arc<str>>,
}

impl AuditLog {
    pub fn stderr() -> AuditLog {
        AuditLog { sink: Arc::new(Mutex::new(Sink::Stderr)), caller: None }
    }

    /// stderr of a terminal command (`call`): every record but refusals, which the
    /// command prints as its one error line.
    pub fn terminal_stderr() -> AuditLog {
        AuditLog { sink: Arc::new(Mutex::new(Sink::TerminalStderr)), caller: None }
    }

    /// Appends to `path`, creating it if needed, readable by its owner only (mode 0600 on
    /// Unix): the lines hold emails and the organization's changes. An existing file
    /// that others may read or write is made 0600 (with a warning), or refused when it
    /// cannot be.
    pub fn file(path: &Path) -> std::io::Result<AuditLog> {
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        keep_private(&file, path)?;
        Ok(AuditLog { sink: Arc::new(Mutex::new(Sink::File(file))), caller: None })
    }

    /// The same trail, its lines saying `caller` made the calls.
    pub fn for_caller(&self, caller: &str) -> AuditLog {
        AuditLog { sink: Arc::clone(&self.sink), caller: Some(Arc::from(caller)) }
    }

    /// Records one line of a write call. A failure is logged and returned: the pipeline
    /// refuses to send a write whose `pending` line could not be written.
    pub fn record(
        &self,
        call_id: &str,
        tool: &ToolDefinition,
        arguments: &JsonObject,
        outcome: &Outcome,
        request_ids: &[String],
    ) -> std::io::Result<()> {
        let mut line = audit_line(tool, arguments, outcome, request_ids);
        line["call_id"] = json!(call_id);
        if let Some(caller) = &self.caller {
            line["tenant"] = json!(caller);
        }
        if let Ok(person) = PERSON.try_with(Arc::clone) {
            line["person"] = json!(person);
        }
        let mut line = line.to_string();
        line.push('\n');
        let mut sink = self.sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let written = match &mut *sink {
            Sink::TerminalStderr if matches!(outcome, Outcome::Refused(_)) => Ok(()),
            Sink::Stderr | Sink::TerminalStderr => std::io::stderr().lock().write_all(line.as_bytes()),
            Sink::File(file) => file.write_all(line.as_bytes()).and_then(|()| file.flush()),
        };
        if let Err(error) = &written {
            tracing::error!(%error, "cannot write the audit log");
        }
        written
    }
}

/// The JSON object of one audit line.
pub fn audit_line(tool: &ToolDefinition, arguments: &JsonObject, outcome: &Outcome, request_ids: &[String]) -> Value {
    let targets: Map<String, Value> = tool
        .id_arguments
        .iter()
        .filter_map(|name| arguments.get(*name).map(|value| (name.to_string(), bounded(value))))
        .collect();
    let arguments: Map<String, Value> = arguments.iter().map(|(k, v)| (k.clone(), bounded(v))).collect();
    let (status, message) = match outcome {
        Outcome::Pending => ("pending", None),
        Outcome::Ok => ("ok", None),
        Outcome::Error(message) => ("error", Some(message.as_str())),
        Outcome::Refused(message) => ("refused", Some(message.as_str())),
        Outcome::Cancelled => ("cancelled", None),
        Outcome::TimedOut => ("timed_out", None),
        Outcome::Unknown(message) => ("unknown", Some(message.as_str())),
    };
    let mut line = json!({
        "audit": "write",
        "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "tool": tool.name,
        "destructive": tool.annotations.destructive,
        "arguments": arguments,
        "targets": targets,
        "outcome": status,
    });
    if let Some(message) = message {
        line["message"] = json!(cut(message));
    }
    if !request_ids.is_empty() {
        line["request_ids"] = json!(request_ids);
    }
    line
}

fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_VALUE_CHARS {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX_VALUE_CHARS).collect::<String>())
    }
}

fn bounded(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(cut(text)),
        Value::Array(items) => Value::Array(items.iter().take(50).map(bounded).collect()),
        Value::Object(map) => Value::Object(map.iter().take(50).map(|(k, v)| (cut(k), bounded(v))).collect()),
        other => other.clone(),
    }
}

/// Makes an existing audit log its owner's only (0600), saying so; an error when it cannot.
fn keep_private(file: &File, path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "others may read or write it (mode {mode:o}) and it cannot be made 0600 ({e}); chmod 600 it"
                    ),
                )
            })?;
            tracing::warn!(
                "the audit log {} was mode {mode:o} (others could read or write it); it is now 0600",
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (file, path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::tools::ToolId;

    #[test]
    fn a_line_names_tool_targets_outcome_and_request_ids() {
        let arguments = json!({"workspace_id": "wrkspc_a", "user_id": "user_1", "role": "admin"});
        let line = audit_line(
            ToolId::UpdateWorkspaceMember.definition(),
            arguments.as_object().unwrap(),
            &Outcome::Error("Admin API error 404".into()),
            &["req_1".to_string()],
        );
        assert_eq!(line["tool"], "claude_code_update_workspace_member");
        assert_eq!(line["targets"], json!({"workspace_id": "wrkspc_a", "user_id": "user_1"}));
        assert_eq!(line["arguments"]["role"], "admin");
        assert_eq!((line["outcome"].as_str(), line["message"].as_str()), (Some("error"), Some("Admin API error 404")));
        assert_eq!(line["request_ids"], json!(["req_1"]));
        assert!(line["time"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn long_values_are_cut() {
        let arguments = json!({"workspace_id": "w", "name": "x".repeat(5000)});
        let line = audit_line(ToolId::UpdateWorkspace.definition(), arguments.as_object().unwrap(), &Outcome::Ok, &[]);
        assert!(line["arguments"]["name"].as_str().unwrap().chars().count() <= MAX_VALUE_CHARS + 1);
        assert!(line.get("request_ids").is_none());
    }
}
