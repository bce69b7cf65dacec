//! A tool's arguments: the shared ones they `use`, their types and bounds, defaults,
//! examples and where they go upstream.

use std::collections::BTreeSet;

use super::{Ctx, yaml_text, yaml_to_json};
use crate::error::Error;
use crate::ir::{self, Arg, ArgKind, DefaultValue, EnumArg, ListArg, MapArg, Upstream};
use crate::names;
use crate::spec::{self, SpecFile};

/// The argument types, as a fix message lists them.
const ARG_TYPES: &str = "string, integer, boolean, date, email, id, enum, array, map or fields";
/// The most items an array of free-form strings takes unless `max_items` says otherwise.
const DEFAULT_MAX_ITEMS: u32 = 100;

pub(super) fn validate_arg(
    cx: &Ctx,
    tool_at: &str,
    spec: &SpecFile,
    name: &str,
    def: &spec::ArgumentDef,
) -> Result<Arg, Error> {
    let at = format!("{tool_at}, argument `{name}`");
    let merged;
    let def = match &def.use_shared {
        None => def,
        Some(shared_name) => {
            merged = merge(shared_argument(cx, &at, spec, shared_name)?, def);
            &merged
        }
    };
    let Some(ty) = def.ty.as_deref() else {
        return cx.fail(at, "the argument has no `type`", format!("add `type:` ({ARG_TYPES})"));
    };
    let kind = match ty {
        "array" => array_kind(cx, &at, def)?,
        "map" => map_kind(cx, &at, def)?,
        "fields" => fields_kind(cx, &at, def)?,
        other => scalar_kind(cx, &at, other, def)?,
    };
    check_keys_apply(cx, &at, ty, def)?;
    check_bounds(cx, &at, def)?;
    let required = def.required.unwrap_or(false);
    let default = match &def.default {
        None => None,
        Some(value) => Some(validate_default(cx, &at, &kind, value)?),
    };
    if required && default.is_some() {
        return cx.fail(at, "a required argument cannot have a default", "remove `default` or `required`");
    }
    let Some(description) = def.description.clone().filter(|d| !d.trim().is_empty()) else {
        return cx.fail(at, "the argument has no description", "add a short `description` (a model reads it)");
    };
    let upstream = match &def.upstream {
        None => None,
        Some(up) => Some(validate_upstream(cx, &at, &kind, up)?),
    };
    let example = match &def.example {
        None => None,
        Some(value) => Some(validate_example(cx, &at, &kind, value)?),
    };
    let selects_fields = ty == "fields";
    if selects_fields && (required || default.is_some()) {
        return cx.fail(at, "a `fields` argument is optional and has no default", "remove `required`/`default`");
    }
    Ok(Arg {
        name: name.to_string(),
        kind,
        required,
        default,
        description,
        upstream,
        example,
        selects_fields,
        date_bound: ir::DateBound::Day,
    })
}

/// The shared argument a `use:` names.
fn shared_argument<'a>(
    cx: &Ctx,
    at: &str,
    spec: &'a SpecFile,
    shared_name: &str,
) -> Result<&'a spec::ArgumentDef, Error> {
    match spec.arguments.0.iter().find(|(n, _)| n == shared_name) {
        Some((_, shared)) => Ok(shared),
        None => {
            let known: Vec<&str> = spec.arguments.0.iter().map(|(n, _)| n.as_str()).collect();
            cx.fail(
                at,
                format!("`use: {shared_name}` names no shared argument"),
                format!("use one of: {}", known.join(", ")),
            )
        }
    }
}

/// `type: array`: its items, how many, and the one word it may take instead.
fn array_kind(cx: &Ctx, at: &str, def: &spec::ArgumentDef) -> Result<ArgKind, Error> {
    let item_kind = array_item(cx, at, def)?;
    let enum_values = match &item_kind {
        ArgKind::Enum(e) => Some(e.values.len() as u32),
        _ => None,
    };
    let min_items = def.min_items.unwrap_or(1);
    let max_items = def.max_items.or(enum_values).unwrap_or(DEFAULT_MAX_ITEMS);
    if min_items == 0 {
        return cx.fail(
            at,
            "min_items must be at least 1 (an empty list is the same as leaving the argument out)",
            "remove `min_items` or set it to 1 or more",
        );
    }
    if min_items > max_items {
        return cx.fail(at, format!("min_items {min_items} is above max_items {max_items}"), "swap or fix the bounds");
    }
    if let Some(n) = enum_values
        && max_items > n
    {
        return cx.fail(
            at,
            format!("max_items {max_items} is above the {n} distinct values the items can take"),
            format!("set max_items to {n} or less, or remove it"),
        );
    }
    if let Some(word) = &def.alternative {
        check_alternative(cx, at, word, &item_kind)?;
    }
    Ok(ArgKind::List(ListArg { item: Box::new(item_kind), min_items, max_items, alternative: def.alternative.clone() }))
}

/// An array's `items`: a string, email, id or enum, with only the keys that apply to it.
fn array_item(cx: &Ctx, at: &str, def: &spec::ArgumentDef) -> Result<ArgKind, Error> {
    let Some(item) = def.items.as_deref() else {
        return cx.fail(
            at,
            "an array argument needs `items`, the type of one item",
            "add e.g. `items: {type: enum, values: [a, b]}`",
        );
    };
    let item_at = format!("{at}, items");
    let item_ty = item.ty.as_deref().unwrap_or("");
    if !["string", "email", "id", "enum"].contains(&item_ty) {
        return cx.fail(
            item_at,
            format!("array items cannot be of type `{item_ty}`"),
            "use items of type string, email, id or enum",
        );
    }
    for (key, set) in [
        ("required", item.required.is_some()),
        ("description", item.description.is_some()),
        ("default", item.default.is_some()),
        ("upstream", item.upstream.is_some()),
        ("example", item.example.is_some()),
        ("items", item.items.is_some()),
    ] {
        if set {
            return cx.fail(
                item_at,
                format!("`{key}` belongs to the array argument, not to its items"),
                format!("move `{key}` up one level"),
            );
        }
    }
    let item_kind = scalar_kind(cx, &item_at, item_ty, item)?;
    check_item_keys_apply(cx, &item_at, item_ty, item)?;
    Ok(item_kind)
}

fn check_item_keys_apply(cx: &Ctx, item_at: &str, item_ty: &str, item: &spec::ArgumentDef) -> Result<(), Error> {
    for (key, set, applies) in [
        ("minimum", item.minimum.is_some(), false),
        ("maximum", item.maximum.is_some(), false),
        ("pattern", item.pattern.is_some(), false),
        ("min_length", item.min_length.is_some(), item_ty == "string"),
        ("max_length", item.max_length.is_some(), item_ty == "string"),
        ("values", item.values.is_some(), item_ty == "enum"),
        ("aliases", item.aliases.is_some(), item_ty == "enum"),
        ("refuse", item.refuse.is_some(), item_ty == "enum"),
        ("min_items", item.min_items.is_some(), false),
        ("max_items", item.max_items.is_some(), false),
        ("alternative", item.alternative.is_some(), false),
        ("key_max_length", item.key_max_length.is_some(), false),
        ("reserved_key_prefix", item.reserved_key_prefix.is_some(), false),
    ] {
        if set && !applies {
            return cx.fail(item_at, format!("`{key}` does not apply to `{item_ty}` items"), format!("remove `{key}`"));
        }
    }
    Ok(())
}

/// An array's `alternative`: one word, told apart from the items and the `List` variant.
fn check_alternative(cx: &Ctx, at: &str, word: &str, item_kind: &ArgKind) -> Result<(), Error> {
    let clashes = match item_kind {
        ArgKind::Enum(e) => e.values.iter().any(|v| v == word) || e.aliases.iter().any(|(a, _)| a == word),
        _ => true,
    };
    if clashes {
        return cx.fail(
            at,
            format!("alternative `{word}` must be distinguishable from an item"),
            "use `alternative` only with enum items, and pick a word that is not one of their values",
        );
    }
    if variant_name_is_list(word) {
        return cx.fail(
            at,
            format!("alternative `{word}` would clash with the generated `List` variant"),
            "pick another word",
        );
    }
    if !is_enum_value(word) {
        return cx.fail(at, format!("alternative `{word}` must be letters, digits, `_` or `-`"), "rename it");
    }
    Ok(())
}

/// `type: map`: string keys and values, bounded.
fn map_kind(cx: &Ctx, at: &str, def: &spec::ArgumentDef) -> Result<ArgKind, Error> {
    let Some(value_max_length) = def.max_length else {
        return cx.fail(at, "a map argument needs `max_length`, the longest value", "add e.g. `max_length: 256`");
    };
    let Some(key_max_length) = def.key_max_length else {
        return cx.fail(at, "a map argument needs `key_max_length`, the longest key", "add e.g. `key_max_length: 64`");
    };
    let Some(max_entries) = def.max_items else {
        return cx.fail(at, "a map argument needs `max_items`, the most entries", "add e.g. `max_items: 50`");
    };
    if def.reserved_key_prefix.as_deref() == Some("") {
        return cx.fail(at, "reserved_key_prefix is empty", "remove it or write the prefix");
    }
    Ok(ArgKind::Map(MapArg {
        max_entries,
        key_max_length,
        value_max_length,
        reserved_key_prefix: def.reserved_key_prefix.clone(),
    }))
}

/// `type: fields`: which output fields the text result shows; never sent upstream.
fn fields_kind(cx: &Ctx, at: &str, def: &spec::ArgumentDef) -> Result<ArgKind, Error> {
    if def.upstream.is_some() {
        return cx.fail(
            at,
            "a `fields` argument is not sent upstream: it selects what the text result shows",
            "remove `upstream`",
        );
    }
    // The values are the output item's fields, filled in once the output is known.
    let names = EnumArg { values: Vec::new(), aliases: Vec::new(), refused: Vec::new() };
    Ok(ArgKind::List(ListArg { item: Box::new(ArgKind::Enum(names)), min_items: 1, max_items: 1, alternative: None }))
}

/// Each bound or shape key applies only to the types that have it.
fn check_keys_apply(cx: &Ctx, at: &str, ty: &str, def: &spec::ArgumentDef) -> Result<(), Error> {
    let (is_array, is_map) = (ty == "array", ty == "map");
    for (key, ok) in [
        ("minimum", def.minimum.is_none() || ty == "integer"),
        ("maximum", def.maximum.is_none() || ty == "integer"),
        ("min_length", def.min_length.is_none() || ty == "string"),
        ("max_length", def.max_length.is_none() || ty == "string" || is_map),
        ("pattern", def.pattern.is_none() || ty == "string"),
        ("values", def.values.is_none() || ty == "enum"),
        ("aliases", def.aliases.is_none() || ty == "enum"),
        ("refuse", def.refuse.is_none() || ty == "enum"),
        ("items", def.items.is_none() || is_array),
        ("min_items", def.min_items.is_none() || is_array),
        ("max_items", def.max_items.is_none() || is_array || is_map),
        ("alternative", def.alternative.is_none() || is_array),
        ("key_max_length", def.key_max_length.is_none() || is_map),
        ("reserved_key_prefix", def.reserved_key_prefix.is_none() || is_map),
    ] {
        if !ok {
            return cx.fail(at, format!("`{key}` does not apply to a `{ty}` argument"), format!("remove `{key}`"));
        }
    }
    Ok(())
}

/// Lower bounds are not above upper ones; `pattern` is not supported.
fn check_bounds(cx: &Ctx, at: &str, def: &spec::ArgumentDef) -> Result<(), Error> {
    if let (Some(min), Some(max)) = (def.minimum, def.maximum)
        && min > max
    {
        return cx.fail(at, format!("minimum {min} is above maximum {max}"), "swap or fix the bounds");
    }
    if let (Some(min), Some(max)) = (def.min_length, def.max_length)
        && min > max
    {
        return cx.fail(at, format!("min_length {min} is above max_length {max}"), "swap or fix the bounds");
    }
    if def.pattern.is_some() {
        return cx.fail(
            at,
            "`pattern` is not supported by format 1",
            "use `type: id`, `date` or `email`, or bound the length",
        );
    }
    Ok(())
}

/// The argument types that hold one value (also the item types of arrays).
fn scalar_kind(cx: &Ctx, at: &str, ty: &str, def: &spec::ArgumentDef) -> Result<ArgKind, Error> {
    Ok(match ty {
        "string" => ArgKind::String { min_length: def.min_length, max_length: def.max_length },
        "integer" => ArgKind::Integer { minimum: def.minimum, maximum: def.maximum },
        "boolean" => ArgKind::Boolean,
        "date" => ArgKind::Date,
        "email" => ArgKind::Email,
        "id" => ArgKind::Id,
        "enum" => ArgKind::Enum(enum_arg(cx, at, def)?),
        other => {
            return cx.fail(at, format!("unknown argument type `{other}`"), format!("use {ARG_TYPES}"));
        }
    })
}

/// `type: enum`: distinct values, aliases to them, refused values, distinct Rust variants.
fn enum_arg(cx: &Ctx, at: &str, def: &spec::ArgumentDef) -> Result<EnumArg, Error> {
    let Some(values) = def.values.clone().filter(|v| !v.is_empty()) else {
        return cx.fail(at, "an enum argument needs a non-empty `values` list", "list the accepted values");
    };
    let mut all = BTreeSet::new();
    for v in &values {
        if !all.insert(v.clone()) {
            return cx.fail(at, format!("value `{v}` is listed twice"), "remove the duplicate");
        }
        if !is_enum_value(v) {
            return cx.fail(at, format!("value `{v}` must be letters, digits, `_` or `-`"), "rename the value");
        }
    }
    let aliases = def.aliases.as_ref().map(|a| a.0.clone()).unwrap_or_default();
    for (alias, target) in &aliases {
        if !values.contains(target) {
            return cx.fail(
                at,
                format!("alias `{alias}` points to `{target}`, which is not a value"),
                "point it to one of `values`",
            );
        }
        if !all.insert(alias.clone()) {
            return cx.fail(at, format!("alias `{alias}` is also a value or another alias"), "remove the duplicate");
        }
    }
    let refused = def.refuse.as_ref().map(|r| r.0.clone()).unwrap_or_default();
    for (value, _) in &refused {
        if !all.insert(value.clone()) {
            return cx.fail(
                at,
                format!("refused value `{value}` is also accepted"),
                "remove it from `values`/`aliases` or from `refuse`",
            );
        }
    }
    check_variant_names(cx, at, &values)?;
    Ok(EnumArg { values, aliases, refused })
}

fn check_variant_names(cx: &Ctx, at: &str, values: &[String]) -> Result<(), Error> {
    let mut variants = BTreeSet::new();
    for v in values {
        if !variants.insert(names::variant_name(v)) {
            return cx.fail(
                at,
                format!("value `{v}` gives the same Rust variant name as another value"),
                "rename one of the values",
            );
        }
    }
    Ok(())
}

fn variant_name_is_list(word: &str) -> bool {
    names::variant_name(word) == "List"
}

fn is_enum_value(v: &str) -> bool {
    !names::upper_camel(v).is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A tool's argument overrides the keys it sets on the shared one it `use`s.
fn merge(shared: &spec::ArgumentDef, local: &spec::ArgumentDef) -> spec::ArgumentDef {
    spec::ArgumentDef {
        use_shared: None,
        ty: local.ty.clone().or_else(|| shared.ty.clone()),
        required: local.required.or(shared.required),
        description: local.description.clone().or_else(|| shared.description.clone()),
        default: local.default.clone().or_else(|| shared.default.clone()),
        minimum: local.minimum.or(shared.minimum),
        maximum: local.maximum.or(shared.maximum),
        min_length: local.min_length.or(shared.min_length),
        max_length: local.max_length.or(shared.max_length),
        pattern: local.pattern.clone().or_else(|| shared.pattern.clone()),
        values: local.values.clone().or_else(|| shared.values.clone()),
        aliases: local.aliases.as_ref().or(shared.aliases.as_ref()).map(|a| spec::Ordered(a.0.clone())),
        refuse: local.refuse.as_ref().or(shared.refuse.as_ref()).map(|a| spec::Ordered(a.0.clone())),
        items: local.items.clone().or_else(|| shared.items.clone()),
        min_items: local.min_items.or(shared.min_items),
        max_items: local.max_items.or(shared.max_items),
        alternative: local.alternative.clone().or_else(|| shared.alternative.clone()),
        key_max_length: local.key_max_length.or(shared.key_max_length),
        reserved_key_prefix: local.reserved_key_prefix.clone().or_else(|| shared.reserved_key_prefix.clone()),
        example: local.example.clone().or_else(|| shared.example.clone()),
        upstream: local.upstream.clone().or_else(|| shared.upstream.clone()),
    }
}

fn validate_default(cx: &Ctx, at: &str, kind: &ArgKind, value: &yaml_serde::Value) -> Result<DefaultValue, Error> {
    match kind {
        ArgKind::Integer { minimum, maximum } => {
            let Some(n) = value.as_i64() else {
                return cx.fail(at, "the default of an integer argument must be an integer", "write e.g. `default: 1`");
            };
            if minimum.is_some_and(|m| n < m) || maximum.is_some_and(|m| n > m) {
                return cx.fail(
                    at,
                    format!("default {n} is outside the bounds"),
                    "make the default satisfy minimum/maximum",
                );
            }
            Ok(DefaultValue::Integer(n))
        }
        ArgKind::Boolean => match value.as_bool() {
            Some(b) => Ok(DefaultValue::Boolean(b)),
            None => cx.fail(at, "the default of a boolean argument must be true or false", "write `default: false`"),
        },
        ArgKind::Enum(e) => match value.as_str() {
            Some(s) if e.values.iter().any(|v| v == s) => Ok(DefaultValue::String(s.to_string())),
            _ => cx.fail(
                at,
                format!("default {} is not one of the enum values", yaml_text(value)),
                format!("use one of: {}", e.values.join(", ")),
            ),
        },
        ArgKind::String { min_length, max_length, .. } => match value.as_str() {
            Some(s) => {
                let len = s.chars().count() as u32;
                if min_length.is_some_and(|m| len < m) || max_length.is_some_and(|m| len > m) {
                    return cx.fail(at, "the default string breaks min_length/max_length", "fix the default");
                }
                Ok(DefaultValue::String(s.to_string()))
            }
            None => cx.fail(at, "the default of a string argument must be a string", "quote it"),
        },
        ArgKind::Date | ArgKind::Email | ArgKind::Id => {
            cx.fail(at, "date, email and id arguments cannot have a default", "remove `default`")
        }
        ArgKind::List(_) | ArgKind::Map(_) => cx.fail(
            at,
            "array and map arguments cannot have a default",
            "remove `default`; leaving it out sends nothing",
        ),
    }
}

/// An argument's example is a JSON value of the argument's shape.
fn validate_example(cx: &Ctx, at: &str, kind: &ArgKind, value: &yaml_serde::Value) -> Result<serde_json::Value, Error> {
    let json = yaml_to_json(cx, at, value)?;
    if !fits(kind, &json) {
        return cx.fail(
            at,
            format!("example {} does not fit the argument's type", yaml_text(value)),
            "give an example value the tool would accept",
        );
    }
    Ok(json)
}

/// Whether a JSON value has the argument's shape (an enum's value is one of its values).
pub(super) fn fits(kind: &ArgKind, json: &serde_json::Value) -> bool {
    match kind {
        ArgKind::Integer { .. } => json.is_i64(),
        ArgKind::Boolean => json.is_boolean(),
        ArgKind::List(list) => {
            json.as_array().is_some_and(|items| items.iter().all(serde_json::Value::is_string))
                || list.alternative.as_deref().is_some_and(|word| json.as_str() == Some(word))
        }
        ArgKind::Map(_) => json.as_object().is_some_and(|entries| entries.values().all(serde_json::Value::is_string)),
        ArgKind::Enum(e) => json.as_str().is_some_and(|v| e.values.iter().any(|x| x == v)),
        ArgKind::String { .. } | ArgKind::Date | ArgKind::Email | ArgKind::Id => json.is_string(),
    }
}

fn validate_upstream(cx: &Ctx, at: &str, kind: &ArgKind, up: &spec::Upstream) -> Result<Upstream, Error> {
    let places = [up.query.is_some(), up.path.is_some(), up.body.is_some()];
    if places.iter().filter(|p| **p).count() != 1 {
        return cx.fail(at, "`upstream` needs exactly one of `query`, `path` or `body`", "keep one of them");
    }
    let transform = match up.transform.as_deref() {
        None => None,
        Some("start_of_day") => Some(ir::Transform::StartOfDay),
        Some("start_of_next_day") => Some(ir::Transform::StartOfNextDay),
        Some(other) => {
            return cx.fail(
                at,
                format!("unknown transform `{other}`"),
                format!("use one of: {}", ir::Transform::NAMES.join(", ")),
            );
        }
    };
    if transform.is_some() && (!matches!(kind, ArgKind::Date) || up.query.is_none()) {
        return cx.fail(at, "transforms apply to date arguments sent in the query", "remove `transform`");
    }
    if let ArgKind::Map(_) = kind
        && up.body.is_none()
    {
        return cx.fail(at, "a map argument can only be sent in the body", "use `upstream: {body: NAME}`");
    }
    if let ArgKind::List(list) = kind {
        if up.path.is_some() {
            return cx.fail(at, "an array argument cannot go into the path", "send it in the query or the body");
        }
        if list.alternative.is_some() && up.body.is_none() {
            return cx.fail(
                at,
                "an array with an `alternative` can only be sent in the body (the query has no way to say it)",
                "use `upstream: {body: NAME}`",
            );
        }
    }
    if let Some(name) = &up.query {
        if name.is_empty() {
            return cx.fail(at, "the upstream query name is empty", "write the API's parameter name");
        }
        return Ok(Upstream::Query { name: name.clone(), transform });
    }
    if let Some(name) = &up.path {
        if !matches!(kind, ArgKind::Id) {
            return cx.fail(
                at,
                "only `id` arguments can go into the path (they cannot escape their segment)",
                "use `type: id`",
            );
        }
        return Ok(Upstream::Path { name: name.clone() });
    }
    let body = up.body.clone().unwrap_or_default();
    let path: Vec<String> = body.split('.').map(str::to_string).collect();
    if path.iter().any(|p| !names::is_identifier(p)) {
        return cx.fail(
            at,
            format!("body path `{body}` must be dot-separated snake_case names"),
            "write e.g. `tags.description`",
        );
    }
    Ok(Upstream::Body { path })
}
