//! Exact decimals: `mantissa / 10^scale` in an `i128`, without floats.
//!
//! This crate owns the one decimal arithmetic of the workspace: the Admin API sends
//! money as decimal strings of cents (`"123.78912"`), and three places must sum and
//! print them the same way: the connector's runtime (`runtime::money::Cents`), the
//! generator's example results in `docs/tools.md`, and the fake Admin API's cost report.
//! It parses, adds with mixed scales (an overflow is `None`, never a wrap), prints
//! exactly, and rounds half away from zero. No dependencies.

use std::fmt;

/// The most decimal places a parsed amount may have.
pub const MAX_SCALE: u32 = 18;
/// The most digits before the point that [`Decimal::parse_value`] takes.
const MAX_WHOLE_DIGITS: usize = 20;

/// An exact decimal: `mantissa / 10^scale`. It prints with exactly `scale` places
/// (`"814.00"`); [`Decimal::normalized`] drops trailing zeros.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    pub const ZERO: Decimal = Decimal { mantissa: 0, scale: 0 };

    /// `mantissa / 10^scale`.
    pub const fn new(mantissa: i128, scale: u32) -> Decimal {
        Decimal { mantissa, scale }
    }

    /// Parses `[-]DIGITS[.DIGITS]` as written, keeping its places: `"812.50"` has
    /// scale 2. Nothing else is a decimal: no exponent, no `+`, no `.5` or `5.`, at
    /// most [`MAX_SCALE`] places.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, digits) = split_sign(text);
        let (whole, fraction) = match digits.split_once('.') {
            Some((_, "")) => return None,
            Some(parts) => parts,
            None => (digits, ""),
        };
        if whole.is_empty() {
            return None;
        }
        from_parts(negative, whole, fraction)
    }

    /// Parses a decimal for its value only: like [`Decimal::parse`], but also takes
    /// `.5` and `5.`, and drops the fraction's trailing zeros (`"812.50"` is `812.5`);
    /// at most 20 digits before the point.
    pub fn parse_value(text: &str) -> Option<Decimal> {
        let (negative, digits) = split_sign(text);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        if !is_digits(whole) || !is_digits(fraction) || whole.len() > MAX_WHOLE_DIGITS {
            return None;
        }
        from_parts(negative, whole, fraction.trim_end_matches('0'))
    }

    pub const fn mantissa(self) -> i128 {
        self.mantissa
    }

    pub const fn scale(self) -> u32 {
        self.scale
    }

    pub const fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// The same value with `scale` places (`scale` at least the current one).
    fn rescaled(self, scale: u32) -> Option<i128> {
        self.mantissa.checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    /// The exact sum, with the larger of the two scales; `None` on overflow.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal { mantissa: self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?, scale })
    }

    /// The value divided by `10^places`, exactly (cents to dollars is `shifted(2)`).
    pub fn shifted(self, places: u32) -> Decimal {
        Decimal { mantissa: self.mantissa, scale: self.scale + places }
    }

    /// Rounded half away from zero (half up, for a positive amount) to `places`
    /// places; the result has exactly `places` places (`"0.5"` cents → `"0.01"` dollars).
    pub fn rounded(self, places: u32) -> Decimal {
        if self.scale <= places {
            return Decimal { mantissa: self.mantissa * 10i128.pow(places - self.scale), scale: places };
        }
        let divisor = 10i128.pow(self.scale - places);
        let quotient = self.mantissa / divisor;
        let remainder = (self.mantissa % divisor).abs();
        let mantissa = if remainder * 2 >= divisor { quotient + self.mantissa.signum() } else { quotient };
        Decimal { mantissa, scale: places }
    }

    /// The same value without trailing zeros in the fraction (`1.50` → `1.5`, `2.0` → `2`).
    pub fn normalized(self) -> Decimal {
        let mut out = self;
        while out.scale > 0 && out.mantissa % 10 == 0 {
            out = Decimal { mantissa: out.mantissa / 10, scale: out.scale - 1 };
        }
        out
    }
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

fn is_digits(part: &str) -> bool {
    part.bytes().all(|b| b.is_ascii_digit())
}

fn from_parts(negative: bool, whole: &str, fraction: &str) -> Option<Decimal> {
    if !is_digits(whole) || !is_digits(fraction) || fraction.len() > MAX_SCALE as usize {
        return None;
    }
    let mut mantissa: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    Some(Decimal { mantissa: if negative { -mantissa } else { mantissa }, scale: fraction.len() as u32 })
}

impl fmt::Display for Decimal {
    /// Exactly `scale` places: `-1.50`, `814.00`, `12`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let abs = self.mantissa.unsigned_abs();
        if self.scale == 0 {
            return write!(f, "{sign}{abs}");
        }
        let divisor = 10u128.pow(self.scale);
        write!(f, "{sign}{}.{:0width$}", abs / divisor, abs % divisor, width = self.scale as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::Decimal;

    fn sum(parse: fn(&str) -> Option<Decimal>, amounts: &[&str]) -> Option<String> {
        let mut total = Decimal::ZERO;
        for amount in amounts {
            total = total.checked_add(parse(amount)?)?;
        }
        Some(total.to_string())
    }

    #[test]
    fn parses_as_written_or_for_the_value() {
        assert_eq!(Decimal::parse("812.50"), Some(Decimal::new(81250, 2)));
        assert_eq!(Decimal::parse("-5"), Some(Decimal::new(-5, 0)));
        assert_eq!(Decimal::parse_value("812.50"), Some(Decimal::new(8125, 1)));
        assert_eq!(Decimal::parse_value(".5"), Some(Decimal::new(5, 1)));
        assert_eq!(Decimal::parse_value("5."), Some(Decimal::new(5, 0)));
        for bad in ["", ".", "-", "1e5", "12,5", "abc", "1.2.3", "+1", "0.1234567890123456789"] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
            assert_eq!(Decimal::parse_value(bad), None, "{bad}");
        }
        for strict_only in ["1.", ".5"] {
            assert_eq!(Decimal::parse(strict_only), None, "{strict_only}");
        }
        assert_eq!(Decimal::parse_value("123456789012345678901"), None, "21 whole digits");
    }

    #[test]
    fn adds_mixed_scales_exactly() {
        assert_eq!(sum(Decimal::parse, &["812.50", "1.5"]).as_deref(), Some("814.00"));
        assert_eq!(sum(Decimal::parse, &["0.1", "0.2"]).as_deref(), Some("0.3"));
        assert_eq!(sum(Decimal::parse, &["1234.56789", "-0.00789", "5"]).as_deref(), Some("1239.56000"));
        assert_eq!(sum(Decimal::parse_value, &["123.78912", "0.00088", "100"]).as_deref(), Some("223.79000"));
    }

    #[test]
    fn overflow_is_none() {
        let big = Decimal::new(i128::MAX, 0);
        assert_eq!(big.checked_add(Decimal::new(1, 0)), None);
        assert_eq!(big.checked_add(Decimal::new(1, 1)), None, "rescaling overflows");
        assert_eq!(Decimal::parse("999999999999999999999999999999999999999"), None);
    }

    #[test]
    fn displays_exactly_and_normalizes() {
        assert_eq!(Decimal::new(-150, 2).to_string(), "-1.50");
        assert_eq!(Decimal::new(5, 3).to_string(), "0.005");
        assert_eq!(Decimal::new(12, 0).to_string(), "12");
        assert_eq!(Decimal::new(81400, 2).normalized().to_string(), "814");
        assert_eq!(Decimal::new(22379000, 5).normalized().to_string(), "223.79");
        assert_eq!(Decimal::ZERO.normalized().to_string(), "0");
    }

    #[test]
    fn rounds_to_two_places_half_away_from_zero() {
        let dollars = |cents: &str| Decimal::parse_value(cents).unwrap().shifted(2).rounded(2).to_string();
        assert_eq!(dollars("0.5"), "0.01");
        assert_eq!(dollars("0.4999"), "0.00");
        assert_eq!(dollars("-150"), "-1.50");
        assert_eq!(dollars("-0.5"), "-0.01");
        assert_eq!(dollars("223.79"), "2.24");
        assert_eq!(dollars("1"), "0.01");
        assert_eq!(Decimal::new(2, 0).rounded(2).to_string(), "2.00");
    }
}
