//! A ledger made by the previous version (schema version 3, `tests/fixtures/ledger-v3/`)
//! opens with this one, is migrated, and reports the same figures: every field of every
//! report that version printed is printed again, equal (reports may have gained fields).
//! Then it takes new facts by the rule of this version and stays consistent.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ledger-v3");

fn copy_of_the_old_ledger() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    std::fs::copy(Path::new(FIXTURE).join("ledger-v3.sqlite"), &db).unwrap();
    (dir, db)
}

/// Every field of `old` is in `new` with the same value; arrays are equal in length and
/// element by element. The statements' descriptions are words, not figures: they are now
/// written from the facts and are left out; so is the year shown on a line that only moves a
/// credit, which belongs to no year (it was the payment's entry's, now the payment's date's).
fn assert_same_figures(old: &Value, new: &Value, path: &str) {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            let credit_only = old.get("charged").and_then(Value::as_str) == Some("0.00")
                && old.get("paid").and_then(Value::as_str) == Some("0.00");
            for (key, value) in old {
                if key == "description" && path.contains("lines") {
                    continue;
                }
                if key == "budget_year" && path.contains("lines") && credit_only {
                    continue;
                }
                let Some(other) = new.get(key) else {
                    panic!("{path}.{key} is gone: was {value}");
                };
                assert_same_figures(value, other, &format!("{path}.{key}"));
            }
        }
        (Value::Array(old), Value::Array(new)) => {
            assert_eq!(old.len(), new.len(), "{path}: {old:?} became {new:?}");
            for (i, (a, b)) in old.iter().zip(new).enumerate() {
                assert_same_figures(a, b, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(old, new, "{path}"),
    }
}

#[test]
fn a_ledger_of_the_previous_version_reports_the_same_figures() {
    let (_dir, db) = copy_of_the_old_ledger();
    let mut compared = 0;
    for file in std::fs::read_dir(FIXTURE).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap();
        // DATE_WORD_WORD...: the report's date and its words.
        let mut words = name.split('_');
        let date = words.next().unwrap();
        let mut args = vec!["--format", "json", "--as-of", date];
        args.extend(words);
        let old: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let new: Value = serde_json::from_str(&common::isu_ok(&db, &args)).unwrap();
        assert_same_figures(&old, &new, name);
        compared += 1;
    }
    assert_eq!(compared, 14, "every report of the fixture");
    let version = common::isu_ok(&db, &["verify"]);
    assert!(version.contains("no problems found"), "{version}");
}

#[test]
fn a_migrated_ledger_takes_new_facts_by_the_rule() {
    let (_dir, db) = copy_of_the_old_ledger();
    // Switzerland pays what it owes for 2016 and 2017 and part of 2018, dated in 2018.
    common::isu_ok(
        &db,
        &[
            "contribution",
            "add",
            "CHE",
            "40000",
            "--date",
            "2018-01-15",
            "--ref",
            "CH-2018",
        ],
    );
    let statement: Value = serde_json::from_str(&common::isu_ok(
        &db,
        &[
            "--format",
            "json",
            "--as-of",
            "2018-01-31",
            "statement",
            "CHE",
        ],
    ))
    .unwrap();
    let owed: Vec<i64> = statement["owed_by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(owed, [2018], "2017 settled, 2018 in part: {statement}");
    let verified = common::isu_ok(&db, &["verify"]);
    assert!(verified.contains("no problems found"), "{verified}");
}
