//! Annual budgets approved by the Meeting of States Parties, with their lines.

use chrono::NaiveDate;
use serde::Serialize;

use super::DomainError;
use crate::ledger::check_budget_year;
use crate::money::{Currency, Money};

/// One line of a budget, such as `staff` or `translation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLine {
    pub name: String,
    pub amount: Money,
}

/// The budget approved for a year. A year may be approved again (a revision); each
/// approval is kept, and reports use the one in force on their date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Budget {
    pub year: i32,
    pub total: Money,
    pub approved_by: Option<String>,
    pub approved_on: NaiveDate,
    pub lines: Vec<BudgetLine>,
}

impl Budget {
    /// Checks a budget: positive, lines named once each and adding up to the total. That it
    /// is in the book currency is checked where it is recorded.
    pub fn new(
        year: i32,
        total: Money,
        approved_by: Option<String>,
        approved_on: NaiveDate,
        lines: Vec<BudgetLine>,
    ) -> Result<Budget, DomainError> {
        check_budget_year(year)?;
        if !total.is_positive() {
            return Err(DomainError::BudgetTotalNotPositive { total });
        }
        let mut lines_total = Money::zero(total.currency());
        for (index, line) in lines.iter().enumerate() {
            if lines[..index].iter().any(|l| l.name == line.name) {
                return Err(DomainError::BudgetLineDuplicate {
                    name: line.name.clone(),
                });
            }
            if line.amount.minor() < 0 {
                return Err(DomainError::BudgetLineNegative {
                    name: line.name.clone(),
                    amount: line.amount,
                });
            }
            lines_total = lines_total.checked_add(line.amount)?;
        }
        if !lines.is_empty() && lines_total != total {
            return Err(DomainError::BudgetLinesDoNotAddUp {
                lines_total,
                total,
                difference: lines_total.checked_sub(total)?,
            });
        }
        let approved_by = approved_by
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty());
        if let Some(text) = &approved_by {
            crate::ledger::check_text("--approved-by", text)?;
        }
        Ok(Budget {
            year,
            total,
            approved_by,
            approved_on,
            lines,
        })
    }
}

/// Why a budget version cannot be withdrawn, or a new one recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetVersionError {
    #[error("--version must be 1 or more (versions are numbered from 1 in each year)")]
    VersionNotPositive,
    #[error("budget {year} has no version {version}{known}")]
    VersionUnknown {
        year: i32,
        version: i64,
        /// ` (its versions are 1, 2)`, or `: no budget is recorded for 2017`.
        known: String,
    },
    #[error("version {version} of budget {year} is already withdrawn ({reason}); nothing written")]
    AlreadyWithdrawn {
        year: i32,
        version: i64,
        reason: String,
    },
    #[error(
        "budget {year} would get a version dated {approved_on}, before version {latest} \
         approved on {latest_on}: a revision cannot be dated before the version it revises; \
         give --approved-on {latest_on} or later, or, if version {latest} carries a wrong \
         date, withdraw it first (`isu-ledger budget withdraw {year} --version {latest} \
         --reason TEXT`)"
    )]
    DatedBeforeLatest {
        year: i32,
        approved_on: NaiveDate,
        latest: i64,
        latest_on: NaiveDate,
    },
}

/// A version of a year's budget as these rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionState {
    pub version: i64,
    pub approved_on: NaiveDate,
    /// The reason it was withdrawn, if it was.
    pub withdrawn: Option<String>,
}

/// The latest version of a year not withdrawn: the one a revision revises.
fn latest_standing(versions: &[VersionState]) -> Option<&VersionState> {
    versions
        .iter()
        .filter(|v| v.withdrawn.is_none())
        .max_by_key(|v| v.version)
}

/// Checks that `version` of `year` can be withdrawn: it exists and was not withdrawn yet.
pub fn check_withdrawal(
    year: i32,
    version: i64,
    versions: &[VersionState],
) -> Result<(), BudgetVersionError> {
    if version < 1 {
        return Err(BudgetVersionError::VersionNotPositive);
    }
    let Some(found) = versions.iter().find(|v| v.version == version) else {
        let known = if versions.is_empty() {
            format!(": no budget is recorded for {year}")
        } else {
            let numbers: Vec<String> = versions.iter().map(|v| v.version.to_string()).collect();
            format!(" (its versions are {})", numbers.join(", "))
        };
        return Err(BudgetVersionError::VersionUnknown {
            year,
            version,
            known,
        });
    };
    match &found.withdrawn {
        Some(reason) => Err(BudgetVersionError::AlreadyWithdrawn {
            year,
            version,
            reason: reason.clone(),
        }),
        None => Ok(()),
    }
}

/// Checks that a new version of `year` approved on `approved_on` is not dated before the
/// latest version not withdrawn: a revision follows what it revises.
pub fn check_new_version(
    year: i32,
    approved_on: NaiveDate,
    versions: &[VersionState],
) -> Result<(), BudgetVersionError> {
    match latest_standing(versions) {
        Some(latest) if approved_on < latest.approved_on => {
            Err(BudgetVersionError::DatedBeforeLatest {
                year,
                approved_on,
                latest: latest.version,
                latest_on: latest.approved_on,
            })
        }
        _ => Ok(()),
    }
}

/// Why no budget of `year` is in force on `date`, with the way out: the approval dates
/// found, and `--approved-on` for a budget recorded without the date of its decision.
pub fn no_budget_message(year: i32, date: NaiveDate, versions: &[VersionState]) -> String {
    let standing: Vec<&VersionState> = versions.iter().filter(|v| v.withdrawn.is_none()).collect();
    match standing.iter().map(|v| v.approved_on).min() {
        None if versions.is_empty() => format!(
            "no budget for {year}: record it with `isu-ledger budget set {year} --total AMOUNT \
             --approved-on DATE` (the date of the decision)"
        ),
        None => format!(
            "no budget for {year} is in force: every version was withdrawn; record it again \
             with `isu-ledger budget set {year} --total AMOUNT --approved-on DATE`"
        ),
        Some(first_on) => format!(
            "no budget for {year} was approved by {date}: the first approval in force is \
             dated {first_on}; give a later --as-of, or, if {first_on} is not the date of the \
             decision, withdraw that version (`isu-ledger budget withdraw {year} --version N \
             --reason TEXT`) and record it again with --approved-on DATE"
        ),
    }
}

/// Parses `--line NAME=AMOUNT` (`staff=300'000`) in the given currency.
pub fn parse_line(text: &str, currency: Currency) -> Result<BudgetLine, DomainError> {
    let malformed = || DomainError::BudgetLineMalformed {
        text: text.to_string(),
    };
    let (name, amount) = text.split_once('=').ok_or_else(malformed)?;
    let name = name.trim();
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == ' ');
    if !name_ok {
        return Err(malformed());
    }
    Ok(BudgetLine {
        name: name.to_string(),
        amount: Money::parse(amount, currency)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chf(minor: i64) -> Money {
        Money::from_minor(minor, Currency::CHF)
    }

    fn approved() -> NaiveDate {
        NaiveDate::from_ymd_opt(2016, 9, 7).unwrap()
    }

    fn line(name: &str, minor: i64) -> BudgetLine {
        BudgetLine {
            name: name.into(),
            amount: chf(minor),
        }
    }

    #[test]
    fn lines_that_add_up_are_accepted() {
        let budget = Budget::new(
            2017,
            chf(45_900_000),
            Some(" 6MSP ".into()),
            approved(),
            vec![line("staff", 40_000_000), line("travel", 5_900_000)],
        )
        .unwrap();
        assert_eq!(budget.approved_by.as_deref(), Some("6MSP"));
        assert!(Budget::new(2017, chf(1), None, approved(), vec![]).is_ok());
    }

    #[test]
    fn lines_that_do_not_add_up_say_by_how_much() {
        let error = Budget::new(
            2017,
            chf(45_900_000),
            None,
            approved(),
            vec![line("staff", 40_000_000), line("travel", 5_000_000)],
        )
        .unwrap_err();
        assert_eq!(
            error,
            DomainError::BudgetLinesDoNotAddUp {
                lines_total: chf(45_000_000),
                total: chf(45_900_000),
                difference: chf(-900_000),
            }
        );
        assert!(error.to_string().contains("CHF -9'000.00"), "{error}");
        assert!(
            error
                .to_string()
                .contains("the lines are CHF 9'000.00 short of the total"),
            "{error}"
        );
    }

    #[test]
    fn each_rule_rejects_its_case() {
        assert!(matches!(
            Budget::new(2017, chf(0), None, approved(), vec![]),
            Err(DomainError::BudgetTotalNotPositive { .. })
        ));
        assert!(matches!(
            Budget::new(17, chf(5), None, approved(), vec![]),
            Err(DomainError::Ledger(_))
        ));
        assert!(matches!(
            Budget::new(
                2017,
                chf(10),
                None,
                approved(),
                vec![line("a", 5), line("a", 5)]
            ),
            Err(DomainError::BudgetLineDuplicate { .. })
        ));
        assert!(matches!(
            Budget::new(
                2017,
                chf(10),
                None,
                approved(),
                vec![line("a", 15), line("b", -5)]
            ),
            Err(DomainError::BudgetLineNegative { .. })
        ));
    }

    fn version(version: i64, (m, d): (u32, u32), withdrawn: Option<&str>) -> VersionState {
        VersionState {
            version,
            approved_on: NaiveDate::from_ymd_opt(2016, m, d).unwrap(),
            withdrawn: withdrawn.map(str::to_string),
        }
    }

    #[test]
    fn only_a_known_version_not_yet_withdrawn_can_be_withdrawn() {
        let versions = [version(1, (9, 7), Some("typo")), version(2, (11, 1), None)];
        assert_eq!(check_withdrawal(2017, 2, &versions), Ok(()));
        assert_eq!(
            check_withdrawal(2017, 1, &versions),
            Err(BudgetVersionError::AlreadyWithdrawn {
                year: 2017,
                version: 1,
                reason: "typo".into()
            })
        );
        let unknown = check_withdrawal(2017, 3, &versions).unwrap_err();
        assert!(
            unknown.to_string().contains("its versions are 1, 2"),
            "{unknown}"
        );
        let none = check_withdrawal(2018, 1, &[]).unwrap_err();
        assert!(none.to_string().contains("no budget is recorded for 2018"));
        assert_eq!(
            check_withdrawal(2017, 0, &versions),
            Err(BudgetVersionError::VersionNotPositive)
        );
    }

    #[test]
    fn a_new_version_is_not_dated_before_the_latest_one_standing() {
        let day = |m, d| NaiveDate::from_ymd_opt(2016, m, d).unwrap();
        let versions = [version(1, (9, 7), None), version(2, (11, 1), None)];
        assert_eq!(check_new_version(2017, day(11, 1), &versions), Ok(()));
        assert_eq!(check_new_version(2017, day(12, 1), &versions), Ok(()));
        assert!(matches!(
            check_new_version(2017, day(10, 31), &versions),
            Err(BudgetVersionError::DatedBeforeLatest { latest: 2, .. })
        ));
        // A withdrawn version does not count: its date may be the error.
        let versions = [
            version(1, (9, 7), None),
            version(2, (11, 1), Some("wrong date")),
        ];
        assert_eq!(check_new_version(2017, day(10, 31), &versions), Ok(()));
        assert!(check_new_version(2017, day(9, 6), &versions).is_err());
        assert_eq!(check_new_version(2017, day(1, 1), &[]), Ok(()));
    }

    #[test]
    fn the_missing_budget_message_names_the_date_found_and_approved_on() {
        let day = NaiveDate::from_ymd_opt(2017, 3, 1).unwrap();
        let none = no_budget_message(2017, day, &[]);
        assert!(none.contains("--approved-on DATE"), "{none}");
        let later = no_budget_message(2017, day, &[version(1, (9, 7), None)]);
        assert!(
            later.contains("was approved by 2017-03-01")
                && later.contains("dated 2016-09-07")
                && later.contains("--approved-on"),
            "{later}"
        );
        let withdrawn = no_budget_message(2017, day, &[version(1, (9, 7), Some("x"))]);
        assert!(
            withdrawn.contains("every version was withdrawn"),
            "{withdrawn}"
        );
    }

    #[test]
    fn budget_lines_parse_name_equals_amount() {
        assert_eq!(
            parse_line("staff=300'000", Currency::CHF),
            Ok(line("staff", 30_000_000))
        );
        for bad in ["staff", "=5", "a;b=5", "staff=x"] {
            assert!(parse_line(bad, Currency::CHF).is_err(), "{bad}");
        }
    }
}
