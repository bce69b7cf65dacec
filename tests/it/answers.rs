//! Answers a person can act on (issue 26), through MCP against the fake, each expected
//! value computed here from the dataset: one person's activity (`actor`), unused API
//! keys with names beside IDs, quarters (the exact range sent), compact lists of a
//! 137-seat organization, and seat counts that say what they count.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use fake_admin_api::{ApiKey, ClaudeCodeRecord, Dataset, FakeAdminApi, UsageRow, User, Workspace};
use serde_json::json;

use crate::harness::{Harness, fast_config, query_of, text_of};

/// The most bytes an answer may take, as text and as compact structured JSON.
const BUDGET: usize = 8 * 1024;

fn keys_dataset() -> Dataset {
    let mut d = Dataset::empty();
    d.users.push(User::new("user_ann", "ann@corp.io", "Ann", "developer"));
    d.users.push(User::new("user_bo", "bo@corp.io", "Bo", "developer"));
    d.workspaces.push(Workspace::new("wrkspc_prod", "Production"));
    d.api_keys.push(ApiKey::new("apikey_used", "ci-runner", "active", Some("wrkspc_prod"), Some("user_ann")));
    d.api_keys.push(ApiKey::new("apikey_idle", "forgotten", "active", None, Some("user_bo")));
    d.api_keys.push(ApiKey::new("apikey_off", "retired", "inactive", Some("wrkspc_prod"), Some("user_gone")));
    d.api_keys.push(ApiKey::new("apikey_late", "late", "active", Some("wrkspc_prod"), None));
    for (day, key, input, output) in [
        ("2026-03-01", Some("apikey_used"), 1000, 200),
        ("2026-03-05", Some("apikey_used"), 300, 70),
        ("2026-03-02", None, 50, 5),
        // Outside the window: `late` is unused within it.
        ("2026-04-02", Some("apikey_late"), 999, 9),
    ] {
        let mut row = UsageRow::new(day, "claude-sonnet-4-5");
        row.api_key_id = key.map(str::to_string);
        row.uncached_input_tokens = input;
        row.output_tokens = output;
        row.cache_read_input_tokens = 10;
        d.usage.push(row);
    }
    d
}

#[tokio::test]
async fn unused_api_keys_are_one_call_with_names_beside_ids() {
    let h = Harness::start(keys_dataset()).await;
    let march = json!({"start_date": "2026-03-01", "end_date": "2026-03-31"});
    let mut arguments = march.clone();
    arguments["status"] = json!("unused");
    let unused = h.ok("claude_code_get_api_key_activity", arguments.clone()).await;
    // The one request for usage: the legacy report, grouped by key, the exact window.
    let usage: Vec<Vec<String>> = h
        .take_requests()
        .iter()
        .filter(|r| r.path == "/v1/organizations/usage_report/messages")
        .map(query_of)
        .collect();
    assert_eq!(usage.len(), 1, "{usage:?}");
    for pair in ["starting_at=2026-03-01T00:00:00Z", "ending_at=2026-04-01T00:00:00Z", "group_by[]=api_key_id"] {
        assert!(usage[0].iter().any(|p| p == pair), "{pair} in {:?}", usage[0]);
    }

    let ids: Vec<&str> = unused["api_keys"].as_array().unwrap().iter().map(|k| k["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["apikey_idle", "apikey_late"], "active keys without a usage row in March; not the inactive one");
    assert_eq!(
        (unused["keys"].as_u64(), unused["used_keys"].as_u64(), unused["unused_keys"].as_u64()),
        (Some(4), Some(1), Some(2))
    );
    let idle = &unused["api_keys"][0];
    assert_eq!((idle["name"].as_str(), idle["workspace"].as_str()), (Some("forgotten"), Some("Default Workspace")));
    assert_eq!(idle["created_by"], "bo@corp.io");
    assert!(idle.get("input_tokens").is_none(), "no all-zero measures for an unused key: {idle}");
    let text = h.text("claude_code_get_api_key_activity", arguments).await;
    assert!(
        text.starts_with("API key activity 2026-03-01/2026-03-31: 1 of 4 keys used, 2 active keys unused"),
        "{text}"
    );
    assert!(text.contains("forgotten") && text.contains("Default Workspace") && text.contains("bo@corp.io"), "{text}");
    let mut arguments = march.clone();
    arguments["status"] = json!("active");
    let used = h.ok("claude_code_get_api_key_activity", arguments).await;
    let row = &used["api_keys"][0];
    assert_eq!((row["id"].as_str(), row["workspace"].as_str()), (Some("apikey_used"), Some("Production")));
    assert_eq!(row["created_by"], "ann@corp.io");
    assert_eq!((row["input_tokens"].as_u64(), row["output_tokens"].as_u64()), (Some(1300), Some(270)));
    assert_eq!((row["cache_read_tokens"].as_u64(), row["total_tokens"].as_u64()), (Some(20), Some(1300 + 270 + 20)));
    assert_eq!(row["last_used"], "2026-03-05");
    assert_eq!(used["without_key"]["input_tokens"], 50, "Workbench traffic apart");
    let retired = h.ok("claude_code_get_api_key_activity", march).await;
    let retired = retired["api_keys"].as_array().unwrap().iter().find(|k| k["id"] == "apikey_off").unwrap().clone();
    assert_eq!(retired["created_by"], "user_gone", "a creator who left keeps their ID");
}

fn people_dataset() -> (Dataset, Vec<(String, String, u64, u64)>) {
    let mut d = Dataset::empty();
    let mut records = Vec::new();
    for (index, email) in ["dara@corp.io", "eli@corp.io", "idle@corp.io"].iter().enumerate() {
        d.users.push(User::new(&format!("user_{index}"), email, &format!("U{index}"), "developer"));
    }
    for day in 1..=31u32 {
        let date = format!("2026-03-{day:02}");
        for (email, every) in [("Dara@corp.io", 3), ("eli@corp.io", 2)] {
            if day % every == 0 {
                let sessions = u64::from(day % 5 + 1);
                let lines = u64::from(day * 7);
                d.claude_code.push(ClaudeCodeRecord::user(&date, email).sessions(sessions).lines(lines, 1).to_json());
                records.push((date.clone(), email.to_lowercase(), sessions, lines));
            }
        }
        if day % 4 == 0 {
            d.claude_code.push(ClaudeCodeRecord::api(&date, "ci-bot").sessions(1).to_json());
        }
    }
    (d, records)
}

#[tokio::test]
async fn one_persons_month_by_day_from_the_seat_view() {
    let (dataset, records) = people_dataset();
    let h = Harness::start(dataset).await;
    let arguments = json!({"start_date": "2026-03", "end_date": "2026-03", "actor": "DARA@corp.io"});
    let out = h.ok("claude_code_get_seat_activity", arguments).await;
    let users = out["users"].as_array().unwrap();
    assert_eq!(users.len(), 1, "only Dara: {out}");
    let dara: Vec<&(String, String, u64, u64)> = records.iter().filter(|r| r.1 == "dara@corp.io").collect();
    assert_eq!(users[0]["sessions"].as_u64(), Some(dara.iter().map(|r| r.2).sum()));
    assert_eq!(users[0]["active_days"].as_u64(), Some(dara.len() as u64));
    assert_eq!(users[0]["last_active"], "2026-03-30");
    assert!(out["api_keys"].as_array().unwrap().is_empty(), "a person, not the keys");
    assert_eq!((out["seats"].as_u64(), out["active_seats"].as_u64()), (Some(3), Some(2)), "counts cover everyone");
    // An API key by name, any case.
    let key = h
        .ok("claude_code_get_seat_activity", json!({"start_date": "2026-03", "end_date": "2026-03", "actor": "CI-Bot"}))
        .await;
    assert!(key["users"].as_array().unwrap().is_empty());
    assert_eq!(key["api_keys"][0]["active_days"], 7);
    // Nobody by that name: said, not an empty answer.
    let error = h
        .err(
            "claude_code_get_seat_activity",
            json!({"start_date": "2026-03", "end_date": "2026-03", "actor": "dara@corp"}),
        )
        .await;
    assert!(
        error.contains("`actor`") && error.contains("neither a member's email nor the name of an API key"),
        "{error}"
    );
}

#[tokio::test]
async fn one_persons_month_by_day_from_the_claude_code_report() {
    let (dataset, records) = people_dataset();
    let h = Harness::start(dataset).await;
    let arguments = json!({"start_date": "2026-03", "end_date": "2026-03", "actor": "dara@CORP.io", "period": "day"});
    let out = h.ok("claude_code_get_code_analytics", arguments.clone()).await;
    let expected: Vec<(String, u64, u64)> =
        records.iter().filter(|r| r.1 == "dara@corp.io").map(|r| (r.0.clone(), r.2, r.3)).collect();
    let rows: Vec<(String, u64, u64)> = out["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap().to_string(),
                r["sessions"].as_u64().unwrap(),
                r["lines_added"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, expected, "Dara's days, and only hers");
    assert_eq!(out["totals"]["sessions"].as_u64(), Some(expected.iter().map(|r| r.1).sum()));
    let text = h.text("claude_code_get_code_analytics", arguments).await;
    assert!(text.len() <= BUDGET && !text.contains("eli@"), "{text}");
    // Without a roll-up, the records themselves, filtered the same way.
    let plain = h
        .ok(
            "claude_code_get_code_analytics",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-31", "actor": "ci-bot"}),
        )
        .await;
    let data = plain["data"].as_array().unwrap();
    assert_eq!(data.len(), 7);
    assert!(data.iter().all(|r| r["actor"]["api_key_name"] == "ci-bot"), "{plain}");
}

#[tokio::test]
async fn seat_counts_say_what_they_count() {
    let (mut dataset, _) = people_dataset();
    // A former member with activity: the metrics count her, the seat view lists her apart.
    dataset.claude_code.push(ClaudeCodeRecord::user("2026-03-03", "gone@corp.io").sessions(1).to_json());
    let h = Harness::start(dataset).await;
    let march = json!({"start_date": "2026-03-01", "end_date": "2026-03-31"});
    let seats = h.ok("claude_code_get_seat_activity", march.clone()).await;
    let metrics = h.ok("claude_code_get_normalized_metrics", march.clone()).await;
    assert_eq!((seats["active_seats"].as_u64(), seats["former_members_active"].as_u64()), (Some(2), Some(1)));
    assert_eq!(seats["api_keys_active"], 1);
    assert_eq!(metrics["active_seats"].as_u64(), Some(3), "every user email with a record");
    let seats_text = h.text("claude_code_get_seat_activity", march.clone()).await;
    assert!(
        seats_text.starts_with("Seat activity 2026-03-01/2026-03-31: 2 of 3 seats (members) used Claude Code, 1 did not; also active: 1 former members, 1 API keys"),
        "{seats_text}"
    );
    let metrics_text = h.text("claude_code_get_normalized_metrics", march).await;
    assert!(
        metrics_text.contains("3 of 3 seats active") && metrics_text.contains("former members included"),
        "{metrics_text}"
    );
}

/// The first and last day of the calendar quarter `back` quarters before today's (UTC).
fn quarter(back: i32) -> (NaiveDate, NaiveDate) {
    let today = chrono::Utc::now().date_naive();
    let index = today.year() * 4 + today.month0() as i32 / 3 - back;
    let first = NaiveDate::from_ymd_opt(index.div_euclid(4), index.rem_euclid(4) as u32 * 3 + 1, 1).unwrap();
    let next = first.checked_add_months(chrono::Months::new(3)).unwrap();
    (first, next.pred_opt().unwrap())
}

#[tokio::test]
async fn a_quarter_sends_its_exact_range() {
    let h = Harness::start(Dataset::empty()).await;
    for (word, back) in [("last-quarter", 1), ("this-quarter", 0)] {
        h.ok("claude_code_get_cost_breakdown", json!({"start_date": word, "end_date": word})).await;
        let (first, last) = quarter(back);
        let query = query_of(&h.take_requests()[0]);
        assert!(query.contains(&format!("starting_at={first}T00:00:00Z")), "{word}: {query:?}");
        assert!(query.contains(&format!("ending_at={}T00:00:00Z", last.succ_opt().unwrap())), "{word}: {query:?}");
    }
    let error =
        h.err("claude_code_get_cost_breakdown", json!({"start_date": "2026-01-01", "end_date": "next-quarter"})).await;
    assert!(error.contains("`end_date`") && error.contains("this-quarter, last-quarter"), "{error}");
}

#[tokio::test]
async fn the_inactive_seats_of_137_seats_fit_in_both_forms() {
    let (dataset, days) = Dataset::demo_on_demand_sized(26, 137, 60, "2026-03-31");
    let fake = FakeAdminApi::start_on_demand(dataset.clone(), days).await;
    let config = fast_config(&fake.base_url());
    let h = Harness::with_config(fake, config).await;
    let arguments = json!({"start_date": "2026-03-01", "end_date": "2026-03-31", "status": "inactive"});
    let result = h.call("claude_code_get_seat_activity", arguments).await;
    let structured = result.structured_content.clone().expect("structured");
    let text = text_of(&result);
    let json = serde_json::to_vec(&structured).unwrap().len();
    eprintln!("137 seats, inactive in March: text {} B, JSON {json} B", text.len());
    assert!(text.len() <= BUDGET && json <= BUDGET, "text {} B, JSON {json} B", text.len());
    let users = structured["users"].as_array().unwrap();
    assert_eq!(users.len() as u64, structured["inactive_seats"].as_u64().unwrap(), "every inactive seat, no cut");
    let joined: BTreeMap<&str, &str> = dataset.users.iter().map(|u| (u.email.as_str(), u.added_at.as_str())).collect();
    for user in users {
        assert!(user.get("sessions").is_none() && user.get("cost_usd").is_none(), "no all-zero measures: {user}");
        let email = user["email"].as_str().unwrap();
        assert_eq!(user["member_since"].as_str(), joined[email].get(..10), "{email}");
    }
    assert!(structured.get("truncated").is_none(), "{structured}");
    assert!(!text.contains("Sessions |"), "the text has no all-zero columns either: {text}");
}

#[tokio::test]
async fn a_92_day_analytics_range_is_split_into_windows_and_sums_to_the_legacy_total() {
    let mut dataset = Dataset::empty();
    let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut milli_cents: i128 = 0;
    for offset in 0..92u32 {
        let date = first + chrono::Days::new(u64::from(offset));
        let milli = 100_000 + i128::from(offset) * 1_237;
        milli_cents += milli;
        let amount = format!("{}.{:03}", milli / 1000, milli % 1000);
        let mut row = fake_admin_api::CostRow::new(
            &date.to_string(),
            &amount,
            "tokens",
            "Claude Sonnet 4.5 Usage - Input Tokens",
        );
        row.workspace_id = Some(if offset % 2 == 0 { "wrkspc_prod" } else { "wrkspc_dev" }.into());
        dataset.costs.push(row);
    }
    let h = Harness::start(dataset).await;
    let range = json!({"start_date": "2026-01-01", "end_date": "2026-04-02", "period": "total"});
    let analytics = h.ok("claude_code_get_cost_analytics", range.clone()).await;
    let windows: Vec<(String, String)> = h
        .take_requests()
        .iter()
        .map(|r| {
            let query = query_of(r);
            let find = |name: &str| query.iter().find_map(|p| p.strip_prefix(name)).unwrap_or_default().to_string();
            (find("starting_at="), find("ending_at="))
        })
        .collect();
    let pair = |a: &str, b: &str| (format!("{a}T00:00:00Z"), format!("{b}T00:00:00Z"));
    assert_eq!(
        windows,
        [pair("2026-01-01", "2026-02-01"), pair("2026-02-01", "2026-03-04"), pair("2026-03-04", "2026-04-03")],
        "three windows of at most 31 days, covering the range once"
    );
    let legacy =
        h.ok("claude_code_get_cost_breakdown", json!({"start_date": "2026-01-01", "end_date": "2026-04-02"})).await;
    let cents = (milli_cents + 500) / 1000;
    let expected = format!("{}.{:02}", cents / 100, cents % 100);
    assert_eq!(legacy["total_usd"], json!(expected));
    assert_eq!(analytics["totals"]["cost_usd"], json!(expected), "the windows sum exactly to the legacy total");
    // Grouped by workspace, the groups still add up.
    let mut grouped = range.clone();
    grouped["group_by"] = json!(["workspace_id"]);
    let by_workspace = h.ok("claude_code_get_cost_analytics", grouped).await;
    assert_eq!(by_workspace["totals"]["cost_usd"], json!(expected));
}

#[tokio::test]
async fn names_stand_beside_ids_in_both_forms_with_exact_amounts() {
    let mut dataset = keys_dataset();
    dataset.workspaces.push(Workspace::new("wrkspc_dev", "Development"));
    let mut archived = Workspace::new("wrkspc_old", "Old team");
    archived.archived_at = Some("2026-02-01T00:00:00Z".into());
    dataset.workspaces.push(archived);
    let mut expected: BTreeMap<Option<&str>, i128> = BTreeMap::new();
    for (day, workspace, milli) in [
        ("2026-03-01", Some("wrkspc_prod"), 12_345),
        ("2026-03-02", Some("wrkspc_prod"), 1_005),
        ("2026-03-02", Some("wrkspc_old"), 70_000),
        ("2026-03-03", None, 2_500),
    ] {
        let amount = format!("{}.{:03}", milli / 1000, milli % 1000);
        let mut row = fake_admin_api::CostRow::new(day, &amount, "tokens", "Claude Sonnet 4.5 Usage - Input Tokens");
        row.workspace_id = workspace.map(str::to_string);
        dataset.costs.push(row);
        *expected.entry(workspace).or_default() += milli;
    }
    let h = Harness::start(dataset).await;
    let arguments =
        json!({"start_date": "2026-03-01", "end_date": "2026-03-31", "group_by": ["workspace_id"], "period": "total"});
    let out = h.ok("claude_code_get_cost_breakdown", arguments.clone()).await;
    let dollars = |milli: i128| {
        let cents = (milli + 500) / 1000;
        format!("{}.{:02}", cents / 100, cents % 100)
    };
    let mut got: Vec<(Option<String>, String, String)> = out["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["workspace_id"].as_str().map(str::to_string),
                r["workspace"].as_str().unwrap_or("?").to_string(),
                r["cost_usd"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let name_of = |id: Option<&str>| match id {
        None => "Default Workspace",
        Some("wrkspc_prod") => "Production",
        Some("wrkspc_old") => "Old team",
        Some(other) => panic!("{other}"),
    };
    let mut want: Vec<(Option<String>, String, String)> = expected
        .iter()
        .map(|(id, milli)| (id.map(str::to_string), name_of(*id).to_string(), dollars(*milli)))
        .collect();
    want.sort();
    assert_eq!(got, want, "each workspace with its name (archived too; none = the Default Workspace)");
    let text = h.text("claude_code_get_cost_breakdown", arguments).await;
    for (_, name, amount) in &want {
        assert!(text.contains(name.as_str()) && text.contains(&format!("${amount}")), "{name} {amount}: {text}");
    }
    assert!(text.contains("Workspace name"), "{text}");

    // Usage by key: the key's name beside its ID; the Workbench row (no key) has no name.
    let by_key =
        json!({"start_date": "2026-03-01", "end_date": "2026-03-31", "group_by": ["api_key_id"], "period": "total"});
    let usage = h.ok("claude_code_get_usage", by_key.clone()).await;
    let rows = usage["rows"].as_array().unwrap();
    let used = rows.iter().find(|r| r["api_key_id"] == "apikey_used").expect("the used key");
    assert_eq!((used["api_key"].as_str(), used["input_tokens"].as_u64()), (Some("ci-runner"), Some(1300)));
    let workbench = rows.iter().find(|r| r["api_key_id"].is_null()).expect("usage without a key");
    assert!(workbench.get("api_key").is_none(), "{workbench}");
    assert!(h.text("claude_code_get_usage", by_key).await.contains("ci-runner"));
    // Not grouped by workspace: no workspace name is made up for the null column.
    let plain = h.ok("claude_code_get_usage", json!({"start_date": "2026-03-01", "end_date": "2026-03-31"})).await;
    assert!(
        plain.to_string().contains("\"workspace_id\":null") && !plain.to_string().contains("Default Workspace"),
        "{plain}"
    );
    // Keys list: workspace name and creator email beside the IDs.
    let keys = h.ok("claude_code_list_api_keys", json!({})).await;
    let idle = keys["data"].as_array().unwrap().iter().find(|k| k["id"] == "apikey_idle").unwrap();
    assert_eq!(
        (idle["workspace"].as_str(), idle["created_by_email"].as_str()),
        (Some("Default Workspace"), Some("bo@corp.io"))
    );
}
