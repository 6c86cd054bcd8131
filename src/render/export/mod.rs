//! Journal exports: the whole ledger as a hledger/ledger journal, a beancount file, or flat
//! CSV and JSON of the transfers, written one entry at a time.
//!
//! Every entry keeps its date, description, kind, budget year, fund, party (code and name),
//! reference, rate and reversal links as metadata; accounts and currencies are declared
//! before the first entry; an entry that converts between currencies is preceded by a
//! price directive at its rate. Each transfer becomes two postings (the debit account
//! receives the amount, the credit account gives it), so every exported transaction
//! balances in each currency on its own, as it does in the ledger.

pub mod beancount;
mod flat;
mod ledger;

use std::collections::HashMap;
use std::io::Write;

use crate::ledger::{Entry, PartyCode};
use crate::money::Currency;
use crate::store::ExportFacts;

/// The file formats of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// hledger and ledger journal syntax (one file both read).
    Ledger,
    Beancount,
    /// One row per transfer.
    Csv,
    /// An array of transfers.
    Json,
}

/// What the header of an export says, besides the ledger's facts.
#[derive(Debug, Clone)]
pub struct ExportScope {
    /// Only entries of this budget year are exported.
    pub budget_year: Option<i32>,
    /// Party names by code, for the metadata.
    pub party_names: HashMap<PartyCode, String>,
    /// The book currency, which rates of exchange are prices in.
    pub currency: Currency,
}

/// Writes one export: `begin`, then `entry` for each entry, then `end`.
pub struct JournalExport<W: Write> {
    format: ExportFormat,
    scope: ExportScope,
    out: W,
    /// Transfers written so far (the flat formats separate them).
    transfers_written: u64,
}

impl<W: Write> JournalExport<W> {
    pub fn new(format: ExportFormat, scope: ExportScope, out: W) -> JournalExport<W> {
        JournalExport {
            format,
            scope,
            out,
            transfers_written: 0,
        }
    }

    pub fn begin(&mut self, facts: &ExportFacts) -> anyhow::Result<()> {
        match self.format {
            ExportFormat::Ledger => ledger::header(&mut self.out, facts, &self.scope)?,
            ExportFormat::Beancount => beancount::header(&mut self.out, facts, &self.scope)?,
            ExportFormat::Csv => flat::csv_header(&mut self.out)?,
            ExportFormat::Json => self.out.write_all(b"[")?,
        }
        Ok(())
    }

    pub fn entry(&mut self, entry: &Entry) -> anyhow::Result<()> {
        match self.format {
            ExportFormat::Ledger => ledger::entry(&mut self.out, entry, &self.scope)?,
            ExportFormat::Beancount => beancount::entry(&mut self.out, entry, &self.scope)?,
            ExportFormat::Csv => flat::csv_rows(&mut self.out, entry, &self.scope)?,
            ExportFormat::Json => {
                flat::json_rows(&mut self.out, entry, &self.scope, self.transfers_written)?
            }
        }
        self.transfers_written += entry.recorded.transfers.len() as u64;
        Ok(())
    }

    /// Finishes the file and hands back the output.
    pub fn end(mut self) -> anyhow::Result<W> {
        if self.format == ExportFormat::Json {
            let close: &[u8] = if self.transfers_written == 0 {
                b"]\n"
            } else {
                b"\n]\n"
            };
            self.out.write_all(close)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The currencies an entry converts from at its rate: every currency but the book's
/// (`book`), when the entry records a rate.
fn converted_currencies(entry: &Entry, book: Currency) -> Vec<Currency> {
    if entry.recorded.rate.is_none() {
        return Vec::new();
    }
    let mut currencies: Vec<Currency> = entry
        .recorded
        .transfers
        .iter()
        .map(|t| t.amount.currency())
        .filter(|c| *c != book)
        .collect();
    currencies.sort();
    currencies.dedup();
    currencies
}

/// Text on one line: control characters (line breaks, tabs) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
