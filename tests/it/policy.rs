//! Least privilege, the audit trail and call bounds, through MCP: what is listed,
//! what is refused (and that nothing is sent), what is recorded.

use std::time::Duration;

use claude_code_connector::generated::tools::DEFINITIONS;
use claude_code_connector::pipeline::Limits;
use claude_code_connector::pipeline::audit::AuditLog;
use claude_code_connector::pipeline::policy::Policy;
use fake_admin_api::FakeAdminApi;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

use crate::binary;
use crate::harness::{Harness, fast_config, text_of};
use crate::tools::seed;

async fn harness(
    setup: impl FnOnce(claude_code_connector::pipeline::Connector) -> claude_code_connector::pipeline::Connector,
) -> Harness {
    let fake = FakeAdminApi::start(seed()).await;
    let config = fast_config(&fake.base_url());
    Harness::with_connector(fake, config, setup).await
}

/// A call the server answers with a JSON-RPC error (not a tool result).
async fn rpc_error(h: &Harness, name: &str, arguments: Value) -> String {
    let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
    let error = h
        .mcp
        .call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(arguments))
        .await
        .expect_err("refused with a JSON-RPC error");
    error.to_string()
}

fn audit_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("one JSON object per line: {line}")))
        .collect()
}

#[tokio::test]
async fn read_only_lists_no_write_tool_and_refuses_one_called_by_name() {
    let h = harness(|c| c.with_policy(Policy::default().read_only(true))).await;
    let tools = h.list_tools().await;
    let read_only = DEFINITIONS.iter().filter(|d| d.annotations.read_only).count();
    assert_eq!(tools.len(), read_only);
    assert!(tools.iter().all(|t| t.annotations.as_ref().unwrap().read_only_hint == Some(true)));
    for (name, arguments) in [
        ("claude_code_remove_user", json!({"user_id": "user_05"})),
        ("claude_code_archive_workspace", json!({"workspace_id": "wrkspc_prod"})),
        ("claude_code_create_invite", json!({"email": "x@acme.io", "role": "user"})),
    ] {
        let error = rpc_error(&h, name, arguments).await;
        assert!(error.contains(name) && error.contains("--read-only"), "{error}");
    }
    assert!(h.requests().is_empty(), "a refused write sends nothing");
    h.ok("claude_code_get_user", json!({"user_id": "user_05"})).await;
}

#[tokio::test]
async fn tools_patterns_expose_only_matching_tools() {
    let h =
        harness(|c| c.with_policy(Policy::default().tools("list_*,claude_code_get_org_info", DEFINITIONS).unwrap()))
            .await;
    let mut names: Vec<String> = h.list_tools().await.into_iter().map(|t| t.name.to_string()).collect();
    names.sort();
    let mut expected: Vec<&str> = DEFINITIONS
        .iter()
        .map(|d| d.name)
        .filter(|n| n.starts_with("claude_code_list_") || *n == "claude_code_get_org_info")
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    let error = rpc_error(&h, "claude_code_get_user", json!({"user_id": "user_05"})).await;
    assert!(error.contains("not enabled") && error.contains("--tools"), "{error}");
    assert!(h.requests().is_empty());
}

#[tokio::test]
async fn workspaces_confine_workspace_writes_and_refusals_send_nothing() {
    let h = harness(|c| c.with_policy(Policy::default().workspaces("wrkspc_prod").unwrap())).await;
    for (name, arguments) in [
        ("claude_code_archive_workspace", json!({"workspace_id": "wrkspc_dev"})),
        ("claude_code_update_workspace", json!({"workspace_id": "wrkspc_dev", "name": "X"})),
        ("claude_code_add_workspace_member", json!({"workspace_id": "wrkspc_dev", "user_id": "user_05"})),
        (
            "claude_code_update_workspace_member",
            json!({"workspace_id": "wrkspc_dev", "user_id": "user_02", "role": "admin"}),
        ),
        ("claude_code_remove_workspace_member", json!({"workspace_id": "wrkspc_dev", "user_id": "user_02"})),
    ] {
        let text = h.err(name, arguments).await;
        assert!(text.contains("wrkspc_dev") && text.contains("--workspaces wrkspc_prod"), "{name}: {text}");
    }
    assert!(h.requests().is_empty(), "refused writes send nothing");
    h.ok("claude_code_add_workspace_member", json!({"workspace_id": "wrkspc_prod", "user_id": "user_05"})).await;
    h.ok("claude_code_get_workspace", json!({"workspace_id": "wrkspc_dev"})).await;
    assert_eq!(h.requests().len(), 2, "allowed writes and all reads go through");
}

#[tokio::test]
async fn workspaces_refuse_every_organization_level_write_unless_allowed() {
    let organization_level: Vec<&str> = DEFINITIONS.iter().filter(|d| d.organization_write).map(|d| d.name).collect();
    for expected in ["claude_code_remove_user", "claude_code_create_invite", "claude_code_create_workspace"] {
        assert!(organization_level.contains(&expected), "{expected} is organization-level: {organization_level:?}");
    }
    // Every write is either confined to a workspace or declared organization-level.
    for write in DEFINITIONS.iter().filter(|d| !d.annotations.read_only) {
        let confined = write.workspace_argument.is_some() || write.workspace_lookup.is_some();
        assert!(confined != write.organization_write, "{}: one of the two", write.name);
    }
    let h = harness(|c| c.with_policy(Policy::default().workspaces("wrkspc_prod").unwrap())).await;
    for (name, arguments) in [
        ("claude_code_remove_user", json!({"user_id": "user_05"})),
        ("claude_code_update_user_role", json!({"user_id": "user_05", "role": "developer"})),
        ("claude_code_create_invite", json!({"email": "new@acme.io", "role": "user"})),
        ("claude_code_delete_invite", json!({"invite_id": "invite_0"})),
        ("claude_code_create_workspace", json!({"name": "New"})),
    ] {
        let text = h.err(name, arguments).await;
        assert!(
            text.contains("changes the organization as a whole")
                && text.contains("--workspaces")
                && text.contains("--allow-organization-writes"),
            "{name}: {text}"
        );
    }
    assert!(h.requests().is_empty(), "refused writes send nothing");

    let allowed = Policy::default().workspaces("wrkspc_prod").unwrap().allow_organization_writes(true);
    let h = harness(|c| c.with_policy(allowed)).await;
    h.ok("claude_code_create_invite", json!({"email": "new@acme.io", "role": "user"})).await;
    let text = h.err("claude_code_archive_workspace", json!({"workspace_id": "wrkspc_dev"})).await;
    assert!(text.contains("--workspaces wrkspc_prod"), "workspace writes stay confined: {text}");
    assert_eq!(h.requests().len(), 1);
    // Without --workspaces nothing is refused for its scope.
    let h = harness(|c| c).await;
    h.ok("claude_code_create_workspace", json!({"name": "New"})).await;
}

#[tokio::test]
async fn max_role_refuses_invites_and_promotions_above_it() {
    let h = harness(|c| c.with_policy(Policy::default().max_role("developer").unwrap())).await;
    let text = h.err("claude_code_create_invite", json!({"email": "new@acme.io", "role": "billing"})).await;
    assert!(text.contains("billing") && text.contains("--max-role developer"), "{text}");
    let text = h.err("claude_code_update_user_role", json!({"user_id": "user_05", "role": "billing"})).await;
    assert!(text.contains("--max-role developer"), "{text}");
    assert!(h.requests().is_empty(), "refused writes send nothing");
    let out = h.ok("claude_code_create_invite", json!({"email": "new@acme.io", "role": "developer"})).await;
    assert_eq!(out["role"], "developer");
}

#[tokio::test]
async fn every_write_is_audited_as_one_json_line_and_reads_are_not() {
    let dir = std::env::temp_dir().join(format!("audit-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.jsonl");
    let audit = AuditLog::file(&path).unwrap();
    // The organization-level writes below are allowed alongside the workspace limit.
    let policy = Policy::default().workspaces("wrkspc_prod").unwrap().allow_organization_writes(true);
    let h = harness(|c| c.with_policy(policy).with_audit(Some(audit))).await;
    h.ok("claude_code_list_users", json!({})).await;
    h.ok("claude_code_update_user_role", json!({"user_id": "user_05", "role": "developer"})).await;
    h.err("claude_code_remove_user", json!({"user_id": "user_99"})).await;
    h.err("claude_code_archive_workspace", json!({"workspace_id": "wrkspc_dev"})).await;
    h.err("claude_code_update_user_role", json!({"user_id": "../x", "role": "developer"})).await;

    let all = audit_lines(&path);
    // A write that is sent has a `pending` line first (tests/it/audit.rs); the outcomes:
    let lines: Vec<Value> = all.iter().filter(|l| l["outcome"] != "pending").cloned().collect();
    let pending: Vec<&Value> = all.iter().filter(|l| l["outcome"] == "pending").collect();
    assert_eq!(pending.len(), 2, "the two writes that were sent: {all:?}");
    let summary: Vec<(&str, &str)> =
        lines.iter().map(|l| (l["tool"].as_str().unwrap(), l["outcome"].as_str().unwrap())).collect();
    assert_eq!(
        summary,
        [
            ("claude_code_update_user_role", "ok"),
            ("claude_code_remove_user", "error"),
            ("claude_code_archive_workspace", "refused"),
            ("claude_code_update_user_role", "error"),
        ]
    );
    assert_eq!(lines[0]["targets"], json!({"user_id": "user_05"}));
    let recorded = h.requests().into_iter().find(|r| r.method == "POST").expect("the role change");
    assert_eq!(lines[0]["request_ids"], json!([recorded.request_id]), "the API's request id of the write");
    assert_eq!(lines[0]["arguments"], json!({"user_id": "user_05", "role": "developer"}));
    assert!(lines[1]["message"].as_str().unwrap().contains("404"), "{}", lines[1]);
    assert!(lines[1]["request_ids"][0].is_string(), "the API's request id is kept: {}", lines[1]);
    assert_eq!(lines[2]["targets"], json!({"workspace_id": "wrkspc_dev"}));
    assert!(lines[3]["message"].as_str().unwrap().contains("`user_id`"));
    assert!(lines.iter().all(|l| l["time"].is_string() && l["audit"] == "write"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_call_past_its_deadline_is_stopped_with_a_clear_error() {
    let h = harness(|c| c.with_limits(Limits { call_timeout: Duration::from_secs(1), ..Limits::default() })).await;
    h.fake.set_latency(Duration::from_secs(5));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert!(text.contains("did not finish within 1 s") && text.contains("--call-timeout"), "{text}");
    h.fake.set_latency(Duration::ZERO);
    h.ok("claude_code_get_org_info", json!({})).await;
}

#[tokio::test]
async fn a_cancelled_call_stops_its_upstream_work() {
    let h = harness(|c| c).await;
    h.fake.set_latency(Duration::from_millis(400));
    let handle = h
        .start_call("claude_code_get_code_analytics", json!({"start_date": "2026-01-01", "end_date": "2026-03-31"}))
        .await;
    // Wait until the fan-out has started, then cancel.
    for _ in 0..100 {
        if !h.requests().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    handle.cancel(Some("the user changed their mind".into())).await.expect("cancel sent");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after_cancel = h.requests().len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let later = h.requests().len();
    assert_eq!(later, after_cancel, "no request starts after the cancellation (90 days would take 90 requests)");
    assert!(later < 90, "{later} requests were made");
    // The server is still serving.
    h.fake.set_latency(Duration::ZERO);
    h.ok("claude_code_get_org_info", json!({})).await;
}

#[tokio::test]
async fn large_results_are_capped_with_a_note_saying_how_to_get_the_rest() {
    let h = harness(|c| c.with_limits(Limits { max_result_bytes: 1500, ..Limits::default() })).await;
    let result =
        h.call("claude_code_get_cost_breakdown", json!({"start_date": "2026-03-01", "end_date": "2026-03-31"})).await;
    assert_ne!(result.is_error, Some(true), "{}", text_of(&result));
    let out = result.structured_content.expect("structured");
    let note = &out["truncated"];
    let returned = note["returned"].as_u64().expect("a truncation note");
    assert_eq!(note["total"], 31);
    assert_eq!(out["data"].as_array().unwrap().len() as u64, returned);
    assert!(note["next"].as_str().unwrap().contains(&format!("start_date=2026-03-{:02}", returned + 1)), "{note}");
    assert_eq!(out["total_cents"], "370.368", "totals still cover the whole range");
    assert!(serde_json::to_vec(&out).unwrap().len() <= 1500);
}

/// The real binary's `tools/list` answer under `env` settings.
async fn listed_by_binary(env: &[(&str, &str)]) -> Vec<String> {
    let fake = FakeAdminApi::start(seed()).await;
    let mut command = binary::serving(fake_admin_api::FAKE_ADMIN_KEY, &fake.base_url());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut server = binary::spawn(&mut command);
    let answers = server
        .exchange(&[
            json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}),
            json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
            json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}),
        ])
        .await;
    answers[&2]["result"]["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_binary_takes_its_limits_from_flags_or_the_environment() {
    let read_only = listed_by_binary(&[("CLAUDE_CODE_CONNECTOR_READ_ONLY", "true")]).await;
    assert_eq!(read_only.len(), DEFINITIONS.iter().filter(|d| d.annotations.read_only).count());
    let patterns = listed_by_binary(&[("CLAUDE_CODE_CONNECTOR_TOOLS", "get_user,get_invite")]).await;
    assert_eq!(patterns, ["claude_code_get_user", "claude_code_get_invite"]);

    for (flag, value, says) in [
        ("--max-role", "root", "is not an organization role"),
        ("--tools", "lsit_*", "matches no tool"),
        ("--workspaces", "../etc", "is not a workspace ID"),
    ] {
        let output = binary::run(&[flag, value], &[("ANTHROPIC_ADMIN_API_KEY", fake_admin_api::FAKE_ADMIN_KEY)]).await;
        let stderr = &output.stderr;
        assert!(output.code != Some(0) && stderr.contains(says), "{flag} {value}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}
