//! The chart of accounts: the names the business rules post to, in the plain-text
//! accounting style so that exports read naturally in hledger, ledger and beancount.

use crate::ledger::AccountName;
use crate::money::Currency;

/// Money held at the bank, one account per currency: `assets:bank:chf`.
pub fn bank(currency: Currency) -> AccountName {
    format!("assets:bank:{}", currency.lowercase())
        .parse()
        .expect("bank account names are valid")
}

/// Where amounts change currency, at the rate the entry records.
pub fn conversion() -> AccountName {
    "equity:conversion".parse().expect("valid account name")
}

/// Contributions received with nothing assessed or pledged to set them against.
pub fn contributions_voluntary() -> AccountName {
    "income:contributions:voluntary"
        .parse()
        .expect("valid account name")
}

/// The accounts whose net credit, per party and budget year, is what that party has paid
/// for that year: contribution income, what the party owes (which its payments reduce), and
/// what it has paid in advance. An assessment debits the receivable and credits income by
/// the same amount, so it adds nothing here; a payment adds its amount, a reversal takes it
/// back.
pub const CONTRIBUTION_ACCOUNTS: [&str; 3] = [
    "income:contributions",
    "assets:receivable:contributions",
    "liabilities:prepaid",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_names_are_valid_and_typed() {
        use crate::ledger::AccountType;
        assert_eq!(bank(Currency::USD).as_str(), "assets:bank:usd");
        assert_eq!(conversion().account_type(), AccountType::Equity);
        assert_eq!(
            contributions_voluntary().account_type(),
            AccountType::Income
        );
        for name in CONTRIBUTION_ACCOUNTS {
            assert!(name.parse::<AccountName>().is_ok(), "{name}");
        }
        assert!(contributions_voluntary().is_under(CONTRIBUTION_ACCOUNTS[0]));
    }
}
