//! JSON Schemas (Draft 2020-12, object roots) for every tool's input and output.

use serde_json::{Map, Value, json};

use crate::ir::{Action, Arg, ArgKind, DefaultValue, Field, Model, Pagination, Tool, TypeExpr};

/// The pattern every ID argument must match: one path segment, no `/`, `..` or `?`.
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-]{1,128}$";
/// Every form a date argument accepts: `YYYY-MM-DD`, months and relative days (the
/// runtime's `DATE_PATTERN`; a connector test keeps the two equal).
pub const DATE_PATTERN: &str =
    "^([0-9]{4}-[0-9]{2}(-[0-9]{2})?|today|yesterday|[0-9]{1,4}-days-ago|(this|last)-(month|quarter))$";
/// The longest email address (RFC 5321).
pub const EMAIL_MAX_LENGTH: u32 = 320;

pub fn input_schema(tool: &Tool) -> Value {
    let mut properties = Map::new();
    for arg in &tool.args {
        properties.insert(arg.name.clone(), arg_schema(arg));
    }
    let required: Vec<&str> = tool.args.iter().filter(|a| a.required).map(|a| a.name.as_str()).collect();
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    schema.insert("additionalProperties".into(), json!(false));
    Value::Object(schema)
}

fn arg_schema(arg: &Arg) -> Value {
    let mut s = kind_schema(&arg.kind);
    match &arg.default {
        Some(DefaultValue::Integer(n)) => {
            s.insert("default".into(), json!(n));
        }
        Some(DefaultValue::Boolean(b)) => {
            s.insert("default".into(), json!(b));
        }
        Some(DefaultValue::String(v)) => {
            s.insert("default".into(), json!(v));
        }
        None => {}
    }
    s.insert("description".into(), json!(arg.description));
    Value::Object(s)
}

/// The schema of one value of an argument kind (no default, no description).
fn kind_schema(kind: &ArgKind) -> Map<String, Value> {
    let mut s = Map::new();
    match kind {
        ArgKind::String { min_length, max_length } => {
            s.insert("type".into(), json!("string"));
            if let Some(n) = min_length {
                s.insert("minLength".into(), json!(n));
            }
            if let Some(n) = max_length {
                s.insert("maxLength".into(), json!(n));
            }
        }
        ArgKind::Integer { minimum, maximum } => {
            s.insert("type".into(), json!("integer"));
            if let Some(n) = minimum {
                s.insert("minimum".into(), json!(n));
            }
            if let Some(n) = maximum {
                s.insert("maximum".into(), json!(n));
            }
        }
        ArgKind::Boolean => {
            s.insert("type".into(), json!("boolean"));
        }
        ArgKind::Date => {
            s.insert("type".into(), json!("string"));
            s.insert("pattern".into(), json!(DATE_PATTERN));
        }
        ArgKind::Email => {
            s.insert("type".into(), json!("string"));
            s.insert("format".into(), json!("email"));
            s.insert("maxLength".into(), json!(EMAIL_MAX_LENGTH));
        }
        ArgKind::Id => {
            s.insert("type".into(), json!("string"));
            s.insert("pattern".into(), json!(ID_PATTERN));
        }
        ArgKind::Enum(e) => {
            s.insert("type".into(), json!("string"));
            let accepted: Vec<&str> =
                e.values.iter().map(String::as_str).chain(e.aliases.iter().map(|(a, _)| a.as_str())).collect();
            s.insert("enum".into(), json!(accepted));
        }
        ArgKind::List(list) => {
            let mut array = Map::new();
            array.insert("type".into(), json!("array"));
            array.insert("items".into(), Value::Object(kind_schema(&list.item)));
            array.insert("minItems".into(), json!(list.min_items));
            array.insert("maxItems".into(), json!(list.max_items));
            array.insert("uniqueItems".into(), json!(true));
            match &list.alternative {
                None => s = array,
                Some(word) => {
                    s.insert("anyOf".into(), json!([{"const": word}, Value::Object(array)]));
                }
            }
        }
        ArgKind::Map(m) => {
            s.insert("type".into(), json!("object"));
            s.insert("propertyNames".into(), json!({"minLength": 1, "maxLength": m.key_max_length}));
            s.insert("additionalProperties".into(), json!({"type": "string", "maxLength": m.value_max_length}));
            s.insert("maxProperties".into(), json!(m.max_entries));
        }
    }
    s
}

/// `None` for handler tools: their output schema comes from the Rust type (schemars).
pub fn output_schema(model: &Model, tool: &Tool) -> Option<Value> {
    let Action::Http(call) = &tool.action else { return None };
    let item = named_schema(model, &call.output);
    let list = || json!({"type": "array", "items": item.clone()});
    let page_fields = || {
        vec![
            ("page", json!({"type": "integer", "description": "This page's number, from 1."})),
            ("per_page", json!({"type": "integer"})),
        ]
    };
    let envelope: Vec<(&str, Value)> = match &call.pagination {
        Pagination::None => return Some(item),
        Pagination::IdCursor { .. } => {
            let mut f = vec![("data", list())];
            f.extend(page_fields());
            f.push(("has_more", json!({"type": "boolean", "description": "Whether a next page exists."})));
            f
        }
        Pagination::PageToken { window: Some(_) } => {
            let mut f = vec![("data", list())];
            f.extend(page_fields());
            f.push(("total", json!({"type": "integer", "description": "Items in the whole range."})));
            f.push(("has_more", json!({"type": "boolean", "description": "Whether a next page exists."})));
            f
        }
        Pagination::PageToken { window: None } => {
            let mut f = vec![("data", list())];
            if call.summary.is_some() {
                f.push((
                    "total_cents",
                    json!({"type": "string", "description": "Exact sum of the amounts, in cents."}),
                ));
                f.push((
                    "total_usd",
                    json!({"type": "string", "description": "The same total in US dollars, rounded to the cent."}),
                ));
            }
            f
        }
        Pagination::PerDay { .. } => vec![
            ("data", list()),
            ("days", json!({"type": "integer", "description": "Days covered (one request per day)."})),
        ],
    };
    let required: Vec<&str> = envelope.iter().map(|(n, _)| *n).collect();
    let properties: Map<String, Value> = envelope.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
    // The connector adds its own fields (summary, upstream, a cut's note, a roll-up's rows
    // and totals) to this schema when it lists the tool: `runtime::envelope` declares them.
    Some(json!({"type": "object", "properties": properties, "required": required}))
}

fn named_schema(model: &Model, name: &str) -> Value {
    let Some(def) = model.type_def(name) else { return json!({}) };
    let mut properties = Map::new();
    for field in &def.fields {
        properties.insert(field.name.clone(), field_schema(model, field));
    }
    let required: Vec<&str> = def.fields.iter().filter(|f| !f.optional).map(|f| f.name.as_str()).collect();
    let mut s = Map::new();
    s.insert("type".into(), json!("object"));
    if let Some(d) = &def.description {
        s.insert("description".into(), json!(d));
    }
    s.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        s.insert("required".into(), json!(required));
    }
    Value::Object(s)
}

fn field_schema(model: &Model, field: &Field) -> Value {
    let mut s = match expr_schema(model, &field.ty) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    if field.nullable {
        match s.get("type").cloned() {
            Some(Value::String(t)) => {
                s.insert("type".into(), json!([t, "null"]));
            }
            _ => {
                let inner = Value::Object(std::mem::take(&mut s));
                s.insert("anyOf".into(), json!([inner, {"type": "null"}]));
            }
        }
    }
    let mut description = field.description.clone().unwrap_or_default();
    if !field.known_values.is_empty() {
        if !description.is_empty() {
            description.push(' ');
        }
        description.push_str(&format!("Known values: {}.", field.known_values.join(", ")));
    }
    if !description.is_empty() {
        s.insert("description".into(), json!(description));
    }
    Value::Object(s)
}

fn expr_schema(model: &Model, ty: &TypeExpr) -> Value {
    match ty {
        TypeExpr::String => json!({"type": "string"}),
        TypeExpr::Decimal => json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}),
        TypeExpr::Integer => json!({"type": "integer"}),
        TypeExpr::Count => json!({"type": "integer", "minimum": 0}),
        TypeExpr::Number => json!({"type": "number"}),
        TypeExpr::Boolean => json!({"type": "boolean"}),
        TypeExpr::Any => json!({}),
        TypeExpr::Named(name) => named_schema(model, name),
        TypeExpr::List(inner) => json!({"type": "array", "items": expr_schema(model, inner)}),
        TypeExpr::Map(inner) => json!({"type": "object", "additionalProperties": expr_schema(model, inner)}),
    }
}
