//! Benchmark (not a timed test): a large organization, run through the shipped binary
//! over stdio as a client would. The fake serves 1,000 seats and 366 days of reports
//! (a size option of the demo organization, days made as they are first read) with
//! 50 ms per request. For the normalized metrics, a grouped Claude Code report and the
//! seat view over the whole year, each in a fresh process: upstream requests, wall
//! time against the ideal critical path (`ceil(requests / concurrency) × latency`), and
//! the process's peak RSS (VmHWM). The fake writes each day's page once, in a warm-up,
//! and serves that copy after: the real API's CPU is not on this 2-core machine, so the
//! fake's must not compete with the connector's. Budgets: peak RSS at most 48 MiB
//! (records are folded in as each day arrives, never held together), wall within 1.3 ×
//! the ideal path.
//!
//! Run: `cargo bench --bench scale`. `BENCH_QUICK=1` (CI) fails on the memory budget
//! or a wall time past five times the ideal path (a gross regression); the full run
//! fails past either budget.

use std::process::Stdio;
use std::time::{Duration, Instant};

use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

const SEATS: usize = 1000;
const DAYS: u32 = 366;
const LATENCY: Duration = Duration::from_millis(50);
/// The connector's default number of days in flight.
const CONCURRENCY: usize = 8;
const RSS_BUDGET_MIB: f64 = 48.0;
const WALL_BUDGET: f64 = 1.3;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let failures = runtime.block_on(run());
    if failures > 0 {
        eprintln!("{failures} measurement(s) over budget");
        std::process::exit(1);
    }
}

async fn run() -> usize {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let first = yesterday - chrono::Days::new(u64::from(DAYS) - 1);
    let (dataset, days) = Dataset::demo_on_demand_sized(7, SEATS, DAYS, &yesterday.to_string());
    let fake = FakeAdminApi::start_on_demand(dataset, days).await;
    // The real API's CPU is not on this machine: pages are written once, in the warm-up.
    fake.memoize_report_pages();
    let range = json!({"start_date": first.to_string(), "end_date": yesterday.to_string()});
    let with = |extra: Value| {
        let mut arguments = range.clone();
        arguments.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        arguments
    };
    // Make every day once, before measuring, so the fake's own work is not timed.
    let warm = Measured::of(&fake, "claude_code_get_code_analytics", with(json!({"period": "total"}))).await;
    println!(
        "Scale: {SEATS} seats, {DAYS} days ({} Claude Code records), {} ms per request, {CONCURRENCY} days in flight",
        warm.records,
        LATENCY.as_millis()
    );
    println!();
    println!("| call | upstream requests | ideal critical path | wall | ratio | server CPU | peak RSS (VmHWM) |");
    println!("|---|---|---|---|---|---|---|");
    fake.set_latency(LATENCY);
    let mut failures = 0;
    for (label, tool, arguments) in [
        ("normalized metrics, a year", "claude_code_get_normalized_metrics", range.clone()),
        (
            "Claude Code by actor, top 20 by cost, a year",
            "claude_code_get_code_analytics",
            with(json!({"group_by": ["actor"], "sort": "cost_usd", "top": 20})),
        ),
        ("seat activity, a year", "claude_code_get_seat_activity", with(json!({"sort": "cost_usd", "top": 20}))),
    ] {
        let m = Measured::of(&fake, tool, arguments).await;
        let ideal = LATENCY * m.requests.div_ceil(CONCURRENCY) as u32;
        let ratio = m.wall.as_secs_f64() / ideal.as_secs_f64();
        let rss = m.peak_kib / 1024.0;
        // Quick (CI, a shared machine): only a gross regression of time fails, as in the server bench.
        let wall_limit = if quick { 5.0 } else { WALL_BUDGET };
        let over = rss > RSS_BUDGET_MIB || ratio > wall_limit;
        failures += usize::from(over);
        println!(
            "| {label} | {} | {} ms | {} ms | {ratio:.2}{} | {} ms | {rss:.1} MiB{} |",
            m.requests,
            ideal.as_millis(),
            m.wall.as_millis(),
            if ratio > WALL_BUDGET { " (over 1.3)" } else { "" },
            m.cpu.as_millis(),
            if rss > RSS_BUDGET_MIB { " **over**" } else { "" },
        );
    }
    failures
}

/// One call in a fresh server process.
struct Measured {
    requests: usize,
    wall: Duration,
    peak_kib: f64,
    records: u64,
    /// CPU time the server process used (user + system): its own work, whatever the machine's load.
    cpu: Duration,
}

/// User plus system CPU time of a process, from `/proc/PID/stat` (clock ticks of 10 ms).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks = |index: usize| fields.get(index).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

impl Measured {
    async fn of(fake: &FakeAdminApi, tool: &str, arguments: Value) -> Measured {
        let binary = std::env::var("BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_claude-code-connector").into());
        let mut child = Command::new(binary)
            .env_clear()
            .env("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY)
            .env("CLAUDE_CODE_CONNECTOR_BASE_URL", fake.base_url())
            .env("CLAUDE_CODE_CONNECTOR_CALL_TIMEOUT", "600")
            // The budget is the folding's; the cache of closed days adds its own (--cache-bytes).
            .env("CLAUDE_CODE_CONNECTOR_NO_CACHE", "true")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn the binary");
        let mut stdin = child.stdin.take().expect("stdin");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "scale", "version": "0"}}});
        stdin.write_all(format!("{init}\n").as_bytes()).await.expect("write");
        lines.next_line().await.expect("read").expect("initialize answered");
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": tool, "arguments": arguments}});
        fake.clear_requests();
        let start = Instant::now();
        stdin.write_all(format!("{initialized}\n{call}\n").as_bytes()).await.expect("write");
        let response: Value = loop {
            let line = lines.next_line().await.expect("read").expect("an answer");
            let value: Value = serde_json::from_str(&line).expect("JSON-RPC");
            if value["id"] == 2 {
                break value;
            }
        };
        let wall = start.elapsed();
        assert_eq!(response["result"]["isError"], false, "{tool}: {response}");
        let requests = fake.requests().len();
        let pid = child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status (Linux)");
        let peak_kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .expect("VmHWM");
        let records = fake.claude_code_records() as u64;
        let cpu = cpu_time(pid);
        drop(stdin);
        let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
        Measured { requests, wall, peak_kib, records, cpu }
    }
}
