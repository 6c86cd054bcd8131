//! The `transparency_report` and `transparency_reversal` tables: the Article 7 reports
//! States Parties submitted, and the reversals of those recorded by mistake.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::{text_to_date, Store, StoreError, Tx};
use crate::domain::transparency::{Period, ReportSubmitted};
use crate::ledger::PartyCode;

/// A report as stored, with its row id and whether it was reversed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: i64,
    pub report: ReportSubmitted,
    /// The reason it was reversed, if it was.
    pub reversed: Option<String>,
}

fn rows(conn: &Connection, party: Option<&PartyCode>) -> Result<Vec<ReportRow>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT r.id, r.party, r.period, r.submitted_on, r.symbol, v.reason
         FROM transparency_report r
         LEFT JOIN transparency_reversal v ON v.report_id = r.id
         WHERE ?1 IS NULL OR r.party = ?1
         ORDER BY r.id",
    )?;
    let mut rows = statement.query([party.map(PartyCode::as_str)])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        let party: String = row.get(1)?;
        let period: String = row.get(2)?;
        let submitted_on: String = row.get(3)?;
        found.push(ReportRow {
            id: row.get(0)?,
            report: ReportSubmitted {
                party: party.parse()?,
                period: period
                    .parse::<Period>()
                    .map_err(|_| super::corrupt(format!("report period '{period}'")))?,
                submitted_on: text_to_date(&submitted_on)?,
                symbol: row.get(4)?,
            },
            reversed: row.get(5)?,
        });
    }
    Ok(found)
}

impl Store {
    /// Every report recorded (reversed ones too, marked), in the order recorded; only
    /// `party`'s when given.
    pub fn transparency_reports(
        &self,
        party: Option<&PartyCode>,
    ) -> Result<Vec<ReportRow>, StoreError> {
        rows(&self.conn, party)
    }

    /// Per party, the highest level of the letters reminding it of its reports for `year`
    /// recorded as sent on or before `until`, and the day that one was sent.
    pub fn report_letters_sent(
        &self,
        year: i32,
        until: NaiveDate,
    ) -> Result<BTreeMap<PartyCode, (u32, NaiveDate)>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT party, level, sent_on FROM letter_sent
             WHERE kind = 'report' AND budget_year = ?1 AND sent_on <= ?2
             ORDER BY party, level, sent_on",
        )?;
        let mut rows = statement.query(params![year, until.to_string()])?;
        let mut sent = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let party: String = row.get(0)?;
            let sent_on: String = row.get(2)?;
            sent.insert(party.parse()?, (row.get(1)?, text_to_date(&sent_on)?));
        }
        Ok(sent)
    }

    /// Every party as it stood on `date`.
    pub fn parties_on(
        &self,
        date: NaiveDate,
    ) -> Result<Vec<crate::domain::party::Party>, StoreError> {
        super::parties::all_on(&self.conn, date)
    }
}

impl Tx<'_> {
    /// The report of `party` for `period` in force (recorded and not reversed), if any.
    pub fn transparency_report_in_force(
        &self,
        party: &PartyCode,
        period: Period,
    ) -> Result<Option<ReportRow>, StoreError> {
        Ok(rows(&self.tx, Some(party))?
            .into_iter()
            .find(|row| row.reversed.is_none() && row.report.period == period))
    }

    /// Records a report (already checked).
    pub fn insert_transparency_report(&self, report: &ReportSubmitted) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO transparency_report (party, period, submitted_on, symbol,
                                                  created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                report.party.as_str(),
                report.period.to_string(),
                report.submitted_on.to_string(),
                report.symbol,
                self.actor.at,
                self.actor.user
            ])?;
        Ok(())
    }

    /// Records the reversal of report `id`, with its reason.
    pub fn reverse_transparency_report(&self, id: i64, reason: &str) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO transparency_reversal (report_id, reason, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, reason, self.actor.at, self.actor.user])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::party::{Party, PartyInput};
    use crate::store::Actor;

    fn actor() -> Actor {
        Actor::test("2017-06-27T00:00:00Z")
    }

    #[test]
    fn a_report_is_kept_and_a_reversal_marks_it() {
        let mut store = Store::in_memory().unwrap();
        let code: PartyCode = "BGR".parse().unwrap();
        let tx = store.begin(actor()).unwrap();
        tx.insert_party(
            &Party::new(PartyInput {
                code: "BGR".into(),
                ..PartyInput::default()
            })
            .unwrap(),
        )
        .unwrap();
        let report = ReportSubmitted {
            party: code.clone(),
            period: Period::Annual(2016),
            submitted_on: NaiveDate::from_ymd_opt(2017, 4, 30).unwrap(),
            symbol: String::new(),
        };
        tx.insert_transparency_report(&report).unwrap();
        let found = tx
            .transparency_report_in_force(&code, Period::Annual(2016))
            .unwrap()
            .unwrap();
        assert_eq!(found.report, report);
        tx.reverse_transparency_report(found.id, "typed twice")
            .unwrap();
        assert!(tx
            .transparency_report_in_force(&code, Period::Annual(2016))
            .unwrap()
            .is_none());
        tx.commit().unwrap();
        let all = store.transparency_reports(None).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].reversed.as_deref(), Some("typed twice"));
        // The tables are append-only.
        assert!(store
            .conn
            .execute("UPDATE transparency_report SET symbol = 'x'", [])
            .is_err());
        assert!(store
            .conn
            .execute("DELETE FROM transparency_reversal", [])
            .is_err());
    }
}
