//! `status YEAR`: how funded is the year's budget on a given date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::standing::Standings;
use crate::domain::budget::Budget;
use crate::domain::party::Party;
use crate::ledger::{FundCode, PartyCode};
use crate::money::{Currency, Money, MoneyError, Percent};
use crate::store::ReceivedRow;

/// What was received for the year through one fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundReceived {
    pub fund: FundCode,
    pub received: Money,
}

/// What one party has paid for the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyReceived {
    pub party: PartyCode,
    pub name: String,
    pub received: Money,
}

/// The change since an earlier date, as the Director reports it at a meeting: "one
/// additional State Party has contributed CHF 16'584.98, bringing the number to 34".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeSince {
    pub since: NaiveDate,
    /// Received up to `since`.
    pub received_then: Money,
    pub contributors_then: usize,
    /// Received after `since`, up to `as_of`.
    pub received_since: Money,
    /// Parties that had paid nothing by `since` and have paid since, with what they paid.
    pub new_contributors: Vec<PartyReceived>,
}

/// The funding status of a budget year on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingStatus {
    pub year: i32,
    pub as_of: NaiveDate,
    pub currency: Currency,
    /// The approved budget in force on `as_of`; `None` when none was approved.
    pub budget: Option<Money>,
    pub budget_approved_on: Option<NaiveDate>,
    pub budget_approved_by: Option<String>,
    /// Received for the year from entries dated up to `as_of`.
    pub received: Money,
    /// `received / budget`, from the integers.
    pub percent_funded: Option<Percent>,
    /// Parties that have paid something for the year.
    pub contributors: usize,
    /// State Parties for which the convention is in force on `as_of` (or at the end of
    /// the year, if that is earlier).
    pub parties_expected: usize,
    /// Of the parties expected, how many have paid something.
    pub contributors_expected: usize,
    pub by_fund: Vec<FundReceived>,
    /// Parties that have paid something, by code.
    pub by_party: Vec<PartyReceived>,
    /// Assessments, pledges and what remains to collect.
    #[serde(flatten)]
    pub collection: Collection,
    /// The same figures for the previous budget year, at the same date a year earlier.
    pub previous_year: Option<PreviousYear>,
    /// The change since an earlier date, when one is asked for.
    pub change: Option<ChangeSince>,
    /// Expenditure against the budget to date and the balance of the year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spending: Option<crate::reports::budget_report::Spending>,
}

/// What was asked of the parties for the year and what remains to collect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collection {
    pub assessed: Money,
    pub pledged: Money,
    /// Parties assessed or pledging for the year.
    pub parties_assessed: usize,
    /// Of those, how many have paid in full, in part, nothing.
    pub paid_in_full: usize,
    pub part_paid: usize,
    pub no_payment: usize,
    /// Still owed for the year.
    pub outstanding: Money,
    /// Still owed for earlier years.
    pub arrears: Money,
    /// Credits held for parties (paid beyond what they owed).
    pub credits_held: Money,
}

impl Collection {
    /// Nothing assessed, pledged or owed, in `currency`.
    pub fn nothing(currency: Currency) -> Collection {
        let zero = Money::zero(currency);
        Collection {
            assessed: zero,
            pledged: zero,
            parties_assessed: 0,
            paid_in_full: 0,
            part_paid: 0,
            no_payment: 0,
            outstanding: zero,
            arrears: zero,
            credits_held: zero,
        }
    }
}

/// The headline figures of the previous year at the same date a year earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviousYear {
    pub year: i32,
    pub as_of: NaiveDate,
    pub budget: Option<Money>,
    pub received: Money,
    pub percent_funded: Option<Percent>,
    pub contributors: usize,
    pub paid_in_full: usize,
    pub outstanding: Money,
    pub arrears: Money,
}

impl FundingStatus {
    /// Adds what was assessed and pledged for the year and what remains to collect, from
    /// the parties' standings on `as_of`.
    pub fn with_collection(mut self, standings: &Standings) -> Self {
        let currency = self.currency;
        let in_book = |minor| Money::from_minor(minor, currency);
        let mut c = Collection::nothing(currency);
        let (mut assessed, mut pledged, mut outstanding, mut arrears, mut credits) =
            (0i64, 0i64, 0i64, 0i64, 0i64);
        for standing in standings.values() {
            let year = standing.year(self.year);
            assessed += year.assessed_minor;
            pledged += year.pledged_minor;
            outstanding += year.outstanding_minor;
            arrears += standing
                .arrears_before(self.year)
                .iter()
                .map(|(_, m)| m)
                .sum::<i64>();
            credits += standing.credit_minor;
            if year.expected_minor() > 0 {
                c.parties_assessed += 1;
                if year.outstanding_minor <= 0 {
                    c.paid_in_full += 1;
                } else if year.received_minor > 0 {
                    c.part_paid += 1;
                } else {
                    c.no_payment += 1;
                }
            }
        }
        c.assessed = in_book(assessed);
        c.pledged = in_book(pledged);
        c.outstanding = in_book(outstanding);
        c.arrears = in_book(arrears);
        c.credits_held = in_book(credits);
        self.collection = c;
        self
    }

    /// Adds the previous year's headline figures from its status a year earlier.
    pub fn with_previous_year(mut self, previous: &FundingStatus) -> Self {
        self.previous_year = Some(PreviousYear {
            year: previous.year,
            as_of: previous.as_of,
            budget: previous.budget,
            received: previous.received,
            percent_funded: previous.percent_funded,
            contributors: previous.contributors,
            paid_in_full: previous.collection.paid_in_full,
            outstanding: previous.collection.outstanding,
            arrears: previous.collection.arrears,
        });
        self
    }

    /// Adds the change since `earlier`, the status of the same year on an earlier date.
    pub fn with_change_since(mut self, earlier: &FundingStatus) -> Result<Self, MoneyError> {
        let paid_then = |party: &PartyCode| {
            earlier
                .by_party
                .iter()
                .any(|p| &p.party == party && p.received.is_positive())
        };
        self.change = Some(ChangeSince {
            since: earlier.as_of,
            received_then: earlier.received,
            contributors_then: earlier.contributors,
            received_since: self.received.checked_sub(earlier.received)?,
            new_contributors: self
                .by_party
                .iter()
                .filter(|p| p.received.is_positive() && !paid_then(&p.party))
                .cloned()
                .collect(),
        });
        Ok(self)
    }
}

/// Builds the status from the budget in force, what each party paid, and the parties.
pub fn funding_status(
    year: i32,
    as_of: NaiveDate,
    budget: Option<&Budget>,
    received: &[ReceivedRow],
    parties: &[Party],
    currency: Currency,
) -> Result<FundingStatus, MoneyError> {
    let mut total = Money::zero(currency);
    let mut by_party: BTreeMap<&PartyCode, Money> = BTreeMap::new();
    let mut by_fund: BTreeMap<&FundCode, Money> = BTreeMap::new();
    for row in received {
        total = total.checked_add(row.received)?;
        let party = by_party.entry(&row.party).or_insert(Money::zero(currency));
        *party = party.checked_add(row.received)?;
        let fund = by_fund.entry(&row.fund).or_insert(Money::zero(currency));
        *fund = fund.checked_add(row.received)?;
    }
    let paid = |code: &PartyCode| by_party.get(code).is_some_and(|m| m.is_positive());
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).expect("the last day of a year exists");
    let expected: Vec<&Party> = parties
        .iter()
        .filter(|p| p.is_expected_to_contribute(as_of.min(year_end)))
        .collect();
    Ok(FundingStatus {
        year,
        as_of,
        currency,
        budget: budget.map(|b| b.total),
        budget_approved_on: budget.map(|b| b.approved_on),
        budget_approved_by: budget.and_then(|b| b.approved_by.clone()),
        received: total,
        percent_funded: budget.and_then(|b| Percent::of(total.minor(), b.total.minor())),
        contributors: by_party.values().filter(|m| m.is_positive()).count(),
        parties_expected: expected.len(),
        contributors_expected: expected.iter().filter(|p| paid(&p.code)).count(),
        by_fund: by_fund
            .into_iter()
            .filter(|(_, received)| received.minor() != 0)
            .map(|(fund, received)| FundReceived {
                fund: fund.clone(),
                received,
            })
            .collect(),
        by_party: by_party
            .iter()
            .filter(|(_, received)| received.minor() != 0)
            .map(|(code, received)| PartyReceived {
                party: (*code).clone(),
                name: parties
                    .iter()
                    .find(|p| &p.code == *code)
                    .map_or_else(|| code.to_string(), |p| p.name.clone()),
                received: *received,
            })
            .collect(),
        collection: Collection::nothing(currency),
        previous_year: None,
        change: None,
        spending: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::party::PartyInput;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn party(code: &str, in_force: NaiveDate) -> Party {
        Party::new(PartyInput {
            code: code.into(),
            in_force_on: Some(in_force),
            ..PartyInput::default()
        })
        .unwrap()
    }

    fn row(party: &str, fund: &str, minor: i64) -> ReceivedRow {
        ReceivedRow {
            party: party.parse().unwrap(),
            fund: fund.parse().unwrap(),
            received: Money::from_minor(minor, Currency::CHF),
        }
    }

    #[test]
    fn sums_counts_and_percent_from_integers() {
        let budget = Budget::new(
            2017,
            Money::from_minor(45_900_000, Currency::CHF),
            Some("6MSP".into()),
            date(2016, 9, 7),
            vec![],
        )
        .unwrap();
        let parties = [
            party("DEU", date(2010, 8, 1)),
            party("FRA", date(2010, 8, 1)),
            party("CHE", date(2013, 1, 1)),
            party("MDG", date(2017, 11, 1)),
        ];
        let received = [
            row("DEU", "isu", 29_533_756),
            row("FRA", "isu", 1_658_498),
            row("FRA", "sponsorship", 0),
            row("CHE", "isu", -100),
            row("CHE", "isu", 100),
        ];
        let status = funding_status(
            2017,
            date(2017, 6, 27),
            Some(&budget),
            &received,
            &parties,
            Currency::CHF,
        )
        .unwrap();
        assert_eq!(
            status.received,
            Money::from_minor(31_192_254, Currency::CHF)
        );
        assert_eq!(status.percent_funded.unwrap().to_string(), "68.0%");
        assert_eq!(status.contributors, 2);
        assert_eq!(status.parties_expected, 3, "MDG is not yet in force");
        assert_eq!(status.contributors_expected, 2);
        assert_eq!(status.by_fund.len(), 1);
        assert_eq!(status.by_party.len(), 2, "CHE's net is zero");

        let earlier = funding_status(
            2017,
            date(2017, 5, 16),
            Some(&budget),
            &received[..1],
            &parties,
            Currency::CHF,
        )
        .unwrap();
        let change = status.with_change_since(&earlier).unwrap().change.unwrap();
        assert_eq!(change.contributors_then, 1);
        assert_eq!(
            change.received_since,
            Money::from_minor(1_658_498, Currency::CHF)
        );
        assert_eq!(change.new_contributors.len(), 1);
        assert_eq!(change.new_contributors[0].name, "France");
        let no_budget =
            funding_status(2018, date(2018, 1, 1), None, &[], &parties, Currency::CHF).unwrap();
        assert_eq!(no_budget.percent_funded, None);
        assert_eq!(no_budget.parties_expected, 4, "MDG is in force by 2018");
    }
}
