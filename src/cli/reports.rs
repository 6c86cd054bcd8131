//! The reporting commands: `status`, `balance`, `accounts`, `verify`.

use clap::Args;

use super::{Context, Outcome};
use crate::domain::parse_date;

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The budget year
    year: i32,
    /// Also show what changed since this earlier date (e.g. the previous meeting)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
}

#[derive(Debug, Args)]
pub struct BalanceArgs {
    /// Only entries counting against this budget year
    #[arg(long)]
    year: Option<i32>,
}

pub fn status(context: &Context, args: StatusArgs) -> anyhow::Result<Outcome> {
    let since = args.since.as_deref().map(parse_date).transpose()?;
    let books = context.books()?;
    context.print(&books.status_compared(args.year, context.as_of, since)?)?;
    Ok(Outcome::Done)
}

pub fn balance(context: &Context, args: BalanceArgs) -> anyhow::Result<Outcome> {
    let books = context.books()?;
    context.print(&books.balance(context.as_of, args.year)?)?;
    Ok(Outcome::Done)
}

pub fn accounts(context: &Context) -> anyhow::Result<Outcome> {
    let books = context.books()?;
    context.print(&books.account_list()?)?;
    Ok(Outcome::Done)
}

pub fn verify(context: &Context) -> anyhow::Result<Outcome> {
    let books = context.books_to_verify()?;
    let report = books.verify()?;
    context.print(&report)?;
    Ok(if report.ok {
        Outcome::Done
    } else {
        Outcome::Problems
    })
}
