//! Reading a report page into its consumer: the page's `data` items are decoded (a
//! cached or large page on the blocking pool, so the days in flight use every core) by
//! an [`ItemReader`] (whole, or only what the consumer reads) and handed to a fold (a
//! roll-up's aggregator, the metrics' tallies, the seat view's actors), each dropped
//! once folded, so no page of items is held; only the page's links (`has_more`,
//! `next_page`) are kept. Fields the consumer does not know are skipped without being
//! built.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Http;
use super::request::Request;
use super::response::{Decoded, MAX_MESSAGE_CHARS, cut};
use crate::runtime::error::Error;

/// Items decoded before they are folded under one lock.
const FOLD_BATCH: usize = 32;

/// What a page says besides its items: whether and where more follow.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageLinks {
    /// Absent on endpoints that end with a null `next_page` alone.
    pub has_more: Option<bool>,
    pub next_page: Option<String>,
    /// How many items the page held.
    pub items: u64,
}

impl Http {
    /// Sends the request (as [`Http::send`]: from the cache when it holds the page) and
    /// folds each item of the answer's `data` into `state`. A cached or large page is
    /// read on the blocking pool (see [`Http::send_reading`]): its items are decoded
    /// there by `reader` and folded under the state's lock in small batches, so the days
    /// in flight are decoded side by side on the machine's cores. A fold error stops the
    /// reading and is returned as it is.
    pub async fn fold_page<R: ItemReader + Sync, S: Send + 'static>(
        &self,
        request: Request,
        reader: Arc<R>,
        state: Arc<Mutex<S>>,
        fold: fn(&mut S, R::Item) -> Result<(), Error>,
    ) -> Result<PageLinks, Error> {
        // Items are folded in small batches as they are decoded, under one lock a batch (a
        // lock an item made the cores queue at it): a page of items is never held, and
        // what the items allocated is freed on this thread while the allocator still
        // has it at hand.
        let read = move |bytes: &[u8]| {
            let mut batch = Vec::with_capacity(FOLD_BATCH);
            let fold_batch = |batch: &mut Vec<R::Item>| {
                let mut state = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                batch.drain(..).try_for_each(|item| fold(&mut state, item))
            };
            let links = read_page(bytes, &*reader, &mut |item| {
                batch.push(item);
                if batch.len() == FOLD_BATCH { fold_batch(&mut batch) } else { Ok(()) }
            })?;
            fold_batch(&mut batch).map_err(ReadError::Stopped)?;
            Ok(links)
        };
        let read = self.send_reading(&request, read).await?;
        read.map_err(|e| match e {
            ReadError::Stopped(error) => error,
            // serde quotes the offending value, which came from upstream.
            ReadError::Json(e) => Error::Decode { path: request.path.clone(), message: cut(&e, MAX_MESSAGE_CHARS) }
                .scrubbed(&self.inner.scrubber),
        })
    }
}

/// How each item of a page is decoded: whole ([`Whole`]), or only what its consumer reads.
pub trait ItemReader: Send + 'static {
    type Item;
    fn read<'de, D: de::Deserializer<'de>>(&self, deserializer: D) -> Result<Self::Item, D::Error>;
}

/// Items decoded whole, as their type's `Deserialize` reads them.
pub struct Whole<T>(PhantomData<fn() -> T>);

impl<T> Default for Whole<T> {
    fn default() -> Self {
        Whole(PhantomData)
    }
}

impl<T: Decoded> ItemReader for Whole<T> {
    type Item = T;

    fn read<'de, D: de::Deserializer<'de>>(&self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// Why a page could not be read.
enum ReadError {
    /// The fold said stop.
    Stopped(Error),
    /// Not a page of items of this kind (serde's message).
    Json(String),
}

/// Reads a page's JSON, handing each item of `data` to `fold` as it is decoded.
fn read_page<R: ItemReader>(
    bytes: &[u8],
    reader: &R,
    fold: &mut dyn FnMut(R::Item) -> Result<(), Error>,
) -> Result<PageLinks, ReadError> {
    let mut reading = Reading { reader, fold, stopped: None };
    // Checked as UTF-8 once, at memory speed, rather than string by string as it is parsed.
    let text = std::str::from_utf8(bytes).map_err(|e| ReadError::Json(format!("the answer is not UTF-8 ({e})")))?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read =
        PageSeed(&mut reading).deserialize(&mut deserializer).and_then(|links| deserializer.end().map(|()| links));
    match (read, reading.stopped) {
        (_, Some(error)) => Err(ReadError::Stopped(error)),
        (Ok(links), None) => Ok(links),
        (Err(e), None) => Err(ReadError::Json(e.to_string())),
    }
}

/// A page being read: how its items decode, where they go, and the fold's error if it
/// stopped the reading.
struct Reading<'a, R: ItemReader> {
    reader: &'a R,
    fold: &'a mut dyn FnMut(R::Item) -> Result<(), Error>,
    stopped: Option<Error>,
}

/// The page object: `data` folded, the links kept, anything else skipped.
struct PageSeed<'r, 'a, R: ItemReader>(&'r mut Reading<'a, R>);

impl<'de, R: ItemReader> DeserializeSeed<'de> for PageSeed<'_, '_, R> {
    type Value = PageLinks;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<PageLinks, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, R: ItemReader> Visitor<'de> for PageSeed<'_, '_, R> {
    type Value = PageLinks;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page object with a `data` list")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PageLinks, A::Error> {
        let mut links = PageLinks::default();
        let mut data = false;
        while let Some(key) = map.next_key::<PageKey>()? {
            match key {
                PageKey::Data if !data => {
                    data = true;
                    links.items = map.next_value_seed(ItemsSeed(&mut *self.0))?;
                }
                PageKey::Data => return Err(de::Error::duplicate_field("data")),
                PageKey::HasMore => links.has_more = map.next_value()?,
                PageKey::NextPage => links.next_page = map.next_value()?,
                PageKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !data {
            return Err(de::Error::missing_field("data"));
        }
        Ok(links)
    }
}

/// The keys a page's reader looks at.
enum PageKey {
    Data,
    HasMore,
    NextPage,
    Other,
}

impl<'de> de::Deserialize<'de> for PageKey {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<PageKey, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = PageKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<PageKey, E> {
                Ok(match key {
                    "data" => PageKey::Data,
                    "has_more" => PageKey::HasMore,
                    "next_page" => PageKey::NextPage,
                    _ => PageKey::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// The `data` list, each item folded as soon as it is decoded.
struct ItemsSeed<'r, 'a, R: ItemReader>(&'r mut Reading<'a, R>);

impl<'de, R: ItemReader> DeserializeSeed<'de> for ItemsSeed<'_, '_, R> {
    type Value = u64;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, R: ItemReader> Visitor<'de> for ItemsSeed<'_, '_, R> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut count = 0;
        let reading = self.0;
        while let Some(item) = seq.next_element_seed(ItemSeed(reading.reader))? {
            count += 1;
            if let Err(error) = (reading.fold)(item) {
                reading.stopped = Some(error);
                return Err(de::Error::custom("the fold stopped"));
            }
        }
        Ok(count)
    }
}

/// One item, as its reader decodes it.
struct ItemSeed<'a, R>(&'a R);

impl<'de, R: ItemReader> DeserializeSeed<'de> for ItemSeed<'_, R> {
    type Value = R::Item;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<R::Item, D::Error> {
        self.0.read(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn read(json: &str) -> (Result<PageLinks, String>, Vec<Value>) {
        let mut items = Vec::new();
        let read = read_page(json.as_bytes(), &Whole::<Value>::default(), &mut |item| {
            items.push(item);
            Ok(())
        });
        let read = read.map_err(|e| match e {
            ReadError::Json(message) => message,
            ReadError::Stopped(error) => format!("stopped: {error}"),
        });
        (read, items)
    }

    #[test]
    fn a_fold_error_stops_the_reading_and_is_returned_as_it_is() {
        let mut folded = 0;
        let read = read_page(br#"{"data":[1,2,3]}"#, &Whole::<u8>::default(), &mut |item| {
            folded += 1;
            if item == 2 { Err(Error::Internal("two".into())) } else { Ok(()) }
        });
        assert!(matches!(read, Err(ReadError::Stopped(Error::Internal(ref m))) if m == "two"));
        assert_eq!(folded, 2, "nothing is folded after the error");
    }

    #[test]
    fn items_are_folded_in_order_and_unknown_fields_skipped() {
        let (links, items) = read(
            r#"{"extra":{"deep":[1,{"x":2}]},"data":[{"a":1},{"a":2,"new":"?"}],"has_more":true,"next_page":"p2"}"#,
        );
        assert_eq!(links.unwrap(), PageLinks { has_more: Some(true), next_page: Some("p2".into()), items: 2 });
        assert_eq!(items, [serde_json::json!({"a": 1}), serde_json::json!({"a": 2, "new": "?"})]);
        let (links, _) = read(r#"{"data":[],"next_page":null}"#);
        assert_eq!(links.unwrap(), PageLinks::default());
    }

    #[test]
    fn a_page_without_data_or_not_an_object_is_refused() {
        assert!(read(r#"{"has_more":false}"#).0.unwrap_err().contains("missing field `data`"));
        assert!(read(r#"[1,2]"#).0.is_err());
        assert!(read(r#"{"data":{"a":1}}"#).0.is_err());
        assert!(read(r#"{"data":[],"data":[]}"#).0.is_err());
    }
}
