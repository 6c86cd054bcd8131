//! `cost add`, `cost import`: costs against the lines of a year's budget, charged to a fund.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Context, Outcome};
use crate::app::costs::{CostFields, CostRecorded, COST_COLUMNS_OPTIONAL, COST_COLUMNS_REQUIRED};
use crate::app::csv_in::CsvInput;
use crate::app::Recorded;

#[derive(Debug, Subcommand)]
pub enum CostCommand {
    /// Record one cost: booked to the category's expense account, counted against a budget
    /// line, paid from a fund's bank account in the cost's currency
    Add {
        /// staff, travel, communication, translation, printing, office, meetings or other
        category: String,
        /// The amount paid, e.g. 1'160.00
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// The budget line it counts against [default: the category's line, for the isu fund]
        #[arg(long)]
        line: Option<String>,
        /// Currency of the amount [default: the book currency]
        #[arg(long)]
        currency: Option<String>,
        /// Units of the book currency per unit of the currency, from 0.000001 to 10000 in a
        /// book in CHF [default: the rate in force on the date, see `rate set`]
        #[arg(long, allow_negative_numbers = true)]
        rate: Option<String>,
        /// Date paid [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Budget year it counts against [default: the year of the date]
        #[arg(long)]
        year: Option<i32>,
        /// Fund that pays it
        #[arg(long, default_value = "isu")]
        fund: String,
        /// Invoice or payment reference; recording the same reference again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        /// A note kept in the entry's description
        #[arg(long, value_name = "TEXT")]
        memo: Option<String>,
        /// Record it even if the fund would go below zero on its date or a later date
        #[arg(long)]
        allow_deficit: bool,
    },
    /// Import costs from CSV: date,category,amount,ref (optional columns: currency, rate,
    /// year, line, fund, memo); all or nothing
    Import {
        /// The CSV file; every row needs a unique ref
        file: PathBuf,
        /// Record the costs even where a fund would go below zero on their date or later
        #[arg(long)]
        allow_deficit: bool,
    },
}

pub fn run(context: &Context, command: CostCommand) -> anyhow::Result<Outcome> {
    match command {
        CostCommand::Add {
            category,
            amount,
            line,
            currency,
            rate,
            date,
            year,
            fund,
            reference,
            memo,
            allow_deficit,
        } => {
            let fields = CostFields {
                category: &category,
                amount: &amount,
                line: line.as_deref(),
                currency: currency.as_deref(),
                rate: rate.as_deref(),
                date: context.date_or_as_of(date.as_deref())?,
                year,
                fund: Some(&fund),
                reference: reference.as_deref(),
                memo: memo.as_deref(),
            };
            let mut books = context.books()?;
            let done = books.record_cost(context.actor.clone(), &fields, allow_deficit)?;
            context.say(describe(&done))?;
        }
        CostCommand::Import {
            file,
            allow_deficit,
        } => {
            let csv = CsvInput::open(&file, &COST_COLUMNS_REQUIRED, &COST_COLUMNS_OPTIONAL)?;
            let mut books = context.books()?;
            let (recorded, already) =
                books.import_costs(context.actor.clone(), csv, allow_deficit)?;
            context.say(format!(
                "imported {}: {} recorded, {already} already recorded",
                file.display(),
                crate::text::count(recorded, "cost", "costs")
            ))?;
        }
    }
    Ok(Outcome::Done)
}

fn describe(done: &CostRecorded) -> String {
    match done.recorded {
        Recorded::New(id) => format!(
            "recorded entry {id}: {}, {}, dated {}, fund {}, budget year {}",
            done.entry.description,
            done.note,
            done.entry.date,
            done.entry.fund,
            done.entry.budget_year
        ),
        Recorded::AlreadyRecorded(id) => format!(
            "reference '{}' is already recorded as entry {id} with the same content; nothing written",
            done.entry.reference.as_deref().unwrap_or_default()
        ),
    }
}

/// `budget report YEAR`.
pub fn budget_report_command(context: &Context, year: i32) -> anyhow::Result<Outcome> {
    let books = context.books()?;
    context.print(&books.budget_report(year, context.as_of)?)?;
    Ok(Outcome::Done)
}
