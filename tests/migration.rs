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

/// A ledger of schema version 9, whose rates of exchange refused CHF, with a rate corrected
/// (the correction refers to the rate): the book currency migration rebuilds the rates'
/// table without that refusal, keeps every row, and the chain head an auditor noted before
/// still verifies.
#[test]
fn the_rates_of_a_version_9_ledger_are_kept_when_their_table_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    common::isu_ok(&db, &["init"]);
    common::isu_ok(&db, &["rate", "set", "USD", "0.97", "--date", "2017-01-01"]);
    common::isu_ok(
        &db,
        &[
            "rate",
            "correct",
            "USD",
            "0.96",
            "--date",
            "2017-01-01",
            "--reason",
            "typo",
        ],
    );
    let rates_before = common::isu_ok(&db, &["--as-of", "2017-06-30", "rate", "list"]);
    let head_of = |verified: &str| {
        verified
            .lines()
            .find_map(|l| l.strip_prefix("Chain: "))
            .unwrap()
            .replace(" rows, head ", ":")
    };
    let noted = head_of(&common::isu_ok(&db, &["verify"]));
    {
        // The table as version 9 made it; foreign keys off, as SQLite asks for a rebuild.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             BEGIN;
             DROP TRIGGER exchange_rate_no_update;
             DROP TRIGGER exchange_rate_no_delete;
             CREATE TABLE old_rate (
                 currency     TEXT NOT NULL CHECK (length(currency) = 3 AND currency <> 'CHF'),
                 effective_on TEXT NOT NULL
                              CHECK (effective_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                 rate         TEXT NOT NULL CHECK (length(rate) > 0),
                 created_at   TEXT NOT NULL,
                 created_by   TEXT NOT NULL,
                 PRIMARY KEY (currency, effective_on)
             ) STRICT;
             INSERT INTO old_rate (rowid, currency, effective_on, rate, created_at, created_by)
                 SELECT rowid, currency, effective_on, rate, created_at, created_by
                 FROM exchange_rate;
             DROP TABLE exchange_rate;
             ALTER TABLE old_rate RENAME TO exchange_rate;
             CREATE TRIGGER exchange_rate_no_update BEFORE UPDATE ON exchange_rate
             BEGIN SELECT RAISE(ABORT, 'rates of exchange are append-only'); END;
             CREATE TRIGGER exchange_rate_no_delete BEFORE DELETE ON exchange_rate
             BEGIN SELECT RAISE(ABORT, 'rates of exchange are append-only'); END;
             DROP TABLE transparency_reversal;
             DROP TABLE transparency_report;
             DROP TABLE task_change;
             DROP TABLE task;
             DROP TABLE document_due;
             DROP TABLE meeting_detail;
             PRAGMA user_version = 9;
             COMMIT;",
        )
        .unwrap();
    }
    let verified = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'exchange_rate'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert!(sql.contains("<> 'CHF'"), "the old table refuses CHF");
        drop(conn);
        common::isu_ok(&db, &["verify"])
    };
    // Opening it migrated it; the rows the chain covers are the same.
    assert!(verified.contains("no problems found"), "{verified}");
    assert_eq!(head_of(&verified), noted);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (version, sql, corrections): (i64, String, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version),
                    (SELECT sql FROM sqlite_schema WHERE name = 'exchange_rate'),
                    (SELECT count(*) FROM exchange_rate_correction)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(version, 12);
    assert!(!sql.contains("<> 'CHF'"), "{sql}");
    assert_eq!(corrections, 1);
    drop(conn);
    assert_eq!(
        common::isu_ok(&db, &["--as-of", "2017-06-30", "rate", "list"]),
        rates_before
    );
    let against = common::isu_ok(&db, &["verify", "--against", &noted]);
    assert!(against.contains("no problems found"), "{against}");
}
