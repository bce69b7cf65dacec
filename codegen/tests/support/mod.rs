//! What the generator's integration tests share.

/// The runtime path, and placeholder Rust paths for the spec's handlers (build.rs maps
/// the real ones; what is checked here does not depend on them).
pub fn config_for(model: &claude_code_connector_codegen::ir::Model) -> claude_code_connector_codegen::Config {
    model.tools.iter().fold(claude_code_connector_codegen::Config::new("crate::runtime"), |config, tool| {
        match &tool.action {
            claude_code_connector_codegen::ir::Action::Handler { name, .. } => config.extern_handler(
                name,
                &format!("crate::handlers::{name}::run"),
                &format!("crate::handlers::{name}::Output"),
                &format!("crate::handlers::{name}::PRESENTATION"),
            ),
            claude_code_connector_codegen::ir::Action::Http(_) => config,
        }
    })
}
