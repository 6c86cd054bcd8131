//! Closing a budget year: the rules before it (not closed yet, nothing `verify` finds, the
//! books balance, not before the year's last day), the entries carrying each fund's result
//! into its fund balance, the lock, and what the year leaves to the years after it.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _};
use chrono::NaiveDate;

use super::costs::far_future;
use super::Books;
use crate::domain::accounts;
use crate::domain::fund::fund_balance_account;
use crate::ledger::{
    check_budget_year, EntryId, EntryKind, FundCode, NewEntry, PartyCode, Transfer,
};
use crate::money::Money;
use crate::reports::standing::standings;
use crate::store::Actor;

/// One fund's result carried into its fund balance: per currency, income less expenses
/// (a surplus when positive), and the entry that carried it.
pub struct FundResult {
    pub fund: FundCode,
    pub result_minor: BTreeMap<String, i64>,
    pub entry: EntryId,
}

/// What closing a year did, and what it leaves to the years after it.
pub struct YearClosed {
    pub year: i32,
    pub closed_on: NaiveDate,
    pub results: Vec<FundResult>,
    /// Arrears for the year and earlier per State on its last day, largest first.
    pub arrears: Vec<(PartyCode, i64)>,
    /// Credits held per party on its last day, largest first.
    pub credits: Vec<(PartyCode, i64)>,
}

impl Books {
    /// Closes `year` on `closed_on` (the report date, `--as-of`): refused when the year is closed already, when
    /// `verify` finds anything, when the books do not balance, or before the year's last
    /// day. One entry per fund carries its result into `equity:fund-balance:<fund>`.
    pub fn close_year(
        &mut self,
        actor: Actor,
        year: i32,
        closed_on: NaiveDate,
    ) -> anyhow::Result<YearClosed> {
        check_budget_year(year)?;
        let store = &mut self.store;
        if let Some(closed) = store.closed_year(year)? {
            bail!(
                "budget year {year} is already closed (closed on {} by {})",
                closed.closed_on,
                closed.closed_by
            );
        }
        let summary = store.verify(accounts::conversion().as_str())?;
        if let Some(first) = summary.findings.first() {
            bail!(
                "budget year {year} cannot be closed: `isu-ledger verify` finds {} \
                 (first: {}: {})",
                crate::text::count(summary.findings.len(), "problem", "problems"),
                first.check,
                first.message
            );
        }
        let balance = store.trial_balance(far_future(), None)?;
        let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
        for row in &balance {
            *totals.entry(row.currency.as_str()).or_default() += row.debit_minor - row.credit_minor;
        }
        if let Some((currency, minor)) = totals.iter().find(|(_, minor)| **minor != 0) {
            bail!(
                "budget year {year} cannot be closed: the ledger does not balance in {currency} \
                 (off by {minor} minor units); run `isu-ledger verify`"
            );
        }
        // The day of the close is a date the books keep, held to the range of dates.
        let closed_on = crate::domain::dates::check_date(closed_on).context("--as-of")?;
        let date = NaiveDate::from_ymd_opt(year, 12, 31).expect("the last day of a year exists");
        if closed_on < date {
            bail!("budget year {year} cannot be closed before its last day ({date}); give --as-of");
        }
        let tx = store.begin(actor)?;
        let rows = tx.year_result(year)?;
        let mut by_fund: BTreeMap<FundCode, Vec<Transfer>> = BTreeMap::new();
        for row in &rows {
            let equity = fund_balance_account(&row.fund);
            let amount = Money::from_minor(row.balance.minor().abs(), row.balance.currency());
            // Debit balance (expenses): the fund balance pays it; credit balance (income):
            // the fund balance receives it.
            let transfer = if row.balance.minor() > 0 {
                Transfer::new(equity, row.account.clone(), amount)
            } else {
                Transfer::new(row.account.clone(), equity, amount)
            };
            by_fund.entry(row.fund.clone()).or_default().push(transfer);
        }
        let mut results = Vec::new();
        for (fund, transfers) in by_fund {
            let mut result_minor: BTreeMap<String, i64> = BTreeMap::new();
            for row in rows.iter().filter(|r| r.fund == fund) {
                *result_minor
                    .entry(row.balance.currency().to_string())
                    .or_default() -= row.balance.minor();
            }
            let entry = NewEntry {
                date,
                description: format!("Close of budget year {year}: result carried to fund {fund}"),
                kind: EntryKind::Close,
                budget_year: year,
                fund: fund.clone(),
                party: None,
                reference: Some(format!("close-{year}-{fund}")),
                reverses: None,
                rate: None,
                transfers,
            };
            let entry = tx.record_entry(&entry)?.id();
            results.push(FundResult {
                fund,
                result_minor,
                entry,
            });
        }
        tx.insert_close(year, closed_on)?;
        tx.commit()?;
        let (arrears, credits) = self.carried_forward(year, date)?;
        Ok(YearClosed {
            year,
            closed_on,
            results,
            arrears,
            credits,
        })
    }

    /// The arrears of each State for `year` and earlier, and the credits held, on
    /// `last_day`, each largest first.
    #[allow(clippy::type_complexity)]
    fn carried_forward(
        &self,
        year: i32,
        last_day: NaiveDate,
    ) -> anyhow::Result<(Vec<(PartyCode, i64)>, Vec<(PartyCode, i64)>)> {
        let standings = standings(&self.store.contribution_positions(last_day, year)?);
        let mut owing = Vec::new();
        let mut holding = Vec::new();
        for (party, standing) in &standings {
            let owed: i64 = standing
                .years
                .range(..=year)
                .map(|(_, y)| y.outstanding_minor)
                .sum();
            if owed != 0 {
                owing.push((party.clone(), owed));
            }
            if standing.credit_minor != 0 {
                holding.push((party.clone(), standing.credit_minor));
            }
        }
        for rows in [&mut owing, &mut holding] {
            rows.sort_by(|a: &(PartyCode, i64), b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        Ok((owing, holding))
    }
}
