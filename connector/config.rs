//! Configuration from flags and environment: the admin key, base URL, timeouts.

use std::time::Duration;

use crate::runtime::http::{ConfigError, DEFAULT_BASE_URL};
use crate::runtime::{AdminKey, HttpConfig};

/// The environment variable that carries the admin key.
pub const KEY_VAR: &str = "ANTHROPIC_ADMIN_API_KEY";

/// This connector's own variable for the Admin API base URL (or `--base-url`).
pub const BASE_URL_VAR: &str = "CLAUDE_CODE_CONNECTOR_BASE_URL";

/// Claude Code's variable for an LLM gateway: never where the admin key goes.
pub const FOREIGN_BASE_URL_VAR: &str = "ANTHROPIC_BASE_URL";

/// The one-line warning when `ANTHROPIC_BASE_URL` is set to something other than the
/// base URL in force (`in_force`): it is ignored, and the warning names the variable to
/// use. Only the URL's origin is shown (a gateway URL may carry a token).
pub fn foreign_base_url_warning(foreign: Option<&str>, in_force: &str) -> Option<String> {
    let foreign = foreign.map(str::trim).filter(|url| !url.is_empty())?;
    if foreign.trim_end_matches('/') == in_force.trim().trim_end_matches('/') {
        return None;
    }
    let shown = url::Url::parse(foreign)
        .map_or_else(|_| "a value that is not a URL".into(), |url| url.origin().ascii_serialization());
    Some(format!(
        "ignoring {FOREIGN_BASE_URL_VAR} ({shown}): it is Claude Code's LLM gateway setting, and the admin key is not sent there; set {BASE_URL_VAR} or --base-url to change the Admin API URL (now {in_force})"
    ))
}

/// What every tool call answers, and the server logs, when it has nothing to call:
/// no admin key, no sandbox, no team server. It names the extension's settings
/// (`bundle`'s `user_config` titles; a test keeps them in step) and the variable.
pub const NOT_CONFIGURED: &str = "This connector is not set up yet, so no tool can run: in Claude Desktop open Settings → Extensions, configure this extension and fill in \"Admin API key\" (sk-ant-admin…, from the Claude Console under Settings → Admin keys), or turn on \"Sandbox\" to try a demo organization, or fill in \"Team server URL\" and \"Team token\" to use your team's server (elsewhere: set ANTHROPIC_ADMIN_API_KEY, or start it with --sandbox).";

/// Reads the key from the environment; a missing or empty key is an error that
/// says how to get one.
pub fn key_from_env() -> Result<AdminKey, ConfigError> {
    match std::env::var(KEY_VAR) {
        Ok(value) if !value.trim().is_empty() => Ok(AdminKey::new(value)),
        _ => Err(ConfigError(format!(
            "{KEY_VAR} is not set. Create an Admin API key (sk-ant-admin...) in the Claude Console under Settings → Admin keys, then set {KEY_VAR} in the environment (in Claude Desktop: the \"env\" of this server in claude_desktop_config.json)."
        ))),
    }
}

/// The HTTP settings for a key, a base URL and timeouts in seconds.
pub fn http_config(
    key: AdminKey,
    base_url: Option<String>,
    connect_timeout_secs: u64,
    request_timeout_secs: u64,
) -> HttpConfig {
    let mut config = HttpConfig::new(key);
    config.base_url = base_url.filter(|u| !u.trim().is_empty()).unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    config.connect_timeout = Duration::from_secs(connect_timeout_secs.max(1));
    config.request_timeout = Duration::from_secs(request_timeout_secs.max(1));
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_different_anthropic_base_url_is_ignored_with_a_warning() {
        let warning = foreign_base_url_warning(Some("https://user:tok@gateway.corp/v1"), DEFAULT_BASE_URL).unwrap();
        assert!(warning.contains("ignoring ANTHROPIC_BASE_URL (https://gateway.corp)"), "{warning}");
        assert!(warning.contains(BASE_URL_VAR) && !warning.contains("tok") && !warning.contains('\n'), "{warning}");
        assert_eq!(foreign_base_url_warning(Some("https://api.anthropic.com/"), DEFAULT_BASE_URL), None);
        assert_eq!(foreign_base_url_warning(Some(" "), DEFAULT_BASE_URL), None);
        assert_eq!(foreign_base_url_warning(None, DEFAULT_BASE_URL), None);
    }
}
