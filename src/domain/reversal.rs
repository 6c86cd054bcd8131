//! Reversals: the only way to correct the append-only books. A reversal mirrors every
//! transfer of the original, in the same budget year, fund and party, and names it.

use chrono::NaiveDate;

use super::DomainError;
use crate::ledger::{Entry, EntryKind, NewEntry};

/// The entry that reverses `original` on `date` for `reason`.
pub fn reversal_of(
    original: &Entry,
    reason: &str,
    date: NaiveDate,
) -> Result<NewEntry, DomainError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DomainError::ReversalReasonEmpty);
    }
    if let Some(by) = original.reversed_by {
        return Err(DomainError::AlreadyReversed {
            id: original.id,
            by,
        });
    }
    let recorded = &original.recorded;
    if let Some((reversed, _)) = &recorded.reverses {
        return Err(DomainError::ReversalOfReversal {
            id: original.id,
            original: *reversed,
        });
    }
    if date < recorded.date {
        return Err(DomainError::ReversalBeforeOriginal {
            id: original.id,
            original_date: recorded.date,
            date,
        });
    }
    let entry = NewEntry {
        date,
        description: format!("Reversal of entry {}: {reason}", original.id),
        kind: EntryKind::Reversal,
        budget_year: recorded.budget_year,
        fund: recorded.fund.clone(),
        party: recorded.party.clone(),
        reference: None,
        reverses: Some((original.id, reason.to_string())),
        rate: recorded.rate,
        transfers: recorded.transfers.iter().map(|t| t.mirrored()).collect(),
    };
    entry.validate()?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{EntryId, FundCode, Transfer};
    use crate::money::{Currency, Money};

    fn original() -> Entry {
        Entry {
            id: EntryId(7),
            recorded: NewEntry {
                date: NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
                description: "Contribution from Germany for 2017".into(),
                kind: EntryKind::Contribution,
                budget_year: 2017,
                fund: FundCode::isu(),
                party: Some("DEU".parse().unwrap()),
                reference: Some("BANK-1".into()),
                reverses: None,
                rate: None,
                transfers: vec![Transfer::new(
                    "assets:bank:chf".parse().unwrap(),
                    "income:contributions:voluntary".parse().unwrap(),
                    Money::from_minor(500, Currency::CHF),
                )],
            },
            entered_at: "2017-03-02T09:00:00Z".into(),
            entered_by: "finance".into(),
            reversed_by: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, 4, 1).unwrap()
    }

    #[test]
    fn a_reversal_mirrors_the_original_in_its_budget_year() {
        let reversal = reversal_of(&original(), " typed twice ", today()).unwrap();
        assert_eq!(reversal.kind, EntryKind::Reversal);
        assert_eq!(reversal.budget_year, 2017);
        assert_eq!(reversal.date, today());
        assert_eq!(reversal.reverses, Some((EntryId(7), "typed twice".into())));
        assert_eq!(reversal.reference, None);
        assert_eq!(
            reversal.transfers[0],
            original().recorded.transfers[0].mirrored()
        );
    }

    #[test]
    fn each_rule_rejects_its_case() {
        assert_eq!(
            reversal_of(&original(), "  ", today()),
            Err(DomainError::ReversalReasonEmpty)
        );
        let before = NaiveDate::from_ymd_opt(2017, 2, 28).unwrap();
        assert_eq!(
            reversal_of(&original(), "early", before),
            Err(DomainError::ReversalBeforeOriginal {
                id: EntryId(7),
                original_date: NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
                date: before
            })
        );
        assert!(reversal_of(&original(), "same day", original().recorded.date).is_ok());
        let mut reversed = original();
        reversed.reversed_by = Some(EntryId(9));
        assert_eq!(
            reversal_of(&reversed, "again", today()),
            Err(DomainError::AlreadyReversed {
                id: EntryId(7),
                by: EntryId(9)
            })
        );
        let reversal = Entry {
            id: EntryId(9),
            recorded: reversal_of(&original(), "x", today()).unwrap(),
            ..original()
        };
        assert_eq!(
            reversal_of(&reversal, "undo", today()),
            Err(DomainError::ReversalOfReversal {
                id: EntryId(9),
                original: EntryId(7)
            })
        );
    }
}
