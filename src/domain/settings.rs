//! The books' identity: the unit and the convention, the signatory, the bank details and
//! reference to quote with a payment, the pattern of letters' reference numbers, and the rule
//! that gives a State's entry into force. Each key is checked here; the store keeps every
//! value ever set, and the latest of a key is in force.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::party::Language;
use super::DomainError;

/// Every key `settings set` accepts. A key marked `per_language` may also be set for one
/// language with a suffix (`unit_name.fr`); the plain key is for every language without one.
pub struct KeySpec {
    pub key: &'static str,
    pub per_language: bool,
    pub about: &'static str,
}

pub const KEYS: &[KeySpec] = &[
    KeySpec {
        key: "unit_name",
        per_language: true,
        about: "the unit's name, at the head of every letter",
    },
    KeySpec {
        key: "convention_name",
        per_language: true,
        about: "the convention's full name",
    },
    KeySpec {
        key: "convention_short",
        per_language: true,
        about: "the convention's short name (CCM)",
    },
    KeySpec {
        key: "address",
        per_language: true,
        about: "the unit's postal address; lines separated by ' | ' or new lines",
    },
    KeySpec {
        key: "place",
        per_language: true,
        about: "the place letters are dated from (Geneva)",
    },
    KeySpec {
        key: "email",
        per_language: false,
        about: "the unit's e-mail address, the sender of e-mail drafts",
    },
    KeySpec {
        key: "signatory_name",
        per_language: false,
        about: "who signs the letters",
    },
    KeySpec {
        key: "signatory_title",
        per_language: true,
        about: "the signatory's title",
    },
    KeySpec {
        key: "bank_holder",
        per_language: false,
        about: "the account holder",
    },
    KeySpec {
        key: "bank_name",
        per_language: false,
        about: "the bank and its address",
    },
    KeySpec {
        key: "iban",
        per_language: false,
        about: "the account's IBAN (its check digits are checked)",
    },
    KeySpec {
        key: "bic",
        per_language: false,
        about: "the bank's BIC (8 or 11 letters and digits)",
    },
    KeySpec {
        key: "payment_reference",
        per_language: false,
        about: "what a payer quotes; {party} and {year} are filled in",
    },
    KeySpec {
        key: "reference_pattern",
        per_language: false,
        about: "letters' reference numbers, with {n} or {n:03} and optionally {year}",
    },
    KeySpec {
        key: "convention_in_force",
        per_language: false,
        about: "the convention's own entry into force (YYYY-MM-DD)",
    },
    KeySpec {
        key: "in_force_months",
        per_language: false,
        about: "a State's entry into force: the first day of the Nth month after deposit",
    },
    KeySpec {
        key: "payment_days",
        per_language: false,
        about: "the days a letter gives to pay: its due date is its date plus this",
    },
    KeySpec {
        key: "currency",
        per_language: false,
        about: "the book currency (ISO 4217: CHF, USD, EUR), chosen before the first entry",
    },
    KeySpec {
        key: "initial_report_days",
        per_language: false,
        about:
            "Article 7: a State's initial report is due this many days after its entry into force",
    },
    KeySpec {
        key: "annual_report_due",
        per_language: false,
        about:
            "Article 7: the day (MM-DD) of the year after a calendar year its annual update is due",
    },
];

/// A setting's key, checked: a known key, with a language suffix only where one is allowed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SettingKey(String);

impl SettingKey {
    pub fn parse(text: &str) -> Result<SettingKey, DomainError> {
        let text = text.trim();
        let (base, language) = match text.split_once('.') {
            Some((base, language)) => (base, Some(language)),
            None => (text, None),
        };
        let unknown = || DomainError::SettingUnknown {
            key: text.to_string(),
            known: KEYS.iter().map(|k| k.key).collect::<Vec<_>>().join(", "),
        };
        let spec = KEYS.iter().find(|k| k.key == base).ok_or_else(unknown)?;
        if let Some(language) = language {
            if !spec.per_language || language.parse::<Language>().is_err() {
                return Err(unknown());
            }
        }
        Ok(SettingKey(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn base(&self) -> &str {
        self.0.split('.').next().unwrap_or(&self.0)
    }
}

/// Checks a value for `key`; returns it as it is kept (trimmed, an IBAN without spaces and
/// in capitals).
pub fn check_value(key: &SettingKey, value: &str) -> Result<String, DomainError> {
    let value = value.trim();
    let invalid = |why: &str| DomainError::SettingInvalid {
        key: key.as_str().to_string(),
        why: why.to_string(),
    };
    crate::ledger::check_text("value", value)
        .or_else(|e| {
            // A postal address may run over several lines.
            if key.base() == "address" && !value.chars().any(|c| c.is_control() && c != '\n') {
                Ok(())
            } else {
                Err(e)
            }
        })
        .map_err(|e| invalid(&e.to_string()))?;
    if value.chars().count() > 400 {
        return Err(invalid("is longer than 400 characters"));
    }
    match key.base() {
        "iban" => check_iban(value).map_err(|why| invalid(&why)),
        "bic" => {
            let bic = value.to_ascii_uppercase();
            let valid = matches!(bic.len(), 8 | 11)
                && bic.chars().all(|c| c.is_ascii_alphanumeric())
                && bic[..6].chars().all(|c| c.is_ascii_alphabetic());
            if valid {
                Ok(bic)
            } else {
                Err(invalid(
                    "must be 8 or 11 letters and digits, the first six letters (e.g. UBSWCHZH80A)",
                ))
            }
        }
        "reference_pattern" => {
            format_reference(value, 2017, 1).map_err(|why| invalid(&why))?;
            Ok(value.to_string())
        }
        "payment_reference" => {
            let rest = value.replace("{party}", "").replace("{year}", "");
            if rest.contains('{') || rest.contains('}') {
                return Err(invalid("may hold {party} and {year}, and no other braces"));
            }
            Ok(value.to_string())
        }
        "convention_in_force" => {
            let date = super::parse_date(value).map_err(|e| invalid(&e.to_string()))?;
            Ok(date.to_string())
        }
        "in_force_months" => match value.parse::<u32>() {
            Ok(months) if (0..=60).contains(&months) => Ok(months.to_string()),
            _ => Err(invalid("must be a whole number of months from 0 to 60")),
        },
        "payment_days" => match value.parse::<u32>() {
            Ok(days) if days <= 366 => Ok(days.to_string()),
            _ => Err(invalid("must be a whole number of days from 0 to 366")),
        },
        "currency" => value
            .parse::<crate::money::Currency>()
            .map(|currency| currency.to_string())
            .map_err(|e| invalid(&e.to_string())),
        "initial_report_days" => match value.parse::<u32>() {
            Ok(days) if (1..=3_660).contains(&days) => Ok(days.to_string()),
            _ => Err(invalid("must be a whole number of days from 1 to 3660")),
        },
        "annual_report_due" => super::transparency::parse_month_day(value)
            .map(|(month, day)| format!("{month:02}-{day:02}"))
            .map_err(|why| invalid(&why)),
        "email" => {
            if value.contains('@') && !value.chars().any(char::is_whitespace) {
                Ok(value.to_string())
            } else {
                Err(invalid("is not an e-mail address"))
            }
        }
        _ if value.is_empty() => Err(invalid("is empty")),
        _ => Ok(value.to_string()),
    }
}

/// An IBAN without spaces, in capitals, if its check digits are right (ISO 13616: mod 97).
pub fn check_iban(text: &str) -> Result<String, String> {
    let iban: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if iban.len() < 15
        || iban.len() > 34
        || !iban.chars().all(|c| c.is_ascii_alphanumeric())
        || !iban[..2].chars().all(|c| c.is_ascii_alphabetic())
        || !iban[2..4].chars().all(|c| c.is_ascii_digit())
    {
        return Err(
            "is not an IBAN: two letters, two check digits, then up to 30 letters and digits"
                .to_string(),
        );
    }
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let mut remainder: u32 = 0;
    for c in rearranged.chars() {
        let value = c.to_digit(36).ok_or("is not an IBAN")?;
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    if remainder == 1 {
        Ok(iban)
    } else {
        Err("has wrong check digits (mod 97): a typo?".to_string())
    }
}

/// An IBAN in groups of four, as it is printed.
pub fn iban_grouped(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A reference number from `pattern`: `{year}` is the year, `{n}` the number, `{n:03}` the
/// number on three digits at least. A pattern without `{n}` is refused: every letter needs a
/// number of its own.
pub fn format_reference(pattern: &str, year: i32, n: u32) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = pattern;
    let mut numbered = false;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').ok_or("has a '{' without its '}'")? + start;
        let field = &rest[start + 1..end];
        match field {
            "year" => out.push_str(&year.to_string()),
            "n" => {
                numbered = true;
                out.push_str(&n.to_string());
            }
            _ => match field.strip_prefix("n:0").map(str::parse::<usize>) {
                Some(Ok(width)) if (1..=9).contains(&width) => {
                    numbered = true;
                    out.push_str(&format!("{n:0width$}"));
                }
                _ => {
                    return Err(format!(
                        "has an unknown field {{{field}}}: use {{year}}, {{n}} or {{n:03}}"
                    ))
                }
            },
        }
        rest = &rest[end + 1..];
    }
    if rest.contains('}') {
        return Err("has a '}' without its '{'".to_string());
    }
    out.push_str(rest);
    if !numbered {
        return Err(
            "has no {n}: every letter needs a number of its own, e.g. ISU-CCM/{year}/{n:03}"
                .to_string(),
        );
    }
    Ok(out)
}

/// The settings in force, by key, with the built-in defaults of the Convention on Cluster
/// Munitions where none was set.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    values: BTreeMap<String, String>,
}

/// The built-in value of a key in a language.
fn default_value(base: &str, language: Language) -> Option<&'static str> {
    use Language::*;
    Some(match (base, language) {
        ("unit_name", En) => "Implementation Support Unit",
        ("unit_name", Fr) => "Unité d'appui à l'application",
        ("unit_name", Es) => "Dependencia de Apoyo a la Aplicación",
        ("convention_name", En) => "Convention on Cluster Munitions",
        ("convention_name", Fr) => "Convention sur les armes à sous-munitions",
        ("convention_name", Es) => "Convención sobre Municiones en Racimo",
        ("convention_short", _) => "CCM",
        ("place", En) => "Geneva",
        ("place", Fr) => "Genève",
        ("place", Es) => "Ginebra",
        ("signatory_title", En) => "Director, Implementation Support Unit",
        ("signatory_title", Fr) => "Directeur de l'Unité d'appui à l'application",
        ("signatory_title", Es) => "Director de la Dependencia de Apoyo a la Aplicación",
        ("reference_pattern", _) => "ISU/{year}/{n:03}",
        ("convention_in_force", _) => "2010-08-01",
        ("in_force_months", _) => "6",
        ("payment_days", _) => "30",
        ("currency", _) => "CHF",
        ("initial_report_days", _) => "180",
        ("annual_report_due", _) => "04-30",
        _ => return None,
    })
}

impl Identity {
    pub fn from_values(values: BTreeMap<String, String>) -> Identity {
        Identity { values }
    }

    /// The value of `key` for letters in `language`: the key set for the language, else the
    /// plain key, else the built-in default; empty when there is none.
    pub fn get(&self, key: &str, language: Language) -> String {
        self.values
            .get(&format!("{key}.{}", language.as_str()))
            .or_else(|| self.values.get(key))
            .cloned()
            .or_else(|| default_value(key, language).map(str::to_string))
            .unwrap_or_default()
    }

    /// The rule of a State's entry into force.
    pub fn entry_into_force_rule(&self) -> EntryIntoForceRule {
        EntryIntoForceRule {
            convention_on: super::parse_date(&self.get("convention_in_force", Language::En)).ok(),
            months: self
                .get("in_force_months", Language::En)
                .parse()
                .unwrap_or(6),
        }
    }

    /// The rule of Article 7 reports: the days to the initial report and the day of the
    /// annual update.
    pub fn reporting_rule(&self) -> super::transparency::ReportingRule {
        let default = super::transparency::ReportingRule::default();
        super::transparency::ReportingRule {
            initial_days: self
                .get("initial_report_days", Language::En)
                .parse()
                .unwrap_or(default.initial_days),
            annual_due: super::transparency::parse_month_day(
                &self.get("annual_report_due", Language::En),
            )
            .unwrap_or(default.annual_due),
            convention_on: self.entry_into_force_rule().convention_on,
        }
    }

    /// The days a letter gives to pay.
    pub fn payment_days(&self) -> u32 {
        self.get("payment_days", Language::En).parse().unwrap_or(30)
    }

    /// The book currency: budgets, assessments, receivables and spending are in it.
    pub fn currency(&self) -> crate::money::Currency {
        self.get("currency", Language::En)
            .parse()
            .unwrap_or(crate::money::Currency::CHF)
    }
}

/// A State's entry into force (CCM Article 17, APMBC Article 17): the first day of the
/// `months`th month after the month of deposit, and never before the convention's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryIntoForceRule {
    pub convention_on: Option<NaiveDate>,
    pub months: u32,
}

impl Default for EntryIntoForceRule {
    fn default() -> EntryIntoForceRule {
        EntryIntoForceRule {
            convention_on: None,
            months: 6,
        }
    }
}

impl EntryIntoForceRule {
    pub fn in_force_on(&self, deposited: NaiveDate) -> NaiveDate {
        let months = deposited.year() * 12 + deposited.month0() as i32 + self.months as i32;
        let by_deposit =
            NaiveDate::from_ymd_opt(months / 12, (months % 12) as u32 + 1, 1).unwrap_or(deposited);
        match self.convention_on {
            Some(convention) if convention > by_deposit => convention,
            _ => by_deposit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_iban_is_held_to_its_check_digits() {
        assert_eq!(
            check_iban("ch93 0076 2011 6238 5295 7").unwrap(),
            "CH9300762011623852957"
        );
        assert!(check_iban("CH9400762011623852957")
            .unwrap_err()
            .contains("check digits"));
        assert!(check_iban("1234").is_err());
        assert_eq!(
            iban_grouped("CH9300762011623852957"),
            "CH93 0076 2011 6238 5295 7"
        );
    }

    #[test]
    fn a_reference_pattern_needs_its_number() {
        assert_eq!(
            format_reference("ISU-CCM/{year}/{n:03}", 2017, 7).unwrap(),
            "ISU-CCM/2017/007"
        );
        assert_eq!(format_reference("L{n}", 2017, 12).unwrap(), "L12");
        assert!(format_reference("ISU/{year}", 2017, 1)
            .unwrap_err()
            .contains("{n}"));
        assert!(format_reference("ISU/{x}/{n}", 2017, 1).is_err());
        assert!(format_reference("ISU/{n", 2017, 1).is_err());
    }

    #[test]
    fn keys_are_known_and_languages_only_where_allowed() {
        assert!(SettingKey::parse("unit_name").is_ok());
        assert!(SettingKey::parse("unit_name.fr").is_ok());
        assert!(SettingKey::parse("iban.fr").is_err());
        assert!(SettingKey::parse("unit_name.de").is_err());
        assert!(matches!(
            SettingKey::parse("colour"),
            Err(DomainError::SettingUnknown { .. })
        ));
    }

    #[test]
    fn entry_into_force_is_never_before_the_conventions() {
        let rule = EntryIntoForceRule {
            convention_on: Some(date(2010, 8, 1)),
            months: 6,
        };
        assert_eq!(rule.in_force_on(date(2009, 4, 2)), date(2010, 8, 1));
        assert_eq!(rule.in_force_on(date(2011, 3, 9)), date(2011, 9, 1));
        assert_eq!(rule.in_force_on(date(2012, 12, 31)), date(2013, 6, 1));
        assert_eq!(
            EntryIntoForceRule::default().in_force_on(date(2009, 4, 2)),
            date(2009, 10, 1)
        );
    }

    #[test]
    fn identity_falls_back_from_language_to_key_to_default() {
        let mut values = BTreeMap::new();
        values.insert("unit_name".to_string(), "ISU".to_string());
        values.insert("unit_name.fr".to_string(), "UAA".to_string());
        let identity = Identity::from_values(values);
        assert_eq!(identity.get("unit_name", Language::Fr), "UAA");
        assert_eq!(identity.get("unit_name", Language::Es), "ISU");
        assert_eq!(identity.get("place", Language::Es), "Ginebra");
        assert_eq!(identity.get("iban", Language::En), "");
    }
}
