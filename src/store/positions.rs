//! What parties owe, have paid and hold, read from the running balances of the
//! contribution accounts: income from contributions, each party's receivable and each
//! party's credit. Everything is in CHF, the currency of the books.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::{text_to_date, Store, StoreError, Tx};
use crate::ledger::{AccountName, EntryId, PartyCode};

/// The net turnover of one contribution account for one budget year and party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionRow {
    pub budget_year: i32,
    pub account: AccountName,
    /// The entry's party; `None` for entries that name none.
    pub party: Option<PartyCode>,
    pub debit_minor: i64,
    pub credit_minor: i64,
}

/// The contribution accounts, as an SQL condition on `name`.
const CONTRIBUTION_ACCOUNTS_SQL: &str = "(name = 'income:contributions'
     OR name GLOB 'income:contributions:*'
     OR name = 'assets:receivable:written-off'
     OR name GLOB 'assets:receivable:contributions:*'
     OR name GLOB 'liabilities:prepaid:*')";

fn positions(
    conn: &Connection,
    until: NaiveDate,
    max_year: i32,
) -> Result<Vec<PositionRow>, StoreError> {
    // The budget years up to `max_year` that have any balance: the rows dated after `until`
    // are then read year by year through the (budget_year, posted_on) index, so a report
    // reads only what was posted after its date for the years it shows.
    let years: Vec<i32> = conn
        .prepare_cached("SELECT DISTINCT budget_year FROM account_total WHERE budget_year <= ?1")?
        .query_map([max_year], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let year_list = if years.is_empty() {
        "NULL".to_string()
    } else {
        years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sql = format!(
        "WITH acc AS (SELECT id, name, name GLOB 'liabilities:prepaid:*' AS credit
                      FROM account WHERE {CONTRIBUTION_ACCOUNTS_SQL}),
              owed AS (SELECT id FROM acc WHERE NOT credit),
              held AS (SELECT id FROM acc WHERE credit)
         SELECT t.budget_year, acc.name, t.party, sum(t.d), sum(t.c)
         FROM (SELECT budget_year, account_id, party, debit_minor AS d, credit_minor AS c
               FROM account_total
               WHERE budget_year <= ?2 AND currency = 'CHF' AND account_id IN owed
               UNION ALL
               SELECT budget_year, account_id, party, -debit_minor, -credit_minor
               FROM account_balance
               WHERE budget_year IN ({year_list}) AND posted_on > ?1 AND currency = 'CHF'
                 AND +account_id IN owed
               UNION ALL
               SELECT budget_year, account_id, party, debit_minor, credit_minor
               FROM account_total
               WHERE currency = 'CHF' AND account_id IN held
               UNION ALL
               SELECT budget_year, account_id, party, -debit_minor, -credit_minor
               FROM account_balance
               WHERE account_id IN held AND posted_on > ?1 AND currency = 'CHF') t
         JOIN acc ON acc.id = t.account_id
         GROUP BY t.budget_year, acc.name, t.party
         HAVING sum(t.d) <> 0 OR sum(t.c) <> 0
         ORDER BY t.budget_year, acc.name, t.party"
    );
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query(params![until.to_string(), max_year])?;
    let mut list = Vec::new();
    while let Some(row) = rows.next()? {
        let account: String = row.get(1)?;
        let party: String = row.get(2)?;
        list.push(PositionRow {
            budget_year: row.get(0)?,
            account: account.parse()?,
            party: if party.is_empty() {
                None
            } else {
                Some(party.parse()?)
            },
            debit_minor: row.get(3)?,
            credit_minor: row.get(4)?,
        });
    }
    Ok(list)
}

impl Store {
    /// The net turnover of the contribution accounts per budget year and party, from
    /// entries dated on or before `until`: what is owed and paid for the budget years up to
    /// `max_year`, and the credits held, whatever their year.
    pub fn contribution_positions(
        &self,
        until: NaiveDate,
        max_year: i32,
    ) -> Result<Vec<PositionRow>, StoreError> {
        positions(&self.conn, until, max_year)
    }

    /// The last day on or before `until` on which each of `parties` paid something: the
    /// date of its latest contribution entry.
    pub fn last_payments(
        &self,
        until: NaiveDate,
        parties: &[PartyCode],
    ) -> Result<BTreeMap<PartyCode, NaiveDate>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT max(entry_date) FROM entry
             WHERE kind = 'contribution' AND party = ?1 AND entry_date <= ?2",
        )?;
        let until = until.to_string();
        let mut last = BTreeMap::new();
        for party in parties {
            let day: Option<String> =
                statement.query_row(params![party.as_str(), until], |row| row.get(0))?;
            if let Some(day) = day {
                last.insert(party.clone(), text_to_date(&day)?);
            }
        }
        Ok(last)
    }
}

impl Tx<'_> {
    /// The assessment entries of `budget_year` not yet reversed.
    pub fn assessments_in_force(&self, budget_year: i32) -> Result<Vec<EntryId>, StoreError> {
        let mut statement = self.tx.prepare_cached(
            "SELECT e.id FROM entry e
             WHERE e.kind = 'assessment' AND e.budget_year = ?1
               AND NOT EXISTS (SELECT 1 FROM entry r WHERE r.reverses = e.id)
             ORDER BY e.id",
        )?;
        let ids = statement
            .query_map([budget_year], |row| row.get(0))?
            .collect::<Result<Vec<i64>, _>>()?;
        Ok(ids.into_iter().map(EntryId).collect())
    }
}
