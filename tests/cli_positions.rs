//! Where each party stands follows from the dated facts alone: known cases (payments before their assessment, typed out of
//! order, reversals and re-assessments, closed years, reversed references), each with its
//! correct figures; the corrections (refund, application of credit, write-off) and their
//! refusals; and a year of the UN's real 2017 payments replayed in date order and
//! assessment-first.

mod common;

use std::path::{Path, PathBuf};

use common::{dump, isu, isu_ok};
use serde_json::Value;
use tempfile::TempDir;

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

fn ok(db: &Path, line: &str) -> String {
    isu_ok(db, &words(line))
}

fn json(db: &Path, line: &str) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend(words(line));
    serde_json::from_str(&isu_ok(db, &args)).expect("JSON")
}

/// Runs a command that must be refused: exit 2, one line, nothing written; the line.
fn refused(db: &Path, line: &str) -> String {
    let before = dump(db);
    let output = isu(db).args(words(line)).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{line}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{line}: one line: {stderr}"
    );
    assert_eq!(dump(db), before, "{line} wrote something");
    stderr
}

fn minor(value: &Value) -> i64 {
    common::json_minor(value)
}

/// Norway and France, States Parties, and a 2025 budget of CHF 1'000 approved in 2024.
fn ledger() -> (TempDir, PathBuf) {
    let (dir, db) = common::setup();
    ok(
        &db,
        "party add NOR --deposited 2008-12-03 --in-force 2010-08-01",
    );
    ok(
        &db,
        "party add FRA --deposited 2009-09-25 --in-force 2010-08-01",
    );
    ok(&db, "budget set 2025 --total 1000 --approved-on 2024-09-13");
    (dir, db)
}

/// The balance of a party's receivable account in `balance` on a date, in minor units.
fn receivable(db: &Path, as_of: &str, party: &str) -> i64 {
    let balance = json(db, &format!("--as-of {as_of} balance"));
    let account = format!("assets:receivable:contributions:{party}");
    balance["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["account"] == account.as_str())
        .map_or(0, |r| minor(&r["balance"]))
}

fn row<'v>(report: &'v Value, party: &str) -> Option<&'v Value> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["party"] == party)
}

#[test]
fn a_payment_before_its_assessment_settles_it() {
    let (_dir, db) = ledger();
    let said = ok(
        &db,
        "contribution add NOR 400 --date 2024-12-14 --year 2025 --ref NO-ADV",
    );
    assert!(said.contains("held as a credit"), "{said}");
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    // Each State is assessed 500.00; Norway's 400.00 settles most of it on 10 January.
    let outstanding = json(&db, "--as-of 2025-06-30 outstanding 2025");
    let nor = row(&outstanding, "NOR").expect("Norway still owes 100.00");
    assert_eq!(minor(&nor["assessed"]), 50_000);
    assert_eq!(minor(&nor["received"]), 40_000);
    assert_eq!(minor(&nor["outstanding"]), 10_000);
    assert_eq!(minor(&nor["credit"]), 0);
    let status = json(&db, "--as-of 2025-06-30 status 2025");
    assert_eq!(minor(&status["received"]), 40_000, "{status}");
    // Nothing is voluntary income: received plus outstanding is the budget.
    assert_eq!(minor(&outstanding["total"]) + 40_000, 100_000);
    // Before the assessment the payment is Norway's credit.
    let statement = json(&db, "--as-of 2025-01-09 statement NOR");
    assert_eq!(minor(&statement["credit"]), 40_000);
    assert_eq!(minor(&statement["balance"]), 0);
    // The letter asks for the 100.00 left, not the whole assessment.
    let dir = db.parent().unwrap().join("letters");
    ok(
        &db,
        &format!("--as-of 2025-06-30 letters 2025 --out {}", dir.display()),
    );
    let letter = std::fs::read_to_string(dir.join("2025-NOR.txt")).unwrap();
    assert!(letter.contains("Total due: CHF 100.00"), "{letter}");
}

#[test]
fn a_full_prepayment_puts_the_state_on_the_honour_roll_on_time() {
    let (_dir, db) = ledger();
    ok(
        &db,
        "contribution add NOR 500 --date 2025-01-09 --year 2025 --ref NO-1",
    );
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    let roll = json(&db, "--as-of 2025-06-30 honour-roll 2025");
    let nor = row(&roll, "NOR").expect("Norway paid in full");
    // Dated by the value date of the payment that completed it.
    assert_eq!(nor["paid_on"], "2025-01-09");
    assert_eq!(nor["due_on"], "2025-02-09");
    assert_eq!(nor["on_time"], true);
    assert_eq!(roll["count"], 1);
}

#[test]
fn payments_apply_by_value_date_not_by_order_of_typing() {
    let (_dir, db) = ledger();
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    ok(
        &db,
        "contribution add FRA 403.98 --date 2025-06-01 --ref FR-2",
    );
    ok(&db, "contribution add FRA 100 --date 2025-02-01 --ref FR-1");
    let march = json(&db, "--as-of 2025-03-01 statement FRA");
    assert_eq!(minor(&march["balance"]), 40_000, "owed 400.00: {march}");
    assert_eq!(minor(&march["credit"]), 0);
    let july = json(&db, "--as-of 2025-07-01 statement FRA");
    assert_eq!(minor(&july["balance"]), 0);
    assert_eq!(minor(&july["credit"]), 398);
    // The books show it too, and agree with the rule.
    assert_eq!(receivable(&db, "2025-03-01", "FRA"), 40_000);
    assert!(ok(&db, "verify").contains("no problems found"));
}

#[test]
fn outstanding_is_never_negative_after_a_reassessment() {
    let (_dir, db) = ledger();
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    ok(&db, "contribution add FRA 500 --date 2025-02-01 --ref FR-1");
    ok(
        &db,
        "assess 2025 --reverse --reason wrong-budget --date 2025-03-01",
    );
    ok(&db, "budget set 2025 --total 900 --approved-on 2025-03-01");
    ok(&db, "assess 2025 --method equal --date 2025-03-02");
    let outstanding = json(&db, "--as-of 2025-06-30 outstanding 2025");
    for row in outstanding["rows"].as_array().unwrap() {
        assert!(minor(&row["outstanding"]) >= 0, "{row}");
    }
    assert!(row(&outstanding, "FRA").is_none(), "France paid in full");
    let fra = json(&db, "--as-of 2025-06-30 statement FRA");
    // Paid 500.00 for an assessment now 450.00: 50.00 is its credit.
    assert_eq!(minor(&fra["balance"]), 0);
    assert_eq!(minor(&fra["credit"]), 5_000);
    let status = json(&db, "--as-of 2025-06-30 status 2025");
    assert_eq!(minor(&status["received"]), 45_000, "{status}");
    assert_eq!(minor(&status["credits_held"]), 5_000, "{status}");
    assert_eq!(minor(&outstanding["total"]), 45_000);
}

#[test]
fn a_mistyped_payment_reversed_and_entered_again() {
    let (_dir, db) = ledger();
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    let said = ok(&db, "contribution add NOR 590 --date 2025-02-01 --ref NO-7");
    let id = said
        .strip_prefix("recorded entry ")
        .and_then(|r| r.split(':').next())
        .unwrap()
        .to_string();
    let said = ok(&db, &format!("reverse {id} --reason mistyped"));
    assert!(
        said.contains("dated 2025-02-01 (the original's date)"),
        "{said}"
    );
    // The reference of a reversed entry can be recorded again.
    let said = ok(&db, "contribution add NOR 500 --date 2025-02-01 --ref NO-7");
    assert!(said.starts_with("recorded entry"), "{said}");
    let outstanding = json(&db, "--as-of 2025-06-30 outstanding 2025");
    assert!(row(&outstanding, "NOR").is_none(), "{outstanding}");
    let statement = json(&db, "--as-of 2025-06-30 statement NOR");
    assert_eq!(minor(&statement["credit"]), 0, "{statement}");
    assert_eq!(minor(&statement["balance"]), 0, "{statement}");
    // Recording it once more is the same payment: nothing written.
    let said = ok(&db, "contribution add NOR 500 --date 2025-02-01 --ref NO-7");
    assert!(said.contains("already recorded"), "{said}");
}

#[test]
fn a_closed_year_keeps_its_arrears_collectable() {
    let (_dir, db) = ledger();
    ok(&db, "budget set 2026 --total 1000 --approved-on 2025-09-13");
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    ok(&db, "assess 2026 --method equal --date 2026-01-10");
    ok(&db, "contribution add FRA 500 --date 2025-02-01 --ref FR-1");
    let said = ok(&db, "--as-of 2026-01-20 close 2025");
    assert!(
        said.contains("arrears for 2025 and earlier of CHF 500.00 owed by 1 State"),
        "close says what it carries forward: {said}"
    );
    assert!(said.contains("NOR 500.00"), "{said}");
    // Dated in the open year, the payment is accepted and settles the 2025 arrears.
    let said = ok(&db, "contribution add NOR 500 --date 2026-02-01 --ref NO-1");
    assert!(said.contains("for 2025"), "{said}");
    let statement = json(&db, "--as-of 2026-03-01 statement NOR");
    let owed: Vec<i64> = statement["owed_by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(owed, [2026], "2025 is settled: {statement}");
    // The letters of 2026 no longer ask for 2025.
    let dir = db.parent().unwrap().join("letters");
    ok(
        &db,
        &format!("--as-of 2026-03-01 letters 2026 --out {}", dir.display()),
    );
    let letter = std::fs::read_to_string(dir.join("2026-NOR.txt")).unwrap();
    assert!(!letter.contains("2025:"), "{letter}");
    // An entry dated in the closed year is still refused.
    let message = refused(&db, "contribution add NOR 1 --date 2025-12-31 --ref NO-2");
    assert!(message.contains("budget year 2025 was closed"), "{message}");
    assert!(ok(&db, "verify").contains("no problems found"));
}

#[test]
fn a_reversed_reference_can_be_recorded_again() {
    let (_dir, db) = ledger();
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    ok(&db, "contribution add FRA 200 --date 2025-02-01 --ref FR-9");
    let journal = json(&db, "--as-of 2025-12-31 journal --party FRA");
    let id = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reference"] == "FR-9")
        .unwrap()["id"]
        .to_string();
    ok(&db, &format!("reverse {id} --reason wrong-State"));
    let said = ok(&db, "contribution add FRA 200 --date 2025-02-01 --ref FR-9");
    assert!(said.starts_with("recorded entry"), "{said}");
    let journal = json(&db, "--as-of 2025-12-31 journal --party FRA");
    assert!(
        journal["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["reference"] == "FR-9#2"),
        "kept as FR-9#2: {journal}"
    );
    let fra = json(&db, "--as-of 2025-12-31 statement FRA");
    assert_eq!(minor(&fra["balance"]), 30_000);
}

#[test]
fn corrections_refund_apply_and_write_off_within_what_there_is() {
    let (_dir, db) = ledger();
    ok(&db, "budget set 2026 --total 1000 --approved-on 2025-09-13");
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    ok(&db, "contribution add NOR 700 --date 2025-02-01 --ref NO-1");
    // Norway holds 200.00 of credit; France owes 500.00.
    assert!(refused(
        &db,
        "credit refund NOR 200.01 --date 2025-03-01 --reason asked"
    )
    .contains("more than the credit held (200.00) (amounts in CHF)"));
    ok(
        &db,
        "credit refund NOR 50 --date 2025-03-01 --reason asked --ref RF-1",
    );
    let nor = json(&db, "--as-of 2025-03-01 statement NOR");
    assert_eq!(minor(&nor["credit"]), 15_000);
    ok(&db, "assess 2026 --method equal --date 2026-01-10");
    // The credit settles the 2026 assessment on its date; nothing is left to apply.
    let nor = json(&db, "--as-of 2026-01-10 statement NOR");
    assert_eq!(minor(&nor["credit"]), 0);
    assert_eq!(minor(&nor["balance"]), 35_000);
    assert!(
        refused(&db, "credit apply NOR 1 --year 2026 --date 2026-02-01")
            .contains("more than the credit held")
    );
    // Write-offs: at most what is owed, the decision named, the loss in the year written.
    assert!(refused(
        &db,
        "write-off FRA 500.01 --year 2025 --decision MSP/2026/3 --date 2026-03-01"
    )
    .contains("more than is owed for it (500.00) (amounts in CHF)"));
    ok(
        &db,
        "write-off FRA 500 --year 2025 --decision MSP/2026/3 --date 2026-03-01",
    );
    let outstanding = json(&db, "--as-of 2026-03-01 outstanding 2026");
    let fra = row(&outstanding, "FRA").unwrap();
    assert_eq!(minor(&fra["arrears"]), 0, "{fra}");
    let status = json(&db, "--as-of 2026-03-01 status 2025");
    assert_eq!(
        minor(&status["received"]),
        50_000,
        "written off is not received"
    );
    assert!(ok(&db, "verify").contains("no problems found"));
}

#[test]
fn corrections_refuse_bad_input_in_one_line() {
    let (_dir, db) = ledger();
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    ok(&db, "contribution add NOR 500 --date 2025-02-01 --ref NO-1");
    for (line, expected) in [
        ("credit refund NOR 0 --reason x", "must be positive"),
        ("credit refund NOR -5 --reason x", "must be positive"),
        ("credit refund XXX 5 --reason x", "XXX"),
        (
            "credit apply FRA 1 --year 2025 --date 2025-03-01",
            "more than the credit held",
        ),
        (
            "write-off NOR 1 --year 2025 --decision D --date 2025-03-01",
            "more than is owed",
        ),
        (
            "reverse 2 --reason x --date 2025-01-01",
            "cannot be dated earlier",
        ),
    ] {
        let message = refused(&db, line);
        assert!(message.contains(expected), "{line}: {message}");
    }
}

#[test]
fn a_payment_from_an_organisation_is_voluntary_and_from_a_state_party_never() {
    let (_dir, db) = ledger();
    ok(
        &db,
        "party add EU --kind organisation --name European-Union",
    );
    ok(&db, "contribution add EU 300 --date 2025-02-01 --ref EU-1");
    ok(
        &db,
        "contribution add NOR 300 --date 2025-02-01 --ref NO-1 --voluntary",
    );
    ok(&db, "contribution add FRA 300 --date 2025-02-01 --ref FR-1");
    let status = json(&db, "--as-of 2025-03-01 status 2025");
    // EU and Norway (said voluntary) are income for 2025; France's is its credit.
    assert_eq!(minor(&status["received"]), 60_000, "{status}");
    assert_eq!(minor(&status["credits_held"]), 30_000, "{status}");
}

/// The UN's 2017 payments: date, ISO code, amount (USD, used as CHF), within 30 days.
fn un_payments_2017() -> Vec<(String, String, String, bool)> {
    let text = include_str!("data/un-honour-roll-2017.csv");
    text.lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (
                cells[0].to_string(),
                cells[1].to_string(),
                cells[2].to_string(),
                cells[3] == "1",
            )
        })
        .collect()
}

fn un_ledger(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    ok(&db, "init");
    let payments = un_payments_2017();
    let parties: String = std::iter::once("code".to_string())
        .chain(payments.iter().map(|(_, code, _, _)| code.clone()))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("parties.csv"), format!("{parties}\n")).unwrap();
    ok(
        &db,
        &format!("party import {}", dir.join("parties.csv").display()),
    );
    let total: i64 = payments
        .iter()
        .map(|(_, _, amount, _)| amount.parse::<i64>().unwrap())
        .sum();
    ok(
        &db,
        &format!("budget set 2017 --total {total} --approved-on 2016-12-23"),
    );
    let fixed: String = std::iter::once("code,amount".to_string())
        .chain(
            payments
                .iter()
                .map(|(_, code, amount, _)| format!("{code},{amount}")),
        )
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("assessed.csv"), format!("{fixed}\n")).unwrap();
    db
}

fn payments_csv(dir: &Path, name: &str, rows: &[&(String, String, String, bool)]) -> String {
    let mut text = "date,party,amount,currency,year,ref\n".to_string();
    for (date, code, amount, _) in rows {
        text.push_str(&format!("{date},{code},{amount},CHF,,UN-{code}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn without_entries(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.remove("entry");
        // The chain head is of the ledger, not of the figures.
        map.remove("chain");
        for (_, v) in map.iter_mut() {
            *v = without_entries(v.take());
        }
    } else if let Value::Array(items) = &mut value {
        for item in items.iter_mut() {
            *item = without_entries(item.take());
        }
    }
    value
}

#[test]
fn the_un_2017_payments_in_date_order_give_the_same_roll_as_assessment_first() {
    let dir = tempfile::tempdir().unwrap();
    let payments = un_payments_2017();
    let assess = format!(
        "assess 2017 --method fixed {} --date 2017-01-11",
        dir.path().join("assessed.csv").display()
    );
    // Strictly in date order: the nine payments of 10 January come before the assessment.
    let by_date = un_ledger(dir.path(), "by-date.sqlite");
    let (before, after): (Vec<_>, Vec<_>) = payments
        .iter()
        .partition(|(date, _, _, _)| date.as_str() < "2017-01-11");
    assert_eq!(before.len(), 9);
    ok(
        &by_date,
        &format!(
            "contribution import {}",
            payments_csv(dir.path(), "before.csv", &before)
        ),
    );
    ok(&by_date, &assess);
    ok(
        &by_date,
        &format!(
            "contribution import {}",
            payments_csv(dir.path(), "after.csv", &after)
        ),
    );
    // Assessment first, then every payment.
    let assessed_first = un_ledger(dir.path(), "assessed-first.sqlite");
    ok(&assessed_first, &assess);
    let all: Vec<_> = payments.iter().collect();
    ok(
        &assessed_first,
        &format!(
            "contribution import {}",
            payments_csv(dir.path(), "all.csv", &all)
        ),
    );
    for report in [
        "--as-of 2017-12-31 honour-roll 2017",
        "--as-of 2017-12-31 outstanding 2017",
        "--as-of 2017-01-31 honour-roll 2017",
        "--as-of 2017-01-31 outstanding 2017",
        "--as-of 2017-12-31 status 2017",
    ] {
        assert_eq!(
            without_entries(json(&by_date, report)),
            without_entries(json(&assessed_first, report)),
            "{report}"
        );
    }
    let roll = json(&by_date, "--as-of 2017-12-31 honour-roll 2017");
    assert_eq!(roll["count"], 145, "every State paid in full");
    // On time by the due date, 30 days after the assessment: the UN's own flags.
    let on_time_un = payments.iter().filter(|p| p.3).count();
    assert_eq!(roll["count_on_time"], on_time_un as u64);
    for row in roll["rows"].as_array().unwrap() {
        let paid = payments
            .iter()
            .find(|p| row["party"] == p.1.as_str())
            .unwrap();
        assert_eq!(row["paid_on"], paid.0.as_str(), "{row}");
        assert_eq!(row["on_time"], paid.3, "{row}");
    }
}

#[test]
fn money_moved_by_the_generic_import_is_applied_by_the_rule() {
    let (dir, db) = ledger();
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    // A payment posted straight to Norway's receivable by the generic import, then one dated
    // earlier: the earlier settles first, the rest of the imported one is a credit, as if
    // both had been recorded with `contribution add`.
    let csv = dir.path().join("entries.csv");
    std::fs::write(
        &csv,
        "date,description,debit,credit,amount,currency,year,fund,party,ref\n\
         2025-03-01,Payment of Norway,assets:bank:chf,assets:receivable:contributions:NOR,\
         300,CHF,2025,isu,NOR,IMP-1\n\
         2025-03-02,Payment of France,assets:bank:chf,assets:receivable:contributions:FRA,\
         600,CHF,2025,isu,FRA,IMP-2\n",
    )
    .unwrap();
    ok(&db, "account add assets:bank:chf");
    ok(&db, &format!("import {}", csv.display()));
    ok(&db, "contribution add NOR 250 --date 2025-02-01 --ref NO-1");
    let nor = json(&db, "--as-of 2025-06-30 statement NOR");
    assert_eq!(minor(&nor["balance"]), 0, "{nor}");
    assert_eq!(minor(&nor["credit"]), 5_000, "{nor}");
    // France paid 100.00 more than it owes: its credit, never a negative outstanding.
    let fra = json(&db, "--as-of 2025-06-30 statement FRA");
    assert_eq!(minor(&fra["balance"]), 0, "{fra}");
    assert_eq!(minor(&fra["credit"]), 10_000, "{fra}");
    assert_eq!(receivable(&db, "2025-06-30", "FRA"), 0);
    assert!(ok(&db, "verify").contains("no problems found"));
}

#[test]
fn verify_finds_positions_that_do_not_follow_the_rule() {
    let (_dir, db) = ledger();
    ok(&db, "assess 2025 --method equal --date 2025-01-10");
    ok(&db, "contribution add FRA 200 --date 2025-02-01 --ref FR-1");
    assert!(ok(&db, "verify").contains("no problems found"));
    // Behind the program's back: an entry moving France's payment from 2025 to its credit,
    // which no fact calls for.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let id = |name: &str| -> i64 {
            conn.query_row("SELECT id FROM account WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .unwrap_or_else(|_| {
                conn.execute(
                    "INSERT INTO account (name, type, created_at) VALUES (?1, 'liabilities', 'x')",
                    [name],
                )
                .unwrap();
                conn.last_insert_rowid()
            })
        };
        let receivable = id("assets:receivable:contributions:FRA");
        let prepaid = id("liabilities:prepaid:FRA");
        conn.execute(
            "INSERT INTO entry (entry_date, description, kind, budget_year, fund, party, content,
                                entered_at, entered_by)
             VALUES ('2025-02-02', 'moved', 'reapplication', 2025, 'isu', 'FRA', 'x', 'x', 'x')",
            [],
        )
        .unwrap();
        let entry = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO transfer (entry_id, debit_account_id, credit_account_id, amount_minor,
                                   currency)
             VALUES (?1, ?2, ?3, 5000, 'CHF')",
            [entry, receivable, prepaid],
        )
        .unwrap();
    }
    let output = isu(&db).args(["verify"]).output().unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("positions") && said.contains("FRA: on 2025-02-02"),
        "{said}"
    );
}

#[test]
fn a_budget_or_assessment_dated_after_the_start_of_its_year_is_accepted_with_a_notice() {
    let (_dir, db) = common::setup();
    ok(&db, "party add NOR --in-force 2010-08-01");
    for (line, notice) in [
        (
            "budget set 2025 --total 1000 --approved-on 2025-03-01",
            "notice: budget 2025 approved on 2025-03-01, after the start of its year",
        ),
        (
            "assess 2025 --method equal --date 2025-03-02",
            "notice: the 2025 assessment is dated 2025-03-02, after the start of its year",
        ),
    ] {
        let output = isu(&db).args(words(line)).output().unwrap();
        assert!(output.status.success(), "{line}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim_end(), notice, "{line}");
    }
}
