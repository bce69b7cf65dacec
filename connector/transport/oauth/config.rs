//! The tenants file's `oauth:` section and each tenant's `people`, as written and checked.

use std::path::PathBuf;

use serde::Deserialize;

/// `oauth:` as the file says it; [`OAuthSpec::check`] says what it means.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthSpec {
    pub public_url: String,
    pub signing_key_file: PathBuf,
    #[serde(default = "default_access_ttl")]
    pub access_token_ttl_seconds: u64,
    #[serde(default = "default_refresh_ttl")]
    pub refresh_token_ttl_seconds: u64,
    pub store_url: Option<String>,
    pub identity_provider: IdentityProviderSpec,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityProviderSpec {
    pub issuer: String,
    pub client_id: String,
    pub client_secret_env: Option<String>,
    pub client_secret_file: Option<PathBuf>,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
}

fn default_access_ttl() -> u64 {
    3600
}
fn default_refresh_ttl() -> u64 {
    30 * 24 * 3600
}
fn default_scopes() -> Vec<String> {
    ["openid", "email", "profile"].map(String::from).to_vec()
}
fn default_groups_claim() -> String {
    "groups".into()
}

/// Who may sign in to a tenant: any one rule admits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct People {
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub email_domains: Vec<String>,
    #[serde(default)]
    pub groups: Vec<String>,
}

impl People {
    pub fn is_empty(&self) -> bool {
        self.emails.is_empty() && self.email_domains.is_empty() && self.groups.is_empty()
    }

    /// Whether the person with `email` (verified by the identity provider) and `groups` is admitted.
    pub fn admits(&self, email: &str, groups: &[String]) -> bool {
        let email = email.trim();
        let domain = email.rsplit_once('@').map(|(_, domain)| domain);
        self.emails.iter().any(|allowed| allowed.trim().eq_ignore_ascii_case(email))
            || domain.is_some_and(|domain| {
                self.email_domains
                    .iter()
                    .any(|allowed| allowed.trim().trim_start_matches('@').eq_ignore_ascii_case(domain))
            })
            || self.groups.iter().any(|allowed| groups.iter().any(|group| group == allowed))
    }
}

/// Whether `url` may be used without TLS: only on the machine itself.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// An https URL, or http on loopback; `what` names it in the error.
pub fn secure_url(what: &str, text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("{what} `{text}` is not a URL ({e})"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(format!("{what} `{text}` must be https (plain http only for localhost/127.0.0.1/[::1])")),
    }
}

impl OAuthSpec {
    /// Checks what the file alone can tell; the error names the field and the fix.
    pub fn check(&self) -> Result<(), String> {
        let public = secure_url("oauth.public_url", &self.public_url)?;
        if public.path() != "/" || public.query().is_some() || public.fragment().is_some() {
            return Err(format!(
                "oauth.public_url `{}` must be the server's origin only (such as https://admin-mcp.example.com), without a path: /mcp and the OAuth endpoints are served under it",
                self.public_url
            ));
        }
        if self.access_token_ttl_seconds == 0 || self.refresh_token_ttl_seconds == 0 {
            return Err("oauth.access_token_ttl_seconds and oauth.refresh_token_ttl_seconds must be positive".into());
        }
        let idp = &self.identity_provider;
        secure_url("oauth.identity_provider.issuer", &idp.issuer)?;
        if idp.client_id.trim().is_empty() {
            return Err(
                "oauth.identity_provider.client_id is empty: give the client id registered at the identity provider"
                    .into(),
            );
        }
        match (&idp.client_secret_env, &idp.client_secret_file) {
            (Some(_), Some(_)) => {
                return Err(
                    "oauth.identity_provider has both client_secret_env and client_secret_file: keep one".into()
                );
            }
            (None, None) => {
                return Err("oauth.identity_provider needs client_secret_env: VARIABLE or client_secret_file: /path (the secret of its client at the identity provider)".into());
            }
            _ => {}
        }
        if !idp.scopes.iter().any(|scope| scope == "openid") {
            return Err("oauth.identity_provider.scopes must include openid".into());
        }
        if let Some(store) = &self.store_url {
            super::store::RedisAddress::parse(store)?;
        }
        Ok(())
    }

    /// The origin without a trailing slash.
    pub fn origin(&self) -> String {
        self.public_url.trim_end_matches('/').to_string()
    }

    /// Reads the identity provider's client secret (at start and at each reload).
    pub fn client_secret(&self) -> Result<String, String> {
        let idp = &self.identity_provider;
        let secret = match (&idp.client_secret_env, &idp.client_secret_file) {
            (Some(name), _) => std::env::var(name).map_err(|_| {
                format!("oauth.identity_provider.client_secret_env {name} is not set in the server's environment")
            })?,
            (None, Some(path)) => std::fs::read_to_string(path).map_err(|e| {
                format!("oauth.identity_provider.client_secret_file {}: cannot read it: {e}", path.display())
            })?,
            (None, None) => String::new(),
        };
        let secret = secret.trim().to_string();
        if secret.is_empty() {
            return Err("oauth.identity_provider's client secret is empty".into());
        }
        Ok(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_one_rule_admits() {
        let people = People {
            emails: vec!["Ana@Acme.example".into()],
            email_domains: vec!["beta.example".into()],
            groups: vec!["claude-admins".into()],
        };
        assert!(people.admits("ana@acme.example", &[]));
        assert!(people.admits("bo@beta.example", &[]));
        assert!(people.admits("cy@other.example", &["claude-admins".into()]));
        assert!(!people.admits("cy@other.example", &["staff".into()]));
        assert!(!people.admits("bo@notbeta.example", &[]));
    }

    #[test]
    fn urls_must_be_https_or_loopback() {
        assert!(secure_url("x", "https://a.example").is_ok());
        assert!(secure_url("x", "http://127.0.0.1:8080").is_ok());
        assert!(secure_url("x", "http://localhost").is_ok());
        assert!(secure_url("x", "http://a.example").unwrap_err().contains("https"));
    }
}
