//! Assessments: what each party is asked to pay towards a budget year, computed from a
//! scale re-normalised over the parties expected to pay, equally, or from a fixed list;
//! with an optional floor (minimum amount) and ceiling (maximum share of the budget).
//! The assessments always add up to the budget exactly.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::scale::{apportion, Scale};
use super::{accounts, DomainError};
use crate::ledger::{EntryKind, FundCode, NewEntry, PartyCode, Transfer};
use crate::money::Money;

/// How the budget is shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// In proportion to the scale's rates over the parties assessed.
    AdjustedScale(Scale),
    /// The same amount for every party assessed.
    Equal,
    /// The amounts given, which must add up to the budget.
    Fixed(BTreeMap<PartyCode, Money>),
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::AdjustedScale(_) => "adjusted-scale",
            Method::Equal => "equal",
            Method::Fixed(_) => "fixed",
        }
    }
}

/// Floor and ceiling on each party's assessment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// No party pays less than this.
    pub minimum: Option<Money>,
    /// No party pays more than this per cent of the budget.
    pub maximum_share: Option<Decimal>,
}

/// One party's assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub party: PartyCode,
    /// The party's rate on the scale, in per cent (adjusted-scale only).
    pub scale_rate: Option<Decimal>,
    /// The party's share of the budget in per cent, to six decimals, for display.
    pub share: Decimal,
    pub amount: Money,
    /// Set when the floor or the ceiling decided the amount.
    pub limited_by: Option<Limit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Minimum,
    MaximumShare,
}

impl Limit {
    pub fn as_str(&self) -> &'static str {
        match self {
            Limit::Minimum => "minimum",
            Limit::MaximumShare => "maximum share",
        }
    }
}

/// Shares `total` among `parties` (codes, in any order; each once) by `method`, within
/// `limits`. The result is in code order and adds up to `total` exactly.
pub fn assess(
    total: Money,
    parties: &[PartyCode],
    method: &Method,
    limits: Limits,
) -> Result<Vec<Assessment>, DomainError> {
    if !total.is_positive() {
        return Err(DomainError::BudgetTotalNotPositive { total });
    }
    let parties: BTreeSet<PartyCode> = parties.iter().cloned().collect();
    let weights: Vec<(PartyCode, Decimal)> = match method {
        Method::Fixed(amounts) => return fixed(total, amounts, limits),
        Method::Equal => parties.iter().map(|p| (p.clone(), Decimal::ONE)).collect(),
        Method::AdjustedScale(scale) => parties
            .iter()
            .map(|party| match scale.rate(party) {
                Some(rate) => Ok((party.clone(), rate)),
                None => Err(DomainError::ScaleMissingParty {
                    party: party.clone(),
                    scale: scale.name.clone(),
                }),
            })
            .collect::<Result<_, _>>()?,
    };
    if weights.is_empty() {
        return Err(DomainError::AssessNoParties);
    }
    let (fixed_amounts, free) = apply_limits(total, &weights, limits)?;
    let remaining = total.minor() - fixed_amounts.values().map(|(m, _)| m).sum::<i64>();
    let free_weights: Vec<(PartyCode, Decimal)> = weights
        .iter()
        .filter(|(p, _)| free.contains(p))
        .cloned()
        .collect();
    let mut amounts: BTreeMap<PartyCode, (i64, Option<Limit>)> = fixed_amounts;
    if !free_weights.is_empty() {
        let weight_sum: Decimal = free_weights.iter().map(|(_, w)| w).sum();
        if weight_sum.is_zero() {
            // Every free party has a zero rate: nothing can be shared over them.
            if remaining != 0 {
                return Err(DomainError::ApportionNoWeight);
            }
            for (party, _) in &free_weights {
                amounts.insert(party.clone(), (0, None));
            }
        } else {
            for (party, minor) in apportion(remaining, &free_weights)? {
                amounts.insert(party, (minor, None));
            }
        }
    } else if remaining != 0 {
        return Err(limits_unreachable(total, parties.len(), limits));
    }
    let rates: BTreeMap<&PartyCode, Decimal> = weights.iter().map(|(p, w)| (p, *w)).collect();
    Ok(amounts
        .into_iter()
        .map(|(party, (minor, limited_by))| Assessment {
            scale_rate: match method {
                Method::AdjustedScale(_) => rates.get(&party).copied(),
                _ => None,
            },
            share: share_percent(minor, total.minor()),
            amount: Money::from_minor(minor, total.currency()),
            limited_by,
            party,
        })
        .collect())
}

/// Which parties the floor or ceiling fixes, and at what amount; the rest are free.
///
/// Each party's amount is `clamp(λ · weight, floor, ceiling)` for the one level `λ` at
/// which the amounts add up to the total (the sum grows with `λ`, so `λ` is found among
/// the points where a party meets its floor or ceiling). Parties strictly between the
/// limits at that level are free: they share what the fixed ones leave in proportion to
/// their weights, and each free party's exact share stays within the limits. All of it is
/// integer arithmetic on the weights scaled to whole units.
#[allow(clippy::type_complexity)]
fn apply_limits(
    total: Money,
    weights: &[(PartyCode, Decimal)],
    limits: Limits,
) -> Result<
    (
        BTreeMap<PartyCode, (i64, Option<Limit>)>,
        BTreeSet<PartyCode>,
    ),
    DomainError,
> {
    let minimum = match limits.minimum {
        Some(m) if m.currency() != total.currency() || m.minor() < 0 => {
            return Err(DomainError::AssessMinimumInvalid { minimum: m });
        }
        Some(m) => Some(i128::from(m.minor())),
        None => None,
    };
    let ceiling = match limits.maximum_share {
        Some(p) if p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED => {
            return Err(DomainError::AssessMaximumShareInvalid { percent: p });
        }
        // The largest whole number of centimes within the share.
        Some(p) => Some(i128::from(
            (Decimal::from(total.minor()) * p / Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(0, RoundingStrategy::ToZero)
                .mantissa() as i64,
        )),
        None => None,
    };
    let total_minor = i128::from(total.minor());
    let unreachable = || limits_unreachable(total, weights.len(), limits);
    let scale = weights.iter().map(|(_, w)| w.scale()).max().unwrap_or(0);
    let units: Vec<(&PartyCode, i128)> = weights
        .iter()
        .map(|(p, w)| {
            let mut w = *w;
            w.rescale(scale);
            (p, w.mantissa())
        })
        .collect();
    let floor = minimum.unwrap_or(0);
    // The amount of party `n` at level a/b (b > 0), times b.
    let amount_times = |n: i128, a: i128, b: i128| -> i128 {
        let exact = a * n;
        if exact <= floor * b {
            floor * b
        } else if ceiling.is_some_and(|c| exact >= c * b) {
            ceiling.unwrap_or_default() * b
        } else {
            exact
        }
    };
    let sum_at =
        |a: i128, b: i128| -> i128 { units.iter().map(|(_, n)| amount_times(*n, a, b)).sum() };
    // Feasible at all: everyone at the floor is not too much; everyone as high as they
    // can go is enough.
    if floor * units.len() as i128 > total_minor {
        return Err(unreachable());
    }
    if let Some(c) = ceiling {
        let most: i128 = units
            .iter()
            .map(|(_, n)| if *n > 0 { c.max(floor) } else { floor })
            .sum();
        if most < total_minor {
            return Err(unreachable());
        }
    }
    if minimum.is_none() && ceiling.is_none() {
        return Ok((
            BTreeMap::new(),
            units.iter().map(|(p, _)| (*p).clone()).collect(),
        ));
    }
    // The levels at which a party meets a limit, as fractions a/b; the last one at which
    // the amounts do not exceed the total fixes who is bound just above it.
    let mut points: Vec<(i128, i128)> = vec![(0, 1)];
    for (_, n) in &units {
        if *n > 0 {
            points.push((floor, *n));
            if let Some(c) = ceiling {
                points.push((c, *n));
            }
        }
    }
    let (a, b) = points
        .into_iter()
        .filter(|(a, b)| sum_at(*a, *b) <= total_minor * b)
        .max_by(|(a1, b1), (a2, b2)| (a1 * b2).cmp(&(a2 * b1)))
        .ok_or_else(unreachable)?;
    let mut fixed = BTreeMap::new();
    let mut free = BTreeSet::new();
    for (party, n) in &units {
        // Just above a/b: bound by the floor while n·a/b < floor (or n is zero), by the
        // ceiling once n·a/b >= ceiling.
        let exact = a * n;
        if *n == 0 || exact < floor * b {
            fixed.insert(
                (*party).clone(),
                (floor as i64, minimum.map(|_| Limit::Minimum)),
            );
        } else if ceiling.is_some_and(|c| exact >= c * b) {
            fixed.insert(
                (*party).clone(),
                (
                    ceiling.unwrap_or_default() as i64,
                    Some(Limit::MaximumShare),
                ),
            );
        } else {
            free.insert((*party).clone());
        }
    }
    let fixed_sum: i64 = fixed.values().map(|(m, _)| m).sum();
    if i128::from(fixed_sum) > total_minor
        || (free.is_empty() && i128::from(fixed_sum) != total_minor)
    {
        return Err(unreachable());
    }
    // Parties fixed at a floor of zero without a minimum are simply free with nothing.
    if minimum.is_none() {
        let zeros: Vec<PartyCode> = fixed
            .iter()
            .filter(|(_, (m, l))| *m == 0 && l.is_none())
            .map(|(p, _)| p.clone())
            .collect();
        for party in zeros {
            fixed.remove(&party);
            free.insert(party);
        }
    }
    Ok((fixed, free))
}

fn limits_unreachable(total: Money, count: usize, limits: Limits) -> DomainError {
    DomainError::AssessLimitsUnreachable {
        total,
        count,
        minimum: limits.minimum,
        maximum_share: limits.maximum_share,
    }
}

fn fixed(
    total: Money,
    amounts: &BTreeMap<PartyCode, Money>,
    limits: Limits,
) -> Result<Vec<Assessment>, DomainError> {
    if limits != Limits::default() {
        return Err(DomainError::AssessFixedWithLimits);
    }
    if amounts.is_empty() {
        return Err(DomainError::AssessNoParties);
    }
    let sum: i64 = amounts.values().map(|m| m.minor()).sum();
    if sum != total.minor() {
        return Err(DomainError::AssessFixedTotal {
            sum: Money::from_minor(sum, total.currency()),
            total,
        });
    }
    Ok(amounts
        .iter()
        .map(|(party, amount)| Assessment {
            party: party.clone(),
            scale_rate: None,
            share: share_percent(amount.minor(), total.minor()),
            amount: *amount,
            limited_by: None,
        })
        .collect())
}

/// `part / whole` in per cent, rounded half away from zero to six decimals.
fn share_percent(part: i64, whole: i64) -> Decimal {
    if whole == 0 {
        return Decimal::ZERO;
    }
    (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
        .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero)
}

/// The entry recording one party's assessment for a budget year: the party's receivable
/// is debited and assessed-contribution income credited. A credit the party holds is
/// applied to it at once, up to the amount assessed, in the same entry.
pub fn assessment_entry(
    assessment: &Assessment,
    party_name: &str,
    budget_year: i32,
    date: NaiveDate,
    fund: FundCode,
    credit_held: Money,
) -> Result<NewEntry, DomainError> {
    charge_entry(
        EntryKind::Assessment,
        &assessment.party,
        assessment.amount,
        format!("Assessment of {party_name} for {budget_year}"),
        budget_year,
        date,
        fund,
        credit_held,
        None,
    )
}

/// The entry recording a pledge: like an assessment, but credited to pledge income.
#[allow(clippy::too_many_arguments)]
pub fn pledge_entry(
    party: &PartyCode,
    party_name: &str,
    amount: Money,
    budget_year: i32,
    date: NaiveDate,
    fund: FundCode,
    credit_held: Money,
    reference: Option<String>,
) -> Result<NewEntry, DomainError> {
    if amount.currency() != credit_held.currency() || !amount.is_positive() {
        return Err(DomainError::PledgeNotPositive { amount });
    }
    charge_entry(
        EntryKind::Pledge,
        party,
        amount,
        format!("Pledge of {party_name} for {budget_year}"),
        budget_year,
        date,
        fund,
        credit_held,
        reference,
    )
}

#[allow(clippy::too_many_arguments)]
fn charge_entry(
    kind: EntryKind,
    party: &PartyCode,
    amount: Money,
    description: String,
    budget_year: i32,
    date: NaiveDate,
    fund: FundCode,
    credit_held: Money,
    reference: Option<String>,
) -> Result<NewEntry, DomainError> {
    let receivable = accounts::receivable(party);
    let income = match kind {
        EntryKind::Pledge => accounts::contributions_pledged(),
        _ => accounts::contributions_assessed(),
    };
    let mut transfers = vec![Transfer::new(receivable.clone(), income, amount)];
    let applied = credit_held.minor().min(amount.minor());
    if applied > 0 {
        transfers.push(Transfer::new(
            accounts::prepaid(party),
            receivable,
            Money::from_minor(applied, amount.currency()),
        ));
    }
    let entry = NewEntry {
        date,
        description,
        kind,
        budget_year,
        fund,
        party: Some(party.clone()),
        reference,
        reverses: None,
        rate: None,
        transfers,
    };
    entry.validate()?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn code(text: &str) -> PartyCode {
        text.parse().unwrap()
    }

    fn chf(text: &str) -> Money {
        Money::parse(text, Currency::CHF).unwrap()
    }

    fn scale(rates: &[(&str, &str)]) -> Scale {
        Scale {
            name: "test".into(),
            rates: rates
                .iter()
                .map(|(c, r)| (code(c), r.parse().unwrap()))
                .collect(),
        }
    }

    fn minors(assessments: &[Assessment]) -> Vec<(String, i64)> {
        assessments
            .iter()
            .map(|a| (a.party.as_str().to_string(), a.amount.minor()))
            .collect()
    }

    #[test]
    fn adjusted_scale_renormalises_over_the_parties_and_adds_up() {
        let scale = scale(&[("DEU", "6.389"), ("FRA", "4.859"), ("LIE", "0.007")]);
        let parties = [code("LIE"), code("DEU"), code("FRA")];
        let method = Method::AdjustedScale(scale);
        let result = assess(chf("459000"), &parties, &method, Limits::default()).unwrap();
        let total: i64 = result.iter().map(|a| a.amount.minor()).sum();
        assert_eq!(total, 45_900_000);
        // DEU: 459000 * 6.389 / 11.255 = 260'555.3976...: rounded down, then a centime
        // left goes to the largest remainder.
        assert_eq!(minors(&result)[0], ("DEU".into(), 26_055_540));
        assert_eq!(result[0].scale_rate, Some("6.389".parse().unwrap()));
    }

    #[test]
    fn a_party_missing_from_the_scale_is_named() {
        let method = Method::AdjustedScale(scale(&[("DEU", "6.389")]));
        let err = assess(
            chf("100"),
            &[code("DEU"), code("VAT")],
            &method,
            Limits::default(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            DomainError::ScaleMissingParty {
                party: code("VAT"),
                scale: "test".into()
            }
        );
    }

    #[test]
    fn floor_and_ceiling_are_respected_and_the_sum_is_kept() {
        let method = Method::AdjustedScale(scale(&[
            ("DEU", "6.389"),
            ("FRA", "4.859"),
            ("LIE", "0.007"),
            ("AND", "0.006"),
        ]));
        let parties = [code("DEU"), code("FRA"), code("LIE"), code("AND")];
        let limits = Limits {
            minimum: Some(chf("1000")),
            maximum_share: Some("40".parse().unwrap()),
        };
        let result = assess(chf("10000"), &parties, &method, limits).unwrap();
        assert_eq!(
            minors(&result),
            [
                ("AND".into(), 100_000),
                ("DEU".into(), 400_000),
                ("FRA".into(), 400_000),
                ("LIE".into(), 100_000)
            ]
        );
        assert_eq!(result[0].limited_by, Some(Limit::Minimum));
        assert_eq!(result[1].limited_by, Some(Limit::MaximumShare));
    }

    #[test]
    fn unreachable_limits_are_refused() {
        let parties = [code("DEU"), code("FRA")];
        let max = Limits {
            maximum_share: Some("40".parse().unwrap()),
            ..Limits::default()
        };
        assert!(matches!(
            assess(chf("100"), &parties, &Method::Equal, max),
            Err(DomainError::AssessLimitsUnreachable { .. })
        ));
        let min = Limits {
            minimum: Some(chf("60")),
            ..Limits::default()
        };
        assert!(matches!(
            assess(chf("100"), &parties, &Method::Equal, min),
            Err(DomainError::AssessLimitsUnreachable { .. })
        ));
    }

    #[test]
    fn equal_and_fixed_methods() {
        let parties = [code("DEU"), code("FRA"), code("AUT")];
        let result = assess(chf("1"), &parties, &Method::Equal, Limits::default()).unwrap();
        assert_eq!(
            minors(&result),
            [("AUT".into(), 34), ("DEU".into(), 33), ("FRA".into(), 33)]
        );
        let amounts: BTreeMap<_, _> = [(code("DEU"), chf("60")), (code("FRA"), chf("40"))].into();
        let fixed = Method::Fixed(amounts);
        assert_eq!(
            assess(chf("100"), &parties, &fixed, Limits::default())
                .unwrap()
                .len(),
            2
        );
        assert!(matches!(
            assess(chf("101"), &parties, &fixed, Limits::default()),
            Err(DomainError::AssessFixedTotal { .. })
        ));
    }

    #[test]
    fn an_assessment_takes_a_held_credit() {
        let a = Assessment {
            party: code("DEU"),
            scale_rate: None,
            share: Decimal::ONE_HUNDRED,
            amount: chf("100"),
            limited_by: None,
        };
        let date = NaiveDate::from_ymd_opt(2017, 1, 1).unwrap();
        let entry =
            assessment_entry(&a, "Germany", 2017, date, FundCode::isu(), chf("30")).unwrap();
        assert_eq!(entry.transfers.len(), 2);
        assert_eq!(entry.transfers[1].amount, chf("30"));
        let entry = assessment_entry(&a, "Germany", 2017, date, FundCode::isu(), chf("0")).unwrap();
        assert_eq!(entry.transfers.len(), 1);
    }
}
