//! Fetch once (docs/cache.md): closed report days come from the cache, through MCP
//! against the fake with its upstream requests counted; days still settling, other
//! credentials and writes do not; the budget holds; the disk cache survives a restart
//! of the real binary, ignores damaged entries and never holds the key.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use claude_code_connector::pipeline::Limits;
use claude_code_connector::runtime::cache::CacheConfig;
use claude_code_connector::runtime::{AdminKey, Http, HttpConfig};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::{Value, json};

use crate::binary::run;
use crate::harness::{Harness, fast_config, text_of};

/// Five days of demo data, 2026-03-01..05: long closed.
const DAYS: [&str; 2] = ["2026-03-01", "2026-03-05"];
const SECOND_KEY: &str = "sk-ant-admin01-second-key-of-the-same-org";

fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ccc-cache-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn cached(base_url: &str, key: &str, cache: CacheConfig) -> HttpConfig {
    let mut config = fast_config(base_url);
    config.key = AdminKey::new(key);
    config.cache = cache;
    config
}

fn on_disk(dir: &Path) -> CacheConfig {
    CacheConfig { dir: Some(dir.to_path_buf()), ..CacheConfig::in_memory() }
}

fn range() -> Value {
    json!({"start_date": DAYS[0], "end_date": DAYS[1]})
}

async fn demo() -> FakeAdminApi {
    FakeAdminApi::start(Dataset::demo(5, 5, DAYS[1])).await
}

async fn harness(fake: &FakeAdminApi, key: &str, cache: CacheConfig) -> Harness {
    Harness::with_config(fake.clone(), cached(&fake.base_url(), key, cache)).await
}

#[tokio::test]
async fn a_second_call_for_closed_days_makes_no_request_and_gives_the_same_answer() {
    let fake = demo().await;
    let h = harness(&fake, FAKE_ADMIN_KEY, CacheConfig::in_memory()).await;
    let cost = json!({"start_date": DAYS[0], "end_date": DAYS[1], "group_by": ["workspace_id"]});
    for (tool, arguments) in [
        ("claude_code_get_code_analytics", range()),
        ("claude_code_get_usage", range()),
        ("claude_code_get_cost_breakdown", cost),
    ] {
        let first = h.ok(tool, arguments.clone()).await;
        let requests = h.take_requests();
        let fetched = requests.iter().filter(|r| r.path.contains("report")).count();
        assert!(fetched > 0, "{tool}: the first call fetches");
        // Each result says what it cost upstream: every request the fake saw (the lists that
        // name IDs, such as the workspaces, included), and the pages the cache gave.
        assert_eq!(first["upstream"], json!({"requests": requests.len(), "cached_pages": 0}), "{tool}");
        let second = h.ok(tool, arguments).await;
        assert_eq!(h.take_requests().len(), 0, "{tool}: the second call is answered from the cache");
        assert_eq!(second["upstream"], json!({"requests": 0, "cached_pages": fetched}), "{tool}");
        assert_eq!(answer(first), answer(second), "{tool}");
    }
    // The roll-ups and the metrics read the same report days: from the cache too.
    let metrics = h.ok("claude_code_get_normalized_metrics", range()).await;
    let code_days: Vec<_> =
        h.take_requests().into_iter().filter(|r| r.path.ends_with("/usage_report/claude_code")).collect();
    assert!(code_days.is_empty(), "the metrics reuse the days the report fetched: {code_days:?}");
    h.take_requests();
    let again = h.ok("claude_code_get_normalized_metrics", range()).await;
    let requests = h.take_requests();
    assert!(requests.iter().all(|r| !r.path.contains("_report")), "every report from the cache: {requests:?}");
    // The same answer, but for the requests each source says it made.
    assert_eq!(answer(without_requests(metrics)), answer(without_requests(again)));
    h.ok("claude_code_get_seat_activity", range()).await;
    let requests = h.take_requests();
    assert!(requests.iter().all(|r| !r.path.contains("usage_report")), "{requests:?}");
    assert!(requests.iter().any(|r| r.path.ends_with("/users")), "users are always fetched fresh");
}

#[tokio::test]
async fn every_result_says_what_it_cost_upstream_even_when_cut_to_the_cap() {
    let fake = demo().await;
    let max_result_bytes = 4096;
    let config = cached(&fake.base_url(), FAKE_ADMIN_KEY, CacheConfig::in_memory());
    let h = Harness::with_connector(fake.clone(), config, |c| {
        c.with_limits(Limits { max_result_bytes, ..Limits::default() })
    })
    .await;
    // Five days of per-actor records, cut to 4 KB.
    let arguments = range();
    let mut seen = Vec::new();
    for _ in 0..2 {
        let result = h.call("claude_code_get_code_analytics", arguments.clone()).await;
        assert_ne!(result.is_error, Some(true), "{}", text_of(&result));
        let structured = result.structured_content.clone().unwrap();
        assert!(structured.get("truncated").is_some(), "the result is cut: {structured}");
        let text = text_of(&result);
        let bytes = text.len() + serde_json::to_vec(&structured).unwrap().len();
        assert!(bytes <= max_result_bytes, "{bytes} bytes");
        let meta = result.meta.as_ref().map(|meta| meta.0.get("upstream").cloned());
        assert_eq!(meta, Some(Some(structured["upstream"].clone())), "_meta says the same");
        seen.push((structured["upstream"].clone(), text, h.take_requests().len()));
    }
    assert_eq!(seen[0].0, json!({"requests": 5, "cached_pages": 0}));
    assert_eq!(seen[0].2, 5);
    assert!(!seen[0].1.contains("upstream:"), "nothing from the cache: no line in the text: {}", seen[0].1);
    assert_eq!(seen[1].0, json!({"requests": 0, "cached_pages": 5}));
    assert_eq!(seen[1].2, 0);
    assert!(seen[1].1.ends_with("\nupstream: 0 requests, 5 pages from the cache\n"), "{}", seen[1].1);
}

#[tokio::test]
async fn a_day_inside_the_settling_time_is_fetched_again() {
    let fake = demo().await;
    let h = harness(&fake, FAKE_ADMIN_KEY, CacheConfig::in_memory()).await;
    let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
    let arguments = json!({"start_date": yesterday, "end_date": yesterday});
    for _ in 0..2 {
        h.ok("claude_code_get_code_analytics", arguments.clone()).await;
        assert_eq!(h.take_requests().len(), 1, "a day that ended less than 48 hours ago may still change");
    }
    // Nor are lists other than reports kept.
    for _ in 0..2 {
        h.ok("claude_code_list_users", json!({})).await;
        assert_eq!(h.take_requests().len(), 1);
    }
}

#[tokio::test]
async fn two_credentials_never_share_entries() {
    let fake = demo().await;
    fake.accept_key(SECOND_KEY);
    let dir = scratch("credentials");
    let first = harness(&fake, FAKE_ADMIN_KEY, on_disk(&dir)).await;
    let answer = self::answer(first.ok("claude_code_get_code_analytics", range()).await);
    assert_eq!(first.take_requests().len(), 5);

    // The same directory, another key: fetched with that key, not read from the first's entries.
    let second = harness(&fake, SECOND_KEY, on_disk(&dir)).await;
    assert_eq!(answer, self::answer(second.ok("claude_code_get_code_analytics", range()).await));
    let requests = second.take_requests();
    assert_eq!(requests.len(), 5, "the second key's call is not answered from the first key's entries");
    assert!(requests.iter().all(|r| r.headers.get("x-api-key").map(String::as_str) == Some(SECOND_KEY)));

    // Each key now finds its own entries, on disk, in a fresh process's memory.
    for key in [FAKE_ADMIN_KEY, SECOND_KEY] {
        let again = harness(&fake, key, on_disk(&dir)).await;
        assert_eq!(answer, self::answer(again.ok("claude_code_get_code_analytics", range()).await));
        assert_eq!(again.take_requests().len(), 0);
    }
    assert_eq!(entry_files(&dir).len(), 10, "five days for each key");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_budget_evicts_the_least_recently_used_days() {
    let fake = demo().await;
    // Measure one day's entry, then allow two and a half.
    let probe = Http::new(cached(&fake.base_url(), FAKE_ADMIN_KEY, CacheConfig::in_memory())).unwrap();
    let h = Harness::with_http(fake.clone(), probe.clone(), |c| c).await;
    h.ok("claude_code_get_code_analytics", json!({"start_date": DAYS[0], "end_date": DAYS[0]})).await;
    let one_day = probe.cache_bytes_held().unwrap();
    assert!(one_day > 0);
    drop(h);

    let budget = one_day * 5 / 2;
    let mut config =
        cached(&fake.base_url(), FAKE_ADMIN_KEY, CacheConfig { max_bytes: budget, ..CacheConfig::in_memory() });
    // One day at a time, so the order the days are stored in is the order they are asked:
    // days in flight together are stored in whatever order they arrive and are decoded.
    config.concurrency = 1;
    let http = Http::new(config).unwrap();
    let h = Harness::with_http(fake.clone(), http.clone(), |c| c).await;
    h.take_requests();
    let answer = self::answer(h.ok("claude_code_get_code_analytics", range()).await);
    assert_eq!(h.take_requests().len(), 5);
    let held = http.cache_bytes_held().unwrap();
    assert!(held <= budget, "{held} bytes held, budget {budget}");
    assert!(http.cache_stats().unwrap().evicted() >= 3, "five days of about {one_day} bytes in {budget}");
    // The last days are kept (most recently used), the first ones were evicted.
    let last = json!({"start_date": DAYS[1], "end_date": DAYS[1]});
    h.ok("claude_code_get_code_analytics", last).await;
    assert_eq!(h.take_requests().len(), 0, "the last day fetched is still held");
    assert_eq!(answer, self::answer(h.ok("claude_code_get_code_analytics", range()).await));
    assert!(!h.take_requests().is_empty(), "evicted days are fetched again");
    assert!(http.cache_bytes_held().unwrap() <= budget);
}

#[tokio::test]
async fn a_write_followed_by_a_read_sees_the_write() {
    let fake = demo().await;
    let h = harness(&fake, FAKE_ADMIN_KEY, CacheConfig::in_memory()).await;
    h.ok("claude_code_get_code_analytics", range()).await;
    let before = h.ok("claude_code_list_invites", json!({})).await;
    let invite = h.ok("claude_code_create_invite", json!({"email": "jane@company.com", "role": "developer"})).await;
    let id = invite["id"].as_str().unwrap().to_string();
    let after = h.ok("claude_code_list_invites", json!({})).await;
    assert_ne!(before, after);
    assert!(after["data"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str()), "a created invite is listed");
    h.ok("claude_code_delete_invite", json!({"invite_id": id})).await;
    let deleted = h.ok("claude_code_list_invites", json!({})).await;
    assert!(deleted["data"].as_array().unwrap().iter().all(|i| i["id"] != id.as_str()), "a deleted one is not");
}

#[tokio::test]
async fn concurrent_calls_for_the_same_days_fetch_each_day_once() {
    let fake = demo().await;
    let h = harness(&fake, FAKE_ADMIN_KEY, CacheConfig::in_memory()).await;
    fake.set_latency(std::time::Duration::from_millis(50));
    let (a, b, c) = tokio::join!(
        h.ok("claude_code_get_code_analytics", range()),
        h.ok("claude_code_get_code_analytics", range()),
        h.ok("claude_code_get_normalized_metrics", range()),
    );
    assert_eq!(answer(a), answer(b));
    assert!(c.is_object());
    let mut days: Vec<String> = h
        .take_requests()
        .iter()
        .filter(|r| r.path.ends_with("/usage_report/claude_code"))
        .map(|r| r.query_value("starting_at").unwrap().to_string())
        .collect();
    days.sort();
    assert_eq!(days, ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"], "each day once");
}

/// The answer `call --output json` printed, without what the call cost upstream.
fn printed(stdout: &str) -> Value {
    answer(serde_json::from_str(stdout).expect("JSON on stdout"))
}

/// The answer itself: the result without what the call cost upstream (fewer requests when cached).
fn answer(mut value: Value) -> Value {
    value.as_object_mut().map(|v| v.remove("upstream"));
    value
}

/// The value without the `requests` each metrics source counts (fewer when cached).
fn without_requests(mut value: Value) -> Value {
    if let Some(Value::Object(sources)) = value.pointer_mut("/metadata/sources") {
        for source in sources.values_mut() {
            source.as_object_mut().map(|s| s.remove("requests"));
        }
    }
    value
}

fn entry_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().len() == 64)
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn the_disk_cache_survives_a_restart_and_trusts_only_whole_entries() {
    let fake = demo().await;
    let dir = scratch("binary");
    let base_url = fake.base_url();
    let dir_text = dir.to_string_lossy().into_owned();
    let env = [
        ("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY),
        ("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url.as_str()),
        ("CLAUDE_CODE_CONNECTOR_CACHE_DIR", dir_text.as_str()),
    ];
    let args = ["call", "get_code_analytics", "start_date=2026-03-01", "end_date=2026-03-05", "--output", "json"];
    let first = run(&args, &env).await;
    assert_eq!(first.code, Some(0), "{first:?}");
    assert_eq!(fake.requests().len(), 5);
    fake.clear_requests();

    let second = run(&args, &env).await;
    assert_eq!(second.code, Some(0), "{second:?}");
    assert_eq!(fake.requests().len(), 0, "a second run reads the days from the directory");
    assert_eq!(printed(&first.stdout), printed(&second.stdout));
    // stdout is the answer; what the call cost is on stderr, and in the JSON.
    assert!(first.stderr.contains("upstream: 5 requests, 0 pages from the cache"), "{}", first.stderr);
    assert!(second.stderr.contains("upstream: 0 requests, 5 pages from the cache"), "{}", second.stderr);
    let cost = |stdout: &str| serde_json::from_str::<Value>(stdout).unwrap()["upstream"].clone();
    assert_eq!(cost(&second.stdout), json!({"requests": 0, "cached_pages": 5}));

    let files = entry_files(&dir);
    assert_eq!(files.len(), 5);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(FAKE_ADMIN_KEY), "the key is never written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(file).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    // One entry cut short, one altered in its body, one swapped for another day's:
    // each is ignored, fetched again and replaced.
    let bytes = std::fs::read(&files[0]).unwrap();
    std::fs::write(&files[0], &bytes[..bytes.len() / 2]).unwrap();
    let mut bytes = std::fs::read(&files[1]).unwrap();
    let at = bytes.iter().rposition(u8::is_ascii_digit).expect("a digit in the body");
    bytes[at] = if bytes[at] == b'9' { b'1' } else { bytes[at] + 1 };
    std::fs::write(&files[1], &bytes).unwrap();
    std::fs::copy(&files[3], &files[2]).unwrap();
    let third = run(&args, &env).await;
    assert_eq!(third.code, Some(0), "{third:?}");
    assert_eq!(fake.requests().len(), 3, "the damaged and foreign entries are fetched again");
    assert_eq!(printed(&first.stdout), printed(&third.stdout), "and never trusted");
    assert!(third.stderr.contains("upstream: 3 requests, 2 pages from the cache"), "{}", third.stderr);
    fake.clear_requests();
    let fourth = run(&args, &env).await;
    assert_eq!((fourth.code, fake.requests().len()), (Some(0), 0), "they were replaced");
    assert_eq!(printed(&first.stdout), printed(&fourth.stdout));

    // --no-cache fetches everything.
    let mut no_cache = args.to_vec();
    no_cache.push("--no-cache");
    let fifth = run(&no_cache, &env).await;
    assert_eq!((fifth.code, fake.requests().len()), (Some(0), 5));

    for file in std::fs::read_dir(&dir).unwrap() {
        let text = String::from_utf8_lossy(&std::fs::read(file.unwrap().path()).unwrap()).into_owned();
        assert!(!text.contains(FAKE_ADMIN_KEY));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The entry files that keep a fold's state over closed days (their key says so), and the pages.
fn kept_states_and_pages(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let is_kept_state = |file: &PathBuf| {
        let bytes = std::fs::read(file).unwrap();
        bytes.windows(5).any(|w| w == b"FOLD ")
    };
    entry_files(dir).into_iter().partition(is_kept_state)
}

/// The three questions that fold a range of report days: a roll-up, the metrics and the seat view.
fn folding_questions() -> [(&'static str, Value); 3] {
    let by_actor = json!({"start_date": DAYS[0], "end_date": DAYS[1], "group_by": ["actor"], "period": "day"});
    [
        ("claude_code_get_code_analytics", by_actor),
        ("claude_code_get_normalized_metrics", range()),
        ("claude_code_get_seat_activity", range()),
    ]
}

/// The path of the Claude Code report's days.
const CODE_DAYS: &str = "/usage_report/claude_code";

/// The answers to [`folding_questions`], without what each cost upstream.
async fn ask_folding_questions(h: &Harness) -> Vec<Value> {
    let mut answers = Vec::new();
    for (tool, arguments) in folding_questions() {
        answers.push(answer(without_requests(h.ok(tool, arguments).await)));
    }
    answers
}

/// Asks [`folding_questions`] again: each gives its earlier answer from `source`, without
/// fetching any path that contains `unfetched`. Returns what each cost upstream.
async fn ask_again_without_fetching(h: &Harness, answers: &[Value], source: &str, unfetched: &str) -> Vec<Value> {
    let mut upstream = Vec::new();
    for ((tool, arguments), answer) in folding_questions().into_iter().zip(answers) {
        let result = h.ok(tool, arguments).await;
        let fetched: Vec<_> = h.take_requests().into_iter().filter(|r| r.path.contains(unfetched)).collect();
        assert!(fetched.is_empty(), "{tool}: answered from {source}, nothing fetched: {fetched:?}");
        upstream.push(result["upstream"].clone());
        assert_eq!(&self::answer(without_requests(result)), answer, "{tool}: the same figures");
    }
    upstream
}

#[tokio::test]
async fn a_folding_question_asked_again_reads_its_kept_state_instead_of_its_pages() {
    let fake = demo().await;
    let dir = scratch("kept");
    let first = harness(&fake, FAKE_ADMIN_KEY, on_disk(&dir)).await;
    let answers = ask_folding_questions(&first).await;
    let (kept, pages) = kept_states_and_pages(&dir);
    // A small state is one entry and its index; the metrics' usage and cost reports are pages too.
    assert_eq!((kept.len(), pages.len()), (6, 7), "one state a question, one page a day and report");
    for file in &kept {
        let bytes = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        assert!(!bytes.contains(FAKE_ADMIN_KEY), "the key is never written");
    }
    // Without the pages, a new process answers the same questions from their states alone,
    // saying how many pages those states were folded from.
    for page in &pages {
        std::fs::remove_file(page).unwrap();
    }
    first.take_requests();
    let again = harness(&fake, FAKE_ADMIN_KEY, on_disk(&dir)).await;
    let upstream = ask_again_without_fetching(&again, &answers, "its kept state", CODE_DAYS).await;
    assert_eq!(upstream[0], json!({"requests": 0, "cached_pages": 5}), "the roll-up's state stands for its 5 pages");
    // Another grouping of the same days is another state: its days are fetched again.
    let by_terminal = json!({"start_date": DAYS[0], "end_date": DAYS[1], "group_by": ["terminal"]});
    again.ok("claude_code_get_code_analytics", by_terminal).await;
    assert_eq!(again.take_requests().len(), 5, "a question not asked before reads its days' pages");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_damaged_kept_state_is_ignored_and_the_pages_are_read_again() {
    let fake = demo().await;
    let dir = scratch("kept-damaged");
    let first = harness(&fake, FAKE_ADMIN_KEY, on_disk(&dir)).await;
    let answers = ask_folding_questions(&first).await;
    first.take_requests();
    let (kept, _) = kept_states_and_pages(&dir);
    for file in &kept {
        let bytes = std::fs::read(file).unwrap();
        std::fs::write(file, &bytes[..bytes.len() - 3]).unwrap();
    }
    let again = harness(&fake, FAKE_ADMIN_KEY, on_disk(&dir)).await;
    ask_again_without_fetching(&again, &answers, "the days' cached pages", "_report").await;
    // Each state was kept again: without the pages, a new process still answers.
    for page in kept_states_and_pages(&dir).1 {
        std::fs::remove_file(page).unwrap();
    }
    let third = harness(&fake, FAKE_ADMIN_KEY, on_disk(&dir)).await;
    ask_again_without_fetching(&third, &answers, "its state kept again", CODE_DAYS).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn open_days_are_folded_beside_the_kept_closed_days_and_the_answers_match_an_uncached_one() {
    let today = chrono::Utc::now().date_naive();
    let (first_day, last_day) = ((today - chrono::Days::new(6)).to_string(), today.to_string());
    let fake = FakeAdminApi::start(Dataset::demo(7, 7, &last_day)).await;
    let range = json!({"start_date": first_day, "end_date": last_day});
    let by_actor = json!({"start_date": first_day, "end_date": last_day, "group_by": ["actor"], "period": "day"});
    let questions = [
        ("claude_code_get_code_analytics", by_actor),
        ("claude_code_get_normalized_metrics", range.clone()),
        ("claude_code_get_seat_activity", range),
    ];
    let uncached = harness(&fake, FAKE_ADMIN_KEY, CacheConfig::disabled()).await;
    let h = harness(&fake, FAKE_ADMIN_KEY, CacheConfig::in_memory()).await;
    let code_days = |h: &Harness| -> Vec<String> {
        let requests = h.take_requests();
        let days = requests.iter().filter(|r| r.path.ends_with("/claude_code"));
        days.map(|r| r.query_value("starting_at").unwrap().to_string()).collect()
    };
    for (tool, arguments) in questions {
        let truth = answer(without_requests(uncached.ok(tool, arguments.clone()).await));
        uncached.take_requests();
        // Cold: the closed days' state and the open days' are folded side by side, then merged.
        let cold = answer(without_requests(h.ok(tool, arguments.clone()).await));
        // The first question fetches every day; the others read the closed ones' pages it kept.
        assert!((3..=7).contains(&code_days(&h).len()), "{tool}");
        assert_eq!(cold, truth, "{tool}: cold");
        // Warm: the closed days' state read back, the open days fetched and folded on top.
        let warm = answer(without_requests(h.ok(tool, arguments).await));
        let open = code_days(&h);
        // Days that ended less than 48 hours ago may still change: fetched again, never kept.
        assert!((2..=3).contains(&open.len()), "{tool}: {open:?}");
        let settling = (today - chrono::Days::new(2)).to_string();
        assert!(open.iter().all(|day| day.as_str() >= settling.as_str()), "{tool}: {open:?}");
        assert_eq!(warm, truth, "{tool}: warm");
    }
}
