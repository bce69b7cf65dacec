//! The metadata documents (RFC 9728 protected resource, RFC 8414 authorization server)
//! and the token endpoint (authorization code with PKCE, refresh token rotation).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Door;
use super::tokens::{self, TokenError};

fn json_no_store(status: StatusCode, value: Value) -> Response {
    let mut response = (status, Json(value)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Lets a browser client of any origin read the answer (see [`super::routes`]).
pub async fn any_origin(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type, authorization, mcp-protocol-version"),
    );
    response
}

/// A CORS preflight (`OPTIONS`), answered by [`any_origin`]'s headers.
pub async fn preflight(State(door): State<Arc<Door>>) -> Response {
    if door.current().is_none() {
        StatusCode::NOT_FOUND.into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

/// `GET /.well-known/oauth-protected-resource[/mcp]`.
pub async fn protected_resource(State(door): State<Arc<Door>>) -> Response {
    let Some(server) = door.current() else { return StatusCode::NOT_FOUND.into_response() };
    Json(json!({
        "resource": server.resource,
        "authorization_servers": [server.origin],
        "bearer_methods_supported": ["header"],
        "resource_name": "Claude Code connector (Anthropic Admin API)",
    }))
    .into_response()
}

/// `GET /.well-known/oauth-authorization-server`.
pub async fn authorization_server(State(door): State<Arc<Door>>) -> Response {
    let Some(server) = door.current() else { return StatusCode::NOT_FOUND.into_response() };
    let origin = &server.origin;
    Json(json!({
        "issuer": origin,
        "authorization_endpoint": format!("{origin}/authorize"),
        "token_endpoint": format!("{origin}/token"),
        "registration_endpoint": format!("{origin}/register"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "client_id_metadata_document_supported": true,
    }))
    .into_response()
}

/// `POST /token` (form-encoded).
pub async fn token(State(door): State<Arc<Door>>, headers: axum::http::HeaderMap, body: axum::body::Bytes) -> Response {
    let Some(server) = door.current() else { return StatusCode::NOT_FOUND.into_response() };
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str).filter(|value| !value.is_empty());
    let refused = |error: &'static str, description: &str| {
        json_no_store(StatusCode::BAD_REQUEST, json!({"error": error, "error_description": description}))
    };
    if headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.starts_with("application/x-www-form-urlencoded"))
    {
        return refused("invalid_request", "the token request is application/x-www-form-urlencoded");
    }
    if let Some(resource) = field("resource")
        && !server.is_our_resource(resource)
    {
        return refused("invalid_target", "resource is not this server's /mcp");
    }
    let client_id = field("client_id").map(str::to_string).or_else(|| basic_client_id(&headers));
    let answer = match field("grant_type") {
        Some("authorization_code") => {
            let (Some(code), Some(client_id), Some(verifier)) =
                (field("code"), client_id.as_deref(), field("code_verifier"))
            else {
                return refused("invalid_request", "code, client_id and code_verifier are required");
            };
            tokens::redeem_code(&server, code, client_id, field("redirect_uri"), verifier).await
        }
        Some("refresh_token") => {
            let Some(refresh) = field("refresh_token") else {
                return refused("invalid_request", "refresh_token is required");
            };
            tokens::refresh(&server, refresh, client_id.as_deref()).await
        }
        _ => return refused("unsupported_grant_type", "grant_type is authorization_code or refresh_token"),
    };
    match answer {
        Ok(answer) => json_no_store(StatusCode::OK, answer),
        Err(TokenError { error, description }) => {
            let status = if error == "temporarily_unavailable" {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::BAD_REQUEST
            };
            json_no_store(status, json!({"error": error, "error_description": description}))
        }
    }
}

/// The client id of an `Authorization: Basic` header (a client that authenticates
/// that way although it has no secret here).
fn basic_client_id(headers: &axum::http::HeaderMap) -> Option<String> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, _) = decoded.split_once(':')?;
    url::form_urlencoded::parse(format!("id={id}").as_bytes()).next().map(|(_, id)| id.into_owned())
}
