-- isu-ledger schema, migration 0010: the book currency.
--
-- A ledger is kept in the currency chosen when it is made (the `currency` setting, CHF
-- when none was set). Rates of exchange are of every currency but the book's: the program
-- refuses a rate for the book currency, so the table no longer refuses CHF, which has a
-- rate in a ledger kept in USD or EUR. SQLite changes a CHECK constraint by rebuilding the
-- table: its rows are copied whole, with their row ids.

-- The program applies migrations with foreign keys off (and checks them before they
-- commit), so the corrections that name a rate go on naming `exchange_rate`.
CREATE TABLE exchange_rate_rebuilt (
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    effective_on TEXT NOT NULL
                 CHECK (effective_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    rate         TEXT NOT NULL CHECK (length(rate) > 0),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (currency, effective_on)
) STRICT;

INSERT INTO exchange_rate_rebuilt (rowid, currency, effective_on, rate, created_at, created_by)
SELECT rowid, currency, effective_on, rate, created_at, created_by FROM exchange_rate
ORDER BY rowid;

DROP TABLE exchange_rate;

ALTER TABLE exchange_rate_rebuilt RENAME TO exchange_rate;

CREATE TRIGGER exchange_rate_no_update BEFORE UPDATE ON exchange_rate
BEGIN
    SELECT RAISE(ABORT, 'rates of exchange are append-only');
END;

CREATE TRIGGER exchange_rate_no_delete BEFORE DELETE ON exchange_rate
BEGIN
    SELECT RAISE(ABORT, 'rates of exchange are append-only');
END;
