//! The journal read a page at a time or streamed, filtered by dates, party, budget year,
//! account, kind and reference, and one entry shown with its reversal links: what
//! `journal`, `entry show` and the web view's journal show.

use chrono::NaiveDate;

use super::Books;
use crate::ledger::{check_budget_year, EntryId, EntryKind, PartyCode};
use crate::reports::journal::{entry_show, EntryShow, Filters, Journal, JournalEntry};
use crate::store::{JournalFilter, Page, StoreError};

/// Which entries to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalQuery {
    /// Entries dated on or before this day: the journal's date.
    pub until: NaiveDate,
    /// Entries dated on or after this day.
    pub from: Option<NaiveDate>,
    pub party: Option<PartyCode>,
    /// Entries counting against this budget year.
    pub year: Option<i32>,
    /// Entries with a transfer to or from this account or an account below it.
    pub account: Option<String>,
    pub kind: Option<EntryKind>,
    /// Entries whose reference contains this text.
    pub reference: Option<String>,
}

impl JournalQuery {
    /// Every entry dated up to `until`.
    pub fn until(until: NaiveDate) -> JournalQuery {
        JournalQuery {
            until,
            from: None,
            party: None,
            year: None,
            account: None,
            kind: None,
            reference: None,
        }
    }

    fn filter(&self) -> JournalFilter {
        JournalFilter {
            party: self.party.clone(),
            budget_year: self.year,
            from: self.from,
            until: Some(self.until),
            account: self.account.clone(),
            kind: self.kind,
            reference: self.reference.clone(),
        }
    }

    /// The journal's head, without entries.
    pub fn head(&self) -> Journal {
        Journal {
            as_of: self.until,
            party: self.party.clone(),
            year: self.year,
            entries: Vec::new(),
            filters: Filters {
                from: self.from,
                account: self.account.clone(),
                kind: self.kind,
                reference: self.reference.clone(),
            },
            paging: None,
        }
    }
}

/// The most entries one numbered page holds.
pub const PER_PAGE_MAX: u64 = 500;

/// One numbered page of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedPage {
    pub journal: Journal,
    /// From 1.
    pub page: u64,
    /// At least 1.
    pub pages: u64,
    /// Entries the query selects, on every page.
    pub matching: u64,
}

/// Why a journal query is refused.
#[derive(Debug, thiserror::Error)]
pub enum JournalQueryError {
    #[error("the journal's first day ({from}) is after its last ({until})")]
    FromAfterUntil { from: NaiveDate, until: NaiveDate },
    #[error("no account is named '{account}' or lies below it (`isu-ledger accounts` lists them)")]
    NoAccount { account: String },
}

impl Books {
    /// Checks that the query names what the ledger holds: a party, an account, a budget
    /// year within range, dates in order. Every read of the journal checks it first.
    pub fn check_journal_query(&self, query: &JournalQuery) -> anyhow::Result<()> {
        if let Some(year) = query.year {
            check_budget_year(year)?;
        }
        if let Some(from) = query.from {
            if from > query.until {
                return Err(JournalQueryError::FromAfterUntil {
                    from,
                    until: query.until,
                }
                .into());
            }
        }
        if let Some(code) = &query.party {
            if self.store.party(code)?.is_none() {
                return Err(StoreError::PartyNotFound { code: code.clone() }.into());
            }
        }
        if let Some(account) = &query.account {
            if !self.store.has_account_under(account)? {
                return Err(JournalQueryError::NoAccount {
                    account: account.clone(),
                }
                .into());
            }
        }
        Ok(())
    }

    /// How many entries the query selects.
    pub fn journal_count(&self, query: &JournalQuery) -> anyhow::Result<u64> {
        self.check_journal_query(query)?;
        Ok(self.store.journal_count(&query.filter())?)
    }

    /// One page of the entries the query selects, in the journal's order (date, then
    /// entry number).
    pub fn journal_page(&self, query: &JournalQuery, page: Page) -> anyhow::Result<Journal> {
        let mut journal = query.head();
        self.journal_each(query, page, |entry| {
            journal.entries.push(entry);
            Ok(())
        })?;
        Ok(journal)
    }

    /// Page `page` (from 1) of the entries the query selects, `per_page` (at most
    /// `PER_PAGE_MAX`) to a page; a page past the last is the last.
    pub fn journal_numbered_page(
        &self,
        query: &JournalQuery,
        page: u64,
        per_page: u64,
    ) -> anyhow::Result<NumberedPage> {
        let per_page = per_page.clamp(1, PER_PAGE_MAX);
        let matching = self.journal_count(query)?;
        let pages = matching.div_ceil(per_page).max(1);
        let page = page.clamp(1, pages);
        let journal = self.journal_page(
            query,
            Page {
                offset: (page - 1) * per_page,
                limit: Some(per_page),
            },
        )?;
        Ok(NumberedPage {
            journal,
            page,
            pages,
            matching,
        })
    }

    /// Calls `each` with the entries of a page (all of them when it has no limit), one at
    /// a time, in the journal's order: only the entry being handed on is held.
    pub fn journal_each(
        &self,
        query: &JournalQuery,
        page: Page,
        mut each: impl FnMut(JournalEntry) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.check_journal_query(query)?;
        self.store
            .for_each_journal_entry(&query.filter(), page, |entry| {
                each(JournalEntry::from(entry))
            })
    }

    /// One entry with its transfers and the entries it reverses or is reversed by.
    pub fn entry_show(&self, id: EntryId) -> anyhow::Result<EntryShow> {
        let store = &self.store;
        let entry = store.entry(id)?.ok_or(StoreError::EntryNotFound { id })?;
        let reverses = match &entry.recorded.reverses {
            Some((other, _)) => store.entry(*other)?,
            None => None,
        };
        let reversed_by = match entry.reversed_by {
            Some(other) => store.entry(other)?,
            None => None,
        };
        Ok(entry_show(entry, reverses, reversed_by))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_query_names_what_the_ledger_holds() {
        let books = Books::from_store(Store::in_memory().unwrap());
        let day = |d| NaiveDate::from_ymd_opt(2017, 3, d).unwrap();
        let refused = |query: JournalQuery| {
            books
                .journal_count(&query)
                .expect_err("refused")
                .to_string()
        };
        let error = refused(JournalQuery {
            from: Some(day(2)),
            ..JournalQuery::until(day(1))
        });
        assert!(
            error.contains("2017-03-02") && error.contains("after"),
            "{error}"
        );
        let error = refused(JournalQuery {
            account: Some("assets:nowhere".into()),
            ..JournalQuery::until(day(1))
        });
        assert!(error.contains("assets:nowhere"), "{error}");
        let error = refused(JournalQuery {
            party: Some("ZZZ".parse().unwrap()),
            ..JournalQuery::until(day(1))
        });
        assert!(error.contains("ZZZ"), "{error}");
        assert_eq!(
            books.journal_count(&JournalQuery::until(day(1))).unwrap(),
            0
        );
    }
}
