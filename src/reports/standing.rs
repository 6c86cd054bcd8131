//! Where each party stands on a date: per budget year what it was assessed or pledged,
//! what it paid and what it still owes; and the credit it holds. Built from the net
//! turnover of the contribution accounts, so it agrees with the ledger by construction.

use std::collections::BTreeMap;

use crate::domain::accounts::{self, PREPAID, RECEIVABLE};
use crate::ledger::PartyCode;
use crate::store::PositionRow;

/// One party's figures for one budget year, in minor units of the book currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearStanding {
    pub assessed_minor: i64,
    pub pledged_minor: i64,
    /// Applied to the year: payments and credits, less reversals.
    pub received_minor: i64,
    /// The balance of the party's receivable for the year.
    pub outstanding_minor: i64,
    /// Arrears of the year written off by decision of the Meeting.
    pub written_off_minor: i64,
}

impl YearStanding {
    /// Assessed plus pledged: what the party is expected to pay for the year.
    pub fn expected_minor(&self) -> i64 {
        self.assessed_minor + self.pledged_minor
    }
}

/// One party's standing across years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyStanding {
    pub years: BTreeMap<i32, YearStanding>,
    /// The credit held for the party, in minor units of the book currency.
    pub credit_minor: i64,
}

impl PartyStanding {
    pub fn year(&self, year: i32) -> YearStanding {
        self.years.get(&year).copied().unwrap_or_default()
    }

    /// Outstanding for each year before `year`, where anything is.
    pub fn arrears_before(&self, year: i32) -> Vec<(i32, i64)> {
        self.years
            .range(..year)
            .filter(|(_, s)| s.outstanding_minor != 0)
            .map(|(y, s)| (*y, s.outstanding_minor))
            .collect()
    }
}

/// Every party's standing, by code.
pub type Standings = BTreeMap<PartyCode, PartyStanding>;

/// Builds the standings from the contribution accounts' turnover.
pub fn standings(rows: &[PositionRow]) -> Standings {
    let assessed = accounts::contributions_assessed();
    let pledged = accounts::contributions_pledged();
    let written_off = accounts::written_off_receivable();
    let written_off_income = accounts::contributions_written_off();
    let receivable_prefix = format!("{RECEIVABLE}:");
    let prepaid_prefix = format!("{PREPAID}:");
    let mut all = Standings::new();
    for row in rows {
        let net_credit = row.credit_minor - row.debit_minor;
        let name = row.account.as_str();
        let owner = |prefix: &str| {
            name.strip_prefix(prefix)
                .and_then(|code| code.parse::<PartyCode>().ok())
        };
        if let Some(party) = owner(&prepaid_prefix) {
            all.entry(party).or_default().credit_minor += net_credit;
            continue;
        }
        // The party's receivable; else what an entry of the party credits: contribution
        // income, or arrears leaving its receivable by a write-off.
        let (party, receivable) = match owner(&receivable_prefix) {
            Some(party) => (party, true),
            None => match &row.party {
                Some(party) => (party.clone(), false),
                None => continue,
            },
        };
        let year = all
            .entry(party)
            .or_default()
            .years
            .entry(row.budget_year)
            .or_default();
        year.received_minor += net_credit;
        if receivable {
            year.outstanding_minor -= net_credit;
        } else if row.account == written_off || row.account == written_off_income {
            // Arrears written off leave the receivable of their year through the
            // written-off account; in the year of the write-off the loss and the clearing
            // of that account cancel out.
            year.written_off_minor -= net_credit;
        } else if row.account == assessed {
            year.assessed_minor += net_credit;
        } else if row.account == pledged {
            year.pledged_minor += net_credit;
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(year: i32, account: &str, party: &str, debit: i64, credit: i64) -> PositionRow {
        PositionRow {
            budget_year: year,
            account: account.parse().unwrap(),
            party: Some(party.parse().unwrap()),
            debit_minor: debit,
            credit_minor: credit,
        }
    }

    #[test]
    fn assessed_received_outstanding_and_credit() {
        let rows = [
            // Assessed 1000 for 2017, paid 600 (and 100 more held as a credit).
            row(2017, "income:contributions:assessed", "DEU", 0, 1000),
            row(
                2017,
                "assets:receivable:contributions:DEU",
                "DEU",
                1000,
                600,
            ),
            row(2017, "liabilities:prepaid:DEU", "DEU", 0, 100),
            // Voluntary 50 for 2017 from France.
            row(2017, "income:contributions:voluntary", "FRA", 0, 50),
        ];
        let all = standings(&rows);
        let deu = &all[&"DEU".parse::<PartyCode>().unwrap()];
        assert_eq!(
            deu.year(2017),
            YearStanding {
                assessed_minor: 1000,
                pledged_minor: 0,
                received_minor: 600,
                outstanding_minor: 400,
                written_off_minor: 0,
            }
        );
        assert_eq!(deu.credit_minor, 100);
        let fra = &all[&"FRA".parse::<PartyCode>().unwrap()];
        assert_eq!(fra.year(2017).received_minor, 50);
        assert_eq!(fra.year(2017).outstanding_minor, 0);
    }

    #[test]
    fn arrears_written_off_are_neither_received_nor_owed() {
        // 2016 assessed 1000, 300 paid, 700 written off in 2018 (the loss in 2018).
        let rows = [
            row(2016, "income:contributions:assessed", "DEU", 0, 1000),
            row(
                2016,
                "assets:receivable:contributions:DEU",
                "DEU",
                1000,
                1000,
            ),
            row(2016, "assets:receivable:written-off", "DEU", 700, 0),
            row(2018, "assets:receivable:written-off", "DEU", 0, 700),
            row(2018, "income:contributions:written-off", "DEU", 700, 0),
        ];
        let all = standings(&rows);
        let deu = &all[&"DEU".parse::<PartyCode>().unwrap()];
        assert_eq!(deu.year(2016).received_minor, 300);
        assert_eq!(deu.year(2016).outstanding_minor, 0);
        assert_eq!(deu.year(2016).written_off_minor, 700);
        assert_eq!(deu.year(2018), YearStanding::default());
    }
}
