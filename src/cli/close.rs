//! `close YEAR`: verifies the ledger, carries each fund's result for the year into its fund
//! balance, and locks the year.

use std::collections::BTreeMap;

use anyhow::bail;
use chrono::NaiveDate;
use clap::Args;

use super::costs::far_future;
use super::{Context, Outcome};
use crate::domain::accounts;
use crate::domain::fund::fund_balance_account;
use crate::ledger::{check_budget_year, EntryKind, FundCode, NewEntry, Transfer};
use crate::money::Money;

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// The budget year to close
    year: i32,
}

pub fn run(context: &Context, args: CloseArgs) -> anyhow::Result<Outcome> {
    let year = args.year;
    check_budget_year(year)?;
    let mut store = context.open()?;
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
            "budget year {year} cannot be closed: `isu-ledger verify` finds {} problems \
             (first: {}: {})",
            summary.findings.len(),
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
    let closed_on = context.as_of;
    let date = NaiveDate::from_ymd_opt(year, 12, 31).expect("the last day of a year exists");
    if closed_on < date {
        bail!("budget year {year} cannot be closed before its last day ({date}); give --as-of");
    }
    let tx = store.begin(context.actor.clone())?;
    let rows = tx.year_result(year)?;
    let mut by_fund: BTreeMap<FundCode, Vec<Transfer>> = BTreeMap::new();
    for row in &rows {
        let equity = fund_balance_account(&row.fund);
        let amount = Money::from_minor(row.balance.minor().abs(), row.balance.currency());
        // Debit balance (expenses): the fund balance pays it; credit balance (income): the
        // fund balance receives it.
        let transfer = if row.balance.minor() > 0 {
            Transfer::new(equity, row.account.clone(), amount)
        } else {
            Transfer::new(row.account.clone(), equity, amount)
        };
        by_fund.entry(row.fund.clone()).or_default().push(transfer);
    }
    let mut results = Vec::new();
    for (fund, transfers) in by_fund {
        let mut result: BTreeMap<String, i64> = BTreeMap::new();
        for row in rows.iter().filter(|r| r.fund == fund) {
            *result
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
        let id = tx.record_entry(&entry)?.id();
        let shown: Vec<String> = result
            .iter()
            .map(|(currency, minor)| {
                let word = if *minor >= 0 { "surplus" } else { "deficit" };
                format!(
                    "{word} {currency} {}",
                    crate::money::format_minor_swiss(minor.abs())
                )
            })
            .collect();
        results.push(format!("fund {fund}: {} (entry {id})", shown.join(", ")));
    }
    tx.insert_close(year, closed_on)?;
    tx.commit()?;
    context.say(format!(
        "closed budget year {year} on {closed_on}{}{}",
        if results.is_empty() { "" } else { "; " },
        results.join("; ")
    ))?;
    Ok(Outcome::Done)
}
