-- Migration 2: scales of assessment, a budget year per transfer, reminders sent.

-- A transfer may count for a budget year other than its entry's: one payment can settle
-- arrears of an earlier year and the current assessment. NULL means the entry's year.
ALTER TABLE transfer ADD COLUMN budget_year INTEGER
    CHECK (budget_year IS NULL OR budget_year BETWEEN 1990 AND 2100);

-- Scales imported by the user (the UN scales are built into the program). A scale is
-- reference data that assessments name: once imported it is never changed.
CREATE TABLE scale (
    name        TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
) STRICT;

CREATE TABLE scale_rate (
    scale TEXT NOT NULL REFERENCES scale (name),
    party TEXT NOT NULL,
    -- Per cent, exact decimal text.
    rate  TEXT NOT NULL,
    PRIMARY KEY (scale, party)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER scale_no_update BEFORE UPDATE ON scale
BEGIN SELECT RAISE(ABORT, 'scales are never changed: import a scale under a new name'); END;
CREATE TRIGGER scale_no_delete BEFORE DELETE ON scale
BEGIN SELECT RAISE(ABORT, 'scales are never deleted'); END;
CREATE TRIGGER scale_rate_no_update BEFORE UPDATE ON scale_rate
BEGIN SELECT RAISE(ABORT, 'scales are never changed: import a scale under a new name'); END;
CREATE TRIGGER scale_rate_no_delete BEFORE DELETE ON scale_rate
BEGIN SELECT RAISE(ABORT, 'scales are never deleted'); END;

-- Reminder letters sent: one row per party, budget year and level.
CREATE TABLE reminder (
    party       TEXT NOT NULL REFERENCES party (code),
    budget_year INTEGER NOT NULL,
    level       INTEGER NOT NULL CHECK (level >= 1),
    sent_on     TEXT NOT NULL,
    entered_at  TEXT NOT NULL,
    entered_by  TEXT NOT NULL,
    PRIMARY KEY (party, budget_year, level)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER reminder_no_update BEFORE UPDATE ON reminder
BEGIN SELECT RAISE(ABORT, 'reminders sent are never changed'); END;
CREATE TRIGGER reminder_no_delete BEFORE DELETE ON reminder
BEGIN SELECT RAISE(ABORT, 'reminders sent are never deleted'); END;

-- What one party owes or holds is read by account: its receivable and its credit.
CREATE INDEX account_total_by_account ON account_total (account_id);
CREATE INDEX account_balance_by_account ON account_balance (account_id, posted_on);

-- The last payment of a party: its latest contribution entry.
CREATE INDEX entry_by_kind_party ON entry (kind, party, entry_date);

-- A report for a date reads what was posted after it, year by year.
CREATE INDEX account_balance_by_year_date ON account_balance (budget_year, posted_on);

-- Reversals of a year (of costs, for instance) without reading the year's other entries.
CREATE INDEX entry_by_kind_year ON entry (kind, budget_year, entry_date);
