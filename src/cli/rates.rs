//! `rate set`: rates of exchange, and the look-up of the rate in force for an amount in
//! another currency recorded without `--rate`.

use chrono::{Datelike, NaiveDate};
use clap::Subcommand;

use super::{Context, Outcome};
use crate::domain::parse_date;
use crate::domain::rate::{ExchangeRate, RateError};
use crate::money::{Currency, Rate};
use crate::store::Tx;

#[derive(Debug, Subcommand)]
pub enum RateCommand {
    /// Record a rate of exchange (CHF per unit of CURRENCY, e.g. the UN operational rate of
    /// the month), in force from --date until the next rate of that currency
    Set {
        /// The currency, e.g. USD
        currency: String,
        /// CHF per unit of the currency, e.g. 0.969
        #[arg(allow_negative_numbers = true)]
        rate: String,
        /// The first day the rate is in force
        #[arg(long, value_name = "DATE")]
        date: String,
    },
    /// The recorded rates, with the one in force on --as-of marked
    List {
        /// Only this currency
        currency: Option<String>,
    },
}

pub fn run(context: &Context, command: RateCommand) -> anyhow::Result<Outcome> {
    match command {
        RateCommand::Set {
            currency,
            rate,
            date,
        } => {
            let currency: Currency = currency.parse()?;
            let rate: Rate = rate.parse()?;
            let date = parse_date(&date)?;
            let exchange = ExchangeRate::new(currency, rate, date)?;
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            tx.refuse_closed(date.year(), &format!("a rate dated {date}"))?;
            if let Some(existing) = tx.rate_on(currency, date)? {
                if existing.rate == rate {
                    context.say(format!(
                        "the {currency} rate of {date} is already {rate}; nothing written"
                    ))?;
                    return Ok(Outcome::Done);
                }
                return Err(RateError::RateExists {
                    currency,
                    date,
                    existing: existing.rate,
                }
                .into());
            }
            tx.insert_rate(&exchange)?;
            tx.commit()?;
            context.say(format!(
                "recorded rate {currency} {rate} (CHF per {currency}) in force from {date}"
            ))?;
        }
        RateCommand::List { currency } => {
            let currency: Option<Currency> = currency.as_deref().map(str::parse).transpose()?;
            let store = context.open()?;
            let rates = match currency {
                Some(currency) => store.rates(currency)?,
                None => store.all_rates()?,
            };
            context.print(&crate::reports::rates::rate_list(context.as_of, &rates))?;
        }
    }
    Ok(Outcome::Done)
}

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
