//! The `budget` and `budget_line` tables, every approval of a year's budget, and
//! `budget_withdrawal`, the versions withdrawn: reports use the latest version in force that
//! was not withdrawn.

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::corrupt;
use super::{text_to_date, Store, StoreError, Tx};
use crate::domain::budget::{Budget, BudgetLine, VersionState};
use crate::money::{Currency, Money};

/// A stored approval of a budget, numbered per year from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetVersion {
    pub version: i64,
    pub budget: Budget,
    /// Why it was withdrawn, if it was.
    pub withdrawn: Option<String>,
}

impl BudgetVersion {
    /// The version as the rules of `domain::budget` see it.
    pub fn state(&self) -> VersionState {
        VersionState {
            version: self.version,
            approved_on: self.budget.approved_on,
            withdrawn: self.withdrawn.clone(),
        }
    }
}

fn load_versions(conn: &Connection, year: i32) -> Result<Vec<BudgetVersion>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT b.version, b.currency, b.total_minor, b.approved_by, b.approved_on, w.reason
         FROM budget b
         LEFT JOIN budget_withdrawal w ON w.year = b.year AND w.version = b.version
         WHERE b.year = ?1 ORDER BY b.version",
    )?;
    let heads = statement
        .query_map([year], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, Option<String>>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut lines_statement = conn.prepare_cached(
        "SELECT name, amount_minor FROM budget_line
         WHERE year = ?1 AND version = ?2 ORDER BY rowid",
    )?;
    let mut versions = Vec::with_capacity(heads.len());
    for (version, currency, total_minor, approved_by, approved_on, withdrawn) in heads {
        let currency: Currency = currency.parse().map_err(corrupt)?;
        let lines = lines_statement
            .query_map(params![year, version], |row| {
                Ok(BudgetLine {
                    name: row.get(0)?,
                    amount: Money::from_minor(row.get(1)?, currency),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        versions.push(BudgetVersion {
            version,
            budget: Budget {
                year,
                total: Money::from_minor(total_minor, currency),
                approved_by,
                approved_on: text_to_date(&approved_on)?,
                lines,
            },
            withdrawn,
        });
    }
    Ok(versions)
}

impl Store {
    /// Every approval of the year's budget, oldest first, withdrawn ones included.
    pub fn budget_versions(&self, year: i32) -> Result<Vec<BudgetVersion>, StoreError> {
        load_versions(&self.conn, year)
    }

    /// The budget in force on `date`: the latest approved on or before it and not
    /// withdrawn.
    pub fn budget_in_force(
        &self,
        year: i32,
        date: NaiveDate,
    ) -> Result<Option<BudgetVersion>, StoreError> {
        in_force(&self.conn, year, date)
    }
}

fn in_force(
    conn: &Connection,
    year: i32,
    date: NaiveDate,
) -> Result<Option<BudgetVersion>, StoreError> {
    Ok(load_versions(conn, year)?
        .into_iter()
        .filter(|v| v.budget.approved_on <= date && v.withdrawn.is_none())
        .max_by_key(|v| (v.budget.approved_on, v.version)))
}

impl Tx<'_> {
    pub fn budget_in_force(
        &self,
        year: i32,
        date: NaiveDate,
    ) -> Result<Option<BudgetVersion>, StoreError> {
        in_force(&self.tx, year, date)
    }

    /// Every approval of the year's budget, oldest first, withdrawn ones included.
    pub fn budget_versions(&self, year: i32) -> Result<Vec<BudgetVersion>, StoreError> {
        load_versions(&self.tx, year)
    }

    /// Records that `version` of the year's budget is withdrawn.
    pub fn insert_budget_withdrawal(
        &self,
        year: i32,
        version: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO budget_withdrawal (year, version, reason, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![year, version, reason, self.actor.at, self.actor.user],
        )?;
        Ok(())
    }

    /// Records an approval of a budget; returns its version (2 and up for a revision).
    pub fn insert_budget(&self, budget: &Budget) -> Result<i64, StoreError> {
        let version: i64 = self.tx.query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM budget WHERE year = ?1",
            [budget.year],
            |row| row.get(0),
        )?;
        self.tx.execute(
            "INSERT INTO budget (year, version, currency, total_minor, approved_by, approved_on,
                                 created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                budget.year,
                version,
                budget.total.currency().as_str(),
                budget.total.minor(),
                budget.approved_by,
                budget.approved_on.to_string(),
                self.actor.at,
                self.actor.user,
            ],
        )?;
        for line in &budget.lines {
            self.tx.execute(
                "INSERT INTO budget_line (year, version, name, amount_minor)
                 VALUES (?1, ?2, ?3, ?4)",
                params![budget.year, version, line.name, line.amount.minor()],
            )?;
        }
        Ok(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::budget::parse_line;
    use crate::store::Actor;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn budget(total: &str, on: NaiveDate, lines: &[&str]) -> Budget {
        let lines = lines
            .iter()
            .map(|l| parse_line(l, Currency::CHF).unwrap())
            .collect();
        Budget::new(
            2017,
            Money::parse(total, Currency::CHF).unwrap(),
            None,
            on,
            lines,
        )
        .unwrap()
    }

    #[test]
    fn a_withdrawn_version_is_kept_but_never_in_force() {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(Actor::test("2017-01-01T00:00:00Z")).unwrap();
        let first = budget("100", day(2016, 9, 7), &["staff=60", "travel=40"]);
        let second = budget("120", day(2016, 11, 1), &["staff=120"]);
        assert_eq!(tx.insert_budget(&first).unwrap(), 1);
        assert_eq!(tx.insert_budget(&second).unwrap(), 2);
        let on = day(2017, 6, 27);
        assert_eq!(tx.budget_in_force(2017, on).unwrap().unwrap().version, 2);
        assert_eq!(tx.budget_lines(2017).unwrap(), ["staff"]);

        tx.insert_budget_withdrawal(2017, 2, "typo").unwrap();
        assert_eq!(tx.budget_in_force(2017, on).unwrap().unwrap().version, 1);
        assert_eq!(tx.budget_lines(2017).unwrap(), ["staff", "travel"]);
        let versions = tx.budget_versions(2017).unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[1].withdrawn.as_deref(), Some("typo"));
        assert_eq!(versions[0].state().withdrawn, None);
        // Withdrawn twice is refused by the table itself.
        assert!(tx.insert_budget_withdrawal(2017, 2, "again").is_err());

        tx.insert_budget_withdrawal(2017, 1, "typo").unwrap();
        assert_eq!(tx.budget_in_force(2017, on).unwrap(), None);
        assert!(tx.budget_lines(2017).unwrap().is_empty());
    }
}
