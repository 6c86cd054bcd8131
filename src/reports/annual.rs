//! `report YEAR --annual`: the annual financial report presented to the Meeting of States
//! Parties: income and expenditure of the year against the approved budget, the financial
//! position at the year's end, contributions received by State, and each fund's movements.
//! Built from the same trial balance, budget report and outstanding list the other commands
//! print, so every figure reconciles with them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::balance::TrialBalance;
use super::budget_report::BudgetReport;
use super::outstanding::Outstanding;
use super::status::PartyReceived;
use crate::ledger::{AccountName, FundCode};
use crate::money::{Currency, Money, MoneyError};
use crate::store::FundBalanceRow;

/// One income account's net credit for the year, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncomeRow {
    pub account: AccountName,
    pub amount: Money,
}

/// Income and expenditure of the budget year against the approved budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncomeAndExpenditure {
    /// Income in the books' currency, per account.
    pub income: Vec<IncomeRow>,
    pub income_total: Money,
    /// Income in other currencies (meeting bills), per account, apart.
    pub income_other_currencies: Vec<IncomeRow>,
    /// The approved budget: what the contributions were to finance.
    pub budget: Option<Money>,
    /// `income_total - budget`.
    pub income_variance: Option<Money>,
    /// Expenditure by budget line against the line's budget, as `budget report` gives it;
    /// each line's variance is its `remaining`.
    pub expenditure: BudgetReport,
    /// `income_total - expenditure.spent_total`.
    pub surplus: Money,
}

/// What is owed for one budget year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearReceivable {
    pub year: i32,
    pub amount: Money,
}

/// The financial position at the end of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinancialPosition {
    /// `assets:bank:*`, one total per currency.
    pub bank: Vec<Money>,
    /// Contributions receivable: the year, then arrears by earlier year.
    pub receivable_by_year: Vec<YearReceivable>,
    /// Assessed or pledged for later years and not yet paid.
    pub receivable_later_years: Money,
    /// The balance of `assets:receivable:contributions:*`.
    pub receivable_total: Money,
    /// Article 14 meeting receivables (`assets:receivable:meetings:*`), per currency.
    pub meetings_receivable: Vec<Money>,
    /// Contributions received in advance and credits held (`liabilities:prepaid:*`).
    pub prepayments: Money,
    /// What each fund holds at the bank, per currency.
    pub fund_balances: Vec<FundHolding>,
}

/// What one fund holds at the bank in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundHolding {
    pub fund: FundCode,
    pub balance: Money,
}

/// One fund's movements in one currency over the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundMovement {
    pub fund: FundCode,
    pub name: String,
    pub opening: Money,
    pub money_in: Money,
    pub money_out: Money,
    pub closing: Money,
}

/// The annual financial report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnualReport {
    pub year: i32,
    /// The book currency.
    pub currency: Currency,
    /// The 31st of December of the year (or the report date, when that is earlier).
    pub at: NaiveDate,
    /// Whether the year is closed (its close is left out of the income and expenditure).
    pub closed: bool,
    pub income_and_expenditure: IncomeAndExpenditure,
    pub position: FinancialPosition,
    /// Contributions received for the year by State, by code.
    pub by_state: Vec<PartyReceived>,
    pub received_total: Money,
    pub funds: Vec<FundMovement>,
}

/// What the annual report is built from, loaded for its date.
pub struct AnnualInputs<'a> {
    pub year: i32,
    /// The book currency.
    pub currency: Currency,
    pub at: NaiveDate,
    /// The trial balance of the budget year on `at`.
    pub year_balance: &'a TrialBalance,
    /// The close of the year, per account (debit minus credit), to leave out; empty while
    /// the year is open.
    pub close: &'a [(AccountName, Money)],
    /// The trial balance of all years on `at`.
    pub all_balance: &'a TrialBalance,
    pub budget: Option<Money>,
    pub expenditure: BudgetReport,
    pub outstanding: &'a Outstanding,
    pub by_party: &'a [PartyReceived],
    /// Fund names by code.
    pub fund_names: &'a BTreeMap<FundCode, String>,
    pub opening: &'a [FundBalanceRow],
    pub closing: &'a [FundBalanceRow],
    /// `(fund, in, out)` per currency over the year.
    pub movements: &'a [(FundCode, Money, Money)],
}

fn under(account: &AccountName, prefix: &str) -> bool {
    let name = account.as_str();
    name == prefix || name.starts_with(&format!("{prefix}:"))
}

/// Adds `amount` to the total of its currency.
fn add_to(totals: &mut BTreeMap<Currency, Money>, amount: Money) -> Result<(), MoneyError> {
    let currency = amount.currency();
    let total = totals.entry(currency).or_insert(Money::zero(currency));
    *total = total.checked_add(amount)?;
    Ok(())
}

/// Builds the report from what was loaded for its date.
pub fn annual_report(inputs: AnnualInputs<'_>) -> Result<AnnualReport, MoneyError> {
    let book = inputs.currency;
    // Income: the net credit of each income account for the year, less the close.
    let mut income_by_account: BTreeMap<(AccountName, Currency), i64> = BTreeMap::new();
    for row in &inputs.year_balance.rows {
        if under(&row.account, "income") {
            *income_by_account
                .entry((row.account.clone(), row.currency))
                .or_default() -= row.balance.minor();
        }
    }
    for (account, balance) in inputs.close {
        if under(account, "income") {
            *income_by_account
                .entry((account.clone(), balance.currency()))
                .or_default() += balance.minor();
        }
    }
    let mut income = Vec::new();
    let mut income_other_currencies = Vec::new();
    let mut income_total = Money::zero(book);
    for ((account, currency), minor) in income_by_account {
        if minor == 0 {
            continue;
        }
        let amount = Money::from_minor(minor, currency);
        if currency == book {
            income_total = income_total.checked_add(amount)?;
            income.push(IncomeRow { account, amount });
        } else {
            income_other_currencies.push(IncomeRow { account, amount });
        }
    }
    let income_variance = inputs
        .budget
        .map(|budget| income_total.checked_sub(budget))
        .transpose()?;
    let surplus = income_total.checked_sub(inputs.expenditure.spent_total)?;

    // The position at the end of the year, from the trial balance of all years.
    let mut bank = BTreeMap::new();
    let mut meetings = BTreeMap::new();
    let mut receivable_total = Money::zero(book);
    let mut prepayments = Money::zero(book);
    for row in &inputs.all_balance.rows {
        if under(&row.account, "assets:bank") {
            add_to(&mut bank, row.balance)?;
        } else if under(&row.account, "assets:receivable:contributions") {
            receivable_total = receivable_total.checked_add(row.balance)?;
        } else if under(&row.account, "assets:receivable:meetings") {
            add_to(&mut meetings, row.balance)?;
        } else if under(&row.account, "liabilities:prepaid") {
            prepayments = prepayments.checked_sub(row.balance)?;
        }
    }
    let outstanding = inputs.outstanding;
    let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
    for row in &outstanding.rows {
        *by_year.entry(inputs.year).or_default() += row.outstanding.minor();
        for arrears in &row.arrears_by_year {
            *by_year.entry(arrears.year).or_default() += arrears.amount.minor();
        }
    }
    let listed: i64 = by_year.values().sum();
    let receivable_by_year = by_year
        .into_iter()
        .rev()
        .filter(|(_, minor)| *minor != 0)
        .map(|(year, minor)| YearReceivable {
            year,
            amount: Money::from_minor(minor, book),
        })
        .collect();
    let receivable_later_years = receivable_total.checked_sub(Money::from_minor(listed, book))?;

    // Each fund's movements: opening + in - out = closing.
    let mut funds: BTreeMap<(FundCode, Currency), FundMovement> = BTreeMap::new();
    fn movement<'m>(
        funds: &'m mut BTreeMap<(FundCode, Currency), FundMovement>,
        names: &BTreeMap<FundCode, String>,
        fund: &FundCode,
        currency: Currency,
    ) -> &'m mut FundMovement {
        funds
            .entry((fund.clone(), currency))
            .or_insert_with(|| FundMovement {
                fund: fund.clone(),
                name: names.get(fund).cloned().unwrap_or_else(|| fund.to_string()),
                opening: Money::zero(currency),
                money_in: Money::zero(currency),
                money_out: Money::zero(currency),
                closing: Money::zero(currency),
            })
    }
    let names = inputs.fund_names;
    for row in inputs.opening {
        movement(&mut funds, names, &row.fund, row.balance.currency()).opening = row.balance;
    }
    for row in inputs.closing {
        movement(&mut funds, names, &row.fund, row.balance.currency()).closing = row.balance;
    }
    for (fund, money_in, money_out) in inputs.movements {
        let m = movement(&mut funds, names, fund, money_in.currency());
        m.money_in = *money_in;
        m.money_out = *money_out;
    }
    let funds: Vec<FundMovement> = funds
        .into_values()
        .filter(|m| {
            m.opening.minor() != 0
                || m.money_in.minor() != 0
                || m.money_out.minor() != 0
                || m.closing.minor() != 0
        })
        .collect();

    let mut received_total = Money::zero(book);
    for party in inputs.by_party {
        received_total = received_total.checked_add(party.received)?;
    }
    Ok(AnnualReport {
        year: inputs.year,
        currency: inputs.currency,
        at: inputs.at,
        closed: !inputs.close.is_empty(),
        income_and_expenditure: IncomeAndExpenditure {
            income,
            income_total,
            income_other_currencies,
            budget: inputs.budget,
            income_variance,
            expenditure: inputs.expenditure,
            surplus,
        },
        position: FinancialPosition {
            bank: bank.into_values().collect(),
            receivable_by_year,
            receivable_later_years,
            receivable_total,
            meetings_receivable: meetings.into_values().filter(|m| m.minor() != 0).collect(),
            prepayments,
            fund_balances: inputs
                .closing
                .iter()
                .filter(|row| row.balance.minor() != 0)
                .map(|row| FundHolding {
                    fund: row.fund.clone(),
                    balance: row.balance,
                })
                .collect(),
        },
        by_state: inputs.by_party.to_vec(),
        received_total,
        funds,
    })
}
