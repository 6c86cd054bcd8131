//! Helpers shared by the tests of costs, funds, meetings and the year close: a small ledger
//! with a budget and contributions, refusals checked to write nothing, JSON amounts read as
//! minor units.

// Each test file compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{dump, isu, isu_ok, setup};

/// Splits a command line on spaces (arguments in these tests hold none).
pub fn words(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

/// Runs a command that must succeed; returns its standard output.
pub fn ok(db: &Path, line: &str) -> String {
    isu_ok(db, &words(line))
}

/// Runs a command that must succeed and print JSON.
pub fn json(db: &Path, line: &str) -> Value {
    let mut args = words(line);
    args.extend(["--format", "json"]);
    let stdout = isu_ok(db, &args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{line}: not JSON ({e}): {stdout}"))
}

/// Runs `args`, which must be refused: exit code 2, nothing on stdout, one line `error: ...`
/// on stderr, and the ledger unchanged. Returns the line.
pub fn refused_args(db: &Path, args: &[&str]) -> String {
    let before = dump(db);
    let output = isu(db).args(args).output().expect("run isu-ledger");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: expected exit code 2; stdout: {stdout}; stderr: {stderr}"
    );
    assert!(
        stdout.is_empty(),
        "{args:?}: a refusal prints nothing: {stdout}"
    );
    assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr:?}");
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    assert_eq!(
        dump(db),
        before,
        "the refused command {args:?} changed the ledger"
    );
    stderr.trim_end().to_string()
}

pub fn refused(db: &Path, line: &str) -> String {
    refused_args(db, &words(line))
}

/// Asserts that `message` contains each of `expected`.
pub fn assert_mentions(message: &str, expected: &[&str]) {
    for text in expected {
        assert!(message.contains(text), "expected {text:?} in: {message}");
    }
}

/// `"311922.54"` as minor units; strictly two decimals.
pub fn minor(value: &Value) -> i64 {
    crate::common::json_minor(value)
}

/// A ledger with Germany, France and Switzerland, a 2017 budget of CHF 100'000.00 in three
/// lines, CHF 60'000.00 received from Germany and CHF 10'000.00 from France in the first
/// week of January, before the costs the tests date later in the year (a fund never goes
/// negative at any date).
pub fn ledger_with_budget() -> (TempDir, PathBuf) {
    let (dir, db) = setup();
    for code in ["DEU", "FRA", "CHE"] {
        ok(&db, &format!("party add {code} --in-force 2010-08-01"));
    }
    ok(
        &db,
        "budget set 2017 --total 100000 --approved-on 2016-09-07 --line staff=70000 \
         --line travel=20000 --line communication=10000",
    );
    ok(
        &db,
        "contribution add DEU 60000 --date 2017-01-05 --ref B-1 --voluntary",
    );
    ok(
        &db,
        "contribution add FRA 10000 --date 2017-01-06 --ref B-2 --voluntary",
    );
    (dir, db)
}

/// The rows of `balance --year YEAR` as (account, currency, balance in minor units).
pub fn trial_balance(db: &Path, line: &str) -> Vec<(String, String, i64)> {
    json(db, line)["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            (
                row["account"].as_str().unwrap().to_string(),
                row["currency"].as_str().unwrap().to_string(),
                minor(&row["balance"]),
            )
        })
        .collect()
}
