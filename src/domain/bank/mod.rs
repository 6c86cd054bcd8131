//! Bank statements: the lines a bank reports on an account, read from ISO 20022 camt.053
//! files (`camt`) or from a bank's CSV export described by a profile (`csv_profile`), and
//! the rules that propose which party and kind of income each line is (`matching`).
//!
//! Amounts go from the file's text straight to `Money`: no floating point anywhere, and an
//! amount with more decimals than its currency has is refused.

pub mod camt;
pub mod csv_profile;
pub mod matching;

use chrono::NaiveDate;

use crate::money::{Currency, Money, Rate};

/// Why a statement file is refused; the message names the file and, where one is at
/// fault, the entry or line.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}: {message}")]
pub struct BankFileError {
    pub file: String,
    pub message: String,
}

/// The most characters of a message kept: a parser's message may quote the file itself.
const MESSAGE_CHARS_MAX: usize = 200;

impl BankFileError {
    /// The message on one line (the file's own line breaks and runs of spaces, which a
    /// parser's message may quote, become one space), cut where it runs long.
    pub fn new(file: &str, message: impl Into<String>) -> BankFileError {
        let message = message.into();
        let mut line = message.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((cut, _)) = line.char_indices().nth(MESSAGE_CHARS_MAX) {
            line.truncate(cut);
            line.push('…');
        }
        BankFileError {
            file: file.to_string(),
            message: line,
        }
    }
}

/// The most bytes of one statement file (or one file inside an archive) read.
pub const STATEMENT_BYTES_MAX: u64 = 64 * 1024 * 1024;

/// One line of a bank statement: one movement on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankLine {
    /// The account the statement is of.
    pub account_iban: String,
    /// The bank's own unique reference of the movement: importing it again adds nothing.
    pub bank_reference: String,
    pub booked_on: NaiveDate,
    pub value_on: NaiveDate,
    /// Positive for money in (credit), negative for money out (debit).
    pub amount: Money,
    pub counterparty_name: Option<String>,
    pub counterparty_account: Option<String>,
    /// The remittance text, several lines joined by a space.
    pub remittance: String,
    /// The bank reversed an earlier booking (`RvslInd`).
    pub reversal: bool,
    /// What the payer instructed, when it differs from what was booked: another currency
    /// converted by the bank, or the same currency less charges deducted on the way.
    pub instructed: Option<Money>,
    /// The bank's rate: units of the account's currency per unit of the instructed one.
    pub rate: Option<Rate>,
}

impl BankLine {
    pub fn is_credit(&self) -> bool {
        self.amount.minor() > 0
    }

    /// Charges deducted by banks on the way: what the payer instructed less what arrived,
    /// when both are in the account's currency and less arrived.
    pub fn charges_deducted(&self) -> Option<Money> {
        let instructed = self.instructed?;
        if instructed.currency() != self.amount.currency() {
            return None;
        }
        let missing = instructed.minor().checked_sub(self.amount.minor())?;
        (self.is_credit() && missing > 0)
            .then(|| Money::from_minor(missing, self.amount.currency()))
    }
}

/// One statement of an account: its balances, when the file gives them, and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement's identifier in the file (`Stmt/Id`), or the file's name.
    pub id: String,
    pub account_iban: String,
    pub currency: Currency,
    pub opening: Option<Money>,
    /// The closing booked balance and its date.
    pub closing: Option<(Money, NaiveDate)>,
    pub lines: Vec<BankLine>,
}

/// Reads an amount as a bank file writes it (`10000.00`, `10000`, or with `separator` as
/// the decimal separator), exactly; more decimals than the currency has are refused.
pub fn parse_bank_amount(text: &str, separator: char, currency: Currency) -> Result<Money, String> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = match digits.split_once(separator) {
        Some((whole, fraction)) => (whole, fraction),
        None => (digits, ""),
    };
    let digit_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digit_only(whole) || !digit_only(fraction) {
        return Err(format!(
            "amount '{}' is not a number",
            crate::text::excerpt(text)
        ));
    }
    if fraction.len() > 2 {
        return Err(format!(
            "amount '{}' has more decimals than {currency} has (2)",
            crate::text::excerpt(text)
        ));
    }
    let plain = if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    };
    let money = Money::parse(&plain, currency).map_err(|e| e.to_string())?;
    Ok(if negative {
        Money::from_minor(-money.minor(), currency)
    } else {
        money
    })
}

/// Folds a name or text for comparison: uppercase letters and digits, single spaces,
/// accents removed from the common Latin letters.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        let c = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                'A'
            }
            'ç' | 'Ç' => 'C',
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'E',
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
            'ñ' | 'Ñ' => 'N',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
            c => c.to_ascii_uppercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

/// An IBAN as compared: without spaces, uppercase.
pub fn fold_iban(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_amounts_are_exact_and_refuse_extra_decimals() {
        let chf = Currency::CHF;
        assert_eq!(
            parse_bank_amount("10000.00", '.', chf).unwrap().minor(),
            1_000_000
        );
        assert_eq!(
            parse_bank_amount("9985.5", '.', chf).unwrap().minor(),
            998_550
        );
        assert_eq!(
            parse_bank_amount("-15,00", ',', chf).unwrap().minor(),
            -1_500
        );
        assert_eq!(parse_bank_amount("7", '.', chf).unwrap().minor(), 700);
        let error = parse_bank_amount("1.005", '.', chf).unwrap_err();
        assert_eq!(error, "amount '1.005' has more decimals than CHF has (2)");
        for bad in ["", "1e3", "1,000.00", "abc", "1.2.3", "."] {
            assert!(parse_bank_amount(bad, '.', chf).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_fold_to_plain_uppercase_words() {
        assert_eq!(
            fold("Ministère des Affaires étrangères, PARIS"),
            "MINISTERE DES AFFAIRES ETRANGERES PARIS"
        );
        assert_eq!(
            fold_iban("ch93 0076 2011 6238 5295 7"),
            "CH9300762011623852957"
        );
    }
}
