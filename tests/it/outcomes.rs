//! Every type of failure of the one call pipeline, as each entry point says it: MCP
//! (a JSON-RPC error or an `isError` result) and the `call` command (its exit code), and
//! a refused write audited exactly once whichever entry point refused it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use claude_code_connector::pipeline::audit::AuditLog;
use claude_code_connector::pipeline::policy::Policy;
use claude_code_connector::pipeline::{CallRequest, FailureKind, Limits, ToolOutcome};
use fake_admin_api::{FAKE_ADMIN_KEY, FakeAdminApi};
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

use crate::binary::run;
use crate::harness::{Harness, fast_config, text_of};
use crate::tools::seed;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("outcomes-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("audit.jsonl")
}

fn audit_outcomes(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("one JSON object per line"))
        .map(|l| (l["tool"].as_str().unwrap().to_string(), l["outcome"].as_str().unwrap().to_string()))
        .collect()
}

/// What MCP answered: `Err` for a JSON-RPC error, `Ok((is_error, text))` for a result.
async fn mcp(h: &Harness, name: &str, arguments: Value) -> Result<(bool, String), String> {
    let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
    let answer = h.mcp.call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(arguments)).await;
    answer.map(|result| (result.is_error == Some(true), text_of(&result))).map_err(|e| e.to_string())
}

#[tokio::test]
async fn each_failure_type_is_a_json_rpc_error_or_an_error_result_over_mcp() {
    let audit_path = scratch("mcp");
    let fake = FakeAdminApi::start(seed()).await;
    let limits = Limits { call_timeout: Duration::from_millis(300), ..Limits::default() };
    let all = claude_code_connector::generated::tools::DEFINITIONS;
    let policy = Policy::default().tools("get_*,list_*,archive_workspace,update_user_role", all).unwrap();
    let policy = policy.workspaces("wrkspc_prod").unwrap();
    let audit = AuditLog::file(&audit_path).unwrap();
    let h = Harness::with_connector(fake.clone(), fast_config(&fake.base_url()), |c| {
        c.with_policy(policy).with_limits(limits).with_audit(Some(audit))
    })
    .await;

    let unknown = mcp(&h, "claude_code_no_such_tool", json!({})).await.expect_err("a JSON-RPC error");
    assert!(unknown.contains("unknown tool"), "{unknown}");
    let hidden = mcp(&h, "claude_code_remove_user", json!({"user_id": "user_05"})).await.expect_err("a JSON-RPC error");
    assert!(hidden.contains("--tools"), "{hidden}");
    let (is_error, invalid) = mcp(&h, "claude_code_list_users", json!({"per_page": 0})).await.unwrap();
    assert!(is_error && invalid.contains("invalid argument `per_page`"), "{invalid}");
    let (is_error, refused) =
        mcp(&h, "claude_code_archive_workspace", json!({"workspace_id": "wrkspc_dev"})).await.unwrap();
    assert!(is_error && refused.contains("--workspaces"), "{refused}");
    assert!(h.requests().is_empty(), "nothing was sent for any of these");
    let (is_error, api) = mcp(&h, "claude_code_get_user", json!({"user_id": "user_nobody"})).await.unwrap();
    assert!(is_error && api.contains("404"), "{api}");
    fake.set_latency(Duration::from_secs(3));
    let (is_error, timeout) = mcp(&h, "claude_code_get_org_info", json!({})).await.unwrap();
    assert!(is_error && timeout.contains("did not finish within"), "{timeout}");
    fake.set_latency(Duration::ZERO);

    assert_eq!(
        audit_outcomes(&audit_path),
        [
            ("claude_code_remove_user".to_string(), "refused".to_string()),
            ("claude_code_archive_workspace".to_string(), "refused".to_string()),
        ],
        "one line per refused write, none for reads"
    );
}

#[tokio::test]
async fn the_pipeline_reports_each_failure_by_its_type() {
    let fake = FakeAdminApi::start(seed()).await;
    let http = claude_code_connector::runtime::Http::new(fast_config(&fake.base_url())).unwrap();
    let connector = claude_code_connector::pipeline::Connector::new(http)
        .with_audit(None)
        .with_policy(Policy::default().read_only(true))
        .with_limits(Limits { call_timeout: Duration::from_millis(300), ..Limits::default() });
    let kind = |outcome: ToolOutcome| match outcome {
        ToolOutcome::Failure(failure) => Some(failure.kind),
        ToolOutcome::Success(_) => None,
    };
    let call = |name: &str, arguments: Value| {
        let Value::Object(arguments) = arguments else { panic!() };
        CallRequest::new(name, arguments)
    };
    let pending = std::future::pending::<()>;
    assert_eq!(kind(connector.call(call("nope", json!({})), pending()).await), Some(FailureKind::UnknownTool));
    let remove = call("claude_code_remove_user", json!({"user_id": "user_05"}));
    assert_eq!(kind(connector.call(remove, pending()).await), Some(FailureKind::NotExposed));
    let invalid = call("claude_code_get_user", json!({"user_id": "../x"}));
    assert_eq!(kind(connector.call(invalid, pending()).await), Some(FailureKind::InvalidArgument));
    let missing = call("claude_code_get_user", json!({"user_id": "user_nobody"}));
    assert_eq!(kind(connector.call(missing, pending()).await), Some(FailureKind::Api));
    let cancelled = connector.call(call("claude_code_get_org_info", json!({})), async {}).await;
    assert_eq!(kind(cancelled), Some(FailureKind::Cancelled));
    fake.set_latency(Duration::from_secs(3));
    let slow = connector.call(call("claude_code_get_org_info", json!({})), pending()).await;
    assert_eq!(kind(slow), Some(FailureKind::Timeout));
    assert!(FailureKind::InvalidArgument.is_usage() && !FailureKind::Refused.is_usage());
}

#[tokio::test]
async fn the_call_command_takes_its_exit_code_from_the_failure_type() {
    let fake = FakeAdminApi::start(seed()).await;
    let base_url = fake.base_url();
    let env = [("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY), ("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url.as_str())];
    let audit_path = scratch("cli");
    let audit = audit_path.to_str().unwrap();
    for (args, code, says) in [
        (vec!["call", "no_such_tool"], 2, "unknown tool"),
        (vec!["call", "--read-only", "remove_user", "user_id=user_05"], 2, "--read-only"),
        (
            vec!["call", "--audit-log", audit, "update_user_role", "user_id=../x", "role=developer"],
            2,
            "invalid argument `user_id`",
        ),
        (
            vec![
                "call",
                "--audit-log",
                audit,
                "--workspaces",
                "wrkspc_prod",
                "archive_workspace",
                "workspace_id=wrkspc_dev",
            ],
            1,
            "--workspaces",
        ),
        (vec!["call", "get_user", "user_id=user_nobody"], 1, "404"),
    ] {
        let out = run(&args, &env).await;
        assert_eq!(out.code, Some(code), "{args:?}: {out:?}");
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: no result on stdout: {}", out.stdout);
    }
    fake.set_latency(Duration::from_secs(5));
    let out = run(&["call", "--call-timeout", "1", "get_org_info"], &env).await;
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("did not finish within 1 s"), "{}", out.stderr);
    fake.set_latency(Duration::ZERO);
    assert_eq!(
        audit_outcomes(&audit_path),
        [
            ("claude_code_update_user_role".to_string(), "error".to_string()),
            ("claude_code_archive_workspace".to_string(), "refused".to_string()),
        ],
        "the refused write is audited once, the invalid one as an error"
    );
    assert!(fake.requests().iter().all(|r| r.method == "GET"), "no write reached the API");
}
