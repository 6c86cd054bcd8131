//! The chart of accounts: declaring an account for the generic import, listing those open.

use super::Books;
use crate::ledger::AccountName;
use crate::reports::accounts::{account_list, AccountList};
use crate::store::Actor;

impl Books {
    /// Opens `name` in its own transaction, so that `import` may post to it; an account
    /// already open is refused.
    pub fn declare_account(&mut self, actor: Actor, name: &AccountName) -> anyhow::Result<()> {
        let tx = self.store.begin(actor)?;
        tx.declare_account(name)?;
        tx.commit()?;
        Ok(())
    }

    /// The accounts opened so far.
    pub fn account_list(&self) -> anyhow::Result<AccountList> {
        Ok(account_list(self.store.accounts()?))
    }
}
