//! `verify`: what the integrity checks looked at and every problem they found.

use serde::Serialize;

use crate::store::{Finding, VerifySummary};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub entries: i64,
    pub transfers: i64,
    pub balance_rows: i64,
    pub findings: Vec<Finding>,
}

pub fn verify_report(summary: VerifySummary) -> VerifyReport {
    VerifyReport {
        ok: summary.findings.is_empty(),
        entries: summary.entries,
        transfers: summary.transfers,
        balance_rows: summary.balance_rows,
        findings: summary.findings,
    }
}
