//! `statement PARTY`: every assessment or pledge, every payment and how it was applied,
//! with the running balance owed and the credit held.

use chrono::NaiveDate;
use serde::Serialize;

use super::outstanding::YearOwed;
use crate::domain::party::Party;
use crate::domain::position::{FactKind, Movement, PartyFacts, Replay, Slot};
use crate::ledger::{EntryId, PartyCode};
use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    pub date: NaiveDate,
    /// The entry that recorded the fact.
    pub entry: Option<EntryId>,
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

/// Builds the statement from the party's facts as the rule of `domain::position` applies
/// them (`replayed`, up to `as_of`): one line per movement, in the order the rule applied
/// the facts, so the statement is the same whatever order they were recorded in.
pub fn statement(
    party: &Party,
    as_of: NaiveDate,
    facts: &PartyFacts,
    replayed: &Replay,
    currency: Currency,
) -> Statement {
    let in_book = |minor| Money::from_minor(minor, currency);
    let mut lines = Vec::new();
    let mut balance = 0i64;
    let mut credit = 0i64;
    let mut by_year = std::collections::BTreeMap::<i32, i64>::new();
    for &index in &replayed.order {
        let fact = &facts.facts[index];
        for movement in replayed.movements_of(index) {
            let amount = movement.amount_minor;
            let (mut charged, mut paid, mut credit_change, mut gift) = (0, 0, 0, 0);
            let mut year = None;
            match movement.debit {
                Slot::Owed(y) => {
                    charged += amount;
                    year = Some(y);
                }
                Slot::Credit => credit_change -= amount,
                Slot::Voluntary(y) => {
                    gift -= amount;
                    year = Some(y);
                }
                Slot::Outside => {}
            }
            match movement.credit {
                Slot::Owed(y) => {
                    paid += amount;
                    year = Some(y);
                }
                Slot::Credit => credit_change += amount,
                Slot::Voluntary(y) => {
                    gift += amount;
                    year = Some(y);
                }
                Slot::Outside => {}
            }
            balance += charged - paid;
            credit += credit_change;
            let year = year.unwrap_or(chrono::Datelike::year(&fact.date));
            *by_year.entry(year).or_default() += charged - paid;
            lines.push(StatementLine {
                date: fact.date,
                entry: facts.entries[index],
                description: describe(facts, index, movement),
                budget_year: year,
                charged: in_book(charged),
                paid: in_book(paid),
                credit_change: in_book(credit_change),
                voluntary: in_book(gift),
                balance: in_book(balance),
                credit: in_book(credit),
            });
        }
    }
    Statement {
        party: party.code.clone(),
        name: party.name.clone(),
        as_of,
        currency,
        lines,
        balance: in_book(balance),
        credit: in_book(credit),
        owed_by_year: by_year
            .into_iter()
            .filter(|(_, m)| *m != 0)
            .map(|(year, m)| YearOwed {
                year,
                amount: in_book(m),
            })
            .collect(),
        meetings: Vec::new(),
    }
}

/// The words of one line: what the fact is, and what the movement did, from the facts
/// alone (never from how an entry was booked when it was recorded).
fn describe(facts: &PartyFacts, index: usize, movement: &Movement) -> String {
    let fact = &facts.facts[index];
    let reference = |i: usize| {
        facts.references[i]
            .as_deref()
            .map(|r| format!(" {r}"))
            .unwrap_or_default()
    };
    let what = match &fact.kind {
        FactKind::Payment { .. } => format!("Payment{}", reference(index)),
        FactKind::Reversal { of } => {
            let original = &facts.facts[*of];
            let kind = match original.kind {
                FactKind::Charge { .. } => "charge",
                FactKind::Payment { .. } => "payment",
                FactKind::Refund => "refund",
                FactKind::CreditApplication { .. } => "application of credit",
                FactKind::WriteOff { .. } => "write-off",
                FactKind::Reversal { .. } => "reversal",
                FactKind::Booked { .. } => "entry",
            };
            format!(
                "Reversal of the {kind} of {}{}",
                original.date,
                reference(*of)
            )
        }
        _ => facts.descriptions[index].clone(),
    };
    let how = match (movement.debit, movement.credit) {
        (Slot::Outside, Slot::Owed(year)) if matches!(fact.kind, FactKind::Payment { .. }) => {
            format!(": applied to {year}")
        }
        (Slot::Outside, Slot::Credit) => ": held as a credit".to_string(),
        (Slot::Outside, Slot::Voluntary(year)) => format!(": voluntary contribution for {year}"),
        (Slot::Credit, Slot::Owed(year)) => format!(": credit applied to {year}"),
        (Slot::Owed(year), Slot::Credit) => format!(": paid for {year}, now a credit"),
        (Slot::Owed(year), Slot::Outside) if matches!(fact.kind, FactKind::Reversal { .. }) => {
            format!(": {year} owed again")
        }
        (Slot::Credit, Slot::Outside) if matches!(fact.kind, FactKind::Reversal { .. }) => {
            ": taken from the credit".to_string()
        }
        _ => String::new(),
    };
    format!("{what}{how}")
}
