//! The organization's objects as its list tools give them (workspaces, API keys, users),
//! fetched through the pipeline like any call (the operator's policy applies: a hidden
//! list gives nothing) and kept for [`OBJECTS_TTL`]: what prompt completions offer and
//! what names the IDs in results. The lock is held while a list is fetched, so
//! concurrent readers make one request.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{CallFailure, CallRequest, Connector, FailureKind, ToolOutcome, UpstreamUsage};
use crate::runtime::envelope::{self, Truncated};
use crate::runtime::{JsonObject, Value};

/// How long a fetched organization list is used before it is fetched again.
pub const OBJECTS_TTL: Duration = Duration::from_secs(60);

/// One list as fetched: its items, and whether the organization has more than were read.
#[derive(Debug)]
pub(super) struct Listing {
    fetched: Instant,
    pub items: Vec<Value>,
    pub more: bool,
}

/// Which list, how: the tool, its page-size argument and size, its page argument (to
/// read `pages` pages; one page without it), and its other arguments as JSON text.
#[derive(Debug, Clone)]
pub(super) struct ListQuery {
    pub tool: &'static str,
    pub per_page: &'static str,
    pub page_size: u32,
    pub page: Option<&'static str>,
    pub pages: u32,
    pub with: &'static str,
    /// Where the requests a fetch sends are added up (a call's names count in its `upstream`).
    pub spent: Option<Arc<std::sync::Mutex<UpstreamUsage>>>,
}

type Key = (&'static str, &'static str, u32);

type Fetched = Result<Arc<Listing>, CallFailure>;

#[derive(Debug, Default)]
pub(super) struct ObjectCache {
    lists: tokio::sync::Mutex<HashMap<Key, Arc<Listing>>>,
}

impl Connector {
    /// The list's items, from the cache while fresh, else fetched through the pipeline.
    /// A tool this server does not expose gives an empty list. Boxed: a call that names
    /// its IDs reads a list by another call.
    pub(super) fn objects(&self, query: ListQuery) -> Pin<Box<dyn Future<Output = Fetched> + Send + '_>> {
        Box::pin(self.fetch_objects(query))
    }

    async fn fetch_objects(&self, query: ListQuery) -> Fetched {
        let mut lists = self.objects.lists.lock().await;
        let key = (query.tool, query.with, query.pages);
        if let Some(listing) = lists.get(&key).filter(|l| l.fetched.elapsed() < OBJECTS_TTL) {
            return Ok(Arc::clone(listing));
        }
        // The spec's check, again where it matters: a list never runs a write.
        if !self.registry().tool(query.tool).is_some_and(|(_, tool)| tool.annotations.read_only) {
            return Err(CallFailure {
                kind: FailureKind::Internal,
                message: format!("refused: {} is not a read-only tool", query.tool),
            });
        }
        let mut items = Vec::new();
        let mut more = false;
        for page in 1..=query.pages.max(1) {
            let mut arguments: JsonObject = serde_json::from_str(query.with).unwrap_or_default();
            arguments.insert(query.per_page.to_string(), Value::from(query.page_size));
            if let Some(name) = query.page {
                arguments.insert(name.to_string(), Value::from(page));
            }
            let request = CallRequest::new(query.tool, arguments).without_names();
            let value = match self.call(request, std::future::pending()).await {
                ToolOutcome::Success(answer) => {
                    if let Some(spent) = &query.spent {
                        let mut spent = spent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        spent.requests += answer.upstream.requests;
                        spent.cached_pages += answer.upstream.cached_pages;
                    }
                    answer.value
                }
                ToolOutcome::Failure(failure) if failure.kind.is_usage() => {
                    tracing::debug!(tool = query.tool, %failure, "no objects from a tool this server does not expose");
                    break;
                }
                ToolOutcome::Failure(failure) => return Err(failure),
            };
            let page_items = value.get(envelope::DATA).and_then(Value::as_array).cloned().unwrap_or_default();
            items.extend(page_items);
            more = value.get(envelope::HAS_MORE) == Some(&Value::Bool(true)) || Truncated::is_in(&value);
            if !more || query.page.is_none() {
                break;
            }
        }
        let listing = Arc::new(Listing { fetched: Instant::now(), items, more });
        lists.insert(key, Arc::clone(&listing));
        Ok(listing)
    }
}
