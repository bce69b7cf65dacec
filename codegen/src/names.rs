//! Rust names for spec names: `claude_code_list_users` → `list_users`, `ListUsers`.

/// The prefix every tool name carries; Rust names drop it.
pub const TOOL_PREFIX: &str = "claude_code_";

pub fn rust_method_name(tool: &str) -> String {
    tool.strip_prefix(TOOL_PREFIX).unwrap_or(tool).replace('-', "_")
}

pub fn upper_camel(snake: &str) -> String {
    snake
        .split(['_', '-', '.'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The Rust enum variant for a spec value: `workspace_admin` → `WorkspaceAdmin`, `0-200k` → `V0200k`.
pub fn variant_name(value: &str) -> String {
    let camel = upper_camel(value);
    if camel.starts_with(|c: char| c.is_ascii_digit()) { format!("V{camel}") } else { camel }
}

/// A field name that is a Rust keyword gets the raw-identifier form.
pub fn field_ident(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "type", "match", "move", "ref", "self", "static", "struct", "trait", "use", "where", "loop", "mod", "impl",
        "fn", "for", "in", "let", "mut", "pub", "return", "enum", "crate", "const", "async", "await", "dyn", "else",
        "extern", "false", "true", "if", "while", "break", "continue", "super", "unsafe", "as", "box", "abstract",
        "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    if KEYWORDS.contains(&name) { format!("r#{name}") } else { name.to_string() }
}

pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub fn is_type_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

pub fn is_tool_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
