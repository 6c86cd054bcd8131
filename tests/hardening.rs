//! Regression tests of known faults: damage made through rusqlite behind the program's back, rates and sums at the edge of
//! 64 bits, a busy ledger, interrupted builds, files the program must not write, and a
//! letter template that would run for ever. Each test names its fault.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};
use std::time::{Duration, Instant};

use common::{dump, isu, isu_ok, setup};
use rusqlite::Connection;

/// Runs a command that must be refused with exit code `code` and one line on stderr;
/// returns that line.
fn refused_with(db: &Path, args: &[&str], code: i32) -> String {
    let output = isu(db).args(args).output().expect("run isu-ledger");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(code),
        "isu-ledger {args:?}: {stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

fn refused(db: &Path, args: &[&str]) -> String {
    refused_with(db, args, 2)
}

/// A temporary directory holding the 2017 example as `ledger.sqlite`.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    isu_ok(&db, &["demo"]);
    (dir, db)
}

/// A connection that changes the ledger behind the program's back.
fn tamper(db: &Path) -> Connection {
    let conn = Connection::open(db).unwrap();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn
}

fn companions(db: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", db.display())))
        .filter(|path| path.exists())
        .collect()
}

// Fault 1: verify crashed on foreign-key damage in a table without rowid, and budget report
// showed the staff spending of a deleted account as 0.00.
#[test]
fn fault_1_verify_finds_damage_in_tables_without_rowid_and_reports_refuse_it() {
    let (_dir, db) = demo();
    tamper(&db)
        .execute("DELETE FROM account WHERE name = 'expenses:staff'", [])
        .unwrap();
    let output = isu(&db).arg("verify").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("of account_total refer") && stdout.contains("missing row of account"),
        "{stdout}"
    );
    // No report leaves the postings of the missing account out silently.
    for report in [
        &["budget", "report", "2017"][..],
        &["status", "2017"],
        &["balance"],
        &["journal"],
        &["outstanding", "2017"],
    ] {
        let message = refused(&db, report);
        assert!(
            message.contains("an account its postings refer to is missing")
                && message.contains("verify"),
            "{report:?}: {message}"
        );
    }
}

// Fault 1 (point 2): a report trusts what it reads only while the safeguards of history are
// in place; verify lists what is missing instead of refusing.
#[test]
fn fault_1_a_ledger_without_its_append_only_triggers_is_refused_on_open() {
    let (_dir, db) = setup();
    tamper(&db)
        .execute_batch("DROP TRIGGER transfer_no_delete")
        .unwrap();
    let message = refused(&db, &["status", "2017"]);
    assert!(
        message.contains("cannot be trusted") && message.contains("transfer_no_delete"),
        "{message}"
    );
    refused(&db, &["party", "add", "AUT", "--name", "Austria"]);
    let output = isu(&db).arg("verify").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("transfer_no_delete"));
}

// Fault 2: conversions at a rate of 10^27 panicked (exit 101).
#[test]
fn fault_2_a_huge_rate_is_refused_everywhere_without_a_panic() {
    let (dir, db) = demo();
    let before = dump(&db);
    let huge = "1000000000000000000000000000";
    for args in [
        vec![
            "contribution",
            "add",
            "GBR",
            "1",
            "--currency",
            "USD",
            "--rate",
            huge,
        ],
        vec![
            "cost",
            "add",
            "travel",
            "1",
            "--line",
            "travel",
            "--currency",
            "USD",
            "--rate",
            huge,
            "--date",
            "2017-03-03",
            "--year",
            "2017",
        ],
        vec!["rate", "set", "USD", huge, "--date", "2017-07-01"],
    ] {
        let message = refused(&db, &args);
        assert!(message.contains("plausible range"), "{args:?}: {message}");
    }
    let csv = dir.path().join("huge.csv");
    std::fs::write(
        &csv,
        format!("date,party,amount,currency,year,ref,rate\n2017-03-01,GBR,1,USD,2017,H-1,{huge}\n"),
    )
    .unwrap();
    let message = refused(&db, &["contribution", "import", "huge.csv"]);
    assert!(message.contains("huge.csv:2"), "{message}");
    assert_eq!(dump(&db), before, "nothing written");

    // A rate recorded by an earlier version that accepted one is refused when used.
    tamper(&db)
        .execute(
            "INSERT INTO exchange_rate (currency, effective_on, rate, created_at, created_by)
             VALUES ('USD', '2017-07-01', ?1, '2017-07-01T00:00:00Z', 'old')",
            [huge],
        )
        .unwrap();
    let message = refused(
        &db,
        &[
            "contribution",
            "add",
            "GBR",
            "1",
            "--currency",
            "USD",
            "--date",
            "2017-07-02",
        ],
    );
    assert!(message.contains("plausible range"), "{message}");
}

// Fault 2 (point 3): a rate ten times away from the last is taken for a slip.
#[test]
fn fault_2_rate_set_far_from_the_last_rate_needs_confirm() {
    let (_dir, db) = setup();
    isu_ok(&db, &["rate", "set", "USD", "0.95", "--date", "2017-01-01"]);
    for (rate, date) in [("9.6", "2017-02-01"), ("0.09", "2017-02-01")] {
        let message = refused(&db, &["rate", "set", "USD", rate, "--date", date]);
        assert!(message.contains("--confirm"), "{message}");
    }
    isu_ok(&db, &["rate", "set", "USD", "9.4", "--date", "2017-02-01"]);
    isu_ok(
        &db,
        &[
            "rate",
            "set",
            "USD",
            "0.9",
            "--date",
            "2017-03-01",
            "--confirm",
        ],
    );
}

/// Sets the stored running total of the bank account in CHF for 2017, fund isu, no party,
/// and `party` ("" for none), to `debit_minor`, as if that much had been recorded before.
fn seed_bank_total(db: &Path, party: &str, debit_minor: i64) {
    let conn = tamper(db);
    let account: i64 = conn
        .query_row(
            "SELECT id FROM account WHERE name = 'assets:bank:chf'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO account_total (budget_year, account_id, fund, party, currency,
                                    debit_minor, credit_minor)
         VALUES (2017, ?1, 'isu', ?2, 'CHF', ?3, 0)",
        rusqlite::params![account, party, debit_minor],
    )
    .unwrap();
}

// Fault 3: running balances wrapped past 64 bits; smaller overflows gave raw database
// messages without file:line.
#[test]
fn fault_3_an_import_that_would_overflow_a_running_total_names_its_line() {
    let (dir, db) = setup();
    for account in ["assets:bank:chf", "income:other"] {
        isu_ok(&db, &["account", "add", account]);
    }
    // A trillion francs a row, the most one amount may be: the third row would take the
    // total past i64::MAX.
    seed_bank_total(&db, "", i64::MAX - 250_000_000_000_000);
    let before = dump(&db);
    let mut csv = String::from("date,description,debit,credit,amount,ref\n");
    for row in 0..4 {
        csv.push_str(&format!(
            "2017-03-01,Big,assets:bank:chf,income:other,1'000'000'000'000.00,B-{row}\n"
        ));
    }
    std::fs::write(dir.path().join("big.csv"), csv).unwrap();
    let message = refused(&db, &["import", "big.csv"]);
    assert!(message.contains("big.csv:4:"), "{message}");
    assert!(
        message.contains("running total of assets:bank:chf"),
        "{message}"
    );
    assert_eq!(dump(&db), before, "nothing written");

    // Written at once (not buffered): the same refusal, in words, not SQLite's.
    isu_ok(&db, &["party", "add", "AUT", "--name", "Austria"]);
    seed_bank_total(&db, "AUT", i64::MAX - 50);
    let before = dump(&db);
    let message = refused(
        &db,
        &[
            "contribution",
            "add",
            "AUT",
            "1",
            "--date",
            "2017-03-01",
            "--year",
            "2017",
        ],
    );
    assert!(
        message.contains("running total of assets:bank:chf"),
        "{message}"
    );
    assert!(!message.contains("REAL"), "{message}");
    assert_eq!(dump(&db), before, "nothing written");
}

// Fault 3, in memory: the sums an import holds before writing are checked too.
#[test]
fn fault_3_the_sums_held_in_memory_are_checked() {
    let (dir, db) = setup();
    for account in ["assets:bank:chf", "income:other"] {
        isu_ok(&db, &["account", "add", account]);
    }
    seed_bank_total(&db, "", i64::MAX - 50_000_000_000_000);
    let mut csv = String::from("date,description,debit,credit,amount,ref\n");
    csv.push_str("2017-03-01,Big,assets:bank:chf,income:other,1'000'000'000'000.00,B-1\n");
    std::fs::write(dir.path().join("one.csv"), csv).unwrap();
    let message = refused(&db, &["import", "one.csv"]);
    assert!(message.contains("one.csv:2:"), "{message}");
}

// Fault 3: a report whose sum goes beyond 64 bits (running totals changed behind the
// program's back) says so in words, not with SQLite's message.
#[test]
fn fault_3_a_report_sum_beyond_64_bits_is_a_clear_error() {
    let (_dir, db) = demo();
    tamper(&db)
        .execute(
            "UPDATE account_total SET debit_minor = 9223372036854775000
             WHERE account_id = (SELECT id FROM account WHERE name = 'assets:bank:chf')",
            [],
        )
        .unwrap();
    let message = refused(&db, &["balance"]);
    assert!(
        message.contains("beyond what the books can hold"),
        "{message}"
    );
    assert!(!message.contains("integer overflow"), "{message}");
}

/// Holds the ledger's write lock from another connection for `hold`, from a thread.
fn hold_write_lock(db: &Path, hold: Duration) -> std::thread::JoinHandle<()> {
    let conn = Connection::open(db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    std::thread::spawn(move || {
        std::thread::sleep(hold);
        conn.execute_batch("COMMIT").unwrap();
    })
}

// Fault 5: a writer waiting on another failed after 5 s with exit 2.
#[test]
fn fault_5_a_writer_waits_its_turn_and_says_so() {
    let (_dir, db) = setup();
    let holder = hold_write_lock(&db, Duration::from_millis(2_500));
    let started = Instant::now();
    let output = isu(&db)
        .args(["party", "add", "AUT", "--name", "Austria"])
        .output()
        .unwrap();
    holder.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(started.elapsed() >= Duration::from_millis(1_500));
    assert!(
        stderr.contains("waiting for another command to finish writing"),
        "{stderr}"
    );
    assert!(isu_ok(&db, &["party", "list"]).contains("AUT"));
}

#[test]
fn fault_5_a_writer_that_waited_long_enough_gives_up_with_exit_3() {
    let (_dir, db) = setup();
    let before = dump(&db);
    let holder = hold_write_lock(&db, Duration::from_millis(3_000));
    let started = Instant::now();
    let message = refused_with(
        &db,
        &["--wait", "1", "party", "add", "AUT", "--name", "Austria"],
        3,
    );
    assert!(started.elapsed() < Duration::from_millis(2_900));
    holder.join().unwrap();
    assert!(
        message.contains("busy") && message.contains("try again"),
        "{message}"
    );
    assert_eq!(dump(&db), before);
}

// Fault 6: a stale temporary file from a killed init never blocks the next one.
#[test]
fn fault_6_init_builds_beside_the_ledger_and_ignores_a_stale_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    // As left by an init killed while building: no process has this id.
    let stale = dir.path().join(".ledger.sqlite.2147483646.building");
    std::fs::write(&stale, "half a ledger").unwrap();
    isu_ok(&db, &["init"]);
    isu_ok(&db, &["verify"]);
    assert!(!stale.exists());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["ledger.sqlite".to_string()]);
}

/// A small deterministic generator (a fixed seed) for the kill delays.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_isu-ledger"))
}

/// Starts `args` on `db` and kills it after `delay`; returns whether it had finished.
fn run_and_kill(db: &Path, args: &[&str], delay: Duration) -> bool {
    let mut child = StdCommand::new(binary())
        .current_dir(db.parent().unwrap())
        .env_remove("ISU_LEDGER_DB")
        .arg("--db")
        .arg(db)
        .args(["--user", "test"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    let _ = child.wait();
    finished
}

fn verify_output(db: &Path) -> Output {
    isu(db).arg("verify").output().unwrap()
}

fn entries(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM entry", [], |row| row.get(0))
        .unwrap()
}

// Fault 6 (point 5): a child killed at random points during init, demo and an import
// leaves a ledger that opens and verifies, or nothing.
#[test]
fn fault_6_a_killed_init_demo_or_import_leaves_a_whole_ledger_or_nothing() {
    let mut random = Lcg(20_261_201);
    for round in 0..6 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ledger.sqlite");
        let command: &[&str] = if round % 2 == 0 { &["init"] } else { &["demo"] };
        run_and_kill(&db, command, Duration::from_millis(random.below(400)));
        if db.exists() {
            let output = verify_output(&db);
            assert!(
                output.status.success(),
                "round {round} {command:?}: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
        // Whatever was left, the same command then succeeds.
        isu_ok(&db, command);
    }

    let (dir, db) = setup();
    for account in ["assets:bank:chf", "income:other"] {
        isu_ok(&db, &["account", "add", account]);
    }
    let rows = 3_000;
    let mut csv = String::from("date,description,debit,credit,amount,ref\n");
    for row in 0..rows {
        csv.push_str(&format!(
            "2017-03-01,Row,assets:bank:chf,income:other,1.00,K-{row}\n"
        ));
    }
    std::fs::write(dir.path().join("rows.csv"), csv).unwrap();
    for round in 0..4 {
        let before = entries(&db);
        run_and_kill(
            &db,
            &["import", "rows.csv"],
            Duration::from_millis(random.below(600)),
        );
        let after = entries(&db);
        assert!(
            after == before || after == before + rows,
            "round {round}: {before} then {after}: a partial import"
        );
        assert!(verify_output(&db).status.success(), "round {round}");
    }
}

// Fault 7: refusing a database of a newer version switched it to WAL first.
#[test]
fn fault_7_a_newer_or_foreign_database_is_refused_without_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let newer = dir.path().join("newer.sqlite");
    let conn = Connection::open(&newer).unwrap();
    conn.execute_batch(
        "PRAGMA application_id = 1230198092; PRAGMA user_version = 99;
         CREATE TABLE later (x INTEGER);",
    )
    .unwrap();
    drop(conn);
    let foreign = dir.path().join("foreign.sqlite");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER)")
        .unwrap();
    for (db, says) in [
        (&newer, "newer isu-ledger"),
        (&foreign, "not an isu-ledger"),
    ] {
        let bytes = std::fs::read(db).unwrap();
        for args in [
            &["status", "2017"][..],
            &["party", "add", "AUT", "--name", "A"],
        ] {
            let message = refused(db, args);
            assert!(message.contains(says), "{message}");
        }
        assert_eq!(
            std::fs::read(db).unwrap(),
            bytes,
            "{} unchanged",
            db.display()
        );
        assert_eq!(companions(db), Vec::<PathBuf>::new());
        let mode: String = Connection::open(db)
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

// Fault 9: a read-only ledger was "not an isu-ledger database", or gave repeated raw
// messages and left -wal/-shm files. The read-only open is chosen from the permissions,
// so the superuser (who may write anyway) is held to them too and this test checks the
// same thing whoever runs it.
#[test]
fn fault_9_a_read_only_file_is_read_and_a_write_is_refused_in_one_line() {
    let (_dir, db) = demo();
    assert_eq!(companions(&db), Vec::<PathBuf>::new());
    let before = std::fs::read(&db).unwrap();
    set_mode(&db, 0o444);
    let status = isu_ok(&db, &["status", "2017", "--as-of", "2017-06-27"]);
    assert!(status.contains("311'922.54"), "{status}");
    let message = refused(&db, &["party", "add", "AUT", "--name", "Austria"]);
    assert!(message.contains("the ledger is read-only"), "{message}");
    assert_eq!(companions(&db), Vec::<PathBuf>::new());
    set_mode(&db, 0o644);
    assert!(std::fs::read(&db).unwrap() == before, "nothing written");
}

#[test]
fn fault_9_a_ledger_in_a_directory_that_cannot_be_written_is_read_immutable() {
    let (dir, db) = demo();
    assert_eq!(companions(&db), Vec::<PathBuf>::new());
    let before = std::fs::read(&db).unwrap();
    set_mode(dir.path(), 0o555);
    let status = isu_ok(
        &db,
        &["outstanding", "2017", "--as-of", "2017-06-27", "--top", "1"],
    );
    assert!(status.contains("GBR"), "{status}");
    let message = refused(&db, &["rate", "set", "USD", "0.95", "--date", "2017-01-01"]);
    assert!(message.contains("the ledger is read-only"), "{message}");
    assert_eq!(companions(&db), Vec::<PathBuf>::new());
    set_mode(dir.path(), 0o755);
    assert!(std::fs::read(&db).unwrap() == before, "nothing written");
}

// Fault 8: a letter template could hang the program.
#[test]
fn fault_8_a_runaway_letter_template_ends_quickly_with_an_error_naming_it() {
    let (dir, db) = demo();
    for folder in ["hang", "long"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
    }
    std::fs::write(
        dir.path().join("hang/layout.txt"),
        "{% for p in range(100000) %}{% for q in range(100000) %}{% endfor %}{% endfor %}",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("long/layout.txt"),
        "{% for p in range(100000) %}{% for q in range(100) %}0123456789{% endfor %}{% endfor %}",
    )
    .unwrap();
    for (folder, template, says) in [
        ("hang", "hang/layout.txt", "too much work"),
        ("long", "long/layout.txt", "longer than"),
    ] {
        let started = Instant::now();
        let message = refused(
            &db,
            &[
                "--as-of",
                "2017-06-27",
                "letters",
                "2017",
                "--out",
                "out",
                "--template-dir",
                folder,
            ],
        );
        assert!(started.elapsed() < Duration::from_secs(20));
        assert!(
            message.contains(&format!("template {template}")) && message.contains(says),
            "{message}"
        );
    }
}
