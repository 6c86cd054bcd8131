//! The `fund` table and the balances of funds, read from the running balances of the bank
//! accounts per fund.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::corrupt;
use super::{text_to_date, Store, StoreError, Tx};
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

/// The lowest balance a fund holds in `currency` on any date from `from` on, and the first
/// date it holds it: the balance on `from`, then the bank movements of each later day in
/// date order. A spending dated `from` lowers every one of these balances, so it is covered
/// at every date, past or future, when it is covered on the low date.
fn low_point(
    conn: &Connection,
    fund: &FundCode,
    currency: Currency,
    from: NaiveDate,
) -> Result<(NaiveDate, Money), StoreError> {
    let mut balance_minor = balance_of(conn, fund, currency, from)?.minor();
    let (mut low_on, mut low_minor) = (from, balance_minor);
    let mut statement = conn.prepare_cached(
        "SELECT b.posted_on, sum(b.debit_minor - b.credit_minor)
         FROM account_balance b JOIN account a ON a.id = b.account_id
         WHERE substr(a.name, 1, 12) = 'assets:bank:'
           AND b.fund = ?1 AND b.currency = ?2 AND b.posted_on > ?3
         GROUP BY b.posted_on
         ORDER BY b.posted_on",
    )?;
    let days = statement
        .query_map(
            params![fund.as_str(), currency.as_str(), from.to_string()],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    for (posted_on, net_minor) in days {
        balance_minor += net_minor;
        if balance_minor < low_minor {
            low_minor = balance_minor;
            low_on = text_to_date(&posted_on)?;
        }
    }
    Ok((low_on, Money::from_minor(low_minor, currency)))
}

impl Store {
    pub fn funds(&self) -> Result<Vec<Fund>, StoreError> {
        load_funds(&self.conn)
    }

    /// What each fund holds at the bank, per currency, on `until`.
    pub fn fund_balances(&self, until: NaiveDate) -> Result<Vec<FundBalanceRow>, StoreError> {
        load_balances(&self.conn, until)
    }

    /// What came into and went out of each fund's bank accounts, per currency, on the days
    /// after `after` up to `until`: `(fund, money in, money out)`, by fund and currency.
    pub fn fund_movements(
        &self,
        after: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<(FundCode, Money, Money)>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT b.fund, b.currency, sum(b.debit_minor), sum(b.credit_minor)
             FROM account_balance b JOIN account a ON a.id = b.account_id
             WHERE substr(a.name, 1, 12) = 'assets:bank:'
               AND b.posted_on > ?1 AND b.posted_on <= ?2
             GROUP BY b.fund, b.currency
             ORDER BY b.fund, b.currency",
        )?;
        let rows = statement
            .query_map(params![after.to_string(), until.to_string()], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(fund, currency, in_minor, out_minor)| {
                let currency: Currency = currency.parse().map_err(corrupt)?;
                Ok((
                    fund.parse()?,
                    Money::from_minor(in_minor, currency),
                    Money::from_minor(out_minor, currency),
                ))
            })
            .collect()
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

    /// The lowest balance of a fund in `currency` on any date from `from` on (the balance
    /// on `from` or after a later day's movements), with the first date it is reached.
    pub fn fund_low_point(
        &self,
        fund: &FundCode,
        currency: Currency,
        from: NaiveDate,
    ) -> Result<(NaiveDate, Money), StoreError> {
        self.flush_running_balances()?;
        low_point(&self.tx, fund, currency, from)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::accounts;
    use crate::ledger::{EntryKind, NewEntry, Transfer};
    use crate::store::Actor;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, d).unwrap()
    }

    /// Money into (positive) or out of (negative) the isu fund's bank account on a day.
    fn movement(date: NaiveDate, minor: i64) -> NewEntry {
        let bank = accounts::bank(Currency::CHF);
        let other = "equity:fund-balance:isu".parse().unwrap();
        let amount = Money::from_minor(minor.abs(), Currency::CHF);
        NewEntry {
            date,
            description: "Movement".into(),
            kind: EntryKind::General,
            budget_year: 2025,
            fund: FundCode::isu(),
            party: None,
            reference: None,
            reverses: None,
            rate: None,
            transfers: vec![if minor > 0 {
                Transfer::new(bank, other, amount)
            } else {
                Transfer::new(other, bank, amount)
            }],
        }
    }

    #[test]
    fn the_low_point_is_the_lowest_balance_from_the_date_on() {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(Actor::test("2025-12-31T00:00:00Z")).unwrap();
        for (date, minor) in [
            (day(1, 10), 1_000),
            (day(3, 31), -800),
            (day(6, 1), 500),
            (day(7, 1), -650),
        ] {
            tx.record_entry(&movement(date, minor)).unwrap();
        }
        let isu = FundCode::isu();
        let low = |from| tx.fund_low_point(&isu, Currency::CHF, from).unwrap();
        // Before any money: nothing held on the first day, and never less later.
        assert_eq!(low(day(1, 1)), (day(1, 1), Money::zero(Currency::CHF)));
        // From February: CHF 1'000.00 then, 200.00 after March, 50.00 after July.
        assert_eq!(
            low(day(2, 1)),
            (day(7, 1), Money::from_minor(50, Currency::CHF))
        );
        assert_eq!(
            low(day(7, 2)),
            (day(7, 2), Money::from_minor(50, Currency::CHF))
        );
        // In another currency the fund holds nothing.
        assert_eq!(
            tx.fund_low_point(&isu, Currency::USD, day(2, 1)).unwrap(),
            (day(2, 1), Money::zero(Currency::USD))
        );
    }
}
