//! Integrity checks over the stored ledger. Each check is a small function returning its
//! findings, and `verify` runs them all, so one run reports every problem, not the first.

use rust_decimal::Decimal;
use serde::Serialize;

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
    pub entries: i64,
    pub transfers: i64,
    pub balance_rows: i64,
    pub findings: Vec<Finding>,
}

/// The triggers that keep history append-only.
const APPEND_ONLY_TRIGGERS: [&str; 8] = [
    "entry_no_update",
    "entry_no_delete",
    "transfer_no_update",
    "transfer_no_delete",
    "budget_no_update",
    "budget_no_delete",
    "budget_line_no_update",
    "budget_line_no_delete",
];

/// At most this many findings are listed per check; the rest are counted.
const FINDINGS_PER_CHECK_MAX: usize = 50;

impl Store {
    /// Runs every check. `conversion_account` is where entries change currency.
    pub fn verify(&self, conversion_account: &str) -> Result<VerifySummary, StoreError> {
        let count = |sql: &str| -> Result<i64, StoreError> {
            Ok(self.conn.query_row(sql, [], |row| row.get(0))?)
        };
        let mut findings = Vec::new();
        findings.extend(self.check_integrity()?);
        findings.extend(self.check_settings()?);
        findings.extend(self.check_triggers()?);
        findings.extend(self.check_transfers()?);
        findings.extend(self.check_balances()?);
        findings.extend(self.check_conversions(conversion_account)?);
        findings.extend(self.check_reversals()?);
        Ok(VerifySummary {
            entries: count("SELECT count(*) FROM entry")?,
            transfers: count("SELECT count(*) FROM transfer")?,
            balance_rows: count("SELECT count(*) FROM account_balance")?,
            findings,
        })
    }

    /// Runs `sql`, turning each row's text into a finding of `check`.
    fn findings_from(&self, check: &'static str, sql: &str) -> Result<Vec<Finding>, StoreError> {
        let mut statement = self.conn.prepare(sql)?;
        let messages = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(cap(check, messages))
    }

    fn check_integrity(&self) -> Result<Vec<Finding>, StoreError> {
        let mut findings = self.findings_from(
            "integrity",
            "SELECT integrity_check FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
        )?;
        findings.extend(self.findings_from(
            "foreign-keys",
            "SELECT 'row ' || rowid || ' of ' || \"table\" || ' refers to a missing row of ' \
             || parent FROM pragma_foreign_key_check",
        )?);
        Ok(findings)
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
        for trigger in APPEND_ONLY_TRIGGERS {
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

    /// Recomputes the running balances from the transfers and compares every row.
    fn check_balances(&self) -> Result<Vec<Finding>, StoreError> {
        self.findings_from(
            "balances",
            "WITH legs AS (
                 SELECT e.budget_year, t.debit_account_id AS account_id, e.fund,
                        coalesce(e.party, '') AS party, t.currency, e.entry_date AS posted_on,
                        t.amount_minor AS debit_minor, 0 AS credit_minor
                 FROM transfer t JOIN entry e ON e.id = t.entry_id
                 UNION ALL
                 SELECT e.budget_year, t.credit_account_id, e.fund, coalesce(e.party, ''),
                        t.currency, e.entry_date, 0, t.amount_minor
                 FROM transfer t JOIN entry e ON e.id = t.entry_id),
             recomputed AS (
                 SELECT budget_year, account_id, fund, party, currency, posted_on,
                        sum(debit_minor) AS debit_minor, sum(credit_minor) AS credit_minor
                 FROM legs GROUP BY budget_year, account_id, fund, party, currency, posted_on)
             SELECT 'stored balance of ' || coalesce(a.name, 'account ' || k.account_id)
                    || ' (' || k.currency || ', year ' || k.budget_year || ', fund ' || k.fund
                    || ', party ' || CASE k.party WHEN '' THEN '-' ELSE k.party END
                    || ', ' || k.posted_on || ') is debit ' || coalesce(b.debit_minor, 0)
                    || ' credit ' || coalesce(b.credit_minor, 0)
                    || ' but the transfers give debit ' || coalesce(r.debit_minor, 0)
                    || ' credit ' || coalesce(r.credit_minor, 0) || ' (minor units)'
             FROM (SELECT budget_year, account_id, fund, party, currency, posted_on FROM recomputed
                   UNION
                   SELECT budget_year, account_id, fund, party, currency, posted_on
                   FROM account_balance) k
             LEFT JOIN recomputed r USING (budget_year, account_id, fund, party, currency, posted_on)
             LEFT JOIN account_balance b
                 USING (budget_year, account_id, fund, party, currency, posted_on)
             LEFT JOIN account a ON a.id = k.account_id
             WHERE coalesce(r.debit_minor, 0) <> coalesce(b.debit_minor, 0)
                OR coalesce(r.credit_minor, 0) <> coalesce(b.credit_minor, 0)",
        )
    }

    /// In an entry that converts, the CHF through the conversion account must be the other
    /// currency's amount at the recorded rate, rounded half away from zero.
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
        let mut messages = Vec::new();
        let mut index = 0;
        while index < rows.len() {
            let id = rows[index].0;
            let legs: Vec<_> = rows[index..].iter().take_while(|r| r.0 == id).collect();
            index += legs.len();
            let chf = legs.iter().find(|l| l.2 == Currency::CHF.as_str());
            let other = legs.iter().find(|l| l.2 != Currency::CHF.as_str());
            let (Some(chf), Some(other), 2) = (chf, other, legs.len()) else {
                messages.push(format!(
                    "entry {id} records a rate but does not convert one currency into CHF"
                ));
                continue;
            };
            let rate: Result<Rate, _> = other.1.parse();
            let currency: Result<Currency, _> = other.2.parse();
            let (Ok(rate), Ok(currency)) = (rate, currency) else {
                messages.push(format!("entry {id} has an unreadable rate or currency"));
                continue;
            };
            let expected = Money::from_minor(other.3.abs(), currency).convert(rate, Currency::CHF);
            let chf_minor = chf.3.abs();
            if expected.as_ref().map(|m| m.minor()) != Ok(chf_minor) || (chf.3 > 0) == (other.3 > 0)
            {
                messages.push(format!(
                    "entry {id} converts {} at {rate} into CHF {} instead of {}",
                    Money::from_minor(other.3.abs(), currency),
                    Decimal::new(chf_minor, 2),
                    expected.map_or("an amount out of range".into(), |m| m.to_string()),
                ));
            }
        }
        Ok(cap("conversions", messages))
    }

    /// A reversal must mirror its original exactly, in the same year, fund and party, and
    /// must not be dated before it.
    fn check_reversals(&self) -> Result<Vec<Finding>, StoreError> {
        self.findings_from(
            "reversals",
            "WITH legs AS (
                 SELECT entry_id, debit_account_id AS debit, credit_account_id AS credit,
                        amount_minor, currency FROM transfer)
             SELECT 'entry ' || r.id || ' is dated ' || r.entry_date || ', before entry ' || o.id
                    || ' (' || o.entry_date || '), which it reverses'
             FROM entry r JOIN entry o ON o.id = r.reverses
             WHERE r.entry_date < o.entry_date
             UNION ALL
             SELECT 'entry ' || r.id || ' does not mirror entry ' || o.id || ', which it reverses'
             FROM entry r JOIN entry o ON o.id = r.reverses
             WHERE r.budget_year <> o.budget_year OR r.fund <> o.fund
                OR r.party IS NOT o.party
                OR (SELECT group_concat(x, ';') FROM (
                        SELECT debit || '>' || credit || ' ' || amount_minor || currency AS x
                        FROM legs WHERE entry_id = r.id ORDER BY x))
                   IS NOT
                   (SELECT group_concat(x, ';') FROM (
                        SELECT credit || '>' || debit || ' ' || amount_minor || currency AS x
                        FROM legs WHERE entry_id = o.id ORDER BY x))",
        )
    }
}

fn cap(check: &'static str, messages: Vec<String>) -> Vec<Finding> {
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
