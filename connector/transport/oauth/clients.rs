//! Who the MCP clients are: dynamic client registration (RFC 7591), whose `client_id`
//! is a document the server signed (so every replica knows every client without a
//! shared store), and client ID metadata documents (an https `client_id` URL whose
//! JSON lists the client's redirect URIs; plain http only on loopback).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::config::{is_loopback, secure_url};
use super::jws;
use super::{Door, Server};

pub const CLIENT_TYP: &str = "ccc-client+jwt";

/// A client the server knows: its id and the redirect URIs it may use.
#[derive(Debug, Clone)]
pub struct Client {
    pub client_id: String,
    pub redirect_uris: Vec<String>,
}

/// A redirect URI a client may register: https, http on loopback, or a private-use
/// scheme of a native app (`com.example.app:/callback`); never with a fragment.
fn redirect_uri_allowed(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else { return false };
    if url.fragment().is_some() {
        return false;
    }
    match url.scheme() {
        "https" => true,
        "http" => is_loopback(&url),
        "javascript" | "data" | "file" | "ftp" | "ws" | "wss" => false,
        scheme => scheme.contains('.'),
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, Json(json!({"error": error, "error_description": description}))).into_response()
}

fn string_list(value: Option<&Value>) -> Option<Vec<String>> {
    value?.as_array()?.iter().map(|item| item.as_str().map(str::to_string)).collect()
}

/// `POST /register`: the metadata is checked and answered back with a signed `client_id`.
pub async fn register(State(door): State<Arc<Door>>, body: axum::body::Bytes) -> Response {
    let Some(server) = door.current() else { return StatusCode::NOT_FOUND.into_response() };
    let Ok(Value::Object(metadata)) = serde_json::from_slice::<Value>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            "the body must be a JSON object (RFC 7591)",
        );
    };
    let Some(redirect_uris) = string_list(metadata.get("redirect_uris")).filter(|uris| !uris.is_empty()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            "redirect_uris must list at least one URI",
        );
    };
    if let Some(bad) = redirect_uris.iter().find(|uri| !redirect_uri_allowed(uri)) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            &format!("{bad} is refused: a redirect URI is https, or http on localhost/127.0.0.1/[::1]"),
        );
    }
    let grant_types = string_list(metadata.get("grant_types")).unwrap_or_else(|| vec!["authorization_code".into()]);
    if let Some(bad) =
        grant_types.iter().find(|grant| !matches!(grant.as_str(), "authorization_code" | "refresh_token"))
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            &format!("grant type {bad} is not offered: authorization_code and refresh_token are"),
        );
    }
    let name = metadata
        .get("client_name")
        .and_then(Value::as_str)
        .unwrap_or("MCP client")
        .chars()
        .take(200)
        .collect::<String>();
    let issued = super::tokens::now();
    let client_id = server.key.sign(
        CLIENT_TYP,
        &json!({"iss": server.origin, "redirect_uris": redirect_uris, "client_name": name, "iat": issued}),
    );
    tracing::info!(client = %name, "an OAuth client registered");
    let answer = json!({
        "client_id": client_id,
        "client_id_issued_at": issued,
        "client_name": name,
        "redirect_uris": redirect_uris,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    });
    let mut response = (StatusCode::CREATED, Json(answer)).into_response();
    response.headers_mut().insert("cache-control", axum::http::HeaderValue::from_static("no-store"));
    response
}

/// The client behind `client_id`: a URL is fetched as its metadata document, anything
/// else must be a registration this server signed.
pub async fn resolve(server: &Server, client_id: &str) -> Result<Client, String> {
    if client_id.starts_with("https://") || client_id.starts_with("http://") {
        return metadata_document(server, client_id).await;
    }
    let claims = jws::verify(client_id, CLIENT_TYP, &server.keys())
        .map_err(|_| "client_id is neither a client registered here nor an https client metadata document URL; register the client again".to_string())?;
    if claims.get("iss").and_then(Value::as_str) != Some(server.origin.as_str()) {
        return Err("client_id was registered with another server".into());
    }
    let redirect_uris = string_list(claims.get("redirect_uris")).unwrap_or_default();
    Ok(Client { client_id: client_id.to_string(), redirect_uris })
}

async fn metadata_document(server: &Server, client_id: &str) -> Result<Client, String> {
    let url = secure_url("client_id", client_id)?;
    if url.path() == "/" || url.fragment().is_some() {
        return Err(format!(
            "client_id {client_id} must be a URL with a path and no fragment (a client ID metadata document)"
        ));
    }
    let document = super::idp::fetch_json(&server.http, client_id)
        .await
        .map_err(|e| format!("cannot read the client's metadata document: {e}"))?;
    if document.get("client_id").and_then(Value::as_str) != Some(client_id) {
        return Err(format!("the metadata document at {client_id} names another client_id"));
    }
    let redirect_uris = string_list(document.get("redirect_uris")).unwrap_or_default();
    if redirect_uris.is_empty() || redirect_uris.iter().any(|uri| !redirect_uri_allowed(uri)) {
        return Err(format!("the metadata document at {client_id} lists no usable redirect_uris"));
    }
    Ok(Client { client_id: client_id.to_string(), redirect_uris })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_https_loopback_or_private_schemes() {
        assert!(redirect_uri_allowed("https://claude.ai/api/mcp/auth_callback"));
        assert!(redirect_uri_allowed("http://localhost:33418/callback"));
        assert!(redirect_uri_allowed("http://127.0.0.1:5000/cb"));
        assert!(redirect_uri_allowed("com.example.app:/oauth"));
        assert!(!redirect_uri_allowed("http://evil.example/cb"));
        assert!(!redirect_uri_allowed("https://claude.ai/cb#frag"));
        assert!(!redirect_uri_allowed("javascript:alert(1)"));
    }
}
