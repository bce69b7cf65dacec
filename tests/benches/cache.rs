//! Benchmark (not a timed test): the cache of closed report days (docs/cache.md). The
//! ten questions of the `answers` benchmark, their dates moved into the last closed
//! quarter, asked one after the other in one session against the fake Admin API with
//! 50 ms per upstream request: without the cache (`--no-cache`), with a cold cache,
//! then with the same cache warm (a second pass in the same session). For each question
//! and mode: the upstream requests (closed report days in parentheses) and the wall time.
//! Budget: with a warm cache, no upstream request for a closed report day, and every
//! answer in under 100 ms.
//!
//! Run: `cargo bench --bench cache`. Exits 1 when a budget is missed. `BENCH_QUICK=1`
//! (CI, a shared machine) holds the request budget as it is and fails on time only at
//! five times the budget (a gross regression), as the other benchmarks do.

use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use claude_code_connector::pipeline::{CallRequest, Connector, ToolOutcome, UpstreamUsage};
use claude_code_connector::runtime::cache::CacheConfig;
use claude_code_connector::runtime::{Http, HttpConfig};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi, RecordedRequest};
use serde_json::{Value, json};

const LATENCY: Duration = Duration::from_millis(50);
/// The slowest a warm answer may be.
const WARM_BUDGET: Duration = Duration::from_millis(100);
/// In quick mode, time fails only this many times over its budget.
const GROSS: u32 = 5;

/// The last calendar quarter that ended more than the settling time ago: its first and last day.
fn closed_quarter() -> (NaiveDate, NaiveDate) {
    let settled = chrono::Utc::now().date_naive() - chrono::Days::new(3);
    let quarter_start = |date: NaiveDate| {
        NaiveDate::from_ymd_opt(date.year(), date.month0() / 3 * 3 + 1, 1).expect("a quarter's first day")
    };
    let mut start = quarter_start(settled);
    let mut end = start.checked_add_months(chrono::Months::new(3)).expect("date") - chrono::Days::new(1);
    if end > settled {
        end = start - chrono::Days::new(1);
        start = quarter_start(end);
    }
    (start, end)
}

/// The ten questions of the `answers` benchmark, over the quarter `start..=end`: "last
/// month" is its last month, "the last 30 days" its last 30, and so on.
fn questions(start: NaiveDate, end: NaiveDate) -> Vec<(&'static str, &'static str, Value)> {
    let range = |from: NaiveDate, extra: Value| {
        let mut arguments = json!({"start_date": from.to_string(), "end_date": end.to_string()});
        arguments.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        arguments
    };
    let last_month = end.with_day(1).expect("the first of the month");
    let days = |n: u64| end - chrono::Days::new(n - 1);
    vec![
        (
            "Top 10 Claude Code users by cost, last month",
            "claude_code_get_code_analytics",
            range(last_month, json!({"group_by": ["actor"], "sort": "cost_usd", "top": 10})),
        ),
        (
            "Seats with no Claude Code activity, last 30 days",
            "claude_code_get_seat_activity",
            range(days(30), json!({"status": "inactive"})),
        ),
        (
            "Claude Code cost and sessions per week, the quarter",
            "claude_code_get_code_analytics",
            range(start, json!({"period": "week"})),
        ),
        (
            "Lines added per terminal, last month",
            "claude_code_get_code_analytics",
            range(last_month, json!({"group_by": ["terminal"], "sort": "lines_added"})),
        ),
        (
            "API cost per workspace, last month",
            "claude_code_get_cost_breakdown",
            range(last_month, json!({"group_by": ["workspace_id"], "period": "total", "sort": "cost_usd"})),
        ),
        (
            "Tokens per model per month, the quarter",
            "claude_code_get_usage",
            range(start, json!({"group_by": ["model"], "period": "month"})),
        ),
        (
            "The 10 largest cost line items, last month",
            "claude_code_get_cost_breakdown",
            range(last_month, json!({"group_by": ["description"], "sort": "cost_usd", "top": 10})),
        ),
        ("Daily cost, last 14 days", "claude_code_get_cost_breakdown", range(days(14), json!({"period": "day"}))),
        (
            "The API keys that used the most tokens, last month",
            "claude_code_get_usage",
            range(last_month, json!({"group_by": ["api_key_id"], "sort": "input_tokens", "top": 10})),
        ),
        ("The cost of the last month", "claude_code_get_cost_breakdown", range(last_month, json!({"period": "total"}))),
    ]
}

/// One question in one mode.
struct Asked {
    upstream: UpstreamUsage,
    /// Of the requests the fake saw, those for closed report days.
    closed_days: usize,
    wall: Duration,
}

/// Whether the fake saw a request for report days long closed (48 hours after their
/// range ended): the reports the spec declares cacheable (`cache: {closed_after: ...}`).
fn is_closed_day(recorded: &RecordedRequest) -> bool {
    const REPORTS: [&str; 2] = ["/v1/organizations/usage_report/", "/v1/organizations/cost_report"];
    if recorded.method != "GET" || !REPORTS.iter().any(|p| recorded.path.starts_with(p)) {
        return false;
    }
    let value = |name: &str| recorded.query.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    // `ending_at` is exclusive; a lone `starting_at=YYYY-MM-DD` (Claude Code) is one day.
    let end = match (value("ending_at"), value("starting_at")) {
        (Some(ending), _) => chrono::DateTime::parse_from_rfc3339(ending).ok().map(|t| t.to_utc()),
        (None, Some(day)) => chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc()),
        _ => None,
    };
    end.is_some_and(|end| end + chrono::Duration::hours(48) <= chrono::Utc::now())
}

async fn ask(connector: &Connector, fake: &FakeAdminApi, tool: &str, arguments: &Value) -> Asked {
    fake.clear_requests();
    let request = CallRequest::new(tool, arguments.as_object().cloned().unwrap_or_default());
    let started = Instant::now();
    let outcome = connector.call(request, std::future::pending()).await;
    let wall = started.elapsed();
    let ToolOutcome::Success(answer) = outcome else { panic!("{tool} {arguments}: {outcome:?}") };
    let recorded = fake.requests();
    assert_eq!(recorded.len(), answer.upstream.requests as usize, "{tool}: the result counts what the fake saw");
    Asked { upstream: answer.upstream, closed_days: recorded.iter().filter(|r| is_closed_day(r)).count(), wall }
}

fn connector(fake: &FakeAdminApi, cache: CacheConfig) -> Connector {
    let mut config = HttpConfig::new(claude_code_connector::runtime::AdminKey::new(FAKE_ADMIN_KEY));
    config.base_url = fake.base_url();
    config.cache = cache;
    Connector::new(Http::new(config).expect("config")).with_audit(None)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let failures = runtime.block_on(run());
    if failures > 0 {
        eprintln!("{failures} warm answer(s) over budget");
        std::process::exit(1);
    }
}

async fn run() -> usize {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let (start, end) = closed_quarter();
    let days = u32::try_from((end - start).num_days() + 1).expect("days");
    let (dataset, demo_days) = Dataset::demo_on_demand(7, days, &end.to_string());
    let fake = FakeAdminApi::start_on_demand(dataset, demo_days).await;
    let questions = questions(start, end);
    // Make every day once, before measuring, so the fake's own work is not timed.
    let uncached = connector(&fake, CacheConfig::disabled());
    for (_, tool, arguments) in &questions {
        ask(&uncached, &fake, tool, arguments).await;
    }
    fake.set_latency(LATENCY);
    let cached = connector(&fake, CacheConfig::in_memory());
    // Each pass asks the ten in order; the second pass on `cached` finds it warm.
    let mut passes: [Vec<Asked>; 3] = Default::default();
    for (pass, connector) in passes.iter_mut().zip([&uncached, &cached, &cached]) {
        for (_, tool, arguments) in &questions {
            pass.push(ask(connector, &fake, tool, arguments).await);
        }
    }

    println!(
        "Cache: the ten questions over {start}..{end} (closed, {days} days, 60 seats), one session, {} ms per upstream request; requests (closed report days in parentheses), wall time",
        LATENCY.as_millis()
    );
    println!();
    println!(
        "| question | no cache: requests | no cache: wall | cold: requests | cold: wall | warm: requests | warm: wall |"
    );
    println!("|---|---|---|---|---|---|---|");
    let limit = if quick { WARM_BUDGET * GROSS } else { WARM_BUDGET };
    let mut failures = 0;
    let cell = |asked: &Asked| {
        (format!("{} ({})", asked.upstream.requests, asked.closed_days), format!("{} ms", asked.wall.as_millis()))
    };
    let mut totals = [(0, Duration::ZERO); 3];
    let [none, cold, warm] = &passes;
    for (i, (question, _, _)) in questions.iter().enumerate() {
        let (none, cold, warm) = (&none[i], &cold[i], &warm[i]);
        let over = warm.closed_days > 0 || warm.wall >= limit;
        failures += usize::from(over);
        let [(a, b), (c, d), (e, f)] = [cell(none), cell(cold), cell(warm)];
        let verdict = if over { " **over**" } else { "" };
        println!("| {question} | {a} | {b} | {c} | {d} | {e} | {f}{verdict} |");
        for (total, asked) in totals.iter_mut().zip([none, cold, warm]) {
            total.0 += asked.upstream.requests;
            total.1 += asked.wall;
        }
    }
    let [(a, b), (c, d), (e, f)] = totals.map(|(requests, wall)| (requests, wall.as_millis()));
    println!("| **all ten** | {a} | {b} ms | {c} | {d} ms | {e} | {f} ms |");
    println!();
    println!(
        "Budget (warm): no request for a closed report day, every answer under {} ms{}.",
        WARM_BUDGET.as_millis(),
        if quick { format!(" (BENCH_QUICK: time fails at {} ms)", limit.as_millis()) } else { String::new() }
    );
    failures
}
