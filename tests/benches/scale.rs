//! Benchmark (not a timed test): large organizations, run through the shipped binary
//! over stdio as a client would, at default settings (the cache on) with a cache
//! directory (docs/cache.md). The fake serves 1,000 and 10,000 seats and 366 days of
//! reports (a size option of the demo organization, days made as they are first read)
//! with 50 ms per request. For the normalized metrics, a grouped Claude Code report and
//! the seat view over the whole year, each asked cold in a fresh process with an empty
//! cache directory, then again in a new process with the same directory: upstream
//! requests (and those for closed report days), wall time against the ideal critical
//! path (`ceil(requests / concurrency) × latency`), and each process's peak RSS (VmHWM).
//! The fake writes each day's page once, in a warm-up, and serves that copy after: the
//! real API's CPU is not on this 2-core machine, so the fake's must not compete with the
//! connector's. Budgets: peak RSS at most 48 MiB at 1,000 seats and 64 MiB at 10,000
//! (records are decoded straight into the aggregates, the cache's memory included), a
//! cold wall within 1.3 × the ideal path, and a second ask with no request for a closed
//! report day, under 2 s.
//!
//! Run: `cargo bench --bench scale`. `BENCH_QUICK=1` (CI) runs 1,000 seats only and
//! fails on the memory budget, a closed day fetched twice, or a wall time past five
//! times the ideal path (a gross regression); the full run fails past any budget.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi, RecordedRequest};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

const DAYS: u32 = 366;
const LATENCY: Duration = Duration::from_millis(50);
/// The connector's default number of days in flight.
const CONCURRENCY: usize = 8;
const WALL_BUDGET: f64 = 1.3;
const SECOND_ASK_BUDGET: Duration = Duration::from_secs(2);

/// Seats and the peak-RSS budget at that size.
const SIZES: [(usize, f64); 2] = [(1000, 48.0), (10_000, 64.0)];

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
    let sizes: Vec<(usize, f64)> = match std::env::var("BENCH_SEATS") {
        Ok(seats) => SIZES.iter().copied().filter(|(n, _)| n.to_string() == seats).collect(),
        Err(_) if quick => SIZES[..1].to_vec(),
        Err(_) => SIZES.to_vec(),
    };
    let mut failures = 0;
    for (seats, rss_budget) in sizes {
        failures += one_size(seats, rss_budget, quick).await;
        println!();
    }
    failures
}

/// A cache directory of the benchmark's own, empty.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccc-scale-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |list| list.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
}

/// A Claude Code report request for a day that closed more than 48 hours ago.
fn is_closed_report_day(request: &RecordedRequest) -> bool {
    let Some(day) = request.query_value("starting_at") else { return false };
    let closed = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .is_ok_and(|day| day + chrono::Days::new(3) <= chrono::Utc::now().date_naive());
    request.path.ends_with("/usage_report/claude_code") && closed
}

async fn one_size(seats: usize, rss_budget: f64, quick: bool) -> usize {
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let first = yesterday - chrono::Days::new(u64::from(DAYS) - 1);
    let (dataset, days) = Dataset::demo_on_demand_sized(7, seats, DAYS, &yesterday.to_string());
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
    let warm = Measured::of(&fake, None, "claude_code_get_code_analytics", with(json!({"period": "total"}))).await;
    println!(
        "Scale: {seats} seats, {DAYS} days ({} Claude Code records), {} ms per request, {CONCURRENCY} days in flight, cache on",
        warm.records,
        LATENCY.as_millis()
    );
    println!();
    println!(
        "| call | ask | upstream requests (closed report days) | ideal critical path | wall | ratio | server CPU | peak RSS (VmHWM) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    fake.set_latency(LATENCY);
    let mut failures = 0;
    for (label, tool, arguments) in [
        ("normalized metrics, a year", "claude_code_get_normalized_metrics", range.clone()),
        (
            "Claude Code by actor and month, top 20 by cost, a year",
            "claude_code_get_code_analytics",
            with(json!({"group_by": ["actor"], "period": "month", "sort": "cost_usd", "top": 20})),
        ),
        ("seat activity, a year", "claude_code_get_seat_activity", with(json!({"sort": "cost_usd", "top": 20}))),
    ] {
        let dir = fresh_dir(&format!("{seats}-{tool}"));
        let cold = Measured::of(&fake, Some(&dir), tool, arguments.clone()).await;
        let again = Measured::of(&fake, Some(&dir), tool, arguments).await;
        let ideal = LATENCY * cold.requests.div_ceil(CONCURRENCY) as u32;
        let ratio = cold.wall.as_secs_f64() / ideal.as_secs_f64();
        // Quick (CI, a shared machine): only a gross regression of time fails, as in the server bench.
        let wall_limit = if quick { 5.0 } else { WALL_BUDGET };
        let second_slow = !quick && again.wall > SECOND_ASK_BUDGET;
        let over_rss = |m: &Measured| m.peak_kib / 1024.0 > rss_budget;
        let over = [
            over_rss(&cold),
            over_rss(&again),
            ratio > wall_limit,
            again.closed_days > 0,
            second_slow,
            cold.answer != again.answer,
        ];
        failures += over.iter().filter(|o| **o).count();
        let rss = |m: &Measured| {
            let mib = m.peak_kib / 1024.0;
            format!("{mib:.1} MiB{}", if mib > rss_budget { " **over**" } else { "" })
        };
        println!(
            "| {label} | cold | {} ({}) | {} ms | {} ms | {ratio:.2}{} | {} ms | {} |",
            cold.requests,
            cold.closed_days,
            ideal.as_millis(),
            cold.wall.as_millis(),
            if ratio > WALL_BUDGET { " (over 1.3)" } else { "" },
            cold.cpu.as_millis(),
            rss(&cold),
        );
        println!(
            "| | second, new process | {} ({}{}) | | {} ms{} | | {} ms | {} |",
            again.requests,
            again.closed_days,
            if again.closed_days > 0 { " **over**" } else { "" },
            again.wall.as_millis(),
            if again.wall > SECOND_ASK_BUDGET { " (over 2 s)" } else { "" },
            again.cpu.as_millis(),
            rss(&again),
        );
        if cold.answer != again.answer {
            println!("| | the second answer differs from the first **over** | | | | | | |");
        }
        println!("| | cache directory | {:.1} MB | | | | | |", dir_bytes(&dir) as f64 / 1e6);
        let _ = std::fs::remove_dir_all(&dir);
    }
    failures
}

/// One call in a fresh server process.
struct Measured {
    requests: usize,
    /// Of those, Claude Code report requests for closed days.
    closed_days: usize,
    wall: Duration,
    peak_kib: f64,
    records: u64,
    /// CPU time the server process used (user + system): its own work, whatever the machine's load.
    cpu: Duration,
    /// The result without what it cost upstream.
    answer: Value,
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
    /// With `cache_dir`, the cache keeps its entries there too; without, it is off.
    async fn of(fake: &FakeAdminApi, cache_dir: Option<&Path>, tool: &str, arguments: Value) -> Measured {
        let binary = std::env::var("BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_claude-code-connector").into());
        let mut command = Command::new(binary);
        command
            .env_clear()
            .env("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY)
            .env("CLAUDE_CODE_CONNECTOR_BASE_URL", fake.base_url())
            .env("CLAUDE_CODE_CONNECTOR_CALL_TIMEOUT", "600");
        match cache_dir {
            Some(dir) => command.env("CLAUDE_CODE_CONNECTOR_CACHE_DIR", dir),
            None => command.env("CLAUDE_CODE_CONNECTOR_NO_CACHE", "true"),
        };
        let mut child = command
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
        let recorded = fake.requests();
        let requests = recorded.len();
        let closed_days = recorded.iter().filter(|r| is_closed_report_day(r)).count();
        let mut answer = response["result"]["structuredContent"].clone();
        answer.as_object_mut().map(|a| a.remove("upstream"));
        if let Some(Value::Object(sources)) = answer.pointer_mut("/metadata/sources") {
            for source in sources.values_mut() {
                source.as_object_mut().map(|s| s.remove("requests"));
            }
        }
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
        Measured { requests, closed_days, wall, peak_kib, records, cpu, answer }
    }
}
