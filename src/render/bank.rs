//! The bank reports as tables: the review of the lines, the payers learned, and the
//! reconciliation of a statement with the books.

use super::{Cell, Table, Tabular};
use crate::reports::bank::{BankReview, PayerList, Reconciliation};

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

impl Tabular for BankReview {
    fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let mut note = row.proposal.reason.clone();
                if let Some(charges) = row.charges_deducted {
                    note.push_str(&format!(
                        "; {charges} deducted on the way (--book-charges credits the payer in full)"
                    ));
                } else if let (Some(instructed), Some(rate)) = (row.instructed, &row.rate) {
                    note.push_str(&format!("; paid {instructed} at the bank's rate {rate}"));
                }
                vec![
                    Cell::Count(row.line),
                    Cell::Date(row.value_on),
                    Cell::Money(row.amount),
                    Cell::text(&row.counterparty),
                    Cell::text(&row.remittance),
                    Cell::text(row.proposal.kind.map_or("", |k| k.as_str())),
                    Cell::text(row.proposal.party.as_ref().map_or("", |p| p.as_str())),
                    Cell::optional(row.proposal.year, |y| Cell::text(y.to_string())),
                    Cell::text(match row.entry {
                        Some(entry) => format!("confirmed (entry {entry})"),
                        None => row.proposal.confidence.as_str().to_string(),
                    }),
                    Cell::text(note),
                ]
            })
            .collect();
        Table {
            title: "Bank lines to confirm, with the match proposed".to_string(),
            headers: headers(&[
                "Line",
                "Value date",
                "Amount",
                "Payer",
                "Text",
                "Kind",
                "Party",
                "Year",
                "Confidence",
                "Reason",
            ]),
            rows,
            notes: vec![
                "Confirm a line with `bank confirm LINE [--party CODE] [--year Y] [--kind K]`, \
                 every certain one with `bank confirm --all-certain`."
                    .to_string(),
            ],
            ..Table::default()
        }
    }
}

impl Tabular for PayerList {
    fn table(&self) -> Table {
        Table {
            title: "Payers known per party (used to match bank lines)".to_string(),
            headers: headers(&["Party", "Payer name", "Payer account", "Learned from line"]),
            rows: self
                .rows
                .iter()
                .map(|row| {
                    vec![
                        Cell::text(&row.party),
                        Cell::text(row.name.clone().unwrap_or_default()),
                        Cell::text(row.account.clone().unwrap_or_default()),
                        Cell::optional(row.learned_from, Cell::Count),
                    ]
                })
                .collect(),
            ..Table::default()
        }
    }
}

impl Tabular for Reconciliation {
    fn table(&self) -> Table {
        let mut rows = vec![
            vec![
                Cell::text(format!("Statement {} closing balance", self.statement)),
                Cell::Date(self.closing_on),
                Cell::Money(self.statement_balance),
                Cell::text(&self.account),
            ],
            vec![
                Cell::text(format!("Books: {}", self.books_account)),
                Cell::Date(self.closing_on),
                Cell::Money(self.books_balance),
                Cell::Empty,
            ],
            vec![
                Cell::text("Difference (statement − books)"),
                Cell::Empty,
                Cell::Money(self.difference),
                Cell::Empty,
            ],
        ];
        if self.opening_difference.minor() != 0 {
            rows.push(vec![
                Cell::text("Opening balance not in the books"),
                Cell::Empty,
                Cell::Money(self.opening_difference),
                Cell::text("the first statement's opening balance less the books before it"),
            ]);
        }
        for line in &self.unmatched {
            rows.push(vec![
                Cell::text(format!("Bank line {} not in the books", line.line)),
                Cell::Date(line.booked_on),
                Cell::Money(line.amount),
                Cell::text(&line.text),
            ]);
        }
        for entry in &self.unlinked {
            rows.push(vec![
                Cell::text(format!("Entry {} with no bank line", entry.entry)),
                Cell::Date(entry.date),
                Cell::Money(entry.amount),
                Cell::text(&entry.description),
            ]);
        }
        for charge in &self.charges {
            rows.push(vec![
                Cell::text(format!("Bank line {}: charges deducted", charge.line)),
                Cell::Empty,
                Cell::Money(charge.charges),
                Cell::text(format!(
                    "{} paid, {} arrived; {}",
                    charge.instructed,
                    charge.arrived,
                    if charge.booked {
                        "booked as a cost, the payer credited in full"
                    } else {
                        "not booked: the payer is credited with what arrived"
                    }
                )),
            ]);
        }
        rows.push(vec![
            Cell::text("Unexplained"),
            Cell::Empty,
            Cell::Money(self.unexplained),
            Cell::text(if self.unexplained.minor() == 0 {
                "the lines above explain the whole difference"
            } else {
                "not explained by the lines above"
            }),
        ]);
        Table {
            title: format!(
                "Reconciliation of {} with {} on {}",
                self.account, self.books_account, self.closing_on
            ),
            headers: headers(&["Item", "Date", "Amount", "Note"]),
            rows,
            ..Table::default()
        }
    }
}
