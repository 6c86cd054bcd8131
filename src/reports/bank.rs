//! The bank reports as data: the review of the lines with their proposed match, and the
//! reconciliation of a statement's closing balance with the books' bank account.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::bank::matching::Proposal;
use crate::ledger::EntryId;
use crate::money::{Money, MoneyError};

/// One line of `bank review`.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewRow {
    pub line: i64,
    pub account: String,
    pub booked_on: NaiveDate,
    pub value_on: NaiveDate,
    pub amount: Money,
    pub currency: String,
    pub counterparty: String,
    pub remittance: String,
    pub bank_reference: String,
    /// What the payer instructed, when it differs (another currency, or charges deducted).
    pub instructed: Option<Money>,
    pub rate: Option<String>,
    /// Charges deducted on the way, which `bank confirm --book-charges` books.
    pub charges_deducted: Option<Money>,
    pub proposal: Proposal,
    /// The entry it was confirmed as, for a confirmed line.
    pub entry: Option<EntryId>,
}

/// `bank review`: the lines and what they are proposed to be.
#[derive(Debug, Clone, Serialize)]
pub struct BankReview {
    pub rows: Vec<ReviewRow>,
}

/// A line of the statement with no entry in the books yet.
#[derive(Debug, Clone, Serialize)]
pub struct UnmatchedLine {
    pub line: i64,
    pub booked_on: NaiveDate,
    pub amount: Money,
    pub text: String,
}

/// An entry of the books' bank account with no bank line.
#[derive(Debug, Clone, Serialize)]
pub struct UnlinkedEntryRow {
    pub entry: EntryId,
    pub date: NaiveDate,
    pub amount: Money,
    pub description: String,
}

/// Charges deducted by banks on the way to the account.
#[derive(Debug, Clone, Serialize)]
pub struct ChargeRow {
    pub line: i64,
    pub instructed: Money,
    pub arrived: Money,
    pub charges: Money,
    /// Whether the charges were booked as a cost (the party credited in full).
    pub booked: bool,
}

/// `bank reconcile`: why the statement and the books differ.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub account: String,
    pub books_account: String,
    pub statement: String,
    pub closing_on: NaiveDate,
    pub statement_balance: Money,
    pub books_balance: Money,
    pub difference: Money,
    /// The statements' opening balance less the books' balance before the first line.
    pub opening_difference: Money,
    pub unmatched: Vec<UnmatchedLine>,
    pub unmatched_total: Money,
    pub unlinked: Vec<UnlinkedEntryRow>,
    pub unlinked_total: Money,
    pub charges: Vec<ChargeRow>,
    /// What the lists above do not explain: zero when they explain it all.
    pub unexplained: Money,
}

impl Reconciliation {
    /// Adds up the explanation: difference = opening difference + unmatched lines − book
    /// entries with no line + what is left unexplained.
    pub fn explain(mut self) -> Result<Reconciliation, MoneyError> {
        let currency = self.statement_balance.currency();
        let mut unmatched = Money::zero(currency);
        for line in &self.unmatched {
            unmatched = unmatched.checked_add(line.amount)?;
        }
        let mut unlinked = Money::zero(currency);
        for entry in &self.unlinked {
            unlinked = unlinked.checked_add(entry.amount)?;
        }
        self.difference = self.statement_balance.checked_sub(self.books_balance)?;
        self.unmatched_total = unmatched;
        self.unlinked_total = unlinked;
        self.unexplained = self
            .difference
            .checked_sub(self.opening_difference)?
            .checked_sub(unmatched)?
            .checked_add(unlinked)?;
        Ok(self)
    }
}

/// One payer learned for a party.
#[derive(Debug, Clone, Serialize)]
pub struct PayerRow {
    pub party: String,
    pub name: Option<String>,
    pub account: Option<String>,
    /// The bank line whose confirmation taught it, if one did.
    pub learned_from: Option<i64>,
}

/// `bank payers`: what the matching knows of each party's payers.
#[derive(Debug, Clone, Serialize)]
pub struct PayerList {
    pub rows: Vec<PayerRow>,
}
