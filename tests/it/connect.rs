//! `connect URL`: the bridge from stdio to a team server. The real binary serves two
//! tenants over HTTP (`serve --http`, against the fake Admin API) and a second one bridges
//! to it, driven over stdio as Claude Desktop drives an extension: the handshake, lists,
//! calls with their progress, cancellation, and failures (a wrong token, no server)
//! that answer with a clear error within seconds.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fake_admin_api::{Dataset, FakeAdminApi};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::binary::{self, Spawned};
use crate::http::{ACME_TOKEN, BETA_TOKEN, Served};

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"claude-ai","version":"0"}}}"#;

/// The bridge to `url` with `token` (none: the variable unset).
pub(crate) fn bridge(url: &str, token: Option<&str>) -> Spawned {
    let mut command = binary::command(&["connect", url]);
    if let Some(token) = token {
        command.env("CLAUDE_CODE_CONNECTOR_TEAM_TOKEN", token);
    }
    binary::spawn(&mut command)
}

/// Writes `message` and reads stdout until the answer to `id`; returns it and every
/// notification that came before it.
async fn ask(bridge: &mut Spawned, message: &Value, id: u64) -> (Value, Vec<Value>) {
    bridge.stdin.write_all(format!("{message}\n").as_bytes()).await.expect("write to the bridge");
    read_until_answer(bridge, id).await
}

async fn read_until_answer(bridge: &mut Spawned, id: u64) -> (Value, Vec<Value>) {
    let mut notifications = Vec::new();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(60), bridge.stdout.next_line())
            .await
            .unwrap_or_else(|_| panic!("no answer to request {id} within 60 s"))
            .expect("read stdout")
            .unwrap_or_else(|| panic!("the bridge closed stdout before answering {id}"));
        let value: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("only JSON-RPC on stdout: {line}"));
        match value.get("id").and_then(Value::as_u64) {
            Some(answered) if answered == id => return (value, notifications),
            Some(_) => {}
            None => notifications.push(value),
        }
    }
}

async fn handshake(bridge: &mut Spawned) -> Value {
    let (answer, _) = ask(bridge, &serde_json::from_str(INITIALIZE).unwrap(), 1).await;
    bridge
        .stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n")
        .await
        .expect("write to the bridge");
    answer
}

fn call(id: u64, name: &str, arguments: Value, progress: Option<&str>) -> Value {
    let mut params = json!({"name": name, "arguments": arguments});
    if let Some(token) = progress {
        params["_meta"] = json!({"progressToken": token});
    }
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params})
}

#[tokio::test]
async fn the_bridge_passes_lists_calls_and_progress_through_to_each_tenant() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let served = Served::start(&fake, "connect", &[]).await;
    let url = format!("{}/mcp", served.url);

    // acme: every tool.
    let mut acme = bridge(&url, Some(ACME_TOKEN));
    let init = handshake(&mut acme).await;
    assert_eq!(init["result"]["serverInfo"]["name"], "claude-code-connector", "{init}");
    let (tools, _) = ask(&mut acme, &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}), 2).await;
    let acme_tools = tools["result"]["tools"].as_array().expect("tools").len();
    assert_eq!(acme_tools, claude_code_connector::generated::tools::DEFINITIONS.len(), "{tools}");
    let (prompts, _) = ask(&mut acme, &json!({"jsonrpc": "2.0", "id": 3, "method": "prompts/list"}), 3).await;
    assert!(!prompts["result"]["prompts"].as_array().expect("prompts").is_empty(), "{prompts}");
    let metrics = call(
        4,
        "claude_code_get_normalized_metrics",
        json!({"start_date": "2026-03-01", "end_date": "2026-03-05"}),
        Some("metrics-4"),
    );
    let (answer, notifications) = ask(&mut acme, &metrics, 4).await;
    assert_ne!(answer["result"]["isError"], true, "{answer}");
    let progress: Vec<&Value> =
        notifications.iter().filter(|n| n["method"] == "notifications/progress").map(|n| &n["params"]).collect();
    // One notification per day is sent; the last one races the result on the team
    // server's stream (it may be sent after the answer closed it), so it may be missing.
    assert!((4..=5).contains(&progress.len()), "one progress notification per day came through: {notifications:?}");
    assert!(progress.iter().all(|p| p["progressToken"] == "metrics-4"), "{progress:?}");
    let counts: Vec<f64> = progress.iter().filter_map(|p| p["progress"].as_f64()).collect();
    assert_eq!(counts, (1..=progress.len()).map(|n| n as f64).collect::<Vec<_>>(), "in order: {progress:?}");
    let (status, stderr) = acme.finish().await;
    assert!(status.success(), "the client closing stdin ends the bridge: {stderr}");
    assert!(!stderr.contains(ACME_TOKEN), "the token is never logged: {stderr}");

    // beta: read-only, so fewer tools, and its write is refused by the team server.
    let mut beta = bridge(&url, Some(BETA_TOKEN));
    handshake(&mut beta).await;
    let (tools, _) = ask(&mut beta, &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}), 2).await;
    let beta_tools = tools["result"]["tools"].as_array().expect("tools").len();
    assert!(beta_tools < acme_tools, "the tenant's own list: {beta_tools} of {acme_tools}");
    let write = call(3, "claude_code_create_invite", json!({"email": "x@example.com", "role": "user"}), None);
    let (refused, _) = ask(&mut beta, &write, 3).await;
    assert!(refused.to_string().contains("read-only") || refused.to_string().contains("read_only"), "{refused}");
    let (status, _) = beta.finish().await;
    assert!(status.success());

    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
}

#[tokio::test]
async fn a_cancelled_call_stops_fetching_at_the_team_server() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    fake.set_latency(Duration::from_millis(300));
    let served = Served::start(&fake, "connect-cancel", &[]).await;
    let mut acme = bridge(&format!("{}/mcp", served.url), Some(ACME_TOKEN));
    handshake(&mut acme).await;
    fake.clear_requests();
    // 60 days at 8 in flight and 300 ms each: about 2.5 s of fetching if not cancelled.
    let long = call(
        2,
        "claude_code_get_normalized_metrics",
        json!({"start_date": "2026-01-01", "end_date": "2026-03-01"}),
        Some("long"),
    );
    acme.stdin.write_all(format!("{long}\n").as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 2}});
    acme.stdin.write_all(format!("{cancel}\n").as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let after_cancel = fake.requests().len();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let later = fake.requests().len();
    assert!(after_cancel < 60, "the call was still young when cancelled: {after_cancel} requests");
    assert_eq!(later, after_cancel, "no request to the Admin API after the cancellation took effect");
    // The bridge still serves the session.
    let (answer, _) = ask(&mut acme, &call(3, "claude_code_get_org_info", json!({}), None), 3).await;
    assert_ne!(answer["result"]["isError"], true, "{answer}");
    let (status, _) = acme.finish().await;
    assert!(status.success());
    served.stop().await;
}

/// Runs the handshake against a bridge that cannot get through; returns the answer, how
/// long it took, and how the bridge ended.
async fn refused_handshake(url: &str, token: Option<&str>) -> (Value, Duration, Option<i32>, String) {
    let mut bridge = bridge(url, token);
    let started = Instant::now();
    let (answer, _) = ask(&mut bridge, &serde_json::from_str(INITIALIZE).unwrap(), 1).await;
    let took = started.elapsed();
    let (status, stderr) = bridge.finish().await;
    (answer, took, status.code(), stderr)
}

#[tokio::test]
async fn a_wrong_token_or_no_server_is_a_clear_error_within_seconds() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let served = Served::start(&fake, "connect-refused", &[]).await;
    let url = format!("{}/mcp", served.url);

    let mut failures = BTreeMap::new();
    failures.insert("wrong token", refused_handshake(&url, Some("ccc_not-a-token-of-this-server")).await);
    failures.insert("no token", refused_handshake(&url, None).await);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/mcp")
    };
    failures.insert("no server", refused_handshake(&closed, Some(ACME_TOKEN)).await);
    for (case, expected) in
        [("wrong token", "refused the team token"), ("no token", "none is set"), ("no server", "cannot reach")]
    {
        let (answer, took, code, stderr) = &failures[case];
        let message = answer["error"]["message"].as_str().unwrap_or_else(|| panic!("{case}: an error: {answer}"));
        assert!(message.contains(expected), "{case}: {message}");
        assert!(took < &Duration::from_secs(10), "{case}: answered in {took:?}");
        assert_eq!(*code, Some(1), "{case}: the bridge exits 1: {stderr}");
        assert!(stderr.contains(expected), "{case}: says why on stderr: {stderr}");
    }
    assert!(fake.requests().is_empty(), "nothing reached the Admin API");
    served.stop().await;
}

#[tokio::test]
async fn a_team_server_url_must_be_https_unless_loopback() {
    let run = binary::run(&["connect", "http://mcp.example.com/mcp"], &[]).await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("only https is allowed"), "{}", run.stderr);
    let run = binary::run(&["connect", "not a url"], &[]).await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("is not a URL"), "{}", run.stderr);
}
