//! Errors a spec author sees: where (file, tool, field), which rule, and what to do.

use std::fmt;

/// A spec that cannot become code.
#[derive(Debug)]
pub enum Error {
    /// The file could not be read.
    Read { file: String, message: String },
    /// The YAML does not parse, or has a key the format does not know.
    Syntax { file: String, message: String },
    /// The YAML parses but breaks a rule of the format.
    Rule { file: String, at: String, rule: String, fix: String },
    /// The generator produced Rust that does not parse (a generator bug).
    Generated { message: String },
    /// A docs template failed to compile or render (a generator bug, e.g. a typo in a template).
    Template { template: String, message: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read { file, message } => write!(f, "{file}: cannot read the spec: {message}"),
            Error::Syntax { file, message } => {
                write!(f, "{file}: {message}\n  fix: correct the YAML; the format is described in spec/README.md")
            }
            Error::Rule { file, at, rule, fix } => write!(f, "{file}: {at}: {rule}\n  fix: {fix}"),
            Error::Generated { message } => write!(
                f,
                "the generator produced Rust that does not parse: {message}\n  fix: this is a bug in codegen/, not in the spec"
            ),
            Error::Template { template, message } => write!(
                f,
                "codegen/templates/{template}: {message}\n  fix: this is a bug in the template or in codegen/src/emit/docs.rs, not in the spec"
            ),
        }
    }
}

impl std::error::Error for Error {}
