//! Invalid specs: each fixture's error message is a golden file (`.err` beside it).
//! Messages must name the file, the tool and the rule, and say what to do.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p claude-code-connector-codegen`.

use std::path::Path;

mod support;
use support::config_for;

#[test]
fn invalid_specs_fail_with_their_golden_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    let mut checked = 0;
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let name = format!("fixtures/invalid/{}", path.file_name().unwrap().to_string_lossy());
        let error = match claude_code_connector_codegen::load(path, &name) {
            Ok(_) => panic!("{name} should be rejected"),
            Err(e) => e.to_string(),
        };
        assert!(error.starts_with(&name), "{name}: the message must name the file: {error}");
        assert!(error.contains("fix:"), "{name}: the message must say what to do: {error}");
        assert!(!error.contains("Error {") && !error.contains("Rule {"), "{name}: no Debug dumps: {error}");
        let golden = path.with_extension("err");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, format!("{error}\n")).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        assert_eq!(expected.trim_end(), error, "{name}: message differs from {}", golden.display());
        checked += 1;
    }
    assert!(checked >= 10, "expected the invalid fixtures, found {checked}");
}

#[test]
fn the_minimal_fixture_and_the_real_spec_are_valid_and_generate_deterministically() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, name) in [
        (root.join("tests/fixtures/minimal.yaml"), "minimal.yaml"),
        (root.join("../spec/admin-api.yaml"), "spec/admin-api.yaml"),
    ] {
        let model = claude_code_connector_codegen::load(&path, name).unwrap_or_else(|e| panic!("{e}"));
        let first = claude_code_connector_codegen::generate(&model, config_for(&model)).unwrap();
        let second = claude_code_connector_codegen::generate(&model, config_for(&model)).unwrap();
        assert_eq!(first, second, "{name}: generation must be deterministic");
        assert!(first.rust.starts_with("// @generated"), "{name}: @generated header");
    }
}

#[test]
fn http_beta_becomes_one_comma_joined_anthropic_beta_header_and_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let minimal = std::fs::read_to_string(root.join("tests/fixtures/minimal.yaml")).unwrap();
    let line = "    http: {method: GET, path: /v1/organizations/users}\n";
    assert!(minimal.contains(line), "the minimal fixture's list tool");
    let spec = minimal.replacen(
        line,
        "    http: {method: GET, path: /v1/organizations/users, beta: [fast-mode-2026-02-01, analytics-2]}\n",
        1,
    );
    let model = claude_code_connector_codegen::parse(&spec, "minimal.yaml with beta").unwrap_or_else(|e| panic!("{e}"));
    let output = claude_code_connector_codegen::generate(&model, config_for(&model)).unwrap();
    let compact: String = output.rust.split_whitespace().collect();
    assert!(
        compact.contains(r#".with_header("anthropic-beta","fast-mode-2026-02-01,analytics-2")"#),
        "the request builder sets the header"
    );
    assert_eq!(compact.matches(".with_header(").count(), 1, "only the tool that declares it");
    assert!(output.tools_md.contains("`anthropic-beta: fast-mode-2026-02-01,analytics-2`"), "docs show it");

    let twice = minimal.replacen(line, "    http: {method: GET, path: /v1/organizations/users, beta: [a-1, a-1]}\n", 1);
    let error = claude_code_connector_codegen::parse(&twice, "minimal.yaml").unwrap_err().to_string();
    assert!(error.contains("beta `a-1` is listed twice"), "{error}");
}
