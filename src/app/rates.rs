//! Rates of exchange: recording, correcting and listing them, and the rate an amount in
//! another currency is booked at.

use chrono::{Datelike, NaiveDate};

use super::Books;
use crate::domain::rate::{check_near_last, in_force, next_effective_on, ExchangeRate, RateError};
use crate::money::{Currency, Rate};
use crate::reports::rates::{rate_list, RateList};
use crate::store::{Actor, BookedAtRate, Tx};

/// The rate to convert an amount in `currency` dated `date`: the one given, else the one in
/// force on the date (returned as well, so that the command can say which it used). The
/// book currency needs none; an amount in another currency with no rate on or before its
/// date is refused.
pub fn rate_for(
    tx: &Tx<'_>,
    currency: Currency,
    given: Option<Rate>,
    date: NaiveDate,
) -> anyhow::Result<(Option<Rate>, Option<ExchangeRate>)> {
    let book = tx.currency()?;
    if currency == book || given.is_some() {
        return Ok((given, None));
    }
    match tx.rate_in_force(currency, date)? {
        Some(found) => Ok((Some(found.rate), Some(found))),
        None => Err(RateError::NoRateInForce {
            currency,
            book,
            date,
        }
        .into()),
    }
}

/// `; at the USD rate of 2017-06-01 (0.969)`, when a recorded rate was used.
pub fn rate_note(used: Option<&ExchangeRate>, book: Currency) -> String {
    used.map_or(String::new(), |r| {
        format!(
            "; at the {} rate in force from {} ({} {book} per {})",
            r.currency, r.effective_on, r.rate, r.currency
        )
    })
}

/// What recording a rate did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateSet {
    Recorded,
    /// The same rate was recorded for that date already; nothing written.
    AlreadyRecorded,
}

/// What correcting a rate did.
pub enum RateCorrection {
    /// The rate of that date is already the one given; nothing written.
    Unchanged,
    Corrected {
        /// The rate recorded in error.
        wrong: Rate,
        /// The day the next rate of the currency takes over, if any.
        until: Option<NaiveDate>,
        /// The entries booked at the wrong rate while it was in force.
        booked: Vec<BookedAtRate>,
    },
}

impl Books {
    /// Records a rate of exchange in its own transaction: refused in a closed year, when
    /// another rate is recorded for its date, or (unless `confirm`) when it is more than ten
    /// times above or below the rate in force before it.
    pub fn set_rate(
        &mut self,
        actor: Actor,
        exchange: &ExchangeRate,
        confirm: bool,
    ) -> anyhow::Result<RateSet> {
        let (currency, rate, date) = (exchange.currency, exchange.rate, exchange.effective_on);
        let tx = self.store.begin(actor)?;
        tx.refuse_closed(date.year(), &format!("a rate dated {date}"))?;
        if let Some(existing) = tx.rate_on(currency, date)? {
            if existing.rate == rate {
                return Ok(RateSet::AlreadyRecorded);
            }
            return Err(RateError::RateExists {
                currency,
                date,
                existing: existing.rate,
            }
            .into());
        }
        let rates = tx.rates(currency)?;
        let last = in_force(&rates, date).or_else(|| rates.first().copied());
        check_near_last(exchange, last.as_ref(), confirm)?;
        tx.insert_rate(exchange)?;
        tx.commit()?;
        Ok(RateSet::Recorded)
    }

    /// Supersedes the rate of a currency and date with `corrected`, keeping the wrong one as
    /// history with `reason` (checked by `correction::reason`), and lists the entries booked
    /// at the wrong rate while it was in force.
    pub fn correct_rate(
        &mut self,
        actor: Actor,
        corrected: &ExchangeRate,
        reason: &str,
    ) -> anyhow::Result<RateCorrection> {
        let (currency, rate, date) = (corrected.currency, corrected.rate, corrected.effective_on);
        let tx = self.store.begin(actor)?;
        let rates = tx.rates(currency)?;
        let Some(wrong) = rates.iter().find(|r| r.effective_on == date).copied() else {
            let dates: Vec<String> = rates.iter().map(|r| r.effective_on.to_string()).collect();
            let known = match dates.len() {
                0 => String::new(),
                1..=6 => format!(" (the rates of {currency} are from {})", dates.join(", ")),
                n => format!(
                    " (there are {n} rates of {currency}, the latest from {}; see `isu-ledger rate list {currency}`)",
                    dates[n - 1]
                ),
            };
            return Err(RateError::NoRateToCorrect {
                currency,
                date,
                known,
            }
            .into());
        };
        tx.refuse_closed(date.year(), &format!("a rate dated {date}"))?;
        if wrong.rate == rate {
            return Ok(RateCorrection::Unchanged);
        }
        let until = next_effective_on(&rates, &wrong);
        let booked = tx.entries_booked_at(currency, wrong.rate, date, until)?;
        tx.insert_rate_correction(corrected, wrong.rate, reason)?;
        tx.commit()?;
        Ok(RateCorrection::Corrected {
            wrong: wrong.rate,
            until,
            booked,
        })
    }

    /// The recorded rates (of one currency or all), with the one in force on `as_of`.
    pub fn rate_list(
        &self,
        currency: Option<Currency>,
        as_of: NaiveDate,
    ) -> anyhow::Result<RateList> {
        let records = self.store.rate_history(currency)?;
        Ok(rate_list(as_of, &records, self.store.currency()?))
    }
}
