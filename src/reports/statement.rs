//! `statement PARTY`: every assessment or pledge, every payment and how it was applied,
//! with the running balance owed and the credit held.

use chrono::NaiveDate;
use serde::Serialize;

use super::outstanding::YearOwed;
use crate::domain::accounts::{self, PREPAID, RECEIVABLE};
use crate::domain::party::Party;
use crate::ledger::{Entry, EntryId, PartyCode};
use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    pub date: NaiveDate,
    pub entry: EntryId,
    pub description: String,
    pub budget_year: i32,
    /// Assessed or pledged (what the party is charged).
    pub charged: Money,
    /// Paid towards what it owes, or taken from its credit.
    pub paid: Money,
    /// Paid beyond what it owed (positive) or credit used (negative).
    pub credit_change: Money,
    /// Paid as a voluntary contribution, with nothing to settle.
    pub voluntary: Money,
    /// What the party owes after this line, all years.
    pub balance: Money,
    /// The credit it holds after this line.
    pub credit: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub party: PartyCode,
    pub name: String,
    pub as_of: NaiveDate,
    pub currency: Currency,
    pub lines: Vec<StatementLine>,
    pub balance: Money,
    pub credit: Money,
    /// What the party owes per budget year at the end.
    pub owed_by_year: Vec<YearOwed>,
    /// What the State owes for each meeting (Article 14), apart from its ISU contributions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<crate::reports::meeting::MeetingOwed>,
}

/// Builds the statement from the party's entries (by date, then id). Each transfer that
/// touches the party's receivable, its credit or voluntary income is one line.
pub fn statement(party: &Party, as_of: NaiveDate, entries: &[Entry]) -> Statement {
    let receivable = format!("{RECEIVABLE}:{}", party.code);
    let prepaid = format!("{PREPAID}:{}", party.code);
    let voluntary = accounts::contributions_voluntary();
    let chf = |minor| Money::from_minor(minor, Currency::CHF);
    let mut lines = Vec::new();
    let mut balance = 0i64;
    let mut credit = 0i64;
    let mut by_year = std::collections::BTreeMap::<i32, i64>::new();
    for entry in entries {
        let recorded = &entry.recorded;
        for transfer in &recorded.transfers {
            if transfer.amount.currency() != Currency::CHF {
                continue;
            }
            let amount = transfer.amount.minor();
            let year = transfer.year_within(recorded.budget_year);
            let (mut charged, mut paid, mut credit_change, mut gift) = (0, 0, 0, 0);
            if transfer.debit.as_str() == receivable {
                charged += amount;
            }
            if transfer.credit.as_str() == receivable {
                paid += amount;
            }
            if transfer.credit.as_str() == prepaid {
                credit_change += amount;
            }
            if transfer.debit.as_str() == prepaid {
                credit_change -= amount;
            }
            if transfer.credit == voluntary {
                gift += amount;
            }
            if transfer.debit == voluntary {
                gift -= amount;
            }
            if (charged, paid, credit_change, gift) == (0, 0, 0, 0) {
                continue;
            }
            balance += charged - paid;
            credit += credit_change;
            *by_year.entry(year).or_default() += charged - paid;
            lines.push(StatementLine {
                date: recorded.date,
                entry: entry.id,
                description: recorded.description.clone(),
                budget_year: year,
                charged: chf(charged),
                paid: chf(paid),
                credit_change: chf(credit_change),
                voluntary: chf(gift),
                balance: chf(balance),
                credit: chf(credit),
            });
        }
    }
    Statement {
        party: party.code.clone(),
        name: party.name.clone(),
        as_of,
        currency: Currency::CHF,
        lines,
        balance: chf(balance),
        credit: chf(credit),
        owed_by_year: by_year
            .into_iter()
            .filter(|(_, m)| *m != 0)
            .map(|(year, m)| YearOwed {
                year,
                amount: chf(m),
            })
            .collect(),
        meetings: Vec::new(),
    }
}
