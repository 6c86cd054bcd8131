//! `journal`: the entries, in date order, with their transfers; `entry show`: one entry with
//! the entries it reverses or is reversed by.

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

impl From<Entry> for JournalEntry {
    fn from(entry: Entry) -> JournalEntry {
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
    }
}

/// Where a page of the journal lies among all the entries the filters select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Entries skipped before the first shown.
    pub offset: u64,
    /// Entries the filters select, on every page.
    pub matching: u64,
}

/// The filters a journal was listed with, besides its party and year, for its title.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub from: Option<NaiveDate>,
    pub account: Option<String>,
    pub kind: Option<EntryKind>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Journal {
    /// The last day listed.
    pub as_of: NaiveDate,
    pub party: Option<PartyCode>,
    pub year: Option<i32>,
    pub entries: Vec<JournalEntry>,
    /// The other filters, named in the title.
    #[serde(skip)]
    pub filters: Filters,
    /// Where these entries lie, when they are one page of more.
    #[serde(skip)]
    pub paging: Option<Paging>,
}

/// An entry that reverses another, or is reversed by it, as seen from the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryLink {
    pub id: EntryId,
    pub date: NaiveDate,
    pub description: String,
    /// Why the reversal was posted.
    pub reason: String,
}

/// `entry show`: one entry, with the entry it reverses and the one that reversed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryShow {
    pub entry: JournalEntry,
    pub reverses: Option<EntryLink>,
    pub reversed_by: Option<EntryLink>,
}

/// `entry` with the entries linked to it: `reverses` the one it reverses, `reversed_by`
/// the one that reversed it.
pub fn entry_show(entry: Entry, reverses: Option<Entry>, reversed_by: Option<Entry>) -> EntryShow {
    let reason = entry
        .recorded
        .reverses
        .as_ref()
        .map(|(_, reason)| reason.clone())
        .unwrap_or_default();
    let reverses = reverses.map(|other| EntryLink {
        id: other.id,
        date: other.recorded.date,
        description: other.recorded.description,
        reason,
    });
    let reversed_by = reversed_by.map(|other| EntryLink {
        id: other.id,
        date: other.recorded.date,
        description: other.recorded.description,
        reason: other
            .recorded
            .reverses
            .map(|(_, reason)| reason)
            .unwrap_or_default(),
    });
    EntryShow {
        entry: JournalEntry::from(entry),
        reverses,
        reversed_by,
    }
}
