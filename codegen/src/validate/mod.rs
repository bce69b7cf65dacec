//! Checks every rule of the spec format and builds the `ir::Model`.
//!
//! Each failure names the file, the tool (or type) and the rule, and says what to do.
//! The checks follow the spec's sections: [`types`], [`tools`] (a tool's header,
//! guards and cross-argument checks), [`arguments`], [`http`] (the request and its
//! pagination), [`presentation`] (how a type reads) and [`prompts`]. Every error is
//! built by [`Ctx::error`]. A type, tool or prompt that breaks a rule is reported and
//! left out, and the checks go on with the next one ([`Ctx::keep`]), so a build shows
//! every error of the spec at once; an error that only follows from one already
//! reported (a tool whose output type was left out) is not repeated.

mod aggregation;
mod arguments;
pub mod budget;
mod examples;
mod filters;
mod http;
mod id_names;
mod presentation;
mod prompts;
mod split;
mod tools;
mod types;

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::error::Error;
use crate::ir;
use crate::names;
use crate::spec::SpecFile;

/// The format version this generator reads.
pub const FORMAT: u32 = 1;

/// What every check needs: the file the errors name, and the errors found so far.
struct Ctx<'a> {
    file: &'a str,
    /// Every error reported so far, in the order found.
    errors: RefCell<Vec<Error>>,
    /// The names of the types, tools and prompts left out for an error.
    left_out: RefCell<BTreeSet<String>>,
}

impl Ctx<'_> {
    fn new(file: &str) -> Ctx<'_> {
        Ctx { file, errors: RefCell::default(), left_out: RefCell::default() }
    }

    /// The value of a check that passed; the error of one that failed is reported
    /// (unless it only names something already left out for an error) and `name` is
    /// left out, so that the checks can go on with the next item.
    fn keep<T>(&self, name: &str, result: Result<T, Error>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                let follows = matches!(&error, Error::Rule { rule, .. }
                    if self.left_out.borrow().iter().any(|out| rule.contains(&format!("`{out}`"))));
                if !follows {
                    self.errors.borrow_mut().push(error);
                }
                self.left_out.borrow_mut().insert(name.to_string());
                None
            }
        }
    }

    /// Every error reported: none, one, or [`Error::Rules`].
    fn finish<T>(self, value: T) -> Result<T, Error> {
        let mut errors = self.errors.into_inner();
        match errors.len() {
            0 => Ok(value),
            1 => Err(errors.remove(0)),
            _ => Err(Error::Rules { errors }),
        }
    }

    /// The error for a broken rule: where (`at`), which `rule`, and the `fix`.
    fn error(&self, at: impl Into<String>, rule: impl Into<String>, fix: impl Into<String>) -> Error {
        Error::Rule { file: self.file.to_string(), at: at.into(), rule: rule.into(), fix: fix.into() }
    }

    /// [`Ctx::error`], as the result of a failed check.
    fn fail<T>(&self, at: impl Into<String>, rule: impl Into<String>, fix: impl Into<String>) -> Result<T, Error> {
        Err(self.error(at, rule, fix))
    }
}

pub fn validate(file: &str, spec: SpecFile) -> Result<ir::Model, Error> {
    let cx = Ctx::new(file);
    if spec.format != FORMAT {
        return cx.fail(
            "format",
            format!("format {} is not supported (this generator reads format {FORMAT})", spec.format),
            format!("set `format: {FORMAT}`"),
        );
    }
    let groups: Vec<ir::Group> =
        spec.groups.0.iter().map(|(id, title)| ir::Group { id: id.clone(), title: title.clone() }).collect();
    let types = types::validate_types(&cx, &spec.types);
    let mut model = ir::Model {
        file: file.to_string(),
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
    cx.keep("org_roles", check_org_roles(&cx, &spec));
    validate_tools(&cx, &spec, &mut model);
    order_by_group(&mut model);
    fill_check_with(&mut model);
    id_names::attach_names(&cx, &spec, &mut model);
    model.prompts = prompts::validate_prompts(&cx, &spec, &model);
    cx.keep("tools", check_method_names(&cx, &model));
    cx.keep("tools", budget::check(&cx, &model));
    cx.finish(model)
}

fn check_org_roles(cx: &Ctx, spec: &SpecFile) -> Result<(), Error> {
    let mut roles = BTreeSet::new();
    for role in &spec.org_roles {
        if !roles.insert(role.as_str()) {
            return cx.fail("org_roles", format!("role `{role}` is listed twice"), "list each role once");
        }
    }
    Ok(())
}

/// Every tool, in spec order: a valid, unique name, then its own rules. A tool that
/// breaks one is reported and left out.
fn validate_tools(cx: &Ctx, spec: &SpecFile, model: &mut ir::Model) {
    let mut seen = BTreeSet::new();
    for tool in &spec.tools {
        let validated = (|| {
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
            tools::validate_tool(cx, spec, model, tool)
        })();
        if let Some(validated) = cx.keep(&tool.name, validated) {
            model.tools.push(validated);
        }
    }
}

/// Tools in the order of their groups under `groups:`, and in spec order within a group:
/// the order of `tools/list`, the docs and the CLI's table alike, so a tool appended at
/// the end of `tools:` is listed after the other tools of its group everywhere.
fn order_by_group(model: &mut ir::Model) {
    let groups: Vec<String> = model.groups.iter().map(|g| g.id.clone()).collect();
    model.tools.sort_by_key(|tool| groups.iter().position(|g| *g == tool.group));
}

/// For each write, the read tool whose path is the write's own or its longest prefix
/// (`/workspaces/{workspace_id}` for `/workspaces/{workspace_id}/archive`): what a caller
/// runs to see whether a write whose outcome is unknown was applied.
fn fill_check_with(model: &mut ir::Model) {
    fn template(tool: &ir::Tool) -> Option<String> {
        let ir::Action::Http(call) = &tool.action else { return None };
        Some(
            call.path
                .iter()
                .map(|piece| match piece {
                    ir::PathPiece::Literal(text) => text.clone(),
                    ir::PathPiece::Placeholder(name) => format!("{{{name}}}"),
                })
                .collect(),
        )
    }
    let reads: Vec<(String, String)> = model
        .tools
        .iter()
        .filter(|t| t.annotations.read_only)
        .filter_map(|t| template(t).map(|path| (path, t.name.clone())))
        .collect();
    for tool in model.tools.iter_mut().filter(|t| !t.annotations.read_only) {
        let Some(path) = template(tool) else { continue };
        tool.check_with = reads
            .iter()
            .filter(|(read, _)| path == *read || path.starts_with(&format!("{read}/")))
            .max_by_key(|(read, _)| read.len())
            .map(|(_, name)| name.clone());
    }
}

fn check_method_names(cx: &Ctx, model: &ir::Model) -> Result<(), Error> {
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
    Ok(())
}

/// A YAML value (an example) as JSON.
fn yaml_to_json(cx: &Ctx, at: &str, value: &yaml_serde::Value) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value)
        .or_else(|e| cx.fail(at, format!("the example is not plain data: {e}"), "write it as JSON-like YAML"))
}

/// A YAML value as an error message quotes it.
fn yaml_text(value: &yaml_serde::Value) -> String {
    yaml_serde::to_string(value).map(|s| s.trim().to_string()).unwrap_or_else(|_| "?".to_string())
}
