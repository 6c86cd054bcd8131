//! Bank statements: camt.053 (.02, .04, .08) and CSV exports read to the centime, imported
//! once, matched to States by rules the officer sees, confirmed through the rules of
//! `contribution add`, and reconciled with the books; every bad input refused whole.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use isu_ledger::domain::bank::csv_profile::Profile;
use isu_ledger::domain::bank::{camt, BankLine};
use isu_ledger::money::{Currency, Money};
use proptest::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

use common::{isu_ok, refused};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bank");
const ACCOUNT: &str = "CH9300762011623852957";

fn data(name: &str) -> String {
    format!("{DATA}/{name}")
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

fn ok(db: &Path, line: &str) -> String {
    isu_ok(db, &words(line))
}

fn json(db: &Path, line: &str) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend(words(line));
    serde_json::from_str(&isu_ok(db, &args)).expect("JSON")
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn chf(minor: i64) -> Money {
    Money::from_minor(minor, Currency::CHF)
}

/// A line as the tests expect it: credit or debit, with its texts.
#[allow(clippy::too_many_arguments)]
fn expected(
    reference: &str,
    booked: &str,
    value: &str,
    minor: i64,
    name: Option<&str>,
    account: Option<&str>,
    text: &str,
) -> BankLine {
    BankLine {
        account_iban: ACCOUNT.to_string(),
        bank_reference: reference.to_string(),
        booked_on: day(booked),
        value_on: day(value),
        amount: chf(minor),
        counterparty_name: name.map(str::to_string),
        counterparty_account: account.map(str::to_string),
        remittance: text.to_string(),
        reversal: false,
        instructed: None,
        rate: None,
    }
}

fn parse(name: &str) -> Vec<isu_ledger::domain::bank::Statement> {
    let text = std::fs::read_to_string(data(name)).unwrap();
    camt::parse(name, &text).unwrap()
}

#[test]
fn camt_053_001_02_is_read_to_the_centime() {
    let statements = parse("camt053-v02.xml");
    assert_eq!(statements.len(), 1);
    let statement = &statements[0];
    assert_eq!(statement.id, "STMT-2017-03-A");
    assert_eq!(statement.account_iban, ACCOUNT);
    assert_eq!(statement.opening, Some(chf(10_000_000)));
    assert_eq!(
        statement.closing,
        Some((chf(11_656_998), day("2017-03-15")))
    );
    assert_eq!(
        statement.lines,
        vec![
            expected(
                "V02-0001",
                "2017-03-14",
                "2017-03-15",
                1_658_498,
                Some("MINISTERE DES AFFAIRES ETRANGERES ET EUROPEENNES PARIS"),
                Some("FR7630006000011234567890189"),
                "CONTRIB 2017 ISU CCM",
            ),
            expected(
                "V02-0002",
                "2017-03-15",
                "2017-03-15",
                -1_500,
                None,
                None,
                "FRAIS DE TENUE DE COMPTE",
            ),
        ]
    );
}

#[test]
fn camt_053_001_04_batches_charges_and_reversals_are_read() {
    let statement = &parse("camt053-v04.xml")[0];
    let mut netherlands = expected(
        "V04-0002",
        "2017-04-12",
        "2017-04-12",
        998_500,
        Some("Ministry of Foreign Affairs The Hague"),
        None,
        "Netherlands ISU 2017",
    );
    netherlands.instructed = Some(chf(1_000_000));
    let mut reversal = expected(
        "V04-R1",
        "2017-04-28",
        "2017-04-28",
        -50_000,
        Some("Unknown payer"),
        None,
        "RETURN OF PAYMENT",
    );
    reversal.reversal = true;
    assert_eq!(
        statement.lines,
        vec![
            expected(
                "V04-B1-1",
                "2017-04-10",
                "2017-04-10",
                2_000_000,
                Some("Federal Foreign Office"),
                Some("DE89370400440532013000"),
                "Germany contribution 2017",
            ),
            expected(
                "V04-B1-2",
                "2017-04-10",
                "2017-04-10",
                1_000_000,
                Some("Bundesministerium fuer europaeische und internationale Angelegenheiten"),
                None,
                "AUT ISU 2017",
            ),
            netherlands.clone(),
            reversal,
        ]
    );
    assert_eq!(netherlands.charges_deducted(), Some(chf(1_500)));
}

#[test]
fn camt_053_001_08_is_read_with_the_banks_rate() {
    let statement = &parse("camt053-v08.xml")[0];
    assert_eq!(
        statement.closing,
        Some((chf(16_436_698), day("2017-05-31")))
    );
    let mut canada = expected(
        "V08-0001",
        "2017-05-03",
        "2017-05-04",
        951_200,
        Some("Global Affairs Canada"),
        Some("000123456789"),
        "ISU CONTRIBUTION 2017",
    );
    canada.instructed = Some(Money::from_minor(1_000_000, Currency::USD));
    canada.rate = Some("0.9512".parse().unwrap());
    let printer = expected(
        "V08-0002",
        "2017-05-20",
        "2017-05-20",
        -120_000,
        Some("Imprimerie Centrale SA"),
        Some("CH5604835012345678009"),
        "Invoice 17-044 printing",
    );
    assert_eq!(statement.lines, vec![canada, printer]);
}

#[test]
fn both_shipped_csv_profiles_read_their_exports_to_the_centime() {
    let expect =
        |reference: &str,
         minor: i64,
         value: &str,
         name: Option<&str>,
         iban: Option<&str>,
         text: &str,
         booked: &str| { expected(reference, booked, value, minor, name, iban, text) };
    let plain = Profile::builtin("plain").unwrap();
    let bytes = std::fs::read(data("plain.csv")).unwrap();
    let statement = plain.read("plain.csv", &bytes, Some(ACCOUNT)).unwrap();
    assert_eq!(
        statement.lines,
        vec![
            expect(
                "CSV-0001",
                420_050,
                "2017-06-02",
                Some("Ministry for Foreign Affairs Stockholm"),
                Some("SE4550000000058398257466"),
                "SWE contribution 2017",
                "2017-06-02"
            ),
            expect(
                "CSV-0002",
                -3_500,
                "2017-06-06",
                None,
                None,
                "Account fees June",
                "2017-06-05"
            ),
        ]
    );
    let swiss = Profile::builtin("swiss").unwrap();
    let bytes = std::fs::read(data("swiss.csv")).unwrap();
    let statement = swiss
        .read("swiss.csv", &bytes, Some("CH93 0076 2011 6238 5295 7"))
        .unwrap();
    assert_eq!(
        statement.lines,
        vec![
            expect(
                "SW-0001",
                420_050,
                "2017-06-02",
                Some("Ministry for Foreign Affairs Stockholm"),
                Some("SE4550000000058398257466"),
                "SWE contribution 2017",
                "2017-06-02"
            ),
            expect(
                "SW-0002",
                -3_500,
                "2017-06-06",
                None,
                None,
                "Spesen Juni",
                "2017-06-05"
            ),
        ]
    );
}

/// France, Germany, Austria, the Netherlands and Canada, assessed for 2017 by a fixed list.
fn ledger() -> (TempDir, PathBuf) {
    let (dir, db) = common::setup();
    for code in ["FRA", "DEU", "AUT", "NLD", "CAN"] {
        ok(
            &db,
            &format!("party add {code} --deposited 2009-01-01 --in-force 2010-08-01"),
        );
    }
    ok(
        &db,
        "budget set 2017 --total 66096.98 --approved-on 2016-11-01 --line staff=65096.98 \
         --line office=1000",
    );
    let fixed = dir.path().join("fixed.csv");
    std::fs::write(
        &fixed,
        "code,amount\nFRA,16584.98\nDEU,20000.00\nAUT,10000.00\nNLD,10000.00\nCAN,9512.00\n",
    )
    .unwrap();
    isu_ok(
        &db,
        &[
            "assess",
            "2017",
            "--method",
            "fixed",
            fixed.to_str().unwrap(),
            "--date",
            "2017-01-10",
        ],
    );
    (dir, db)
}

fn import(db: &Path, name: &str) -> String {
    isu_ok(db, &["bank", "import", &data(name)])
}

fn review(db: &Path, all: bool) -> Vec<Value> {
    let line = if all {
        "bank review --all"
    } else {
        "bank review"
    };
    json(db, line)["rows"].as_array().unwrap().clone()
}

fn review_row(db: &Path, line: i64) -> Value {
    review(db, true)
        .into_iter()
        .find(|r| r["line"] == line)
        .unwrap_or_else(|| panic!("no line {line}"))
}

/// What a party owes and the credit it holds at the end of 2017, in minor units.
fn owes(db: &Path, party: &str) -> (i64, i64) {
    let statement = json(db, &format!("--as-of 2017-12-31 statement {party}"));
    (
        common::json_minor(&statement["balance"]),
        common::json_minor(&statement["credit"]),
    )
}

#[test]
fn importing_a_statement_twice_adds_nothing() {
    let (_dir, db) = ledger();
    let first = import(&db, "camt053-v02.xml");
    assert!(first.contains("2 lines added, 0 already"), "{first}");
    let again = import(&db, "camt053-v02.xml");
    assert!(again.contains("0 lines added, 2 already"), "{again}");
    assert_eq!(common::count(&db, "bank_line"), 2);
    assert_eq!(common::count(&db, "bank_statement"), 1);
}

#[test]
fn a_bank_reference_seen_again_with_another_movement_is_refused() {
    let (dir, db) = ledger();
    import(&db, "camt053-v02.xml");
    let v02 = std::fs::read_to_string(data("camt053-v02.xml")).unwrap();
    let changed = write(
        &dir,
        "again.xml",
        &v02.replace(
            "<BookgDt><Dt>2017-03-14</Dt>",
            "<BookgDt><Dt>2017-03-13</Dt>",
        ),
    );
    let message = refused_import(&db, &changed);
    assert!(
        message.contains("again.xml: bank reference 'V02-0001' of account CH9300762011623852957 is already in the books as CHF 16'584.98 booked 2017-03-14"),
        "{message}"
    );
}

#[test]
fn a_zip_of_statements_is_read_whole() {
    let (dir, db) = ledger();
    let path = dir.path().join("statements.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in ["camt053-v02.xml", "camt053-v04.xml", "camt053-v08.xml"] {
        zip.start_file(format!("march-may/{name}"), options)
            .unwrap();
        zip.write_all(&std::fs::read(data(name)).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    let said = isu_ok(&db, &["bank", "import", path.to_str().unwrap()]);
    assert!(said.contains("3 statements, 8 lines added"), "{said}");
}

#[test]
fn payer_names_learned_from_a_confirmation_match_the_next_payment() {
    let (dir, db) = ledger();
    import(&db, "camt053-v02.xml");
    // Nothing names France: the amount it owes makes a guess, left to the officer.
    let france = review_row(&db, 1);
    assert_eq!(france["proposal"]["confidence"], "likely", "{france}");
    assert!(france["proposal"]["reason"]
        .as_str()
        .unwrap()
        .starts_with("no State named"));
    let said = ok(&db, "bank confirm 1 --party FRA");
    assert!(said.contains("learned payer name"), "{said}");
    assert!(
        said.contains("payer account FR7630006000011234567890189"),
        "{said}"
    );
    assert_eq!(owes(&db, "FRA"), (0, 0));
    // The next payment from the same ministry, with no State named in the text.
    let next = dir.path().join("next.xml");
    std::fs::write(
        &next,
        camt_v04(
            "STMT-NEXT",
            &[Line {
                reference: "NEXT-1",
                date: "2017-09-01",
                minor: 50_000,
                name: "Ministère des Affaires étrangères et européennes Paris",
                account: None,
                text: "VIREMENT ISU",
            }],
        ),
    )
    .unwrap();
    isu_ok(&db, &["bank", "import", next.to_str().unwrap()]);
    let row = review_row(&db, 3);
    assert_eq!(row["proposal"]["party"], "FRA", "{row}");
    assert_eq!(row["proposal"]["confidence"], "certain", "{row}");
    let said = ok(&db, "bank confirm --all-certain");
    assert!(said.contains("confirmed 1 line"), "{said}");
    assert_eq!(owes(&db, "FRA"), (0, 50_000));
}

#[test]
fn a_line_naming_two_states_waits_for_the_officer() {
    let (dir, db) = ledger();
    let file = dir.path().join("two.xml");
    std::fs::write(
        &file,
        camt_v04(
            "STMT-TWO",
            &[Line {
                reference: "TWO-1",
                date: "2017-04-03",
                minor: 2_000_000,
                name: "Joint payment",
                account: None,
                text: "Germany and Austria ISU 2017",
            }],
        ),
    )
    .unwrap();
    isu_ok(&db, &["bank", "import", file.to_str().unwrap()]);
    let row = review_row(&db, 1);
    assert_eq!(row["proposal"]["party"], Value::Null);
    assert!(row["proposal"]["reason"]
        .as_str()
        .unwrap()
        .contains("several States"));
    let said = ok(&db, "bank confirm --all-certain");
    assert!(said.contains("confirmed 0 lines"), "{said}");
    assert_eq!(common::count(&db, "bank_match"), 0);
}

#[test]
fn an_amount_owed_by_another_state_does_not_override_a_clear_name() {
    let (dir, db) = ledger();
    let file = dir.path().join("clear.xml");
    // CHF 10'000 is what Austria and the Netherlands owe; the text names Germany.
    std::fs::write(
        &file,
        camt_v04(
            "STMT-CLEAR",
            &[Line {
                reference: "CLEAR-1",
                date: "2017-04-03",
                minor: 1_000_000,
                name: "Federal Foreign Office",
                account: None,
                text: "Germany part payment 2017",
            }],
        ),
    )
    .unwrap();
    isu_ok(&db, &["bank", "import", file.to_str().unwrap()]);
    let row = review_row(&db, 1);
    assert_eq!(row["proposal"]["party"], "DEU", "{row}");
    assert_eq!(row["proposal"]["confidence"], "likely", "{row}");
}

#[test]
fn a_month_is_reconciled_with_its_unmatched_line_charge_and_entry_without_a_line() {
    let (_dir, db) = ledger();
    import(&db, "camt053-v02.xml");
    import(&db, "camt053-v04.xml");
    ok(&db, "bank confirm 1 --party FRA");
    let charge = ok(&db, "bank confirm 2");
    assert!(charge.contains("cost CHF 15.00"), "{charge}");
    // Germany and Austria are named with the amount they owe: certain. The Netherlands
    // paid 10'000 of which 9'985 arrived: likely, for the officer.
    let said = ok(&db, "bank confirm --all-certain");
    assert!(said.contains("confirmed 2 lines"), "{said}");
    let netherlands = review_row(&db, 5);
    assert_eq!(netherlands["charges_deducted"], "15.00");
    let said = ok(&db, "bank confirm 5 --book-charges");
    assert!(
        said.contains("contribution CHF 10'000.00 from NLD"),
        "{said}"
    );
    assert!(
        said.contains("charges deducted on the way as entry"),
        "{said}"
    );
    // The Netherlands is credited in full.
    assert_eq!(owes(&db, "NLD"), (0, 0));
    // Cash paid in at the counter: in the books, on no statement.
    ok(
        &db,
        "contribution add CAN 100 --date 2017-04-20 --ref COUNTER-1",
    );
    let report = json(&db, "--as-of 2017-04-30 bank reconcile");
    assert_eq!(report["closing_on"], "2017-04-28");
    assert_eq!(report["statement_balance"], "156054.98");
    // 16'584.98 - 15 + 20'000 + 10'000 + 10'000 - 15 + 100
    assert_eq!(report["books_balance"], "56654.98");
    assert_eq!(report["difference"], "99400.00");
    assert_eq!(report["opening_difference"], "100000.00");
    let unmatched = report["unmatched"].as_array().unwrap();
    assert_eq!(unmatched.len(), 1, "{report}");
    assert_eq!(unmatched[0]["line"], 6);
    assert_eq!(unmatched[0]["amount"], "-500.00");
    let unlinked = report["unlinked"].as_array().unwrap();
    assert_eq!(unlinked.len(), 1, "{report}");
    assert_eq!(unlinked[0]["amount"], "100.00");
    let charges = report["charges"].as_array().unwrap();
    assert_eq!(charges.len(), 1);
    assert_eq!(
        (
            charges[0]["charges"].as_str(),
            charges[0]["booked"].as_bool()
        ),
        (Some("15.00"), Some(true))
    );
    assert_eq!(report["unexplained"], "0.00");
    let table = ok(&db, "--as-of 2017-04-30 bank reconcile");
    assert!(table.contains("Bank line 6 not in the books"), "{table}");
    assert!(table.contains("with no bank line"), "{table}");
    assert!(
        table.contains("the lines above explain the whole difference"),
        "{table}"
    );
    // verify: every confirmed line is linked to one entry and the amounts agree.
    ok(&db, "verify");
}

#[test]
fn a_payment_in_dollars_on_the_franc_account_keeps_the_banks_rate() {
    let (_dir, db) = ledger();
    import(&db, "camt053-v08.xml");
    let row = review_row(&db, 1);
    assert_eq!(row["instructed"], "10000.00");
    assert_eq!(row["rate"], "0.9512");
    let said = ok(&db, "bank confirm 1 --party CAN");
    assert!(
        said.contains("contribution USD 10'000.00 from CAN"),
        "{said}"
    );
    assert!(said.contains("converted by the bank"), "{said}");
    // Canada owed CHF 9'512.00: USD 10'000.00 at 0.9512 settles it exactly.
    assert_eq!(owes(&db, "CAN"), (0, 0));
    let balance = json(&db, "--as-of 2017-12-31 balance");
    let of = |account: &str| {
        balance["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["account"] == account)
            .map(|r| common::json_minor(&r["balance"]))
            .collect::<Vec<_>>()
    };
    assert_eq!(of("assets:bank:chf"), vec![951_200]);
    assert_eq!(of("assets:bank:usd"), vec![0]);
    let journal = ok(&db, "--as-of 2017-12-31 journal");
    assert!(
        journal.contains("Bank conversion of USD 10'000.00 into CHF 9'512.00 at 0.9512"),
        "{journal}"
    );
    ok(&db, "verify");
}

// Bad input: exit 2, one line, nothing written.

fn write(dir: &TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn refused_import(db: &Path, file: &str) -> String {
    refused(db, &["bank", "import", file])
}

#[test]
fn files_that_are_not_statements_are_refused_by_name() {
    let (dir, db) = ledger();
    let not_xml = write(&dir, "a.xml", "these are not the droids\n");
    assert!(refused_import(&db, &not_xml).contains("a.xml: not XML"));
    let v02 = std::fs::read_to_string(data("camt053-v02.xml")).unwrap();
    let report = write(
        &dir,
        "b.xml",
        &v02.replace("camt.053.001.02", "camt.052.001.02"),
    );
    let message = refused_import(&db, &report);
    assert!(
        message.contains("b.xml: not a camt.053 bank statement (found camt.052.001.02)"),
        "{message}"
    );
    let newer = write(
        &dir,
        "c.xml",
        &v02.replace("camt.053.001.02", "camt.053.001.10"),
    );
    let message = refused_import(&db, &newer);
    assert!(
        message.contains("c.xml: camt.053.001.10 is not a supported version"),
        "{message}"
    );
}

#[test]
fn a_statement_whose_balances_disagree_with_its_lines_is_refused() {
    let (dir, db) = ledger();
    let v02 = std::fs::read_to_string(data("camt053-v02.xml")).unwrap();
    let wrong = write(&dir, "d.xml", &v02.replace("116569.98", "116569.99"));
    let message = refused_import(&db, &wrong);
    assert!(
        message.contains("do not give the closing balance CHF 116'569.99"),
        "{message}"
    );
}

#[test]
fn a_statement_with_one_malformed_entry_imports_nothing_and_names_it() {
    let (dir, db) = ledger();
    let v04 = std::fs::read_to_string(data("camt053-v04.xml")).unwrap();
    let precise = write(
        &dir,
        "e.xml",
        &v04.replace(
            "9985.00</Amt>\n        <CdtDbtInd>",
            "9985.005</Amt>\n        <CdtDbtInd>",
        ),
    );
    let message = refused_import(&db, &precise);
    assert!(
        message.contains("e.xml: entry 2: amount '9985.005' has more decimals than CHF has (2)"),
        "{message}"
    );
    let sign = write(
        &dir,
        "f.xml",
        &v04.replace(
            "<CdtDbtInd>DBIT</CdtDbtInd>\n        <RvslInd>",
            "<CdtDbtInd>DEBIT</CdtDbtInd>\n        <RvslInd>",
        ),
    );
    let message = refused_import(&db, &sign);
    assert!(
        message.contains("f.xml: entry 3: CdtDbtInd 'DEBIT' is neither CRDT nor DBIT"),
        "{message}"
    );
    assert_eq!(common::count(&db, "bank_line"), 0);
}

#[test]
fn a_csv_that_does_not_fit_its_profile_is_refused_by_line() {
    let (dir, db) = ledger();
    let csv = write(
        &dir,
        "g.csv",
        "date,value_date,amount,currency,reference,counterparty,counterparty_iban,text\n\
         2017-06-02,2017-06-02,10.00,CHF,G-1,,,ok\n\
         02.06.2017,2017-06-02,10.00,CHF,G-2,,,bad date\n",
    );
    let message = refused(
        &db,
        &[
            "bank",
            "import",
            &csv,
            "--profile",
            "plain",
            "--account",
            ACCOUNT,
        ],
    );
    assert!(
        message.contains("g.csv:3: booked_on '02.06.2017' is not a date in the form %Y-%m-%d"),
        "{message}"
    );
    let missing = write(&dir, "h.csv", "date,amount\n2017-06-02,1.00\n");
    let message = refused(
        &db,
        &[
            "bank",
            "import",
            &missing,
            "--profile",
            "plain",
            "--account",
            ACCOUNT,
        ],
    );
    assert!(message.contains("h.csv:1: no column"), "{message}");
}

#[test]
fn a_zip_with_a_path_outside_the_archive_is_refused() {
    let (dir, db) = ledger();
    let path = dir.path().join("evil.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("../../outside.xml", options).unwrap();
    zip.write_all(&std::fs::read(data("camt053-v02.xml")).unwrap())
        .unwrap();
    zip.finish().unwrap();
    let message = refused_import(&db, path.to_str().unwrap());
    assert!(
        message.contains("has a path outside the archive"),
        "{message}"
    );
}

#[test]
fn confirming_twice_or_a_debit_as_a_contribution_is_refused() {
    let (_dir, db) = ledger();
    import(&db, "camt053-v02.xml");
    ok(&db, "bank confirm 1 --party FRA");
    let message = refused(&db, &words("bank confirm 1 --party FRA"));
    assert!(
        message.contains("bank line 1 is already confirmed"),
        "{message}"
    );
    let message = refused(
        &db,
        &words("bank confirm 2 --party FRA --kind contribution"),
    );
    assert!(message.contains("bank line 2 is money out"), "{message}");
    let message = refused(&db, &words("bank confirm 9"));
    assert!(message.contains("no bank line 9"), "{message}");
}

/// One credit line of a generated statement.
struct Line<'a> {
    reference: &'a str,
    date: &'a str,
    minor: i64,
    name: &'a str,
    account: Option<&'a str>,
    text: &'a str,
}

fn amount_text(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// A camt.053.001.04 statement of credits in CHF, without balances.
fn camt_v04(id: &str, lines: &[Line<'_>]) -> String {
    camt_v04_in(id, "CHF", ACCOUNT, lines)
}

/// A camt.053.001.04 statement of credits on `account` in `currency`, without balances.
fn camt_v04_in(id: &str, currency: &str, account: &str, lines: &[Line<'_>]) -> String {
    let mut entries = String::new();
    for line in lines {
        let account = line.account.map_or(String::new(), |a| {
            format!("<DbtrAcct><Id><IBAN>{a}</IBAN></Id></DbtrAcct>")
        });
        entries.push_str(&format!(
            "<Ntry><Amt Ccy=\"{currency}\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>\
             <BookgDt><Dt>{date}</Dt></BookgDt><ValDt><Dt>{date}</Dt></ValDt>\
             <AcctSvcrRef>{reference}</AcctSvcrRef><NtryDtls><TxDtls>\
             <RltdPties><Dbtr><Nm>{name}</Nm></Dbtr>{account}</RltdPties>\
             <RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n",
            amount = amount_text(line.minor),
            date = line.date,
            reference = line.reference,
            name = line.name,
            text = line.text,
        ));
    }
    format!(
        "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.04\">\
         <BkToCstmrStmt><Stmt><Id>{id}</Id><Acct><Id><IBAN>{account}</IBAN></Id><Ccy>{currency}</Ccy></Acct>\n\
         {entries}</Stmt></BkToCstmrStmt></Document>\n"
    )
}

/// A report without its entry numbers, which follow the order of recording.
fn without_entry_numbers(mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) => {
            map.remove("entry");
            for (_, v) in map.iter_mut() {
                *v = without_entry_numbers(v.take());
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_entry_numbers(v.take());
            }
        }
        _ => {}
    }
    value
}

/// What a ledger reports of every party and the year, for comparison.
fn figures(db: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for party in ["FRA", "DEU", "NLD"] {
        let statement = json(db, &format!("--as-of 2017-12-31 statement {party}"));
        out.push(without_entry_numbers(statement));
    }
    // The chain head is of the ledger's rows (the bank's lines among them), not of its
    // figures.
    let mut status = json(db, "--as-of 2017-12-31 status 2017");
    status.as_object_mut().unwrap().remove("chain");
    out.push(status);
    // Balances, not turnover: a payment typed before an earlier-dated one is applied again
    // by value date, which adds debits and credits that cancel.
    let balance = json(db, "--as-of 2017-12-31 balance");
    for row in balance["rows"].as_array().unwrap() {
        out.push(serde_json::json!([row["account"], row["balance"]]));
    }
    out
}

const PARTIES: [(&str, &str); 3] = [
    ("FRA", "FR7630006000011234567890189"),
    ("DEU", "DE89370400440532013000"),
    ("NLD", "NL91ABNA0417164300"),
];

fn small_ledger(assessed: &[i64; 3]) -> (TempDir, PathBuf) {
    let (dir, db) = common::setup();
    for (code, _) in PARTIES {
        ok(
            &db,
            &format!("party add {code} --deposited 2009-01-01 --in-force 2010-08-01"),
        );
    }
    let total: i64 = assessed.iter().sum();
    ok(
        &db,
        &format!(
            "budget set 2017 --total {} --approved-on 2016-11-01",
            amount_text(total)
        ),
    );
    let fixed = dir.path().join("fixed.csv");
    let mut text = "code,amount\n".to_string();
    for ((code, _), minor) in PARTIES.iter().zip(assessed) {
        text.push_str(&format!("{code},{}\n", amount_text(*minor)));
    }
    std::fs::write(&fixed, text).unwrap();
    isu_ok(
        &db,
        &[
            "assess",
            "2017",
            "--method",
            "fixed",
            fixed.to_str().unwrap(),
            "--date",
            "2017-01-10",
        ],
    );
    (dir, db)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Statements built from a random ledger's payments, imported and confirmed with
    /// `--all-certain`, record the same contributions as entering them by hand.
    #[test]
    fn importing_and_confirming_records_what_entering_by_hand_does(
        assessed in prop::array::uniform3(100_000i64..5_000_000),
        payments in prop::collection::vec((0usize..3, 1i64..3_000_000, 0u32..360, any::<bool>()), 1..6),
    ) {
        let (_hand_dir, hand) = small_ledger(&assessed);
        let (bank_dir, bank) = small_ledger(&assessed);
        let start = day("2017-01-15");
        let mut lines = Vec::new();
        let mut texts = Vec::new();
        for (index, (party, minor, offset, names_year)) in payments.iter().enumerate() {
            let date = start + chrono::Days::new(u64::from(*offset));
            texts.push((format!("PAY-{index}"), date.to_string(), if *names_year { "ISU 2017" } else { "ISU" }));
            let (code, _) = PARTIES[*party];
            let year = if *names_year { " --year 2017" } else { "" };
            ok(&hand, &format!(
                "contribution add {code} {} --date {date}{year} --ref PAY-{index}",
                amount_text(*minor)
            ));
        }
        for (index, (party, minor, _, _)) in payments.iter().enumerate() {
            let (reference, date, text) = &texts[index];
            lines.push(Line {
                reference,
                date,
                minor: *minor,
                name: "Ministry of Foreign Affairs",
                account: Some(PARTIES[*party].1),
                text,
            });
        }
        for (code, iban) in PARTIES {
            ok(&bank, &format!("bank payer-add {code} --account {iban}"));
        }
        let file = bank_dir.path().join("statement.xml");
        std::fs::write(&file, camt_v04("STMT-P", &lines)).unwrap();
        isu_ok(&bank, &["bank", "import", file.to_str().unwrap()]);
        let said = ok(&bank, "bank confirm --all-certain");
        let confirmed = format!("confirmed {} line", payments.len());
        prop_assert!(said.contains(&confirmed), "{}", said);
        prop_assert_eq!(figures(&hand), figures(&bank));
    }
}

#[test]
fn verify_finds_a_confirmed_line_whose_entry_moves_another_amount() {
    let (_dir, db) = ledger();
    import(&db, "camt053-v02.xml");
    ok(&db, "bank confirm 1 --party FRA");
    ok(&db, "verify");
    // Behind the program's back: the line is linked to France's assessment instead.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER bank_match_no_update;
         UPDATE bank_match SET entry_id = (SELECT id FROM entry WHERE kind = 'assessment'
                                           AND party = 'FRA') WHERE line_id = 1;",
    )
    .unwrap();
    drop(conn);
    let output = common::isu(&db).args(["verify"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("bank line 1 is CHF 16'584.98 but entry"),
        "{stdout}"
    );
}

#[test]
fn a_credit_naming_a_meeting_is_confirmed_as_a_meeting_payment() {
    let (dir, db) = ledger();
    ok(
        &db,
        "meeting add 7MSP --name Seventh --date 2017-09-04 --estimate 100000",
    );
    let file = dir.path().join("usd.xml");
    std::fs::write(
        &file,
        camt_v04_in(
            "STMT-USD",
            "USD",
            "CH5000762011623852999",
            &[Line {
                reference: "USD-1",
                date: "2017-08-01",
                minor: 100_000,
                name: "Federal Foreign Office",
                account: None,
                text: "Germany 7MSP share",
            }],
        ),
    )
    .unwrap();
    isu_ok(&db, &["bank", "import", file.to_str().unwrap()]);
    let row = review_row(&db, 1);
    assert_eq!(row["proposal"]["kind"], "meeting", "{row}");
    assert_eq!(row["proposal"]["meeting"], "7MSP", "{row}");
    assert_eq!(row["proposal"]["party"], "DEU", "{row}");
    assert_eq!(row["proposal"]["confidence"], "likely", "{row}");
    assert!(ok(&db, "bank confirm --all-certain").contains("confirmed 0 lines"));
    let said = ok(&db, "bank confirm 1");
    assert!(said.contains("meeting USD 1'000.00 from DEU"), "{said}");
    let journal = ok(&db, "--as-of 2017-12-31 journal");
    assert!(journal.contains("7MSP payment: Germany"), "{journal}");
    ok(&db, "verify");
}

/// A statement of February 2017 before the sample of March: one credit of CHF 500 from the
/// payer whose money the bank sends back in April (the sample's `RvslInd` line), with the
/// balances that lead to the March statement's opening.
fn february(dir: &TempDir, text: &str) -> String {
    write(
        dir,
        "february.xml",
        &format!(
            "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.04\">\
             <BkToCstmrStmt><Stmt><Id>STMT-2017-02</Id>\
             <Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>CHF</Ccy></Acct>\
             <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"CHF\">99500.00</Amt>\
             <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2017-02-01</Dt></Dt></Bal>\
             <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"CHF\">100000.00</Amt>\
             <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2017-02-28</Dt></Dt></Bal>\
             <Ntry><Amt Ccy=\"CHF\">500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>\
             <BookgDt><Dt>2017-02-20</Dt></BookgDt><ValDt><Dt>2017-02-20</Dt></ValDt>\
             <AcctSvcrRef>FEB-0001</AcctSvcrRef><NtryDtls><TxDtls>\
             <RltdPties><Dbtr><Nm>Unknown payer</Nm></Dbtr></RltdPties>\
             <RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n\
             </Stmt></BkToCstmrStmt></Document>\n"
        ),
    )
}

#[test]
fn a_reversal_by_the_bank_reverses_the_entry_of_the_line_it_undoes() {
    let (dir, db) = ledger();
    import(&db, "camt053-v02.xml");
    import(&db, "camt053-v04.xml");
    let row = review_row(&db, 6);
    assert_eq!(row["proposal"]["kind"], "reversal", "{row}");
    // Nothing of CHF 500 from that payer is in the books: said, nothing written.
    let message = refused(&db, &words("bank confirm 6"));
    assert!(
        message.contains("no line of CHF 500.00 from Unknown payer"),
        "{message}"
    );
    // A reversal is confirmed alone: what it is follows from the line it undoes.
    let message = refused(&db, &words("bank confirm 6 --party FRA"));
    assert!(message.contains("is a reversal by the bank"), "{message}");
    isu_ok(
        &db,
        &["bank", "import", &february(&dir, "FRA contribution 2017")],
    );
    // The line it undoes is there but not confirmed yet.
    let message = refused(&db, &words("bank confirm 6"));
    assert!(
        message.contains("reverses bank line 7, which is not confirmed yet"),
        "{message}"
    );
    let said = ok(&db, "bank confirm 7 --party FRA");
    assert!(said.contains("contribution CHF 500.00 from FRA"), "{said}");
    ok(&db, "bank confirm 1 --kind contribution --party FRA");
    // France paid 500 in February and its whole share in March: 500 ahead.
    assert_eq!(owes(&db, "FRA"), (0, 50_000));
    ok(&db, "bank confirm 2");
    ok(&db, "bank confirm --all-certain");
    ok(&db, "bank confirm 5 --book-charges");
    ok(
        &db,
        "contribution add CAN 100 --date 2017-04-20 --ref COUNTER-1",
    );
    let said = ok(&db, "bank confirm 6");
    assert!(said.contains("reversal CHF -500.00 from FRA"), "{said}");
    assert!(said.contains("of bank line 7"), "{said}");
    // The February money was on the account until the bank sent it back: reversed on the
    // reversal's date, France owes those 500 again, and what it paid over in March stays
    // its credit, as the rule gives.
    assert_eq!(owes(&db, "FRA"), (50_000, 50_000));
    let row = review_row(&db, 6);
    assert!(row["entry"].is_number(), "{row}");
    // Confirming it again writes nothing.
    let message = refused(&db, &words("bank confirm 6"));
    assert!(
        message.contains("is already confirmed as entry"),
        "{message}"
    );
    let report = json(&db, "--as-of 2017-04-30 bank reconcile");
    assert_eq!(report["unmatched"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["unlinked"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["opening_difference"], "99500.00", "{report}");
    assert_eq!(report["unexplained"], "0.00", "{report}");
    let table = ok(&db, "--as-of 2017-04-30 bank reconcile");
    assert!(
        table.contains("the lines above explain the whole difference"),
        "{table}"
    );
    ok(&db, "verify");
}

#[test]
fn a_reversal_naming_the_reference_finds_its_line_and_is_taken_once() {
    let (dir, db) = ledger();
    isu_ok(&db, &["bank", "import", &february(&dir, "Payment 2017")]);
    let v04 = std::fs::read_to_string(data("camt053-v04.xml")).unwrap();
    // The bank names the booking it undoes; the payer is written otherwise.
    let named = v04.replace(
        "<Dbtr><Nm>Unknown payer</Nm></Dbtr></RltdPties>\n            <RmtInf><Ustrd>RETURN OF PAYMENT</Ustrd>",
        "<Dbtr><Nm>Other bank</Nm></Dbtr></RltdPties>\n            <RmtInf><Ustrd>RETURN OF PAYMENT REF FEB-0001</Ustrd>",
    );
    assert_ne!(named, v04);
    isu_ok(&db, &["bank", "import", &write(&dir, "april.xml", &named)]);
    // A second reversal of the same booking, in another statement: its other lines are in
    // the books already, it adds line 6.
    let again = named
        .replace("STMT-2017-04", "STMT-2017-04-B")
        .replace("V04-R1", "V04-R2");
    isu_ok(&db, &["bank", "import", &write(&dir, "again.xml", &again)]);
    ok(&db, "bank confirm 1 --kind other-income");
    let said = ok(&db, "bank confirm 5");
    assert!(said.contains("reversal CHF -500.00"), "{said}");
    assert!(said.contains("of bank line 1"), "{said}");
    let message = refused(&db, &words("bank confirm 6"));
    assert!(
        message.contains("(bank line 1) is already reversed by bank line 5"),
        "{message}"
    );
    let balance = json(&db, "--as-of 2017-12-31 balance");
    let other = balance["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["account"] == "income:other")
        .cloned();
    assert!(
        other.is_none() || other.as_ref().unwrap()["balance"] == "0.00",
        "{other:?}"
    );
    ok(&db, "verify");
}

#[test]
fn a_credit_from_no_party_is_other_income() {
    let (dir, db) = ledger();
    let file = write(
        &dir,
        "march.xml",
        &camt_v04(
            "STMT-OTHER",
            &[
                Line {
                    reference: "INT-1",
                    date: "2017-03-31",
                    minor: 1_250,
                    name: "UBS Switzerland AG",
                    account: None,
                    text: "Habenzins 1. Quartal",
                },
                Line {
                    reference: "REF-1",
                    date: "2017-04-03",
                    minor: 8_000,
                    name: "Printer SA",
                    account: None,
                    text: "Credit note invoice 17",
                },
            ],
        ),
    );
    isu_ok(&db, &["bank", "import", &file]);
    let row = review_row(&db, 1);
    assert_eq!(row["proposal"]["kind"], "other-income", "{row}");
    assert!(row["proposal"]["party"].is_null(), "{row}");
    // Other income is from no party.
    let message = refused(
        &db,
        &words("bank confirm 1 --kind other-income --party DEU"),
    );
    assert!(
        message.contains("other income is from no party"),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
    let said = ok(&db, "bank confirm 1");
    assert!(
        said.contains("other-income CHF 12.50 recorded as entry"),
        "{said}"
    );
    // Another income account must be open, and be an income account.
    let message = refused(
        &db,
        &words("bank confirm 2 --kind other-income --account income:refunds"),
    );
    assert!(message.contains("income:refunds"), "{message}");
    let message = refused(&db, &words("bank confirm 2 --account expenses:office"));
    assert!(message.contains("an income account"), "{message}");
    ok(&db, "account add income:refunds");
    let said = ok(&db, "bank confirm 2 --account income:refunds");
    assert!(said.contains("other-income CHF 80.00"), "{said}");
    let balance = json(&db, "--as-of 2017-12-31 balance");
    let of = |account: &str| {
        balance["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["account"] == account)
            .map(|r| r["balance"].clone())
    };
    assert_eq!(of("income:other"), Some(Value::from("-12.50")));
    assert_eq!(of("income:refunds"), Some(Value::from("-80.00")));
    // No State's position moved.
    assert_eq!(owes(&db, "DEU"), (2_000_000, 0));
    ok(&db, "verify");
}

#[test]
fn a_reversal_by_the_bank_of_an_entry_reversed_by_hand_is_linked_to_that_reversal() {
    let (dir, db) = ledger();
    isu_ok(
        &db,
        &["bank", "import", &february(&dir, "FRA contribution 2017")],
    );
    let said = ok(&db, "bank confirm 1 --kind contribution --party FRA");
    let entry = said
        .rsplit("recorded as entry ")
        .next()
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .unwrap()
        .to_string();
    isu_ok(
        &db,
        &[
            "reverse",
            &entry,
            "--reason",
            "sent back by the bank",
            "--date",
            "2017-04-28",
        ],
    );
    import(&db, "camt053-v04.xml");
    let entries = common::count(&db, "entry");
    let said = ok(&db, "bank confirm 5");
    assert!(said.contains("reversed already in the books"), "{said}");
    assert!(said.contains(&format!("reversing entry {entry} of bank line 1")));
    assert_eq!(common::count(&db, "entry"), entries);
    ok(&db, "verify");
}
