//! Closing a budget year: the result carried into the fund balance, the year locked against
//! every writing command (one test each), a reversal of a closed year's entry posted into
//! the open year, and the refusals of `close` itself.

mod common;
mod costs_common;

use std::path::PathBuf;

use common::{count, isu_ok};
use costs_common::*;
use tempfile::TempDir;

/// The small ledger of `ledger_with_budget` with costs, a USD rate, the 7MSP assessed, and
/// 2017 closed on 15 January 2018.
fn closed_2017() -> (TempDir, PathBuf) {
    let (dir, db) = ledger_with_budget();
    ok(&db, "cost add staff 30'000 --date 2017-06-30 --ref C-1");
    ok(&db, "cost add travel 2'000 --date 2017-07-31 --ref C-2");
    ok(&db, "rate set USD 0.969 --date 2017-06-01");
    ok(
        &db,
        "meeting add 7MSP --name Seventh --date 2017-09-04 --estimate 100'000",
    );
    ok(
        &db,
        "--as-of 2017-07-01 meeting assess 7MSP --scale un-2016-2018 --participants all-parties",
    );
    let said = ok(&db, "--as-of 2018-01-15 close 2017");
    assert_mentions(
        &said,
        &[
            "closed budget year 2017 on 2018-01-15",
            "fund isu: surplus CHF 38'000.00",
        ],
    );
    (dir, db)
}

fn assert_refused_for_closed_2017(db: &std::path::Path, line: &str) {
    let message = refused(db, line);
    assert_mentions(
        &message,
        &[
            "budget year 2017 was closed on 2018-01-15 by test",
            "close 2017",
        ],
    );
}

#[test]
fn close_carries_the_result_into_the_fund_balance_and_keeps_the_reports() {
    let (_dir, db) = closed_2017();
    let rows = trial_balance(&db, "--as-of 2018-01-15 balance --year 2017");
    for (account, _, balance) in &rows {
        if account.starts_with("income:") || account.starts_with("expenses:") {
            assert_eq!(*balance, 0, "{account} is closed");
        }
    }
    let equity = rows
        .iter()
        .find(|(account, currency, _)| account == "equity:fund-balance:isu" && currency == "CHF")
        .expect("the isu fund balance");
    assert_eq!(
        equity.2, -3_800_000,
        "a credit: the surplus of 70'000 - 32'000"
    );
    let meetings = rows
        .iter()
        .find(|(account, _, _)| account == "equity:fund-balance:meetings")
        .expect("the meetings fund balance");
    assert_eq!(meetings.2, -10_000_000);
    // What was received and spent for the year still reads as before.
    let status = json(&db, "--as-of 2018-01-15 status 2017");
    assert_eq!(minor(&status["received"]), 7_000_000);
    assert_eq!(minor(&status["spending"]["spent"]), 3_200_000);
    let report = json(&db, "--as-of 2018-01-15 budget report 2017");
    assert_eq!(minor(&report["spent_total"]), 3_200_000);
    assert_mentions(&ok(&db, "verify"), &["no problems found"]);
}

#[test]
fn closing_a_year_twice_or_reversing_the_close_is_refused() {
    let (_dir, db) = closed_2017();
    let close = json(&db, "journal --year 2017 --as-of 2018-01-15")["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reference"] == "close-2017-isu")
        .expect("the closing entry")["id"]
        .to_string();
    assert_mentions(
        &refused(
            &db,
            &format!("--as-of 2018-01-20 reverse {close} --reason Undo"),
        ),
        &["a close is not reversed"],
    );
    assert_mentions(
        &refused(&db, "--as-of 2018-02-01 close 2017"),
        &["budget year 2017 is already closed", "2018-01-15"],
    );
}

#[test]
fn a_year_is_not_closed_before_its_end_nor_when_verify_finds_problems() {
    let (_dir, db) = ledger_with_budget();
    assert_mentions(
        &refused(&db, "--as-of 2017-12-30 close 2017"),
        &["before its last day"],
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER entry_no_update").unwrap();
    drop(conn);
    assert_mentions(
        &refused(&db, "--as-of 2018-01-15 close 2017"),
        &["cannot be trusted", "verify", "entry_no_update"],
    );
}

#[test]
fn a_reversal_of_a_closed_years_entry_posts_into_the_open_year() {
    let (_dir, db) = closed_2017();
    let journal = json(&db, "journal --year 2017 --as-of 2018-01-15");
    let cost = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reference"] == "C-2")
        .unwrap()
        .clone();
    let id = cost["id"].as_i64().unwrap().to_string();
    let said = isu_ok(
        &db,
        &[
            "--as-of",
            "2018-01-20",
            "reverse",
            &id,
            "--reason",
            "Duplicate invoice",
        ],
    );
    assert_mentions(&said, &["counted against closed budget year 2017"]);
    let reversal = json(&db, "journal --year 2018 --as-of 2018-01-20");
    let entry = &reversal["entries"][0];
    assert_eq!(entry["budget_year"], 2018);
    assert_eq!(entry["reverses"], cost["id"]);
    assert_mentions(&ok(&db, "verify"), &["no problems found"]);
    let payment = json(&db, "journal --year 2017 --as-of 2018-01-15")["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reference"] == "B-2")
        .unwrap()["id"]
        .to_string();
    assert_refused_for_closed_2017(
        &db,
        &format!("--as-of 2017-12-31 reverse {payment} --reason Dated-in-the-closed-year"),
    );
}

#[test]
fn contribution_add_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(&db, "contribution add FRA 10 --date 2017-12-31");
    // Dated in an open year it is accepted, whatever year it names: it moves no income of
    // the closed year (France owes nothing for 2017, so it is held as a credit).
    let said = ok(&db, "contribution add FRA 10 --date 2018-01-16 --year 2017");
    assert_mentions(&said, &["held as a credit"]);
    // Voluntary income of the closed year would change its result: refused.
    assert_refused_for_closed_2017(
        &db,
        "contribution add FRA 10 --date 2018-01-16 --year 2017 --voluntary",
    );
}

#[test]
fn contribution_import_is_refused_for_a_closed_year() {
    let (dir, db) = closed_2017();
    let file = dir.path().join("pay.csv");
    std::fs::write(
        &file,
        "date,party,amount,currency,year,ref\n2017-12-31,FRA,10.00,CHF,2017,P-1\n",
    )
    .unwrap();
    let message = refused_args(&db, &["contribution", "import", file.to_str().unwrap()]);
    assert_mentions(&message, &["pay.csv:2", "budget year 2017 was closed"]);
}

#[test]
fn cost_add_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(&db, "cost add staff 10 --date 2017-12-31");
    assert_refused_for_closed_2017(&db, "cost add staff 10 --date 2018-01-16 --year 2017");
}

#[test]
fn cost_import_is_refused_for_a_closed_year() {
    let (dir, db) = closed_2017();
    let file = dir.path().join("costs.csv");
    std::fs::write(
        &file,
        "date,category,amount,ref\n2017-12-31,staff,10.00,I-1\n",
    )
    .unwrap();
    let message = refused_args(&db, &["cost", "import", file.to_str().unwrap()]);
    assert_mentions(&message, &["costs.csv:2", "budget year 2017 was closed"]);
}

#[test]
fn fund_transfer_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(
        &db,
        "fund transfer isu sponsorship 10 --reason X --date 2017-12-31",
    );
}

#[test]
fn fund_opening_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(&db, "fund opening ccm-fund 10 --date 2017-12-31");
}

#[test]
fn rate_set_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(&db, "rate set USD 0.95 --date 2017-12-01");
    ok(&db, "rate set USD 0.95 --date 2018-01-01");
}

#[test]
fn budget_set_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(&db, "budget set 2017 --total 1 --approved-on 2018-01-16");
}

#[test]
fn meeting_add_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(
        &db,
        "meeting add 2RC --name Review --date 2017-11-01 --estimate 1",
    );
}

#[test]
fn meeting_rate_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(&db, "meeting rate 7MSP --per-page 1'160");
}

#[test]
fn document_add_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(
        &db,
        "document add 7MSP A/1 --title Agenda --pages-forecast 4",
    );
}

#[test]
fn meeting_assess_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    // A meeting of the closed year never assessed, put straight into the file since
    // `meeting add` itself is now refused for 2017.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO meeting (code, name, held_on, currency, estimate_minor, created_at, created_by)
         VALUES ('2RC', 'Review', '2017-11-01', 'USD', 100, 'x', 'x')",
        [],
    )
    .unwrap();
    drop(conn);
    let message = refused(
        &db,
        "--as-of 2018-01-16 meeting assess 2RC --scale un-2016-2018 --participants all-parties",
    );
    assert_mentions(&message, &["budget year 2017 was closed on 2018-01-15"]);
}

#[test]
fn meeting_true_up_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(
        &db,
        "--as-of 2018-01-16 meeting true-up 7MSP --actual 90'000",
    );
}

#[test]
fn entries_of_open_years_are_still_recorded() {
    let (_dir, db) = closed_2017();
    let before = count(&db, "entry");
    ok(&db, "contribution add FRA 10 --date 2018-01-16");
    assert_eq!(count(&db, "entry"), before + 1);
}

#[test]
fn meeting_pay_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(&db, "meeting pay 7MSP DEU 10 --date 2017-12-31");
    // A bill of the closed year paid later is accepted: it settles what is owed.
    ok(&db, "meeting pay 7MSP DEU 10 --date 2018-01-16");
}

#[test]
fn assess_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(&db, "--as-of 2018-01-16 assess 2017 --scale un-2016-2018");
}

#[test]
fn pledge_add_is_refused_for_a_closed_year() {
    let (_dir, db) = closed_2017();
    assert_refused_for_closed_2017(&db, "pledge add CHE 100 --year 2017 --date 2018-01-16");
}

#[test]
fn document_update_is_refused_for_a_closed_year() {
    let (dir, db) = ledger_with_budget();
    ok(
        &db,
        "meeting add 7MSP --name Seventh --date 2017-09-04 --estimate 100'000",
    );
    ok(
        &db,
        "document add 7MSP A/1 --title Agenda --pages-forecast 4",
    );
    ok(&db, "--as-of 2018-01-15 close 2017");
    assert_refused_for_closed_2017(&db, "document update 7MSP A/1 --pages-actual 5");
    drop(dir);
}

#[test]
fn a_reversal_of_a_payment_applied_to_a_closed_year_posts_into_the_open_year() {
    let (_dir, db) = setup_assessed();
    let said = ok(&db, "--as-of 2018-01-15 close 2017");
    assert_mentions(&said, &["closed budget year 2017"]);
    let entry = json(&db, "journal --party DEU --as-of 2018-01-15")["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reference"] == "P-1")
        .expect("the payment")
        .clone();
    let payment = entry["id"].to_string();
    // The payment settled 2016 first, then part of 2017, one transfer each.
    let legs: Vec<i64> = entry["transfers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| minor(&t["amount"]))
        .collect();
    let said = ok(
        &db,
        &format!("--as-of 2018-01-20 reverse {payment} --reason Returned-by-the-bank"),
    );
    assert_mentions(
        &said,
        &["dated 2018-01-20 (--as-of: the original's year is closed)"],
    );
    assert_mentions(&ok(&db, "verify"), &["no problems found"]);
    // What the payment settled is owed again for the years it settled, from the reversal's
    // date: arrears of a closed year stay collectable.
    let owed = |as_of: &str| -> std::collections::BTreeMap<i64, i64> {
        json(&db, &format!("--as-of {as_of} statement DEU"))["owed_by_year"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| (y["year"].as_i64().unwrap(), minor(&y["amount"])))
            .collect()
    };
    let before = owed("2018-01-15");
    let after = owed("2018-01-20");
    assert_eq!(
        after[&2017],
        before.get(&2017).copied().unwrap_or(0) + legs[1],
        "the 2017 part of the payment"
    );
    assert_eq!(
        after[&2016],
        before.get(&2016).copied().unwrap_or(0) + legs[0]
    );
    assert_eq!(after.get(&2018), None);
}

/// Germany assessed for 2016 and 2017 and paying both in 2017 with one payment.
fn setup_assessed() -> (TempDir, PathBuf) {
    let (dir, db) = common::setup();
    ok(&db, "party add DEU --in-force 2010-08-01");
    ok(&db, "party add FRA --in-force 2010-08-01");
    for year in ["2016", "2017"] {
        ok(
            &db,
            &format!("budget set {year} --total 1'000 --approved-on {year}-01-01"),
        );
        ok(
            &db,
            &format!("--as-of {year}-01-02 assess {year} --scale un-2016-2018"),
        );
    }
    ok(
        &db,
        "contribution add DEU 1'000 --date 2017-03-01 --ref P-1",
    );
    let entry = json(&db, "journal --party DEU --as-of 2017-12-31")["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reference"] == "P-1")
        .unwrap()
        .clone();
    assert_eq!(
        entry["description"],
        "Contribution from Germany for 2016, 2017"
    );
    assert_eq!(
        entry["transfers"].as_array().unwrap().len(),
        2,
        "one per year: {entry}"
    );
    (dir, db)
}
