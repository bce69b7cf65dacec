//! Report endpoints (usage_report/messages, cost_report, usage_report/claude_code): day buckets, grouping, filters and page tokens.

use std::ops::Range;

use exact_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::dataset::{CostRow, UsageRow};
use crate::errors::ApiError;
use crate::query::{SECONDS_PER_DAY, format_day, format_midnight};
use crate::server::{Reply, RequestCtx, Shared};

const USAGE_PARAMS: [&str; 15] = [
    "starting_at",
    "ending_at",
    "bucket_width",
    "limit",
    "page",
    "group_by[]",
    "api_key_ids[]",
    "workspace_ids[]",
    "account_ids[]",
    "service_account_ids[]",
    "models[]",
    "service_tiers[]",
    "context_window[]",
    "inference_geos[]",
    "speeds[]",
];
const USAGE_DIMENSIONS: [&str; 9] = [
    "api_key_id",
    "workspace_id",
    "model",
    "service_tier",
    "context_window",
    "inference_geo",
    "speed",
    "account_id",
    "service_account_id",
];
/// (filter parameter, dimension, allowed values; empty = free-form ids).
const USAGE_FILTERS: [(&str, &str, &[&str]); 9] = [
    ("api_key_ids[]", "api_key_id", &[]),
    ("workspace_ids[]", "workspace_id", &[]),
    ("account_ids[]", "account_id", &[]),
    ("service_account_ids[]", "service_account_id", &[]),
    ("models[]", "model", &[]),
    (
        "service_tiers[]",
        "service_tier",
        &["standard", "batch", "priority", "priority_on_demand", "flex", "flex_discount"],
    ),
    ("context_window[]", "context_window", &["0-200k", "200k-1M"]),
    ("inference_geos[]", "inference_geo", &["global", "us", "not_available"]),
    ("speeds[]", "speed", &["standard", "fast"]),
];
const FAST_MODE_BETA: &str = "fast-mode-2026-02-01";
const COST_PARAMS: [&str; 6] = ["starting_at", "ending_at", "bucket_width", "group_by[]", "limit", "page"];
const CLAUDE_CODE_PARAMS: [&str; 3] = ["starting_at", "limit", "page"];

fn field_required(name: &str) -> ApiError {
    ApiError::invalid_request(format!("{name}: Field required"))
}

/// The days of one report page and the bucket offset where the next page starts.
struct DayPage {
    days: Range<i64>,
    has_more: bool,
    next_offset: usize,
}

fn day_page(ctx: &RequestCtx, shared: &Shared, default_limit: u64) -> Result<DayPage, ApiError> {
    let starting_at = ctx.query.datetime("starting_at")?.ok_or_else(|| field_required("starting_at"))?;
    let first_day = starting_at.div_euclid(SECONDS_PER_DAY);
    let limit = ctx.query.integer("limit", default_limit, 1, 31)? as i64;
    let total_days = match ctx.query.datetime("ending_at")? {
        Some(ending_at) if ending_at <= starting_at => {
            return Err(ApiError::invalid_request("ending_at: must be after starting_at"));
        }
        Some(ending_at) => (ending_at - first_day * SECONDS_PER_DAY + SECONDS_PER_DAY - 1).div_euclid(SECONDS_PER_DAY),
        None => limit,
    };
    let offset = i64::try_from(shared.page_tokens.offset(ctx.path, &ctx.query)?).unwrap_or(0);
    let last_day = first_day + total_days;
    let start = (first_day + offset).min(last_day);
    let end = (start + limit).min(last_day);
    let next_offset = usize::try_from(end - first_day).unwrap_or(0);
    Ok(DayPage { days: start..end, has_more: end < last_day, next_offset })
}

fn bucket(day: i64, results: Vec<Value>) -> Value {
    json!({ "starting_at": format_midnight(day), "ending_at": format_midnight(day + 1), "results": results })
}

fn report_page(ctx: &RequestCtx, shared: &mut Shared, data: Vec<Value>, page: &DayPage) -> Value {
    let next_page = page.has_more.then(|| shared.page_tokens.issue(ctx.path, &ctx.query, page.next_offset));
    json!({ "data": data, "has_more": page.has_more, "next_page": next_page })
}

fn usage_dimension<'a>(row: &'a UsageRow, dimension: &str) -> Option<&'a str> {
    match dimension {
        "model" => Some(row.model.as_str()),
        "api_key_id" => row.api_key_id.as_deref(),
        "workspace_id" => row.workspace_id.as_deref(),
        "service_tier" => row.service_tier.as_deref(),
        "context_window" => row.context_window.as_deref(),
        "inference_geo" => row.inference_geo.as_deref(),
        "speed" => row.speed.as_deref(),
        "account_id" => row.account_id.as_deref(),
        "service_account_id" => row.service_account_id.as_deref(),
        _ => None,
    }
}

pub(crate) fn usage_messages(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    let query = &ctx.query;
    query.expect_only(&USAGE_PARAMS)?;
    if let Some(width @ ("1m" | "1h")) = query.one_of("bucket_width", &["1m", "1h", "1d"])? {
        return Err(ApiError::invalid_request(format!(
            "bucket_width: '{width}' is valid but not supported by the fake; use '1d'"
        )));
    }
    let group_by = query.all_of("group_by[]", &USAGE_DIMENSIONS)?;
    let mut filters: Vec<(&str, Vec<&str>)> = Vec::new();
    for (parameter, dimension, allowed) in USAGE_FILTERS {
        let values = if allowed.is_empty() { query.values(parameter) } else { query.all_of(parameter, allowed)? };
        if !values.is_empty() {
            filters.push((dimension, values));
        }
    }
    if !ctx.has_beta(FAST_MODE_BETA) {
        let needs_beta = |name: &str| {
            ApiError::invalid_request(format!("{name}: speed requires the anthropic-beta header '{FAST_MODE_BETA}'"))
        };
        if group_by.contains(&"speed") {
            return Err(needs_beta("group_by[]"));
        }
        if !query.values("speeds[]").is_empty() {
            return Err(needs_beta("speeds[]"));
        }
    }
    let page = day_page(ctx, shared, 7)?;
    shared.report_days(page.days.clone());
    let data: Vec<Value> = page
        .days
        .clone()
        .map(|day| {
            let date = format_day(day);
            let rows = shared.dataset.usage.iter().filter(|row| {
                row.date == date
                    && filters.iter().all(|(dimension, values)| {
                        usage_dimension(row, dimension).is_some_and(|value| values.contains(&value))
                    })
            });
            bucket(day, usage_results(rows, &group_by))
        })
        .collect();
    Ok(report_page(ctx, shared, data, &page))
}

#[derive(Default)]
struct UsageTotals {
    uncached_input: u64,
    cache_creation_1h: u64,
    cache_creation_5m: u64,
    cache_read: u64,
    output: u64,
    web_search_requests: u64,
}

impl UsageTotals {
    fn add(&mut self, row: &UsageRow) {
        self.uncached_input = self.uncached_input.saturating_add(row.uncached_input_tokens);
        self.cache_creation_1h = self.cache_creation_1h.saturating_add(row.cache_creation_1h_input_tokens);
        self.cache_creation_5m = self.cache_creation_5m.saturating_add(row.cache_creation_5m_input_tokens);
        self.cache_read = self.cache_read.saturating_add(row.cache_read_input_tokens);
        self.output = self.output.saturating_add(row.output_tokens);
        self.web_search_requests = self.web_search_requests.saturating_add(row.web_search_requests);
    }
}

/// Aggregates one day's rows by the grouped dimensions, in order of first appearance.
fn usage_results<'a>(rows: impl Iterator<Item = &'a UsageRow>, group_by: &[&str]) -> Vec<Value> {
    let mut groups: Vec<(Vec<Option<&str>>, UsageTotals)> = Vec::new();
    for row in rows {
        let key: Vec<Option<&str>> = USAGE_DIMENSIONS
            .iter()
            .map(|dimension| group_by.contains(dimension).then(|| usage_dimension(row, dimension)).flatten())
            .collect();
        match groups.iter_mut().find(|(existing, _)| *existing == key) {
            Some((_, totals)) => totals.add(row),
            None => {
                let mut totals = UsageTotals::default();
                totals.add(row);
                groups.push((key, totals));
            }
        }
    }
    groups
        .into_iter()
        .map(|(key, totals)| {
            let mut result = Map::new();
            for (dimension, value) in USAGE_DIMENSIONS.iter().zip(key) {
                if *dimension != "speed" || group_by.contains(&"speed") {
                    result.insert((*dimension).into(), json!(value));
                }
            }
            result.insert("uncached_input_tokens".into(), json!(totals.uncached_input));
            result.insert(
                "cache_creation".into(),
                json!({
                    "ephemeral_1h_input_tokens": totals.cache_creation_1h,
                    "ephemeral_5m_input_tokens": totals.cache_creation_5m,
                }),
            );
            result.insert("cache_read_input_tokens".into(), json!(totals.cache_read));
            result.insert("output_tokens".into(), json!(totals.output));
            result.insert("server_tool_use".into(), json!({ "web_search_requests": totals.web_search_requests }));
            Value::Object(result)
        })
        .collect()
}

pub(crate) fn cost_report(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    let query = &ctx.query;
    query.expect_only(&COST_PARAMS)?;
    query.one_of("bucket_width", &["1d"])?;
    let group_by = query.all_of("group_by[]", &["workspace_id", "description"])?;
    let page = day_page(ctx, shared, 7)?;
    shared.report_days(page.days.clone());
    let mut data = Vec::new();
    for day in page.days.clone() {
        let date = format_day(day);
        let rows = shared.dataset.costs.iter().filter(|row| row.date == date);
        data.push(bucket(day, cost_results(rows, &group_by)?));
    }
    Ok(report_page(ctx, shared, data, &page))
}

const COST_FIELDS: [&str; 9] = [
    "currency",
    "workspace_id",
    "description",
    "cost_type",
    "model",
    "token_type",
    "service_tier",
    "context_window",
    "inference_geo",
];

/// The row's value for each of [`COST_FIELDS`], null where not grouped.
fn cost_key<'a>(row: &'a CostRow, group_by: &[&str]) -> [Option<&'a str>; 9] {
    let by_workspace = group_by.contains(&"workspace_id");
    let by_description = group_by.contains(&"description");
    let detail = |value: Option<&'a str>| value.filter(|_| by_description);
    [
        Some(row.currency.as_str()),
        row.workspace_id.as_deref().filter(|_| by_workspace),
        detail(Some(row.description.as_str())),
        detail(Some(row.cost_type.as_str())),
        detail(row.model.as_deref()),
        detail(row.token_type.as_deref()),
        detail(row.service_tier.as_deref()),
        detail(row.context_window.as_deref()),
        detail(row.inference_geo.as_deref()),
    ]
}

fn cost_results<'a>(rows: impl Iterator<Item = &'a CostRow>, group_by: &[&str]) -> Result<Vec<Value>, ApiError> {
    let mut groups: Vec<([Option<&str>; 9], Decimal)> = Vec::new();
    for row in rows {
        let amount = Decimal::parse(&row.amount)
            .ok_or_else(|| ApiError::internal(format!("fake dataset has an invalid cost amount '{}'", row.amount)))?;
        let key = cost_key(row, group_by);
        let overflow = || ApiError::internal("cost amount overflow in the fake");
        match groups.iter_mut().find(|(existing, _)| *existing == key) {
            Some((_, total)) => *total = total.checked_add(amount).ok_or_else(overflow)?,
            None => groups.push((key, amount)),
        }
    }
    Ok(groups
        .into_iter()
        .map(|(key, total)| {
            let mut result = Map::new();
            result.insert("amount".into(), Value::from(total.to_string()));
            for (field, value) in COST_FIELDS.iter().zip(key) {
                result.insert((*field).into(), json!(value));
            }
            Value::Object(result)
        })
        .collect())
}

/// A day's page, written from the stored records by reference (or from the memo of
/// written pages): a year of a large organization is 90 MB of JSON, and copying each
/// record into a response value first made the fake, not the connector, the slow side
/// of the scale benchmark.
pub(crate) fn claude_code(ctx: &RequestCtx, shared: &mut Shared) -> Result<Reply, ApiError> {
    let query = &ctx.query;
    query.expect_only(&CLAUDE_CODE_PARAMS)?;
    let day = query.date("starting_at")?.ok_or_else(|| field_required("starting_at"))?;
    let limit = usize::try_from(query.integer("limit", 20, 1, 1000)?).unwrap_or(1000);
    let limit = shared.claude_code_page_size.map_or(limit, |size| limit.min(size));
    let offset = shared.page_tokens.offset(ctx.path, query)?;
    shared.report_days(day..day + 1);
    let positions = shared.claude_code_of_day(&format_day(day));
    let records: Vec<&Value> =
        positions.iter().filter_map(|&position| shared.dataset.claude_code.get(position)).collect();
    let end = offset.saturating_add(limit).min(records.len());
    let has_more = end < records.len();
    let written = |records: &[&Value]| {
        serde_json::value::to_raw_value(records).map_err(|e| ApiError::internal(format!("cannot write the page: {e}")))
    };
    let key = (day, offset, end);
    let data = match shared.claude_code_pages.as_ref().and_then(|pages| pages.get(&key)) {
        Some(data) => data.clone(),
        None => {
            let data = written(records.get(offset..end).unwrap_or_default())?;
            if let Some(pages) = &mut shared.claude_code_pages {
                pages.insert(key, data.clone());
            }
            data
        }
    };
    let next_page = has_more.then(|| shared.page_tokens.issue(ctx.path, query, end));
    serde_json::to_string(&ReportPage { data: &data, has_more, next_page })
        .map(Reply::Serialized)
        .map_err(|e| ApiError::internal(format!("cannot write the page: {e}")))
}

#[derive(serde::Serialize)]
struct ReportPage<'a> {
    data: &'a serde_json::value::RawValue,
    has_more: bool,
    next_page: Option<String>,
}

#[cfg(test)]
mod tests {
    use exact_decimal::Decimal;

    /// The cost report sums amounts as the API writes them: places are kept.
    fn sum(amounts: &[&str]) -> Option<String> {
        let mut total = Decimal::ZERO;
        for amount in amounts {
            total = total.checked_add(Decimal::parse(amount)?)?;
        }
        Some(total.to_string())
    }

    #[test]
    fn sums_decimal_strings_exactly() {
        assert_eq!(sum(&["812.50", "1.5"]).as_deref(), Some("814.00"));
        assert_eq!(sum(&["0.1", "0.2"]).as_deref(), Some("0.3"));
        assert_eq!(sum(&["1234.56789", "-0.00789", "5"]).as_deref(), Some("1239.56000"));
        assert_eq!(sum(&["12"]).as_deref(), Some("12"));
        assert_eq!(sum(&["1."]), None);
        assert_eq!(sum(&["1e3"]), None);
    }
}
