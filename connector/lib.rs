//! claude-code-connector: an MCP server for the Anthropic Admin API, generated from
//! a spec.
//!
//! The layout follows the pipeline: `spec/` → `codegen/` (run by `build.rs`) →
//! [`generated`] (typed client, schemas, tool registry) → [`runtime`] (HTTP, errors,
//! retries, pagination) → [`server`] (MCP over stdio, limited by [`policy`],
//! writes recorded by [`audit`], results bounded by [`result_cap`]). [`metrics`] is
//! the one hand-written tool: the normalized `CodingToolMetrics` aggregation. [`docs`] keeps
//! `docs/tools.md` and the README's tool table in step with the spec.

pub mod audit;
pub mod cli;
pub mod config;
pub mod docs;
pub mod generated;
pub mod metrics;
pub mod policy;
pub mod result_cap;
pub mod runtime;
pub mod server;
pub mod summary;

pub use generated::client::Client;
