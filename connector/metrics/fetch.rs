//! The four upstream sources of the normalized metrics, fetched concurrently.

use crate::generated::client::Client;
use crate::generated::types::{ClaudeCodeRecord, CostBucket, UsageBucket, User};
use crate::runtime::pagination::{drain_id_cursor, drain_page_token, fetch_per_day};
use crate::runtime::{Date, Method, Request, transform};

use super::aggregate::SourceResults;

/// The Claude Code report: one request per day (`starting_at=YYYY-MM-DD`).
pub(super) const CLAUDE_CODE_PATH: &str = "/v1/organizations/usage_report/claude_code";
/// The messages usage report (organization-wide tokens).
pub(super) const MESSAGES_USAGE_PATH: &str = "/v1/organizations/usage_report/messages";
/// The cost report (organization-wide spend).
pub(super) const COST_REPORT_PATH: &str = "/v1/organizations/cost_report";
/// The organization's users.
pub(super) const USERS_PATH: &str = "/v1/organizations/users";

/// Claude Code records per page (the API's maximum).
const CLAUDE_CODE_LIMIT: u32 = 1000;
/// Users per page (the API's maximum).
const USERS_LIMIT: u32 = 1000;
/// Daily buckets per page of the usage and cost reports (the API's maximum).
const BUCKETS_LIMIT: &str = "31";

/// The messages usage request: daily buckets grouped by model over the whole period.
pub(super) fn messages_usage_request(start: &Date, end: &Date) -> Request {
    let mut request = Request::new(Method::Get, MESSAGES_USAGE_PATH);
    request.query("starting_at", transform::start_of_day(start));
    request.query("ending_at", transform::start_of_next_day(end));
    request.query("bucket_width", "1d");
    request.query("limit", BUCKETS_LIMIT);
    request.query("group_by[]", "model");
    request
}

/// The cost report request over the whole period.
pub(super) fn cost_report_request(start: &Date, end: &Date) -> Request {
    let mut request = Request::new(Method::Get, COST_REPORT_PATH);
    request.query("starting_at", transform::start_of_day(start));
    request.query("ending_at", transform::start_of_next_day(end));
    request.query("limit", BUCKETS_LIMIT);
    request
}

/// Fetches the four sources at once; each result stands alone, so one failure leaves the others usable.
/// The Claude Code days go through the same per-day paginator as `get_code_analytics`, which reports
/// progress per day through the client's `Progress`.
pub(super) async fn fetch_sources(client: &Client, start: &Date, end: &Date) -> SourceResults {
    let http = client.http();
    let days = Date::range(start, end);
    let claude_code = fetch_per_day::<ClaudeCodeRecord>(
        http,
        Request::new(Method::Get, CLAUDE_CODE_PATH),
        "starting_at",
        &days,
        CLAUDE_CODE_LIMIT,
        http.concurrency(),
    );
    let messages_usage = drain_page_token::<UsageBucket>(http, messages_usage_request(start, end));
    let cost_report = drain_page_token::<CostBucket>(http, cost_report_request(start, end));
    let users = drain_id_cursor::<User>(http, Request::new(Method::Get, USERS_PATH), USERS_LIMIT);
    let (claude_code, messages_usage, cost_report, users) =
        tokio::join!(claude_code, messages_usage, cost_report, users);
    SourceResults { claude_code, messages_usage, cost_report, users }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(request: &Request) -> Vec<(&str, &str)> {
        request.query.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
    }

    #[test]
    fn report_queries_are_exact_and_ordered() {
        let (start, end) = (Date::parse("2026-03-01").unwrap(), Date::parse("2026-03-31").unwrap());
        let usage = messages_usage_request(&start, &end);
        assert_eq!(usage.path, MESSAGES_USAGE_PATH);
        assert_eq!(
            pairs(&usage),
            [
                ("starting_at", "2026-03-01T00:00:00Z"),
                ("ending_at", "2026-04-01T00:00:00Z"),
                ("bucket_width", "1d"),
                ("limit", "31"),
                ("group_by[]", "model"),
            ]
        );
        let cost = cost_report_request(&start, &end);
        assert_eq!(cost.path, COST_REPORT_PATH);
        assert_eq!(
            pairs(&cost),
            [("starting_at", "2026-03-01T00:00:00Z"), ("ending_at", "2026-04-01T00:00:00Z"), ("limit", "31")]
        );
    }
}
