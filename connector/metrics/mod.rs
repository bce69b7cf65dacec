//! `claude_code_get_normalized_metrics`: the `CodingToolMetrics` view of Claude Code.
//!
//! The tool fetches four sources concurrently ([`fetch`]), then derives every field
//! with pure functions ([`aggregate`]) exactly as `normalized-metrics.md` specifies.
//! A failed source makes the fields that need it `null` (and listed in
//! `metadata.unavailable_fields`); only when all four fail does the tool fail.

pub mod derive;
mod fetch;
pub mod keys;
pub mod presentation;
pub mod seats;
mod sets;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::generated::args::GetNormalizedMetricsArgs;
use crate::generated::client::Client;
use crate::runtime::Error;

/// Claude Code adoption, acceptance, activity and cost over a period of UTC days, in
/// the shape shared by the connectors of other AI coding tools. A field the API cannot
/// supply is `null` and named in `metadata.unavailable_fields`; `null` never means 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CodingToolMetrics {
    /// Always `"claude_code"`.
    pub tool_name: String,
    /// The period as `"<start_date>/<end_date>"`, both UTC days inclusive.
    pub period: String,
    /// Users in the organization (all roles), from the users list. `null` if the users list failed.
    pub total_seats: Option<u64>,
    /// Distinct emails of user actors (not API keys) with at least one Claude Code record in the period.
    pub active_seats: Option<u64>,
    /// `active_seats / total_seats * 100`, 2 decimals; `null` when `total_seats` is 0 or unknown.
    pub seat_utilization_pct: Option<f64>,
    /// `max(total_seats - active_seats, 0)`.
    pub inactive_seats: Option<u64>,
    /// Sum over all Claude Code records and tool actions of `accepted + rejected`.
    pub total_suggestions: Option<u64>,
    /// Sum over all Claude Code records and tool actions of `accepted`.
    pub total_acceptances: Option<u64>,
    /// `total_acceptances / total_suggestions * 100`, 2 decimals; `null` when there are no suggestions.
    pub acceptance_rate_pct: Option<f64>,
    /// Always `null`: the API reports lines written, not lines proposed.
    pub total_lines_suggested: Option<u64>,
    /// Sum of `core_metrics.lines_of_code.added` over all Claude Code records.
    pub total_lines_accepted: Option<u64>,
    /// Sum of `core_metrics.num_sessions` over all Claude Code records.
    pub total_chat_interactions: Option<u64>,
    /// Mean over all days of the period (days without records count as 0) of the distinct user-actor
    /// emails that day, rounded half away from zero.
    pub daily_active_users: Option<u64>,
    /// Claude Code's estimated cost in USD: exact sum of `model_breakdown[].estimated_cost.amount`
    /// (cents) / 100, rounded once to 2 decimals.
    pub total_cost_usd: Option<f64>,
    /// Exact Claude Code cost / `active_seats`, in USD to 2 decimals; `null` when `active_seats` is 0.
    pub cost_per_user_usd: Option<f64>,
    /// Exact Claude Code cost / `total_acceptances`, in USD to 4 decimals; `null` when there are no acceptances.
    pub cost_per_accepted_suggestion_usd: Option<f64>,
    /// Always `null`: the API has no language breakdown.
    pub usage_by_language: Option<serde_json::Value>,
    /// Claude Code activity per `terminal_type` (editor or terminal).
    pub usage_by_editor: Option<BTreeMap<String, EditorUsage>>,
    /// Claude Code tokens and estimated cost per model, summed over `model_breakdown`.
    pub usage_by_model: Option<BTreeMap<String, ModelUsage>>,
    /// What is unavailable, per-day detail, organization-wide context and the state of each source.
    pub metadata: Metadata,
}

/// Claude Code activity on one `terminal_type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EditorUsage {
    /// Sum of `core_metrics.num_sessions`.
    pub sessions: u64,
    /// Sum of `core_metrics.lines_of_code.added`.
    pub lines_added: u64,
    /// Sum of `core_metrics.lines_of_code.removed`.
    pub lines_removed: u64,
    /// Distinct user-actor emails with a record on this terminal (API keys not counted).
    pub active_users: u64,
}

/// Claude Code tokens and cost of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelUsage {
    /// Sum of `tokens.input`.
    pub input_tokens: u64,
    /// Sum of `tokens.output`.
    pub output_tokens: u64,
    /// Sum of `tokens.cache_read`.
    pub cache_read_tokens: u64,
    /// Sum of `tokens.cache_creation`.
    pub cache_creation_tokens: u64,
    /// Exact sum of `estimated_cost.amount` (cents) / 100, rounded once to 2 decimals.
    pub estimated_cost_usd: f64,
}

/// Context of a `CodingToolMetrics` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Metadata {
    /// Sorted names of the top-level fields that are `null` in this result.
    pub unavailable_fields: Vec<String>,
    /// Distinct user-actor emails with a Claude Code record, for every day of the period (`YYYY-MM-DD`).
    pub daily_active_users_by_day: Option<BTreeMap<String, u64>>,
    /// The whole organization's API spend in the period (not only Claude Code): exact sum of every
    /// cost report amount (cents) / 100, 2 decimals. `null` if the cost report failed.
    pub organization_api_cost_usd: Option<f64>,
    /// The whole organization's tokens in the period, from the messages usage report. `null` if it failed.
    pub organization_tokens: Option<OrganizationTokens>,
    /// Sum of `core_metrics.commits_by_claude_code` over all Claude Code records.
    pub commits_by_claude_code: Option<u64>,
    /// Sum of `core_metrics.pull_requests_by_claude_code` over all Claude Code records.
    pub pull_requests_by_claude_code: Option<u64>,
    /// The state of each source: `claude_code`, `messages_usage`, `cost_report`, `users`.
    pub sources: BTreeMap<String, SourceStatus>,
    /// `true` when any source failed; the fields that needed it are `null`.
    pub partial: bool,
}

/// Organization-wide token totals over every bucket and row of the messages usage report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrganizationTokens {
    /// Sum of `uncached_input_tokens`.
    pub uncached_input_tokens: u64,
    /// Sum of `cache_creation.ephemeral_1h_input_tokens + cache_creation.ephemeral_5m_input_tokens`.
    pub cache_creation_input_tokens: u64,
    /// Sum of `cache_read_input_tokens`.
    pub cache_read_input_tokens: u64,
    /// Sum of `output_tokens`.
    pub output_tokens: u64,
}

/// How one source fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceStatus {
    /// `ok`, or `error` when the source could not be fetched or its data could not be read.
    pub status: SourceState,
    /// Upstream requests the source took; 0 when fetching failed (a failed walk does not report
    /// how many requests preceded the failure).
    pub requests: u32,
    /// Why the source failed; absent when it is `ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Whether a source was usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceState {
    Ok,
    Error,
}

/// Fetches the four sources concurrently and derives the metrics. Succeeds with
/// `metadata.partial = true` when some sources fail; fails only when all four do.
pub async fn get_normalized_metrics(
    client: &Client,
    args: &GetNormalizedMetricsArgs,
) -> Result<CodingToolMetrics, Error> {
    let sources = fetch::fetch_sources(client, args.start_date, args.end_date).await;
    derive::aggregate(&args.start_date, &args.end_date, sources)
}
