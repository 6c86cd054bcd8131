//! The reporting commands: `status`, `balance`, `journal`, `accounts`, `verify`.

use anyhow::bail;
use clap::Args;

use super::{Context, Outcome};
use crate::domain::accounts::{self, CONTRIBUTION_ACCOUNTS};
use crate::domain::parse_date;
use crate::ledger::{check_budget_year, PartyCode};
use crate::reports::accounts::account_list;
use crate::reports::balance::trial_balance;
use crate::reports::journal::journal as journal_report;
use crate::reports::standing::standings;
use crate::reports::status::{funding_status, FundingStatus};
use crate::reports::verify::verify_report;
use crate::store::{JournalFilter, Store};

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

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// Only entries of this party
    #[arg(long)]
    party: Option<String>,
    /// Only entries counting against this budget year
    #[arg(long)]
    year: Option<i32>,
}

/// The funding status of `year` on the context's date.
pub fn funding_status_of(
    store: &Store,
    year: i32,
    as_of: chrono::NaiveDate,
) -> anyhow::Result<FundingStatus> {
    check_budget_year(year)?;
    let budget = store.budget_in_force(year, as_of)?;
    let received = store.received(year, as_of, &CONTRIBUTION_ACCOUNTS)?;
    let parties = store.parties()?;
    let standings = standings(&store.contribution_positions(as_of, year)?);
    let mut status = funding_status(
        year,
        as_of,
        budget.as_ref().map(|v| &v.budget),
        &received,
        &parties,
    )?
    .with_collection(&standings);
    status.spending = super::costs::spending_of(store, &status, budget.as_ref())?;
    Ok(status)
}

/// The funding status of `year`, with the previous year's at the same date a year earlier.
pub fn funding_status_compared(
    store: &Store,
    year: i32,
    as_of: chrono::NaiveDate,
) -> anyhow::Result<FundingStatus> {
    let status = funding_status_of(store, year, as_of)?;
    let year_earlier = as_of
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(as_of);
    if year <= 1990 {
        return Ok(status);
    }
    let previous = funding_status_of(store, year - 1, year_earlier)?;
    Ok(status.with_previous_year(&previous))
}

pub fn status(context: &Context, args: StatusArgs) -> anyhow::Result<Outcome> {
    let since = args.since.as_deref().map(parse_date).transpose()?;
    if let Some(since) = since {
        if since >= context.as_of {
            bail!(
                "--since {since} must be before the report date {}",
                context.as_of
            );
        }
    }
    let store = context.open()?;
    let mut status = funding_status_compared(&store, args.year, context.as_of)?;
    if let Some(since) = since {
        status = status.with_change_since(&funding_status_of(&store, args.year, since)?)?;
    }
    context.print(&status)?;
    Ok(Outcome::Done)
}

pub fn balance(context: &Context, args: BalanceArgs) -> anyhow::Result<Outcome> {
    if let Some(year) = args.year {
        check_budget_year(year)?;
    }
    let store = context.open()?;
    let rows = store.trial_balance(context.as_of, args.year)?;
    context.print(&trial_balance(context.as_of, args.year, &rows))?;
    Ok(Outcome::Done)
}

pub fn journal(context: &Context, args: JournalArgs) -> anyhow::Result<Outcome> {
    let party: Option<PartyCode> = args.party.as_deref().map(str::parse).transpose()?;
    if let Some(year) = args.year {
        check_budget_year(year)?;
    }
    let store = context.open()?;
    if let Some(code) = &party {
        if store.party(code)?.is_none() {
            return Err(crate::store::StoreError::PartyNotFound { code: code.clone() }.into());
        }
    }
    let entries = store.journal(&JournalFilter {
        party: party.clone(),
        budget_year: args.year,
        until: Some(context.as_of),
    })?;
    context.print(&journal_report(context.as_of, party, args.year, entries))?;
    Ok(Outcome::Done)
}

pub fn accounts(context: &Context) -> anyhow::Result<Outcome> {
    let store = context.open()?;
    context.print(&account_list(store.accounts()?))?;
    Ok(Outcome::Done)
}

pub fn verify(context: &Context) -> anyhow::Result<Outcome> {
    let store = context.open_to_verify()?;
    let report = verify_report(store.verify(accounts::conversion().as_str())?);
    context.print(&report)?;
    Ok(if report.ok {
        Outcome::Done
    } else {
        Outcome::Problems
    })
}
