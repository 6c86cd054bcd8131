//! The chart of accounts: the names the business rules post to, in the plain-text
//! accounting style so that exports read naturally in hledger, ledger and beancount.

use crate::ledger::{AccountName, PartyCode};
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

/// Income from no party: the bank's interest, a supplier's refund, a gift.
pub fn other_income() -> AccountName {
    "income:other".parse().expect("valid account name")
}

/// What a party owes on its assessments and pledges: `assets:receivable:contributions:DEU`.
pub fn receivable(party: &PartyCode) -> AccountName {
    format!("{RECEIVABLE}:{party}")
        .parse()
        .expect("party codes are valid account segments")
}

/// What a party has paid beyond what it owed, held for it: `liabilities:prepaid:DEU`.
pub fn prepaid(party: &PartyCode) -> AccountName {
    format!("{PREPAID}:{party}")
        .parse()
        .expect("party codes are valid account segments")
}

/// The parent of every party's receivable.
pub const RECEIVABLE: &str = "assets:receivable:contributions";

/// The parent of every party's credit.
pub const PREPAID: &str = "liabilities:prepaid";

/// Income from assessments.
pub fn contributions_assessed() -> AccountName {
    "income:contributions:assessed"
        .parse()
        .expect("valid account name")
}

/// Arrears written off, on their way out of the books: the receivable of their year is
/// cleared into it, and it is cleared into the loss in the year of the write-off.
pub fn written_off_receivable() -> AccountName {
    "assets:receivable:written-off"
        .parse()
        .expect("valid account name")
}

/// Contributions written off by decision of the Meeting: a reduction of contribution income
/// in the year of the write-off.
pub fn contributions_written_off() -> AccountName {
    "income:contributions:written-off"
        .parse()
        .expect("valid account name")
}

/// Income from pledges.
pub fn contributions_pledged() -> AccountName {
    "income:contributions:pledged"
        .parse()
        .expect("valid account name")
}

/// The accounts whose net credit, per party and budget year, is what that party has paid
/// for that year: contribution income and what the party owes (which its payments reduce).
/// An assessment or pledge debits the receivable and credits income by the same amount, so
/// it adds nothing here; a payment applied to the year adds its amount, a reversal takes it
/// back. A credit held for a party (`liabilities:prepaid`) counts for a year only once it
/// is applied to it.
///
/// Arrears written off leave the receivable of their year through
/// `assets:receivable:written-off`, which takes them back out of what was paid for that
/// year; in the year of the write-off the loss (`income:contributions:written-off`) and the
/// clearing of that account cancel out.
pub const CONTRIBUTION_ACCOUNTS: [&str; 3] = [
    "income:contributions",
    RECEIVABLE,
    "assets:receivable:written-off",
];

/// How many known accounts an error message names before it says "…".
pub const SUGGESTIONS_MAX: usize = 6;

/// The accounts a mistyped `name` most likely meant, closest first (by the number of
/// characters to insert, delete or change; ties by name), at most `SUGGESTIONS_MAX` of
/// them, and whether any were left out.
pub fn nearest_first<'a>(name: &str, known: &'a [String]) -> (Vec<&'a str>, bool) {
    let mut ranked: Vec<(usize, &str)> = known
        .iter()
        .map(|k| (edit_distance(name, k), k.as_str()))
        .collect();
    ranked.sort_unstable();
    let more = ranked.len() > SUGGESTIONS_MAX;
    (
        ranked
            .into_iter()
            .take(SUGGESTIONS_MAX)
            .map(|(_, k)| k)
            .collect(),
        more,
    )
}

/// Levenshtein distance over characters, in one row of memory.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

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

    #[test]
    fn the_closest_known_account_comes_first() {
        let known: Vec<String> = [
            "expenses:staff",
            "expenses:translation",
            "expenses:travel",
            "expenses:office",
        ]
        .map(String::from)
        .to_vec();
        let (nearest, more) = nearest_first("expenses:travle", &known);
        assert_eq!(nearest[0], "expenses:travel");
        assert_eq!(nearest.len(), 4);
        assert!(!more);
        assert_eq!(edit_distance("travle", "travel"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        let many: Vec<String> = (0..10).map(|i| format!("expenses:line{i}")).collect();
        let (nearest, more) = nearest_first("expenses:line7", &many);
        assert_eq!(nearest.len(), SUGGESTIONS_MAX);
        assert_eq!(nearest[0], "expenses:line7");
        assert!(more);
    }
}
