//! How a roll-up reads (see [`crate::runtime::rollup`], which computes it): its
//! summary line and its table of periods, dimensions, measures, `other` rows and totals.

use serde_json::Value;

use super::render::{Table, visible};
use crate::runtime::ResultShape;
use crate::runtime::envelope::{Period, RollUpRow, RolledUp};
use crate::runtime::presentation::Presentation;

pub use crate::runtime::rollup::RollUp;

/// The summary line of a roll-up: what the rows are, and the totals that matter.
pub fn summary(shape: ResultShape, rolled: &RolledUp) -> String {
    let presentation = shape.presentation();
    let rows = rolled.rows.len();
    let mut line = format!("{rows} row{} of {}", if rows == 1 { "" } else { "s" }, presentation.plural);
    if rolled.period != Period::Total {
        line.push_str(&format!(" per {}", rolled.period.name()));
    }
    if !rolled.group_by.is_empty() {
        line.push_str(&format!(" by {}", rolled.group_by.join(", ")));
    }
    if let (Some(first), Some(last)) = (&rolled.first_day, &rolled.last_day) {
        line.push_str(&format!(", {first} to {last}"));
    }
    if let Some(sort) = &rolled.sort {
        line.push_str(&format!("; largest {sort} first"));
    }
    if rows < rolled.groups {
        line.push_str(&format!(" ({} groups, the rest summed as other)", rolled.groups));
    }
    {
        // The sorted measure first, then money, then the rest: the figures asked about lead.
        let totals = &rolled.totals;
        let sort = rolled.sort.as_deref();
        let mut names: Vec<&String> = totals.keys().collect();
        names.sort_by_key(|name| (Some(name.as_str()) != sort, !totals[name.as_str()].is_string()));
        let shown: Vec<String> =
            names.iter().take(4).map(|name| format!("{name} {}", total_text(&totals[name.as_str()]))).collect();
        line.push_str(&format!("; totals: {}", shown.join(", ")));
    }
    line
}

fn total_text(value: &Value) -> String {
    match value {
        Value::String(text) => dollars(text),
        other => crate::runtime::presentation::group_digits(&other.to_string()),
    }
}

/// A roll-up as a table: period, dimensions and measures, `other` rows, and the totals.
pub fn table(shape: ResultShape, rolled: &RolledUp) -> String {
    let presentation: &'static Presentation = shape.presentation();
    let mut names: Vec<&str> = Vec::new();
    if rolled.period != Period::Total {
        names.push(RollUpRow::PERIOD);
    }
    let first_group = names.len();
    for dimension in &rolled.group_by {
        names.push(dimension);
        // The name beside an ID, when the pipeline added one.
        if let Some(into) = name_column(presentation, dimension)
            .filter(|into| rolled.rows.iter().any(|r| r.columns.contains_key(*into)))
        {
            names.push(into);
        }
    }
    let dimensions = names.len();
    names.extend(rolled.totals.keys().map(String::as_str));
    let label = |name: &str| column_label(presentation, name);
    let numeric = names.iter().enumerate().map(|(i, _)| i >= dimensions).collect();
    let mut table = Table::new(names.iter().map(|n| label(n))).numeric(numeric);
    if dimensions == 0 {
        // One row for the whole range: it is the total, labelled by the range itself.
        let range = match (&rolled.first_day, &rolled.last_day) {
            (Some(first), Some(last)) => format!("{first} to {last}"),
            _ => "all".to_string(),
        };
        let numeric = std::iter::once(false).chain(names.iter().map(|_| true)).collect();
        let mut table =
            Table::new(std::iter::once("Range".to_string()).chain(names.iter().map(|n| label(n)))).numeric(numeric);
        for row in &rolled.rows {
            table.row(std::iter::once(range.clone()).chain(names.iter().map(|name| cell(row.get(name).as_ref()))));
        }
        return table.render();
    }
    for row in &rolled.rows {
        table.row(names.iter().enumerate().map(|(index, name)| match row.other_groups {
            Some(count) if index == first_group => format!("other ({count} groups)"),
            _ if rolled.group_by.iter().any(|group| group == name) && row.get(name).is_none_or(|v| v.is_null()) => {
                NONE.to_string()
            }
            _ => cell(row.get(name).as_ref()),
        }));
    }
    table.footer(
        names.iter().enumerate().map(
            |(index, name)| {
                if index == 0 { "Total".to_string() } else { cell(rolled.totals.get(*name)) }
            },
        ),
    );
    table.render()
}

/// A group whose dimension the API left empty (a cost without a workspace: the Default Workspace).
const NONE: &str = "(none)";

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) if is_dollars(text) => dollars(text),
        Some(Value::String(text)) => visible(text),
        Some(Value::Number(n)) => crate::runtime::presentation::group_digits(&n.to_string()),
        Some(other) => other.to_string(),
    }
}

fn is_dollars(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.split_once('.').is_some_and(|(whole, cents)| {
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && cents.len() == 2
            && cents.bytes().all(|b| b.is_ascii_digit())
    })
}

fn dollars(text: &str) -> String {
    match text.strip_prefix('-') {
        Some(magnitude) => format!("-${}", crate::runtime::presentation::group_digits(magnitude)),
        None => format!("${}", crate::runtime::presentation::group_digits(text)),
    }
}

/// The column a dimension's names go to (`names:` of the item or its nested rows).
fn name_column(presentation: &'static Presentation, dimension: &str) -> Option<&'static str> {
    let layers = [Some(presentation), presentation.rows.map(|r| r.presentation)];
    layers.into_iter().flatten().flat_map(|p| p.names.iter()).find(|n| n.column == dimension).map(|n| n.into)
}

/// The label of a column of the roll-up, from the presentation (any layer).
fn column_label(presentation: &Presentation, name: &str) -> String {
    if name == RollUpRow::PERIOD {
        return "Period".to_string();
    }
    let layers =
        [Some(presentation), presentation.rows.map(|r| r.presentation), presentation.breakdown.map(|b| b.presentation)];
    layers
        .into_iter()
        .flatten()
        .flat_map(|p| p.columns.iter())
        .find(|c| c.name == name)
        .map_or_else(|| name.to_string(), |c| c.label.to_string())
}
