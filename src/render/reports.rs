//! How each report lays itself out as a table.

use super::{Cell, Table, Tabular};
use crate::reports::balance::TrialBalance;
use crate::reports::budget::BudgetShow;
use crate::reports::journal::Journal;
use crate::reports::parties::PartyList;
use crate::reports::status::FundingStatus;
use crate::reports::verify::VerifyReport;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

impl Tabular for FundingStatus {
    fn table(&self) -> Table {
        let mut rows = Vec::new();
        let approved = match (&self.budget_approved_on, &self.budget_approved_by) {
            (Some(on), Some(by)) => format!("approved {on} by {by}"),
            (Some(on), None) => format!("approved {on}"),
            _ => format!("no budget approved for {} as of {}", self.year, self.as_of),
        };
        rows.push(vec![
            Cell::text("Approved budget"),
            Cell::optional(self.budget, Cell::Money),
            Cell::text(approved),
        ]);
        rows.push(vec![
            Cell::text(format!("Received for {}", self.year)),
            Cell::Money(self.received),
            Cell::text(format!("entries dated up to {}", self.as_of)),
        ]);
        rows.push(vec![
            Cell::text("Percent funded"),
            Cell::optional(self.percent_funded, Cell::Percent),
            Cell::text("received / approved budget"),
        ]);
        rows.push(vec![
            Cell::text("Contributing parties"),
            Cell::Count(self.contributors as i64),
            Cell::text(format!(
                "{} of {} States Parties expected to contribute",
                self.contributors_expected, self.parties_expected
            )),
        ]);
        if let Some(spending) = &self.spending {
            rows.extend(super::costs::spending_rows(self, spending));
        }
        for fund in &self.by_fund {
            rows.push(vec![
                Cell::text(format!("Received through fund {}", fund.fund)),
                Cell::Money(fund.received),
                Cell::Empty,
            ]);
        }
        let mut notes = Vec::new();
        if let Some(change) = &self.change {
            rows.push(vec![
                Cell::text(format!("Received since {}", change.since)),
                Cell::Money(change.received_since),
                Cell::text(format!("{} on {}", change.received_then, change.since)),
            ]);
            let names: Vec<&str> = change
                .new_contributors
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            rows.push(vec![
                Cell::text(format!("New contributors since {}", change.since)),
                Cell::Count(change.new_contributors.len() as i64),
                Cell::text(names.join(", ")),
            ]);
            notes.push(String::new());
            notes.push(super::template::status_summary(self, change));
        }
        Table {
            title: format!(
                "Funding status of the {} budget as of {}",
                self.year, self.as_of
            ),
            headers: headers(&["Item", "Value", "Note"]),
            rows,
            notes,
            ..Table::default()
        }
    }
}

impl Tabular for TrialBalance {
    fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                vec![
                    Cell::text(row.account.as_str()),
                    Cell::text(row.currency.as_str()),
                    Cell::Amount(row.debit),
                    Cell::Amount(row.credit),
                    Cell::Amount(row.balance),
                ]
            })
            .collect();
        let totals = self
            .totals
            .iter()
            .map(|total| {
                vec![
                    Cell::text("Total"),
                    Cell::text(total.currency.as_str()),
                    Cell::Amount(total.debit),
                    Cell::Amount(total.credit),
                    Cell::Amount(total.balance),
                ]
            })
            .collect();
        let scope = self
            .year
            .map_or(String::new(), |year| format!(", budget year {year}"));
        Table {
            title: format!("Trial balance as of {}{scope}", self.as_of),
            headers: headers(&["Account", "Currency", "Debit", "Credit", "Balance"]),
            rows,
            totals,
            notes: if self.is_balanced() {
                vec![]
            } else {
                vec!["The totals are not zero: run `isu-ledger verify`.".to_string()]
            },
        }
    }
}

impl Tabular for Journal {
    fn table(&self) -> Table {
        let mut rows = Vec::new();
        for entry in &self.entries {
            for (index, transfer) in entry.transfers.iter().enumerate() {
                let first = index == 0;
                let when_first = |cell: Cell| if first { cell } else { Cell::Empty };
                rows.push(vec![
                    when_first(Cell::Count(entry.id.0)),
                    when_first(Cell::Date(entry.date)),
                    when_first(Cell::text(&entry.description)),
                    when_first(Cell::Count(i64::from(entry.budget_year))),
                    when_first(Cell::text(entry.fund.as_str())),
                    when_first(Cell::optional(entry.party.as_ref(), |p| {
                        Cell::text(p.as_str())
                    })),
                    Cell::text(transfer.debit.as_str()),
                    Cell::text(transfer.credit.as_str()),
                    Cell::text(transfer.currency.as_str()),
                    Cell::Amount(transfer.amount),
                    when_first(Cell::optional(entry.reference.as_ref(), Cell::text)),
                ]);
            }
        }
        let mut filters = Vec::new();
        if let Some(party) = &self.party {
            filters.push(format!("party {party}"));
        }
        if let Some(year) = self.year {
            filters.push(format!("budget year {year}"));
        }
        let filters = if filters.is_empty() {
            String::new()
        } else {
            format!(" ({})", filters.join(", "))
        };
        Table {
            title: format!("Journal up to {}{filters}", self.as_of),
            headers: headers(&[
                "Entry",
                "Date",
                "Description",
                "Year",
                "Fund",
                "Party",
                "Debit",
                "Credit",
                "Currency",
                "Amount",
                "Reference",
            ]),
            rows,
            notes: vec![format!("{} entries", self.entries.len())],
            ..Table::default()
        }
    }
}

impl Tabular for PartyList {
    fn table(&self) -> Table {
        let rows = self
            .parties
            .iter()
            .map(|party| {
                vec![
                    Cell::text(party.code.as_str()),
                    Cell::text(&party.name),
                    Cell::text(party.kind.as_str()),
                    Cell::optional(party.deposited_on, Cell::Date),
                    Cell::optional(party.in_force_on, Cell::Date),
                    Cell::text(party.language.as_str()),
                    Cell::optional(party.email.as_ref(), Cell::text),
                ]
            })
            .collect();
        Table {
            title: format!("Parties as of {}", self.as_of),
            headers: headers(&[
                "Code",
                "Name",
                "Kind",
                "Deposited",
                "In force",
                "Language",
                "E-mail",
            ]),
            rows,
            notes: vec![format!(
                "{} parties; {} States Parties in force on {}",
                self.parties.len(),
                self.expected_to_contribute,
                self.as_of
            )],
            ..Table::default()
        }
    }
}

impl Tabular for BudgetShow {
    fn table(&self) -> Table {
        let rows = self
            .lines
            .iter()
            .map(|line| vec![Cell::text(&line.name), Cell::Amount(line.amount)])
            .collect();
        let approved_by = self
            .approved_by
            .as_ref()
            .map_or(String::new(), |by| format!(" by {by}"));
        let mut notes = vec![format!(
            "Version {} approved on {}{approved_by}.",
            self.version, self.approved_on
        )];
        if self.approvals.len() > 1 {
            for approval in &self.approvals {
                notes.push(format!(
                    "  version {}: {} approved on {}",
                    approval.version, approval.total, approval.approved_on
                ));
            }
        }
        Table {
            title: format!("Budget {} ({})", self.year, self.currency),
            headers: headers(&["Line", "Amount"]),
            rows,
            totals: vec![vec![Cell::text("Total"), Cell::Amount(self.total)]],
            notes,
        }
    }
}

impl Tabular for VerifyReport {
    fn table(&self) -> Table {
        let rows = self
            .findings
            .iter()
            .map(|finding| vec![Cell::text(finding.check), Cell::text(&finding.message)])
            .collect();
        let verdict = if self.ok {
            "no problems found".to_string()
        } else {
            format!("{} problems found", self.findings.len())
        };
        Table {
            title: format!(
                "Verified {} entries, {} transfers, {} balance rows: {verdict}",
                self.entries, self.transfers, self.balance_rows
            ),
            headers: headers(&["Check", "Finding"]),
            rows,
            notes: if self.ok {
                vec![
                    "Checked: database integrity and foreign keys, settings, append-only \
                     triggers, transfers, running balances against the transfers, conversions \
                     at their rates, reversals against their originals."
                        .to_string(),
                ]
            } else {
                vec![]
            },
            ..Table::default()
        }
    }
}

impl Tabular for crate::reports::accounts::AccountList {
    fn table(&self) -> Table {
        let rows = self
            .accounts
            .iter()
            .map(|account| {
                vec![
                    Cell::text(account.account.as_str()),
                    Cell::text(account.account_type.as_str()),
                    Cell::text(&account.opened_at),
                ]
            })
            .collect();
        Table {
            title: "Accounts".to_string(),
            headers: headers(&["Account", "Type", "Opened"]),
            rows,
            notes: vec![format!("{} accounts", self.accounts.len())],
            ..Table::default()
        }
    }
}
