//! Exact money: decimal strings of cents summed without floats, rounded once.

use std::fmt;

use exact_decimal::Decimal;

use super::error::Error;

/// An exact amount of cents, on the workspace's one decimal type ([`exact_decimal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cents(Decimal);

impl Cents {
    pub const ZERO: Cents = Cents(Decimal::ZERO);

    /// Parses the API's decimal strings (`"123.78912"`, `"-5"`, `"0.5"`).
    pub fn parse(text: &str) -> Option<Cents> {
        Decimal::parse_value(text).map(Cents)
    }

    /// The shortest decimal that a JSON number in cents prints as (`37`, `12.5`).
    pub fn from_json_number(n: f64) -> Option<Cents> {
        if !n.is_finite() {
            return None;
        }
        Cents::parse(&format!("{n}"))
    }

    /// The exact amount as its decimal's mantissa and scale.
    pub fn parts(self) -> (i128, u32) {
        (self.0.mantissa(), self.0.scale())
    }

    /// The amount [`Cents::parts`] gave.
    pub fn from_parts(mantissa: i128, scale: u32) -> Cents {
        Cents(Decimal::new(mantissa, scale))
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
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

    /// Dollars rounded half away from zero to `decimals` places.
    fn dollars(self, decimals: u32) -> Decimal {
        self.0.shifted(2).rounded(decimals)
    }

    /// Dollars rounded to the cent, as text: `"123.79"`.
    pub fn usd_rounded(self) -> String {
        self.dollars(2).to_string()
    }

    /// Dollars rounded to `decimals` places, as text: `"0.3667"`.
    pub fn usd_rounded_to(self, decimals: u32) -> String {
        self.dollars(decimals).to_string()
    }

    /// Dollars rounded to `decimals` places, as a float for JSON numbers (rounded once, here).
    pub fn usd_f64(self, decimals: u32) -> f64 {
        self.dollars(decimals).to_string().parse().unwrap_or(0.0)
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Orders two amounts exactly, whatever their scales.
    pub fn cmp_exact(&self, other: &Cents) -> std::cmp::Ordering {
        let negated = Decimal::new(other.0.mantissa().saturating_neg(), other.0.scale());
        match self.0.checked_add(negated) {
            Some(difference) => difference.mantissa().cmp(&0),
            // Too far apart to subtract: the signs and sizes tell.
            None => self.0.mantissa().signum().cmp(&other.0.mantissa().signum()),
        }
    }

    pub fn is_positive(self) -> bool {
        self.0.mantissa() > 0
    }

    /// The same quantity a hundred times over (dollars read as cents).
    pub fn times_hundred(self) -> Cents {
        let (mantissa, scale) = (self.0.mantissa(), self.0.scale());
        match scale {
            0 | 1 => Cents(Decimal::new(mantissa.saturating_mul(10i128.pow(2 - scale)), 0)),
            scale => Cents(Decimal::new(mantissa, scale - 2)),
        }
    }

    /// Exact division by a count, in dollars rounded to `decimals` places.
    pub fn usd_per(self, count: u64, decimals: u32) -> Option<f64> {
        if count == 0 {
            return None;
        }
        // dollars = mantissa / 10^(scale+2) / count; scale up to keep `decimals` plus one guard.
        let (mantissa, scale) = (self.0.mantissa(), self.0.scale());
        let numerator = mantissa.checked_mul(10i128.checked_pow(decimals)?)?;
        let denominator = 10i128.checked_pow(scale + 2)?.checked_mul(i128::from(count))?;
        let quotient = numerator / denominator;
        let remainder = (numerator % denominator).abs();
        let rounded = if remainder * 2 >= denominator { quotient + numerator.signum() } else { quotient };
        Decimal::new(rounded, decimals).to_string().parse().ok()
    }
}

impl fmt::Display for Cents {
    /// The exact amount of cents, without trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.normalized().fmt(f)
    }
}

/// Kept (in a fold's stored state) as its exact decimal text.
impl serde::Serialize for Cents {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Cents {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Cents, D::Error> {
        crate::runtime::http::from_text(deserializer, "a decimal", Cents::parse)
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
