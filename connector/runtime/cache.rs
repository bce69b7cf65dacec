//! Fetch once: a bounded cache of closed report days (docs/cache.md).
//!
//! A report page whose UTC day range ended longer ago than the settling time is
//! history: the API answers it the same way every time. Which requests are reports and
//! which day closes each is the spec's to say (`cache: {closed_after: ARG}`, carried by
//! the generated request as [`Request::closes`]): this module names no endpoint. Such a
//! GET answer is kept LZ4-compressed, keyed by the exact request URL (base, path, query in
//! order) and the SHA-256 of the credential (never the credential itself), in memory with
//! least-recently-used eviction under a byte budget and, with a directory, on disk too
//! under a budget of its own, large enough for a large organization's year ([`disk`]).
//! With a directory, memory admits an entry on its second use only, so a long scan
//! goes to disk without evicting what is asked again.
//! Everything else (users, invites, workspaces, keys) is always fetched fresh.

mod disk;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::http::{Method, Request};
use disk::Packed;

/// The default byte budget in memory (compressed entries): 16 MiB.
pub const DEFAULT_CACHE_BYTES: u64 = 16 << 20;
/// The default byte budget of a cache directory (compressed entries): 1 GiB, several
/// times a 10,000-seat organization's year of Claude Code report days (docs/cache.md).
pub const DEFAULT_DISK_BYTES: u64 = 1 << 30;
/// Keys remembered as used once (8 bytes each): several years of a large organization's days.
const MAX_SEEN_ONCE: usize = 1 << 16;
/// The default settling time: a day's report may still change for 48 hours after it ends.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(48 * 3600);

/// What to cache and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    /// The most bytes held in memory (compressed body plus key per entry); 0 disables the cache.
    pub max_bytes: u64,
    /// The most bytes of entry files kept in `dir`.
    pub disk_bytes: u64,
    /// How long after a report range ends before its answer is final.
    pub settle: Duration,
    /// Keep entries here too, so that separate runs share them.
    pub dir: Option<PathBuf>,
}

impl CacheConfig {
    /// No cache (the library default: the CLI turns it on).
    pub fn disabled() -> Self {
        CacheConfig { max_bytes: 0, disk_bytes: DEFAULT_DISK_BYTES, settle: DEFAULT_SETTLE, dir: None }
    }

    /// In memory, 16 MiB, 48 hours.
    pub fn in_memory() -> Self {
        CacheConfig { max_bytes: DEFAULT_CACHE_BYTES, ..CacheConfig::disabled() }
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
        self.hits_by(1);
    }

    pub(crate) fn hits_by(&self, pages: u64) {
        self.0[0].fetch_add(pages, Ordering::Relaxed);
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

/// Whether `request` is a read of report days (its spec says which day closes it) whose
/// last day ended at least `settle` before `now`.
pub fn is_closed_report(request: &Request, settle: Duration, now: DateTime<Utc>) -> bool {
    let Some(last_day) = request.closes.filter(|_| request.method == Method::Get) else { return false };
    let Ok(settle) = chrono::Duration::from_std(settle) else { return false };
    let Ok(end) = DateTime::parse_from_rfc3339(&super::transform::start_of_next_day(&last_day)) else {
        return false;
    };
    end.to_utc() + settle <= now
}

pub use super::digest::sha256_hex;

/// Entries in memory, least recently used first.
#[derive(Default)]
struct Lru {
    entries: HashMap<String, (Arc<Packed>, u64)>,
    order: BTreeMap<u64, String>,
    bytes: u64,
    tick: u64,
}

impl Lru {
    fn get(&mut self, key: &str) -> Option<Arc<Packed>> {
        self.tick += 1;
        let tick = self.tick;
        let (packed, used) = self.entries.get_mut(key)?;
        self.order.remove(used);
        *used = tick;
        self.order.insert(tick, key.to_string());
        Some(packed.clone())
    }

    /// Stores the entry, evicting the least recently used ones until it fits. Returns
    /// how many were evicted.
    fn put(&mut self, key: &str, packed: Arc<Packed>, budget: u64) -> u64 {
        let size = entry_size(key, &packed);
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
        self.entries.insert(key.to_string(), (packed, self.tick));
        self.bytes += size;
        evicted
    }

    fn remove(&mut self, key: &str) {
        if let Some((packed, used)) = self.entries.remove(key) {
            self.order.remove(&used);
            self.bytes -= entry_size(key, &packed);
        }
    }
}

fn entry_size(key: &str, packed: &Packed) -> u64 {
    (key.len() + packed.block.len()) as u64
}

/// The gates of the fetches in flight: one per key.
type Flights = Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>;

/// The cache one [`super::Http`] and its clones share, or several (the tenants of one
/// `serve --http`: its keys hold the credential's hash, so they never mix).
pub struct Cache {
    config: CacheConfig,
    memory: Mutex<Lru>,
    /// One fetch at a time per key: a second caller waits and finds the entry.
    flights: Flights,
    stats: CacheStats,
    temp_serial: AtomicU64,
    /// With a directory: the keys used once, by hash. Memory admits an entry only on
    /// its second use, so a scan (a year asked once) passes through to disk without
    /// filling memory, and what is asked again is kept close.
    seen_once: Mutex<HashSet<u64>>,
    /// The bytes of the directory's entries, counted once and then kept up to date, so
    /// that it is listed again only when over its budget (`None`: not counted yet).
    disk_used: Mutex<Option<u64>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("config", &self.config).field("memory_bytes", &self.memory_bytes()).finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A place in the single-flight queue of one key: hold [`Flight::gate`]'s lock while
/// fetching. Dropping it (the fetch done, failed or its caller gone mid-way) forgets the
/// gate once nobody else waits at it, so hung-up calls leave nothing behind.
pub struct Flight<'a> {
    flights: &'a Flights,
    key: String,
    gate: Arc<tokio::sync::Mutex<()>>,
}

impl Flight<'_> {
    pub fn gate(&self) -> &tokio::sync::Mutex<()> {
        &self.gate
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let mut flights = lock(self.flights);
        // Ours and the map's: nobody else holds it (clones are made under this lock).
        if Arc::strong_count(&self.gate) <= 2 {
            flights.remove(&self.key);
        }
    }
}

impl Cache {
    /// `None` when the budget is 0. The directory is made (0700) when it does not exist,
    /// and made private (with a warning) when others may read or write it.
    pub fn new(config: CacheConfig) -> Result<Option<Cache>, String> {
        if config.max_bytes == 0 {
            return Ok(None);
        }
        if let Some(dir) = &config.dir {
            disk::private_dir(dir).map_err(|e| format!("cannot use the cache directory {}: {e}", dir.display()))?;
        }
        Ok(Some(Cache {
            config,
            memory: Mutex::default(),
            flights: Mutex::default(),
            stats: CacheStats::default(),
            temp_serial: AtomicU64::new(0),
            seen_once: Mutex::default(),
            disk_used: Mutex::new(None),
        }))
    }

    pub fn stats(&self) -> &CacheStats {
        &self.stats
    }

    /// The byte budget in memory.
    pub fn max_bytes(&self) -> u64 {
        self.config.max_bytes
    }

    /// The directory entries are kept in too, if any.
    pub fn dir(&self) -> Option<&std::path::Path> {
        self.config.dir.as_deref()
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
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let remembered = lock(&self.memory).get(key);
        if let Some(body) = remembered.and_then(|packed| packed.unpack()) {
            return Some(body);
        }
        let dir = self.config.dir.as_ref()?;
        let path = dir.join(disk::entry_name(key));
        let packed = disk::read_entry(&path, key)?;
        let body = packed.unpack()?;
        disk::touch(&path);
        self.remember(key, Arc::new(packed));
        Some(body)
    }

    /// Keeps an answer (compressed) in memory and on disk.
    pub fn put(&self, key: &str, body: &[u8]) {
        self.stats.store();
        self.keep(key, body);
    }

    /// Keeps `body` under `key` as [`Cache::put`] does, without counting it as an answer
    /// stored (a fold's state: see [`crate::runtime::http::Snapshot`]).
    pub fn keep(&self, key: &str, body: &[u8]) {
        let packed = Packed::pack(body);
        if let Some(dir) = &self.config.dir {
            let serial = self.temp_serial.fetch_add(1, Ordering::Relaxed);
            let temp = format!(".tmp-{}-{serial}", std::process::id());
            match disk::write_entry(dir, &temp, key, &packed) {
                Err(e) => tracing::debug!("cannot write a cache entry: {e}"),
                Ok(written) => self.keep_disk_within_budget(dir, written),
            }
        }
        self.remember(key, Arc::new(packed));
    }

    /// Counts `written` bytes more on disk; lists and trims the directory only when the
    /// count passes the budget (or on the first write, to count what is there).
    fn keep_disk_within_budget(&self, dir: &std::path::Path, written: u64) {
        let mut used = lock(&self.disk_used);
        let total = match *used {
            Some(bytes) => bytes.saturating_add(written),
            None => disk::trim(dir, u64::MAX).bytes,
        };
        *used = Some(if total > self.config.disk_bytes {
            let trimmed = disk::trim(dir, self.config.disk_bytes);
            self.stats.evict(trimmed.evicted);
            trimmed.bytes
        } else {
            total
        });
    }

    fn remember(&self, key: &str, packed: Arc<Packed>) {
        if self.config.dir.is_some() && self.first_use(key) {
            return;
        }
        let evicted = lock(&self.memory).put(key, packed, self.config.max_bytes);
        self.stats.evict(evicted);
    }

    /// Whether this is the first use of `key` (then noted, up to [`MAX_SEEN_ONCE`] keys).
    fn first_use(&self, key: &str) -> bool {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(key, &mut hasher);
        let mut seen = lock(&self.seen_once);
        if seen.remove(&std::hash::Hasher::finish(&hasher)) {
            return false;
        }
        if seen.len() >= MAX_SEEN_ONCE {
            seen.clear();
        }
        seen.insert(std::hash::Hasher::finish(&hasher));
        true
    }

    /// Joins the single flight of `key`: lock [`Flight::gate`] to fetch it.
    pub fn flight(&self, key: &str) -> Flight<'_> {
        let gate = lock(&self.flights).entry(key.to_string()).or_default().clone();
        Flight { flights: &self.flights, key: key.to_string(), gate }
    }

    /// Keys with a fetch in flight (or waited for): 0 when the cache is idle.
    pub fn flights_in_progress(&self) -> usize {
        lock(&self.flights).len()
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> u64 {
        lock(&self.memory).bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(last_day: Option<&str>) -> Request {
        let mut request = Request::new(Method::Get, "/v1/any/report");
        if let Some(day) = last_day {
            request.closed_after(&crate::runtime::Date::parse(day).unwrap());
        }
        request
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn only_declared_report_days_past_the_settling_time_are_closed() {
        let settle = DEFAULT_SETTLE;
        let now = at("2026-03-10T12:00:00Z");
        assert!(is_closed_report(&report(Some("2026-03-07")), settle, now), "ended 2026-03-08T00, 60 h ago");
        assert!(!is_closed_report(&report(Some("2026-03-08")), settle, now), "ended 36 h ago: still settling");
        assert!(!is_closed_report(&report(None), settle, now), "the spec declares no closing day: never cached");
        let mut post = report(Some("2026-01-01"));
        post.method = Method::Post;
        assert!(!is_closed_report(&post, settle, now), "not a read");
    }

    #[test]
    fn a_flight_is_forgotten_however_its_fetch_ends() {
        let cache = Cache::new(CacheConfig::in_memory()).unwrap().unwrap();
        let first = cache.flight("k");
        let second = cache.flight("k");
        assert!(Arc::ptr_eq(&first.gate, &second.gate), "one gate per key");
        drop(first);
        assert_eq!(cache.flights_in_progress(), 1, "still waited at");
        drop(second);
        assert_eq!(cache.flights_in_progress(), 0);
        // A caller gone while waiting for the gate (a cancelled future) leaves nothing.
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let holder = cache.flight("k");
            let _held = holder.gate().lock().await;
            let waiter = async {
                let flight = cache.flight("k");
                let _fetching = flight.gate().lock().await;
            };
            let mut waiter = std::pin::pin!(waiter);
            assert!(futures_util::FutureExt::now_or_never(waiter.as_mut()).is_none(), "waiting");
            assert_eq!(cache.flights_in_progress(), 1);
        });
        assert_eq!(cache.flights_in_progress(), 0);
    }

    #[test]
    fn memory_evicts_the_least_recently_used_within_the_budget() {
        let mut lru = Lru::default();
        let body = |n: usize| Arc::new(Packed { block: vec![b'x'; n], len: n });
        assert_eq!(lru.put("a", body(40), 100), 0);
        assert_eq!(lru.put("b", body(40), 100), 0);
        assert!(lru.get("a").is_some(), "a is now the most recently used");
        assert_eq!(lru.put("c", body(40), 100), 1);
        assert!(lru.get("b").is_none() && lru.get("a").is_some() && lru.get("c").is_some());
        assert_eq!(lru.bytes, 82);
        assert_eq!(lru.put("huge", body(200), 100), 0, "larger than the budget: not kept");
        assert!(lru.get("huge").is_none() && lru.bytes == 82);
    }
}
