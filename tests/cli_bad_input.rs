//! Bad input is refused with one clear line on stderr, `error: ...`, exit code 2, and
//! nothing written (DESIGN.md section 6). Each test sets up a small ledger, dumps it, runs one
//! bad command and checks the message and that the dump is unchanged. Recording the same
//! thing twice is not an error but must not write anything either; and the triggers keep
//! entries and transfers append-only even for someone who bypasses the program.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use common::{count, dump, isu, isu_ok, refusal, refused, setup};
use tempfile::TempDir;

/// Asserts that `message` contains each of `expected`.
fn assert_mentions(message: &str, expected: &[&str]) {
    for text in expected {
        assert!(message.contains(text), "expected {text:?} in: {message}");
    }
}

/// A ledger with Germany and France.
fn ledger() -> (TempDir, std::path::PathBuf) {
    let (dir, db) = setup();
    isu_ok(&db, &words("party add DEU"));
    isu_ok(&db, &words("party add FRA"));
    (dir, db)
}

/// A ledger with Germany, France, the 2017 budget and one contribution (reference R1).
fn ledger_with_contribution() -> (TempDir, std::path::PathBuf) {
    let (dir, db) = ledger();
    isu_ok(
        &db,
        &words("budget set 2017 --total 459000 --line staff=400000 --line travel=59000"),
    );
    isu_ok(
        &db,
        &words("contribution add DEU 16'584.98 --date 2017-03-01 --ref R1"),
    );
    (dir, db)
}

/// A command line written as one string, split at spaces.
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

const CONTRIBUTION_HEADER: &str = "date,party,amount,currency,year,ref\n";

// Parties.

#[test]
fn unknown_party() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(&db, &words("contribution add ITA 100 --date 2017-03-01"));
    assert_mentions(&message, &["unknown party", "'ITA'", "party add ITA"]);
}

#[test]
fn duplicate_party_code() {
    let (_dir, db) = ledger();
    let message = refused(&db, &["party", "add", "DEU", "--name", "Germany again"]);
    assert_mentions(&message, &["DEU", "already exists"]);
}

#[test]
fn invalid_iso_code() {
    let (_dir, db) = ledger();
    let message = refused(&db, &words("party add ZZZ"));
    assert_mentions(&message, &["'ZZZ'", "ISO 3166"]);
}

// Amounts.

#[test]
fn amount_with_three_decimals() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(&db, &words("contribution add DEU 1.234 --date 2017-03-01"));
    assert_mentions(&message, &["amount '1.234'", "more than two decimals"]);
}

#[test]
fn zero_contribution() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(&db, &words("contribution add DEU 0 --date 2017-03-01"));
    assert_mentions(&message, &["contribution must be positive", "0.00"]);
}

#[test]
fn negative_contribution() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(&db, &words("contribution add DEU -500 --date 2017-03-01"));
    assert_mentions(&message, &["contribution must be positive", "-500.00"]);
}

#[test]
fn amount_in_exponent_notation() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(&db, &words("contribution add DEU 1e5 --date 2017-03-01"));
    assert_mentions(&message, &["amount '1e5'", "exponent"]);
}

#[test]
fn empty_amount() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(
        &db,
        &["contribution", "add", "DEU", "", "--date", "2017-03-01"],
    );
    assert_mentions(&message, &["amount is empty"]);
}

// Dates, currencies and rates.

#[test]
fn date_february_30() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(&db, &words("contribution add DEU 100 --date 2017-02-30"));
    assert_mentions(&message, &["invalid date '2017-02-30'", "YYYY-MM-DD"]);
}

#[test]
fn as_of_month_13() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(&db, &words("--as-of 2017-13-01 status 2017"));
    assert_mentions(&message, &["--as-of", "invalid date '2017-13-01'"]);
}

#[test]
fn year_that_is_not_a_number() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(
        &db,
        &words("contribution add DEU 100 --date 2017-03-01 --year 20x7"),
    );
    assert_mentions(&message, &["'20x7'", "--year"]);
}

#[test]
fn unknown_currency() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(
        &db,
        &words("contribution add DEU 100 --date 2017-03-01 --currency XYZ --rate 1.1"),
    );
    assert_mentions(&message, &["unknown currency 'XYZ'", "ISO 4217"]);
}

#[test]
fn non_chf_without_rate() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(
        &db,
        &words("contribution add DEU 100 --date 2017-03-01 --currency USD"),
    );
    assert_mentions(&message, &["USD", "needs --rate"]);
}

#[test]
fn chf_with_rate() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(
        &db,
        &words("contribution add DEU 100 --date 2017-03-01 --rate 1.1"),
    );
    assert_mentions(&message, &["CHF", "takes no rate"]);
}

#[test]
fn unknown_fund() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(
        &db,
        &words("contribution add DEU 100 --date 2017-03-01 --fund picnic"),
    );
    assert_mentions(&message, &["unknown fund 'picnic'", "isu"]);
}

#[test]
fn empty_user() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(
        &db,
        &[
            "contribution",
            "add",
            "DEU",
            "100",
            "--date",
            "2017-03-02",
            "--user",
            " ",
        ],
    );
    assert_mentions(&message, &["--user is empty"]);
}

// References.

#[test]
fn same_ref_with_different_amount() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(
        &db,
        &words("contribution add DEU 16'584.99 --date 2017-03-01 --ref R1"),
    );
    assert_mentions(
        &message,
        &[
            "reference 'R1'",
            "already recorded",
            "different",
            "16'584.98",
            "16'584.99",
        ],
    );
}

#[test]
fn same_ref_with_same_content_is_a_no_op() {
    let (_dir, db) = ledger_with_contribution();
    let before = dump(&db);
    let stdout = isu_ok(
        &db,
        &words("contribution add DEU 16'584.98 --date 2017-03-01 --ref R1"),
    );
    assert_mentions(&stdout, &["'R1'", "already recorded", "nothing written"]);
    assert_eq!(dump(&db), before);
}

#[test]
fn reverse_of_unknown_entry() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(&db, &words("reverse 99 --reason typo"));
    assert_mentions(&message, &["entry 99"]);
}

// Budgets.

#[test]
fn budget_lines_not_summing_to_the_total() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(
        &db,
        &words("budget set 2018 --total 459000 --line staff=400000 --line travel=58000"),
    );
    assert_mentions(&message, &["lines add up to", "458'000.00", "459'000.00"]);
}

#[test]
fn budget_line_without_amount() {
    let (_dir, db) = ledger_with_contribution();
    let message = refused(&db, &words("budget set 2018 --total 459000 --line staff"));
    assert_mentions(&message, &["budget line 'staff'", "NAME=AMOUNT"]);
}

// CSV files.

/// Writes `contents` next to the ledger under `name`.
fn write_beside(db: &Path, name: &str, contents: impl AsRef<[u8]>) {
    fs::write(db.with_file_name(name), contents).expect("write a test file");
}

#[test]
fn csv_missing_a_column() {
    let (_dir, db) = ledger_with_contribution();
    write_beside(
        &db,
        "no-ref.csv",
        "date,party,amount,currency,year\n2017-04-01,FRA,100,CHF,2017\n",
    );
    let message = refused(&db, &words("contribution import no-ref.csv"));
    assert_mentions(&message, &["no-ref.csv:1:", "missing column 'ref'"]);
}

#[test]
fn csv_with_an_unknown_column() {
    let (_dir, db) = ledger_with_contribution();
    write_beside(
        &db,
        "colour.csv",
        "date,party,amount,currency,year,ref,colour\n2017-04-01,FRA,100,CHF,2017,C1,blue\n",
    );
    let message = refused(&db, &words("contribution import colour.csv"));
    assert_mentions(&message, &["colour.csv:1:", "unknown column 'colour'"]);
}

#[test]
fn csv_row_with_a_missing_field() {
    let (_dir, db) = ledger_with_contribution();
    let csv = format!(
        "{CONTRIBUTION_HEADER}2017-04-01,FRA,100,CHF,2017,C1\n2017-04-01,FRA,100,CHF,2017\n"
    );
    write_beside(&db, "short.csv", csv);
    let message = refused(&db, &words("contribution import short.csv"));
    assert_mentions(&message, &["short.csv:3:", "expected 6 fields, found 5"]);
}

/// 130 good contribution rows under the header: file lines 2 to 131.
fn csv_of_130_rows() -> Vec<String> {
    (2..=131)
        .map(|line| {
            let party = if line % 2 == 0 { "DEU" } else { "FRA" };
            format!("2017-04-01,{party},{line}.50,CHF,2017,BANK-{line:04}")
        })
        .collect()
}

#[test]
fn csv_of_130_rows_whose_row_77_is_bad() {
    let (_dir, db) = ledger_with_contribution();
    let mut rows = csv_of_130_rows();
    // Element 75 is file line 77: the header is line 1.
    rows[75] = "2017-04-01,DEU,77.505,CHF,2017,BANK-0077".to_string();
    write_beside(
        &db,
        "bank.csv",
        format!("{CONTRIBUTION_HEADER}{}\n", rows.join("\n")),
    );
    let entries = count(&db, "entry");
    let message = refused(&db, &words("contribution import bank.csv"));
    assert_mentions(
        &message,
        &["bank.csv:77:", "amount '77.505'", "more than two decimals"],
    );
    assert_eq!(count(&db, "entry"), entries, "no row was imported");

    // The same file with row 77 corrected imports all 130 rows.
    write_beside(
        &db,
        "bank.csv",
        format!("{CONTRIBUTION_HEADER}{}\n", csv_of_130_rows().join("\n")),
    );
    let stdout = isu_ok(&db, &words("contribution import bank.csv"));
    assert_mentions(&stdout, &["130 rows", "130 contributions recorded"]);
    assert_eq!(count(&db, "entry"), entries + 130);
}

#[test]
fn csv_line_numbers_count_blank_lines() {
    // csv's Position::line skips blank lines (BurntSushi/rust-csv#208); the message must
    // still name the line a person sees in an editor.
    let (_dir, db) = ledger_with_contribution();
    let csv = format!("{CONTRIBUTION_HEADER}2017-04-01,FRA,100,CHF,2017,C1\n\n\n2017-04-01,FRA,1.005,CHF,2017,C2\n");
    write_beside(&db, "gaps.csv", csv);
    let message = refused(&db, &words("contribution import gaps.csv"));
    assert_mentions(&message, &["gaps.csv:5:", "amount '1.005'"]);
}

#[test]
fn csv_row_with_unknown_party() {
    let (_dir, db) = ledger_with_contribution();
    let csv = format!(
        "{CONTRIBUTION_HEADER}2017-04-01,FRA,100,CHF,2017,C1\n2017-04-01,ITA,100,CHF,2017,C2\n"
    );
    write_beside(&db, "italy.csv", csv);
    let message = refused(&db, &words("contribution import italy.csv"));
    assert_mentions(&message, &["italy.csv:3:", "unknown party 'ITA'"]);
}

#[test]
fn csv_in_latin_1() {
    let (_dir, db) = ledger_with_contribution();
    let mut csv = format!("{CONTRIBUTION_HEADER}2017-04-01,FRA,100,CHF,2017,C1\n").into_bytes();
    // "virement-caf\xe9": an e-acute in Latin-1, not valid UTF-8.
    csv.extend_from_slice(b"2017-04-01,FRA,200,CHF,2017,virement-caf\xe9\n");
    write_beside(&db, "latin1.csv", csv);
    let message = refused(&db, &words("contribution import latin1.csv"));
    assert_mentions(&message, &["latin1.csv:3:", "UTF-8"]);
}

/// `text` as UTF-16 little-endian with a byte order mark, as Excel saves "Unicode text".
fn utf16_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn csv_in_utf_16() {
    let (_dir, db) = ledger_with_contribution();
    let csv = format!("{CONTRIBUTION_HEADER}2017-04-01,FRA,100,CHF,2017,C1\n");
    write_beside(&db, "utf16.csv", utf16_with_bom(&csv));
    let message = refused(&db, &words("contribution import utf16.csv"));
    assert_mentions(&message, &["utf16.csv:1:", "UTF-16", "UTF-8"]);
}

#[test]
fn party_csv_in_latin_1() {
    let (_dir, db) = ledger();
    write_beside(
        &db,
        "parties.csv",
        b"code,name\nCHE,Switzerland\nAUT,\xd6sterreich\n",
    );
    let message = refused(&db, &words("party import parties.csv"));
    assert_mentions(&message, &["parties.csv:3:", "UTF-8"]);
}

#[test]
fn party_csv_in_utf_16() {
    let (_dir, db) = ledger();
    write_beside(
        &db,
        "parties.csv",
        utf16_with_bom("code,name\nAUT,Österreich\n"),
    );
    let message = refused(&db, &words("party import parties.csv"));
    assert_mentions(&message, &["parties.csv:1:", "UTF-16", "UTF-8"]);
}

#[test]
fn party_csv_with_a_bad_code() {
    let (_dir, db) = ledger();
    write_beside(&db, "parties.csv", "code,name\nAUT,Austria\nZZZ,Nowhere\n");
    let message = refused(&db, &words("party import parties.csv"));
    assert_mentions(&message, &["parties.csv:3:", "'ZZZ'", "ISO 3166"]);
}

#[test]
fn reference_twice_in_one_csv_with_the_same_content() {
    let (_dir, db) = ledger_with_contribution();
    let row = "2017-04-01,FRA,100,CHF,2017,C1\n";
    write_beside(&db, "twice.csv", format!("{CONTRIBUTION_HEADER}{row}{row}"));
    let message = refused(&db, &words("contribution import twice.csv"));
    assert_mentions(
        &message,
        &["twice.csv:3:", "reference 'C1'", "twice in this file"],
    );
}

#[test]
fn reference_twice_in_one_csv_with_different_content() {
    // The message must not send the reader to an entry that the refused import never
    // committed; it should say that the reference repeats within the file.
    let (_dir, db) = ledger_with_contribution();
    let csv = format!(
        "{CONTRIBUTION_HEADER}2017-04-01,FRA,100,CHF,2017,C1\n2017-04-02,DEU,200,CHF,2017,C1\n"
    );
    write_beside(&db, "twice.csv", csv);
    let message = refused(&db, &words("contribution import twice.csv"));
    assert_mentions(
        &message,
        &["twice.csv:3:", "reference 'C1'", "twice in this file"],
    );
}

#[test]
fn importing_the_same_csv_twice_adds_nothing_the_second_time() {
    let (_dir, db) = ledger_with_contribution();
    let csv = format!(
        "{CONTRIBUTION_HEADER}2017-04-01,FRA,100,CHF,2017,C1\n2017-04-02,DEU,200,CHF,2017,C2\n"
    );
    write_beside(&db, "april.csv", csv);
    let first = isu_ok(&db, &words("contribution import april.csv"));
    assert_mentions(&first, &["2 contributions recorded", "0 already recorded"]);
    let after_first = dump(&db);
    let second = isu_ok(&db, &words("contribution import april.csv"));
    assert_mentions(&second, &["0 contributions recorded", "2 already recorded"]);
    assert_eq!(dump(&db), after_first);
}

// The ledger file.

#[test]
fn db_pointing_at_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("books");
    fs::create_dir(&folder).unwrap();
    for line in ["status 2017", "init", "party add DEU"] {
        let message = refusal(isu(&folder).args(words(line)));
        assert_mentions(&message, &["books", "is a directory", "--db"]);
    }
    assert_eq!(
        fs::read_dir(&folder).unwrap().count(),
        0,
        "nothing written in it"
    );
}

#[test]
fn db_pointing_at_a_text_file() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    let text = "Contributions to chase up in March:\nDEU, FRA\n".repeat(50);
    fs::write(&notes, &text).unwrap();
    for line in ["status 2017", "party add DEU"] {
        let message = refusal(isu(&notes).args(words(line)));
        assert_mentions(
            &message,
            &["notes.txt", "not an isu-ledger database", "init"],
        );
    }
    let message = refusal(isu(&notes).arg("init"));
    assert_mentions(
        &message,
        &[
            "notes.txt",
            "not an isu-ledger database",
            "nothing was written",
        ],
    );
    assert_eq!(
        fs::read(&notes).unwrap(),
        text.as_bytes(),
        "the file is unchanged"
    );
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["notes.txt"],
        "no journal or WAL file was left beside it"
    );
}

#[test]
fn db_from_a_newer_version() {
    let (_dir, db) = ledger_with_contribution();
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let message = refused(&db, &words("status 2017"));
    assert_mentions(
        &message,
        &["ledger.sqlite", "newer isu-ledger", "99", "upgrade"],
    );
    let message = refused(&db, &words("contribution add FRA 100 --date 2017-03-01"));
    assert_mentions(&message, &["newer isu-ledger"]);
}

#[test]
fn db_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.sqlite");
    let message = refusal(isu(&missing).args(["status", "2017"]));
    assert_mentions(&message, &["no ledger at", "missing.sqlite", "init"]);
    assert!(!missing.exists(), "no ledger was created");
}

// The triggers.

#[test]
fn update_and_delete_of_entries_and_transfers_are_aborted_by_the_triggers() {
    let (_dir, db) = ledger_with_contribution();
    assert!(count(&db, "entry") > 0 && count(&db, "transfer") > 0);
    let before = dump(&db);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut report = String::new();
    for sql in [
        "UPDATE entry SET description = 'x'",
        "DELETE FROM entry",
        "UPDATE transfer SET amount_minor = 1",
        "DELETE FROM transfer",
        "UPDATE budget SET total_minor = 1",
        "DELETE FROM budget_line",
    ] {
        match conn.execute(sql, []) {
            Ok(rows) => writeln!(report, "{sql}: changed {rows} rows").unwrap(),
            Err(error) if error.to_string().contains("append-only") => {}
            Err(error) => writeln!(report, "{sql}: unexpected error {error}").unwrap(),
        }
    }
    drop(conn);
    assert!(report.is_empty(), "{report}");
    assert_eq!(dump(&db), before);
}
