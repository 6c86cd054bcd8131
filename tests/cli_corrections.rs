//! Corrections and the rules that keep the books true whatever the order of typing: a
//! reminder recorded once per party, year, level and day; funds that never go negative at
//! any date; a rate of exchange recorded in error superseded by a corrected one; a budget
//! version withdrawn. Every refusal exits 2 with one line and writes nothing.

mod common;
mod costs_common;

use std::fs;
use std::path::Path;

use common::{count, dump, isu_ok, setup};
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

/// Runs a command given as separate arguments (some hold spaces) that must succeed.
fn ok_args(db: &Path, args: &[&str]) -> String {
    isu_ok(db, args)
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

// A rate of exchange recorded in error (issue 9, point 6).

/// A ledger with three USD rates, the one of June mistyped, and entries booked in USD
/// before, during and after June.
fn ledger_with_a_mistyped_rate() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = ledger_with_budget();
    ok(&db, "rate set USD 0.99 --date 2017-05-01");
    ok(&db, "rate set USD 0.9172 --date 2017-06-01");
    ok(&db, "rate set USD 0.98 --date 2017-07-01");
    ok(
        &db,
        "contribution add DEU 100 --currency USD --rate 0.9172 --date 2017-05-20 --ref U-MAY",
    );
    ok(
        &db,
        "contribution add DEU 1000 --currency USD --date 2017-06-05 --ref U-1",
    );
    ok(
        &db,
        "contribution add FRA 300 --currency USD --date 2017-06-10 --ref U-2",
    );
    ok(
        &db,
        "cost add travel 200 --currency USD --date 2017-06-20 --ref C-USD",
    );
    ok(
        &db,
        "contribution add FRA 500 --currency USD --date 2017-07-03 --ref U-JULY",
    );
    (dir, db)
}

/// The id of the entry that carries a reference.
fn entry_id(db: &Path, reference: &str) -> i64 {
    json(db, "--as-of 2017-12-31 journal")["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reference"] == reference)
        .unwrap_or_else(|| panic!("entry {reference}"))["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn a_corrected_rate_lists_the_entries_booked_at_the_wrong_rate() {
    let (_dir, db) = ledger_with_a_mistyped_rate();
    let fra = entry_id(&db, "U-2");
    ok(
        &db,
        &format!("--as-of 2017-06-12 reverse {fra} --reason Wrong-party"),
    );
    let said = ok_args(
        &db,
        &[
            "rate",
            "correct",
            "USD",
            "0.9712",
            "--date",
            "2017-06-01",
            "--reason",
            "typo: 0.9172 for 0.9712",
        ],
    );
    assert_mentions(
        &said,
        &[
            "corrected the USD rate in force from 2017-06-01: 0.9712",
            "instead of 0.9172",
            "2 entries were booked at 0.9172 from 2017-06-01 to 2017-06-30",
            &format!("entry {} dated 2017-06-05", entry_id(&db, "U-1")),
            &format!("entry {} dated 2017-06-20", entry_id(&db, "C-USD")),
            "USD 1'000.00",
        ],
    );
    // Booked in May at the same figure, reversed, or in July: not listed.
    for reference in ["U-MAY", "U-2", "U-JULY"] {
        assert!(
            !said.contains(&format!("entry {} dated", entry_id(&db, reference))),
            "{reference} is listed: {said}"
        );
    }
    // From now on the corrected rate converts.
    let said = ok(
        &db,
        "contribution add DEU 10 --currency USD --date 2017-06-15 --ref U-3",
    );
    assert_mentions(&said, &["0.9712"]);
    assert!(!said.contains("0.9172"), "{said}");
}

#[test]
fn rate_list_keeps_the_superseded_rate_beside_its_correction() {
    let (_dir, db) = ledger_with_a_mistyped_rate();
    ok_args(
        &db,
        &[
            "rate",
            "correct",
            "USD",
            "0.9712",
            "--date",
            "2017-06-01",
            "--reason",
            "typo",
        ],
    );
    let list = json(&db, "--as-of 2017-06-30 rate list USD");
    let rows: Vec<(String, String, bool, bool)> = list["rates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["effective_on"].as_str().unwrap().to_string(),
                r["rate"].as_str().unwrap().to_string(),
                r["superseded"].as_bool().unwrap(),
                r["in_force"].as_bool().unwrap(),
            )
        })
        .collect();
    let row = |date: &str, rate: &str, superseded, in_force| {
        (date.to_string(), rate.to_string(), superseded, in_force)
    };
    assert_eq!(
        rows,
        [
            row("2017-05-01", "0.99", false, false),
            row("2017-06-01", "0.9172", true, false),
            row("2017-06-01", "0.9712", false, true),
            row("2017-07-01", "0.98", false, false),
        ]
    );
    assert_eq!(list["rates"][2]["correction_reason"], "typo");
    assert_mentions(
        &ok(&db, "--as-of 2017-06-30 rate list"),
        &["superseded", "correction: typo", "in force"],
    );
    // A second correction supersedes the first; the history keeps all three.
    ok_args(
        &db,
        &[
            "rate",
            "correct",
            "USD",
            "0.9713",
            "--date",
            "2017-06-01",
            "--reason",
            "again",
        ],
    );
    let list = json(&db, "--as-of 2017-06-30 rate list USD");
    assert_eq!(list["rates"].as_array().unwrap().len(), 5);
    assert_eq!(list["rates"][2]["superseded"], true);
    assert_eq!(list["rates"][3]["rate"], "0.9713");
    assert_eq!(list["rates"][3]["in_force"], true);
}

#[test]
fn a_rate_correction_that_changes_nothing_writes_nothing() {
    let (_dir, db) = ledger_with_a_mistyped_rate();
    let before = dump(&db);
    let said = ok_args(
        &db,
        &[
            "rate",
            "correct",
            "USD",
            "0.91720",
            "--date",
            "2017-06-01",
            "--reason",
            "same",
        ],
    );
    assert_mentions(&said, &["already 0.9172", "nothing written"]);
    assert_eq!(dump(&db), before);
}

#[test]
fn a_bad_rate_correction_is_refused_and_writes_nothing() {
    let (_dir, db) = ledger_with_a_mistyped_rate();
    let correct = |args: &[&str]| {
        let mut all = vec!["rate", "correct"];
        all.extend(args);
        refused_args(&db, &all)
    };
    assert_mentions(
        &correct(&["USD", "0.9712", "--date", "2017-06-02", "--reason", "typo"]),
        &[
            "no rate of USD is recorded for 2017-06-02",
            "2017-05-01, 2017-06-01, 2017-07-01",
            "rate set USD",
        ],
    );
    assert_mentions(
        &correct(&["EUR", "1.07", "--date", "2017-06-01", "--reason", "typo"]),
        &["no rate of EUR is recorded for 2017-06-01"],
    );
    assert_mentions(
        &correct(&["USD", "0.9712", "--date", "2017-06-01", "--reason", " "]),
        &["needs a reason"],
    );
    assert_mentions(
        &correct(&["USD", "0.9712", "--date", "2017-06-01", "--reason", "a\nb"]),
        &["one line"],
    );
    assert_mentions(
        &correct(&["USD", "0", "--date", "2017-06-01", "--reason", "typo"]),
        &["greater than zero"],
    );
    assert_mentions(
        &correct(&["CHF", "1", "--date", "2017-06-01", "--reason", "typo"]),
        &["CHF"],
    );
    assert_mentions(
        &correct(&["USD", "0.9712", "--date", "2017-13-01", "--reason", "typo"]),
        &["2017-13-01"],
    );
    refused_args(
        &db,
        &["rate", "correct", "USD", "0.9712", "--date", "2017-06-01"],
    );
    // `rate set` on a date that has a rate points to the correction.
    assert_mentions(
        &refused(&db, "rate set USD 0.9712 --date 2017-06-01"),
        &[
            "already recorded (0.9172)",
            "rate correct USD RATE --date 2017-06-01",
        ],
    );
}

#[test]
fn rate_corrections_are_append_only() {
    let (_dir, db) = ledger_with_a_mistyped_rate();
    ok_args(
        &db,
        &[
            "rate",
            "correct",
            "USD",
            "0.9712",
            "--date",
            "2017-06-01",
            "--reason",
            "typo",
        ],
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    for sql in [
        "UPDATE exchange_rate_correction SET rate = '1'",
        "DELETE FROM exchange_rate_correction",
    ] {
        let error = conn.execute(sql, []).unwrap_err().to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    assert_mentions(&ok(&db, "verify"), &["no problems found"]);
}
