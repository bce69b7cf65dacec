//! `claude_code_get_seat_activity`: every organization user joined with their Claude
//! Code activity over a range of UTC days, so "who has a seat and did not use it" and
//! "who costs the most" are one call. API-key actors are reported apart; activity of an
//! email that is no longer a member is kept (as a user without a role), not dropped.
//! A seat is a member: `active_seats` counts members with a record, and the summary line
//! says so, with the former members and API keys that were active besides. `actor`
//! narrows the lists to one person (email) or API key (name), exact, case ignored.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::sets::DaySet;
use crate::generated::args::{
    GetCodeAnalyticsArgs, GetSeatActivityArgs, GetSeatActivitySort, GetSeatActivityStatus, ListUsersArgs,
};
use crate::generated::client::Client;
use crate::generated::requests;
use crate::generated::types::{ClaudeCodeRecord, User};
use crate::runtime::http::{Snapshot, Whole, restore_json, save_json};
use crate::runtime::money::Cents;
use crate::runtime::pagination::{drain_id_cursor, fold_per_day};
use crate::runtime::presentation::{Column, ColumnKind, ColumnRole, Presentation, Section};
use crate::runtime::{ArgError, Date, Error};

/// The users list is drained with the API's largest page.
const USERS_LIMIT: u32 = 1000;

/// Seats and their Claude Code activity over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SeatActivity {
    /// `"<start_date>/<end_date>"`, UTC days inclusive.
    pub period: String,
    /// Which users are listed: `active`, `inactive` or `all`.
    pub status: String,
    /// Members of the organization.
    pub seats: u64,
    /// Members with at least one Claude Code record in the period.
    pub active_seats: u64,
    /// Members without any.
    pub inactive_seats: u64,
    /// Emails with activity that are not members any more (not seats).
    pub former_members_active: u64,
    /// API keys with activity (not seats).
    pub api_keys_active: u64,
    /// The listed users, sorted, cut to `top`.
    pub users: Vec<SeatRow>,
    /// Users left out by `top`.
    pub users_not_shown: u64,
    /// Activity of API keys (not seats), by key name, largest cost first.
    pub api_keys: Vec<KeyRow>,
    /// Every user's and key's activity summed, exactly.
    pub totals: Activity,
}

/// One user and their activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SeatRow {
    pub email: String,
    /// `null` for an email with activity that is no longer a member.
    pub name: Option<String>,
    /// Organization role; `null` when no longer a member.
    pub role: Option<String>,
    /// The day they joined the organization (`YYYY-MM-DD`); absent when no longer a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_since: Option<String>,
    /// Days with at least one record; absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub active_days: u64,
    /// The last day with a record (`YYYY-MM-DD`); absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_active: Option<String>,
    /// The period's activity; absent for a seat without any (nothing but zeros).
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

/// One API key's activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyRow {
    pub api_key_name: String,
    pub active_days: u64,
    pub last_active: Option<String>,
    #[serde(flatten)]
    pub activity: Activity,
}

/// Sums of Claude Code records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Activity {
    pub sessions: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub commits: u64,
    pub pull_requests: u64,
    /// Tool actions accepted (all tools).
    pub accepted: u64,
    /// Tool actions rejected (all tools).
    pub rejected: u64,
    /// Estimated cost in US dollars: the exact sum of the records' cents, rounded once.
    pub cost_usd: String,
}

/// What one actor accumulates while records are read.
#[derive(Default, Serialize, Deserialize)]
struct Tally {
    counts: [u64; 7],
    cost: Option<Cents>,
    days: DaySet,
}

impl Tally {
    fn add(&mut self, record: &ClaudeCodeRecord) -> Result<(), Error> {
        let core = &record.core_metrics;
        let (accepted, rejected) = record.tool_actions.values().fold((0u64, 0u64), |(a, r), counts| {
            (a.saturating_add(counts.accepted), r.saturating_add(counts.rejected))
        });
        let values = [
            core.num_sessions,
            core.lines_of_code.added,
            core.lines_of_code.removed,
            core.commits_by_claude_code,
            core.pull_requests_by_claude_code,
            accepted,
            rejected,
        ];
        for (sum, value) in self.counts.iter_mut().zip(values) {
            *sum = sum.checked_add(value).ok_or_else(overflow)?;
        }
        let mut cost = self.cost.unwrap_or(Cents::ZERO);
        for model in &record.model_breakdown {
            let cents = Cents::from_json_number(model.estimated_cost.amount).ok_or_else(|| Error::Decode {
                path: "/v1/organizations/usage_report/claude_code".into(),
                message: format!("estimated_cost.amount `{}` is not a number of cents", model.estimated_cost.amount),
            })?;
            cost = cost.checked_add(cents).ok_or_else(overflow)?;
        }
        self.cost = Some(cost);
        // A record's day: the first 10 characters of its `date` (`YYYY-MM-DD` or a timestamp).
        if let Some(day) = record.date.get(..10).and_then(|text| Date::parse(text).ok()) {
            self.days.insert(day);
        }
        Ok(())
    }

    fn merge(&mut self, other: &Tally) -> Result<(), Error> {
        for (sum, value) in self.counts.iter_mut().zip(other.counts) {
            *sum = sum.checked_add(value).ok_or_else(overflow)?;
        }
        let cost = self.cost.unwrap_or(Cents::ZERO).checked_add(other.cost.unwrap_or(Cents::ZERO));
        self.cost = Some(cost.ok_or_else(overflow)?);
        Ok(())
    }

    fn activity(&self) -> Activity {
        let [sessions, lines_added, lines_removed, commits, pull_requests, accepted, rejected] = self.counts;
        let cost_usd = self.cost.unwrap_or(Cents::ZERO).usd_rounded();
        Activity { sessions, lines_added, lines_removed, commits, pull_requests, accepted, rejected, cost_usd }
    }

    fn cost(&self) -> Cents {
        self.cost.unwrap_or(Cents::ZERO)
    }
}

fn overflow() -> Error {
    Error::Internal("Claude Code activity adds up past what can be counted exactly; ask for a shorter range".into())
}

/// Every actor's tally: people by lowercased email, API keys by name.
#[derive(Default, Serialize, Deserialize)]
struct Actors {
    people: BTreeMap<String, Tally>,
    keys: BTreeMap<String, Tally>,
}

/// Every actor's tally over the closed days is kept whole; it depends on nothing but the days.
impl Snapshot for Actors {
    fn fresh(&self) -> Result<Actors, Error> {
        Ok(Actors::default())
    }

    fn merge(&mut self, other: Actors) -> Result<(), Error> {
        for (mine, theirs) in [(&mut self.people, other.people), (&mut self.keys, other.keys)] {
            for (name, tally) in theirs {
                let into = mine.entry(name).or_default();
                into.merge(&tally)?;
                into.days.union(&tally.days);
            }
        }
        Ok(())
    }

    fn shape(&self) -> String {
        "seat-activity-actors v1".into()
    }

    fn save(&self, out: &mut dyn std::io::Write) -> Result<(), Error> {
        save_json(self, out)
    }

    fn restore(&mut self, bytes: &[u8]) -> bool {
        restore_json(bytes).map(|saved| *self = saved).is_some()
    }
}

impl Actors {
    fn add(&mut self, record: &ClaudeCodeRecord) -> Result<(), Error> {
        let tally = match (&record.actor.email_address, &record.actor.api_key_name) {
            (Some(email), _) => self.people.entry(email.to_lowercase()).or_default(),
            (None, Some(key)) => self.keys.entry(key.clone()).or_default(),
            (None, None) => return Ok(()),
        };
        tally.add(record)
    }
}

/// Drains the users and folds the period's Claude Code records into one tally per
/// actor as each day arrives (memory grows with the actors, not the records), then
/// joins them by email.
pub async fn get_seat_activity(client: &Client, args: &GetSeatActivityArgs) -> Result<SeatActivity, Error> {
    // Progress follows the per-day records, the long part; the users list stays quiet.
    let quiet = client.http().without_progress();
    let users = async {
        let request = requests::list_users(&ListUsersArgs::new())?;
        drain_id_cursor::<User>(&quiet, request, USERS_LIMIT).await
    };
    let actors = async {
        let request = requests::get_code_analytics(&GetCodeAnalyticsArgs::new(args.start_date, args.end_date))?;
        let days = Date::range(&args.start_date, &args.end_date);
        let per_day = requests::GET_CODE_ANALYTICS_PER_DAY;
        let http = client.http();
        let fold = |actors: &mut Actors, record: ClaudeCodeRecord| actors.add(&record);
        let day_pages = (per_day.query, days.as_slice(), per_day.limit);
        fold_per_day(http, request, day_pages, Whole::default(), Actors::default(), fold).await
    };
    let (users, actors) = tokio::try_join!(users, actors)?;
    join(args, &users, actors)
}

/// Whether `actor` (an email or an API key name, as the person typed it) names `name`.
fn names(actor: Option<&str>, name: &str) -> bool {
    actor.is_none_or(|actor| actor.trim().to_lowercase() == name.to_lowercase())
}

fn join(args: &GetSeatActivityArgs, users: &[User], actors: Actors) -> Result<SeatActivity, Error> {
    let Actors { people, keys } = actors;
    let mut totals = Tally::default();
    for tally in people.values().chain(keys.values()) {
        totals.merge(tally)?;
    }
    let empty = Tally::default();
    let members: BTreeSet<String> = users.iter().map(|u| u.email.to_lowercase()).collect();
    let mut rows: Vec<(SeatRow, Cents)> = users
        .iter()
        .map(|user| {
            let tally = people.get(&user.email.to_lowercase()).unwrap_or(&empty);
            let mut row = seat_row(user.email.clone(), Some(user.name.clone()), Some(user.role.clone()), tally);
            row.member_since = user.added_at.get(..10).map(str::to_string);
            (row, tally.cost())
        })
        .collect();
    // Activity of emails that are not members any more stays visible.
    for (email, tally) in people.iter().filter(|(email, _)| !members.contains(*email)) {
        rows.push((seat_row(email.clone(), None, None, tally), tally.cost()));
    }
    let active_seats = users.iter().filter(|u| people.contains_key(&u.email.to_lowercase())).count() as u64;
    let former_members_active = people.keys().filter(|email| !members.contains(*email)).count() as u64;
    let status = args.status;
    let actor = args.actor.as_deref();
    let known = rows.iter().any(|(row, _)| names(actor, &row.email)) || keys.keys().any(|name| names(actor, name));
    if let (Some(actor), false) = (actor, known) {
        return Err(Error::Argument(ArgError::new(
            "actor",
            format!(
                "`{actor}` is neither a member's email nor the name of an API key with Claude Code activity in {}..{}",
                args.start_date, args.end_date
            ),
        )));
    }
    rows.retain(|(row, _)| {
        let by_status = match status {
            GetSeatActivityStatus::Active => row.active_days > 0,
            GetSeatActivityStatus::Inactive => row.active_days == 0 && row.role.is_some(),
            GetSeatActivityStatus::All => true,
        };
        by_status && names(actor, &row.email)
    });
    sort_rows(&mut rows, args.sort);
    let keep = args.top.map_or(rows.len(), |top| (top as usize).min(rows.len()));
    let users_not_shown = (rows.len() - keep) as u64;
    rows.truncate(keep);
    // Keys are not seats: a list of unused seats has none.
    let list_keys = status != GetSeatActivityStatus::Inactive;
    let mut api_keys: Vec<(KeyRow, Cents)> = keys
        .iter()
        .filter(|(name, _)| list_keys && names(actor, name))
        .map(|(name, tally)| {
            let row = KeyRow {
                api_key_name: name.clone(),
                active_days: tally.days.len() as u64,
                last_active: tally.days.last().map(|day| day.to_string()),
                activity: tally.activity(),
            };
            (row, tally.cost())
        })
        .collect();
    api_keys.sort_by(|a, b| b.1.cmp_exact(&a.1).then_with(|| a.0.api_key_name.cmp(&b.0.api_key_name)));
    Ok(SeatActivity {
        period: format!("{}/{}", args.start_date, args.end_date),
        status: status.as_str().to_string(),
        seats: users.len() as u64,
        active_seats,
        inactive_seats: users.len() as u64 - active_seats,
        former_members_active,
        api_keys_active: keys.len() as u64,
        users: rows.into_iter().map(|(row, _)| row).collect(),
        users_not_shown,
        api_keys: api_keys.into_iter().map(|(row, _)| row).collect(),
        totals: totals.activity(),
    })
}

fn seat_row(email: String, name: Option<String>, role: Option<String>, tally: &Tally) -> SeatRow {
    let active = !tally.days.is_empty();
    SeatRow {
        email,
        name,
        role,
        member_since: None,
        active_days: tally.days.len() as u64,
        last_active: tally.days.last().map(|day| day.to_string()),
        activity: active.then(|| tally.activity()),
    }
}

/// Largest first by the measure asked; by email without one (ties too).
fn sort_rows(rows: &mut [(SeatRow, Cents)], sort: Option<GetSeatActivitySort>) {
    let count = |row: &SeatRow, sort: GetSeatActivitySort| {
        let activity = row.activity.clone().unwrap_or_default();
        match sort {
            GetSeatActivitySort::Sessions => activity.sessions,
            GetSeatActivitySort::LinesAdded => activity.lines_added,
            GetSeatActivitySort::Commits => activity.commits,
            GetSeatActivitySort::PullRequests => activity.pull_requests,
            GetSeatActivitySort::Accepted => activity.accepted,
            GetSeatActivitySort::ActiveDays => row.active_days,
            GetSeatActivitySort::CostUsd => 0,
        }
    };
    rows.sort_by(|(a, a_cost), (b, b_cost)| {
        let by_measure = match sort {
            None => std::cmp::Ordering::Equal,
            Some(GetSeatActivitySort::CostUsd) => b_cost.cmp_exact(a_cost),
            Some(sort) => count(b, sort).cmp(&count(a, sort)),
        };
        by_measure.then_with(|| a.email.cmp(&b.email))
    });
}

/// A plain column at one path.
macro_rules! column {
    ($name:literal, $label:literal, $kind:ident) => {
        Column { name: $name, label: $label, paths: &[&[$name]], kind: ColumnKind::$kind, role: ColumnRole::Plain }
    };
}

const ACTIVITY_COLUMNS: &[Column] = &[
    column!("sessions", "Sessions", Count),
    column!("lines_added", "Lines added", Count),
    column!("commits", "Commits", Count),
    column!("pull_requests", "PRs", Count),
    column!("accepted", "Accepted", Count),
    column!("rejected", "Rejected", Count),
    column!("cost_usd", "Cost", MoneyUsd),
];

const USER_COLUMNS: &[Column] = &[
    column!("email", "Email", Text),
    column!("role", "Role", Text),
    column!("member_since", "Member since", Date),
    column!("active_days", "Active days", Count),
    column!("last_active", "Last active", Date),
    ACTIVITY_COLUMNS[0],
    ACTIVITY_COLUMNS[1],
    ACTIVITY_COLUMNS[2],
    ACTIVITY_COLUMNS[3],
    ACTIVITY_COLUMNS[4],
    ACTIVITY_COLUMNS[5],
    ACTIVITY_COLUMNS[6],
];

const KEY_COLUMNS: &[Column] = &[
    column!("api_key_name", "API key", Text),
    column!("active_days", "Active days", Count),
    column!("last_active", "Last active", Date),
    ACTIVITY_COLUMNS[0],
    ACTIVITY_COLUMNS[1],
    ACTIVITY_COLUMNS[2],
    ACTIVITY_COLUMNS[3],
    ACTIVITY_COLUMNS[6],
];

/// How a `SeatActivity` result reads.
pub static PRESENTATION: Presentation = Presentation {
    noun: "seat activity",
    plural: "seat activity",
    identity: &[],
    details: &[],
    flags: &[],
    time: None,
    rows: None,
    breakdown: None,
    columns: &[
        column!("period", "Period", Text),
        column!("seats", "Seats", Count),
        column!("active_seats", "Active seats", Count),
        column!("inactive_seats", "Inactive seats", Count),
        column!("former_members_active", "Former members active", Count),
        column!("api_keys_active", "API keys active", Count),
        column!("users_not_shown", "Users not shown (top)", Count),
        Column {
            name: "total_sessions",
            label: "Sessions",
            paths: &[&["totals", "sessions"]],
            kind: ColumnKind::Count,
            role: ColumnRole::Plain,
        },
        Column {
            name: "total_cost_usd",
            label: "Cost",
            paths: &[&["totals", "cost_usd"]],
            kind: ColumnKind::MoneyUsd,
            role: ColumnRole::Plain,
        },
    ],
    summary: Some(
        "Seat activity {period}: {active_seats} of {seats} seats (members) used Claude Code, {inactive_seats} did not; also active: {former_members_active} former members, {api_keys_active} API keys; {total_sessions} sessions, cost {total_cost_usd}",
    ),
    sections: &[
        Section { title: "Users", field: "users", key_label: "", columns: USER_COLUMNS },
        Section { title: "API keys", field: "api_keys", key_label: "", columns: KEY_COLUMNS },
    ],
    names: &[],
};
