//! `completion/complete` through MCP against the fake: every prompt argument completes
//! from what the spec declares (date words, enum values, organization objects fetched
//! by a read-only list tool), filtered by what was typed; the organization is read with
//! GETs of list endpoints only, once per minute; unknown prompts and arguments get a
//! JSON-RPC error that names them.

use claude_code_connector::pipeline::Connector;
use claude_code_connector::pipeline::policy::Policy;
use claude_code_connector::runtime::Http;
use fake_admin_api::FakeAdminApi;
use rmcp::model::{ArgumentInfo, CompleteRequestParams, CompletionInfo, Reference};
use serde_json::json;

use crate::harness::{Harness, fast_config, query_of};
use crate::presentation::fixture;
use crate::tools::seed;

async fn complete(h: &Harness, prompt: &str, argument: &str, typed: &str) -> CompletionInfo {
    try_complete(h, Reference::for_prompt(prompt), argument, typed)
        .await
        .unwrap_or_else(|e| panic!("{prompt}.{argument} `{typed}`: {e}"))
}

async fn try_complete(
    h: &Harness,
    reference: Reference,
    argument: &str,
    typed: &str,
) -> Result<CompletionInfo, rmcp::ServiceError> {
    let params = CompleteRequestParams::new(reference, ArgumentInfo::new(argument, typed));
    h.mcp.complete(params).await.map(|result| result.completion)
}

/// The fixture spec (`tests/fixtures/presentation.yaml`), whose prompt has every kind
/// of argument, served over MCP against the fake with the real spec's seed data.
async fn fixture_harness() -> Harness {
    let fake = FakeAdminApi::start(seed()).await;
    let http = Http::new(fast_config(&fake.base_url())).unwrap();
    let connector = Connector::with_registry(&fixture::tools::REGISTRY, http).with_audit(None);
    Harness::serving(fake, connector).await
}

#[tokio::test]
async fn the_server_advertises_completions() {
    let h = Harness::start(seed()).await;
    let info = h.mcp.peer_info().expect("initialized");
    assert!(info.capabilities.completions.is_some(), "{:?}", info.capabilities);
}

#[tokio::test]
async fn date_arguments_complete_from_the_date_words_of_their_span() {
    let h = Harness::start(seed()).await;
    let day = complete(&h, "cost_spike_investigation", "date", "").await;
    assert_eq!(day.values, ["today", "yesterday"], "one day: no month words");
    assert_eq!(complete(&h, "cost_spike_investigation", "date", "7").await.values, ["7-days-ago"]);
    let month = complete(&h, "monthly_spend_report", "month", "").await;
    assert_eq!(month.values, ["this-month", "last-month"]);
    assert_eq!(complete(&h, "monthly_spend_report", "month", "La").await.values, ["last-month"]);
    let start = complete(&h, "seat_utilization_review", "start_date", "").await;
    assert_eq!(start.values, ["today", "yesterday", "this-month", "last-month", "this-quarter", "last-quarter"]);
    assert_eq!((start.total, start.has_more), (Some(6), Some(false)));
    assert!(h.requests().is_empty(), "date words need no request");
}

#[tokio::test]
async fn emails_complete_from_the_organization_through_one_list_request_per_minute() {
    let h = Harness::start(seed()).await;
    let emails = complete(&h, "offboarding_checklist", "email", "person0").await;
    let expected: Vec<String> = (1..=9).map(|i| format!("person{i:02}@acme.io")).collect();
    assert_eq!(emails.values, expected);
    assert_eq!((emails.total, emails.has_more), (Some(9), Some(false)));
    let requests = h.take_requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("GET", "/v1/organizations/users"));
    assert_eq!(requests[0].query, [("limit".to_string(), "100".to_string())], "one page of 100");

    let again = complete(&h, "offboarding_checklist", "email", "PERSON6").await;
    assert_eq!(again.values.len(), 6, "person60..person65: {:?}", again.values);
    assert!(h.requests().is_empty(), "a second completion within the TTL is answered from the cache");
}

#[tokio::test]
async fn every_kind_of_argument_completes_and_only_lists_are_read() {
    let h = fixture_harness().await;
    assert_eq!(complete(&h, "team_review", "team", "wrkspc_p").await.values, ["wrkspc_prod"]);
    let teams = complete(&h, "team_review", "team", "").await;
    assert_eq!(teams.values, ["wrkspc_prod", "wrkspc_dev"], "the fake lists active workspaces");
    assert_eq!(complete(&h, "team_review", "key", "apikey_").await.values, ["apikey_a", "apikey_b", "apikey_c"]);
    assert_eq!(complete(&h, "team_review", "holder", "person65").await.values, ["person65@acme.io"]);
    assert_eq!(complete(&h, "team_review", "focus", "s").await.values, ["spend", "seats"]);
    assert_eq!(complete(&h, "team_review", "focus", "").await.values, ["spend", "seats", "keys"]);
    assert_eq!(complete(&h, "team_review", "since", "l").await.values, ["last-month", "last-quarter"]);
    assert_eq!(complete(&h, "team_review", "day", "30").await.values, ["30-days-ago"]);
    assert_eq!(complete(&h, "team_review", "month", "t").await.values, ["this-month"]);
    let free = complete(&h, "team_review", "note", "any").await;
    assert!(free.values.is_empty() && free.has_more == Some(false), "free text completes nothing: {free:?}");

    let mut seen: Vec<String> =
        h.requests().iter().map(|r| format!("{} {}?{}", r.method, r.path, query_of(r).join("&"))).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            "GET /v1/organizations/api_keys?limit=50",
            "GET /v1/organizations/users?limit=100",
            "GET /v1/organizations/workspaces?limit=100",
        ],
        "one GET of each list endpoint (the spec's per_page maximum), nothing else"
    );
}

#[tokio::test]
async fn a_list_tool_the_policy_hides_completes_nothing_and_sends_nothing() {
    let fake = FakeAdminApi::start(seed()).await;
    let definitions = claude_code_connector::generated::tools::DEFINITIONS;
    let policy = Policy::default().tools("get_*", definitions).unwrap();
    let http = Http::new(fast_config(&fake.base_url())).unwrap();
    let h = Harness::serving(fake, Connector::new(http).with_audit(None).with_policy(policy)).await;
    let emails = complete(&h, "offboarding_checklist", "email", "person").await;
    assert!(emails.values.is_empty(), "{emails:?}");
    assert!(h.requests().is_empty(), "claude_code_list_users is not exposed, so it is not run");
}

#[tokio::test]
async fn unknown_prompts_arguments_and_references_get_a_clear_error() {
    let h = Harness::start(seed()).await;
    for (reference, argument, says) in [
        (
            Reference::for_prompt("no_such_prompt"),
            "month",
            "unknown prompt: no_such_prompt; the prompts are: monthly_spend_report",
        ),
        (
            Reference::for_prompt("monthly_spend_report"),
            "year",
            "prompt monthly_spend_report has no argument `year`; it takes: month",
        ),
        (Reference::for_resource("file:///x"), "path", "only prompt arguments complete"),
    ] {
        let error = try_complete(&h, reference, argument, "").await.expect_err("refused").to_string();
        assert!(error.contains(says), "{error}");
    }
    assert!(h.requests().is_empty());
}

#[tokio::test]
async fn an_enum_prompt_argument_refuses_other_values() {
    let h = fixture_harness().await;
    let arguments = json!({"team": "wrkspc_prod", "focus": "everything"});
    let params =
        rmcp::model::GetPromptRequestParams::new("team_review").with_arguments(arguments.as_object().unwrap().clone());
    let error = h.mcp.get_prompt(params).await.expect_err("refused").to_string();
    assert!(error.contains("`focus`") && error.contains("must be one of: spend, seats, keys"), "{error}");
    let params = rmcp::model::GetPromptRequestParams::new("team_review")
        .with_arguments(json!({"team": "wrkspc_prod"}).as_object().unwrap().clone());
    let text: String = h
        .mcp
        .get_prompt(params)
        .await
        .unwrap()
        .messages
        .iter()
        .filter_map(|m| m.content.as_text().map(|t| t.text.clone()))
        .collect();
    assert!(text.contains("(spend)"), "the default is one of the values: {text}");
}
