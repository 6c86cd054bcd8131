//! Rates of exchange: CHF per unit of another currency, in force from a date until the
//! next rate of the same currency (the UN operational rates of exchange are set monthly).

use chrono::NaiveDate;

use crate::money::{Currency, Rate};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("the books are kept in CHF: a rate for CHF is always 1")]
    RateForChf,
    #[error(
        "an amount in {currency} needs --rate (CHF per {currency}) or a recorded rate, and no \
         rate of {currency} is recorded on or before {date}: record one with \
         `isu-ledger rate set {currency} RATE --date DATE`"
    )]
    NoRateInForce { currency: Currency, date: NaiveDate },
    #[error(
        "a rate of {currency} for {date} is already recorded ({existing}); rates are kept as \
         history and not changed"
    )]
    RateExists {
        currency: Currency,
        date: NaiveDate,
        existing: Rate,
    },
}

/// A recorded rate of exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExchangeRate {
    pub currency: Currency,
    pub effective_on: NaiveDate,
    /// CHF per unit of `currency`.
    pub rate: Rate,
}

impl ExchangeRate {
    pub fn new(
        currency: Currency,
        rate: Rate,
        effective_on: NaiveDate,
    ) -> Result<ExchangeRate, RateError> {
        if currency == Currency::CHF {
            return Err(RateError::RateForChf);
        }
        Ok(ExchangeRate {
            currency,
            effective_on,
            rate,
        })
    }
}

/// The rate in force on `date` among `rates` of one currency: the latest effective on or
/// before it.
pub fn in_force(rates: &[ExchangeRate], date: NaiveDate) -> Option<ExchangeRate> {
    rates
        .iter()
        .filter(|r| r.effective_on <= date)
        .max_by_key(|r| r.effective_on)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, m, d).unwrap()
    }

    #[test]
    fn the_latest_rate_on_or_before_the_date_is_in_force() {
        let rates = [
            ExchangeRate::new(Currency::USD, "0.99".parse().unwrap(), day(5, 1)).unwrap(),
            ExchangeRate::new(Currency::USD, "0.97".parse().unwrap(), day(6, 1)).unwrap(),
        ];
        assert_eq!(in_force(&rates, day(4, 30)), None);
        assert_eq!(
            in_force(&rates, day(5, 31)).unwrap().rate.to_string(),
            "0.99"
        );
        assert_eq!(
            in_force(&rates, day(6, 1)).unwrap().rate.to_string(),
            "0.97"
        );
        assert_eq!(
            in_force(&rates, day(12, 1)).unwrap().effective_on,
            day(6, 1)
        );
    }

    #[test]
    fn chf_has_no_rate() {
        assert_eq!(
            ExchangeRate::new(Currency::CHF, "1".parse().unwrap(), day(1, 1)),
            Err(RateError::RateForChf)
        );
    }
}
