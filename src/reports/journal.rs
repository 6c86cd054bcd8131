//! `journal`: the entries, in date order, with their transfers.

use chrono::NaiveDate;
use serde::Serialize;

use crate::ledger::{AccountName, Entry, EntryId, EntryKind, FundCode, PartyCode};
use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalTransfer {
    pub debit: AccountName,
    pub credit: AccountName,
    pub amount: Money,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalEntry {
    pub id: EntryId,
    pub date: NaiveDate,
    pub description: String,
    pub kind: EntryKind,
    pub budget_year: i32,
    pub fund: FundCode,
    pub party: Option<PartyCode>,
    pub reference: Option<String>,
    pub rate: Option<String>,
    pub reverses: Option<EntryId>,
    pub reason: Option<String>,
    pub reversed_by: Option<EntryId>,
    pub entered_at: String,
    pub entered_by: String,
    pub transfers: Vec<JournalTransfer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Journal {
    pub as_of: NaiveDate,
    pub party: Option<PartyCode>,
    pub year: Option<i32>,
    pub entries: Vec<JournalEntry>,
}

pub fn journal(
    as_of: NaiveDate,
    party: Option<PartyCode>,
    year: Option<i32>,
    entries: Vec<Entry>,
) -> Journal {
    let entries = entries
        .into_iter()
        .map(|entry| {
            let recorded = entry.recorded;
            JournalEntry {
                id: entry.id,
                date: recorded.date,
                description: recorded.description,
                kind: recorded.kind,
                budget_year: recorded.budget_year,
                fund: recorded.fund,
                party: recorded.party,
                reference: recorded.reference,
                rate: recorded.rate.map(|r| r.to_string()),
                reverses: recorded.reverses.as_ref().map(|(id, _)| *id),
                reason: recorded.reverses.map(|(_, reason)| reason),
                reversed_by: entry.reversed_by,
                entered_at: entry.entered_at,
                entered_by: entry.entered_by,
                transfers: recorded
                    .transfers
                    .into_iter()
                    .map(|t| JournalTransfer {
                        debit: t.debit,
                        credit: t.credit,
                        currency: t.amount.currency(),
                        amount: t.amount,
                    })
                    .collect(),
            }
        })
        .collect();
    Journal {
        as_of,
        party,
        year,
        entries,
    }
}
