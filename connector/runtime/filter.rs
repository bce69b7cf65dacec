//! Local item filters (the spec's `filters: {ARGUMENT: COLUMN}`): keep only the items
//! whose presentation column reads the argument's value, exactly, case ignored, such as
//! one person's Claude Code records by `actor` (an email or an API key name). The
//! pipeline filters a plain result's items; a roll-up skips the others as it folds.

use super::presentation::{Cell, Column, Presentation};
use super::registry::envelope;
use super::{JsonObject, Value};

/// One filter of a tool: the argument that holds the value, the column it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFilter {
    pub argument: &'static str,
    pub column: &'static str,
}

/// The filters a call asked for, resolved against the item presentation.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    wanted: Vec<(&'static Column, String)>,
}

impl Filters {
    /// The filters whose argument was given (a column the presentation lacks matches nothing).
    pub fn from_arguments(
        presentation: &'static Presentation,
        filters: &[ItemFilter],
        arguments: &JsonObject,
    ) -> Filters {
        let wanted = filters
            .iter()
            .filter_map(|filter| {
                let value = arguments.get(filter.argument)?.as_str()?;
                Some((presentation.column(filter.column)?, value.trim().to_lowercase()))
            })
            .collect();
        Filters { wanted }
    }

    /// `(column name, value)` pairs, as a roll-up carries them.
    pub fn with(presentation: &'static Presentation, pairs: &[(String, String)]) -> Filters {
        let wanted = pairs
            .iter()
            .filter_map(|(column, value)| Some((presentation.column(column)?, value.trim().to_lowercase())))
            .collect();
        Filters { wanted }
    }

    /// The columns the filters read.
    pub fn columns(&self) -> impl Iterator<Item = &'static Column> + '_ {
        self.wanted.iter().map(|(column, _)| *column)
    }

    pub fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }

    /// Whether `item` reads every wanted value.
    pub fn matches(&self, item: &Value) -> bool {
        self.wanted.iter().all(|(column, value)| match column.value(item) {
            Cell::Value(found) => found.as_str().is_some_and(|found| found.to_lowercase() == *value),
            Cell::Missing | Cell::Many(_) => false,
        })
    }

    /// Keeps the matching items of a list result's `data`.
    pub fn retain(&self, result: &mut Value) {
        if self.is_empty() {
            return;
        }
        if let Some(Value::Array(items)) = result.get_mut(envelope::DATA) {
            items.retain(|item| self.matches(item));
        }
    }
}
