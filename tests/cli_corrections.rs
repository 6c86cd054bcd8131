//! Corrections and the rules that keep the books true whatever the order of typing: a
//! reminder recorded once per party, year, level and day; funds that never go negative at
//! any date; a rate of exchange recorded in error superseded by a corrected one; a budget
//! version withdrawn. Every refusal exits 2 with one line and writes nothing.

mod common;
mod costs_common;

use std::fs;
use std::path::Path;

use common::{count, dump};
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
