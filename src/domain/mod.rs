//! The business rules of an ISU's books, over the ledger's types: parties, budgets,
//! contributions and their reversal, and the chart of accounts they post to.
//! Pure functions and types; nothing here reads files, the clock or the database.

pub mod accounts;
pub mod assessment;
pub mod bank;
pub mod budget;
pub mod contribution;
pub mod correction;
pub mod cost;
pub mod countries;
pub mod dates;
pub mod fund;
pub mod meeting;
pub mod party;
pub mod position;
pub mod rate;
pub mod reminder;
pub mod reversal;
pub mod scale;
pub mod settings;
pub mod timeline;
pub mod transparency;

use chrono::NaiveDate;

use rust_decimal::Decimal;

use crate::ledger::{EntryId, LedgerError, PartyCode};
use crate::money::{Currency, Money, MoneyError};

/// Every way a business rule can refuse an input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(
        "invalid date '{}': write it as YYYY-MM-DD with a real day (e.g. 2017-02-28)",
        crate::text::excerpt(input)
    )]
    DateInvalid { input: String },
    #[error("date {date} is before 1990-01-01, the earliest date the books accept")]
    DateTooEarly { date: NaiveDate },
    #[error(
        "date {date} is more than {} days after today ({today}); give --allow-future if it is \
         a genuine future value date",
        dates::FUTURE_DAYS_MAX
    )]
    DateTooFarAhead { date: NaiveDate, today: NaiveDate },
    #[error(
        "'{}' is not an ISO 3166 alpha-3 country code (e.g. DEU, CHE, FRA)",
        crate::text::excerpt(code)
    )]
    PartyCodeNotIso { code: String },
    #[error("party name is empty")]
    PartyNameEmpty,
    #[error("an organisation needs a name: give --name (e.g. --name \"European Union\")")]
    OrganisationNeedsName,
    #[error(
        "party {code}: nothing to change (give --name, --address, --email, --language, --kind, \
         --deposited or --in-force with a value it does not already have)"
    )]
    PartyUnchanged { code: String },
    #[error(
        "unknown settings key '{}'; the keys are {known} (a key that differs by language may \
         end in .en, .fr or .es)",
        crate::text::excerpt(key)
    )]
    SettingUnknown { key: String, known: String },
    #[error("settings {key}: the value {why}")]
    SettingInvalid { key: String, why: String },
    #[error(
        "unknown party kind '{}' (use state-party, signatory, non-party or organisation)",
        crate::text::excerpt(kind)
    )]
    PartyKindUnknown { kind: String },
    #[error(
        "unknown letter language '{}' (use en, fr or es)",
        crate::text::excerpt(language)
    )]
    LanguageUnknown { language: String },
    #[error("e-mail address '{}' is not valid", crate::text::excerpt(email))]
    EmailInvalid { email: String },
    #[error("entry into force {in_force} is before the deposit {deposited}")]
    InForceBeforeDeposit {
        deposited: NaiveDate,
        in_force: NaiveDate,
    },
    #[error("budget total must be positive, got {total}")]
    BudgetTotalNotPositive { total: Money },
    #[error("the ISU budget is kept in {book}, the currency of the books; got {currency}")]
    BudgetCurrencyNotBook { currency: Currency, book: Currency },
    #[error(
        "budget line '{}' must be written NAME=AMOUNT, e.g. staff=300000",
        crate::text::excerpt(text)
    )]
    BudgetLineMalformed { text: String },
    #[error("budget line '{}' appears twice", crate::text::excerpt(name))]
    BudgetLineDuplicate { name: String },
    #[error(
        "budget line '{}' must not be negative, got {amount}",
        crate::text::excerpt(name)
    )]
    BudgetLineNegative { name: String, amount: Money },
    #[error(
        "budget lines add up to {lines_total} but the total is {total}: they differ by \
         {difference} (the lines are {} the total)",
        shortfall_or_excess(difference)
    )]
    BudgetLinesDoNotAddUp {
        lines_total: Money,
        total: Money,
        difference: Money,
    },
    #[error("a contribution must be positive, got {amount}")]
    ContributionNotPositive { amount: Money },
    #[error(
        "a contribution in {currency} needs --rate ({book} per {currency}), e.g. --rate 0.9705"
    )]
    RateRequired { currency: Currency, book: Currency },
    #[error("a contribution in {currency}, the book currency, takes no rate")]
    RateNotAllowed { currency: Currency },
    #[error(
        "entry {id} is itself a reversal (of entry {original}); record the original again instead"
    )]
    ReversalOfReversal { id: EntryId, original: EntryId },
    #[error("entry {id} was already reversed by entry {by}")]
    AlreadyReversed { id: EntryId, by: EntryId },
    #[error("entry {id} is dated {original_date}; its reversal cannot be dated earlier ({date})")]
    ReversalBeforeOriginal {
        id: EntryId,
        original_date: NaiveDate,
        date: NaiveDate,
    },
    #[error("a reversal needs a reason (--reason)")]
    ReversalReasonEmpty,
    #[error(
        "scale name '{}' is not valid: use lower-case letters, digits and '-', \
         starting with a letter (e.g. ccm-2016-2018)",
        crate::text::excerpt(name)
    )]
    ScaleNameInvalid { name: String },
    #[error(
        "scale rate '{}' is not a number: write a plain decimal in per cent, e.g. 6.389",
        crate::text::excerpt(input)
    )]
    ScaleRateInvalid { input: String },
    #[error("scale rate '{}' is negative", crate::text::excerpt(input))]
    ScaleRateNegative { input: String },
    #[error("scale rate '{}' is over 100 per cent", crate::text::excerpt(input))]
    ScaleRateOver100 { input: String },
    #[error(
        "scale rate '{}' has more than 10 decimals",
        crate::text::excerpt(input)
    )]
    ScaleRateTooPrecise { input: String },
    #[error("{party} is not on the scale {scale}: import a scale that lists it")]
    ScaleMissingParty { party: PartyCode, scale: String },
    #[error(
        "cannot apportion a negative amount ({total_minor} minor units) or by negative weights"
    )]
    ApportionNegative { total_minor: i64 },
    #[error("cannot apportion: the weights add up to zero")]
    ApportionNoWeight,
    #[error("there is no party to assess")]
    AssessNoParties,
    #[error("--minimum must be an amount of zero or more in the book currency, got {minimum}")]
    AssessMinimumInvalid { minimum: Money },
    #[error("--maximum-share must be a percentage above 0 and at most 100, got {percent}")]
    AssessMaximumShareInvalid { percent: Decimal },
    #[error(
        "{total} cannot be shared among {} within {}",
        crate::text::count(count, "party", "parties"),
        describe_limits(minimum, maximum_share)
    )]
    AssessLimitsUnreachable {
        total: Money,
        count: usize,
        minimum: Option<Money>,
        maximum_share: Option<Decimal>,
    },
    #[error("--minimum and --maximum-share do not apply to --method fixed")]
    AssessFixedWithLimits,
    #[error("the fixed assessments add up to {sum}, but the budget is {total}")]
    AssessFixedTotal { sum: Money, total: Money },
    #[error("the portions of a payment add up to {applied}, not its value {value}")]
    AllocationMismatch { value: Money, applied: Money },
    #[error("a pledge must be positive, got {amount}")]
    PledgeNotPositive { amount: Money },
    #[error(
        "'{}' is not a report period: write `initial` or the calendar year an annual update \
         covers (e.g. 2016)",
        crate::text::excerpt(period)
    )]
    ReportPeriodInvalid { period: String },
    #[error(
        "{party}'s initial report cannot be submitted on {submitted_on}, before the \
         Convention entered into force for it on {in_force_on}"
    )]
    ReportBeforeEntryIntoForce {
        party: PartyCode,
        submitted_on: NaiveDate,
        in_force_on: NaiveDate,
    },
    #[error(
        "{party}'s annual update for {year} cannot be submitted on {submitted_on}: the year it \
         covers ends on {year}-12-31, so it is submitted from {}-01-01 on",
        year + 1
    )]
    ReportBeforePeriodEnd {
        party: PartyCode,
        year: i32,
        submitted_on: NaiveDate,
    },
    #[error("an annual update for {year} is refused as of {as_of}: that year has not even begun")]
    ReportPeriodInFuture { year: i32, as_of: NaiveDate },
    #[error(
        "{party} is a {kind}, not a State Party: only States Parties submit Article 7 reports"
    )]
    ReportNotStateParty { party: PartyCode, kind: String },
}

fn describe_limits(minimum: &Option<Money>, maximum_share: &Option<Decimal>) -> String {
    let mut parts = Vec::new();
    if let Some(m) = minimum {
        parts.push(format!("a minimum of {m} each"));
    }
    if let Some(p) = maximum_share {
        parts.push(format!("a maximum share of {p}% each"));
    }
    parts.join(" and ")
}

/// `CHF 1'000.00 short of` or `CHF 1'000.00 over`, for a difference of lines minus total.
fn shortfall_or_excess(difference: &Money) -> String {
    let size = Money::from_minor(difference.minor().abs(), difference.currency());
    if difference.minor() < 0 {
        format!("{size} short of")
    } else {
        format!("{size} over")
    }
}

/// Parses an ISO `YYYY-MM-DD` date a user gives, refusing impossible days such as
/// `2017-02-30` and days outside the range the books accept (see [`dates`]).
pub fn parse_date(input: &str) -> Result<NaiveDate, DomainError> {
    dates::check_date(parse_iso_date(input)?)
}

/// Parses an ISO date and checks it against the given range rather than the installed one.
pub fn parse_date_within(input: &str, range: &dates::DateRange) -> Result<NaiveDate, DomainError> {
    range.check(parse_iso_date(input)?)
}

/// Reads `YYYY-MM-DD` with a real day; no range.
fn parse_iso_date(input: &str) -> Result<NaiveDate, DomainError> {
    let text = input.trim();
    let well_formed = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !well_formed {
        return Err(DomainError::DateInvalid {
            input: input.to_string(),
        });
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| DomainError::DateInvalid {
        input: input.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real_iso_days() {
        assert_eq!(
            parse_date("2017-02-28"),
            Ok(NaiveDate::from_ymd_opt(2017, 2, 28).unwrap())
        );
        assert_eq!(
            parse_date("2016-02-29"),
            Ok(NaiveDate::from_ymd_opt(2016, 2, 29).unwrap())
        );
        for bad in [
            "2017-02-30",
            "2017-02-29",
            "2017-13-01",
            "17-02-01",
            "2017/02/01",
            "2017-2-1",
            "",
            "01.02.2017",
        ] {
            let error = parse_date(bad).unwrap_err();
            assert!(error.to_string().contains(bad), "{error}");
        }
    }

    #[test]
    fn dates_before_1990_are_refused_when_parsed() {
        assert_eq!(
            parse_date("0017-06-27"),
            Err(DomainError::DateTooEarly {
                date: NaiveDate::from_ymd_opt(17, 6, 27).unwrap()
            })
        );
        assert!(parse_date("1989-12-31").is_err());
        assert!(parse_date("1990-01-01").is_ok());
    }
}
