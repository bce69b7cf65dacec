//! Configuration from flags and environment: the admin key, base URL, timeouts.

use std::time::Duration;

use crate::runtime::http::{ConfigError, DEFAULT_BASE_URL};
use crate::runtime::{AdminKey, HttpConfig};

/// The environment variable that carries the admin key.
pub const KEY_VAR: &str = "ANTHROPIC_ADMIN_API_KEY";

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
