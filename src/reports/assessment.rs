//! The assessments of a budget year, as `assess` computes them (and, without `--dry-run`,
//! records them).

use serde::Serialize;

use crate::domain::assessment::Assessment;
use crate::ledger::PartyCode;
use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentRow {
    pub party: PartyCode,
    pub name: String,
    /// The party's rate on the scale, in per cent.
    pub scale_rate: Option<String>,
    /// Its share of the budget, in per cent.
    pub share: String,
    pub amount: Money,
    /// `minimum` or `maximum share` when a limit decided the amount.
    pub limited_by: Option<&'static str>,
    /// The credit the party held, applied to this assessment.
    pub credit_applied: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentReport {
    pub year: i32,
    pub method: &'static str,
    pub scale: Option<String>,
    pub budget: Money,
    pub currency: Currency,
    pub dry_run: bool,
    pub rows: Vec<AssessmentRow>,
    pub total: Money,
    pub parties: usize,
}

/// The report of `assessments` (with the credit each party had applied) for `year`.
pub fn assessment_report(
    year: i32,
    method: &'static str,
    scale: Option<String>,
    budget: Money,
    dry_run: bool,
    assessments: &[(Assessment, String, Money)],
) -> AssessmentReport {
    let total: i64 = assessments.iter().map(|(a, _, _)| a.amount.minor()).sum();
    AssessmentReport {
        year,
        method,
        scale,
        budget,
        currency: budget.currency(),
        dry_run,
        rows: assessments
            .iter()
            .map(|(a, name, credit)| AssessmentRow {
                party: a.party.clone(),
                name: name.clone(),
                scale_rate: a.scale_rate.map(|r| r.to_string()),
                share: a.share.to_string(),
                amount: a.amount,
                limited_by: a.limited_by.map(|l| l.as_str()),
                credit_applied: *credit,
            })
            .collect(),
        total: Money::from_minor(total, budget.currency()),
        parties: assessments.len(),
    }
}
