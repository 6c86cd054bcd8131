//! Reads of the running balances (`account_balance`) that reports are built from.

use chrono::NaiveDate;

use super::{Store, StoreError};
use crate::ledger::{AccountName, AccountType, FundCode, PartyCode};
use crate::money::{Currency, Money};

/// What one party has paid towards one budget year through one fund, in CHF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRow {
    pub party: PartyCode,
    pub fund: FundCode,
    pub received: Money,
}

/// One account's turnover in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialBalanceRow {
    pub account: AccountName,
    pub currency: Currency,
    pub debit_minor: i64,
    pub credit_minor: i64,
}

/// An account as listed by `accounts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub name: AccountName,
    pub account_type: AccountType,
    pub created_at: String,
}

fn currency_of(text: &str) -> Result<Currency, StoreError> {
    text.parse()
        .map_err(|e: crate::money::MoneyError| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// Per party and fund, the net credit in CHF to the accounts under `prefixes` for
    /// `budget_year`, from entries dated on or before `until`. Reads only that year's rows.
    pub fn received(
        &self,
        budget_year: i32,
        until: NaiveDate,
        prefixes: &[&str],
    ) -> Result<Vec<ReceivedRow>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT b.party, b.fund, sum(b.credit_minor) - sum(b.debit_minor)
             FROM account_balance b JOIN account a ON a.id = b.account_id
             WHERE b.budget_year = ?1 AND b.posted_on <= ?2 AND b.currency = 'CHF'
               AND b.party <> '' AND (a.name = ?3 OR substr(a.name, 1, length(?3) + 1) = ?3 || ':')
             GROUP BY b.party, b.fund",
        )?;
        let mut received: Vec<ReceivedRow> = Vec::new();
        for prefix in prefixes {
            let mut rows =
                statement.query(rusqlite::params![budget_year, until.to_string(), prefix])?;
            while let Some(row) = rows.next()? {
                let party: String = row.get(0)?;
                let fund: String = row.get(1)?;
                let row = ReceivedRow {
                    party: party.parse()?,
                    fund: fund.parse()?,
                    received: Money::from_minor(row.get(2)?, Currency::CHF),
                };
                match received
                    .iter_mut()
                    .find(|r| r.party == row.party && r.fund == row.fund)
                {
                    Some(existing) => {
                        existing.received = existing
                            .received
                            .checked_add(row.received)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?
                    }
                    None => received.push(row),
                }
            }
        }
        received.sort_by(|a, b| (&a.party, &a.fund).cmp(&(&b.party, &b.fund)));
        Ok(received)
    }

    /// Debit and credit totals per account and currency from entries dated on or before
    /// `until`, optionally for one budget year.
    pub fn trial_balance(
        &self,
        until: NaiveDate,
        budget_year: Option<i32>,
    ) -> Result<Vec<TrialBalanceRow>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT a.name, b.currency, sum(b.debit_minor), sum(b.credit_minor)
             FROM account_balance b JOIN account a ON a.id = b.account_id
             WHERE b.posted_on <= ?1 AND (?2 IS NULL OR b.budget_year = ?2)
             GROUP BY a.name, b.currency
             ORDER BY a.name, b.currency",
        )?;
        let mut rows = statement.query(rusqlite::params![until.to_string(), budget_year])?;
        let mut balance = Vec::new();
        while let Some(row) = rows.next()? {
            let account: String = row.get(0)?;
            let currency: String = row.get(1)?;
            balance.push(TrialBalanceRow {
                account: account.parse()?,
                currency: currency_of(&currency)?,
                debit_minor: row.get(2)?,
                credit_minor: row.get(3)?,
            });
        }
        Ok(balance)
    }

    /// Every account opened so far, by name.
    pub fn accounts(&self) -> Result<Vec<AccountRow>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT a.name, a.created_at FROM account a ORDER BY a.name")?;
        let mut rows = statement.query([])?;
        let mut accounts = Vec::new();
        while let Some(row) = rows.next()? {
            let name: String = row.get(0)?;
            let name: AccountName = name.parse()?;
            accounts.push(AccountRow {
                account_type: name.account_type(),
                name,
                created_at: row.get(1)?,
            });
        }
        Ok(accounts)
    }
}
