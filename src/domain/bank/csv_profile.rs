//! Bank statements exported as CSV, read by a profile: a small text file saying the
//! delimiter, the date format, the decimal separator and which column holds what.
//!
//! A profile is `key = value` lines (a line starting with `#` is a comment):
//!
//! ```text
//! delimiter = ;
//! decimal = ,
//! date_format = %d.%m.%Y
//! currency = CHF
//! column.booked_on = Booking date
//! column.value_on = Value date
//! column.amount = Amount            (signed; or column.credit and column.debit)
//! column.reference = Reference
//! column.counterparty_name = Payer
//! column.counterparty_account = Payer IBAN
//! column.remittance = Text
//! column.account = IBAN            (or `account = CH…` for the whole file)
//! ```
//!
//! A row that does not fit its profile is refused as `file:line: message`.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;

use super::{fold_iban, parse_bank_amount, BankFileError, BankLine, Statement};
use crate::money::{Currency, Money};

/// The profile of a plain CSV export (comma, decimal point, ISO dates), built in.
pub const PLAIN: &str = include_str!("../../../profiles/plain.profile");
/// The profile of a Swiss bank's export (semicolon, decimal comma, `31.12.2017`), built in.
pub const SWISS: &str = include_str!("../../../profiles/swiss.profile");

/// What each field of a bank line is read from.
const FIELDS: [&str; 10] = [
    "booked_on",
    "value_on",
    "amount",
    "credit",
    "debit",
    "currency",
    "reference",
    "counterparty_name",
    "counterparty_account",
    "remittance",
];

/// A CSV profile, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub delimiter: u8,
    pub decimal: char,
    pub date_format: String,
    pub currency: Option<Currency>,
    pub account: Option<String>,
    /// Field name → column header.
    pub columns: HashMap<String, String>,
}

impl Profile {
    /// The built-in profile called `name` (`plain`, `swiss`), or `None`.
    pub fn builtin(name: &str) -> Option<Profile> {
        let text = match name {
            "plain" => PLAIN,
            "swiss" => SWISS,
            _ => return None,
        };
        Some(Profile::parse(name, text).expect("built-in profiles are valid"))
    }

    /// Reads a profile; a mistake is named as `file:line: message`.
    pub fn parse(file: &str, text: &str) -> Result<Profile, BankFileError> {
        let mut delimiter = b',';
        let mut decimal = '.';
        let mut date_format = "%Y-%m-%d".to_string();
        let mut currency = None;
        let mut account = None;
        let mut columns = HashMap::new();
        for (index, raw) in text.lines().enumerate() {
            let fail = |m: String| BankFileError::new(&format!("{file}:{}", index + 1), m);
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| fail("expected `key = value`".into()))?;
            let (key, value) = (key.trim(), value.trim());
            match key {
                "delimiter" => {
                    let value = if value == "tab" { "\t" } else { value };
                    match value.as_bytes() {
                        [b] if *b != b'"' => delimiter = *b,
                        _ => return Err(fail(format!("delimiter '{value}' is not one character"))),
                    }
                }
                "decimal" => match value {
                    "." => decimal = '.',
                    "," => decimal = ',',
                    _ => return Err(fail(format!("decimal '{value}' is neither . nor ,"))),
                },
                "date_format" => {
                    // A format chrono cannot write is an error of `write!`, not a panic.
                    let sample = NaiveDate::from_ymd_opt(2017, 12, 31).expect("a real day");
                    let mut shown = String::new();
                    let written = write!(shown, "{}", sample.format(value)).is_ok();
                    if !written || NaiveDate::parse_from_str(&shown, value).ok() != Some(sample) {
                        return Err(fail(format!("date_format '{value}' does not read a date")));
                    }
                    date_format = value.to_string();
                }
                "currency" => currency = Some(value.parse().map_err(|e| fail(format!("{e}")))?),
                "account" => account = Some(fold_iban(value)),
                _ => {
                    let field = key
                        .strip_prefix("column.")
                        .filter(|f| FIELDS.contains(f))
                        .ok_or_else(|| {
                            fail(format!(
                                "unknown key '{key}' (keys: delimiter, decimal, date_format, \
                                 currency, account, column.{})",
                                FIELDS.join(", column.")
                            ))
                        })?;
                    if value.is_empty() {
                        return Err(fail(format!("column.{field} names no column")));
                    }
                    columns.insert(field.to_string(), value.to_string());
                }
            }
        }
        let fail = |m: &str| BankFileError::new(file, m.to_string());
        for needed in ["booked_on", "reference"] {
            if !columns.contains_key(needed) {
                return Err(fail(&format!("the profile needs column.{needed}")));
            }
        }
        let signed = columns.contains_key("amount");
        let split = columns.contains_key("credit") && columns.contains_key("debit");
        if signed == split {
            return Err(fail(
                "the profile needs column.amount (signed), or column.credit and column.debit",
            ));
        }
        if currency.is_none() && !columns.contains_key("currency") {
            return Err(fail("the profile needs currency or column.currency"));
        }
        Ok(Profile {
            delimiter,
            decimal,
            date_format,
            currency,
            account,
            columns,
        })
    }

    /// The statement a CSV export holds, for `account` when neither the profile nor a
    /// column gives it.
    pub fn read(
        &self,
        file: &str,
        bytes: &[u8],
        account: Option<&str>,
    ) -> Result<Statement, BankFileError> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .flexible(false)
            .from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(|e| BankFileError::new(&format!("{file}:1"), format!("{e}")))?
            .clone();
        let mut index = HashMap::new();
        for (field, header) in &self.columns {
            let at = headers
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == header)
                .ok_or_else(|| {
                    BankFileError::new(
                        &format!("{file}:1"),
                        format!("no column '{header}' (the profile's column.{field})"),
                    )
                })?;
            index.insert(field.as_str(), at);
        }
        let fixed_account = account.map(fold_iban).or_else(|| self.account.clone());
        if fixed_account.is_none() && !index.contains_key("account") {
            return Err(BankFileError::new(
                file,
                "no account: give --account IBAN (or `account =` in the profile)",
            ));
        }
        let mut lines = Vec::new();
        let mut currency = self.currency;
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                BankFileError::new(&format!("{file}:{line}"), format!("{e}"))
            })?;
            let line_number = record.position().map_or(0, |p| p.line());
            let at = |m: String| BankFileError::new(&format!("{file}:{line_number}"), m);
            let get = |field: &str| {
                index
                    .get(field)
                    .and_then(|i| record.get(*i))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let line_currency: Currency = match get("currency") {
                Some(code) => code.parse().map_err(|e| at(format!("{e}")))?,
                None => self.currency.ok_or_else(|| at("no currency".to_string()))?,
            };
            if *currency.get_or_insert(line_currency) != line_currency {
                return Err(at(format!(
                    "currency {line_currency}, earlier lines are in {}",
                    currency.expect("set above")
                )));
            }
            let amount = |field: &str| -> Result<Option<Money>, BankFileError> {
                get(field)
                    .map(|text| {
                        parse_bank_amount(text, self.decimal, line_currency)
                            .map_err(|m| at(format!("{field}: {m}")))
                    })
                    .transpose()
            };
            let amount = if self.columns.contains_key("amount") {
                amount("amount")?.ok_or_else(|| at("no amount".into()))?
            } else {
                match (amount("credit")?, amount("debit")?) {
                    (Some(c), None) => c,
                    (None, Some(d)) => Money::from_minor(-d.minor().abs(), line_currency),
                    _ => return Err(at("give either a credit or a debit amount".into())),
                }
            };
            if amount.minor() == 0 {
                return Err(at("amount is zero".into()));
            }
            let date = |field: &str| -> Result<Option<NaiveDate>, BankFileError> {
                get(field)
                    .map(|text| {
                        let day =
                            NaiveDate::parse_from_str(text, &self.date_format).map_err(|_| {
                                at(format!(
                                    "{field} '{}' is not a date in the form {}",
                                    crate::text::excerpt(text),
                                    self.date_format
                                ))
                            })?;
                        crate::domain::dates::check_date(day).map_err(|e| at(format!("{e}")))
                    })
                    .transpose()
            };
            let booked_on = date("booked_on")?.ok_or_else(|| at("no booking date".into()))?;
            let value_on = date("value_on")?.unwrap_or(booked_on);
            let account_iban = match get("account") {
                Some(iban) => fold_iban(iban),
                None => fixed_account
                    .clone()
                    .ok_or_else(|| at("no account".into()))?,
            };
            lines.push(BankLine {
                account_iban,
                bank_reference: get("reference")
                    .ok_or_else(|| at("no reference".into()))?
                    .to_string(),
                booked_on,
                value_on,
                amount,
                counterparty_name: get("counterparty_name").map(str::to_string),
                counterparty_account: get("counterparty_account").map(fold_iban),
                remittance: get("remittance").unwrap_or("").to_string(),
                reversal: false,
                instructed: None,
                rate: None,
            });
        }
        let currency = currency.ok_or_else(|| BankFileError::new(file, "no lines"))?;
        let account_iban = lines
            .first()
            .map(|l| l.account_iban.clone())
            .or(fixed_account)
            .unwrap_or_default();
        Ok(Statement {
            id: file.to_string(),
            account_iban,
            currency,
            opening: None,
            closing: None,
            lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_profiles_read() {
        assert_eq!(Profile::builtin("plain").unwrap().delimiter, b',');
        let swiss = Profile::builtin("swiss").unwrap();
        assert_eq!((swiss.delimiter, swiss.decimal), (b';', ','));
        assert!(Profile::builtin("other").is_none());
    }

    #[test]
    fn a_bad_profile_is_named_by_line() {
        let error = Profile::parse("p", "delimiter = ;\nfoo = bar\n").unwrap_err();
        assert!(
            error.to_string().starts_with("p:2: unknown key 'foo'"),
            "{error}"
        );
        let error = Profile::parse("p", "date_format = %Q.%m\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "p:1: date_format '%Q.%m' does not read a date"
        );
        let error =
            Profile::parse("p", "column.booked_on = D\ncolumn.reference = R\n").unwrap_err();
        assert!(error.to_string().contains("column.amount"), "{error}");
    }

    #[test]
    fn a_row_that_does_not_fit_is_named_by_line() {
        let swiss = Profile::builtin("swiss").unwrap();
        let text =
            "Buchungsdatum;Valuta;Betrag;Referenz;Auftraggeber;IBAN Auftraggeber;Mitteilung\n\
                    15.03.2017;15.03.2017;16584,98;R1;France;;CONTRIB 2017\n\
                    16.03.2017;16.03.2017;12,345;R2;Peru;;\n";
        let error = swiss
            .read("s.csv", text.as_bytes(), Some("CH11"))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "s.csv:3: amount: amount '12,345' has more decimals than CHF has (2)"
        );
    }
}
