//! Collecting what is owed: `outstanding`, `statement`, `honour-roll` (the letters are in
//! `letters`).

use clap::Args;

use super::{Context, Outcome};
use crate::ledger::{check_budget_year, PartyCode};

#[derive(Debug, Args)]
pub struct OutstandingArgs {
    /// The budget year; earlier years owed are shown as arrears
    year: i32,
    #[command(flatten)]
    select: super::args::SelectionArgs,
}

#[derive(Debug, Args)]
pub struct StatementArgs {
    /// The party's code
    party: String,
}

#[derive(Debug, Args)]
pub struct HonourRollArgs {
    /// The budget year
    year: i32,
    /// Count a payment on time when it completes within DAYS of the assessment [default:
    /// on or before each assessment's due date]
    #[arg(long, value_name = "DAYS")]
    due_days: Option<u32>,
}

pub fn outstanding(context: &Context, args: OutstandingArgs) -> anyhow::Result<Outcome> {
    let books = context.books()?;
    let selection = args.select.selection(books.currency()?)?;
    context.print(&books.outstanding(args.year, context.as_of, selection)?)?;
    Ok(Outcome::Done)
}

pub fn statement(context: &Context, args: StatementArgs) -> anyhow::Result<Outcome> {
    let code: PartyCode = args.party.parse()?;
    let books = context.books()?;
    context.print(&books.statement(&code, context.as_of)?)?;
    Ok(Outcome::Done)
}

pub fn honour_roll(context: &Context, args: HonourRollArgs) -> anyhow::Result<Outcome> {
    check_budget_year(args.year)?;
    let books = context.books()?;
    context.print(&books.honour_roll(args.year, context.as_of, args.due_days)?)?;
    Ok(Outcome::Done)
}
