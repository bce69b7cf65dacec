//! Names beside IDs: for each ID column whose presentation declares a name (`names:` in
//! the spec: a workspace's name, an API key's name, a user's email), the result gets the
//! name beside the ID, in every item (or nested row, or roll-up row) that holds one, so
//! the text and the structured form both read names. Lists come from the object cache
//! (fetched through the pipeline); a name that cannot be read leaves the ID alone.

use std::collections::HashMap;

use std::sync::Arc;

use super::objects::ListQuery;
use super::{Connector, UpstreamUsage};
use crate::runtime::presentation::{Cell, NameLookup, Presentation};
use crate::runtime::registry::envelope;
use crate::runtime::{JsonObject, ResultShape, ToolDefinition, Value};

/// The most pages of a list read for names (at 100 a page).
const MAX_PAGES: u32 = 10;

/// Where an ID is read in one object.
#[derive(Clone, Copy)]
enum Reader {
    /// Through the presentation column (items, nested rows).
    Column(&'static Presentation),
    /// Under the column's name (roll-up rows).
    Key,
}

type Names = HashMap<(&'static str, &'static str, &'static str), HashMap<String, String>>;

impl Connector {
    /// Adds the names of the IDs in `value`, as the tool's presentations declare them.
    pub(super) async fn name_ids(
        &self,
        tool: &ToolDefinition,
        arguments: &JsonObject,
        rolled_up: bool,
        value: &mut Value,
    ) -> UpstreamUsage {
        let item = tool.result_shape.presentation();
        if item.names.is_empty() && item.rows.is_none_or(|rows| rows.presentation.names.is_empty()) {
            return UpstreamUsage::default();
        }
        let spent = Arc::new(std::sync::Mutex::new(UpstreamUsage::default()));
        // The lists worth reading: those of the IDs present.
        let mut wanted: Vec<&'static NameLookup> = Vec::new();
        walk(value, tool.result_shape, rolled_up, &mut |object, lookup, reader| {
            let known = wanted.iter().any(|w| (w.tool, w.key, w.field) == (lookup.tool, lookup.key, lookup.field));
            if !known && read_id(object, lookup, reader).is_some() {
                wanted.push(lookup);
            }
        });
        let mut names: Names = HashMap::new();
        for lookup in wanted {
            let query = ListQuery {
                tool: lookup.tool,
                per_page: lookup.per_page,
                page_size: lookup.page_size,
                page: Some(lookup.page),
                pages: MAX_PAGES,
                with: lookup.with,
                spent: Some(Arc::clone(&spent)),
            };
            let map = match self.objects(query).await {
                Ok(listing) => listing
                    .items
                    .iter()
                    .filter_map(|item| {
                        let id = item.get(lookup.key)?.as_str()?;
                        let name = item.get(lookup.field)?.as_str()?;
                        Some((id.to_string(), name.to_string()))
                    })
                    .collect(),
                Err(failure) => {
                    tracing::debug!(tool = lookup.tool, %failure, "no names: the list could not be read");
                    HashMap::new()
                }
            };
            names.insert((lookup.tool, lookup.key, lookup.field), map);
        }
        let none_applies = |column: &str| match tool.aggregation.and_then(|a| a.upstream_group_by) {
            // Reports leave an ungrouped dimension null: null names an object only when grouped.
            Some(group_by) => arguments
                .get(group_by)
                .and_then(Value::as_array)
                .is_some_and(|values| values.iter().any(|v| v.as_str() == Some(column))),
            None => true,
        };
        walk(value, tool.result_shape, rolled_up, &mut |object, lookup, reader| {
            let name = match read_id(object, lookup, reader) {
                Some(id) => names.get(&(lookup.tool, lookup.key, lookup.field)).and_then(|map| map.get(&id)).cloned(),
                None if none_applies(lookup.column) => lookup.none.map(str::to_string),
                None => None,
            };
            if let (Some(name), Value::Object(object)) = (name, object) {
                object.insert(lookup.into.to_string(), Value::String(name));
            }
        });
        *spent.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The ID an object holds in the lookup's column, as text; `None` when null or absent.
fn read_id(object: &Value, lookup: &NameLookup, reader: Reader) -> Option<String> {
    match reader {
        Reader::Key => object.get(lookup.column).and_then(Value::as_str).map(str::to_string),
        Reader::Column(presentation) => match presentation.column(lookup.column)?.value(object) {
            Cell::Value(Value::String(id)) => Some(id.clone()),
            _ => None,
        },
    }
}

/// Visits every object of the result that holds an ID column with a name, once per
/// lookup: a roll-up's rows (for the grouped dimensions), or the items (the object
/// itself) and their nested rows.
fn walk(
    value: &mut Value,
    shape: ResultShape,
    rolled_up: bool,
    visit: &mut impl FnMut(&mut Value, &'static NameLookup, Reader),
) {
    let item = shape.presentation();
    let nested = item.rows;
    if rolled_up {
        let grouped: Vec<String> = value
            .get("group_by")
            .and_then(Value::as_array)
            .map(|d| d.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        let lookups: Vec<&'static NameLookup> = item
            .names
            .iter()
            .chain(nested.into_iter().flat_map(|rows| rows.presentation.names))
            .filter(|lookup| grouped.iter().any(|d| d == lookup.column))
            .collect();
        if let Some(Value::Array(rows)) = value.get_mut(envelope::ROWS) {
            for row in rows.iter_mut().filter(|row| row.get("other_groups").is_none()) {
                for lookup in &lookups {
                    visit(row, lookup, Reader::Key);
                }
            }
        }
        return;
    }
    let mut visit_item = |entry: &mut Value| {
        if let Some(rows) = nested
            && let Some(Value::Array(nested_rows)) = entry.get_mut(rows.field)
        {
            for row in nested_rows {
                for lookup in rows.presentation.names {
                    visit(row, lookup, Reader::Column(rows.presentation));
                }
            }
        }
        for lookup in item.names {
            visit(entry, lookup, Reader::Column(item));
        }
    };
    if shape.is_list() {
        if let Some(Value::Array(items)) = value.get_mut(envelope::DATA) {
            items.iter_mut().for_each(&mut visit_item);
        }
    } else {
        visit_item(value);
    }
}
