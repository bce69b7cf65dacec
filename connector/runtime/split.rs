//! Reports whose API accepts a limited range per request (`pagination.split_days` in the
//! spec): the range is sent as consecutive windows of at most that many days, each
//! drained over its pages, and the items concatenated in order, so a roll-up over them
//! sums exactly as over one request.

use super::http::{Decoded, Http, Request};
use super::pagination::drain_page_token;
use super::{Date, Error};

/// The windows of `start..=end`, each at most `days` days, in order.
pub fn windows(start: Date, end: Date, days: u32) -> Vec<(Date, Date)> {
    let mut out = Vec::new();
    let mut first = start;
    let step = u64::from(days.max(1)) - 1;
    while first <= end {
        let last = first.plus_days(step).min(end);
        out.push((first, last));
        let next = last.next();
        if next == last {
            break;
        }
        first = next;
    }
    out
}

/// Every item of every window of `start..=end`, in order; `request_for` builds the
/// request of one window from its first and last day.
pub async fn drain_page_token_split<T: Decoded, E: Into<Error>>(
    http: &Http,
    start: Date,
    end: Date,
    days: u32,
    request_for: impl Fn(Date, Date) -> Result<Request, E>,
) -> Result<Vec<T>, Error> {
    let mut items = Vec::new();
    for (first, last) in windows(start, end, days) {
        let request = request_for(first, last).map_err(Into::into)?;
        items.extend(drain_page_token::<T>(http, request).await?);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn a_range_splits_into_windows_of_at_most_n_days_that_cover_it_once() {
        let split = windows(day("2026-01-01"), day("2026-04-02"), 31);
        let text: Vec<(String, String)> = split.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            text,
            [pair("2026-01-01", "2026-01-31"), pair("2026-02-01", "2026-03-03"), pair("2026-03-04", "2026-04-02"),]
        );
        assert_eq!(windows(day("2026-03-01"), day("2026-03-01"), 31).len(), 1);
        assert_eq!(windows(day("2026-03-01"), day("2026-03-31"), 31).len(), 1);
        assert_eq!(windows(day("2026-03-01"), day("2026-04-01"), 31).len(), 2);
        assert!(windows(day("2026-03-02"), day("2026-03-01"), 31).is_empty());
    }
}
