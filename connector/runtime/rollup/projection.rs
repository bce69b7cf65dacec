//! The fields a roll-up reads, as a tree of keys, and the decoder that builds an item
//! holding only them: a large organization's report records are decoded without the
//! fields no dimension, measure, filter or date of the roll-up reads, which are
//! skipped unbuilt. Reading a column of the projected item gives what reading it of the
//! whole item gives.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::runtime::http::ItemReader;
use crate::runtime::presentation::{Column, EACH};

/// A node of the tree: keep it whole, or keep some of its fields and list items.
#[derive(Debug, Default, Clone)]
pub(super) struct Projection {
    whole: bool,
    fields: Vec<(&'static str, Projection)>,
    /// What to keep of every item of a list or value of a map (`*` in a path).
    each: Option<Box<Projection>>,
}

impl Projection {
    /// Keeps what `column` reads, under `prefix` (the path to a nested row).
    pub(super) fn keep_column(&mut self, prefix: &[&'static str], column: &Column) {
        for path in column.paths {
            let steps: Vec<&'static str> = prefix.iter().chain(path.iter()).copied().collect();
            self.keep(&steps);
        }
    }

    /// Keeps the value at `path` (whole).
    pub(super) fn keep(&mut self, path: &[&'static str]) {
        self.node(path).whole = true;
    }

    /// Keeps the objects at `path` (each item of a list with `*`), with only what else
    /// is kept of them: a list's length counts even when none of its fields is read.
    pub(super) fn reach(&mut self, path: &[&'static str]) {
        self.node(path);
    }

    fn node(&mut self, path: &[&'static str]) -> &mut Projection {
        let Some((step, rest)) = path.split_first() else { return self };
        let next = if *step == EACH {
            self.each.get_or_insert_with(Box::default)
        } else {
            let at = match self.fields.iter().position(|(name, _)| name == step) {
                Some(at) => at,
                None => {
                    self.fields.push((step, Projection::default()));
                    self.fields.len() - 1
                }
            };
            &mut self.fields[at].1
        };
        next.node(rest)
    }
}

impl ItemReader for Projection {
    type Item = Value;

    fn read<'de, D: de::Deserializer<'de>>(&self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }
}

impl<'de> DeserializeSeed<'de> for &Projection {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.whole {
            return de::Deserialize::deserialize(deserializer);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &Projection {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut kept = Map::new();
        while let Some(key) = map.next_key_seed(Wanted(self))? {
            match key {
                Some((name, inner)) => {
                    kept.insert(name, map.next_value_seed(inner)?);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(kept))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Some(each) = self.each.as_deref() else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Array(Vec::new()));
        };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(each)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }
}

/// A key of an object: the name and what to keep of its value when it is kept (a
/// named field, or any key under `*`), `None` when the value is skipped.
struct Wanted<'p>(&'p Projection);

impl<'de, 'p> DeserializeSeed<'de> for Wanted<'p> {
    type Value = Option<(String, &'p Projection)>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'p> Visitor<'_> for Wanted<'p> {
    type Value = Option<(String, &'p Projection)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        let named = self.0.fields.iter().find(|(name, _)| *name == key).map(|(_, inner)| inner);
        Ok(named.or(self.0.each.as_deref()).map(|inner| (key.to_string(), inner)))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::generated::presentations::CLAUDE_CODE_RECORD;

    /// The spec's own columns of a Claude Code record: a list fanned out (`cost_usd`),
    /// alternative paths (`actor`) and a map fanned out (`accepted`).
    fn columns() -> [&'static Column; 3] {
        ["cost_usd", "actor", "accepted"].map(|name| CLAUDE_CODE_RECORD.column(name).expect("a column of the spec"))
    }

    fn projected(projection: &Projection, json: &str) -> Value {
        projection.deserialize(&mut serde_json::Deserializer::from_str(json)).unwrap()
    }

    #[test]
    fn only_the_columns_read_are_kept_and_they_read_the_same() {
        let mut projection = Projection::default();
        for column in columns() {
            projection.keep_column(&[], column);
        }
        projection.reach(&["model_breakdown", EACH]);
        let whole = json!({
            "date": "2026-03-01T00:00:00Z", "organization_id": "org", "new": {"deep": [1, {"x": 2}]},
            "actor": {"type": "user_actor", "email_address": "a@b.io"},
            "tool_actions": {"edit_tool": {"accepted": 3, "rejected": 1}, "write_tool": {"accepted": 2}},
            "model_breakdown": [{"model": "m1", "estimated_cost": {"amount": 12.5, "currency": "USD"}},
                                {"model": "m2", "tokens": {"input": 5}, "estimated_cost": {"amount": "0.25"}}]
        });
        let item = projected(&projection, &whole.to_string());
        let mut lengths = Projection::default();
        lengths.reach(&["model_breakdown", EACH]);
        assert_eq!(projected(&lengths, &whole.to_string()), json!({"model_breakdown": [{}, {}]}));
        assert_eq!(
            item,
            json!({
                "actor": {"email_address": "a@b.io"},
                "tool_actions": {"edit_tool": {"accepted": 3}, "write_tool": {"accepted": 2}},
                "model_breakdown": [{"estimated_cost": {"amount": 12.5}}, {"estimated_cost": {"amount": "0.25"}}]
            })
        );
        for column in columns() {
            assert_eq!(column.value(&item), column.value(&whole), "{}", column.name);
        }
    }

    #[test]
    fn values_of_another_shape_than_the_paths_expect_read_as_they_do_whole() {
        let mut projection = Projection::default();
        for column in columns() {
            projection.keep_column(&[], column);
        }
        for json in [
            r#"{"actor": "x", "model_breakdown": {"a": {"estimated_cost": {"amount": 1}}}}"#,
            r#"{"actor": null, "model_breakdown": [1, null, {"estimated_cost": null}]}"#,
            r#"{"actor": {"email_address": ["a"]}, "model_breakdown": "none"}"#,
        ] {
            let whole: Value = serde_json::from_str(json).unwrap();
            let item = projected(&projection, json);
            for column in columns() {
                assert_eq!(column.amount(&item), column.amount(&whole), "{json}");
                assert_eq!(column.format(&item), column.format(&whole), "{json}");
            }
        }
    }
}
