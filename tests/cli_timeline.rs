//! The preparations time-line through the real binary: tasks, documents due to the conference
//! services and contributions owed on one time-line in date order; a meeting's tasks planned
//! from the 2003 pattern; the meeting and document lists; refusals that write nothing; and
//! the same facts recorded in any order giving the same time-line and task list.

mod common;
mod costs_common;

use std::path::Path;

use common::{isu, isu_ok, setup};
use costs_common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::Value;

/// A ledger with Germany and France assessed CHF 500.00 each for 2017 on 10 January (due 30
/// days later, on 9 February), Germany's CHF 200.00 paid, and the 7MSP (first day 4
/// September 2017); their Article 7 reports are in, but for France's update for 2016.
fn ledger() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = setup();
    for code in ["DEU", "FRA"] {
        ok(&db, &format!("party add {code} --in-force 2010-08-01"));
    }
    ok(&db, "budget set 2017 --total 1000 --approved-on 2016-09-07");
    ok(&db, "assess 2017 --method equal --date 2017-01-10");
    ok(&db, "contribution add DEU 200 --date 2017-02-01 --ref B-1");
    // Article 7: both States' initial reports and annual updates are in, but for France's
    // update for 2016, due on 30 April 2017.
    let mut reports = String::from("party,period,submitted\n");
    for code in ["DEU", "FRA"] {
        reports.push_str(&format!("{code},initial,2011-01-20\n"));
        for year in 2011..=2016 {
            if (code, year) != ("FRA", 2016) {
                reports.push_str(&format!("{code},{year},{}-04-01\n", year + 1));
            }
        }
    }
    std::fs::write(dir.path().join("reports.csv"), reports).unwrap();
    ok(&db, "transparency import reports.csv");
    isu_ok(
        &db,
        &[
            "meeting",
            "add",
            "7MSP",
            "--name",
            "Seventh Meeting of States Parties",
            "--date",
            "2017-09-04",
            "--estimate",
            "174000",
        ],
    );
    (dir, db)
}

/// `task add` with the words given; returns the new task's id from the confirmation.
fn add_task(db: &Path, args: &[&str]) -> String {
    let mut line = vec!["task", "add"];
    line.extend(args);
    let said = isu_ok(db, &line);
    said.strip_prefix("added task ")
        .and_then(|rest| rest.get(..8))
        .unwrap_or_else(|| panic!("no id in: {said}"))
        .to_string()
}

/// The items of a time-line as (due, kind, days, state).
fn items(timeline: &Value) -> Vec<(String, String, i64, String)> {
    timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["due_on"].as_str().unwrap().to_string(),
                item["kind"].as_str().unwrap().to_string(),
                item["days"].as_i64().unwrap(),
                item["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(due: &str, kind: &str, days: i64, state: &str) -> (String, String, i64, String) {
    (due.to_string(), kind.to_string(), days, state.to_string())
}

#[test]
fn the_timeline_of_a_day_lists_overdue_and_upcoming_items_in_date_order() {
    let (_dir, db) = ledger();
    // Recorded in no particular order: a task due 3 July, the documents, a late task, a task
    // beyond the month, and one done.
    let as_of = ["--as-of", "2017-06-27"];
    add_task(
        &db,
        &[
            &as_of[..],
            &[
                "Book the rooms",
                "--due",
                "2017-07-03",
                "--owner",
                "ISU",
                "--meeting",
                "7MSP",
            ],
        ]
        .concat(),
    );
    ok(
        &db,
        "document add 7MSP CCM/MSP/2017/9 --title Progress --pages-forecast 25 --due 2017-07-03",
    );
    ok(
        &db,
        "document add 7MSP CCM/MSP/2017/8 --title Annotated --pages-forecast 20 --due 2017-06-28",
    );
    // Submitted already: no longer on the time-line.
    ok(&db, "document add 7MSP CCM/MSP/2017/1 --title Agenda --pages-forecast 4 --due 2017-06-05 --submitted 2017-06-05");
    add_task(
        &db,
        &[
            &as_of[..],
            &[
                "Send the invitations",
                "--due",
                "2017-06-20",
                "--allow-past",
            ],
        ]
        .concat(),
    );
    add_task(
        &db,
        &[
            &as_of[..],
            &[
                "Letters to donors",
                "--due",
                "2017-09-01",
                "--owner",
                "Director",
            ],
        ]
        .concat(),
    );
    let done = add_task(
        &db,
        &[&as_of[..], &["Report the forecast", "--due", "2017-06-27"]].concat(),
    );
    ok(&db, &format!("--as-of 2017-06-27 task done {done}"));

    // Checked by hand: 9 February to 27 June is 138 days; 30 April to 27 June, 58; 20 to
    // 27 June, 7; 28 June is tomorrow; 3 July is 6 days ahead, where the task comes before
    // the document.
    let timeline = json(&db, "--as-of 2017-06-27 timeline");
    assert_eq!(
        items(&timeline),
        [
            row("2017-02-09", "contribution", 138, "overdue"),
            row("2017-04-30", "report", 58, "overdue"),
            row("2017-06-20", "task", 7, "overdue"),
            row("2017-06-28", "document", 1, "due"),
            row("2017-07-03", "task", 6, "due"),
            row("2017-07-03", "document", 6, "due"),
        ]
    );
    assert_eq!(timeline["overdue"], 3);
    assert_eq!(timeline["due"], 3);
    assert_eq!(timeline["until"], "2017-07-27");
    let first = &timeline["items"][0];
    assert_eq!(
        first["what"],
        "Contributions for 2017: 2 parties still owe CHF 800.00"
    );
    assert_eq!(
        timeline["items"][1]["what"],
        "France: Article 7 annual update for 2016 not yet submitted"
    );
    assert_eq!(timeline["items"][4]["owner"], "ISU");
    assert_eq!(timeline["items"][4]["meeting"], "7MSP");

    // N bounds what falls due, never what is overdue.
    let five = json(&db, "--as-of 2017-06-27 timeline --days 5");
    assert_eq!(items(&five).len(), 4);
    let six = json(&db, "--as-of 2017-06-27 timeline --days 6");
    assert_eq!(items(&six).len(), 6);
    let zero = json(&db, "--as-of 2017-06-27 timeline --days 0");
    assert_eq!(
        items(&zero),
        [
            row("2017-02-09", "contribution", 138, "overdue"),
            row("2017-04-30", "report", 58, "overdue"),
            row("2017-06-20", "task", 7, "overdue")
        ]
    );
    // Before the task was done, it was on the time-line, due that day.
    let before = json(&db, "--as-of 2017-06-26 timeline --days 1");
    assert!(items(&before).contains(&row("2017-06-27", "task", 1, "due")));
    // Two months on, the letters fall due, and what was not submitted is overdue.
    let later = json(&db, "--as-of 2017-08-15 timeline");
    assert!(items(&later).contains(&row("2017-09-01", "task", 17, "due")));
    assert!(items(&later).contains(&row("2017-06-28", "document", 48, "overdue")));

    // The table says the same, lined up.
    let table = ok(&db, "--as-of 2017-06-27 timeline");
    assert_mentions(
        &table,
        &[
            "Time-line as of 2017-06-27: overdue, and due in the next 30 days",
            "| 2017-02-09 | contribution |",
            "| overdue |  138 |",
            "Submit CCM/MSP/2017/8 Annotated (20 pages) to the conference services",
            "3 items overdue; 3 items due from 2017-06-27 to 2017-07-27.",
        ],
    );
    let lines: Vec<&str> = table.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(lines.len(), 2 + 6, "{table}");
    assert!(lines
        .iter()
        .all(|l| l.chars().count() == lines[0].chars().count()));
    let csv = ok(&db, "--as-of 2017-06-27 timeline --format csv");
    assert_eq!(
        csv.lines().next().unwrap(),
        "Due,Kind,What,Meeting,Owner,State,Days"
    );
    assert_eq!(csv.lines().count(), 1 + 6);

    // The task list: open ones by due date, or all of them.
    let open = json(&db, "--as-of 2017-06-27 task list");
    let titles: Vec<&str> = open["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Send the invitations",
            "Book the rooms",
            "Letters to donors"
        ]
    );
    let all = json(&db, "--as-of 2017-06-27 task list --all");
    assert_eq!(all["tasks"].as_array().unwrap().len(), 4);
    assert_eq!(all["tasks"][1]["state"], "done");
    assert_eq!(all["tasks"][1]["done_on"], "2017-06-27");
    assert_eq!(all["tasks"][1]["id"], done.as_str());
    let of_meeting = json(&db, "--as-of 2017-06-27 task list --meeting 7MSP");
    assert_eq!(of_meeting["tasks"].as_array().unwrap().len(), 1);
}

#[test]
fn the_shipped_pattern_plans_a_meetings_tasks_once() {
    let (_dir, db) = setup();
    isu_ok(
        &db,
        &[
            "meeting",
            "add",
            "SC2004",
            "--name",
            "Standing Committee meetings",
            "--date",
            "2004-02-09",
            "--estimate",
            "0",
        ],
    );
    let before = common::dump(&db);
    let dry = ok(
        &db,
        "--as-of 2003-10-08 timeline plan SC2004 --pattern apmbc-2003 --dry-run",
    );
    assert_mentions(&dry, &["would add 3 tasks", "2003-12-04"]);
    assert_eq!(common::dump(&db), before, "a dry run writes nothing");

    let planned = ok(
        &db,
        "--as-of 2003-10-08 timeline plan SC2004 --pattern apmbc-2003",
    );
    assert_mentions(
        &planned,
        &["meeting SC2004 (first day 2004-02-09): added 3 tasks"],
    );
    // Checked by hand against Annex I: 67 days before Monday 9 February 2004 is Thursday 4
    // December 2003; 11 days after it is Friday 20 February 2004.
    let tasks = json(&db, "--as-of 2003-10-08 task list --meeting SC2004");
    let planned: Vec<(&str, &str, &str)> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["due_on"].as_str().unwrap(),
                t["title"].as_str().unwrap(),
                t["owner"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        planned,
        [
            (
                "2003-12-04",
                "Co-Chairs sign off agendas and background documents",
                "Co-Chairs"
            ),
            ("2003-12-05", "Distribute the information package", "ISU"),
            (
                "2004-02-20",
                "Reports of the meetings reach the ISU for formatting",
                "Co-Rapporteurs"
            ),
        ]
    );

    // Twice: nothing added, and it says so.
    let after = common::dump(&db);
    let again = ok(
        &db,
        "--as-of 2003-12-01 timeline plan SC2004 --pattern apmbc-2003",
    );
    assert_mentions(
        &again,
        &["added 0 tasks; 3 tasks already planned", "nothing written"],
    );
    assert_eq!(common::dump(&db), after);

    // The pattern written out, edited and planned from a file: only the new line is added.
    let text = ok(&db, "timeline pattern apmbc-2003");
    assert!(text.starts_with("# The time-line towards the Standing Committee"));
    let file = db.parent().unwrap().join("mine.txt");
    std::fs::write(
        &file,
        format!("{text}\n-1 day, Brief the President # added\n"),
    )
    .unwrap();
    let mine = ok(
        &db,
        "--as-of 2003-10-08 timeline plan SC2004 --pattern mine.txt",
    );
    assert_mentions(
        &mine,
        &[
            "added 1 task; 3 tasks already planned",
            "2004-02-08  Brief the President",
        ],
    );
    // On the day of the information package, the time-line shows it and the sign-off late.
    let timeline = json(&db, "--as-of 2003-12-05 timeline --days 3");
    assert_eq!(
        items(&timeline),
        [
            row("2003-12-04", "task", 1, "overdue"),
            row("2003-12-05", "task", 0, "due")
        ]
    );
}

#[test]
fn the_meeting_and_document_lists_in_table_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    isu_ok(&db, &["demo"]);
    let meetings = json(&db, "--as-of 2017-06-27 meeting list");
    assert_eq!(meetings["meetings"].as_array().unwrap().len(), 1);
    let msp = &meetings["meetings"][0];
    assert_eq!(msp["code"], "7MSP");
    assert_eq!(msp["held_on"], "2017-09-04");
    assert_eq!(msp["last_day"], "2017-09-06");
    assert_eq!(msp["place"], "Geneva");
    assert_eq!(msp["estimate"], "174000.00");
    assert_eq!(msp["documents"], 9);
    assert_eq!(msp["documents_submitted"], 7);
    // The pattern's three tasks and the donors' letters; the forecast reported is done.
    assert_eq!(msp["tasks_open"], 3);
    let table = ok(&db, "--as-of 2017-06-27 meeting list");
    assert_mentions(
        &table,
        &[
            "Meetings as of 2017-06-27",
            "| 7MSP | Seventh Meeting of States Parties | 2017-09-04 to 2017-09-06 | Geneva | USD 174'000.00 | 6MSP        |         9 |         7 |          3 |",
        ],
    );

    // A meeting added with no estimate, its place set later, then its last day.
    ok(
        &db,
        "meeting add 8MSP --name Eighth --date 2018-09-03 --estimate 0",
    );
    assert_mentions(
        &ok(&db, "meeting update 8MSP --place Geneva"),
        &["meeting 8MSP: last day not set, place Geneva"],
    );
    assert_mentions(
        &ok(&db, "meeting update 8MSP --last-day 2018-09-05"),
        &["meeting 8MSP: last day 2018-09-05, place Geneva"],
    );
    let two = json(&db, "--as-of 2017-06-27 meeting list");
    let eighth = &two["meetings"][1];
    assert_eq!(eighth["code"], "8MSP");
    assert_eq!(eighth["estimate"], Value::Null, "no estimate");
    assert_eq!(eighth["last_day"], "2018-09-05");
    assert_eq!(eighth["place"], "Geneva");
    assert_mentions(
        &refused(&db, "meeting update 8MSP --last-day 2018-09-01"),
        &["the last day 2018-09-01 is before the meeting's first day, 2018-09-03"],
    );
    assert_mentions(
        &refused(&db, "meeting update 8MSP"),
        &["nothing to update: give --last-day or --place"],
    );
    assert_mentions(
        &refused(&db, "meeting update 9MSP --place Geneva"),
        &["unknown meeting '9MSP'"],
    );

    let documents = json(&db, "--as-of 2017-06-27 document list 7MSP");
    let rows: Vec<(&str, Option<&str>, Option<&str>, &str)> = documents["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["symbol"].as_str().unwrap(),
                d["due_on"].as_str(),
                d["submitted_on"].as_str(),
                d["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 9);
    assert_eq!(
        rows[5],
        (
            "CCM/MSP/2017/6",
            Some("2017-06-19"),
            Some("2017-06-22"),
            "submitted"
        )
    );
    assert_eq!(
        rows[7],
        ("CCM/MSP/2017/8", Some("2017-06-28"), None, "planned")
    );
    assert_eq!(
        rows[8],
        ("CCM/MSP/2017/9", Some("2017-07-03"), None, "planned")
    );
    assert_eq!(
        rows.iter().filter(|r| r.2.is_some()).count(),
        7,
        "seven of nine submitted by 27 June 2017"
    );
    assert_eq!(documents["documents"][0]["state"], "translated");
    // A week later the Annotated Programme of Work is overdue.
    let later = json(&db, "--as-of 2017-07-05 document list");
    assert_eq!(later["documents"][7]["state"], "overdue");
    let table = ok(&db, "--as-of 2017-06-27 document list 7MSP");
    assert_mentions(
        &table,
        &[
            "Documents of 7MSP as of 2017-06-27",
            "| 7MSP    | CCM/MSP/2017/8 | Annotated programme of work",
            "| 2017-06-28 |            |            | planned    |",
            "9 documents",
        ],
    );
    // A due date set later through a revision is the one in force.
    ok(&db, "document update 7MSP CCM/MSP/2017/8 --due 2017-06-30");
    let moved = json(&db, "--as-of 2017-06-27 document list 7MSP");
    assert_eq!(moved["documents"][7]["due_on"], "2017-06-30");
    assert_eq!(moved["documents"][7]["pages_forecast"], 20);
}

#[test]
fn bad_input_is_refused_in_one_line_and_writes_nothing() {
    let (_dir, db) = ledger();
    let id = add_task(
        &db,
        &[
            "--as-of",
            "2017-06-27",
            "Book the rooms",
            "--due",
            "2017-07-03",
        ],
    );
    ok(&db, &format!("--as-of 2017-06-28 task done {id}"));
    assert_mentions(
        &refused(&db, "--as-of 2017-06-27 task add Late --due 2017-06-26"),
        &["due on 2017-06-26, before 2017-06-27", "--allow-past"],
    );
    assert_mentions(
        &refused(&db, &format!("--as-of 2017-06-29 task done {id}")),
        &["is already done, on 2017-06-28"],
    );
    let later = add_task(
        &db,
        &["--as-of", "2017-06-27", "Sign off", "--due", "2017-07-03"],
    );
    assert_mentions(
        &refused(&db, &format!("task done {later} --on 2017-06-26")),
        &["was recorded on 2017-06-27: it cannot be done on 2017-06-26"],
    );
    // The same task again writes nothing; with another owner it is refused.
    let before = common::dump(&db);
    assert_mentions(
        &ok(&db, "--as-of 2017-06-28 task add Sign --due 2017-07-03"),
        &["added task"],
    );
    let with_owner = common::dump(&db);
    assert_ne!(with_owner, before);
    assert_mentions(
        &ok(&db, "--as-of 2017-06-29 task add Sign --due 2017-07-03"),
        &["is already recorded; nothing written"],
    );
    assert_eq!(common::dump(&db), with_owner);
    assert_mentions(
        &refused(
            &db,
            "--as-of 2017-06-29 task add Sign --due 2017-07-03 --owner ISU",
        ),
        &["is already recorded with no owner, not ISU"],
    );
    assert_mentions(
        &refused(&db, "task done 0badc0de"),
        &["unknown task 0badc0de"],
    );
    assert_mentions(&refused(&db, "task done 12"), &["'12' is not a task id"]);
    assert_mentions(
        &refused(
            &db,
            "--as-of 2017-06-27 task add X --due 2017-07-01 --meeting 9MSP",
        ),
        &["unknown meeting '9MSP'"],
    );
    assert_mentions(
        &refused(&db, "timeline plan 9MSP --pattern apmbc-2003"),
        &["unknown meeting '9MSP'"],
    );
    assert_mentions(
        &refused(&db, "document list 9MSP"),
        &["unknown meeting '9MSP'"],
    );
    assert_mentions(
        &refused(&db, "task list --meeting 9MSP"),
        &["unknown meeting '9MSP'"],
    );
    // A pattern with a bad line: nothing of it is planned, and the message names file:line.
    let file = db.parent().unwrap().join("bad.txt");
    std::fs::write(&file, "# ok\n-3 days, Fine, ISU\nnext week, Oops\n").unwrap();
    assert_mentions(
        &refused(&db, "timeline plan 7MSP --pattern bad.txt"),
        &["bad.txt:3: 'next week' is not an offset in days"],
    );
    assert_mentions(
        &refused(&db, "timeline plan 7MSP --pattern nonesuch"),
        &["no pattern file 'nonesuch'", "apmbc-2003"],
    );
    assert_mentions(
        &refused(&db, "--as-of 2017-06-27 timeline --days 4000"),
        &["--days 4000 is out of range"],
    );
    assert_mentions(
        &refused(&db, "document update 7MSP CCM/MSP/2017/1 --due 2017-06-30"),
        &["has no document CCM/MSP/2017/1"],
    );
}

#[test]
fn verify_passes_on_a_ledger_with_tasks() {
    let (_dir, db) = ledger();
    let id = add_task(
        &db,
        &[
            "--as-of",
            "2017-06-27",
            "Book the rooms",
            "--due",
            "2017-07-03",
        ],
    );
    ok(&db, &format!("--as-of 2017-06-28 task done {id}"));
    ok(
        &db,
        "document add 7MSP CCM/MSP/2017/8 --title Annotated --pages-forecast 20 --due 2017-06-28",
    );
    ok(
        &db,
        "--as-of 2017-06-27 timeline plan 7MSP --pattern apmbc-2003",
    );
    let output = isu(&db).arg("verify").output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(common::count(&db, "task"), 4);
    assert_eq!(common::count(&db, "task_change"), 1);
    assert_eq!(common::count(&db, "document_due"), 1);
}

// The same facts recorded in two random orders give the same time-line and task list.

#[derive(Debug, Clone)]
enum Fact {
    Task {
        index: usize,
        due_day: u64,
        owner: bool,
        meeting: bool,
    },
    /// The task `index` done `after` days after 2017-06-01 (recorded after the task).
    Done { index: usize, day: u64 },
    Document {
        index: usize,
        due_day: u64,
        submitted_day: Option<u64>,
    },
    /// A later due date of document `index` (recorded after the document).
    Due { index: usize, due_day: u64 },
}

fn day(offset: u64) -> String {
    chrono::NaiveDate::from_ymd_opt(2017, 6, 1)
        .unwrap()
        .checked_add_days(chrono::Days::new(offset))
        .unwrap()
        .to_string()
}

impl Fact {
    /// The fact this one must be recorded after.
    fn after(&self) -> Option<(bool, usize)> {
        match self {
            Fact::Done { index, .. } => Some((true, *index)),
            Fact::Due { index, .. } => Some((false, *index)),
            _ => None,
        }
    }

    fn is_first(&self, task: bool, of: usize) -> bool {
        matches!((self, task), (Fact::Task { index, .. }, true) | (Fact::Document { index, .. }, false) if *index == of)
    }

    fn record(&self, db: &Path, ids: &mut std::collections::BTreeMap<usize, String>) {
        match self {
            Fact::Task {
                index,
                due_day,
                owner,
                meeting,
            } => {
                let title = format!("Task {index}");
                let due = day(*due_day);
                let mut args = vec![
                    "--as-of",
                    "2017-06-01",
                    title.as_str(),
                    "--due",
                    due.as_str(),
                ];
                if *owner {
                    args.extend(["--owner", "ISU"]);
                }
                if *meeting {
                    args.extend(["--meeting", "7MSP"]);
                }
                ids.insert(*index, add_task(db, &args));
            }
            Fact::Done { index, day: on } => {
                ok(db, &format!("task done {} --on {}", ids[index], day(*on)));
            }
            Fact::Document {
                index,
                due_day,
                submitted_day,
            } => {
                let mut line = format!(
                    "document add 7MSP CCM/MSP/2017/{index} --title T{index} --pages-forecast {} --due {}",
                    index + 1,
                    day(*due_day)
                );
                if let Some(submitted) = submitted_day {
                    line.push_str(&format!(" --submitted {}", day(*submitted)));
                }
                ok(db, &line);
            }
            Fact::Due { index, due_day } => {
                ok(
                    db,
                    &format!(
                        "document update 7MSP CCM/MSP/2017/{index} --due {}",
                        day(*due_day)
                    ),
                );
            }
        }
    }
}

fn facts() -> impl Strategy<Value = Vec<Fact>> {
    // Few days, so that tasks and documents often fall due on the same day.
    let task = (
        0u64..10,
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(0u64..40),
    );
    let document = (
        0u64..10,
        proptest::option::of(0u64..40),
        proptest::option::of(0u64..10),
    );
    (
        proptest::collection::vec(task, 1..5),
        proptest::collection::vec(document, 0..4),
    )
        .prop_map(|(tasks, documents)| {
            let mut facts = Vec::new();
            for (index, (due_day, owner, meeting, done)) in tasks.into_iter().enumerate() {
                facts.push(Fact::Task {
                    index,
                    due_day,
                    owner,
                    meeting,
                });
                if let Some(done) = done {
                    facts.push(Fact::Done { index, day: done });
                }
            }
            for (index, (due_day, submitted_day, later)) in documents.into_iter().enumerate() {
                facts.push(Fact::Document {
                    index: index + 1,
                    due_day,
                    submitted_day,
                });
                if let Some(later) = later {
                    facts.push(Fact::Due {
                        index: index + 1,
                        due_day: later,
                    });
                }
            }
            facts
        })
}

/// `order` with each fact moved after the one it must follow.
fn feasible(facts: &[Fact], order: &[usize]) -> Vec<usize> {
    let mut done: Vec<usize> = Vec::new();
    let mut waiting: Vec<usize> = Vec::new();
    for &i in order {
        done.push(i);
        // Release whatever waited for facts now recorded.
        loop {
            let ready = waiting.iter().position(|&w| {
                let (task, of) = facts[w].after().unwrap();
                done.iter().any(|&d| facts[d].is_first(task, of))
            });
            match ready {
                Some(at) => done.push(waiting.remove(at)),
                None => break,
            }
        }
        if let Some((task, of)) = facts[i].after() {
            if !done[..done.len() - 1]
                .iter()
                .any(|&d| facts[d].is_first(task, of))
            {
                done.pop();
                waiting.push(i);
            }
        }
    }
    assert!(waiting.is_empty());
    done
}

fn reports(db: &Path) -> Vec<String> {
    [
        "--as-of 2017-06-20 timeline",
        "--as-of 2017-06-20 timeline --days 10 --format json",
        "--as-of 2017-07-15 timeline --days 60 --format csv",
        "--as-of 2017-06-20 task list --all",
        "--as-of 2017-07-15 task list --format json",
        "--as-of 2017-06-20 document list --format json",
    ]
    .iter()
    .map(|line| ok(db, line))
    .collect()
}

#[test]
fn the_same_facts_in_any_order_give_the_same_timeline_and_task_list() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(20_170_627),
        ..Config::default()
    });
    let case = facts().prop_flat_map(|facts| {
        let n = facts.len();
        let order: Vec<usize> = (0..n).collect();
        (
            Just(facts),
            Just(order.clone()).prop_shuffle(),
            Just(order).prop_shuffle(),
        )
    });
    runner
        .run(&case, |(facts, first, second)| {
            let mut outputs = Vec::new();
            for order in [first, second] {
                let (_dir, db) = ledger();
                let mut ids = std::collections::BTreeMap::new();
                for i in feasible(&facts, &order) {
                    facts[i].record(&db, &mut ids);
                }
                outputs.push(reports(&db));
            }
            prop_assert_eq!(&outputs[0], &outputs[1]);
            Ok(())
        })
        .unwrap();
}
