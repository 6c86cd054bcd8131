//! isu-ledger: the contribution and budget ledger of an Implementation Support Unit (ISU) of
//! a disarmament convention.
//!
//! The modules are layers; each depends only on those listed before it:
//! `money` → `ledger` → `domain` → `store` → `reports` → `render` → `app` → `cli`, `web`; `text`
//! (wording shared by all of them) sits below them all.
//!
//! - `money`: exact amounts, parsing, Swiss display, rounding.
//! - `ledger`: accounts, entries, transfers and their rules.
//! - `domain`: parties, budgets, scales and assessments, contributions, costs, funds,
//!   meetings; the rule that turns dated facts into positions.
//! - `store`: the only module that uses SQLite.
//! - `reports`: pure functions from loaded data to typed, serialisable reports.
//! - `render`: tables, CSV, JSON, letters, and the HTML report with its charts.
//! - `app`: `Books`, one method per use case, under every front end.
//! - `cli`: the command line: argument definitions, the clock and the environment, printing,
//!   exit codes.
//! - `web`: the read-only web view (`serve`), a front end beside `cli`.

pub mod app;
pub mod cli;
pub mod domain;
pub mod ledger;
pub mod money;
pub mod render;
pub mod reports;
pub mod store;
pub mod text;
pub mod web;
