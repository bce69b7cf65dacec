//! `serve --http` with an `oauth:` section: the real binary as the OAuth authorization
//! server and protected resource, people signing in at an OpenID Connect provider on
//! 127.0.0.1 ([`crate::oauth_idp`]), tools answered with the tenant's admin key.
//! The public URL is `https://admin-mcp.example.com`; requests to it are sent to the
//! local listener (as a TLS proxy in front would).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use claude_code_connector::runtime::http::install_crypto_provider;
use claude_code_connector::transport::oauth::jws::{SigningKey, random_id, sha256_b64url};
use claude_code_connector::transport::tenants::{hex, token_sha256};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use crate::binary;
use crate::oauth_idp::{FakeIdp, IDP_SECRET};

const PUBLIC: &str = "https://admin-mcp.example.com";
const RESOURCE: &str = "https://admin-mcp.example.com/mcp";
const CLIENT_REDIRECT: &str = "http://127.0.0.1:33418/callback";
const BETA_TOKEN: &str = "ccc_beta-static-token-for-tests";
const BETA_KEY: &str = "sk-ant-admin01-beta-tenant-key-0000";

/// acme: ana, or the claude-admins group; beta (read-only): anyone at beta.example, the
/// claude-admins group, or its static token.
fn tenants_yaml(dir: &Path, issuer: &str, access_ttl: u64, acme_emails: &str) -> String {
    let key_file = dir.join("beta.key");
    std::fs::write(&key_file, format!("{BETA_KEY}\n")).unwrap();
    format!(
        "oauth:\n  public_url: {PUBLIC}\n  signing_key_file: {}\n  access_token_ttl_seconds: {access_ttl}\n  identity_provider:\n    issuer: {issuer}\n    client_id: claude-code-connector\n    client_secret_env: CCC_IDP_CLIENT_SECRET\ntenants:\n  - id: acme\n    people:\n      emails: [{acme_emails}]\n      groups: [claude-admins]\n    admin_key_env: ACME_ADMIN_KEY\n  - id: beta\n    people:\n      email_domains: [beta.example]\n      groups: [claude-admins]\n    token_sha256: [{}]\n    admin_key_file: {}\n    read_only: true\n",
        dir.join("signing.key").display(),
        hex(&token_sha256(BETA_TOKEN)),
        key_file.display()
    )
}

struct Served {
    child: Child,
    url: String,
    dir: PathBuf,
    stderr: Arc<Mutex<String>>,
    http: reqwest::Client,
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccc-oauth-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `oauth-key --out FILE`, as an operator runs it.
async fn write_key(file: &Path) {
    let out = binary::command(&["oauth-key", "--out", &file.display().to_string()]).output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

impl Served {
    async fn start(fake: &FakeAdminApi, name: &str, tenants: impl FnOnce(&Path) -> String) -> Served {
        let dir = scratch_dir(name);
        write_key(&dir.join("signing.key")).await;
        std::fs::write(dir.join("tenants.yaml"), tenants(&dir)).unwrap();
        let tenants = dir.join("tenants.yaml").display().to_string();
        let mut command = binary::command(&["serve", "--http", "127.0.0.1:0", "--tenants", &tenants]);
        command
            .env("ACME_ADMIN_KEY", FAKE_ADMIN_KEY)
            .env("CCC_IDP_CLIENT_SECRET", IDP_SECRET)
            .env("CLAUDE_CODE_CONNECTOR_BASE_URL", fake.base_url())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let stderr = Arc::new(Mutex::new(String::new()));
        let url = loop {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await.unwrap().unwrap();
            let line = line.unwrap_or_else(|| panic!("the server exited: {}", stderr.lock().unwrap()));
            stderr.lock().unwrap().push_str(&format!("{line}\n"));
            if let Some((_, rest)) = line.split_once("serving MCP at ") {
                break rest.split_whitespace().next().unwrap().trim_end_matches("/mcp").to_string();
            }
        };
        let collected = Arc::clone(&stderr);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                collected.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        install_crypto_provider();
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Served { child, url, dir, stderr, http }
    }

    /// A public URL, sent to the local listener.
    fn local(&self, url: &str) -> String {
        url.replace(PUBLIC, &self.url)
    }

    fn key_file(&self) -> PathBuf {
        self.dir.join("signing.key")
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.http.get(format!("{}{path}", self.url)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, json_of(response).await)
    }

    /// tools/call with `token`: the HTTP status, the `WWW-Authenticate` and the JSON answer.
    async fn call(&self, token: &str, tool: &str, arguments: Value) -> (u16, String, Value) {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments}});
        let response = self
            .http
            .post(format!("{}/mcp", self.url))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .bearer_auth(token)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let challenge =
            response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        (status, challenge, json_of(response).await)
    }

    async fn register(&self) -> String {
        let response = self
            .http
            .post(format!("{}/register", self.url))
            .header("content-type", "application/json")
            .body(json!({"redirect_uris": [CLIENT_REDIRECT], "client_name": "test client", "token_endpoint_auth_method": "none"}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        let answer = json_of(response).await;
        answer["client_id"].as_str().unwrap().to_string()
    }

    /// The browser's part: `/authorize`, the provider, the callback; the page or the code.
    async fn sign_in(&self, client_id: &str, verifier: &str) -> SignIn {
        let mut authorize = url::Url::parse(&format!("{}/authorize", self.url)).unwrap();
        authorize
            .query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", CLIENT_REDIRECT)
            .append_pair("code_challenge", &sha256_b64url(verifier))
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", "client-state")
            .append_pair("resource", RESOURCE);
        let response = self.http.get(authorize).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 302, "{:?}", response.text().await);
        let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let at_idp = response.headers()["location"].to_str().unwrap().to_string();
        let back = self.http.get(at_idp).send().await.unwrap();
        assert_eq!(back.status().as_u16(), 302);
        let callback = self.local(back.headers()["location"].to_str().unwrap());
        let answer = self.http.get(callback).header("cookie", &cookie).send().await.unwrap();
        SignIn::from(answer, cookie).await
    }

    async fn choose(&self, page: &str, cookie: &str, tenant: &str) -> SignIn {
        let choice = page.split("name=\"choice\" value=\"").nth(1).unwrap().split('"').next().unwrap();
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("choice", choice)
            .append_pair("tenant", tenant)
            .finish();
        let response = self
            .http
            .post(format!("{}/oauth/choose", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .body(form)
            .send()
            .await
            .unwrap();
        SignIn::from(response, cookie.to_string()).await
    }

    async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let response = self
            .http
            .post(format!("{}/token", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), json_of(response).await)
    }

    async fn redeem(&self, client_id: &str, code: &str, verifier: &str) -> (u16, Value) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", client_id),
            ("redirect_uri", CLIENT_REDIRECT),
            ("code_verifier", verifier),
            ("resource", RESOURCE),
        ])
        .await
    }

    async fn refresh(&self, client_id: &str, refresh: &str) -> (u16, Value) {
        self.token(&[("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", client_id)]).await
    }

    /// Register, sign in as whoever the provider says, redeem: the token answer.
    async fn tokens_for(&self, client_id: &str) -> Value {
        let verifier = random_id();
        let SignIn::Code(code) = self.sign_in(client_id, &verifier).await else { panic!("no code") };
        let (status, answer) = self.redeem(client_id, &code, &verifier).await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    fn signal(&self, name: &str) {
        let pid = self.child.id().unwrap().to_string();
        assert!(std::process::Command::new("kill").args([&format!("-{name}"), &pid]).status().unwrap().success());
    }

    /// SIGHUP, then waits until the reload is reported.
    async fn reload(&self) {
        let before = self.stderr.lock().unwrap().matches("reloaded the tenants file").count();
        self.signal("HUP");
        for _ in 0..500 {
            if self.stderr.lock().unwrap().matches("reloaded the tenants file").count() > before {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no reload: {}", self.stderr.lock().unwrap());
    }

    async fn stop(mut self) -> String {
        self.signal("TERM");
        let _ = tokio::time::timeout(Duration::from_secs(60), self.child.wait()).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = std::fs::remove_dir_all(&self.dir);
        self.stderr.lock().unwrap().clone()
    }
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_str(&response.text().await.unwrap_or_default()).unwrap_or(Value::Null)
}

enum SignIn {
    Code(String),
    Page(u16, String, String),
}

impl SignIn {
    async fn from(response: reqwest::Response, cookie: String) -> SignIn {
        let status = response.status().as_u16();
        if status == 302 {
            let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
            assert!(location.as_str().starts_with(CLIENT_REDIRECT), "{location}");
            let query: HashMap<String, String> = location.query_pairs().into_owned().collect();
            assert_eq!(query.get("state").map(String::as_str), Some("client-state"));
            return SignIn::Code(query.get("code").unwrap_or_else(|| panic!("no code: {location}")).clone());
        }
        SignIn::Page(status, response.text().await.unwrap(), cookie)
    }
}

fn claims_of(token: &str) -> Value {
    let part = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&claude_code_connector::transport::oauth::jws::unb64url(part).unwrap()).unwrap()
}

fn header_of(token: &str) -> Value {
    let part = token.split('.').next().unwrap();
    serde_json::from_slice(&claude_code_connector::transport::oauth::jws::unb64url(part).unwrap()).unwrap()
}

/// An access token signed with the key in `file`, claims as given.
fn mint(file: &Path, claims: Value) -> String {
    SigningKey::read(file).unwrap().sign("at+jwt", &claims)
}

fn access_claims(aud: &str, exp_in: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"iss": PUBLIC, "aud": aud, "sub": "ana@acme.example", "tenant": "acme", "iat": now, "exp": now + exp_in, "jti": "t"})
}

#[tokio::test]
async fn a_person_signs_in_and_calls_with_the_tenants_key_and_is_audited() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let idp = FakeIdp::start().await;
    let served = Served::start(&fake, "flow", |dir| tenants_yaml(dir, &idp.issuer, 3600, "ana@acme.example")).await;

    let (status, resource) = served.get("/.well-known/oauth-protected-resource/mcp").await;
    assert_eq!(status, 200);
    assert_eq!(resource["resource"], RESOURCE);
    assert_eq!(resource["authorization_servers"], json!([PUBLIC]));
    assert_eq!(served.get("/.well-known/oauth-protected-resource").await.1, resource);
    let (_, metadata) = served.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(metadata["issuer"], PUBLIC);
    assert_eq!(metadata["token_endpoint"], format!("{PUBLIC}/token"));
    assert_eq!(metadata["registration_endpoint"], format!("{PUBLIC}/register"));
    assert!(metadata["code_challenge_methods_supported"].as_array().unwrap().contains(&json!("S256")));
    assert_eq!(metadata["client_id_metadata_document_supported"], true);
    let preflight = served
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/token", served.url))
        .header("origin", "http://localhost:6274")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 204);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*", "browser clients may read the token endpoint");

    let (status, challenge, _) = served.call("not-a-token", "claude_code_get_org_info", json!({})).await;
    assert_eq!(status, 401);
    assert!(
        challenge.contains(&format!("resource_metadata=\"{PUBLIC}/.well-known/oauth-protected-resource/mcp\"")),
        "{challenge}"
    );

    idp.sign_in_as("ana@acme.example", &[]);
    let client_id = served.register().await;
    let verifier = random_id();
    let SignIn::Code(code) = served.sign_in(&client_id, &verifier).await else { panic!("ana gets a code") };
    let (status, answer) = served.redeem(&client_id, &code, "another-verifier").await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("invalid_grant")), "PKCE: {answer}");
    let (status, tokens) = served.redeem(&client_id, &code, &verifier).await;
    assert_eq!(status, 200, "{tokens}");
    let (status, again) = served.redeem(&client_id, &code, &verifier).await;
    assert_eq!((status, again["error"].as_str()), (400, Some("invalid_grant")), "a code is used once: {again}");

    let access = tokens["access_token"].as_str().unwrap();
    let claims = claims_of(access);
    assert_eq!(
        (claims["aud"].as_str(), claims["tenant"].as_str(), claims["sub"].as_str()),
        (Some(RESOURCE), Some("acme"), Some("ana@acme.example"))
    );
    fake.clear_requests();
    let (status, _, invite) =
        served.call(access, "claude_code_create_invite", json!({"email": "new@acme.example", "role": "user"})).await;
    assert_eq!(status, 200);
    assert_ne!(invite["result"]["isError"], true, "{invite}");
    let requests = fake.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        assert_eq!(request.headers.get("x-api-key").map(String::as_str), Some(FAKE_ADMIN_KEY));
        assert!(!request.headers.values().any(|value| value.contains(access)), "the OAuth token never goes upstream");
    }

    // Refresh rotates; the spent refresh token presented again revokes the whole grant.
    let first = tokens["refresh_token"].as_str().unwrap();
    let (status, rotated) = served.refresh(&client_id, first).await;
    assert_eq!(status, 200, "{rotated}");
    let second = rotated["refresh_token"].as_str().unwrap();
    assert_ne!(second, first);
    let (status, reused) = served.refresh(&client_id, first).await;
    assert_eq!((status, reused["error"].as_str()), (400, Some("invalid_grant")), "{reused}");
    let (status, revoked) = served.refresh(&client_id, second).await;
    assert_eq!((status, revoked["error"].as_str()), (400, Some("invalid_grant")), "the grant is revoked: {revoked}");

    let stderr = served.stop().await;
    let audited = stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .any(|line| line["audit"] == "write" && line["tenant"] == "acme" && line["person"] == "ana@acme.example");
    assert!(audited, "the write names the person: {stderr}");
    assert!(!stderr.contains(access) && !stderr.contains(IDP_SECRET), "{stderr}");
}

#[tokio::test]
async fn people_of_no_tenant_get_no_code_and_people_of_several_choose() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    fake.accept_key(BETA_KEY);
    let idp = FakeIdp::start().await;
    let served = Served::start(&fake, "choose", |dir| tenants_yaml(dir, &idp.issuer, 3600, "ana@acme.example")).await;
    let client_id = served.register().await;

    idp.sign_in_as("zed@nowhere.example", &["staff"]);
    let SignIn::Page(status, page, _) = served.sign_in(&client_id, &random_id()).await else {
        panic!("no code for zed")
    };
    assert_eq!(status, 403);
    assert!(page.contains("zed@nowhere.example") && page.contains("no tenant"), "{page}");

    idp.sign_in_as("cy@other.example", &["claude-admins"]);
    let verifier = random_id();
    let SignIn::Page(status, page, cookie) = served.sign_in(&client_id, &verifier).await else { panic!("cy chooses") };
    assert_eq!(status, 200);
    assert!(page.contains("value=\"acme\"") && page.contains("value=\"beta\""), "{page}");
    let SignIn::Page(status, _, _) = served.choose(&page, "ccc_signin=someone-else", "beta").await else { panic!() };
    assert_eq!(status, 400, "the choice is bound to the browser that signed in");
    let SignIn::Code(code) = served.choose(&page, &cookie, "beta").await else { panic!("a code for beta") };
    let (_, tokens) = served.redeem(&client_id, &code, &verifier).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(claims_of(access)["tenant"], "beta", "the choice is in the token");
    let (status, _, refused) =
        served.call(access, "claude_code_create_invite", json!({"email": "x@example.com", "role": "user"})).await;
    assert_eq!(status, 200);
    assert!(
        refused.to_string().contains("read-only") || refused.to_string().contains("read_only"),
        "beta's policy: {refused}"
    );

    // The static token of the same tenant still works beside OAuth.
    let (status, _, listed) = served.call(BETA_TOKEN, "claude_code_list_users", json!({"per_page": 1})).await;
    assert_eq!(status, 200);
    assert_ne!(listed["result"]["isError"], true, "{listed}");
    served.stop().await;
}

#[tokio::test]
async fn tokens_for_another_resource_expired_unknown_or_in_the_url_are_refused() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let idp = FakeIdp::start().await;
    let served = Served::start(&fake, "refused", |dir| tenants_yaml(dir, &idp.issuer, 3600, "ana@acme.example")).await;
    let key = served.key_file();

    let good = mint(&key, access_claims(RESOURCE, 300));
    let (status, _, answer) = served.call(&good, "claude_code_get_org_info", json!({})).await;
    assert_eq!(status, 200, "a well-formed token of this server is accepted: {answer}");

    let other_resource = mint(&key, access_claims("https://other.example.com/mcp", 300));
    let expired = mint(&key, access_claims(RESOURCE, -5));
    let stranger = served.dir.join("stranger.key");
    write_key(&stranger).await;
    let unknown_key = mint(&stranger, access_claims(RESOURCE, 300));
    for (what, token) in [("another resource", &other_resource), ("expired", &expired), ("unknown key", &unknown_key)] {
        let (status, challenge, _) = served.call(token, "claude_code_get_org_info", json!({})).await;
        assert_eq!(status, 401, "{what}");
        assert!(challenge.contains("resource_metadata=") && challenge.contains("invalid_token"), "{what}: {challenge}");
    }

    let response = served
        .http
        .post(format!("{}/mcp?access_token={good}", served.url))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401, "a token in the query string is refused");
    served.stop().await;
}

#[tokio::test]
async fn static_tenants_advertise_no_oauth() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let served = Served::start(&fake, "static", |dir| {
        let key_file = dir.join("beta.key");
        std::fs::write(&key_file, format!("{BETA_KEY}\n")).unwrap();
        format!(
            "tenants:\n  - id: beta\n    token_sha256: [{}]\n    admin_key_file: {}\n",
            hex(&token_sha256(BETA_TOKEN)),
            key_file.display()
        )
    })
    .await;
    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-authorization-server",
        "/authorize?client_id=x",
    ] {
        assert_eq!(served.get(path).await.0, 404, "{path}");
    }
    let (status, _) = served.token(&[("grant_type", "refresh_token"), ("refresh_token", "x")]).await;
    assert_eq!(status, 404);
    let (status, challenge, _) = served.call("not-a-token", "claude_code_get_org_info", json!({})).await;
    assert_eq!(status, 401);
    assert!(!challenge.contains("resource_metadata"), "{challenge}");
    let minted = mint(&served.key_file(), access_claims(RESOURCE, 300));
    assert_eq!(
        served.call(&minted, "claude_code_get_org_info", json!({})).await.0,
        401,
        "no OAuth tokens without oauth:"
    );
    served.stop().await;
}

#[tokio::test]
async fn a_new_signing_key_takes_over_while_the_previous_one_verifies_its_access_tokens() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let idp = FakeIdp::start().await;
    let served = Served::start(&fake, "rotate", |dir| tenants_yaml(dir, &idp.issuer, 3600, "ana@acme.example")).await;
    idp.sign_in_as("ana@acme.example", &[]);
    let client_id = served.register().await;
    let before = served.tokens_for(&client_id).await;
    let old_access = before["access_token"].as_str().unwrap().to_string();
    let old_kid = header_of(&old_access)["kid"].clone();
    let short_lived = mint(&served.key_file(), access_claims(RESOURCE, 2));

    write_key(&served.key_file()).await;
    served.reload().await;

    let (status, _, _) = served.call(&old_access, "claude_code_get_org_info", json!({})).await;
    assert_eq!(status, 200, "the previous key still verifies its access tokens");
    let after = served.tokens_for(&client_id).await;
    let new_access = after["access_token"].as_str().unwrap();
    assert_ne!(header_of(new_access)["kid"], old_kid, "new tokens use the new key");
    assert_eq!(served.call(new_access, "claude_code_get_org_info", json!({})).await.0, 200);
    let (status, refused) = served.refresh(&client_id, before["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("invalid_grant")),
        "a rotation ends sessions: {refused}"
    );

    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(served.call(&short_lived, "claude_code_get_org_info", json!({})).await.0, 401, "until they expire");
    served.stop().await;
}

#[tokio::test]
async fn a_person_removed_from_people_cannot_refresh_after_sighup() {
    let fake = FakeAdminApi::start(Dataset::demo(5, 5, "2026-03-05")).await;
    let idp = FakeIdp::start().await;
    let issuer = idp.issuer.clone();
    let served = Served::start(&fake, "remove", |dir| tenants_yaml(dir, &issuer, 3600, "ana@acme.example")).await;
    idp.sign_in_as("ana@acme.example", &[]);
    let client_id = served.register().await;
    let tokens = served.tokens_for(&client_id).await;
    let (status, rotated) = served.refresh(&client_id, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{rotated}");

    std::fs::write(served.dir.join("tenants.yaml"), tenants_yaml(&served.dir, &issuer, 3600, "bo@acme.example"))
        .unwrap();
    served.reload().await;
    let (status, refused) = served.refresh(&client_id, rotated["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_grant")), "{refused}");
    assert!(refused["error_description"].as_str().unwrap().contains("no longer"), "{refused}");
    let access = rotated["access_token"].as_str().unwrap();
    assert_eq!(
        served.call(access, "claude_code_get_org_info", json!({})).await.0,
        200,
        "the access token lapses with its TTL"
    );
    served.stop().await;
}
