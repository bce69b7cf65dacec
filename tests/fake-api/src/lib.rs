//! Strict, stateful, in-process fake of the Anthropic Admin API: public API and re-exports.

mod analytics;
mod dataset;
mod errors;
mod faults;
mod listener;
mod paging;
mod query;
mod rate_limits;
mod records;
mod reports;
mod resources;
mod server;
mod spec_examples;
mod spec_state;

/// The only Admin API key the fake accepts in `x-api-key`.
pub const FAKE_ADMIN_KEY: &str = "sk-ant-admin01-fake-key-for-tests-0000";

pub use dataset::{
    ApiKey, ApiObject, ClaudeCodeActor, ClaudeCodeRecord, CostRow, DEFAULT_ORGANIZATION_ID, DataResidency, Dataset,
    DemoDays, Invite, KeyActor, ModelUsage, Organization, RateLimit, RateLimits, ToolActionCount, UsageRow, User,
    Workspace, WorkspaceMember, WorkspaceRateLimitOverride,
};
pub use faults::{ECHO_KEY_PLACEHOLDER, Fault, Streamed, http_date};
pub use server::{FakeAdminApi, RecordedRequest};
