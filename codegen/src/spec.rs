//! The YAML spec as written by people: a serde model that rejects unknown keys.
//!
//! Nothing here is checked beyond syntax; `validate` turns it into the `ir`.

use serde::Deserialize;

/// `spec/admin-api.yaml`, top level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    pub format: u32,
    pub server: Server,
    pub groups: Ordered<String>,
    #[serde(default)]
    pub types: Ordered<TypeDef>,
    #[serde(default)]
    pub arguments: Ordered<ArgumentDef>,
    /// Organization roles from least to most privileged (for `--max-role`).
    #[serde(default)]
    pub org_roles: Vec<String>,
    /// MCP prompts: parameterised workflows over the tools.
    #[serde(default)]
    pub prompts: Vec<PromptDef>,
    pub tools: Vec<ToolDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptDef {
    pub name: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub arguments: Ordered<PromptArgDef>,
    /// The message text; `{{argument}}` is replaced by the argument's value.
    pub template: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptArgDef {
    pub description: String,
    #[serde(default)]
    pub required: bool,
    /// Used when an optional argument is not given.
    #[serde(default)]
    pub default: Option<String>,
    /// The only values it takes (an enum): completed from them, anything else refused.
    #[serde(default)]
    pub values: Vec<String>,
    /// What completes it (`completion/complete`): a date word kind or an organization object.
    #[serde(default)]
    pub complete: Option<CompleteDef>,
}

/// `complete:` of a prompt argument: `day`, `date` or `month`, or `{tool, field}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum CompleteDef {
    /// The date words of a day (`day`), of a day or a month (`date`), or of a month (`month`).
    Dates(String),
    /// A field of the items a read-only list tool returns (workspace IDs, user emails).
    Objects(ObjectsDef),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectsDef {
    pub tool: String,
    pub field: String,
}

/// A YAML mapping whose key order is kept (the order people wrote is the order we emit).
#[derive(Debug, Clone)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Entries<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, T>()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(Entries(std::marker::PhantomData))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub name: String,
    pub title: String,
    pub instructions: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    #[serde(default)]
    pub description: Option<String>,
    pub fields: Ordered<FieldDef>,
    #[serde(default)]
    pub example: Option<yaml_serde::Value>,
    /// How people and models read it; derived from the fields when absent.
    #[serde(default)]
    pub presentation: Option<PresentationDef>,
}

/// `presentation:` of a type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresentationDef {
    /// One object, in words: `user`, `API key`.
    pub noun: String,
    /// Several; the noun plus `s` when absent.
    #[serde(default)]
    pub plural: Option<String>,
    /// Fields that name one object, shown after the noun.
    #[serde(default)]
    pub identity: Vec<String>,
    /// Fields shown in parentheses after the identity.
    #[serde(default)]
    pub details: Vec<String>,
    /// `field: word`: the word is shown when the field is set.
    #[serde(default)]
    pub flags: Ordered<String>,
    /// The column that places an item in time (reports).
    #[serde(default)]
    pub time: Option<String>,
    /// A list field whose items (of a type with a presentation) are this item's rows.
    #[serde(default)]
    pub rows: Option<String>,
    /// A list field of per-item details (of a type with a presentation) that grouping by
    /// one of their dimensions spreads into (a Claude Code record's models).
    #[serde(default)]
    pub breakdown: Option<String>,
    /// Named columns, in table order: a field path, or the details.
    #[serde(default)]
    pub columns: Ordered<ColumnDef>,
    /// The summary line of one object, with `{column}` placeholders (instead of
    /// noun, identity and details).
    #[serde(default)]
    pub summary: Option<String>,
    /// `column: {tool, field, key?, none?, as}`: the name of the object an ID column
    /// holds, read from a list tool, shown beside the ID as the column `as`.
    #[serde(default)]
    pub names: Ordered<NameDef>,
}

/// One `names:` entry of a presentation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameDef {
    /// A read-only list tool (id_cursor pagination, no required argument).
    pub tool: String,
    /// The string field of its items that names an object.
    pub field: String,
    /// The string field of its items that the column's value equals (default `id`).
    #[serde(default)]
    pub key: Option<String>,
    /// The name when the column is null (the Default Workspace has no ID).
    #[serde(default)]
    pub none: Option<String>,
    /// Arguments the list tool is called with besides its page (`include_archived: true`).
    #[serde(default)]
    pub with: Option<yaml_serde::Value>,
    /// The new column: its name in the item and in tables.
    #[serde(rename = "as")]
    pub into: String,
}

/// A column: a field path, or a map with details.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ColumnDef {
    Path(String),
    Long(ColumnDetails),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDetails {
    /// A field path (`core_metrics.num_sessions`, `tool_actions.*.accepted`), or a list
    /// of them of which the first present is shown.
    pub field: FieldPaths,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    /// `dimension` or `measure`.
    #[serde(default)]
    pub role: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FieldPaths {
    One(String),
    FirstOf(Vec<String>),
}

impl FieldPaths {
    pub fn as_slice(&self) -> &[String] {
        match self {
            FieldPaths::One(path) => std::slice::from_ref(path),
            FieldPaths::FirstOf(paths) => paths,
        }
    }
}

/// A response field: either a bare type expression or a map with details.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FieldDef {
    Short(String),
    Long(FieldDetails),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDetails {
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
}

/// A tool argument, or a shared one under `arguments:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgumentDef {
    #[serde(rename = "use", default)]
    pub use_shared: Option<String>,
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub default: Option<yaml_serde::Value>,
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub values: Option<Vec<String>>,
    #[serde(default)]
    pub aliases: Option<Ordered<String>>,
    #[serde(default)]
    pub refuse: Option<Ordered<String>>,
    #[serde(default)]
    pub items: Option<Box<ArgumentDef>>,
    #[serde(default)]
    pub min_items: Option<u32>,
    #[serde(default)]
    pub max_items: Option<u32>,
    #[serde(default)]
    pub alternative: Option<String>,
    #[serde(default)]
    pub key_max_length: Option<u32>,
    #[serde(default)]
    pub reserved_key_prefix: Option<String>,
    #[serde(default)]
    pub example: Option<yaml_serde::Value>,
    #[serde(default)]
    pub upstream: Option<Upstream>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub transform: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolDef {
    pub name: String,
    pub title: String,
    pub group: String,
    pub description: String,
    #[serde(default)]
    pub http: Option<Http>,
    pub annotations: Annotations,
    #[serde(default)]
    pub arguments: Ordered<ArgumentDef>,
    #[serde(default)]
    pub fixed_query: Ordered<String>,
    #[serde(default)]
    pub checks: Vec<Check>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(default)]
    pub summary: Option<Summary>,
    /// `cache: {closed_after: ARG}`: the report may be kept once ARG's day has settled.
    #[serde(default)]
    pub cache: Option<CacheDef>,
    #[serde(default)]
    pub output: Option<String>,
    /// The name of a hand-written handler; `build.rs` maps it to its Rust paths.
    #[serde(default)]
    pub handler: Option<String>,
    #[serde(default)]
    pub guards: Option<Guards>,
    /// What a write touches when no workspace guard says: `organization` (the organization
    /// as a whole, outside any workspace; `--workspaces` refuses it unless allowed).
    #[serde(default)]
    pub scope: Option<String>,
    /// Example calls and the exact requests each must send: the tool's wire tests.
    #[serde(default)]
    pub examples: Vec<ExampleCall>,
    /// `argument: column`: keep only the items whose presentation `column` reads the
    /// argument's value (exact, case ignored); applied locally, before any roll-up.
    #[serde(default)]
    pub filters: Ordered<String>,
}

/// `examples:` of a tool: arguments, and the upstream requests they must produce, in order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleCall {
    #[serde(default)]
    pub arguments: Option<yaml_serde::Value>,
    pub requests: Vec<ExampleRequest>,
}

/// One upstream request of an example call.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleRequest {
    pub method: String,
    pub path: String,
    /// `name=value` pairs, in the order sent.
    #[serde(default)]
    pub query: Vec<String>,
    #[serde(default)]
    pub body: Option<yaml_serde::Value>,
    /// Headers the request must carry, with their exact value.
    #[serde(default)]
    pub headers: Ordered<String>,
}

/// Which arguments the server's least-privilege options look at.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guards {
    /// The argument naming the workspace a write targets (`--workspaces`).
    #[serde(default)]
    pub workspace: Option<String>,
    /// The argument carrying an organization role being granted (`--max-role`).
    #[serde(default)]
    pub org_role: Option<String>,
    /// A read tool that tells which workspace the write's target belongs to
    /// (`--workspaces`), when no argument names it.
    #[serde(default)]
    pub workspace_of: Option<WorkspaceOf>,
    /// Why `--workspaces` does not apply to a write whose path names a workspace-scoped object.
    #[serde(default)]
    pub workspace_exempt: Option<String>,
}

/// `guards.workspace_of`: run `tool` with the write's ID arguments and read `field`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceOf {
    pub tool: String,
    pub field: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    pub method: String,
    pub path: String,
    /// What a 404 answer means, with `{argument}` placeholders: "no user `{user_id}`".
    #[serde(default)]
    pub not_found: Option<String>,
    /// Beta features the endpoint needs, sent as one comma-joined `anthropic-beta` header.
    #[serde(default)]
    pub beta: Vec<String>,
    /// `empty`: a POST that takes no body arguments sends an empty JSON object `{}`.
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

/// One rule across arguments; exactly one key is set.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    #[serde(default)]
    pub date_range: Option<DateRangeCheck>,
    #[serde(default)]
    pub at_least_one: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateRangeCheck {
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub max_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, tag = "style", rename_all = "snake_case")]
pub enum Pagination {
    IdCursor {
        page: String,
        per_page: String,
    },
    PageToken {
        #[serde(default)]
        window: Option<Window>,
        /// The most days the API accepts in one request: a longer range is split into
        /// windows of at most this many days, each drained, their items concatenated.
        #[serde(default)]
        split_days: Option<u32>,
    },
    PerDay {
        start: String,
        end: String,
        query: String,
        limit: u32,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub page: String,
    pub per_page: String,
}

/// `cache:` of a report tool: the date argument whose day closes the request's range.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheDef {
    pub closed_after: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub sum_cents: String,
}
