//! The funding status of a year: what `status`, the report and the dashboard show.

use chrono::NaiveDate;

use crate::domain::accounts::CONTRIBUTION_ACCOUNTS;
use crate::domain::party::Party;
use crate::ledger::check_budget_year;
use crate::money::Currency;
use crate::reports::standing::{standings, Standings};
use crate::reports::status::{funding_status, FundingStatus};
use crate::store::{BudgetVersion, SpentRow, Store};

/// What the reports of one year on one date read alike, read once: every party, and each
/// party's standing from the contribution positions of the year and earlier years.
pub struct YearOnDate {
    pub year: i32,
    pub as_of: NaiveDate,
    pub parties: Vec<Party>,
    pub standings: Standings,
    /// The book currency.
    pub currency: Currency,
}

impl YearOnDate {
    /// Reads the parties and the contribution positions of `year` on `as_of`.
    pub fn read(store: &Store, year: i32, as_of: NaiveDate) -> anyhow::Result<Self> {
        check_budget_year(year)?;
        Ok(Self {
            year,
            as_of,
            parties: store.parties()?,
            standings: standings(&store.contribution_positions(as_of, year)?),
            currency: store.currency()?,
        })
    }
}

/// The funding status of `year` on `as_of`, with the year's expenditure.
pub fn funding_status_of(
    store: &Store,
    year: i32,
    as_of: NaiveDate,
) -> anyhow::Result<FundingStatus> {
    funding_status_read(store, &YearOnDate::read(store, year, as_of)?)
}

/// `funding_status_of` from the parties and standings already read.
pub fn funding_status_read(store: &Store, read: &YearOnDate) -> anyhow::Result<FundingStatus> {
    let budget = store.budget_in_force(read.year, read.as_of)?;
    let spent = super::costs::spent_against(store, read.year, read.as_of, budget.as_ref())?;
    funding_status_spent(store, read, budget.as_ref(), &spent)
}

/// `funding_status_read` with the budget in force and what was spent against it already
/// read (the report shows both again in its budget section).
pub fn funding_status_spent(
    store: &Store,
    read: &YearOnDate,
    budget: Option<&BudgetVersion>,
    spent: &[SpentRow],
) -> anyhow::Result<FundingStatus> {
    let (year, as_of) = (read.year, read.as_of);
    let received = store.received(year, as_of, &CONTRIBUTION_ACCOUNTS)?;
    let mut status = funding_status(
        year,
        as_of,
        budget.map(|v| &v.budget),
        &received,
        &read.parties,
        read.currency,
    )?
    .with_collection(&read.standings);
    status.spending = super::costs::spending_of(&status, budget, spent)?;
    Ok(status)
}

/// The funding status of `year`, with the previous year's at the same date a year earlier.
pub fn funding_status_compared(
    store: &Store,
    year: i32,
    as_of: NaiveDate,
) -> anyhow::Result<FundingStatus> {
    with_previous_year(store, funding_status_of(store, year, as_of)?)
}

/// `status` with the previous year's at the same date a year earlier (none before 1991).
pub fn with_previous_year(store: &Store, status: FundingStatus) -> anyhow::Result<FundingStatus> {
    let (year, as_of) = (status.year, status.as_of);
    let year_earlier = as_of
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(as_of);
    if year <= 1990 {
        return Ok(status);
    }
    // Only the previous year's headline figures are shown: its spending is not read.
    let read = YearOnDate::read(store, year - 1, year_earlier)?;
    let budget = store.budget_in_force(read.year, read.as_of)?;
    let previous = funding_status_spent(store, &read, budget.as_ref(), &[])?;
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
