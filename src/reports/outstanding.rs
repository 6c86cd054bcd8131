//! `outstanding YEAR`: who owes what for the year and earlier years, largest first, with
//! the last payment and the reminders already sent.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::standing::Standings;
use crate::domain::party::Party;
use crate::ledger::PartyCode;
use crate::money::{Currency, Money};

/// A reminder letter recorded as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderSent {
    pub level: u32,
    pub sent_on: NaiveDate,
}

/// What one party owes for one earlier year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearOwed {
    pub year: i32,
    pub amount: Money,
}

/// One party's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutstandingRow {
    pub party: PartyCode,
    pub name: String,
    /// Assessed or pledged for the year.
    pub assessed: Money,
    /// Received for the year.
    pub received: Money,
    /// Still owed for the year.
    pub outstanding: Money,
    /// Still owed for earlier years, in all.
    pub arrears: Money,
    pub arrears_by_year: Vec<YearOwed>,
    /// `outstanding + arrears`.
    pub total: Money,
    /// The day the year's assessment or pledge fell or falls due.
    pub due_on: Option<NaiveDate>,
    /// Whether anything listed is past its due date on `as_of`: arrears, or the year's
    /// outstanding after its due date.
    pub overdue: bool,
    /// The credit the party holds (never set against what it owes on other accounts).
    pub credit: Money,
    pub last_payment: Option<NaiveDate>,
    /// The highest reminder level sent for the year, if any.
    pub reminder_level: Option<u32>,
    pub reminder_sent_on: Option<NaiveDate>,
}

/// The list, with its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outstanding {
    pub year: i32,
    pub as_of: NaiveDate,
    pub currency: Currency,
    pub min: Option<Money>,
    pub top: Option<usize>,
    pub rows: Vec<OutstandingRow>,
    /// Of the rows listed. Without `--min` and `--top`, these add up to the balance of the
    /// receivable accounts for the year and earlier.
    pub total_outstanding: Money,
    pub total_arrears: Money,
    pub total: Money,
    /// Parties owing anything before `--min` and `--top` were applied.
    pub parties_owing: usize,
    /// What States owe for meetings (Article 14), per State and meeting, kept apart from
    /// their ISU contributions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<crate::reports::meeting::MeetingOwed>,
}

/// Which parties to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Only parties owing at least this in all (year and arrears).
    pub min: Option<Money>,
    /// Only the N owing most.
    pub top: Option<usize>,
}

/// The rows of parties owing anything for `year` or earlier, largest total first (then by
/// code), selected by `selection`.
#[allow(clippy::too_many_arguments)]
pub fn outstanding(
    year: i32,
    as_of: NaiveDate,
    standings: &Standings,
    parties: &[Party],
    last_payments: &BTreeMap<PartyCode, NaiveDate>,
    reminders: &BTreeMap<PartyCode, ReminderSent>,
    due_dates: &BTreeMap<PartyCode, NaiveDate>,
    selection: Selection,
    currency: Currency,
) -> Outstanding {
    let in_book = |minor| Money::from_minor(minor, currency);
    let mut rows: Vec<OutstandingRow> = standings
        .iter()
        .filter_map(|(code, standing)| {
            let this = standing.year(year);
            let arrears = standing.arrears_before(year);
            let arrears_minor: i64 = arrears.iter().map(|(_, m)| m).sum();
            if this.outstanding_minor == 0 && arrears.is_empty() {
                return None;
            }
            let reminder = reminders.get(code);
            Some(OutstandingRow {
                party: code.clone(),
                name: parties
                    .iter()
                    .find(|p| &p.code == code)
                    .map_or_else(|| code.to_string(), |p| p.name.clone()),
                assessed: in_book(this.expected_minor()),
                received: in_book(this.received_minor),
                outstanding: in_book(this.outstanding_minor),
                arrears: in_book(arrears_minor),
                arrears_by_year: arrears
                    .into_iter()
                    .map(|(year, minor)| YearOwed {
                        year,
                        amount: in_book(minor),
                    })
                    .collect(),
                total: in_book(this.outstanding_minor + arrears_minor),
                due_on: due_dates.get(code).copied(),
                overdue: arrears_minor != 0
                    || (this.outstanding_minor != 0
                        && due_dates.get(code).is_some_and(|due| as_of > *due)),
                credit: in_book(standing.credit_minor),
                last_payment: last_payments.get(code).copied(),
                reminder_level: reminder.map(|r| r.level),
                reminder_sent_on: reminder.map(|r| r.sent_on),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.total
            .minor()
            .cmp(&a.total.minor())
            .then_with(|| a.party.cmp(&b.party))
    });
    let parties_owing = rows.len();
    if let Some(min) = selection.min {
        rows.retain(|r| r.total.minor() >= min.minor());
    }
    if let Some(top) = selection.top {
        rows.truncate(top);
    }
    let total_outstanding: i64 = rows.iter().map(|r| r.outstanding.minor()).sum();
    let total_arrears: i64 = rows.iter().map(|r| r.arrears.minor()).sum();
    Outstanding {
        year,
        as_of,
        currency,
        min: selection.min,
        top: selection.top,
        rows,
        total_outstanding: in_book(total_outstanding),
        total_arrears: in_book(total_arrears),
        total: in_book(total_outstanding + total_arrears),
        parties_owing,
        meetings: Vec::new(),
    }
}
