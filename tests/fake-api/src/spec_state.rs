//! What the fake remembers of the writes to endpoints it answers from the spec's
//! examples (`spec_examples`), within a process, so that trying such a tool (in the
//! sandbox) behaves like the API: the example object is the one object of its
//! collection, a create adds one, an update changes it, an archive sets its
//! `archived_at`, a delete removes it, and a get by an ID it does not have is a 404.
//!
//! Which endpoints make a collection is read from their path templates, as the API lays
//! them out: `.../things` lists and creates, `.../things/{thing_id}` gets, updates and
//! deletes one, `.../things/{thing_id}/archive` archives it. A collection's objects are
//! of the type its get (or list) endpoint returns; an endpoint whose example has no `id`
//! is answered from its example as before.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::errors::ApiError;
use crate::query::now_timestamp;
use crate::server::RequestCtx;
use crate::spec_examples::SpecEndpoint;

/// The objects of each collection answered from the spec, by the collection's path
/// (after `/v1/organizations/`, its parents' IDs filled in).
#[derive(Debug, Default)]
pub(crate) struct SpecObjects {
    collections: BTreeMap<String, Vec<Value>>,
    created: u64,
}

/// What a request's path names, by its endpoint's template.
enum Target<'a> {
    /// `.../things`.
    Collection { key: String, template: String },
    /// `.../things/{thing_id}`, or `.../things/{thing_id}/action`.
    Object { key: String, template: String, id: &'a str, action: Option<&'a str> },
}

fn target<'a>(endpoint: &SpecEndpoint, segments: &[&'a str]) -> Target<'a> {
    let template: Vec<&str> = endpoint.segments().collect();
    let last_placeholder = template.iter().rposition(|segment| segment.starts_with('{'));
    let joined = |end: usize| (segments[..end].join("/"), template[..end].join("/"));
    match last_placeholder {
        Some(p) if p + 1 == template.len() => {
            let (key, template) = joined(p);
            Target::Object { key, template, id: segments[p], action: None }
        }
        Some(p) if p + 2 == template.len() => {
            let (key, template) = joined(p);
            Target::Object { key, template, id: segments[p], action: Some(segments[p + 1]) }
        }
        _ => {
            let (key, template) = joined(segments.len());
            Target::Collection { key, template }
        }
    }
}

/// The endpoint that says what a collection's objects are: its get, else its list.
fn object_endpoint<'e>(endpoints: &'e [SpecEndpoint], collection: &str) -> Option<&'e SpecEndpoint> {
    let of = |endpoint: &&SpecEndpoint, one: bool| {
        let template: Vec<&str> = endpoint.segments().collect();
        let (parent, last) = template.split_at(template.len().saturating_sub(usize::from(one)));
        endpoint.method == "GET"
            && parent.join("/") == collection
            && last.iter().all(|segment| segment.starts_with('{'))
            && endpoint.example.get("id").is_some_and(Value::is_string)
    };
    endpoints.iter().find(|e| of(e, true)).or_else(|| endpoints.iter().find(|e| of(e, false)))
}

impl SpecObjects {
    /// Answers `endpoint` for a request, from and into what earlier writes left.
    pub fn answer(
        &mut self,
        endpoint: &SpecEndpoint,
        endpoints: &[SpecEndpoint],
        segments: &[&str],
        ctx: &RequestCtx,
    ) -> Result<Value, ApiError> {
        endpoint.check(ctx)?;
        let target = target(endpoint, segments);
        let template = match &target {
            Target::Collection { template, .. } | Target::Object { template, .. } => template.as_str(),
        };
        let Some(kind) = object_endpoint(endpoints, template) else { return endpoint.answer(ctx) };
        let same_type = endpoint.output == kind.output;
        let key = match &target {
            Target::Collection { key, .. } | Target::Object { key, .. } => key.clone(),
        };
        let objects = self.collections.entry(key).or_insert_with(|| vec![kind.example.clone()]);
        let body = ctx.body.and_then(Value::as_object);
        match (endpoint.method.as_str(), target) {
            ("GET", Target::Collection { .. }) if same_type => Ok(endpoint.page(objects.clone())),
            ("POST", Target::Collection { .. }) if same_type => {
                self.created += 1;
                let mut object = kind.example.clone();
                let prefix = object["id"].as_str().and_then(|id| id.rsplit_once('_')).map_or("obj", |(p, _)| p);
                object["id"] = Value::String(format!("{prefix}_fake{:02}", self.created));
                if object.get("created_at").is_some() {
                    object["created_at"] = Value::String(now_timestamp());
                }
                if let (Value::Object(fields), Some(body)) = (&mut object, body) {
                    fields.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                objects.push(object.clone());
                Ok(object)
            }
            (_, Target::Collection { .. }) => endpoint.answer(ctx),
            (method, Target::Object { id, action, .. }) => {
                let not_found = || ApiError::not_found(format!("Not found: {}", ctx.path));
                let index = objects.iter().position(|o| o["id"] == id).ok_or_else(not_found)?;
                let answer = |object: &Value| {
                    if same_type {
                        object.clone()
                    } else {
                        let mut example = endpoint.example.clone();
                        if example.get("id").is_some() {
                            example["id"] = Value::String(id.to_string());
                        }
                        example
                    }
                };
                match (method, action) {
                    ("GET", None) => Ok(objects[index].clone()),
                    ("DELETE", None) => Ok(answer(&objects.remove(index))),
                    ("POST", None) => {
                        if let (Value::Object(fields), Some(body)) = (&mut objects[index], body) {
                            fields.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
                        }
                        Ok(answer(&objects[index]))
                    }
                    ("POST", Some("archive")) => {
                        let object = &mut objects[index];
                        if object.get("archived_at").is_none_or(Value::is_null) {
                            object["archived_at"] = Value::String(now_timestamp());
                        }
                        Ok(answer(object))
                    }
                    _ => Ok(answer(&objects[index])),
                }
            }
        }
    }
}
