//! Least privilege: which tools the server exposes (`--read-only`, `--tools`) and
//! which writes it refuses before sending anything (`--workspaces`, `--max-role`).
//!
//! The spec says which argument names a write's workspace and which carries an
//! organization role being granted (`guards`), which writes change the organization as
//! a whole (`scope: organization`), and how roles rank (`org_roles`); this module
//! applies the operator's limits to them.

use std::collections::BTreeSet;
use std::fmt;

use crate::generated::ORG_ROLES;
use crate::generated::tools::TOOL_PREFIX;
use crate::runtime::{JsonObject, ToolDefinition};

/// The word `--workspaces` takes for the Default Workspace, which has no ID: an object
/// whose workspace is null belongs to it.
pub const DEFAULT_WORKSPACE: &str = "default";

/// The operator's limits. The default limits nothing.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    read_only: bool,
    tools: Option<Vec<Pattern>>,
    workspaces: Option<BTreeSet<String>>,
    /// Under `--workspaces`, organization-level writes are refused unless this is set.
    organization_writes: bool,
    max_role: Option<usize>,
}

/// A bad limit given at startup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

/// Why a tool call was refused; nothing was sent upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tool-name pattern: `*` matches any run of characters. A pattern without the
/// `claude_code_` prefix also matches the prefixed name (`list_*`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern(String);

impl Pattern {
    fn matches(&self, name: &str) -> bool {
        glob(&self.0, name) || name.strip_prefix(TOOL_PREFIX).is_some_and(|short| glob(&self.0, short))
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(mut remaining) = text.strip_prefix(head) else { return false };
            loop {
                if glob(rest, remaining) {
                    return true;
                }
                let mut chars = remaining.chars();
                if chars.next().is_none() {
                    return false;
                }
                remaining = chars.as_str();
            }
        }
    }
}

fn list(values: &str) -> impl Iterator<Item = &str> {
    values.split(',').map(str::trim).filter(|v| !v.is_empty())
}

impl Policy {
    /// Exposes only tools the spec marks read-only.
    #[must_use]
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Exposes only tools matching one of the comma-separated patterns; a pattern
    /// that matches no tool is an error (a typo would silently hide tools).
    pub fn tools(mut self, patterns: &str, all: &[ToolDefinition]) -> Result<Self, PolicyError> {
        let patterns: Vec<Pattern> = list(patterns).map(|p| Pattern(p.to_string())).collect();
        if patterns.is_empty() {
            return Err(PolicyError("--tools needs at least one pattern, e.g. --tools 'list_*,get_*'".into()));
        }
        if let Some(unused) = patterns.iter().find(|p| !all.iter().any(|t| p.matches(t.name))) {
            let names: Vec<&str> = all.iter().map(|t| t.name).collect();
            return Err(PolicyError(format!(
                "--tools pattern `{}` matches no tool; the tools are: {}",
                unused.0,
                names.join(", ")
            )));
        }
        self.tools = Some(patterns);
        Ok(self)
    }

    /// Confines every write that targets a workspace to these workspace IDs; the word
    /// [`DEFAULT_WORKSPACE`] allows the Default Workspace (a target with no workspace ID).
    pub fn workspaces(mut self, ids: &str) -> Result<Self, PolicyError> {
        let ids: BTreeSet<String> = list(ids).map(str::to_string).collect();
        if ids.is_empty() {
            return Err(PolicyError("--workspaces needs at least one workspace ID (wrkspc_...)".into()));
        }
        if let Some(bad) = ids.iter().find(|id| crate::runtime::check::id("--workspaces", id).is_err()) {
            return Err(PolicyError(format!("--workspaces: `{bad}` is not a workspace ID (wrkspc_...)")));
        }
        self.workspaces = Some(ids);
        Ok(self)
    }

    /// Under [`Policy::workspaces`], also allows the writes the spec declares
    /// organization-level (`scope: organization`: invites, organization roles, creating a
    /// workspace), which `--workspaces` otherwise refuses.
    #[must_use]
    pub fn allow_organization_writes(mut self, allow: bool) -> Self {
        self.organization_writes = allow;
        self
    }

    /// Refuses to invite or promote anyone above `role` (see the spec's `org_roles`).
    pub fn max_role(mut self, role: &str) -> Result<Self, PolicyError> {
        let rank = ORG_ROLES.iter().position(|r| *r == role.trim()).ok_or_else(|| {
            PolicyError(format!(
                "--max-role `{role}` is not an organization role; use one of: {}",
                ORG_ROLES.join(", ")
            ))
        })?;
        self.max_role = Some(rank);
        Ok(self)
    }

    /// Whether the tool is listed and callable.
    pub fn exposes(&self, tool: &ToolDefinition) -> bool {
        (!self.read_only || tool.annotations.read_only)
            && self.tools.as_ref().is_none_or(|patterns| patterns.iter().any(|p| p.matches(tool.name)))
    }

    /// Why an unexposed tool cannot be called.
    pub fn hidden_reason(&self, tool: &ToolDefinition) -> String {
        if self.read_only && !tool.annotations.read_only {
            format!("tool `{}` changes the organization and this server runs with --read-only", tool.name)
        } else {
            format!("tool `{}` is not enabled on this server (see its --tools option)", tool.name)
        }
    }

    /// Whether `--workspaces` is set.
    pub fn confines_workspaces(&self) -> bool {
        self.workspaces.is_some()
    }

    /// Checks what a write touches against `--workspaces`: an organization-level write
    /// changes no workspace, so a server confined to workspaces refuses it unless the
    /// operator allows organization-level writes too.
    pub fn check_scope(&self, tool: &ToolDefinition) -> Result<(), Refusal> {
        match &self.workspaces {
            Some(allowed) if tool.organization_write && !self.organization_writes => Err(Refusal(format!(
                "refused: {} changes the organization as a whole, not a workspace, and this server may change only workspaces {} (--workspaces); nothing was sent. To allow organization-level writes as well, start it with --allow-organization-writes",
                tool.name,
                join(allowed)
            ))),
            _ => Ok(()),
        }
    }

    /// Checks a call's arguments against `--workspaces` and `--max-role`; `granted_role`
    /// is the role as decoded (aliases resolved). Fails closed: a role `--max-role` does
    /// not rank, or cannot read, is refused.
    pub fn check_call(
        &self,
        tool: &ToolDefinition,
        arguments: &JsonObject,
        granted_role: Option<&str>,
    ) -> Result<(), Refusal> {
        if let (Some(allowed), Some(argument)) = (&self.workspaces, tool.workspace_argument)
            && let Some(workspace) = arguments.get(argument).and_then(|v| v.as_str())
            && !allowed.contains(workspace)
        {
            return Err(Refusal(format!(
                "refused: `{argument}` {workspace} is outside the workspaces this server may change (--workspaces {}); nothing was sent",
                join(allowed)
            )));
        }
        if let (Some(max), Some(argument)) = (self.max_role, tool.org_role_argument) {
            let limit = ORG_ROLES[max];
            let given = arguments.get(argument).is_some_and(|v| !v.is_null());
            match granted_role {
                None if given => {
                    return Err(Refusal(format!(
                        "refused: cannot tell which role `{argument}` grants, so --max-role {limit} cannot allow it; nothing was sent"
                    )));
                }
                None => {}
                Some(role) => match ORG_ROLES.iter().position(|r| *r == role) {
                    None => {
                        return Err(Refusal(format!(
                            "refused: `{argument}` {role} is not a role --max-role ranks ({}), so it is not granted under --max-role {limit}; nothing was sent",
                            ORG_ROLES.join(", ")
                        )));
                    }
                    Some(rank) if rank > max => {
                        return Err(Refusal(format!(
                            "refused: `{argument}` {role} is above the highest role this server may grant (--max-role {limit}); nothing was sent"
                        )));
                    }
                    Some(_) => {}
                },
            }
        }
        Ok(())
    }

    /// Checks the workspace a write's target was found in (`guards.workspace_of`);
    /// `None` is the Default Workspace, allowed only when `--workspaces` lists `default`.
    /// The refusal names the target only, never the workspace it was found in.
    pub fn check_workspace(&self, workspace: Option<&str>, target: &str) -> Result<(), Refusal> {
        let Some(allowed) = &self.workspaces else { return Ok(()) };
        let inside = match workspace {
            Some(id) => allowed.contains(id),
            None => allowed.contains(DEFAULT_WORKSPACE),
        };
        if inside {
            return Ok(());
        }
        // Which workspace the target is in is not said: the caller may not be allowed to
        // read it (a tenant confined to its workspaces learns nothing of the others').
        Err(Refusal(format!(
            "refused: {target} is outside the workspaces this server may change (--workspaces {}); nothing was sent",
            join(allowed)
        )))
    }

    /// A one-line description for the startup log.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.read_only {
            parts.push("read-only".to_string());
        }
        if let Some(patterns) = &self.tools {
            parts.push(format!("tools {}", patterns.iter().map(|p| p.0.as_str()).collect::<Vec<_>>().join(",")));
        }
        if let Some(ids) = &self.workspaces {
            parts.push(format!("workspaces {}", join(ids)));
            if self.organization_writes {
                parts.push("organization-level writes allowed".to_string());
            }
        }
        if let Some(rank) = self.max_role {
            parts.push(format!("max role {}", ORG_ROLES[rank]));
        }
        if parts.is_empty() { "no limits".to_string() } else { parts.join("; ") }
    }
}

fn join(ids: &BTreeSet<String>) -> String {
    ids.iter().cloned().collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::tools::ToolId;
    use serde_json::json;

    fn def(tool: ToolId) -> &'static ToolDefinition {
        tool.definition()
    }

    fn args(value: serde_json::Value) -> JsonObject {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn globs_match_whole_names_with_or_without_the_prefix() {
        assert!(Pattern("list_*".into()).matches("claude_code_list_users"));
        assert!(Pattern("claude_code_get_*".into()).matches("claude_code_get_user"));
        assert!(Pattern("*workspace*".into()).matches("claude_code_archive_workspace"));
        assert!(!Pattern("list_*".into()).matches("claude_code_get_user"));
        assert!(!Pattern("get_user".into()).matches("claude_code_get_users_x"));
        assert!(Pattern("*".into()).matches("anything"));
    }

    #[test]
    fn read_only_hides_every_write() {
        let policy = Policy::default().read_only(true);
        assert!(policy.exposes(def(ToolId::ListUsers)));
        assert!(!policy.exposes(def(ToolId::RemoveUser)));
        assert!(policy.hidden_reason(def(ToolId::RemoveUser)).contains("--read-only"));
    }

    #[test]
    fn a_pattern_matching_nothing_is_an_error() {
        let all = crate::generated::tools::DEFINITIONS;
        assert!(Policy::default().tools("lsit_*", all).unwrap_err().0.contains("`lsit_*` matches no tool"));
        let policy = Policy::default().tools("list_*, get_org_info", all).unwrap();
        assert!(policy.exposes(def(ToolId::ListInvites)) && policy.exposes(def(ToolId::GetOrgInfo)));
        assert!(!policy.exposes(def(ToolId::GetUser)));
    }

    #[test]
    fn workspaces_confine_workspace_writes_only() {
        let policy = Policy::default().workspaces("wrkspc_a,wrkspc_b").unwrap();
        let archive = def(ToolId::ArchiveWorkspace);
        assert!(policy.check_call(archive, &args(json!({"workspace_id": "wrkspc_a"})), None).is_ok());
        let refusal = policy.check_call(archive, &args(json!({"workspace_id": "wrkspc_c"})), None).unwrap_err();
        assert!(refusal.0.contains("wrkspc_c") && refusal.0.contains("--workspaces wrkspc_a,wrkspc_b"), "{refusal}");
        assert!(policy.check_call(def(ToolId::RemoveUser), &args(json!({"user_id": "user_1"})), None).is_ok());
        assert!(Policy::default().workspaces("../x").is_err());
    }

    #[test]
    fn max_role_ranks_roles_as_the_spec_orders_them() {
        let policy = Policy::default().max_role("developer").unwrap();
        let invite = def(ToolId::CreateInvite);
        for role in ["user", "managed", "claude_code_user", "developer"] {
            assert!(
                policy.check_call(invite, &args(json!({"email": "a@b.co", "role": role})), Some(role)).is_ok(),
                "{role}"
            );
        }
        let refusal = policy
            .check_call(invite, &args(json!({"email": "a@b.co", "role": "billing"})), Some("billing"))
            .unwrap_err();
        assert!(refusal.0.contains("--max-role developer"), "{refusal}");
        assert!(
            policy
                .check_call(
                    def(ToolId::UpdateUserRole),
                    &args(json!({"user_id": "u", "role": "billing"})),
                    Some("billing")
                )
                .is_err()
        );
        assert!(Policy::default().max_role("root").unwrap_err().0.contains("use one of: user, managed"));
        // Fail closed: a role it does not rank, or cannot read, is refused.
        let unranked = policy.check_call(invite, &args(json!({"role": "owner"})), Some("owner")).unwrap_err();
        assert!(unranked.0.contains("not a role --max-role ranks"), "{unranked}");
        assert!(policy.check_call(invite, &args(json!({"role": "x"})), None).is_err());
    }

    #[test]
    fn the_default_workspace_is_outside_unless_listed() {
        let policy = Policy::default().workspaces("wrkspc_a").unwrap();
        assert!(policy.check_workspace(Some("wrkspc_a"), "API key k").is_ok());
        let refusal = policy.check_workspace(Some("wrkspc_b"), "API key k").unwrap_err();
        assert!(
            refusal.0.contains("API key k is outside the workspaces") && !refusal.0.contains("wrkspc_b"),
            "{refusal}"
        );
        let refusal = policy.check_workspace(None, "API key k").unwrap_err();
        assert!(refusal.0.contains("outside") && !refusal.0.contains("Default Workspace"), "{refusal}");
        let with_default = Policy::default().workspaces("wrkspc_a,default").unwrap();
        assert!(with_default.check_workspace(None, "API key k").is_ok());
        assert!(Policy::default().check_workspace(None, "API key k").is_ok());
    }
}
