//! The book currency: chosen at `init` (CHF by default), fixed once anything is booked, and
//! the currency of every report, letter and default amount. The end-to-end ledger in USD
//! that the plain-text accounting tools read is in `tests/interop.rs`.

mod common;

use common::{isu_ok, json_minor, refusal, refused, setup};

fn init(currency: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("books.sqlite");
    isu_ok(&db, &["init", "--currency", currency]);
    (dir, db)
}

fn json(db: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&isu_ok(db, &all)).unwrap()
}

#[test]
fn a_new_ledger_is_kept_in_chf_unless_init_names_another_currency() {
    let (_dir, chf) = setup();
    let settings = isu_ok(&chf, &["settings", "show"]);
    assert!(
        settings
            .lines()
            .any(|l| l.contains("currency") && l.contains("CHF")),
        "{settings}"
    );
    let (_dir, eur) = init("eur");
    let settings = json(&eur, &["settings", "show"]);
    let currency = settings["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "currency")
        .unwrap();
    assert_eq!(currency["value"], "EUR", "the code is kept in capitals");
    // The unit's own funds are kept in the book currency; the meetings fund in USD.
    let funds = json(&eur, &["fund", "list"]);
    let currency_of = |code: &str| {
        funds["funds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fund"] == code)
            .unwrap_or_else(|| panic!("fund {code} in {funds}"))["currency"]
            .clone()
    };
    assert_eq!(currency_of("isu"), "EUR");
    assert_eq!(currency_of("sponsorship"), "EUR");
    assert_eq!(currency_of("meetings"), "USD");
}

#[test]
fn amounts_without_a_currency_are_in_the_book_currency() {
    let (_dir, db) = init("USD");
    isu_ok(&db, &["party", "add", "NOR", "--deposited", "2008-12-03"]);
    isu_ok(
        &db,
        &[
            "budget",
            "set",
            "2017",
            "--total",
            "1000",
            "--approved-on",
            "2016-09-07",
        ],
    );
    isu_ok(
        &db,
        &[
            "assess",
            "2017",
            "--method",
            "equal",
            "--date",
            "2017-01-10",
        ],
    );
    let recorded = isu_ok(
        &db,
        &["contribution", "add", "NOR", "250", "--date", "2017-02-01"],
    );
    assert!(recorded.contains("USD 250.00"), "{recorded}");
    // A payment in francs needs a rate in dollars per franc.
    let message = refused(
        &db,
        &[
            "contribution",
            "add",
            "NOR",
            "100",
            "--currency",
            "CHF",
            "--date",
            "2017-02-02",
        ],
    );
    assert!(message.contains("(USD per CHF)"), "{message}");
    let statement = json(&db, &["--as-of", "2017-06-30", "statement", "NOR"]);
    assert_eq!(statement["currency"], "USD");
    assert_eq!(json_minor(&statement["balance"]), 75_000);
    let budget = json(&db, &["--as-of", "2017-06-30", "budget", "report", "2017"]);
    assert_eq!(budget["currency"], "USD");
    let honour = isu_ok(&db, &["--as-of", "2017-12-31", "honour-roll", "2017"]);
    assert!(!honour.contains("CHF"), "{honour}");
}

#[test]
fn the_demo_keeps_the_same_figures_in_another_currency() {
    for currency in ["USD", "EUR"] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.sqlite");
        let built = isu_ok(&db, &["demo", "--currency", currency]);
        assert!(
            built.contains(&format!("{currency} 311'922.54")),
            "{currency}: {built}"
        );
        assert!(!built.contains("CHF 311"), "{built}");
        let status = json(&db, &["--as-of", "2017-06-27", "status", "2017"]);
        assert_eq!(status["currency"], currency);
        assert_eq!(status["contributors"], 34);
        assert_eq!(json_minor(&status["received"]), 31_192_254);
        let verified = isu_ok(&db, &["verify"]);
        assert!(verified.contains("no problems found"), "{verified}");
        let beancount = isu_ok(&db, &["--format", "beancount", "export"]);
        assert!(
            beancount.contains(&format!("option \"operating_currency\" \"{currency}\"")),
            "{currency}"
        );
    }
}

#[test]
fn the_book_currency_is_refused_when_unknown_or_once_anything_is_booked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("books.sqlite");
    let message = refusal(common::isu(&db).args(["init", "--currency", "XYZ"]));
    assert!(message.contains("unknown currency 'XYZ'"), "{message}");
    assert!(!db.exists(), "a refused init leaves no file");
    let message = refusal(common::isu(&db).args(["init", "--set", "currency=francs"]));
    assert!(message.contains("currency"), "{message}");
    assert!(!db.exists());
    let message =
        refusal(common::isu(&db).args(["init", "--currency", "USD", "--set", "currency=EUR"]));
    assert!(message.contains("give the book currency once"), "{message}");
    assert!(!db.exists());

    let (_dir, db) = init("USD");
    // Before anything is booked the currency may still change; setting it again is no
    // change at all.
    isu_ok(&db, &["settings", "set", "currency", "EUR"]);
    isu_ok(&db, &["settings", "set", "currency", "USD"]);
    isu_ok(&db, &["party", "add", "NOR", "--deposited", "2008-12-03"]);
    isu_ok(
        &db,
        &[
            "budget",
            "set",
            "2017",
            "--total",
            "1000",
            "--approved-on",
            "2016-09-07",
        ],
    );
    let message = refused(&db, &["settings", "set", "currency", "CHF"]);
    assert!(
        message.contains("the book currency is USD and the ledger has entries"),
        "{message}"
    );
    // A budget in another currency than the book's, and a rate for the book currency.
    let message = refused(
        &db,
        &[
            "budget",
            "set",
            "2018",
            "--total",
            "1000",
            "--currency",
            "CHF",
            "--approved-on",
            "2017-09-07",
        ],
    );
    assert!(message.contains("kept in USD"), "{message}");
    let message = refused(&db, &["rate", "set", "USD", "1", "--date", "2017-01-01"]);
    assert!(message.contains("a rate for USD is always 1"), "{message}");
    // Francs have a rate in a ledger kept in dollars.
    isu_ok(&db, &["rate", "set", "CHF", "1.02", "--date", "2017-01-01"]);
}

/// A book currency changed behind the program's back to something that is not a currency is
/// refused, never read as CHF.
#[test]
fn a_book_currency_that_is_not_a_currency_is_refused() {
    let (_dir, db) = init("USD");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO setting (key, value, created_at, created_by)
             VALUES ('currency', 'francs', '2017-01-01T00:00:00Z', 'shell')",
            [],
        )
        .unwrap();
    let message = common::refusal(common::isu(&db).args(["status", "2017"]));
    assert!(message.contains("the book currency 'francs'"), "{message}");
}
