//! Large results: a tool result above the byte budget keeps the first items of its
//! `data` list that fit, and says how many were left out and how to get them. Whatever
//! is still too large (an object with no list, a huge value outside the list) has its
//! long strings and lists cut, with a `truncated` note saying so: no result passes the
//! budget. Objects keep all their keys, so a cut object keeps its required ones.
//!
//! [`split`] shares `--max-result-bytes` between structuredContent and the text, so the
//! whole message stays within it.

use serde_json::Value;

use crate::runtime::ResultShape;
use crate::runtime::envelope::{self, Truncated};

/// The default budget: 40,000 bytes, about 10,000 tokens at 4 bytes a token, under the
/// size at which Claude Code warns about a tool result (it cuts at 25,000 tokens).
pub const DEFAULT_MAX_RESULT_BYTES: usize = 40_000;

/// Room kept for the `truncated` note itself.
const NOTE_RESERVE: usize = 512;

/// The size of `value` as JSON, counted without building the text (every result is
/// measured, and most are sent whole).
pub fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => usize::MAX,
    }
}

/// The part of `--max-result-bytes` that structuredContent may take; the rest is kept
/// for the text (its summary line, and the JSON again when it fits).
pub fn split(max_bytes: usize) -> usize {
    max_bytes - max_bytes / 4
}

/// Cuts `value` so it fits in `max_bytes`: first `value["data"]` to its leading items,
/// with a `truncated` object that says what was kept and how to ask for the rest; then,
/// if it is still too large, long strings and lists anywhere in it (see [`shrink`]).
/// Results that fit are returned unchanged.
pub fn cap(value: Value, shape: ResultShape, max_bytes: usize) -> Value {
    if json_len(&value) <= max_bytes {
        return value;
    }
    let value = cut_data(value, shape, max_bytes);
    if json_len(&value) <= max_bytes { value } else { shrink(value, max_bytes) }
}

/// Keeps the leading items of `value["data"]` that fit in `max_bytes`.
fn cut_data(mut value: Value, shape: ResultShape, max_bytes: usize) -> Value {
    let presentation = shape.presentation();
    let list = if value.get(envelope::DATA).is_some() { envelope::DATA } else { envelope::ROWS };
    let Some(Value::Array(items)) = value.get_mut(list) else { return value };
    let items = std::mem::take(items);
    let total = items.len();
    let base = json_len(&value) + NOTE_RESERVE;
    let mut used = base;
    let mut kept = Vec::new();
    let mut rest = items.into_iter();
    for item in rest.by_ref() {
        let size = json_len(&item) + 1;
        if used + size > max_bytes {
            // Resuming at the first left-out day helps only when some day was kept;
            // otherwise that call would return the very same cut.
            let next_start = presentation.day_of(&item).filter(|_| !kept.is_empty()).map(str::to_string);
            let returned = kept.len();
            value[list] = Value::Array(kept);
            let next = match next_start {
                Some(day) => format!("call again with start_date={day} (same end_date) for the rest"),
                None if list == envelope::ROWS => "ask for fewer rows: a smaller top, a longer period (week, month, total) or fewer group_by dimensions".to_string(),
                None => "ask for less at once (a smaller per_page or a shorter date range) to see the rest".to_string(),
            };
            Truncated {
                returned: Some(returned),
                total: Some(total),
                reason: format!("the full result is larger than the {max_bytes}-byte limit (--max-result-bytes)"),
                next: Some(next),
                note: Some("totals and counts outside `data` cover the whole request".to_string()),
                ..Truncated::default()
            }
            .write(&mut value);
            return value;
        }
        used += size;
        kept.push(item);
    }
    value[list] = Value::Array(kept);
    value
}

/// Ends a string that was cut.
pub const CUT_MARKER: &str = "…[cut]";

/// How hard [`shrink`] cuts, from gentle to harsh: the longest string kept (in
/// characters) and the most items kept of a list.
const LEVELS: &[(usize, usize)] = &[(4096, 100), (1024, 50), (256, 20), (64, 5), (32, 1), (0, 0)];

/// Cuts the long strings and lists of `value` (never an object's keys) at the gentlest
/// level that fits `max_bytes`, and says so in `truncated` (when `value` is an object).
fn shrink(mut value: Value, max_bytes: usize) -> Value {
    // The note of the data cut is kept as it is, and completed.
    let previous = Truncated::take(&mut value);
    let mut last = value.clone();
    for &(chars, items) in LEVELS {
        let mut paths = Vec::new();
        let mut cut = cut_values(&value, chars, items, "", &mut paths);
        if cut.is_object() {
            let mut note = previous.clone().unwrap_or_default();
            note.reason = format!("the full result is larger than the {max_bytes}-byte limit (--max-result-bytes)");
            paths.truncate(20);
            note.cut = Some(paths);
            note.how = Some(format!(
                "strings longer than {chars} characters end in {CUT_MARKER}; lists keep their first {items} items"
            ));
            if note.returned.is_some()
                && let Some(Value::Array(data)) = cut.get(envelope::DATA)
            {
                note.returned = Some(data.len());
            }
            note.write(&mut cut);
        }
        if json_len(&cut) <= max_bytes {
            return cut;
        }
        last = cut;
    }
    last
}

/// `value` with strings cut to `chars` characters and lists to `items` items; the paths
/// of what was cut are added to `paths`.
fn cut_values(value: &Value, chars: usize, items: usize, path: &str, paths: &mut Vec<String>) -> Value {
    match value {
        Value::String(text) if text.chars().count() > chars.max(CUT_MARKER.chars().count()) => {
            paths.push(if path.is_empty() { "(the result)".to_string() } else { path.to_string() });
            Value::String(format!("{}{CUT_MARKER}", text.chars().take(chars).collect::<String>()))
        }
        Value::Array(list) => {
            if list.len() > items {
                paths.push(format!("{path}[{items}..{}]", list.len()));
            }
            let kept = list.iter().take(items).enumerate();
            Value::Array(kept.map(|(i, item)| cut_values(item, chars, items, &format!("{path}[{i}]"), paths)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| {
                    let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    (key.clone(), cut_values(item, chars, items, &inner, paths))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::presentations::{COST_BUCKET, WORKSPACE};
    use serde_json::json;

    const REPORT: ResultShape = ResultShape::Report(&COST_BUCKET);

    fn report(days: usize) -> Value {
        let data: Vec<Value> = (1..=days)
            .map(|d| json!({"starting_at": format!("2026-03-{d:02}T00:00:00Z"), "results": ["x".repeat(1000)]}))
            .collect();
        json!({"data": data, "total_cents": "12.5"})
    }

    #[test]
    fn the_counted_size_is_the_size_of_the_json_text() {
        for value in [report(3), json!({"name": "Zoë \"quoted\" \u{1F600}", "n": [1.5, null, true]}), json!(null)] {
            assert_eq!(json_len(&value), serde_json::to_vec(&value).unwrap().len(), "{value}");
        }
    }

    #[test]
    fn small_results_are_untouched() {
        let value = report(3);
        assert_eq!(cap(value.clone(), REPORT, DEFAULT_MAX_RESULT_BYTES), value);
    }

    #[test]
    fn large_reports_keep_whole_leading_items_and_say_where_to_resume() {
        let capped = cap(report(20), REPORT, 8 * 1024);
        let kept = capped["data"].as_array().unwrap().len();
        assert!((1..20).contains(&kept), "{kept}");
        assert!(serde_json::to_vec(&capped).unwrap().len() <= 8 * 1024);
        assert_eq!(capped["truncated"]["returned"], kept);
        assert_eq!(capped["truncated"]["total"], 20);
        let next = capped["truncated"]["next"].as_str().unwrap();
        assert!(next.contains(&format!("start_date=2026-03-{:02}", kept + 1)), "{next}");
        assert_eq!(capped["total_cents"], "12.5");
    }

    #[test]
    fn a_first_day_too_large_to_keep_never_suggests_the_same_call_again() {
        let data = vec![json!({"starting_at": "2026-03-01T00:00:00Z", "results": ["x".repeat(10_000)]})];
        let capped = cap(json!({"data": data}), REPORT, 4096);
        assert_eq!(capped["truncated"]["returned"], 0);
        let next = capped["truncated"]["next"].as_str().unwrap();
        assert!(!next.contains("start_date=2026-03-01"), "{next}");
    }

    #[test]
    fn results_without_a_data_list_are_cut_keeping_every_key() {
        let value = json!({"id": "wrkspc_1", "name": "x".repeat(10_000), "tags": {"a": "y".repeat(5000)}, "ids": (0..5000).collect::<Vec<_>>()});
        let capped = cap(value, ResultShape::Object(&WORKSPACE), 1024);
        assert!(json_len(&capped) <= 1024, "{}", json_len(&capped));
        assert_eq!(capped["id"], "wrkspc_1");
        assert!(capped["name"].as_str().unwrap().ends_with(CUT_MARKER));
        assert!(capped["tags"]["a"].as_str().unwrap().ends_with(CUT_MARKER));
        assert!(capped["ids"].as_array().unwrap().len() < 5000);
        let cut = capped["truncated"]["cut"].as_array().unwrap();
        assert!(cut.contains(&json!("name")) && cut.contains(&json!("tags.a")), "{cut:?}");
        let small = json!({"name": "x"});
        assert_eq!(cap(small.clone(), ResultShape::Object(&WORKSPACE), 100), small);
    }
}
