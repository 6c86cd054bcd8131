//! The budgets approved for each year: recording a version, withdrawing one recorded in
//! error, showing the one in force.

use chrono::NaiveDate;

use super::Books;
use crate::domain::budget::{check_new_version, check_withdrawal, no_budget_message, Budget};
use crate::ledger::check_budget_year;
use crate::reports::budget::{budget_show, BudgetShow};
use crate::store::{Actor, BudgetVersion};

/// What withdrawing a version of a budget did.
pub struct BudgetWithdrawn {
    /// The version withdrawn.
    pub withdrawn: BudgetVersion,
    /// The latest version still standing, if any.
    pub standing: Option<BudgetVersion>,
}

impl Books {
    /// Records a version of a year's budget in its own transaction: refused in a closed
    /// year, or dated before the latest version standing. Returns its version number.
    pub fn set_budget(&mut self, actor: Actor, budget: &Budget) -> anyhow::Result<i64> {
        let year = budget.year;
        let tx = self.store.begin(actor)?;
        let book = tx.currency()?;
        if budget.total.currency() != book {
            return Err(crate::domain::DomainError::BudgetCurrencyNotBook {
                currency: budget.total.currency(),
                book,
            }
            .into());
        }
        tx.refuse_closed(year, &format!("a budget for {year}"))?;
        let versions: Vec<_> = tx
            .budget_versions(year)?
            .iter()
            .map(BudgetVersion::state)
            .collect();
        check_new_version(year, budget.approved_on, &versions)?;
        let version = tx.insert_budget(budget)?;
        tx.commit()?;
        Ok(version)
    }

    /// The budget of `year` in force on `as_of`, with its lines and every version.
    pub fn budget_show(&self, year: i32, as_of: NaiveDate) -> anyhow::Result<BudgetShow> {
        check_budget_year(year)?;
        let versions = self.store.budget_versions(year)?;
        let in_force = self.store.budget_in_force(year, as_of)?.ok_or_else(|| {
            let states: Vec<_> = versions.iter().map(BudgetVersion::state).collect();
            anyhow::anyhow!(no_budget_message(year, as_of, &states))
        })?;
        Ok(budget_show(as_of, &versions, &in_force))
    }

    /// Withdraws `version` of `year`'s budget, kept as history with `reason` (checked by
    /// `correction::reason`): refused for a version that does not stand, or in a closed year.
    pub fn withdraw_budget(
        &mut self,
        actor: Actor,
        year: i32,
        version: i64,
        reason: &str,
    ) -> anyhow::Result<BudgetWithdrawn> {
        let tx = self.store.begin(actor)?;
        let versions = tx.budget_versions(year)?;
        let states: Vec<_> = versions.iter().map(BudgetVersion::state).collect();
        check_withdrawal(year, version, &states)?;
        tx.refuse_closed(year, &format!("the budget for {year}"))?;
        tx.insert_budget_withdrawal(year, version, reason)?;
        tx.commit()?;
        let withdrawn = versions
            .iter()
            .find(|v| v.version == version)
            .expect("checked to exist")
            .clone();
        let standing = versions
            .iter()
            .filter(|v| v.version != version && v.withdrawn.is_none())
            .max_by_key(|v| (v.budget.approved_on, v.version))
            .cloned();
        Ok(BudgetWithdrawn {
            withdrawn,
            standing,
        })
    }
}
