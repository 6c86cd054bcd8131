//! The chart of accounts and the generic `import`: `account add` declares an account,
//! `import` posts only to accounts that are open (a typo is refused, not opened), and the
//! expenses it posts count in `status` and `budget report` like any cost.

mod common;

use std::path::Path;

use serde_json::Value;

use common::{dump, isu, isu_ok, setup};

const HEADER: &str = "date,description,debit,credit,amount,currency,year,fund,party,ref\n";

fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&isu_ok(db, &all)).expect("valid JSON")
}

/// Runs a command that must be refused: exit 2, nothing on standard output, one line on
/// standard error, nothing written. Returns that line.
fn refused(db: &Path, args: &[&str]) -> String {
    let before = dump(db);
    let output = isu(db).args(args).output().expect("run isu-ledger");
    let message = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
    assert!(output.stdout.is_empty(), "{args:?}");
    assert_eq!(message.lines().count(), 1, "{message}");
    assert_eq!(dump(db), before, "{args:?}: nothing written");
    message
}

fn declare(db: &Path, accounts: &[&str]) {
    for account in accounts {
        isu_ok(db, &["account", "add", account]);
    }
}

fn write(db: &Path, name: &str, csv: &str) {
    std::fs::write(db.with_file_name(name), csv).unwrap();
}

/// The accounts `accounts --format json` lists, with their types.
fn listed(db: &Path, command: &[&str]) -> Vec<(String, String)> {
    json(db, command)["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account"].as_str().unwrap().to_string(),
                a["type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn account_add_declares_an_account_of_the_type_of_its_first_segment() {
    let (_dir, db) = setup();
    let said = isu_ok(&db, &["account", "add", "expenses:travel:missions"]);
    assert_eq!(said, "opened account expenses:travel:missions (expenses)\n");
    isu_ok(&db, &["account", "add", "income:interest"]);
    let expected = vec![
        ("expenses:travel:missions".to_string(), "expenses".to_string()),
        ("income:interest".to_string(), "income".to_string()),
    ];
    assert_eq!(listed(&db, &["account", "list"]), expected);
    assert_eq!(listed(&db, &["accounts"]), expected);
}

#[test]
fn account_add_refuses_an_existing_or_malformed_name_and_writes_nothing() {
    let (_dir, db) = setup();
    declare(&db, &["expenses:travel"]);
    assert_eq!(
        refused(&db, &["account", "add", "expenses:travel"]),
        "error: account expenses:travel already exists\n"
    );
    // An account the program opened itself exists too.
    isu_ok(&db, &["party", "add", "DEU"]);
    isu_ok(
        &db,
        &["contribution", "add", "DEU", "100", "--date", "2017-03-01"],
    );
    assert!(refused(&db, &["account", "add", "assets:bank:chf"]).contains("already exists"));
    for (bad, expected) in [
        ("expense:travel", "must start with assets, liabilities"),
        ("expenses:travel ", "segments may hold only"),
        ("expenses::travel", "segment between colons is empty"),
        ("Expenses:travel", "must start with assets"),
    ] {
        let message = refused(&db, &["account", "add", bad]);
        assert!(
            message.starts_with(&format!("error: account name '{bad}' is not valid: ")),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn import_with_a_typo_in_an_account_is_refused_and_writes_nothing() {
    let (_dir, db) = setup();
    declare(
        &db,
        &["assets:bank:chf", "expenses:travel", "expenses:staff"],
    );
    write(
        &db,
        "import.csv",
        &format!(
            "{HEADER}\
             2017-03-01,Salaries,expenses:staff,assets:bank:chf,1000.00,CHF,2017,isu,,S-1\n\
             2017-03-02,Flight,expenses:travel,assets:bank:chf,500.00,CHF,2017,isu,,T-1\n\
             2017-03-03,Train,expenses:travel,assets:bank:chf,80.00,CHF,2017,isu,,T-2\n\
             2017-03-04,Hotel,expenses:travle,assets:bank:chf,300.00,CHF,2017,isu,,T-3\n"
        ),
    );
    let message = refused(&db, &["import", "import.csv"]);
    assert_eq!(
        message,
        "error: import.csv:5: account expenses:travle is not open; declare it with \
         `isu-ledger account add expenses:travle` \
         (known accounts under expenses: expenses:travel, expenses:staff)\n"
    );
    // The credit side is checked as well.
    write(
        &db,
        "credit.csv",
        &format!("{HEADER}2017-03-01,Fee,expenses:travel,assets:bank:cfh,1.00,CHF,2017,isu,,F-1\n"),
    );
    assert!(refused(&db, &["import", "credit.csv"])
        .starts_with("error: credit.csv:2: account assets:bank:cfh is not open"));
    // Declared, the same file goes in.
    declare(&db, &["expenses:travle"]);
    let said = isu_ok(&db, &["import", "import.csv"]);
    assert!(said.contains("4 entries recorded"), "{said}");
}

#[test]
fn import_posts_without_declaration_to_accounts_the_program_opened_itself() {
    let (_dir, db) = setup();
    // An organisation's payment is voluntary income: it opens the bank account and
    // income:contributions:voluntary.
    isu_ok(
        &db,
        &["party", "add", "UNDP", "--name", "UNDP", "--kind", "organisation"],
    );
    isu_ok(
        &db,
        &["contribution", "add", "UNDP", "100", "--date", "2017-03-01"],
    );
    write(
        &db,
        "import.csv",
        &format!(
            "{HEADER}2017-03-05,Refund,income:contributions:voluntary,assets:bank:chf,10.00,CHF,2017,isu,UNDP,R-1\n"
        ),
    );
    isu_ok(&db, &["import", "import.csv"]);
}
