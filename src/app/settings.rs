//! The books' identity: setting a key, showing the values in force and their history.

use super::Books;
use crate::domain::settings::{check_value, Identity, SettingKey, KEYS};
use crate::money::Currency;
use crate::reports::correspondence::{SettingLine, SettingsList};
use crate::store::{Actor, Tx};

/// The book currency is chosen before the first entry or budget: every amount already
/// booked is in it, so it cannot change afterwards.
fn check_currency_change(tx: &Tx<'_>, key: &SettingKey, value: &str) -> anyhow::Result<()> {
    if key.as_str() != "currency" {
        return Ok(());
    }
    let current = tx.currency()?;
    if current.as_str() != value && tx.has_entries()? {
        anyhow::bail!(
            "the book currency is {current} and the ledger has entries kept in it: it cannot \
             change to {value} (start a new ledger with `init --currency {value}`)"
        );
    }
    Ok(())
}

/// Each `KEY=VALUE` of `pairs` checked (a known key, a value that passes its check), in
/// their order; the first that does not is refused.
pub(super) fn checked_settings(
    pairs: &[(String, String)],
) -> anyhow::Result<Vec<(SettingKey, String)>> {
    pairs
        .iter()
        .map(|(key, value)| {
            let key = SettingKey::parse(key)?;
            let value = check_value(&key, value)?;
            Ok((key, value))
        })
        .collect()
}

impl Books {
    /// Sets one key of the books' identity; returns whether it changed. An unknown key or a
    /// value that does not pass its check is refused before anything is written.
    pub fn set_setting(&mut self, actor: Actor, key: &str, value: &str) -> anyhow::Result<bool> {
        let key = SettingKey::parse(key)?;
        let value = check_value(&key, value)?;
        let tx = self.store.begin(actor)?;
        check_currency_change(&tx, &key, &value)?;
        let changed = tx.set_setting(&key, &value)?;
        tx.commit()?;
        Ok(changed)
    }

    /// The books' identity in force.
    pub fn identity(&self) -> anyhow::Result<Identity> {
        Ok(self.store.identity()?)
    }

    /// The book currency: budgets, assessments, what States owe and spending are kept in
    /// it; other currencies are converted into it at a rate.
    pub fn currency(&self) -> anyhow::Result<Currency> {
        Ok(self.store.currency()?)
    }

    /// Every key with its value in force (the built-in default where none was set), or with
    /// `history` every value ever set.
    pub fn settings(&self, history: bool) -> anyhow::Result<SettingsList> {
        if history {
            let settings = self
                .store
                .setting_history()?
                .into_iter()
                .map(|row| SettingLine {
                    key: row.key,
                    value: row.value,
                    default: false,
                    set_at: row.set_at,
                    set_by: row.set_by,
                })
                .collect();
            return Ok(SettingsList { history, settings });
        }
        let set = self.store.settings()?;
        let identity = self.store.identity()?;
        let mut settings = Vec::new();
        for spec in KEYS {
            let languages: &[Option<crate::domain::party::Language>] = if spec.per_language {
                &[
                    None,
                    Some(crate::domain::party::Language::En),
                    Some(crate::domain::party::Language::Fr),
                    Some(crate::domain::party::Language::Es),
                ]
            } else {
                &[None]
            };
            for language in languages {
                let key = match language {
                    Some(language) => format!("{}.{}", spec.key, language.as_str()),
                    None => spec.key.to_string(),
                };
                let line = match set.get(&key) {
                    Some(row) => SettingLine {
                        key,
                        value: row.value.clone(),
                        default: false,
                        set_at: row.set_at.clone(),
                        set_by: row.set_by.clone(),
                    },
                    None => {
                        let value = identity.get(
                            spec.key,
                            language.unwrap_or(crate::domain::party::Language::En),
                        );
                        // A language's line is shown only when it says something the plain
                        // key does not.
                        let plain = identity.get(spec.key, crate::domain::party::Language::En);
                        if language.is_some() && (value.is_empty() || value == plain) {
                            continue;
                        }
                        SettingLine {
                            key,
                            value,
                            default: true,
                            set_at: String::new(),
                            set_by: String::new(),
                        }
                    }
                };
                settings.push(line);
            }
        }
        Ok(SettingsList { history, settings })
    }
}
