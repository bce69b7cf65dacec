//! The aggregation arguments a report tool gets without a line of spec: `period`,
//! `group_by` (when the API does not group), `sort` and `top`, from the dimensions and
//! measures its result type's presentation declares.

use super::Ctx;
use crate::error::Error;
use crate::ir::{self, Action, Arg, ArgKind, ColumnRole, DateBound, EnumArg, ListArg, Pagination, Presentation};

/// The generated arguments' names.
pub const PERIOD: &str = "period";
pub const GROUP_BY: &str = "group_by";
pub const SORT: &str = "sort";
pub const TOP: &str = "top";
/// The periods rows roll up into.
pub const PERIODS: &[&str] = &["day", "week", "month", "total"];
/// The most groups `top` keeps.
pub const MAX_TOP: i64 = 1000;

/// Adds the aggregation arguments to a report tool (a list result with a time column and
/// measures); `None` for any other tool.
pub(super) fn add_arguments(
    cx: &Ctx,
    at: &str,
    model: &ir::Model,
    action: &Action,
    args: &mut Vec<Arg>,
) -> Result<Option<ir::Aggregation>, Error> {
    let Action::Http(call) = action else { return Ok(None) };
    if matches!(call.pagination, Pagination::None) {
        return Ok(None);
    }
    let Some(item) = model.type_def(&call.output) else { return Ok(None) };
    if item.presentation.time.is_none() {
        return Ok(None);
    }
    let layers = layers(model, &item.presentation);
    let measures = names(&layers, ColumnRole::Measure);
    if measures.is_empty() {
        return Ok(None);
    }
    let upstream_group_by = args.iter().find(|a| a.name == GROUP_BY && a.upstream.is_some()).map(|a| a.name.clone());
    let mut wanted = vec![PERIOD, SORT, TOP];
    if upstream_group_by.is_none() {
        wanted.push(GROUP_BY);
    }
    if let Some(taken) = args.iter().find(|a| wanted.contains(&a.name.as_str())) {
        return cx.fail(
            format!("{at}, argument `{}`", taken.name),
            format!("`{}` is generated for report tools (period, group_by, sort, top)", taken.name),
            "rename the argument",
        );
    }
    args.push(argument(
        PERIOD,
        enumeration(PERIODS.iter().map(|p| p.to_string()).collect()),
        "Per UTC day, ISO week, month or total (default).",
    ));
    if upstream_group_by.is_none() {
        let dimensions = names(&layers, ColumnRole::Dimension);
        let count = dimensions.len() as u32;
        args.push(argument(
            GROUP_BY,
            ArgKind::List(ListArg {
                item: Box::new(enumeration(dimensions)),
                min_items: 1,
                max_items: count,
                alternative: None,
            }),
            "Group rows by these dimensions.",
        ));
    }
    args.push(argument(SORT, enumeration(measures), "Largest first."));
    args.push(argument(
        TOP,
        ArgKind::Integer { minimum: Some(1), maximum: Some(MAX_TOP) },
        "N groups per period; the rest sum as `other`.",
    ));
    Ok(Some(ir::Aggregation { upstream_group_by }))
}

/// The item's presentation, its rows' and its breakdown's: where dimensions and measures are.
fn layers<'m>(model: &'m ir::Model, item: &'m Presentation) -> Vec<&'m Presentation> {
    let nested = [&item.rows, &item.breakdown]
        .into_iter()
        .flatten()
        .filter_map(|(_, type_name)| model.type_def(type_name).map(|t| &t.presentation));
    std::iter::once(item).chain(nested).collect()
}

fn names(layers: &[&Presentation], role: ColumnRole) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for column in layers.iter().flat_map(|p| &p.columns).filter(|c| c.role == role) {
        if !names.contains(&column.name) {
            names.push(column.name.clone());
        }
    }
    names
}

fn enumeration(values: Vec<String>) -> ArgKind {
    ArgKind::Enum(EnumArg { values, aliases: Vec::new(), refused: Vec::new() })
}

fn argument(name: &str, kind: ArgKind, description: &str) -> Arg {
    Arg {
        name: name.to_string(),
        kind,
        required: false,
        default: None,
        description: description.to_string(),
        upstream: None,
        example: None,
        selects_fields: false,
        date_bound: DateBound::Day,
    }
}
