//! `rate list`: the recorded rates of exchange, with the one in force on `as_of` marked.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::rate::{in_force, ExchangeRate};
use crate::money::{Currency, Rate};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateRow {
    pub currency: Currency,
    pub effective_on: NaiveDate,
    /// CHF per unit of `currency`, as recorded.
    #[serde(serialize_with = "rate_text")]
    pub rate: Rate,
    /// Whether this is the rate in force on `as_of`.
    pub in_force: bool,
}

/// Rates travel as exact decimal strings, as they are stored.
fn rate_text<S: serde::Serializer>(rate: &Rate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rate.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateList {
    pub as_of: NaiveDate,
    pub rates: Vec<RateRow>,
}

/// `rates` are sorted by currency, then date.
pub fn rate_list(as_of: NaiveDate, rates: &[ExchangeRate]) -> RateList {
    RateList {
        as_of,
        rates: rates
            .iter()
            .map(|rate| {
                let same: Vec<ExchangeRate> = rates
                    .iter()
                    .filter(|r| r.currency == rate.currency)
                    .copied()
                    .collect();
                RateRow {
                    currency: rate.currency,
                    effective_on: rate.effective_on,
                    rate: rate.rate,
                    in_force: in_force(&same, as_of) == Some(*rate),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_in_force_is_marked() {
        let day = |m| NaiveDate::from_ymd_opt(2017, m, 1).unwrap();
        let rates = [
            ExchangeRate::new(Currency::USD, "0.997".parse().unwrap(), day(3)).unwrap(),
            ExchangeRate::new(Currency::USD, "0.969".parse().unwrap(), day(6)).unwrap(),
        ];
        let list = rate_list(day(5), &rates);
        assert!(list.rates[0].in_force);
        assert!(!list.rates[1].in_force);
        assert!(!rate_list(day(2), &rates).rates.iter().any(|r| r.in_force));
    }
}
