//! Meetings and their documents, and the Article 14 rules of a meeting's costs: sharing
//! the estimate among the participants, and bringing the shares to the actual cost.

use anyhow::bail;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::csv_in::CsvInput;
use super::Books;
use crate::domain::meeting::{
    apportion, bill_entry, payment_entry, Document, Meeting, MeetingCode, MeetingError, PageRate,
};
use crate::domain::timeline::MeetingPlace;
use crate::ledger::{NewEntry, PartyCode};
use crate::money::Money;
use crate::reports::meeting::{meeting_balances, MeetingBalances};
use crate::store::{Actor, MeetingRecord, Recorded, StoreError, Tx};

pub use crate::store::DocumentChange;
use crate::text::count;

/// What recording a State's payment towards a meeting did.
pub struct MeetingPaid {
    pub amount: Money,
    pub entry: NewEntry,
    pub recorded: Recorded,
}

/// What sharing a meeting's estimate did.
pub struct MeetingAssessed {
    pub estimate: Money,
    pub scale: String,
    /// How many participants share the cost.
    pub participants: usize,
    /// How many bills were recorded.
    pub billed: usize,
    /// The States Parties left out for want of a rate on the scale.
    pub without_rate: Vec<String>,
}

/// The stored meeting, or an error naming how to add it.
pub fn find_meeting(tx: &Tx<'_>, code: &MeetingCode) -> anyhow::Result<MeetingRecord> {
    tx.meeting(code)?
        .ok_or_else(|| super::collection::unknown_meeting(code))
}

impl Books {
    /// Adds a meeting in its own transaction, with its place and last day when known:
    /// refused when held in a closed year, or when its code is taken.
    pub fn add_meeting(
        &mut self,
        actor: Actor,
        meeting: &Meeting,
        place: &MeetingPlace,
    ) -> anyhow::Result<()> {
        let tx = self.store.begin(actor)?;
        tx.refuse_closed(
            meeting.held_on.year(),
            &format!("meeting {} held on {}", meeting.code, meeting.held_on),
        )?;
        if let Some(existing) = tx.meeting(&meeting.code)? {
            anyhow::bail!(
                "meeting {} already exists ({}, {})",
                meeting.code,
                existing.meeting.name,
                existing.meeting.held_on
            );
        }
        tx.insert_meeting(meeting)?;
        if !place.is_empty() {
            tx.insert_meeting_place(&meeting.code, place)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Sets the price of one page translated into `languages` languages, in the meeting's
    /// currency; refused when the meeting was held in a closed year.
    pub fn set_page_rate(
        &mut self,
        actor: Actor,
        code: &MeetingCode,
        per_page: &str,
        languages: i64,
    ) -> anyhow::Result<PageRate> {
        let tx = self.store.begin(actor)?;
        let record = find_meeting(&tx, code)?;
        let meeting = &record.meeting;
        tx.refuse_closed(
            meeting.held_on.year(),
            &format!("a page rate for meeting {code}"),
        )?;
        let rate = PageRate::new(Money::parse(per_page, meeting.currency())?, languages)?;
        tx.insert_page_rate(code, &rate)?;
        tx.commit()?;
        Ok(rate)
    }

    /// Per participating State: its Article 14 share, what it was billed and its balance.
    pub fn meeting_balances(&self, code: &str) -> anyhow::Result<MeetingBalances> {
        let record = super::collection::load_meeting(&self.store, code)?;
        let billed = self.store.meeting_balances(&record.meeting.code)?;
        let parties = self.store.parties()?;
        let names = |code: &crate::ledger::PartyCode| {
            parties
                .iter()
                .find(|p| &p.code == code)
                .map_or_else(|| code.to_string(), |p| p.name.clone())
        };
        Ok(meeting_balances(&record, &billed, &names)?)
    }

    /// Records a known State's payment towards its share of a meeting's cost, `amount` in
    /// the meeting's currency.
    pub fn pay_meeting(
        &mut self,
        actor: Actor,
        code: &MeetingCode,
        party: &PartyCode,
        amount: &str,
        date: NaiveDate,
        reference: Option<String>,
    ) -> anyhow::Result<MeetingPaid> {
        let tx = self.store.begin(actor)?;
        let record = find_meeting(&tx, code)?;
        let meeting = &record.meeting;
        let amount = Money::parse(amount, meeting.currency())?;
        let name = tx
            .party(party)?
            .ok_or_else(|| StoreError::PartyNotFound {
                code: party.clone(),
            })?
            .name;
        let entry = payment_entry(meeting, party, &name, amount, date, reference)?;
        let recorded = tx.record_entry(&entry)?;
        tx.commit()?;
        Ok(MeetingPaid {
            amount,
            entry,
            recorded,
        })
    }

    /// Adds a document to a meeting's forecast, with the day it is due to the conference
    /// services if known: refused when the meeting was held in a closed year, or when the
    /// meeting has a document of that symbol.
    pub fn add_document(
        &mut self,
        actor: Actor,
        code: &MeetingCode,
        document: &Document,
        due_on: Option<NaiveDate>,
    ) -> anyhow::Result<()> {
        let tx = self.store.begin(actor)?;
        let record = find_meeting(&tx, code)?;
        tx.refuse_closed(
            record.meeting.held_on.year(),
            &format!("document {} of meeting {code}", document.symbol),
        )?;
        if let Some(existing) = record
            .documents
            .iter()
            .find(|d| d.symbol == document.symbol)
        {
            anyhow::bail!(
                "document {} of meeting {code} already exists ('{}', {} forecast)",
                existing.symbol,
                existing.title,
                count(existing.pages_forecast, "page", "pages")
            );
        }
        tx.insert_document(code, document)?;
        if let Some(due_on) = due_on {
            tx.insert_document_due(code, &document.symbol, due_on)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records news of a document as a revision, the document as it will read checked as
    /// a whole, and a new due date apart; returns the document and its due date. Refused
    /// when the meeting was held in a closed year.
    pub fn update_document(
        &mut self,
        actor: Actor,
        code: &MeetingCode,
        symbol: &str,
        change: &DocumentChange,
    ) -> anyhow::Result<(Document, Option<NaiveDate>)> {
        let tx = self.store.begin(actor)?;
        let record = find_meeting(&tx, code)?;
        tx.refuse_closed(
            record.meeting.held_on.year(),
            &format!("document {symbol} of meeting {code}"),
        )?;
        let existing = record
            .documents
            .iter()
            .find(|d| d.symbol == symbol.trim())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "meeting {code} has no document {symbol}: add it with \
                     `isu-ledger document add {code} {symbol} --title TEXT --pages-forecast N`"
                )
            })?;
        // The document as it will read, checked as a whole.
        let updated = Document::new(
            &existing.symbol,
            &existing.title,
            change.pages_forecast.unwrap_or(existing.pages_forecast),
            change.pages_actual.or(existing.pages_actual),
            change.submitted_on.or(existing.submitted_on),
            change.translated_on.or(existing.translated_on),
        )?;
        if change.revises() {
            tx.insert_document_revision(code, &updated.symbol, change)?;
        }
        if let Some(due_on) = change.due_on {
            tx.insert_document_due(code, &updated.symbol, due_on)?;
        }
        let due_on = match change.due_on {
            Some(due_on) => Some(due_on),
            None => tx
                .document_dues()?
                .get(&(code.to_string(), updated.symbol.clone()))
                .copied(),
        };
        tx.commit()?;
        Ok((updated, due_on))
    }

    /// Shares a meeting's estimate among its participants (`all-parties`: the States
    /// Parties in force on its date with a rate on the scale; else a CSV file of codes, each
    /// with a rate) on `scale`, billing each State on `date`. A meeting is assessed once.
    pub fn assess_meeting(
        &mut self,
        actor: Actor,
        code: &MeetingCode,
        scale: &str,
        participants: &str,
        date: NaiveDate,
    ) -> anyhow::Result<MeetingAssessed> {
        let tx = self.store.begin(actor)?;
        let record = find_meeting(&tx, code)?;
        if let Some(scale) = &record.scale {
            bail!(
                "meeting {code} is already assessed (on scale {scale}, among {}); \
                 bring it to the actual cost with `isu-ledger meeting true-up {code} --actual AMOUNT`",
                count(record.shares.len(), "participant", "participants")
            );
        }
        let scale = tx.scale(scale)?;
        let mut codes = participants_of(&tx, participants, &record)?;
        // A State Party without a UN rate (e.g. not a UN member) pays no share of a cost
        // shared on the UN scale; with a file, every participant listed must have one.
        let mut without_rate = Vec::new();
        if participants == "all-parties" {
            codes.retain(|party| {
                let rated = scale.rate(party).is_some_and(|r| r > Decimal::ZERO);
                if !rated {
                    without_rate.push(party.to_string());
                }
                rated
            });
        }
        let weights = codes
            .iter()
            .map(|party| (party.clone(), scale.rate(party).unwrap_or_default()))
            .collect::<Vec<_>>();
        let meeting = &record.meeting;
        let shares = apportion(meeting.estimate.minor(), &weights, &scale.name)?;
        for (party, rate) in &weights {
            tx.insert_share(code, party, &scale.name, *rate)?;
        }
        let billed = bill_all(&tx, meeting, &shares, date, "estimate", |party| {
            format!("{code}/assess/{party}")
        })?;
        tx.commit()?;
        Ok(MeetingAssessed {
            estimate: meeting.estimate,
            scale: scale.name.clone(),
            participants: shares.len(),
            billed,
            without_rate,
        })
    }

    /// Brings a meeting's shares to its actual cost: an extra bill or a credit per State,
    /// dated `date`. Returns the actual cost and how many bills or credits were written.
    pub fn true_up_meeting(
        &mut self,
        actor: Actor,
        code: &MeetingCode,
        actual: &str,
        date: NaiveDate,
    ) -> anyhow::Result<(Money, usize)> {
        let tx = self.store.begin(actor)?;
        let record = find_meeting(&tx, code)?;
        let meeting = &record.meeting;
        let actual = Money::parse(actual, meeting.currency())?;
        if actual.minor() < 0 {
            return Err(MeetingError::ActualNegative { actual }.into());
        }
        let Some(scale) = &record.scale else {
            bail!(
                "meeting {code} has not been assessed yet: share its estimate first with \
                 `isu-ledger meeting assess {code} --scale NAME --participants FILE|all-parties`"
            );
        };
        let targets = apportion(actual.minor(), &record.shares, scale)?;
        let billed = tx.meeting_balances(code)?;
        let differences: Vec<(PartyCode, i64)> = targets
            .into_iter()
            .map(|(party, target)| {
                let so_far = billed
                    .iter()
                    .find(|(p, _, _)| p == &party)
                    .map_or(0, |(_, b, _)| *b);
                (party, target - so_far)
            })
            .collect();
        let written = bill_all(&tx, meeting, &differences, date, "true-up", |party| {
            format!("{code}/true-up/{}/{party}", actual.plain())
        })?;
        tx.commit()?;
        Ok((actual, written))
    }
}

/// The participating States: from a CSV file with a `code` column, or the States Parties in
/// force on the meeting's date. Each must be a known party.
fn participants_of(
    tx: &Tx<'_>,
    participants: &str,
    record: &MeetingRecord,
) -> anyhow::Result<Vec<PartyCode>> {
    if participants == "all-parties" {
        return Ok(tx.states_parties_in_force(record.meeting.held_on)?);
    }
    let mut csv = CsvInput::open(std::path::Path::new(participants), &["code"], &[])?;
    let mut codes: Vec<PartyCode> = Vec::new();
    while let Some(row) = csv.next_row()? {
        let code: PartyCode = row
            .required("code")
            .map_err(|e| row.error(e))?
            .parse()
            .map_err(|e| row.error(e))?;
        if tx.party(&code)?.is_none() {
            return Err(row.error(StoreError::PartyNotFound { code }));
        }
        if codes.contains(&code) {
            return Err(row.error(format!("participant {code} is listed twice")));
        }
        codes.push(code);
    }
    Ok(codes)
}

/// Records one bill (or credit) per State with a non-zero amount; returns how many.
fn bill_all(
    tx: &Tx<'_>,
    meeting: &Meeting,
    amounts: &[(PartyCode, i64)],
    date: chrono::NaiveDate,
    what: &str,
    reference: impl Fn(&PartyCode) -> String,
) -> anyhow::Result<usize> {
    let mut written = 0;
    for (party, minor) in amounts.iter().filter(|(_, minor)| *minor != 0) {
        let name = tx
            .party(party)?
            .map_or_else(|| party.to_string(), |p| p.name);
        let entry = bill_entry(meeting, party, &name, *minor, date, what, reference(party))?;
        if let Recorded::New(_) = tx.record_entry(&entry)? {
            written += 1;
        }
    }
    Ok(written)
}
