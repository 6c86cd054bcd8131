//! Correcting a mistake: the mirror of an entry, linked to it, with a reason.

use chrono::NaiveDate;

use super::funds::check_money_out;
use super::Books;
use crate::domain::reversal::reversal_of;
use crate::ledger::{AccountType, EntryId, EntryKind, NewEntry};
use crate::store::{Actor, Recorded, StoreError, Tx};

/// Which date a reversal took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReversalDate {
    /// The date given.
    Given,
    /// The original's date, its year being open.
    Original,
    /// The report date (`--as-of`), the original's year being closed.
    AsOf,
}

/// What reversing an entry did.
pub struct Reversed {
    pub recorded: Recorded,
    pub reversal: NewEntry,
    pub date: NaiveDate,
    pub why: ReversalDate,
    /// Entries the rule posted to apply the party's money again by value date.
    pub reapplied: Vec<(EntryId, NewEntry)>,
}

impl Books {
    /// Reverses entry `id` with `reason`, dated `given`, else the original's date while its
    /// year is open, else `as_of`. A close, or an entry the rule posted, is not reversed;
    /// what moved income, expenses or equity of a closed year is corrected in the open year
    /// of the reversal's date; a reversal that takes a fund below zero is refused unless
    /// `allow_deficit`.
    pub fn reverse_entry(
        &mut self,
        actor: Actor,
        id: EntryId,
        reason: &str,
        given: Option<NaiveDate>,
        as_of: NaiveDate,
        allow_deficit: bool,
    ) -> anyhow::Result<Reversed> {
        let tx = self.store.begin(actor)?;
        let reversed = reverse_in(&tx, id, reason, given, as_of, allow_deficit)?;
        tx.commit()?;
        Ok(reversed)
    }
}

/// Reverses entry `id` in `tx`, as `Books::reverse_entry` does: the one use case of the
/// `reverse` command and of confirming a bank's reversal of a line.
pub(super) fn reverse_in(
    tx: &Tx<'_>,
    id: EntryId,
    reason: &str,
    given: Option<NaiveDate>,
    as_of: NaiveDate,
    allow_deficit: bool,
) -> anyhow::Result<Reversed> {
    let original = tx.entry(id)?.ok_or(StoreError::EntryNotFound { id })?;
    match original.recorded.kind {
        EntryKind::Close => anyhow::bail!(
            "entry {} is the close of budget year {}: a close is not reversed",
            original.id,
            original.recorded.budget_year
        ),
        EntryKind::Reapplication => anyhow::bail!(
            "entry {} applies {}'s money again by the rule; it follows from the facts and is \
                 not reversed: reverse the payment, charge or correction that is wrong",
            original.id,
            original
                .recorded
                .party
                .as_ref()
                .map_or("the party", |p| p.as_str())
        ),
        _ => {}
    }
    // A keying error never happened: the reversal takes the original's date while its year
    // is open; once the year is closed, the date it is corrected on (--as-of).
    let original_open = tx
        .closed_year(chrono::Datelike::year(&original.recorded.date))?
        .is_none();
    let (date, why) = match given {
        Some(date) => (date, ReversalDate::Given),
        None if original_open => (original.recorded.date, ReversalDate::Original),
        None => (as_of, ReversalDate::AsOf),
    };
    let mut reversal = reversal_of(&original, reason, date)?;
    // What moved income, expenses or equity of a closed year is corrected in the open year
    // of the reversal's date; what it left owed or held keeps its year.
    let open_year = chrono::Datelike::year(&date);
    let mut moved = Vec::new();
    let entry_year = reversal.budget_year;
    for transfer in &mut reversal.transfers {
        let year = transfer.year_within(entry_year);
        let result = [&transfer.debit, &transfer.credit].into_iter().any(|a| {
            matches!(
                a.account_type(),
                AccountType::Income | AccountType::Expenses | AccountType::Equity
            )
        });
        if result && tx.closed_year(year)?.is_some() {
            moved.push(year);
            transfer.budget_year = Some(open_year);
        }
    }
    if !moved.is_empty() {
        if tx.closed_year(entry_year)?.is_some() {
            reversal.budget_year = open_year;
        }
        for transfer in &mut reversal.transfers {
            if transfer.budget_year.is_none() {
                transfer.budget_year = Some(entry_year);
            }
            if transfer.budget_year == Some(reversal.budget_year) {
                transfer.budget_year = None;
            }
        }
        moved.sort_unstable();
        moved.dedup();
        let years: Vec<String> = moved.iter().map(i32::to_string).collect();
        reversal.description = format!(
            "{} (entry {} counted against closed budget year {})",
            reversal.description,
            original.id,
            years.join(", ")
        );
    }
    check_money_out(
        tx,
        &reversal,
        allow_deficit,
        "; give --allow-deficit to accept it",
    )?;
    let written = tx.record_reversal(&original, reversal.clone())?;
    let (recorded, reapplied) = (written.recorded, written.reapplied);
    Ok(Reversed {
        recorded,
        reversal,
        date,
        why,
        reapplied,
    })
}
