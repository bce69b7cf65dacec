//! The cache's files: one LZ4-compressed entry per file, written atomically (0600) in a
//! private directory (0700), verified on every read, trimmed to a byte budget by deleting
//! only files this cache wrote (its name pattern and its header).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::sha256_hex;

/// The first line of every entry file this version writes.
const MAGIC: &[u8] = b"claude-code-connector cache 2\n";
/// What every entry file of any version starts with: only such files are ever deleted.
const FAMILY: &[u8] = b"claude-code-connector cache ";
/// A header claiming a larger body is not believed (no answer read is larger by default).
const MAX_BODY_BYTES: usize = 256 << 20;

/// An answer kept compressed: its LZ4 block and its size when expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    pub block: Vec<u8>,
    pub len: usize,
}

impl Packed {
    pub fn pack(body: &[u8]) -> Packed {
        Packed { block: lz4_flex::block::compress(body), len: body.len() }
    }

    /// The body, or `None` when the block does not expand to exactly `len` bytes.
    pub fn unpack(&self) -> Option<Vec<u8>> {
        if self.len > MAX_BODY_BYTES {
            return None;
        }
        lz4_flex::block::decompress(&self.block, self.len).ok().filter(|body| body.len() == self.len)
    }
}

/// An entry file's name: the SHA-256 of its key, in hex.
pub fn entry_name(key: &str) -> String {
    sha256_hex(key.as_bytes())
}

fn is_entry_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The file: [`MAGIC`], then `KEY_LEN BODY_LEN BLOCK_LEN SHA256(KEY BLOCK)\n`, the key,
/// the compressed block.
pub fn encode_entry(key: &str, packed: &Packed) -> Vec<u8> {
    let mut both = Vec::with_capacity(key.len() + packed.block.len());
    both.extend_from_slice(key.as_bytes());
    both.extend_from_slice(&packed.block);
    let header = format!("{} {} {} {}\n", key.len(), packed.len, packed.block.len(), sha256_hex(&both));
    let mut out = Vec::with_capacity(MAGIC.len() + header.len() + both.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&both);
    out
}

/// The entry in `bytes`, if it is whole, unaltered, for `key` and expands as it says.
pub fn decode_entry(bytes: &[u8], key: &str) -> Option<Packed> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let newline = rest.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&rest[..newline]).ok()?;
    let both = &rest[newline + 1..];
    let mut fields = header.split(' ');
    let key_len: usize = fields.next()?.parse().ok()?;
    let body_len: usize = fields.next()?.parse().ok()?;
    let block_len: usize = fields.next()?.parse().ok()?;
    let digest = fields.next()?;
    if fields.next().is_some() || key_len.checked_add(block_len)? != both.len() || sha256_hex(both) != digest {
        return None;
    }
    let (stored_key, block) = both.split_at(key_len);
    if stored_key != key.as_bytes() {
        return None;
    }
    let packed = Packed { block: block.to_vec(), len: body_len };
    // Expanded once here, so a damaged block is refused before it is trusted.
    packed.unpack().is_some().then_some(packed)
}

/// The entry at `path`, if it is whole, unaltered and for `key`.
pub fn read_entry(path: &Path, key: &str) -> Option<Packed> {
    let bytes = std::fs::read(path).ok()?;
    let decoded = decode_entry(&bytes, key);
    if decoded.is_none() {
        tracing::debug!(path = %path.display(), "ignoring a cache entry that is damaged or not for this request");
    }
    decoded
}

/// Writes the entry through a temporary file renamed into place (0600), and returns
/// its size. Not synced to the device: an entry cut short by a crash fails its check on
/// reading and is fetched again, so a year's pages cost no fsync each.
pub fn write_entry(dir: &Path, temp_name: &str, key: &str, packed: &Packed) -> std::io::Result<u64> {
    let temp = dir.join(temp_name);
    let result = (|| {
        let mut file = private_file(&temp)?;
        let bytes = encode_entry(key, packed);
        file.write_all(&bytes)?;
        std::fs::rename(&temp, dir.join(entry_name(key)))?;
        Ok(bytes.len() as u64)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Marks the entry recently used: the trim goes by modification time.
pub fn touch(path: &Path) {
    if let Ok(file) = std::fs::File::options().append(true).open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// Whether the file at `path` is one this cache wrote: its name and its first bytes.
fn is_ours(path: &Path) -> bool {
    let named = path.file_name().is_some_and(|name| is_entry_name(&name.to_string_lossy()));
    let mut head = [0u8; FAMILY.len()];
    named && std::fs::File::open(path).and_then(|mut file| file.read_exact(&mut head)).is_ok() && head == FAMILY
}

/// What [`trim`] did: entries deleted, and the bytes this cache's files take after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trimmed {
    pub evicted: u64,
    pub bytes: u64,
}

/// Deletes this cache's oldest entries (by modification time) until its own files are
/// within `budget`; any other file in the directory is left alone.
pub fn trim(dir: &Path, budget: u64) -> Trimmed {
    let Ok(listing) = std::fs::read_dir(dir) else { return Trimmed { evicted: 0, bytes: 0 } };
    let mut files: Vec<(SystemTime, u64, PathBuf)> = listing
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let meta = entry.metadata().ok().filter(std::fs::Metadata::is_file)?;
            let path = entry.path();
            is_ours(&path).then(|| (meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len(), path))
        })
        .collect();
    let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
    files.sort();
    let mut evicted = 0;
    for (_, len, path) in files {
        if total <= budget {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
            evicted += 1;
        }
    }
    Trimmed { evicted, bytes: total }
}

/// Makes the directory (0700) or, when it exists, makes sure no one else may read or
/// write it: group or other permissions are taken away with a warning, and a directory
/// whose permissions cannot be fixed (another user's) is refused.
pub fn private_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(dir).map_err(|e| e.to_string())?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| {
                format!("others may read or write it (mode {mode:03o}) and it cannot be made private ({e}); use a directory of your own")
            })?;
            tracing::warn!(dir = %dir.display(), "the cache directory was open to others (mode {mode:03o}); it is now 0700");
        }
    }
    Ok(())
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ccc-disk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn an_entry_round_trips_compressed_and_exactly() {
        let body: Vec<u8> =
            br#"{"data":[{"actor":{"type":"user_actor","email_address":"a@b.io"},"x":1}],"has_more":false}"#
                .repeat(200);
        let packed = Packed::pack(&body);
        assert!(
            packed.block.len() * 10 < body.len(),
            "repetitive JSON shrinks: {} of {}",
            packed.block.len(),
            body.len()
        );
        let entry = encode_entry("GET k", &packed);
        let decoded = decode_entry(&entry, "GET k").expect("whole");
        assert_eq!(decoded.unpack().as_deref(), Some(&body[..]));
        assert_eq!(Packed::pack(b"").unpack().as_deref(), Some(&b""[..]), "an empty body too");
    }

    #[test]
    fn an_entry_file_is_trusted_only_whole_unaltered_and_for_its_key() {
        let entry = encode_entry("GET k", &Packed::pack(b"{\"data\":[]}"));
        assert_eq!(decode_entry(&entry, "GET k").and_then(|p| p.unpack()).as_deref(), Some(&b"{\"data\":[]}"[..]));
        assert_eq!(decode_entry(&entry, "GET other"), None, "a foreign entry");
        assert_eq!(decode_entry(&entry[..entry.len() - 1], "GET k"), None, "truncated");
        let mut tampered = entry.clone();
        *tampered.last_mut().unwrap() ^= 0x55;
        assert_eq!(decode_entry(&tampered, "GET k"), None, "tampered");
        assert_eq!(decode_entry(b"garbage", "GET k"), None);
        // A block whose checksum was recomputed but which does not expand as its header says.
        let lying = Packed { block: b"\x10not lz4 at all".to_vec(), len: 500 };
        assert_eq!(decode_entry(&encode_entry("GET k", &lying), "GET k"), None, "does not expand");
    }

    #[test]
    fn the_trim_deletes_only_files_this_cache_wrote() {
        let dir = scratch("trim");
        private_dir(&dir).unwrap();
        let packed = Packed::pack(&[b'x'; 4000]);
        for i in 0..4 {
            write_entry(&dir, &format!(".tmp-{i}"), &format!("GET {i}"), &packed).unwrap();
        }
        // Another program's files, one named like an entry, one not.
        let foreign = dir.join("a".repeat(64));
        std::fs::write(&foreign, vec![b'y'; 100_000]).unwrap();
        std::fs::write(dir.join("notes.txt"), vec![b'z'; 100_000]).unwrap();
        let kept = trim(&dir, u64::MAX);
        assert_eq!(kept.evicted, 0);
        assert_eq!(trim(&dir, kept.bytes - 1).evicted, 1, "the oldest one goes");
        assert_eq!(trim(&dir, 0), Trimmed { evicted: 3, bytes: 0 }, "every entry of ours goes");
        assert!(foreign.exists() && dir.join("notes.txt").exists(), "the others stay");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_open_to_others_is_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("open");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        let fresh = dir.join("sub");
        private_dir(&fresh).unwrap();
        assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o700);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
