//! `contribution add`, `contribution import`, `reverse`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::anyhow;
use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::app::contributions::{
    ContributionFields, CONTRIBUTION_COLUMNS_OPTIONAL, CONTRIBUTION_COLUMNS_REQUIRED,
};
use crate::app::csv_in::CsvInput;
use crate::app::rates::rate_note;
use crate::app::reversal::ReversalDate;
use crate::app::Recorded;
use crate::domain::contribution::{value_in_book, Contribution};
use crate::ledger::{EntryId, NewEntry};
use crate::money::Currency;

#[derive(Debug, Subcommand)]
pub enum ContributionCommand {
    /// Record one contribution received from a party
    ///
    /// How a payment is applied, whatever order payments were typed in: on its value date
    /// (--date), a payment naming a year (--year) settles that year first, the rest settles
    /// the oldest year owed, and what is left is a credit held for the party, which settles
    /// its later assessments on their own date. A payment naming a year not yet assessed is a
    /// prepayment, held as a credit until the assessment. Payments of one day are applied in
    /// the order of their content (reference, amount), never of their recording. A payment
    /// is voluntary income, settling nothing, with --voluntary, to a fund other than isu, or
    /// from a party that is not a State Party and has nothing assessed or pledged on its
    /// date. When a payment is recorded after one dated later, the party's money is applied
    /// again from its date, and the entries that do so are printed.
    #[command(verbatim_doc_comment)]
    Add {
        /// The party's code (DEU, CHE, ...)
        party: String,
        /// The amount received, e.g. 16'584.98
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Currency of the amount [default: the book currency]
        #[arg(long)]
        currency: Option<String>,
        /// Units of the book currency per unit of the currency, from 0.000001 to 10000 in a
        /// book in CHF [default: the rate in force on the date, see `rate set`]
        #[arg(long)]
        rate: Option<String>,
        /// Date received [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// The budget year the payment names: it settles that year first [default: none, it
        /// settles the oldest year owed by value date]
        #[arg(long)]
        year: Option<i32>,
        /// A voluntary contribution: income for the year, settling nothing the party owes
        /// (a payment to a fund other than isu always is)
        #[arg(long)]
        voluntary: bool,
        /// Bank reference; recording the same reference again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        /// Fund it belongs to
        #[arg(long, default_value = "isu")]
        fund: String,
    },
    /// Import contributions from CSV: date,party,amount,currency,year,ref (optional
    /// columns: fund, rate, voluntary yes/no); all or nothing
    Import {
        /// The CSV file; every row needs a unique ref
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ReverseArgs {
    /// The entry to reverse (its number in `journal`)
    entry: String,
    /// Why: kept with the reversal
    #[arg(long)]
    reason: String,
    /// Date of the reversal [default: the original's date while its year is open, else
    /// --as-of]
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Accept a reversal that takes a fund below zero at its date or later
    #[arg(long)]
    allow_deficit: bool,
}

pub fn run(context: &Context, command: ContributionCommand) -> anyhow::Result<Outcome> {
    match command {
        ContributionCommand::Add {
            party,
            amount,
            currency,
            rate,
            date,
            year,
            reference,
            fund,
            voluntary,
        } => {
            let mut books = context.books()?;
            let book = books.currency()?;
            let contribution = ContributionFields {
                party: &party,
                amount: &amount,
                currency: currency.as_deref(),
                rate: rate.as_deref(),
                date: context.date_or_as_of(date.as_deref())?,
                year,
                reference: reference.as_deref(),
                fund: Some(&fund),
                voluntary,
            }
            .parse(book)?;
            let done = books.record_contribution(context.actor.clone(), contribution)?;
            context.say(format!(
                "{}{}",
                describe(&done.entry, &done.contribution, done.recorded, book),
                rate_note(done.rate_used.as_ref(), book)
            ))?;
            for (id, entry) in done.reapplied {
                context.say(format!(
                    "recorded entry {id}: {}, dated {}",
                    entry.description, entry.date
                ))?;
            }
        }
        ContributionCommand::Import { file } => {
            let started = Instant::now();
            let csv = CsvInput::open(
                &file,
                &CONTRIBUTION_COLUMNS_REQUIRED,
                &CONTRIBUTION_COLUMNS_OPTIONAL,
            )?;
            let mut books = context.books()?;
            let summary = books.import_contributions(context.actor.clone(), csv)?;
            context.say(format!(
                "imported {}: {}, {} recorded ({}), {} already recorded{}; {}",
                file.display(),
                crate::text::count(summary.rows, "row", "rows"),
                crate::text::count(summary.recorded, "contribution", "contributions"),
                summary.recorded_value,
                summary.already_recorded,
                super::import::reapplied_note(summary.reapplied),
                super::pace(summary.rows, started.elapsed()),
            ))?;
        }
    }
    Ok(Outcome::Done)
}

fn describe(
    entry: &NewEntry,
    contribution: &Contribution,
    recorded: Recorded,
    book: Currency,
) -> String {
    let amount = match contribution.rate {
        Some(rate) => format!(
            "{} ({} at {rate})",
            value_in_book(entry, book),
            contribution.amount
        ),
        None => contribution.amount.to_string(),
    };
    match recorded {
        Recorded::New(id) => format!(
            "recorded entry {id}: {}, {amount}, dated {}",
            entry.description, entry.date
        ),
        Recorded::AlreadyRecorded(id) => format!(
            "reference '{}' is already recorded as entry {id} with the same content; nothing written",
            entry.reference.as_deref().unwrap_or_default()
        ),
    }
}

pub fn reverse(context: &Context, args: ReverseArgs) -> anyhow::Result<Outcome> {
    let id: i64 = args
        .entry
        .trim_start_matches('#')
        .parse()
        .map_err(|_| anyhow!("'{}' is not an entry number", args.entry))?;
    let given = args
        .date
        .as_deref()
        .map(|d| context.date_or_as_of(Some(d)))
        .transpose()?;
    let mut books = context.books()?;
    let done = books.reverse_entry(
        context.actor.clone(),
        EntryId(id),
        &args.reason,
        given,
        context.as_of,
        args.allow_deficit,
    )?;
    let why = match done.why {
        ReversalDate::Given => "the date given",
        ReversalDate::Original => "the original's date",
        ReversalDate::AsOf => "--as-of: the original's year is closed",
    };
    context.say(format!(
        "recorded entry {}: {}, dated {} ({why})",
        done.recorded.id(),
        done.reversal.description,
        done.date
    ))?;
    for (id, entry) in done.reapplied {
        context.say(format!(
            "recorded entry {id}: {}, dated {}",
            entry.description, entry.date
        ))?;
    }
    Ok(Outcome::Done)
}
