//! The `setting` table: the books' identity, every value ever set, the latest of a key in
//! force.

use std::collections::BTreeMap;

use rusqlite::params;

use super::{Store, StoreError, Tx};
use crate::domain::settings::{Identity, SettingKey};

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

    /// Sets `key` to `value` (already checked); returns whether it changed (setting the
    /// value in force again writes nothing).
    pub fn set_setting(&self, key: &SettingKey, value: &str) -> Result<bool, StoreError> {
        let current: Option<String> = self
            .tx
            .prepare_cached("SELECT value FROM setting WHERE key = ?1 ORDER BY id DESC LIMIT 1")?
            .query_row([key.as_str()], |row| row.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        if current.as_deref() == Some(value) {
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
