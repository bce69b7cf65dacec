//! The audit trail cannot miss a write: a write is recorded `pending` (with a `call_id`)
//! before it is sent and its outcome after, under the same `call_id`; an outcome that
//! cannot be known is `unknown`, and the caller is told how to check; a trail that cannot
//! be written stops the write; a stopping server lets writes in flight finish and records
//! them; refusals by every policy flag are recorded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use claude_code_connector::generated::tools::DEFINITIONS;
use claude_code_connector::pipeline::audit::AuditLog;
use claude_code_connector::pipeline::policy::Policy;
use claude_code_connector::pipeline::{Connector, Limits};
use fake_admin_api::{FAKE_ADMIN_KEY, FakeAdminApi, Fault};
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

use crate::binary;
use crate::harness::{Harness, fast_config, text_of};
use crate::tools::seed;

fn audit_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccc-audit-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.jsonl");
    let _ = std::fs::remove_file(&path);
    path
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("one JSON object per line: {line}")))
        .collect()
}

fn outcomes(path: &Path) -> Vec<String> {
    lines(path).iter().map(|l| l["outcome"].as_str().unwrap_or_default().to_string()).collect()
}

/// Polls until `done` holds (no timing assertion: only a generous bound against hanging).
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..600 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("gave up waiting for {what}");
}

async fn harness(path: &Path, setup: impl FnOnce(Connector) -> Connector) -> Harness {
    let fake = FakeAdminApi::start(seed()).await;
    let audit = AuditLog::file(path).unwrap();
    Harness::with_connector(fake.clone(), fast_config(&fake.base_url()), |c| setup(c.with_audit(Some(audit)))).await
}

/// The two lines of one sent write: `pending`, then the outcome, with the same call_id.
fn assert_pair(lines: &[Value], outcome: &str) {
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["outcome"], "pending", "{lines:?}");
    assert_eq!(lines[1]["outcome"], outcome, "{lines:?}");
    let id = lines[0]["call_id"].as_str().expect("a call_id");
    assert!(!id.is_empty());
    assert_eq!(lines[1]["call_id"], id, "the outcome names the pending line's call");
    assert_eq!(lines[0]["arguments"], lines[1]["arguments"]);
}

#[tokio::test]
async fn a_write_is_recorded_pending_before_it_is_sent_then_its_outcome() {
    let path = audit_path("pending");
    let h = harness(&path, |c| c).await;
    h.fake.set_latency(Duration::from_millis(800));
    let handle = h.start_call("claude_code_update_user_role", json!({"user_id": "user_05", "role": "developer"})).await;
    // While the request is held by the API, the trail already has the pending line, and only it.
    until("the request to arrive", || !h.requests().is_empty()).await;
    assert_eq!(outcomes(&path), ["pending"], "recorded before it was sent");
    handle.await_response().await.expect("answered");
    assert_pair(&lines(&path), "ok");
    assert_eq!(lines(&path)[1]["request_ids"], json!([h.requests()[0].request_id]));
    // Two writes get two different call ids.
    h.fake.set_latency(Duration::ZERO);
    h.err("claude_code_remove_user", json!({"user_id": "user_99"})).await;
    let all = lines(&path);
    assert_pair(&all[2..], "error");
    assert_ne!(all[0]["call_id"], all[2]["call_id"]);
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

#[tokio::test]
async fn a_write_that_times_out_after_sending_is_unknown_and_says_how_to_check() {
    let path = audit_path("timeout");
    let h =
        harness(&path, |c| c.with_limits(Limits { call_timeout: Duration::from_secs(1), ..Limits::default() })).await;
    h.fake.set_latency(Duration::from_secs(5));
    let text = h.err("claude_code_archive_workspace", json!({"workspace_id": "wrkspc_dev"})).await;
    assert!(text.contains("outcome of claude_code_archive_workspace is unknown"), "{text}");
    assert!(text.contains("may have been applied") && text.contains("call claude_code_get_workspace"), "{text}");
    let all = lines(&path);
    assert_pair(&all, "unknown");
    assert!(all[1]["message"].as_str().unwrap().contains("--call-timeout"), "{}", all[1]);
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

#[tokio::test]
async fn a_write_answered_with_a_server_error_is_unknown_and_names_the_read_that_checks_it() {
    let path = audit_path("server-error");
    let h = harness(&path, |c| c).await;
    for status in [500, 503] {
        h.fake.push_fault(
            Fault::api_error("/v1/organizations/invites", status, "api_error", "boom").method("POST").times(1),
        );
        let text = h.err("claude_code_create_invite", json!({"email": "dup@acme.io", "role": "user"})).await;
        assert!(text.contains("outcome of claude_code_create_invite is unknown"), "{text}");
        assert!(text.contains(&format!("the API answered {status} api_error (boom)")), "{text}");
        assert!(text.contains("may have been applied: call claude_code_list_invites"), "{text}");
        assert!(!text.contains("try again") && !text.contains("trying again"), "never invites a duplicate: {text}");
    }
    let all = lines(&path);
    assert_pair(&all[..2], "unknown");
    assert_pair(&all[2..], "unknown");
    assert_eq!(h.requests().len(), 2, "each POST was sent once, never repeated");
    // A 4xx is known not to have been applied: an error, as before.
    h.err("claude_code_remove_user", json!({"user_id": "user_99"})).await;
    assert_pair(&lines(&path)[4..], "error");
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

#[tokio::test]
async fn a_write_cut_by_the_request_timeout_is_unknown_like_one_cut_by_the_call_timeout() {
    let path = audit_path("request-timeout");
    let fake = FakeAdminApi::start(seed()).await;
    let mut config = fast_config(&fake.base_url());
    config.request_timeout = Duration::from_millis(300);
    let audit = AuditLog::file(&path).unwrap();
    let h = Harness::with_connector(fake.clone(), config, |c| c.with_audit(Some(audit))).await;
    h.fake.set_latency(Duration::from_secs(3));
    let text = h.err("claude_code_create_invite", json!({"email": "slow@acme.io", "role": "user"})).await;
    assert!(text.contains("did not answer within 0.3 s (--request-timeout)"), "{text}");
    assert!(text.contains("call claude_code_list_invites") && !text.contains("try again"), "{text}");
    assert_pair(&lines(&path), "unknown");
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

#[tokio::test]
async fn a_write_cancelled_after_sending_is_unknown() {
    let path = audit_path("cancel");
    let h = harness(&path, |c| c).await;
    h.fake.set_latency(Duration::from_secs(3));
    let handle = h.start_call("claude_code_create_invite", json!({"email": "late@acme.io", "role": "user"})).await;
    until("the request to arrive", || !h.requests().is_empty()).await;
    handle.cancel(Some("changed my mind".into())).await.expect("cancel sent");
    until("the outcome line", || lines(&path).len() == 2).await;
    let all = lines(&path);
    assert_pair(&all, "unknown");
    let message = all[1]["message"].as_str().unwrap();
    assert!(message.contains("cancelled") && message.contains("claude_code_list_invites"), "{message}");
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

#[tokio::test]
async fn a_trail_that_cannot_be_written_refuses_the_write_before_sending() {
    // Through MCP.
    let h = harness(Path::new("/dev/full"), |c| c).await;
    let text = h.err("claude_code_create_invite", json!({"email": "x@acme.io", "role": "user"})).await;
    assert!(text.contains("audit trail cannot be written") && text.contains("was not sent"), "{text}");
    h.ok("claude_code_get_org_info", json!({})).await;
    assert_eq!(h.requests().len(), 1, "only the read was sent");

    // The real binary: `call` and `serve`.
    let fake = FakeAdminApi::start(seed()).await;
    let base_url = fake.base_url();
    let env = [("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY), ("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url.as_str())];
    let out =
        binary::run(&["call", "--audit-log", "/dev/full", "create_invite", "email=x@acme.io", "role=user"], &env).await;
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("error: refused: the audit trail cannot be written"), "{}", out.stderr);
    assert!(!out.stderr.contains("fake-key-for-tests"), "{}", out.stderr);
    let mut command = binary::serving(FAKE_ADMIN_KEY, &base_url);
    command.env("CLAUDE_CODE_CONNECTOR_AUDIT_LOG", "/dev/full");
    let mut server = binary::spawn(&mut command);
    let answers = server
        .exchange(&[
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
                "capabilities": {}, "clientInfo": {"name": "audit", "version": "0"}}}),
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": "claude_code_create_invite", "arguments": {"email": "x@acme.io", "role": "user"}}}),
        ])
        .await;
    let result = &answers[&2]["result"];
    assert_eq!(result["isError"], true, "{result}");
    assert!(result["content"][0]["text"].as_str().unwrap().contains("audit trail cannot be written"), "{result}");
    let (status, _) = server.finish().await;
    assert!(status.success());
    assert!(fake.requests().is_empty(), "nothing was sent");
}

#[cfg(unix)]
#[tokio::test]
async fn a_signal_during_serve_lets_the_write_in_flight_finish_and_records_it() {
    for signal in ["TERM", "INT"] {
        let path = audit_path(&format!("signal-{signal}"));
        let fake = FakeAdminApi::start(seed()).await;
        let mut command = binary::serving(FAKE_ADMIN_KEY, &fake.base_url());
        command.env("CLAUDE_CODE_CONNECTOR_AUDIT_LOG", &path);
        let mut server = binary::spawn(&mut command);
        server
            .exchange(&[
                json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
                    "capabilities": {}, "clientInfo": {"name": "audit", "version": "0"}}}),
                json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            ])
            .await;
        fake.set_latency(Duration::from_secs(2));
        // Sent, not awaited: the fake holds the POST while the signal arrives.
        let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": "claude_code_create_invite", "arguments": {"email": "held@acme.io", "role": "user"}}});
        tokio::io::AsyncWriteExt::write_all(&mut server.stdin, format!("{call}\n").as_bytes()).await.unwrap();
        until("the POST to arrive", || fake.requests().iter().any(|r| r.method == "POST")).await;
        let pid = server.child.id().expect("running").to_string();
        let killed = std::process::Command::new("kill").args([&format!("-{signal}"), &pid]).status().unwrap();
        assert!(killed.success());
        let status = tokio::time::timeout(Duration::from_secs(60), server.child.wait()).await.expect("exits").unwrap();
        assert!(status.success(), "SIG{signal}: {status:?}");
        let all = lines(&path);
        assert_pair(&all, "ok");
        assert_eq!(all[0]["tool"], "claude_code_create_invite");
        assert_eq!(fake.with_state(|d| d.invites.iter().filter(|i| i.email == "held@acme.io").count()), 1);
        std::fs::remove_dir_all(path.parent().unwrap()).ok();
    }
}

#[tokio::test]
async fn refusals_by_every_policy_flag_are_audited() {
    let cases: Vec<(Policy, &str, Value)> = vec![
        (Policy::default().read_only(true), "claude_code_remove_user", json!({"user_id": "user_05"})),
        (
            Policy::default().tools("list_*", DEFINITIONS).unwrap(),
            "claude_code_remove_user",
            json!({"user_id": "user_05"}),
        ),
        (
            Policy::default().workspaces("wrkspc_prod").unwrap(),
            "claude_code_archive_workspace",
            json!({"workspace_id": "wrkspc_dev"}),
        ),
        (
            Policy::default().max_role("developer").unwrap(),
            "claude_code_create_invite",
            json!({"email": "a@acme.io", "role": "billing"}),
        ),
    ];
    for (index, (policy, tool, arguments)) in cases.into_iter().enumerate() {
        let path = audit_path(&format!("refusal-{index}"));
        let h = harness(&path, |c| c.with_policy(policy)).await;
        let Value::Object(map) = arguments.clone() else { unreachable!() };
        let answered = h.mcp.call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(map)).await;
        if let Ok(result) = &answered {
            assert_eq!(result.is_error, Some(true), "{tool}: {}", text_of(result));
        }
        let all = lines(&path);
        assert_eq!(all.len(), 1, "{tool}: {all:?}");
        assert_eq!((all[0]["tool"].as_str(), all[0]["outcome"].as_str()), (Some(tool), Some("refused")), "{all:?}");
        assert!(all[0]["call_id"].is_string());
        assert!(h.requests().is_empty(), "{tool}: nothing was sent");
        std::fs::remove_dir_all(path.parent().unwrap()).ok();
    }
}

#[cfg(unix)]
#[test]
fn an_audit_log_others_can_read_or_write_is_made_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let path = audit_path("world-readable");
    std::fs::write(&path, "").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let _audit = AuditLog::file(&path).expect("a log the server owns is fixed, not refused");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the audit log ends 0600, was {mode:o}");
}
