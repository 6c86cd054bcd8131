//! The `meeting`, `meeting_rate`, `document` and `meeting_share` tables, and the balances
//! of each State's receivable for a meeting.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use super::corrupt;
use super::{text_to_date, Store, StoreError, Tx};
use crate::domain::meeting::{Document, Meeting, MeetingCode, PageRate};
use crate::ledger::PartyCode;
use crate::money::{Currency, Money};
use chrono::NaiveDate;

/// A meeting as stored, with its latest page rate, documents and Article 14 shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub meeting: Meeting,
    pub page_rate: Option<PageRate>,
    pub documents: Vec<Document>,
    /// The scale the cost was shared on, with each participant's rate; empty before
    /// `meeting assess`.
    pub scale: Option<String>,
    pub shares: Vec<(PartyCode, Decimal)>,
}

fn load(conn: &Connection, code: &MeetingCode) -> Result<Option<MeetingRecord>, StoreError> {
    let head: Option<(String, String, String, i64, Option<String>)> = conn
        .prepare_cached(
            "SELECT name, held_on, currency, estimate_minor, approved_by
             FROM meeting WHERE code = ?1",
        )?
        .query_row([code.as_str()], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .optional()?;
    let Some((name, held_on, currency, estimate_minor, approved_by)) = head else {
        return Ok(None);
    };
    let currency: Currency = currency.parse().map_err(corrupt)?;
    let meeting = Meeting {
        code: code.clone(),
        name,
        held_on: text_to_date(&held_on)?,
        estimate: Money::from_minor(estimate_minor, currency),
        approved_by,
    };
    let page_rate = conn
        .prepare_cached(
            "SELECT per_page_minor, languages FROM meeting_rate
             WHERE meeting = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([code.as_str()], |row| {
            Ok(PageRate {
                per_page: Money::from_minor(row.get(0)?, currency),
                languages: row.get(1)?,
            })
        })
        .optional()?;
    let mut statement = conn.prepare_cached(
        "SELECT symbol, title, pages_forecast, pages_actual, submitted_on, translated_on
         FROM document WHERE meeting = ?1 ORDER BY rowid",
    )?;
    let rows = statement
        .query_map([code.as_str()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, Option<i64>>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, Option<String>>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut documents = Vec::with_capacity(rows.len());
    for (symbol, title, pages_forecast, pages_actual, submitted, translated) in rows {
        documents.push(Document {
            symbol,
            title,
            pages_forecast,
            pages_actual,
            submitted_on: submitted.as_deref().map(text_to_date).transpose()?,
            translated_on: translated.as_deref().map(text_to_date).transpose()?,
        });
    }
    let mut statement = conn.prepare_cached(
        "SELECT symbol, pages_forecast, pages_actual, submitted_on, translated_on
         FROM document_revision WHERE meeting = ?1 ORDER BY id",
    )?;
    let revisions = statement
        .query_map([code.as_str()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<i64>>(1)?,
                row.get::<_, Option<i64>>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for (symbol, pages_forecast, pages_actual, submitted, translated) in revisions {
        let document = documents
            .iter_mut()
            .find(|d| d.symbol == symbol)
            .ok_or_else(|| corrupt(format!("revision of unknown document {symbol}")))?;
        document.pages_forecast = pages_forecast.unwrap_or(document.pages_forecast);
        document.pages_actual = pages_actual.or(document.pages_actual);
        if let Some(date) = submitted {
            document.submitted_on = Some(text_to_date(&date)?);
        }
        if let Some(date) = translated {
            document.translated_on = Some(text_to_date(&date)?);
        }
    }
    let mut statement = conn.prepare_cached(
        "SELECT party, scale, rate FROM meeting_share WHERE meeting = ?1 ORDER BY party",
    )?;
    let rows = statement
        .query_map([code.as_str()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let scale = rows.first().map(|r| r.1.clone());
    let shares = rows
        .into_iter()
        .map(|(party, _, rate)| Ok((party.parse()?, rate.parse::<Decimal>().map_err(corrupt)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Some(MeetingRecord {
        meeting,
        page_rate,
        documents,
        scale,
        shares,
    }))
}

/// Per State, what it has been billed for a meeting (debit minus credit of its receivable
/// from billing entries), and what it owes now (after its payments).
fn load_billed(
    conn: &Connection,
    code: &MeetingCode,
) -> Result<Vec<(PartyCode, i64, i64)>, StoreError> {
    let prefix = format!("assets:receivable:meetings:{code}:");
    let mut statement = conn.prepare_cached(
        "SELECT e.party,
                sum(CASE WHEN e.kind <> 'meeting-assessment'
                          AND coalesce(o.kind, '') <> 'meeting-assessment' THEN 0
                         WHEN substr(d.name, 1, length(?1)) = ?1 THEN t.amount_minor
                         ELSE -t.amount_minor END),
                sum(CASE WHEN substr(d.name, 1, length(?1)) = ?1 THEN t.amount_minor
                         ELSE -t.amount_minor END)
         FROM transfer t
         JOIN entry e ON e.id = t.entry_id
         LEFT JOIN entry o ON o.id = e.reverses
         JOIN account d ON d.id = t.debit_account_id
         JOIN account c ON c.id = t.credit_account_id
         WHERE e.party IS NOT NULL
           AND (substr(d.name, 1, length(?1)) = ?1 OR substr(c.name, 1, length(?1)) = ?1)
         GROUP BY e.party ORDER BY e.party",
    )?;
    let rows = statement
        .query_map([prefix], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(party, billed, owed)| Ok((party.parse()?, billed, owed)))
        .collect()
}

impl Store {
    pub fn meeting(&self, code: &MeetingCode) -> Result<Option<MeetingRecord>, StoreError> {
        load(&self.conn, code)
    }

    /// The codes of the meetings held from `from` to `until` (inclusive), by date.
    pub fn meetings_held(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<MeetingCode>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT code FROM meeting WHERE held_on >= ?1 AND held_on <= ?2
             ORDER BY held_on, code",
        )?;
        let codes = statement
            .query_map([from.to_string(), until.to_string()], |row| {
                row.get::<_, String>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        codes
            .into_iter()
            .map(|code| code.parse().map_err(super::corrupt))
            .collect()
    }

    /// Per State: billed for the meeting, and its balance now.
    pub fn meeting_balances(
        &self,
        code: &MeetingCode,
    ) -> Result<Vec<(PartyCode, i64, i64)>, StoreError> {
        load_billed(&self.conn, code)
    }
}

impl Tx<'_> {
    pub fn meeting(&self, code: &MeetingCode) -> Result<Option<MeetingRecord>, StoreError> {
        load(&self.tx, code)
    }

    pub fn meeting_balances(
        &self,
        code: &MeetingCode,
    ) -> Result<Vec<(PartyCode, i64, i64)>, StoreError> {
        load_billed(&self.tx, code)
    }

    pub fn insert_meeting(&self, meeting: &Meeting) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meeting (code, name, held_on, currency, estimate_minor, approved_by,
                                  created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                meeting.code.as_str(),
                meeting.name,
                meeting.held_on.to_string(),
                meeting.currency().as_str(),
                meeting.estimate.minor(),
                meeting.approved_by,
                self.actor.at,
                self.actor.user
            ],
        )?;
        Ok(())
    }

    pub fn insert_page_rate(&self, code: &MeetingCode, rate: &PageRate) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meeting_rate (meeting, per_page_minor, languages, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                code.as_str(),
                rate.per_page.minor(),
                rate.languages,
                self.actor.at,
                self.actor.user
            ],
        )?;
        Ok(())
    }

    pub fn insert_document(
        &self,
        code: &MeetingCode,
        document: &Document,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO document (meeting, symbol, title, pages_forecast, pages_actual,
                                   submitted_on, translated_on, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                code.as_str(),
                document.symbol,
                document.title,
                document.pages_forecast,
                document.pages_actual,
                document.submitted_on.map(|d| d.to_string()),
                document.translated_on.map(|d| d.to_string()),
                self.actor.at,
                self.actor.user
            ],
        )?;
        Ok(())
    }

    pub fn insert_share(
        &self,
        code: &MeetingCode,
        party: &PartyCode,
        scale: &str,
        rate: Decimal,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meeting_share (meeting, party, scale, rate) VALUES (?1, ?2, ?3, ?4)",
            params![code.as_str(), party.as_str(), scale, rate.to_string()],
        )?;
        Ok(())
    }
}

impl Tx<'_> {
    /// The States Parties for which the convention is in force on `date`, by code: the
    /// participants of `meeting assess --participants all-parties`.
    pub fn states_parties_in_force(
        &self,
        date: chrono::NaiveDate,
    ) -> Result<Vec<PartyCode>, StoreError> {
        // The parties as they stand, their recorded changes applied (a signatory that
        // ratified is a State Party).
        Ok(self
            .parties()?
            .into_iter()
            .filter(|party| party.is_expected_to_contribute(date))
            .map(|party| party.code)
            .collect())
    }
}

/// One State's balance on its account for one meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingReceivableRow {
    pub meeting: String,
    pub party: PartyCode,
    pub balance: Money,
}

impl Store {
    /// The balance of every State's account for every meeting
    /// (`assets:receivable:meetings:<MEETING>:<STATE>`) from entries dated on or before
    /// `until`, optionally for one State; zero balances are left out.
    pub fn meeting_receivables(
        &self,
        until: chrono::NaiveDate,
        party: Option<&PartyCode>,
    ) -> Result<Vec<MeetingReceivableRow>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT a.name, t.currency, sum(t.net) FROM (
                 SELECT account_id, currency, debit_minor - credit_minor AS net
                 FROM account_total
                 UNION ALL
                 SELECT account_id, currency, credit_minor - debit_minor
                 FROM account_balance WHERE posted_on > ?1) t
             JOIN account a ON a.id = t.account_id
             WHERE a.name GLOB 'assets:receivable:meetings:*:*'
             GROUP BY a.name, t.currency
             HAVING sum(t.net) <> 0
             ORDER BY a.name, t.currency",
        )?;
        let rows = statement
            .query_map([until.to_string()], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut receivables = Vec::new();
        for (name, currency, minor) in rows {
            let segments: Vec<&str> = name.split(':').collect();
            let [_, _, _, meeting, code] = segments[..] else {
                return Err(corrupt(format!("meeting account '{name}'")));
            };
            let code: PartyCode = code.parse()?;
            if party.is_some_and(|p| p != &code) {
                continue;
            }
            let currency: Currency = currency.parse().map_err(corrupt)?;
            receivables.push(MeetingReceivableRow {
                meeting: meeting.to_string(),
                party: code,
                balance: Money::from_minor(minor, currency),
            });
        }
        Ok(receivables)
    }
}

/// What a revision of a document changes; `None` leaves a field as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentChange {
    pub pages_forecast: Option<i64>,
    pub pages_actual: Option<i64>,
    pub submitted_on: Option<chrono::NaiveDate>,
    pub translated_on: Option<chrono::NaiveDate>,
    /// The day it is due to the conference services (kept in `document_due`).
    pub due_on: Option<chrono::NaiveDate>,
}

impl DocumentChange {
    /// Whether the change names anything a revision of the document's pages or dates keeps
    /// (the due date is kept apart).
    pub fn revises(&self) -> bool {
        self.pages_forecast.is_some()
            || self.pages_actual.is_some()
            || self.submitted_on.is_some()
            || self.translated_on.is_some()
    }
}

impl Tx<'_> {
    pub fn insert_document_revision(
        &self,
        code: &MeetingCode,
        symbol: &str,
        change: &DocumentChange,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO document_revision (meeting, symbol, pages_forecast, pages_actual,
                                            submitted_on, translated_on, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                code.as_str(),
                symbol,
                change.pages_forecast,
                change.pages_actual,
                change.submitted_on.map(|d| d.to_string()),
                change.translated_on.map(|d| d.to_string()),
                self.actor.at,
                self.actor.user
            ],
        )?;
        Ok(())
    }
}
