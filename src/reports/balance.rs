//! `balance`: the trial balance, one row per account and currency, with totals that are
//! zero in every currency when the books balance.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::ledger::{AccountName, Turnover};
use crate::money::{Currency, Money};
use crate::store::TrialBalanceRow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalanceRow {
    pub account: AccountName,
    pub currency: Currency,
    pub debit: Money,
    pub credit: Money,
    /// Debit minus credit.
    pub balance: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalanceTotal {
    pub currency: Currency,
    pub debit: Money,
    pub credit: Money,
    pub balance: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialBalance {
    pub as_of: NaiveDate,
    pub year: Option<i32>,
    pub rows: Vec<BalanceRow>,
    pub totals: Vec<BalanceTotal>,
}

impl TrialBalance {
    /// True when every currency's debits equal its credits.
    pub fn is_balanced(&self) -> bool {
        self.totals.iter().all(|t| t.balance.minor() == 0)
    }
}

pub fn trial_balance(
    as_of: NaiveDate,
    year: Option<i32>,
    rows: &[TrialBalanceRow],
) -> TrialBalance {
    let mut totals: BTreeMap<Currency, Turnover> = BTreeMap::new();
    let rows: Vec<BalanceRow> = rows
        .iter()
        .map(|row| {
            let turnover = Turnover {
                debit_minor: row.debit_minor,
                credit_minor: row.credit_minor,
            };
            let total = totals.entry(row.currency).or_default();
            total.debit_minor += turnover.debit_minor;
            total.credit_minor += turnover.credit_minor;
            BalanceRow {
                account: row.account.clone(),
                currency: row.currency,
                debit: Money::from_minor(turnover.debit_minor, row.currency),
                credit: Money::from_minor(turnover.credit_minor, row.currency),
                balance: Money::from_minor(turnover.balance_minor(), row.currency),
            }
        })
        .collect();
    TrialBalance {
        as_of,
        year,
        rows,
        totals: totals
            .into_iter()
            .map(|(currency, t)| BalanceTotal {
                currency,
                debit: Money::from_minor(t.debit_minor, currency),
                credit: Money::from_minor(t.credit_minor, currency),
                balance: Money::from_minor(t.balance_minor(), currency),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(account: &str, currency: Currency, debit: i64, credit: i64) -> TrialBalanceRow {
        TrialBalanceRow {
            account: account.parse().unwrap(),
            currency,
            debit_minor: debit,
            credit_minor: credit,
        }
    }

    #[test]
    fn totals_per_currency_and_balance_is_debit_minus_credit() {
        let rows = [
            row("assets:bank:chf", Currency::CHF, 500, 0),
            row("assets:bank:usd", Currency::USD, 1_000, 0),
            row("equity:conversion", Currency::CHF, 970, 0),
            row("equity:conversion", Currency::USD, 0, 1_000),
            row("income:contributions:voluntary", Currency::CHF, 0, 1_470),
        ];
        let date = NaiveDate::from_ymd_opt(2017, 12, 31).unwrap();
        let balance = trial_balance(date, None, &rows);
        assert_eq!(balance.rows[4].balance.minor(), -1_470);
        assert_eq!(balance.totals.len(), 2);
        assert!(balance.is_balanced());
        let unbalanced = trial_balance(date, None, &rows[..2]);
        assert!(!unbalanced.is_balanced());
    }
}
