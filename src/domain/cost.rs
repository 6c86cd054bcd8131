//! Costs: money the ISU spends, by category (each with its expense account), counted
//! against a line of the year's budget, and the entry that records it.
//!
//! The books are kept in one currency, the book currency. A cost in another currency
//! leaves the bank account in its own currency, goes through the conversion account at the
//! recorded rate, and reaches the expense account in the book currency, so that each
//! currency balances and nothing is rounded silently.

use chrono::NaiveDate;

use super::accounts;
use crate::ledger::{AccountName, EntryKind, FundCode, LedgerError, NewEntry, Transfer};
use crate::money::{Currency, Money, MoneyError, Rate};

/// Every way a cost can be refused before it reaches the ledger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CostError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("unknown cost category '{category}' (known categories: {known})")]
    CategoryUnknown { category: String, known: String },
    #[error("a cost must be positive, got {amount}")]
    AmountNotPositive { amount: Money },
    #[error("a cost in {currency}, the book currency, takes no rate")]
    RateNotAllowed { currency: Currency },
    #[error("a cost in {currency} needs a rate ({book} per {currency}): give --rate or record one with `isu-ledger rate set {currency} RATE --date DATE`")]
    RateRequired { currency: Currency, book: Currency },
    #[error("{amount} at {rate} is worth nothing in {book}; refused rather than booked as zero")]
    WorthNothing {
        amount: Money,
        rate: Rate,
        book: Currency,
    },
    #[error("category '{category}' has no default budget line: name one with --line")]
    LineRequired { category: String },
    #[error("memo is longer than {max} characters", max = crate::ledger::TEXT_LEN_MAX)]
    MemoTooLong,
}

/// A kind of cost, the expense account it is booked to, and the budget line it counts
/// against unless the cost names another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub name: &'static str,
    pub account: &'static str,
    pub default_line: Option<&'static str>,
}

/// The cost categories of an ISU's work plan.
pub const CATEGORIES: [Category; 8] = [
    Category {
        name: "staff",
        account: "expenses:staff",
        default_line: Some("staff"),
    },
    Category {
        name: "travel",
        account: "expenses:travel",
        default_line: Some("travel"),
    },
    Category {
        name: "communication",
        account: "expenses:communication",
        default_line: Some("communication"),
    },
    Category {
        name: "translation",
        account: "expenses:translation",
        default_line: Some("communication"),
    },
    Category {
        name: "printing",
        account: "expenses:printing",
        default_line: Some("communication"),
    },
    Category {
        name: "office",
        account: "expenses:office",
        default_line: Some("office"),
    },
    Category {
        name: "meetings",
        account: "expenses:meetings",
        default_line: None,
    },
    Category {
        name: "other",
        account: "expenses:other",
        default_line: None,
    },
];

/// The category named `name` (case-insensitive).
pub fn category(name: &str) -> Result<&'static Category, CostError> {
    let wanted = name.trim().to_ascii_lowercase();
    CATEGORIES
        .iter()
        .find(|c| c.name == wanted)
        .ok_or_else(|| CostError::CategoryUnknown {
            category: name.to_string(),
            known: CATEGORIES.map(|c| c.name).join(", "),
        })
}

impl Category {
    pub fn account_name(&self) -> AccountName {
        self.account
            .parse()
            .expect("category accounts are valid names")
    }
}

/// The budget line an expense counts against when it was posted otherwise than as a cost
/// (by the generic `import`), given the lines of the year's budget: this is the one rule.
///
/// An amount posted to `expenses:NAME` (or an account below it) counts against the line
/// NAME when the budget has it; otherwise against the line `cost add` gives the category
/// whose account it is or is under, when the budget has that line (`expenses:translation`
/// counts against `communication`); otherwise it is spending outside the budget lines,
/// shown in a row of its own named after the account.
pub fn line_of_expense(account: &AccountName, lines: &[&str]) -> String {
    let name = account.as_str().split(':').nth(1);
    if let Some(line) = name.and_then(|name| lines.iter().find(|line| **line == name)) {
        return (*line).to_string();
    }
    let by_category = CATEGORIES
        .iter()
        .filter(|c| account.is_under(c.account))
        .find_map(|c| c.default_line)
        .filter(|line| lines.contains(line));
    match by_category {
        Some(line) => line.to_string(),
        None => account.as_str().to_string(),
    }
}

/// A cost as the finance officer reads it off an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    pub category: &'static Category,
    pub amount: Money,
    /// Units of the book currency per unit of the amount's currency; required exactly when
    /// the amount is in another currency.
    pub rate: Option<Rate>,
    pub date: NaiveDate,
    pub budget_year: i32,
    pub fund: FundCode,
    /// The budget line it counts against; `None` for a cost outside the ISU budget.
    pub line: Option<String>,
    pub reference: Option<String>,
    pub memo: Option<String>,
}

impl Cost {
    /// The budget line a cost counts against: the one given, else the category's default
    /// for a cost to the ISU core budget; a cost to another fund counts against none
    /// unless it names one.
    pub fn line_for(
        category: &Category,
        given: Option<&str>,
        fund: &FundCode,
    ) -> Result<Option<String>, CostError> {
        match given.map(str::trim).filter(|l| !l.is_empty()) {
            Some(line) => Ok(Some(line.to_string())),
            None if fund == &FundCode::isu() => match category.default_line {
                Some(line) => Ok(Some(line.to_string())),
                None => Err(CostError::LineRequired {
                    category: category.name.to_string(),
                }),
            },
            None => Ok(None),
        }
    }

    /// The amount in the book currency `book` the cost books to its expense account.
    pub fn value_in(&self, book: Currency) -> Result<Money, CostError> {
        match (self.amount.currency() == book, self.rate) {
            (true, None) => Ok(self.amount),
            (true, Some(_)) => Err(CostError::RateNotAllowed { currency: book }),
            (false, None) => Err(CostError::RateRequired {
                currency: self.amount.currency(),
                book,
            }),
            (false, Some(rate)) => {
                let value = self.amount.convert(rate, book)?;
                if !value.is_positive() {
                    return Err(CostError::WorthNothing {
                        amount: self.amount,
                        rate,
                        book,
                    });
                }
                Ok(value)
            }
        }
    }

    /// The entry recording this cost: the bank account in the cost's currency pays, the
    /// expense account of the category receives the value in the book currency `book`.
    pub fn to_entry(&self, book: Currency) -> Result<NewEntry, CostError> {
        if !self.amount.is_positive() {
            return Err(CostError::AmountNotPositive {
                amount: self.amount,
            });
        }
        let value = self.value_in(book)?;
        let currency = self.amount.currency();
        let expense = self.category.account_name();
        let transfers = if currency == book {
            vec![Transfer::new(
                expense,
                accounts::bank(currency),
                self.amount,
            )]
        } else {
            vec![
                Transfer::new(
                    accounts::conversion(),
                    accounts::bank(currency),
                    self.amount,
                ),
                Transfer::new(expense, accounts::conversion(), value),
            ]
        };
        let memo = self
            .memo
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        if memo.is_some_and(|m| m.chars().count() > crate::ledger::TEXT_LEN_MAX - 100) {
            return Err(CostError::MemoTooLong);
        }
        if let Some(memo) = memo {
            crate::ledger::check_text("memo", memo)?;
        }
        let mut description = format!("Cost: {}", self.category.name);
        if let Some(line) = &self.line {
            description.push_str(&format!(" (budget line {line})"));
        }
        if let Some(memo) = memo {
            description.push_str(&format!(": {memo}"));
        }
        let entry = NewEntry {
            date: self.date,
            description,
            kind: EntryKind::Cost,
            budget_year: self.budget_year,
            fund: self.fund.clone(),
            party: None,
            reference: self.reference.clone(),
            reverses: None,
            rate: self.rate,
            transfers,
        };
        entry.validate()?;
        Ok(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(amount: Money, rate: Option<&str>) -> Cost {
        Cost {
            category: category("translation").unwrap(),
            amount,
            rate: rate.map(|r| r.parse().unwrap()),
            date: NaiveDate::from_ymd_opt(2017, 6, 1).unwrap(),
            budget_year: 2017,
            fund: FundCode::isu(),
            line: Some("communication".into()),
            reference: Some("INV-1".into()),
            memo: Some("Translation of the work plan".into()),
        }
    }

    #[test]
    fn categories_have_valid_accounts_and_are_found_by_name() {
        for c in CATEGORIES {
            assert!(c.account_name().is_under("expenses"), "{}", c.account);
        }
        assert_eq!(category(" Staff ").unwrap().account, "expenses:staff");
        let error = category("lunch").unwrap_err();
        assert!(error.to_string().contains("staff, travel"), "{error}");
    }

    #[test]
    fn the_line_defaults_from_the_category_for_the_isu_budget_only() {
        let translation = category("translation").unwrap();
        let isu = FundCode::isu();
        let meetings: FundCode = "meetings".parse().unwrap();
        assert_eq!(
            Cost::line_for(translation, None, &isu).unwrap().as_deref(),
            Some("communication")
        );
        assert_eq!(
            Cost::line_for(translation, Some("office"), &isu)
                .unwrap()
                .as_deref(),
            Some("office")
        );
        assert_eq!(Cost::line_for(translation, None, &meetings).unwrap(), None);
        assert!(matches!(
            Cost::line_for(category("other").unwrap(), None, &isu),
            Err(CostError::LineRequired { .. })
        ));
    }

    #[test]
    fn a_chf_cost_is_one_transfer_from_the_bank_to_the_expense() {
        let entry = cost(Money::from_minor(120_000, Currency::CHF), None)
            .to_entry(Currency::CHF)
            .unwrap();
        assert_eq!(entry.transfers.len(), 1);
        assert_eq!(entry.transfers[0].debit.as_str(), "expenses:translation");
        assert_eq!(entry.transfers[0].credit.as_str(), "assets:bank:chf");
        assert_eq!(
            entry.description,
            "Cost: translation (budget line communication): Translation of the work plan"
        );
    }

    #[test]
    fn a_foreign_cost_goes_through_the_conversion_account() {
        let entry = cost(Money::from_minor(100_001, Currency::USD), Some("0.9712"))
            .to_entry(Currency::CHF)
            .unwrap();
        assert_eq!(entry.transfers.len(), 2);
        assert_eq!(entry.transfers[0].credit.as_str(), "assets:bank:usd");
        assert_eq!(entry.transfers[0].debit, entry.transfers[1].credit);
        // 1000.01 * 0.9712 = 971.209712, half away from zero: 971.21.
        assert_eq!(
            entry.transfers[1].amount,
            Money::from_minor(97_121, Currency::CHF)
        );
    }

    #[test]
    fn each_rule_rejects_its_case() {
        assert!(matches!(
            cost(Money::from_minor(0, Currency::CHF), None).to_entry(Currency::CHF),
            Err(CostError::AmountNotPositive { .. })
        ));
        assert!(matches!(
            cost(Money::from_minor(-5, Currency::CHF), None).to_entry(Currency::CHF),
            Err(CostError::AmountNotPositive { .. })
        ));
        assert!(matches!(
            cost(Money::from_minor(5, Currency::CHF), Some("1.1")).to_entry(Currency::CHF),
            Err(CostError::RateNotAllowed { .. })
        ));
        assert!(matches!(
            cost(Money::from_minor(5, Currency::USD), None).to_entry(Currency::CHF),
            Err(CostError::RateRequired { .. })
        ));
        assert!(matches!(
            cost(Money::from_minor(1, Currency::USD), Some("0.0001")).to_entry(Currency::CHF),
            Err(CostError::WorthNothing { .. })
        ));
    }

    #[test]
    fn an_expense_posted_otherwise_counts_against_the_line_its_account_names() {
        let lines = ["staff", "travel", "communication", "office"];
        let line = |account: &str| line_of_expense(&account.parse().unwrap(), &lines);
        assert_eq!(line("expenses:travel"), "travel");
        assert_eq!(line("expenses:travel:missions"), "travel");
        assert_eq!(line("expenses:translation"), "communication");
        assert_eq!(line("expenses:printing:posters"), "communication");
        assert_eq!(line("expenses:consultants"), "expenses:consultants");
        assert_eq!(line("expenses:meetings"), "expenses:meetings");
        assert_eq!(line("expenses"), "expenses");
        // A line named like the account comes before the category's line.
        let with_translation = ["communication", "translation"];
        assert_eq!(
            line_of_expense(&"expenses:translation".parse().unwrap(), &with_translation),
            "translation"
        );
        // Without budget lines, every account is a row of its own.
        assert_eq!(
            line_of_expense(&"expenses:travel".parse().unwrap(), &[]),
            "expenses:travel"
        );
    }
}
