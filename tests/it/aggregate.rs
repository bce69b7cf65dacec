//! Roll-ups (`period`, `group_by`, `sort`, `top`) checked against an independent
//! computation written here, not against the runtime's aggregation: sums per group,
//! ISO weeks and months, `top` with its `other` row, totals equal to the ungrouped
//! totals, money exact to the cent, API-key actors, days without records and a day of
//! several pages. Through MCP against the fake, with the upstream requests asserted
//! unchanged by the roll-up.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use fake_admin_api::{ClaudeCodeRecord, CostRow, Dataset};
use serde_json::{Value, json};

use crate::harness::Harness;

const USERS: [&str; 4] = ["ann@corp.io", "bo@corp.io", "cy@corp.io", "di@corp.io"];
const MODELS: [&str; 2] = ["claude-opus-4-1", "claude-sonnet-4-5"];

/// What one record adds, as the test counts it (cost in thousandths of a cent).
#[derive(Default, Clone, Copy, Debug, PartialEq)]
pub(crate) struct Sums {
    sessions: u64,
    lines_added: u64,
    accepted: u64,
    rejected: u64,
    cost_milli_cents: i128,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.sessions += other.sessions;
        self.lines_added += other.lines_added;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        self.cost_milli_cents += other.cost_milli_cents;
    }
}

/// Dollars rounded half up to the cent, from thousandths of a cent.
fn dollars(milli_cents: i128) -> String {
    let cents = (milli_cents + 500) / 1000;
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, n).unwrap()
}

/// Sixteen days of records; days 4, 5 and 12 have none; actor and amounts follow the day.
pub(crate) fn claude_code_dataset() -> (Dataset, Vec<(NaiveDate, String, String, Sums)>) {
    let mut dataset = Dataset::empty();
    let mut expected = Vec::new();
    for d in 1..=16u32 {
        if [4, 5, 12].contains(&d) {
            continue;
        }
        for (i, actor) in USERS.iter().map(|u| u.to_string()).chain(["ci-bot".to_string()]).enumerate() {
            let i = i as u64;
            let (sessions, added, accepted, rejected) =
                (1 + (u64::from(d) + i) % 3, 10 * u64::from(d) + i, 2 + i, i % 2);
            let model = MODELS[(d as usize + i as usize) % 2];
            let milli_cents = i128::from(d) * 1_234 + i128::from(i) * 505 + 5; // e.g. 12.345 cents
            let date = day(d).to_string();
            let base = if actor.contains('@') {
                ClaudeCodeRecord::user(&date, &actor)
            } else {
                ClaudeCodeRecord::api(&date, &actor)
            };
            let record = base
                .sessions(sessions)
                .lines(added, 1)
                .tool_action("edit_tool", accepted, rejected)
                .model_cost(model, 100, 10, 5, 1, milli_cents as f64 / 1000.0);
            dataset.claude_code.push(record.to_json());
            let sums = Sums { sessions, lines_added: added, accepted, rejected, cost_milli_cents: milli_cents };
            expected.push((day(d), actor, model.to_string(), sums));
        }
    }
    (dataset, expected)
}

fn iso_week(date: NaiveDate) -> String {
    let week = date.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

#[tokio::test]
async fn claude_code_per_week_by_actor_with_top_and_other_matches_an_independent_sum() {
    let (dataset, records) = claude_code_dataset();
    let h = Harness::start(dataset).await;
    h.fake.set_claude_code_page_size(Some(2));
    let range = json!({"start_date": "2026-03-01", "end_date": "2026-03-16"});
    h.ok("claude_code_get_code_analytics", range.clone()).await;
    let plain_requests = h.take_requests();

    let mut arguments = range.clone();
    arguments["period"] = json!("week");
    arguments["group_by"] = json!(["actor"]);
    arguments["sort"] = json!("cost_usd");
    arguments["top"] = json!(2);
    let out = h.ok("claude_code_get_code_analytics", arguments).await;
    let rolled_requests = h.take_requests();
    // The same requests, in whatever order the days in flight finish.
    let paths = |requests: &[fake_admin_api::RecordedRequest]| {
        let mut paths = requests.iter().map(|r| (r.path.clone(), r.query.clone())).collect::<Vec<_>>();
        paths.sort();
        paths
    };
    assert_eq!(paths(&plain_requests), paths(&rolled_requests), "a roll-up fetches exactly what the report fetches");
    assert!(rolled_requests.len() > 16, "days of several pages were walked: {}", rolled_requests.len());

    // The independent computation: weeks → actor → sums.
    let mut weeks: BTreeMap<String, BTreeMap<String, Sums>> = BTreeMap::new();
    let mut total = Sums::default();
    for (date, actor, _, sums) in &records {
        weeks.entry(iso_week(*date)).or_default().entry(actor.clone()).or_default().add(*sums);
        total.add(*sums);
    }
    let mut expected_rows = Vec::new();
    for (week, actors) in &weeks {
        let mut groups: Vec<(&String, &Sums)> = actors.iter().collect();
        groups.sort_by(|a, b| b.1.cost_milli_cents.cmp(&a.1.cost_milli_cents).then(a.0.cmp(b.0)));
        for (actor, sums) in groups.iter().take(2) {
            expected_rows.push((week.clone(), Some(actor.to_string()), **sums, None));
        }
        if groups.len() > 2 {
            let mut rest = Sums::default();
            groups.iter().skip(2).for_each(|(_, s)| rest.add(**s));
            expected_rows.push((week.clone(), None, rest, Some(groups.len() - 2)));
        }
    }
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected_rows.len(), "{out}");
    for (row, (week, actor, sums, other)) in rows.iter().zip(&expected_rows) {
        assert_eq!(row["period"], json!(week), "{row}");
        assert_eq!(row["actor"], json!(actor), "{row}");
        assert_eq!(row["other_groups"], other.map_or(Value::Null, |n| json!(n)), "{row}");
        assert_eq!(row["sessions"], json!(sums.sessions), "{row}");
        assert_eq!(row["lines_added"], json!(sums.lines_added), "{row}");
        assert_eq!((row["accepted"].clone(), row["rejected"].clone()), (json!(sums.accepted), json!(sums.rejected)));
        assert_eq!(row["cost_usd"], json!(dollars(sums.cost_milli_cents)), "{row}");
    }
    assert_eq!(out["totals"]["sessions"], json!(total.sessions));
    assert_eq!(out["totals"]["cost_usd"], json!(dollars(total.cost_milli_cents)));
    assert_eq!(out["groups"], json!(weeks.values().map(BTreeMap::len).sum::<usize>()));
    assert_eq!(weeks.keys().next().unwrap(), "2026-W09", "1 March 2026 is a Sunday: the week of 23 February");
    assert_eq!(rows[0]["period"], "2026-W09");
}

#[tokio::test]
async fn grouping_by_model_spreads_records_into_their_models() {
    let (dataset, records) = claude_code_dataset();
    let h = Harness::start(dataset).await;
    let arguments =
        json!({"start_date": "2026-03-01", "end_date": "2026-03-16", "group_by": ["model"], "period": "month"});
    let out = h.ok("claude_code_get_code_analytics", arguments).await;
    let mut models: BTreeMap<&str, i128> = BTreeMap::new();
    for (_, _, model, sums) in &records {
        *models.entry(model.as_str()).or_default() += sums.cost_milli_cents;
    }
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{out}");
    for (row, (model, milli_cents)) in rows.iter().zip(&models) {
        assert_eq!((row["period"].as_str(), row["model"].as_str()), (Some("2026-03"), Some(*model)));
        assert_eq!(row["cost_usd"], json!(dollars(*milli_cents)));
        assert_eq!(row["tokens_input"], json!(100 * records.iter().filter(|r| r.2 == *model).count()));
    }
    let error = h
        .err(
            "claude_code_get_code_analytics",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-02", "group_by": ["model"], "sort": "sessions"}),
        )
        .await;
    assert!(error.contains("`sort`") && error.contains("tokens_input"), "{error}");
}

#[tokio::test]
async fn cost_per_month_by_workspace_totals_to_the_reports_exact_total() {
    let mut dataset = Dataset::empty();
    let mut by_month: BTreeMap<(String, Option<String>), i128> = BTreeMap::new();
    for (index, date) in ["2026-02-26", "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-31"].iter().enumerate() {
        for (w, workspace) in [Some("wrkspc_a"), None].into_iter().enumerate() {
            let milli = (index as i128 + 1) * 10_001 + w as i128 * 333;
            let mut row =
                CostRow::new(date, &format!("{}.{:03}", milli / 1000, milli % 1000), "tokens", "Sonnet usage");
            row.workspace_id = workspace.map(str::to_string);
            dataset.costs.push(row);
            *by_month.entry((date[..7].to_string(), workspace.map(str::to_string))).or_default() += milli;
        }
    }
    let h = Harness::start(dataset).await;
    let range = json!({"start_date": "2026-02-26", "end_date": "2026-03-31", "group_by": ["workspace_id"]});
    let plain = h.ok("claude_code_get_cost_breakdown", range.clone()).await;
    let mut arguments = range;
    arguments["period"] = json!("month");
    let out = h.ok("claude_code_get_cost_breakdown", arguments).await;
    let rows = out["rows"].as_array().unwrap();
    let got: Vec<(String, Option<String>, String)> = rows
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap().into(),
                r["workspace_id"].as_str().map(str::to_string),
                r["cost_usd"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut expected: Vec<(String, Option<String>, String)> =
        by_month.iter().map(|((month, w), milli)| (month.clone(), w.clone(), dollars(*milli))).collect();
    expected.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut got_sorted = got.clone();
    got_sorted.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(got_sorted, expected);
    assert_eq!(out["totals"]["cost_usd"], plain["total_usd"], "the roll-up's total is the report's exact total");
    let whole = json!({"start_date": "2026-02-26", "end_date": "2026-03-31", "period": "total"});
    let text = h.text("claude_code_get_cost_breakdown", whole).await;
    let expected_total = format!("${}", plain["total_usd"].as_str().unwrap());
    assert!(text.contains("2026-02-26 to 2026-03-31") && text.contains(&expected_total), "{text}");
}

#[tokio::test]
async fn seat_activity_joins_every_member_with_their_activity() {
    let (mut dataset, records) = claude_code_dataset();
    // Members: three of the four active emails (`di` left), and two who never used Claude Code.
    for (index, email) in
        ["ann@corp.io", "BO@corp.io", "cy@corp.io", "idle1@corp.io", "idle2@corp.io"].iter().enumerate()
    {
        dataset.users.push(fake_admin_api::User::new(
            &format!("user_{index}"),
            email,
            &format!("U{index}"),
            "developer",
        ));
    }
    let h = Harness::start(dataset).await;
    let range = json!({"start_date": "2026-03-01", "end_date": "2026-03-16"});
    let mut by_actor: BTreeMap<String, (Sums, std::collections::BTreeSet<NaiveDate>)> = BTreeMap::new();
    for (date, actor, _, sums) in &records {
        let entry = by_actor.entry(actor.clone()).or_default();
        entry.0.add(*sums);
        entry.1.insert(*date);
    }

    let mut arguments = range.clone();
    arguments["status"] = json!("inactive");
    let inactive = h.ok("claude_code_get_seat_activity", arguments).await;
    assert_eq!((inactive["seats"].as_u64(), inactive["active_seats"].as_u64()), (Some(5), Some(3)));
    let emails: Vec<&str> =
        inactive["users"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["idle1@corp.io", "idle2@corp.io"]);

    let mut arguments = range.clone();
    arguments["sort"] = json!("cost_usd");
    arguments["top"] = json!(2);
    let top = h.ok("claude_code_get_seat_activity", arguments).await;
    let mut people: Vec<(&String, &(Sums, std::collections::BTreeSet<NaiveDate>))> =
        by_actor.iter().filter(|(actor, _)| actor.contains('@')).collect();
    people.sort_by_key(|b| std::cmp::Reverse(b.1.0.cost_milli_cents));
    let rows = top["users"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for (row, (email, (sums, days))) in rows.iter().zip(&people) {
        assert_eq!(row["email"].as_str().unwrap(), email.as_str());
        assert_eq!(row["cost_usd"], json!(dollars(sums.cost_milli_cents)));
        assert_eq!(row["sessions"], json!(sums.sessions));
        assert_eq!(row["active_days"], json!(days.len()));
        assert_eq!(row["last_active"], json!(days.last().unwrap().to_string()));
    }
    assert_eq!(top["users_not_shown"], json!(4), "five members and one former member, two shown");
    let keys = top["api_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["api_key_name"], "ci-bot");
    assert_eq!(keys[0]["cost_usd"], json!(dollars(by_actor["ci-bot"].0.cost_milli_cents)));
    let all: i128 = records.iter().map(|r| r.3.cost_milli_cents).sum();
    assert_eq!(top["totals"]["cost_usd"], json!(dollars(all)));
    // `di` left the organization: her activity is listed, without a role.
    let everyone = h.ok("claude_code_get_seat_activity", range).await;
    let di =
        everyone["users"].as_array().unwrap().iter().find(|u| u["email"] == "di@corp.io").expect("a former member");
    assert_eq!(di["role"], Value::Null);
    assert!(
        h.text("claude_code_get_seat_activity", json!({"start_date": "2026-03-01", "end_date": "2026-03-16"}))
            .await
            .starts_with("Seat activity 2026-03-01/2026-03-16: 3 of 5 seats")
    );
}
