//! Reads of the running balances (`account_balance`) that reports are built from.

use chrono::NaiveDate;

use super::corrupt;
use super::{Store, StoreError, RUNNING_ON_DATE};
use crate::ledger::{AccountName, AccountType, FundCode, PartyCode};
use crate::money::{Currency, Money};

/// What one party has paid towards one budget year through one fund, in the book currency.
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
    text.parse().map_err(corrupt)
}

impl Store {
    /// The ids of the accounts that are `prefix` or below it.
    fn account_ids_under(&self, prefixes: &[&str]) -> Result<Vec<i64>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            // The names below `prefix` are those from `prefix:` up to `prefix;` (';' follows
            // ':'), a range of the index on `name`.
            "SELECT id FROM account WHERE name = ?1
             UNION ALL
             SELECT id FROM account WHERE name >= ?1 || ':' AND name < ?1 || ';'",
        )?;
        let mut ids = Vec::new();
        for prefix in prefixes {
            let rows = statement.query_map([prefix], |row| row.get::<_, i64>(0))?;
            for id in rows {
                ids.push(id?);
            }
        }
        Ok(ids)
    }

    /// Per party and fund, the net credit in the book currency to the accounts under `prefixes` for
    /// `budget_year`, from entries dated on or before `until`.
    ///
    /// Reads the running sums of each key of those accounts on `until`: one row per key,
    /// however long the history and whatever was posted after.
    pub fn received(
        &self,
        budget_year: i32,
        until: NaiveDate,
        prefixes: &[&str],
    ) -> Result<Vec<ReceivedRow>, StoreError> {
        let ids = self.account_ids_under(prefixes)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let accounts = placeholders_after_two(ids.len());
        // The book currency is an ISO code of three capitals, safe in the text.
        let currency = self.currency()?;
        // Each key's running sums on `until` (none for a key with nothing posted by then,
        // which still counts as having received nothing).
        let sql = format!(
            "SELECT k.party, k.fund,
                    sum(coalesce(r.credit_minor, 0) - coalesce(r.debit_minor, 0))
             FROM account_total k
             LEFT JOIN account_running r ON {RUNNING_ON_DATE}
             WHERE k.budget_year = ?2 AND k.account_id IN ({accounts})
               AND k.currency = '{currency}' AND k.party <> ''
             GROUP BY k.party, k.fund
             ORDER BY k.party, k.fund"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let until = until.to_string();
        let mut rows = statement.query(year_date_and_ids(&until, &budget_year, &ids).as_slice())?;
        let mut received = Vec::new();
        while let Some(row) = rows.next()? {
            let party: String = row.get(0)?;
            let fund: String = row.get(1)?;
            received.push(ReceivedRow {
                party: party.parse()?,
                fund: fund.parse()?,
                received: Money::from_minor(row.get(2)?, currency),
            });
        }
        Ok(received)
    }

    /// The net credit in the book currency to the accounts under `prefixes` for `budget_year`, per entry
    /// date up to `until`, by date: the day-by-day movements whose running sum is what
    /// `received` gives for each day.
    pub fn received_by_day(
        &self,
        budget_year: i32,
        until: NaiveDate,
        prefixes: &[&str],
    ) -> Result<Vec<(NaiveDate, Money)>, StoreError> {
        let ids = self.account_ids_under(prefixes)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let accounts = placeholders_after_two(ids.len());
        let currency = self.currency()?;
        // Account by account, the year's rows up to `until` are one range of the primary
        // key (year, account, date): the join in this order keeps SQLite from reading every
        // row of the year, of every account, by the index on year and date instead.
        let sql = format!(
            "SELECT b.posted_on, sum(b.credit_minor - b.debit_minor)
             FROM account a CROSS JOIN account_balance b
               ON b.budget_year = ?1 AND b.account_id = a.id
             WHERE a.id IN ({accounts}) AND b.posted_on <= ?2
               AND b.currency = '{currency}' AND b.party <> ''
             GROUP BY b.posted_on
             ORDER BY b.posted_on"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let until = until.to_string();
        let mut rows = statement.query(year_date_and_ids(&budget_year, &until, &ids).as_slice())?;
        let mut days = Vec::new();
        while let Some(row) = rows.next()? {
            let day: String = row.get(0)?;
            let net: i64 = row.get(1)?;
            if net != 0 {
                days.push((
                    day.parse().map_err(corrupt)?,
                    Money::from_minor(net, currency),
                ));
            }
        }
        Ok(days)
    }

    /// Debit and credit totals per account and currency from entries dated on or before
    /// `until`, optionally for one budget year: the totals less the rows dated after `until`.
    pub fn trial_balance(
        &self,
        until: NaiveDate,
        budget_year: Option<i32>,
    ) -> Result<Vec<TrialBalanceRow>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT a.name, t.currency, sum(t.debit_minor), sum(t.credit_minor)
             FROM (SELECT account_id, currency, debit_minor, credit_minor FROM account_total
                   WHERE ?2 IS NULL OR budget_year = ?2
                   UNION ALL
                   SELECT account_id, currency, -debit_minor, -credit_minor FROM account_balance
                   WHERE posted_on > ?1 AND (?2 IS NULL OR budget_year = ?2)) t
             JOIN account a ON a.id = t.account_id
             GROUP BY a.name, t.currency
             HAVING sum(t.debit_minor) <> 0 OR sum(t.credit_minor) <> 0
             ORDER BY a.name, t.currency",
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

/// The placeholders `?3, ?4, …` of `count` account ids bound after a budget year and a
/// date: only their count shapes the SQL, the ids themselves are bound.
fn placeholders_after_two(count: usize) -> String {
    (0..count)
        .map(|i| format!("?{}", i + 3))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The parameters of a query by budget year, date and account ids, in that order.
fn year_date_and_ids<'p>(
    budget_year: &'p dyn rusqlite::ToSql,
    until: &'p dyn rusqlite::ToSql,
    ids: &'p [i64],
) -> Vec<&'p dyn rusqlite::ToSql> {
    let mut parameters: Vec<&dyn rusqlite::ToSql> = vec![budget_year, until];
    parameters.extend(ids.iter().map(|id| id as &dyn rusqlite::ToSql));
    parameters
}
