//! `import FILE.csv`: generic entries in bulk, one transfer a row, in one transaction (the
//! rules are in `app::import`).

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;

use super::{Context, Outcome};
use crate::app::csv_in::CsvInput;
use crate::app::import::{IMPORT_COLUMNS_OPTIONAL, IMPORT_COLUMNS_REQUIRED};

#[derive(Debug, Args)]
#[command(after_help = "The header names the columns (any order): \
date,description,debit,credit,amount,currency,year,fund,party,ref. \
Every row needs date, description, debit, credit, amount and ref; currency defaults to the book \
currency (CHF unless `init --currency` chose another), \
year to the year of the date, fund to isu.\n\n\
Each row moves AMOUNT from the CREDIT account to the DEBIT account. Consecutive rows with the \
same ref are one entry (the first row gives its date, description, year, fund and party; the \
others must repeat them, except that a row may count for another budget year).\n\n\
Accounts must be open: opened by the program's own commands (a party's receivable, \
assets:bank:chf on the first payment, ...) or declared with `isu-ledger account add NAME` \
(`isu-ledger accounts` lists them). A row naming any other account is refused, so a typo such \
as expenses:travle is not opened silently.\n\n\
Expenses: a row posting to an expenses: account is in the book currency and is spending of its \
budget year, \
whatever its fund: `status` (Expenditure) and `budget report` count it like a cost, so they \
agree with `balance` and `close`. It counts against the budget line its account names \
(expenses:travel and expenses:travel:missions against the line travel) when the year's budget \
has that line; else against the line of the cost category whose account it is \
(expenses:translation against communication, as `cost add translation`); else it shows in a \
row of its own named after the account, with no budget.\n\n\
All or nothing: a bad row is named as FILE:LINE and nothing is written. A ref already recorded \
with the same content is skipped, so importing a file twice adds nothing the second time.")]
pub struct ImportArgs {
    /// The CSV file
    file: PathBuf,
}

pub fn run(context: &Context, args: ImportArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut csv = CsvInput::open(
        &args.file,
        &IMPORT_COLUMNS_REQUIRED,
        &IMPORT_COLUMNS_OPTIONAL,
    )?;
    let file_bytes = std::fs::metadata(&args.file).map_or(0, |m| m.len());
    let progress = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(file_bytes);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {percent:>3}% {binary_bytes}/{binary_total_bytes} \
                 {per_sec} eta {eta}",
            )
            .expect("a valid progress template"),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        Some(bar)
    } else {
        None
    };
    let mut books = context.books()?;
    let imported = books.import_entries(context.actor.clone(), &mut csv, |position| {
        if let Some(bar) = &progress {
            bar.set_position(position);
        }
    });
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let summary = imported?;
    context.say(format!(
        "imported {}: {}, {} recorded, {} already recorded{}; {}",
        args.file.display(),
        crate::text::count(summary.rows, "row", "rows"),
        crate::text::count(summary.entries_recorded, "entry", "entries"),
        summary.entries_already_recorded,
        reapplied_note(summary.reapplied),
        super::pace(summary.rows, started.elapsed()),
    ))?;
    Ok(Outcome::Done)
}

/// What an import says of the entries the rule posted: nothing when there are none.
pub(super) fn reapplied_note(reapplied: u64) -> String {
    if reapplied == 0 {
        return String::new();
    }
    format!(
        ", {} applying parties' money again by value date",
        crate::text::count(reapplied, "entry", "entries")
    )
}
