//! A result's text content: the one-line summary that opens it ("52 users, page 2;
//! more on page 3"), so a person or a model knows what it is looking at before the
//! JSON, and the JSON itself, kept to the `fields` asked for (structuredContent stays
//! complete). Written from the result's envelope and the spec's item type.

use serde_json::Value;

use crate::runtime::ResultShape;

/// `ApiKey` → `API keys`, `WorkspaceMember` → `workspace members`, `UsageBucket` → `usage buckets`.
fn plural(type_name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in type_name.chars() {
        if c.is_ascii_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    words.push(current);
    let words: Vec<String> = words
        .into_iter()
        .map(|w| match w.as_str() {
            "api" => "API".to_string(),
            "claude" => "Claude".to_string(),
            "code" => "Code".to_string(),
            _ => w,
        })
        .collect();
    let mut text = words.join(" ");
    text.push('s');
    text
}

fn count(value: &Value, field: &str) -> Option<u64> {
    value.get(field)?.as_u64()
}

fn data_len(value: &Value) -> usize {
    value.get("data").and_then(Value::as_array).map_or(0, Vec::len)
}

/// A short label for one object: its type and the fields that identify it.
fn object_label(type_name: &str, value: &Value) -> String {
    let text = |field: &str| value.get(field).and_then(Value::as_str);
    let kind = text("type").unwrap_or_default();
    if let Some(deleted) = kind.strip_suffix("_deleted") {
        let what = deleted.replace('_', " ");
        let ids: Vec<&str> = ["id", "user_id", "workspace_id"].iter().filter_map(|f| text(f)).collect();
        return format!("Deleted {what} {}", ids.join(" from "));
    }
    let noun = plural(type_name);
    let noun = noun.strip_suffix('s').unwrap_or(&noun);
    let mut label = noun[..1].to_uppercase() + &noun[1..];
    for id in ["id", "user_id"].iter().filter_map(|f| text(f)) {
        label.push(' ');
        label.push_str(id);
    }
    let details: Vec<&str> = ["name", "email", "role", "workspace_role", "status", "workspace_id"]
        .iter()
        .filter(|f| !(**f == "workspace_id" && text("id").is_some()))
        .filter_map(|f| text(f))
        .collect();
    if !details.is_empty() {
        label.push_str(&format!(" ({})", details.join(", ")));
    }
    if value.get("archived_at").is_some_and(Value::is_string) {
        label.push_str(", archived");
    }
    label
}

/// The summary line of a successful result.
pub fn line(shape: ResultShape, value: &Value) -> String {
    let n = data_len(value);
    let mut line = match shape {
        ResultShape::Object(type_name) => object_label(type_name, value),
        ResultShape::Page(item) => {
            let page = count(value, "page").unwrap_or(1);
            let more = if value.get("has_more") == Some(&Value::Bool(true)) {
                format!("more on page {}", page + 1)
            } else {
                "no more pages".to_string()
            };
            format!("{n} {}, page {page} ({} per page); {more}", plural(item), count(value, "per_page").unwrap_or(0))
        }
        ResultShape::Window(item) => {
            let (page, per_page, total) = (
                count(value, "page").unwrap_or(1),
                count(value, "per_page").unwrap_or(1).max(1),
                count(value, "total").unwrap_or(0),
            );
            let pages = total.div_ceil(per_page).max(1);
            format!("{n} of {total} {}, page {page} of {pages}", plural(item))
        }
        ResultShape::Report(item) => match value.get("total_usd").and_then(Value::as_str) {
            Some(usd) => format!("{n} {}; total ${usd} for the whole range", plural(item)),
            None => format!("{n} {}", plural(item)),
        },
        ResultShape::PerDay(item) => {
            let days = count(value, "days").unwrap_or(0);
            format!("{n} {} over {days} day{}", plural(item), if days == 1 { "" } else { "s" })
        }
        ResultShape::Handler => handler_line(value),
    };
    if let Some(truncated) = value.get("truncated") {
        line.push_str(&format!(
            "; cut to the first {} of {} items to stay small (see truncated.next)",
            truncated["returned"], truncated["total"]
        ));
    }
    line
}

/// The text content of a successful result: the summary line, then the JSON, with each
/// `data` item kept to `fields` when the call names some.
pub fn text(shape: ResultShape, value: &Value, fields: Option<&Value>) -> String {
    let summary = line(shape, value);
    let wanted: Vec<&str> = fields.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    if wanted.is_empty() {
        return format!("{summary}\n{value}");
    }
    let mut shown = value.clone();
    if let Some(Value::Array(items)) = shown.get_mut("data") {
        for item in items.iter_mut() {
            if let Value::Object(map) = item {
                let kept: serde_json::Map<String, Value> =
                    wanted.iter().filter_map(|f| map.get(*f).map(|v| (f.to_string(), v.clone()))).collect();
                *map = kept;
            }
        }
    }
    format!("{summary} (fields: {})\n{shown}", wanted.join(", "))
}

/// The normalized metrics (the one hand-written tool), by the fields people ask for first.
fn handler_line(value: &Value) -> String {
    let Some(period) = value.get("period").and_then(Value::as_str) else { return "Result".to_string() };
    let field = |name: &str| match value.get(name) {
        Some(Value::Null) | None => "n/a".to_string(),
        Some(Value::Number(n)) if n.is_f64() => format!("{:.2}", n.as_f64().unwrap_or_default()),
        Some(v) => v.to_string(),
    };
    format!(
        "Claude Code metrics for {period}: {} of {} seats active ({}%), acceptance rate {}%, cost ${}",
        field("active_seats"),
        field("total_seats"),
        field("seat_utilization_pct"),
        field("acceptance_rate_pct"),
        field("total_cost_usd"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_keep_the_text_small_in_the_order_asked() {
        let page = json!({"data": [{"id": "u1", "email": "a@x.io", "role": "user", "name": "A"}], "page": 1, "per_page": 1, "has_more": false});
        let text = text(ResultShape::Page("User"), &page, Some(&json!(["role", "id"])));
        let (summary, json) = text.split_once('\n').unwrap();
        assert!(summary.ends_with("(fields: role, id)"), "{summary}");
        assert_eq!(json, r#"{"data":[{"role":"user","id":"u1"}],"page":1,"per_page":1,"has_more":false}"#);
    }

    #[test]
    fn nouns_read_naturally() {
        assert_eq!(plural("ApiKey"), "API keys");
        assert_eq!(plural("WorkspaceMember"), "workspace members");
        assert_eq!(plural("ClaudeCodeRecord"), "Claude Code records");
        assert_eq!(plural("User"), "users");
    }

    #[test]
    fn pages_windows_reports_and_objects() {
        let page = json!({"data": [{}, {}], "page": 2, "per_page": 2, "has_more": true});
        assert_eq!(line(ResultShape::Page("User"), &page), "2 users, page 2 (2 per page); more on page 3");
        let window = json!({"data": [{}], "page": 2, "per_page": 2, "total": 3, "has_more": false});
        assert_eq!(line(ResultShape::Window("UsageBucket"), &window), "1 of 3 usage buckets, page 2 of 2");
        let report = json!({"data": [{}, {}, {}], "total_cents": "370.368", "total_usd": "3.70"});
        assert_eq!(line(ResultShape::Report("CostBucket"), &report), "3 cost buckets; total $3.70 for the whole range");
        let user = json!({"id": "user_07", "type": "user", "email": "a@acme.io", "name": "Ann", "role": "developer"});
        assert_eq!(line(ResultShape::Object("User"), &user), "User user_07 (Ann, a@acme.io, developer)");
        let gone = json!({"type": "workspace_member_deleted", "user_id": "user_02", "workspace_id": "wrkspc_prod"});
        assert_eq!(
            line(ResultShape::Object("WorkspaceMemberDeleted"), &gone),
            "Deleted workspace member user_02 from wrkspc_prod"
        );
        let truncated = json!({"data": [{}], "days": 31, "truncated": {"returned": 1, "total": 9}});
        assert!(
            line(ResultShape::PerDay("ClaudeCodeRecord"), &truncated)
                .ends_with("cut to the first 1 of 9 items to stay small (see truncated.next)")
        );
    }
}
