//! Schema migrations: an append-only list applied inside one exclusive transaction and
//! tracked with `PRAGMA user_version`. `schema.sql` is migration 1.

use rusqlite::{Connection, TransactionBehavior};

use super::{StoreError, APPLICATION_ID};
use crate::money::Currency;

/// Each migration, in order; migration N is `MIGRATIONS[N - 1]`. Never edit one that has
/// shipped: add the next.
const MIGRATIONS: &[&str] = &[
    include_str!("../../schema.sql"),
    include_str!("../../migrations/0002-assessments.sql"),
    include_str!("../../migrations/0003-costs.sql"),
    include_str!("../../migrations/0004-positions.sql"),
    include_str!("../../migrations/0005-corrections.sql"),
    include_str!("../../migrations/0006-bank.sql"),
    include_str!("../../migrations/0007-chain.sql"),
    include_str!("../../migrations/0008-letters.sql"),
    include_str!("../../migrations/0009-running-sums.sql"),
    include_str!("../../migrations/0010-book-currency.sql"),
    include_str!("../../migrations/0011-transparency.sql"),
    include_str!("../../migrations/0012-timeline.sql"),
];

/// The migration that adds the hash chain: a ledger older than it has its chain built
/// when it is applied; on a newer one, the rows a later migration inserts are chained.
const CHAIN_MIGRATION: i64 = 7;

/// The schema version this program writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to `SCHEMA_VERSION`, refusing one that is newer. A new ledger's
/// own funds are kept in CHF.
pub fn apply(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    apply_with(conn, path, Currency::CHF)
}

/// Brings the database up to `SCHEMA_VERSION`; a new ledger's own funds are kept in the
/// book currency `book`.
pub fn apply_with(conn: &mut Connection, path: &str, book: Currency) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_string(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.book_seed;
         CREATE TEMP TABLE book_seed (currency TEXT NOT NULL);",
    )?;
    conn.execute(
        "INSERT INTO temp.book_seed (currency) VALUES (?1)",
        [book.as_str()],
    )?;
    // A migration may rebuild a table that others refer to (how SQLite changes a
    // constraint): foreign keys are off while migrations run, which SQLite allows only
    // outside a transaction, and what refers to a rebuilt table is checked before commit.
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let applied = migrate(conn, path, found);
    if enforced {
        conn.pragma_update(None, "foreign_keys", "ON")?;
    }
    applied?;
    conn.execute_batch("DROP TABLE temp.book_seed")?;
    Ok(())
}

/// How many rows refer to a row that is missing (`PRAGMA foreign_key_check`).
fn dangling_references(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
        row.get(0)
    })
}

fn migrate(conn: &mut Connection, path: &str, found: i64) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    // A migration that fails on this file (its version number changed behind the
    // program's back, say) rolls back whole and says which upgrade it was.
    let failed = |error: rusqlite::Error| match StoreError::from(error) {
        StoreError::Sqlite(error) => StoreError::MigrationFailed {
            path: path.to_string(),
            found,
            supported: SCHEMA_VERSION,
            message: error.to_string(),
        },
        other => other,
    };
    let chained_before = found >= CHAIN_MIGRATION;
    let marks = if chained_before {
        super::chain::watch(&tx)?;
        super::chain::Marks::take(&tx)?
    } else {
        super::chain::Marks::default()
    };
    // Foreign keys are off while the migrations run: a rebuild must leave no more rows
    // referring to missing ones than there were (a damaged ledger keeps its damage for
    // `verify` to report; a migration adds none).
    let dangling_before = dangling_references(&tx).map_err(failed)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        tx.execute_batch(sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    let dangling = dangling_references(&tx).map_err(failed)? - dangling_before;
    if dangling > 0 {
        return Err(StoreError::MigrationFailed {
            path: path.to_string(),
            found,
            supported: SCHEMA_VERSION,
            message: format!("it would leave {dangling} rows referring to rows that are missing"),
        });
    }
    if chained_before {
        // The tables a migration added are watched from now on.
        super::chain::watch(&tx)?;
        super::chain::extend(&tx, &marks)?;
    } else {
        super::chain::build(&tx)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_referring_to_missing_rows_are_counted() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (parent INTEGER REFERENCES parent (id));
             INSERT INTO parent VALUES (1);
             INSERT INTO child VALUES (1), (2), (3);",
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        assert_eq!(dangling_references(&tx).unwrap(), 2);
    }

    #[test]
    fn migrate_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn, ":memory:").unwrap();
        apply(&mut conn, ":memory:").unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let funds: i64 = conn
            .query_row("SELECT count(*) FROM fund", [], |r| r.get(0))
            .unwrap();
        assert_eq!(funds, 4, "seed rows are inserted once");
    }

    #[test]
    fn a_migration_that_fails_says_which_upgrade_and_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn, ":memory:").unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        let error = apply(&mut conn, "x.sqlite").unwrap_err();
        assert!(
            matches!(error, StoreError::MigrationFailed { found: 2, .. }),
            "{error}"
        );
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 2);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let error = apply(&mut conn, "x.sqlite").unwrap_err();
        assert!(matches!(error, StoreError::NewerSchema { .. }), "{error}");
        assert!(error.to_string().contains("upgrade isu-ledger"));
    }
}
