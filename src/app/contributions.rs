//! Recording contributions: one from the command line, or a file of them in one
//! transaction, each applied to what the party owes by the rule of `domain::position`.

use std::collections::HashMap;
use std::io::BufRead;

use anyhow::anyhow;
use chrono::NaiveDate;

use super::csv_in::CsvInput;
use crate::domain::contribution::{value_in_book, Contribution, Portion};
use crate::domain::parse_date;
use crate::domain::position::{Fact, FactKind, Movement, Slot};
use crate::ledger::{EntryId, FundCode, NewEntry, PartyCode};
use crate::money::{Currency, Money, Rate};
use crate::store::{payment_key, Recorded, ReferenceState, StoreError, Tx};

/// The columns a contribution file must have.
pub const CONTRIBUTION_COLUMNS_REQUIRED: [&str; 6] =
    ["date", "party", "amount", "currency", "year", "ref"];
pub const CONTRIBUTION_COLUMNS_OPTIONAL: [&str; 3] = ["fund", "rate", "voluntary"];

/// The text fields of one contribution, from the command line or a CSV row.
pub struct ContributionFields<'a> {
    pub party: &'a str,
    pub amount: &'a str,
    pub currency: Option<&'a str>,
    pub rate: Option<&'a str>,
    pub date: NaiveDate,
    pub year: Option<i32>,
    pub reference: Option<&'a str>,
    pub fund: Option<&'a str>,
    pub voluntary: bool,
}

impl ContributionFields<'_> {
    /// The contribution these fields describe, every field checked; the amount is in the
    /// book currency `book` unless the fields name another.
    pub fn parse(&self, book: Currency) -> anyhow::Result<Contribution> {
        let currency: Currency = match self.currency {
            Some(code) => code.parse()?,
            None => book,
        };
        Ok(Contribution {
            party: self.party.parse()?,
            amount: Money::parse(self.amount, currency)?,
            rate: self.rate.map(str::parse::<Rate>).transpose()?,
            date: self.date,
            budget_year: self.year,
            fund: self.fund.map_or(Ok(FundCode::isu()), str::parse)?,
            reference: self.reference.map(str::to_string),
            voluntary: self.voluntary,
        })
    }
}

/// Records contributions in one transaction, looking each party's name up once.
pub struct ContributionWriter<'t, 'c> {
    tx: &'t Tx<'c>,
    book: Currency,
    names: HashMap<PartyCode, String>,
    /// Entries the rule posted to apply a party's money again.
    pub reapplied: Vec<(EntryId, NewEntry)>,
}

impl<'t, 'c> ContributionWriter<'t, 'c> {
    pub fn new(tx: &'t Tx<'c>) -> anyhow::Result<Self> {
        Ok(ContributionWriter {
            tx,
            book: tx.currency()?,
            names: HashMap::new(),
            reapplied: Vec::new(),
        })
    }

    /// Records one contribution, applied by the rule; a reference already recorded with
    /// the same content writes nothing.
    pub fn record(&mut self, contribution: &Contribution) -> anyhow::Result<(NewEntry, Recorded)> {
        let name = match self.names.get(&contribution.party) {
            Some(name) => name.clone(),
            None => {
                let party = self.tx.party(&contribution.party)?.ok_or_else(|| {
                    StoreError::PartyNotFound {
                        code: contribution.party.clone(),
                    }
                })?;
                self.names.insert(party.code, party.name.clone());
                party.name
            }
        };
        let value = contribution.value_in(self.book)?;
        // A reference whose entry was reversed is free again, kept as REF#2.
        let mut contribution = contribution.clone();
        if let Some(reference) = &contribution.reference {
            match self.tx.reference_state(reference)? {
                ReferenceState::Free(free) => contribution.reference = Some(free),
                ReferenceState::Taken(taken) => {
                    contribution.reference = Some(taken);
                    let content = contribution.content();
                    if let Some(recorded) =
                        self.tx.recorded_with(&contribution.reference, &content)?
                    {
                        let entry = contribution.to_entry(
                            &name,
                            &[Portion::Credit {
                                minor: value.minor(),
                            }],
                            self.book,
                        )?;
                        return Ok((entry, recorded));
                    }
                }
            }
        }
        let content = contribution.content();
        let fact = Fact {
            date: contribution.date,
            kind: FactKind::Payment {
                designated_year: contribution.budget_year,
                voluntary: contribution.is_voluntary(),
            },
            amount_minor: value.minor(),
            key: payment_key(contribution.reference.as_deref(), &content),
        };
        let book = self.book;
        let written =
            self.tx
                .record_fact(&contribution.party, fact, Some(&content), |movements| {
                    Ok(contribution.to_entry(&name, &portions_of(movements), book)?)
                })?;
        if let Recorded::New(id) = written.recorded {
            self.tx
                .record_payment_terms(id, contribution.budget_year, contribution.voluntary)?;
        }
        self.reapplied.extend(written.reapplied);
        Ok((written.entry, written.recorded))
    }
}

/// The portions of a payment, from the movements the rule gives it.
fn portions_of(movements: &[Movement]) -> Vec<Portion> {
    movements
        .iter()
        .filter(|m| m.debit == Slot::Outside)
        .filter_map(|m| match m.credit {
            Slot::Owed(year) => Some(Portion::Owed {
                year,
                minor: m.amount_minor,
            }),
            Slot::Credit => Some(Portion::Credit {
                minor: m.amount_minor,
            }),
            Slot::Voluntary(year) => Some(Portion::Voluntary {
                year,
                minor: m.amount_minor,
            }),
            Slot::Outside => None,
        })
        .collect()
}

/// Records one contribution in `tx` as `contribution add` does: applied to what the party
/// owes, oldest year first, or to the year it names.
pub fn record_contribution(
    tx: &Tx<'_>,
    contribution: &Contribution,
) -> anyhow::Result<(NewEntry, Recorded)> {
    ContributionWriter::new(tx)?.record(contribution)
}

/// What an import did.
#[derive(Debug)]
pub struct ImportSummary {
    pub rows: u64,
    pub recorded: u64,
    pub already_recorded: u64,
    /// What the contributions recorded are worth in the book currency.
    pub recorded_value: Money,
    /// Entries the rule posted to apply a party's money again by value date.
    pub reapplied: u64,
}

/// Reads contributions from CSV text (for the built-in example).
pub fn contribution_csv_from(
    name: &str,
    source: impl BufRead + 'static,
) -> anyhow::Result<CsvInput> {
    CsvInput::from_reader(
        name.to_string(),
        source,
        &CONTRIBUTION_COLUMNS_REQUIRED,
        &CONTRIBUTION_COLUMNS_OPTIONAL,
    )
}

/// Records every row of the file in the given transaction. A row whose reference is
/// already in the ledger with the same content is counted and skipped; a reference that
/// appears twice in the file is refused.
pub fn import_contributions(tx: &Tx<'_>, mut csv: CsvInput) -> anyhow::Result<ImportSummary> {
    // The running balances are summed in memory and written once at the end: a payment
    // dated among a party's later money applies that money again on each later date, and
    // each of those entries would otherwise add to every later running sum of its accounts.
    tx.buffer_running_balances()?;
    let mut writer = ContributionWriter::new(tx)?;
    let book = writer.book;
    let mut summary = ImportSummary {
        rows: 0,
        recorded: 0,
        already_recorded: 0,
        recorded_value: Money::zero(book),
        reapplied: 0,
    };
    // Entries recorded by this import have higher ids: finding one of them again means the
    // file repeats a reference.
    let last_before = tx.last_entry_id()?.unwrap_or(EntryId(0));
    let repeated = |reference: &str| {
        anyhow!("reference '{reference}' appears twice in this file; each row needs its own")
    };
    while let Some(row) = csv.next_row()? {
        summary.rows += 1;
        let (entry, recorded) = (|| -> anyhow::Result<(NewEntry, Recorded)> {
            let date = parse_date(row.required("date")?)?;
            let year = row.year()?;
            let reference = row.reference()?;
            let contribution = ContributionFields {
                party: row.required("party")?,
                amount: row.get("amount"),
                currency: row.optional("currency"),
                rate: row.optional("rate"),
                date,
                year,
                reference: Some(reference),
                fund: row.optional("fund"),
                voluntary: row.flag("voluntary")?,
            }
            .parse(book)?;
            let (rate, _) = super::rates::rate_for(
                tx,
                contribution.amount.currency(),
                contribution.rate,
                contribution.date,
            )?;
            let contribution = Contribution {
                rate,
                ..contribution
            };
            match writer.record(&contribution) {
                Ok((_, Recorded::AlreadyRecorded(id))) if id > last_before => {
                    Err(repeated(reference))
                }
                Err(error) => match error.downcast_ref::<StoreError>() {
                    Some(StoreError::ReferenceConflict { existing, .. })
                        if *existing > last_before =>
                    {
                        Err(repeated(reference))
                    }
                    _ => Err(error),
                },
                recorded => recorded,
            }
        })()
        .map_err(|e| row.error(format!("{e:#}")))?;
        match recorded {
            Recorded::New(_) => {
                summary.recorded += 1;
                summary.recorded_value = summary
                    .recorded_value
                    .checked_add(value_in_book(&entry, book))?;
            }
            Recorded::AlreadyRecorded(_) => summary.already_recorded += 1,
        }
    }
    summary.reapplied = writer.reapplied.len() as u64;
    Ok(summary)
}
