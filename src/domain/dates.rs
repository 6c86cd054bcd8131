//! The dates the books accept from a user: real ISO days from 1990-01-01 (before any
//! convention an ISU serves) to 400 days after today, unless the user says a later value date
//! is genuine. A typo such as `2031` for `2017`, or `0017`, is refused here instead of being
//! recorded where no report shows it or where it breaks an export.
//!
//! This module never reads the clock: the command line reads it once and installs the range
//! with [`accept_dates`]; until then only the earliest date is enforced.

use std::sync::OnceLock;

use chrono::{Days, NaiveDate};

use super::DomainError;

/// The earliest date accepted.
pub const DATE_EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1990, 1, 1) {
    Some(date) => date,
    None => panic!("1990-01-01 is a date"),
};

/// How many days after today a date may fall without `--allow-future`.
pub const FUTURE_DAYS_MAX: u64 = 400;

/// The range of dates accepted, as of a given today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub today: NaiveDate,
    /// Whether dates more than [`FUTURE_DAYS_MAX`] days ahead are accepted.
    pub allow_future: bool,
}

impl DateRange {
    /// The latest date accepted, if there is one.
    pub fn latest(&self) -> Option<NaiveDate> {
        if self.allow_future {
            None
        } else {
            self.today.checked_add_days(Days::new(FUTURE_DAYS_MAX))
        }
    }

    /// The date, if it is in the range.
    pub fn check(&self, date: NaiveDate) -> Result<NaiveDate, DomainError> {
        check_earliest(date)?;
        match self.latest() {
            Some(latest) if date > latest => Err(DomainError::DateTooFarAhead {
                date,
                today: self.today,
            }),
            _ => Ok(date),
        }
    }
}

static ACCEPTED: OnceLock<DateRange> = OnceLock::new();

/// Installs the range every later [`check_date`] (and so `parse_date`) applies. Called once,
/// by the command line, which alone reads the clock; a second call keeps the first range.
pub fn accept_dates(range: DateRange) {
    let _ = ACCEPTED.set(range);
}

/// The date, if it is in the installed range (before one is installed: not before
/// [`DATE_EARLIEST`]).
pub fn check_date(date: NaiveDate) -> Result<NaiveDate, DomainError> {
    match ACCEPTED.get() {
        Some(range) => range.check(date),
        None => check_earliest(date),
    }
}

fn check_earliest(date: NaiveDate) -> Result<NaiveDate, DomainError> {
    if date < DATE_EARLIEST {
        Err(DomainError::DateTooEarly { date })
    } else {
        Ok(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn range(allow_future: bool) -> DateRange {
        DateRange {
            today: day("2026-11-30"),
            allow_future,
        }
    }

    #[test]
    fn dates_from_1990_to_400_days_ahead_are_accepted() {
        for text in ["1990-01-01", "2017-06-27", "2026-11-30", "2028-01-04"] {
            assert_eq!(range(false).check(day(text)), Ok(day(text)));
        }
    }

    #[test]
    fn a_date_before_1990_is_refused_even_with_allow_future() {
        for allow_future in [false, true] {
            let error = range(allow_future).check(day("1989-12-31")).unwrap_err();
            assert_eq!(
                error.to_string(),
                "date 1989-12-31 is before 1990-01-01, the earliest date the books accept"
            );
        }
        assert!(check_earliest(day("0017-06-27")).is_err());
    }

    #[test]
    fn a_date_more_than_400_days_ahead_needs_allow_future() {
        let error = range(false).check(day("2028-01-05")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "date 2028-01-05 is more than 400 days after today (2026-11-30); give \
             --allow-future if it is a genuine future value date"
        );
        assert_eq!(range(true).check(day("2031-03-01")), Ok(day("2031-03-01")));
    }
}
