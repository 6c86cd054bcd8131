//! The `exchange_rate` table: rates of exchange recorded with `rate set`.

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::corrupt;
use super::{text_to_date, Store, StoreError, Tx};
use crate::domain::rate::{in_force, ExchangeRate};
use crate::money::{Currency, Rate};

fn load(conn: &Connection, currency: Currency) -> Result<Vec<ExchangeRate>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT effective_on, rate FROM exchange_rate WHERE currency = ?1 ORDER BY effective_on",
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

impl Store {
    /// Every recorded rate, by currency and date.
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

    /// Every recorded rate of a currency, oldest first.
    pub fn rates(&self, currency: Currency) -> Result<Vec<ExchangeRate>, StoreError> {
        load(&self.conn, currency)
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

    /// The rate recorded for exactly this currency and date, if any.
    pub fn rate_on(
        &self,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<Option<ExchangeRate>, StoreError> {
        Ok(load(&self.tx, currency)?
            .into_iter()
            .find(|r| r.effective_on == date))
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
}
