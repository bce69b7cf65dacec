//! Pure derivation of `CodingToolMetrics` from the four fetched sources (no I/O).
//!
//! Counts are summed as integers (the generated types decode them as `u64`, so a
//! negative count fails its source) and money as exact decimal cents ([`Cents`]),
//! rounded once at the end.

use std::collections::{BTreeMap, BTreeSet};

use crate::generated::types::{ClaudeCodeRecord, UsageBucket, User};
use serde::{Deserialize, Serialize};

use crate::runtime::http::{Snapshot, restore_json, save_json};
use crate::runtime::money::Cents;
use crate::runtime::{ApiError, Date, Error};

pub use super::fetch::{Fetched, SourceResults};
use super::sets::{BitSet, Interner};
use super::{CodingToolMetrics, EditorUsage, Metadata, ModelUsage, OrganizationTokens, SourceState, SourceStatus};

/// `tool_name` of every result.
pub const TOOL_NAME: &str = "claude_code";

/// Where Claude Code records come from, for error messages.
const CLAUDE_CODE_PATH: &str = "/v1/organizations/usage_report/claude_code";
/// Where the messages usage report comes from, for error messages.
const MESSAGES_USAGE_PATH: &str = "/v1/organizations/usage_report/messages";

/// Adds an upstream count to a running total; a sum past `u64::MAX` fails the source
/// with an error naming the field (a wrapped or saturated total would be a wrong number).
fn add(total: &mut u64, value: u64, path: &str, field: &str) -> Result<(), Error> {
    *total = total.checked_add(value).ok_or_else(|| Error::Decode {
        path: path.into(),
        message: format!(
            "the sum of `{field}` is larger than the largest count ({}), so it cannot be computed",
            u64::MAX
        ),
    })?;
    Ok(())
}

/// Source names, as keys of `metadata.sources` and in error messages.
const CLAUDE_CODE: &str = "claude_code";
const MESSAGES_USAGE: &str = "messages_usage";
const COST_REPORT: &str = "cost_report";
const USERS: &str = "users";

/// Derives every field for the period `start..=end` (already validated by the caller).
///
/// A source that failed makes the fields needing it `null`; the result is then
/// `partial`. When all four sources fail this is an error.
pub fn aggregate(start: &Date, end: &Date, sources: SourceResults) -> Result<CodingToolMetrics, Error> {
    let code = sources.claude_code.result;
    let tokens = sources.messages_usage.result.and_then(|buckets| summarize_tokens(&buckets));
    let org_cost = sources.cost_report.result;
    let seats = sources.users.result.map(|users| count_seats(&users));

    if let (Err(code_err), Err(tokens_err), Err(cost_err), Err(users_err)) = (&code, &tokens, &org_cost, &seats) {
        return Err(all_failed([
            (CLAUDE_CODE, code_err),
            (MESSAGES_USAGE, tokens_err),
            (COST_REPORT, cost_err),
            (USERS, users_err),
        ]));
    }

    let sources_status = BTreeMap::from([
        (CLAUDE_CODE.to_string(), source_status(&code, sources.claude_code.requests)),
        (MESSAGES_USAGE.to_string(), source_status(&tokens, sources.messages_usage.requests)),
        (COST_REPORT.to_string(), source_status(&org_cost, sources.cost_report.requests)),
        (USERS.to_string(), source_status(&seats, sources.users.requests)),
    ]);
    let partial = sources_status.values().any(|s| s.status == SourceState::Error);
    let code = code.ok();
    let total_seats = seats.ok();
    let active_seats = code.as_ref().map(|c| c.people.len() as u64);

    let mut metrics = CodingToolMetrics {
        tool_name: TOOL_NAME.to_string(),
        period: format!("{start}/{end}"),
        total_seats,
        active_seats,
        seat_utilization_pct: match (active_seats, total_seats) {
            (Some(active), Some(total)) => percent(active, total),
            _ => None,
        },
        inactive_seats: match (active_seats, total_seats) {
            (Some(active), Some(total)) => Some(total.saturating_sub(active)),
            _ => None,
        },
        total_suggestions: code.as_ref().map(|c| c.suggestions),
        total_acceptances: code.as_ref().map(|c| c.acceptances),
        acceptance_rate_pct: code.as_ref().and_then(|c| percent(c.acceptances, c.suggestions)),
        total_lines_suggested: None,
        total_lines_accepted: code.as_ref().map(|c| c.lines_added),
        total_chat_interactions: code.as_ref().map(|c| c.sessions),
        daily_active_users: code.as_ref().map(CodeSummary::daily_active_users),
        total_cost_usd: code.as_ref().map(|c| c.cost.usd_f64(2)),
        cost_per_user_usd: code.as_ref().and_then(|c| c.cost.usd_per(c.people.len() as u64, 2)),
        cost_per_accepted_suggestion_usd: code.as_ref().and_then(|c| c.cost.usd_per(c.acceptances, 4)),
        usage_by_language: None,
        usage_by_editor: code.as_ref().map(CodeSummary::usage_by_editor),
        usage_by_model: code.as_ref().map(CodeSummary::usage_by_model),
        metadata: Metadata {
            unavailable_fields: Vec::new(),
            daily_active_users_by_day: code.as_ref().map(CodeSummary::users_by_day),
            organization_api_cost_usd: org_cost.as_ref().ok().map(|cents| cents.usd_f64(2)),
            organization_tokens: tokens.as_ref().ok().cloned(),
            commits_by_claude_code: code.as_ref().map(|c| c.commits),
            pull_requests_by_claude_code: code.as_ref().map(|c| c.pull_requests),
            sources: sources_status,
            partial,
        },
    };
    metrics.metadata.unavailable_fields = unavailable_fields(&metrics);
    Ok(metrics)
}

fn source_status<S>(summary: &Result<S, Error>, requests: u32) -> SourceStatus {
    match summary {
        Ok(_) => SourceStatus { status: SourceState::Ok, requests, error: None },
        Err(error) => SourceStatus { status: SourceState::Error, requests, error: Some(error.to_string()) },
    }
}

/// The error when no source is usable. When all four failed with the same API error
/// (typically a bad or non-admin key) that error is returned, with its status, request id
/// and hint, its message naming the four sources. Otherwise each source and its cause is
/// listed in one `Transport` error (most failures that hit all four sources at once are
/// connectivity ones; the causes are spelled out either way).
fn all_failed(errors: [(&str, &Error); 4]) -> Error {
    let [(_, first), ..] = errors;
    if let Error::Api(api) = first {
        let same = errors.iter().all(|(_, e)| {
            matches!(e, Error::Api(other)
                if other.status == api.status && other.error_type == api.error_type && other.message == api.message)
        });
        if same {
            let names: Vec<&str> = errors.iter().map(|(name, _)| *name).collect();
            return Error::Api(ApiError {
                message: format!("{} (all four sources failed alike: {})", api.message, names.join(", ")),
                ..api.clone()
            });
        }
    }
    let causes: Vec<String> = errors.iter().map(|(name, error)| format!("{name}: {error}")).collect();
    Error::Transport(format!("all four sources failed: {}", causes.join("; ")))
}

/// `part / whole * 100` rounded half away from zero to 2 decimals, exactly; `None` when `whole` is 0.
fn percent(part: u64, whole: u64) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    // hundredths of a percent: part * 10_000 / whole, rounded half up (all non-negative).
    let hundredths = (part * 20_000 + whole) / (2 * whole);
    Some(hundredths as f64 / 100.0)
}

/// Distinct users in the organization (distinct ids, in case pages overlap).
fn count_seats(users: &[User]) -> u64 {
    users.iter().map(|u| u.id.as_str()).collect::<BTreeSet<_>>().len() as u64
}

/// Token totals over every row of every bucket of the messages usage report.
fn summarize_tokens(buckets: &[UsageBucket]) -> Result<OrganizationTokens, Error> {
    let mut totals = OrganizationTokens {
        uncached_input_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 0,
    };
    let p = MESSAGES_USAGE_PATH;
    for row in buckets.iter().flat_map(|bucket| &bucket.results) {
        add(&mut totals.uncached_input_tokens, row.uncached_input_tokens, p, "uncached_input_tokens")?;
        let creation = &row.cache_creation;
        let field = "cache_creation.ephemeral_*_input_tokens";
        add(&mut totals.cache_creation_input_tokens, creation.ephemeral_1h_input_tokens, p, field)?;
        add(&mut totals.cache_creation_input_tokens, creation.ephemeral_5m_input_tokens, p, field)?;
        add(&mut totals.cache_read_input_tokens, row.cache_read_input_tokens, p, "cache_read_input_tokens")?;
        add(&mut totals.output_tokens, row.output_tokens, p, "output_tokens")?;
    }
    Ok(totals)
}

/// Running totals of one terminal type.
#[derive(Debug, Default, Serialize, Deserialize)]
struct EditorTally {
    sessions: u64,
    lines_added: u64,
    lines_removed: u64,
    /// Distinct people ([`CodeSummary::people`] indices).
    users: BitSet,
}

/// Running totals of one model.
#[derive(Debug, Serialize, Deserialize)]
struct ModelTally {
    input: u64,
    output: u64,
    cache_read: u64,
    cache_creation: u64,
    cost: Cents,
}

/// Everything the Claude Code records contribute, summed over the period: records are
/// added one at a time as their day arrives ([`CodeSummary::add`]), never held together.
#[derive(Debug, Serialize, Deserialize)]
pub struct CodeSummary {
    /// Distinct user-actor emails over the period, each an index for the sets below.
    people: Interner,
    /// Distinct people per day; every day of the period is a key.
    users_by_day: BTreeMap<Date, BitSet>,
    suggestions: u64,
    acceptances: u64,
    lines_added: u64,
    sessions: u64,
    commits: u64,
    pull_requests: u64,
    cost: Cents,
    editors: BTreeMap<String, EditorTally>,
    models: BTreeMap<String, ModelTally>,
}

impl CodeSummary {
    /// Mean of the per-day distinct users over all days, rounded half away from zero (exactly).
    fn daily_active_users(&self) -> u64 {
        let days = self.users_by_day.len() as u128;
        if days == 0 {
            return 0;
        }
        let sum: u128 = self.users_by_day.values().map(|users| users.len() as u128).sum();
        u64::try_from((2 * sum + days) / (2 * days)).unwrap_or(u64::MAX)
    }

    fn users_by_day(&self) -> BTreeMap<String, u64> {
        self.users_by_day.iter().map(|(day, users)| (day.to_string(), users.len() as u64)).collect()
    }

    fn usage_by_editor(&self) -> BTreeMap<String, EditorUsage> {
        self.editors
            .iter()
            .map(|(terminal, t)| {
                let usage = EditorUsage {
                    sessions: t.sessions,
                    lines_added: t.lines_added,
                    lines_removed: t.lines_removed,
                    active_users: t.users.len() as u64,
                };
                (terminal.clone(), usage)
            })
            .collect()
    }

    fn usage_by_model(&self) -> BTreeMap<String, ModelUsage> {
        self.models
            .iter()
            .map(|(model, t)| {
                let usage = ModelUsage {
                    input_tokens: t.input,
                    output_tokens: t.output,
                    cache_read_tokens: t.cache_read,
                    cache_creation_tokens: t.cache_creation,
                    estimated_cost_usd: t.cost.usd_f64(2),
                };
                (model.clone(), usage)
            })
            .collect()
    }
}

/// The email of a user actor (a person); `None` for API actors and actors without an email.
fn person_email(record: &ClaudeCodeRecord) -> Option<&str> {
    if record.actor.r#type != "user_actor" {
        return None;
    }
    record.actor.email_address.as_deref().filter(|email| !email.trim().is_empty())
}

/// A record's day: the first 10 characters of its `date` (`YYYY-MM-DD` or a midnight timestamp).
fn record_day(record: &ClaudeCodeRecord) -> Option<Date> {
    record.date.get(..10).and_then(|text| Date::parse(text).ok())
}

impl CodeSummary {
    /// Nothing yet, for the period of `days`.
    pub fn new(days: &[Date]) -> CodeSummary {
        CodeSummary {
            people: Interner::default(),
            users_by_day: days.iter().map(|day| (*day, BitSet::default())).collect(),
            suggestions: 0,
            acceptances: 0,
            lines_added: 0,
            sessions: 0,
            commits: 0,
            pull_requests: 0,
            cost: Cents::ZERO,
            editors: BTreeMap::new(),
            models: BTreeMap::new(),
        }
    }

    /// Adds one record; a record of another day is left out of every total. A record
    /// without a readable day, or a cost that is not a usable number of cents, fails
    /// the source: unknown is not zero.
    pub fn add(&mut self, record: &ClaudeCodeRecord) -> Result<(), Error> {
        add_record(self, record)
    }
}

/// The summary over closed days is kept whole: its shape is the period (every day is
/// a key of `users_by_day`, read or not).
impl Snapshot for CodeSummary {
    fn fresh(&self) -> Result<CodeSummary, Error> {
        Ok(CodeSummary::new(&self.users_by_day.keys().copied().collect::<Vec<_>>()))
    }

    fn merge(&mut self, other: CodeSummary) -> Result<(), Error> {
        let ids = self.people.absorb(&other.people);
        let person = |n: i64| ids.get(usize::try_from(n).unwrap_or(usize::MAX)).map(|id| i64::from(*id));
        for (day, users) in &other.users_by_day {
            if let Some(mine) = self.users_by_day.get_mut(day) {
                users.iter().filter_map(person).for_each(|id| _ = mine.insert(id));
            }
        }
        let p = CLAUDE_CODE_PATH;
        add(&mut self.sessions, other.sessions, p, "core_metrics.num_sessions")?;
        add(&mut self.lines_added, other.lines_added, p, "core_metrics.lines_of_code.added")?;
        add(&mut self.commits, other.commits, p, "core_metrics.commits_by_claude_code")?;
        add(&mut self.pull_requests, other.pull_requests, p, "core_metrics.pull_requests_by_claude_code")?;
        add(&mut self.acceptances, other.acceptances, p, "tool_actions.*.accepted")?;
        add(&mut self.suggestions, other.suggestions, p, "tool_actions.*.accepted + rejected")?;
        let too_much = || Error::Decode { path: p.into(), message: "the sum of the costs cannot be computed".into() };
        self.cost = self.cost.checked_add(other.cost).ok_or_else(too_much)?;
        for (terminal, theirs) in other.editors {
            let editor = self.editors.entry(terminal).or_default();
            add(&mut editor.sessions, theirs.sessions, p, "core_metrics.num_sessions")?;
            add(&mut editor.lines_added, theirs.lines_added, p, "core_metrics.lines_of_code.added")?;
            add(&mut editor.lines_removed, theirs.lines_removed, p, "core_metrics.lines_of_code.removed")?;
            theirs.users.iter().filter_map(person).for_each(|id| _ = editor.users.insert(id));
        }
        for (name, theirs) in other.models {
            let Some(model) = self.models.get_mut(&name) else {
                self.models.insert(name, theirs);
                continue;
            };
            add(&mut model.input, theirs.input, p, "model_breakdown.*.tokens.input")?;
            add(&mut model.output, theirs.output, p, "model_breakdown.*.tokens.output")?;
            add(&mut model.cache_read, theirs.cache_read, p, "model_breakdown.*.tokens.cache_read")?;
            add(&mut model.cache_creation, theirs.cache_creation, p, "model_breakdown.*.tokens.cache_creation")?;
            model.cost = model.cost.checked_add(theirs.cost).ok_or_else(too_much)?;
        }
        Ok(())
    }

    fn shape(&self) -> String {
        let days: Vec<String> = self.users_by_day.keys().map(Date::to_string).collect();
        format!("claude-code-summary v1 {}", days.join(" "))
    }

    fn save(&self, out: &mut dyn std::io::Write) -> Result<(), Error> {
        save_json(self, out)
    }

    fn restore(&mut self, bytes: &[u8]) -> bool {
        let Some(saved) = restore_json::<CodeSummary>(bytes) else { return false };
        let same_days = saved.users_by_day.keys().eq(self.users_by_day.keys());
        if same_days {
            *self = saved;
        }
        same_days
    }
}

fn add_record(summary: &mut CodeSummary, record: &ClaudeCodeRecord) -> Result<(), Error> {
    let day = record_day(record).ok_or_else(|| Error::Decode {
        path: CLAUDE_CODE_PATH.into(),
        message: format!("record date `{}` does not start with a YYYY-MM-DD day", record.date),
    })?;
    let Some(day_users) = summary.users_by_day.get_mut(&day) else {
        return Ok(());
    };
    let person = person_email(record).map(|email| summary.people.id(email));
    if let Some(id) = person {
        day_users.insert(i64::from(id));
    }

    let p = CLAUDE_CODE_PATH;
    let core = &record.core_metrics;
    add(&mut summary.sessions, core.num_sessions, p, "core_metrics.num_sessions")?;
    add(&mut summary.lines_added, core.lines_of_code.added, p, "core_metrics.lines_of_code.added")?;
    add(&mut summary.commits, core.commits_by_claude_code, p, "core_metrics.commits_by_claude_code")?;
    add(&mut summary.pull_requests, core.pull_requests_by_claude_code, p, "core_metrics.pull_requests_by_claude_code")?;
    for actions in record.tool_actions.values() {
        add(&mut summary.acceptances, actions.accepted, p, "tool_actions.*.accepted")?;
        add(&mut summary.suggestions, actions.accepted, p, "tool_actions.*.accepted + rejected")?;
        add(&mut summary.suggestions, actions.rejected, p, "tool_actions.*.accepted + rejected")?;
    }

    let editor = summary.editors.entry(record.terminal_type.clone()).or_default();
    add(&mut editor.sessions, core.num_sessions, p, "core_metrics.num_sessions")?;
    add(&mut editor.lines_added, core.lines_of_code.added, p, "core_metrics.lines_of_code.added")?;
    add(&mut editor.lines_removed, core.lines_of_code.removed, p, "core_metrics.lines_of_code.removed")?;
    if let Some(id) = person {
        editor.users.insert(i64::from(id));
    }

    for entry in &record.model_breakdown {
        let amount = entry.estimated_cost.amount;
        let unusable = || Error::Decode {
            path: CLAUDE_CODE_PATH.into(),
            message: format!(
                "estimated_cost.amount `{amount}` of {} on {} is not a usable number of cents",
                entry.model, record.date
            ),
        };
        let cost = Cents::from_json_number(amount).ok_or_else(unusable)?;
        summary.cost = summary.cost.checked_add(cost).ok_or_else(unusable)?;
        let model = summary.models.entry(entry.model.clone()).or_insert(ModelTally {
            input: 0,
            output: 0,
            cache_read: 0,
            cache_creation: 0,
            cost: Cents::ZERO,
        });
        add(&mut model.input, entry.tokens.input, p, "model_breakdown.*.tokens.input")?;
        add(&mut model.output, entry.tokens.output, p, "model_breakdown.*.tokens.output")?;
        add(&mut model.cache_read, entry.tokens.cache_read, p, "model_breakdown.*.tokens.cache_read")?;
        add(&mut model.cache_creation, entry.tokens.cache_creation, p, "model_breakdown.*.tokens.cache_creation")?;
        model.cost = model.cost.checked_add(cost).ok_or_else(unusable)?;
    }
    Ok(())
}

/// Sorted names of the top-level fields that are `null`, read from the serialized
/// metrics so the list cannot drift from the type.
fn unavailable_fields(m: &CodingToolMetrics) -> Vec<String> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(m) else { return Vec::new() };
    let mut names: Vec<String> =
        fields.into_iter().filter(|(_, value)| value.is_null()).map(|(name, _)| name).collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests;
