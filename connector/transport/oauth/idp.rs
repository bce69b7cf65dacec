//! The organization's OpenID Connect provider: discovery, the redirect that sends a
//! person there, the code exchange at its token endpoint, and the ID token verified by
//! its JWKS (RS256 or ES256 via ring), with its userinfo when the ID token carries no
//! email.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde_json::{Map, Value};
use tokio::sync::Mutex;

use super::config::{IdentityProviderSpec, secure_url};
use super::jws::{self, unb64url};

const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// Clock difference tolerated on the provider's `exp` and `iat`.
const LEEWAY_SECONDS: i64 = 60;
/// The most of a provider's (or a client's metadata) document that is read.
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// Who signed in, as the identity provider says.
#[derive(Debug, Clone)]
pub struct Person {
    pub email: String,
    pub groups: Vec<String>,
}

#[derive(Clone)]
struct Discovery {
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    userinfo_endpoint: Option<String>,
    jwks: Vec<Map<String, Value>>,
}

/// The provider: its settings, and what discovery found (fetched once, keys refetched
/// when an unknown `kid` appears).
pub struct IdentityProvider {
    spec: IdentityProviderSpec,
    secret: String,
    discovered: Mutex<Option<Discovery>>,
    http: reqwest::Client,
}

pub fn http_client() -> Result<reqwest::Client, String> {
    crate::runtime::http::install_crypto_provider();
    reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the HTTP client for OAuth: {e}"))
}

/// GETs a JSON object of at most [`MAX_DOCUMENT_BYTES`].
pub async fn fetch_json(http: &reqwest::Client, url: &str) -> Result<Map<String, Value>, String> {
    let response =
        http.get(url).header("accept", "application/json").send().await.map_err(|e| format!("{url}: {e}"))?;
    read_json(url, response).await
}

async fn read_json(url: &str, mut response: reqwest::Response) -> Result<Map<String, Value>, String> {
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| format!("{url}: {e}"))? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_DOCUMENT_BYTES {
            return Err(format!("{url}: the answer is larger than {MAX_DOCUMENT_BYTES} bytes"));
        }
    }
    if !status.is_success() {
        return Err(format!(
            "{url} answered {status}: {}",
            String::from_utf8_lossy(&body).chars().take(300).collect::<String>()
        ));
    }
    match serde_json::from_slice(&body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(format!("{url} did not answer a JSON object")),
    }
}

fn string(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_string)
}

impl IdentityProvider {
    pub fn new(spec: IdentityProviderSpec, secret: String) -> Result<IdentityProvider, String> {
        Ok(IdentityProvider { spec, secret, discovered: Mutex::new(None), http: http_client()? })
    }

    fn issuer(&self) -> &str {
        self.spec.issuer.trim_end_matches('/')
    }

    async fn discovery(&self, refresh_keys: bool) -> Result<Discovery, String> {
        let mut discovered = self.discovered.lock().await;
        if let Some(found) = discovered.as_mut() {
            if refresh_keys {
                found.jwks = self.keys(&found.jwks_uri).await?;
            }
            return Ok(found.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", self.issuer());
        let document = fetch_json(&self.http, &url).await?;
        if string(&document, "issuer").as_deref().map(|issuer| issuer.trim_end_matches('/')) != Some(self.issuer()) {
            return Err(format!("{url}: its issuer is not {}", self.issuer()));
        }
        let endpoint = |key: &str| -> Result<String, String> {
            let value = string(&document, key).ok_or_else(|| format!("{url} has no {key}"))?;
            secure_url(key, &value).map(|_| value)
        };
        let jwks_uri = endpoint("jwks_uri")?;
        let found = Discovery {
            authorization_endpoint: endpoint("authorization_endpoint")?,
            token_endpoint: endpoint("token_endpoint")?,
            userinfo_endpoint: endpoint("userinfo_endpoint").ok(),
            jwks: self.keys(&jwks_uri).await?,
            jwks_uri,
        };
        *discovered = Some(found.clone());
        Ok(found)
    }

    async fn keys(&self, jwks_uri: &str) -> Result<Vec<Map<String, Value>>, String> {
        let jwks = fetch_json(&self.http, jwks_uri).await?;
        Ok(jwks
            .get("keys")
            .and_then(Value::as_array)
            .map(|keys| keys.iter().filter_map(|key| key.as_object().cloned()).collect())
            .unwrap_or_default())
    }

    /// Where to send the person: the provider's authorization endpoint with our client,
    /// `redirect_uri` (our callback), `state`, `nonce` and a PKCE challenge.
    pub async fn authorization_url(
        &self,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
        code_challenge: &str,
    ) -> Result<String, String> {
        let discovery = self.discovery(false).await?;
        let mut url = url::Url::parse(&discovery.authorization_endpoint).map_err(|e| e.to_string())?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.spec.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &self.spec.scopes.join(" "))
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", code_challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(url.into())
    }

    /// Exchanges the provider's code and returns the verified person.
    pub async fn sign_in(
        &self,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
        nonce: &str,
    ) -> Result<Person, String> {
        let discovery = self.discovery(false).await?;
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("code_verifier", code_verifier)
            .finish();
        let credentials =
            STANDARD.encode(format!("{}:{}", form_encode(&self.spec.client_id), form_encode(&self.secret)));
        let response = self
            .http
            .post(&discovery.token_endpoint)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("authorization", format!("Basic {credentials}"))
            .body(form)
            .send()
            .await
            .map_err(|e| format!("the identity provider's token endpoint: {e}"))?;
        let answer = read_json(&discovery.token_endpoint, response).await?;
        let id_token = string(&answer, "id_token").ok_or("the identity provider answered no id_token")?;
        let mut claims = self.verify_id_token(&id_token, nonce).await?;
        if !claims.contains_key("email")
            && let (Some(userinfo), Some(access)) = (&discovery.userinfo_endpoint, string(&answer, "access_token"))
        {
            let response = self
                .http
                .get(userinfo)
                .bearer_auth(access)
                .send()
                .await
                .map_err(|e| format!("the identity provider's userinfo: {e}"))?;
            let info = read_json(userinfo, response).await?;
            if info.get("sub") != claims.get("sub") {
                return Err("the identity provider's userinfo is about another subject".into());
            }
            for (key, value) in info {
                claims.entry(key).or_insert(value);
            }
        }
        if claims.get("email_verified").and_then(Value::as_bool) == Some(false) {
            return Err("the identity provider says this person's email is not verified".into());
        }
        let email = string(&claims, "email")
            .ok_or("the identity provider gave no email for this person (ask for the email scope)")?;
        let groups = match claims.get(&self.spec.groups_claim) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        Ok(Person { email, groups })
    }

    async fn verify_id_token(&self, token: &str, nonce: &str) -> Result<Map<String, Value>, String> {
        let compact = jws::split(token).map_err(|_| "the ID token is not a JWS".to_string())?;
        let alg = compact.header.get("alg").and_then(Value::as_str).unwrap_or_default().to_string();
        let kid = compact.header.get("kid").and_then(Value::as_str);
        let mut verified = false;
        for refresh in [false, true] {
            let discovery = self.discovery(refresh).await?;
            let candidates =
                discovery.jwks.iter().filter(|key| kid.is_none() || key.get("kid").and_then(Value::as_str) == kid);
            let mut found = false;
            for key in candidates {
                found = true;
                if verify_with_jwk(key, &alg, compact.signing_input.as_bytes(), &compact.signature)? {
                    verified = true;
                    break;
                }
            }
            if found || verified {
                break;
            }
        }
        if !verified {
            return Err("the ID token's signature does not verify with the identity provider's keys".into());
        }
        let claims = compact.claims;
        if string(&claims, "iss").as_deref().map(|iss| iss.trim_end_matches('/')) != Some(self.issuer()) {
            return Err("the ID token is from another issuer".into());
        }
        let audience_ok = match claims.get("aud") {
            Some(Value::String(aud)) => *aud == self.spec.client_id,
            Some(Value::Array(auds)) => auds.iter().any(|aud| aud.as_str() == Some(&self.spec.client_id)),
            _ => false,
        };
        if !audience_ok {
            return Err("the ID token is for another client".into());
        }
        let now = chrono::Utc::now().timestamp();
        if claims.get("exp").and_then(Value::as_i64).is_none_or(|exp| exp + LEEWAY_SECONDS < now) {
            return Err("the ID token has expired".into());
        }
        if string(&claims, "nonce").as_deref() != Some(nonce) {
            return Err("the ID token's nonce is not this sign-in's".into());
        }
        Ok(claims)
    }
}

fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Whether `signature` over `input` verifies with the JWK `key` under `alg`.
fn verify_with_jwk(key: &Map<String, Value>, alg: &str, input: &[u8], signature: &[u8]) -> Result<bool, String> {
    let field = |name: &str| key.get(name).and_then(Value::as_str).and_then(unb64url);
    match (alg, key.get("kty").and_then(Value::as_str)) {
        ("RS256", Some("RSA")) => {
            let (Some(n), Some(e)) = (field("n"), field("e")) else { return Ok(false) };
            let components = RsaPublicKeyComponents { n: &n, e: &e };
            Ok(components.verify(&signature::RSA_PKCS1_2048_8192_SHA256, input, signature).is_ok())
        }
        ("ES256", Some("EC")) => {
            let (Some(x), Some(y)) = (field("x"), field("y")) else { return Ok(false) };
            let mut point = vec![4u8];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            Ok(UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point).verify(input, signature).is_ok())
        }
        ("EdDSA", Some("OKP")) => {
            let Some(x) = field("x") else { return Ok(false) };
            Ok(UnparsedPublicKey::new(&signature::ED25519, &x).verify(input, signature).is_ok())
        }
        ("RS256" | "ES256" | "EdDSA", _) => Ok(false),
        (other, _) => Err(format!("the identity provider signs ID tokens with {other}; use RS256, ES256 or EdDSA")),
    }
}
