//! The annual financial report as tables and as one HTML page (template
//! `reports/annual.html`, built into the program).

use minijinja::Value;
use serde::Serialize;

use super::html::table;
use super::{Cell, Table, Tabular};
use crate::reports::annual::AnnualReport;
use crate::text::count;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|h| h.to_string()).collect()
}

/// Income and expenditure against the approved budget.
pub struct IncomeTable<'a>(pub &'a AnnualReport);
/// Expenditure by budget line against each line's budget.
pub struct ExpenditureTable<'a>(pub &'a AnnualReport);
/// The financial position at the end of the year.
pub struct PositionTable<'a>(pub &'a AnnualReport);
/// Contributions received for the year by State.
pub struct ByStateTable<'a>(pub &'a AnnualReport);
/// Each fund's movements over the year.
pub struct FundsTable<'a>(pub &'a AnnualReport);

impl Tabular for IncomeTable<'_> {
    fn table(&self) -> Table {
        let r = &self.0.income_and_expenditure;
        let mut rows: Vec<Vec<Cell>> = r
            .income
            .iter()
            .map(|row| {
                vec![
                    Cell::text(row.account.as_str()),
                    Cell::Money(row.amount),
                    Cell::Empty,
                    Cell::Empty,
                ]
            })
            .collect();
        rows.push(vec![
            Cell::text("Total income"),
            Cell::Money(r.income_total),
            Cell::optional(r.budget, Cell::Money),
            Cell::optional(r.income_variance, Cell::Money),
        ]);
        rows.push(vec![
            Cell::text("Total expenditure"),
            Cell::Money(r.expenditure.spent_total),
            Cell::Money(r.expenditure.budget_total),
            Cell::Money(r.expenditure.remaining_total),
        ]);
        let mut notes = vec![
            "Variance of income: received less the approved budget; of expenditure: the \
             budget less what was spent (under budget when positive)."
                .to_string(),
        ];
        for row in &r.income_other_currencies {
            notes.push(format!(
                "Also {} to {} (outside the budget, in its own currency).",
                row.amount, row.account
            ));
        }
        if self.0.closed {
            notes.push(format!(
                "{} is closed; its close, which carries the result into the fund balances, \
                 is left out here.",
                self.0.year
            ));
        }
        Table {
            title: format!(
                "Statement of income and expenditure for {} at {}",
                self.0.year, self.0.at
            ),
            headers: headers(&["Item", "Actual", "Approved budget", "Variance"]),
            rows,
            totals: vec![vec![
                Cell::text("Surplus (deficit) of the year"),
                Cell::Money(r.surplus),
                Cell::Empty,
                Cell::Empty,
            ]],
            notes,
        }
    }
}

impl Tabular for ExpenditureTable<'_> {
    fn table(&self) -> Table {
        let report = &self.0.income_and_expenditure.expenditure;
        Table {
            title: format!(
                "Expenditure for {} by budget line at {}, in {}",
                self.0.year, self.0.at, self.0.currency
            ),
            headers: headers(&["Line", "Approved budget", "Spent", "Variance", "Used"]),
            rows: report
                .lines
                .iter()
                .map(|line| {
                    vec![
                        Cell::text(&line.line),
                        Cell::Amount(line.budget),
                        Cell::Amount(line.spent),
                        Cell::Amount(line.remaining),
                        Cell::optional(line.percent_used, Cell::Percent),
                    ]
                })
                .collect(),
            totals: vec![vec![
                Cell::text("Total"),
                Cell::Amount(report.budget_total),
                Cell::Amount(report.spent_total),
                Cell::Amount(report.remaining_total),
                Cell::optional(report.percent_used, Cell::Percent),
            ]],
            notes: vec![],
        }
    }
}

impl Tabular for PositionTable<'_> {
    fn table(&self) -> Table {
        let p = &self.0.position;
        let mut rows = Vec::new();
        for money in &p.bank {
            rows.push(vec![
                Cell::text(format!("Bank, {}", money.currency())),
                Cell::Money(*money),
            ]);
        }
        for year in &p.receivable_by_year {
            let what = if year.year == self.0.year {
                format!("Contributions receivable for {}", year.year)
            } else {
                format!("Contributions receivable: arrears of {}", year.year)
            };
            rows.push(vec![Cell::text(what), Cell::Money(year.amount)]);
        }
        if p.receivable_later_years.minor() != 0 {
            rows.push(vec![
                Cell::text(format!(
                    "Contributions receivable for years after {}",
                    self.0.year
                )),
                Cell::Money(p.receivable_later_years),
            ]);
        }
        rows.push(vec![
            Cell::text("Contributions receivable, total"),
            Cell::Money(p.receivable_total),
        ]);
        for money in &p.meetings_receivable {
            rows.push(vec![
                Cell::text(format!("Meeting costs receivable, {}", money.currency())),
                Cell::Money(*money),
            ]);
        }
        rows.push(vec![
            Cell::text("Prepayments and credits held (owed to States)"),
            Cell::Money(p.prepayments),
        ]);
        for holding in &p.fund_balances {
            rows.push(vec![
                Cell::text(format!("Fund balance: {}", holding.fund)),
                Cell::Money(holding.balance),
            ]);
        }
        Table {
            title: format!("Statement of financial position at {}", self.0.at),
            headers: headers(&["Item", "Amount"]),
            rows,
            totals: vec![],
            notes: vec![
                "Fund balances are what each fund holds at the bank; together they make the \
                 bank balances."
                    .to_string(),
            ],
        }
    }
}

impl Tabular for ByStateTable<'_> {
    fn table(&self) -> Table {
        Table {
            title: format!(
                "Contributions received for {} by State at {}, in {}",
                self.0.year, self.0.at, self.0.currency
            ),
            headers: headers(&["Party", "Name", "Received"]),
            rows: self
                .0
                .by_state
                .iter()
                .map(|p| {
                    vec![
                        Cell::text(p.party.as_str()),
                        Cell::text(&p.name),
                        Cell::Amount(p.received),
                    ]
                })
                .collect(),
            totals: vec![vec![
                Cell::text("Total"),
                Cell::text(count(self.0.by_state.len(), "State", "States")),
                Cell::Amount(self.0.received_total),
            ]],
            notes: vec![],
        }
    }
}

impl Tabular for FundsTable<'_> {
    fn table(&self) -> Table {
        Table {
            title: format!("Movements of the funds in {}", self.0.year),
            headers: headers(&["Fund", "Name", "Opening", "In", "Out", "Closing"]),
            rows: self
                .0
                .funds
                .iter()
                .map(|m| {
                    vec![
                        Cell::text(m.fund.as_str()),
                        Cell::text(&m.name),
                        Cell::Money(m.opening),
                        Cell::Money(m.money_in),
                        Cell::Money(m.money_out),
                        Cell::Money(m.closing),
                    ]
                })
                .collect(),
            totals: vec![],
            notes: vec![
                "Opening: held at the bank at the end of the previous year; in and out: the \
                 fund's bank movements in the year, transfers between funds included."
                    .to_string(),
            ],
        }
    }
}

#[derive(Serialize)]
struct AnnualContext {
    title: String,
    year: i32,
    at: String,
    income: Value,
    expenditure: Value,
    position: Value,
    by_state: Value,
    funds: Value,
    footer: String,
}

/// The annual financial report as one HTML page.
pub fn annual_page(
    report: &AnnualReport,
    chain: Option<&crate::store::ChainHead>,
) -> anyhow::Result<String> {
    let safe = Value::from_safe_string;
    let context = AnnualContext {
        title: format!("Financial report {}", report.year),
        year: report.year,
        at: report.at.to_string(),
        income: safe(table(&IncomeTable(report).table(), "income-table", None)),
        expenditure: safe(table(
            &ExpenditureTable(report).table(),
            "expenditure-table",
            None,
        )),
        position: safe(table(
            &PositionTable(report).table(),
            "position-table",
            None,
        )),
        by_state: safe(table(&ByStateTable(report).table(), "by-state-table", None)),
        funds: safe(table(&FundsTable(report).table(), "funds-table", None)),
        footer: format!(
            "isu-ledger report {} --annual at {}: the figures reconcile with `isu-ledger \
             --as-of {} balance`, `balance --year {}`, `budget report {}`, `outstanding {}` \
             and `fund list` on the same ledger.{}",
            report.year,
            report.at,
            report.at,
            report.year,
            report.year,
            report.year,
            super::html::chain_foot(chain)
        ),
    };
    Ok(super::html::environment()
        .get_template("annual.html")?
        .render(&context)?)
}
