//! Assessments and collection through the real binary: scales, `assess`, pledges, how
//! payments are applied (oldest year first, a named year, credits), `outstanding` against
//! the receivable accounts, the honour roll, reminder letters and their mail-merge CSV.
//!
//! Expected amounts are computed here from the UN rates with integers (largest remainder,
//! ties to the smaller code), never read back from the program. Letter golden files live
//! under `tests/golden/letters/`; run with `UPDATE_GOLDEN=1` to rewrite them after a
//! deliberate change, and review the diff.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{
    assert_golden_letters, count, dump, file_names, isu, isu_ok, json_minor, minor, setup,
};
use serde_json::Value;
use tempfile::TempDir;

// Helpers.

/// A command line written as one string, split at spaces.
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Runs `args`, which must be refused: exit code 2, nothing on stdout, exactly one line
/// `error: ...` on stderr, and the ledger unchanged. Returns that line.
fn refused(db: &Path, args: &[&str]) -> String {
    let before = dump(db);
    let output = isu(db).args(args).output().expect("run isu-ledger");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: expected exit code 2; stdout: {stdout}; stderr: {stderr}"
    );
    assert!(
        stdout.is_empty(),
        "{args:?}: a refusal prints nothing on stdout: {stdout}"
    );
    assert!(
        stderr.ends_with('\n') && stderr.lines().count() == 1,
        "{args:?}: stderr must be exactly one line: {stderr:?}"
    );
    let line = stderr.trim_end_matches('\n');
    assert!(
        line.starts_with("error: "),
        "{args:?}: stderr must start with 'error: ': {line}"
    );
    assert_eq!(
        dump(db),
        before,
        "the refused command {args:?} changed the ledger"
    );
    line.to_string()
}

/// Asserts that `message` contains each of `expected`.
fn assert_mentions(message: &str, expected: &[&str]) {
    for text in expected {
        assert!(message.contains(text), "expected {text:?} in: {message}");
    }
}

/// Runs a report with `--format json` and parses it.
fn json(db: &Path, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let stdout = isu_ok(db, &args);
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{args:?} did not print JSON ({e}):\n{stdout}"))
}

/// Centimes as a plain amount for the command line: `43078.69`.
fn plain(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.abs() / 100, minor.abs() % 100)
}

/// Centimes in the Swiss format of letters: `CHF 43'078.69`.
fn swiss(minor: i64) -> String {
    assert!(minor >= 0);
    let major = (minor / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in major.chars().enumerate() {
        if i > 0 && (major.len() - i).is_multiple_of(3) {
            grouped.push('\'');
        }
        grouped.push(digit);
    }
    format!("CHF {grouped}.{:02}", minor % 100)
}

/// The entry number in "recorded entry N: ...".
fn entry_id(stdout: &str) -> String {
    let rest = stdout
        .split("recorded entry ")
        .nth(1)
        .unwrap_or_else(|| panic!("no 'recorded entry' in: {stdout}"));
    rest.chars().take_while(char::is_ascii_digit).collect()
}

/// Records a CHF contribution; `extra` adds flags such as `--year 2017`. Returns the entry.
fn pay(db: &Path, party: &str, amount: i64, date: &str, extra: &[&str]) -> String {
    let amount = plain(amount);
    let mut args = vec!["contribution", "add", party, &amount, "--date", date];
    args.extend(extra);
    entry_id(&isu_ok(db, &args))
}

/// The largest-remainder shares of `budget` centimes in proportion to `rates` (integers):
/// each its exact share rounded down, then one centime each to the largest remainders,
/// ties to the smaller code.
fn shares(budget: i64, rates: &[(&str, i64)]) -> BTreeMap<String, i64> {
    let w: i128 = rates.iter().map(|(_, r)| i128::from(*r)).sum();
    let b = i128::from(budget);
    let mut parts: Vec<(&str, i128, i128)> = rates
        .iter()
        .map(|(code, r)| (*code, b * i128::from(*r) / w, b * i128::from(*r) % w))
        .collect();
    let left = b - parts.iter().map(|(_, q, _)| q).sum::<i128>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&x, &y| parts[y].2.cmp(&parts[x].2).then(parts[x].0.cmp(parts[y].0)));
    for &i in order.iter().take(left as usize) {
        parts[i].1 += 1;
    }
    parts
        .into_iter()
        .map(|(code, amount, _)| (code.to_string(), amount as i64))
        .collect()
}

/// The outstanding report's rows by party.
fn rows_by_party(report: &Value) -> BTreeMap<String, Value> {
    report["rows"]
        .as_array()
        .expect("rows is an array")
        .iter()
        .map(|row| {
            (
                row["party"].as_str().expect("party").to_string(),
                row.clone(),
            )
        })
        .collect()
}

/// `outstanding YEAR --as-of DATE` as JSON.
fn outstanding(db: &Path, year: &str, as_of: &str) -> Value {
    json(db, &["outstanding", year, "--as-of", as_of])
}

/// A row's arrears by year as (year, centimes).
fn arrears_by_year(row: &Value) -> Vec<(i64, i64)> {
    row["arrears_by_year"]
        .as_array()
        .expect("arrears_by_year is an array")
        .iter()
        .map(|y| {
            (
                y["year"].as_i64().expect("a year"),
                json_minor(&y["amount"]),
            )
        })
        .collect()
}

/// The balance of every account starting with `prefix`, from `balance --format json`
/// with `args` (e.g. `--as-of D`, `--year Y`), by the rest of the account name.
fn balances(db: &Path, prefix: &str, args: &[&str]) -> BTreeMap<String, i64> {
    let mut all = vec!["balance"];
    all.extend(args);
    let report = json(db, &all);
    report["rows"]
        .as_array()
        .expect("rows is an array")
        .iter()
        .filter_map(|row| {
            let account = row["account"].as_str().expect("account");
            let rest = account.strip_prefix(prefix)?;
            assert_eq!(row["currency"], "CHF", "{account}");
            Some((rest.to_string(), json_minor(&row["balance"])))
        })
        .collect()
}

const RECEIVABLE: &str = "assets:receivable:contributions:";
const PREPAID: &str = "liabilities:prepaid:";

/// The receivable balances by party.
fn receivables(db: &Path, args: &[&str]) -> BTreeMap<String, i64> {
    balances(db, RECEIVABLE, args)
}

/// The 2016-2018 UN rates of the parties of the hand-made ledger, in thousandths of a per
/// cent (from the UN scale of assessments, A/RES/70/245).
const RATES: [(&str, i64); 4] = [("CHE", 1140), ("DEU", 6389), ("ESP", 2443), ("FRA", 4859)];

/// The budgets of the hand-made ledger, in centimes.
const BUDGET_2016: i64 = 10_000_000;
const BUDGET_2017: i64 = 12_000_000;
const BUDGET_2018: i64 = 9_000_000;

fn assessed(budget: i64) -> BTreeMap<String, i64> {
    shares(budget, &RATES)
}

/// A ledger with Germany (English), France (French), Spain (Spanish) and Switzerland
/// (French, with an address and an e-mail), the budgets of 2016 (CHF 100'000) and 2017
/// (CHF 120'000), each assessed on the UN scale 2016-2018, on 1 December of the year
/// before.
fn two_year_ledger() -> (TempDir, PathBuf) {
    let (dir, db) = setup();
    isu_ok(&db, &words("party add DEU --deposited 2009-07-08"));
    isu_ok(
        &db,
        &words("party add FRA --deposited 2009-09-25 --language fr"),
    );
    isu_ok(
        &db,
        &words("party add ESP --deposited 2009-06-17 --language es"),
    );
    isu_ok(
        &db,
        &[
            "party",
            "add",
            "CHE",
            "--deposited",
            "2012-07-17",
            "--language",
            "fr",
            "--address",
            "Mission permanente de la Suisse auprès de l'Office des Nations Unies à Genève",
            "--email",
            "mission.geneve@example.org",
        ],
    );
    isu_ok(
        &db,
        &words("budget set 2016 --total 100'000 --approved-on 2015-09-01"),
    );
    isu_ok(
        &db,
        &words("budget set 2017 --total 120'000 --approved-on 2016-09-01"),
    );
    isu_ok(
        &db,
        &words("assess 2016 --scale un-2016-2018 --date 2015-12-01"),
    );
    isu_ok(
        &db,
        &words("assess 2017 --scale un-2016-2018 --date 2016-12-01"),
    );
    (dir, db)
}

/// Budget 2018 (CHF 90'000) approved and assessed on 1 December 2017.
fn assess_2018(db: &Path) -> String {
    isu_ok(
        db,
        &words("budget set 2018 --total 90'000 --approved-on 2017-09-01"),
    );
    isu_ok(
        db,
        &words("assess 2018 --scale un-2016-2018 --date 2017-12-01"),
    )
}

/// The demo ledger.
fn demo() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("demo.sqlite");
    isu_ok(&db, &["demo"]);
    (dir, db)
}

/// Writes `contents` next to the ledger under `name`.
fn write_beside(db: &Path, name: &str, contents: &str) -> PathBuf {
    let path = db.with_file_name(name);
    fs::write(&path, contents).expect("write a test file");
    path
}

// Bad input: refused with one line, exit code 2, nothing written.

#[test]
fn scale_file_with_a_duplicate_code() {
    let (_dir, db) = setup();
    write_beside(&db, "dup.csv", "code,rate\nDEU,6.389\nFRA,4.859\nDEU,1\n");
    let message = refused(&db, &words("scale import ccm dup.csv"));
    assert_mentions(&message, &["dup.csv:4:", "DEU", "twice"]);
    let list = isu_ok(&db, &words("scale list --format csv"));
    assert!(!list.contains("ccm"), "{list}");
}

#[test]
fn scale_file_with_an_unknown_code() {
    let (_dir, db) = setup();
    write_beside(&db, "unknown.csv", "code,rate\nDEU,6.389\nZZZ,4.859\n");
    let message = refused(&db, &words("scale import ccm unknown.csv"));
    assert_mentions(&message, &["unknown.csv:3:", "'ZZZ'", "ISO 3166"]);
}

#[test]
fn scale_file_with_a_negative_rate() {
    let (_dir, db) = setup();
    write_beside(&db, "negative.csv", "code,rate\nDEU,6.389\nFRA,-4.859\n");
    let message = refused(&db, &words("scale import ccm negative.csv"));
    assert_mentions(&message, &["negative.csv:3:", "'-4.859'", "negative"]);
}

#[test]
fn scale_file_with_a_rate_that_is_not_a_number() {
    let (_dir, db) = setup();
    write_beside(&db, "words.csv", "code,rate\nDEU,6.389\nFRA,four\n");
    let message = refused(&db, &words("scale import ccm words.csv"));
    assert_mentions(&message, &["words.csv:3:", "'four'"]);
}

#[test]
fn assessing_a_year_without_a_budget() {
    let (_dir, db) = two_year_ledger();
    let message = refused(
        &db,
        &words("assess 2019 --scale un-2016-2018 --date 2018-12-01"),
    );
    assert_mentions(&message, &["no budget", "2019", "budget set 2019"]);
}

#[test]
fn assessing_a_year_twice() {
    let (_dir, db) = two_year_ledger();
    let message = refused(
        &db,
        &words("assess 2017 --scale un-2016-2018 --date 2016-12-02"),
    );
    assert_mentions(&message, &["2017", "already assessed", "--reverse"]);
    // A dry run is still allowed and writes nothing either.
    let before = dump(&db);
    let stdout = isu_ok(
        &db,
        &words("assess 2017 --scale un-2016-2018 --date 2016-12-02 --dry-run"),
    );
    assert!(stdout.contains("nothing was written"), "{stdout}");
    assert_eq!(dump(&db), before);
}

#[test]
fn a_party_missing_from_the_scale_is_named() {
    let (_dir, db) = setup();
    isu_ok(&db, &words("party add DEU --deposited 2009-07-08"));
    // The State of Palestine is not a UN Member: the UN scale has no rate for it.
    isu_ok(&db, &words("party add PSE --deposited 2015-01-02"));
    isu_ok(
        &db,
        &words("budget set 2017 --total 459'000 --approved-on 2016-09-07"),
    );
    let message = refused(
        &db,
        &words("assess 2017 --scale un-2016-2018 --date 2016-12-01"),
    );
    assert_mentions(&message, &["PSE", "un-2016-2018"]);
    // With its rate added over the UN scale, the assessment goes through.
    write_beside(&db, "pse.csv", "code,rate\nPSE,0.001\n");
    isu_ok(&db, &words("scale import ccm pse.csv --base un-2016-2018"));
    isu_ok(&db, &words("assess 2017 --scale ccm --date 2016-12-01"));
    let report = outstanding(&db, "2017", "2017-01-31");
    let rows = rows_by_party(&report);
    let expected = shares(45_900_000, &[("DEU", 6389), ("PSE", 1)]);
    for (code, amount) in &expected {
        assert_eq!(json_minor(&rows[code]["assessed"]), *amount, "{code}");
    }
}

#[test]
fn a_maximum_share_that_cannot_be_met() {
    let (_dir, db) = setup();
    for code in ["DEU", "FRA", "ESP", "CHE"] {
        isu_ok(&db, &["party", "add", code]);
    }
    isu_ok(
        &db,
        &words("budget set 2017 --total 1000 --approved-on 2016-09-01"),
    );
    // Four parties at 24.99% at most cover 99.96% of the budget.
    let message = refused(
        &db,
        &words("assess 2017 --scale un-2016-2018 --date 2016-12-01 --maximum-share 24.99"),
    );
    assert_mentions(&message, &["cannot be shared", "4 parties", "24.99"]);
    // At 25% each pays exactly a quarter.
    isu_ok(
        &db,
        &words("assess 2017 --scale un-2016-2018 --date 2016-12-01 --maximum-share 25"),
    );
    let rows = rows_by_party(&outstanding(&db, "2017", "2017-01-31"));
    for code in ["DEU", "FRA", "ESP", "CHE"] {
        assert_eq!(json_minor(&rows[code]["assessed"]), 25_000, "{code}");
    }
}

#[test]
fn a_feasible_minimum_and_maximum_share_are_met() {
    // CHF 1'000 over Germany (6.389) and Liechtenstein (0.007) with at least CHF 100 and
    // at most 50% each: only 500 and 500 meet both, and they do. The program fixes LIE at
    // the minimum and DEU at the ceiling in the same pass and refuses the rest.
    let (_dir, db) = setup();
    isu_ok(&db, &["party", "add", "DEU"]);
    isu_ok(&db, &["party", "add", "LIE"]);
    isu_ok(
        &db,
        &words("budget set 2017 --total 1000 --approved-on 2016-09-01"),
    );
    isu_ok(
        &db,
        &words(
            "assess 2017 --scale un-2016-2018 --date 2016-12-01 --minimum 100 --maximum-share 50",
        ),
    );
    let rows = rows_by_party(&outstanding(&db, "2017", "2017-01-31"));
    assert_eq!(json_minor(&rows["DEU"]["assessed"]), 50_000);
    assert_eq!(json_minor(&rows["LIE"]["assessed"]), 50_000);
}

#[test]
fn pledge_from_an_unknown_party() {
    let (_dir, db) = two_year_ledger();
    let message = refused(
        &db,
        &words("pledge add ITA 1000 --year 2017 --date 2017-01-10"),
    );
    assert_mentions(&message, &["unknown party", "'ITA'", "party add ITA"]);
}

#[test]
fn pledge_that_is_not_positive() {
    let (_dir, db) = two_year_ledger();
    for amount in ["-5", "0"] {
        let message = refused(
            &db,
            &[
                "pledge",
                "add",
                "DEU",
                amount,
                "--year",
                "2018",
                "--date",
                "2017-01-10",
            ],
        );
        assert_mentions(&message, &["a pledge must be positive"]);
    }
}

#[test]
fn letters_at_level_0() {
    let (dir, db) = two_year_ledger();
    let message = refused(
        &db,
        &words("letters 2017 --out letters --level 0 --as-of 2017-06-30"),
    );
    assert_mentions(&message, &["--level", "1"]);
    assert!(
        !dir.path().join("letters").exists(),
        "no directory was made"
    );
}

#[test]
fn letters_to_a_regular_file() {
    let (dir, db) = two_year_ledger();
    let file = write_beside(&db, "notes.txt", "not a directory\n");
    // With --record too: nothing is recorded when the letters cannot be written.
    let message = refused(
        &db,
        &words("letters 2017 --out notes.txt --record --as-of 2017-06-30"),
    );
    assert_mentions(&message, &["notes.txt", "not a directory"]);
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a directory\n");
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with("ledger.sqlite"))
        .collect();
    names.sort();
    assert_eq!(names, ["notes.txt"], "nothing else was written");
}

#[test]
fn letters_under_a_regular_file() {
    // A directory that cannot be made, whoever runs the test (root included).
    let (dir, db) = two_year_ledger();
    write_beside(&db, "notes.txt", "not a directory\n");
    let message = refused(
        &db,
        &words("letters 2017 --out notes.txt/letters --record --as-of 2017-06-30"),
    );
    assert_mentions(&message, &["notes.txt/letters"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "not a directory\n"
    );
}

#[test]
fn letters_into_a_read_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    // Permissions do not stop root: only run where they are effective.
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("skipped: running as root, a read-only directory is writable");
        return;
    }
    let (dir, db) = two_year_ledger();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
    let message = refused(
        &db,
        &words("letters 2017 --out locked/out --record --as-of 2017-06-30"),
    );
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_mentions(&message, &["locked"]);
    assert_eq!(fs::read_dir(&locked).unwrap().count(), 0);
}

#[test]
fn a_letter_template_with_a_syntax_error() {
    let (dir, db) = two_year_ledger();
    fs::create_dir_all(dir.path().join("mine")).unwrap();
    write_beside(
        &db,
        "mine/reminder.en.html",
        "{% block opening %}\n{% for line in lines %}\n  {{ line.year }\n{% endfor %}\n",
    );
    let message = refused(
        &db,
        &words("letters 2017 --out letters --template-dir mine --as-of 2017-06-30"),
    );
    assert_mentions(&message, &["mine/reminder.en.html", "line 3"]);
    assert!(
        !dir.path().join("letters").exists(),
        "no letter was written"
    );
}

#[test]
fn a_letter_template_naming_an_unknown_variable() {
    let (dir, db) = two_year_ledger();
    fs::create_dir_all(dir.path().join("mine")).unwrap();
    write_beside(
        &db,
        "mine/layout.txt",
        "Dear {{ recipient.name }},\n\n{{ nonsense }}\n",
    );
    let message = refused(
        &db,
        &words("letters 2017 --out letters --template-dir mine --as-of 2017-06-30"),
    );
    assert_mentions(&message, &["mine/layout.txt", "line 3"]);
    assert!(
        !dir.path().join("letters").exists(),
        "no letter was written"
    );
}

// Assessments.

#[test]
fn assessments_are_the_exact_shares_and_add_up_to_the_budget() {
    let (_dir, db) = two_year_ledger();
    let (a16, a17) = (assessed(BUDGET_2016), assessed(BUDGET_2017));
    assert_eq!(a16.values().sum::<i64>(), BUDGET_2016);
    let report = outstanding(&db, "2017", "2016-12-31");
    let rows = rows_by_party(&report);
    assert_eq!(rows.len(), 4);
    for (code, amount) in &a17 {
        let row = &rows[code];
        assert_eq!(json_minor(&row["assessed"]), *amount, "{code} 2017");
        assert_eq!(json_minor(&row["outstanding"]), *amount, "{code} 2017");
        assert_eq!(arrears_by_year(row), [(2016, a16[code])], "{code} 2016");
    }
    // One entry per party and year, kind assessment, against assessed income.
    let journal = json(&db, &["journal", "--as-of", "2017-12-31"]);
    let entries = journal["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 8);
    for entry in entries {
        assert_eq!(entry["kind"], "assessment");
        let party = entry["party"].as_str().unwrap();
        let transfers = entry["transfers"].as_array().unwrap();
        assert_eq!(transfers.len(), 1, "{entry}");
        assert_eq!(transfers[0]["debit"], format!("{RECEIVABLE}{party}"));
        assert_eq!(transfers[0]["credit"], "income:contributions:assessed");
        let year = entry["budget_year"].as_i64().unwrap();
        let expected = if year == 2016 { &a16 } else { &a17 };
        assert_eq!(json_minor(&transfers[0]["amount"]), expected[party]);
    }
    // The status counts them.
    let status = json(&db, &["status", "2017", "--as-of", "2016-12-31"]);
    assert_eq!(json_minor(&status["assessed"]), BUDGET_2017);
    assert_eq!(status["parties_assessed"], 4);
    assert_eq!(status["no_payment"], 4);
    assert_eq!(json_minor(&status["outstanding"]), BUDGET_2017);
    assert_eq!(json_minor(&status["arrears"]), BUDGET_2016);
}

#[test]
fn equal_method_shares_the_centimes_by_code() {
    let (_dir, db) = setup();
    for code in ["FRA", "AUT", "DEU"] {
        isu_ok(&db, &["party", "add", code]);
    }
    isu_ok(
        &db,
        &words("budget set 2017 --total 100 --approved-on 2016-09-01"),
    );
    isu_ok(&db, &words("assess 2017 --method equal --date 2016-12-01"));
    let rows = rows_by_party(&outstanding(&db, "2017", "2017-01-31"));
    let got: Vec<(String, i64)> = rows
        .iter()
        .map(|(code, row)| (code.clone(), json_minor(&row["assessed"])))
        .collect();
    assert_eq!(
        got,
        [
            ("AUT".to_string(), 3_334),
            ("DEU".to_string(), 3_333),
            ("FRA".to_string(), 3_333)
        ]
    );
}

#[test]
fn parties_not_yet_in_force_are_not_assessed() {
    let (_dir, db) = setup();
    isu_ok(&db, &words("party add DEU --deposited 2009-07-08"));
    // Deposited in March 2017: in force on 1 September 2017, not on 1 January.
    isu_ok(&db, &words("party add CHE --deposited 2017-03-15"));
    isu_ok(
        &db,
        &words("budget set 2017 --total 1000 --approved-on 2016-09-01"),
    );
    isu_ok(
        &db,
        &words("assess 2017 --scale un-2016-2018 --date 2016-12-01"),
    );
    let rows = rows_by_party(&outstanding(&db, "2017", "2017-01-31"));
    assert_eq!(rows.keys().collect::<Vec<_>>(), ["DEU"]);
    assert_eq!(json_minor(&rows["DEU"]["assessed"]), 100_000);
}

#[test]
fn an_assessment_reversed_can_be_made_again() {
    let (_dir, db) = two_year_ledger();
    let stdout = isu_ok(
        &db,
        &[
            "assess",
            "2017",
            "--reverse",
            "--reason",
            "wrong scale",
            "--date",
            "2016-12-05",
        ],
    );
    assert!(stdout.contains("reversed"), "{stdout}");
    let rows = rows_by_party(&outstanding(&db, "2017", "2016-12-31"));
    for row in rows.values() {
        assert_eq!(row["outstanding"], "0.00", "{row}");
    }
    isu_ok(&db, &words("assess 2017 --method equal --date 2016-12-06"));
    let rows = rows_by_party(&outstanding(&db, "2017", "2016-12-31"));
    for row in rows.values() {
        assert_eq!(json_minor(&row["outstanding"]), BUDGET_2017 / 4, "{row}");
    }
}

// How payments are applied.

#[test]
fn a_payment_without_a_year_pays_the_oldest_year_first() {
    let (_dir, db) = two_year_ledger();
    let (a16, a17) = (assessed(BUDGET_2016), assessed(BUDGET_2017));
    // Germany pays CHF 50'000: all of 2016, the rest towards 2017.
    pay(&db, "DEU", 5_000_000, "2017-02-01", &["--ref", "UBS-1"]);
    // France pays CHF 1'000: less than it owes for 2016, which takes it all.
    pay(&db, "FRA", 100_000, "2017-02-02", &["--ref", "UBS-2"]);
    let rows = rows_by_party(&outstanding(&db, "2017", "2017-06-30"));
    let deu = &rows["DEU"];
    assert!(arrears_by_year(deu).is_empty());
    assert_eq!(json_minor(&deu["received"]), 5_000_000 - a16["DEU"]);
    assert_eq!(
        json_minor(&deu["outstanding"]),
        a17["DEU"] - (5_000_000 - a16["DEU"])
    );
    assert_eq!(deu["last_payment"], "2017-02-01");
    let fra = &rows["FRA"];
    assert_eq!(arrears_by_year(fra), [(2016, a16["FRA"] - 100_000)]);
    assert_eq!(fra["received"], "0.00");
    assert_eq!(json_minor(&fra["outstanding"]), a17["FRA"]);
    // The receivable accounts per budget year agree.
    let y2016 = receivables(&db, &["--as-of", "2017-06-30", "--year", "2016"]);
    assert_eq!(y2016["DEU"], 0);
    assert_eq!(y2016["FRA"], a16["FRA"] - 100_000);
    let y2017 = receivables(&db, &["--as-of", "2017-06-30", "--year", "2017"]);
    assert_eq!(y2017["DEU"], a17["DEU"] - (5_000_000 - a16["DEU"]));
    assert_eq!(y2017["FRA"], a17["FRA"]);
}

#[test]
fn a_payment_naming_a_year_pays_that_year() {
    let (_dir, db) = two_year_ledger();
    let (a16, a17) = (assessed(BUDGET_2016), assessed(BUDGET_2017));
    pay(&db, "FRA", 1_000_000, "2017-02-02", &["--year", "2017"]);
    // Spain names 2016 and pays CHF 5 more than it owes for it: the rest settles the
    // oldest year still owed, 2017.
    pay(
        &db,
        "ESP",
        a16["ESP"] + 500,
        "2017-02-03",
        &["--year", "2016"],
    );
    let rows = rows_by_party(&outstanding(&db, "2017", "2017-06-30"));
    let fra = &rows["FRA"];
    assert_eq!(
        arrears_by_year(fra),
        [(2016, a16["FRA"])],
        "2016 still owed"
    );
    assert_eq!(json_minor(&fra["received"]), 1_000_000);
    assert_eq!(json_minor(&fra["outstanding"]), a17["FRA"] - 1_000_000);
    let esp = &rows["ESP"];
    assert!(arrears_by_year(esp).is_empty());
    assert_eq!(json_minor(&esp["outstanding"]), a17["ESP"] - 500);
    assert_eq!(esp["credit"], "0.00");
}

/// Switzerland pays CHF 20'000 on 3 February 2017, more than its 2016 and 2017 assessments:
/// both are paid in full and the rest is held as a credit. Returns the payment's entry and
/// the credit, in centimes.
fn switzerland_overpays(db: &Path) -> (String, i64) {
    let (a16, a17) = (assessed(BUDGET_2016), assessed(BUDGET_2017));
    let entry = pay(db, "CHE", 2_000_000, "2017-02-03", &["--ref", "UBS-CHE"]);
    (entry, 2_000_000 - a16["CHE"] - a17["CHE"])
}

#[test]
fn an_overpayment_becomes_a_credit_held_for_the_party() {
    let (_dir, db) = two_year_ledger();
    let (_, credit) = switzerland_overpays(&db);
    assert!(credit > 0);
    let report = outstanding(&db, "2017", "2017-06-30");
    assert!(
        !rows_by_party(&report).contains_key("CHE"),
        "Switzerland owes nothing"
    );
    let prepaid = balances(&db, PREPAID, &["--as-of", "2017-06-30"]);
    assert_eq!(
        prepaid["CHE"], -credit,
        "the credit is a liability to Switzerland"
    );
    assert_eq!(receivables(&db, &["--as-of", "2017-06-30"])["CHE"], 0);
    let status = json(&db, &["status", "2017", "--as-of", "2017-06-30"]);
    assert_eq!(json_minor(&status["credits_held"]), credit);
    assert_eq!(status["paid_in_full"], 1);
    assert_eq!(status["no_payment"], 3);
}

#[test]
fn a_credit_never_reduces_another_partys_arrears() {
    let (_dir, db) = two_year_ledger();
    let (a16, a17) = (assessed(BUDGET_2016), assessed(BUDGET_2017));
    let (_, credit) = switzerland_overpays(&db);
    let report = outstanding(&db, "2017", "2017-06-30");
    let rows = rows_by_party(&report);
    for code in ["DEU", "ESP", "FRA"] {
        let row = &rows[code];
        assert_eq!(arrears_by_year(row), [(2016, a16[code])], "{code}");
        assert_eq!(json_minor(&row["outstanding"]), a17[code], "{code}");
        assert_eq!(row["credit"], "0.00", "{code}");
    }
    let owed_by_others: i64 = ["DEU", "ESP", "FRA"]
        .iter()
        .map(|c| a16[*c] + a17[*c])
        .sum();
    assert_eq!(
        json_minor(&report["total"]),
        owed_by_others,
        "not net of the credit"
    );
    let status = json(&db, &["status", "2017", "--as-of", "2017-06-30"]);
    assert_eq!(json_minor(&status["outstanding"]), BUDGET_2017 - a17["CHE"]);
    assert_eq!(json_minor(&status["arrears"]), BUDGET_2016 - a16["CHE"]);
    assert_eq!(json_minor(&status["credits_held"]), credit);
}

#[test]
fn reversing_a_payment_reopens_what_it_paid() {
    let (_dir, db) = two_year_ledger();
    let (a16, a17) = (assessed(BUDGET_2016), assessed(BUDGET_2017));
    let germany = pay(&db, "DEU", 5_000_000, "2017-02-01", &[]);
    pay(&db, "FRA", 1_000_000, "2017-02-02", &["--year", "2017"]);
    let (switzerland, _) = switzerland_overpays(&db);
    for entry in [&germany, &switzerland] {
        isu_ok(
            &db,
            &[
                "reverse",
                entry,
                "--reason",
                "bank recalled it",
                "--date",
                "2017-03-01",
            ],
        );
    }
    let rows = rows_by_party(&outstanding(&db, "2017", "2017-06-30"));
    for code in ["DEU", "CHE"] {
        let row = &rows[code];
        assert_eq!(arrears_by_year(row), [(2016, a16[code])], "{code}");
        assert_eq!(json_minor(&row["outstanding"]), a17[code], "{code}");
        assert_eq!(row["received"], "0.00", "{code}");
        assert_eq!(row["credit"], "0.00", "{code}");
    }
    assert_eq!(
        json_minor(&rows["FRA"]["outstanding"]),
        a17["FRA"] - 1_000_000,
        "France's payment stays"
    );
    assert_eq!(
        balances(&db, PREPAID, &["--as-of", "2017-06-30"])
            .get("CHE")
            .copied()
            .unwrap_or(0),
        0
    );
    // Before the reversals, the payments counted.
    let before = rows_by_party(&outstanding(&db, "2017", "2017-02-28"));
    assert!(!before.contains_key("CHE"));
    assert!(arrears_by_year(&before["DEU"]).is_empty());
}

#[test]
fn a_credit_held_is_applied_to_the_next_assessment_and_pledge() {
    let (_dir, db) = two_year_ledger();
    let (a16, a17, a18) = (
        assessed(BUDGET_2016),
        assessed(BUDGET_2017),
        assessed(BUDGET_2018),
    );
    let (_, credit) = switzerland_overpays(&db);
    assert!(
        credit < a18["CHE"],
        "the test needs a credit smaller than 2018's assessment"
    );
    // Spain pays CHF 100'000 more than it owes: more than its 2018 assessment.
    let spain_credit = 10_000_000;
    pay(
        &db,
        "ESP",
        a16["ESP"] + a17["ESP"] + spain_credit,
        "2017-03-01",
        &[],
    );
    assert!(spain_credit > a18["ESP"]);

    assess_2018(&db);
    let report = outstanding(&db, "2018", "2018-01-31");
    let rows = rows_by_party(&report);
    let che = &rows["CHE"];
    assert_eq!(json_minor(&che["assessed"]), a18["CHE"]);
    assert_eq!(json_minor(&che["received"]), credit);
    assert_eq!(json_minor(&che["outstanding"]), a18["CHE"] - credit);
    assert_eq!(che["credit"], "0.00");
    assert!(!rows.contains_key("ESP"), "Spain's credit covers 2018");
    for code in ["DEU", "FRA"] {
        assert_eq!(json_minor(&rows[code]["outstanding"]), a18[code], "{code}");
    }
    let prepaid = balances(&db, PREPAID, &["--as-of", "2018-01-31"]);
    assert_eq!(prepaid["CHE"], 0);
    assert_eq!(prepaid["ESP"], -(spain_credit - a18["ESP"]));
    let status = json(&db, &["status", "2018", "--as-of", "2018-01-31"]);
    assert_eq!(
        json_minor(&status["credits_held"]),
        spain_credit - a18["ESP"]
    );

    // A pledge takes the credit left, up to its amount.
    isu_ok(
        &db,
        &words("pledge add ESP 1'000 --year 2019 --date 2018-02-01 --ref LETTER-1"),
    );
    let rows = rows_by_party(&outstanding(&db, "2019", "2018-02-28"));
    assert!(
        !rows.contains_key("ESP"),
        "the pledge is covered by the credit"
    );
    let prepaid = balances(&db, PREPAID, &["--as-of", "2018-02-28"]);
    assert_eq!(prepaid["ESP"], -(spain_credit - a18["ESP"] - 100_000));
}

#[test]
fn reversing_a_payment_whose_credit_was_used_reopens_everything_it_paid() {
    // Switzerland overpays in February 2017; its credit pays part of its 2018 assessment on
    // 1 December 2017; in January 2018 the bank recalls the payment. Switzerland then owes
    // its 2016, 2017 and 2018 assessments in full. The program reopens 2016 and 2017 but
    // leaves 2018 as paid by a credit that no longer exists: the credit held shows minus
    // the credit that was applied, and the total owed is short by that amount.
    let (_dir, db) = two_year_ledger();
    let (a16, a17, a18) = (
        assessed(BUDGET_2016),
        assessed(BUDGET_2017),
        assessed(BUDGET_2018),
    );
    let (entry, _) = switzerland_overpays(&db);
    assess_2018(&db);
    isu_ok(
        &db,
        &[
            "reverse",
            &entry,
            "--reason",
            "recalled",
            "--date",
            "2018-01-15",
        ],
    );
    let rows = rows_by_party(&outstanding(&db, "2018", "2018-01-31"));
    let che = &rows["CHE"];
    assert_eq!(
        che["credit"], "0.00",
        "a credit held is never negative: {che}"
    );
    assert_eq!(
        json_minor(&che["total"]),
        a16["CHE"] + a17["CHE"] + a18["CHE"],
        "{che}"
    );
}

#[test]
fn a_prepayment_for_a_year_already_assessed_settles_it() {
    // The 2017 assessment is recorded (dated 1 December 2016); then the finance officer
    // records Spain's payment of its 2017 assessment, received on 20 November 2016 and
    // naming 2017. The program holds it as a credit, leaves 2017 owed, and the
    // reminder list asks Spain for money it paid.
    let (_dir, db) = two_year_ledger();
    let a17 = assessed(BUDGET_2017);
    pay(&db, "ESP", a17["ESP"], "2016-11-20", &["--year", "2017"]);
    let rows = rows_by_party(&outstanding(&db, "2017", "2017-06-30"));
    let esp = &rows["ESP"];
    assert_eq!(esp["outstanding"], "0.00", "{esp}");
    assert_eq!(esp["credit"], "0.00", "{esp}");
}

#[test]
fn the_last_payment_is_the_date_money_arrived() {
    let (_dir, db) = two_year_ledger();
    switzerland_overpays(&db);
    // The 2017 assessment is reversed and made again: Spain, which never paid, must not
    // get a date of last payment from it.
    isu_ok(
        &db,
        &[
            "assess",
            "2017",
            "--reverse",
            "--reason",
            "wrong budget",
            "--date",
            "2017-03-01",
        ],
    );
    isu_ok(
        &db,
        &words("assess 2017 --scale un-2016-2018 --date 2017-03-02"),
    );
    let rows = rows_by_party(&outstanding(&db, "2017", "2017-06-30"));
    assert_eq!(rows["ESP"]["last_payment"], Value::Null, "{}", rows["ESP"]);
    // Switzerland's credit pays part of its 2018 assessment on 1 December 2017; its last
    // payment is still the one of 3 February 2017.
    assess_2018(&db);
    let rows = rows_by_party(&outstanding(&db, "2018", "2018-01-31"));
    assert_eq!(rows["CHE"]["last_payment"], "2017-02-03", "{}", rows["CHE"]);
}

// Outstanding against the receivable accounts.

/// Checks that the outstanding list of `year` on `as_of` adds up to the receivable accounts
/// of that year and earlier, party by party and in all (`balance_args` selects them).
fn check_outstanding_equals_receivables(db: &Path, year: &str, as_of: &str, balance_args: &[&str]) {
    let report = outstanding(db, year, as_of);
    let rows = rows_by_party(&report);
    let mut args = vec!["--as-of", as_of];
    args.extend(balance_args);
    let owed: BTreeMap<String, i64> = receivables(db, &args)
        .into_iter()
        .filter(|(_, balance)| *balance != 0)
        .collect();
    let listed: BTreeMap<String, i64> = rows
        .iter()
        .map(|(code, row)| (code.clone(), json_minor(&row["total"])))
        .collect();
    assert_eq!(listed, owed, "{year} on {as_of}: rows against receivables");
    let sum = |field: &str| -> i64 { rows.values().map(|r| json_minor(&r[field])).sum() };
    assert_eq!(
        json_minor(&report["total"]),
        owed.values().sum::<i64>(),
        "{as_of}"
    );
    assert_eq!(json_minor(&report["total_outstanding"]), sum("outstanding"));
    assert_eq!(json_minor(&report["total_arrears"]), sum("arrears"));
    assert_eq!(report["parties_owing"].as_u64(), Some(rows.len() as u64));
    for row in rows.values() {
        let by_year: i64 = arrears_by_year(row).iter().map(|(_, m)| m).sum();
        assert_eq!(json_minor(&row["arrears"]), by_year, "{row}");
        assert_eq!(
            json_minor(&row["total"]),
            json_minor(&row["outstanding"]) + by_year,
            "{row}"
        );
    }
}

#[test]
fn demo_outstanding_equals_the_receivable_balance_at_several_dates() {
    let (_dir, db) = demo();
    for as_of in [
        "2016-11-30",
        "2016-12-01",
        "2016-12-31",
        "2017-03-31",
        "2017-05-16",
        "2017-06-27",
        "2017-12-31",
    ] {
        check_outstanding_equals_receivables(&db, "2017", as_of, &[]);
    }
    let before = outstanding(&db, "2017", "2016-11-30");
    assert_eq!(before["rows"].as_array().unwrap().len(), 0);
    assert_eq!(before["total"], "0.00");
}

#[test]
fn outstanding_with_arrears_from_two_years_equals_the_receivable_balance() {
    let (_dir, db) = two_year_ledger();
    let (a16, a17, a18) = (
        assessed(BUDGET_2016),
        assessed(BUDGET_2017),
        assessed(BUDGET_2018),
    );
    pay(&db, "DEU", 5_000_000, "2017-02-01", &[]);
    pay(&db, "FRA", 1_000_000, "2017-02-02", &["--year", "2017"]);
    switzerland_overpays(&db);
    assess_2018(&db);
    check_outstanding_equals_receivables(&db, "2018", "2018-01-31", &[]);
    check_outstanding_equals_receivables(&db, "2017", "2017-06-30", &[]);
    check_outstanding_equals_receivables(&db, "2016", "2017-06-30", &["--year", "2016"]);
    // Computed here: all assessed, less the payments applied to receivables.
    let report = outstanding(&db, "2018", "2018-01-31");
    let assessed_all = BUDGET_2016 + BUDGET_2017 + BUDGET_2018;
    // Germany's and France's payments, and all of Switzerland's: 2016, 2017, and the
    // credit, which its 2018 assessment took.
    let paid = 5_000_000 + 1_000_000 + 2_000_000;
    assert_eq!(json_minor(&report["total"]), assessed_all - paid);
    let esp = &rows_by_party(&report)["ESP"];
    assert_eq!(
        arrears_by_year(esp),
        [(2016, a16["ESP"]), (2017, a17["ESP"])]
    );
    assert_eq!(json_minor(&esp["outstanding"]), a18["ESP"]);
    let fra = &rows_by_party(&report)["FRA"];
    assert_eq!(
        arrears_by_year(fra),
        [(2016, a16["FRA"]), (2017, a17["FRA"] - 1_000_000)]
    );
    // --min and --top select rows and total what they list; largest first.
    let top = json(
        &db,
        &["outstanding", "2018", "--as-of", "2018-01-31", "--top", "2"],
    );
    let top_rows = top["rows"].as_array().unwrap();
    assert_eq!(top_rows.len(), 2);
    let totals: Vec<i64> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json_minor(&r["total"]))
        .collect();
    assert!(
        totals.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {totals:?}"
    );
    assert_eq!(json_minor(&top["total"]), totals[0] + totals[1]);
    assert_eq!(top["parties_owing"], report["parties_owing"]);
    let min = plain(totals[1]);
    let above = json(
        &db,
        &[
            "outstanding",
            "2018",
            "--as-of",
            "2018-01-31",
            "--min",
            &min,
        ],
    );
    assert_eq!(above["rows"].as_array().unwrap().len(), 2, "at least --min");
}

// Honour roll.

#[test]
fn honour_roll_order_and_on_time_flags() {
    let (_dir, db) = setup();
    let rates = [
        ("AUT", 720),
        ("BEL", 885),
        ("CHE", 1140),
        ("DEU", 6389),
        ("FRA", 4859),
        ("IRL", 335),
        ("NOR", 849),
    ];
    for (code, _) in rates {
        isu_ok(&db, &["party", "add", code]);
    }
    isu_ok(
        &db,
        &words("budget set 2017 --total 10'000 --approved-on 2016-09-01"),
    );
    isu_ok(
        &db,
        &words("assess 2017 --scale un-2016-2018 --date 2016-12-01"),
    );
    let a = shares(1_000_000, &rates);
    // Due within 30 days of 1 December 2016: by 31 December.
    pay(&db, "NOR", a["NOR"], "2016-12-14", &[]);
    pay(&db, "BEL", a["BEL"], "2016-12-14", &[]);
    pay(&db, "IRL", a["IRL"] / 2, "2016-12-10", &[]);
    pay(&db, "IRL", a["IRL"] - a["IRL"] / 2, "2017-01-20", &[]);
    // On the 30th day, and paying CHF 1 too much: on time, for what was assessed.
    pay(&db, "CHE", a["CHE"] + 100, "2016-12-31", &[]);
    // On the 31st day: late.
    pay(&db, "AUT", a["AUT"], "2017-01-01", &[]);
    // Part paid: not on the roll. France pays nothing.
    pay(&db, "DEU", a["DEU"] - 1, "2016-12-05", &[]);

    let roll = json(&db, &["honour-roll", "2017", "--as-of", "2017-06-30"]);
    let got: Vec<(String, String, bool)> = roll["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["assessed_on"], "2016-12-01", "{r}");
            let code = r["party"].as_str().unwrap().to_string();
            assert_eq!(json_minor(&r["amount"]), a[&code], "what was assessed: {r}");
            let paid_on = r["paid_on"].as_str().unwrap().to_string();
            (code, paid_on, r["on_time"].as_bool().unwrap())
        })
        .collect();
    // In the order payment was completed, ties by code.
    let expected: Vec<(String, String, bool)> = [
        ("BEL", "2016-12-14", true),
        ("NOR", "2016-12-14", true),
        ("CHE", "2016-12-31", true),
        ("AUT", "2017-01-01", false),
        ("IRL", "2017-01-20", false),
    ]
    .iter()
    .map(|(c, d, t)| (c.to_string(), d.to_string(), *t))
    .collect();
    assert_eq!(got, expected);
    assert_eq!(roll["count"], 5);
    assert_eq!(roll["count_on_time"], 3);
    assert_eq!(roll["due_days"], 30);

    // With 31 days Austria is on time; on 15 January Ireland had not finished paying.
    let roll = json(
        &db,
        &[
            "honour-roll",
            "2017",
            "--as-of",
            "2017-01-15",
            "--due-days",
            "31",
        ],
    );
    let got: Vec<(&str, bool)> = roll["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["party"].as_str().unwrap(),
                r["on_time"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("BEL", true), ("NOR", true), ("CHE", true), ("AUT", true)]
    );
    assert_eq!(roll["count_on_time"], 4);
}

// Letters.

/// The mail-merge CSV of `dir`: its header and rows.
fn mail_merge(dir: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let text = fs::read_to_string(dir.join("mail-merge.csv")).expect("mail-merge.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV row");
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (headers, rows)
}

/// The ledger of the letters: Germany pays CHF 40'000 (part of 2016), France CHF 10'000
/// for 2017, Switzerland all of 2016, Spain nothing. Germany, France and Spain then owe for
/// two years, Switzerland for 2017 only.
fn letters_ledger() -> (TempDir, PathBuf) {
    let (dir, db) = two_year_ledger();
    let a16 = assessed(BUDGET_2016);
    pay(&db, "DEU", 4_000_000, "2017-02-01", &["--ref", "UBS-1"]);
    pay(
        &db,
        "FRA",
        1_000_000,
        "2017-02-02",
        &["--year", "2017", "--ref", "UBS-2"],
    );
    pay(
        &db,
        "CHE",
        a16["CHE"],
        "2017-02-03",
        &["--year", "2016", "--ref", "UBS-3"],
    );
    (dir, db)
}

#[test]
fn letters_in_three_languages_match_the_golden_files() {
    let (dir, db) = letters_ledger();
    let (a16, a17) = (assessed(BUDGET_2016), assessed(BUDGET_2017));
    let stdout = isu_ok(&db, &words("letters 2017 --out letters --as-of 2017-06-30"));
    assert_mentions(
        &stdout,
        &[
            "4 reminder letters",
            "en 1",
            "fr 2",
            "es 1",
            "mail-merge.csv",
        ],
    );
    let out = dir.path().join("letters");
    assert_eq!(
        file_names(&out),
        [
            "2017-CHE.html",
            "2017-CHE.txt",
            "2017-DEU.html",
            "2017-DEU.txt",
            "2017-ESP.html",
            "2017-ESP.txt",
            "2017-FRA.html",
            "2017-FRA.txt",
            "mail-merge.csv",
            "manifest.txt"
        ]
    );
    let letter = |code: &str| fs::read_to_string(out.join(format!("2017-{code}.txt"))).unwrap();

    // What each letter must say, computed here.
    let deu = letter("DEU");
    assert_mentions(
        &deu,
        &[
            "Excellency,",
            "the contributions of the Federal Republic of Germany",
            "Subject: Contributions outstanding for 2016 and 2017",
            &format!("{}   CHF 0.00   {}", swiss(a17["DEU"]), swiss(a17["DEU"])),
            &format!("Total due: {}", swiss(a16["DEU"] - 4_000_000 + a17["DEU"])),
            "Please accept, Excellency, the assurances of my highest consideration.",
        ],
    );
    assert!(!deu.contains("Reminder no."), "a first letter: {deu}");
    let arrears_line = deu
        .lines()
        .find(|line| line.trim_start().starts_with("2016 "))
        .expect("a line for 2016");
    assert!(
        arrears_line.ends_with(&swiss(a16["DEU"] - 4_000_000)),
        "{arrears_line}"
    );
    let fra = letter("FRA");
    assert_mentions(
        &fra,
        &[
            "Excellence,",
            "des contributions de la République française",
            "Mission permanente de la République française",
            "Objet : Contributions dues pour 2016 et 2017",
            &swiss(a16["FRA"]),
            &swiss(1_000_000),
            &format!("Total dû : {}", swiss(a16["FRA"] + a17["FRA"] - 1_000_000)),
            "Je vous prie d'agréer, Excellence,",
        ],
    );
    let esp = letter("ESP");
    assert_mentions(
        &esp,
        &[
            "Excelencia:",
            "las contribuciones del Reino de España",
            "Misión Permanente del Reino de España",
            &swiss(a16["ESP"]),
            &format!("Total adeudado: {}", swiss(a16["ESP"] + a17["ESP"])),
            "Aprovecho la oportunidad para reiterarle, Excelencia,",
        ],
    );
    let che = letter("CHE");
    assert_mentions(
        &che,
        &[
            "\nMission permanente de la Suisse auprès de l'Office des Nations Unies à Genève\n",
            "Copie envoyée par courriel à mission.geneve@example.org",
            "des contributions de la Confédération suisse",
            &format!("Total dû : {}", swiss(a17["CHE"])),
        ],
    );
    assert!(!che.contains("\n  2016 "), "Switzerland paid 2016: {che}");
    assert!(
        che.contains("Objet : Contributions dues pour 2017\n"),
        "only 2017 is owed: {che}"
    );

    // The mail-merge table: largest total first, amounts plain numbers.
    let (headers, rows) = mail_merge(&out);
    assert_eq!(
        headers,
        [
            "party",
            "name",
            "formal_name",
            "language",
            "address",
            "email",
            "year",
            "level",
            "outstanding",
            "arrears",
            "total",
            "currency",
            "file",
            "html",
            "kind",
            "reference",
            "subject"
        ]
    );
    let order: Vec<&str> = rows.iter().map(|r| r["party"].as_str()).collect();
    let mut expected: Vec<(i64, &str)> = vec![
        (a16["DEU"] - 4_000_000 + a17["DEU"], "DEU"),
        (a16["FRA"] + a17["FRA"] - 1_000_000, "FRA"),
        (a16["ESP"] + a17["ESP"], "ESP"),
        (a17["CHE"], "CHE"),
    ];
    expected.sort_by_key(|(total, _)| std::cmp::Reverse(*total));
    assert_eq!(order, expected.iter().map(|(_, c)| *c).collect::<Vec<_>>());
    for (row, (total, code)) in rows.iter().zip(&expected) {
        assert_eq!(minor(&row["total"]), *total, "{code}");
        assert_eq!(
            minor(&row["outstanding"]) + minor(&row["arrears"]),
            *total,
            "{code}"
        );
        assert_eq!(row["level"], "1");
        assert_eq!(row["year"], "2017");
        assert_eq!(row["file"], format!("2017-{code}.txt"));
        assert_eq!(row["html"], format!("2017-{code}.html"));
        assert_eq!(row["kind"], "reminder");
    }
    // Numbered in the order of the party codes, from the settings' default pattern.
    let references: BTreeMap<&str, &str> = rows
        .iter()
        .map(|r| (r["party"].as_str(), r["reference"].as_str()))
        .collect();
    assert_eq!(references["CHE"], "ISU/2017/001");
    assert_eq!(references["FRA"], "ISU/2017/004");
    assert_golden_letters("three-languages-2017-06-30", &out);
}

#[test]
fn letters_are_deterministic() {
    // Two runs on one ledger, and a run on a second ledger built the same way (at another
    // time, by the clock), write the same bytes.
    let (dir, db) = letters_ledger();
    let (other_dir, other_db) = letters_ledger();
    isu_ok(&db, &words("letters 2017 --out first --as-of 2017-06-30"));
    isu_ok(&db, &words("letters 2017 --out second --as-of 2017-06-30"));
    isu_ok(
        &other_db,
        &words("letters 2017 --out third --as-of 2017-06-30"),
    );
    let first = dir.path().join("first");
    for other in [dir.path().join("second"), other_dir.path().join("third")] {
        assert_eq!(file_names(&first), file_names(&other));
        for name in file_names(&first) {
            assert_eq!(
                fs::read(first.join(&name)).unwrap(),
                fs::read(other.join(&name)).unwrap(),
                "{name} differs between runs"
            );
        }
    }
}

#[test]
fn recorded_letters_raise_the_level_and_show_in_outstanding() {
    let (dir, db) = letters_ledger();
    let reminders = count(&db, "reminder");
    let stdout = isu_ok(
        &db,
        &words("letters 2017 --out june --record --as-of 2017-06-30"),
    );
    assert_mentions(&stdout, &["recorded 4 reminders", "2017-06-30"]);
    assert_eq!(count(&db, "reminder"), reminders + 4);
    // Recording the same letters again writes nothing.
    let before = dump(&db);
    let stdout = isu_ok(
        &db,
        &words("letters 2017 --out june-again --record --level 1 --as-of 2017-06-30"),
    );
    assert_mentions(&stdout, &["recorded 0 reminders", "4 already recorded"]);
    assert_eq!(dump(&db), before);

    let rows = rows_by_party(&outstanding(&db, "2017", "2017-07-31"));
    for (code, row) in &rows {
        assert_eq!(row["reminder_level"], 1, "{code}");
        assert_eq!(row["reminder_sent_on"], "2017-06-30", "{code}");
    }
    // The day before, no letter had been sent.
    for row in rows_by_party(&outstanding(&db, "2017", "2017-06-29")).values() {
        assert_eq!(row["reminder_level"], Value::Null, "{row}");
    }

    // The next letters are reminders no. 2, in each language.
    isu_ok(
        &db,
        &words("letters 2017 --out september --as-of 2017-09-30"),
    );
    let out = dir.path().join("september");
    let (_, merge) = mail_merge(&out);
    assert_eq!(merge.len(), 4);
    for row in &merge {
        assert_eq!(row["level"], "2", "{row:?}");
    }
    let letter = |code: &str| fs::read_to_string(out.join(format!("2017-{code}.txt"))).unwrap();
    assert!(letter("DEU").contains("Reminder no. 2: Contributions outstanding for 2016 and 2017"));
    assert!(letter("FRA").contains("Rappel n° 2 : Contributions dues pour 2016 et 2017"));
    assert!(letter("CHE").contains("Rappel n° 2 : Contributions dues pour 2017"));
    assert!(letter("ESP")
        .contains("Recordatorio n.º 2: Contribuciones pendientes correspondientes a 2016 y 2017"));
    assert!(letter("DEU").contains("Further to my earlier letter, I note that"));
    assert_golden_letters("three-languages-2017-09-30-level-2", &out);

    // Recording level 2 shows in outstanding from its date.
    isu_ok(
        &db,
        &words("letters 2017 --out september --record --as-of 2017-09-30"),
    );
    for row in rows_by_party(&outstanding(&db, "2017", "2017-10-31")).values() {
        assert_eq!(row["reminder_level"], 2, "{row}");
        assert_eq!(row["reminder_sent_on"], "2017-09-30", "{row}");
    }
}

#[test]
fn a_party_that_pays_in_full_drops_off_the_next_list() {
    let (dir, db) = letters_ledger();
    let (a16, a17) = (assessed(BUDGET_2016), assessed(BUDGET_2017));
    isu_ok(
        &db,
        &words("letters 2017 --out june --record --as-of 2017-06-30"),
    );
    assert!(dir.path().join("june/2017-ESP.txt").exists());
    // Spain pays both years; France pays part of what it owes.
    pay(&db, "ESP", a16["ESP"] + a17["ESP"], "2017-07-15", &[]);
    pay(&db, "FRA", 100_000, "2017-07-16", &[]);
    let stdout = isu_ok(
        &db,
        &words("letters 2017 --out september --as-of 2017-09-30"),
    );
    assert_mentions(&stdout, &["3 reminder letters", "es 0"]);
    let out = dir.path().join("september");
    assert_eq!(
        file_names(&out),
        [
            "2017-CHE.html",
            "2017-CHE.txt",
            "2017-DEU.html",
            "2017-DEU.txt",
            "2017-FRA.html",
            "2017-FRA.txt",
            "mail-merge.csv",
            "manifest.txt"
        ]
    );
    let (_, merge) = mail_merge(&out);
    assert!(merge.iter().all(|r| r["party"] != "ESP"));
    assert!(!rows_by_party(&outstanding(&db, "2017", "2017-09-30")).contains_key("ESP"));
    // On the earlier date, Spain is still listed: the report is reproducible.
    assert!(rows_by_party(&outstanding(&db, "2017", "2017-06-30")).contains_key("ESP"));
}

#[test]
fn letters_with_a_template_of_ones_own() {
    let (dir, db) = letters_ledger();
    // The text layout of one's own; the HTML and the bodies stay the built-in ones.
    fs::create_dir_all(dir.path().join("short")).unwrap();
    write_beside(
        &db,
        "short/layout.txt",
        "{{ recipient.party }} {{ language }} level {{ level }}: {{ total }}\n\
         {% for line in lines %}{{ line.year }} {{ line.outstanding }}\n{% endfor %}",
    );
    let a17 = assessed(BUDGET_2017);
    isu_ok(
        &db,
        &words("letters 2017 --out mine --template-dir short --as-of 2017-06-30 --top 1 --min 1"),
    );
    let out = dir.path().join("mine");
    assert_eq!(
        file_names(&out).len(),
        4,
        "one letter with --top 1 (HTML and text), mail-merge.csv and the manifest"
    );
    let che = isu_ok(
        &db,
        &words("letters 2017 --out che --template-dir short --as-of 2017-06-30"),
    );
    assert!(che.contains("4 reminder letters"), "{che}");
    assert!(fs::read_to_string(dir.path().join("che/2017-CHE.html"))
        .unwrap()
        .contains("<p>Excellence,</p>"));
    assert_eq!(
        fs::read_to_string(dir.path().join("che/2017-CHE.txt")).unwrap(),
        format!(
            "CHE fr level 1: {}\n2017 {}\n",
            swiss(a17["CHE"]),
            swiss(a17["CHE"])
        )
    );
}

#[test]
fn mail_merge_neutralises_formulas_in_party_names() {
    const PAYLOADS: [&str; 30] = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "=cmd|' /C calc'!A0",
        "\t=1",
        "\r=1",
        "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
        "+41 22 917 12 34",
        "-2+3+cmd|' /C calc'!A0",
        "@",
        "=",
        "-",
        "=1\n=2",
        "Name, with a comma",
        "\"Quoted\" name",
        "Line one\nLine two",
        "Côte d’Ivoire — République",
        "日本国",
        "Ελληνική Δημοκρατία",
        "🙂 =1",
        "<b>bold</b> &amp; <script>alert(1)</script>",
        "{{ name }} {% if true %}x{% endif %}",
        "'=already quoted",
        "Zürich; =1",
        " =1 after a space",
        "\u{202E}=1",
        "a\r\n=b",
        "%0A=1",
    ];
    const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
    let neutral = |text: &str| {
        if text.starts_with(FORMULA) {
            format!("'{text}")
        } else {
            text.to_string()
        }
    };
    let (dir, db) = setup();
    let mut expected: BTreeMap<String, (String, i64)> = BTreeMap::new();
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let code = format!("ORG{:02}", i + 1);
        let name = format!("--name={payload}");
        let mut args = vec!["party", "add", &code, "--kind", "organisation", &name];
        let address = format!("--address={payload}");
        if i % 2 == 0 {
            args.push(&address);
        }
        if payload.trim().contains(char::is_control) {
            // A name must stay on one line: one with a line break inside is refused.
            let output = isu(&db).args(&args).output().expect("run isu-ledger");
            assert_eq!(output.status.code(), Some(2), "{payload:?}");
            continue;
        }
        isu_ok(&db, &args);
        // Distinct amounts, so that the order of the list is the order of the amounts.
        let amount = 1_000 * (i as i64 + 1) + i as i64;
        isu_ok(
            &db,
            &[
                "pledge",
                "add",
                &code,
                &plain(amount),
                "--year",
                "2017",
                "--date",
                "2017-01-10",
            ],
        );
        // The program keeps names trimmed.
        expected.insert(code, (payload.trim().to_string(), amount));
    }
    isu_ok(&db, &words("letters 2017 --out merge --as-of 2017-06-30"));
    let out = dir.path().join("merge");
    let (headers, rows) = mail_merge(&out);
    assert_eq!(rows.len(), expected.len());
    let amounts = ["outstanding", "arrears", "total"];
    for row in &rows {
        let code = &row["party"];
        let (name, amount) = &expected[code];
        assert_eq!(&row["name"], &neutral(name), "{code}");
        assert_eq!(&row["formal_name"], &neutral(name), "{code}");
        let index: usize = code[3..].parse().unwrap();
        if (index - 1).is_multiple_of(2) {
            assert_eq!(&row["address"], &neutral(name), "{code} address");
        }
        for header in &headers {
            let cell = &row[header];
            if amounts.contains(&header.as_str()) {
                // A plain number with two decimals: minor() panics otherwise.
                minor(cell);
            } else {
                assert!(
                    !cell.starts_with(FORMULA),
                    "{code}: {header} cell {cell:?} would run as a formula"
                );
            }
        }
        assert_eq!(minor(&row["total"]), *amount, "{code}");
        assert_eq!(minor(&row["outstanding"]), *amount, "{code}");
        assert_eq!(row["arrears"], "0.00", "{code}");

        // The letter shows the name as it is, as plain text.
        let letter = fs::read_to_string(out.join(&row["file"])).unwrap();
        assert!(
            letter.contains(&format!("the contributions of {name} to the budget")),
            "{code}: the letter does not show {name:?} as given:\n{letter}"
        );
        assert!(!letter.contains(&format!("'{name}")), "{code}: {letter}");
    }
    // Largest first.
    let totals: Vec<i64> = rows.iter().map(|r| minor(&r["total"])).collect();
    assert!(totals.windows(2).all(|w| w[0] > w[1]), "{totals:?}");
}

// The demo.

#[test]
fn demo_letters_are_in_the_partys_language_throughout() {
    // Mexico's letter is in Spanish but is addressed "A: Permanent Mission of the United
    // Mexican States to the United Nations Office at Geneva".
    let (dir, db) = demo();
    isu_ok(&db, &words("letters 2017 --out all --as-of 2017-06-27"));
    let out = dir.path().join("all");
    let (_, merge) = mail_merge(&out);
    let mut english = Vec::new();
    for row in merge.iter().filter(|r| r["language"] != "en") {
        let letter = fs::read_to_string(out.join(&row["file"])).unwrap();
        if letter.contains("Permanent Mission") {
            english.push(row["party"].clone());
        }
    }
    assert!(
        english.is_empty(),
        "letters with an English address: {english:?}"
    );
}

#[test]
fn demo_outstanding_lists_68_parties_on_27_june_2017() {
    let (_dir, db) = demo();
    let report = outstanding(&db, "2017", "2017-06-27");
    assert_eq!(report["rows"].as_array().unwrap().len(), 68);
    assert_eq!(report["parties_owing"], 68);
    // 100 parties assessed, 32 paid in full: the others are listed.
    let status = json(&db, &["status", "2017", "--as-of", "2017-06-27"]);
    assert_eq!(status["parties_assessed"], 100);
    let paid = status["paid_in_full"].as_u64().unwrap();
    let part = status["part_paid"].as_u64().unwrap();
    let none = status["no_payment"].as_u64().unwrap();
    assert_eq!(paid + part + none, 100);
    assert_eq!(part + none, 68);
    assert_eq!(
        json_minor(&status["outstanding"]),
        json_minor(&report["total"])
    );
    // The budget less what was received for it.
    assert_eq!(
        json_minor(&report["total_outstanding"]),
        45_900_000 - 31_192_254
    );
}

#[test]
fn demo_letters_to_the_top_10_match_the_golden_files() {
    let (dir, db) = demo();
    let stdout = isu_ok(
        &db,
        &words("letters 2017 --top 10 --out top-10 --as-of 2017-06-27"),
    );
    assert_mentions(&stdout, &["10 reminder letters"]);
    let out = dir.path().join("top-10");
    let top: Vec<String> = json(
        &db,
        &[
            "outstanding",
            "2017",
            "--as-of",
            "2017-06-27",
            "--top",
            "10",
        ],
    )["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["party"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(top.len(), 10);
    let mut expected: Vec<String> = top
        .iter()
        .flat_map(|c| [format!("2017-{c}.txt"), format!("2017-{c}.html")])
        .collect();
    expected.push("mail-merge.csv".into());
    expected.push("manifest.txt".into());
    expected.sort();
    assert_eq!(file_names(&out), expected);
    let (_, merge) = mail_merge(&out);
    assert_eq!(
        merge.iter().map(|r| r["party"].clone()).collect::<Vec<_>>(),
        top
    );
    assert_golden_letters("demo-2017-06-27-top-10", &out);
}
