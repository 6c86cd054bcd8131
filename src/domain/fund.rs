//! Funds: money kept apart by purpose (the ISU core budget, meetings, a reserve such as the
//! CCM fund, earmarked sponsorship). Every entry belongs to one fund; a fund's balance in a
//! currency is what its entries hold at the bank in that currency.

use chrono::NaiveDate;
use serde::Serialize;

use super::accounts;
use crate::ledger::{AccountName, EntryKind, FundCode, LedgerError, NewEntry, Transfer};
use crate::money::{Currency, Money, MoneyError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FundError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("fund name is empty")]
    NameEmpty,
    #[error("fund {fund} already exists ({name})")]
    FundExists { fund: FundCode, name: String },
    #[error("an amount moved between funds must be positive, got {amount}")]
    AmountNotPositive { amount: Money },
    #[error("a transfer needs two different funds; got {fund} twice")]
    SameFund { fund: FundCode },
    #[error("a transfer between funds needs a reason (--reason)")]
    ReasonEmpty,
    #[error(
        "fund {fund} holds {balance} on {date}, less than the {amount} asked for \
         (short by {short}): it would hold {would_hold} on {date}{hint}"
    )]
    NotCovered {
        fund: FundCode,
        date: NaiveDate,
        balance: Money,
        amount: Money,
        short: Money,
        would_hold: Money,
        hint: &'static str,
    },
}

/// A declared fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fund {
    pub code: FundCode,
    pub name: String,
    /// The currency the fund is kept in.
    pub currency: Currency,
}

impl Fund {
    pub fn new(code: &str, name: &str, currency: Currency) -> Result<Fund, FundError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(FundError::NameEmpty);
        }
        crate::ledger::check_text("name", name)?;
        Ok(Fund {
            code: code.parse()?,
            name: name.to_string(),
            currency,
        })
    }
}

/// The account holding a fund's accumulated surplus (and where a year's result is carried).
pub fn fund_balance_account(fund: &FundCode) -> AccountName {
    format!("equity:fund-balance:{fund}")
        .parse()
        .expect("fund codes make valid account segments")
}

/// The account through which money moves between funds.
pub fn interfund_account() -> AccountName {
    "equity:interfund".parse().expect("valid account name")
}

/// Refuses to spend `amount` from a fund whose lowest balance from the spending's date on
/// is `balance`, reached on `date`, unless a deficit is allowed: a fund never goes negative
/// at any date, past or future.
pub fn check_covers(
    fund: &FundCode,
    date: NaiveDate,
    balance: Money,
    amount: Money,
    allow_deficit: bool,
    hint: &'static str,
) -> Result<(), FundError> {
    if allow_deficit || balance.minor() >= amount.minor() {
        return Ok(());
    }
    Err(FundError::NotCovered {
        fund: fund.clone(),
        date,
        balance,
        amount,
        short: amount.checked_sub(balance)?,
        would_hold: balance.checked_sub(amount)?,
        hint,
    })
}

/// The two entries of a transfer between funds, one in each fund, so that every entry
/// belongs to one fund: the first takes the money out of `from`, the second puts it into
/// `to`, both through the interfund account.
pub fn transfer_entries(
    from: &FundCode,
    to: &FundCode,
    amount: Money,
    date: NaiveDate,
    budget_year: i32,
    reason: &str,
    reference: Option<&str>,
) -> Result<[NewEntry; 2], FundError> {
    if from == to {
        return Err(FundError::SameFund { fund: from.clone() });
    }
    if !amount.is_positive() {
        return Err(FundError::AmountNotPositive { amount });
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(FundError::ReasonEmpty);
    }
    let bank = accounts::bank(amount.currency());
    let entry = |fund: &FundCode, transfer: Transfer, side: &str| NewEntry {
        date,
        description: format!("Transfer from fund {from} to fund {to}: {reason}"),
        kind: EntryKind::FundTransfer,
        budget_year,
        fund: fund.clone(),
        party: None,
        reference: reference.map(|r| format!("{r}/{side}")),
        reverses: None,
        rate: None,
        transfers: vec![transfer],
    };
    let out = entry(
        from,
        Transfer::new(interfund_account(), bank.clone(), amount),
        "out",
    );
    let into = entry(to, Transfer::new(bank, interfund_account(), amount), "in");
    out.validate()?;
    into.validate()?;
    Ok([out, into])
}

/// The entry recording what a fund held when the ledger started keeping it.
pub fn opening_entry(
    fund: &FundCode,
    amount: Money,
    date: NaiveDate,
    budget_year: i32,
    reference: Option<&str>,
) -> Result<NewEntry, FundError> {
    if !amount.is_positive() {
        return Err(FundError::AmountNotPositive { amount });
    }
    let entry = NewEntry {
        date,
        description: format!("Opening balance of fund {fund}, brought forward"),
        kind: EntryKind::FundOpening,
        budget_year,
        fund: fund.clone(),
        party: None,
        reference: reference.map(str::to_string),
        reverses: None,
        rate: None,
        transfers: vec![Transfer::new(
            accounts::bank(amount.currency()),
            fund_balance_account(fund),
            amount,
        )],
    };
    entry.validate()?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, 6, 1).unwrap()
    }

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    #[test]
    fn a_transfer_is_two_entries_one_per_fund() {
        let from: FundCode = "ccm-fund".parse().unwrap();
        let to: FundCode = "meetings".parse().unwrap();
        let [out, into] =
            transfer_entries(&from, &to, usd(2_900_000), day(), 2017, "7MSP", Some("T1")).unwrap();
        assert_eq!(out.fund, from);
        assert_eq!(into.fund, to);
        assert_eq!(out.transfers[0].credit.as_str(), "assets:bank:usd");
        assert_eq!(into.transfers[0].debit.as_str(), "assets:bank:usd");
        assert_eq!(out.reference.as_deref(), Some("T1/out"));
        assert!(matches!(
            transfer_entries(&from, &from, usd(1), day(), 2017, "x", None),
            Err(FundError::SameFund { .. })
        ));
        assert!(matches!(
            transfer_entries(&from, &to, usd(0), day(), 2017, "x", None),
            Err(FundError::AmountNotPositive { .. })
        ));
        assert!(matches!(
            transfer_entries(&from, &to, usd(1), day(), 2017, " ", None),
            Err(FundError::ReasonEmpty)
        ));
    }

    #[test]
    fn a_fund_covers_what_it_holds_and_no_more() {
        let fund = FundCode::isu();
        assert!(check_covers(&fund, day(), usd(500), usd(500), false, "").is_ok());
        let error = check_covers(&fund, day(), usd(500), usd(501), false, "").unwrap_err();
        assert!(error.to_string().contains("short by USD 0.01"), "{error}");
        assert!(
            error
                .to_string()
                .contains("it would hold USD -0.01 on 2017-06-01"),
            "{error}"
        );
        assert!(check_covers(&fund, day(), usd(500), usd(501), true, "").is_ok());
    }

    #[test]
    fn names_and_codes_are_checked() {
        assert!(Fund::new("ccm-fund", "CCM fund", Currency::USD).is_ok());
        assert_eq!(
            Fund::new("x", " ", Currency::USD),
            Err(FundError::NameEmpty)
        );
        assert!(matches!(
            Fund::new("a b", "x", Currency::USD),
            Err(FundError::Ledger(_))
        ));
        assert_eq!(
            fund_balance_account(&FundCode::isu()).as_str(),
            "equity:fund-balance:isu"
        );
    }
}
