//! `fund add`, `fund list`, `fund transfer`, `fund opening`.

use clap::Subcommand;

use super::{Context, Outcome};
use crate::app::funds::{FundOpening, FundTransfer};
use crate::app::Recorded;
use crate::domain::fund::Fund;
use crate::ledger::FundCode;

#[derive(Debug, Subcommand)]
pub enum FundCommand {
    /// Declare a fund (e.g. a reserve, or earmarked money)
    Add {
        /// Short code, e.g. ccm-fund
        code: String,
        /// What the fund is for
        #[arg(long)]
        name: String,
        /// The currency the fund is kept in [default: the book currency]
        #[arg(long)]
        currency: Option<String>,
    },
    /// Every fund with what it holds at the bank on --as-of
    List,
    /// Move money from one fund to another (two entries, one in each fund); refused when the
    /// fund the money leaves would go below zero on the transfer's date or a later date
    Transfer {
        /// The fund the money leaves
        from: String,
        /// The fund the money goes to
        to: String,
        /// The amount, e.g. 29'000
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Why: kept in both entries
        #[arg(long)]
        reason: String,
        /// Currency of the amount [default: the currency of the fund it leaves]
        #[arg(long)]
        currency: Option<String>,
        /// Date of the transfer [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Budget year it counts against [default: the year of the date]
        #[arg(long)]
        year: Option<i32>,
        /// A reference; recording the same reference again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
    /// Record what a fund held when the ledger started keeping it (brought forward)
    Opening {
        /// The fund
        fund: String,
        /// The amount held
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Currency of the amount [default: the fund's currency]
        #[arg(long)]
        currency: Option<String>,
        /// The date the balance is brought forward to
        #[arg(long, value_name = "DATE")]
        date: String,
        /// Budget year it counts against [default: the year of the date]
        #[arg(long)]
        year: Option<i32>,
        /// A reference; recording the same reference again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
}

pub fn run(context: &Context, command: FundCommand) -> anyhow::Result<Outcome> {
    match command {
        FundCommand::Add {
            code,
            name,
            currency,
        } => {
            let mut books = context.books()?;
            let currency = match currency {
                Some(code) => code.parse()?,
                None => books.currency()?,
            };
            let fund = Fund::new(&code, &name, currency)?;
            books.add_fund(context.actor.clone(), &fund)?;
            context.say(format!(
                "added fund {} ({}), kept in {}",
                fund.code, fund.name, fund.currency
            ))?;
        }
        FundCommand::List => {
            let books = context.books()?;
            context.print(&books.fund_list(context.as_of)?)?;
        }
        FundCommand::Transfer {
            from,
            to,
            amount,
            reason,
            currency,
            date,
            year,
            reference,
        } => {
            let from: FundCode = from.parse()?;
            let to: FundCode = to.parse()?;
            let date = context.date_or_as_of(date.as_deref())?;
            let mut books = context.books()?;
            let done = books.transfer_between_funds(
                context.actor.clone(),
                &FundTransfer {
                    from: from.clone(),
                    to: to.clone(),
                    amount: &amount,
                    currency: currency.as_deref(),
                    date,
                    year,
                    reason: &reason,
                    reference: reference.as_deref(),
                },
            )?;
            let (ids, amount) = (&done.entries, done.amount);
            match ids[0] {
                Recorded::New(_) => context.say(format!(
                    "recorded entries {} and {}: {amount} from fund {from} to fund {to}, dated {date}",
                    ids[0].id(),
                    ids[1].id()
                ))?,
                Recorded::AlreadyRecorded(id) => context.say(format!(
                    "this transfer is already recorded as entries {id} and {}; nothing written",
                    ids[1].id()
                ))?,
            }
        }
        FundCommand::Opening {
            fund,
            amount,
            currency,
            date,
            year,
            reference,
        } => {
            let fund: FundCode = fund.parse()?;
            let date = crate::domain::parse_date(&date)?;
            let mut books = context.books()?;
            let done = books.fund_opening(
                context.actor.clone(),
                &FundOpening {
                    fund,
                    amount: &amount,
                    currency: currency.as_deref(),
                    date,
                    year,
                    reference: reference.as_deref(),
                },
            )?;
            let (entry, amount) = (&done.entry, done.amount);
            context.say(match done.recorded {
                Recorded::New(id) => {
                    format!(
                        "recorded entry {id}: {}, {amount}, dated {date}",
                        entry.description
                    )
                }
                Recorded::AlreadyRecorded(id) => format!(
                    "this opening balance is already recorded as entry {id}; nothing written"
                ),
            })?;
        }
    }
    Ok(Outcome::Done)
}
