//! The cache's tiers and its edges (docs/cache.md): the spec alone says what may be
//! cached, a scan larger than memory stays whole on disk, `call` keeps a per-user disk
//! cache by default, and hung-up calls leave no fetch gate behind.

use std::path::{Path, PathBuf};
use std::time::Duration;

use claude_code_connector::pipeline::{CallRequest, Connector, ToolOutcome};
use claude_code_connector::runtime::cache::CacheConfig;
use claude_code_connector::runtime::{Http, HttpConfig};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::{Value, json};

use crate::binary::{run, test_cache_home};
use crate::harness::fast_config;
use crate::presentation::fixture;

const DAYS: [&str; 2] = ["2026-03-01", "2026-03-05"];

fn range() -> Value {
    json!({"start_date": DAYS[0], "end_date": DAYS[1]})
}

fn config(fake: &FakeAdminApi, cache: CacheConfig) -> HttpConfig {
    let mut config = fast_config(&fake.base_url());
    config.cache = cache;
    config
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccc-tiers-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn ok(connector: &Connector, tool: &str, arguments: Value) -> Value {
    let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
    match connector.call(CallRequest::new(tool, arguments), std::future::pending()).await {
        ToolOutcome::Success(answer) => answer.value,
        ToolOutcome::Failure(failure) => panic!("{tool}: {failure:?}"),
    }
}

fn report_requests(fake: &FakeAdminApi) -> usize {
    let n = fake.requests().iter().filter(|r| r.path.contains("_report")).count();
    fake.clear_requests();
    n
}

#[tokio::test]
async fn a_report_the_spec_declares_closable_is_cached_with_no_rust_and_one_it_does_not_is_not() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, DAYS[1])).await;
    let http = Http::new(config(&fake, CacheConfig::in_memory())).unwrap();
    let connector = Connector::with_registry(&fixture::tools::REGISTRY, http).with_audit(None);
    for round in 0..2 {
        let first = ok(&connector, "fixture_get_spend", range()).await;
        assert_eq!(report_requests(&fake), if round == 0 { 1 } else { 0 }, "`cache: {{closed_after: end_date}}`");
        let live = ok(&connector, "fixture_get_spend_live", range()).await;
        assert_eq!(report_requests(&fake), 1, "the same endpoint declared without `cache:` is always fetched");
        assert_eq!(first["data"], live["data"]);
    }
}

#[tokio::test]
async fn a_scan_larger_than_memory_leaves_every_page_on_disk() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, DAYS[1])).await;
    let dir = scratch("scan");
    // Memory for about one compressed day; the directory at its default budget.
    let tiny = CacheConfig { max_bytes: 4 << 10, dir: Some(dir.clone()), ..CacheConfig::in_memory() };
    let first = Connector::new(Http::new(config(&fake, tiny.clone())).unwrap()).with_audit(None);
    let answer = ok(&first, "claude_code_get_code_analytics", range()).await;
    assert_eq!(report_requests(&fake), 5);
    let held = first.http().cache_bytes_held().unwrap();
    assert!(held <= 4 << 10, "memory holds at most its budget: {held}");
    drop(first);
    // A new process's cache: every day comes from the directory.
    let second = Connector::new(Http::new(config(&fake, tiny)).unwrap()).with_audit(None);
    let again = ok(&second, "claude_code_get_code_analytics", range()).await;
    assert_eq!(report_requests(&fake), 0, "the second ask sends no report request");
    assert_eq!(answer["data"], again["data"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn hung_up_calls_leave_no_fetch_gate_behind() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, DAYS[1])).await;
    fake.set_latency(Duration::from_millis(40));
    let http = Http::new(config(&fake, CacheConfig::in_memory())).unwrap();
    let connector = Connector::new(http.clone()).with_audit(None);
    let mut abandoned = 0;
    for _ in 0..12 {
        // A hundred calls for the same days, each dropped by its client mid-fetch.
        let calls = (0..100).map(|_| {
            let Value::Object(arguments) = range() else { unreachable!() };
            let call =
                connector.call(CallRequest::new("claude_code_get_code_analytics", arguments), std::future::pending());
            tokio::time::timeout(Duration::from_millis(10), call)
        });
        abandoned += futures_util::future::join_all(calls).await.iter().filter(|r| r.is_err()).count();
    }
    assert_eq!(abandoned, 1200, "every call was still fetching when its client hung up");
    assert_eq!(http.cache_flights(), 0, "no gate is left for a fetch nobody waits for");
    fake.set_latency(Duration::ZERO);
    ok(&connector, "claude_code_get_code_analytics", range()).await;
    assert_eq!(http.cache_flights(), 0);
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map_or_else(|_| Vec::new(), |list| list.map(|e| e.unwrap().path()).collect())
}

#[tokio::test]
async fn call_keeps_closed_days_in_the_users_cache_directory_by_default() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, DAYS[1])).await;
    let base_url = fake.base_url();
    let env = [("ANTHROPIC_ADMIN_API_KEY", FAKE_ADMIN_KEY), ("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url.as_str())];
    let args = ["call", "get_code_analytics", "start_date=2026-03-01", "end_date=2026-03-05", "--output", "json"];
    let first = run(&args, &env).await;
    assert_eq!(first.code, Some(0), "{first:?}");
    assert_eq!(report_requests(&fake), 5);
    let second = run(&args, &env).await;
    assert_eq!(second.code, Some(0), "{second:?}");
    assert_eq!(report_requests(&fake), 0, "a new process reads the days from the user's cache directory");
    assert!(second.stderr.contains("0 requests, 5 pages from the cache"), "{}", second.stderr);

    let dir = test_cache_home().join("claude-code-connector");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        let mine: Vec<PathBuf> = entries(&dir);
        assert!(mine.len() >= 5, "{mine:?}");
        for file in mine {
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "{file:?}");
        }
    }
    // --no-cache, and --cache-dir "" (memory only), fetch again.
    for extra in [&["--no-cache"][..], &["--cache-dir", ""]] {
        let mut asked = args.to_vec();
        asked.extend_from_slice(extra);
        let run = run(&asked, &env).await;
        assert_eq!(run.code, Some(0), "{extra:?}: {run:?}");
        assert_eq!(report_requests(&fake), 5, "{extra:?}");
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    entries(dir).iter().map(|file| std::fs::metadata(file).unwrap().len()).sum()
}

#[tokio::test]
async fn the_directory_stays_within_its_own_budget_oldest_first() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, DAYS[1])).await;
    let probe_dir = scratch("disk-probe");
    let probe = Connector::new(
        Http::new(config(&fake, CacheConfig { dir: Some(probe_dir.clone()), ..CacheConfig::in_memory() })).unwrap(),
    );
    ok(&probe.with_audit(None), "claude_code_get_code_analytics", range()).await;
    let five_days = dir_bytes(&probe_dir);
    assert_eq!(entries(&probe_dir).len(), 5);

    let dir = scratch("disk-budget");
    let budget = five_days / 2;
    let bounded = CacheConfig { disk_bytes: budget, dir: Some(dir.clone()), ..CacheConfig::in_memory() };
    let http = Http::new(config(&fake, bounded)).unwrap();
    ok(&Connector::new(http.clone()).with_audit(None), "claude_code_get_code_analytics", range()).await;
    assert!(dir_bytes(&dir) <= budget, "{} bytes kept, budget {budget}", dir_bytes(&dir));
    assert!((1..5).contains(&entries(&dir).len()), "{:?}", entries(&dir));
    assert!(http.cache_stats().unwrap().evicted() >= 3);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&probe_dir);
}

#[tokio::test]
async fn with_a_directory_memory_keeps_what_is_asked_again_not_a_scan() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, DAYS[1])).await;
    let dir = scratch("admission");
    let http = Http::new(config(&fake, CacheConfig { dir: Some(dir.clone()), ..CacheConfig::in_memory() })).unwrap();
    let connector = Connector::new(http.clone()).with_audit(None);
    let answer = ok(&connector, "claude_code_get_code_analytics", range()).await;
    assert_eq!(report_requests(&fake), 5);
    assert_eq!(http.cache_bytes_held(), Some(0), "a first use goes to disk only");
    assert_eq!(ok(&connector, "claude_code_get_code_analytics", range()).await["data"], answer["data"]);
    assert_eq!(report_requests(&fake), 0, "from disk");
    assert!(http.cache_bytes_held().unwrap() > 0, "asked again: now in memory too");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(ok(&connector, "claude_code_get_code_analytics", range()).await["data"], answer["data"]);
    assert_eq!(report_requests(&fake), 0, "from memory, the directory gone");
}
