-- isu-ledger schema, migration 0003: costs, rates of exchange, funds, meetings and their
-- documents, Article 14 cost sharing, and the close of a budget year.
--
-- Money is an INTEGER count of minor units beside a currency; rates are exact decimal TEXT.
-- Everything that is ledger history is append-only: triggers abort UPDATE and DELETE.

-- The reserve fund of the Convention on Cluster Munitions.
INSERT INTO fund (code, name, currency) VALUES ('ccm-fund', 'CCM fund (reserve)', 'USD');

-- Rates of exchange: CHF per unit of another currency, in force from a date until the next
-- rate of the same currency (UN operational rates of exchange are set monthly).
CREATE TABLE exchange_rate (
    currency     TEXT NOT NULL CHECK (length(currency) = 3 AND currency <> 'CHF'),
    effective_on TEXT NOT NULL
                 CHECK (effective_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    rate         TEXT NOT NULL CHECK (length(rate) > 0),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (currency, effective_on)
) STRICT;

CREATE TRIGGER exchange_rate_no_update BEFORE UPDATE ON exchange_rate
BEGIN
    SELECT RAISE(ABORT, 'rates of exchange are append-only');
END;

CREATE TRIGGER exchange_rate_no_delete BEFORE DELETE ON exchange_rate
BEGIN
    SELECT RAISE(ABORT, 'rates of exchange are append-only');
END;

-- The budget line a cost entry counts against. A reversal counts against the line of the
-- entry it reverses.
CREATE TABLE cost_line (
    entry_id    INTEGER PRIMARY KEY REFERENCES entry (id),
    budget_year INTEGER NOT NULL,
    line        TEXT NOT NULL CHECK (length(line) > 0),
    category    TEXT NOT NULL CHECK (length(category) > 0)
) STRICT;

CREATE INDEX cost_line_by_year ON cost_line (budget_year, line);

CREATE TRIGGER cost_line_no_update BEFORE UPDATE ON cost_line
BEGIN
    SELECT RAISE(ABORT, 'cost lines are append-only: post a reversal instead');
END;

CREATE TRIGGER cost_line_no_delete BEFORE DELETE ON cost_line
BEGIN
    SELECT RAISE(ABORT, 'cost lines are append-only: post a reversal instead');
END;

-- Meetings of States Parties and Review Conferences, with the cost estimate approved for
-- them.
CREATE TABLE meeting (
    code           TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 16),
    name           TEXT NOT NULL CHECK (length(name) > 0),
    held_on        TEXT NOT NULL
                   CHECK (held_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    estimate_minor INTEGER NOT NULL CHECK (estimate_minor >= 0),
    approved_by    TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL
) STRICT;

CREATE TRIGGER meeting_no_update BEFORE UPDATE ON meeting
BEGIN
    SELECT RAISE(ABORT, 'meetings are append-only');
END;

CREATE TRIGGER meeting_no_delete BEFORE DELETE ON meeting
BEGIN
    SELECT RAISE(ABORT, 'meetings are append-only');
END;

-- The translation price of a page into the meeting's set of languages; the latest set wins.
CREATE TABLE meeting_rate (
    id             INTEGER PRIMARY KEY,
    meeting        TEXT NOT NULL REFERENCES meeting (code),
    per_page_minor INTEGER NOT NULL CHECK (per_page_minor > 0),
    languages      INTEGER NOT NULL CHECK (languages BETWEEN 1 AND 6),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL
) STRICT;

CREATE TRIGGER meeting_rate_no_update BEFORE UPDATE ON meeting_rate
BEGIN
    SELECT RAISE(ABORT, 'meeting rates are append-only: set a new rate instead');
END;

CREATE TRIGGER meeting_rate_no_delete BEFORE DELETE ON meeting_rate
BEGIN
    SELECT RAISE(ABORT, 'meeting rates are append-only: set a new rate instead');
END;

-- The documents of a meeting, by symbol.
CREATE TABLE document (
    meeting        TEXT NOT NULL REFERENCES meeting (code),
    symbol         TEXT NOT NULL CHECK (length(symbol) > 0),
    title          TEXT NOT NULL CHECK (length(title) > 0),
    pages_forecast INTEGER NOT NULL CHECK (pages_forecast >= 0),
    pages_actual   INTEGER CHECK (pages_actual >= 0),
    submitted_on   TEXT,
    translated_on  TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    PRIMARY KEY (meeting, symbol)
) STRICT;

CREATE TRIGGER document_no_update BEFORE UPDATE ON document
BEGIN
    SELECT RAISE(ABORT, 'documents are append-only');
END;

CREATE TRIGGER document_no_delete BEFORE DELETE ON document
BEGIN
    SELECT RAISE(ABORT, 'documents are append-only');
END;

-- Later news of a document (its actual length, its submission, its translation): each
-- revision sets the fields it names (NULL: unchanged), applied in order over the document.
CREATE TABLE document_revision (
    id             INTEGER PRIMARY KEY,
    meeting        TEXT NOT NULL,
    symbol         TEXT NOT NULL,
    pages_forecast INTEGER CHECK (pages_forecast >= 0),
    pages_actual   INTEGER CHECK (pages_actual >= 0),
    submitted_on   TEXT,
    translated_on  TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    FOREIGN KEY (meeting, symbol) REFERENCES document (meeting, symbol)
) STRICT;

CREATE TRIGGER document_revision_no_update BEFORE UPDATE ON document_revision
BEGIN
    SELECT RAISE(ABORT, 'document revisions are append-only');
END;

CREATE TRIGGER document_revision_no_delete BEFORE DELETE ON document_revision
BEGIN
    SELECT RAISE(ABORT, 'document revisions are append-only');
END;

-- Article 14 cost sharing: the scale and participants a meeting's cost was shared over,
-- with each participant's rate on that scale. The bills themselves are entries.
CREATE TABLE meeting_share (
    meeting TEXT NOT NULL REFERENCES meeting (code),
    party   TEXT NOT NULL REFERENCES party (code),
    scale   TEXT NOT NULL,
    rate    TEXT NOT NULL,
    PRIMARY KEY (meeting, party)
) STRICT;

CREATE TRIGGER meeting_share_no_update BEFORE UPDATE ON meeting_share
BEGIN
    SELECT RAISE(ABORT, 'meeting shares are append-only');
END;

CREATE TRIGGER meeting_share_no_delete BEFORE DELETE ON meeting_share
BEGIN
    SELECT RAISE(ABORT, 'meeting shares are append-only');
END;

-- Closed budget years: no entry may be dated in one or count against one.
CREATE TABLE year_close (
    year       INTEGER PRIMARY KEY,
    closed_on  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

CREATE TRIGGER year_close_no_update BEFORE UPDATE ON year_close
BEGIN
    SELECT RAISE(ABORT, 'a closed year stays closed');
END;

CREATE TRIGGER year_close_no_delete BEFORE DELETE ON year_close
BEGIN
    SELECT RAISE(ABORT, 'a closed year stays closed');
END;
