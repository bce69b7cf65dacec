//! `--sandbox`: the demo organization, served in-process, as Claude Desktop runs it
//! (the real binary with `"args": ["--sandbox"]` and no key) and as the library starts it.

#![cfg(feature = "sandbox")]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use claude_code_connector::cli::sandbox::{CLAUDE_CODE_PAGE_SIZE, DAYS, KEY, RESULT_NOTE, Sandbox};
use claude_code_connector::generated::ORG_ROLES;
use claude_code_connector::generated::tools::{DEFINITIONS, ToolId};
use claude_code_connector::pipeline::{CallRequest, Connector, ToolOutcome};
use claude_code_connector::runtime::{AdminKey, Http, HttpConfig, JsonObject};
use serde_json::{Value, json};

use crate::binary::{command, run, spawn};

/// Claude Desktop's way: `{"command": BIN, "args": ["--sandbox"]}`, no `env`, so no key.
#[tokio::test]
async fn a_claude_desktop_config_with_sandbox_and_no_key_serves_the_demo_over_mcp() {
    let mut server = spawn(&mut command(&["--sandbox"]));
    let call = |id: u64, name: &str, arguments: Value| json!({"jsonrpc":"2.0","id":id,"method":"tools/call","params":{"name":name,"arguments":arguments}});
    let messages = [
        json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"claude-desktop-like","version":"0"}}}),
        json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
        json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}),
        call(3, "claude_code_list_users", json!({"per_page": 100})),
        call(4, "claude_code_create_invite", json!({"email": "sandbox.tester@example.com", "role": "developer"})),
        call(5, "claude_code_list_invites", json!({"per_page": 100})),
        call(6, "claude_code_get_code_analytics", json!({"start_date": "30-days-ago", "end_date": "yesterday"})),
    ];
    let responses = server.exchange(&messages).await;
    let instructions = responses[&1]["result"]["instructions"].as_str().unwrap();
    assert!(instructions.starts_with("SANDBOX:") && instructions.contains("demo organization"), "{instructions}");
    assert!(instructions.contains("Admin API"), "the usual instructions follow: {instructions}");
    assert_eq!(responses[&2]["result"]["tools"].as_array().unwrap().len(), DEFINITIONS.len());

    let users = &responses[&3]["result"];
    assert_ne!(users["isError"], true, "{users}");
    let text = users["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with(&format!("{RESULT_NOTE}\n")), "every result says it is sandbox data: {text}");
    let emails: Vec<&str> =
        users["structuredContent"]["data"].as_array().unwrap().iter().filter_map(|u| u["email"].as_str()).collect();
    assert_eq!(emails.len(), 60);
    assert!(emails.iter().all(|e| e.ends_with("@example-corp.io")), "{emails:?}");

    // State persists for the session: the invite is listed afterwards.
    assert_ne!(responses[&4]["result"]["isError"], true, "{}", responses[&4]);
    let invites = responses[&5]["result"]["structuredContent"]["data"].as_array().unwrap();
    assert!(invites.iter().any(|i| i["email"] == "sandbox.tester@example.com" && i["status"] == "pending"));

    // Claude Code days come in pages of CLAUDE_CODE_PAGE_SIZE: a busier day was drained over several.
    let records = responses[&6]["result"]["structuredContent"]["data"].as_array().unwrap();
    let mut per_day: BTreeMap<&str, usize> = BTreeMap::new();
    for record in records {
        *per_day.entry(record["date"].as_str().unwrap()).or_default() += 1;
    }
    assert!(per_day.values().any(|n| *n > CLAUDE_CODE_PAGE_SIZE), "{per_day:?}");

    let (status, stderr) = server.finish().await;
    assert!(status.success());
    assert!(!stderr.contains("error"), "{stderr}");
}

#[tokio::test]
async fn the_environment_variable_turns_the_sandbox_on() {
    let out = run(&["call", "get_org_info"], &[("CLAUDE_CODE_CONNECTOR_SANDBOX", "true")]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.starts_with("Sandbox data: a demo organization, not yours\n"), "{}", out.stdout);
    assert!(out.stdout.contains(" Labs"), "{}", out.stdout);
}

async fn call(connector: &Connector, tool: ToolId, arguments: Value) -> Value {
    let arguments: JsonObject = serde_json::from_value(arguments).unwrap();
    match connector.call(CallRequest::new(tool.name(), arguments), std::future::pending()).await {
        ToolOutcome::Success(answer) => answer.value,
        ToolOutcome::Failure(failure) => panic!("{}: {failure:?}", tool.name()),
    }
}

/// The demo organization has every kind of object and a year of reports, and starts
/// in well under a second (report days are made when first read).
#[tokio::test]
async fn the_demo_organization_is_complete_and_starts_fast() {
    let started = std::time::Instant::now();
    let sandbox = Sandbox::start().wait().expect("the sandbox starts");
    let startup = started.elapsed();
    assert!(startup < Duration::from_secs(2), "startup took {startup:?}");
    assert!(sandbox.ready_after <= startup);
    assert_eq!((sandbox.last_day - sandbox.first_day).num_days() + 1, i64::from(DAYS));
    assert_eq!(sandbox.last_day, chrono::Utc::now().date_naive() - chrono::Days::new(1));

    let mut config = HttpConfig::new(AdminKey::new(KEY));
    config.base_url = sandbox.base_url.clone();
    let connector = Connector::new(Http::new(config).unwrap()).with_audit(None);

    let users = call(&connector, ToolId::ListUsers, json!({"per_page": 100})).await;
    let roles: BTreeSet<&str> = users["data"].as_array().unwrap().iter().filter_map(|u| u["role"].as_str()).collect();
    for role in ORG_ROLES {
        assert!(roles.contains(role), "a user with role {role}: {roles:?}");
    }
    let invites = call(&connector, ToolId::ListInvites, json!({"per_page": 100})).await;
    let statuses: BTreeSet<&str> =
        invites["data"].as_array().unwrap().iter().filter_map(|i| i["status"].as_str()).collect();
    assert!(["pending", "accepted", "expired"].iter().all(|s| statuses.contains(s)), "{statuses:?}");
    let workspaces = call(&connector, ToolId::ListWorkspaces, json!({"include_archived": true})).await;
    let workspace = workspaces["data"][0]["id"].as_str().unwrap().to_string();
    let members = call(&connector, ToolId::ListWorkspaceMembers, json!({"workspace_id": workspace})).await;
    assert!(!members["data"].as_array().unwrap().is_empty());
    let keys = call(&connector, ToolId::ListApiKeys, json!({"per_page": 100})).await;
    assert!(keys["data"].as_array().unwrap().len() >= 20);

    let (first, last) = (sandbox.first_day.to_string(), sandbox.last_day.to_string());
    let year = json!({"start_date": first, "end_date": last, "per_page": 100, "page": 4});
    let usage = call(&connector, ToolId::GetUsage, year).await;
    assert_eq!(usage["total"], DAYS, "a bucket per day of the year");
    assert!(usage["data"].as_array().unwrap().iter().all(|b| !b["results"].as_array().unwrap().is_empty()));
    let cost = call(&connector, ToolId::GetCostBreakdown, json!({"start_date": first, "end_date": last})).await;
    assert!(cost["total_usd"].as_str().unwrap().parse::<f64>().unwrap() > 1000.0, "{}", cost["total_usd"]);
    let week = chrono::Days::new(6);
    for (start, end) in [(sandbox.first_day, sandbox.first_day + week), (sandbox.last_day - week, sandbox.last_day)] {
        let dates = json!({"start_date": start.to_string(), "end_date": end.to_string()});
        let code = call(&connector, ToolId::GetCodeAnalytics, dates).await;
        assert!(code["data"].as_array().unwrap().len() > 20, "Claude Code data from {start} to {end}");
    }
}
