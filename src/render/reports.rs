//! How each report lays itself out as a table.

use super::{Cell, Table, Tabular};
use crate::reports::balance::TrialBalance;
use crate::reports::budget::BudgetShow;
use crate::reports::journal::{EntryLink, EntryShow, Journal, JournalEntry, Paging};
use crate::reports::parties::PartyList;
use crate::reports::status::FundingStatus;
use crate::reports::verify::VerifyReport;
use crate::text::count;

/// `1 party`, `2 parties`.
fn parties(n: usize) -> String {
    count(n, "party", "parties")
}

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
                "{} of {} expected to contribute",
                self.contributors_expected,
                count(self.parties_expected, "State Party", "States Parties")
            )),
        ]);
        if let Some(spending) = &self.spending {
            rows.extend(super::costs::spending_rows(self, spending));
        }
        let c = &self.collection;
        if c.parties_assessed > 0 || c.arrears.minor() != 0 || c.credits_held.minor() != 0 {
            let expected = c.assessed.checked_add(c.pledged).unwrap_or(c.assessed);
            rows.push(vec![
                Cell::text("Assessed and pledged"),
                Cell::Money(expected),
                Cell::text(format!(
                    "{}: {} paid in full, {} in part, {} nothing",
                    parties(c.parties_assessed),
                    c.paid_in_full,
                    c.part_paid,
                    c.no_payment
                )),
            ]);
            rows.push(vec![
                Cell::text(format!("Outstanding for {}", self.year)),
                Cell::Money(c.outstanding),
                Cell::text("assessed or pledged, not yet paid"),
            ]);
            rows.push(vec![
                Cell::text("Arrears"),
                Cell::Money(c.arrears),
                Cell::text(format!("outstanding for years before {}", self.year)),
            ]);
            rows.push(vec![
                Cell::text("Credits held"),
                Cell::Money(c.credits_held),
                Cell::text("paid beyond what was owed, held for the parties"),
            ]);
        }
        if let Some(previous) = self
            .previous_year
            .as_ref()
            .filter(|p| p.budget.is_some() || p.received.minor() != 0)
        {
            let percent = previous
                .percent_funded
                .map_or(String::new(), |p| format!("{p} of the budget, "));
            rows.push(vec![
                Cell::text(format!(
                    "Received for {} by {}",
                    previous.year, previous.as_of
                )),
                Cell::Money(previous.received),
                Cell::text(format!(
                    "{percent}{}, {} paid in full; outstanding {}",
                    count(previous.contributors, "contributor", "contributors"),
                    previous.paid_in_full,
                    previous.outstanding
                )),
            ]);
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

/// The columns of the journal's table and CSV.
pub(super) const JOURNAL_HEADERS: [&str; 11] = [
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
];

/// The journal's rows of one entry: one per transfer, the entry's own columns on the first.
pub(super) fn journal_rows(entry: &JournalEntry) -> Vec<Vec<Cell>> {
    let mut rows = Vec::with_capacity(entry.transfers.len());
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
    rows
}

/// `1'234'567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('\'');
        }
        out.push(digit);
    }
    out
}

/// The line under a page of the journal: which entries it shows, and how to ask for the
/// next page.
fn paging_note(shown: usize, paging: Paging) -> String {
    let shown = shown as u64;
    if paging.offset == 0 && shown == paging.matching {
        return count(shown, "entry", "entries");
    }
    if shown == 0 {
        return format!(
            "no entries from {}: {} in all",
            grouped(paging.offset.saturating_add(1)),
            grouped(paging.matching)
        );
    }
    let last = paging.offset.saturating_add(shown);
    let mut note = format!(
        "entries {}-{} of {}",
        grouped(paging.offset + 1),
        grouped(last),
        grouped(paging.matching)
    );
    if last < paging.matching {
        note.push_str(&format!("; next: --offset {last}"));
    }
    note
}

impl Tabular for Journal {
    fn table(&self) -> Table {
        let rows = self.entries.iter().flat_map(journal_rows).collect();
        let mut filters = Vec::new();
        if let Some(party) = &self.party {
            filters.push(format!("party {party}"));
        }
        if let Some(year) = self.year {
            filters.push(format!("budget year {year}"));
        }
        if let Some(from) = self.filters.from {
            filters.push(format!("from {from}"));
        }
        if let Some(account) = &self.filters.account {
            filters.push(format!("account {account}"));
        }
        if let Some(kind) = self.filters.kind {
            filters.push(format!("kind {}", kind.as_str()));
        }
        if let Some(reference) = &self.filters.reference {
            filters.push(format!("reference containing '{reference}'"));
        }
        let filters = if filters.is_empty() {
            String::new()
        } else {
            format!(" ({})", filters.join(", "))
        };
        let note = match self.paging {
            Some(paging) => paging_note(self.entries.len(), paging),
            None => count(self.entries.len(), "entry", "entries"),
        };
        Table {
            title: format!("Journal up to {}{filters}", self.as_of),
            headers: headers(&JOURNAL_HEADERS),
            rows,
            notes: vec![note],
            ..Table::default()
        }
    }
}

fn link_note(what: &str, link: &EntryLink) -> String {
    format!(
        "{what} entry {} of {} ({}): {}",
        link.id, link.date, link.description, link.reason
    )
}

impl Tabular for EntryShow {
    fn table(&self) -> Table {
        let entry = &self.entry;
        let rows = entry
            .transfers
            .iter()
            .map(|transfer| {
                vec![
                    Cell::text(transfer.debit.as_str()),
                    Cell::text(transfer.credit.as_str()),
                    Cell::text(transfer.currency.as_str()),
                    Cell::Amount(transfer.amount),
                ]
            })
            .collect();
        let mut notes = vec![
            format!("Kind: {}", entry.kind.as_str()),
            format!("Budget year: {}", entry.budget_year),
            format!("Fund: {}", entry.fund),
        ];
        if let Some(party) = &entry.party {
            notes.push(format!("Party: {party}"));
        }
        if let Some(reference) = &entry.reference {
            notes.push(format!("Reference: {reference}"));
        }
        if let Some(rate) = &entry.rate {
            notes.push(format!("Rate: {rate}"));
        }
        notes.push(format!(
            "Recorded by {} at {}",
            entry.entered_by, entry.entered_at
        ));
        if let Some(link) = &self.reverses {
            notes.push(link_note("Reverses", link));
        }
        if let Some(link) = &self.reversed_by {
            notes.push(link_note("Reversed by", link));
        }
        Table {
            title: format!(
                "Entry {} of {}: {}",
                entry.id, entry.date, entry.description
            ),
            headers: headers(&["Debit", "Credit", "Currency", "Amount"]),
            rows,
            notes,
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
                "{}; {} in force on {}",
                parties(self.parties.len()),
                count(self.expected_to_contribute, "State Party", "States Parties"),
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
                let withdrawn = approval
                    .withdrawn
                    .as_ref()
                    .map_or(String::new(), |reason| format!(", withdrawn ({reason})"));
                notes.push(format!(
                    "  version {}: {} approved on {}{withdrawn}",
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
            format!(
                "{} found",
                count(self.findings.len(), "problem", "problems")
            )
        };
        Table {
            title: format!(
                "Verified {}, {}, {}: {verdict}",
                count(self.entries, "entry", "entries"),
                count(self.transfers, "transfer", "transfers"),
                count(self.balance_rows, "balance row", "balance rows")
            ),
            headers: headers(&["Check", "Finding"]),
            rows,
            notes: {
                let mut notes = if self.ok && self.depth == crate::store::VerifyDepth::Quick {
                    vec![
                        "Checked quickly: the file's pages, settings, append-only triggers, the \
                         chain's last link (and the one given with --against) and that each \
                         table's last row is chained, the stored totals in each currency \
                         against the transfers. `isu-ledger verify` checks everything."
                            .to_string(),
                    ]
                } else if self.ok {
                    vec![
                        "Checked: database integrity and foreign keys, settings, append-only \
                         triggers, the hash chain over history, transfers, running balances \
                         against the transfers, conversions at their rates, reversals against \
                         their originals, each party's positions against the rule that applies \
                         its payments."
                            .to_string(),
                    ]
                } else {
                    vec![]
                };
                notes.extend(self.chain.as_ref().map(ToString::to_string));
                notes
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
            notes: vec![count(self.accounts.len(), "account", "accounts")],
            ..Table::default()
        }
    }
}

impl Tabular for crate::reports::assessment::AssessmentReport {
    fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                vec![
                    Cell::text(row.party.as_str()),
                    Cell::text(&row.name),
                    Cell::optional(row.scale_rate.clone(), Cell::Text),
                    Cell::text(&row.share),
                    Cell::Amount(row.amount),
                    Cell::Amount(row.credit_applied),
                    Cell::optional(row.limited_by, Cell::text),
                ]
            })
            .collect();
        let totals = vec![vec![
            Cell::text("Total"),
            Cell::text(parties(self.parties)),
            Cell::Empty,
            Cell::Empty,
            Cell::Amount(self.total),
            Cell::Empty,
            Cell::Empty,
        ]];
        let scale = self
            .scale
            .as_ref()
            .map_or(String::new(), |s| format!(" on scale {s}"));
        let mut notes = vec![format!(
            "Budget {}; the assessments add up to {}.",
            self.budget, self.total
        )];
        if self.dry_run {
            notes.push("Dry run: nothing was written.".into());
        }
        Table {
            title: format!(
                "Assessments for {} ({}{scale}), in {}",
                self.year, self.method, self.currency
            ),
            headers: headers(&[
                "Party",
                "Name",
                "Scale rate %",
                "Share %",
                "Assessed",
                "Credit applied",
                "Limited by",
            ]),
            rows,
            totals,
            notes,
        }
    }
}

impl Tabular for crate::reports::outstanding::Outstanding {
    fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let arrears: Vec<String> = row
                    .arrears_by_year
                    .iter()
                    .map(|y| {
                        format!(
                            "{}: {}",
                            y.year,
                            crate::money::format_minor_swiss(y.amount.minor())
                        )
                    })
                    .collect();
                vec![
                    Cell::text(row.party.as_str()),
                    Cell::text(&row.name),
                    Cell::Amount(row.assessed),
                    Cell::Amount(row.received),
                    Cell::Amount(row.outstanding),
                    match row.due_on {
                        Some(due) if row.overdue => Cell::text(format!("{due} overdue")),
                        Some(due) => Cell::text(format!("{due}")),
                        None if row.overdue => Cell::text("overdue"),
                        None => Cell::Empty,
                    },
                    Cell::Amount(row.arrears),
                    Cell::text(arrears.join(", ")),
                    Cell::Amount(row.credit),
                    Cell::optional(row.last_payment, Cell::Date),
                    match (row.reminder_level, row.reminder_sent_on) {
                        (Some(level), Some(on)) => Cell::text(format!("{level} on {on}")),
                        _ => Cell::Empty,
                    },
                ]
            })
            .collect();
        let totals = vec![vec![
            Cell::text("Total"),
            Cell::text(parties(self.rows.len())),
            Cell::Empty,
            Cell::Empty,
            Cell::Amount(self.total_outstanding),
            Cell::Empty,
            Cell::Amount(self.total_arrears),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]];
        let mut notes = vec![format!(
            "Owed by the parties listed, this year and arrears: {}; {} owing anything for {} \
             or earlier.",
            self.total,
            parties(self.parties_owing),
            self.year
        )];
        if let Some(min) = self.min {
            notes.push(format!("Listed: parties owing at least {min}."));
        }
        if let Some(top) = self.top {
            notes.push(format!("Listed: the {top} owing most."));
        }
        notes.extend(super::costs::meeting_notes(&self.meetings));
        Table {
            title: format!(
                "Outstanding contributions for {} and earlier as of {}, in {}",
                self.year, self.as_of, self.currency
            ),
            headers: headers(&[
                "Party",
                "Name",
                "Assessed",
                "Received",
                "Outstanding",
                "Due",
                "Arrears",
                "Arrears by year",
                "Credit held",
                "Last payment",
                "Reminder",
            ]),
            rows,
            totals,
            notes,
        }
    }
}

impl Tabular for crate::reports::statement::Statement {
    fn table(&self) -> Table {
        let rows = self
            .lines
            .iter()
            .map(|line| {
                vec![
                    Cell::Date(line.date),
                    line.entry
                        .map_or_else(|| Cell::text(""), |e| Cell::Count(e.0)),
                    Cell::text(&line.description),
                    Cell::Count(i64::from(line.budget_year)),
                    Cell::Amount(line.charged),
                    Cell::Amount(line.paid),
                    Cell::Amount(line.credit_change),
                    Cell::Amount(line.voluntary),
                    Cell::Amount(line.balance),
                    Cell::Amount(line.credit),
                ]
            })
            .collect();
        let owed: Vec<String> = self
            .owed_by_year
            .iter()
            .map(|y| format!("{}: {}", y.year, y.amount))
            .collect();
        let mut notes = vec![format!(
            "Owed: {}{}; credit held: {}.",
            self.balance,
            if owed.is_empty() {
                String::new()
            } else {
                format!(" ({})", owed.join(", "))
            },
            self.credit
        )];
        notes.extend(super::costs::meeting_notes(&self.meetings));
        Table {
            title: format!(
                "Statement of {} ({}) as of {}, in {}",
                self.name, self.party, self.as_of, self.currency
            ),
            headers: headers(&[
                "Date",
                "Entry",
                "Description",
                "Year",
                "Charged",
                "Paid",
                "Credit +/-",
                "Voluntary",
                "Balance owed",
                "Credit held",
            ]),
            rows,
            totals: vec![],
            notes,
        }
    }
}

impl Tabular for crate::reports::honour_roll::HonourRoll {
    fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(index, row)| {
                vec![
                    Cell::Count(index as i64 + 1),
                    Cell::text(row.party.as_str()),
                    Cell::text(&row.name),
                    Cell::Amount(row.amount),
                    Cell::Date(row.assessed_on),
                    Cell::Date(row.due_on),
                    Cell::Date(row.paid_on),
                    Cell::text(if row.on_time { "yes" } else { "no" }),
                ]
            })
            .collect();
        Table {
            title: match self.counted_from_charge.then_some(self.due_days) {
                Some(days) => format!(
                    "Honour roll {}: paid in full as of {} (on time: within {} of the assessment)",
                    self.year,
                    self.as_of,
                    count(days as usize, "day", "days")
                ),
                None => format!(
                    "Honour roll {}: paid in full as of {} (on time: by the due date)",
                    self.year, self.as_of
                ),
            },
            headers: headers(&[
                "#",
                "Party",
                "Name",
                "Amount",
                "Assessed on",
                "Due on",
                "Paid on",
                "On time",
            ]),
            rows,
            totals: vec![],
            notes: vec![format!(
                "{} paid in full, {} of them on time.",
                parties(self.count),
                self.count_on_time
            )],
        }
    }
}
