//! The four sources of the metrics, fetched concurrently through the generated client
//! and request builders, so every path, parameter and paginator comes from the spec.

use std::future::Future;

use super::derive::CodeSummary;
use crate::generated::args::{GetCodeAnalyticsArgs, GetCostBreakdownArgs, GetUsageArgs, ListUsersArgs};
use crate::generated::client::Client;
use crate::generated::requests;
use crate::generated::types::{ClaudeCodeRecord, UsageBucket, User};
use crate::runtime::http::Whole;
use crate::runtime::money::Cents;
use crate::runtime::pagination::{drain_id_cursor, drain_page_token, fold_per_day};
use crate::runtime::{Date, Error};

/// The reference drains the users list with the API's largest page.
const USERS_LIMIT: u32 = 1000;

/// One source: what it returned (or why it failed) and how many requests it sent.
#[derive(Debug)]
pub struct Fetched<T> {
    pub result: Result<T, Error>,
    pub requests: u32,
}

/// The four sources as fetched.
#[derive(Debug)]
pub struct SourceResults {
    /// `claude_code_get_code_analytics` for the period: every record of every day,
    /// folded into the summary as each day arrived.
    pub claude_code: Fetched<CodeSummary>,
    /// The messages usage report's daily buckets, grouped by model.
    pub messages_usage: Fetched<Vec<UsageBucket>>,
    /// The exact total of the cost report, as `claude_code_get_cost_breakdown` sums it.
    pub cost_report: Fetched<Cents>,
    /// Every user of the organization.
    pub users: Fetched<Vec<User>>,
}

/// Runs `fetch` on a client that counts its requests (retries included).
async fn counted<T, F, Fut>(client: &Client, fetch: F) -> Fetched<T>
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let (http, count) = client.http().counting();
    let result = fetch(Client::new(http)).await;
    Fetched { result, requests: count.get() }
}

pub(super) async fn fetch_sources(client: &Client, start: Date, end: Date) -> SourceResults {
    // Progress follows the per-day Claude Code fan-out, the long part; the other sources stay quiet.
    let quiet = Client::new(client.http().without_progress());
    let claude_code = counted(client, |c| async move {
        let request = requests::get_code_analytics(&GetCodeAnalyticsArgs::new(start, end))?;
        let days = Date::range(&start, &end);
        let per_day = requests::GET_CODE_ANALYTICS_PER_DAY;
        let summary = CodeSummary::new(&days);
        let fold = |summary: &mut CodeSummary, record: ClaudeCodeRecord| summary.add(&record);
        let day_pages = (per_day.query, days.as_slice(), per_day.limit);
        fold_per_day(c.http(), request, day_pages, Whole::default(), summary, fold).await
    });
    let client = &quiet;
    let messages_usage = counted(client, |c| async move {
        let request = requests::get_usage(&GetUsageArgs::new(start, end))?.with_query("group_by[]", "model");
        drain_page_token(c.http(), request).await
    });
    let cost_report = counted(client, |c| async move {
        let report = c.get_cost_breakdown(&GetCostBreakdownArgs::new(start, end)).await?;
        Cents::parse(&report.total_cents)
            .ok_or_else(|| Error::Internal(format!("the cost total `{}` is not a decimal", report.total_cents)))
    });
    let users = counted(client, |c| async move {
        drain_id_cursor(c.http(), requests::list_users(&ListUsersArgs::new())?, USERS_LIMIT).await
    });
    let (claude_code, messages_usage, cost_report, users) =
        tokio::join!(claude_code, messages_usage, cost_report, users);
    SourceResults { claude_code, messages_usage, cost_report, users }
}
