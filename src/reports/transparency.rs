//! `transparency status [YEAR]`: where the States Parties stand with their Article 7 reports
//! on a day. For the annual round of YEAR (the update covering calendar year YEAR, due on the
//! annual day of YEAR + 1): how many States Parties owe it, how many submitted it (on time,
//! late), the rate, and who has not; and every State Party whose initial report is overdue.
//!
//! A State Party owes the round of YEAR when the rule of `domain::transparency` says so: its
//! initial report fell due in YEAR or earlier. A report counts when it was submitted on or
//! before the day of the report (`as_of`); one recorded as submitted later, or reversed,
//! does not.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::party::{Party, PartyKind};
use crate::domain::transparency::{Period, ReportSubmitted, ReportingRule};
use crate::ledger::PartyCode;
use crate::money::Percent;

/// A report a State Party has not submitted, with the day it fell due and how many days
/// late it is on the day of the report (0 when it is not yet due).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportMissing {
    pub party: PartyCode,
    pub name: String,
    pub due_on: NaiveDate,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransparencyStatus {
    /// The calendar year the annual updates of the round cover.
    pub year: i32,
    pub as_of: NaiveDate,
    /// How many States Parties owe the round's update.
    pub due: usize,
    /// How many of them submitted it by `as_of`, and how many of those by its due date.
    pub submitted: usize,
    pub submitted_on_time: usize,
    /// Submitted out of due, in percent; `null` when no State owes the round.
    pub rate_percent: Option<Percent>,
    /// The States that owe the round's update and have not submitted it, by code.
    pub missing: Vec<ReportMissing>,
    /// The States Parties whose initial report was due before `as_of` and is not in, by
    /// due date then code.
    pub initial_overdue: Vec<ReportMissing>,
    /// The round's due date.
    #[serde(skip)]
    pub round_due_on: NaiveDate,
}

impl TransparencyStatus {
    pub fn submitted_late(&self) -> usize {
        self.submitted - self.submitted_on_time
    }
}

/// One report as recorded, for `transparency list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    /// The number to name it by (its order of recording).
    pub id: i64,
    pub party: PartyCode,
    pub period: Period,
    pub submitted_on: NaiveDate,
    /// The day it was due under the rule; none for an update the State did not owe.
    pub due_on: Option<NaiveDate>,
    pub symbol: String,
    /// The reason it was reversed, if it was; a reversed report counts nowhere.
    pub reversed: Option<String>,
}

/// Every report recorded, in the order recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportList {
    pub reports: Vec<ReportLine>,
}

/// The day each report in force was submitted, by party and period, of the reports
/// submitted on or before `as_of` (the first, should two be in force).
pub fn submitted_by(
    reports: &[ReportSubmitted],
    as_of: NaiveDate,
) -> BTreeMap<(PartyCode, Period), NaiveDate> {
    let mut submitted: BTreeMap<(PartyCode, Period), NaiveDate> = BTreeMap::new();
    for report in reports.iter().filter(|r| r.submitted_on <= as_of) {
        submitted
            .entry((report.party.clone(), report.period))
            .and_modify(|on| *on = (*on).min(report.submitted_on))
            .or_insert(report.submitted_on);
    }
    submitted
}

/// The status of the round of `year` and of initial reports on `as_of`, from the parties as
/// they stood on `as_of` and the reports in force (not reversed).
pub fn transparency_status(
    year: i32,
    as_of: NaiveDate,
    rule: &ReportingRule,
    parties: &[Party],
    reports: &[ReportSubmitted],
) -> TransparencyStatus {
    let submitted = submitted_by(reports, as_of);
    let round_due_on = rule.annual_due(year);
    let late_by = |due_on: NaiveDate| (as_of - due_on).num_days().max(0);
    let mut status = TransparencyStatus {
        year,
        as_of,
        due: 0,
        submitted: 0,
        submitted_on_time: 0,
        rate_percent: None,
        missing: Vec::new(),
        initial_overdue: Vec::new(),
        round_due_on,
    };
    for party in parties.iter().filter(|p| p.kind == PartyKind::StateParty) {
        let Some(bound_from) = rule.bound_from(party) else {
            continue;
        };
        let missing = |due_on| ReportMissing {
            party: party.code.clone(),
            name: party.name.clone(),
            due_on,
            days_overdue: late_by(due_on),
        };
        let initial_due = rule.initial_due(bound_from);
        if initial_due < as_of && !submitted.contains_key(&(party.code.clone(), Period::Initial)) {
            status.initial_overdue.push(missing(initial_due));
        }
        let Some(due_on) = rule.due_on(bound_from, Period::Annual(year)) else {
            continue;
        };
        status.due += 1;
        match submitted.get(&(party.code.clone(), Period::Annual(year))) {
            Some(&on) => {
                status.submitted += 1;
                if on <= due_on {
                    status.submitted_on_time += 1;
                }
            }
            None => status.missing.push(missing(due_on)),
        }
    }
    status.rate_percent = Percent::of(status.submitted as i64, status.due as i64);
    status
        .initial_overdue
        .sort_by(|a, b| (a.due_on, &a.party).cmp(&(b.due_on, &b.party)));
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::party::PartyInput;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn state(code: &str, in_force: NaiveDate) -> Party {
        Party::new(PartyInput {
            code: code.into(),
            in_force_on: Some(in_force),
            ..PartyInput::default()
        })
        .unwrap()
    }

    fn report(code: &str, period: Period, on: NaiveDate) -> ReportSubmitted {
        ReportSubmitted {
            party: code.parse().unwrap(),
            period,
            submitted_on: on,
            symbol: String::new(),
        }
    }

    /// Five States on 27 June 2017, round 2016 (due 30 April 2017): AUT on time, BEL late,
    /// BGR missing, FRA reported after the day of the report (missing), ZAF not yet due
    /// (in force 1 December 2016, initial report due 30 May 2017, overdue).
    #[test]
    fn the_round_counts_on_time_late_missing_and_not_yet_due() {
        let parties = vec![
            state("AUT", date(2010, 8, 1)),
            state("BEL", date(2010, 8, 1)),
            state("BGR", date(2011, 10, 1)),
            state("FRA", date(2011, 3, 1)),
            state("ZAF", date(2016, 12, 1)),
        ];
        let reports = vec![
            report("AUT", Period::Annual(2016), date(2017, 4, 30)),
            report("BEL", Period::Annual(2016), date(2017, 5, 2)),
            report("FRA", Period::Annual(2016), date(2017, 6, 28)),
            report("AUT", Period::Initial, date(2011, 1, 27)),
            report("BEL", Period::Initial, date(2011, 2, 1)),
            report("FRA", Period::Initial, date(2011, 8, 1)),
        ];
        let as_of = date(2017, 6, 27);
        let status =
            transparency_status(2016, as_of, &ReportingRule::default(), &parties, &reports);
        assert_eq!(status.due, 4);
        assert_eq!(status.submitted, 2);
        assert_eq!(status.submitted_on_time, 1);
        assert_eq!(status.submitted_late(), 1);
        assert_eq!(status.rate_percent.unwrap().to_string(), "50.0%");
        let missing: Vec<(&str, i64)> = status
            .missing
            .iter()
            .map(|m| (m.party.as_str(), m.days_overdue))
            .collect();
        // 30 April to 27 June: 58 days.
        assert_eq!(missing, vec![("BGR", 58), ("FRA", 58)]);
        let initial: Vec<(&str, NaiveDate, i64)> = status
            .initial_overdue
            .iter()
            .map(|m| (m.party.as_str(), m.due_on, m.days_overdue))
            .collect();
        assert_eq!(
            initial,
            vec![
                ("BGR", date(2012, 3, 29), 1916),
                ("ZAF", date(2017, 5, 30), 28)
            ]
        );
    }

    #[test]
    fn no_state_due_gives_no_rate() {
        let status = transparency_status(
            2016,
            date(2017, 6, 27),
            &ReportingRule::default(),
            &[state("ZAF", date(2016, 12, 1))],
            &[],
        );
        assert_eq!((status.due, status.rate_percent), (0, None));
    }
}
