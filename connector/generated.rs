//! The code `build.rs` generates from `spec/admin-api.yaml`: response and argument
//! types, the typed client, the MCP tool registry, and the docs. The only `include!` site.

include!(concat!(env!("OUT_DIR"), "/admin_api.rs"));

/// Every tool's JSON Schemas as the generator wrote them (pretty JSON).
pub const SCHEMAS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/schemas.json"));

/// The spec's HTTP endpoints as data (`claude_code_connector_codegen::emit::endpoints`):
/// the sandbox's fake answers those it does not emulate from their examples, and the
/// wire tests run every example call.
pub const ENDPOINTS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/endpoints.json"));

/// Where the spec and the generated docs live and the command that writes them, as
/// codegen defines them (`claude_code_connector_codegen::layout`).
pub mod layout {
    include!(concat!(env!("OUT_DIR"), "/layout.rs"));
}

/// `docs/tools.md` as the spec says it should be (`claude-code-connector docs` writes it).
pub const TOOLS_MD: &str = include_str!(concat!(env!("OUT_DIR"), "/tools.md"));

/// The README's tool table, the text between [`crate::docs::README_BEGIN`] and
/// [`crate::docs::README_END`].
pub const README_TOOLS: &str = include_str!(concat!(env!("OUT_DIR"), "/readme_tools.md"));
