//! The `exchange_rate` table, rates of exchange recorded with `rate set`, and
//! `exchange_rate_correction`, the corrections of a rate recorded in error (`rate correct`):
//! the latest correction of a currency and date is the rate in force from that date.

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::corrupt;
use super::{text_to_date, Store, StoreError, Tx};
use crate::domain::rate::{in_force, mark_superseded, ExchangeRate, RecordedRate};
use crate::ledger::EntryId;
use crate::money::{Currency, Money, Rate};

/// The rates of a currency as in force, oldest first: each date's latest correction, else
/// the rate first recorded.
fn load(conn: &Connection, currency: Currency) -> Result<Vec<ExchangeRate>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT r.effective_on,
                coalesce((SELECT c.rate FROM exchange_rate_correction c
                          WHERE c.currency = r.currency AND c.effective_on = r.effective_on
                          ORDER BY c.id DESC LIMIT 1),
                         r.rate)
         FROM exchange_rate r WHERE r.currency = ?1 ORDER BY r.effective_on",
    )?;
    let rows = statement
        .query_map([currency.as_str()], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(date, rate)| {
            Ok(ExchangeRate {
                currency,
                effective_on: text_to_date(&date)?,
                rate: rate.parse::<Rate>().map_err(corrupt)?,
            })
        })
        .collect()
}

/// Every record of a rate, first recordings and corrections, by currency, date and order of
/// recording, with the superseded ones marked.
fn load_history(
    conn: &Connection,
    currency: Option<Currency>,
) -> Result<Vec<RecordedRate>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT currency, effective_on, rate, reason, created_at, created_by FROM (
             SELECT currency, effective_on, rate, NULL AS reason, created_at, created_by,
                    0 AS seq
             FROM exchange_rate
             UNION ALL
             SELECT currency, effective_on, rate, reason, created_at, created_by, id
             FROM exchange_rate_correction)
         WHERE ?1 IS NULL OR currency = ?1
         ORDER BY currency, effective_on, seq",
    )?;
    let rows = statement
        .query_map([currency.map(|c| c.to_string())], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut records = rows
        .into_iter()
        .map(|(currency, date, rate, reason, at, by)| {
            Ok(RecordedRate {
                rate: ExchangeRate {
                    currency: currency.parse().map_err(corrupt)?,
                    effective_on: text_to_date(&date)?,
                    rate: rate.parse::<Rate>().map_err(corrupt)?,
                },
                reason,
                recorded_at: at,
                recorded_by: by,
                superseded: false,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    mark_superseded(&mut records);
    Ok(records)
}

/// An entry booked in a currency at a recorded rate, for the list of entries to reverse
/// and enter again when that rate is corrected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookedAtRate {
    pub entry: EntryId,
    pub date: NaiveDate,
    pub description: String,
    pub reference: Option<String>,
    /// The largest transfer of the entry in the rate's currency.
    pub amount: Money,
}

impl Store {
    /// Every rate in force, by currency and date.
    pub fn all_rates(&self) -> Result<Vec<ExchangeRate>, StoreError> {
        let currencies: Vec<String> = self
            .conn
            .prepare_cached("SELECT DISTINCT currency FROM exchange_rate ORDER BY currency")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let mut rates = Vec::new();
        for currency in currencies {
            let currency: Currency = currency.parse().map_err(corrupt)?;
            rates.extend(load(&self.conn, currency)?);
        }
        Ok(rates)
    }

    /// Every rate in force of a currency, oldest first.
    pub fn rates(&self, currency: Currency) -> Result<Vec<ExchangeRate>, StoreError> {
        load(&self.conn, currency)
    }

    /// Every record of a rate (of one currency, or of all), corrections and the rates they
    /// superseded included, by currency, date and order of recording.
    pub fn rate_history(
        &self,
        currency: Option<Currency>,
    ) -> Result<Vec<RecordedRate>, StoreError> {
        load_history(&self.conn, currency)
    }
}

impl Tx<'_> {
    /// The rate of `currency` in force on `date`, if one was recorded on or before it.
    pub fn rate_in_force(
        &self,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<Option<ExchangeRate>, StoreError> {
        Ok(in_force(&load(&self.tx, currency)?, date))
    }

    /// The rate in force from exactly this currency and date, if any.
    pub fn rate_on(
        &self,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<Option<ExchangeRate>, StoreError> {
        Ok(load(&self.tx, currency)?
            .into_iter()
            .find(|r| r.effective_on == date))
    }

    /// Every rate in force of a currency, oldest first.
    pub fn rates(&self, currency: Currency) -> Result<Vec<ExchangeRate>, StoreError> {
        load(&self.tx, currency)
    }

    pub fn insert_rate(&self, rate: &ExchangeRate) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO exchange_rate (currency, effective_on, rate, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                rate.currency.as_str(),
                rate.effective_on.to_string(),
                rate.rate.to_string(),
                self.actor.at,
                self.actor.user
            ],
        )?;
        Ok(())
    }

    /// Records `corrected` as the rate in force from its date instead of `superseded`.
    pub fn insert_rate_correction(
        &self,
        corrected: &ExchangeRate,
        superseded: Rate,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO exchange_rate_correction
                 (currency, effective_on, rate, superseded, reason, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                corrected.currency.as_str(),
                corrected.effective_on.to_string(),
                corrected.rate.to_string(),
                superseded.to_string(),
                reason,
                self.actor.at,
                self.actor.user
            ],
        )?;
        Ok(())
    }

    /// The entries with a transfer in `currency` booked at `rate`, dated from `from` and
    /// before `until` (when given), neither reversed nor reversals themselves: those that
    /// used a rate in force over that period.
    pub fn entries_booked_at(
        &self,
        currency: Currency,
        rate: Rate,
        from: NaiveDate,
        until: Option<NaiveDate>,
    ) -> Result<Vec<BookedAtRate>, StoreError> {
        let mut statement = self.tx.prepare_cached(
            "SELECT e.id, e.entry_date, e.description, e.reference, e.rate,
                    max(t.amount_minor)
             FROM entry e JOIN transfer t ON t.entry_id = e.id
             WHERE e.rate IS NOT NULL AND t.currency = ?1
               AND e.entry_date >= ?2 AND (?3 IS NULL OR e.entry_date < ?3)
               AND e.reverses IS NULL
               AND NOT EXISTS (SELECT 1 FROM entry r WHERE r.reverses = e.id)
             GROUP BY e.id
             ORDER BY e.entry_date, e.id",
        )?;
        let rows = statement
            .query_map(
                params![
                    currency.as_str(),
                    from.to_string(),
                    until.map(|d| d.to_string())
                ],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, i64>(5)?,
                    ))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let mut booked = Vec::new();
        for (id, date, description, reference, entry_rate, amount_minor) in rows {
            if entry_rate.parse::<Rate>().map_err(corrupt)? != rate {
                continue;
            }
            booked.push(BookedAtRate {
                entry: EntryId(id),
                date: text_to_date(&date)?,
                description,
                reference,
                amount: Money::from_minor(amount_minor, currency),
            });
        }
        Ok(booked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::accounts;
    use crate::ledger::{EntryKind, FundCode, NewEntry, Transfer};
    use crate::store::Actor;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, m, d).unwrap()
    }

    fn rate(text: &str) -> Rate {
        text.parse().unwrap()
    }

    /// USD received into the isu fund on a day, booked at `rate`.
    fn usd_entry(date: NaiveDate, minor: i64, rate_text: &str) -> NewEntry {
        NewEntry {
            date,
            description: "USD received".into(),
            kind: EntryKind::General,
            budget_year: 2017,
            fund: FundCode::isu(),
            party: None,
            reference: None,
            reverses: None,
            rate: Some(rate(rate_text)),
            transfers: vec![Transfer::new(
                accounts::bank(Currency::USD),
                "equity:fund-balance:isu".parse().unwrap(),
                Money::from_minor(minor, Currency::USD),
            )],
        }
    }

    #[test]
    fn the_latest_correction_is_in_force_and_the_history_keeps_every_record() {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(Actor::test("2017-07-01T00:00:00Z")).unwrap();
        for (m, r) in [(5, "0.99"), (6, "0.9172"), (7, "0.98")] {
            tx.insert_rate(
                &ExchangeRate::new(Currency::USD, rate(r), day(m, 1), Currency::CHF).unwrap(),
            )
            .unwrap();
        }
        let june =
            ExchangeRate::new(Currency::USD, rate("0.9712"), day(6, 1), Currency::CHF).unwrap();
        tx.insert_rate_correction(&june, rate("0.9172"), "typo")
            .unwrap();
        assert_eq!(
            tx.rate_in_force(Currency::USD, day(6, 15)).unwrap(),
            Some(june)
        );
        assert_eq!(tx.rate_on(Currency::USD, day(6, 1)).unwrap(), Some(june));
        assert_eq!(
            tx.rate_in_force(Currency::USD, day(7, 2))
                .unwrap()
                .unwrap()
                .rate,
            rate("0.98")
        );
        tx.commit().unwrap();
        let history = store.rate_history(Some(Currency::USD)).unwrap();
        let seen: Vec<(String, bool, Option<&str>)> = history
            .iter()
            .map(|r| (r.rate.rate.to_string(), r.superseded, r.reason.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                ("0.99".to_string(), false, None),
                ("0.9172".to_string(), true, None),
                ("0.9712".to_string(), false, Some("typo")),
                ("0.98".to_string(), false, None),
            ]
        );
        assert!(store
            .rate_history(Some("EUR".parse().unwrap()))
            .unwrap()
            .is_empty());
        assert_eq!(store.rate_history(None).unwrap(), history);
    }

    #[test]
    fn the_entries_booked_at_a_rate_are_those_of_its_period_in_its_currency() {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(Actor::test("2017-07-01T00:00:00Z")).unwrap();
        let mut ids = Vec::new();
        for (date, r) in [
            (day(5, 31), "0.9172"),
            (day(6, 1), "0.9172"),
            (day(6, 30), "0.91720"),
            (day(6, 30), "0.9712"),
            (day(7, 1), "0.9172"),
        ] {
            ids.push(tx.record_entry(&usd_entry(date, 100, r)).unwrap().id());
        }
        let booked = tx
            .entries_booked_at(Currency::USD, rate("0.9172"), day(6, 1), Some(day(7, 1)))
            .unwrap();
        let found: Vec<EntryId> = booked.iter().map(|b| b.entry).collect();
        assert_eq!(found, [ids[1], ids[2]]);
        assert_eq!(booked[0].amount, Money::from_minor(100, Currency::USD));
        let open_ended = tx
            .entries_booked_at(Currency::USD, rate("0.9172"), day(6, 1), None)
            .unwrap();
        assert_eq!(open_ended.len(), 3);
        assert!(tx
            .entries_booked_at("EUR".parse().unwrap(), rate("0.9172"), day(1, 1), None)
            .unwrap()
            .is_empty());
    }
}
