//! `serve --http`: the real binary serving two tenants over Streamable HTTP against the
//! fake Admin API, driven by plain HTTP requests (what any MCP client sends).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use claude_code_connector::runtime::http::install_crypto_provider;
use claude_code_connector::transport::tenants::{hex, token_sha256};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use crate::binary;

pub(crate) const ACME_TOKEN: &str = "ccc_acme-token-for-tests";
pub(crate) const BETA_TOKEN: &str = "ccc_beta-token-for-tests";
pub(crate) const METRICS_TOKEN: &str = "ccc_metrics-token-for-tests";
pub(crate) const BETA_KEY: &str = "sk-ant-admin01-beta-tenant-key-0000";

pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("ccc-http-{name}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// acme's bound on tool calls in flight, unless a test needs more.
pub(crate) const ACME_MAX_CALLS: usize = 4;

/// acme: every tool, key from ACME_ADMIN_KEY, at most `acme_max_calls` calls in flight;
/// beta: read-only, key from a file, at most 100.
pub(crate) fn tenants_yaml(dir: &Path, acme_token: &str, acme_max_calls: usize) -> String {
    let key_file = dir.join("beta.key");
    std::fs::write(&key_file, format!("{BETA_KEY}\n")).expect("key file");
    format!(
        "tenants:\n  - id: acme\n    token_sha256: [{}]\n    admin_key_env: ACME_ADMIN_KEY\n    tools: [\"*\"]\n    max_concurrent_calls: {acme_max_calls}\n  - id: beta\n    token_sha256: [{}]\n    admin_key_file: {}\n    read_only: true\n    max_concurrent_calls: 100\n",
        hex(&token_sha256(acme_token)),
        hex(&token_sha256(BETA_TOKEN)),
        key_file.display()
    )
}

/// The binary serving HTTP, its address, and its stderr as it comes.
pub(crate) struct Served {
    pub(crate) child: Child,
    pub(crate) url: String,
    stderr: Arc<Mutex<String>>,
    pub(crate) client: reqwest::Client,
    pub(crate) tenants: PathBuf,
}

impl Served {
    pub(crate) async fn start(fake: &FakeAdminApi, name: &str, extra: &[&str]) -> Served {
        Served::start_with(fake, name, ACME_MAX_CALLS, extra).await
    }

    pub(crate) async fn start_with(fake: &FakeAdminApi, name: &str, acme_max_calls: usize, extra: &[&str]) -> Served {
        let dir = scratch_dir(name);
        let tenants = dir.join("tenants.yaml");
        std::fs::write(&tenants, tenants_yaml(&dir, ACME_TOKEN, acme_max_calls)).expect("tenants file");
        let metrics_hash = hex(&token_sha256(METRICS_TOKEN));
        let tenants_arg = tenants.display().to_string();
        let mut args =
            vec!["serve", "--http", "127.0.0.1:0", "--tenants", &tenants_arg, "--metrics-token-sha256", &metrics_hash];
        args.extend_from_slice(extra);
        let mut command = binary::command(&args);
        command
            .env("ACME_ADMIN_KEY", FAKE_ADMIN_KEY)
            .env("CLAUDE_CODE_CONNECTOR_BASE_URL", fake.base_url())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawn the binary");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let stderr = Arc::new(Mutex::new(String::new()));
        let url = loop {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
                .await
                .expect("the server starts")
                .expect("read stderr")
                .unwrap_or_else(|| panic!("the server exited: {}", stderr.lock().unwrap()));
            stderr.lock().unwrap().push_str(&format!("{line}\n"));
            if let Some(rest) = line.split_once("serving MCP at ").map(|(_, rest)| rest) {
                break rest.split_whitespace().next().expect("the URL").trim_end_matches("/mcp").to_string();
            }
        };
        let collected = Arc::clone(&stderr);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                collected.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        install_crypto_provider();
        Served { child, url, stderr, client: reqwest::Client::new(), tenants }
    }

    /// One JSON-RPC request to /mcp with `token`; the HTTP status and the JSON answer.
    pub(crate) async fn rpc(&self, token: Option<&str>, method: &str, params: Value) -> (u16, Value) {
        self.send(self.post(token, method, params)).await
    }

    /// [`Served::rpc`] as a protocol 2026-07-28 client sends it: no session, the
    /// lifecycle in `_meta`, the method in a header.
    pub(crate) async fn rpc_2026(&self, token: &str, method: &str, mut params: Value) -> (u16, Value) {
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "0"}
        });
        let request = self
            .post(Some(token), method, params)
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", method);
        self.send(request).await
    }

    pub(crate) fn post(&self, token: Option<&str>, method: &str, params: Value) -> reqwest::RequestBuilder {
        self.mcp_request(token, &json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
    }

    /// A POST of `body` to /mcp as an MCP client sends it, with `token` as its bearer.
    pub(crate) fn mcp_request(&self, token: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
        let mut request = self
            .client
            .post(format!("{}/mcp", self.url))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body.to_string());
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request
    }

    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.expect("an HTTP answer");
        let status = response.status().as_u16();
        let text = response.text().await.expect("the body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// One JSON-RPC message posted with `token` and `headers`: the HTTP status, the
    /// response headers, and the JSON-RPC messages answered (a JSON body, or each
    /// `data:` frame of an event stream).
    pub(crate) async fn exchange(
        &self,
        token: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> (u16, reqwest::header::HeaderMap, Vec<Value>) {
        let mut request = self.mcp_request(Some(token), body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("an HTTP answer");
        let status = response.status().as_u16();
        let response_headers = response.headers().clone();
        let text = response.text().await.expect("the body");
        (status, response_headers, jsonrpc_messages(&text))
    }

    pub(crate) async fn call(&self, token: &str, tool: &str, arguments: Value) -> Value {
        let (status, answer) = self.rpc(Some(token), "tools/call", json!({"name": tool, "arguments": arguments})).await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    pub(crate) async fn tool_names(&self, token: &str) -> Vec<String> {
        let (status, answer) = self.rpc(Some(token), "tools/list", json!({})).await;
        assert_eq!(status, 200, "{answer}");
        answer["result"]["tools"]
            .as_array()
            .expect("tools")
            .iter()
            .map(|t| t["name"].as_str().unwrap().into())
            .collect()
    }

    pub(crate) async fn get(&self, path: &str, token: Option<&str>) -> (u16, String, Option<String>) {
        let mut request = self.client.get(format!("{}{path}", self.url));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = request.send().await.expect("an HTTP answer");
        let status = response.status().as_u16();
        let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_string());
        (status, response.text().await.unwrap(), challenge)
    }

    pub(crate) fn signal(&self, name: &str) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill").args([&format!("-{name}"), &pid]).status().expect("kill");
        assert!(status.success());
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// SIGTERM, then the exit code and everything on stderr.
    pub(crate) async fn stop(self) -> (Option<i32>, String) {
        self.signal("TERM");
        self.stop_signalled().await
    }

    /// The exit code and stderr of a server already sent SIGTERM.
    pub(crate) async fn stop_signalled(mut self) -> (Option<i32>, String) {
        let status =
            tokio::time::timeout(Duration::from_secs(60), self.child.wait()).await.expect("exits").expect("wait");
        // The reader ends with the pipe.
        for _ in 0..100 {
            if self.stderr().contains("stopped") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if let Some(dir) = self.tenants.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
        (status.code(), self.stderr())
    }
}

/// The JSON-RPC messages of an answer's body: the body itself when it is JSON, else
/// the `data:` lines of an event stream, in order.
pub(crate) fn jsonrpc_messages(text: &str) -> Vec<Value> {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return vec![value];
    }
    text.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|data| serde_json::from_str(data.trim()).unwrap_or_else(|_| panic!("not JSON-RPC: {data}")))
        .collect()
}

/// The answer to request `id` among `messages`.
pub(crate) fn answer_to(messages: &[Value], id: u64) -> &Value {
    messages.iter().find(|message| message["id"] == id).unwrap_or_else(|| panic!("no answer to {id}: {messages:?}"))
}

pub(crate) fn key_of(request: &fake_admin_api::RecordedRequest) -> &str {
    request.headers.get("x-api-key").map(String::as_str).unwrap_or("")
}

#[tokio::test]
async fn two_tenants_each_call_with_their_own_key_and_policy() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    fake.accept_key(BETA_KEY);
    let served = Served::start(&fake, "tenants", &[]).await;

    let acme_tools = served.tool_names(ACME_TOKEN).await;
    let beta_tools = served.tool_names(BETA_TOKEN).await;
    assert!(acme_tools.iter().any(|t| t == "claude_code_create_invite"), "{acme_tools:?}");
    assert!(!beta_tools.iter().any(|t| t == "claude_code_create_invite"), "beta is read-only: {beta_tools:?}");
    assert!(beta_tools.iter().any(|t| t == "claude_code_list_users"));
    assert!(fake.requests().is_empty(), "listing tools sends nothing upstream");

    let acme = served.call(ACME_TOKEN, "claude_code_list_users", json!({"per_page": 2})).await;
    assert_ne!(acme["result"]["isError"], true, "{acme}");
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(key_of(&requests[0]), FAKE_ADMIN_KEY, "acme's call carries acme's key");
    fake.clear_requests();

    let beta = served.call(BETA_TOKEN, "claude_code_list_users", json!({"per_page": 2})).await;
    assert_ne!(beta["result"]["isError"], true, "{beta}");
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(key_of(&requests[0]), BETA_KEY, "beta's call carries beta's key");
    fake.clear_requests();

    // A write from the read-only tenant is refused before anything is sent.
    let refused =
        served.call(BETA_TOKEN, "claude_code_create_invite", json!({"email": "x@example.com", "role": "user"})).await;
    assert!(refused.get("error").is_some() || refused["result"]["isError"] == true, "{refused}");
    assert!(refused.to_string().contains("read-only") || refused.to_string().contains("read_only"), "{refused}");
    assert!(fake.requests().is_empty(), "nothing reached the API: {:?}", fake.requests());

    // The same write from acme goes through, with acme's key, and is audited as acme's.
    let invite =
        served.call(ACME_TOKEN, "claude_code_create_invite", json!({"email": "x@example.com", "role": "user"})).await;
    assert_ne!(invite["result"]["isError"], true, "{invite}");
    assert!(fake.requests().iter().all(|r| key_of(r) == FAKE_ADMIN_KEY));

    // Metrics: its own token only.
    let (status, _, _) = served.get("/metrics", None).await;
    assert_eq!(status, 401);
    let (status, _, _) = served.get("/metrics", Some(ACME_TOKEN)).await;
    assert_eq!(status, 401, "a tenant's token does not open /metrics");
    let (status, text, _) = served.get("/metrics", Some(METRICS_TOKEN)).await;
    assert_eq!(status, 200);
    assert!(
        text.contains("ccc_tool_calls_total{tool=\"claude_code_list_users\",tenant=\"beta\",outcome=\"ok\"} 1"),
        "{text}"
    );
    assert!(text.contains("tenant=\"beta\",outcome=\"rejected\"} 1"), "{text}");
    assert!(text.contains("ccc_tenants_loaded 2") && text.contains("ccc_tool_calls_in_flight 0"), "{text}");

    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
    let audit: Vec<Value> = stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["audit"] == "write")
        .collect();
    assert!(
        audit.iter().any(|line| line["tenant"] == "beta" && line["outcome"] == "refused"),
        "the refusal is audited as beta's: {stderr}"
    );
    assert!(audit.iter().any(|line| line["tenant"] == "acme" && line["outcome"] == "ok"), "{stderr}");
    for secret in [ACME_TOKEN, BETA_TOKEN, METRICS_TOKEN, FAKE_ADMIN_KEY, BETA_KEY] {
        assert!(!stderr.contains(secret), "{secret} appears on stderr: {stderr}");
    }
}

#[tokio::test]
async fn over_2026_07_28_a_tenants_lists_last_five_minutes_and_completions_use_its_key() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    fake.accept_key(BETA_KEY);
    let served = Served::start(&fake, "ttl", &[]).await;
    let five_minutes = claude_code_connector::transport::http::TENANT_LIST_TTL.as_millis() as u64;
    assert_eq!(five_minutes, 300_000);
    for method in ["tools/list", "prompts/list"] {
        let (status, answer) = served.rpc_2026(BETA_TOKEN, method, json!({})).await;
        assert_eq!(status, 200, "{method}: {answer}");
        assert_eq!(answer["result"]["ttlMs"], five_minutes, "{method}: SIGHUP can change a tenant's lists");
        assert_eq!(answer["result"]["cacheScope"], "private", "{method}");
    }
    let reference = json!({"type": "ref/prompt", "name": "offboarding_checklist"});
    let params = json!({"ref": reference, "argument": {"name": "email", "value": ""}});
    let (status, answer) = served.rpc_2026(BETA_TOKEN, "completion/complete", params).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["result"]["completion"]["total"], 60, "the demo organization's 60 users");
    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!((requests[0].method.as_str(), key_of(&requests[0])), ("GET", BETA_KEY), "the tenant's own key");
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
}

#[tokio::test]
async fn requests_without_a_known_token_get_401_and_healthz_needs_none() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let served = Served::start(&fake, "auth", &[]).await;

    let (status, body, _) = served.get("/healthz", None).await;
    assert_eq!((status, body.trim()), (200, "ok"));

    for token in [None, Some("not-a-tenant-token"), Some("")] {
        let (status, answer) = served.rpc(token, "tools/list", json!({})).await;
        assert_eq!(status, 401, "{token:?}: {answer}");
    }
    let response = served.client.post(format!("{}/mcp", served.url)).body("{}").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(response.headers()["www-authenticate"].to_str().unwrap(), "Bearer realm=\"claude-code-connector\"");
    let (status, _) = served.rpc(Some(&format!("{ACME_TOKEN}x")), "tools/list", json!({})).await;
    assert_eq!(status, 401, "a token with one more character is another token");

    // A foreign Host (DNS rebinding) and a foreign browser Origin are refused.
    let request = |host: Option<&str>, origin: Option<&str>| {
        let mut request = served
            .client
            .post(format!("{}/mcp", served.url))
            .header("authorization", format!("Bearer {ACME_TOKEN}"))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}).to_string());
        if let Some(host) = host {
            request = request.header("host", host);
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request
    };
    assert_eq!(request(Some("evil.example"), None).send().await.unwrap().status().as_u16(), 403);
    assert_eq!(request(None, Some("https://evil.example")).send().await.unwrap().status().as_u16(), 403);
    assert_eq!(request(None, Some("http://localhost:3000")).send().await.unwrap().status().as_u16(), 200);

    // Bodies over 1 MiB are not read.
    let huge = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{{\"x\":\"{}\"}}}}",
        "a".repeat(2 << 20)
    );
    let response = served
        .client
        .post(format!("{}/mcp", served.url))
        .header("authorization", format!("Bearer {ACME_TOKEN}"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(huge)
        .send()
        .await;
    if let Ok(response) = response {
        assert_eq!(response.status().as_u16(), 413);
    }
    assert!(fake.requests().is_empty(), "nothing of this reached the Admin API");

    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains(ACME_TOKEN) && !stderr.contains("not-a-tenant-token"), "{stderr}");
}

#[tokio::test]
async fn sighup_rotates_tokens_and_a_bad_file_keeps_the_old_tenants() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    fake.accept_key(BETA_KEY);
    let served = Served::start(&fake, "reload", &[]).await;
    assert_eq!(served.rpc(Some(ACME_TOKEN), "tools/list", json!({})).await.0, 200);

    let rotated = "ccc_acme-rotated-token";
    let dir = served.tenants.parent().unwrap().to_path_buf();
    std::fs::write(&served.tenants, tenants_yaml(&dir, rotated, ACME_MAX_CALLS)).unwrap();
    served.signal("HUP");
    let mut reloaded = false;
    for _ in 0..500 {
        if served.rpc(Some(rotated), "tools/list", json!({})).await.0 == 200 {
            reloaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(reloaded, "the new token works after SIGHUP: {}", served.stderr());
    assert_eq!(served.rpc(Some(ACME_TOKEN), "tools/list", json!({})).await.0, 401, "the old token stopped working");
    assert_eq!(served.rpc(Some(BETA_TOKEN), "tools/list", json!({})).await.0, 200, "other tenants are untouched");

    // An invalid file is refused and the tenants in force stay.
    std::fs::write(&served.tenants, "tenants:\n  - id: acme\n    admin_key: sk-ant-admin01-inline\n").unwrap();
    served.signal("HUP");
    let mut refused = false;
    for _ in 0..500 {
        if served.stderr().contains("reload refused") {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "{}", served.stderr());
    assert!(served.stderr().contains("line 2"), "the refusal says where: {}", served.stderr());
    assert_eq!(served.rpc(Some(rotated), "tools/list", json!({})).await.0, 200);

    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0));
    assert!(!stderr.contains("sk-ant-admin01-inline"), "{stderr}");
}

#[tokio::test]
async fn sigterm_lets_a_call_in_flight_finish_then_exits_0() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let served = Served::start(&fake, "drain", &[]).await;
    fake.set_latency(Duration::from_millis(1500));
    let call = {
        let client = served.client.clone();
        let url = served.url.clone();
        tokio::spawn(async move {
            let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                "params": {"name": "claude_code_list_users", "arguments": {"per_page": 1}}});
            let response = client
                .post(format!("{url}/mcp"))
                .header("authorization", format!("Bearer {ACME_TOKEN}"))
                .header("content-type", "application/json")
                .header("accept", "application/json, text/event-stream")
                .body(body.to_string())
                .send()
                .await
                .expect("answered despite SIGTERM");
            (response.status().as_u16(), response.text().await.unwrap())
        })
    };
    // SIGTERM once the call has reached the fake.
    for _ in 0..500 {
        if !fake.requests().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!fake.requests().is_empty(), "the call reached the API");
    let (code, stderr) = served.stop().await;
    let (status, body) = call.await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("\"isError\":true"), "{body}");
    assert_eq!(code, Some(0), "{stderr}");
}

#[tokio::test]
async fn http_needs_a_tenants_file_and_reports_a_bad_one_with_its_place() {
    let run = binary::run(&["serve", "--http", "127.0.0.1:0"], &[]).await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--tenants") && run.stderr.contains("no unauthenticated"), "{}", run.stderr);

    let dir = scratch_dir("bad");
    let path = dir.join("tenants.yaml");
    std::fs::write(&path, "tenants:\n  - id: acme\n    token_sha256: [abc]\n    admin_key_env: K\n").unwrap();
    let run = binary::run(&["serve", "--http", "127.0.0.1:0", "--tenants", path.to_str().unwrap()], &[]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("line 3") && run.stderr.contains("token"), "{}", run.stderr);

    let good = format!(
        "tenants:\n  - id: acme\n    token_sha256: [{}]\n    admin_key_env: ACME_KEY_UNSET\n",
        hex(&token_sha256("t"))
    );
    std::fs::write(&path, good).unwrap();
    let run = binary::run(&["serve", "--http", "127.0.0.1:0", "--tenants", path.to_str().unwrap()], &[]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("ACME_KEY_UNSET is not set"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_token_command_prints_a_token_and_its_sha256() {
    let run = binary::run(&["token", "--json"], &[]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let printed: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let token = printed["token"].as_str().unwrap();
    assert!(token.len() >= 40);
    assert_eq!(printed["token_sha256"].as_str().unwrap(), hex(&token_sha256(token)));
    let again = binary::run(&["token"], &[]).await;
    assert!(again.stdout.contains("token_sha256: ") && !again.stdout.contains(token));
}

#[tokio::test]
async fn a_tenant_over_its_concurrency_limit_gets_a_clear_error_not_a_queue() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let served = Arc::new(Served::start(&fake, "busy", &[]).await);
    // Calls stay in flight until the fake answers; acme may have 4 at once.
    fake.set_latency(Duration::from_secs(3));
    let mut running = Vec::new();
    for _ in 0..4 {
        let served = Arc::clone(&served);
        running.push(tokio::spawn(async move {
            served.call(ACME_TOKEN, "claude_code_list_users", json!({"per_page": 1})).await
        }));
    }
    for _ in 0..1000 {
        if fake.requests().len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(fake.requests().len(), 4, "four calls are in flight");
    let busy = served.call(ACME_TOKEN, "claude_code_list_users", json!({"per_page": 1})).await;
    assert_eq!(busy["result"]["isError"], true, "{busy}");
    assert!(busy.to_string().contains("max_concurrent_calls"), "{busy}");
    assert_eq!(fake.requests().len(), 4, "the refused call sent nothing");
    // Another tenant is not held up by acme's calls.
    let beta = served.tool_names(BETA_TOKEN).await;
    assert!(!beta.is_empty());
    for call in running {
        let answer = call.await.unwrap();
        assert_ne!(answer["result"]["isError"], true, "{answer}");
    }
    let served = Arc::into_inner(served).expect("the only handle");
    let (code, _) = served.stop().await;
    assert_eq!(code, Some(0));
}

#[tokio::test]
async fn metrics_can_have_a_listener_of_their_own_never_public_by_accident() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let served = Served::start(&fake, "metrics", &["--metrics-addr", "127.0.0.1:0"]).await;
    let stderr = served.stderr();
    let metrics_url = stderr
        .split_once("metrics at ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the metrics address is printed: {stderr}"))
        .to_string();
    let get = |token: Option<&str>| {
        let mut request = served.client.get(&metrics_url);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.send()
    };
    assert_eq!(get(None).await.unwrap().status().as_u16(), 401, "the token guards this listener too");
    let response = get(Some(METRICS_TOKEN)).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains("ccc_tenants_loaded 2"));
    let (code, _) = served.stop().await;
    assert_eq!(code, Some(0));

    let dir = scratch_dir("metrics-usage");
    let path = dir.join("tenants.yaml");
    std::fs::write(&path, tenants_yaml(&dir, ACME_TOKEN, ACME_MAX_CALLS)).unwrap();
    let args = ["serve", "--http", "127.0.0.1:0", "--tenants", path.to_str().unwrap(), "--metrics-addr", "0.0.0.0:0"];
    let run = binary::run(&args, &[]).await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--metrics-token-sha256"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(dir);
}
