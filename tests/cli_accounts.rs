//! The chart of accounts and the generic `import`: `account add` declares an account,
//! `import` posts only to accounts that are open (a typo is refused, not opened), and the
//! expenses it posts count in `status` and `budget report` like any cost.

mod common;

use std::path::Path;

use serde_json::Value;

use common::{dump, isu, isu_ok, json_minor, setup};

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
        (
            "expenses:travel:missions".to_string(),
            "expenses".to_string(),
        ),
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
        &[
            "party",
            "add",
            "UNDP",
            "--name",
            "UNDP",
            "--kind",
            "organisation",
        ],
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

/// A ledger with the 2017 budget in four lines, the accounts the expense files post to
/// declared, and CHF 50'000.00 brought forward in the bank.
fn ledger_with_budget() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = setup();
    isu_ok(
        &db,
        &[
            "budget",
            "set",
            "2017",
            "--total",
            "100000",
            "--approved-on",
            "2016-09-07",
            "--line",
            "staff=60000",
            "--line",
            "travel=25000",
            "--line",
            "communication=10000",
            "--line",
            "office=5000",
        ],
    );
    declare(
        &db,
        &[
            "assets:bank:chf",
            "equity:fund-balance:isu",
            "expenses:travel",
            "expenses:travel:missions",
            "expenses:translation",
            "expenses:consultants",
        ],
    );
    write(
        &db,
        "opening.csv",
        &format!(
            "{HEADER}2016-12-31,Brought forward,assets:bank:chf,equity:fund-balance:isu,50000.00,CHF,2016,isu,,OPEN-2016\n"
        ),
    );
    isu_ok(&db, &["import", "opening.csv"]);
    (dir, db)
}

/// Expenses of 2017 as a finance officer might import them from the accounting system:
/// on lines named by their accounts, through a category's line, outside the lines, one
/// entry split over two accounts, one counting for 2016 and one dated after June.
fn import_expenses(db: &Path) {
    write(
        db,
        "expenses.csv",
        &format!(
            "{HEADER}\
             2017-02-01,Flight to Geneva,expenses:travel,assets:bank:chf,1200.00,CHF,2017,isu,,EX-1\n\
             2017-02-15,Mission to Beirut,expenses:travel:missions,assets:bank:chf,800.50,CHF,2017,isu,,EX-2\n\
             2017-03-01,Translation of the work plan,expenses:translation,assets:bank:chf,640.00,CHF,2017,isu,,EX-3\n\
             2017-04-01,Evaluation,expenses:consultants,assets:bank:chf,2000.00,CHF,2017,isu,,EX-4\n\
             2017-04-02,Mission and report,expenses:travel,assets:bank:chf,100.00,CHF,2017,isu,,EX-5\n\
             2017-04-02,Mission and report,expenses:consultants,assets:bank:chf,50.00,CHF,2017,isu,,EX-5\n\
             2017-01-10,Late invoice for 2016,expenses:travel,assets:bank:chf,75.00,CHF,2016,isu,,EX-6\n\
             2017-07-03,Summer mission,expenses:travel,assets:bank:chf,300.00,CHF,2017,isu,,EX-7\n"
        ),
    );
    isu_ok(db, &["import", "expenses.csv"]);
}

/// Per line of `budget report` JSON: (line, budget, spent) in centimes.
fn report_lines(report: &Value) -> Vec<(String, i64, i64)> {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_str().unwrap().to_string(),
                json_minor(&l["budget"]),
                json_minor(&l["spent"]),
            )
        })
        .collect()
}

/// The net debit of the expense accounts in `balance --year YEAR` JSON, in CHF centimes.
fn expenses_in_balance(db: &Path, as_of: &str, year: &str) -> i64 {
    let balance = json(db, &["--as-of", as_of, "balance", "--year", year]);
    balance["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["account"].as_str().unwrap().starts_with("expenses"))
        .map(|r| {
            assert_eq!(r["currency"], "CHF");
            json_minor(&r["balance"])
        })
        .sum()
}

#[test]
fn imported_expenses_count_in_status_and_budget_report() {
    let (_dir, db) = ledger_with_budget();
    import_expenses(&db);
    isu_ok(
        &db,
        &[
            "cost",
            "add",
            "staff",
            "1000",
            "--date",
            "2017-05-31",
            "--ref",
            "SAL-5",
        ],
    );

    let report = json(&db, &["--as-of", "2017-06-30", "budget", "report", "2017"]);
    assert_eq!(
        report_lines(&report),
        [
            ("staff".to_string(), 6_000_000, 100_000),
            ("travel".to_string(), 2_500_000, 120_000 + 80_050 + 10_000),
            ("communication".to_string(), 1_000_000, 64_000),
            ("office".to_string(), 500_000, 0),
            ("expenses:consultants".to_string(), 0, 200_000 + 5_000),
        ]
    );
    let spent = 100_000 + 210_050 + 64_000 + 205_000;
    assert_eq!(json_minor(&report["spent_total"]), spent);

    let status = json(&db, &["--as-of", "2017-06-30", "status", "2017"]);
    assert_eq!(json_minor(&status["spending"]["spent"]), spent);
    let table = isu_ok(&db, &["--as-of", "2017-06-30", "status", "2017"]);
    assert!(table.contains("CHF 5'790.50"), "{table}");

    // The expense counting for 2016 counts there, and July's only from July.
    let earlier = json(&db, &["--as-of", "2017-06-30", "budget", "report", "2016"]);
    assert_eq!(json_minor(&earlier["spent_total"]), 7_500);
    let later = json(&db, &["--as-of", "2017-07-31", "status", "2017"]);
    assert_eq!(json_minor(&later["spending"]["spent"]), spent + 30_000);

    // A reversal of an imported expense takes it back out, on its line.
    isu_ok(
        &db,
        &[
            "reverse",
            "5",
            "--reason",
            "keyed twice",
            "--date",
            "2017-06-01",
        ],
    );
    let report = json(&db, &["--as-of", "2017-06-30", "budget", "report", "2017"]);
    assert_eq!(report_lines(&report)[4].2, 5_000);
    assert_eq!(json_minor(&report["spent_total"]), spent - 200_000);
}

#[test]
fn status_budget_report_balance_and_close_agree_on_the_expenditure_after_an_import() {
    let (_dir, db) = ledger_with_budget();
    import_expenses(&db);
    isu_ok(
        &db,
        &[
            "cost",
            "add",
            "translation",
            "360",
            "--date",
            "2017-08-31",
            "--ref",
            "TR-8",
        ],
    );
    let as_of = "2017-12-31";
    let status = json_minor(&json(&db, &["--as-of", as_of, "status", "2017"])["spending"]["spent"]);
    let report =
        json_minor(&json(&db, &["--as-of", as_of, "budget", "report", "2017"])["spent_total"]);
    let balance = expenses_in_balance(&db, as_of, "2017");
    let expected = 120_000 + 80_050 + 64_000 + 200_000 + 10_000 + 5_000 + 30_000 + 36_000;
    assert_eq!((status, report, balance), (expected, expected, expected));

    let said = isu_ok(&db, &["--as-of", "2018-01-15", "close", "2017"]);
    assert!(said.contains("fund isu: deficit CHF 5'450.50"), "{said}");
    let journal = json(&db, &["--as-of", "2018-01-15", "journal", "--year", "2017"]);
    let closed: i64 = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "close")
        .flat_map(|e| e["transfers"].as_array().unwrap().iter())
        .filter(|t| t["credit"].as_str().unwrap().starts_with("expenses"))
        .map(|t| json_minor(&t["amount"]))
        .sum();
    assert_eq!(closed, expected, "what close carries to the fund balance");
    // After the close, the reports still show what the year spent.
    let status = json(&db, &["--as-of", "2018-01-15", "status", "2017"]);
    assert_eq!(json_minor(&status["spending"]["spent"]), expected);
    let report = json(&db, &["--as-of", "2018-01-15", "budget", "report", "2017"]);
    assert_eq!(json_minor(&report["spent_total"]), expected);
}

#[test]
fn an_imported_expense_of_another_fund_counts_but_a_cost_outside_the_budget_does_not() {
    let (_dir, db) = ledger_with_budget();
    declare(&db, &["expenses:meetings", "assets:bank:usd"]);
    write(
        &db,
        "meetings.csv",
        &format!(
            "{HEADER}2017-05-10,Interpretation,expenses:meetings,assets:bank:chf,400.00,CHF,2017,sponsorship,,SP-1\n"
        ),
    );
    isu_ok(&db, &["import", "meetings.csv"]);
    isu_ok(
        &db,
        &[
            "fund",
            "opening",
            "ccm-fund",
            "5000",
            "--currency",
            "USD",
            "--date",
            "2016-12-31",
        ],
    );
    // Outside the budget lines by the rule of `cost add`: a fund other than isu, no --line.
    isu_ok(
        &db,
        &[
            "cost",
            "add",
            "meetings",
            "100",
            "--currency",
            "USD",
            "--rate",
            "1",
            "--fund",
            "ccm-fund",
            "--date",
            "2017-05-01",
        ],
    );
    let report = json(&db, &["--as-of", "2017-06-30", "budget", "report", "2017"]);
    assert_eq!(
        report_lines(&report).last().unwrap(),
        &("expenses:meetings".to_string(), 0, 40_000)
    );
    assert_eq!(json_minor(&report["spent_total"]), 40_000);
    let status = json(&db, &["--as-of", "2017-06-30", "status", "2017"]);
    assert_eq!(json_minor(&status["spending"]["spent"]), 40_000);
}
