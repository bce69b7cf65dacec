//! The spec's HTTP endpoints as JSON data, for the fake Admin API and the wire tests:
//! per tool its method, path template, the query parameters it may send, its beta
//! features, its pagination, an example answer (the output type's `example:`, or a
//! skeleton of its fields) and that type's name, and its example calls with the exact requests they send.
//! The fake answers an endpoint it does not emulate from this; a test runs every
//! example call against the fake.

use serde_json::{Value, json};

use crate::ir::{Action, Model, Pagination};

/// The file `build.rs` writes this to, in `OUT_DIR`.
pub const FILE_NAME: &str = "endpoints.json";

pub fn endpoints_json(model: &Model) -> String {
    let endpoints: Vec<Value> = model
        .tools
        .iter()
        .filter_map(|tool| {
            let Action::Http(call) = &tool.action else { return None };
            let pagination = match &call.pagination {
                Pagination::None => "none",
                Pagination::IdCursor { .. } => "id_cursor",
                Pagination::PageToken { .. } => "page_token",
                Pagination::PerDay { .. } => "per_day",
            };
            let examples: Vec<Value> = tool
                .examples
                .iter()
                .map(|example| {
                    let requests: Vec<Value> = example
                        .requests
                        .iter()
                        .map(|r| {
                            let headers: serde_json::Map<String, Value> =
                                r.headers.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
                            json!({
                                "method": r.method.as_str(),
                                "path": r.path,
                                "query": r.query.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                                "body": r.body,
                                "headers": headers,
                            })
                        })
                        .collect();
                    json!({"arguments": example.arguments, "requests": requests})
                })
                .collect();
            Some(json!({
                "tool": tool.name,
                "method": call.method.as_str(),
                "path": call.path_template(),
                "query": call.query_names(&tool.args),
                "beta": call.beta,
                "pagination": pagination,
                "example": super::examples::named_example(model, &call.output, 0),
                "output": call.output,
                "examples": examples,
            }))
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Value::Array(endpoints)).unwrap_or_default();
    text.push('\n');
    text
}
