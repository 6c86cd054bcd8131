//! The costs side of the 2017 example: rates of exchange, the funds' balances brought
//! forward (among them the CCM fund), the 2017 costs against the budget lines, and the 7MSP
//! with its nine documents, whose forecast runs 25 pages over the approved estimate, their
//! due dates, and the tasks of its preparations time-line.

use std::io::Cursor;

use anyhow::Context as _;
use chrono::NaiveDate;

use super::costs::{cost_csv_from, import_costs};
use super::csv_in::CsvInput;
use super::timeline::{plan_in, PatternSource};
use crate::domain::fund::opening_entry;
use crate::domain::meeting::{Document, Meeting, MeetingCode, PageRate};
use crate::domain::parse_date;
use crate::domain::rate::ExchangeRate;
use crate::domain::timeline::{MeetingPlace, Task, SHIPPED_PATTERNS};
use crate::ledger::FundCode;
use crate::money::{Currency, Money};
use crate::store::Tx;

const COSTS_CSV: &str = include_str!("../../data/demo/costs-2017.csv");
const DOCUMENTS_CSV: &str = include_str!("../../data/demo/meeting-7msp-documents.csv");

/// Illustrative rates of exchange, CHF per USD, in force from the first of the month (the
/// same figures per USD in a book kept in another currency but USD; none in a book in USD).
const USD_RATES: [(&str, &str); 3] = [
    ("2016-12-01", "1.016"),
    ("2017-03-01", "0.997"),
    ("2017-06-01", "0.969"),
];

/// What the funds held at the bank at the end of 2016 (illustrative): the ISU's small USD
/// account and the CCM fund, which later covers the 7MSP's extra documentation cost.
const OPENING_BALANCES: [(&str, &str, Currency); 2] = [
    ("isu", "6'000.00", Currency::USD),
    ("ccm-fund", "52'340.00", Currency::USD),
];

/// The 7MSP: its documentation estimate as approved by the 6MSP pays for 150 pages at
/// USD 1'160.00 a page into the six UN languages; the nine documents forecast 175 pages,
/// 25 pages and USD 29'000.00 more.
pub const MEETING_CODE: &str = "7MSP";
const MEETING_NAME: &str = "Seventh Meeting of States Parties";
const MEETING_HELD_ON: &str = "2017-09-04";
const MEETING_LAST_DAY: &str = "2017-09-06";
const MEETING_PLACE: &str = "Geneva";
const MEETING_ESTIMATE: &str = "174'000.00";
const MEETING_APPROVED_BY: &str = "6MSP";
const PER_PAGE: &str = "1'160.00";
const LANGUAGES: i64 = 6;

/// What was added, for the demo's summary.
pub struct DemoCosts {
    pub costs: u64,
    pub documents: usize,
    /// The tasks of the time-line.
    pub tasks: usize,
}

fn end_of_2016() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 12, 31).expect("a valid date")
}

/// Adds the costs side of the example in the demo's transaction.
pub fn build(tx: &Tx<'_>, book: Currency) -> anyhow::Result<DemoCosts> {
    if book != Currency::USD {
        for (date, rate) in USD_RATES {
            tx.insert_rate(&ExchangeRate::new(
                Currency::USD,
                rate.parse()?,
                parse_date(date)?,
                book,
            )?)?;
        }
    }
    for (fund, amount, currency) in OPENING_BALANCES {
        let fund: FundCode = fund.parse()?;
        let entry = opening_entry(
            &fund,
            Money::parse(amount, currency)?,
            end_of_2016(),
            2016,
            Some(&format!("opening-2016-{fund}-{currency}")),
        )?;
        tx.record_entry(&entry)?;
    }
    let (costs, _) = import_costs(
        tx,
        cost_csv_from(
            "costs-2017.csv",
            Cursor::new(super::demo::in_book_currency(COSTS_CSV, book).into_bytes()),
        )?,
        false,
    )?;
    let meeting = Meeting::new(
        MEETING_CODE,
        MEETING_NAME,
        parse_date(MEETING_HELD_ON)?,
        Money::parse(MEETING_ESTIMATE, Currency::USD)?,
        Some(MEETING_APPROVED_BY.to_string()),
    )?;
    tx.insert_meeting(&meeting)?;
    tx.insert_meeting_place(
        &meeting.code,
        &MeetingPlace::new(
            meeting.held_on,
            Some(parse_date(MEETING_LAST_DAY)?),
            Some(MEETING_PLACE),
        )?,
    )?;
    tx.insert_page_rate(
        &meeting.code,
        &PageRate::new(Money::parse(PER_PAGE, Currency::USD)?, LANGUAGES)?,
    )?;
    let documents = add_documents(tx, &meeting.code)?;
    let tasks = add_tasks(tx, &meeting.code)?;
    Ok(DemoCosts {
        costs,
        documents,
        tasks,
    })
}

/// Tasks of the time-line as the minutes of 27 June 2017 leave them (illustrative): the
/// documentation forecast reported that day, the reminder letters to major donors after the
/// summer break; and the 7MSP planned on the APMBC pattern of 2003 shipped with the program.
/// All recorded on the day of the minutes.
fn add_tasks(tx: &Tx<'_>, code: &MeetingCode) -> anyhow::Result<usize> {
    let recorded_on = super::demo::meeting_date();
    let tasks = [
        (
            "Report the 7MSP documentation forecast to the Coordination Committee",
            "2017-06-27",
            "ISU Director",
            Some(code),
            Some("2017-06-27"),
        ),
        (
            "Send letters to major donor States with outstanding contributions",
            "2017-09-01",
            "ISU Director",
            None,
            None,
        ),
    ];
    for (title, due, owner, meeting, done) in tasks {
        let task = Task::new(
            title,
            parse_date(due)?,
            Some(owner),
            meeting.cloned(),
            recorded_on,
            false,
        )?;
        tx.insert_task(&task)?;
        if let Some(done) = done {
            tx.insert_task_done(&task.id, parse_date(done)?)?;
        }
    }
    let (name, text) = SHIPPED_PATTERNS[0];
    let planned = plan_in(tx, code, &PatternSource { name, text }, recorded_on, false)?;
    Ok(tasks.len() + planned.added.len())
}

fn add_documents(tx: &Tx<'_>, code: &MeetingCode) -> anyhow::Result<usize> {
    let mut csv = CsvInput::from_reader(
        "meeting-7msp-documents.csv".to_string(),
        Cursor::new(DOCUMENTS_CSV.as_bytes()),
        &["symbol", "title", "pages_forecast"],
        &["due", "submitted", "translated"],
    )?;
    let mut count = 0;
    while let Some(row) = csv.next_row()? {
        let pages: i64 = row
            .required("pages_forecast")?
            .parse()
            .context("pages_forecast")?;
        let document = Document::new(
            row.required("symbol")?,
            row.required("title")?,
            pages,
            None,
            row.optional("submitted").map(parse_date).transpose()?,
            row.optional("translated").map(parse_date).transpose()?,
        )
        .map_err(|e| row.error(e))?;
        tx.insert_document(code, &document)?;
        if let Some(due_on) = row.optional("due").map(parse_date).transpose()? {
            tx.insert_document_due(code, &document.symbol, due_on)?;
        }
        count += 1;
    }
    Ok(count)
}
