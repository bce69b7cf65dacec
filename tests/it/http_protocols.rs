//! `serve --http` by protocol version and under load: 2026-07-28's `server/discover` and
//! per-request `_meta`, the 2025 handshakes, 100 concurrent clients over two tenants, and
//! the one cache the tenants share, each answer checked for its own tenant.

use std::time::Duration;

use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi, Organization};
use serde_json::{Value, json};

use crate::http::*;

const LATEST: &str = "2026-07-28";

/// What every 2026-07-28 request carries in `_meta` instead of a handshake, plus `extra`.
fn per_request_meta(extra: Value) -> Value {
    let mut meta = json!({
        "io.modelcontextprotocol/protocolVersion": LATEST,
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    meta.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    meta
}

#[tokio::test]
async fn protocol_2026_07_28_discover_then_tool_calls_with_per_request_meta() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    fake.accept_key(BETA_KEY);
    let served = Served::start(&fake, "latest", &[]).await;

    // No initialize and no session: server/discover says what the server speaks.
    let discover = json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover",
        "params": {"_meta": per_request_meta(json!({}))}});
    let headers = [("mcp-protocol-version", LATEST), ("mcp-method", "server/discover")];
    let (status, response_headers, messages) = served.exchange(ACME_TOKEN, &headers, &discover).await;
    assert_eq!(status, 200, "{messages:?}");
    assert!(response_headers.get("mcp-session-id").is_none(), "stateless: no session");
    let discovered = &answer_to(&messages, 1)["result"];
    let versions = discovered["supportedVersions"].as_array().expect("supportedVersions");
    for version in [LATEST, "2025-11-25", "2025-06-18"] {
        assert!(versions.iter().any(|v| v == version), "{version} supported: {discovered}");
    }
    assert!(discovered["capabilities"]["tools"].is_object(), "{discovered}");
    assert_eq!(
        discovered["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "claude-code-connector",
        "{discovered}"
    );
    assert!(fake.requests().is_empty(), "discovery sends nothing upstream");

    // A call carries its lifecycle in _meta (and a progress token); each tenant's
    // reaches the API with its own key and is answered with a complete result.
    for (id, token, key) in [(2, ACME_TOKEN, FAKE_ADMIN_KEY), (3, BETA_TOKEN, BETA_KEY)] {
        let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {
            "name": "claude_code_list_users", "arguments": {"per_page": 2},
            "_meta": per_request_meta(json!({"progressToken": format!("progress-{id}")}))}});
        let headers =
            [("mcp-protocol-version", LATEST), ("mcp-method", "tools/call"), ("mcp-name", "claude_code_list_users")];
        let (status, _, messages) = served.exchange(token, &headers, &call).await;
        assert_eq!(status, 200, "{messages:?}");
        let result = &answer_to(&messages, id)["result"];
        assert_eq!(result["resultType"], "complete", "{result}");
        assert_eq!(result["isError"], false, "{result}");
        assert_eq!(result["structuredContent"]["data"].as_array().map(Vec::len), Some(2), "{result}");
        let requests = fake.requests();
        assert_eq!(requests.len(), 1, "{requests:?}");
        assert_eq!(key_of(&requests[0]), key, "the call used its own tenant's key");
        fake.clear_requests();
    }

    // The read-only tenant's write is refused on this protocol too, with nothing sent.
    let write = json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {
        "name": "claude_code_create_invite", "arguments": {"email": "x@example.com", "role": "user"},
        "_meta": per_request_meta(json!({}))}});
    let headers =
        [("mcp-protocol-version", LATEST), ("mcp-method", "tools/call"), ("mcp-name", "claude_code_create_invite")];
    let (_, _, messages) = served.exchange(BETA_TOKEN, &headers, &write).await;
    let refused = answer_to(&messages, 4);
    assert!(refused.to_string().contains("read-only") || refused.to_string().contains("read_only"), "{refused}");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());

    // Headers that disagree with the body are refused before the tool runs.
    let call = json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {
        "name": "claude_code_list_users", "arguments": {}, "_meta": per_request_meta(json!({}))}});
    let headers =
        [("mcp-protocol-version", LATEST), ("mcp-method", "tools/call"), ("mcp-name", "claude_code_get_org_info")];
    let (status, _, messages) = served.exchange(ACME_TOKEN, &headers, &call).await;
    assert_eq!(status, 400, "{messages:?}");
    assert_eq!(answer_to(&messages, 5)["error"]["code"], -32020, "{messages:?}");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());

    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
}

#[tokio::test]
async fn protocols_2025_06_18_and_2025_11_25_initialize_then_call() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let served = Served::start(&fake, "handshake", &[]).await;
    for version in ["2025-06-18", "2025-11-25"] {
        let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}});
        let (status, _, messages) = served.exchange(ACME_TOKEN, &[], &initialize).await;
        assert_eq!(status, 200, "{messages:?}");
        let result = &answer_to(&messages, 1)["result"];
        assert_eq!(result["protocolVersion"], version, "{result}");
        assert_eq!(result["serverInfo"]["name"], "claude-code-connector", "{result}");

        let headers = [("mcp-protocol-version", version)];
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let response = served
            .mcp_request(Some(ACME_TOKEN), &initialized)
            .header("mcp-protocol-version", version)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 202);

        let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "claude_code_get_org_info", "arguments": {}, "_meta": {"progressToken": 9}}});
        let (status, _, messages) = served.exchange(ACME_TOKEN, &headers, &call).await;
        assert_eq!(status, 200, "{messages:?}");
        let result = &answer_to(&messages, 2)["result"];
        assert_eq!(result["isError"], false, "{result}");
        assert!(result.get("resultType").is_none(), "no 2026-07-28 fields for a {version} client: {result}");
        assert_eq!(fake.requests().len(), 1);
        assert_eq!(key_of(&fake.requests()[0]), FAKE_ADMIN_KEY);
        fake.clear_requests();
    }
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
}

const CLIENTS: usize = 100;
const CALLS_PER_CLIENT: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_100_clients_over_two_tenants_each_answer_for_its_own_tenant() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    // beta's key is another organization's: `get_org_info` names whose key a call used.
    let beta_org = Organization { id: "org_beta_tenant".into(), name: "Beta Tenant Org".into() };
    fake.accept_key_of(BETA_KEY, beta_org.clone());
    let acme_org = fake.with_state(|dataset| dataset.organization.clone());
    assert_ne!(acme_org.name, beta_org.name);
    // Calls overlap at the fake, as a team's would.
    fake.set_latency(Duration::from_millis(20));
    let served = Served::start_with(&fake, "load", 100, &[]).await;
    let url = format!("{}/mcp", served.url);

    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (token, tenant, organization) = if client % 2 == 0 {
            (ACME_TOKEN, "acme", acme_org.name.clone())
        } else {
            (BETA_TOKEN, "beta", beta_org.name.clone())
        };
        let url = url.clone();
        clients.push(tokio::spawn(async move {
            // Each client its own connection pool, as separate team members' are.
            let http = reqwest::Client::new();
            let mut wrong = Vec::new();
            for call in 0..CALLS_PER_CLIENT {
                let id = client * CALLS_PER_CLIENT + call;
                let body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                    "params": {"name": "claude_code_get_org_info", "arguments": {}}});
                let response = http
                    .post(&url)
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .header("accept", "application/json, text/event-stream")
                    .body(body.to_string())
                    .send()
                    .await;
                let verdict = match response {
                    Err(error) => Some(format!("{tenant} call {id}: {error}")),
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let answer: Value =
                            serde_json::from_str(&response.text().await.unwrap_or_default()).unwrap_or(Value::Null);
                        let result = &answer["result"];
                        let ok = status == 200
                            && answer["id"] == id
                            && result["isError"] == false
                            && result["structuredContent"]["name"] == organization.as_str()
                            && result["content"][0]["text"].as_str().is_some_and(|text| text.contains(&organization));
                        (!ok).then(|| format!("{tenant} call {id}: HTTP {status} {answer}"))
                    }
                };
                wrong.extend(verdict);
            }
            wrong
        }));
    }
    let mut wrong = Vec::new();
    for client in clients {
        wrong.extend(client.await.expect("a client task"));
    }
    assert!(
        wrong.is_empty(),
        "{} of {} answers wrong, e.g. {:?}",
        wrong.len(),
        CLIENTS * CALLS_PER_CLIENT,
        &wrong[..wrong.len().min(3)]
    );

    // Upstream, every call was made once, with its own tenant's key, and answered.
    let requests = fake.requests();
    let half = CLIENTS * CALLS_PER_CLIENT / 2;
    assert_eq!(requests.iter().filter(|r| key_of(r) == FAKE_ADMIN_KEY).count(), half);
    assert_eq!(requests.iter().filter(|r| key_of(r) == BETA_KEY).count(), half);
    assert!(requests.iter().all(|r| r.status == 200 && r.path == "/v1/organizations/me"));
    assert!(fake.max_in_flight() > 1, "the calls overlapped");

    let (status, metrics, _) = served.get("/metrics", Some(METRICS_TOKEN)).await;
    assert_eq!(status, 200);
    for tenant in ["acme", "beta"] {
        let line = format!(
            "ccc_tool_calls_total{{tool=\"claude_code_get_org_info\",tenant=\"{tenant}\",outcome=\"ok\"}} {half}"
        );
        assert!(metrics.contains(&line), "{line} in {metrics}");
    }
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
}

/// The value of an unlabelled series on `/metrics`.
fn metric(text: &str, name: &str) -> u64 {
    let line = text.lines().find(|line| line.split(' ').next() == Some(name));
    line.and_then(|line| line.split(' ').nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name}: {text}"))
}

/// The cache's series on `/metrics`: hits, misses, stores, evictions, bytes held, budget.
async fn cache_counts(served: &Served) -> [u64; 6] {
    let (status, text, _) = served.get("/metrics", Some(METRICS_TOKEN)).await;
    assert_eq!(status, 200);
    assert!(text.contains("# TYPE ccc_cache_hits_total counter\n") && text.contains("# TYPE ccc_cache_bytes gauge\n"));
    let names = ["hits_total", "misses_total", "stores_total", "evictions_total", "bytes", "max_bytes"];
    names.map(|name| metric(&text, &format!("ccc_cache_{name}")))
}

#[tokio::test]
async fn the_tenants_share_one_cache_within_one_budget_counted_on_metrics() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    fake.accept_key(BETA_KEY);
    let week = json!({"start_date": "2026-03-01", "end_date": "2026-03-05"});
    let served = Served::start(&fake, "cache", &[]).await;
    assert_eq!(cache_counts(&served).await, [0, 0, 0, 0, 0, 16 << 20]);
    for upstream in [json!({"requests": 5, "cached_pages": 0}), json!({"requests": 0, "cached_pages": 5})] {
        let answer = served.call(ACME_TOKEN, "claude_code_get_code_analytics", week.clone()).await;
        assert_eq!(answer["result"]["structuredContent"]["upstream"], upstream, "{answer}");
        assert_eq!(answer["result"]["_meta"]["upstream"], upstream, "{answer}");
    }
    assert_eq!(fake.requests().len(), 5, "the second call's days came from the cache");
    let [hits, misses, stores, evictions, acme_bytes, _] = cache_counts(&served).await;
    assert_eq!([hits, misses, stores, evictions], [5, 5, 5, 0]);
    assert!(acme_bytes > 0);
    // Another tenant, another key: the same days are its own entries, in the same cache.
    served.call(BETA_TOKEN, "claude_code_get_code_analytics", week.clone()).await;
    served.call(BETA_TOKEN, "claude_code_get_code_analytics", week.clone()).await;
    assert_eq!(fake.requests().iter().filter(|r| key_of(r) == BETA_KEY).count(), 5);
    let [hits, misses, stores, evictions, bytes, _] = cache_counts(&served).await;
    assert_eq!([hits, misses, stores, evictions, bytes], [10, 10, 10, 0, 2 * acme_bytes]);
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");

    // One budget for the process, not one per tenant: with room for acme's five days
    // only, beta's five evict them.
    fake.clear_requests();
    let budget = acme_bytes.to_string();
    let served = Served::start(&fake, "cache-budget", &["--cache-bytes", &budget]).await;
    served.call(ACME_TOKEN, "claude_code_get_code_analytics", week.clone()).await;
    served.call(BETA_TOKEN, "claude_code_get_code_analytics", week.clone()).await;
    let [_, misses, stores, evictions, bytes, max_bytes] = cache_counts(&served).await;
    assert_eq!([misses, stores, evictions, bytes, max_bytes], [10, 10, 5, acme_bytes, acme_bytes]);
    served.call(ACME_TOKEN, "claude_code_get_code_analytics", week).await;
    assert_eq!(fake.requests().iter().filter(|r| key_of(r) == FAKE_ADMIN_KEY).count(), 10, "evicted: fetched again");
    let (code, stderr) = served.stop().await;
    assert_eq!(code, Some(0), "{stderr}");
}
