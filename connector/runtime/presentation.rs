//! How people and models read a result, as the spec declares it for each response
//! type (`presentation:` in `spec/admin-api.yaml`; derived by the generator when a type
//! has none): its noun, the fields that identify one object, and its columns, each a
//! field path with a label and a kind. Reading a value through a [`Column`] and
//! formatting a cell by its [`ColumnKind`] live here, so the summary line, the result
//! cap and the terminal tables never name a field of a particular response type.

use super::Value;
use super::money::Cents;

/// How one response type is read.
#[derive(Debug, Clone, Copy)]
pub struct Presentation {
    /// One object: `user`, `API key`.
    pub noun: &'static str,
    /// Several: `users`, `API keys`.
    pub plural: &'static str,
    /// The fields that name one object (IDs), shown after the noun.
    pub identity: &'static [&'static str],
    /// Fields shown in parentheses after the identity.
    pub details: &'static [&'static str],
    /// `(field, word)`: the word is added when the field is set (`archived_at` → `archived`).
    pub flags: &'static [(&'static str, &'static str)],
    /// The column that places an item in time (reports): where a cut result resumes.
    pub time: Option<&'static str>,
    /// A list field whose items are the rows of this item (a report bucket's results),
    /// with their own presentation.
    pub rows: Option<Rows>,
    /// Per-item details (a Claude Code record's models) that grouping by one of their
    /// dimensions spreads into.
    pub breakdown: Option<Rows>,
    /// What a table of these shows, in order.
    pub columns: &'static [Column],
    /// A summary line with `{column}` placeholders (hand-written presentations).
    pub summary: Option<&'static str>,
    /// Maps of objects shown as tables of their own (hand-written presentations).
    pub sections: &'static [Section],
    /// Names beside ID columns, read from list tools (the spec's `names:`).
    pub names: &'static [NameLookup],
}

/// The name of the object an ID column holds: `field` of the item of the list `tool`
/// whose `key` equals the ID, or `none` when the ID is null; set as `into` beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameLookup {
    pub column: &'static str,
    pub tool: &'static str,
    pub key: &'static str,
    pub field: &'static str,
    pub none: Option<&'static str>,
    pub into: &'static str,
    /// The list tool's other arguments, as JSON text.
    pub with: &'static str,
    pub page: &'static str,
    pub per_page: &'static str,
    pub page_size: u32,
}

/// The nested rows of a report item.
#[derive(Debug, Clone, Copy)]
pub struct Rows {
    pub field: &'static str,
    pub presentation: &'static Presentation,
}

/// A map of objects (`usage_by_model`) shown as a table keyed by the map's keys.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub title: &'static str,
    pub field: &'static str,
    pub key_label: &'static str,
    pub columns: &'static [Column],
}

/// One column: where its value is, what it is called, how it reads.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The name aggregation arguments use (`sessions`, `cost_usd`).
    pub name: &'static str,
    pub label: &'static str,
    /// Alternatives, the first present wins; each a path of field names where `*` steps
    /// into every item of a list or value of a map (whose values are then summed).
    pub paths: &'static [&'static [&'static str]],
    pub kind: ColumnKind,
    pub role: ColumnRole,
}

/// How a column's values read and add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    /// A whole number, digits grouped; summed in totals.
    Count,
    /// A decimal number; not summed.
    Number,
    /// Cents (a decimal string or number): shown in dollars, summed exactly.
    MoneyCents,
    /// Dollars: summed exactly.
    MoneyUsd,
    Percent,
    /// `YYYY-MM-DD` (the date part of a timestamp).
    Date,
    /// `YYYY-MM-DD HH:MM`.
    Datetime,
    Boolean,
}

/// What a column is to aggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    Plain,
    /// Rows are grouped by its value.
    Dimension,
    /// Summed within a group.
    Measure,
}

/// The wildcard path step.
pub const EACH: &str = "*";

impl ColumnKind {
    /// Whether a totals row sums this column.
    pub fn sums(self) -> bool {
        matches!(self, ColumnKind::Count | ColumnKind::MoneyCents | ColumnKind::MoneyUsd)
    }

    /// Whether cells align right.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ColumnKind::Count
                | ColumnKind::Number
                | ColumnKind::MoneyCents
                | ColumnKind::MoneyUsd
                | ColumnKind::Percent
        )
    }
}

impl Presentation {
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// `User user_07 (Ann, a@acme.io, developer), archived`.
    pub fn label(&self, value: &Value) -> String {
        let text = |field: &str| value.get(field).and_then(scalar_text);
        let mut label = capitalized(self.noun);
        for id in self.identity.iter().filter_map(|f| text(f)) {
            label.push(' ');
            label.push_str(&id);
        }
        let details: Vec<String> = self.details.iter().filter_map(|f| text(f)).collect();
        if !details.is_empty() {
            label.push_str(&format!(" ({})", details.join(", ")));
        }
        for (field, word) in self.flags {
            if value.get(*field).is_some_and(|v| !v.is_null()) {
                label.push_str(", ");
                label.push_str(word);
            }
        }
        label
    }

    /// `plural` for any count but one.
    pub fn count_noun(&self, count: u64) -> &'static str {
        if count == 1 { self.noun } else { self.plural }
    }

    /// The item's place in time, as a `YYYY-MM-DD` day (reports).
    pub fn day_of<'v>(&self, item: &'v Value) -> Option<&'v str> {
        let column = self.column(self.time?)?;
        match column.value(item) {
            Cell::Value(Value::String(text)) => day_prefix(text),
            _ => None,
        }
    }
}

/// What a column reads from one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'v> {
    Missing,
    Value(&'v Value),
    /// A path through lists or maps: every value it reached (summed for display).
    Many(Vec<&'v Value>),
}

impl Column {
    pub fn value<'v>(&self, item: &'v Value) -> Cell<'v> {
        for path in self.paths {
            if path.contains(&EACH) {
                let mut found = Vec::new();
                collect(item, path, &mut found);
                return Cell::Many(found);
            }
            let mut at = Some(item);
            for step in *path {
                at = at.and_then(|v| v.get(*step));
            }
            match at {
                Some(Value::Null) | None => continue,
                Some(value) => return Cell::Value(value),
            }
        }
        Cell::Missing
    }

    /// The column's value as exact cents (money columns), as a whole number (counts), or
    /// `None` when absent or of another kind.
    pub fn amount(&self, item: &Value) -> Option<Amount> {
        let values = match self.value(item) {
            Cell::Missing => return None,
            Cell::Value(value) => vec![value],
            Cell::Many(values) => values,
        };
        let mut total = Amount::zero(self.kind)?;
        for value in values {
            total = total.checked_add(&Amount::of(self.kind, value)?)?;
        }
        Some(total)
    }

    /// The cell's text for a table or a summary.
    pub fn format(&self, item: &Value) -> String {
        match self.value(item) {
            Cell::Missing => String::new(),
            Cell::Value(value) => format_value(self.kind, value),
            Cell::Many(_) => self.amount(item).map(|a| a.to_string()).unwrap_or_default(),
        }
    }
}

fn collect<'v>(value: &'v Value, path: &[&str], found: &mut Vec<&'v Value>) {
    let Some((step, rest)) = path.split_first() else {
        if !value.is_null() {
            found.push(value);
        }
        return;
    };
    if *step == EACH {
        match value {
            Value::Array(items) => items.iter().for_each(|item| collect(item, rest, found)),
            Value::Object(map) => map.values().for_each(|item| collect(item, rest, found)),
            _ => {}
        }
    } else if let Some(next) = value.get(*step) {
        collect(next, rest, found);
    }
}

/// An exact quantity of a summing column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Amount {
    Count(u64),
    Cents(Cents),
    /// Dollars, kept exact as a decimal in cents-of-a-dollar units' own scale.
    Usd(Cents),
}

impl Amount {
    pub fn zero(kind: ColumnKind) -> Option<Amount> {
        match kind {
            ColumnKind::Count => Some(Amount::Count(0)),
            ColumnKind::MoneyCents => Some(Amount::Cents(Cents::ZERO)),
            ColumnKind::MoneyUsd => Some(Amount::Usd(Cents::ZERO)),
            _ => None,
        }
    }

    /// One value read as this kind: counts are whole non-negative numbers; money is a
    /// decimal string or a JSON number, taken as the decimal it prints as.
    pub fn of(kind: ColumnKind, value: &Value) -> Option<Amount> {
        let decimal = || match value {
            Value::String(text) => Cents::parse(text),
            Value::Number(n) => n
                .as_i64()
                .map_or_else(|| n.as_f64().and_then(Cents::from_json_number), |whole| Cents::parse(&whole.to_string())),
            _ => None,
        };
        match kind {
            ColumnKind::Count => value.as_u64().map(Amount::Count),
            ColumnKind::MoneyCents => decimal().map(Amount::Cents),
            ColumnKind::MoneyUsd => decimal().map(Amount::Usd),
            _ => None,
        }
    }

    /// Exact addition; `None` on overflow or a mix of kinds.
    pub fn checked_add(self, other: &Amount) -> Option<Amount> {
        match (self, *other) {
            (Amount::Count(a), Amount::Count(b)) => a.checked_add(b).map(Amount::Count),
            (Amount::Cents(a), Amount::Cents(b)) => a.checked_add(b).map(Amount::Cents),
            (Amount::Usd(a), Amount::Usd(b)) => a.checked_add(b).map(Amount::Usd),
            _ => None,
        }
    }
}

impl std::fmt::Display for Amount {
    /// Counts with grouped digits; money in dollars to the cent (`<$0.01` for a positive
    /// amount that rounds to zero).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Amount::Count(n) => f.write_str(&group_digits(&n.to_string())),
            Amount::Cents(cents) => f.write_str(&dollars(cents.usd_rounded(), cents.is_positive())),
            Amount::Usd(usd) => f.write_str(&small_dollars(usd.times_hundred())),
        }
    }
}

/// Dollars to the cent, or to up to 4 decimals under a dollar (a cost per suggestion).
fn small_dollars(cents: Cents) -> String {
    let four = cents.usd_rounded_to(4);
    let magnitude = four.trim_start_matches('-');
    if cents.is_zero() || !magnitude.starts_with("0.") {
        return dollars(cents.usd_rounded(), cents.is_positive());
    }
    let trimmed = four.trim_end_matches('0');
    let decimals = trimmed.split_once('.').map_or(0, |(_, f)| f.len());
    if decimals <= 2 { dollars(cents.usd_rounded(), cents.is_positive()) } else { dollars(trimmed.to_string(), false) }
}

fn dollars(rounded: String, positive: bool) -> String {
    if positive && rounded == "0.00" {
        return "<$0.01".to_string();
    }
    match rounded.strip_prefix('-') {
        Some(magnitude) => format!("-${}", group_digits(magnitude)),
        None => format!("${}", group_digits(&rounded)),
    }
}

/// One value as a cell of `kind`.
pub fn format_value(kind: ColumnKind, value: &Value) -> String {
    if value.is_null() {
        return String::new();
    }
    match kind {
        ColumnKind::Count | ColumnKind::MoneyCents | ColumnKind::MoneyUsd => {
            Amount::of(kind, value).map_or_else(|| plain(value), |amount| amount.to_string())
        }
        ColumnKind::Number => value.as_f64().map_or_else(|| plain(value), number_text),
        ColumnKind::Percent => value.as_f64().map_or_else(|| plain(value), |n| format!("{}%", number_text(n))),
        ColumnKind::Date => match value {
            Value::String(text) => day_prefix(text).unwrap_or(text).to_string(),
            other => plain(other),
        },
        ColumnKind::Datetime => match value {
            Value::String(text) => minute_prefix(text).unwrap_or_else(|| text.clone()),
            other => plain(other),
        },
        ColumnKind::Boolean | ColumnKind::Text => plain(value),
    }
}

/// Text of a value in no particular kind: strings as they are, `yes`/`no`, numbers,
/// lists of scalars joined, anything nested counted.
pub fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(text) => text.clone(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(whole), _) => group_digits(&whole.to_string()),
            (None, Some(whole)) => group_digits(&whole.to_string()),
            _ => n.as_f64().map_or_else(|| n.to_string(), number_text),
        },
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            items.iter().map(plain).collect::<Vec<_>>().join(", ")
        }
        Value::Array(items) => format!("{} items", items.len()),
        Value::Object(fields) => format!("{} fields", fields.len()),
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(_) | Value::Bool(_) => Some(plain(value)),
        _ => None,
    }
}

fn number_text(n: f64) -> String {
    let rounded = format!("{n:.4}");
    let trimmed = if rounded.contains('.') { rounded.trim_end_matches('0').trim_end_matches('.') } else { &rounded };
    group_digits(trimmed)
}

/// `YYYY-MM-DD` at the start of `text`, if it starts with one.
pub fn day_prefix(text: &str) -> Option<&str> {
    let day = text.get(..10)?;
    let bytes = day.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    (digits(0..4) && bytes[4] == b'-' && digits(5..7) && bytes[7] == b'-' && digits(8..10)).then_some(day)
}

/// `2026-03-01T10:00:00.000000Z` → `2026-03-01 10:00`; `None` for anything else.
fn minute_prefix(text: &str) -> Option<String> {
    let day = day_prefix(text)?;
    let time = text.get(10..16)?;
    let bytes = time.as_bytes();
    let well_formed = bytes[0] == b'T'
        && bytes[1..3].iter().all(u8::is_ascii_digit)
        && bytes[3] == b':'
        && bytes[4..6].iter().all(u8::is_ascii_digit);
    well_formed.then(|| format!("{day} {}", &time[1..]))
}

/// `1234567` → `1,234,567` (the whole part of a decimal too).
pub fn group_digits(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |rest| ("-", rest));
    let (whole, fraction) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
    if !whole.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_string();
    }
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `user` → `User`; `API key` stays.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const COST: Column = Column {
        name: "cost_usd",
        label: "Cost",
        paths: &[&["model_breakdown", EACH, "estimated_cost", "amount"]],
        kind: ColumnKind::MoneyCents,
        role: ColumnRole::Measure,
    };
    const ACTOR: Column = Column {
        name: "actor",
        label: "Actor",
        paths: &[&["actor", "email_address"], &["actor", "api_key_name"]],
        kind: ColumnKind::Text,
        role: ColumnRole::Dimension,
    };

    #[test]
    fn paths_fall_back_and_fan_out() {
        let record = json!({"actor": {"api_key_name": "ci"}, "model_breakdown": [
            {"estimated_cost": {"amount": 12.5}}, {"estimated_cost": {"amount": 0.25}}]});
        assert_eq!(ACTOR.format(&record), "ci");
        assert_eq!(COST.amount(&record), Some(Amount::Cents(Cents::parse("12.75").unwrap())));
        assert_eq!(COST.format(&record), "$0.13");
        assert_eq!(ACTOR.format(&json!({"actor": {"email_address": "a@b.io", "api_key_name": "x"}})), "a@b.io");
    }

    #[test]
    fn cells_are_formatted_by_kind_and_never_slice_inside_a_character() {
        assert_eq!(format_value(ColumnKind::Datetime, &json!("2026-03-01T10:00:00.000000Z")), "2026-03-01 10:00");
        assert_eq!(format_value(ColumnKind::Datetime, &json!("2026-03-01T10:0é")), "2026-03-01T10:0é");
        assert_eq!(format_value(ColumnKind::Date, &json!("2026-03-0é")), "2026-03-0é");
        assert_eq!(format_value(ColumnKind::MoneyCents, &json!("12345.5")), "$123.46");
        assert_eq!(format_value(ColumnKind::MoneyCents, &json!("0.3")), "<$0.01");
        assert_eq!(format_value(ColumnKind::MoneyCents, &json!("-250")), "-$2.50");
        assert_eq!(format_value(ColumnKind::MoneyUsd, &json!(1234.5)), "$1,234.50");
        assert_eq!(format_value(ColumnKind::MoneyUsd, &json!(0.0123)), "$0.0123");
        assert_eq!(format_value(ColumnKind::MoneyUsd, &json!(0.5)), "$0.50");
        assert_eq!(format_value(ColumnKind::MoneyUsd, &json!(0)), "$0.00");
        assert_eq!(format_value(ColumnKind::Count, &json!(1234567)), "1,234,567");
        assert_eq!(format_value(ColumnKind::Percent, &json!(12.5)), "12.5%");
        assert_eq!(format_value(ColumnKind::Boolean, &json!(true)), "yes");
    }

    #[test]
    fn counts_that_overflow_do_not_wrap() {
        let column = Column { paths: &[&["n", EACH]], kind: ColumnKind::Count, ..COST };
        assert_eq!(column.amount(&json!({"n": [u64::MAX, 1]})), None);
    }
}
