//! Integrity checks over the stored ledger. Each check is a small function returning its
//! findings, and `verify` runs them all, so one run reports every problem, not the first.

use serde::Serialize;

use super::chain::{self, ChainHead, ChainMark, Depth};
use super::{migrations::SCHEMA_VERSION, Store, StoreError, APPLICATION_ID};
use crate::money::{Currency, Money, Rate};

/// One problem found, under the stable name of the check that found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub message: String,
}

/// What `verify` looked at and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifySummary {
    pub depth: VerifyDepth,
    pub entries: i64,
    pub transfers: i64,
    pub balance_rows: i64,
    /// The chain head as stored (when the chain could be read).
    pub chain: Option<ChainHead>,
    pub findings: Vec<Finding>,
}

/// How thoroughly `verify` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifyDepth {
    /// Every check, every row: the database's integrity page by page and index by index,
    /// every link of the chain against its row, every running balance against the
    /// transfers.
    #[default]
    Full,
    /// What can be checked without reading every row of history: the database's pages
    /// (`quick_check` of each table and its indexes, and of the list of free pages, shared
    /// between two readers; that every page of the file belongs somewhere is left to the
    /// full check), the settings and safeguards, the last link of the chain (and the
    /// one given with `--against`), and the stored totals in each currency against the
    /// transfers.
    Quick,
}

/// The triggers that keep history append-only.
const APPEND_ONLY_TRIGGERS: [&str; 14] = [
    "entry_no_update",
    "entry_no_delete",
    "transfer_no_update",
    "transfer_no_delete",
    "budget_no_update",
    "budget_no_delete",
    "budget_line_no_update",
    "budget_line_no_delete",
    "scale_no_update",
    "scale_no_delete",
    "scale_rate_no_update",
    "scale_rate_no_delete",
    "reminder_no_update",
    "reminder_no_delete",
];

/// The append-only triggers of migration 0003 (costs, rates, meetings, closed years).
const COSTS_APPEND_ONLY_TRIGGERS: [&str; 14] = [
    "exchange_rate_no_update",
    "exchange_rate_no_delete",
    "cost_line_no_update",
    "cost_line_no_delete",
    "meeting_no_update",
    "meeting_no_delete",
    "meeting_rate_no_update",
    "meeting_rate_no_delete",
    "document_no_update",
    "document_no_delete",
    "document_revision_no_update",
    "document_revision_no_delete",
    "meeting_share_no_update",
    "meeting_share_no_delete",
];

/// The append-only triggers of the chain.
const CHAIN_APPEND_ONLY_TRIGGERS: [&str; 2] = ["chain_no_update", "chain_no_delete"];

/// The append-only triggers of the corrections migration (rate corrections, withdrawn
/// budgets).
const CORRECTIONS_APPEND_ONLY_TRIGGERS: [&str; 4] = [
    "exchange_rate_correction_no_update",
    "exchange_rate_correction_no_delete",
    "budget_withdrawal_no_update",
    "budget_withdrawal_no_delete",
];

/// One check of `verify`, run on the open ledger.
type Check<'a> = dyn Fn() -> Result<Vec<Finding>, StoreError> + 'a;

/// The tables of the schema (all migrations applied): a report reads from them, and
/// verify says which is missing.
const TABLES: [&str; 42] = [
    "account",
    "account_balance",
    "account_running",
    "account_total",
    "bank_line",
    "bank_match",
    "bank_payer",
    "bank_statement",
    "budget",
    "budget_line",
    "budget_withdrawal",
    "chain",
    "charge_due",
    "cost_line",
    "cost_running",
    "document",
    "document_due",
    "document_revision",
    "entry",
    "exchange_rate",
    "exchange_rate_correction",
    "expense_recorded_running",
    "fund",
    "letter_sent",
    "meeting",
    "meeting_detail",
    "meeting_rate",
    "meeting_share",
    "meta",
    "party",
    "party_change",
    "payment_terms",
    "reminder",
    "scale",
    "scale_rate",
    "setting",
    "task",
    "task_change",
    "transfer",
    "transparency_report",
    "transparency_reversal",
    "year_close",
];

/// At most this many findings are listed per check; the rest are counted.
const FINDINGS_PER_CHECK_MAX: usize = 50;

impl Store {
    /// Runs every check. `conversion_account` is where entries change currency.
    pub fn verify(&self, conversion_account: &str) -> Result<VerifySummary, StoreError> {
        self.verify_with(conversion_account, VerifyDepth::Full, None)
    }

    /// Runs the checks of `depth`; with `against`, also that the chain's first links end
    /// at the head given.
    pub fn verify_with(
        &self,
        conversion_account: &str,
        depth: VerifyDepth,
        against: Option<&ChainMark>,
    ) -> Result<VerifySummary, StoreError> {
        let count = |sql: &str| -> Result<i64, StoreError> {
            Ok(self.conn.query_row(sql, [], |row| row.get(0))?)
        };
        let mut findings = Vec::new();
        let chain_head = std::cell::RefCell::new(None);
        let walk_chain = |depth: Depth| -> Result<Vec<Finding>, StoreError> {
            let walk = chain::walk(&self.conn, depth, against)?;
            *chain_head.borrow_mut() = Some(walk.head);
            Ok(walk.findings)
        };
        // A check that cannot run on a damaged file is itself a finding: verify reports the
        // damage it exists to find rather than stopping at it.
        // The database's own check reads every page (and, in full, every index): on a
        // thread of its own when it can, beside the other checks.
        let beside = self.check_integrity_beside(depth);
        let mut checks: Vec<(&'static str, Box<Check<'_>>)> = Vec::new();
        if beside.is_none() {
            checks.push(match depth {
                VerifyDepth::Full => ("integrity", Box::new(|| self.check_integrity())),
                VerifyDepth::Quick => ("integrity", Box::new(|| self.check_pages())),
            });
        }
        checks.extend::<Vec<(&'static str, Box<Check<'_>>)>>(match depth {
            VerifyDepth::Full => vec![
                ("schema", Box::new(|| self.check_tables())),
                ("settings", Box::new(|| self.check_settings())),
                ("append-only", Box::new(|| self.check_triggers())),
                ("chain", Box::new(|| walk_chain(Depth::Full))),
                ("transfer-valid", Box::new(|| self.check_transfers())),
                ("balances", Box::new(|| self.check_balances())),
                ("running", Box::new(|| self.check_running())),
                ("cost-running", Box::new(|| self.check_cost_running())),
                ("expense-running", Box::new(|| self.check_expense_running())),
                (
                    "conversions",
                    Box::new(|| self.check_conversions(conversion_account)),
                ),
                ("reversals", Box::new(|| self.check_reversals())),
                ("positions", Box::new(|| self.check_positions())),
                ("bank-lines", Box::new(|| self.check_bank_lines())),
                ("transparency", Box::new(|| self.check_transparency())),
            ],
            VerifyDepth::Quick => vec![
                ("schema", Box::new(|| self.check_tables())),
                ("settings", Box::new(|| self.check_settings())),
                ("append-only", Box::new(|| self.check_triggers())),
                ("chain", Box::new(|| walk_chain(Depth::Quick))),
                (
                    "balances",
                    Box::new(|| self.check_totals_against_transfers()),
                ),
            ],
        });
        // The checks in the order they are reported; the one the second reader runs is
        // filled in once it is done.
        let mut outcomes: Vec<(&'static str, Option<Vec<Finding>>)> = Vec::new();
        for (check, run) in checks {
            if beside.is_some() && depth == VerifyDepth::Full && check == RUNNING_BESIDE {
                outcomes.push((check, None));
                continue;
            }
            outcomes.push((check, Some(outcome(check, run()))));
        }
        if let Some(beside) = beside {
            let stopped = || Err(StoreError::Corrupt("the check stopped".to_string()));
            let Beside { pages, mut running } = beside.join().unwrap_or_else(|_| Beside {
                pages: stopped(),
                running: Some(stopped()),
            });
            findings.extend(outcome("integrity", pages));
            for (check, found) in &mut outcomes {
                if found.is_none() {
                    *found = Some(outcome(check, running.take().unwrap_or_else(stopped)));
                }
            }
        }
        findings.extend(
            outcomes
                .into_iter()
                .flat_map(|(_, found)| found.unwrap_or_default()),
        );
        let count = |sql: &str| count(sql).unwrap_or(-1);
        let chain = chain_head.into_inner();
        Ok(VerifySummary {
            depth,
            entries: count("SELECT count(*) FROM entry"),
            transfers: count("SELECT count(*) FROM transfer"),
            balance_rows: count(
                "SELECT (SELECT count(*) FROM account_balance) + (SELECT count(*) FROM account_total)",
            ),
            chain,
            findings,
        })
    }

    /// The chain head as stored: how many rows of history are chained and the hash of the
    /// last link.
    pub fn chain_head(&self) -> Result<ChainHead, StoreError> {
        chain::head(&self.conn)
    }

    /// What every command but `verify` checks on opening the ledger, cheaply: that the
    /// safeguards of its history are in place (the append-only triggers), so that what it
    /// reads is what was written through the program. The version and mark are checked
    /// before.
    pub(super) fn check_trusted(&self) -> Result<(), StoreError> {
        if let Some(table) = self.missing_tables()?.first() {
            return Err(StoreError::Untrusted {
                path: self.path.display().to_string(),
                reason: format!("its table {table} is missing"),
            });
        }
        // Accounts are numbered from 1 as they are opened and never removed: a gap, or a
        // running total of an account beyond the last, is an account deleted behind the
        // program's back, whose postings every report would silently leave out. Read from
        // the primary key and an index, this costs the same at any size.
        let (accounts, last_account, last_posted): (i64, i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM account), (SELECT coalesce(max(id), 0) FROM account),
                    (SELECT coalesce(max(account_id), 0) FROM account_total)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        if accounts != last_account || last_posted > last_account {
            return Err(StoreError::Untrusted {
                path: self.path.display().to_string(),
                reason: "an account its postings refer to is missing".to_string(),
            });
        }
        let missing: Vec<&str> = {
            let mut statement = self.conn.prepare_cached(
                "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
            )?;
            let mut missing = Vec::new();
            for trigger in all_triggers() {
                if !statement.exists([trigger])? {
                    missing.push(trigger);
                }
            }
            missing
        };
        if let Some(first) = missing.first() {
            return Err(StoreError::Untrusted {
                path: self.path.display().to_string(),
                reason: format!(
                    "its history is not protected (trigger {first}{} missing)",
                    match missing.len() {
                        1 => " is".to_string(),
                        n => format!(" and {} more are", n - 1),
                    }
                ),
            });
        }
        Ok(())
    }

    /// The tables of the schema that the file lacks.
    fn missing_tables(&self) -> Result<Vec<&'static str>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1")?;
        let mut missing = Vec::new();
        for table in TABLES {
            if !statement.exists([table])? {
                missing.push(table);
            }
        }
        Ok(missing)
    }

    fn check_tables(&self) -> Result<Vec<Finding>, StoreError> {
        Ok(self
            .missing_tables()?
            .into_iter()
            .map(|table| Finding {
                check: "schema",
                message: format!("table {table} is missing"),
            })
            .collect())
    }

    /// Runs `sql`, turning each row's text into a finding of `check`.
    fn findings_from(&self, check: &'static str, sql: &str) -> Result<Vec<Finding>, StoreError> {
        findings_on(&self.conn, check, sql)
    }

    /// A second connection to the file, read-only, for a check that runs beside the
    /// others (none for a ledger in memory).
    fn second_reader(&self) -> Option<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        if self.path.as_os_str() == ":memory:" {
            return None;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let immutable = self.access == super::Access::Immutable;
        rusqlite::Connection::open_with_flags(super::read_only_uri(&self.path, immutable), flags)
            .ok()
    }

    /// `check_integrity` (or, quick, `check_pages`) on a thread of its own, when a second
    /// connection can be opened: the database's own check reads every page, and the other
    /// checks need not wait for it. In full, the same thread then runs the checks of
    /// `RUNNING_BESIDE`, so that the two take about as long.
    fn check_integrity_beside(
        &self,
        depth: VerifyDepth,
    ) -> Option<std::thread::JoinHandle<Beside>> {
        let conn = self.second_reader()?;
        match depth {
            VerifyDepth::Full => {
                let reader = Store {
                    conn,
                    path: self.path.clone(),
                    access: self.access,
                    options: self.options,
                };
                // Half SQLite's page cache: the two readers together stay within what one
                // took.
                let _ = reader.conn.pragma_update(None, "cache_size", -1024);
                Some(std::thread::spawn(move || Beside {
                    pages: integrity_findings(&reader.conn),
                    running: Some(reader.check_running()),
                }))
            }
            // The quick check of the pages, table by table, shared with a third reader when
            // one opens: it is most of what `--quick` does.
            VerifyDepth::Quick => {
                let third = self.second_reader();
                Some(std::thread::spawn(move || Beside {
                    pages: pages_on_two_readers(conn, third),
                    running: None,
                }))
            }
        }
    }

    fn check_integrity(&self) -> Result<Vec<Finding>, StoreError> {
        integrity_findings(&self.conn)
    }

    fn check_pages(&self) -> Result<Vec<Finding>, StoreError> {
        pages_findings(&self.conn)
    }
}

/// The pages of the file (`quick_check`: what `integrity_check` checks but that each index
/// matches its table).
fn pages_findings(conn: &rusqlite::Connection) -> Result<Vec<Finding>, StoreError> {
    findings_on(
        conn,
        "integrity",
        "SELECT quick_check FROM pragma_quick_check WHERE quick_check <> 'ok'",
    )
}

/// The check of a full verify that the second reader runs after the database's own check,
/// so that the two readers take about as long (at a million entries, 11 s for the
/// database's check and 5 to 7 s for this one, against about 17 s for all the others).
const RUNNING_BESIDE: &str = "running";

/// What the second reader found: the pages, and, in full, the running sums.
struct Beside {
    pages: Result<Vec<Finding>, StoreError>,
    running: Option<Result<Vec<Finding>, StoreError>>,
}

/// The findings of a check, or the finding that it could not run: verify reports the
/// damage it exists to find rather than stopping at it.
fn outcome(check: &'static str, found: Result<Vec<Finding>, StoreError>) -> Vec<Finding> {
    found.unwrap_or_else(|error| {
        vec![Finding {
            check,
            message: format!("the check could not run on this file: {error}"),
        }]
    })
}

/// The pages of every table checked by `conn` and, when there is one, `third` at once.
fn pages_on_two_readers(
    conn: rusqlite::Connection,
    third: Option<rusqlite::Connection>,
) -> Result<Vec<Finding>, StoreError> {
    let tables = TableQueue::of(&conn)?;
    let helper = third.map(|third| {
        let tables = tables.clone();
        std::thread::spawn(move || tables.check_pages(&third))
    });
    let mut findings = tables.check_pages(&conn)?;
    if let Some(helper) = helper {
        match helper.join() {
            Ok(found) => findings.extend(found?),
            Err(_) => {
                return Err(StoreError::Corrupt(
                    "the check of the pages stopped".to_string(),
                ))
            }
        }
    }
    Ok(cap(
        "integrity",
        findings.into_iter().map(|f| f.message).collect(),
    ))
}

/// The tables whose pages are left to check, taken one at a time by each reader.
#[derive(Clone)]
struct TableQueue(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

/// The tables that hold most of a large ledger's pages, checked first so that the readers
/// finish together.
const LARGEST_TABLES: [&str; 6] = [
    "entry",
    "chain",
    "account_balance",
    "account_running",
    "transfer",
    "cost_line",
];

impl TableQueue {
    /// Every table of the file. The schema's own table comes with the list of free pages.
    fn of(conn: &rusqlite::Connection) -> Result<TableQueue, StoreError> {
        let mut tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        tables.push("sqlite_schema".to_string());
        // Taken from the end: the largest last in the vector.
        let rank = |name: &str| {
            LARGEST_TABLES
                .iter()
                .position(|large| *large == name)
                .map_or(0, |place| LARGEST_TABLES.len() - place)
        };
        tables.sort_by_key(|name| rank(name));
        Ok(TableQueue(std::sync::Arc::new(std::sync::Mutex::new(
            tables,
        ))))
    }

    /// Checks the pages of tables taken from the queue until none is left.
    fn check_pages(&self, conn: &rusqlite::Connection) -> Result<Vec<Finding>, StoreError> {
        let mut findings = Vec::new();
        let mut statement = conn
            .prepare("SELECT quick_check FROM pragma_quick_check(?1) WHERE quick_check <> 'ok'")?;
        loop {
            let next = match self.0.lock() {
                Ok(mut tables) => tables.pop(),
                Err(_) => None,
            };
            let Some(table) = next else {
                return Ok(findings);
            };
            let messages = statement
                .query_map([&table], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            findings.extend(messages.into_iter().map(|message| Finding {
                check: "integrity",
                message,
            }));
        }
    }
}

/// Runs `sql` on `conn`, turning each row's text into a finding of `check`.
fn findings_on(
    conn: &rusqlite::Connection,
    check: &'static str,
    sql: &str,
) -> Result<Vec<Finding>, StoreError> {
    let mut statement = conn.prepare(sql)?;
    let messages = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(cap(check, messages))
}

/// SQLite's `integrity_check` (every page, every index against its table) and its
/// foreign key check.
fn integrity_findings(conn: &rusqlite::Connection) -> Result<Vec<Finding>, StoreError> {
    {
        let mut findings = findings_on(
            conn,
            "integrity",
            "SELECT integrity_check FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
        )?;
        // A table WITHOUT ROWID (the running balances, reminders) has no row number to
        // name: its broken rows are counted under the column that refers to nothing.
        findings.extend(findings_on(
            conn,
            "foreign-keys",
            "WITH broken AS (SELECT \"table\" AS child, rowid, parent, fkid
                             FROM pragma_foreign_key_check)
             SELECT 'row ' || rowid || ' of ' || child || ' refers to a missing row of ' || parent
             FROM broken WHERE rowid IS NOT NULL
             UNION ALL
             SELECT CASE count(*) WHEN 1 THEN '1 row of ' || b.child || ' refers'
                         ELSE count(*) || ' rows of ' || b.child || ' refer' END
                    || ' to a missing row of ' || b.parent
                    || coalesce(' (' || (SELECT group_concat(f.\"from\", ', ')
                                         FROM pragma_foreign_key_list(b.child) f
                                         WHERE f.id = b.fkid) || ')', '')
             FROM broken b WHERE b.rowid IS NULL
             GROUP BY b.child, b.parent, b.fkid",
        )?);
        Ok(findings)
    }
}

impl Store {
    /// In each currency, the stored totals debit and credit what the transfers move: a
    /// sum over the transfers and the few total rows. (The full check compares every row.)
    fn check_totals_against_transfers(&self) -> Result<Vec<Finding>, StoreError> {
        self.findings_from(
            "balances",
            "WITH moved AS (SELECT currency, sum(amount_minor) AS minor FROM transfer
                            GROUP BY currency),
                  stored AS (SELECT currency, sum(debit_minor) AS debit_minor,
                                    sum(credit_minor) AS credit_minor
                             FROM account_total GROUP BY currency),
                  currencies AS (SELECT currency FROM moved UNION SELECT currency FROM stored)
             SELECT 'the stored totals in ' || c.currency || ' debit '
                    || coalesce(s.debit_minor, 0) || ' and credit '
                    || coalesce(s.credit_minor, 0) || ' where the transfers move '
                    || coalesce(m.minor, 0) || ' (minor units)'
             FROM currencies c
             LEFT JOIN moved m ON m.currency = c.currency
             LEFT JOIN stored s ON s.currency = c.currency
             WHERE coalesce(s.debit_minor, 0) <> coalesce(m.minor, 0)
                OR coalesce(s.credit_minor, 0) <> coalesce(m.minor, 0)",
        )
    }

    /// Each stored total is the sum of the stored balances of its key, date by date: the
    /// two running balances agree. (The full check recomputes both from the transfers.)
    fn check_totals_against_balances(&self) -> Result<Vec<Finding>, StoreError> {
        self.findings_from(
            "balances",
            "WITH d AS (
                 SELECT budget_year, account_id, fund, party, currency,
                        sum(debit_minor) AS debit_minor, sum(credit_minor) AS credit_minor
                 FROM (SELECT budget_year, account_id, fund, party, currency,
                              debit_minor, credit_minor FROM account_balance
                       UNION ALL
                       SELECT budget_year, account_id, fund, party, currency,
                              -debit_minor, -credit_minor FROM account_total)
                 GROUP BY budget_year, account_id, fund, party, currency
                 HAVING sum(debit_minor) <> 0 OR sum(credit_minor) <> 0)
             SELECT 'stored total of ' || coalesce(a.name, 'account ' || d.account_id) || ' ('
                    || d.currency || ', year ' || d.budget_year || ', fund ' || d.fund
                    || ', party ' || CASE d.party WHEN '' THEN '-' ELSE d.party END
                    || ') differs from its balances by date (and so from the transfers) by debit '
                    || d.debit_minor
                    || ' credit ' || d.credit_minor || ' (minor units)'
             FROM d LEFT JOIN account a ON a.id = d.account_id",
        )
    }

    /// At most one Article 7 report of a party and period is in force (not reversed): the
    /// program refuses a second, so two mean a row written behind its back.
    fn check_transparency(&self) -> Result<Vec<Finding>, StoreError> {
        self.findings_from(
            "transparency",
            "SELECT 'report ' || r.period || ' of ' || r.party || ' is in force ' || count(*)
                    || ' times (rows ' || group_concat(r.id, ', ') || ')'
             FROM transparency_report r
             WHERE NOT EXISTS (SELECT 1 FROM transparency_reversal v WHERE v.report_id = r.id)
             GROUP BY r.party, r.period HAVING count(*) > 1
             ORDER BY r.party, r.period",
        )
    }

    fn check_settings(&self) -> Result<Vec<Finding>, StoreError> {
        let pragma = |name: &str| -> Result<String, StoreError> {
            Ok(self.conn.query_row(&format!("PRAGMA {name}"), [], |row| {
                row.get::<_, rusqlite::types::Value>(0).map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
            })?)
        };
        // An in-memory ledger (tests) cannot keep a write-ahead log.
        let journal_mode = if self.path.as_os_str() == ":memory:" {
            "memory"
        } else {
            "wal"
        };
        let expected = [
            ("journal_mode", journal_mode.to_string()),
            ("foreign_keys", "1".to_string()),
            ("synchronous", "2".to_string()),
            ("user_version", SCHEMA_VERSION.to_string()),
            ("application_id", APPLICATION_ID.to_string()),
        ];
        let mut findings = Vec::new();
        for (name, want) in expected {
            let found = pragma(name)?;
            if found != want {
                findings.push(Finding {
                    check: "settings",
                    message: format!("PRAGMA {name} is {found}, expected {want}"),
                });
            }
        }
        Ok(findings)
    }

    fn check_triggers(&self) -> Result<Vec<Finding>, StoreError> {
        let mut findings = Vec::new();
        for trigger in all_triggers() {
            let present: i64 = self.conn.query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                [trigger],
                |row| row.get(0),
            )?;
            if present == 0 {
                findings.push(Finding {
                    check: "append-only",
                    message: format!("trigger {trigger} is missing: history could be changed"),
                });
            }
        }
        Ok(findings)
    }

    /// Every transfer debits one account and credits another by the same positive amount,
    /// so an entry of valid transfers balances in every currency; these are the checks
    /// that make it so.
    fn check_transfers(&self) -> Result<Vec<Finding>, StoreError> {
        let mut findings = self.findings_from(
            "entry-has-transfers",
            "SELECT 'entry ' || e.id || ' has no transfers' FROM entry e
             WHERE NOT EXISTS (SELECT 1 FROM transfer t WHERE t.entry_id = e.id)",
        )?;
        findings.extend(self.findings_from(
            "transfer-valid",
            "SELECT 'transfer ' || id || ' of entry ' || entry_id || ' moves '
                    || amount_minor || ' minor units of ' || currency
                    || CASE WHEN debit_account_id = credit_account_id
                            THEN ' from an account to itself' ELSE '' END
             FROM transfer
             WHERE amount_minor <= 0 OR debit_account_id = credit_account_id",
        )?);
        Ok(findings)
    }

    /// Recomputes the running balances from the transfers and compares every row of both
    /// tables: the transfers' legs and the stored rows by date, negated, must cancel key by
    /// key, and each stored total must be the sum of its stored rows by date (so it is the
    /// sum of its legs too). The transfers are read once, each giving its two legs.
    fn check_balances(&self) -> Result<Vec<Finding>, StoreError> {
        let legs = "SELECT coalesce(t.budget_year, e.budget_year) AS budget_year,
                           CASE s.side WHEN 0 THEN t.debit_account_id
                                       ELSE t.credit_account_id END AS account_id,
                           e.entry_date AS posted_on, e.fund, coalesce(e.party, '') AS party,
                           t.currency,
                           CASE s.side WHEN 0 THEN t.amount_minor ELSE 0 END AS debit_minor,
                           CASE s.side WHEN 0 THEN 0 ELSE t.amount_minor END AS credit_minor
                    FROM transfer t JOIN entry e ON e.id = t.entry_id
                    CROSS JOIN (SELECT 0 AS side UNION ALL SELECT 1 AS side) s";
        let describe = "coalesce(a.name, 'account ' || d.account_id) || ' (' || d.currency
                        || ', year ' || d.budget_year || ', fund ' || d.fund || ', party '
                        || CASE d.party WHEN '' THEN '-' ELSE d.party END";
        let differs = "' differs from the transfers by debit ' || d.debit_minor
                       || ' credit ' || d.credit_minor || ' (minor units)'";
        let mut findings = self.findings_from(
            "balances",
            &format!(
                "WITH legs AS ({legs}),
                 d AS (SELECT budget_year, account_id, posted_on, fund, party, currency,
                              sum(debit_minor) AS debit_minor, sum(credit_minor) AS credit_minor
                       FROM (SELECT * FROM legs
                             UNION ALL
                             SELECT budget_year, account_id, posted_on, fund, party, currency,
                                    -debit_minor, -credit_minor
                             FROM account_balance)
                       GROUP BY budget_year, account_id, posted_on, fund, party, currency
                       HAVING sum(debit_minor) <> 0 OR sum(credit_minor) <> 0)
                 SELECT 'stored balance of ' || {describe} || ', ' || d.posted_on || ')' || {differs}
                 FROM d LEFT JOIN account a ON a.id = d.account_id"
            ),
        )?;
        findings.extend(self.check_totals_against_balances()?);
        Ok(findings)
    }

    /// Recomputes the sums up to each date (`account_running`) from the sums of each day
    /// (`account_balance`), which the balances check compares with the transfers: each day
    /// posted has its row, with the sums of the days up to it; and no row is on a day with
    /// nothing posted (looked for only when the rows are not as many as the days, or some
    /// day's row was wrong: when every day has its own right row and there are as many rows
    /// as days, there is no other).
    fn check_running(&self) -> Result<Vec<Finding>, StoreError> {
        let describe = "coalesce(a.name, 'account ' || d.account_id) || ' (' || d.currency
                        || ', year ' || d.budget_year || ', fund ' || d.fund || ', party '
                        || CASE d.party WHEN '' THEN '-' ELSE d.party END || ')'";
        let mut findings = self.findings_from(
            "running",
            &format!(
                "WITH expected AS (
                     SELECT budget_year, account_id, fund, party, currency, posted_on,
                            sum(debit_minor) OVER running AS debit_minor,
                            sum(credit_minor) OVER running AS credit_minor
                     FROM account_balance
                     WINDOW running AS (
                         PARTITION BY budget_year, account_id, fund, party, currency
                         ORDER BY posted_on ROWS UNBOUNDED PRECEDING))
                 SELECT 'sums up to ' || d.posted_on || ' of ' || {describe}
                        || CASE WHEN r.posted_on IS NULL THEN ' are missing'
                                ELSE ' differ from the sums of the days posted up to that date'
                           END
                 FROM expected d
                 LEFT JOIN account_running r
                   ON r.budget_year = d.budget_year AND r.account_id = d.account_id
                  AND r.fund = d.fund AND r.party = d.party AND r.currency = d.currency
                  AND r.posted_on = d.posted_on
                 LEFT JOIN account a ON a.id = d.account_id
                 WHERE r.posted_on IS NULL OR r.debit_minor <> d.debit_minor
                    OR r.credit_minor <> d.credit_minor"
            ),
        )?;
        let count = |table: &str| -> Result<i64, StoreError> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                    row.get(0)
                })?)
        };
        if findings.is_empty() && count("account_running")? == count("account_balance")? {
            return Ok(findings);
        }
        findings.extend(self.findings_from(
            "running",
            &format!(
                "SELECT 'sums up to ' || d.posted_on || ' of ' || {describe}
                        || ' are kept on a day with nothing posted'
                 FROM account_running d
                 LEFT JOIN account a ON a.id = d.account_id
                 WHERE NOT EXISTS (
                     SELECT 1 FROM account_balance b
                     WHERE b.budget_year = d.budget_year AND b.account_id = d.account_id
                       AND b.posted_on = d.posted_on AND b.fund = d.fund
                       AND b.party = d.party AND b.currency = d.currency)
                 ORDER BY d.budget_year, d.account_id, d.fund, d.party, d.currency,
                          d.posted_on"
            ),
        )?);
        Ok(findings)
    }

    /// Recomputes what was spent against each budget line up to each date (`cost_running`)
    /// from the cost lines, the entries and their transfers.
    fn check_cost_running(&self) -> Result<Vec<Finding>, StoreError> {
        self.findings_from(
            "cost-running",
            &format!(
                "WITH {},
                 days AS (
                     SELECT budget_year, line, currency, posted_on,
                            sum(chf_minor) AS chf_minor, sum(original_minor) AS original_minor
                     FROM spent
                     GROUP BY budget_year, line, currency, posted_on),
                 expected AS (
                     SELECT budget_year, line, currency, posted_on,
                            sum(chf_minor) OVER running AS chf_minor,
                            sum(original_minor) OVER running AS original_minor
                     FROM days
                     WINDOW running AS (PARTITION BY budget_year, line, currency
                                        ORDER BY posted_on ROWS UNBOUNDED PRECEDING)),
                 d AS (SELECT * FROM (SELECT * FROM expected EXCEPT SELECT * FROM cost_running)
                       UNION
                       SELECT * FROM (SELECT * FROM cost_running EXCEPT SELECT * FROM expected))
                 SELECT DISTINCT 'spending up to ' || posted_on || ' against line ' || line
                        || ' of ' || budget_year || ' paid in ' || currency
                        || ' differs from the costs recorded'
                 FROM d
                 ORDER BY 1",
                super::costs::spent_by_entry_sql("true", self.currency()?)
            ),
        )
    }

    /// Recomputes what costs, closes and their reversals moved on each account up to each
    /// date (`expense_recorded_running`) from the entries and their transfers.
    fn check_expense_running(&self) -> Result<Vec<Finding>, StoreError> {
        self.findings_from(
            "expense-running",
            &format!(
                "WITH {},
                 days AS (
                     SELECT budget_year, account_id, posted_on, sum(net_minor) AS net_minor
                     FROM recorded
                     GROUP BY budget_year, account_id, posted_on),
                 expected AS (
                     SELECT budget_year, account_id, posted_on,
                            sum(net_minor) OVER (PARTITION BY budget_year, account_id
                                                 ORDER BY posted_on ROWS UNBOUNDED PRECEDING)
                                AS net_minor
                     FROM days),
                 d AS (SELECT * FROM (SELECT * FROM expected
                                      EXCEPT SELECT * FROM expense_recorded_running)
                       UNION
                       SELECT * FROM (SELECT * FROM expense_recorded_running
                                      EXCEPT SELECT * FROM expected))
                 SELECT DISTINCT 'costs and closes up to ' || d.posted_on || ' on '
                        || coalesce(a.name, 'account ' || d.account_id) || ' for '
                        || d.budget_year || ' differ from their transfers'
                 FROM d LEFT JOIN account a ON a.id = d.account_id
                 ORDER BY 1",
                super::costs::expense_recorded_sql("true", self.currency()?)
            ),
        )
    }

    /// In an entry that converts, the book currency through the conversion account must be
    /// the other currency's amount at the recorded rate, rounded half away from zero.
    fn check_conversions(&self, conversion_account: &str) -> Result<Vec<Finding>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT e.id, e.rate, t.currency,
                    sum(CASE WHEN d.name = ?1 THEN t.amount_minor ELSE -t.amount_minor END)
             FROM entry e
             JOIN transfer t ON t.entry_id = e.id
             JOIN account d ON d.id = t.debit_account_id
             JOIN account c ON c.id = t.credit_account_id
             WHERE e.rate IS NOT NULL AND (d.name = ?1 OR c.name = ?1)
             GROUP BY e.id, t.currency
             ORDER BY e.id, t.currency",
        )?;
        let rows = statement
            .query_map([conversion_account], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let book = self.currency()?;
        let mut messages = Vec::new();
        let mut index = 0;
        while index < rows.len() {
            let id = rows[index].0;
            let legs: Vec<_> = rows[index..].iter().take_while(|r| r.0 == id).collect();
            index += legs.len();
            let in_book = legs.iter().find(|l| l.2 == book.as_str());
            let other = legs.iter().find(|l| l.2 != book.as_str());
            let (Some(in_book), Some(other), 2) = (in_book, other, legs.len()) else {
                messages.push(format!(
                    "entry {id} records a rate but does not convert one currency into {book}"
                ));
                continue;
            };
            let rate: Result<Rate, _> = other.1.parse();
            let currency: Result<Currency, _> = other.2.parse();
            let (Ok(rate), Ok(currency)) = (rate, currency) else {
                messages.push(format!("entry {id} has an unreadable rate or currency"));
                continue;
            };
            let expected = Money::from_minor(other.3.abs(), currency).convert(rate, book);
            let book_minor = in_book.3.abs();
            if expected.as_ref().map(|m| m.minor()) != Ok(book_minor)
                || (in_book.3 > 0) == (other.3 > 0)
            {
                messages.push(format!(
                    "entry {id} converts {} at {rate} into {} instead of {}",
                    Money::from_minor(other.3.abs(), currency),
                    Money::from_minor(book_minor, book),
                    expected.map_or("an amount out of range".into(), |m| m.to_string()),
                ));
            }
        }
        Ok(cap("conversions", messages))
    }

    /// A reversal must mirror its original exactly, in the same year, fund and party, and
    /// must not be dated before it. The reversal of an entry counting against a closed year
    /// counts against an open year instead, so its budget years may differ.
    /// What each party's entries book on its positions (what it owes per year, its credit,
    /// its voluntary income), date by date, is what the rule of `domain::position` gives
    /// from its facts.
    fn check_positions(&self) -> Result<Vec<Finding>, StoreError> {
        let mut messages = Vec::new();
        super::facts::load_each(&self.conn, |party, facts| {
            let wanted = facts.replay(None).net_by_date();
            let dates: std::collections::BTreeSet<chrono::NaiveDate> =
                wanted.keys().chain(facts.booked.keys()).copied().collect();
            let empty = std::collections::BTreeMap::new();
            let differs = dates.into_iter().find(|date| {
                wanted.get(date).unwrap_or(&empty) != facts.booked.get(date).unwrap_or(&empty)
            });
            if let Some(date) = differs {
                messages.push(format!(
                    "{party}: on {date} its entries book {:?} on its positions, where the rule \
                     gives {:?}",
                    facts.booked.get(&date).unwrap_or(&empty),
                    wanted.get(&date).unwrap_or(&empty)
                ));
            }
            Ok(())
        })?;
        Ok(cap("positions", messages))
    }

    fn check_reversals(&self) -> Result<Vec<Finding>, StoreError> {
        self.findings_from(
            "reversals",
            "WITH legs AS (
                 SELECT entry_id, debit_account_id AS debit, credit_account_id AS credit,
                        amount_minor, currency, coalesce(' ' || budget_year, '') AS year
                 FROM transfer)
             SELECT 'entry ' || r.id || ' is dated ' || r.entry_date || ', before entry ' || o.id
                    || ' (' || o.entry_date || '), which it reverses'
             FROM entry r JOIN entry o ON o.id = r.reverses
             WHERE r.entry_date < o.entry_date
             UNION ALL
             SELECT 'entry ' || r.id || ' does not mirror entry ' || o.id || ', which it reverses'
             FROM entry r JOIN entry o ON o.id = r.reverses
             WHERE (r.budget_year <> o.budget_year
                    AND o.budget_year NOT IN (SELECT year FROM year_close))
                OR r.fund <> o.fund
                OR r.party IS NOT o.party
                OR (SELECT group_concat(x, ';') FROM (
                        SELECT debit || '>' || credit || ' ' || amount_minor || currency
                               || CASE WHEN EXISTS (
                                           SELECT 1 FROM year_close
                                           WHERE year = o.budget_year OR year IN (
                                               SELECT budget_year FROM transfer
                                               WHERE entry_id = o.id))
                                       THEN '' ELSE year END AS x
                        FROM legs WHERE entry_id = r.id ORDER BY x))
                   IS NOT
                   (SELECT group_concat(x, ';') FROM (
                        SELECT credit || '>' || debit || ' ' || amount_minor || currency
                               || CASE WHEN EXISTS (
                                           SELECT 1 FROM year_close
                                           WHERE year = o.budget_year OR year IN (
                                               SELECT budget_year FROM transfer
                                               WHERE entry_id = o.id))
                                       THEN '' ELSE year END AS x
                        FROM legs WHERE entry_id = o.id ORDER BY x))",
        )
    }
}

/// Every trigger that keeps history append-only.
/// The append-only triggers of migrations 0008 and 0010 (settings, party changes, letters
/// sent, transparency reports and their reversals).
const LETTERS_APPEND_ONLY_TRIGGERS: &[&str] = &[
    "setting_no_update",
    "setting_no_delete",
    "party_change_no_update",
    "party_change_no_delete",
    "letter_sent_no_update",
    "letter_sent_no_delete",
    "transparency_report_no_update",
    "transparency_report_no_delete",
    "transparency_reversal_no_update",
    "transparency_reversal_no_delete",
];

/// The append-only triggers of migration 0010 (tasks, their changes, documents' due dates,
/// meetings' places and last days).
const TIMELINE_APPEND_ONLY_TRIGGERS: &[&str] = &[
    "task_no_update",
    "task_no_delete",
    "task_change_no_update",
    "task_change_no_delete",
    "document_due_no_update",
    "document_due_no_delete",
    "meeting_detail_no_update",
    "meeting_detail_no_delete",
];

fn all_triggers() -> impl Iterator<Item = &'static str> {
    APPEND_ONLY_TRIGGERS
        .iter()
        .chain(COSTS_APPEND_ONLY_TRIGGERS.iter())
        .chain(CORRECTIONS_APPEND_ONLY_TRIGGERS.iter())
        .chain(CHAIN_APPEND_ONLY_TRIGGERS.iter())
        .chain(LETTERS_APPEND_ONLY_TRIGGERS.iter())
        .chain(TIMELINE_APPEND_ONLY_TRIGGERS.iter())
        .copied()
}

pub(super) fn cap(check: &'static str, messages: Vec<String>) -> Vec<Finding> {
    let total = messages.len();
    let mut findings: Vec<Finding> = messages
        .into_iter()
        .take(FINDINGS_PER_CHECK_MAX)
        .map(|message| Finding { check, message })
        .collect();
    if total > FINDINGS_PER_CHECK_MAX {
        findings.push(Finding {
            check,
            message: format!("and {} more", total - FINDINGS_PER_CHECK_MAX),
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contribution::{Contribution, Portion};
    use crate::domain::party::{Party, PartyInput};
    use crate::ledger::FundCode;
    use crate::store::Actor;
    use chrono::NaiveDate;

    fn ledger_with_a_conversion() -> Store {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(Actor::test("2017-03-01T00:00:00Z")).unwrap();
        let party = Party::new(PartyInput {
            code: "DEU".into(),
            ..PartyInput::default()
        })
        .unwrap();
        tx.insert_party(&party).unwrap();
        let entry = Contribution {
            party: party.code.clone(),
            amount: Money::from_minor(100_000, Currency::USD),
            rate: Some("0.9705".parse().unwrap()),
            date: NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
            budget_year: Some(2017),
            fund: FundCode::isu(),
            reference: None,
            voluntary: true,
        };
        let minor = entry.value_in(Currency::CHF).unwrap().minor();
        let portions = [Portion::Voluntary { year: 2017, minor }];
        let entry = entry
            .to_entry(&party.name, &portions, Currency::CHF)
            .unwrap();
        let id = tx.record_entry(&entry).unwrap().id();
        tx.record_payment_terms(id, Some(2017), true).unwrap();
        tx.commit().unwrap();
        store
    }

    fn checks_failing(store: &Store) -> Vec<&'static str> {
        let mut checks: Vec<_> = store
            .verify("equity:conversion")
            .unwrap()
            .findings
            .into_iter()
            .map(|f| f.check)
            .collect();
        checks.dedup();
        checks
    }

    #[test]
    fn a_sound_ledger_has_no_findings() {
        let summary = ledger_with_a_conversion()
            .verify("equity:conversion")
            .unwrap();
        assert_eq!(summary.findings, vec![]);
        assert_eq!((summary.entries, summary.transfers), (1, 2));
    }

    #[test]
    fn tampered_balances_are_found_in_either_table() {
        let store = ledger_with_a_conversion();
        store
            .conn
            .execute(
                "UPDATE account_total SET credit_minor = credit_minor + 1",
                [],
            )
            .unwrap();
        assert_eq!(checks_failing(&store), vec!["balances"]);

        let store = ledger_with_a_conversion();
        store
            .conn
            .execute("DELETE FROM account_balance WHERE currency = 'USD'", [])
            .unwrap();
        let findings = store.verify("equity:conversion").unwrap().findings;
        // Each USD account's rows by date differ from its transfers, and its total from
        // its rows by date; and its running sums are on a day with nothing posted.
        assert_eq!(findings.len(), 6, "{findings:?}");
        assert_eq!(
            findings.iter().filter(|f| f.check == "running").count(),
            2,
            "{findings:?}"
        );
        assert!(
            findings[0].message.contains("assets:bank:usd"),
            "{findings:?}"
        );
        assert_eq!(
            findings
                .iter()
                .filter(|f| f.message.starts_with("stored total of"))
                .count(),
            2,
            "{findings:?}"
        );
    }

    #[test]
    fn tampered_running_sums_are_found() {
        let store = ledger_with_a_conversion();
        store
            .conn
            .execute(
                "UPDATE account_running SET debit_minor = debit_minor + 1
                 WHERE currency = 'USD' AND debit_minor > 0",
                [],
            )
            .unwrap();
        let findings = store.verify("equity:conversion").unwrap().findings;
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].check, "running");
        assert!(
            findings[0].message.contains("assets:bank:usd"),
            "{findings:?}"
        );

        let store = ledger_with_a_conversion();
        store
            .conn
            .execute("DELETE FROM account_running WHERE currency = 'CHF'", [])
            .unwrap();
        assert_eq!(checks_failing(&store), vec!["running"]);

        // A row on a day nothing was posted, with the sums of the day before it.
        let store = ledger_with_a_conversion();
        store
            .conn
            .execute(
                "INSERT INTO account_running (budget_year, account_id, fund, party, currency,
                                              posted_on, debit_minor, credit_minor)
                 SELECT budget_year, account_id, fund, party, currency, '2099-12-31',
                        debit_minor, credit_minor
                 FROM account_running WHERE currency = 'USD' LIMIT 1",
                [],
            )
            .unwrap();
        let findings = store.verify("equity:conversion").unwrap().findings;
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(
            findings[0].message.starts_with("sums up to 2099-12-31 of "),
            "{findings:?}"
        );
    }

    #[test]
    fn tampered_spending_sums_are_found() {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(Actor::test("2017-03-01T00:00:00Z")).unwrap();
        let cost = crate::ledger::NewEntry {
            date: NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
            description: "Translation".into(),
            kind: crate::ledger::EntryKind::Cost,
            budget_year: 2017,
            fund: FundCode::isu(),
            party: None,
            reference: Some("C-1".into()),
            reverses: None,
            rate: None,
            transfers: vec![crate::ledger::Transfer::new(
                "expenses:translation".parse().unwrap(),
                "assets:bank:chf".parse().unwrap(),
                Money::from_minor(12_345, Currency::CHF),
            )],
        };
        let crate::store::Recorded::New(id) = tx.record_entry(&cost).unwrap() else {
            panic!("not recorded");
        };
        tx.insert_cost_line(id, 2017, "communication", "translation")
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(checks_failing(&store), Vec::<&str>::new());
        let until = NaiveDate::from_ymd_opt(2017, 12, 31).unwrap();
        assert_eq!(
            store.spent(2017, until).unwrap()[0].spent_book,
            Money::from_minor(12_345, Currency::CHF)
        );
        store
            .conn
            .execute("UPDATE cost_running SET chf_minor = chf_minor + 1", [])
            .unwrap();
        assert_eq!(checks_failing(&store), vec!["cost-running"]);
        store
            .conn
            .execute(
                "UPDATE expense_recorded_running SET net_minor = net_minor - 1",
                [],
            )
            .unwrap();
        assert_eq!(
            checks_failing(&store),
            vec!["cost-running", "expense-running"]
        );
    }

    #[test]
    fn the_schema_in_memory_has_every_table_listed_and_no_other() {
        let store = ledger_with_a_conversion();
        assert_eq!(store.missing_tables().unwrap(), Vec::<&str>::new());
        let count: usize = store
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema
                 WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(count, TABLES.len(), "a new table is listed in TABLES");
        store.conn.execute_batch("DROP TABLE reminder").unwrap();
        // Its triggers go with it.
        assert_eq!(
            checks_failing(&store),
            vec!["schema", "append-only", "chain"]
        );
        assert!(matches!(
            store.check_trusted(),
            Err(StoreError::Untrusted { .. })
        ));
    }

    #[test]
    fn the_quick_check_finds_a_stored_total_that_is_not_what_the_transfers_move() {
        let store = ledger_with_a_conversion();
        let quick = |store: &Store| {
            store
                .verify_with("equity:conversion", VerifyDepth::Quick, None)
                .unwrap()
        };
        let summary = quick(&store);
        assert_eq!(summary.findings, vec![]);
        assert_eq!(summary.depth, VerifyDepth::Quick);
        assert!(summary.chain.is_some_and(|head| head.count > 0));
        store
            .conn
            .execute(
                "UPDATE account_total SET credit_minor = credit_minor + 1 WHERE currency = 'USD'",
                [],
            )
            .unwrap();
        let findings = quick(&store).findings;
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].check, "balances");
        assert!(findings[0].message.contains("in USD"), "{findings:?}");
    }

    #[test]
    fn every_table_is_history_derived_or_the_chain() {
        let history: Vec<&str> = chain::HISTORY.iter().map(|t| t.name).collect();
        for table in TABLES {
            let kinds = [
                history.contains(&table),
                chain::DERIVED.contains(&table),
                table == chain::CHAIN_TABLE,
            ];
            assert_eq!(
                kinds.iter().filter(|k| **k).count(),
                1,
                "{table} is history (chained), derived (recomputed) or the chain"
            );
        }
        assert_eq!(
            history.len() + chain::DERIVED.len() + 1,
            TABLES.len(),
            "every table classified is a table of the schema"
        );
    }

    #[test]
    fn a_write_and_its_links_commit_together() {
        let mut store = ledger_with_a_conversion();
        let before = store.chain_head().unwrap();
        let tx = store.begin(Actor::test("2017-03-02T00:00:00Z")).unwrap();
        let party = Party::new(PartyInput {
            code: "FRA".into(),
            ..PartyInput::default()
        })
        .unwrap();
        tx.insert_party(&party).unwrap();
        drop(tx);
        assert_eq!(
            store.chain_head().unwrap(),
            before,
            "rolled back with its row"
        );
        let tx = store.begin(Actor::test("2017-03-02T00:00:00Z")).unwrap();
        tx.insert_party(&party).unwrap();
        tx.commit().unwrap();
        let after = store.chain_head().unwrap();
        assert_eq!(after.count, before.count + 1);
        assert_ne!(after.head, before.head);
        assert_eq!(store.verify("equity:conversion").unwrap().findings, vec![]);
    }

    #[test]
    fn changed_history_is_found_once_the_triggers_are_dropped() {
        let store = ledger_with_a_conversion();
        store
            .conn
            .execute_batch(
                "DROP TRIGGER transfer_no_update;
                 UPDATE transfer SET amount_minor = 97000 WHERE currency = 'CHF';",
            )
            .unwrap();
        // The running sums are checked against the days posted, which the balances check
        // finds changed.
        assert_eq!(
            checks_failing(&store),
            vec!["append-only", "chain", "balances", "conversions"]
        );
    }
}
