//! Reading MCP tool-call arguments and checking the spec's rules on them.
//!
//! Every failure names the argument and the rule; nothing is sent upstream.

use std::collections::BTreeMap;

use serde_json::Value;

use super::JsonObject;
use super::date::{Bound, Date};
use super::error::ArgError;

/// A spec enum argument: the values it accepts and the ones it refuses with a reason.
pub trait ArgEnum: Sized {
    /// Every accepted spelling (values, then aliases).
    const ACCEPTED: &'static [&'static str];
    fn parse(value: &str) -> Result<Self, EnumRejection>;
}

/// Why an enum value was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRejection {
    Unknown,
    /// A value the API has but this tool refuses, with the reason.
    Refused(&'static str),
}

/// An array argument that also accepts one word instead of the list (`unrestricted`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListOr<T> {
    Alternative,
    List(Vec<T>),
}

/// A tool call's arguments, with unknown names already rejected.
pub struct Arguments<'a> {
    map: &'a JsonObject,
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Arguments<'a> {
    /// Rejects any argument not in `known`.
    pub fn new(map: &'a JsonObject, known: &[&str]) -> Result<Self, ArgError> {
        if let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str())) {
            let rule = if known.is_empty() {
                "this tool takes no arguments".to_string()
            } else {
                format!("unknown argument; this tool accepts: {}", known.join(", "))
            };
            // Named as sent, but never as nothing and never as a wall of text.
            let named = if unknown.is_empty() { "\"\"".to_string() } else { shorten(unknown) };
            return Err(ArgError::new(named, rule));
        }
        Ok(Arguments { map })
    }

    /// `null` counts as absent (clients send it for "not set").
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    pub fn required<T>(&self, name: &str, value: Option<T>) -> Result<T, ArgError> {
        value.ok_or_else(|| ArgError::new(name, "is required"))
    }

    pub fn string(&self, name: &str) -> Result<Option<String>, ArgError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(ArgError::new(name, format!("must be a string, not {}", type_name(other)))),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ArgError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(ArgError::new(name, format!("must be true or false, not {}", type_name(other)))),
        }
    }

    /// An integer within `min..=max`, converted to the argument's Rust type.
    pub fn integer<T: TryFrom<i64>>(
        &self,
        name: &str,
        min: Option<i64>,
        max: Option<i64>,
    ) -> Result<Option<T>, ArgError> {
        let Some(value) = self.get(name) else { return Ok(None) };
        let n = match value {
            Value::Number(n) => {
                n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
            }
            _ => None,
        };
        let Some(n) = n else {
            return Err(ArgError::new(name, format!("must be a whole number, not {}", describe(value))));
        };
        check::range(name, n, min, max)?;
        T::try_from(n).map(Some).map_err(|_| ArgError::new(name, format!("{n} is out of range")))
    }

    /// A day as `YYYY-MM-DD` or a relative form (see [`Date::parse_relative`]), resolved in UTC now.
    pub fn date(&self, name: &str, bound: Bound) -> Result<Option<Date>, ArgError> {
        match self.string(name)? {
            None => Ok(None),
            Some(s) => {
                Date::parse_relative(&s, bound, Date::today()).map(Some).map_err(|rule| ArgError::new(name, rule))
            }
        }
    }

    pub fn enumeration<E: ArgEnum>(&self, name: &str) -> Result<Option<E>, ArgError> {
        let Some(value) = self.string(name)? else { return Ok(None) };
        item::enumeration(&Value::String(value)).map(Some).map_err(|rule| ArgError::new(name, rule))
    }

    /// A JSON array of `min..=max` distinct items, each read by `item` (see [`item`]).
    pub fn list<T: PartialEq>(
        &self,
        name: &str,
        min: u32,
        max: u32,
        item: impl Fn(&Value) -> Result<T, String>,
    ) -> Result<Option<Vec<T>>, ArgError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(values)) => {
                let mut items = Vec::with_capacity(values.len().min(max as usize));
                for (index, value) in values.iter().enumerate() {
                    items.push(item(value).map_err(|rule| ArgError::new(name, format!("item {}: {rule}", index + 1)))?);
                }
                check::items(name, &items, min, max)?;
                Ok(Some(items))
            }
            Some(other) => Err(ArgError::new(name, format!("must be a list, not {}", type_name(other)))),
        }
    }

    /// Like [`Arguments::list`], but the string `alternative` is also accepted in place of the list.
    pub fn list_or<T: PartialEq>(
        &self,
        name: &str,
        alternative: &str,
        min: u32,
        max: u32,
        item: impl Fn(&Value) -> Result<T, String>,
    ) -> Result<Option<ListOr<T>>, ArgError> {
        match self.get(name) {
            Some(Value::String(word)) if word == alternative => Ok(Some(ListOr::Alternative)),
            Some(Value::Array(_)) | None => Ok(self.list(name, min, max, item)?.map(ListOr::List)),
            Some(other) => {
                Err(ArgError::new(name, format!("must be \"{alternative}\" or a list, not {}", describe_short(other))))
            }
        }
    }

    /// A JSON object whose values are all strings (tags).
    pub fn string_map(&self, name: &str) -> Result<Option<BTreeMap<String, String>>, ArgError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(entries)) => entries
                .iter()
                .map(|(key, value)| match value {
                    Value::String(text) => Ok((key.clone(), text.clone())),
                    other => Err(ArgError::new(
                        name,
                        format!("the value of `{}` must be a string, not {}", shorten(key), type_name(other)),
                    )),
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(other) => Err(ArgError::new(name, format!("must be an object of strings, not {}", type_name(other)))),
        }
    }
}

/// Readers of one array item; the error is the rule, without the argument's name.
pub mod item {
    use super::{ArgEnum, EnumRejection, Value, shorten, type_name};

    pub fn string(value: &Value) -> Result<String, String> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(format!("must be a string, not {}", type_name(other))),
        }
    }

    pub fn enumeration<E: ArgEnum>(value: &Value) -> Result<E, String> {
        let text = string(value)?;
        match E::parse(&text) {
            Ok(e) => Ok(e),
            Err(EnumRejection::Refused(reason)) => Err(format!("`{text}` is refused: {reason}")),
            Err(EnumRejection::Unknown) => {
                Err(format!("`{}` is not one of: {}", shorten(&text), E::ACCEPTED.join(", ")))
            }
        }
    }
}

fn describe_short(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{}`", shorten(s)),
        other => type_name(other).to_string(),
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        other => type_name(other).to_string(),
    }
}

/// Long user input is cut in messages, so an error never echoes a wall of text.
fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX { s.to_string() } else { format!("{}…", s.chars().take(MAX).collect::<String>()) }
}

/// The spec's rules on typed values (also run for arguments built in Rust).
pub mod check {
    use std::collections::BTreeMap;

    use super::{ArgError, Date};

    /// `min..=max` items, none repeated.
    pub fn items<T: PartialEq>(name: &str, items: &[T], min: u32, max: u32) -> Result<(), ArgError> {
        let n = items.len();
        if n < min as usize {
            let rule = if n == 0 {
                format!("give at least {min} item(s), or leave the argument out")
            } else {
                format!("must have at least {min} items, got {n}")
            };
            return Err(ArgError::new(name, rule));
        }
        if n > max as usize {
            return Err(ArgError::new(name, format!("must have at most {max} items, got {n}")));
        }
        for (later, item) in items.iter().enumerate() {
            if let Some(earlier) = items[..later].iter().position(|other| other == item) {
                return Err(ArgError::new(name, format!("item {} repeats item {}", later + 1, earlier + 1)));
            }
        }
        Ok(())
    }

    /// A string map: at most `max_entries`, keys 1..=`key_max` characters and not starting with
    /// `reserved_prefix` (case-insensitive), values at most `value_max` characters.
    pub fn map(
        name: &str,
        map: &BTreeMap<String, String>,
        max_entries: u32,
        key_max: u32,
        value_max: u32,
        reserved_prefix: Option<&str>,
    ) -> Result<(), ArgError> {
        if map.len() > max_entries as usize {
            return Err(ArgError::new(name, format!("must have at most {max_entries} entries, got {}", map.len())));
        }
        for (key, value) in map {
            let key_len = key.chars().count();
            if key_len == 0 || key_len > key_max as usize {
                return Err(ArgError::new(name, format!("keys must be 1 to {key_max} characters long")));
            }
            if let Some(prefix) = reserved_prefix
                && key.to_lowercase().starts_with(&prefix.to_lowercase())
            {
                return Err(ArgError::new(
                    name,
                    format!("key `{}` is reserved: keys must not start with `{prefix}`", super::shorten(key)),
                ));
            }
            if value.chars().count() > value_max as usize {
                return Err(ArgError::new(
                    name,
                    format!("the value of `{}` must be at most {value_max} characters long", super::shorten(key)),
                ));
            }
        }
        Ok(())
    }

    pub fn range(name: &str, value: i64, min: Option<i64>, max: Option<i64>) -> Result<(), ArgError> {
        match (min, max) {
            (Some(lo), Some(hi)) if value < lo || value > hi => {
                Err(ArgError::new(name, format!("must be between {lo} and {hi}, got {value}")))
            }
            (Some(lo), None) if value < lo => Err(ArgError::new(name, format!("must be at least {lo}, got {value}"))),
            (None, Some(hi)) if value > hi => Err(ArgError::new(name, format!("must be at most {hi}, got {value}"))),
            _ => Ok(()),
        }
    }

    pub fn length(name: &str, value: &str, min: Option<u32>, max: Option<u32>) -> Result<(), ArgError> {
        let len = value.chars().count();
        if let Some(min) = min
            && len < min as usize
        {
            return Err(ArgError::new(name, format!("must be at least {min} characters long")));
        }
        if let Some(max) = max
            && len > max as usize
        {
            return Err(ArgError::new(name, format!("must be at most {max} characters long, got {len}")));
        }
        Ok(())
    }

    /// IDs are one path segment: `^[A-Za-z0-9_-]{1,128}$` (no `/`, `..`, `?`).
    pub fn id(name: &str, value: &str) -> Result<(), ArgError> {
        let ok = (1..=128).contains(&value.len())
            && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if ok {
            Ok(())
        } else {
            Err(ArgError::new(name, "must match ^[A-Za-z0-9_-]{1,128}$ (an ID such as user_01AbC)"))
        }
    }

    /// A plausible address: one `@`, text on both sides, a dot in the domain, no spaces.
    pub fn email(name: &str, value: &str) -> Result<(), ArgError> {
        let bad = || ArgError::new(name, "must be an email address like name@example.com");
        if value.len() > 320 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let Some((local, domain)) = value.split_once('@') else { return Err(bad()) };
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(bad());
        }
        Ok(())
    }

    pub fn date_range(
        start_name: &str,
        start: &Date,
        end_name: &str,
        end: &Date,
        max_days: Option<u32>,
    ) -> Result<(), ArgError> {
        if end < start {
            return Err(ArgError::new(end_name, format!("must be on or after {start_name} ({start}), got {end}")));
        }
        if let Some(max) = max_days {
            let days = start.days_until(end) + 1;
            if days > i64::from(max) {
                return Err(ArgError::new(
                    end_name,
                    format!("the period from {start_name} to {end_name} is {days} days; at most {max} are allowed"),
                ));
            }
        }
        Ok(())
    }

    /// At least one of the named optional arguments is set.
    pub fn at_least_one(present: &[(&str, bool)]) -> Result<(), ArgError> {
        if present.iter().any(|(_, set)| *set) {
            return Ok(());
        }
        let names: Vec<&str> = present.iter().map(|(n, _)| *n).collect();
        Err(ArgError::new(names.join("|"), format!("give at least one of: {}", names.join(", "))))
    }
}
