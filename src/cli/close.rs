//! `close YEAR`: verifies the ledger, carries each fund's result for the year into its fund
//! balance, and locks the year.

use std::collections::BTreeMap;

use anyhow::bail;
use chrono::NaiveDate;
use clap::Args;

use super::{Context, Outcome};
use crate::app::costs::far_future;
use crate::domain::accounts;
use crate::domain::fund::fund_balance_account;
use crate::ledger::{check_budget_year, EntryKind, FundCode, NewEntry, Transfer};
use crate::money::{format_minor_swiss, Money};
use crate::reports::standing::standings;

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
    let closed_on = context.date_or_as_of(None)?;
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
    for line in carried_forward(&store, year, date)? {
        context.say(line)?;
    }
    Ok(Outcome::Done)
}

/// What the closed year leaves to the years after it: the arrears of each State for the
/// year and earlier (still owed, still collectable) and the credits held, on its last day.
fn carried_forward(
    store: &crate::store::Store,
    year: i32,
    last_day: NaiveDate,
) -> anyhow::Result<Vec<String>> {
    let standings = standings(&store.contribution_positions(last_day, year)?);
    let mut owing: Vec<(String, i64)> = Vec::new();
    let mut holding: Vec<(String, i64)> = Vec::new();
    for (party, standing) in &standings {
        let owed: i64 = standing
            .years
            .range(..=year)
            .map(|(_, y)| y.outstanding_minor)
            .sum();
        if owed != 0 {
            owing.push((party.to_string(), owed));
        }
        if standing.credit_minor != 0 {
            holding.push((party.to_string(), standing.credit_minor));
        }
    }
    let list = |rows: &mut Vec<(String, i64)>| {
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let total: i64 = rows.iter().map(|(_, m)| m).sum();
        let each: Vec<String> = rows
            .iter()
            .map(|(code, minor)| format!("{code} {}", format_minor_swiss(*minor)))
            .collect();
        (total, each.join(", "))
    };
    let mut lines = Vec::new();
    if owing.is_empty() {
        lines.push(format!("carried forward: no arrears for {year} or earlier"));
    } else {
        let (total, each) = list(&mut owing);
        lines.push(format!(
            "carried forward: arrears for {year} and earlier of CHF {} owed by {}, still \
             collectable: {each}",
            format_minor_swiss(total),
            crate::text::count(owing.len(), "State", "States"),
        ));
    }
    if !holding.is_empty() {
        let (total, each) = list(&mut holding);
        lines.push(format!(
            "carried forward: credits of CHF {} held for {}: {each}",
            format_minor_swiss(total),
            crate::text::count(holding.len(), "party", "parties"),
        ));
    }
    Ok(lines)
}
