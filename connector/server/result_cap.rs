//! Large results: a tool result above the byte budget keeps the first items of its
//! `data` list that fit, and says how many were left out and how to get them.

use serde_json::{Value, json};

use crate::runtime::ResultShape;
use crate::runtime::registry::envelope;

/// The default budget: 40,000 bytes, about 10,000 tokens at 4 bytes a token, under the
/// size at which Claude Code warns about a tool result (it cuts at 25,000 tokens).
pub const DEFAULT_MAX_RESULT_BYTES: usize = 40_000;

/// Room kept for the `truncated` note itself.
const NOTE_RESERVE: usize = 512;

/// The size of `value` as JSON, counted without building the text (every result is
/// measured, and most are sent whole).
fn json_len(value: &Value) -> usize {
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

/// Cuts `value["data"]` so the whole result fits in `max_bytes`, adding a
/// `truncated` object that says what was kept and how to ask for the rest.
/// Results without a `data` list, or that fit, are returned unchanged.
pub fn cap(mut value: Value, shape: ResultShape, max_bytes: usize) -> Value {
    if json_len(&value) <= max_bytes {
        return value;
    }
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
            value[envelope::TRUNCATED] = json!({
                "returned": returned,
                "total": total,
                "reason": format!("the full result is larger than the {max_bytes}-byte limit (--max-result-bytes)"),
                "next": next,
                "note": "totals and counts outside `data` cover the whole request",
            });
            return value;
        }
        used += size;
        kept.push(item);
    }
    value[list] = Value::Array(kept);
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::presentations::{COST_BUCKET, WORKSPACE};

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
    fn results_without_a_data_list_are_not_cut() {
        let value = json!({"name": "x".repeat(10_000)});
        assert_eq!(cap(value.clone(), ResultShape::Object(&WORKSPACE), 100), value);
    }
}
