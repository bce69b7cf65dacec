//! How the generator is configured by its caller (`build.rs`): where the generated code
//! finds the runtime, and where the Rust of each hand-written tool lives (the spec only
//! names its handlers).

use crate::error::Error;
use crate::ir;

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
    pub(crate) runtime_path: String,
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
