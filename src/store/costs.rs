//! The `cost_line` table: which budget line a cost counts against, and what has been spent
//! per line of a year.

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::corrupt;
use super::{Store, StoreError, Tx, RUNNING_ON_DATE};
use crate::ledger::{AccountName, EntryId};
use crate::money::{Currency, Money};

/// What was spent against one budget line of a year, through one currency: the book currency
/// booked to the expense accounts (the column `chf_minor`, named when the books were in CHF
/// only), and the amount paid in the original currency when it is another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpentRow {
    pub line: String,
    pub spent_book: Money,
    /// The amount paid in another currency, `None` for costs paid in the book currency.
    pub paid_original: Option<Money>,
}

/// The error of a report that finds what it sums posted to an account the ledger no longer
/// holds.
fn missing_account(what: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "{what} is posted to an account missing from the ledger (the file was changed outside \
         isu-ledger); run `isu-ledger verify`"
    ))
}

/// Per line and currency paid, the costs of `budget_year` dated on or before `until`, net of
/// their reversals (a reversal counts against the line of the entry it reverses). Closing
/// entries are not spending.
///
/// It reads the running sums of `cost_running` on `until`: one row per line and currency,
/// however many costs the year has.
fn load_spent(
    conn: &Connection,
    budget_year: i32,
    until: NaiveDate,
) -> Result<Vec<SpentRow>, StoreError> {
    // SQLite takes the other columns of a group from the row whose `max` it returns: the
    // sums on the latest date on or before `until`.
    let mut statement = conn.prepare_cached(
        "SELECT line, currency, chf_minor, original_minor, max(posted_on) FROM cost_running
         WHERE budget_year = ?1 AND posted_on <= ?2
         GROUP BY line, currency
         ORDER BY line, currency",
    )?;
    let rows = statement
        .query_map(params![budget_year, until.to_string()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let book = super::settings::book_currency(conn)?;
    rows.into_iter()
        .map(|(line, currency, chf, original)| {
            let currency: Currency = currency.parse().map_err(corrupt)?;
            Ok(SpentRow {
                line,
                spent_book: Money::from_minor(chf, book),
                paid_original: (currency != book).then(|| Money::from_minor(original, currency)),
            })
        })
        .collect()
}

/// The book currency each cost, close, or reversal of either moved on each account for its own budget
/// year, as credits less debits, per transfer leg (`recorded`: entry id, budget year, date,
/// account, net). `only` is an SQL condition on the entry `e` (`true` for all).
pub(super) fn expense_recorded_sql(only: &str, book: Currency) -> String {
    let legs = |account: &str, net: &str| {
        format!(
            "SELECT e.id, e.budget_year, e.entry_date AS posted_on, t.{account} AS account_id,
                    {net} AS net_minor
             FROM entry e JOIN transfer t ON t.entry_id = e.id
             WHERE (e.kind IN ('cost', 'close')
                    OR (e.kind = 'reversal'
                        AND EXISTS (SELECT 1 FROM entry o
                                    WHERE o.id = e.reverses AND o.kind IN ('cost', 'close'))))
               AND t.currency = '{book}' AND coalesce(t.budget_year, e.budget_year) = e.budget_year
               AND {only}"
        )
    };
    format!(
        "recorded AS ({} UNION ALL {})",
        legs("debit_account_id", "-t.amount_minor"),
        legs("credit_account_id", "t.amount_minor")
    )
}

/// What each cost, or reversal of a cost, spent against its line, per entry: the budget
/// year and line it counts against, its date, the currency it was paid in (the book currency
/// when no bank account is named), the book currency booked to expense accounts and the amount paid in the
/// other currency. `only` is an SQL condition on the entry id `c.id` (`true` for all).
///
/// A cost counts against the line of its `cost_line` row when it counts against that
/// row's year and is not a close; a reversal of a cost counts against the reversed cost's
/// line, for the reversal's own year.
pub(super) fn spent_by_entry_sql(only: &str, book: Currency) -> String {
    format!(
        "costs AS (
             SELECT e.id, cl.budget_year, cl.line, e.entry_date AS posted_on
             FROM cost_line cl JOIN entry e ON e.id = cl.entry_id
             WHERE e.budget_year = cl.budget_year AND e.kind <> 'close'
             UNION ALL
             SELECT r.id, r.budget_year, ol.line, r.entry_date
             FROM entry r JOIN cost_line ol ON ol.entry_id = r.reverses
             WHERE r.kind = 'reversal'),
         legs AS (
             SELECT c.id, c.budget_year, c.line, c.posted_on, t.currency, t.amount_minor,
                    d.name AS debit, k.name AS credit
             FROM costs c
             JOIN transfer t ON t.entry_id = c.id
             LEFT JOIN account d ON d.id = t.debit_account_id
             LEFT JOIN account k ON k.id = t.credit_account_id
             WHERE {only}),
         spent AS (
             SELECT budget_year, line, posted_on,
                    coalesce(max(CASE WHEN substr(debit, 1, 12) = 'assets:bank:'
                                        OR substr(credit, 1, 12) = 'assets:bank:'
                                      THEN currency END), '{book}') AS currency,
                    sum(CASE WHEN currency = '{book}' AND substr(debit, 1, 9) = 'expenses:'
                             THEN amount_minor
                             WHEN currency = '{book}' AND substr(credit, 1, 9) = 'expenses:'
                             THEN -amount_minor ELSE 0 END) AS chf_minor,
                    sum(CASE WHEN currency <> '{book}' AND substr(credit, 1, 12) = 'assets:bank:'
                             THEN amount_minor
                             WHEN currency <> '{book}' AND substr(debit, 1, 12) = 'assets:bank:'
                             THEN -amount_minor ELSE 0 END) AS original_minor,
                    max(debit IS NULL OR credit IS NULL) AS unnamed
             FROM legs
             GROUP BY id, budget_year, line, posted_on)"
    )
}

/// What one expense account was debited, net of credits, in the book currency for a budget year, by
/// entries other than costs (`cost add`, `cost import`), closes and their reversals: the
/// expenses posted by the generic `import`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpensePostedRow {
    pub account: AccountName,
    pub spent_book: Money,
}

/// Per expense account, the book currency posted for `budget_year` by entries dated on or before
/// `until` that are neither costs nor closes (nor reversals of either).
///
/// It reads the running sums of the expense accounts on `until` (one row per key) and takes
/// off the running sums of what the year's costs and closes moved on them
/// (`expense_recorded_running`, one row per account): the work grows with the number of
/// expense accounts, not with the history or the number of costs.
fn load_expenses_posted(
    conn: &Connection,
    budget_year: i32,
    until: NaiveDate,
) -> Result<Vec<ExpensePostedRow>, StoreError> {
    let book = super::settings::book_currency(conn)?;
    let mut statement = conn.prepare_cached(&format!(
        "WITH expense AS (SELECT id, name FROM account WHERE type = 'expenses'),
         booked AS (
             SELECT k.account_id, r.debit_minor - r.credit_minor AS net
             FROM account_total k JOIN account_running r ON {RUNNING_ON_DATE}
             WHERE k.budget_year = ?2 AND k.currency = '{book}'
               AND k.account_id NOT IN (SELECT id FROM account WHERE type <> 'expenses')),
         recorded AS (
             SELECT r.account_id, r.net_minor AS net, max(r.posted_on)
             FROM expense_recorded_running r
             WHERE r.budget_year = ?2 AND r.posted_on <= ?1
             GROUP BY r.account_id)
         SELECT a.name, sum(n.net)
         FROM (SELECT account_id, net FROM booked
               UNION ALL
               SELECT account_id, net FROM recorded) n
         LEFT JOIN expense a ON a.id = n.account_id
         WHERE n.account_id NOT IN (SELECT id FROM account WHERE type <> 'expenses')
         GROUP BY a.name, n.account_id
         HAVING sum(n.net) <> 0
         ORDER BY a.name"
    ))?;
    // The running balances of an account missing from the ledger (deleted behind the
    // program's back) come back without a name: refused, never counted as nothing.
    let rows = statement
        .query_map(params![until.to_string(), budget_year], |row| {
            Ok((row.get::<_, Option<String>>(0)?, row.get::<_, i64>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    if rows.iter().any(|(name, _)| name.is_none()) {
        return Err(missing_account(&format!(
            "an expense of budget year {budget_year}"
        )));
    }
    let rows = rows
        .into_iter()
        .map(|(name, minor)| (name.unwrap_or_default(), minor));
    rows.map(|(account, minor)| {
        Ok(ExpensePostedRow {
            account: account.parse()?,
            spent_book: Money::from_minor(minor, book),
        })
    })
    .collect()
}

/// The names of the lines of the latest approval of a year's budget not withdrawn.
fn load_budget_lines(conn: &Connection, year: i32) -> Result<Vec<String>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT name FROM budget_line
         WHERE year = ?1 AND version = (
             SELECT max(b.version) FROM budget b
             WHERE b.year = ?1 AND NOT EXISTS (
                 SELECT 1 FROM budget_withdrawal w
                 WHERE w.year = b.year AND w.version = b.version))
         ORDER BY rowid",
    )?;
    let lines = statement
        .query_map([year], |row| row.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(lines)
}

impl Store {
    /// What was spent per budget line of `budget_year` by `until`.
    pub fn spent(&self, budget_year: i32, until: NaiveDate) -> Result<Vec<SpentRow>, StoreError> {
        load_spent(&self.conn, budget_year, until)
    }

    /// The expenses of `budget_year` posted by `until` other than costs, per account.
    pub fn expenses_posted(
        &self,
        budget_year: i32,
        until: NaiveDate,
    ) -> Result<Vec<ExpensePostedRow>, StoreError> {
        load_expenses_posted(&self.conn, budget_year, until)
    }
}

impl Tx<'_> {
    /// The lines of the latest approved budget of `year` not withdrawn (none when no budget
    /// was set).
    pub fn budget_lines(&self, year: i32) -> Result<Vec<String>, StoreError> {
        load_budget_lines(&self.tx, year)
    }

    /// Notes the budget line a cost entry counts against.
    pub fn insert_cost_line(
        &self,
        entry: EntryId,
        budget_year: i32,
        line: &str,
        category: &str,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO cost_line (entry_id, budget_year, line, category) VALUES (?1, ?2, ?3, ?4)",
            params![entry.0, budget_year, line, category],
        )?;
        self.add_to_cost_running(entry)
    }

    /// Adds what `entry` moved on each account in the book currency for its own year, if it is a cost, a
    /// close or a reversal of either, to the running sums of `expense_recorded_running`.
    pub(super) fn add_to_expense_recorded(&self, entry: EntryId) -> Result<(), StoreError> {
        let sql = format!(
            "WITH {} SELECT budget_year, account_id, posted_on, sum(net_minor) FROM recorded
                     GROUP BY budget_year, account_id, posted_on",
            expense_recorded_sql("e.id = ?1", self.currency()?)
        );
        let moved = self
            .tx
            .prepare_cached(&sql)?
            .query_map([entry.0], |row| {
                Ok((
                    row.get::<_, i32>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for (year, account, posted_on, net) in moved {
            self.tx
                .prepare_cached(
                    "INSERT INTO expense_recorded_running (budget_year, account_id, posted_on,
                                                           net_minor)
                     SELECT ?1, ?2, ?3, coalesce(max(n), 0)
                     FROM (SELECT net_minor AS n FROM expense_recorded_running
                           WHERE budget_year = ?1 AND account_id = ?2 AND posted_on < ?3
                           ORDER BY posted_on DESC LIMIT 1)
                     WHERE true
                     ON CONFLICT (budget_year, account_id, posted_on) DO NOTHING",
                )?
                .execute(params![year, account, posted_on])?;
            self.tx
                .prepare_cached(
                    "UPDATE expense_recorded_running SET net_minor = net_minor + ?4
                     WHERE budget_year = ?1 AND account_id = ?2 AND posted_on >= ?3",
                )?
                .execute(params![year, account, posted_on, net])?;
        }
        Ok(())
    }

    /// Adds what `entry` spent against a budget line, if it is a cost with its line noted
    /// or a reversal of one, to the running sums of `cost_running`.
    pub(super) fn add_to_cost_running(&self, entry: EntryId) -> Result<(), StoreError> {
        let sql = format!(
            "WITH {} SELECT budget_year, line, currency, posted_on, chf_minor, original_minor,
                            unnamed
                     FROM spent",
            spent_by_entry_sql("c.id = ?1", self.currency()?)
        );
        let spent = self
            .tx
            .prepare_cached(&sql)?
            .query_map([entry.0], |row| {
                Ok((
                    row.get::<_, i32>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    (row.get::<_, i64>(4)?, row.get::<_, i64>(5)?),
                    row.get::<_, bool>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for (year, line, currency, posted_on, (chf, original), unnamed) in spent {
            if unnamed {
                return Err(missing_account(&format!(
                    "a cost of budget year {year} on line {line}"
                )));
            }
            let key = params![year, line, currency, posted_on];
            self.tx
                .prepare_cached(
                    "INSERT INTO cost_running (budget_year, line, currency, posted_on,
                                               chf_minor, original_minor)
                     SELECT ?1, ?2, ?3, ?4, coalesce(max(c), 0), coalesce(max(o), 0)
                     FROM (SELECT chf_minor AS c, original_minor AS o FROM cost_running
                           WHERE budget_year = ?1 AND line = ?2 AND currency = ?3
                             AND posted_on < ?4
                           ORDER BY posted_on DESC LIMIT 1)
                     WHERE true
                     ON CONFLICT (budget_year, line, currency, posted_on) DO NOTHING",
                )?
                .execute(key)?;
            self.tx
                .prepare_cached(
                    "UPDATE cost_running
                     SET chf_minor = chf_minor + ?5, original_minor = original_minor + ?6
                     WHERE budget_year = ?1 AND line = ?2 AND currency = ?3
                       AND posted_on >= ?4",
                )?
                .execute(params![year, line, currency, posted_on, chf, original])?;
        }
        Ok(())
    }
}

impl Tx<'_> {
    /// Whether an entry already carries this reference.
    pub fn reference_exists(&self, reference: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = rusqlite::OptionalExtension::optional(
            self.tx
                .prepare_cached("SELECT id FROM entry WHERE reference = ?1")?
                .query_row([reference], |row| row.get(0)),
        )?;
        Ok(found.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{EntryKind, FundCode, NewEntry, Transfer};
    use crate::store::{Actor, Store};

    /// A ledger with one expense of CHF 10.00 for 2017, posted by the generic import.
    fn ledger_with_an_expense() -> Store {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(Actor::test("2017-03-01T00:00:00Z")).unwrap();
        tx.record_entry(&NewEntry {
            date: NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
            description: "Rent".into(),
            kind: EntryKind::General,
            budget_year: 2017,
            fund: FundCode::isu(),
            party: None,
            reference: Some("R-1".into()),
            reverses: None,
            rate: None,
            transfers: vec![Transfer::new(
                "expenses:office".parse().unwrap(),
                "assets:bank:chf".parse().unwrap(),
                Money::from_minor(1_000, Currency::CHF),
            )],
        })
        .unwrap();
        tx.commit().unwrap();
        store
    }

    #[test]
    fn an_expense_of_an_account_deleted_behind_the_programs_back_is_refused_not_zero() {
        let day = NaiveDate::from_ymd_opt(2017, 12, 31).unwrap();
        let store = ledger_with_an_expense();
        let posted = store.expenses_posted(2017, day).unwrap();
        assert_eq!(posted.len(), 1);
        assert_eq!(
            posted[0].spent_book,
            Money::from_minor(1_000, Currency::CHF)
        );
        store
            .conn
            .execute_batch(
                "PRAGMA foreign_keys = OFF;
                 DELETE FROM account WHERE name = 'expenses:office';",
            )
            .unwrap();
        let error = store.expenses_posted(2017, day).unwrap_err();
        assert!(
            error.to_string().contains("missing from the ledger"),
            "{error}"
        );
    }
}
