//! Contributions: money received from a party towards a budget year, and the entry that
//! records it.

use chrono::NaiveDate;

use super::{accounts, DomainError};
use crate::ledger::{EntryKind, FundCode, NewEntry, PartyCode, Transfer};
use crate::money::{Currency, Money, Rate};

/// A payment as the finance officer reads it off a bank statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    pub party: PartyCode,
    pub amount: Money,
    /// CHF per unit of the amount's currency; required exactly when that is not CHF.
    pub rate: Option<Rate>,
    pub date: NaiveDate,
    pub budget_year: i32,
    pub fund: FundCode,
    pub reference: Option<String>,
}

impl Contribution {
    /// The entry recording this contribution, from a party named `party_name`.
    ///
    /// In CHF: the bank account receives the amount from contribution income. In another
    /// currency: the bank account in that currency receives the amount from the conversion
    /// account, and the conversion account receives its CHF value (rounded half away from
    /// zero at the recorded rate) from contribution income, so that each currency balances.
    pub fn to_entry(&self, party_name: &str) -> Result<NewEntry, DomainError> {
        if !self.amount.is_positive() {
            return Err(DomainError::ContributionNotPositive {
                amount: self.amount,
            });
        }
        let currency = self.amount.currency();
        let income = accounts::contributions_voluntary();
        let transfers = match (currency == Currency::CHF, self.rate) {
            (true, None) => vec![Transfer::new(
                accounts::bank(Currency::CHF),
                income,
                self.amount,
            )],
            (true, Some(_)) => return Err(DomainError::RateNotAllowed),
            (false, None) => return Err(DomainError::RateRequired { currency }),
            (false, Some(rate)) => {
                let value = self.amount.convert(rate, Currency::CHF)?;
                if !value.is_positive() {
                    return Err(DomainError::ContributionNotPositive { amount: value });
                }
                vec![
                    Transfer::new(
                        accounts::bank(currency),
                        accounts::conversion(),
                        self.amount,
                    ),
                    Transfer::new(accounts::conversion(), income, value),
                ]
            }
        };
        let entry = NewEntry {
            date: self.date,
            description: format!("Contribution from {party_name} for {}", self.budget_year),
            kind: EntryKind::Contribution,
            budget_year: self.budget_year,
            fund: self.fund.clone(),
            party: Some(self.party.clone()),
            reference: self.reference.clone(),
            reverses: None,
            rate: self.rate,
            transfers,
        };
        entry.validate()?;
        Ok(entry)
    }
}

/// What a contribution entry credits to income, in CHF: its amount, or the converted value of
/// a payment in another currency.
pub fn value_in_chf(entry: &NewEntry) -> Money {
    let minor = entry
        .transfers
        .iter()
        .filter(|t| t.amount.currency() == Currency::CHF)
        .map(|t| t.amount.minor())
        .sum();
    Money::from_minor(minor, Currency::CHF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contribution(amount: Money, rate: Option<&str>) -> Contribution {
        Contribution {
            party: "DEU".parse().unwrap(),
            amount,
            rate: rate.map(|r| r.parse().unwrap()),
            date: NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
            budget_year: 2017,
            fund: FundCode::isu(),
            reference: Some("BANK-1".into()),
        }
    }

    #[test]
    fn a_chf_contribution_is_one_transfer_from_income_to_the_bank() {
        let entry = contribution(Money::from_minor(1_658_498, Currency::CHF), None)
            .to_entry("Germany")
            .unwrap();
        assert_eq!(entry.description, "Contribution from Germany for 2017");
        assert_eq!(entry.transfers.len(), 1);
        assert_eq!(entry.transfers[0].debit.as_str(), "assets:bank:chf");
        assert_eq!(
            entry.transfers[0].credit.as_str(),
            "income:contributions:voluntary"
        );
    }

    #[test]
    fn a_foreign_contribution_goes_through_the_conversion_account() {
        let entry = contribution(Money::from_minor(100_001, Currency::USD), Some("0.9712"))
            .to_entry("Germany")
            .unwrap();
        assert_eq!(entry.transfers.len(), 2);
        let usd = &entry.transfers[0];
        let chf = &entry.transfers[1];
        assert_eq!(usd.amount, Money::from_minor(100_001, Currency::USD));
        assert_eq!(usd.debit.as_str(), "assets:bank:usd");
        assert_eq!(usd.credit, chf.debit);
        // 1000.01 * 0.9712 = 971.209712, rounded half away from zero to 971.21.
        assert_eq!(chf.amount, Money::from_minor(97_121, Currency::CHF));
        assert_eq!(value_in_chf(&entry), chf.amount);
    }

    #[test]
    fn each_rule_rejects_its_case() {
        assert!(matches!(
            contribution(Money::from_minor(0, Currency::CHF), None).to_entry("x"),
            Err(DomainError::ContributionNotPositive { .. })
        ));
        assert!(matches!(
            contribution(Money::from_minor(-100, Currency::CHF), None).to_entry("x"),
            Err(DomainError::ContributionNotPositive { .. })
        ));
        assert_eq!(
            contribution(Money::from_minor(100, Currency::USD), None).to_entry("x"),
            Err(DomainError::RateRequired {
                currency: Currency::USD
            })
        );
        assert_eq!(
            contribution(Money::from_minor(100, Currency::CHF), Some("1.1")).to_entry("x"),
            Err(DomainError::RateNotAllowed)
        );
        // USD 0.01 at 0.0001 is worth nothing in CHF: refused rather than booked as zero.
        assert!(matches!(
            contribution(Money::from_minor(1, Currency::USD), Some("0.0001")).to_entry("x"),
            Err(DomainError::ContributionNotPositive { .. })
        ));
    }
}
