//! Results people and models can read: every text result opens with a one-line
//! summary, and `fields` keeps a long page's text small while structuredContent stays
//! complete.

use serde_json::{Value, json};

use crate::harness::{Harness, text_of};
use crate::tools::seed;

async fn summary_of(h: &Harness, name: &str, arguments: Value) -> String {
    let result = h.call(name, arguments).await;
    assert_ne!(result.is_error, Some(true), "{name}: {}", text_of(&result));
    text_of(&result).lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn every_kind_of_result_opens_with_a_summary_line() {
    let h = Harness::start(seed()).await;
    assert_eq!(
        summary_of(&h, "claude_code_list_users", json!({"page": 2, "per_page": 20})).await,
        "20 users, page 2 (20 per page); more on page 3"
    );
    assert_eq!(
        summary_of(&h, "claude_code_list_users", json!({"page": 4, "per_page": 20})).await,
        "5 users, page 4 (20 per page); no more pages"
    );
    assert_eq!(
        summary_of(
            &h,
            "claude_code_get_usage",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-03", "per_page": 2})
        )
        .await,
        "2 of 3 usage buckets, page 1 of 2"
    );
    assert_eq!(
        summary_of(&h, "claude_code_get_cost_breakdown", json!({"start_date": "2026-03-01", "end_date": "2026-03-03"}))
            .await,
        "3 cost buckets; total $3.70 for the whole range"
    );
    assert_eq!(
        summary_of(&h, "claude_code_get_code_analytics", json!({"start_date": "2026-03-01", "end_date": "2026-03-03"}))
            .await,
        "3 Claude Code records over 3 days"
    );
    assert_eq!(
        summary_of(&h, "claude_code_get_user", json!({"user_id": "user_07"})).await,
        "User user_07 (Person 7, person07@acme.io, claude_code_user)"
    );
    assert_eq!(
        summary_of(
            &h,
            "claude_code_remove_workspace_member",
            json!({"workspace_id": "wrkspc_prod", "user_id": "user_02"})
        )
        .await,
        "Deleted workspace member user_02 from wrkspc_prod"
    );
    let metrics = summary_of(
        &h,
        "claude_code_get_normalized_metrics",
        json!({"start_date": "2026-03-01", "end_date": "2026-03-03"}),
    )
    .await;
    assert!(metrics.starts_with("Claude Code metrics for 2026-03-01/2026-03-03: 1 of 65 seats active"), "{metrics}");
}

#[tokio::test]
async fn fields_shrink_the_text_but_not_the_structured_content() {
    let h = Harness::start(seed()).await;
    let result = h.call("claude_code_list_users", json!({"per_page": 100, "fields": ["email", "role"]})).await;
    let text = text_of(&result);
    let (summary, table) = text.split_once('\n').unwrap();
    assert!(summary.ends_with("(fields: email, role)"), "{summary}");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["Email", "Role"], "{table}");
    assert_eq!(lines[2].split_whitespace().collect::<Vec<_>>(), ["person01@acme.io", "admin"], "{table}");
    let structured = result.structured_content.unwrap();
    assert_eq!(structured["data"][0]["id"], "user_01", "structuredContent stays complete");
    assert!(table.len() * 2 < structured.to_string().len(), "the text is much smaller");

    let error = h.err("claude_code_list_users", json!({"fields": ["email", "salary"]})).await;
    assert!(error.contains("`fields`") && error.contains("`salary` is not one of: id, type, email"), "{error}");
}

#[tokio::test]
async fn dates_accept_months_and_days_relative_to_today_in_utc() {
    let h = Harness::start(seed()).await;
    h.ok("claude_code_get_cost_breakdown", json!({"start_date": "2026-02", "end_date": "2026-02"})).await;
    let r = h.take_requests().remove(0);
    assert_eq!(r.query_value("starting_at"), Some("2026-02-01T00:00:00Z"));
    assert_eq!(r.query_value("ending_at"), Some("2026-03-01T00:00:00Z"), "a month as the end means its last day");

    h.ok("claude_code_get_usage", json!({"start_date": "7-days-ago", "end_date": "yesterday"})).await;
    let today = chrono::Utc::now().date_naive();
    let r = h.take_requests().remove(0);
    let day = |days_ago: u64| format!("{}T00:00:00Z", today - chrono::Days::new(days_ago));
    assert_eq!(r.query_value("starting_at"), Some(day(7).as_str()));
    assert_eq!(r.query_value("ending_at"), Some(day(0).as_str()));

    let error = h.err("claude_code_get_usage", json!({"start_date": "soon", "end_date": "today"})).await;
    assert!(error.contains("`start_date`") && error.contains("today, yesterday, N-days-ago"), "{error}");
    assert!(h.requests().is_empty());
}

#[tokio::test]
async fn walking_to_a_later_page_reports_progress_when_asked() {
    let h = Harness::start(seed()).await;
    let out = h.call_with_progress("claude_code_list_users", json!({"page": 3, "per_page": 20})).await;
    assert_ne!(out.is_error, Some(true));
    // Notifications travel separately from the answer; give them a moment to land.
    for _ in 0..50 {
        if h.progress.lock().unwrap().len() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let seen: Vec<(f64, Option<f64>)> = h.progress.lock().unwrap().iter().map(|p| (p.progress, p.total)).collect();
    assert_eq!(seen, [(1.0, Some(3.0)), (2.0, Some(3.0)), (3.0, Some(3.0))]);
}
