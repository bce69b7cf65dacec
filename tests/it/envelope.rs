//! The fields the connector adds to a result (`summary`, `notice`, `upstream`,
//! `truncated` with every key a cut writes, and a roll-up's `period`, `group_by`, `rows`,
//! `totals`, ...) are declared by the output schema of every tool, generated or
//! hand-written: each field, as real calls through MCP return it, fits the schema each
//! tool declares for it.

use std::collections::BTreeMap;

use claude_code_connector::generated::tools::DEFINITIONS;
use claude_code_connector::pipeline::Limits;
use fake_admin_api::{FakeAdminApi, Workspace};
use serde_json::{Value, json};

use crate::docs::fits;
use crate::harness::{Harness, fast_config};

/// Small enough that a page of users is cut to its first items, and a workspace with a
/// long name has its long values cut.
const SMALL: usize = 4_000;

#[tokio::test]
async fn every_connector_added_field_fits_the_output_schema_of_every_tool() {
    let (mut dataset, _) = crate::aggregate::claude_code_dataset();
    let seed = crate::tools::seed();
    dataset.users = seed.users;
    dataset.workspaces = seed.workspaces;
    dataset.workspaces.push(Workspace::new("wrkspc_long", &"x".repeat(20_000)));
    let fake = FakeAdminApi::start(dataset).await;
    let h = Harness::with_connector(fake.clone(), fast_config(&fake.base_url()), |c| {
        c.with_result_note("Sandbox data: a demo organization, not yours")
            .with_limits(Limits { max_result_bytes: SMALL, ..Limits::default() })
    })
    .await;
    let tools = h.list_tools().await;
    assert_eq!(tools.len(), DEFINITIONS.len(), "every tool is listed");

    // Results that carry every field the connector adds.
    let results = [
        ("claude_code_list_users", json!({"per_page": 100})),
        ("claude_code_get_workspace", json!({"workspace_id": "wrkspc_long"})),
        ("claude_code_list_workspaces", json!({"include_archived": true})),
        (
            "claude_code_get_code_analytics",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-16", "period": "week", "group_by": ["actor"], "sort": "cost_usd", "top": 1}),
        ),
    ];
    let mut added: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut rolled_up: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (name, arguments) in results {
        let result = h.call(name, arguments).await;
        assert_ne!(result.is_error, Some(true), "{name}: {result:?}");
        let value = result.structured_content.expect("structuredContent");
        for (key, field) in value.as_object().unwrap() {
            match key.as_str() {
                "summary" | "notice" | "upstream" | "truncated" => {
                    added.entry(key.clone()).or_default().push(field.clone())
                }
                "period" | "group_by" | "sort" | "top" | "groups" | "first_day" | "last_day" | "rows" | "totals" => {
                    rolled_up.entry(key.clone()).or_default().push(field.clone())
                }
                _ => {}
            }
        }
    }
    let cut_keys: std::collections::BTreeSet<&str> =
        added["truncated"].iter().flat_map(|t| t.as_object().unwrap().keys().map(String::as_str)).collect();
    assert_eq!(
        cut_keys.into_iter().collect::<Vec<_>>(),
        ["cut", "how", "next", "note", "reason", "returned", "total"],
        "the calls above cut both ways"
    );
    assert_eq!(added.len(), 4, "summary, notice, upstream and truncated were all returned: {:?}", added.keys());
    assert_eq!(rolled_up.len(), 9, "every field of a roll-up was returned: {:?}", rolled_up.keys());
    assert!(
        rolled_up["rows"][0].as_array().unwrap().iter().any(|row| row.get("other_groups").is_some()),
        "a row summing what `top` left out"
    );

    let handlers = DEFINITIONS
        .iter()
        .filter(|d| matches!(d.output_schema, claude_code_connector::runtime::OutputSchema::Derived(_)));
    assert!(handlers.count() >= 2, "hand-written tools are among those checked");
    for tool in &tools {
        let schema = Value::Object(
            (*tool.output_schema.clone().unwrap_or_else(|| panic!("{}: no outputSchema", tool.name))).clone(),
        );
        let rolls_up = DEFINITIONS.iter().any(|d| d.name == tool.name && d.aggregation.is_some());
        let fields = added.iter().chain(rolled_up.iter().filter(|_| rolls_up));
        for (key, values) in fields {
            let declared = schema["properties"]
                .get(key)
                .unwrap_or_else(|| panic!("{}: its outputSchema does not declare `{key}`", tool.name));
            for value in values {
                fits(value, declared, key).unwrap_or_else(|problem| {
                    panic!("{}: `{key}` does not fit its outputSchema: {problem}", tool.name)
                });
            }
        }
    }
}
