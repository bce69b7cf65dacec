//! Turns `spec/admin-api.yaml` into the connector's generated Rust.
//!
//! The pipeline is `spec` (serde model of the YAML) → `validate` (every rule of the
//! format, with errors that name file, tool and rule) → `ir` (the normalized model)
//! → `emit` (Rust via quote + prettyplease, JSON Schemas via serde_json, Markdown docs
//! via minijinja templates).
//! `build.rs` calls [`load`] and [`generate`]; nothing here touches the network.

pub mod config;
pub mod emit;
pub mod error;
pub mod ir;
pub mod layout;
pub mod names;
pub mod spec;
pub mod validate;

use std::path::Path;

pub use config::{Config, HandlerPaths};
pub use error::Error;

/// What the generator writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The Rust module: `include!` it where `runtime_path` resolves.
    pub rust: String,
    /// Every tool's JSON Schemas, pretty-printed.
    pub schemas_json: String,
    /// `docs/tools.md`: every tool with its arguments, upstream call and examples.
    pub tools_md: String,
    /// The README's tool table (the text between its `tools:begin` and `tools:end` markers).
    pub readme_tools: String,
    /// The HTTP endpoints as data: the fake answers from it, the wire tests run its examples.
    pub endpoints_json: String,
}

/// Reads and validates a spec file. `display_name` is how errors name the file.
pub fn load(path: &Path, display_name: &str) -> Result<ir::Model, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|source| Error::Read { file: display_name.to_string(), source })?;
    parse(&text, display_name)
}

/// Parses and validates spec text.
pub fn parse(text: &str, display_name: &str) -> Result<ir::Model, Error> {
    let spec: spec::SpecFile = yaml_serde::from_str(text)
        .map_err(|e| Error::Syntax { file: display_name.to_string(), message: name_the_tool(text, e.to_string()) })?;
    validate::validate(display_name, spec)
}

/// Generates the outputs, with the handlers' Rust paths from `config` (or, for a spec
/// without handlers, just the runtime path: `generate(&model, "crate::runtime")`).
pub fn generate(model: &ir::Model, config: impl Into<Config>) -> Result<Output, Error> {
    let config = config.into();
    let model = config.resolve(&model.file, model)?;
    let model = &model;
    let runtime_path = config.runtime_path.as_str();
    Ok(Output {
        rust: emit::rust(model, runtime_path)?,
        schemas_json: emit::schemas_json(model),
        tools_md: emit::docs::tools_md(model)?,
        readme_tools: emit::docs::readme_tools(model)?,
        endpoints_json: emit::endpoints::endpoints_json(model),
    })
}

/// serde says `tools[3]`; a person wants the tool's name too.
fn name_the_tool(text: &str, message: String) -> String {
    let Some(rest) = message.strip_prefix("tools[") else { return message };
    let Some((index, tail)) = rest.split_once(']') else { return message };
    let name = index.parse::<usize>().ok().and_then(|i| {
        let value: yaml_serde::Value = yaml_serde::from_str(text).ok()?;
        value.get("tools")?.get(i)?.get("name")?.as_str().map(str::to_string)
    });
    match name {
        Some(name) => format!("tool `{name}` (tools[{index}]){tail}"),
        None => message,
    }
}
