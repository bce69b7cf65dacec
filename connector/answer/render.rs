//! Tool results for people, from the spec's presentation of the result type: a table
//! of the listed items (a report's buckets spread into their rows), a totals row summed
//! exactly, a labelled table for one object, and the sections of hand-written
//! presentations. Nothing here names a field of a particular response type, so a tool
//! added to the spec renders with no code here.
//!
//! Text from the API is shown as text: control characters (terminal escapes) are made
//! visible, and nothing is cut inside a character.

use serde_json::{Map, Value};

use crate::runtime::ResultShape;
use crate::runtime::envelope::{self, Truncated};
use crate::runtime::presentation::{
    Amount, Column, ColumnKind, ColumnRole, Presentation, Section, capitalized, format_value,
};

/// The widest a table cell gets before it is cut with `…`.
const MAX_CELL: usize = 40;
/// The widest a value in a two-column (label, value) table gets.
const MAX_VALUE: usize = 100;

/// What to print: the text for stdout and notes for stderr.
#[derive(Debug, Default)]
pub struct Rendered {
    pub text: String,
    pub notes: Vec<String>,
}

/// A plain text table: columns padded to their widest cell, numbers aligned right.
#[derive(Debug, Clone)]
pub struct Table {
    headers: Vec<String>,
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
    footer: Option<Vec<String>>,
    max_cell: usize,
}

impl Table {
    /// A table with these column headers (all empty: no header line).
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Table {
        let headers: Vec<String> = headers.into_iter().map(Into::into).collect();
        Table { numeric: vec![false; headers.len()], headers, rows: Vec::new(), footer: None, max_cell: MAX_CELL }
    }

    /// A two-column table of labels and values.
    pub fn labelled() -> Table {
        Table { max_cell: MAX_VALUE, ..Table::new(["", ""]) }
    }

    /// Aligns these columns to the right.
    #[must_use]
    pub fn numeric(mut self, numeric: Vec<bool>) -> Table {
        self.numeric = numeric;
        self
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// A last row under a rule (totals).
    pub fn footer<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.footer = Some(cells.into_iter().map(Into::into).collect());
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self) -> String {
        let columns = self.headers.len();
        let cut = |cell: &str| truncate(cell, self.max_cell);
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in self.rows.iter().chain(self.footer.iter()) {
            for (index, cell) in row.iter().enumerate().take(columns) {
                widths[index] = widths[index].max(cut(cell).chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut text = String::new();
            for (index, width) in widths.iter().enumerate() {
                let cell = cut(cells.get(index).map(String::as_str).unwrap_or(""));
                let pad = " ".repeat(width.saturating_sub(cell.chars().count()));
                if index > 0 {
                    text.push_str("  ");
                }
                if self.numeric.get(index) == Some(&true) {
                    text.push_str(&pad);
                    text.push_str(&cell);
                } else {
                    text.push_str(&cell);
                    text.push_str(&pad);
                }
            }
            text.trim_end().to_string() + "\n"
        };
        let rule = || widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  ") + "\n";
        let mut text = String::new();
        if !self.headers.iter().all(String::is_empty) {
            text.push_str(&line(&self.headers));
            text.push_str(&rule());
        }
        for row in &self.rows {
            text.push_str(&line(row));
        }
        if let Some(footer) = &self.footer {
            text.push_str(&rule());
            text.push_str(&line(footer));
        }
        text
    }
}

/// Text safe for a terminal: control characters (C0, DEL, C1: escapes, bells, line
/// breaks) become visible `\u{..}` escapes, so text from the API cannot drive the terminal.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

fn truncate(cell: &str, max: usize) -> String {
    let cell = visible(cell);
    if cell.chars().count() <= max {
        return cell;
    }
    let mut cut: String = cell.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// How to render.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Only these fields of each listed item, in this order (the call's `fields` argument).
    pub fields: Vec<String>,
}

/// Renders a result of `shape`.
pub fn render(shape: ResultShape, value: &Value, options: &Options) -> Rendered {
    let mut out = Rendered::default();
    let presentation = shape.presentation();
    if shape.is_list() {
        let items: &[Value] = value.get(envelope::DATA).and_then(Value::as_array).map_or(&[], Vec::as_slice);
        let partial = value.get(envelope::HAS_MORE) == Some(&Value::Bool(true)) || Truncated::is_in(value);
        out.text.push_str(&list(presentation, items, options, partial));
    } else {
        out.text.push_str(&object(presentation, value));
    }
    if let Some(truncated) = Truncated::of(value) {
        let count = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
        out.notes.push(format!(
            "only {} of {} items are shown: {}; {}",
            count(truncated.returned),
            count(truncated.total),
            visible(&truncated.reason),
            visible(&truncated.next.unwrap_or_default())
        ));
    }
    out
}

/// One object: a labelled row per column (`n/a` for what is null), then its sections.
fn object(presentation: &Presentation, value: &Value) -> String {
    let mut text = String::new();
    let mut table = Table::labelled();
    for column in presentation.columns {
        let cell = column.format(value);
        table.row([column.label.to_string(), if cell.is_empty() { "n/a".to_string() } else { cell }]);
    }
    if !table.is_empty() {
        text.push_str(&table.render());
    }
    for section in presentation.sections {
        let table = match value.get(section.field) {
            Some(Value::Object(map)) if !map.is_empty() => keyed_table(section, map),
            Some(Value::Array(items)) if !items.is_empty() => list_table(section, items),
            _ => continue,
        };
        text.push('\n');
        text.push_str(section.title);
        text.push('\n');
        text.push_str(&table.render());
    }
    text
}

/// A list of objects (seats) as a table of the section's columns.
fn list_table(section: &Section, items: &[Value]) -> Table {
    let numeric = section.columns.iter().map(|c| c.kind.is_numeric()).collect();
    let mut table = Table::new(section.columns.iter().map(|c| c.label)).numeric(numeric);
    for item in items {
        table.row(section.columns.iter().map(|c| c.format(item)));
    }
    table
}

/// A map of objects (model → usage) as a table keyed by the map's keys.
fn keyed_table(section: &Section, map: &Map<String, Value>) -> Table {
    let headers = std::iter::once(section.key_label).chain(section.columns.iter().map(|c| c.label));
    let numeric = std::iter::once(false).chain(section.columns.iter().map(|c| c.kind.is_numeric())).collect();
    let mut table = Table::new(headers).numeric(numeric);
    for (key, value) in map {
        table.row(std::iter::once(key.clone()).chain(section.columns.iter().map(|c| c.format(value))));
    }
    table
}

/// One line of a list table: the item, and the nested row it spreads into (reports).
struct Line<'v> {
    item: &'v Value,
    row: Option<&'v Value>,
}

/// A column a list table shows: declared by the presentation, or a field the call's
/// `fields` argument names.
struct Shown {
    label: String,
    kind: ColumnKind,
    role: ColumnRole,
    source: Source,
    /// Read from the nested row rather than the item.
    nested: bool,
}

enum Source {
    Column(&'static Column),
    Field(String),
}

impl Shown {
    fn declared(column: &'static Column, nested: bool) -> Shown {
        Shown {
            label: column.label.to_string(),
            kind: column.kind,
            role: column.role,
            source: Source::Column(column),
            nested,
        }
    }

    fn named(&self, field: &str) -> bool {
        match &self.source {
            Source::Column(column) => column.name == field || column.paths.first() == Some(&&[field][..]),
            Source::Field(name) => name == field,
        }
    }

    fn format(&self, value: &Value) -> String {
        match &self.source {
            Source::Column(column) => column.format(value),
            Source::Field(name) => value.get(name).map(|v| format_value(ColumnKind::Text, v)).unwrap_or_default(),
        }
    }

    fn amount(&self, value: &Value) -> Option<Amount> {
        match &self.source {
            Source::Column(column) => column.amount(value),
            Source::Field(_) => None,
        }
    }
}

fn list(presentation: &'static Presentation, items: &[Value], options: &Options, partial: bool) -> String {
    let lines = spread(presentation, items);
    let mut shown = shown_columns(presentation, options);
    // A column empty on every line (a dimension the call did not group by) says nothing.
    if options.fields.is_empty() {
        shown.retain(|s| lines.iter().any(|line| !cell(s, line).is_empty()));
    }
    let headers = shown.iter().map(|s| s.label.clone());
    let numeric = shown.iter().map(|s| s.kind.is_numeric()).collect();
    let mut table = Table::new(headers).numeric(numeric);
    for line in &lines {
        table.row(shown.iter().map(|s| cell(s, line)));
    }
    if shown.iter().any(|s| s.kind.sums()) && !lines.is_empty() {
        table.footer(totals(&shown, &lines, partial));
    }
    table.render()
}

/// Every item, or for a report every row of every item (an item without rows still shows).
fn spread<'v>(presentation: &Presentation, items: &'v [Value]) -> Vec<Line<'v>> {
    let Some(rows) = presentation.rows else { return items.iter().map(|item| Line { item, row: None }).collect() };
    let mut lines = Vec::new();
    for item in items {
        match item.get(rows.field).and_then(Value::as_array) {
            Some(nested) if !nested.is_empty() => lines.extend(nested.iter().map(|row| Line { item, row: Some(row) })),
            _ => lines.push(Line { item, row: None }),
        }
    }
    lines
}

fn shown_columns(presentation: &'static Presentation, options: &Options) -> Vec<Shown> {
    let item = presentation.columns.iter().map(|c| Shown::declared(c, false));
    let nested = presentation.rows.into_iter().flat_map(|rows| rows.presentation.columns.iter());
    let mut all: Vec<Shown> = item.chain(nested.map(|c| Shown::declared(c, true))).collect();
    if options.fields.is_empty() {
        return all;
    }
    options
        .fields
        .iter()
        .map(|field| match all.iter().position(|s| s.named(field)) {
            Some(index) => all.remove(index),
            None => Shown {
                label: capitalized(&field.replace('_', " ")),
                kind: ColumnKind::Text,
                role: ColumnRole::Plain,
                source: Source::Field(field.clone()),
                nested: false,
            },
        })
        .collect()
}

fn source<'v>(shown: &Shown, line: &Line<'v>) -> Option<&'v Value> {
    if shown.nested { line.row } else { Some(line.item) }
}

fn cell(shown: &Shown, line: &Line) -> String {
    source(shown, line).map(|value| shown.format(value)).unwrap_or_default()
}

/// `Total` (or `Total shown` when the list is partial), exact sums of the summing
/// columns, and the number of distinct values of the first dimension.
fn totals(shown: &[Shown], lines: &[Line], partial: bool) -> Vec<String> {
    let first_dimension = shown.iter().position(|s| s.role == ColumnRole::Dimension);
    let mut footer: Vec<String> = shown
        .iter()
        .enumerate()
        .map(|(index, s)| {
            if s.kind.sums() {
                return sum(s, lines);
            }
            if Some(index) == first_dimension {
                let distinct: std::collections::BTreeSet<String> =
                    lines.iter().map(|line| cell(s, line)).filter(|c| !c.is_empty()).collect();
                let noun = s.label.to_lowercase();
                return format!("{} {noun}{}", distinct.len(), if distinct.len() == 1 { "" } else { "s" });
            }
            String::new()
        })
        .collect();
    let label = if partial { "Total shown" } else { "Total" };
    footer[0] = if footer[0].is_empty() { label.to_string() } else { format!("{label} {}", footer[0]) };
    footer
}

fn sum(shown: &Shown, lines: &[Line]) -> String {
    let Some(mut total) = Amount::zero(shown.kind) else { return String::new() };
    for value in lines.iter().filter_map(|line| source(shown, line)) {
        if let Some(amount) = shown.amount(value) {
            match total.checked_add(&amount) {
                Some(sum) => total = sum,
                None => return "overflow".to_string(),
            }
        }
    }
    total.to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::generated::presentations::{CLAUDE_CODE_RECORD, COST_BUCKET, INVITE, USER};

    #[test]
    fn lists_become_tables_of_the_declared_columns() {
        let value = json!({"data": [
            {"id": "user_1", "type": "user", "email": "a@b.io", "name": "A", "role": "developer", "added_at": "2025-03-01T10:00:00.000000Z"},
            {"id": "user_2", "type": "user", "email": "c@d.io", "name": "C", "role": "admin", "added_at": "2025-03-02T11:30:00Z"}
        ], "page": 1, "per_page": 2, "has_more": true});
        let text = render(ResultShape::Page(&USER), &value, &Options::default()).text;
        assert!(text.starts_with("ID"), "{text}");
        assert!(text.contains("Email") && text.contains("2025-03-01 10:00") && !text.contains("Type"), "{text}");
    }

    #[test]
    fn cost_reports_total_in_dollars_exactly() {
        let value = json!({"data": [
            {"starting_at": "2026-03-01T00:00:00Z", "ending_at": "2026-03-02T00:00:00Z", "results": [{"amount": "12345.5", "currency": "USD", "description": null}]},
            {"starting_at": "2026-03-02T00:00:00Z", "ending_at": "2026-03-03T00:00:00Z", "results": [{"amount": "0.25", "currency": "USD", "description": null}, {"amount": "0.25", "currency": "USD"}]}
        ], "total_cents": "12346", "total_usd": "123.46"});
        let text = render(ResultShape::Report(&COST_BUCKET), &value, &Options::default()).text;
        assert!(text.contains("2026-03-01") && text.contains("$123.46") && text.contains("<$0.01"), "{text}");
        let total = text.lines().last().unwrap();
        assert!(total.starts_with("Total") && total.ends_with("$123.46"), "{text}");
        assert!(!text.contains("Currency") && !text.contains("Description"), "{text}");
    }

    #[test]
    fn claude_code_records_sum_their_measures_and_count_actors() {
        let record = |actor: Value, sessions: u64, cents: f64| {
            json!({"date": "2026-03-01T00:00:00Z", "actor": actor, "terminal_type": "vscode", "customer_type": "api",
                "core_metrics": {"num_sessions": sessions, "lines_of_code": {"added": 1, "removed": 0}, "commits_by_claude_code": 0, "pull_requests_by_claude_code": 0},
                "tool_actions": {"edit_tool": {"accepted": 2, "rejected": 1}, "write_tool": {"accepted": 1, "rejected": 0}},
                "model_breakdown": [{"estimated_cost": {"amount": cents}}]})
        };
        let value = json!({"data": [
            record(json!({"type": "user_actor", "email_address": "a@x.io"}), 3, 150.0),
            record(json!({"type": "api_actor", "api_key_name": "ci"}), 1, 0.5)
        ], "days": 1});
        let text = render(ResultShape::PerDay(&CLAUDE_CODE_RECORD), &value, &Options::default()).text;
        let total = text.lines().last().unwrap();
        let cells: Vec<&str> = total.split_whitespace().collect();
        assert_eq!(cells[..3], ["Total", "2", "actors"], "{text}");
        assert!(total.contains(" 4 ") && total.ends_with("$1.51"), "{text}");
        assert!(text.contains("ci") && text.contains("Accepted"), "{text}");
    }

    #[test]
    fn single_objects_are_labelled_rows() {
        let invite = json!({"id": "invite_1", "email": "a@b.io", "role": "user", "status": "pending", "invited_at": "2025-05-01T09:00:00Z", "expires_at": null});
        let text = render(ResultShape::Object(&INVITE), &invite, &Options::default()).text;
        assert!(text.lines().any(|l| l.starts_with("Email") && l.ends_with("a@b.io")), "{text}");
        assert!(text.lines().any(|l| l.starts_with("Expires at") && l.ends_with("n/a")), "{text}");
    }

    #[test]
    fn terminal_escapes_from_the_api_are_shown_not_obeyed() {
        let value = json!({"data": [{"id": "user_1", "email": "x@y.io", "name": "\u{1b}[31mred\u{7}\u{9b}", "role": "user"}], "page": 1, "per_page": 1, "has_more": false});
        let text = render(ResultShape::Page(&USER), &value, &Options::default()).text;
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
        assert!(text.contains("\\u{1b}[31mred\\u{7}"), "{text}");
    }

    /// Any text in any column kind renders without a panic and without a raw control
    /// character (the table keeps its own line breaks only).
    #[test]
    fn arbitrary_text_in_every_column_kind_renders_safely() {
        use crate::runtime::presentation::{Column, ColumnKind, ColumnRole, Presentation};
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        const KINDS: [ColumnKind; 9] = [
            ColumnKind::Text,
            ColumnKind::Count,
            ColumnKind::Number,
            ColumnKind::MoneyCents,
            ColumnKind::MoneyUsd,
            ColumnKind::Percent,
            ColumnKind::Date,
            ColumnKind::Datetime,
            ColumnKind::Boolean,
        ];
        macro_rules! column {
            ($index:literal) => {
                Column { name: "v", label: "V", paths: &[&["v"]], kind: KINDS[$index], role: ColumnRole::Plain }
            };
        }
        static COLUMNS: [Column; 9] = [
            column!(0),
            column!(1),
            column!(2),
            column!(3),
            column!(4),
            column!(5),
            column!(6),
            column!(7),
            column!(8),
        ];
        static ANY: Presentation = Presentation {
            noun: "value",
            plural: "values",
            identity: &["v"],
            details: &[],
            flags: &[],
            time: Some("v"),
            rows: None,
            breakdown: None,
            columns: &COLUMNS,
            summary: None,
            sections: &[],
            names: &[],
        };
        let values = prop_oneof![
            any::<String>().prop_map(Value::from),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[\\PC\\p{Cc}]{0,4}".prop_map(Value::from),
            any::<f64>().prop_map(|n| json!(n)),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            any::<bool>().prop_map(Value::from),
        ];
        let config = Config { cases: 512, failure_persistence: None, ..Config::default() };
        let mut runner = TestRunner::new(config);
        runner
            .run(&proptest::collection::vec(values, 1..4), |values| {
                let items: Vec<Value> = values.into_iter().map(|v| json!({"v": v})).collect();
                let page = json!({"data": items.clone(), "page": 1, "per_page": 9, "has_more": false});
                for text in [
                    render(ResultShape::Page(&ANY), &page, &Options::default()).text,
                    render(ResultShape::Object(&ANY), &items[0], &Options::default()).text,
                ] {
                    prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn truncated_results_say_so_on_stderr() {
        let value = json!({"data": [{"id": "a"}], "page": 1, "per_page": 1, "has_more": true, "truncated": {"returned": 1, "total": 9, "reason": "too big", "next": "ask for less"}});
        let rendered = render(ResultShape::Page(&USER), &value, &Options::default());
        assert_eq!(rendered.notes, ["only 1 of 9 items are shown: too big; ask for less"]);
    }
}
