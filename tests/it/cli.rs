//! The command line of the real binary: `tools`, `call` (tables, totals, `--output json`),
//! exit codes and streams, mostly against the sandbox, and once against a fake with a key.

use claude_code_connector::generated::tools::{DEFINITIONS, ToolId};
use claude_code_connector::pipeline::{CallRequest, Connector, ToolOutcome};
use claude_code_connector::runtime::{AdminKey, Http, HttpConfig, JsonObject};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::{Value, json};

use crate::binary::run;

const SANDBOX_LINE: &str = "Sandbox data: a demo organization, not yours";

/// The first command of the README's Quick start, as arguments of the binary.
#[cfg(feature = "sandbox")]
fn readme_first_command() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let quick_start = &readme[readme.find("## Quick start").expect("a Quick start section")..];
    let block = &quick_start[quick_start.find("```sh\n").expect("a sh block") + 6..];
    let line = block.lines().next().unwrap();
    let (cargo, args) = line.split_once(" -- ").expect("cargo run ... -- ARGS");
    assert!(cargo.starts_with("cargo run"), "{line}");
    args.split_whitespace().map(str::to_string).collect()
}

/// The value of a labelled row (`Label   value`) in a two-column table.
#[cfg(feature = "sandbox")]
fn row<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(label)?;
        rest.starts_with("  ").then(|| rest.trim())
    })
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn the_readme_first_command_prints_last_months_metrics_as_a_table() {
    let args = readme_first_command();
    assert!(args.iter().any(|a| a == "--sandbox"), "the first command needs no key: {args:?}");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args, &[]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.starts_with(&format!("{SANDBOX_LINE}\n")), "{}", out.stdout);
    assert!(!out.stdout.contains(['{', '}']), "a table, not JSON:\n{}", out.stdout);
    for label in ["Total seats", "Active seats", "Seat utilization", "Acceptance rate", "Total cost", "Cost per user"] {
        let value = row(&out.stdout, label).unwrap_or_else(|| panic!("no `{label}` row in:\n{}", out.stdout));
        assert!(value.chars().any(|c| c.is_ascii_digit()), "{label}: {value}");
    }
    assert_eq!(row(&out.stdout, "Total seats"), Some("60"));
    assert!(row(&out.stdout, "Total cost").unwrap().starts_with('$'));
    assert!(row(&out.stdout, "Acceptance rate").unwrap().ends_with('%'));
    assert!(row(&out.stdout, "Lines suggested").unwrap().starts_with("n/a"), "{}", out.stdout);
    assert!(out.stdout.contains("By editor or terminal") && out.stdout.contains("By model"));
    assert!(!out.stderr.contains("error"), "{}", out.stderr);
}

#[tokio::test]
async fn tools_prints_every_tool_with_its_kind() {
    let out = run(&["tools"], &[]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let header = out.stdout.lines().next().unwrap();
    assert!(["Group", "Tool", "Title", "Kind"].iter().all(|h| header.contains(h)), "{header}");
    for def in DEFINITIONS {
        let short = def.name.strip_prefix("claude_code_").unwrap();
        let line = out.stdout.lines().find(|l| l.split_whitespace().any(|w| w == short)).unwrap_or_else(|| {
            panic!("{short} missing:\n{}", out.stdout);
        });
        assert!(line.trim_end().ends_with(def.kind.as_str()) && line.contains(def.title), "{line}");
    }
    assert!(out.stdout.contains("Org Stats & Analytics") && out.stdout.contains("Normalized Metrics"));
    let read_only = run(&["tools", "--read-only"], &[]).await;
    assert!(!read_only.stdout.contains("destructive") && !read_only.stdout.contains("create_invite"));
    assert!(read_only.stdout.contains("list_users"));
    let help = run(&["call", "--help"], &[]).await;
    assert_eq!(help.code, Some(0));
    assert!(
        help.stdout.contains("KEY=VALUE") && help.stdout.contains("--output") && help.stdout.contains("Exit codes")
    );
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn a_list_is_a_table_of_its_items() {
    let out = run(&["--sandbox", "call", "list_users", "per_page=5"], &[]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], SANDBOX_LINE);
    assert!(lines[1].starts_with("5 users, page 1"), "the server's summary: {}", lines[1]);
    assert!(["ID", "Email", "Name", "Role", "Added at"].iter().all(|h| lines[2].contains(h)), "{}", lines[2]);
    assert!(lines[3].starts_with("---"));
    let rows: Vec<&&str> = lines[4..].iter().filter(|l| l.contains("@example-corp.io")).collect();
    assert_eq!(rows.len(), 5, "{}", out.stdout);
    assert!(!out.stdout.contains(['{', '}']));
    // The prefix is optional, and so is the sandbox flag's place.
    let same = run(&["call", "claude_code_list_users", "per_page=5", "--sandbox"], &[]).await;
    assert_eq!(same.stdout, out.stdout);
    let fields = run(&["--sandbox", "call", "list_users", "per_page=2", "fields=email,role"], &[]).await;
    let header = fields.stdout.lines().nth(2).unwrap();
    assert_eq!(header.split_whitespace().collect::<Vec<_>>(), ["Email", "Role"], "{}", fields.stdout);
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn a_cost_report_ends_with_its_total_in_dollars() {
    let args = ["--sandbox", "call", "get_cost_breakdown", "start_date=60-days-ago", "end_date=31-days-ago"];
    let out = run(&args, &[]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let json = run(&[args.as_slice(), &["--output", "json"]].concat(), &[]).await;
    let value: Value = serde_json::from_str(&json.stdout).expect("--output json is JSON");
    let total_usd: f64 = value["total_usd"].as_str().unwrap().parse().unwrap();
    let total_row = out.stdout.lines().find(|l| l.starts_with("Total ")).expect("a totals row");
    let expected = format!("${:.2}", total_usd);
    let shown = total_row.split_whitespace().last().unwrap().replace(',', "");
    assert_eq!(shown, expected, "{}", out.stdout);
    let days =
        out.stdout.lines().filter(|l| l.len() > 10 && l.as_bytes()[0].is_ascii_digit() && l.as_bytes()[4] == b'-');
    assert_eq!(days.count(), 30, "one row per day:\n{}", out.stdout);
    assert!(total_usd > 0.0);
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn a_usage_report_sums_its_tokens() {
    let out = run(
        &["--sandbox", "call", "get_usage", "start_date=10-days-ago", "end_date=8-days-ago", "group_by=model"],
        &[],
    )
    .await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("Model") && out.stdout.contains("claude-"), "{}", out.stdout);
    let header = out.stdout.lines().find(|l| l.contains("Input tokens")).expect("a token column");
    assert!(header.contains("Output tokens"), "{header}");
    let total = out.stdout.lines().find(|l| l.starts_with("Total ")).expect("a totals row");
    assert!(total.chars().any(|c| c.is_ascii_digit()), "{total}");
    let analytics =
        run(&["--sandbox", "call", "get_code_analytics", "start_date=3-days-ago", "end_date=3-days-ago"], &[]).await;
    assert_eq!(analytics.code, Some(0), "{analytics:?}");
    let totals = analytics.stdout.lines().find(|l| l.starts_with("Total ")).expect("a totals row");
    assert!(totals.contains("actor") && totals.contains('$'), "{totals}");
    assert!(analytics.stdout.contains("Accepted") && analytics.stdout.contains("Rejected"), "{}", analytics.stdout);
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn a_write_prints_what_it_did_and_is_audited_on_stderr() {
    let out = run(&["--sandbox", "call", "create_invite", "email=new.hire@example.com", "role=developer"], &[]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(row(&out.stdout, "Email") == Some("new.hire@example.com"), "{}", out.stdout);
    assert_eq!(row(&out.stdout, "Status"), Some("pending"));
    assert_eq!(row(&out.stdout, "Role"), Some("developer"));
    // Two audit lines: `pending` before it was sent, then `ok`.
    let audit: Vec<Value> =
        out.stderr.lines().filter(|l| l.starts_with('{')).map(|l| serde_json::from_str(l).unwrap()).collect();
    let outcomes: Vec<_> = audit.iter().map(|l| (l["tool"].as_str(), l["outcome"].as_str())).collect();
    let tool = Some("claude_code_create_invite");
    assert_eq!(outcomes, [(tool, Some("pending")), (tool, Some("ok"))], "{}", out.stderr);
    // --max-role refuses it before anything is sent: a failed call, not a usage error.
    let refused =
        run(&["--sandbox", "call", "create_invite", "--max-role", "developer", "email=a@b.co", "role=billing"], &[])
            .await;
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert!(refused.stderr.contains("refused") && refused.stdout.is_empty(), "{refused:?}");
    // One line says so; the audit record goes to the audit log only.
    let about: Vec<&str> = refused.stderr.lines().filter(|l| l.contains("billing")).collect();
    assert_eq!(about.len(), 1, "{}", refused.stderr);
    assert!(!refused.stderr.contains("\"outcome\""), "{}", refused.stderr);
    let dir = std::env::temp_dir().join(format!("ccc-cli-refusal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("audit.jsonl");
    let log_arg = format!("--audit-log={}", log.display());
    let refused = run(
        &["--sandbox", "call", "create_invite", "--max-role", "developer", &log_arg, "email=a@b.co", "role=billing"],
        &[],
    )
    .await;
    assert_eq!(refused.stderr.lines().filter(|l| l.contains("billing")).count(), 1, "{}", refused.stderr);
    let trail = std::fs::read_to_string(&log).unwrap();
    assert!(trail.contains("\"outcome\":\"refused\""), "{trail}");
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn bad_arguments_are_usage_errors_that_name_the_argument() {
    for (args, says) in [
        (vec!["call", "list_users", "per_page=500"], "`per_page`"),
        (vec!["call", "get_usage", "start_date=2026-02-30", "end_date=2026-03-01"], "`start_date`"),
        (vec!["call", "list_users", "per_page"], "malformed argument `per_page`"),
        (vec!["call", "list_users", "colour=red"], "`colour`"),
        (vec!["call", "lst_users"], "did you mean `list_users`"),
        (vec!["call", "list_users", "--json", "[1]"], "--json"),
        (vec!["call", "list_users", "--output", "yaml"], "--output"),
        (vec!["call", "--read-only", "create_invite", "email=a@b.co", "role=user"], "--read-only"),
        (vec!["--read-only", "call", "list_users"], "must come after the subcommand"),
    ] {
        let mut args = args;
        args.insert(0, "--sandbox");
        let out = run(&args, &[]).await;
        assert_eq!(out.code, Some(2), "{args:?}: {out:?}");
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert!(!out.stdout.contains("Email"), "no result on stdout: {args:?}: {}", out.stdout);
    }
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn an_api_error_is_a_failed_call() {
    let out = run(&["--sandbox", "call", "get_user", "user_id=user_nobody"], &[]).await;
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("404 not_found_error") && out.stderr.contains("user_nobody"), "{}", out.stderr);
}

#[tokio::test]
async fn without_a_key_the_call_fails_and_suggests_the_sandbox() {
    let out = run(&["call", "get_org_info"], &[]).await;
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("ANTHROPIC_ADMIN_API_KEY is not set") && out.stderr.contains("--sandbox"));
    assert!(out.stdout.is_empty());
}

/// The structured content of one call made in-process, as the MCP server makes it.
async fn structured(fake: &FakeAdminApi, tool: ToolId, arguments: Value) -> Value {
    let mut config = HttpConfig::new(AdminKey::new(FAKE_ADMIN_KEY));
    config.base_url = fake.base_url();
    let connector = Connector::new(Http::new(config).unwrap()).with_audit(None);
    let arguments: JsonObject = serde_json::from_value(arguments).unwrap();
    match connector.call(CallRequest::new(tool.name(), arguments), std::future::pending()).await {
        ToolOutcome::Success(answer) => answer.value,
        ToolOutcome::Failure(failure) => panic!("{failure:?}"),
    }
}

#[tokio::test]
async fn json_output_is_the_structured_content_of_the_same_call() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let base_url = fake.base_url();
    let env = [("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY), ("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url.as_str())];
    for (tool, pairs, arguments) in [
        (ToolId::ListUsers, vec!["per_page=7", "page=2"], json!({"per_page": 7, "page": 2})),
        (
            ToolId::GetCostBreakdown,
            vec!["start_date=2026-03-01", "end_date=2026-03-05"],
            json!({"start_date": "2026-03-01", "end_date": "2026-03-05"}),
        ),
        (ToolId::ListWorkspaces, vec!["include_archived=true"], json!({"include_archived": true})),
    ] {
        let mut args = vec!["call", tool.name(), "--output", "json"];
        args.extend(pairs);
        let out = run(&args, &env).await;
        assert_eq!(out.code, Some(0), "{out:?}");
        assert!(!out.stdout.contains(SANDBOX_LINE) && !out.stderr.contains(SANDBOX_LINE));
        let printed: Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
        assert_eq!(printed, structured(&fake, tool, arguments).await, "{}", tool.name());
    }
}

#[tokio::test]
async fn call_tool_help_prints_the_tools_arguments_and_an_example() {
    let out = run(&["call", "get_seat_activity", "--help"], &[]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.starts_with("claude_code_get_seat_activity: Seat activity\n"), "{out:?}");
    for line in ["status", "one of all, active, inactive; default all.", "actor", "start_date", "required", "Example:"]
    {
        assert!(out.stdout.contains(line), "{line}: {}", out.stdout);
    }
    assert!(out.stderr.is_empty(), "{out:?}");
}
