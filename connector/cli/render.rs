//! Tool results for people: tables for lists, totals for reports, a labelled table for
//! the normalized metrics and for single objects. Works on the result's JSON by its
//! shape, so a new tool in the spec renders without code here.

use serde_json::{Map, Value};

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
    rows: Vec<Vec<String>>,
    footer: Option<Vec<String>>,
    max_cell: usize,
}

impl Table {
    /// A table with these column headers (all empty: no header line).
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Table {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            footer: None,
            max_cell: MAX_CELL,
        }
    }

    /// A two-column table of labels and values.
    pub fn labelled() -> Table {
        Table { max_cell: MAX_VALUE, ..Table::new(["", ""]) }
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
        let all_rows = || self.rows.iter().chain(self.footer.iter());
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        let mut numeric = vec![true; columns];
        for row in all_rows() {
            for (index, cell) in row.iter().enumerate().take(columns) {
                widths[index] = widths[index].max(cut(cell).chars().count());
            }
        }
        for row in &self.rows {
            for (index, cell) in row.iter().enumerate().take(columns) {
                numeric[index] &= cell.is_empty() || looks_numeric(cell);
            }
        }
        // A column of labels (the first of a labelled table) stays left-aligned.
        if self.headers.iter().all(String::is_empty) {
            numeric.iter_mut().for_each(|n| *n = false);
        }
        let line = |cells: &[String]| {
            let mut text = String::new();
            for (index, width) in widths.iter().enumerate() {
                let cell = cut(cells.get(index).map(String::as_str).unwrap_or(""));
                let pad = width.saturating_sub(cell.chars().count());
                if index > 0 {
                    text.push_str("  ");
                }
                if numeric[index] {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(&cell);
                } else {
                    text.push_str(&cell);
                    text.push_str(&" ".repeat(pad));
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

fn truncate(cell: &str, max: usize) -> String {
    let cell = cell.replace(['\n', '\r', '\t'], " ");
    if cell.chars().count() <= max {
        return cell;
    }
    let mut cut: String = cell.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn looks_numeric(cell: &str) -> bool {
    let digits = cell.trim_start_matches(['-', '$']).trim_end_matches('%');
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// `1234567` → `1,234,567` (the integer part of a decimal too).
pub fn group_digits(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |rest| ("-", rest));
    let (whole, fraction) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
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

/// Dollars: 2 decimals, or up to 4 for amounts under a dollar.
pub fn usd(amount: f64) -> String {
    let text = if amount != 0.0 && amount.abs() < 0.995 {
        let four = format!("{amount:.4}");
        let trimmed = four.trim_end_matches('0');
        let decimals = trimmed.split_once('.').map_or(0, |(_, f)| f.len());
        if decimals < 2 { format!("{amount:.2}") } else { trimmed.to_string() }
    } else {
        format!("{amount:.2}")
    };
    match text.strip_prefix('-') {
        Some(positive) => format!("-${}", group_digits(positive)),
        None => format!("${}", group_digits(&text)),
    }
}

/// Dollars in a table column: always 2 decimals, `<$0.01` for what would show as zero.
pub fn usd_cell(amount: f64) -> String {
    if amount > 0.0 && amount < 0.005 { "<$0.01".to_string() } else { usd_two(amount) }
}

fn usd_two(amount: f64) -> String {
    let text = format!("{amount:.2}");
    match text.strip_prefix('-') {
        Some(positive) => format!("-${}", group_digits(positive)),
        None => format!("${}", group_digits(&text)),
    }
}

fn number(value: &serde_json::Number) -> String {
    match (value.as_u64(), value.as_i64(), value.as_f64()) {
        (Some(n), _, _) => group_digits(&n.to_string()),
        (None, Some(n), _) => group_digits(&n.to_string()),
        (None, None, Some(f)) => {
            let rounded = format!("{f:.4}");
            let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
            group_digits(trimmed)
        }
        _ => value.to_string(),
    }
}

/// `2026-03-01T10:00:00.000000Z` → `2026-03-01 10:00`; other text as is.
fn text_cell(text: &str) -> String {
    let bytes = text.as_bytes();
    let stamp = bytes.len() >= 16
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && text[..4].chars().all(|c| c.is_ascii_digit());
    if stamp { format!("{} {}", &text[..10], &text[11..16]) } else { text.to_string() }
}

/// One value as a cell; `key` decides money (`*_usd`) and percentages (`*_pct`).
fn cell(key: &str, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Number(n) if key.ends_with("_usd") => n.as_f64().map_or_else(|| n.to_string(), usd),
        Value::Number(n) if key.ends_with("_pct") => format!("{}%", number(n)),
        Value::Number(n) => number(n),
        Value::String(text) => text_cell(text),
        Value::Array(items) if items.iter().all(|item| !item.is_object() && !item.is_array()) => {
            items.iter().map(|item| cell(key, item)).collect::<Vec<_>>().join(", ")
        }
        Value::Array(items) => format!("{} items", items.len()),
        Value::Object(fields) => {
            if let Some(id) = ["id", "name", "email_address", "api_key_name"].iter().find_map(|k| fields.get(*k)) {
                return cell(key, id);
            }
            let scalars: Vec<String> = fields
                .iter()
                .filter(|(_, v)| !v.is_object() && !v.is_array())
                .map(|(k, v)| format!("{k}={}", cell(k, v)))
                .collect();
            if scalars.len() == fields.len() { scalars.join(", ") } else { format!("{} fields", fields.len()) }
        }
    }
}

/// `seat_utilization_pct` → `Seat utilization`; a few API names get shorter labels.
pub fn label(key: &str) -> String {
    let known = match key {
        "id" => Some("ID"),
        "uncached_input_tokens" => Some("Input tokens"),
        "cache_read_input_tokens" => Some("Cache read tokens"),
        "ephemeral_5m_input_tokens" => Some("Cache write 5m tokens"),
        "ephemeral_1h_input_tokens" => Some("Cache write 1h tokens"),
        "cache_creation_input_tokens" | "cache_creation_tokens" => Some("Cache write tokens"),
        "web_search_requests" => Some("Web searches"),
        "workspace_id" => Some("Workspace"),
        "api_key_id" => Some("API key"),
        "total_chat_interactions" => Some("Sessions"),
        "total_lines_accepted" => Some("Lines accepted (added)"),
        "total_lines_suggested" => Some("Lines suggested"),
        "commits_by_claude_code" => Some("Commits by Claude Code"),
        "pull_requests_by_claude_code" => Some("Pull requests by Claude Code"),
        "organization_api_cost_usd" => Some("Organization API cost"),
        "organization_tokens" => Some("Organization tokens"),
        _ => None,
    };
    if let Some(known) = known {
        return known.to_string();
    }
    let stem = key.strip_suffix("_pct").or_else(|| key.strip_suffix("_usd")).unwrap_or(key);
    let words = stem.replace('_', " ");
    let mut chars = words.chars();
    let mut text: String = chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default();
    for (word, upper) in
        [(" api ", " API "), (" id", " ID"), ("Api ", "API "), (" usd", " USD"), (" prs", " PRs"), ("Rbac ", "RBAC ")]
    {
        text = text.replace(word, upper);
    }
    if text.ends_with(" Id") {
        text.truncate(text.len() - 3);
        text.push_str(" ID");
    }
    text
}

/// How to render.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Only these fields of each listed item, in this order (the call's `fields` argument).
    pub fields: Vec<String>,
    /// The server's summary line is printed above: leave out what it already says.
    pub summarized: bool,
}

/// Renders any tool result.
pub fn render(value: &Value, options: &Options) -> Rendered {
    let mut out = Rendered::default();
    match value {
        Value::Object(object) if object.contains_key("tool_name") && object.contains_key("metadata") => {
            metrics(object, options, &mut out);
        }
        Value::Object(object) if object.get("data").is_some_and(Value::is_array) => list(object, options, &mut out),
        Value::Object(object) => out.text.push_str(&fields_table(object).render()),
        Value::String(text) => {
            out.text.push_str(text);
            out.text.push('\n');
        }
        other => {
            out.text.push_str(&serde_json::to_string_pretty(other).unwrap_or_default());
            out.text.push('\n');
        }
    }
    if let Some(truncated) = value.get("truncated").and_then(Value::as_object) {
        let field = |name: &str| truncated.get(name).map(|v| cell(name, v)).unwrap_or_default();
        out.notes.push(format!(
            "only {} of {} items are shown: {}; {}",
            field("returned"),
            field("total"),
            field("reason"),
            field("next")
        ));
    }
    out
}

/// A single object: one labelled row per field, nested objects flattened.
fn fields_table(object: &Map<String, Value>) -> Table {
    let mut table = Table::labelled();
    add_fields(&mut table, "", object);
    table
}

fn add_fields(table: &mut Table, prefix: &str, object: &Map<String, Value>) {
    for (key, value) in object {
        let name = if prefix.is_empty() { label(key) } else { format!("{prefix}: {}", label(key).to_lowercase()) };
        match value {
            Value::Object(inner) if !inner.is_empty() => add_fields(table, &name, inner),
            Value::Null => table.row([name, "—".to_string()]),
            Value::Array(items) if items.is_empty() => table.row([name, "—".to_string()]),
            _ => table.row([name, cell(key, value)]),
        }
    }
}

/// The line under a list: how many, which page, how to get more.
fn paging_line(object: &Map<String, Value>, shown: usize, noun: &str) -> String {
    let mut line = match object.get("total").and_then(Value::as_u64) {
        Some(total) => format!("{shown} of {total} {noun}"),
        None => format!("{shown} {noun}"),
    };
    let page = object.get("page").and_then(Value::as_u64);
    if let Some(page) = page {
        line.push_str(&format!(", page {page}"));
        if let Some(per_page) = object.get("per_page").and_then(Value::as_u64) {
            line.push_str(&format!(" ({per_page} per page)"));
        }
    }
    if object.get("has_more").and_then(Value::as_bool) == Some(true) {
        match page {
            Some(page) => line.push_str(&format!("; more with page={}", page + 1)),
            None => line.push_str("; more are available"),
        }
    }
    line + "\n"
}

fn plural(noun: &str, count: usize) -> String {
    if count == 1 { noun.to_string() } else { format!("{noun}s") }
}

fn list(object: &Map<String, Value>, options: &Options, out: &mut Rendered) {
    let items: Vec<&Value> =
        object.get("data").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    let objects: Vec<&Map<String, Value>> = items.iter().filter_map(|item| item.as_object()).collect();
    if !options.fields.is_empty() {
        let items: Vec<Value> = items
            .iter()
            .map(|item| match item {
                Value::Object(map) => Value::Object(
                    options.fields.iter().filter_map(|f| map.get(f).map(|v| (f.clone(), v.clone()))).collect(),
                ),
                other => (*other).clone(),
            })
            .collect();
        let items: Vec<&Value> = items.iter().collect();
        out.text.push_str(&generic_table(&items).render());
        if !options.summarized {
            out.text.push_str(&paging_line(object, items.len(), &plural("item", items.len())));
        }
    } else if !objects.is_empty() && objects.iter().all(|o| o.get("results").is_some_and(Value::is_array)) {
        report(object, &objects, options, out);
    } else if !objects.is_empty() && objects.iter().all(|o| o.get("core_metrics").is_some_and(Value::is_object)) {
        claude_code(object, &objects, out);
    } else {
        let noun = objects
            .first()
            .and_then(|o| o.get("type"))
            .and_then(Value::as_str)
            .filter(|kind| objects.iter().all(|o| o.get("type").and_then(Value::as_str) == Some(kind)))
            .map(|kind| plural(&kind.replace('_', " "), items.len()))
            .unwrap_or_else(|| plural("item", items.len()));
        if items.is_empty() {
            out.text.push_str("Nothing found.\n");
        } else {
            out.text.push_str(&generic_table(&items).render());
        }
        if !options.summarized {
            out.text.push_str(&paging_line(object, items.len(), &noun));
        }
    }
}

/// Columns for any list of objects: their fields in order, empty and constant `type` columns left out.
fn generic_table(items: &[&Value]) -> Table {
    let mut keys: Vec<&String> = Vec::new();
    for item in items {
        for key in item.as_object().into_iter().flat_map(Map::keys) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    if keys.is_empty() {
        let mut table = Table::new(["Value"]);
        for item in items {
            table.row([cell("", item)]);
        }
        return table;
    }
    let columns: Vec<(&String, Vec<String>)> = keys
        .into_iter()
        .map(|key| {
            (
                key,
                items
                    .iter()
                    .map(|item| item.get(key.as_str()).map(|v| cell(key, v)).unwrap_or_default())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .filter(|(key, cells)| !(key.as_str() == "type" && cells.iter().all(|c| c == &cells[0])))
        .collect();
    let mut table = Table::new(columns.iter().map(|(key, _)| label(key)));
    for index in 0..items.len() {
        table.row(columns.iter().map(|(_, cells)| cells[index].clone()));
    }
    table
}

/// Leaves of a report result: dimension texts and numbers, nested objects flattened.
fn leaves<'a>(object: &'a Map<String, Value>, into: &mut Vec<(&'a str, &'a Value)>) {
    for (key, value) in object {
        match value {
            Value::Object(inner) => leaves(inner, into),
            _ => into.push((key.as_str(), value)),
        }
    }
}

/// A decimal string of cents (`"123.456"`) in dollars.
fn cents_to_usd(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().map(|cents| cents / 100.0)
}

/// A decimal string of cents as dollars, rounded exactly (half away from zero) to the cent.
fn cents_text_cell(text: &str) -> Option<String> {
    let text = text.trim();
    let (negative, digits) = text.strip_prefix('-').map_or((false, text), |rest| (true, rest));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) || whole.len() > 30 {
        return None;
    }
    let mut cents: u128 = whole.parse().ok()?;
    if fraction.as_bytes().first().is_some_and(|digit| *digit >= b'5') {
        cents += 1;
    }
    let exact_zero = cents == 0 && fraction.chars().all(|c| c == '0');
    let sign = if negative && cents > 0 { "-" } else { "" };
    Some(match (cents, exact_zero) {
        (0, false) if !negative => "<$0.01".to_string(),
        _ => format!("{sign}${}.{:02}", group_digits(&(cents / 100).to_string()), cents % 100),
    })
}

/// Usage and cost reports: one row per day and group, then the totals.
fn report(object: &Map<String, Value>, buckets: &[&Map<String, Value>], options: &Options, out: &mut Rendered) {
    #[derive(PartialEq)]
    enum Kind {
        Text,
        Number,
        Cents,
    }
    let mut columns: Vec<(&str, Kind)> = Vec::new();
    let mut rows: Vec<(String, Vec<(&str, &Value)>)> = Vec::new();
    for bucket in buckets {
        let day = bucket.get("starting_at").and_then(Value::as_str).map(|s| s.get(..10).unwrap_or(s)).unwrap_or("");
        for result in bucket.get("results").and_then(Value::as_array).into_iter().flatten() {
            let Some(result) = result.as_object() else { continue };
            let mut fields = Vec::new();
            leaves(result, &mut fields);
            for (key, value) in &fields {
                let kind = match value {
                    Value::Number(_) => Kind::Number,
                    Value::String(_) if *key == "amount" => Kind::Cents,
                    _ => Kind::Text,
                };
                if !columns.iter().any(|(k, _)| k == key) {
                    columns.push((key, kind));
                }
            }
            rows.push((day.to_string(), fields));
        }
    }
    // Dimensions nobody filled in (not grouped by them) and a constant currency say nothing.
    let value_of =
        |fields: &[(&str, &Value)], key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v).clone());
    columns.retain(|(key, kind)| {
        let values: Vec<Value> = rows.iter().map(|(_, fields)| value_of(fields, key).unwrap_or(Value::Null)).collect();
        match kind {
            Kind::Text if *key == "currency" => values.iter().any(|v| v != &Value::from("USD")),
            Kind::Text => values.iter().any(|v| !v.is_null()),
            _ => true,
        }
    });
    // Texts (dimensions) first, then numbers, then money.
    columns.sort_by_key(|(_, kind)| match kind {
        Kind::Text => 0,
        Kind::Number => 1,
        Kind::Cents => 2,
    });
    if rows.is_empty() {
        out.text.push_str("No data in this period.\n");
    } else {
        let headers = std::iter::once("Date".to_string()).chain(columns.iter().map(|(key, kind)| match kind {
            Kind::Cents => "Cost (USD)".to_string(),
            _ => label(key),
        }));
        let mut table = Table::new(headers);
        let mut sums = vec![0f64; columns.len()];
        let mut integer_sums = vec![0u64; columns.len()];
        for (day, fields) in &rows {
            let mut cells = vec![day.clone()];
            for (index, (key, kind)) in columns.iter().enumerate() {
                let value = value_of(fields, key).unwrap_or(Value::Null);
                cells.push(match kind {
                    Kind::Cents => {
                        let dollars = value.as_str().and_then(cents_to_usd);
                        sums[index] += dollars.unwrap_or(0.0);
                        value.as_str().and_then(cents_text_cell).unwrap_or_default()
                    }
                    Kind::Number => {
                        integer_sums[index] = integer_sums[index].saturating_add(value.as_u64().unwrap_or(0));
                        sums[index] += value.as_f64().unwrap_or(0.0);
                        cell(key, &value)
                    }
                    Kind::Text => cell(key, &value),
                });
            }
            table.row(cells);
        }
        let exact_total =
            object.get("total_usd").and_then(|v| v.as_str().map(str::to_string).or(v.as_f64().map(|f| f.to_string())));
        let mut footer =
            vec![if object.get("has_more") == Some(&Value::Bool(true)) || object.contains_key("truncated") {
                "Total shown".to_string()
            } else {
                "Total".to_string()
            }];
        for (index, (_, kind)) in columns.iter().enumerate() {
            footer.push(match kind {
                Kind::Text => String::new(),
                Kind::Number => group_digits(&integer_sums[index].to_string()),
                Kind::Cents => match (&exact_total, object.contains_key("truncated")) {
                    (Some(total), false) => total.parse::<f64>().map(usd_cell).unwrap_or_else(|_| total.clone()),
                    _ => usd_cell(sums[index]),
                },
            });
        }
        table.footer(footer);
        out.text.push_str(&table.render());
    }
    let days = buckets.len();
    if !options.summarized && (object.contains_key("page") || object.contains_key("total")) {
        out.text.push_str(&paging_line(object, days, &plural("day", days)));
    }
    let token_total: u64 = columns
        .iter()
        .filter(|(key, kind)| *kind == Kind::Number && key.ends_with("_tokens"))
        .map(|(key, _)| rows.iter().filter_map(|(_, f)| value_of(f, key).and_then(|v| v.as_u64())).sum::<u64>())
        .sum();
    if token_total > 0 {
        out.text.push_str(&format!("Total tokens: {}\n", group_digits(&token_total.to_string())));
    }
    if let Some(total) = object.get("total_usd").filter(|_| !options.summarized) {
        let dollars = total.as_str().and_then(|t| t.parse::<f64>().ok()).or(total.as_f64());
        let cents = object.get("total_cents").map(|c| group_digits(&cell("total_cents", c))).unwrap_or_default();
        if let Some(dollars) = dollars {
            out.text.push_str(&format!("Total cost: {} USD", usd(dollars)));
            if !cents.is_empty() {
                out.text.push_str(&format!(" (exactly {cents} cents)"));
            }
            out.text.push('\n');
        }
    }
}

/// Claude Code records: one row per actor and day, then the sums.
fn claude_code(object: &Map<String, Value>, records: &[&Map<String, Value>], out: &mut Rendered) {
    let headers = [
        "Date",
        "Actor",
        "Terminal",
        "Sessions",
        "Lines added",
        "Lines removed",
        "Commits",
        "PRs",
        "Accepted",
        "Rejected",
        "Cost (USD)",
    ];
    let mut table = Table::new(headers);
    let mut sums = [0u64; 7];
    let mut cost = 0f64;
    let mut actors = std::collections::BTreeSet::new();
    for record in records {
        let get = |path: &[&str]| {
            let mut value = Some(*record).map(|r| r as &Map<String, Value>);
            let mut leaf = None;
            for (index, key) in path.iter().enumerate() {
                let next = value.and_then(|v| v.get(*key));
                if index + 1 == path.len() {
                    leaf = next;
                } else {
                    value = next.and_then(Value::as_object);
                }
            }
            leaf
        };
        let count = |path: &[&str]| get(path).and_then(Value::as_u64).unwrap_or(0);
        let actor = get(&["actor"]).map(|a| cell("actor", a)).unwrap_or_default();
        actors.insert(actor.clone());
        let (mut accepted, mut rejected) = (0, 0);
        for counts in record.get("tool_actions").and_then(Value::as_object).into_iter().flat_map(Map::values) {
            accepted += counts.get("accepted").and_then(Value::as_u64).unwrap_or(0);
            rejected += counts.get("rejected").and_then(Value::as_u64).unwrap_or(0);
        }
        let cents: f64 = record
            .get("model_breakdown")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|model| model.get("estimated_cost")?.get("amount")?.as_f64())
            .sum();
        cost += cents / 100.0;
        let values = [
            count(&["core_metrics", "num_sessions"]),
            count(&["core_metrics", "lines_of_code", "added"]),
            count(&["core_metrics", "lines_of_code", "removed"]),
            count(&["core_metrics", "commits_by_claude_code"]),
            count(&["core_metrics", "pull_requests_by_claude_code"]),
            accepted,
            rejected,
        ];
        for (sum, value) in sums.iter_mut().zip(values) {
            *sum += value;
        }
        let day = get(&["date"]).and_then(Value::as_str).map(|d| d.get(..10).unwrap_or(d)).unwrap_or("");
        let terminal = get(&["terminal_type"]).map(|t| cell("terminal_type", t)).unwrap_or_default();
        let mut cells = vec![day.to_string(), actor, terminal];
        cells.extend(values.iter().map(|v| group_digits(&v.to_string())));
        cells.push(usd_cell(cents / 100.0));
        table.row(cells);
    }
    let mut footer = vec![if object.contains_key("truncated") { "Total shown" } else { "Total" }.to_string()];
    footer.push(format!("{} {}", actors.len(), plural("actor", actors.len())));
    footer.push(String::new());
    footer.extend(sums.iter().map(|v| group_digits(&v.to_string())));
    footer.push(usd_cell(cost));
    table.footer(footer);
    out.text.push_str(&table.render());
    let suggestions = sums[5] + sums[6];
    let mut line = format!("{} {}", records.len(), plural("record", records.len()));
    if suggestions > 0 {
        line.push_str(&format!(
            "; acceptance rate {:.2}% ({} of {} suggestions)",
            sums[5] as f64 * 100.0 / suggestions as f64,
            group_digits(&sums[5].to_string()),
            group_digits(&suggestions.to_string())
        ));
    }
    out.text.push_str(&line);
    out.text.push('\n');
}

/// The normalized metrics: a labelled table, then editors and models, then the organization context.
fn metrics(object: &Map<String, Value>, options: &Options, out: &mut Rendered) {
    let metadata = object.get("metadata").and_then(Value::as_object).cloned().unwrap_or_default();
    let unavailable: Vec<&str> = metadata
        .get("unavailable_fields")
        .and_then(Value::as_array)
        .map(|fields| fields.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let period = object.get("period").and_then(Value::as_str).unwrap_or("");
    let tool = object.get("tool_name").and_then(Value::as_str).unwrap_or("");
    let heading = match period.split_once('/') {
        Some((start, end)) => format!("{} metrics, {start} to {end} (UTC days)", label(tool)),
        None => format!("{} metrics", label(tool)),
    };
    if !options.summarized {
        out.text.push_str(&heading);
        out.text.push('\n');
    }
    out.text.push('\n');
    let mut table = Table::labelled();
    for (key, value) in object {
        if matches!(key.as_str(), "tool_name" | "period" | "metadata") || value.is_object() {
            continue;
        }
        let shown = match value {
            Value::Null if unavailable.contains(&key.as_str()) => "n/a (not in the Admin API)".to_string(),
            Value::Null => "n/a".to_string(),
            _ => cell(key, value),
        };
        table.row([label(key), shown]);
    }
    out.text.push_str(&table.render());
    if let Some(editors) = object.get("usage_by_editor").and_then(Value::as_object).filter(|e| !e.is_empty()) {
        out.text.push_str("\nBy editor or terminal\n");
        out.text.push_str(&keyed_table("Editor", editors).render());
    }
    if let Some(models) = object.get("usage_by_model").and_then(Value::as_object).filter(|m| !m.is_empty()) {
        out.text.push_str("\nBy model\n");
        out.text.push_str(&keyed_table("Model", models).render());
    }
    let mut context = Table::labelled();
    for (key, value) in &metadata {
        match (key.as_str(), value) {
            ("unavailable_fields" | "daily_active_users_by_day" | "sources" | "partial", _) | (_, Value::Null) => {}
            (_, Value::Object(inner)) => {
                let outer = label(key);
                for (inner_key, inner_value) in inner {
                    let inner_label = label(inner_key).to_lowercase();
                    // "Organization tokens" + "input tokens" reads "Organization input tokens".
                    let shared_word = outer.rsplit_once(' ').filter(|(_, last)| inner_label.ends_with(last));
                    let name = match shared_word {
                        Some((stem, _)) => format!("{stem} {inner_label}"),
                        None => format!("{outer}: {inner_label}"),
                    };
                    context.row([name, cell(inner_key, inner_value)]);
                }
            }
            _ => context.row([label(key), cell(key, value)]),
        }
    }
    if !context.is_empty() {
        out.text.push_str("\nOrganization context\n");
        out.text.push_str(&context.render());
    }
    if metadata.get("partial").and_then(Value::as_bool) == Some(true) {
        let failed: Vec<String> = metadata
            .get("sources")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(name, status)| Some(format!("{name}: {}", status.get("error")?.as_str()?)))
            .collect();
        out.text.push_str(&format!("\nPartial result: some sources failed ({}).\n", failed.join("; ")));
    }
}

/// A map of objects (editor → usage) as a table with the key as the first column.
fn keyed_table(first: &str, map: &Map<String, Value>) -> Table {
    let mut keys: Vec<&String> = Vec::new();
    for value in map.values() {
        for key in value.as_object().into_iter().flat_map(Map::keys) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let mut table = Table::new(std::iter::once(first.to_string()).chain(keys.iter().map(|k| label(k))));
    for (name, value) in map {
        let mut cells = vec![name.clone()];
        cells.extend(keys.iter().map(|key| value.get(key.as_str()).map(|v| cell(key, v)).unwrap_or_default()));
        table.row(cells);
    }
    table
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_and_money_read_well() {
        assert_eq!(group_digits("1234567"), "1,234,567");
        assert_eq!(group_digits("-1234.5"), "-1,234.5");
        assert_eq!(group_digits("12"), "12");
        assert_eq!(usd(1234.5), "$1,234.50");
        assert_eq!(usd(0.0123), "$0.0123");
        assert_eq!(usd(0.5), "$0.50");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(label("seat_utilization_pct"), "Seat utilization");
        assert_eq!(label("cost_per_user_usd"), "Cost per user");
        assert_eq!(label("workspace_id"), "Workspace");
        assert_eq!(label("created_by_user_id"), "Created by user ID");
    }

    #[test]
    fn lists_become_tables_with_a_paging_line() {
        let value = json!({"data": [
            {"id": "user_1", "type": "user", "email": "a@b.io", "name": "A", "role": "developer", "added_at": "2025-03-01T10:00:00.000000Z"},
            {"id": "user_2", "type": "user", "email": "c@d.io", "name": "C", "role": "admin", "added_at": "2025-03-02T11:30:00Z"}
        ], "page": 1, "per_page": 2, "has_more": true});
        let text = render(&value, &Options::default()).text;
        assert!(text.starts_with("ID"), "{text}");
        assert!(text.contains("Email") && text.contains("2025-03-01 10:00") && !text.contains("Type"), "{text}");
        assert!(text.contains("2 users, page 1 (2 per page); more with page=2"), "{text}");
    }

    #[test]
    fn cost_reports_total_in_dollars() {
        let value = json!({"data": [
            {"starting_at": "2026-03-01T00:00:00Z", "ending_at": "2026-03-02T00:00:00Z", "results": [{"amount": "12345.5", "currency": "USD", "description": null}]},
            {"starting_at": "2026-03-02T00:00:00Z", "ending_at": "2026-03-03T00:00:00Z", "results": [{"amount": "50", "currency": "USD", "description": null}]}
        ], "total_cents": "12395.5", "total_usd": "123.96"});
        let text = render(&value, &Options::default()).text;
        assert!(text.contains("2026-03-01") && text.contains("$123.46") && text.contains("$0.50"), "{text}");
        assert_eq!(usd_cell(0.001), "<$0.01");
        assert_eq!(cents_text_cell("12345.5").as_deref(), Some("$123.46"));
        assert_eq!(cents_text_cell("12345.49999").as_deref(), Some("$123.45"));
        assert_eq!(cents_text_cell("0.3").as_deref(), Some("<$0.01"));
        assert_eq!(cents_text_cell("0").as_deref(), Some("$0.00"));
        assert_eq!(cents_text_cell("-250").as_deref(), Some("-$2.50"));
        assert_eq!(cents_text_cell("1e3"), None);
        assert_eq!(usd_cell(0.1058), "$0.11");
        assert!(text.contains("Total cost: $123.96 USD (exactly 12,395.5 cents)"), "{text}");
        assert!(!text.contains("Currency") && !text.contains("Description"), "{text}");
    }

    #[test]
    fn usage_reports_sum_tokens() {
        let value = json!({"data": [
            {"starting_at": "2026-03-01T00:00:00Z", "results": [{"uncached_input_tokens": 1000, "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 5}, "cache_read_input_tokens": 0, "output_tokens": 200, "model": "claude-x"}]},
            {"starting_at": "2026-03-02T00:00:00Z", "results": [{"uncached_input_tokens": 1000, "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0}, "cache_read_input_tokens": 0, "output_tokens": 300, "model": "claude-x"}]}
        ], "page": 1, "per_page": 30, "total": 2, "has_more": false});
        let text = render(&value, &Options::default()).text;
        assert!(text.contains("Model") && text.contains("claude-x") && text.contains("2,000"), "{text}");
        assert!(text.contains("Total tokens: 2,505"), "{text}");
        assert!(text.contains("2 of 2 days, page 1"), "{text}");
    }

    #[test]
    fn single_objects_are_labelled_rows() {
        let object = json!({"id": "wrkspc_1", "name": "Prod", "archived_at": null, "tags": {"team": "x"}});
        let text = render(&object, &Options::default()).text;
        assert!(text.contains("Name         Prod") || text.contains("Name"), "{text}");
        assert!(text.contains("Tags: team") && text.contains("Archived at") && !text.contains('{'), "{text}");
    }

    #[test]
    fn truncated_results_say_so_on_stderr() {
        let value = json!({"data": [{"id": "a"}], "truncated": {"returned": 1, "total": 9, "reason": "too big", "next": "ask for less"}});
        let rendered = render(&value, &Options::default());
        assert_eq!(rendered.notes, ["only 1 of 9 items are shown: too big; ask for less"]);
    }
}
