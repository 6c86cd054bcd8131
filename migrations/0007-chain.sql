-- isu-ledger schema, migration 0006: a hash chain over the ledger's history.
--
-- Every row of history (entries, transfers, parties, accounts, funds, budgets, scales,
-- rates, meetings, closes, reminders, settings...) gets one link, appended in the same
-- transaction as the row: the SHA-256 of the previous link's hash and of the row's
-- canonical form (its table, then each column's name, type and value). Whoever kept the
-- count and hash of the last link (printed at the foot of `status`, `report` and `verify`)
-- can later prove that nothing before it changed: `verify --against COUNT:HASH`. The
-- running balances are derived, recomputed by `verify`, and not chained. The links of a
-- ledger made before this migration are built when it is applied, table by table.
CREATE TABLE chain (
    -- The link's place in the chain, from 1.
    seq     INTEGER PRIMARY KEY CHECK (seq >= 1),
    -- The table of the row.
    tbl     TEXT NOT NULL,
    -- Where the row is: its rowid, or its key (a JSON array) in a table without rowid.
    row_id  INTEGER,
    row_key TEXT,
    hash    BLOB NOT NULL CHECK (length(hash) = 32),
    CHECK ((row_id IS NULL) <> (row_key IS NULL))
) STRICT;

CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain
BEGIN
    SELECT RAISE(ABORT, 'the chain is append-only');
END;

CREATE TRIGGER chain_no_delete BEFORE DELETE ON chain
BEGIN
    SELECT RAISE(ABORT, 'the chain is append-only');
END;
