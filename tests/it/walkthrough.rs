//! spec/README.md "How to add a tool", for an endpoint the fake Admin API does not
//! emulate, with no Rust: `fixture_list_widgets` is appended at the end of `tools:` in
//! `tests/fixtures/presentation.yaml` (which build.rs generates, like the real spec). Its
//! output type's `example:` is what the fake (and so the sandbox) answers, saying it is
//! example data; its `examples:` call is its wire test; it is in `tools/list` after the
//! other tools of its group, and in the docs.

use claude_code_connector::pipeline::Connector;
use claude_code_connector::runtime::Http;
use fake_admin_api::{Dataset, FakeAdminApi};
use serde_json::json;

use crate::harness::{Harness, fast_config, text_of};
use crate::presentation::fixture;
use crate::tools_by_spec::{assert_sent_as_declared, example_calls};

const ENDPOINTS: &str = include_str!(concat!(env!("OUT_DIR"), "/presentation_fixture_endpoints.json"));
const TOOLS_MD: &str = include_str!(concat!(env!("OUT_DIR"), "/presentation_fixture_tools.md"));
const TOOL: &str = "fixture_list_widgets";
const NOTE: &str = "Sandbox data: a demo organization.";

async fn harness() -> Harness {
    let fake = FakeAdminApi::start(Dataset::empty()).await;
    let answered = fake.answer_from_spec(ENDPOINTS).expect("the fixture's endpoints");
    assert_eq!(answered, [TOOL], "the fake emulates every other endpoint of the fixture");
    let http = Http::new(fast_config(&fake.base_url())).unwrap();
    let connector = Connector::with_registry(&fixture::tools::REGISTRY, http)
        .with_audit(None)
        .with_result_note(NOTE)
        .with_example_tools(answered);
    Harness::serving(fake, connector).await
}

#[tokio::test]
async fn a_tool_for_an_endpoint_the_fake_does_not_emulate_answers_from_the_spec_example() {
    let h = harness().await;
    let result = h.call(TOOL, json!({})).await;
    assert_ne!(result.is_error, Some(true), "{}", text_of(&result));
    let out = result.structured_content.clone().expect("structuredContent");
    assert_eq!(
        out["data"],
        json!([{"id": "widget_01", "name": "Example widget", "created_at": "2026-03-01T00:00:00Z"}])
    );
    assert_eq!(out["has_more"], false);
    let text = text_of(&result);
    assert!(
        text.starts_with(&format!("{NOTE} Example data for {TOOL}:")),
        "the result says it is example data: {text}"
    );
    // As strict as the emulated endpoints: a query parameter the tool does not send is refused.
    let request = reqwest_free_get(&h.fake, "/v1/organizations/widgets?color=red").await;
    assert!(request.contains("400") && request.contains("color"), "{request}");
}

/// A query the connector never sends, straight to the fake: its answer's status line and body.
async fn reqwest_free_get(fake: &FakeAdminApi, path_and_query: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = fake.base_url().trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let request = format!(
        "GET {path_and_query} HTTP/1.1\r\nhost: {address}\r\nx-api-key: {}\r\nanthropic-version: 2023-06-01\r\nuser-agent: claude-code-connector/test\r\nconnection: close\r\n\r\n",
        fake_admin_api::FAKE_ADMIN_KEY
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test]
async fn its_example_call_sends_exactly_the_declared_request() {
    let calls = example_calls(ENDPOINTS);
    let call = calls.iter().find(|c| c.tool == TOOL).expect("the walkthrough tool declares an example call");
    let h = harness().await;
    let result = h.call(TOOL, call.arguments.clone()).await;
    assert_ne!(result.is_error, Some(true), "{}", text_of(&result));
    assert_sent_as_declared(call, &h.requests());
}

#[tokio::test]
async fn it_is_listed_after_the_tools_of_its_group_and_documented() {
    let h = harness().await;
    let names: Vec<String> = h.list_tools().await.into_iter().map(|t| t.name.to_string()).collect();
    assert_eq!(
        names,
        [
            "fixture_list_seats",
            "fixture_grant_seat",
            "fixture_list_teams",
            "fixture_list_keys",
            TOOL,
            "fixture_get_spend",
            "fixture_get_spend_live"
        ],
        "tools/list"
    );
    let sections: Vec<&str> = TOOLS_MD
        .lines()
        .take_while(|line| *line != "## Prompts")
        .filter(|line| line.starts_with("### "))
        .filter_map(|line| line.split('`').nth(1))
        .collect();
    assert_eq!(sections, names, "docs/tools.md has a section per tool, in tools/list order");
}
