//! The `party` table.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::corrupt;
use super::{text_to_date, Store, StoreError, Tx};
use crate::domain::party::{Party, PartyKind};
use crate::ledger::PartyCode;

const PARTY_COLUMNS: &str = "code, name, kind, deposited_on, in_force_on, address, email, language";

fn party_from_row(row: &Row<'_>) -> Result<Party, StoreError> {
    let code: String = row.get(0)?;
    let kind: String = row.get(2)?;
    let language: String = row.get(7)?;
    let date = |index: usize| -> Result<_, StoreError> {
        let text: Option<String> = row.get(index)?;
        text.as_deref().map(text_to_date).transpose()
    };
    Ok(Party {
        code: code.parse()?,
        name: row.get(1)?,
        kind: kind.parse::<PartyKind>().map_err(corrupt)?,
        deposited_on: date(3)?,
        in_force_on: date(4)?,
        address: row.get(5)?,
        email: row.get(6)?,
        language: language.parse().map_err(corrupt)?,
    })
}

pub(super) fn find(conn: &Connection, code: &PartyCode) -> Result<Option<Party>, StoreError> {
    let sql = format!("SELECT {PARTY_COLUMNS} FROM party WHERE code = ?1");
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query([code.as_str()])?;
    match rows.next()? {
        Some(row) => Ok(Some(party_from_row(row)?)),
        None => Ok(None),
    }
}

fn all(conn: &Connection) -> Result<Vec<Party>, StoreError> {
    let sql = format!("SELECT {PARTY_COLUMNS} FROM party ORDER BY code");
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query([])?;
    let mut parties = Vec::new();
    while let Some(row) = rows.next()? {
        parties.push(party_from_row(row)?);
    }
    Ok(parties)
}

impl Store {
    /// Every party, by code.
    pub fn parties(&self) -> Result<Vec<Party>, StoreError> {
        all(&self.conn)
    }

    pub fn party(&self, code: &PartyCode) -> Result<Option<Party>, StoreError> {
        find(&self.conn, code)
    }
}

impl Tx<'_> {
    /// Every party, by code.
    pub fn parties(&self) -> Result<Vec<Party>, StoreError> {
        all(&self.tx)
    }

    pub fn party(&self, code: &PartyCode) -> Result<Option<Party>, StoreError> {
        find(&self.tx, code)
    }

    /// Adds a party; refuses a code that is already taken.
    pub fn insert_party(&self, party: &Party) -> Result<(), StoreError> {
        let existing: Option<String> = self
            .tx
            .query_row(
                "SELECT name FROM party WHERE code = ?1",
                [party.code.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(name) = existing {
            return Err(StoreError::PartyExists {
                code: party.code.clone(),
                name,
            });
        }
        let sql = format!(
            "INSERT INTO party ({PARTY_COLUMNS}, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        );
        self.tx.prepare_cached(&sql)?.execute(params![
            party.code.as_str(),
            party.name,
            party.kind.as_str(),
            party.deposited_on.map(|d| d.to_string()),
            party.in_force_on.map(|d| d.to_string()),
            party.address,
            party.email,
            party.language.as_str(),
            self.actor.at,
            self.actor.user,
        ])?;
        Ok(())
    }
}
