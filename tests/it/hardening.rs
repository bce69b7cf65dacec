//! Hardening (issue 14), through the real binary or through MCP against the fake:
//! proxies from the environment, bounded answers, the base-URL variable, the key
//! scrubbed from upstream text, `retry-after` as an HTTP date, the audit log's mode,
//! write guards without gaps (`workspace_of`, `--max-role` failing closed), results
//! bounded as a whole, and aggregates that refuse to overflow.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use claude_code_connector::runtime::AdminKey;
use fake_admin_api::{ECHO_KEY_PLACEHOLDER, FAKE_ADMIN_KEY, FakeAdminApi, Fault};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::binary::{self, run};
use crate::harness::{Harness, fast_config};
use crate::tools::seed;

/// A plain-http proxy on another machine. Never contacted: the refusal comes first.
const REMOTE_PROXY: &str = "http://10.1.2.3:3128";
/// A key the fake refuses, and quotes back when it echoes keys.
const CANARY_KEY: &str = "sk-ant-admin01-CANARY-hardening-5e1f0c2a9b7d-ZZ";
/// Its distinctive part, which must not appear anywhere either.
const CANARY_PART: &str = "CANARY-hardening";
/// The distinctive part of the fake's own key.
const FAKE_KEY_PART: &str = "fake-key-for-tests";

/// A proxy on 127.0.0.1 that records the request line of each connection. An
/// absolute-form request (`GET http://127.0.0.1:P/… HTTP/1.1`) to a loopback host is
/// forwarded there; anything else (a `CONNECT`) is refused with 403, so nothing leaves
/// the machine.
struct TinyProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl TinyProxy {
    async fn start() -> TinyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(proxy_connection(stream, Arc::clone(&record)));
            }
        });
        TinyProxy { url, seen, task }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for TinyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn proxy_connection(mut client: TcpStream, seen: Arc<Mutex<Vec<String>>>) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match client.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
        if head.len() > 64 << 10 {
            return;
        }
    }
    let line = String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_string();
    seen.lock().unwrap().push(line.clone());
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let authority = target.strip_prefix("http://").and_then(|rest| rest.split('/').next()).unwrap_or_default();
    if method != "CONNECT" && authority.starts_with("127.0.0.1:") {
        let Ok(mut upstream) = TcpStream::connect(authority).await else { return };
        if upstream.write_all(&head).await.is_ok() {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        }
    } else {
        let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
    }
}

fn warnings_about(stderr: &str, variable: &str) -> Vec<String> {
    stderr.lines().filter(|line| line.contains(&format!("ignoring {variable}"))).map(str::to_string).collect()
}

// 1. Proxies.

#[tokio::test]
async fn a_plain_http_proxy_on_another_machine_is_refused_before_any_connection() {
    let fake = FakeAdminApi::start(seed()).await;
    let base_url = fake.base_url();
    let key = ("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY);
    let base = ("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url.as_str());
    for variable in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        let out = run(&["call", "get_org_info"], &[key, base, (variable, REMOTE_PROXY)]).await;
        assert_eq!(out.code, Some(1), "{variable}: {out:?}");
        let stderr = &out.stderr;
        assert!(stderr.contains(&format!("refusing the proxy {REMOTE_PROXY} (from {variable})")), "{stderr}");
        assert!(stderr.contains("admin key included") && stderr.contains("clear text"), "says why: {stderr}");
        assert!(stderr.contains("https:// proxy") && stderr.contains("NO_PROXY=127.0.0.1"), "says how: {stderr}");
        assert!(!stderr.contains(FAKE_KEY_PART), "{stderr}");
    }
    // The server refuses at start too, and the default https API through such a proxy as well.
    let out = run(&[], &[key, base, ("HTTP_PROXY", REMOTE_PROXY)]).await;
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("refusing the proxy"), "{}", out.stderr);
    assert!(fake.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_plain_http_proxy_elsewhere_carries_the_https_tunnel_with_a_warning_unless_it_has_credentials() {
    let key = ("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY);
    // Credentials in the proxy URL would cross in clear: refused, unless said so.
    let with_credentials = "http://me:s3cret-proxy@10.1.2.3:3128";
    let out = run(&["call", "get_org_info"], &[key, ("HTTPS_PROXY", with_credentials)]).await;
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("(from HTTPS_PROXY)") && out.stderr.contains("carries credentials"), "{out:?}");
    assert!(out.stderr.contains("--allow-proxy-credentials-in-clear") && !out.stderr.contains("s3cret"), "{out:?}");
    // Without credentials (or with the opt-in), the proxy is used, with one warning line.
    let quick = ("CLAUDE_CODE_CONNECTOR_CONNECT_TIMEOUT", "1");
    for (proxy, opt_in) in [(REMOTE_PROXY, "false"), (with_credentials, "true")] {
        let allow = ("CLAUDE_CODE_CONNECTOR_ALLOW_PROXY_CREDENTIALS_IN_CLEAR", opt_in);
        let out = run(&["call", "get_org_info"], &[key, quick, allow, ("HTTPS_PROXY", proxy)]).await;
        let warnings: Vec<&str> =
            out.stderr.lines().filter(|l| l.contains("is plain http on another machine")).collect();
        assert_eq!(warnings.len(), 1, "{out:?}");
        assert!(!out.stderr.contains("refusing the proxy") && !out.stderr.contains("s3cret"), "{out:?}");
    }
}

#[tokio::test]
async fn a_proxy_on_loopback_is_used_and_no_proxy_is_respected() {
    let fake = FakeAdminApi::start(seed()).await;
    let proxy = TinyProxy::start().await;
    let base_url = fake.base_url();
    let key = ("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY);
    let base = ("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url.as_str());
    let out =
        run(&["call", "get_org_info", "--output", "json"], &[key, base, ("HTTP_PROXY", proxy.url.as_str())]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(proxy.seen(), [format!("GET {base_url}/v1/organizations/me HTTP/1.1")], "through the proxy");
    assert_eq!(fake.requests().len(), 1);
    // NO_PROXY lists the API host: the remote proxy is not used, so it is not refused.
    let out =
        run(&["call", "get_org_info"], &[key, base, ("http_proxy", REMOTE_PROXY), ("no_proxy", "localhost,127.0.0.1")])
            .await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(fake.requests().len(), 2, "straight to the API");
}

// 2. Bounded answers.

/// Peak resident memory of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    let line = status.lines().find(|line| line.starts_with("VmHWM:")).expect("VmHWM");
    line.split_whitespace().nth(1).and_then(|kib| kib.parse().ok()).expect("VmHWM in kB")
}

#[tokio::test]
async fn a_400_mb_answer_fails_at_the_limit_and_memory_stays_small() {
    let fake = FakeAdminApi::start(seed()).await;
    fake.push_fault(Fault::huge_body("/v1/organizations/users", 400 << 20));
    let mut spawned = binary::spawn(&mut binary::serving(FAKE_ADMIN_KEY, &fake.base_url()));
    let answers = spawned
        .exchange(&[
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
                "capabilities": {}, "clientInfo": {"name": "hardening", "version": "0"}}}),
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": "claude_code_list_users", "arguments": {}}}),
        ])
        .await;
    let peak = peak_rss_kib(spawned.child.id().expect("running"));
    let result = &answers[&2]["result"];
    assert_eq!(result["isError"], true, "{result}");
    let text = result["content"][0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("GET /v1/organizations/users is larger than the limit of 32 MiB"), "{text}");
    assert!(text.contains("--max-response-bytes") && text.contains("Ask for less"), "{text}");
    assert_eq!(fake.requests().len(), 1, "not retried");
    eprintln!("peak RSS with a 400 MB answer: {:.1} MiB", peak as f64 / 1024.0);
    assert!(peak < 64 * 1024, "peak RSS {peak} KiB");
    let (status, _) = spawned.finish().await;
    assert!(status.success());
}

#[tokio::test]
async fn the_limit_is_configurable_and_error_answers_are_cut() {
    let fake = FakeAdminApi::start(seed()).await;
    let mut config = fast_config(&fake.base_url());
    config.max_response_bytes = 100_000;
    let h = Harness::with_config(fake.clone(), config).await;
    h.ok("claude_code_get_org_info", json!({})).await;
    fake.push_fault(Fault::huge_body("/v1/organizations/users", 1 << 20).times(1));
    let text = h.err("claude_code_list_users", json!({})).await;
    assert!(text.contains("larger than the limit of 100000 bytes"), "{text}");
    // An API error with a 50,000-character message: the message is cut.
    let long = "x".repeat(50_000);
    fake.push_fault(Fault::api_error("/v1/organizations/me", 400, "invalid_request_error", &long).times(1));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert!(text.contains("invalid_request_error") && text.contains("x…") && text.len() < 2000, "{}", text.len());
    // A 1.8 MB error page: read up to 64 KiB, summarized.
    let page = "<p>bad gateway</p>".repeat(100_000);
    fake.push_fault(Fault::raw("/v1/organizations/me", 502, &page).times(3));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert!(text.contains("more than 65536 bytes, the rest not read") && text.len() < 2000, "{text}");
}

#[tokio::test]
async fn an_answer_that_trickles_is_stopped_by_the_request_timeout() {
    let fake = FakeAdminApi::start(seed()).await;
    let mut config = fast_config(&fake.base_url());
    config.request_timeout = Duration::from_secs(1);
    config.retry.max_attempts = 1;
    let h = Harness::with_config(fake.clone(), config).await;
    fake.push_fault(Fault::slow_body("/v1/organizations/users", 10 << 20, 1024, Duration::from_millis(200)));
    let text = h.err("claude_code_list_users", json!({})).await;
    assert!(text.contains("did not answer within 1 s"), "{text}");
}

// 3. The base URL's variable.

#[tokio::test]
async fn anthropic_base_url_is_ignored_with_a_warning_and_gets_no_key() {
    // Claude Code's gateway variable points at a server that must not see the key.
    let gateway = FakeAdminApi::start(seed()).await;
    let gateway_url = gateway.base_url();
    // The default API is reached through a local proxy that refuses the tunnel: nothing
    // leaves the machine, and the proxy shows where the call went.
    let proxy = TinyProxy::start().await;
    let key = ("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY);
    let foreign = ("ANTHROPIC_BASE_URL", gateway_url.as_str());
    let out = run(&["call", "get_org_info"], &[key, foreign, ("HTTPS_PROXY", proxy.url.as_str())]).await;
    assert!(gateway.requests().is_empty(), "the key went to ANTHROPIC_BASE_URL");
    let seen = proxy.seen();
    assert!(!seen.is_empty() && seen.iter().all(|line| line.starts_with("CONNECT api.anthropic.com:443 ")), "{seen:?}");
    let warnings = warnings_about(&out.stderr, "ANTHROPIC_BASE_URL");
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(warnings[0].contains("CLAUDE_CODE_CONNECTOR_BASE_URL"), "names the variable to use: {}", warnings[0]);

    // The connector's own variable decides; ANTHROPIC_BASE_URL is still ignored, with the warning.
    let api = FakeAdminApi::start(seed()).await;
    let api_url = api.base_url();
    let own = ("CLAUDE_CODE_CONNECTOR_BASE_URL", api_url.as_str());
    let out = run(&["call", "get_org_info"], &[key, foreign, own]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!((api.requests().len(), gateway.requests().len()), (1, 0));
    assert_eq!(warnings_about(&out.stderr, "ANTHROPIC_BASE_URL").len(), 1, "{}", out.stderr);
    // The same URL in both: nothing to warn about.
    let out = run(&["call", "get_org_info"], &[key, own, ("ANTHROPIC_BASE_URL", api_url.as_str())]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(warnings_about(&out.stderr, "ANTHROPIC_BASE_URL").is_empty(), "{}", out.stderr);
}

// 4. The key scrubbed from upstream text.

fn assert_no_key(what: &str, text: &str) {
    for secret in [CANARY_KEY, CANARY_PART, FAKE_ADMIN_KEY, FAKE_KEY_PART, "Other_Token"] {
        assert!(!text.contains(secret), "{what} contains `{secret}`: {text:.3000}");
    }
}

#[tokio::test]
async fn an_echoed_key_is_scrubbed_from_tool_results() {
    let fake = FakeAdminApi::start(seed()).await;
    fake.set_echo_key(true);
    let mut config = fast_config(&fake.base_url());
    config.key = AdminKey::new(CANARY_KEY);
    let h = Harness::with_config(fake.clone(), config).await;
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert!(text.contains("invalid x-api-key [redacted]"), "{text}");
    assert_no_key("a 401 quoting the key", &text);

    // The right key, quoted by a gateway's page and an API error, beside another key-looking token.
    let h = Harness::start(seed()).await;
    h.fake.set_echo_key(true);
    let page = format!("<html><h1>Bad gateway</h1><p>key {ECHO_KEY_PLACEHOLDER}; try sk-ant-api03-Other_Token-1</p>");
    h.fake.push_fault(Fault::raw("/v1/organizations/workspaces", 502, &page).method("POST"));
    let text = h.err("claude_code_create_workspace", json!({"name": "Echo"})).await;
    assert!(text.contains("key [redacted]; try [redacted]"), "{text}");
    assert_no_key("a gateway page", &text);
    let message = format!("x-api-key {ECHO_KEY_PLACEHOLDER} lacks permission");
    h.fake.push_fault(Fault::api_error("/v1/organizations/users", 403, "permission_error", &message));
    let text = h.err("claude_code_list_users", json!({})).await;
    assert!(text.contains("x-api-key [redacted] lacks permission"), "{text}");
    assert_no_key("an API error", &text);
}

#[tokio::test]
async fn an_echoed_key_is_scrubbed_from_cli_errors_and_trace_logs() {
    let fake = FakeAdminApi::start(seed()).await;
    fake.set_echo_key(true);
    let base_url = fake.base_url();
    let base = ("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url.as_str());
    let trace = ("RUST_LOG", "trace");
    let out = run(&["call", "get_org_info"], &[("ANTHROPIC_ADMIN_API_KEY", CANARY_KEY), base, trace]).await;
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("error: Admin API error 401") && out.stderr.contains("[redacted]"), "{}", out.stderr);
    assert_no_key("stderr", &out.stderr);
    assert_no_key("stdout", &out.stdout);

    // A 500 that quotes the key, logged at each retry, then the CLI's error.
    let message = format!("upstream rejected {ECHO_KEY_PLACEHOLDER}");
    fake.push_fault(Fault::api_error("/v1/organizations/me", 500, "api_error", &message).times(3));
    let out = run(&["call", "get_org_info"], &[("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY), base, trace]).await;
    assert_eq!(out.code, Some(1), "{out:?}");
    let retries: Vec<&str> = out.stderr.lines().filter(|line| line.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{}", out.stderr);
    assert!(retries.iter().all(|line| line.contains("upstream rejected [redacted]")), "{retries:?}");
    assert!(
        out.stderr.contains("error: Admin API error 500 api_error: upstream rejected [redacted]"),
        "{}",
        out.stderr
    );
    assert_no_key("stderr", &out.stderr);
}

// 5. retry-after as an HTTP date.

#[tokio::test]
async fn a_retry_after_http_date_is_a_rate_limit_that_is_retried() {
    let h = Harness::start(seed()).await;
    let past = SystemTime::now() - Duration::from_secs(5);
    h.fake.push_fault(Fault::rate_limited_until("/v1/organizations/me", past).times(1));
    let org = h.ok("claude_code_get_org_info", json!({})).await;
    assert_eq!(org["type"], "organization");
    let statuses: Vec<u16> = h.take_requests().iter().map(|request| request.status).collect();
    assert_eq!(statuses, [429, 200], "retried once the date had come");

    // An hour ahead: longer than the retry policy waits, so reported, as a rate limit.
    let later = SystemTime::now() + Duration::from_secs(3600);
    h.fake.push_fault(Fault::rate_limited_until("/v1/organizations/me", later).times(1));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert!(text.contains("rate limited; the API asks to wait 3"), "{text}");
    assert!(!text.contains("spend limit"), "{text}");
}

// 6. The audit log's mode.

#[cfg(unix)]
#[tokio::test]
async fn the_audit_log_file_is_created_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeAdminApi::start(seed()).await;
    let dir = std::env::temp_dir().join(format!("ccc-hardening-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.jsonl");
    let _ = std::fs::remove_file(&path);
    let base_url = fake.base_url();
    let path_text = path.to_string_lossy().into_owned();
    let out = run(
        &["call", "--audit-log", &path_text, "create_invite", "email=audit.mode@acme.io", "role=developer"],
        &[("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY), ("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url.as_str())],
    )
    .await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    let text = std::fs::read_to_string(&path).unwrap();
    let line: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(line["arguments"]["email"], "audit.mode@acme.io");
    assert_eq!(mode, 0o600, "mode {mode:o}");
}

// 7. Write guards without gaps.

fn lines_of(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("one JSON object per line: {line}")))
        .collect()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ccc-hardening-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn workspaces_confine_api_key_writes_through_the_key_s_workspace() {
    use claude_code_connector::pipeline::audit::AuditLog;
    use claude_code_connector::pipeline::policy::Policy;
    let dir = temp_dir("workspace-of");
    let path = dir.join("audit.jsonl");
    let _ = std::fs::remove_file(&path);
    let fake = FakeAdminApi::start(seed()).await;
    fake.with_state(|d| d.api_keys.push(fake_admin_api::ApiKey::new("apikey_d", "legacy", "active", None, None)));
    let audit = AuditLog::file(&path).unwrap();
    let h = Harness::with_connector(fake.clone(), fast_config(&fake.base_url()), |c| {
        c.with_policy(Policy::default().workspaces("wrkspc_prod").unwrap()).with_audit(Some(audit))
    })
    .await;

    // apikey_c belongs to wrkspc_dev: looked up, refused, never archived.
    let text = h.err("claude_code_update_api_key", json!({"api_key_id": "apikey_c", "status": "archived"})).await;
    // The refusal does not say which workspace the key is in (the caller may not read keys).
    assert!(text.contains("apikey_c") && text.contains("outside the workspaces"), "{text}");
    assert!(!text.contains("wrkspc_dev"), "the refusal names the key's workspace: {text}");
    assert!(text.contains("--workspaces wrkspc_prod") && text.contains("nothing was sent"), "{text}");
    // A key with no workspace is in the Default Workspace: outside unless `default` is listed.
    let text = h.err("claude_code_update_api_key", json!({"api_key_id": "apikey_d", "status": "archived"})).await;
    assert!(text.contains("outside the workspaces") && !text.contains("Default Workspace"), "{text}");
    // A key that does not exist: the lookup fails, so the write is refused too.
    let text = h.err("claude_code_update_api_key", json!({"api_key_id": "apikey_zz", "name": "x"})).await;
    assert!(text.contains("cannot tell which workspace") && text.contains("no API key `apikey_zz`"), "{text}");
    let sent: Vec<String> = h.take_requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(
        sent,
        [
            "GET /v1/organizations/api_keys/apikey_c",
            "GET /v1/organizations/api_keys/apikey_d",
            "GET /v1/organizations/api_keys/apikey_zz",
        ],
        "only the lookups were sent"
    );
    assert_eq!(fake.with_state(|d| d.api_keys[2].status.clone()), "active");

    // A key of wrkspc_prod is changed.
    let out = h.ok("claude_code_update_api_key", json!({"api_key_id": "apikey_a", "name": "ci"})).await;
    assert_eq!(out["name"], "ci");
    let methods: Vec<String> = h.take_requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["GET", "POST"]);

    let outcomes: Vec<(String, String)> = lines_of(&path)
        .iter()
        .map(|l| (l["targets"]["api_key_id"].as_str().unwrap().to_string(), l["outcome"].as_str().unwrap().to_string()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("apikey_c", "refused"),
        ("apikey_d", "refused"),
        ("apikey_zz", "refused"),
        ("apikey_a", "pending"),
        ("apikey_a", "ok"),
    ]
    .iter()
    .map(|(k, o)| (k.to_string(), o.to_string()))
    .collect();
    assert_eq!(outcomes, expected, "every refusal is audited");

    // `default` lets the Default Workspace's keys be changed; without --workspaces nothing is looked up.
    let h = Harness::with_connector(fake.clone(), fast_config(&fake.base_url()), |c| {
        c.with_policy(Policy::default().workspaces("wrkspc_prod,default").unwrap())
    })
    .await;
    h.ok("claude_code_update_api_key", json!({"api_key_id": "apikey_d", "name": "kept"})).await;
    let h = Harness::with_connector(fake.clone(), fast_config(&fake.base_url()), |c| c).await;
    fake.clear_requests();
    h.ok("claude_code_update_api_key", json!({"api_key_id": "apikey_c", "name": "free"})).await;
    assert_eq!(fake.requests().len(), 1, "no lookup without --workspaces");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn max_role_refuses_a_role_it_does_not_rank_and_checks_aliases_resolved() {
    use claude_code_connector::pipeline::Connector;
    use claude_code_connector::pipeline::policy::Policy;
    use claude_code_connector::runtime::Http;
    let fake = FakeAdminApi::start(seed()).await;
    let config = fast_config(&fake.base_url());
    let h = Harness::with_connector(fake.clone(), config.clone(), |_| {
        Connector::with_registry(&crate::presentation::fixture::tools::REGISTRY, Http::new(config).unwrap())
            .with_audit(None)
            .with_policy(Policy::default().max_role("user").unwrap())
    })
    .await;
    // `owner` is not in the real spec's org_roles: --max-role cannot rank it, so it is refused.
    let text = h.err("fixture_grant_seat", json!({"user_id": "user_05", "role": "owner"})).await;
    assert!(text.contains("owner") && text.contains("not a role --max-role ranks"), "{text}");
    // `dev` is an alias of `developer`, which is above `user`.
    let text = h.err("fixture_grant_seat", json!({"user_id": "user_05", "role": "dev"})).await;
    assert!(text.contains("developer") && text.contains("--max-role user"), "{text}");
    assert!(fake.requests().is_empty(), "refused writes send nothing");
    h.ok("fixture_grant_seat", json!({"user_id": "user_05", "role": "user"})).await;
    assert_eq!(fake.requests().len(), 1);
}

// 9. Aggregates that refuse to overflow.

#[tokio::test]
async fn hostile_u64_max_counts_fail_their_source_with_the_field_named() {
    use fake_admin_api::{ClaudeCodeRecord, Dataset, UsageRow, User};
    let mut d = Dataset::empty();
    d.users.push(User::new("user_1", "ana@x.io", "Ana", "developer"));
    // Two records whose sessions add past u64::MAX.
    for _ in 0..2 {
        d.claude_code.push(ClaudeCodeRecord::user("2026-03-01", "ana@x.io").sessions(u64::MAX).lines(1, 0).to_json());
    }
    for model in ["claude-sonnet-4-5", "claude-opus-4-1"] {
        let mut usage = UsageRow::new("2026-03-01", model);
        usage.output_tokens = u64::MAX;
        d.usage.push(usage);
    }
    let h = Harness::start(d).await;
    let m =
        h.ok("claude_code_get_normalized_metrics", json!({"start_date": "2026-03-01", "end_date": "2026-03-01"})).await;
    let sources = &m["metadata"]["sources"];
    assert_eq!(m["metadata"]["partial"], true, "{m}");
    let code = sources["claude_code"]["error"].as_str().unwrap_or_default();
    assert!(code.contains("core_metrics.num_sessions") && code.contains("larger than the largest count"), "{sources}");
    let usage = sources["messages_usage"]["error"].as_str().unwrap_or_default();
    assert!(usage.contains("output_tokens"), "{sources}");
    assert_eq!(m["total_chat_interactions"], Value::Null, "unknown is not a wrapped number");
    assert_eq!(m["total_seats"], 1, "the other sources still answer");
}

// 8. Results bounded as a whole.

/// The bytes a result puts in the message: its text blocks and its structuredContent.
fn message_bytes(result: &rmcp::model::CallToolResult) -> usize {
    let structured = result.structured_content.as_ref().map_or(0, |value| serde_json::to_vec(value).unwrap().len());
    crate::harness::text_of(result).len() + structured
}

async fn capped(fake: &FakeAdminApi, max_result_bytes: usize) -> Harness {
    use claude_code_connector::pipeline::Limits;
    Harness::with_connector(fake.clone(), fast_config(&fake.base_url()), |c| {
        c.with_limits(Limits { max_result_bytes, ..Limits::default() })
    })
    .await
}

#[tokio::test]
async fn a_20_mb_object_is_cut_to_the_cap_keeping_its_keys() {
    let fake = FakeAdminApi::start(seed()).await;
    fake.with_state(|d| d.workspaces.push(fake_admin_api::Workspace::new("wrkspc_big", &"x".repeat(20 << 20))));
    let h = capped(&fake, 4096).await;
    let result = h.call("claude_code_get_workspace", json!({"workspace_id": "wrkspc_big"})).await;
    assert_ne!(result.is_error, Some(true), "{}", crate::harness::text_of(&result));
    assert!(message_bytes(&result) <= 4096, "{} bytes", message_bytes(&result));
    let out = result.structured_content.clone().unwrap();
    assert_eq!(out["id"], "wrkspc_big");
    for key in ["id", "type", "name", "created_at", "archived_at", "display_color"] {
        assert!(out.get(key).is_some(), "the cut object keeps `{key}`: {out}");
    }
    assert!(out["name"].as_str().unwrap().ends_with("…[cut]"), "{out}");
    assert_eq!(out["truncated"]["cut"], json!(["name"]), "{out}");
    let text = crate::harness::text_of(&result);
    assert!(text.lines().next().unwrap().contains("long values cut"), "{text}");
}

#[tokio::test]
async fn text_and_structured_content_together_stay_within_the_cap() {
    let fake = FakeAdminApi::start(seed()).await;
    let h = capped(&fake, 4096).await;
    // 65 users: the page is cut, and the text does not repeat it past the budget.
    let result = h.call("claude_code_list_users", json!({"per_page": 100})).await;
    assert_ne!(result.is_error, Some(true), "{}", crate::harness::text_of(&result));
    assert!(message_bytes(&result) <= 4096, "{} bytes", message_bytes(&result));
    let out = result.structured_content.clone().unwrap();
    let returned = out["truncated"]["returned"].as_u64().expect("cut with a note");
    assert!(returned > 0 && returned < 65, "{returned}");
    assert_eq!(out["data"].as_array().unwrap().len() as u64, returned);
    // A small result is still repeated whole in the text.
    h.ok("claude_code_get_user", json!({"user_id": "user_05"})).await;
}

/// A name from the API that looks like a timestamp but is cut inside a character, and
/// one carrying terminal escapes, are printed by `call` without a panic and without a
/// raw control byte (names come from other people in the organization).
#[cfg(feature = "sandbox")]
#[tokio::test]
async fn call_prints_hostile_names_without_crashing_or_driving_the_terminal() {
    for name in ["2026-03-01T10:0é", "\u{1b}[31mred\u{7}\u{9b}2J"] {
        let argument = format!("name={name}");
        let out = run(&["--sandbox", "call", "create_workspace", &argument], &[]).await;
        assert_eq!(out.code, Some(0), "{name:?}: {out:?}");
        assert!(!out.stdout.chars().any(|c| c.is_control() && c != '\n'), "{name:?}: {:?}", out.stdout);
        let shown = if name.starts_with('2') { name.to_string() } else { "\\u{1b}[31mred\\u{7}".to_string() };
        assert!(out.stdout.contains(&shown), "{name:?}: {}", out.stdout);
    }
}
