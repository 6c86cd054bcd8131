//! Corrections and the rules that keep the books true whatever the order of typing: a
//! reminder recorded once per party, year, level and day; funds that never go negative at
//! any date; a rate of exchange recorded in error superseded by a corrected one; a budget
//! version withdrawn. Every refusal exits 2 with one line and writes nothing.

mod common;
mod costs_common;

use std::fs;
use std::path::Path;

use common::{count, dump, setup};
use costs_common::*;

/// The names and contents of the files in a directory, sorted by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().to_string(),
                fs::read(entry.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The reminder level `outstanding` shows for a party.
fn reminder_level(db: &Path, year: &str, as_of: &str, party: &str) -> serde_json::Value {
    let report = json(db, &format!("--as-of {as_of} outstanding {year}"));
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["party"] == party)
        .unwrap_or_else(|| panic!("{party} in {report}"))["reminder_level"]
        .clone()
}

// Reminders (issue 9, repro 6).

#[test]
fn letters_record_twice_the_same_day_changes_nothing() {
    let (dir, db) = ledger_with_budget();
    ok(&db, "pledge add CHE 5000 --year 2017 --date 2017-01-15");
    ok(&db, "--as-of 2017-06-30 letters 2017 --out first --record");
    let after_first = dump(&db);
    let reminders = count(&db, "reminder");
    let said = ok(&db, "--as-of 2017-06-30 letters 2017 --out second --record");
    assert_mentions(&said, &["recorded 0 reminders", "1 already recorded"]);
    assert_eq!(dump(&db), after_first, "the second run wrote to the ledger");
    assert_eq!(count(&db, "reminder"), reminders);
    assert_eq!(
        files(&dir.path().join("first")),
        files(&dir.path().join("second"))
    );
    let letter = fs::read_to_string(dir.path().join("second/2017-CHE.txt")).unwrap();
    assert!(!letter.contains("no. 2"), "{letter}");
    assert_eq!(reminder_level(&db, "2017", "2017-06-30", "CHE"), 1);
}

#[test]
fn letters_on_a_later_day_are_the_next_reminder() {
    let (dir, db) = ledger_with_budget();
    ok(&db, "pledge add CHE 5000 --year 2017 --date 2017-01-15");
    ok(&db, "--as-of 2017-06-30 letters 2017 --out june --record");
    let said = ok(
        &db,
        "--as-of 2017-09-30 letters 2017 --out september --record",
    );
    assert_mentions(&said, &["recorded 1 reminders"]);
    let letter = fs::read_to_string(dir.path().join("september/2017-CHE.txt")).unwrap();
    assert!(letter.contains("Reminder no. 2"), "{letter}");
    assert_eq!(reminder_level(&db, "2017", "2017-09-30", "CHE"), 2);
    // The same day again keeps level 2; the June letters written again keep level 1.
    ok(&db, "--as-of 2017-09-30 letters 2017 --out again --record");
    assert_eq!(reminder_level(&db, "2017", "2017-12-31", "CHE"), 2);
    ok(&db, "--as-of 2017-06-30 letters 2017 --out june-again");
    assert_eq!(
        files(&dir.path().join("june")),
        files(&dir.path().join("june-again"))
    );
}

// Funds never go negative at any date (issue 9, repro 7).

/// The balance `fund list` shows for a fund on a date, in minor units.
fn fund_balance(db: &Path, fund: &str, as_of: &str) -> i64 {
    let report = json(db, &format!("--as-of {as_of} fund list"));
    report["funds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["fund"] == fund)
        .map_or(0, |row| minor(&row["balance"]))
}

#[test]
fn a_cost_before_the_money_arrives_is_refused() {
    let (_dir, db) = setup();
    ok(&db, "party add DEU --in-force 2010-08-01");
    ok(
        &db,
        "budget set 2025 --total 10000 --approved-on 2024-09-13 --line staff=8000 --line travel=2000",
    );
    ok(&db, "contribution add DEU 1000 --date 2025-06-01 --ref B-1");
    let message = refused(&db, "cost add travel 900 --date 2025-01-31");
    assert_mentions(
        &message,
        &[
            "fund isu",
            "2025-01-31",
            "it would hold CHF -900.00",
            "--allow-deficit",
        ],
    );
    assert_eq!(fund_balance(&db, "isu", "2025-01-31"), 0);
    // Dated on or after the money arrived, it is covered.
    ok(&db, "cost add travel 900 --date 2025-06-01");
    assert_eq!(fund_balance(&db, "isu", "2025-06-01"), 10_000);
}

#[test]
fn a_cost_that_would_leave_a_later_spending_uncovered_is_refused() {
    let (_dir, db) = setup();
    ok(&db, "party add DEU --in-force 2010-08-01");
    ok(
        &db,
        "budget set 2025 --total 10000 --approved-on 2024-09-13 --line staff=8000 --line travel=2000",
    );
    ok(&db, "contribution add DEU 1000 --date 2025-01-10 --ref B-1");
    ok(&db, "cost add staff 800 --date 2025-03-31");
    // On 2025-02-15 the fund holds CHF 1'000.00, but CHF 800.00 of it is spent on 31 March:
    // a cost of CHF 300.00 dated in February would leave the fund at CHF -100.00 then.
    let message = refused(&db, "cost add travel 300 --date 2025-02-15");
    assert_mentions(
        &message,
        &[
            "fund isu holds CHF 200.00 on 2025-03-31",
            "it would hold CHF -100.00 on 2025-03-31",
        ],
    );
    ok(&db, "cost add travel 200 --date 2025-02-15");
    assert_eq!(fund_balance(&db, "isu", "2025-12-31"), 0);
    // A deficit allowed by the user is recorded, and shows on its date.
    ok(&db, "cost add travel 50 --date 2025-02-16 --allow-deficit");
    assert_eq!(fund_balance(&db, "isu", "2025-02-16"), 75_000);
    assert_eq!(fund_balance(&db, "isu", "2025-12-31"), -5_000);
}

#[test]
fn a_transfer_between_funds_before_the_money_arrives_is_refused() {
    let (_dir, db) = setup();
    ok(&db, "party add DEU --in-force 2010-08-01");
    ok(
        &db,
        "budget set 2025 --total 10000 --approved-on 2024-09-13 --line staff=8000 --line travel=2000",
    );
    ok(&db, "contribution add DEU 1000 --date 2025-06-01 --ref B-1");
    ok(&db, "fund add reserve --name Reserve --currency CHF");
    let message = refused(
        &db,
        "fund transfer isu reserve 500 --reason Reserve --date 2025-05-31",
    );
    assert_mentions(
        &message,
        &["fund isu", "it would hold CHF -500.00 on 2025-05-31"],
    );
    ok(
        &db,
        "fund transfer isu reserve 500 --reason Reserve --date 2025-06-01",
    );
    assert_eq!(fund_balance(&db, "reserve", "2025-06-01"), 50_000);
}
