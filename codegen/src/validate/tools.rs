//! `tools:`: one tool's header, its arguments as a whole, its action (a request or a
//! handler), its cross-argument checks and its guards.

use std::collections::BTreeSet;

use super::{Ctx, aggregation, arguments, examples, filters, http};
use crate::error::Error;
use crate::ir::{self, Action, Arg, ArgKind, Check, EnumArg, ListArg, Method};
use crate::names;
use crate::spec::{self, SpecFile};

pub(super) fn validate_tool(
    cx: &Ctx,
    spec: &SpecFile,
    model: &ir::Model,
    tool: &spec::ToolDef,
) -> Result<ir::Tool, Error> {
    let at = format!("tool `{}`", tool.name);
    check_header(cx, &at, model, tool)?;
    let mut args = validate_args(cx, &at, spec, tool)?;
    let mut checks = Vec::new();
    for check in &tool.checks {
        checks.push(validate_check(cx, &at, &args, check)?);
    }
    let action = validate_action(cx, &at, model, tool, &args)?;
    check_method(cx, &at, tool, &action)?;
    describe_dates(&mut args, &checks, tool);
    fill_fields_argument(cx, &at, model, &action, &mut args)?;
    let aggregation = aggregation::add_arguments(cx, &at, model, &action, &mut args)?;
    let guards = match &tool.guards {
        None => Guarded::default(),
        Some(guards) => validate_guards(cx, &at, spec, model, tool, &args, guards)?,
    };
    let organization_scope = check_write_scope(cx, &at, tool, &action, &guards)?;
    let examples = examples::validate_examples(cx, &at, &tool.examples, &args, &action)?;
    let filters = filters::validate_filters(cx, &at, model, tool, &args, &action)?;
    let a = &tool.annotations;
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
        workspace_guard: guards.workspace,
        org_role_guard: guards.org_role,
        organization_scope,
        aggregation,
        workspace_lookup: guards.lookup,
        check_with: None,
        examples,
        filters,
    })
}

/// The group exists, the description says something, the annotations agree.
fn check_header(cx: &Ctx, at: &str, model: &ir::Model, tool: &spec::ToolDef) -> Result<(), Error> {
    if !model.groups.iter().any(|g| g.id == tool.group) {
        let known: Vec<&str> = model.groups.iter().map(|g| g.id.as_str()).collect();
        return cx.fail(
            at,
            format!("group `{}` is not declared under `groups:`", tool.group),
            format!("use one of: {}", known.join(", ")),
        );
    }
    if tool.description.trim().is_empty() {
        return cx.fail(at, "the description is empty", "say in one or two sentences what the tool does");
    }
    let a = &tool.annotations;
    if a.read_only && a.destructive {
        return cx.fail(at, "a read_only tool cannot be destructive", "set destructive: false or read_only: false");
    }
    Ok(())
}

fn validate_args(cx: &Ctx, at: &str, spec: &SpecFile, tool: &spec::ToolDef) -> Result<Vec<Arg>, Error> {
    let mut args = Vec::new();
    let mut arg_names = BTreeSet::new();
    for (name, def) in &tool.arguments.0 {
        if !names::is_identifier(name) {
            return cx.fail(format!("{at}, argument `{name}`"), "an argument name must be snake_case", "rename it");
        }
        if !arg_names.insert(name.clone()) {
            return cx.fail(format!("{at}, argument `{name}`"), "the argument is declared twice", "remove one");
        }
        args.push(arguments::validate_arg(cx, at, spec, name, def)?);
    }
    Ok(args)
}

/// A tool has exactly one of `http` (a request) and `handler` (a Rust function).
fn validate_action(cx: &Ctx, at: &str, model: &ir::Model, tool: &spec::ToolDef, args: &[Arg]) -> Result<Action, Error> {
    match (&tool.http, &tool.handler) {
        (Some(_), Some(_)) => cx.fail(at, "a tool has either `http` or `handler`, not both", "remove one of them"),
        (None, None) => {
            cx.fail(at, "a tool needs `http` (a request) or `handler` (a Rust function)", "add `http: {method, path}`")
        }
        (None, Some(handler)) => validate_handler(cx, at, tool, handler, args),
        (Some(http), None) => Ok(Action::Http(http::validate_http(cx, at, model, tool, http, args)?)),
    }
}

fn validate_handler(cx: &Ctx, at: &str, tool: &spec::ToolDef, handler: &str, args: &[Arg]) -> Result<Action, Error> {
    if tool.pagination.is_some() || tool.summary.is_some() || tool.output.is_some() || !tool.fixed_query.0.is_empty() {
        return cx.fail(
            at,
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
    if !names::is_identifier(handler) {
        return cx.fail(
            format!("{at}, handler"),
            format!("`{handler}` is not a handler name"),
            "name it in snake_case, e.g. `handler: normalized_metrics`; build.rs maps the name to its Rust function, output type and presentation",
        );
    }
    // Its Rust paths are build.rs's ([`crate::Config::extern_handler`]), filled in by `generate`.
    Ok(Action::Handler {
        name: handler.to_string(),
        function: String::new(),
        output: String::new(),
        presentation: String::new(),
    })
}

/// `read_only` and the HTTP method say the same thing.
fn check_method(cx: &Ctx, at: &str, tool: &spec::ToolDef, action: &Action) -> Result<(), Error> {
    let Action::Http(call) = action else { return Ok(()) };
    let read_only = tool.annotations.read_only;
    if read_only && call.method != Method::Get {
        return cx.fail(at, "a read_only tool must use GET", "set read_only: false, or use GET");
    }
    if !read_only && call.method == Method::Get {
        return cx.fail(at, "a GET tool only reads: mark it read_only: true", "set read_only: true");
    }
    Ok(())
}

/// Each date argument is a start, an end or a single day (of a check or of per-day
/// pagination); its description says which relative forms it takes.
fn describe_dates(args: &mut [Arg], checks: &[Check], tool: &spec::ToolDef) {
    for arg in args.iter_mut().filter(|a| matches!(a.kind, ArgKind::Date)) {
        let is = |role: &str| {
            checks.iter().any(|c| match c {
                Check::DateRange { start, end, .. } => (if role == "start" { start } else { end }) == &arg.name,
                Check::AtLeastOne(_) => false,
            }) || matches!(&tool.pagination, Some(spec::Pagination::PerDay { start, end, .. })
                if (if role == "start" { start } else { end }) == &arg.name)
        };
        let bound = if is("start") {
            ir::DateBound::Start
        } else if is("end") {
            ir::DateBound::End
        } else {
            ir::DateBound::Day
        };
        arg.date_bound = bound;
        arg.description = if bound == ir::DateBound::Day {
            format!("{} Also today, yesterday or N-days-ago (UTC).", arg.description)
        } else {
            format!(
                "{} Or today, yesterday, N-days-ago, YYYY-MM, this-/last-month, this-/last-quarter.",
                arg.description
            )
        };
    }
}

/// A `fields` argument takes the names of the output item's fields.
fn fill_fields_argument(cx: &Ctx, at: &str, model: &ir::Model, action: &Action, args: &mut [Arg]) -> Result<(), Error> {
    let Some(index) = args.iter().position(|a| a.selects_fields) else { return Ok(()) };
    let Action::Http(call) = action else {
        return cx.fail(at, "a `fields` argument selects fields of an HTTP tool's output", "remove it");
    };
    let Some(item) = model.type_def(&call.output) else {
        return cx.fail(at, "the output type is not declared", "declare it");
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
        return cx.fail(at, "a tool has at most one `fields` argument", "remove the others");
    }
    Ok(())
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

/// The path placeholders that name an object inside a workspace (or the workspace itself):
/// a write whose path has one is confined by `--workspaces`, or says why not.
pub(super) const WORKSPACE_SCOPED: &[&str] = &["workspace_id", "api_key_id"];

/// The checked `guards` of a tool.
#[derive(Default)]
struct Guarded {
    workspace: Option<String>,
    org_role: Option<String>,
    lookup: Option<ir::WorkspaceLookup>,
    exempt: bool,
}

fn validate_guards(
    cx: &Ctx,
    at: &str,
    spec: &SpecFile,
    model: &ir::Model,
    tool: &spec::ToolDef,
    args: &[Arg],
    guards: &spec::Guards,
) -> Result<Guarded, Error> {
    if tool.annotations.read_only {
        return cx.fail(at, "`guards` restrict writes; a read_only tool has none", "remove `guards`");
    }
    let ways = [guards.workspace.is_some(), guards.workspace_of.is_some(), guards.workspace_exempt.is_some()];
    if ways.iter().filter(|set| **set).count() > 1 {
        return cx.fail(
            at,
            "guards.workspace, guards.workspace_of and guards.workspace_exempt exclude each other",
            "keep the one that says how --workspaces applies to this write",
        );
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
    if let Some(reason) = &guards.workspace_exempt
        && reason.trim().is_empty()
    {
        return cx.fail(
            at,
            "guards.workspace_exempt needs a reason",
            "say why --workspaces does not apply to this write",
        );
    }
    let lookup = match &guards.workspace_of {
        None => None,
        Some(of) => Some(validate_workspace_of(cx, at, model, args, of)?),
    };
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
    Ok(Guarded {
        workspace: guards.workspace.clone(),
        org_role: guards.org_role.clone(),
        lookup,
        exempt: guards.workspace_exempt.is_some(),
    })
}

/// `guards.workspace_of`: a read-only tool declared earlier, taking exactly the write's
/// required id arguments, returning one object with the field.
fn validate_workspace_of(
    cx: &Ctx,
    at: &str,
    model: &ir::Model,
    args: &[Arg],
    of: &spec::WorkspaceOf,
) -> Result<ir::WorkspaceLookup, Error> {
    let at = format!("{at}, guards.workspace_of");
    let Some(lookup) = model.tools.iter().find(|t| t.name == of.tool) else {
        return cx.fail(
            at,
            format!("tool `{}` is not declared before this one", of.tool),
            "name a read tool declared earlier in `tools:`",
        );
    };
    if !lookup.annotations.read_only {
        return cx.fail(
            at,
            format!("tool `{}` is not read_only; a guard may only read", of.tool),
            "name a read_only tool (a GET)",
        );
    }
    let ids = |list: &[Arg]| -> BTreeSet<String> {
        list.iter().filter(|a| a.required && matches!(a.kind, ArgKind::Id)).map(|a| a.name.clone()).collect()
    };
    let takes: BTreeSet<String> = lookup.args.iter().filter(|a| a.required).map(|a| a.name.clone()).collect();
    if ids(&lookup.args) != takes || takes != ids(args) {
        return cx.fail(
            at,
            format!(
                "tool `{}` must take the same required id arguments as this write ({}), and no other required one",
                of.tool,
                ids(args).into_iter().collect::<Vec<_>>().join(", ")
            ),
            "name the read tool that gets the write's target by its IDs",
        );
    }
    let output = match &lookup.action {
        Action::Http(call) if matches!(call.pagination, ir::Pagination::None) => &call.output,
        _ => {
            return cx.fail(
                at,
                format!("tool `{}` does not return one object", of.tool),
                "name a tool that gets one object by ID",
            );
        }
    };
    let field = model.type_def(output).and_then(|t| t.fields.iter().find(|f| f.name == of.field));
    if !field.is_some_and(|f| f.ty == ir::TypeExpr::String) {
        return cx.fail(
            at,
            format!("`{}` is not a string field of `{output}`, the output of `{}`", of.field, of.tool),
            format!("name the field of `{output}` that holds the workspace ID"),
        );
    }
    Ok(ir::WorkspaceLookup { tool: of.tool.clone(), field: of.field.clone() })
}

/// The word of `scope:` for a write that changes the organization as a whole.
pub const ORGANIZATION_SCOPE: &str = "organization";

/// Every write says what it touches, so `--workspaces` has no gaps: a workspace guard
/// (`guards.workspace`, `workspace_of` or `workspace_exempt`), or `scope: organization`.
/// A write whose path names a workspace-scoped object needs a workspace guard. Returns
/// whether the write is organization-level.
fn check_write_scope(
    cx: &Ctx,
    at: &str,
    tool: &spec::ToolDef,
    action: &Action,
    guards: &Guarded,
) -> Result<bool, Error> {
    if let Some(scope) = &tool.scope {
        if tool.annotations.read_only {
            return cx.fail(at, "`scope` says what a write touches; a read_only tool has none", "remove `scope`");
        }
        if scope != ORGANIZATION_SCOPE {
            return cx.fail(
                at,
                format!("scope `{scope}` is not a scope"),
                format!("write `scope: {ORGANIZATION_SCOPE}` for a write that changes the organization as a whole, or a workspace guard for one inside a workspace"),
            );
        }
    }
    if tool.annotations.read_only {
        return Ok(false);
    }
    let guarded = guards.workspace.is_some() || guards.lookup.is_some() || guards.exempt;
    let organization = tool.scope.is_some();
    if guarded && organization {
        return cx.fail(
            at,
            "a workspace guard and `scope: organization` exclude each other",
            "keep the guard if the write targets something inside a workspace, or the scope if it changes the organization as a whole",
        );
    }
    let scoped = match action {
        Action::Http(call) => call.path.iter().find_map(|piece| match piece {
            ir::PathPiece::Placeholder(name) if WORKSPACE_SCOPED.contains(&name.as_str()) => Some(name),
            _ => None,
        }),
        Action::Handler { .. } => None,
    };
    match (scoped, guarded, organization) {
        (_, true, _) => Ok(false),
        (Some(name), false, _) => cx.fail(
            at,
            format!("the write's path names `{{{name}}}`, which belongs to a workspace, and it has no workspace guard"),
            "add `guards: {workspace: ARG}`, `guards: {workspace_of: {tool: READ_TOOL, field: FIELD}}` or `guards: {workspace_exempt: REASON}`",
        ),
        (None, false, true) => Ok(true),
        (None, false, false) => cx.fail(
            at,
            "the write does not say what it touches, so `--workspaces` could not confine it",
            format!("add `scope: {ORGANIZATION_SCOPE}` if it changes the organization as a whole (`--workspaces` then refuses it unless the operator allows organization-level writes), or a workspace guard (`guards: {{workspace: ARG}}`, `guards: {{workspace_of: {{tool: READ_TOOL, field: FIELD}}}}`) if it changes something inside a workspace"),
        ),
    }
}
