//! Tenants of `serve --http`: who may call, with which admin key, under which policy.
//!
//! A tenants file (YAML) lists each tenant's id, the SHA-256 of the bearer tokens that
//! select it, where its admin key is (an environment variable or a file, never inline),
//! its least-privilege limits and how many calls it may have in flight:
//!
//! ```yaml
//! tenants:
//!   - id: acme
//!     token_sha256: [9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08]
//!     admin_key_env: ACME_ADMIN_KEY
//!     read_only: false
//!     tools: ["*"]
//!     workspaces: [wrkspc_01]
//!     allow_organization_writes: false   # with workspaces: also invites, roles, new workspaces
//!     max_role: developer
//!     max_concurrent_calls: 16
//! ```
//!
//! With a top-level `oauth:` section (see [`crate::transport::oauth`]) people may also
//! sign in from Claude; a tenant's `people` (emails, email_domains, groups) say who, and
//! such a tenant needs no `token_sha256`.
//!
//! Everything that can be judged from the file alone is checked while it is read, so a
//! mistake is reported with its line and column and the fix.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use ring::rand::{SecureRandom, SystemRandom};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use super::files;
use super::oauth::{OAuthSpec, People};
use crate::generated::tools::DEFINITIONS;
use crate::pipeline::policy::Policy;
use crate::runtime::AdminKey;

/// The environment variable that names the tenants file (or `--tenants`).
pub const TENANTS_VAR: &str = "CLAUDE_CODE_CONNECTOR_TENANTS";

/// Calls a tenant may have in flight unless its entry says otherwise.
pub const DEFAULT_MAX_CONCURRENT_CALLS: usize = 16;

/// The most `max_concurrent_calls` may say.
const MAX_CONCURRENT_CALLS_LIMIT: usize = 4096;

/// A SHA-256 digest (of a bearer token).
pub use crate::runtime::digest::{Sha256, hex};

/// One tenant as its file entry describes it, checked.
#[derive(Debug, Clone)]
pub struct TenantSpec {
    pub id: String,
    pub token_sha256: Vec<Sha256>,
    pub key: KeySource,
    pub policy: Policy,
    pub max_concurrent_calls: usize,
    /// Who may sign in to this tenant by OAuth.
    pub people: Option<People>,
}

/// The whole tenants file: the tenants and the OAuth section, if any.
#[derive(Debug, Clone)]
pub struct TenantsConfig {
    pub tenants: Vec<TenantSpec>,
    pub oauth: Option<OAuthSpec>,
}

impl TenantsConfig {
    /// Each OAuth tenant's id and `people`.
    pub fn people(&self) -> Vec<(String, People)> {
        self.tenants.iter().filter_map(|tenant| Some((tenant.id.clone(), tenant.people.clone()?))).collect()
    }
}

/// Where a tenant's admin key is read from, at start and at each reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env(String),
    File(PathBuf),
}

impl KeySource {
    /// Reads the key (a file: only a small regular file, see [`files`]); the error names
    /// where it looked, never what it found. Blocking: a server calls it off its runtime.
    pub fn read(&self, tenant: &str) -> Result<AdminKey, String> {
        let key = match self {
            KeySource::Env(name) => std::env::var(name).map_err(|_| {
                format!("tenant `{tenant}`: admin_key_env {name} is not set in the server's environment; set it, or point admin_key_file at a file holding the key")
            })?,
            KeySource::File(path) => {
                warn_if_others_can_read(tenant, path);
                files::read_regular_file(path, files::MAX_KEY_FILE_BYTES).map_err(|e| {
                    format!("tenant `{tenant}`: cannot read admin_key_file {}: {e}", path.display())
                })?
            }
        };
        let key = AdminKey::new(key);
        if key.is_empty() {
            let place = match self {
                KeySource::Env(name) => format!("admin_key_env {name}"),
                KeySource::File(path) => format!("admin_key_file {}", path.display()),
            };
            return Err(format!(
                "tenant `{tenant}`: {place} is empty; put the tenant's admin key (sk-ant-admin...) there"
            ));
        }
        if !key.looks_like_admin_key() {
            tracing::warn!(
                tenant,
                "the admin key does not start with sk-ant-admin: the Admin API refuses ordinary API keys"
            );
        }
        Ok(key)
    }
}

/// A key file that group or others can read is worth a warning (not a refusal: the
/// operator may have reasons, such as a group the server runs in).
fn warn_if_others_can_read(tenant: &str, path: &Path) {
    #[cfg(unix)]
    if let Ok(metadata) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(
                tenant,
                "admin_key_file {} can be read by others (mode {:o}); chmod 600 it",
                path.display(),
                mode & 0o777
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (tenant, path);
}

/// A tenants file that cannot be used; the message says where and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantsError(pub String);

impl fmt::Display for TenantsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TenantsError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TenantsFile {
    tenants: Vec<TenantSpec>,
    oauth: Option<OAuthSpec>,
}

/// The entry as written; [`TenantSpec`] is what it means.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTenant {
    id: TenantId,
    #[serde(default)]
    token_sha256: Vec<TokenHash>,
    people: Option<People>,
    admin_key_env: Option<String>,
    admin_key_file: Option<PathBuf>,
    /// Only to refuse it with a useful message.
    admin_key: Option<InlineKey>,
    #[serde(default)]
    read_only: bool,
    tools: Option<Vec<String>>,
    workspaces: Option<Vec<String>>,
    /// With `workspaces`, also allow organization-level writes.
    #[serde(default)]
    allow_organization_writes: bool,
    max_role: Option<String>,
    max_concurrent_calls: Option<usize>,
}

struct TenantId(String);

impl<'de> Deserialize<'de> for TenantId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        let valid = !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(de::Error::custom(format!(
                "tenant id `{id}` is not 1-64 letters, digits, `-`, `_` or `.`; pick a short name such as `acme` (it appears in the audit trail and metrics)"
            )));
        }
        Ok(TenantId(id))
    }
}

struct TokenHash(Sha256);

impl<'de> Deserialize<'de> for TokenHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_sha256(&text).map(TokenHash).ok_or_else(|| {
            de::Error::custom(format!(
                "`{}` is not a SHA-256 in hex (64 hex digits); put the hash of a token there, not the token: `claude-code-connector token` prints a new token and its hash",
                shown(&text)
            ))
        })
    }
}

/// A key written in the file: always refused.
struct InlineKey;

impl<'de> Deserialize<'de> for InlineKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Read as the scalar it is, so the error points at it.
        let _ = String::deserialize(deserializer);
        Err(de::Error::custom(
            "an admin key written in the tenants file is refused (the file is read by people and tools that must not see it); remove `admin_key` and name an environment variable (admin_key_env: ACME_ADMIN_KEY) or a file readable only by the server (admin_key_file: /path)",
        ))
    }
}

impl<'de> Deserialize<'de> for TenantSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawTenant::deserialize(deserializer)?;
        TenantSpec::try_from(raw).map_err(de::Error::custom)
    }
}

impl TryFrom<RawTenant> for TenantSpec {
    type Error = String;

    fn try_from(raw: RawTenant) -> Result<Self, String> {
        let id = raw.id.0;
        if raw.admin_key.is_some() {
            unreachable!("an inline key fails while it is read");
        }
        if raw.people.as_ref().is_some_and(People::is_empty) {
            return Err(format!(
                "tenant `{id}` has people with no rule: list emails, email_domains or groups, or remove people"
            ));
        }
        if raw.token_sha256.is_empty() && raw.people.is_none() {
            return Err(format!(
                "tenant `{id}` has no token_sha256: add the SHA-256 of at least one bearer token (`claude-code-connector token` prints one), or people who may sign in by OAuth"
            ));
        }
        let key = match (raw.admin_key_env, raw.admin_key_file) {
            (Some(name), None) if !name.trim().is_empty() => KeySource::Env(env_name(&id, name.trim())?),
            (None, Some(path)) if !path.as_os_str().is_empty() => {
                if looks_like_key(&path.to_string_lossy()) {
                    return Err(pasted_key(
                        &id,
                        "admin_key_file",
                        "the path of a file holding the key (admin_key_file: /etc/claude-code-connector/acme.key)",
                    ));
                }
                KeySource::File(path)
            }
            (Some(_), Some(_)) => {
                return Err(format!(
                    "tenant `{id}` has both admin_key_env and admin_key_file: keep one, so it is clear which key is used"
                ));
            }
            _ => {
                return Err(format!(
                    "tenant `{id}` says nowhere where its admin key is: add admin_key_env: VARIABLE (an environment variable of the server) or admin_key_file: /path"
                ));
            }
        };
        let fail = |what: &str, e: crate::pipeline::policy::PolicyError| format!("tenant `{id}`: {what}: {e}");
        let mut policy = Policy::default().read_only(raw.read_only);
        if let Some(tools) = raw.tools {
            if tools.is_empty() {
                return Err(format!(
                    "tenant `{id}` has an empty tools list, which would serve nothing: write [\"*\"] for every tool, or name patterns such as [\"list_*\", \"get_*\"]"
                ));
            }
            policy = policy.tools(&tools.join(","), DEFINITIONS).map_err(|e| fail("tools", e))?;
        }
        match raw.workspaces {
            Some(workspaces) => {
                policy = policy
                    .workspaces(&workspaces.join(","))
                    .map_err(|e| fail("workspaces", e))?
                    .allow_organization_writes(raw.allow_organization_writes);
            }
            None if raw.allow_organization_writes => {
                return Err(format!(
                    "tenant `{id}`: allow_organization_writes applies only with `workspaces`; remove it, or list the workspaces the tenant may change"
                ));
            }
            None => {}
        }
        if let Some(role) = raw.max_role {
            policy = policy.max_role(&role).map_err(|e| fail("max_role", e))?;
        }
        if !DEFINITIONS.iter().any(|def| policy.exposes(def)) {
            return Err(format!("tenant `{id}`: no tool is left with these read_only/tools settings; widen `tools`"));
        }
        let max_concurrent_calls = raw.max_concurrent_calls.unwrap_or(DEFAULT_MAX_CONCURRENT_CALLS);
        if !(1..=MAX_CONCURRENT_CALLS_LIMIT).contains(&max_concurrent_calls) {
            return Err(format!(
                "tenant `{id}`: max_concurrent_calls is {max_concurrent_calls}; give a number from 1 to {MAX_CONCURRENT_CALLS_LIMIT}"
            ));
        }
        let token_sha256 = raw.token_sha256.into_iter().map(|hash| hash.0).collect();
        Ok(TenantSpec { id, token_sha256, key, policy, max_concurrent_calls, people: raw.people })
    }
}

/// Whether a value given where a name or a path goes is a key (an Anthropic key starts `sk-ant-`).
fn looks_like_key(value: &str) -> bool {
    value.trim().to_ascii_lowercase().contains("sk-ant-")
}

/// The refusal of a key pasted into `field`: which field and what goes there, never the value.
fn pasted_key(tenant: &str, field: &str, wanted: &str) -> String {
    format!(
        "tenant `{tenant}`: {field} holds what looks like an admin key (sk-ant-…, not shown), not {wanted}; keys never go in the tenants file: put the key in the environment or a file and name it here"
    )
}

/// An environment variable's name as `admin_key_env` gives it: letters, digits and `_`.
fn env_name(tenant: &str, name: &str) -> Result<String, String> {
    if looks_like_key(name) {
        return Err(pasted_key(
            tenant,
            "admin_key_env",
            "the name of an environment variable (admin_key_env: ACME_ADMIN_KEY)",
        ));
    }
    let valid =
        name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return Err(format!(
            "tenant `{tenant}`: admin_key_env `{}` is not an environment variable name (letters, digits and _, not starting with a digit), e.g. ACME_ADMIN_KEY",
            shown(name)
        ));
    }
    Ok(name.to_string())
}

/// Reads and checks the tenants file at `path` (a regular file of at most
/// [`files::MAX_TENANTS_FILE_BYTES`]).
pub fn load(path: &Path) -> Result<Vec<TenantSpec>, TenantsError> {
    load_config(path).map(|config| config.tenants)
}

/// Reads and checks the tenants file at `path`, with its `oauth:` section.
pub fn load_config(path: &Path) -> Result<TenantsConfig, TenantsError> {
    let text = files::read_regular_file(path, files::MAX_TENANTS_FILE_BYTES)
        .map_err(|e| TenantsError(format!("cannot read the tenants file {}: {e}", path.display())))?;
    parse_config(&text).map_err(|e| TenantsError(format!("tenants file {}: {e}", path.display())))
}

/// Parses and checks a tenants file's text.
pub fn parse(text: &str) -> Result<Vec<TenantSpec>, TenantsError> {
    parse_config(text).map(|config| config.tenants)
}

/// Parses and checks a tenants file's text, with its `oauth:` section.
pub fn parse_config(text: &str) -> Result<TenantsConfig, TenantsError> {
    let file: TenantsFile = yaml_serde::from_str(text).map_err(|e| TenantsError(e.to_string()))?;
    if let Some(oauth) = &file.oauth {
        oauth.check().map_err(TenantsError)?;
    } else if let Some(tenant) = file.tenants.iter().find(|tenant| tenant.people.is_some()) {
        return Err(TenantsError(format!(
            "tenant `{}` has people but the file has no oauth: section; add oauth: (public_url, signing_key_file, identity_provider), or remove people",
            tenant.id
        )));
    }
    if file.tenants.is_empty() {
        return Err(TenantsError("`tenants` is empty: list at least one tenant (see docs/serving.md)".into()));
    }
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut hashes: HashMap<Sha256, &str> = HashMap::new();
    for (index, tenant) in file.tenants.iter().enumerate() {
        if let Some(first) = ids.insert(&tenant.id, index) {
            return Err(TenantsError(format!(
                "tenants[{first}] and tenants[{index}] are both `{}`: give each tenant its own id",
                tenant.id
            )));
        }
        for hash in &tenant.token_sha256 {
            if let Some(other) = hashes.insert(*hash, &tenant.id) {
                return Err(TenantsError(format!(
                    "token_sha256 {} is listed for `{other}` and for `{}`: a token must select one tenant; give one of them a new token (`claude-code-connector token`)",
                    hex(hash),
                    tenant.id
                )));
            }
        }
    }
    Ok(TenantsConfig { tenants: file.tenants, oauth: file.oauth })
}

/// The SHA-256 of a bearer token.
pub fn token_sha256(token: &str) -> Sha256 {
    crate::runtime::digest::sha256(token.as_bytes())
}

/// Compares two digests in time that does not depend on where they differ.
pub fn same_digest(a: &Sha256, b: &Sha256) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

/// A new random bearer token (256 bits) and its SHA-256 in hex.
pub fn new_token() -> Result<(String, String), String> {
    let mut bytes = [0u8; 32];
    SystemRandom::new().fill(&mut bytes).map_err(|_| "the system's random number generator failed".to_string())?;
    let token = format!("ccc_{}", hex(&bytes));
    let hash = hex(&token_sha256(&token));
    Ok((token, hash))
}

/// Parses 64 hex digits (either case, surrounding space ignored); `None` for anything else.
pub fn parse_sha256(text: &str) -> Option<Sha256> {
    let text = text.trim();
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// At most a few characters of something that may be a secret pasted in the wrong place.
fn shown(text: &str) -> String {
    let head: String = text.chars().take(6).collect();
    if text.chars().count() > 6 { format!("{head}…") } else { head }
}

/// What `token` prints, as JSON for scripts.
#[derive(Debug, Serialize)]
pub struct NewToken {
    pub token: String,
    pub token_sha256: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn a_full_entry_is_read() {
        let text = format!(
            "tenants:\n  - id: acme\n    token_sha256: [{HASH}]\n    admin_key_env: ACME_ADMIN_KEY\n    read_only: true\n    tools: [\"list_*\"]\n    workspaces: [wrkspc_a]\n    max_role: developer\n    max_concurrent_calls: 3\n"
        );
        let tenants = parse(&text).unwrap();
        assert_eq!(tenants.len(), 1);
        assert_eq!(tenants[0].id, "acme");
        assert_eq!(tenants[0].key, KeySource::Env("ACME_ADMIN_KEY".into()));
        assert_eq!(tenants[0].max_concurrent_calls, 3);
        assert_eq!(tenants[0].token_sha256, vec![parse_sha256(HASH).unwrap()]);
        assert_eq!(hex(&token_sha256("test")), HASH);
    }

    #[test]
    fn organization_level_writes_are_allowed_only_alongside_workspaces() {
        let entry =
            |extra: &str| format!("tenants:\n  - id: acme\n    token_sha256: [{HASH}]\n    admin_key_env: K\n{extra}");
        let invite = crate::generated::tools::ToolId::CreateInvite.definition();
        let confined = parse(&entry("    workspaces: [wrkspc_a]\n")).unwrap();
        assert!(confined[0].policy.check_scope(invite).is_err(), "refused under workspaces by default");
        let allowed = parse(&entry("    workspaces: [wrkspc_a]\n    allow_organization_writes: true\n")).unwrap();
        assert!(allowed[0].policy.check_scope(invite).is_ok());
        let error = parse(&entry("    allow_organization_writes: true\n")).unwrap_err().0;
        assert!(error.contains("allow_organization_writes") && error.contains("workspaces"), "{error}");
    }

    #[test]
    fn an_inline_key_is_refused_with_its_place_and_the_fix() {
        let text =
            format!("tenants:\n  - id: acme\n    token_sha256: [{HASH}]\n    admin_key: sk-ant-admin01-secret\n");
        let error = parse(&text).unwrap_err().0;
        // The place is the tenant's entry (yaml_serde marks sequence items, not mapping values).
        assert!(error.contains("tenants[0]") && error.contains("line 2 column 5"), "{error}");
        assert!(error.contains("admin_key_env") && !error.contains("secret"), "{error}");
    }

    #[test]
    fn mistakes_name_line_column_and_fix() {
        let bad_hash = "tenants:\n  - id: acme\n    token_sha256: [my-token-in-clear]\n    admin_key_env: K\n";
        let error = parse(bad_hash).unwrap_err().0;
        assert!(error.contains("line 3") && error.contains("column"), "{error}");
        assert!(error.contains("claude-code-connector token") && !error.contains("in-clear"), "{error}");

        let no_key = format!("tenants:\n  - id: acme\n    token_sha256: [{HASH}]\n");
        let error = parse(&no_key).unwrap_err().0;
        assert!(error.contains("admin_key_env") && error.contains("line"), "{error}");

        let unknown =
            format!("tenants:\n  - id: acme\n    token_sha256: [{HASH}]\n    admin_key_env: K\n    readonly: true\n");
        let error = parse(&unknown).unwrap_err().0;
        assert!(error.contains("readonly") && error.contains("line 5"), "{error}");

        let role = format!(
            "tenants:\n  - id: acme\n    token_sha256: [{HASH}]\n    admin_key_env: K\n    max_role: emperor\n"
        );
        assert!(parse(&role).unwrap_err().0.contains("max_role"));
    }

    #[test]
    fn a_key_pasted_where_a_name_or_path_goes_is_refused_by_field_and_never_shown() {
        let key = "sk-ant-admin01-PASTEDsecretVALUE";
        for field in ["admin_key_env", "admin_key_file"] {
            let text = format!("tenants:\n  - id: acme\n    token_sha256: [{HASH}]\n    {field}: {key}\n");
            let error = parse(&text).unwrap_err().0;
            assert!(error.contains(field) && error.contains("looks like an admin key"), "{error}");
            assert!(!error.contains("PASTED") && !error.contains("admin01"), "{error}");
        }
        let text = format!("tenants:\n  - id: acme\n    token_sha256: [{HASH}]\n    admin_key_env: not a name\n");
        assert!(parse(&text).unwrap_err().0.contains("not an environment variable name"));
    }

    #[test]
    fn ids_and_token_hashes_are_unique() {
        let twice = |a: &str, b: &str, ha: &str, hb: &str| {
            format!(
                "tenants:\n  - {{id: {a}, token_sha256: [{ha}], admin_key_env: A}}\n  - {{id: {b}, token_sha256: [{hb}], admin_key_env: B}}\n"
            )
        };
        let other = hex(&token_sha256("other"));
        assert!(parse(&twice("a", "a", HASH, &other)).unwrap_err().0.contains("both `a`"));
        assert!(parse(&twice("a", "b", HASH, HASH)).unwrap_err().0.contains("a token must select one tenant"));
        assert_eq!(parse(&twice("a", "b", HASH, &other)).unwrap().len(), 2);
    }

    const OAUTH: &str = "oauth:\n  public_url: https://admin-mcp.example.com\n  signing_key_file: /k\n  identity_provider:\n    issuer: https://login.example.com\n    client_id: ccc\n    client_secret_env: S\n";

    #[test]
    fn people_sign_in_only_with_an_oauth_section() {
        let tenant = "tenants:\n  - id: acme\n    people:\n      emails: [ana@acme.example]\n    admin_key_env: K\n";
        let config = parse_config(&format!("{OAUTH}{tenant}")).unwrap();
        assert_eq!(config.oauth.unwrap().access_token_ttl_seconds, 3600);
        assert!(config.tenants[0].token_sha256.is_empty(), "no static token needed");
        assert!(parse_config(tenant).unwrap_err().0.contains("no oauth: section"));
        let empty = "tenants:\n  - id: acme\n    people: {}\n    admin_key_env: K\n";
        assert!(parse_config(&format!("{OAUTH}{empty}")).unwrap_err().0.contains("people with no rule"));
        let plain = OAUTH.replace("https://admin-mcp", "http://admin-mcp");
        assert!(parse_config(&format!("{plain}{tenant}")).unwrap_err().0.contains("public_url"));
        let typo = OAUTH.replace("client_id:", "clientid:");
        assert!(parse_config(&format!("{typo}{tenant}")).unwrap_err().0.contains("clientid"));
    }

    #[test]
    fn new_tokens_differ_and_hash_as_printed() {
        let (token, hash) = new_token().unwrap();
        let (again, _) = new_token().unwrap();
        assert_ne!(token, again);
        assert_eq!(hex(&token_sha256(&token)), hash);
        assert!(same_digest(&token_sha256(&token), &parse_sha256(&hash).unwrap()));
        assert!(!same_digest(&token_sha256(&token), &token_sha256(&again)));
    }
}
