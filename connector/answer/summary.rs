//! A result's text content: the one-line summary that opens it ("52 users, page 2;
//! more on page 3"), so a person or a model knows what it is looking at before the
//! data, then the data as a compact table (see [`super::render`]), and what was left
//! out and how to ask for it. Written from the generator's envelope and the spec's
//! presentation; the summary also travels in the structured result as `summary`.

use serde_json::Value;

use super::render::visible;
use crate::runtime::ResultShape;
use crate::runtime::envelope::{self, Truncated};
use crate::runtime::presentation::{Presentation, capitalized};

fn count(value: &Value, field: &str) -> Option<u64> {
    value.get(field)?.as_u64()
}

fn data_len(value: &Value) -> u64 {
    value.get(envelope::DATA).and_then(Value::as_array).map_or(0, |items| items.len() as u64)
}

/// The summary of one object: the presentation's template, or its label.
fn object_line(presentation: &Presentation, value: &Value) -> String {
    let Some(template) = presentation.summary else { return presentation.label(value) };
    let mut line = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        line.push_str(&rest[..open]);
        let name = &rest[open + 1..open + close];
        let text = presentation.column(name).map(|c| c.format(value)).unwrap_or_default();
        line.push_str(if text.is_empty() { "n/a" } else { &text });
        rest = &rest[open + close + 1..];
    }
    line.push_str(rest);
    line
}

/// The `fields` argument's names.
pub fn fields(argument: Option<&Value>) -> Vec<String> {
    argument.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

/// The summary line of a successful result; a `fields` selection is named at its end.
pub fn line(shape: ResultShape, value: &Value, fields: &[String]) -> String {
    let mut line = visible(&bare_line(shape, value));
    if !fields.is_empty() {
        line.push_str(&format!(" (fields: {})", fields.join(", ")));
    }
    line
}

fn bare_line(shape: ResultShape, value: &Value) -> String {
    let n = data_len(value);
    let p = shape.presentation();
    let mut line = match shape {
        ResultShape::Object(_) => object_line(p, value),
        ResultShape::Page(_) => {
            let page = count(value, envelope::PAGE).unwrap_or(1);
            let more = if value.get(envelope::HAS_MORE) == Some(&Value::Bool(true)) {
                format!("more on page {}", page + 1)
            } else {
                "no more pages".to_string()
            };
            let per_page = count(value, envelope::PER_PAGE).unwrap_or(0);
            format!("{n} {}, page {page} ({per_page} per page); {more}", p.count_noun(n))
        }
        ResultShape::Window(_) => {
            let (page, per_page, total) = (
                count(value, envelope::PAGE).unwrap_or(1),
                count(value, envelope::PER_PAGE).unwrap_or(1).max(1),
                count(value, envelope::TOTAL).unwrap_or(0),
            );
            let pages = total.div_ceil(per_page).max(1);
            format!("{n} of {total} {}, page {page} of {pages}", p.count_noun(total))
        }
        ResultShape::Report(_) => match value.get(envelope::TOTAL_USD).and_then(Value::as_str) {
            Some(usd) => format!("{n} {}; total ${usd} for the whole range", p.count_noun(n)),
            None => format!("{n} {}", p.count_noun(n)),
        },
        ResultShape::PerDay(_) => {
            let days = count(value, envelope::DAYS).unwrap_or(0);
            format!("{n} {} over {days} day{}", p.count_noun(n), if days == 1 { "" } else { "s" })
        }
    };
    if let Some(truncated) = Truncated::of(value) {
        match truncated.returned {
            Some(returned) => line.push_str(&format!(
                "; cut to the first {returned} of {} items to stay small (see truncated.next)",
                truncated.total.map_or_else(|| "?".to_string(), |total| total.to_string())
            )),
            None => line.push_str("; long values cut to stay small (see truncated)"),
        }
    }
    line
}

/// The text content of a successful result, within `budget` bytes: the summary line,
/// the table, and what a cut left out with how to get it. A table that does not fit is
/// cut to the rows that do (structuredContent has them all).
pub fn text(summary: &str, table: &str, value: &Value, budget: usize) -> String {
    let mut note = String::new();
    if let Some(truncated) = Truncated::of(value) {
        note = format!("Only part is shown: {}; {}\n", truncated.reason, truncated.next.unwrap_or_default());
    }
    let whole = format!("{summary}\n{table}{note}");
    if whole.len() <= budget {
        return whole;
    }
    let lines: Vec<&str> = table.lines().collect();
    let mut text = format!("{summary}\n");
    let cut_note = |shown: usize| {
        format!(
            "(table cut to fit --max-result-bytes: {shown} of {} lines shown; structuredContent has the whole result)\n",
            lines.len()
        )
    };
    let room = budget.saturating_sub(text.len() + note.len() + cut_note(lines.len()).len());
    let mut shown = 0;
    for line in &lines {
        if text.len() + line.len() + 1 > room + summary.len() + 1 {
            break;
        }
        text.push_str(line);
        text.push('\n');
        shown += 1;
    }
    text.push_str(&cut_note(shown));
    text.push_str(&note);
    if text.len() <= budget { text } else { summary.chars().take(budget / 4).collect() }
}

/// `User`, `API key`: how a heading names a presentation's noun.
pub fn heading(presentation: &Presentation) -> String {
    capitalized(presentation.plural)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::presentations::{
        CLAUDE_CODE_RECORD, COST_BUCKET, USAGE_BUCKET, USER, WORKSPACE_MEMBER_DELETED,
    };
    use serde_json::json;

    #[test]
    fn the_summary_names_the_fields_asked_for() {
        let page = json!({"data": [{"id": "u1", "email": "a@x.io", "role": "user", "name": "A"}], "page": 1, "per_page": 1, "has_more": false});
        let summary = line(ResultShape::Page(&USER), &page, &fields(Some(&json!(["role", "id"]))));
        assert_eq!(summary, "1 user, page 1 (1 per page); no more pages (fields: role, id)");
    }

    #[test]
    fn pages_windows_reports_and_objects() {
        let page = json!({"data": [{}, {}], "page": 2, "per_page": 2, "has_more": true});
        assert_eq!(bare_line(ResultShape::Page(&USER), &page), "2 users, page 2 (2 per page); more on page 3");
        let window = json!({"data": [{}], "page": 2, "per_page": 2, "total": 3, "has_more": false});
        assert_eq!(bare_line(ResultShape::Window(&USAGE_BUCKET), &window), "1 of 3 usage buckets, page 2 of 2");
        let report = json!({"data": [{}, {}, {}], "total_cents": "370.368", "total_usd": "3.70"});
        assert_eq!(
            bare_line(ResultShape::Report(&COST_BUCKET), &report),
            "3 cost buckets; total $3.70 for the whole range"
        );
        let user = json!({"id": "user_07", "type": "user", "email": "a@acme.io", "name": "Ann", "role": "developer"});
        assert_eq!(bare_line(ResultShape::Object(&USER), &user), "User user_07 (Ann, a@acme.io, developer)");
        let gone = json!({"type": "workspace_member_deleted", "user_id": "user_02", "workspace_id": "wrkspc_prod"});
        assert_eq!(
            bare_line(ResultShape::Object(&WORKSPACE_MEMBER_DELETED), &gone),
            "Deleted workspace member user_02 from wrkspc_prod"
        );
        let truncated = json!({"data": [{}], "days": 31, "truncated": {"returned": 1, "total": 9}});
        assert!(
            bare_line(ResultShape::PerDay(&CLAUDE_CODE_RECORD), &truncated)
                .ends_with("cut to the first 1 of 9 items to stay small (see truncated.next)")
        );
    }
}
