//! The `account` table as a chart of accounts: declaring an account before the generic
//! import may post to it, and telling whether one is open.
//!
//! The program's own commands open the accounts their rules name on first use (a party's
//! receivable, the bank account of a currency); `record_entry` does that. The generic
//! import posts only to accounts already open, so that a mistyped name is refused rather
//! than opened.

use rusqlite::{params, OptionalExtension};

use super::{StoreError, Tx};
use crate::domain::accounts::nearest_first;
use crate::ledger::AccountName;

impl Tx<'_> {
    /// Opens `name` (`account add`); refuses a name already open.
    pub fn declare_account(&self, name: &AccountName) -> Result<(), StoreError> {
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO account (name, type, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO NOTHING",
            )?
            .execute(params![
                name.as_str(),
                name.account_type().as_str(),
                self.actor.at
            ])?;
        if inserted == 0 {
            return Err(StoreError::AccountExists { name: name.clone() });
        }
        Ok(())
    }

    /// Checks that `name` is open, naming the open accounts of its type, closest first,
    /// when it is not.
    pub fn check_account_open(&self, name: &AccountName) -> Result<(), StoreError> {
        if self.account_ids.borrow().contains_key(name.as_str()) {
            return Ok(());
        }
        let id: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM account WHERE name = ?1")?
            .query_row([name.as_str()], |row| row.get(0))
            .optional()?;
        if let Some(id) = id {
            self.account_ids
                .borrow_mut()
                .insert(name.as_str().to_string(), id);
            return Ok(());
        }
        let kind = name.account_type().as_str();
        let known: Vec<String> = self
            .tx
            .prepare_cached("SELECT name FROM account WHERE type = ?1 ORDER BY name")?
            .query_map([kind], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let (nearest, more) = nearest_first(name.as_str(), &known);
        let known = if nearest.is_empty() {
            format!("no account under {kind} is open yet")
        } else {
            format!(
                "known accounts under {kind}: {}{}",
                nearest.join(", "),
                if more { ", …" } else { "" }
            )
        };
        Err(StoreError::AccountNotOpen {
            name: name.clone(),
            known,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Actor, Store};

    fn actor() -> Actor {
        Actor::test("2017-03-01T00:00:00Z")
    }

    fn name(text: &str) -> AccountName {
        text.parse().unwrap()
    }

    #[test]
    fn a_declared_account_is_open_and_cannot_be_declared_again() {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(actor()).unwrap();
        let travel = name("expenses:travel");
        assert!(matches!(
            tx.check_account_open(&travel),
            Err(StoreError::AccountNotOpen { .. })
        ));
        tx.declare_account(&travel).unwrap();
        tx.check_account_open(&travel).unwrap();
        let error = tx.declare_account(&travel).unwrap_err();
        assert_eq!(
            error.to_string(),
            "account expenses:travel already exists",
            "{error}"
        );
        tx.commit().unwrap();
        let listed = store.accounts().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, travel);
    }

    #[test]
    fn an_account_not_open_is_named_with_the_nearest_open_ones_of_its_type() {
        let mut store = Store::in_memory().unwrap();
        let tx = store.begin(actor()).unwrap();
        let error = tx
            .check_account_open(&name("expenses:travle"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("no account under expenses is open yet"),
            "{error}"
        );
        for account in ["expenses:staff", "expenses:travel", "income:interest"] {
            tx.declare_account(&name(account)).unwrap();
        }
        let error = tx
            .check_account_open(&name("expenses:travle"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "account expenses:travle is not open; declare it with \
             `isu-ledger account add expenses:travle` \
             (known accounts under expenses: expenses:travel, expenses:staff)"
        );
    }
}
