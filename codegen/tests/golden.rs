//! Golden output: the generated Rust and schemas for `fixtures/minimal.yaml` are
//! committed under `golden/`, so a change to the generator is reviewed as a diff of
//! what it writes. The Rust is also compiled and used by `tests/ui/pass/golden_fixture.rs`.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p claude-code-connector-codegen --test golden`.

use std::path::Path;

/// Where the golden code finds the runtime: the connector library, as a user of it would.
const RUNTIME_PATH: &str = "claude_code_connector::runtime";

fn check_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs from what the generator writes now.\nReview the change, then run: \
         UPDATE_GOLDEN=1 cargo test -p claude-code-connector-codegen --test golden",
        path.display()
    );
}

#[test]
fn the_minimal_fixture_generates_the_committed_golden_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let model = claude_code_connector_codegen::load(&root.join("fixtures/minimal.yaml"), "minimal.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    let output = claude_code_connector_codegen::generate(&model, RUNTIME_PATH).unwrap();
    check_golden(&root.join("golden/minimal.rs"), &output.rust);
    check_golden(&root.join("golden/minimal.schemas.json"), &output.schemas_json);
}
