//! The parties: adding one, importing a file of them, listing them.

use std::io::BufRead;
use std::path::Path;

use chrono::NaiveDate;

use super::csv_in::CsvInput;
use super::Books;
use crate::domain::parse_date;
use crate::domain::party::{Party, PartyChange, PartyInput, PartyKind, PartyUpdate};
use crate::ledger::PartyCode;
use crate::reports::correspondence::{PartyChangeLine, PartyHistory};
use crate::reports::parties::{party_list, PartyList};
use crate::store::{Actor, StoreError, Tx};

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

/// What `party import` did: parties added, parties changed, rows that changed nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartyImport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Adds every party of the file in the given transaction; returns how many.
pub fn import_parties(tx: &Tx<'_>, csv: CsvInput) -> anyhow::Result<usize> {
    Ok(import_parties_with(tx, csv, None)?.added)
}

/// Adds every party of the file in the given transaction; with `update` (the day the
/// changes take effect), a party already in the books is changed to what the row says
/// (the columns given; an empty cell keeps the value) instead of being refused.
pub fn import_parties_with(
    tx: &Tx<'_>,
    mut csv: CsvInput,
    update: Option<NaiveDate>,
) -> anyhow::Result<PartyImport> {
    let rule = tx.identity()?.entry_into_force_rule();
    let mut summary = PartyImport::default();
    while let Some(row) = csv.next_row()? {
        (|| -> anyhow::Result<()> {
            let date = |column: &str| row.optional(column).map(parse_date).transpose();
            let code: crate::ledger::PartyCode = row.required("code")?.trim().parse()?;
            // The row's columns, for a new party or as a change of one in the books.
            let fields = PartyUpdate {
                name: row.optional("name").map(str::to_string),
                kind: row.optional("kind").map(str::to_string),
                deposited_on: date("deposited")?,
                in_force_on: date("in_force")?,
                address: row.optional("address").map(str::to_string),
                email: row.optional("email").map(str::to_string),
                language: row.optional("language").map(str::to_string),
            };
            let existing = match update {
                Some(effective_on) => tx.party_on(&code, effective_on)?,
                None => None,
            };
            if let (Some(effective_on), Some(existing)) = (update, existing) {
                let change = existing.change(fields, &rule);
                match change {
                    Ok(change) => {
                        tx.insert_party_change(&code, effective_on, &change)?;
                        summary.updated += 1;
                    }
                    Err(crate::domain::DomainError::PartyUnchanged { .. }) => {
                        summary.unchanged += 1;
                    }
                    Err(error) => return Err(error.into()),
                }
                return Ok(());
            }
            let party = Party::with_rule(
                fields.for_new_party(row.required("code")?.to_string()),
                &rule,
            )?;
            tx.insert_party(&party)?;
            summary.added += 1;
            Ok(())
        })()
        .map_err(|e| row.error(format!("{e:#}")))?;
    }
    Ok(summary)
}

/// What a user is told beside a party added or changed, if anything: a State Party whose
/// entry into force is not known is taken to be in force and assessed from the start.
pub fn party_warning(party: &Party) -> Option<String> {
    (party.kind == PartyKind::StateParty && party.in_force_on.is_none()).then(|| {
        format!(
            "warning: {} has no deposit date or entry into force, so it is taken to be in force \
             for every year and assessed from the first; record them with `isu-ledger party \
             update {} --deposited DATE`",
            party.code, party.code
        )
    })
}

impl Books {
    /// Adds one party in its own transaction.
    pub fn add_party(&mut self, actor: Actor, party: &Party) -> anyhow::Result<()> {
        let tx = self.store.begin(actor)?;
        tx.insert_party(party)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds a party from what the user gave, its entry into force by the books' rule;
    /// returns it as recorded.
    pub fn add_party_from(&mut self, actor: Actor, input: PartyInput) -> anyhow::Result<Party> {
        let rule = self.store.identity()?.entry_into_force_rule();
        let party = Party::with_rule(input, &rule)?;
        self.add_party(actor, &party)?;
        Ok(party)
    }

    /// Records a change of a party, in force from `effective_on`; returns the change and
    /// the party as it stands after it (every change applied). What changes is told against
    /// the party as it stood on `effective_on`; an unknown party or nothing to change is
    /// refused.
    pub fn update_party(
        &mut self,
        actor: Actor,
        code: &PartyCode,
        update: PartyUpdate,
        effective_on: NaiveDate,
    ) -> anyhow::Result<(PartyChange, Party)> {
        let rule = self.store.identity()?.entry_into_force_rule();
        let tx = self.store.begin(actor)?;
        // What changes is told against the record as it stands on the day the change takes
        // effect.
        let party = tx
            .party_on(code, effective_on)?
            .ok_or_else(|| StoreError::PartyNotFound { code: code.clone() })?;
        let change = party.change(update, &rule)?;
        tx.insert_party_change(code, effective_on, &change)?;
        let after = tx
            .party(code)?
            .ok_or_else(|| StoreError::PartyNotFound { code: code.clone() })?;
        tx.commit()?;
        Ok((change, after))
    }

    /// Adds every party of a file in one transaction: all or nothing. Returns how many.
    pub fn import_parties(&mut self, actor: Actor, csv: CsvInput) -> anyhow::Result<usize> {
        Ok(self.import_parties_updating(actor, csv, None)?.added)
    }

    /// Adds every party of a file, and with `update` changes those already in the books
    /// from that day; one transaction, all or nothing.
    pub fn import_parties_updating(
        &mut self,
        actor: Actor,
        csv: CsvInput,
        update: Option<NaiveDate>,
    ) -> anyhow::Result<PartyImport> {
        let tx = self.store.begin(actor)?;
        let summary = import_parties_with(&tx, csv, update)?;
        tx.commit()?;
        Ok(summary)
    }

    /// The recorded changes of one party or of all, in the order they apply.
    pub fn party_history(&self, party: Option<&PartyCode>) -> anyhow::Result<PartyHistory> {
        if let Some(code) = party {
            if self.store.party(code)?.is_none() {
                return Err(StoreError::PartyNotFound { code: code.clone() }.into());
            }
        }
        let changes = self
            .store
            .party_changes(party)?
            .into_iter()
            .map(|row| {
                let c = &row.change;
                let mut values = Vec::new();
                let mut push = |field: &str, value: Option<String>| {
                    if let Some(value) = value {
                        values.push(format!("{field}: {value}"));
                    }
                };
                push("name", c.name.clone());
                push("kind", c.kind.map(|k| k.to_string()));
                push("deposited", c.deposited_on.map(|d| d.to_string()));
                push("in_force", c.in_force_on.map(|d| d.to_string()));
                push("address", c.address.clone());
                push("email", c.email.clone());
                push("language", c.language.map(|l| l.as_str().to_string()));
                PartyChangeLine {
                    party: row.party,
                    effective_on: row.effective_on,
                    changed: row.changed,
                    values: values.join("; "),
                    recorded_at: row.recorded_at,
                    recorded_by: row.recorded_by,
                }
            })
            .collect();
        Ok(PartyHistory { changes })
    }

    /// The parties, with their standing on `as_of`.
    pub fn party_list(&self, as_of: NaiveDate) -> anyhow::Result<PartyList> {
        Ok(party_list(as_of, self.store.parties()?))
    }
}
