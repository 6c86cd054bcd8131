//! How the reports on costs, funds and meetings lay themselves out as tables.

use super::{Cell, Table, Tabular};
use crate::reports::budget_report::{BudgetReport, CurrencyAmount, Spending};
use crate::reports::funds::FundList;
use crate::reports::meeting::{MeetingBalances, MeetingShow};
use crate::reports::status::FundingStatus;
use crate::text::count;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

fn list(amounts: &[CurrencyAmount]) -> String {
    amounts
        .iter()
        .map(|a| a.amount.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows `status` shows about spending.
pub fn spending_rows(status: &FundingStatus, spending: &Spending) -> Vec<Vec<Cell>> {
    vec![
        vec![
            Cell::text(format!("Expenditure for {}", status.year)),
            Cell::Money(spending.spent),
            Cell::text(match spending.percent_spent {
                Some(percent) => format!("{percent} of the approved budget"),
                None => "against the budget lines".to_string(),
            }),
        ],
        vec![
            Cell::text("Balance of the year"),
            Cell::Money(spending.balance_of_year),
            Cell::text("received minus expenditure"),
        ],
    ]
}

impl Tabular for BudgetReport {
    fn table(&self) -> Table {
        let rows = self
            .lines
            .iter()
            .map(|line| {
                vec![
                    Cell::text(&line.line),
                    Cell::Amount(line.budget),
                    Cell::Amount(line.spent),
                    Cell::Amount(line.remaining),
                    Cell::optional(line.percent_used, Cell::Percent),
                    Cell::text(list(&line.paid_in_other_currencies)),
                ]
            })
            .collect();
        Table {
            title: format!(
                "Budget {} against actual as of {} ({})",
                self.year, self.as_of, self.currency
            ),
            headers: headers(&[
                "Line",
                "Budget",
                "Spent",
                "Remaining",
                "Used",
                "Paid in other currencies",
            ]),
            rows,
            totals: vec![vec![
                Cell::text("Total"),
                Cell::Amount(self.budget_total),
                Cell::Amount(self.spent_total),
                Cell::Amount(self.remaining_total),
                Cell::optional(self.percent_used, Cell::Percent),
                Cell::Empty,
            ]],
            notes: vec![format!(
                "Spent: costs and other expenses dated up to {} counting against the {} \
                 budget, in {} at the rates recorded with them.",
                self.as_of, self.year, self.currency
            )],
        }
    }
}

impl Tabular for FundList {
    fn table(&self) -> Table {
        let rows = self
            .funds
            .iter()
            .map(|fund| {
                vec![
                    Cell::text(fund.fund.as_str()),
                    Cell::text(&fund.name),
                    Cell::text(fund.currency.as_str()),
                    Cell::Amount(fund.balance),
                    Cell::text(list(&fund.other_currencies)),
                ]
            })
            .collect();
        Table {
            title: format!("Funds as of {}", self.as_of),
            headers: headers(&["Fund", "Name", "Currency", "Balance", "Other currencies"]),
            rows,
            notes: vec!["Balance: what the fund's entries hold at the bank.".to_string()],
            ..Table::default()
        }
    }
}

impl Tabular for MeetingShow {
    fn table(&self) -> Table {
        let mut rows = Vec::new();
        let mut item = |label: &str, value: Cell, note: String| {
            rows.push(vec![Cell::text(label), value, Cell::text(note)]);
        };
        item(
            "Approved estimate",
            Cell::Money(self.estimate),
            self.approved_by
                .as_ref()
                .map_or(String::new(), |by| format!("approved by {by}")),
        );
        item(
            "Price per page",
            Cell::optional(self.per_page, Cell::Money),
            self.languages.map_or(String::new(), |n| {
                format!("translation into {}", count(n, "language", "languages"))
            }),
        );
        item(
            "Documents submitted",
            Cell::Count(self.documents_submitted as i64),
            format!(
                "{} of {} planned; {} translated",
                self.documents_submitted, self.documents_planned, self.documents_translated
            ),
        );
        item(
            "Pages allowed",
            Cell::optional(self.pages_allowed, Cell::Count),
            "what the estimate pays for".to_string(),
        );
        item(
            "Pages forecast",
            Cell::Count(self.pages_forecast),
            "actual pages where known, else forecast".to_string(),
        );
        item(
            "Pages over the estimate",
            Cell::optional(self.pages_over, Cell::Count),
            String::new(),
        );
        item(
            "Forecast documentation cost",
            Cell::optional(self.forecast_cost, Cell::Money),
            "pages forecast x price per page".to_string(),
        );
        item(
            "Extra cost",
            Cell::optional(self.extra_cost, Cell::Money),
            "forecast cost - approved estimate".to_string(),
        );
        item(
            "Covered by",
            Cell::optional(self.fund_balance, Cell::Money),
            self.covered_by
                .as_ref()
                .map_or(String::new(), |fund| format!("balance of {fund}")),
        );
        let mut notes = vec![String::new(), self.summary(), String::new()];
        notes.push("Documents:".to_string());
        let symbol_width = self
            .documents
            .iter()
            .map(|d| d.symbol.chars().count())
            .max();
        let title_width = self.documents.iter().map(|d| d.title.chars().count()).max();
        for document in &self.documents {
            let pages = match document.pages_actual {
                Some(actual) => format!(
                    "{} (forecast {})",
                    count(actual, "page", "pages"),
                    document.pages_forecast
                ),
                None => format!(
                    "{} forecast",
                    count(document.pages_forecast, "page", "pages")
                ),
            };
            let state = match (document.submitted_on, document.translated_on) {
                (_, Some(on)) if on <= self.as_of => format!("translated {on}"),
                (Some(on), _) if on <= self.as_of => format!("submitted {on}"),
                _ => "not yet submitted".to_string(),
            };
            notes.push(format!(
                "  {:<symbol$}  {:<title$}  {:<26}  {state}",
                document.symbol,
                document.title,
                pages,
                symbol = symbol_width.unwrap_or(0),
                title = title_width.unwrap_or(0),
            ));
        }
        Table {
            title: format!(
                "{} ({}, {}): documentation as of {}",
                self.code, self.name, self.held_on, self.as_of
            ),
            headers: headers(&["Item", "Value", "Note"]),
            rows,
            notes,
            ..Table::default()
        }
    }
}

impl Tabular for MeetingBalances {
    fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                vec![
                    Cell::text(row.party.as_str()),
                    Cell::text(&row.name),
                    Cell::text(row.scale_rate.to_string()),
                    // Shares of a few States are well under one per cent: three decimals.
                    Cell::optional(row.share, |share| {
                        Cell::text(format!("{}%", share.to_decimal(3)))
                    }),
                    Cell::Amount(row.billed),
                    Cell::Amount(row.balance),
                ]
            })
            .collect();
        Table {
            title: format!(
                "{}: Article 14 shares and balances ({}{})",
                self.code,
                self.currency,
                self.scale
                    .as_ref()
                    .map_or(String::new(), |s| format!(", scale {s}"))
            ),
            headers: headers(&["Party", "Name", "Scale rate", "Share", "Billed", "Balance"]),
            rows,
            totals: vec![vec![
                Cell::text("Total"),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Amount(self.billed_total),
                Cell::Amount(self.balance_total),
            ]],
            notes: vec![
                "Each State's balance is its own account for this meeting: a credit on one \
                 never reduces what another State, or the same State for its ISU contribution, \
                 owes."
                    .to_string(),
            ],
        }
    }
}

/// Notes listing what States owe for meetings, under `outstanding` and `statement`: each
/// State's account for each meeting on its own line, never netted with another.
pub fn meeting_notes(owed: &[crate::reports::meeting::MeetingOwed]) -> Vec<String> {
    if owed.is_empty() {
        return Vec::new();
    }
    let mut notes = vec![
        String::new(),
        "Meetings (Article 14), each State's account for each meeting, apart from ISU \
         contributions (negative: a credit):"
            .to_string(),
    ];
    for row in owed {
        notes.push(format!(
            "  {:<8} {} {:<40} {}",
            row.meeting, row.party, row.name, row.balance
        ));
    }
    notes
}

impl Tabular for crate::reports::rates::RateList {
    fn table(&self) -> Table {
        let rows = self
            .rates
            .iter()
            .map(|rate| {
                let mark = if rate.superseded {
                    "superseded"
                } else if rate.in_force {
                    "in force"
                } else {
                    ""
                };
                let note = rate
                    .correction_reason
                    .as_ref()
                    .map_or(String::new(), |reason| format!("correction: {reason}"));
                vec![
                    Cell::text(rate.currency.as_str()),
                    Cell::Date(rate.effective_on),
                    Cell::text(rate.rate.to_string()),
                    Cell::text(mark),
                    Cell::text(note),
                ]
            })
            .collect();
        let corrections = self
            .rates
            .iter()
            .filter(|r| r.correction_reason.is_some())
            .count();
        let mut notes = vec![count(self.rates.len(), "rate", "rates")];
        if corrections > 0 {
            notes.push(format!(
                "A superseded rate was recorded in error; the correction below it is in force \
                 from the same date ({}).",
                count(corrections, "correction", "corrections")
            ));
        }
        Table {
            title: format!(
                "Rates of exchange ({} per unit) as of {}",
                self.book_currency, self.as_of
            ),
            headers: headers(&["Currency", "From", "Rate", "", "Note"]),
            rows,
            notes,
            ..Table::default()
        }
    }
}
