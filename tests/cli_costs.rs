//! Costs against budget lines, rates of exchange and funds, told through the real binary:
//! what is recorded, what the budget report and `status` show, and every refusal (exit 2,
//! one line, nothing written).

mod common;
mod costs_common;

use std::fs;

use common::count;
use costs_common::*;

#[test]
fn a_cost_counts_against_its_line_and_the_budget_report_equals_the_expense_accounts() {
    let (_dir, db) = ledger_with_budget();
    let said = ok(
        &db,
        "cost add staff 30'000 --date 2017-01-31 --ref C-1 --memo Salaries",
    );
    assert_mentions(
        &said,
        &["Cost: staff (budget line staff): Salaries", "CHF 30'000.00"],
    );
    ok(
        &db,
        "cost add translation 1'250.50 --date 2017-03-01 --ref C-2",
    );
    ok(
        &db,
        "cost add travel 900 --line communication --date 2017-04-01 --ref C-3",
    );
    ok(&db, "cost add travel 100 --date 2017-07-01 --ref C-4");

    let report = json(&db, "--as-of 2017-06-30 budget report 2017");
    let lines = report["lines"].as_array().unwrap();
    let line = |name: &str| {
        lines
            .iter()
            .find(|l| l["line"] == name)
            .unwrap_or_else(|| panic!("line {name}"))
    };
    assert_eq!(minor(&line("staff")["spent"]), 3_000_000);
    assert_eq!(minor(&line("communication")["spent"]), 125_050 + 90_000);
    assert_eq!(minor(&line("travel")["spent"]), 0, "dated after --as-of");
    assert_eq!(
        minor(&line("communication")["remaining"]),
        1_000_000 - 215_050
    );
    assert_eq!(minor(&report["budget_total"]), 10_000_000);
    let spent_total = minor(&report["spent_total"]);
    assert_eq!(
        spent_total,
        lines.iter().map(|l| minor(&l["spent"])).sum::<i64>()
    );
    assert_eq!(minor(&report["remaining_total"]), 10_000_000 - spent_total);

    let expenses: i64 = trial_balance(&db, "--as-of 2017-06-30 balance --year 2017")
        .iter()
        .filter(|(account, _, _)| account.starts_with("expenses:"))
        .map(|(_, currency, balance)| {
            assert_eq!(currency, "CHF");
            balance
        })
        .sum();
    assert_eq!(spent_total, expenses);

    let status = json(&db, "--as-of 2017-06-30 status 2017");
    assert_eq!(minor(&status["spending"]["spent"]), spent_total);
    assert_eq!(
        minor(&status["spending"]["balance_of_year"]),
        minor(&status["received"]) - spent_total
    );
    let table = ok(&db, "--as-of 2017-06-30 budget report 2017");
    assert_mentions(
        &table,
        &["communication", "2'150.50", "Total", "100'000.00"],
    );
}

#[test]
fn the_same_reference_twice_is_a_no_op_and_with_other_content_a_conflict() {
    let (_dir, db) = ledger_with_budget();
    ok(&db, "cost add staff 500 --date 2017-01-31 --ref C-1");
    let entries = count(&db, "entry");
    let again = ok(&db, "cost add staff 500 --date 2017-01-31 --ref C-1");
    assert_mentions(&again, &["already recorded", "nothing written"]);
    assert_eq!(count(&db, "entry"), entries);
    let message = refused(&db, "cost add staff 501 --date 2017-01-31 --ref C-1");
    assert_mentions(&message, &["C-1", "CHF 500.00", "CHF 501.00"]);
}

#[test]
fn a_usd_cost_uses_the_rate_in_force_on_its_date_and_says_which() {
    let (_dir, db) = ledger_with_budget();
    ok(&db, "rate set USD 0.997 --date 2017-03-01");
    ok(&db, "rate set USD 0.969 --date 2017-06-01");
    ok(
        &db,
        "fund opening isu 5'000 --currency USD --date 2016-12-31",
    );
    let said = ok(
        &db,
        "cost add travel 2'450 --currency USD --date 2017-06-12 --ref C-1",
    );
    // 2'450.00 x 0.969 = 2'374.05
    assert_mentions(
        &said,
        &[
            "CHF 2'374.05 (USD 2'450.00)",
            "in force from 2017-06-01",
            "0.969",
        ],
    );
    let said = ok(
        &db,
        "cost add travel 100 --currency USD --date 2017-05-31 --ref C-2",
    );
    assert_mentions(&said, &["CHF 99.70", "in force from 2017-03-01"]);
    let said = ok(
        &db,
        "cost add travel 100 --currency USD --rate 1.5 --date 2017-05-31 --ref C-3",
    );
    assert_mentions(&said, &["CHF 150.00"]);

    let report = json(&db, "--as-of 2017-12-31 budget report 2017");
    let travel = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line"] == "travel")
        .unwrap()
        .clone();
    assert_eq!(minor(&travel["spent"]), 237_405 + 9_970 + 15_000);
    assert_eq!(travel["paid_in_other_currencies"][0]["currency"], "USD");
    assert_eq!(
        minor(&travel["paid_in_other_currencies"][0]["amount"]),
        265_000
    );
    // Each currency balances after the conversions.
    for currency in ["CHF", "USD"] {
        let sum: i64 = trial_balance(&db, "--as-of 2017-12-31 balance")
            .iter()
            .filter(|(_, c, _)| c == currency)
            .map(|(_, _, b)| b)
            .sum();
        assert_eq!(sum, 0, "{currency} does not balance");
    }
    let verify = ok(&db, "verify");
    assert_mentions(&verify, &["no problems found"]);
}

#[test]
fn a_usd_contribution_without_rate_uses_the_rate_in_force() {
    let (_dir, db) = ledger_with_budget();
    ok(&db, "rate set USD 0.969 --date 2017-06-01");
    let said = ok(
        &db,
        "contribution add CHE 1'000 --currency USD --date 2017-06-02 --ref U-1",
    );
    assert_mentions(&said, &["CHF 969.00", "in force from 2017-06-01"]);
    let message = refused(
        &db,
        "contribution add CHE 1'000 --currency USD --date 2017-05-31 --ref U-2",
    );
    assert_mentions(&message, &["no rate of USD", "2017-05-31", "rate set USD"]);
}

#[test]
fn recording_the_same_rate_again_is_a_no_op_and_another_rate_for_the_day_is_refused() {
    let (_dir, db) = ledger_with_budget();
    ok(&db, "rate set USD 0.969 --date 2017-06-01");
    let before = count(&db, "exchange_rate");
    assert_mentions(
        &ok(&db, "rate set USD 0.969 --date 2017-06-01"),
        &["nothing written"],
    );
    assert_eq!(count(&db, "exchange_rate"), before);
    let message = refused(&db, "rate set USD 0.97 --date 2017-06-01");
    assert_mentions(&message, &["already recorded", "0.969"]);
    ok(&db, "rate set USD 0.997 --date 2017-03-01");
    let list = json(&db, "--as-of 2017-05-31 rate list");
    let rows = list["rates"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["rate"], "0.997");
    assert_eq!(rows[0]["in_force"], true);
    assert_eq!(rows[1]["in_force"], false);
}

#[test]
fn cost_import_is_all_or_nothing_and_names_the_bad_row() {
    let (dir, db) = ledger_with_budget();
    let file = dir.path().join("costs.csv");
    fs::write(
        &file,
        "date,category,amount,ref,line\n\
         2017-01-31,staff,100.00,I-1,\n\
         2017-02-28,staff,100.00,I-2,\n\
         2017-03-31,staff,100.00,I-3,printing\n",
    )
    .unwrap();
    let message = refused_args(&db, &["cost", "import", file.to_str().unwrap()]);
    assert_mentions(&message, &["costs.csv:4", "unknown budget line 'printing'"]);
    fs::write(
        &file,
        "date,category,amount,ref,currency,memo\n\
         2017-01-31,staff,100.00,I-1,CHF,January\n\
         2017-02-28,travel,100.00,I-1,CHF,February\n",
    )
    .unwrap();
    let message = refused_args(&db, &["cost", "import", file.to_str().unwrap()]);
    assert_mentions(&message, &["costs.csv:3", "appears twice"]);
    fs::write(
        &file,
        "date,category,amount,ref\n2017-01-31,staff,100.00,I-1\n2017-02-28,travel,50.00,I-2\n",
    )
    .unwrap();
    let said = isu_import(&db, &file);
    assert_mentions(&said, &["2 costs recorded", "0 already recorded"]);
    let said = isu_import(&db, &file);
    assert_mentions(&said, &["0 costs recorded", "2 already recorded"]);
}

fn isu_import(db: &std::path::Path, file: &std::path::Path) -> String {
    common::isu_ok(db, &["cost", "import", file.to_str().unwrap()])
}

#[test]
fn bad_costs_are_refused() {
    let (_dir, db) = ledger_with_budget();
    assert_mentions(
        &refused(&db, "cost add staff 10 --line lunches --date 2017-01-31"),
        &[
            "unknown budget line 'lunches'",
            "staff, travel, communication",
        ],
    );
    assert_mentions(
        &refused(&db, "cost add lunches 10 --date 2017-01-31"),
        &["unknown cost category 'lunches'", "translation"],
    );
    assert_mentions(
        &refused(&db, "cost add other 10 --date 2017-01-31"),
        &["no default budget line", "--line"],
    );
    assert_mentions(
        &refused(&db, "cost add staff 10 --date 2018-01-31"),
        &["no budget with lines for 2018"],
    );
    assert_mentions(
        &refused(&db, "cost add staff 10 --currency USD --date 2017-01-31"),
        &["no rate of USD", "on or before 2017-01-31"],
    );
    assert_mentions(
        &refused(
            &db,
            "cost add staff 10 --currency USD --rate 0 --date 2017-01-31",
        ),
        &["rate '0' must be greater than zero"],
    );
    assert_mentions(
        &refused(
            &db,
            "cost add staff 10 --currency USD --rate -0.9 --date 2017-01-31",
        ),
        &["rate '-0.9' must be greater than zero"],
    );
    assert_mentions(
        &refused(&db, "cost add staff -10 --date 2017-01-31"),
        &["must be positive"],
    );
    assert_mentions(
        &refused(&db, "cost add staff 10 --fund nowhere --date 2017-01-31"),
        &["unknown fund 'nowhere'", "ccm-fund"],
    );
    assert_mentions(
        &refused(&db, "rate set USD 0 --date 2017-01-01"),
        &["must be greater than zero"],
    );
    assert_mentions(
        &refused(&db, "rate set USD -1 --date 2017-01-01"),
        &["must be greater than zero"],
    );
    assert_mentions(&refused(&db, "rate set CHF 1 --date 2017-01-01"), &["CHF"]);
}

#[test]
fn a_fund_that_cannot_cover_a_cost_refuses_it_unless_a_deficit_is_allowed() {
    let (_dir, db) = ledger_with_budget();
    // The isu fund holds CHF 70'000.00.
    let message = refused(&db, "cost add staff 70'000.01 --date 2017-01-31");
    assert_mentions(
        &message,
        &[
            "fund isu holds CHF 70'000.00",
            "short by CHF 0.01",
            "--allow-deficit",
        ],
    );
    ok(&db, "cost add staff 70'000.00 --date 2017-01-31");
    ok(&db, "cost add travel 10 --date 2017-02-01 --allow-deficit");
    let funds = json(&db, "--as-of 2017-12-31 fund list");
    let isu = funds["funds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fund"] == "isu")
        .unwrap()
        .clone();
    assert_eq!(minor(&isu["balance"]), -1_000);
    // A USD cost needs USD in the fund.
    assert_mentions(
        &refused(
            &db,
            "cost add travel 10 --currency USD --rate 1 --date 2017-02-01",
        ),
        &["fund isu holds USD 0.00"],
    );
}

#[test]
fn funds_are_declared_listed_and_moved_between_and_their_balances_equal_their_entries() {
    let (_dir, db) = ledger_with_budget();
    assert_mentions(
        &ok(&db, "fund add reserve --name Reserve --currency CHF"),
        &["added fund reserve"],
    );
    assert_mentions(
        &refused(&db, "fund add reserve --name Other"),
        &["fund reserve already exists (Reserve)"],
    );
    ok(
        &db,
        "fund transfer isu reserve 20'000 --reason Reserve --date 2017-03-01 --ref T-1",
    );
    let again = ok(
        &db,
        "fund transfer isu reserve 20'000 --reason Reserve --date 2017-03-01 --ref T-1",
    );
    assert_mentions(&again, &["already recorded", "nothing written"]);
    ok(&db, "fund opening ccm-fund 52'340 --date 2016-12-31");
    ok(
        &db,
        "cost add meetings 1'000 --currency USD --rate 1 --fund ccm-fund --date 2017-05-01",
    );
    assert_mentions(
        &refused(
            &db,
            "fund transfer isu reserve 50'000.01 --reason Too --date 2017-03-02",
        ),
        &["fund isu holds CHF 50'000.00", "short by CHF 0.01"],
    );
    assert_mentions(
        &refused(&db, "fund transfer isu nowhere 1 --reason X"),
        &["unknown fund 'nowhere'"],
    );
    assert_mentions(
        &refused(&db, "fund transfer nowhere isu 1 --reason X"),
        &["unknown fund 'nowhere'"],
    );
    assert_mentions(
        &refused(&db, "fund transfer isu isu 1 --reason X"),
        &["two different funds"],
    );
    assert_mentions(
        &refused(&db, "fund transfer isu reserve 0 --reason X"),
        &["positive"],
    );

    let list = json(&db, "--as-of 2017-12-31 fund list");
    let balance = |code: &str| {
        list["funds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fund"] == code)
            .map(|f| minor(&f["balance"]))
            .unwrap()
    };
    assert_eq!(balance("isu"), 5_000_000);
    assert_eq!(balance("reserve"), 2_000_000);
    assert_eq!(balance("ccm-fund"), 5_134_000);
    // Each fund's balance is the sum of its entries' bank legs.
    let journal = json(&db, "--as-of 2017-12-31 journal");
    for fund in ["isu", "reserve", "ccm-fund", "meetings", "sponsorship"] {
        let currency = if fund == "ccm-fund" || fund == "meetings" {
            "USD"
        } else {
            "CHF"
        };
        let bank = format!("assets:bank:{}", currency.to_lowercase());
        let mut sum = 0;
        for entry in journal["entries"].as_array().unwrap() {
            if entry["fund"] != fund {
                continue;
            }
            for transfer in entry["transfers"].as_array().unwrap() {
                if transfer["currency"] != currency {
                    continue;
                }
                if transfer["debit"] == bank.as_str() {
                    sum += minor(&transfer["amount"]);
                }
                if transfer["credit"] == bank.as_str() {
                    sum -= minor(&transfer["amount"]);
                }
            }
        }
        assert_eq!(balance(fund), sum, "fund {fund}");
    }
    let table = ok(&db, "--as-of 2017-12-31 fund list");
    assert_mentions(&table, &["ccm-fund", "51'340.00", "reserve", "20'000.00"]);
}

#[test]
fn a_reversed_cost_no_longer_counts_against_its_line() {
    let (_dir, db) = ledger_with_budget();
    ok(
        &db,
        "cost add translation 1'000 --date 2017-03-01 --ref C-1",
    );
    ok(&db, "cost add translation 500 --date 2017-03-02 --ref C-2");
    let entry = json(&db, "--as-of 2017-12-31 journal")["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reference"] == "C-1")
        .unwrap()["id"]
        .to_string();
    let spent = |as_of: &str| {
        let report = json(&db, &format!("--as-of {as_of} budget report 2017"));
        report["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["line"] == "communication")
            .map(|l| minor(&l["spent"]))
            .unwrap()
    };
    assert_eq!(spent("2017-03-31"), 150_000);
    ok(
        &db,
        &format!("reverse {entry} --reason Duplicate --date 2017-04-02"),
    );
    assert_eq!(spent("2017-04-01"), 150_000, "before the reversal");
    assert_eq!(spent("2017-04-02"), 50_000);
    let status = json(&db, "--as-of 2017-04-02 status 2017");
    assert_eq!(minor(&status["spending"]["spent"]), 50_000);
}
