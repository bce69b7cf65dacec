//! The documents the server signs for a sign-in, and the rules that accept them:
//! authorization codes (single-use, a minute), access tokens (audience-bound, carrying
//! tenant and person, verified with no shared state) and refresh tokens (single-use and
//! rotated; a reused one revokes its whole grant).

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::Server;
use super::jws::{self, random_id, sha256_b64url};

pub const ACCESS_TYP: &str = "at+jwt";
pub const REFRESH_TYP: &str = "ccc-refresh+jwt";
pub const CODE_TYP: &str = "ccc-code+jwt";

/// How long an authorization code may wait for its exchange.
pub const CODE_TTL_SECONDS: i64 = 60;

/// Who an access token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub tenant: String,
    pub email: String,
}

/// A person signed in to one tenant (what a code and a refresh token carry).
#[derive(Debug, Clone)]
pub struct Grant {
    pub tenant: String,
    pub email: String,
    pub groups: Vec<String>,
    pub client_id: String,
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn text(claims: &Map<String, Value>, key: &str) -> Result<String, &'static str> {
    claims.get(key).and_then(Value::as_str).map(str::to_string).ok_or("a claim is missing")
}

fn unexpired(claims: &Map<String, Value>) -> Result<i64, &'static str> {
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or("no exp")?;
    if exp <= now() { Err("expired") } else { Ok(exp) }
}

fn grant_of(claims: &Map<String, Value>) -> Result<Grant, &'static str> {
    Ok(Grant {
        tenant: text(claims, "tenant")?,
        email: text(claims, "sub")?,
        groups: claims
            .get("groups")
            .and_then(Value::as_array)
            .map(|groups| groups.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default(),
        client_id: text(claims, "client_id")?,
    })
}

/// Accepts an access token: signed by a known key, for this resource, unexpired.
pub fn verify_access(server: &Server, token: &str) -> Result<Access, &'static str> {
    let claims = jws::verify(token, ACCESS_TYP, &server.keys()).map_err(|why| match why {
        jws::Rejected::UnknownKey => "signed by an unknown key",
        _ => "not a valid token of this server",
    })?;
    if claims.get("iss").and_then(Value::as_str) != Some(server.origin.as_str()) {
        return Err("another issuer");
    }
    if claims.get("aud").and_then(Value::as_str) != Some(server.resource.as_str()) {
        return Err("for another resource");
    }
    unexpired(&claims)?;
    Ok(Access { tenant: text(&claims, "tenant")?, email: text(&claims, "sub")? })
}

/// A code for `grant`, bound to the client's redirect URI and PKCE challenge.
pub fn issue_code(server: &Server, grant: &Grant, redirect_uri: &str, code_challenge: &str) -> String {
    server.key.sign(
        CODE_TYP,
        &json!({
            "iss": server.origin, "jti": random_id(), "exp": now() + CODE_TTL_SECONDS,
            "sub": grant.email, "groups": grant.groups, "tenant": grant.tenant, "client_id": grant.client_id,
            "redirect_uri": redirect_uri, "code_challenge": code_challenge,
        }),
    )
}

/// What `/token` answers: a new access token and a new refresh token of `grant_id`.
pub fn token_response(server: &Server, grant: &Grant, grant_id: &str) -> Value {
    let issued = now();
    let access_ttl = server.spec.access_token_ttl_seconds as i64;
    let access = server.key.sign(
        ACCESS_TYP,
        &json!({
            "iss": server.origin, "aud": server.resource, "sub": grant.email, "email": grant.email,
            "tenant": grant.tenant, "client_id": grant.client_id, "iat": issued,
            "exp": issued + access_ttl, "jti": random_id(),
        }),
    );
    let refresh = server.key.sign(
        REFRESH_TYP,
        &json!({
            "iss": server.origin, "sub": grant.email, "groups": grant.groups, "tenant": grant.tenant,
            "client_id": grant.client_id, "grant": grant_id, "jti": random_id(), "iat": issued,
            "exp": issued + server.spec.refresh_token_ttl_seconds as i64,
        }),
    );
    json!({
        "access_token": access, "token_type": "Bearer", "expires_in": access_ttl, "refresh_token": refresh,
    })
}

/// A refusal at `/token`: the OAuth error code and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    pub error: &'static str,
    pub description: String,
}

fn invalid_grant(description: impl Into<String>) -> TokenError {
    TokenError { error: "invalid_grant", description: description.into() }
}

fn unavailable(error: super::store::StoreError) -> TokenError {
    tracing::error!(error = %error.0, "the OAuth store failed");
    TokenError {
        error: "temporarily_unavailable",
        description: "the server's token store is unreachable; try again".into(),
    }
}

/// The time left until `exp`, for how long a used id must be remembered.
fn remaining(exp: i64) -> Duration {
    Duration::from_secs((exp - now()).max(1) as u64 + 60)
}

/// Redeems a code once: the client, its redirect URI and its PKCE verifier must match.
pub async fn redeem_code(
    server: &Server,
    code: &str,
    client_id: &str,
    redirect_uri: Option<&str>,
    verifier: &str,
) -> Result<Value, TokenError> {
    let claims = jws::verify(code, CODE_TYP, &server.keys())
        .map_err(|_| invalid_grant("the code is not one of this server's"))?;
    let exp = unexpired(&claims).map_err(|_| invalid_grant("the code has expired; sign in again"))?;
    let grant = grant_of(&claims).map_err(invalid_grant)?;
    if grant.client_id != client_id {
        return Err(invalid_grant("the code was issued to another client"));
    }
    if redirect_uri.is_some_and(|uri| Some(uri) != claims.get("redirect_uri").and_then(Value::as_str)) {
        return Err(invalid_grant("redirect_uri differs from the authorization request's"));
    }
    if claims.get("code_challenge").and_then(Value::as_str) != Some(sha256_b64url(verifier).as_str()) {
        return Err(invalid_grant("the code_verifier does not match the code_challenge (PKCE S256)"));
    }
    let jti = text(&claims, "jti").map_err(invalid_grant)?;
    if !server.store.use_once(&format!("code:{jti}"), remaining(exp)).await.map_err(unavailable)? {
        return Err(invalid_grant("the code was already used; sign in again"));
    }
    if !server.admits(&grant.tenant, &grant.email, &grant.groups) {
        return Err(invalid_grant(format!("{} may no longer sign in to tenant {}", grant.email, grant.tenant)));
    }
    Ok(token_response(server, &grant, &random_id()))
}

/// Rotates a refresh token: the one presented is spent; a spent one presented again
/// revokes its grant; a person no longer in the tenant's `people` is refused.
pub async fn refresh(server: &Server, token: &str, client_id: Option<&str>) -> Result<Value, TokenError> {
    // The current key only: a rotation of the signing key ends every session.
    let claims = jws::verify(token, REFRESH_TYP, &[server.key.verifying()]).map_err(|_| {
        invalid_grant("the refresh token is not valid here (was the signing key rotated?); sign in again")
    })?;
    let exp = unexpired(&claims).map_err(|_| invalid_grant("the refresh token has expired; sign in again"))?;
    if claims.get("iss").and_then(Value::as_str) != Some(server.origin.as_str()) {
        return Err(invalid_grant("the refresh token is from another issuer"));
    }
    let grant = grant_of(&claims).map_err(invalid_grant)?;
    if client_id.is_some_and(|client_id| client_id != grant.client_id) {
        return Err(invalid_grant("the refresh token was issued to another client"));
    }
    let grant_id = text(&claims, "grant").map_err(invalid_grant)?;
    let jti = text(&claims, "jti").map_err(invalid_grant)?;
    if server.store.is_revoked(&grant_id).await.map_err(unavailable)? {
        return Err(invalid_grant("this sign-in was revoked (a refresh token was used twice); sign in again"));
    }
    if !server.store.use_once(&format!("refresh:{jti}"), remaining(exp)).await.map_err(unavailable)? {
        server.store.revoke(&grant_id, server.refresh_ttl() + Duration::from_secs(60)).await.map_err(unavailable)?;
        tracing::warn!(tenant = %grant.tenant, person = %grant.email, "a refresh token was used twice: its sign-in is revoked");
        return Err(invalid_grant("the refresh token was already used; this sign-in is revoked; sign in again"));
    }
    if !server.admits(&grant.tenant, &grant.email, &grant.groups) {
        return Err(invalid_grant(format!("{} may no longer sign in to tenant {}", grant.email, grant.tenant)));
    }
    Ok(token_response(server, &grant, &grant_id))
}
