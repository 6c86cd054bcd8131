//! `budget report YEAR`: per budget line, the budget, what was spent by `as_of`, what
//! remains and the percent used, with totals; and the expenditure figures `status` shows.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::budget::Budget;
use crate::domain::cost::line_of_expense;
use crate::money::{Currency, Money, MoneyError, Percent};
use crate::store::{ExpensePostedRow, SpentRow};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLineRow {
    pub line: String,
    pub budget: Money,
    /// Booked to the expense accounts, in the book currency.
    pub spent: Money,
    pub remaining: Money,
    pub percent_used: Option<Percent>,
    /// What was paid in currencies other than the book's, in those currencies.
    pub paid_in_other_currencies: Vec<CurrencyAmount>,
}

/// An amount beside its currency, for JSON where amounts alone carry no currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CurrencyAmount {
    pub currency: Currency,
    pub amount: Money,
}

impl From<Money> for CurrencyAmount {
    fn from(amount: Money) -> CurrencyAmount {
        CurrencyAmount {
            currency: amount.currency(),
            amount,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetReport {
    pub year: i32,
    pub as_of: NaiveDate,
    pub currency: Currency,
    pub lines: Vec<BudgetLineRow>,
    pub budget_total: Money,
    pub spent_total: Money,
    pub remaining_total: Money,
    pub percent_used: Option<Percent>,
}

/// Everything spent against a year's budget: the costs, each on its line, and the expenses
/// posted otherwise (by the generic `import`), each on the line its account names by
/// `line_of_expense` among the lines of `budget`. `status` and `budget report` both count
/// what this returns, so they agree with each other and with the expense accounts.
pub fn all_spending(
    costs: Vec<SpentRow>,
    posted: &[ExpensePostedRow],
    budget: Option<&Budget>,
) -> Vec<SpentRow> {
    let lines: Vec<&str> = budget
        .map(|b| b.lines.iter().map(|l| l.name.as_str()).collect())
        .unwrap_or_default();
    let mut spent = costs;
    spent.extend(posted.iter().map(|row| SpentRow {
        line: line_of_expense(&row.account, &lines),
        spent_book: row.spent_book,
        paid_original: None,
    }));
    spent
}

/// Builds the report from the budget in force (if any) and what was spent per line. A line
/// with spending but no longer in the budget shows with a budget of zero.
pub fn budget_report(
    year: i32,
    as_of: NaiveDate,
    budget: Option<&Budget>,
    spent: &[SpentRow],
    currency: Currency,
) -> Result<BudgetReport, MoneyError> {
    let book = currency;
    let mut names: Vec<String> = budget
        .map(|b| b.lines.iter().map(|l| l.name.clone()).collect())
        .unwrap_or_default();
    for row in spent {
        if !names.contains(&row.line) {
            names.push(row.line.clone());
        }
    }
    let mut lines = Vec::with_capacity(names.len());
    let mut spent_total = Money::zero(book);
    for name in names {
        let line_budget = budget
            .and_then(|b| b.lines.iter().find(|l| l.name == name))
            .map_or(Money::zero(book), |l| l.amount);
        let mut line_spent = Money::zero(book);
        let mut other: Vec<Money> = Vec::new();
        for row in spent.iter().filter(|r| r.line == name) {
            line_spent = line_spent.checked_add(row.spent_book)?;
            if let Some(paid) = row.paid_original.filter(|p| p.minor() != 0) {
                match other.iter_mut().find(|m| m.currency() == paid.currency()) {
                    Some(sum) => *sum = sum.checked_add(paid)?,
                    None => other.push(paid),
                }
            }
        }
        spent_total = spent_total.checked_add(line_spent)?;
        lines.push(BudgetLineRow {
            line: name,
            budget: line_budget,
            spent: line_spent,
            remaining: line_budget.checked_sub(line_spent)?,
            percent_used: Percent::of(line_spent.minor(), line_budget.minor()),
            paid_in_other_currencies: other.into_iter().map(CurrencyAmount::from).collect(),
        });
    }
    let budget_total = budget.map_or(Money::zero(book), |b| b.total);
    Ok(BudgetReport {
        year,
        as_of,
        currency: book,
        lines,
        budget_total,
        spent_total,
        remaining_total: budget_total.checked_sub(spent_total)?,
        percent_used: Percent::of(spent_total.minor(), budget_total.minor()),
    })
}

/// What `status` adds about spending: expenditure against the budget to date, and the
/// balance of the year (received minus spent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spending {
    pub spent: Money,
    pub percent_spent: Option<Percent>,
    pub balance_of_year: Money,
}

pub fn spending(
    received: Money,
    budget: Option<&Budget>,
    spent: &[SpentRow],
) -> Result<Spending, MoneyError> {
    let mut total = Money::zero(received.currency());
    for row in spent {
        total = total.checked_add(row.spent_book)?;
    }
    Ok(Spending {
        spent: total,
        percent_spent: budget.and_then(|b| Percent::of(total.minor(), b.total.minor())),
        balance_of_year: received.checked_sub(total)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::budget::BudgetLine;

    fn chf(minor: i64) -> Money {
        Money::from_minor(minor, Currency::CHF)
    }

    fn row(line: &str, minor: i64, paid: Option<Money>) -> SpentRow {
        SpentRow {
            line: line.into(),
            spent_book: chf(minor),
            paid_original: paid,
        }
    }

    #[test]
    fn lines_totals_and_remaining_add_up() {
        let budget = Budget::new(
            2_017,
            chf(100_000),
            None,
            NaiveDate::from_ymd_opt(2_016, 9, 7).unwrap(),
            vec![
                BudgetLine {
                    name: "staff".into(),
                    amount: chf(80_000),
                },
                BudgetLine {
                    name: "travel".into(),
                    amount: chf(20_000),
                },
            ],
        )
        .unwrap();
        let usd = Money::from_minor(10_000, Currency::USD);
        let spent = [
            row("staff", 40_000, None),
            row("travel", 9_700, Some(usd)),
            row("travel", 300, None),
            row("old", 100, None),
        ];
        let report = budget_report(
            2_017,
            NaiveDate::from_ymd_opt(2_017, 6, 27).unwrap(),
            Some(&budget),
            &spent,
            Currency::CHF,
        )
        .unwrap();
        assert_eq!(report.lines.len(), 3);
        assert_eq!(report.lines[1].spent, chf(10_000));
        assert_eq!(
            report.lines[1].paid_in_other_currencies,
            vec![CurrencyAmount::from(usd)]
        );
        assert_eq!(report.lines[1].percent_used.unwrap().to_string(), "50.0%");
        assert_eq!(report.lines[2].budget, chf(0));
        assert_eq!(report.spent_total, chf(50_100));
        assert_eq!(report.remaining_total, chf(49_900));
        let status = spending(chf(60_000), Some(&budget), &spent).unwrap();
        assert_eq!(status.balance_of_year, chf(9_900));
    }

    #[test]
    fn expenses_posted_otherwise_join_the_lines_their_accounts_name() {
        let budget = Budget::new(
            2_017,
            chf(100_000),
            None,
            NaiveDate::from_ymd_opt(2_016, 9, 7).unwrap(),
            vec![
                BudgetLine {
                    name: "travel".into(),
                    amount: chf(60_000),
                },
                BudgetLine {
                    name: "communication".into(),
                    amount: chf(40_000),
                },
            ],
        )
        .unwrap();
        let posted = |account: &str, minor: i64| ExpensePostedRow {
            account: account.parse().unwrap(),
            spent_book: chf(minor),
        };
        let spent = all_spending(
            vec![row("travel", 1_000, None)],
            &[
                posted("expenses:travel", 2_000),
                posted("expenses:translation", 300),
                posted("expenses:consultants", 50),
            ],
            Some(&budget),
        );
        let report = budget_report(
            2_017,
            NaiveDate::from_ymd_opt(2_017, 6, 27).unwrap(),
            Some(&budget),
            &spent,
            Currency::CHF,
        )
        .unwrap();
        let names: Vec<&str> = report.lines.iter().map(|l| l.line.as_str()).collect();
        assert_eq!(names, ["travel", "communication", "expenses:consultants"]);
        assert_eq!(report.lines[0].spent, chf(3_000));
        assert_eq!(report.lines[1].spent, chf(300));
        assert_eq!(report.lines[2].budget, chf(0));
        assert_eq!(report.spent_total, chf(3_350));
        let status = spending(chf(10_000), Some(&budget), &spent).unwrap();
        assert_eq!(status.spent, report.spent_total);
    }
}
