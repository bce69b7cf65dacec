//! `oauth-key --out FILE`: a new signing key for the server's OAuth tokens, written
//! readable by its owner only (0600). Writing it over the key in use and sending SIGHUP
//! rotates it: the previous key still verifies the access tokens it signed until they
//! expire, and every refresh token it signed is refused (each session signs in again).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::transport::oauth::jws::SigningKey;

pub fn oauth_key(out: &Path) -> ExitCode {
    match write_key(out) {
        Ok(kid) => {
            eprintln!(
                "wrote a new OAuth signing key to {} (kid {kid}); name it in the tenants file (oauth.signing_key_file) and send the server SIGHUP",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the key beside `out`, then renames it over `out`, so a reader never sees half a key.
fn write_key(out: &Path) -> Result<String, String> {
    let pem = SigningKey::generate_pem()?;
    let kid = SigningKey::from_pem(&pem)?.kid().to_string();
    let name = out.file_name().ok_or_else(|| format!("--out {} names no file", out.display()))?;
    let temporary = out.with_file_name(format!(".{}.new", name.to_string_lossy()));
    let _ = std::fs::remove_file(&temporary);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(pem.as_bytes())?;
        file.sync_all()
    });
    written
        .and_then(|()| std::fs::rename(&temporary, out))
        .map_err(|e| format!("cannot write the key to {}: {e}", out.display()))?;
    Ok(kid)
}
