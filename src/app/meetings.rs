//! The Article 14 rules of a meeting's costs: sharing the estimate among the participants,
//! and bringing the shares to the actual cost.

use anyhow::bail;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::csv_in::CsvInput;
use super::Books;
use crate::domain::meeting::{apportion, bill_entry, Meeting, MeetingCode, MeetingError};
use crate::ledger::PartyCode;
use crate::money::Money;
use crate::store::{Actor, MeetingRecord, Recorded, StoreError, Tx};
use crate::text::count;

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
        let tx = self.store_mut().begin(actor)?;
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
        let tx = self.store_mut().begin(actor)?;
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
