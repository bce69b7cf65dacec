//! claude-code-connector: an MCP server for the Anthropic Admin API, generated from
//! a spec.
//!
//! The layout follows the pipeline: `spec/` → `codegen/` (run by `build.rs`) →
//! [`generated`] (typed client, schemas, presentations, tool registry) → [`runtime`]
//! (HTTP, errors, retries, pagination, presentation) → [`server`] (the one call
//! pipeline: [`server::policy`], [`server::audit`], [`server::result_cap`],
//! [`server::summary`]; and MCP over stdio) → [`cli`] (the terminal: `call`, `tools`,
//! its flags and tables). [`metrics`] is the one hand-written tool: the normalized
//! `CodingToolMetrics` aggregation. [`docs`] keeps `docs/tools.md` and the README's tool
//! table in step with the spec.

pub mod cli;
pub mod config;
pub mod docs;
pub mod generated;
pub mod metrics;
pub mod runtime;
pub mod server;

pub use generated::client::Client;
