//! What a user types, checked at the door: dates within 1990-01-01 and 400 days
//! after today unless `--allow-future`; free text on one line; long input cut in messages;
//! `;`-separated CSV; `--top` and `--method` mistakes in plain words; counts with their noun
//! in the right number; the hint to the example ledger; and the README tour, replayed command
//! by command on a new ledger.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{count, isu_ok, refusal, refused, setup};
use tempfile::TempDir;

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// A ledger with Germany and France and the 2017 budget.
fn ledger() -> (TempDir, PathBuf) {
    let (dir, db) = setup();
    isu_ok(&db, &words("party add DEU"));
    isu_ok(&db, &words("party add FRA --language fr"));
    isu_ok(
        &db,
        &words("budget set 2017 --total 1000 --line staff=1000 --approved-on 2016-09-07"),
    );
    (dir, db)
}

/// Writes a file next to the ledger and returns its bare name.
fn file(db: &Path, name: &str, text: &str) -> String {
    fs::write(db.parent().unwrap().join(name), text).unwrap();
    name.to_string()
}

// 1. Dates.

#[test]
fn a_payment_dated_2031_is_refused_and_accepted_with_allow_future() {
    let (_dir, db) = ledger();
    let message = refused(
        &db,
        &words("contribution add DEU 100 --date 2031-03-01 --year 2017 --ref DE-2031"),
    );
    assert!(
        message.starts_with("error: date 2031-03-01 is more than 400 days after today ("),
        "{message}"
    );
    assert!(
        message.ends_with("); give --allow-future if it is a genuine future value date"),
        "{message}"
    );
    let out = isu_ok(
        &db,
        &words(
            "--allow-future contribution add DEU 100 --date 2031-03-01 --year 2017 --ref DE-2031",
        ),
    );
    assert!(out.contains("dated 2031-03-01"), "{out}");
    assert_eq!(count(&db, "entry"), 1);
}

#[test]
fn as_of_far_ahead_shows_a_report_but_does_not_date_a_new_entry() {
    let (_dir, db) = ledger();
    let message = refused(
        &db,
        &words("--as-of 2031-03-01 contribution add DEU 100 --year 2017 --ref DE-2031"),
    );
    assert!(
        message.starts_with("error: --as-of: date 2031-03-01 is more than 400 days after today"),
        "{message}"
    );
    isu_ok(
        &db,
        &words("--as-of 2017-03-01 contribution add DEU 100 --year 2017 --ref DE-2017"),
    );
    let balance = isu_ok(&db, &words("--as-of 2100-12-31 --format csv balance"));
    assert!(balance.contains("assets:bank:chf"), "{balance}");
}

#[test]
fn year_0017_is_refused_on_the_command_line_and_in_a_csv_cell() {
    let (_dir, db) = ledger();
    let message = refused(&db, &words("contribution add DEU 100 --date 0017-06-27"));
    assert_eq!(
        message,
        "error: date 0017-06-27 is before 1990-01-01, the earliest date the books accept"
    );
    let csv = file(
        &db,
        "bank.csv",
        "date,party,amount,currency,year,ref\n\
         2017-06-26,FRA,100,CHF,2017,FR-1\n\
         0017-06-27,DEU,100,CHF,2017,DE-1\n",
    );
    let message = refused(&db, &["contribution", "import", &csv]);
    assert_eq!(
        message,
        "error: bank.csv:3: date 0017-06-27 is before 1990-01-01, the earliest date the books \
         accept"
    );
    // A report's --as-of is a date given by the user too: it never reaches the export.
    let message = refused(&db, &words("--as-of 0017-06-27 --format ledger export"));
    assert!(
        message.contains("--as-of: date 0017-06-27 is before 1990-01-01"),
        "{message}"
    );
}

#[test]
fn dates_from_1990_01_01_are_accepted_and_the_day_before_is_not() {
    let (_dir, db) = ledger();
    let message = refused(
        &db,
        &words("contribution add DEU 100 --date 1989-12-31 --year 2017 --ref DE-1989"),
    );
    assert!(
        message.contains("date 1989-12-31 is before 1990-01-01"),
        "{message}"
    );
    let out = isu_ok(
        &db,
        &words("contribution add DEU 100 --date 1990-01-01 --year 2017 --ref DE-1990"),
    );
    assert!(out.contains("dated 1990-01-01"), "{out}");
    // A party's dates are dates a user gives as well.
    let message = refused(&db, &words("party add NOR --deposited 1989-12-31"));
    assert!(
        message.contains("1989-12-31 is before 1990-01-01"),
        "{message}"
    );
}

// 2. `assess --method NAME YEAR`.

#[test]
fn a_year_after_method_is_named_as_out_of_order() {
    let (_dir, db) = ledger();
    let message = refused(
        &db,
        &words("assess --method adjusted-scale 2017 --scale un-2016-2018"),
    );
    assert!(
        message.contains(
            "a year goes before --method, e.g. `isu-ledger assess 2017 --method adjusted-scale"
        ),
        "{message}"
    );
    assert!(!message.contains("required arguments"), "{message}");
    // The order the message gives works.
    isu_ok(
        &db,
        &words("--as-of 2016-12-01 assess 2017 --method adjusted-scale --scale un-2016-2018"),
    );
    assert!(count(&db, "entry") > 0);
}

// 3. CSV separated by `;`.

#[test]
fn a_semicolon_separated_contribution_file_is_imported() {
    let (_dir, db) = ledger();
    let csv = file(
        &db,
        "bank-ch.csv",
        "date;party;amount;currency;year;ref\r\n\
         2017-03-01;DEU;16'584.98;CHF;2017;DE-0301\r\n\
         2017-03-02;FRA;100.50;CHF;2017;FR-0302\r\n",
    );
    let out = isu_ok(&db, &["contribution", "import", &csv]);
    assert!(
        out.starts_with("imported bank-ch.csv: 2 rows, 2 contributions recorded (CHF 16'685.48)"),
        "{out}"
    );
    assert_eq!(count(&db, "entry"), 2);
}

#[test]
fn a_semicolon_separated_party_file_is_imported() {
    let (_dir, db) = setup();
    let csv = file(
        &db,
        "parties.csv",
        "code;name;deposited;language\n\
         CHE;Switzerland;2012-07-17;fr\n\
         NOR;Norway, Kingdom of;2008-12-03;en\n",
    );
    let out = isu_ok(&db, &["party", "import", &csv]);
    assert_eq!(out, "imported 2 parties from parties.csv\n");
    let list = isu_ok(&db, &words("--format csv party list"));
    assert!(list.contains("\"Norway, Kingdom of\""), "{list}");
}

#[test]
fn a_header_mixing_semicolons_and_commas_is_named() {
    let (_dir, db) = ledger();
    let csv = file(
        &db,
        "mixed.csv",
        "date;party;amount,currency,year,ref\n2017-03-01;DEU;1,CHF,2017,R\n",
    );
    let message = refused(&db, &["contribution", "import", &csv]);
    assert!(
        message.starts_with("error: mixed.csv:1: the header 'date;party;amount' mixes ';' and ','"),
        "{message}"
    );
}

// 4. Free text on one line; long input cut.

#[test]
fn text_with_a_line_break_or_tab_is_refused() {
    let (_dir, db) = ledger();
    isu_ok(
        &db,
        &words("contribution add DEU 100 --date 2017-03-01 --ref R1"),
    );
    let message = refused(
        &db,
        &[
            "cost",
            "add",
            "staff",
            "10",
            "--date",
            "2017-03-02",
            "--memo",
            "two\nlines",
        ],
    );
    assert_eq!(
        message,
        "error: memo 'two\\nlines' holds a line break: write it on one line, without tabs or \
         control characters"
    );
    let message = refused(&db, &["reverse", "1", "--reason", "typed\ttwice"]);
    assert!(
        message.contains("reason 'typed\\ttwice' holds a tab"),
        "{message}"
    );
    let message = refused(&db, &["party", "add", "LIE", "--name", "Liechten\nstein"]);
    assert!(
        message.contains("name 'Liechten\\nstein' holds a line break"),
        "{message}"
    );
    let message = refused(&db, &["fund", "add", "res", "--name", "Reserve\tfund"]);
    assert!(
        message.contains("name 'Reserve\\tfund' holds a tab"),
        "{message}"
    );
    let message = refused(
        &db,
        &[
            "budget",
            "set",
            "2018",
            "--total",
            "10",
            "--approved-by",
            "7\nMSP",
        ],
    );
    assert!(
        message.contains("--approved-by '7\\nMSP' holds a line break"),
        "{message}"
    );
    let csv = file(
        &db,
        "entries.csv",
        "date,description,debit,credit,amount,ref\n\
         2017-03-03,\"Bank\tcharges\",expenses:bank,assets:bank:chf,5,B-1\n",
    );
    isu_ok(&db, &["account", "add", "expenses:bank"]);
    let message = refused(&db, &["import", &csv]);
    assert!(
        message.contains("entries.csv:2: description 'Bank\\tcharges' holds a tab"),
        "{message}"
    );
}

#[test]
fn an_overlong_reference_is_cut_in_the_message() {
    let (_dir, db) = ledger();
    let reference = "X".repeat(20_000);
    let message = refused(
        &db,
        &[
            "contribution",
            "add",
            "DEU",
            "100",
            "--date",
            "2017-03-01",
            "--ref",
            &reference,
        ],
    );
    assert!(message.len() < 300, "{} bytes: {message}", message.len());
    assert!(
        message.contains(&format!("reference '{}…' is not valid", "X".repeat(60))),
        "{message}"
    );
    let amount = "9".repeat(5_000);
    let message = refused(&db, &["contribution", "add", "DEU", &amount]);
    assert!(message.len() < 300, "{} bytes: {message}", message.len());
    // Whichever layer writes the message, a long value typed is not repeated in full.
    let scale = "s".repeat(5_000);
    for args in [
        vec!["assess", "2017", "--scale", &scale],
        vec!["cost", "add", &scale, "100"],
        vec!["contribution", "import", &scale],
    ] {
        let message = refused(&db, &args);
        assert!(message.len() < 300, "{} bytes: {message}", message.len());
        assert!(
            message.contains(&format!("{}…", "s".repeat(60))),
            "{message}"
        );
    }
}

// 5. `--top`.

#[test]
fn top_below_one_is_refused_in_plain_words() {
    let (dir, db) = ledger();
    for args in [
        vec!["outstanding", "2017", "--top", "-1"],
        vec!["outstanding", "2017", "--top", "0"],
        vec!["letters", "2017", "--out", "letters", "--top", "-1"],
    ] {
        let message = refused(&db, &args);
        assert!(
            message.contains("--top must be a whole number of at least 1"),
            "{args:?}: {message}"
        );
        assert!(!message.contains("unexpected argument"), "{message}");
    }
    assert!(!dir.path().join("letters").exists());
}

// 6. Counts and their nouns.

#[test]
fn a_count_of_one_takes_the_singular() {
    let (_dir, db) = ledger();
    isu_ok(&db, &words("--as-of 2016-12-01 assess 2017 --method equal"));
    let csv = file(
        &db,
        "one.csv",
        "date,party,amount,currency,year,ref\n2017-03-01,DEU,100,CHF,2017,DE-1\n",
    );
    let out = isu_ok(&db, &["contribution", "import", &csv]);
    assert!(
        out.starts_with("imported one.csv: 1 row, 1 contribution recorded"),
        "{out}"
    );
    let csv = file(
        &db,
        "entry.csv",
        "date,description,debit,credit,amount,ref\n\
         2017-03-03,Bank charges,expenses:bank,assets:bank:chf,5,B-1\n",
    );
    isu_ok(&db, &["account", "add", "expenses:bank"]);
    let out = isu_ok(&db, &["import", &csv]);
    assert!(
        out.starts_with("imported entry.csv: 1 row, 1 entry recorded"),
        "{out}"
    );
    let csv = file(&db, "party.csv", "code\nLIE\n");
    let out = isu_ok(&db, &["party", "import", &csv]);
    assert_eq!(out, "imported 1 party from party.csv\n");
    let out = isu_ok(
        &db,
        &words("--as-of 2017-06-27 letters 2017 --out letters --top 1 --record"),
    );
    assert!(out.starts_with("wrote 1 reminder letter for 2017"), "{out}");
    assert!(out.contains("; recorded 1 reminder as sent"), "{out}");
    let out = isu_ok(&db, &words("--as-of 2017-06-27 journal --party FRA"));
    assert!(out.contains("1 entry"), "{out}");
    assert!(!out.contains("1 entries"), "{out}");
}

// 7. The hint to the example ledger.

#[test]
fn after_demo_the_missing_default_ledger_points_to_the_example() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut command = Command::cargo_bin("isu-ledger").unwrap();
        command
            .current_dir(dir.path())
            .env_remove("ISU_LEDGER_DB")
            .args(["--user", "test"])
            .args(args);
        command
    };
    let before = refusal(&mut run(&["status", "2017"]));
    assert!(!before.contains("isu-ledger-demo.sqlite"), "{before}");
    assert!(run(&["demo"]).output().unwrap().status.success());
    let message = refusal(&mut run(&["status", "2017"]));
    assert!(
        message.contains("give `--db isu-ledger-demo.sqlite`"),
        "{message}"
    );
    assert!(!dir.path().join("isu-ledger.sqlite").exists());
    let status = run(&["--db", "isu-ledger-demo.sqlite", "status", "2017"])
        .output()
        .unwrap();
    assert!(status.status.success());
}

// 8. The README tour.

/// One command of the tour: the line it is on, its words, and the lines of output shown
/// under it (`first..end` in the README's lines).
struct TourStep {
    words: Vec<String>,
    first: usize,
    end: usize,
}

/// The commands of the README's "A tour" section, in order.
fn tour_steps(readme: &[&str]) -> Vec<TourStep> {
    let start = readme
        .iter()
        .position(|line| *line == "## A tour")
        .expect("README has a section '## A tour'");
    let stop = readme[start + 1..]
        .iter()
        .position(|line| line.starts_with("## "))
        .map_or(readme.len(), |i| start + 1 + i);
    let mut steps: Vec<TourStep> = Vec::new();
    let mut in_block = false;
    for (index, &line) in readme.iter().enumerate().take(stop).skip(start) {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(TourStep {
                words: shell_words(command),
                first: index + 1,
                end: index + 1,
            });
        } else if let Some(step) = steps.last_mut().filter(|_| !line.is_empty()) {
            // Blank lines inside an output (after a report's title) belong to it; those
            // before the next command do not.
            step.end = index + 1;
        }
    }
    steps
}

/// Splits a command line as a POSIX shell does for plain words and quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn shell_words_follow_the_quotes() {
    assert_eq!(
        shell_words(r#"budget set 2017 --total "459'000" --line staff="400'000""#),
        [
            "budget",
            "set",
            "2017",
            "--total",
            "459'000",
            "--line",
            "staff=400'000"
        ]
    );
    assert_eq!(
        shell_words(r#"reverse 2 --reason "paid to the wrong account""#),
        ["reverse", "2", "--reason", "paid to the wrong account"]
    );
}

#[test]
fn every_command_of_the_readme_tour_runs_as_shown() {
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&readme_path).expect("read README.md");
    let lines: Vec<&str> = readme.lines().collect();
    let steps = tour_steps(&lines);
    assert!(steps.len() >= 10, "the tour has {} commands", steps.len());
    let dir = tempfile::tempdir().unwrap();
    let mut env: Vec<(String, String)> = Vec::new();
    let mut outputs: Vec<(usize, usize, String)> = Vec::new();
    let mut mismatches = Vec::new();
    for step in &steps {
        let shown = lines[step.first..step.end].join("\n");
        match step.words.first().map(String::as_str) {
            Some("export") => {
                let (name, value) = step.words[1].split_once('=').expect("export NAME=VALUE");
                env.push((name.to_string(), value.to_string()));
            }
            Some("cat") => {
                // The file's content is what the tour shows `cat` print: write it.
                fs::write(dir.path().join(&step.words[1]), format!("{shown}\n")).unwrap();
            }
            Some("isu-ledger") => {
                let mut command = Command::cargo_bin("isu-ledger").unwrap();
                command
                    .current_dir(dir.path())
                    .env_remove("ISU_LEDGER_DB")
                    .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                    .args(&step.words[1..]);
                let output = command.output().expect("run isu-ledger");
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
                let text = text.trim_end_matches('\n').to_string();
                let expect_error = shown.starts_with("error: ");
                let code = output.status.code();
                if code != Some(if expect_error { 2 } else { 0 }) {
                    mismatches.push(format!(
                        "`{}` (README line {}) exited with {code:?}: {text}",
                        step.words.join(" "),
                        step.first
                    ));
                } else if common::mask_chain_head(&text) != common::mask_chain_head(&shown) {
                    // The chain head covers when each row was entered: it differs from one
                    // run of the tour to the next, where its count does not.
                    mismatches.push(format!(
                        "`{}` (README line {}):\n--- shown\n{shown}\n--- got\n{text}",
                        step.words.join(" "),
                        step.first
                    ));
                }
                outputs.push((step.first, step.end, text));
            }
            other => panic!("the tour runs only isu-ledger, export and cat, not {other:?}"),
        }
    }
    if mismatches.is_empty() {
        return;
    }
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        let mut new_lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for (first, end, text) in outputs.into_iter().rev() {
            let replacement: Vec<String> = if text.is_empty() {
                Vec::new()
            } else {
                text.lines().map(str::to_string).collect()
            };
            new_lines.splice(first..end, replacement);
        }
        let mut updated = new_lines.join("\n");
        updated.push('\n');
        fs::write(&readme_path, updated).expect("rewrite README.md");
        return;
    }
    panic!(
        "the README tour does not run as shown (rewrite it with UPDATE_GOLDEN=1 and review \
         the diff):\n\n{}",
        mismatches.join("\n\n")
    );
}
