//! Where the spec and the generated docs live, and the command that writes the docs:
//! each spelled once, here.
//!
//! The docs templates see them through the docs context, `build.rs` writes them into
//! `OUT_DIR/layout.rs` ([`rust`]) for the connector (`claude_code_connector::docs`
//! re-exports them for its `docs` command and the tests), and codegen's own tests use
//! them directly. The literals are macros so that the composite strings (the fix command,
//! the README marker) are built with `concat!` from the same pieces.

macro_rules! spec_path {
    () => {
        "spec/admin-api.yaml"
    };
}
macro_rules! docs_subcommand {
    () => {
        "docs"
    };
}
macro_rules! fix_command {
    () => {
        concat!("cargo run -- ", docs_subcommand!())
    };
}

/// The spec, relative to the repository root.
pub const SPEC_PATH: &str = spec_path!();
/// The tool reference, relative to the repository root (and to the README, which links into it).
pub const TOOLS_MD_PATH: &str = "docs/tools.md";
/// The README, relative to the repository root.
pub const README_PATH: &str = "README.md";
/// The binary's subcommand that writes (or, with `--check`, checks) the generated docs.
pub const DOCS_SUBCOMMAND: &str = docs_subcommand!();
/// The binary's name.
pub const BINARY: &str = "claude-code-connector";
/// The docs command as a user of the installed binary types it.
pub const DOCS_COMMAND: &str = concat!("claude-code-connector ", docs_subcommand!());
/// The command that regenerates the docs from a checkout, as the docs and the checks say it.
pub const FIX_COMMAND: &str = fix_command!();
/// The line that opens the README's generated tool table.
pub const README_BEGIN: &str =
    concat!("<!-- tools:begin (generated from ", spec_path!(), " by `", fix_command!(), "`) -->");
/// The line that closes it.
pub const README_END: &str = "<!-- tools:end -->";

/// The constants above as Rust source, for `build.rs` to write into `OUT_DIR`.
pub fn rust() -> String {
    let constants = [
        ("SPEC_PATH", "The spec, relative to the repository root.", SPEC_PATH),
        ("TOOLS_MD_PATH", "Where the tool reference lives, relative to the root.", TOOLS_MD_PATH),
        ("README_PATH", "Where the README lives, relative to the root.", README_PATH),
        ("DOCS_SUBCOMMAND", "The subcommand that writes or checks the generated docs.", DOCS_SUBCOMMAND),
        ("DOCS_COMMAND", "The docs command as a user of the installed binary types it.", DOCS_COMMAND),
        ("FIX_COMMAND", "The command that regenerates the docs.", FIX_COMMAND),
        ("README_BEGIN", "The line that opens the README's generated tool table.", README_BEGIN),
        ("README_END", "The line that closes it.", README_END),
    ];
    let mut text = String::from(crate::emit::GENERATED_HEADER);
    for (name, doc, value) in constants {
        text.push_str(&format!("\n/// {doc}\npub const {name}: &str = {value:?};\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_composites_are_built_from_the_pieces() {
        assert_eq!(FIX_COMMAND, "cargo run -- docs");
        assert_eq!(DOCS_COMMAND, format!("{BINARY} {DOCS_SUBCOMMAND}"));
        assert!(README_BEGIN.contains(SPEC_PATH) && README_BEGIN.contains(FIX_COMMAND));
        let rust = rust();
        assert!(rust.contains("pub const README_BEGIN: &str = \"<!-- tools:begin (generated from spec/admin-api.yaml"));
    }
}
