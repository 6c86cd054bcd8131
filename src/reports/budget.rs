//! `budget show YEAR`: the approved budget and its lines, with any earlier approvals.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::budget::BudgetLine;
use crate::money::Money;
use crate::store::BudgetVersion;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetApproval {
    pub version: i64,
    pub total: Money,
    pub approved_on: NaiveDate,
    pub approved_by: Option<String>,
    /// Why the version was withdrawn, if it was; a withdrawn version is never in force.
    pub withdrawn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetShow {
    pub year: i32,
    pub as_of: NaiveDate,
    pub currency: crate::money::Currency,
    pub total: Money,
    pub version: i64,
    pub approved_on: NaiveDate,
    pub approved_by: Option<String>,
    pub lines: Vec<BudgetLine>,
    /// Every approval of the year, oldest first, withdrawn ones included.
    pub approvals: Vec<BudgetApproval>,
}

/// `versions` are every approval of the year, oldest first; `in_force` is the one shown.
pub fn budget_show(
    as_of: NaiveDate,
    versions: &[BudgetVersion],
    in_force: &BudgetVersion,
) -> BudgetShow {
    let (version, budget) = (&in_force.version, &in_force.budget);
    BudgetShow {
        year: budget.year,
        as_of,
        currency: budget.total.currency(),
        total: budget.total,
        version: *version,
        approved_on: budget.approved_on,
        approved_by: budget.approved_by.clone(),
        lines: budget.lines.clone(),
        approvals: versions
            .iter()
            .map(|v| BudgetApproval {
                version: v.version,
                total: v.budget.total,
                approved_on: v.budget.approved_on,
                approved_by: v.budget.approved_by.clone(),
                withdrawn: v.withdrawn.clone(),
            })
            .collect(),
    }
}
