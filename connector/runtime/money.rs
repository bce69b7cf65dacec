//! Exact money: decimal strings of cents summed without floats, rounded once.

use std::fmt;

use super::error::Error;

/// An exact amount of cents: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cents {
    mantissa: i128,
    scale: u32,
}

const MAX_SCALE: u32 = 18;

impl Cents {
    pub const ZERO: Cents = Cents { mantissa: 0, scale: 0 };

    /// Parses the API's decimal strings (`"123.78912"`, `"-5"`, `"0.5"`).
    pub fn parse(text: &str) -> Option<Cents> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        if !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() as u32 > MAX_SCALE || whole.len() > 20 {
            return None;
        }
        let mut mantissa: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        Some(Cents { mantissa: if negative { -mantissa } else { mantissa }, scale: fraction.len() as u32 })
    }

    /// The shortest decimal that a JSON number in cents prints as (`37`, `12.5`).
    pub fn from_json_number(n: f64) -> Option<Cents> {
        if !n.is_finite() {
            return None;
        }
        Cents::parse(&format!("{n}"))
    }

    fn rescale(self, scale: u32) -> Option<Cents> {
        let factor = 10i128.checked_pow(scale - self.scale)?;
        Some(Cents { mantissa: self.mantissa.checked_mul(factor)?, scale })
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        let scale = self.scale.max(other.scale);
        let (a, b) = (self.rescale(scale)?, other.rescale(scale)?);
        Some(Cents { mantissa: a.mantissa.checked_add(b.mantissa)?, scale })
    }

    /// Sums decimal-cents strings from the response of `path` exactly; a malformed
    /// amount is an error, not a zero.
    pub fn sum<'a>(path: &str, amounts: impl IntoIterator<Item = &'a str>) -> Result<Cents, Error> {
        let mut total = Cents::ZERO;
        for amount in amounts {
            let unusable = || Error::Decode {
                path: path.to_string(),
                message: format!("amount `{amount}` is not a decimal number of cents"),
            };
            total = total.checked_add(Cents::parse(amount).ok_or_else(unusable)?).ok_or_else(unusable)?;
        }
        Ok(total)
    }

    /// Rounds half away from zero to `decimals` places of a unit that is `10^shift` cents
    /// (shift 2 = dollars), returning the scaled integer.
    fn rounded(self, shift: u32, decimals: u32) -> i128 {
        // value in target units = mantissa / 10^(scale + shift); keep `decimals` places.
        let drop = self.scale + shift;
        if drop <= decimals {
            return self.mantissa * 10i128.pow(decimals - drop);
        }
        let divisor = 10i128.pow(drop - decimals);
        let quotient = self.mantissa / divisor;
        let remainder = (self.mantissa % divisor).abs();
        if remainder * 2 >= divisor { quotient + self.mantissa.signum() } else { quotient }
    }

    /// Dollars rounded to the cent, as text: `"123.79"`.
    pub fn usd_rounded(self) -> String {
        format_scaled(self.rounded(2, 2), 2)
    }

    /// Dollars rounded to `decimals` places, as text: `"0.3667"`.
    pub fn usd_rounded_to(self, decimals: u32) -> String {
        format_scaled(self.rounded(2, decimals), decimals)
    }

    /// Dollars rounded to `decimals` places, as a float for JSON numbers (rounded once, here).
    pub fn usd_f64(self, decimals: u32) -> f64 {
        let scaled = self.rounded(2, decimals);
        format_scaled(scaled, decimals).parse().unwrap_or(0.0)
    }

    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    pub fn is_positive(self) -> bool {
        self.mantissa > 0
    }

    /// The same quantity a hundred times over (dollars read as cents).
    pub fn times_hundred(self) -> Cents {
        match self.scale {
            0 | 1 => Cents { mantissa: self.mantissa.saturating_mul(10i128.pow(2 - self.scale)), scale: 0 },
            scale => Cents { mantissa: self.mantissa, scale: scale - 2 },
        }
    }

    /// Exact division by a count, in dollars rounded to `decimals` places.
    pub fn usd_per(self, count: u64, decimals: u32) -> Option<f64> {
        if count == 0 {
            return None;
        }
        // dollars = mantissa / 10^(scale+2) / count; scale up to keep `decimals` plus one guard.
        let numerator = self.mantissa.checked_mul(10i128.checked_pow(decimals)?)?;
        let denominator = 10i128.checked_pow(self.scale + 2)?.checked_mul(i128::from(count))?;
        let quotient = numerator / denominator;
        let remainder = (numerator % denominator).abs();
        let rounded = if remainder * 2 >= denominator { quotient + numerator.signum() } else { quotient };
        format_scaled(rounded, decimals).parse().ok()
    }
}

fn format_scaled(value: i128, decimals: u32) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{abs}");
    }
    let divisor = 10u128.pow(decimals);
    format!("{sign}{}.{:0width$}", abs / divisor, abs % divisor, width = decimals as usize)
}

impl fmt::Display for Cents {
    /// The exact amount of cents, without trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format_scaled(self.mantissa, self.scale);
        let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::Cents;

    #[test]
    fn sums_fractional_cents_exactly() {
        let total = Cents::sum("/report", ["123.78912", "0.00088", "100"]).unwrap();
        assert_eq!(total.to_string(), "223.79");
        assert_eq!(total.usd_rounded(), "2.24");
    }

    #[test]
    fn rounds_half_away_from_zero_once() {
        assert_eq!(Cents::parse("0.5").unwrap().usd_rounded(), "0.01");
        assert_eq!(Cents::parse("0.4999").unwrap().usd_rounded(), "0.00");
        assert_eq!(Cents::parse("-150").unwrap().usd_rounded(), "-1.50");
        assert_eq!(Cents::parse("330").unwrap().usd_per(9, 4), Some(0.3667));
    }

    #[test]
    fn rejects_what_is_not_a_decimal() {
        for bad in ["", ".", "1e5", "12,5", "abc", "1.2.3"] {
            assert!(Cents::parse(bad).is_none(), "{bad}");
        }
        let error = Cents::sum("/v1/organizations/cost_report", ["1", "1e5"]).unwrap_err().to_string();
        assert!(error.contains("/v1/organizations/cost_report") && error.contains("`1e5`"), "{error}");
    }
}
