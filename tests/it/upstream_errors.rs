//! Upstream failures become `isError` results that help; reads retry, writes never do.

use fake_admin_api::Fault;
use serde_json::json;

use crate::harness::Harness;
use crate::tools::seed;

#[tokio::test]
async fn api_errors_carry_type_message_request_id_and_a_hint() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/me", 401, "authentication_error", "invalid x-api-key"));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    for part in ["401", "authentication_error", "invalid x-api-key", "request id req_", "sk-ant-admin", "sk-ant-api"] {
        assert!(text.contains(part), "`{text}` should contain `{part}`");
    }
    h.fake.clear_faults();
    h.fake.push_fault(Fault::api_error("/v1/organizations/users", 403, "permission_error", "no"));
    let text = h.err("claude_code_list_users", json!({})).await;
    assert!(text.contains("permission_error") && text.contains("lacks permission"), "{text}");
}

#[tokio::test]
async fn a_non_json_error_page_is_summarized_not_dumped() {
    let h = Harness::start(seed()).await;
    let page = format!("<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>", "x".repeat(5000));
    h.fake.push_fault(Fault {
        method: None,
        path_prefix: "/v1/organizations/workspaces".into(),
        times: None,
        status: 413,
        body: page,
        headers: vec![("content-type".into(), "text/html".into())],
    });
    let text = h.err("claude_code_create_workspace", json!({"name": "ML"})).await;
    assert!(text.contains("413") && text.contains("502 Bad Gateway") && text.contains("text/html"), "{text}");
    assert!(text.len() < 400, "summarized: {text}");
}

#[tokio::test]
async fn reads_retry_overloads_and_rate_limits_with_retry_after() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/me", 529, "overloaded_error", "busy").times(1));
    h.fake.push_fault(
        Fault::api_error("/v1/organizations/me", 429, "rate_limit_error", "slow").header("retry-after", "0").times(1),
    );
    h.ok("claude_code_get_org_info", json!({})).await;
    assert_eq!(h.requests().len(), 3);
}

#[tokio::test]
async fn a_spend_cap_429_without_retry_after_is_not_retried() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/me", 429, "rate_limit_error", "spend limit reached"));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert!(text.contains("spend limit"), "{text}");
    assert_eq!(h.requests().len(), 1);
}

#[tokio::test]
async fn retries_stop_after_three_attempts() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/me", 503, "api_error", "down"));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert!(text.contains("503"), "{text}");
    assert_eq!(h.requests().len(), 3);
}

#[tokio::test]
async fn a_write_is_never_sent_twice() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/invites", 500, "api_error", "oops").method("POST"));
    let text = h.err("claude_code_create_invite", json!({"email": "jane@company.com", "role": "user"})).await;
    assert!(text.contains("500"), "{text}");
    assert_eq!(h.requests().len(), 1, "a POST that may have reached the server is not retried");
}
