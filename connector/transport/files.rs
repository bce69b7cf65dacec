//! Reading the small files a server is configured by (the tenants file, admin key
//! files) so that a wrong path cannot hang or swamp it: only a regular file is read
//! (a FIFO, a device such as `/dev/zero` or a directory is refused by its type, and a
//! FIFO is opened without waiting for a writer), and at most a cap of bytes.

use std::io::Read;
use std::path::Path;

/// The largest admin key file read.
pub const MAX_KEY_FILE_BYTES: u64 = 4 << 10;
/// The largest tenants file read.
pub const MAX_TENANTS_FILE_BYTES: u64 = 1 << 20;

/// Reads `path` as UTF-8 text if it is a regular file of at most `max_bytes`; the
/// error says which rule it broke (never what the file holds).
pub fn read_regular_file(path: &Path, max_bytes: u64) -> Result<String, String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err(format!("it is not a regular file (a {}); point it at a file", kind(&metadata)));
    }
    let file = open_without_blocking(path).map_err(|e| e.to_string())?;
    // The path may have been swapped between the look and the open: check what was opened.
    let opened = file.metadata().map_err(|e| e.to_string())?;
    if !opened.is_file() {
        return Err(format!("it is not a regular file (a {}); point it at a file", kind(&opened)));
    }
    if opened.len() > max_bytes {
        return Err(format!("it is {} bytes, more than the {max_bytes} read", opened.len()));
    }
    let mut bytes = Vec::new();
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!("it is more than the {max_bytes} bytes read"));
    }
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn kind(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "device";
        }
        if kind.is_socket() {
            return "socket";
        }
    }
    if metadata.is_dir() { "directory" } else { "special file" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_directories_and_large_files_are_refused_by_rule() {
        let dir = std::env::temp_dir().join(format!("ccc-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small");
        std::fs::write(&small, "sk-ant-admin01-x\n").unwrap();
        assert_eq!(read_regular_file(&small, 64).unwrap(), "sk-ant-admin01-x\n");
        let error = read_regular_file(&small, 4).unwrap_err();
        assert!(error.contains("more than the 4"), "{error}");
        let error = read_regular_file(&dir, 64).unwrap_err();
        assert!(error.contains("directory"), "{error}");
        if cfg!(unix) {
            let error = read_regular_file(Path::new("/dev/zero"), 64).unwrap_err();
            assert!(error.contains("device"), "{error}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
