//! `examples:` of a tool: example calls and the exact upstream requests each must send.
//! The arguments must fit the tool's arguments, and each request its method, path
//! template, query parameters, body and beta header; a generic integration test then
//! runs every example through MCP against the fake Admin API.

use super::{Ctx, arguments, yaml_text, yaml_to_json};
use crate::error::Error;
use crate::ir::{self, Action, Arg, HttpCall, Method, PathPiece};
use crate::spec;

/// The header that carries a tool's `http.beta`.
const BETA_HEADER: &str = "anthropic-beta";

pub(super) fn validate_examples(
    cx: &Ctx,
    at: &str,
    examples: &[spec::ExampleCall],
    args: &[Arg],
    action: &Action,
) -> Result<Vec<ir::ExampleCall>, Error> {
    if examples.is_empty() {
        return Ok(Vec::new());
    }
    let Action::Http(call) = action else {
        return cx.fail(
            at,
            "`examples` declare the requests of an `http` tool; a handler tool has none",
            "remove `examples`",
        );
    };
    examples
        .iter()
        .enumerate()
        .map(|(index, example)| {
            let at = format!("{at}, examples[{index}]");
            let arguments = example_arguments(cx, &at, example, args)?;
            if example.requests.is_empty() {
                return cx.fail(at, "an example lists the requests it sends", "add `requests: [{method, path}]`");
            }
            let requests = example
                .requests
                .iter()
                .enumerate()
                .map(|(i, request)| {
                    example_request(cx, &format!("{at}, requests[{i}]"), request, call, args, &arguments)
                })
                .collect::<Result<_, _>>()?;
            Ok(ir::ExampleCall { arguments, requests })
        })
        .collect()
}

/// The arguments: a mapping of the tool's arguments, each of its shape, the required ones given.
fn example_arguments(
    cx: &Ctx,
    at: &str,
    example: &spec::ExampleCall,
    args: &[Arg],
) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    let json = match &example.arguments {
        None => serde_json::Value::Object(Default::default()),
        Some(value) => yaml_to_json(cx, at, value)?,
    };
    let serde_json::Value::Object(arguments) = json else {
        return cx.fail(
            at,
            "`arguments` must be a mapping of argument names to values",
            "write `arguments: {name: value}`",
        );
    };
    for (name, value) in &arguments {
        let Some(arg) = args.iter().find(|a| &a.name == name) else {
            let known: Vec<&str> = args.iter().map(|a| a.name.as_str()).collect();
            return cx.fail(
                at,
                format!("`{name}` is not an argument of the tool"),
                format!("use its arguments: {}", known.join(", ")),
            );
        };
        if !arguments::fits(&arg.kind, value) {
            return cx.fail(
                at,
                format!("argument `{name}`: {value} does not fit the argument's type"),
                "give a value the tool would accept",
            );
        }
    }
    if let Some(missing) = args.iter().find(|a| a.required && !arguments.contains_key(&a.name)) {
        return cx.fail(at, format!("required argument `{}` is missing", missing.name), "give it a value");
    }
    Ok(arguments)
}

fn example_request(
    cx: &Ctx,
    at: &str,
    request: &spec::ExampleRequest,
    call: &HttpCall,
    args: &[Arg],
    arguments: &serde_json::Map<String, serde_json::Value>,
) -> Result<ir::ExampleRequest, Error> {
    if request.method != call.method.as_str() {
        return cx.fail(
            at,
            format!("method `{}` is not the tool's `{}`", request.method, call.method.as_str()),
            format!("write `method: {}`", call.method.as_str()),
        );
    }
    check_path(cx, at, &request.path, call, arguments)?;
    let allowed = call.query_names(args);
    let mut query = Vec::new();
    for pair in &request.query {
        let Some((name, value)) = pair.split_once('=') else {
            return cx.fail(at, format!("query `{pair}` is not `name=value`"), "write each pair as `name=value`");
        };
        if !allowed.iter().any(|a| a == name) {
            return cx.fail(
                at,
                format!("query `{name}` is not one the tool sends"),
                format!("use the tool's query parameters: {}", allowed.join(", ")),
            );
        }
        query.push((name.to_string(), value.to_string()));
    }
    let body = match &request.body {
        None => None,
        Some(_) if call.method != Method::Post => {
            return cx.fail(at, "only POST requests have a body", "remove `body`");
        }
        Some(value) => match yaml_to_json(cx, at, value)? {
            body @ serde_json::Value::Object(_) => Some(body),
            _ => {
                return cx.fail(
                    at,
                    format!("body {} is not a JSON object", yaml_text(value)),
                    "write `body: {field: value}`",
                );
            }
        },
    };
    let headers: Vec<(String, String)> = request.headers.0.clone();
    let beta = call.beta.join(",");
    let declared = headers.iter().find(|(name, _)| name == BETA_HEADER).map(|(_, value)| value.as_str());
    if let Some((name, _)) = headers.iter().find(|(name, _)| !is_header_name(name)) {
        return cx.fail(
            at,
            format!("header `{name}` is not a lowercase header name"),
            "write it in lowercase, e.g. `anthropic-beta`",
        );
    }
    if declared != (!beta.is_empty()).then_some(beta.as_str()) {
        let fix = if beta.is_empty() {
            format!("remove the `{BETA_HEADER}` header: the tool declares no `http.beta`")
        } else {
            format!("add `headers: {{{BETA_HEADER}: {beta}}}`: every request of the tool carries its `http.beta`")
        };
        return cx.fail(at, format!("the `{BETA_HEADER}` header differs from what the tool sends"), fix);
    }
    Ok(ir::ExampleRequest { method: call.method, path: request.path.clone(), query, body, headers })
}

/// The path fits the tool's template: its literal text, and a non-empty segment for
/// each placeholder (the argument's value when the example gives it).
fn check_path(
    cx: &Ctx,
    at: &str,
    path: &str,
    call: &HttpCall,
    arguments: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), Error> {
    let mut rest = path;
    let fits = call.path.iter().all(|piece| match piece {
        PathPiece::Literal(text) => match rest.strip_prefix(text.as_str()) {
            Some(after) => {
                rest = after;
                true
            }
            None => false,
        },
        PathPiece::Placeholder(name) => {
            let end = rest.find('/').unwrap_or(rest.len());
            let (segment, after) = rest.split_at(end);
            rest = after;
            !segment.is_empty() && arguments.get(name).and_then(|v| v.as_str()).is_none_or(|value| value == segment)
        }
    });
    if !fits || !rest.is_empty() {
        return cx.fail(
            at,
            format!(
                "path `{path}` does not fit the tool's path `{}` with the example's arguments",
                call.path_template()
            ),
            "write the path the tool sends, each {placeholder} replaced by its argument's value",
        );
    }
    Ok(())
}

fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
