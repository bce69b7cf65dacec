//! A result's envelope, spelled once: the keys of the lists the generator wraps items in
//! (`data`, `page`, ...), and the fields the connector adds to every result ([`Added`]:
//! `summary`, `notice`, `upstream`, `truncated`) and to a roll-up ([`RolledUp`]), as serde
//! types. Their JSON Schema is derived from those types, once, and joined to every tool's
//! output schema when the MCP tool list is built ([`declare`]), so what a result carries
//! and what its schema declares cannot drift. Answer shaping reads these types, never
//! the keys; no other module spells them.

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::JsonObject;

/// The items.
pub const DATA: &str = "data";
/// Page number, from 1 (pages and windows).
pub const PAGE: &str = "page";
pub const PER_PAGE: &str = "per_page";
pub const HAS_MORE: &str = "has_more";
/// How many items the whole range has (windows).
pub const TOTAL: &str = "total";
/// How many days a per-day report covers.
pub const DAYS: &str = "days";
/// The exact sum of the report's cents, and in dollars (reports that sum cents).
pub const TOTAL_CENTS: &str = "total_cents";
pub const TOTAL_USD: &str = "total_usd";
/// What the call cost upstream ([`Added::upstream`]); MCP's `_meta` carries it too.
pub const UPSTREAM: &str = "upstream";
/// [`Added::truncated`].
const TRUNCATED: &str = "truncated";
/// The rows of a roll-up ([`RolledUp::rows`]), which the result cap cuts like `data`.
pub const ROWS: &str = "rows";

/// What the connector adds to a tool's result for clients that read only the structured
/// value. Each is set by one stage: the summary and upstream cost by the pipeline, the
/// notice by the MCP transport, the cut by the result cap.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Added {
    /// The one line that says what this result is (also the text's first line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Set when the data is not the organization's own (the sandbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// Admin API requests sent, and report pages the cache answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<UpstreamUsage>,
    /// Present when the result was cut to stay small: how much was kept, why, and how to get the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<Truncated>,
}

/// How a result was cut to fit `--max-result-bytes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Truncated {
    // Items of the list (`data`, or a roll-up's `rows`) kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<usize>,
    // Items the list had before the cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<usize>,
    // Why it was cut.
    #[serde(default)]
    pub reason: String,
    // How to ask for the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    // What the cut does not change (totals outside the list cover the whole request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    // Where long values were cut (paths into the result).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut: Option<Vec<String>>,
    // How long values were cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
}

/// What one call cost upstream: the requests it sent to the Admin API (every attempt,
/// retries included) and the report pages the cache of closed days answered instead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpstreamUsage {
    pub requests: u32,
    pub cached_pages: u32,
}

impl UpstreamUsage {
    /// As the structured result carries it.
    pub fn to_value(self) -> Value {
        // Two integers: serializing cannot fail.
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The line that ends a result's text, only when the cache answered some pages: the
    /// usual case (everything fetched) costs no bytes of the reader's context.
    pub fn text_line(self) -> Option<String> {
        (self.cached_pages > 0).then(|| self.to_string())
    }
}

impl std::fmt::Display for UpstreamUsage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: u32| if n == 1 { "" } else { "s" };
        write!(
            f,
            "upstream: {} request{}, {} page{} from the cache",
            self.requests,
            plural(self.requests),
            self.cached_pages,
            plural(self.cached_pages)
        )
    }
}

impl Added {
    /// The connector's fields of a result (none of a value that is not an object).
    pub fn of(value: &Value) -> Added {
        let Value::Object(object) = value else { return Added::default() };
        let field = |key: &str| object.get(key).cloned().unwrap_or(Value::Null);
        // Only the four keys are looked at: a large result is not walked.
        let fields: JsonObject = ["summary", "notice", UPSTREAM, TRUNCATED]
            .into_iter()
            .map(|key| (key.to_string(), field(key)))
            .filter(|(_, value)| !value.is_null())
            .collect();
        serde_json::from_value(Value::Object(fields)).unwrap_or_default()
    }

    /// Writes the fields that are set into `value` (an object), replacing what was there.
    pub fn write(&self, value: &mut Value) {
        if let (Value::Object(object), Ok(Value::Object(fields))) = (value, serde_json::to_value(self)) {
            object.extend(fields);
        }
    }

    /// Only the summary line.
    pub fn summary(summary: impl Into<String>) -> Added {
        Added { summary: Some(summary.into()), ..Added::default() }
    }
}

impl Truncated {
    /// How `value` was cut, if it was.
    pub fn of(value: &Value) -> Option<Truncated> {
        Added::of(value).truncated
    }

    /// Whether `value` was cut.
    pub fn is_in(value: &Value) -> bool {
        value.get(TRUNCATED).is_some()
    }

    /// Takes the note out of `value` (to cut the rest without cutting the note).
    pub fn take(value: &mut Value) -> Option<Truncated> {
        let note = Truncated::of(value);
        if let Value::Object(object) = value {
            object.shift_remove(TRUNCATED);
        }
        note
    }

    /// Sets the note of `value`.
    pub fn write(self, value: &mut Value) {
        Added { truncated: Some(self), ..Added::default() }.write(value);
    }
}

/// A report rolled up by `period`, `group_by`, `sort` and `top` (`runtime::rollup`
/// computes it, `answer::rollup` reads it): the rows of each period and group with their
/// measures, and the totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RolledUp {
    pub period: Period,
    /// The dimensions the rows are grouped by, in order.
    pub group_by: Vec<String>,
    /// The measure rows are sorted by, largest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// How many groups each period keeps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<usize>,
    /// Groups before `top` cut (the rest are summed in `other` rows).
    pub groups: usize,
    /// The first and the last day of the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_day: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_day: Option<String>,
    /// One row per period and group: `period` (YYYY-MM-DD, YYYY-Www or YYYY-MM), the dimensions, the measures; `other_groups` on the row that sums what `top` left out.
    pub rows: Vec<RollUpRow>,
    /// Measures: counts as integers, money as exact US dollars (decimal strings, rounded once to the cent).
    pub totals: JsonObject,
}

/// The period a roll-up's rows cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
    Month,
    Total,
}

impl Period {
    /// The word the `period` argument takes.
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Total => "total",
        }
    }

    /// The period of a word of the `period` argument.
    pub fn parse(word: &str) -> Option<Period> {
        [Period::Day, Period::Week, Period::Month, Period::Total].into_iter().find(|p| p.name() == word)
    }
}

/// One row of a roll-up: its period (none for the total), the `top` cut's count of the
/// groups it sums, then the dimensions and measures by column name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RollUpRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    // On the row that sums the groups `top` left out: how many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_groups: Option<usize>,
    #[serde(flatten)]
    pub columns: JsonObject,
}

impl RollUpRow {
    /// The name of the period column (the row's `period`).
    pub const PERIOD: &str = "period";

    /// The value of a column: [`RollUpRow::PERIOD`], a dimension or a measure.
    pub fn get(&self, column: &str) -> Option<Value> {
        match column {
            Self::PERIOD => self.period.clone().map(Value::String),
            _ => self.columns.get(column).cloned(),
        }
    }
}

impl RolledUp {
    /// The roll-up a result is (`None` if it is not one).
    pub fn of(value: &Value) -> Option<RolledUp> {
        RolledUp::deserialize(value).ok()
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// The schema of what [`Added`] (and, for a report that rolls up, [`RolledUp`]) puts in
/// a result, joined to a tool's output schema: their properties are added, and a roll-up
/// tool's result is either the report (its own `required`) or the roll-up (the roll-up's).
pub fn declare(mut schema: JsonObject, rolls_up: bool) -> JsonObject {
    static ADDED: OnceLock<JsonObject> = OnceLock::new();
    static ROLLED_UP: OnceLock<JsonObject> = OnceLock::new();
    let added = ADDED.get_or_init(inline_schema::<Added>);
    let rolled_up = ROLLED_UP.get_or_init(inline_schema::<RolledUp>);
    let mut extra: Vec<&JsonObject> = vec![added];
    if rolls_up {
        extra.push(rolled_up);
        let report_required = schema.remove("required").unwrap_or_else(|| Value::Array(Vec::new()));
        let rolled_required = rolled_up.get("required").cloned().unwrap_or_else(|| Value::Array(Vec::new()));
        schema
            .insert("anyOf".into(), serde_json::json!([{"required": report_required}, {"required": rolled_required}]));
    }
    let properties = schema.entry("properties").or_insert_with(|| Value::Object(JsonObject::new()));
    if let Value::Object(properties) = properties {
        for source in extra {
            if let Some(Value::Object(more)) = source.get("properties") {
                properties.extend(more.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
    }
    schema
}

/// The schema of `T` with every subschema inline (no `$defs`), rooted at an object.
fn inline_schema<T: JsonSchema>() -> JsonObject {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.inline_subschemas = true;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    match serde_json::to_value(schema) {
        Ok(Value::Object(mut map)) => {
            map.values_mut().for_each(tidy);
            map
        }
        _ => JsonObject::new(),
    }
}

/// Drops schemars' `format: uint…` annotations (integers are integers, as in the
/// generated schemas) and the `null` it allows for an `Option`: no field is ever written
/// as null, it is left out.
fn tidy(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str).is_some_and(|format| format.starts_with("uint")) {
                map.remove("format");
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = types.as_slice() {
                    let only = only.clone();
                    map.insert("type".into(), only);
                }
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_added_fields_round_trip_through_a_result() {
        let mut value = json!({"data": [1, 2], "truncated": {"returned": 1, "total": 2, "reason": "big"}});
        let cut = Truncated::of(&value).unwrap();
        assert_eq!((cut.returned, cut.total, cut.reason.as_str()), (Some(1), Some(2), "big"));
        let added = Added {
            summary: Some("2 things".into()),
            upstream: Some(UpstreamUsage { requests: 1, cached_pages: 0 }),
            ..Added::default()
        };
        added.write(&mut value);
        assert_eq!(value["summary"], "2 things");
        assert_eq!(value["upstream"], json!({"requests": 1, "cached_pages": 0}));
        assert_eq!(Added::of(&value).truncated, Some(cut), "writing one field leaves the others");
        assert!(Truncated::take(&mut value).is_some() && !Truncated::is_in(&value));
    }

    #[test]
    fn the_schema_declares_every_field_a_cut_writes() {
        let schema = declare(JsonObject::new(), false);
        let truncated = &schema["properties"][TRUNCATED]["properties"];
        for key in ["returned", "total", "reason", "next", "note", "cut", "how"] {
            assert!(truncated.get(key).is_some(), "{key}: {truncated}");
        }
        assert!(!serde_json::to_string(&schema).unwrap().contains("$ref"), "inline: {schema:?}");
        let rolled = declare(serde_json::from_value(json!({"required": ["data"]})).unwrap(), true);
        assert_eq!(rolled["anyOf"][0]["required"], json!(["data"]));
        let required = rolled["anyOf"][1]["required"].as_array().unwrap();
        assert!(required.contains(&json!(ROWS)) && required.contains(&json!("totals")), "{required:?}");
        assert_eq!(rolled["properties"]["period"]["enum"], json!(["day", "week", "month", "total"]));
    }
}
