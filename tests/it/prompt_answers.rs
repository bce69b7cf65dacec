//! Every prompt's workflow answers its question in the sandbox without a cut: each tool
//! call a prompt names (with the arguments its template gives) succeeds against the demo
//! organization, whole (no `truncated`), within 8 KB as text and as structured JSON. The
//! calls are listed here and checked against the rendered template, both ways: each
//! tool listed is named by the template, and every tool the template names is listed.

#![cfg(feature = "sandbox")]

use std::collections::BTreeSet;

use claude_code_connector::cli::sandbox::{KEY, Sandbox};
use claude_code_connector::generated::PROMPTS;
use claude_code_connector::pipeline::{CallRequest, Connector, ToolOutcome};
use claude_code_connector::runtime::{AdminKey, Http, HttpConfig};
use serde_json::{Value, json};

const BUDGET: usize = 8 * 1024;

/// A prompt, the arguments it is rendered with, and the calls its template asks for.
type Workflow = (&'static str, Value, Vec<(&'static str, Value)>);

fn workflows() -> Vec<Workflow> {
    let month = json!({"start_date": "last-month", "end_date": "last-month"});
    let with = |base: &Value, extra: Value| {
        let mut merged = base.clone();
        merged.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        merged
    };
    let days_30 = json!({"start_date": "30-days-ago", "end_date": "yesterday"});
    let spike_week = json!({"start_date": "8-days-ago", "end_date": "yesterday"});
    let spike_day = json!({"start_date": "yesterday", "end_date": "yesterday"});
    let days_7 = json!({"start_date": "7-days-ago", "end_date": "yesterday"});
    vec![
        (
            "monthly_spend_report",
            json!({"month": "last-month"}),
            vec![
                (
                    "claude_code_get_cost_analytics",
                    with(&month, json!({"group_by": ["workspace_id", "model"], "period": "total"})),
                ),
                (
                    "claude_code_get_cost_breakdown",
                    with(
                        &month,
                        json!({"group_by": ["workspace_id", "description"], "period": "total", "sort": "cost_usd", "top": 20}),
                    ),
                ),
                ("claude_code_get_usage_analytics", with(&month, json!({"group_by": ["model"], "period": "total"}))),
                ("claude_code_get_usage", with(&month, json!({"group_by": ["model"], "period": "total"}))),
            ],
        ),
        (
            "seat_utilization_review",
            json!({}),
            vec![
                ("claude_code_get_seat_activity", with(&days_30, json!({"status": "inactive"}))),
                (
                    "claude_code_get_seat_activity",
                    with(&days_30, json!({"status": "active", "sort": "sessions", "top": 10})),
                ),
            ],
        ),
        (
            "cost_spike_investigation",
            json!({"date": "yesterday"}),
            vec![
                ("claude_code_get_cost_breakdown", with(&spike_week, json!({"period": "day"}))),
                (
                    "claude_code_get_cost_breakdown",
                    with(
                        &spike_day,
                        json!({"group_by": ["workspace_id", "description"], "period": "total", "sort": "cost_usd", "top": 10}),
                    ),
                ),
                (
                    "claude_code_get_usage",
                    with(
                        &spike_day,
                        json!({"group_by": ["model", "api_key_id"], "period": "total", "sort": "output_tokens", "top": 10}),
                    ),
                ),
                (
                    "claude_code_get_code_analytics",
                    with(&spike_day, json!({"group_by": ["actor"], "sort": "cost_usd", "top": 10})),
                ),
            ],
        ),
        (
            "offboarding_checklist",
            json!({"email": "PERSON"}),
            vec![
                ("claude_code_list_users", json!({"email": "PERSON"})),
                ("claude_code_list_workspaces", json!({"per_page": 100})),
                ("claude_code_get_workspace_member", json!({"workspace_id": "WORKSPACE", "user_id": "USER"})),
                ("claude_code_list_api_keys", json!({"created_by_user_id": "USER", "per_page": 100})),
                ("claude_code_list_invites", json!({"per_page": 100})),
            ],
        ),
        (
            "rate_limit_headroom",
            json!({}),
            vec![
                ("claude_code_get_rate_limits", json!({})),
                ("claude_code_get_usage_analytics", with(&days_7, json!({"group_by": ["model"], "period": "day"}))),
                ("claude_code_get_usage", with(&days_7, json!({"group_by": ["model"], "period": "day"}))),
                ("claude_code_list_workspaces", json!({"per_page": 100})),
                ("claude_code_get_workspace_rate_limits", json!({"workspace_id": "wrkspc_01"})),
                (
                    "claude_code_get_usage",
                    with(
                        &days_7,
                        json!({"workspace_ids": ["WORKSPACE"], "group_by": ["workspace_id", "model"], "period": "day"}),
                    ),
                ),
            ],
        ),
    ]
}

/// The `claude_code_…` names a template mentions.
fn named_tools(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with("claude_code_"))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn every_prompts_tools_answer_its_question_in_the_sandbox_without_a_cut() {
    let sandbox = Sandbox::start().wait().expect("the sandbox starts");
    let mut config = HttpConfig::new(AdminKey::new(KEY));
    config.base_url = sandbox.base_url.clone();
    let connector = Connector::new(Http::new(config).expect("config")).with_audit(None);
    let first = |tool: &'static str| {
        let connector = &connector;
        async move {
            match connector.call(CallRequest::new(tool, Default::default()), std::future::pending()).await {
                ToolOutcome::Success(answer) => answer.value["data"][0].clone(),
                ToolOutcome::Failure(failure) => panic!("{failure}"),
            }
        }
    };
    let workspace = first("claude_code_list_workspaces").await["id"].as_str().unwrap().to_string();
    // A member of that workspace, to offboard.
    let member = match connector
        .call(
            CallRequest::new(
                "claude_code_list_workspace_members",
                json!({"workspace_id": workspace}).as_object().cloned().unwrap(),
            ),
            std::future::pending(),
        )
        .await
    {
        ToolOutcome::Success(answer) => answer.value["data"][0].clone(),
        ToolOutcome::Failure(failure) => panic!("{failure}"),
    };
    let user = member["user_id"].as_str().unwrap().to_string();
    let email = member["user_email"].as_str().expect("the member's email beside the ID").to_string();
    for (prompt, _, calls) in workflows() {
        let definition = PROMPTS.iter().find(|p| p.name == prompt).unwrap_or_else(|| panic!("no prompt {prompt}"));
        let named = named_tools(definition.template);
        // Writes and the offboarding's per-person reads are named to be asked about, not run here.
        let read_only: BTreeSet<String> = named
            .iter()
            .filter(|tool| !tool.contains("update_") && !tool.contains("remove_") && !tool.contains("delete_"))
            .cloned()
            .collect();
        let listed: BTreeSet<String> = calls.iter().map(|(tool, _)| tool.to_string()).collect();
        assert_eq!(listed, read_only, "{prompt}: the calls listed here are the reads its template names");
        for (tool, mut arguments) in calls {
            for (key, value) in
                [("workspace_id", &workspace), ("user_id", &user), ("created_by_user_id", &user), ("email", &email)]
            {
                if arguments.get(key).is_some() {
                    arguments[key] = json!(value);
                }
            }
            if arguments.get("workspace_ids").is_some() {
                arguments["workspace_ids"] = json!([workspace]);
            }
            let request = CallRequest::new(tool, arguments.as_object().cloned().unwrap_or_default());
            match connector.call(request, std::future::pending()).await {
                ToolOutcome::Success(answer) => {
                    let json = serde_json::to_vec(&answer.value).unwrap().len();
                    assert!(answer.value.get("truncated").is_none(), "{prompt}: {tool} {arguments} was cut");
                    assert!(
                        answer.text.len() <= BUDGET && json <= BUDGET,
                        "{prompt}: {tool} {arguments}: text {} B, JSON {json} B",
                        answer.text.len()
                    );
                }
                ToolOutcome::Failure(failure) => panic!("{prompt}: {tool} {arguments}: {failure}"),
            }
        }
    }
    // No prompt sends the model to a raw report: every report call it names rolls up or names one actor.
    for definition in PROMPTS {
        for line in definition.template.lines() {
            for tool in ["claude_code_get_code_analytics", "claude_code_get_usage ", "claude_code_get_cost_breakdown"] {
                if line.contains(tool) {
                    let rolled = ["period=", "group_by=", "sort=", "actor="].iter().any(|word| line.contains(word));
                    assert!(rolled, "{}: {line}", definition.name);
                }
            }
        }
    }
}
