//! Errors a spec author sees: where (file, tool, field), which rule, and what to do.

/// A spec that cannot become code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("{file}: cannot read the spec: {source}")]
    Read { file: String, source: std::io::Error },
    /// The YAML does not parse, or has a key the format does not know.
    #[error("{file}: {message}\n  fix: correct the YAML; the format is described in spec/README.md")]
    Syntax { file: String, message: String },
    /// The YAML parses but breaks a rule of the format.
    #[error("{file}: {at}: {rule}\n  fix: {fix}")]
    Rule { file: String, at: String, rule: String, fix: String },
    /// Several rules are broken: every one, in spec order (types, tools, prompts), one
    /// [`Error::Rule`] message after the other, so one build shows them all.
    #[error("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Rules { errors: Vec<Error> },
    /// The generator produced Rust that does not parse (a generator bug).
    #[error(
        "the generator produced Rust that does not parse: {source}\n  fix: this is a bug in codegen/, not in the spec"
    )]
    Generated { source: syn::Error },
    /// A docs template failed to compile or render (a generator bug, e.g. a typo in a template).
    /// The message names the error's causes too, on one line.
    #[error(
        "codegen/templates/{template}: {}\n  fix: this is a bug in the template or in codegen/src/emit/docs.rs, not in the spec",
        crate::emit::docs::describe(source)
    )]
    Template { template: String, source: minijinja::Error },
}
