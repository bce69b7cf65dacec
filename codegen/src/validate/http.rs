//! A tool's `http` block: method, path, where each argument goes, fixed query,
//! pagination, output type, summary and the 404 message.

use std::collections::BTreeSet;

use super::Ctx;
use crate::error::Error;
use crate::ir::{self, Arg, ArgKind, Method, PathPiece, TypeExpr, Upstream};
use crate::names;
use crate::spec;

pub(super) fn validate_http(
    cx: &Ctx,
    at: &str,
    model: &ir::Model,
    tool: &spec::ToolDef,
    http: &spec::Http,
    args: &[Arg],
) -> Result<ir::HttpCall, Error> {
    let method = parse_method(cx, at, http)?;
    let path = validate_path(cx, at, http)?;
    let placeholders: Vec<&str> = path
        .iter()
        .filter_map(|p| match p {
            PathPiece::Placeholder(n) => Some(n.as_str()),
            PathPiece::Literal(_) => None,
        })
        .collect();
    let (mut upstream_names, path_args) = check_upstreams(cx, at, http, method, &placeholders, args)?;
    check_body_paths(cx, at, args)?;
    for p in &placeholders {
        if !path_args.contains(*p) {
            return cx.fail(
                at,
                format!("path placeholder `{{{p}}}` has no argument with `upstream: {{path: {p}}}`"),
                "add an `id` argument that fills it",
            );
        }
    }
    let mut fixed_query = Vec::new();
    for (name, value) in &tool.fixed_query.0 {
        if !upstream_names.insert(format!("query `{name}`")) {
            return cx.fail(at, format!("fixed query `{name}` is also sent by an argument"), "keep one");
        }
        fixed_query.push((name.clone(), value.clone()));
    }
    let (pagination, mut consumed) = validate_pagination(cx, at, tool, method, args, &mut upstream_names)?;
    consumed.extend(tool.filters.0.iter().map(|(argument, _)| argument.clone()));
    check_every_argument_is_sent(cx, at, args, &consumed)?;
    let (output, summary) = validate_output(cx, at, model, tool)?;
    let not_found = match &http.not_found {
        None => {
            require_not_found(cx, at, &placeholders)?;
            None
        }
        Some(text) => Some(not_found_message(cx, at, model, &output, text, args)?),
    };
    let beta = beta_tokens(cx, at, &http.beta)?;
    let json_body = json_body(cx, at, http, method, args)?;
    let split = super::split::validate_split(cx, at, tool, args)?;
    let closed_after = validate_cache(cx, at, tool, method, args)?;
    Ok(ir::HttpCall {
        method,
        path,
        not_found,
        beta,
        json_body,
        fixed_query,
        pagination,
        summary,
        closed_after,
        output,
        split,
    })
}

/// The word of `http.body` for a POST that sends an empty JSON object.
const EMPTY_BODY: &str = "empty";

/// Whether the request has a JSON body. A POST has one when arguments go in it; a POST
/// with none says so: `body: empty` (the endpoint wants `{}`). The runtime never adds a
/// body the spec does not declare.
fn json_body(cx: &Ctx, at: &str, http: &spec::Http, method: Method, args: &[Arg]) -> Result<bool, Error> {
    let body_args = args.iter().any(|a| matches!(a.upstream, Some(ir::Upstream::Body { .. })));
    match (http.body.as_deref(), method) {
        (None, Method::Post) if !body_args => cx.fail(
            at,
            "a POST with no body arguments does not say what body it sends",
            format!("add `body: {EMPTY_BODY}` to `http` (it sends an empty JSON object, {{}}), or give the arguments the endpoint takes `upstream: {{body: NAME}}`"),
        ),
        (None, _) => Ok(method == Method::Post),
        (Some(EMPTY_BODY), Method::Post) if !body_args => Ok(true),
        (Some(EMPTY_BODY), Method::Post) => cx.fail(
            at,
            format!("`body: {EMPTY_BODY}` on a POST whose arguments fill the body"),
            "remove `body: empty`: the body holds the arguments given",
        ),
        (Some(EMPTY_BODY), _) => cx.fail(at, "only a POST sends a body", "remove `body: empty`"),
        (Some(other), _) => cx.fail(
            at,
            format!("`body: {other}` is not a body"),
            format!("write `body: {EMPTY_BODY}` for a POST that sends an empty JSON object"),
        ),
    }
}

/// `cache: {closed_after: ARG}`: a read whose range ends with the day of ARG, a date argument.
fn validate_cache(
    cx: &Ctx,
    at: &str,
    tool: &spec::ToolDef,
    method: Method,
    args: &[Arg],
) -> Result<Option<Box<str>>, Error> {
    let Some(cache) = &tool.cache else { return Ok(None) };
    if method != Method::Get {
        return cx.fail(at, "`cache` applies to a GET report only", "remove `cache` from this write");
    }
    match args.iter().find(|a| a.name == cache.closed_after) {
        Some(arg) if matches!(arg.kind, ArgKind::Date) => Ok(Some(arg.name.as_str().into())),
        _ => cx.fail(
            at,
            format!("cache.closed_after `{}` is not a date argument of this tool", cache.closed_after),
            "name the date argument that holds the range's last day (e.g. end_date)",
        ),
    }
}

/// `http.beta`: the API's beta feature names, each non-empty `[a-z0-9-]` and listed once,
/// so the comma-joined `anthropic-beta` header is always well formed.
fn beta_tokens(cx: &Ctx, at: &str, beta: &[String]) -> Result<Vec<String>, Error> {
    let mut seen = std::collections::BTreeSet::new();
    for token in beta {
        let well_formed =
            !token.is_empty() && token.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !well_formed {
            return cx.fail(
                at,
                format!("beta `{token}` is not a beta feature name (non-empty, only a-z, 0-9 and -)"),
                "write the name as the API documents it, e.g. `analytics-usage-cost-2026-08-24`",
            );
        }
        if !seen.insert(token.as_str()) {
            return cx.fail(at, format!("beta `{token}` is listed twice"), "list each beta feature once");
        }
    }
    Ok(beta.to_vec())
}

fn parse_method(cx: &Ctx, at: &str, http: &spec::Http) -> Result<Method, Error> {
    match http.method.as_str() {
        "GET" => Ok(Method::Get),
        "POST" => Ok(Method::Post),
        "DELETE" => Ok(Method::Delete),
        other => cx.fail(at, format!("method `{other}` is not one the Admin API uses"), "use GET, POST or DELETE"),
    }
}

fn validate_path(cx: &Ctx, at: &str, http: &spec::Http) -> Result<Vec<PathPiece>, Error> {
    if !http.path.starts_with("/v1/") {
        return cx.fail(at, format!("path `{}` must start with /v1/", http.path), "write the full API path");
    }
    parse_path(&http.path).ok_or_else(|| {
        cx.error(
            at,
            format!("path `{}` has an unbalanced or empty {{placeholder}}", http.path),
            "write placeholders as {name}",
        )
    })
}

/// Each argument's upstream exists (a path placeholder, a body only for POST) and is
/// sent by one argument only. Returns the upstream names used and the path
/// placeholders filled.
fn check_upstreams(
    cx: &Ctx,
    at: &str,
    http: &spec::Http,
    method: Method,
    placeholders: &[&str],
    args: &[Arg],
) -> Result<(BTreeSet<String>, BTreeSet<String>), Error> {
    let mut upstream_names = BTreeSet::new();
    let mut path_args = BTreeSet::new();
    for a in args {
        let key = match &a.upstream {
            Some(Upstream::Query { name, .. }) => format!("query `{name}`"),
            Some(Upstream::Path { name }) => {
                if !placeholders.contains(&name.as_str()) {
                    return cx.fail(
                        format!("{at}, argument `{}`", a.name),
                        format!(
                            "it goes to path placeholder `{{{name}}}`, which the path `{}` does not have",
                            http.path
                        ),
                        "add the placeholder to the path or fix the name",
                    );
                }
                path_args.insert(name.clone());
                format!("path `{name}`")
            }
            Some(Upstream::Body { path }) => {
                if method != Method::Post {
                    return cx.fail(
                        format!("{at}, argument `{}`", a.name),
                        "only POST requests have a body",
                        "send it in the query",
                    );
                }
                format!("body `{}`", path.join("."))
            }
            None => continue,
        };
        if !upstream_names.insert(key.clone()) {
            return cx.fail(
                format!("{at}, argument `{}`", a.name),
                format!("upstream {key} is used by two arguments"),
                "send each upstream name from one argument only",
            );
        }
    }
    Ok((upstream_names, path_args))
}

/// No body field is both a value and an object holding another argument's field.
fn check_body_paths(cx: &Ctx, at: &str, args: &[Arg]) -> Result<(), Error> {
    if let Some(Upstream::Body { path }) = args.iter().filter_map(|a| a.upstream.as_ref()).find(|u| {
        let Upstream::Body { path } = u else { return false };
        args.iter()
            .filter_map(|a| a.upstream.as_ref())
            .any(|o| matches!(o, Upstream::Body { path: p } if p.len() > path.len() && p.starts_with(path)))
    }) {
        return cx.fail(
            at,
            format!("body field `{}` is both a value and an object", path.join(".")),
            "send them to different body fields",
        );
    }
    Ok(())
}

/// The pagination and the local arguments it consumes.
fn validate_pagination(
    cx: &Ctx,
    at: &str,
    tool: &spec::ToolDef,
    method: Method,
    args: &[Arg],
    upstream_names: &mut BTreeSet<String>,
) -> Result<(ir::Pagination, BTreeSet<String>), Error> {
    let mut consumed: BTreeSet<String> = BTreeSet::new();
    let Some(pagination) = &tool.pagination else { return Ok((ir::Pagination::None, consumed)) };
    if method != Method::Get {
        return cx.fail(at, "pagination applies to GET requests", "remove `pagination`");
    }
    let pagination = match pagination {
        spec::Pagination::IdCursor { page, per_page } => {
            local_integer(cx, at, args, page, "page")?;
            local_integer(cx, at, args, per_page, "per_page")?;
            consumed.extend([page.clone(), per_page.clone()]);
            ir::Pagination::IdCursor { page: page.clone(), per_page: per_page.clone() }
        }
        spec::Pagination::PageToken { window, .. } => {
            let window = match window {
                None => None,
                Some(w) => {
                    local_integer(cx, at, args, &w.page, "window.page")?;
                    local_integer(cx, at, args, &w.per_page, "window.per_page")?;
                    consumed.extend([w.page.clone(), w.per_page.clone()]);
                    Some((w.page.clone(), w.per_page.clone()))
                }
            };
            ir::Pagination::PageToken { window }
        }
        spec::Pagination::PerDay { start, end, query, limit } => {
            check_per_day(cx, at, args, [start, end], query, *limit, upstream_names)?;
            consumed.extend([start.clone(), end.clone()]);
            ir::Pagination::PerDay { start: start.clone(), end: end.clone(), query: query.clone(), limit: *limit }
        }
    };
    Ok((pagination, consumed))
}

/// A page or page-size argument of pagination: a local integer with a default.
fn local_integer(cx: &Ctx, at: &str, args: &[Arg], name: &str, role: &str) -> Result<(), Error> {
    match args.iter().find(|a| a.name == name) {
        Some(a) if matches!(a.kind, ArgKind::Integer { .. }) && a.upstream.is_none() && a.default.is_some() => Ok(()),
        _ => cx.fail(
            at,
            format!("pagination `{role}` names `{name}`, which is not a local integer argument with a default"),
            "declare it like the shared `page`/`per_page`",
        ),
    }
}

/// `per_day`: required local start and end dates, a page size the API takes, and a
/// day query no argument sends.
fn check_per_day(
    cx: &Ctx,
    at: &str,
    args: &[Arg],
    dates: [&String; 2],
    query: &str,
    limit: u32,
    upstream_names: &mut BTreeSet<String>,
) -> Result<(), Error> {
    for name in dates {
        match args.iter().find(|a| &a.name == name) {
            Some(a) if matches!(a.kind, ArgKind::Date) && a.upstream.is_none() && a.required => {}
            _ => {
                return cx.fail(
                    at,
                    format!("per_day names `{name}`, which is not a required local date argument"),
                    "name the start/end date arguments and give them no upstream",
                );
            }
        }
    }
    if !(1..=1000).contains(&limit) {
        return cx.fail(at, format!("per_day limit {limit} is outside 1..=1000"), "use the API's maximum, 1000");
    }
    if !upstream_names.insert(format!("query `{query}`")) {
        return cx.fail(at, format!("per_day query `{query}` is also sent by an argument"), "keep one");
    }
    Ok(())
}

fn check_every_argument_is_sent(cx: &Ctx, at: &str, args: &[Arg], consumed: &BTreeSet<String>) -> Result<(), Error> {
    for a in args {
        if a.upstream.is_none() && !a.selects_fields && !consumed.contains(&a.name) {
            return cx.fail(
                format!("{at}, argument `{}`", a.name),
                "the argument is sent nowhere: it has no `upstream` and no pagination uses it",
                "add `upstream: {query|path|body: NAME}`",
            );
        }
    }
    Ok(())
}

/// The response type (the item type when paginated), and the report's sum.
fn validate_output(
    cx: &Ctx,
    at: &str,
    model: &ir::Model,
    tool: &spec::ToolDef,
) -> Result<(String, Option<ir::SumCents>), Error> {
    let Some(output) = tool.output.clone() else {
        return cx.fail(
            at,
            "an http tool needs `output`: the response type (the item type when paginated)",
            "add `output: TypeName`",
        );
    };
    let Some(output_type) = model.type_def(&output) else {
        return cx.fail(
            at,
            format!("output type `{output}` is not declared under `types:`"),
            "declare it or fix the name",
        );
    };
    let summary = match &tool.summary {
        None => None,
        Some(summary) => Some(validate_summary(cx, at, model, tool, &output, output_type, summary)?),
    };
    Ok((output, summary))
}

/// `summary.sum_cents`: LIST.FIELD, a list field of the output and a decimal field of its items.
fn validate_summary(
    cx: &Ctx,
    at: &str,
    model: &ir::Model,
    tool: &spec::ToolDef,
    output: &str,
    output_type: &ir::TypeDef,
    summary: &spec::Summary,
) -> Result<ir::SumCents, Error> {
    if !matches!(tool.pagination, Some(spec::Pagination::PageToken { window: None, .. })) {
        return cx.fail(
            at,
            "`summary` applies to a whole page_token report (no window)",
            "remove `summary` or `window`",
        );
    }
    let bad = || {
        cx.error(
            at,
            format!(
                "summary.sum_cents `{}` must name LIST.FIELD: a list field of `{output}` and a decimal field of its items",
                summary.sum_cents
            ),
            "write e.g. `results.amount`",
        )
    };
    let (list, amount) = summary.sum_cents.split_once('.').ok_or_else(bad)?;
    let list_field = output_type.fields.iter().find(|f| f.name == list).ok_or_else(bad)?;
    let TypeExpr::List(item) = &list_field.ty else { return Err(bad()) };
    let TypeExpr::Named(item) = item.as_ref() else { return Err(bad()) };
    let item_type = model.type_def(item).ok_or_else(bad)?;
    let amount_field = item_type.fields.iter().find(|f| f.name == amount).ok_or_else(bad)?;
    if amount_field.ty != TypeExpr::Decimal
        || amount_field.nullable
        || amount_field.optional
        || list_field.nullable
        || list_field.optional
    {
        return Err(bad());
    }
    Ok(ir::SumCents { list_field: list.to_string(), amount_field: amount.to_string() })
}

/// A tool whose path names an object (a `{…_id}` placeholder) says what a 404 means.
fn require_not_found(cx: &Ctx, at: &str, placeholders: &[&str]) -> Result<(), Error> {
    let objects: Vec<&str> = placeholders.iter().copied().filter(|p| p.ends_with("_id")).collect();
    let Some((object, containers)) = objects.split_last() else { return Ok(()) };
    let mut message = format!("no {} `{{{object}}}`", object_noun(object));
    for container in containers.iter().rev() {
        message.push_str(&format!(" in {} `{{{container}}}`", object_noun(container)));
    }
    cx.fail(
        at,
        format!("the path names an object (`{{{object}}}`), so a 404 needs words: the `http` block has no `not_found`"),
        format!("add `not_found: \"{message}\"` to the `http` block"),
    )
}

/// `api_key_id` → `API key`: the object a path placeholder names.
fn object_noun(placeholder: &str) -> String {
    let words = placeholder.strip_suffix("_id").unwrap_or(placeholder).replace('_', " ");
    match words.strip_prefix("api ") {
        Some(rest) => format!("API {rest}"),
        None => words,
    }
}

/// `http.not_found`: text whose `{placeholders}` each name a required id, string or
/// email argument of the tool, whose value it shows. A tool without one (its filters are
/// optional) writes the message without placeholders.
fn not_found_message(
    cx: &Ctx,
    at: &str,
    model: &ir::Model,
    output: &str,
    text: &str,
    args: &[Arg],
) -> Result<Vec<PathPiece>, Error> {
    let Some(pieces) = parse_path(text).filter(|_| !text.trim().is_empty()) else {
        return cx.fail(
            at,
            format!("not_found `{text}` is empty or has an unbalanced or empty {{placeholder}}"),
            "write what is missing, with placeholders as {argument}, e.g. \"no user `{user_id}`\"",
        );
    };
    let is_text = |a: &&Arg| matches!(a.kind, ArgKind::Id | ArgKind::String { .. } | ArgKind::Email) && a.required;
    let required_text: Vec<String> = args.iter().filter(is_text).map(|a| format!("`{{{}}}`", a.name)).collect();
    for piece in &pieces {
        let PathPiece::Placeholder(name) = piece else { continue };
        if !args.iter().filter(is_text).any(|a| a.name == *name) {
            let fix = if required_text.is_empty() {
                let noun = model.type_def(output).map_or("object".to_string(), |t| t.presentation.noun.clone());
                format!(
                    "the tool has no required text argument whose value a 404 could show: write the message without placeholders, `not_found: \"no matching {noun}\"`"
                )
            } else {
                format!("name one of the tool's required text arguments: {}", required_text.join(", "))
            };
            return cx.fail(
                at,
                format!(
                    "not_found placeholder `{{{name}}}` is not a required id, string or email argument of the tool"
                ),
                fix,
            );
        }
    }
    Ok(pieces)
}

fn parse_path(path: &str) -> Option<Vec<PathPiece>> {
    let mut pieces = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(PathPiece::Literal(rest[..open].to_string()));
        }
        let close = rest[open..].find('}')? + open;
        let name = &rest[open + 1..close];
        if !names::is_identifier(name) {
            return None;
        }
        pieces.push(PathPiece::Placeholder(name.to_string()));
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return None;
    }
    if !rest.is_empty() {
        pieces.push(PathPiece::Literal(rest.to_string()));
    }
    Some(pieces)
}
