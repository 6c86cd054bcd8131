//! `import FILE.csv`: generic entries in bulk. All or nothing, bad rows named by file and
//! line, idempotent by reference, consecutive rows of one reference forming one entry.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use common::{count, dump, isu, isu_ok, setup};

const HEADER: &str = "date,description,debit,credit,amount,currency,year,fund,party,ref\n";

/// `rows` valid rows, one transfer each, every second entry made of two rows.
fn rows_csv(rows: usize) -> String {
    let mut csv = String::from(HEADER);
    for row in 0..rows {
        let entry = row / 2;
        let (debit, credit) = if row % 2 == 0 {
            ("assets:bank:chf", "income:contributions:voluntary")
        } else {
            ("expenses:translation", "assets:bank:chf")
        };
        writeln!(
            csv,
            "2017-{:02}-{:02},Entry {entry},{debit},{credit},{}.{:02},CHF,2017,isu,,IMP-{entry}",
            1 + entry % 12,
            1 + entry % 28,
            10 + row,
            row % 100
        )
        .unwrap();
    }
    csv
}

/// Declares the accounts a test's file posts to: `import` posts only to open accounts.
fn declare(db: &Path, accounts: &[&str]) {
    for account in accounts {
        isu_ok(db, &["account", "add", account]);
    }
}

/// The accounts `rows_csv` posts to.
const ROWS_ACCOUNTS: [&str; 3] = [
    "assets:bank:chf",
    "income:contributions:voluntary",
    "expenses:translation",
];

fn import(db: &Path, name: &str, csv: &str) -> std::process::Output {
    std::fs::write(db.with_file_name(name), csv).unwrap();
    isu(db).args(["import", name]).output().unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_ten_thousand_row_file_with_one_bad_row_writes_nothing_and_names_the_row() {
    let (_dir, db) = setup();
    declare(&db, &ROWS_ACCOUNTS);
    let before = dump(&db);
    let mut lines: Vec<String> = rows_csv(10_000).lines().map(str::to_string).collect();
    // Line 7'778 of the file (the header is line 1): an amount with three decimals.
    lines[7_777] = lines[7_777].replacen(".", ".123", 1);
    let output = import(&db, "bad.csv", &(lines.join("\n") + "\n"));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.starts_with("error: bad.csv:7778: "), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(output.stdout.is_empty());
    assert_eq!(dump(&db), before, "nothing was written");
}

#[test]
fn the_same_file_imported_twice_adds_nothing_the_second_time() {
    let (_dir, db) = setup();
    declare(&db, &ROWS_ACCOUNTS);
    let csv = rows_csv(1_001);
    let first = import(&db, "rows.csv", &csv);
    assert!(first.status.success(), "{}", stderr(&first));
    let said = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(
        said.starts_with(
            "imported rows.csv: 1001 rows, 501 entries recorded, 0 already recorded; "
        ),
        "{said}"
    );
    assert!(said.trim_end().ends_with("rows/s"), "{said}");
    assert_eq!(count(&db, "entry"), 501);
    assert_eq!(count(&db, "transfer"), 1_001);
    let after_first = dump(&db);

    let second = import(&db, "rows.csv", &csv);
    assert!(second.status.success(), "{}", stderr(&second));
    let said = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(
        said.contains("1001 rows, 0 entries recorded, 501 already recorded"),
        "{said}"
    );
    assert_eq!(dump(&db), after_first, "the second import wrote nothing");
}

#[test]
fn rows_sharing_a_ref_form_one_balanced_entry_on_declared_accounts() {
    let (_dir, db) = setup();
    isu_ok(&db, &["party", "add", "DEU"]);
    declare(
        &db,
        &[
            "assets:bank:usd",
            "assets:bank:chf",
            "equity:conversion",
            "income:contributions:voluntary",
            "expenses:translation",
        ],
    );
    let csv = format!(
        "{HEADER}\
         2017-03-01,Conversion for DEU,assets:bank:usd,equity:conversion,1000.00,USD,2017,meetings,DEU,C-1\n\
         2017-03-01,Conversion for DEU,equity:conversion,income:contributions:voluntary,971.20,CHF,2017,meetings,DEU,C-1\n\
         2017-03-02,Translation,expenses:translation,assets:bank:chf,\"1'500.00\",,,,,T-1\n"
    );
    let output = import(&db, "entries.csv", &csv);
    assert!(output.status.success(), "{}", stderr(&output));
    let journal: Value = serde_json::from_str(&isu_ok(
        &db,
        &["--format", "json", "--as-of", "2017-12-31", "journal"],
    ))
    .unwrap();
    let entries = journal["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["transfers"].as_array().unwrap().len(), 2);
    assert_eq!(entries[0]["fund"], "meetings");
    assert_eq!(entries[0]["party"], "DEU");
    assert_eq!(entries[1]["budget_year"], 2017, "the year of the date");
    assert_eq!(entries[1]["fund"], "isu");
    assert_eq!(entries[1]["transfers"][0]["amount"], "1500.00");
    let accounts = isu_ok(&db, &["accounts"]);
    for account in [
        "assets:bank:usd",
        "equity:conversion",
        "expenses:translation",
    ] {
        assert!(accounts.contains(account), "{accounts}");
    }
    let verify = isu(&db).arg("verify").output().unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

#[test]
fn each_kind_of_bad_row_is_refused_with_its_line_and_nothing_written() {
    let (_dir, db) = setup();
    declare(&db, &["assets:bank:chf", "income:x", "expenses:travel"]);
    let good = "2017-01-01,Fine,assets:bank:chf,income:x,1.00,CHF,2017,isu,,OK-1\n";
    let cases = [
        (
            "2017-02-30,x,assets:bank:chf,income:x,1.00,CHF,2017,isu,,B-1\n",
            "",
        ),
        (
            "2017-01-01,x,bank,income:x,1.00,CHF,2017,isu,,B-1\n",
            "account name 'bank'",
        ),
        (
            "2017-01-01,x,assets:bank:chf,assets:bank:chf,1.00,CHF,2017,isu,,B-1\n",
            "to itself",
        ),
        (
            "2017-01-01,x,assets:bank:chf,income:x,-1.00,CHF,2017,isu,,B-1\n",
            "not positive",
        ),
        (
            "2017-01-01,x,assets:bank:chf,income:x,1.00,XXX,2017,isu,,B-1\n",
            "XXX",
        ),
        (
            "2017-01-01,x,assets:bank:chf,income:x,1.00,CHF,2017,isu,NOPE,B-1\n",
            "NOPE",
        ),
        (
            "2017-01-01,x,assets:bank:chf,income:x,1.00,CHF,2017,nofund,,B-1\n",
            "nofund",
        ),
        (
            "2017-01-01,x,assets:bank:chf,income:x,1.00,CHF,2017,isu,,\n",
            "ref",
        ),
        (
            "2017-01-01,x,assets:bank:chf,income:x,1.00,CHF,217,isu,,B-1\n",
            "217",
        ),
        (
            "2017-01-02,Other,assets:bank:chf,income:x,1.00,CHF,2017,isu,,OK-1\n",
            "date",
        ),
        (
            "2017-01-01,x,assets:bank:chf,income:x,1.00\n",
            "expected 10 fields",
        ),
        (
            "2017-01-01,x,assets:bank:chf,income:y,1.00,CHF,2017,isu,,B-1\n",
            "account income:y is not open",
        ),
        (
            "2017-01-01,x,expenses:travel,assets:bank:chf,1.00,USD,2017,isu,,B-1\n",
            "expenses are booked in CHF",
        ),
    ];
    let before = dump(&db);
    for (bad, expected) in cases {
        let csv = format!("{HEADER}{good}\n{bad}");
        let output = import(&db, "bad.csv", &csv);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        let message = stderr(&output);
        assert!(
            message.starts_with("error: bad.csv:4: "),
            "{bad}: {message}"
        );
        assert!(message.contains(expected), "{bad}: {message}");
        assert_eq!(dump(&db), before, "{bad}: nothing written");
    }
    // A ref met again after another entry: refused on the line its entry begins.
    let csv = format!(
        "{HEADER}{good}2017-01-01,Two,assets:bank:chf,income:x,2.00,CHF,2017,isu,,OK-2\n{good}"
    );
    let output = import(&db, "again.csv", &csv);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: again.csv:4: ref 'OK-1' appears again"),
        "{message}"
    );
    assert_eq!(dump(&db), before);
    // The wrong header is named on line 1.
    let output = import(&db, "header.csv", "date,amount\n");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: header.csv:1: missing column"));
}

#[test]
fn a_row_dated_in_a_closed_year_is_refused_after_rows_of_an_open_one() {
    let (_dir, db) = setup();
    declare(&db, &["assets:bank:chf", "income:x"]);
    isu_ok(&db, &["--as-of", "2017-02-01", "close", "2016"]);
    let before = dump(&db);
    let csv = "date,description,debit,credit,amount,ref\n\
               2017-01-05,Open,assets:bank:chf,income:x,1.00,A-1\n\
               2017-01-06,Open too,assets:bank:chf,income:x,1.00,A-2\n\
               2016-12-30,Late,assets:bank:chf,income:x,1.00,A-3\n";
    let output = import(&db, "closed.csv", csv);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.starts_with("error: closed.csv:4: "), "{message}");
    assert!(message.contains("2016"), "{message}");
    assert_eq!(dump(&db), before, "nothing was written");
}
