//! The example call and example result of each tool in `docs/tools.md` (and the fake
//! Admin API's answers for endpoints it does not emulate, through `endpoints.json`):
//! the spec's `example:` values where it gives them, otherwise values synthesised from
//! each argument's kind and bounds, and result skeletons in the pagination envelope.

use exact_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::ir::{Action, Arg, ArgKind, Check, DefaultValue, HttpCall, Model, Pagination, Tool, TypeDef, TypeExpr};

/// The first day of synthesized date ranges; the last is [`EXAMPLE_END`].
const EXAMPLE_START: &str = "2026-11-01";
const EXAMPLE_END: &str = "2026-11-07";
/// How deep a synthesized example result goes before it stops (types cannot contain
/// themselves, so this only guards against a generator bug).
const MAX_DEPTH: usize = 32;

/// The `arguments` of the example call: every required argument, every argument the
/// spec gives an `example` for, and for each `at_least_one` check that would otherwise
/// fail, its first argument; in the tool's argument order.
pub fn example_call(tool: &Tool) -> Map<String, Value> {
    let mut chosen: Vec<&str> =
        tool.args.iter().filter(|a| a.required || a.example.is_some()).map(|a| a.name.as_str()).collect();
    for check in &tool.checks {
        if let Check::AtLeastOne(names) = check
            && !names.iter().any(|n| chosen.contains(&n.as_str()))
            && let Some(first) = names.first()
        {
            chosen.push(first);
        }
    }
    tool.args
        .iter()
        .filter(|arg| chosen.contains(&arg.name.as_str()))
        .map(|arg| (arg.name.clone(), arg.example.clone().unwrap_or_else(|| synthesize(tool, arg, &arg.kind))))
        .collect()
}

/// A value the tool accepts, from the argument's kind and bounds.
fn synthesize(tool: &Tool, arg: &Arg, kind: &ArgKind) -> Value {
    match kind {
        ArgKind::String { min_length, max_length } => {
            json!(fit(&format!("example {}", arg.name.replace('_', " ")), *min_length, *max_length))
        }
        ArgKind::Integer { minimum, maximum } => {
            let value = match &arg.default {
                Some(DefaultValue::Integer(n)) => *n,
                _ => minimum.unwrap_or(1).min(maximum.unwrap_or(i64::MAX)),
            };
            json!(value)
        }
        ArgKind::Boolean => json!(matches!(arg.default, Some(DefaultValue::Boolean(true)) | None)),
        ArgKind::Date => json!(if is_end_date(tool, &arg.name) { EXAMPLE_END } else { EXAMPLE_START }),
        ArgKind::Email => json!("dev@example.com"),
        ArgKind::Id => json!(format!("{}01AbC", id_prefix(arg))),
        ArgKind::Enum(e) => json!(e.values.first().cloned().unwrap_or_default()),
        ArgKind::List(list) => json!([synthesize(tool, arg, &list.item)]),
        ArgKind::Map(map) => {
            let key = fit("team", Some(1), Some(map.key_max_length));
            let key = match &map.reserved_key_prefix {
                Some(prefix) if key.to_lowercase().starts_with(&prefix.to_lowercase()) => fit("x", Some(1), None),
                _ => key,
            };
            json!({key: fit("platform", None, Some(map.value_max_length))})
        }
    }
}

/// `text` cut to `max` characters and padded with `x` to `min`.
fn fit(text: &str, min: Option<u32>, max: Option<u32>) -> String {
    let mut out: String = text.chars().take(max.map_or(usize::MAX, |m| m as usize)).collect();
    while out.chars().count() < min.unwrap_or(0) as usize {
        out.push('x');
    }
    out
}

/// The end of a `date_range` check, or a name that reads like an end.
fn is_end_date(tool: &Tool, name: &str) -> bool {
    for check in &tool.checks {
        if let Check::DateRange { start, end, .. } = check {
            if end == name {
                return true;
            }
            if start == name {
                return false;
            }
        }
    }
    if let Action::Http(HttpCall { pagination: Pagination::PerDay { end, .. }, .. }) = &tool.action {
        return end == name;
    }
    ["end", "until", "to", "last"].iter().any(|word| name.split('_').any(|part| part == *word))
}

/// `user_`: the prefix an ID description shows as `(user_...)`, else the argument's name
/// without `_id` / `_ids`.
fn id_prefix(arg: &Arg) -> String {
    let from_description = arg.description.split('(').skip(1).find_map(|rest| {
        let (prefix, _) = rest.split_once("...)")?;
        (prefix.ends_with('_') && prefix.len() > 1 && prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then(|| prefix.to_string())
    });
    from_description.unwrap_or_else(|| {
        let name = &arg.name;
        let stem = name.strip_suffix("_ids").or_else(|| name.strip_suffix("_id")).unwrap_or(name);
        format!("{stem}_")
    })
}

// ------------------------------------------------------------------ example result

/// The tool's result for the example call: the output type's spec example (or a
/// skeleton of its fields) in the envelope the tool returns. The flag says whether the
/// item came from the spec.
pub(crate) fn example_result(model: &Model, tool: &Tool, call: &HttpCall, args: &Map<String, Value>) -> (Value, bool) {
    let from_spec = model.type_def(&call.output).is_some_and(|def| def.example.is_some());
    let item = named_example(model, &call.output, 0);
    let arg_value = |name: &str| -> Value {
        args.get(name).cloned().unwrap_or_else(|| match tool.arg(name).and_then(|a| a.default.as_ref()) {
            Some(DefaultValue::Integer(n)) => json!(n),
            _ => json!(1),
        })
    };
    let result = match &call.pagination {
        Pagination::None => item,
        Pagination::IdCursor { page, per_page } => json!({
            "data": [item],
            "page": arg_value(page),
            "per_page": arg_value(per_page),
            "has_more": false,
        }),
        Pagination::PageToken { window: Some((page, per_page)) } => json!({
            "data": [item],
            "page": arg_value(page),
            "per_page": arg_value(per_page),
            "total": 1,
            "has_more": false,
        }),
        Pagination::PageToken { window: None } => {
            let data = vec![item];
            match &call.summary {
                Some(sum) => {
                    let (cents, usd) = sum_cents(&data, &sum.list_field, &sum.amount_field)
                        .map_or_else(|| ("…".to_string(), "…".to_string()), |(c, u)| (c, u));
                    json!({"data": data, "total_cents": cents, "total_usd": usd})
                }
                None => json!({"data": data}),
            }
        }
        Pagination::PerDay { start, end, .. } => {
            let days = match (args.get(start).and_then(Value::as_str), args.get(end).and_then(Value::as_str)) {
                (Some(s), Some(e)) => day_number(e).zip(day_number(s)).map(|(e, s)| json!(e - s + 1)),
                _ => None,
            };
            json!({"data": [item], "days": days.unwrap_or(json!(1))})
        }
    };
    (result, from_spec)
}

pub(crate) fn named_example(model: &Model, name: &str, depth: usize) -> Value {
    match model.type_def(name) {
        Some(TypeDef { example: Some(example), .. }) => example.clone(),
        Some(def) if depth < MAX_DEPTH => {
            let mut out = Map::new();
            for field in def.fields.iter().filter(|f| !f.optional) {
                let value = if field.nullable {
                    Value::Null
                } else if field.ty == TypeExpr::String && !field.known_values.is_empty() {
                    json!(field.known_values[0])
                } else {
                    expr_example(model, &field.ty, depth + 1)
                };
                out.insert(field.name.clone(), value);
            }
            Value::Object(out)
        }
        _ => Value::Null,
    }
}

fn expr_example(model: &Model, ty: &TypeExpr, depth: usize) -> Value {
    match ty {
        TypeExpr::String => json!("…"),
        TypeExpr::Decimal => json!("12.5"),
        TypeExpr::Integer | TypeExpr::Count => json!(0),
        TypeExpr::Number => json!(0.0),
        TypeExpr::Boolean => json!(false),
        TypeExpr::Any => Value::Null,
        TypeExpr::Named(name) => named_example(model, name, depth),
        TypeExpr::List(inner) => json!([expr_example(model, inner, depth + 1)]),
        TypeExpr::Map(inner) => json!({"key": expr_example(model, inner, depth + 1)}),
    }
}

/// `total_cents` and `total_usd` as the connector computes them, when every amount of
/// `data[].list[].amount` is a decimal string.
fn sum_cents(data: &[Value], list: &str, amount: &str) -> Option<(String, String)> {
    let mut total = Decimal::ZERO;
    for item in data {
        for row in item.get(list)?.as_array()? {
            total = total.checked_add(Decimal::parse_value(row.get(amount)?.as_str()?)?)?;
        }
    }
    Some((total.normalized().to_string(), total.shifted(2).rounded(2).to_string()))
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` day (proleptic Gregorian).
fn day_number(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d): (i64, i64, i64) =
        (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::emit::docs::tests::{model, result, tool};

    #[test]
    fn example_calls_use_spec_examples_or_values_of_each_kind() {
        let model = model();
        let call = |name| Value::Object(example_call(tool(&model, name)));
        assert_eq!(call("t_costs"), json!({"start_date": "2026-11-01", "end_date": "2026-11-07"}));
        assert_eq!(call("t_days"), json!({"from": "2026-10-01", "until": "2026-10-03"}));
        assert_eq!(call("t_list_users"), json!({}), "optional arguments without an example are left out");
        assert_eq!(
            call("t_update_user"),
            json!({"user_id": "usr_01AbC", "tags": {"x": "plat"}}),
            "an at_least_one check gets its first argument; map keys avoid the reserved prefix"
        );
        assert_eq!(call("t_remove_user"), json!({"user_id": "user_01AbC"}));
    }

    #[test]
    fn example_results_are_skeletons_or_spec_examples_in_the_pagination_envelope() {
        let model = model();
        assert_eq!(
            result(&model, "t_list_users"),
            (
                json!({"data": [{"id": "…", "role": "user", "added_at": null}], "page": 2, "per_page": 20, "has_more": false}),
                false
            )
        );
        let (costs, from_spec) = result(&model, "t_costs");
        assert!(from_spec);
        assert_eq!((&costs["total_cents"], &costs["total_usd"]), (&json!("123.955"), &json!("1.24")));
        assert_eq!(costs["data"][0]["results"][1]["amount"], "0.5");
        assert_eq!(
            result(&model, "t_days").0,
            json!({"data": [{"date": "…", "counts": {"key": 0}, "share": 0.0, "remote": false}], "days": 3})
        );
        assert_eq!(result(&model, "t_remove_user").0, json!({"id": "…"}), "no envelope without pagination");
    }

    #[test]
    fn example_totals_are_exact() {
        let data = [json!({"results": [{"amount": "123.455"}, {"amount": "0.5"}, {"amount": "-1"}]})];
        assert_eq!(sum_cents(&data, "results", "amount"), Some(("122.955".into(), "1.23".into())));
        assert_eq!(sum_cents(&[json!({"results": [{"amount": "…"}]})], "results", "amount"), None);
    }

    #[test]
    fn day_numbers_count_days() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2026-11-07").unwrap() - day_number("2026-11-01").unwrap(), 6);
        assert_eq!(day_number("2024-03-01").unwrap() - day_number("2024-02-28").unwrap(), 2);
        assert_eq!(day_number("2024-13-01"), None);
    }
}
