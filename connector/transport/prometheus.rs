//! What `serve --http` counts, in the Prometheus text format (`GET /metrics`): tool
//! calls by tool, tenant and outcome, call latency, calls in flight, tenants loaded,
//! requests refused for want of a valid token, and the cache of closed report days
//! that every tenant shares (hits, misses, stores, evictions, bytes held).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::runtime::cache::Cache;

/// Upper bounds of the latency buckets, in seconds: from a quarter of a millisecond (a
/// call answered at once by a nearby API, which the HTTP benchmark reads back from here)
/// to the longest call timeout.
const BUCKETS: [f64; 18] =
    [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0];

#[derive(Default)]
struct Histogram {
    /// Per bucket (not cumulative); the last slot is `+Inf`.
    counts: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let slot = BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS.len());
        self.counts[slot] += 1;
        self.sum += seconds;
        self.count += 1;
    }
}

/// The counters; shared by every tenant and kept across reloads.
#[derive(Default)]
pub struct Metrics {
    /// (tool, tenant, outcome) → calls.
    calls: Mutex<BTreeMap<(&'static str, String, &'static str), u64>>,
    /// tenant → latency of calls that ran.
    latency: Mutex<BTreeMap<String, Histogram>>,
    in_flight: AtomicU64,
    tenants: AtomicUsize,
    unauthorized: AtomicU64,
    /// The tenants' shared cache, whose own counters are read at each scrape.
    cache: Option<Arc<Cache>>,
}

/// Counts a call as in flight until dropped.
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// The counters, with those of `cache` (the one every tenant's connector uses).
    pub fn new(cache: Option<Arc<Cache>>) -> Self {
        Metrics { cache, ..Metrics::default() }
    }

    pub fn call_started(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self)
    }

    /// One call's end; `took` for calls that ran (not for refused ones).
    pub fn record_call(&self, tool: &'static str, tenant: &str, outcome: &'static str, took: Option<Duration>) {
        *lock(&self.calls).entry((tool, tenant.to_string(), outcome)).or_default() += 1;
        if let Some(took) = took {
            lock(&self.latency).entry(tenant.to_string()).or_default().observe(took.as_secs_f64());
        }
    }

    pub fn record_unauthorized(&self) {
        self.unauthorized.fetch_add(1, Ordering::SeqCst);
    }

    pub fn set_tenants(&self, count: usize) {
        self.tenants.store(count, Ordering::SeqCst);
    }

    pub fn in_flight(&self) -> u64 {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP ccc_tool_calls_total Tool calls by tool, tenant and outcome (ok, error, rejected, busy).\n",
        );
        out.push_str("# TYPE ccc_tool_calls_total counter\n");
        for ((tool, tenant, outcome), count) in lock(&self.calls).iter() {
            let _ = writeln!(
                out,
                "ccc_tool_calls_total{{tool=\"{tool}\",tenant=\"{tenant}\",outcome=\"{outcome}\"}} {count}"
            );
        }
        out.push_str("# HELP ccc_tool_call_duration_seconds Time from a tool call's request arriving to its result, by tenant.\n");
        out.push_str("# TYPE ccc_tool_call_duration_seconds histogram\n");
        for (tenant, histogram) in lock(&self.latency).iter() {
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(histogram.counts.iter()) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "ccc_tool_call_duration_seconds_bucket{{tenant=\"{tenant}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "ccc_tool_call_duration_seconds_bucket{{tenant=\"{tenant}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(out, "ccc_tool_call_duration_seconds_sum{{tenant=\"{tenant}\"}} {}", histogram.sum);
            let _ = writeln!(out, "ccc_tool_call_duration_seconds_count{{tenant=\"{tenant}\"}} {}", histogram.count);
        }
        out.push_str(
            "# HELP ccc_tool_calls_in_flight Tool calls running now.\n# TYPE ccc_tool_calls_in_flight gauge\n",
        );
        let _ = writeln!(out, "ccc_tool_calls_in_flight {}", self.in_flight());
        out.push_str(
            "# HELP ccc_tenants_loaded Tenants in the tenants file in force.\n# TYPE ccc_tenants_loaded gauge\n",
        );
        let _ = writeln!(out, "ccc_tenants_loaded {}", self.tenants.load(Ordering::SeqCst));
        out.push_str("# HELP ccc_unauthorized_requests_total MCP requests refused for a missing or unknown token.\n");
        out.push_str("# TYPE ccc_unauthorized_requests_total counter\n");
        let _ = writeln!(out, "ccc_unauthorized_requests_total {}", self.unauthorized.load(Ordering::SeqCst));
        if let Some(cache) = &self.cache {
            render_cache(&mut out, cache);
        }
        out
    }
}

/// The cache's counters (all tenants together: one cache, one budget).
fn render_cache(out: &mut String, cache: &Cache) {
    let stats = cache.stats();
    let series: [(&str, &str, &str, u64); 6] = [
        ("ccc_cache_hits_total", "counter", "Closed report pages answered from the cache.", stats.hits()),
        ("ccc_cache_misses_total", "counter", "Closed report pages not in the cache, so fetched.", stats.misses()),
        ("ccc_cache_stores_total", "counter", "Closed report pages stored in the cache.", stats.stored()),
        ("ccc_cache_evictions_total", "counter", "Entries evicted to stay within the byte budget.", stats.evicted()),
        ("ccc_cache_bytes", "gauge", "Bytes the cache holds in memory (bodies and keys).", cache.memory_bytes()),
        (
            "ccc_cache_max_bytes",
            "gauge",
            "The cache's byte budget (--cache-bytes), for all tenants together.",
            cache.max_bytes(),
        ),
    ];
    for (name, kind, help, value) in series {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_render_as_prometheus_text() {
        let metrics = Metrics::default();
        metrics.set_tenants(2);
        metrics.record_call("claude_code_list_users", "acme", "ok", Some(Duration::from_millis(30)));
        metrics.record_call("claude_code_list_users", "acme", "ok", Some(Duration::from_secs(400)));
        metrics.record_call("claude_code_create_invite", "beta", "busy", None);
        let guard = metrics.call_started();
        let text = metrics.render();
        drop(guard);
        assert!(
            text.contains("ccc_tool_calls_total{tool=\"claude_code_list_users\",tenant=\"acme\",outcome=\"ok\"} 2"),
            "{text}"
        );
        assert!(text.contains("outcome=\"busy\"} 1"), "{text}");
        assert!(text.contains("ccc_tool_call_duration_seconds_bucket{tenant=\"acme\",le=\"0.05\"} 1"), "{text}");
        assert!(text.contains("ccc_tool_call_duration_seconds_bucket{tenant=\"acme\",le=\"300\"} 1"), "{text}");
        assert!(text.contains("ccc_tool_call_duration_seconds_bucket{tenant=\"acme\",le=\"+Inf\"} 2"), "{text}");
        assert!(text.contains("ccc_tool_calls_in_flight 1") && text.contains("ccc_tenants_loaded 2"), "{text}");
        assert_eq!(metrics.in_flight(), 0);
    }
}
