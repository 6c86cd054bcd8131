//! The parties: adding one, importing a file of them, listing them.

use std::io::BufRead;
use std::path::Path;

use chrono::NaiveDate;

use super::csv_in::CsvInput;
use super::Books;
use crate::domain::parse_date;
use crate::domain::party::{Party, PartyInput};
use crate::reports::parties::{party_list, PartyList};
use crate::store::{Actor, Tx};

/// The columns of `party import`; only `code` is required.
pub const PARTY_COLUMNS_REQUIRED: [&str; 1] = ["code"];
pub const PARTY_COLUMNS_OPTIONAL: [&str; 7] = [
    "name",
    "kind",
    "deposited",
    "in_force",
    "address",
    "email",
    "language",
];

/// Opens a file of parties, its header checked.
pub fn open_party_csv(path: &Path) -> anyhow::Result<CsvInput> {
    CsvInput::open(path, &PARTY_COLUMNS_REQUIRED, &PARTY_COLUMNS_OPTIONAL)
}

/// Reads parties from CSV text (for the built-in example).
pub fn party_csv_from(name: &str, source: impl BufRead + 'static) -> anyhow::Result<CsvInput> {
    CsvInput::from_reader(
        name.to_string(),
        source,
        &PARTY_COLUMNS_REQUIRED,
        &PARTY_COLUMNS_OPTIONAL,
    )
}

/// Adds every party of the file in the given transaction; returns how many.
pub fn import_parties(tx: &Tx<'_>, mut csv: CsvInput) -> anyhow::Result<usize> {
    let mut count = 0;
    while let Some(row) = csv.next_row()? {
        (|| -> anyhow::Result<()> {
            let date = |column: &str| row.optional(column).map(parse_date).transpose();
            let party = Party::new(PartyInput {
                code: row.required("code")?.to_string(),
                name: row.optional("name").map(str::to_string),
                kind: row.optional("kind").map(str::to_string),
                deposited_on: date("deposited")?,
                in_force_on: date("in_force")?,
                address: row.optional("address").map(str::to_string),
                email: row.optional("email").map(str::to_string),
                language: row.optional("language").map(str::to_string),
            })?;
            tx.insert_party(&party)?;
            Ok(())
        })()
        .map_err(|e| row.error(format!("{e:#}")))?;
        count += 1;
    }
    Ok(count)
}

impl Books {
    /// Adds one party in its own transaction.
    pub fn add_party(&mut self, actor: Actor, party: &Party) -> anyhow::Result<()> {
        let tx = self.store.begin(actor)?;
        tx.insert_party(party)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds every party of a file in one transaction: all or nothing. Returns how many.
    pub fn import_parties(&mut self, actor: Actor, csv: CsvInput) -> anyhow::Result<usize> {
        let tx = self.store.begin(actor)?;
        let count = import_parties(&tx, csv)?;
        tx.commit()?;
        Ok(count)
    }

    /// The parties, with their standing on `as_of`.
    pub fn party_list(&self, as_of: NaiveDate) -> anyhow::Result<PartyList> {
        Ok(party_list(as_of, self.store.parties()?))
    }
}
