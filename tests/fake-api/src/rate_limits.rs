//! The Rate Limits API: the organization's rate-limit groups and a workspace's overrides,
//! paged with `next_page` alone (these endpoints send no `has_more`).

use serde_json::{Value, json};

use crate::dataset::{RateLimit, WorkspaceRateLimitOverride};
use crate::errors::ApiError;
use crate::paging::token_page;
use crate::query::Query;
use crate::server::{RequestCtx, Shared};

const GROUP_TYPES: [&str; 6] = ["model_group", "batch", "token_count", "files", "skills", "web_search"];
const ORGANIZATION_PARAMS: [&str; 4] = ["group_type", "model", "limit", "page"];
const WORKSPACE_PARAMS: [&str; 4] = ["group_type", "include_inherited", "limit", "page"];

fn group(limit: &RateLimit) -> Value {
    let mut group = json!({ "id": limit.group_id, "type": limit.group_type });
    if let Some(name) = &limit.display_name {
        group["display_name"] = json!(name);
    }
    group
}

fn organization_entry(limit: &RateLimit) -> Value {
    json!({
        "type": "rate_limit",
        "id": limit.id,
        "group_type": limit.group_type,
        "group": group(limit),
        "models": limit.models,
        "limits": limit.limits.iter().map(|(limiter, value)| json!({ "type": limiter, "value": value })).collect::<Vec<_>>(),
    })
}

fn group_type_filter<'a>(query: &Query<'a>) -> Result<Option<&'a str>, ApiError> {
    query.one_of("group_type", &GROUP_TYPES)
}

pub(crate) fn organization(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    let query = &ctx.query;
    query.expect_only(&ORGANIZATION_PARAMS)?;
    let group_type = group_type_filter(query)?;
    let model = query.get("model");
    let entries: Vec<Value> = shared
        .dataset
        .rate_limits
        .0
        .iter()
        .filter(|limit| group_type.is_none_or(|wanted| limit.group_type == wanted))
        .filter(|limit| {
            model.is_none_or(|model| limit.models.as_ref().is_some_and(|models| models.iter().any(|m| m == model)))
        })
        .map(organization_entry)
        .collect();
    if let Some(model) = model
        && entries.is_empty()
    {
        return Err(ApiError::not_found(format!(
            "Model '{model}' was not found or has no rate limits for this organization"
        )));
    }
    token_page(ctx, shared, entries, None, false)
}

/// One workspace value: its override (or, when inherited, the organization's) with the organization's beside it.
fn workspace_value(limiter: &str, value: u64, org_limit: Option<u64>, source: &str) -> Value {
    json!({ "type": limiter, "value": value, "org_limit": org_limit, "source": { "type": source } })
}

fn workspace_entry(
    workspace_id: &str,
    limit: &RateLimit,
    overrides: Option<&WorkspaceRateLimitOverride>,
    include_inherited: bool,
) -> Option<Value> {
    let own = |limiter: &str| {
        overrides.and_then(|o| o.limits.iter().find(|(name, _)| name == limiter).map(|(_, value)| *value))
    };
    let mut limiters: Vec<&str> = limit.limits.iter().map(|(name, _)| name.as_str()).collect();
    for (name, _) in overrides.map(|o| o.limits.as_slice()).unwrap_or_default() {
        if !limiters.contains(&name.as_str()) {
            limiters.push(name);
        }
    }
    let values: Vec<Value> = limiters
        .into_iter()
        .filter_map(|limiter| match (own(limiter), limit.limit(limiter)) {
            (Some(value), org) => Some(workspace_value(limiter, value, org, "workspace")),
            (None, Some(org)) if include_inherited => Some(workspace_value(limiter, org, Some(org), "organization")),
            (None, _) => None,
        })
        .collect();
    (!values.is_empty()).then(|| {
        json!({
            "type": "workspace_rate_limit",
            "workspace_id": workspace_id,
            "rate_limit_id": limit.id,
            "group_type": limit.group_type,
            "group": group(limit),
            "models": limit.models,
            "limits": values,
        })
    })
}

pub(crate) fn workspace(ctx: &RequestCtx, shared: &mut Shared, workspace_id: &str) -> Result<Value, ApiError> {
    if !shared.dataset.workspaces.iter().any(|workspace| workspace.id == workspace_id) {
        return Err(ApiError::not_found(format!("No workspace found with id '{workspace_id}'")));
    }
    let query = &ctx.query;
    query.expect_only(&WORKSPACE_PARAMS)?;
    let group_type = group_type_filter(query)?;
    let include_inherited = query.boolean("include_inherited")?.unwrap_or(false);
    let dataset = &shared.dataset;
    let entries: Vec<Value> = dataset
        .rate_limits
        .0
        .iter()
        .filter(|limit| group_type.is_none_or(|wanted| limit.group_type == wanted))
        .filter_map(|limit| {
            let overrides = dataset
                .workspace_rate_limits
                .iter()
                .find(|o| o.workspace_id == workspace_id && o.rate_limit_id == limit.id);
            workspace_entry(workspace_id, limit, overrides, include_inherited)
        })
        .collect();
    token_page(ctx, shared, entries, None, false)
}
