//! Folded closed days kept in the cache: once a per-day fold has read every closed day
//! of a question, its state (a roll-up's groups, the metrics' tallies, the seat view's
//! actors) is stored beside those days' pages, so the same question asked again reads
//! it back instead of decoding every page of the range again.
//!
//! A state is found by what decides it exactly: the fold's shape (the question, as its
//! consumer states it), the URLs of the closed days' requests, the credential and the
//! version of this program. Open days are never part of it: they are fetched and folded
//! on top of the restored state.
//!
//! A state is written as it is serialized, in entries of about [`CHUNK_BYTES`], then
//! an index entry naming them: keeping a large roll-up never holds its bytes whole, and
//! a state is read back only when its index and every one of its entries are there.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Http;
use super::response::apart;
use crate::runtime::cache::Cache;
use crate::runtime::digest::sha256_hex;
use crate::runtime::error::Error;
use crate::runtime::http::Request;

/// A fold's state that can be stored once it has read the closed days, and read back.
pub trait Snapshot: Sized {
    /// An empty state of the same shape: the open days are folded into one beside the
    /// closed days' state, then [`Snapshot::merge`]d into it.
    fn fresh(&self) -> Result<Self, Error>;
    /// Adds what `other`, of the same shape, folded from other days.
    fn merge(&mut self, other: Self) -> Result<(), Error>;
    /// What decides this state besides the days read (the question's grouping, filters
    /// or range, as the consumer has it), as text: equal shapes fold the same days the same.
    fn shape(&self) -> String;
    /// Writes the state to `out` (an error only costs the next ask its pages' reading).
    fn save(&self, out: &mut dyn Write) -> Result<(), Error>;
    /// Replaces this fresh state by the saved one; `false` (and this state untouched)
    /// when `bytes` are not a state of this shape.
    fn restore(&mut self, bytes: &[u8]) -> bool;
}

/// A [`Snapshot::save`] as JSON.
pub fn save_json<T: Serialize>(state: &T, out: &mut dyn Write) -> Result<(), Error> {
    serde_json::to_writer(out, state).map_err(|e| Error::Internal(format!("a folded state cannot be written: {e}")))
}

/// A state [`save_json`] wrote; `None` when the bytes are not one.
pub fn restore_json<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    serde_json::from_slice(bytes).ok()
}

/// A value kept as its text (an exact decimal, a day) read back by `parse`; `what` names
/// the text in the error when it does not parse.
pub fn from_text<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    what: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not {what}")))
}

/// What the blocking pool's job is called in an error.
const READING: &str = "a folded state";

/// About how many bytes of a state one entry holds.
const CHUNK_BYTES: usize = 256 << 10;

/// The index of a kept state: the write it names, its entries and the pages it was folded from.
#[derive(Debug, PartialEq, Eq)]
struct Index {
    write: String,
    chunks: u64,
    pages: u64,
}

impl Index {
    fn encode(&self) -> String {
        format!("kept-state 1\nwrite {}\nchunks {}\npages {}\n", self.write, self.chunks, self.pages)
    }

    fn decode(bytes: &[u8]) -> Option<Index> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.strip_prefix("kept-state 1\n")?.lines();
        let mut field = |name: &str| lines.next()?.strip_prefix(name)?.strip_prefix(' ').map(str::to_string);
        let (write, chunks, pages) = (field("write")?, field("chunks")?, field("pages")?);
        Some(Index { write, chunks: chunks.parse().ok()?, pages: pages.parse().ok()? })
    }

    /// The key of entry `n` of this write of the state kept under `key`. Each write has
    /// its own entries, so two processes keeping the same state never mix theirs.
    fn chunk_key(&self, key: &str, n: u64) -> String {
        format!("{key}\nwrite {}\nchunk {n}", self.write)
    }
}

/// A name for one write of a state, unlike any other process's or this one's.
fn new_write() -> String {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}-{}", std::process::id(), WRITES.fetch_add(1, Ordering::Relaxed))
}

/// A state being written: its bytes go to the cache an entry at a time.
struct Chunks<'a> {
    cache: &'a Cache,
    key: &'a str,
    index: Index,
    buffer: Vec<u8>,
}

impl Chunks<'_> {
    fn keep_buffer(&mut self) {
        self.cache.keep(&self.index.chunk_key(self.key, self.index.chunks), &self.buffer);
        self.index.chunks += 1;
        self.buffer.clear();
    }
}

impl Write for Chunks<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK_BYTES {
            self.keep_buffer();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes `state`, folded from `pages` pages, under `key`: its entries, then its index.
fn keep<S: Snapshot>(cache: &Cache, key: &str, state: &S, pages: u64) -> Result<(), Error> {
    let index = Index { write: new_write(), chunks: 0, pages };
    let mut chunks = Chunks { cache, key, index, buffer: Vec::with_capacity(CHUNK_BYTES + (8 << 10)) };
    state.save(&mut chunks)?;
    if !chunks.buffer.is_empty() {
        chunks.keep_buffer();
    }
    cache.keep(key, chunks.index.encode().as_bytes());
    Ok(())
}

/// The bytes of the state kept under `key` and the pages it was folded from, when its
/// index and all its entries are there.
fn kept(cache: &Cache, key: &str) -> Option<(Vec<u8>, u64)> {
    let index = Index::decode(&cache.get(key)?)?;
    let mut bytes = Vec::new();
    for n in 0..index.chunks {
        bytes.extend_from_slice(&cache.get(&index.chunk_key(key, n))?);
    }
    Some((bytes, index.pages))
}

impl Http {
    /// Whether the cache keeps `request`'s answer (a closed report day).
    pub(crate) fn keeps(&self, request: &Request) -> bool {
        self.inner.cache.as_ref().is_some_and(|cache| cache.is_cacheable(request))
    }

    /// The entry of a fold of `shape` over the `closed` days' requests (`None` without a cache).
    pub(crate) fn snapshot_key(&self, shape: &str, closed: &[Request]) -> Option<String> {
        self.inner.cache.as_ref()?;
        let urls: Vec<String> = closed.iter().map(|request| self.url(request).to_string()).collect();
        let (shape, days) = (sha256_hex(shape.as_bytes()), sha256_hex(urls.join("\n").as_bytes()));
        let version = env!("CARGO_PKG_VERSION");
        Some(format!(
            "FOLD claude-code-connector {version}\nshape-sha256 {shape}\ndays-sha256 {days}\ncredential-sha256 {}",
            self.inner.credential_sha256
        ))
    }

    /// `state` replaced by the one stored under `key`, with the pages it was folded
    /// from; `state` untouched and `None` when there is none, or it does not read back.
    /// Read and decoded on the blocking pool.
    pub(crate) async fn restore<S: Snapshot + Send + 'static>(
        &self,
        key: &str,
        mut state: S,
    ) -> Result<(S, Option<u64>), Error> {
        let Some(cache) = self.inner.cache.clone() else { return Ok((state, None)) };
        let key = key.to_string();
        apart(READING, move || {
            let pages = kept(&cache, &key).filter(|(bytes, _)| state.restore(bytes)).map(|(_, pages)| pages);
            (state, pages)
        })
        .await
    }

    /// Stores `state`, folded from `pages` pages, under `key` (compressed, in memory and
    /// on disk as pages are), on the blocking pool; hands `state` back.
    pub(crate) async fn keep_snapshot<S: Snapshot + Send + 'static>(
        &self,
        key: &str,
        state: S,
        pages: u64,
    ) -> Result<S, Error> {
        let Some(cache) = self.inner.cache.clone() else { return Ok(state) };
        let key = key.to_string();
        apart(READING, move || {
            // Not kept is only slower next time: the answer goes on.
            if let Err(e) = keep(&cache, &key, &state, pages) {
                tracing::debug!("a folded state is not kept: {e}");
            }
            state
        })
        .await
    }

    /// Counts `pages` answered from the cache, folded: for the call's counters and the cache's.
    pub(crate) fn count_cached_pages(&self, pages: u64) {
        for hits in &self.hits {
            hits.0.fetch_add(u32::try_from(pages).unwrap_or(u32::MAX), Ordering::Relaxed);
        }
        if let Some(cache) = &self.inner.cache {
            cache.stats().hits_by(pages);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::cache::CacheConfig;

    /// A state of `len` bytes, saved as they are.
    struct Bytes(Vec<u8>);

    impl Snapshot for Bytes {
        fn fresh(&self) -> Result<Bytes, Error> {
            Ok(Bytes(Vec::new()))
        }

        fn merge(&mut self, other: Bytes) -> Result<(), Error> {
            self.0.extend(other.0);
            Ok(())
        }

        fn shape(&self) -> String {
            "bytes".into()
        }

        fn save(&self, out: &mut dyn Write) -> Result<(), Error> {
            // In small writes, as a serializer makes them.
            for piece in self.0.chunks(1000) {
                out.write_all(piece).map_err(|e| Error::Internal(e.to_string()))?;
            }
            Ok(())
        }

        fn restore(&mut self, bytes: &[u8]) -> bool {
            self.0 = bytes.to_vec();
            true
        }
    }

    #[test]
    fn a_state_is_kept_in_entries_and_read_back_only_whole() {
        let cache = Cache::new(CacheConfig::in_memory()).unwrap().unwrap();
        let state: Vec<u8> = (0..CHUNK_BYTES * 5 / 2).map(|n| (n % 251) as u8).collect();
        keep(&cache, "K", &Bytes(state.clone()), 42).unwrap();
        let index = Index::decode(&cache.get("K").unwrap()).unwrap();
        assert_eq!((index.chunks, index.pages), (3, 42), "{index:?}");
        assert_eq!(kept(&cache, "K"), Some((state.clone(), 42)));

        // Kept again (another process, the same question): its own entries, its own index.
        keep(&cache, "K", &Bytes(state.clone()), 42).unwrap();
        let again = Index::decode(&cache.get("K").unwrap()).unwrap();
        assert_ne!(again.write, index.write);
        assert_ne!(again.chunk_key("K", 0), index.chunk_key("K", 0));
        assert_eq!(kept(&cache, "K"), Some((state, 42)));

        // An index whose entries are not all there is no state.
        let missing = Index { write: "elsewhere".into(), chunks: 1, pages: 1 };
        cache.keep("K", missing.encode().as_bytes());
        assert_eq!(kept(&cache, "K"), None);
        assert_eq!(Index::decode(b"kept-state 1\nwrite w\nchunks x\npages 1\n"), None);
        assert_eq!(Index::decode(missing.encode().as_bytes()), Some(missing));
    }
}
