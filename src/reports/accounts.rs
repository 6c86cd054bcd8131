//! `accounts`: the chart of accounts opened so far.

use serde::Serialize;

use crate::ledger::{AccountName, AccountType};
use crate::store::AccountRow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountEntry {
    pub account: AccountName,
    #[serde(rename = "type")]
    pub account_type: AccountType,
    pub opened_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountList {
    pub accounts: Vec<AccountEntry>,
}

pub fn account_list(rows: Vec<AccountRow>) -> AccountList {
    AccountList {
        accounts: rows
            .into_iter()
            .map(|row| AccountEntry {
                account: row.name,
                account_type: row.account_type,
                opened_at: row.created_at,
            })
            .collect(),
    }
}
