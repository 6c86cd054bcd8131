//! Exact money: amounts as integers of minor units (centimes) tagged with their currency.
//!
//! This module owns every conversion between text, `Decimal` and minor units, and every
//! rounding the program does. Rounding always names its strategy (half away from zero);
//! nothing here uses floating point.

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

/// Minor units per major unit. Every currency the ledger accepts has two decimals.
const MINOR_PER_MAJOR: i64 = 100;

/// The largest amount accepted from input: one thousand billion in any currency.
/// Far above any budget an ISU sees, far below what an `i64` of centimes can hold.
pub const AMOUNT_MAJOR_MAX: i64 = 1_000_000_000_000;

/// ISO 4217 codes of current currencies with two decimals.
const CURRENCIES_TWO_DECIMALS: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY",
    "COP", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD",
    "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR",
    "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK",
    "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP",
    "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP",
    "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TTD",
    "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR",
    "ZMW", "ZWG",
];

/// ISO 4217 codes of current currencies whose minor unit is not the centime.
const CURRENCIES_OTHER_DECIMALS: &[(&str, u8)] = &[
    ("BHD", 3),
    ("BIF", 0),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("PYG", 0),
    ("RWF", 0),
    ("TND", 3),
    ("UGX", 0),
    ("UYW", 4),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
];

/// Everything that can be wrong with an amount, a currency or a rate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount is empty")]
    AmountEmpty,
    #[error(
        "amount '{}' is not a number (write it like 311'922.54)",
        crate::text::excerpt(input)
    )]
    AmountNotANumber { input: String },
    #[error(
        "amount '{}' uses exponent notation; write the digits out",
        crate::text::excerpt(input)
    )]
    AmountHasExponent { input: String },
    #[error("amount '{}' has more than two decimals", crate::text::excerpt(input))]
    AmountTooPrecise { input: String },
    #[error(
        "amount '{}' is ambiguous: a comma may only group thousands (311,922.54); \
         use a point for decimals",
        crate::text::excerpt(input)
    )]
    AmountAmbiguous { input: String },
    #[error(
        "amount '{}' has misplaced digit group separators (write 311'922.54)",
        crate::text::excerpt(input)
    )]
    AmountBadGrouping { input: String },
    #[error(
        "amount '{}' is out of range (at most 1'000'000'000'000.00)",
        crate::text::excerpt(input)
    )]
    AmountOutOfRange { input: String },
    #[error(
        "amount '{}' is in {found} but {expected} was expected",
        crate::text::excerpt(input)
    )]
    AmountCurrencyConflict {
        input: String,
        found: Currency,
        expected: Currency,
    },
    #[error(
        "unknown currency '{}' (use an ISO 4217 code such as CHF, USD or EUR)",
        crate::text::excerpt(code)
    )]
    CurrencyUnknown { code: String },
    #[error(
        "currency {code} has {decimals} decimals; the ledger keeps amounts in currencies with two"
    )]
    CurrencyDecimalsUnsupported { code: String, decimals: u8 },
    #[error("cannot combine {left} and {right}: amounts in different currencies")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error(
        "amount too large: the result is beyond what the books can hold \
         (amounts up to 92'233'720'368'547'758.07)"
    )]
    Overflow,
    #[error(
        "rate {rate} ({to} per {from}) is outside the plausible range for {from} to {to}, \
         {low} to {high}: check the rate"
    )]
    RateImplausible {
        rate: Rate,
        from: Currency,
        to: Currency,
        low: Decimal,
        high: Decimal,
    },
    #[error(
        "rate '{}' is not a positive decimal number",
        crate::text::excerpt(input)
    )]
    RateInvalid { input: String },
    #[error("rate '{}' must be greater than zero", crate::text::excerpt(input))]
    RateNotPositive { input: String },
    #[error("rate '{}' has more than 10 decimals", crate::text::excerpt(input))]
    RateTooPrecise { input: String },
}

/// An ISO 4217 currency code with two decimals, such as `CHF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The currency the ISU keeps its books in.
    pub const CHF: Currency = Currency(*b"CHF");
    pub const USD: Currency = Currency(*b"USD");

    pub fn as_str(&self) -> &str {
        // The bytes were checked to be ASCII uppercase letters on construction.
        std::str::from_utf8(&self.0).expect("currency codes are ASCII")
    }

    /// The lowercase code, as used in account names (`assets:bank:chf`).
    pub fn lowercase(&self) -> String {
        self.as_str().to_ascii_lowercase()
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(text: &str) -> Result<Currency, MoneyError> {
        let code = text.trim().to_ascii_uppercase();
        if let Some((_, decimals)) = CURRENCIES_OTHER_DECIMALS.iter().find(|(c, _)| *c == code) {
            return Err(MoneyError::CurrencyDecimalsUnsupported {
                code,
                decimals: *decimals,
            });
        }
        match CURRENCIES_TWO_DECIMALS.binary_search(&code.as_str()) {
            Ok(_) => {
                let bytes = code.as_bytes();
                Ok(Currency([bytes[0], bytes[1], bytes[2]]))
            }
            Err(_) => Err(MoneyError::CurrencyUnknown {
                code: text.trim().to_string(),
            }),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// An exact amount: a count of minor units in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub const fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    pub const fn minor(&self) -> i64 {
        self.minor
    }

    pub const fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_positive(&self) -> bool {
        self.minor > 0
    }

    /// Parses `311'922.54`, `311922.54`, `311,922.54` or `CHF 311'922.54`.
    ///
    /// A currency written before the number must be `currency`; without one the amount is
    /// taken to be in `currency`. A leading minus sign is accepted here; whether a negative
    /// amount makes sense is for the caller to say.
    pub fn parse(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(MoneyError::AmountEmpty);
        }
        let number = match split_currency_prefix(text) {
            Some((code, rest)) => {
                let found: Currency = code.parse()?;
                if found != currency {
                    return Err(MoneyError::AmountCurrencyConflict {
                        input: input.to_string(),
                        found,
                        expected: currency,
                    });
                }
                rest
            }
            None => text,
        };
        let minor = parse_minor(number).map_err(|kind| kind.with_input(input))?;
        Ok(Money { minor, currency })
    }

    /// The amount as an exact decimal in major units (`311922.54`).
    pub fn to_decimal(&self) -> Decimal {
        Decimal::new(self.minor, 2)
    }

    /// Converts an exact decimal to minor units, rounding half away from zero.
    pub fn from_decimal_rounded(value: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        let rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        let minor = rounded
            .checked_mul(Decimal::from(MINOR_PER_MAJOR))
            .and_then(|minor| minor.to_i64())
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, currency })
    }

    /// The amount converted into `to` at `rate` units of `to` per unit of `self`,
    /// rounded half away from zero to the centime.
    ///
    /// A rate outside the plausible range of the pair (`Rate::plausible_range`) is refused,
    /// and every step of the arithmetic is checked.
    pub fn convert(&self, rate: Rate, to: Currency) -> Result<Money, MoneyError> {
        rate.check_plausible(self.currency, to)?;
        let value = self
            .to_decimal()
            .checked_mul(rate.0)
            .ok_or(MoneyError::Overflow)?;
        Money::from_decimal_rounded(value, to)
    }

    pub fn checked_add(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..*self })
    }

    pub fn checked_sub(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..*self })
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// The plain decimal with two decimals and no grouping, for CSV and JSON: `311922.54`.
    pub fn plain(&self) -> String {
        format_minor_plain(self.minor)
    }

    /// The number in Swiss style without the currency: `311'922.54`.
    pub fn swiss(&self) -> String {
        format_minor_swiss(self.minor)
    }
}

/// `CHF 311'922.54`
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.swiss())
    }
}

/// Amounts travel in JSON as strings with exactly two decimals, so that no reader turns
/// them into floating point on the way.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.plain())
    }
}

/// Formats minor units as `-1234.50`.
pub fn format_minor_plain(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:02}",
        abs / MINOR_PER_MAJOR as u64,
        abs % MINOR_PER_MAJOR as u64
    )
}

/// Formats minor units in Swiss style: `-1'234.50`.
pub fn format_minor_swiss(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let digits = (abs / MINOR_PER_MAJOR as u64).to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\'');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{:02}", abs % MINOR_PER_MAJOR as u64)
}

/// Splits `CHF 12.00` into `("CHF", "12.00")`; `None` when no code leads the text.
fn split_currency_prefix(text: &str) -> Option<(&str, &str)> {
    let letters = text
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_alphabetic())
        .count();
    if letters == 3 {
        let rest = text[3..].trim_start();
        if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            return Some((&text[..3], rest));
        }
    }
    None
}

/// What went wrong in `parse_minor`, before the caller attaches the original input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AmountProblem {
    NotANumber,
    Exponent,
    TooPrecise,
    Ambiguous,
    BadGrouping,
    OutOfRange,
}

impl AmountProblem {
    fn with_input(self, input: &str) -> MoneyError {
        let input = input.to_string();
        match self {
            AmountProblem::NotANumber => MoneyError::AmountNotANumber { input },
            AmountProblem::Exponent => MoneyError::AmountHasExponent { input },
            AmountProblem::TooPrecise => MoneyError::AmountTooPrecise { input },
            AmountProblem::Ambiguous => MoneyError::AmountAmbiguous { input },
            AmountProblem::BadGrouping => MoneyError::AmountBadGrouping { input },
            AmountProblem::OutOfRange => MoneyError::AmountOutOfRange { input },
        }
    }
}

/// Parses the number part of an amount into minor units.
///
/// Accepted: digits with an optional point and one or two decimals; the integer part may be
/// grouped by threes with `'`, `’` or `,` (one kind of separator throughout).
fn parse_minor(text: &str) -> Result<i64, AmountProblem> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if unsigned.contains(['e', 'E']) && unsigned.chars().any(|c| c.is_ascii_digit()) {
        return Err(AmountProblem::Exponent);
    }
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = ungroup(integer)?;
    let cents = match fraction {
        None => 0,
        Some(fraction) => {
            if fraction.is_empty() || !fraction.chars().all(|c| c.is_ascii_digit()) {
                return Err(AmountProblem::NotANumber);
            }
            if fraction.len() > 2 {
                return Err(AmountProblem::TooPrecise);
            }
            let value: i64 = fraction.parse().map_err(|_| AmountProblem::NotANumber)?;
            if fraction.len() == 1 {
                value * 10
            } else {
                value
            }
        }
    };
    if digits.len() > 13 {
        return Err(AmountProblem::OutOfRange);
    }
    let major: i64 = digits.parse().map_err(|_| AmountProblem::NotANumber)?;
    if major > AMOUNT_MAJOR_MAX || (major == AMOUNT_MAJOR_MAX && cents > 0) {
        return Err(AmountProblem::OutOfRange);
    }
    let minor = major * MINOR_PER_MAJOR + cents;
    Ok(if negative { -minor } else { minor })
}

/// Removes thousands separators from an integer part, checking that they group by threes.
fn ungroup(integer: &str) -> Result<String, AmountProblem> {
    if integer.is_empty() {
        return Err(AmountProblem::NotANumber);
    }
    let separators: Vec<char> = integer
        .chars()
        .filter(|c| matches!(c, '\'' | '’' | ','))
        .collect();
    if integer
        .chars()
        .any(|c| !c.is_ascii_digit() && !matches!(c, '\'' | '’' | ','))
    {
        return Err(AmountProblem::NotANumber);
    }
    let Some(&separator) = separators.first() else {
        return Ok(integer.to_string());
    };
    if separators.iter().any(|&s| s != separator) {
        return Err(AmountProblem::BadGrouping);
    }
    let groups: Vec<&str> = integer.split(separator).collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    if !first_ok || !rest_ok {
        // `1,5` or `12,50` read like a decimal comma: say so rather than guess.
        if separator == ',' && groups.len() == 2 && groups[1].len() < 3 {
            return Err(AmountProblem::Ambiguous);
        }
        return Err(AmountProblem::BadGrouping);
    }
    Ok(groups.concat())
}

/// A rate of exchange: how many units of the books' currency one unit of another buys.
/// Kept as an exact decimal and stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate(Decimal);

impl Rate {
    /// At most this many decimals: UN operational rates carry three to six.
    pub const DECIMALS_MAX: u32 = 10;

    pub fn value(&self) -> Decimal {
        self.0
    }

    /// The range of rates (units of `to` per unit of `from`) that can be meant: wide enough
    /// for every currency of the world against the franc, narrower for the currencies
    /// whose value is well known, so that a slip of the finger (a rate of 10^27) is caught
    /// before it reaches the books. With amounts below 10^12 and rates below 10^4, no
    /// conversion leaves the range of the books.
    pub fn plausible_range(from: Currency, to: Currency) -> (Decimal, Decimal) {
        let (from_low, from_high) = value_in_chf_range(from);
        let (to_low, to_high) = value_in_chf_range(to);
        (from_low / to_high, from_high / to_low)
    }

    /// Refuses a rate outside `plausible_range`.
    pub fn check_plausible(&self, from: Currency, to: Currency) -> Result<(), MoneyError> {
        let (low, high) = Rate::plausible_range(from, to);
        if self.0 < low || self.0 > high {
            return Err(MoneyError::RateImplausible {
                rate: *self,
                from,
                to,
                low: low.normalize(),
                high: high.normalize(),
            });
        }
        Ok(())
    }
}

/// What one unit of a currency can plausibly be worth in francs, lowest and highest: from
/// a millionth of a franc (below the weakest currencies) to 10'000 francs (above the
/// strongest). Wide on purpose: it catches slips of many orders of magnitude, and `rate set`
/// catches a rate ten times away from the one before.
fn value_in_chf_range(currency: Currency) -> (Decimal, Decimal) {
    if currency == Currency::CHF {
        (Decimal::ONE, Decimal::ONE)
    } else {
        (Decimal::new(1, 6), Decimal::from(10_000))
    }
}

impl FromStr for Rate {
    type Err = MoneyError;

    fn from_str(input: &str) -> Result<Rate, MoneyError> {
        let text = input.trim();
        let well_formed = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
            && text.chars().any(|c| c.is_ascii_digit());
        let value = if well_formed {
            Decimal::from_str(text).ok()
        } else {
            None
        };
        let Some(value) = value else {
            return Err(MoneyError::RateInvalid {
                input: input.to_string(),
            });
        };
        if value <= Decimal::ZERO {
            return Err(MoneyError::RateNotPositive {
                input: input.to_string(),
            });
        }
        if value.scale() > Rate::DECIMALS_MAX {
            return Err(MoneyError::RateTooPrecise {
                input: input.to_string(),
            });
        }
        Ok(Rate(value.normalize()))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A share of a whole, computed from integers: `part / whole`.
///
/// Kept as the two integers so that each display rounds once from the exact ratio
/// (67.957... shows as `68.0%` and travels in JSON as 67.96), never from a rounded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent {
    part: i64,
    whole: i64,
}

impl Percent {
    /// `None` when the whole is zero or negative: no percentage of nothing.
    pub fn of(part: i64, whole: i64) -> Option<Percent> {
        (whole > 0).then_some(Percent { part, whole })
    }

    /// The percentage scaled by 10^decimals, rounded half away from zero.
    pub fn scaled(&self, decimals: u32) -> i64 {
        let factor = 100 * 10_i128.pow(decimals);
        let value = div_round_half_away(
            i128::from(self.part).saturating_mul(factor),
            i128::from(self.whole),
        );
        // Only a part some 10^14 times its whole could go beyond i64: shown as the largest
        // percentage rather than stopping the report.
        i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
    }

    /// The percentage as an exact decimal with `decimals` decimals.
    pub fn to_decimal(&self, decimals: u32) -> Decimal {
        Decimal::new(self.scaled(decimals), decimals)
    }
}

/// One decimal for tables: `68.0%`.
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.to_decimal(1))
    }
}

/// JSON carries percentages as numbers with two decimals: `67.96`.
impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let number = serde_json::Number::from_str(&self.to_decimal(2).to_string())
            .map_err(serde::ser::Error::custom)?;
        number.serialize(serializer)
    }
}

/// Integer division rounding half away from zero. `divisor` must be positive.
pub fn div_round_half_away(dividend: i128, divisor: i128) -> i128 {
    assert!(divisor > 0, "divisor must be positive");
    let quotient = dividend / divisor;
    let remainder = dividend % divisor;
    if remainder.abs() * 2 >= divisor {
        quotient + dividend.signum()
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chf(minor: i64) -> Money {
        Money::from_minor(minor, Currency::CHF)
    }

    #[test]
    fn parses_the_accepted_spellings() {
        let cases = [
            ("311'922.54", 31_192_254),
            ("311922.54", 31_192_254),
            ("311,922.54", 31_192_254),
            ("311’922.54", 31_192_254),
            ("CHF 311'922.54", 31_192_254),
            ("CHF311922.54", 31_192_254),
            ("chf 1.5", 150),
            ("  16584.98 ", 1_658_498),
            ("0", 0),
            ("0.01", 1),
            ("1", 100),
            ("1'000'000", 100_000_000),
            ("-12.30", -1_230),
            ("+5", 500),
            ("999", 99_900),
            ("1000000000000.00", 100_000_000_000_000),
        ];
        for (input, minor) in cases {
            assert_eq!(
                Money::parse(input, Currency::CHF),
                Ok(chf(minor)),
                "input {input:?}"
            );
        }
    }

    /// Builds the expected error from the input it quotes.
    type Expected = fn(String) -> MoneyError;

    #[test]
    fn refuses_bad_amounts_quoting_the_input() {
        let cases: [(&str, Expected); 17] = [
            ("1.234", |input| MoneyError::AmountTooPrecise { input }),
            ("0.001", |input| MoneyError::AmountTooPrecise { input }),
            ("1e5", |input| MoneyError::AmountHasExponent { input }),
            ("1E5", |input| MoneyError::AmountHasExponent { input }),
            ("2.5e-3", |input| MoneyError::AmountHasExponent { input }),
            ("abc", |input| MoneyError::AmountNotANumber { input }),
            ("12abc", |input| MoneyError::AmountNotANumber { input }),
            ("1.", |input| MoneyError::AmountNotANumber { input }),
            (".5", |input| MoneyError::AmountNotANumber { input }),
            ("1.2.3", |input| MoneyError::AmountNotANumber { input }),
            ("NaN", |input| MoneyError::AmountNotANumber { input }),
            ("1,5", |input| MoneyError::AmountAmbiguous { input }),
            ("12,50", |input| MoneyError::AmountAmbiguous { input }),
            ("1'000,000.00", |input| MoneyError::AmountBadGrouping {
                input,
            }),
            ("10'00", |input| MoneyError::AmountBadGrouping { input }),
            ("1000000000000.01", |input| MoneyError::AmountOutOfRange {
                input,
            }),
            ("99999999999999999999", |input| {
                MoneyError::AmountOutOfRange { input }
            }),
        ];
        for (input, expected) in cases {
            let error = Money::parse(input, Currency::CHF).unwrap_err();
            assert_eq!(error, expected(input.to_string()), "input {input:?}");
            assert!(error.to_string().contains(input), "{error} quotes {input}");
        }
        assert_eq!(
            Money::parse("   ", Currency::CHF),
            Err(MoneyError::AmountEmpty)
        );
    }

    #[test]
    fn a_currency_prefix_must_match() {
        assert_eq!(
            Money::parse("USD 5.00", Currency::CHF),
            Err(MoneyError::AmountCurrencyConflict {
                input: "USD 5.00".into(),
                found: Currency::USD,
                expected: Currency::CHF
            })
        );
        assert_eq!(
            Money::parse("USD 5.00", Currency::USD),
            Ok(Money::from_minor(500, Currency::USD))
        );
        assert!(matches!(
            Money::parse("XYZ 5.00", Currency::CHF),
            Err(MoneyError::CurrencyUnknown { .. })
        ));
    }

    #[test]
    fn currencies_are_checked_against_iso_4217() {
        assert_eq!("chf".parse::<Currency>(), Ok(Currency::CHF));
        assert_eq!(" USD ".parse::<Currency>(), Ok(Currency::USD));
        assert_eq!(
            "XYZ".parse::<Currency>(),
            Err(MoneyError::CurrencyUnknown { code: "XYZ".into() })
        );
        assert_eq!(
            "JPY".parse::<Currency>(),
            Err(MoneyError::CurrencyDecimalsUnsupported {
                code: "JPY".into(),
                decimals: 0
            })
        );
        let mut sorted = CURRENCIES_TWO_DECIMALS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, CURRENCIES_TWO_DECIMALS, "binary search needs order");
    }

    #[test]
    fn displays_in_swiss_style() {
        let cases = [
            (31_192_254, "CHF 311'922.54", "311922.54"),
            (0, "CHF 0.00", "0.00"),
            (5, "CHF 0.05", "0.05"),
            (-123_456_789, "CHF -1'234'567.89", "-1234567.89"),
            (100_000, "CHF 1'000.00", "1000.00"),
            (99_999, "CHF 999.99", "999.99"),
        ];
        for (minor, display, plain) in cases {
            assert_eq!(chf(minor).to_string(), display);
            assert_eq!(chf(minor).plain(), plain);
        }
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies() {
        let usd = Money::from_minor(100, Currency::USD);
        assert_eq!(chf(100).checked_add(chf(250)), Ok(chf(350)));
        assert_eq!(chf(100).checked_sub(chf(250)), Ok(chf(-150)));
        assert_eq!(
            chf(100).checked_add(usd),
            Err(MoneyError::CurrencyMismatch {
                left: Currency::CHF,
                right: Currency::USD
            })
        );
        assert_eq!(chf(i64::MAX).checked_add(chf(1)), Err(MoneyError::Overflow));
    }

    #[test]
    fn a_conversion_at_an_implausible_rate_is_refused_and_none_overflows() {
        let usd = |minor| Money::from_minor(minor, Currency::USD);
        let huge: Rate = "1000000000000000000000000000".parse().unwrap();
        assert!(matches!(
            usd(100).convert(huge, Currency::CHF),
            Err(MoneyError::RateImplausible { .. })
        ));
        let tiny: Rate = "0.0000001".parse().unwrap();
        assert!(usd(100).convert(tiny, Currency::CHF).is_err());
        // The edges of the range are accepted, and the largest amounts convert within i64.
        let high: Rate = "10000".parse().unwrap();
        let largest = usd(AMOUNT_MAJOR_MAX * 100);
        assert_eq!(
            largest.convert(high, Currency::CHF).unwrap().minor(),
            AMOUNT_MAJOR_MAX * 100 * 10_000
        );
        assert_eq!(
            usd(i64::MAX).convert(high, Currency::CHF),
            Err(MoneyError::Overflow)
        );
        assert!(usd(1)
            .convert("0.000001".parse().unwrap(), Currency::CHF)
            .is_ok());
        let (low, high) = Rate::plausible_range(Currency::CHF, Currency::USD);
        assert_eq!(
            (low.normalize().to_string(), high.normalize().to_string()),
            ("0.0001".into(), "1000000".into())
        );
    }

    #[test]
    fn a_percentage_too_large_for_i64_is_the_largest_not_a_panic() {
        assert_eq!(Percent::of(i64::MAX, 1).unwrap().scaled(2), i64::MAX);
        assert_eq!(Percent::of(i64::MIN, 1).unwrap().scaled(2), i64::MIN);
    }

    #[test]
    fn conversion_rounds_half_away_from_zero() {
        let rate: Rate = "0.9705".parse().unwrap();
        let cases = [
            (100_000, 97_050), // 1000.00 USD -> 970.50 CHF exactly
            (1, 1),            // 0.009705 -> 0.01
            (-1, -1),          // -0.009705 -> -0.01
            (10, 10),          // 0.09705 -> 0.10
        ];
        for (usd, chf_minor) in cases {
            let converted = Money::from_minor(usd, Currency::USD)
                .convert(rate, Currency::CHF)
                .unwrap();
            assert_eq!(converted, chf(chf_minor), "USD minor {usd}");
        }
        let half: Rate = "0.5".parse().unwrap();
        // 0.01 * 0.5 = 0.005: a midpoint, rounded away from zero (banker's would give 0.00).
        assert_eq!(
            Money::from_minor(1, Currency::USD).convert(half, Currency::CHF),
            Ok(chf(1))
        );
        assert_eq!(
            Money::from_minor(5, Currency::USD).convert(half, Currency::CHF),
            Ok(chf(3))
        );
    }

    #[test]
    fn rates_are_positive_exact_decimals() {
        assert_eq!("0.97".parse::<Rate>().unwrap().to_string(), "0.97");
        assert_eq!("1.000".parse::<Rate>().unwrap().to_string(), "1");
        for bad in ["", "abc", "1e3", "-0.5", "0", "0.000", "1.2.3"] {
            assert!(bad.parse::<Rate>().is_err(), "rate {bad:?}");
        }
        assert!(matches!(
            "0".parse::<Rate>(),
            Err(MoneyError::RateNotPositive { .. })
        ));
        assert!(matches!(
            "0.12345678901".parse::<Rate>(),
            Err(MoneyError::RateTooPrecise { .. })
        ));
    }

    #[test]
    fn percentages_round_once_from_the_exact_ratio() {
        let funded = Percent::of(31_192_254, 45_900_000).unwrap();
        assert_eq!(funded.to_string(), "68.0%");
        assert_eq!(funded.to_decimal(2).to_string(), "67.96");
        assert_eq!(serde_json::to_string(&funded).unwrap(), "67.96");
        // 67.949 shows as 67.9 with one decimal, not 68.0 via 67.95.
        assert_eq!(Percent::of(67_949, 100_000).unwrap().to_string(), "67.9%");
        assert_eq!(
            Percent::of(1, 3).unwrap().to_decimal(2).to_string(),
            "33.33"
        );
        assert_eq!(
            Percent::of(2, 3).unwrap().to_decimal(2).to_string(),
            "66.67"
        );
        assert_eq!(Percent::of(0, 3).unwrap().to_string(), "0.0%");
        assert_eq!(Percent::of(5, 0), None);
    }

    #[test]
    fn integer_division_rounds_half_away_from_zero() {
        assert_eq!(div_round_half_away(5, 2), 3);
        assert_eq!(div_round_half_away(-5, 2), -3);
        assert_eq!(div_round_half_away(4, 3), 1);
        assert_eq!(div_round_half_away(-4, 3), -1);
        assert_eq!(div_round_half_away(0, 7), 0);
    }

    #[test]
    fn json_amounts_are_two_decimal_strings() {
        assert_eq!(serde_json::to_string(&chf(150)).unwrap(), "\"1.50\"");
        assert_eq!(serde_json::to_string(&chf(-7)).unwrap(), "\"-0.07\"");
    }
}
