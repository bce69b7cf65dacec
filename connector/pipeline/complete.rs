//! Argument completion (`completion/complete`) for the spec's prompts. Each argument
//! completes from what the spec declares for it: its enum `values`, the date words the
//! runtime accepts ([`DateWord`]), or a field of an organization list (`complete: {tool,
//! field}`), fetched by running that read-only list tool through the pipeline, one page,
//! kept for [`OBJECTS_TTL`]. Answers hold at most [`MAX_VALUES`] values that start with
//! what was typed.

use std::time::Duration;

use super::objects::ListQuery;
use super::{CallFailure, Connector};
use crate::runtime::date::{DAYS_AGO_SUFFIX, MAX_DAYS_AGO};
use crate::runtime::{Completion, DateSpan, DateWord, ObjectList, PromptArgument};

/// How long a fetched organization list answers completions before it is fetched again.
pub const OBJECTS_TTL: Duration = super::objects::OBJECTS_TTL;

/// The most values one answer carries (MCP's limit).
pub const MAX_VALUES: usize = 100;

/// A completion answer: the first values that match, how many match, and whether there
/// are more than these (beyond [`MAX_VALUES`], or beyond the page of objects fetched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    pub values: Vec<String>,
    pub total: usize,
    pub has_more: bool,
}

impl Connector {
    /// The values `argument` of a prompt takes that start with `prefix` (ASCII case
    /// ignored). Only an organization list can fail (the API's error, as a tool call
    /// would report it); a list tool the policy hides completes nothing.
    pub async fn complete_argument(
        &self,
        argument: &PromptArgument,
        prefix: &str,
        cancelled: impl Future<Output = ()>,
    ) -> Result<Completed, CallFailure> {
        let (candidates, more): (Vec<String>, bool) = match argument.completion {
            Completion::None => (Vec::new(), false),
            Completion::Values(values) => (values.iter().map(|v| v.to_string()).collect(), false),
            Completion::Dates(span) => (date_words(span, prefix), false),
            Completion::Objects(list) => {
                let listed = self.object_list(list, cancelled).await?;
                (listed.values, listed.more)
            }
        };
        Ok(bounded(candidates, prefix, more))
    }

    /// The list's values, from the shared object cache while fresh, else fetched.
    async fn object_list(&self, list: ObjectList, cancelled: impl Future<Output = ()>) -> Result<Listed, CallFailure> {
        let query = ListQuery {
            tool: list.tool,
            per_page: list.per_page,
            page_size: list.page_size,
            page: None,
            pages: 1,
            with: "{}",
            spent: None,
        };
        let listing = tokio::select! {
            listing = self.objects(query) => listing?,
            () = cancelled => return Ok(Listed::default()),
        };
        let values =
            listing.items.iter().filter_map(|item| item.get(list.field)?.as_str().map(str::to_string)).collect();
        Ok(Listed { values, more: listing.more })
    }
}

/// The values of one organization list's field.
#[derive(Debug, Default)]
struct Listed {
    values: Vec<String>,
    more: bool,
}

/// The date words of `span`, and `N-days-ago` when `prefix` is a number N (a day).
fn date_words(span: DateSpan, prefix: &str) -> Vec<String> {
    let days_ago = (span != DateSpan::Month && !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()))
        .then(|| prefix.parse::<u64>().ok().filter(|n| *n <= MAX_DAYS_AGO))
        .flatten()
        .map(|n| format!("{n}{DAYS_AGO_SUFFIX}"));
    let words = DateWord::ALL.into_iter().filter(|word| word.fits(span)).map(|word| word.as_str().to_string());
    days_ago.into_iter().chain(words).collect()
}

/// The candidates that start with `prefix`, at most [`MAX_VALUES`] of them.
fn bounded(candidates: Vec<String>, prefix: &str, more: bool) -> Completed {
    let prefix = prefix.trim().to_ascii_lowercase();
    let matching: Vec<String> =
        candidates.into_iter().filter(|value| value.to_ascii_lowercase().starts_with(&prefix)).collect();
    let total = matching.len();
    let values: Vec<String> = matching.into_iter().take(MAX_VALUES).collect();
    Completed { has_more: more || total > values.len(), total, values }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_words_follow_the_span_and_a_number_becomes_days_ago() {
        assert_eq!(date_words(DateSpan::Day, ""), ["today", "yesterday"]);
        assert_eq!(date_words(DateSpan::Month, ""), ["this-month", "last-month"]);
        assert_eq!(
            date_words(DateSpan::DayOrMonth, "7"),
            ["7-days-ago", "today", "yesterday", "this-month", "last-month", "this-quarter", "last-quarter"]
        );
        assert_eq!(date_words(DateSpan::Day, "99999"), ["today", "yesterday"], "beyond N-days-ago's bound");
        assert_eq!(date_words(DateSpan::Month, "7"), ["this-month", "last-month"]);
    }

    #[test]
    fn answers_are_filtered_by_prefix_and_bounded() {
        let many: Vec<String> = (0..250).map(|i| format!("user_{i:03}")).collect();
        let all = bounded(many.clone(), "", false);
        assert_eq!((all.values.len(), all.total, all.has_more), (MAX_VALUES, 250, true));
        let some = bounded(many, "USER_1", false);
        assert_eq!((some.values.len(), some.total, some.has_more), (100, 100, false));
        assert!(some.values.iter().all(|v| v.starts_with("user_1")));
        let none = bounded(vec!["a".into()], "b", true);
        assert_eq!((none.values.len(), none.total, none.has_more), (0, 0, true), "the page fetched was not all");
    }
}
