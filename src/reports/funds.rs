//! `fund list`: every fund with what it holds at the bank.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::fund::Fund;
use crate::ledger::FundCode;
use crate::money::{Currency, Money};
use crate::store::FundBalanceRow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundRow {
    pub fund: FundCode,
    pub name: String,
    pub currency: Currency,
    /// What the fund holds in its own currency.
    pub balance: Money,
    /// What it holds in other currencies, if anything.
    pub other_currencies: Vec<crate::reports::budget_report::CurrencyAmount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundList {
    pub as_of: NaiveDate,
    pub funds: Vec<FundRow>,
}

pub fn fund_list(as_of: NaiveDate, funds: &[Fund], balances: &[FundBalanceRow]) -> FundList {
    FundList {
        as_of,
        funds: funds
            .iter()
            .map(|fund| {
                let mine = balances.iter().filter(|b| b.fund == fund.code);
                FundRow {
                    fund: fund.code.clone(),
                    name: fund.name.clone(),
                    currency: fund.currency,
                    balance: mine
                        .clone()
                        .find(|b| b.balance.currency() == fund.currency)
                        .map_or(Money::zero(fund.currency), |b| b.balance),
                    other_currencies: mine
                        .filter(|b| b.balance.currency() != fund.currency && b.balance.minor() != 0)
                        .map(|b| b.balance.into())
                        .collect(),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fund_shows_its_own_currency_and_any_other() {
        let funds = [
            Fund::new("isu", "ISU", Currency::CHF).unwrap(),
            Fund::new("ccm-fund", "CCM", Currency::USD).unwrap(),
        ];
        let row = |fund: &str, minor, currency| FundBalanceRow {
            fund: fund.parse().unwrap(),
            balance: Money::from_minor(minor, currency),
        };
        let balances = [
            row("isu", 500, Currency::CHF),
            row("isu", 7, Currency::USD),
            row("isu", 0, "EUR".parse().unwrap()),
        ];
        let list = fund_list(
            NaiveDate::from_ymd_opt(2017, 6, 27).unwrap(),
            &funds,
            &balances,
        );
        assert_eq!(list.funds[0].balance.minor(), 500);
        assert_eq!(list.funds[0].other_currencies.len(), 1);
        assert_eq!(list.funds[1].balance, Money::zero(Currency::USD));
    }
}
