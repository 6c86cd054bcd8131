//! Reads for `export`: the facts a journal file declares up front (accounts, currencies,
//! the earliest date) and every entry with its transfers, streamed one entry at a time so
//! that memory does not grow with the ledger.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use super::corrupt;
use super::entries::{entry_of, transfer_of, ENTRY_COLUMNS, TRANSFER_COLUMNS};
use super::{text_to_date, Store, StoreError};
use crate::ledger::{AccountName, Entry, EntryId};
use crate::money::Currency;

/// What an exported journal declares before its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFacts {
    /// Every account opened in the ledger, by name.
    pub accounts: Vec<AccountName>,
    /// Every currency that has moved, in code order.
    pub currencies: Vec<Currency>,
    /// The date of the earliest entry, if there is any.
    pub first_date: Option<NaiveDate>,
}

impl Store {
    pub fn export_facts(&self) -> Result<ExportFacts, StoreError> {
        let mut accounts = Vec::new();
        let mut statement = self
            .conn
            .prepare("SELECT name FROM account ORDER BY name")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let name: String = row.get(0)?;
            accounts.push(name.parse()?);
        }
        // The running totals name every currency that has moved, in a few rows.
        let mut currencies = Vec::new();
        let mut statement = self
            .conn
            .prepare("SELECT DISTINCT currency FROM account_total ORDER BY currency")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let code: String = row.get(0)?;
            currencies.push(code.parse::<Currency>().map_err(corrupt)?);
        }
        let first: Option<String> = self
            .conn
            .query_row("SELECT min(posted_on) FROM account_balance", [], |row| {
                row.get(0)
            })
            .optional()?
            .flatten();
        Ok(ExportFacts {
            accounts,
            currencies,
            first_date: first.as_deref().map(text_to_date).transpose()?,
        })
    }

    /// Calls `each` with every entry and its transfers, in the order they were recorded.
    /// Given a budget year, only the transfers that count for it are passed, and only the
    /// entries that have some. Stops at the first error `each` returns.
    pub fn for_each_entry<E: From<StoreError>>(
        &self,
        budget_year: Option<i32>,
        mut each: impl FnMut(&Entry) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut statement = self
            .conn
            .prepare(&format!(
                "SELECT {ENTRY_COLUMNS}, {TRANSFER_COLUMNS}
                 FROM entry e
                 JOIN transfer t ON t.entry_id = e.id
                 JOIN account d ON d.id = t.debit_account_id
                 JOIN account c ON c.id = t.credit_account_id
                 WHERE ?1 IS NULL OR coalesce(t.budget_year, e.budget_year) = ?1
                 ORDER BY e.id, t.id"
            ))
            .map_err(StoreError::from)?;
        let mut rows = statement.query([budget_year]).map_err(StoreError::from)?;
        let mut current: Option<Entry> = None;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let id = EntryId(row.get(0).map_err(StoreError::from)?);
            if current.as_ref().is_some_and(|entry| entry.id != id) {
                each(current.as_ref().expect("checked above"))?;
                current = None;
            }
            if current.is_none() {
                current = Some(entry_of(row)?);
            }
            let transfer = transfer_of(row, 14)?;
            current
                .as_mut()
                .expect("set above")
                .recorded
                .transfers
                .push(transfer);
        }
        if let Some(entry) = &current {
            each(entry)?;
        }
        Ok(())
    }
}
