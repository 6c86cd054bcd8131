//! The 2017 example of the Convention on Cluster Munitions' ISU, from the minutes of the
//! 27 June 2017 Coordination Committee meeting: its States Parties, budget, assessment,
//! contributions, costs and the 7MSP, built in one transaction.

use std::io::Cursor;
use std::path::Path;

use anyhow::bail;
use chrono::NaiveDate;

use super::assessments::{import_scale, record_assessment, AssessOrder};
use super::contributions::{contribution_csv_from, import_contributions};
use super::csv_in::CsvInput;
use super::demo_costs::DemoCosts;
use super::parties::{import_parties, party_csv_from};
use super::Books;
use crate::domain::assessment::{Limits, Method};
use crate::domain::budget::{parse_line, Budget};
use crate::domain::settings::SettingKey;
use crate::money::{Currency, Money};
use crate::store::{Actor, Store, StoreError};

pub use super::demo_costs::MEETING_CODE;

/// Where the example is built unless `--db` says otherwise.
pub const DEMO_DB: &str = "isu-ledger-demo.sqlite";

const STATES_PARTIES_CSV: &str = include_str!("../../data/demo/ccm-states-parties-2017.csv");
const CONTRIBUTIONS_CSV: &str = include_str!("../../data/demo/contributions-2017.csv");
const NON_MEMBER_RATES_CSV: &str = include_str!("../../data/demo/scale-non-members.csv");
const TRANSPARENCY_CSV: &str = include_str!("../../data/demo/transparency-reports-2017.csv");

/// The UN scale 2016-2018 with rates for the States Parties that are not UN Members.
pub const DEMO_SCALE: &str = "ccm-2016-2018";
const DEMO_SCALE_BASE: &str = "un-2016-2018";

pub const BUDGET_YEAR: i32 = 2017;
const BUDGET_TOTAL: &str = "459'000.00";
/// Illustrative lines of the 2017 work plan; they add up to the approved total.
const BUDGET_LINES: [&str; 4] = [
    "staff=360'000",
    "travel=45'000",
    "communication=24'000",
    "office=30'000",
];
const BUDGET_APPROVED_BY: &str = "6MSP";

/// The date of the Coordination Committee meeting whose figures the demo reproduces.
pub fn meeting_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 6, 27).expect("valid date")
}

fn budget_approved_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 9, 7).expect("valid date")
}

/// The day the 2017 assessments are sent out.
fn assessed_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 12, 1).expect("valid date")
}

/// What the example holds, for its summary.
pub struct DemoBuilt {
    /// The States Parties.
    pub parties: usize,
    /// The 2017 budget.
    pub budget: Budget,
    /// The parties assessed.
    pub assessed: usize,
    /// The contributions recorded.
    pub contributions: u64,
    /// The costs recorded.
    pub costs: u64,
    /// The documents of the 7MSP.
    pub documents: usize,
    /// The tasks of the time-line.
    pub tasks: usize,
}

/// Builds the example at `path`, replacing an earlier example there but no other file.
/// It is built beside `path` and moved into place whole: a killed build leaves the previous
/// file or the new one, never half of one.
pub fn build(path: &Path, actor: Actor, book: Currency) -> anyhow::Result<(Books, DemoBuilt)> {
    check_previous_demo(path)?;
    let built = Store::create_with(path, true, book, |store| -> anyhow::Result<_> {
        let tx = store.begin(actor.clone())?;
        tx.mark_demo()?;
        if book != Currency::CHF {
            tx.set_setting(&SettingKey::parse("currency")?, book.as_str())?;
        }
        let parties = import_parties(
            &tx,
            party_csv_from(
                "ccm-states-parties-2017.csv",
                Cursor::new(STATES_PARTIES_CSV.as_bytes()),
            )?,
        )?;
        let lines = BUDGET_LINES
            .iter()
            .map(|line| parse_line(line, book))
            .collect::<Result<Vec<_>, _>>()?;
        let budget = Budget::new(
            BUDGET_YEAR,
            Money::parse(BUDGET_TOTAL, book)?,
            Some(BUDGET_APPROVED_BY.to_string()),
            budget_approved_on(),
            lines,
        )?;
        tx.insert_budget(&budget)?;
        let (scale, _) = import_scale(
            &tx,
            DEMO_SCALE,
            Some(DEMO_SCALE_BASE),
            CsvInput::from_reader(
                "scale-non-members.csv".into(),
                Cursor::new(NON_MEMBER_RATES_CSV.as_bytes()),
                &["code", "rate"],
                &[],
            )?,
        )?;
        let (_, assessed) = record_assessment(
            &tx,
            &AssessOrder {
                year: BUDGET_YEAR,
                date: assessed_on(),
                due_on: Some(crate::domain::position::due_after(
                    assessed_on(),
                    crate::domain::position::DUE_DAYS_DEFAULT,
                )),
                method: Method::AdjustedScale(scale),
                scale: Some(DEMO_SCALE.into()),
                limits: Limits::default(),
                in_force_on: NaiveDate::from_ymd_opt(BUDGET_YEAR, 1, 1).expect("valid date"),
                dry_run: false,
            },
        )?;
        let contributions = import_contributions(
            &tx,
            contribution_csv_from(
                "contributions-2017.csv",
                Cursor::new(in_book_currency(CONTRIBUTIONS_CSV, book).into_bytes()),
            )?,
        )?;
        let costs = super::demo_costs::build(&tx, book)?;
        // Article 7 reports: 44 annual updates for 2016 in by 27 June 2017, as the minutes
        // say (which States, and when, is illustrative; see data/SOURCES.md).
        super::transparency::import_reports(
            &tx,
            super::transparency::report_csv_from(
                "transparency-reports-2017.csv",
                Cursor::new(TRANSPARENCY_CSV.as_bytes()),
            )?,
            NaiveDate::from_ymd_opt(BUDGET_YEAR, 12, 31).expect("valid date"),
        )?;
        tx.commit()?;
        Ok((parties, budget, assessed, contributions, costs))
    })?;
    let Some((store, (parties, budget, assessed, contributions, costs))) = built else {
        bail!("'{}' could not be replaced", path.display());
    };
    let DemoCosts {
        costs,
        documents,
        tasks,
    } = costs;
    Ok((
        Books::from_store(store),
        DemoBuilt {
            parties,
            budget,
            assessed,
            contributions: contributions.recorded,
            costs,
            documents,
            tasks,
        },
    ))
}

/// The example's CSV with its amounts in CHF given in the book currency `book` instead: the
/// same figures, kept in another currency.
pub(super) fn in_book_currency(csv: &str, book: Currency) -> String {
    csv.replace(",CHF,", &format!(",{book},"))
}

/// Refuses to replace any file at `path` but an earlier demo ledger.
fn check_previous_demo(path: &Path) -> anyhow::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let is_demo = match Store::open(path) {
        Ok(store) => store.is_demo()?,
        Err(StoreError::NotLedger { .. }) => false,
        Err(error) => return Err(error.into()),
    };
    if !is_demo {
        bail!(
            "'{}' exists and is not a demo ledger; the demo rebuilds only its own file \
             (choose another --db)",
            path.display()
        );
    }
    Ok(())
}
