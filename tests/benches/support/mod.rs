//! What the benchmarks of the shipped binary share: the binary (built, or found up to
//! date, by `cargo build --release`), an MCP client driving it over stdio, its memory
//! from `/proc`, and the table of measurements against budgets that each prints.

// Each benchmark uses its own part of this module.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Stdio;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use fake_admin_api::FAKE_ADMIN_KEY;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// The binary under test: the one users get from `cargo build --release` (built, or
/// found up to date, when the benchmark starts), or `BENCH_BIN` (to compare builds).
/// Not the binary `cargo bench` itself links for benches: that one is built with the
/// dev-dependencies' features (tokio "full", rmcp "client", ...) and is larger.
pub static BIN: LazyLock<String> = LazyLock::new(|| match std::env::var("BENCH_BIN") {
    Ok(path) => path,
    Err(_) => {
        cargo_build_release();
        // Cargo keeps both builds under `deps/` and copies the last one built here.
        env!("CARGO_BIN_EXE_claude-code-connector").to_string()
    }
});
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// A median this many times its budget (or more) fails the run.
pub const GROSS: f64 = 5.0;
pub const MIB: f64 = 1024.0 * 1024.0;
/// A response slower than this is a hang, not a measurement.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// `cargo build --release --locked` of the shipped binary, as users run it.
pub fn cargo_build_release() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(&cargo)
        .args(["build", "--release", "--locked", "--quiet", "--bin", "claude-code-connector"])
        .current_dir(ROOT)
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build --release failed");
}

/// The binary over stdio, as an MCP client drives it.
pub struct Server {
    pub child: Child,
    pub stdin: ChildStdin,
    pub lines: Lines<BufReader<ChildStdout>>,
    pub next_id: u64,
}

impl Server {
    /// Spawns the binary and sends `initialize`; returns with the time to its response.
    pub async fn start(base_url: &str) -> (Server, Duration) {
        Server::start_with(base_url, None, &[]).await
    }

    /// [`Server::start`], with `SSL_CERT_FILE` set to `trust` (and no `SSL_CERT_DIR`) if
    /// given, and `env` set.
    pub async fn start_with(base_url: &str, trust: Option<&Path>, env: &[(&str, &str)]) -> (Server, Duration) {
        let mut command = Command::new(&*BIN);
        for (name, _) in std::env::vars() {
            if name.starts_with("CLAUDE_CODE_CONNECTOR_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        if let Some(file) = trust {
            command.env("SSL_CERT_FILE", file).env_remove("SSL_CERT_DIR");
        }
        command
            .envs(env.iter().copied())
            .env("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY)
            .env("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        let start = Instant::now();
        let mut child = command.spawn().expect("spawn the binary");
        let stdin = child.stdin.take().expect("stdin");
        let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut server = Server { child, stdin, lines, next_id: 1 };
        let params = json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}});
        let (response, _) = server.request("initialize", params).await;
        let elapsed = start.elapsed();
        assert_eq!(response["result"]["serverInfo"]["name"], "claude-code-connector", "{response}");
        (server, elapsed)
    }

    pub async fn send_line(&mut self, line: &str) {
        self.stdin.write_all(line.as_bytes()).await.expect("write to the server");
    }

    pub async fn notify(&mut self, method: &str) {
        self.send_line(&format!("{}\n", json!({"jsonrpc": "2.0", "method": method}))).await;
    }

    /// Sends a request and waits for its response (skipping notifications); returns the
    /// response and its line as received.
    pub async fn request(&mut self, method: &str, params: Value) -> (Value, String) {
        let id = self.next_id;
        self.next_id += 1;
        self.send_line(&format!("{}\n", json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))).await;
        loop {
            let line = self.next_line().await;
            let value: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON-RPC: {line}"));
            if value["id"] == id {
                assert!(value.get("error").is_none(), "{method}: {line}");
                return (value, line);
            }
        }
    }

    pub async fn next_line(&mut self) -> String {
        tokio::time::timeout(TIMEOUT, self.lines.next_line())
            .await
            .expect("a response in time")
            .expect("read stdout")
            .expect("the server closed stdout")
    }

    pub async fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let (response, _) = self.request("tools/call", json!({"name": tool, "arguments": arguments})).await;
        let result = response["result"].clone();
        assert_eq!(result["isError"], false, "{tool}: {result}");
        result
    }

    pub async fn org_info(&mut self) {
        self.call("claude_code_get_org_info", json!({})).await;
    }

    pub fn memory(&self) -> Memory {
        Memory::of(self.child.id().expect("the server is running"))
    }

    /// Closes stdin (the server exits on EOF) and waits for the exit.
    pub async fn stop(self) {
        let Server { mut child, stdin, .. } = self;
        drop(stdin);
        let status = tokio::time::timeout(Duration::from_secs(10), child.wait()).await.expect("exits on EOF");
        assert!(status.expect("wait").success(), "the server exits cleanly on EOF");
    }
}

pub struct Memory {
    pub hwm_kib: f64,
    pub rss_kib: f64,
    /// Heap and stacks.
    pub anon_kib: f64,
    /// Mapped pages of the binary and libraries (shared with the page cache).
    pub file_kib: f64,
}

impl Memory {
    /// The memory of process `pid`, from `/proc/PID/status` (Linux).
    pub fn of(pid: u32) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status (Linux)");
        let kib = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                .unwrap_or_else(|| panic!("{key} in /proc/{pid}/status"))
        };
        Memory { hwm_kib: kib("VmHWM:"), rss_kib: kib("VmRSS:"), anon_kib: kib("RssAnon:"), file_kib: kib("RssFile:") }
    }

    pub fn hwm_mib(&self) -> f64 {
        self.hwm_kib / 1024.0
    }

    /// VmRSS split into anonymous and file-backed pages.
    pub fn split(&self) -> String {
        format!(
            "VmRSS {:.1} MiB = anon {:.1} + file {:.1}",
            self.rss_kib / 1024.0,
            self.anon_kib / 1024.0,
            self.file_kib / 1024.0
        )
    }
}

#[derive(Clone, Copy)]
pub enum Unit {
    Ms,
    Us,
    S,
    Mib,
    Bytes,
    PerSecond,
}

impl Unit {
    pub fn show(self, value: f64) -> String {
        match self {
            _ if value.is_nan() => "–".into(),
            Unit::Ms if value < 10.0 => format!("{value:.2} ms"),
            Unit::Ms => format!("{value:.0} ms"),
            Unit::Us => format!("{value:.0} µs"),
            Unit::S => format!("{value:.1} s"),
            Unit::Mib => format!("{value:.1} MiB"),
            Unit::Bytes => format!("{value:.0} B"),
            Unit::PerSecond => format!("{value:.0} /s"),
        }
    }
}

pub struct Budget {
    pub limit: f64,
    /// What is compared with the limit (the median, or a ratio derived from it).
    pub value: f64,
    /// What is compared with [`GROSS`] × the limit: the best runs (p10, or the minimum
    /// below 10 samples), which a busy machine slows less than the median.
    pub best: f64,
    pub text: String,
}

#[derive(PartialEq, Eq)]
pub enum Status {
    None,
    Ok,
    Miss,
    Gross,
}

pub struct Row {
    pub metric: String,
    pub median: f64,
    /// p10, or the minimum below 10 samples; the value itself for a single measurement.
    pub best: f64,
    pub spread: String,
    pub unit: Unit,
    pub budget: Option<Budget>,
}

impl Row {
    /// Median and p10..p90 (min..max below 10 samples) of repeated runs.
    pub fn measured(metric: &str, samples: &[f64], unit: Unit) -> Row {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let spread = if sorted.len() >= 10 {
            format!("p10..p90 {}..{} (n={})", unit.show(pct(&sorted, 0.1)), unit.show(pct(&sorted, 0.9)), sorted.len())
        } else {
            format!("min..max {}..{} (n={})", unit.show(sorted[0]), unit.show(sorted[sorted.len() - 1]), sorted.len())
        };
        let best = if sorted.len() >= 10 { pct(&sorted, 0.1) } else { sorted[0] };
        Row { metric: metric.to_string(), median: median(samples), best, spread, unit, budget: None }
    }

    pub fn single(metric: &str, value: f64, note: String, unit: Unit) -> Row {
        Row { metric: metric.to_string(), median: value, best: value, spread: note, unit, budget: None }
    }

    pub fn budget(mut self, limit: f64, text: &str) -> Row {
        self.budget = Some(Budget { limit, value: self.median, best: self.best, text: text.to_string() });
        self
    }

    /// Ok or a miss by the median; gross when even the best runs are at [`GROSS`]× the budget.
    pub fn status(&self) -> Status {
        match &self.budget {
            None => Status::None,
            Some(b) if b.best >= GROSS * b.limit => Status::Gross,
            Some(b) if b.value > b.limit => Status::Miss,
            Some(_) => Status::Ok,
        }
    }
}

pub struct Table {
    pub rows: Vec<Row>,
}

impl Table {
    /// The table under a title naming the benchmark (`name`) and its mode.
    pub fn render(&self, name: &str, quick: bool) -> String {
        let mut out = String::new();
        let mode = if quick { "quick (few iterations)" } else { "full" };
        writeln!(out, "claude-code-connector {name} benchmark, {mode}").unwrap();
        writeln!(out, "binary: {}", *BIN).unwrap();
        writeln!(out, "machine: {}", machine()).unwrap();
        writeln!(out).unwrap();
        writeln!(out, "| measurement | median | spread | budget | |").unwrap();
        writeln!(out, "|---|---|---|---|---|").unwrap();
        for row in &self.rows {
            let (budget, status) = match (&row.budget, row.status()) {
                (Some(b), Status::Ok) => (b.text.as_str(), "ok"),
                (Some(b), Status::Miss) => (b.text.as_str(), "**miss**"),
                (Some(b), Status::Gross) => (b.text.as_str(), "**GROSS**"),
                _ => ("", ""),
            };
            writeln!(out, "| {} | {} | {} | {budget} | {status} |", row.metric, row.unit.show(row.median), row.spread)
                .unwrap();
        }
        writeln!(out).unwrap();
        writeln!(out, "ok / miss: the median against the budget. GROSS (exits 1): even the best runs (p10, or the minimum below 10 runs) at {GROSS}× the budget or more.").unwrap();
        out
    }
}

/// CPU model, cores and memory, from /proc.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, m)| m.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    format!("{model}, {cores} cores, {ram_gib:.1} GiB RAM")
}

pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    pct(&sorted, 0.5)
}

/// The `q` quantile of sorted samples (nearest rank).
pub fn pct(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

pub fn mean(samples: &[f64]) -> f64 {
    samples.iter().sum::<f64>() / samples.len() as f64
}
