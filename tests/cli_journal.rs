//! `journal` a page at a time and filtered, and `entry show`: every page together is the
//! whole journal once, in order; each filter selects what the same filter applied to the
//! whole journal selects; bad filters are refused with one line.

mod common;

use std::path::{Path, PathBuf};

use common::{isu, isu_ok, refused};
use serde_json::Value;
use tempfile::TempDir;

/// Far enough ahead to list every entry of the demo.
const LAST: &str = "2099-12-31";

fn demo() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("demo.sqlite");
    isu_ok(&db, &["demo"]);
    (dir, db)
}

fn json(db: &Path, args: &[&str]) -> Value {
    let stdout = isu_ok(db, &[&["--format", "json"], args].concat());
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{stdout}"))
}

/// The journal's entries up to `LAST` unless `args` say `--until`.
fn entries(db: &Path, args: &[&str]) -> Vec<Value> {
    let until: &[&str] = if args.contains(&"--until") {
        &[]
    } else {
        &["--until", LAST]
    };
    json(db, &[&["journal"], until, args].concat())["entries"]
        .as_array()
        .expect("entries")
        .clone()
}

fn ids(entries: &[Value]) -> Vec<i64> {
    entries
        .iter()
        .map(|e| e["id"].as_i64().expect("id"))
        .collect()
}

fn under(name: &str, prefix: &str) -> bool {
    name == prefix
        || name
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(':'))
}

/// A filter as the test applies it to the whole journal.
struct Filter<'a> {
    args: Vec<&'a str>,
    keep: Box<dyn Fn(&Value) -> bool>,
}

fn filter<'a>(args: &[&'a str], keep: impl Fn(&Value) -> bool + 'static) -> Filter<'a> {
    Filter {
        args: args.to_vec(),
        keep: Box::new(keep),
    }
}

fn text(entry: &Value, field: &str) -> String {
    entry[field].as_str().unwrap_or_default().to_string()
}

fn has_account(entry: &Value, prefix: &str) -> bool {
    entry["transfers"]
        .as_array()
        .expect("transfers")
        .iter()
        .any(|t| {
            under(t["debit"].as_str().unwrap(), prefix)
                || under(t["credit"].as_str().unwrap(), prefix)
        })
}

#[test]
fn the_pages_cover_the_journal_once_in_order() {
    let (_dir, db) = demo();
    let whole = entries(&db, &[]);
    assert!(whole.len() > 100, "{}", whole.len());
    let dates: Vec<String> = whole.iter().map(|e| text(e, "date")).collect();
    let mut by_date_then_id: Vec<(String, i64)> = dates.iter().cloned().zip(ids(&whole)).collect();
    by_date_then_id.sort();
    assert_eq!(
        by_date_then_id
            .iter()
            .map(|(_, id)| *id)
            .collect::<Vec<_>>(),
        ids(&whole),
        "the journal is in date order, then by entry number"
    );
    for limit in [1, 7, 50, 1000] {
        let mut paged = Vec::new();
        let mut offset = 0;
        loop {
            let page = entries(
                &db,
                &[
                    "--limit",
                    &limit.to_string(),
                    "--offset",
                    &offset.to_string(),
                ],
            );
            assert!(page.len() <= limit);
            if page.is_empty() {
                break;
            }
            offset += page.len();
            paged.extend(page);
        }
        assert_eq!(ids(&paged), ids(&whole), "pages of {limit}");
        assert_eq!(paged, whole, "pages of {limit}");
    }

    // A table shows a page and says where the next starts; the last page says no next.
    let total = whole.len();
    let first = isu_ok(&db, &["journal", "--until", LAST, "--limit", "50"]);
    assert!(
        first.ends_with(&format!("entries 1-50 of {total}; next: --offset 50\n")),
        "{first}"
    );
    let last = isu_ok(
        &db,
        &[
            "journal", "--until", LAST, "--offset", "40", "--limit", "1000",
        ],
    );
    assert!(
        last.ends_with(&format!("entries 41-{total} of {total}\n")),
        "{last}"
    );
    let first_shown = last.lines().nth(4).expect("a first row");
    assert!(
        first_shown.starts_with(&format!("| {:>5} |", ids(&whole)[40])),
        "{first_shown}"
    );
    let beyond = isu_ok(&db, &["journal", "--until", LAST, "--offset", "100000"]);
    assert!(
        beyond.ends_with(&format!("no entries from 100'001: {total} in all\n")),
        "{beyond}"
    );
    // Without paging flags a small journal is shown whole, as before.
    let all = isu_ok(&db, &["journal", "--until", LAST]);
    assert!(all.ends_with(&format!("{total} entries\n")), "{all}");

    // CSV pages too: a row per transfer of the entries of the page.
    let csv = isu_ok(
        &db,
        &[
            "--format", "csv", "journal", "--until", LAST, "--offset", "3", "--limit", "2",
        ],
    );
    let transfers: usize = whole[3..5]
        .iter()
        .map(|e| e["transfers"].as_array().unwrap().len())
        .sum();
    assert_eq!(csv.lines().count(), 1 + transfers, "{csv}");
    assert!(csv
        .lines()
        .nth(1)
        .unwrap()
        .starts_with(&format!("{},", ids(&whole)[3])));
}

#[test]
fn each_filter_selects_what_it_selects_over_the_whole_journal() {
    let (_dir, db) = demo();
    let whole = entries(&db, &[]);
    let reference = whole
        .iter()
        .find_map(|e| e["reference"].as_str())
        .expect("an entry with a reference")
        .to_string();
    let part: String = reference.chars().take(6).collect();
    let part_kept = part.clone();
    let filters = vec![
        filter(&["--party", "DEU"], |e| e["party"] == "DEU"),
        filter(&["--year", "2017"], |e| e["budget_year"] == 2017),
        filter(&["--year", "2016"], |e| e["budget_year"] == 2016),
        filter(&["--from", "2017-06-01"], |e| {
            text(e, "date").as_str() >= "2017-06-01"
        }),
        filter(&["--until", "2017-06-30"], |e| {
            text(e, "date").as_str() <= "2017-06-30"
        }),
        filter(&["--from", "2017-06-01", "--until", "2017-06-30"], |e| {
            ("2017-06-01".."2017-07-01").contains(&text(e, "date").as_str())
        }),
        filter(&["--account", "expenses"], |e| has_account(e, "expenses")),
        filter(&["--account", "assets:bank"], |e| {
            has_account(e, "assets:bank")
        }),
        filter(&["--account", "assets:bank:chf"], |e| {
            has_account(e, "assets:bank:chf")
        }),
        filter(&["--kind", "cost"], |e| e["kind"] == "cost"),
        filter(&["--kind", "assessment"], |e| e["kind"] == "assessment"),
        filter(&["--kind", "reversal"], |e| e["kind"] == "reversal"),
        filter(&["--reference", &part], move |e| {
            text(e, "reference").contains(&part_kept)
        }),
        filter(
            &["--party", "DEU", "--kind", "contribution", "--year", "2017"],
            |e| e["party"] == "DEU" && e["kind"] == "contribution" && e["budget_year"] == 2017,
        ),
        filter(
            &[
                "--account",
                "assets:bank",
                "--from",
                "2017-03-01",
                "--limit",
                "5",
            ],
            |e| has_account(e, "assets:bank") && text(e, "date").as_str() >= "2017-03-01",
        ),
    ];
    let mut selecting = 0;
    for Filter { args, keep } in filters {
        let mut expected: Vec<Value> = whole.iter().filter(|e| keep(e)).cloned().collect();
        if let Some(at) = args.iter().position(|a| *a == "--limit") {
            expected.truncate(args[at + 1].parse().unwrap());
        }
        let got = entries(&db, &args);
        assert_eq!(ids(&got), ids(&expected), "{args:?}");
        assert_eq!(got, expected, "{args:?}");
        if !expected.is_empty() && expected.len() < whole.len() {
            selecting += 1;
        }
    }
    assert!(
        selecting >= 12,
        "most filters select some entries but not all"
    );

    // The table names its filters in its title.
    let table = isu_ok(
        &db,
        &[
            "journal",
            "--until",
            LAST,
            "--kind",
            "cost",
            "--account",
            "expenses",
        ],
    );
    assert!(
        table.starts_with(&format!(
            "Journal up to {LAST} (account expenses, kind cost)"
        )),
        "{table}"
    );
}

#[test]
fn bad_filters_are_refused_with_one_line() {
    let (_dir, db) = demo();
    for format in ["table", "csv", "json"] {
        for (args, says) in [
            (vec!["--party", "ZZZ"], "ZZZ"),
            (vec!["--account", "assets:nowhere"], "assets:nowhere"),
            (vec!["--account", "assets:ban"], "assets:ban"),
            (vec!["--kind", "gift"], "gift"),
            (vec!["--from", "2017-02-30"], "2017-02-30"),
            (vec!["--until", "yesterday"], "yesterday"),
            (
                vec!["--from", "2017-07-01", "--until", "2017-06-30"],
                "after",
            ),
            (vec!["--limit", "0"], "--limit"),
            (vec!["--limit", "ten"], "--limit"),
            (vec!["--offset", "-1"], "-1"),
            (vec!["--year", "99999"], "99999"),
        ] {
            let args = [&["--format", format, "journal"], args.as_slice()].concat();
            let message = refused(&db, &args);
            assert!(message.contains(says), "{args:?}: {message}");
        }
    }
    let message = refused(&db, &["entry", "show", "999999"]);
    assert!(message.contains("999999"), "{message}");
    refused(&db, &["entry", "show", "0"]);
    refused(&db, &["entry", "show", "first"]);
}

#[test]
fn an_entry_shows_its_reversal_both_ways() {
    let (_dir, db) = demo();
    let payment = entries(&db, &["--kind", "contribution", "--party", "DEU"])
        .into_iter()
        .next()
        .expect("a payment of Germany");
    let id = payment["id"].as_i64().unwrap().to_string();
    let date = text(&payment, "date");
    let before = json(&db, &["entry", "show", &id]);
    assert_eq!(
        before["entry"], payment,
        "the entry as the journal lists it"
    );
    assert_eq!(before["reverses"], Value::Null);
    assert_eq!(before["reversed_by"], Value::Null);

    isu_ok(
        &db,
        &["reverse", &id, "--reason", "booked twice", "--date", &date],
    );
    let reversal = entries(&db, &["--kind", "reversal"])
        .into_iter()
        .find(|e| e["reverses"].as_i64() == payment["id"].as_i64())
        .expect("the reversal in the journal");
    let reversal_id = reversal["id"].as_i64().unwrap();

    let original = json(&db, &["entry", "show", &id]);
    assert_eq!(original["entry"]["reversed_by"], reversal_id);
    assert_eq!(original["reversed_by"]["id"], reversal_id);
    assert_eq!(original["reversed_by"]["reason"], "booked twice");
    assert_eq!(original["reversed_by"]["date"], date.as_str());
    assert_eq!(original["reverses"], Value::Null);

    let shown = json(&db, &["entry", "show", &reversal_id.to_string()]);
    assert_eq!(shown["entry"], reversal);
    assert_eq!(shown["reverses"]["id"], payment["id"]);
    assert_eq!(shown["reverses"]["description"], payment["description"]);
    assert_eq!(shown["reverses"]["reason"], "booked twice");
    assert_eq!(shown["reversed_by"], Value::Null);
    assert_eq!(shown["entry"]["entered_by"], "test");

    let table = isu_ok(&db, &["entry", "show", &id]);
    assert!(
        table.contains(&format!("Reversed by entry {reversal_id} of {date}")),
        "{table}"
    );
    assert!(table.contains("booked twice"), "{table}");
    assert!(table.contains("Party: DEU"), "{table}");
    let table = isu_ok(&db, &["entry", "show", &reversal_id.to_string()]);
    assert!(
        table.contains(&format!("Reverses entry {id} of {date}")),
        "{table}"
    );
    assert!(table.contains("Recorded by test at "), "{table}");

    // The reversal is listed by its kind and both entries by their reference.
    let reference = text(&payment, "reference");
    if !reference.is_empty() {
        let both = entries(&db, &["--reference", &reference]);
        assert!(ids(&both).contains(&payment["id"].as_i64().unwrap()));
    }
    let output = isu(&db)
        .args(["--format", "csv", "entry", "show", &id])
        .output()
        .unwrap();
    assert!(output.status.success());
    let csv = String::from_utf8(output.stdout).unwrap();
    assert!(csv.starts_with("Debit,Credit,Currency,Amount\n"), "{csv}");
}
