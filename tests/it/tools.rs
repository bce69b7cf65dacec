//! Each seed tool called through MCP: the exact upstream request and the result.

use fake_admin_api::{ApiKey, ClaudeCodeRecord, CostRow, Dataset, Invite, UsageRow, User, Workspace, WorkspaceMember};
use serde_json::json;

use crate::harness::{Harness, query_of, sorted};

/// 65 users (user_01..user_65), 3 invites, 3 workspaces (one archived), members,
/// API keys, and three days of reports.
pub fn seed() -> Dataset {
    let mut d = Dataset::empty();
    for i in 1..=65 {
        let role = ["user", "developer", "billing", "claude_code_user"][i % 4];
        d.users.push(User::new(
            &format!("user_{i:02}"),
            &format!("person{i:02}@acme.io"),
            &format!("Person {i}"),
            role,
        ));
    }
    d.users[0].role = "admin".into();
    for (i, status) in ["pending", "accepted", "expired"].iter().enumerate() {
        d.invites.push(Invite::new(&format!("invite_{i}"), &format!("guest{i}@acme.io"), "user", status));
    }
    d.workspaces.push(Workspace::new("wrkspc_prod", "Production"));
    d.workspaces.push(Workspace::new("wrkspc_dev", "Development"));
    let mut old = Workspace::new("wrkspc_old", "Old");
    old.archived_at = Some("2026-01-01T00:00:00Z".into());
    d.workspaces.push(old);
    d.members.push(WorkspaceMember::new("wrkspc_prod", "user_02", "workspace_developer"));
    d.members.push(WorkspaceMember::new("wrkspc_prod", "user_03", "workspace_user"));
    d.api_keys.push(ApiKey::new("apikey_a", "ci-runner", "active", Some("wrkspc_prod"), Some("user_02")));
    d.api_keys.push(ApiKey::new("apikey_b", "old", "inactive", Some("wrkspc_prod"), Some("user_02")));
    d.api_keys.push(ApiKey::new("apikey_c", "dev", "active", Some("wrkspc_dev"), Some("user_03")));
    for day in ["2026-03-01", "2026-03-02", "2026-03-03"] {
        let mut usage = UsageRow::new(day, "claude-sonnet-4-5");
        usage.uncached_input_tokens = 1000;
        usage.output_tokens = 200;
        d.usage.push(usage);
        d.costs.push(CostRow::new(day, "123.456", "tokens", "Claude Sonnet 4.5 Usage - Input Tokens"));
        d.claude_code.push(
            ClaudeCodeRecord::user(day, "person02@acme.io")
                .sessions(2)
                .lines(10, 1)
                .tool_action("edit_tool", 3, 1)
                .to_json(),
        );
    }
    d
}

#[tokio::test]
async fn get_usage_sends_rfc3339_range_and_pages_buckets_locally() {
    let h = Harness::start(seed()).await;
    let out = h
        .ok(
            "claude_code_get_usage",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-03", "per_page": 2, "page": 2}),
        )
        .await;
    let requests = h.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/v1/organizations/usage_report/messages")
    );
    assert_eq!(
        query_of(&requests[0]),
        sorted(&["bucket_width=1d", "ending_at=2026-03-04T00:00:00Z", "limit=31", "starting_at=2026-03-01T00:00:00Z"])
    );
    assert_eq!(out["total"], 3);
    assert_eq!(out["page"], 2);
    assert_eq!(out["has_more"], false);
    assert_eq!(out["data"].as_array().unwrap().len(), 1);
    assert_eq!(out["data"][0]["starting_at"], "2026-03-03T00:00:00Z");
    assert_eq!(out["data"][0]["results"][0]["uncached_input_tokens"], 1000);
}

#[tokio::test]
async fn get_usage_follows_next_page_across_many_buckets() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_get_usage", json!({"start_date": "2026-01-01", "end_date": "2026-03-31"})).await;
    let requests = h.requests();
    assert_eq!(requests.len(), 3, "90 daily buckets at limit=31 are 3 pages");
    assert!(requests[0].query_value("page").is_none());
    assert!(requests[1].query_value("page").is_some());
    assert_eq!(out["total"], 90);
    assert_eq!(out["data"].as_array().unwrap().len(), 30);
    assert_eq!(out["has_more"], true);
}

#[tokio::test]
async fn get_cost_breakdown_keeps_cents_exact_and_totals_dollars() {
    let h = Harness::start(seed()).await;
    let out =
        h.ok("claude_code_get_cost_breakdown", json!({"start_date": "2026-03-01", "end_date": "2026-03-03"})).await;
    let requests = h.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/v1/organizations/cost_report");
    assert_eq!(
        query_of(&requests[0]),
        sorted(&["ending_at=2026-03-04T00:00:00Z", "limit=31", "starting_at=2026-03-01T00:00:00Z"])
    );
    assert_eq!(out["data"][0]["results"][0]["amount"], "123.456");
    assert_eq!(out["total_cents"], "370.368");
    assert_eq!(out["total_usd"], "3.70");
}

/// A page-token report whose pages carry `next_page` but no `has_more` (as the rate-limit
/// endpoints answer) is followed until `next_page` is null; `has_more: false` still ends it.
#[tokio::test]
async fn page_token_reports_follow_next_page_without_has_more() {
    use fake_admin_api::Fault;
    let h = Harness::start(seed()).await;
    let bucket = |day: &str, amount: &str| json!({"starting_at": format!("{day}T00:00:00Z"), "ending_at": "x", "results": [{"amount": amount, "currency": "USD"}]});
    for body in [
        json!({"data": [bucket("2026-03-01", "1.5")], "next_page": "page_b"}),
        json!({"data": [bucket("2026-03-02", "2.25")], "next_page": "page_c"}),
        json!({"data": [bucket("2026-03-03", "3")], "next_page": null}),
    ] {
        h.fake.push_fault(Fault::raw("/v1/organizations/cost_report", 200, &body.to_string()).times(1));
    }
    let out =
        h.ok("claude_code_get_cost_breakdown", json!({"start_date": "2026-03-01", "end_date": "2026-03-03"})).await;
    let pages: Vec<Option<String>> =
        h.take_requests().iter().map(|r| r.query_value("page").map(str::to_string)).collect();
    assert_eq!(pages, [None, Some("page_b".into()), Some("page_c".into())]);
    assert_eq!(out["data"].as_array().map(Vec::len), Some(3));
    assert_eq!(out["total_cents"], "6.75");

    h.fake.push_fault(
        Fault::raw(
            "/v1/organizations/cost_report",
            200,
            &json!({"data": [bucket("2026-03-01", "1")], "has_more": false, "next_page": "page_b"}).to_string(),
        )
        .times(1),
    );
    h.ok("claude_code_get_cost_breakdown", json!({"start_date": "2026-03-01", "end_date": "2026-03-01"})).await;
    assert_eq!(h.requests().len(), 1, "has_more: false ends the walk whatever next_page says");
}

#[tokio::test]
async fn get_code_analytics_sends_one_request_per_day() {
    let h = Harness::start(seed()).await;
    let out =
        h.ok("claude_code_get_code_analytics", json!({"start_date": "2026-03-01", "end_date": "2026-03-03"})).await;
    let mut requests = h.requests();
    requests.sort_by(|a, b| a.query_value("starting_at").cmp(&b.query_value("starting_at")));
    assert_eq!(requests.len(), 3);
    for (request, day) in requests.iter().zip(["2026-03-01", "2026-03-02", "2026-03-03"]) {
        assert_eq!(request.path, "/v1/organizations/usage_report/claude_code");
        assert_eq!(query_of(request), sorted(&[&format!("starting_at={day}"), "limit=1000"]));
    }
    assert_eq!(out["days"], 3);
    let data = out["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    assert!(data[0]["date"].as_str().unwrap().starts_with("2026-03-01"), "records come back in day order");
    assert_eq!(data[0]["actor"]["email_address"], "person02@acme.io");
    assert_eq!(data[0]["core_metrics"]["num_sessions"], 2);
}

/// The seed behind 20 ms of latency, with at most 3 requests in flight.
async fn three_in_flight() -> Harness {
    let fake = fake_admin_api::FakeAdminApi::start(seed()).await;
    fake.set_latency(std::time::Duration::from_millis(20));
    let mut config = crate::harness::fast_config(&fake.base_url());
    config.concurrency = 3;
    Harness::with_config(fake, config).await
}

#[tokio::test]
async fn get_code_analytics_fans_out_with_the_configured_bound() {
    let h = three_in_flight().await;
    h.ok("claude_code_get_code_analytics", json!({"start_date": "2026-03-01", "end_date": "2026-03-12"})).await;
    assert_eq!(h.requests().len(), 12);
    let max = h.fake.max_in_flight();
    assert!((2..=3).contains(&max), "days overlap but never more than the bound: {max} in flight");
}

/// A roll-up folds twice as many days as requests in flight (so decoding never holds a
/// request's place), yet never has more requests in flight than the bound.
#[tokio::test]
async fn a_rolled_up_report_keeps_the_bound_on_requests_in_flight() {
    let h = three_in_flight().await;
    let arguments = json!({"start_date": "2026-03-01", "end_date": "2026-03-12", "group_by": ["actor"]});
    h.ok("claude_code_get_code_analytics", arguments).await;
    assert_eq!(h.requests().len(), 12);
    let max = h.fake.max_in_flight();
    assert!((2..=3).contains(&max), "days overlap but never more than the bound: {max} in flight");
}

#[tokio::test]
async fn get_org_info_reads_me() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_get_org_info", json!({})).await;
    let requests = h.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("GET", "/v1/organizations/me"));
    assert!(requests[0].query.is_empty());
    assert_eq!(out["type"], "organization");
    assert!(out["name"].is_string());
}

#[tokio::test]
async fn every_request_carries_auth_version_and_user_agent() {
    let h = Harness::start(seed()).await;
    h.ok("claude_code_get_org_info", json!({})).await;
    let request = &h.requests()[0];
    assert_eq!(request.headers["x-api-key"], fake_admin_api::FAKE_ADMIN_KEY);
    assert_eq!(request.headers["anthropic-version"], "2023-06-01");
    assert!(request.headers["user-agent"].starts_with("claude-code-connector/"));
}

#[tokio::test]
async fn list_users_page_3_walks_cursors_and_returns_users_41_to_60() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_list_users", json!({"page": 3, "per_page": 20})).await;
    let ids: Vec<&str> = out["data"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    let expected: Vec<String> = (41..=60).map(|i| format!("user_{i:02}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(
        (out["page"].as_u64(), out["per_page"].as_u64(), out["has_more"].as_bool()),
        (Some(3), Some(20), Some(true))
    );
    let requests = h.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(query_of(&requests[0]), sorted(&["limit=20"]));
    assert_eq!(query_of(&requests[1]), sorted(&["limit=20", "after_id=user_20"]));
    assert_eq!(query_of(&requests[2]), sorted(&["limit=20", "after_id=user_40"]));
    assert!(requests.iter().all(|r| r.query_value("page").is_none() && r.query_value("per_page").is_none()));
}

#[tokio::test]
async fn list_users_past_the_end_is_empty_and_filters_by_email() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_list_users", json!({"page": 5, "per_page": 20})).await;
    assert_eq!(out["data"], json!([]));
    assert_eq!(out["has_more"], false);
    assert_eq!(h.take_requests().len(), 4, "page 4 has no next page, so the walk stops there");
    let out = h.ok("claude_code_list_users", json!({"email": "PERSON07@acme.io"})).await;
    assert_eq!(out["data"][0]["id"], "user_07");
    assert_eq!(query_of(&h.requests()[0]), sorted(&["email=PERSON07@acme.io", "limit=30"]));
}

#[tokio::test]
async fn update_user_role_posts_only_the_role() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_update_user_role", json!({"user_id": "user_05", "role": "developer"})).await;
    assert_eq!(out["role"], "developer");
    let r = &h.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/organizations/users/user_05"));
    assert_eq!(r.body, Some(json!({"role": "developer"})));
}

#[tokio::test]
async fn remove_user_returns_the_api_body_and_the_user_is_gone() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_remove_user", json!({"user_id": "user_05"})).await;
    assert_eq!(out["id"], "user_05");
    assert_eq!(out["type"], "user_deleted");
    let r = &h.take_requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("DELETE", "/v1/organizations/users/user_05"));
    let error = h.err("claude_code_remove_user", json!({"user_id": "user_05"})).await;
    assert!(error.contains("404") && error.contains("not_found_error"), "{error}");
    assert!(error.contains("request id req_"), "{error}");
}

#[tokio::test]
async fn list_invites_and_create_then_delete_an_invite() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_list_invites", json!({})).await;
    assert_eq!(out["data"].as_array().unwrap().len(), 3);
    assert_eq!(query_of(&h.take_requests()[0]), sorted(&["limit=30"]));

    let invite = h.ok("claude_code_create_invite", json!({"email": "jane@company.com", "role": "developer"})).await;
    let r = &h.take_requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/organizations/invites"));
    assert_eq!(r.body, Some(json!({"email": "jane@company.com", "role": "developer"})));
    assert_eq!(invite["status"], "pending");
    let id = invite["id"].as_str().unwrap().to_string();

    let out = h.ok("claude_code_list_invites", json!({})).await;
    assert!(out["data"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str()), "a created invite is listed");
    h.take_requests();

    let deleted = h.ok("claude_code_delete_invite", json!({"invite_id": id})).await;
    assert_eq!(deleted["type"], "invite_deleted");
    let r = &h.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("DELETE", format!("/v1/organizations/invites/{id}").as_str()));
}

#[tokio::test]
async fn list_workspaces_passes_include_archived() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_list_workspaces", json!({})).await;
    assert_eq!(out["data"].as_array().unwrap().len(), 2);
    assert_eq!(query_of(&h.take_requests()[0]), sorted(&["limit=30"]));
    let out = h.ok("claude_code_list_workspaces", json!({"include_archived": true})).await;
    assert_eq!(out["data"].as_array().unwrap().len(), 3);
    assert_eq!(query_of(&h.requests()[0]), sorted(&["include_archived=true", "limit=30"]));
}

#[tokio::test]
async fn get_workspace_reads_one() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_get_workspace", json!({"workspace_id": "wrkspc_dev"})).await;
    assert_eq!(out["name"], "Development");
    let r = &h.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/organizations/workspaces/wrkspc_dev"));
}

#[tokio::test]
async fn list_api_keys_passes_filters() {
    let h = Harness::start(seed()).await;
    let out = h
        .ok(
            "claude_code_list_api_keys",
            json!({"status": "active", "workspace_id": "wrkspc_prod", "created_by_user_id": "user_02"}),
        )
        .await;
    let ids: Vec<&str> = out["data"].as_array().unwrap().iter().map(|k| k["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["apikey_a"]);
    assert_eq!(
        query_of(&h.requests()[0]),
        sorted(&["created_by_user_id=user_02", "limit=30", "status=active", "workspace_id=wrkspc_prod"])
    );
}

#[tokio::test]
async fn update_api_key_sends_only_given_fields() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_update_api_key", json!({"api_key_id": "apikey_a", "name": "ci"})).await;
    assert_eq!(out["name"], "ci");
    let r = &h.take_requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/organizations/api_keys/apikey_a"));
    assert_eq!(r.body, Some(json!({"name": "ci"})));
    let out = h.ok("claude_code_update_api_key", json!({"api_key_id": "apikey_a", "status": "inactive"})).await;
    assert_eq!(out["status"], "inactive");
    assert_eq!(h.requests()[0].body, Some(json!({"status": "inactive"})));
}

#[tokio::test]
async fn create_workspace_stores_description_as_a_tag() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_create_workspace", json!({"name": "ML", "description": "Model training"})).await;
    assert_eq!(out["name"], "ML");
    assert_eq!(out["tags"]["description"], "Model training");
    let r = &h.take_requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/organizations/workspaces"));
    assert_eq!(r.body, Some(json!({"name": "ML", "tags": {"description": "Model training"}})));
    h.ok("claude_code_create_workspace", json!({"name": "Bare"})).await;
    assert_eq!(h.requests()[0].body, Some(json!({"name": "Bare"})));
}

#[tokio::test]
async fn list_workspace_members_walks_the_workspace_path() {
    let h = Harness::start(seed()).await;
    let out = h
        .ok("claude_code_list_workspace_members", json!({"workspace_id": "wrkspc_prod", "per_page": 1, "page": 2}))
        .await;
    assert_eq!(out["data"][0]["user_id"], "user_03");
    // The members' emails and workspace names come from their lists, read apart.
    let requests: Vec<_> =
        h.requests().into_iter().filter(|r| r.path.starts_with("/v1/organizations/workspaces/")).collect();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.path == "/v1/organizations/workspaces/wrkspc_prod/members"));
    assert_eq!(out["data"][0]["user_email"], "person03@acme.io");
    assert_eq!(out["data"][0]["workspace"], "Production");
    assert_eq!(query_of(&requests[1]), sorted(&["after_id=user_02", "limit=1"]));
}

#[tokio::test]
async fn add_workspace_member_maps_short_roles_and_defaults_to_workspace_user() {
    let h = Harness::start(seed()).await;
    let out = h
        .ok(
            "claude_code_add_workspace_member",
            json!({"workspace_id": "wrkspc_dev", "user_id": "user_10", "role": "developer"}),
        )
        .await;
    assert_eq!(out["workspace_role"], "workspace_developer");
    let r = &h.take_requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/organizations/workspaces/wrkspc_dev/members"));
    assert_eq!(r.body, Some(json!({"user_id": "user_10", "workspace_role": "workspace_developer"})));
    h.ok("claude_code_add_workspace_member", json!({"workspace_id": "wrkspc_dev", "user_id": "user_11"})).await;
    assert_eq!(h.requests()[0].body, Some(json!({"user_id": "user_11", "workspace_role": "workspace_user"})));
}
