//! Fuzz-style property tests, one per parser of outside input: amounts, dates, rates (and
//! the conversions they drive), CSV rows (through the real binary), letter templates, bank
//! statements (camt.053 XML, bank CSV exports and their profiles) and bank amounts.
//! Each feeds generated hostile input and asserts only that the answer is a value or a
//! clean error: no panic, no hang, one line on stderr.
//!
//! `cargo test` runs a bounded number of cases from a fixed seed, so a run is quick and
//! repeatable. A longer run, e.g. before a release:
//! `PROPTEST_CASES=20000 ISU_FUZZ_SEED=7 cargo test --release --test fuzz`.

mod common;

use std::time::{Duration, Instant};

use isu_ledger::domain::bank::camt;
use isu_ledger::domain::bank::csv_profile::Profile;
use isu_ledger::domain::bank::parse_bank_amount;
use isu_ledger::domain::parse_date;
use isu_ledger::money::{Currency, Money, Rate};
use isu_ledger::render::letters::{LetterContext, LetterTemplates};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

/// Cases per parser under `cargo test`, unless `PROPTEST_CASES` says otherwise.
fn config(cases_default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(cases_default);
    let seed = std::env::var("ISU_FUZZ_SEED")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(20_261_201);
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}

/// Text made of the characters that matter to a number parser, and some that do not.
fn number_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9'.,+ -]{0,40}",
        "[0-9]{1,40}(\\.[0-9]{0,12})?",
        "(CHF|USD|EUR|chf|XXX)? ?-?[0-9'.,]{0,30}",
        "[0-9eE+.-]{0,30}",
        any::<String>(),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u128>().prop_map(|n| format!("{n}.{}", n % 100)),
    ]
}

#[test]
fn amounts_parse_or_are_refused_without_a_panic() {
    let mut runner = TestRunner::new(config(2_000));
    runner
        .run(&(number_like(), any::<bool>()), |(text, usd)| {
            let currency = if usd { Currency::USD } else { Currency::CHF };
            if let Ok(money) = Money::parse(&text, currency) {
                // What parses prints and parses back to itself.
                prop_assert_eq!(Money::parse(&money.plain(), currency), Ok(money));
                let _ = money.to_string();
                let _ = money.checked_add(money);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn dates_parse_or_are_refused_without_a_panic() {
    let mut runner = TestRunner::new(config(2_000));
    let date_like = prop_oneof![
        "[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}",
        "[0-9-/. T:Z]{0,30}",
        any::<String>(),
    ];
    runner
        .run(&date_like, |text| {
            if let Ok(date) = parse_date(&text) {
                prop_assert_eq!(parse_date(&date.to_string()), Ok(date));
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn rates_and_conversions_give_an_amount_or_an_error_without_a_panic() {
    let mut runner = TestRunner::new(config(2_000));
    let amounts = prop_oneof![
        any::<i64>(),
        -100_000_000_000_000_i64..=100_000_000_000_000,
        Just(i64::MAX),
        Just(i64::MIN),
    ];
    runner
        .run(&(number_like(), amounts), |(text, minor)| {
            if let Ok(rate) = text.parse::<Rate>() {
                prop_assert!(rate.value() > rust_decimal::Decimal::ZERO);
                let from = Money::from_minor(minor, Currency::USD);
                if let Ok(converted) = from.convert(rate, Currency::CHF) {
                    let _ = converted.to_string();
                }
                let _ = rate.check_plausible(Currency::USD, Currency::CHF);
            }
            Ok(())
        })
        .unwrap();
}

fn letter_context() -> LetterContext {
    LetterContext::sample()
}

/// Templates built from pieces of minijinja syntax, loops and filters among them.
fn template_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{ recipient.name }}".to_string()),
        Just("{{ total }}".to_string()),
        Just("{% for x in range(100000) %}".to_string()),
        Just("{% for y in range(1000) %}abcdefghij".to_string()),
        Just("{% endfor %}".to_string()),
        Just("{% if level > 1 %}".to_string()),
        Just("{% endif %}".to_string()),
        Just("{{ lines | length }}".to_string()),
        Just("{{ undefined_thing }}".to_string()),
        Just("{% set s = recipient.name ~ subject %}{{ s }}".to_string()),
        Just("{{ 1 / 0 }}".to_string()),
        Just("{{ range(10) | join(',') }}".to_string()),
        Just("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}".to_string()),
        "[a-z {}%#]{0,12}",
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
}

#[test]
fn letter_templates_render_or_fail_cleanly_and_quickly() {
    let mut runner = TestRunner::new(config(150));
    let context = letter_context();
    runner
        .run(&template_text(), |source| {
            let started = Instant::now();
            let custom = vec![("layout.txt".into(), "fuzz.txt".into(), source)];
            if let Ok(templates) = LetterTemplates::new(custom) {
                match templates.render(&context) {
                    Ok(letter) => prop_assert!(letter.text.len() <= 1 << 20),
                    Err(error) => prop_assert!(error.to_string().starts_with("template fuzz.txt")),
                }
            }
            prop_assert!(started.elapsed() < Duration::from_secs(10));
            Ok(())
        })
        .unwrap();
}

/// A CSV cell: plausible, hostile or plain noise.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("2017-03-01".to_string()),
        Just("AUT".to_string()),
        Just("CHF".to_string()),
        Just("USD".to_string()),
        Just("2017".to_string()),
        Just("initial".to_string()),
        Just("1'000.00".to_string()),
        Just("1000000000000000000000000000".to_string()),
        Just("assets:bank:chf".to_string()),
        Just("income:other".to_string()),
        Just("=cmd|' /C calc'!A0".to_string()),
        Just("\"quoted, with comma\"".to_string()),
        Just("".to_string()),
        number_like(),
        "[ -~]{0,20}",
    ]
}

/// A header of the expected columns in some order, maybe with one missing or one extra,
/// and a row or two of cells.
fn csv_file(columns: &'static [&'static str]) -> impl Strategy<Value = String> {
    let header = Just(columns.to_vec())
        .prop_shuffle()
        .prop_flat_map(|columns| {
            let len = columns.len();
            (Just(columns), 0..len + 2)
        })
        .prop_map(|(mut columns, drop)| {
            if drop < columns.len() {
                columns.remove(drop);
            } else if drop == columns.len() {
                columns.push("extra");
            }
            columns.join(",")
        });
    (
        header,
        proptest::collection::vec(proptest::collection::vec(cell(), 0..9), 1..3),
    )
        .prop_map(|(header, rows)| {
            let mut text = header;
            for row in rows {
                text.push('\n');
                text.push_str(&row.join(","));
            }
            text.push('\n');
            text
        })
}

/// Runs `args` on `db`: it must succeed, or fail with exit 2 and one line; never panic.
fn clean_outcome(db: &std::path::Path, args: &[&str]) -> Result<(), TestCaseError> {
    let output = common::isu(db).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    prop_assert!(
        code == Some(0) || code == Some(2),
        "exit {:?}: {}",
        code,
        stderr
    );
    if code == Some(2) {
        prop_assert!(stderr.starts_with("error: "), "{}", stderr);
        prop_assert_eq!(stderr.trim_end().lines().count(), 1, "{}", stderr);
    }
    prop_assert!(!stderr.contains("panicked"), "{}", stderr);
    Ok(())
}

#[test]
fn csv_rows_import_or_are_refused_in_one_line() {
    let (dir, db) = common::setup();
    for args in [
        &["party", "add", "AUT", "--name", "Austria"][..],
        &["account", "add", "income:other"],
        &["account", "add", "assets:bank:chf"],
    ] {
        common::isu_ok(&db, args);
    }
    let file = dir.path().join("fuzz.csv");
    let mut runner = TestRunner::new(config(24));
    let files = prop_oneof![
        csv_file(&["date", "party", "amount", "currency", "year", "ref", "rate"]),
        csv_file(&["date", "description", "debit", "credit", "amount", "ref"]),
        csv_file(&["party", "period", "submitted", "symbol"]),
    ];
    runner
        .run(&files, |text| {
            std::fs::write(&file, &text).unwrap();
            let command = if text.contains("debit") {
                &["import", "fuzz.csv"][..]
            } else if text.contains("period") {
                &["transparency", "import", "fuzz.csv"]
            } else {
                &["contribution", "import", "fuzz.csv"]
            };
            clean_outcome(&db, command)
        })
        .unwrap();
    common::isu_ok(&db, &["verify"]);
}

/// The sample statements, each a seed for mutations.
const CAMT_SAMPLES: [&str; 3] = [
    include_str!("data/bank/camt053-v02.xml"),
    include_str!("data/bank/camt053-v04.xml"),
    include_str!("data/bank/camt053-v08.xml"),
];

/// A sample statement with a few cuts, insertions and repeats at random places: broken
/// tags, doubled elements, amounts and dates of any text, nesting left open.
fn camt_text() -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        0usize..40,
        0u8..4,
        "[<>/a-zA-Z0-9 .=\"-]{0,24}",
    );
    (
        0usize..CAMT_SAMPLES.len(),
        prop::collection::vec(edit, 0..6),
    )
        .prop_map(|(sample, edits)| {
            let mut text: Vec<char> = CAMT_SAMPLES[sample].chars().collect();
            for (at, len, kind, insert) in edits {
                let at = at.index(text.len().max(1)).min(text.len());
                let end = (at + len).min(text.len());
                match kind {
                    0 => {
                        text.drain(at..end);
                    }
                    1 => {
                        text.splice(at..at, insert.chars());
                    }
                    2 => {
                        let piece: Vec<char> = text[at..end].to_vec();
                        text.splice(at..at, piece.into_iter().cycle().take(len * 8));
                    }
                    _ => {
                        text.splice(at..end, insert.chars());
                    }
                }
            }
            text.into_iter().collect()
        })
}

#[test]
fn bank_statements_parse_or_are_refused_without_a_panic() {
    let mut runner = TestRunner::new(config(600));
    runner
        .run(&camt_text(), |xml| {
            let started = Instant::now();
            if let Err(error) = camt::parse("statement.xml", &xml) {
                let message = error.to_string();
                prop_assert!(!message.contains('\n'), "one line: {}", message);
                prop_assert!(message.starts_with("statement.xml"), "{}", message);
            }
            prop_assert!(started.elapsed() < Duration::from_secs(5));
            Ok(())
        })
        .unwrap();
}

#[test]
fn bank_amounts_parse_or_are_refused_without_a_panic() {
    let mut runner = TestRunner::new(config(2_000));
    runner
        .run(
            &(
                number_like(),
                prop_oneof![Just('.'), Just(',')],
                any::<bool>(),
            ),
            |(text, separator, usd)| {
                let currency = if usd { Currency::USD } else { Currency::CHF };
                if let Ok(money) = parse_bank_amount(&text, separator, currency) {
                    prop_assert_eq!(money.currency(), currency);
                }
                Ok(())
            },
        )
        .unwrap();
}

/// A profile's lines: known keys with any value, unknown keys, noise.
fn profile_text() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("delimiter"),
        Just("decimal"),
        Just("date_format"),
        Just("currency"),
        Just("account"),
        Just("date"),
        Just("value_date"),
        Just("amount"),
        Just("reference"),
        Just("name"),
        Just("text"),
        Just("nonsense"),
    ];
    let value = prop_oneof![
        Just(";".to_string()),
        Just(",".to_string()),
        Just("%d.%m.%Y".to_string()),
        Just("%Y-%m-%d".to_string()),
        Just("%Q%".to_string()),
        Just("CHF".to_string()),
        "[ -~]{0,16}",
    ];
    prop::collection::vec((key, value), 0..10).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(key, value)| format!("{key} = {value}\n"))
            .collect()
    })
}

#[test]
fn bank_csv_exports_and_profiles_read_or_are_refused_without_a_panic() {
    let mut runner = TestRunner::new(config(400));
    let files = (
        profile_text(),
        prop_oneof![Just("plain"), Just("swiss")],
        any::<bool>(),
        csv_file(&["date", "value_date", "amount", "reference", "name", "text"]),
    );
    runner
        .run(&files, |(profile_text, builtin, own, csv)| {
            let profile = if own {
                match Profile::parse("fuzz.profile", &profile_text) {
                    Ok(profile) => profile,
                    Err(error) => {
                        prop_assert!(!error.to_string().contains('\n'));
                        return Ok(());
                    }
                }
            } else {
                Profile::builtin(builtin).unwrap()
            };
            let semicolons = csv.replace(',', ";");
            for text in [&csv, &semicolons] {
                if let Err(error) =
                    profile.read("fuzz.csv", text.as_bytes(), Some("CH9300762011623852957"))
                {
                    let message = error.to_string();
                    prop_assert!(!message.contains('\n'), "one line: {}", message);
                    prop_assert!(message.starts_with("fuzz.csv"), "{}", message);
                }
            }
            Ok(())
        })
        .unwrap();
}
