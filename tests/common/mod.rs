//! Helpers shared by the integration tests: a fresh ledger in a temporary directory, the
//! real binary pointed at it, and a dump of everything the ledger holds, so that a test can
//! say "nothing was written" by comparing the dump before and after a command.

// Each test file compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use tempfile::TempDir;

/// A temporary directory holding a new, empty ledger `ledger.sqlite` (made with `init`).
/// Keep the `TempDir` alive for as long as the ledger is used.
pub fn setup() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let db = dir.path().join("ledger.sqlite");
    isu_ok(&db, &["init"]);
    (dir, db)
}

/// The real binary with `--db DB --user test`, run in the directory that holds `db` (so that
/// files next to the ledger can be named by their bare name) and without `$ISU_LEDGER_DB`.
pub fn isu(db: &Path) -> Command {
    let mut command = Command::cargo_bin("isu-ledger").expect("the isu-ledger binary");
    if let Some(dir) = db.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        command.current_dir(dir);
    }
    command
        .env_remove("ISU_LEDGER_DB")
        .arg("--db")
        .arg(db)
        .args(["--user", "test"]);
    command
}

/// Runs a command that must succeed; returns its standard output.
pub fn isu_ok(db: &Path, args: &[&str]) -> String {
    let output = isu(db).args(args).output().expect("run isu-ledger");
    assert!(
        output.status.success(),
        "isu-ledger {args:?} failed with {}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("standard output is UTF-8")
}

/// Every row of every table (ordered by all its columns), the schema, `user_version` and
/// `application_id`, as text: equal dumps mean equal ledgers.
pub fn dump(db: &Path) -> String {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("open {} for a dump: {e}", db.display()));
    let mut out = String::new();
    for pragma in ["user_version", "application_id"] {
        let value: i64 = conn
            .query_row(&format!("PRAGMA {pragma}"), [], |row| row.get(0))
            .expect("read a pragma");
        writeln!(out, "{pragma} = {value}").unwrap();
    }
    let mut schema = conn
        .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
        .expect("read the schema");
    let objects: Vec<(String, String, Option<String>)> = schema
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .expect("read the schema")
        .collect::<Result<_, _>>()
        .expect("read the schema");
    for (kind, name, sql) in &objects {
        writeln!(out, "{kind} {name}: {}", sql.as_deref().unwrap_or("")).unwrap();
    }
    for (_, table, _) in objects.iter().filter(|(kind, _, _)| kind == "table") {
        let columns = conn
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("prepare a select")
            .column_count();
        let order: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
        let mut select = conn
            .prepare(&format!(
                "SELECT * FROM \"{table}\" ORDER BY {}",
                order.join(", ")
            ))
            .expect("prepare a select");
        let rows: Vec<Vec<Value>> = select
            .query_map([], |row| (0..columns).map(|i| row.get(i)).collect())
            .expect("read a table")
            .collect::<Result<_, _>>()
            .expect("read a table");
        writeln!(out, "[{table}] {} rows", rows.len()).unwrap();
        for row in rows {
            writeln!(out, "  {row:?}").unwrap();
        }
    }
    out
}

/// The number of rows in a table.
pub fn count(db: &Path, table: &str) -> i64 {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("open {}: {e}", db.display()));
    conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |row| {
        row.get(0)
    })
    .expect("count rows")
}

/// An amount as JSON and CSV carry it, `-1234.50`, in centimes. Panics unless it is a
/// plain number with exactly two decimals.
pub fn minor(amount: &str) -> i64 {
    let (sign, digits) = match amount.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, amount),
    };
    let (major, cents) = digits
        .split_once('.')
        .unwrap_or_else(|| panic!("amount {amount:?} has no decimal point"));
    assert!(
        !major.is_empty()
            && major.bytes().all(|b| b.is_ascii_digit())
            && cents.len() == 2
            && cents.bytes().all(|b| b.is_ascii_digit()),
        "amount {amount:?} is not a plain number with exactly two decimals"
    );
    sign * (major.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap())
}

/// A JSON amount: a string with exactly two decimals, in centimes.
pub fn json_minor(value: &serde_json::Value) -> i64 {
    minor(
        value
            .as_str()
            .unwrap_or_else(|| panic!("amount {value} is not a JSON string")),
    )
}

/// Runs a command that must be refused: exit code 2, nothing on stdout, and exactly one line
/// on stderr starting with `error: `. Returns that line.
pub fn refusal(command: &mut Command) -> String {
    let output = command.output().expect("run isu-ledger");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit code 2; stdout: {stdout}; stderr: {stderr}"
    );
    assert!(
        stdout.is_empty(),
        "a refusal prints nothing on stdout: {stdout}"
    );
    assert!(
        stderr.ends_with('\n') && stderr.lines().count() == 1,
        "stderr must be exactly one line: {stderr:?}"
    );
    let line = stderr.trim_end_matches('\n');
    assert!(
        line.starts_with("error: "),
        "stderr must start with 'error: ': {line}"
    );
    line.to_string()
}

/// Runs `args` on the ledger, which must refuse them and leave the ledger unchanged.
pub fn refused(db: &Path, args: &[&str]) -> String {
    let before = dump(db);
    let message = refusal(isu(db).args(args));
    assert_eq!(
        dump(db),
        before,
        "the refused command {args:?} changed the ledger"
    );
    message
}

/// `text` with every chain head hash (64 hexadecimal digits after `head ` or `"head": "`)
/// replaced by `HEAD`: the head covers when each row was entered and by whom, so it differs
/// from one build of the same ledger to the next, where the count does not.
pub fn mask_chain_head(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(index) = ["head ", "\"head\": \""]
        .iter()
        .filter_map(|marker| rest.find(marker).map(|i| i + marker.len()))
        .min()
    {
        out.push_str(&rest[..index]);
        rest = &rest[index..];
        let hex = rest.bytes().take_while(|b| b.is_ascii_hexdigit()).count();
        if hex == 64 {
            out.push_str("HEAD");
            rest = &rest[64..];
        }
    }
    out.push_str(rest);
    out
}

/// The folder of a set of golden letters.
pub fn golden_letters(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
        .join("letters")
        .join(name)
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Compares every file in `actual` with the golden folder `name`, byte for byte, or
/// rewrites that folder when `UPDATE_GOLDEN=1`.
pub fn assert_golden_letters(name: &str, actual: &Path) {
    let golden = golden_letters(name);
    let names = file_names(actual);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        let _ = fs::remove_dir_all(&golden);
        fs::create_dir_all(&golden).expect("create the golden folder");
        for file in &names {
            fs::copy(actual.join(file), golden.join(file)).expect("write a golden file");
        }
        return;
    }
    assert!(
        golden.is_dir(),
        "no golden folder {}; create it with UPDATE_GOLDEN=1",
        golden.display()
    );
    assert_eq!(
        names,
        file_names(&golden),
        "the files written, against {}",
        golden.display()
    );
    for file in &names {
        let expected = fs::read_to_string(golden.join(file)).unwrap();
        let got = fs::read_to_string(actual.join(file)).unwrap();
        if expected != got {
            let line = expected
                .lines()
                .zip(got.lines())
                .position(|(e, g)| e != g)
                .map_or_else(|| "in length".to_string(), |i| format!("at line {}", i + 1));
            panic!(
                "{file} differs from {} ({line}); if the change is deliberate, run with \
                 UPDATE_GOLDEN=1 and review the diff\n--- expected\n{expected}--- got\n{got}",
                golden.join(file).display()
            );
        }
    }
}
