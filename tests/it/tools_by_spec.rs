//! The tools added by editing the spec alone (no hand-written Rust): each called
//! through MCP, with its exact upstream request and the API's answer asserted.

use serde_json::json;

use crate::harness::{Harness, query_of, sorted};
use crate::tools::seed;

fn pairs(request: &fake_admin_api::RecordedRequest) -> Vec<(&str, &str)> {
    request.query.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn get_user_reads_one_user_by_path() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_get_user", json!({"user_id": "user_07"})).await;
    assert_eq!((out["id"].as_str(), out["email"].as_str()), (Some("user_07"), Some("person07@acme.io")));
    let r = &h.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.len(), &r.body),
        ("GET", "/v1/organizations/users/user_07", 0, &None)
    );
    let missing = h.err("claude_code_get_user", json!({"user_id": "user_99"})).await;
    assert!(missing.contains("404") && missing.contains("user_99"), "{missing}");
}

#[tokio::test]
async fn get_invite_reads_one_invite_by_path() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_get_invite", json!({"invite_id": "invite_2"})).await;
    assert_eq!((out["email"].as_str(), out["status"].as_str()), (Some("guest2@acme.io"), Some("expired")));
    let r = &h.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str(), r.query.len()), ("GET", "/v1/organizations/invites/invite_2", 0));
}

#[tokio::test]
async fn get_api_key_reads_one_key_by_path() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_get_api_key", json!({"api_key_id": "apikey_c"})).await;
    assert_eq!((out["name"].as_str(), out["workspace_id"].as_str()), (Some("dev"), Some("wrkspc_dev")));
    let r = &h.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str(), r.query.len()), ("GET", "/v1/organizations/api_keys/apikey_c", 0));
}

#[tokio::test]
async fn update_workspace_sends_name_tags_and_data_residency_in_the_body() {
    let h = Harness::start(seed()).await;
    let out = h
        .ok(
            "claude_code_update_workspace",
            json!({
                "workspace_id": "wrkspc_dev",
                "name": "Dev",
                "tags": {"team": "ml", "cost_center": "42"},
                "default_inference_geo": "us",
                "allowed_inference_geos": ["us"],
            }),
        )
        .await;
    assert_eq!(out["name"], "Dev");
    assert_eq!(out["tags"], json!({"cost_center": "42", "team": "ml"}));
    assert_eq!(out["data_residency"]["allowed_inference_geos"], json!(["us"]));
    let r = &h.take_requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.len()),
        ("POST", "/v1/organizations/workspaces/wrkspc_dev", 0)
    );
    assert_eq!(
        r.body,
        Some(json!({
            "name": "Dev",
            "tags": {"cost_center": "42", "team": "ml"},
            "data_residency": {"default_inference_geo": "us", "allowed_inference_geos": ["us"]},
        }))
    );

    let out = h
        .ok(
            "claude_code_update_workspace",
            json!({"workspace_id": "wrkspc_dev", "allowed_inference_geos": "unrestricted", "default_inference_geo": "global"}),
        )
        .await;
    assert_eq!(out["data_residency"]["allowed_inference_geos"], "unrestricted");
    assert_eq!(
        h.requests()[0].body,
        Some(json!({"data_residency": {"default_inference_geo": "global", "allowed_inference_geos": "unrestricted"}}))
    );
}

#[tokio::test]
async fn update_workspace_refuses_bad_input_before_sending() {
    let h = Harness::start(seed()).await;
    for (arguments, argument, rule) in [
        (
            json!({"workspace_id": "wrkspc_dev"}),
            "name|tags|default_inference_geo|allowed_inference_geos",
            "at least one",
        ),
        (
            json!({"workspace_id": "wrkspc_dev", "tags": {"anthropic_team": "x"}}),
            "tags",
            "must not start with `anthropic`",
        ),
        (json!({"workspace_id": "wrkspc_dev", "tags": {"team": 1}}), "tags", "must be a string"),
        (json!({"workspace_id": "wrkspc_dev", "allowed_inference_geos": []}), "allowed_inference_geos", "at least 1"),
        (
            json!({"workspace_id": "wrkspc_dev", "allowed_inference_geos": ["us", "us"]}),
            "allowed_inference_geos",
            "item 2 repeats item 1",
        ),
        (
            json!({"workspace_id": "wrkspc_dev", "allowed_inference_geos": ["eu"]}),
            "allowed_inference_geos",
            "item 1: `eu` is not one of: global, us",
        ),
        (
            json!({"workspace_id": "wrkspc_dev", "allowed_inference_geos": "anywhere"}),
            "allowed_inference_geos",
            "must be \"unrestricted\" or a list",
        ),
        (json!({"workspace_id": "wrkspc_dev", "name": "x".repeat(41)}), "name", "at most 40 characters"),
    ] {
        let text = h.err("claude_code_update_workspace", arguments.clone()).await;
        assert!(text.contains(&format!("`{argument}`")) && text.contains(rule), "{arguments}: {text}");
    }
    assert!(h.requests().is_empty(), "nothing is sent for bad input");
}

#[tokio::test]
async fn archive_workspace_posts_to_archive_and_says_it_is_irreversible() {
    let h = Harness::start(seed()).await;
    let tool = h.list_tools().await.into_iter().find(|t| t.name == "claude_code_archive_workspace").expect("listed");
    let annotations = tool.annotations.expect("annotations");
    assert_eq!((annotations.destructive_hint, annotations.read_only_hint), (Some(true), Some(false)));
    assert!(tool.description.as_deref().unwrap_or_default().contains("IRREVERSIBLE"));

    let out = h.ok("claude_code_archive_workspace", json!({"workspace_id": "wrkspc_prod"})).await;
    assert!(out["archived_at"].is_string(), "{out}");
    let r = &h.take_requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/organizations/workspaces/wrkspc_prod/archive"));
    // No arguments go in the body; the runtime sends an empty JSON object with every POST.
    assert_eq!((r.query.len(), &r.body), (0, &Some(json!({}))));
    let key = h.ok("claude_code_get_api_key", json!({"api_key_id": "apikey_a"})).await;
    assert_eq!(key["status"], "archived", "the workspace's keys are revoked with it");
}

#[tokio::test]
async fn workspace_member_get_update_and_remove() {
    let h = Harness::start(seed()).await;
    let out =
        h.ok("claude_code_get_workspace_member", json!({"workspace_id": "wrkspc_prod", "user_id": "user_02"})).await;
    assert_eq!(out["workspace_role"], "workspace_developer");
    let r = &h.take_requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.len()),
        ("GET", "/v1/organizations/workspaces/wrkspc_prod/members/user_02", 0)
    );

    let out = h
        .ok(
            "claude_code_update_workspace_member",
            json!({"workspace_id": "wrkspc_prod", "user_id": "user_02", "role": "admin"}),
        )
        .await;
    assert_eq!(out["workspace_role"], "workspace_admin");
    let r = &h.take_requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/organizations/workspaces/wrkspc_prod/members/user_02")
    );
    assert_eq!(r.body, Some(json!({"workspace_role": "workspace_admin"})));

    let refused = h
        .err(
            "claude_code_update_workspace_member",
            json!({"workspace_id": "wrkspc_prod", "user_id": "user_02", "role": "workspace_billing"}),
        )
        .await;
    assert!(refused.contains("`role`") && refused.contains("inherited"), "{refused}");
    assert!(h.requests().is_empty());

    let out =
        h.ok("claude_code_remove_workspace_member", json!({"workspace_id": "wrkspc_prod", "user_id": "user_02"})).await;
    assert_eq!(
        out,
        json!({"type": "workspace_member_deleted", "user_id": "user_02", "workspace_id": "wrkspc_prod",
            "summary": "Deleted workspace member user_02 from wrkspc_prod",
            "upstream": {"requests": 1, "cached_pages": 0}})
    );
    let r = &h.take_requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), &r.body),
        ("DELETE", "/v1/organizations/workspaces/wrkspc_prod/members/user_02", &None)
    );
    let gone =
        h.err("claude_code_get_workspace_member", json!({"workspace_id": "wrkspc_prod", "user_id": "user_02"})).await;
    assert!(gone.contains("404"), "{gone}");
}

#[tokio::test]
async fn get_usage_sends_group_by_and_filters_as_repeated_bracket_pairs() {
    let h = Harness::start(seed()).await;
    let out = h
        .ok(
            "claude_code_get_usage",
            json!({
                "start_date": "2026-03-01",
                "end_date": "2026-03-01",
                "group_by": ["model", "workspace_id"],
                "models": ["claude-sonnet-4-5", "claude-opus-4-5"],
                "workspace_ids": ["wrkspc_prod"],
                "api_key_ids": ["apikey_a"],
                "service_tiers": ["standard", "batch"],
                "context_windows": ["0-200k"],
                "inference_geos": ["global"],
            }),
        )
        .await;
    assert_eq!(out["total"], 1);
    let r = &h.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/organizations/usage_report/messages"));
    assert_eq!(
        pairs(r),
        [
            ("bucket_width", "1d"),
            ("limit", "31"),
            ("starting_at", "2026-03-01T00:00:00Z"),
            ("ending_at", "2026-03-02T00:00:00Z"),
            ("group_by[]", "model"),
            ("group_by[]", "workspace_id"),
            ("models[]", "claude-sonnet-4-5"),
            ("models[]", "claude-opus-4-5"),
            ("workspace_ids[]", "wrkspc_prod"),
            ("api_key_ids[]", "apikey_a"),
            ("service_tiers[]", "standard"),
            ("service_tiers[]", "batch"),
            ("context_window[]", "0-200k"),
            ("inference_geos[]", "global"),
        ]
    );
}

#[tokio::test]
async fn get_usage_grouped_by_model_returns_the_model_per_row() {
    let h = Harness::start(seed()).await;
    let out = h
        .ok(
            "claude_code_get_usage",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-02", "group_by": ["model"]}),
        )
        .await;
    assert_eq!(out["data"][0]["results"][0]["model"], "claude-sonnet-4-5");
    let ungrouped = h.ok("claude_code_get_usage", json!({"start_date": "2026-03-01", "end_date": "2026-03-02"})).await;
    assert!(ungrouped["data"][0]["results"][0]["model"].is_null());
}

#[tokio::test]
async fn get_usage_refuses_bad_filters_before_sending() {
    let h = Harness::start(seed()).await;
    let base = json!({"start_date": "2026-03-01", "end_date": "2026-03-02"});
    for (extra, argument, rule) in [
        (json!({"group_by": ["speed"]}), "group_by", "item 1: `speed` is not one of"),
        (json!({"group_by": "model"}), "group_by", "must be a list, not a string"),
        (json!({"workspace_ids": ["../users"]}), "workspace_ids[0]", "must match"),
        (json!({"models": [""]}), "models[0]", "at least 1 characters"),
        (json!({"models": vec!["m"; 51]}), "models", "at most 50 items"),
        (json!({"context_windows": ["1M"]}), "context_windows", "not one of: 0-200k, 200k-1M"),
    ] {
        let mut arguments = base.clone();
        arguments.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let text = h.err("claude_code_get_usage", arguments).await;
        assert!(text.contains(&format!("`{argument}`")) && text.contains(rule), "{extra}: {text}");
    }
    assert!(h.requests().is_empty());
}

#[tokio::test]
async fn get_cost_breakdown_sends_group_by() {
    let h = Harness::start(seed()).await;
    let out = h
        .ok(
            "claude_code_get_cost_breakdown",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-03", "group_by": ["workspace_id", "description"]}),
        )
        .await;
    assert_eq!(out["total_cents"], "370.368");
    assert_eq!(out["data"][0]["results"][0]["description"], "Claude Sonnet 4.5 Usage - Input Tokens");
    let r = &h.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/organizations/cost_report"));
    assert_eq!(
        query_of(r),
        sorted(&[
            "ending_at=2026-03-04T00:00:00Z",
            "group_by[]=description",
            "group_by[]=workspace_id",
            "limit=31",
            "starting_at=2026-03-01T00:00:00Z",
        ])
    );
}

#[tokio::test]
async fn list_users_filters_by_roles_as_repeated_bracket_pairs() {
    let h = Harness::start(seed()).await;
    let out = h.ok("claude_code_list_users", json!({"roles": ["admin", "billing"], "per_page": 100})).await;
    let roles: Vec<&str> = out["data"].as_array().unwrap().iter().map(|u| u["role"].as_str().unwrap()).collect();
    assert!(!roles.is_empty() && roles.iter().all(|role| ["admin", "billing"].contains(role)), "{roles:?}");
    assert!(roles.contains(&"admin") && roles.contains(&"billing"), "{roles:?}");
    let r = &h.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/organizations/users"));
    assert_eq!(pairs(r), [("roles[]", "admin"), ("roles[]", "billing"), ("limit", "100")]);
    let refused = h.err("claude_code_list_users", json!({"roles": ["wizard"]})).await;
    assert!(refused.contains("roles") && refused.contains("wizard"), "{refused}");
    assert_eq!(h.requests().len(), 1, "a bad role is refused before anything is sent");
}

/// The spec's `http.beta` becomes `Request::with_header("anthropic-beta", ...)`: the
/// runtime sends it as given, beside the headers every request carries.
#[tokio::test]
async fn a_request_header_from_the_spec_reaches_the_api() {
    use claude_code_connector::runtime::http::{Http, Method, Request};
    let fake = fake_admin_api::FakeAdminApi::start(seed()).await;
    let http = Http::new(crate::harness::fast_config(&fake.base_url())).unwrap();
    let request = Request::new(Method::Get, "/v1/organizations/me")
        .with_header("anthropic-beta", "analytics-usage-cost-2026-08-24,fast-mode-2026-02-01");
    let _: serde_json::Value = http.send(request).await.unwrap();
    let sent = &fake.requests()[0];
    assert_eq!(sent.headers["anthropic-beta"], "analytics-usage-cost-2026-08-24,fast-mode-2026-02-01");
    assert_eq!(sent.headers["anthropic-version"], "2023-06-01");
}

/// One example call a spec declares (`examples:` of a tool, in the generated
/// `endpoints.json`): the tool, its arguments and the requests it must send.
pub struct ExampleCall {
    pub tool: String,
    /// One request per UTC day, sent concurrently: compared in any order.
    pub per_day: bool,
    pub arguments: serde_json::Value,
    pub requests: Vec<serde_json::Value>,
}

/// Every example call of a spec's `endpoints.json`.
pub fn example_calls(endpoints_json: &str) -> Vec<ExampleCall> {
    let endpoints: serde_json::Value = serde_json::from_str(endpoints_json).expect("endpoints.json");
    let mut calls = Vec::new();
    for endpoint in endpoints.as_array().expect("a list of endpoints") {
        for example in endpoint["examples"].as_array().into_iter().flatten() {
            calls.push(ExampleCall {
                tool: endpoint["tool"].as_str().unwrap().to_string(),
                per_day: endpoint["pagination"] == "per_day",
                arguments: example["arguments"].clone(),
                requests: example["requests"].as_array().cloned().unwrap_or_default(),
            });
        }
    }
    calls
}

/// The requests the fake recorded are exactly the example's: method, path, query pairs
/// in order, body, and the declared headers (no `anthropic-beta` unless declared).
pub fn assert_sent_as_declared(call: &ExampleCall, recorded: &[fake_admin_api::RecordedRequest]) {
    let tool = &call.tool;
    let shown = |r: &fake_admin_api::RecordedRequest| {
        let query: Vec<String> = r.query.iter().map(|(n, v)| format!("{n}={v}")).collect();
        json!({"method": r.method, "path": r.path, "query": query, "body": r.body})
    };
    let mut recorded: Vec<&fake_admin_api::RecordedRequest> = recorded.iter().collect();
    let mut declared: Vec<&serde_json::Value> = call.requests.iter().collect();
    if call.per_day {
        recorded.sort_by_key(|r| format!("{:?}", r.query));
        declared.sort_by_key(|d| d["query"].to_string());
    }
    let sent: Vec<serde_json::Value> = recorded.iter().map(|r| shown(r)).collect();
    assert_eq!(
        recorded.len(),
        declared.len(),
        "{tool} {}: sent {sent:#?}\nfix: list these requests under the example's `requests:` in the spec",
        call.arguments
    );
    for (r, d) in recorded.iter().zip(declared) {
        let query: Vec<(String, String)> = d["query"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|pair| (pair[0].as_str().unwrap().to_string(), pair[1].as_str().unwrap().to_string()))
            .collect();
        let body = (!d["body"].is_null()).then(|| d["body"].clone());
        assert_eq!(
            (r.method.as_str(), r.path.as_str(), &r.query, &r.body),
            (d["method"].as_str().unwrap(), d["path"].as_str().unwrap(), &query, &body),
            "{tool} {}: sent {:#}, the spec declares {d:#}",
            call.arguments,
            shown(r)
        );
        let headers = d["headers"].as_object().cloned().unwrap_or_default();
        for (name, value) in &headers {
            assert_eq!(r.headers.get(name).map(String::as_str), value.as_str(), "{tool}: header {name}");
        }
        if !headers.contains_key("anthropic-beta") {
            assert!(
                !r.headers.contains_key("anthropic-beta"),
                "{tool}: an anthropic-beta header the spec does not declare"
            );
        }
    }
}

/// Every example call of spec/admin-api.yaml, through MCP against the fake (a fresh seed
/// organization each): the tool answers, and its requests are exactly those declared.
/// A new tool's wire test is its `examples:` in the spec.
#[tokio::test]
async fn every_example_call_of_the_spec_sends_exactly_its_declared_requests() {
    let calls = example_calls(claude_code_connector::generated::ENDPOINTS_JSON);
    assert!(calls.len() >= 3, "the spec declares example calls: {}", calls.len());
    for call in &calls {
        let h = Harness::start(seed()).await;
        h.ok(&call.tool, call.arguments.clone()).await;
        assert_sent_as_declared(call, &h.requests());
    }
}
