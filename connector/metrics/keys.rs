//! `claude_code_get_api_key_activity`: every API key of the organization joined with its
//! token usage over a range of UTC days, so "which keys are unused" is one call. Usage
//! comes from the messages usage report grouped by `api_key_id` (Claude Code calls the
//! Messages API, so its keys show there too); a key is `unused` when it is active and has
//! no row in that report for the window. Each key carries its workspace's name (the
//! Default Workspace for none) and its creator's email.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::generated::args::{
    GetApiKeyActivityArgs, GetApiKeyActivitySort, GetApiKeyActivityStatus, GetUsageArgs, GetUsageGroupBy,
    ListApiKeysArgs, ListUsersArgs, ListWorkspacesArgs,
};
use crate::generated::client::Client;
use crate::generated::requests;
use crate::generated::types::{ApiKey, UsageBucket, User, Workspace};
use crate::runtime::Error;
use crate::runtime::pagination::{drain_id_cursor, drain_page_token};
use crate::runtime::presentation::{Column, ColumnKind, ColumnRole, Presentation, Section};

/// Lists are drained with the API's largest page.
const LIST_LIMIT: u32 = 1000;

/// What the API calls the workspace of a key without one.
pub const DEFAULT_WORKSPACE: &str = "Default Workspace";

/// API keys and their usage over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApiKeyActivity {
    /// `"<start_date>/<end_date>"`, UTC days inclusive.
    pub period: String,
    /// Which keys are listed: `active` (used in the period), `unused` or `all`.
    pub status: String,
    /// Keys of the organization, any status.
    pub keys: u64,
    /// Keys with at least one usage row in the period.
    pub used_keys: u64,
    /// Active keys without any.
    pub unused_keys: u64,
    /// The listed keys, sorted, cut to `top`.
    pub api_keys: Vec<KeyActivityRow>,
    /// Keys left out by `top`.
    pub keys_not_shown: u64,
    /// Tokens of every key, summed.
    pub totals: KeyUsage,
    /// Tokens without a key (Console Workbench), not in `totals`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_key: Option<KeyUsage>,
}

/// One API key and its usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyActivityRow {
    pub id: String,
    /// `null` for a key in the report that the keys list no longer has.
    pub name: Option<String>,
    /// `active`, `inactive`, `archived`, `expired`; `null` when not in the keys list.
    pub status: Option<String>,
    /// `null` for the Default Workspace.
    pub workspace_id: Option<String>,
    /// The workspace's name (`Default Workspace` for none).
    pub workspace: Option<String>,
    /// The creator's email (their user ID when they are no longer a member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// The day the key was created (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The last day of the period with usage (`YYYY-MM-DD`); absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
    /// Its usage; absent for a key without any in the period.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<KeyUsage>,
}

/// Token sums of usage rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyUsage {
    pub input_tokens: u64,
    pub cache_write_tokens: u64,
    pub cache_read_tokens: u64,
    pub output_tokens: u64,
    /// All four above.
    pub total_tokens: u64,
}

impl KeyUsage {
    fn add(&mut self, row: &crate::generated::types::UsageRow) -> Result<(), Error> {
        let write =
            row.cache_creation.ephemeral_1h_input_tokens.checked_add(row.cache_creation.ephemeral_5m_input_tokens);
        let parts = [
            (&mut self.input_tokens, Some(row.uncached_input_tokens)),
            (&mut self.cache_write_tokens, write),
            (&mut self.cache_read_tokens, Some(row.cache_read_input_tokens)),
            (&mut self.output_tokens, Some(row.output_tokens)),
        ];
        let mut total = 0u64;
        for (sum, value) in parts {
            let value = value.ok_or_else(overflow)?;
            *sum = sum.checked_add(value).ok_or_else(overflow)?;
            total = total.checked_add(value).ok_or_else(overflow)?;
        }
        self.total_tokens = self.total_tokens.checked_add(total).ok_or_else(overflow)?;
        Ok(())
    }

    fn merge(&mut self, other: &KeyUsage) -> Result<(), Error> {
        for (sum, value) in [
            (&mut self.input_tokens, other.input_tokens),
            (&mut self.cache_write_tokens, other.cache_write_tokens),
            (&mut self.cache_read_tokens, other.cache_read_tokens),
            (&mut self.output_tokens, other.output_tokens),
            (&mut self.total_tokens, other.total_tokens),
        ] {
            *sum = sum.checked_add(value).ok_or_else(overflow)?;
        }
        Ok(())
    }
}

fn overflow() -> Error {
    Error::Internal("token counts add up past what can be counted exactly; ask for a shorter range".into())
}

/// One key's usage as the report's buckets are read.
#[derive(Default)]
struct Used {
    usage: KeyUsage,
    last_day: Option<String>,
}

/// Drains the keys, workspaces, users and the usage report (grouped by key) concurrently,
/// then joins them.
pub async fn get_api_key_activity(client: &Client, args: &GetApiKeyActivityArgs) -> Result<ApiKeyActivity, Error> {
    let http = client.http();
    let keys =
        async { drain_id_cursor::<ApiKey>(http, requests::list_api_keys(&ListApiKeysArgs::new())?, LIST_LIMIT).await };
    let workspaces = async {
        let request = requests::list_workspaces(&ListWorkspacesArgs::new().with_include_archived(true))?;
        drain_id_cursor::<Workspace>(http, request, LIST_LIMIT).await
    };
    let users = async { drain_id_cursor::<User>(http, requests::list_users(&ListUsersArgs::new())?, LIST_LIMIT).await };
    let usage = async {
        let by_key = GetUsageArgs::new(args.start_date, args.end_date).with_group_by(vec![GetUsageGroupBy::ApiKeyId]);
        drain_page_token::<UsageBucket>(http, requests::get_usage(&by_key)?).await
    };
    let (keys, workspaces, users, buckets) = tokio::try_join!(keys, workspaces, users, usage)?;
    join(args, &keys, &workspaces, &users, &buckets)
}

fn join(
    args: &GetApiKeyActivityArgs,
    keys: &[ApiKey],
    workspaces: &[Workspace],
    users: &[User],
    buckets: &[UsageBucket],
) -> Result<ApiKeyActivity, Error> {
    let mut used: BTreeMap<&str, Used> = BTreeMap::new();
    let mut without_key: Option<KeyUsage> = None;
    for bucket in buckets {
        let day = bucket.starting_at.get(..10).unwrap_or(&bucket.starting_at);
        for row in &bucket.results {
            match row.api_key_id.as_deref() {
                Some(id) => {
                    let entry = used.entry(id).or_default();
                    entry.usage.add(row)?;
                    if entry.last_day.as_deref().is_none_or(|last| last < day) {
                        entry.last_day = Some(day.to_string());
                    }
                }
                None => without_key.get_or_insert_default().add(row)?,
            }
        }
    }
    let workspace_name = |id: Option<&str>| match id {
        None => Some(DEFAULT_WORKSPACE.to_string()),
        Some(id) => workspaces.iter().find(|w| w.id == id).map(|w| w.name.clone()),
    };
    let creator = |key: &ApiKey| {
        key.created_by
            .as_ref()
            .map(|actor| users.iter().find(|u| u.id == actor.id).map_or_else(|| actor.id.clone(), |u| u.email.clone()))
    };
    let mut rows: Vec<KeyActivityRow> = keys
        .iter()
        .map(|key| {
            let usage = used.get(key.id.as_str());
            KeyActivityRow {
                id: key.id.clone(),
                name: Some(key.name.clone()),
                status: Some(key.status.clone()),
                workspace_id: key.workspace_id.clone(),
                workspace: workspace_name(key.workspace_id.as_deref()),
                created_by: creator(key),
                created_at: key.created_at.get(..10).map(str::to_string),
                last_used: usage.and_then(|u| u.last_day.clone()),
                usage: usage.map(|u| u.usage),
            }
        })
        .collect();
    // Usage of keys the list no longer has stays visible.
    for (id, usage) in used.iter().filter(|(id, _)| !keys.iter().any(|k| k.id == **id)) {
        rows.push(KeyActivityRow {
            id: id.to_string(),
            name: None,
            status: None,
            workspace_id: None,
            workspace: None,
            created_by: None,
            created_at: None,
            last_used: usage.last_day.clone(),
            usage: Some(usage.usage),
        });
    }
    let mut totals = KeyUsage::default();
    for usage in used.values() {
        totals.merge(&usage.usage)?;
    }
    let is_unused = |row: &KeyActivityRow| row.usage.is_none() && row.status.as_deref() == Some("active");
    let used_keys = rows.iter().filter(|row| row.usage.is_some()).count() as u64;
    let unused_keys = rows.iter().filter(|row| is_unused(row)).count() as u64;
    rows.retain(|row| match args.status {
        GetApiKeyActivityStatus::Active => row.usage.is_some(),
        GetApiKeyActivityStatus::Unused => is_unused(row),
        GetApiKeyActivityStatus::All => true,
    });
    sort_rows(&mut rows, args.sort);
    let keep = args.top.map_or(rows.len(), |top| (top as usize).min(rows.len()));
    let keys_not_shown = (rows.len() - keep) as u64;
    rows.truncate(keep);
    Ok(ApiKeyActivity {
        period: format!("{}/{}", args.start_date, args.end_date),
        status: args.status.as_str().to_string(),
        keys: keys.len() as u64,
        used_keys,
        unused_keys,
        api_keys: rows,
        keys_not_shown,
        totals,
        without_key,
    })
}

/// Largest first by the measure asked (latest first by `last_used`); by name without one.
fn sort_rows(rows: &mut [KeyActivityRow], sort: Option<GetApiKeyActivitySort>) {
    let measure = |row: &KeyActivityRow, sort: GetApiKeyActivitySort| {
        let usage = row.usage.unwrap_or_default();
        match sort {
            GetApiKeyActivitySort::TotalTokens => usage.total_tokens,
            GetApiKeyActivitySort::InputTokens => usage.input_tokens,
            GetApiKeyActivitySort::OutputTokens => usage.output_tokens,
            GetApiKeyActivitySort::LastUsed => 0,
        }
    };
    rows.sort_by(|a, b| {
        let by_measure = match sort {
            None => std::cmp::Ordering::Equal,
            Some(GetApiKeyActivitySort::LastUsed) => b.last_used.cmp(&a.last_used),
            Some(sort) => measure(b, sort).cmp(&measure(a, sort)),
        };
        by_measure.then_with(|| a.name.cmp(&b.name)).then_with(|| a.id.cmp(&b.id))
    });
}

/// A plain column at one path.
macro_rules! column {
    ($name:literal, $label:literal, $kind:ident) => {
        Column { name: $name, label: $label, paths: &[&[$name]], kind: ColumnKind::$kind, role: ColumnRole::Plain }
    };
}

const KEY_COLUMNS: &[Column] = &[
    column!("id", "ID", Text),
    column!("name", "Name", Text),
    column!("status", "Status", Text),
    column!("workspace", "Workspace", Text),
    column!("created_by", "Created by", Text),
    column!("created_at", "Created", Date),
    column!("last_used", "Last used", Date),
    column!("input_tokens", "Input tokens", Count),
    column!("cache_write_tokens", "Cache write tokens", Count),
    column!("cache_read_tokens", "Cache read tokens", Count),
    column!("output_tokens", "Output tokens", Count),
];

/// How an `ApiKeyActivity` result reads.
pub static PRESENTATION: Presentation = Presentation {
    noun: "API key activity",
    plural: "API key activity",
    identity: &[],
    details: &[],
    flags: &[],
    time: None,
    rows: None,
    breakdown: None,
    columns: &[
        column!("period", "Period", Text),
        column!("keys", "Keys", Count),
        column!("used_keys", "Used keys", Count),
        column!("unused_keys", "Unused active keys", Count),
        column!("keys_not_shown", "Keys not shown (top)", Count),
        Column {
            name: "total_tokens",
            label: "Tokens",
            paths: &[&["totals", "total_tokens"]],
            kind: ColumnKind::Count,
            role: ColumnRole::Plain,
        },
    ],
    summary: Some(
        "API key activity {period}: {used_keys} of {keys} keys used, {unused_keys} active keys unused (no row in the usage report); {total_tokens} tokens",
    ),
    sections: &[Section { title: "API keys", field: "api_keys", key_label: "", columns: KEY_COLUMNS }],
    names: &[],
};
