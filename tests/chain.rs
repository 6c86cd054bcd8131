//! The hash chain over history: every row of every history table is covered, a change of
//! any byte made behind the program's back (triggers dropped, the row changed through
//! rusqlite, triggers recreated) is named by `verify`, rows added or removed are named, and
//! a chain head kept from an earlier printout proves that nothing before it changed
//! (`verify --against COUNT:HASH`), while a forged one fails.

mod common;

use std::path::{Path, PathBuf};

use common::{isu, isu_ok};
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde_json::Value;

/// The tables of history, each with at least one row in `full_ledger`.
const HISTORY: [&str; 36] = [
    "meta",
    "fund",
    "party",
    "account",
    "scale",
    "scale_rate",
    "budget",
    "budget_line",
    "budget_withdrawal",
    "exchange_rate",
    "exchange_rate_correction",
    "meeting",
    "meeting_rate",
    "document",
    "document_revision",
    "meeting_share",
    "entry",
    "transfer",
    "cost_line",
    "payment_terms",
    "charge_due",
    "reminder",
    "year_close",
    "bank_statement",
    "bank_line",
    "bank_match",
    "bank_payer",
    "setting",
    "party_change",
    "letter_sent",
    "transparency_report",
    "transparency_reversal",
    "task",
    "task_change",
    "document_due",
    "meeting_detail",
];

/// The 2017 example, with a row in every table of history: a meeting shared among the
/// parties, a document's news, a corrected rate, a withdrawn budget, reminders sent, a
/// setting and a party's change, a bank statement with a confirmed line, a transparency
/// report reversed, a closed year, and the time-line's tasks (the demo's, one done, and one
/// more) and documents' due dates.
fn full_ledger() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    isu_ok(&db, &["demo"]);
    let statement = format!(
        "{}/tests/data/bank/camt053-v02.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    for args in [
        &[
            "meeting",
            "assess",
            "7MSP",
            "--scale",
            "un-2016-2018",
            "--participants",
            "all-parties",
            "--date",
            "2017-06-01",
        ][..],
        &[
            "document",
            "update",
            "7MSP",
            "CCM/MSP/2017/1",
            "--pages-forecast",
            "30",
        ],
        &[
            "rate",
            "correct",
            "USD",
            "1.02",
            "--date",
            "2016-12-01",
            "--reason",
            "typing error",
        ],
        &[
            "budget",
            "set",
            "2018",
            "--total",
            "100000",
            "--approved-on",
            "2017-06-01",
        ],
        &[
            "budget",
            "withdraw",
            "2018",
            "--version",
            "1",
            "--reason",
            "wrong total",
        ],
        &[
            "letters",
            "2017",
            "--out",
            "letters",
            "--record",
            "--as-of",
            "2017-06-27",
        ],
        &["settings", "set", "signatory_name", "Jane Doe"],
        &[
            "transparency",
            "reverse",
            "ITA",
            "--period",
            "2016",
            "--reason",
            "recorded against the wrong State",
        ],
        &[
            "--as-of",
            "2017-06-27",
            "task",
            "add",
            "Book the rooms",
            "--due",
            "2017-07-10",
            "--owner",
            "ISU",
        ],
        &[
            "document",
            "update",
            "7MSP",
            "CCM/MSP/2017/9",
            "--due",
            "2017-07-05",
        ],
        &[
            "party",
            "update",
            "FRA",
            "--email",
            "mission@example.org",
            "--date",
            "2017-06-01",
        ],
        &["bank", "import", &statement],
        &[
            "bank",
            "confirm",
            "1",
            "--party",
            "FRA",
            "--kind",
            "contribution",
        ],
        &["close", "2016"],
    ] {
        if args[0] == "letters" {
            std::fs::create_dir_all(dir.path().join("letters")).unwrap();
        }
        isu_ok(&db, args);
    }
    (dir, db)
}

/// `verify` as JSON, and its exit code.
fn verify(db: &Path, extra: &[&str]) -> (Value, i32) {
    let output = isu(db)
        .args(["--format", "json", "verify"])
        .args(extra)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "verify prints JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output.status.code().unwrap())
}

/// The messages of the findings of the chain check.
fn chain_findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "chain")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// The chain head of a report's JSON as `COUNT:HASH`.
fn head_of(report: &Value) -> String {
    let chain = &report["chain"];
    format!(
        "{}:{}",
        chain["count"].as_i64().unwrap(),
        chain["head"].as_str().unwrap()
    )
}

/// Runs `sql` on the ledger behind the program's back: the append-only triggers of `table`
/// are dropped first and recreated after, and foreign keys are not enforced.
fn behind_the_back(db: &Path, table: &str, sql: &str) -> rusqlite::Result<usize> {
    let conn = Connection::open(db).unwrap();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    let triggers: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1")
        .unwrap()
        .query_map([table], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{name}\""))
            .unwrap();
    }
    let changed = conn.execute(sql, []);
    for (_, sql) in &triggers {
        conn.execute_batch(sql).unwrap();
    }
    changed
}

#[test]
fn every_table_of_history_is_chained_and_a_sound_ledger_verifies() {
    let (_dir, db) = full_ledger();
    let conn = Connection::open(&db).unwrap();
    let mut rows = 0i64;
    for table in HISTORY {
        let count: i64 = conn
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                r.get(0)
            })
            .unwrap();
        let chained: i64 = conn
            .query_row("SELECT count(*) FROM chain WHERE tbl = ?1", [table], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(count > 0, "the test ledger has a row in {table}");
        assert_eq!(chained, count, "every row of {table} has its link");
        rows += count;
    }
    let links: i64 = conn
        .query_row("SELECT count(*) FROM chain", [], |r| r.get(0))
        .unwrap();
    assert_eq!(links, rows, "only rows of history are chained");
    let (report, code) = verify(&db, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["chain"]["count"], links);
    let (quick, code) = verify(&db, &["--quick"]);
    assert_eq!(code, 0, "{quick}");
    assert_eq!(quick["depth"], "quick");
    assert_eq!(quick["chain"], report["chain"]);
}

#[test]
fn a_change_of_any_byte_of_any_chained_row_is_named() {
    let (dir, db) = full_ledger();
    let mut changed_columns = 0;
    for table in HISTORY {
        let copy = dir.path().join(format!("{table}.sqlite"));
        std::fs::copy(&db, &copy).unwrap();
        // The table's first row: its rowid (or key), its columns and values.
        let conn = Connection::open(&copy).unwrap();
        let without_rowid: bool = conn
            .query_row(
                "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema WHERE name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        let mut statement = conn
            .prepare(&format!("SELECT * FROM \"{table}\" LIMIT 1"))
            .unwrap();
        let columns: Vec<String> = statement
            .column_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        let values: Vec<SqlValue> = statement
            .query_row([], |row| {
                (0..columns.len())
                    .map(|i| row.get::<_, SqlValue>(i))
                    .collect()
            })
            .unwrap();
        drop(statement);
        // The row is found by all its values, so that the change touches it alone.
        let condition: Vec<String> = columns
            .iter()
            .zip(&values)
            .map(|(column, value)| match value {
                SqlValue::Null => format!("\"{column}\" IS NULL"),
                SqlValue::Integer(i) => format!("\"{column}\" = {i}"),
                SqlValue::Text(t) => format!("\"{column}\" = '{}'", t.replace('\'', "''")),
                other => panic!("{table}.{column} holds {other:?}"),
            })
            .collect();
        let condition = condition.join(" AND ");
        drop(conn);
        let mut changed_in_table = 0;
        for (column, value) in columns.iter().zip(&values) {
            // One byte: the last character of a text, the lowest bit of an integer.
            let change = match value {
                SqlValue::Text(t) if !t.is_empty() => format!(
                    "substr(\"{column}\", 1, length(\"{column}\") - 1) || \
                     CASE WHEN substr(\"{column}\", -1) = '7' THEN '8' ELSE '7' END"
                ),
                SqlValue::Integer(_) => {
                    format!("(\"{column}\" | 1) - (\"{column}\" & 1)")
                }
                _ => continue,
            };
            let tampered = dir.path().join(format!("{table}-{column}.sqlite"));
            std::fs::copy(&copy, &tampered).unwrap();
            let sql = format!("UPDATE \"{table}\" SET \"{column}\" = {change} WHERE {condition}");
            match behind_the_back(&tampered, table, &sql) {
                Ok(1) => {}
                // A CHECK, a type or a unique key refuses this change; the next column.
                Err(_) => continue,
                Ok(n) => panic!("{sql} changed {n} rows"),
            }
            let (report, code) = verify(&tampered, &[]);
            assert_eq!(code, 1, "{table}.{column}: {report}");
            let findings = chain_findings(&report);
            assert!(
                findings.iter().any(|f| f.starts_with(&format!("{table} "))
                    && (f.contains("does not match chain link") || f.contains("is missing"))),
                "a change of {table}.{column} is named by the chain: {findings:?}"
            );
            if !without_rowid {
                assert!(
                    findings.iter().all(|f| f.starts_with(&format!("{table} "))),
                    "only the changed row is named: {findings:?}"
                );
            }
            changed_in_table += 1;
        }
        assert!(
            changed_in_table > 0,
            "some column of {table} could be changed"
        );
        changed_columns += changed_in_table;
    }
    assert!(changed_columns >= HISTORY.len() * 2, "{changed_columns}");
}

#[test]
fn a_changed_entry_and_a_changed_party_are_named_by_their_key() {
    let (_dir, db) = full_ledger();
    behind_the_back(
        &db,
        "party",
        "UPDATE party SET name = name || '.' WHERE code = 'FRA'",
    )
    .unwrap();
    behind_the_back(
        &db,
        "entry",
        "UPDATE entry SET description = 'x' || description WHERE id = 12",
    )
    .unwrap();
    let (report, code) = verify(&db, &[]);
    assert_eq!(code, 1);
    let findings = chain_findings(&report);
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert!(
        findings[0].starts_with("party FRA does not match chain link"),
        "{findings:?}"
    );
    assert!(
        findings[1].starts_with("entry 12 does not match chain link"),
        "{findings:?}"
    );
    // A null set to a value, and a value set to null, are changes too.
    let (_dir, db) = full_ledger();
    behind_the_back(
        &db,
        "party",
        "UPDATE party SET email = NULL WHERE code = 'DEU' AND email IS NOT NULL",
    )
    .unwrap();
    behind_the_back(
        &db,
        "entry",
        "UPDATE entry SET reference = 'forged' WHERE id = (SELECT min(id) FROM entry WHERE reference IS NULL)",
    )
    .unwrap();
    let findings = chain_findings(&verify(&db, &[]).0);
    assert!(
        findings.iter().any(|f| f.starts_with("entry ")),
        "{findings:?}"
    );
}

#[test]
fn rows_added_or_removed_behind_the_programs_back_are_named() {
    let (_dir, db) = full_ledger();
    behind_the_back(
        &db,
        "party",
        "INSERT INTO party (code, name, kind, language, created_at, created_by)
         VALUES ('XXA', 'Nowhere', 'signatory', 'en', '2017-01-01', 'someone')",
    )
    .unwrap();
    behind_the_back(
        &db,
        "reminder",
        "DELETE FROM reminder WHERE (party, budget_year, level) IN
             (SELECT party, budget_year, level FROM reminder ORDER BY party LIMIT 1)",
    )
    .unwrap();
    let (report, code) = verify(&db, &[]);
    assert_eq!(code, 1);
    let findings = chain_findings(&report);
    assert!(
        findings.contains(
            &"party XXA has no link in the chain: it was not written by isu-ledger".to_string()
        ),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("reminder ") && f.contains("is missing: it was removed")),
        "{findings:?}"
    );
    // The quick check sees the row added last.
    let (quick, code) = verify(&db, &["--quick"]);
    assert_eq!(code, 1, "{quick}");
    assert!(
        chain_findings(&quick)
            .iter()
            .any(|f| f.starts_with("party XXA has no link")),
        "{quick}"
    );
}

#[test]
fn verify_against_an_old_head_passes_and_a_forged_one_fails() {
    let (_dir, db) = full_ledger();
    let status: Value =
        serde_json::from_str(&isu_ok(&db, &["--format", "json", "status", "2017"])).unwrap();
    let old = head_of(&status);
    // Later writes extend the chain; the old head still holds.
    isu_ok(
        &db,
        &[
            "contribution",
            "add",
            "NOR",
            "1000",
            "--date",
            "2017-07-01",
            "--year",
            "2017",
        ],
    );
    let (report, code) = verify(&db, &["--against", &old]);
    assert_eq!(code, 0, "{report}");
    assert_ne!(head_of(&report), old, "the chain grew");
    let (quick, code) = verify(&db, &["--quick", "--against", &old]);
    assert_eq!(code, 0, "{quick}");
    // With the count grouped as printed.
    let (count, hash) = old.split_once(':').unwrap();
    let grouped = format!("{}'{}:{hash}", &count[..1], &count[1..]);
    assert_eq!(verify(&db, &["--against", &grouped]).1, 0);

    // A forged head: one digit of the hash changed, or a count the hash is not of.
    let mut forged = old.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    for head in [
        forged,
        format!("{}:{hash}", count.parse::<i64>().unwrap() - 1),
    ] {
        for quick in [false, true] {
            let mut args = vec!["--against", head.as_str()];
            if quick {
                args.push("--quick");
            }
            let (report, code) = verify(&db, &args);
            assert_eq!(code, 1, "{head}: {report}");
            assert!(
                chain_findings(&report)
                    .iter()
                    .any(|f| f.contains("not at the head given")),
                "{report}"
            );
        }
    }
    // A head beyond the chain: rows were removed.
    let beyond = format!("999999:{hash}");
    let (report, code) = verify(&db, &["--against", &beyond]);
    assert_eq!(code, 1);
    assert!(
        chain_findings(&report)[0].contains("beyond the chain"),
        "{report}"
    );

    // History changed before the old head: the old head no longer holds.
    behind_the_back(
        &db,
        "budget",
        "UPDATE budget SET total_minor = total_minor + 100 WHERE year = 2017",
    )
    .unwrap();
    let (report, code) = verify(&db, &["--against", &old]);
    assert_eq!(code, 1);
    assert!(
        chain_findings(&report)
            .iter()
            .any(|f| f.starts_with("budget 2017 1 does not match chain link")),
        "{report}"
    );
}

#[test]
fn a_bad_chain_head_is_one_line_and_exit_2() {
    let (_dir, db) = full_ledger();
    for bad in [
        "12",
        "abc:00",
        "12:xyz",
        "-1:0000000000000000000000000000000000000000000000000000000000000000",
        "12:000000000000000000000000000000000000000000000000000000000000000",
    ] {
        let output = isu(&db)
            .args(["verify", &format!("--against={bad}")])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("chain head"), "{stderr}");
    }
}

#[test]
fn the_head_is_at_the_foot_of_status_report_and_verify() {
    let (dir, db) = full_ledger();
    let (verified, _) = verify(&db, &[]);
    let head = verified["chain"]["head"].as_str().unwrap().to_string();
    assert_eq!(head.len(), 64);
    let status = isu_ok(&db, &["status", "2017"]);
    let foot = status.trim_end().lines().last().unwrap();
    assert!(foot.starts_with("Chain: 1'"), "{status}");
    assert!(foot.ends_with(&format!("rows, head {head}")), "{status}");
    let json: Value =
        serde_json::from_str(&isu_ok(&db, &["--format", "json", "status", "2017"])).unwrap();
    assert_eq!(json["chain"], verified["chain"]);
    assert!(json["budget"].is_object() || json.get("received").is_some());
    let table = isu_ok(&db, &["verify"]);
    assert!(table.trim_end().ends_with(&head), "{table}");
    for annual in [false, true] {
        let out = dir.path().join("report.html");
        let mut args = vec!["report", "2017", "--out", "report.html"];
        if annual {
            args.push("--annual");
        }
        let said = isu_ok(&db, &args);
        assert!(said.trim_end().ends_with(&head), "{said}");
        let html = std::fs::read_to_string(&out).unwrap();
        let footer = &html[html.find("<footer>").unwrap()..];
        assert!(footer.contains(&format!("head {head}")), "{footer}");
    }
    // Reading does not move the head; writing does.
    assert_eq!(verify(&db, &[]).0["chain"], verified["chain"]);
    isu_ok(&db, &["rate", "set", "EUR", "1.05", "--date", "2017-07-01"]);
    let after = verify(&db, &[]).0;
    assert_eq!(
        after["chain"]["count"].as_i64(),
        verified["chain"]["count"].as_i64().map(|n| n + 1),
        "one link for the one row written"
    );
}

#[test]
fn a_ledger_of_the_previous_version_builds_its_chain_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger-v3/ledger-v3.sqlite"),
        &db,
    )
    .unwrap();
    let (first, code) = verify(&db, &[]);
    assert_eq!(code, 0, "{first}");
    let conn = Connection::open(&db).unwrap();
    let mut rows = 0i64;
    for table in HISTORY {
        rows += conn
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap();
    }
    drop(conn);
    assert_eq!(first["chain"]["count"], rows, "every row chained once");
    // Opening again builds nothing more.
    isu_ok(&db, &["status", "2017", "--as-of", "2017-12-31"]);
    assert_eq!(verify(&db, &[]).0["chain"], first["chain"]);
}

#[test]
fn a_damaged_page_is_found_by_the_full_and_the_quick_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    isu_ok(&db, &["demo"]);
    for (table, quick) in [("transfer", false), ("transfer", true), ("party", true)] {
        let copy = dir.path().join(format!("{table}-{quick}.sqlite"));
        std::fs::copy(&db, &copy).unwrap();
        let (page_size, root): (u64, u64) = {
            let conn = Connection::open(&copy).unwrap();
            let page_size = conn
                .query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap();
            let root = conn
                .query_row(
                    "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .unwrap();
            (page_size, root)
        };
        assert!(
            !dir.path()
                .join(format!("{table}-{quick}.sqlite-wal"))
                .exists()
                || std::fs::metadata(dir.path().join(format!("{table}-{quick}.sqlite-wal")))
                    .unwrap()
                    .len()
                    == 0,
            "the demo's pages are all in the file"
        );
        // The first byte of a b-tree page says what kind of page it is: 0 is none.
        let mut bytes = std::fs::read(&copy).unwrap();
        let offset = usize::try_from((root - 1) * page_size).unwrap();
        assert!(matches!(bytes[offset], 2 | 5 | 10 | 13), "a b-tree page");
        bytes[offset] = 0;
        std::fs::write(&copy, bytes).unwrap();
        let args: &[&str] = if quick { &["--quick"] } else { &[] };
        let (report, code) = verify(&copy, args);
        assert_eq!(code, 1, "{report}");
        let integrity: Vec<&Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == "integrity")
            .collect();
        assert!(!integrity.is_empty(), "{table} (quick: {quick}): {report}");
    }
}

#[test]
fn running_sums_changed_in_a_ledger_file_are_found_beside_the_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    isu_ok(&db, &["demo"]);
    {
        let conn = Connection::open(&db).unwrap();
        let changed = conn
            .execute(
                "UPDATE account_running SET debit_minor = debit_minor + 1
                 WHERE (budget_year, account_id, fund, party, currency, posted_on) =
                       (SELECT budget_year, account_id, fund, party, currency, posted_on
                        FROM account_running ORDER BY posted_on DESC LIMIT 1)",
                [],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
    let (report, code) = verify(&db, &[]);
    assert_eq!(code, 1, "{report}");
    let checks: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(checks.contains(&"running"), "{report}");
    assert!(!checks.contains(&"integrity"), "{report}");
}
