//! The fake Admin API as a process, for checks written in other languages
//! (`.ci/mcp_http_check.py`): serves a small demo organization on 127.0.0.1, accepting
//! the keys given as arguments besides `FAKE_ADMIN_KEY`, prints its base URL on stdout,
//! and serves until killed. `FAKE_API_LATENCY_MS` delays every answer (calls in flight
//! for the scale-out check).

use std::time::Duration;

use fake_admin_api::{Dataset, FakeAdminApi};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    for key in std::env::args().skip(1) {
        fake.accept_key(&key);
    }
    if let Some(ms) = std::env::var("FAKE_API_LATENCY_MS").ok().and_then(|ms| ms.parse().ok()) {
        fake.set_latency(Duration::from_millis(ms));
    }
    println!("{}", fake.base_url());
    std::future::pending::<()>().await;
}
