//! A spec that is not the real one (`tests/fixtures/presentation.yaml`: a list type
//! `Seat` and a report type `SpendDay` with rows `SpendLine`) runs through the same
//! pipeline and renderers as the real spec, against the fake Admin API. Its summary
//! lines, tables and totals come from its `presentation:` alone: no Rust was written
//! for it.

use claude_code_connector::answer::render::{Options, render};
use claude_code_connector::pipeline::{Answer, CallRequest, Connector, ToolOutcome};
use claude_code_connector::runtime::Http;
use fake_admin_api::{CostRow, Dataset, FakeAdminApi, User};
use serde_json::{Value, json};

use crate::harness::fast_config;

#[allow(dead_code, clippy::enum_variant_names)]
pub(crate) mod fixture {
    include!(concat!(env!("OUT_DIR"), "/presentation_fixture.rs"));
}

fn dataset() -> Dataset {
    let mut d = Dataset::empty();
    for i in 1..=5 {
        let role = if i % 2 == 0 { "developer" } else { "user" };
        d.users.push(User::new(&format!("user_{i}"), &format!("p{i}@corp.io"), &format!("P {i}"), role));
    }
    for (date, amount, workspace, item) in [
        ("2026-03-01", "1050.25", Some("wrkspc_a"), "Claude Sonnet usage"),
        ("2026-03-01", "0.125", None, "Web search"),
        ("2026-03-02", "99.999", Some("wrkspc_a"), "Claude Sonnet usage"),
        ("2026-03-02", "200", Some("wrkspc_b"), "Claude Opus usage"),
    ] {
        let mut row = CostRow::new(date, amount, "tokens", item);
        row.workspace_id = workspace.map(str::to_string);
        d.costs.push(row);
    }
    d
}

async fn answer(connector: &Connector, tool: &str, arguments: Value) -> Answer {
    let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
    match connector.call(CallRequest::new(tool, arguments), std::future::pending()).await {
        ToolOutcome::Success(answer) => answer,
        ToolOutcome::Failure(failure) => panic!("{tool}: {failure:?}"),
    }
}

async fn connector() -> (FakeAdminApi, Connector) {
    let fake = FakeAdminApi::start(dataset()).await;
    let http = Http::new(fast_config(&fake.base_url())).unwrap();
    let connector = Connector::with_registry(&fixture::tools::REGISTRY, http).with_audit(None);
    (fake, connector)
}

#[tokio::test]
async fn a_new_list_type_reads_through_its_presentation() {
    let (_fake, connector) = connector().await;
    let page = answer(&connector, "fixture_list_seats", json!({"per_page": 3})).await;
    assert_eq!(page.summary, "3 seats, page 1 (3 per page); more on page 2");
    let text = render(page.tool.result_shape, &page.value, &Options::default()).text;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["Holder", "Seat", "role", "Joined"], "{text}");
    assert!(lines[2].starts_with("p1@corp.io") && lines[2].contains("user"), "{text}");
    assert_eq!(lines.len(), 5, "header, rule and one row per seat, no totals: {text}");
    let last = answer(&connector, "fixture_list_seats", json!({"per_page": 3, "page": 2})).await;
    assert_eq!(last.summary, "2 seats, page 2 (3 per page); no more pages");
}

#[tokio::test]
async fn a_new_report_type_spreads_its_rows_and_totals_them_exactly() {
    let (_fake, connector) = connector().await;
    let arguments =
        json!({"start_date": "2026-03-01", "end_date": "2026-03-02", "group_by": ["workspace_id", "description"]});
    let report = answer(&connector, "fixture_get_spend", arguments).await;
    // 1050.25 + 0.125 + 99.999 + 200 = 1350.374 cents, exactly; $13.50 rounded once.
    assert_eq!(report.value["total_cents"], "1350.374");
    assert_eq!(report.summary, "2 spend days; total $13.50 for the whole range");
    let text = render(report.tool.result_shape, &report.value, &Options::default()).text;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["Day", "Team", "Item", "Spend"], "{text}");
    let rows: Vec<&&str> = lines.iter().filter(|l| l.starts_with("2026-03-0")).collect();
    assert_eq!(rows.len(), 4, "one line per spend line: {text}");
    assert!(text.contains("<$0.01"), "an eighth of a cent is shown, not zero: {text}");
    let total: Vec<&str> = lines.last().unwrap().split_whitespace().collect();
    assert_eq!(total, ["Total", "2", "teams", "$13.50"], "{text}");
    // Without grouping the API leaves the dimensions null: their columns go away.
    let plain =
        answer(&connector, "fixture_get_spend", json!({"start_date": "2026-03-01", "end_date": "2026-03-02"})).await;
    let text = render(plain.tool.result_shape, &plain.value, &Options::default()).text;
    assert_eq!(text.lines().next().unwrap().split_whitespace().collect::<Vec<_>>(), ["Day", "Spend"], "{text}");
    assert!(text.lines().last().unwrap().ends_with("$13.50"), "{text}");
}
