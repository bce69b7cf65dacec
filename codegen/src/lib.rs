//! Turns `spec/admin-api.yaml` into the connector's generated Rust.
//!
//! The pipeline is `spec` (serde model of the YAML) → `validate` (every rule of the
//! format, with errors that name file, tool and rule) → `ir` (the normalized model)
//! → `emit` (Rust via quote + prettyplease, JSON Schemas via serde_json, Markdown docs
//! via minijinja templates).
//! `build.rs` calls [`load`] and [`generate`]; nothing here touches the network.

pub mod emit;
pub mod error;
pub mod ir;
pub mod layout;
pub mod names;
pub mod spec;
pub mod validate;

use std::path::Path;

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

/// Where the Rust of a hand-written tool lives. The spec names a handler
/// (`handler: normalized_metrics`); `build.rs` says where its code is, so moving or
/// renaming a module never means editing the spec (prost's `extern_path` habit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerPaths {
    /// The async function `fn(&Http, Args) -> Result<Output, Error>`.
    pub function: String,
    /// Its output type (the output schema is derived from it with schemars).
    pub output: String,
    /// The `runtime::Presentation` static that says how the output reads.
    pub presentation: String,
}

/// How to generate: where the generated code finds the runtime, and the Rust paths of
/// the spec's handlers.
#[derive(Debug, Clone, Default)]
pub struct Config {
    runtime_path: String,
    handlers: std::collections::BTreeMap<String, HandlerPaths>,
}

impl Config {
    /// `runtime_path` is where the generated code finds the runtime it calls, e.g.
    /// `crate::runtime` inside the connector.
    pub fn new(runtime_path: &str) -> Config {
        Config { runtime_path: runtime_path.to_string(), handlers: Default::default() }
    }

    /// The Rust paths of the handler the spec calls `name`.
    #[must_use]
    pub fn extern_handler(mut self, name: &str, function: &str, output: &str, presentation: &str) -> Config {
        let paths =
            HandlerPaths { function: function.into(), output: output.into(), presentation: presentation.into() };
        self.handlers.insert(name.to_string(), paths);
        self
    }

    /// Fills the handlers' Rust paths into the model; a handler the config does not map,
    /// or maps to something that is not a Rust path, is an error that says where to add it.
    pub(crate) fn resolve(&self, file: &str, model: &ir::Model) -> Result<ir::Model, Error> {
        let mut model = model.clone();
        for tool in &mut model.tools {
            let ir::Action::Handler { name, function, output, presentation } = &mut tool.action else { continue };
            let rule = |rule: String, fix: &str| Error::Rule {
                file: file.to_string(),
                at: format!("tool `{}`, handler `{name}`", tool.name),
                rule,
                fix: fix.to_string(),
            };
            let Some(paths) = self.handlers.get(name.as_str()) else {
                return Err(rule(
                    "no Rust code is mapped to this handler name".into(),
                    "map it in build.rs: `Config::extern_handler(NAME, FUNCTION, OUTPUT, PRESENTATION)` with the paths of its function, output type and presentation",
                ));
            };
            for path in [&paths.function, &paths.output, &paths.presentation] {
                if !is_rust_path(path) {
                    return Err(rule(
                        format!("build.rs maps it to `{path}`, which is not a Rust path"),
                        "write a path such as `crate::metrics::get_normalized_metrics`",
                    ));
                }
            }
            (*function, *output, *presentation) =
                (paths.function.clone(), paths.output.clone(), paths.presentation.clone());
        }
        Ok(model)
    }
}

/// A spec with no handlers needs only the runtime path.
impl From<&str> for Config {
    fn from(runtime_path: &str) -> Config {
        Config::new(runtime_path)
    }
}

fn is_rust_path(path: &str) -> bool {
    !path.is_empty()
        && path.split("::").all(|seg| {
            let mut chars = seg.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
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
