//! Roll-ups of report results: the generated arguments `period` (day, ISO week, month,
//! total), `group_by`, `sort` and `top`, applied to any report tool through the
//! dimensions and measures its presentation declares. One generic piece of code for
//! every report, called by the generated client; items are folded in as they arrive
//! ([`Aggregator`]), so memory grows with the groups, not the records. Sums are exact
//! (counts checked, money as decimals) and a `top` cut keeps the rest as one `other`
//! row per period, so totals stay whole.

mod groups;
mod projection;

use projection::Projection;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::envelope::{self, Period, RollUpRow, RolledUp};
use super::filter::Filters;
use super::http::{Snapshot, restore_json, save_json};
use super::pagination::fold_per_day;
use super::presentation::{Amount, Column, ColumnRole, EACH, Presentation};
use super::{Aggregation, ArgError, Date, Error, Http, Request};

/// How a call asked its rows to be rolled up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollUp {
    pub period: Period,
    pub group_by: Vec<String>,
    pub sort: Option<String>,
    pub top: Option<usize>,
    /// `(column, value)`: only the items whose column reads the value (the spec's `filters`).
    pub filters: Vec<(String, String)>,
}

/// `2026-03-04` → `2026-03-04`, `2026-W10`, `2026-03`; `None` for the total.
fn period_key(period: Period, day: NaiveDate) -> Option<String> {
    match period {
        Period::Day => Some(day.format("%Y-%m-%d").to_string()),
        Period::Week => {
            let week = day.iso_week();
            Some(format!("{}-W{:02}", week.year(), week.week()))
        }
        Period::Month => Some(day.format("%Y-%m").to_string()),
        Period::Total => None,
    }
}

impl RollUp {
    /// A roll-up from the generated arguments' values (`period` defaults to the total).
    pub fn new(period: Option<&str>, group_by: &[&str], sort: Option<&str>, top: Option<u32>) -> RollUp {
        RollUp {
            period: period.and_then(Period::parse).unwrap_or(Period::Total),
            group_by: group_by.iter().map(|d| d.to_string()).collect(),
            sort: sort.map(str::to_string),
            top: top.map(|n| n as usize),
            filters: Vec::new(),
        }
    }

    /// Only the items whose `column` reads `value` (no filter when `value` is `None`).
    pub fn with_filter(mut self, column: &str, value: Option<&str>) -> RollUp {
        if let Some(value) = value {
            self.filters.push((column.to_string(), value.to_string()));
        }
        self
    }
}

/// A measure or dimension and the layer (item, nested row, breakdown entry) it reads from.
#[derive(Debug, Clone, Copy)]
struct Field {
    column: &'static Column,
    layer: Layer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Item,
    Nested,
}

/// One unit of data: an item and, when it spreads, one of its nested rows or entries.
struct Unit<'v> {
    item: &'v Value,
    nested: Option<&'v Value>,
}

impl Unit<'_> {
    fn source(&self, layer: Layer) -> Option<&Value> {
        match layer {
            Layer::Item => Some(self.item),
            Layer::Nested => self.nested,
        }
    }
}

/// The plan of one roll-up: what spreads, which dimensions group, which measures add up.
struct Plan {
    spread: Option<&'static str>,
    dimensions: Vec<Field>,
    measures: Vec<Field>,
    sort: Option<usize>,
}

fn plan(presentation: &'static Presentation, roll_up: &RollUp) -> Result<Plan, ArgError> {
    let nested_rows = presentation.rows;
    let breakdown = presentation.breakdown;
    let find = |p: &'static Presentation, name: &str, role: ColumnRole| {
        p.columns.iter().find(|c| c.name == name && c.role == role)
    };
    // A breakdown spreads only when a dimension lives there alone (grouping by model).
    let spreads_breakdown = breakdown.is_some_and(|b| {
        roll_up.group_by.iter().any(|d| {
            find(b.presentation, d, ColumnRole::Dimension).is_some()
                && find(presentation, d, ColumnRole::Dimension).is_none()
        })
    });
    let nested = if spreads_breakdown { breakdown } else { nested_rows };
    let mut dimensions = Vec::new();
    for name in &roll_up.group_by {
        let field = find(presentation, name, ColumnRole::Dimension)
            .map(|column| Field { column, layer: Layer::Item })
            .or_else(|| {
                let nested = nested?.presentation;
                find(nested, name, ColumnRole::Dimension).map(|column| Field { column, layer: Layer::Nested })
            });
        match field {
            Some(field) => dimensions.push(field),
            None => {
                return Err(ArgError::new(
                    Aggregation::GROUP_BY,
                    format!("`{name}` is not a dimension of this report"),
                ));
            }
        }
    }
    // Measures of the item, unless each unit is one breakdown entry (whose measures then stand alone).
    let mut measures: Vec<Field> = Vec::new();
    let mut add = |p: &'static Presentation, layer: Layer| {
        for column in p.columns.iter().filter(|c| c.role == ColumnRole::Measure) {
            if !measures.iter().any(|m| m.column.name == column.name) {
                measures.push(Field { column, layer });
            }
        }
    };
    if spreads_breakdown {
        add(breakdown.map(|b| b.presentation).unwrap_or(presentation), Layer::Nested);
    } else {
        add(presentation, Layer::Item);
        if let Some(rows) = nested_rows {
            add(rows.presentation, Layer::Nested);
        }
    }
    let sort = match &roll_up.sort {
        None => None,
        Some(name) => match measures.iter().position(|m| m.column.name == name) {
            Some(index) => Some(index),
            None => {
                let names: Vec<&str> = measures.iter().map(|m| m.column.name).collect();
                return Err(ArgError::new(
                    Aggregation::SORT,
                    format!("`{name}` is not a measure of these rows; sort by one of: {}", names.join(", ")),
                ));
            }
        },
    };
    Ok(Plan { spread: nested.map(|n| n.field), dimensions, measures, sort })
}

/// The groups of one period, and the sums within each.
type Groups = BTreeMap<Vec<Option<String>>, Vec<Amount>>;

/// A roll-up in progress: items are added one at a time, and only the groups are kept.
pub struct Aggregator {
    presentation: &'static Presentation,
    plan: Plan,
    roll_up: RollUp,
    /// Where each measure's sum lives in a group's compact sums.
    layout: groups::Layout,
    /// The dimension values seen, each stored once.
    values: groups::Values,
    periods: BTreeMap<Option<String>, groups::Compact>,
    totals: Vec<Amount>,
    first_day: Option<NaiveDate>,
    last_day: Option<NaiveDate>,
    filters: Filters,
    /// The last date text read, its day and its period.
    recent_day: Option<(String, Option<NaiveDate>, Option<String>)>,
}

impl Aggregator {
    /// Checks the roll-up against the presentation's dimensions and measures.
    pub fn new(presentation: &'static Presentation, roll_up: &RollUp) -> Result<Aggregator, ArgError> {
        let plan = plan(presentation, roll_up)?;
        let zero: Vec<Amount> = plan.measures.iter().filter_map(|m| Amount::zero(m.column.kind)).collect();
        Ok(Aggregator {
            presentation,
            layout: groups::Layout::new(&zero),
            values: groups::Values::default(),
            totals: zero,
            plan,
            roll_up: roll_up.clone(),
            periods: BTreeMap::new(),
            first_day: None,
            last_day: None,
            filters: Filters::with(presentation, &roll_up.filters),
            recent_day: None,
        })
    }

    /// What of an item this roll-up reads (its dimensions, measures, filters and date),
    /// so that items can be decoded without the rest.
    fn projection(&self) -> Projection {
        let mut projection = Projection::default();
        let nested: Vec<&'static str> = self.plan.spread.into_iter().chain([EACH]).collect();
        if let Some(spread) = self.plan.spread {
            projection.reach(&[spread, EACH]);
        }
        for field in self.plan.dimensions.iter().chain(&self.plan.measures) {
            let prefix: &[&'static str] = match field.layer {
                Layer::Item => &[],
                Layer::Nested => &nested,
            };
            projection.keep_column(prefix, field.column);
        }
        let time = self.presentation.time.and_then(|name| self.presentation.column(name));
        for column in self.filters.columns().chain(time) {
            projection.keep_column(&[], column);
        }
        projection
    }

    /// The day an item's date names and its period, read once for a run of items of one day.
    fn day_and_period(&mut self, text: Option<&str>) -> (Option<NaiveDate>, Option<String>) {
        if let (Some(text), Some((seen, day, period))) = (text, &self.recent_day)
            && seen == text
        {
            return (*day, period.clone());
        }
        let day = text.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let period = day.and_then(|d| period_key(self.roll_up.period, d));
        self.recent_day = text.map(|text| (text.to_string(), day, period.clone()));
        (day, period)
    }

    /// Folds one item (a record, or a report bucket with its rows) in.
    pub fn add(&mut self, item: &Value) -> Result<(), ArgError> {
        if !self.filters.matches(item) {
            return Ok(());
        }
        let (day, period) = self.day_and_period(self.presentation.day_of(item));
        if let Some(day) = day {
            self.first_day = Some(self.first_day.map_or(day, |first| first.min(day)));
            self.last_day = Some(self.last_day.map_or(day, |last| last.max(day)));
        }
        for unit in units(item, self.plan.spread) {
            let key: groups::Key = self
                .plan
                .dimensions
                .iter()
                .map(|d| self.values.id(unit.source(d.layer).map(|v| d.column.format(v)).filter(|t| !t.is_empty())))
                .collect();
            let layout = &self.layout;
            let sums = self.periods.entry(period.clone()).or_default().entry(key).or_insert_with(|| layout.zero());
            for (index, measure) in self.plan.measures.iter().enumerate() {
                let Some(amount) = unit.source(measure.layer).and_then(|v| measure.column.amount(v)) else { continue };
                layout.add(sums, index, &amount).ok_or_else(|| overflow(measure.column))?;
                self.totals[index] = checked(self.totals[index], &amount, measure.column)?;
            }
        }
        Ok(())
    }

    /// The rows (sorted and cut per period), the totals, and what the roll-up was.
    pub fn finish(self) -> Result<Value, ArgError> {
        let mut rows = Vec::new();
        let mut groups_total = 0;
        for (period, compact) in self.periods {
            groups_total += compact.len();
            // One period at a time back to names and amounts, in the dimensions' order.
            let groups: Groups = compact
                .into_iter()
                .map(|(key, sums)| (key.iter().map(|id| self.values.name(*id)).collect(), self.layout.amounts(&sums)))
                .collect();
            rows.extend(period_rows(&self.plan, &self.roll_up, period.as_deref(), groups)?);
        }
        let roll_up = self.roll_up;
        let rolled_up = RolledUp {
            period: roll_up.period,
            group_by: roll_up.group_by,
            sort: roll_up.sort,
            top: roll_up.top,
            groups: groups_total,
            first_day: self.first_day.zip(self.last_day).map(|(first, _)| first.to_string()),
            last_day: self.first_day.zip(self.last_day).map(|(_, last)| last.to_string()),
            rows,
            totals: measures_object(&self.plan, &self.totals),
        };
        Ok(rolled_up.to_value())
    }
}

/// A roll-up's groups as kept over closed days ([`Snapshot`]): the values, each
/// period's groups by value ids, the totals and the days seen (written by `save`).
#[derive(Deserialize)]
struct Kept {
    values: Vec<String>,
    periods: Vec<(Option<String>, groups::Kept)>,
    totals: Vec<Amount>,
    days: Option<(Date, Date)>,
}

/// Kept per question: the presentation, the period, the grouping and the filters
/// decide the groups (`sort` and `top` only cut them at the end).
impl Snapshot for Aggregator {
    fn fresh(&self) -> Result<Aggregator, Error> {
        Ok(Aggregator::new(self.presentation, &self.roll_up)?)
    }

    fn merge(&mut self, other: Aggregator) -> Result<(), Error> {
        let ids = self.values.absorb(&other.values);
        let layout = &self.layout;
        for (period, groups) in other.periods {
            let mine = self.periods.entry(period).or_default();
            for (key, sums) in groups {
                let into = mine.entry(groups::Values::rekey(&key, &ids)).or_insert_with(|| layout.zero());
                for ((index, amount), measure) in layout.amounts(&sums).iter().enumerate().zip(&self.plan.measures) {
                    layout.add(into, index, amount).ok_or_else(|| overflow(measure.column))?;
                }
            }
        }
        for ((total, more), measure) in self.totals.iter_mut().zip(&other.totals).zip(&self.plan.measures) {
            *total = checked(*total, more, measure.column)?;
        }
        self.first_day = self.first_day.into_iter().chain(other.first_day).min();
        self.last_day = self.last_day.into_iter().chain(other.last_day).max();
        self.recent_day = None;
        Ok(())
    }

    fn shape(&self) -> String {
        let (p, r) = (self.presentation, &self.roll_up);
        format!("roll-up v1 {} {:?} {:?} {:?}", p.plural, r.period, r.group_by, r.filters)
    }

    fn save(&self, out: &mut dyn std::io::Write) -> Result<(), Error> {
        #[derive(Serialize)]
        struct Saving<'a> {
            values: Vec<&'a str>,
            periods: Vec<(&'a Option<String>, groups::Keeping<'a>)>,
            totals: &'a [Amount],
            days: Option<(Date, Date)>,
        }
        let periods =
            self.periods.iter().map(|(period, groups)| (period, groups::Keeping(&self.layout, groups))).collect();
        let days = self.first_day.zip(self.last_day).map(|(first, last)| (Date::from(first), Date::from(last)));
        save_json(&Saving { values: self.values.names(), periods, totals: &self.totals, days }, out)
    }

    fn restore(&mut self, bytes: &[u8]) -> bool {
        let Some(kept) = restore_json::<Kept>(bytes) else { return false };
        let values = groups::Values::from_names(kept.values);
        let same_kinds = kept.totals.len() == self.totals.len()
            && kept
                .totals
                .iter()
                .zip(&self.totals)
                .all(|(a, b)| std::mem::discriminant(a) == std::mem::discriminant(b));
        let dimensions = self.plan.dimensions.len();
        let periods: Option<BTreeMap<_, _>> = kept
            .periods
            .into_iter()
            .map(|(period, groups)| Some((period, self.layout.read_back(groups, dimensions, &values)?)))
            .collect();
        let (Some(periods), true) = (periods, same_kinds) else { return false };
        self.values = values;
        self.periods = periods;
        self.totals = kept.totals;
        (self.first_day, self.last_day) = kept.days.map(|(first, last)| (first.naive(), last.naive())).unzip();
        self.recent_day = None;
        true
    }
}

/// Rolls a whole report result (`data`: its items) up as `roll_up` asks.
pub fn roll_up(presentation: &'static Presentation, value: &Value, roll_up: &RollUp) -> Result<Value, Error> {
    let mut aggregator = Aggregator::new(presentation, roll_up)?;
    for item in value.get(envelope::DATA).and_then(Value::as_array).into_iter().flatten() {
        aggregator.add(item)?;
    }
    Ok(aggregator.finish()?)
}

/// Rolls a per-day report up while it is fetched: each day's items are folded in as
/// the day arrives and then dropped, so at most `concurrency` days are held at once.
pub async fn roll_up_per_day(
    http: &Http,
    request: Request,
    query_name: &str,
    days: &[Date],
    limit: u32,
    presentation: &'static Presentation,
    roll_up: &RollUp,
) -> Result<Value, Error> {
    let aggregator = Aggregator::new(presentation, roll_up)?;
    let projection = aggregator.projection();
    let fold = |aggregator: &mut Aggregator, item: Value| aggregator.add(&item).map_err(Error::from);
    let aggregator = fold_per_day(http, request, (query_name, days, limit), projection, aggregator, fold).await?;
    Ok(aggregator.finish()?)
}

fn checked(sum: Amount, amount: &Amount, column: &Column) -> Result<Amount, ArgError> {
    sum.checked_add(amount).ok_or_else(|| overflow(column))
}

fn overflow(column: &Column) -> ArgError {
    ArgError::new(
        column.name,
        "the upstream values add up past what can be counted exactly (an overflow); ask for a shorter range",
    )
}

/// The units an item spreads into: each entry of `spread`, or the item itself (also when
/// it has no entries, so a day without rows still counts as a period).
fn units<'v>(item: &'v Value, spread: Option<&str>) -> Vec<Unit<'v>> {
    let entries = spread.and_then(|field| item.get(field)).and_then(Value::as_array);
    match entries {
        Some(entries) if !entries.is_empty() => {
            entries.iter().map(|nested| Unit { item, nested: Some(nested) }).collect()
        }
        _ => vec![Unit { item, nested: None }],
    }
}

/// One period's groups, sorted and cut to `top` with the rest summed as `other`.
fn period_rows(
    plan: &Plan,
    roll_up: &RollUp,
    period: Option<&str>,
    groups: Groups,
) -> Result<Vec<RollUpRow>, ArgError> {
    let mut groups: Vec<(Vec<Option<String>>, Vec<Amount>)> = groups.into_iter().collect();
    if let Some(index) = plan.sort {
        // Largest first; ties keep the dimension order, so the output is deterministic.
        groups.sort_by(|a, b| order(&b.1[index], &a.1[index]));
    }
    let keep = roll_up.top.unwrap_or(usize::MAX).min(groups.len());
    let rest = groups.split_off(keep);
    let mut rows: Vec<RollUpRow> = groups.iter().map(|(key, sums)| row(plan, period, key, sums, None)).collect();
    if !rest.is_empty() {
        let mut sums: Vec<Amount> = plan.measures.iter().filter_map(|m| Amount::zero(m.column.kind)).collect();
        for (_, group) in &rest {
            for (index, measure) in plan.measures.iter().enumerate() {
                sums[index] = checked(sums[index], &group[index], measure.column)?;
            }
        }
        let key = vec![None; plan.dimensions.len()];
        rows.push(row(plan, period, &key, &sums, Some(rest.len())));
    }
    Ok(rows)
}

fn order(a: &Amount, b: &Amount) -> std::cmp::Ordering {
    match (a, b) {
        (Amount::Count(a), Amount::Count(b)) => a.cmp(b),
        (Amount::Cents(a), Amount::Cents(b)) | (Amount::Usd(a), Amount::Usd(b)) => a.cmp_exact(b),
        _ => std::cmp::Ordering::Equal,
    }
}

fn row(plan: &Plan, period: Option<&str>, key: &[Option<String>], sums: &[Amount], other: Option<usize>) -> RollUpRow {
    let mut columns = Map::new();
    for (dimension, value) in plan.dimensions.iter().zip(key) {
        columns.insert(dimension.column.name.into(), json!(value));
    }
    columns.extend(measures_object(plan, sums));
    RollUpRow { period: period.map(str::to_string), other_groups: other, columns }
}

/// Measures as JSON: counts as integers, money as exact dollars rounded once to the cent.
fn measures_object(plan: &Plan, sums: &[Amount]) -> Map<String, Value> {
    let mut out = Map::new();
    for (measure, sum) in plan.measures.iter().zip(sums) {
        let value = match sum {
            Amount::Count(n) => json!(n),
            Amount::Cents(cents) => json!(cents.usd_rounded()),
            Amount::Usd(usd) => json!(usd.times_hundred().usd_rounded()),
        };
        out.insert(measure.column.name.into(), value);
    }
    out
}
