//! The SQLite ledger file: the only module that names rusqlite.
//!
//! It opens (or creates) the database, applies `schema.sql` and later migrations, writes
//! entries atomically in one `BEGIN IMMEDIATE` transaction with the running balances they
//! change, and loads what a report needs for its date.

mod accounts;
mod balances;
mod budgets;
mod close;
mod costs;
mod entries;
mod export;
mod facts;
mod funds;
mod meetings;
mod migrations;
mod parties;
mod positions;
mod rates;
mod reminders;
mod running;
mod scales;
mod verify;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use balances::{AccountRow, ReceivedRow, TrialBalanceRow};
pub use budgets::BudgetVersion;
pub use close::{ClosedYear, ResultRow};
pub use costs::{ExpensePostedRow, SpentRow};
pub use entries::{JournalFilter, Recorded};
pub use export::ExportFacts;
pub use facts::{
    due_after, fact_key, payment_key, transfers_of, FactRecorded, PartyFacts, ReferenceState,
    DUE_DAYS_DEFAULT,
};
pub use funds::FundBalanceRow;
pub use meetings::{DocumentChange, MeetingReceivableRow, MeetingRecord};
pub use migrations::SCHEMA_VERSION;
pub use positions::{PositionRow, ReceivableDay};
pub use rates::BookedAtRate;
pub use reminders::ReminderRow;
pub use scales::ScaleSummary;
pub use verify::{Finding, VerifySummary};

use crate::ledger::{AccountName, EntryId, FundCode, LedgerError, PartyCode};

/// Marks an SQLite file as an isu-ledger database (`PRAGMA application_id`): "ISUL".
const APPLICATION_ID: i32 = 0x4953_554C;

/// How long a writer waits for another to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "no ledger at '{path}': create one with `isu-ledger --db {path} init` \
         (or build the example with `isu-ledger demo`)"
    )]
    Missing { path: String },
    #[error("the ledger file name is empty: give one with --db FILE")]
    PathEmpty,
    #[error("'{path}' is a directory, not a ledger file: give a file name with --db")]
    IsDirectory { path: String },
    #[error(
        "'{path}' is not an isu-ledger database: give the right file with --db, \
         or create a new ledger with `isu-ledger --db NEW_FILE init`"
    )]
    NotLedger { path: String },
    #[error(
        "'{path}' was written by a newer isu-ledger (schema version {found}; this program \
         knows up to {supported}): upgrade isu-ledger to open it"
    )]
    NewerSchema {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("'{path}' already exists and is not an isu-ledger database; nothing was written")]
    ExistsNotLedger { path: String },
    #[error("party {code} already exists ({name})")]
    PartyExists { code: PartyCode, name: String },
    #[error("unknown party '{code}': add it first with `isu-ledger party add {code} --name NAME`")]
    PartyNotFound { code: PartyCode },
    #[error("account {name} already exists")]
    AccountExists { name: AccountName },
    #[error(
        "account {name} is not open; declare it with `isu-ledger account add {name}` ({known})"
    )]
    AccountNotOpen { name: AccountName, known: String },
    #[error("unknown fund '{fund}' (known funds: {known})")]
    FundNotFound { fund: FundCode, known: String },
    #[error("no entry {id} in the ledger (`isu-ledger journal` lists the entries)")]
    EntryNotFound { id: EntryId },
    #[error(
        "reference '{reference}' is already recorded as entry {existing} with different content: \
         recorded [{existing_content}], given [{new_content}]"
    )]
    ReferenceConflict {
        reference: String,
        existing: EntryId,
        existing_content: String,
        new_content: String,
    },
    #[error(
        "{what} is refused: budget year {year} was closed on {closed_on} by {closed_by} \
         (`isu-ledger close {year}`); date it in an open year and count it against one"
    )]
    YearClosed {
        what: String,
        year: i32,
        closed_on: String,
        closed_by: String,
    },
    #[error("unknown scale '{name}' (known scales: {known}); import one with `isu-ledger scale import NAME FILE.csv`")]
    ScaleNotFound { name: String, known: String },
    #[error("scale '{name}' already exists{}; scales are never changed, import under a new name", if *builtin { " (built in)" } else { "" })]
    ScaleExists { name: String, builtin: bool },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Domain(#[from] crate::domain::DomainError),
    #[error("refused: on {date} {party}'s position would not hold: {message}; nothing written")]
    PositionRefused {
        party: PartyCode,
        date: chrono::NaiveDate,
        message: String,
    },
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database holds an invalid value: {0}")]
    Corrupt(String),
}

/// A value read from the database that does not parse: the file was changed behind the
/// program's back.
fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Who writes, and when: recorded with every row a command adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    /// RFC 3339 time stamp.
    pub at: String,
}

/// An open ledger.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens an existing ledger, upgrading its schema if it is older than this program's.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if path.as_os_str().is_empty() {
            return Err(StoreError::PathEmpty);
        }
        let shown = path.display().to_string();
        if path.is_dir() {
            return Err(StoreError::IsDirectory { path: shown });
        }
        if !path.exists() {
            return Err(StoreError::Missing { path: shown });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.check_is_ledger()?;
        store.configure()?;
        migrations::apply(&mut store.conn, &shown)?;
        Ok(store)
    }

    /// Creates a new ledger at `path`, or opens the one already there. Returns whether it
    /// was created.
    pub fn create(path: &Path) -> Result<(Store, bool), StoreError> {
        if path.as_os_str().is_empty() {
            return Err(StoreError::PathEmpty);
        }
        let shown = path.display().to_string();
        if path.is_dir() {
            return Err(StoreError::IsDirectory { path: shown });
        }
        if path.exists() {
            return match Store::open(path) {
                Ok(store) => Ok((store, false)),
                Err(StoreError::NotLedger { .. }) => {
                    Err(StoreError::ExistsNotLedger { path: shown })
                }
                Err(error) => Err(error),
            };
        }
        let conn = Connection::open(path)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure()?;
        migrations::apply(&mut store.conn, &shown)?;
        Ok((store, true))
    }

    /// An in-memory ledger, for tests.
    pub fn in_memory() -> Result<Store, StoreError> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: PathBuf::from(":memory:"),
        };
        store.configure()?;
        migrations::apply(&mut store.conn, ":memory:")?;
        Ok(store)
    }

    /// Whether the file was marked as a demonstration ledger by `demo`.
    pub fn is_demo(&self) -> Result<bool, StoreError> {
        let value: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'demo'", [], |row| {
                row.get(0)
            })
            .ok();
        Ok(value.as_deref() == Some("yes"))
    }

    /// Starts the one transaction a writing command makes (`BEGIN IMMEDIATE`).
    pub fn begin(&mut self, actor: Actor) -> Result<Tx<'_>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(Tx {
            tx,
            actor,
            account_ids: RefCell::new(HashMap::new()),
            known_parties: RefCell::new(HashSet::new()),
            known_funds: RefCell::new(HashSet::new()),
            pending: RefCell::new(running::PendingBalances::default()),
            facts_cache: RefCell::new(HashMap::new()),
        })
    }

    fn check_is_ledger(&self) -> Result<(), StoreError> {
        let not_ledger = || StoreError::NotLedger {
            path: self.path.display().to_string(),
        };
        let id: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |row| row.get(0))
            .map_err(|_| not_ledger())?;
        // A zero-length file is an empty SQLite database without our mark.
        if id != APPLICATION_ID {
            return Err(not_ledger());
        }
        Ok(())
    }

    fn configure(&self) -> Result<(), StoreError> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        let _mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(())
    }
}

/// The transaction of one writing command: everything it writes commits together or not at
/// all. Dropping it without `commit` rolls back.
pub struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    actor: Actor,
    /// Account ids by name, filled as accounts are used, so a bulk import asks once each.
    account_ids: RefCell<HashMap<String, i64>>,
    /// Parties and funds found to exist, so a bulk import asks once each.
    known_parties: RefCell<HashSet<String>>,
    known_funds: RefCell<HashSet<String>>,
    /// Running-balance changes not yet written (see `running`).
    pending: RefCell<running::PendingBalances>,
    /// Each party's facts read in this transaction, kept up to date by `record_fact` and
    /// dropped when another entry of the party is written.
    facts_cache: RefCell<HashMap<String, PartyFacts>>,
}

impl Tx<'_> {
    pub fn commit(self) -> Result<(), StoreError> {
        self.flush_running_balances()?;
        self.tx.commit()?;
        Ok(())
    }

    /// Marks the ledger as a demonstration ledger, which `demo` may rebuild.
    pub fn mark_demo(&self) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES ('demo', 'yes')
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [],
        )?;
        Ok(())
    }
}

fn text_to_date(text: &str) -> Result<chrono::NaiveDate, StoreError> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("date '{text}'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_ledger_is_marked_and_versioned() {
        let store = Store::in_memory().unwrap();
        let id: i32 = store
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, APPLICATION_ID);
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn opening_refuses_missing_directory_and_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.sqlite");
        assert!(matches!(
            Store::open(&missing),
            Err(StoreError::Missing { .. })
        ));
        assert!(matches!(
            Store::open(dir.path()),
            Err(StoreError::IsDirectory { .. })
        ));
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a database, just some words\n".repeat(100)).unwrap();
        assert!(matches!(
            Store::open(&text),
            Err(StoreError::NotLedger { .. })
        ));
        assert!(matches!(
            Store::create(&text),
            Err(StoreError::ExistsNotLedger { .. })
        ));
        let other = dir.path().join("other.sqlite");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (x INTEGER)")
            .unwrap();
        assert!(matches!(
            Store::open(&other),
            Err(StoreError::NotLedger { .. })
        ));
    }

    #[test]
    fn create_then_open_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        let (_, created) = Store::create(&path).unwrap();
        assert!(created);
        let (_, created_again) = Store::create(&path).unwrap();
        assert!(!created_again);
        let store = Store::open(&path).unwrap();
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
