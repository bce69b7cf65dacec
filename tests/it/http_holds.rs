//! `serve --http` holds (issue 23): connections bounded in time, a lame duck before the
//! drain, writes in flight audited at shutdown as over stdio, key files that cannot
//! hang a reload, `Host` checked on every route, keys pasted in the wrong place never
//! printed. The real binary against the fake Admin API; the heavy scenarios (1,100 idle
//! connections under a 1,024 fd limit, fairness, rolling restarts behind HAProxy,
//! affinity) are in `.ci/holds_check.py`.

use std::time::{Duration, Instant};

use fake_admin_api::{Dataset, FakeAdminApi};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::binary;
use crate::http::{ACME_TOKEN, METRICS_TOKEN, Served, scratch_dir};

fn demo() -> Dataset {
    Dataset::demo(5, 5, "2026-03-05")
}

/// The host:port of a served URL.
fn address(served: &Served) -> String {
    served.url.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection or `limit` passes; what was read and
/// whether it closed.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut text = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&text).into_owned(), true),
            Ok(Ok(n)) => text.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&text).into_owned(), false),
        }
    }
}

#[tokio::test]
async fn half_sent_headers_and_silent_connections_are_closed_within_the_header_timeout() {
    let fake = FakeAdminApi::start(demo()).await;
    let served = Served::start(&fake, "header-timeout", &["--header-timeout", "1"]).await;
    let mut half = TcpStream::connect(address(&served)).await.unwrap();
    half.write_all(b"POST /mcp HTTP/1.1\r\nHost: localhost\r\nAuthori").await.unwrap();
    let mut silent = TcpStream::connect(address(&served)).await.unwrap();
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut half, Duration::from_secs(5)).await;
    assert!(closed, "half-sent headers are closed within the header timeout");
    let (_, closed) = read_until_closed(&mut silent, Duration::from_secs(5)).await;
    assert!(closed, "a connection that sends nothing is closed within the header timeout");
    assert!(started.elapsed() < Duration::from_secs(5));
    // A client that sends its request keeps being answered.
    let answer = served.call(ACME_TOKEN, "claude_code_get_org_info", json!({})).await;
    assert!(answer["result"]["isError"] != json!(true), "{answer}");
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_gets_408() {
    let fake = FakeAdminApi::start(demo()).await;
    let served = Served::start(&fake, "body-timeout", &["--body-timeout", "1"]).await;
    let mut slow = TcpStream::connect(address(&served)).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {ACME_TOKEN}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 100\r\n\r\n{{\"jsonrpc\""
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let (text, closed) = read_until_closed(&mut slow, Duration::from_secs(10)).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("--body-timeout") && closed, "{text}");
    assert!(fake.requests().is_empty(), "nothing reached the Admin API");
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
}

#[tokio::test]
async fn every_route_checks_host_healthz_and_metrics_too() {
    let fake = FakeAdminApi::start(demo()).await;
    let served = Served::start(&fake, "host-everywhere", &[]).await;
    for (path, token) in [("/healthz", None), ("/metrics", Some(METRICS_TOKEN)), ("/mcp", Some(ACME_TOKEN))] {
        let mut request = served.client.get(format!("{}{path}", served.url)).header("host", "rebound.example:8080");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 403, "{path} with a foreign Host");
    }
    let (status, _, _) = served.get("/healthz", None).await;
    assert_eq!(status, 200);
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
}

#[tokio::test]
async fn allowed_hosts_that_name_no_host_are_refused() {
    let tenants = scratch_dir("no-hosts").join("tenants.yaml");
    std::fs::write(&tenants, "tenants: []\n").unwrap();
    let out = binary::run(
        &["serve", "--http", "127.0.0.1:0", "--tenants", tenants.to_str().unwrap(), "--allowed-hosts", ","],
        &[],
    )
    .await;
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("--allowed-hosts names no host"), "{}", out.stderr);
}

#[tokio::test]
async fn sigterm_starts_a_lame_duck_healthz_fails_answers_close_then_it_drains() {
    let fake = FakeAdminApi::start(demo()).await;
    let served = Served::start(&fake, "lame-duck", &["--lame-duck", "2"]).await;
    let started = Instant::now();
    served.signal("TERM");
    // Still accepting: /healthz says 503 so a proxy stops routing here...
    let mut seen_503 = false;
    for _ in 0..50 {
        if served.get("/healthz", None).await.0 == 503 {
            seen_503 = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen_503, "/healthz fails during the lame duck");
    // ...and a call that still comes is answered, its connection closed after.
    let (status, headers, messages) = served
        .exchange(
            ACME_TOKEN,
            &[],
            &json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                "params": {"name": "claude_code_get_org_info", "arguments": {}}}),
        )
        .await;
    assert!(started.elapsed() < Duration::from_secs(2), "still in the lame duck");
    assert_eq!(status, 200, "{messages:?}");
    assert_eq!(headers.get("connection").and_then(|v| v.to_str().ok()), Some("close"));
    assert!(messages[0]["result"]["isError"] != json!(true), "{messages:?}");
    let (code, stderr) = served.stop_signalled().await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("SIGTERM: lame duck for 2000 ms"), "{stderr}");
}

#[tokio::test]
async fn a_write_still_running_at_the_end_of_the_grace_is_audited_unknown_over_http() {
    let fake = FakeAdminApi::start(demo()).await;
    let audit = scratch_dir("http-unknown").join("audit.jsonl");
    let audit_arg = audit.display().to_string();
    let served =
        Served::start(&fake, "http-unknown", &["--audit-log", &audit_arg, "--shutdown-grace", "1", "--lame-duck", "0"])
            .await;
    fake.set_latency(Duration::from_secs(8));
    let request = served.mcp_request(
        Some(ACME_TOKEN),
        &json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
            "params": {"name": "claude_code_create_invite", "arguments": {"email": "late@acme.io", "role": "user"}}}),
    );
    let call = tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) });
    for _ in 0..500 {
        if !fake.requests().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!fake.requests().is_empty(), "the invite reached the API");
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
    let _ = call.await;
    let lines: Vec<Value> =
        std::fs::read_to_string(&audit).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let outcomes: Vec<&str> = lines.iter().filter_map(|line| line["outcome"].as_str()).collect();
    assert_eq!(outcomes, ["pending", "unknown"], "{lines:?}");
    assert_eq!(lines[0]["call_id"], lines[1]["call_id"]);
}

/// Points beta's `admin_key_file` at `path` and sends SIGHUP; the reload must be
/// refused with a reason, the old tenants keep working.
async fn reload_with_key_file(served: &Served, path: &str, reason: &str) {
    let text = std::fs::read_to_string(&served.tenants).unwrap();
    let rewritten: String = text
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("admin_key_file:") {
                format!("    admin_key_file: {path}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    std::fs::write(&served.tenants, rewritten).unwrap();
    let refusals = served.stderr().matches("reload refused").count();
    served.signal("HUP");
    let started = Instant::now();
    while served.stderr().matches("reload refused").count() == refusals {
        assert!(started.elapsed() < Duration::from_secs(15), "the reload is refused: {}", served.stderr());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stderr = served.stderr();
    assert!(stderr.contains(reason) && stderr.contains("admin_key_file"), "{stderr}");
    let answer = served.call(ACME_TOKEN, "claude_code_get_org_info", json!({})).await;
    assert!(answer["result"]["isError"] != json!(true), "the old tenants keep working: {answer}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_fifo_or_dev_zero_key_file_at_sighup_is_refused_and_sigterm_still_works() {
    let fake = FakeAdminApi::start(demo()).await;
    let served = Served::start(&fake, "fifo-key", &["--lame-duck", "0"]).await;
    let fifo = served.tenants.parent().unwrap().join("key.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    reload_with_key_file(&served, fifo.to_str().unwrap(), "not a regular file (a FIFO)").await;
    reload_with_key_file(&served, "/dev/zero", "not a regular file (a device)").await;
    let started = Instant::now();
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(10), "SIGTERM works at once");
}

#[tokio::test]
async fn a_key_pasted_where_a_variable_name_goes_is_never_printed() {
    let dir = scratch_dir("pasted-key");
    let tenants = dir.join("tenants.yaml");
    let key = "sk-ant-admin01-PastedByMistake-0123456789abcdef";
    std::fs::write(
        &tenants,
        format!(
            "tenants:\n  - id: acme\n    token_sha256: [{}]\n    admin_key_env: {key}\n",
            claude_code_connector::transport::tenants::hex(&claude_code_connector::transport::tenants::token_sha256(
                ACME_TOKEN
            ))
        ),
    )
    .unwrap();
    let out = binary::run(&["serve", "--http", "127.0.0.1:0", "--tenants", tenants.to_str().unwrap()], &[]).await;
    assert_ne!(out.code, Some(0), "{out:?}");
    assert!(out.stderr.contains("admin_key_env") && out.stderr.contains("looks like an admin key"), "{}", out.stderr);
    assert!(!out.stderr.contains("PastedByMistake") && !out.stdout.contains("PastedByMistake"), "{}", out.stderr);
}
