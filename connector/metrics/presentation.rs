//! How a `CodingToolMetrics` result reads: registered in the spec as the tool's
//! `handler.presentation`, like the generated presentations of the other tools.

use crate::runtime::presentation::{Column, ColumnKind, ColumnRole, Presentation, Section};

/// A plain column at one path.
macro_rules! column {
    ($name:literal, $label:literal, [$($step:literal),+], $kind:ident) => {
        Column {
            name: $name,
            label: $label,
            paths: &[&[$($step),+]],
            kind: ColumnKind::$kind,
            role: ColumnRole::Plain,
        }
    };
}

/// The labelled rows of the metrics: the normalized fields, then the organization context.
const COLUMNS: &[Column] = &[
    column!("period", "Period", ["period"], Text),
    column!("total_seats", "Total seats", ["total_seats"], Count),
    column!("active_seats", "Active seats", ["active_seats"], Count),
    column!("seat_utilization_pct", "Seat utilization", ["seat_utilization_pct"], Percent),
    column!("inactive_seats", "Inactive seats", ["inactive_seats"], Count),
    column!("total_suggestions", "Total suggestions", ["total_suggestions"], Count),
    column!("total_acceptances", "Total acceptances", ["total_acceptances"], Count),
    column!("acceptance_rate_pct", "Acceptance rate", ["acceptance_rate_pct"], Percent),
    column!("total_lines_suggested", "Lines suggested", ["total_lines_suggested"], Count),
    column!("total_lines_accepted", "Lines accepted (added)", ["total_lines_accepted"], Count),
    column!("total_chat_interactions", "Sessions", ["total_chat_interactions"], Count),
    column!("daily_active_users", "Daily active users", ["daily_active_users"], Count),
    column!("total_cost_usd", "Total cost", ["total_cost_usd"], MoneyUsd),
    column!("cost_per_user_usd", "Cost per user", ["cost_per_user_usd"], MoneyUsd),
    column!(
        "cost_per_accepted_suggestion_usd",
        "Cost per accepted suggestion",
        ["cost_per_accepted_suggestion_usd"],
        MoneyUsd
    ),
    column!("usage_by_language", "Usage by language", ["usage_by_language"], Text),
    column!("commits_by_claude_code", "Commits by Claude Code", ["metadata", "commits_by_claude_code"], Count),
    column!(
        "pull_requests_by_claude_code",
        "Pull requests by Claude Code",
        ["metadata", "pull_requests_by_claude_code"],
        Count
    ),
    column!("organization_api_cost_usd", "Organization API cost", ["metadata", "organization_api_cost_usd"], MoneyUsd),
    column!(
        "organization_input_tokens",
        "Organization input tokens",
        ["metadata", "organization_tokens", "uncached_input_tokens"],
        Count
    ),
    column!(
        "organization_cache_write_tokens",
        "Organization cache write tokens",
        ["metadata", "organization_tokens", "cache_creation_input_tokens"],
        Count
    ),
    column!(
        "organization_cache_read_tokens",
        "Organization cache read tokens",
        ["metadata", "organization_tokens", "cache_read_input_tokens"],
        Count
    ),
    column!(
        "organization_output_tokens",
        "Organization output tokens",
        ["metadata", "organization_tokens", "output_tokens"],
        Count
    ),
    column!("partial", "Partial result (a source failed)", ["metadata", "partial"], Boolean),
];

const EDITOR_COLUMNS: &[Column] = &[
    column!("sessions", "Sessions", ["sessions"], Count),
    column!("lines_added", "Lines added", ["lines_added"], Count),
    column!("lines_removed", "Lines removed", ["lines_removed"], Count),
    column!("active_users", "Active users", ["active_users"], Count),
];

const MODEL_COLUMNS: &[Column] = &[
    column!("input_tokens", "Input tokens", ["input_tokens"], Count),
    column!("output_tokens", "Output tokens", ["output_tokens"], Count),
    column!("cache_read_tokens", "Cache read tokens", ["cache_read_tokens"], Count),
    column!("cache_creation_tokens", "Cache write tokens", ["cache_creation_tokens"], Count),
    column!("estimated_cost_usd", "Cost", ["estimated_cost_usd"], MoneyUsd),
];

/// The `CodingToolMetrics` presentation.
pub static PRESENTATION: Presentation = Presentation {
    noun: "Claude Code metrics",
    plural: "Claude Code metrics",
    identity: &[],
    details: &[],
    flags: &[],
    time: None,
    rows: None,
    breakdown: None,
    columns: COLUMNS,
    summary: Some(
        "Claude Code metrics for {period}: {active_seats} of {total_seats} seats active ({seat_utilization_pct}; active counts every user email with a record, former members included, API keys not), acceptance rate {acceptance_rate_pct}, cost {total_cost_usd}",
    ),
    sections: &[
        Section {
            title: "By editor or terminal",
            field: "usage_by_editor",
            key_label: "Editor",
            columns: EDITOR_COLUMNS,
        },
        Section { title: "By model", field: "usage_by_model", key_label: "Model", columns: MODEL_COLUMNS },
    ],
    names: &[],
};
