//! The rate of exchange an amount in another currency is booked at.

use chrono::NaiveDate;

use crate::domain::rate::{ExchangeRate, RateError};
use crate::money::{Currency, Rate};
use crate::store::Tx;

/// The rate to convert an amount in `currency` dated `date`: the one given, else the one in
/// force on the date (returned as well, so that the command can say which it used). CHF
/// needs none; an amount in another currency with no rate on or before its date is refused.
pub fn rate_for(
    tx: &Tx<'_>,
    currency: Currency,
    given: Option<Rate>,
    date: NaiveDate,
) -> anyhow::Result<(Option<Rate>, Option<ExchangeRate>)> {
    if currency == Currency::CHF || given.is_some() {
        return Ok((given, None));
    }
    match tx.rate_in_force(currency, date)? {
        Some(found) => Ok((Some(found.rate), Some(found))),
        None => Err(RateError::NoRateInForce { currency, date }.into()),
    }
}

/// `; at the USD rate of 2017-06-01 (0.969)`, when a recorded rate was used.
pub fn rate_note(used: Option<&ExchangeRate>) -> String {
    used.map_or(String::new(), |r| {
        format!(
            "; at the {} rate in force from {} ({} CHF per {})",
            r.currency, r.effective_on, r.rate, r.currency
        )
    })
}
