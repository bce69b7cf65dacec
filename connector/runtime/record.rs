//! Decoding a response type that keeps the fields the spec does not describe: the
//! generated `Deserialize` of each type reads its known fields straight into their
//! slots and puts any other field in `extra`, in one pass. (serde's `flatten` would
//! buffer every field of every object first, which made a large organization's year of
//! reports several times slower to decode.) The generated code calls these helpers;
//! they name no field of their own.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};

/// A key of an object: one of the type's fields (its index in the field list), or
/// another, kept by name.
pub enum Key {
    Known(usize),
    Other(String),
}

/// Reads a key against a type's field names, without building a string for a known one.
pub struct FieldKey(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = Key;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldKey {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match self.0.iter().position(|field| *field == key) {
            Some(index) => Key::Known(index),
            None => Key::Other(key.to_string()),
        })
    }
}

/// Reads the value of field `name` into its slot; a field given twice is refused, as
/// serde's derive does.
pub fn once<'de, T: de::Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required field's value, or serde's "missing field" error.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| de::Error::missing_field(name))
}
