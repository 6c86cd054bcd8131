//! `settings set`, `settings show`, `settings history`: the books' identity.

use clap::Subcommand;

use super::{Context, Outcome};
use crate::domain::settings::KEYS;

/// The keys and what each is for, for `--help`.
pub fn keys_help() -> String {
    let mut help = String::from("Keys (a key marked * may end in .en, .fr or .es):\n");
    for spec in KEYS {
        help.push_str(&format!(
            "  {}{}: {}\n",
            spec.key,
            if spec.per_language { "*" } else { "" },
            spec.about
        ));
    }
    help
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Set one key (kept with who and when; the earlier value stays in the history)
    #[command(after_help = keys_help())]
    Set {
        /// The key, e.g. unit_name, unit_name.fr, iban, reference_pattern
        key: String,
        /// The value
        value: String,
    },
    /// The values in force, and the built-in defaults of the keys not set
    Show,
    /// Every value ever set, oldest first, with who set it and when
    History,
}

pub fn run(context: &Context, command: SettingsCommand) -> anyhow::Result<Outcome> {
    match command {
        SettingsCommand::Set { key, value } => {
            let mut books = context.books()?;
            let changed = books.set_setting(context.actor.clone(), &key, &value)?;
            let shown = books
                .settings(false)?
                .settings
                .into_iter()
                .find(|line| line.key == key.trim())
                .map(|line| line.value)
                .unwrap_or(value);
            if changed {
                context.say(format!("set {} to {shown}", key.trim()))?;
            } else {
                context.say(format!(
                    "{} is already {shown}; nothing written",
                    key.trim()
                ))?;
            }
        }
        SettingsCommand::Show => {
            let books = context.books()?;
            context.print(&books.settings(false)?)?;
        }
        SettingsCommand::History => {
            let books = context.books()?;
            context.print(&books.settings(true)?)?;
        }
    }
    Ok(Outcome::Done)
}
