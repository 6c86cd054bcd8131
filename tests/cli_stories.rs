//! Stories told through the real `isu-ledger` binary, each in a fresh temporary directory:
//! what a finance officer, the ISU Director or an auditor does, from `init` to the report.
//!
//! Golden files under `tests/golden/` hold the reports of the demo ledger on the date of the
//! 27 June 2017 Coordination Committee meeting. They are compared byte for byte; run with
//! `UPDATE_GOLDEN=1` to rewrite them after a deliberate change, and review the diff.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

use common::{json_minor, minor};
use serde_json::Value;
use tempfile::TempDir;

/// The environment variable naming the ledger file when `--db` is not given.
const DB_ENV: &str = "ISU_LEDGER_DB";

/// A fresh temporary directory and the ledger file the commands of one story use.
struct Ledger {
    dir: TempDir,
    db: PathBuf,
}

impl Ledger {
    /// A directory with no ledger in it yet.
    fn new() -> Ledger {
        Ledger::named("ledger.sqlite")
    }

    /// A directory with no ledger in it yet; the ledger will be the file `name` there.
    fn named(name: &str) -> Ledger {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join(name);
        Ledger { dir, db }
    }

    /// A new ledger file, created with `init`.
    fn init() -> Ledger {
        let ledger = Ledger::new();
        let stdout = ledger.ok(&["init"]);
        assert!(stdout.contains("created ledger"), "init said: {stdout}");
        ledger
    }

    /// The demo ledger, built with `demo --db`.
    fn demo() -> Ledger {
        let ledger = Ledger::named("demo.sqlite");
        ledger.ok(&["demo"]);
        ledger
    }

    /// The binary, run in the story's directory, with nothing from the caller's
    /// environment choosing the ledger file.
    fn bare_command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_isu-ledger"));
        command
            .current_dir(self.dir.path())
            .env_remove(DB_ENV)
            .env("USER", "finance-officer");
        command
    }

    /// The binary with `--db` naming this story's ledger.
    fn command(&self) -> Command {
        let mut command = self.bare_command();
        command.arg("--db").arg(&self.db);
        command
    }

    fn output(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("the binary runs")
    }

    /// Runs a command that must succeed quietly; returns its standard output.
    fn ok(&self, args: &[&str]) -> String {
        expect_success(args, self.output(args))
    }

    /// Records a CHF contribution with a bank reference and a date; returns what it said.
    /// Records a voluntary contribution: these stories assess no year, and a State's
    /// payment with nothing assessed is otherwise held as its credit.
    fn pay(&self, party: &str, amount: &str, reference: &str, date: &str) -> String {
        self.ok(&[
            "contribution",
            "add",
            party,
            amount,
            "--ref",
            reference,
            "--date",
            date,
            "--voluntary",
        ])
    }

    /// Runs a command that must fail with `code`, writing one `error: ` line; returns it.
    fn fails(&self, code: i32, args: &[&str]) -> String {
        expect_failure(code, args, self.output(args))
    }

    /// Runs a report with `--format json` and parses it.
    fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let stdout = self.ok(&args);
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{args:?} did not print JSON ({e}):\n{stdout}"))
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.file(name);
        std::fs::write(&path, contents).expect("write a file in the temporary directory");
        path
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

fn expect_success(args: &[&str], output: Output) -> String {
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "{args:?} failed with {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status.code()
    );
    assert_eq!(stderr, "", "{args:?} succeeded but wrote to stderr");
    stdout
}

fn expect_failure(code: i32, args: &[&str], output: Output) -> String {
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{args:?}: wrong exit code\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stderr.starts_with("error: ") && stderr.ends_with('\n') && stderr.lines().count() == 1,
        "{args:?}: the error must be one line starting with 'error: ', got:\n{stderr}"
    );
    stderr
}

/// The journal's entries as of `as_of`.
fn journal_entries(ledger: &Ledger, as_of: &str) -> Vec<Value> {
    ledger.json(&["journal", "--as-of", as_of])["entries"]
        .as_array()
        .expect("journal entries are an array")
        .clone()
}

/// Checks the trial balance JSON: its shape, amounts as two-decimal strings, balance equal
/// to debit minus credit on every row, and every currency summing to zero. Returns the rows
/// keyed by (account, currency) as (debit, credit) in minor units.
fn check_trial_balance(balance: &Value, as_of: &str) -> BTreeMap<(String, String), (i64, i64)> {
    assert_eq!(balance["as_of"], as_of);
    let rows = balance["rows"].as_array().expect("rows is an array");
    assert!(!rows.is_empty(), "the trial balance has no rows");
    let mut by_account = BTreeMap::new();
    let mut per_currency: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for row in rows {
        let keys: Vec<&str> = row
            .as_object()
            .expect("a row is an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["account", "currency", "debit", "credit", "balance"]);
        let account = row["account"]
            .as_str()
            .expect("account is text")
            .to_string();
        let currency = row["currency"]
            .as_str()
            .expect("currency is text")
            .to_string();
        let debit = json_minor(&row["debit"]);
        let credit = json_minor(&row["credit"]);
        let balance = json_minor(&row["balance"]);
        assert_eq!(balance, debit - credit, "balance of {account} {currency}");
        let sums = per_currency.entry(currency.clone()).or_default();
        sums.0 += debit;
        sums.1 += credit;
        sums.2 += balance;
        let previous = by_account.insert((account.clone(), currency.clone()), (debit, credit));
        assert!(previous.is_none(), "{account} {currency} appears twice");
    }
    for (currency, (debit, credit, balance)) in &per_currency {
        assert_eq!(debit, credit, "{currency} debits and credits differ");
        assert_eq!(*balance, 0, "{currency} balances do not sum to zero");
    }
    // The totals the program prints agree with the rows.
    let totals = balance["totals"].as_array().expect("totals is an array");
    assert_eq!(totals.len(), per_currency.len(), "one total per currency");
    for total in totals {
        let currency = total["currency"].as_str().expect("currency is text");
        let (debit, credit, _) = per_currency[currency];
        assert_eq!(json_minor(&total["debit"]), debit, "{currency} total debit");
        assert_eq!(
            json_minor(&total["credit"]),
            credit,
            "{currency} total credit"
        );
        assert_eq!(total["balance"], "0.00", "{currency} total balance");
    }
    by_account
}

/// A report without the chain head at its foot.
fn without_chain_foot(text: &str) -> String {
    text.lines()
        .filter(|line| !line.starts_with("Chain: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compares `actual` with the golden file `tests/golden/NAME`, or rewrites the file when
/// `UPDATE_GOLDEN=1`.
fn assert_golden(name: &str, actual: &str) {
    let masked = common::mask_chain_head(actual);
    let actual = masked.as_str();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("golden files have a folder"))
            .expect("create tests/golden");
        std::fs::write(&path, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read golden file {} ({e}); create it with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if expected != actual {
        let first_difference = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .map_or_else(
                || "the files differ in length".to_string(),
                |index| format!("first difference at line {}", index + 1),
            );
        panic!(
            "output differs from golden file {} ({first_difference}); if the change is \
             deliberate, run with UPDATE_GOLDEN=1 and review the diff\n--- expected\n{expected}\
             --- actual\n{actual}",
            path.display()
        );
    }
}

/// The budget of 2017 as the 6MSP approved it, with illustrative lines that add up.
const BUDGET_2017: [&str; 15] = [
    "budget",
    "set",
    "2017",
    "--total",
    "459'000",
    "--approved-on",
    "2016-09-07",
    "--approved-by",
    "6MSP",
    "--line",
    "staff=360'000",
    "--line",
    "travel=45'000",
    "--line",
    "communication-and-office=54'000",
];

/// A ledger with Germany, France and Switzerland and the 2017 budget.
fn ledger_with_parties_and_budget() -> Ledger {
    let ledger = Ledger::init();
    ledger.ok(&["party", "add", "DEU", "--deposited", "2009-07-08"]);
    ledger.ok(&["party", "add", "FRA", "--deposited", "2009-09-25"]);
    ledger.ok(&["party", "add", "CHE", "--deposited", "2012-07-17"]);
    ledger.ok(&BUDGET_2017);
    ledger
}

#[test]
fn finance_officer_records_a_bank_statement() {
    let ledger = Ledger::init();

    // The parties, with entry into force on the first day of the sixth month after deposit,
    // never before the convention's own (1 August 2010 for the CCM).
    let added = ledger.ok(&["party", "add", "DEU", "--deposited", "2009-07-08"]);
    assert!(added.contains("DEU Germany"), "{added}");
    assert!(added.contains("in force 2010-08-01"), "{added}");
    let added = ledger.ok(&["party", "add", "FRA", "--deposited", "2009-09-25"]);
    assert!(added.contains("in force 2010-08-01"), "{added}");
    let added = ledger.ok(&["party", "add", "CHE", "--deposited", "2012-07-17"]);
    assert!(added.contains("in force 2013-01-01"), "{added}");

    let budget = ledger.ok(&BUDGET_2017);
    assert!(budget.contains("CHF 459'000.00"), "{budget}");
    assert!(budget.contains("2016-09-07"), "{budget}");

    // A payment in CHF, then one in USD converted at the rate of the day.
    let recorded = ledger.pay("DEU", "59'810.14", "UBS-2017-0004", "2017-01-11");
    assert!(recorded.contains("recorded entry 1"), "{recorded}");
    assert!(recorded.contains("CHF 59'810.14"), "{recorded}");
    assert!(recorded.contains("2017-01-11"), "{recorded}");
    let recorded = ledger.ok(&[
        "contribution",
        "add",
        "FRA",
        "1000.01",
        "--currency",
        "USD",
        "--rate",
        "0.9712",
        "--ref",
        "UBS-2017-0005",
        "--date",
        "2017-02-01",
        "--voluntary",
    ]);
    // 1000.01 * 0.9712 = 971.209712, rounded half away from zero.
    assert!(recorded.contains("recorded entry 2"), "{recorded}");
    assert!(recorded.contains("CHF 971.21"), "{recorded}");
    assert!(recorded.contains("USD 1'000.01"), "{recorded}");

    // The trial balance: each currency sums to zero, and the conversion account holds
    // the USD leg and its CHF value.
    let accounts = check_trial_balance(
        &ledger.json(&["balance", "--as-of", "2017-02-01"]),
        "2017-02-01",
    );
    let conversion =
        |currency: &str| accounts[&("equity:conversion".to_string(), currency.to_string())];
    assert_eq!(conversion("USD"), (0, 100_001));
    assert_eq!(conversion("CHF"), (97_121, 0));
    assert_eq!(
        accounts[&("assets:bank:usd".to_string(), "USD".to_string())],
        (100_001, 0)
    );
    assert_eq!(
        accounts[&(
            "income:contributions:voluntary".to_string(),
            "CHF".to_string()
        )],
        (0, 5_981_014 + 97_121)
    );

    // The rest of the statement, imported from CSV; importing it again writes nothing.
    let statement = ledger.write(
        "statement-2017-04.csv",
        "date,party,amount,currency,year,ref,voluntary\n\
         2017-04-03,CHE,\"10'672.02\",CHF,2017,UBS-2017-0011,yes\n\
         2017-04-05,DEU,500.00,CHF,2017,UBS-2017-0012,yes\n",
    );
    let statement = statement.to_str().expect("a UTF-8 path");
    let imported = ledger.ok(&["contribution", "import", statement]);
    assert!(
        imported.contains("2 rows, 2 contributions recorded (CHF 11'172.02), 0 already recorded"),
        "{imported}"
    );
    let imported = ledger.ok(&["contribution", "import", statement]);
    assert!(
        imported.contains("2 rows, 0 contributions recorded (CHF 0.00), 2 already recorded"),
        "{imported}"
    );
    assert_eq!(journal_entries(&ledger, "2017-12-31").len(), 4);

    // How funded is 2017 at the end of June?
    let status = ledger.json(&["status", "2017", "--as-of", "2017-06-30"]);
    assert_eq!(status["year"], 2017);
    assert_eq!(status["as_of"], "2017-06-30");
    assert_eq!(status["budget"], "459000.00");
    // 59'810.14 + 971.21 + 10'672.02 + 500.00
    assert_eq!(status["received"], "71953.37");
    // 71'953.37 / 459'000 = 15.676...%
    assert_eq!(status["percent_funded"].to_string(), "15.68");
    assert!(status["percent_funded"].is_number());
    assert_eq!(status["contributors"], 3);
    assert_eq!(status["parties_expected"], 3);

    let accounts = check_trial_balance(
        &ledger.json(&["balance", "--as-of", "2017-06-30"]),
        "2017-06-30",
    );
    assert_eq!(
        accounts[&("assets:bank:chf".to_string(), "CHF".to_string())],
        (5_981_014 + 1_067_202 + 50_000, 0)
    );

    let verified = ledger.ok(&["verify"]);
    assert!(verified.contains("no problems found"), "{verified}");
}

#[test]
fn a_mistake_is_reversed_from_its_date_on() {
    let ledger = ledger_with_parties_and_budget();
    ledger.pay("DEU", "59'810.14", "UBS-1", "2017-01-11");
    ledger.pay("FRA", "16'584.98", "UBS-2", "2017-02-01");

    let reversed = ledger.ok(&[
        "reverse",
        "1",
        "--reason",
        "recorded against the wrong State",
        "--date",
        "2017-03-01",
    ]);
    assert!(reversed.contains("recorded entry 3"), "{reversed}");
    assert!(reversed.contains("Reversal of entry 1"), "{reversed}");
    assert!(reversed.contains("2017-03-01"), "{reversed}");

    // Before the reversal date the amount still counts; from that date on it does not.
    let before = ledger.json(&["status", "2017", "--as-of", "2017-02-28"]);
    assert_eq!(before["received"], "76395.12");
    assert_eq!(before["contributors"], 2);
    let on = ledger.json(&["status", "2017", "--as-of", "2017-03-01"]);
    assert_eq!(on["received"], "16584.98");
    assert_eq!(on["contributors"], 1);

    // The journal keeps both, linked to each other; the history before the reversal date
    // shows the original alone.
    let entries = journal_entries(&ledger, "2017-12-31");
    assert_eq!(entries.len(), 3);
    let original = &entries[0];
    assert_eq!(original["id"], 1);
    assert_eq!(original["reversed_by"], 3);
    assert_eq!(original["reference"], "UBS-1");
    let reversal = &entries[2];
    assert_eq!(reversal["id"], 3);
    assert_eq!(reversal["date"], "2017-03-01");
    assert_eq!(reversal["reverses"], 1);
    assert_eq!(reversal["reason"], "recorded against the wrong State");
    assert_eq!(reversal["party"], "DEU");
    assert_eq!(reversal["budget_year"], 2017);
    let mirrored = &reversal["transfers"][0];
    assert_eq!(mirrored["debit"], original["transfers"][0]["credit"]);
    assert_eq!(mirrored["credit"], original["transfers"][0]["debit"]);
    assert_eq!(mirrored["amount"], "59810.14");
    assert_eq!(journal_entries(&ledger, "2017-02-28").len(), 2);
    let table = ledger.ok(&["journal", "--as-of", "2017-12-31"]);
    assert!(table.contains("Reversal of entry 1"), "{table}");
    assert!(table.contains("3 entries"), "{table}");

    // An entry is reversed once; a reversal is not itself reversed. Nothing is written.
    let error = ledger.fails(
        2,
        &["reverse", "1", "--reason", "again", "--date", "2017-03-02"],
    );
    assert!(
        error.contains("entry 1") && error.contains("already reversed"),
        "{error}"
    );
    assert!(
        error.contains("entry 3"),
        "the message names the reversal: {error}"
    );
    let error = ledger.fails(
        2,
        &["reverse", "3", "--reason", "undo", "--date", "2017-03-02"],
    );
    assert!(error.contains("entry 3"), "{error}");
    assert_eq!(journal_entries(&ledger, "2017-12-31").len(), 3);

    check_trial_balance(
        &ledger.json(&["balance", "--as-of", "2017-12-31"]),
        "2017-12-31",
    );
    let verified = ledger.ok(&["verify"]);
    assert!(verified.contains("no problems found"), "{verified}");
}

#[test]
fn reports_are_reproducible_as_of_any_past_date() {
    let ledger = ledger_with_parties_and_budget();
    ledger.pay("DEU", "59'810.14", "UBS-1", "2017-01-11");
    ledger.pay("CHE", "10'672.02", "UBS-2", "2017-04-03");

    let between = ["status", "2017", "--as-of", "2017-02-15"];
    let status = ledger.json(&between);
    assert_eq!(status["received"], "59810.14");
    assert_eq!(status["contributors"], 1);
    assert_eq!(status["percent_funded"].to_string(), "13.03");
    let table_between = ledger.ok(&between);
    assert!(
        table_between.contains("as of 2017-02-15"),
        "{table_between}"
    );
    assert!(table_between.contains("CHF 59'810.14"), "{table_between}");

    // The second contribution counts from its own date on.
    let status = ledger.json(&["status", "2017", "--as-of", "2017-04-03"]);
    assert_eq!(status["received"], "70482.16");
    assert_eq!(status["contributors"], 2);

    // Before the MSP approved the budget there was none to be funded.
    let status = ledger.json(&["status", "2017", "--as-of", "2016-08-31"]);
    assert_eq!(status["budget"], Value::Null);
    assert_eq!(status["percent_funded"], Value::Null);
    assert_eq!(status["received"], "0.00");

    // Recording later payments does not change what the report said for an earlier date
    // (only the chain head at its foot, which covers the new payment).
    ledger.pay("FRA", "16'584.98", "UBS-3", "2017-06-20");
    assert_eq!(
        without_chain_foot(&ledger.ok(&between)),
        without_chain_foot(&table_between)
    );
}

#[test]
fn demo_reproduces_the_figures_of_the_minutes() {
    let ledger = Ledger::named("demo.sqlite");
    let printed = ledger.ok(&["demo"]);
    assert!(printed.contains("CHF 311'922.54"), "{printed}");
    assert!(printed.contains("68.0%"), "{printed}");
    assert!(ledger.db.exists(), "the demo is built in the --db file");

    // 16 May 2017: before the last payment of CHF 16'584.98.
    let may = ledger.json(&["status", "2017", "--as-of", "2017-05-16"]);
    assert_eq!(may["contributors"], 33);
    assert_eq!(may["received"], "295337.56");
    assert_eq!(may["budget"], "459000.00");

    // 27 June 2017: the Coordination Committee meeting.
    // The chain head at its foot covers when each row was entered: a rebuilt demo has its
    // own, with the same figures.
    let status_without_chain = |mut status: Value| {
        status.as_object_mut().map(|fields| fields.remove("chain"));
        status
    };
    let june = status_without_chain(ledger.json(&["status", "2017", "--as-of", "2017-06-27"]));
    assert_eq!(june["contributors"], 34);
    assert_eq!(june["received"], "311922.54");
    assert!(june["percent_funded"].is_number(), "{june}");
    assert_eq!(june["percent_funded"].to_string(), "67.96");
    assert_eq!(
        minor(june["received"].as_str().unwrap()) - minor(may["received"].as_str().unwrap()),
        1_658_498
    );
    let table = ledger.ok(&["status", "2017", "--as-of", "2017-06-27"]);
    assert!(table.contains("68.0%"), "{table}");
    assert!(table.contains("CHF 311'922.54"), "{table}");

    // What the minutes say: one more State paid CHF 16'584.98 since the 16 May meeting.
    let since = ledger.ok(&[
        "status",
        "2017",
        "--as-of",
        "2017-06-27",
        "--since",
        "2017-05-16",
    ]);
    for figure in ["CHF 16'584.98", "CHF 295'337.56", "34", "68%"] {
        assert!(
            since.contains(figure),
            "--since does not show {figure}:\n{since}"
        );
    }

    // A machine format keeps standard output parseable.
    let output = ledger.output(&["demo", "--format", "json"]);
    assert!(output.status.success());
    let status: Value = serde_json::from_slice(&output.stdout).expect("demo --format json is JSON");
    assert!(
        status["chain"]["count"].as_i64().is_some_and(|n| n > 0),
        "{status}"
    );
    assert_eq!(status_without_chain(status), june);

    // Running the demo again rebuilds the file: same figures, no duplicate entries.
    ledger.ok(&["demo"]);
    assert_eq!(
        status_without_chain(ledger.json(&["status", "2017", "--as-of", "2017-06-27"])),
        june
    );
    // 100 assessments, 34 contributions, 2 balances brought forward from 2016 and 12 costs.
    assert_eq!(journal_entries(&ledger, "2017-12-31").len(), 148);
    let verified = ledger.ok(&["verify"]);
    assert!(verified.contains("no problems found"), "{verified}");
}

#[test]
fn demo_refuses_to_overwrite_a_real_ledger() {
    let ledger = Ledger::init();
    ledger.ok(&["party", "add", "DEU", "--deposited", "2009-07-08"]);
    let before = std::fs::read(&ledger.db).expect("the ledger file");

    let error = ledger.fails(2, &["demo"]);
    assert!(error.contains("not a demo ledger"), "{error}");
    assert!(
        error.contains(&ledger.db.display().to_string()),
        "the message names the file: {error}"
    );

    assert_eq!(std::fs::read(&ledger.db).expect("the ledger file"), before);
    let parties = ledger.ok(&["party", "list", "--format", "csv"]);
    assert_eq!(parties.lines().count(), 2, "{parties}");
    assert!(parties.contains("DEU,Germany"), "{parties}");
}

/// Builds the demo and runs `args` on it with `--as-of 2017-06-27`.
fn demo_report(args: &[&str]) -> String {
    let ledger = Ledger::demo();
    let mut args = args.to_vec();
    args.extend(["--as-of", "2017-06-27"]);
    ledger.ok(&args)
}

#[test]
fn golden_status_table_of_the_demo() {
    let output = demo_report(&["status", "2017"]);
    assert!(output.contains("CHF 311'922.54") && output.contains("68.0%"));
    assert_golden("status-2017-06-27.txt", &output);
}

#[test]
fn golden_status_csv_of_the_demo() {
    let output = demo_report(&["status", "2017", "--format", "csv"]);
    assert!(output.contains("311922.54") && output.contains("67.96"));
    assert_golden("status-2017-06-27.csv", &output);
}

#[test]
fn golden_status_json_of_the_demo() {
    let output = demo_report(&["status", "2017", "--format", "json"]);
    assert!(output.contains("\"311922.54\"") && output.contains("67.96"));
    assert_golden("status-2017-06-27.json", &output);
}

#[test]
fn golden_balance_table_of_the_demo() {
    let output = demo_report(&["balance"]);
    assert!(output.contains("311'922.54"));
    assert_golden("balance-2017-06-27.txt", &output);
}

#[test]
fn help_and_version_name_the_commands_and_flags() {
    let ledger = Ledger::new();
    let help = ledger.ok(&["--help"]);
    for word in [
        "status",
        "contribution",
        "reverse",
        "balance",
        "verify",
        "--as-of",
        "--db",
    ] {
        assert!(
            help.contains(word),
            "--help does not mention {word}:\n{help}"
        );
    }
    let help = ledger.ok(&["contribution", "add", "--help"]);
    for word in ["--ref", "--rate", "--date", "--currency", "--year"] {
        assert!(
            help.contains(word),
            "contribution add --help does not mention {word}:\n{help}"
        );
    }
    let version = ledger.ok(&["--version"]);
    assert_eq!(
        version.trim(),
        format!("isu-ledger {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(!ledger.db.exists(), "--help and --version create no ledger");
}

#[test]
fn csv_output_neutralises_formulas_and_keeps_amounts_numbers() {
    let ledger = ledger_with_parties_and_budget();
    ledger.ok(&[
        "party",
        "add",
        "EU",
        "--kind",
        "organisation",
        "--name",
        "=HYPERLINK(\"http://x\",\"y\")",
    ]);
    let parties = ledger.ok(&["party", "list", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(parties.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    let name_column = headers
        .iter()
        .position(|h| h == "Name")
        .expect("a Name column");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    let eu = rows
        .iter()
        .find(|row| &row[0] == "EU")
        .unwrap_or_else(|| panic!("no EU row in:\n{parties}"));
    assert_eq!(&eu[name_column], "'=HYPERLINK(\"http://x\",\"y\")");
    let germany = rows.iter().find(|row| &row[0] == "DEU").expect("a DEU row");
    assert_eq!(&germany[name_column], "Germany");

    // Amounts stay plain numbers, negative ones included (a leading '-' is not a formula
    // in an amount column).
    ledger.pay("DEU", "59'810.14", "UBS-1", "2017-01-11");
    let balance = ledger.ok(&["balance", "--as-of", "2017-12-31", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(balance.as_bytes());
    assert_eq!(
        reader.headers().expect("a header"),
        vec!["Account", "Currency", "Debit", "Credit", "Balance"]
    );
    let mut saw_negative = false;
    for row in reader.records() {
        let row = row.expect("a CSV row");
        for amount in [&row[2], &row[3], &row[4]] {
            saw_negative |= minor(amount) < 0;
        }
    }
    assert!(saw_negative, "the income balance is negative:\n{balance}");
    assert!(balance.contains(",-59810.14"), "{balance}");

    let status = ledger.ok(&["status", "2017", "--as-of", "2017-06-30", "--format", "csv"]);
    assert!(status.contains(",459000.00,"), "{status}");
    assert!(!status.contains("CHF 459"), "{status}");
}

#[test]
fn the_ledger_file_comes_from_the_environment_when_no_db_is_given() {
    let ledger = Ledger::new();
    let env_db = ledger.file("from-env.sqlite");
    let run = |args: &[&str]| {
        ledger
            .bare_command()
            .env(DB_ENV, &env_db)
            .args(args)
            .output()
            .expect("the binary runs")
    };

    // No ledger yet: the message says how to create one, and nothing is created.
    let error = expect_failure(2, &["status", "2017"], run(&["status", "2017"]));
    assert!(error.contains("from-env.sqlite"), "{error}");
    assert!(
        error.contains("init"),
        "the message says how to create one: {error}"
    );
    assert!(!env_db.exists(), "status created {}", env_db.display());

    let created = expect_success(&["init"], run(&["init"]));
    assert!(created.contains("from-env.sqlite"), "{created}");
    assert!(env_db.exists());
    assert!(
        !ledger.file("isu-ledger.sqlite").exists(),
        "the default file is not used when {DB_ENV} is set"
    );

    let args = [
        "status",
        "2017",
        "--as-of",
        "2017-06-27",
        "--format",
        "json",
    ];
    let status: Value =
        serde_json::from_str(&expect_success(&args, run(&args))).expect("status JSON");
    assert_eq!(status["received"], "0.00");
    assert_eq!(status["budget"], Value::Null);

    // --db wins over the environment.
    let other = ledger.file("other.sqlite");
    let output = ledger
        .bare_command()
        .env(DB_ENV, &env_db)
        .arg("--db")
        .arg(&other)
        .args(["status", "2017"])
        .output()
        .expect("the binary runs");
    let error = expect_failure(2, &["--db", "other.sqlite", "status", "2017"], output);
    assert!(error.contains("other.sqlite"), "{error}");
}

#[test]
fn without_db_or_environment_the_ledger_is_in_the_working_directory() {
    let ledger = Ledger::new();
    let run = |args: &[&str]| {
        ledger
            .bare_command()
            .args(args)
            .output()
            .expect("the binary runs")
    };
    let error = expect_failure(2, &["status", "2017"], run(&["status", "2017"]));
    assert!(error.contains("isu-ledger.sqlite"), "{error}");
    assert!(
        error.contains("init"),
        "the message says how to create one: {error}"
    );

    expect_success(&["init"], run(&["init"]));
    assert!(ledger.file("isu-ledger.sqlite").exists());
    let args = ["status", "2017", "--as-of", "2017-06-27"];
    let table = expect_success(&args, run(&args));
    assert!(
        table.contains("Funding status of the 2017 budget"),
        "{table}"
    );
}

#[test]
fn an_empty_environment_variable_does_not_lose_the_ledger() {
    // `ISU_LEDGER_DB=` (set but empty) must not make `init` report a ledger that is gone
    // when it exits: either it is refused, or the ledger it creates is there afterwards.
    let ledger = Ledger::new();
    let run = |args: &[&str]| {
        ledger
            .bare_command()
            .env(DB_ENV, "")
            .args(args)
            .output()
            .expect("the binary runs")
    };
    let init = run(&["init"]);
    if init.status.success() {
        let args = ["status", "2017", "--as-of", "2017-06-27"];
        expect_success(&args, run(&args));
    } else {
        expect_failure(2, &["init"], init);
    }
}

#[test]
fn a_reversal_is_not_dated_before_the_entry_it_reverses() {
    let ledger = ledger_with_parties_and_budget();
    ledger.pay("DEU", "59'810.14", "UBS-1", "2017-01-11");
    // Dated before the payment, the reversal would make the status of December 2016 show a
    // negative amount received.
    let error = ledger.fails(
        2,
        &[
            "reverse",
            "1",
            "--reason",
            "typed twice",
            "--date",
            "2016-12-01",
        ],
    );
    assert!(
        error.contains("2017-01-11"),
        "the message names the original's date: {error}"
    );
    assert_eq!(
        journal_entries(&ledger, "2017-12-31").len(),
        1,
        "nothing is written"
    );
    let status = ledger.json(&["status", "2017", "--as-of", "2016-12-15"]);
    assert_eq!(status["received"], "0.00");
    // On the day of the original it is accepted.
    ledger.ok(&[
        "reverse",
        "1",
        "--reason",
        "typed twice",
        "--date",
        "2017-01-11",
    ]);
}

#[test]
fn a_report_written_to_a_closed_pipe_ends_quietly() {
    // `isu-ledger status 2017 --format json | head -1`: the reader goes away, and the
    // program stops without an error, whatever the format.
    let ledger = Ledger::demo();
    for format in ["table", "csv", "json"] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_isu-ledger"))
            .current_dir(ledger.dir.path())
            .env_remove(DB_ENV)
            .arg("--db")
            .arg(&ledger.db)
            .args(["journal", "--as-of", "2017-12-31", "--format", format])
            .stdout(writer)
            .output()
            .expect("the binary runs");
        assert_eq!(
            (output.status.code(), text(&output.stderr)),
            (Some(0), String::new()),
            "--format {format} into a closed pipe"
        );
    }
}
