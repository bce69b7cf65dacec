//! The shapes the generated tool registry is written in.

use super::JsonObject;
use super::presentation::Presentation;

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

/// What a tool returns: the envelope the generator wraps its items in, and how the
/// items read (their [`Presentation`]).
#[derive(Debug, Clone, Copy)]
pub enum ResultShape {
    /// One object.
    Object(&'static Presentation),
    /// A page of `data` walked with ID cursors: `page`, `per_page`, `has_more`.
    Page(&'static Presentation),
    /// A window of a report: `page`, `per_page`, `total`, `has_more`.
    Window(&'static Presentation),
    /// A whole report; with `total_cents` and `total_usd` when the tool sums cents.
    Report(&'static Presentation),
    /// One request per day: `days`.
    PerDay(&'static Presentation),
}

impl ResultShape {
    /// How one item (or the object) reads.
    pub fn presentation(self) -> &'static Presentation {
        match self {
            ResultShape::Object(p)
            | ResultShape::Page(p)
            | ResultShape::Window(p)
            | ResultShape::Report(p)
            | ResultShape::PerDay(p) => p,
        }
    }

    /// Whether the result is a list of items under [`envelope::DATA`].
    pub fn is_list(self) -> bool {
        !matches!(self, ResultShape::Object(_))
    }
}

/// The keys of a result's envelope, and the fields the connector adds ([`super::envelope`]).
pub use super::envelope;

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
    /// A write the spec declares organization-level (`scope: organization`): it changes
    /// the organization as a whole, so `--workspaces` refuses it unless the operator
    /// allows organization-level writes.
    pub organization_write: bool,
    /// How `--workspaces` learns the workspace of a write's target when no argument names
    /// it: a read tool run with the write's ID arguments, and the field of its result.
    pub workspace_lookup: Option<WorkspaceLookup>,
    /// The read tool that shows whether a write was applied (named when its outcome is unknown).
    pub check_with: Option<&'static str>,
    /// The arguments holding object IDs: what a call targets (for the audit log).
    pub id_arguments: &'static [&'static str],
    pub result_shape: ResultShape,
    /// The `fields` argument: which item fields the text result keeps (structuredContent keeps all).
    pub fields_argument: Option<&'static str>,
    /// A report whose rows roll up (`period`, `group_by`, `sort`, `top`).
    pub aggregation: Option<Aggregation>,
    /// Arguments that keep only the items whose column reads their value (`filters:`).
    pub filters: &'static [super::ItemFilter],
}

/// How a report tool rolls its rows up (the generated arguments `period`, `group_by`,
/// `sort` and `top`; see `answer::rollup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aggregation {
    /// The tool's own argument whose values name the dimensions the API grouped by;
    /// `None` when the generated `group_by` groups locally.
    pub upstream_group_by: Option<&'static str>,
}

impl Aggregation {
    pub const PERIOD: &'static str = "period";
    pub const GROUP_BY: &'static str = "group_by";
    pub const SORT: &'static str = "sort";
    pub const TOP: &'static str = "top";
}

/// `guards.workspace_of` of the spec: run `tool` with the write's ID arguments and read
/// `field` of its result (a workspace ID; null means the Default Workspace).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkspaceLookup {
    pub tool: &'static str,
    pub field: &'static str,
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
    /// What it completes from (`completion/complete`), as the spec declares it.
    pub completion: Completion,
}

/// What a prompt argument completes from (the spec's `values:` or `complete:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Free text: nothing to offer.
    None,
    /// An enum: these values, and no other.
    Values(&'static [&'static str]),
    /// The date words of this span.
    Dates(super::date::DateSpan),
    /// A field of the objects a read-only list tool returns.
    Objects(ObjectList),
}

/// `complete: {tool, field}` of the spec: the first page of a read-only list tool, of
/// `page_size` items (asked through its `per_page` argument), and the string `field` of
/// each item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectList {
    pub tool: &'static str,
    pub field: &'static str,
    pub per_page: &'static str,
    pub page_size: u32,
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
            let given = !matches!(arguments.get(argument.name), Some(serde_json::Value::Null) | None);
            if let Completion::Values(values) = argument.completion
                && given
                && !values.contains(&value.as_str())
            {
                return Err(ArgError::new(argument.name, format!("must be one of: {}", values.join(", "))));
            }
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

/// The future of one tool call.
pub type Invoked<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<serde_json::Value, super::Error>> + Send + 'a>>;

/// A tool call whose arguments passed the spec's checks, ready to run (the generated
/// `tools::Call`).
pub trait Invocation: Send + Sync + std::fmt::Debug {
    fn invoke<'a>(&'a self, http: &'a super::Http) -> Invoked<'a>;

    /// The organization role the call grants, as decoded (aliases resolved), for tools
    /// with an `org_role` guard.
    fn granted_role(&self) -> Option<&'static str> {
        None
    }

    /// Whether the call asked its report to be rolled up (`period`, `group_by`, `sort`,
    /// `top`), so that its result is a [`super::envelope::RolledUp`].
    fn rolls_up(&self) -> bool {
        false
    }
}

/// Checks the arguments of the tool at an index of [`Registry::tools`].
pub type Decode = fn(usize, &JsonObject) -> Result<Box<dyn Invocation>, super::ArgError>;

/// Everything the call pipeline needs from one generated spec: the server, its tools
/// and prompts, and how to turn a tool's arguments into a checked call.
#[derive(Debug, Clone, Copy)]
pub struct Registry {
    pub server: &'static ServerDefinition,
    pub tools: &'static [ToolDefinition],
    pub prompts: &'static [PromptDefinition],
    pub decode: Decode,
}

impl Registry {
    /// The tool with this MCP name and its index.
    pub fn tool(&self, name: &str) -> Option<(usize, &'static ToolDefinition)> {
        self.tools.iter().enumerate().find(|(_, def)| def.name == name)
    }
}
