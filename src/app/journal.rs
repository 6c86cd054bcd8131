//! The journal browsed a page at a time, filtered by party, budget year, dates, account and
//! reference: what the web view's journal shows.

use chrono::NaiveDate;

use super::Books;
use crate::ledger::{Entry, PartyCode};
use crate::reports::journal::{journal, Journal};
use crate::store::{JournalFilter, StoreError};

/// The most entries one page holds.
pub const PER_PAGE_MAX: usize = 500;

/// Which entries to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalQuery {
    pub as_of: NaiveDate,
    pub party: Option<PartyCode>,
    pub year: Option<i32>,
    /// Entries dated on or after this day.
    pub from: Option<NaiveDate>,
    /// Entries dated on or before this day (and never after `as_of`).
    pub to: Option<NaiveDate>,
    /// Entries with a transfer to or from this account or an account below it.
    pub account: Option<String>,
    /// Entries whose reference contains this text.
    pub reference: Option<String>,
    /// From 1.
    pub page: usize,
    pub per_page: usize,
}

/// One page of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalPage {
    pub journal: Journal,
    pub page: usize,
    /// At least 1.
    pub pages: usize,
    /// Entries matching the filters, on every page.
    pub matching: usize,
}

fn under(name: &str, prefix: &str) -> bool {
    name == prefix
        || name
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(':'))
}

fn matches(entry: &Entry, query: &JournalQuery) -> bool {
    let recorded = &entry.recorded;
    query.from.is_none_or(|from| recorded.date >= from)
        && query.account.as_deref().is_none_or(|account| {
            recorded
                .transfers
                .iter()
                .any(|t| under(t.debit.as_str(), account) || under(t.credit.as_str(), account))
        })
        && query.reference.as_deref().is_none_or(|text| {
            recorded
                .reference
                .as_deref()
                .is_some_and(|reference| reference.contains(text))
        })
}

impl Books {
    /// One page of the entries matching `query`, in the journal's order. An unknown party
    /// is an error; a page past the last is the last.
    pub fn journal_page(&self, query: &JournalQuery) -> anyhow::Result<JournalPage> {
        if let Some(code) = &query.party {
            if self.store.party(code)?.is_none() {
                return Err(StoreError::PartyNotFound { code: code.clone() }.into());
            }
        }
        let until = query.to.map_or(query.as_of, |to| to.min(query.as_of));
        let entries: Vec<Entry> = self
            .store
            .journal(&JournalFilter {
                party: query.party.clone(),
                budget_year: query.year,
                until: Some(until),
            })?
            .into_iter()
            .filter(|entry| matches(entry, query))
            .collect();
        let per_page = query.per_page.clamp(1, PER_PAGE_MAX);
        let matching = entries.len();
        let pages = matching.div_ceil(per_page).max(1);
        let page = query.page.clamp(1, pages);
        let shown: Vec<Entry> = entries
            .into_iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect();
        Ok(JournalPage {
            journal: journal(query.as_of, query.party.clone(), query.year, shown),
            page,
            pages,
            matching,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_account_is_under_itself_and_its_parents_only() {
        assert!(super::under("assets:bank:chf", "assets:bank"));
        assert!(super::under("assets:bank", "assets:bank"));
        assert!(!super::under("assets:banking", "assets:bank"));
        assert!(!super::under("assets", "assets:bank"));
    }
}
