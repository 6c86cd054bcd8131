//! The hash chain over the ledger's history, which makes the books tamper-evident.
//!
//! Every row of a history table has one link in the `chain` table: the SHA-256 of the
//! previous link's hash (32 zero bytes before the first) and of the row's canonical form.
//! A link is appended in the same transaction as its row: `Tx::commit` chains, table by
//! table, the rows the transaction added, which for a table with row numbers are those
//! numbered after its last row when the transaction began (history is append-only), and
//! for a table whose rows are not numbered as they are written (`WITHOUT ROWID`, or
//! numbered by another row or a year) those a temporary trigger queued, in that order.
//! Whoever kept the count and hash of the last link (the chain head, printed at the foot of
//! `status`, `report` and `verify`) can later prove that no row chained before it changed:
//! `verify --against COUNT:HASH`.
//!
//! The canonical form of a row is its table's name, then, for each column in the order of
//! the schema that holds a value, the column's name, a type tag and the value; every name,
//! text and blob is preceded by its length, so two different rows never read alike. A column
//! that is NULL is left out, so a column added by a later migration leaves the links of
//! older rows as they were. The rowid of a table without an integer primary key is where the
//! row is, not what it says: it is not hashed.
//!
//! The running balances (`account_total`, `account_balance`) are derived from the
//! transfers and recomputed by `verify`: they are not chained.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row, Statement};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::verify::Finding;
use super::StoreError;

/// A table of history: chained row by row.
pub(super) struct History {
    pub name: &'static str,
    /// The columns that name a row in a finding (its primary key).
    pub key: &'static [&'static str],
    /// A table `WITHOUT ROWID`, whose rows are found by their key.
    pub without_rowid: bool,
}

const fn table(name: &'static str, key: &'static [&'static str]) -> History {
    History {
        name,
        key,
        without_rowid: false,
    }
}

/// Every table of history, in the order an existing ledger's rows are first chained
/// (a table before the tables that refer to it).
pub(super) const HISTORY: [History; 36] = [
    table("meta", &["key"]),
    table("fund", &["code"]),
    table("party", &["code"]),
    table("account", &["id"]),
    table("scale", &["name"]),
    History {
        name: "scale_rate",
        key: &["scale", "party"],
        without_rowid: true,
    },
    table("budget", &["year", "version"]),
    table("budget_line", &["year", "version", "name"]),
    table("budget_withdrawal", &["year", "version"]),
    table("exchange_rate", &["currency", "effective_on"]),
    table("exchange_rate_correction", &["id"]),
    table("meeting", &["code"]),
    table("meeting_rate", &["id"]),
    table("document", &["meeting", "symbol"]),
    table("document_revision", &["id"]),
    table("meeting_share", &["meeting", "party"]),
    table("entry", &["id"]),
    table("transfer", &["id"]),
    table("cost_line", &["entry_id"]),
    table("payment_terms", &["entry_id"]),
    table("charge_due", &["entry_id"]),
    History {
        name: "reminder",
        key: &["party", "budget_year", "level"],
        without_rowid: true,
    },
    table("year_close", &["year"]),
    table("bank_statement", &["id"]),
    table("bank_line", &["id"]),
    table("bank_match", &["line_id"]),
    table("bank_payer", &["id"]),
    table("setting", &["id"]),
    table("party_change", &["id"]),
    table("letter_sent", &["id"]),
    table("transparency_report", &["id"]),
    table("transparency_reversal", &["report_id"]),
    table("task", &["id"]),
    table("task_change", &["id"]),
    table("document_due", &["id"]),
    table("meeting_detail", &["id"]),
];

/// The tables of history with row numbers that are not given as rows are written: their
/// integer primary key is another row's (an entry's, a bank line's, a report's) or a year,
/// so a row may come after rows with higher numbers. Their rows are queued as written.
const NUMBERED_BY_KEY: [&str; 6] = [
    "cost_line",
    "payment_terms",
    "charge_due",
    "year_close",
    "bank_match",
    "transparency_reversal",
];

impl History {
    /// Whether the rows a transaction adds are queued by a temporary trigger, rather than
    /// found as the rows numbered after the table's last row when it began.
    fn queued(&self) -> bool {
        self.without_rowid || NUMBERED_BY_KEY.contains(&self.name)
    }
}

/// The tables derived from history, which `verify` recomputes: never chained. (Named for
/// the test that every table of the schema is history, derived or the chain.)
#[cfg(test)]
pub(super) const DERIVED: [&str; 5] = [
    "account_total",
    "account_balance",
    "account_running",
    "cost_running",
    "expense_recorded_running",
];

/// The table of the links themselves.
#[cfg(test)]
pub(super) const CHAIN_TABLE: &str = "chain";

/// The hash before the first link.
const GENESIS: [u8; 32] = [0; 32];

/// At most this many chain findings are listed; the rest are counted.
const FINDINGS_MAX: usize = 50;

fn history(name: &str) -> Option<(usize, &'static History)> {
    HISTORY.iter().enumerate().find(|(_, h)| h.name == name)
}

/// The last link of the chain: how many rows it covers and its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    pub count: i64,
    /// The hash of the last link, 64 lowercase hexadecimal digits.
    pub head: String,
}

impl fmt::Display for ChainHead {
    /// `Chain: 12'345 rows, head 3f2a…` with the whole hash, so that a printout is enough
    /// to check the books against later.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.count.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('\'');
            }
            grouped.push(digit);
        }
        let rows = if self.count == 1 { "row" } else { "rows" };
        write!(f, "Chain: {grouped} {rows}, head {}", self.head)
    }
}

/// A chain head kept from an earlier printout, to check the books against:
/// `COUNT:HASH` (the count may be grouped with `'`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainMark {
    pub count: i64,
    pub hash: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainMarkError {
    #[error("'{given}' is not a chain head: give COUNT:HASH as printed at the foot of `status` or `verify` (e.g. 1234:3f2a…, the hash in 64 hexadecimal digits)")]
    Format { given: String },
    #[error("the hash of chain head '{given}' is not 64 hexadecimal digits")]
    Hash { given: String },
    #[error("the count of chain head '{given}' is not a whole number of rows")]
    Count { given: String },
}

impl FromStr for ChainMark {
    type Err = ChainMarkError;

    fn from_str(given: &str) -> Result<ChainMark, ChainMarkError> {
        let excerpt = crate::text::excerpt(given);
        let (count, hash) = given
            .trim()
            .split_once(':')
            .ok_or_else(|| ChainMarkError::Format {
                given: excerpt.clone(),
            })?;
        let digits: String = count.chars().filter(|c| !matches!(c, '\'' | '’')).collect();
        let count = if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            digits.parse::<i64>().ok()
        } else {
            None
        }
        .ok_or_else(|| ChainMarkError::Count {
            given: excerpt.clone(),
        })?;
        let hash = from_hex(hash.trim()).ok_or(ChainMarkError::Hash { given: excerpt })?;
        Ok(ChainMark { count, hash })
    }
}

impl fmt::Display for ChainMark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.count, to_hex(&self.hash))
    }
}

pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    text
}

fn from_hex(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut hash = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let high = (pair[0] as char).to_digit(16)?;
        let low = (pair[1] as char).to_digit(16)?;
        hash[i] = u8::try_from(high * 16 + low).ok()?;
    }
    Some(hash)
}

/// Appends the canonical form of `row` (its columns from `first` on, named by `names`) to
/// `out`, cleared first.
fn canonical(
    out: &mut Vec<u8>,
    table: &str,
    names: &[String],
    row: &Row<'_>,
    first: usize,
) -> Result<(), StoreError> {
    fn put(out: &mut Vec<u8>, bytes: &[u8]) {
        out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    out.clear();
    put(out, table.as_bytes());
    for (index, name) in names.iter().enumerate().skip(first) {
        let value = row.get_ref(index)?;
        if value == ValueRef::Null {
            continue;
        }
        put(out, name.as_bytes());
        match value {
            ValueRef::Null => {}
            ValueRef::Integer(integer) => {
                out.push(b'i');
                out.extend_from_slice(&integer.to_be_bytes());
            }
            ValueRef::Real(real) => {
                out.push(b'r');
                out.extend_from_slice(&real.to_bits().to_be_bytes());
            }
            ValueRef::Text(text) => {
                out.push(b't');
                put(out, text);
            }
            ValueRef::Blob(blob) => {
                out.push(b'b');
                put(out, blob);
            }
        }
    }
    Ok(())
}

/// The hash of the link after `previous` for a row of canonical form `row`.
fn link(previous: &[u8; 32], row: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(row);
    hasher.finalize().into()
}

fn column_names(statement: &Statement<'_>) -> Vec<String> {
    statement
        .column_names()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// `WHERE` of one row of `table` by its key, a JSON array bound as `?1`.
fn key_condition(table: &History) -> String {
    table
        .key
        .iter()
        .enumerate()
        .map(|(i, column)| format!("\"{column}\" = json_extract(?1, '$[{i}]')"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The SQL that reads one row of `table` where it is (rowid or key bound as `?1`), with
/// its rowid (or key) first.
fn row_sql(table: &History) -> String {
    if table.without_rowid {
        format!(
            "SELECT {}, * FROM main.\"{}\" WHERE {}",
            key_array(table, ""),
            table.name,
            key_condition(table)
        )
    } else {
        format!(
            "SELECT rowid, * FROM main.\"{}\" WHERE rowid = ?1",
            table.name
        )
    }
}

/// The JSON array of a row's key columns, as SQL (`prefix` names the row: `NEW.`).
fn key_array(table: &History, prefix: &str) -> String {
    let columns: Vec<String> = table
        .key
        .iter()
        .map(|column| format!("{prefix}\"{column}\""))
        .collect();
    format!("json_array({})", columns.join(", "))
}

/// Has this connection queue every row inserted into a table of history whose rows are not
/// numbered as written (see `History::queued`), for `extend` to chain at commit; the rows of
/// the other tables are found by their row numbers (see `Marks`). The queue and its
/// triggers are temporary: they belong to the connection, and a row written any other way
/// is not chained (and `verify` says so).
pub(super) fn watch(conn: &Connection) -> Result<(), StoreError> {
    // Only the tables the schema has so far: a migration that adds one is followed by
    // another call, which installs its trigger.
    let names = table_names(conn)?;
    let existing: Vec<&History> = HISTORY
        .iter()
        .filter(|table| table.queued() && names.contains(table.name))
        .collect();
    let installed: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_temp_schema
         WHERE type = 'trigger' AND name LIKE 'chain\\_queue\\_%' ESCAPE '\\'",
        [],
        |row| row.get(0),
    )?;
    if installed > 0 && usize::try_from(installed).ok() == Some(existing.len()) {
        return Ok(());
    }
    let mut sql = String::from(
        "CREATE TEMP TABLE IF NOT EXISTS chain_pending (
             id      INTEGER PRIMARY KEY,
             tbl     TEXT NOT NULL,
             row_id  INTEGER,
             row_key TEXT
         );",
    );
    for table in existing {
        let (row_id, row_key) = if table.without_rowid {
            ("NULL".to_string(), key_array(table, "NEW."))
        } else {
            ("NEW.rowid".to_string(), "NULL".to_string())
        };
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS chain_queue_{name} AFTER INSERT ON main.\"{name}\"
             BEGIN
                 INSERT INTO chain_pending (tbl, row_id, row_key)
                 VALUES ('{name}', {row_id}, {row_key});
             END;",
            name = table.name
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// The tables of the main schema, by name.
fn table_names(conn: &Connection) -> Result<std::collections::BTreeSet<String>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT name FROM main.sqlite_master WHERE type = 'table'")?;
    let names = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    Ok(names)
}

/// Where each table of history with row numbers stood when a transaction began: the
/// number of its last row (0 when empty, or when the table did not exist yet). Taken once
/// the transaction holds the write lock, so that the rows numbered after it are the
/// transaction's own.
#[derive(Debug, Clone, Default)]
pub(super) struct Marks(Vec<i64>);

impl Marks {
    pub(super) fn take(conn: &Connection) -> Result<Marks, StoreError> {
        let names = table_names(conn)?;
        let mut last = Vec::with_capacity(HISTORY.len());
        for table in &HISTORY {
            let number = if table.queued() || !names.contains(table.name) {
                0
            } else {
                // Once per transaction: not kept among the prepared statements.
                conn.query_row(
                    &format!(
                        "SELECT coalesce(max(rowid), 0) FROM main.\"{}\"",
                        table.name
                    ),
                    [],
                    |row| row.get(0),
                )?
            };
            last.push(number);
        }
        Ok(Marks(last))
    }
}

/// The last link: its place and hash (none before the first row is chained).
fn last_link(conn: &Connection) -> Result<(i64, [u8; 32]), StoreError> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    match last {
        None => Ok((0, GENESIS)),
        Some((seq, hash)) => {
            let hash: [u8; 32] = hash
                .try_into()
                .map_err(|_| super::corrupt(format!("the hash of chain link {seq}")))?;
            Ok((seq, hash))
        }
    }
}

/// The end of the chain, where links are appended one row at a time.
struct ChainEnd<'c> {
    seq: i64,
    previous: [u8; 32],
    buffer: Vec<u8>,
    insert: rusqlite::CachedStatement<'c>,
}

impl<'c> ChainEnd<'c> {
    fn open(conn: &'c Connection) -> Result<ChainEnd<'c>, StoreError> {
        let (seq, previous) = last_link(conn)?;
        Ok(ChainEnd {
            seq,
            previous,
            buffer: Vec::with_capacity(512),
            insert: conn.prepare_cached(
                "INSERT INTO chain (seq, tbl, row_id, row_key, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
        })
    }

    /// Appends the link of `row` of `table` (its columns from the second on, named by
    /// `names`), found at `row_id` or `row_key`.
    fn append(
        &mut self,
        table: &str,
        names: &[String],
        row: &Row<'_>,
        (row_id, row_key): (Option<i64>, Option<String>),
    ) -> Result<(), StoreError> {
        canonical(&mut self.buffer, table, names, row, 1)?;
        self.seq += 1;
        self.previous = link(&self.previous, &self.buffer);
        self.insert.execute(rusqlite::params![
            self.seq,
            table,
            row_id,
            row_key,
            &self.previous[..]
        ])?;
        Ok(())
    }
}

/// Appends links for the rows written since `marks` were taken: table by table, in the
/// order of `HISTORY`, the rows numbered after the table's mark, by number, or, for a table
/// whose rows are queued (see `History::queued`), the rows in the order they were queued;
/// then empties the queue. Called by `Tx::commit` (and after migrations), inside the
/// transaction.
pub(super) fn extend(conn: &Connection, marks: &Marks) -> Result<(), StoreError> {
    let names = table_names(conn)?;
    let mut end = ChainEnd::open(conn)?;
    for (index, table) in HISTORY.iter().enumerate() {
        if !names.contains(table.name) {
            continue;
        }
        if table.queued() {
            let mut queue = conn.prepare_cached(
                "SELECT row_id, row_key FROM temp.chain_pending WHERE tbl = ?1 ORDER BY id",
            )?;
            let places = queue
                .query_map([table.name], |row| {
                    Ok((
                        row.get::<_, Option<i64>>(0)?,
                        row.get::<_, Option<String>>(1)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            if places.is_empty() {
                continue;
            }
            let mut reader = conn.prepare(&row_sql(table))?;
            let names = column_names(&reader);
            for (row_id, row_key) in places {
                let mut found = match (&row_id, &row_key) {
                    (Some(id), _) => reader.query([id])?,
                    (None, Some(key)) => reader.query([key])?,
                    (None, None) => return Err(super::corrupt("a row queued without its place")),
                };
                // Inserted and removed in the same transaction: nothing to chain.
                let Some(row) = found.next()? else { continue };
                end.append(table.name, &names, row, (row_id, row_key))?;
            }
            continue;
        }
        let mark = marks.0.get(index).copied().unwrap_or(0);
        let mut reader = conn.prepare(&format!(
            "SELECT rowid, * FROM main.\"{}\" WHERE rowid > ?1 ORDER BY rowid",
            table.name
        ))?;
        let names = column_names(&reader);
        let mut rows = reader.query([mark])?;
        while let Some(row) = rows.next()? {
            end.append(table.name, &names, row, (Some(row.get(0)?), None))?;
        }
    }
    conn.execute("DELETE FROM temp.chain_pending", [])?;
    Ok(())
}

/// Chains every row of history of a ledger that has no chain yet, table by table in the
/// order of `HISTORY`, each in rowid (or key) order. Run once, when migration 0007 is
/// applied to a ledger made before it.
pub(super) fn build(conn: &Connection) -> Result<(), StoreError> {
    let mut end = ChainEnd::open(conn)?;
    if end.seq > 0 {
        return Ok(());
    }
    for table in &HISTORY {
        let sql = if table.without_rowid {
            format!(
                "SELECT {}, * FROM main.\"{}\" ORDER BY {}",
                key_array(table, ""),
                table.name,
                table.key.join(", ")
            )
        } else {
            format!(
                "SELECT rowid, * FROM main.\"{}\" ORDER BY rowid",
                table.name
            )
        };
        let mut statement = conn.prepare(&sql)?;
        let names = column_names(&statement);
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let place = if table.without_rowid {
                (None, Some(row.get(0)?))
            } else {
                (Some(row.get(0)?), None)
            };
            end.append(table.name, &names, row, place)?;
        }
    }
    Ok(())
}

/// The chain head as stored: the last link.
pub(super) fn head(conn: &Connection) -> Result<ChainHead, StoreError> {
    let (count, hash) = last_link(conn)?;
    Ok(ChainHead {
        count,
        head: to_hex(&hash),
    })
}

/// How a row is named in a finding: `entry 1234`, `party FRA`, `budget_line 2017 1 staff`.
fn row_name(
    conn: &Connection,
    table: &History,
    row_id: Option<i64>,
    row_key: Option<&str>,
) -> String {
    let values: Option<Vec<String>> = match (row_id, row_key) {
        (_, Some(key)) => serde_json::from_str::<Vec<serde_json::Value>>(key)
            .ok()
            .map(|values| {
                values
                    .into_iter()
                    .map(|value| match value {
                        serde_json::Value::String(text) => text,
                        other => other.to_string(),
                    })
                    .collect()
            }),
        (Some(id), None) => {
            let columns: Vec<String> = table
                .key
                .iter()
                .map(|column| format!("CAST(\"{column}\" AS TEXT)"))
                .collect();
            conn.query_row(
                &format!(
                    "SELECT {} FROM main.\"{}\" WHERE rowid = ?1",
                    columns.join(", "),
                    table.name
                ),
                [id],
                |row| {
                    (0..table.key.len())
                        .map(|i| {
                            row.get::<_, Option<String>>(i)
                                .map(Option::unwrap_or_default)
                        })
                        .collect::<Result<Vec<_>, _>>()
                },
            )
            .ok()
        }
        (None, None) => None,
    };
    match (values, row_id) {
        (Some(values), _) => format!("{} {}", table.name, values.join(" ")),
        (None, Some(id)) => format!("{} (row {id})", table.name),
        (None, None) => table.name.to_string(),
    }
}

/// One table's rows in rowid order, read alongside the chain.
struct Cursor<'s> {
    rows: rusqlite::Rows<'s>,
    names: Vec<String>,
    /// The row under the cursor: its rowid and canonical form.
    current: Option<(i64, Vec<u8>)>,
    /// How many rows of the table the chain's links were found to cover.
    matched: i64,
}

impl Cursor<'_> {
    fn advance(&mut self, table: &str) -> Result<(), StoreError> {
        match self.rows.next()? {
            Some(row) => {
                let rowid: i64 = row.get(0)?;
                let mut buffer = match self.current.take() {
                    Some((_, buffer)) => buffer,
                    None => Vec::with_capacity(512),
                };
                canonical(&mut buffer, table, &self.names, row, 1)?;
                self.current = Some((rowid, buffer));
            }
            None => self.current = None,
        }
        Ok(())
    }
}

/// What walking the chain found.
pub(super) struct ChainWalk {
    /// The head the walk recomputed and found stored (the same when nothing is found).
    pub head: ChainHead,
    pub findings: Vec<Finding>,
}

/// How much of the chain `walk` recomputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Depth {
    /// Every link, against every row of history.
    Full,
    /// The last link, and the link of `--against`: they are recomputed from the link before
    /// them and their row, and the links are counted.
    Quick,
}

/// Walks the chain link by link: each link's hash must be the hash of the link before it
/// and of its row as it is now, the links must follow one another from 1, and every row of
/// history must have its link. With `against`, the first `count` links must end at its
/// hash.
pub(super) fn walk(
    conn: &Connection,
    depth: Depth,
    against: Option<&ChainMark>,
) -> Result<ChainWalk, StoreError> {
    let mut messages: Vec<String> = Vec::new();
    let (count, last_hash) = last_link(conn)?;
    let head = ChainHead {
        count,
        head: to_hex(&last_hash),
    };
    match depth {
        Depth::Full => walk_full(conn, &mut messages)?,
        Depth::Quick => walk_quick(conn, count, against, &mut messages)?,
    }
    if let Some(mark) = against {
        if mark.count <= count {
            check_against(conn, mark, &mut messages)?;
        } else {
            messages.push(format!(
                "the chain head given ({} rows) is beyond the chain, which has {count}: rows \
                 chained before it have been removed",
                mark.count
            ));
        }
    }
    let total = messages.len();
    let mut findings: Vec<Finding> = messages
        .into_iter()
        .take(FINDINGS_MAX)
        .map(|message| Finding {
            check: "chain",
            message,
        })
        .collect();
    if total > FINDINGS_MAX {
        findings.push(Finding {
            check: "chain",
            message: format!("and {} more", total - FINDINGS_MAX),
        });
    }
    Ok(ChainWalk { head, findings })
}

/// A link as stored: its table, where its row is (rowid or key) and its hash.
type StoredLink = (String, Option<i64>, Option<String>, Vec<u8>);

/// Link `seq` as stored, if there is one.
fn stored_link(conn: &Connection, seq: i64) -> Result<Option<StoredLink>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT tbl, row_id, row_key, hash FROM chain WHERE seq = ?1",
            [seq],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?)
}

/// Recomputes link `seq` alone from the stored link before it and its row.
fn check_one_link(
    conn: &Connection,
    seq: i64,
    messages: &mut Vec<String>,
) -> Result<(), StoreError> {
    if seq < 1 {
        return Ok(());
    }
    let previous: [u8; 32] = if seq == 1 {
        GENESIS
    } else {
        match stored_link(conn, seq - 1)? {
            Some((_, _, _, hash)) => hash.try_into().unwrap_or([0xff; 32]),
            None => {
                messages.push(format!("chain link {} is missing", seq - 1));
                return Ok(());
            }
        }
    };
    let Some((name, row_id, row_key, hash)) = stored_link(conn, seq)? else {
        messages.push(format!("chain link {seq} is missing"));
        return Ok(());
    };
    let Some((_, table)) = history(&name) else {
        messages.push(format!(
            "chain link {seq} names table {name}, which is not history"
        ));
        return Ok(());
    };
    let mut statement = conn.prepare(&row_sql(table))?;
    let names = column_names(&statement);
    let mut rows = match (&row_id, &row_key) {
        (Some(id), _) => statement.query([id])?,
        (None, Some(key)) => statement.query([key])?,
        (None, None) => {
            messages.push(format!("chain link {seq} does not say where its row is"));
            return Ok(());
        }
    };
    let mut buffer = Vec::new();
    let found = match rows.next()? {
        Some(row) => {
            canonical(&mut buffer, table.name, &names, row, 1)?;
            true
        }
        None => false,
    };
    drop(rows);
    if !found {
        messages.push(format!(
            "{} is missing: it was removed after chain link {seq} recorded it",
            row_name(conn, table, row_id, row_key.as_deref())
        ));
    } else if link(&previous, &buffer)[..] != hash[..] {
        messages.push(format!(
            "{} does not match chain link {seq}: it was changed after it was recorded",
            row_name(conn, table, row_id, row_key.as_deref())
        ));
    }
    Ok(())
}

fn check_against(
    conn: &Connection,
    mark: &ChainMark,
    messages: &mut Vec<String>,
) -> Result<(), StoreError> {
    let stored = if mark.count == 0 {
        Some(GENESIS.to_vec())
    } else {
        stored_link(conn, mark.count)?.map(|(_, _, _, hash)| hash)
    };
    if let Some(hash) = stored {
        if hash[..] != mark.hash[..] {
            messages.push(format!(
                "the chain's first {} links end at {}, not at the head given ({}): history \
                 chained before that printout has changed",
                mark.count,
                to_hex(&hash),
                to_hex(&mark.hash)
            ));
        }
    }
    Ok(())
}

fn walk_quick(
    conn: &Connection,
    count: i64,
    against: Option<&ChainMark>,
    messages: &mut Vec<String>,
) -> Result<(), StoreError> {
    // The links are numbered from 1 without a gap: the first is 1 and the last is the count.
    let (first, links): (Option<i64>, i64) = conn.query_row(
        "SELECT (SELECT seq FROM chain ORDER BY seq LIMIT 1),
                (SELECT seq FROM chain ORDER BY seq DESC LIMIT 1)",
        [],
        |row| Ok((row.get(0)?, row.get::<_, Option<i64>>(1)?.unwrap_or(0))),
    )?;
    if first.is_some_and(|first| first != 1) {
        messages
            .push("the chain does not start at link 1: its first links were removed".to_string());
    }
    debug_assert_eq!(links, count);
    check_one_link(conn, count, messages)?;
    if let Some(mark) = against {
        if mark.count < count {
            check_one_link(conn, mark.count, messages)?;
        }
    }
    // Every table's last row has been chained (a row added behind the program's back
    // comes last).
    for table in HISTORY.iter().filter(|t| !t.without_rowid) {
        let last: Option<i64> = conn.query_row(
            &format!("SELECT max(rowid) FROM main.\"{}\"", table.name),
            [],
            |row| row.get(0),
        )?;
        if let Some(last) = last {
            let chained: bool = conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM chain WHERE row_id = ?1 AND tbl = ?2)",
                )?
                .query_row(rusqlite::params![last, table.name], |row| row.get(0))?;
            if !chained {
                messages.push(format!(
                    "{} has no link in the chain: it was not written by isu-ledger",
                    row_name(conn, table, Some(last), None)
                ));
            }
        }
    }
    Ok(())
}

fn walk_full(conn: &Connection, messages: &mut Vec<String>) -> Result<(), StoreError> {
    // Tables without rowid are small (scale rates, reminders): read whole, by key.
    let mut keyed: Vec<HashMap<String, (Vec<u8>, bool)>> = Vec::new();
    let mut rowid_statements: Vec<Statement<'_>> = Vec::new();
    for table in &HISTORY {
        if table.without_rowid {
            let mut statement = conn.prepare(&format!(
                "SELECT {}, * FROM main.\"{}\"",
                key_array(table, ""),
                table.name
            ))?;
            let names = column_names(&statement);
            let mut rows = statement.query([])?;
            let mut map = HashMap::new();
            while let Some(row) = rows.next()? {
                let mut buffer = Vec::new();
                canonical(&mut buffer, table.name, &names, row, 1)?;
                map.insert(row.get::<_, String>(0)?, (buffer, false));
            }
            keyed.push(map);
            rowid_statements.push(conn.prepare("SELECT 0 WHERE 0")?);
        } else {
            keyed.push(HashMap::new());
            rowid_statements.push(conn.prepare(&format!(
                "SELECT rowid, * FROM main.\"{}\" ORDER BY rowid",
                table.name
            ))?);
        }
    }
    let mut cursors: Vec<Cursor<'_>> = Vec::with_capacity(HISTORY.len());
    for (statement, table) in rowid_statements.iter_mut().zip(HISTORY.iter()) {
        let names = column_names(statement);
        let mut cursor = Cursor {
            rows: statement.query([])?,
            names,
            current: None,
            matched: 0,
        };
        if !table.without_rowid {
            cursor.advance(table.name)?;
        }
        cursors.push(cursor);
    }
    let mut lookups: Vec<Option<(Statement<'_>, Vec<String>)>> =
        HISTORY.iter().map(|_| None).collect();
    let mut links =
        conn.prepare("SELECT seq, tbl, row_id, row_key, hash FROM chain ORDER BY seq")?;
    let mut rows = links.query([])?;
    let mut expected_seq = 0i64;
    let mut previous = GENESIS;
    let mut scratch = Vec::with_capacity(512);
    while let Some(link_row) = rows.next()? {
        let seq: i64 = link_row.get(0)?;
        let name = link_row.get_ref(1)?.as_str().map_err(super::corrupt)?;
        let row_id: Option<i64> = link_row.get(2)?;
        let hash_ref = link_row.get_ref(4)?.as_blob().map_err(super::corrupt)?;
        let stored: [u8; 32] = hash_ref.try_into().unwrap_or([0xff; 32]);
        expected_seq += 1;
        if seq != expected_seq {
            messages.push(format!(
                "chain links {expected_seq} to {} are missing",
                seq - 1
            ));
            expected_seq = seq;
            // The link after a gap is checked against the link stored before it.
        }
        let Some((index, table)) = history(name) else {
            messages.push(format!(
                "chain link {seq} names table {name}, which is not history"
            ));
            previous = stored;
            continue;
        };
        let canonical_row: Option<&[u8]> = if table.without_rowid {
            let key: Option<String> = link_row.get(3)?;
            match key.as_deref().and_then(|key| keyed[index].get_mut(key)) {
                Some((buffer, seen)) => {
                    *seen = true;
                    Some(&buffer[..])
                }
                None => {
                    messages.push(format!(
                        "{} is missing: it was removed after chain link {seq} recorded it",
                        row_name(conn, table, None, key.as_deref())
                    ));
                    None
                }
            }
        } else {
            let Some(row_id) = row_id else {
                messages.push(format!("chain link {seq} does not say where its row is"));
                previous = stored;
                continue;
            };
            let cursor = &mut cursors[index];
            while cursor.current.as_ref().is_some_and(|(id, _)| *id < row_id) {
                cursor.advance(table.name)?;
            }
            if cursor.current.as_ref().is_some_and(|(id, _)| *id == row_id) {
                cursor.matched += 1;
                let (_, buffer) = cursor.current.as_ref().expect("checked above");
                scratch.clear();
                scratch.extend_from_slice(buffer);
                cursor.advance(table.name)?;
                Some(&scratch[..])
            } else {
                // A row chained out of rowid order (a year closed before a later one):
                // read it where it is.
                if lookups[index].is_none() {
                    let statement = conn.prepare(&row_sql(table))?;
                    let names = column_names(&statement);
                    lookups[index] = Some((statement, names));
                }
                let (statement, names) = lookups[index].as_mut().expect("prepared above");
                let mut found = statement.query([row_id])?;
                match found.next()? {
                    Some(row) => {
                        canonical(&mut scratch, table.name, names, row, 1)?;
                        cursors[index].matched += 1;
                        Some(&scratch[..])
                    }
                    None => {
                        messages.push(format!(
                            "{} is missing: it was removed after chain link {seq} recorded it",
                            row_name(conn, table, Some(row_id), None)
                        ));
                        None
                    }
                }
            }
        };
        if let Some(canonical_row) = canonical_row {
            if link(&previous, canonical_row) != stored {
                let key: Option<String> = link_row.get(3)?;
                messages.push(format!(
                    "{} does not match chain link {seq}: it was changed after it was recorded",
                    row_name(conn, table, row_id, key.as_deref())
                ));
            }
        }
        // Each link is checked against the one stored before it, so that every changed
        // row is named, not only the first.
        previous = stored;
    }
    drop(rows);
    let matched: Vec<i64> = cursors.iter().map(|cursor| cursor.matched).collect();
    drop(cursors);
    // Rows that no link covers: added behind the program's back.
    for (index, table) in HISTORY.iter().enumerate() {
        if table.without_rowid {
            let mut unchained: Vec<&String> = keyed[index]
                .iter()
                .filter(|(_, (_, seen))| !seen)
                .map(|(key, _)| key)
                .collect();
            unchained.sort();
            for key in unchained {
                messages.push(format!(
                    "{} has no link in the chain: it was not written by isu-ledger",
                    row_name(conn, table, None, Some(key))
                ));
            }
            continue;
        }
        let rows: i64 = conn.query_row(
            &format!("SELECT count(*) FROM main.\"{}\"", table.name),
            [],
            |row| row.get(0),
        )?;
        if rows == matched[index] {
            continue;
        }
        if rows < matched[index] {
            messages.push(format!(
                "the chain links some rows of {} more than once",
                table.name
            ));
        }
        let mut statement = conn.prepare(&format!(
            "SELECT rowid FROM main.\"{}\"
             WHERE rowid NOT IN (SELECT row_id FROM chain WHERE tbl = ?1 AND row_id IS NOT NULL)
             ORDER BY rowid LIMIT ?2",
            table.name
        ))?;
        let unchained = statement
            .query_map(
                rusqlite::params![table.name, FINDINGS_MAX as i64 + 1],
                |row| row.get::<_, i64>(0),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        for row_id in unchained {
            messages.push(format!(
                "{} has no link in the chain: it was not written by isu-ledger",
                row_name(conn, table, Some(row_id), None)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "3f2a000000000000000000000000000000000000000000000000000000000001";

    #[test]
    fn a_chain_head_reads_as_printed_and_refuses_anything_else() {
        let mark: ChainMark = format!("12'345:{HASH}").parse().unwrap();
        assert_eq!(mark.count, 12_345);
        assert_eq!(to_hex(&mark.hash), HASH);
        assert_eq!(mark.to_string(), format!("12345:{HASH}"));
        let upper: ChainMark = format!(" 7:{} ", HASH.to_uppercase()).parse().unwrap();
        assert_eq!(upper.hash, mark.hash);
        for (bad, error) in [
            ("12345", "not a chain head"),
            (&format!("12345{HASH}")[..], "not a chain head"),
            (&format!(":{HASH}")[..], "count"),
            (&format!("-1:{HASH}")[..], "count"),
            (&format!("1.5:{HASH}")[..], "count"),
            (&format!("99999999999999999999:{HASH}")[..], "count"),
            ("1:3f2a", "64 hexadecimal"),
            (&format!("1:{}g", &HASH[..63])[..], "64 hexadecimal"),
            (&format!("1:{HASH}0")[..], "64 hexadecimal"),
        ] {
            let message = bad.parse::<ChainMark>().unwrap_err().to_string();
            assert!(message.contains(error), "{bad}: {message}");
        }
    }

    #[test]
    fn the_head_prints_its_count_grouped_and_its_whole_hash() {
        let head = ChainHead {
            count: 1_234_567,
            head: HASH.to_string(),
        };
        assert_eq!(
            head.to_string(),
            format!("Chain: 1'234'567 rows, head {HASH}")
        );
        let one = ChainHead {
            count: 1,
            head: HASH.to_string(),
        };
        assert_eq!(one.to_string(), format!("Chain: 1 row, head {HASH}"));
    }

    /// The canonical form of the single row of `sql`, as a table `t`.
    fn canonical_of(sql: &str) -> Vec<u8> {
        let conn = Connection::open_in_memory().unwrap();
        let mut statement = conn.prepare(sql).unwrap();
        let names = column_names(&statement);
        let mut rows = statement.query([]).unwrap();
        let row = rows.next().unwrap().unwrap();
        let mut out = Vec::new();
        canonical(&mut out, "t", &names, row, 0).unwrap();
        out
    }

    #[test]
    fn rows_that_differ_never_read_alike() {
        let forms = [
            canonical_of("SELECT 'ab' AS a, 'c' AS b"),
            canonical_of("SELECT 'a' AS a, 'bc' AS b"),
            canonical_of("SELECT 'a' AS ab, 'c' AS b"),
            canonical_of("SELECT 1 AS a, 'c' AS b"),
            canonical_of("SELECT '1' AS a, 'c' AS b"),
            canonical_of("SELECT NULL AS a, 'c' AS b"),
            canonical_of("SELECT '' AS a, 'c' AS b"),
            canonical_of("SELECT x'61' AS a, 'c' AS b"),
        ];
        for (i, a) in forms.iter().enumerate() {
            for b in &forms[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // A column that is NULL is left out: a column added later leaves old rows alone.
        assert_eq!(
            canonical_of("SELECT NULL AS a, 'c' AS b"),
            canonical_of("SELECT 'c' AS b")
        );
        assert_ne!(link(&GENESIS, &forms[0]), link(&[1; 32], &forms[0]));
    }
}
