//! Per-day reports are decoded straight into their consumers (`Http::fold_page`): the
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
    let first = &records["data"][0];
    assert!(records["data"].as_array().unwrap().len() > 5);
    // Fields the spec does not describe are kept, at every level (the generated decoders' `extra`).
    assert_eq!(first["a_future_field"]["text"], "x", "{first}");
    assert_eq!(
        (&first["core_metrics"]["a_future_metric"], &first["actor"]["a_future_label"]),
        (&json!(7), &json!("?"))
    );
    // The streamed roll-ups decode only the fields they read (a projection), the whole
    // page keeps every field: the answers are the same.
    let someone = first["actor"]["email_address"].as_str().or(first["actor"]["api_key_name"].as_str()).unwrap();
    for (period, group_by, filter) in [
        ("day", &["actor"][..], None),
        ("month", &["actor", "terminal"], None),
        ("total", &[], None),
        ("week", &["model"], None),
        ("total", &["customer_type", "model"], Some(someone)),
        ("day", &["terminal"], Some(someone)),
    ] {
        let asked = RollUp::new(Some(period), group_by, Some("cost_usd"), None).with_filter("actor", filter);
        let streamed = client.get_code_analytics_rolled_up(&args, &asked).await.unwrap();
        let whole = roll_up(&CLAUDE_CODE_RECORD, &records, &asked).unwrap();
        assert_eq!(streamed, whole, "{period} by {group_by:?}, only {filter:?}");
        assert!(!streamed["rows"].as_array().unwrap().is_empty(), "{period} by {group_by:?}: {streamed}");
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

/// The generated decoders read as serde's derive did: a missing required field or a
/// field given twice is refused by name, a null or absent optional field is `None`, and
/// unknown fields are kept in `extra` in their order.
#[test]
fn generated_decoders_refuse_and_keep_fields_as_serde_did() {
    use claude_code_connector::generated::types::ClaudeCodeActor;
    let actor: ClaudeCodeActor = serde_json::from_value(
        json!({"type": "api_actor", "z_new": 1, "api_key_name": "ci", "email_address": null, "a_new": [2]}),
    )
    .unwrap();
    assert_eq!((actor.api_key_name.as_deref(), actor.email_address.as_deref()), (Some("ci"), None));
    assert_eq!(
        serde_json::to_value(&actor).unwrap(),
        json!({"type": "api_actor", "api_key_name": "ci", "z_new": 1, "a_new": [2]})
    );
    let missing = serde_json::from_value::<ClaudeCodeActor>(json!({"email_address": "a@b.io"})).unwrap_err();
    assert!(missing.to_string().contains("missing field `type`"), "{missing}");
    let twice = serde_json::from_str::<ClaudeCodeActor>(r#"{"type": "user_actor", "type": "api_actor"}"#).unwrap_err();
    assert!(twice.to_string().contains("duplicate field `type`"), "{twice}");
    let wrong = serde_json::from_value::<ClaudeCodeActor>(json!({"type": 5})).unwrap_err();
    assert!(wrong.to_string().contains("invalid type"), "{wrong}");
    assert!(serde_json::from_value::<ClaudeCodeActor>(json!(["type"])).is_err());
}
