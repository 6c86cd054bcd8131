//! `report YEAR`: what the Coordination Committee sees at a meeting, gathered from the
//! reports the other commands print (among them the time-line of what falls due next), plus
//! the curves of money received day by day.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::budget_report::BudgetReport;
use super::honour_roll::HonourRoll;
use super::meeting::MeetingShow;
use super::outstanding::Outstanding;
use super::status::{FundingStatus, PartyReceived};
use super::timeline::Timeline;
use super::transparency::TransparencyStatus;
use crate::money::{Currency, Money, MoneyError};

/// How many States are named in the contributions by State; the others are summed.
pub const STATES_NAMED_MAX: usize = 10;

/// The running total received for a budget year, one point per day something was
/// received (or taken back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Curve {
    pub year: i32,
    /// Up to this day.
    pub until: NaiveDate,
    /// Received on entries dated before the 1st of January of `year` (prepayments).
    pub before_year: Money,
    /// `(day, running total on that day)`, by day, from the 1st of January of `year`.
    pub points: Vec<(NaiveDate, Money)>,
    /// The running total on `until`.
    pub total: Money,
}

impl Curve {
    /// The curve from the day-by-day net amounts received for `year` up to `until`.
    pub fn from_days(
        year: i32,
        until: NaiveDate,
        days: &[(NaiveDate, Money)],
        currency: Currency,
    ) -> Result<Curve, MoneyError> {
        let mut before_year = Money::zero(currency);
        let mut running = Money::zero(currency);
        let mut points = Vec::new();
        for (day, amount) in days.iter().filter(|(day, _)| *day <= until) {
            running = running.checked_add(*amount)?;
            if day.year() < year {
                before_year = running;
            } else {
                points.push((*day, running));
            }
        }
        Ok(Curve {
            year,
            until,
            before_year,
            points,
            total: running,
        })
    }
}

/// Contributions received for the year by State: the largest, then the rest together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ByState {
    /// The largest contributions, largest first (by code when equal).
    pub largest: Vec<PartyReceived>,
    /// How many other States contributed, and how much together.
    pub others: usize,
    pub others_received: Money,
    pub total: Money,
}

impl ByState {
    /// The `named` largest of what each party paid, and the rest together.
    pub fn of(
        by_party: &[PartyReceived],
        named: usize,
        currency: Currency,
    ) -> Result<ByState, MoneyError> {
        let mut paid: Vec<&PartyReceived> = by_party
            .iter()
            .filter(|p| p.received.is_positive())
            .collect();
        paid.sort_by(|a, b| {
            b.received
                .minor()
                .cmp(&a.received.minor())
                .then_with(|| a.party.cmp(&b.party))
        });
        let mut others_received = Money::zero(currency);
        for party in paid.iter().skip(named) {
            others_received = others_received.checked_add(party.received)?;
        }
        let mut total = Money::zero(currency);
        for party in by_party {
            total = total.checked_add(party.received)?;
        }
        Ok(ByState {
            largest: paid.iter().take(named).map(|p| (*p).clone()).collect(),
            others: paid.len().saturating_sub(named),
            others_received,
            total,
        })
    }
}

/// The Coordination Committee report of a year on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitteeReport {
    pub year: i32,
    pub as_of: NaiveDate,
    /// As `status` prints it, with the previous year at the same date a year earlier.
    pub status: FundingStatus,
    pub received: Curve,
    /// The previous year's curve up to the same date a year earlier.
    pub previous: Option<Curve>,
    pub by_state: ByState,
    /// As `outstanding` prints it.
    pub outstanding: Outstanding,
    /// As `honour-roll` prints it.
    pub honour_roll: HonourRoll,
    /// As `budget report` prints it.
    pub budget: BudgetReport,
    /// As `meeting show` prints them, for the meetings held in the year.
    pub meetings: Vec<MeetingShow>,
    /// As `transparency status` prints it on the same day: the round of the year before
    /// the report's day (the latest whose year has ended) and the initial reports overdue.
    pub transparency: TransparencyStatus,
    /// As `timeline` prints it: what is overdue and what falls due in the next 30 days.
    pub timeline: Timeline,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, m, d).unwrap()
    }

    fn chf(minor: i64) -> Money {
        Money::from_minor(minor, Currency::CHF)
    }

    #[test]
    fn the_curve_runs_up_from_what_was_prepaid() {
        let days = [
            (NaiveDate::from_ymd_opt(2016, 12, 14).unwrap(), chf(1_000)),
            (day(1, 11), chf(5_000)),
            (day(3, 1), chf(-500)),
            (day(7, 1), chf(9_999)),
        ];
        let curve = Curve::from_days(2017, day(6, 27), &days, Currency::CHF).unwrap();
        assert_eq!(curve.before_year, chf(1_000));
        assert_eq!(
            curve.points,
            vec![(day(1, 11), chf(6_000)), (day(3, 1), chf(5_500))]
        );
        assert_eq!(curve.total, chf(5_500), "a day after until is left out");
    }

    #[test]
    fn the_largest_states_are_named_and_the_rest_summed() {
        let paid = |code: &str, minor| PartyReceived {
            party: code.parse().unwrap(),
            name: code.to_string(),
            received: chf(minor),
        };
        let by_party = [
            paid("AUT", 300),
            paid("BEL", 500),
            paid("CHE", 300),
            paid("DEU", 100),
            paid("ESP", 0),
        ];
        let by_state = ByState::of(&by_party, 2, Currency::CHF).unwrap();
        let named: Vec<&str> = by_state.largest.iter().map(|p| p.party.as_str()).collect();
        assert_eq!(named, ["BEL", "AUT"], "largest first, by code when equal");
        assert_eq!(by_state.others, 2, "ESP paid nothing");
        assert_eq!(by_state.others_received, chf(400));
        assert_eq!(by_state.total, chf(1_200));
        let all = ByState::of(&by_party, 10, Currency::CHF).unwrap();
        assert_eq!((all.others, all.others_received), (0, chf(0)));
    }
}
