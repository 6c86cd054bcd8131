//! Rates of exchange: units of the book currency per unit of another currency, in force from a date until the
//! next rate of the same currency (the UN operational rates of exchange are set monthly).

use chrono::NaiveDate;

use crate::money::{Currency, Rate};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("the books are kept in {book}: a rate for {book} is always 1")]
    RateForBook { book: Currency },
    #[error(
        "an amount in {currency} needs --rate ({book} per {currency}) or a recorded rate, and \
         no rate of {currency} is recorded on or before {date}: record one with \
         `isu-ledger rate set {currency} RATE --date DATE`"
    )]
    NoRateInForce {
        currency: Currency,
        book: Currency,
        date: NaiveDate,
    },
    #[error(
        "a rate of {currency} for {date} is already recorded ({existing}); rates are kept as \
         history and not changed: if it was recorded in error, correct it with \
         `isu-ledger rate correct {currency} RATE --date {date} --reason TEXT`"
    )]
    RateExists {
        currency: Currency,
        date: NaiveDate,
        existing: Rate,
    },
    #[error(
        "no rate of {currency} is recorded for {date}, so there is none to correct{known}; \
         record a new rate with `isu-ledger rate set {currency} RATE --date {date}`"
    )]
    NoRateToCorrect {
        currency: Currency,
        date: NaiveDate,
        /// ` (the rates of USD are from 2017-05-01, 2017-06-01)`, or empty.
        known: String,
    },
    #[error(transparent)]
    Implausible(#[from] crate::money::MoneyError),
    #[error(
        "rate {rate} of {currency} is more than 10 times away from the last one recorded \
         ({last}, in force from {last_on}); if it is right, give --confirm"
    )]
    FarFromLast {
        currency: Currency,
        rate: Rate,
        last: Rate,
        last_on: NaiveDate,
    },
}

/// One rate as recorded: the first `rate set` of a currency and date, or a later correction
/// of it. The last record of a currency and date is the rate in force from that date; the
/// earlier ones are superseded, kept as history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRate {
    pub rate: ExchangeRate,
    /// Why it was corrected; `None` for the rate first recorded.
    pub reason: Option<String>,
    /// When and by whom it was recorded.
    pub recorded_at: String,
    pub recorded_by: String,
    /// Whether a later correction replaced it.
    pub superseded: bool,
}

/// Marks as superseded every record followed by another of the same currency and date.
/// `records` are sorted by currency, date, then order of recording.
pub fn mark_superseded(records: &mut [RecordedRate]) {
    for index in 0..records.len() {
        let next = records
            .get(index + 1)
            .map(|r| (r.rate.currency, r.rate.effective_on));
        records[index].superseded = next
            == Some((
                records[index].rate.currency,
                records[index].rate.effective_on,
            ));
    }
}

/// The day after which a rate stops being in force: the effective date of the next rate of
/// the same currency among `rates`, if any.
pub fn next_effective_on(rates: &[ExchangeRate], rate: &ExchangeRate) -> Option<NaiveDate> {
    rates
        .iter()
        .filter(|r| r.currency == rate.currency && r.effective_on > rate.effective_on)
        .map(|r| r.effective_on)
        .min()
}

/// A recorded rate of exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExchangeRate {
    pub currency: Currency,
    pub effective_on: NaiveDate,
    /// Units of the book currency per unit of `currency`.
    pub rate: Rate,
}

impl ExchangeRate {
    /// A rate of `currency` in the book currency `book`.
    pub fn new(
        currency: Currency,
        rate: Rate,
        effective_on: NaiveDate,
        book: Currency,
    ) -> Result<ExchangeRate, RateError> {
        if currency == book {
            return Err(RateError::RateForBook { book });
        }
        rate.check_plausible(currency, book)?;
        Ok(ExchangeRate {
            currency,
            effective_on,
            rate,
        })
    }
}

/// Refuses a new rate more than ten times above or below `last`, the latest rate of the same
/// currency recorded before it, unless `confirmed`: rates of exchange do not move so far
/// between two months, a misplaced decimal point does.
pub fn check_near_last(
    new: &ExchangeRate,
    last: Option<&ExchangeRate>,
    confirmed: bool,
) -> Result<(), RateError> {
    let Some(last) = last else {
        return Ok(());
    };
    let (rate, before) = (new.rate.value(), last.rate.value());
    let ten = rust_decimal::Decimal::TEN;
    let far = before.checked_mul(ten).is_some_and(|above| rate > above)
        || rate.checked_mul(ten).is_some_and(|scaled| scaled < before);
    if far && !confirmed {
        return Err(RateError::FarFromLast {
            currency: new.currency,
            rate: new.rate,
            last: last.rate,
            last_on: last.effective_on,
        });
    }
    Ok(())
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

    /// A rate of `currency` in a book kept in CHF.
    fn rate_of(currency: Currency, rate: &str, on: NaiveDate) -> ExchangeRate {
        ExchangeRate::new(currency, rate.parse().unwrap(), on, Currency::CHF).unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, m, d).unwrap()
    }

    #[test]
    fn a_rate_ten_times_away_from_the_last_needs_confirmation() {
        let rate = |text: &str| {
            ExchangeRate::new(
                Currency::USD,
                text.parse().unwrap(),
                day(6, 1),
                Currency::CHF,
            )
        };
        let last = rate("0.97").unwrap();
        for (new, far) in [
            ("9.7", false),
            ("9.71", true),
            ("0.097", false),
            ("0.0969", true),
        ] {
            let new = rate(new).unwrap();
            assert_eq!(
                check_near_last(&new, Some(&last), false).is_err(),
                far,
                "{}",
                new.rate
            );
            assert!(check_near_last(&new, Some(&last), true).is_ok());
        }
        assert!(check_near_last(&rate("1000").unwrap(), None, false).is_ok());
        assert!(matches!(
            rate("1000000000000000000000000000"),
            Err(RateError::Implausible(_))
        ));
    }

    #[test]
    fn the_latest_rate_on_or_before_the_date_is_in_force() {
        let rates = [
            rate_of(Currency::USD, "0.99", day(5, 1)),
            rate_of(Currency::USD, "0.97", day(6, 1)),
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

    fn recorded(m: u32, rate: &str, reason: Option<&str>) -> RecordedRate {
        RecordedRate {
            rate: ExchangeRate::new(
                Currency::USD,
                rate.parse().unwrap(),
                day(m, 1),
                Currency::CHF,
            )
            .unwrap(),
            reason: reason.map(str::to_string),
            recorded_at: "2017-07-01T00:00:00Z".into(),
            recorded_by: "test".into(),
            superseded: false,
        }
    }

    #[test]
    fn a_corrected_rate_supersedes_the_earlier_records_of_its_date_only() {
        let mut records = [
            recorded(5, "0.99", None),
            recorded(6, "0.9172", None),
            recorded(6, "0.9721", Some("typo")),
            recorded(6, "0.9712", Some("typo again")),
            recorded(7, "0.98", None),
        ];
        mark_superseded(&mut records);
        let superseded: Vec<bool> = records.iter().map(|r| r.superseded).collect();
        assert_eq!(superseded, [false, true, true, false, false]);
    }

    #[test]
    fn a_rate_is_in_force_until_the_next_rate_of_its_currency() {
        let rates = [
            rate_of(Currency::USD, "0.99", day(5, 1)),
            rate_of(Currency::USD, "0.97", day(6, 1)),
            rate_of("EUR".parse().unwrap(), "1.07", day(5, 15)),
        ];
        assert_eq!(next_effective_on(&rates, &rates[0]), Some(day(6, 1)));
        assert_eq!(next_effective_on(&rates, &rates[1]), None);
        assert_eq!(next_effective_on(&rates, &rates[2]), None);
    }

    #[test]
    fn the_book_currency_has_no_rate() {
        assert_eq!(
            ExchangeRate::new(
                Currency::CHF,
                "1".parse().unwrap(),
                day(1, 1),
                Currency::CHF
            ),
            Err(RateError::RateForBook {
                book: Currency::CHF
            })
        );
        // In a book kept in USD, francs have a rate and dollars none.
        assert!(ExchangeRate::new(
            Currency::CHF,
            "1.03".parse().unwrap(),
            day(1, 1),
            Currency::USD
        )
        .is_ok());
        assert_eq!(
            ExchangeRate::new(
                Currency::USD,
                "1".parse().unwrap(),
                day(1, 1),
                Currency::USD
            ),
            Err(RateError::RateForBook {
                book: Currency::USD
            })
        );
    }
}
