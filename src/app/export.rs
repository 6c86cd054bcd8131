//! The whole journal written for hledger, ledger, beancount or a spreadsheet.

use std::io::Write;

use super::Books;
use crate::ledger::check_budget_year;
use crate::render::export::{ExportFormat, ExportScope, JournalExport};

impl Books {
    /// Writes every entry (or those with a transfer counted for `budget_year`) to `out` in
    /// `format`, with the parties' names, the accounts, currencies and rates declared first;
    /// returns `out` for the caller to finish.
    pub fn export<W: Write>(
        &self,
        format: ExportFormat,
        budget_year: Option<i32>,
        out: W,
    ) -> anyhow::Result<W> {
        if let Some(year) = budget_year {
            check_budget_year(year)?;
        }
        let scope = ExportScope {
            budget_year,
            party_names: self
                .store
                .parties()?
                .into_iter()
                .map(|party| (party.code, party.name))
                .collect(),
            currency: self.store.currency()?,
        };
        let year = scope.budget_year;
        let mut export = JournalExport::new(format, scope, out);
        export.begin(&self.store.export_facts()?)?;
        self.store
            .for_each_entry(year, |entry| export.entry(entry))?;
        export.end()
    }
}
