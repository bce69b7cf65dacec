//! The fake organisation's data model (resource objects and report rows), their builders, and the seeded demo generator.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::query::{SECONDS_PER_DAY, format_day, format_timestamp, parse_day};
pub use crate::records::*;

/// Organization id of [`Dataset::empty`], also the default `organization_id` of Claude Code records.
pub const DEFAULT_ORGANIZATION_ID: &str = "6f1c3d2e-8a4b-4c5d-9e7f-0a1b2c3d4e5f";
pub(crate) const DEFAULT_TIMESTAMP: &str = "2025-01-01T00:00:00Z";

/// A resource object as the API returns it: its serde fields plus a constant `type`.
pub trait ApiObject: Serialize {
    const OBJECT_TYPE: &'static str;

    fn to_api_json(&self) -> Value {
        let fields = match serde_json::to_value(self) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        let mut object = Map::new();
        if let Some(id) = fields.get("id") {
            object.insert("id".into(), id.clone());
        }
        object.insert("type".into(), Value::from(Self::OBJECT_TYPE));
        object.extend(fields.into_iter().filter(|(name, _)| name != "id"));
        Value::Object(object)
    }
}

/// The whole live state of the fake organisation.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub organization: Organization,
    pub users: Vec<User>,
    pub invites: Vec<Invite>,
    pub workspaces: Vec<Workspace>,
    pub members: Vec<WorkspaceMember>,
    pub api_keys: Vec<ApiKey>,
    pub usage: Vec<UsageRow>,
    pub costs: Vec<CostRow>,
    /// ClaudeCodeRecord JSON objects exactly as the API returns them.
    pub claude_code: Vec<Value>,
    /// The organization's rate-limit groups (a standard table unless a test replaces it).
    pub rate_limits: RateLimits,
    /// Workspaces' overrides of the organization's limits.
    pub workspace_rate_limits: Vec<WorkspaceRateLimitOverride>,
}

/// Tiny deterministic PRNG (SplitMix64), so the demo needs no `rand` crate.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next() % bound }
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low) + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn index(&mut self, length: usize) -> usize {
        self.below(length as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let index = self.index(items.len());
        items.get(index).copied().unwrap_or_default()
    }

    fn token(&mut self, length: usize) -> String {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        (0..length).map(|_| char::from(ALPHABET[self.index(ALPHABET.len())])).collect()
    }

    fn id(&mut self, prefix: &str) -> String {
        format!("{prefix}_01{}", self.token(22))
    }

    /// A random time of day on `day` (days since the epoch).
    fn timestamp_on(&mut self, day: i64) -> String {
        let seconds = day * SECONDS_PER_DAY + self.below(SECONDS_PER_DAY as u64) as i64;
        format_timestamp(seconds, self.below(1_000_000) as u32)
    }

    /// A random time between `min_days_ago` and `max_days_ago` days before `end_day`.
    fn timestamp_within(&mut self, end_day: i64, min_days_ago: u64, max_days_ago: u64) -> String {
        let days_ago = self.between(min_days_ago, max_days_ago) as i64;
        self.timestamp_on(end_day - days_ago)
    }
}

pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

pub(crate) fn uuid_from(rng: &mut SplitMix64) -> String {
    let hex = format!("{:016x}{:016x}", rng.next(), rng.next());
    format!("{}-{}-4{}-a{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

const FIRST_NAMES: [&str; 24] = [
    "ana", "bo", "chen", "dara", "elif", "femi", "gus", "hana", "ivan", "jade", "kofi", "lena", "mateo", "nora",
    "omar", "priya", "quinn", "rosa", "sami", "tara", "uma", "vik", "wen", "yuki",
];
const LAST_NAMES: [&str; 20] = [
    "alvarez", "brown", "costa", "dubois", "eriksen", "fischer", "garcia", "haddad", "ito", "jensen", "kim", "lopez",
    "mensah", "novak", "okafor", "park", "rossi", "singh", "tanaka", "weber",
];
const FIXED_ROLES: [&str; 7] = ["admin", "admin", "managed", "billing", "user", "claude_code_user", "developer"];
const WRITABLE_ROLES: [&str; 4] = ["user", "developer", "billing", "claude_code_user"];
const WORKSPACE_NAMES: [&str; 6] =
    ["Production", "Staging", "Research", "Data Platform", "Support Bots", "Legacy Sandbox"];
const COLORS: [&str; 6] = ["#6C5BB9", "#D97757", "#2F8F83", "#C2A633", "#4A78C2", "#9A9A9A"];
const WORKSPACE_ROLES: [&str; 4] =
    ["workspace_user", "workspace_developer", "workspace_restricted_developer", "workspace_admin"];
const KEY_NAMES: [&str; 8] = [
    "ci-runner",
    "prod-backend",
    "data-pipeline",
    "eval-harness",
    "support-bot",
    "notebook",
    "staging-api",
    "claude-code-ci",
];
/// (model id, cost description label, input price in cents per million tokens).
const MODELS: [(&str, &str, u64); 5] = [
    ("claude-sonnet-4-5", "Claude Sonnet 4.5", 300),
    ("claude-opus-4-1", "Claude Opus 4.1", 1500),
    ("claude-haiku-4-5", "Claude Haiku 4.5", 100),
    ("claude-sonnet-4", "Claude Sonnet 4", 300),
    ("claude-opus-4-5", "Claude Opus 4.5", 500),
];
const TERMINALS: [&str; 7] = ["vscode", "iTerm.app", "tmux", "cursor", "ghostty", "Apple_Terminal", "WarpTerminal"];
const TOOLS: [(&str, u64); 4] =
    [("edit_tool", 85), ("multi_edit_tool", 40), ("write_tool", 55), ("notebook_edit_tool", 5)];
const API_ACTORS: [&str; 2] = ["claude-code-ci", "pr-review-bot"];

impl Dataset {
    /// No users or data; organization "Fake Org" with [`DEFAULT_ORGANIZATION_ID`].
    pub fn empty() -> Dataset {
        Dataset::default()
    }

    /// A realistic organisation with `days` days of report data ending at `end_date` (inclusive), deterministic for `seed`.
    pub fn demo(seed: u64, days: u32, end_date: &str) -> Dataset {
        let end_day = parse_day(end_date).expect("Dataset::demo: end_date must be YYYY-MM-DD");
        let mut rng = SplitMix64(seed ^ 0x5EED_0FFA_4EAD_3100);
        let mut dataset = demo_objects(&mut rng, end_day, DEMO_SEATS);
        let base = dataset.clone();
        for day in end_day - i64::from(days) + 1..=end_day {
            demo_usage_and_costs(&mut rng, &base, &mut dataset, day);
            demo_claude_code(&mut rng, &base, &mut dataset, day);
        }
        dataset
    }

    /// The organisation of [`Dataset::demo`] (the same users, invites, workspaces, members
    /// and API keys) with no report data yet: [`DemoDays`] makes each day's usage, cost and
    /// Claude Code rows when a request first covers it (each day from its own seed, so
    /// the data does not depend on the order days are asked for). A year of reports then
    /// costs nothing until it is read. Serve it with [`crate::FakeAdminApi::start_on_demand`].
    pub fn demo_on_demand(seed: u64, days: u32, end_date: &str) -> (Dataset, DemoDays) {
        Dataset::demo_on_demand_sized(seed, DEMO_SEATS, days, end_date)
    }

    /// [`Dataset::demo_on_demand`] with `seats` users instead of 60 (for scale benchmarks).
    pub fn demo_on_demand_sized(seed: u64, seats: usize, days: u32, end_date: &str) -> (Dataset, DemoDays) {
        let end_day = parse_day(end_date).expect("Dataset::demo_on_demand: end_date must be YYYY-MM-DD");
        let mut rng = SplitMix64(seed ^ 0x5EED_0FFA_4EAD_3100);
        let dataset = demo_objects(&mut rng, end_day, seats);
        let first_day = end_day - i64::from(days) + 1;
        let days =
            DemoDays { seed, first_day, made: vec![false; usize::try_from(days).unwrap_or(0)], base: dataset.clone() };
        (dataset, days)
    }
}

/// The report days of a [`Dataset::demo_on_demand`] organisation not made yet.
#[derive(Clone, Debug)]
pub struct DemoDays {
    seed: u64,
    first_day: i64,
    /// Per day from `first_day`: made already.
    made: Vec<bool>,
    /// The organisation as it was at the start: days made later do not see later changes.
    base: Dataset,
}

impl DemoDays {
    /// Adds the report rows of the days in `days` (days since the epoch) that are in the
    /// demo's range and not made yet.
    pub fn fill(&mut self, dataset: &mut Dataset, days: std::ops::Range<i64>) {
        let last_day = self.first_day + self.made.len() as i64;
        for day in days.start.max(self.first_day)..days.end.min(last_day) {
            let index = (day - self.first_day) as usize;
            if self.made[index] {
                continue;
            }
            self.made[index] = true;
            let mut rng =
                SplitMix64(self.seed ^ 0xDA75_0FDE_3000_0000 ^ (day as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            demo_usage_and_costs(&mut rng, &self.base, dataset, day);
            demo_claude_code(&mut rng, &self.base, dataset, day);
        }
    }

    /// Makes every day not made yet.
    pub fn fill_all(&mut self, dataset: &mut Dataset) {
        let last_day = self.first_day + self.made.len() as i64;
        self.fill(dataset, self.first_day..last_day);
    }

    /// Days made so far.
    pub fn made(&self) -> usize {
        self.made.iter().filter(|made| **made).count()
    }
}

/// The organisation's objects, without report data.
/// Users of the demo organization.
const DEMO_SEATS: usize = 60;

fn demo_objects(rng: &mut SplitMix64, end_day: i64, seats: usize) -> Dataset {
    let organization =
        Organization { id: uuid_from(rng), name: format!("{} Labs", capitalized(rng.pick(&LAST_NAMES))) };
    let users = demo_users(rng, end_day, seats);
    let invites = demo_invites(rng, end_day);
    let workspaces = demo_workspaces(rng, end_day);
    let members = demo_members(rng, &users, &workspaces);
    let api_keys = demo_api_keys(rng, end_day, &users, &workspaces);
    let workspace_rate_limits = demo_workspace_rate_limits(&workspaces);
    Dataset { organization, users, invites, workspaces, members, api_keys, workspace_rate_limits, ..Dataset::default() }
}

/// Lower limits for the first two workspaces (Production keeps headroom for others).
fn demo_workspace_rate_limits(workspaces: &[Workspace]) -> Vec<WorkspaceRateLimitOverride> {
    let mut overrides = Vec::new();
    if let Some(first) = workspaces.first() {
        overrides.push(WorkspaceRateLimitOverride::new(
            &first.id,
            "rl_sonnet",
            &[("requests_per_minute", 2_000), ("input_tokens_per_minute", 1_000_000)],
        ));
    }
    if let Some(second) = workspaces.get(1) {
        overrides.push(WorkspaceRateLimitOverride::new(&second.id, "rl_batch", &[("enqueued_batch_requests", 50_000)]));
        overrides.push(WorkspaceRateLimitOverride::new(
            &second.id,
            "rl_opus",
            &[("output_tokens_per_minute", 100_000)],
        ));
    }
    overrides
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn demo_users(rng: &mut SplitMix64, end_day: i64, seats: usize) -> Vec<User> {
    let mut emails = BTreeSet::new();
    (0..seats)
        .map(|index| {
            let first = FIRST_NAMES[index % FIRST_NAMES.len()];
            let last = LAST_NAMES[(index * 7 + rng.index(3)) % LAST_NAMES.len()];
            let mut email = format!("{first}.{last}@example-corp.io");
            let mut suffix = 2;
            while !emails.insert(email.clone()) {
                email = format!("{first}.{last}{suffix}@example-corp.io");
                suffix += 1;
            }
            let role = match (FIXED_ROLES.get(index), rng.below(100)) {
                (Some(role), _) => role,
                (None, 0..45) => "developer",
                (None, 45..70) => "claude_code_user",
                (None, 70..93) => "user",
                (None, 93..98) => "billing",
                (None, _) => "admin",
            };
            User {
                id: rng.id("user"),
                email,
                name: format!("{} {}", capitalized(first), capitalized(last)),
                role: role.into(),
                added_at: rng.timestamp_within(end_day, 30, 700),
            }
        })
        .collect()
}

fn demo_invites(rng: &mut SplitMix64, end_day: i64) -> Vec<Invite> {
    let statuses = ["pending", "accepted", "expired", "pending", "accepted", "pending", "expired", "pending"];
    statuses
        .iter()
        .enumerate()
        .map(|(index, &status)| {
            let days_ago = match status {
                "pending" => rng.between(1, 15),
                "accepted" => rng.between(25, 200),
                _ => rng.between(30, 300),
            };
            let invited_seconds = (end_day - days_ago as i64) * SECONDS_PER_DAY;
            let stamp =
                |offset_days: i64| format_timestamp(invited_seconds + offset_days * SECONDS_PER_DAY + 36_000, 0);
            let accepted_at = (status == "accepted").then(|| stamp(rng.between(1, 5) as i64));
            Invite {
                id: rng.id("invite"),
                email: format!("{}.new{index}@contractor.example", rng.pick(&FIRST_NAMES)),
                role: rng.pick(&WRITABLE_ROLES).into(),
                status: status.into(),
                invited_at: stamp(0),
                expires_at: stamp(21),
                accepted_at,
                rbac_group_ids: Vec::new(),
            }
        })
        .collect()
}

fn demo_workspaces(rng: &mut SplitMix64, end_day: i64) -> Vec<Workspace> {
    WORKSPACE_NAMES
        .iter()
        .zip(COLORS)
        .enumerate()
        .map(|(index, (&name, color))| {
            let mut workspace = Workspace::new(&rng.id("wrkspc"), name);
            workspace.display_color = color.into();
            workspace.created_at = rng.timestamp_within(end_day, 100, 700);
            workspace.tags.insert("team".into(), name.to_lowercase().replace(' ', "-"));
            if index == 2 {
                workspace.data_residency.default_inference_geo = "us".into();
                workspace.data_residency.allowed_inference_geos = json!(["us"]);
            }
            if index == WORKSPACE_NAMES.len() - 1 {
                workspace.archived_at = Some(rng.timestamp_within(end_day, 5, 60));
            }
            workspace
        })
        .collect()
}

fn demo_members(rng: &mut SplitMix64, users: &[User], workspaces: &[Workspace]) -> Vec<WorkspaceMember> {
    let mut members = Vec::new();
    for workspace in workspaces {
        for user in users {
            if rng.chance(25) {
                let role = rng.pick(&WORKSPACE_ROLES);
                members.push(WorkspaceMember::new(&workspace.id, &user.id, role));
            }
        }
    }
    members
}

fn demo_api_keys(rng: &mut SplitMix64, end_day: i64, users: &[User], workspaces: &[Workspace]) -> Vec<ApiKey> {
    let creators: Vec<&str> = users
        .iter()
        .filter(|user| matches!(user.role.as_str(), "admin" | "developer"))
        .map(|user| user.id.as_str())
        .collect();
    (0..25)
        .map(|index| {
            let workspace = match rng.chance(20) {
                true => None,
                false => workspaces.get(rng.index(workspaces.len())),
            };
            let status = match (workspace.is_some_and(Workspace::is_archived), index % 8) {
                (true, _) | (false, 5) => "archived",
                (false, 0) => "inactive",
                (false, 3) => "expired",
                _ => "active",
            };
            let creator = match rng.chance(10) {
                true => None,
                false => creators.get(rng.index(creators.len())).copied(),
            };
            let key_name = format!("{}-{}", rng.pick(&KEY_NAMES), index + 1);
            let id = rng.id("apikey");
            let mut key = ApiKey::new(&id, &key_name, status, workspace.map(|w| w.id.as_str()), creator);
            key.created_at = rng.timestamp_within(end_day, 40, 600);
            key.partial_key_hint = Some(format!("sk-ant-api03-{}...{}", rng.token(3), rng.token(4)));
            key.expires_at = match status {
                "expired" => Some(rng.timestamp_within(end_day, 1, 30)),
                "active" if rng.chance(30) => Some(rng.timestamp_within(end_day + 365, 0, 335)),
                _ => None,
            };
            key
        })
        .collect()
}

/// Formats an amount counted in 1e-5 cents as a decimal string of cents with 5 fractional digits.
fn cents_from_hundred_thousandths(units: u64) -> String {
    format!("{}.{:05}", units / 100_000, units % 100_000)
}

fn demo_usage_and_costs(rng: &mut SplitMix64, base: &Dataset, dataset: &mut Dataset, day: i64) {
    let date = format_day(day);
    let workspace_ids: Vec<String> = base
        .workspaces
        .iter()
        .filter(|workspace| !workspace.is_archived())
        .take(2)
        .map(|workspace| workspace.id.clone())
        .collect();
    let model_count = rng.between(2, 4) as usize;
    let first_model = rng.index(MODELS.len());
    for model_index in 0..model_count {
        let (model, label, input_price) = MODELS[(first_model + model_index) % MODELS.len()];
        for workspace_id in &workspace_ids {
            let api_key_id = base
                .api_keys
                .iter()
                .find(|key| key.workspace_id.as_ref() == Some(workspace_id))
                .map(|key| key.id.clone());
            let mut row = UsageRow::new(&date, model);
            row.workspace_id = Some(workspace_id.clone());
            row.api_key_id = api_key_id;
            row.service_tier = Some(if rng.chance(15) { "batch" } else { "standard" }.into());
            row.context_window = Some(if rng.chance(10) { "200k-1M" } else { "0-200k" }.into());
            row.inference_geo = Some(rng.pick(&["global", "us", "not_available"]).into());
            row.uncached_input_tokens = rng.between(20_000, 2_000_000);
            row.output_tokens = rng.between(5_000, 400_000);
            row.cache_read_input_tokens = rng.between(0, 3_000_000);
            row.cache_creation_5m_input_tokens = rng.between(0, 200_000);
            row.cache_creation_1h_input_tokens = rng.between(0, 50_000);
            row.web_search_requests = rng.below(40);
            row.requests = (row.output_tokens / 800).max(1);
            let token_costs = [
                ("uncached_input_tokens", "Input Tokens", row.uncached_input_tokens, input_price),
                ("output_tokens", "Output Tokens", row.output_tokens, input_price * 5),
                ("cache_read_input_tokens", "Cache Read", row.cache_read_input_tokens, input_price / 10),
                (
                    "cache_creation.ephemeral_5m_input_tokens",
                    "Cache Write 5m",
                    row.cache_creation_5m_input_tokens,
                    input_price * 5 / 4,
                ),
            ];
            for (token_type, kind, tokens, cents_per_million) in token_costs {
                dataset.costs.push(CostRow {
                    date: date.clone(),
                    amount: cents_from_hundred_thousandths(tokens * cents_per_million / 10),
                    workspace_id: Some(workspace_id.clone()),
                    description: format!("{label} Usage - {kind}"),
                    model: Some(model.into()),
                    token_type: Some(token_type.into()),
                    service_tier: row.service_tier.clone(),
                    context_window: row.context_window.clone(),
                    inference_geo: row.inference_geo.clone(),
                    ..CostRow::default()
                });
            }
            if row.web_search_requests > 0 {
                let amount = cents_from_hundred_thousandths(row.web_search_requests * 100_000);
                let mut cost = CostRow::new(&date, &amount, "web_search", "Web Search Usage");
                cost.workspace_id = Some(workspace_id.clone());
                dataset.costs.push(cost);
            }
            dataset.usage.push(row);
        }
    }
    for workspace_id in &workspace_ids {
        if rng.chance(40) {
            let amount = cents_from_hundred_thousandths(rng.between(1_000, 9_000_000));
            let mut cost = CostRow::new(&date, &amount, "code_execution", "Code Execution Usage");
            cost.workspace_id = Some(workspace_id.clone());
            dataset.costs.push(cost);
        }
    }
    if rng.chance(20) {
        let amount = cents_from_hundred_thousandths(rng.between(10_000, 30_000_000));
        dataset.costs.push(CostRow::new(&date, &amount, "session_usage", "Managed Agents Session Usage"));
    }
}

fn demo_claude_code(rng: &mut SplitMix64, base: &Dataset, dataset: &mut Dataset, day: i64) {
    if rng.chance(12) {
        return;
    }
    let date = format_day(day);
    let participation = rng.between(15, 65);
    let mut actors: Vec<ClaudeCodeActor> = base
        .users
        .iter()
        .filter(|user| user.role != "billing" && rng.chance(participation))
        .map(|user| ClaudeCodeActor::User { email_address: user.email.clone() })
        .collect();
    for name in API_ACTORS {
        if rng.chance(50) {
            actors.push(ClaudeCodeActor::Api { api_key_name: name.into() });
        }
    }
    for actor in actors {
        let rows = if rng.chance(10) { 2 } else { 1 };
        for row in 0..rows {
            let mut record = ClaudeCodeRecord::with_actor(&date, actor.clone())
                .organization(&base.organization.id)
                .terminal(rng.pick(&TERMINALS))
                .remote(row == 1)
                .sessions(rng.between(1, 6));
            let added = rng.between(0, 800);
            record = record
                .lines(added, rng.between(0, added / 2))
                .commits(rng.between(0, 5))
                .pull_requests(rng.between(0, 2));
            for (tool, percent) in TOOLS {
                if rng.chance(percent) {
                    let accepted = rng.between(0, 40);
                    record = record.tool_action(tool, accepted, rng.between(0, accepted / 4 + 1));
                }
            }
            for _ in 0..rng.between(1, 2) {
                let (model, _, _) = MODELS[rng.index(3)];
                let cents = rng.between(5, 90_000) as f64 / 100.0;
                let (input, output) = (rng.between(1_000, 400_000), rng.between(500, 80_000));
                let (read, creation) = (rng.between(0, 900_000), rng.between(0, 60_000));
                record = record.model_cost(model, input, output, read, creation, cents);
            }
            dataset.claude_code.push(record.to_json());
        }
    }
}
