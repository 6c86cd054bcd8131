//! Article 7 transparency reports through the real binary: the due dates the settings' rule
//! gives, recording reports (once; a correction by reversal), importing a file all or
//! nothing, `transparency status` in JSON field by field and as a table and CSV, every bad
//! input refused with nothing written, `verify` on a ledger with reports, the reminder
//! letters of reports in English, French and Spanish (against golden files under
//! `tests/golden/letters/`, `UPDATE_GOLDEN=1` to rewrite them), and the order in which
//! reports are recorded making no difference to the status.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_golden_letters, count, dump, isu, isu_ok, refused, setup};
use proptest::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&isu_ok(db, &all)).expect("JSON output")
}

/// Five States Parties and a signatory (CCM rule, convention in force 1 August 2010):
/// - AUT deposited 2009-04-02: in force 2010-08-01, initial report due 2011-01-28;
/// - BEL deposited 2009-12-22: in force 2010-08-01 too;
/// - BGR deposited 2011-04-08: in force 2011-10-01, initial due 2012-03-29;
/// - FRA deposited 2009-09-25: in force 2010-08-01;
/// - ZAF deposited 2015-05-28: in force 2015-11-01, initial due 2016-04-29;
/// - MRT deposited 2016-06-15 (in force 2016-12-01, initial due 2017-05-30): owes nothing
///   for 2016;
/// - USA: a non-party.
fn ledger() -> (TempDir, PathBuf) {
    let (dir, db) = setup();
    for (code, deposited) in [
        ("AUT", "2009-04-02"),
        ("BEL", "2009-12-22"),
        ("BGR", "2011-04-08"),
        ("FRA", "2009-09-25"),
        ("ZAF", "2015-05-28"),
        ("MRT", "2016-06-15"),
    ] {
        isu_ok(&db, &["party", "add", code, "--deposited", deposited]);
    }
    isu_ok(&db, &["party", "add", "USA", "--kind", "non-party"]);
    (dir, db)
}

fn record(db: &Path, party: &str, period: &str, submitted: &str) -> String {
    isu_ok(
        db,
        &[
            "--as-of",
            "2017-06-27",
            "transparency",
            "record",
            party,
            "--period",
            period,
            "--submitted",
            submitted,
        ],
    )
}

/// AUT on time, BEL late, FRA after the day of the report (so missing on it), BGR and ZAF
/// missing, MRT not yet due; initial reports in from AUT, BEL and FRA only.
fn hand_made() -> (TempDir, PathBuf) {
    let (dir, db) = ledger();
    record(&db, "AUT", "2016", "2017-04-30");
    record(&db, "BEL", "2016", "2017-05-02");
    record(&db, "FRA", "2016", "2017-06-28");
    record(&db, "AUT", "initial", "2011-01-27");
    record(&db, "BEL", "initial", "2011-02-01");
    record(&db, "FRA", "initial", "2011-08-01");
    (dir, db)
}

#[test]
fn the_status_of_a_round_field_by_field() {
    let (_dir, db) = hand_made();
    let status = json(
        &db,
        &["--as-of", "2017-06-27", "transparency", "status", "2016"],
    );
    let keys: Vec<&str> = status
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        vec![
            "year",
            "as_of",
            "due",
            "submitted",
            "submitted_on_time",
            "rate_percent",
            "missing",
            "initial_overdue"
        ]
    );
    assert_eq!(status["year"], 2016);
    assert_eq!(status["as_of"], "2017-06-27");
    // AUT, BEL, BGR, FRA, ZAF owe the 2016 update; MRT does not (its initial report falls
    // due in 2017); USA is no State Party.
    assert_eq!(status["due"], 5);
    assert_eq!(status["submitted"], 2);
    assert_eq!(status["submitted_on_time"], 1);
    // 2 of 5.
    assert_eq!(status["rate_percent"].to_string(), "40.00");
    let missing = status["missing"].as_array().unwrap();
    let item = |m: &Value| {
        (
            m["party"].as_str().unwrap().to_string(),
            m["name"].as_str().unwrap().to_string(),
            m["due_on"].as_str().unwrap().to_string(),
            m["days_overdue"].as_i64().unwrap(),
        )
    };
    let row = |p: &str, n: &str, d: &str, days: i64| (p.into(), n.into(), d.into(), days);
    // 30 April to 27 June 2017: 58 days.
    assert_eq!(
        missing.iter().map(item).collect::<Vec<_>>(),
        vec![
            row("BGR", "Bulgaria", "2017-04-30", 58),
            row("FRA", "France", "2017-04-30", 58),
            row("ZAF", "South Africa", "2017-04-30", 58),
        ]
    );
    for m in missing {
        assert_eq!(m.as_object().unwrap().len(), 4, "{m}");
    }
    // Initial reports: BGR due 2012-03-29 (1'916 days before), ZAF 2016-04-29 (424), MRT
    // 2017-05-30 (28).
    assert_eq!(
        status["initial_overdue"]
            .as_array()
            .unwrap()
            .iter()
            .map(item)
            .collect::<Vec<_>>(),
        vec![
            row("BGR", "Bulgaria", "2012-03-29", 1916),
            row("ZAF", "South Africa", "2016-04-29", 424),
            row("MRT", "Mauritania", "2017-05-30", 28),
        ]
    );
    // The next day FRA's update counts, late.
    let next = json(
        &db,
        &["--as-of", "2017-06-28", "transparency", "status", "2016"],
    );
    assert_eq!(
        (&next["submitted"], &next["submitted_on_time"]),
        (&Value::from(3), &Value::from(1))
    );
    assert_eq!(next["rate_percent"].to_string(), "60.00");
}

#[test]
fn the_status_as_a_table_and_csv() {
    let (_dir, db) = hand_made();
    let table = isu_ok(
        &db,
        &["--as-of", "2017-06-27", "transparency", "status", "2016"],
    );
    assert!(
        table.contains(
            "5 States Parties owe the annual update for 2016, due 2017-04-30; 2 submitted by \
             2017-06-27 (1 on time, 1 late): 40.0%."
        ),
        "{table}"
    );
    assert!(table.contains("3 annual updates not in; 3 initial reports overdue."));
    let lines: Vec<&str> = table.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(lines.len(), 2 + 6, "{table}");
    let width = lines[0].chars().count();
    assert!(lines.iter().all(|l| l.chars().count() == width), "{table}");
    let csv = isu_ok(
        &db,
        &[
            "--as-of",
            "2017-06-27",
            "--format",
            "csv",
            "transparency",
            "status",
            "2016",
        ],
    );
    let csv_lines: Vec<&str> = csv.lines().collect();
    assert_eq!(csv_lines[0], "Report,Party,Name,Due on,Days overdue");
    assert_eq!(csv_lines[1], "2016,BGR,Bulgaria,2017-04-30,58");
    assert_eq!(csv_lines[6], "initial,MRT,Mauritania,2017-05-30,28");
    assert_eq!(csv_lines.len(), 7);
    // The year defaults to the one before --as-of's.
    assert_eq!(
        isu_ok(&db, &["--as-of", "2017-06-27", "transparency", "status"]),
        table
    );
}

#[test]
fn due_dates_follow_the_rule_of_the_settings() {
    let (_dir, db) = setup();
    // Deposited 28 May 2010: in force 1 November 2010; initial report 30 April 2011.
    isu_ok(&db, &["party", "add", "AUT", "--deposited", "2010-05-28"]);
    // Deposited 30 April 2013: in force 1 October 2013; initial report 30 March 2014.
    isu_ok(&db, &["party", "add", "BEL", "--deposited", "2013-04-30"]);
    let initial = |db: &Path| -> Vec<(String, String)> {
        json(db, &["--as-of", "2017-06-27", "transparency", "status"])["initial_overdue"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["party"].as_str().unwrap().to_string(),
                    m["due_on"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        initial(&db),
        vec![
            ("AUT".to_string(), "2011-04-30".to_string()),
            ("BEL".to_string(), "2014-03-30".to_string())
        ]
    );
    isu_ok(&db, &["settings", "set", "initial_report_days", "365"]);
    isu_ok(&db, &["settings", "set", "annual_report_due", "06-30"]);
    assert_eq!(
        initial(&db),
        vec![
            ("AUT".to_string(), "2011-11-01".to_string()),
            ("BEL".to_string(), "2014-10-01".to_string())
        ]
    );
    let status = json(&db, &["--as-of", "2017-06-27", "transparency", "status"]);
    assert_eq!(status["missing"][0]["due_on"], "2017-06-30");
    assert_eq!(status["missing"][0]["days_overdue"], 0);
    // Settings are checked.
    refused(&db, &["settings", "set", "annual_report_due", "02-29"]);
    refused(&db, &["settings", "set", "annual_report_due", "April 30"]);
    refused(&db, &["settings", "set", "initial_report_days", "0"]);
    let (dir2, db2) = {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("other.sqlite");
        isu_ok(&db, &["init", "--set", "initial_report_days=90"]);
        (dir, db)
    };
    isu_ok(&db2, &["party", "add", "AUT", "--deposited", "2010-05-28"]);
    let refused_db = dir2.path().join("refused.sqlite");
    let message =
        common::refusal(isu(&refused_db).args(["init", "--set", "annual_report_due=13-01"]));
    assert!(message.contains("annual_report_due"), "{message}");
    assert!(!refused_db.exists());
    assert_eq!(
        initial(&db2),
        vec![("AUT".to_string(), "2011-01-30".to_string())]
    );
}

/// The first annual update covers the year in which the initial report falls due: in force
/// on 1 February 2016 a State owes the update for 2016; in force on 1 December 2016 it owes
/// none for 2016, and the update for 2017.
#[test]
fn the_first_annual_update_follows_the_initial_report() {
    let (_dir, db) = setup();
    isu_ok(&db, &["party", "add", "AUT", "--in-force", "2016-02-01"]);
    isu_ok(&db, &["party", "add", "BEL", "--in-force", "2016-12-01"]);
    let due = |year: &str| -> Vec<String> {
        let status = json(
            &db,
            &["--as-of", "2018-06-30", "transparency", "status", year],
        );
        status["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| format!("{} {}", m["party"], m["due_on"]))
            .collect()
    };
    assert_eq!(due("2016"), vec!["\"AUT\" \"2017-04-30\""]);
    assert_eq!(
        due("2017"),
        vec!["\"AUT\" \"2018-04-30\"", "\"BEL\" \"2018-04-30\""]
    );
    // BEL's annual update for 2016 is not owed; it may still be recorded, and counts nowhere.
    isu_ok(
        &db,
        &[
            "--as-of",
            "2018-06-30",
            "transparency",
            "record",
            "BEL",
            "--period",
            "2016",
            "--submitted",
            "2017-03-01",
        ],
    );
    assert_eq!(due("2016"), vec!["\"AUT\" \"2017-04-30\""]);
}

#[test]
fn a_report_is_recorded_once_and_corrected_by_reversal() {
    let (_dir, db) = ledger();
    assert_eq!(
        record(&db, "AUT", "2016", "2017-04-30"),
        "recorded AUT's annual update for 2016, submitted on 2017-04-30\n"
    );
    let before = dump(&db);
    assert_eq!(
        record(&db, "AUT", "2016", "2017-04-30"),
        "AUT's annual update for 2016, submitted on 2017-04-30, is already recorded; nothing \
         written\n"
    );
    assert_eq!(dump(&db), before);
    let message = refused(
        &db,
        &[
            "--as-of",
            "2017-06-27",
            "transparency",
            "record",
            "AUT",
            "--period",
            "2016",
            "--submitted",
            "2017-05-30",
        ],
    );
    assert!(message.contains("already recorded as submitted on 2017-04-30"));
    assert!(message.contains("transparency reverse AUT --period 2016"));
    isu_ok(
        &db,
        &[
            "transparency",
            "reverse",
            "AUT",
            "--period",
            "2016",
            "--reason",
            "the date of the acknowledgement, not of the report",
        ],
    );
    let status = json(
        &db,
        &["--as-of", "2017-06-27", "transparency", "status", "2016"],
    );
    assert_eq!(status["submitted"], 0);
    record(&db, "AUT", "2016", "2017-05-30");
    let status = json(
        &db,
        &["--as-of", "2017-06-27", "transparency", "status", "2016"],
    );
    assert_eq!(
        (&status["submitted"], &status["submitted_on_time"]),
        (&1.into(), &0.into())
    );
    // Reversing again finds only the new one; a third time, nothing.
    let reverse = [
        "transparency",
        "reverse",
        "AUT",
        "--period",
        "2016",
        "--reason",
        "again",
    ];
    isu_ok(&db, &reverse);
    assert!(refused(&db, &reverse).contains("AUT has no annual update for 2016 recorded"));
    assert!(refused(
        &db,
        &[
            "transparency",
            "reverse",
            "AUT",
            "--period",
            "2015",
            "--reason",
            " "
        ]
    )
    .contains("reason"));
    let list = json(&db, &["transparency", "list", "--party", "AUT"]);
    let reports = list["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["submitted_on"], "2017-04-30");
    assert_eq!(reports[0]["due_on"], "2017-04-30");
    assert_eq!(
        reports[0]["reversed"],
        "the date of the acknowledgement, not of the report"
    );
    assert_eq!(reports[1]["reversed"], "again");
    assert_eq!(count(&db, "transparency_report"), 2);
    assert_eq!(count(&db, "transparency_reversal"), 2);
    let verify = isu(&db).arg("verify").output().unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

#[test]
fn every_bad_input_is_refused_with_nothing_written() {
    let (_dir, db) = hand_made();
    let head = isu_ok(&db, &["verify"]);
    let cases: &[(&[&str], &str)] = &[
        // Before the State's entry into force (BGR: 2011-10-01).
        (
            &["--period", "initial", "--submitted", "2011-09-30", "BGR"],
            "before the Convention entered into force for it on 2011-10-01",
        ),
        // On the last day of the year covered.
        (
            &["--period", "2016", "--submitted", "2016-12-31", "BGR"],
            "the year it covers ends on 2016-12-31",
        ),
        // A year still running on the day submitted.
        (
            &["--period", "2017", "--submitted", "2017-06-01", "BGR"],
            "the year it covers ends on 2017-12-31",
        ),
        // A year after --as-of's.
        (
            &["--period", "2018", "--submitted", "2019-01-02", "BGR"],
            "has not even begun",
        ),
        (
            &["--period", "2016", "--submitted", "2017-05-01", "XYZ"],
            "unknown party 'XYZ'",
        ),
        (
            &["--period", "2016", "--submitted", "2017-05-01", "CHE"],
            "unknown party 'CHE'",
        ),
        (
            &["--period", "2016", "--submitted", "2017-05-01", "USA"],
            "not a State Party",
        ),
        (
            &["--period", "2016", "--submitted", "2017-02-30", "BGR"],
            "invalid date '2017-02-30'",
        ),
        (
            &["--period", "2016", "--submitted", "30/04/2017", "BGR"],
            "invalid date",
        ),
        (
            &["--period", "first", "--submitted", "2017-05-01", "BGR"],
            "'first' is not a report period",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["--as-of", "2017-06-27", "transparency", "record"];
        all.extend_from_slice(args);
        let message = refused(&db, &all);
        assert!(message.contains(expected), "{all:?}: {message}");
    }
    assert_eq!(isu_ok(&db, &["verify"]), head);
}

#[test]
fn an_import_is_all_or_nothing() {
    let (dir, db) = ledger();
    let good = dir.path().join("reports.csv");
    fs::write(
        &good,
        "party,period,submitted,symbol\n\
         AUT,2016,2017-04-28,CCM/ART7/2016/AUT\n\
         BEL,initial,2011-01-20,\n\
         AUT,2016,2017-04-28,CCM/ART7/2016/AUT\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.csv");
    fs::write(
        &bad,
        "party,period,submitted\n\
         BGR,2016,2017-04-28\n\
         ZAF,2016,2016-12-01\n",
    )
    .unwrap();
    let message = refused(&db, &["transparency", "import", bad.to_str().unwrap()]);
    assert!(
        message
            .contains("bad.csv:3: ZAF's annual update for 2016 cannot be submitted on 2016-12-01"),
        "{message}"
    );
    assert_eq!(
        isu_ok(&db, &["transparency", "import", good.to_str().unwrap()]),
        format!(
            "recorded 2 reports from {} (1 already recorded)\n",
            good.display()
        )
    );
    assert_eq!(
        isu_ok(&db, &["transparency", "import", good.to_str().unwrap()]),
        format!(
            "recorded 0 reports from {} (3 already recorded)\n",
            good.display()
        )
    );
    let list = json(&db, &["transparency", "list"]);
    assert_eq!(list["reports"][0]["symbol"], "CCM/ART7/2016/AUT");
    assert_eq!(count(&db, "transparency_report"), 2);
}

/// The same reports, recorded in two orders (a mistaken report and its reversal kept in
/// order, before the right one), give the same status on every day and for every round.
mod order {
    use super::*;
    use isu_ledger::app::transparency::ReportInput;
    use isu_ledger::app::{Actor, Books};
    use isu_ledger::domain::party::PartyInput;
    use isu_ledger::domain::transparency::Period;

    const CODES: [&str; 5] = ["AUT", "BEL", "BGR", "FRA", "ZAF"];

    #[derive(Debug, Clone)]
    struct Report {
        party: usize,
        period: Option<i32>,
        /// Days after the earliest day it may be submitted.
        days: u64,
        /// Recorded first with a wrong date, reversed, then right.
        mistaken: bool,
    }

    fn actor() -> Actor {
        Actor {
            user: "test".into(),
            at: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn in_force(party: usize) -> chrono::NaiveDate {
        [
            day(2010, 8, 1),
            day(2011, 2, 1),
            day(2011, 10, 1),
            day(2012, 12, 1),
            day(2013, 6, 1),
        ][party]
    }

    fn submitted(report: &Report) -> chrono::NaiveDate {
        let earliest = match report.period {
            None => in_force(report.party),
            Some(year) => day(year + 1, 1, 1),
        };
        earliest + chrono::Days::new(report.days)
    }

    fn statuses(dir: &Path, name: &str, order: &[Report]) -> Vec<String> {
        let (mut books, _) = Books::create(&dir.join(name)).unwrap();
        for (i, code) in CODES.iter().enumerate() {
            books
                .add_party_from(
                    actor(),
                    PartyInput {
                        code: code.to_string(),
                        in_force_on: Some(in_force(i)),
                        ..PartyInput::default()
                    },
                )
                .unwrap();
        }
        let as_of = day(2020, 6, 30);
        for report in order {
            let input = |on| ReportInput {
                party: CODES[report.party].parse().unwrap(),
                period: report.period.map_or(Period::Initial, Period::Annual),
                submitted_on: on,
                symbol: None,
            };
            let on = submitted(report);
            if report.mistaken {
                let wrong = on + chrono::Days::new(3);
                books
                    .record_transparency_report(actor(), input(wrong), as_of)
                    .unwrap();
                books
                    .reverse_transparency_report(
                        actor(),
                        &input(on).party,
                        input(on).period,
                        "wrong date",
                    )
                    .unwrap();
            }
            books
                .record_transparency_report(actor(), input(on), as_of)
                .unwrap();
        }
        let mut out = Vec::new();
        for year in 2012..=2019 {
            for as_of in [day(year + 1, 4, 30), day(year + 1, 9, 1), day(2020, 6, 30)] {
                let status = books.transparency_status(year, as_of).unwrap();
                out.push(serde_json::to_string(&status).unwrap());
            }
        }
        // The list of reports, but for the numbers they were recorded under.
        let mut list = serde_json::to_value(books.transparency_reports(None).unwrap()).unwrap();
        for report in list["reports"].as_array_mut().unwrap() {
            report.as_object_mut().unwrap().remove("id");
        }
        out.push(list.to_string());
        out
    }

    fn reports() -> impl Strategy<Value = Vec<Report>> {
        proptest::collection::btree_map(
            (0..CODES.len(), proptest::option::of(2011i32..=2019)),
            (0u64..500, any::<bool>()),
            0..25,
        )
        .prop_map(|map| {
            map.into_iter()
                .map(|((party, period), (days, mistaken))| Report {
                    party,
                    period: period.filter(|&y| day(y, 1, 1) >= in_force(party)),
                    days,
                    mistaken,
                })
                .collect::<Vec<_>>()
        })
        .prop_map(|mut reports| {
            // One report per party and period.
            reports.sort_by_key(|r| (r.party, r.period));
            reports.dedup_by_key(|r| (r.party, r.period));
            reports
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(16)
        ))]

        #[test]
        fn the_status_and_the_list_are_the_same_in_any_order_of_recording(
            (reports, permuted) in reports().prop_flat_map(|r| {
                let shuffled = Just(r.clone()).prop_shuffle();
                (Just(r), shuffled)
            })
        ) {
            let dir = tempfile::tempdir().unwrap();
            let first = statuses(dir.path(), "a.sqlite", &reports);
            let second = statuses(dir.path(), "b.sqlite", &permuted);
            prop_assert_eq!(first, second);
        }
    }
}

/// The 2017 example: on 27 June 2017, 44 annual updates for 2016 are in (the minutes'
/// figure), and Bulgaria, Guinea-Bissau and South Africa are among those missing; the
/// funding status is what it was.
#[test]
fn the_demo_counts_the_reports_of_the_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    isu_ok(&db, &["demo"]);
    let status = json(
        &db,
        &["--as-of", "2017-06-27", "transparency", "status", "2016"],
    );
    assert_eq!(status["submitted"], 44);
    assert_eq!(status["due"], 98);
    let missing: Vec<&str> = status["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["party"].as_str().unwrap())
        .collect();
    for code in ["BGR", "GNB", "ZAF"] {
        assert!(missing.contains(&code), "{code} in {missing:?}");
    }
    assert_eq!(missing.len(), 98 - 44);
    let funding = json(&db, &["--as-of", "2017-06-27", "status", "2017"]);
    assert_eq!(funding["contributors"], 34);
    assert_eq!(funding["received"], "311922.54");
    let verify = isu(&db).arg("verify").output().unwrap();
    assert!(verify.status.success());
}

/// A ledger of schema version 9 with a letter recorded as sent: the transparency migration
/// (11) rebuilds `letter_sent` with its rows as they were, so the chain still holds with the same
/// head, and the tables of transparency reports are added.
#[test]
fn a_ledger_of_the_previous_schema_migrates_with_its_chain_intact() {
    let (dir, db) = ledger();
    let out = dir.path().join("letters");
    isu_ok(
        &db,
        &[
            "--as-of",
            "2017-06-27",
            "letters",
            "statement",
            "--party",
            "AUT",
            "--out",
            out.to_str().unwrap(),
            "--record",
        ],
    );
    let head = |db: &Path| -> String {
        isu_ok(db, &["verify"])
            .lines()
            .find(|l| l.starts_with("Chain:"))
            .unwrap()
            .to_string()
    };
    let before = head(&db);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, 12, "the time-line migration is the last");
        // letter_sent as migration 8 made it: kinds without 'report'.
        conn.execute_batch(
            "DROP TABLE task_change;
             DROP TABLE task;
             DROP TABLE document_due;
             DROP TABLE meeting_detail;
             DROP TABLE transparency_reversal;
             DROP TABLE transparency_report;
             CREATE TABLE letter_sent_old (
                 id          INTEGER PRIMARY KEY,
                 kind        TEXT NOT NULL
                             CHECK (kind IN ('reminder', 'receipt', 'statement', 'meeting')),
                 party       TEXT NOT NULL REFERENCES party (code),
                 budget_year INTEGER NOT NULL,
                 level       INTEGER NOT NULL CHECK (level >= 0),
                 topic       TEXT NOT NULL DEFAULT '',
                 reference   TEXT NOT NULL UNIQUE CHECK (length(reference) > 0),
                 sent_on     TEXT NOT NULL,
                 created_at  TEXT NOT NULL,
                 created_by  TEXT NOT NULL,
                 UNIQUE (kind, party, budget_year, level, topic)
             ) STRICT;
             INSERT INTO letter_sent_old SELECT * FROM letter_sent;
             DROP TABLE letter_sent;
             ALTER TABLE letter_sent_old RENAME TO letter_sent;
             CREATE TRIGGER letter_sent_no_update BEFORE UPDATE ON letter_sent
             BEGIN SELECT RAISE(ABORT, 'letters sent are never changed'); END;
             CREATE TRIGGER letter_sent_no_delete BEFORE DELETE ON letter_sent
             BEGIN SELECT RAISE(ABORT, 'letters sent are never deleted'); END;",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 9).unwrap();
    }
    assert_eq!(head(&db), before);
    assert_eq!(count(&db, "letter_sent"), 1);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'letter_sent'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(sql.contains("'report'"), "{sql}");
    // The migrated ledger takes reports, and its chain goes on.
    record(&db, "AUT", "2016", "2017-04-30");
    assert_ne!(head(&db), before);
}

/// Fixed settings for the golden letters.
fn set_identity(db: &Path) {
    for (key, value) in [
        ("unit_name", "CCM Implementation Support Unit"),
        ("unit_name.fr", "Unité d'appui à l'application de la CASM"),
        (
            "address",
            "Chemin Eugène-Rigot 2C | 1202 Geneva | Switzerland",
        ),
        ("email", "isu@example.org"),
        ("signatory_name", "A. N. Director"),
        (
            "signatory_title",
            "Director, CCM Implementation Support Unit",
        ),
        (
            "signatory_title.fr",
            "Directrice de l'Unité d'appui à l'application",
        ),
        (
            "signatory_title.es",
            "Directora de la Dependencia de Apoyo a la Aplicación",
        ),
        ("iban", "CH93 0076 2011 6238 5295 7"),
        ("reference_pattern", "ISU-CCM/{year}/{n:03}"),
    ] {
        isu_ok(db, &["settings", "set", key, value]);
    }
}

/// Germany (English) owes its update for 2016 only; France (French) its initial report and
/// its update for 2016; Spain (Spanish) its updates for 2015 and 2016.
fn letters_ledger() -> (TempDir, PathBuf) {
    let (dir, db) = setup();
    set_identity(&db);
    for (code, in_force, language) in [
        ("DEU", "2014-02-01", "en"),
        ("FRA", "2015-08-01", "fr"),
        ("ESP", "2013-03-01", "es"),
    ] {
        isu_ok(
            &db,
            &[
                "party",
                "add",
                code,
                "--in-force",
                in_force,
                "--language",
                language,
            ],
        );
    }
    isu_ok(
        &db,
        &[
            "party",
            "update",
            "DEU",
            "--email",
            "mission@example.de",
            "--date",
            "2014-02-01",
        ],
    );
    for (party, period, submitted) in [
        ("DEU", "initial", "2014-07-01"),
        ("DEU", "2014", "2015-04-01"),
        ("DEU", "2015", "2016-03-01"),
        ("ESP", "initial", "2013-08-01"),
        ("ESP", "2013", "2014-04-30"),
        ("ESP", "2014", "2015-05-15"),
    ] {
        record(&db, party, period, submitted);
    }
    (dir, db)
}

fn letters(db: &Path, as_of: &str, out: &str, extra: &[&str]) -> String {
    let mut args = vec!["--as-of", as_of, "letters", "report", "2016", "--out", out];
    args.extend_from_slice(extra);
    isu_ok(db, &args)
}

#[test]
fn report_reminders_in_three_languages_match_the_golden_files() {
    let (dir, db) = letters_ledger();
    let said = letters(&db, "2017-06-27", "reports", &["--eml", "--record"]);
    assert_eq!(
        said,
        "wrote 3 report reminder letters for 2016 to reports (en 1, fr 1, es 1; HTML and text) \
         and reports/mail-merge.csv; recorded 3 letters as sent on 2017-06-27 (0 already \
         recorded)\n"
    );
    let out = dir.path().join("reports");
    assert_golden_letters("reports-2016-2017-06-27", &out);
    let merge = fs::read_to_string(out.join("mail-merge.csv")).unwrap();
    assert!(merge.contains(",2016,1,0.00,0.00,0.00,CHF,report-2016-DEU.txt,"));
    assert!(merge.contains(",report,ISU-CCM/2017/001,"));
    // No payment is asked for.
    let german = fs::read_to_string(out.join("report-2016-DEU.txt")).unwrap();
    assert!(!german.contains("IBAN"), "{german}");
    // Written again the same day: the same letters, nothing recorded again.
    let again = letters(&db, "2017-06-27", "reports", &["--eml", "--record"]);
    assert!(again.contains("recorded 0 letters as sent on 2017-06-27 (3 already recorded)"));
    assert_golden_letters("reports-2016-2017-06-27", &out);
    // Germany submits its update; on a later day it gets no letter, and the others get
    // the second reminder.
    isu_ok(
        &db,
        &[
            "--as-of",
            "2017-06-28",
            "transparency",
            "record",
            "DEU",
            "--period",
            "2016",
            "--submitted",
            "2017-06-28",
        ],
    );
    let said = letters(&db, "2017-09-30", "later", &[]);
    assert!(
        said.contains("wrote 2 report reminder letters for 2016"),
        "{said}"
    );
    let later = dir.path().join("later");
    assert_golden_letters("reports-2016-2017-09-30-level-2", &later);
    assert!(!later.join("report-2016-DEU.txt").exists());
    assert_eq!(count(&db, "letter_sent"), 3);
    let sent = json(&db, &["reminders", "2016"]);
    assert_eq!(sent["letters"].as_array().unwrap().len(), 3);
    assert_eq!(sent["letters"][0]["kind"], "report");
}

#[test]
fn report_letters_refuse_bad_input_and_write_nothing() {
    let (dir, db) = letters_ledger();
    for args in [
        &[
            "--as-of",
            "2017-06-27",
            "letters",
            "report",
            "2016",
            "--out",
            "x",
            "--level",
            "0",
        ][..],
        &[
            "--as-of",
            "2017-06-27",
            "letters",
            "report",
            "2016",
            "--out",
            "x",
            "--party",
            "CHE",
        ],
        &[
            "--as-of",
            "2017-06-27",
            "letters",
            "report",
            "20166",
            "--out",
            "x",
        ],
    ] {
        refused(&db, args);
        assert!(!dir.path().join("x").exists());
    }
}

/// Two reports of one State and period in force can only be written behind the program's
/// back: `verify` names them (and the rows the chain does not cover).
#[test]
fn verify_names_a_report_in_force_twice() {
    let (_dir, db) = hand_made();
    assert!(isu(&db).arg("verify").output().unwrap().status.success());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO transparency_report (party, period, submitted_on, symbol, created_at,
                                              created_by)
             VALUES ('AUT', '2016', '2017-05-01', '', '2017-06-27T00:00:00Z', 'intruder')",
            [],
        )
        .unwrap();
    let output = isu(&db).arg("verify").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let found = String::from_utf8_lossy(&output.stdout);
    assert!(
        found.contains("report 2016 of AUT is in force 2 times (rows 1, 7)"),
        "{found}"
    );
}
