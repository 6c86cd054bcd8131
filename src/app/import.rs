//! `import FILE.csv`: generic entries in bulk, one transfer a row, streamed into one
//! transaction.
//!
//! Consecutive rows with the same reference are the transfers of one entry; the first of
//! them gives the entry's date, description, budget year, fund and party, and the others
//! must agree, except for the year: a row for another year is a transfer counted for it.
//! A row posts only to accounts already open (opened by the program's own commands or
//! declared with `account add`), so a mistyped account is refused, not opened. Expenses it
//! posts count against the budget line their account names (`line_of_expense`). The whole
//! file is recorded or nothing is, and a row already recorded under its reference with the
//! same content is skipped, so importing a file again adds nothing.

use anyhow::{anyhow, bail};
use chrono::{Datelike, NaiveDate};

use super::csv_in::{CsvInput, CsvRow};
use super::Books;
use crate::domain::parse_date;
use crate::ledger::{
    AccountName, AccountType, EntryId, EntryKind, FundCode, NewEntry, PartyCode, Transfer,
};
use crate::money::{Currency, Money};
use crate::store::{Actor, Recorded, StoreError, Tx};

pub const IMPORT_COLUMNS_REQUIRED: [&str; 6] =
    ["date", "description", "debit", "credit", "amount", "ref"];
pub const IMPORT_COLUMNS_OPTIONAL: [&str; 4] = ["currency", "year", "fund", "party"];

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub rows: u64,
    pub entries_recorded: u64,
    pub entries_already_recorded: u64,
    /// Parties whose entries were recorded, with the earliest date of those entries.
    pub parties: std::collections::BTreeMap<PartyCode, NaiveDate>,
    /// Entries the rule posted to apply those parties' money again.
    pub reapplied: u64,
}

/// The fields of a row that belong to its entry, not to its transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EntryFields {
    date: NaiveDate,
    description: String,
    fund: FundCode,
    party: Option<PartyCode>,
}

/// An entry being gathered from consecutive rows.
struct Pending {
    line: u64,
    reference: String,
    budget_year: i32,
    fields: EntryFields,
    transfers: Vec<Transfer>,
}

impl Books {
    /// Records every row of `csv` in one transaction: all or nothing. `progress` is told
    /// the byte offset reached now and then.
    pub fn import_entries(
        &mut self,
        actor: Actor,
        csv: &mut CsvInput,
        progress: impl FnMut(u64),
    ) -> anyhow::Result<ImportSummary> {
        let tx = self.store.begin(actor)?;
        // The import reads no balances while it writes: they are summed in memory and
        // written at the end.
        tx.buffer_running_balances()?;
        tx.enlarge_page_cache()?;
        let summary = import_rows(&tx, csv, progress)?;
        tx.commit()?;
        Ok(summary)
    }
}

/// Records every row of `csv` in `tx`; `progress` is told the byte offset reached now and
/// then.
pub fn import_rows(
    tx: &Tx<'_>,
    csv: &mut CsvInput,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    // Entries recorded by this import have higher ids: meeting one of them again means the
    // file repeats a reference apart from its first rows.
    let last_before = tx.last_entry_id()?.unwrap_or(EntryId(0));
    let book = tx.currency()?;
    let mut pending: Option<Pending> = None;
    loop {
        if summary.rows % 4096 == 0 {
            progress(csv.byte_offset());
        }
        let Some(row) = csv.next_row()? else {
            break;
        };
        summary.rows += 1;
        let line = row.line;
        let (reference, budget_year, fields, transfer) = parse_row(&row, book)
            .map(|(reference, year, fields, transfer)| {
                (reference.to_string(), year, fields, transfer)
            })
            .map_err(|e| row.error(format!("{e:#}")))?;
        // Strict, like `hledger --strict` and beancount's `open`: a mistyped account is
        // refused rather than opened.
        for account in [&transfer.debit, &transfer.credit] {
            tx.check_account_open(account)
                .map_err(|e| csv.error_at(line, e))?;
        }
        match &mut pending {
            Some(entry) if entry.reference == reference => {
                if entry.fields != fields {
                    return Err(csv.error_at(
                        line,
                        format!(
                            "this row has the ref '{reference}' of the entry begun on line {} \
                         but not its {}; the rows of one entry share date, description, \
                         fund and party",
                            entry.line,
                            first_difference(&entry.fields, &fields)
                        ),
                    ));
                }
                entry.transfers.push(if budget_year == entry.budget_year {
                    transfer
                } else {
                    transfer.for_year(budget_year)
                });
            }
            _ => {
                if let Some(entry) = pending.take() {
                    record(tx, csv, entry, last_before, &mut summary)?;
                }
                pending = Some(Pending {
                    line,
                    reference,
                    budget_year,
                    fields,
                    transfers: vec![transfer],
                });
            }
        }
    }
    if let Some(entry) = pending.take() {
        record(tx, csv, entry, last_before, &mut summary)?;
    }
    // Money an imported row moves for a party is one of its facts: payments in, charges, or
    // movements taken as booked. The rule applies them with the rest, from their date on.
    for (party, from) in &summary.parties {
        let reapplied = tx
            .reapply(party, *from)
            .map_err(|e| anyhow!("{}: {e}", csv.name()))?;
        summary.reapplied += reapplied.len() as u64;
    }
    Ok(summary)
}

fn first_difference(a: &EntryFields, b: &EntryFields) -> &'static str {
    if a.date != b.date {
        "date"
    } else if a.description != b.description {
        "description"
    } else if a.fund != b.fund {
        "fund"
    } else {
        "party"
    }
}

fn parse_row<'r>(
    row: &'r CsvRow<'_>,
    book: Currency,
) -> anyhow::Result<(&'r str, i32, EntryFields, Transfer)> {
    let reference = row.reference()?;
    let date = parse_date(row.required("date")?)?;
    let budget_year = row.year()?.unwrap_or(date.year());
    let fund = match row.optional("fund") {
        Some(fund) => fund.parse()?,
        None => FundCode::isu(),
    };
    let party = row.optional("party").map(str::parse).transpose()?;
    let currency: Currency = match row.optional("currency") {
        Some(code) => code.parse()?,
        None => book,
    };
    let amount = Money::parse(row.required("amount")?, currency)?;
    if !amount.is_positive() {
        bail!("amount {amount} is not positive: swap debit and credit instead");
    }
    let debit: AccountName = row.required("debit")?.parse()?;
    let credit: AccountName = row.required("credit")?.parse()?;
    // Spending is counted in the book currency, the budget's (see `all_spending`).
    if currency != book {
        if let Some(expense) = [&debit, &credit]
            .into_iter()
            .find(|a| a.account_type() == AccountType::Expenses)
        {
            bail!(
                "{expense} is an expense account: expenses are booked in {book}, the currency \
                 of the budget; pay {currency} through equity:conversion and book its {book} \
                 value to {expense} (as `cost add --currency {currency}` does)"
            );
        }
    }
    let fields = EntryFields {
        date,
        description: row.required("description")?.to_string(),
        fund,
        party,
    };
    Ok((
        reference,
        budget_year,
        fields,
        Transfer::new(debit, credit, amount),
    ))
}

fn record(
    tx: &Tx<'_>,
    csv: &CsvInput,
    pending: Pending,
    last_before: EntryId,
    summary: &mut ImportSummary,
) -> anyhow::Result<()> {
    let Pending {
        line,
        reference,
        budget_year,
        fields,
        transfers,
    } = pending;
    let entry = NewEntry {
        date: fields.date,
        description: fields.description,
        kind: EntryKind::General,
        budget_year,
        fund: fields.fund,
        party: fields.party,
        reference: Some(reference),
        reverses: None,
        rate: None,
        transfers,
    };
    let repeated = || {
        csv.error_at(
            line,
            format!(
                "ref '{}' appears again apart from its first rows; the rows of one entry \
                 must follow each other and a ref names one entry",
                entry.reference.as_deref().unwrap_or_default()
            ),
        )
    };
    match tx.record_entry(&entry) {
        Ok(Recorded::New(_)) => {
            summary.entries_recorded += 1;
            if let Some(party) = &entry.party {
                let earliest = summary.parties.entry(party.clone()).or_insert(entry.date);
                *earliest = (*earliest).min(entry.date);
            }
        }
        Ok(Recorded::AlreadyRecorded(id)) if id > last_before => return Err(repeated()),
        Ok(Recorded::AlreadyRecorded(_)) => summary.entries_already_recorded += 1,
        Err(StoreError::ReferenceConflict { existing, .. }) if existing > last_before => {
            return Err(repeated())
        }
        Err(error) => return Err(csv.error_at(line, error)),
    }
    Ok(())
}
