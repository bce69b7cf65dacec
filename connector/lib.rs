//! claude-code-connector: an MCP server for the Anthropic Admin API, generated from
//! a spec.
//!
//! The layout follows one call: `spec/` → `codegen/` (run by `build.rs`) →
//! [`generated`] (typed client, schemas, presentations, tool registry) → [`runtime`]
//! (what generated code calls: HTTP, errors, retries, pagination, cache, roll-ups) →
//! [`pipeline`] (the one way a tool runs, transport-free: policy, writes and their
//! audit, completion) → [`answer`] (how a result reads: cap, summary, tables) →
//! [`transport`] (MCP over stdio and over HTTP for a team) and [`cli`] (the terminal).
//! [`metrics`] is the one hand-written tool: the normalized `CodingToolMetrics`.
//! [`docs`] keeps `docs/tools.md` and the README's tool table in step with the spec.

pub mod answer;
pub mod cli;
pub mod config;
pub mod docs;
pub mod generated;
pub mod metrics;
pub mod pipeline;
pub mod runtime;
pub mod transport;

pub use generated::client::Client;
