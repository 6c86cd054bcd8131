//! The SQLite ledger file: the only module that names rusqlite.
//!
//! It opens (or creates) the database, applies `schema.sql` and later migrations, writes
//! entries atomically in one `BEGIN IMMEDIATE` transaction with the running balances they
//! change, and loads what a report needs for its date.

mod accounts;
mod balances;
mod bank;
mod budgets;
mod building;
mod chain;
mod close;
mod costs;
mod entries;
mod export;
mod facts;
mod funds;
mod journal;
mod meetings;
mod migrations;
mod parties;
mod positions;
mod rates;
mod reminders;
mod running;
mod scales;
mod settings;
mod tasks;
mod transparency;
mod verify;

use crate::money::Currency;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use balances::{AccountRow, ReceivedRow, TrialBalanceRow};
pub use bank::{ClosingBalance, LineMatch, LinesImported, Payer, StoredLine, UnlinkedEntry};
pub use budgets::BudgetVersion;
pub use chain::{ChainHead, ChainMark, ChainMarkError};
pub use close::{ClosedYear, ResultRow};
pub use costs::{ExpensePostedRow, SpentRow};
pub use entries::Recorded;
pub use export::ExportFacts;
pub use facts::{fact_key, payment_key, FactRecorded, ReferenceState};
pub use funds::FundBalanceRow;
pub use journal::{JournalFilter, Page};
pub use meetings::{DocumentChange, MeetingReceivableRow, MeetingRecord};
pub use migrations::SCHEMA_VERSION;
pub use parties::PartyChangeRow;
pub use positions::PositionRow;
pub use rates::BookedAtRate;
pub use reminders::{LetterRecord, LetterSentRow, ReminderRow};
pub use scales::ScaleSummary;
pub use settings::SettingRow;
pub use tasks::TaskRecord;
pub use transparency::ReportRow;
pub use verify::{Finding, VerifyDepth, VerifySummary};

use crate::ledger::{AccountName, EntryId, FundCode, LedgerError, PartyCode};

/// Marks an SQLite file as an isu-ledger database (`PRAGMA application_id`): "ISUL".
const APPLICATION_ID: i32 = 0x4953_554C;

/// How long a writer waits for another to finish writing before giving up, unless told.
pub const WAIT_MAX_DEFAULT: Duration = Duration::from_secs(600);

/// After this long waiting for another writer, the waiting notice is given.
const WAIT_NOTICE_AFTER: Duration = Duration::from_secs(1);

/// How a command opens the ledger.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    /// How long a writer waits for another command to finish writing.
    pub wait_max: Duration,
    /// Called once when a writer has waited a second (the front end says so).
    pub waiting_notice: Option<fn()>,
    /// Whether to refuse a ledger whose safeguards are missing (every command but `verify`,
    /// which reports them).
    pub check_trust: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            wait_max: WAIT_MAX_DEFAULT,
            waiting_notice: None,
            check_trust: true,
        }
    }
}

/// How the file can be opened: what the user may write decides, so that an auditor's
/// read-only copy is read without writing anything beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// The file cannot be written: opened with `mode=ro`.
    ReadOnly,
    /// Nothing can be written (the file, or the directory that would hold the write-ahead
    /// log) and no write-ahead log is pending: opened `immutable`, which takes no lock and
    /// creates no file.
    Immutable,
}

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
    #[error(
        "bank reference '{reference}' of account {account} is already in the books as \
         {recorded}, and this file says {given}: the same reference must be the same movement"
    )]
    BankReferenceConflict {
        reference: String,
        account: String,
        recorded: String,
        given: String,
    },
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
    #[error(
        "refused: on {date} {party}'s position would not hold: {message} (amounts in \
         {currency}); nothing written"
    )]
    PositionRefused {
        party: PartyCode,
        date: chrono::NaiveDate,
        message: String,
        currency: Currency,
    },
    #[error(
        "the ledger is busy: another command kept it for longer than the wait allowed \
         (--wait); try again"
    )]
    Busy,
    #[error("the ledger is read-only: nothing was written")]
    ReadOnly,
    #[error(
        "'{path}' cannot be trusted: {reason}; nothing was read (`isu-ledger verify` lists \
         what is wrong)"
    )]
    Untrusted { path: String, reason: String },
    #[error(
        "'{path}' is read-only and needs upgrading to schema version {supported} (it has \
         {found}): open it once with write access"
    )]
    ReadOnlyNeedsUpgrade {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error(
        "the running total of {account} in {currency} for {budget_year} would go beyond what \
         the books can hold ({currency} 92'233'720'368'547'758.07); nothing written"
    )]
    BalanceOverflow {
        account: String,
        currency: crate::money::Currency,
        budget_year: i32,
    },
    #[error(
        "'{path}' could not be upgraded from schema version {found} to {supported}: {message}; \
         nothing was changed (`isu-ledger verify` may tell why)"
    )]
    MigrationFailed {
        path: String,
        found: i64,
        supported: i64,
        message: String,
    },
    #[error(
        "a sum goes beyond what the books can hold (64 bits): the ledger holds amounts it \
         should not; run `isu-ledger verify`"
    )]
    SumOverflow,
    #[error("cannot write '{path}': {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    #[error("database holds an invalid value: {0}")]
    Corrupt(String),
}

impl From<rusqlite::Error> for StoreError {
    /// A busy or read-only database is a state of the file, not a bad input: each has its
    /// own error, whichever statement met it.
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly,
            // SQLite's sum() of integers stops with this message rather than wrap.
            _ if error.to_string().contains("integer overflow") => StoreError::SumOverflow,
            _ => StoreError::Sqlite(error),
        }
    }
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

#[cfg(test)]
impl Actor {
    /// The user `test`, writing at `at`.
    pub(crate) fn test(at: &str) -> Actor {
        Actor {
            user: "test".into(),
            at: at.into(),
        }
    }
}

/// The join condition that pairs a key `k` of `account_total` (or any row with its columns)
/// with its `account_running` row `r` on the date bound as `?1`: the sums of every day up to
/// that date, found by one index seek. A key with nothing posted by then has no such row.
pub(crate) const RUNNING_ON_DATE: &str =
    "r.budget_year = k.budget_year AND r.account_id = k.account_id
     AND r.fund = k.fund AND r.party = k.party AND r.currency = k.currency
     AND r.posted_on = (SELECT max(m.posted_on) FROM account_running m
                        WHERE m.budget_year = k.budget_year AND m.account_id = k.account_id
                          AND m.fund = k.fund AND m.party = k.party
                          AND m.currency = k.currency AND m.posted_on <= ?1)";

/// How many prepared statements a connection keeps (rusqlite keeps 16 by default). Recording
/// one cost or payment runs some thirty distinct statements, among them the long ones that
/// add to the running sums: with fewer kept, a bulk import prepares them again for every
/// row, and parsing SQL becomes most of its work.
const STATEMENTS_CACHED: usize = 128;

/// What a statement may keep in memory of the pages it changes, so that it can be undone
/// alone (SQLite's statement journal), before that goes to a temporary file for the rest
/// of the transaction. SQLite keeps 64 KiB; once a statement changed more (an insert that
/// fires a trigger, a running sum added to its later days), every page each later statement
/// changed was written to that file, the whole of a long import. The memory is given back
/// when each statement ends.
const STATEMENT_JOURNAL_IN_MEMORY: i32 = 1 << 20;

/// Sets, once and before the first connection, how SQLite keeps statement journals.
fn configure_sqlite() {
    static CONFIGURED: std::sync::Once = std::sync::Once::new();
    CONFIGURED.call_once(|| {
        // SAFETY: `sqlite3_config` is called before SQLite is initialised (no connection is
        // open yet: every connection of the program is opened after this), with the one
        // `int` argument this option takes. Were SQLite already initialised it would
        // answer SQLITE_MISUSE and change nothing, which costs only speed.
        unsafe {
            rusqlite::ffi::sqlite3_config(
                rusqlite::ffi::SQLITE_CONFIG_STMTJRNL_SPILL,
                STATEMENT_JOURNAL_IN_MEMORY,
            );
        }
    });
}

/// An open ledger.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    access: Access,
    options: OpenOptions,
}

impl Store {
    /// Opens an existing ledger, upgrading its schema if it is older than this program's.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, OpenOptions::default())
    }

    /// Opens an existing ledger. Nothing is written to the file before it is known to be an
    /// isu-ledger database of a version this program knows; a file the user cannot write is
    /// opened read-only.
    pub fn open_with(path: &Path, options: OpenOptions) -> Result<Store, StoreError> {
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
        let access = access_of(path);
        configure_sqlite();
        let conn = match access {
            Access::ReadWrite => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
            Access::ReadOnly | Access::Immutable => Connection::open_with_flags(
                read_only_uri(path, access == Access::Immutable),
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
        };
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            access,
            options,
        };
        store.conn.busy_timeout(options.wait_max)?;
        store
            .conn
            .set_prepared_statement_cache_capacity(STATEMENTS_CACHED);
        store.check_is_ledger()?;
        let found = store.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: shown,
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if access != Access::ReadWrite {
            if found < SCHEMA_VERSION {
                return Err(StoreError::ReadOnlyNeedsUpgrade {
                    path: shown,
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            store.conn.pragma_update(None, "foreign_keys", "ON")?;
        } else {
            store.configure()?;
            migrations::apply(&mut store.conn, &shown)?;
        }
        if options.check_trust {
            store.check_trusted()?;
        }
        Ok(store)
    }

    /// Creates a new ledger at `path`, or opens the one already there. Returns whether it
    /// was created. The new ledger is built beside `path` and moved into place whole, so an
    /// interrupted `init` leaves either nothing or a whole ledger.
    pub fn create(path: &Path) -> Result<(Store, bool), StoreError> {
        match Store::create_with(path, false, Currency::CHF, |_| Ok::<(), StoreError>(()))? {
            Some((store, ())) => Ok((store, true)),
            None => Ok((Store::open(path)?, false)),
        }
    }

    /// Builds a new ledger beside `path` (the schema, then whatever `fill` writes), and moves
    /// it into place: an interrupted build leaves either no ledger or a whole one. Returns
    /// `None` when `path` is already an isu-ledger database and `replace` is false; with
    /// `replace`, an existing file is replaced (the caller has checked it may be). The
    /// ledger's own funds are kept in the book currency `book`; `fill` records the setting.
    pub fn create_with<T, E: From<StoreError>>(
        path: &Path,
        replace: bool,
        book: Currency,
        fill: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<Option<(Store, T)>, E> {
        if path.as_os_str().is_empty() {
            return Err(StoreError::PathEmpty.into());
        }
        let shown = path.display().to_string();
        if path.is_dir() {
            return Err(StoreError::IsDirectory { path: shown }.into());
        }
        if path.exists() && !replace {
            return match Store::open(path) {
                Ok(_) => Ok(None),
                Err(StoreError::NotLedger { .. }) => {
                    Err(StoreError::ExistsNotLedger { path: shown }.into())
                }
                Err(error) => Err(error.into()),
            };
        }
        let building = building::Building::start(path)?;
        configure_sqlite();
        let filled = {
            let conn = Connection::open(building.path()).map_err(StoreError::from)?;
            let mut store = Store {
                conn,
                path: building.path().to_path_buf(),
                access: Access::ReadWrite,
                options: OpenOptions::default(),
            };
            store.configure()?;
            migrations::apply_with(&mut store.conn, &shown, book)?;
            let filled = fill(&mut store)?;
            // Closing checkpoints the write-ahead log into the file, so the file alone is
            // the whole ledger when it moves.
            store
                .conn
                .close()
                .map_err(|(_, error)| StoreError::from(error))?;
            filled
        };
        if !building.finish(replace)? {
            // Another command created a file there meanwhile: keep theirs.
            return match Store::open(path) {
                Ok(_) => Ok(None),
                Err(_) => Err(StoreError::ExistsNotLedger { path: shown }.into()),
            };
        }
        Ok(Some((Store::open(path)?, filled)))
    }

    /// An in-memory ledger, for tests.
    pub fn in_memory() -> Result<Store, StoreError> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: PathBuf::from(":memory:"),
            access: Access::ReadWrite,
            options: OpenOptions::default(),
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

    /// Whether the ledger was opened read-only (see `Access`).
    pub fn access(&self) -> Access {
        self.access
    }

    /// Starts the one transaction a writing command makes (`BEGIN IMMEDIATE`). When another
    /// command is writing, it waits its turn, up to the wait allowed, and gives the waiting
    /// notice after a second.
    pub fn begin(&mut self, actor: Actor) -> Result<Tx<'_>, StoreError> {
        if self.access != Access::ReadWrite {
            return Err(StoreError::ReadOnly);
        }
        let wait_max = self.options.wait_max;
        let first = WAIT_NOTICE_AFTER.min(wait_max);
        self.conn.busy_timeout(first)?;
        // A first try of a second tells a short wait from a long one; the transaction
        // itself is taken after it, waiting what is left.
        match self.conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK") {
            Ok(()) => {}
            Err(error)
                if matches!(
                    error.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) =>
            {
                if wait_max <= first {
                    return Err(StoreError::Busy);
                }
                if let Some(notice) = self.options.waiting_notice {
                    notice();
                }
                self.conn.busy_timeout(wait_max - first)?;
            }
            Err(error) => return Err(error.into()),
        }
        // Every row of history the transaction inserts is chained at commit (those of the
        // tables without row numbers queued as they are written).
        chain::watch(&self.conn)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let chain_marks = chain::Marks::take(&tx)?;
        Ok(Tx {
            tx,
            chain_marks,
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

    fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }

    fn configure(&self) -> Result<(), StoreError> {
        self.conn
            .set_prepared_statement_cache_capacity(STATEMENTS_CACHED);
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
    facts_cache: RefCell<HashMap<String, facts::PartyTail>>,
    /// Where the tables of history stood when the transaction began: the rows after it
    /// are chained at commit.
    chain_marks: chain::Marks,
}

impl Tx<'_> {
    /// Commits what the transaction wrote, with the running balances it changed and the
    /// links that chain its rows of history.
    pub fn commit(self) -> Result<(), StoreError> {
        self.flush_running_balances()?;
        chain::extend(&self.tx, &self.chain_marks)?;
        self.tx.commit()?;
        Ok(())
    }

    /// Marks the ledger as a demonstration ledger, which `demo` may rebuild.
    pub fn mark_demo(&self) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES ('demo', 'yes')
             ON CONFLICT (key) DO NOTHING",
            [],
        )?;
        Ok(())
    }
}

/// Whether the user may write `path` and the directory that holds it: a file without any
/// write permission is read-only even for the superuser, so an auditor's copy marked so is
/// never written.
fn access_of(path: &Path) -> Access {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_writable = writable(path);
    let directory_writable = writable(&directory);
    let wal_pending = PathBuf::from(format!("{}-wal", path.display())).exists();
    match (file_writable, directory_writable) {
        (true, true) => Access::ReadWrite,
        _ if wal_pending => Access::ReadOnly,
        _ => Access::Immutable,
    }
}

fn writable(path: &Path) -> bool {
    let Ok(metadata) = std::fs::metadata(path) else {
        return false;
    };
    if metadata.permissions().readonly() {
        return false;
    }
    can_write(path)
}

/// What the operating system says of this user's right to write `path`.
#[cfg(unix)]
fn can_write(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(name) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `name` is a valid NUL-terminated string that outlives the call.
    unsafe { libc::access(name.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn can_write(_path: &Path) -> bool {
    true
}

/// The `file:` URI that opens `path` read-only (and immutable when nothing may be written
/// beside it). Characters that mean something in a URI are escaped.
fn read_only_uri(path: &Path, immutable: bool) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for byte in absolute.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(byte as char)
            }
            other => uri.push_str(&format!("%{other:02X}")),
        }
    }
    uri.push_str(if immutable {
        "?mode=ro&immutable=1"
    } else {
        "?mode=ro"
    });
    uri
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
    fn the_read_only_uri_escapes_what_means_something_in_a_uri() {
        let uri = read_only_uri(Path::new("/a b/l?x#1%.sqlite"), false);
        assert_eq!(uri, "file:/a%20b/l%3Fx%231%25.sqlite?mode=ro");
        assert!(read_only_uri(Path::new("/l.sqlite"), true).ends_with("?mode=ro&immutable=1"));
    }

    #[cfg(unix)]
    #[test]
    fn access_follows_the_permissions_of_the_file_and_its_directory() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.sqlite");
        Store::create(&path).unwrap();
        let mode = |p: &Path, m| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
        assert_eq!(access_of(&path), Access::ReadWrite);
        mode(&path, 0o444).unwrap();
        assert_eq!(access_of(&path), Access::Immutable);
        std::fs::write(dir.path().join("l.sqlite-wal"), "").unwrap();
        assert_eq!(access_of(&path), Access::ReadOnly);
        std::fs::remove_file(dir.path().join("l.sqlite-wal")).unwrap();
        mode(&path, 0o644).unwrap();
        mode(dir.path(), 0o555).unwrap();
        assert_eq!(access_of(&path), Access::Immutable);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.access(), Access::Immutable);
        mode(dir.path(), 0o755).unwrap();
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
