//! The small hand-written runtime the generated code calls: HTTP with auth and
//! retries, errors, argument checks, dates, money and the paginators.
//!
//! Generated code reaches everything through this module's re-exports, so moving
//! the runtime is a one-line change in `build.rs`.

pub mod args;
pub mod cache;
pub mod date;
pub mod digest;
pub mod envelope;
pub mod error;
pub mod filter;
pub mod http;
pub mod money;
pub mod pagination;
pub mod presentation;
pub mod progress;
pub mod proxy;
pub mod record;
pub mod registry;
pub mod rollup;
pub mod scrub;
pub mod split;

pub use args::{ArgEnum, Arguments, EnumRejection, ListOr, check, item};
pub use date::{Bound, DATE_PATTERN, Date, DateSpan, DateWord, RELATIVE_FORMS, transform};
pub use error::{ApiError, ArgError, Error};
pub use filter::ItemFilter;
pub use http::{
    AdminKey, Http, HttpConfig, Method, Request, RequestCount, RequestIds, RetryPolicy, Snapshot, path_segment,
};
pub use presentation::Presentation;
pub use progress::Progress;
pub use registry::{
    Aggregation, Annotations, Completion, Group, Invocation, Invoked, ObjectList, OutputSchema, PromptArgument,
    PromptDefinition, Registry, ResultShape, ServerDefinition, ToolDefinition, ToolKind, WorkspaceLookup, schema_of,
};
pub use serde;
pub use serde_json::Value;

/// A JSON object (MCP arguments, schemas, pass-through fields).
pub type JsonObject = serde_json::Map<String, Value>;

/// Serializes a tool result for MCP.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::Internal(format!("cannot encode the result: {e}")))
}
