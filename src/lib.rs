//! isu-ledger: the contribution and budget ledger of an Implementation Support Unit (ISU) of
//! a disarmament convention.
//!
//! The modules are layers; each depends only on those listed before it:
//! `money` → `ledger` → `domain` → `store` → `reports` → `render` → `cli`; `text` (wording
//! shared by all of them) sits below them all.

pub mod cli;
pub mod domain;
pub mod ledger;
pub mod money;
pub mod render;
pub mod reports;
pub mod store;
pub mod text;
