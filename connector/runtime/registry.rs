//! The shapes the generated tool registry is written in.

use super::JsonObject;

/// Name, title and instructions the server announces.
#[derive(Debug, Clone, Copy)]
pub struct ServerDefinition {
    pub name: &'static str,
    pub title: &'static str,
    pub instructions: &'static str,
}

/// A group of tools (for people: docs and the CLI).
#[derive(Debug, Clone, Copy)]
pub struct Group {
    pub id: &'static str,
    pub title: &'static str,
}

/// MCP tool annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Annotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

/// What a tool does to the organization, as the docs and the tool table call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToolKind {
    /// Only reads.
    Read,
    /// Changes something that can be changed back.
    Write,
    /// Removes or revokes something.
    Destructive,
}

impl ToolKind {
    /// `read`, `write` or `destructive`.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolKind::Read => "read",
            ToolKind::Write => "write",
            ToolKind::Destructive => "destructive",
        }
    }
}

impl std::fmt::Display for ToolKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a tool's output schema comes from.
#[derive(Debug, Clone, Copy)]
pub enum OutputSchema {
    /// Emitted from the spec, as JSON text.
    Json(&'static str),
    /// Derived from a hand-written Rust type with schemars.
    Derived(fn() -> JsonObject),
    None,
}

/// What a tool returns, for the one-line summary that opens its text result. The
/// names are the spec's item types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultShape {
    /// One object.
    Object(&'static str),
    /// A page of `data` walked with ID cursors: `page`, `per_page`, `has_more`.
    Page(&'static str),
    /// A window of a report: `page`, `per_page`, `total`, `has_more`.
    Window(&'static str),
    /// A whole report; with `total_usd` when it sums cents.
    Report(&'static str),
    /// One request per day: `days`.
    PerDay(&'static str),
    /// A hand-written result.
    Handler,
}

/// One tool as the spec defines it.
#[derive(Debug, Clone, Copy)]
pub struct ToolDefinition {
    pub name: &'static str,
    pub title: &'static str,
    pub group: &'static str,
    pub description: &'static str,
    /// JSON text of the input schema.
    pub input_schema: &'static str,
    pub output_schema: OutputSchema,
    pub annotations: Annotations,
    /// Read, write or destructive: what the docs and the tool table call it.
    pub kind: ToolKind,
    /// The argument naming the workspace this write targets (`--workspaces` confines it).
    pub workspace_argument: Option<&'static str>,
    /// The argument carrying an organization role being granted (`--max-role` caps it).
    pub org_role_argument: Option<&'static str>,
    /// The arguments holding object IDs: what a call targets (for the audit log).
    pub id_arguments: &'static [&'static str],
    pub result_shape: ResultShape,
    /// The `fields` argument: which item fields the text result keeps (structuredContent keeps all).
    pub fields_argument: Option<&'static str>,
}

/// The JSON Schema of a Rust type, rooted at an object, without `$schema` noise.
pub fn schema_of<T: schemars::JsonSchema>() -> JsonObject {
    let settings = schemars::generate::SchemaSettings::draft2020_12();
    let schema = settings.into_generator().into_root_schema_for::<T>();
    match serde_json::to_value(schema) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.remove("$schema");
            map
        }
        _ => JsonObject::new(),
    }
}

/// An MCP prompt as the spec defines it: a message template over the tools.
#[derive(Debug, Clone, Copy)]
pub struct PromptDefinition {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub arguments: &'static [PromptArgument],
    /// `{{argument}}` marks where a value goes.
    pub template: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct PromptArgument {
    pub name: &'static str,
    pub description: &'static str,
    pub required: bool,
    pub default: Option<&'static str>,
}

/// The longest value a prompt argument takes (it is pasted into a message).
pub const MAX_PROMPT_ARGUMENT_CHARS: usize = 200;

impl PromptDefinition {
    /// The message with every `{{argument}}` replaced. A missing required argument,
    /// an unknown one or an overlong value is an error naming the argument.
    pub fn render(&self, arguments: &JsonObject) -> Result<String, super::ArgError> {
        use super::ArgError;
        if let Some(unknown) = arguments.keys().find(|k| !self.arguments.iter().any(|a| a.name == k.as_str())) {
            let known: Vec<&str> = self.arguments.iter().map(|a| a.name).collect();
            return Err(ArgError::new(
                unknown.chars().take(60).collect::<String>(),
                format!("unknown argument; this prompt takes: {}", known.join(", ")),
            ));
        }
        let mut text = self.template.to_string();
        for argument in self.arguments {
            let value = match arguments.get(argument.name) {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::Null) | None => match (argument.required, argument.default) {
                    (false, Some(default)) => default.to_string(),
                    (false, None) => "(not given)".to_string(),
                    (true, _) => return Err(ArgError::new(argument.name, "is required")),
                },
                Some(serde_json::Value::String(_)) => return Err(ArgError::new(argument.name, "must not be empty")),
                Some(_) => return Err(ArgError::new(argument.name, "must be a string")),
            };
            if value.chars().count() > MAX_PROMPT_ARGUMENT_CHARS || value.contains(['\n', '\r']) {
                return Err(ArgError::new(
                    argument.name,
                    format!("must be one line of at most {MAX_PROMPT_ARGUMENT_CHARS} characters"),
                ));
            }
            text = text.replace(&format!("{{{{{}}}}}", argument.name), &value);
        }
        Ok(text)
    }
}
