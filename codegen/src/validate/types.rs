//! `types:`: the response types (fields, examples), which must not contain themselves.

use std::collections::BTreeSet;

use super::{Ctx, yaml_to_json};
use crate::error::Error;
use crate::ir::{self, TypeExpr};
use crate::names;
use crate::spec;

/// Every type that keeps the rules (one that breaks one is reported and left out).
pub(super) fn validate_types(cx: &Ctx, types: &spec::Ordered<spec::TypeDef>) -> Vec<ir::TypeDef> {
    let declared: BTreeSet<&str> = types.0.iter().map(|(n, _)| n.as_str()).collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (name, def) in &types.0 {
        let validated = (|| {
            let at = format!("type `{name}`");
            if !names::is_type_name(name) {
                return cx.fail(
                    at,
                    "a type name must be UpperCamelCase letters and digits",
                    "rename the type, e.g. `ApiKey`",
                );
            }
            if !seen.insert(name.as_str()) {
                return cx.fail(at, "the type is declared twice", "remove one declaration");
            }
            let fields = validate_fields(cx, name, def, &declared)?;
            let example = match &def.example {
                None => None,
                Some(value) => Some(validate_example(cx, &at, &fields, value)?),
            };
            Ok(ir::TypeDef {
                name: name.clone(),
                description: def.description.clone(),
                fields,
                example,
                presentation: ir::Presentation::default(),
            })
        })();
        out.extend(cx.keep(name, validated));
    }
    cx.keep("types", check_cycles(cx, &out));
    let shaped: Vec<bool> =
        out.iter().map(|def| cx.keep(&def.name, check_example_shape(cx, &out, def)).is_some()).collect();
    let mut shaped = shaped.into_iter();
    out.retain(|_| shaped.next().unwrap_or(true));
    super::presentation::attach(cx, &mut out, types);
    out
}

/// A type's example has the type's shape, field by field, nested types included (so the
/// fake can answer with it and the connector decode it).
fn check_example_shape(cx: &Ctx, types: &[ir::TypeDef], def: &ir::TypeDef) -> Result<(), Error> {
    let Some(example) = &def.example else { return Ok(()) };
    match misfit(types, &TypeExpr::Named(def.name.clone()), false, example, "example") {
        None => Ok(()),
        Some((at, expected)) => cx.fail(
            format!("type `{}`", def.name),
            format!("`{at}` is not {expected}"),
            "make the example a value the API would send for this type",
        ),
    }
}

/// Where a value first differs from a type expression, and what was expected there.
fn misfit(
    types: &[ir::TypeDef],
    ty: &TypeExpr,
    nullable: bool,
    value: &serde_json::Value,
    at: &str,
) -> Option<(String, String)> {
    use serde_json::Value;
    let wrong = |expected: &str| Some((at.to_string(), expected.to_string()));
    let unless = |fits: bool, expected: &str| if fits { None } else { wrong(expected) };
    if value.is_null() {
        return if nullable || *ty == TypeExpr::Any {
            None
        } else {
            wrong("a value (the field is not nullable: `T?`)")
        };
    }
    match ty {
        TypeExpr::Any => None,
        TypeExpr::String => unless(value.is_string(), "a string"),
        TypeExpr::Integer => unless(value.is_i64() || value.is_u64(), "an integer"),
        TypeExpr::Count => unless(value.is_u64(), "a non-negative integer"),
        TypeExpr::Number => unless(value.is_number(), "a number"),
        TypeExpr::Boolean => unless(value.is_boolean(), "a boolean"),
        TypeExpr::Decimal => match value.as_str() {
            Some(text) if exact_decimal::Decimal::parse(text).is_some() => None,
            _ => wrong("a decimal number as a string, e.g. \"12.5\""),
        },
        TypeExpr::List(item) => match value {
            Value::Array(items) => {
                items.iter().enumerate().find_map(|(i, v)| misfit(types, item, false, v, &format!("{at}[{i}]")))
            }
            _ => wrong("a list"),
        },
        TypeExpr::Map(item) => match value {
            Value::Object(entries) => {
                entries.iter().find_map(|(k, v)| misfit(types, item, false, v, &format!("{at}.{k}")))
            }
            _ => wrong("a mapping"),
        },
        TypeExpr::Named(name) => {
            let def = types.iter().find(|t| &t.name == name)?;
            let Value::Object(object) = value else { return wrong(&format!("a `{name}` mapping")) };
            if let Some(unknown) = object.keys().find(|k| !def.fields.iter().any(|f| &f.name == *k)) {
                return Some((format!("{at}.{unknown}"), format!("a field of `{name}`")));
            }
            def.fields.iter().find_map(|field| match object.get(&field.name) {
                None if field.optional => None,
                None => Some((format!("{at}.{}", field.name), "given (the field is required)".to_string())),
                Some(v) => misfit(types, &field.ty, field.nullable, v, &format!("{at}.{}", field.name)),
            })
        }
    }
}

fn validate_fields(
    cx: &Ctx,
    name: &str,
    def: &spec::TypeDef,
    declared: &BTreeSet<&str>,
) -> Result<Vec<ir::Field>, Error> {
    let mut fields = Vec::new();
    let mut field_names = BTreeSet::new();
    for (field_name, field) in &def.fields.0 {
        let at = format!("type `{name}`, field `{field_name}`");
        if !names::is_identifier(field_name) {
            return cx.fail(at, "a field name must be snake_case", "use the API's snake_case field name");
        }
        if field_name == "extra" {
            return cx.fail(at, "`extra` is reserved for fields the spec does not describe", "rename the field");
        }
        if !field_names.insert(field_name.as_str()) {
            return cx.fail(at, "the field is declared twice", "remove one declaration");
        }
        fields.push(validate_field(cx, &at, field_name, field, declared)?);
    }
    Ok(fields)
}

fn validate_field(
    cx: &Ctx,
    at: &str,
    field_name: &str,
    field: &spec::FieldDef,
    declared: &BTreeSet<&str>,
) -> Result<ir::Field, Error> {
    let (text, optional, description, known_values) = match field {
        spec::FieldDef::Short(text) => (text.as_str(), false, None, Vec::new()),
        spec::FieldDef::Long(d) => (d.ty.as_str(), d.optional, d.description.clone(), d.values.clone()),
    };
    let (ty, nullable) = parse_type_expr(text).ok_or_else(|| {
        cx.error(
            at,
            format!("`{text}` is not a type expression"),
            "use string, integer, count, number, decimal, boolean, any, a type name, [T], {T}, with an optional trailing ?",
        )
    })?;
    if let Some(missing) = unknown_named(&ty, declared) {
        return cx.fail(at, format!("type `{missing}` is not declared under `types:`"), "declare it or fix the name");
    }
    Ok(ir::Field { name: field_name.to_string(), ty, nullable, optional, description, known_values })
}

/// A type's example: a mapping with every required field and no undeclared one.
fn validate_example(
    cx: &Ctx,
    at: &str,
    fields: &[ir::Field],
    value: &yaml_serde::Value,
) -> Result<serde_json::Value, Error> {
    let json = yaml_to_json(cx, at, value)?;
    let Some(object) = json.as_object() else {
        return cx.fail(
            at,
            "the example must be a mapping of field names to values",
            "write `example: {field: value}`",
        );
    };
    if let Some(unknown) = object.keys().find(|k| !fields.iter().any(|f: &ir::Field| &f.name == *k)) {
        return cx.fail(
            at,
            format!("the example has field `{unknown}`, which the type does not declare"),
            "declare the field or remove it from the example",
        );
    }
    if let Some(missing) = fields.iter().find(|f| !f.optional && !object.contains_key(&f.name)) {
        return cx.fail(
            at,
            format!("the example lacks the required field `{}`", missing.name),
            "add it to the example",
        );
    }
    Ok(json)
}

fn check_cycles(cx: &Ctx, types: &[ir::TypeDef]) -> Result<(), Error> {
    for def in types {
        if let Some(path) = cycle_from(types, &def.name, &mut vec![def.name.clone()]) {
            return cx.fail(
                format!("type `{}`", def.name),
                format!("types contain themselves ({}); output schemas are inlined", path.join(" -> ")),
                "break the cycle with `any`",
            );
        }
    }
    Ok(())
}

fn cycle_from(types: &[ir::TypeDef], name: &str, path: &mut Vec<String>) -> Option<Vec<String>> {
    let def = types.iter().find(|t| t.name == name)?;
    for field in &def.fields {
        let mut named = Vec::new();
        collect_named(&field.ty, &mut named);
        for next in named {
            if path.first().is_some_and(|first| first == next) {
                let mut cycle = path.clone();
                cycle.push(next.to_string());
                return Some(cycle);
            }
            if path.iter().any(|p| p == next) {
                continue;
            }
            path.push(next.to_string());
            if let Some(cycle) = cycle_from(types, next, path) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
}

fn collect_named<'a>(ty: &'a TypeExpr, out: &mut Vec<&'a str>) {
    match ty {
        TypeExpr::Named(n) => out.push(n),
        TypeExpr::List(inner) | TypeExpr::Map(inner) => collect_named(inner, out),
        _ => {}
    }
}

fn unknown_named<'a>(ty: &'a TypeExpr, declared: &BTreeSet<&str>) -> Option<&'a str> {
    match ty {
        TypeExpr::Named(n) if !declared.contains(n.as_str()) => Some(n),
        TypeExpr::List(inner) | TypeExpr::Map(inner) => unknown_named(inner, declared),
        _ => None,
    }
}

/// `string`, `User?`, `[UsageRow]`, `{string}`.
fn parse_type_expr(text: &str) -> Option<(TypeExpr, bool)> {
    let text = text.trim();
    let (text, nullable) = match text.strip_suffix('?') {
        Some(inner) => (inner, true),
        None => (text, false),
    };
    Some((parse_inner(text)?, nullable))
}

fn parse_inner(text: &str) -> Option<TypeExpr> {
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return Some(TypeExpr::List(Box::new(parse_inner(inner.trim())?)));
    }
    if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        return Some(TypeExpr::Map(Box::new(parse_inner(inner.trim())?)));
    }
    Some(match text {
        "string" => TypeExpr::String,
        "integer" => TypeExpr::Integer,
        "count" => TypeExpr::Count,
        "decimal" => TypeExpr::Decimal,
        "number" => TypeExpr::Number,
        "boolean" => TypeExpr::Boolean,
        "any" => TypeExpr::Any,
        name if names::is_type_name(name) => TypeExpr::Named(name.to_string()),
        _ => return None,
    })
}
