//! Reading a report page straight into its consumer: the page's `data` items are
//! decoded one at a time and handed to a fold (a roll-up's aggregator, the metrics'
//! tallies, the seat view's actors), each dropped once folded, so no page of items is
//! ever held; only the page's links (`has_more`, `next_page`) are kept. Fields the
//! consumer does not know are skipped without being built.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Http;
use super::request::Request;
use super::response::{MAX_MESSAGE_CHARS, cut};
use crate::runtime::error::Error;

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
    /// hands each item of the answer's `data` to `fold` as it is decoded. A fold error
    /// stops the reading and is returned as it is.
    pub async fn send_each<T: DeserializeOwned, F: FnMut(T) -> Result<(), Error>>(
        &self,
        request: Request,
        fold: &mut F,
    ) -> Result<PageLinks, Error> {
        let bytes = self.send_raw(&request).await?;
        let mut stopped = None;
        let seed = PageSeed { fold, stopped: &mut stopped, item: PhantomData };
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let read = seed.deserialize(&mut deserializer).and_then(|links| deserializer.end().map(|()| links));
        match (read, stopped) {
            (_, Some(error)) => Err(error),
            (Ok(links), None) => Ok(links),
            (Err(e), None) => {
                // serde quotes the offending value, which came from upstream.
                let error =
                    Error::Decode { path: request.path.clone(), message: cut(&e.to_string(), MAX_MESSAGE_CHARS) };
                Err(error.scrubbed(&self.inner.scrubber))
            }
        }
    }
}

/// The page object: `data` folded, the links kept, anything else skipped.
struct PageSeed<'a, T> {
    fold: &'a mut dyn FnMut(T) -> Result<(), Error>,
    stopped: &'a mut Option<Error>,
    item: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<'_, T> {
    type Value = PageLinks;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<PageLinks, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<'_, T> {
    type Value = PageLinks;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page object with a `data` list")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PageLinks, A::Error> {
        let mut links = PageLinks::default();
        let mut data = false;
        let PageSeed { fold, stopped, .. } = self;
        while let Some(key) = map.next_key::<PageKey>()? {
            match key {
                PageKey::Data if !data => {
                    data = true;
                    links.items = map.next_value_seed(ItemsSeed { fold: &mut *fold, stopped: &mut *stopped })?;
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
struct ItemsSeed<'a, T> {
    fold: &'a mut dyn FnMut(T) -> Result<(), Error>,
    stopped: &'a mut Option<Error>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ItemsSeed<'_, T> {
    type Value = u64;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ItemsSeed<'_, T> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut count = 0;
        while let Some(item) = seq.next_element::<T>()? {
            count += 1;
            if let Err(error) = (self.fold)(item) {
                *self.stopped = Some(error);
                return Err(de::Error::custom("the fold stopped"));
            }
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn read(json: &str) -> (Result<PageLinks, String>, Vec<Value>) {
        let mut items = Vec::new();
        let mut stopped = None;
        let seed = PageSeed::<Value> {
            fold: &mut |item| {
                items.push(item);
                Ok(())
            },
            stopped: &mut stopped,
            item: PhantomData,
        };
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let read = seed.deserialize(&mut deserializer).map_err(|e| e.to_string());
        (read, items)
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
