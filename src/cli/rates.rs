//! `rate set`, `rate correct`, `rate list`: rates of exchange, and the look-up of the rate in force for an amount in
//! another currency recorded without `--rate`.

use clap::Subcommand;

use super::{Context, Outcome};
use crate::app::rates::{RateCorrection, RateSet};
use crate::domain::correction;
use crate::domain::parse_date;
use crate::domain::rate::ExchangeRate;
use crate::money::{Currency, Rate};

#[derive(Debug, Subcommand)]
pub enum RateCommand {
    /// Record a rate of exchange (units of the book currency per unit of CURRENCY, e.g. the
    /// UN operational rate of the month), in force from --date until the next rate of that
    /// currency
    Set {
        /// The currency, e.g. USD
        currency: String,
        /// Units of the book currency per unit of the currency, e.g. 0.969 (from 0.000001
        /// to 10000 for a book in CHF)
        #[arg(allow_negative_numbers = true)]
        rate: String,
        /// The first day the rate is in force
        #[arg(long, value_name = "DATE")]
        date: String,
        /// Record a rate more than 10 times above or below the rate in force before it
        /// (without it such a rate is taken for a slip and refused)
        #[arg(long)]
        confirm: bool,
    },
    /// Correct a rate recorded in error: the corrected rate is in force from the same date
    /// instead, the wrong one is kept as history (marked superseded in `rate list`), and the
    /// entries booked at the wrong rate while it was in force are listed, to be reversed and
    /// entered again
    Correct {
        /// The currency, e.g. USD
        currency: String,
        /// The right rate, units of the book currency per unit of the currency, e.g. 0.9712
        #[arg(allow_negative_numbers = true)]
        rate: String,
        /// The date of the rate recorded in error (the first day it is in force)
        #[arg(long, value_name = "DATE")]
        date: String,
        /// Why the rate is corrected, e.g. "typo: 0.9172 for 0.9712"
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// The recorded rates, with the one in force on --as-of marked and rates corrected
    /// later marked superseded
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
            confirm,
        } => {
            let currency: Currency = currency.parse()?;
            let rate: Rate = rate.parse()?;
            let date = parse_date(&date)?;
            let mut books = context.books()?;
            let book = books.currency()?;
            let exchange = ExchangeRate::new(currency, rate, date, book)?;
            context.say(
                match books.set_rate(context.actor.clone(), &exchange, confirm)? {
                    RateSet::AlreadyRecorded => {
                        format!("the {currency} rate of {date} is already {rate}; nothing written")
                    }
                    RateSet::Recorded => format!(
                        "recorded rate {currency} {rate} ({book} per {currency}) in force from {date}"
                    ),
                },
            )?;
        }
        RateCommand::Correct {
            currency,
            rate,
            date,
            reason,
        } => correct(context, &currency, &rate, &date, &reason)?,
        RateCommand::List { currency } => {
            let currency: Option<Currency> = currency.as_deref().map(str::parse).transpose()?;
            let books = context.books()?;
            context.print(&books.rate_list(currency, context.as_of)?)?;
        }
    }
    Ok(Outcome::Done)
}

/// `rate correct`: supersedes the rate of a currency and date with a corrected one, and
/// lists the entries booked at the wrong rate while it was in force.
fn correct(
    context: &Context,
    currency: &str,
    rate: &str,
    date: &str,
    reason: &str,
) -> anyhow::Result<()> {
    let currency: Currency = currency.parse()?;
    let rate: Rate = rate.parse()?;
    let date = parse_date(date)?;
    let mut books = context.books()?;
    let book = books.currency()?;
    let corrected = ExchangeRate::new(currency, rate, date, book)?;
    let reason = correction::reason(reason)?;
    let (wrong, until, booked) =
        match books.correct_rate(context.actor.clone(), &corrected, &reason)? {
            RateCorrection::Unchanged => {
                context.say(format!(
                    "the {currency} rate of {date} is already {rate}; nothing written"
                ))?;
                return Ok(());
            }
            RateCorrection::Corrected {
                wrong,
                until,
                booked,
            } => (wrong, until, booked),
        };
    let period = match until {
        Some(next) => format!(
            "from {date} to {}",
            next.pred_opt().expect("a date after the first")
        ),
        None => format!("from {date} on"),
    };
    let mut message = format!(
        "corrected the {currency} rate in force from {date}: {rate} ({book} per {currency}) \
         instead of {}, recorded in error ({reason}); the wrong rate is kept as history",
        wrong
    );
    if booked.is_empty() {
        message.push_str(&format!("\nno entry was booked at {} {period}", wrong));
    } else {
        message.push_str(&format!(
            "\n{} booked at {} {period}; reverse each (`isu-ledger reverse ENTRY --reason TEXT`) \
             and enter it again at the corrected rate:",
            match booked.len() {
                1 => "1 entry was".to_string(),
                n => format!("{n} entries were"),
            },
            wrong
        ));
        for entry in &booked {
            let reference = entry
                .reference
                .as_ref()
                .map_or(String::new(), |r| format!(", ref {r}"));
            message.push_str(&format!(
                "\n  entry {} dated {}: {}, {}{reference}",
                entry.entry, entry.date, entry.description, entry.amount
            ));
        }
    }
    context.say(message)?;
    Ok(())
}
