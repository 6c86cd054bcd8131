//! The bank tables: statements and their lines as imported, the confirmations that link a
//! line to its entry, and the payer names and accounts learned per party; and the check
//! `verify` makes of them.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::verify::Finding;
use super::{corrupt, text_to_date, Store, StoreError, Tx};
use crate::domain::bank::{BankLine, Statement};
use crate::ledger::{EntryId, PartyCode};
use crate::money::{Currency, Money, Rate};

/// A bank line as stored, with its confirmation if it has one.
#[derive(Debug, Clone)]
pub struct StoredLine {
    pub id: i64,
    pub line: BankLine,
    pub confirmed: Option<LineMatch>,
}

/// The entries a confirmed line is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMatch {
    pub kind: String,
    pub entry: EntryId,
    /// The entry that goes with it: the charges deducted on the way, when booked, or the
    /// bank's conversion of a payment in another currency.
    pub second_entry: Option<EntryId>,
}

/// A payer learned for a party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payer {
    pub party: PartyCode,
    pub name: Option<String>,
    pub account: Option<String>,
    pub learned_from: Option<i64>,
}

/// A statement's closing balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosingBalance {
    pub statement: String,
    pub opening: Option<Money>,
    pub closing: Money,
    pub closing_on: NaiveDate,
}

/// An entry that moves a bank account, with no bank line linked to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnlinkedEntry {
    pub entry: EntryId,
    pub date: NaiveDate,
    pub description: String,
    /// What it moved on the bank account: positive in, negative out.
    pub amount: Money,
}

/// What importing the lines of a statement did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinesImported {
    pub added: u64,
    pub already: u64,
}

const LINE_COLUMNS: &str = "l.id, l.account_iban, l.bank_reference, l.booked_on, l.value_on,
     l.amount_minor, l.currency, l.counterparty_name, l.counterparty_account, l.remittance,
     l.reversal, l.instructed_minor, l.instructed_currency, l.rate,
     m.kind, m.entry_id, m.second_entry_id";

fn line_of(row: &rusqlite::Row<'_>) -> Result<StoredLine, StoreError> {
    let currency = |text: String| -> Result<Currency, StoreError> {
        text.parse()
            .map_err(|_| corrupt(format!("currency '{text}'")))
    };
    let line_currency = currency(row.get(6)?)?;
    let instructed = match (
        row.get::<_, Option<i64>>(11)?,
        row.get::<_, Option<String>>(12)?,
    ) {
        (Some(minor), Some(code)) => Some(Money::from_minor(minor, currency(code)?)),
        _ => None,
    };
    let rate = row
        .get::<_, Option<String>>(13)?
        .map(|r| {
            r.parse::<Rate>()
                .map_err(|_| corrupt(format!("rate '{r}'")))
        })
        .transpose()?;
    let confirmed = match row.get::<_, Option<String>>(14)? {
        Some(kind) => Some(LineMatch {
            kind,
            entry: EntryId(row.get(15)?),
            second_entry: row.get::<_, Option<i64>>(16)?.map(EntryId),
        }),
        None => None,
    };
    Ok(StoredLine {
        id: row.get(0)?,
        line: BankLine {
            account_iban: row.get(1)?,
            bank_reference: row.get(2)?,
            booked_on: text_to_date(&row.get::<_, String>(3)?)?,
            value_on: text_to_date(&row.get::<_, String>(4)?)?,
            amount: Money::from_minor(row.get(5)?, line_currency),
            counterparty_name: row.get(7)?,
            counterparty_account: row.get(8)?,
            remittance: row.get(9)?,
            reversal: row.get::<_, i64>(10)? != 0,
            instructed,
            rate,
        },
        confirmed,
    })
}

fn lines(
    conn: &Connection,
    account: Option<&str>,
    until: Option<NaiveDate>,
) -> Result<Vec<StoredLine>, StoreError> {
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM bank_line l LEFT JOIN bank_match m ON m.line_id = l.id
         WHERE (?1 IS NULL OR l.account_iban = ?1) AND (?2 IS NULL OR l.booked_on <= ?2)
         ORDER BY l.booked_on, l.id"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(params![account, until.map(|d| d.to_string())])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(line_of(row)?);
    }
    Ok(out)
}

fn line(conn: &Connection, id: i64) -> Result<Option<StoredLine>, StoreError> {
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM bank_line l LEFT JOIN bank_match m ON m.line_id = l.id
         WHERE l.id = ?1"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query([id])?;
    match rows.next()? {
        Some(row) => Ok(Some(line_of(row)?)),
        None => Ok(None),
    }
}

fn meeting_codes(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT code FROM meeting ORDER BY code")?;
    let rows = statement.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn payers(conn: &Connection) -> Result<Vec<Payer>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT party, name, account, learned_from FROM bank_payer ORDER BY party, id",
    )?;
    let mut rows = statement.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(Payer {
            party: row.get::<_, String>(0)?.parse()?,
            name: row.get(1)?,
            account: row.get(2)?,
            learned_from: row.get(3)?,
        });
    }
    Ok(out)
}

impl Store {
    /// The bank lines of one account or all, booked up to `until` when given.
    pub fn bank_lines(
        &self,
        account: Option<&str>,
        until: Option<NaiveDate>,
    ) -> Result<Vec<StoredLine>, StoreError> {
        lines(&self.conn, account, until)
    }

    /// The payers learned, per party.
    pub fn bank_payers(&self) -> Result<Vec<Payer>, StoreError> {
        payers(&self.conn)
    }

    /// The codes of the meetings, which a bank line's text may name.
    pub fn bank_meeting_codes(&self) -> Result<Vec<String>, StoreError> {
        meeting_codes(&self.conn)
    }

    /// The accounts that statements were imported for, with their currency.
    pub fn bank_accounts(&self) -> Result<Vec<(String, Currency)>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT DISTINCT account_iban, currency FROM bank_statement ORDER BY account_iban",
        )?;
        let mut rows = statement.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let code: String = row.get(1)?;
            out.push((
                row.get(0)?,
                code.parse()
                    .map_err(|_| corrupt(format!("currency '{code}'")))?,
            ));
        }
        Ok(out)
    }

    /// The latest closing balance of `account` on or before `as_of`, with the opening
    /// balance of the earliest statement.
    pub fn bank_closing(
        &self,
        account: &str,
        as_of: NaiveDate,
    ) -> Result<Option<ClosingBalance>, StoreError> {
        let row: Option<(String, i64, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT statement_ref, closing_minor, closing_on, currency FROM bank_statement
                 WHERE account_iban = ?1 AND closing_on IS NOT NULL AND closing_on <= ?2
                 ORDER BY closing_on DESC, id DESC LIMIT 1",
            )?
            .query_row(params![account, as_of.to_string()], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .optional()?;
        let Some((statement, closing, closing_on, code)) = row else {
            return Ok(None);
        };
        let currency: Currency = code
            .parse()
            .map_err(|_| corrupt(format!("currency '{code}'")))?;
        let opening: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT opening_minor FROM bank_statement WHERE account_iban = ?1
                 ORDER BY (SELECT min(booked_on) FROM bank_line l WHERE l.statement_id = bank_statement.id),
                          id LIMIT 1",
            )?
            .query_row([account], |row| row.get(0))
            .optional()?
            .flatten();
        Ok(Some(ClosingBalance {
            statement,
            opening: opening.map(|m| Money::from_minor(m, currency)),
            closing: Money::from_minor(closing, currency),
            closing_on: text_to_date(&closing_on)?,
        }))
    }

    /// The balance of the books' bank account `account` (e.g. `assets:bank:chf`) at the end
    /// of `date`.
    pub fn bank_account_balance(
        &self,
        account: &str,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<Money, StoreError> {
        let minor: i64 = self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(CASE WHEN d.name = ?1 THEN t.amount_minor ELSE 0 END)
                               - sum(CASE WHEN c.name = ?1 THEN t.amount_minor ELSE 0 END), 0)
                 FROM transfer t JOIN entry e ON e.id = t.entry_id
                 JOIN account d ON d.id = t.debit_account_id
                 JOIN account c ON c.id = t.credit_account_id
                 WHERE t.currency = ?2 AND e.entry_date <= ?3 AND (d.name = ?1 OR c.name = ?1)",
            )?
            .query_row(
                params![account, currency.as_str(), date.to_string()],
                |row| row.get(0),
            )?;
        Ok(Money::from_minor(minor, currency))
    }

    /// The entries dated from `from` to `until` that move the books' bank account `account`
    /// and that no bank line is linked to.
    pub fn bank_entries_unlinked(
        &self,
        account: &str,
        currency: Currency,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<UnlinkedEntry>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT e.id, e.entry_date, e.description,
                    sum(CASE WHEN d.name = ?1 THEN t.amount_minor ELSE 0 END)
                  - sum(CASE WHEN c.name = ?1 THEN t.amount_minor ELSE 0 END)
             FROM transfer t JOIN entry e ON e.id = t.entry_id
             JOIN account d ON d.id = t.debit_account_id
             JOIN account c ON c.id = t.credit_account_id
             WHERE t.currency = ?2 AND e.entry_date BETWEEN ?3 AND ?4
               AND (d.name = ?1 OR c.name = ?1)
               AND NOT EXISTS (SELECT 1 FROM bank_match m
                               WHERE m.entry_id = e.id OR m.second_entry_id = e.id)
             GROUP BY e.id ORDER BY e.entry_date, e.id",
        )?;
        let mut rows = statement.query(params![
            account,
            currency.as_str(),
            from.to_string(),
            until.to_string()
        ])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let minor: i64 = row.get(3)?;
            if minor == 0 {
                continue;
            }
            out.push(UnlinkedEntry {
                entry: EntryId(row.get(0)?),
                date: text_to_date(&row.get::<_, String>(1)?)?,
                description: row.get(2)?,
                amount: Money::from_minor(minor, currency),
            });
        }
        Ok(out)
    }

    /// `verify`: every confirmed bank line is linked to one entry (and at most one second
    /// entry) that stands, and what they move on the bank account is the line's amount.
    pub(super) fn check_bank_lines(&self) -> Result<Vec<Finding>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT l.id, l.amount_minor, l.currency, m.entry_id,
                    (SELECT coalesce(sum(CASE WHEN d.name = 'assets:bank:' || lower(l.currency)
                                              THEN t.amount_minor ELSE 0 END)
                                   - sum(CASE WHEN c.name = 'assets:bank:' || lower(l.currency)
                                              THEN t.amount_minor ELSE 0 END), 0)
                     FROM transfer t
                     JOIN account d ON d.id = t.debit_account_id
                     JOIN account c ON c.id = t.credit_account_id
                     WHERE t.currency = l.currency
                       AND (t.entry_id = m.entry_id OR t.entry_id = m.second_entry_id)),
                    (SELECT count(*) FROM entry e
                     WHERE e.id = m.entry_id OR e.id = m.second_entry_id)
                      = 1 + (m.second_entry_id IS NOT NULL)
             FROM bank_match m JOIN bank_line l ON l.id = m.line_id ORDER BY l.id",
        )?;
        let mut rows = statement.query([])?;
        let mut messages = Vec::new();
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let amount: i64 = row.get(1)?;
            let currency: String = row.get(2)?;
            let entry: i64 = row.get(3)?;
            let moved: i64 = row.get(4)?;
            let entries_exist: bool = row.get(5)?;
            if !entries_exist {
                messages.push(format!(
                    "bank line {id} is linked to an entry that does not exist"
                ));
            } else if moved != amount {
                messages.push(format!(
                    "bank line {id} is {currency} {} but entry {entry} moves {currency} {} on \
                     the bank account",
                    crate::money::format_minor_swiss(amount),
                    crate::money::format_minor_swiss(moved)
                ));
            }
        }
        Ok(super::verify::cap("bank-lines", messages))
    }
}

impl Tx<'_> {
    /// Records a statement (once per account and statement id) and its lines: a line whose
    /// bank reference is already in the books for the account is left as it is.
    pub fn record_bank_statement(
        &self,
        statement: &Statement,
        source: &str,
    ) -> Result<LinesImported, StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO bank_statement (account_iban, statement_ref, currency,
                     opening_minor, closing_minor, closing_on, source, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (account_iban, statement_ref) DO NOTHING",
            )?
            .execute(params![
                statement.account_iban,
                statement.id,
                statement.currency.as_str(),
                statement.opening.map(|m| m.minor()),
                statement.closing.map(|(m, _)| m.minor()),
                statement.closing.map(|(_, d)| d.to_string()),
                source,
                self.actor.at,
                self.actor.user,
            ])?;
        let statement_id: i64 = self.tx.query_row(
            "SELECT id FROM bank_statement WHERE account_iban = ?1 AND statement_ref = ?2",
            params![statement.account_iban, statement.id],
            |row| row.get(0),
        )?;
        let mut done = LinesImported::default();
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO bank_line (statement_id, account_iban, bank_reference, booked_on,
                 value_on, amount_minor, currency, counterparty_name, counterparty_account,
                 remittance, reversal, instructed_minor, instructed_currency, rate,
                 created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (account_iban, bank_reference) DO NOTHING",
        )?;
        for line in &statement.lines {
            let added = insert.execute(params![
                statement_id,
                line.account_iban,
                line.bank_reference,
                line.booked_on.to_string(),
                line.value_on.to_string(),
                line.amount.minor(),
                line.amount.currency().as_str(),
                line.counterparty_name,
                line.counterparty_account,
                line.remittance,
                i64::from(line.reversal),
                line.instructed.map(|m| m.minor()),
                line.instructed.map(|m| m.currency().as_str().to_string()),
                line.rate.map(|r| r.to_string()),
                self.actor.at,
                self.actor.user,
            ])?;
            if added == 1 {
                done.added += 1;
                continue;
            }
            // The same reference again must be the same movement: a bank does not reuse
            // its references, so a difference is a wrong file, not a new line.
            let (booked_on, amount_minor, currency): (String, i64, String) = self.tx.query_row(
                "SELECT booked_on, amount_minor, currency FROM bank_line
                 WHERE account_iban = ?1 AND bank_reference = ?2",
                params![line.account_iban, line.bank_reference],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
            let same = booked_on == line.booked_on.to_string()
                && amount_minor == line.amount.minor()
                && currency == line.amount.currency().as_str();
            if !same {
                return Err(StoreError::BankReferenceConflict {
                    reference: line.bank_reference.clone(),
                    account: line.account_iban.clone(),
                    recorded: format!(
                        "{currency} {} booked {booked_on}",
                        crate::money::format_minor_swiss(amount_minor)
                    ),
                    given: format!("{} booked {}", line.amount, line.booked_on),
                });
            }
            done.already += 1;
        }
        Ok(done)
    }

    /// One bank line with its confirmation.
    pub fn bank_line(&self, id: i64) -> Result<Option<StoredLine>, StoreError> {
        line(&self.tx, id)
    }

    /// The bank lines not yet confirmed, of every account.
    pub fn bank_lines_open(&self) -> Result<Vec<StoredLine>, StoreError> {
        Ok(lines(&self.tx, None, None)?
            .into_iter()
            .filter(|l| l.confirmed.is_none())
            .collect())
    }

    /// The bank lines of one account, confirmed or not, in the order they were booked.
    pub fn bank_lines_of(&self, account: &str) -> Result<Vec<StoredLine>, StoreError> {
        lines(&self.tx, Some(account), None)
    }

    /// The payers learned, per party.
    pub fn bank_payers(&self) -> Result<Vec<Payer>, StoreError> {
        payers(&self.tx)
    }

    /// The codes of the meetings, which a bank line's text may name.
    pub fn bank_meeting_codes(&self) -> Result<Vec<String>, StoreError> {
        meeting_codes(&self.tx)
    }

    /// Links a line to the entry that records it (and the entry of its charges).
    pub fn record_bank_match(&self, line_id: i64, found: &LineMatch) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO bank_match (line_id, kind, entry_id, second_entry_id,
                     created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                line_id,
                found.kind,
                found.entry.0,
                found.second_entry.map(|e| e.0),
                self.actor.at,
                self.actor.user,
            ])?;
        Ok(())
    }

    /// Learns a payer name or account for a party; one already known is left as it is.
    /// Returns whether it was new.
    pub fn record_bank_payer(&self, payer: &Payer) -> Result<bool, StoreError> {
        let added = self
            .tx
            .prepare_cached(
                "INSERT INTO bank_payer (party, name, account, learned_from, created_at,
                     created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                payer.party.as_str(),
                payer.name,
                payer.account,
                payer.learned_from,
                self.actor.at,
                self.actor.user,
            ])?;
        Ok(added == 1)
    }
}
