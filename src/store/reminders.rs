//! The `reminder` table: the reminder letters recorded as sent, one row per party, budget
//! year and level, with the day it was sent.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;

use super::{text_to_date, Store, StoreError, Tx};
use crate::ledger::PartyCode;

/// A reminder letter sent, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRow {
    pub party: PartyCode,
    pub level: u32,
    pub sent_on: NaiveDate,
}

/// A letter to record as sent: what tells it apart (kind, party, year, level, topic) and its
/// reference number.
#[derive(Debug, Clone, Copy)]
pub struct LetterRecord<'a> {
    pub kind: &'a str,
    pub party: &'a PartyCode,
    pub budget_year: i32,
    pub level: u32,
    pub topic: &'a str,
    pub reference: &'a str,
}

/// A letter recorded as sent, with its reference number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LetterSentRow {
    pub kind: String,
    pub party: PartyCode,
    pub budget_year: i32,
    pub level: u32,
    /// Empty for a reminder recorded before letters had reference numbers.
    pub reference: String,
    pub sent_on: NaiveDate,
    pub recorded_by: String,
}

impl Store {
    /// Every letter recorded as sent (reminders recorded before reference numbers too), by
    /// date; only those of `budget_year` and `party` when given.
    pub fn letters_sent(
        &self,
        budget_year: Option<i32>,
        party: Option<&PartyCode>,
    ) -> Result<Vec<LetterSentRow>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT kind, party, budget_year, level, reference, sent_on, created_by
             FROM letter_sent
             WHERE (?1 IS NULL OR budget_year = ?1) AND (?2 IS NULL OR party = ?2)
             UNION ALL
             SELECT 'reminder', r.party, r.budget_year, r.level, '', r.sent_on, r.entered_by
             FROM reminder r
             WHERE (?1 IS NULL OR r.budget_year = ?1) AND (?2 IS NULL OR r.party = ?2)
               AND NOT EXISTS (SELECT 1 FROM letter_sent l
                               WHERE l.kind = 'reminder' AND l.party = r.party
                                 AND l.budget_year = r.budget_year AND l.level = r.level)
             ORDER BY 6, 2, 1, 4",
        )?;
        let mut rows = statement.query(params![budget_year, party.map(PartyCode::as_str)])?;
        let mut found = Vec::new();
        while let Some(row) = rows.next()? {
            let party: String = row.get(1)?;
            let sent_on: String = row.get(5)?;
            found.push(LetterSentRow {
                kind: row.get(0)?,
                party: party.parse()?,
                budget_year: row.get(2)?,
                level: row.get(3)?,
                reference: row.get(4)?,
                sent_on: text_to_date(&sent_on)?,
                recorded_by: row.get(6)?,
            });
        }
        Ok(found)
    }

    /// The reference of a letter already recorded as sent, if it was.
    pub fn letter_reference(
        &self,
        kind: &str,
        party: &PartyCode,
        budget_year: i32,
        level: u32,
        topic: &str,
    ) -> Result<Option<String>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT reference FROM letter_sent
             WHERE kind = ?1 AND party = ?2 AND budget_year = ?3 AND level = ?4 AND topic = ?5",
        )?;
        let mut rows = statement.query(params![kind, party.as_str(), budget_year, level, topic])?;
        match rows.next()? {
            Some(row) => Ok(Some(row.get(0)?)),
            None => Ok(None),
        }
    }

    /// How many letters were recorded as sent in the calendar year `year` (or in all
    /// when `None`): the next reference number is one more.
    pub fn letters_numbered_in(&self, year: Option<i32>) -> Result<u32, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM letter_sent WHERE ?1 IS NULL OR substr(sent_on, 1, 4) = ?1",
            [year.map(|year| format!("{year:04}"))],
            |row| row.get(0),
        )?)
    }

    /// Per party, the highest reminder level sent for `budget_year` on or before `until`.
    pub fn reminders(
        &self,
        budget_year: i32,
        until: NaiveDate,
    ) -> Result<BTreeMap<PartyCode, ReminderRow>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT party, level, sent_on FROM reminder
             WHERE budget_year = ?1 AND sent_on <= ?2
             ORDER BY party, level",
        )?;
        let mut rows = statement.query(params![budget_year, until.to_string()])?;
        let mut last = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let party: String = row.get(0)?;
            let sent_on: String = row.get(2)?;
            let party: PartyCode = party.parse()?;
            last.insert(
                party.clone(),
                ReminderRow {
                    party,
                    level: row.get(1)?,
                    sent_on: text_to_date(&sent_on)?,
                },
            );
        }
        Ok(last)
    }
}

impl Tx<'_> {
    /// Records a letter as sent with its reference number; true when new, false when the
    /// same letter (kind, party, year and level) was already recorded.
    pub fn record_letter(
        &self,
        letter: &LetterRecord<'_>,
        sent_on: NaiveDate,
    ) -> Result<bool, StoreError> {
        let LetterRecord {
            kind,
            party,
            budget_year,
            level,
            topic,
            reference,
        } = *letter;
        let written = self
            .tx
            .prepare_cached(
                "INSERT INTO letter_sent (kind, party, budget_year, level, topic, reference,
                                          sent_on, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (kind, party, budget_year, level, topic) DO NOTHING",
            )?
            .execute(params![
                kind,
                party.as_str(),
                budget_year,
                level,
                topic,
                reference,
                sent_on.to_string(),
                self.actor.at,
                self.actor.user
            ])?;
        Ok(written == 1)
    }

    /// Records that a reminder of `level` for `budget_year` was sent to `party` on
    /// `sent_on`; true when new, false when that level was already recorded (on whatever
    /// day), so that recording the same letters again writes nothing.
    pub fn record_reminder(
        &self,
        party: &PartyCode,
        budget_year: i32,
        level: u32,
        sent_on: NaiveDate,
    ) -> Result<bool, StoreError> {
        let written = self
            .tx
            .prepare_cached(
                "INSERT INTO reminder (party, budget_year, level, sent_on, entered_at, entered_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (party, budget_year, level) DO NOTHING",
            )?
            .execute(params![
                party.as_str(),
                budget_year,
                level,
                sent_on.to_string(),
                self.actor.at,
                self.actor.user
            ])?;
        Ok(written == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::party::{Party, PartyInput};
    use crate::store::Actor;

    fn actor() -> Actor {
        Actor::test("2017-07-01T00:00:00Z")
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, m, d).unwrap()
    }

    #[test]
    fn a_level_is_recorded_once_and_the_last_one_sent_by_a_date_is_read_back() {
        let mut store = Store::in_memory().unwrap();
        let deu: PartyCode = "DEU".parse().unwrap();
        {
            let tx = store.begin(actor()).unwrap();
            let party = Party::new(PartyInput {
                code: "DEU".into(),
                ..PartyInput::default()
            })
            .unwrap();
            tx.insert_party(&party).unwrap();
            assert!(tx.record_reminder(&deu, 2017, 1, day(6, 30)).unwrap());
            assert!(!tx.record_reminder(&deu, 2017, 1, day(6, 30)).unwrap());
            assert!(!tx.record_reminder(&deu, 2017, 1, day(7, 1)).unwrap());
            assert!(tx.record_reminder(&deu, 2017, 2, day(9, 30)).unwrap());
            tx.commit().unwrap();
        }
        assert!(store.reminders(2017, day(6, 29)).unwrap().is_empty());
        let june = store.reminders(2017, day(6, 30)).unwrap();
        assert_eq!(june[&deu].level, 1);
        assert_eq!(june[&deu].sent_on, day(6, 30));
        assert_eq!(store.reminders(2017, day(12, 31)).unwrap()[&deu].level, 2);
        assert!(store.reminders(2018, day(12, 31)).unwrap().is_empty());
    }
}
