//! `pagination: {style: page_token, split_days: N}`: a report whose API accepts at most N
//! days per request takes a longer range, sent as consecutive windows of at most N days.
//! The windows replace the dates of the tool's `date_range` check, which must be date
//! arguments sent upstream, and the check's `max_days` (the whole range) must exceed N.

use super::Ctx;
use crate::error::Error;
use crate::ir::{self, Arg, ArgKind};
use crate::spec;

pub(super) fn validate_split(
    cx: &Ctx,
    at: &str,
    tool: &spec::ToolDef,
    args: &[Arg],
) -> Result<Option<Box<ir::RangeSplit>>, Error> {
    let Some(spec::Pagination::PageToken { split_days: Some(days), .. }) = &tool.pagination else {
        return Ok(None);
    };
    if *days == 0 {
        return cx.fail(at, "pagination.split_days must be at least 1", "give the API's most days per request");
    }
    let Some(range) = tool.checks.iter().find_map(|check| check.date_range.as_ref()) else {
        return cx.fail(
            at,
            "pagination.split_days needs a `date_range` check: it names the dates each window replaces",
            "add `- {date_range: {start: start_date, end: end_date, max_days: 366}}` to `checks`",
        );
    };
    if range.max_days.is_some_and(|max| max <= *days) {
        return cx.fail(
            at,
            format!("pagination.split_days ({days}) is not below the date_range's max_days, so nothing is split"),
            "raise max_days to the longest range the tool takes, or remove split_days",
        );
    }
    for name in [&range.start, &range.end] {
        let sent = args.iter().any(|a| &a.name == name && matches!(a.kind, ArgKind::Date) && a.upstream.is_some());
        if !sent {
            return cx.fail(
                at,
                format!("pagination.split_days: `{name}` must be a date argument sent upstream"),
                "give it `upstream: {query: ...}`",
            );
        }
    }
    Ok(Some(Box::new(ir::RangeSplit { start: range.start.clone(), end: range.end.clone(), days: *days })))
}
