//! The double-entry ledger: accounts, entries and the transfers they are made of, with the
//! rules every entry obeys before it may be stored. No SQL and no business rules here.
//!
//! An entry is one business event (a payment, a reversal). Each of its transfers moves a
//! positive amount in one currency from a credit account to a debit account, so every entry
//! balances in every currency by construction.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;

use crate::money::{Money, Rate};
use crate::text::{control_character, describe_control, excerpt};

/// The earliest and latest budget years the ledger accepts: a guard against typing `217`.
pub const BUDGET_YEAR_MIN: i32 = 1990;
pub const BUDGET_YEAR_MAX: i32 = 2100;

/// Longest account name, description or reference accepted.
pub const TEXT_LEN_MAX: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("account name '{}' is not valid: {reason}", excerpt(name))]
    AccountNameInvalid { name: String, reason: &'static str },
    #[error("an entry needs at least one transfer")]
    EntryHasNoTransfers,
    #[error("an entry needs a description")]
    DescriptionEmpty,
    #[error("description is longer than {TEXT_LEN_MAX} characters")]
    DescriptionTooLong,
    #[error("transfer amount must be positive, got {amount}")]
    AmountNotPositive { amount: Money },
    #[error("transfer from {account} to itself")]
    SameAccount { account: AccountName },
    #[error("budget year {year} is outside {BUDGET_YEAR_MIN}-{BUDGET_YEAR_MAX}")]
    BudgetYearOutOfRange { year: i32 },
    #[error("reference '{}' is not valid: {reason}", excerpt(reference))]
    ReferenceInvalid {
        reference: String,
        reason: &'static str,
    },
    #[error("code '{}' is not valid: {reason}", excerpt(code))]
    CodeInvalid { code: String, reason: &'static str },
    #[error(
        "{field} '{}' holds {}: write it on one line, without tabs or control characters",
        excerpt(text),
        describe_control(*character)
    )]
    TextHasControlCharacter {
        field: &'static str,
        text: String,
        character: char,
    },
}

/// The five kinds of account; the first segment of every account name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountType {
    Assets,
    Liabilities,
    Equity,
    Income,
    Expenses,
}

impl AccountType {
    pub const ALL: [AccountType; 5] = [
        AccountType::Assets,
        AccountType::Liabilities,
        AccountType::Equity,
        AccountType::Income,
        AccountType::Expenses,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            AccountType::Assets => "assets",
            AccountType::Liabilities => "liabilities",
            AccountType::Equity => "equity",
            AccountType::Income => "income",
            AccountType::Expenses => "expenses",
        }
    }
}

/// A hierarchical account name such as `assets:bank:chf` or `liabilities:prepaid:DEU`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct AccountName(String);

impl AccountName {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn account_type(&self) -> AccountType {
        let top = self.0.split(':').next().unwrap_or_default();
        AccountType::ALL
            .into_iter()
            .find(|t| t.as_str() == top)
            .expect("account names are checked to start with a type")
    }

    /// True when this account is `prefix` or below it.
    pub fn is_under(&self, prefix: &str) -> bool {
        self.0 == prefix
            || (self.0.starts_with(prefix) && self.0.as_bytes().get(prefix.len()) == Some(&b':'))
    }
}

impl FromStr for AccountName {
    type Err = LedgerError;

    fn from_str(name: &str) -> Result<AccountName, LedgerError> {
        let invalid = |reason| LedgerError::AccountNameInvalid {
            name: name.to_string(),
            reason,
        };
        if name.len() > TEXT_LEN_MAX {
            return Err(invalid("too long"));
        }
        let mut segments = name.split(':');
        let top = segments.next().unwrap_or_default();
        if !AccountType::ALL.iter().any(|t| t.as_str() == top) {
            return Err(invalid(
                "it must start with assets, liabilities, equity, income or expenses",
            ));
        }
        for segment in segments {
            if segment.is_empty() {
                return Err(invalid("a segment between colons is empty"));
            }
            if !segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(invalid(
                    "segments may hold only letters, digits, '-' and '_'",
                ));
            }
        }
        Ok(AccountName(name.to_string()))
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a short identifier: a party code, a fund code.
fn check_code(code: &str, max_len: usize) -> Result<(), LedgerError> {
    let invalid = |reason| LedgerError::CodeInvalid {
        code: code.to_string(),
        reason,
    };
    if code.is_empty() || code.len() > max_len {
        return Err(invalid("it must be 1 to 16 characters long"));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid("it may hold only letters, digits, '-' and '_'"));
    }
    Ok(())
}

/// The code of a party: an ISO 3166 alpha-3 code for a State (`DEU`), or an
/// organisation's own code. Always upper case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PartyCode(String);

impl PartyCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PartyCode {
    type Err = LedgerError;

    fn from_str(code: &str) -> Result<PartyCode, LedgerError> {
        let code = code.trim().to_ascii_uppercase();
        check_code(&code, 16)?;
        Ok(PartyCode(code))
    }
}

impl fmt::Display for PartyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The code of a fund (`isu`, `meetings`, `sponsorship`). Always lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FundCode(String);

impl FundCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISU core budget, the fund an entry belongs to unless it says otherwise.
    pub fn isu() -> FundCode {
        FundCode("isu".to_string())
    }
}

impl FromStr for FundCode {
    type Err = LedgerError;

    fn from_str(code: &str) -> Result<FundCode, LedgerError> {
        let code = code.trim().to_ascii_lowercase();
        check_code(&code, 16)?;
        Ok(FundCode(code))
    }
}

impl fmt::Display for FundCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of a stored entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct EntryId(pub i64);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What kind of business event an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    Contribution,
    Assessment,
    Pledge,
    Reversal,
    General,
    Cost,
    FundTransfer,
    /// Money a fund holds when the ledger starts keeping it, brought forward from earlier books.
    FundOpening,
    MeetingAssessment,
    MeetingPayment,
    Close,
    /// Credit paid back to a party.
    Refund,
    /// Credit applied to what a party owes for a named year.
    CreditApplication,
    /// Arrears cancelled by decision of the Meeting of States Parties.
    WriteOff,
    /// A party's money applied again by the rule after an earlier-dated fact was recorded.
    Reapplication,
}

impl EntryKind {
    /// Every kind, in the order declared.
    pub const ALL: [EntryKind; 15] = [
        EntryKind::Contribution,
        EntryKind::Assessment,
        EntryKind::Pledge,
        EntryKind::Reversal,
        EntryKind::General,
        EntryKind::Cost,
        EntryKind::FundTransfer,
        EntryKind::FundOpening,
        EntryKind::MeetingAssessment,
        EntryKind::MeetingPayment,
        EntryKind::Close,
        EntryKind::Refund,
        EntryKind::CreditApplication,
        EntryKind::WriteOff,
        EntryKind::Reapplication,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            EntryKind::Contribution => "contribution",
            EntryKind::Assessment => "assessment",
            EntryKind::Pledge => "pledge",
            EntryKind::Reversal => "reversal",
            EntryKind::General => "general",
            EntryKind::Cost => "cost",
            EntryKind::FundTransfer => "fund-transfer",
            EntryKind::FundOpening => "fund-opening",
            EntryKind::MeetingAssessment => "meeting-assessment",
            EntryKind::MeetingPayment => "meeting-payment",
            EntryKind::Close => "close",
            EntryKind::Refund => "refund",
            EntryKind::CreditApplication => "credit-application",
            EntryKind::WriteOff => "write-off",
            EntryKind::Reapplication => "reapplication",
        }
    }
}

impl FromStr for EntryKind {
    type Err = String;

    fn from_str(text: &str) -> Result<EntryKind, String> {
        EntryKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "unknown entry kind '{text}' (kinds: {})",
                    EntryKind::ALL.map(|kind| kind.as_str()).join(", ")
                )
            })
    }
}

/// One movement of money: `amount` leaves `credit` and arrives in `debit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub debit: AccountName,
    pub credit: AccountName,
    pub amount: Money,
    /// The budget year this movement counts for, when it differs from its entry's: a
    /// payment that settles arrears of 2016 and the assessment of 2017 is one entry with a
    /// transfer for each year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_year: Option<i32>,
}

impl Transfer {
    pub fn new(debit: AccountName, credit: AccountName, amount: Money) -> Transfer {
        Transfer {
            debit,
            credit,
            amount,
            budget_year: None,
        }
    }

    /// The same transfer, counted for `budget_year`.
    pub fn for_year(mut self, budget_year: i32) -> Transfer {
        self.budget_year = Some(budget_year);
        self
    }

    /// The budget year this transfer counts for, within an entry for `entry_year`.
    pub fn year_within(&self, entry_year: i32) -> i32 {
        self.budget_year.unwrap_or(entry_year)
    }

    /// The same movement in the other direction, as a reversal posts it.
    pub fn mirrored(&self) -> Transfer {
        Transfer {
            debit: self.credit.clone(),
            credit: self.debit.clone(),
            amount: self.amount,
            budget_year: self.budget_year,
        }
    }
}

/// An entry ready to be stored: the business event and its transfers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub date: NaiveDate,
    pub description: String,
    pub kind: EntryKind,
    pub budget_year: i32,
    pub fund: FundCode,
    pub party: Option<PartyCode>,
    /// An external reference (bank reference, import row id); unique in the ledger.
    pub reference: Option<String>,
    /// The entry this one reverses, with the reason given.
    pub reverses: Option<(EntryId, String)>,
    /// The rate used for a conversion between currencies, if any.
    pub rate: Option<Rate>,
    pub transfers: Vec<Transfer>,
}

impl NewEntry {
    /// Checks the rules every entry obeys; the store refuses entries that fail them.
    pub fn validate(&self) -> Result<(), LedgerError> {
        if self.description.trim().is_empty() {
            return Err(LedgerError::DescriptionEmpty);
        }
        if self.description.chars().count() > TEXT_LEN_MAX {
            return Err(LedgerError::DescriptionTooLong);
        }
        // The reason first: a reversal's description quotes it, and the user typed the reason.
        if let Some((_, reason)) = &self.reverses {
            check_text("reason", reason)?;
        }
        check_text("description", &self.description)?;
        check_budget_year(self.budget_year)?;
        if let Some(reference) = &self.reference {
            check_reference(reference)?;
        }
        if self.transfers.is_empty() {
            return Err(LedgerError::EntryHasNoTransfers);
        }
        for transfer in &self.transfers {
            if !transfer.amount.is_positive() {
                return Err(LedgerError::AmountNotPositive {
                    amount: transfer.amount,
                });
            }
            if transfer.debit == transfer.credit {
                return Err(LedgerError::SameAccount {
                    account: transfer.debit.clone(),
                });
            }
            if let Some(year) = transfer.budget_year {
                check_budget_year(year)?;
            }
        }
        Ok(())
    }

    /// A canonical text of what the entry records, excluding who entered it and when.
    /// Two entries with the same reference and the same content are the same event.
    pub fn content(&self) -> String {
        use std::fmt::Write as _;
        // Written into one buffer: a bulk import computes this for every entry.
        let mut text = String::with_capacity(96 + 64 * self.transfers.len());
        let _ = write!(
            text,
            "{} {} {} {} {} {}",
            self.date,
            self.kind.as_str(),
            self.budget_year,
            self.fund,
            self.party.as_ref().map_or("-", |p| p.as_str()),
            self.description.trim(),
        );
        if let Some(rate) = self.rate {
            let _ = write!(text, " @{rate}");
        }
        for transfer in &self.transfers {
            let _ = write!(
                text,
                "; {} -> {} {}",
                transfer.credit, transfer.debit, transfer.amount
            );
            if let Some(year) = transfer.budget_year {
                let _ = write!(text, " for {year}");
            }
        }
        text
    }
}

/// A stored entry: what was recorded, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: EntryId,
    pub recorded: NewEntry,
    pub entered_at: String,
    pub entered_by: String,
    /// The entry that reversed this one, if any.
    pub reversed_by: Option<EntryId>,
}

pub fn check_budget_year(year: i32) -> Result<(), LedgerError> {
    if (BUDGET_YEAR_MIN..=BUDGET_YEAR_MAX).contains(&year) {
        Ok(())
    } else {
        Err(LedgerError::BudgetYearOutOfRange { year })
    }
}

/// Checks free text a user gives (a description, a memo, a reason, a name): it is shown in
/// table rows and letters one line each, so it must hold no line break, tab or other control
/// character. `field` names it in the message.
pub fn check_text(field: &'static str, text: &str) -> Result<(), LedgerError> {
    match control_character(text) {
        Some(character) => Err(LedgerError::TextHasControlCharacter {
            field,
            text: text.to_string(),
            character,
        }),
        None => Ok(()),
    }
}

pub fn check_reference(reference: &str) -> Result<(), LedgerError> {
    let invalid = |reason| LedgerError::ReferenceInvalid {
        reference: reference.to_string(),
        reason,
    };
    if reference.trim().is_empty() {
        return Err(invalid("it is empty"));
    }
    if reference.trim() != reference {
        return Err(invalid("it starts or ends with spaces"));
    }
    if reference.chars().count() > TEXT_LEN_MAX {
        return Err(invalid("it is too long"));
    }
    if reference.chars().any(char::is_control) {
        return Err(invalid("it holds control characters"));
    }
    Ok(())
}

/// Debit and credit totals of one account in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Turnover {
    pub debit_minor: i64,
    pub credit_minor: i64,
}

impl Turnover {
    /// Debit minus credit: positive for assets and expenses in the usual case.
    pub fn balance_minor(&self) -> i64 {
        self.debit_minor - self.credit_minor
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn every_entry_kind_is_listed_once_and_read_back() {
        let names: std::collections::BTreeSet<&str> =
            EntryKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(names.len(), EntryKind::ALL.len());
        for kind in EntryKind::ALL {
            assert_eq!(kind.as_str().parse::<EntryKind>(), Ok(kind));
            // A new kind stops this from compiling: add it here and to `EntryKind::ALL`,
            // else the entries of that kind cannot be read back.
            match kind {
                EntryKind::Contribution
                | EntryKind::Assessment
                | EntryKind::Pledge
                | EntryKind::Reversal
                | EntryKind::General
                | EntryKind::Cost
                | EntryKind::FundTransfer
                | EntryKind::FundOpening
                | EntryKind::MeetingAssessment
                | EntryKind::MeetingPayment
                | EntryKind::Close
                | EntryKind::Refund
                | EntryKind::CreditApplication
                | EntryKind::WriteOff
                | EntryKind::Reapplication => {}
            }
        }
        let error = "gift".parse::<EntryKind>().unwrap_err();
        assert!(
            error.contains("'gift'") && error.contains("write-off"),
            "{error}"
        );
    }

    fn account(name: &str) -> AccountName {
        name.parse().unwrap()
    }

    fn entry(transfers: Vec<Transfer>) -> NewEntry {
        NewEntry {
            date: NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
            description: "Contribution from Germany".into(),
            kind: EntryKind::Contribution,
            budget_year: 2017,
            fund: FundCode::isu(),
            party: Some("DEU".parse().unwrap()),
            reference: Some("BANK-1".into()),
            reverses: None,
            rate: None,
            transfers,
        }
    }

    fn transfer(debit: &str, credit: &str, minor: i64) -> Transfer {
        Transfer::new(
            account(debit),
            account(credit),
            Money::from_minor(minor, Currency::CHF),
        )
    }

    #[test]
    fn account_names_start_with_a_type_and_have_clean_segments() {
        for good in [
            "assets",
            "assets:bank:chf",
            "assets:receivable:contributions:DEU",
            "income:contributions:voluntary",
            "equity:fund-balance:isu",
            "expenses:staff_costs",
        ] {
            assert!(good.parse::<AccountName>().is_ok(), "{good}");
        }
        for bad in [
            "",
            "bank",
            "Assets:bank",
            "assets:",
            "assets::bank",
            "assets:bank account",
            "assets:bank;x",
            "assets:bänk",
        ] {
            assert!(
                matches!(
                    bad.parse::<AccountName>(),
                    Err(LedgerError::AccountNameInvalid { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            account("liabilities:prepaid:DEU").account_type(),
            AccountType::Liabilities
        );
        assert!(account("income:contributions:voluntary").is_under("income:contributions"));
        assert!(!account("income:contributionsx").is_under("income:contributions"));
    }

    #[test]
    fn a_valid_entry_passes() {
        let entry = entry(vec![transfer(
            "assets:bank:chf",
            "income:contributions",
            100,
        )]);
        assert_eq!(entry.validate(), Ok(()));
    }

    #[test]
    fn each_rule_rejects_its_case() {
        let mut empty = entry(vec![]);
        assert_eq!(empty.validate(), Err(LedgerError::EntryHasNoTransfers));
        empty.transfers = vec![transfer("assets:bank:chf", "income:x", 0)];
        assert!(matches!(
            empty.validate(),
            Err(LedgerError::AmountNotPositive { .. })
        ));
        empty.transfers = vec![transfer("assets:bank:chf", "income:x", -5)];
        assert!(matches!(
            empty.validate(),
            Err(LedgerError::AmountNotPositive { .. })
        ));
        empty.transfers = vec![transfer("assets:bank:chf", "assets:bank:chf", 5)];
        assert_eq!(
            empty.validate(),
            Err(LedgerError::SameAccount {
                account: account("assets:bank:chf")
            })
        );

        let mut undescribed = entry(vec![transfer("assets:bank:chf", "income:x", 5)]);
        undescribed.description = "  ".into();
        assert_eq!(undescribed.validate(), Err(LedgerError::DescriptionEmpty));
        undescribed.description = "x".repeat(TEXT_LEN_MAX + 1);
        assert_eq!(undescribed.validate(), Err(LedgerError::DescriptionTooLong));

        let mut early = entry(vec![transfer("assets:bank:chf", "income:x", 5)]);
        early.budget_year = 217;
        assert_eq!(
            early.validate(),
            Err(LedgerError::BudgetYearOutOfRange { year: 217 })
        );

        let mut badref = entry(vec![transfer("assets:bank:chf", "income:x", 5)]);
        for reference in ["", " x", "a\tb"] {
            badref.reference = Some(reference.into());
            assert!(
                matches!(badref.validate(), Err(LedgerError::ReferenceInvalid { .. })),
                "{reference:?}"
            );
        }
    }

    #[test]
    fn free_text_must_stay_on_one_line() {
        let mut memo = entry(vec![transfer("assets:bank:chf", "income:x", 5)]);
        assert_eq!(memo.validate(), Ok(()));
        memo.description = "Translation: work plan\nand budget".into();
        let error = memo.validate().unwrap_err();
        assert_eq!(
            error.to_string(),
            "description 'Translation: work plan\\nand budget' holds a line break: write it on \
             one line, without tabs or control characters"
        );
        memo.description = "Translation".into();
        memo.reverses = Some((EntryId(1), "typed\ttwice".into()));
        assert!(matches!(
            memo.validate(),
            Err(LedgerError::TextHasControlCharacter {
                field: "reason",
                character: '\t',
                ..
            })
        ));
        assert_eq!(check_text("name", "Côte d'Ivoire"), Ok(()));
    }

    #[test]
    fn an_overlong_reference_is_not_echoed_in_full() {
        let error = check_reference(&"R".repeat(20_000))
            .unwrap_err()
            .to_string();
        assert!(error.len() < 200, "{error}");
        assert!(error.contains(&format!("'{}…'", "R".repeat(60))), "{error}");
    }

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!("deu".parse::<PartyCode>().unwrap().as_str(), "DEU");
        assert_eq!("ISU".parse::<FundCode>().unwrap().as_str(), "isu");
        for bad in ["", "A B", "x;y", "ABCDEFGHIJKLMNOPQ"] {
            assert!(
                matches!(
                    bad.parse::<PartyCode>(),
                    Err(LedgerError::CodeInvalid { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn mirrored_transfers_undo_each_other() {
        let original = transfer("assets:bank:chf", "income:contributions", 500);
        let mirror = original.mirrored();
        assert_eq!(mirror.debit, original.credit);
        assert_eq!(mirror.credit, original.debit);
        assert_eq!(mirror.mirrored(), original);
    }

    #[test]
    fn content_changes_with_what_the_entry_records() {
        let a = entry(vec![transfer("assets:bank:chf", "income:x", 5)]);
        let mut b = a.clone();
        assert_eq!(a.content(), b.content());
        b.transfers[0].amount = Money::from_minor(6, Currency::CHF);
        assert_ne!(a.content(), b.content());
    }
}
