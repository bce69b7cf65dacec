//! The code `build.rs` generates from `spec/admin-api.yaml`: response and argument
//! types, the typed client, and the MCP tool registry. The only `include!` site.

include!(concat!(env!("OUT_DIR"), "/admin_api.rs"));

/// Every tool's JSON Schemas as the generator wrote them (pretty JSON).
pub const SCHEMAS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/schemas.json"));
