//! Pagination: ID cursors for resource lists, and opaque page tokens bound to the query that produced them.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::query::Query;
use crate::server::{RequestCtx, Shared};

pub(crate) const ID_CURSOR_PARAMS: [&str; 3] = ["limit", "after_id", "before_id"];

/// Pages `items` (cursor id, JSON object) by `limit` / `after_id` / `before_id`.
pub(crate) fn id_cursor_page(items: Vec<(String, Value)>, query: &Query) -> Result<Value, ApiError> {
    let limit = usize::try_from(query.integer("limit", 20, 1, 1000)?).unwrap_or(1000);
    let after_id = query.get("after_id");
    let before_id = query.get("before_id");
    if after_id.is_some() && before_id.is_some() {
        return Err(ApiError::invalid_request("before_id: cannot be combined with after_id"));
    }
    let position_of = |name: &str, id: &str| {
        items
            .iter()
            .position(|(item_id, _)| item_id == id)
            .ok_or_else(|| ApiError::invalid_request(format!("{name}: no object with id '{id}' in this list")))
    };
    let (start, end, has_more) = if let Some(id) = after_id {
        let start = position_of("after_id", id)? + 1;
        let end = (start + limit).min(items.len());
        (start, end, end < items.len())
    } else if let Some(id) = before_id {
        let end = position_of("before_id", id)?;
        let start = end.saturating_sub(limit);
        (start, end, start > 0)
    } else {
        let end = limit.min(items.len());
        (0, end, end < items.len())
    };
    let page = items.get(start..end).unwrap_or_default();
    let first_id = page.first().map(|(id, _)| id.clone());
    let last_id = page.last().map(|(id, _)| id.clone());
    let data: Vec<Value> = page.iter().map(|(_, item)| item.clone()).collect();
    Ok(json!({ "data": data, "has_more": has_more, "first_id": first_id, "last_id": last_id }))
}

/// The page of `rows` a page-token request asks for: from its `page` token on, at most
/// `limit` rows (`default_limit` when not given, every row when that is `None`; at most the
/// fake's row page size when one is set), with `next_page` (null on the last page) and,
/// when `with_has_more`, `has_more`.
pub(crate) fn token_page(
    ctx: &RequestCtx,
    shared: &mut Shared,
    rows: Vec<Value>,
    default_limit: Option<u64>,
    with_has_more: bool,
) -> Result<Value, ApiError> {
    let asked = match (ctx.query.get("limit"), default_limit) {
        (Some(_), _) | (None, Some(_)) => {
            Some(usize::try_from(ctx.query.integer("limit", default_limit.unwrap_or(1000), 1, 1000)?).unwrap_or(1000))
        }
        (None, None) => None,
    };
    let size = match (asked, shared.row_page_size) {
        (Some(asked), Some(size)) => asked.min(size),
        (asked, size) => asked.or(size).unwrap_or(usize::MAX),
    };
    let offset = shared.page_tokens.offset(ctx.path, &ctx.query)?;
    let end = offset.saturating_add(size).min(rows.len());
    let data = rows.get(offset..end).unwrap_or_default().to_vec();
    let has_more = end < rows.len();
    let next_page = has_more.then(|| shared.page_tokens.issue(ctx.path, &ctx.query, end));
    Ok(if with_has_more {
        json!({ "data": data, "has_more": has_more, "next_page": next_page })
    } else {
        json!({ "data": data, "next_page": next_page })
    })
}

/// Issues `page_<offset hex>_<query fingerprint hex>` tokens and accepts only those, for the same query.
#[derive(Debug, Default)]
pub(crate) struct PageTokens {
    issued: HashSet<String>,
}

impl PageTokens {
    /// The offset encoded in the request's `page` token, or 0 when there is none.
    pub fn offset(&self, path: &str, query: &Query) -> Result<usize, ApiError> {
        let Some(token) = query.get("page") else {
            return Ok(0);
        };
        let unknown = || ApiError::invalid_request(format!("page: invalid page token '{token}'"));
        if !self.issued.contains(token) {
            return Err(unknown());
        }
        let (offset, fingerprint) =
            token.strip_prefix("page_").and_then(|rest| rest.split_once('_')).ok_or_else(unknown)?;
        if fingerprint != format!("{:016x}", query_fingerprint(path, query)) {
            return Err(ApiError::invalid_request(
                "page: this page token was issued for a different query; keep every other parameter identical when following next_page",
            ));
        }
        usize::from_str_radix(offset, 16).map_err(|_| unknown())
    }

    pub fn issue(&mut self, path: &str, query: &Query, offset: usize) -> String {
        let token = format!("page_{offset:x}_{:016x}", query_fingerprint(path, query));
        self.issued.insert(token.clone());
        token
    }
}

/// FNV-1a over the path and the sorted query pairs other than `page`.
fn query_fingerprint(path: &str, query: &Query) -> u64 {
    let mut pairs: Vec<&(String, String)> = query.pairs().iter().filter(|(name, _)| name != "page").collect();
    pairs.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &byte in bytes.iter().chain(&[0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(path.as_bytes());
    for (name, value) in pairs {
        feed(name.as_bytes());
        feed(value.as_bytes());
    }
    hash
}
