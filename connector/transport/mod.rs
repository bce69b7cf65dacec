//! The ways in: MCP over stdio ([`mcp`], rmcp's `ServerHandler` over the pipeline's
//! [`Connector`](crate::pipeline::Connector)) and over Streamable HTTP for a team
//! ([`http`], one tenant per bearer token from [`tenants`], Prometheus text from
//! [`prometheus`]), and for people who sign in from Claude, OAuth ([`oauth`]); both
//! transports stop the same way ([`shutdown`]). A transport turns requests into pipeline calls and outcomes into
//! MCP results; it decides nothing about a tool.

pub mod files;
pub mod http;
pub mod mcp;
pub mod oauth;
pub mod prometheus;
pub mod shutdown;
pub mod tenants;
