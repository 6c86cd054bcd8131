//! Flat exports: one CSV row or one JSON object per transfer, with its entry's fields.
//!
//! The CSV columns begin with those of `import` (date, description, debit, credit, amount,
//! currency, year, fund, party, ref); text cells are neutralised as in every CSV the
//! program writes, amounts are plain numbers. JSON amounts are strings with two decimals.

use std::io::Write;

use serde::Serialize;

use super::ExportScope;
use crate::ledger::Entry;
use crate::money::Currency;
use crate::render::csv_out::neutralise;

const COLUMNS: [&str; 16] = [
    "date",
    "description",
    "debit",
    "credit",
    "amount",
    "currency",
    "year",
    "fund",
    "party",
    "ref",
    "entry",
    "kind",
    "party_name",
    "rate",
    "reverses",
    "reason",
];

/// One transfer with its entry's fields.
#[derive(Serialize)]
struct FlatTransfer<'a> {
    date: String,
    description: &'a str,
    debit: &'a str,
    credit: &'a str,
    amount: String,
    currency: Currency,
    year: i32,
    fund: &'a str,
    party: Option<&'a str>,
    #[serde(rename = "ref")]
    reference: Option<&'a str>,
    entry: i64,
    kind: &'a str,
    party_name: Option<&'a str>,
    rate: Option<String>,
    reverses: Option<i64>,
    reason: Option<&'a str>,
}

fn flat_transfers<'a>(
    entry: &'a Entry,
    scope: &'a ExportScope,
) -> impl Iterator<Item = FlatTransfer<'a>> + 'a {
    let recorded = &entry.recorded;
    recorded.transfers.iter().map(move |transfer| FlatTransfer {
        date: recorded.date.to_string(),
        description: &recorded.description,
        debit: transfer.debit.as_str(),
        credit: transfer.credit.as_str(),
        amount: transfer.amount.plain(),
        currency: transfer.amount.currency(),
        year: transfer.year_within(recorded.budget_year),
        fund: recorded.fund.as_str(),
        party: recorded.party.as_ref().map(|p| p.as_str()),
        reference: recorded.reference.as_deref(),
        entry: entry.id.0,
        kind: recorded.kind.as_str(),
        party_name: recorded
            .party
            .as_ref()
            .and_then(|p| scope.party_names.get(p))
            .map(String::as_str),
        rate: recorded.rate.map(|r| r.to_string()),
        reverses: recorded.reverses.as_ref().map(|(id, _)| id.0),
        reason: recorded.reverses.as_ref().map(|(_, r)| r.as_str()),
    })
}

pub fn csv_header(out: &mut dyn Write) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS)?;
    writer.flush()?;
    Ok(())
}

pub fn csv_rows(out: &mut dyn Write, entry: &Entry, scope: &ExportScope) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let text = |value: Option<&str>| value.map_or(String::new(), neutralise);
    for row in flat_transfers(entry, scope) {
        writer.write_record([
            row.date,
            neutralise(row.description),
            row.debit.to_string(),
            row.credit.to_string(),
            row.amount,
            row.currency.to_string(),
            row.year.to_string(),
            row.fund.to_string(),
            text(row.party),
            text(row.reference),
            row.entry.to_string(),
            row.kind.to_string(),
            text(row.party_name),
            row.rate.unwrap_or_default(),
            row.reverses.map_or(String::new(), |id| id.to_string()),
            text(row.reason),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// Writes the entry's transfers as elements of the JSON array; `written` transfers came
/// before them.
pub fn json_rows(
    out: &mut dyn Write,
    entry: &Entry,
    scope: &ExportScope,
    mut written: u64,
) -> anyhow::Result<()> {
    for row in flat_transfers(entry, scope) {
        out.write_all(if written == 0 { b"\n" } else { b",\n" })?;
        // Serialise first, so that a write error stays an I/O error (a closed pipe).
        let text = serde_json::to_string(&row)?;
        out.write_all(text.as_bytes())?;
        written += 1;
    }
    Ok(())
}
