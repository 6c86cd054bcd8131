-- isu-ledger schema, migration 0004: what a payment says beyond its amount, and when a
-- charge falls due, so that where each party stands is a function of its dated facts.

-- The terms of a contribution: the budget year it names (NULL: none, it settles the oldest
-- year owed) and whether it was given as voluntary income.
CREATE TABLE payment_terms (
    entry_id        INTEGER PRIMARY KEY REFERENCES entry (id),
    designated_year INTEGER CHECK (designated_year IS NULL
                                   OR designated_year BETWEEN 1990 AND 2100),
    voluntary       INTEGER NOT NULL CHECK (voluntary IN (0, 1))
) STRICT;

CREATE TRIGGER payment_terms_no_update BEFORE UPDATE ON payment_terms
BEGIN SELECT RAISE(ABORT, 'payment terms are append-only: post a reversal instead'); END;
CREATE TRIGGER payment_terms_no_delete BEFORE DELETE ON payment_terms
BEGIN SELECT RAISE(ABORT, 'payment terms are append-only: post a reversal instead'); END;

-- Contributions recorded before this migration: the year their content names, and
-- voluntary when they were booked as voluntary income, so that the figures they gave stay.
INSERT INTO payment_terms (entry_id, designated_year, voluntary)
SELECT e.id,
       CASE WHEN e.content LIKE '% for the oldest year owed, fund %' THEN NULL
            ELSE e.budget_year END,
       EXISTS (SELECT 1 FROM transfer t JOIN account a ON a.id = t.credit_account_id
               WHERE t.entry_id = e.id AND a.name = 'income:contributions:voluntary')
FROM entry e
WHERE e.kind = 'contribution';

-- The day an assessment or pledge falls due. Charges recorded before this migration fall
-- due the number of days after their date that the books' due period says.
CREATE TABLE charge_due (
    entry_id INTEGER PRIMARY KEY REFERENCES entry (id),
    due_on   TEXT NOT NULL CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
) STRICT;

CREATE TRIGGER charge_due_no_update BEFORE UPDATE ON charge_due
BEGIN SELECT RAISE(ABORT, 'due dates are append-only: reverse the charge instead'); END;
CREATE TRIGGER charge_due_no_delete BEFORE DELETE ON charge_due
BEGIN SELECT RAISE(ABORT, 'due dates are append-only: reverse the charge instead'); END;

-- Payments recorded before this migration stand as they were booked: the rule applies the
-- payments of entries after this one.
INSERT INTO meta (key, value)
SELECT 'rule_from_entry', CAST(coalesce(max(id), 0) AS TEXT) FROM entry;

-- The books' due period, in days after the date of an assessment (UN practice: 30).
INSERT INTO meta (key, value) VALUES ('due_days', '30') ON CONFLICT (key) DO NOTHING;

-- The facts of one party, by date.
CREATE INDEX entry_by_party_date ON entry (party, entry_date);
