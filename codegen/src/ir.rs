//! The validated, normalized model of the spec: the only input of the emitters.

/// Everything the emitters need, in the order the spec wrote it.
#[derive(Debug, Clone)]
pub struct Model {
    /// How errors name the spec file.
    pub file: String,
    pub server: Server,
    pub groups: Vec<Group>,
    pub types: Vec<TypeDef>,
    /// Organization roles from least to most privileged.
    pub org_roles: Vec<String>,
    pub prompts: Vec<Prompt>,
    pub tools: Vec<Tool>,
}

/// An MCP prompt: a message template over the tools.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub name: String,
    pub title: String,
    pub description: String,
    pub arguments: Vec<PromptArg>,
    pub template: String,
}

#[derive(Debug, Clone)]
pub struct PromptArg {
    pub name: String,
    pub description: String,
    pub required: bool,
    pub default: Option<String>,
    pub completion: Completion,
}

/// What a prompt argument completes from (`completion/complete`).
#[derive(Debug, Clone, PartialEq)]
pub enum Completion {
    /// Free text: nothing to offer.
    None,
    /// An enum: these values, and no other.
    Values(Vec<String>),
    /// Date words of this span.
    Dates(DateSpan),
    /// A string field of the items of a read-only, id-cursor list tool, one page of
    /// `page_size` items asked through its `per_page` argument.
    Objects { tool: String, field: String, per_page: String, page_size: u32 },
}

/// Which date words a prompt argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpan {
    /// One day (`day`).
    Day,
    /// A day or a month: a period's first or last day (`date`).
    DayOrMonth,
    /// A month (`month`).
    Month,
}

#[derive(Debug, Clone)]
pub struct Server {
    pub name: String,
    pub title: String,
    pub instructions: String,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    /// An example value as the API sends it (for the docs).
    pub example: Option<serde_json::Value>,
    /// How it reads: declared in the spec, or derived from its fields.
    pub presentation: Presentation,
}

/// How people and models read a type (the runtime's `Presentation`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Presentation {
    pub noun: String,
    pub plural: String,
    pub identity: Vec<String>,
    pub details: Vec<String>,
    pub flags: Vec<(String, String)>,
    /// A column name.
    pub time: Option<String>,
    /// `(list field, item type name)`.
    pub rows: Option<(String, String)>,
    /// `(list field, item type name)`: per-item details (a record's models) that grouping
    /// by one of their dimensions spreads into.
    pub breakdown: Option<(String, String)>,
    pub columns: Vec<Column>,
    /// A summary line with `{column}` placeholders.
    pub summary: Option<String>,
    /// Written in the spec, not derived.
    pub declared: bool,
    /// Names beside ID columns (`names:`), checked against the tools.
    pub names: Vec<NameLookup>,
}

/// The name of the object an ID column holds: `field` of the item of the list `tool`
/// whose `key` equals the ID (`none` when the ID is null), shown as the column `into`.
#[derive(Debug, Clone, PartialEq)]
pub struct NameLookup {
    pub column: String,
    pub tool: String,
    pub key: String,
    pub field: String,
    pub none: Option<String>,
    pub into: String,
    /// The list tool's arguments besides its page, as JSON text (`{}` when none).
    pub with: String,
    /// The list tool's page and page-size arguments, and the page size asked.
    pub page: String,
    pub per_page: String,
    pub page_size: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub label: String,
    /// Alternatives; each a path of field names, `*` for every item or value.
    pub paths: Vec<Vec<String>>,
    pub kind: ColumnKind,
    pub role: ColumnRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Count,
    Number,
    MoneyCents,
    MoneyUsd,
    Percent,
    Date,
    Datetime,
    Boolean,
}

impl ColumnKind {
    /// The spec's words, in the order a fix message lists them.
    pub const NAMES: &'static [(&'static str, ColumnKind)] = &[
        ("text", ColumnKind::Text),
        ("count", ColumnKind::Count),
        ("number", ColumnKind::Number),
        ("money_cents", ColumnKind::MoneyCents),
        ("money_usd", ColumnKind::MoneyUsd),
        ("percent", ColumnKind::Percent),
        ("date", ColumnKind::Date),
        ("datetime", ColumnKind::Datetime),
        ("boolean", ColumnKind::Boolean),
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, kind)| *kind == self).map_or("text", |(name, _)| name)
    }

    /// The runtime enum variant.
    pub fn variant(self) -> &'static str {
        match self {
            ColumnKind::Text => "Text",
            ColumnKind::Count => "Count",
            ColumnKind::Number => "Number",
            ColumnKind::MoneyCents => "MoneyCents",
            ColumnKind::MoneyUsd => "MoneyUsd",
            ColumnKind::Percent => "Percent",
            ColumnKind::Date => "Date",
            ColumnKind::Datetime => "Datetime",
            ColumnKind::Boolean => "Boolean",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ColumnKind::Count
                | ColumnKind::Number
                | ColumnKind::MoneyCents
                | ColumnKind::MoneyUsd
                | ColumnKind::Percent
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    Plain,
    Dimension,
    Measure,
}

impl ColumnRole {
    pub fn variant(self) -> &'static str {
        match self {
            ColumnRole::Plain => "Plain",
            ColumnRole::Dimension => "Dimension",
            ColumnRole::Measure => "Measure",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: TypeExpr,
    pub nullable: bool,
    pub optional: bool,
    pub description: Option<String>,
    pub known_values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    String,
    Integer,
    Number,
    Boolean,
    /// A non-negative integer (token counts, sessions): `u64`, so a negative value fails decoding.
    Count,
    /// A decimal number sent as a string (`"123.45"`), kept as text so nothing is rounded.
    Decimal,
    Any,
    Named(String),
    List(Box<TypeExpr>),
    Map(Box<TypeExpr>),
}

#[derive(Debug, Clone)]
pub struct Tool {
    pub name: String,
    /// The tool name without the `claude_code_` prefix: the Rust method name.
    pub rust_name: String,
    pub title: String,
    pub group: String,
    pub description: String,
    pub annotations: Annotations,
    pub args: Vec<Arg>,
    pub checks: Vec<Check>,
    pub action: Action,
    /// The argument naming the workspace a write targets.
    pub workspace_guard: Option<String>,
    /// The argument carrying an organization role being granted.
    pub org_role_guard: Option<String>,
    /// A write declared `scope: organization`: it changes the organization as a whole, so
    /// `--workspaces` refuses it unless the operator allows organization-level writes.
    pub organization_scope: bool,
    /// A report whose rows the connector can roll up: the generated arguments
    /// `period`, `group_by` (unless the API groups), `sort` and `top`.
    pub aggregation: Option<Aggregation>,
    /// The read tool and output field that tell which workspace the write's target belongs to.
    pub workspace_lookup: Option<WorkspaceLookup>,
    /// The read tool to call to see whether a write whose outcome is unknown was applied.
    pub check_with: Option<String>,
    /// Example calls and the exact requests each must send (wire-tested against the fake).
    pub examples: Vec<ExampleCall>,
    /// Local item filters: (argument, presentation column of the output item).
    pub filters: Vec<(String, String)>,
}

/// An example call of a tool: its arguments and the upstream requests they produce.
#[derive(Debug, Clone)]
pub struct ExampleCall {
    pub arguments: serde_json::Map<String, serde_json::Value>,
    pub requests: Vec<ExampleRequest>,
}

#[derive(Debug, Clone)]
pub struct ExampleRequest {
    pub method: Method,
    pub path: String,
    /// In the order sent.
    pub query: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
    pub headers: Vec<(String, String)>,
}

/// How a report tool's rows are rolled up locally.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregation {
    /// The tool's own argument whose values name the dimensions the API grouped by; when
    /// absent, the generated `group_by` argument groups locally.
    pub upstream_group_by: Option<String>,
}

/// `guards.workspace_of`, checked.
#[derive(Debug, Clone)]
pub struct WorkspaceLookup {
    pub tool: String,
    pub field: String,
}

impl Tool {
    /// The `type: fields` argument, if the tool has one.
    pub fn fields_argument(&self) -> Option<&Arg> {
        self.args.iter().find(|a| a.selects_fields)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Annotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

impl Annotations {
    /// What the docs call the tool: `read`, `write` or `destructive`.
    pub fn kind(&self) -> &'static str {
        if self.destructive {
            "destructive"
        } else if self.read_only {
            "read"
        } else {
            "write"
        }
    }
}

/// What a tool does once its arguments are valid.
#[derive(Debug, Clone)]
pub enum Action {
    /// One or more HTTP requests described entirely by the spec.
    Http(HttpCall),
    /// A hand-written function (for what a spec cannot say).
    /// A hand-written tool: the spec names it (`handler: NAME`); its Rust paths are the
    /// generator's [`crate::Config`]'s (build.rs), filled in by [`crate::generate`].
    Handler { name: String, function: String, output: String, presentation: String },
}

#[derive(Debug, Clone)]
pub struct HttpCall {
    pub method: Method,
    /// Path template pieces: literal text and `{placeholder}` names.
    pub path: Vec<PathPiece>,
    /// What a 404 means: literal text and `{argument}` names (required text arguments).
    pub not_found: Option<Vec<PathPiece>>,
    /// Beta tokens (`[a-z0-9-]+`, distinct), sent comma-joined as `anthropic-beta`.
    pub beta: Vec<String>,
    /// Whether the request carries a JSON body: a POST with body arguments (an object of
    /// those given, maybe empty), or one the spec declares `body: empty` (`{}`). Nothing
    /// else sends a body.
    pub json_body: bool,
    pub fixed_query: Vec<(String, String)>,
    pub pagination: Pagination,
    pub summary: Option<SumCents>,
    /// `cache.closed_after`: the date argument whose day ends the request's range, so
    /// that the answer may be cached once that day has settled (none: never cached).
    pub closed_after: Option<Box<str>>,
    /// The response type (for paginated tools: the item type).
    pub output: String,
    /// `pagination.split_days`: a range longer than the API accepts, split into windows.
    pub split: Option<Box<RangeSplit>>,
}

/// A date range sent in windows of at most `days` days (the API's limit per request):
/// the `start` and `end` date arguments of the tool's `date_range` check are replaced
/// by each window's first and last day.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSplit {
    pub start: String,
    pub end: String,
    pub days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathPiece {
    Literal(String),
    Placeholder(String),
}

#[derive(Debug, Clone)]
pub enum Pagination {
    None,
    IdCursor {
        page: String,
        per_page: String,
    },
    PageToken {
        window: Option<(String, String)>,
    },
    /// Concurrency is the runtime's (`Http::concurrency`), not the spec's.
    PerDay {
        start: String,
        end: String,
        query: String,
        limit: u32,
    },
}

/// Sum a decimal-cents string field over the report: `list.field`.
#[derive(Debug, Clone)]
pub struct SumCents {
    pub list_field: String,
    pub amount_field: String,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub name: String,
    pub kind: ArgKind,
    pub required: bool,
    pub default: Option<DefaultValue>,
    pub description: String,
    pub upstream: Option<Upstream>,
    /// An example value (for the docs' example call).
    pub example: Option<serde_json::Value>,
    /// `type: fields`: a list of the output item's field names that the text result keeps.
    pub selects_fields: bool,
    /// For a date: which end of a period it is (a month means its first or last day).
    pub date_bound: DateBound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    Start,
    End,
    Day,
}

#[derive(Debug, Clone)]
pub enum ArgKind {
    String {
        min_length: Option<u32>,
        max_length: Option<u32>,
    },
    Integer {
        minimum: Option<i64>,
        maximum: Option<i64>,
    },
    Boolean,
    Date,
    Email,
    Id,
    Enum(EnumArg),
    /// A list of string, email, id or enum items, sent as repeated query pairs or a JSON array.
    List(ListArg),
    /// A string-to-string map (tags), sent as a JSON object.
    Map(MapArg),
}

#[derive(Debug, Clone)]
pub struct ListArg {
    pub item: Box<ArgKind>,
    pub min_items: u32,
    pub max_items: u32,
    /// A single string accepted instead of the list (`unrestricted`), sent as that string.
    pub alternative: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MapArg {
    pub max_entries: u32,
    pub key_max_length: u32,
    pub value_max_length: u32,
    /// Keys may not start with this (compared case-insensitively).
    pub reserved_key_prefix: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EnumArg {
    pub values: Vec<String>,
    pub aliases: Vec<(String, String)>,
    pub refused: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Integer(i64),
    Boolean(bool),
    String(String),
}

#[derive(Debug, Clone)]
pub enum Upstream {
    Query { name: String, transform: Option<Transform> },
    Path { name: String },
    Body { path: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// `YYYY-MM-DD` → `YYYY-MM-DDT00:00:00Z`.
    StartOfDay,
    /// `YYYY-MM-DD` → the next day's `T00:00:00Z` (an inclusive end becomes an exclusive one).
    StartOfNextDay,
}

impl Transform {
    pub const NAMES: &'static [&'static str] = &["start_of_day", "start_of_next_day"];
}

#[derive(Debug, Clone)]
pub enum Check {
    DateRange { start: String, end: String, max_days: Option<u32> },
    AtLeastOne(Vec<String>),
}

impl Model {
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

impl Tool {
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

impl HttpCall {
    /// The query parameters a request of this call may carry: its arguments', its fixed
    /// query and its pagination's.
    pub fn query_names(&self, args: &[Arg]) -> Vec<String> {
        let mut names: Vec<String> = args
            .iter()
            .filter_map(|a| match &a.upstream {
                Some(Upstream::Query { name, .. }) => Some(name.clone()),
                _ => None,
            })
            .collect();
        names.extend(self.fixed_query.iter().map(|(name, _)| name.clone()));
        let paging: &[&str] = match &self.pagination {
            Pagination::None => &[],
            Pagination::IdCursor { .. } => &["limit", "after_id"],
            Pagination::PageToken { .. } => &["page"],
            Pagination::PerDay { query, .. } => {
                names.push(query.clone());
                &["limit", "page"]
            }
        };
        names.extend(paging.iter().map(|name| name.to_string()));
        names
    }

    /// The path template, `{placeholder}`s as written in the spec.
    pub fn path_template(&self) -> String {
        self.path
            .iter()
            .map(|piece| match piece {
                PathPiece::Literal(text) => text.clone(),
                PathPiece::Placeholder(name) => format!("{{{name}}}"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Annotations;

    #[test]
    fn a_tool_is_read_write_or_destructive() {
        let tool = |read_only, destructive| Annotations { read_only, destructive, idempotent: true, open_world: true };
        assert_eq!(tool(true, false).kind(), "read");
        assert_eq!(tool(false, false).kind(), "write");
        assert_eq!(tool(false, true).kind(), "destructive");
    }
}
