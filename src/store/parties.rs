//! The `party` table, and `party_change`: a party as it was added, and each change of it
//! in force from its date. A party as it stands is its row with its changes applied in the
//! order of their dates, so the same changes give the same party whatever order they were
//! recorded in.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::corrupt;
use super::{text_to_date, Store, StoreError, Tx};
use crate::domain::party::{Language, Party, PartyChange, PartyKind};
use crate::ledger::PartyCode;

/// One recorded change of a party: what changed, from when, who recorded it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyChangeRow {
    pub party: PartyCode,
    pub effective_on: NaiveDate,
    pub change: PartyChange,
    pub changed: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

const CHANGE_COLUMNS: &str = "party, effective_on, name, kind, deposited_on, in_force_on, \
                              address, email, language, changed, created_at, created_by";

fn change_from_row(row: &Row<'_>) -> Result<PartyChangeRow, StoreError> {
    let party: String = row.get(0)?;
    let effective_on: String = row.get(1)?;
    let date = |index: usize| -> Result<Option<NaiveDate>, StoreError> {
        let text: Option<String> = row.get(index)?;
        text.as_deref().map(text_to_date).transpose()
    };
    let kind: Option<String> = row.get(3)?;
    let language: Option<String> = row.get(8)?;
    Ok(PartyChangeRow {
        party: party.parse()?,
        effective_on: text_to_date(&effective_on)?,
        change: PartyChange {
            name: row.get(2)?,
            kind: kind
                .as_deref()
                .map(str::parse::<PartyKind>)
                .transpose()
                .map_err(corrupt)?,
            deposited_on: date(4)?,
            in_force_on: date(5)?,
            address: row.get(6)?,
            email: row.get(7)?,
            language: language
                .as_deref()
                .map(str::parse::<Language>)
                .transpose()
                .map_err(corrupt)?,
        },
        changed: row.get(9)?,
        recorded_at: row.get(10)?,
        recorded_by: row.get(11)?,
    })
}

/// The changes of one party (or every party), in the order they apply; only those in force
/// by `until` when it is given.
fn changes(
    conn: &Connection,
    party: Option<&PartyCode>,
    until: Option<NaiveDate>,
) -> Result<Vec<PartyChangeRow>, StoreError> {
    let sql = format!(
        "SELECT {CHANGE_COLUMNS} FROM party_change
         WHERE (?1 IS NULL OR party = ?1) AND (?2 IS NULL OR effective_on <= ?2)
         ORDER BY party, effective_on, id"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(params![
        party.map(PartyCode::as_str),
        until.map(|d| d.to_string())
    ])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(change_from_row(row)?);
    }
    Ok(found)
}

/// `parties` with their changes (in force by `until`, or all) applied.
fn with_changes(
    conn: &Connection,
    mut parties: Vec<Party>,
    only: Option<&PartyCode>,
    until: Option<NaiveDate>,
) -> Result<Vec<Party>, StoreError> {
    let changes = changes(conn, only, until)?;
    if changes.is_empty() {
        return Ok(parties);
    }
    for party in &mut parties {
        let code = party.code.clone();
        for row in changes.iter().filter(|row| row.party == code) {
            party.apply(&row.change);
        }
    }
    Ok(parties)
}

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
    find_on(conn, code, None)
}

/// The party as it stands on `until` (with every change when `None`).
fn find_on(
    conn: &Connection,
    code: &PartyCode,
    until: Option<NaiveDate>,
) -> Result<Option<Party>, StoreError> {
    let Some(party) = find_added(conn, code)? else {
        return Ok(None);
    };
    Ok(with_changes(conn, vec![party], Some(code), until)?.pop())
}

fn find_added(conn: &Connection, code: &PartyCode) -> Result<Option<Party>, StoreError> {
    let sql = format!("SELECT {PARTY_COLUMNS} FROM party WHERE code = ?1");
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query([code.as_str()])?;
    match rows.next()? {
        Some(row) => Ok(Some(party_from_row(row)?)),
        None => Ok(None),
    }
}

fn all(conn: &Connection) -> Result<Vec<Party>, StoreError> {
    all_until(conn, None)
}

/// Every party, by code, as it stood on `date`.
pub(super) fn all_on(conn: &Connection, date: NaiveDate) -> Result<Vec<Party>, StoreError> {
    all_until(conn, Some(date))
}

/// Every party, by code, with its changes up to `until` (all when `None`).
fn all_until(conn: &Connection, until: Option<NaiveDate>) -> Result<Vec<Party>, StoreError> {
    let sql = format!("SELECT {PARTY_COLUMNS} FROM party ORDER BY code");
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query([])?;
    let mut parties = Vec::new();
    while let Some(row) = rows.next()? {
        parties.push(party_from_row(row)?);
    }
    with_changes(conn, parties, None, until)
}

impl Store {
    /// Every party, by code.
    pub fn parties(&self) -> Result<Vec<Party>, StoreError> {
        all(&self.conn)
    }

    pub fn party(&self, code: &PartyCode) -> Result<Option<Party>, StoreError> {
        find(&self.conn, code)
    }

    /// The party as it stood on `date`: its address, e-mail and language then.
    pub fn party_on(&self, code: &PartyCode, date: NaiveDate) -> Result<Option<Party>, StoreError> {
        find_on(&self.conn, code, Some(date))
    }

    /// The recorded changes of a party (or of every party), in the order they apply.
    pub fn party_changes(
        &self,
        party: Option<&PartyCode>,
    ) -> Result<Vec<PartyChangeRow>, StoreError> {
        changes(&self.conn, party, None)
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

    /// The party as it stood on `date`, as this transaction sees it.
    pub fn party_on(&self, code: &PartyCode, date: NaiveDate) -> Result<Option<Party>, StoreError> {
        find_on(&self.tx, code, Some(date))
    }

    /// Records a change of a party in force from `effective_on`.
    pub fn insert_party_change(
        &self,
        party: &PartyCode,
        effective_on: NaiveDate,
        change: &PartyChange,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO party_change ({CHANGE_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        );
        self.tx.prepare_cached(&sql)?.execute(params![
            party.as_str(),
            effective_on.to_string(),
            change.name,
            change.kind.map(|k| k.as_str()),
            change.deposited_on.map(|d| d.to_string()),
            change.in_force_on.map(|d| d.to_string()),
            change.address,
            change.email,
            change.language.map(|l| l.as_str()),
            change.changed(),
            self.actor.at,
            self.actor.user,
        ])?;
        Ok(())
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
