-- isu-ledger schema, migration 1.
--
-- Money is an INTEGER count of minor units (centimes) beside a currency code; rates are
-- exact decimal TEXT. Entries and transfers are append-only: triggers abort any UPDATE or
-- DELETE, and a mistake is corrected by a reversing entry. Later changes to this schema
-- are new numbered migrations, never edits of this file.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE party (
    code         TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 16),
    name         TEXT NOT NULL CHECK (length(name) > 0),
    kind         TEXT NOT NULL
                 CHECK (kind IN ('state-party', 'signatory', 'non-party', 'organisation')),
    deposited_on TEXT,
    in_force_on  TEXT,
    address      TEXT,
    email        TEXT,
    language     TEXT NOT NULL CHECK (language IN ('en', 'fr', 'es')),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
) STRICT;

CREATE TABLE fund (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    currency TEXT NOT NULL CHECK (length(currency) = 3)
) STRICT;

-- The ISU's own funds are kept in the book currency chosen when the ledger is created
-- (`temp.book_seed`, CHF when none is given); meetings are paid in USD.
INSERT INTO fund (code, name, currency) VALUES
    ('isu', 'ISU core budget', (SELECT currency FROM temp.book_seed)),
    ('meetings', 'Meetings of States Parties', 'USD'),
    ('sponsorship', 'Sponsorship programme (earmarked)', (SELECT currency FROM temp.book_seed));

CREATE TABLE account (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL
               CHECK (type IN ('assets', 'liabilities', 'equity', 'income', 'expenses')),
    created_at TEXT NOT NULL
) STRICT;

-- Each approval of a year's budget is kept; reports use the latest approved on or before
-- their date.
CREATE TABLE budget (
    year        INTEGER NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    total_minor INTEGER NOT NULL CHECK (total_minor > 0),
    approved_by TEXT,
    approved_on TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (year, version)
) STRICT;

CREATE TABLE budget_line (
    year         INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    PRIMARY KEY (year, version, name),
    FOREIGN KEY (year, version) REFERENCES budget (year, version)
) STRICT;

CREATE TABLE entry (
    id          INTEGER PRIMARY KEY,
    entry_date  TEXT NOT NULL
                CHECK (entry_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    description TEXT NOT NULL CHECK (length(description) > 0),
    kind        TEXT NOT NULL,
    budget_year INTEGER NOT NULL,
    fund        TEXT NOT NULL REFERENCES fund (code),
    party       TEXT REFERENCES party (code),
    reference   TEXT UNIQUE,
    -- An entry is reversed at most once.
    reverses    INTEGER UNIQUE REFERENCES entry (id),
    reason      TEXT,
    -- CHF per unit of the other currency, for an entry that converts.
    rate        TEXT,
    -- The canonical text of what the entry records, compared when its reference is
    -- recorded again.
    content     TEXT NOT NULL,
    entered_at  TEXT NOT NULL,
    entered_by  TEXT NOT NULL,
    CHECK ((reverses IS NULL) = (reason IS NULL))
) STRICT;

CREATE INDEX entry_by_party ON entry (party, budget_year);
CREATE INDEX entry_by_year ON entry (budget_year, entry_date);

CREATE TABLE transfer (
    id                INTEGER PRIMARY KEY,
    entry_id          INTEGER NOT NULL REFERENCES entry (id),
    debit_account_id  INTEGER NOT NULL REFERENCES account (id),
    credit_account_id INTEGER NOT NULL REFERENCES account (id),
    amount_minor      INTEGER NOT NULL CHECK (amount_minor > 0),
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    CHECK (debit_account_id <> credit_account_id)
) STRICT;

CREATE INDEX transfer_by_entry ON transfer (entry_id);

CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry
BEGIN
    SELECT RAISE(ABORT, 'entries are append-only: post a reversal instead');
END;

CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
BEGIN
    SELECT RAISE(ABORT, 'entries are append-only: post a reversal instead');
END;

CREATE TRIGGER transfer_no_update BEFORE UPDATE ON transfer
BEGIN
    SELECT RAISE(ABORT, 'transfers are append-only: post a reversal instead');
END;

CREATE TRIGGER transfer_no_delete BEFORE DELETE ON transfer
BEGIN
    SELECT RAISE(ABORT, 'transfers are append-only: post a reversal instead');
END;

CREATE TRIGGER budget_no_update BEFORE UPDATE ON budget
BEGIN
    SELECT RAISE(ABORT, 'budgets are append-only: approve a revised budget instead');
END;

CREATE TRIGGER budget_no_delete BEFORE DELETE ON budget
BEGIN
    SELECT RAISE(ABORT, 'budgets are append-only: approve a revised budget instead');
END;

CREATE TRIGGER budget_line_no_update BEFORE UPDATE ON budget_line
BEGIN
    SELECT RAISE(ABORT, 'budgets are append-only: approve a revised budget instead');
END;

CREATE TRIGGER budget_line_no_delete BEFORE DELETE ON budget_line
BEGIN
    SELECT RAISE(ABORT, 'budgets are append-only: approve a revised budget instead');
END;

-- Running balances, kept in the same transaction as the transfers they sum, so that a report
-- reads the rows of the year and accounts it shows, however long the history. `verify`
-- recomputes both tables from the transfers.
--
-- account_total: one row per budget year, account, fund, party ('' when the entry names
-- none) and currency: the balance today.
CREATE TABLE account_total (
    budget_year  INTEGER NOT NULL,
    account_id   INTEGER NOT NULL REFERENCES account (id),
    fund         TEXT NOT NULL,
    party        TEXT NOT NULL,
    currency     TEXT NOT NULL,
    debit_minor  INTEGER NOT NULL CHECK (debit_minor >= 0),
    credit_minor INTEGER NOT NULL CHECK (credit_minor >= 0),
    PRIMARY KEY (budget_year, account_id, fund, party, currency)
) STRICT, WITHOUT ROWID;

-- account_balance: the same, per entry date as well. A report for an earlier date takes the
-- totals and subtracts the rows dated after it, which are few for a recent date.
CREATE TABLE account_balance (
    budget_year  INTEGER NOT NULL,
    account_id   INTEGER NOT NULL REFERENCES account (id),
    posted_on    TEXT NOT NULL,
    fund         TEXT NOT NULL,
    party        TEXT NOT NULL,
    currency     TEXT NOT NULL,
    debit_minor  INTEGER NOT NULL CHECK (debit_minor >= 0),
    credit_minor INTEGER NOT NULL CHECK (credit_minor >= 0),
    PRIMARY KEY (budget_year, account_id, posted_on, fund, party, currency)
) STRICT, WITHOUT ROWID;

CREATE INDEX account_balance_by_date ON account_balance (posted_on);
