//! The journal read a page at a time: entries in date order with their transfers, filtered
//! in SQL and handed on one by one as they are read, so that memory does not grow with the
//! ledger.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::entries::{entry_of, transfer_of, ENTRY_COLUMNS, TRANSFER_COLUMNS};
use super::{Store, StoreError};
use crate::ledger::{Entry, EntryId, EntryKind, PartyCode, Transfer};

/// Which entries the journal lists. Every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalFilter {
    pub party: Option<PartyCode>,
    pub budget_year: Option<i32>,
    /// Entries dated on or after this day.
    pub from: Option<NaiveDate>,
    /// Entries dated on or before this day.
    pub until: Option<NaiveDate>,
    /// Entries with a transfer to or from this account or an account below it
    /// (`assets:bank` holds `assets:bank:chf`, not `assets:banking`).
    pub account: Option<String>,
    pub kind: Option<EntryKind>,
    /// Entries whose reference contains this text.
    pub reference: Option<String>,
}

/// Which of the selected entries to read: `limit` of them (all when `None`) after
/// skipping `offset`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: Option<u64>,
}

/// The accounts named by `?1` or below it.
const ACCOUNTS_UNDER: &str =
    "SELECT id FROM account WHERE name = ?1 OR substr(name, 1, length(?1) + 1) = ?1 || ':'";

/// The condition `JournalFilter` puts on `entry e`, with its parameters `?1` to `?7`.
fn condition() -> String {
    let under = ACCOUNTS_UNDER.replace("?1", "?7");
    format!(
        "(?1 IS NULL OR e.party = ?1)
         AND (?2 IS NULL OR e.budget_year = ?2)
         AND (?3 IS NULL OR e.entry_date >= ?3)
         AND (?4 IS NULL OR e.entry_date <= ?4)
         AND (?5 IS NULL OR e.kind = ?5)
         AND (?6 IS NULL OR instr(e.reference, ?6) > 0)
         AND (?7 IS NULL OR EXISTS (
             SELECT 1 FROM transfer t
             WHERE t.entry_id = e.id
               AND (t.debit_account_id IN ({under}) OR t.credit_account_id IN ({under}))))"
    )
}

/// The parameters `?1` to `?7` of `condition`.
struct Bound {
    party: Option<String>,
    budget_year: Option<i32>,
    from: Option<String>,
    until: Option<String>,
    kind: Option<&'static str>,
    reference: Option<String>,
    account: Option<String>,
}

impl Bound {
    fn of(filter: &JournalFilter) -> Bound {
        Bound {
            party: filter.party.as_ref().map(|p| p.as_str().to_string()),
            budget_year: filter.budget_year,
            from: filter.from.map(|d| d.to_string()),
            until: filter.until.map(|d| d.to_string()),
            kind: filter.kind.map(|k| k.as_str()),
            reference: filter.reference.clone(),
            account: filter.account.clone(),
        }
    }

    fn params(&self) -> [&dyn rusqlite::ToSql; 7] {
        [
            &self.party,
            &self.budget_year,
            &self.from,
            &self.until,
            &self.kind,
            &self.reference,
            &self.account,
        ]
    }
}

/// The transfers of one entry, in the order they were recorded.
pub(super) fn transfers_of(conn: &Connection, id: EntryId) -> Result<Vec<Transfer>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {TRANSFER_COLUMNS}
         FROM transfer t
         JOIN account d ON d.id = t.debit_account_id
         JOIN account c ON c.id = t.credit_account_id
         WHERE t.entry_id = ?1 ORDER BY t.id"
    ))?;
    let mut rows = statement.query([id.0])?;
    let mut transfers = Vec::new();
    while let Some(row) = rows.next()? {
        transfers.push(transfer_of(row, 0)?);
    }
    Ok(transfers)
}

fn sql_count(n: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n} is too large")))
}

impl Store {
    /// Calls `each` with the entries the filter selects, by date and then by id, each
    /// with its transfers, a page of them: only the entry being handed on is held. Stops
    /// at the first error `each` returns.
    pub fn for_each_journal_entry<E: From<StoreError>>(
        &self,
        filter: &JournalFilter,
        page: Page,
        mut each: impl FnMut(Entry) -> Result<(), E>,
    ) -> Result<(), E> {
        let bound = Bound::of(filter);
        // SQLite reads a negative limit as none.
        let limit = match page.limit {
            Some(limit) => sql_count(limit, "limit")?,
            None => -1,
        };
        let offset = sql_count(page.offset, "offset")?;
        let mut statement = self
            .conn
            .prepare(&format!(
                "SELECT {ENTRY_COLUMNS} FROM entry e WHERE {}
                 ORDER BY e.entry_date, e.id LIMIT ?8 OFFSET ?9",
                condition()
            ))
            .map_err(StoreError::from)?;
        let [p1, p2, p3, p4, p5, p6, p7] = bound.params();
        let params: [&dyn rusqlite::ToSql; 9] = [p1, p2, p3, p4, p5, p6, p7, &limit, &offset];
        let mut rows = statement.query(&params[..]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let mut entry = entry_of(row)?;
            entry.recorded.transfers = transfers_of(&self.conn, entry.id)?;
            each(entry)?;
        }
        Ok(())
    }

    /// How many entries the filter selects.
    pub fn journal_count(&self, filter: &JournalFilter) -> Result<u64, StoreError> {
        let bound = Bound::of(filter);
        let count: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM entry e WHERE {}", condition()),
            &bound.params()[..],
            |row| row.get(0),
        )?;
        u64::try_from(count).map_err(|_| StoreError::Corrupt("a negative count".into()))
    }

    /// Every entry the filter selects, by date and then by id, with its transfers. The
    /// whole list is held: for the few entries of a narrow filter, or in tests.
    pub fn journal(&self, filter: &JournalFilter) -> Result<Vec<Entry>, StoreError> {
        let mut entries = Vec::new();
        self.for_each_journal_entry(filter, Page::default(), |entry| {
            entries.push(entry);
            Ok::<(), StoreError>(())
        })?;
        Ok(entries)
    }

    /// Whether an account is named `name` or lies below it.
    pub fn has_account_under(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            &format!("SELECT EXISTS ({ACCOUNTS_UNDER})"),
            [name],
            |row| row.get(0),
        )?)
    }
}
