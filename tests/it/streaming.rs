//! Per-day reports are decoded straight into their consumers (`Http::send_each`): the
//! roll-ups, the normalized metrics and the seat view read the same records as the
//! whole-page path did, on the fake's data with several records per actor and day and
//! fields the connector does not know, at every level of the page.

use claude_code_connector::Client;
use claude_code_connector::generated::args::GetCodeAnalyticsArgs;
use claude_code_connector::generated::presentations::CLAUDE_CODE_RECORD;
use claude_code_connector::pipeline::{CallRequest, Connector, ToolOutcome};
use claude_code_connector::runtime::rollup::{RollUp, roll_up};
use claude_code_connector::runtime::{Date, Http};
use fake_admin_api::{Dataset, FakeAdminApi};
use serde_json::{Value, json};

use crate::harness::fast_config;

const DAYS: [&str; 2] = ["2026-03-01", "2026-03-05"];

/// The demo organization, with its first records repeated (the same actor twice a day)
/// and unknown fields in every record and its nested objects.
fn dataset() -> Dataset {
    let mut d = Dataset::demo(5, 5, DAYS[1]);
    let repeated: Vec<Value> = d.claude_code.iter().step_by(3).cloned().collect();
    assert!(!repeated.is_empty());
    d.claude_code.extend(repeated);
    for record in &mut d.claude_code {
        record["a_future_field"] = json!({"nested": [1, {"deeper": null}], "text": "x"});
        record["core_metrics"]["a_future_metric"] = json!(7);
        record["actor"]["a_future_label"] = json!("?");
    }
    d
}

async fn tool(connector: &Connector, name: &str, arguments: Value) -> Value {
    let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
    match connector.call(CallRequest::new(name, arguments), std::future::pending()).await {
        ToolOutcome::Success(answer) => answer.value,
        ToolOutcome::Failure(failure) => panic!("{name}: {failure:?}"),
    }
}

/// The first value under `key`, anywhere in `value`.
fn find<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(key).or_else(|| map.values().find_map(|v| find(v, key))),
        Value::Array(items) => items.iter().find_map(|v| find(v, key)),
        _ => None,
    }
}

fn usd(value: &Value) -> f64 {
    value.as_f64().or_else(|| value.as_str().and_then(|s| s.parse().ok())).expect("an amount")
}

#[tokio::test]
async fn streamed_aggregates_equal_the_whole_page_results() {
    let fake = FakeAdminApi::start(dataset()).await;
    let http = Http::new(fast_config(&fake.base_url())).unwrap();
    let client = Client::new(http.clone());
    let args = GetCodeAnalyticsArgs::new(Date::parse(DAYS[0]).unwrap(), Date::parse(DAYS[1]).unwrap());
    // The whole-page path: every record decoded into a list, then rolled up at once.
    let records = serde_json::to_value(client.get_code_analytics(&args).await.unwrap()).unwrap();
    assert!(records["data"].as_array().unwrap().len() > 5);
    for (period, group_by) in [("day", &["actor"][..]), ("month", &["actor", "terminal"]), ("total", &[])] {
        let asked = RollUp::new(Some(period), group_by, Some("cost_usd"), None);
        let streamed = client.get_code_analytics_rolled_up(&args, &asked).await.unwrap();
        let whole = roll_up(&CLAUDE_CODE_RECORD, &records, &asked).unwrap();
        assert_eq!(streamed, whole, "{period} by {group_by:?}");
    }

    // The seat view and the metrics fold the same records into their own tallies.
    let total = roll_up(&CLAUDE_CODE_RECORD, &records, &RollUp::new(Some("total"), &["actor"], None, None)).unwrap();
    let connector = Connector::new(http).with_audit(None);
    let range = json!({"start_date": DAYS[0], "end_date": DAYS[1]});
    let seats = tool(&connector, "claude_code_get_seat_activity", range.clone()).await;
    for measure in ["sessions", "lines_added", "lines_removed", "commits", "pull_requests", "accepted", "rejected"] {
        assert_eq!(seats["totals"][measure], total["totals"][measure], "seat view: {measure}");
    }
    assert_eq!(usd(&seats["totals"]["cost_usd"]), usd(&total["totals"]["cost_usd"]), "seat view: cost");
    for row in total["rows"].as_array().unwrap() {
        let actor = row["actor"].as_str().unwrap();
        let seat = seats["users"].as_array().unwrap().iter().find(|s| s["email"] == actor);
        let key = seats["api_keys"].as_array().unwrap().iter().find(|k| k["api_key_name"] == actor);
        let listed = seat.or(key).unwrap_or_else(|| panic!("{actor} is in the seat view: {seats}"));
        assert_eq!(
            (&listed["sessions"], usd(&listed["cost_usd"])),
            (&row["sessions"], usd(&row["cost_usd"])),
            "{actor}"
        );
    }
    let metrics = tool(&connector, "claude_code_get_normalized_metrics", range).await;
    let figure = |key: &str| find(&metrics, key).unwrap_or_else(|| panic!("{key} in {metrics}")).clone();
    assert_eq!(figure("total_chat_interactions"), total["totals"]["sessions"]);
    assert_eq!(figure("commits_by_claude_code"), total["totals"]["commits"]);
    assert_eq!(figure("pull_requests_by_claude_code"), total["totals"]["pull_requests"]);
    assert!((usd(&figure("total_cost_usd")) - usd(&total["totals"]["cost_usd"])).abs() < 0.005);
}
