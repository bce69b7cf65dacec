//! `prompts:`: MCP prompts, message templates over the tools, and what each argument
//! completes from (`values:` or `complete:`).

use std::collections::BTreeSet;

use super::Ctx;
use crate::error::Error;
use crate::ir;
use crate::names;
use crate::spec::{self, SpecFile};

/// Every prompt that keeps the rules (one that breaks one is reported and left out).
pub(super) fn validate_prompts(cx: &Ctx, spec: &SpecFile, model: &ir::Model) -> Vec<ir::Prompt> {
    let mut prompts = Vec::new();
    let mut seen = BTreeSet::new();
    for prompt in &spec.prompts {
        let validated = (|| {
            let at = format!("prompt `{}`", prompt.name);
            if !names::is_identifier(&prompt.name) || !seen.insert(prompt.name.as_str()) {
                return cx.fail(at, "a prompt name must be unique snake_case", "rename the prompt");
            }
            check_arguments(cx, &at, prompt)?;
            check_tool_names(cx, &at, prompt, model)?;
            let mut completions = Vec::new();
            for (name, arg) in &prompt.arguments.0 {
                completions.push(completion(cx, &format!("{at}, argument `{name}`"), arg, model)?);
            }
            Ok(prompt_ir(prompt, completions))
        })();
        prompts.extend(cx.keep(&prompt.name, validated));
    }
    prompts
}

/// Every placeholder is a declared argument, every argument is used, and a required
/// argument has no default.
fn check_arguments(cx: &Ctx, at: &str, prompt: &spec::PromptDef) -> Result<(), Error> {
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
    Ok(())
}

/// Every tool a prompt names must exist, so renaming a tool cannot leave a prompt behind.
fn check_tool_names(cx: &Ctx, at: &str, prompt: &spec::PromptDef, model: &ir::Model) -> Result<(), Error> {
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
    Ok(())
}

/// The most values one completion answer carries (MCP's limit).
const MAX_COMPLETION_VALUES: u32 = 100;

/// What an argument completes from: its `values` (an enum), date words, or a field of an
/// organization list; free text when it declares neither.
fn completion(cx: &Ctx, at: &str, arg: &spec::PromptArgDef, model: &ir::Model) -> Result<ir::Completion, Error> {
    match (&arg.complete, arg.values.is_empty()) {
        (Some(_), false) => cx.fail(at, "`values` and `complete` exclude each other", "keep one"),
        (None, false) => enum_values(cx, at, arg),
        (None, true) => Ok(ir::Completion::None),
        (Some(spec::CompleteDef::Dates(word)), true) => match word.as_str() {
            "day" => Ok(ir::Completion::Dates(ir::DateSpan::Day)),
            "date" => Ok(ir::Completion::Dates(ir::DateSpan::DayOrMonth)),
            "month" => Ok(ir::Completion::Dates(ir::DateSpan::Month)),
            other => cx.fail(
                at,
                format!("`complete: {other}` is not a kind of completion"),
                "use `day` (one day), `date` (a day or a month), `month`, or `{tool: LIST_TOOL, field: FIELD}`",
            ),
        },
        (Some(spec::CompleteDef::Objects(objects)), true) => object_list(cx, at, objects, model),
    }
}

/// `values:`: distinct one-line words, the default one of them.
fn enum_values(cx: &Ctx, at: &str, arg: &spec::PromptArgDef) -> Result<ir::Completion, Error> {
    let mut seen = BTreeSet::new();
    for value in &arg.values {
        if value.trim().is_empty() || value.contains(['\n', '\r']) || !seen.insert(value.as_str()) {
            return cx.fail(
                at,
                format!("value `{value}` is empty, not one line, or listed twice"),
                "list distinct words",
            );
        }
    }
    if let Some(default) = arg.default.as_ref().filter(|d| !arg.values.contains(d)) {
        return cx.fail(
            at,
            format!("the default `{default}` is not one of the values"),
            format!("use one of: {}", arg.values.join(", ")),
        );
    }
    Ok(ir::Completion::Values(arg.values.clone()))
}

/// `complete: {tool, field}`: a read-only tool listing objects by id cursor, callable with
/// no argument, and a string field of its items.
fn object_list(cx: &Ctx, at: &str, objects: &spec::ObjectsDef, model: &ir::Model) -> Result<ir::Completion, Error> {
    let at = format!("{at}, complete");
    let Some(tool) = model.tools.iter().find(|t| t.name == objects.tool) else {
        return cx.fail(at, format!("tool `{}` does not exist", objects.tool), "name a list tool of `tools:`");
    };
    if !tool.annotations.read_only {
        return cx.fail(
            at,
            format!("tool `{}` is not read_only; a completion may only read", objects.tool),
            "name a read_only list tool (a GET)",
        );
    }
    let listing = match &tool.action {
        ir::Action::Http(call) => match &call.pagination {
            ir::Pagination::IdCursor { per_page, .. } => Some((call, per_page)),
            _ => None,
        },
        ir::Action::Handler { .. } => None,
    };
    let Some((call, per_page)) = listing.filter(|_| !tool.args.iter().any(|a| a.required)) else {
        return cx.fail(
            at,
            format!("tool `{}` is not a list of objects (id_cursor pagination, no required argument)", objects.tool),
            "name a tool that lists the objects, such as claude_code_list_users",
        );
    };
    let field = model.type_def(&call.output).and_then(|t| t.fields.iter().find(|f| f.name == objects.field));
    if !field.is_some_and(|f| f.ty == ir::TypeExpr::String) {
        return cx.fail(
            at,
            format!("`{}` is not a string field of `{}`, the items of `{}`", objects.field, call.output, objects.tool),
            format!("name the field of `{}` that the argument takes (an ID, an email)", call.output),
        );
    }
    let maximum = tool.args.iter().find(|a| &a.name == per_page).and_then(|a| match a.kind {
        ir::ArgKind::Integer { maximum, .. } => maximum,
        _ => None,
    });
    let page_size =
        maximum.map_or(MAX_COMPLETION_VALUES, |m| u32::try_from(m).unwrap_or(u32::MAX).min(MAX_COMPLETION_VALUES));
    Ok(ir::Completion::Objects {
        tool: objects.tool.clone(),
        field: objects.field.clone(),
        per_page: per_page.clone(),
        page_size,
    })
}

fn prompt_ir(prompt: &spec::PromptDef, completions: Vec<ir::Completion>) -> ir::Prompt {
    ir::Prompt {
        name: prompt.name.clone(),
        title: prompt.title.clone(),
        description: prompt.description.trim().to_string(),
        arguments: prompt
            .arguments
            .0
            .iter()
            .zip(completions)
            .map(|((name, a), completion)| ir::PromptArg {
                name: name.clone(),
                description: a.description.clone(),
                required: a.required,
                default: a.default.clone(),
                completion,
            })
            .collect(),
        template: prompt.template.trim_end().to_string(),
    }
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
