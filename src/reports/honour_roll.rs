//! `honour-roll YEAR`: the parties that paid what they were assessed or pledged for the
//! year in full, in the order they completed payment, with an on-time flag.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::domain::party::Party;
use crate::domain::position::YearPosition;
use crate::ledger::PartyCode;
use crate::money::{Currency, Money};

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
    /// The day it fell due.
    pub due_on: NaiveDate,
    /// Paid in full on or before the day it fell due.
    pub on_time: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HonourRoll {
    pub year: i32,
    pub as_of: NaiveDate,
    /// The due period: days after the charge counted as on time when `--due-days` is
    /// given, else the books' due period by which each charge's due date was set.
    pub due_days: u32,
    /// Whether on time was counted from `due_days` rather than each charge's due date.
    pub counted_from_charge: bool,
    pub rows: Vec<HonourRow>,
    pub count: usize,
    pub count_on_time: usize,
}

/// Builds the roll from where each party stood for the year on `as_of` by the rule of
/// `domain::position`: a party is on it when it was charged for the year and owes nothing
/// for it, none of it written off; it completed payment on the day its balance last fell to
/// zero (a payment's value date, or the charge's own date when a credit paid it). It is on
/// time when that day is on or before the charge's due date, or, with `due_days`, on or
/// before that many days after the charge.
pub fn honour_roll(
    year: i32,
    as_of: NaiveDate,
    due_days: Option<u32>,
    books_due_days: u32,
    positions: &[(PartyCode, YearPosition)],
    parties: &[Party],
    currency: Currency,
) -> HonourRoll {
    let mut rows: Vec<HonourRow> = positions
        .iter()
        .filter_map(|(party, position)| {
            let paid_on = position.settled_on?;
            let assessed_on = position.charged_on?;
            if position.charged_minor <= 0
                || position.owed_minor != 0
                || position.written_off_minor != 0
            {
                return None;
            }
            let due_on = match due_days {
                Some(days) => assessed_on
                    .checked_add_days(Days::new(u64::from(days)))
                    .unwrap_or(NaiveDate::MAX),
                None => position.due_on.unwrap_or(assessed_on),
            };
            Some(HonourRow {
                party: party.clone(),
                name: parties
                    .iter()
                    .find(|p| &p.code == party)
                    .map_or_else(|| party.to_string(), |p| p.name.clone()),
                amount: Money::from_minor(position.charged_minor, currency),
                paid_on,
                assessed_on,
                due_on,
                on_time: paid_on <= due_on,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        a.paid_on
            .cmp(&b.paid_on)
            .then_with(|| a.party.cmp(&b.party))
    });
    let count_on_time = rows.iter().filter(|r| r.on_time).count();
    HonourRoll {
        year,
        as_of,
        due_days: due_days.unwrap_or(books_due_days),
        counted_from_charge: due_days.is_some(),
        count: rows.len(),
        count_on_time,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, m, d).unwrap()
    }

    fn position(charged: i64, owed: i64, settled: Option<NaiveDate>) -> YearPosition {
        YearPosition {
            charged_minor: charged,
            owed_minor: owed,
            written_off_minor: 0,
            charged_on: Some(on(1, 1)),
            due_on: Some(on(1, 31)),
            settled_on: settled,
        }
    }

    #[test]
    fn order_by_completion_and_on_time_flags() {
        let positions = [
            // AUT: complete on 20 Feb, after its due date: late.
            ("AUT".parse().unwrap(), position(1000, 0, Some(on(2, 20)))),
            // CHE: paid in full on 15 Jan: on time.
            ("CHE".parse().unwrap(), position(500, 0, Some(on(1, 15)))),
            // DEU: part paid only: not on the roll.
            ("DEU".parse().unwrap(), position(900, 800, None)),
        ];
        let roll = honour_roll(2017, on(6, 30), None, 30, &positions, &[], Currency::CHF);
        let order: Vec<_> = roll
            .rows
            .iter()
            .map(|r| (r.party.as_str().to_string(), r.on_time))
            .collect();
        assert_eq!(order, [("CHE".into(), true), ("AUT".into(), false)]);
        assert_eq!(roll.rows[1].paid_on, on(2, 20));
        assert_eq!(roll.rows[1].amount.minor(), 1000);
        assert_eq!((roll.count, roll.count_on_time), (2, 1));
        // Counted from the charge with --due-days 60, AUT is on time.
        let roll = honour_roll(
            2017,
            on(6, 30),
            Some(60),
            30,
            &positions,
            &[],
            Currency::CHF,
        );
        assert_eq!(roll.count_on_time, 2);
    }
}
