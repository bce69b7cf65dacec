//! `claude_code_get_normalized_metrics` through MCP against the fake: the reference's
//! worked example, a realistic month checked against an independent computation,
//! the exact upstream requests, partial failures and progress.

use std::collections::{BTreeMap, BTreeSet};

use fake_admin_api::{ClaudeCodeRecord, CostRow, Dataset, Fault, UsageRow, User};
use serde_json::{Value, json};

use crate::harness::{Harness, query_of, sorted};

fn worked_example() -> Dataset {
    let mut d = Dataset::empty();
    for (i, email) in ["ana@x.io", "bo@x.io", "cy@x.io", "di@x.io"].iter().enumerate() {
        d.users.push(User::new(&format!("user_{i}"), email, email, "developer"));
    }
    let day1 = "2026-03-01";
    let day2 = "2026-03-02";
    d.claude_code = vec![
        ClaudeCodeRecord::user(day1, "ana@x.io")
            .sessions(1)
            .tool_action("edit_tool", 8, 2)
            .lines(120, 0)
            .model_cost("claude-sonnet-4-5", 100, 50, 0, 0, 250.0)
            .to_json(),
        ClaudeCodeRecord::api(day1, "ci")
            .sessions(1)
            .lines(10, 0)
            .model_cost("claude-sonnet-4-5", 10, 5, 0, 0, 50.0)
            .to_json(),
        ClaudeCodeRecord::user(day2, "ana@x.io")
            .sessions(2)
            .tool_action("write_tool", 1, 1)
            .lines(5, 0)
            .model_cost("claude-sonnet-4-5", 10, 5, 0, 0, 30.0)
            .to_json(),
        ClaudeCodeRecord::user(day2, "bo@x.io").sessions(1).model_cost("claude-sonnet-4-5", 0, 0, 0, 0, 0.0).to_json(),
    ];
    d
}

fn close(actual: &Value, expected: f64, what: &str) {
    let a = actual.as_f64().unwrap_or_else(|| panic!("{what} should be a number, got {actual}"));
    assert!((a - expected).abs() < 0.005, "{what}: {a} != {expected}");
}

#[tokio::test]
async fn the_reference_worked_example_exactly() {
    let h = Harness::start(worked_example()).await;
    let m =
        h.ok("claude_code_get_normalized_metrics", json!({"start_date": "2026-03-01", "end_date": "2026-03-02"})).await;
    assert_eq!(m["tool_name"], "claude_code");
    assert_eq!(m["period"], "2026-03-01/2026-03-02");
    assert_eq!(m["total_seats"], 4);
    assert_eq!(m["active_seats"], 2);
    close(&m["seat_utilization_pct"], 50.0, "seat_utilization_pct");
    assert_eq!(m["inactive_seats"], 2);
    assert_eq!(m["total_suggestions"], 12);
    assert_eq!(m["total_acceptances"], 9);
    close(&m["acceptance_rate_pct"], 75.0, "acceptance_rate_pct");
    assert_eq!(m["total_lines_suggested"], Value::Null);
    assert_eq!(m["total_lines_accepted"], 135);
    assert_eq!(m["total_chat_interactions"], 5);
    assert_eq!(m["daily_active_users"], 2);
    assert_eq!(m["metadata"]["daily_active_users_by_day"], json!({"2026-03-01": 1, "2026-03-02": 2}));
    close(&m["total_cost_usd"], 3.30, "total_cost_usd");
    close(&m["cost_per_user_usd"], 1.65, "cost_per_user_usd");
    assert_eq!(m["cost_per_accepted_suggestion_usd"].as_f64(), Some(0.3667));
    assert_eq!(m["usage_by_language"], Value::Null);
    assert_eq!(m["metadata"]["unavailable_fields"], json!(["total_lines_suggested", "usage_by_language"]));
    assert_eq!(m["metadata"]["partial"], false);
}

#[tokio::test]
async fn the_upstream_requests_are_exactly_the_reference_ones() {
    let h = Harness::start(worked_example()).await;
    h.ok("claude_code_get_normalized_metrics", json!({"start_date": "2026-03-01", "end_date": "2026-03-02"})).await;
    let requests = h.requests();
    let by_path = |p: &str| requests.iter().filter(|r| r.path == p).collect::<Vec<_>>();
    let code = by_path("/v1/organizations/usage_report/claude_code");
    let mut days: Vec<String> = code.iter().map(|r| r.query_value("starting_at").unwrap().to_string()).collect();
    days.sort();
    assert_eq!(days, ["2026-03-01", "2026-03-02"], "one claude_code request per day");
    assert!(code.iter().all(|r| r.query_value("limit") == Some("1000")));
    let usage = by_path("/v1/organizations/usage_report/messages");
    assert_eq!(usage.len(), 1);
    assert_eq!(
        query_of(usage[0]),
        sorted(&[
            "bucket_width=1d",
            "ending_at=2026-03-03T00:00:00Z",
            "group_by[]=model",
            "limit=31",
            "starting_at=2026-03-01T00:00:00Z"
        ])
    );
    let cost = by_path("/v1/organizations/cost_report");
    assert_eq!(cost.len(), 1);
    assert_eq!(
        query_of(cost[0]),
        sorted(&["ending_at=2026-03-03T00:00:00Z", "limit=31", "starting_at=2026-03-01T00:00:00Z"])
    );
    let users = by_path("/v1/organizations/users");
    assert_eq!(users.len(), 1);
    assert_eq!(query_of(users[0]), sorted(&["limit=1000"]));
    assert_eq!(requests.len(), 5);
}

/// The reference's rules, computed here from the fake's raw data, independently of the connector.
fn independent(d: &Dataset, start: &str, end: &str, days: &[String]) -> Value {
    let records: Vec<&Value> = d
        .claude_code
        .iter()
        .filter(|r| {
            let day = &r["date"].as_str().unwrap()[..10];
            day >= start && day <= end
        })
        .collect();
    let email = |r: &Value| {
        (r["actor"]["type"] == "user_actor").then(|| r["actor"]["email_address"].as_str().unwrap().to_string())
    };
    let active: BTreeSet<String> = records.iter().filter_map(|r| email(r)).collect();
    let mut suggestions = 0u64;
    let mut acceptances = 0u64;
    let mut lines = 0u64;
    let mut sessions = 0u64;
    let mut cost_milli_cents = 0i128;
    let mut per_day: BTreeMap<String, BTreeSet<String>> = days.iter().map(|d| (d.clone(), BTreeSet::new())).collect();
    for r in &records {
        for counts in r["tool_actions"].as_object().unwrap().values() {
            let (a, j) = (counts["accepted"].as_u64().unwrap(), counts["rejected"].as_u64().unwrap());
            suggestions += a + j;
            acceptances += a;
        }
        lines += r["core_metrics"]["lines_of_code"]["added"].as_u64().unwrap();
        sessions += r["core_metrics"]["num_sessions"].as_u64().unwrap();
        for m in r["model_breakdown"].as_array().unwrap() {
            cost_milli_cents += (m["estimated_cost"]["amount"].as_f64().unwrap() * 1000.0).round() as i128;
        }
        if let Some(e) = email(r) {
            per_day.get_mut(&r["date"].as_str().unwrap()[..10]).unwrap().insert(e);
        }
    }
    let seats = d.users.len() as u64;
    let total_cost = cost_milli_cents as f64 / 100_000.0;
    let dau_sum: usize = per_day.values().map(BTreeSet::len).sum();
    let mut org_cost_nano = 0i128;
    for c in d.costs.iter().filter(|c| c.date.as_str() >= start && c.date.as_str() <= end) {
        let (whole, frac) = c.amount.split_once('.').unwrap_or((&c.amount, ""));
        let frac = format!("{frac:0<9}");
        org_cost_nano += whole.parse::<i128>().unwrap() * 1_000_000_000 + frac[..9].parse::<i128>().unwrap();
    }
    let tokens =
        d.usage.iter().filter(|u| u.date.as_str() >= start && u.date.as_str() <= end).fold([0u64; 4], |mut t, u| {
            t[0] += u.uncached_input_tokens;
            t[1] += u.cache_creation_1h_input_tokens + u.cache_creation_5m_input_tokens;
            t[2] += u.cache_read_input_tokens;
            t[3] += u.output_tokens;
            t
        });
    json!({
        "total_seats": seats,
        "active_seats": active.len(),
        "seat_utilization_pct": active.len() as f64 / seats as f64 * 100.0,
        "inactive_seats": seats.saturating_sub(active.len() as u64),
        "total_suggestions": suggestions,
        "total_acceptances": acceptances,
        "acceptance_rate_pct": acceptances as f64 / suggestions as f64 * 100.0,
        "total_lines_accepted": lines,
        "total_chat_interactions": sessions,
        "daily_active_users": (dau_sum as f64 / days.len() as f64).round() as u64,
        "daily_active_users_by_day": per_day.iter().map(|(d, s)| (d.clone(), json!(s.len()))).collect::<serde_json::Map<_, _>>(),
        "total_cost_usd": total_cost,
        "cost_per_user_usd": total_cost / active.len() as f64,
        "cost_per_accepted_suggestion_usd": total_cost / acceptances as f64,
        "organization_api_cost_usd": org_cost_nano as f64 / 100_000_000_000.0,
        "organization_tokens": {"uncached_input_tokens": tokens[0], "cache_creation_input_tokens": tokens[1], "cache_read_input_tokens": tokens[2], "output_tokens": tokens[3]},
    })
}

#[tokio::test]
async fn a_realistic_month_matches_an_independent_computation() {
    let mut d = Dataset::demo(7, 40, "2026-04-05");
    // One busy day with more records than a page holds (limit=1000): three pages.
    for i in 0..2100 {
        d.claude_code.push(
            ClaudeCodeRecord::api("2026-03-15", &format!("batch-{i}"))
                .sessions(1)
                .lines(1, 0)
                .model_cost("claude-haiku-4-5", 1, 1, 0, 0, 0.5)
                .to_json(),
        );
    }
    d.costs.push(CostRow::new("2026-03-10", "0.00001", "web_search", "Web Search"));
    d.usage.push(UsageRow::new("2026-03-31", "claude-opus-4-1"));
    let h = Harness::start(d.clone()).await;
    let m =
        h.ok("claude_code_get_normalized_metrics", json!({"start_date": "2026-03-01", "end_date": "2026-03-31"})).await;
    let days: Vec<String> = (1..=31).map(|i| format!("2026-03-{i:02}")).collect();
    let e = independent(&d, "2026-03-01", "2026-03-31", &days);
    for key in [
        "total_seats",
        "active_seats",
        "inactive_seats",
        "total_suggestions",
        "total_acceptances",
        "total_lines_accepted",
        "total_chat_interactions",
        "daily_active_users",
    ] {
        assert_eq!(m[key], e[key], "{key}");
    }
    for key in [
        "seat_utilization_pct",
        "acceptance_rate_pct",
        "total_cost_usd",
        "cost_per_user_usd",
        "cost_per_accepted_suggestion_usd",
    ] {
        close(&m[key], e[key].as_f64().unwrap(), key);
    }
    assert_eq!(m["metadata"]["daily_active_users_by_day"], e["daily_active_users_by_day"]);
    close(
        &m["metadata"]["organization_api_cost_usd"],
        e["organization_api_cost_usd"].as_f64().unwrap(),
        "organization_api_cost_usd",
    );
    assert_eq!(m["metadata"]["organization_tokens"], e["organization_tokens"]);
    assert_eq!(m["metadata"]["unavailable_fields"], json!(["total_lines_suggested", "usage_by_language"]));
    let busy_day = h
        .requests()
        .into_iter()
        .filter(|r| r.query_value("starting_at") == Some("2026-03-15") && r.path.ends_with("claude_code"))
        .count();
    assert_eq!(busy_day, 3, "2100+ records on one day are three pages");
    assert_eq!(m["metadata"]["sources"]["claude_code"]["requests"], 33);
    let editors = m["usage_by_editor"].as_object().expect("usage_by_editor");
    let sessions: u64 = editors.values().map(|v| v["sessions"].as_u64().unwrap()).sum();
    assert_eq!(sessions, e["total_chat_interactions"].as_u64().unwrap());
}

#[tokio::test]
async fn each_failing_source_nulls_only_its_fields_and_the_tool_still_succeeds() {
    let cases = [
        (
            "/v1/organizations/usage_report/claude_code",
            "claude_code",
            vec!["active_seats", "acceptance_rate_pct", "total_cost_usd", "usage_by_editor"],
        ),
        ("/v1/organizations/users", "users", vec!["total_seats", "seat_utilization_pct", "inactive_seats"]),
        ("/v1/organizations/cost_report", "cost_report", vec![]),
        ("/v1/organizations/usage_report/messages", "messages_usage", vec![]),
    ];
    for (path, source, nulls) in cases {
        let h = Harness::start(worked_example()).await;
        // A 429 with retry-after on every attempt: retries are exhausted.
        h.fake.push_fault(Fault::api_error(path, 429, "rate_limit_error", "slow down").header("retry-after", "0"));
        let m = h
            .ok("claude_code_get_normalized_metrics", json!({"start_date": "2026-03-01", "end_date": "2026-03-02"}))
            .await;
        assert_eq!(m["metadata"]["partial"], true, "{source}");
        assert_eq!(m["metadata"]["sources"][source]["status"], "error", "{source}");
        assert!(m["metadata"]["sources"][source]["error"].as_str().unwrap().contains("429"), "{source}");
        let unavailable: Vec<&str> =
            m["metadata"]["unavailable_fields"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        for field in &nulls {
            assert_eq!(m[*field], Value::Null, "{source}: {field}");
            assert!(unavailable.contains(field), "{source}: {field} listed");
        }
        match source {
            "cost_report" => assert_eq!(m["metadata"]["organization_api_cost_usd"], Value::Null),
            "messages_usage" => assert_eq!(m["metadata"]["organization_tokens"], Value::Null),
            "users" => assert_eq!(m["active_seats"], 2, "claude code fields survive"),
            _ => assert_eq!(m["total_seats"], 4, "users fields survive"),
        }
        let attempts = h.requests().iter().filter(|r| r.path == path).count();
        assert!(attempts >= 3, "{source}: retried until exhausted, got {attempts}");
        assert_eq!(m["metadata"]["sources"][source]["requests"], attempts, "{source}: every attempt is counted");
    }
}

#[tokio::test]
async fn all_sources_failing_is_a_tool_error_naming_each_cause() {
    let h = Harness::start(worked_example()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/", 500, "api_error", "everything is down"));
    let text = h
        .err("claude_code_get_normalized_metrics", json!({"start_date": "2026-03-01", "end_date": "2026-03-02"}))
        .await;
    for source in ["claude_code", "messages_usage", "cost_report", "users"] {
        assert!(text.contains(source), "`{text}` names {source}");
    }
}

#[tokio::test]
async fn progress_is_reported_per_day_when_the_client_asks() {
    let h = Harness::start(worked_example()).await;
    let result = h
        .call_with_progress(
            "claude_code_get_normalized_metrics",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-10"}),
        )
        .await;
    assert_ne!(result.is_error, Some(true));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let progress = h.progress.lock().unwrap().clone();
    assert_eq!(progress.len(), 10, "one notification per day: {progress:?}");
    assert_eq!(progress.last().unwrap().progress, 10.0);
    assert_eq!(progress.last().unwrap().total, Some(10.0));
}
