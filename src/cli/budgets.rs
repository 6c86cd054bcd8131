//! `budget set`, `budget withdraw`, `budget show`.

use clap::Subcommand;

use super::{Context, Outcome};
use chrono::NaiveDate;

use crate::domain::budget::{parse_line, Budget};
use crate::domain::correction;
use crate::ledger::check_budget_year;
use crate::money::{Currency, Money};

#[derive(Debug, Subcommand)]
pub enum BudgetCommand {
    /// Record the budget approved for a year (again for a revision); lines must add up
    /// to the total
    Set {
        year: i32,
        /// The approved total, e.g. 459'000.00
        #[arg(long, allow_negative_numbers = true)]
        total: String,
        /// The budget's currency, which must be the book currency [default: the book
        /// currency]
        #[arg(long)]
        currency: Option<String>,
        /// Who approved it, e.g. "6MSP"
        #[arg(long, value_name = "TEXT")]
        approved_by: Option<String>,
        /// When it was approved, the date of the decision [default: --as-of, with a notice
        /// when that is after the start of the year]; not before the latest version standing
        #[arg(long, value_name = "DATE")]
        approved_on: Option<String>,
        /// A budget line, NAME=AMOUNT; repeat for each line
        #[arg(long = "line", value_name = "NAME=AMOUNT")]
        lines: Vec<String>,
    },
    /// Withdraw a version of a year's budget recorded in error (a wrong amount or date):
    /// it is kept as history, and reports use the latest version not withdrawn
    Withdraw {
        year: i32,
        /// The version to withdraw, as `budget show` numbers them
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        version: i64,
        /// Why it is withdrawn, e.g. "dated today by mistake; approved by the 6MSP"
        #[arg(long, value_name = "TEXT")]
        reason: String,
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

/// The first day of a budget year.
fn year_start(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).expect("budget years are checked to be plausible")
}

/// What a date left out defaults to: `--as-of` when it was given, else today.
fn default_date_source(context: &Context) -> &'static str {
    if context.as_of == chrono::Local::now().date_naive() {
        "today"
    } else {
        "--as-of"
    }
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
            let mut books = context.books()?;
            let book = books.currency()?;
            let currency: Currency = match currency {
                Some(code) => code.parse()?,
                None => book,
            };
            let total = Money::parse(&total, currency)?;
            let lines = lines
                .iter()
                .map(|line| parse_line(line, currency))
                .collect::<Result<Vec<_>, _>>()?;
            let defaulted = approved_on.is_none();
            let approved_on = context.date_or_as_of(approved_on.as_deref())?;
            let budget = Budget::new(year, total, approved_by, approved_on, lines)?;
            let version = books.set_budget(context.actor.clone(), &budget)?;
            if defaulted && year_start(year) < approved_on {
                eprintln!(
                    "notice: budget {year} dated {approved_on} ({}); give --approved-on for \
                     the date of the decision",
                    default_date_source(context)
                );
            } else if year_start(year) < approved_on {
                eprintln!(
                    "notice: budget {year} approved on {approved_on}, after the start of its year"
                );
            }
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
            let books = context.books()?;
            context.print(&books.budget_show(year, context.as_of)?)?;
        }
        BudgetCommand::Withdraw {
            year,
            version,
            reason,
        } => {
            check_budget_year(year)?;
            let reason = correction::reason(&reason)?;
            let mut books = context.books()?;
            let done = books.withdraw_budget(context.actor.clone(), year, version, &reason)?;
            let withdrawn = &done.withdrawn;
            let after = match &done.standing {
                Some(v) => format!(
                    "the latest version standing is version {}, {} approved on {}",
                    v.version, v.budget.total, v.budget.approved_on
                ),
                None => format!(
                    "no version of budget {year} stands; record it with `isu-ledger budget set \
                     {year} --total AMOUNT --approved-on DATE`"
                ),
            };
            context.say(format!(
                "withdrew version {version} of budget {year} ({} approved on {}): {reason}; {after}",
                withdrawn.budget.total, withdrawn.budget.approved_on
            ))?;
        }
        BudgetCommand::Report { year } => {
            return super::costs::budget_report_command(context, year)
        }
    }
    Ok(Outcome::Done)
}
