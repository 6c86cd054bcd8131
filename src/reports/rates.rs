//! `rate list`: the recorded rates of exchange, with the one in force on `as_of` marked and
//! the rates superseded by a correction kept beside their correction.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::rate::{in_force, ExchangeRate, RecordedRate};
use crate::money::{Currency, Rate};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateRow {
    pub currency: Currency,
    pub effective_on: NaiveDate,
    /// Units of the book currency per unit of `currency`, as recorded.
    #[serde(serialize_with = "rate_text")]
    pub rate: Rate,
    /// Whether this is the rate in force on `as_of`.
    pub in_force: bool,
    /// Whether a correction for the same date replaced it (it was recorded in error).
    pub superseded: bool,
    /// Why this rate corrects an earlier one of the same date; `None` for a first record.
    pub correction_reason: Option<String>,
    /// When it was recorded (UTC).
    pub recorded_at: String,
}

/// Rates travel as exact decimal strings, as they are stored.
fn rate_text<S: serde::Serializer>(rate: &Rate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rate.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateList {
    pub as_of: NaiveDate,
    /// The book currency: each rate is so many of it per unit of another currency.
    pub book_currency: Currency,
    pub rates: Vec<RateRow>,
}

/// `records` are sorted by currency, date, then order of recording, with the superseded
/// ones marked; only the others can be in force.
pub fn rate_list(as_of: NaiveDate, records: &[RecordedRate], book: Currency) -> RateList {
    RateList {
        as_of,
        book_currency: book,
        rates: records
            .iter()
            .map(|record| {
                let rate = record.rate;
                let same: Vec<ExchangeRate> = records
                    .iter()
                    .filter(|r| r.rate.currency == rate.currency && !r.superseded)
                    .map(|r| r.rate)
                    .collect();
                RateRow {
                    currency: rate.currency,
                    effective_on: rate.effective_on,
                    rate: rate.rate,
                    in_force: !record.superseded && in_force(&same, as_of) == Some(rate),
                    superseded: record.superseded,
                    correction_reason: record.reason.clone(),
                    recorded_at: record.recorded_at.clone(),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rate::mark_superseded;

    fn record(m: u32, rate: &str, reason: Option<&str>) -> RecordedRate {
        let day = NaiveDate::from_ymd_opt(2017, m, 1).unwrap();
        RecordedRate {
            rate: ExchangeRate::new(Currency::USD, rate.parse().unwrap(), day, Currency::CHF)
                .unwrap(),
            reason: reason.map(str::to_string),
            recorded_at: "2017-07-01T00:00:00Z".into(),
            recorded_by: "test".into(),
            superseded: false,
        }
    }

    #[test]
    fn the_rate_in_force_is_marked() {
        let day = |m| NaiveDate::from_ymd_opt(2017, m, 1).unwrap();
        let rates = [record(3, "0.997", None), record(6, "0.969", None)];
        let list = rate_list(day(5), &rates, Currency::CHF);
        assert!(list.rates[0].in_force);
        assert!(!list.rates[1].in_force);
        assert!(!rate_list(day(2), &rates, Currency::CHF)
            .rates
            .iter()
            .any(|r| r.in_force));
    }

    #[test]
    fn a_superseded_rate_is_listed_but_never_in_force() {
        let day = |m| NaiveDate::from_ymd_opt(2017, m, 1).unwrap();
        let mut records = [
            record(3, "0.997", None),
            record(6, "0.9172", None),
            record(6, "0.9712", Some("typo")),
        ];
        mark_superseded(&mut records);
        let list = rate_list(day(7), &records, Currency::CHF);
        let marks: Vec<(bool, bool)> = list
            .rates
            .iter()
            .map(|r| (r.superseded, r.in_force))
            .collect();
        assert_eq!(marks, [(false, false), (true, false), (false, true)]);
        assert_eq!(list.rates[2].correction_reason.as_deref(), Some("typo"));
    }
}
