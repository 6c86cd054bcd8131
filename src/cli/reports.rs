//! The reporting commands: `status`, `balance`, `accounts`, `verify`.

use clap::Args;

use super::{Context, Outcome};
use crate::app::{ChainMark, VerifyDepth};
use crate::domain::parse_date;
use crate::render::WithChain;

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The budget year
    year: i32,
    /// Also show what changed since this earlier date (e.g. the previous meeting)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A faster check: the file's pages, table by table (quick_check, which neither compares
    /// each index with its table nor looks for pages that belong to nothing), settings and
    /// safeguards, the chain's last link (and the one --against names), the stored totals
    /// in each currency against the transfers
    #[arg(long)]
    quick: bool,
    /// Check that the chain's first COUNT links end at HASH, the chain head printed at the
    /// foot of an earlier `status`, `report` or `verify`: nothing chained before it changed
    #[arg(long, value_name = "COUNT:HASH", value_parser = parse_chain_mark)]
    against: Option<ChainMark>,
}

fn parse_chain_mark(text: &str) -> Result<ChainMark, String> {
    text.parse()
        .map_err(|error: crate::app::ChainMarkError| error.to_string())
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
    let status = books.status_compared(args.year, context.as_of, since)?;
    context.print(&WithChain {
        report: &status,
        chain: &books.chain_head()?,
    })?;
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

pub fn verify(context: &Context, args: VerifyArgs) -> anyhow::Result<Outcome> {
    let books = context.books_to_verify()?;
    let depth = if args.quick {
        VerifyDepth::Quick
    } else {
        VerifyDepth::Full
    };
    let report = books.verify(depth, args.against.as_ref())?;
    context.print(&report)?;
    Ok(if report.ok {
        Outcome::Done
    } else {
        Outcome::Problems
    })
}
