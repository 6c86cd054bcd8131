//! Collecting what is owed: the outstanding list, a party's statement, the honour roll and
//! the meeting balances (the letters are in `letters`).

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use chrono::NaiveDate;

use crate::domain::meeting::MeetingCode;
use crate::domain::party::Party;
use crate::ledger::PartyCode;
use crate::money::{Currency, Money};
use crate::reports::honour_roll::{honour_roll, HonourRoll};
use crate::reports::meeting::MeetingOwed;
use crate::reports::outstanding::{
    outstanding as outstanding_report, Outstanding, ReminderSent, Selection,
};
use crate::reports::statement::{statement, Statement};
use crate::store::{MeetingRecord, Store, StoreError};

use super::status::YearOnDate;

/// Which parties a list or the letters are for: those owing at least `min` (in the book
/// currency `book`), the `top` owing most.
pub fn selection(
    min: Option<&str>,
    top: Option<usize>,
    book: Currency,
) -> anyhow::Result<Selection> {
    if top == Some(0) {
        bail!("--top must be 1 or more");
    }
    let min = min
        .map(|m| Money::parse(m, book))
        .transpose()
        .map_err(|e| anyhow!("--min: {e}"))?;
    if min.is_some_and(|m| m.minor() < 0) {
        bail!("--min must not be negative");
    }
    Ok(Selection { min, top })
}

/// The outstanding list of `year` on `as_of`, with the parties it names.
pub fn outstanding_of(
    store: &Store,
    year: i32,
    as_of: NaiveDate,
    selection: Selection,
) -> anyhow::Result<(Outstanding, Vec<Party>)> {
    let read = YearOnDate::read(store, year, as_of)?;
    let report = outstanding_read(store, &read, selection)?;
    Ok((report, read.parties))
}

/// `outstanding_of` from the parties and standings already read.
pub fn outstanding_read(
    store: &Store,
    read: &YearOnDate,
    selection: Selection,
) -> anyhow::Result<Outstanding> {
    let (year, as_of) = (read.year, read.as_of);
    let owing: Vec<PartyCode> = read.standings.keys().cloned().collect();
    let reminders: BTreeMap<PartyCode, ReminderSent> = store
        .reminders(year, as_of)?
        .into_iter()
        .map(|(code, r)| {
            (
                code,
                ReminderSent {
                    level: r.level,
                    sent_on: r.sent_on,
                },
            )
        })
        .collect();
    Ok(outstanding_report(
        year,
        as_of,
        &read.standings,
        &read.parties,
        &store.last_payments(as_of, &owing)?,
        &reminders,
        &store.due_dates(year, as_of)?,
        selection,
        read.currency,
    ))
}

/// One party's statement on `as_of`, without its meeting balances.
pub fn statement_of(
    store: &Store,
    code: &PartyCode,
    as_of: NaiveDate,
) -> anyhow::Result<Statement> {
    let party = store
        .party(code)?
        .ok_or_else(|| StoreError::PartyNotFound { code: code.clone() })?;
    let facts = store.party_facts(code, Some(as_of))?;
    let replayed = facts.replay(None);
    Ok(statement(
        &party,
        as_of,
        &facts,
        &replayed,
        store.currency()?,
    ))
}

/// The honour roll of `year` on `as_of`.
pub fn honour_roll_of(
    store: &Store,
    year: i32,
    as_of: NaiveDate,
    due_days: Option<u32>,
) -> anyhow::Result<HonourRoll> {
    honour_roll_read(store, &YearOnDate::read(store, year, as_of)?, due_days)
}

/// `honour_roll_of` from the parties and standings already read.
pub fn honour_roll_read(
    store: &Store,
    read: &YearOnDate,
    due_days: Option<u32>,
) -> anyhow::Result<HonourRoll> {
    let (year, as_of) = (read.year, read.as_of);
    // Only a party charged for the year that owes nothing for it can be on the roll; the
    // running balances say which, so only those parties' facts are replayed for the day
    // they completed payment.
    let candidates: std::collections::BTreeSet<&PartyCode> = read
        .standings
        .iter()
        .filter(|(_, standing)| {
            let position = standing.year(year);
            position.expected_minor() > 0 && position.outstanding_minor <= 0
        })
        .map(|(code, _)| code)
        .collect();
    let mut positions = Vec::new();
    for party in read.parties.iter().filter(|p| candidates.contains(&p.code)) {
        let replayed = store.party_facts(&party.code, Some(as_of))?.replay(None);
        if let Some(position) = replayed.years.get(&year) {
            positions.push((party.code.clone(), *position));
        }
    }
    Ok(honour_roll(
        year,
        as_of,
        due_days,
        store.due_days()?,
        &positions,
        &read.parties,
        read.currency,
    ))
}

/// The stored meeting, or an error naming how to add it.
pub fn load_meeting(store: &Store, code: &str) -> anyhow::Result<MeetingRecord> {
    let code: MeetingCode = code.parse()?;
    store.meeting(&code)?.ok_or_else(|| unknown_meeting(&code))
}

/// The error for a meeting not in the ledger, saying how to add it.
pub fn unknown_meeting(code: &MeetingCode) -> anyhow::Error {
    anyhow!(
        "unknown meeting '{code}': add it first with `isu-ledger meeting add {code} --name NAME \
         --date DATE --estimate AMOUNT`"
    )
}

/// Every State's balance for every meeting on `as_of` (or one State's), with its name.
pub fn meetings_owed(
    store: &Store,
    as_of: NaiveDate,
    party: Option<&PartyCode>,
) -> anyhow::Result<Vec<MeetingOwed>> {
    let rows = store.meeting_receivables(as_of, party)?;
    let mut owed = Vec::with_capacity(rows.len());
    for row in rows {
        let name = store
            .party(&row.party)?
            .map_or_else(|| row.party.to_string(), |p| p.name);
        owed.push(owed_row(row, name));
    }
    Ok(owed)
}

/// Every State's balance for every meeting on `as_of`, named from `parties` (already read).
pub fn meetings_owed_among(
    store: &Store,
    as_of: NaiveDate,
    parties: &[Party],
) -> anyhow::Result<Vec<MeetingOwed>> {
    let names: BTreeMap<&PartyCode, &str> =
        parties.iter().map(|p| (&p.code, p.name.as_str())).collect();
    let rows = store.meeting_receivables(as_of, None)?;
    let mut owed = Vec::with_capacity(rows.len());
    for row in rows {
        let name = match names.get(&row.party) {
            Some(name) => (*name).to_string(),
            None => store
                .party(&row.party)?
                .map_or_else(|| row.party.to_string(), |p| p.name),
        };
        owed.push(owed_row(row, name));
    }
    Ok(owed)
}

fn owed_row(row: crate::store::MeetingReceivableRow, name: String) -> MeetingOwed {
    MeetingOwed {
        meeting: row.meeting,
        party: row.party,
        name,
        currency: row.balance.currency(),
        balance: row.balance,
    }
}
