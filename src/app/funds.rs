//! The funds: declaring one, what each holds, moving money between them, the balance a
//! fund brings forward, and the rule that money leaves a fund only as far as it holds it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::Books;
use crate::domain::fund::{check_covers, opening_entry, transfer_entries, Fund, FundError};
use crate::ledger::{AccountName, FundCode, NewEntry};
use crate::money::{Currency, Money};
use crate::reports::funds::{fund_list, FundList};
use crate::store::{Actor, Recorded, StoreError, Tx};

/// A transfer between two funds, as given.
pub struct FundTransfer<'a> {
    /// The fund the money leaves.
    pub from: FundCode,
    /// The fund the money goes to.
    pub to: FundCode,
    pub amount: &'a str,
    /// The currency of the amount; the currency of the fund it leaves when `None`.
    pub currency: Option<&'a str>,
    pub date: NaiveDate,
    /// The budget year it counts against; the year of the date when `None`.
    pub year: Option<i32>,
    pub reason: &'a str,
    pub reference: Option<&'a str>,
}

/// What a transfer between funds did: its amount and the two entries, out and in.
pub struct FundTransferred {
    pub amount: Money,
    pub entries: Vec<Recorded>,
}

/// A fund's balance brought forward, as given.
pub struct FundOpening<'a> {
    pub fund: FundCode,
    pub amount: &'a str,
    /// The currency of the amount; the fund's currency when `None`.
    pub currency: Option<&'a str>,
    pub date: NaiveDate,
    /// The budget year it counts against; the year of the date when `None`.
    pub year: Option<i32>,
    pub reference: Option<&'a str>,
}

/// What recording an opening balance did.
pub struct OpeningRecorded {
    pub amount: Money,
    pub entry: NewEntry,
    pub recorded: Recorded,
}

impl Books {
    /// Declares a fund in its own transaction; refused when its code is taken.
    pub fn add_fund(&mut self, actor: Actor, fund: &Fund) -> anyhow::Result<()> {
        let tx = self.store.begin(actor)?;
        if let Some(name) = tx.insert_fund(fund)? {
            return Err(FundError::FundExists {
                fund: fund.code.clone(),
                name,
            }
            .into());
        }
        tx.commit()?;
        Ok(())
    }

    /// Every fund with what it holds at the bank on `as_of`.
    pub fn fund_list(&self, as_of: NaiveDate) -> anyhow::Result<FundList> {
        let funds = self.store.funds()?;
        let balances = self.store.fund_balances(as_of)?;
        Ok(fund_list(as_of, &funds, &balances))
    }

    /// Moves money from one fund to another: two entries, one in each fund, in one
    /// transaction. Refused when the fund the money leaves would go below zero on the
    /// transfer's date or a later date (unless the transfer is already recorded).
    pub fn transfer_between_funds(
        &mut self,
        actor: Actor,
        transfer: &FundTransfer<'_>,
    ) -> anyhow::Result<FundTransferred> {
        let FundTransfer { from, to, date, .. } = transfer;
        let date = *date;
        let tx = self.store.begin(actor)?;
        let from_fund = tx.fund(from)?.ok_or_else(|| unknown(&tx, from))?;
        tx.check_fund(to)?;
        let currency: Currency = match transfer.currency {
            Some(text) => text.parse()?,
            None => from_fund.currency,
        };
        let amount = Money::parse(transfer.amount, currency)?;
        let entries = transfer_entries(
            from,
            to,
            amount,
            date,
            transfer.year.unwrap_or(date.year()),
            transfer.reason,
            transfer.reference,
        )?;
        let already = match &entries[0].reference {
            Some(reference) => tx.reference_exists(reference)?,
            None => false,
        };
        if !already {
            let (low_on, balance) = tx.fund_low_point(from, currency, date)?;
            check_covers(from, low_on, balance, amount, false, "")?;
        }
        let mut ids = Vec::new();
        for entry in &entries {
            ids.push(tx.record_entry(entry)?);
        }
        tx.commit()?;
        Ok(FundTransferred {
            amount,
            entries: ids,
        })
    }

    /// Records what a fund held when the ledger started keeping it.
    pub fn fund_opening(
        &mut self,
        actor: Actor,
        opening: &FundOpening<'_>,
    ) -> anyhow::Result<OpeningRecorded> {
        let (fund, date) = (&opening.fund, opening.date);
        let tx = self.store.begin(actor)?;
        let declared = tx.fund(fund)?.ok_or_else(|| unknown(&tx, fund))?;
        let currency: Currency = match opening.currency {
            Some(text) => text.parse()?,
            None => declared.currency,
        };
        let amount = Money::parse(opening.amount, currency)?;
        let entry = opening_entry(
            fund,
            amount,
            date,
            opening.year.unwrap_or(date.year()),
            opening.reference,
        )?;
        let recorded = tx.record_entry(&entry)?;
        tx.commit()?;
        Ok(OpeningRecorded {
            amount,
            entry,
            recorded,
        })
    }
}

/// The error for an unknown fund, naming the known ones.
fn unknown(tx: &Tx<'_>, fund: &FundCode) -> anyhow::Error {
    match tx.check_fund(fund) {
        Err(error) => error.into(),
        Ok(()) => StoreError::Corrupt(format!("fund {fund} vanished")).into(),
    }
}

/// Refuses `entry` when the money it takes out of a fund's bank accounts would leave the
/// fund below zero on its date or any later date, unless `allow_deficit`.
pub(super) fn check_money_out(
    tx: &Tx<'_>,
    entry: &NewEntry,
    allow_deficit: bool,
    hint: &'static str,
) -> anyhow::Result<()> {
    let mut out: BTreeMap<Currency, i64> = BTreeMap::new();
    let is_bank = |a: &AccountName| a.as_str().starts_with("assets:bank:");
    for transfer in &entry.transfers {
        let minor = transfer.amount.minor();
        let currency = transfer.amount.currency();
        if is_bank(&transfer.credit) {
            *out.entry(currency).or_default() += minor;
        }
        if is_bank(&transfer.debit) {
            *out.entry(currency).or_default() -= minor;
        }
    }
    for (currency, minor) in out.into_iter().filter(|(_, m)| *m > 0) {
        let (low_on, balance) = tx.fund_low_point(&entry.fund, currency, entry.date)?;
        check_covers(
            &entry.fund,
            low_on,
            balance,
            Money::from_minor(minor, currency),
            allow_deficit,
            hint,
        )?;
    }
    Ok(())
}
