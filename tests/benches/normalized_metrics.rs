//! Benchmark (not a timed test): `claude_code_get_normalized_metrics` for 31 days
//! against the fake Admin API with 50 ms of latency per request. Prints the number
//! of upstream requests, the wall time, and the ratio to the ideal critical path,
//! `ceil(requests / concurrency) × latency`.
//!
//! Run: `cargo bench --bench normalized_metrics` (`-- --runs N` to change the runs).

use std::time::{Duration, Instant};

use claude_code_connector::Client;
use claude_code_connector::generated::args::GetNormalizedMetricsArgs;
use claude_code_connector::runtime::{AdminKey, Date, Http, HttpConfig};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};

const LATENCY: Duration = Duration::from_millis(50);

fn main() {
    let runs: usize = std::env::args().skip_while(|a| a != "--runs").nth(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(run(runs));
}

async fn run(runs: usize) {
    let fake = FakeAdminApi::start(Dataset::demo(42, 31, "2026-03-31")).await;
    fake.set_latency(LATENCY);
    let mut config = HttpConfig::new(AdminKey::new(FAKE_ADMIN_KEY));
    config.base_url = fake.base_url();
    let concurrency = config.concurrency;
    let client = Client::new(Http::new(config).expect("config"));
    let args = GetNormalizedMetricsArgs::new(
        Date::parse("2026-03-01").expect("date"),
        Date::parse("2026-03-31").expect("date"),
    );
    let mut walls = Vec::new();
    let mut requests = 0;
    for _ in 0..runs {
        fake.clear_requests();
        let start = Instant::now();
        let metrics = client.get_normalized_metrics(&args).await.expect("metrics");
        walls.push(start.elapsed());
        assert!(!metrics.metadata.partial, "no source may fail in the benchmark");
        requests = fake.requests().len();
    }
    walls.sort();
    let median = walls[walls.len() / 2];
    let ideal = LATENCY * requests.div_ceil(concurrency) as u32;
    println!(
        "normalized metrics, 31 days, {} ms latency per request, concurrency {concurrency}, {runs} runs",
        LATENCY.as_millis()
    );
    println!("| upstream requests | ideal critical path | wall (median) | wall (min..max) | ratio |");
    println!("|---|---|---|---|---|");
    println!(
        "| {requests} | {} ms | {} ms | {}..{} ms | {:.2} |",
        ideal.as_millis(),
        median.as_millis(),
        walls[0].as_millis(),
        walls[walls.len() - 1].as_millis(),
        median.as_secs_f64() / ideal.as_secs_f64()
    );
}
