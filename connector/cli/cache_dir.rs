//! Where `call` keeps closed report days by default: a folder of the connector's own in
//! the user's cache directory ($XDG_CACHE_HOME or ~/.cache on Linux and other Unixes,
//! ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).

use std::path::PathBuf;

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
