//! The `year_close` table: closed budget years, the check every entry passes before it is
//! written, and the year's result per fund that a close carries into the fund balance.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

use super::corrupt;
use super::{Store, StoreError, Tx};
use crate::ledger::{AccountName, FundCode, NewEntry};
use crate::money::{Currency, Money};

/// A closed budget year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedYear {
    pub year: i32,
    pub closed_on: NaiveDate,
    pub closed_by: String,
}

/// The balance of one income or expense account of a fund for a year, in one currency:
/// debit minus credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    pub fund: FundCode,
    pub account: AccountName,
    pub balance: Money,
}

fn load_closed(conn: &Connection, year: i32) -> Result<Option<ClosedYear>, StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT closed_on, created_by FROM year_close WHERE year = ?1")?
        .query_row([year], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    row.map(|(closed_on, closed_by)| {
        Ok(ClosedYear {
            year,
            closed_on: super::text_to_date(&closed_on)?,
            closed_by,
        })
    })
    .transpose()
}

impl Store {
    pub fn closed_year(&self, year: i32) -> Result<Option<ClosedYear>, StoreError> {
        load_closed(&self.conn, year)
    }
}

impl Tx<'_> {
    pub fn closed_year(&self, year: i32) -> Result<Option<ClosedYear>, StoreError> {
        load_closed(&self.tx, year)
    }

    /// Refuses an entry dated in a closed year, or moving income, expenses or equity of
    /// one, naming the close. What a closed year leaves owed or held (receivables, credits,
    /// the bank) keeps moving: a payment dated later that settles its arrears is accepted.
    pub(super) fn check_year_open(&self, entry: &NewEntry) -> Result<(), StoreError> {
        use crate::ledger::AccountType;
        let moves_result = |t: &crate::ledger::Transfer| {
            [&t.debit, &t.credit].into_iter().any(|a| {
                matches!(
                    a.account_type(),
                    AccountType::Income | AccountType::Expenses | AccountType::Equity
                )
            })
        };
        let result_years = entry
            .transfers
            .iter()
            .filter(|t| moves_result(t))
            .map(|t| t.year_within(entry.budget_year));
        for year in std::iter::once(entry.date.year()).chain(result_years) {
            if let Some(closed) = load_closed(&self.tx, year)? {
                return Err(StoreError::YearClosed {
                    what: format!("'{}' dated {}", entry.description.trim(), entry.date),
                    year,
                    closed_on: closed.closed_on.to_string(),
                    closed_by: closed.closed_by,
                });
            }
        }
        Ok(())
    }

    /// The balance of every income and expense account per fund and currency for
    /// `budget_year`, over all its entries.
    pub fn year_result(&self, budget_year: i32) -> Result<Vec<ResultRow>, StoreError> {
        self.flush_running_balances()?;
        let mut statement = self.tx.prepare_cached(
            "SELECT t.fund, a.name, t.currency, sum(t.debit_minor) - sum(t.credit_minor)
             FROM account_total t JOIN account a ON a.id = t.account_id
             WHERE t.budget_year = ?1 AND a.type IN ('income', 'expenses')
             GROUP BY t.fund, a.name, t.currency
             HAVING sum(t.debit_minor) - sum(t.credit_minor) <> 0
             ORDER BY t.fund, a.name, t.currency",
        )?;
        let rows = statement
            .query_map([budget_year], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(fund, account, currency, minor)| {
                let currency: Currency = currency.parse().map_err(corrupt)?;
                Ok(ResultRow {
                    fund: fund.parse()?,
                    account: account.parse()?,
                    balance: Money::from_minor(minor, currency),
                })
            })
            .collect()
    }

    /// Locks a budget year.
    pub fn insert_close(&self, year: i32, closed_on: NaiveDate) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO year_close (year, closed_on, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
            params![year, closed_on.to_string(), self.actor.at, self.actor.user],
        )?;
        Ok(())
    }
}

impl Tx<'_> {
    /// Refuses `what` (a rate, a budget, a meeting) when `year` is closed, naming the close.
    pub fn refuse_closed(&self, year: i32, what: &str) -> Result<(), StoreError> {
        match load_closed(&self.tx, year)? {
            Some(closed) => Err(StoreError::YearClosed {
                what: what.to_string(),
                year,
                closed_on: closed.closed_on.to_string(),
                closed_by: closed.closed_by,
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::accounts;
    use crate::ledger::{EntryKind, Transfer};
    use crate::store::Actor;

    fn actor() -> Actor {
        Actor::test("2018-01-15T00:00:00Z")
    }

    fn entry(date: (i32, u32, u32), budget_year: i32) -> NewEntry {
        NewEntry {
            date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
            description: "Opening".into(),
            kind: EntryKind::General,
            budget_year,
            fund: FundCode::isu(),
            party: None,
            reference: None,
            reverses: None,
            rate: None,
            transfers: vec![Transfer::new(
                accounts::bank(Currency::CHF),
                "equity:fund-balance:isu".parse().unwrap(),
                Money::from_minor(100, Currency::CHF),
            )],
        }
    }

    #[test]
    fn entries_dated_in_or_counting_against_a_closed_year_are_refused() {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(actor()).unwrap();
        tx.record_entry(&entry((2017, 12, 31), 2017)).unwrap();
        tx.insert_close(2017, NaiveDate::from_ymd_opt(2018, 1, 15).unwrap())
            .unwrap();
        for (date, year) in [((2017, 12, 31), 2018), ((2018, 1, 2), 2017)] {
            let error = tx.record_entry(&entry(date, year)).unwrap_err();
            assert!(
                matches!(error, StoreError::YearClosed { year: 2017, .. }),
                "{error}"
            );
            assert!(error.to_string().contains("closed on 2018-01-15 by test"));
        }
        assert!(tx.record_entry(&entry((2018, 1, 2), 2018)).is_ok());
        assert!(tx.refuse_closed(2017, "x").is_err());
        assert!(tx.refuse_closed(2018, "x").is_ok());
        assert_eq!(tx.closed_year(2017).unwrap().unwrap().closed_by, "test");
    }
}
