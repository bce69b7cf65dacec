//! `serve --http` as an OAuth 2.1 protected resource and the authorization server its
//! clients (claude.ai, Claude Desktop, Claude Code) see, on when the tenants file has an
//! `oauth:` section. People sign in at the organization's OpenID Connect provider
//! ([`idp`]); their `people` rules pick the tenant; the server then issues its own
//! signed, audience-bound tokens ([`tokens`]), which any replica verifies with the
//! signing key file alone. Only what is used once (codes, refresh tokens) is shared
//! state ([`store`]: memory, or Redis with several replicas).
//!
//! Routes ([`routes`]): the RFC 9728 and RFC 8414 metadata ([`endpoints`]), dynamic
//! client registration and client ID metadata documents ([`clients`]), `/authorize`
//! with the provider's round trip and the tenant choice ([`signin`]), `/token`.
//! Without `oauth:` every one of them is 404 and nothing advertises OAuth.

pub mod clients;
pub mod config;
pub mod endpoints;
pub mod idp;
pub mod jws;
pub mod signin;
pub mod store;
pub mod tokens;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

pub use self::config::{OAuthSpec, People};
use self::idp::IdentityProvider;
use self::jws::{SigningKey, VerifyingKey};
use self::store::Store;
pub use self::tokens::Access;

/// The OAuth side of the server as the tenants file last said it, swapped whole at
/// SIGHUP; `None` when the file has no `oauth:` section.
#[derive(Default)]
pub struct Door {
    active: RwLock<Option<Arc<Server>>>,
}

/// OAuth in force: settings, keys, the store and who may sign in to which tenant.
pub struct Server {
    pub spec: OAuthSpec,
    pub origin: String,
    /// The audience of access tokens: `public_url` + `/mcp`.
    pub resource: String,
    pub key: SigningKey,
    /// The key before the last rotation: it still verifies access tokens and client
    /// registrations (never refresh tokens: a rotation ends every session).
    pub previous: Option<VerifyingKey>,
    pub store: Arc<Store>,
    pub idp: Arc<IdentityProvider>,
    /// Each OAuth tenant's id and `people`, in file order.
    pub people: Vec<(String, People)>,
    pub http: reqwest::Client,
}

/// A new OAuth configuration, read and checked, not yet in force.
pub struct Prepared(Option<Arc<Server>>);

impl Server {
    pub fn access_ttl(&self) -> Duration {
        Duration::from_secs(self.spec.access_token_ttl_seconds)
    }

    pub fn refresh_ttl(&self) -> Duration {
        Duration::from_secs(self.spec.refresh_token_ttl_seconds)
    }

    /// Keys that verify access tokens, codes and client registrations.
    pub fn keys(&self) -> Vec<VerifyingKey> {
        let mut keys = vec![self.key.verifying()];
        keys.extend(self.previous.clone());
        keys
    }

    /// The tenants whose `people` admit this person, in file order.
    pub fn tenants_for(&self, email: &str, groups: &[String]) -> Vec<String> {
        self.people.iter().filter(|(_, people)| people.admits(email, groups)).map(|(id, _)| id.clone()).collect()
    }

    pub fn admits(&self, tenant: &str, email: &str, groups: &[String]) -> bool {
        self.people.iter().any(|(id, people)| id == tenant && people.admits(email, groups))
    }

    /// The server's callback at the identity provider.
    pub fn callback_url(&self) -> String {
        format!("{}/oauth/callback", self.origin)
    }

    /// Whether a `resource` parameter names this server (RFC 8707).
    pub fn is_our_resource(&self, resource: &str) -> bool {
        let resource = resource.trim_end_matches('/');
        resource == self.resource || resource == self.origin
    }
}

impl Door {
    /// The OAuth in force, if any.
    pub fn current(&self) -> Option<Arc<Server>> {
        self.active.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Reads `spec`'s key file and secret and builds what it describes; the key in force
    /// becomes the previous one when the file holds a new key, and the memory store is
    /// kept, so a reload forgets nothing that was used.
    pub fn prepare(&self, spec: Option<&OAuthSpec>, people: Vec<(String, People)>) -> Result<Prepared, String> {
        let Some(spec) = spec else { return Ok(Prepared(None)) };
        spec.check()?;
        let key = SigningKey::read(&spec.signing_key_file)?;
        let current = self.current();
        let previous = match &current {
            Some(active) if active.key.kid() != key.kid() => Some(active.key.verifying()),
            Some(active) => active.previous.clone(),
            None => None,
        };
        let store = match &current {
            Some(active) if active.spec.store_url == spec.store_url => Arc::clone(&active.store),
            _ => Arc::new(Store::new(spec.store_url.as_deref())?),
        };
        let idp = Arc::new(IdentityProvider::new(spec.identity_provider.clone(), spec.client_secret()?)?);
        let origin = spec.origin();
        Ok(Prepared(Some(Arc::new(Server {
            resource: format!("{origin}/mcp"),
            origin,
            spec: spec.clone(),
            key,
            previous,
            store,
            idp,
            people,
            http: idp::http_client()?,
        }))))
    }

    pub fn commit(&self, prepared: Prepared) {
        *self.active.write().unwrap_or_else(std::sync::PoisonError::into_inner) = prepared.0;
    }

    /// The `WWW-Authenticate` of a 401 on `/mcp`: it points to the resource metadata
    /// when OAuth is on, and advertises nothing otherwise.
    pub fn challenge(&self, error: Option<&str>) -> String {
        match self.current() {
            Some(server) => {
                let error = error.map(|error| format!(", error=\"{error}\"")).unwrap_or_default();
                format!(
                    "Bearer resource_metadata=\"{}/.well-known/oauth-protected-resource/mcp\"{error}",
                    server.origin
                )
            }
            None => "Bearer realm=\"claude-code-connector\"".to_string(),
        }
    }

    /// The tenant and person of an access token this server issued for itself.
    pub fn verify(&self, token: &str) -> Option<Access> {
        let server = self.current()?;
        match tokens::verify_access(&server, token) {
            Ok(access) => Some(access),
            Err(why) => {
                tracing::debug!(why, "access token refused");
                None
            }
        }
    }
}

/// The OAuth routes; each answers 404 while OAuth is off. The metadata, registration
/// and token endpoints answer browsers of any origin (clients such as the MCP
/// Inspector run in one; no cookie or credential is involved there).
pub fn routes(door: Arc<Door>) -> Router {
    let open = Router::new()
        .route(
            "/.well-known/oauth-protected-resource",
            get(endpoints::protected_resource).options(endpoints::preflight),
        )
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            get(endpoints::protected_resource).options(endpoints::preflight),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(endpoints::authorization_server).options(endpoints::preflight),
        )
        .route("/register", post(clients::register).options(endpoints::preflight))
        .route("/token", post(endpoints::token).options(endpoints::preflight))
        .layer(axum::middleware::map_response(endpoints::any_origin));
    Router::new()
        .route("/authorize", get(signin::authorize))
        .route("/oauth/callback", get(signin::callback))
        .route("/oauth/choose", post(signin::choose))
        .merge(open)
        .with_state(door)
}
