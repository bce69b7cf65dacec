//! Folded closed days kept in the cache: once a per-day fold has read every closed day
//! of a question, its state (a roll-up's groups, the metrics' tallies, the seat view's
//! actors) is stored beside those days' pages, so the same question asked again reads
//! that one small entry back instead of decoding every page of the range again.
//!
//! An entry is found by what decides the state exactly: the fold's shape (the
//! question, as its consumer states it), the URLs of the closed days' requests, the
//! credential and the version of this program. Open days are never part of it: they
//! are fetched and folded on top of the restored state.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Http;
use super::response::apart;
use crate::runtime::digest::sha256_hex;
use crate::runtime::error::Error;
use crate::runtime::http::Request;

/// A fold's state that can be stored once it has read the closed days, and read back.
pub trait Snapshot: Sized {
    /// What decides this state besides the days read (the question's grouping, filters
    /// or range, as the consumer has it), as text: equal shapes fold the same days the same.
    fn shape(&self) -> String;
    /// The state as bytes (an error only costs the next ask its pages' reading).
    fn save(&self) -> Result<Vec<u8>, Error>;
    /// Replaces this fresh state by the saved one; `false` (and this state untouched)
    /// when `bytes` are not a state of this shape.
    fn restore(&mut self, bytes: &[u8]) -> bool;
}

/// A [`Snapshot::save`] as JSON.
pub fn save_json<T: Serialize>(state: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(state).map_err(|e| Error::Internal(format!("a folded state cannot be written: {e}")))
}

/// A state [`save_json`] wrote; `None` when the bytes are not one.
pub fn restore_json<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    serde_json::from_slice(bytes).ok()
}

/// What the blocking pool's job is called in an error.
const READING: &str = "a folded state";

/// A stored state, and how many pages it was folded from.
struct Saved {
    pages: u64,
    state: Vec<u8>,
}

impl Saved {
    fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(8 + self.state.len());
        bytes.extend_from_slice(&self.pages.to_le_bytes());
        bytes.extend_from_slice(&self.state);
        bytes
    }

    fn decode(mut bytes: Vec<u8>) -> Option<Saved> {
        let pages = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
        bytes.drain(..8);
        Some(Saved { pages, state: bytes })
    }
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
            let saved = cache.get(&key).and_then(Saved::decode).filter(|saved| state.restore(&saved.state));
            (state, saved.map(|saved| saved.pages))
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
            match state.save() {
                Ok(saved) => cache.keep(&key, &Saved { pages, state: saved }.encode()),
                Err(e) => tracing::debug!("a folded state is not kept: {e}"),
            }
            state
        })
        .await
    }

    /// Counts `pages` answered from the cache, folded: for the call's counters and the cache's.
    pub(crate) fn count_cached_pages(&self, pages: u64) {
        for hits in &self.hits {
            hits.0.fetch_add(u32::try_from(pages).unwrap_or(u32::MAX), std::sync::atomic::Ordering::Relaxed);
        }
        if let Some(cache) = &self.inner.cache {
            cache.stats().hits_by(pages);
        }
    }
}
