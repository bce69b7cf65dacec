//! Checks every rule of the spec format and builds the `ir::Model`.
//!
//! Each failure names the file, the tool (or type) and the rule, and says what to do.

use std::collections::BTreeSet;

use crate::error::Error;
use crate::ir::{
    self, Action, Arg, ArgKind, Check, DefaultValue, EnumArg, ListArg, MapArg, Method, PathPiece, TypeExpr, Upstream,
};
use crate::names;
use crate::spec::{self, SpecFile};

/// The format version this generator reads.
pub const FORMAT: u32 = 1;
/// The argument types, as a fix message lists them.
const ARG_TYPES: &str = "string, integer, boolean, date, email, id, enum, array, map or fields";
/// The most items an array of free-form strings takes unless `max_items` says otherwise.
const DEFAULT_MAX_ITEMS: u32 = 100;

struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn fail<T>(&self, at: impl Into<String>, rule: impl Into<String>, fix: impl Into<String>) -> Result<T, Error> {
        Err(Error::Rule { file: self.file.to_string(), at: at.into(), rule: rule.into(), fix: fix.into() })
    }
}

pub fn validate(file: &str, spec: SpecFile) -> Result<ir::Model, Error> {
    let cx = Ctx { file };
    if spec.format != FORMAT {
        return cx.fail(
            "format",
            format!("format {} is not supported (this generator reads format {FORMAT})", spec.format),
            format!("set `format: {FORMAT}`"),
        );
    }
    let groups: Vec<ir::Group> =
        spec.groups.0.iter().map(|(id, title)| ir::Group { id: id.clone(), title: title.clone() }).collect();
    let types = validate_types(&cx, &spec.types)?;
    let mut model = ir::Model {
        server: ir::Server {
            name: spec.server.name.clone(),
            title: spec.server.title.clone(),
            instructions: spec.server.instructions.clone(),
        },
        groups,
        types,
        org_roles: spec.org_roles.clone(),
        prompts: Vec::new(),
        tools: Vec::new(),
    };
    let mut roles = BTreeSet::new();
    for role in &spec.org_roles {
        if !roles.insert(role.as_str()) {
            return cx.fail("org_roles", format!("role `{role}` is listed twice"), "list each role once");
        }
    }
    let mut seen = BTreeSet::new();
    for tool in &spec.tools {
        let at = format!("tool `{}`", tool.name);
        if !names::is_tool_name(&tool.name) {
            return cx.fail(
                at,
                "the tool name must match [A-Za-z0-9_-]{1,64} (MCP clients reject other names)",
                "rename the tool, e.g. `claude_code_list_things`",
            );
        }
        if !seen.insert(tool.name.clone()) {
            return cx.fail(at, "the tool name is used twice", "give each tool a unique name");
        }
        let validated = validate_tool(&cx, &spec, &model, tool)?;
        model.tools.push(validated);
    }
    model.prompts = validate_prompts(&cx, &spec, &model)?;
    let mut methods = BTreeSet::new();
    for tool in &model.tools {
        if !methods.insert(tool.rust_name.clone()) {
            return cx.fail(
                format!("tool `{}`", tool.name),
                format!("its Rust method name `{}` clashes with another tool's", tool.rust_name),
                "rename one of the tools",
            );
        }
    }
    Ok(model)
}

/// `{{name}}` placeholders of a template, in order.
fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else { break };
        names.push(rest[open + 2..open + close].trim());
        rest = &rest[open + close + 2..];
    }
    names
}

fn validate_prompts(cx: &Ctx, spec: &SpecFile, model: &ir::Model) -> Result<Vec<ir::Prompt>, Error> {
    let mut prompts = Vec::new();
    let mut seen = BTreeSet::new();
    for prompt in &spec.prompts {
        let at = format!("prompt `{}`", prompt.name);
        if !names::is_identifier(&prompt.name) || !seen.insert(prompt.name.as_str()) {
            return cx.fail(at, "a prompt name must be unique snake_case", "rename the prompt");
        }
        let declared: Vec<&str> = prompt.arguments.0.iter().map(|(n, _)| n.as_str()).collect();
        let used = placeholders(&prompt.template);
        if let Some(unknown) = used.iter().find(|u| !declared.contains(u)) {
            return cx.fail(
                at,
                format!("the template uses `{{{{{unknown}}}}}`, which is not an argument"),
                "declare it under `arguments` or fix the name",
            );
        }
        if let Some(unused) = declared.iter().find(|d| !used.contains(d)) {
            return cx.fail(at, format!("argument `{unused}` is not used by the template"), "use it or remove it");
        }
        for (name, arg) in &prompt.arguments.0 {
            if arg.required && arg.default.is_some() {
                return cx.fail(
                    format!("{at}, argument `{name}`"),
                    "a required argument cannot have a default",
                    "remove one",
                );
            }
        }
        // Every tool a prompt names must exist, so renaming a tool cannot leave a prompt behind.
        for word in prompt.template.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            let is_role = model.org_roles.iter().any(|r| r == word);
            if word.starts_with(names::TOOL_PREFIX) && !is_role && !model.tools.iter().any(|t| t.name == word) {
                return cx.fail(
                    at,
                    format!("the template names tool `{word}`, which the spec does not have"),
                    "fix the name",
                );
            }
        }
        prompts.push(ir::Prompt {
            name: prompt.name.clone(),
            title: prompt.title.clone(),
            description: prompt.description.trim().to_string(),
            arguments: prompt
                .arguments
                .0
                .iter()
                .map(|(name, a)| ir::PromptArg {
                    name: name.clone(),
                    description: a.description.clone(),
                    required: a.required,
                    default: a.default.clone(),
                })
                .collect(),
            template: prompt.template.trim_end().to_string(),
        });
    }
    Ok(prompts)
}

fn validate_types(cx: &Ctx, types: &spec::Ordered<spec::TypeDef>) -> Result<Vec<ir::TypeDef>, Error> {
    let declared: BTreeSet<&str> = types.0.iter().map(|(n, _)| n.as_str()).collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (name, def) in &types.0 {
        let at = format!("type `{name}`");
        if !names::is_type_name(name) {
            return cx.fail(
                at,
                "a type name must be UpperCamelCase letters and digits",
                "rename the type, e.g. `ApiKey`",
            );
        }
        if !seen.insert(name.as_str()) {
            return cx.fail(at, "the type is declared twice", "remove one declaration");
        }
        let mut fields = Vec::new();
        let mut field_names = BTreeSet::new();
        for (field_name, field) in &def.fields.0 {
            let at = format!("type `{name}`, field `{field_name}`");
            if !names::is_identifier(field_name) {
                return cx.fail(at, "a field name must be snake_case", "use the API's snake_case field name");
            }
            if field_name == "extra" {
                return cx.fail(at, "`extra` is reserved for fields the spec does not describe", "rename the field");
            }
            if !field_names.insert(field_name.as_str()) {
                return cx.fail(at, "the field is declared twice", "remove one declaration");
            }
            let (text, optional, description, known_values) = match field {
                spec::FieldDef::Short(text) => (text.as_str(), false, None, Vec::new()),
                spec::FieldDef::Long(d) => (d.ty.as_str(), d.optional, d.description.clone(), d.values.clone()),
            };
            let (ty, nullable) = parse_type_expr(text).ok_or_else(|| Error::Rule {
                file: cx.file.to_string(),
                at: at.clone(),
                rule: format!("`{text}` is not a type expression"),
                fix: "use string, integer, count, number, decimal, boolean, any, a type name, [T], {T}, with an optional trailing ?"
                    .to_string(),
            })?;
            if let Some(missing) = unknown_named(&ty, &declared) {
                return cx.fail(
                    at,
                    format!("type `{missing}` is not declared under `types:`"),
                    "declare it or fix the name",
                );
            }
            fields.push(ir::Field { name: field_name.clone(), ty, nullable, optional, description, known_values });
        }
        let example = match &def.example {
            None => None,
            Some(value) => {
                let json = yaml_to_json(cx, &at, value)?;
                let Some(object) = json.as_object() else {
                    return cx.fail(
                        at,
                        "the example must be a mapping of field names to values",
                        "write `example: {field: value}`",
                    );
                };
                if let Some(unknown) = object.keys().find(|k| !fields.iter().any(|f: &ir::Field| &f.name == *k)) {
                    return cx.fail(
                        at,
                        format!("the example has field `{unknown}`, which the type does not declare"),
                        "declare the field or remove it from the example",
                    );
                }
                if let Some(missing) = fields.iter().find(|f| !f.optional && !object.contains_key(&f.name)) {
                    return cx.fail(
                        at,
                        format!("the example lacks the required field `{}`", missing.name),
                        "add it to the example",
                    );
                }
                Some(json)
            }
        };
        out.push(ir::TypeDef {
            name: name.clone(),
            description: def.description.clone(),
            fields,
            example,
            presentation: ir::Presentation::default(),
        });
    }
    for def in &out {
        if let Some(path) = cycle_from(&out, &def.name, &mut vec![def.name.clone()]) {
            return cx.fail(
                format!("type `{}`", def.name),
                format!("types contain themselves ({}); output schemas are inlined", path.join(" -> ")),
                "break the cycle with `any`",
            );
        }
    }
    crate::presentation::attach(cx.file, &mut out, types)?;
    Ok(out)
}

fn cycle_from(types: &[ir::TypeDef], name: &str, path: &mut Vec<String>) -> Option<Vec<String>> {
    let def = types.iter().find(|t| t.name == name)?;
    for field in &def.fields {
        let mut named = Vec::new();
        collect_named(&field.ty, &mut named);
        for next in named {
            if path.first().is_some_and(|first| first == next) {
                let mut cycle = path.clone();
                cycle.push(next.to_string());
                return Some(cycle);
            }
            if path.iter().any(|p| p == next) {
                continue;
            }
            path.push(next.to_string());
            if let Some(cycle) = cycle_from(types, next, path) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
}

fn collect_named<'a>(ty: &'a TypeExpr, out: &mut Vec<&'a str>) {
    match ty {
        TypeExpr::Named(n) => out.push(n),
        TypeExpr::List(inner) | TypeExpr::Map(inner) => collect_named(inner, out),
        _ => {}
    }
}

fn unknown_named<'a>(ty: &'a TypeExpr, declared: &BTreeSet<&str>) -> Option<&'a str> {
    match ty {
        TypeExpr::Named(n) if !declared.contains(n.as_str()) => Some(n),
        TypeExpr::List(inner) | TypeExpr::Map(inner) => unknown_named(inner, declared),
        _ => None,
    }
}

/// `string`, `User?`, `[UsageRow]`, `{string}`.
fn parse_type_expr(text: &str) -> Option<(TypeExpr, bool)> {
    let text = text.trim();
    let (text, nullable) = match text.strip_suffix('?') {
        Some(inner) => (inner, true),
        None => (text, false),
    };
    Some((parse_inner(text)?, nullable))
}

fn parse_inner(text: &str) -> Option<TypeExpr> {
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return Some(TypeExpr::List(Box::new(parse_inner(inner.trim())?)));
    }
    if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        return Some(TypeExpr::Map(Box::new(parse_inner(inner.trim())?)));
    }
    Some(match text {
        "string" => TypeExpr::String,
        "integer" => TypeExpr::Integer,
        "count" => TypeExpr::Count,
        "decimal" => TypeExpr::Decimal,
        "number" => TypeExpr::Number,
        "boolean" => TypeExpr::Boolean,
        "any" => TypeExpr::Any,
        name if names::is_type_name(name) => TypeExpr::Named(name.to_string()),
        _ => return None,
    })
}

fn validate_tool(cx: &Ctx, spec: &SpecFile, model: &ir::Model, tool: &spec::ToolDef) -> Result<ir::Tool, Error> {
    let at = format!("tool `{}`", tool.name);
    if !model.groups.iter().any(|g| g.id == tool.group) {
        let known: Vec<&str> = model.groups.iter().map(|g| g.id.as_str()).collect();
        return cx.fail(
            &at,
            format!("group `{}` is not declared under `groups:`", tool.group),
            format!("use one of: {}", known.join(", ")),
        );
    }
    if tool.description.trim().is_empty() {
        return cx.fail(&at, "the description is empty", "say in one or two sentences what the tool does");
    }
    let a = &tool.annotations;
    if a.read_only && a.destructive {
        return cx.fail(&at, "a read_only tool cannot be destructive", "set destructive: false or read_only: false");
    }

    let mut args = Vec::new();
    let mut arg_names = BTreeSet::new();
    for (name, def) in &tool.arguments.0 {
        if !names::is_identifier(name) {
            return cx.fail(format!("{at}, argument `{name}`"), "an argument name must be snake_case", "rename it");
        }
        if !arg_names.insert(name.clone()) {
            return cx.fail(format!("{at}, argument `{name}`"), "the argument is declared twice", "remove one");
        }
        args.push(validate_arg(cx, &at, spec, name, def)?);
    }

    let mut checks = Vec::new();
    for check in &tool.checks {
        checks.push(validate_check(cx, &at, &args, check)?);
    }

    let action = match (&tool.http, &tool.handler) {
        (Some(_), Some(_)) => {
            return cx.fail(&at, "a tool has either `http` or `handler`, not both", "remove one of them");
        }
        (None, None) => {
            return cx.fail(
                &at,
                "a tool needs `http` (a request) or `handler` (a Rust function)",
                "add `http: {method, path}`",
            );
        }
        (None, Some(handler)) => {
            if tool.pagination.is_some()
                || tool.summary.is_some()
                || tool.output.is_some()
                || !tool.fixed_query.0.is_empty()
            {
                return cx.fail(
                    &at,
                    "`pagination`, `summary`, `output` and `fixed_query` describe requests; a handler tool has none",
                    "remove them; the handler's `output` names its Rust output type",
                );
            }
            if let Some(arg) = args.iter().find(|a| a.upstream.is_some()) {
                return cx.fail(
                    format!("{at}, argument `{}`", arg.name),
                    "a handler tool sends nothing by itself, so its arguments have no `upstream`",
                    "remove `upstream`",
                );
            }
            for (key, path) in
                [("function", &handler.function), ("output", &handler.output), ("presentation", &handler.presentation)]
            {
                if !is_rust_path(path) {
                    return cx.fail(
                        format!("{at}, handler.{key}"),
                        format!("`{path}` is not a Rust path"),
                        "write a path such as `crate::metrics::get_normalized_metrics`",
                    );
                }
            }
            Action::Handler {
                function: handler.function.clone(),
                output: handler.output.clone(),
                presentation: handler.presentation.clone(),
            }
        }
        (Some(http), None) => Action::Http(validate_http(cx, &at, model, tool, http, &args)?),
    };

    if let Action::Http(call) = &action {
        if a.read_only && call.method != Method::Get {
            return cx.fail(&at, "a read_only tool must use GET", "set read_only: false, or use GET");
        }
        if !a.read_only && call.method == Method::Get {
            return cx.fail(&at, "a GET tool only reads: mark it read_only: true", "set read_only: true");
        }
    }

    let mut args = args;
    for arg in args.iter_mut().filter(|a| matches!(a.kind, ArgKind::Date)) {
        let is = |role: &str| {
            checks.iter().any(|c| match c {
                Check::DateRange { start, end, .. } => (if role == "start" { start } else { end }) == &arg.name,
                Check::AtLeastOne(_) => false,
            }) || matches!(&tool.pagination, Some(spec::Pagination::PerDay { start, end, .. })
                if (if role == "start" { start } else { end }) == &arg.name)
        };
        let (bound, month_day) = if is("start") {
            (ir::DateBound::Start, "its first day")
        } else if is("end") {
            (ir::DateBound::End, "its last day")
        } else {
            (ir::DateBound::Day, "")
        };
        arg.date_bound = bound;
        arg.description = if bound == ir::DateBound::Day {
            format!("{} Also today, yesterday or N-days-ago (UTC).", arg.description)
        } else {
            format!(
                "{} Also today, yesterday, N-days-ago, or a month: YYYY-MM, this-month, last-month ({month_day}), in UTC.",
                arg.description
            )
        };
    }
    if let Some(index) = args.iter().position(|a| a.selects_fields) {
        let Action::Http(call) = &action else {
            return cx.fail(&at, "a `fields` argument selects fields of an HTTP tool's output", "remove it");
        };
        let Some(item) = model.type_def(&call.output) else {
            return cx.fail(&at, "the output type is not declared", "declare it");
        };
        let values: Vec<String> = item.fields.iter().map(|f| f.name.clone()).collect();
        let arg = &mut args[index];
        if let Some(unknown) = arg.example.iter().flat_map(|e| e.as_array().into_iter().flatten()).find_map(|v| {
            let name = v.as_str().unwrap_or_default();
            (!values.iter().any(|f| f == name)).then(|| name.to_string())
        }) {
            return cx.fail(
                format!("{at}, argument `{}`", arg.name),
                format!("example field `{unknown}` is not a field of `{}`", call.output),
                format!("use fields of `{}`: {}", call.output, values.join(", ")),
            );
        }
        arg.kind = ArgKind::List(ListArg {
            item: Box::new(ArgKind::Enum(EnumArg { values: values.clone(), aliases: Vec::new(), refused: Vec::new() })),
            min_items: 1,
            max_items: values.len() as u32,
            alternative: None,
        });
        if args.iter().filter(|a| a.selects_fields).count() > 1 {
            return cx.fail(&at, "a tool has at most one `fields` argument", "remove the others");
        }
    }
    let (workspace_guard, org_role_guard) = match &tool.guards {
        None => (None, None),
        Some(guards) => validate_guards(cx, &at, spec, tool, &args, guards)?,
    };

    Ok(ir::Tool {
        name: tool.name.clone(),
        rust_name: names::rust_method_name(&tool.name),
        title: tool.title.clone(),
        group: tool.group.clone(),
        description: tool.description.trim().to_string(),
        annotations: ir::Annotations {
            read_only: a.read_only,
            destructive: a.destructive,
            idempotent: a.idempotent,
            open_world: a.open_world,
        },
        args,
        checks,
        action,
        workspace_guard,
        org_role_guard,
    })
}

fn validate_guards(
    cx: &Ctx,
    at: &str,
    spec: &SpecFile,
    tool: &spec::ToolDef,
    args: &[Arg],
    guards: &spec::Guards,
) -> Result<(Option<String>, Option<String>), Error> {
    if tool.annotations.read_only {
        return cx.fail(at, "`guards` restrict writes; a read_only tool has none", "remove `guards`");
    }
    if let Some(name) = &guards.workspace
        && !args.iter().any(|a| &a.name == name && a.required && matches!(a.kind, ArgKind::Id))
    {
        return cx.fail(
            at,
            format!("guards.workspace names `{name}`, which is not a required id argument"),
            "name the argument that carries the workspace ID",
        );
    }
    if let Some(name) = &guards.org_role {
        let Some(ArgKind::Enum(e)) = args.iter().find(|a| &a.name == name).map(|a| &a.kind) else {
            return cx.fail(
                at,
                format!("guards.org_role names `{name}`, which is not an enum argument"),
                "name the argument that carries the organization role",
            );
        };
        if let Some(unranked) = e.values.iter().find(|v| !spec.org_roles.contains(v)) {
            return cx.fail(
                at,
                format!("role `{unranked}` of `{name}` is not in the top-level `org_roles` list"),
                "add it to `org_roles`, in order of privilege",
            );
        }
    }
    Ok((guards.workspace.clone(), guards.org_role.clone()))
}

fn is_rust_path(path: &str) -> bool {
    !path.is_empty()
        && path.split("::").all(|seg| {
            let mut chars = seg.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn validate_arg(cx: &Ctx, tool_at: &str, spec: &SpecFile, name: &str, def: &spec::ArgumentDef) -> Result<Arg, Error> {
    let at = format!("{tool_at}, argument `{name}`");
    let merged;
    let def = match &def.use_shared {
        None => def,
        Some(shared_name) => {
            let Some((_, shared)) = spec.arguments.0.iter().find(|(n, _)| n == shared_name) else {
                let known: Vec<&str> = spec.arguments.0.iter().map(|(n, _)| n.as_str()).collect();
                return cx.fail(
                    at,
                    format!("`use: {shared_name}` names no shared argument"),
                    format!("use one of: {}", known.join(", ")),
                );
            };
            merged = merge(shared, def);
            &merged
        }
    };
    let Some(ty) = def.ty.as_deref() else {
        return cx.fail(at, "the argument has no `type`", format!("add `type:` ({ARG_TYPES})"));
    };
    let kind = match ty {
        "array" => {
            let Some(item) = def.items.as_deref() else {
                return cx.fail(
                    at,
                    "an array argument needs `items`, the type of one item",
                    "add e.g. `items: {type: enum, values: [a, b]}`",
                );
            };
            let item_at = format!("{at}, items");
            let item_ty = item.ty.as_deref().unwrap_or("");
            if !["string", "email", "id", "enum"].contains(&item_ty) {
                return cx.fail(
                    item_at,
                    format!("array items cannot be of type `{item_ty}`"),
                    "use items of type string, email, id or enum",
                );
            }
            for (key, set) in [
                ("required", item.required.is_some()),
                ("description", item.description.is_some()),
                ("default", item.default.is_some()),
                ("upstream", item.upstream.is_some()),
                ("example", item.example.is_some()),
                ("items", item.items.is_some()),
            ] {
                if set {
                    return cx.fail(
                        item_at,
                        format!("`{key}` belongs to the array argument, not to its items"),
                        format!("move `{key}` up one level"),
                    );
                }
            }
            let item_kind = scalar_kind(cx, &item_at, item_ty, item)?;
            for (key, set, applies) in [
                ("minimum", item.minimum.is_some(), false),
                ("maximum", item.maximum.is_some(), false),
                ("pattern", item.pattern.is_some(), false),
                ("min_length", item.min_length.is_some(), item_ty == "string"),
                ("max_length", item.max_length.is_some(), item_ty == "string"),
                ("values", item.values.is_some(), item_ty == "enum"),
                ("aliases", item.aliases.is_some(), item_ty == "enum"),
                ("refuse", item.refuse.is_some(), item_ty == "enum"),
                ("min_items", item.min_items.is_some(), false),
                ("max_items", item.max_items.is_some(), false),
                ("alternative", item.alternative.is_some(), false),
                ("key_max_length", item.key_max_length.is_some(), false),
                ("reserved_key_prefix", item.reserved_key_prefix.is_some(), false),
            ] {
                if set && !applies {
                    return cx.fail(
                        item_at,
                        format!("`{key}` does not apply to `{item_ty}` items"),
                        format!("remove `{key}`"),
                    );
                }
            }
            let enum_values = match &item_kind {
                ArgKind::Enum(e) => Some(e.values.len() as u32),
                _ => None,
            };
            let min_items = def.min_items.unwrap_or(1);
            let max_items = def.max_items.or(enum_values).unwrap_or(DEFAULT_MAX_ITEMS);
            if min_items == 0 {
                return cx.fail(
                    at,
                    "min_items must be at least 1 (an empty list is the same as leaving the argument out)",
                    "remove `min_items` or set it to 1 or more",
                );
            }
            if min_items > max_items {
                return cx.fail(
                    at,
                    format!("min_items {min_items} is above max_items {max_items}"),
                    "swap or fix the bounds",
                );
            }
            if let Some(n) = enum_values
                && max_items > n
            {
                return cx.fail(
                    at,
                    format!("max_items {max_items} is above the {n} distinct values the items can take"),
                    format!("set max_items to {n} or less, or remove it"),
                );
            }
            if let Some(word) = &def.alternative {
                let clashes = match &item_kind {
                    ArgKind::Enum(e) => e.values.contains(word) || e.aliases.iter().any(|(a, _)| a == word),
                    _ => true,
                };
                if clashes {
                    return cx.fail(
                        at,
                        format!("alternative `{word}` must be distinguishable from an item"),
                        "use `alternative` only with enum items, and pick a word that is not one of their values",
                    );
                }
                if variant_name_is_list(word) {
                    return cx.fail(
                        at,
                        format!("alternative `{word}` would clash with the generated `List` variant"),
                        "pick another word",
                    );
                }
                if !is_enum_value(word) {
                    return cx.fail(
                        at,
                        format!("alternative `{word}` must be letters, digits, `_` or `-`"),
                        "rename it",
                    );
                }
            }
            ArgKind::List(ListArg {
                item: Box::new(item_kind),
                min_items,
                max_items,
                alternative: def.alternative.clone(),
            })
        }
        "map" => {
            let Some(value_max_length) = def.max_length else {
                return cx.fail(
                    at,
                    "a map argument needs `max_length`, the longest value",
                    "add e.g. `max_length: 256`",
                );
            };
            let Some(key_max_length) = def.key_max_length else {
                return cx.fail(
                    at,
                    "a map argument needs `key_max_length`, the longest key",
                    "add e.g. `key_max_length: 64`",
                );
            };
            let Some(max_entries) = def.max_items else {
                return cx.fail(at, "a map argument needs `max_items`, the most entries", "add e.g. `max_items: 50`");
            };
            if def.reserved_key_prefix.as_deref() == Some("") {
                return cx.fail(at, "reserved_key_prefix is empty", "remove it or write the prefix");
            }
            ArgKind::Map(MapArg {
                max_entries,
                key_max_length,
                value_max_length,
                reserved_key_prefix: def.reserved_key_prefix.clone(),
            })
        }
        "fields" => {
            if def.upstream.is_some() {
                return cx.fail(
                    at,
                    "a `fields` argument is not sent upstream: it selects what the text result shows",
                    "remove `upstream`",
                );
            }
            // The values are the output item's fields, filled in once the output is known.
            let names = EnumArg { values: Vec::new(), aliases: Vec::new(), refused: Vec::new() };
            ArgKind::List(ListArg {
                item: Box::new(ArgKind::Enum(names)),
                min_items: 1,
                max_items: 1,
                alternative: None,
            })
        }
        other => scalar_kind(cx, &at, other, def)?,
    };
    let misplaced = |key: &str, ok: bool| -> Result<(), Error> {
        if ok {
            Ok(())
        } else {
            cx.fail(at.clone(), format!("`{key}` does not apply to a `{ty}` argument"), format!("remove `{key}`"))
        }
    };
    let (is_array, is_map) = (ty == "array", ty == "map");
    misplaced("minimum", def.minimum.is_none() || ty == "integer")?;
    misplaced("maximum", def.maximum.is_none() || ty == "integer")?;
    misplaced("min_length", def.min_length.is_none() || ty == "string")?;
    misplaced("max_length", def.max_length.is_none() || ty == "string" || is_map)?;
    misplaced("pattern", def.pattern.is_none() || ty == "string")?;
    misplaced("values", def.values.is_none() || ty == "enum")?;
    misplaced("aliases", def.aliases.is_none() || ty == "enum")?;
    misplaced("refuse", def.refuse.is_none() || ty == "enum")?;
    misplaced("items", def.items.is_none() || is_array)?;
    misplaced("min_items", def.min_items.is_none() || is_array)?;
    misplaced("max_items", def.max_items.is_none() || is_array || is_map)?;
    misplaced("alternative", def.alternative.is_none() || is_array)?;
    misplaced("key_max_length", def.key_max_length.is_none() || is_map)?;
    misplaced("reserved_key_prefix", def.reserved_key_prefix.is_none() || is_map)?;
    if let (Some(min), Some(max)) = (def.minimum, def.maximum)
        && min > max
    {
        return cx.fail(at, format!("minimum {min} is above maximum {max}"), "swap or fix the bounds");
    }
    if let (Some(min), Some(max)) = (def.min_length, def.max_length)
        && min > max
    {
        return cx.fail(at, format!("min_length {min} is above max_length {max}"), "swap or fix the bounds");
    }
    if def.pattern.is_some() {
        return cx.fail(
            at,
            "`pattern` is not supported by format 1",
            "use `type: id`, `date` or `email`, or bound the length",
        );
    }
    let required = def.required.unwrap_or(false);
    let default = match &def.default {
        None => None,
        Some(value) => Some(validate_default(cx, &at, &kind, value)?),
    };
    if required && default.is_some() {
        return cx.fail(at, "a required argument cannot have a default", "remove `default` or `required`");
    }
    let Some(description) = def.description.clone().filter(|d| !d.trim().is_empty()) else {
        return cx.fail(at, "the argument has no description", "add a short `description` (a model reads it)");
    };
    let upstream = match &def.upstream {
        None => None,
        Some(up) => Some(validate_upstream(cx, &at, &kind, up)?),
    };
    let example = match &def.example {
        None => None,
        Some(value) => Some(validate_example(cx, &at, &kind, value)?),
    };
    let selects_fields = ty == "fields";
    if selects_fields && (required || default.is_some()) {
        return cx.fail(at, "a `fields` argument is optional and has no default", "remove `required`/`default`");
    }
    Ok(Arg {
        name: name.to_string(),
        kind,
        required,
        default,
        description,
        upstream,
        example,
        selects_fields,
        date_bound: ir::DateBound::Day,
    })
}

/// The argument types that hold one value (also the item types of arrays).
fn scalar_kind(cx: &Ctx, at: &str, ty: &str, def: &spec::ArgumentDef) -> Result<ArgKind, Error> {
    Ok(match ty {
        "string" => ArgKind::String { min_length: def.min_length, max_length: def.max_length },
        "integer" => ArgKind::Integer { minimum: def.minimum, maximum: def.maximum },
        "boolean" => ArgKind::Boolean,
        "date" => ArgKind::Date,
        "email" => ArgKind::Email,
        "id" => ArgKind::Id,
        "enum" => {
            let Some(values) = def.values.clone().filter(|v| !v.is_empty()) else {
                return cx.fail(at, "an enum argument needs a non-empty `values` list", "list the accepted values");
            };
            let mut all = BTreeSet::new();
            for v in &values {
                if !all.insert(v.clone()) {
                    return cx.fail(at, format!("value `{v}` is listed twice"), "remove the duplicate");
                }
                if !is_enum_value(v) {
                    return cx.fail(at, format!("value `{v}` must be letters, digits, `_` or `-`"), "rename the value");
                }
            }
            let aliases = def.aliases.as_ref().map(|a| a.0.clone()).unwrap_or_default();
            for (alias, target) in &aliases {
                if !values.contains(target) {
                    return cx.fail(
                        at,
                        format!("alias `{alias}` points to `{target}`, which is not a value"),
                        "point it to one of `values`",
                    );
                }
                if !all.insert(alias.clone()) {
                    return cx.fail(
                        at,
                        format!("alias `{alias}` is also a value or another alias"),
                        "remove the duplicate",
                    );
                }
            }
            let refused = def.refuse.as_ref().map(|r| r.0.clone()).unwrap_or_default();
            for (value, _) in &refused {
                if !all.insert(value.clone()) {
                    return cx.fail(
                        at,
                        format!("refused value `{value}` is also accepted"),
                        "remove it from `values`/`aliases` or from `refuse`",
                    );
                }
            }
            let mut variants = BTreeSet::new();
            for v in &values {
                if !variants.insert(names::variant_name(v)) {
                    return cx.fail(
                        at,
                        format!("value `{v}` gives the same Rust variant name as another value"),
                        "rename one of the values",
                    );
                }
            }
            ArgKind::Enum(EnumArg { values, aliases, refused })
        }
        other => {
            return cx.fail(at, format!("unknown argument type `{other}`"), format!("use {ARG_TYPES}"));
        }
    })
}

fn variant_name_is_list(word: &str) -> bool {
    names::variant_name(word) == "List"
}

fn is_enum_value(v: &str) -> bool {
    !names::upper_camel(v).is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A tool's argument overrides the keys it sets on the shared one it `use`s.
fn merge(shared: &spec::ArgumentDef, local: &spec::ArgumentDef) -> spec::ArgumentDef {
    spec::ArgumentDef {
        use_shared: None,
        ty: local.ty.clone().or_else(|| shared.ty.clone()),
        required: local.required.or(shared.required),
        description: local.description.clone().or_else(|| shared.description.clone()),
        default: local.default.clone().or_else(|| shared.default.clone()),
        minimum: local.minimum.or(shared.minimum),
        maximum: local.maximum.or(shared.maximum),
        min_length: local.min_length.or(shared.min_length),
        max_length: local.max_length.or(shared.max_length),
        pattern: local.pattern.clone().or_else(|| shared.pattern.clone()),
        values: local.values.clone().or_else(|| shared.values.clone()),
        aliases: local.aliases.as_ref().or(shared.aliases.as_ref()).map(|a| spec::Ordered(a.0.clone())),
        refuse: local.refuse.as_ref().or(shared.refuse.as_ref()).map(|a| spec::Ordered(a.0.clone())),
        items: None,
        min_items: local.min_items.or(shared.min_items),
        max_items: local.max_items.or(shared.max_items),
        alternative: local.alternative.clone().or_else(|| shared.alternative.clone()),
        key_max_length: local.key_max_length.or(shared.key_max_length),
        reserved_key_prefix: local.reserved_key_prefix.clone().or_else(|| shared.reserved_key_prefix.clone()),
        example: local.example.clone().or_else(|| shared.example.clone()),
        upstream: local.upstream.clone().or_else(|| shared.upstream.clone()),
    }
}

fn validate_default(cx: &Ctx, at: &str, kind: &ArgKind, value: &yaml_serde::Value) -> Result<DefaultValue, Error> {
    match kind {
        ArgKind::Integer { minimum, maximum } => {
            let Some(n) = value.as_i64() else {
                return cx.fail(at, "the default of an integer argument must be an integer", "write e.g. `default: 1`");
            };
            if minimum.is_some_and(|m| n < m) || maximum.is_some_and(|m| n > m) {
                return cx.fail(
                    at,
                    format!("default {n} is outside the bounds"),
                    "make the default satisfy minimum/maximum",
                );
            }
            Ok(DefaultValue::Integer(n))
        }
        ArgKind::Boolean => match value.as_bool() {
            Some(b) => Ok(DefaultValue::Boolean(b)),
            None => cx.fail(at, "the default of a boolean argument must be true or false", "write `default: false`"),
        },
        ArgKind::Enum(e) => match value.as_str() {
            Some(s) if e.values.iter().any(|v| v == s) => Ok(DefaultValue::String(s.to_string())),
            _ => cx.fail(
                at,
                format!("default {} is not one of the enum values", yaml_text(value)),
                format!("use one of: {}", e.values.join(", ")),
            ),
        },
        ArgKind::String { min_length, max_length, .. } => match value.as_str() {
            Some(s) => {
                let len = s.chars().count() as u32;
                if min_length.is_some_and(|m| len < m) || max_length.is_some_and(|m| len > m) {
                    return cx.fail(at, "the default string breaks min_length/max_length", "fix the default");
                }
                Ok(DefaultValue::String(s.to_string()))
            }
            None => cx.fail(at, "the default of a string argument must be a string", "quote it"),
        },
        ArgKind::Date | ArgKind::Email | ArgKind::Id => {
            cx.fail(at, "date, email and id arguments cannot have a default", "remove `default`")
        }
        ArgKind::List(_) | ArgKind::Map(_) => cx.fail(
            at,
            "array and map arguments cannot have a default",
            "remove `default`; leaving it out sends nothing",
        ),
    }
}

/// An argument's example is a JSON value of the argument's shape.
fn validate_example(cx: &Ctx, at: &str, kind: &ArgKind, value: &yaml_serde::Value) -> Result<serde_json::Value, Error> {
    let json = yaml_to_json(cx, at, value)?;
    let fits = match kind {
        ArgKind::Integer { .. } => json.is_i64(),
        ArgKind::Boolean => json.is_boolean(),
        ArgKind::List(list) => {
            json.as_array().is_some_and(|items| items.iter().all(serde_json::Value::is_string))
                || list.alternative.as_deref().is_some_and(|word| json.as_str() == Some(word))
        }
        ArgKind::Map(_) => json.as_object().is_some_and(|entries| entries.values().all(serde_json::Value::is_string)),
        ArgKind::Enum(e) => json.as_str().is_some_and(|v| e.values.iter().any(|x| x == v)),
        ArgKind::String { .. } | ArgKind::Date | ArgKind::Email | ArgKind::Id => json.is_string(),
    };
    if !fits {
        return cx.fail(
            at,
            format!("example {} does not fit the argument's type", yaml_text(value)),
            "give an example value the tool would accept",
        );
    }
    Ok(json)
}

fn yaml_to_json(cx: &Ctx, at: &str, value: &yaml_serde::Value) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value)
        .or_else(|e| cx.fail(at, format!("the example is not plain data: {e}"), "write it as JSON-like YAML"))
}

fn yaml_text(value: &yaml_serde::Value) -> String {
    yaml_serde::to_string(value).map(|s| s.trim().to_string()).unwrap_or_else(|_| "?".to_string())
}

fn validate_upstream(cx: &Ctx, at: &str, kind: &ArgKind, up: &spec::Upstream) -> Result<Upstream, Error> {
    let places = [up.query.is_some(), up.path.is_some(), up.body.is_some()];
    if places.iter().filter(|p| **p).count() != 1 {
        return cx.fail(at, "`upstream` needs exactly one of `query`, `path` or `body`", "keep one of them");
    }
    let transform = match up.transform.as_deref() {
        None => None,
        Some("start_of_day") => Some(ir::Transform::StartOfDay),
        Some("start_of_next_day") => Some(ir::Transform::StartOfNextDay),
        Some(other) => {
            return cx.fail(
                at,
                format!("unknown transform `{other}`"),
                format!("use one of: {}", ir::Transform::NAMES.join(", ")),
            );
        }
    };
    if transform.is_some() && (!matches!(kind, ArgKind::Date) || up.query.is_none()) {
        return cx.fail(at, "transforms apply to date arguments sent in the query", "remove `transform`");
    }
    if let ArgKind::Map(_) = kind
        && up.body.is_none()
    {
        return cx.fail(at, "a map argument can only be sent in the body", "use `upstream: {body: NAME}`");
    }
    if let ArgKind::List(list) = kind {
        if up.path.is_some() {
            return cx.fail(at, "an array argument cannot go into the path", "send it in the query or the body");
        }
        if list.alternative.is_some() && up.body.is_none() {
            return cx.fail(
                at,
                "an array with an `alternative` can only be sent in the body (the query has no way to say it)",
                "use `upstream: {body: NAME}`",
            );
        }
    }
    if let Some(name) = &up.query {
        if name.is_empty() {
            return cx.fail(at, "the upstream query name is empty", "write the API's parameter name");
        }
        return Ok(Upstream::Query { name: name.clone(), transform });
    }
    if let Some(name) = &up.path {
        if !matches!(kind, ArgKind::Id) {
            return cx.fail(
                at,
                "only `id` arguments can go into the path (they cannot escape their segment)",
                "use `type: id`",
            );
        }
        return Ok(Upstream::Path { name: name.clone() });
    }
    let body = up.body.clone().unwrap_or_default();
    let path: Vec<String> = body.split('.').map(str::to_string).collect();
    if path.iter().any(|p| !names::is_identifier(p)) {
        return cx.fail(
            at,
            format!("body path `{body}` must be dot-separated snake_case names"),
            "write e.g. `tags.description`",
        );
    }
    Ok(Upstream::Body { path })
}

fn validate_check(cx: &Ctx, at: &str, args: &[Arg], check: &spec::Check) -> Result<Check, Error> {
    let arg = |name: &str| args.iter().find(|a| a.name == name);
    match (&check.date_range, &check.at_least_one) {
        (Some(range), None) => {
            for name in [&range.start, &range.end] {
                match arg(name) {
                    Some(a) if matches!(a.kind, ArgKind::Date) => {}
                    _ => {
                        return cx.fail(
                            at,
                            format!("check date_range names `{name}`, which is not a date argument"),
                            "name date arguments",
                        );
                    }
                }
            }
            Ok(Check::DateRange { start: range.start.clone(), end: range.end.clone(), max_days: range.max_days })
        }
        (None, Some(names)) => {
            if names.len() < 2 {
                return cx.fail(at, "check at_least_one needs two or more arguments", "list the alternatives");
            }
            for name in names {
                match arg(name) {
                    Some(a) if !a.required && a.default.is_none() => {}
                    _ => {
                        return cx.fail(
                            at,
                            format!(
                                "check at_least_one names `{name}`, which is not an optional argument without default"
                            ),
                            "name optional arguments",
                        );
                    }
                }
            }
            Ok(Check::AtLeastOne(names.clone()))
        }
        _ => cx.fail(at, "a check needs exactly one of `date_range` or `at_least_one`", "split it into two checks"),
    }
}

fn validate_http(
    cx: &Ctx,
    at: &str,
    model: &ir::Model,
    tool: &spec::ToolDef,
    http: &spec::Http,
    args: &[Arg],
) -> Result<ir::HttpCall, Error> {
    let method = match http.method.as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "DELETE" => Method::Delete,
        other => {
            return cx.fail(at, format!("method `{other}` is not one the Admin API uses"), "use GET, POST or DELETE");
        }
    };
    if !http.path.starts_with("/v1/") {
        return cx.fail(at, format!("path `{}` must start with /v1/", http.path), "write the full API path");
    }
    let path = parse_path(&http.path).ok_or_else(|| Error::Rule {
        file: cx.file.to_string(),
        at: at.to_string(),
        rule: format!("path `{}` has an unbalanced or empty {{placeholder}}", http.path),
        fix: "write placeholders as {name}".to_string(),
    })?;
    let placeholders: Vec<&str> = path
        .iter()
        .filter_map(|p| match p {
            PathPiece::Placeholder(n) => Some(n.as_str()),
            PathPiece::Literal(_) => None,
        })
        .collect();
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

    let mut consumed: BTreeSet<String> = BTreeSet::new();
    let local_integer = |name: &str, role: &str| -> Result<(), Error> {
        match args.iter().find(|a| a.name == name) {
            Some(a) if matches!(a.kind, ArgKind::Integer { .. }) && a.upstream.is_none() && a.default.is_some() => {
                Ok(())
            }
            _ => cx.fail(
                at,
                format!("pagination `{role}` names `{name}`, which is not a local integer argument with a default"),
                "declare it like the shared `page`/`per_page`",
            ),
        }
    };
    let pagination = match &tool.pagination {
        None => ir::Pagination::None,
        Some(spec::Pagination::IdCursor { page, per_page }) => {
            if method != Method::Get {
                return cx.fail(at, "pagination applies to GET requests", "remove `pagination`");
            }
            local_integer(page, "page")?;
            local_integer(per_page, "per_page")?;
            consumed.extend([page.clone(), per_page.clone()]);
            ir::Pagination::IdCursor { page: page.clone(), per_page: per_page.clone() }
        }
        Some(spec::Pagination::PageToken { window }) => {
            if method != Method::Get {
                return cx.fail(at, "pagination applies to GET requests", "remove `pagination`");
            }
            let window = match window {
                None => None,
                Some(w) => {
                    local_integer(&w.page, "window.page")?;
                    local_integer(&w.per_page, "window.per_page")?;
                    consumed.extend([w.page.clone(), w.per_page.clone()]);
                    Some((w.page.clone(), w.per_page.clone()))
                }
            };
            ir::Pagination::PageToken { window }
        }
        Some(spec::Pagination::PerDay { start, end, query, limit }) => {
            if method != Method::Get {
                return cx.fail(at, "pagination applies to GET requests", "remove `pagination`");
            }
            for name in [start, end] {
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
            if !(1..=1000).contains(limit) {
                return cx.fail(
                    at,
                    format!("per_day limit {limit} is outside 1..=1000"),
                    "use the API's maximum, 1000",
                );
            }
            if !upstream_names.insert(format!("query `{query}`")) {
                return cx.fail(at, format!("per_day query `{query}` is also sent by an argument"), "keep one");
            }
            consumed.extend([start.clone(), end.clone()]);
            ir::Pagination::PerDay { start: start.clone(), end: end.clone(), query: query.clone(), limit: *limit }
        }
    };
    for a in args {
        if a.upstream.is_none() && !a.selects_fields && !consumed.contains(&a.name) {
            return cx.fail(
                format!("{at}, argument `{}`", a.name),
                "the argument is sent nowhere: it has no `upstream` and no pagination uses it",
                "add `upstream: {query|path|body: NAME}`",
            );
        }
    }

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
        Some(summary) => {
            if !matches!(tool.pagination, Some(spec::Pagination::PageToken { window: None })) {
                return cx.fail(
                    at,
                    "`summary` applies to a whole page_token report (no window)",
                    "remove `summary` or `window`",
                );
            }
            let bad = || Error::Rule {
                file: cx.file.to_string(),
                at: at.to_string(),
                rule: format!(
                    "summary.sum_cents `{}` must name LIST.FIELD: a list field of `{output}` and a decimal field of its items",
                    summary.sum_cents
                ),
                fix: "write e.g. `results.amount`".to_string(),
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
            Some(ir::SumCents { list_field: list.to_string(), amount_field: amount.to_string() })
        }
    };
    let not_found = match &http.not_found {
        None => None,
        Some(text) => Some(not_found_message(cx, at, text, args)?),
    };
    Ok(ir::HttpCall { method, path, not_found, fixed_query, pagination, summary, output })
}

/// `http.not_found`: text whose `{placeholders}` each name a required id, string or
/// email argument of the tool, whose value it shows.
fn not_found_message(cx: &Ctx, at: &str, text: &str, args: &[Arg]) -> Result<Vec<PathPiece>, Error> {
    let Some(pieces) = parse_path(text).filter(|_| !text.trim().is_empty()) else {
        return cx.fail(
            at,
            format!("not_found `{text}` is empty or has an unbalanced or empty {{placeholder}}"),
            "write what is missing, with placeholders as {argument}, e.g. \"no user `{user_id}`\"",
        );
    };
    for piece in &pieces {
        let PathPiece::Placeholder(name) = piece else { continue };
        let is_text = |a: &&Arg| matches!(a.kind, ArgKind::Id | ArgKind::String { .. } | ArgKind::Email);
        if !args.iter().filter(is_text).any(|a| a.name == *name && a.required) {
            return cx.fail(
                at,
                format!(
                    "not_found placeholder `{{{name}}}` is not a required id, string or email argument of the tool"
                ),
                "name one of the tool's required text arguments",
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
