//! The `setting` table: the books' identity, every value ever set, the latest of a key in
//! force.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError, Tx};
use crate::domain::settings::{Identity, SettingKey};
use crate::money::Currency;

/// One value set, with who set it and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SettingRow {
    pub key: String,
    pub value: String,
    pub set_at: String,
    pub set_by: String,
}

fn history(conn: &rusqlite::Connection) -> Result<Vec<SettingRow>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT key, value, created_at, created_by FROM setting ORDER BY id")?;
    let rows = statement
        .query_map([], |row| {
            Ok(SettingRow {
                key: row.get(0)?,
                value: row.get(1)?,
                set_at: row.get(2)?,
                set_by: row.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The value in force of each key: the latest set.
fn in_force(rows: Vec<SettingRow>) -> BTreeMap<String, SettingRow> {
    rows.into_iter().map(|row| (row.key.clone(), row)).collect()
}

impl Store {
    /// Every value ever set, oldest first.
    pub fn setting_history(&self) -> Result<Vec<SettingRow>, StoreError> {
        history(&self.conn)
    }

    /// The value in force of each key that was set, by key.
    pub fn settings(&self) -> Result<BTreeMap<String, SettingRow>, StoreError> {
        Ok(in_force(history(&self.conn)?))
    }

    /// The books' identity: the settings in force over the built-in defaults.
    pub fn identity(&self) -> Result<Identity, StoreError> {
        identity_of(&self.conn)
    }

    /// The book currency (see `book_currency`).
    pub fn currency(&self) -> Result<Currency, StoreError> {
        book_currency(&self.conn)
    }
}

fn has_entries(conn: &rusqlite::Connection) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM entry) OR EXISTS (SELECT 1 FROM budget)")?
        .query_row([], |row| row.get(0))?)
}

/// The value in force of `key`: the latest set, if any.
fn value_in_force(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM setting WHERE key = ?1 ORDER BY id DESC LIMIT 1")?
        .query_row([key], |row| row.get(0))
        .optional()?)
}

/// The book currency: the `currency` setting in force, CHF when none was set. A value
/// that is not a currency (changed behind the program's back) is refused, never read as
/// CHF.
pub(crate) fn book_currency(conn: &rusqlite::Connection) -> Result<Currency, StoreError> {
    match value_in_force(conn, "currency")? {
        None => Ok(Currency::CHF),
        Some(code) => code
            .parse()
            .map_err(|_| super::corrupt(format!("the book currency '{code}'"))),
    }
}

fn identity_of(conn: &rusqlite::Connection) -> Result<Identity, StoreError> {
    Ok(Identity::from_values(
        in_force(history(conn)?)
            .into_iter()
            .map(|(key, row)| (key, row.value))
            .collect(),
    ))
}

impl Tx<'_> {
    /// The books' identity as this transaction sees it.
    pub fn identity(&self) -> Result<Identity, StoreError> {
        identity_of(&self.tx)
    }

    /// The book currency as this transaction sees it.
    pub fn currency(&self) -> Result<Currency, StoreError> {
        book_currency(&self.tx)
    }

    /// Whether anything has been booked (an entry or a budget): the book currency is fixed
    /// from then on.
    pub fn has_entries(&self) -> Result<bool, StoreError> {
        has_entries(&self.tx)
    }

    /// Sets `key` to `value` (already checked); returns whether it changed (setting the
    /// value in force again writes nothing).
    pub fn set_setting(&self, key: &SettingKey, value: &str) -> Result<bool, StoreError> {
        if value_in_force(&self.tx, key.as_str())?.as_deref() == Some(value) {
            return Ok(false);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO setting (key, value, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![key.as_str(), value, self.actor.at, self.actor.user])?;
        Ok(true)
    }
}
