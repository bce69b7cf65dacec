//! A person's sign-in: `/authorize` checks the client's request and sends the person to
//! the identity provider; `/oauth/callback` verifies who came back and picks the tenant
//! by `people` (none: an error page and no code; several: a page to choose, answered
//! at `/oauth/choose`); the client then gets a code at its redirect URI.
//!
//! The request travels through the provider as a signed `state`, bound to the browser
//! by a cookie whose secret also derives the PKCE verifier used with the provider.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::jws::{self, random_id, sha256_b64url};
use super::tokens::{self, Grant};
use super::{Door, Server, clients};

const SIGNIN_TYP: &str = "ccc-signin+jwt";
const CHOICE_TYP: &str = "ccc-choice+jwt";
const COOKIE: &str = "ccc_signin";
/// How long a person may take at the identity provider and on the choice page.
const SIGNIN_TTL_SECONDS: i64 = 600;

/// What the client asked for, carried through the sign-in.
struct Request {
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{0}</title></head><body><h1>{0}</h1>{body}</body></html>",
        escape(title)
    );
    let mut response = (status, Html(html)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn error_page(status: StatusCode, message: &str) -> Response {
    page(status, "Cannot sign in", &format!("<p>{}</p>", escape(message)))
}

/// Back to the client's redirect URI with `params` (and its `state`).
fn redirect_to_client(request: &Request, params: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(&request.redirect_uri) else {
        return error_page(StatusCode::BAD_REQUEST, "the redirect URI is not a URL");
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in params {
            query.append_pair(key, value);
        }
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
    }
    see_other(url.as_str())
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => error_page(StatusCode::BAD_REQUEST, "the redirect URI cannot be sent"),
    }
}

/// `GET /authorize`.
pub async fn authorize(State(door): State<Arc<Door>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let Some(server) = door.current() else { return StatusCode::NOT_FOUND.into_response() };
    let field = |name: &str| query.get(name).map(String::as_str).filter(|value| !value.is_empty());
    let Some(client_id) = field("client_id") else {
        return error_page(StatusCode::BAD_REQUEST, "client_id is missing from the authorization request");
    };
    let client = match clients::resolve(&server, client_id).await {
        Ok(client) => client,
        Err(message) => return error_page(StatusCode::BAD_REQUEST, &message),
    };
    let redirect_uri = match field("redirect_uri") {
        Some(uri) if client.redirect_uris.iter().any(|known| known == uri) => uri.to_string(),
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        _ => return error_page(StatusCode::BAD_REQUEST, "redirect_uri is not one the client registered"),
    };
    let request = Request {
        client_id: client.client_id,
        redirect_uri,
        state: field("state").map(str::to_string),
        code_challenge: field("code_challenge").unwrap_or_default().to_string(),
    };
    let refuse = |error: &str, description: &str| {
        redirect_to_client(&request, &[("error", error), ("error_description", description)])
    };
    if field("response_type") != Some("code") {
        return refuse("unsupported_response_type", "response_type must be code");
    }
    if request.code_challenge.is_empty() || field("code_challenge_method") != Some("S256") {
        return refuse("invalid_request", "PKCE is required: code_challenge with code_challenge_method S256");
    }
    if let Some(resource) = field("resource")
        && !server.is_our_resource(resource)
    {
        return refuse("invalid_target", "resource is not this server's /mcp");
    }
    let secret = random_id();
    let nonce = random_id();
    let state = server.key.sign(
        SIGNIN_TYP,
        &json!({
            "iss": server.origin, "exp": tokens::now() + SIGNIN_TTL_SECONDS, "browser": sha256_b64url(&secret),
            "nonce": nonce, "client_id": request.client_id, "redirect_uri": request.redirect_uri,
            "state": request.state, "code_challenge": request.code_challenge,
        }),
    );
    let challenge = sha256_b64url(&pkce_verifier(&secret));
    let location = match server.idp.authorization_url(&server.callback_url(), &state, &nonce, &challenge).await {
        Ok(location) => location,
        Err(message) => {
            tracing::error!("the identity provider cannot be reached: {message}");
            return refuse("temporarily_unavailable", "the organization's identity provider cannot be reached");
        }
    };
    let mut response = see_other(&location);
    let secure = if server.origin.starts_with("https://") { "; Secure" } else { "" };
    let cookie =
        format!("{COOKIE}={secret}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age={SIGNIN_TTL_SECONDS}{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The PKCE verifier used with the identity provider, derived from the browser's secret.
fn pkce_verifier(secret: &str) -> String {
    sha256_b64url(&format!("pkce:{secret}"))
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE).then(|| value.to_string())
        })
}

/// A signed sign-in document of this browser, unexpired.
fn signed_for_browser(
    server: &Server,
    document: &str,
    typ: &str,
    headers: &HeaderMap,
) -> Result<(Map<String, Value>, String), &'static str> {
    let claims = jws::verify(document, typ, &server.keys()).map_err(|_| "this sign-in is not one of this server's")?;
    if claims.get("exp").and_then(Value::as_i64).is_none_or(|exp| exp <= tokens::now()) {
        return Err("this sign-in took too long; start again from the client");
    }
    let secret = cookie(headers)
        .ok_or("the sign-in cookie is missing (cookies blocked, or another browser?); start again from the client")?;
    if claims.get("browser").and_then(Value::as_str) != Some(sha256_b64url(&secret).as_str()) {
        return Err("this sign-in was started in another browser; start again from the client");
    }
    Ok((claims, secret))
}

fn request_of(claims: &Map<String, Value>) -> Request {
    let text = |key: &str| claims.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    Request {
        client_id: text("client_id"),
        redirect_uri: text("redirect_uri"),
        state: claims.get("state").and_then(Value::as_str).map(str::to_string),
        code_challenge: text("code_challenge"),
    }
}

/// `GET /oauth/callback`: the identity provider sends the person back here.
pub async fn callback(
    State(door): State<Arc<Door>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(server) = door.current() else { return StatusCode::NOT_FOUND.into_response() };
    let Some(state) = query.get("state") else {
        return error_page(StatusCode::BAD_REQUEST, "the identity provider sent no state");
    };
    let (claims, secret) = match signed_for_browser(&server, state, SIGNIN_TYP, &headers) {
        Ok(found) => found,
        Err(message) => return error_page(StatusCode::BAD_REQUEST, message),
    };
    let request = request_of(&claims);
    if let Some(error) = query.get("error") {
        return redirect_to_client(
            &request,
            &[("error", "access_denied"), ("error_description", &format!("the identity provider said {error}"))],
        );
    }
    let Some(code) = query.get("code") else {
        return error_page(StatusCode::BAD_REQUEST, "the identity provider sent no code");
    };
    let nonce = claims.get("nonce").and_then(Value::as_str).unwrap_or_default();
    let person = match server.idp.sign_in(code, &server.callback_url(), &pkce_verifier(&secret), nonce).await {
        Ok(person) => person,
        Err(message) => {
            tracing::warn!("a sign-in failed at the identity provider: {message}");
            return error_page(StatusCode::BAD_GATEWAY, &format!("The sign-in could not be completed: {message}"));
        }
    };
    let tenants = server.tenants_for(&person.email, &person.groups);
    match tenants.as_slice() {
        [] => {
            tracing::warn!(person = %person.email, "signed in but no tenant's people admit them");
            error_page(
                StatusCode::FORBIDDEN,
                &format!(
                    "{} is signed in, but no tenant of this server admits them. Ask the server's operator to add you to a tenant's people.",
                    person.email
                ),
            )
        }
        [tenant] => {
            let grant = Grant {
                tenant: tenant.clone(),
                email: person.email,
                groups: person.groups,
                client_id: request.client_id.clone(),
            };
            issue(&server, &request, &grant)
        }
        _ => {
            let choice = server.key.sign(
                CHOICE_TYP,
                &json!({
                    "iss": server.origin, "exp": tokens::now() + SIGNIN_TTL_SECONDS,
                    "browser": claims.get("browser"), "client_id": request.client_id,
                    "redirect_uri": request.redirect_uri, "state": request.state, "code_challenge": request.code_challenge,
                    "sub": person.email, "groups": person.groups, "tenants": tenants,
                }),
            );
            let buttons: String = tenants
                .iter()
                .map(|tenant| {
                    format!("<button type=\"submit\" name=\"tenant\" value=\"{0}\">{0}</button> ", escape(tenant))
                })
                .collect();
            page(
                StatusCode::OK,
                "Choose an organization",
                &format!(
                    "<p>{} may use several tenants of this server. Which one should this connection use?</p><form method=\"post\" action=\"/oauth/choose\"><input type=\"hidden\" name=\"choice\" value=\"{}\">{buttons}</form>",
                    escape(&person.email),
                    escape(&choice)
                ),
            )
        }
    }
}

fn issue(server: &Server, request: &Request, grant: &Grant) -> Response {
    tracing::info!(tenant = %grant.tenant, person = %grant.email, "signed in");
    let code = tokens::issue_code(server, grant, &request.redirect_uri, &request.code_challenge);
    redirect_to_client(request, &[("code", &code)])
}

/// `POST /oauth/choose`: the tenant chosen on the page.
pub async fn choose(State(door): State<Arc<Door>>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let Some(server) = door.current() else { return StatusCode::NOT_FOUND.into_response() };
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let (Some(choice), Some(tenant)) = (form.get("choice"), form.get("tenant")) else {
        return error_page(StatusCode::BAD_REQUEST, "choose a tenant on the page");
    };
    let claims = match signed_for_browser(&server, choice, CHOICE_TYP, &headers) {
        Ok((claims, _)) => claims,
        Err(message) => return error_page(StatusCode::BAD_REQUEST, message),
    };
    let offered = claims
        .get("tenants")
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|id| id.as_str() == Some(tenant)));
    let email = claims.get("sub").and_then(Value::as_str).unwrap_or_default().to_string();
    let groups: Vec<String> = claims
        .get("groups")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if !offered || !server.admits(tenant, &email, &groups) {
        return error_page(StatusCode::FORBIDDEN, &format!("{email} may not use tenant {tenant}"));
    }
    let request = request_of(&claims);
    let grant = Grant { tenant: tenant.clone(), email, groups, client_id: request.client_id.clone() };
    issue(&server, &request, &grant)
}
