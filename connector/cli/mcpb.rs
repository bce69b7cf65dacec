//! The `.mcpb` file itself: a zip (deflate) of the bundle's files, written as Claude
//! Desktop and the official `mcpb` CLI read it. Files only (no directory entries, which
//! the hosts' unzip would try to write as files), Unix modes kept (0755 for the
//! binaries, so they run after unpacking), no zip64 (a bundle is far below 4 GiB), and
//! written beside the target then renamed, so a failed write leaves no half file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

/// One file of the bundle.
pub struct Entry {
    /// Its path inside the zip, `/`-separated.
    pub name: String,
    source: Source,
}

enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
}

impl Entry {
    /// A file with these contents (mode 0644).
    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> Entry {
        Entry { name: name.into(), source: Source::Bytes(bytes) }
    }

    /// A copy of the executable at `path` (mode 0755).
    pub fn executable(name: impl Into<String>, path: &Path) -> Entry {
        Entry { name: name.into(), source: Source::File(path.to_path_buf()) }
    }
}

/// Writes `entries` into the zip at `out`; an error names the file it concerns.
pub fn write(out: &Path, entries: &[Entry]) -> Result<(), (PathBuf, std::io::Error)> {
    let partial = out.with_extension("mcpb.partial");
    let written = write_zip(&partial, entries)
        .and_then(|()| std::fs::rename(&partial, out).map_err(|error| (out.to_path_buf(), error)));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

fn write_zip(path: &Path, entries: &[Entry]) -> Result<(), (PathBuf, std::io::Error)> {
    let at = |path: &Path| {
        let path = path.to_path_buf();
        move |error: std::io::Error| (path, error)
    };
    let zipped = |path: &Path| {
        let path = path.to_path_buf();
        move |error: zip::result::ZipError| (path, std::io::Error::other(error))
    };
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(at(parent))?;
    }
    let file = File::create(path).map_err(at(path))?;
    let mut zip = ZipWriter::new(BufWriter::new(file));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(false);
    for entry in entries {
        match &entry.source {
            Source::Bytes(bytes) => {
                zip.start_file(entry.name.as_str(), options.unix_permissions(0o644)).map_err(zipped(path))?;
                zip.write_all(bytes).map_err(at(path))?;
            }
            Source::File(source) => {
                let mut input = File::open(source).map_err(at(source))?;
                zip.start_file(entry.name.as_str(), options.unix_permissions(0o755)).map_err(zipped(path))?;
                std::io::copy(&mut input, &mut zip).map_err(at(source))?;
            }
        }
    }
    let mut writer = zip.finish().map_err(zipped(path))?;
    writer.flush().map_err(at(path))
}
