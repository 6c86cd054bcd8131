//! The costs side of the 2017 example: rates of exchange, the funds' balances brought
//! forward (among them the CCM fund), the 2017 costs against the budget lines, and the 7MSP
//! with its nine documents, whose forecast runs 25 pages over the approved estimate.

use std::io::Cursor;

use anyhow::Context as _;
use chrono::NaiveDate;

use super::costs::{cost_csv_from, import_costs};
use super::csv_in::CsvInput;
use crate::domain::fund::opening_entry;
use crate::domain::meeting::{Document, Meeting, MeetingCode, PageRate};
use crate::domain::parse_date;
use crate::domain::rate::ExchangeRate;
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
const MEETING_ESTIMATE: &str = "174'000.00";
const MEETING_APPROVED_BY: &str = "6MSP";
const PER_PAGE: &str = "1'160.00";
const LANGUAGES: i64 = 6;

/// What was added, for the demo's summary.
pub struct DemoCosts {
    pub costs: u64,
    pub documents: usize,
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
    tx.insert_page_rate(
        &meeting.code,
        &PageRate::new(Money::parse(PER_PAGE, Currency::USD)?, LANGUAGES)?,
    )?;
    let documents = add_documents(tx, &meeting.code)?;
    Ok(DemoCosts { costs, documents })
}

fn add_documents(tx: &Tx<'_>, code: &MeetingCode) -> anyhow::Result<usize> {
    let mut csv = CsvInput::from_reader(
        "meeting-7msp-documents.csv".to_string(),
        Cursor::new(DOCUMENTS_CSV.as_bytes()),
        &["symbol", "title", "pages_forecast"],
        &["submitted", "translated"],
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
        count += 1;
    }
    Ok(count)
}
