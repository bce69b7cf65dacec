//! The cache the flags ask for, and where `call` keeps closed report days by default:
//! a folder of the connector's own in the user's cache directory ($XDG_CACHE_HOME or
//! ~/.cache on Linux and other Unixes, ~/Library/Caches on macOS, %LOCALAPPDATA% on
//! Windows).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{CommandFailure, ConnectionArgs};
use crate::runtime::cache::{Cache, CacheConfig};

/// The connector's folder in the platform's per-user cache directory, if the
/// environment says where that is.
pub fn user_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).map(PathBuf::from).filter(|path| path.is_absolute());
    let base = if cfg!(windows) {
        var("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|home| home.join("Library").join("Caches"))
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|home| home.join(".cache")))
    };
    base.map(|base| base.join("claude-code-connector"))
}

/// Where the cache keeps entries when no --cache-dir is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CacheHome {
    /// In memory only (`serve`, and the sandbox, whose address changes every run).
    Memory,
    /// In the user's cache directory too (`call`: each run is a new process).
    UserDir,
}

/// The cache of closed report days the flags ask for (none with --no-cache): one per
/// process, which every connection of the process shares.
pub(super) fn cache(connection: &ConnectionArgs, home: CacheHome) -> Result<Option<Arc<Cache>>, CommandFailure> {
    let dir = match &connection.cache_dir {
        Some(dir) => Some(dir.clone()),
        None if home == CacheHome::UserDir => user_cache_dir(),
        None => None,
    };
    let config = CacheConfig {
        max_bytes: if connection.no_cache { 0 } else { connection.cache_bytes },
        disk_bytes: connection.cache_disk_bytes,
        settle: Duration::from_secs(connection.cache_settle_hours * 3600),
        dir: dir.filter(|dir| !dir.as_os_str().is_empty()),
    };
    let chosen = connection.cache_dir.is_some();
    let cache = match Cache::new(config.clone()) {
        // The default directory is a convenience: without it, the cache stays in memory.
        Err(e) if !chosen && config.dir.is_some() => {
            tracing::warn!("{e}; closed report days are kept in memory only (--cache-dir to choose another)");
            Cache::new(CacheConfig { dir: None, ..config })
        }
        built => built,
    };
    Ok(cache.map_err(CommandFailure::failed)?.map(Arc::new))
}
