//! Corrections of what a party holds or owes: `credit refund`, `credit apply` and
//! `write-off`. Each is a dated fact of the party; the rule of `domain::position` refuses one
//! that would take more than the party holds or owes on its date.

use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::app::credits::{positive_amount, Corrected, Correction};
use crate::app::Books;
use crate::ledger::{check_budget_year, PartyCode};

#[derive(Debug, Subcommand)]
pub enum CreditCommand {
    /// Pay back to a party (part of) the credit it holds
    Refund {
        /// The party's code
        party: String,
        /// The amount paid back (in the book currency), at most the credit held on the date
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Date of the refund [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Bank reference of the refund; recording it again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        /// Why (kept with the entry)
        #[arg(long)]
        reason: String,
    },
    /// Apply (part of) a party's credit to what it owes for a named year
    Apply {
        /// The party's code
        party: String,
        /// The amount applied (in the book currency), at most the credit held and what is
        /// owed for the year
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// The budget year it settles
        #[arg(long)]
        year: i32,
        /// Date of the application [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct WriteOffArgs {
    /// The party's code
    party: String,
    /// The amount written off (in the book currency), at most what is owed for the year on
    /// the date
    #[arg(allow_negative_numbers = true)]
    amount: String,
    /// The budget year whose arrears are written off
    #[arg(long)]
    year: i32,
    /// The decision of the Meeting of States Parties (e.g. CCM/MSP/2025/5, para. 12)
    #[arg(long)]
    decision: String,
    /// Date of the write-off [default: --as-of]
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
}

/// Records a correction and says what was recorded.
fn record(context: &Context, books: &mut Books, correction: Correction) -> anyhow::Result<Outcome> {
    context.say(
        match books.record_correction(context.actor.clone(), correction)? {
            Corrected::AlreadyRecorded(id) => {
                format!("already recorded as entry {id} with the same content; nothing written")
            }
            Corrected::Recorded {
                id,
                description,
                amount,
                date,
            } => format!("recorded entry {id}: {description}, {amount}, dated {date}"),
        },
    )?;
    Ok(Outcome::Done)
}

pub fn credit(context: &Context, command: CreditCommand) -> anyhow::Result<Outcome> {
    match command {
        CreditCommand::Refund {
            party,
            amount,
            date,
            reference,
            reason,
        } => {
            let party: PartyCode = party.parse()?;
            let mut books = context.books()?;
            let amount = positive_amount(&amount, books.currency()?)?;
            let date = context.date_or_as_of(date.as_deref())?;
            let correction = Correction::refund(party, amount, date, reference, &reason)?;
            record(context, &mut books, correction)
        }
        CreditCommand::Apply {
            party,
            amount,
            year,
            date,
        } => {
            check_budget_year(year)?;
            let party: PartyCode = party.parse()?;
            let mut books = context.books()?;
            let amount = positive_amount(&amount, books.currency()?)?;
            let date = context.date_or_as_of(date.as_deref())?;
            record(
                context,
                &mut books,
                Correction::credit_application(party, amount, year, date),
            )
        }
    }
}

pub fn write_off(context: &Context, args: WriteOffArgs) -> anyhow::Result<Outcome> {
    check_budget_year(args.year)?;
    let party: PartyCode = args.party.parse()?;
    let mut books = context.books()?;
    let amount = positive_amount(&args.amount, books.currency()?)?;
    let date = context.date_or_as_of(args.date.as_deref())?;
    let correction = Correction::write_off(party, amount, args.year, date, &args.decision)?;
    record(context, &mut books, correction)
}
