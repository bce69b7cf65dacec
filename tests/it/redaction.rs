//! The admin key never leaves the `x-api-key` header: the real binary, logging at
//! `trace`, is driven through every tool it lists and through every error path the
//! fake can provoke (401, 403, 404, 429, 500 with a request id, a non-JSON 502, a
//! timeout, dropped connections, a redirect, bad arguments), and neither the key nor
//! its distinctive middle part may appear on stdout, on stderr or in any tool result.

use std::time::Duration;

use fake_admin_api::{FAKE_ADMIN_KEY, FakeAdminApi, Fault};
use serde_json::{Value, json};
use tokio::io::{AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio::task::JoinHandle;

use crate::binary::{self, Spawned};
use crate::harness::arguments_for;
use crate::tools::seed;

/// The part of the fake's key that identifies it, without the public `sk-ant-admin01-` prefix.
const FAKE_KEY_MIDDLE: &str = "fake-key-for-tests";
/// A recognisable key the fake refuses (401), to provoke the wrong-key path.
const CANARY_KEY: &str = "sk-ant-admin01-CANARY-9d7f3b21e5a4c680-redaction-AA";
const CANARY_MIDDLE: &str = "CANARY-9d7f3b21e5a4c680";

/// The binary over stdio: JSON-RPC requests in, every stdout line kept, stderr drained
/// concurrently so trace logs cannot fill the pipe and block the server.
struct Binary {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr: JoinHandle<String>,
    transcript: Vec<String>,
    next_id: u64,
}

impl Binary {
    async fn start(key: &str, base_url: &str) -> Binary {
        let mut command = binary::serving(key, base_url);
        command.args(["--request-timeout", "1", "--connect-timeout", "2"]).env("RUST_LOG", "trace");
        let Spawned { child, stdin, stdout, stderr } = binary::spawn(&mut command);
        let mut server = Binary { child, stdin: Some(stdin), stdout, stderr, transcript: Vec::new(), next_id: 1 };
        let init = server
            .request(
                "initialize",
                json!({"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"redaction","version":"0"}}),
            )
            .await;
        assert!(init.get("result").is_some(), "{init}");
        server.notify("notifications/initialized").await;
        server
    }

    async fn send(&mut self, message: &Value) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(format!("{message}\n").as_bytes()).await.unwrap();
        stdin.flush().await.unwrap();
    }

    async fn notify(&mut self, method: &str) {
        self.send(&json!({"jsonrpc": "2.0", "method": method})).await;
    }

    /// The whole JSON-RPC response to one request.
    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await;
        loop {
            let line = tokio::time::timeout(Duration::from_secs(60), self.stdout.next_line())
                .await
                .unwrap_or_else(|_| panic!("no answer to {method} within 60 s"))
                .unwrap()
                .expect("stdout open");
            self.transcript.push(line.clone());
            let value: Value =
                serde_json::from_str(&line).unwrap_or_else(|_| panic!("stdout carries only JSON-RPC, got: {line}"));
            if value.get("id").and_then(Value::as_u64) == Some(id) {
                return value;
            }
        }
    }

    /// A tool call's result (`isError` or not).
    async fn call(&mut self, name: &str, arguments: Value) -> Value {
        let response = self.request("tools/call", json!({"name": name, "arguments": arguments})).await;
        response.get("result").cloned().unwrap_or_else(|| panic!("{name}: no result: {response}"))
    }

    /// Closes stdin, waits for a clean exit, and returns stdout and stderr in full.
    async fn finish(mut self) -> (String, String) {
        drop(self.stdin.take());
        while let Ok(Ok(Some(line))) = tokio::time::timeout(Duration::from_secs(10), self.stdout.next_line()).await {
            self.transcript.push(line);
        }
        let status =
            tokio::time::timeout(Duration::from_secs(20), self.child.wait()).await.expect("exits on EOF").unwrap();
        assert!(status.success(), "{status}");
        let stderr = self.stderr.await.unwrap();
        (self.transcript.join("\n"), stderr)
    }
}

fn is_error(result: &Value) -> bool {
    result["isError"] == true
}

fn text_of(result: &Value) -> String {
    result["content"].as_array().into_iter().flatten().filter_map(|c| c["text"].as_str()).collect::<Vec<_>>().join("\n")
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} contains `{secret}`");
    }
}

#[tokio::test]
async fn the_key_never_appears_in_any_output_of_the_binary() {
    let fake = FakeAdminApi::start(seed()).await;
    // An endpoint of the spec the fake does not emulate answers from the spec's example.
    fake.answer_from_spec(claude_code_connector::generated::ENDPOINTS_JSON).expect("the spec's endpoints");
    let elsewhere = FakeAdminApi::start(seed()).await;
    let mut bin = Binary::start(FAKE_ADMIN_KEY, &fake.base_url()).await;
    let mut results: Vec<(String, Value)> = Vec::new();

    // Every tool the server lists, with valid arguments built from its schema.
    let mut tools = bin.request("tools/list", json!({})).await["result"]["tools"].as_array().cloned().expect("tools");
    // Destructive tools last, so the objects the others need still exist.
    tools.sort_by_key(|tool| tool["annotations"]["destructiveHint"] == true);
    assert!(tools.len() >= 20, "{} tools", tools.len());
    for tool in &tools {
        let name = tool["name"].as_str().unwrap();
        let result = bin.call(name, arguments_for(&tool["inputSchema"])).await;
        // Destructive ones may find their object gone (a removed user leaves its workspaces).
        if tool["annotations"]["destructiveHint"] != true {
            assert!(!is_error(&result), "{name} with schema-built arguments: {}", text_of(&result));
        }
        results.push((name.to_string(), result));
    }
    let called = fake.requests().len();

    // Bad arguments, refused before anything is sent.
    for (name, arguments) in [
        ("claude_code_get_user", json!({"user_id": "../users"})),
        ("claude_code_list_users", json!({"per_page": 500})),
        ("claude_code_get_usage", json!({"start_date": "2026-03-05", "end_date": "2026-03-01"})),
        ("claude_code_create_invite", json!({"email": "not-an-email", "role": "user"})),
        ("claude_code_get_workspace", json!({})),
        ("claude_code_list_users", json!({"unknown": true})),
    ] {
        let result = bin.call(name, arguments).await;
        assert!(is_error(&result), "{name}: {result}");
        results.push((name.to_string(), result));
    }
    assert_eq!(fake.requests().len(), called, "bad arguments send nothing");

    // Every error path the fake can provoke.
    let fault_cases: Vec<(Fault, &str, Value, &str)> = vec![
        (
            Fault::api_error("/v1/organizations/me", 401, "authentication_error", "invalid x-api-key"),
            "claude_code_get_org_info",
            json!({}),
            "sk-ant-admin",
        ),
        (
            Fault::api_error("/v1/organizations/users", 403, "permission_error", "forbidden"),
            "claude_code_list_users",
            json!({}),
            "lacks permission",
        ),
        (
            Fault::api_error("/v1/organizations/me", 429, "rate_limit_error", "slow down").header("retry-after", "0"),
            "claude_code_get_org_info",
            json!({}),
            "429",
        ),
        (
            Fault::api_error("/v1/organizations/me", 429, "rate_limit_error", "spend limit"),
            "claude_code_get_org_info",
            json!({}),
            "spend limit",
        ),
        (
            Fault::api_error("/v1/organizations/users/user_02", 500, "api_error", "internal").times(3),
            "claude_code_get_user",
            json!({"user_id": "user_02"}),
            "request id req_fake_",
        ),
        (
            Fault::raw("/v1/organizations/workspaces", 502, "<html><title>502 Bad Gateway</title></html>")
                .header("content-type", "text/html")
                .method("POST"),
            "claude_code_create_workspace",
            json!({"name": "Gateway"}),
            "Bad Gateway",
        ),
        (
            Fault::drop_connection("/v1/organizations/invites").method("POST"),
            "claude_code_create_invite",
            json!({"email": "dropped@acme.io", "role": "user"}),
            "may have been applied",
        ),
        (Fault::drop_connection("/v1/organizations/users").times(1), "claude_code_list_users", json!({}), ""),
        (
            Fault::redirect("/v1/organizations/me", &format!("{}/v1/organizations/me", elsewhere.base_url())),
            "claude_code_get_org_info",
            json!({}),
            "redirect",
        ),
    ];
    for (fault, name, arguments, mentions) in fault_cases {
        fake.clear_faults();
        fake.push_fault(fault);
        let result = bin.call(name, arguments).await;
        assert!(text_of(&result).contains(mentions), "{name}: {result}");
        results.push((name.to_string(), result));
    }
    fake.clear_faults();
    let result = bin.call("claude_code_get_user", json!({"user_id": "user_99"})).await;
    assert!(text_of(&result).contains("no user `user_99`"), "{result}");
    results.push(("404".into(), result));
    // A timeout: the fake answers after 3 s, the binary waits 1 s (a write: one attempt).
    fake.set_latency(Duration::from_secs(3));
    let result = bin.call("claude_code_create_workspace", json!({"name": "Slow"})).await;
    assert!(text_of(&result).contains("did not answer within 1 s"), "{result}");
    results.push(("timeout".into(), result));
    fake.set_latency(Duration::ZERO);
    assert!(elsewhere.requests().is_empty(), "the redirect was not followed");

    let (stdout, stderr) = bin.finish().await;
    let secrets = [FAKE_ADMIN_KEY, FAKE_KEY_MIDDLE];
    for (name, result) in &results {
        assert_clean(&format!("the result of {name}"), &result.to_string(), &secrets);
    }
    assert_clean("stdout", &stdout, &secrets);
    assert_clean("stderr", &stderr, &secrets);
    // The logs were there to leak: trace level, the requests, and the retries with their ids.
    assert!(stderr.contains("TRACE") || stderr.contains("trace"), "trace logging is on");
    let retries: Vec<&str> = stderr.lines().filter(|line| line.contains("retrying")).collect();
    assert!(
        retries.iter().any(|line| line.contains("request_id=\"req_fake_") && line.contains("path=/v1/organizations/")),
        "retries are logged with the request id: {retries:?}"
    );
    assert!(stderr.contains("attempt=") && stderr.contains("delay_ms="), "retries log the attempt and delay");
    // Every request that reached the fake carried the key, and only in x-api-key.
    for request in fake.requests() {
        assert_eq!(request.headers.get("x-api-key").map(String::as_str), Some(FAKE_ADMIN_KEY));
        let elsewhere_in_headers =
            request.headers.iter().any(|(name, value)| name != "x-api-key" && value.contains(FAKE_KEY_MIDDLE));
        assert!(!elsewhere_in_headers, "{} {}", request.method, request.path);
    }
}

#[tokio::test]
async fn a_wrong_key_is_refused_and_never_shown() {
    let fake = FakeAdminApi::start(seed()).await;
    let mut bin = Binary::start(CANARY_KEY, &fake.base_url()).await;
    let mut results = Vec::new();
    for (name, arguments) in [
        ("claude_code_get_org_info", json!({})),
        ("claude_code_list_users", json!({})),
        ("claude_code_create_invite", json!({"email": "x@acme.io", "role": "user"})),
        ("claude_code_get_normalized_metrics", json!({"start_date": "2026-03-01", "end_date": "2026-03-02"})),
    ] {
        let result = bin.call(name, arguments).await;
        assert!(is_error(&result), "{name}: {result}");
        let text = text_of(&result);
        assert!(text.contains("401") && text.contains("sk-ant-admin") && text.contains("sk-ant-api"), "{text}");
        results.push(result);
    }
    let (stdout, stderr) = bin.finish().await;
    let secrets = [CANARY_KEY, CANARY_MIDDLE, "CANARY"];
    for result in &results {
        assert_clean("a tool result", &result.to_string(), &secrets);
    }
    assert_clean("stdout", &stdout, &secrets);
    assert_clean("stderr", &stderr, &secrets);
    assert!(fake.requests().iter().all(|r| r.status == 401), "the fake refused the key");
}
