//! Article 7 of the CCM (and of the APMBC): transparency reports. A State Party submits an
//! initial report a number of days after the Convention's entry into force for it (180 by
//! default), then an annual update covering each calendar year, due on a day of the next
//! year (30 April by default). The rule is the books' settings (`initial_report_days`,
//! `annual_report_due`); this module turns it into due dates and checks a submission.
//!
//! Which annual rounds a State owes: the first annual update is due on the annual day of the
//! year after the year in which the initial report fell due, and covers that year. So a
//! State whose initial report is due in year Y owes the annual update for Y (due 30 April
//! Y+1) and every later year: entry into force on 1 February 2016 gives an initial report
//! due 30 July 2016 and a first annual update for 2016, due 30 April 2017; entry into force
//! on 1 December 2016 gives an initial report due 30 May 2017 and a first annual update for
//! 2017, due 30 April 2018.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::party::{Party, PartyKind};
use super::DomainError;
use crate::ledger::PartyCode;

/// The rule of Article 7 reports, from the books' settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportingRule {
    /// The initial report is due this many days after entry into force.
    pub initial_days: u32,
    /// The month and day of the year after a calendar year its annual update is due.
    pub annual_due: (u32, u32),
    /// The Convention's own entry into force: a State Party with no recorded entry into
    /// force is taken to have been bound from then.
    pub convention_on: Option<NaiveDate>,
}

impl Default for ReportingRule {
    /// The CCM and APMBC rule: 180 days, then 30 April.
    fn default() -> ReportingRule {
        ReportingRule {
            initial_days: 180,
            annual_due: (4, 30),
            convention_on: None,
        }
    }
}

/// Reads a day of the year written `MM-DD`; 29 February is refused, since not every year
/// has it.
pub fn parse_month_day(text: &str) -> Result<(u32, u32), String> {
    let invalid = || {
        format!(
            "'{}' is not a day of the year: write it as MM-DD (e.g. 04-30)",
            crate::text::excerpt(text)
        )
    };
    let (month, day) = text.trim().split_once('-').ok_or_else(invalid)?;
    if month.len() != 2 || day.len() != 2 {
        return Err(invalid());
    }
    let month: u32 = month.parse().map_err(|_| invalid())?;
    let day: u32 = day.parse().map_err(|_| invalid())?;
    if (month, day) == (2, 29) {
        return Err("02-29 is not in every year: give 02-28 or 03-01".to_string());
    }
    NaiveDate::from_ymd_opt(2017, month, day).ok_or_else(invalid)?;
    Ok((month, day))
}

/// What a report covers: the initial report, or the annual update of a calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Initial,
    Annual(i32),
}

impl FromStr for Period {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Period, DomainError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("initial") {
            return Ok(Period::Initial);
        }
        let invalid = || DomainError::ReportPeriodInvalid {
            period: text.to_string(),
        };
        if text.len() != 4 || !text.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid());
        }
        let year: i32 = text.parse().map_err(|_| invalid())?;
        crate::ledger::check_budget_year(year).map_err(|_| invalid())?;
        Ok(Period::Annual(year))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Initial => f.write_str("initial"),
            Period::Annual(year) => write!(f, "{year}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl ReportingRule {
    /// The day a State bound from `in_force_on` owes its initial report.
    pub fn initial_due(&self, in_force_on: NaiveDate) -> NaiveDate {
        in_force_on
            .checked_add_days(Days::new(u64::from(self.initial_days)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The day the annual update covering `year` is due: the annual day of `year + 1`.
    pub fn annual_due(&self, year: i32) -> NaiveDate {
        let (month, day) = self.annual_due;
        NaiveDate::from_ymd_opt(year + 1, month, day).unwrap_or(NaiveDate::MAX)
    }

    /// The first calendar year whose annual update a State bound from `in_force_on`
    /// owes: the year its initial report falls due.
    pub fn first_annual_year(&self, in_force_on: NaiveDate) -> i32 {
        self.initial_due(in_force_on).year()
    }

    /// The day a State bound from `in_force_on` owes the report of `period`; `None` for an
    /// annual update of a year before its first.
    pub fn due_on(&self, in_force_on: NaiveDate, period: Period) -> Option<NaiveDate> {
        match period {
            Period::Initial => Some(self.initial_due(in_force_on)),
            Period::Annual(year) if year >= self.first_annual_year(in_force_on) => {
                Some(self.annual_due(year))
            }
            Period::Annual(_) => None,
        }
    }

    /// The day the Convention bound `party`: its recorded entry into force, else the
    /// Convention's own; `None` when neither is known.
    pub fn bound_from(&self, party: &Party) -> Option<NaiveDate> {
        party.in_force_on.or(self.convention_on)
    }

    /// Every report a State bound from `in_force_on` owes that falls due on or before
    /// `until`, in date order: the initial report, then each annual update.
    pub fn obligations(
        &self,
        in_force_on: NaiveDate,
        until: NaiveDate,
    ) -> Vec<(Period, NaiveDate)> {
        let mut owed = Vec::new();
        let initial = self.initial_due(in_force_on);
        if initial <= until {
            owed.push((Period::Initial, initial));
        }
        let mut year = self.first_annual_year(in_force_on);
        while self.annual_due(year) <= until {
            owed.push((Period::Annual(year), self.annual_due(year)));
            year += 1;
        }
        owed
    }

    /// Checks a report of `period` from `party`, submitted on `submitted_on`, recorded as of
    /// `as_of`: only a State Party reports; an initial report is not submitted before the
    /// Convention bound the State, an annual update not before the year it covers has ended,
    /// and never for a year after `as_of`'s.
    pub fn check_submission(
        &self,
        party: &Party,
        period: Period,
        submitted_on: NaiveDate,
        as_of: NaiveDate,
    ) -> Result<(), DomainError> {
        if party.kind != PartyKind::StateParty {
            return Err(DomainError::ReportNotStateParty {
                party: party.code.clone(),
                kind: party.kind.to_string(),
            });
        }
        match period {
            Period::Initial => match self.bound_from(party) {
                Some(in_force_on) if submitted_on < in_force_on => {
                    Err(DomainError::ReportBeforeEntryIntoForce {
                        party: party.code.clone(),
                        submitted_on,
                        in_force_on,
                    })
                }
                _ => Ok(()),
            },
            Period::Annual(year) if year > as_of.year() => {
                Err(DomainError::ReportPeriodInFuture { year, as_of })
            }
            Period::Annual(year) if submitted_on.year() <= year => {
                Err(DomainError::ReportBeforePeriodEnd {
                    party: party.code.clone(),
                    year,
                    submitted_on,
                })
            }
            Period::Annual(_) => Ok(()),
        }
    }
}

/// A report as recorded: who, what period, when it was submitted, its document symbol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSubmitted {
    pub party: PartyCode,
    pub period: Period,
    pub submitted_on: NaiveDate,
    /// The document symbol, e.g. `CCM/7MSP/2017/ART7/BGR`; empty when none was given.
    pub symbol: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::party::{PartyInput, PartyKind};
    use crate::domain::settings::EntryIntoForceRule;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn ccm_in_force(deposited: NaiveDate) -> NaiveDate {
        EntryIntoForceRule {
            convention_on: Some(date(2010, 8, 1)),
            months: 6,
        }
        .in_force_on(deposited)
    }

    #[test]
    fn the_initial_report_is_due_180_days_after_entry_into_force() {
        let rule = ReportingRule::default();
        // Deposited 28 May 2010: in force 1 November 2010 (Article 17); 1 November + 180
        // days is 30 April 2011.
        let in_force = ccm_in_force(date(2010, 5, 28));
        assert_eq!(in_force, date(2010, 11, 1));
        assert_eq!(rule.initial_due(in_force), date(2011, 4, 30));
        // Deposited 30 April 2013: in force 1 October 2013, initial report 30 March 2014.
        let in_force = ccm_in_force(date(2013, 4, 30));
        assert_eq!(in_force, date(2013, 10, 1));
        assert_eq!(rule.initial_due(in_force), date(2014, 3, 30));
    }

    #[test]
    fn the_first_annual_update_covers_the_year_the_initial_report_falls_due() {
        let rule = ReportingRule::default();
        // In force 1 February 2016: initial due 30 July 2016, first annual update for 2016.
        let february = date(2016, 2, 1);
        assert_eq!(rule.initial_due(february), date(2016, 7, 30));
        assert_eq!(rule.first_annual_year(february), 2016);
        assert_eq!(
            rule.due_on(february, Period::Annual(2016)),
            Some(date(2017, 4, 30))
        );
        assert_eq!(rule.due_on(february, Period::Annual(2015)), None);
        // In force 1 December 2016: initial due 30 May 2017, nothing owed for 2016; the
        // first annual update is for 2017, due 30 April 2018.
        let december = date(2016, 12, 1);
        assert_eq!(rule.initial_due(december), date(2017, 5, 30));
        assert_eq!(rule.due_on(december, Period::Annual(2016)), None);
        assert_eq!(
            rule.due_on(december, Period::Annual(2017)),
            Some(date(2018, 4, 30))
        );
        assert_eq!(
            rule.obligations(december, date(2018, 4, 30)),
            vec![
                (Period::Initial, date(2017, 5, 30)),
                (Period::Annual(2017), date(2018, 4, 30))
            ]
        );
        assert_eq!(
            rule.obligations(february, date(2017, 4, 29)),
            vec![(Period::Initial, date(2016, 7, 30))]
        );
    }

    #[test]
    fn the_rule_follows_the_settings() {
        let rule = ReportingRule {
            initial_days: 365,
            annual_due: (12, 31),
            convention_on: None,
        };
        assert_eq!(rule.initial_due(date(2016, 1, 1)), date(2016, 12, 31));
        assert_eq!(rule.annual_due(2016), date(2017, 12, 31));
        assert_eq!(parse_month_day("04-30"), Ok((4, 30)));
        assert!(parse_month_day("02-29").is_err());
        assert!(parse_month_day("4-30").is_err());
        assert!(parse_month_day("13-01").is_err());
        assert!(parse_month_day("04-31").is_err());
    }

    #[test]
    fn periods_read_and_write_alike() {
        assert_eq!("initial".parse::<Period>().unwrap(), Period::Initial);
        assert_eq!("2016".parse::<Period>().unwrap(), Period::Annual(2016));
        assert_eq!(Period::Annual(2016).to_string(), "2016");
        assert!("16".parse::<Period>().is_err());
        assert!("first".parse::<Period>().is_err());
    }

    #[test]
    fn a_submission_is_checked_against_the_period_and_the_party() {
        let rule = ReportingRule::default();
        let party = Party::new(PartyInput {
            code: "BGR".into(),
            in_force_on: Some(date(2011, 10, 1)),
            ..PartyInput::default()
        })
        .unwrap();
        let as_of = date(2017, 6, 27);
        let check = |period, submitted| rule.check_submission(&party, period, submitted, as_of);
        assert!(check(Period::Initial, date(2011, 10, 1)).is_ok());
        assert!(matches!(
            check(Period::Initial, date(2011, 9, 30)),
            Err(DomainError::ReportBeforeEntryIntoForce { .. })
        ));
        assert!(check(Period::Annual(2016), date(2017, 1, 1)).is_ok());
        assert!(matches!(
            check(Period::Annual(2016), date(2016, 12, 31)),
            Err(DomainError::ReportBeforePeriodEnd { .. })
        ));
        assert!(matches!(
            check(Period::Annual(2018), date(2019, 1, 2)),
            Err(DomainError::ReportPeriodInFuture { .. })
        ));
        let signatory = Party {
            kind: PartyKind::Signatory,
            ..party.clone()
        };
        assert!(matches!(
            rule.check_submission(&signatory, Period::Initial, date(2012, 1, 1), as_of),
            Err(DomainError::ReportNotStateParty { .. })
        ));
    }
}
