-- isu-ledger schema, migration 0010: the preparations time-line. Tasks with a due date, an
-- owner and a state, for a meeting or for the unit; the dates a meeting's documents are due to
-- the conference services; and where a meeting is held and its last day.
--
-- All four tables are append-only: a task is done by recording its change of state, and a
-- document's due date or a meeting's place is set again by recording another row, the latest
-- of which is in force.

-- A task, by an identifier derived from what it is (its meeting, title and due date), so that
-- recording the same task again, or planning the same pattern twice, adds nothing.
-- `recorded_on` is the date of recording (`--as-of`), before which it cannot fall due unless
-- allowed.
CREATE TABLE task (
    id          TEXT PRIMARY KEY CHECK (length(id) = 8),
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    due_on      TEXT NOT NULL
                CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    owner       TEXT CHECK (owner IS NULL OR length(owner) BETWEEN 1 AND 100),
    meeting     TEXT REFERENCES meeting (code),
    recorded_on TEXT NOT NULL
                CHECK (recorded_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
) STRICT;

CREATE INDEX task_by_due ON task (due_on, id);

CREATE TRIGGER task_no_update BEFORE UPDATE ON task
BEGIN
    SELECT RAISE(ABORT, 'tasks are append-only: record a change of state instead');
END;

CREATE TRIGGER task_no_delete BEFORE DELETE ON task
BEGIN
    SELECT RAISE(ABORT, 'tasks are append-only: record a change of state instead');
END;

-- A task's change of state, on a day: a task is done from `changed_on` on, once.
CREATE TABLE task_change (
    id         INTEGER PRIMARY KEY,
    task       TEXT NOT NULL REFERENCES task (id),
    state      TEXT NOT NULL CHECK (state IN ('done')),
    changed_on TEXT NOT NULL
               CHECK (changed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (task, state)
) STRICT;

CREATE TRIGGER task_change_no_update BEFORE UPDATE ON task_change
BEGIN
    SELECT RAISE(ABORT, 'changes of a task are append-only');
END;

CREATE TRIGGER task_change_no_delete BEFORE DELETE ON task_change
BEGIN
    SELECT RAISE(ABORT, 'changes of a task are append-only');
END;

-- The day a document is due to the conference services: the latest row of a document is in
-- force (`document add --due`, `document update --due`).
CREATE TABLE document_due (
    id         INTEGER PRIMARY KEY,
    meeting    TEXT NOT NULL,
    symbol     TEXT NOT NULL,
    due_on     TEXT NOT NULL
               CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    FOREIGN KEY (meeting, symbol) REFERENCES document (meeting, symbol)
) STRICT;

CREATE INDEX document_due_by_document ON document_due (meeting, symbol, id);

CREATE TRIGGER document_due_no_update BEFORE UPDATE ON document_due
BEGIN
    SELECT RAISE(ABORT, 'due dates of documents are append-only: set the date again instead');
END;

CREATE TRIGGER document_due_no_delete BEFORE DELETE ON document_due
BEGIN
    SELECT RAISE(ABORT, 'due dates of documents are append-only: set the date again instead');
END;

-- Where a meeting is held and its last day (`meeting add --place --last-day`, `meeting
-- update`): each row sets the fields it names (NULL: unchanged), applied in order.
CREATE TABLE meeting_detail (
    id         INTEGER PRIMARY KEY,
    meeting    TEXT NOT NULL REFERENCES meeting (code),
    last_day   TEXT
               CHECK (last_day IS NULL
                      OR last_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    place      TEXT CHECK (place IS NULL OR length(place) BETWEEN 1 AND 100),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (last_day IS NOT NULL OR place IS NOT NULL)
) STRICT;

CREATE TRIGGER meeting_detail_no_update BEFORE UPDATE ON meeting_detail
BEGIN
    SELECT RAISE(ABORT, 'places and last days of meetings are append-only: set them again instead');
END;

CREATE TRIGGER meeting_detail_no_delete BEFORE DELETE ON meeting_detail
BEGIN
    SELECT RAISE(ABORT, 'places and last days of meetings are append-only: set them again instead');
END;
