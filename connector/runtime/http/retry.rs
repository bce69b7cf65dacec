//! Trying a read again: when ([`RetryPolicy`], the API's `retry-after`, backoff with
//! jitter) and within what budget ([`Http::fetch`]). A write is never tried again once
//! it may have reached the API.

use std::time::{Duration, Instant};

use super::Http;
use super::request::Request;
use super::response::{AttemptFailure, Retry};
use crate::runtime::error::Error;

/// When and how often a failed read is tried again (writes never are, once they may
/// have reached the API). The overall time a request may take, all attempts and waits
/// included, is [`HttpConfig::request_budget`].
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff; it doubles each time, plus up to half again of jitter.
    pub base_delay: Duration,
    /// The longest wait. A `retry-after` longer than this is not waited for: the
    /// 429 is reported, saying how long the API asked to wait.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(20) }
    }
}

/// Below this (or the request timeout, when shorter) a retry is not worth scheduling.
pub(super) const MIN_ATTEMPT: Duration = Duration::from_secs(1);

impl Http {
    pub(super) async fn fetch(&self, request: &Request) -> Result<Vec<u8>, Error> {
        let policy = self.inner.retry;
        let started = Instant::now();
        let mut timeout = self.inner.request_timeout;
        let mut attempt = 1;
        loop {
            let failure = match self.send_once(request, timeout).await {
                Ok(bytes) => return Ok(bytes),
                // Where upstream text enters: scrubbed before it is logged or returned.
                Err(failure) => failure.scrubbed(&self.inner.scrubber),
            };
            let Some(delay) = failure.retry_delay(attempt, &policy) else { return Err(failure.error) };
            if attempt >= policy.max_attempts.max(1) {
                return Err(failure.error);
            }
            // The budget: the wait and at least a short attempt must fit in what is left.
            let left = self.inner.request_budget.saturating_sub(started.elapsed() + delay);
            if left < self.inner.request_timeout.min(MIN_ATTEMPT) {
                tracing::debug!(
                    method = request.method.as_str(),
                    path = %request.path,
                    attempt,
                    request_id = failure.request_id(),
                    "not retrying: the request's time budget is spent"
                );
                return Err(failure.error);
            }
            tracing::debug!(
                method = request.method.as_str(),
                path = %request.path,
                attempt,
                next_attempt = attempt + 1,
                delay_ms = delay.as_millis() as u64,
                request_id = failure.request_id(),
                error = %failure.error,
                "retrying"
            );
            tokio::time::sleep(delay).await;
            timeout = self.inner.request_timeout.min(left);
            attempt += 1;
        }
    }
}

impl AttemptFailure {
    pub(super) fn retry_delay(&self, attempt: u32, policy: &RetryPolicy) -> Option<Duration> {
        match self.retry {
            Retry::Never => None,
            Retry::Backoff => Some(backoff(attempt, policy)),
            // Honoured, not shortened: a longer wait than max_delay is reported instead.
            Retry::After(wait) => (wait <= policy.max_delay).then_some(wait),
        }
    }
}

/// `base_delay` doubled per attempt, plus up to half again of jitter, at most `max_delay`.
pub(super) fn backoff(attempt: u32, policy: &RetryPolicy) -> Duration {
    let exp = policy.base_delay.saturating_mul(1 << attempt.saturating_sub(1).min(16)).min(policy.max_delay);
    exp.saturating_add(jitter(exp / 2)).min(policy.max_delay)
}

/// `retry-after` in whole seconds (a fraction rounds up): a number of seconds, or an
/// HTTP date (RFC 9110: IMF-fixdate, or the obsolete RFC 850 and asctime forms), which
/// counts from now (0 when past). `None` when it is neither.
pub(super) fn parse_retry_after(value: &str) -> Option<u64> {
    parse_retry_after_at(value, chrono::Utc::now())
}

pub(super) fn parse_retry_after_at(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| secs.ceil() as u64);
    }
    // An HTTP date in any of the three forms RFC 9110 allows (IMF-fixdate, RFC 850, asctime).
    let date: chrono::DateTime<chrono::Utc> = httpdate::parse_http_date(value).ok()?.into();
    let millis = (date - now).num_milliseconds().max(0).unsigned_abs();
    Some(millis.div_ceil(1000))
}

/// Up to `max` of pseudo-random jitter, without a random-number crate.
pub(super) fn jitter(max: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    let fraction = (hasher.finish() % 1000) as u32;
    max / 1000 * fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_and_backoff_stay_in_bounds() {
        assert_eq!(parse_retry_after("1"), Some(1));
        assert_eq!(parse_retry_after(" 0.2 "), Some(1));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0), "a date in the past: now");
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("soon"), None);
        let now = chrono::DateTime::parse_from_rfc3339("2026-10-21T07:27:30.250Z").unwrap().to_utc();
        assert_eq!(parse_retry_after_at("Wed, 21 Oct 2026 07:28:00 GMT", now), Some(30), "29.75 s rounds up");
        assert_eq!(parse_retry_after_at("Wednesday, 21-Oct-26 07:29:00 GMT", now), Some(90), "RFC 850");
        assert_eq!(parse_retry_after_at("Wed Oct 21 07:28:00 2026", now), Some(30), "asctime");
        let huge = RetryPolicy { max_attempts: 3, base_delay: Duration::MAX, max_delay: Duration::MAX };
        assert_eq!(backoff(3, &huge), Duration::MAX, "no overflow");
        let policy = RetryPolicy::default();
        for attempt in 1..40 {
            let delay = backoff(attempt, &policy);
            let exp = policy.base_delay.saturating_mul(1 << (attempt - 1).min(16));
            assert!(delay >= exp.min(policy.max_delay) && delay <= policy.max_delay, "{attempt}: {delay:?}");
        }
        let after =
            AttemptFailure { error: Error::Internal(String::new()), retry: Retry::After(Duration::from_secs(30)) };
        assert_eq!(after.retry_delay(1, &policy), None, "a wait longer than max_delay is reported, not shortened");
        let after =
            AttemptFailure { error: Error::Internal(String::new()), retry: Retry::After(Duration::from_secs(2)) };
        assert_eq!(after.retry_delay(1, &policy), Some(Duration::from_secs(2)));
    }
}
