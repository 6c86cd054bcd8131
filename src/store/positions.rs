//! What parties owe, have paid and hold, read from the running balances of the
//! contribution accounts: income from contributions, each party's receivable and each
//! party's credit. Everything is in the book currency.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

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
    // Each key of the contribution accounts (the years up to `max_year` of what is owed,
    // every year of the credits held), with its total.
    let mut keys = conn.prepare_cached(&format!(
        "WITH acc AS (SELECT id, name, name GLOB 'liabilities:prepaid:*' AS credit
                      FROM account WHERE {CONTRIBUTION_ACCOUNTS_SQL})
         SELECT k.budget_year, k.account_id, k.fund, k.party, acc.name,
                k.debit_minor, k.credit_minor
         FROM account_total k JOIN acc ON acc.id = k.account_id
         WHERE k.currency = ?2 AND (acc.credit OR k.budget_year <= ?1)"
    ))?;
    // On or after the last day anything was posted, the totals are the balances; before
    // it, each key's running sums on `until`: one index seek per key, whatever was
    // posted after.
    let last_posted: Option<String> = conn
        .prepare_cached("SELECT max(posted_on) FROM account_balance")?
        .query_row([], |row| row.get(0))?;
    let until_text = until.to_string();
    let totals_hold = last_posted.is_none_or(|last| last <= until_text);
    let mut on_date = conn.prepare_cached(
        "SELECT debit_minor, credit_minor FROM account_running
         WHERE budget_year = ?1 AND account_id = ?2 AND fund = ?3 AND party = ?4
           AND currency = ?6 AND posted_on <= ?5
         ORDER BY posted_on DESC LIMIT 1",
    )?;
    let mut sums: BTreeMap<(i32, String, String), (i64, i64)> = BTreeMap::new();
    let currency = super::settings::book_currency(conn)?;
    let mut rows = keys.query(params![max_year, currency.as_str()])?;
    while let Some(row) = rows.next()? {
        let (year, account_id, fund, party, name): (i32, i64, String, String, String) = (
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
        );
        let (debit, credit): (i64, i64) = if totals_hold {
            (row.get(5)?, row.get(6)?)
        } else {
            on_date
                .query_row(
                    params![year, account_id, fund, party, until_text, currency.as_str()],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?
                .unwrap_or((0, 0))
        };
        let sum = sums.entry((year, name, party)).or_default();
        // Each is at most the account's total, which fits; their sum over funds too.
        *sum = (
            sum.0.checked_add(debit).ok_or_else(overflow)?,
            sum.1.checked_add(credit).ok_or_else(overflow)?,
        );
    }
    let mut list = Vec::new();
    for ((budget_year, account, party), (debit_minor, credit_minor)) in sums {
        if debit_minor == 0 && credit_minor == 0 {
            continue;
        }
        list.push(PositionRow {
            budget_year,
            account: account.parse()?,
            party: if party.is_empty() {
                None
            } else {
                Some(party.parse()?)
            },
            debit_minor,
            credit_minor,
        });
    }
    Ok(list)
}

/// The error of sums beyond 64 bits, which the stored totals rule out.
fn overflow() -> StoreError {
    StoreError::Corrupt(
        "the contribution balances add up beyond what the ledger can hold; run `isu-ledger \
         verify`"
            .to_string(),
    )
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
