//! `account add`, `account list`: the chart of accounts. The generic `import` posts only
//! to accounts that are open, so an account it needs is declared here first.

use clap::Subcommand;

use super::{Context, Outcome};
use crate::ledger::AccountName;

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Declare an account, so that `import` may post to it; its type is its first segment
    #[command(
        after_help = "NAME is hierarchical, in the plain-text accounting style: its first \
segment is its type (assets, liabilities, equity, income or expenses), the others hold letters, \
digits, '-' and '_' (expenses:travel, income:interest, assets:bank:eur).\n\n\
The program's own commands open the accounts they post to (a party's receivable, the bank \
account of a currency); the generic `import` posts only to accounts already open, so that a \
mistyped name is refused rather than opened. An account already open is refused."
    )]
    Add {
        /// The account, e.g. expenses:travel
        name: String,
    },
    /// List the accounts open so far (the same as `accounts`)
    List,
}

pub fn run(context: &Context, command: AccountCommand) -> anyhow::Result<Outcome> {
    match command {
        AccountCommand::Add { name } => {
            let name: AccountName = name.parse()?;
            let mut books = context.books()?;
            books.declare_account(context.actor.clone(), &name)?;
            context.say(format!(
                "opened account {name} ({})",
                name.account_type().as_str()
            ))?;
            Ok(Outcome::Done)
        }
        AccountCommand::List => super::reports::accounts(context),
    }
}
