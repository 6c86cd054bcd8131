//! Exports read by the real plain-text accounting tools: `hledger`, `ledger` and beancount
//! (`bean-check`, and beancount's own realization through its Python API) must accept the
//! exported files, and every account's balance in every currency must equal the ledger's
//! trial balance to the centime.
//!
//! Where a tool is not installed the check is skipped with a message on stderr, unless
//! `ISU_LEDGER_REQUIRE_TOOLS=1` (set by `.ci/run`), which makes a missing tool a failure.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use common::{isu, isu_ok, json_minor, setup};
use isu_ledger::render::export::beancount::account_from_beancount;

/// Balances by (account, currency), zero balances left out.
type Balances = BTreeMap<(String, String), Decimal>;

/// A date after every generated entry, so the trial balance covers the whole journal.
const FAR_FUTURE: &str = "2100-12-31";

/// Whether a tool must be present: set by CI.
fn tools_required() -> bool {
    std::env::var("ISU_LEDGER_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// True when `program --version` runs (or `python3 -c 'import beancount'` for the Python
/// API). A missing tool is a failure when tools are required, else a skip said on stderr.
fn have(program: &str, test: &str) -> bool {
    let found = if program == "beancount (python3)" {
        Command::new("python3")
            .args(["-c", "import beancount.loader"])
            .output()
            .is_ok_and(|o| o.status.success())
    } else {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !found {
        assert!(
            !tools_required(),
            "{program} is not installed and ISU_LEDGER_REQUIRE_TOOLS=1 ({test})"
        );
        eprintln!("SKIPPED {test}: {program} is not installed (set ISU_LEDGER_REQUIRE_TOOLS=1 to fail instead)");
    }
    found
}

fn run_tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{program} {args:?} failed with {}: {stderr}",
        output.status
    );
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text.trim()).unwrap_or_else(|e| panic!("'{text}' is not a number: {e}"))
}

fn insert(balances: &mut Balances, account: String, currency: String, amount: Decimal) {
    if !amount.is_zero() {
        let previous = balances.insert((account.clone(), currency.clone()), amount);
        assert!(previous.is_none(), "{account} {currency} listed twice");
    }
}

/// The ledger's own trial balance, optionally of one budget year.
fn our_balances(db: &Path, year: Option<i32>) -> Balances {
    let mut args = vec!["--format", "json", "--as-of", FAR_FUTURE, "balance"];
    let year_text = year.map(|y| y.to_string());
    if let Some(year) = &year_text {
        args.extend(["--year", year]);
    }
    let report: Value = serde_json::from_str(&isu_ok(db, &args)).expect("balance JSON");
    let mut balances = Balances::new();
    for row in report["rows"].as_array().expect("rows") {
        insert(
            &mut balances,
            row["account"].as_str().unwrap().to_string(),
            row["currency"].as_str().unwrap().to_string(),
            decimal(row["balance"].as_str().unwrap()),
        );
    }
    balances
}

fn export(db: &Path, format: &str, year: Option<i32>, file: &Path) {
    let mut args = vec!["--format", format, "export", "--out"];
    let file = file.to_str().expect("a UTF-8 path");
    args.push(file);
    let year_text = year.map(|y| y.to_string());
    if let Some(year) = &year_text {
        args.extend(["--year", year]);
    }
    isu_ok(db, &args);
}

fn hledger_balances(journal: &Path) -> Balances {
    let journal = journal.to_str().unwrap();
    let text = run_tool(
        "hledger",
        &[
            "-f",
            journal,
            "--strict",
            "balance",
            "--flat",
            "--no-total",
            "-O",
            "csv",
            "--layout=bare",
        ],
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut balances = Balances::new();
    for record in reader.records() {
        let record = record.expect("hledger CSV");
        insert(
            &mut balances,
            record[0].to_string(),
            record[1].to_string(),
            decimal(&record[2]),
        );
    }
    balances
}

fn ledger_balances(journal: &Path, currencies: &[String]) -> Balances {
    let journal = journal.to_str().unwrap();
    let mut balances = Balances::new();
    // One report per currency, so each account's amount is one amount on one line; the
    // account's own amount (`display_amount`), as the flat report's total includes the
    // accounts below it.
    for currency in currencies {
        let limit = format!("commodity==\"{currency}\"");
        let text = run_tool(
            "ledger",
            &[
                "-f",
                journal,
                "--pedantic",
                "balance",
                "--flat",
                "--no-total",
                "--limit",
                &limit,
                "--balance-format",
                "%(account)\t%(scrub(display_amount))\n",
            ],
        );
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (account, amount) = line.split_once('\t').expect("account<TAB>amount");
            if amount.trim() == "0" {
                continue;
            }
            let amount = amount
                .trim()
                .strip_prefix(currency.as_str())
                .unwrap_or_else(|| panic!("'{line}' is not in {currency}"));
            insert(
                &mut balances,
                account.to_string(),
                currency.clone(),
                decimal(amount),
            );
        }
    }
    balances
}

/// Runs `bean-check`, then sums every account with beancount's own realization and maps
/// the names back to the ledger's.
fn beancount_balances(file: &Path) -> Balances {
    let file = file.to_str().unwrap();
    let checked = run_tool("bean-check", &[file]);
    assert!(checked.trim().is_empty(), "bean-check says: {checked}");
    let script = [
        "import sys",
        "from beancount import loader",
        "from beancount.core import realization",
        "entries, errors, options = loader.load_file(sys.argv[1])",
        "if errors:",
        "    sys.exit('beancount errors: %r' % (errors,))",
        "for node in realization.iter_children(realization.realize(entries)):",
        "    for position in node.balance:",
        "        units = position.units",
        "        print('%s\\t%s\\t%s' % (node.account, units.currency, units.number))",
    ]
    .join("\n");
    let text = run_tool("python3", &["-c", &script, file]);
    let mut balances = Balances::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let account = account_from_beancount(fields[0])
            .unwrap_or_else(|| panic!("'{}' maps to no ledger account", fields[0]));
        insert(
            &mut balances,
            account.as_str().to_string(),
            fields[1].to_string(),
            decimal(fields[2]),
        );
    }
    balances
}

/// Exports the ledger (or one budget year of it) in every format the tools read and checks
/// their balances against ours. Returns how many tools ran.
fn check_with_every_tool(db: &Path, year: Option<i32>, what: &str) -> usize {
    let ours = our_balances(db, year);
    assert!(
        !ours.is_empty(),
        "{what}: the ledger has balances to compare"
    );
    let currencies: Vec<String> = ours
        .keys()
        .map(|(_, currency)| currency.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let dir = db.parent().unwrap();
    let suffix = year.map_or(String::new(), |y| format!("-{y}"));
    let journal = dir.join(format!("export{suffix}.journal"));
    let beancount = dir.join(format!("export{suffix}.beancount"));
    export(db, "ledger", year, &journal);
    export(db, "beancount", year, &beancount);
    let mut ran = 0;
    if have("hledger", what) {
        assert_eq!(hledger_balances(&journal), ours, "{what}: hledger");
        ran += 1;
    }
    if have("ledger", what) {
        assert_eq!(
            ledger_balances(&journal, &currencies),
            ours,
            "{what}: ledger"
        );
        ran += 1;
    }
    if have("bean-check", what) && have("beancount (python3)", what) {
        assert_eq!(beancount_balances(&beancount), ours, "{what}: beancount");
        ran += 1;
    }
    ran
}

#[test]
fn the_demo_ledger_exported_balances_the_same_in_hledger_ledger_and_beancount() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    isu_ok(&db, &["demo"]);
    check_with_every_tool(&db, None, "demo ledger");
    check_with_every_tool(&db, Some(2017), "demo ledger, 2017");
}

/// splitmix64: a small deterministic generator for test data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Accounts of every shape the beancount mapping distinguishes.
const ACCOUNTS: [&str; 16] = [
    "assets:bank:chf",
    "assets:bank:usd",
    "assets:bank:eur",
    "assets:receivable:contributions:DEU",
    "assets:receivable:contributions:Fra",
    "liabilities:prepaid:X",
    "liabilities:payable:staff_costs",
    "equity:conversion",
    "equity:fund-balance:isu",
    "equity:2017",
    "income:contributions:voluntary",
    "income:contributions:assessed",
    "income:interest",
    "expenses:translation:dEU",
    "expenses:staff",
    "expenses",
];

/// Builds a ledger of `entries` random entries through `import`, with a contribution in
/// USD at a rate and a reversal. Returns the CSV text's row count.
fn random_ledger(db: &Path, entries: usize, seed: u64) -> usize {
    for (code, name) in [
        ("ORG1", "First organisation"),
        ("ORG2", "Second, \"other\""),
    ] {
        isu_ok(
            db,
            &[
                "party",
                "add",
                code,
                "--name",
                name,
                "--kind",
                "organisation",
            ],
        );
    }
    let mut rng = SplitMix64(seed);
    let mut csv =
        String::from("date,description,debit,credit,amount,currency,year,fund,party,ref\n");
    let mut rows = 0;
    let funds = ["isu", "meetings", "sponsorship"];
    let parties = ["", "ORG1", "ORG2"];
    let currencies = ["CHF", "CHF", "USD", "EUR"];
    for entry in 0..entries {
        let year = 2007 + rng.below(20);
        let date = format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
        let budget_year = year + rng.below(2);
        let fund = funds[rng.below(funds.len())];
        let party = parties[rng.below(parties.len())];
        let transfers = 1 + rng.below(3);
        for transfer in 0..transfers {
            // Some later transfers count for the year before their entry's.
            let year = if transfer > 0 && rng.below(3) == 0 {
                budget_year - 1
            } else {
                budget_year
            };
            let debit = rng.below(ACCOUNTS.len());
            let credit = (debit + 1 + rng.below(ACCOUNTS.len() - 1)) % ACCOUNTS.len();
            let minor = 1 + rng.next() % 5_000_000;
            // Expenses are booked in CHF, the currency of the budget.
            let currency = match currencies[rng.below(currencies.len())] {
                _ if ACCOUNTS[debit].starts_with("expenses")
                    || ACCOUNTS[credit].starts_with("expenses") =>
                {
                    "CHF"
                }
                drawn => drawn,
            };
            writeln!(
                csv,
                "{date},\"Entry {entry}; \"\"generated\"\"\",{},{},{}.{:02},{currency},{year},{fund},{party},G-{entry}",
                ACCOUNTS[debit],
                ACCOUNTS[credit],
                minor / 100,
                minor % 100
            )
            .unwrap();
            rows += 1;
        }
    }
    std::fs::write(db.with_file_name("random.csv"), csv).unwrap();
    // `import` posts only to accounts already open.
    for account in ACCOUNTS {
        isu_ok(db, &["account", "add", account]);
    }
    isu_ok(db, &["import", "random.csv"]);
    isu_ok(db, &["party", "add", "DEU"]);
    isu_ok(
        db,
        &[
            "contribution",
            "add",
            "DEU",
            "1000.01",
            "--currency",
            "USD",
            "--rate",
            "0.9712",
            "--date",
            "2017-03-01",
            "--ref",
            "USD-1",
        ],
    );
    isu_ok(
        db,
        &[
            "reverse",
            "1",
            "--reason",
            "entered twice; see \"2\"",
            "--date",
            "2026-12-31",
        ],
    );
    rows
}

#[test]
fn a_large_random_ledger_exported_balances_the_same_in_hledger_ledger_and_beancount() {
    let (_dir, db) = setup();
    let rows = random_ledger(&db, 6_000, 0x5EED_2017);
    assert!(rows > 10_000, "{rows} transfers");
    let journal: Value = serde_json::from_str(&isu_ok(
        &db,
        &[
            "--format", "json", "--as-of", FAR_FUTURE, "journal", "--year", "2017",
        ],
    ))
    .unwrap();
    assert!(journal["entries"].as_array().unwrap().len() > 100);
    check_with_every_tool(&db, None, "random ledger");
    check_with_every_tool(&db, Some(2017), "random ledger, 2017");
}

#[test]
fn a_party_name_with_quotes_colons_semicolons_and_a_leading_equals_stays_valid_everywhere() {
    let (_dir, db) = setup();
    let name = "=\"Öst;erreich\": Ünïon; d'Ivoire (x) | \\ #1 : :tag:";
    isu_ok(
        &db,
        &[
            "party",
            "add",
            "AWK",
            "--name",
            name,
            "--kind",
            "organisation",
        ],
    );
    isu_ok(
        &db,
        &[
            "contribution",
            "add",
            "AWK",
            "1'234.56",
            "--date",
            "2017-05-02",
            "--ref",
            "=\"R;1\": (x)",
        ],
    );
    isu_ok(
        &db,
        &[
            "contribution",
            "add",
            "AWK",
            "100.00",
            "--currency",
            "USD",
            "--rate",
            "0.95",
            "--date",
            "2017-05-03",
        ],
    );
    check_with_every_tool(&db, None, "awkward party name");

    // The name survives whole where the format can hold it.
    let beancount = std::fs::read_to_string(db.with_file_name("export.beancount")).unwrap();
    assert!(
        beancount.contains("\"=\\\"Öst;erreich\\\": Ünïon; d'Ivoire (x) | \\\\ #1 : :tag:\""),
        "{beancount}"
    );
    let journal = std::fs::read_to_string(db.with_file_name("export.journal")).unwrap();
    assert!(
        journal.contains(&format!("; party-name: {name}")),
        "{journal}"
    );
    let json = isu(&db)
        .args(["--format", "json", "export"])
        .output()
        .unwrap();
    assert!(json.status.success());
    let transfers: Value = serde_json::from_slice(&json.stdout).expect("export JSON");
    assert_eq!(transfers[0]["party_name"], name);
    assert_eq!(transfers[0]["amount"], "1234.56");
}

#[test]
fn the_flat_csv_export_has_one_row_per_transfer_and_neutralised_text() {
    let (_dir, db) = setup();
    isu_ok(
        &db,
        &[
            "party",
            "add",
            "AWK",
            "--name",
            "=SUM(A1)",
            "--kind",
            "organisation",
        ],
    );
    isu_ok(
        &db,
        &[
            "contribution",
            "add",
            "AWK",
            "100.00",
            "--currency",
            "USD",
            "--rate",
            "0.95",
            "--date",
            "2017-05-03",
        ],
    );
    let text = isu_ok(&db, &["--format", "csv", "export"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        &headers.iter().take(10).collect::<Vec<_>>(),
        &[
            "date",
            "description",
            "debit",
            "credit",
            "amount",
            "currency",
            "year",
            "fund",
            "party",
            "ref"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "a conversion entry is two transfers");
    assert_eq!(&rows[0][12], "'=SUM(A1)");
    assert_eq!(&rows[0][13], "0.95");
}

#[test]
fn export_formats_are_refused_by_the_other_commands_and_export_needs_one() {
    let (_dir, db) = setup();
    for format in ["ledger", "beancount"] {
        let output = isu(&db)
            .args(["--format", format, "balance"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("error: --format"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let output = isu(&db).arg("export").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--format ledger"));
}

#[test]
fn a_missing_tool_is_skipped_locally_and_a_failure_when_tools_are_required() {
    let outcome = std::panic::catch_unwind(|| have("isu-ledger-no-such-tool", "this test"));
    if tools_required() {
        assert!(
            outcome.is_err(),
            "a missing tool must fail under ISU_LEDGER_REQUIRE_TOOLS=1"
        );
    } else {
        assert_eq!(outcome.ok(), Some(false));
    }
}

#[test]
fn a_ledger_kept_in_usd_runs_from_init_to_the_exports_the_tools_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("usd.sqlite");
    let created = isu_ok(&db, &["init", "--currency", "USD"]);
    assert!(created.contains("kept in USD"), "{created}");
    for args in [
        &["party", "add", "NOR", "--deposited", "2008-12-03"][..],
        &[
            "party",
            "add",
            "CHE",
            "--deposited",
            "2012-07-17",
            "--language",
            "fr",
        ],
        &[
            "budget",
            "set",
            "2017",
            "--total",
            "100000",
            "--approved-on",
            "2016-09-07",
            "--line",
            "staff=90000",
            "--line",
            "travel=10000",
        ],
        &[
            "assess",
            "2017",
            "--method",
            "equal",
            "--date",
            "2017-01-10",
        ],
        &[
            "contribution",
            "add",
            "NOR",
            "20000",
            "--date",
            "2017-02-01",
        ],
        // Francs are another currency here: converted at dollars per franc.
        &[
            "contribution",
            "add",
            "CHE",
            "10000",
            "--currency",
            "CHF",
            "--rate",
            "1.02",
            "--date",
            "2017-03-01",
        ],
        &["cost", "add", "staff", "5000", "--date", "2017-03-15"],
        &["rate", "set", "EUR", "1.08", "--date", "2017-01-01"],
        &[
            "fund",
            "opening",
            "isu",
            "2000",
            "--currency",
            "EUR",
            "--date",
            "2016-12-31",
        ],
        &[
            "cost",
            "add",
            "travel",
            "1000",
            "--currency",
            "EUR",
            "--date",
            "2017-04-01",
        ],
    ] {
        isu_ok(&db, args);
    }
    // Norway paid its 50'000.00 share in part, Switzerland 10'200.00 of it.
    let status = isu_ok(
        &db,
        &[
            "--as-of",
            "2017-06-30",
            "--format",
            "json",
            "status",
            "2017",
        ],
    );
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["currency"], "USD");
    assert_eq!(json_minor(&status["received"]), 3_020_000);
    assert_eq!(json_minor(&status["spending"]["spent"]), 608_000);
    let outstanding = isu_ok(&db, &["--as-of", "2017-06-30", "outstanding", "2017"]);
    assert!(outstanding.contains("in USD"), "{outstanding}");
    assert!(
        outstanding.contains("| CHE   | Switzerland | 50'000.00 | 10'200.00 |   39'800.00"),
        "{outstanding}"
    );
    assert!(outstanding.contains("USD 69'800.00"), "{outstanding}");
    assert!(!outstanding.contains("CHF"), "{outstanding}");
    let letters = dir.path().join("letters");
    isu_ok(
        &db,
        &[
            "--as-of",
            "2017-06-30",
            "letters",
            "reminder",
            "2017",
            "--out",
            letters.to_str().unwrap(),
        ],
    );
    let swiss = std::fs::read_to_string(letters.join("2017-CHE.txt")).unwrap();
    assert!(swiss.contains("USD 39'800.00"), "{swiss}");
    assert!(!swiss.contains("CHF 39"), "{swiss}");
    let rates = isu_ok(&db, &["rate", "list"]);
    assert!(rates.contains("(USD per unit)"), "{rates}");
    let verified = isu_ok(&db, &["verify"]);
    assert!(verified.contains("no problems found"), "{verified}");
    let beancount = dir.path().join("usd.beancount");
    export(&db, "beancount", None, &beancount);
    let text = std::fs::read_to_string(&beancount).unwrap();
    assert!(text.contains("option \"operating_currency\" \"USD\""));
    assert!(
        text.contains("price CHF 1.02 USD"),
        "francs are priced in dollars"
    );
    check_with_every_tool(&db, None, "ledger kept in USD");
    check_with_every_tool(&db, Some(2017), "ledger kept in USD, 2017");
}
