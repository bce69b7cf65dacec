//! UTC calendar days (`YYYY-MM-DD`), the relative forms people type (`today`,
//! `7-days-ago`, `2026-10` for a month), and the transforms the spec applies to them.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};

/// Which end of a period a date argument is: a month means its first day as a
/// start and its last day as an end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Start,
    End,
    /// A single day: a month is refused (it is a range).
    Day,
}

/// The words a date argument accepts (besides `YYYY-MM-DD`, `YYYY-MM` and `N-days-ago`),
/// resolved against today in UTC: what date completions offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateWord {
    Today,
    Yesterday,
    ThisMonth,
    LastMonth,
    /// The calendar quarter (UTC) of today: January–March, April–June, July–September, October–December.
    ThisQuarter,
    LastQuarter,
}

impl DateWord {
    pub const ALL: [DateWord; 6] = [
        DateWord::Today,
        DateWord::Yesterday,
        DateWord::ThisMonth,
        DateWord::LastMonth,
        DateWord::ThisQuarter,
        DateWord::LastQuarter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DateWord::Today => "today",
            DateWord::Yesterday => "yesterday",
            DateWord::ThisMonth => "this-month",
            DateWord::LastMonth => "last-month",
            DateWord::ThisQuarter => "this-quarter",
            DateWord::LastQuarter => "last-quarter",
        }
    }

    /// The word of `text`, if it is one.
    pub fn parse(text: &str) -> Option<DateWord> {
        DateWord::ALL.into_iter().find(|word| word.as_str() == text)
    }

    /// Whether it names a month rather than a day.
    pub fn is_month(self) -> bool {
        matches!(self, DateWord::ThisMonth | DateWord::LastMonth)
    }

    /// Whether it names a period of several days (a month or a quarter) rather than a day.
    pub fn is_period(self) -> bool {
        !matches!(self, DateWord::Today | DateWord::Yesterday)
    }

    /// Whether an argument of `span` takes it.
    pub fn fits(self, span: DateSpan) -> bool {
        match span {
            DateSpan::Day => !self.is_period(),
            DateSpan::DayOrMonth => true,
            DateSpan::Month => self.is_month(),
        }
    }
}

/// Which dates an argument takes: one day, a day or a month (a period's first or last
/// day), or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpan {
    Day,
    DayOrMonth,
    Month,
}

/// The suffix of `N-days-ago`.
pub const DAYS_AGO_SUFFIX: &str = "-days-ago";

/// The largest N of `N-days-ago`.
pub const MAX_DAYS_AGO: u64 = 3660;

/// The forms a date argument accepts besides `YYYY-MM-DD`, as the schema says them.
pub const RELATIVE_FORMS: &str =
    "today, yesterday, N-days-ago, this-month, last-month, this-quarter, last-quarter or YYYY-MM";

/// The JSON Schema pattern of every accepted form.
pub const DATE_PATTERN: &str =
    "^([0-9]{4}-[0-9]{2}(-[0-9]{2})?|today|yesterday|[0-9]{1,4}-days-ago|(this|last)-(month|quarter))$";

/// A real calendar date, always UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

impl Date {
    /// Parses exactly `YYYY-MM-DD` and rejects dates that do not exist (2026-02-30).
    pub fn parse(text: &str) -> Result<Date, String> {
        let shape_ok = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !shape_ok {
            return Err(format!("must be a date as YYYY-MM-DD, got `{}`", text.chars().take(40).collect::<String>()));
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Date).map_err(|_| format!("{text} is not a real calendar date"))
    }

    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }

    /// Today in UTC.
    pub fn today() -> Date {
        Date(chrono::Utc::now().date_naive())
    }

    /// `YYYY-MM-DD`, or a form relative to `today` (UTC): `today`, `yesterday`,
    /// `N-days-ago` (N ≤ 3660), and months (`YYYY-MM`, `this-month`, `last-month`) and quarters (`this-quarter`, `last-quarter`),
    /// which mean their first day as a `Start` and their last day as an `End`.
    pub fn parse_relative(text: &str, bound: Bound, today: Date) -> Result<Date, String> {
        let text = text.trim();
        let days_ago = |n: u64| {
            today.0.checked_sub_days(Days::new(n)).map(Date).ok_or_else(|| format!("`{text}` is before the calendar"))
        };
        // `months` calendar months from the first of `month`: the first day as a start, the last as an end.
        let months = |year: i32, month: u32, months: u32| -> Result<Date, String> {
            let first =
                NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| format!("`{text}` is not a real month"))?;
            match bound {
                Bound::Start => Ok(Date(first)),
                Bound::End => {
                    let next =
                        first.checked_add_months(chrono::Months::new(months)).ok_or("the month is out of range")?;
                    Ok(Date(next.pred_opt().unwrap_or(first)))
                }
                Bound::Day => Err(format!("`{text}` is a period, but this argument is one day; give YYYY-MM-DD")),
            }
        };
        let month = |year: i32, month: u32| months(year, month, 1);
        // The first month of the quarter `back` quarters before today's.
        let quarter = |back: u32| -> Result<Date, String> {
            let index = today.0.year() * 4 + (today.0.month0() / 3) as i32 - back as i32;
            months(index.div_euclid(4), index.rem_euclid(4) as u32 * 3 + 1, 3)
        };
        match DateWord::parse(text) {
            Some(DateWord::Today) => return Ok(today),
            Some(DateWord::Yesterday) => return days_ago(1),
            Some(DateWord::ThisMonth) => return month(today.0.year(), today.0.month()),
            Some(DateWord::LastMonth) => {
                let previous = today.0.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(today.0);
                return month(previous.year(), previous.month());
            }
            Some(DateWord::ThisQuarter) => return quarter(0),
            Some(DateWord::LastQuarter) => return quarter(1),
            None => {}
        }
        if let Some(n) = text.strip_suffix(DAYS_AGO_SUFFIX) {
            return match n.parse::<u64>() {
                Ok(n) if n <= MAX_DAYS_AGO => days_ago(n),
                _ => Err(format!("`{text}`: N in N-days-ago must be a whole number from 0 to {MAX_DAYS_AGO}")),
            };
        }
        let month_shape = text.len() == 7
            && text.bytes().enumerate().all(|(i, b)| if i == 4 { b == b'-' } else { b.is_ascii_digit() });
        if month_shape {
            let (year, number) = (text[..4].parse().unwrap_or(0), text[5..].parse().unwrap_or(0));
            return month(year, number);
        }
        Date::parse(text).map_err(|e| format!("{e} (or {RELATIVE_FORMS})"))
    }

    /// `n` days later (the same day when past the calendar's end).
    pub fn plus_days(self, n: u64) -> Date {
        Date(self.0.checked_add_days(Days::new(n)).unwrap_or(self.0))
    }

    /// Days since 0001-01-01 (day 1): a number for compact sets of days.
    pub fn ordinal(self) -> i64 {
        i64::from(self.0.num_days_from_ce())
    }

    /// The day [`Date::ordinal`] numbers.
    pub fn from_ordinal(n: i64) -> Option<Date> {
        NaiveDate::from_num_days_from_ce_opt(i32::try_from(n).ok()?).map(Date)
    }

    pub fn next(self) -> Date {
        Date(self.0.checked_add_days(Days::new(1)).unwrap_or(self.0))
    }

    /// Whole days from `self` to `other` (negative if `other` is earlier).
    pub fn days_until(&self, other: &Date) -> i64 {
        (other.0 - self.0).num_days()
    }

    /// Every day from `start` to `end`, both included.
    pub fn range(start: &Date, end: &Date) -> Vec<Date> {
        let mut days = Vec::new();
        let mut day = *start;
        while day <= *end {
            days.push(day);
            let next = day.next();
            if next == day {
                break;
            }
            day = next;
        }
        days
    }
}

impl From<NaiveDate> for Date {
    fn from(day: NaiveDate) -> Date {
        Date(day)
    }
}

impl Date {
    pub fn naive(self) -> NaiveDate {
        self.0
    }
}

/// Kept (in a fold's stored state) as `YYYY-MM-DD`.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        crate::runtime::http::from_text(deserializer, "a day as YYYY-MM-DD", |text| Date::parse(text).ok())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// How a date argument becomes an upstream query value.
pub mod transform {
    use super::Date;

    /// `2026-03-01` → `2026-03-01T00:00:00Z`.
    pub fn start_of_day(date: &Date) -> String {
        format!("{date}T00:00:00Z")
    }

    /// An inclusive end day becomes the exclusive bound: `2026-03-31` → `2026-04-01T00:00:00Z`.
    pub fn start_of_next_day(date: &Date) -> String {
        start_of_day(&date.next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn relative_forms_resolve_against_today_in_utc() {
        let today = day("2026-03-15");
        let parse = |text: &str, bound| Date::parse_relative(text, bound, today);
        assert_eq!(parse("today", Bound::End), Ok(today));
        assert_eq!(parse("yesterday", Bound::Start), Ok(day("2026-03-14")));
        assert_eq!(parse("30-days-ago", Bound::Start), Ok(day("2026-02-13")));
        assert_eq!(parse("2026-02", Bound::Start), Ok(day("2026-02-01")));
        assert_eq!(parse("2026-02", Bound::End), Ok(day("2026-02-28")));
        assert_eq!(parse("2024-02", Bound::End), Ok(day("2024-02-29")));
        assert_eq!(parse("this-month", Bound::End), Ok(day("2026-03-31")));
        assert_eq!(parse("last-month", Bound::Start), Ok(day("2026-02-01")));
        assert_eq!(Date::parse_relative("last-month", Bound::End, day("2026-01-10")), Ok(day("2025-12-31")));
        assert_eq!(parse("2026-03-02", Bound::Day), Ok(day("2026-03-02")));
    }

    #[test]
    fn quarters_are_calendar_quarters_in_utc() {
        let range = |word: &str, today: &str| {
            let today = day(today);
            (
                Date::parse_relative(word, Bound::Start, today).unwrap().to_string(),
                Date::parse_relative(word, Bound::End, today).unwrap().to_string(),
            )
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(range("this-quarter", "2026-03-15"), pair("2026-01-01", "2026-03-31"));
        assert_eq!(range("this-quarter", "2026-04-01"), pair("2026-04-01", "2026-06-30"));
        assert_eq!(range("this-quarter", "2026-12-31"), pair("2026-10-01", "2026-12-31"));
        assert_eq!(range("last-quarter", "2026-05-20"), pair("2026-01-01", "2026-03-31"));
        assert_eq!(range("last-quarter", "2026-02-10"), pair("2025-10-01", "2025-12-31"));
        assert_eq!(range("last-quarter", "2026-08-01"), pair("2026-04-01", "2026-06-30"));
        assert!(Date::parse_relative("this-quarter", Bound::Day, day("2026-03-15")).unwrap_err().contains("one day"));
    }

    #[test]
    fn every_date_word_is_parsed_and_named_by_the_schema_texts() {
        let today = day("2026-03-15");
        for word in DateWord::ALL {
            assert!(Date::parse_relative(word.as_str(), Bound::Start, today).is_ok(), "{word:?}");
            assert!(RELATIVE_FORMS.contains(word.as_str()), "{word:?} is missing from RELATIVE_FORMS");
            let (kind, period) = word.as_str().split_once('-').unwrap_or_default();
            let grouped = DATE_PATTERN.contains("|(this|last)-(month|quarter))")
                && ["this", "last"].contains(&kind)
                && ["month", "quarter"].contains(&period);
            assert!(
                grouped || DATE_PATTERN.contains(&format!("|{}", word.as_str())),
                "{word:?} is missing from DATE_PATTERN"
            );
            assert_eq!(word.fits(DateSpan::Day), Date::parse_relative(word.as_str(), Bound::Day, today).is_ok());
        }
    }

    #[test]
    fn nonsense_is_refused_with_the_accepted_forms() {
        let today = day("2026-03-15");
        assert!(Date::parse_relative("2026-13", Bound::Start, today).unwrap_err().contains("not a real month"));
        assert!(Date::parse_relative("2026-02", Bound::Day, today).unwrap_err().contains("is a period"));
        assert!(Date::parse_relative("9999-days-ago", Bound::Start, today).unwrap_err().contains("0 to 3660"));
        assert!(Date::parse_relative("-1-days-ago", Bound::Start, today).is_err());
        assert!(Date::parse_relative("soon", Bound::Start, today).unwrap_err().contains("today, yesterday"));
    }
}
