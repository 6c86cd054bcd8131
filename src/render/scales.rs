//! How the scales of assessment lay themselves out as tables.

use super::{Cell, Table, Tabular};
use crate::reports::scales::{ScaleList, ScaleShow};

impl Tabular for ScaleList {
    fn table(&self) -> Table {
        Table {
            title: "Scales of assessment".into(),
            headers: vec!["Name".into(), "Parties".into(), "Source".into()],
            rows: self
                .0
                .iter()
                .map(|s| {
                    vec![
                        Cell::text(&s.name),
                        Cell::Count(s.parties as i64),
                        Cell::text(&s.source),
                    ]
                })
                .collect(),
            ..Table::default()
        }
    }
}

impl Tabular for ScaleShow {
    fn table(&self) -> Table {
        Table {
            title: format!("Scale {}", self.name),
            headers: vec!["Party".into(), "Rate %".into()],
            rows: self
                .rates
                .iter()
                .map(|(code, rate)| vec![Cell::text(code), Cell::text(rate)])
                .collect(),
            totals: vec![vec![Cell::text("Total"), Cell::text(&self.total)]],
            notes: vec![],
        }
    }
}
