//! Upstream failures become `isError` results that help; reads retry, writes never do
//! once they may have reached the API. Every rule is proven by counting the requests
//! the fake received (no timing assertions: the machine is noisy).

use std::time::Duration;

use claude_code_connector::Client;
use claude_code_connector::generated::args::{CreateInviteArgs, CreateInviteRole, GetOrgInfoArgs};
use claude_code_connector::runtime::{AdminKey, Error, Http, HttpConfig};
use fake_admin_api::{FakeAdminApi, Fault};
use serde_json::json;

use crate::harness::{Harness, arguments_for, fast_config};
use crate::tools::seed;

/// A harness whose HTTP settings are the fast test ones, adjusted by `adjust`.
async fn harness_with(adjust: impl FnOnce(&mut HttpConfig)) -> Harness {
    let fake = FakeAdminApi::start(seed()).await;
    let mut config = fast_config(&fake.base_url());
    adjust(&mut config);
    Harness::with_config(fake, config).await
}

fn assert_mentions(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "`{text}` should contain `{part}`");
    }
}

#[tokio::test]
async fn api_errors_carry_type_message_request_id_and_a_hint() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/me", 401, "authentication_error", "invalid x-api-key"));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert_mentions(
        &text,
        &["401", "authentication_error", "invalid x-api-key", "request id req_fake_1", "Admin API key", "sk-ant-admin"],
    );
    assert_mentions(&text, &["ordinary sk-ant-api", "refused"]);
    assert_eq!(h.take_requests().len(), 1, "a 401 is not retried");
    h.fake.clear_faults();
    h.fake.push_fault(Fault::api_error("/v1/organizations/users", 403, "permission_error", "no"));
    let text = h.err("claude_code_list_users", json!({})).await;
    assert_mentions(&text, &["403", "permission_error", "lacks permission for this organization", "request id req_"]);
    assert_eq!(h.requests().len(), 1, "a 403 is not retried");
}

#[tokio::test]
async fn a_wrong_key_gets_the_api_401_and_the_admin_key_hint() {
    let h = harness_with(|config| config.key = AdminKey::new("sk-ant-admin01-WRONG-key-for-this-org")).await;
    let text = h.err("claude_code_list_users", json!({})).await;
    assert_mentions(&text, &["401", "authentication_error", "invalid x-api-key", "sk-ant-admin", "sk-ant-api"]);
    assert!(!text.contains("WRONG"), "the key is never in an error: {text}");
    assert_eq!(h.requests().len(), 1);
}

/// Every tool of the registry that requires an object's ID, called with IDs the fake does
/// not know: the 404 names the missing object in the spec's words (`http.not_found`),
/// before the API's message and request id.
#[tokio::test]
async fn a_404_names_the_missing_object_with_the_api_message_and_request_id() {
    let h = Harness::start(seed()).await;
    // An endpoint the fake does not emulate answers from the spec's example whatever the
    // ID (it holds no objects); its words for a 404 are required by the generator.
    let from_examples = h.fake.answer_from_spec(claude_code_connector::generated::ENDPOINTS_JSON).unwrap();
    let mut called = 0;
    for def in claude_code_connector::generated::tools::DEFINITIONS {
        if from_examples.iter().any(|tool| tool == def.name) {
            continue;
        }
        let schema: serde_json::Value = serde_json::from_str(def.input_schema).unwrap();
        let required = schema["required"].as_array().cloned().unwrap_or_default();
        let ids: Vec<&str> =
            def.id_arguments.iter().copied().filter(|id| required.iter().any(|name| name == id)).collect();
        if ids.is_empty() {
            continue;
        }
        let mut arguments = arguments_for(&schema);
        for id in &ids {
            arguments[*id] = json!(format!("missing_{id}"));
        }
        let tool = def.name;
        let text = h.err(tool, arguments).await;
        let requests = h.take_requests();
        assert_eq!(requests.len(), 1, "{tool}: a 404 is not retried: {text}");
        assert_eq!(requests[0].status, 404, "{tool}");
        assert_mentions(&text, &["404", "not_found_error", "the API says:", "request id req_fake_", "check the ID"]);
        let (own_words, _) = text.split_once("the API says:").unwrap();
        assert!(
            ids.iter().any(|id| own_words.contains(&format!("`missing_{id}`"))),
            "{tool}: the 404 does not name the missing object in the spec's words: {text}\n\
             fix: say what a 404 means in the tool's `http` block in spec/admin-api.yaml, e.g. \
             `not_found: \"no thing `{{{}}}`\"`",
            ids[0]
        );
        called += 1;
    }
    assert!(called >= 15, "every tool with a required ID was called: {called}");
    // The spec's words exactly, for objects inside others.
    for (tool, arguments, subject) in [
        (
            "claude_code_get_workspace_member",
            json!({"workspace_id": "wrkspc_prod", "user_id": "user_04"}),
            "user `user_04` is not a member of workspace `wrkspc_prod`",
        ),
        (
            "claude_code_add_workspace_member",
            json!({"workspace_id": "wrkspc_x", "user_id": "user_04", "role": "workspace_user"}),
            "no workspace `wrkspc_x` or no user `user_04`",
        ),
        ("claude_code_get_api_key", json!({"api_key_id": "apikey_zz"}), "no API key `apikey_zz`"),
    ] {
        assert_mentions(&h.err(tool, arguments).await, &[subject]);
    }
    // The API's own message, as it was sent.
    let text = h.err("claude_code_get_user", json!({"user_id": "user_99"})).await;
    assert_mentions(&text, &["No user found with id 'user_99'"]);
}

#[tokio::test]
async fn a_non_json_error_page_is_summarized_not_dumped() {
    let h = Harness::start(seed()).await;
    let page = |title: &str| {
        format!("<html><head><title>{title}</title></head><body><h1>{title}</h1>{}</body></html>", "x".repeat(5000))
    };
    h.fake.push_fault(
        Fault::raw("/v1/organizations/workspaces", 413, &page("413 Request Entity Too Large"))
            .header("content-type", "text/html"),
    );
    let text = h.err("claude_code_create_workspace", json!({"name": "ML"})).await;
    assert_mentions(&text, &["413", "Request Entity Too Large", "text/html", "too large"]);
    assert!(!text.contains("<html>") && text.len() < 500, "summarized: {text}");
    assert_eq!(h.take_requests().len(), 1);

    // A proxy's 502 page on a read: retried (502 is retryable), then summarized.
    h.fake.clear_faults();
    h.fake.push_fault(
        Fault::raw("/v1/organizations/users", 502, &page("502 Bad Gateway")).header("content-type", "text/html"),
    );
    let text = h.err("claude_code_list_users", json!({})).await;
    assert_mentions(&text, &["502", "Bad Gateway", "text/html", "try again shortly"]);
    assert!(!text.contains("<html>") && !text.contains("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    assert!(text.len() < 500, "summarized: {text}");
    assert_eq!(h.requests().len(), 3);
}

#[tokio::test]
async fn a_read_that_meets_429_with_retry_after_then_succeeds_is_sent_twice() {
    // retry-after is honoured, so max_delay must allow a 1 s wait.
    let h = harness_with(|config| config.retry.max_delay = Duration::from_secs(5)).await;
    h.fake.push_fault(
        Fault::api_error("/v1/organizations/users", 429, "rate_limit_error", "slow down")
            .header("retry-after", "1")
            .times(1),
    );
    h.ok("claude_code_list_users", json!({})).await;
    let statuses: Vec<u16> = h.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 200]);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_longest_wait_is_reported_not_shortened() {
    let h = harness_with(|config| config.retry.max_delay = Duration::from_secs(2)).await;
    h.fake.push_fault(
        Fault::api_error("/v1/organizations/users", 429, "rate_limit_error", "slow down").header("retry-after", "30"),
    );
    let text = h.err("claude_code_list_users", json!({})).await;
    assert_mentions(&text, &["429", "rate_limit_error", "wait 30 s"]);
    assert_eq!(h.requests().len(), 1);
}

#[tokio::test]
async fn a_retry_that_would_end_past_the_time_budget_is_not_scheduled() {
    let h = harness_with(|config| {
        config.retry.max_delay = Duration::from_secs(5);
        config.request_timeout = Duration::from_millis(500);
        config.request_budget = Duration::from_millis(800);
    })
    .await;
    h.fake.push_fault(
        Fault::api_error("/v1/organizations/users", 429, "rate_limit_error", "slow down").header("retry-after", "1"),
    );
    let text = h.err("claude_code_list_users", json!({})).await;
    assert_mentions(&text, &["429", "wait 1 s"]);
    assert_eq!(h.requests().len(), 1, "a 1 s wait does not fit in a 0.8 s budget");
}

#[tokio::test]
async fn reads_retry_overloads_and_rate_limits_with_retry_after() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/me", 529, "overloaded_error", "busy").times(1));
    h.fake.push_fault(
        Fault::api_error("/v1/organizations/me", 429, "rate_limit_error", "slow").header("retry-after", "0").times(1),
    );
    h.ok("claude_code_get_org_info", json!({})).await;
    let statuses: Vec<u16> = h.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [529, 429, 200]);
}

#[tokio::test]
async fn every_retryable_status_is_retried_on_a_read() {
    let h = Harness::start(seed()).await;
    for status in [500, 502, 503, 504, 529] {
        h.fake.push_fault(Fault::api_error("/v1/organizations/me", status, "api_error", "transient").times(2));
        h.ok("claude_code_get_org_info", json!({})).await;
        let statuses: Vec<u16> = h.take_requests().iter().map(|r| r.status).collect();
        assert_eq!(statuses, [status, status, 200], "{status}");
    }
    for status in [400, 402, 409, 413] {
        h.fake.push_fault(Fault::api_error("/v1/organizations/me", status, "invalid_request_error", "no").times(1));
        h.err("claude_code_get_org_info", json!({})).await;
        assert_eq!(h.take_requests().len(), 1, "{status} is not retried");
    }
}

#[tokio::test]
async fn three_500s_are_retried_then_reported_with_the_request_id() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/users/user_02", 500, "api_error", "internal trouble"));
    let text = h.err("claude_code_get_user", json!({"user_id": "user_02"})).await;
    assert_eq!(h.requests().len(), 3);
    // The fake numbers its requests; the third answer's id is reported.
    assert_mentions(&text, &["500", "api_error", "internal trouble", "request id req_fake_3", "try again shortly"]);
}

#[tokio::test]
async fn a_spend_cap_429_without_retry_after_is_not_retried() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/me", 429, "rate_limit_error", "spend limit reached"));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert_mentions(&text, &["429", "spend limit", "retrying will not lift"]);
    assert_eq!(h.requests().len(), 1);
}

#[tokio::test]
async fn retries_stop_after_three_attempts() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/me", 503, "api_error", "down"));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert!(text.contains("503"), "{text}");
    assert_eq!(h.requests().len(), 3);
}

#[tokio::test]
async fn a_write_answered_500_reaches_the_api_exactly_once() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::api_error("/v1/organizations/invites", 500, "api_error", "oops").method("POST"));
    let text = h.err("claude_code_create_invite", json!({"email": "jane@company.com", "role": "user"})).await;
    assert_mentions(&text, &["500", "oops", "request id req_fake_1"]);
    assert_eq!(h.take_requests().len(), 1, "a POST that may have reached the server is not retried");

    for (tool, arguments, path) in [
        ("claude_code_remove_user", json!({"user_id": "user_05"}), "/v1/organizations/users/user_05"),
        ("claude_code_archive_workspace", json!({"workspace_id": "wrkspc_dev"}), "/v1/organizations/workspaces/"),
    ] {
        for status in [429, 503, 529] {
            let fault = Fault::api_error(path, status, "overloaded_error", "busy").header("retry-after", "0");
            h.fake.push_fault(fault.times(1));
            h.err(tool, arguments.clone()).await;
            assert_eq!(h.take_requests().len(), 1, "{tool} answered {status} is sent once");
        }
    }
}

#[tokio::test]
async fn a_write_whose_connection_drops_after_sending_is_not_retried() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::drop_connection("/v1/organizations/invites").method("POST"));
    let text = h.err("claude_code_create_invite", json!({"email": "jane@company.com", "role": "user"})).await;
    let requests = h.requests();
    assert_eq!(requests.len(), 1, "the POST reached the fake once and was not sent again");
    assert_eq!((requests[0].method.as_str(), requests[0].status), ("POST", 0), "no answer was sent");
    assert_mentions(&text, &["connection was lost", "may have been applied", "call claude_code_list_invites"]);
    assert!(!text.contains("try again"), "{text}");
}

#[tokio::test]
async fn a_read_whose_connection_drops_is_retried() {
    let h = Harness::start(seed()).await;
    h.fake.push_fault(Fault::drop_connection("/v1/organizations/users").times(2));
    let out = h.ok("claude_code_list_users", json!({})).await;
    assert!(!out["data"].as_array().unwrap().is_empty());
    let statuses: Vec<u16> = h.take_requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [0, 0, 200]);

    h.fake.push_fault(Fault::drop_connection("/v1/organizations/users"));
    let text = h.err("claude_code_list_users", json!({})).await;
    assert_mentions(&text, &["could not reach the Admin API", "connection was lost"]);
    assert!(!text.contains("may have been applied"), "a read changes nothing: {text}");
    assert_eq!(h.requests().len(), 3);
}

#[tokio::test]
async fn a_slow_read_times_out_is_retried_and_says_what_to_do() {
    let h = harness_with(|config| config.request_timeout = Duration::from_millis(300)).await;
    h.fake.set_latency(Duration::from_secs(3));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert_mentions(&text, &["did not answer within 0.3 s", "--request-timeout", "shorter date range"]);
    assert_eq!(h.requests().len(), 3, "a timed-out read is retried");
}

#[tokio::test]
async fn a_slow_write_times_out_once_and_is_not_retried() {
    let h = harness_with(|config| config.request_timeout = Duration::from_millis(300)).await;
    h.fake.set_latency(Duration::from_secs(3));
    let text = h.err("claude_code_create_workspace", json!({"name": "ML"})).await;
    assert_mentions(
        &text,
        &[
            "did not answer within 0.3 s",
            "may have been applied",
            "--request-timeout",
            "call claude_code_list_workspaces",
        ],
    );
    assert!(!text.contains("try again"), "{text}");
    assert_eq!(h.requests().len(), 1, "a timed-out POST may have been applied");
}

/// A port nothing listens on.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_write_since_nothing_was_sent() {
    let mut config = fast_config(&closed_port_url().await);
    config.connect_timeout = Duration::from_secs(2);
    let (http, count) = Http::new(config).unwrap().counting();
    let client = Client::new(http);
    let error = client.get_org_info(&GetOrgInfoArgs::new()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_mentions(&error.to_string(), &["connection failed", "--base-url"]);
    assert_eq!(count.get(), 3, "a read is retried");

    let (http, count) = Http::new({
        let mut config = fast_config(&closed_port_url().await);
        config.connect_timeout = Duration::from_secs(2);
        config
    })
    .unwrap()
    .counting();
    let invite = CreateInviteArgs::new("jane@company.com", CreateInviteRole::User);
    let error = Client::new(http).create_invite(&invite).await.unwrap_err();
    assert_mentions(&error.to_string(), &["connection failed"]);
    assert_eq!(count.get(), 3, "a write that never left is retried too");
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_key_goes_nowhere_else() {
    let elsewhere = FakeAdminApi::start(seed()).await;
    let h = Harness::start(seed()).await;
    let target = format!("{}/v1/organizations/me?token=secret", elsewhere.base_url());
    h.fake.push_fault(Fault::redirect("/v1/organizations/me", &target));
    let text = h.err("claude_code_get_org_info", json!({})).await;
    assert_mentions(&text, &["307", "redirect", &elsewhere.base_url(), "not followed", "--base-url"]);
    assert!(!text.contains("token=secret"), "only the origin is shown: {text}");
    assert!(elsewhere.requests().is_empty(), "nothing, and so no key, was sent to the other origin");
    assert_eq!(h.requests().len(), 1, "a redirect is not retried");

    h.fake.clear_faults();
    h.fake.push_fault(Fault::redirect("/v1/organizations/invites", &target).method("POST"));
    h.err("claude_code_create_invite", json!({"email": "jane@company.com", "role": "user"})).await;
    assert!(elsewhere.requests().is_empty());
}

#[tokio::test]
async fn the_key_is_sent_only_in_x_api_key() {
    let h = Harness::start(seed()).await;
    h.ok("claude_code_list_users", json!({})).await;
    h.ok("claude_code_create_workspace", json!({"name": "ML"})).await;
    for request in h.requests() {
        let carrying: Vec<&String> =
            request.headers.iter().filter(|(_, v)| v.contains("fake-key")).map(|(name, _)| name).collect();
        assert_eq!(carrying, ["x-api-key"], "{} {}", request.method, request.path);
        assert!(!request.headers.contains_key("authorization"));
        assert!(request.query.iter().all(|(n, v)| !n.contains("fake-key") && !v.contains("fake-key")));
        assert!(!request.body.as_ref().is_some_and(|b| b.to_string().contains("fake-key")));
    }
}
