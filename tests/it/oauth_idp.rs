//! A strict OpenID Connect provider for the in-process OAuth tests, on 127.0.0.1:
//! discovery, JWKS (one ES256 key), `/authorize` that signs in whoever the test says
//! (no login form: the real provider's login runs in `.ci/oauth.sh`), and `/token`
//! that checks the client secret, the code, the redirect URI and PKCE before it signs
//! an ID token with the nonce. No email in the ID token: it is in `/userinfo`, as with
//! providers that keep ID tokens small.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use claude_code_connector::transport::oauth::jws::{b64url, random_id, sha256_b64url};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

pub const IDP_CLIENT_ID: &str = "claude-code-connector";
pub const IDP_SECRET: &str = "idp-secret-for-tests";

struct Pending {
    nonce: String,
    challenge: String,
    redirect_uri: String,
    email: String,
    groups: Vec<String>,
}

struct Idp {
    issuer: String,
    key: EcdsaKeyPair,
    person: Mutex<(String, Vec<String>)>,
    codes: Mutex<HashMap<String, Pending>>,
    access: Mutex<HashMap<String, (String, Vec<String>)>>,
}

pub struct FakeIdp {
    pub issuer: String,
    idp: Arc<Idp>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeIdp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeIdp {
    pub async fn start() -> FakeIdp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        let idp = Arc::new(Idp {
            issuer: issuer.clone(),
            key,
            person: Mutex::new(("nobody@example.com".into(), vec![])),
            codes: Mutex::default(),
            access: Mutex::default(),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .with_state(Arc::clone(&idp));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeIdp { issuer, idp, task }
    }

    /// Who signs in at the next `/authorize`.
    pub fn sign_in_as(&self, email: &str, groups: &[&str]) {
        *self.idp.person.lock().unwrap() = (email.into(), groups.iter().map(|g| g.to_string()).collect());
    }
}

async fn discovery(State(idp): State<Arc<Idp>>) -> Response {
    let issuer = &idp.issuer;
    axum::Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
    }))
    .into_response()
}

async fn jwks(State(idp): State<Arc<Idp>>) -> Response {
    let point = idp.key.public_key().as_ref();
    axum::Json(json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "k1", "alg": "ES256",
        "x": b64url(&point[1..33]), "y": b64url(&point[33..65])}]}))
    .into_response()
}

async fn authorize(State(idp): State<Arc<Idp>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let field = |name: &str| query.get(name).cloned().unwrap_or_default();
    if field("client_id") != IDP_CLIENT_ID
        || field("response_type") != "code"
        || field("code_challenge_method") != "S256"
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    if !field("scope").split(' ').any(|scope| scope == "openid") || field("nonce").is_empty() {
        return (StatusCode::BAD_REQUEST, "openid scope and nonce required").into_response();
    }
    let (email, groups) = idp.person.lock().unwrap().clone();
    let code = random_id();
    let pending = Pending {
        nonce: field("nonce"),
        challenge: field("code_challenge"),
        redirect_uri: field("redirect_uri"),
        email,
        groups,
    };
    idp.codes.lock().unwrap().insert(code.clone(), pending);
    let mut location = url::Url::parse(&field("redirect_uri")).unwrap();
    location.query_pairs_mut().append_pair("code", &code).append_pair("state", &field("state"));
    (StatusCode::FOUND, [(header::LOCATION, location.to_string())]).into_response()
}

async fn token(State(idp): State<Arc<Idp>>, headers: HeaderMap, body: String) -> Response {
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{IDP_CLIENT_ID}:{IDP_SECRET}"));
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(&format!("Basic {expected}")) {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "invalid_client"}))).into_response();
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let Some(pending) = idp.codes.lock().unwrap().remove(&field("code")) else {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant"}))).into_response();
    };
    if pending.redirect_uri != field("redirect_uri") || pending.challenge != sha256_b64url(&field("code_verifier")) {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant", "error_description": "pkce"})))
            .into_response();
    }
    let now = chrono::Utc::now().timestamp();
    let header = json!({"alg": "ES256", "kid": "k1", "typ": "JWT"});
    let claims = json!({"iss": idp.issuer, "aud": IDP_CLIENT_ID, "sub": format!("sub-{}", pending.email),
        "nonce": pending.nonce, "iat": now, "exp": now + 300});
    let input = format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()));
    let signature = idp.key.sign(&SystemRandom::new(), input.as_bytes()).unwrap();
    let access = random_id();
    idp.access.lock().unwrap().insert(access.clone(), (pending.email, pending.groups));
    axum::Json(json!({"access_token": access, "token_type": "Bearer",
        "id_token": format!("{input}.{}", b64url(signature.as_ref()))}))
    .into_response()
}

async fn userinfo(State(idp): State<Arc<Idp>>, headers: HeaderMap) -> Response {
    let token =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let Some((email, groups)) = token.and_then(|token| idp.access.lock().unwrap().get(token).cloned()) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let info: Value = json!({"sub": format!("sub-{email}"), "email": email, "email_verified": true, "groups": groups});
    axum::Json(info).into_response()
}
