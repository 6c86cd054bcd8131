//! Reports: pure functions from loaded data to typed, serialisable rows and totals.
//! No printing, no SQL, no clock: the date a report is for comes in as `as_of`.

pub mod accounts;
pub mod annual;
pub mod assessment;
pub mod balance;
pub mod bank;
pub mod budget;
pub mod budget_report;
pub mod committee;
pub mod correspondence;
pub mod funds;
pub mod honour_roll;
pub mod journal;
pub mod meeting;
pub mod outstanding;
pub mod parties;
pub mod rates;
pub mod scales;
pub mod standing;
pub mod statement;
pub mod status;
pub mod timeline;
pub mod transparency;
pub mod verify;
