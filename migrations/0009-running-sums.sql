-- isu-ledger schema, migration 0007: the running balances as sums up to each date, so that
-- a balance on any date is one row, found by one index seek, however much was posted after.

-- account_running: per budget year, account, fund, party ('' when the entry names none) and
-- currency, the debits and credits of every entry dated on or before `posted_on`, with one
-- row for each date that `account_balance` has a row. Derived: it is the running sum of
-- `account_balance` by date, kept in the same transaction as the transfers, and `verify`
-- recomputes it.
CREATE TABLE account_running (
    budget_year  INTEGER NOT NULL,
    account_id   INTEGER NOT NULL REFERENCES account (id),
    fund         TEXT NOT NULL,
    party        TEXT NOT NULL,
    currency     TEXT NOT NULL,
    posted_on    TEXT NOT NULL,
    debit_minor  INTEGER NOT NULL CHECK (debit_minor >= 0),
    credit_minor INTEGER NOT NULL CHECK (credit_minor >= 0),
    PRIMARY KEY (budget_year, account_id, fund, party, currency, posted_on)
) STRICT, WITHOUT ROWID;

INSERT INTO account_running (budget_year, account_id, fund, party, currency, posted_on,
                             debit_minor, credit_minor)
SELECT budget_year, account_id, fund, party, currency, posted_on,
       sum(debit_minor) OVER running, sum(credit_minor) OVER running
FROM account_balance
WINDOW running AS (PARTITION BY budget_year, account_id, fund, party, currency
                   ORDER BY posted_on ROWS UNBOUNDED PRECEDING)
ORDER BY budget_year, account_id, fund, party, currency, posted_on;

-- cost_running: per budget year, budget line and currency paid, what the costs counting
-- against the line spent up to each date (`posted_on`, a date on which such a cost or a
-- reversal of one is dated): the CHF booked to expense accounts and, for costs paid in
-- another currency, the amount paid in it. A cost counts against the line of its
-- `cost_line` row when it counts against that row's year and is not a close; a reversal of
-- a cost counts against the reversed cost's line, for the reversal's own year. Derived from
-- `cost_line`, the entries and their transfers, kept in the same transaction, and
-- recomputed by `verify`.
CREATE TABLE cost_running (
    budget_year    INTEGER NOT NULL,
    line           TEXT NOT NULL,
    currency       TEXT NOT NULL,
    posted_on      TEXT NOT NULL,
    chf_minor      INTEGER NOT NULL,
    original_minor INTEGER NOT NULL,
    PRIMARY KEY (budget_year, line, currency, posted_on)
) STRICT, WITHOUT ROWID;

INSERT INTO cost_running (budget_year, line, currency, posted_on, chf_minor, original_minor)
WITH costs AS (
    SELECT e.id, cl.budget_year, cl.line, e.entry_date AS posted_on
    FROM cost_line cl JOIN entry e ON e.id = cl.entry_id
    WHERE e.budget_year = cl.budget_year AND e.kind <> 'close'
    UNION ALL
    SELECT r.id, r.budget_year, ol.line, r.entry_date
    FROM entry r JOIN cost_line ol ON ol.entry_id = r.reverses
    WHERE r.kind = 'reversal'),
legs AS (
    SELECT c.id, c.budget_year, c.line, c.posted_on, t.currency, t.amount_minor,
           d.name AS debit, k.name AS credit
    FROM costs c
    JOIN transfer t ON t.entry_id = c.id
    LEFT JOIN account d ON d.id = t.debit_account_id
    LEFT JOIN account k ON k.id = t.credit_account_id),
spent AS (
    SELECT budget_year, line, posted_on,
           coalesce(max(CASE WHEN substr(debit, 1, 12) = 'assets:bank:'
                               OR substr(credit, 1, 12) = 'assets:bank:'
                             THEN currency END), 'CHF') AS currency,
           sum(CASE WHEN currency = 'CHF' AND substr(debit, 1, 9) = 'expenses:'
                    THEN amount_minor
                    WHEN currency = 'CHF' AND substr(credit, 1, 9) = 'expenses:'
                    THEN -amount_minor ELSE 0 END) AS chf_minor,
           sum(CASE WHEN currency <> 'CHF' AND substr(credit, 1, 12) = 'assets:bank:'
                    THEN amount_minor
                    WHEN currency <> 'CHF' AND substr(debit, 1, 12) = 'assets:bank:'
                    THEN -amount_minor ELSE 0 END) AS original_minor
    FROM legs
    GROUP BY id, budget_year, line, posted_on),
days AS (
    SELECT budget_year, line, currency, posted_on,
           sum(chf_minor) AS chf_minor, sum(original_minor) AS original_minor
    FROM spent
    GROUP BY budget_year, line, currency, posted_on)
SELECT budget_year, line, currency, posted_on,
       sum(chf_minor) OVER running, sum(original_minor) OVER running
FROM days
WINDOW running AS (PARTITION BY budget_year, line, currency
                   ORDER BY posted_on ROWS UNBOUNDED PRECEDING)
ORDER BY budget_year, line, currency, posted_on;

-- expense_recorded_running: per budget year and account, the net credit in CHF (credits less
-- debits) of the transfers of costs and closes counting against that year, and of their
-- reversals, summed up to each date such an entry is dated: what the expenses posted
-- otherwise (by `import`) are found by taking off the running balances of the expense
-- accounts. Derived from the entries and their transfers, kept in the same transaction,
-- and recomputed by `verify`.
CREATE TABLE expense_recorded_running (
    budget_year INTEGER NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    posted_on   TEXT NOT NULL,
    net_minor   INTEGER NOT NULL,
    PRIMARY KEY (budget_year, account_id, posted_on)
) STRICT, WITHOUT ROWID;

INSERT INTO expense_recorded_running (budget_year, account_id, posted_on, net_minor)
WITH recorded AS (
    SELECT e.id, e.budget_year, e.entry_date AS posted_on, t.debit_account_id AS account_id,
           -t.amount_minor AS net_minor
    FROM entry e JOIN transfer t ON t.entry_id = e.id
    WHERE (e.kind IN ('cost', 'close')
           OR (e.kind = 'reversal'
               AND EXISTS (SELECT 1 FROM entry o
                           WHERE o.id = e.reverses AND o.kind IN ('cost', 'close'))))
      AND t.currency = 'CHF' AND coalesce(t.budget_year, e.budget_year) = e.budget_year
    UNION ALL
    SELECT e.id, e.budget_year, e.entry_date, t.credit_account_id, t.amount_minor
    FROM entry e JOIN transfer t ON t.entry_id = e.id
    WHERE (e.kind IN ('cost', 'close')
           OR (e.kind = 'reversal'
               AND EXISTS (SELECT 1 FROM entry o
                           WHERE o.id = e.reverses AND o.kind IN ('cost', 'close'))))
      AND t.currency = 'CHF' AND coalesce(t.budget_year, e.budget_year) = e.budget_year),
days AS (
    SELECT budget_year, account_id, posted_on, sum(net_minor) AS net_minor
    FROM recorded
    GROUP BY budget_year, account_id, posted_on)
SELECT budget_year, account_id, posted_on,
       sum(net_minor) OVER (PARTITION BY budget_year, account_id
                            ORDER BY posted_on ROWS UNBOUNDED PRECEDING)
FROM days
ORDER BY budget_year, account_id, posted_on;
