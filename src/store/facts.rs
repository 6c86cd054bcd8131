//! The dated facts of one party, read back from its entries, and what its entries book on
//! its positions; and the recording of a new fact, which posts whatever the rule of
//! `domain::position` asks beyond the fact's own entry so that the books always show the
//! positions the facts give, whatever order they were recorded in.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

use super::{text_to_date, Recorded, Store, StoreError, Tx};
use crate::domain::accounts::{self, PREPAID, RECEIVABLE};
use crate::domain::party::PartyKind;
use crate::domain::position::{
    due_after, pair, Fact, FactKind, Movement, PartyFacts, Replay, Slot, DUE_DAYS_DEFAULT,
};
use crate::ledger::{AccountName, EntryId, EntryKind, FundCode, NewEntry, PartyCode, Transfer};
use crate::money::{Currency, Money};

/// The books' due period, in days after a charge's date.
pub(super) fn due_days(conn: &Connection) -> Result<u32, StoreError> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'due_days'")?
        .query_row([], |row| row.get(0))
        .optional()?;
    Ok(value
        .and_then(|v| v.parse().ok())
        .unwrap_or(DUE_DAYS_DEFAULT))
}

/// Where a transfer leg of `party`'s entry lands among its positions.
fn slot_of(account: &str, year: i32, party: &PartyCode, entry_party: bool) -> Option<Slot> {
    let code = party.as_str();
    if account
        .strip_prefix(RECEIVABLE)
        .and_then(|rest| rest.strip_prefix(':'))
        == Some(code)
    {
        return Some(Slot::Owed(year));
    }
    if account
        .strip_prefix(PREPAID)
        .and_then(|rest| rest.strip_prefix(':'))
        == Some(code)
    {
        return Some(Slot::Credit);
    }
    if entry_party && account == accounts::contributions_voluntary().as_str() {
        return Some(Slot::Voluntary(year));
    }
    None
}

/// One CHF leg of a party's entry that lands on one of its positions.
struct Leg {
    debit: Option<Slot>,
    credit: Option<Slot>,
    amount: i64,
    credit_account: String,
}

struct EntryRow {
    id: i64,
    date: NaiveDate,
    kind: String,
    budget_year: i32,
    fund: String,
    reference: Option<String>,
    reverses: Option<i64>,
    description: String,
    designated_year: Option<i32>,
    voluntary: Option<bool>,
    due_on: Option<NaiveDate>,
    content: String,
}

/// Reads the facts of `party` and what its entries book, from the entries dated up to
/// `until` (all when `None`).
pub(super) fn load(
    conn: &Connection,
    party: &PartyCode,
    until: Option<NaiveDate>,
) -> Result<PartyFacts, StoreError> {
    let kind: Option<String> = conn
        .prepare_cached("SELECT kind FROM party WHERE code = ?1")?
        .query_row([party.as_str()], |row| row.get(0))
        .optional()?;
    let state_party = kind
        .as_deref()
        .and_then(|k| k.parse::<PartyKind>().ok())
        .is_some_and(|k| k == PartyKind::StateParty);
    let until_text = until.map_or_else(|| "9999-12-31".to_string(), |d| d.to_string());
    let days = due_days(conn)?;
    // Payments recorded before the books followed the rule stand as they were booked.
    let rule_from: i64 = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'rule_from_entry'")?
        .query_row([], |row| row.get::<_, String>(0))
        .optional()?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut statement = conn.prepare_cached(
        "SELECT e.id, e.entry_date, e.kind, e.budget_year, e.fund, e.reference, e.reverses,
                e.description, p.designated_year, p.voluntary, d.due_on, e.content
         FROM entry e
         LEFT JOIN payment_terms p ON p.entry_id = e.id
         LEFT JOIN charge_due d ON d.entry_id = e.id
         WHERE e.party = ?1 AND e.entry_date <= ?2
         ORDER BY e.id",
    )?;
    let mut rows = statement.query(params![party.as_str(), until_text])?;
    let mut entries = Vec::new();
    while let Some(row) = rows.next()? {
        let date: String = row.get(1)?;
        let due_on: Option<String> = row.get(10)?;
        entries.push(EntryRow {
            id: row.get(0)?,
            date: text_to_date(&date)?,
            kind: row.get(2)?,
            budget_year: row.get(3)?,
            fund: row.get(4)?,
            reference: row.get(5)?,
            reverses: row.get(6)?,
            description: row.get(7)?,
            designated_year: row.get(8)?,
            voluntary: row.get::<_, Option<i64>>(9)?.map(|v| v != 0),
            due_on: due_on.as_deref().map(text_to_date).transpose()?,
            content: row.get(11)?,
        });
    }
    // Every CHF leg of the party's entries that lands on one of its positions.
    let mut statement = conn.prepare_cached(
        "SELECT t.entry_id, d.name, c.name, t.amount_minor,
                coalesce(t.budget_year, e.budget_year)
         FROM entry e
         JOIN transfer t ON t.entry_id = e.id
         JOIN account d ON d.id = t.debit_account_id
         JOIN account c ON c.id = t.credit_account_id
         WHERE e.party = ?1 AND e.entry_date <= ?2 AND t.currency = 'CHF'
         ORDER BY t.id",
    )?;
    let mut rows = statement.query(params![party.as_str(), until_text])?;
    // Per entry: (debit slot, credit slot, amount) of each leg touching a position.
    let mut legs: HashMap<i64, Vec<Leg>> = HashMap::new();
    while let Some(row) = rows.next()? {
        let entry_id: i64 = row.get(0)?;
        let debit: String = row.get(1)?;
        let credit: String = row.get(2)?;
        let amount: i64 = row.get(3)?;
        let year: i32 = row.get(4)?;
        let d = slot_of(&debit, year, party, true);
        let c = slot_of(&credit, year, party, true);
        if d.is_some() || c.is_some() {
            legs.entry(entry_id).or_default().push(Leg {
                debit: d,
                credit: c,
                amount,
                credit_account: credit,
            });
        }
    }
    let mut out = PartyFacts {
        state_party,
        ..PartyFacts::default()
    };
    let mut fact_of_entry: HashMap<i64, usize> = HashMap::new();
    let assessed = accounts::contributions_assessed();
    let pledged = accounts::contributions_pledged();
    for entry in &entries {
        let own = legs.get(&entry.id).map(Vec::as_slice).unwrap_or_default();
        for leg in own {
            let day = out.booked.entry(entry.date).or_default();
            if let Some(d) = leg.debit {
                *day.entry(d).or_default() += leg.amount;
            }
            if let Some(c) = leg.credit {
                *day.entry(c).or_default() -= leg.amount;
            }
        }
        let kind = match entry.kind.as_str() {
            "assessment" | "pledge" => {
                let mut year = entry.budget_year;
                let amount: i64 = own
                    .iter()
                    .filter(|leg| {
                        matches!(leg.debit, Some(Slot::Owed(_)))
                            && (leg.credit_account == assessed.as_str()
                                || leg.credit_account == pledged.as_str())
                    })
                    .map(|leg| {
                        if let Some(Slot::Owed(y)) = leg.debit {
                            year = y;
                        }
                        leg.amount
                    })
                    .sum();
                Some((
                    FactKind::Charge {
                        year,
                        due_on: entry.due_on.unwrap_or(due_after(entry.date, days)),
                    },
                    amount,
                ))
            }
            "contribution" if entry.id <= rule_from => {
                let legs = own
                    .iter()
                    .map(|leg| {
                        (
                            leg.debit.unwrap_or(Slot::Outside),
                            leg.credit.unwrap_or(Slot::Outside),
                            leg.amount,
                        )
                    })
                    .collect::<Vec<_>>();
                let amount = legs.iter().map(|(_, _, m)| m).sum();
                Some((FactKind::Booked { legs }, amount))
            }
            "contribution" => {
                let amount: i64 = own
                    .iter()
                    .filter(|leg| leg.debit.is_none() && leg.credit.is_some())
                    .map(|leg| leg.amount)
                    .sum();
                let voluntary =
                    entry.voluntary.unwrap_or(false) || entry.fund != FundCode::isu().as_str();
                Some((
                    FactKind::Payment {
                        designated_year: entry.designated_year,
                        voluntary,
                    },
                    amount,
                ))
            }
            "refund" => Some((
                FactKind::Refund,
                single(own, |d, c| d == Some(Slot::Credit) && c.is_none()).0,
            )),
            "credit-application" => {
                let (amount, year) = single(own, |d, c| {
                    d == Some(Slot::Credit) && matches!(c, Some(Slot::Owed(_)))
                });
                Some((FactKind::CreditApplication { year }, amount))
            }
            "write-off" => {
                let (amount, year) =
                    single(own, |d, c| d.is_none() && matches!(c, Some(Slot::Owed(_))));
                Some((FactKind::WriteOff { year }, amount))
            }
            "reversal" => entry
                .reverses
                .and_then(|of| fact_of_entry.get(&of).copied())
                .map(|of| (FactKind::Reversal { of }, out.facts[of].amount_minor)),
            // Derived by the rule: booked, never a fact.
            "reapplication" => None,
            // Anything else that moves the party's money (the generic import, an entry of an
            // earlier version): money in from outside is a payment of the year it names, a
            // charge from outside is a charge, and any other movement is taken as booked.
            _ if !own.is_empty() => Some(fact_of_legs(own, entry.date, days)),
            _ => None,
        };
        let Some((kind, amount)) = kind else { continue };
        let key = match &kind {
            FactKind::Reversal { of } => format!("reversal of {}", out.facts[*of].key),
            // What the fact says, never how it was booked: the same whatever was recorded
            // before it.
            FactKind::Payment { .. } | FactKind::Booked { .. } => {
                payment_key(entry.reference.as_deref(), &entry.content)
            }
            _ => fact_key(
                &entry.kind,
                entry.reference.as_deref(),
                entry.budget_year,
                amount,
            ),
        };
        fact_of_entry.insert(entry.id, out.facts.len());
        out.facts.push(Fact {
            date: entry.date,
            kind,
            amount_minor: amount,
            key,
        });
        out.entries.push(Some(EntryId(entry.id)));
        out.descriptions.push(entry.description.clone());
        out.references.push(entry.reference.clone());
    }
    for day in out.booked.values_mut() {
        day.retain(|_, m| *m != 0);
    }
    out.booked.retain(|_, day| !day.is_empty());
    Ok(out)
}

/// What tells a payment apart from others of its day: its reference and what it says.
pub fn payment_key(reference: Option<&str>, content: &str) -> String {
    format!("contribution|{}|{content}", reference.unwrap_or(""))
}

/// What tells another fact apart from others of its day and kind.
pub fn fact_key(
    kind: &str,
    reference: Option<&str>,
    budget_year: i32,
    amount_minor: i64,
) -> String {
    format!(
        "{kind}|{}|{budget_year}|{amount_minor}",
        reference.unwrap_or("")
    )
}

/// Where a reference stands: free to record, or taken by an entry not reversed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceState {
    /// Free under this text: the reference itself, or `REF#2`, `REF#3`… when the entries
    /// that carried it before were reversed.
    Free(String),
    /// Held by an entry that stands.
    Taken(String),
}

/// Adds what `entry` books on `party`'s positions to `booked`.
fn book(
    booked: &mut BTreeMap<NaiveDate, BTreeMap<Slot, i64>>,
    entry: &NewEntry,
    party: &PartyCode,
) {
    let day = booked.entry(entry.date).or_default();
    for transfer in &entry.transfers {
        if transfer.amount.currency() != Currency::CHF {
            continue;
        }
        let year = transfer.year_within(entry.budget_year);
        let amount = transfer.amount.minor();
        if let Some(slot) = slot_of(transfer.debit.as_str(), year, party, true) {
            *day.entry(slot).or_default() += amount;
        }
        if let Some(slot) = slot_of(transfer.credit.as_str(), year, party, true) {
            *day.entry(slot).or_default() -= amount;
        }
    }
    day.retain(|_, m| *m != 0);
    if day.is_empty() {
        booked.remove(&entry.date);
    }
}

/// What an entry of no known kind says, from its legs on the party's positions.
fn fact_of_legs(own: &[Leg], date: NaiveDate, days: u32) -> (FactKind, i64) {
    let amount: i64 = own.iter().map(|leg| leg.amount).sum();
    let year_of = |slot: Option<Slot>| match slot {
        Some(Slot::Owed(year)) | Some(Slot::Voluntary(year)) => Some(year),
        _ => None,
    };
    if own
        .iter()
        .all(|leg| leg.debit.is_none() && leg.credit.is_some())
    {
        let voluntary = own
            .iter()
            .all(|leg| matches!(leg.credit, Some(Slot::Voluntary(_))));
        let designated_year = own.iter().find_map(|leg| year_of(leg.credit));
        return (
            FactKind::Payment {
                designated_year,
                voluntary,
            },
            amount,
        );
    }
    if let [leg] = own {
        if let (Some(Slot::Owed(year)), None) = (leg.debit, leg.credit) {
            return (
                FactKind::Charge {
                    year,
                    due_on: due_after(date, days),
                },
                amount,
            );
        }
    }
    let legs = own
        .iter()
        .map(|leg| {
            (
                leg.debit.unwrap_or(Slot::Outside),
                leg.credit.unwrap_or(Slot::Outside),
                leg.amount,
            )
        })
        .collect();
    (FactKind::Booked { legs }, amount)
}

/// The amount and year of the legs of an entry that match `which`.
fn single(legs: &[Leg], which: impl Fn(Option<Slot>, Option<Slot>) -> bool) -> (i64, i32) {
    let mut year = 0;
    let amount = legs
        .iter()
        .filter(|leg| which(leg.debit, leg.credit))
        .map(|leg| {
            for slot in [leg.debit, leg.credit] {
                if let Some(Slot::Owed(y)) = slot {
                    year = y;
                }
            }
            leg.amount
        })
        .sum();
    (amount, year)
}

impl Store {
    /// Per party, the day its assessment or pledge for `budget_year` falls due (the
    /// earliest, if several), of the charges dated up to `until` and not reversed by then.
    pub fn due_dates(
        &self,
        budget_year: i32,
        until: NaiveDate,
    ) -> Result<BTreeMap<PartyCode, NaiveDate>, StoreError> {
        let days = due_days(&self.conn)?;
        let mut statement = self.conn.prepare_cached(
            "SELECT e.party, e.entry_date, d.due_on FROM entry e
             LEFT JOIN charge_due d ON d.entry_id = e.id
             WHERE e.kind IN ('assessment', 'pledge') AND e.budget_year = ?1
               AND e.entry_date <= ?2 AND e.party IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM entry r
                               WHERE r.reverses = e.id AND r.entry_date <= ?2)",
        )?;
        let mut rows = statement.query(params![budget_year, until.to_string()])?;
        let mut due: BTreeMap<PartyCode, NaiveDate> = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let party: String = row.get(0)?;
            let date: String = row.get(1)?;
            let due_on: Option<String> = row.get(2)?;
            let day = match due_on {
                Some(text) => text_to_date(&text)?,
                None => due_after(text_to_date(&date)?, days),
            };
            let slot = due.entry(party.parse()?).or_insert(day);
            *slot = (*slot).min(day);
        }
        Ok(due)
    }

    /// The facts of `party` recorded up to `until`.
    pub fn party_facts(
        &self,
        party: &PartyCode,
        until: Option<NaiveDate>,
    ) -> Result<PartyFacts, StoreError> {
        load(&self.conn, party, until)
    }

    /// The books' due period, in days.
    pub fn due_days(&self) -> Result<u32, StoreError> {
        due_days(&self.conn)
    }
}

/// The account a slot of `party` is kept in, and the budget year its leg counts for.
fn account_of(slot: Slot, party: &PartyCode, outside: &AccountName) -> (AccountName, Option<i32>) {
    match slot {
        Slot::Owed(year) => (accounts::receivable(party), Some(year)),
        Slot::Credit => (accounts::prepaid(party), None),
        Slot::Voluntary(year) => (accounts::contributions_voluntary(), Some(year)),
        Slot::Outside => (outside.clone(), None),
    }
}

/// The transfers of `movements` in CHF, `Outside` being `outside`, counted for
/// `budget_year` unless a slot names another year.
fn transfers_of<'m>(
    movements: impl IntoIterator<Item = &'m Movement>,
    party: &PartyCode,
    outside: &AccountName,
    budget_year: i32,
) -> Vec<Transfer> {
    movements
        .into_iter()
        .map(|m| {
            let (debit, debit_year) = account_of(m.debit, party, outside);
            let (credit, credit_year) = account_of(m.credit, party, outside);
            let transfer = Transfer::new(
                debit,
                credit,
                Money::from_minor(m.amount_minor, Currency::CHF),
            );
            match debit_year.or(credit_year) {
                Some(year) if year != budget_year => transfer.for_year(year),
                _ => transfer,
            }
        })
        .collect()
}

/// What a write of a fact did.
#[derive(Debug, Clone)]
pub struct FactRecorded {
    pub recorded: Recorded,
    pub entry: NewEntry,
    /// Entries that applied the party's money again by the rule, on the dates it changed.
    pub reapplied: Vec<(EntryId, NewEntry)>,
}

impl Tx<'_> {
    /// The facts of `party`, whatever their date.
    pub fn party_facts(&self, party: &PartyCode) -> Result<PartyFacts, StoreError> {
        load(&self.tx, party, None)
    }

    /// The books' due period, in days.
    pub fn due_days(&self) -> Result<u32, StoreError> {
        due_days(&self.tx)
    }

    /// Records a new fact of `party`: `build` makes its entry from the movements the rule
    /// gives it (given all facts recorded so far and this one), the entry is written with
    /// `content` compared for its reference, and the party's positions are brought back in
    /// line with the rule on every date from the fact's on.
    pub fn record_fact(
        &self,
        party: &PartyCode,
        fact: Fact,
        content: Option<&str>,
        build: impl FnOnce(&[Movement]) -> Result<NewEntry, StoreError>,
    ) -> Result<FactRecorded, StoreError> {
        // The party's facts, kept for the rest of the transaction: a bulk import reads each
        // party's history once.
        let mut facts = match self.facts_cache.borrow_mut().remove(party.as_str()) {
            Some(facts) => facts,
            None => self.party_facts(party)?,
        };
        let index = facts.facts.len();
        let date = fact.date;
        facts.facts.push(fact.clone());
        facts.entries.push(None);
        facts.descriptions.push(String::new());
        facts.references.push(None);
        let replayed = facts.replay(None);
        if let Some(violation) = replayed
            .violations
            .iter()
            .find(|v| v.date >= date || v.fact == index)
        {
            return Err(StoreError::PositionRefused {
                party: party.clone(),
                date: violation.date,
                message: violation.message.clone(),
            });
        }
        let own: Vec<Movement> = replayed.movements_of(index).copied().collect();
        let entry = build(&own)?;
        let recorded = match content {
            Some(content) => self.record_entry_as(&entry, content)?,
            None => self.record_entry(&entry)?,
        };
        if let Recorded::AlreadyRecorded(_) = recorded {
            return Ok(FactRecorded {
                recorded,
                entry,
                reapplied: Vec::new(),
            });
        }
        // What the party's entries book, kept with its facts, now with this entry; where it
        // differs from the rule, from the fact's date on, the money is applied again.
        book(&mut facts.booked, &entry, party);
        let cause = format!("entry {} of {date}", recorded.id());
        let reapplied = self.realign(party, &mut facts.booked, &replayed, date, &cause)?;
        facts.entries[index] = Some(recorded.id());
        facts.descriptions[index] = entry.description.clone();
        facts.references[index] = entry.reference.clone();
        self.facts_cache
            .borrow_mut()
            .insert(party.as_str().to_string(), facts);
        Ok(FactRecorded {
            recorded,
            entry,
            reapplied,
        })
    }

    /// Applies the party's money again by the rule from `from` on, after entries were
    /// recorded that did not go through it (rows of the generic `import`).
    pub fn reapply(
        &self,
        party: &PartyCode,
        from: NaiveDate,
    ) -> Result<Vec<(EntryId, NewEntry)>, StoreError> {
        self.facts_cache.borrow_mut().remove(party.as_str());
        let mut facts = self.party_facts(party)?;
        let replayed = facts.replay(None);
        if let Some(violation) = replayed.violations.iter().find(|v| v.date >= from) {
            return Err(StoreError::PositionRefused {
                party: party.clone(),
                date: violation.date,
                message: violation.message.clone(),
            });
        }
        self.realign(
            party,
            &mut facts.booked,
            &replayed,
            from,
            &format!("the import of {from}"),
        )
    }

    /// Posts, for every date from `from` on where the books differ from `target`, an entry
    /// that moves the party's money between its positions as the rule says.
    fn realign(
        &self,
        party: &PartyCode,
        booked: &mut BTreeMap<NaiveDate, BTreeMap<Slot, i64>>,
        target: &Replay,
        from: NaiveDate,
        cause: &str,
    ) -> Result<Vec<(EntryId, NewEntry)>, StoreError> {
        let wanted = target.net_by_date();
        let mut dates: Vec<NaiveDate> = booked
            .keys()
            .chain(wanted.keys())
            .filter(|d| **d >= from)
            .copied()
            .collect();
        dates.sort_unstable();
        dates.dedup();
        let mut posted = Vec::new();
        let empty = BTreeMap::new();
        for date in dates {
            let want = wanted.get(&date).unwrap_or(&empty);
            let have = booked.get(&date).unwrap_or(&empty);
            let mut differences: BTreeMap<Slot, i64> = BTreeMap::new();
            for (slot, minor) in want {
                *differences.entry(*slot).or_default() += minor;
            }
            for (slot, minor) in have {
                *differences.entry(*slot).or_default() -= minor;
            }
            differences.retain(|_, m| *m != 0);
            if differences.is_empty() {
                continue;
            }
            let moves: Vec<Movement> = pair(&differences)
                .into_iter()
                .map(|(debit, credit, amount_minor)| Movement {
                    fact: usize::MAX,
                    date,
                    debit,
                    credit,
                    amount_minor,
                })
                .collect();
            let budget_year = differences
                .keys()
                .find_map(|s| match s {
                    Slot::Owed(y) | Slot::Voluntary(y) => Some(*y),
                    _ => None,
                })
                .unwrap_or(date.year());
            let outside = accounts::contributions_voluntary();
            let entry = NewEntry {
                date,
                description: format!(
                    "Payments and credit of {party} applied again by value date after {cause} \
                     was recorded"
                ),
                kind: EntryKind::Reapplication,
                budget_year,
                fund: FundCode::isu(),
                party: Some(party.clone()),
                reference: None,
                reverses: None,
                rate: None,
                transfers: transfers_of(&moves, party, &outside, budget_year),
            };
            let id = self.record_entry(&entry)?.id();
            book(booked, &entry, party);
            posted.push((id, entry));
        }
        Ok(posted)
    }

    /// Where `reference` stands: an entry reversed gives its reference up, and the next
    /// recording of it is kept as `REF#2` (then `#3`…), so that it can be recorded again.
    pub fn reference_state(&self, reference: &str) -> Result<ReferenceState, StoreError> {
        let mut statement = self.tx.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM entry r WHERE r.reverses = e.id)
             FROM entry e WHERE e.reference = ?1",
        )?;
        for n in 1..=1000 {
            let candidate = if n == 1 {
                reference.to_string()
            } else {
                format!("{reference}#{n}")
            };
            let reversed: Option<bool> = statement
                .query_row([&candidate], |row| row.get(0))
                .optional()?;
            match reversed {
                None => return Ok(ReferenceState::Free(candidate)),
                Some(false) => return Ok(ReferenceState::Taken(candidate)),
                Some(true) => continue,
            }
        }
        Ok(ReferenceState::Taken(reference.to_string()))
    }

    /// Records `reversal`, the mirror of `original`, and applies the party's money again
    /// from the reversal's date as the rule says.
    pub fn record_reversal(
        &self,
        original: &crate::ledger::Entry,
        reversal: NewEntry,
    ) -> Result<FactRecorded, StoreError> {
        let plain = |recorded| FactRecorded {
            recorded,
            entry: reversal.clone(),
            reapplied: Vec::new(),
        };
        let Some(party) = original.recorded.party.clone() else {
            return Ok(plain(self.record_entry(&reversal)?));
        };
        let facts = self.party_facts(&party)?;
        let Some(of) = facts.index_of(original.id) else {
            return Ok(plain(self.record_entry(&reversal)?));
        };
        let fact = Fact {
            date: reversal.date,
            kind: FactKind::Reversal { of },
            amount_minor: facts.facts[of].amount_minor,
            key: format!("reversal of {}", facts.facts[of].key),
        };
        let entry = reversal.clone();
        self.record_fact(&party, fact, None, move |_| Ok(entry))
    }

    #[allow(clippy::too_many_arguments)]
    /// Records a charge (assessment or pledge) of `party` for `year` falling due on
    /// `due_on`: `build` makes its entry given the credit the rule applies to it at once.
    pub fn record_charge(
        &self,
        party: &PartyCode,
        kind: EntryKind,
        amount_minor: i64,
        year: i32,
        date: NaiveDate,
        due_on: NaiveDate,
        reference: Option<&str>,
        build: impl FnOnce(Money) -> Result<NewEntry, StoreError>,
    ) -> Result<FactRecorded, StoreError> {
        let fact = Fact {
            date,
            kind: FactKind::Charge { year, due_on },
            amount_minor,
            key: fact_key(kind.as_str(), reference, year, amount_minor),
        };
        let written = self.record_fact(party, fact, None, |movements| {
            let applied: i64 = movements
                .iter()
                .filter(|m| m.debit == Slot::Credit)
                .map(|m| m.amount_minor)
                .sum();
            build(Money::from_minor(applied, Currency::CHF))
        })?;
        if let Recorded::New(id) = written.recorded {
            self.record_due(id, due_on)?;
        }
        Ok(written)
    }

    /// Records the due date of a charge entry.
    pub fn record_due(&self, entry: EntryId, due_on: NaiveDate) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("INSERT INTO charge_due (entry_id, due_on) VALUES (?1, ?2)")?
            .execute(params![entry.0, due_on.to_string()])?;
        Ok(())
    }

    /// Records what a contribution entry names beyond its amount.
    pub fn record_payment_terms(
        &self,
        entry: EntryId,
        designated_year: Option<i32>,
        voluntary: bool,
    ) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO payment_terms (entry_id, designated_year, voluntary)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![entry.0, designated_year, i64::from(voluntary)])?;
        Ok(())
    }
}
