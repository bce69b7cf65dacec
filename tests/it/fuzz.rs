//! Property tests of tool-argument validation, through the generated `tools::Call` against the
//! strict fake: whatever JSON object a client sends as arguments, nothing panics or hangs; a
//! refusal names an argument and sends nothing upstream; anything that gets past validation has
//! only known argument names and every required one.
//!
//! Deterministic for CI: a fixed seed per tool, a bounded number of cases, and no regression
//! files (`failure_persistence: None`). `PROPTEST_CASES` raises or lowers the case count.

use std::collections::BTreeSet;
use std::time::Duration;

use claude_code_connector::Client;
use claude_code_connector::generated::tools::{Call, ToolId};
use claude_code_connector::runtime::{AdminKey, ArgError, Error, Http, HttpConfig, JsonObject};
use fake_admin_api::{FAKE_ADMIN_KEY, FakeAdminApi};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{Number, Value, json};

use crate::tools::seed;

/// Decodes and runs one tool with the typed client, as the pipeline's decode and run stages do.
async fn call(client: &Client, tool: ToolId, arguments: &JsonObject) -> Result<Value, Error> {
    Call::decode(tool, arguments)?.run(client).await
}

/// Cases per tool (each group test runs this many for every tool of its group).
const CASES_PER_TOOL: u32 = 256;

/// Long enough for the slowest valid call (a few days of Claude Code reports), short enough
/// to turn a hang into a failure.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// A refusal quotes at most a shortened piece of the input, never a wall of text.
const MAX_ERROR_CHARS: usize = 2_000;

/// IDs the seed dataset has (plus one it lacks), so some generated calls reach real records.
const SEED_IDS: &[&str] = &[
    "user_01",
    "user_02",
    "user_05",
    "user_10",
    "invite_0",
    "invite_1",
    "wrkspc_prod",
    "wrkspc_dev",
    "wrkspc_old",
    "apikey_a",
    "apikey_c",
    "nope_404",
];

/// Days around the seed's data, some reversed or unreal once paired.
const DATES: &[&str] = &["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-02-30", "2026-3-1", "20260301"];

/// A client on a fresh fake; one attempt per request so nothing sleeps.
async fn client_and_fake() -> (Client, FakeAdminApi) {
    let fake = FakeAdminApi::start(seed()).await;
    let mut config = HttpConfig::new(AdminKey::new(FAKE_ADMIN_KEY));
    config.base_url = fake.base_url();
    config.retry.max_attempts = 1;
    (Client::new(Http::new(config).expect("valid config")), fake)
}

fn schema_of(tool: ToolId) -> Value {
    serde_json::from_str(tool.definition().input_schema).expect("input schema is JSON")
}

fn property_names(schema: &Value) -> BTreeSet<String> {
    schema["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default()
}

fn required_names(schema: &Value) -> BTreeSet<String> {
    schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Strings that break naive parsers and path builders.
fn hostile_string() -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(strings(&[
            "",
            " ",
            "\r\n",
            "..",
            "../users",
            "../../v1/organizations/me",
            "a/b",
            "%2F",
            "%2e%2e",
            "%2e%2e%2fusers",
            "user_01?x=1#f",
            "user_01;drop",
            "\0",
            "user\u{0}01",
            "\u{202e}evil",
            "ユーザー😀",
            "e\u{301}",
            "\u{feff}user_01",
            "null",
            "true",
            "2026-03-01",
            "2026-02-30",
            "unrestricted",
            "ADMIN",
        ])),
        Just("x".repeat(129)),
        Just("é".repeat(70_000)),
        any::<String>(),
        "[ -~]{0,40}",
    ]
    .boxed()
}

/// Numbers at and past every boundary a parser might trip on.
fn hostile_number() -> BoxedStrategy<Value> {
    prop_oneof![
        prop::sample::select(vec![
            json!(i64::MIN),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(9_223_372_036_854_775_808_u64),
            json!(-1),
            json!(0),
            json!(1),
            json!(1e308),
            json!(-1e308),
            json!(1e20),
            json!(-1e20),
            json!(0.5),
            json!(-0.0),
            json!(f64::MIN_POSITIVE),
            json!(9.0e15),
            json!(9_007_199_254_740_993.0),
            json!(2.000_000_000_000_000_4),
        ]),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("JSON numbers are finite", |f| Number::from_f64(f).map(Value::Number)),
    ]
    .boxed()
}

fn random_key() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-z_]{1,12}",
        prop::sample::select(strings(&["", "__proto__", "PAGE", "user_id ", " page", "per-page", "$ref", "\0", "|"])),
        Just("k".repeat(5_000)),
        any::<String>(),
    ]
    .boxed()
}

/// Any JSON value: every kind, nested a few levels.
fn hostile_value() -> BoxedStrategy<Value> {
    let deep = (0..120).fold(json!("bottom"), |inner, i| if i % 2 == 0 { json!([inner]) } else { json!({"a": inner}) });
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        hostile_number(),
        hostile_string().prop_map(Value::String),
        Just(deep),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((random_key(), inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
    .boxed()
}

/// `len` characters (repeats of one character that is 1, 2 or 4 bytes long).
fn of_length(min: usize, max: usize) -> BoxedStrategy<String> {
    let lengths = prop_oneof![Just(min), Just(max), Just(max + 1), Just(min.saturating_sub(1)), 0..=max + 1];
    (lengths, prop::sample::select(vec!["x", "é", "😀"])).prop_map(|(n, c)| c.repeat(n)).boxed()
}

fn bound(schema: &Value, key: &str) -> Option<i64> {
    schema.get(key).and_then(Value::as_i64)
}

/// Values shaped by the argument's schema: mostly valid, often just past a bound.
fn plausible(schema: &Value) -> BoxedStrategy<Value> {
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let options: Vec<BoxedStrategy<Value>> = branches.iter().map(plausible).collect();
        return prop::strategy::Union::new(options).boxed();
    }
    if let Some(constant) = schema.get("const") {
        return Just(constant.clone()).boxed();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let mut near_misses: Vec<Value> = Vec::new();
        for value in values.iter().filter_map(Value::as_str) {
            near_misses.push(json!(value.to_uppercase()));
            near_misses.push(json!(format!("{value} ")));
        }
        return prop_oneof![4 => prop::sample::select(values.clone()), 1 => prop::sample::select(near_misses)].boxed();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => plausible_string(schema).prop_map(Value::String).boxed(),
        Some("integer") => {
            let min = bound(schema, "minimum").unwrap_or(-1000);
            let max = bound(schema, "maximum").unwrap_or(1000);
            prop_oneof![
                4 => (min..=max).prop_map(Value::from),
                1 => (min..=max).prop_map(|n| json!(n as f64)),
                1 => prop::sample::select(vec![json!(min - 1), json!(max + 1), json!(min), json!(max)]),
            ]
            .boxed()
        }
        Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
        Some("array") => {
            let item = plausible(&schema["items"]);
            let max = bound(schema, "maxItems").unwrap_or(8) as usize;
            prop_oneof![
                4 => prop::collection::vec(item.clone(), 0..=max.min(6) + 1),
                1 => prop::collection::vec(item, max + 1),
            ]
            .prop_map(Value::Array)
            .boxed()
        }
        Some("object") => {
            let key = prop_oneof![
                4 => "[a-z]{1,8}",
                1 => prop::sample::select(strings(&["", "anthropic:team", "Anthropic-x", "😀"])),
                1 => Just("k".repeat(65)),
            ];
            let value = prop_oneof![
                4 => "[a-z ]{0,10}".prop_map(Value::String),
                1 => Just(Value::String("v".repeat(257))),
                1 => hostile_value(),
            ];
            prop::collection::vec((key, value), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect()))
                .boxed()
        }
        _ => hostile_value(),
    }
}

fn plausible_string(schema: &Value) -> BoxedStrategy<String> {
    match schema.get("format").and_then(Value::as_str) {
        Some("date") => return prop::sample::select(strings(DATES)).boxed(),
        Some("email") => {
            return prop_oneof![
                3 => prop::sample::select(strings(&["person02@acme.io", "new.person@example.com", "jane@company.com"])),
                1 => prop::sample::select(vec![
                    "a@b".to_string(),
                    "@acme.io".to_string(),
                    "a@@acme.io".to_string(),
                    "a b@acme.io".to_string(),
                    "a@.acme.io".to_string(),
                    "a@acme..io".to_string(),
                    "a\n@acme.io".to_string(),
                    format!("{}@acme.io", "a".repeat(65)),
                    format!("a@{}.io", "d".repeat(320)),
                ]),
                1 => hostile_string(),
            ]
            .boxed();
        }
        _ => {}
    }
    if schema.get("pattern").is_some() {
        return prop_oneof![
            4 => prop::sample::select(strings(SEED_IDS)),
            2 => "[A-Za-z0-9_-]{1,12}",
            1 => prop::sample::select(vec!["x".repeat(128), "x".repeat(129)]),
            2 => hostile_string(),
        ]
        .boxed();
    }
    let min = bound(schema, "minLength").unwrap_or(0) as usize;
    let max = bound(schema, "maxLength").unwrap_or(64) as usize;
    prop_oneof![3 => of_length(min, max), 1 => hostile_string()].boxed()
}

/// Values the schema allows (so the call reaches the API): IDs of the seed, days with data.
fn valid(schema: &Value) -> BoxedStrategy<Value> {
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        return prop::strategy::Union::new(branches.iter().map(valid)).boxed();
    }
    if let Some(constant) = schema.get("const") {
        return Just(constant.clone()).boxed();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return prop::sample::select(values.clone()).boxed();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date") => prop::sample::select(strings(&DATES[..4])).prop_map(Value::String).boxed(),
            Some("email") => prop::sample::select(strings(&["person02@acme.io", "new.person@example.com"]))
                .prop_map(Value::String)
                .boxed(),
            _ if schema.get("pattern").is_some() => {
                prop_oneof![3 => prop::sample::select(strings(SEED_IDS)), 1 => "[A-Za-z0-9_-]{1,12}"]
                    .prop_map(Value::String)
                    .boxed()
            }
            _ => {
                let min = bound(schema, "minLength").unwrap_or(0) as usize;
                let max = bound(schema, "maxLength").unwrap_or(64) as usize;
                (min..=max, prop::sample::select(vec!["x", "é", "😀"])).prop_map(|(n, c)| json!(c.repeat(n))).boxed()
            }
        },
        Some("integer") => (bound(schema, "minimum").unwrap_or(-1000)..=bound(schema, "maximum").unwrap_or(1000))
            .prop_map(Value::from)
            .boxed(),
        Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
        Some("array") => {
            let max = bound(schema, "maxItems").unwrap_or(8).clamp(1, 3) as usize;
            prop::collection::vec(valid(&schema["items"]), 1..=max)
                .prop_map(|mut items| {
                    let mut seen = BTreeSet::new();
                    items.retain(|item| seen.insert(item.to_string()));
                    Value::Array(items)
                })
                .boxed()
        }
        Some("object") => prop::collection::vec(("[a-z]{1,8}", "[a-z ]{0,10}"), 0..4)
            .prop_map(|entries| Value::Object(entries.into_iter().map(|(k, v)| (k, Value::String(v))).collect()))
            .boxed(),
        _ => Just(Value::Null).boxed(),
    }
}

/// An arguments object for a tool. Mostly a mix: its own names (required ones usually present,
/// optional ones sometimes) with schema-shaped or hostile values, and now and then names it does
/// not have. Sometimes only allowed values, so the accepting paths are exercised too.
fn arguments(schema: &Value) -> BoxedStrategy<JsonObject> {
    prop_oneof![3 => arguments_of(schema, false), 1 => arguments_of(schema, true)].boxed()
}

fn arguments_of(schema: &Value, only_valid: bool) -> BoxedStrategy<JsonObject> {
    let required = required_names(schema);
    let properties = schema["properties"].as_object().cloned().unwrap_or_default();
    let mut strategy = Just(JsonObject::new()).boxed();
    for (name, property) in properties {
        let (presence, value) = match (only_valid, required.contains(&name)) {
            (true, true) => (1.0, valid(&property)),
            (true, false) => (0.3, valid(&property)),
            (false, is_required) => (
                if is_required { 0.9 } else { 0.25 },
                prop_oneof![4 => plausible(&property), 1 => hostile_value()].boxed(),
            ),
        };
        strategy = (strategy, maybe(presence, value))
            .prop_map(move |(mut map, value)| {
                if let Some(value) = value {
                    map.insert(name.clone(), value);
                }
                map
            })
            .boxed();
    }
    let extras = maybe(
        if only_valid { 0.0 } else { 0.15 },
        prop::collection::vec((random_key(), hostile_value()), 1..3).boxed(),
    );
    (strategy, extras)
        .prop_map(|(mut map, extras)| {
            for (key, value) in extras.into_iter().flatten() {
                map.insert(key, value);
            }
            map
        })
        .boxed()
}

/// `Some` with probability `p`, which may be 0 or 1 (unlike `prop::option::weighted`).
fn maybe<T: std::fmt::Debug + 'static>(p: f64, strategy: BoxedStrategy<T>) -> BoxedStrategy<Option<T>> {
    match p {
        p if p <= 0.0 => Just(()).prop_map(|()| None).boxed(),
        p if p >= 1.0 => strategy.prop_map(Some).boxed(),
        p => prop::option::weighted(p, strategy).boxed(),
    }
}

fn short(arguments: &JsonObject) -> String {
    let text = Value::Object(arguments.clone()).to_string();
    if text.chars().count() > 300 { format!("{}…", text.chars().take(300).collect::<String>()) } else { text }
}

/// A refusal of an unknown argument names it as sent: `""` for the empty name, and a
/// long name cut to its first 60 characters and `…`.
fn names_an_unknown_key(e: &ArgError, args: &JsonObject, known: &BTreeSet<String>) -> bool {
    if known.contains(&e.argument) {
        return false;
    }
    args.contains_key(&e.argument)
        || (e.argument == "\"\"" && args.contains_key(""))
        || e.argument.strip_suffix('…').is_some_and(|head| {
            head.chars().count() == 60 && args.keys().any(|k| k.starts_with(head) && !known.contains(k))
        })
}

fn runner_config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(CASES_PER_TOOL);
    Config { cases, failure_persistence: None, max_shrink_iters: 512, ..Config::default() }
}

/// Runs the property for every tool of `group` (the spec's group id).
fn fuzz_group(group: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let (client, fake) = runtime.block_on(client_and_fake());
    let tools: Vec<ToolId> = ToolId::ALL.iter().copied().filter(|tool| tool.definition().group == group).collect();
    assert!(!tools.is_empty(), "no tool in group {group}");
    for (index, &tool) in tools.iter().enumerate() {
        let schema = schema_of(tool);
        let known = property_names(&schema);
        let required = required_names(&schema);
        let name = tool.name();
        let mut seed = [0u8; 32];
        seed[..name.len().min(32)].copy_from_slice(&name.as_bytes()[..name.len().min(32)]);
        seed[31] ^= index as u8;
        let mut runner = TestRunner::new_with_rng(runner_config(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let result = runner.run(&arguments(&schema), |args| {
            fake.clear_requests();
            let outcome = runtime
                .block_on(async { tokio::time::timeout(CALL_TIMEOUT, call(&client, tool, &args)).await })
                .map_err(|_| TestCaseError::fail(format!("{name} hung on {}", short(&args))))?;
            let sent = fake.requests().len();
            match outcome {
                Err(Error::Argument(e)) if names_an_unknown_key(&e, &args, &known) => {
                    prop_assert!(e.argument.chars().count() <= 61, "{name}: an unknown name echoed whole");
                    prop_assert_eq!(sent, 0, "{} sent {} request(s) for refused {}", name, sent, short(&args));
                }
                Err(Error::Argument(e)) => {
                    prop_assert!(!e.argument.is_empty(), "{name}: refusal without an argument name: {e:?}");
                    prop_assert_eq!(sent, 0, "{} sent {} request(s) for refused {}", name, sent, short(&args));
                    // An unknown name as sent; else `a|b` for "one of a, b", `ids[2]` for a list item.
                    for part in e.argument.split('|').filter(|_| !args.contains_key(&e.argument)) {
                        let base = part.split('[').next().unwrap_or(part);
                        prop_assert!(
                            known.contains(base),
                            "{name}: refusal names `{part}`, which is neither an argument of the tool nor in {}",
                            short(&args)
                        );
                    }
                    let message = Error::Argument(e.clone()).to_string();
                    prop_assert!(message.contains(&format!("`{}`", e.argument)), "{name}: {message}");
                    prop_assert!(
                        message.chars().count() <= MAX_ERROR_CHARS,
                        "{name}: a {}-character refusal echoes the input",
                        message.chars().count()
                    );
                }
                _ => {
                    let unknown: Vec<&String> = args.keys().filter(|k| !known.contains(*k)).collect();
                    prop_assert!(unknown.is_empty(), "{name} accepted unknown argument(s) {unknown:?}");
                    let missing: Vec<&String> =
                        required.iter().filter(|r| args.get(*r).is_none_or(Value::is_null)).collect();
                    prop_assert!(missing.is_empty(), "{name} accepted a call without {missing:?}");
                }
            }
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{name}: {failure}");
        }
    }
}

#[test]
fn fuzz_org_stats_and_analytics_arguments() {
    fuzz_group("stats");
}

#[test]
fn fuzz_admin_and_access_management_arguments() {
    fuzz_group("admin");
}

#[test]
fn fuzz_workspace_management_arguments() {
    fuzz_group("workspaces");
}

#[test]
fn fuzz_normalized_metrics_arguments() {
    fuzz_group("metrics");
}

/// The groups fuzzed by a test of their own above (so they run in parallel).
const GROUPS_WITH_A_TEST: &[&str] = &["stats", "admin", "workspaces", "metrics"];

/// Every other group of the spec's `groups:`, so a tool in a new group is fuzzed too.
#[test]
fn fuzz_the_other_groups_arguments() {
    for group in claude_code_connector::generated::GROUPS {
        if !GROUPS_WITH_A_TEST.contains(&group.id) && ToolId::ALL.iter().any(|t| t.definition().group == group.id) {
            fuzz_group(group.id);
        }
    }
}

/// Calls `tool` and returns the argument its refusal names; fails if it was not refused
/// or if anything was sent upstream.
async fn refused(client: &Client, fake: &FakeAdminApi, tool: &str, arguments: Value) -> String {
    let tool_id = ToolId::from_name(tool).unwrap_or_else(|| panic!("no tool {tool}"));
    let Value::Object(map) = arguments.clone() else { panic!("arguments must be an object") };
    let before = fake.requests().len();
    let outcome = call(client, tool_id, &map).await;
    assert_eq!(fake.requests().len(), before, "{tool} {}: nothing may be sent upstream", short(&map));
    match outcome {
        Err(Error::Argument(e)) => e.argument,
        Err(other) => panic!("{tool} {}: expected an argument error, got {other}", short(&map)),
        Ok(value) => panic!("{tool} {}: expected a refusal, got {value}", short(&map)),
    }
}

/// Calls `tool` and checks validation let it through (whatever the API then answered).
async fn accepted(client: &Client, tool: &str, arguments: Value) {
    let tool_id = ToolId::from_name(tool).unwrap_or_else(|| panic!("no tool {tool}"));
    let Value::Object(map) = arguments else { panic!("arguments must be an object") };
    if let Err(Error::Argument(e)) = call(client, tool_id, &map).await {
        panic!("{tool} {}: refused at the boundary: {e}", short(&map));
    }
}

#[tokio::test]
async fn path_escapes_overflows_and_length_bounds_are_refused_by_name() {
    let (client, fake) = client_and_fake().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("claude_code_get_user", json!({"user_id": "../users"}), "user_id"),
        ("claude_code_get_user", json!({"user_id": "a/b"}), "user_id"),
        ("claude_code_get_user", json!({"user_id": "%2e%2e"}), "user_id"),
        ("claude_code_get_user", json!({"user_id": "%2F"}), "user_id"),
        ("claude_code_get_user", json!({"user_id": ".."}), "user_id"),
        ("claude_code_get_user", json!({"user_id": "x".repeat(129)}), "user_id"),
        ("claude_code_get_user", json!({"user_id": "user_01\u{0}"}), "user_id"),
        ("claude_code_get_user", json!({"user_id": "ユーザー"}), "user_id"),
        ("claude_code_remove_user", json!({"user_id": "../../organizations/me"}), "user_id"),
        ("claude_code_get_invite", json!({"invite_id": "invite_0/../invite_1"}), "invite_id"),
        ("claude_code_delete_invite", json!({"invite_id": "%2e%2e"}), "invite_id"),
        ("claude_code_get_api_key", json!({"api_key_id": "apikey_a?status=active"}), "api_key_id"),
        ("claude_code_archive_workspace", json!({"workspace_id": "wrkspc_prod/archive"}), "workspace_id"),
        ("claude_code_get_workspace_member", json!({"workspace_id": "wrkspc_prod", "user_id": "../x"}), "user_id"),
        ("claude_code_remove_workspace_member", json!({"workspace_id": "..", "user_id": "user_02"}), "workspace_id"),
        ("claude_code_list_api_keys", json!({"workspace_id": "a/b"}), "workspace_id"),
        ("claude_code_list_api_keys", json!({"created_by_user_id": "x".repeat(129)}), "created_by_user_id"),
        (
            "claude_code_get_usage",
            json!({"start_date": "2026-03-01", "end_date": "2026-03-02", "workspace_ids": ["../x"]}),
            "workspace_ids",
        ),
        ("claude_code_list_users", json!({"per_page": 1e20}), "per_page"),
        ("claude_code_list_users", json!({"page": -1}), "page"),
        ("claude_code_list_users", json!({"page": 9_223_372_036_854_775_808_u64}), "page"),
        ("claude_code_list_users", json!({"page": u64::MAX}), "page"),
        ("claude_code_list_users", json!({"page": i64::MIN}), "page"),
        ("claude_code_list_users", json!({"page": i64::MAX}), "page"),
        ("claude_code_list_users", json!({"per_page": 1e308}), "per_page"),
        ("claude_code_list_users", json!({"per_page": -1e308}), "per_page"),
        ("claude_code_list_users", json!({"per_page": 20.5}), "per_page"),
        ("claude_code_list_users", json!({"per_page": 9.5e15}), "per_page"),
        ("claude_code_list_invites", json!({"page": 10_001}), "page"),
        ("claude_code_list_workspace_members", json!({"workspace_id": "wrkspc_prod", "per_page": 101}), "per_page"),
        ("claude_code_update_api_key", json!({"api_key_id": "apikey_a", "name": "n".repeat(501)}), "name"),
        ("claude_code_update_api_key", json!({"api_key_id": "apikey_a", "name": "é".repeat(501)}), "name"),
        ("claude_code_create_workspace", json!({"name": "w".repeat(41)}), "name"),
        ("claude_code_create_workspace", json!({"name": "😀".repeat(41)}), "name"),
        ("claude_code_create_workspace", json!({"name": "ok", "description": "d".repeat(257)}), "description"),
        ("claude_code_update_workspace", json!({"workspace_id": "wrkspc_dev", "name": "w".repeat(41)}), "name"),
        (
            "claude_code_update_workspace",
            json!({"workspace_id": "wrkspc_dev", "tags": {"anthropic-team": "x"}}),
            "tags",
        ),
        ("claude_code_update_workspace", json!({"workspace_id": "wrkspc_dev", "tags": {"k": "v".repeat(257)}}), "tags"),
        (
            "claude_code_create_invite",
            json!({"email": format!("{}@acme.io", "a".repeat(320)), "role": "user"}),
            "email",
        ),
        ("claude_code_create_invite", json!({"email": format!("a@{}.io", "d".repeat(320)), "role": "user"}), "email"),
        ("claude_code_list_users", json!({"email": format!("a@{}.io", "d".repeat(320))}), "email"),
        (
            "claude_code_get_normalized_metrics",
            json!({"start_date": "2026-03-01\u{0}", "end_date": "2026-03-02"}),
            "start_date",
        ),
        (
            "claude_code_get_code_analytics",
            json!({"start_date": "２０２６-03-01", "end_date": "2026-03-02"}),
            "start_date",
        ),
    ];
    for (tool, arguments, argument) in cases {
        let named = refused(&client, &fake, tool, arguments.clone()).await;
        let item = named.strip_prefix(argument).is_some_and(|rest| rest.starts_with('['));
        assert!(named == argument || item, "{tool} {arguments}: the refusal names `{named}`, not `{argument}`");
    }
    assert!(fake.requests().is_empty(), "nothing at all was sent upstream");
}

#[tokio::test]
async fn values_exactly_at_the_bounds_are_accepted() {
    let (client, fake) = client_and_fake().await;
    accepted(&client, "claude_code_get_user", json!({"user_id": "x".repeat(128)})).await;
    accepted(&client, "claude_code_list_users", json!({"page": 1, "per_page": 100})).await;
    accepted(&client, "claude_code_list_users", json!({"per_page": 100.0})).await;
    accepted(&client, "claude_code_update_api_key", json!({"api_key_id": "apikey_a", "name": "é".repeat(500)})).await;
    accepted(&client, "claude_code_create_workspace", json!({"name": "😀".repeat(40)})).await;
    accepted(&client, "claude_code_list_users", json!({"email": format!("{}@{}.io", "a".repeat(64), "d".repeat(252))}))
        .await;
    assert!(!fake.requests().is_empty(), "calls at the bounds reach the API");
}

#[tokio::test]
async fn unknown_argument_names_are_never_empty_or_echoed_whole() {
    let (client, fake) = client_and_fake().await;
    let named = refused(&client, &fake, "claude_code_get_org_info", json!({"": 1})).await;
    assert!(!named.is_empty(), "the refusal of an argument named \"\" must still name something");

    let long = "k".repeat(5_000);
    let Value::Object(arguments) = json!({ long: 1 }) else { unreachable!() };
    let error = call(&client, ToolId::ListUsers, &arguments).await.expect_err("refused");
    let message = error.to_string();
    assert!(message.chars().count() <= MAX_ERROR_CHARS, "a {}-character refusal", message.chars().count());
}
