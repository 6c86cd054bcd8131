//! Collecting what is owed: the outstanding list, a party's statement, the honour roll, the
//! reminder letters to write, and the meeting balances.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use chrono::NaiveDate;

use crate::domain::countries;
use crate::domain::meeting::MeetingCode;
use crate::domain::party::{Language, Party};
use crate::domain::reminder::level_on;
use crate::ledger::{check_budget_year, PartyCode};
use crate::money::{format_minor_swiss, Currency, Money};
use crate::render::letters::{
    letter_date, with_preposition, LetterContext, LetterLine, LetterTemplates,
};
use crate::reports::honour_roll::{honour_roll, HonourRoll};
use crate::reports::meeting::MeetingOwed;
use crate::reports::outstanding::{
    outstanding as outstanding_report, Outstanding, OutstandingRow, ReminderSent, Selection,
};
use crate::reports::standing::standings;
use crate::reports::statement::{statement, Statement};
use crate::store::{Actor, MeetingRecord, Store, StoreError};

use super::Books;

/// Which parties a list or the letters are for: those owing at least `min` (CHF), the `top`
/// owing most.
pub fn selection(min: Option<&str>, top: Option<usize>) -> anyhow::Result<Selection> {
    if top == Some(0) {
        bail!("--top must be 1 or more");
    }
    let min = min
        .map(|m| Money::parse(m, Currency::CHF))
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
    check_budget_year(year)?;
    let standings = standings(&store.contribution_positions(as_of, year)?);
    let owing: Vec<PartyCode> = standings.keys().cloned().collect();
    let parties = store.parties()?;
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
    let report = outstanding_report(
        year,
        as_of,
        &standings,
        &parties,
        &store.last_payments(as_of, &owing)?,
        &reminders,
        &store.due_dates(year, as_of)?,
        selection,
    );
    Ok((report, parties))
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
    Ok(statement(&party, as_of, &facts, &replayed))
}

/// The honour roll of `year` on `as_of`.
pub fn honour_roll_of(
    store: &Store,
    year: i32,
    as_of: NaiveDate,
    due_days: Option<u32>,
) -> anyhow::Result<HonourRoll> {
    check_budget_year(year)?;
    let parties = store.parties()?;
    // Only a party charged for the year that owes nothing for it can be on the roll; the
    // running balances say which, so only those parties' facts are replayed for the day
    // they completed payment.
    let standings = standings(&store.contribution_positions(as_of, year)?);
    let candidates: std::collections::BTreeSet<&PartyCode> = standings
        .iter()
        .filter(|(_, standing)| {
            let position = standing.year(year);
            position.expected_minor() > 0 && position.outstanding_minor <= 0
        })
        .map(|(code, _)| code)
        .collect();
    let mut positions = Vec::new();
    for party in parties.iter().filter(|p| candidates.contains(&p.code)) {
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
        &parties,
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
        owed.push(MeetingOwed {
            meeting: row.meeting,
            party: row.party,
            name,
            currency: row.balance.currency(),
            balance: row.balance,
        });
    }
    Ok(owed)
}

/// One reminder letter, ready to write.
pub struct Letter {
    pub file_name: String,
    pub text: String,
    pub row: OutstandingRow,
    pub party: Party,
    pub formal_name: String,
    pub year: i32,
    pub level: u32,
}

/// The UN formal name of a party in its letter language, else its name.
pub fn formal_name(party: &Party) -> String {
    let country = countries::find(party.code.as_str());
    let formal = country.map(|c| match party.language {
        Language::En => c.formal_en.clone(),
        Language::Fr => c.formal_fr.clone(),
        Language::Es => c.formal_es.clone(),
    });
    formal
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| party.name.clone())
}

impl Books {
    /// The reminder letters for `year` on `as_of`: one per party owing more than the credit
    /// it holds, at the level given or the next one after the last recorded.
    pub fn letters(
        &self,
        year: i32,
        as_of: NaiveDate,
        selection: Selection,
        level: Option<u32>,
        templates: &LetterTemplates,
    ) -> anyhow::Result<Vec<Letter>> {
        if level == Some(0) {
            bail!("--level must be 1 or more (1 is the first reminder)");
        }
        let store = &self.store;
        let (list, parties) = outstanding_of(store, year, as_of, selection)?;
        let sent = store.reminders(year, as_of)?;
        let swiss = |m: Money| format!("{} {}", m.currency(), format_minor_swiss(m.minor()));
        let mut letters = Vec::new();
        // A letter never asks for what a credit the party holds already covers.
        for row in list
            .rows
            .iter()
            .filter(|r| r.total.minor() > r.credit.minor().max(0))
        {
            let party = parties
                .iter()
                .find(|p| p.code == row.party)
                .cloned()
                .ok_or_else(|| StoreError::PartyNotFound {
                    code: row.party.clone(),
                })?;
            let last = sent.get(&party.code).map(|r| (r.level, r.sent_on));
            let level = level.unwrap_or_else(|| level_on(last, as_of));
            let mut lines: Vec<LetterLine> = row
                .arrears_by_year
                .iter()
                .map(|y| LetterLine {
                    year: y.year,
                    assessed: String::new(),
                    received: String::new(),
                    outstanding: swiss(y.amount),
                    due: String::new(),
                })
                .collect();
            if row.outstanding.minor() != 0 {
                lines.push(LetterLine {
                    year,
                    assessed: swiss(row.assessed),
                    received: swiss(row.received),
                    outstanding: swiss(row.outstanding),
                    due: row
                        .due_on
                        .map(|due| letter_date(party.language, due))
                        .unwrap_or_default(),
                });
            }
            let formal = formal_name(&party);
            let letter_context = LetterContext {
                party: party.code.to_string(),
                name: party.name.clone(),
                formal_name: formal.clone(),
                formal_name_to: with_preposition(party.language, &formal, true),
                formal_name_of: with_preposition(party.language, &formal, false),
                address: party.address.clone(),
                email: party.email.clone(),
                language: party.language.as_str().to_string(),
                year,
                date: letter_date(party.language, as_of),
                date_iso: as_of.to_string(),
                level,
                lines,
                total: swiss(Money::from_minor(
                    row.total.minor() - row.credit.minor().max(0),
                    Currency::CHF,
                )),
                credit: swiss(row.credit),
                credit_deducted: row.credit.is_positive(),
                currency: Currency::CHF.to_string(),
            };
            let text = templates.render(party.language, &letter_context)?;
            letters.push(Letter {
                file_name: format!("{}-{}.txt", year, party.code),
                text,
                row: row.clone(),
                party,
                formal_name: formal,
                year,
                level,
            });
        }
        Ok(letters)
    }

    /// Records the letters as sent on `sent_on`, in one transaction; returns how many were
    /// new (a letter already recorded that day at its level is not recorded again).
    pub fn record_reminders(
        &mut self,
        actor: Actor,
        letters: &[Letter],
        sent_on: NaiveDate,
    ) -> anyhow::Result<usize> {
        let tx = self.store.begin(actor)?;
        let mut recorded = 0;
        for letter in letters {
            if tx.record_reminder(&letter.party.code, letter.year, letter.level, sent_on)? {
                recorded += 1;
            }
        }
        tx.commit()?;
        Ok(recorded)
    }
}
