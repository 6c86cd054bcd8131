//! Tables of the books' identity, of a party's recorded changes and of the letters sent.

use super::{Cell, Table, Tabular};
use crate::reports::correspondence::{LettersSent, PartyHistory, SettingsList};
use crate::text::count;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

impl Tabular for SettingsList {
    fn table(&self) -> Table {
        let rows = self
            .settings
            .iter()
            .map(|line| {
                vec![
                    Cell::text(&line.key),
                    Cell::text(&line.value),
                    Cell::text(if line.default {
                        "(built in)".to_string()
                    } else {
                        line.set_at.clone()
                    }),
                    Cell::text(&line.set_by),
                ]
            })
            .collect();
        Table {
            title: if self.history {
                "Settings: every value set, oldest first".to_string()
            } else {
                "Settings in force".to_string()
            },
            headers: headers(&["Key", "Value", "Set at", "Set by"]),
            rows,
            ..Table::default()
        }
    }
}

impl Tabular for PartyHistory {
    fn table(&self) -> Table {
        let rows = self
            .changes
            .iter()
            .map(|line| {
                vec![
                    Cell::text(line.party.as_str()),
                    Cell::Date(line.effective_on),
                    Cell::text(&line.changed),
                    Cell::text(&line.values),
                    Cell::text(&line.recorded_at),
                    Cell::text(&line.recorded_by),
                ]
            })
            .collect();
        Table {
            title: "Changes of parties, in the order they apply".to_string(),
            headers: headers(&[
                "Party",
                "In force from",
                "Changed",
                "New values",
                "Recorded at",
                "Recorded by",
            ]),
            rows,
            notes: vec![count(self.changes.len(), "change", "changes")],
            ..Table::default()
        }
    }
}

impl Tabular for LettersSent {
    fn table(&self) -> Table {
        let rows = self
            .letters
            .iter()
            .map(|line| {
                vec![
                    Cell::Date(line.sent_on),
                    Cell::text(line.party.as_str()),
                    Cell::text(&line.name),
                    Cell::text(&line.kind),
                    Cell::Count(i64::from(line.budget_year)),
                    Cell::Count(i64::from(line.level)),
                    Cell::text(&line.reference),
                    Cell::text(&line.recorded_by),
                ]
            })
            .collect();
        let mut title = "Letters recorded as sent".to_string();
        if let Some(year) = self.year {
            title.push_str(&format!(" for {year}"));
        }
        if let Some(party) = &self.party {
            title.push_str(&format!(" to {party}"));
        }
        Table {
            title,
            headers: headers(&[
                "Sent on",
                "Party",
                "Name",
                "Kind",
                "Year",
                "Level",
                "Reference",
                "Recorded by",
            ]),
            rows,
            notes: vec![count(self.letters.len(), "letter", "letters")],
            ..Table::default()
        }
    }
}
