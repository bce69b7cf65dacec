//! Raw query-string parsing, strict typed access to query parameters, and the UTC calendar helpers they need.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::errors::ApiError;

pub(crate) const SECONDS_PER_DAY: i64 = 86_400;

/// Splits a raw query string into decoded `(name, value)` pairs, keeping order and repeats.
pub(crate) fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name, true), percent_decode(value, true))
        })
        .collect()
}

pub(crate) fn percent_decode(text: &str, plus_as_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%'
            && let Some(value) = bytes.get(index + 1..index + 3).and_then(hex_pair)
        {
            decoded.push(value);
            index += 3;
            continue;
        }
        decoded.push(if byte == b'+' && plus_as_space { b' ' } else { byte });
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn hex_pair(pair: &[u8]) -> Option<u8> {
    if !pair.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()
}

/// Typed, strict read access to the decoded query pairs of one request.
#[derive(Clone, Copy)]
pub(crate) struct Query<'a> {
    pairs: &'a [(String, String)],
}

impl<'a> Query<'a> {
    pub fn new(pairs: &'a [(String, String)]) -> Self {
        Query { pairs }
    }

    pub fn pairs(&self) -> &'a [(String, String)] {
        self.pairs
    }

    /// Rejects any parameter not in `accepted`, and repeats of scalar (non-`[]`) parameters.
    pub fn expect_only(&self, accepted: &[&str]) -> Result<(), ApiError> {
        for (index, (name, _)) in self.pairs.iter().enumerate() {
            if !accepted.contains(&name.as_str()) {
                return Err(ApiError::extra_input(name, "query parameter"));
            }
            let repeated = self.pairs[..index].iter().any(|(earlier, _)| earlier == name);
            if repeated && !name.ends_with("[]") {
                return Err(ApiError::invalid_request(format!("{name}: must be given at most once")));
            }
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    pub fn values(&self, name: &str) -> Vec<&'a str> {
        self.pairs.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect()
    }

    pub fn integer(&self, name: &str, default: u64, min: u64, max: u64) -> Result<u64, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(default);
        };
        if raw.is_empty() || !raw.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(ApiError::invalid_request(format!("{name}: Input should be a valid integer, got '{raw}'")));
        }
        match raw.parse::<u64>() {
            Ok(value) if (min..=max).contains(&value) => Ok(value),
            _ => Err(ApiError::invalid_request(format!("{name}: must be between {min} and {max}, got {raw}"))),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(ApiError::invalid_request(format!(
                "{name}: Input should be a valid boolean ('true' or 'false'), got '{other}'"
            ))),
        }
    }

    pub fn one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<&'a str>, ApiError> {
        match self.get(name) {
            Some(value) if !allowed.contains(&value) => Err(ApiError::not_one_of(name, value, allowed)),
            value => Ok(value),
        }
    }

    pub fn all_of(&self, name: &str, allowed: &[&str]) -> Result<Vec<&'a str>, ApiError> {
        let values = self.values(name);
        match values.iter().find(|value| !allowed.contains(value)) {
            Some(bad) => Err(ApiError::not_one_of(name, bad, allowed)),
            None => Ok(values),
        }
    }

    /// An RFC 3339 datetime, as seconds since the Unix epoch (UTC).
    pub fn datetime(&self, name: &str) -> Result<Option<i64>, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        parse_rfc3339(raw).map(Some).ok_or_else(|| {
            ApiError::invalid_request(format!("{name}: Input should be a valid RFC 3339 datetime, got '{raw}'"))
        })
    }

    /// A plain `YYYY-MM-DD` date, as days since the Unix epoch.
    pub fn date(&self, name: &str) -> Result<Option<i64>, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        parse_day(raw).map(Some).ok_or_else(|| {
            ApiError::invalid_request(format!(
                "{name}: Input should be a valid date in the format YYYY-MM-DD, got '{raw}'"
            ))
        })
    }
}

pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn digits(text: Option<&str>) -> Option<u32> {
    let text = text?;
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Strict `YYYY-MM-DD`, as days since the Unix epoch.
pub(crate) fn parse_day(text: &str) -> Option<i64> {
    if text.len() != 10 || text.get(4..5)? != "-" || text.get(7..8)? != "-" {
        return None;
    }
    let year = digits(text.get(0..4))?;
    let month = digits(text.get(5..7))?;
    let day = digits(text.get(8..10))?;
    let year = i64::from(year);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// RFC 3339 `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, as UTC seconds since the Unix epoch.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let day = parse_day(text.get(0..10)?)?;
    let rest = text.get(10..)?;
    let clock = rest.strip_prefix('T').or_else(|| rest.strip_prefix('t'))?;
    if clock.get(2..3)? != ":" || clock.get(5..6)? != ":" {
        return None;
    }
    let hour = digits(clock.get(0..2))?;
    let minute = digits(clock.get(3..5))?;
    let second = digits(clock.get(6..8))?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut zone = clock.get(8..)?;
    if let Some(fraction) = zone.strip_prefix('.') {
        let fraction_digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if fraction_digits == 0 {
            return None;
        }
        zone = fraction.get(fraction_digits..)?;
    }
    let offset_seconds = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = match zone.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            if zone.len() != 6 || zone.get(3..4)? != ":" {
                return None;
            }
            let (zone_hour, zone_minute) = (digits(zone.get(1..3))?, digits(zone.get(4..6))?);
            if zone_hour > 23 || zone_minute > 59 {
                return None;
            }
            sign * i64::from(zone_hour * 3600 + zone_minute * 60)
        }
    };
    let seconds_of_day = i64::from(hour * 3600 + minute * 60 + second);
    Some(day * SECONDS_PER_DAY + seconds_of_day - offset_seconds)
}

pub(crate) fn format_day(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

pub(crate) fn format_midnight(days: i64) -> String {
    format!("{}T00:00:00Z", format_day(days))
}

pub(crate) fn format_timestamp(seconds: i64, micros: u32) -> String {
    let time_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    format!(
        "{}T{:02}:{:02}:{:02}.{micros:06}Z",
        format_day(seconds.div_euclid(SECONDS_PER_DAY)),
        time_of_day / 3600,
        time_of_day % 3600 / 60,
        time_of_day % 60
    )
}

pub(crate) fn now_timestamp() -> String {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = i64::try_from(elapsed.as_secs()).unwrap_or(0);
    format_timestamp(seconds, elapsed.subsec_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_repeats_in_order() {
        let pairs = parse_query("group_by%5B%5D=model&group_by[]=workspace_id&q=a+b%2Bc&flag");
        let names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["group_by[]", "group_by[]", "q", "flag"]);
        assert_eq!(pairs[1].1, "workspace_id");
        assert_eq!(pairs[2].1, "a b+c");
    }

    #[test]
    fn parses_dates_strictly() {
        assert_eq!(parse_day("1970-01-02"), Some(1));
        assert_eq!(parse_day("2024-02-30"), None);
        assert_eq!(parse_day("2024-2-03x"), None);
        assert_eq!(format_day(days_from_civil(2026, 3, 1)), "2026-03-01");
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339("2026-03-01T00:00:00.123456Z"), parse_rfc3339("2026-03-01T00:00:00Z"));
        assert_eq!(parse_rfc3339("2026-03-01 00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2026-03-01"), None);
        assert_eq!(format_timestamp(86_400 + 3661, 5), "1970-01-02T01:01:01.000005Z");
    }
}
