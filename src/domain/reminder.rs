//! Reminder letters: the level a letter carries. A reminder is recorded once per party,
//! budget year, level and day, so that writing the letters again on the same day gives the
//! same letters and records nothing new.

use chrono::NaiveDate;

/// The level of the letter written on `on` to a party whose last recorded reminder (on or
/// before `on`) had `last_level` and was sent on `last_sent_on`: 1 when none was sent; the
/// same level when it was sent that very day (the letters of the day are being written
/// again); one above it when it was sent on an earlier day.
pub fn level_on(last: Option<(u32, NaiveDate)>, on: NaiveDate) -> u32 {
    match last {
        None => 1,
        Some((level, sent_on)) if sent_on >= on => level,
        Some((level, _)) => level + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, m, d).unwrap()
    }

    #[test]
    fn the_first_letter_is_level_one() {
        assert_eq!(level_on(None, day(6, 30)), 1);
    }

    #[test]
    fn a_letter_written_again_the_same_day_keeps_its_level() {
        assert_eq!(level_on(Some((1, day(6, 30))), day(6, 30)), 1);
        assert_eq!(level_on(Some((3, day(6, 30))), day(6, 30)), 3);
    }

    #[test]
    fn a_letter_written_on_a_later_day_is_the_next_reminder() {
        assert_eq!(level_on(Some((1, day(6, 30))), day(7, 1)), 2);
        assert_eq!(level_on(Some((2, day(6, 30))), day(9, 30)), 3);
    }
}
