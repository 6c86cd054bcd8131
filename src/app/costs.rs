//! Recording costs against the lines of a year's budget, charged to a fund, and what a
//! year spent.

use std::io::BufRead;

use anyhow::{anyhow, bail};
use chrono::{Datelike, NaiveDate};

use super::csv_in::CsvInput;
use super::rates::{rate_for, rate_note};
use crate::domain::cost::{category, Cost};
use crate::domain::fund::check_covers;
use crate::domain::parse_date;
use crate::ledger::{FundCode, NewEntry};
use crate::money::{Currency, Money, Rate};
use crate::store::{Recorded, StoreError, Tx};

/// The columns a cost file must have.
pub const COST_COLUMNS_REQUIRED: [&str; 4] = ["date", "category", "amount", "ref"];
pub const COST_COLUMNS_OPTIONAL: [&str; 6] = ["currency", "rate", "year", "line", "fund", "memo"];

/// The text fields of one cost, from the command line or a CSV row.
pub struct CostFields<'a> {
    pub category: &'a str,
    pub amount: &'a str,
    pub line: Option<&'a str>,
    pub currency: Option<&'a str>,
    pub rate: Option<&'a str>,
    pub date: NaiveDate,
    pub year: Option<i32>,
    pub fund: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub memo: Option<&'a str>,
}

/// What recording a cost did, for the confirmation.
pub struct CostRecorded {
    pub entry: NewEntry,
    pub recorded: Recorded,
    pub note: String,
}

/// Records one cost in the transaction: checks its fund, budget line, rate and the fund's
/// balance, then writes the entry and the line it counts against.
pub fn record_cost(
    tx: &Tx<'_>,
    fields: &CostFields<'_>,
    allow_deficit: bool,
) -> anyhow::Result<CostRecorded> {
    let category = category(fields.category)?;
    let book = tx.currency()?;
    let currency: Currency = match fields.currency {
        Some(code) => code.parse()?,
        None => book,
    };
    let amount = Money::parse(fields.amount, currency)?;
    let given_rate = fields.rate.map(str::parse::<Rate>).transpose()?;
    let fund: FundCode = fields.fund.map_or(Ok(FundCode::isu()), str::parse)?;
    let budget_year = fields.year.unwrap_or(fields.date.year());
    tx.check_fund(&fund)?;
    let line = Cost::line_for(category, fields.line, &fund)?;
    if let Some(line) = &line {
        let lines = tx.budget_lines(budget_year)?;
        if lines.is_empty() {
            bail!(
                "no budget with lines for {budget_year}: a cost counting against line '{line}' \
                 needs one (`isu-ledger budget set {budget_year} --total AMOUNT --line NAME=AMOUNT ...`)"
            );
        }
        if !lines.contains(line) {
            bail!(
                "unknown budget line '{line}' for {budget_year} (the lines are: {})",
                lines.join(", ")
            );
        }
    }
    let (rate, used) = rate_for(tx, currency, given_rate, fields.date)?;
    let cost = Cost {
        category,
        amount,
        rate,
        date: fields.date,
        budget_year,
        fund: fund.clone(),
        line: line.clone(),
        reference: fields.reference.map(str::to_string),
        memo: fields.memo.map(str::to_string),
    };
    let entry = cost.to_entry(book)?;
    let already = match &entry.reference {
        Some(reference) => tx.reference_exists(reference)?,
        None => false,
    };
    // With --allow-deficit nothing is refused: the low point is not read.
    if !already && !allow_deficit && amount.is_positive() {
        let (low_on, balance) = tx.fund_low_point(&fund, currency, fields.date)?;
        check_covers(
            &fund,
            low_on,
            balance,
            amount,
            allow_deficit,
            "; move money into it with `fund transfer`, or give --allow-deficit",
        )?;
    }
    let recorded = tx.record_entry(&entry)?;
    if let (Recorded::New(id), Some(line)) = (recorded, &line) {
        tx.insert_cost_line(id, budget_year, line, category.name)?;
    }
    let value = cost.value_in(book)?;
    let shown = if currency == book {
        value.to_string()
    } else {
        format!("{value} ({amount})")
    };
    Ok(CostRecorded {
        entry,
        recorded,
        note: format!("{shown}{}", rate_note(used.as_ref(), book)),
    })
}

/// A date after every entry: balances "as recorded so far".
pub fn far_future() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date")
}

/// Reads costs from CSV text (for the built-in example).
pub fn cost_csv_from(name: &str, source: impl BufRead + 'static) -> anyhow::Result<CsvInput> {
    CsvInput::from_reader(
        name.to_string(),
        source,
        &COST_COLUMNS_REQUIRED,
        &COST_COLUMNS_OPTIONAL,
    )
}

/// Records every row in the transaction; returns how many were recorded and how many were
/// already in the ledger. A row that fails names its file and line, and nothing is written.
pub fn import_costs(
    tx: &Tx<'_>,
    mut csv: CsvInput,
    allow_deficit: bool,
) -> anyhow::Result<(u64, u64)> {
    // The running balances are summed in memory and written in key order (the fund's low
    // point, when it is asked, writes them out first).
    tx.buffer_running_balances()?;
    tx.enlarge_page_cache()?;
    let last_before = tx.last_entry_id()?.map_or(0, |id| id.0);
    let (mut recorded, mut already) = (0, 0);
    while let Some(row) = csv.next_row()? {
        let done = (|| -> anyhow::Result<CostRecorded> {
            let year = row.year()?;
            let reference = row.reference()?;
            let fields = CostFields {
                category: row.required("category")?,
                amount: row.get("amount"),
                line: row.optional("line"),
                currency: row.optional("currency"),
                rate: row.optional("rate"),
                date: parse_date(row.required("date")?)?,
                year,
                fund: row.optional("fund"),
                reference: Some(reference),
                memo: row.optional("memo"),
            };
            let repeated = || {
                anyhow!(
                    "reference '{reference}' appears twice in this file; each row needs its own"
                )
            };
            match record_cost(tx, &fields, allow_deficit) {
                Ok(done) => match done.recorded {
                    Recorded::AlreadyRecorded(id) if id.0 > last_before => Err(repeated()),
                    _ => Ok(done),
                },
                Err(error) => match error.downcast_ref::<StoreError>() {
                    Some(StoreError::ReferenceConflict { existing, .. })
                        if existing.0 > last_before =>
                    {
                        Err(repeated())
                    }
                    _ => Err(error),
                },
            }
        })()
        .map_err(|e| row.error(format!("{e:#}")))?;
        match done.recorded {
            Recorded::New(_) => recorded += 1,
            Recorded::AlreadyRecorded(_) => already += 1,
        }
    }
    Ok((recorded, already))
}

/// What was spent against `year`'s budget by `as_of`: its costs and the expenses posted
/// otherwise, on their lines (`all_spending`).
pub fn spent_against(
    store: &crate::store::Store,
    year: i32,
    as_of: NaiveDate,
    budget: Option<&crate::store::BudgetVersion>,
) -> anyhow::Result<Vec<crate::store::SpentRow>> {
    Ok(crate::reports::budget_report::all_spending(
        store.spent(year, as_of)?,
        &store.expenses_posted(year, as_of)?,
        budget.map(|v| &v.budget),
    ))
}

/// The expenditure `status` shows: `None` when nothing was spent against the year's budget,
/// so that a ledger without costs reads as before.
pub fn spending_of(
    status: &crate::reports::status::FundingStatus,
    budget: Option<&crate::store::BudgetVersion>,
    spent: &[crate::store::SpentRow],
) -> anyhow::Result<Option<crate::reports::budget_report::Spending>> {
    if spent.is_empty() {
        return Ok(None);
    }
    Ok(Some(crate::reports::budget_report::spending(
        status.received,
        budget.map(|v| &v.budget),
        spent,
    )?))
}
