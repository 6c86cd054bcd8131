//! Annual budgets approved by the Meeting of States Parties, with their lines.

use chrono::NaiveDate;
use serde::Serialize;

use super::DomainError;
use crate::ledger::check_budget_year;
use crate::money::{Currency, Money};

/// One line of a budget, such as `staff` or `translation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLine {
    pub name: String,
    pub amount: Money,
}

/// The budget approved for a year. A year may be approved again (a revision); each
/// approval is kept, and reports use the one in force on their date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Budget {
    pub year: i32,
    pub total: Money,
    pub approved_by: Option<String>,
    pub approved_on: NaiveDate,
    pub lines: Vec<BudgetLine>,
}

impl Budget {
    /// Checks a budget: positive, in CHF, lines named once each and adding up to the total.
    pub fn new(
        year: i32,
        total: Money,
        approved_by: Option<String>,
        approved_on: NaiveDate,
        lines: Vec<BudgetLine>,
    ) -> Result<Budget, DomainError> {
        check_budget_year(year)?;
        if total.currency() != Currency::CHF {
            return Err(DomainError::BudgetCurrencyNotChf {
                currency: total.currency(),
            });
        }
        if !total.is_positive() {
            return Err(DomainError::BudgetTotalNotPositive { total });
        }
        let mut lines_total = Money::zero(total.currency());
        for (index, line) in lines.iter().enumerate() {
            if lines[..index].iter().any(|l| l.name == line.name) {
                return Err(DomainError::BudgetLineDuplicate {
                    name: line.name.clone(),
                });
            }
            if line.amount.minor() < 0 {
                return Err(DomainError::BudgetLineNegative {
                    name: line.name.clone(),
                    amount: line.amount,
                });
            }
            lines_total = lines_total.checked_add(line.amount)?;
        }
        if !lines.is_empty() && lines_total != total {
            return Err(DomainError::BudgetLinesDoNotAddUp {
                lines_total,
                total,
                difference: lines_total.checked_sub(total)?,
            });
        }
        let approved_by = approved_by
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty());
        if let Some(text) = &approved_by {
            crate::ledger::check_text("--approved-by", text)?;
        }
        Ok(Budget {
            year,
            total,
            approved_by,
            approved_on,
            lines,
        })
    }
}

/// Parses `--line NAME=AMOUNT` (`staff=300'000`) in the given currency.
pub fn parse_line(text: &str, currency: Currency) -> Result<BudgetLine, DomainError> {
    let malformed = || DomainError::BudgetLineMalformed {
        text: text.to_string(),
    };
    let (name, amount) = text.split_once('=').ok_or_else(malformed)?;
    let name = name.trim();
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == ' ');
    if !name_ok {
        return Err(malformed());
    }
    Ok(BudgetLine {
        name: name.to_string(),
        amount: Money::parse(amount, currency)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chf(minor: i64) -> Money {
        Money::from_minor(minor, Currency::CHF)
    }

    fn approved() -> NaiveDate {
        NaiveDate::from_ymd_opt(2016, 9, 7).unwrap()
    }

    fn line(name: &str, minor: i64) -> BudgetLine {
        BudgetLine {
            name: name.into(),
            amount: chf(minor),
        }
    }

    #[test]
    fn lines_that_add_up_are_accepted() {
        let budget = Budget::new(
            2017,
            chf(45_900_000),
            Some(" 6MSP ".into()),
            approved(),
            vec![line("staff", 40_000_000), line("travel", 5_900_000)],
        )
        .unwrap();
        assert_eq!(budget.approved_by.as_deref(), Some("6MSP"));
        assert!(Budget::new(2017, chf(1), None, approved(), vec![]).is_ok());
    }

    #[test]
    fn lines_that_do_not_add_up_say_by_how_much() {
        let error = Budget::new(
            2017,
            chf(45_900_000),
            None,
            approved(),
            vec![line("staff", 40_000_000), line("travel", 5_000_000)],
        )
        .unwrap_err();
        assert_eq!(
            error,
            DomainError::BudgetLinesDoNotAddUp {
                lines_total: chf(45_000_000),
                total: chf(45_900_000),
                difference: chf(-900_000),
            }
        );
        assert!(error.to_string().contains("CHF -9'000.00"), "{error}");
        assert!(
            error
                .to_string()
                .contains("the lines are CHF 9'000.00 short of the total"),
            "{error}"
        );
    }

    #[test]
    fn each_rule_rejects_its_case() {
        assert!(matches!(
            Budget::new(2017, chf(0), None, approved(), vec![]),
            Err(DomainError::BudgetTotalNotPositive { .. })
        ));
        assert!(matches!(
            Budget::new(
                2017,
                Money::from_minor(5, Currency::USD),
                None,
                approved(),
                vec![]
            ),
            Err(DomainError::BudgetCurrencyNotChf { .. })
        ));
        assert!(matches!(
            Budget::new(17, chf(5), None, approved(), vec![]),
            Err(DomainError::Ledger(_))
        ));
        assert!(matches!(
            Budget::new(
                2017,
                chf(10),
                None,
                approved(),
                vec![line("a", 5), line("a", 5)]
            ),
            Err(DomainError::BudgetLineDuplicate { .. })
        ));
        assert!(matches!(
            Budget::new(
                2017,
                chf(10),
                None,
                approved(),
                vec![line("a", 15), line("b", -5)]
            ),
            Err(DomainError::BudgetLineNegative { .. })
        ));
    }

    #[test]
    fn budget_lines_parse_name_equals_amount() {
        assert_eq!(
            parse_line("staff=300'000", Currency::CHF),
            Ok(line("staff", 30_000_000))
        );
        for bad in ["staff", "=5", "a;b=5", "staff=x"] {
            assert!(parse_line(bad, Currency::CHF).is_err(), "{bad}");
        }
    }
}
