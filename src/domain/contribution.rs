//! Contributions: money received from a party and the entry that records it, split as the
//! rule of `domain::position` applies it to what the party owes.

use chrono::{Datelike, NaiveDate};

use super::{accounts, DomainError};
use crate::ledger::{AccountName, EntryKind, FundCode, NewEntry, PartyCode, Transfer};
use crate::money::{Currency, Money, Rate};

/// A payment as the finance officer reads it off a bank statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    pub party: PartyCode,
    pub amount: Money,
    /// Units of the book currency per unit of the amount's currency; required exactly when
    /// the amount is in another currency.
    pub rate: Option<Rate>,
    pub date: NaiveDate,
    /// The budget year the payment is for, when the party names one; otherwise it pays the
    /// oldest year outstanding first.
    pub budget_year: Option<i32>,
    pub fund: FundCode,
    pub reference: Option<String>,
    /// Given as voluntary income, settling nothing the party owes.
    pub voluntary: bool,
}

/// Where part of a payment goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Portion {
    /// Settles what the party owes for a budget year.
    Owed { year: i32, minor: i64 },
    /// Beyond what the party owes: held for it as a credit.
    Credit { minor: i64 },
    /// From a party with nothing assessed or pledged: a voluntary contribution for a year.
    Voluntary { year: i32, minor: i64 },
}

impl Portion {
    pub fn minor(&self) -> i64 {
        match self {
            Portion::Owed { minor, .. }
            | Portion::Credit { minor }
            | Portion::Voluntary { minor, .. } => *minor,
        }
    }
}

impl Contribution {
    /// What the payment is worth in the book currency `book`: its amount, or its amount at
    /// the rate.
    pub fn value_in(&self, book: Currency) -> Result<Money, DomainError> {
        if !self.amount.is_positive() {
            return Err(DomainError::ContributionNotPositive {
                amount: self.amount,
            });
        }
        let currency = self.amount.currency();
        let value = match (currency == book, self.rate) {
            (true, None) => self.amount,
            (true, Some(_)) => return Err(DomainError::RateNotAllowed { currency }),
            (false, None) => return Err(DomainError::RateRequired { currency, book }),
            (false, Some(rate)) => self.amount.convert(rate, book)?,
        };
        if !value.is_positive() {
            return Err(DomainError::ContributionNotPositive { amount: value });
        }
        Ok(value)
    }

    /// Whether the payment is voluntary income whatever the party owes: it says so, or it
    /// goes to a fund other than the ISU's core budget.
    pub fn is_voluntary(&self) -> bool {
        self.voluntary || self.fund != FundCode::isu()
    }

    /// The budget year an entry for this payment carries when nothing says otherwise.
    pub fn year_default(&self) -> i32 {
        self.budget_year.unwrap_or(self.date.year())
    }

    /// A canonical text of the payment as given, compared when its reference is recorded
    /// again: how it was applied depends on the ledger at the time, the payment does not.
    pub fn content(&self) -> String {
        format!(
            "{} contribution from {} of {}{} for {}, fund {}{}",
            self.date,
            self.party,
            self.amount,
            self.rate.map(|r| format!(" at {r}")).unwrap_or_default(),
            self.budget_year
                .map_or_else(|| "the oldest year owed".to_string(), |y| y.to_string()),
            self.fund,
            if self.voluntary { ", voluntary" } else { "" },
        )
    }

    /// The entry recording this payment from a party named `party_name`, applied as
    /// `portions` says (the rule of `domain::position` gives them).
    ///
    /// In the book currency `book` each portion is a transfer to the bank account from the
    /// party's receivable, its credit, or voluntary income. In another currency the bank
    /// account in that currency receives the amount from the conversion account, and the
    /// portions move its value in the book currency (rounded half away from zero at the
    /// recorded rate) into the conversion account, so that each currency balances.
    pub fn to_entry(
        &self,
        party_name: &str,
        portions: &[Portion],
        book: Currency,
    ) -> Result<NewEntry, DomainError> {
        let value = self.value_in(book)?;
        let applied: i64 = portions.iter().map(Portion::minor).sum();
        if applied != value.minor() || portions.iter().any(|p| p.minor() <= 0) {
            return Err(DomainError::AllocationMismatch {
                value,
                applied: Money::from_minor(applied, book),
            });
        }
        let currency = self.amount.currency();
        let receiving: AccountName = if currency == book {
            accounts::bank(book)
        } else {
            accounts::conversion()
        };
        let first_year = portions.iter().find_map(|p| match p {
            Portion::Owed { year, .. } | Portion::Voluntary { year, .. } => Some(*year),
            Portion::Credit { .. } => None,
        });
        let budget_year = self
            .budget_year
            .or(first_year)
            .unwrap_or_else(|| self.year_default());
        let mut transfers = Vec::new();
        if currency != book {
            transfers.push(Transfer::new(
                accounts::bank(currency),
                accounts::conversion(),
                self.amount,
            ));
        }
        let in_book = |minor| Money::from_minor(minor, book);
        let mut years = Vec::new();
        let mut credit = false;
        for portion in portions {
            let (source, year) = match *portion {
                Portion::Owed { year, .. } => (accounts::receivable(&self.party), year),
                Portion::Voluntary { year, .. } => (accounts::contributions_voluntary(), year),
                Portion::Credit { .. } => {
                    credit = true;
                    (accounts::prepaid(&self.party), budget_year)
                }
            };
            if !matches!(portion, Portion::Credit { .. }) {
                years.push(year.to_string());
            }
            let mut transfer = Transfer::new(receiving.clone(), source, in_book(portion.minor()));
            if year != budget_year {
                transfer = transfer.for_year(year);
            }
            transfers.push(transfer);
        }
        let mut description = format!("Contribution from {party_name}");
        if !years.is_empty() {
            description.push_str(&format!(" for {}", years.join(", ")));
        }
        if credit {
            description.push_str(if years.is_empty() {
                ", held as a credit"
            } else {
                ", the rest held as a credit"
            });
        }
        let entry = NewEntry {
            date: self.date,
            description,
            kind: EntryKind::Contribution,
            budget_year,
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

/// What a contribution entry moved in the book currency `book`: its amount, or the
/// converted value of a payment in another currency.
pub fn value_in_book(entry: &NewEntry, book: Currency) -> Money {
    let minor = entry
        .transfers
        .iter()
        .filter(|t| t.amount.currency() == book)
        .map(|t| t.amount.minor())
        .sum();
    Money::from_minor(minor, book)
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
            budget_year: Some(2017),
            fund: FundCode::isu(),
            reference: Some("BANK-1".into()),
            voluntary: false,
        }
    }

    fn voluntary(c: &Contribution) -> Vec<Portion> {
        let minor = c.value_in(Currency::CHF).unwrap().minor();
        vec![Portion::Voluntary { year: 2017, minor }]
    }

    fn entry(c: &Contribution) -> Result<NewEntry, DomainError> {
        let minor = c.value_in(Currency::CHF)?.minor();
        c.to_entry(
            "x",
            &[Portion::Voluntary { year: 2017, minor }],
            Currency::CHF,
        )
    }

    #[test]
    fn a_chf_contribution_is_one_transfer_from_income_to_the_bank() {
        let c = contribution(Money::from_minor(1_658_498, Currency::CHF), None);
        let entry = c
            .to_entry("Germany", &voluntary(&c), Currency::CHF)
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
        let c = contribution(Money::from_minor(100_001, Currency::USD), Some("0.9712"));
        let entry = c
            .to_entry("Germany", &voluntary(&c), Currency::CHF)
            .unwrap();
        assert_eq!(entry.transfers.len(), 2);
        let usd = &entry.transfers[0];
        let chf = &entry.transfers[1];
        assert_eq!(usd.amount, Money::from_minor(100_001, Currency::USD));
        assert_eq!(usd.debit.as_str(), "assets:bank:usd");
        assert_eq!(usd.credit, chf.debit);
        // 1000.01 * 0.9712 = 971.209712, rounded half away from zero to 971.21.
        assert_eq!(chf.amount, Money::from_minor(97_121, Currency::CHF));
        assert_eq!(value_in_book(&entry, Currency::CHF), chf.amount);
    }

    #[test]
    fn a_payment_over_several_years_is_one_entry_with_a_transfer_per_year() {
        let mut c = contribution(Money::from_minor(1000, Currency::CHF), None);
        c.budget_year = None;
        let portions = [
            Portion::Owed {
                year: 2016,
                minor: 300,
            },
            Portion::Owed {
                year: 2017,
                minor: 500,
            },
            Portion::Credit { minor: 200 },
        ];
        let entry = c.to_entry("Germany", &portions, Currency::CHF).unwrap();
        assert_eq!(entry.budget_year, 2016);
        assert_eq!(
            entry.description,
            "Contribution from Germany for 2016, 2017, the rest held as a credit"
        );
        let years: Vec<_> = entry.transfers.iter().map(|t| t.budget_year).collect();
        assert_eq!(years, [None, Some(2017), None]);
        assert_eq!(
            entry.transfers[2].credit.as_str(),
            "liabilities:prepaid:DEU"
        );
        // Portions that do not add up to the payment are refused.
        assert!(matches!(
            c.to_entry("Germany", &[Portion::Credit { minor: 999 }], Currency::CHF),
            Err(DomainError::AllocationMismatch { .. })
        ));
    }

    #[test]
    fn each_rule_rejects_its_case() {
        assert!(matches!(
            entry(&contribution(Money::from_minor(0, Currency::CHF), None)),
            Err(DomainError::ContributionNotPositive { .. })
        ));
        assert!(matches!(
            entry(&contribution(Money::from_minor(-100, Currency::CHF), None)),
            Err(DomainError::ContributionNotPositive { .. })
        ));
        assert_eq!(
            entry(&contribution(Money::from_minor(100, Currency::USD), None)),
            Err(DomainError::RateRequired {
                currency: Currency::USD,
                book: Currency::CHF
            })
        );
        assert_eq!(
            entry(&contribution(
                Money::from_minor(100, Currency::CHF),
                Some("1.1")
            )),
            Err(DomainError::RateNotAllowed {
                currency: Currency::CHF
            })
        );
        // USD 0.01 at 0.0001 is worth nothing in CHF: refused rather than booked as zero.
        assert!(matches!(
            entry(&contribution(
                Money::from_minor(1, Currency::USD),
                Some("0.0001")
            )),
            Err(DomainError::ContributionNotPositive { .. })
        ));
    }
}
