//! Corrections of what a party holds or owes: refunding its credit, applying it to a named
//! year, writing off its arrears. Each is a dated fact of the party; the rule of
//! `domain::position` refuses one that would take more than the party holds or owes on its
//! date, and a refund takes from the fund no more than the fund holds.

use anyhow::bail;
use chrono::NaiveDate;

use super::funds::check_money_out;
use super::Books;
use crate::domain::accounts;
use crate::domain::position::{Fact, FactKind};
use crate::ledger::{EntryId, EntryKind, FundCode, NewEntry, PartyCode, Transfer};
use crate::money::{Currency, Money};
use crate::store::{fact_key, Actor, Recorded, StoreError};

/// A positive amount in the book currency `book`, as written.
pub fn positive_amount(text: &str, book: Currency) -> anyhow::Result<Money> {
    let amount = Money::parse(text, book)?;
    if !amount.is_positive() {
        bail!("the amount must be positive, got {amount}");
    }
    Ok(amount)
}

/// One correction of a party, as given: its entry is dated `date`, with `transfers`, and the
/// rule checks it as `kind` of `amount`.
pub struct Correction {
    party: PartyCode,
    kind: FactKind,
    entry_kind: EntryKind,
    amount: Money,
    date: NaiveDate,
    budget_year: i32,
    reference: Option<String>,
    /// The entry's description, given the party's name.
    describe: Box<dyn Fn(&str) -> String>,
    transfers: Vec<Transfer>,
}

/// What recording a correction did.
pub enum Corrected {
    /// The same correction is recorded already as this entry; nothing written.
    AlreadyRecorded(EntryId),
    Recorded {
        id: EntryId,
        description: String,
        amount: Money,
        date: NaiveDate,
    },
}

impl Correction {
    /// Paying back to `party` `amount` of the credit it holds, on `date`, for `reason`.
    pub fn refund(
        party: PartyCode,
        amount: Money,
        date: NaiveDate,
        reference: Option<String>,
        reason: &str,
    ) -> anyhow::Result<Correction> {
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            bail!("a refund needs a reason: --reason TEXT");
        }
        let transfers = vec![Transfer::new(
            accounts::prepaid(&party),
            accounts::bank(amount.currency()),
            amount,
        )];
        Ok(Correction {
            party,
            kind: FactKind::Refund,
            entry_kind: EntryKind::Refund,
            amount,
            date,
            budget_year: chrono::Datelike::year(&date),
            reference,
            describe: Box::new(move |name| format!("Refund of credit to {name}: {reason}")),
            transfers,
        })
    }

    /// Applying `amount` of `party`'s credit to what it owes for `year`, on `date`.
    pub fn credit_application(
        party: PartyCode,
        amount: Money,
        year: i32,
        date: NaiveDate,
    ) -> Correction {
        let transfers = vec![Transfer::new(
            accounts::prepaid(&party),
            accounts::receivable(&party),
            amount,
        )];
        Correction {
            party,
            kind: FactKind::CreditApplication { year },
            entry_kind: EntryKind::CreditApplication,
            amount,
            date,
            budget_year: year,
            reference: None,
            describe: Box::new(move |name| format!("Credit of {name} applied to {year}")),
            transfers,
        }
    }

    /// Writing off `amount` of `party`'s arrears for `year` on `date`, by `decision` of the
    /// Meeting of States Parties.
    pub fn write_off(
        party: PartyCode,
        amount: Money,
        year: i32,
        date: NaiveDate,
        decision: &str,
    ) -> anyhow::Result<Correction> {
        let decision = decision.trim().to_string();
        if decision.is_empty() {
            bail!("a write-off needs the decision of the Meeting: --decision TEXT");
        }
        // The arrears leave the party's receivable for their year; the loss counts in the year
        // of the write-off, so a closed year's result stays as it was closed.
        let date_year = chrono::Datelike::year(&date);
        let written_off = accounts::written_off_receivable();
        let mut loss = Transfer::new(
            accounts::contributions_written_off(),
            written_off.clone(),
            amount,
        );
        if date_year != year {
            loss = loss.for_year(date_year);
        }
        let transfers = vec![
            Transfer::new(written_off, accounts::receivable(&party), amount),
            loss,
        ];
        Ok(Correction {
            party,
            kind: FactKind::WriteOff { year },
            entry_kind: EntryKind::WriteOff,
            amount,
            date,
            budget_year: year,
            reference: None,
            describe: Box::new(move |name| {
                format!("Arrears of {name} for {year} written off by decision {decision}")
            }),
            transfers,
        })
    }
}

impl Books {
    /// Records a correction of a party in one transaction: refused for an unknown party,
    /// when it takes from the fund more than the fund holds on its date or later, or when
    /// the rule finds it takes more than the party holds or owes.
    pub fn record_correction(
        &mut self,
        actor: Actor,
        correction: Correction,
    ) -> anyhow::Result<Corrected> {
        let Correction {
            party,
            kind,
            entry_kind,
            amount,
            date,
            budget_year,
            reference,
            describe,
            transfers,
        } = correction;
        let tx = self.store.begin(actor)?;
        let name = tx
            .party(&party)?
            .ok_or_else(|| StoreError::PartyNotFound {
                code: party.clone(),
            })?
            .name;
        let description = describe(&name);
        let entry = NewEntry {
            date,
            description: description.clone(),
            kind: entry_kind,
            budget_year,
            fund: FundCode::isu(),
            party: Some(party.clone()),
            reference: reference.clone(),
            reverses: None,
            rate: None,
            transfers,
        };
        if let Some(Recorded::AlreadyRecorded(id)) =
            tx.recorded_with(&reference, &entry.content())?
        {
            return Ok(Corrected::AlreadyRecorded(id));
        }
        check_money_out(&tx, &entry, false, "")?;
        let fact = Fact {
            date,
            kind,
            amount_minor: amount.minor(),
            key: fact_key(
                entry_kind.as_str(),
                reference.as_deref(),
                budget_year,
                amount.minor(),
            ),
        };
        let recorded = tx
            .record_fact(&party, fact, None, move |_| Ok(entry))?
            .recorded;
        tx.commit()?;
        Ok(Corrected::Recorded {
            id: recorded.id(),
            description,
            amount,
            date,
        })
    }
}
