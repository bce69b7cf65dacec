//! The fake Admin API as a process, for checks written in other languages
//! (`.ci/mcp_http_check.py`, `.ci/scale_out_check.py`): serves a small demo organization
//! on 127.0.0.1, accepting the keys given as arguments besides `FAKE_ADMIN_KEY`, prints
//! its base URL on stdout, and serves until killed. An argument `KEY=NAME` makes `KEY`
//! the key of another organization called `NAME` (what `GET /me` answers), so answers
//! tell whose key a call used. `FAKE_API_LATENCY_MS` delays every answer (calls in
//! flight for the scale-out check). `FAKE_API_SEATS=N` serves an organization of N seats
//! with a year of reports instead. `FAKE_API_STATS=1` adds a second line: the URL of a
//! plain-text count of the requests the fake has answered (`.ci/holds_check.py` counts
//! what reached the Admin API).

use std::time::Duration;

use fake_admin_api::{Dataset, FakeAdminApi, Organization};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // `FAKE_API_SEATS=N`: a larger organization with a year of reports made as they are
    // read (the load of the fairness check); otherwise the small demo organization.
    let fake = match std::env::var("FAKE_API_SEATS").ok().and_then(|seats| seats.parse().ok()) {
        Some(seats) => {
            let (dataset, days) = Dataset::demo_on_demand_sized(5, seats, 365, "2026-03-05");
            FakeAdminApi::start_on_demand(dataset, days).await
        }
        None => FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await,
    };
    for argument in std::env::args().skip(1) {
        match argument.split_once('=') {
            Some((key, name)) => {
                let id = format!("org_{}", name.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
                fake.accept_key_of(key, Organization { id, name: name.to_string() });
            }
            None => fake.accept_key(&argument),
        }
    }
    if let Some(ms) = std::env::var("FAKE_API_LATENCY_MS").ok().and_then(|ms| ms.parse().ok()) {
        fake.set_latency(Duration::from_millis(ms));
    }
    println!("{}", fake.base_url());
    if std::env::var("FAKE_API_STATS").is_ok_and(|value| value == "1") {
        serve_stats(fake).await;
    }
    std::future::pending::<()>().await;
}

/// Answers every connection with the count of requests the fake has answered.
async fn serve_stats(fake: FakeAdminApi) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a stats port");
    println!("http://{}/", listener.local_addr().expect("its address"));
    loop {
        let Ok((mut stream, _)) = listener.accept().await else { continue };
        let count = fake.requests().len();
        tokio::spawn(async move {
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request).await;
            let body = format!("{count}\n");
            let answer =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            let _ = stream.write_all(answer.as_bytes()).await;
        });
    }
}
