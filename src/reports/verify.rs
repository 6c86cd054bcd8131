//! `verify`: what the integrity checks looked at and every problem they found.

use serde::Serialize;

use crate::store::{ChainHead, Finding, VerifyDepth, VerifySummary};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    /// `full`, or `quick` with `verify --quick`.
    pub depth: VerifyDepth,
    pub entries: i64,
    pub transfers: i64,
    pub balance_rows: i64,
    /// The chain head as stored; none when the chain could not be read.
    pub chain: Option<ChainHead>,
    pub findings: Vec<Finding>,
}

pub fn verify_report(summary: VerifySummary) -> VerifyReport {
    VerifyReport {
        ok: summary.findings.is_empty(),
        depth: summary.depth,
        entries: summary.entries,
        transfers: summary.transfers,
        balance_rows: summary.balance_rows,
        chain: summary.chain,
        findings: summary.findings,
    }
}
