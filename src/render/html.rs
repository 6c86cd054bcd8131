//! HTML: any report's table as an HTML table, and the Coordination Committee report as one
//! self-contained page (inline CSS and SVG, no script, nothing fetched) from the template
//! `reports/committee.html`, built into the program. The web view serves the same page.

use chrono::NaiveDate;
use minijinja::{Environment, Value};
use serde::Serialize;

use super::chart::{bar_chart, escape, step_chart, LineStyle, StepChart, StepSeries};
use super::{Cell, Table, Tabular};
use crate::money::Money;
use crate::reports::committee::{CommitteeReport, Curve};
use crate::reports::status::FundingStatus;

const COMMITTEE: &str = include_str!("../../reports/committee.html");
const PAGE: &str = include_str!("../../reports/page.html");
/// The style sheet every page carries inline.
pub const STYLE: &str = include_str!("../../reports/style.css");
const BASE: &str = include_str!("../../reports/base.html");
const ANNUAL: &str = include_str!("../../reports/annual.html");

/// Where a party's name links to: given the party's code, the address of its statement.
pub type PartyLink<'a> = &'a dyn Fn(&str) -> String;

/// A table as HTML. With `link`, the code and name of each row's party link to its
/// statement (the column headed `Party`, and `Name` beside it).
pub fn table(table: &Table, id: &str, link: Option<PartyLink<'_>>) -> String {
    let numeric: Vec<bool> = (0..table.headers.len())
        .map(|column| {
            table
                .rows
                .iter()
                .chain(&table.totals)
                .filter_map(|row| row.get(column))
                .any(Cell::is_numeric)
        })
        .collect();
    let party_column = table.headers.iter().position(|h| h == "Party");
    let name_column = table.headers.iter().position(|h| h == "Name");
    let class = |column: usize| {
        if numeric.get(column).copied().unwrap_or(false) {
            r#" class="num""#
        } else {
            ""
        }
    };
    let mut html = format!(r#"<table id="{}">"#, escape(id));
    if !table.title.is_empty() {
        html.push_str(&format!("<caption>{}</caption>", escape(&table.title)));
    }
    html.push_str("<thead><tr>");
    for (column, header) in table.headers.iter().enumerate() {
        html.push_str(&format!("<th{}>{}</th>", class(column), escape(header)));
    }
    html.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        let party = party_column.and_then(|column| match row.get(column) {
            Some(Cell::Text(code)) if !code.is_empty() => Some(code.clone()),
            _ => None,
        });
        html.push_str("<tr>");
        for (column, cell) in row.iter().enumerate() {
            let text = escape(&super::text::display(cell));
            let linked = Some(column) == party_column || Some(column) == name_column;
            match (&party, link, linked) {
                (Some(code), Some(link), true) => html.push_str(&format!(
                    r#"<td{}><a href="{}">{text}</a></td>"#,
                    class(column),
                    escape(&link(code))
                )),
                _ => html.push_str(&format!("<td{}>{text}</td>", class(column))),
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody>");
    if !table.totals.is_empty() {
        html.push_str("<tfoot>");
        for row in &table.totals {
            html.push_str("<tr>");
            for (column, cell) in row.iter().enumerate() {
                html.push_str(&format!(
                    "<td{}>{}</td>",
                    class(column),
                    escape(&super::text::display(cell))
                ));
            }
            html.push_str("</tr>");
        }
        html.push_str("</tfoot>");
    }
    html.push_str("</table>");
    for note in &table.notes {
        html.push_str(&format!(r#"<p class="note">{}</p>"#, escape(note)));
    }
    html
}

/// The headline figures, formatted as the status table shows them.
#[derive(Serialize)]
struct Figures {
    budget: String,
    received: String,
    percent_funded: String,
    contributors: String,
    outstanding: String,
    arrears: String,
    parties_assessed: usize,
    paid_in_full: usize,
    part_paid: usize,
    no_payment: usize,
}

impl Figures {
    fn of(status: &FundingStatus) -> Figures {
        let c = &status.collection;
        Figures {
            budget: status
                .budget
                .map_or_else(|| "none approved".to_string(), |b| b.to_string()),
            received: status.received.to_string(),
            percent_funded: status
                .percent_funded
                .map_or_else(|| "-".to_string(), |p| p.to_string()),
            contributors: format!(
                "{} of {}",
                status.contributors_expected, status.parties_expected
            ),
            outstanding: c.outstanding.to_string(),
            arrears: c.arrears.to_string(),
            parties_assessed: c.parties_assessed,
            paid_in_full: c.paid_in_full,
            part_paid: c.part_paid,
            no_payment: c.no_payment,
        }
    }
}

#[derive(Serialize)]
struct Charts {
    received: Value,
    by_state: Value,
}

#[derive(Serialize)]
struct Tables {
    status: Value,
    by_state: Value,
    outstanding: Value,
    honour_roll: Value,
    budget: Value,
    meetings: Vec<Value>,
    transparency: Value,
    timeline: Value,
}

/// The Article 7 round and initial reports, as the page shows them.
#[derive(Serialize)]
struct TransparencyFigures {
    year: i32,
    due_on: String,
    due: usize,
    submitted: usize,
    on_time: usize,
    late: usize,
    rate: String,
    missing: usize,
    initial_overdue: usize,
}

impl TransparencyFigures {
    fn of(status: &crate::reports::transparency::TransparencyStatus) -> TransparencyFigures {
        TransparencyFigures {
            year: status.year,
            due_on: status.round_due_on.to_string(),
            due: status.due,
            submitted: status.submitted,
            on_time: status.submitted_on_time,
            late: status.submitted_late(),
            rate: status
                .rate_percent
                .map_or_else(|| "-".to_string(), |p| p.to_string()),
            missing: status.missing.len(),
            initial_overdue: status.initial_overdue.len(),
        }
    }
}

#[derive(Serialize)]
struct CommitteeContext {
    title: String,
    year: i32,
    as_of: String,
    previous_year: i32,
    previous_as_of: Option<String>,
    figures: Figures,
    transparency: TransparencyFigures,
    charts: Charts,
    tables: Tables,
    nav: Value,
    controls: Value,
    footer: String,
}

/// What a page adds around the report: the web view's navigation and date chooser, and
/// where parties link to. The report file has none of them.
#[derive(Default)]
pub struct PageExtras<'a> {
    pub nav: String,
    pub controls: String,
    pub link: Option<PartyLink<'a>>,
    /// The chain head of the books the report was made from, for its foot.
    pub chain: Option<&'a crate::store::ChainHead>,
}

/// The position of `day` on a chart of `year`, from 0 (1 January) to 1 (31 December): a
/// drawing ratio, never an amount.
fn x_of(year: i32, day: NaiveDate) -> f64 {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("the 1st of January exists");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("the 31st of December exists");
    let span = (last - first).num_days() as f64;
    ((day - first).num_days() as f64 / span).clamp(0.0, 1.0)
}

/// A curve as a step series: from what was prepaid on 1 January to its total on `until`.
fn series_of(curve: &Curve, label: String, style: LineStyle) -> StepSeries {
    let mut points = vec![(0.0, curve.before_year.minor())];
    points.extend(
        curve
            .points
            .iter()
            .map(|(day, total)| (x_of(curve.year, *day), total.minor())),
    );
    points.push((x_of(curve.year, curve.until), curve.total.minor()));
    StepSeries {
        label,
        style,
        points,
    }
}

/// The chart of money received through the year against the budget and the previous year.
pub fn received_chart(report: &CommitteeReport) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let year = report.year;
    let mut series = vec![series_of(
        &report.received,
        format!("Received for {year}"),
        LineStyle::Solid,
    )];
    if let Some(previous) = &report.previous {
        series.push(series_of(
            previous,
            format!("Received for {} (a year earlier)", previous.year),
            LineStyle::Dashed,
        ));
    }
    step_chart(&StepChart {
        title: format!("Money received for {year} as of {}", report.as_of),
        currency: report.status.currency,
        x_labels: MONTHS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let first = NaiveDate::from_ymd_opt(year, i as u32 + 1, 1)
                    .expect("the first of a month exists");
                (x_of(year, first), name.to_string())
            })
            .collect(),
        series,
        level: report
            .status
            .budget
            .map(|b| (format!("Budget {year}"), b.minor())),
    })
}

/// The contributions by State as a table: the largest, then the others together.
struct ByStateTable<'a>(&'a CommitteeReport);

impl Tabular for ByStateTable<'_> {
    fn table(&self) -> Table {
        let by_state = &self.0.by_state;
        let mut rows: Vec<Vec<Cell>> = by_state
            .largest
            .iter()
            .map(|p| {
                vec![
                    Cell::text(p.party.as_str()),
                    Cell::text(&p.name),
                    Cell::Amount(p.received),
                ]
            })
            .collect();
        if by_state.others > 0 {
            rows.push(vec![
                Cell::Empty,
                Cell::text(format!(
                    "{} together",
                    crate::text::count(by_state.others, "other State", "other States")
                )),
                Cell::Amount(by_state.others_received),
            ]);
        }
        Table {
            title: format!(
                "Contributions received for {} as of {}, in {}",
                self.0.year, self.0.as_of, self.0.status.currency
            ),
            headers: ["Party", "Name", "Received"]
                .iter()
                .map(|h| h.to_string())
                .collect(),
            rows,
            totals: vec![vec![
                Cell::text("Total"),
                Cell::Empty,
                Cell::Amount(by_state.total),
            ]],
            notes: vec![],
        }
    }
}

/// The built-in HTML templates, the page they extend and their style sheet.
pub(super) fn environment() -> Environment<'static> {
    let mut environment = Environment::new();
    environment
        .add_template("style.css", STYLE)
        .expect("the built-in style sheet parses");
    environment
        .add_template("base.html", BASE)
        .expect("the built-in base page parses");
    environment
        .add_template("annual.html", ANNUAL)
        .expect("the built-in annual report template parses");
    environment
        .add_template("committee.html", COMMITTEE)
        .expect("the built-in report template parses");
    environment
        .add_template("page.html", PAGE)
        .expect("the built-in page template parses");
    environment
}

#[derive(Serialize)]
struct PageContext<'a> {
    title: &'a str,
    subtitle: &'a str,
    nav: Value,
    controls: Value,
    error: Option<&'a str>,
    body: Value,
}

/// A page of the web view around `body` (HTML already escaped, such as `table`'s), or
/// around an error message.
pub fn page(
    title: &str,
    subtitle: &str,
    extras: &PageExtras<'_>,
    error: Option<&str>,
    body: &str,
) -> anyhow::Result<String> {
    let environment = environment();
    let template = environment.get_template("page.html")?;
    Ok(template.render(PageContext {
        title,
        subtitle,
        nav: Value::from_safe_string(extras.nav.clone()),
        controls: Value::from_safe_string(extras.controls.clone()),
        error,
        body: Value::from_safe_string(body.to_string()),
    })?)
}

/// The sentence that ends a report's foot with the chain head of its books, if known.
pub fn chain_foot(chain: Option<&crate::store::ChainHead>) -> String {
    chain.map_or(String::new(), |chain| format!(" {chain}."))
}

/// The Coordination Committee report as one HTML page.
pub fn committee_page(report: &CommitteeReport, extras: &PageExtras<'_>) -> anyhow::Result<String> {
    let safe = Value::from_safe_string;
    let link = extras.link;
    let mut bars: Vec<(String, Money)> = report
        .by_state
        .largest
        .iter()
        .map(|p| (p.name.clone(), p.received))
        .collect();
    if report.by_state.others > 0 {
        bars.push((
            format!(
                "{} together",
                crate::text::count(report.by_state.others, "other State", "other States")
            ),
            report.by_state.others_received,
        ));
    }
    let context = CommitteeContext {
        title: format!("Funding of the {} budget", report.year),
        year: report.year,
        as_of: report.as_of.to_string(),
        previous_year: report.year - 1,
        previous_as_of: report.previous.as_ref().map(|p| p.until.to_string()),
        figures: Figures::of(&report.status),
        transparency: TransparencyFigures::of(&report.transparency),
        charts: Charts {
            received: safe(received_chart(report)),
            by_state: safe(bar_chart(
                &format!("Contributions received for {} by State", report.year),
                &bars,
            )),
        },
        tables: Tables {
            status: safe(table(&report.status.table(), "status-table", None)),
            by_state: safe(table(&ByStateTable(report).table(), "by-state-table", link)),
            outstanding: safe(table(
                &report.outstanding.table(),
                "outstanding-table",
                link,
            )),
            honour_roll: safe(table(
                &report.honour_roll.table(),
                "honour-roll-table",
                link,
            )),
            budget: safe(table(&report.budget.table(), "budget-table", None)),
            meetings: report
                .meetings
                .iter()
                .map(|m| safe(table(&m.table(), &format!("meeting-{}", m.code), None)))
                .collect(),
            transparency: safe(table(
                &report.transparency.table(),
                "transparency-table",
                link,
            )),
            timeline: safe(table(&report.timeline.table(), "timeline-table", None)),
        },
        nav: safe(extras.nav.clone()),
        controls: safe(extras.controls.clone()),
        footer: format!(
            "isu-ledger report {} as of {}: the figures are those of `isu-ledger --as-of {} \
             status {}`, `outstanding {}`, `honour-roll {}`, `budget report {}`, \
             `meeting show`, `transparency status {}` and `timeline` on the same ledger.{}",
            report.year,
            report.as_of,
            report.as_of,
            report.year,
            report.year,
            report.year,
            report.year,
            report.transparency.year,
            chain_foot(extras.chain)
        ),
    };
    let environment = environment();
    let template = environment.get_template("committee.html")?;
    Ok(template.render(&context)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn a_table_escapes_its_text_and_links_parties_when_asked() {
        let t = Table {
            title: "T & <b>".into(),
            headers: vec!["Party".into(), "Name".into(), "Amount".into()],
            rows: vec![vec![
                Cell::text("DEU"),
                Cell::text("<script>"),
                Cell::Amount(Money::from_minor(123_456, Currency::CHF)),
            ]],
            totals: vec![],
            notes: vec!["n\"".into()],
        };
        let plain = table(&t, "x", None);
        assert!(plain.contains("<caption>T &amp; &lt;b&gt;</caption>"));
        assert!(plain.contains("<td>&lt;script&gt;</td>"));
        assert!(plain.contains(r#"<td class="num">1&#39;234.56</td>"#));
        assert!(!plain.contains("<a "));
        let link = |code: &str| format!("/statement/{code}?x=1&y=2");
        let linked = table(&t, "x", Some(&link));
        assert!(linked.contains(r#"<a href="/statement/DEU?x=1&amp;y=2">DEU</a>"#));
        assert!(linked.contains(r#"<a href="/statement/DEU?x=1&amp;y=2">&lt;script&gt;</a>"#));
    }

    #[test]
    fn days_fall_on_the_year_from_zero_to_one() {
        let day = |m, d| NaiveDate::from_ymd_opt(2017, m, d).unwrap();
        assert_eq!(x_of(2017, day(1, 1)), 0.0);
        assert_eq!(x_of(2017, day(12, 31)), 1.0);
        assert_eq!(
            x_of(2017, NaiveDate::from_ymd_opt(2016, 12, 1).unwrap()),
            0.0
        );
        assert_eq!(
            x_of(2017, NaiveDate::from_ymd_opt(2018, 3, 1).unwrap()),
            1.0
        );
        assert!((x_of(2017, day(7, 2)) - 0.5).abs() < 0.01);
    }
}
