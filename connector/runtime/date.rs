//! UTC calendar days (`YYYY-MM-DD`) and the transforms the spec applies to them.

use std::fmt;

use chrono::{Days, NaiveDate};

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
