//! The `entry`, `transfer` and `account` tables, and the running balances each write keeps
//! up to date.

use rusqlite::{params, Connection, OptionalExtension};

use super::corrupt;
use super::journal::transfers_of;
use super::running::Posting;
use super::{parties, text_to_date, Store, StoreError, Tx};
use crate::ledger::{AccountName, Entry, EntryId, EntryKind, FundCode, NewEntry, Transfer};
use crate::money::{Currency, Money, Rate};

/// What `record_entry` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    New(EntryId),
    /// The reference was recorded before with the same content: nothing was written.
    AlreadyRecorded(EntryId),
}

impl Recorded {
    pub fn id(&self) -> EntryId {
        match self {
            Recorded::New(id) | Recorded::AlreadyRecorded(id) => *id,
        }
    }
}

/// The columns `entry_of` reads, from `entry e`: 14 of them.
pub(super) const ENTRY_COLUMNS: &str = "e.id, e.entry_date, e.description, e.kind, \
     e.budget_year, e.fund, e.party, e.reference, e.reverses, e.reason, e.rate, e.entered_at, \
     e.entered_by, (SELECT r.id FROM entry r WHERE r.reverses = e.id)";

/// The columns `transfer_of` reads, from `transfer t` with its debit account `d` and credit
/// account `c`: 5 of them.
pub(super) const TRANSFER_COLUMNS: &str =
    "d.name, c.name, t.amount_minor, t.currency, t.budget_year";

/// An entry, without its transfers, from a row starting with `ENTRY_COLUMNS`.
pub(super) fn entry_of(row: &rusqlite::Row<'_>) -> Result<Entry, StoreError> {
    let date: String = row.get(1)?;
    let kind: String = row.get(3)?;
    let fund: String = row.get(5)?;
    let party: Option<String> = row.get(6)?;
    let reverses: Option<i64> = row.get(8)?;
    let reason: Option<String> = row.get(9)?;
    let rate: Option<String> = row.get(10)?;
    let reversed_by: Option<i64> = row.get(13)?;
    Ok(Entry {
        id: EntryId(row.get(0)?),
        recorded: NewEntry {
            date: text_to_date(&date)?,
            description: row.get(2)?,
            kind: kind.parse::<EntryKind>().map_err(corrupt)?,
            budget_year: row.get(4)?,
            fund: fund.parse()?,
            party: party.map(|p| p.parse()).transpose()?,
            reference: row.get(7)?,
            reverses: reverses.map(|id| (EntryId(id), reason.unwrap_or_default())),
            rate: rate
                .map(|r| r.parse::<Rate>())
                .transpose()
                .map_err(corrupt)?,
            transfers: Vec::new(),
        },
        entered_at: row.get(11)?,
        entered_by: row.get(12)?,
        reversed_by: reversed_by.map(EntryId),
    })
}

/// A transfer from a row holding `TRANSFER_COLUMNS` from column `first` on.
pub(super) fn transfer_of(row: &rusqlite::Row<'_>, first: usize) -> Result<Transfer, StoreError> {
    let debit: String = row.get(first)?;
    let credit: String = row.get(first + 1)?;
    let currency: String = row.get(first + 3)?;
    let currency: Currency = currency.parse().map_err(corrupt)?;
    let mut transfer = Transfer::new(
        debit.parse()?,
        credit.parse()?,
        Money::from_minor(row.get(first + 2)?, currency),
    );
    transfer.budget_year = row.get(first + 4)?;
    Ok(transfer)
}

fn find_entry(conn: &Connection, id: EntryId) -> Result<Option<Entry>, StoreError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM entry e WHERE e.id = ?1");
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query([id.0])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let mut entry = entry_of(row)?;
    entry.recorded.transfers = transfers_of(conn, id)?;
    Ok(Some(entry))
}

impl Store {
    pub fn entry(&self, id: EntryId) -> Result<Option<Entry>, StoreError> {
        find_entry(&self.conn, id)
    }
}

impl Tx<'_> {
    pub fn entry(&self, id: EntryId) -> Result<Option<Entry>, StoreError> {
        find_entry(&self.tx, id)
    }

    /// The id of the latest entry, if any: entries recorded after this call have higher ids.
    pub fn last_entry_id(&self) -> Result<Option<EntryId>, StoreError> {
        let id: Option<i64> = self
            .tx
            .query_row("SELECT max(id) FROM entry", [], |row| row.get(0))?;
        Ok(id.map(EntryId))
    }

    /// Checks that a fund exists, naming the known ones if not.
    pub fn check_fund(&self, fund: &FundCode) -> Result<(), StoreError> {
        let exists: Option<i64> = self
            .tx
            .prepare_cached("SELECT 1 FROM fund WHERE code = ?1")?
            .query_row([fund.as_str()], |row| row.get(0))
            .optional()?;
        if exists.is_some() {
            return Ok(());
        }
        let known: Vec<String> = self
            .tx
            .prepare("SELECT code FROM fund ORDER BY code")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        Err(StoreError::FundNotFound {
            fund: fund.clone(),
            known: known.join(", "),
        })
    }

    /// Stores an entry with its transfers and updates the running balances, all in this
    /// transaction. An entry whose reference is already recorded with the same content is
    /// not written again; with different content it is refused, naming both.
    pub fn record_entry(&self, entry: &NewEntry) -> Result<Recorded, StoreError> {
        self.record_entry_as(entry, &entry.content())
    }

    /// Like `record_entry`, but the entry's reference is compared by `content`, the
    /// canonical text of what was given (a payment), rather than of how it was booked (how
    /// the payment was applied, which depends on the ledger when it was recorded).
    pub fn record_entry_as(&self, entry: &NewEntry, content: &str) -> Result<Recorded, StoreError> {
        entry.validate()?;
        // Nothing is dated in, or counts against, a closed year.
        self.check_years_open(entry)?;
        // A reference recorded before is answered first, as it was recorded: the same
        // content is a no-op, other content a conflict.
        let checked = self.check_party_and_fund(entry);
        if checked.is_err() {
            if let Some(recorded) = self.recorded_before(entry, content)? {
                return Ok(recorded);
            }
            checked?;
        }
        // The insert itself finds a reference recorded before (the common case of a new
        // one costs no second look-up).
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO entry (entry_date, description, kind, budget_year, fund, party,
                                    reference, reverses, reason, rate, content,
                                    entered_at, entered_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (reference) DO NOTHING",
            )?
            .execute(params![
                entry.date.to_string(),
                entry.description.trim(),
                entry.kind.as_str(),
                entry.budget_year,
                entry.fund.as_str(),
                entry.party.as_ref().map(|p| p.as_str()),
                entry.reference,
                entry.reverses.as_ref().map(|(id, _)| id.0),
                entry.reverses.as_ref().map(|(_, reason)| reason.as_str()),
                entry.rate.map(|r| r.to_string()),
                content,
                self.actor.at,
                self.actor.user,
            ])?;
        if inserted == 0 {
            return self
                .recorded_before(entry, content)?
                .ok_or_else(|| StoreError::Corrupt("an entry neither inserted nor found".into()));
        }
        let id = EntryId(self.tx.last_insert_rowid());
        let party = entry.party.as_ref().map_or("", |p| p.as_str());
        // The party's facts read before are no longer all there is.
        self.facts_cache.borrow_mut().remove(party);
        for transfer in &entry.transfers {
            let debit = self.account_id(&transfer.debit)?;
            let credit = self.account_id(&transfer.credit)?;
            let amount = transfer.amount.minor();
            let currency = transfer.amount.currency();
            self.tx
                .prepare_cached(
                    "INSERT INTO transfer (entry_id, debit_account_id, credit_account_id,
                                           amount_minor, currency, budget_year)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    id.0,
                    debit,
                    credit,
                    amount,
                    currency.as_str(),
                    transfer.budget_year
                ])?;
            let year = transfer.year_within(entry.budget_year);
            for (account_id, debit_minor, credit_minor) in [(debit, amount, 0), (credit, 0, amount)]
            {
                self.add_to_running_balances(&Posting {
                    budget_year: year,
                    account_id,
                    posted_on: entry.date,
                    fund: entry.fund.as_str(),
                    party,
                    currency,
                    debit_minor,
                    credit_minor,
                })?;
            }
        }
        // A reversal of a cost takes back what it spent against its line; costs, closes and
        // their reversals are set apart from the other expenses.
        if entry.reverses.is_some() {
            self.add_to_cost_running(id)?;
        }
        if entry.reverses.is_some()
            || matches!(
                entry.kind,
                crate::ledger::EntryKind::Cost | crate::ledger::EntryKind::Close
            )
        {
            self.add_to_expense_recorded(id)?;
        }
        Ok(Recorded::New(id))
    }

    /// What recording `entry` again amounts to when its reference is already recorded: a
    /// no-op with the same content, a conflict with other content.
    fn recorded_before(
        &self,
        entry: &NewEntry,
        content: &str,
    ) -> Result<Option<Recorded>, StoreError> {
        self.recorded_with(&entry.reference, content)
    }

    /// What recording `content` under `reference` again amounts to: nothing to do when it
    /// is recorded with the same content, a conflict with other content, `None` when the
    /// reference is not recorded.
    pub fn recorded_with(
        &self,
        reference: &Option<String>,
        content: &str,
    ) -> Result<Option<Recorded>, StoreError> {
        let Some(reference) = reference else {
            return Ok(None);
        };
        let existing: Option<(i64, String)> = self
            .tx
            .prepare_cached("SELECT id, content FROM entry WHERE reference = ?1")?
            .query_row([reference], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        match existing {
            None => Ok(None),
            Some((id, existing_content)) if existing_content == content => {
                Ok(Some(Recorded::AlreadyRecorded(EntryId(id))))
            }
            Some((id, existing_content)) => Err(StoreError::ReferenceConflict {
                reference: reference.clone(),
                existing: EntryId(id),
                existing_content,
                new_content: content.to_string(),
            }),
        }
    }

    /// Checks that the entry's party and fund exist, asking the database once for each.
    fn check_party_and_fund(&self, entry: &NewEntry) -> Result<(), StoreError> {
        if let Some(party) = &entry.party {
            if !self.known_parties.borrow().contains(party.as_str()) {
                if parties::find(&self.tx, party)?.is_none() {
                    return Err(StoreError::PartyNotFound {
                        code: party.clone(),
                    });
                }
                self.known_parties
                    .borrow_mut()
                    .insert(party.as_str().to_string());
            }
        }
        if !self.known_funds.borrow().contains(entry.fund.as_str()) {
            self.check_fund(&entry.fund)?;
            self.known_funds
                .borrow_mut()
                .insert(entry.fund.as_str().to_string());
        }
        Ok(())
    }

    /// The id of an account, opening it on first use.
    fn account_id(&self, name: &AccountName) -> Result<i64, StoreError> {
        if let Some(id) = self.account_ids.borrow().get(name.as_str()) {
            return Ok(*id);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO account (name, type, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO NOTHING",
            )?
            .execute(params![
                name.as_str(),
                name.account_type().as_str(),
                self.actor.at
            ])?;
        let id: i64 = self
            .tx
            .prepare_cached("SELECT id FROM account WHERE name = ?1")?
            .query_row([name.as_str()], |row| row.get(0))?;
        self.account_ids
            .borrow_mut()
            .insert(name.as_str().to_string(), id);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::party::{Party, PartyInput};
    use crate::ledger::LedgerError;
    use crate::store::Actor;
    use chrono::NaiveDate;

    fn actor() -> Actor {
        Actor::test("2017-03-01T00:00:00Z")
    }

    fn store_with_germany() -> Store {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(actor()).unwrap();
        tx.insert_party(
            &Party::new(PartyInput {
                code: "DEU".into(),
                ..PartyInput::default()
            })
            .unwrap(),
        )
        .unwrap();
        tx.commit().unwrap();
        store
    }

    fn payment(party: &str, minor: i64, reference: Option<&str>) -> NewEntry {
        NewEntry {
            date: NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
            description: "Contribution".into(),
            kind: EntryKind::Contribution,
            budget_year: 2017,
            fund: FundCode::isu(),
            party: Some(party.parse().unwrap()),
            reference: reference.map(str::to_string),
            reverses: None,
            rate: None,
            transfers: vec![Transfer::new(
                "assets:bank:chf".parse().unwrap(),
                "income:contributions:voluntary".parse().unwrap(),
                Money::from_minor(minor, Currency::CHF),
            )],
        }
    }

    #[test]
    fn an_entry_is_stored_and_read_back_whole() {
        let mut store = store_with_germany();
        let tx = store.begin(actor()).unwrap();
        let entry = payment("DEU", 500, Some("B-1"));
        let recorded = tx.record_entry(&entry).unwrap();
        assert_eq!(recorded, Recorded::New(EntryId(1)));
        assert_eq!(tx.last_entry_id().unwrap(), Some(EntryId(1)));
        tx.commit().unwrap();
        let stored = store.entry(EntryId(1)).unwrap().unwrap();
        assert_eq!(stored.recorded, entry);
        assert_eq!(stored.entered_by, "test");
        assert_eq!(stored.reversed_by, None);
        assert_eq!(store.entry(EntryId(2)).unwrap(), None);
    }

    #[test]
    fn a_reference_recorded_again_is_a_no_op_or_a_conflict() {
        let mut store = store_with_germany();
        let tx = store.begin(actor()).unwrap();
        tx.record_entry(&payment("DEU", 500, Some("B-1"))).unwrap();
        assert_eq!(
            tx.record_entry(&payment("DEU", 500, Some("B-1"))).unwrap(),
            Recorded::AlreadyRecorded(EntryId(1))
        );
        let error = tx
            .record_entry(&payment("DEU", 501, Some("B-1")))
            .unwrap_err();
        assert!(
            matches!(
                &error,
                StoreError::ReferenceConflict {
                    existing: EntryId(1),
                    ..
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("CHF 5.00") && error.to_string().contains("CHF 5.01"));
    }

    #[test]
    fn unknown_parties_funds_and_invalid_entries_are_refused() {
        let mut store = store_with_germany();
        let tx = store.begin(actor()).unwrap();
        assert!(matches!(
            tx.record_entry(&payment("FRA", 500, None)),
            Err(StoreError::PartyNotFound { .. })
        ));
        let mut elsewhere = payment("DEU", 500, None);
        elsewhere.fund = "nowhere".parse().unwrap();
        let error = tx.record_entry(&elsewhere).unwrap_err();
        assert!(matches!(error, StoreError::FundNotFound { .. }));
        assert!(
            error.to_string().contains("isu, meetings, sponsorship"),
            "{error}"
        );
        assert!(matches!(
            tx.record_entry(&payment("DEU", 0, None)),
            Err(StoreError::Ledger(LedgerError::AmountNotPositive { .. }))
        ));
        let party = Party::new(PartyInput {
            code: "DEU".into(),
            ..PartyInput::default()
        })
        .unwrap();
        assert!(matches!(
            tx.insert_party(&party),
            Err(StoreError::PartyExists { .. })
        ));
        assert_eq!(tx.last_entry_id().unwrap(), None, "nothing was written");
    }
}
