//! The real binary over stdio, as Claude Desktop runs it: only JSON-RPC on stdout,
//! logs on stderr, the key never printed, and without a key a server that says what to fill in.

use fake_admin_api::{FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::json;

use crate::binary;
use crate::tools::seed;

#[tokio::test]
async fn the_binary_speaks_mcp_on_stdout_and_logs_only_to_stderr() {
    let fake = FakeAdminApi::start(seed()).await;
    let mut command = binary::serving(FAKE_ADMIN_KEY, &fake.base_url());
    command.env("RUST_LOG", "debug");
    let mut server = binary::spawn(&mut command);
    let messages = [
        json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"0"}}}),
        json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
        json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}),
        json!({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"claude_code_list_users","arguments":{"page":3,"per_page":20}}}),
        json!({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"claude_code_list_users","arguments":{"per_page":500}}}),
    ];
    let responses = server.exchange(&messages).await;
    let init = &responses[&1]["result"];
    assert_eq!(init["serverInfo"]["name"], "claude-code-connector");
    assert_eq!(init["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(init["instructions"].as_str().unwrap().contains("Admin API"));
    assert_eq!(
        responses[&2]["result"]["tools"].as_array().unwrap().len(),
        claude_code_connector::generated::tools::DEFINITIONS.len()
    );
    let list = responses[&2]["result"].as_object().unwrap();
    assert!(!list.contains_key("ttlMs") && !list.contains_key("cacheScope"), "not in protocol 2025-06-18");
    let users = &responses[&3]["result"]["structuredContent"]["data"];
    assert_eq!(users[0]["id"], "user_41");
    assert_eq!(responses[&4]["result"]["isError"], true);
    assert!(responses[&4]["result"]["content"][0]["text"].as_str().unwrap().contains("`per_page`"));

    let (status, stderr) = server.finish().await;
    assert!(status.success());
    assert!(!stderr.contains(FAKE_ADMIN_KEY), "the key must never be logged, even at debug");
    assert!(stderr.contains("request"), "debug logs go to stderr: {stderr}");
}

#[tokio::test]
async fn without_a_key_the_server_starts_and_every_call_says_what_to_fill_in() {
    let mut server = binary::spawn(&mut binary::command(&[]));
    let answers = server
        .exchange(&[
            json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"0"}}}),
            json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
            json!({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"claude_code_list_users","arguments":{}}}),
        ])
        .await;
    assert!(answers[&1]["result"]["instructions"].as_str().unwrap().starts_with("This connector is not set up yet"));
    let call = &answers[&2]["result"];
    assert_eq!(call["isError"], true, "{call}");
    let text = call["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("ANTHROPIC_ADMIN_API_KEY") && text.contains("sk-ant-admin") && text.contains("--sandbox"),
        "{text}"
    );
    let (status, stderr) = server.finish().await;
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("not set up yet"), "said on stderr too: {stderr}");
}

#[tokio::test]
async fn a_plain_http_base_url_that_is_not_loopback_is_refused() {
    let output = binary::run(
        &[],
        &[("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY), ("CLAUDE_CODE_CONNECTOR_BASE_URL", "http://api.example.com")],
    )
    .await;
    assert_ne!(output.code, Some(0));
    let stderr = &output.stderr;
    assert!(stderr.contains("only https is allowed"), "{stderr}");
    assert!(!stderr.contains(FAKE_ADMIN_KEY));
}

#[tokio::test]
async fn an_ordinary_api_key_gets_a_warning() {
    let output = binary::run(
        &[],
        &[
            ("ANTHROPIC_ADMIN_API_KEY", "sk-ant-api03-not-an-admin-key"),
            ("CLAUDE_CODE_CONNECTOR_BASE_URL", "http://127.0.0.1:9"),
        ],
    )
    .await;
    let stderr = &output.stderr;
    assert!(stderr.contains("does not start with sk-ant-admin"), "{stderr}");
    assert!(!stderr.contains("not-an-admin-key"), "the key itself is never printed");
}

#[tokio::test]
async fn a_fan_out_concurrency_outside_its_bounds_is_refused() {
    let output = binary::run(&["--concurrency", "0"], &[("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY)]).await;
    assert_eq!(output.code, Some(2), "a usage error");
    let stderr = &output.stderr;
    assert!(stderr.contains("--concurrency") && stderr.contains("1..=64"), "{stderr}");
}

#[tokio::test]
async fn over_protocol_2026_07_28_the_lists_say_they_last_a_day() {
    let fake = FakeAdminApi::start(seed()).await;
    let mut server = binary::spawn(&mut binary::serving(FAKE_ADMIN_KEY, &fake.base_url()));
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "0"}
    });
    let messages = [
        json!({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta": meta}}),
        json!({"jsonrpc":"2.0","id":2,"method":"prompts/list","params":{"_meta": meta}}),
        json!({"jsonrpc":"2.0","id":3,"method":"completion/complete","params":{"_meta": meta,
            "ref": {"type": "ref/prompt", "name": "monthly_spend_report"},
            "argument": {"name": "month", "value": "last"}}}),
    ];
    let responses = server.exchange(&messages).await;
    let day_ms = claude_code_connector::pipeline::STATIC_LIST_TTL.as_millis() as u64;
    assert_eq!(day_ms, 86_400_000);
    for id in [1, 2] {
        let result = &responses[&id]["result"];
        assert_eq!(result["ttlMs"], day_ms, "answer {id}");
        assert_eq!(result["cacheScope"], "private", "answer {id}: the tools follow this server's policy");
    }
    assert!(!responses[&1]["result"]["tools"].as_array().unwrap().is_empty());
    assert_eq!(responses[&3]["result"]["completion"]["values"], json!(["last-month"]), "{}", responses[&3]);
    let (status, _) = server.finish().await;
    assert!(status.success());
}
