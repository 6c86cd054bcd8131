-- isu-ledger schema, migration 0008: bank statements.
--
-- Every line of an imported statement (camt.053 or a bank's CSV export) is kept as it came,
-- unique per account by the bank's own reference, so that importing a statement again adds
-- nothing. A confirmed line is linked to the entry that records it, and to a second entry
-- when one goes with it: the charges deducted on the way, when the officer books them, or
-- the bank's conversion of a payment in another currency into the account's. A reversal by
-- the bank is linked to the reversal of the entry (and second entry) of the line it undoes.
-- The payer names and accounts learned from confirmations are kept per party, for the
-- matching of the next statements.
-- All four tables are append-only.

CREATE TABLE bank_statement (
    id             INTEGER PRIMARY KEY,
    account_iban   TEXT NOT NULL CHECK (length(account_iban) > 0),
    statement_ref  TEXT NOT NULL CHECK (length(statement_ref) > 0),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    opening_minor  INTEGER,
    closing_minor  INTEGER,
    closing_on     TEXT,
    source         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    UNIQUE (account_iban, statement_ref),
    CHECK ((closing_minor IS NULL) = (closing_on IS NULL))
) STRICT;

CREATE TABLE bank_line (
    id                   INTEGER PRIMARY KEY,
    statement_id         INTEGER NOT NULL REFERENCES bank_statement (id),
    account_iban         TEXT NOT NULL,
    bank_reference       TEXT NOT NULL CHECK (length(bank_reference) > 0),
    booked_on            TEXT NOT NULL,
    value_on             TEXT NOT NULL,
    amount_minor         INTEGER NOT NULL CHECK (amount_minor <> 0),
    currency             TEXT NOT NULL CHECK (length(currency) = 3),
    counterparty_name    TEXT,
    counterparty_account TEXT,
    remittance           TEXT NOT NULL,
    reversal             INTEGER NOT NULL CHECK (reversal IN (0, 1)),
    instructed_minor     INTEGER,
    instructed_currency  TEXT,
    rate                 TEXT,
    created_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    UNIQUE (account_iban, bank_reference),
    CHECK ((instructed_minor IS NULL) = (instructed_currency IS NULL))
) STRICT;

CREATE INDEX bank_line_by_account_date ON bank_line (account_iban, booked_on);

CREATE TABLE bank_match (
    line_id          INTEGER PRIMARY KEY REFERENCES bank_line (id),
    kind             TEXT NOT NULL CHECK (kind IN ('contribution', 'voluntary', 'meeting', 'other-income', 'cost', 'reversal')),
    entry_id         INTEGER NOT NULL UNIQUE REFERENCES entry (id),
    second_entry_id  INTEGER UNIQUE REFERENCES entry (id),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
) STRICT;

CREATE TABLE bank_payer (
    id             INTEGER PRIMARY KEY,
    party          TEXT NOT NULL REFERENCES party (code),
    name           TEXT,
    account        TEXT,
    learned_from   INTEGER REFERENCES bank_line (id),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    CHECK ((name IS NULL) <> (account IS NULL))
) STRICT;

CREATE UNIQUE INDEX bank_payer_once ON bank_payer (party, coalesce(name, ''), coalesce(account, ''));

CREATE TRIGGER bank_statement_no_update BEFORE UPDATE ON bank_statement
BEGIN SELECT RAISE(ABORT, 'bank statements are append-only'); END;
CREATE TRIGGER bank_statement_no_delete BEFORE DELETE ON bank_statement
BEGIN SELECT RAISE(ABORT, 'bank statements are append-only'); END;
CREATE TRIGGER bank_line_no_update BEFORE UPDATE ON bank_line
BEGIN SELECT RAISE(ABORT, 'bank lines are append-only'); END;
CREATE TRIGGER bank_line_no_delete BEFORE DELETE ON bank_line
BEGIN SELECT RAISE(ABORT, 'bank lines are append-only'); END;
CREATE TRIGGER bank_match_no_update BEFORE UPDATE ON bank_match
BEGIN SELECT RAISE(ABORT, 'bank confirmations are append-only: reverse the entry instead'); END;
CREATE TRIGGER bank_match_no_delete BEFORE DELETE ON bank_match
BEGIN SELECT RAISE(ABORT, 'bank confirmations are append-only: reverse the entry instead'); END;
CREATE TRIGGER bank_payer_no_update BEFORE UPDATE ON bank_payer
BEGIN SELECT RAISE(ABORT, 'learned payers are append-only'); END;
CREATE TRIGGER bank_payer_no_delete BEFORE DELETE ON bank_payer
BEGIN SELECT RAISE(ABORT, 'learned payers are append-only'); END;
