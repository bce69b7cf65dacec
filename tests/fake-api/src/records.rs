//! The fake organisation's records: resource objects (users, invites, workspaces,
//! members, API keys, rate limits) and report rows (usage, cost, Claude Code), each as the
//! API returns it. [`crate::dataset`] holds them and generates the demo organisation.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::dataset::{ApiObject, DEFAULT_ORGANIZATION_ID, DEFAULT_TIMESTAMP, SplitMix64, fnv1a, uuid_from};

/// One rate-limit group of the organization and its limiter values.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimit {
    /// The entry's id (`rl_…`), what a workspace override refers to.
    pub id: String,
    /// The group's id (`rlg_…`), the same in every organization.
    pub group_id: String,
    pub group_type: String,
    pub display_name: Option<String>,
    /// Models and aliases of a `model_group`; `None` for the other group types.
    pub models: Option<Vec<String>>,
    /// (limiter type, value), e.g. `("requests_per_minute", 4000)`.
    pub limits: Vec<(String, u64)>,
}

impl RateLimit {
    pub fn new(id: &str, group_type: &str, limits: &[(&str, u64)]) -> RateLimit {
        RateLimit {
            id: id.into(),
            group_id: format!("rlg_{}", id.trim_start_matches("rl_")),
            group_type: group_type.into(),
            display_name: None,
            models: None,
            limits: limits.iter().map(|(limiter, value)| ((*limiter).into(), *value)).collect(),
        }
    }

    pub fn model_group(id: &str, display_name: &str, models: &[&str], limits: &[(&str, u64)]) -> RateLimit {
        RateLimit {
            display_name: Some(display_name.into()),
            models: Some(models.iter().map(|model| (*model).into()).collect()),
            ..RateLimit::new(id, "model_group", limits)
        }
    }

    pub fn limit(&self, limiter: &str) -> Option<u64> {
        self.limits.iter().find(|(name, _)| name == limiter).map(|(_, value)| *value)
    }
}

/// The organization's rate-limit groups; the default is a standard table covering every
/// group type and the demo's models.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimits(pub Vec<RateLimit>);

impl Default for RateLimits {
    fn default() -> Self {
        let tokens = |rpm, input, output| {
            [("requests_per_minute", rpm), ("input_tokens_per_minute", input), ("output_tokens_per_minute", output)]
        };
        RateLimits(vec![
            RateLimit::model_group(
                "rl_sonnet",
                "Claude Sonnet 4.x",
                &["claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "claude-sonnet-4", "claude-sonnet-4-0"],
                &tokens(4_000, 2_000_000, 400_000),
            ),
            RateLimit::model_group(
                "rl_opus",
                "Claude Opus 4.x",
                &["claude-opus-4-5", "claude-opus-4-1", "claude-opus-4-1-20250805"],
                &tokens(4_000, 2_000_000, 400_000),
            ),
            RateLimit::model_group(
                "rl_haiku",
                "Claude Haiku 4.x",
                &["claude-haiku-4-5", "claude-haiku-4-5-20251001"],
                &tokens(4_000, 4_000_000, 800_000),
            ),
            RateLimit::new(
                "rl_batch",
                "batch",
                &[("requests_per_minute", 4_000), ("enqueued_batch_requests", 500_000)],
            ),
            RateLimit::new("rl_token_count", "token_count", &[("requests_per_minute", 8_000)]),
            RateLimit::new("rl_files", "files", &[("requests_per_minute", 1_000)]),
            RateLimit::new("rl_skills", "skills", &[("requests_per_minute", 500)]),
            RateLimit::new("rl_web_search", "web_search", &[("requests_per_minute", 300)]),
        ])
    }
}

/// A workspace's own values for some limiters of one organization group.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkspaceRateLimitOverride {
    pub workspace_id: String,
    /// The [`RateLimit::id`] it overrides.
    pub rate_limit_id: String,
    pub limits: Vec<(String, u64)>,
}

impl WorkspaceRateLimitOverride {
    pub fn new(workspace_id: &str, rate_limit_id: &str, limits: &[(&str, u64)]) -> WorkspaceRateLimitOverride {
        WorkspaceRateLimitOverride {
            workspace_id: workspace_id.into(),
            rate_limit_id: rate_limit_id.into(),
            limits: limits.iter().map(|(limiter, value)| ((*limiter).into(), *value)).collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
}

impl Default for Organization {
    fn default() -> Self {
        Organization { id: DEFAULT_ORGANIZATION_ID.into(), name: "Fake Org".into() }
    }
}

impl ApiObject for Organization {
    const OBJECT_TYPE: &'static str = "organization";
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub added_at: String,
}

impl User {
    pub fn new(id: &str, email: &str, name: &str, role: &str) -> User {
        User {
            id: id.into(),
            email: email.into(),
            name: name.into(),
            role: role.into(),
            added_at: DEFAULT_TIMESTAMP.into(),
        }
    }
}

impl ApiObject for User {
    const OBJECT_TYPE: &'static str = "user";
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Invite {
    pub id: String,
    pub email: String,
    pub role: String,
    pub status: String,
    pub invited_at: String,
    pub expires_at: String,
    pub accepted_at: Option<String>,
    pub rbac_group_ids: Vec<String>,
}

impl Invite {
    /// An invite sent on 2025-01-01 (expiring 21 days later); `accepted` ones carry `accepted_at`.
    pub fn new(id: &str, email: &str, role: &str, status: &str) -> Invite {
        Invite {
            id: id.into(),
            email: email.into(),
            role: role.into(),
            status: status.into(),
            invited_at: DEFAULT_TIMESTAMP.into(),
            expires_at: "2025-01-22T00:00:00Z".into(),
            accepted_at: (status == "accepted").then(|| "2025-01-02T00:00:00Z".into()),
            rbac_group_ids: Vec::new(),
        }
    }
}

impl ApiObject for Invite {
    const OBJECT_TYPE: &'static str = "invite";
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DataResidency {
    pub workspace_geo: String,
    pub default_inference_geo: String,
    /// Either the string `"unrestricted"` or an array of geos.
    pub allowed_inference_geos: Value,
}

impl Default for DataResidency {
    fn default() -> Self {
        DataResidency {
            workspace_geo: "us".into(),
            default_inference_geo: "global".into(),
            allowed_inference_geos: Value::from("unrestricted"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub display_color: String,
    pub created_at: String,
    pub archived_at: Option<String>,
    pub data_residency: DataResidency,
    pub compartment_id: String,
    pub external_key_id: Option<String>,
    pub tags: BTreeMap<String, String>,
}

impl Workspace {
    pub fn new(id: &str, name: &str) -> Workspace {
        Workspace {
            id: id.into(),
            name: name.into(),
            display_color: "#6C5BB9".into(),
            created_at: DEFAULT_TIMESTAMP.into(),
            archived_at: None,
            data_residency: DataResidency::default(),
            compartment_id: uuid_from(&mut SplitMix64(fnv1a(id.as_bytes()))),
            external_key_id: None,
            tags: BTreeMap::new(),
        }
    }

    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

impl ApiObject for Workspace {
    const OBJECT_TYPE: &'static str = "workspace";
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkspaceMember {
    pub user_id: String,
    pub workspace_id: String,
    pub workspace_role: String,
}

impl WorkspaceMember {
    pub fn new(workspace_id: &str, user_id: &str, role: &str) -> WorkspaceMember {
        WorkspaceMember { user_id: user_id.into(), workspace_id: workspace_id.into(), workspace_role: role.into() }
    }
}

impl ApiObject for WorkspaceMember {
    const OBJECT_TYPE: &'static str = "workspace_member";
}

/// `created_by` / `principal` of an API key: `{id, type}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyActor {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub status: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub partial_key_hint: Option<String>,
    pub created_by: Option<KeyActor>,
    pub workspace_id: Option<String>,
    pub principal: Option<KeyActor>,
}

impl ApiKey {
    pub fn new(
        id: &str,
        name: &str,
        status: &str,
        workspace_id: Option<&str>,
        created_by_user_id: Option<&str>,
    ) -> ApiKey {
        let creator = created_by_user_id.map(|user_id| KeyActor { id: user_id.into(), kind: "user".into() });
        let tail: String = id.chars().rev().take(4).collect();
        ApiKey {
            id: id.into(),
            name: name.into(),
            status: status.into(),
            created_at: DEFAULT_TIMESTAMP.into(),
            expires_at: None,
            partial_key_hint: Some(format!("sk-ant-api03-Fk9...{tail}")),
            created_by: creator.clone(),
            workspace_id: workspace_id.map(Into::into),
            principal: creator,
        }
    }
}

impl ApiObject for ApiKey {
    const OBJECT_TYPE: &'static str = "api_key";
}

/// One day of token usage for one combination of dimensions; `None` dimensions stay null when grouped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UsageRow {
    pub date: String,
    pub model: String,
    pub workspace_id: Option<String>,
    pub api_key_id: Option<String>,
    pub service_tier: Option<String>,
    pub context_window: Option<String>,
    pub inference_geo: Option<String>,
    pub account_id: Option<String>,
    pub service_account_id: Option<String>,
    pub speed: Option<String>,
    pub uncached_input_tokens: u64,
    pub cache_creation_1h_input_tokens: u64,
    pub cache_creation_5m_input_tokens: u64,
    pub cache_read_input_tokens: u64,
    pub output_tokens: u64,
    pub web_search_requests: u64,
    /// API requests behind the row (reported by the analytics endpoints only).
    pub requests: u64,
}

impl UsageRow {
    /// A standard-tier, `0-200k`, `global` row with zero tokens.
    pub fn new(date: &str, model: &str) -> UsageRow {
        UsageRow {
            date: date.into(),
            model: model.into(),
            service_tier: Some("standard".into()),
            context_window: Some("0-200k".into()),
            inference_geo: Some("global".into()),
            ..UsageRow::default()
        }
    }
}

/// One day of cost; `amount` is a decimal string in cents, summed exactly by the fake.
#[derive(Clone, Debug, PartialEq)]
pub struct CostRow {
    pub date: String,
    pub amount: String,
    pub currency: String,
    pub workspace_id: Option<String>,
    pub description: String,
    pub cost_type: String,
    pub model: Option<String>,
    pub token_type: Option<String>,
    pub service_tier: Option<String>,
    pub context_window: Option<String>,
    pub inference_geo: Option<String>,
}

impl Default for CostRow {
    fn default() -> Self {
        CostRow {
            date: String::new(),
            amount: "0".into(),
            currency: "USD".into(),
            workspace_id: None,
            description: String::new(),
            cost_type: "tokens".into(),
            model: None,
            token_type: None,
            service_tier: None,
            context_window: None,
            inference_geo: None,
        }
    }
}

impl CostRow {
    pub fn new(date: &str, amount: &str, cost_type: &str, description: &str) -> CostRow {
        CostRow {
            date: date.into(),
            amount: amount.into(),
            cost_type: cost_type.into(),
            description: description.into(),
            ..CostRow::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClaudeCodeActor {
    User { email_address: String },
    Api { api_key_name: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ToolActionCount {
    pub tool: String,
    pub accepted: u64,
    pub rejected: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ModelUsage {
    pub model: String,
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_creation: u64,
    pub cost_cents: f64,
}

/// Builder for one Claude Code report record; `to_json` gives the API's JSON object.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaudeCodeRecord {
    /// `YYYY-MM-DD` (rendered as midnight UTC) or a full timestamp kept verbatim.
    pub date: String,
    pub actor: ClaudeCodeActor,
    pub organization_id: String,
    pub customer_type: String,
    pub subscription_type: Option<String>,
    pub terminal_type: String,
    pub is_remote: bool,
    pub num_sessions: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub commits: u64,
    pub pull_requests: u64,
    pub tool_actions: Vec<ToolActionCount>,
    pub model_breakdown: Vec<ModelUsage>,
}

impl ClaudeCodeRecord {
    pub(crate) fn with_actor(date: &str, actor: ClaudeCodeActor) -> ClaudeCodeRecord {
        ClaudeCodeRecord {
            date: date.into(),
            actor,
            organization_id: DEFAULT_ORGANIZATION_ID.into(),
            customer_type: "api".into(),
            subscription_type: None,
            terminal_type: "vscode".into(),
            is_remote: false,
            num_sessions: 0,
            lines_added: 0,
            lines_removed: 0,
            commits: 0,
            pull_requests: 0,
            tool_actions: Vec::new(),
            model_breakdown: Vec::new(),
        }
    }

    pub fn user(date: &str, email: &str) -> ClaudeCodeRecord {
        Self::with_actor(date, ClaudeCodeActor::User { email_address: email.into() })
    }

    pub fn api(date: &str, key_name: &str) -> ClaudeCodeRecord {
        Self::with_actor(date, ClaudeCodeActor::Api { api_key_name: key_name.into() })
    }

    pub fn organization(mut self, organization_id: &str) -> Self {
        self.organization_id = organization_id.into();
        self
    }

    pub fn sessions(mut self, sessions: u64) -> Self {
        self.num_sessions = sessions;
        self
    }

    pub fn lines(mut self, added: u64, removed: u64) -> Self {
        self.lines_added = added;
        self.lines_removed = removed;
        self
    }

    pub fn commits(mut self, commits: u64) -> Self {
        self.commits = commits;
        self
    }

    pub fn pull_requests(mut self, pull_requests: u64) -> Self {
        self.pull_requests = pull_requests;
        self
    }

    /// Adds to the counts of `tool` (the same tool given twice accumulates).
    pub fn tool_action(mut self, tool: &str, accepted: u64, rejected: u64) -> Self {
        match self.tool_actions.iter_mut().find(|count| count.tool == tool) {
            Some(count) => {
                count.accepted += accepted;
                count.rejected += rejected;
            }
            None => self.tool_actions.push(ToolActionCount { tool: tool.into(), accepted, rejected }),
        }
        self
    }

    pub fn model_cost(
        mut self,
        model: &str,
        input: u64,
        output: u64,
        cache_read: u64,
        cache_creation: u64,
        cost_cents: f64,
    ) -> Self {
        self.model_breakdown.push(ModelUsage {
            model: model.into(),
            input,
            output,
            cache_read,
            cache_creation,
            cost_cents,
        });
        self
    }

    pub fn terminal(mut self, terminal_type: &str) -> Self {
        self.terminal_type = terminal_type.into();
        self
    }

    pub fn remote(mut self, is_remote: bool) -> Self {
        self.is_remote = is_remote;
        self
    }

    pub fn to_json(&self) -> Value {
        let date = match self.date.len() {
            10 => format!("{}T00:00:00Z", self.date),
            _ => self.date.clone(),
        };
        let actor = match &self.actor {
            ClaudeCodeActor::User { email_address } => {
                json!({ "type": "user_actor", "email_address": email_address })
            }
            ClaudeCodeActor::Api { api_key_name } => {
                json!({ "type": "api_actor", "api_key_name": api_key_name })
            }
        };
        let tool_actions: Map<String, Value> = self
            .tool_actions
            .iter()
            .map(|count| {
                let counts = json!({ "accepted": count.accepted, "rejected": count.rejected });
                (count.tool.clone(), counts)
            })
            .collect();
        let model_breakdown: Vec<Value> = self
            .model_breakdown
            .iter()
            .map(|usage| {
                json!({
                    "model": usage.model,
                    "tokens": {
                        "input": usage.input,
                        "output": usage.output,
                        "cache_read": usage.cache_read,
                        "cache_creation": usage.cache_creation,
                    },
                    "estimated_cost": { "currency": "USD", "amount": cents_number(usage.cost_cents) },
                })
            })
            .collect();
        json!({
            "date": date,
            "actor": actor,
            "organization_id": self.organization_id,
            "customer_type": self.customer_type,
            "subscription_type": self.subscription_type,
            "terminal_type": self.terminal_type,
            "is_remote": self.is_remote,
            "core_metrics": {
                "num_sessions": self.num_sessions,
                "lines_of_code": { "added": self.lines_added, "removed": self.lines_removed },
                "commits_by_claude_code": self.commits,
                "pull_requests_by_claude_code": self.pull_requests,
            },
            "tool_actions": tool_actions,
            "model_breakdown": model_breakdown,
        })
    }
}

/// Whole cents as a JSON integer (like the API's examples), fractional cents as a float.
fn cents_number(cents: f64) -> Value {
    let whole = cents as i64;
    if whole as f64 == cents { Value::from(whole) } else { Value::from(cents) }
}
