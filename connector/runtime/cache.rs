//! Fetch once: a bounded cache of closed report days (docs/cache.md).
//!
//! A report page whose UTC day range ended longer ago than the settling time is
//! history: the API answers it the same way every time. Such a GET answer is kept,
//! keyed by the exact request URL (base, path, query in order) and the SHA-256 of the
//! credential (never the credential itself), in memory with least-recently-used
//! eviction under a byte budget and, with a directory, on disk too (one file per
//! entry, written atomically, mode 0600, verified on every read). Everything else
//! (users, invites, workspaces, keys) is always fetched fresh.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, NaiveDate, Utc};

use super::http::{Method, Request};

/// The default byte budget: 32 MiB.
pub const DEFAULT_CACHE_BYTES: u64 = 32 << 20;
/// The default settling time: a day's report may still change for 48 hours after it ends.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(48 * 3600);

/// The paths whose answers are report days.
const REPORT_PATHS: [&str; 2] = ["/v1/organizations/usage_report/", "/v1/organizations/cost_report"];
/// The first line of every entry file.
const MAGIC: &[u8] = b"claude-code-connector cache 1\n";

/// What to cache and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    /// The most bytes held (body plus key per entry), in memory and on disk each; 0 disables.
    pub max_bytes: u64,
    /// How long after a report range ends before its answer is final.
    pub settle: Duration,
    /// Keep entries here too, so that separate runs share them.
    pub dir: Option<PathBuf>,
}

impl CacheConfig {
    /// No cache (the library default: the CLI turns it on).
    pub fn disabled() -> Self {
        CacheConfig { max_bytes: 0, settle: DEFAULT_SETTLE, dir: None }
    }

    /// In memory, 32 MiB, 48 hours.
    pub fn in_memory() -> Self {
        CacheConfig { max_bytes: DEFAULT_CACHE_BYTES, settle: DEFAULT_SETTLE, dir: None }
    }
}

/// The counts of a cache, or of one call's use of it.
#[derive(Debug, Clone, Default)]
pub struct CacheStats(Arc<[AtomicU64; 4]>);

impl CacheStats {
    /// Answers served from the cache (memory or disk).
    pub fn hits(&self) -> u64 {
        self.0[0].load(Ordering::Relaxed)
    }

    /// Answers stored.
    pub fn stored(&self) -> u64 {
        self.0[1].load(Ordering::Relaxed)
    }

    /// Entries evicted to stay within the budget (memory and disk).
    pub fn evicted(&self) -> u64 {
        self.0[2].load(Ordering::Relaxed)
    }

    /// Closed report pages that were not in the cache, so were fetched.
    pub fn misses(&self) -> u64 {
        self.0[3].load(Ordering::Relaxed)
    }

    pub(crate) fn hit(&self) {
        self.0[0].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn miss(&self) {
        self.0[3].fetch_add(1, Ordering::Relaxed);
    }

    fn store(&self) {
        self.0[1].fetch_add(1, Ordering::Relaxed);
    }

    fn evict(&self, n: u64) {
        self.0[2].fetch_add(n, Ordering::Relaxed);
    }
}

/// Whether `request` asks for report days that ended at least `settle` before `now`.
pub fn is_closed_report(request: &Request, settle: Duration, now: DateTime<Utc>) -> bool {
    if request.method != Method::Get || !REPORT_PATHS.iter().any(|p| request.path.starts_with(p)) {
        return false;
    }
    let value = |name: &str| request.query.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let end = match (value("ending_at"), value("starting_at")) {
        (Some(ending), _) => parse_instant(ending, false),
        // One day: `starting_at=YYYY-MM-DD` (Claude Code) covers that day only.
        (None, Some(starting)) if NaiveDate::parse_from_str(starting, "%Y-%m-%d").is_ok() => {
            parse_instant(starting, true)
        }
        // No end: the range runs to now, still open.
        _ => None,
    };
    let Ok(settle) = chrono::Duration::from_std(settle) else { return false };
    end.is_some_and(|end| end + settle <= now)
}

/// An RFC 3339 timestamp, or a date (its midnight UTC, or the next midnight with `next_day`).
fn parse_instant(text: &str, next_day: bool) -> Option<DateTime<Utc>> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = if next_day { day.succ_opt()? } else { day };
        return Some(day.and_hms_opt(0, 0, 0)?.and_utc());
    }
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.to_utc())
}

pub use super::digest::sha256_hex;

/// Entries in memory, least recently used first.
#[derive(Default)]
struct Lru {
    entries: HashMap<String, (Arc<Vec<u8>>, u64)>,
    order: BTreeMap<u64, String>,
    bytes: u64,
    tick: u64,
}

impl Lru {
    fn get(&mut self, key: &str) -> Option<Arc<Vec<u8>>> {
        self.tick += 1;
        let tick = self.tick;
        let (body, used) = self.entries.get_mut(key)?;
        self.order.remove(used);
        *used = tick;
        self.order.insert(tick, key.to_string());
        Some(body.clone())
    }

    /// Stores the entry, evicting the least recently used ones until it fits. Returns
    /// how many were evicted.
    fn put(&mut self, key: &str, body: Arc<Vec<u8>>, budget: u64) -> u64 {
        let size = entry_size(key, &body);
        if size > budget {
            return 0;
        }
        self.remove(key);
        let mut evicted = 0;
        while self.bytes + size > budget {
            let Some((_, oldest)) = self.order.pop_first() else { break };
            if let Some((old, _)) = self.entries.remove(&oldest) {
                self.bytes -= entry_size(&oldest, &old);
                evicted += 1;
            }
        }
        self.tick += 1;
        self.order.insert(self.tick, key.to_string());
        self.entries.insert(key.to_string(), (body, self.tick));
        self.bytes += size;
        evicted
    }

    fn remove(&mut self, key: &str) {
        if let Some((body, used)) = self.entries.remove(key) {
            self.order.remove(&used);
            self.bytes -= entry_size(key, &body);
        }
    }
}

fn entry_size(key: &str, body: &[u8]) -> u64 {
    (key.len() + body.len()) as u64
}

/// The cache one [`super::Http`] and its clones share, or several (the tenants of one
/// `serve --http`: its keys hold the credential's hash, so they never mix).
pub struct Cache {
    config: CacheConfig,
    memory: Mutex<Lru>,
    /// One fetch at a time per key: a second caller waits and finds the entry.
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    stats: CacheStats,
    temp_serial: AtomicU64,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("config", &self.config).field("memory_bytes", &self.memory_bytes()).finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Cache {
    /// `None` when the budget is 0. The directory is made (0700) when it does not exist.
    pub fn new(config: CacheConfig) -> Result<Option<Cache>, String> {
        if config.max_bytes == 0 {
            return Ok(None);
        }
        if let Some(dir) = &config.dir {
            create_private_dir(dir).map_err(|e| format!("cannot use the cache directory {}: {e}", dir.display()))?;
        }
        Ok(Some(Cache {
            config,
            memory: Mutex::default(),
            flights: Mutex::default(),
            stats: CacheStats::default(),
            temp_serial: AtomicU64::new(0),
        }))
    }

    pub fn stats(&self) -> &CacheStats {
        &self.stats
    }

    /// The byte budget (of memory, and of the directory).
    pub fn max_bytes(&self) -> u64 {
        self.config.max_bytes
    }

    /// The entry key of `url` (the full request URL) for the credential hashed as `credential_sha256`.
    pub fn key(url: &str, credential_sha256: &str) -> String {
        format!("GET {url}\ncredential-sha256 {credential_sha256}")
    }

    pub fn is_cacheable(&self, request: &Request) -> bool {
        is_closed_report(request, self.config.settle, Utc::now())
    }

    /// The stored answer, from memory or else from disk (a disk entry that is not
    /// exactly ours is ignored).
    pub fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        if let Some(body) = lock(&self.memory).get(key) {
            return Some(body);
        }
        let dir = self.config.dir.as_ref()?;
        let path = dir.join(sha256_hex(key.as_bytes()));
        let body = Arc::new(read_entry(&path, key)?);
        // Recently used on disk too: eviction goes by modification time.
        if let Ok(file) = std::fs::File::options().append(true).open(&path) {
            let _ = file.set_modified(SystemTime::now());
        }
        self.remember(key, body.clone());
        Some(body)
    }

    /// Keeps an answer in memory and on disk.
    pub fn put(&self, key: &str, body: Arc<Vec<u8>>) {
        self.stats.store();
        if let Some(dir) = &self.config.dir {
            if let Err(e) = self.write_entry(dir, key, &body) {
                tracing::debug!("cannot write a cache entry: {e}");
            } else {
                self.trim_dir(dir);
            }
        }
        self.remember(key, body);
    }

    fn remember(&self, key: &str, body: Arc<Vec<u8>>) {
        let evicted = lock(&self.memory).put(key, body, self.config.max_bytes);
        self.stats.evict(evicted);
    }

    /// The gate for `key`: whoever holds it is fetching that entry.
    pub fn gate(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.flights).entry(key.to_string()).or_default().clone()
    }

    /// Forgets the gate once nobody else waits at it.
    pub fn release(&self, key: &str, gate: Arc<tokio::sync::Mutex<()>>) {
        let mut flights = lock(&self.flights);
        // Ours and the map's: nobody else holds it.
        if Arc::strong_count(&gate) <= 2 {
            flights.remove(key);
        }
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> u64 {
        lock(&self.memory).bytes
    }

    fn write_entry(&self, dir: &Path, key: &str, body: &[u8]) -> std::io::Result<()> {
        let serial = self.temp_serial.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".tmp-{}-{serial}", std::process::id()));
        let result = (|| {
            let mut file = private_file(&temp)?;
            file.write_all(&encode_entry(key, body))?;
            file.sync_all()?;
            std::fs::rename(&temp, dir.join(sha256_hex(key.as_bytes())))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }

    /// Deletes the oldest entries (by modification time) until the directory is within the budget.
    fn trim_dir(&self, dir: &Path) {
        let Ok(listing) = std::fs::read_dir(dir) else { return };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = listing
            .filter_map(Result::ok)
            .filter(|entry| is_entry_name(&entry.file_name().to_string_lossy()))
            .filter_map(|entry| {
                let meta = entry.metadata().ok()?;
                Some((meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len(), entry.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
        files.sort();
        let mut evicted = 0;
        for (_, len, path) in files {
            if total <= self.config.max_bytes {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= len;
                evicted += 1;
            }
        }
        self.stats.evict(evicted);
    }
}

/// An entry file's name: the SHA-256 of its key, in hex.
fn is_entry_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The file: [`MAGIC`], then `KEY_LEN BODY_LEN SHA256(KEY BODY)\n`, the key, the body.
fn encode_entry(key: &str, body: &[u8]) -> Vec<u8> {
    let mut both = Vec::with_capacity(key.len() + body.len());
    both.extend_from_slice(key.as_bytes());
    both.extend_from_slice(body);
    let header = format!("{} {} {}\n", key.len(), body.len(), sha256_hex(&both));
    let mut out = Vec::with_capacity(MAGIC.len() + header.len() + both.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&both);
    out
}

/// The body of the entry at `path`, if it is whole, unaltered and for `key`.
fn read_entry(path: &Path, key: &str) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    let decoded = decode_entry(&bytes, key);
    if decoded.is_none() {
        tracing::debug!(path = %path.display(), "ignoring a cache entry that is damaged or not for this request");
    }
    decoded
}

fn decode_entry(bytes: &[u8], key: &str) -> Option<Vec<u8>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let newline = rest.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&rest[..newline]).ok()?;
    let both = &rest[newline + 1..];
    let mut fields = header.split(' ');
    let key_len: usize = fields.next()?.parse().ok()?;
    let body_len: usize = fields.next()?.parse().ok()?;
    let digest = fields.next()?;
    if fields.next().is_some() || key_len.checked_add(body_len)? != both.len() || sha256_hex(both) != digest {
        return None;
    }
    let (stored_key, body) = both.split_at(key_len);
    (stored_key == key.as_bytes()).then(|| body.to_vec())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(path: &str, query: &[(&str, &str)]) -> Request {
        let mut request = Request::new(Method::Get, path);
        for (name, value) in query {
            request.query(name, *value);
        }
        request
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn only_report_days_past_the_settling_time_are_closed() {
        let settle = DEFAULT_SETTLE;
        let now = at("2026-03-10T12:00:00Z");
        let code =
            |day| report("/v1/organizations/usage_report/claude_code", &[("starting_at", day), ("limit", "1000")]);
        assert!(is_closed_report(&code("2026-03-07"), settle, now), "ended 2026-03-08T00, 60 h ago");
        assert!(!is_closed_report(&code("2026-03-08"), settle, now), "ended 36 h ago: still settling");
        let usage = |end| {
            report(
                "/v1/organizations/usage_report/messages",
                &[("starting_at", "2026-03-01T00:00:00Z"), ("ending_at", end)],
            )
        };
        assert!(is_closed_report(&usage("2026-03-08T00:00:00Z"), settle, now));
        assert!(!is_closed_report(&usage("2026-03-09T00:00:00Z"), settle, now));
        let cost = report("/v1/organizations/cost_report", &[("starting_at", "2026-03-01T00:00:00Z")]);
        assert!(!is_closed_report(&cost, settle, now), "no end: open");
        let users = report("/v1/organizations/users", &[("starting_at", "2020-01-01")]);
        assert!(!is_closed_report(&users, settle, now), "not a report");
        let mut post = code("2026-01-01");
        post.method = Method::Post;
        assert!(!is_closed_report(&post, settle, now), "not a read");
        assert!(!is_closed_report(&usage("yesterday"), settle, now), "unparsable: fetched");
    }

    #[test]
    fn memory_evicts_the_least_recently_used_within_the_budget() {
        let mut lru = Lru::default();
        let body = |n: usize| Arc::new(vec![b'x'; n]);
        assert_eq!(lru.put("a", body(40), 100), 0);
        assert_eq!(lru.put("b", body(40), 100), 0);
        assert!(lru.get("a").is_some(), "a is now the most recently used");
        assert_eq!(lru.put("c", body(40), 100), 1);
        assert!(lru.get("b").is_none() && lru.get("a").is_some() && lru.get("c").is_some());
        assert_eq!(lru.bytes, 82);
        assert_eq!(lru.put("huge", body(200), 100), 0, "larger than the budget: not kept");
        assert!(lru.get("huge").is_none() && lru.bytes == 82);
    }

    #[test]
    fn an_entry_file_is_trusted_only_whole_unaltered_and_for_its_key() {
        let entry = encode_entry("GET k", b"{\"data\":[]}");
        assert_eq!(decode_entry(&entry, "GET k").as_deref(), Some(&b"{\"data\":[]}"[..]));
        assert_eq!(decode_entry(&entry, "GET other"), None, "a foreign entry");
        assert_eq!(decode_entry(&entry[..entry.len() - 1], "GET k"), None, "truncated");
        let mut tampered = entry.clone();
        *tampered.last_mut().unwrap() = b'!';
        assert_eq!(decode_entry(&tampered, "GET k"), None, "tampered");
        assert_eq!(decode_entry(b"garbage", "GET k"), None);
    }
}
