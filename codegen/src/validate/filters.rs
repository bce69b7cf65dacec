//! A tool's `filters: {ARGUMENT: COLUMN}`: an argument that keeps only the items whose
//! presentation column reads its value (exact, case ignored), applied by the connector
//! to the items it fetched and before any roll-up (the Claude Code report has no
//! upstream filter by actor). The argument is a string sent nowhere else; the column is
//! one value per item (no `*` path) of the tool's output type.

use super::Ctx;
use crate::error::Error;
use crate::ir::{self, Action, Arg, ArgKind};
use crate::spec;

pub(super) fn validate_filters(
    cx: &Ctx,
    at: &str,
    model: &ir::Model,
    tool: &spec::ToolDef,
    args: &[Arg],
    action: &Action,
) -> Result<Vec<(String, String)>, Error> {
    let mut filters = Vec::new();
    for (argument, column) in &tool.filters.0 {
        let here = format!("{at}, filters.{argument}");
        let Action::Http(call) = action else {
            return cx.fail(here, "filters apply to the items of an http tool", "filter in the handler instead");
        };
        match args.iter().find(|a| &a.name == argument) {
            Some(arg) if matches!(arg.kind, ArgKind::String { .. } | ArgKind::Email) && arg.upstream.is_none() => {}
            Some(_) => {
                return cx.fail(
                    here,
                    "a filter argument is a string or email argument without `upstream` (it is applied locally)",
                    "remove its `upstream`, or use a string argument",
                );
            }
            None => return cx.fail(here, format!("no argument `{argument}`"), "declare it under `arguments`"),
        }
        let presentation = model.type_def(&call.output).map(|t| &t.presentation);
        let found = presentation.and_then(|p| p.columns.iter().find(|c| &c.name == column));
        match found {
            Some(c) if c.paths.iter().all(|path| !path.iter().any(|step| step == "*")) => {}
            Some(_) => {
                return cx.fail(
                    here,
                    format!("column `{column}` holds several values per item"),
                    "filter on a one-value column",
                );
            }
            None => {
                return cx.fail(
                    here,
                    format!("`{}` has no presentation column `{column}`", call.output),
                    "name a column of the output type's presentation",
                );
            }
        }
        filters.push((argument.clone(), column.clone()));
    }
    Ok(filters)
}
