//! Generates the typed client, JSON Schemas, MCP tool registry and docs from the spec.
//!
//! Reads `spec/admin-api.yaml` (and the tests' fixture spec), writes only to `OUT_DIR`. A broken spec stops the
//! build with a message naming the file, the tool and the rule.

use std::path::{Path, PathBuf};

use claude_code_connector_codegen::Config;
use claude_code_connector_codegen::layout::SPEC_PATH as SPEC;
/// A spec of the tests' own (`tests/it/presentation.rs`), generated against the public runtime.
const TEST_FIXTURE: &str = "tests/fixtures/presentation.yaml";
/// Endpoints the fake answers from the spec's examples, with writes it remembers (`tests/it/spec_examples.rs`).
const EXAMPLES_FIXTURE: &str = "tests/fixtures/spec_examples.yaml";

fn main() {
    println!("cargo::rerun-if-changed={SPEC}");
    println!("cargo::rerun-if-changed={TEST_FIXTURE}");
    println!("cargo::rerun-if-changed={EXAMPLES_FIXTURE}");
    if let Err(error) = run() {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let model = claude_code_connector_codegen::load(Path::new(SPEC), SPEC)?;
    let output = claude_code_connector_codegen::generate(&model, connector_config())?;
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo did not set OUT_DIR")?);
    write_if_changed(&out_dir.join("admin_api.rs"), &output.rust)?;
    write_if_changed(&out_dir.join("schemas.json"), &output.schemas_json)?;
    write_if_changed(&out_dir.join("tools.md"), &output.tools_md)?;
    write_if_changed(&out_dir.join("readme_tools.md"), &output.readme_tools)?;
    write_if_changed(&out_dir.join("endpoints.json"), &output.endpoints_json)?;
    let fixture = claude_code_connector_codegen::load(Path::new(TEST_FIXTURE), TEST_FIXTURE)?;
    let fixture = claude_code_connector_codegen::generate(&fixture, "claude_code_connector::runtime")?;
    write_if_changed(&out_dir.join("presentation_fixture.rs"), &fixture.rust)?;
    write_if_changed(&out_dir.join("presentation_fixture_endpoints.json"), &fixture.endpoints_json)?;
    write_if_changed(&out_dir.join("presentation_fixture_tools.md"), &fixture.tools_md)?;
    let examples = claude_code_connector_codegen::load(Path::new(EXAMPLES_FIXTURE), EXAMPLES_FIXTURE)?;
    let examples = claude_code_connector_codegen::generate(&examples, "claude_code_connector::runtime")?;
    write_if_changed(&out_dir.join("spec_examples_fixture.rs"), &examples.rust)?;
    write_if_changed(&out_dir.join("spec_examples_fixture_endpoints.json"), &examples.endpoints_json)?;
    write_if_changed(&out_dir.join("layout.rs"), &claude_code_connector_codegen::layout::rust())?;
    Ok(())
}

/// The runtime the generated code calls, and where the code of each hand-written tool
/// lives: the spec names a handler (`handler: seat_activity`), this maps the name to its
/// function, output type and presentation, so moving a module never means editing the spec.
fn connector_config() -> Config {
    Config::new("crate::runtime")
        .extern_handler(
            "normalized_metrics",
            "crate::metrics::get_normalized_metrics",
            "crate::metrics::CodingToolMetrics",
            "crate::metrics::presentation::PRESENTATION",
        )
        .extern_handler(
            "seat_activity",
            "crate::metrics::seats::get_seat_activity",
            "crate::metrics::seats::SeatActivity",
            "crate::metrics::seats::PRESENTATION",
        )
        .extern_handler(
            "api_key_activity",
            "crate::metrics::keys::get_api_key_activity",
            "crate::metrics::keys::ApiKeyActivity",
            "crate::metrics::keys::PRESENTATION",
        )
}

fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents)
}
