//! Parties: the States (and organisations) that contribute, with their treaty dates and
//! how to write to them.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::settings::EntryIntoForceRule;
use super::{countries, DomainError};
use crate::ledger::PartyCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PartyKind {
    #[serde(rename = "state-party")]
    StateParty,
    #[serde(rename = "signatory")]
    Signatory,
    #[serde(rename = "non-party")]
    NonParty,
    #[serde(rename = "organisation")]
    Organisation,
}

impl PartyKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            PartyKind::StateParty => "state-party",
            PartyKind::Signatory => "signatory",
            PartyKind::NonParty => "non-party",
            PartyKind::Organisation => "organisation",
        }
    }

    pub fn is_state(&self) -> bool {
        !matches!(self, PartyKind::Organisation)
    }
}

impl FromStr for PartyKind {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<PartyKind, DomainError> {
        match text.trim() {
            "state-party" => Ok(PartyKind::StateParty),
            "signatory" => Ok(PartyKind::Signatory),
            "non-party" => Ok(PartyKind::NonParty),
            "organisation" => Ok(PartyKind::Organisation),
            other => Err(DomainError::PartyKindUnknown {
                kind: other.to_string(),
            }),
        }
    }
}

impl fmt::Display for PartyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The language letters to a party are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Fr,
    Es,
}

impl Language {
    pub fn as_str(&self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::Es => "es",
        }
    }
}

impl FromStr for Language {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Language, DomainError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Language::En),
            "fr" => Ok(Language::Fr),
            "es" => Ok(Language::Es),
            _ => Err(DomainError::LanguageUnknown {
                language: text.to_string(),
            }),
        }
    }
}

/// A party as the ledger knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub code: PartyCode,
    pub name: String,
    pub kind: PartyKind,
    pub deposited_on: Option<NaiveDate>,
    pub in_force_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub language: Language,
}

/// What a user gives to add a party, before the rules fill in and check the rest.
#[derive(Debug, Clone, Default)]
pub struct PartyInput {
    pub code: String,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub deposited_on: Option<NaiveDate>,
    pub in_force_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub language: Option<String>,
}

impl Party {
    /// Checks a new party: a State needs an ISO 3166 alpha-3 code; the name defaults to the
    /// UN short name; entry into force defaults to the treaty rule from the deposit date.
    pub fn new(input: PartyInput) -> Result<Party, DomainError> {
        Party::with_rule(input, &EntryIntoForceRule::default())
    }

    /// Checks a new party as `new` does, its entry into force given by `rule` (the books'
    /// rule: the convention's own entry into force comes first).
    pub fn with_rule(input: PartyInput, rule: &EntryIntoForceRule) -> Result<Party, DomainError> {
        let code: PartyCode = input.code.parse()?;
        let kind = match input.kind.as_deref().map(str::trim) {
            None | Some("") => PartyKind::StateParty,
            Some(kind) => kind.parse()?,
        };
        let country = countries::find(code.as_str());
        if kind.is_state() && country.is_none() {
            return Err(DomainError::PartyCodeNotIso {
                code: input.code.trim().to_string(),
            });
        }
        let name = match non_empty(input.name) {
            Some(name) => name,
            None if kind == PartyKind::Organisation => {
                return Err(DomainError::OrganisationNeedsName)
            }
            None => country
                .map(|c| c.name_en.clone())
                .ok_or(DomainError::PartyNameEmpty)?,
        };
        crate::ledger::check_text("name", &name)?;
        let in_force_on = match (input.deposited_on, input.in_force_on) {
            (Some(deposited), Some(in_force)) if in_force < deposited => {
                return Err(DomainError::InForceBeforeDeposit {
                    deposited,
                    in_force,
                })
            }
            (Some(deposited), None) if kind == PartyKind::StateParty => {
                Some(rule.in_force_on(deposited))
            }
            (_, in_force) => in_force,
        };
        let email = non_empty(input.email);
        if let Some(email) = &email {
            check_email(email)?;
        }
        let language = match non_empty(input.language) {
            Some(language) => language.parse()?,
            None => Language::En,
        };
        Ok(Party {
            code,
            name,
            kind,
            deposited_on: input.deposited_on,
            in_force_on,
            address: non_empty(input.address),
            email,
            language,
        })
    }

    /// Whether the party is expected to contribute to the budget on `date`: a State
    /// Party for which the convention is in force by then. A State Party with no
    /// recorded dates is taken to be in force.
    pub fn is_expected_to_contribute(&self, date: NaiveDate) -> bool {
        self.kind == PartyKind::StateParty && self.in_force_on.is_none_or(|d| d <= date)
    }
}

/// What a user gives to change a party: only the fields given change; an empty address or
/// e-mail clears it.
#[derive(Debug, Clone, Default)]
pub struct PartyUpdate {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub deposited_on: Option<NaiveDate>,
    pub in_force_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub language: Option<String>,
}

impl PartyUpdate {
    /// The same fields as what is given to add party `code`.
    pub fn for_new_party(self, code: String) -> PartyInput {
        PartyInput {
            code,
            name: self.name,
            kind: self.kind,
            deposited_on: self.deposited_on,
            in_force_on: self.in_force_on,
            address: self.address,
            email: self.email,
            language: self.language,
        }
    }
}

/// A change of a party's record, checked: the fields that change, with their new values
/// (`Some("")` clears an address or an e-mail).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyChange {
    pub name: Option<String>,
    pub kind: Option<PartyKind>,
    pub deposited_on: Option<NaiveDate>,
    pub in_force_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub language: Option<Language>,
}

impl PartyChange {
    /// The names of the fields that change, for the history: "address, email".
    pub fn changed(&self) -> String {
        let mut fields = Vec::new();
        let mut add = |given: bool, name: &'static str| {
            if given {
                fields.push(name);
            }
        };
        add(self.name.is_some(), "name");
        add(self.kind.is_some(), "kind");
        add(self.deposited_on.is_some(), "deposited");
        add(self.in_force_on.is_some(), "in_force");
        add(self.address.is_some(), "address");
        add(self.email.is_some(), "email");
        add(self.language.is_some(), "language");
        fields.join(", ")
    }

    pub fn is_empty(&self) -> bool {
        *self == PartyChange::default()
    }
}

impl Party {
    /// The change `update` makes to this party, checked as a new party is: only the fields
    /// whose value differs. A signatory (or non-party) given a deposit date becomes a State
    /// Party, in force by `rule` unless a date is given. Nothing to change is refused.
    pub fn change(
        &self,
        update: PartyUpdate,
        rule: &EntryIntoForceRule,
    ) -> Result<PartyChange, DomainError> {
        let mut input = PartyInput {
            code: self.code.to_string(),
            name: Some(non_empty(update.name).unwrap_or_else(|| self.name.clone())),
            kind: Some(
                non_empty(update.kind.clone()).unwrap_or_else(|| self.kind.as_str().to_string()),
            ),
            deposited_on: update.deposited_on.or(self.deposited_on),
            in_force_on: update.in_force_on,
            address: match &update.address {
                Some(address) => Some(address.clone()),
                None => self.address.clone(),
            },
            email: match &update.email {
                Some(email) => Some(email.clone()),
                None => self.email.clone(),
            },
            language: Some(
                non_empty(update.language).unwrap_or_else(|| self.language.as_str().to_string()),
            ),
        };
        // Ratification: a deposit date makes a signatory or non-party a State Party.
        if update.deposited_on.is_some()
            && update.kind.is_none()
            && matches!(self.kind, PartyKind::Signatory | PartyKind::NonParty)
        {
            input.kind = Some(PartyKind::StateParty.as_str().to_string());
        }
        // The entry into force follows a new deposit date unless one is given.
        if input.in_force_on.is_none() && update.deposited_on.is_none() {
            input.in_force_on = self.in_force_on;
        }
        let new = Party::with_rule(input, rule)?;
        let differs = |a: &Option<String>, b: &Option<String>| a != b;
        let change = PartyChange {
            name: (new.name != self.name).then(|| new.name.clone()),
            kind: (new.kind != self.kind).then_some(new.kind),
            deposited_on: new.deposited_on.filter(|d| Some(*d) != self.deposited_on),
            in_force_on: new.in_force_on.filter(|d| Some(*d) != self.in_force_on),
            address: differs(&new.address, &self.address)
                .then(|| new.address.clone().unwrap_or_default()),
            email: differs(&new.email, &self.email).then(|| new.email.clone().unwrap_or_default()),
            language: (new.language != self.language).then_some(new.language),
        };
        if change.is_empty() {
            return Err(DomainError::PartyUnchanged {
                code: self.code.to_string(),
            });
        }
        Ok(change)
    }

    /// This party with `change` applied.
    pub fn apply(&mut self, change: &PartyChange) {
        if let Some(name) = &change.name {
            self.name = name.clone();
        }
        if let Some(kind) = change.kind {
            self.kind = kind;
        }
        if let Some(date) = change.deposited_on {
            self.deposited_on = Some(date);
        }
        if let Some(date) = change.in_force_on {
            self.in_force_on = Some(date);
        }
        if let Some(address) = &change.address {
            self.address = non_empty(Some(address.clone()));
        }
        if let Some(email) = &change.email {
            self.email = non_empty(Some(email.clone()));
        }
        if let Some(language) = change.language {
            self.language = language;
        }
    }

    /// The lines of the mission's postal address: the address as given on several lines, or
    /// one line cut at its commas.
    pub fn address_lines(&self) -> Vec<String> {
        let Some(address) = &self.address else {
            return Vec::new();
        };
        let separator = if address.contains('\n') {
            '\n'
        } else if address.contains('|') {
            '|'
        } else {
            ','
        };
        address
            .split(separator)
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Entry into force for a State that deposits after the convention is in force (CCM and
/// APMBC Article 17): the first day of the sixth month after the month of deposit.
pub fn entry_into_force(deposited: NaiveDate) -> NaiveDate {
    let months = deposited.year() * 12 + deposited.month0() as i32 + 6;
    NaiveDate::from_ymd_opt(months / 12, (months % 12) as u32 + 1, 1)
        .expect("the first of a month is a valid date")
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

fn check_email(email: &str) -> Result<(), DomainError> {
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c == ',')
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(DomainError::EmailInvalid {
            email: email.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn input(code: &str) -> PartyInput {
        PartyInput {
            code: code.into(),
            ..PartyInput::default()
        }
    }

    #[test]
    fn entry_into_force_is_the_first_of_the_sixth_month_after_deposit() {
        assert_eq!(entry_into_force(date(2011, 3, 9)), date(2011, 9, 1));
        assert_eq!(entry_into_force(date(2017, 5, 20)), date(2017, 11, 1));
        assert_eq!(entry_into_force(date(2017, 7, 10)), date(2018, 1, 1));
        assert_eq!(entry_into_force(date(2012, 12, 31)), date(2013, 6, 1));
    }

    #[test]
    fn a_state_gets_its_un_name_and_in_force_date_by_default() {
        let party = Party::new(PartyInput {
            deposited_on: Some(date(2012, 7, 17)),
            ..input("che")
        })
        .unwrap();
        assert_eq!(party.code.as_str(), "CHE");
        assert_eq!(party.name, "Switzerland");
        assert_eq!(party.kind, PartyKind::StateParty);
        assert_eq!(party.in_force_on, Some(date(2013, 1, 1)));
        assert_eq!(party.language, Language::En);
        assert!(party.is_expected_to_contribute(date(2013, 1, 1)));
        assert!(!party.is_expected_to_contribute(date(2012, 12, 31)));
    }

    #[test]
    fn each_rule_rejects_its_case() {
        assert_eq!(
            Party::new(input("XYZ")),
            Err(DomainError::PartyCodeNotIso { code: "XYZ".into() })
        );
        assert!(matches!(
            Party::new(input("D E")),
            Err(DomainError::Ledger(_))
        ));
        assert!(matches!(
            Party::new(PartyInput {
                kind: Some("observer".into()),
                ..input("DEU")
            }),
            Err(DomainError::PartyKindUnknown { .. })
        ));
        assert!(matches!(
            Party::new(PartyInput {
                language: Some("de".into()),
                ..input("DEU")
            }),
            Err(DomainError::LanguageUnknown { .. })
        ));
        assert!(matches!(
            Party::new(PartyInput {
                email: Some("mission at example.org".into()),
                ..input("DEU")
            }),
            Err(DomainError::EmailInvalid { .. })
        ));
        assert!(matches!(
            Party::new(PartyInput {
                deposited_on: Some(date(2010, 1, 1)),
                in_force_on: Some(date(2009, 1, 1)),
                ..input("DEU")
            }),
            Err(DomainError::InForceBeforeDeposit { .. })
        ));
        assert_eq!(
            Party::new(PartyInput {
                kind: Some("organisation".into()),
                ..input("ICRC")
            }),
            Err(DomainError::OrganisationNeedsName)
        );
    }

    #[test]
    fn a_signatory_that_ratifies_becomes_a_state_party_in_force_by_the_rule() {
        let rule = EntryIntoForceRule {
            convention_on: Some(date(2010, 8, 1)),
            months: 6,
        };
        let mut party = Party::new(PartyInput {
            kind: Some("signatory".into()),
            address: Some("Old road 1, Geneva".into()),
            ..input("AUT")
        })
        .unwrap();
        let change = party
            .change(
                PartyUpdate {
                    deposited_on: Some(date(2009, 4, 2)),
                    ..PartyUpdate::default()
                },
                &rule,
            )
            .unwrap();
        assert_eq!(change.kind, Some(PartyKind::StateParty));
        assert_eq!(change.in_force_on, Some(date(2010, 8, 1)));
        assert_eq!(change.changed(), "kind, deposited, in_force");
        party.apply(&change);
        assert_eq!(party.address_lines(), ["Old road 1", "Geneva"]);
        assert!(matches!(
            party.change(
                PartyUpdate {
                    address: Some("Old road 1, Geneva".into()),
                    ..PartyUpdate::default()
                },
                &rule
            ),
            Err(DomainError::PartyUnchanged { .. })
        ));
        assert!(matches!(
            party.change(
                PartyUpdate {
                    in_force_on: Some(date(2009, 1, 1)),
                    ..PartyUpdate::default()
                },
                &rule
            ),
            Err(DomainError::InForceBeforeDeposit { .. })
        ));
        let cleared = party
            .change(
                PartyUpdate {
                    address: Some(String::new()),
                    ..PartyUpdate::default()
                },
                &rule,
            )
            .unwrap();
        assert_eq!(cleared.address, Some(String::new()));
    }

    #[test]
    fn an_organisation_needs_no_iso_code() {
        let party = Party::new(PartyInput {
            kind: Some("organisation".into()),
            name: Some("European Union".into()),
            email: Some("finance@example.org".into()),
            language: Some("FR".into()),
            ..input("EU")
        })
        .unwrap();
        assert_eq!(party.kind, PartyKind::Organisation);
        assert_eq!(party.language, Language::Fr);
        assert!(!party.is_expected_to_contribute(date(2017, 1, 1)));
    }
}
