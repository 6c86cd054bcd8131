//! `honour-roll YEAR`: the parties that paid what they were assessed or pledged for the
//! year in full, in the order they completed payment, with an on-time flag.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::domain::party::Party;
use crate::ledger::PartyCode;
use crate::money::{Currency, Money};
use crate::store::ReceivableDay;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HonourRow {
    pub party: PartyCode,
    pub name: String,
    /// What the party was assessed or pledged for the year.
    pub amount: Money,
    /// The day the last payment needed arrived.
    pub paid_on: NaiveDate,
    /// The day of the assessment.
    pub assessed_on: NaiveDate,
    /// Paid within the due days of the assessment.
    pub on_time: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HonourRoll {
    pub year: i32,
    pub as_of: NaiveDate,
    pub due_days: u32,
    pub rows: Vec<HonourRow>,
    pub count: usize,
    pub count_on_time: usize,
}

/// Builds the roll from each party's daily receivable movements for the year (by party,
/// then day). A party is on it when its receivable for the year was charged and is
/// settled on `as_of`; it completed payment on the last day its balance fell to zero.
pub fn honour_roll(
    year: i32,
    as_of: NaiveDate,
    due_days: u32,
    days: &[ReceivableDay],
    parties: &[Party],
) -> HonourRoll {
    let mut rows = Vec::new();
    let mut index = 0;
    while index < days.len() {
        let party = &days[index].party;
        let own: Vec<&ReceivableDay> = days[index..]
            .iter()
            .take_while(|d| &d.party == party)
            .collect();
        index += own.len();
        let charged: i64 = own.iter().map(|d| d.debit_minor).sum();
        let mut balance = 0;
        let mut settled_on = None;
        let mut assessed_on = None;
        for day in &own {
            if day.debit_minor > 0 && assessed_on.is_none() {
                assessed_on = Some(day.posted_on);
            }
            let before = balance;
            balance += day.debit_minor - day.credit_minor;
            if balance <= 0 && (before > 0 || settled_on.is_none() && day.credit_minor > 0) {
                settled_on = Some(day.posted_on);
            }
            if balance > 0 {
                settled_on = None;
            }
        }
        let (Some(paid_on), Some(assessed_on)) = (settled_on, assessed_on) else {
            continue;
        };
        if charged <= 0 || balance > 0 {
            continue;
        }
        let due = assessed_on
            .checked_add_days(Days::new(u64::from(due_days)))
            .unwrap_or(NaiveDate::MAX);
        let paid: i64 = own.iter().map(|d| d.credit_minor).sum::<i64>();
        rows.push(HonourRow {
            party: party.clone(),
            name: parties
                .iter()
                .find(|p| &p.code == party)
                .map_or_else(|| party.to_string(), |p| p.name.clone()),
            // Charges less reversed charges: what the year asked of the party.
            amount: Money::from_minor(charged.min(paid), Currency::CHF),
            paid_on,
            assessed_on,
            on_time: paid_on <= due,
        });
    }
    rows.sort_by(|a, b| {
        a.paid_on
            .cmp(&b.paid_on)
            .then_with(|| a.party.cmp(&b.party))
    });
    let count_on_time = rows.iter().filter(|r| r.on_time).count();
    HonourRoll {
        year,
        as_of,
        due_days,
        count: rows.len(),
        count_on_time,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(party: &str, on: (i32, u32, u32), debit: i64, credit: i64) -> ReceivableDay {
        ReceivableDay {
            party: party.parse().unwrap(),
            posted_on: NaiveDate::from_ymd_opt(on.0, on.1, on.2).unwrap(),
            debit_minor: debit,
            credit_minor: credit,
        }
    }

    #[test]
    fn order_by_completion_and_on_time_flags() {
        let days = [
            // AUT: assessed 1 Jan, paid in two parts, complete on 20 Feb: late.
            day("AUT", (2017, 1, 1), 1000, 0),
            day("AUT", (2017, 1, 10), 0, 400),
            day("AUT", (2017, 2, 20), 0, 600),
            // CHE: assessed 1 Jan, paid in full on 15 Jan: on time.
            day("CHE", (2017, 1, 1), 500, 0),
            day("CHE", (2017, 1, 15), 0, 500),
            // DEU: part paid only: not on the roll.
            day("DEU", (2017, 1, 1), 900, 0),
            day("DEU", (2017, 1, 5), 0, 100),
        ];
        let roll = honour_roll(
            2017,
            NaiveDate::from_ymd_opt(2017, 6, 30).unwrap(),
            30,
            &days,
            &[],
        );
        let order: Vec<_> = roll
            .rows
            .iter()
            .map(|r| (r.party.as_str().to_string(), r.on_time))
            .collect();
        assert_eq!(order, [("CHE".into(), true), ("AUT".into(), false)]);
        assert_eq!(
            roll.rows[1].paid_on,
            NaiveDate::from_ymd_opt(2017, 2, 20).unwrap()
        );
        assert_eq!(roll.rows[1].amount.minor(), 1000);
        assert_eq!((roll.count, roll.count_on_time), (2, 1));
    }
}
