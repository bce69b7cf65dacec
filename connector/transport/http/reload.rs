//! Loading the tenants (at start and at each SIGHUP) off the runtime threads: the
//! tenants file and every key file are read on the blocking pool (each a small regular
//! file, see [`crate::transport::files`]) within [`RELOAD_TIMEOUT`], so a file that
//! hangs or never ends stalls neither requests nor SIGTERM; the reload is refused and
//! the tenants in force stay.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rmcp::transport::streamable_http_server::StreamableHttpServerConfig;

use super::{ConnectorFactory, Tenants, build_tenants};
use crate::transport::oauth::{self, Door};
use crate::transport::prometheus::Metrics;
use crate::transport::tenants;

/// How long reading the tenants file and the key files may take.
pub const RELOAD_TIMEOUT: Duration = Duration::from_secs(10);

/// What building the tenants takes; cheap to clone onto the blocking pool.
#[derive(Clone)]
pub(super) struct Loader {
    pub path: PathBuf,
    pub factory: ConnectorFactory,
    pub metrics: Arc<Metrics>,
    pub config: StreamableHttpServerConfig,
    /// The OAuth in force; a load prepares what the file's `oauth:` section asks for.
    pub door: Arc<Door>,
}

impl Loader {
    /// Reads the tenants file and builds its tenants (keeping the calls in flight of
    /// those that stay, from `previous`) and its OAuth (prepared, not yet in force).
    pub async fn load(&self, previous: Option<Arc<Tenants>>) -> Result<(Tenants, oauth::Prepared), String> {
        let loader = self.clone();
        let loading = tokio::task::spawn_blocking(move || {
            let file = tenants::load_config(&loader.path).map_err(|e| e.to_string())?;
            let built =
                build_tenants(&file.tenants, previous.as_deref(), &loader.factory, &loader.metrics, &loader.config)?;
            let prepared = loader
                .door
                .prepare(file.oauth.as_ref(), file.people())
                .map_err(|e| format!("tenants file {}: {e}", loader.path.display()))?;
            Ok((built, prepared))
        });
        match tokio::time::timeout(RELOAD_TIMEOUT, loading).await {
            Ok(Ok(built)) => built,
            Ok(Err(panicked)) => Err(format!("reading the tenants failed: {panicked}")),
            Err(_) => Err(format!(
                "reading the tenants file {} and its key files took more than {} s",
                self.path.display(),
                RELOAD_TIMEOUT.as_secs()
            )),
        }
    }
}
