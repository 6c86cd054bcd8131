//! `report YEAR --out FILE.html`: the Coordination Committee report on the 2017 example.
//!
//! The report's figures are read back from the HTML and compared with what `status`,
//! `outstanding`, `honour-roll` and `budget report` print as JSON for the same date; the
//! page is checked to be self-contained; bad input writes nothing. The golden file
//! `tests/golden/report-2017-06-27.html` is rewritten with `UPDATE_GOLDEN=1`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{isu, isu_ok, json_minor, minor};
use isu_ledger::app::Books;
use serde_json::Value;
use tempfile::TempDir;

fn demo() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    isu_ok(&db, &["demo"]);
    (dir, db)
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&isu_ok(db, &all)).unwrap()
}

/// Writes the report and returns its text.
fn report(db: &Path, as_of: &str, name: &str) -> String {
    let out = db.with_file_name(name);
    let said = isu_ok(
        db,
        &[
            "--as-of",
            as_of,
            "report",
            "2017",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(said.starts_with("wrote "), "{said}");
    fs::read_to_string(out).unwrap()
}

/// The HTML entities the template writes, decoded.
fn decode(text: &str) -> String {
    text.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// The text of the element marked `data-figure="NAME"`.
fn figure(html: &str, name: &str) -> String {
    let marker = format!("data-figure=\"{name}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no figure {name}"))
        + marker.len();
    let end = start + html[start..].find('<').unwrap();
    decode(&html[start..end])
}

/// The rows of the table with `id`, each a list of cell texts.
fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no table {id}"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = table
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let text = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
                    let text = match text.find("<a ") {
                        Some(_) => &text[text.find("\">").unwrap() + 2..text.find("</a>").unwrap()],
                        None => text,
                    };
                    decode(text)
                })
                .collect()
        })
        .collect()
}

/// `CHF 311'922.54` or `311'922.54` as minor units.
fn chf(text: &str) -> i64 {
    minor(&text.strip_prefix("CHF ").unwrap_or(text).replace('\'', ""))
}

#[test]
fn the_report_shows_the_figures_of_status_on_16_may_and_27_june_2017() {
    let (_dir, db) = demo();
    for (as_of, received, contributors) in [
        ("2017-05-16", 29_533_756, 33),
        ("2017-06-27", 31_192_254, 34),
    ] {
        let html = report(&db, as_of, &format!("report-{as_of}.html"));
        let status = json(&db, &["--as-of", as_of, "status", "2017"]);
        assert_eq!(json_minor(&status["received"]), received);
        assert_eq!(chf(&figure(&html, "received")), received, "{as_of}");
        assert_eq!(chf(&figure(&html, "budget")), json_minor(&status["budget"]));
        assert_eq!(
            chf(&figure(&html, "outstanding")),
            json_minor(&status["outstanding"])
        );
        assert_eq!(
            chf(&figure(&html, "arrears")),
            json_minor(&status["arrears"])
        );
        assert_eq!(
            figure(&html, "contributors"),
            format!(
                "{} of {}",
                status["contributors_expected"], status["parties_expected"]
            )
        );
        assert_eq!(status["contributors"], contributors);
        let percent = status["percent_funded"].as_f64().unwrap();
        assert_eq!(figure(&html, "percent_funded"), format!("{percent:.1}%"));
        for count in ["paid_in_full", "part_paid", "no_payment"] {
            assert_eq!(figure(&html, count), status[count].to_string(), "{count}");
        }
        // The status table is the one `status` prints, row for row.
        let table = isu_ok(
            &db,
            &["--as-of", as_of, "--format", "csv", "status", "2017"],
        );
        let rows = table_rows(&html, "status-table");
        assert_eq!(rows.len() + 1, table.lines().count(), "{table}");
        assert!(rows
            .iter()
            .any(|row| row[0] == "Received for 2017" && chf(&row[1]) == received));
    }
}

/// The Article 7 section is `transparency status` of the year before the report's day.
#[test]
fn the_transparency_section_is_that_of_its_command() {
    let (_dir, db) = demo();
    let html = report(&db, "2017-06-27", "report.html");
    let status = json(
        &db,
        &["--as-of", "2017-06-27", "transparency", "status", "2016"],
    );
    assert_eq!(figure(&html, "reports_submitted"), "44");
    for (figure_name, field) in [
        ("reports_due", "due"),
        ("reports_submitted", "submitted"),
        ("reports_on_time", "submitted_on_time"),
    ] {
        assert_eq!(figure(&html, figure_name), status[field].to_string());
    }
    assert_eq!(figure(&html, "reports_rate"), "44.9%");
    let missing = status["missing"].as_array().unwrap();
    let initial = status["initial_overdue"].as_array().unwrap();
    assert_eq!(figure(&html, "reports_missing"), missing.len().to_string());
    assert_eq!(figure(&html, "initial_overdue"), initial.len().to_string());
    let rows = table_rows(&html, "transparency-table");
    assert_eq!(rows.len(), missing.len() + initial.len());
    for (row, expected) in rows.iter().zip(missing.iter().chain(initial)) {
        assert_eq!(row[1], expected["party"].as_str().unwrap());
        assert_eq!(row[3], expected["due_on"].as_str().unwrap());
        assert_eq!(row[4], expected["days_overdue"].to_string());
    }
}

#[test]
fn the_outstanding_honour_roll_and_budget_tables_are_those_of_their_commands() {
    let (_dir, db) = demo();
    let html = report(&db, "2017-06-27", "report.html");
    let outstanding = json(&db, &["--as-of", "2017-06-27", "outstanding", "2017"]);
    let rows = table_rows(&html, "outstanding-table");
    let listed = outstanding["rows"].as_array().unwrap();
    assert_eq!(rows.len(), listed.len());
    assert_eq!(rows.len(), 68);
    for (row, expected) in rows.iter().zip(listed) {
        assert_eq!(row[0], expected["party"].as_str().unwrap());
        assert_eq!(chf(&row[4]), json_minor(&expected["outstanding"]));
    }
    let honour = json(&db, &["--as-of", "2017-06-27", "honour-roll", "2017"]);
    let rows = table_rows(&html, "honour-roll-table");
    assert_eq!(rows.len(), honour["rows"].as_array().unwrap().len());
    assert_eq!(rows.len(), 32);
    assert_eq!(rows[0][1], honour["rows"][0]["party"].as_str().unwrap());
    let budget = json(&db, &["--as-of", "2017-06-27", "budget", "report", "2017"]);
    let rows = table_rows(&html, "budget-table");
    assert_eq!(rows.len(), budget["lines"].as_array().unwrap().len());
    for (row, line) in rows.iter().zip(budget["lines"].as_array().unwrap()) {
        assert_eq!(row[0], line["line"].as_str().unwrap());
        assert_eq!(chf(&row[2]), json_minor(&line["spent"]), "{row:?}");
    }
    let meeting = json(&db, &["--as-of", "2017-06-27", "meeting", "show", "7MSP"]);
    assert!(html.contains("<table id=\"meeting-7MSP\">"));
    assert_eq!(json_minor(&meeting["extra_cost"]), 2_900_000);
    assert!(decode(&html).contains("USD 29'000.00"));
}

#[test]
fn contributions_by_state_name_the_largest_and_add_up_to_what_was_received() {
    let (_dir, db) = demo();
    let html = report(&db, "2017-06-27", "report.html");
    let rows = table_rows(&html, "by-state-table");
    assert_eq!(rows.len(), 11, "ten States, then the others together");
    assert_eq!(rows[10][1], "24 other States together");
    let amounts: Vec<i64> = rows.iter().map(|row| chf(&row[2])).collect();
    assert!(
        amounts[..10].windows(2).all(|w| w[0] >= w[1]),
        "largest first"
    );
    assert!(amounts[..10].iter().all(|a| *a >= amounts[9]));
    assert_eq!(amounts.iter().sum::<i64>(), 31_192_254);
}

#[test]
fn the_curve_of_money_received_ends_at_the_status_figure() {
    let (_dir, db) = demo();
    let books = Books::open(&db).unwrap();
    for as_of in ["2017-05-16", "2017-06-27", "2017-12-31"] {
        let as_of = as_of.parse().unwrap();
        let report = books.committee_report(2017, as_of).unwrap();
        assert_eq!(report.received.total, report.status.received, "{as_of}");
        assert!(report
            .received
            .points
            .windows(2)
            .all(|pair| pair[0].0 < pair[1].0));
        if let Some(last) = report.received.points.last() {
            assert_eq!(last.1, report.received.total);
        }
        let previous = report.previous.as_ref().unwrap();
        assert_eq!(
            previous.total,
            report.status.previous_year.as_ref().unwrap().received
        );
    }
    // The 16 May curve is the start of the 27 June one.
    let may = books
        .committee_report(2017, "2017-05-16".parse().unwrap())
        .unwrap();
    let june = books
        .committee_report(2017, "2017-06-27".parse().unwrap())
        .unwrap();
    assert_eq!(
        may.received.points[..],
        june.received.points[..may.received.points.len()]
    );
    assert!(june.received.points.len() > may.received.points.len());
}

#[test]
fn the_report_is_self_contained_and_print_ready() {
    let (_dir, db) = demo();
    let html = report(&db, "2017-06-27", "report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@page { size: A4;"));
    for banned in [
        "<script", "<link", "src=", "@import", "url(", "https://", "<iframe",
    ] {
        assert!(!html.contains(banned), "the report holds {banned}");
    }
    // The only address is the SVG namespace, which is a name, not a fetch.
    assert_eq!(
        html.matches("http://").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert_eq!(html.matches("<svg").count(), 2, "the curve and the bars");
    let decoded = decode(&html);
    assert!(decoded.contains(">Budget 2017 CHF 459'000.00</text>"));
    assert!(
        decoded.contains(">CHF 500'000.00</text>"),
        "the amount axis"
    );
    assert!(decoded.contains(">Jun</text>"), "the date axis");
    assert!(decoded.contains("Received for 2016 (a year earlier)"));
}

#[test]
fn the_report_of_27_june_2017_matches_its_golden_file() {
    let (_dir, db) = demo();
    let html = common::mask_chain_head(&report(&db, "2017-06-27", "report.html"));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report-2017-06-27.html");
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        fs::write(&golden, &html).unwrap();
        return;
    }
    let expected = fs::read_to_string(&golden)
        .unwrap_or_else(|_| panic!("no {}; create it with UPDATE_GOLDEN=1", golden.display()));
    if expected != html {
        let line = expected
            .lines()
            .zip(html.lines())
            .position(|(a, b)| a != b)
            .map_or(expected.lines().count().min(html.lines().count()), |l| l);
        panic!(
            "the report differs from {} from line {}; rerun with UPDATE_GOLDEN=1 and review the diff",
            golden.display(),
            line + 1
        );
    }
}

#[test]
fn bad_input_is_one_line_exit_2_and_writes_nothing() {
    let (dir, db) = demo();
    let out = dir.path().join("r.html");
    let out_text = out.to_str().unwrap();
    let missing_dir = dir.path().join("no/such/dir/r.html");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["report", "2017", "--out", dir.path().to_str().unwrap()],
            "is a directory",
        ),
        (
            vec!["report", "2017", "--out", missing_dir.to_str().unwrap()],
            "does not exist",
        ),
        (vec!["report", "1200", "--out", out_text], "1200"),
        (vec!["report", "2017"], "--out"),
        (
            vec!["--as-of", "2017-02-30", "report", "2017", "--out", out_text],
            "2017-02-30",
        ),
    ];
    for (args, says) in cases {
        let output = isu(&db).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(says),
            "{args:?}: {stderr}"
        );
        assert!(!out.exists(), "{args:?} wrote the report");
        assert!(!missing_dir.exists());
    }
    // A ledger that is not there.
    let output = isu(&dir.path().join("none.sqlite"))
        .args(["report", "2017", "--out", out_text])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!out.exists());
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn help_names_the_report_and_its_file() {
    let (_dir, db) = demo();
    let help = isu_ok(&db, &["report", "--help"]);
    assert!(help.contains("--out <FILE.html>"), "{help}");
    assert!(help.contains("self-contained"));
    assert!(isu_ok(&db, &["--help"]).contains("report"));
}

/// The rows of `balance` (JSON) whose account is `prefix` or below it, as
/// `(currency, debit minus credit)` summed per currency.
fn balance_under(balance: &Value, prefix: &str) -> Vec<(String, i64)> {
    let mut totals: Vec<(String, i64)> = Vec::new();
    for row in balance["rows"].as_array().unwrap() {
        let account = row["account"].as_str().unwrap();
        if account == prefix || account.starts_with(&format!("{prefix}:")) {
            let currency = row["currency"].as_str().unwrap().to_string();
            let minor = json_minor(&row["balance"]);
            match totals.iter_mut().find(|(c, _)| *c == currency) {
                Some((_, total)) => *total += minor,
                None => totals.push((currency, minor)),
            }
        }
    }
    totals.sort();
    totals
}

/// `USD 52'340.00` as `("USD", 5234000)`.
fn money(text: &str) -> (String, i64) {
    let (currency, amount) = text.split_once(' ').unwrap();
    (currency.to_string(), chf(amount))
}

/// What `fund list` says each fund holds, `(fund, currency, minor)`.
fn fund_list(db: &Path, as_of: &str) -> Vec<(String, String, i64)> {
    let list = json(db, &["--as-of", as_of, "fund", "list"]);
    let mut held = Vec::new();
    for fund in list["funds"].as_array().unwrap() {
        let code = fund["fund"].as_str().unwrap().to_string();
        held.push((
            code.clone(),
            fund["currency"].as_str().unwrap().to_string(),
            json_minor(&fund["balance"]),
        ));
        for other in fund["other_currencies"].as_array().unwrap() {
            held.push((
                code.clone(),
                other["currency"].as_str().unwrap().to_string(),
                json_minor(&other["amount"]),
            ));
        }
    }
    held.retain(|(_, _, minor)| *minor != 0);
    held.sort();
    held
}

#[test]
fn every_figure_of_the_annual_report_reconciles_with_balance_and_budget_report() {
    let (dir, db) = demo();
    let out = dir.path().join("annual.html");
    let said = isu_ok(
        &db,
        &["report", "2017", "--annual", "--out", out.to_str().unwrap()],
    );
    assert!(
        said.contains("the financial report of 2017 at 2017-12-31"),
        "{said}"
    );
    let html = fs::read_to_string(&out).unwrap();
    for banned in ["<script", "<link", "src=", "https://"] {
        assert!(!html.contains(banned));
    }
    let at = "2017-12-31";
    let year_balance = json(&db, &["--as-of", at, "balance", "--year", "2017"]);
    let all_balance = json(&db, &["--as-of", at, "balance"]);
    let budget = json(&db, &["--as-of", at, "budget", "report", "2017"]);

    // Income and expenditure.
    let income = table_rows(&html, "income-table");
    let row = |rows: &[Vec<String>], label: &str| -> Vec<String> {
        rows.iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no row {label}"))
            .clone()
    };
    let income_chf: i64 = balance_under(&year_balance, "income")
        .iter()
        .filter(|(c, _)| c == "CHF")
        .map(|(_, m)| -m)
        .sum();
    assert_eq!(money(&row(&income, "Total income")[1]).1, income_chf);
    assert_eq!(income_chf, 45_900_000, "the 2017 assessments");
    let spent = json_minor(&budget["spent_total"]);
    let expenditure_chf: i64 = balance_under(&year_balance, "expenses")
        .iter()
        .filter(|(c, _)| c == "CHF")
        .map(|(_, m)| m)
        .sum();
    assert_eq!(spent, expenditure_chf, "budget report = expense accounts");
    let total_expenditure = row(&income, "Total expenditure");
    assert_eq!(money(&total_expenditure[1]).1, spent);
    assert_eq!(
        money(&total_expenditure[2]).1,
        json_minor(&budget["budget_total"])
    );
    assert_eq!(
        money(&total_expenditure[3]).1,
        json_minor(&budget["remaining_total"])
    );
    let lines = table_rows(&html, "expenditure-table");
    let expected = budget["lines"].as_array().unwrap();
    assert_eq!(lines.len(), expected.len());
    for (row, line) in lines.iter().zip(expected) {
        assert_eq!(row[0], line["line"].as_str().unwrap());
        assert_eq!(chf(&row[1]), json_minor(&line["budget"]));
        assert_eq!(chf(&row[2]), json_minor(&line["spent"]));
        assert_eq!(chf(&row[3]), json_minor(&line["remaining"]));
    }
    assert!(decode(&html).contains(&format!(
        "Surplus (deficit) of the year</td><td class=\"num\">CHF {}",
        format_swiss(income_chf - spent)
    )));

    // The financial position at 31 December.
    let position = table_rows(&html, "position-table");
    let bank: Vec<(String, i64)> = position
        .iter()
        .filter(|r| r[0].starts_with("Bank, "))
        .map(|r| money(&r[1]))
        .collect();
    assert_eq!(bank, balance_under(&all_balance, "assets:bank"));
    let receivable = balance_under(&all_balance, "assets:receivable:contributions");
    assert_eq!(
        money(&row(&position, "Contributions receivable, total")[1]),
        receivable[0]
    );
    let outstanding = json(&db, &["--as-of", at, "outstanding", "2017"]);
    let by_year: i64 = position
        .iter()
        .filter(|r| {
            r[0].starts_with("Contributions receivable for 2017") || r[0].contains("arrears of")
        })
        .map(|r| money(&r[1]).1)
        .sum();
    assert_eq!(by_year, json_minor(&outstanding["total"]));
    let prepaid: i64 = balance_under(&all_balance, "liabilities:prepaid")
        .iter()
        .map(|(_, m)| -m)
        .sum();
    assert_eq!(
        money(&row(&position, "Prepayments and credits held (owed to States)")[1]).1,
        prepaid
    );
    let mut funds: Vec<(String, String, i64)> = position
        .iter()
        .filter_map(|r| r[0].strip_prefix("Fund balance: ").map(|f| (f, &r[1])))
        .map(|(fund, amount)| {
            let (currency, minor) = money(amount);
            (fund.to_string(), currency, minor)
        })
        .collect();
    funds.sort();
    assert_eq!(funds, fund_list(&db, at));
    for (currency, minor) in &bank {
        let held: i64 = funds
            .iter()
            .filter(|(_, c, _)| c == currency)
            .map(|(_, _, m)| m)
            .sum();
        assert_eq!(held, *minor, "the funds make the bank in {currency}");
    }

    // Contributions by State.
    let status = json(&db, &["--as-of", at, "status", "2017"]);
    let states = table_rows(&html, "by-state-table");
    assert_eq!(states.len(), status["by_party"].as_array().unwrap().len());
    assert_eq!(
        states.iter().map(|r| chf(&r[2])).sum::<i64>(),
        json_minor(&status["received"])
    );

    // Each fund's movements: opening + in - out = closing, as `fund list` says.
    let movements = table_rows(&html, "funds-table");
    let opening = fund_list(&db, "2016-12-31");
    let closing = fund_list(&db, at);
    for m in &movements {
        let (currency, open) = money(&m[2]);
        let (_, money_in) = money(&m[3]);
        let (_, money_out) = money(&m[4]);
        let (_, close) = money(&m[5]);
        assert_eq!(open + money_in - money_out, close, "{m:?}");
        let find = |list: &[(String, String, i64)]| {
            list.iter()
                .find(|(f, c, _)| *f == m[0] && *c == currency)
                .map_or(0, |(_, _, minor)| *minor)
        };
        assert_eq!(open, find(&opening), "{m:?}");
        assert_eq!(close, find(&closing), "{m:?}");
    }
    assert_eq!(movements.len(), closing.len());
}

/// `31192254` as `311'922.54`.
fn format_swiss(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let digits = (minor.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\'');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", minor.abs() % 100)
}

#[test]
fn closing_the_year_leaves_the_annual_statement_as_it_was() {
    let (dir, db) = demo();
    let before = dir.path().join("before.html");
    let after = dir.path().join("after.html");
    isu_ok(
        &db,
        &[
            "report",
            "2017",
            "--annual",
            "--out",
            before.to_str().unwrap(),
        ],
    );
    isu_ok(&db, &["--as-of", "2018-01-15", "close", "2017"]);
    isu_ok(
        &db,
        &[
            "report",
            "2017",
            "--annual",
            "--out",
            after.to_str().unwrap(),
        ],
    );
    let (before, after) = (
        fs::read_to_string(before).unwrap(),
        fs::read_to_string(after).unwrap(),
    );
    for id in [
        "income-table",
        "expenditure-table",
        "position-table",
        "funds-table",
    ] {
        assert_eq!(table_rows(&before, id), table_rows(&after, id), "{id}");
    }
    assert!(after.contains("2017 is closed; its close"));
    assert!(!before.contains("is closed"));
}
