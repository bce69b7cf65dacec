//! The rate-limit and beta analytics tools (added by spec edits alone), called through MCP
//! against the fake: exact method, path, query in order, headers and every page.

use fake_admin_api::{RecordedRequest, WorkspaceRateLimitOverride};
use serde_json::{Value, json};

use crate::harness::{Harness, query_of};
use crate::tools::seed;

const ANALYTICS_BETA: &str = "analytics-usage-cost-2026-08-24";

fn pairs(request: &RecordedRequest) -> Vec<(&str, &str)> {
    request.query.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

/// The query of every request but its `page` token, which the fake makes up.
fn without_page(request: &RecordedRequest) -> Vec<(&str, &str)> {
    pairs(request).into_iter().filter(|(name, _)| *name != "page").collect()
}

/// Each request's `page` token, in order: none on the first, then the one the page before gave.
fn pages(requests: &[RecordedRequest]) -> Vec<bool> {
    requests.iter().map(|r| r.query_value("page").is_some()).collect()
}

fn rows(out: &Value) -> &Vec<Value> {
    out["data"].as_array().expect("data")
}

#[tokio::test]
async fn get_rate_limits_reads_every_page_without_a_beta_header() {
    let h = Harness::start(seed()).await;
    h.fake.set_row_page_size(Some(3));
    let out = h.ok("claude_code_get_rate_limits", json!({})).await;
    let requests = h.take_requests();
    assert_eq!(requests.len(), 3, "8 groups, 3 a page");
    for r in &requests {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/organizations/rate_limits"));
        assert_eq!(without_page(r), []);
        assert_eq!(r.headers.get("anthropic-beta"), None);
    }
    assert_eq!(pages(&requests), [false, true, true]);
    assert_eq!(rows(&out).len(), 8);
    assert_eq!(out["data"][0]["group"]["display_name"], "Claude Sonnet 4.x");
    assert_eq!(out["data"][3]["group_type"], "batch");
    assert_eq!(out["data"][3]["limits"][1], json!({"type": "enqueued_batch_requests", "value": 500_000}));

    let out =
        h.ok("claude_code_get_rate_limits", json!({"group_type": "model_group", "model": "claude-opus-4-1"})).await;
    let r = &h.take_requests()[0];
    assert_eq!(pairs(r), [("group_type", "model_group"), ("model", "claude-opus-4-1")]);
    assert_eq!(rows(&out).len(), 1);
    assert_eq!(out["data"][0]["models"][1], "claude-opus-4-1");

    let missing = h.err("claude_code_get_rate_limits", json!({"model": "gpt-4"})).await;
    assert!(missing.contains("404") && missing.contains("no rate-limit group holds that model"), "{missing}");
    let bad = h.err("claude_code_get_rate_limits", json!({"group_type": "images"})).await;
    assert!(bad.contains("group_type") && bad.contains("not one of"), "{bad}");
    assert_eq!(h.take_requests().len(), 1, "only the 404 call was sent");
}

#[tokio::test]
async fn get_workspace_rate_limits_shows_overrides_beside_the_organization_value() {
    let mut dataset = seed();
    dataset.workspace_rate_limits.push(WorkspaceRateLimitOverride::new(
        "wrkspc_prod",
        "rl_sonnet",
        &[("requests_per_minute", 1_000), ("output_tokens_per_minute", 90_000)],
    ));
    dataset.workspace_rate_limits.push(WorkspaceRateLimitOverride::new(
        "wrkspc_prod",
        "rl_batch",
        &[("enqueued_batch_requests", 20_000)],
    ));
    dataset.workspace_rate_limits.push(WorkspaceRateLimitOverride::new(
        "wrkspc_dev",
        "rl_opus",
        &[("requests_per_minute", 10)],
    ));
    let h = Harness::start(dataset).await;
    h.fake.set_row_page_size(Some(1));
    let out = h.ok("claude_code_get_workspace_rate_limits", json!({"workspace_id": "wrkspc_prod"})).await;
    let requests = h.take_requests();
    assert_eq!(requests.len(), 2, "two overridden groups, one a page");
    for r in &requests {
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("GET", "/v1/organizations/workspaces/wrkspc_prod/rate_limits")
        );
        assert_eq!(without_page(r), []);
        assert_eq!(r.headers.get("anthropic-beta"), None);
    }
    assert_eq!(pages(&requests), [false, true]);
    assert_eq!(
        out["data"][0]["limits"],
        json!([
            {"type": "requests_per_minute", "value": 1_000, "org_limit": 4_000, "source": {"type": "workspace"}},
            {"type": "output_tokens_per_minute", "value": 90_000, "org_limit": 400_000, "source": {"type": "workspace"}},
        ])
    );
    assert_eq!(out["data"][1]["group_type"], "batch");
    let text = h.text("claude_code_get_workspace_rate_limits", json!({"workspace_id": "wrkspc_prod"})).await;
    assert!(text.contains("Organization limit") && text.contains("400,000"), "{text}");
    h.take_requests();

    let out = h
        .ok(
            "claude_code_get_workspace_rate_limits",
            json!({"workspace_id": "wrkspc_prod", "group_type": "model_group", "include_inherited": true}),
        )
        .await;
    let requests = h.take_requests();
    assert_eq!(without_page(&requests[0]), [("group_type", "model_group"), ("include_inherited", "true")]);
    assert_eq!(requests.len(), 3, "every model group, inherited ones too");
    assert_eq!(out["data"][0]["limits"][1]["source"]["type"], "organization");

    let missing = h.err("claude_code_get_workspace_rate_limits", json!({"workspace_id": "wrkspc_nope"})).await;
    assert!(missing.contains("404") && missing.contains("no workspace `wrkspc_nope`"), "{missing}");
}

#[tokio::test]
async fn get_usage_analytics_sends_the_beta_and_matches_the_usage_report() {
    let h = Harness::start(seed()).await;
    h.fake.set_row_page_size(Some(2));
    let out = h
        .ok(
            "claude_code_get_usage_analytics",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-03", "group_by": ["model", "workspace_id"]}),
        )
        .await;
    let requests = h.take_requests();
    assert_eq!(requests.len(), 2, "3 daily rows, 2 a page");
    for r in &requests {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/organizations/analytics/usage"));
        assert_eq!(
            without_page(r),
            [
                ("time_bucket_width", "1d"),
                ("starting_at", "2026-03-01T00:00:00Z"),
                ("ending_at", "2026-03-04T00:00:00Z"),
                ("group_by[]", "model"),
                ("group_by[]", "workspace_id"),
            ]
        );
        assert_eq!(r.headers.get("anthropic-beta").map(String::as_str), Some(ANALYTICS_BETA));
    }
    assert_eq!(pages(&requests), [false, true]);
    assert_eq!(rows(&out).len(), 3);
    assert_eq!(out["data"][2]["starting_at"], "2026-03-03T00:00:00Z");
    assert_eq!(out["data"][2]["group"]["model"], "claude-sonnet-4-5");

    // A day's analytics equal the legacy usage report's for the same day.
    let legacy = h.ok("claude_code_get_usage", json!({"start_date": "2026-03-02", "end_date": "2026-03-02"})).await;
    let analytics =
        h.ok("claude_code_get_usage_analytics", json!({"start_date": "2026-03-02", "end_date": "2026-03-02"})).await;
    let day = &analytics["data"][0]["usage"];
    let report = &legacy["data"][0]["results"][0];
    assert_eq!(
        (&day["uncached_input_tokens"], &day["output_tokens"], &day["total_tokens"]),
        (&report["uncached_input_tokens"], &report["output_tokens"], &json!(1200))
    );

    let rolled = h
        .ok(
            "claude_code_get_usage_analytics",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-03", "period": "total"}),
        )
        .await;
    assert_eq!(rolled["rows"][0]["output_tokens"], 600, "{rolled}");
    h.take_requests();
    // Longer than the API's 31 days: two windows (answers.rs checks the sums); past a year, refused.
    h.ok("claude_code_get_usage_analytics", json!({"start_date": "2026-03-01", "end_date": "2026-04-15"})).await;
    let windows: Vec<Vec<String>> = h
        .take_requests()
        .iter()
        .map(query_of)
        .filter(|query| !query.iter().any(|pair| pair.starts_with("page=")))
        .map(|query| query.into_iter().filter(|pair| pair.contains("ing_at=")).collect())
        .collect();
    let window = |a: &str, b: &str| vec![format!("ending_at={b}T00:00:00Z"), format!("starting_at={a}T00:00:00Z")];
    assert_eq!(windows, [window("2026-03-01", "2026-04-01"), window("2026-04-01", "2026-04-16")], "two windows");
    let too_long =
        h.err("claude_code_get_usage_analytics", json!({"start_date": "2026-01-01", "end_date": "2027-01-15"})).await;
    assert!(too_long.contains("end_date") && too_long.contains("at most 366"), "{too_long}");
    assert_eq!(h.requests().len(), 0, "refused before sending");
}

#[tokio::test]
async fn get_cost_analytics_keeps_cents_exact_and_matches_the_cost_report() {
    let h = Harness::start(seed()).await;
    let out = h
        .ok(
            "claude_code_get_cost_analytics",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-03", "group_by": ["cost_type", "workspace_id"]}),
        )
        .await;
    let r = &h.take_requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/organizations/analytics/cost"));
    assert_eq!(
        pairs(r),
        [
            ("time_bucket_width", "1d"),
            ("starting_at", "2026-03-01T00:00:00Z"),
            ("ending_at", "2026-03-04T00:00:00Z"),
            ("group_by[]", "cost_type"),
            ("group_by[]", "workspace_id"),
        ]
    );
    assert_eq!(r.headers.get("anthropic-beta").map(String::as_str), Some(ANALYTICS_BETA));
    assert_eq!(rows(&out).len(), 3);
    assert_eq!(out["data"][0]["group"]["cost_type"], "tokens");
    assert_eq!(out["data"][0]["group"]["workspace_id"], json!(null), "the seed's costs have no workspace");
    assert_eq!(
        out["data"][0]["cost"],
        json!({"amount": "123.456", "currency": "USD", "list_amount": "123.456", "requests": null}),
        "no request count by cost type"
    );
    let ungrouped =
        h.ok("claude_code_get_cost_analytics", json!({"start_date": "2026-03-01", "end_date": "2026-03-01"})).await;
    assert_eq!(ungrouped["data"][0]["cost"]["requests"], 0, "the seed's usage rows count no requests");
    let legacy = h
        .ok(
            "claude_code_get_cost_breakdown",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-03", "period": "total"}),
        )
        .await;
    let rolled = h
        .ok(
            "claude_code_get_cost_analytics",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-03", "period": "total"}),
        )
        .await;
    assert_eq!(rolled["rows"][0]["cost_usd"], legacy["rows"][0]["cost_usd"], "{rolled} {legacy}");
    assert_eq!(rolled["rows"][0]["cost_usd"], "3.70");
}
