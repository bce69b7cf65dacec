//! The docs generated from the spec, on disk: `docs/tools.md` and the tool table in
//! `README.md` between [`README_BEGIN`] and [`README_END`].
//!
//! The text itself is rendered at build time ([`generated::TOOLS_MD`],
//! [`generated::README_TOOLS`]); this module writes it under a repository root and
//! checks that what is there is current. `claude-code-connector docs [--check]` is its
//! command line.

use std::path::{Path, PathBuf};

use crate::generated;

/// The paths, markers and commands, defined once in codegen (`layout`).
pub use crate::generated::layout::{
    DOCS_COMMAND, DOCS_SUBCOMMAND, FIX_COMMAND, README_BEGIN, README_END, README_PATH, SPEC_PATH, TOOLS_MD_PATH,
};

/// Why the docs cannot be written or checked.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    /// A README marker is missing, repeated, or the end comes before the begin.
    #[error(
        "{}: {problem}; the generated tool table goes between the line\n  {README_BEGIN}\nand a later line\n  {README_END}",
        file.display()
    )]
    Markers { file: PathBuf, problem: String },
    /// A file could not be read or written.
    #[error("{}: {error}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        error: std::io::Error,
    },
}

/// The byte ranges of the markers in `readme`: (start of the begin marker, end of the
/// begin marker's line, start of the end marker, end of the end marker).
fn markers(readme: &str) -> Result<(usize, usize, usize, usize), String> {
    let find_one = |marker: &str, which: &str| -> Result<usize, String> {
        let mut found = readme.match_indices(marker).map(|(at, _)| at);
        match (found.next(), found.next()) {
            (None, _) => Err(format!("the {which} marker is missing")),
            (Some(_), Some(_)) => Err(format!("the {which} marker appears more than once")),
            (Some(at), None) => Ok(at),
        }
    };
    let begin = find_one(README_BEGIN, "begin")?;
    let end = find_one(README_END, "end")?;
    let after_begin = begin + README_BEGIN.len();
    if end < after_begin {
        return Err("the end marker comes before the begin marker".into());
    }
    let body_start = match readme[after_begin..].find('\n') {
        Some(newline) if after_begin + newline < end => after_begin + newline + 1,
        _ => return Err("the end marker must be on a line after the begin marker".into()),
    };
    if !readme[..end].ends_with('\n') {
        return Err("the end marker must start its own line".into());
    }
    Ok((begin, body_start, end, end + README_END.len()))
}

/// The text between the README's markers (without the marker lines).
pub fn readme_section(readme: &str) -> Result<&str, String> {
    let (_, body_start, end, _) = markers(readme)?;
    Ok(&readme[body_start..end])
}

/// `readme` with the text between its markers replaced by `table`.
pub fn render_readme(readme: &str, table: &str) -> Result<String, String> {
    let (_, body_start, end, _) = markers(readme)?;
    let mut table = table.to_string();
    if !table.is_empty() && !table.ends_with('\n') {
        table.push('\n');
    }
    Ok(format!("{}{table}{}", &readme[..body_start], &readme[end..]))
}

/// One generated file: where it goes (relative to the root) and what it must contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocFile {
    pub path: &'static str,
    pub contents: String,
}

/// The files the spec says the root should have, given its current README.
pub fn expected(root: &Path) -> Result<Vec<DocFile>, DocsError> {
    let readme_file = root.join(README_PATH);
    let readme =
        std::fs::read_to_string(&readme_file).map_err(|error| DocsError::Io { file: readme_file.clone(), error })?;
    let readme = render_readme(&readme, generated::README_TOOLS)
        .map_err(|problem| DocsError::Markers { file: readme_file, problem })?;
    Ok(vec![
        DocFile { path: TOOLS_MD_PATH, contents: generated::TOOLS_MD.to_string() },
        DocFile { path: README_PATH, contents: readme },
    ])
}

/// The generated files under `root` whose contents differ from the spec's (or are missing).
pub fn check(root: &Path) -> Result<Vec<&'static str>, DocsError> {
    Ok(stale(root)?.into_iter().map(|f| f.path).collect())
}

/// Writes the generated files under `root` and returns those that changed; files that
/// are already current are not touched.
pub fn write(root: &Path) -> Result<Vec<&'static str>, DocsError> {
    let stale = stale(root)?;
    for file in &stale {
        let path = root.join(file.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|error| DocsError::Io { file: dir.to_path_buf(), error })?;
        }
        std::fs::write(&path, &file.contents).map_err(|error| DocsError::Io { file: path, error })?;
    }
    Ok(stale.into_iter().map(|f| f.path).collect())
}

fn stale(root: &Path) -> Result<Vec<DocFile>, DocsError> {
    let mut stale = Vec::new();
    for file in expected(root)? {
        let path = root.join(file.path);
        match std::fs::read_to_string(&path) {
            Ok(current) if current == file.contents => {}
            Ok(_) => stale.push(file),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => stale.push(file),
            Err(error) => return Err(DocsError::Io { file: path, error }),
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readme(table: &str) -> String {
        format!("# Title\n\n## Tools\n\n{README_BEGIN}\n{table}{README_END}\n\nMore.\n")
    }

    #[test]
    fn the_section_between_the_markers_is_replaced_and_nothing_else() {
        let old = readme("| old |\n");
        assert_eq!(readme_section(&old).unwrap(), "| old |\n");
        let new = render_readme(&old, "| new |\n").unwrap();
        assert_eq!(new, readme("| new |\n"));
        assert_eq!(render_readme(&new, "| new |\n").unwrap(), new, "idempotent");
        assert_eq!(render_readme(&readme(""), "| a |").unwrap(), readme("| a |\n"), "a newline is added");
    }

    #[test]
    fn missing_repeated_or_misordered_markers_are_errors() {
        let cases = [
            ("no markers\n".to_string(), "missing"),
            (format!("{README_BEGIN}\n| t |\n"), "missing"),
            (format!("{README_END}\n{README_BEGIN}\n"), "comes before"),
            (format!("{README_BEGIN}\n{README_END}\n{README_BEGIN}\n"), "more than once"),
            (format!("{README_BEGIN} {README_END}\n"), "on a line after"),
            (format!("{README_BEGIN}\n| t | {README_END}\n"), "start its own line"),
        ];
        for (text, problem) in cases {
            let error = render_readme(&text, "x\n").unwrap_err();
            assert!(error.contains(problem), "{text:?}: {error}");
        }
    }
}
