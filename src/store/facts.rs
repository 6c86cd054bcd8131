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
    due_after, opening_before, pair, replay_from, Fact, FactKind, Movement, Opening, PartyFacts,
    Replay, Slot, DUE_DAYS_DEFAULT,
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

/// One leg in the book currency of a party's entry that lands on one of its positions.
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
    let rule_from = rule_from(conn)?;
    let currency = super::settings::book_currency(conn)?;
    // The entries and their legs in one pass: each entry row is read once, with its
    // transfers beside it (the party's entries lie all over the table).
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS}, t.entry_id, da.name, ca.name, t.amount_minor,
                coalesce(t.budget_year, e.budget_year), t.currency
         FROM entry e
         {ENTRY_TERMS}
         LEFT JOIN transfer t ON t.entry_id = e.id
         LEFT JOIN account da ON da.id = t.debit_account_id
         LEFT JOIN account ca ON ca.id = t.credit_account_id
         WHERE e.party = ?1 AND e.entry_date <= ?2
         ORDER BY e.id, t.id"
    ))?;
    let mut rows = statement.query(params![party.as_str(), until_text])?;
    let mut entries: Vec<EntryRow> = Vec::new();
    // Per entry: (debit slot, credit slot, amount) of each leg touching a position.
    let mut legs: HashMap<i64, Vec<Leg>> = HashMap::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(1)?;
        if entries.last().map(|entry| entry.id) != Some(id) {
            entries.push(entry_row(row)?);
        }
        // An entry without transfers comes once, with none.
        if row.get_ref(13)? == rusqlite::types::ValueRef::Null {
            continue;
        }
        // Only the legs in the book currency land on positions.
        if row.get_ref(18)?.as_str().map_err(super::corrupt)? != currency.as_str() {
            continue;
        }
        let leg = leg_row(row, 13)?;
        add_leg(&mut legs, leg, party);
    }
    Ok(facts_of(state_party, &entries, &legs, days, rule_from))
}

/// The columns of an entry that `entry_row` reads (column 0 is the party).
const ENTRY_COLUMNS: &str = "e.party, e.id, e.entry_date, e.kind, e.budget_year, e.fund,
        e.reference, e.reverses, e.description, p.designated_year, p.voluntary, d.due_on,
        e.content";

/// The entries of parties with what their payments name and their charges' due dates:
/// `ENTRY_COLUMNS` from `entry e` and these.
const ENTRY_TERMS: &str = "LEFT JOIN payment_terms p ON p.entry_id = e.id
 LEFT JOIN charge_due d ON d.entry_id = e.id";

/// The legs of parties' entries (column 0 is the party).
const LEGS: &str = "SELECT e.party, t.entry_id, d.name, c.name, t.amount_minor,
        coalesce(t.budget_year, e.budget_year)
 FROM entry e
 JOIN transfer t ON t.entry_id = e.id
 JOIN account d ON d.id = t.debit_account_id
 JOIN account c ON c.id = t.credit_account_id";

/// The last entry recorded before the books followed the rule: payments up to it stand as
/// they were booked.
fn rule_from(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'rule_from_entry'")?
        .query_row([], |row| row.get::<_, String>(0))
        .optional()?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

fn entry_row(row: &rusqlite::Row<'_>) -> Result<EntryRow, StoreError> {
    let date: String = row.get(2)?;
    let due_on: Option<String> = row.get(11)?;
    Ok(EntryRow {
        id: row.get(1)?,
        date: text_to_date(&date)?,
        kind: row.get(3)?,
        budget_year: row.get(4)?,
        fund: row.get(5)?,
        reference: row.get(6)?,
        reverses: row.get(7)?,
        description: row.get(8)?,
        designated_year: row.get(9)?,
        voluntary: row.get::<_, Option<i64>>(10)?.map(|v| v != 0),
        due_on: due_on.as_deref().map(text_to_date).transpose()?,
        content: row.get(12)?,
    })
}

/// One leg of a party's entry, as read.
struct LegRow {
    entry_id: i64,
    debit: String,
    credit: String,
    amount: i64,
    year: i32,
}

/// The leg in the columns of `row` from `first` on: its entry, debit and credit accounts,
/// amount and budget year.
fn leg_row(row: &rusqlite::Row<'_>, first: usize) -> Result<LegRow, StoreError> {
    Ok(LegRow {
        entry_id: row.get(first)?,
        debit: row.get(first + 1)?,
        credit: row.get(first + 2)?,
        amount: row.get(first + 3)?,
        year: row.get(first + 4)?,
    })
}

/// Adds `leg` to `legs` when it lands on one of `party`'s positions.
fn add_leg(legs: &mut HashMap<i64, Vec<Leg>>, leg: LegRow, party: &PartyCode) {
    let d = slot_of(&leg.debit, leg.year, party, true);
    let c = slot_of(&leg.credit, leg.year, party, true);
    if d.is_some() || c.is_some() {
        legs.entry(leg.entry_id).or_default().push(Leg {
            debit: d,
            credit: c,
            amount: leg.amount,
            credit_account: leg.credit,
        });
    }
}

/// The facts of every party with entries, one party after the other in the order of their
/// codes, read in one pass over the entries and one over their legs: `each` is given each
/// party's facts, which are dropped before the next party's are read.
pub(super) fn load_each(
    conn: &Connection,
    mut each: impl FnMut(&PartyCode, PartyFacts) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut state_parties = std::collections::HashSet::new();
    {
        let mut statement = conn.prepare("SELECT code, kind FROM party")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let code: String = row.get(0)?;
            let kind: String = row.get(1)?;
            if kind.parse::<PartyKind>().ok() == Some(PartyKind::StateParty) {
                state_parties.insert(code);
            }
        }
    }
    let days = due_days(conn)?;
    let rule_from = rule_from(conn)?;
    let mut entries_statement = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entry e {ENTRY_TERMS}
         WHERE e.party IS NOT NULL ORDER BY e.party, e.id"
    ))?;
    let mut legs_statement = conn.prepare(&format!(
        "{LEGS} WHERE e.party IS NOT NULL AND t.currency = ?1 ORDER BY e.party, t.id"
    ))?;
    let mut entry_rows = entries_statement.query([])?;
    let mut leg_rows = legs_statement.query([super::settings::book_currency(conn)?.as_str()])?;
    let mut next_entry: Option<(String, EntryRow)> = match entry_rows.next()? {
        Some(row) => Some((row.get(0)?, entry_row(row)?)),
        None => None,
    };
    // Each leg with its entry's party (column 0 of `LEGS`).
    let mut next_leg: Option<(String, LegRow)> = match leg_rows.next()? {
        Some(row) => Some((row.get(0)?, leg_row(row, 1)?)),
        None => None,
    };
    while let Some((party, first)) = next_entry.take() {
        let code: PartyCode = party.parse()?;
        let mut entries = vec![first];
        while let Some(row) = entry_rows.next()? {
            let of: String = row.get(0)?;
            let entry = entry_row(row)?;
            if of != party {
                next_entry = Some((of, entry));
                break;
            }
            entries.push(entry);
        }
        let mut legs: HashMap<i64, Vec<Leg>> = HashMap::new();
        while let Some((of, leg)) = next_leg.take() {
            if of.as_str() > party.as_str() {
                next_leg = Some((of, leg));
                break;
            }
            if of == party {
                add_leg(&mut legs, leg, &code);
            }
            next_leg = match leg_rows.next()? {
                Some(row) => Some((row.get(0)?, leg_row(row, 1)?)),
                None => None,
            };
        }
        let state_party = state_parties.contains(&party);
        each(
            &code,
            facts_of(state_party, &entries, &legs, days, rule_from),
        )?;
    }
    Ok(())
}

/// The facts of a party (a State Party when `state_party`) and what its entries book, from
/// its entries in the order they were recorded and the legs of each on its positions.
fn facts_of(
    state_party: bool,
    entries: &[EntryRow],
    legs: &HashMap<i64, Vec<Leg>>,
    days: u32,
    rule_from: i64,
) -> PartyFacts {
    let mut out = PartyFacts {
        state_party,
        ..PartyFacts::default()
    };
    let mut fact_of_entry: HashMap<i64, usize> = HashMap::new();
    let assessed = accounts::contributions_assessed();
    let pledged = accounts::contributions_pledged();
    for entry in entries {
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
    out
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
    currency: Currency,
) {
    let day = booked.entry(entry.date).or_default();
    for transfer in &entry.transfers {
        if transfer.amount.currency() != currency {
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

/// The transfers of `movements` in the book currency, `Outside` being `outside`, counted for
/// `budget_year` unless a slot names another year.
fn transfers_of<'m>(
    movements: impl IntoIterator<Item = &'m Movement>,
    party: &PartyCode,
    outside: &AccountName,
    budget_year: i32,
    currency: Currency,
) -> Vec<Transfer> {
    movements
        .into_iter()
        .map(|m| {
            let (debit, debit_year) = account_of(m.debit, party, outside);
            let (credit, credit_year) = account_of(m.credit, party, outside);
            let transfer =
                Transfer::new(debit, credit, Money::from_minor(m.amount_minor, currency));
            match debit_year.or(credit_year) {
                Some(year) if year != budget_year => transfer.for_year(year),
                _ => transfer,
            }
        })
        .collect()
}

/// What `record_fact` keeps of a party for the rest of a transaction, so that a bulk
/// import reads each party's history once and replays only its facts from a day on: where
/// the rule stood before `from`, and the facts dated from it on (renumbered among
/// themselves) with what the party's entries book on those days.
pub(crate) struct PartyTail {
    from: NaiveDate,
    opening: Opening,
    facts: PartyFacts,
}

impl PartyTail {
    /// All of the party's facts, from no opening.
    fn whole(facts: PartyFacts) -> Self {
        PartyTail {
            from: NaiveDate::MIN,
            opening: Opening::default(),
            facts,
        }
    }
}

/// The facts of `all` dated from `from` on, with where the rule stands before it; all of
/// them when one of these reverses a fact dated before.
fn tail_of(mut all: PartyFacts, from: NaiveDate) -> PartyTail {
    let mut renumbered: Vec<Option<usize>> = vec![None; all.facts.len()];
    let mut kept = 0usize;
    for (index, fact) in all.facts.iter().enumerate() {
        if fact.date >= from {
            renumbered[index] = Some(kept);
            kept += 1;
        }
    }
    let reaches_back = all.facts.iter().any(|fact| {
        fact.date >= from
            && matches!(fact.kind, FactKind::Reversal { of } if renumbered.get(of).copied().flatten().is_none())
    });
    if reaches_back {
        return PartyTail::whole(all);
    }
    let opening = opening_before(&all.facts, all.state_party, from);
    let mut facts = PartyFacts {
        state_party: all.state_party,
        booked: all.booked.split_off(&from),
        ..PartyFacts::default()
    };
    let columns = all
        .facts
        .into_iter()
        .zip(all.entries)
        .zip(all.descriptions)
        .zip(all.references);
    for (((mut fact, entry), description), reference) in columns {
        if fact.date < from {
            continue;
        }
        if let FactKind::Reversal { of } = &mut fact.kind {
            if let Some(Some(new)) = renumbered.get(*of) {
                *of = *new;
            }
        }
        facts.facts.push(fact);
        facts.entries.push(entry);
        facts.descriptions.push(description);
        facts.references.push(reference);
    }
    PartyTail {
        from,
        opening,
        facts,
    }
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
        let date = fact.date;
        let cached = self.facts_cache.borrow_mut().remove(party.as_str());
        // A reversal names its original by its place among all the party's facts.
        let reversal = matches!(fact.kind, FactKind::Reversal { .. });
        let mut tail = match cached {
            Some(tail) if tail.from <= date && !reversal => tail,
            _ if reversal => PartyTail::whole(self.party_facts(party)?),
            _ => tail_of(self.party_facts(party)?, date),
        };
        let facts = &mut tail.facts;
        let index = facts.facts.len();
        facts.facts.push(fact.clone());
        facts.entries.push(None);
        facts.descriptions.push(String::new());
        facts.references.push(None);
        let replayed = replay_from(&facts.facts, facts.state_party, &tail.opening);
        if let Some(violation) = replayed
            .violations
            .iter()
            .find(|v| v.date >= date || v.fact == index)
        {
            return Err(StoreError::PositionRefused {
                party: party.clone(),
                date: violation.date,
                message: violation.message.clone(),
                currency: self.currency()?,
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
        book(&mut facts.booked, &entry, party, self.currency()?);
        let cause = format!("entry {} of {date}", recorded.id());
        let reapplied = self.realign(party, &mut facts.booked, &replayed, date, &cause)?;
        facts.entries[index] = Some(recorded.id());
        facts.descriptions[index] = entry.description.clone();
        facts.references[index] = entry.reference.clone();
        if !reversal {
            self.facts_cache
                .borrow_mut()
                .insert(party.as_str().to_string(), tail);
        }
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
                currency: self.currency()?,
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
        let currency = self.currency()?;
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
                transfers: transfers_of(&moves, party, &outside, budget_year, currency),
            };
            let id = self.record_entry(&entry)?.id();
            book(booked, &entry, party, currency);
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
        let currency = self.currency()?;
        let written = self.record_fact(party, fact, None, |movements| {
            let applied: i64 = movements
                .iter()
                .filter(|m| m.debit == Slot::Credit)
                .map(|m| m.amount_minor)
                .sum();
            build(Money::from_minor(applied, currency))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Actor;

    #[test]
    fn reading_every_party_in_one_pass_gives_what_reading_each_gives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.sqlite");
        let actor = Actor::test("2026-12-01T00:00:00Z");
        crate::app::demo::build(&path, actor, Currency::CHF).unwrap();
        let store = Store::open(&path).unwrap();
        let mut seen = 0;
        load_each(&store.conn, |party, facts| {
            let alone = load(&store.conn, party, None)?;
            assert_eq!(facts.state_party, alone.state_party, "{party}");
            assert_eq!(facts.facts, alone.facts, "{party}");
            assert_eq!(facts.entries, alone.entries, "{party}");
            assert_eq!(facts.booked, alone.booked, "{party}");
            seen += 1;
            Ok(())
        })
        .unwrap();
        let parties: i64 = store
            .conn
            .query_row(
                "SELECT count(DISTINCT party) FROM entry WHERE party IS NOT NULL",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert!(seen > 0);
        assert_eq!(seen, parties);
    }
}
