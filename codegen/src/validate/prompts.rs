//! `prompts:`: MCP prompts, message templates over the tools.

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
            Ok(prompt_ir(prompt))
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

fn prompt_ir(prompt: &spec::PromptDef) -> ir::Prompt {
    ir::Prompt {
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
