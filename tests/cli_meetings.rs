//! Meetings of States Parties through the real binary: the 7MSP documentation forecast of
//! the 27 June 2017 minutes (golden files), documents, and Article 14 cost sharing with its
//! true-up, State by State and meeting by meeting.

mod common;
mod costs_common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{isu, isu_ok, setup};
use costs_common::*;
use serde_json::Value;

/// Compares `actual` with `tests/golden/NAME`, or rewrites it with `UPDATE_GOLDEN=1`.
fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "read {} ({e}); create it with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "output differs from {}; if the change is deliberate, rerun with UPDATE_GOLDEN=1 and \
         review the diff",
        path.display()
    );
}

/// The demo ledger in a temporary directory.
fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    isu_ok(&db, &["demo"]);
    (dir, db)
}

#[test]
fn the_7msp_of_the_minutes_runs_25_pages_and_usd_29000_over_covered_by_the_ccm_fund() {
    let (_dir, db) = demo();
    let show = json(&db, "--as-of 2017-06-27 meeting show 7MSP");
    assert_eq!(show["documents_planned"], 9);
    assert_eq!(show["documents_submitted"], 7);
    assert_eq!(show["pages_allowed"], 150);
    assert_eq!(show["pages_forecast"], 175);
    assert_eq!(show["pages_over"], 25);
    assert_eq!(show["currency"], "USD");
    assert_eq!(minor(&show["estimate"]), 17_400_000);
    assert_eq!(minor(&show["forecast_cost"]), 20_300_000);
    assert_eq!(minor(&show["extra_cost"]), 2_900_000);
    assert_eq!(
        minor(&show["extra_cost"]),
        show["pages_over"].as_i64().unwrap() * minor(&show["per_page"])
    );
    assert_eq!(show["covered_by"], "ccm-fund");
    assert_eq!(show["covered"], true);
    let funds = json(&db, "--as-of 2017-06-27 fund list");
    let ccm = funds["funds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fund"] == "ccm-fund")
        .unwrap()
        .clone();
    assert_eq!(show["fund_balance"], ccm["balance"]);
    // Before the first documents were submitted.
    let early = json(&db, "--as-of 2017-06-01 meeting show 7MSP");
    assert_eq!(early["documents_submitted"], 0);
}

#[test]
fn golden_meeting_show_7msp_table() {
    let (_dir, db) = demo();
    assert_golden(
        "meeting-show-7MSP-2017-06-27.txt",
        &ok(&db, "--as-of 2017-06-27 meeting show 7MSP"),
    );
}

#[test]
fn golden_meeting_show_7msp_json() {
    let (_dir, db) = demo();
    let mut args = words("--as-of 2017-06-27 meeting show 7MSP");
    args.extend(["--format", "json"]);
    assert_golden("meeting-show-7MSP-2017-06-27.json", &isu_ok(&db, &args));
}

#[test]
fn the_demo_prints_the_7msp_after_the_status() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let out = isu_ok(&db, &["demo"]);
    let status = out
        .find("Funding status of the 2017 budget")
        .expect("status");
    let meeting = out
        .find("7MSP (Seventh Meeting of States Parties")
        .expect("meeting");
    assert!(status < meeting);
    assert_mentions(
        &out,
        &[
            "CHF 311'922.54",
            "68.0%",
            "7 of 9 planned",
            "25 pages over; USD 29'000.00 more than estimated; ccm-fund holds USD 52'340.00: covered",
        ],
    );
}

/// A ledger with a meeting of USD 100'000.00 and three participants: two States Parties
/// and a participating State not party.
fn ledger_with_meeting() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = setup();
    ok(&db, "party add DEU --in-force 2010-08-01");
    ok(&db, "party add FRA --in-force 2011-03-01");
    ok(&db, "party add USA --kind non-party");
    ok(
        &db,
        "meeting add 7MSP --name Seventh --date 2017-09-04 --estimate 100'000 --approved-by 6MSP",
    );
    (dir, db)
}

fn balances(db: &Path) -> (Value, BTreeMap<String, (i64, i64)>) {
    let report = json(db, "meeting balances 7MSP");
    let rows = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["party"].as_str().unwrap().to_string(),
                (minor(&r["billed"]), minor(&r["balance"])),
            )
        })
        .collect();
    (report, rows)
}

#[test]
fn article_14_shares_sum_exactly_to_the_estimate_and_then_to_the_actual() {
    let (dir, db) = ledger_with_meeting();
    let participants = dir.path().join("participants.csv");
    std::fs::write(&participants, "code\nDEU\nFRA\nUSA\n").unwrap();
    let p = participants.to_str().unwrap();
    let said = isu_ok(
        &db,
        &[
            "meeting",
            "assess",
            "7MSP",
            "--scale",
            "un-2016-2018",
            "--participants",
            p,
            "--date",
            "2017-07-01",
        ],
    );
    assert_mentions(&said, &["USD 100'000.00 shared among 3 participants"]);
    let (report, rows) = balances(&db);
    assert_eq!(minor(&report["billed_total"]), 10_000_000);
    assert_eq!(rows.values().map(|r| r.0).sum::<i64>(), 10_000_000);
    // Re-normalised over the participants: DEU 6.389, FRA 4.859, USA 22.000 of 33.248.
    let exact = |rate: i64| 10_000_000_i128 * i128::from(rate) / 33_248;
    for (party, rate) in [("DEU", 6_389), ("FRA", 4_859), ("USA", 22_000)] {
        let share = i128::from(rows[party].0);
        assert!((share - exact(rate)).abs() <= 1, "{party}: {share}");
    }
    assert_mentions(
        &refused_args(
            &db,
            &[
                "meeting",
                "assess",
                "7MSP",
                "--scale",
                "un-2016-2018",
                "--participants",
                p,
            ],
        ),
        &["already assessed"],
    );
    // The actual cost is lower: each State is credited pro rata; then higher.
    for (actual, actual_minor) in [
        ("99'999.99", 9_999_999),
        ("120'000.01", 12_000_001),
        ("0", 0),
    ] {
        ok(
            &db,
            &format!("meeting true-up 7MSP --actual {actual} --date 2017-12-01"),
        );
        let (report, rows) = balances(&db);
        assert_eq!(minor(&report["billed_total"]), actual_minor, "{actual}");
        assert_eq!(rows.values().map(|r| r.0).sum::<i64>(), actual_minor);
    }
    let verify = ok(&db, "verify");
    assert_mentions(&verify, &["no problems found"]);
}

#[test]
fn a_meeting_credit_never_reduces_another_states_meeting_arrears_nor_isu_arrears() {
    let (_dir, db) = ledger_with_meeting();
    ok(
        &db,
        "budget set 2017 --total 10'000 --approved-on 2016-09-07",
    );
    ok(
        &db,
        "contribution add DEU 1'000 --date 2017-02-01 --ref B-1",
    );
    ok(
        &db,
        "--as-of 2017-07-01 meeting assess 7MSP --scale un-2016-2018 --participants all-parties",
    );
    let (_, before) = balances(&db);
    assert_eq!(
        before.len(),
        2,
        "the non-party is not a State Party: {before:?}"
    );
    let isu_before = trial_balance(&db, "--as-of 2017-12-31 balance --year 2017")
        .into_iter()
        .filter(|(account, _, _)| !account.contains(":meetings"))
        .collect::<Vec<_>>();
    let status_before = json(&db, "--as-of 2017-12-31 status 2017");
    ok(
        &db,
        "meeting true-up 7MSP --actual 40'000 --date 2017-12-01",
    );
    let (_, after) = balances(&db);
    for (party, (billed, balance)) in &after {
        assert!(*balance < before[party].1, "{party} is credited");
        assert_eq!(
            billed, balance,
            "{party}: nothing paid, so it owes what it is billed"
        );
        assert!(*balance > 0, "{party}: a credit reduces only its own bill");
    }
    // Receivables are per State per meeting: each account holds one State's bill.
    let rows = trial_balance(&db, "--as-of 2017-12-31 balance --year 2017");
    for (party, (_, balance)) in &after {
        let account = format!("assets:receivable:meetings:7MSP:{party}");
        let found = rows
            .iter()
            .find(|(a, _, _)| *a == account)
            .expect("account");
        assert_eq!(found.2, *balance);
    }
    let isu_after = rows
        .into_iter()
        .filter(|(account, _, _)| !account.contains(":meetings"))
        .collect::<Vec<_>>();
    assert_eq!(isu_before, isu_after, "the ISU accounts are untouched");
    // `outstanding` and `statement` list each State's meeting account on its own.
    let outstanding = json(&db, "--as-of 2017-12-31 outstanding 2017");
    let meetings = outstanding["meetings"]
        .as_array()
        .expect("meeting balances");
    assert_eq!(meetings.len(), after.len());
    for row in meetings {
        let party = row["party"].as_str().unwrap();
        assert_eq!(row["meeting"], "7MSP");
        assert_eq!(minor(&row["balance"]), after[party].1, "{party}");
    }
    let statement = json(&db, "--as-of 2017-12-31 statement DEU");
    assert_eq!(statement["meetings"].as_array().unwrap().len(), 1);
    assert_eq!(statement["meetings"][0]["party"], "DEU");
    assert_mentions(
        &ok(&db, "--as-of 2017-12-31 statement FRA"),
        &["Meetings (Article 14)", "7MSP", "FRA"],
    );
    let status_after = json(&db, "--as-of 2017-12-31 status 2017");
    assert_eq!(status_before["by_party"], status_after["by_party"]);
    assert_eq!(status_before["received"], status_after["received"]);
}

#[test]
fn bad_meetings_and_documents_are_refused() {
    let (_dir, db) = ledger_with_meeting();
    assert_mentions(
        &refused(
            &db,
            "meeting add 8MSP --name Eighth --date 2018-09-03 --estimate -1",
        ),
        &["must not be negative", "USD -1.00"],
    );
    assert_mentions(
        &refused(
            &db,
            "meeting add 7MSP --name Again --date 2017-09-04 --estimate 1",
        ),
        &["meeting 7MSP already exists"],
    );
    assert_mentions(
        &refused_args(
            &db,
            &[
                "document",
                "add",
                "9MSP",
                "CCM/MSP/2019/1",
                "--title",
                "Agenda",
                "--pages-forecast",
                "4",
            ],
        ),
        &["unknown meeting '9MSP'", "meeting add 9MSP"],
    );
    ok(
        &db,
        "document add 7MSP CCM/MSP/2017/1 --title Agenda --pages-forecast 4",
    );
    assert_mentions(
        &refused(
            &db,
            "document add 7MSP CCM/MSP/2017/1 --title Other --pages-forecast 5",
        ),
        &["document CCM/MSP/2017/1 of meeting 7MSP already exists"],
    );
    assert_mentions(
        &refused(
            &db,
            "document add 7MSP CCM/MSP/2017/2 --title Agenda --pages-forecast -4",
        ),
        &["--pages-forecast must be 0 to", "-4"],
    );
    assert_mentions(
        &refused(
            &db,
            "document add 7MSP CCM/MSP/2017/2 --title Agenda --pages-forecast 4 --pages-actual -1",
        ),
        &["--pages-actual"],
    );
    assert_mentions(
        &refused(&db, "document add 7MSP CCM/MSP/2017/2 --title Agenda --pages-forecast 4 --submitted 2017-06-05 --translated 2017-06-01"),
        &["before it was submitted"],
    );
    assert_mentions(
        &refused(&db, "meeting rate 7MSP --per-page 0"),
        &["price per page must be positive"],
    );
    assert_mentions(
        &refused(&db, "meeting rate 7MSP --per-page 1'160 --languages 7"),
        &["languages must be 1 to 6"],
    );
    assert_mentions(
        &refused(&db, "meeting true-up 7MSP --actual 90'000"),
        &["has not been assessed yet", "meeting assess 7MSP"],
    );
    assert_mentions(
        &refused(
            &db,
            "meeting assess 7MSP --scale nowhere --participants all-parties",
        ),
        &["unknown scale 'nowhere'"],
    );
    assert_mentions(
        &refused(&db, "meeting show 9MSP"),
        &["unknown meeting '9MSP'"],
    );
    // A participant without a UN rate cannot be given a share from a file.
    ok(&db, "party add COK --in-force 2011-08-01");
    let dir = db.parent().unwrap();
    std::fs::write(dir.join("p.csv"), "code\nDEU\nCOK\n").unwrap();
    let output = isu(&db)
        .args([
            "meeting",
            "assess",
            "7MSP",
            "--scale",
            "un-2016-2018",
            "--participants",
            "p.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("COK has no positive rate"));
}

#[test]
fn meeting_show_follows_documents_and_rates() {
    let (_dir, db) = ledger_with_meeting();
    let show = json(&db, "meeting show 7MSP");
    assert_eq!(show["pages_allowed"], Value::Null, "no page rate yet");
    assert_mentions(&ok(&db, "meeting show 7MSP"), &["no page rate yet"]);
    ok(&db, "meeting rate 7MSP --per-page 1'000 --languages 6");
    ok(
        &db,
        "document add 7MSP A/1 --title Agenda --pages-forecast 60 --submitted 2017-06-01",
    );
    ok(
        &db,
        "document add 7MSP A/2 --title Report --pages-forecast 30 --pages-actual 35",
    );
    let show = json(&db, "--as-of 2017-06-30 meeting show 7MSP");
    assert_eq!(show["pages_allowed"], 100);
    assert_eq!(show["pages_forecast"], 95);
    assert_eq!(show["pages_over"], -5);
    assert_eq!(minor(&show["extra_cost"]), -500_000);
    assert_eq!(show["covered_by"], Value::Null);
    assert_eq!(show["documents_submitted"], 1);
    assert_mentions(
        &ok(&db, "--as-of 2017-06-30 meeting show 7MSP"),
        &["5 pages under the estimate", "within the estimate"],
    );
    ok(
        &db,
        "document add 7MSP A/3 --title Annex --pages-forecast 10",
    );
    let show = json(&db, "--as-of 2017-06-30 meeting show 7MSP");
    assert_eq!(show["pages_over"], 5);
    assert_eq!(show["covered"], false, "no fund holds USD");
}

#[test]
fn an_overpayment_for_one_meeting_never_hides_arrears_on_another_nor_on_the_isu_budget() {
    let (_dir, db) = ledger_with_meeting();
    ok(
        &db,
        "meeting add 8MSP --name Eighth --date 2018-09-03 --estimate 50'000",
    );
    ok(
        &db,
        "budget set 2017 --total 10'000 --approved-on 2016-09-07",
    );
    ok(&db, "--as-of 2017-01-01 assess 2017 --scale un-2016-2018");
    for meeting in ["7MSP", "8MSP"] {
        ok(&db, &format!("--as-of 2017-07-01 meeting assess {meeting} --scale un-2016-2018 --participants all-parties"));
    }
    let owed = |db: &Path| -> BTreeMap<(String, String), i64> {
        json(db, "--as-of 2018-12-31 outstanding 2018")["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    (
                        r["meeting"].as_str().unwrap().to_string(),
                        r["party"].as_str().unwrap().to_string(),
                    ),
                    minor(&r["balance"]),
                )
            })
            .collect()
    };
    let isu_owed = |db: &Path| json(db, "--as-of 2018-12-31 statement FRA")["balance"].clone();
    let before = owed(&db);
    let isu_before = isu_owed(&db);
    assert!(minor(&isu_before) > 0, "France owes its 2017 assessment");
    let fra_7msp = before[&("7MSP".to_string(), "FRA".to_string())];
    let paid = fra_7msp + 1_000_000;
    ok(
        &db,
        &format!(
            "meeting pay 7MSP FRA {}.{:02} --date 2017-08-01 --ref M-1",
            paid / 100,
            paid % 100
        ),
    );
    let after = owed(&db);
    assert_eq!(
        after[&("7MSP".to_string(), "FRA".to_string())],
        -1_000_000,
        "a credit"
    );
    for key in [("8MSP", "FRA"), ("7MSP", "DEU"), ("8MSP", "DEU")] {
        let key = (key.0.to_string(), key.1.to_string());
        assert_eq!(after[&key], before[&key], "{key:?} is untouched");
    }
    assert_eq!(isu_owed(&db), isu_before, "the ISU arrears are untouched");
    // The true-up still brings the bills, not the payments, to the actual cost.
    ok(
        &db,
        "meeting true-up 7MSP --actual 100'000 --date 2017-12-01",
    );
    let (report, _) = balances(&db);
    assert_eq!(minor(&report["billed_total"]), 10_000_000);
    assert_mentions(
        &refused(&db, "meeting pay 7MSP FRA 0"),
        &["a payment must be positive"],
    );
    assert_mentions(
        &refused(&db, "meeting pay 7MSP ESP 10"),
        &["unknown party 'ESP'"],
    );
}

#[test]
fn news_of_a_document_is_a_revision_and_the_forecast_follows_it() {
    let (_dir, db) = ledger_with_meeting();
    ok(&db, "meeting rate 7MSP --per-page 1'000");
    ok(
        &db,
        "document add 7MSP A/1 --title Report --pages-forecast 90",
    );
    let revisions = common::count(&db, "document_revision");
    ok(&db, "document update 7MSP A/1 --submitted 2017-06-20");
    ok(
        &db,
        "document update 7MSP A/1 --pages-actual 112 --translated 2017-07-10",
    );
    assert_eq!(common::count(&db, "document_revision"), revisions + 2);
    let june = json(&db, "--as-of 2017-06-30 meeting show 7MSP");
    assert_eq!(june["documents_submitted"], 1);
    assert_eq!(
        june["documents_translated"], 0,
        "translated after the report date"
    );
    assert_eq!(june["pages_forecast"], 112);
    assert_eq!(june["pages_over"], 12);
    assert_eq!(minor(&june["extra_cost"]), 1_200_000);
    assert_eq!(
        june["documents"][0]["pages_forecast"], 90,
        "the forecast is kept"
    );
    assert_mentions(
        &refused(&db, "document update 7MSP A/1"),
        &["nothing to update"],
    );
    assert_mentions(
        &refused(&db, "document update 7MSP A/9 --pages-actual 3"),
        &["has no document A/9"],
    );
    assert_mentions(
        &refused(&db, "document update 7MSP A/1 --pages-actual -3"),
        &["--pages-actual must be 0 to"],
    );
    assert_mentions(
        &refused(&db, "document update 7MSP A/1 --translated 2017-06-01"),
        &["before it was submitted"],
    );
}
