//! How the Article 7 reports lay themselves out as tables.

use super::{Cell, Table, Tabular};
use crate::reports::transparency::{ReportList, TransparencyStatus};
use crate::text::count;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

impl Tabular for TransparencyStatus {
    /// One row per report missing: the round's annual updates, then the initial reports
    /// overdue; the counts and the rate under the table.
    fn table(&self) -> Table {
        let year = self.year.to_string();
        let rows = self
            .missing
            .iter()
            .map(|m| (year.as_str(), m))
            .chain(self.initial_overdue.iter().map(|m| ("initial", m)))
            .map(|(period, m)| {
                vec![
                    Cell::text(period),
                    Cell::text(m.party.as_str()),
                    Cell::text(&m.name),
                    Cell::Date(m.due_on),
                    Cell::Count(m.days_overdue),
                ]
            })
            .collect();
        let mut notes = vec![format!(
            "{} the annual update for {}, due {}; {} submitted by {} ({} on time, {} late){}.",
            count(self.due, "State Party owes", "States Parties owe"),
            self.year,
            self.round_due_on,
            self.submitted,
            self.as_of,
            self.submitted_on_time,
            self.submitted_late(),
            self.rate_percent
                .map(|rate| format!(": {rate}"))
                .unwrap_or_default()
        )];
        notes.push(format!(
            "{} not in; {} overdue.",
            count(self.missing.len(), "annual update", "annual updates"),
            count(
                self.initial_overdue.len(),
                "initial report",
                "initial reports"
            )
        ));
        Table {
            title: format!(
                "Article 7 reports missing as of {}: annual updates for {} and initial reports",
                self.as_of, self.year
            ),
            headers: headers(&["Report", "Party", "Name", "Due on", "Days overdue"]),
            rows,
            totals: vec![],
            notes,
        }
    }
}

impl Tabular for ReportList {
    fn table(&self) -> Table {
        let rows = self
            .reports
            .iter()
            .map(|r| {
                vec![
                    Cell::Count(r.id),
                    Cell::text(r.party.as_str()),
                    Cell::text(r.period.to_string()),
                    Cell::Date(r.submitted_on),
                    Cell::optional(r.due_on, Cell::Date),
                    Cell::text(&r.symbol),
                    Cell::text(r.reversed.clone().unwrap_or_default()),
                ]
            })
            .collect();
        Table {
            title: "Article 7 reports recorded".to_string(),
            headers: headers(&[
                "#",
                "Party",
                "Report",
                "Submitted on",
                "Due on",
                "Symbol",
                "Reversed",
            ]),
            rows,
            totals: vec![],
            notes: vec![format!(
                "{}, {} reversed.",
                count(self.reports.len(), "report recorded", "reports recorded"),
                self.reports.iter().filter(|r| r.reversed.is_some()).count()
            )],
        }
    }
}
