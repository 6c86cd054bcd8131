-- isu-ledger schema, migration 0009: the books' identity, parties kept up to date, and the
-- letters sent.
--
-- All three tables are append-only: a setting is changed by setting it again, a party by
-- recording another change, and a letter sent stays sent.

-- The books' identity (the unit, the convention, the signatory, bank details, the pattern
-- of reference numbers, the rule of entry into force): the latest row of a key is in force.
CREATE TABLE setting (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

CREATE INDEX setting_by_key ON setting (key, id);

CREATE TRIGGER setting_no_update BEFORE UPDATE ON setting
BEGIN
    SELECT RAISE(ABORT, 'settings are append-only: set the key again instead');
END;

CREATE TRIGGER setting_no_delete BEFORE DELETE ON setting
BEGIN
    SELECT RAISE(ABORT, 'settings are append-only: set the key again instead');
END;

-- Changes of a party, in force from `effective_on`: only the fields changed are given (NULL
-- keeps the value; an empty text clears an address or an e-mail). The party as it stands
-- on a day is its row in `party` with every change in force by then applied in the order
-- of `effective_on` (then `id`).
CREATE TABLE party_change (
    id           INTEGER PRIMARY KEY,
    party        TEXT NOT NULL REFERENCES party (code),
    effective_on TEXT NOT NULL,
    name         TEXT CHECK (name IS NULL OR length(name) > 0),
    kind         TEXT
                 CHECK (kind IS NULL
                        OR kind IN ('state-party', 'signatory', 'non-party', 'organisation')),
    deposited_on TEXT,
    in_force_on  TEXT,
    address      TEXT,
    email        TEXT,
    language     TEXT CHECK (language IS NULL OR language IN ('en', 'fr', 'es')),
    changed      TEXT NOT NULL CHECK (length(changed) > 0),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
) STRICT;

CREATE INDEX party_change_by_party ON party_change (party, effective_on, id);

CREATE TRIGGER party_change_no_update BEFORE UPDATE ON party_change
BEGIN
    SELECT RAISE(ABORT, 'party changes are append-only: record another change instead');
END;

CREATE TRIGGER party_change_no_delete BEFORE DELETE ON party_change
BEGIN
    SELECT RAISE(ABORT, 'party changes are append-only: record another change instead');
END;

-- Letters recorded as sent, with their reference number: reminders (with their level, as
-- in `reminder`), acknowledgements of a payment, statements and meeting reminders. `topic`
-- tells letters of one kind, party and year apart: the payment acknowledged (its date and
-- reference), the day of a statement, the meeting.
CREATE TABLE letter_sent (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('reminder', 'receipt', 'statement', 'meeting')),
    party       TEXT NOT NULL REFERENCES party (code),
    budget_year INTEGER NOT NULL,
    level       INTEGER NOT NULL CHECK (level >= 0),
    topic       TEXT NOT NULL DEFAULT '',
    reference   TEXT NOT NULL UNIQUE CHECK (length(reference) > 0),
    sent_on     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    UNIQUE (kind, party, budget_year, level, topic)
) STRICT;

CREATE TRIGGER letter_sent_no_update BEFORE UPDATE ON letter_sent
BEGIN
    SELECT RAISE(ABORT, 'letters sent are never changed');
END;

CREATE TRIGGER letter_sent_no_delete BEFORE DELETE ON letter_sent
BEGIN
    SELECT RAISE(ABORT, 'letters sent are never deleted');
END;
