//! `budget set`, `budget show`.

use clap::Subcommand;

use super::{Context, Outcome};
use crate::domain::budget::{parse_line, Budget};
use crate::ledger::check_budget_year;
use crate::money::{Currency, Money};
use crate::reports::budget::budget_show;

#[derive(Debug, Subcommand)]
pub enum BudgetCommand {
    /// Record the budget approved for a year (again for a revision); lines must add up
    /// to the total
    Set {
        year: i32,
        /// The approved total, e.g. 459'000.00
        #[arg(long, allow_negative_numbers = true)]
        total: String,
        /// The budget's currency (the ISU budget is kept in CHF)
        #[arg(long, default_value = "CHF")]
        currency: String,
        /// Who approved it, e.g. "6MSP"
        #[arg(long, value_name = "TEXT")]
        approved_by: Option<String>,
        /// When it was approved [default: --as-of]
        #[arg(long, value_name = "DATE")]
        approved_on: Option<String>,
        /// A budget line, NAME=AMOUNT; repeat for each line
        #[arg(long = "line", value_name = "NAME=AMOUNT")]
        lines: Vec<String>,
    },
    /// Show the budget in force on --as-of, with its lines
    Show { year: i32 },
    /// Budget against actual: per line, budget, spent to --as-of, remaining, percent used
    #[command(
        after_help = "Spent: the costs recorded with `cost add` and `cost import`, each on \
its line, and the expenses posted by `import`, each on the line its account names \
(expenses:travel on travel; expenses:translation on communication, as `cost add translation`; \
an account that names no line of the budget in a row of its own). The total is the \
Expenditure `status` shows."
    )]
    Report { year: i32 },
}

pub fn run(context: &Context, command: BudgetCommand) -> anyhow::Result<Outcome> {
    match command {
        BudgetCommand::Set {
            year,
            total,
            currency,
            approved_by,
            approved_on,
            lines,
        } => {
            let currency: Currency = currency.parse()?;
            let total = Money::parse(&total, currency)?;
            let lines = lines
                .iter()
                .map(|line| parse_line(line, currency))
                .collect::<Result<Vec<_>, _>>()?;
            let approved_on = context.date_or_as_of(approved_on.as_deref())?;
            let budget = Budget::new(year, total, approved_by, approved_on, lines)?;
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            tx.refuse_closed(year, &format!("a budget for {year}"))?;
            let version = tx.insert_budget(&budget)?;
            tx.commit()?;
            let revision = if version > 1 {
                format!(" (revision, version {version})")
            } else {
                String::new()
            };
            context.say(format!(
                "budget {year}: {} approved on {approved_on}{revision}",
                budget.total
            ))?;
        }
        BudgetCommand::Show { year } => {
            check_budget_year(year)?;
            let store = context.open()?;
            let versions = store.budget_versions(year)?;
            let in_force = store.budget_in_force(year, context.as_of)?.ok_or_else(|| {
                match versions.first() {
                    Some(first) => anyhow::anyhow!(
                        "no budget for {year} was approved by {} (the first approval is dated {})",
                        context.as_of,
                        first.budget.approved_on
                    ),
                    None => anyhow::anyhow!(
                        "no budget for {year}: record it with `isu-ledger budget set {year} --total AMOUNT`"
                    ),
                }
            })?;
            context.print(&budget_show(context.as_of, &versions, &in_force))?;
        }
        BudgetCommand::Report { year } => {
            return super::costs::budget_report_command(context, year)
        }
    }
    Ok(Outcome::Done)
}
