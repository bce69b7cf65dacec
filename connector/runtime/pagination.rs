//! The paginators: id cursors (`after_id`/`limit`), page tokens (`page`/`next_page`),
//! a local page window, and the per-day fan-out of the Claude Code report.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, stream};
use serde::Deserialize;

use super::date::Date;
use super::error::Error;
use super::http::{Decoded, Http, ItemReader, Request, Snapshot};

/// A guard against a server that never stops paginating.
const MAX_PAGES: u32 = 10_000;

/// Reports `done` of `total` requests when the call asked for progress.
fn progress(http: &Http, done: u64, total: u64) {
    if let Some(progress) = http.progress() {
        progress.report(done, total);
    }
}

#[derive(Deserialize)]
struct CursorBody<T> {
    data: Vec<T>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    last_id: Option<String>,
}

#[derive(Deserialize)]
struct TokenBody<T> {
    data: Vec<T>,
    /// Absent on endpoints that signal the end by a null `next_page` alone (rate limits).
    #[serde(default)]
    has_more: Option<bool>,
    #[serde(default)]
    next_page: Option<String>,
}

/// The token of the page after this one: `next_page` when `has_more` is true or absent
/// (an endpoint without `has_more` ends with a null `next_page`), never the token just
/// followed again.
fn next_token(has_more: Option<bool>, next_page: Option<String>, followed: Option<&String>) -> Option<String> {
    next_page.filter(|next| has_more != Some(false) && followed != Some(next))
}

/// One page of an id-cursor list.
#[derive(Debug)]
pub struct CursorWalk<T> {
    pub data: Vec<T>,
    pub has_more: bool,
}

/// Page `page` of `per_page` items: walks `after_id = last_id` from the first page,
/// sending `limit=per_page` (never page numbers: the API has none).
pub async fn walk_id_cursor<T: Decoded>(
    http: &Http,
    request: Request,
    page: u32,
    per_page: u32,
) -> Result<CursorWalk<T>, Error> {
    let mut after: Option<String> = None;
    for current in 1..=page.max(1) {
        let mut next = request.with_query("limit", per_page.to_string());
        if let Some(id) = &after {
            next = next.with_query("after_id", id.clone());
        }
        let body: CursorBody<T> = http.send(next).await?;
        if page > 1 {
            progress(http, u64::from(current), u64::from(page));
        }
        if current == page.max(1) {
            return Ok(CursorWalk { data: body.data, has_more: body.has_more });
        }
        match body.last_id {
            Some(last) if body.has_more => after = Some(last),
            _ => break,
        }
    }
    Ok(CursorWalk { data: Vec::new(), has_more: false })
}

/// Every item of an id-cursor list, `limit` at a time.
pub async fn drain_id_cursor<T: Decoded>(http: &Http, request: Request, limit: u32) -> Result<Vec<T>, Error> {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    for done in 1..=u64::from(MAX_PAGES) {
        let mut next = request.with_query("limit", limit.to_string());
        if let Some(id) = &after {
            next = next.with_query("after_id", id.clone());
        }
        let body: CursorBody<T> = http.send(next).await?;
        items.extend(body.data);
        match body.last_id {
            Some(last) if body.has_more && after.as_ref() != Some(&last) => {
                // The total is not known in advance: at least one more page.
                progress(http, done, done + 1);
                after = Some(last);
            }
            _ => {
                if done > 1 {
                    progress(http, done, done);
                }
                return Ok(items);
            }
        }
    }
    Err(Error::Internal(format!("{} did not stop paginating after {MAX_PAGES} pages", request.path)))
}

/// Every item of a page-token report, following `next_page` with the query unchanged.
pub async fn drain_page_token<T: Decoded>(http: &Http, request: Request) -> Result<Vec<T>, Error> {
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    for done in 1..=u64::from(MAX_PAGES) {
        let next = match &token {
            Some(t) => request.with_query("page", t.clone()),
            None => request.clone(),
        };
        let body: TokenBody<T> = http.send(next).await?;
        items.extend(body.data);
        match next_token(body.has_more, body.next_page, token.as_ref()) {
            Some(next) => {
                // The total is not known in advance: at least one more page.
                progress(http, done, done + 1);
                token = Some(next);
            }
            None => {
                if done > 1 {
                    progress(http, done, done);
                }
                return Ok(items);
            }
        }
    }
    Err(Error::Internal(format!("{} did not stop paginating after {MAX_PAGES} pages", request.path)))
}

/// A page of already-fetched items.
#[derive(Debug)]
pub struct Window<T> {
    pub data: Vec<T>,
    pub total: u64,
    pub has_more: bool,
}

pub fn window<T>(items: Vec<T>, page: u32, per_page: u32) -> Window<T> {
    let total = items.len() as u64;
    let start = u64::from(page.max(1) - 1) * u64::from(per_page);
    let end = start + u64::from(per_page);
    let data = items.into_iter().skip(start as usize).take(per_page as usize).collect();
    Window { data, total, has_more: end < total }
}

/// How a per-day report is fetched: the query parameter naming the day, and the most
/// records one request asks for (the generated `requests::<TOOL>_PER_DAY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerDay {
    pub query: &'static str,
    pub limit: u32,
}

/// One day's request: `query_name=YYYY-MM-DD`, `limit` per page, closing with that day.
fn day_request(request: &Request, query_name: &str, day: &Date, limit: u32) -> Request {
    let mut request = request.with_query(query_name, day.to_string()).with_query("limit", limit.to_string());
    // One day's report closes with that day, whatever the whole range's end.
    if request.closes.is_some() {
        request.closes = Some(*day);
    }
    request
}

/// Drains one report per day, at most `concurrency` days in flight, and hands each
/// day's items to `on_day` with the day's index as soon as that day is drained.
/// Progress counts days; pages stay quiet.
async fn each_day<T: Decoded>(
    http: &Http,
    request: Request,
    query_name: &str,
    days: &[Date],
    limit: u32,
    concurrency: usize,
    mut on_day: impl FnMut(usize, Vec<T>) -> Result<(), Error>,
) -> Result<(), Error> {
    let total = days.len() as u64;
    let done = AtomicU64::new(0);
    let quiet = http.without_progress();
    let fetches: Vec<_> = days
        .iter()
        .enumerate()
        .map(|(index, day)| {
            let request = day_request(&request, query_name, day, limit);
            let (done, quiet) = (&done, &quiet);
            async move {
                let drained = drain_page_token::<T>(quiet, request).await;
                progress(http, done.fetch_add(1, Ordering::Relaxed) + 1, total);
                drained.map(|items| (index, items))
            }
        })
        .collect();
    let mut results = stream::iter(fetches).buffer_unordered(concurrency.max(1));
    while let Some(result) = results.next().await {
        let (index, items) = result?;
        on_day(index, items)?;
    }
    Ok(())
}

/// Every item of a page-token report, folded into `state` as each page is decoded
/// ([`Http::fold_page`]: no page of items outlives its reading). Returns the pages read.
async fn fold_page_token<R: ItemReader + Sync, S: Send + 'static>(
    http: &Http,
    request: Request,
    reader: &Arc<R>,
    state: &Arc<Mutex<S>>,
    fold: fn(&mut S, R::Item) -> Result<(), Error>,
) -> Result<u64, Error> {
    let mut token: Option<String> = None;
    for pages in 1..=u64::from(MAX_PAGES) {
        let next = match &token {
            Some(t) => request.with_query("page", t.clone()),
            None => request.clone(),
        };
        let links = http.fold_page(next, reader.clone(), state.clone(), fold).await?;
        match next_token(links.has_more, links.next_page, token.as_ref()) {
            Some(next) => token = Some(next),
            None => return Ok(pages),
        }
    }
    Err(Error::Internal(format!("{} did not stop paginating after {MAX_PAGES} pages", request.path)))
}

/// A per-day fold under way: how its pages are read and folded, and the days done.
struct DayFold<'a, R: ItemReader, S> {
    http: &'a Http,
    reader: Arc<R>,
    fold: fn(&mut S, R::Item) -> Result<(), Error>,
    done: AtomicU64,
    total: u64,
}

impl<R: ItemReader + Sync, S: Send + 'static> DayFold<'_, R, S> {
    /// Folds every page of each day's request into the state its index names; returns
    /// the states, each with the pages folded into it.
    async fn days(&self, requests: Vec<(Request, usize)>, states: Vec<S>) -> Result<Vec<(S, u64)>, Error> {
        let concurrency = self.http.concurrency();
        let states: Vec<_> = states.into_iter().map(|state| (Arc::new(Mutex::new(state)), AtomicU64::new(0))).collect();
        // Twice as many days as requests in flight: while some days' pages are decoded, the
        // others keep `concurrency` requests going.
        let quiet = self.http.without_progress().limiting_requests(concurrency);
        let fetches: Vec<_> = requests
            .into_iter()
            .map(|(request, index)| {
                let (quiet, states) = (&quiet, &states);
                async move {
                    let (state, pages) = states.get(index).ok_or_else(|| Error::Internal("no such fold".into()))?;
                    let folded = fold_page_token(quiet, request, &self.reader, state, self.fold).await;
                    self.days_done(1);
                    pages.fetch_add(folded?, Ordering::Relaxed);
                    Ok::<_, Error>(())
                }
            })
            .collect();
        let mut results = stream::iter(fetches).buffer_unordered(2 * concurrency.max(1));
        while let Some(result) = results.next().await {
            result?;
        }
        drop(results);
        let held = || Error::Internal("a day's reading still held the fold after every day was read".into());
        states
            .into_iter()
            .map(|(state, pages)| {
                let state = Arc::try_unwrap(state).map_err(|_| held())?;
                Ok((state.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner), pages.into_inner()))
            })
            .collect()
    }

    /// Folds every page of the days' requests into `state`.
    async fn all_in_one(&self, requests: Vec<Request>, state: S) -> Result<S, Error> {
        let requests = requests.into_iter().map(|request| (request, 0)).collect();
        let mut folded = self.days(requests, vec![state]).await?;
        folded.pop().map(|(state, _)| state).ok_or_else(|| Error::Internal("a fold lost its state".into()))
    }

    fn days_done(&self, days: u64) {
        progress(self.http, self.done.fetch_add(days, Ordering::Relaxed) + days, self.total);
    }
}

/// Like [`fetch_per_day`], but each item is folded into `state` as soon as its page is
/// decoded by `reader`, in the order pages arrive, and then dropped: only the pages in
/// flight (at most twice `concurrency` days' current pages, `concurrency` of them
/// requests) are held, whatever the range.
/// Pages are decoded on every core; `fold` runs under the state's lock. Returns the state.
///
/// With a cache, the closed days' state is kept ([`Snapshot`]): folded beside the open
/// days' (each day into its own), kept, then the open days' merged into it. The same
/// fold over the same closed days later reads that state back instead of their pages
/// (counted as the pages it was folded from, from the cache), and only the open days are
/// fetched and folded on top of it.
pub async fn fold_per_day<R: ItemReader + Sync, S: Snapshot + Send + 'static>(
    http: &Http,
    request: Request,
    (query_name, days, limit): (&str, &[Date], u32),
    reader: R,
    state: S,
    fold: fn(&mut S, R::Item) -> Result<(), Error>,
) -> Result<S, Error> {
    let requests = days.iter().map(|day| day_request(&request, query_name, day, limit));
    let (closed, open): (Vec<Request>, Vec<Request>) = requests.partition(|request| http.keeps(request));
    let folding = DayFold { http, reader: Arc::new(reader), fold, done: AtomicU64::new(0), total: days.len() as u64 };
    let key = if closed.is_empty() { None } else { http.snapshot_key(&state.shape(), &closed) };
    let Some(key) = key else {
        return folding.all_in_one(closed.into_iter().chain(open).collect(), state).await;
    };
    let (state, restored) = http.restore(&key, state).await?;
    if let Some(pages) = restored {
        http.count_cached_pages(pages);
        folding.days_done(closed.len() as u64);
        return folding.all_in_one(open, state).await;
    }
    let open_state = state.fresh()?;
    let requests = closed.into_iter().map(|request| (request, 0)).chain(open.into_iter().map(|request| (request, 1)));
    let mut folded = folding.days(requests.collect(), vec![state, open_state]).await?.into_iter();
    let lost = || Error::Internal("a fold lost its state".into());
    let ((closed_state, pages), (open_state, _)) = (folded.next().ok_or_else(lost)?, folded.next().ok_or_else(lost)?);
    let mut state = http.keep_snapshot(&key, closed_state, pages).await?;
    state.merge(open_state)?;
    Ok(state)
}

/// One report per day (`query_name=YYYY-MM-DD`), each drained with `limit`, at most
/// `concurrency` days in flight. Items come back in day order.
pub async fn fetch_per_day<T: Decoded>(
    http: &Http,
    request: Request,
    query_name: &str,
    days: &[Date],
    limit: u32,
    concurrency: usize,
) -> Result<Vec<T>, Error> {
    let mut per_day: Vec<(usize, Vec<T>)> = Vec::with_capacity(days.len());
    each_day(http, request, query_name, days, limit, concurrency, |index, items| {
        per_day.push((index, items));
        Ok(())
    })
    .await?;
    per_day.sort_by_key(|(index, _)| *index);
    Ok(per_day.into_iter().flat_map(|(_, items)| items).collect())
}

#[cfg(test)]
mod tests {
    use super::next_token;

    fn token(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    #[test]
    fn has_more_decides_when_the_api_sends_it() {
        assert_eq!(next_token(Some(true), token("p2"), None), token("p2"));
        assert_eq!(next_token(Some(false), token("p2"), None), None);
        assert_eq!(next_token(Some(true), None, None), None);
    }

    #[test]
    fn without_has_more_a_next_page_is_followed_until_null() {
        assert_eq!(next_token(None, token("p2"), None), token("p2"));
        assert_eq!(next_token(None, token("p3"), token("p2").as_ref()), token("p3"));
        assert_eq!(next_token(None, None, token("p3").as_ref()), None);
    }

    #[test]
    fn the_same_token_twice_ends_the_walk() {
        assert_eq!(next_token(None, token("p2"), token("p2").as_ref()), None);
        assert_eq!(next_token(Some(true), token("p2"), token("p2").as_ref()), None);
    }
}
