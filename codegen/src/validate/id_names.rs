//! `names:` of a presentation: beside an ID column, the name of the object it holds,
//! read from a list tool (a workspace's name, an API key's name, a user's email). Checked
//! once the tools are known: the column exists and holds one value, the tool is a
//! read-only id_cursor list with no required argument, `key` and `field` are string
//! fields of its items, and `as` is a new column. The new column (text) is added right
//! after the ID column, so tables and the docs show it like any other.

use super::Ctx;
use crate::error::Error;
use crate::ir::{self, Column, ColumnKind, ColumnRole};
use crate::names::is_identifier;
use crate::spec::{self, SpecFile};

/// The most items one page of a list asks for when names are fetched.
const PAGE_SIZE: u32 = 100;

pub(super) fn attach_names(cx: &Ctx, spec: &SpecFile, model: &mut ir::Model) {
    for (type_name, def) in &spec.types.0 {
        let Some(declared) = def.presentation.as_ref().filter(|p| !p.names.0.is_empty()) else { continue };
        let Some(index) = model.types.iter().position(|t| &t.name == type_name) else { continue };
        let mut lookups = Vec::new();
        for (column, name) in &declared.names.0 {
            let at = format!("type `{type_name}`, presentation.names.{column}");
            let presentation = &model.types[index].presentation;
            if let Some(lookup) = cx.keep(type_name, lookup(cx, &at, model, presentation, column, name)) {
                lookups.push(lookup);
            }
        }
        let presentation = &mut model.types[index].presentation;
        for lookup in &lookups {
            let Some(position) = presentation.columns.iter().position(|c| c.name == lookup.column) else { continue };
            let label = format!("{} name", presentation.columns[position].label);
            let column = Column {
                name: lookup.into.clone(),
                label,
                paths: vec![vec![lookup.into.clone()]],
                kind: ColumnKind::Text,
                role: ColumnRole::Plain,
            };
            presentation.columns.insert(position + 1, column);
        }
        presentation.names = lookups;
    }
}

fn lookup(
    cx: &Ctx,
    at: &str,
    model: &ir::Model,
    presentation: &ir::Presentation,
    column: &str,
    name: &spec::NameDef,
) -> Result<ir::NameLookup, Error> {
    match presentation.columns.iter().find(|c| c.name == column) {
        Some(c) if c.paths.iter().all(|p| !p.iter().any(|step| step == "*")) => {}
        Some(_) => return cx.fail(at, "the column holds several values per item", "name a one-value ID column"),
        None => return cx.fail(at, format!("no column `{column}` in this presentation"), "name one of its columns"),
    }
    let taken = presentation.columns.iter().any(|c| c.name == name.into);
    if !is_identifier(&name.into) || taken {
        return cx.fail(at, format!("`as: {}` must be a new snake_case column name", name.into), "choose another name");
    }
    let Some(tool) = model.tools.iter().find(|t| t.name == name.tool) else {
        return cx.fail(at, format!("tool `{}` does not exist", name.tool), "name a list tool of `tools:`");
    };
    let listing = match &tool.action {
        ir::Action::Http(call) if tool.annotations.read_only => match &call.pagination {
            ir::Pagination::IdCursor { page, per_page } => Some((call, page, per_page)),
            _ => None,
        },
        _ => None,
    };
    let Some((call, page, per_page)) = listing.filter(|_| !tool.args.iter().any(|a| a.required)) else {
        return cx.fail(
            at,
            format!("tool `{}` is not a read-only list of objects (id_cursor, no required argument)", name.tool),
            "name a list tool such as claude_code_list_workspaces",
        );
    };
    let key = name.key.clone().unwrap_or_else(|| "id".to_string());
    for field in [&key, &name.field] {
        let found = model.type_def(&call.output).and_then(|t| t.fields.iter().find(|f| &f.name == field));
        if !found.is_some_and(|f| f.ty == ir::TypeExpr::String) {
            return cx.fail(
                at,
                format!("`{field}` is not a string field of `{}`, the items of `{}`", call.output, name.tool),
                "name a string field of the list's items",
            );
        }
    }
    let with = match &name.with {
        None => "{}".to_string(),
        Some(value) => {
            let json = serde_json::to_value(value).ok().filter(|v| v.is_object());
            let known = json.as_ref().and_then(|v| v.as_object()).is_some_and(|object| {
                object.keys().all(|k| tool.args.iter().any(|a| &a.name == k) && k != page && k != per_page)
            });
            match json.filter(|_| known) {
                Some(json) => json.to_string(),
                None => {
                    return cx.fail(
                        at,
                        format!("`with` must map arguments of `{}` (not its page) to values", name.tool),
                        "write e.g. `with: {include_archived: true}`",
                    );
                }
            }
        }
    };
    Ok(ir::NameLookup {
        column: column.to_string(),
        tool: name.tool.clone(),
        key,
        field: name.field.clone(),
        none: name.none.clone(),
        into: name.into.clone(),
        with,
        page: page.clone(),
        per_page: per_page.clone(),
        page_size: PAGE_SIZE,
    })
}
