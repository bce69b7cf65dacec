//! `claude_code_get_normalized_metrics`: the `CodingToolMetrics` view of Claude Code.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::generated::args::GetNormalizedMetricsArgs;
use crate::generated::client::Client;
use crate::runtime::Error;

/// Placeholder shape until the aggregation lands.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CodingToolMetrics {
    pub tool_name: String,
}

pub async fn get_normalized_metrics(
    _client: &Client,
    _args: &GetNormalizedMetricsArgs,
) -> Result<CodingToolMetrics, Error> {
    Err(Error::Internal("not implemented yet".into()))
}
