//! Benchmark of `serve --http` (docs/serving.md): the shipped release binary serving
//! MCP Streamable HTTP against the fake Admin API on 127.0.0.1. Prints one table:
//!
//! - per-call latency, `claude_code_get_org_info` called one at a time over HTTP and over
//!   stdio (each HTTP call paired with a stdio call), p50 and p99, and the overhead of
//!   HTTP as their difference;
//! - the same HTTP quantiles read back from the server's `/metrics` histogram (the
//!   bucket they fall in, and Prometheus' `histogram_quantile` estimate within it),
//!   against the client's: they agree when the client's quantile lies in that bucket or
//!   the next one up. Each call takes the client at least as long as the server's
//!   histogram says, since the client also times the HTTP exchange, so the client's
//!   quantile cannot be below the bucket, and one bucket of resolution is the room left
//!   for the exchange;
//! - calls per second with many clients, one replica and three behind HAProxy
//!   (`docs/haproxy.cfg`, ports moved; the row says so when `haproxy` is not installed);
//! - peak RSS per replica under that load, within 32 MiB.
//!
//! Run: `cargo bench --bench http`; `BENCH_QUICK=1` (or `-- --quick`): fewer calls, for
//! CI. Its budgets are hard: the run exits 1 when the client and `/metrics` disagree or a
//! replica exceeds 32 MiB. `BENCH_BIN=PATH` measures another build of the binary.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use claude_code_connector::transport::tenants::{hex, token_sha256};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::{Value, json};
use support::{BIN, Budget, Memory, ROOT, Row, Server, Status, TIMEOUT, Table, Unit, pct};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const TOKEN: &str = "ccc_bench-token-for-the-http-benchmark";
const METRICS_TOKEN: &str = "ccc_bench-metrics-token";
/// Clients calling at once in the throughput runs, each with its own connection.
const CLIENTS: usize = 32;
/// The most a replica may hold in memory under load.
const RSS_BUDGET_MIB: f64 = 32.0;

struct Plan {
    quick: bool,
    /// Paired sequential calls (HTTP and stdio) for the latency quantiles.
    pairs: usize,
    throughput_runs: usize,
    throughput_calls: usize,
}

impl Plan {
    fn from_env() -> Plan {
        let quick = std::env::args().any(|a| a == "--quick") || std::env::var("BENCH_QUICK").is_ok_and(|v| v != "0");
        if quick {
            Plan { quick, pairs: 500, throughput_runs: 1, throughput_calls: 2000 }
        } else {
            Plan { quick, pairs: 3000, throughput_runs: 3, throughput_calls: 6000 }
        }
    }
}

fn main() -> ExitCode {
    let plan = Plan::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let table = runtime.block_on(measure(&plan));
    print!("{}", table.render("HTTP (serve --http)", plan.quick));
    // A p99 of the quick run's 500 calls is its 5th slowest: one scheduling hiccup of the
    // shared machine moves it a bucket. The quick run reports the p99 agreement; the full
    // run (3,000 calls) holds it as hard as the p50's.
    let tail_is_soft = |metric: &str| plan.quick && metric.starts_with("HTTP p99 from `/metrics`");
    if plan.quick {
        println!("Budgets here are hard: a miss exits 1 (in quick mode, all but the p99 agreement).");
    } else {
        println!("Budgets here are hard: a miss exits 1.");
    }
    let missed: Vec<&str> = table
        .rows
        .iter()
        .filter(|r| matches!(r.status(), Status::Miss | Status::Gross) && !tail_is_soft(&r.metric))
        .map(|r| r.metric.as_str())
        .collect();
    if missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("over budget: {}", missed.join("; "));
        ExitCode::FAILURE
    }
}

async fn measure(plan: &Plan) -> Table {
    let fake = FakeAdminApi::start(Dataset::demo(42, 31, "2026-03-31")).await;
    let base_url = fake.base_url();
    let dir = std::env::temp_dir().join(format!("ccc-http-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let tenants = dir.join("tenants.yaml");
    std::fs::write(
        &tenants,
        format!(
            "tenants:\n  - id: bench\n    token_sha256: [{}]\n    admin_key_env: BENCH_ADMIN_KEY\n    read_only: true\n    max_concurrent_calls: 256\n",
            std::iter::once(TOKEN.to_string())
                .chain((0..CLIENTS).map(client_token))
                .map(|token| hex(&token_sha256(&token)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .expect("tenants file");

    let mut rows = latency(plan, &base_url, &tenants).await;

    // Throughput: one replica, then three behind HAProxy; memory of each under that load.
    let mut replicas = vec![Replica::start(&base_url, &tenants).await];
    let one: Vec<f64> = throughput_runs(plan, &format!("{}/mcp", replicas[0].url)).await;
    rows.push(Row::measured(
        &format!("calls per second, one replica ({CLIENTS} clients, {} calls a run)", plan.throughput_calls),
        &one,
        Unit::PerSecond,
    ));
    match haproxy_version() {
        Some(version) => {
            for _ in 0..2 {
                replicas.push(Replica::start(&base_url, &tenants).await);
            }
            let front = HaProxy::start(&dir, &replicas).await;
            let three = throughput_runs(plan, &format!("{}/mcp", front.url)).await;
            rows.push(Row::measured(
                &format!("calls per second, three replicas behind HAProxy {version} (same load)"),
                &three,
                Unit::PerSecond,
            ));
            front.stop().await;
        }
        None => rows.push(Row::single(
            "calls per second, three replicas behind HAProxy",
            f64::NAN,
            "skipped: `haproxy` is not installed (apt-get install haproxy)".into(),
            Unit::PerSecond,
        )),
    }
    let memories: Vec<Memory> = replicas.iter().map(Replica::memory).collect();
    let peak = memories.iter().map(Memory::hwm_mib).fold(0.0, f64::max);
    let each: Vec<String> = memories.iter().map(|m| format!("{:.1}", m.hwm_mib())).collect();
    rows.push(
        Row::single(
            &format!("peak RSS per replica under that load (VmHWM, the largest of {})", replicas.len()),
            peak,
            format!("each: {} MiB; last: {}", each.join(", "), memories[0].split()),
            Unit::Mib,
        )
        .budget(RSS_BUDGET_MIB, "≤ 32 MiB"),
    );
    for replica in replicas {
        replica.stop().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Table { rows }
}

/// Sequential calls over HTTP and stdio, paired; the HTTP quantiles also from `/metrics`.
async fn latency(plan: &Plan, base_url: &str, tenants: &Path) -> Vec<Row> {
    let replica = Replica::start(base_url, tenants).await;
    let client = client();
    let url = format!("{}/mcp", replica.url);
    let (mut stdio, _) = Server::start(base_url).await;
    stdio.notify("notifications/initialized").await;
    for id in 0..50 {
        stdio.org_info().await;
        call(&client, &url, id).await;
    }
    let before = histogram(&client, &replica.url).await;
    let (mut over_stdio, mut over_http) = (Vec::new(), Vec::new());
    for id in 0..plan.pairs {
        let start = Instant::now();
        stdio.org_info().await;
        over_stdio.push(start.elapsed().as_secs_f64() * 1e6);
        let start = Instant::now();
        call(&client, &url, id).await;
        over_http.push(start.elapsed().as_secs_f64() * 1e6);
    }
    let after = histogram(&client, &replica.url).await;
    stdio.stop().await;
    replica.stop().await;

    let measured: Vec<(u64, f64)> =
        after.iter().map(|(bound, count)| (*bound, count - before.get(bound).copied().unwrap_or(0.0))).collect();
    assert_eq!(measured.last().map(|(_, count)| *count), Some(plan.pairs as f64), "/metrics counted every call");
    over_stdio.sort_by(f64::total_cmp);
    over_http.sort_by(f64::total_cmp);
    let quantile = |sorted: &[f64], q: f64| pct(sorted, q);
    let mut rows = Vec::new();
    for (name, sorted) in [("stdio", &over_stdio), ("HTTP", &over_http)] {
        rows.push(Row::single(
            &format!("`get_org_info` per call over {name}, p50 (client)"),
            quantile(sorted, 0.5),
            format!("p99 {} (n={})", Unit::Us.show(quantile(sorted, 0.99)), sorted.len()),
            Unit::Us,
        ));
    }
    for q in [0.5, 0.99] {
        rows.push(Row::single(
            &format!("HTTP overhead over stdio, p{:.0} (HTTP p{0:.0} − stdio p{0:.0})", q * 100.0),
            quantile(&over_http, q) - quantile(&over_stdio, q),
            String::new(),
            Unit::Us,
        ));
    }
    for q in [0.5, 0.99] {
        let client_us = quantile(&over_http, q);
        let bucket = histogram_quantile(&measured, q);
        // Every call takes the client at least as long as the server's histogram says
        // (the client also times the HTTP exchange): its quantile lies in the bucket
        // the histogram puts the quantile in, or in the next one up.
        let agrees = client_us > bucket.low && client_us <= bucket.next_high;
        let mut row = Row::single(
            &format!("HTTP p{:.0} from `/metrics` (histogram_quantile) against the client's", q * 100.0),
            bucket.estimate,
            format!(
                "in the bucket ({}, {}]; the client's p{:.0} {}",
                Unit::Us.show(bucket.low),
                Unit::Us.show(bucket.high),
                q * 100.0,
                Unit::Us.show(client_us),
            ),
            Unit::Us,
        );
        let value = if agrees { 0.0 } else { 1.0 };
        row.budget = Some(Budget {
            limit: 0.5,
            value,
            best: value,
            text: format!(
                "agree: the client's in that bucket or the next, ({}, {}]",
                Unit::Us.show(bucket.low),
                Unit::Us.show(bucket.next_high)
            ),
        });
        rows.push(row);
    }
    rows
}

/// Where a histogram puts a quantile, in µs.
struct Bucket {
    /// Prometheus' `histogram_quantile`: linear within the bucket.
    estimate: f64,
    low: f64,
    high: f64,
    /// The upper bound of the bucket after it.
    next_high: f64,
}

/// The `q` quantile of a cumulative histogram (upper bound in µs, `u64::MAX` for
/// `+Inf` → calls at or below it), as Prometheus' `histogram_quantile` computes it.
fn histogram_quantile(cumulative: &[(u64, f64)], q: f64) -> Bucket {
    let bounds: Vec<f64> =
        cumulative.iter().map(|(bound, _)| if *bound == u64::MAX { f64::INFINITY } else { *bound as f64 }).collect();
    let total = cumulative.last().map_or(0.0, |(_, count)| *count);
    let rank = q * total;
    let at = cumulative.iter().position(|(_, count)| *count >= rank).unwrap_or(cumulative.len() - 1);
    let (low, below) = if at == 0 { (0.0, 0.0) } else { (bounds[at - 1], cumulative[at - 1].1) };
    let high = bounds[at];
    let inside = cumulative[at].1 - below;
    let estimate = if high.is_infinite() {
        low
    } else if inside > 0.0 {
        low + (high - low) * (rank - below) / inside
    } else {
        high
    };
    Bucket { estimate, low, high, next_high: bounds.get(at + 1).copied().unwrap_or(f64::INFINITY) }
}

/// The call-latency histogram on `/metrics`: bucket upper bound (µs; `+Inf` as
/// `u64::MAX`) → calls at or below it, summed over tenants.
async fn histogram(client: &reqwest::Client, url: &str) -> BTreeMap<u64, f64> {
    let text = client
        .get(format!("{url}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("the metrics text");
    let mut buckets = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("ccc_tool_call_duration_seconds_bucket{")) {
        let (labels, count) = line.rsplit_once(' ').expect("a sample line");
        let le = labels.split("le=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("an le label");
        let bound = if le == "+Inf" { u64::MAX } else { (le.parse::<f64>().expect("a bound") * 1e6).round() as u64 };
        *buckets.entry(bound).or_insert(0.0) += count.parse::<f64>().expect("a count");
    }
    assert!(!buckets.is_empty(), "/metrics has the latency histogram: {text}");
    buckets
}

/// The token of the throughput run's client `n`: HAProxy sends each token to one
/// replica (a consistent hash of Authorization), so the clients' tokens spread the
/// load over the three as a team's members do.
fn client_token(n: usize) -> String {
    format!("{TOKEN}-{n}")
}

/// An HTTP client as an MCP client configures one: its bearer token on every request.
fn client() -> reqwest::Client {
    client_with(TOKEN)
}

fn client_with(token: &str) -> reqwest::Client {
    use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
    claude_code_connector::runtime::http::install_crypto_provider();
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).expect("header"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json, text/event-stream"));
    reqwest::Client::builder().default_headers(headers).build().expect("reqwest client")
}

/// One `claude_code_get_org_info` call over HTTP, checked.
async fn call(client: &reqwest::Client, url: &str, id: usize) {
    let body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": "claude_code_get_org_info", "arguments": {}}});
    let response = client.post(url).body(body.to_string()).send().await.expect("POST /mcp");
    let status = response.status();
    let answer: Value = serde_json::from_slice(&response.bytes().await.expect("body")).expect("a JSON answer");
    assert!(status.is_success() && answer["result"]["isError"] == false, "HTTP {status}: {answer}");
}

async fn throughput_runs(plan: &Plan, url: &str) -> Vec<f64> {
    let mut rates = Vec::new();
    for _ in 0..plan.throughput_runs {
        rates.push(throughput(url, plan.throughput_calls).await);
    }
    rates
}

/// Calls per second from [`CLIENTS`] clients calling one after another, `calls` in all.
async fn throughput(url: &str, calls: usize) -> f64 {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let (next, url) = (Arc::clone(&next), url.to_string());
            tokio::spawn(async move {
                let client = client_with(&client_token(n));
                loop {
                    let id = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if id >= calls {
                        break;
                    }
                    call(&client, &url, id).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a client");
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

/// A `serve --http` replica of the release binary on a free loopback port.
struct Replica {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    url: String,
}

impl Replica {
    async fn start(base_url: &str, tenants: &Path) -> Replica {
        let metrics_hash = hex(&token_sha256(METRICS_TOKEN));
        let mut command = Command::new(&*BIN);
        for (name, _) in std::env::vars() {
            if name.starts_with("CLAUDE_CODE_CONNECTOR_") || name.starts_with("ANTHROPIC_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        command
            .args(["serve", "--http", "127.0.0.1:0", "--metrics-token-sha256", &metrics_hash, "--tenants"])
            .arg(tenants)
            .env("BENCH_ADMIN_KEY", FAKE_ADMIN_KEY)
            .env("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("spawn the binary");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let url = loop {
            let line = tokio::time::timeout(TIMEOUT, lines.next_line())
                .await
                .expect("the replica starts")
                .expect("read stderr")
                .expect("the replica exited before serving");
            if let Some((_, rest)) = line.split_once("serving MCP at ") {
                break rest.split_whitespace().next().expect("the URL").trim_end_matches("/mcp").to_string();
            }
        };
        // Read on, so that its log never fills the pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Replica { child, url }
    }

    fn port(&self) -> &str {
        self.url.rsplit(':').next().expect("a port")
    }

    fn memory(&self) -> Memory {
        Memory::of(self.child.id().expect("the replica is running"))
    }

    /// SIGTERM, as an operator stops it; it must exit 0.
    async fn stop(mut self) {
        terminate(&self.child);
        let status = tokio::time::timeout(TIMEOUT, self.child.wait()).await.expect("exits on SIGTERM").expect("wait");
        assert!(status.success(), "a replica exits 0 on SIGTERM: {status}");
    }
}

fn terminate(child: &Child) {
    let pid = child.id().expect("running").to_string();
    let status = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(status.success());
}

/// `haproxy -v`'s version, if HAProxy is installed.
fn haproxy_version() -> Option<String> {
    let output = std::process::Command::new("haproxy").arg("-v").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace().nth(2).map(|version| version.split(['-', '+']).next().unwrap_or(version).to_string())
}

/// HAProxy with `docs/haproxy.cfg`, its front and three replicas on free ports.
struct HaProxy {
    child: Child,
    url: String,
}

impl HaProxy {
    async fn start(dir: &Path, replicas: &[Replica]) -> HaProxy {
        let front = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
        let mut config = std::fs::read_to_string(Path::new(ROOT).join("docs/haproxy.cfg")).expect("docs/haproxy.cfg");
        config = config.replace("127.0.0.1:8080", &format!("127.0.0.1:{front}"));
        for (n, replica) in replicas.iter().enumerate() {
            config = config.replace(&format!("127.0.0.1:808{}", n + 1), &format!("127.0.0.1:{}", replica.port()));
        }
        let path: PathBuf = dir.join("haproxy.cfg");
        std::fs::write(&path, config).expect("the HAProxy configuration");
        let child = Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn haproxy");
        let url = format!("http://127.0.0.1:{front}");
        let probe = reqwest::Client::new();
        for _ in 0..500 {
            if probe.get(format!("{url}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
                return HaProxy { child, url };
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("HAProxy did not come up on {url}");
    }

    async fn stop(mut self) {
        terminate(&self.child);
        let _ = tokio::time::timeout(TIMEOUT, self.child.wait()).await;
    }
}
