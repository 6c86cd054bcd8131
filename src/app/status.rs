//! The funding status of a year: what `status`, the report and the dashboard show.

use chrono::NaiveDate;

use crate::domain::accounts::CONTRIBUTION_ACCOUNTS;
use crate::ledger::check_budget_year;
use crate::reports::standing::standings;
use crate::reports::status::{funding_status, FundingStatus};
use crate::store::Store;

/// The funding status of `year` on `as_of`, with the year's expenditure.
pub fn funding_status_of(
    store: &Store,
    year: i32,
    as_of: NaiveDate,
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
    as_of: NaiveDate,
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

/// `funding_status_compared`, and with `since` what changed since that earlier date, which
/// must come before `as_of`.
pub fn status_compared_since(
    store: &Store,
    year: i32,
    as_of: NaiveDate,
    since: Option<NaiveDate>,
) -> anyhow::Result<FundingStatus> {
    if let Some(since) = since {
        if since >= as_of {
            anyhow::bail!("--since {since} must be before the report date {as_of}");
        }
    }
    let mut status = funding_status_compared(store, year, as_of)?;
    if let Some(since) = since {
        status = status.with_change_since(&funding_status_of(store, year, since)?)?;
    }
    Ok(status)
}
