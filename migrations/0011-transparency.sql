-- isu-ledger schema, migration 0010: Article 7 transparency reports, and letters reminding
-- a State of the reports it owes.
--
-- Both new tables are append-only: a report recorded by mistake is corrected by recording
-- its reversal, with a reason; the report stays in the books, and no report counts it.

-- A report a State Party submitted: the initial report (`period` 'initial') or the annual
-- update covering a calendar year (`period` the year), the day it was submitted and its
-- document symbol ('' when none was given).
CREATE TABLE transparency_report (
    id           INTEGER PRIMARY KEY,
    party        TEXT NOT NULL REFERENCES party (code),
    period       TEXT NOT NULL
                 CHECK (period = 'initial'
                        OR (length(period) = 4 AND period GLOB '[0-9][0-9][0-9][0-9]')),
    submitted_on TEXT NOT NULL CHECK (length(submitted_on) = 10),
    symbol       TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
) STRICT;

CREATE INDEX transparency_report_by_party ON transparency_report (party, period, id);

CREATE TRIGGER transparency_report_no_update BEFORE UPDATE ON transparency_report
BEGIN
    SELECT RAISE(ABORT, 'transparency reports are append-only: reverse one instead');
END;

CREATE TRIGGER transparency_report_no_delete BEFORE DELETE ON transparency_report
BEGIN
    SELECT RAISE(ABORT, 'transparency reports are append-only: reverse one instead');
END;

-- The reversal of a report recorded by mistake: at most one per report.
CREATE TABLE transparency_reversal (
    report_id  INTEGER PRIMARY KEY REFERENCES transparency_report (id),
    reason     TEXT NOT NULL CHECK (length(reason) > 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

CREATE TRIGGER transparency_reversal_no_update BEFORE UPDATE ON transparency_reversal
BEGIN
    SELECT RAISE(ABORT, 'reversals of transparency reports are never changed');
END;

CREATE TRIGGER transparency_reversal_no_delete BEFORE DELETE ON transparency_reversal
BEGIN
    SELECT RAISE(ABORT, 'reversals of transparency reports are never deleted');
END;

-- Letters sent gain a kind: 'report', the reminder of the Article 7 reports a State owes.
-- The table is rebuilt with its rows as they were (same ids, same columns in the same
-- order, so their links in the chain still hold) and its triggers recreated.
CREATE TABLE letter_sent_new (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL
                CHECK (kind IN ('reminder', 'receipt', 'statement', 'meeting', 'report')),
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

INSERT INTO letter_sent_new (id, kind, party, budget_year, level, topic, reference, sent_on,
                             created_at, created_by)
SELECT id, kind, party, budget_year, level, topic, reference, sent_on, created_at, created_by
FROM letter_sent ORDER BY id;

DROP TABLE letter_sent;

ALTER TABLE letter_sent_new RENAME TO letter_sent;

CREATE TRIGGER letter_sent_no_update BEFORE UPDATE ON letter_sent
BEGIN
    SELECT RAISE(ABORT, 'letters sent are never changed');
END;

CREATE TRIGGER letter_sent_no_delete BEFORE DELETE ON letter_sent
BEGIN
    SELECT RAISE(ABORT, 'letters sent are never deleted');
END;
