//! The documentation generated from the spec: `docs/tools.md` (every tool with its
//! behaviour, upstream call, arguments, an example call and an example result) and the
//! README's tool table.
//!
//! This module owns the *context*: a serde_json value built from the validated
//! [`Model`] (never from the YAML), with the wording that needs the IR (argument types,
//! bounds, where an argument goes upstream, the examples). The templates in
//! `codegen/templates/` own the layout and the prose. They are compiled in with
//! `include_str!` and rendered by minijinja with strict undefined behaviour, so a
//! template that names a missing variable fails generation instead of printing nothing.
//! Output follows spec order (groups as `groups` lists them, tools as `tools` does) and
//! ends with exactly one newline.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::{Value, json};

use crate::emit::examples::{example_call, example_result};
use crate::emit::schema::EMAIL_MAX_LENGTH;
use crate::error::Error;
use crate::ir::{
    Action, Arg, ArgKind, Check, DefaultValue, EnumArg, HttpCall, ListArg, MapArg, Model, Pagination, PathPiece, Tool,
    Transform, Upstream,
};
use crate::layout::{FIX_COMMAND, SPEC_PATH, TOOLS_MD_PATH};

/// The template of `docs/tools.md`.
pub const TOOLS_TEMPLATE: (&str, &str) = ("tools.md.j2", include_str!("../../templates/tools.md.j2"));
/// The template of the README's tool table (the text between its markers).
pub const README_TEMPLATE: (&str, &str) = ("readme_tools.md.j2", include_str!("../../templates/readme_tools.md.j2"));

/// `docs/tools.md`.
pub fn tools_md(model: &Model) -> Result<String, Error> {
    render_template(TOOLS_TEMPLATE, &context(model))
}

/// The README's tool table: the text that goes between the README's markers.
pub fn readme_tools(model: &Model) -> Result<String, Error> {
    render_template(README_TEMPLATE, &context(model))
}

/// Renders one template (`(name, source)`) with the docs' settings: strict undefined
/// behaviour, no auto-escaping (the output is Markdown), block tags that take their
/// own line away, and exactly one trailing newline.
pub fn render_template((name, source): (&str, &str), context: &Value) -> Result<String, Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    let failed = |source: minijinja::Error| Error::Template { template: name.to_string(), source };
    env.add_template(name, source).map_err(failed)?;
    let text =
        env.get_template(name).and_then(|t| t.render(minijinja::Value::from_serialize(context))).map_err(failed)?;
    let mut text = text.trim_end().to_string();
    text.push('\n');
    Ok(text)
}

/// A minijinja error with its chain of causes, on one line.
pub(crate) fn describe(error: &minijinja::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// What the templates see. Every key is always present (null when it does not apply):
/// strict undefined behaviour makes a missing key an error.
pub fn context(model: &Model) -> Value {
    let groups: Vec<Value> = model
        .groups
        .iter()
        .filter_map(|group| {
            let tools: Vec<Value> =
                model.tools.iter().filter(|t| t.group == group.id).map(|t| tool_context(model, t)).collect();
            (!tools.is_empty()).then(|| json!({"id": group.id, "title": group.title, "tools": tools}))
        })
        .collect();
    json!({
        "spec_path": SPEC_PATH,
        "regenerate": FIX_COMMAND,
        "tools_md": TOOLS_MD_PATH,
        "server": {"name": model.server.name, "title": model.server.title, "instructions": model.server.instructions},
        "tool_count": model.tools.len(),
        "groups": groups,
        "prompts": model.prompts.iter().map(|p| json!({
            "name": p.name,
            "title": p.title,
            "description": p.description,
            "arguments": p.arguments.iter().map(|a| json!({
                "name": a.name,
                "description": a.description,
                "required": a.required,
                "default": a.default,
            })).collect::<Vec<_>>(),
            "template": p.template,
        })).collect::<Vec<_>>(),
    })
}

fn tool_context(model: &Model, tool: &Tool) -> Value {
    let a = tool.annotations;
    let call = example_call(tool);
    let (http, handler, result) = match &tool.action {
        Action::Http(http) => {
            let (result, from_spec) = example_result(model, tool, http, &call);
            (http_context(http), Value::Null, json!({"json": pretty(&result), "from_spec": from_spec}))
        }
        Action::Handler { function, output, .. } => {
            let type_name = output.rsplit("::").next().unwrap_or(output);
            (Value::Null, json!({"function": function, "output": type_name}), Value::Null)
        }
    };
    json!({
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "summary": cell(first_sentence(&tool.description)),
        "read_only": a.read_only,
        "destructive": a.destructive,
        "idempotent": a.idempotent,
        "open_world": a.open_world,
        "workspace_guard": tool.workspace_guard,
        "org_role_guard": tool.org_role_guard,
        "organization_scope": tool.organization_scope,
        "workspace_lookup": tool.workspace_lookup.as_ref().map(|l| json!({"tool": l.tool, "field": l.field})),
        "kind": a.kind(),
        "http": http,
        "handler": handler,
        "args": tool.args.iter().map(|arg| arg_context(tool, arg)).collect::<Vec<_>>(),
        "checks": tool.checks.iter().map(check_text).collect::<Vec<_>>(),
        "example_call": pretty(&json!({"name": tool.name, "arguments": call})),
        "example_result": result,
    })
}

fn http_context(call: &HttpCall) -> Value {
    let template = |pieces: &[PathPiece]| -> String {
        pieces
            .iter()
            .map(|piece| match piece {
                PathPiece::Literal(text) => text.clone(),
                PathPiece::Placeholder(name) => format!("{{{name}}}"),
            })
            .collect()
    };
    let path = template(&call.path);
    let not_found = call.not_found.as_deref().map(template);
    let fixed_query = (!call.fixed_query.is_empty()).then(|| {
        call.fixed_query.iter().map(|(name, value)| format!("`{name}={value}`")).collect::<Vec<_>>().join(", ")
    });
    let none = Value::Null;
    let pagination = match &call.pagination {
        Pagination::None => json!({"style": "none", "page": none, "per_page": none, "window": false,
            "start": none, "end": none, "query": none, "limit": none}),
        Pagination::IdCursor { page, per_page } => json!({"style": "id_cursor", "page": page, "per_page": per_page,
            "window": false, "start": none, "end": none, "query": none, "limit": none}),
        Pagination::PageToken { window } => {
            let (page, per_page) = match window {
                Some((page, per_page)) => (json!(page), json!(per_page)),
                None => (Value::Null, Value::Null),
            };
            json!({"style": "page_token", "page": page, "per_page": per_page, "window": window.is_some(),
                "start": none, "end": none, "query": none, "limit": none})
        }
        Pagination::PerDay { start, end, query, limit } => json!({"style": "per_day", "page": none,
            "per_page": none, "window": false, "start": start, "end": end, "query": query, "limit": limit}),
    };
    let summary = call.summary.as_ref().map(|s| json!({"list": s.list_field, "amount": s.amount_field}));
    json!({
        "method": call.method.as_str(),
        "path": path,
        "not_found": not_found,
        "beta": (!call.beta.is_empty()).then(|| call.beta.join(",")),
        "fixed_query": fixed_query,
        "pagination": pagination,
        "summary": summary,
        "output": call.output,
    })
}

// ------------------------------------------------------------------ arguments

fn arg_context(tool: &Tool, arg: &Arg) -> Value {
    let requirement = match (&arg.default, arg.required) {
        (_, true) => "required".to_string(),
        (Some(default), false) => format!("default `{}`", default_text(default)),
        (None, false) => "optional".to_string(),
    };
    let bounds = bounds_text(&arg.kind);
    json!({
        "name": arg.name,
        "type": cell(&type_text(&arg.kind)),
        "requirement": requirement,
        "bounds": cell(if bounds.is_empty() { "—" } else { &bounds }),
        "upstream": cell(&upstream_text(tool, arg)),
        "description": cell(&arg.description),
    })
}

fn default_text(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Integer(n) => n.to_string(),
        DefaultValue::Boolean(b) => b.to_string(),
        DefaultValue::String(s) => s.clone(),
    }
}

/// `integer`, `array of enum`, `map (string → string)`.
fn type_text(kind: &ArgKind) -> String {
    match kind {
        ArgKind::String { .. } => "string".into(),
        ArgKind::Integer { .. } => "integer".into(),
        ArgKind::Boolean => "boolean".into(),
        ArgKind::Date => "date (`YYYY-MM-DD`, UTC)".into(),
        ArgKind::Email => "email".into(),
        ArgKind::Id => "id".into(),
        ArgKind::Enum(_) => "enum".into(),
        ArgKind::List(list) => {
            let item = match list.item.as_ref() {
                ArgKind::Date => "date".to_string(),
                other => type_text(other),
            };
            match &list.alternative {
                Some(word) => format!("array of {item}, or `\"{word}\"`"),
                None => format!("array of {item}"),
            }
        }
        ArgKind::Map(_) => "map (string → string)".into(),
    }
}

/// What values an argument accepts beyond its type; empty when nothing more.
fn bounds_text(kind: &ArgKind) -> String {
    match kind {
        ArgKind::String { min_length, max_length } => match range_text(*min_length, *max_length) {
            Some(range) => format!("length {range}"),
            None => String::new(),
        },
        ArgKind::Integer { minimum, maximum } => range_text(*minimum, *maximum).unwrap_or_default(),
        ArgKind::Boolean | ArgKind::Date => String::new(),
        ArgKind::Email => format!("a valid address, at most {EMAIL_MAX_LENGTH} characters"),
        ArgKind::Id => "letters, digits, `_` and `-`; 1–128 characters".into(),
        ArgKind::Enum(e) => enum_text(e),
        ArgKind::List(list) => list_text(list),
        ArgKind::Map(map) => map_text(map),
    }
}

fn range_text<T: std::fmt::Display + PartialEq>(min: Option<T>, max: Option<T>) -> Option<String> {
    match (min, max) {
        (Some(min), Some(max)) if min == max => Some(format!("exactly {min}")),
        (Some(min), Some(max)) => Some(format!("{min}–{max}")),
        (Some(min), None) => Some(format!("≥ {min}")),
        (None, Some(max)) => Some(format!("≤ {max}")),
        (None, None) => None,
    }
}

fn code_list<'a>(values: impl IntoIterator<Item = &'a String>) -> String {
    values.into_iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

fn enum_text(e: &EnumArg) -> String {
    let mut parts = vec![format!("one of {}", code_list(&e.values))];
    if !e.aliases.is_empty() {
        let aliases: Vec<String> = e.aliases.iter().map(|(alias, value)| format!("`{alias}` → `{value}`")).collect();
        parts.push(format!("also accepted: {}", aliases.join(", ")));
    }
    if !e.refused.is_empty() {
        let refused: Vec<String> = e.refused.iter().map(|(value, why)| format!("`{value}` ({why})")).collect();
        parts.push(format!("refused: {}", refused.join(", ")));
    }
    parts.join("; ")
}

fn list_text(list: &ListArg) -> String {
    let count = match (list.min_items, list.max_items) {
        (min, max) if min == max => format!("exactly {min} distinct items"),
        (min, max) => format!("{min}–{max} distinct items"),
    };
    let mut parts = vec![count];
    let item = bounds_text(&list.item);
    if !item.is_empty() {
        parts.push(format!("each item: {item}"));
    }
    if let Some(word) = &list.alternative {
        parts.push(format!("or the string `{word}` instead of a list"));
    }
    parts.join("; ")
}

fn map_text(map: &MapArg) -> String {
    let mut text = format!(
        "at most {} entries; keys 1–{} characters, values at most {} characters",
        map.max_entries, map.key_max_length, map.value_max_length
    );
    if let Some(prefix) = &map.reserved_key_prefix {
        text.push_str(&format!("; keys must not start with `{prefix}` (in any case)"));
    }
    text
}

/// Where the argument goes in the API request, or what the connector does with it.
fn upstream_text(tool: &Tool, arg: &Arg) -> String {
    match &arg.upstream {
        Some(Upstream::Query { name, transform }) => {
            let how = match (transform, &arg.kind) {
                (Some(Transform::StartOfDay), _) => " (start of day)",
                (Some(Transform::StartOfNextDay), _) => " (start of the next day: the end becomes exclusive)",
                (None, ArgKind::List(_)) => " (repeated)",
                (None, _) => "",
            };
            format!("query `{name}`{how}")
        }
        Some(Upstream::Path { name }) => format!("path `{name}`"),
        Some(Upstream::Body { path }) => {
            let how = match &arg.kind {
                ArgKind::List(list) if list.alternative.is_some() => " (a JSON array, or the string)",
                ArgKind::List(_) => " (a JSON array)",
                ArgKind::Map(_) => " (a JSON object)",
                _ => "",
            };
            format!("body `{}`{how}", path.join("."))
        }
        None => match &tool.action {
            Action::Handler { .. } => "read by the connector".into(),
            Action::Http(call) => match &call.pagination {
                Pagination::IdCursor { page, .. } if *page == arg.name => {
                    "the connector walks `after_id` to this page".into()
                }
                Pagination::IdCursor { per_page, .. } if *per_page == arg.name => "query `limit`".into(),
                Pagination::PageToken { window: Some((page, per_page)) }
                    if *page == arg.name || *per_page == arg.name =>
                {
                    "the connector pages the full result".into()
                }
                Pagination::PerDay { start, end, query, .. } if *start == arg.name || *end == arg.name => {
                    format!("query `{query}`, one request per day")
                }
                _ => "—".into(),
            },
        },
    }
}

fn check_text(check: &Check) -> String {
    match check {
        Check::DateRange { start, end, max_days } => {
            let mut text = format!("`{end}` must be on or after `{start}`");
            if let Some(max) = max_days {
                text.push_str(&format!("; the period is at most {max} days, both ends included"));
            }
            text
        }
        Check::AtLeastOne(names) => format!("give at least one of {}", code_list(names)),
    }
}

// ------------------------------------------------------------------ example call

// ------------------------------------------------------------------ text helpers

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Text that sits in a Markdown table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// The first sentence: up to the first `. ` that a capital letter follows.
fn first_sentence(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices(". ") {
        if bytes.get(i + 2).is_some_and(u8::is_ascii_uppercase) {
            return &text[..=i];
        }
    }
    text.trim_end()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A spec of its own (the fixtures and the real spec keep changing), with one tool
    /// of each pagination style, a handler, a destructive tool, arrays and a map.
    const SPEC: &str = r#"
format: 1
server: {name: docs-test, title: Docs Test, instructions: A spec for the docs renderer.}
groups: {reports: Reports, admin: Admin, empty: Nothing here}
types:
  User:
    fields:
      id: string
      role: {type: string, values: [user, admin]}
      added_at: string?
      nickname: {type: string, optional: true}
  Gone:
    fields: {id: string}
  CostBucket:
    fields:
      starting_at: string
      results: "[CostRow]"
    example: {starting_at: "2026-11-01T00:00:00Z", results: [{amount: "123.455"}, {amount: "0.5"}]}
  CostRow:
    fields: {amount: decimal}
  Day:
    fields: {date: string, counts: "{count}", share: number, remote: boolean, misc: {type: any, optional: true}}
tools:
  - name: t_costs
    title: Costs
    group: reports
    description: Daily cost. Totals are exact.
    http: {method: GET, path: /v1/costs}
    annotations: {read_only: true, destructive: false, idempotent: true, open_world: true}
    arguments:
      start_date: {type: date, required: true, description: First day., upstream: {query: starting_at, transform: start_of_day}}
      end_date: {type: date, required: true, description: Last day., upstream: {query: ending_at, transform: start_of_next_day}}
    fixed_query: {limit: "31"}
    checks: [{date_range: {start: start_date, end: end_date, max_days: 31}}]
    pagination: {style: page_token}
    summary: {sum_cents: results.amount}
    output: CostBucket
  - name: t_days
    title: Per day
    group: reports
    description: One report per day.
    http: {method: GET, path: /v1/days}
    annotations: {read_only: true, destructive: false, idempotent: true, open_world: true}
    arguments:
      from: {type: date, required: true, example: "2026-10-01", description: First day.}
      until: {type: date, required: true, example: "2026-10-03", description: Last day.}
    pagination: {style: per_day, start: from, end: until, query: starting_at, limit: 1000}
    output: Day
  - name: t_metrics
    title: Metrics
    group: reports
    description: Computed.
    annotations: {read_only: true, destructive: false, idempotent: true, open_world: true}
    arguments:
      start_date: {type: date, required: true, description: First day.}
    handler: metrics
  - name: t_list_users
    title: List users
    group: admin
    description: "Users | one page at a time."
    http: {method: GET, path: /v1/users}
    annotations: {read_only: true, destructive: false, idempotent: true, open_world: true}
    arguments:
      page: {type: integer, default: 2, minimum: 1, maximum: 100, description: Page.}
      per_page: {type: integer, default: 20, minimum: 1, maximum: 100, description: Per page.}
      roles:
        type: array
        items: {type: enum, values: [user, developer], aliases: {dev: developer}}
        description: Roles.
        upstream: {query: "roles[]"}
    pagination: {style: id_cursor, page: page, per_page: per_page}
    output: User
  - name: t_update_user
    title: Update a user
    group: admin
    description: Change a user.
    http: {method: POST, path: "/v1/users/{user_id}", not_found: "no user `{user_id}`"}
    annotations: {read_only: false, destructive: false, idempotent: false, open_world: true}
    scope: organization
    arguments:
      user_id: {type: id, required: true, description: User ID (usr_...)., upstream: {path: user_id}}
      role: {type: enum, values: [user, developer], refuse: {admin: not through the API}, description: Role., upstream: {body: role}}
      tags: {type: map, max_items: 5, key_max_length: 3, max_length: 4, reserved_key_prefix: te, description: Tags., upstream: {body: meta.tags}}
      emails: {type: array, items: {type: email}, max_items: 3, description: Emails., upstream: {body: emails}}
    checks: [{at_least_one: [tags, role]}]
    output: User
  - name: t_remove_user
    title: Remove a user
    group: admin
    description: Remove a user.
    http: {method: DELETE, path: "/v1/users/{user_id}", not_found: "no user `{user_id}`"}
    annotations: {read_only: false, destructive: true, idempotent: true, open_world: true}
    scope: organization
    arguments:
      user_id: {type: id, required: true, description: User ID., upstream: {path: user_id}}
    output: Gone
"#;

    pub(crate) fn model() -> Model {
        let model = crate::parse(SPEC, "docs-test.yaml").unwrap_or_else(|e| panic!("{e}"));
        let config = crate::Config::new("crate::runtime").extern_handler(
            "metrics",
            "crate::metrics::get",
            "crate::metrics::Metrics",
            "crate::metrics::PRESENTATION",
        );
        config.resolve(&model.file, &model).unwrap_or_else(|e| panic!("{e}"))
    }

    pub(crate) fn tool<'a>(model: &'a Model, name: &str) -> &'a Tool {
        model.tools.iter().find(|t| t.name == name).unwrap()
    }

    pub(crate) fn result(model: &Model, name: &str) -> (Value, bool) {
        let tool = tool(model, name);
        let Action::Http(call) = &tool.action else { panic!("{name} is an HTTP tool") };
        example_result(model, tool, call, &example_call(tool))
    }

    #[test]
    fn a_template_naming_an_unknown_variable_fails() {
        let error = render_template(("typo.md.j2", "{{ server.titel }}\n"), &context(&model())).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("typo.md.j2"), "the error names the template: {text}");
        assert!(text.contains("undefined"), "the error says what is wrong: {text}");
        let error = render_template(("typo.md.j2", "{% if nothing %}x{% endif %}"), &json!({})).unwrap_err();
        assert!(error.to_string().contains("undefined"), "even in a condition: {error}");
    }

    #[test]
    fn a_template_syntax_error_fails() {
        let error = render_template(("broken.md.j2", "{% for x in %}"), &json!({})).unwrap_err();
        assert!(error.to_string().contains("broken.md.j2"), "{error}");
    }

    #[test]
    fn the_shipped_templates_render_deterministically_in_spec_order_with_one_trailing_newline() {
        let model = model();
        for render in [tools_md, readme_tools] {
            let first = render(&model).unwrap();
            assert_eq!(first, render(&model).unwrap());
            assert!(first.ends_with('\n') && !first.ends_with("\n\n"), "exactly one trailing newline");
            assert!(!first.contains("\n\n\n"), "no runs of blank lines:\n{first}");
            assert!(!first.contains("Nothing here"), "a group without tools is left out");
            let mut at = 0;
            for tool in &model.tools {
                at += first[at..].find(&format!("`{}`", tool.name)).expect("every tool, in spec order");
            }
        }
    }

    #[test]
    fn tools_md_explains_each_tool() {
        let md = tools_md(&model()).unwrap();
        assert!(md.starts_with("<!-- @generated from spec/admin-api.yaml"), "{md}");
        assert!(md.lines().next().unwrap().contains(FIX_COMMAND));
        assert_eq!(md.matches("> **Destructive.**").count(), 1, "one destructive tool:\n{md}");
        for expected in [
            "- [Reports](#group-reports)\n  - [`t_costs`](#t_costs): Costs\n",
            "  - [`t_remove_user`](#t_remove_user): Remove a user (destructive)\n",
            "### Costs: `t_costs`",
            "- **Upstream:** `GET /v1/costs`, always with `limit=31` in the query.",
            "query `starting_at` (start of day)",
            "query `ending_at` (start of the next day: the end becomes exclusive)",
            "`end_date` must be on or after `start_date`; the period is at most 31 days, both ends included.",
            "`total_cents` is the exact sum of every `results[].amount`",
            "(`starting_at` = the day, `limit` = 1000)",
            "computed by the connector from several Admin API calls (`crate::metrics::get`)",
            "a `Metrics` object, described field by field by the tool's `outputSchema`",
            "| `page` | integer | default `2` | 1–100 | the connector walks `after_id` to this page |",
            "| `per_page` | integer | default `20` | 1–100 | query `limit` |",
            "| `roles` | array of enum | optional | 1–2 distinct items; each item: one of `user`, `developer`; also accepted: `dev` → `developer` | query `roles[]` (repeated) |",
            "one of `user`, `developer`; refused: `admin` (not through the API)",
            "| `tags` | map (string → string) | optional | at most 5 entries; keys 1–3 characters, values at most 4 characters; keys must not start with `te` (in any case) | body `meta.tags` (a JSON object) |",
            "| `emails` | array of email | optional | 1–3 distinct items; each item: a valid address, at most 320 characters | body `emails` (a JSON array) |",
            "| `user_id` | id | required | letters, digits, `_` and `-`; 1–128 characters | path `user_id` |",
            "give at least one of `tags`, `role`.",
            "writes: it changes the organization; not idempotent: each call acts again; calls the Anthropic Admin API.",
            "read-only: it changes nothing; idempotent",
        ] {
            assert!(md.contains(expected), "missing {expected:?} in:\n{md}");
        }
    }

    #[test]
    fn the_readme_table_has_one_row_per_tool() {
        let table = readme_tools(&model()).unwrap();
        let rows: Vec<&str> = table.lines().collect();
        assert_eq!(rows[..2], ["| Group | Tool | What it does | Kind |", "|---|---|---|---|"]);
        assert_eq!(rows.len(), 2 + 6, "{table}");
        assert_eq!(rows[2], "| Reports | [`t_costs`](docs/tools.md#t_costs) | Daily cost. | read |");
        assert_eq!(
            rows[5],
            "| Admin | [`t_list_users`](docs/tools.md#t_list_users) | Users \\| one page at a time. | read |"
        );
        assert_eq!(rows[6], "|  | [`t_update_user`](docs/tools.md#t_update_user) | Change a user. | write |");
        assert!(rows[7].ends_with("| **destructive** |"), "{table}");
    }

    #[test]
    fn first_sentences_and_cells() {
        assert_eq!(first_sentence("Remove a user. Their keys stay."), "Remove a user.");
        assert_eq!(first_sentence("Rename (e.g. foo). Done"), "Rename (e.g. foo).");
        assert_eq!(first_sentence("One line"), "One line");
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
