//! Benchmark of the server as Claude Desktop runs it: the shipped release binary (what
//! `cargo build --release` makes; the benchmark builds it, or finds it up to date) over
//! stdio against the fake Admin API on 127.0.0.1. Prints one table: each measurement's
//! median and spread over repeated runs, against its budget.
//!
//! Run: `cargo bench --bench server` (the full run takes a few minutes: it ends with two
//! incremental release rebuilds, a one-line edit of the spec and its undoing;
//! `-- --no-rebuild` skips them). `BENCH_QUICK=1` or `-- --quick`: few iterations and no
//! rebuild, for CI. Either mode exits 1 only on a gross regression: even the best runs
//! (p10, or the minimum below 10 samples) at 5× a budget or more; a miss is judged by the
//! median. `BENCH_BIN=PATH` measures another build of the binary instead (no rebuild then).

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use claude_code_connector::runtime::HttpConfig;
use claude_code_connector::runtime::http::{ANTHROPIC_VERSION, USER_AGENT_VALUE};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::{Value, json};
use support::{
    BIN, Budget, GROSS, MIB, ROOT, Row, Server, Status, TIMEOUT, Table, Unit, cargo_build_release, mean, median,
};
use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;

/// Latency the fake adds to every request for the normalized-metrics run.
const METRICS_LATENCY: Duration = Duration::from_millis(50);
/// Sequential tool calls before the "after 1,000 calls" memory reading.
const CALLS: usize = 1000;
/// Tool calls in flight for the throughput run.
const IN_FLIGHT: usize = 16;

/// How much to measure.
struct Plan {
    quick: bool,
    starts: usize,
    list_repeats: usize,
    throughput_runs: usize,
    throughput_calls: usize,
    metrics_runs: usize,
    /// Edit-and-restore pairs of the spec, two measured rebuilds each.
    rebuilds: usize,
}

impl Plan {
    fn from_env() -> Plan {
        let args: Vec<String> = std::env::args().collect();
        let quick = args.iter().any(|a| a == "--quick") || std::env::var("BENCH_QUICK").is_ok_and(|v| v != "0");
        let no_rebuild = args.iter().any(|a| a == "--no-rebuild");
        if quick {
            Plan {
                quick,
                starts: 5,
                list_repeats: 20,
                throughput_runs: 1,
                throughput_calls: 2000,
                metrics_runs: 1,
                rebuilds: 0,
            }
        } else {
            Plan {
                quick,
                starts: 30,
                list_repeats: 200,
                throughput_runs: 5,
                throughput_calls: 5000,
                metrics_runs: 5,
                // The rebuild measures this checkout's binary, not a `BENCH_BIN`.
                rebuilds: if no_rebuild || std::env::var_os("BENCH_BIN").is_some() { 0 } else { 1 },
            }
        }
    }
}

fn main() -> ExitCode {
    let plan = Plan::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let mut table = runtime.block_on(measure(&plan));
    if plan.rebuilds > 0 {
        table.rows.push(rebuild(plan.rebuilds));
    }
    print!("{}", table.render("server", plan.quick));
    let gross: Vec<&str> =
        table.rows.iter().filter(|r| r.status() == Status::Gross).map(|r| r.metric.as_str()).collect();
    if gross.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("gross regression (even the best runs ≥ {GROSS}× the budget): {}", gross.join("; "));
        ExitCode::FAILURE
    }
}

async fn measure(plan: &Plan) -> Table {
    let fake = FakeAdminApi::start(Dataset::demo(42, 31, "2026-03-31")).await;
    let base_url = fake.base_url();
    let mut rows = Vec::new();

    // Start-up: spawn → initialize, the first tools/list, memory once initialized.
    let mut initialize = Vec::new();
    let mut first_list = Vec::new();
    let mut idle_hwm = Vec::new();
    let mut list_line = String::new();
    let mut idle_split = String::new();
    for _ in 0..plan.starts {
        let (mut server, init) = Server::start(&base_url).await;
        initialize.push(init.as_secs_f64() * 1e3);
        server.notify("notifications/initialized").await;
        let start = Instant::now();
        let (_, line) = server.request("tools/list", json!({})).await;
        first_list.push(start.elapsed().as_secs_f64() * 1e3);
        let memory = server.memory();
        idle_hwm.push(memory.hwm_mib());
        idle_split = memory.split();
        list_line = line;
        server.stop().await;
    }
    rows.push(Row::measured("spawn → `initialize` response", &initialize, Unit::Ms).budget(5.0, "≤ 5 ms"));
    if let Some(one) = one_certificate() {
        // Diagnostic: the same with a trust store of one certificate. The difference is
        // the HTTP client loading and parsing the system's root certificates at start.
        let mut starts = Vec::new();
        for _ in 0..plan.starts {
            let (server, init) = Server::start_with(&base_url, Some(&one), &[]).await;
            starts.push(init.as_secs_f64() * 1e3);
            server.stop().await;
        }
        rows.push(Row::measured("spawn → `initialize`, one-certificate trust store (diagnostic)", &starts, Unit::Ms));
    }
    rows.push(Row::measured("`tools/list`, first (after initialize)", &first_list, Unit::Ms));
    let mut idle = Row::measured("peak RSS after start (VmHWM, after initialize + tools/list)", &idle_hwm, Unit::Mib)
        .budget(10.0, "≤ 10 MiB");
    write!(idle.spread, "; last: {idle_split}").expect("format");
    rows.push(idle);

    // One long-lived server: warm tools/list, then 1,000 calls paired with direct requests.
    let (mut server, _) = Server::start(&base_url).await;
    server.notify("notifications/initialized").await;
    let mut warm_list = Vec::new();
    for _ in 0..plan.list_repeats {
        let start = Instant::now();
        server.request("tools/list", json!({})).await;
        warm_list.push(start.elapsed().as_secs_f64() * 1e3);
    }
    rows.push(Row::measured("`tools/list`, warm", &warm_list, Unit::Ms));

    let direct = Direct::new(&base_url);
    for _ in 0..50 {
        server.org_info().await;
        direct.org_info().await;
    }
    let mut through_mcp = Vec::new();
    let mut overhead = Vec::new();
    for _ in 0..CALLS {
        let start = Instant::now();
        server.org_info().await;
        let mcp = start.elapsed().as_secs_f64() * 1e6;
        let start = Instant::now();
        direct.org_info().await;
        let http = start.elapsed().as_secs_f64() * 1e6;
        through_mcp.push(mcp);
        overhead.push(mcp - http);
    }
    let memory = server.memory();
    rows.push(Row::measured("`get_org_info` through MCP (stdio), per call", &through_mcp, Unit::Us));
    rows.push(
        Row::measured("tool-call overhead (MCP call − direct HTTP GET, paired)", &overhead, Unit::Us)
            .budget(200.0, "≤ 200 µs"),
    );
    rows.push(
        Row::single("peak RSS after 1,000 tool calls (VmHWM; VmRSS now)", memory.hwm_mib(), memory.split(), Unit::Mib)
            .budget(20.0, "≤ 20 MiB"),
    );

    let mut rates = Vec::new();
    for _ in 0..plan.throughput_runs {
        rates.push(server.throughput(plan.throughput_calls).await);
    }
    rows.push(Row::measured(
        &format!("throughput, {IN_FLIGHT} calls in flight ({} calls a run)", plan.throughput_calls),
        &rates,
        Unit::PerSecond,
    ));
    server.stop().await;

    rows.push(normalized_metrics(plan.metrics_runs).await);
    rows.extend(tools_list_sizes(&list_line));
    rows.push(binary_size());
    Table { rows }
}

/// `claude_code_get_normalized_metrics` for 31 days over stdio, 50 ms per upstream
/// request, against the ideal critical path `ceil(requests / concurrency) × latency`
/// (as in `cargo bench --bench normalized_metrics`, which calls the library directly).
async fn normalized_metrics(runs: usize) -> Row {
    let fake = FakeAdminApi::start(Dataset::demo(42, 31, "2026-03-31")).await;
    fake.set_latency(METRICS_LATENCY);
    let concurrency = HttpConfig::new(claude_code_connector::runtime::AdminKey::new(FAKE_ADMIN_KEY)).concurrency;
    // The fan-out is measured: no run may answer from the cache of closed days.
    let (mut server, _) =
        Server::start_with(&fake.base_url(), None, &[("CLAUDE_CODE_CONNECTOR_NO_CACHE", "true")]).await;
    server.notify("notifications/initialized").await;
    let arguments = json!({"start_date": "2026-03-01", "end_date": "2026-03-31"});
    let mut walls = Vec::new();
    let mut requests = 0;
    for _ in 0..runs {
        fake.clear_requests();
        let start = Instant::now();
        let result = server.call("claude_code_get_normalized_metrics", arguments.clone()).await;
        walls.push(start.elapsed().as_secs_f64() * 1e3);
        assert_eq!(result["structuredContent"]["metadata"]["partial"], false, "no source may fail: {result}");
        requests = fake.requests().len();
    }
    server.stop().await;
    let ideal = METRICS_LATENCY.as_secs_f64() * 1e3 * requests.div_ceil(concurrency) as f64;
    let mut row = Row::measured(
        &format!(
            "normalized metrics, 31 days, {} ms/request: wall ({requests} requests, {concurrency} in flight)",
            METRICS_LATENCY.as_millis()
        ),
        &walls,
        Unit::Ms,
    );
    let ratio = median(&walls) / ideal;
    row.budget = Some(Budget {
        limit: 1.2,
        value: ratio,
        best: row.best / ideal,
        text: format!("ideal {ideal:.0} ms; ≤ 1.2× ideal (is {ratio:.2}×)"),
    });
    row
}

/// The `tools/list` result: total bytes on the wire, and per tool the part a model is
/// shown (name, description, inputSchema) and the whole tool object.
fn tools_list_sizes(line: &str) -> Vec<Row> {
    let response: Value = serde_json::from_str(line).expect("tools/list is JSON");
    let tools = response["result"]["tools"].as_array().expect("tools/list has tools");
    let shown: Vec<f64> = tools
        .iter()
        .map(|t| {
            let part = json!({"name": t["name"], "description": t["description"], "inputSchema": t["inputSchema"]});
            part.to_string().len() as f64
        })
        .collect();
    let whole: Vec<f64> = tools.iter().map(|t| t.to_string().len() as f64).collect();
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    vec![
        Row::single(
            &format!("`tools/list` response, total ({} tools)", tools.len()),
            line.len() as f64,
            String::new(),
            Unit::Bytes,
        ),
        Row::single(
            "per tool: name + description + inputSchema (average; max)",
            mean(&shown),
            format!("max {:.0} B", max(&shown)),
            Unit::Bytes,
        )
        .budget(800.0, "≤ 800 B average"),
        Row::single(
            "per tool: whole tool object with title, annotations, outputSchema (average; max)",
            mean(&whole),
            format!("max {:.0} B", max(&whole)),
            Unit::Bytes,
        ),
    ]
}

/// The release binary's size, stripped (`strip` on a copy when the profile did not strip it).
fn binary_size() -> Row {
    let on_disk = std::fs::metadata(&*BIN).expect("the binary").len() as f64;
    let copy = std::env::temp_dir().join(format!("claude-code-connector-bench-{}", std::process::id()));
    let stripped = std::process::Command::new("strip")
        .arg("-o")
        .arg(&copy)
        .arg(&*BIN)
        .status()
        .ok()
        .filter(|s| s.success())
        .and_then(|_| std::fs::metadata(&copy).ok())
        .map(|m| m.len() as f64);
    let _ = std::fs::remove_file(&copy);
    let (value, note) = match stripped {
        Some(size) => (size, format!("on disk {:.2} MiB", on_disk / MIB)),
        None => (on_disk, "on disk (`strip` not found)".to_string()),
    };
    Row::single("release binary size, stripped", value / MIB, note, Unit::Mib).budget(8.0, "≤ 8 MiB")
}

/// Wall time of `cargo build --release` after a one-line edit of the spec (build.rs
/// reruns codegen, then the crate and the binary are rebuilt): a comment line is
/// appended, then removed again, each a measured build. The spec is restored even if a
/// build fails.
fn rebuild(pairs: usize) -> Row {
    struct Restore(PathBuf, String);
    impl Drop for Restore {
        fn drop(&mut self) {
            std::fs::write(&self.0, &self.1).expect("restore the spec");
        }
    }
    let spec = Path::new(ROOT).join("spec/admin-api.yaml");
    let original = std::fs::read_to_string(&spec).expect("read the spec");
    let restore = Restore(spec.clone(), original.clone());
    cargo_build_release(); // Up to date first: only the edit is measured.
    let edited = format!("{original}# benchmark: a one-line edit\n");
    let mut walls = Vec::new();
    for _ in 0..pairs {
        for contents in [&edited, &original] {
            std::fs::write(&spec, contents).expect("edit the spec");
            let start = Instant::now();
            cargo_build_release();
            walls.push(start.elapsed().as_secs_f64());
        }
    }
    drop(restore);
    Row::measured("incremental `cargo build --release` after a one-line edit of `spec/admin-api.yaml`", &walls, Unit::S)
}

/// The throughput run, on the stdio client of [`support`].
impl Server {
    /// `claude_code_get_org_info` calls per second with [`IN_FLIGHT`] outstanding at all times.
    async fn throughput(&mut self, calls: usize) -> f64 {
        let first = self.next_id;
        self.next_id += calls as u64;
        let slots = Semaphore::new(IN_FLIGHT);
        let failed = AtomicBool::new(false);
        let (stdin, lines) = (&mut self.stdin, &mut self.lines);
        let start = Instant::now();
        let write = async {
            let mut line = String::new();
            for id in first..first + calls as u64 {
                slots.acquire().await.expect("semaphore").forget();
                line.clear();
                writeln!(
                    line,
                    r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"claude_code_get_org_info","arguments":{{}}}}}}"#
                )
                .expect("format");
                stdin.write_all(line.as_bytes()).await.expect("write to the server");
            }
        };
        let read = async {
            let mut done = 0;
            while done < calls {
                let line = tokio::time::timeout(TIMEOUT, lines.next_line())
                    .await
                    .expect("a response in time")
                    .expect("read stdout")
                    .expect("the server closed stdout");
                let value: Value = serde_json::from_str(&line).expect("JSON-RPC");
                if value.get("id").is_some() {
                    if value["result"]["isError"] != false {
                        failed.store(true, Ordering::Relaxed);
                    }
                    done += 1;
                    slots.add_permits(1);
                }
            }
        };
        tokio::join!(write, read);
        let rate = calls as f64 / start.elapsed().as_secs_f64();
        assert!(!failed.load(Ordering::Relaxed), "every call in the throughput run succeeds");
        rate
    }
}

/// The same request the tool sends, straight to the fake with reqwest.
struct Direct {
    client: reqwest::Client,
    url: String,
}

impl Direct {
    fn new(base_url: &str) -> Direct {
        use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, USER_AGENT};
        let mut headers = HeaderMap::new();
        headers.insert("anthropic-version", HeaderValue::from_static(ANTHROPIC_VERSION));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert("x-api-key", HeaderValue::from_static(FAKE_ADMIN_KEY));
        claude_code_connector::runtime::http::install_crypto_provider();
        let client = reqwest::Client::builder().default_headers(headers).build().expect("reqwest client");
        Direct { client, url: format!("{base_url}/v1/organizations/me") }
    }

    async fn org_info(&self) {
        let response = self.client.get(&self.url).send().await.expect("GET /v1/organizations/me");
        assert!(response.status().is_success(), "{}", response.status());
        let body: Value = serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON body");
        assert!(body["id"].is_string());
    }
}

/// One root certificate of the system's (a PEM file in /etc/ssl/certs), if there is one.
fn one_certificate() -> Option<PathBuf> {
    let mut pems: Vec<PathBuf> = std::fs::read_dir("/etc/ssl/certs")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "pem") && path.is_file())
        .collect();
    pems.sort();
    pems.into_iter().next()
}
