//! `presentation:` of a type: how people and models read it. Checks every rule (field
//! paths that exist, kinds that fit the field, roles that can be aggregated) and
//! derives a presentation from the fields for a type that declares none.

use std::collections::BTreeSet;

use super::Ctx;
use crate::error::Error;
use crate::ir::{Column, ColumnKind, ColumnRole, Presentation, TypeDef, TypeExpr};
use crate::names;
use crate::spec;

/// The wildcard step of a column path.
pub const EACH: &str = "*";

/// Field names a derived presentation leaves out of its columns.
const UNSHOWN_FIELDS: &[&str] = &["type"];

/// The checks of one type's presentation: errors through [`Ctx::fail`], placed at the type.
struct Rules<'a> {
    cx: &'a Ctx<'a>,
    types: &'a [TypeDef],
    type_name: &'a str,
}

impl Rules<'_> {
    fn fail<T>(&self, at: &str, rule: impl Into<String>, fix: impl Into<String>) -> Result<T, Error> {
        self.cx.fail(format!("type `{}`, presentation{at}", self.type_name), rule, fix)
    }

    fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// Sets every type's presentation: the declared one, checked, or one derived from its
/// fields. A type whose presentation breaks a rule is reported and left out.
pub(super) fn attach(cx: &Ctx, types: &mut Vec<TypeDef>, declared: &spec::Ordered<spec::TypeDef>) {
    let mut presentations = Vec::with_capacity(types.len());
    for def in types.iter() {
        let rules = Rules { cx, types, type_name: &def.name };
        let spec = declared.0.iter().find(|(name, _)| *name == def.name).and_then(|(_, d)| d.presentation.as_ref());
        presentations.push(match spec {
            Some(spec) => cx.keep(&def.name, validate(&rules, def, spec)),
            None => Some(derive(def)),
        });
    }
    let mut presentations = presentations.into_iter();
    types.retain_mut(|def| match presentations.next().flatten() {
        Some(presentation) => {
            def.presentation = presentation;
            true
        }
        None => false,
    });
}

/// `ApiKey` → `API key`, `ClaudeCodeRecord` → `Claude Code record`.
pub fn noun_of(type_name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in type_name.chars() {
        if c.is_ascii_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    words.push(current);
    // `UserDeleted` is a deleted user.
    if words.len() > 1 && words.last().is_some_and(|w| w == "deleted") {
        words.rotate_right(1);
    }
    let words: Vec<String> = words
        .into_iter()
        .map(|w| match w.as_str() {
            "api" => "API".to_string(),
            "claude" => "Claude".to_string(),
            "code" => "Code".to_string(),
            _ => w,
        })
        .collect();
    words.join(" ")
}

/// `created_by_user_id` → `Created by user ID`, `cost_usd` → `Cost`.
pub fn label_of(name: &str) -> String {
    let stem = name.strip_suffix("_usd").or_else(|| name.strip_suffix("_pct")).unwrap_or(name);
    let words: Vec<String> = stem
        .split('_')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(index, word)| match word {
            "id" => "ID".to_string(),
            "api" => "API".to_string(),
            "usd" => "USD".to_string(),
            "prs" => "PRs".to_string(),
            _ if index == 0 => {
                let mut chars = word.chars();
                chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
            }
            _ => word.to_string(),
        })
        .collect();
    words.join(" ")
}

fn plural_of(noun: &str) -> String {
    if noun.ends_with('s') { format!("{noun}es") } else { format!("{noun}s") }
}

fn is_scalar(ty: &TypeExpr) -> bool {
    matches!(
        ty,
        TypeExpr::String
            | TypeExpr::Integer
            | TypeExpr::Count
            | TypeExpr::Number
            | TypeExpr::Boolean
            | TypeExpr::Decimal
    )
}

fn default_kind(field: &str, ty: &TypeExpr) -> ColumnKind {
    match ty {
        TypeExpr::Integer | TypeExpr::Count => ColumnKind::Count,
        TypeExpr::Number | TypeExpr::Decimal => ColumnKind::Number,
        TypeExpr::Boolean => ColumnKind::Boolean,
        TypeExpr::String if field.ends_with("_at") => ColumnKind::Datetime,
        _ => ColumnKind::Text,
    }
}

/// A presentation from the fields alone: the type name as the noun, `id` as identity,
/// `name` as detail, and every scalar field as a column.
fn derive(def: &TypeDef) -> Presentation {
    let has = |name: &str| def.fields.iter().any(|f| f.name == name && is_scalar(&f.ty));
    let noun = noun_of(&def.name);
    Presentation {
        plural: plural_of(&noun),
        noun,
        identity: if has("id") { vec!["id".to_string()] } else { Vec::new() },
        details: if has("name") { vec!["name".to_string()] } else { Vec::new() },
        flags: Vec::new(),
        time: None,
        rows: None,
        breakdown: None,
        summary: None,
        names: Vec::new(),
        columns: def
            .fields
            .iter()
            .filter(|f| is_scalar(&f.ty) && !UNSHOWN_FIELDS.contains(&f.name.as_str()))
            .map(|f| Column {
                name: f.name.clone(),
                label: label_of(&f.name),
                paths: vec![vec![f.name.clone()]],
                kind: default_kind(&f.name, &f.ty),
                role: ColumnRole::Plain,
            })
            .collect(),
        declared: false,
    }
}

fn validate(rules: &Rules, def: &TypeDef, spec: &spec::PresentationDef) -> Result<Presentation, Error> {
    if spec.noun.trim().is_empty() || spec.plural.as_deref().is_some_and(|p| p.trim().is_empty()) {
        return rules.fail(".noun", "the noun must not be empty", "write how one item is called, e.g. `noun: user`");
    }
    let scalar_fields = |key: &str, fields: &[String]| -> Result<Vec<String>, Error> {
        for field in fields {
            if !def.fields.iter().any(|f| &f.name == field && is_scalar(&f.ty)) {
                return rules.fail(
                    &format!(".{key}"),
                    format!("`{field}` is not a field of the type that holds one value"),
                    format!("use one of: {}", scalar_names(def).join(", ")),
                );
            }
        }
        Ok(fields.to_vec())
    };
    let identity = scalar_fields("identity", &spec.identity)?;
    let details = scalar_fields("details", &spec.details)?;
    let flag_fields: Vec<String> = spec.flags.0.iter().map(|(field, _)| field.clone()).collect();
    let flag_fields = flag_fields.iter().map(|field| {
        if def.fields.iter().any(|f| &f.name == field) {
            Ok(())
        } else {
            rules.fail(
                ".flags",
                format!("`{field}` is not a field of the type"),
                format!("use one of: {}", def.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")),
            )
        }
    });
    flag_fields.collect::<Result<Vec<()>, Error>>()?;
    let columns = columns(rules, def, spec)?;
    let time = time_column(rules, spec, &columns)?;
    let rows = list_field(rules, def, ".rows", spec.rows.as_ref())?;
    let breakdown = list_field(rules, def, ".breakdown", spec.breakdown.as_ref())?;
    let summary = summary_template(rules, spec, &columns)?;
    Ok(Presentation {
        noun: spec.noun.trim().to_string(),
        plural: spec.plural.clone().unwrap_or_else(|| plural_of(spec.noun.trim())),
        identity,
        details,
        flags: spec.flags.0.clone(),
        time,
        rows,
        breakdown,
        columns,
        summary,
        declared: true,
        names: Vec::new(),
    })
}

fn scalar_names(def: &TypeDef) -> Vec<&str> {
    def.fields.iter().filter(|f| is_scalar(&f.ty)).map(|f| f.name.as_str()).collect()
}

fn columns(rules: &Rules, def: &TypeDef, spec: &spec::PresentationDef) -> Result<Vec<Column>, Error> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (name, column) in &spec.columns.0 {
        let at = format!(".columns.{name}");
        if !names::is_identifier(name) || !seen.insert(name.as_str()) {
            return rules.fail(&at, "a column name must be unique snake_case", "rename the column");
        }
        out.push(column_of(rules, def, &at, name, column)?);
    }
    Ok(out)
}

fn column_of(rules: &Rules, def: &TypeDef, at: &str, name: &str, spec: &spec::ColumnDef) -> Result<Column, Error> {
    let (paths, label, kind, role) = match spec {
        spec::ColumnDef::Path(path) => (std::slice::from_ref(path), None, None, None),
        spec::ColumnDef::Long(d) => (d.field.as_slice(), d.label.as_deref(), d.kind.as_deref(), d.role.as_deref()),
    };
    if paths.is_empty() {
        return rules.fail(at, "the column names no field", "write `field: a.path`");
    }
    let mut resolved = Vec::new();
    for path in paths {
        resolved.push(resolve(rules, def, at, path)?);
    }
    let (leaf_name, leaf) = resolved[0].clone();
    let fans_out = paths.iter().any(|p| p.split('.').any(|step| step == EACH));
    let kind = match kind {
        None => default_kind(&leaf_name, &leaf),
        Some(word) => match ColumnKind::NAMES.iter().find(|(name, _)| *name == word) {
            Some((_, kind)) => *kind,
            None => {
                let names: Vec<&str> = ColumnKind::NAMES.iter().map(|(n, _)| *n).collect();
                return rules.fail(at, format!("`{word}` is not a column kind"), format!("use {}", names.join(", ")));
            }
        },
    };
    for (path, (_, ty)) in paths.iter().zip(&resolved) {
        check_kind(rules, at, path, ty, kind)?;
    }
    let summing = matches!(kind, ColumnKind::Count | ColumnKind::MoneyCents | ColumnKind::MoneyUsd);
    if fans_out && !summing {
        return rules.fail(
            at,
            format!("a path through `{EACH}` reaches many values, which a `{}` column cannot show", kind.name()),
            "make it a count, money_cents or money_usd column (their values are summed), or name one field",
        );
    }
    let role = match role {
        None => ColumnRole::Plain,
        Some("dimension") if !fans_out && !summing => ColumnRole::Dimension,
        Some("dimension") => {
            return rules.fail(
                at,
                "a dimension groups rows by one value: it cannot be summed or go through `*`",
                "make it a measure, or name a text field",
            );
        }
        Some("measure") if summing => ColumnRole::Measure,
        Some("measure") => {
            return rules.fail(
                at,
                format!("a measure is summed, which a `{}` column is not", kind.name()),
                "give it kind count, money_cents or money_usd",
            );
        }
        Some(other) => return rules.fail(at, format!("`{other}` is not a role"), "use `dimension` or `measure`"),
    };
    Ok(Column {
        name: name.to_string(),
        label: label.map_or_else(|| label_of(name), str::to_string),
        paths: paths.iter().map(|p| p.split('.').map(str::to_string).collect()).collect(),
        kind,
        role,
    })
}

/// Walks `path` through the types; returns the last field's name and type.
fn resolve(rules: &Rules, def: &TypeDef, at: &str, path: &str) -> Result<(String, TypeExpr), Error> {
    let mut current = TypeExpr::Named(def.name.clone());
    let mut last = String::new();
    for step in path.split('.') {
        current = match (step, &current) {
            (EACH, TypeExpr::List(inner) | TypeExpr::Map(inner)) => (**inner).clone(),
            (EACH, _) => {
                return rules.fail(
                    at,
                    format!("`{path}`: `{EACH}` follows a field that is not a list or a map"),
                    format!("remove `{EACH}`, or put it after a list or map field"),
                );
            }
            (field, TypeExpr::Named(type_name)) => {
                let Some(named) = rules.type_def(type_name) else {
                    return rules.fail(at, format!("`{path}`: type `{type_name}` is not declared"), "declare it");
                };
                let Some(found) = named.fields.iter().find(|f| f.name == field) else {
                    let known: Vec<&str> = named.fields.iter().map(|f| f.name.as_str()).collect();
                    return rules.fail(
                        at,
                        format!("`{path}`: type `{type_name}` has no field `{field}`"),
                        format!("use one of: {}", known.join(", ")),
                    );
                };
                last = field.to_string();
                found.ty.clone()
            }
            (field, _) => {
                return rules.fail(
                    at,
                    format!("`{path}`: `{field}` follows a field that holds no fields"),
                    "end the path at a field with one value",
                );
            }
        };
    }
    if !is_scalar(&current) {
        return rules.fail(
            at,
            format!("`{path}` ends at a list, a map or an object, not at one value"),
            format!("continue the path into it (`{path}.field`, or `{path}.{EACH}.field` for a list)"),
        );
    }
    Ok((last, current))
}

fn check_kind(rules: &Rules, at: &str, path: &str, ty: &TypeExpr, kind: ColumnKind) -> Result<(), Error> {
    let fits = match kind {
        ColumnKind::Text => true,
        ColumnKind::Count => matches!(ty, TypeExpr::Integer | TypeExpr::Count),
        ColumnKind::Number | ColumnKind::Percent | ColumnKind::MoneyCents | ColumnKind::MoneyUsd => {
            matches!(ty, TypeExpr::Integer | TypeExpr::Count | TypeExpr::Number | TypeExpr::Decimal)
        }
        ColumnKind::Date | ColumnKind::Datetime => matches!(ty, TypeExpr::String),
        ColumnKind::Boolean => matches!(ty, TypeExpr::Boolean),
    };
    if fits {
        return Ok(());
    }
    let wanted = match kind {
        ColumnKind::Count => "an integer or count field",
        ColumnKind::Date | ColumnKind::Datetime => "a string field",
        ColumnKind::Boolean => "a boolean field",
        _ => "a numeric field (integer, count, number or decimal)",
    };
    rules.fail(
        at,
        format!("a {} column needs {wanted}, and `{path}` is {}", kind.name(), type_words(ty)),
        "point it at such a field, or choose the kind that fits the field",
    )
}

fn type_words(ty: &TypeExpr) -> &'static str {
    match ty {
        TypeExpr::String => "a string",
        TypeExpr::Integer => "an integer",
        TypeExpr::Count => "a count",
        TypeExpr::Number => "a number",
        TypeExpr::Decimal => "a decimal",
        TypeExpr::Boolean => "a boolean",
        _ => "not a single value",
    }
}

fn time_column(rules: &Rules, spec: &spec::PresentationDef, columns: &[Column]) -> Result<Option<String>, Error> {
    let Some(time) = &spec.time else { return Ok(None) };
    match columns.iter().find(|c| &c.name == time) {
        Some(column) if matches!(column.kind, ColumnKind::Date | ColumnKind::Datetime) => Ok(Some(time.clone())),
        Some(_) => rules.fail(
            ".time",
            format!("column `{time}` is not a date or datetime column"),
            format!("give `{time}` kind date or datetime"),
        ),
        None => rules.fail(
            ".time",
            format!("`{time}` is not one of the columns"),
            "name a date or datetime column of this presentation",
        ),
    }
}

/// `{name}` placeholders of a summary template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    names
}

fn summary_template(rules: &Rules, spec: &spec::PresentationDef, columns: &[Column]) -> Result<Option<String>, Error> {
    let Some(template) = &spec.summary else { return Ok(None) };
    for name in placeholders(template) {
        if !columns.iter().any(|c| c.name == name) {
            let known: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            return rules.fail(
                ".summary",
                format!("`{{{name}}}` is not a column"),
                format!("use one of the columns: {}", known.join(", ")),
            );
        }
    }
    Ok(Some(template.clone()))
}

/// `rows` or `breakdown`: a list field of objects of a declared type.
fn list_field(
    rules: &Rules,
    def: &TypeDef,
    at: &str,
    field: Option<&String>,
) -> Result<Option<(String, String)>, Error> {
    let Some(field) = field else { return Ok(None) };
    match def.fields.iter().find(|f| &f.name == field).map(|f| &f.ty) {
        Some(TypeExpr::List(inner)) => match &**inner {
            TypeExpr::Named(item) => Ok(Some((field.clone(), item.clone()))),
            _ => rules.fail(
                at,
                format!("`{field}` is a list of single values, not of objects"),
                "name a list of a declared type",
            ),
        },
        _ => rules.fail(at, format!("`{field}` is not a list field of the type"), "name a field of type [SomeType]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nouns_and_labels_read_naturally() {
        assert_eq!(noun_of("ApiKey"), "API key");
        assert_eq!(noun_of("WorkspaceMember"), "workspace member");
        assert_eq!(noun_of("ClaudeCodeRecord"), "Claude Code record");
        assert_eq!(noun_of("WorkspaceMemberDeleted"), "deleted workspace member");
        assert_eq!(label_of("created_by_user_id"), "Created by user ID");
        assert_eq!(label_of("cost_usd"), "Cost");
        assert_eq!(label_of("api_key_id"), "API key ID");
        assert_eq!(plural_of("status"), "statuses");
    }
}
