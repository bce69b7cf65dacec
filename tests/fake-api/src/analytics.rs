//! The Usage and Cost Analytics API (beta): flat rows of usage or cost per time bucket
//! and group, read from the same usage and cost rows as the legacy reports, so a day's
//! analytics totals equal that day's usage and cost reports.

use exact_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::dataset::{CostRow, UsageRow};
use crate::errors::ApiError;
use crate::paging::token_page;
use crate::query::{SECONDS_PER_DAY, format_midnight, parse_day};
use crate::server::{RequestCtx, Shared};

/// The beta every analytics request must name in `anthropic-beta`.
const BETA: &str = "analytics-usage-cost-2026-08-24";
/// The earliest `starting_at` the API answers.
const FIRST_DAY: &str = "2026-01-01";
const MAX_DAYS: i64 = 31;
const DEFAULT_LIMIT: u64 = 100;
const PARAMS: [&str; 12] = [
    "starting_at",
    "ending_at",
    "time_bucket_width",
    "group_by[]",
    "limit",
    "page",
    "workspace_ids[]",
    "api_key_ids[]",
    "models[]",
    "service_tiers[]",
    "context_windows[]",
    "inference_geos[]",
];
const SERVICE_TIERS: [&str; 6] = ["standard", "batch", "priority", "priority_on_demand", "flex", "flex_discount"];
const CONTEXT_WINDOWS: [&str; 2] = ["0-200k", "200k-1M"];
const INFERENCE_GEOS: [&str; 3] = ["global", "us", "not_available"];
const USAGE_DIMENSIONS: [&str; 6] =
    ["model", "workspace_id", "api_key_id", "service_tier", "context_window", "inference_geo"];
const COST_DIMENSIONS: [&str; 7] =
    ["model", "workspace_id", "service_tier", "context_window", "inference_geo", "cost_type", "token_type"];

/// The checked request: its time buckets (days since the epoch; one bucket for the whole
/// range without `time_bucket_width`), groups and filters.
struct Request<'a> {
    buckets: Vec<std::ops::Range<i64>>,
    group_by: Vec<&'a str>,
    /// (dimension, allowed values).
    filters: Vec<(&'static str, Vec<&'a str>)>,
}

fn request<'a>(ctx: &RequestCtx<'a>, dimensions: &[&str]) -> Result<Request<'a>, ApiError> {
    if !ctx.has_beta(BETA) {
        return Err(ApiError::invalid_request(format!(
            "anthropic-beta: this endpoint is in beta; send the header 'anthropic-beta: {BETA}'"
        )));
    }
    let query = &ctx.query;
    query.expect_only(&PARAMS)?;
    let starting_at =
        query.datetime("starting_at")?.ok_or_else(|| ApiError::invalid_request("starting_at: Field required"))?;
    let first_allowed = parse_day(FIRST_DAY).unwrap_or(0) * SECONDS_PER_DAY;
    if starting_at < first_allowed {
        return Err(ApiError::invalid_request(format!("starting_at: must be on or after {FIRST_DAY}T00:00:00Z")));
    }
    let first_day = starting_at.div_euclid(SECONDS_PER_DAY);
    let end_day = match query.datetime("ending_at")? {
        Some(ending_at) if ending_at <= starting_at => {
            return Err(ApiError::invalid_request("ending_at: must be after starting_at"));
        }
        Some(ending_at) => (ending_at + SECONDS_PER_DAY - 1).div_euclid(SECONDS_PER_DAY),
        None => first_day + MAX_DAYS,
    };
    if end_day - first_day > MAX_DAYS {
        return Err(ApiError::invalid_request(format!("ending_at: the range may cover at most {MAX_DAYS} days")));
    }
    let buckets = match query.one_of("time_bucket_width", &["1d", "1h", "1m"])? {
        Some("1d") => (first_day..end_day).map(|day| day..day + 1).collect(),
        Some(width) => {
            return Err(ApiError::invalid_request(format!(
                "time_bucket_width: '{width}' is valid but not supported by the fake; use '1d'"
            )));
        }
        None => std::iter::once(first_day..end_day).collect(),
    };
    let group_by = query.all_of("group_by[]", dimensions)?;
    let mut filters = Vec::new();
    for (parameter, dimension, allowed) in [
        ("workspace_ids[]", "workspace_id", &[][..]),
        ("api_key_ids[]", "api_key_id", &[][..]),
        ("models[]", "model", &[][..]),
        ("service_tiers[]", "service_tier", &SERVICE_TIERS[..]),
        ("context_windows[]", "context_window", &CONTEXT_WINDOWS[..]),
        ("inference_geos[]", "inference_geo", &INFERENCE_GEOS[..]),
    ] {
        let values = if allowed.is_empty() { query.values(parameter) } else { query.all_of(parameter, allowed)? };
        if !values.is_empty() {
            if !dimensions.contains(&dimension) {
                return Err(ApiError::invalid_request(format!("{parameter}: not a filter of this report")));
            }
            filters.push((dimension, values));
        }
    }
    Ok(Request { buckets, group_by, filters })
}

impl Request<'_> {
    fn keeps(&self, value_of: impl Fn(&str) -> Option<String>) -> bool {
        self.filters.iter().all(|(dimension, values)| value_of(dimension).is_some_and(|v| values.contains(&v.as_str())))
    }

    /// The group object: every dimension, null where not grouped.
    fn group(&self, dimensions: &[&str], key: &[Option<String>]) -> Value {
        let mut group = Map::new();
        for (dimension, value) in dimensions.iter().zip(key) {
            group.insert((*dimension).into(), json!(value));
        }
        Value::Object(group)
    }

    fn key(&self, dimensions: &[&str], value_of: impl Fn(&str) -> Option<String>) -> GroupKey {
        dimensions.iter().map(|d| if self.group_by.contains(d) { value_of(d) } else { None }).collect()
    }

    fn in_bucket(&self, bucket: &std::ops::Range<i64>, date: &str) -> bool {
        parse_day(date).is_some_and(|day| bucket.contains(&day))
    }
}

fn usage_value(row: &UsageRow, dimension: &str) -> Option<String> {
    match dimension {
        "model" => Some(row.model.clone()),
        "workspace_id" => row.workspace_id.clone(),
        "api_key_id" => row.api_key_id.clone(),
        "service_tier" => row.service_tier.clone(),
        "context_window" => row.context_window.clone(),
        "inference_geo" => row.inference_geo.clone(),
        _ => None,
    }
}

fn cost_value(row: &CostRow, dimension: &str) -> Option<String> {
    match dimension {
        "model" => row.model.clone(),
        "workspace_id" => row.workspace_id.clone(),
        "service_tier" => row.service_tier.clone(),
        "context_window" => row.context_window.clone(),
        "inference_geo" => row.inference_geo.clone(),
        "cost_type" => Some(row.cost_type.clone()),
        "token_type" => row.token_type.clone(),
        _ => None,
    }
}

/// The dimension values one row is grouped by (null where not grouped).
type GroupKey = Vec<Option<String>>;

/// Rows grouped by key in order of first appearance, each with its sum.
fn grouped<T, S: Default>(
    items: impl Iterator<Item = T>,
    key_of: impl Fn(&T) -> GroupKey,
    mut add: impl FnMut(&mut S, &T) -> Result<(), ApiError>,
) -> Result<Vec<(GroupKey, S)>, ApiError> {
    let mut groups: Vec<(GroupKey, S)> = Vec::new();
    for item in items {
        let key = key_of(&item);
        let index = match groups.iter().position(|(existing, _)| *existing == key) {
            Some(index) => index,
            None => {
                groups.push((key, S::default()));
                groups.len() - 1
            }
        };
        add(&mut groups[index].1, &item)?;
    }
    Ok(groups)
}

fn time_row(bucket: &std::ops::Range<i64>, group: Value, name: &str, measures: Value) -> Value {
    let mut row = Map::new();
    row.insert("starting_at".into(), json!(format_midnight(bucket.start)));
    row.insert("ending_at".into(), json!(format_midnight(bucket.end)));
    row.insert("group".into(), group);
    row.insert(name.into(), measures);
    Value::Object(row)
}

#[derive(Default)]
struct UsageSums {
    uncached_input: u64,
    cache_creation_1h: u64,
    cache_creation_5m: u64,
    cache_read: u64,
    output: u64,
    web_search_requests: u64,
    requests: u64,
}

impl UsageSums {
    fn to_json(&self) -> Value {
        let total = [self.uncached_input, self.cache_creation_1h, self.cache_creation_5m, self.cache_read, self.output]
            .iter()
            .fold(0u64, |sum, tokens| sum.saturating_add(*tokens));
        json!({
            "uncached_input_tokens": self.uncached_input,
            "cache_creation": {
                "ephemeral_1h_input_tokens": self.cache_creation_1h,
                "ephemeral_5m_input_tokens": self.cache_creation_5m,
            },
            "cache_read_input_tokens": self.cache_read,
            "output_tokens": self.output,
            "server_tool_use": { "web_search_requests": self.web_search_requests },
            "total_tokens": total,
            "requests": self.requests,
        })
    }
}

pub(crate) fn usage(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    let request = request(ctx, &USAGE_DIMENSIONS)?;
    if let (Some(first), Some(last)) = (request.buckets.first(), request.buckets.last()) {
        shared.report_days(first.start..last.end);
    }
    let mut rows = Vec::new();
    for bucket in &request.buckets {
        let day_rows = shared.dataset.usage.iter().filter(|row| {
            request.in_bucket(bucket, &row.date) && request.keeps(|dimension| usage_value(row, dimension))
        });
        let groups = grouped(
            day_rows,
            |row| request.key(&USAGE_DIMENSIONS, |dimension| usage_value(row, dimension)),
            |sums: &mut UsageSums, row| {
                sums.uncached_input = sums.uncached_input.saturating_add(row.uncached_input_tokens);
                sums.cache_creation_1h = sums.cache_creation_1h.saturating_add(row.cache_creation_1h_input_tokens);
                sums.cache_creation_5m = sums.cache_creation_5m.saturating_add(row.cache_creation_5m_input_tokens);
                sums.cache_read = sums.cache_read.saturating_add(row.cache_read_input_tokens);
                sums.output = sums.output.saturating_add(row.output_tokens);
                sums.web_search_requests = sums.web_search_requests.saturating_add(row.web_search_requests);
                sums.requests = sums.requests.saturating_add(row.requests);
                Ok(())
            },
        )?;
        for (key, sums) in groups {
            rows.push(time_row(bucket, request.group(&USAGE_DIMENSIONS, &key), "usage", sums.to_json()));
        }
    }
    token_page(ctx, shared, rows, Some(DEFAULT_LIMIT), true)
}

struct CostSum(Decimal);

impl Default for CostSum {
    fn default() -> Self {
        CostSum(Decimal::ZERO)
    }
}

pub(crate) fn cost(ctx: &RequestCtx, shared: &mut Shared) -> Result<Value, ApiError> {
    let request = request(ctx, &COST_DIMENSIONS)?;
    if let (Some(first), Some(last)) = (request.buckets.first(), request.buckets.last()) {
        shared.report_days(first.start..last.end);
    }
    // Requests have no cost or token type: the count is null when grouped by either.
    let counts_requests = !request.group_by.iter().any(|d| matches!(*d, "cost_type" | "token_type"));
    let mut rows = Vec::new();
    for bucket in &request.buckets {
        let day_costs = shared.dataset.costs.iter().filter(|row| {
            request.in_bucket(bucket, &row.date) && request.keeps(|dimension| cost_value(row, dimension))
        });
        let groups = grouped(
            day_costs,
            |row| request.key(&COST_DIMENSIONS, |dimension| cost_value(row, dimension)),
            |sum: &mut CostSum, row| {
                let amount = Decimal::parse(&row.amount).ok_or_else(|| {
                    ApiError::internal(format!("fake dataset has an invalid cost amount '{}'", row.amount))
                })?;
                sum.0 =
                    sum.0.checked_add(amount).ok_or_else(|| ApiError::internal("cost amount overflow in the fake"))?;
                Ok(())
            },
        )?;
        for (key, CostSum(amount)) in groups {
            let requests = counts_requests.then(|| {
                shared
                    .dataset
                    .usage
                    .iter()
                    .filter(|row| {
                        request.in_bucket(bucket, &row.date)
                            && request.keeps(|dimension| usage_value(row, dimension))
                            && COST_DIMENSIONS.iter().zip(&key).all(|(dimension, value)| {
                                !request.group_by.contains(dimension) || usage_value(row, dimension) == *value
                            })
                    })
                    .fold(0u64, |sum, row| sum.saturating_add(row.requests))
            });
            let cost = json!({
                "amount": amount.to_string(),
                "currency": "USD",
                "list_amount": amount.to_string(),
                "requests": requests,
            });
            rows.push(time_row(bucket, request.group(&COST_DIMENSIONS, &key), "cost", cost));
        }
    }
    token_page(ctx, shared, rows, Some(DEFAULT_LIMIT), true)
}
