//! The derivation of every `CodingToolMetrics` field, checked against the worked example
//! of the reference and the edge cases of each source.

use serde_json::{Value, json};

use super::*;

const START: &str = "2026-03-01";
const END: &str = "2026-03-02";

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// The Claude Code source over `start..=end`, records folded in as the tool does.
fn claude_code_over(items: Value, requests: u32, start: &str, end: &str) -> Fetched<CodeSummary> {
    let records: Vec<ClaudeCodeRecord> = serde_json::from_value(items).unwrap();
    let mut summary = CodeSummary::new(&Date::range(&day(start), &day(end)));
    let result = records.iter().try_for_each(|record| summary.add(record)).map(|()| summary);
    Fetched { result, requests }
}

/// The Claude Code source over the test period.
fn claude_code(items: Value, requests: u32) -> Fetched<CodeSummary> {
    claude_code_over(items, requests, START, END)
}

/// Generated-type values read from the API's JSON, as the paginators would return them.
fn drained<T: serde::de::DeserializeOwned>(items: Value, requests: u32) -> Fetched<T> {
    Fetched { result: Ok(serde_json::from_value(items).unwrap()), requests }
}

/// The cost source as `claude_code_get_cost_breakdown` delivers it: the exact total of every amount.
fn cost(buckets: Value, requests: u32) -> Fetched<Cents> {
    let buckets: Vec<crate::generated::types::CostBucket> = serde_json::from_value(buckets).unwrap();
    let amounts = buckets.iter().flat_map(|b| &b.results).map(|row| row.amount.as_str());
    let total = Cents::sum("/v1/organizations/cost_report", amounts);
    Fetched { result: total, requests }
}

fn failed<T>(error: Error) -> Fetched<T> {
    Fetched { result: Err(error), requests: 0 }
}

fn user_actor(email: &str) -> Value {
    json!({ "type": "user_actor", "email_address": email })
}

fn api_actor(name: &str) -> Value {
    json!({ "type": "api_actor", "api_key_name": name })
}

fn breakdown(model: &str, tokens: [u64; 4], cents: Value) -> Value {
    json!({
        "model": model,
        "tokens": { "input": tokens[0], "output": tokens[1], "cache_read": tokens[2], "cache_creation": tokens[3] },
        "estimated_cost": { "currency": "USD", "amount": cents }
    })
}

/// A Claude Code record: `core` is `[num_sessions, added, removed, commits, pull_requests]`.
fn record(date: &str, actor: Value, terminal: &str, core: [i64; 5], tool_actions: Value, models: Value) -> Value {
    json!({
        "date": date,
        "actor": actor,
        "organization_id": "dc9f6c26-b22c-4831-8d01-0446bada88f1",
        "customer_type": "api",
        "subscription_type": null,
        "terminal_type": terminal,
        "is_remote": false,
        "core_metrics": {
            "num_sessions": core[0],
            "lines_of_code": { "added": core[1], "removed": core[2] },
            "commits_by_claude_code": core[3],
            "pull_requests_by_claude_code": core[4]
        },
        "tool_actions": tool_actions,
        "model_breakdown": models
    })
}

const SONNET: &str = "claude-sonnet-4-5";
const OPUS: &str = "claude-opus-4-1";

/// The reference's worked example, with both spellings of `date`.
fn example_records() -> Value {
    json!([
        record(
            "2026-03-01",
            user_actor("ana@x.io"),
            "vscode",
            [1, 120, 30, 1, 1],
            json!({ "edit_tool": { "accepted": 8, "rejected": 2 } }),
            json!([breakdown(SONNET, [1000, 200, 50, 10], json!(250))]),
        ),
        record(
            "2026-03-01T00:00:00Z",
            api_actor("ci"),
            "vscode",
            [1, 10, 0, 0, 0],
            json!({}),
            json!([breakdown(SONNET, [100, 20, 0, 0], json!(50))]),
        ),
        record(
            "2026-03-02T00:00:00Z",
            user_actor("ana@x.io"),
            "iTerm.app",
            [2, 5, 1, 1, 0],
            json!({ "write_tool": { "accepted": 1, "rejected": 1 } }),
            json!([breakdown(OPUS, [300, 40, 5, 1], json!(30))]),
        ),
        record(
            "2026-03-02",
            user_actor("bo@x.io"),
            "vscode",
            [1, 0, 0, 0, 0],
            json!({}),
            json!([breakdown(SONNET, [0, 0, 0, 0], json!(0))]),
        ),
    ])
}

fn user(id: &str, email: &str, role: &str) -> Value {
    json!({ "id": id, "type": "user", "email": email, "name": email, "role": role,
            "added_at": "2025-03-01T10:00:00.000000Z" })
}

fn example_users() -> Value {
    json!([
        user("user_01", "ana@x.io", "developer"),
        user("user_02", "bo@x.io", "claude_code_user"),
        user("user_03", "cy@x.io", "admin"),
        user("user_04", "di@x.io", "billing"),
    ])
}

fn usage_row(model: &str, uncached: u64, h1: u64, m5: u64, read: u64, output: u64) -> Value {
    json!({ "model": model, "workspace_id": null, "api_key_id": null, "service_tier": null,
            "context_window": null, "inference_geo": null, "account_id": null, "service_account_id": null,
            "uncached_input_tokens": uncached, "cache_read_input_tokens": read, "output_tokens": output,
            "cache_creation": { "ephemeral_5m_input_tokens": m5, "ephemeral_1h_input_tokens": h1 },
            "server_tool_use": { "web_search_requests": 2 } })
}

fn example_usage() -> Value {
    json!([
        { "starting_at": "2026-03-01T00:00:00Z", "ending_at": "2026-03-02T00:00:00Z",
          "results": [usage_row(SONNET, 1200, 7, 100, 300, 450), usage_row(OPUS, 800, 0, 50, 0, 50)] },
        { "starting_at": "2026-03-02T00:00:00Z", "ending_at": "2026-03-03T00:00:00Z", "results": [] }
    ])
}

fn cost_bucket(starting_at: &str, amounts: &[&str]) -> Value {
    let rows: Vec<Value> = amounts
        .iter()
        .map(|amount| json!({ "amount": amount, "currency": "USD", "workspace_id": null, "description": null }))
        .collect();
    json!({ "starting_at": starting_at, "ending_at": "2026-03-03T00:00:00Z", "results": rows })
}

fn example_cost() -> Value {
    json!([cost_bucket("2026-03-01T00:00:00Z", &["812.50", "0.5"]), cost_bucket("2026-03-02T00:00:00Z", &["187.5"])])
}

fn example_sources() -> SourceResults {
    SourceResults {
        claude_code: claude_code(example_records(), 2),
        messages_usage: drained(example_usage(), 1),
        cost_report: cost(example_cost(), 1),
        users: drained(example_users(), 1),
    }
}

fn run(sources: SourceResults) -> Result<CodingToolMetrics, Error> {
    aggregate(&day(START), &day(END), sources)
}

fn always_unavailable() -> Vec<String> {
    vec!["total_lines_suggested".to_string(), "usage_by_language".to_string()]
}

#[test]
fn worked_example() {
    let m = run(example_sources()).unwrap();
    assert_eq!(m.tool_name, "claude_code");
    assert_eq!(m.period, "2026-03-01/2026-03-02");
    assert_eq!(m.total_seats, Some(4));
    assert_eq!(m.active_seats, Some(2));
    assert_eq!(m.seat_utilization_pct, Some(50.0));
    assert_eq!(m.inactive_seats, Some(2));
    assert_eq!(m.total_suggestions, Some(12));
    assert_eq!(m.total_acceptances, Some(9));
    assert_eq!(m.acceptance_rate_pct, Some(75.0));
    assert_eq!(m.total_lines_suggested, None);
    assert_eq!(m.total_lines_accepted, Some(135));
    assert_eq!(m.total_chat_interactions, Some(5));
    assert_eq!(
        m.metadata.daily_active_users_by_day,
        Some(BTreeMap::from([("2026-03-01".to_string(), 1), ("2026-03-02".to_string(), 2)]))
    );
    assert_eq!(m.daily_active_users, Some(2));
    assert_eq!(m.total_cost_usd, Some(3.30));
    assert_eq!(m.cost_per_user_usd, Some(1.65));
    assert_eq!(m.cost_per_accepted_suggestion_usd, Some(0.3667));
    assert_eq!(m.usage_by_language, None);
    assert_eq!(m.metadata.unavailable_fields, always_unavailable());
    assert!(!m.metadata.partial);

    let editors = m.usage_by_editor.unwrap();
    assert_eq!(
        editors,
        BTreeMap::from([
            ("iTerm.app".to_string(), EditorUsage { sessions: 2, lines_added: 5, lines_removed: 1, active_users: 1 }),
            // ana and bo; the api actor's session and lines count, the actor does not.
            ("vscode".to_string(), EditorUsage { sessions: 3, lines_added: 130, lines_removed: 30, active_users: 2 }),
        ])
    );
    let models = m.usage_by_model.unwrap();
    assert_eq!(
        models,
        BTreeMap::from([
            (
                OPUS.to_string(),
                ModelUsage {
                    input_tokens: 300,
                    output_tokens: 40,
                    cache_read_tokens: 5,
                    cache_creation_tokens: 1,
                    estimated_cost_usd: 0.30
                }
            ),
            (
                SONNET.to_string(),
                ModelUsage {
                    input_tokens: 1100,
                    output_tokens: 220,
                    cache_read_tokens: 50,
                    cache_creation_tokens: 10,
                    estimated_cost_usd: 3.00
                }
            ),
        ])
    );

    // 812.50 + 0.5 + 187.5 = 1000.5 cents = $10.005, rounded once: 10.01.
    assert_eq!(m.metadata.organization_api_cost_usd, Some(10.01));
    assert_eq!(
        m.metadata.organization_tokens,
        Some(OrganizationTokens {
            uncached_input_tokens: 2000,
            cache_creation_input_tokens: 157,
            cache_read_input_tokens: 300,
            output_tokens: 500,
        })
    );
    assert_eq!(m.metadata.commits_by_claude_code, Some(2));
    assert_eq!(m.metadata.pull_requests_by_claude_code, Some(1));
    let requests: Vec<(&str, SourceState, u32)> =
        m.metadata.sources.iter().map(|(name, s)| (name.as_str(), s.status, s.requests)).collect();
    assert_eq!(
        requests,
        [
            ("claude_code", SourceState::Ok, 2),
            ("cost_report", SourceState::Ok, 1),
            ("messages_usage", SourceState::Ok, 1),
            ("users", SourceState::Ok, 1),
        ]
    );
    assert!(m.metadata.sources.values().all(|s| s.error.is_none()));
}

#[test]
fn json_keeps_nulls_in_the_reference_order_and_round_trips() {
    let m = run(example_sources()).unwrap();
    let value = serde_json::to_value(&m).unwrap();
    let object = value.as_object().unwrap();
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "tool_name",
            "period",
            "total_seats",
            "active_seats",
            "seat_utilization_pct",
            "inactive_seats",
            "total_suggestions",
            "total_acceptances",
            "acceptance_rate_pct",
            "total_lines_suggested",
            "total_lines_accepted",
            "total_chat_interactions",
            "daily_active_users",
            "total_cost_usd",
            "cost_per_user_usd",
            "cost_per_accepted_suggestion_usd",
            "usage_by_language",
            "usage_by_editor",
            "usage_by_model",
            "metadata",
        ]
    );
    assert_eq!(object["total_lines_suggested"], Value::Null);
    assert_eq!(object["usage_by_language"], Value::Null);
    assert_eq!(object["total_cost_usd"], json!(3.3));
    assert_eq!(object["metadata"]["sources"]["users"], json!({ "status": "ok", "requests": 1 }));
    let back: CodingToolMetrics = serde_json::from_value(value).unwrap();
    assert_eq!(back, m);

    let schema = crate::runtime::schema_of::<CodingToolMetrics>();
    assert_eq!(schema.get("type"), Some(&json!("object")));
    let properties = schema.get("properties").and_then(Value::as_object).unwrap();
    assert_eq!(properties.len(), 20);
}

/// Which source fails in a test, and the fields it must null.
struct Failure {
    source: &'static str,
    nulls: &'static [&'static str],
}

const CODE_FIELDS: &[&str] = &[
    "acceptance_rate_pct",
    "active_seats",
    "cost_per_accepted_suggestion_usd",
    "cost_per_user_usd",
    "daily_active_users",
    "inactive_seats",
    "seat_utilization_pct",
    "total_acceptances",
    "total_chat_interactions",
    "total_cost_usd",
    "total_lines_accepted",
    "total_suggestions",
    "usage_by_editor",
    "usage_by_model",
];

fn transport(message: &str) -> Error {
    Error::Transport(message.to_string())
}

fn sources_failing(source: &str) -> SourceResults {
    let mut sources = example_sources();
    let cause = || transport(&format!("{source} connection reset"));
    match source {
        "claude_code" => sources.claude_code = failed(cause()),
        "messages_usage" => sources.messages_usage = failed(cause()),
        "cost_report" => sources.cost_report = failed(cause()),
        "users" => sources.users = failed(cause()),
        other => panic!("unknown source {other}"),
    }
    sources
}

#[test]
fn each_failing_source_nulls_what_needs_it() {
    let failures = [
        Failure { source: "claude_code", nulls: CODE_FIELDS },
        Failure { source: "messages_usage", nulls: &[] },
        Failure { source: "cost_report", nulls: &[] },
        Failure { source: "users", nulls: &["inactive_seats", "seat_utilization_pct", "total_seats"] },
    ];
    for failure in failures {
        let m = run(sources_failing(failure.source)).unwrap();
        let mut expected: Vec<String> = always_unavailable();
        expected.extend(failure.nulls.iter().map(|s| s.to_string()));
        expected.sort();
        assert_eq!(m.metadata.unavailable_fields, expected, "{}", failure.source);
        assert!(m.metadata.partial, "{}", failure.source);
        for (name, status) in &m.metadata.sources {
            if name == failure.source {
                assert_eq!(status.status, SourceState::Error);
                assert_eq!(status.requests, 0);
                assert_eq!(
                    status.error.as_deref(),
                    Some(format!("could not reach the Admin API: {name} connection reset").as_str())
                );
            } else {
                assert_eq!(status.status, SourceState::Ok, "{name} while {} fails", failure.source);
                assert!(status.error.is_none());
            }
        }
        let value = serde_json::to_value(&m).unwrap();
        for field in &m.metadata.unavailable_fields {
            assert_eq!(value[field.as_str()], Value::Null, "{field}");
        }
        let meta = &m.metadata;
        match failure.source {
            "claude_code" => {
                assert_eq!(m.total_seats, Some(4));
                assert_eq!(meta.daily_active_users_by_day, None);
                assert_eq!(meta.commits_by_claude_code, None);
                assert_eq!(meta.pull_requests_by_claude_code, None);
                assert_eq!(meta.organization_api_cost_usd, Some(10.01));
            }
            "messages_usage" => {
                assert_eq!(meta.organization_tokens, None);
                assert_eq!(meta.organization_api_cost_usd, Some(10.01));
            }
            "cost_report" => {
                assert_eq!(meta.organization_api_cost_usd, None);
                assert!(meta.organization_tokens.is_some());
                assert_eq!(m.total_cost_usd, Some(3.30));
            }
            _ => {
                assert_eq!(m.active_seats, Some(2));
                assert_eq!(m.total_seats, None);
            }
        }
    }
}

#[test]
fn all_sources_failing_is_an_error_naming_each_cause() {
    let sources = SourceResults {
        claude_code: failed(transport("timed out")),
        messages_usage: failed(Error::Api(ApiError {
            status: 500,
            error_type: Some("api_error".into()),
            message: "boom".into(),
            request_id: None,
            retry_after: None,
            subject: None,
        })),
        cost_report: failed(Error::Decode { path: "/v1/organizations/cost_report".into(), message: "bad json".into() }),
        users: failed(transport("connection refused")),
    };
    let error = run(sources).unwrap_err();
    assert!(matches!(error, Error::Transport(_)));
    assert_eq!(
        error.to_string(),
        "could not reach the Admin API: all four sources failed: \
         claude_code: could not reach the Admin API: timed out; \
         messages_usage: Admin API error 500 api_error: boom. Hint: the API is having trouble; try again shortly; \
         cost_report: unexpected response from /v1/organizations/cost_report: bad json; \
         users: could not reach the Admin API: connection refused"
    );
}

#[test]
fn all_sources_failing_alike_keeps_the_api_error() {
    let unauthorized = |id: &str| {
        Error::Api(ApiError {
            status: 401,
            error_type: Some("authentication_error".into()),
            message: "invalid x-api-key".into(),
            request_id: Some(id.to_string()),
            retry_after: None,
            subject: None,
        })
    };
    let sources = SourceResults {
        claude_code: failed(unauthorized("req_1")),
        messages_usage: failed(unauthorized("req_2")),
        cost_report: failed(unauthorized("req_3")),
        users: failed(unauthorized("req_4")),
    };
    let error = run(sources).unwrap_err();
    let Error::Api(api) = &error else { panic!("expected the API error, got {error:?}") };
    assert_eq!(api.status, 401);
    assert_eq!(api.request_id.as_deref(), Some("req_1"));
    let text = error.to_string();
    assert!(
        text.starts_with(
            "Admin API error 401 authentication_error: invalid x-api-key \
             (all four sources failed alike: claude_code, messages_usage, cost_report, users) (request id req_1)"
        ),
        "{text}"
    );
    assert!(text.contains("Hint: the Admin API needs an Admin API key"), "{text}");
}

#[test]
fn three_failing_sources_still_answer() {
    let mut sources = sources_failing("claude_code");
    sources.messages_usage = failed(transport("x"));
    sources.users = failed(transport("y"));
    let m = run(sources).unwrap();
    assert!(m.metadata.partial);
    assert_eq!(m.metadata.organization_api_cost_usd, Some(10.01));
    assert_eq!(m.metadata.unavailable_fields.len(), CODE_FIELDS.len() + 3);
}

#[test]
fn zero_suggestions_null_the_rates_that_divide_by_them() {
    let mut sources = example_sources();
    sources.claude_code =
        claude_code(json!([record(START, user_actor("ana@x.io"), "vscode", [1, 3, 0, 0, 0], json!({}), json!([]))]), 2);
    let m = run(sources).unwrap();
    assert_eq!(m.total_suggestions, Some(0));
    assert_eq!(m.total_acceptances, Some(0));
    assert_eq!(m.acceptance_rate_pct, None);
    assert_eq!(m.cost_per_accepted_suggestion_usd, None);
    assert_eq!(m.total_cost_usd, Some(0.0));
    assert_eq!(m.cost_per_user_usd, Some(0.0));
    assert_eq!(m.usage_by_model, Some(BTreeMap::new()));
    assert!(!m.metadata.partial);
    let mut expected = always_unavailable();
    expected.extend(["acceptance_rate_pct".to_string(), "cost_per_accepted_suggestion_usd".to_string()]);
    expected.sort();
    assert_eq!(m.metadata.unavailable_fields, expected);
}

#[test]
fn no_activity_and_no_users() {
    let sources = SourceResults {
        claude_code: claude_code(json!([]), 2),
        messages_usage: drained(json!([]), 1),
        cost_report: cost(json!([]), 1),
        users: drained(json!([]), 1),
    };
    let m = run(sources).unwrap();
    assert_eq!(m.total_seats, Some(0));
    assert_eq!(m.active_seats, Some(0));
    assert_eq!(m.seat_utilization_pct, None);
    assert_eq!(m.inactive_seats, Some(0));
    assert_eq!(m.daily_active_users, Some(0));
    assert_eq!(m.cost_per_user_usd, None);
    assert_eq!(
        m.metadata.daily_active_users_by_day,
        Some(BTreeMap::from([("2026-03-01".to_string(), 0), ("2026-03-02".to_string(), 0)]))
    );
    assert_eq!(m.metadata.organization_api_cost_usd, Some(0.0));
    let mut expected = always_unavailable();
    expected.extend(
        ["acceptance_rate_pct", "cost_per_accepted_suggestion_usd", "cost_per_user_usd", "seat_utilization_pct"]
            .map(String::from),
    );
    expected.sort();
    assert_eq!(m.metadata.unavailable_fields, expected);
}

#[test]
fn fractional_cents_are_summed_exactly_and_rounded_once() {
    let mut sources = example_sources();
    sources.cost_report = cost(json!([cost_bucket("2026-03-01T00:00:00Z", &["0.5", "0.5"])]), 1);
    sources.claude_code = claude_code(
        json!([record(
            START,
            user_actor("ana@x.io"),
            "vscode",
            [1, 0, 0, 0, 0],
            json!({ "edit_tool": { "accepted": 3, "rejected": 0 } }),
            json!([breakdown(SONNET, [1, 1, 0, 0], json!(0.5)), breakdown(SONNET, [1, 1, 0, 0], json!(0.5))])
        ),]),
        2,
    );
    let m = run(sources).unwrap();
    // Each 0.5 cent alone would round to $0.01; summed first, 1 cent is $0.01.
    assert_eq!(m.metadata.organization_api_cost_usd, Some(0.01));
    assert_eq!(m.total_cost_usd, Some(0.01));
    assert_eq!(m.usage_by_model.unwrap()[SONNET].estimated_cost_usd, 0.01);
    // 1 cent / 3 acceptances = $0.00333.. → 0.0033
    assert_eq!(m.cost_per_accepted_suggestion_usd, Some(0.0033));
    assert_eq!(m.cost_per_user_usd, Some(0.01));
}

#[test]
fn a_malformed_amount_fails_its_source_not_zero() {
    let mut sources = example_sources();
    sources.cost_report = cost(json!([cost_bucket("2026-03-01T00:00:00Z", &["12.5", "1e3"])]), 3);
    let m = run(sources).unwrap();
    assert_eq!(m.metadata.organization_api_cost_usd, None);
    assert!(m.metadata.partial);
    let status = &m.metadata.sources["cost_report"];
    assert_eq!(status.status, SourceState::Error);
    assert_eq!(status.requests, 3);
    let error = status.error.as_deref().unwrap();
    assert!(error.contains("/v1/organizations/cost_report") && error.contains("`1e3`"), "{error}");
    // Only top-level fields are listed: the cost report feeds none of them.
    assert_eq!(m.metadata.unavailable_fields, always_unavailable());
}

#[test]
fn a_negative_count_is_refused_when_decoding_so_its_source_fails() {
    // Counts are `count` in the spec (u64): the response does not decode, the fetch fails.
    let negative = json!([record(START, user_actor("ana@x.io"), "vscode", [-1, 0, 0, 0, 0], json!({}), json!([]))]);
    let error = serde_json::from_value::<Vec<ClaudeCodeRecord>>(negative).unwrap_err();
    assert!(error.to_string().contains("expected u64"), "{error}");
}

#[test]
fn a_date_that_is_not_a_day_fails_the_claude_code_source() {
    let mut sources = example_sources();
    sources.claude_code = claude_code(
        json!([record("03/01/2026", user_actor("ana@x.io"), "vscode", [1, 0, 0, 0, 0], json!({}), json!([]))]),
        2,
    );
    let m = run(sources).unwrap();
    assert_eq!(m.metadata.sources["claude_code"].status, SourceState::Error);
}

#[test]
fn daily_active_users_average_all_days_and_ignore_other_days() {
    let mut sources = example_sources();
    let one =
        |date: &str, email: &str| record(date, user_actor(email), "vscode", [1, 1, 0, 0, 0], json!({}), json!([]));
    // Three days: 1, 0, 1 distinct users (ana twice on day 1) → mean 0.67 → 1; a record
    // from a day outside the period counts nowhere.
    sources.claude_code = claude_code_over(
        json!([
            one("2026-03-01", "ana@x.io"),
            one("2026-03-01T00:00:00Z", "ana@x.io"),
            one("2026-03-03", "bo@x.io"),
            one("2026-02-28", "cy@x.io"),
            record("2026-03-03", api_actor("ci"), "vscode", [4, 0, 0, 0, 0], json!({}), json!([])),
        ]),
        3,
        "2026-03-01",
        "2026-03-03",
    );
    let m = aggregate(&day("2026-03-01"), &day("2026-03-03"), sources).unwrap();
    assert_eq!(m.daily_active_users, Some(1));
    assert_eq!(m.active_seats, Some(2));
    assert_eq!(m.total_chat_interactions, Some(7));
    assert_eq!(m.total_lines_accepted, Some(3));
    assert_eq!(
        m.metadata.daily_active_users_by_day,
        Some(BTreeMap::from([
            ("2026-03-01".to_string(), 1),
            ("2026-03-02".to_string(), 0),
            ("2026-03-03".to_string(), 1),
        ]))
    );
}

#[test]
fn rounding_is_half_away_from_zero() {
    assert_eq!(percent(1, 3), Some(33.33));
    assert_eq!(percent(2, 3), Some(66.67));
    assert_eq!(percent(1, 32), Some(3.13));
    assert_eq!(percent(5, 4), Some(125.0));
    assert_eq!(percent(1, 0), None);
    let summary = |counts: &[usize]| {
        let days: Vec<Date> = (1..=counts.len() as u32).map(|d| Date::from_ymd(2026, 1, d).unwrap()).collect();
        let mut summary = CodeSummary::new(&days);
        for (users, n) in summary.users_by_day.values_mut().zip(counts) {
            (0..*n as i64).for_each(|u| {
                users.insert(u);
            });
        }
        summary
    };
    assert_eq!(summary(&[1, 0]).daily_active_users(), 1);
    assert_eq!(summary(&[1, 0, 0]).daily_active_users(), 0);
    assert_eq!(summary(&[2, 1, 0, 0]).daily_active_users(), 1);
    assert_eq!(summary(&[5, 0, 0, 0]).daily_active_users(), 1);
    assert_eq!(summary(&[3, 0, 0, 0]).daily_active_users(), 1);
    assert_eq!(summary(&[1, 0, 0, 0]).daily_active_users(), 0);
}
