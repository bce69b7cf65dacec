//! End-to-end checks of the fake over real HTTP, using a minimal client on a tokio TcpStream.

use std::collections::BTreeMap;

use fake_admin_api::{ClaudeCodeRecord, CostRow, Dataset, FAKE_ADMIN_KEY, FakeAdminApi, Fault, UsageRow, User};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Reply {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Value,
}

const GOOD_HEADERS: [(&str, &str); 3] =
    [("x-api-key", FAKE_ADMIN_KEY), ("anthropic-version", "2023-06-01"), ("user-agent", "claude-code-connector/0.1.0")];

async fn raw_request(
    api: &FakeAdminApi,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let address = api.base_url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let body = body.unwrap_or("");
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8(raw).expect("utf-8 response");
    let (head, payload) = text.split_once("\r\n\r\n").expect("header end");
    let mut lines = head.lines();
    let status =
        lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok()).expect("status");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
        .collect();
    Reply { status, headers, body: serde_json::from_str(payload).unwrap_or(Value::String(payload.to_owned())) }
}

async fn get(api: &FakeAdminApi, target: &str) -> Reply {
    raw_request(api, "GET", target, &GOOD_HEADERS, None).await
}

async fn post(api: &FakeAdminApi, target: &str, body: &Value) -> Reply {
    let headers = [GOOD_HEADERS[0], GOOD_HEADERS[1], GOOD_HEADERS[2], ("content-type", "application/json")];
    raw_request(api, "POST", target, &headers, Some(&body.to_string())).await
}

fn assert_error(reply: &Reply, status: u16, error_type: &str, mentions: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.body["type"], "error");
    assert_eq!(reply.body["error"]["type"], error_type);
    let message = reply.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(mentions), "message {message:?} should mention {mentions:?}");
    assert_eq!(reply.body["request_id"].as_str(), reply.headers.get("request-id").map(String::as_str));
}

fn five_users() -> Dataset {
    let mut dataset = Dataset::empty();
    for index in 1..=5 {
        dataset.users.push(User::new(&format!("user_{index}"), &format!("u{index}@x.io"), "U", "developer"));
    }
    dataset
}

#[tokio::test]
async fn rejects_bad_auth_and_headers_and_records_them() {
    let api = FakeAdminApi::start(Dataset::empty()).await;
    let no_key = raw_request(&api, "GET", "/v1/organizations/me", &GOOD_HEADERS[1..], None).await;
    assert_error(&no_key, 401, "authentication_error", "x-api-key");
    let old_version = [GOOD_HEADERS[0], ("anthropic-version", "2023-01-01"), GOOD_HEADERS[2]];
    let reply = raw_request(&api, "GET", "/v1/organizations/me", &old_version, None).await;
    assert_error(&reply, 400, "invalid_request_error", "anthropic-version");
    let bad_agent = [GOOD_HEADERS[0], GOOD_HEADERS[1], ("user-agent", "curl/8")];
    let reply = raw_request(&api, "GET", "/v1/organizations/me", &bad_agent, None).await;
    assert_error(&reply, 400, "invalid_request_error", "user-agent");
    let me = get(&api, "/v1/organizations/me").await;
    assert_eq!(
        me.body,
        json!({ "id": fake_admin_api::DEFAULT_ORGANIZATION_ID, "type": "organization", "name": "Fake Org" })
    );
    assert_error(&get(&api, "/v1/organizations/nope").await, 404, "not_found_error", "nope");
    assert_error(
        &raw_request(&api, "DELETE", "/v1/organizations/me", &GOOD_HEADERS, None).await,
        405,
        "invalid_request_error",
        "DELETE",
    );
    let statuses: Vec<u16> = api.requests().iter().map(|request| request.status).collect();
    assert_eq!(statuses, [401, 400, 400, 200, 404, 405]);
    assert_eq!(api.requests()[3].headers.get("user-agent").map(String::as_str), Some("claude-code-connector/0.1.0"));
}

#[tokio::test]
async fn rejects_unknown_and_malformed_query_parameters() {
    let api = FakeAdminApi::start(five_users()).await;
    for (target, parameter) in [
        ("/v1/organizations/users?page=2", "page"),
        ("/v1/organizations/users?per_page=10", "per_page"),
        ("/v1/organizations/users?limit=abc", "limit"),
        ("/v1/organizations/users?limit=1001", "limit"),
        ("/v1/organizations/users?roles[]=wizard", "roles[]"),
        ("/v1/organizations/users?roles=admin", "roles"),
        ("/v1/organizations/workspaces?include_archived=yes", "include_archived"),
        ("/v1/organizations/me?limit=1", "limit"),
        ("/v1/organizations/usage_report/claude_code?starting_at=2026-03-01T00:00:00Z", "starting_at"),
        ("/v1/organizations/usage_report/messages?starting_at=2026-03-01", "starting_at"),
        ("/v1/organizations/usage_report/messages?starting_at=2026-03-01T00:00:00Z&group_by=model", "group_by"),
        ("/v1/organizations/cost_report?ending_at=2026-03-01T00:00:00Z", "starting_at"),
        ("/v1/organizations/cost_report?starting_at=2026-03-01T00:00:00Z&limit=32", "limit"),
    ] {
        assert_error(&get(&api, target).await, 400, "invalid_request_error", parameter);
    }
    let reply = get(&api, "/v1/organizations/users?limit=2&roles[]=developer&roles%5B%5D=admin").await;
    assert_eq!(reply.status, 200);
    assert_eq!(api.requests().last().map(|request| request.query_values("roles[]")), Some(vec!["developer", "admin"]));
}

#[tokio::test]
async fn walks_id_cursors_both_ways() {
    let api = FakeAdminApi::start(five_users()).await;
    let mut seen = Vec::new();
    let mut target = "/v1/organizations/users?limit=2".to_owned();
    loop {
        let page = get(&api, &target).await;
        assert_eq!(page.status, 200);
        seen.extend(
            page.body["data"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|user| user["id"].as_str().unwrap_or_default().to_owned()),
        );
        if page.body["has_more"] != true {
            break;
        }
        target =
            format!("/v1/organizations/users?limit=2&after_id={}", page.body["last_id"].as_str().unwrap_or_default());
    }
    assert_eq!(seen, ["user_1", "user_2", "user_3", "user_4", "user_5"]);
    let back = get(&api, "/v1/organizations/users?limit=2&before_id=user_4").await;
    assert_eq!(back.body["first_id"], "user_2");
    assert_eq!(back.body["last_id"], "user_3");
    assert_eq!(back.body["has_more"], true);
    let empty = get(&api, "/v1/organizations/users?after_id=user_5").await;
    assert_eq!(empty.body, json!({ "data": [], "has_more": false, "first_id": null, "last_id": null }));
    assert_error(&get(&api, "/v1/organizations/users?after_id=user_9").await, 400, "invalid_request_error", "after_id");
    let deleted = raw_request(&api, "DELETE", "/v1/organizations/users/user_3", &GOOD_HEADERS, None).await;
    assert_eq!(deleted.body, json!({ "id": "user_3", "type": "user_deleted" }));
    assert_error(&get(&api, "/v1/organizations/users/user_3").await, 404, "not_found_error", "user_3");
}

#[tokio::test]
async fn walks_claude_code_page_tokens_and_rejects_foreign_ones() {
    let mut dataset = Dataset::empty();
    for index in 0..5 {
        dataset.claude_code.push(ClaudeCodeRecord::user("2026-03-01", &format!("u{index}@x.io")).sessions(1).to_json());
    }
    dataset.claude_code.push(ClaudeCodeRecord::api("2026-03-02", "ci").to_json());
    let api = FakeAdminApi::start(dataset).await;
    let base = "/v1/organizations/usage_report/claude_code?starting_at=2026-03-01&limit=2";
    let mut emails = Vec::new();
    let mut target = base.to_owned();
    let mut tokens = Vec::new();
    loop {
        let page = get(&api, &target).await;
        assert_eq!(page.status, 200, "{}", page.body);
        emails.extend(
            page.body["data"].as_array().into_iter().flatten().map(|record| record["actor"]["email_address"].clone()),
        );
        let Some(token) = page.body["next_page"].as_str() else {
            assert_eq!(page.body["has_more"], false);
            break;
        };
        tokens.push(token.to_owned());
        target = format!("{base}&page={token}");
    }
    assert_eq!(emails, ["u0@x.io", "u1@x.io", "u2@x.io", "u3@x.io", "u4@x.io"].map(Value::from));
    let changed =
        format!("/v1/organizations/usage_report/claude_code?starting_at=2026-03-01&limit=3&page={}", tokens[0]);
    assert_error(&get(&api, &changed).await, 400, "invalid_request_error", "page");
    assert_error(
        &get(&api, &format!("{base}&page=page_2_0000000000000000")).await,
        400,
        "invalid_request_error",
        "page",
    );
    let other_day = get(&api, "/v1/organizations/usage_report/claude_code?starting_at=2026-03-02").await;
    assert_eq!(other_day.body["data"][0]["date"], "2026-03-02T00:00:00Z");
    assert_eq!(other_day.body["data"][0]["actor"], json!({ "type": "api_actor", "api_key_name": "ci" }));
}

#[tokio::test]
async fn a_smaller_claude_code_page_size_caps_the_requested_limit() {
    let mut dataset = Dataset::empty();
    for index in 0..5 {
        dataset.claude_code.push(ClaudeCodeRecord::user("2026-03-01", &format!("u{index}@x.io")).to_json());
    }
    let api = FakeAdminApi::start(dataset).await;
    api.set_claude_code_page_size(Some(2));
    let base = "/v1/organizations/usage_report/claude_code?starting_at=2026-03-01&limit=1000";
    let mut target = base.to_owned();
    let mut sizes = Vec::new();
    loop {
        let page = get(&api, &target).await;
        assert_eq!(page.status, 200, "{}", page.body);
        sizes.push(page.body["data"].as_array().map_or(0, Vec::len));
        let Some(token) = page.body["next_page"].as_str() else { break };
        target = format!("{base}&page={token}");
    }
    assert_eq!(sizes, [2, 2, 1]);
    api.set_claude_code_page_size(None);
    assert_eq!(get(&api, base).await.body["data"].as_array().map_or(0, Vec::len), 5);
}

#[tokio::test]
async fn validates_bodies_and_persists_created_invites() {
    let api = FakeAdminApi::start(Dataset::demo(7, 2, "2026-03-02")).await;
    let target = "/v1/organizations/invites";
    let extra = post(&api, target, &json!({ "email": "a@b.io", "role": "user", "team": "x" })).await;
    assert_error(&extra, 400, "invalid_request_error", "team");
    assert_error(
        &post(&api, target, &json!({ "email": "a@b.io", "role": "admin" })).await,
        400,
        "invalid_request_error",
        "admin",
    );
    assert_error(
        &post(&api, target, &json!({ "email": "nobody", "role": "user" })).await,
        400,
        "invalid_request_error",
        "email",
    );
    assert_error(&post(&api, target, &json!({ "role": "user" })).await, 400, "invalid_request_error", "email");
    let created = post(&api, target, &json!({ "email": "new@b.io", "role": "developer" })).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["status"], "pending");
    assert_eq!(
        api.requests().last().and_then(|request| request.body.clone()),
        Some(json!({ "email": "new@b.io", "role": "developer" }))
    );
    let listed = get(&api, "/v1/organizations/invites?limit=1000").await;
    assert_eq!(listed.body["last_id"], created.body["id"]);
    let workspace_id = api.with_state(|state| state.workspaces[0].id.clone());
    let member = post(
        &api,
        &format!("/v1/organizations/workspaces/{workspace_id}/members"),
        &json!({ "user_id": "u", "workspace_role": "workspace_billing" }),
    )
    .await;
    assert_error(&member, 400, "invalid_request_error", "workspace_billing");
}

#[tokio::test]
async fn sums_reports_and_plays_faults() {
    let mut dataset = Dataset::empty();
    for (model, tokens) in [("sonnet", 100), ("haiku", 5), ("sonnet", 1)] {
        let mut row = UsageRow::new("2026-03-01", model);
        row.uncached_input_tokens = tokens;
        dataset.usage.push(row);
    }
    for amount in ["1234.56789", "0.00211", "10"] {
        dataset.costs.push(CostRow::new("2026-03-02", amount, "tokens", "Usage"));
    }
    let api = FakeAdminApi::start(dataset).await;
    let usage = get(&api, "/v1/organizations/usage_report/messages?starting_at=2026-03-01T00:00:00Z&ending_at=2026-03-03T00:00:00Z&bucket_width=1d&group_by[]=model").await;
    let results = &usage.body["data"][0]["results"];
    assert_eq!(
        (results[0]["model"].clone(), results[0]["uncached_input_tokens"].clone()),
        (json!("sonnet"), json!(101))
    );
    assert_eq!(results[1]["workspace_id"], Value::Null);
    assert_eq!(usage.body["data"][1]["results"], json!([]));
    let cost = get(&api, "/v1/organizations/cost_report?starting_at=2026-03-02T05:00:00Z&limit=1").await;
    assert_eq!(cost.body["data"][0]["starting_at"], "2026-03-02T00:00:00Z");
    assert_eq!(cost.body["data"][0]["results"][0]["amount"], "1244.57000");
    assert_eq!(cost.body["data"][0]["results"][0]["description"], Value::Null);
    api.push_fault(
        Fault::api_error("/v1/organizations/users", 429, "rate_limit_error", "slow down")
            .times(1)
            .header("retry-after", "0"),
    );
    let limited = get(&api, "/v1/organizations/users").await;
    assert_error(&limited, 429, "rate_limit_error", "slow down");
    assert_eq!(limited.headers.get("retry-after").map(String::as_str), Some("0"));
    assert_eq!(get(&api, "/v1/organizations/users").await.status, 200);
}

#[test]
fn demo_is_deterministic_and_varied() {
    let first = Dataset::demo(42, 30, "2026-03-31");
    let second = Dataset::demo(42, 30, "2026-03-31");
    assert_eq!(first.claude_code, second.claude_code);
    assert_eq!(first.users, second.users);
    assert_ne!(Dataset::demo(43, 30, "2026-03-31").users, first.users);
    assert_eq!(first.users.len(), 60);
    for role in ["user", "developer", "billing", "claude_code_user", "admin", "managed"] {
        assert!(first.users.iter().any(|user| user.role == role), "{role}");
    }
    for status in ["active", "inactive", "archived", "expired"] {
        assert!(first.api_keys.iter().any(|key| key.status == status), "{status}");
    }
    assert!(first.workspaces.iter().any(|workspace| workspace.archived_at.is_some()));
    assert!(first.costs.iter().any(|cost| cost.cost_type != "tokens"));
    let days_with_records: std::collections::BTreeSet<&str> =
        first.claude_code.iter().filter_map(|record| record["date"].as_str()).collect();
    assert!(days_with_records.len() < 30 && days_with_records.len() > 15, "{}", days_with_records.len());
    assert!(days_with_records.iter().all(|day| day.starts_with("2026-03-")));
}

#[tokio::test]
async fn an_on_demand_demo_makes_report_days_when_first_asked_for() {
    let (objects, mut days) = Dataset::demo_on_demand(42, 30, "2026-03-31");
    let eager = Dataset::demo(42, 30, "2026-03-31");
    assert_eq!(
        (&objects.users, &objects.workspaces, &objects.api_keys),
        (&eager.users, &eager.workspaces, &eager.api_keys)
    );
    assert!(objects.claude_code.is_empty() && objects.usage.is_empty() && objects.costs.is_empty());
    // The same data whatever order the days are made in.
    let mut forward = objects.clone();
    days.clone().fill_all(&mut forward);
    let mut backward = objects.clone();
    // 2026-03-01 is day 20513 since the epoch: from before the range to after it.
    for day in (20_500..20_550).rev() {
        days.fill(&mut backward, day..day + 1);
    }
    let on = |dataset: &Dataset, date: &str| -> Vec<Value> {
        dataset
            .claude_code
            .iter()
            .filter(|r| r["date"].as_str().is_some_and(|d| d.starts_with(date)))
            .cloned()
            .collect()
    };
    assert!(forward.claude_code.len() > 100 && forward.usage.len() > 30, "{}", forward.claude_code.len());
    for date in ["2026-03-02", "2026-03-15", "2026-03-31"] {
        assert_eq!(on(&forward, date), on(&backward, date), "{date}");
    }
    assert_eq!(forward.costs.len(), backward.costs.len());
    assert!(on(&forward, "2026-03-01").is_empty() && on(&forward, "2026-04-01").is_empty());

    let (objects, days) = Dataset::demo_on_demand(42, 30, "2026-03-31");
    let api = FakeAdminApi::start_on_demand(objects, days).await;
    assert_eq!(api.demo_days_made(), 0);
    let day = get(&api, "/v1/organizations/usage_report/claude_code?starting_at=2026-03-10&limit=1000").await;
    assert_eq!(day.status, 200, "{}", day.body);
    assert_eq!(api.demo_days_made(), 1);
    assert_eq!(day.body["data"].as_array().map(Vec::len), Some(on(&forward, "2026-03-10").len()));
    let week = "/v1/organizations/cost_report?starting_at=2026-03-01T00:00:00Z&ending_at=2026-03-08T00:00:00Z";
    assert_eq!(get(&api, week).await.status, 200);
    assert_eq!(api.demo_days_made(), 7, "2026-03-10, then 03-02..03-07 (03-01 is before the demo's first day)");
    assert_eq!(api.with_state(|state| state.costs.len()), forward.costs.len(), "with_state sees every day");
}

#[test]
fn claude_code_builder_matches_the_contract_example() {
    let record = ClaudeCodeRecord::user("2025-09-08", "dev@acme.io")
        .organization("dc9f6c26-b22c-4831-8d01-0446bada88f1")
        .sessions(3)
        .lines(120, 40)
        .commits(2)
        .pull_requests(1)
        .tool_action("edit_tool", 10, 1)
        .tool_action("write_tool", 2, 0)
        .model_cost("claude-sonnet-4-5", 5000, 1500, 800, 200, 37.0);
    let expected = json!({ "date": "2025-09-08T00:00:00Z",
        "actor": { "type": "user_actor", "email_address": "dev@acme.io" },
        "organization_id": "dc9f6c26-b22c-4831-8d01-0446bada88f1",
        "customer_type": "api", "subscription_type": null, "terminal_type": "vscode", "is_remote": false,
        "core_metrics": { "num_sessions": 3, "lines_of_code": { "added": 120, "removed": 40 },
                          "commits_by_claude_code": 2, "pull_requests_by_claude_code": 1 },
        "tool_actions": { "edit_tool": { "accepted": 10, "rejected": 1 }, "write_tool": { "accepted": 2, "rejected": 0 } },
        "model_breakdown": [ { "model": "claude-sonnet-4-5",
            "tokens": { "input": 5000, "output": 1500, "cache_read": 800, "cache_creation": 200 },
            "estimated_cost": { "currency": "USD", "amount": 37 } } ] });
    assert_eq!(record.to_json(), expected);
}

#[tokio::test]
async fn drops_connections_and_redirects_on_request() {
    let api = FakeAdminApi::start(five_users()).await;
    api.push_fault(Fault::drop_connection("/v1/organizations/users").method("POST").times(1));
    let address = api.base_url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let body = r#"{"role":"user"}"#;
    let request = format!(
        "POST /v1/organizations/users/user_1 HTTP/1.1\r\nhost: {address}\r\nx-api-key: {FAKE_ADMIN_KEY}\r\nanthropic-version: 2023-06-01\r\nuser-agent: claude-code-connector/0.1.0\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    assert!(raw.is_empty(), "closed without a byte of response: {}", String::from_utf8_lossy(&raw));
    let recorded = api.requests();
    assert_eq!(recorded.len(), 1, "the dropped request is recorded");
    assert_eq!((recorded[0].method.as_str(), recorded[0].status), ("POST", 0));
    assert_eq!(recorded[0].body, Some(json!({"role": "user"})));
    // The fault was used up; the server still answers on new connections.
    assert_eq!(get(&api, "/v1/organizations/users/user_1").await.status, 200);

    api.push_fault(Fault::redirect("/v1/organizations/me", "http://127.0.0.1:9/v1/organizations/me").times(1));
    let moved = get(&api, "/v1/organizations/me").await;
    assert_eq!(moved.status, 307);
    assert_eq!(moved.headers.get("location").map(String::as_str), Some("http://127.0.0.1:9/v1/organizations/me"));
}

const ANALYTICS_BETA: (&str, &str) = ("anthropic-beta", "analytics-usage-cost-2026-08-24");

async fn get_analytics(api: &FakeAdminApi, target: &str) -> Reply {
    let headers = [GOOD_HEADERS[0], GOOD_HEADERS[1], GOOD_HEADERS[2], ANALYTICS_BETA];
    raw_request(api, "GET", target, &headers, None).await
}

#[tokio::test]
async fn analytics_require_their_beta_header_and_refuse_what_they_do_not_know() {
    let api = FakeAdminApi::start(Dataset::demo(7, 30, "2026-03-31")).await;
    let range = "starting_at=2026-03-10T00:00:00Z&ending_at=2026-03-12T00:00:00Z&time_bucket_width=1d";
    for endpoint in ["usage", "cost"] {
        let target = format!("/v1/organizations/analytics/{endpoint}?{range}");
        assert_error(&get(&api, &target).await, 400, "invalid_request_error", "analytics-usage-cost-2026-08-24");
        let other_beta =
            [GOOD_HEADERS[0], GOOD_HEADERS[1], GOOD_HEADERS[2], ("anthropic-beta", "fast-mode-2026-02-01")];
        let reply = raw_request(&api, "GET", &target, &other_beta, None).await;
        assert_error(&reply, 400, "invalid_request_error", "anthropic-beta");
        assert_eq!(get_analytics(&api, &target).await.status, 200);
        let unknown = get_analytics(&api, &format!("{target}&bucket_width=1d")).await;
        assert_error(&unknown, 400, "invalid_request_error", "bucket_width");
        let early =
            get_analytics(&api, &format!("/v1/organizations/analytics/{endpoint}?starting_at=2025-12-31T00:00:00Z"))
                .await;
        assert_error(&early, 400, "invalid_request_error", "starting_at");
        let long = get_analytics(
            &api,
            &format!(
                "/v1/organizations/analytics/{endpoint}?starting_at=2026-01-01T00:00:00Z&ending_at=2026-02-02T00:00:00Z"
            ),
        )
        .await;
        assert_error(&long, 400, "invalid_request_error", "31 days");
    }
    let wrong_group =
        get_analytics(&api, &format!("/v1/organizations/analytics/usage?{range}&group_by[]=cost_type")).await;
    assert_error(&wrong_group, 400, "invalid_request_error", "group_by[]");
}

#[tokio::test]
async fn analytics_days_add_up_to_the_legacy_reports() {
    let api = FakeAdminApi::start(Dataset::demo(7, 30, "2026-03-31")).await;
    let range = "starting_at=2026-03-10T00:00:00Z&ending_at=2026-03-11T00:00:00Z";
    let usage = get(&api, &format!("/v1/organizations/usage_report/messages?{range}&bucket_width=1d")).await;
    let analytics =
        get_analytics(&api, &format!("/v1/organizations/analytics/usage?{range}&time_bucket_width=1d")).await;
    let legacy = &usage.body["data"][0]["results"][0];
    let row = &analytics.body["data"][0];
    assert_eq!(analytics.body["data"].as_array().map(Vec::len), Some(1));
    for field in
        ["uncached_input_tokens", "cache_read_input_tokens", "output_tokens", "cache_creation", "server_tool_use"]
    {
        assert_eq!(row["usage"][field], legacy[field], "{field}");
    }
    assert_eq!(analytics.body["has_more"], false);

    let cost = get(&api, &format!("/v1/organizations/cost_report?{range}")).await;
    let cost_analytics =
        get_analytics(&api, &format!("/v1/organizations/analytics/cost?{range}&time_bucket_width=1d")).await;
    assert_eq!(cost_analytics.body["data"][0]["cost"]["amount"], cost.body["data"][0]["results"][0]["amount"]);
    assert!(cost_analytics.body["data"][0]["cost"]["requests"].as_u64().is_some_and(|n| n > 0));
}

#[tokio::test]
async fn rate_limits_page_with_next_page_alone_and_404_unknown_workspaces() {
    let api = FakeAdminApi::start(Dataset::demo(7, 1, "2026-03-31")).await;
    let all = get(&api, "/v1/organizations/rate_limits").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body["data"].as_array().map(Vec::len), Some(8));
    assert_eq!(all.body["next_page"], Value::Null);
    assert!(all.body.get("has_more").is_none(), "the rate-limit endpoints send no has_more");
    let first = get(&api, "/v1/organizations/rate_limits?limit=5").await;
    let token = first.body["next_page"].as_str().expect("a next page").to_owned();
    let second = get(&api, &format!("/v1/organizations/rate_limits?limit=5&page={token}")).await;
    assert_eq!(second.body["data"].as_array().map(Vec::len), Some(3));
    let foreign = get(&api, &format!("/v1/organizations/rate_limits?limit=4&page={token}")).await;
    assert_error(&foreign, 400, "invalid_request_error", "different query");
    assert_error(
        &get(&api, "/v1/organizations/rate_limits?per_page=5").await,
        400,
        "invalid_request_error",
        "per_page",
    );
    assert_error(
        &get(&api, "/v1/organizations/rate_limits?group_type=images").await,
        400,
        "invalid_request_error",
        "group_type",
    );
    assert_error(&get(&api, "/v1/organizations/rate_limits?model=gpt-4").await, 404, "not_found_error", "gpt-4");
    let missing = get(&api, "/v1/organizations/workspaces/wrkspc_nope/rate_limits").await;
    assert_error(&missing, 404, "not_found_error", "wrkspc_nope");
    let workspace = api.with_state(|dataset| dataset.workspaces[0].id.clone());
    let overrides = get(&api, &format!("/v1/organizations/workspaces/{workspace}/rate_limits")).await;
    assert_eq!(overrides.body["data"][0]["limits"][0]["org_limit"], 4_000);
    assert_eq!(overrides.body["data"][0]["limits"][0]["source"]["type"], "workspace");
    let models = get(&api, &format!("/v1/organizations/workspaces/{workspace}/rate_limits?model=x")).await;
    assert_error(&models, 400, "invalid_request_error", "model");
}

/// A memoized page answers exactly as a freshly written one, keeps issuing its own page
/// tokens, and is written again once the dataset changes.
#[tokio::test]
async fn memoized_claude_code_pages_answer_as_written_and_follow_changes() {
    let mut dataset = Dataset::empty();
    for index in 0..3 {
        dataset.claude_code.push(ClaudeCodeRecord::user("2026-03-01", &format!("u{index}@x.io")).sessions(1).to_json());
    }
    let api = FakeAdminApi::start(dataset).await;
    let first = "/v1/organizations/usage_report/claude_code?starting_at=2026-03-01&limit=2";
    let fresh = get(&api, first).await.body;
    api.memoize_report_pages();
    let written = get(&api, first).await.body;
    let memoized = get(&api, first).await.body;
    assert_eq!(written["data"], fresh["data"]);
    assert_eq!(memoized["data"], fresh["data"]);
    assert_eq!((memoized["has_more"].clone(), written["has_more"].clone()), (json!(true), json!(true)));
    let token = memoized["next_page"].as_str().expect("a page token");
    let rest = get(&api, &format!("{first}&page={token}")).await.body;
    assert_eq!(rest["data"].as_array().map(Vec::len), Some(1));
    api.with_state(|d| d.claude_code[0]["actor"]["email_address"] = json!("changed@x.io"));
    let changed = get(&api, first).await.body;
    assert_eq!(changed["data"][0]["actor"]["email_address"], "changed@x.io", "{changed}");
}
