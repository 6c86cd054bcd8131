-- isu-ledger schema, migration 0005: corrections that keep history.
--
-- A rate of exchange recorded in error is superseded by a corrected rate for the same
-- currency and date, with a reason; a budget version approved in error (or dated in error)
-- is withdrawn, with a reason. Neither the wrong rate nor the withdrawn budget is deleted:
-- both tables are append-only, like the rest of the ledger's history.

-- Corrections of a recorded rate: the latest correction of a currency and date is the rate
-- in force from that date; `superseded` is the rate it replaced, as it was in force.
CREATE TABLE exchange_rate_correction (
    id           INTEGER PRIMARY KEY,
    currency     TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    rate         TEXT NOT NULL CHECK (length(rate) > 0),
    superseded   TEXT NOT NULL CHECK (length(superseded) > 0),
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    FOREIGN KEY (currency, effective_on) REFERENCES exchange_rate (currency, effective_on)
) STRICT;

CREATE INDEX exchange_rate_correction_by_rate
    ON exchange_rate_correction (currency, effective_on);

CREATE TRIGGER exchange_rate_correction_no_update BEFORE UPDATE ON exchange_rate_correction
BEGIN
    SELECT RAISE(ABORT, 'rate corrections are append-only: correct the rate again instead');
END;

CREATE TRIGGER exchange_rate_correction_no_delete BEFORE DELETE ON exchange_rate_correction
BEGIN
    SELECT RAISE(ABORT, 'rate corrections are append-only: correct the rate again instead');
END;

-- Withdrawn budget versions: reports use the latest version of a year not withdrawn.
CREATE TABLE budget_withdrawal (
    year       INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    reason     TEXT NOT NULL CHECK (length(reason) > 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (year, version),
    FOREIGN KEY (year, version) REFERENCES budget (year, version)
) STRICT;

CREATE TRIGGER budget_withdrawal_no_update BEFORE UPDATE ON budget_withdrawal
BEGIN
    SELECT RAISE(ABORT, 'a withdrawn budget stays withdrawn: approve a new version instead');
END;

CREATE TRIGGER budget_withdrawal_no_delete BEFORE DELETE ON budget_withdrawal
BEGIN
    SELECT RAISE(ABORT, 'a withdrawn budget stays withdrawn: approve a new version instead');
END;
