//! Benchmark (not a timed test): the questions organization admins ask most, each as
//! the one call that answers it, against the `--sandbox` organization (60 seats, a year
//! of reports). For each: the bytes a model received before reports rolled up (the raw
//! report(s) it had to add up itself, whole: the text was the summary line and the
//! JSON) and what it receives now, as the text block and as the compact JSON of
//! `structuredContent`. Budget: every answer at most
//! 8 KB in both forms. Prints a Markdown table (docs/answers.md).
//!
//! Run: `cargo bench --bench answers`. Exits 1 when an answer is over its budget.

use claude_code_connector::cli::sandbox::{KEY, Sandbox};
use claude_code_connector::pipeline::{CallRequest, Connector, ToolOutcome};
use claude_code_connector::runtime::{AdminKey, Http, HttpConfig, JsonObject};
use serde_json::{Value, json};

/// The most bytes an answer may take, as text and as structured JSON.
const BUDGET: usize = 8 * 1024;

struct Question {
    question: &'static str,
    /// The call that answers it now.
    answer: (&'static str, Value),
    /// What a model had to read before: the raw report(s).
    before: Vec<(&'static str, Value)>,
}

fn questions(person: &str) -> Vec<Question> {
    let last_month = json!({"start_date": "last-month", "end_date": "last-month"});
    let with = |base: &Value, extra: Value| {
        let mut merged = base.clone();
        merged.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        merged
    };
    let days_30 = json!({"start_date": "30-days-ago", "end_date": "yesterday"});
    let weeks_13 = json!({"start_date": "91-days-ago", "end_date": "yesterday"});
    let months_3 = json!({"start_date": two_months_before_this_one(), "end_date": "yesterday"});
    let days_14 = json!({"start_date": "14-days-ago", "end_date": "yesterday"});
    let this_month = json!({"start_date": "this-month", "end_date": "today"});
    let last_quarter = json!({"start_date": "last-quarter", "end_date": "last-quarter"});
    let this_quarter = json!({"start_date": "this-quarter", "end_date": "yesterday"});
    vec![
        Question {
            question: "What one person did last month, by day",
            answer: ("claude_code_get_code_analytics", with(&last_month, json!({"actor": person, "period": "day"}))),
            before: vec![("claude_code_get_code_analytics", last_month.clone())],
        },
        Question {
            question: "One person's seat last month",
            answer: ("claude_code_get_seat_activity", with(&last_month, json!({"actor": person}))),
            before: vec![
                ("claude_code_list_users", json!({"per_page": 100})),
                ("claude_code_get_code_analytics", last_month.clone()),
            ],
        },
        Question {
            question: "API keys not used in the last 30 days",
            answer: ("claude_code_get_api_key_activity", with(&days_30, json!({"status": "unused"}))),
            before: vec![
                ("claude_code_list_api_keys", json!({"per_page": 100})),
                ("claude_code_get_usage", with(&days_30, json!({"group_by": ["api_key_id"], "per_page": 100}))),
            ],
        },
        Question {
            question: "Spend per workspace (by name) last quarter",
            answer: (
                "claude_code_get_cost_breakdown",
                with(&last_quarter, json!({"group_by": ["workspace_id"], "period": "total", "sort": "cost_usd"})),
            ),
            before: vec![
                ("claude_code_get_cost_breakdown", with(&last_quarter, json!({"group_by": ["workspace_id"]}))),
                ("claude_code_list_workspaces", json!({"per_page": 100})),
            ],
        },
        Question {
            question: "Cost by model this quarter (analytics, 31-day windows)",
            answer: (
                "claude_code_get_cost_analytics",
                with(&this_quarter, json!({"group_by": ["model"], "period": "total", "sort": "cost_usd"})),
            ),
            before: vec![("claude_code_get_cost_breakdown", with(&this_quarter, json!({"group_by": ["description"]})))],
        },
        Question {
            question: "Top 10 Claude Code users by cost last month",
            answer: (
                "claude_code_get_code_analytics",
                with(&last_month, json!({"group_by": ["actor"], "sort": "cost_usd", "top": 10})),
            ),
            before: vec![("claude_code_get_code_analytics", last_month.clone())],
        },
        Question {
            question: "Seats with no Claude Code activity in the last 30 days",
            answer: ("claude_code_get_seat_activity", with(&days_30, json!({"status": "inactive"}))),
            before: vec![
                ("claude_code_list_users", json!({"per_page": 100})),
                ("claude_code_get_code_analytics", days_30.clone()),
            ],
        },
        Question {
            question: "Claude Code cost and sessions per week, last 13 weeks",
            answer: ("claude_code_get_code_analytics", with(&weeks_13, json!({"period": "week"}))),
            before: vec![("claude_code_get_code_analytics", weeks_13.clone())],
        },
        Question {
            question: "Lines added per terminal last month",
            answer: (
                "claude_code_get_code_analytics",
                with(&last_month, json!({"group_by": ["terminal"], "sort": "lines_added"})),
            ),
            before: vec![("claude_code_get_code_analytics", last_month.clone())],
        },
        Question {
            question: "API cost per workspace last month",
            answer: (
                "claude_code_get_cost_breakdown",
                with(&last_month, json!({"group_by": ["workspace_id"], "period": "total", "sort": "cost_usd"})),
            ),
            before: vec![("claude_code_get_cost_breakdown", with(&last_month, json!({"group_by": ["workspace_id"]})))],
        },
        Question {
            question: "Tokens per model per month, last three months",
            answer: ("claude_code_get_usage", with(&months_3, json!({"group_by": ["model"], "period": "month"}))),
            before: vec![("claude_code_get_usage", with(&months_3, json!({"group_by": ["model"], "per_page": 100})))],
        },
        Question {
            question: "The 10 largest cost line items last month",
            answer: (
                "claude_code_get_cost_breakdown",
                with(&last_month, json!({"group_by": ["description"], "sort": "cost_usd", "top": 10})),
            ),
            before: vec![("claude_code_get_cost_breakdown", with(&last_month, json!({"group_by": ["description"]})))],
        },
        Question {
            question: "Daily cost of the last 14 days",
            answer: ("claude_code_get_cost_breakdown", with(&days_14, json!({"period": "day"}))),
            before: vec![("claude_code_get_cost_breakdown", days_14.clone())],
        },
        Question {
            question: "The API keys that used the most tokens last month",
            answer: (
                "claude_code_get_usage",
                with(&last_month, json!({"group_by": ["api_key_id"], "sort": "input_tokens", "top": 10})),
            ),
            before: vec![(
                "claude_code_get_usage",
                with(&last_month, json!({"group_by": ["api_key_id"], "per_page": 100})),
            )],
        },
        Question {
            question: "The cost of this month so far",
            answer: ("claude_code_get_cost_breakdown", with(&this_month, json!({"period": "total"}))),
            before: vec![("claude_code_get_cost_breakdown", this_month.clone())],
        },
    ]
}

/// `YYYY-MM` of the month two before this one: with this month, three months.
fn two_months_before_this_one() -> String {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let months = today.year() * 12 + today.month0() as i32 - 2;
    format!("{}-{:02}", months.div_euclid(12), months.rem_euclid(12) + 1)
}

/// What a model reads of one call: the text block and the compact structured JSON.
/// `old_text`: the text as the connector wrote it before, its summary line then the JSON.
async fn sizes(connector: &Connector, tool: &str, arguments: &Value, old_text: bool) -> (usize, usize) {
    let request = CallRequest::new(tool, arguments.as_object().cloned().unwrap_or_default());
    match connector.call(request, std::future::pending()).await {
        ToolOutcome::Success(answer) => {
            let json = serde_json::to_vec(&answer.value).map(|v| v.len()).unwrap_or(usize::MAX);
            let text = if old_text { answer.summary.len() + 1 + json } else { answer.text.len() };
            (text, json)
        }
        ToolOutcome::Failure(failure) => panic!("{tool} {arguments}: {failure}"),
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let over = runtime.block_on(run());
    if over > 0 {
        eprintln!("{over} answer(s) over the {BUDGET}-byte budget");
        std::process::exit(1);
    }
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

async fn run() -> usize {
    let sandbox = Sandbox::start().wait().expect("the sandbox starts");
    let mut config = HttpConfig::new(AdminKey::new(KEY));
    config.base_url = sandbox.base_url.clone();
    // Before: the old default budget (256 KiB) and no roll-up, so the raw size shows.
    let before = Connector::new(Http::new(config.clone()).expect("config"))
        .with_audit(None)
        .with_limits(claude_code_connector::pipeline::Limits { max_result_bytes: 64 << 20, ..Default::default() });
    let now = Connector::new(Http::new(config).expect("config")).with_audit(None);
    println!(
        "Answers against the sandbox organization ({} seats); budget {} per answer, text and JSON",
        60,
        kb(BUDGET)
    );
    println!();
    println!("| question | the one call now | before: text | before: JSON | now: text | now: JSON |");
    println!("|---|---|---|---|---|---|");
    let person =
        match now.call(CallRequest::new("claude_code_list_users", JsonObject::new()), std::future::pending()).await {
            ToolOutcome::Success(answer) => answer.value["data"][1]["email"].as_str().unwrap_or_default().to_string(),
            ToolOutcome::Failure(failure) => panic!("{failure}"),
        };
    let mut over = 0;
    for q in questions(&person) {
        let (mut before_text, mut before_json) = (0, 0);
        for (tool, arguments) in &q.before {
            let (text, json) = sizes(&before, tool, arguments, true).await;
            before_text += text;
            before_json += json;
        }
        let (tool, arguments) = &q.answer;
        let (text, json) = sizes(&now, tool, arguments, false).await;
        let verdict = if text <= BUDGET && json <= BUDGET { "" } else { " **over**" };
        if !verdict.is_empty() {
            over += 1;
        }
        let call: Vec<String> = arguments
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| !k.ends_with("_date"))
            .map(|(k, v)| format!("{k}={}", v.to_string().replace('"', "")))
            .collect();
        println!(
            "| {} | `{} {}` | {} | {} | {}{verdict} | {}{verdict} |",
            q.question,
            tool.trim_start_matches("claude_code_"),
            call.join(" "),
            kb(before_text),
            kb(before_json),
            kb(text),
            kb(json)
        );
    }
    over
}
