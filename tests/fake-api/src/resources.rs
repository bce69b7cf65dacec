//! Resource endpoints: organization, users, invites, workspaces, workspace members and API keys, with strict body validation.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::dataset::{ApiObject, DataResidency, Invite, Workspace, WorkspaceMember};
use crate::errors::ApiError;
use crate::paging::{ID_CURSOR_PARAMS, id_cursor_page};
use crate::query::{Query, SECONDS_PER_DAY, format_timestamp, now_timestamp, parse_rfc3339};
use crate::server::{RequestCtx, Shared};

const ORG_ROLES_READ: [&str; 9] = [
    "user",
    "developer",
    "billing",
    "admin",
    "claude_code_user",
    "managed",
    "membership_admin",
    "owner",
    "primary_owner",
];
const ORG_ROLES_WRITE: [&str; 5] = ["user", "developer", "billing", "claude_code_user", "managed"];
const WORKSPACE_ROLES_WRITE: [&str; 4] =
    ["workspace_user", "workspace_developer", "workspace_restricted_developer", "workspace_admin"];
const INVITE_STATUSES: [&str; 3] = ["pending", "accepted", "expired"];
const API_KEY_STATUSES: [&str; 4] = ["active", "inactive", "archived", "expired"];
const API_KEY_WRITE_STATUSES: [&str; 3] = ["active", "inactive", "archived"];
const INFERENCE_GEOS: [&str; 2] = ["global", "us"];
const MAX_ACTIVE_WORKSPACES: usize = 100;

fn list_params<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    ID_CURSOR_PARAMS.iter().copied().chain(extra.iter().copied()).collect()
}

fn no_query(query: &Query) -> Result<(), ApiError> {
    query.expect_only(&[])
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid_request(message)
}

fn normalized_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A validated JSON object body whose keys are all in the accepted set.
struct Body<'a> {
    fields: &'a Map<String, Value>,
}

impl<'a> Body<'a> {
    fn object(body: Option<&'a Value>, accepted: &[&str]) -> Result<Body<'a>, ApiError> {
        let Some(Value::Object(fields)) = body else {
            return Err(invalid("body: Input should be a JSON object"));
        };
        match fields.keys().find(|name| !accepted.contains(&name.as_str())) {
            Some(name) => Err(ApiError::extra_input(name, "body field")),
            None => Ok(Body { fields }),
        }
    }

    /// The field's value; a JSON `null` counts as absent.
    fn value(&self, name: &str) -> Option<&'a Value> {
        self.fields.get(name).filter(|value| !value.is_null())
    }

    fn optional_str(&self, name: &str) -> Result<Option<&'a str>, ApiError> {
        match self.value(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(invalid(format!("{name}: Input should be a valid string"))),
        }
    }

    fn required_str(&self, name: &str) -> Result<&'a str, ApiError> {
        self.optional_str(name)?.ok_or_else(|| invalid(format!("{name}: Field required")))
    }
}

fn check_length(name: &str, value: &str, max: usize) -> Result<(), ApiError> {
    let length = value.chars().count();
    if (1..=max).contains(&length) {
        Ok(())
    } else {
        Err(invalid(format!("{name}: must be between 1 and {max} characters, got {length}")))
    }
}

fn check_org_role(role: &str) -> Result<(), ApiError> {
    match role {
        _ if ORG_ROLES_WRITE.contains(&role) => Ok(()),
        "admin" => Err(invalid("role: the 'admin' role cannot be assigned through the Admin API")),
        _ => Err(ApiError::not_one_of("role", role, &ORG_ROLES_WRITE)),
    }
}

fn check_workspace_role(role: &str) -> Result<(), ApiError> {
    match role {
        _ if WORKSPACE_ROLES_WRITE.contains(&role) => Ok(()),
        "workspace_billing" => Err(invalid(
            "workspace_role: 'workspace_billing' cannot be assigned; it is inherited from the organization billing role",
        )),
        _ => Err(ApiError::not_one_of("workspace_role", role, &WORKSPACE_ROLES_WRITE)),
    }
}

fn listed<'a, T: ApiObject + 'a>(
    items: impl Iterator<Item = &'a T>,
    id_of: impl Fn(&T) -> String,
) -> Vec<(String, Value)> {
    items.map(|item| (id_of(item), item.to_api_json())).collect()
}

pub(crate) fn get_organization(ctx: &RequestCtx, _shared: &mut Shared) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    Ok(ctx.organization.to_api_json())
}

fn position_by_id<'a>(mut ids: impl Iterator<Item = &'a str>, what: &str, id: &str) -> Result<usize, ApiError> {
    ids.position(|candidate| candidate == id)
        .ok_or_else(|| ApiError::not_found(format!("No {what} found with id '{id}'")))
}

fn user_index(shared: &Shared, user_id: &str) -> Result<usize, ApiError> {
    position_by_id(shared.dataset.users.iter().map(|user| user.id.as_str()), "user", user_id)
}

pub(crate) fn list_users(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    ctx.query.expect_only(&list_params(&["email", "roles[]"]))?;
    let email = ctx.query.get("email").map(normalized_email);
    let roles = ctx.query.all_of("roles[]", &ORG_ROLES_READ)?;
    let users = shared.dataset.users.iter().filter(|user| {
        email.as_ref().is_none_or(|email| normalized_email(&user.email) == *email)
            && (roles.is_empty() || roles.contains(&user.role.as_str()))
    });
    id_cursor_page(listed(users, |user| user.id.clone()), &ctx.query)
}

pub(crate) fn get_user(ctx: &RequestCtx, shared: &mut Shared, user_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let index = user_index(shared, user_id)?;
    Ok(shared.dataset.users[index].to_api_json())
}

pub(crate) fn update_user(ctx: &RequestCtx, shared: &mut Shared, user_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let body = Body::object(ctx.body, &["role"])?;
    let role = body.required_str("role")?;
    check_org_role(role)?;
    let index = user_index(shared, user_id)?;
    let user = &mut shared.dataset.users[index];
    user.role = role.into();
    Ok(user.to_api_json())
}

pub(crate) fn delete_user(ctx: &RequestCtx, shared: &mut Shared, user_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let index = user_index(shared, user_id)?;
    if shared.dataset.users[index].role == "admin" {
        return Err(invalid(format!(
            "user_id: '{user_id}' is an admin; admins cannot be removed through the Admin API"
        )));
    }
    shared.dataset.users.remove(index);
    shared.dataset.members.retain(|member| member.user_id != user_id);
    Ok(json!({ "id": user_id, "type": "user_deleted" }))
}

fn invite_index(shared: &Shared, invite_id: &str) -> Result<usize, ApiError> {
    position_by_id(shared.dataset.invites.iter().map(|invite| invite.id.as_str()), "invite", invite_id)
}

pub(crate) fn list_invites(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    ctx.query.expect_only(&list_params(&["email", "roles[]", "statuses[]"]))?;
    let email = ctx.query.get("email").map(normalized_email);
    let roles = ctx.query.all_of("roles[]", &ORG_ROLES_READ)?;
    let statuses = ctx.query.all_of("statuses[]", &INVITE_STATUSES)?;
    let statuses = if statuses.is_empty() { INVITE_STATUSES.to_vec() } else { statuses };
    let invites = shared.dataset.invites.iter().filter(|invite| {
        email.as_ref().is_none_or(|email| normalized_email(&invite.email) == *email)
            && (roles.is_empty() || roles.contains(&invite.role.as_str()))
            && statuses.contains(&invite.status.as_str())
    });
    id_cursor_page(listed(invites, |invite| invite.id.clone()), &ctx.query)
}

fn check_email(email: &str) -> Result<(), ApiError> {
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !email.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err(invalid(format!("email: value is not a valid email address: '{email}'"))),
    }
}

fn string_list(name: &str, value: Option<&Value>) -> Result<Vec<String>, ApiError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let not_list = || invalid(format!("{name}: Input should be a list of strings"));
    value
        .as_array()
        .ok_or_else(not_list)?
        .iter()
        .map(|item| item.as_str().map(String::from).ok_or_else(not_list))
        .collect()
}

pub(crate) fn create_invite(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let body = Body::object(ctx.body, &["email", "role", "rbac_group_ids"])?;
    let email = body.required_str("email")?;
    check_email(email)?;
    let role = body.required_str("role")?;
    check_org_role(role)?;
    let rbac_group_ids = string_list("rbac_group_ids", body.value("rbac_group_ids"))?;
    let invited_at = now_timestamp();
    let expires_at = parse_rfc3339(&invited_at)
        .map(|seconds| format_timestamp(seconds + 21 * SECONDS_PER_DAY, 0))
        .unwrap_or_else(|| invited_at.clone());
    let invite = Invite {
        id: shared.next_id("invite"),
        email: email.into(),
        role: role.into(),
        status: "pending".into(),
        invited_at,
        expires_at,
        accepted_at: None,
        rbac_group_ids,
    };
    let response = invite.to_api_json();
    shared.dataset.invites.push(invite);
    Ok(response)
}

pub(crate) fn get_invite(ctx: &RequestCtx, shared: &mut Shared, invite_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let index = invite_index(shared, invite_id)?;
    Ok(shared.dataset.invites[index].to_api_json())
}

pub(crate) fn delete_invite(ctx: &RequestCtx, shared: &mut Shared, invite_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let index = invite_index(shared, invite_id)?;
    shared.dataset.invites.remove(index);
    Ok(json!({ "id": invite_id, "type": "invite_deleted" }))
}

fn workspace_index(shared: &Shared, workspace_id: &str) -> Result<usize, ApiError> {
    position_by_id(shared.dataset.workspaces.iter().map(|workspace| workspace.id.as_str()), "workspace", workspace_id)
}

fn active_workspace_index(shared: &Shared, workspace_id: &str) -> Result<usize, ApiError> {
    let index = workspace_index(shared, workspace_id)?;
    if shared.dataset.workspaces[index].is_archived() {
        return Err(invalid(format!("workspace_id: workspace '{workspace_id}' is archived")));
    }
    Ok(index)
}

pub(crate) fn list_workspaces(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    ctx.query.expect_only(&list_params(&["include_archived"]))?;
    let include_archived = ctx.query.boolean("include_archived")?.unwrap_or(false);
    let workspaces = shared.dataset.workspaces.iter().filter(|workspace| include_archived || !workspace.is_archived());
    id_cursor_page(listed(workspaces, |workspace| workspace.id.clone()), &ctx.query)
}

pub(crate) fn get_workspace(ctx: &RequestCtx, shared: &mut Shared, workspace_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let index = workspace_index(shared, workspace_id)?;
    Ok(shared.dataset.workspaces[index].to_api_json())
}

/// Applies a `data_residency` body object onto `current`; `workspace_geo` only when creating.
fn apply_data_residency(value: &Value, creating: bool, current: &mut DataResidency) -> Result<(), ApiError> {
    let accepted: &[&str] = if creating {
        &["workspace_geo", "default_inference_geo", "allowed_inference_geos"]
    } else {
        &["default_inference_geo", "allowed_inference_geos"]
    };
    let Value::Object(fields) = value else {
        return Err(invalid("data_residency: Input should be an object"));
    };
    if let Some(name) = fields.keys().find(|name| !accepted.contains(&name.as_str())) {
        return match name.as_str() {
            "workspace_geo" => Err(invalid("data_residency.workspace_geo: cannot be changed after creation")),
            _ => Err(ApiError::extra_input(&format!("data_residency.{name}"), "body field")),
        };
    }
    let text = |name: &str| match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.as_str())),
        Some(_) => Err(invalid(format!("data_residency.{name}: Input should be a valid string"))),
    };
    if let Some(geo) = text("workspace_geo")? {
        if geo != "us" {
            return Err(ApiError::not_one_of("data_residency.workspace_geo", geo, &["us"]));
        }
        current.workspace_geo = geo.into();
    }
    if let Some(geo) = text("default_inference_geo")? {
        if !INFERENCE_GEOS.contains(&geo) {
            return Err(ApiError::not_one_of("data_residency.default_inference_geo", geo, &INFERENCE_GEOS));
        }
        current.default_inference_geo = geo.into();
    }
    match fields.get("allowed_inference_geos") {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) if text == "unrestricted" => {
            current.allowed_inference_geos = Value::from("unrestricted");
        }
        Some(Value::Array(geos))
            if !geos.is_empty()
                && geos.iter().all(|geo| geo.as_str().is_some_and(|geo| INFERENCE_GEOS.contains(&geo))) =>
        {
            current.allowed_inference_geos = Value::Array(geos.clone());
        }
        Some(_) => {
            return Err(invalid(
                "data_residency.allowed_inference_geos: Input should be 'unrestricted' or a non-empty list of 'global', 'us'",
            ));
        }
    }
    if let Value::Array(allowed) = &current.allowed_inference_geos
        && !allowed.iter().any(|geo| geo.as_str() == Some(current.default_inference_geo.as_str()))
    {
        return Err(invalid("data_residency.default_inference_geo: must be one of allowed_inference_geos"));
    }
    Ok(())
}

fn parse_tags(value: &Value) -> Result<BTreeMap<String, String>, ApiError> {
    let Value::Object(entries) = value else {
        return Err(invalid("tags: Input should be an object of strings"));
    };
    entries
        .iter()
        .map(|(key, value)| match value {
            _ if key.to_lowercase().starts_with("anthropic") => {
                Err(invalid(format!("tags: key '{key}' must not start with 'anthropic'")))
            }
            Value::String(text) => Ok((key.clone(), text.clone())),
            _ => Err(invalid(format!("tags.{key}: Input should be a valid string"))),
        })
        .collect()
}

const WORKSPACE_BODY_FIELDS: [&str; 4] = ["name", "data_residency", "external_key_id", "tags"];

pub(crate) fn create_workspace(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let body = Body::object(ctx.body, &WORKSPACE_BODY_FIELDS)?;
    let name = body.required_str("name")?;
    check_length("name", name, 40)?;
    let id = shared.next_id("wrkspc");
    let mut workspace = Workspace::new(&id, name);
    workspace.created_at = now_timestamp();
    if let Some(residency) = body.value("data_residency") {
        apply_data_residency(residency, true, &mut workspace.data_residency)?;
    }
    workspace.external_key_id = body.optional_str("external_key_id")?.map(Into::into);
    if let Some(tags) = body.value("tags") {
        workspace.tags = parse_tags(tags)?;
    }
    let active = shared.dataset.workspaces.iter().filter(|workspace| !workspace.is_archived()).count();
    if active >= MAX_ACTIVE_WORKSPACES {
        return Err(invalid(format!(
            "name: an organization can have at most {MAX_ACTIVE_WORKSPACES} active workspaces"
        )));
    }
    let response = workspace.to_api_json();
    shared.dataset.workspaces.push(workspace);
    Ok(response)
}

pub(crate) fn update_workspace(ctx: &RequestCtx, shared: &mut Shared, workspace_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let body = Body::object(ctx.body, &WORKSPACE_BODY_FIELDS)?;
    let name = body.optional_str("name")?;
    if let Some(name) = name {
        check_length("name", name, 40)?;
    }
    let external_key_id = body.optional_str("external_key_id")?;
    let index = active_workspace_index(shared, workspace_id)?;
    let mut updated = shared.dataset.workspaces[index].clone();
    if let Some(name) = name {
        updated.name = name.into();
    }
    if let Some(residency) = body.value("data_residency") {
        apply_data_residency(residency, false, &mut updated.data_residency)?;
    }
    if let Some(key_id) = external_key_id {
        match &updated.external_key_id {
            Some(existing) if existing != key_id => {
                return Err(invalid("external_key_id: cannot be changed once set"));
            }
            _ => updated.external_key_id = Some(key_id.into()),
        }
    }
    if let Some(tags) = body.value("tags") {
        updated.tags = parse_tags(tags)?;
    }
    let response = updated.to_api_json();
    shared.dataset.workspaces[index] = updated;
    Ok(response)
}

pub(crate) fn archive_workspace(ctx: &RequestCtx, shared: &mut Shared, workspace_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    if let Some(body) = ctx.body {
        Body::object(Some(body), &[])?;
    }
    let index = active_workspace_index(shared, workspace_id)?;
    shared.dataset.workspaces[index].archived_at = Some(now_timestamp());
    for key in &mut shared.dataset.api_keys {
        if key.workspace_id.as_deref() == Some(workspace_id) {
            key.status = "archived".into();
        }
    }
    Ok(shared.dataset.workspaces[index].to_api_json())
}

fn member_index(shared: &Shared, workspace_id: &str, user_id: &str) -> Result<usize, ApiError> {
    workspace_index(shared, workspace_id)?;
    shared
        .dataset
        .members
        .iter()
        .position(|member| member.workspace_id == workspace_id && member.user_id == user_id)
        .ok_or_else(|| ApiError::not_found(format!("User '{user_id}' is not a member of workspace '{workspace_id}'")))
}

pub(crate) fn list_members(ctx: &RequestCtx, shared: &mut Shared, workspace_id: &str) -> Result<Value, ApiError> {
    ctx.query.expect_only(&ID_CURSOR_PARAMS)?;
    workspace_index(shared, workspace_id)?;
    let members = shared.dataset.members.iter().filter(|member| member.workspace_id == workspace_id);
    id_cursor_page(listed(members, |member| member.user_id.clone()), &ctx.query)
}

pub(crate) fn add_member(ctx: &RequestCtx, shared: &mut Shared, workspace_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let body = Body::object(ctx.body, &["user_id", "workspace_role"])?;
    let user_id = body.required_str("user_id")?;
    let role = body.required_str("workspace_role")?;
    check_workspace_role(role)?;
    active_workspace_index(shared, workspace_id)?;
    user_index(shared, user_id)?;
    if member_index(shared, workspace_id, user_id).is_ok() {
        return Err(invalid(format!("user_id: '{user_id}' is already a member of workspace '{workspace_id}'")));
    }
    let member = WorkspaceMember::new(workspace_id, user_id, role);
    let response = member.to_api_json();
    shared.dataset.members.push(member);
    Ok(response)
}

pub(crate) fn get_member(
    ctx: &RequestCtx,
    shared: &mut Shared,
    workspace_id: &str,
    user_id: &str,
) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let index = member_index(shared, workspace_id, user_id)?;
    Ok(shared.dataset.members[index].to_api_json())
}

pub(crate) fn update_member(
    ctx: &RequestCtx,
    shared: &mut Shared,
    workspace_id: &str,
    user_id: &str,
) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let body = Body::object(ctx.body, &["workspace_role"])?;
    let role = body.required_str("workspace_role")?;
    check_workspace_role(role)?;
    let index = member_index(shared, workspace_id, user_id)?;
    let member = &mut shared.dataset.members[index];
    member.workspace_role = role.into();
    Ok(member.to_api_json())
}

pub(crate) fn delete_member(
    ctx: &RequestCtx,
    shared: &mut Shared,
    workspace_id: &str,
    user_id: &str,
) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let index = member_index(shared, workspace_id, user_id)?;
    shared.dataset.members.remove(index);
    Ok(json!({ "type": "workspace_member_deleted", "user_id": user_id, "workspace_id": workspace_id }))
}

fn api_key_index(shared: &Shared, api_key_id: &str) -> Result<usize, ApiError> {
    position_by_id(shared.dataset.api_keys.iter().map(|key| key.id.as_str()), "API key", api_key_id)
}

pub(crate) fn list_api_keys(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    ctx.query.expect_only(&list_params(&["status", "workspace_id", "created_by_user_id"]))?;
    let status = ctx.query.one_of("status", &API_KEY_STATUSES)?;
    let workspace_id = ctx.query.get("workspace_id");
    let creator = ctx.query.get("created_by_user_id");
    let keys = shared.dataset.api_keys.iter().filter(|key| {
        status.is_none_or(|status| key.status == status)
            && workspace_id.is_none_or(|id| key.workspace_id.as_deref() == Some(id))
            && creator.is_none_or(|id| key.created_by.as_ref().is_some_and(|actor| actor.id == id))
    });
    id_cursor_page(listed(keys, |key| key.id.clone()), &ctx.query)
}

pub(crate) fn get_api_key(ctx: &RequestCtx, shared: &mut Shared, api_key_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let index = api_key_index(shared, api_key_id)?;
    Ok(shared.dataset.api_keys[index].to_api_json())
}

pub(crate) fn update_api_key(ctx: &RequestCtx, shared: &mut Shared, api_key_id: &str) -> Result<Value, ApiError> {
    no_query(&ctx.query)?;
    let body = Body::object(ctx.body, &["name", "status"])?;
    let name = body.optional_str("name")?;
    if let Some(name) = name {
        check_length("name", name, 500)?;
    }
    let status = body.optional_str("status")?;
    match status {
        Some("expired") => return Err(invalid("status: 'expired' is read-only and cannot be set")),
        Some(status) if !API_KEY_WRITE_STATUSES.contains(&status) => {
            return Err(ApiError::not_one_of("status", status, &API_KEY_WRITE_STATUSES));
        }
        _ => {}
    }
    let index = api_key_index(shared, api_key_id)?;
    let key = &mut shared.dataset.api_keys[index];
    if let Some(status) = status {
        if key.status == "archived" && status != "archived" {
            return Err(invalid(format!("status: API key '{api_key_id}' is archived and cannot be reactivated")));
        }
        key.status = status.into();
    }
    if let Some(name) = name {
        key.name = name.into();
    }
    Ok(key.to_api_json())
}
