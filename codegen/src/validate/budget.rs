//! The model-visible size of the tool list: what a model reads of each tool in
//! `tools/list` (its name, description and input schema, as compact JSON) is context it
//! pays for in every conversation. The generator keeps each tool under
//! [`MAX_TOOL_BYTES`] and the average under [`AVERAGE_TOOL_BYTES`] (README
//! "Performance" measures the same bytes), and names what to shorten when a spec edit
//! goes past either.

use serde_json::{Value, json};

use super::Ctx;
use crate::emit::schema::input_schema;
use crate::error::Error;
use crate::ir::{Model, Tool};

/// The most bytes of name, description and input schema the tools may average.
pub const AVERAGE_TOOL_BYTES: usize = 800;
/// The most bytes of name, description and input schema one tool may take.
pub const MAX_TOOL_BYTES: usize = 4096;

/// What a model reads of one tool, as `tools/list` sends it.
pub fn model_visible_bytes(tool: &Tool) -> usize {
    json!({"name": tool.name, "description": tool.description, "inputSchema": input_schema(tool)}).to_string().len()
}

/// The parts of a tool that take the most bytes, largest first: its description and
/// each argument's schema (most of it, its description).
fn largest_parts(tool: &Tool) -> String {
    let schema = input_schema(tool);
    let mut parts: Vec<(usize, String)> = vec![(tool.description.len(), "the description".to_string())];
    if let Some(Value::Object(properties)) = schema.get("properties") {
        parts.extend(properties.iter().map(|(name, property)| (property.to_string().len(), format!("`{name}`"))));
    }
    parts.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    parts.iter().take(3).map(|(bytes, part)| format!("{part} {bytes} B")).collect::<Vec<_>>().join(", ")
}

/// Each tool within [`MAX_TOOL_BYTES`], and the average within [`AVERAGE_TOOL_BYTES`].
pub(super) fn check(cx: &Ctx, model: &Model) -> Result<(), Error> {
    let sizes: Vec<(usize, &Tool)> = model.tools.iter().map(|tool| (model_visible_bytes(tool), tool)).collect();
    if let Some((bytes, tool)) = sizes.iter().find(|(bytes, _)| *bytes > MAX_TOOL_BYTES) {
        return cx.fail(
            format!("tool `{}`", tool.name),
            format!(
                "a model reads {bytes} B of this tool in tools/list (name, description and input schema), above the {MAX_TOOL_BYTES} B one tool may take"
            ),
            format!("shorten its largest parts ({}): descriptions say what the model needs to choose and call the tool, no more", largest_parts(tool)),
        );
    }
    if sizes.is_empty() {
        return Ok(());
    }
    let total: usize = sizes.iter().map(|(bytes, _)| bytes).sum();
    let average = total / sizes.len();
    if average <= AVERAGE_TOOL_BYTES {
        return Ok(());
    }
    let mut largest: Vec<&(usize, &Tool)> = sizes.iter().collect();
    largest.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    let over = total - AVERAGE_TOOL_BYTES * sizes.len();
    let named: Vec<String> = largest
        .iter()
        .take(3)
        .map(|(bytes, tool)| format!("`{}` {bytes} B ({})", tool.name, largest_parts(tool)))
        .collect();
    cx.fail(
        "tools",
        format!(
            "a model reads {average} B per tool on average in tools/list (name, description and input schema of {} tools), above the {AVERAGE_TOOL_BYTES} B budget",
            sizes.len()
        ),
        format!(
            "shorten descriptions by {over} B in all; the largest tools are {}",
            named.join("; ")
        ),
    )
}
