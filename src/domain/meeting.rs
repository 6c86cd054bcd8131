//! Meetings of States Parties and Review Conferences: the approved cost estimate, the
//! translation price per page, the documents and their pages, and the sharing of the cost
//! under Article 14 among the participating States on a re-normalised scale, trued up to the
//! actual cost afterwards. Each State's bill for each meeting is its own receivable account,
//! so that a credit on one never hides arrears on another.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ledger::{AccountName, EntryKind, FundCode, LedgerError, NewEntry, PartyCode, Transfer};
use crate::money::{Currency, Money, MoneyError};

/// The most languages a document is translated into: the six UN languages.
pub const LANGUAGES_MAX: i64 = 6;
/// More pages than any meeting document has; a guard against typing errors.
pub const PAGES_MAX: i64 = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(
        "meeting code '{code}' is not valid: use 1 to 16 letters, digits, '-' or '_' (e.g. 7MSP)"
    )]
    CodeInvalid { code: String },
    #[error("meeting name is empty")]
    NameEmpty,
    #[error("a meeting's cost estimate must not be negative, got {estimate}")]
    EstimateNegative { estimate: Money },
    #[error("the price per page must be positive, got {per_page}")]
    PerPageNotPositive { per_page: Money },
    #[error("languages must be 1 to {LANGUAGES_MAX}, got {languages}")]
    LanguagesOutOfRange { languages: i64 },
    #[error("document symbol is empty")]
    SymbolEmpty,
    #[error("document title is empty")]
    TitleEmpty,
    #[error("{what} must be 0 to {PAGES_MAX} pages, got {pages}")]
    PagesOutOfRange { what: &'static str, pages: i64 },
    #[error("document translated on {translated} before it was submitted on {submitted}")]
    TranslatedBeforeSubmitted {
        submitted: NaiveDate,
        translated: NaiveDate,
    },
    #[error("a document cannot be translated before it is submitted: give --submitted too")]
    TranslatedNotSubmitted,
    #[error("no participants to share the cost among")]
    NoParticipants,
    #[error("participant {party} has no positive rate on scale '{scale}'")]
    RateMissing { party: PartyCode, scale: String },
    #[error("participant {party} is listed twice")]
    ParticipantTwice { party: PartyCode },
    #[error("{0}")]
    Apportion(String),
    #[error("a payment must be positive, got {amount}")]
    PaymentNotPositive { amount: Money },
    #[error("the actual cost must not be negative, got {actual}")]
    ActualNegative { actual: Money },
}

/// A meeting's code, such as `7MSP` or `2RC`. Kept as written (upper case).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct MeetingCode(String);

impl MeetingCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for MeetingCode {
    type Err = MeetingError;

    fn from_str(text: &str) -> Result<MeetingCode, MeetingError> {
        let code = text.trim().to_ascii_uppercase();
        let ok = (1..=16).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(MeetingError::CodeInvalid {
                code: text.to_string(),
            });
        }
        Ok(MeetingCode(code))
    }
}

impl fmt::Display for MeetingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A meeting and the cost estimate approved for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub code: MeetingCode,
    pub name: String,
    pub held_on: NaiveDate,
    pub estimate: Money,
    pub approved_by: Option<String>,
}

impl Meeting {
    pub fn new(
        code: &str,
        name: &str,
        held_on: NaiveDate,
        estimate: Money,
        approved_by: Option<String>,
    ) -> Result<Meeting, MeetingError> {
        let code: MeetingCode = code.parse()?;
        let name = name.trim();
        if name.is_empty() {
            return Err(MeetingError::NameEmpty);
        }
        if estimate.minor() < 0 {
            return Err(MeetingError::EstimateNegative { estimate });
        }
        crate::ledger::check_text("name", name)?;
        if let Some(text) = &approved_by {
            crate::ledger::check_text("--approved-by", text)?;
        }
        Ok(Meeting {
            code,
            name: name.to_string(),
            held_on,
            estimate,
            approved_by: approved_by
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
        })
    }

    pub fn currency(&self) -> Currency {
        self.estimate.currency()
    }
}

/// The translation price of one page into the meeting's set of languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PageRate {
    pub per_page: Money,
    pub languages: i64,
}

impl PageRate {
    pub fn new(per_page: Money, languages: i64) -> Result<PageRate, MeetingError> {
        if !per_page.is_positive() {
            return Err(MeetingError::PerPageNotPositive { per_page });
        }
        if !(1..=LANGUAGES_MAX).contains(&languages) {
            return Err(MeetingError::LanguagesOutOfRange { languages });
        }
        Ok(PageRate {
            per_page,
            languages,
        })
    }
}

/// A document of a meeting, with its forecast (and, once known, actual) length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub symbol: String,
    pub title: String,
    pub pages_forecast: i64,
    pub pages_actual: Option<i64>,
    pub submitted_on: Option<NaiveDate>,
    pub translated_on: Option<NaiveDate>,
}

fn check_pages(what: &'static str, pages: i64) -> Result<i64, MeetingError> {
    if (0..=PAGES_MAX).contains(&pages) {
        Ok(pages)
    } else {
        Err(MeetingError::PagesOutOfRange { what, pages })
    }
}

impl Document {
    pub fn new(
        symbol: &str,
        title: &str,
        pages_forecast: i64,
        pages_actual: Option<i64>,
        submitted_on: Option<NaiveDate>,
        translated_on: Option<NaiveDate>,
    ) -> Result<Document, MeetingError> {
        let symbol = symbol.trim();
        if symbol.is_empty() {
            return Err(MeetingError::SymbolEmpty);
        }
        let title = title.trim();
        if title.is_empty() {
            return Err(MeetingError::TitleEmpty);
        }
        crate::ledger::check_text("title", title)?;
        check_pages("--pages-forecast", pages_forecast)?;
        if let Some(pages) = pages_actual {
            check_pages("--pages-actual", pages)?;
        }
        match (submitted_on, translated_on) {
            (None, Some(_)) => return Err(MeetingError::TranslatedNotSubmitted),
            (Some(submitted), Some(translated)) if translated < submitted => {
                return Err(MeetingError::TranslatedBeforeSubmitted {
                    submitted,
                    translated,
                })
            }
            _ => {}
        }
        Ok(Document {
            symbol: symbol.to_string(),
            title: title.to_string(),
            pages_forecast,
            pages_actual,
            submitted_on,
            translated_on,
        })
    }

    /// The pages expected: the actual count once known, else the forecast.
    pub fn pages_expected(&self) -> i64 {
        self.pages_actual.unwrap_or(self.pages_forecast)
    }
}

/// The receivable of one State for one meeting: `assets:receivable:meetings:7MSP:DEU`.
pub fn receivable_account(meeting: &MeetingCode, party: &PartyCode) -> AccountName {
    format!("assets:receivable:meetings:{meeting}:{party}")
        .parse()
        .expect("meeting and party codes make valid account segments")
}

/// What the States are billed for a meeting: `income:meetings:7MSP`.
pub fn income_account(meeting: &MeetingCode) -> AccountName {
    format!("income:meetings:{meeting}")
        .parse()
        .expect("meeting codes make valid account segments")
}

/// The fund meeting costs and their sharing belong to.
pub fn meetings_fund() -> FundCode {
    "meetings".parse().expect("valid fund code")
}

/// Splits `total_minor` among the participants in proportion to their rates on the scale,
/// exactly to the centime, by the same largest-remainder rule as ISU assessments. The rates
/// are re-normalised over the participants, as Article 14 asks ("the UN scale adjusted
/// appropriately"). Every participant needs a positive rate, and is listed once. The shares
/// come back by party code.
pub fn apportion(
    total_minor: i64,
    weights: &[(PartyCode, Decimal)],
    scale: &str,
) -> Result<Vec<(PartyCode, i64)>, MeetingError> {
    if weights.is_empty() {
        return Err(MeetingError::NoParticipants);
    }
    for (index, (party, weight)) in weights.iter().enumerate() {
        if *weight <= Decimal::ZERO {
            return Err(MeetingError::RateMissing {
                party: party.clone(),
                scale: scale.to_string(),
            });
        }
        if weights[..index].iter().any(|(p, _)| p == party) {
            return Err(MeetingError::ParticipantTwice {
                party: party.clone(),
            });
        }
    }
    let mut shares = super::scale::apportion(total_minor, weights)
        .map_err(|e| MeetingError::Apportion(e.to_string()))?;
    shares.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(shares)
}

/// The entry billing (a positive `amount`) or crediting (a negative one) one State for a
/// meeting.
pub fn bill_entry(
    meeting: &Meeting,
    party: &PartyCode,
    party_name: &str,
    amount_minor: i64,
    date: NaiveDate,
    what: &str,
    reference: String,
) -> Result<NewEntry, MeetingError> {
    let amount = Money::from_minor(amount_minor.abs(), meeting.currency());
    let receivable = receivable_account(&meeting.code, party);
    let income = income_account(&meeting.code);
    let transfer = if amount_minor >= 0 {
        Transfer::new(receivable, income, amount)
    } else {
        Transfer::new(income, receivable, amount)
    };
    let verb = if amount_minor >= 0 {
        "billed"
    } else {
        "credited"
    };
    let entry = NewEntry {
        date,
        description: format!(
            "{} {what}: {party_name} {verb} its Article 14 share",
            meeting.code
        ),
        kind: EntryKind::MeetingAssessment,
        budget_year: chrono::Datelike::year(&meeting.held_on),
        fund: meetings_fund(),
        party: Some(party.clone()),
        reference: Some(reference),
        reverses: None,
        rate: None,
        transfers: vec![transfer],
    };
    entry.validate()?;
    Ok(entry)
}

/// The entry recording a State's payment towards its share of a meeting's cost: the bank
/// account of the meeting's currency, in the `meetings` fund, receives it from the State's
/// account for that meeting alone. Paying more than billed leaves a credit on that account,
/// which never reduces what the State owes for another meeting or for the ISU.
pub fn payment_entry(
    meeting: &Meeting,
    party: &PartyCode,
    party_name: &str,
    amount: Money,
    date: NaiveDate,
    reference: Option<String>,
) -> Result<NewEntry, MeetingError> {
    if !amount.is_positive() {
        return Err(MeetingError::PaymentNotPositive { amount });
    }
    let entry = NewEntry {
        date,
        description: format!("{} payment: {party_name}, Article 14 share", meeting.code),
        kind: EntryKind::MeetingPayment,
        budget_year: chrono::Datelike::year(&meeting.held_on),
        fund: meetings_fund(),
        party: Some(party.clone()),
        reference,
        reverses: None,
        rate: None,
        transfers: vec![Transfer::new(
            crate::domain::accounts::bank(amount.currency()),
            receivable_account(&meeting.code, party),
            amount,
        )],
    };
    entry.validate()?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> PartyCode {
        text.parse().unwrap()
    }

    fn weights(rows: &[(&str, &str)]) -> Vec<(PartyCode, Decimal)> {
        rows.iter()
            .map(|(p, w)| (code(p), w.parse().unwrap()))
            .collect()
    }

    #[test]
    fn shares_sum_exactly_and_leftover_cents_go_to_the_largest_remainders() {
        let w = weights(&[("DEU", "6.389"), ("FRA", "4.859"), ("CHE", "1.140")]);
        let shares = apportion(17_400_000, &w, "s").unwrap();
        assert_eq!(shares.iter().map(|s| s.1).sum::<i64>(), 17_400_000);
        assert_eq!(shares[0].0.as_str(), "CHE");
        // Equal weights over three: 100 centimes split 34, 33, 33, ties to the lower code.
        let equal = weights(&[("FRA", "1"), ("CHE", "1"), ("DEU", "1")]);
        let shares = apportion(100, &equal, "s").unwrap();
        assert_eq!(
            shares,
            vec![(code("CHE"), 34), (code("DEU"), 33), (code("FRA"), 33)]
        );
    }

    #[test]
    fn apportion_refuses_what_it_cannot_share() {
        assert_eq!(apportion(5, &[], "s"), Err(MeetingError::NoParticipants));
        assert!(matches!(
            apportion(5, &weights(&[("DEU", "0")]), "s"),
            Err(MeetingError::RateMissing { .. })
        ));
        assert!(matches!(
            apportion(5, &weights(&[("DEU", "1"), ("DEU", "2")]), "s"),
            Err(MeetingError::ParticipantTwice { .. })
        ));
    }

    #[test]
    fn meetings_documents_and_rates_check_their_input() {
        let day = NaiveDate::from_ymd_opt(2017, 9, 4).unwrap();
        let usd = |m| Money::from_minor(m, Currency::USD);
        assert_eq!(
            Meeting::new("7msp", "Seventh MSP", day, usd(1), None)
                .unwrap()
                .code
                .as_str(),
            "7MSP"
        );
        assert!(matches!(
            Meeting::new("7MSP", "x", day, usd(-1), None),
            Err(MeetingError::EstimateNegative { .. })
        ));
        assert!(Meeting::new("7 MSP", "x", day, usd(1), None).is_err());
        assert!(PageRate::new(usd(0), 6).is_err());
        assert!(PageRate::new(usd(1), 7).is_err());
        assert!(matches!(
            Document::new("A/1", "Agenda", -1, None, None, None),
            Err(MeetingError::PagesOutOfRange { .. })
        ));
        assert!(matches!(
            Document::new("A/1", "Agenda", 1, None, None, Some(day)),
            Err(MeetingError::TranslatedNotSubmitted)
        ));
        let document = Document::new("A/1", "Agenda", 4, Some(5), Some(day), None).unwrap();
        assert_eq!(document.pages_expected(), 5);
    }
}
