//! The `fund` table and the balances of funds, read from the running balances of the bank
//! accounts per fund.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::corrupt;
use super::{Store, StoreError, Tx};
use crate::domain::fund::Fund;
use crate::ledger::FundCode;
use crate::money::{Currency, Money};

/// What one fund holds at the bank in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundBalanceRow {
    pub fund: FundCode,
    pub balance: Money,
}

fn load_funds(conn: &Connection) -> Result<Vec<Fund>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT code, name, currency FROM fund ORDER BY code")?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(code, name, currency)| {
            Ok(Fund {
                code: code.parse()?,
                name,
                currency: currency.parse().map_err(corrupt)?,
            })
        })
        .collect()
}

/// Per fund and currency, the net of the bank accounts (`assets:bank:*`) over every budget
/// year, from entries dated on or before `until`: the year totals less the rows dated after.
fn load_balances(conn: &Connection, until: NaiveDate) -> Result<Vec<FundBalanceRow>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT fund, currency, sum(net) FROM (
             SELECT t.fund, t.currency, t.debit_minor - t.credit_minor AS net
             FROM account_total t JOIN account a ON a.id = t.account_id
             WHERE substr(a.name, 1, 12) = 'assets:bank:'
             UNION ALL
             SELECT b.fund, b.currency, b.credit_minor - b.debit_minor
             FROM account_balance b JOIN account a ON a.id = b.account_id
             WHERE substr(a.name, 1, 12) = 'assets:bank:' AND b.posted_on > ?1)
         GROUP BY fund, currency
         ORDER BY fund, currency",
    )?;
    let rows = statement
        .query_map([until.to_string()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(fund, currency, minor)| {
            let currency: Currency = currency.parse().map_err(corrupt)?;
            Ok(FundBalanceRow {
                fund: fund.parse()?,
                balance: Money::from_minor(minor, currency),
            })
        })
        .collect()
}

fn balance_of(
    conn: &Connection,
    fund: &FundCode,
    currency: Currency,
    until: NaiveDate,
) -> Result<Money, StoreError> {
    Ok(load_balances(conn, until)?
        .into_iter()
        .find(|row| &row.fund == fund && row.balance.currency() == currency)
        .map_or(Money::zero(currency), |row| row.balance))
}

impl Store {
    pub fn funds(&self) -> Result<Vec<Fund>, StoreError> {
        load_funds(&self.conn)
    }

    /// What each fund holds at the bank, per currency, on `until`.
    pub fn fund_balances(&self, until: NaiveDate) -> Result<Vec<FundBalanceRow>, StoreError> {
        load_balances(&self.conn, until)
    }
}

impl Tx<'_> {
    pub fn fund(&self, code: &FundCode) -> Result<Option<Fund>, StoreError> {
        Ok(load_funds(&self.tx)?.into_iter().find(|f| &f.code == code))
    }

    /// What a fund holds at the bank in `currency` on `until`.
    pub fn fund_balance(
        &self,
        fund: &FundCode,
        currency: Currency,
        until: NaiveDate,
    ) -> Result<Money, StoreError> {
        self.flush_running_balances()?;
        balance_of(&self.tx, fund, currency, until)
    }

    /// Declares a fund; returns the name of the fund already holding the code, if any.
    pub fn insert_fund(&self, fund: &Fund) -> Result<Option<String>, StoreError> {
        let existing: Option<String> = self
            .tx
            .query_row(
                "SELECT name FROM fund WHERE code = ?1",
                [fund.code.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        if existing.is_some() {
            return Ok(existing);
        }
        self.tx.execute(
            "INSERT INTO fund (code, name, currency) VALUES (?1, ?2, ?3)",
            params![fund.code.as_str(), fund.name, fund.currency.as_str()],
        )?;
        Ok(None)
    }
}
