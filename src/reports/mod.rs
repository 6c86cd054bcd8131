//! Reports: pure functions from loaded data to typed, serialisable rows and totals.
//! No printing, no SQL, no clock: the date a report is for comes in as `as_of`.

pub mod accounts;
pub mod balance;
pub mod budget;
pub mod budget_report;
pub mod funds;
pub mod journal;
pub mod meeting;
pub mod parties;
pub mod status;
pub mod verify;
