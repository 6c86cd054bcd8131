//! Reminder letters, from templates: the defaults in `reports/letter-{en,fr,es}.txt` are
//! built into the binary; `letters --template FILE` replaces them.

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::domain::party::Language;

const LETTER_EN: &str = include_str!("../../reports/letter-en.txt");
const LETTER_FR: &str = include_str!("../../reports/letter-fr.txt");
const LETTER_ES: &str = include_str!("../../reports/letter-es.txt");

/// One year's line in a letter; amounts already in the Swiss format.
#[derive(Debug, Clone, Serialize)]
pub struct LetterLine {
    pub year: i32,
    pub assessed: String,
    pub received: String,
    pub outstanding: String,
    /// The day it fell or falls due, written in the letter's language; empty if unknown.
    pub due: String,
}

/// What a letter template is given.
#[derive(Debug, Clone, Serialize)]
pub struct LetterContext {
    pub party: String,
    pub name: String,
    pub formal_name: String,
    /// The formal name after "to" in the letter's language: "to the Swiss Confederation",
    /// "au Royaume de Belgique", "al Reino de España".
    pub formal_name_to: String,
    /// The formal name after "of": "of the Swiss Confederation", "du Royaume de
    /// Belgique", "del Reino de España".
    pub formal_name_of: String,
    pub address: Option<String>,
    pub email: Option<String>,
    pub language: String,
    pub year: i32,
    /// The date of the letter, written in its language: "27 June 2017", "27 juin 2017",
    /// "27 de junio de 2017".
    pub date: String,
    /// The same date as YYYY-MM-DD.
    pub date_iso: String,
    pub level: u32,
    pub lines: Vec<LetterLine>,
    /// What the letter asks for: what is owed less the credit held.
    pub total: String,
    pub credit: String,
    /// Whether a credit held was deducted from what is owed.
    pub credit_deducted: bool,
    pub currency: String,
}

/// The work a template may do for one letter (minijinja's fuel: about one unit per
/// instruction): a hundred times what the longest built-in letter needs, and done in well
/// under a second.
pub const TEMPLATE_FUEL_MAX: u64 = 2_000_000;

/// The longest letter a template may write: 1 MiB, a few hundred pages.
pub const LETTER_BYTES_MAX: usize = 1 << 20;

/// The letter templates: the built-in ones per language, or one given template.
pub struct LetterTemplates {
    environment: Environment<'static>,
    custom: Option<String>,
}

/// A template that does not parse or render, with its name and line.
#[derive(Debug, thiserror::Error)]
#[error("template {name}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
pub struct TemplateError {
    pub name: String,
    pub line: Option<usize>,
    pub message: String,
}

fn template_error(name: &str, error: minijinja::Error) -> TemplateError {
    TemplateError {
        name: name.to_string(),
        line: error.line(),
        message: error.detail().map_or_else(
            || error.kind().to_string(),
            |d| format!("{}: {d}", error.kind()),
        ),
    }
}

/// `formal_name` after the preposition "to" (`to == true`) or "of" in `language`, with the
/// contractions French and Spanish make with the article: à + le = au, de + el = del.
pub fn with_preposition(language: Language, formal_name: &str, to: bool) -> String {
    let name = formal_name.trim();
    let contractions: &[(&str, &str)] = match (language, to) {
        (Language::En, true) => &[("", "to ")],
        (Language::En, false) => &[("", "of ")],
        (Language::Fr, true) => &[("le ", "au "), ("les ", "aux "), ("", "à ")],
        (Language::Fr, false) => &[("le ", "du "), ("les ", "des "), ("", "de ")],
        (Language::Es, true) => &[("el ", "al "), ("", "a ")],
        (Language::Es, false) => &[("el ", "del "), ("", "de ")],
    };
    for (article, replacement) in contractions {
        if let Some(rest) = name.strip_prefix(article) {
            let keep = if article.is_empty() { name } else { rest };
            return format!("{replacement}{keep}");
        }
    }
    name.to_string()
}

/// A date as a letter in `language` writes it.
pub fn letter_date(language: Language, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    let month = date.month0() as usize;
    match language {
        Language::En => format!("{} {} {}", date.day(), EN[month], date.year()),
        Language::Fr if date.day() == 1 => format!("1er {} {}", FR[month], date.year()),
        Language::Fr => format!("{} {} {}", date.day(), FR[month], date.year()),
        Language::Es => format!("{} de {} de {}", date.day(), ES[month], date.year()),
    }
}

fn builtin_name(language: Language) -> &'static str {
    match language {
        Language::En => "letter-en.txt",
        Language::Fr => "letter-fr.txt",
        Language::Es => "letter-es.txt",
    }
}

impl LetterTemplates {
    /// The built-in templates, or `custom` (its name and text) for every letter. A template
    /// that does not parse is refused here, before any letter is written.
    pub fn new(custom: Option<(String, String)>) -> Result<LetterTemplates, TemplateError> {
        let mut environment = Environment::new();
        environment.set_undefined_behavior(UndefinedBehavior::Strict);
        environment.set_keep_trailing_newline(true);
        environment.set_fuel(Some(TEMPLATE_FUEL_MAX));
        for (name, source) in [
            ("letter-en.txt", LETTER_EN),
            ("letter-fr.txt", LETTER_FR),
            ("letter-es.txt", LETTER_ES),
        ] {
            environment
                .add_template(name, source)
                .map_err(|e| template_error(name, e))?;
        }
        let custom_name = match custom {
            Some((name, source)) => {
                environment
                    .add_template_owned(name.clone(), source)
                    .map_err(|e| template_error(&name, e))?;
                Some(name)
            }
            None => None,
        };
        Ok(LetterTemplates {
            environment,
            custom: custom_name,
        })
    }

    /// The letter for one party, in its language unless a template was given.
    pub fn render(
        &self,
        language: Language,
        context: &LetterContext,
    ) -> Result<String, TemplateError> {
        let name = self
            .custom
            .clone()
            .unwrap_or_else(|| builtin_name(language).to_string());
        let template = self
            .environment
            .get_template(&name)
            .map_err(|e| template_error(&name, e))?;
        let mut letter = LimitedWriter::default();
        match template.render_captured_to(context, &mut letter) {
            Ok(_) => {}
            Err(_) if letter.overflowed => {
                return Err(TemplateError {
                    name,
                    line: None,
                    message: format!(
                        "the letter is longer than {} KiB: a template that runs away?",
                        LETTER_BYTES_MAX / 1024
                    ),
                })
            }
            Err(error) if error.kind() == minijinja::ErrorKind::OutOfFuel => {
                return Err(TemplateError {
                    name,
                    line: error.line(),
                    message: format!(
                        "the template does too much work for one letter (more than \
                         {TEMPLATE_FUEL_MAX} steps): a loop that runs away?"
                    ),
                })
            }
            Err(error) => return Err(template_error(&name, error)),
        }
        String::from_utf8(letter.bytes).map_err(|_| TemplateError {
            name,
            line: None,
            message: "the letter is not valid UTF-8".to_string(),
        })
    }
}

/// Collects a letter, refusing to grow beyond `LETTER_BYTES_MAX`.
#[derive(Default)]
struct LimitedWriter {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for LimitedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > LETTER_BYTES_MAX {
            self.overflowed = true;
            return Err(std::io::Error::other("letter too long"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_the_letters_language() {
        let date = chrono::NaiveDate::from_ymd_opt(2017, 6, 27).unwrap();
        assert_eq!(letter_date(Language::En, date), "27 June 2017");
        assert_eq!(letter_date(Language::Fr, date), "27 juin 2017");
        assert_eq!(letter_date(Language::Es, date), "27 de junio de 2017");
        let first = chrono::NaiveDate::from_ymd_opt(2017, 8, 1).unwrap();
        assert_eq!(letter_date(Language::Fr, first), "1er août 2017");
    }

    #[test]
    fn prepositions_contract_with_the_article() {
        let cases = [
            (
                Language::Fr,
                "le Royaume de Belgique",
                true,
                "au Royaume de Belgique",
            ),
            (
                Language::Fr,
                "le Royaume de Belgique",
                false,
                "du Royaume de Belgique",
            ),
            (
                Language::Fr,
                "la République du Burundi",
                true,
                "à la République du Burundi",
            ),
            (Language::Fr, "les Îles Cook", false, "des Îles Cook"),
            (
                Language::Es,
                "el Reino de España",
                true,
                "al Reino de España",
            ),
            (
                Language::Es,
                "el Reino de España",
                false,
                "del Reino de España",
            ),
            (
                Language::Es,
                "la República de Chile",
                true,
                "a la República de Chile",
            ),
            (
                Language::En,
                "the Swiss Confederation",
                false,
                "of the Swiss Confederation",
            ),
            (Language::Fr, "lettonie", true, "à lettonie"),
        ];
        for (language, name, to, expected) in cases {
            assert_eq!(with_preposition(language, name, to), expected);
        }
    }

    #[test]
    fn a_template_with_a_syntax_error_is_named_with_its_line() {
        let bad = "Dear {{ name }},\n\n{% for line in lines %}\nno end";
        let err = LetterTemplates::new(Some(("mine.txt".into(), bad.into())))
            .err()
            .expect("refused");
        let message = err.to_string();
        assert!(message.starts_with("template mine.txt line "), "{message}");
        assert!(err.line.is_some());
    }
}
