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

// Reminders.

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
    assert_mentions(&said, &["recorded 1 reminder as sent"]);
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

// Funds never go negative at any date.

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

// A rate of exchange recorded in error.

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
fn a_rate_of_a_closed_year_cannot_be_corrected() {
    let (_dir, db) = ledger_with_budget();
    ok(&db, "rate set USD 0.9172 --date 2017-06-01");
    ok(&db, "--as-of 2018-01-15 close 2017");
    assert_mentions(
        &refused_args(
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
        ),
        &["2017", "closed"],
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

// Budget versions withdrawn, and budgets dated by default.

/// Runs a command that must succeed; returns its standard output and standard error.
fn ok_with_stderr(db: &Path, line: &str) -> (String, String) {
    let output = common::isu(db)
        .args(words(line))
        .output()
        .expect("run isu-ledger");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{line}: {stderr}");
    (String::from_utf8_lossy(&output.stdout).to_string(), stderr)
}

#[test]
fn a_withdrawn_budget_version_is_no_longer_in_force() {
    let (_dir, db) = setup();
    ok(
        &db,
        "budget set 2017 --total 459000 --approved-on 2016-09-07",
    );
    ok(
        &db,
        "budget set 2017 --total 495000 --approved-on 2016-11-01",
    );
    assert_eq!(
        minor(&json(&db, "--as-of 2017-06-27 status 2017")["budget"]),
        49_500_000
    );
    let said = ok_args(
        &db,
        &[
            "budget",
            "withdraw",
            "2017",
            "--version",
            "2",
            "--reason",
            "typed 495'000 for 459'000",
        ],
    );
    assert_mentions(
        &said,
        &[
            "withdrew version 2 of budget 2017",
            "typed 495'000 for 459'000",
            "latest version standing is version 1",
        ],
    );
    let status = json(&db, "--as-of 2017-06-27 status 2017");
    assert_eq!(minor(&status["budget"]), 45_900_000);
    assert_eq!(status["budget_approved_on"], "2016-09-07");
    let show = json(&db, "--as-of 2017-06-27 budget show 2017");
    assert_eq!(show["version"], 1);
    assert_eq!(
        show["approvals"][1]["withdrawn"],
        "typed 495'000 for 459'000"
    );
    assert_eq!(show["approvals"][0]["withdrawn"], serde_json::Value::Null);
    assert_mentions(
        &ok(&db, "--as-of 2017-06-27 budget show 2017"),
        &["version 2", "withdrawn (typed 495'000 for 459'000)"],
    );
    // A third version may now be dated between the first and the withdrawn second.
    ok(
        &db,
        "budget set 2017 --total 460000 --approved-on 2016-10-01",
    );
    assert_eq!(
        minor(&json(&db, "--as-of 2017-06-27 status 2017")["budget"]),
        46_000_000
    );
}

#[test]
fn the_lines_of_a_withdrawn_budget_no_longer_take_costs() {
    let (_dir, db) = ledger_with_budget();
    ok(
        &db,
        "budget set 2017 --total 100000 --approved-on 2016-10-01 --line staff=60000 --line printing=40000",
    );
    ok(
        &db,
        "cost add printing 100 --line printing --date 2017-03-01",
    );
    ok(&db, "budget withdraw 2017 --version 2 --reason Draft");
    assert_mentions(
        &refused(
            &db,
            "cost add printing 100 --line printing --date 2017-03-02",
        ),
        &["unknown budget line 'printing'"],
    );
    ok(&db, "cost add travel 100 --date 2017-03-02");
}

#[test]
fn a_bad_budget_withdrawal_is_refused_and_writes_nothing() {
    let (_dir, db) = setup();
    ok(
        &db,
        "budget set 2017 --total 459000 --approved-on 2016-09-07",
    );
    assert_mentions(
        &refused(&db, "budget withdraw 2017 --version 2 --reason Typo"),
        &["budget 2017 has no version 2", "its versions are 1"],
    );
    assert_mentions(
        &refused(&db, "budget withdraw 2018 --version 1 --reason Typo"),
        &["no budget is recorded for 2018"],
    );
    assert_mentions(
        &refused(&db, "budget withdraw 2017 --version 0 --reason Typo"),
        &["--version must be 1 or more"],
    );
    assert_mentions(
        &refused(&db, "budget withdraw 2017 --version -1 --reason Typo"),
        &["--version must be 1 or more"],
    );
    assert_mentions(
        &refused_args(
            &db,
            &[
                "budget",
                "withdraw",
                "2017",
                "--version",
                "1",
                "--reason",
                " ",
            ],
        ),
        &["needs a reason"],
    );
    assert_mentions(
        &refused_args(
            &db,
            &[
                "budget",
                "withdraw",
                "2017",
                "--version",
                "1",
                "--reason",
                "a\tb",
            ],
        ),
        &["one line"],
    );
    refused(&db, "budget withdraw 2017 --version 1");
    refused(&db, "budget withdraw 1917 --version 1 --reason Typo");
    ok(&db, "budget withdraw 2017 --version 1 --reason Typo");
    assert_mentions(
        &refused(&db, "budget withdraw 2017 --version 1 --reason Again"),
        &["already withdrawn (Typo)"],
    );
    assert_mentions(
        &refused(&db, "--as-of 2017-06-27 budget show 2017"),
        &["every version was withdrawn", "--approved-on"],
    );
}

#[test]
fn a_version_of_a_closed_year_cannot_be_withdrawn() {
    let (_dir, db) = ledger_with_budget();
    ok(&db, "--as-of 2018-01-15 close 2017");
    assert_mentions(
        &refused(&db, "budget withdraw 2017 --version 1 --reason Late"),
        &["2017", "closed"],
    );
}

#[test]
fn budget_withdrawals_are_append_only() {
    let (_dir, db) = setup();
    ok(
        &db,
        "budget set 2017 --total 459000 --approved-on 2016-09-07",
    );
    ok(&db, "budget withdraw 2017 --version 1 --reason Typo");
    let conn = rusqlite::Connection::open(&db).unwrap();
    for sql in [
        "UPDATE budget_withdrawal SET reason = 'x'",
        "DELETE FROM budget_withdrawal",
    ] {
        let error = conn.execute(sql, []).unwrap_err().to_string();
        assert!(error.contains("stays withdrawn"), "{sql}: {error}");
    }
}

#[test]
fn a_budget_for_a_past_year_without_a_date_says_which_date_it_used() {
    let (_dir, db) = setup();
    let (said, notice) = ok_with_stderr(&db, "--as-of 2020-06-30 budget set 2017 --total 459000");
    assert_mentions(&said, &["approved on 2020-06-30"]);
    assert_eq!(
        notice.trim_end(),
        "notice: budget 2017 dated 2020-06-30 (--as-of); give --approved-on for the date of \
         the decision"
    );
    assert_eq!(notice.lines().count(), 1);
    // The report of the past year then says where the approval was found and what to do.
    assert_mentions(
        &refused(&db, "--as-of 2017-06-27 budget show 2017"),
        &[
            "no budget for 2017 was approved by 2017-06-27",
            "dated 2020-06-30",
            "budget withdraw 2017 --version N",
            "--approved-on",
        ],
    );
    // A budget for a year not yet begun, or with its date given, gets no notice.
    let (_, notice) = ok_with_stderr(&db, "--as-of 2020-06-30 budget set 2027 --total 500000");
    assert_eq!(notice, "");
    let (_, notice) = ok_with_stderr(
        &db,
        "--as-of 2020-06-30 budget set 2018 --total 500000 --approved-on 2017-09-07",
    );
    assert_eq!(notice, "");
}

#[test]
fn a_budget_version_dated_before_the_latest_is_refused() {
    let (_dir, db) = setup();
    ok(&db, "--as-of 2026-11-30 budget set 2017 --total 459000");
    assert_mentions(
        &refused(
            &db,
            "budget set 2017 --total 459000 --approved-on 2016-09-07",
        ),
        &[
            "dated 2016-09-07, before version 1 approved on 2026-11-30",
            "budget withdraw 2017 --version 1",
        ],
    );
    // Withdrawn, the version dated in error no longer stands in the way.
    ok(&db, "budget withdraw 2017 --version 1 --reason Dated-today");
    ok(
        &db,
        "budget set 2017 --total 459000 --approved-on 2016-09-07",
    );
    let show = json(&db, "--as-of 2017-06-27 budget show 2017");
    assert_eq!(show["version"], 2);
    assert_eq!(show["approved_on"], "2016-09-07");
    // The same date as the latest is a revision of the same day, and accepted.
    ok(
        &db,
        "budget set 2017 --total 460000 --approved-on 2016-09-07",
    );
}

// A ledger of the previous schema (without the corrections tables).

#[test]
fn a_ledger_of_the_previous_schema_opens_and_reports_the_same_figures() {
    let (_dir, db) = ledger_with_a_mistyped_rate();
    ok(&db, "pledge add CHE 5000 --year 2017 --date 2017-01-15");
    ok(
        &db,
        "--as-of 2017-06-30 letters 2017 --out letters --record",
    );
    let reports = |db: &Path| {
        [
            "--as-of 2017-06-30 status 2017",
            "--as-of 2017-06-30 outstanding 2017",
            "--as-of 2017-06-30 rate list",
            "--as-of 2017-06-30 budget show 2017",
            "--as-of 2017-06-30 fund list",
            "--as-of 2017-06-30 balance",
            "--as-of 2017-06-30 timeline --days 400",
        ]
        .map(|line| {
            // The chain head is of the ledger (rebuilt below in another order), not of
            // the figures.
            let mut report = json(db, line);
            if let Some(fields) = report.as_object_mut() {
                fields.remove("chain");
            }
            report
        })
    };
    let before = reports(&db);
    let current = without_chain_rows(&dump(&db));
    // Take the ledger back to the schema before the corrections migration: its tables (with
    // their triggers and index) did not exist then, nor those of the bank migration that
    // follows it, the chain of the migration after that, the tables of the letters, the
    // running sums, the transparency reports or the time-line; the rates of exchange, which
    // the book currency migration rebuilds, are rebuilt again.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, 12, "the time-line migration is the last");
        conn.execute_batch(
            "DROP TABLE exchange_rate_correction;
             DROP TABLE budget_withdrawal;
             DROP TABLE bank_match;
             DROP TABLE bank_payer;
             DROP TABLE bank_line;
             DROP TABLE bank_statement;
             DROP TABLE chain;
             DROP TABLE setting;
             DROP TABLE party_change;
             DROP TABLE letter_sent;
             DROP TABLE account_running;
             DROP TABLE cost_running;
             DROP TABLE expense_recorded_running;
             DROP TABLE transparency_reversal;
             DROP TABLE transparency_report;
             DROP TABLE task_change;
             DROP TABLE task;
             DROP TABLE document_due;
             DROP TABLE meeting_detail;",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", version - 8)
            .unwrap();
    }
    assert_ne!(without_chain_rows(&dump(&db)), current);
    assert_eq!(reports(&db), before);
    // The reminders stay recorded; their reference numbers, which the earlier version did
    // not keep, are the only difference, with the links of the chain that cover them.
    let without_letters_sent = |dump: &str| {
        let mut kept = Vec::new();
        let mut skipping = false;
        for line in dump.lines() {
            if line.starts_with('[') {
                skipping = line.starts_with("[letter_sent]") || line.starts_with("[chain]");
            }
            if !(skipping && (line.starts_with('[') || line.starts_with("  "))) {
                kept.push(line);
            }
        }
        kept.join("\n")
    };
    assert_eq!(
        without_letters_sent(&without_chain_rows(&dump(&db))),
        without_letters_sent(&current),
        "the migrated ledger differs from a new one"
    );
    assert_mentions(
        &ok(&db, "--as-of 2017-06-30 reminders 2017"),
        &["reminder", "2017-06-30"],
    );
    assert_mentions(&ok(&db, "verify"), &["no problems found"]);
}

/// A dump without the rows of the chain (its line of count stays).
fn without_chain_rows(dump: &str) -> String {
    let mut out = String::new();
    let mut in_chain = false;
    for line in dump.lines() {
        if line.starts_with('[') {
            in_chain = line.starts_with("[chain] ");
        } else if in_chain {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
