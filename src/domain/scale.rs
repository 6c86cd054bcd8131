//! Scales of assessment (named tables of rates in per cent per party) and the exact
//! apportionment of an amount in proportion to weights, to the centime.
//!
//! The UN scales 2016-2018 to 2025-2027 are built into the binary from
//! `data/un_scale_of_assessments_2016_2027.csv` (see `data/SOURCES.md`).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use rust_decimal::Decimal;

use super::DomainError;
use crate::ledger::PartyCode;

/// A named table of rates, in per cent, per party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub name: String,
    pub rates: BTreeMap<PartyCode, Decimal>,
}

impl Scale {
    pub fn rate(&self, party: &PartyCode) -> Option<Decimal> {
        self.rates.get(party).copied()
    }
}

/// The most decimals a scale rate may have.
pub const RATE_DECIMALS_MAX: u32 = 10;

/// Checks a scale's name: lower case letters, digits and `-`, starting with a letter.
pub fn check_name(name: &str) -> Result<(), DomainError> {
    let ok = name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(DomainError::ScaleNameInvalid {
            name: name.to_string(),
        })
    }
}

/// Parses a rate in per cent: a plain non-negative decimal such as `6.389` or `0.001`.
pub fn parse_rate(input: &str) -> Result<Decimal, DomainError> {
    let text = input.trim();
    let invalid = || DomainError::ScaleRateInvalid {
        input: input.to_string(),
    };
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    if !plain {
        return Err(invalid());
    }
    let rate: Decimal = text.parse().map_err(|_| invalid())?;
    if rate.is_sign_negative() && !rate.is_zero() {
        return Err(DomainError::ScaleRateNegative {
            input: input.to_string(),
        });
    }
    if rate > Decimal::ONE_HUNDRED {
        return Err(DomainError::ScaleRateOver100 {
            input: input.to_string(),
        });
    }
    if rate.scale() > RATE_DECIMALS_MAX {
        return Err(DomainError::ScaleRateTooPrecise {
            input: input.to_string(),
        });
    }
    Ok(rate.normalize())
}

const UN_SCALES_CSV: &str = include_str!("../../data/un_scale_of_assessments_2016_2027.csv");

/// The names of the scales built into the binary.
pub fn builtin_names() -> Vec<&'static str> {
    builtin_scales().iter().map(|s| s.name.as_str()).collect()
}

/// A scale built into the binary, such as `un-2016-2018`.
pub fn builtin(name: &str) -> Option<&'static Scale> {
    builtin_scales().iter().find(|s| s.name == name)
}

fn builtin_scales() -> &'static [Scale] {
    static SCALES: OnceLock<Vec<Scale>> = OnceLock::new();
    SCALES.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(UN_SCALES_CSV.as_bytes());
        let headers = reader.headers().expect("UN scale has headers").clone();
        let periods: Vec<(usize, String)> = headers
            .iter()
            .enumerate()
            .skip(2)
            .map(|(i, period)| (i, format!("un-{period}")))
            .collect();
        let mut scales: Vec<Scale> = periods
            .iter()
            .map(|(_, name)| Scale {
                name: name.clone(),
                rates: BTreeMap::new(),
            })
            .collect();
        for record in reader.records() {
            let record = record.expect("UN scale is valid CSV");
            let code: PartyCode = record[1].parse().expect("UN scale codes are alpha-3");
            for (scale, (column, _)) in scales.iter_mut().zip(&periods) {
                let rate = parse_rate(&record[*column]).expect("UN scale rates are decimals");
                scale.rates.insert(code.clone(), rate);
            }
        }
        scales
    })
}

/// Splits `total_minor` in proportion to `weights`, exactly: each part is its exact share
/// rounded down, and the centimes left over go one each to the largest remainders (ties to
/// the smaller code). The parts add up to `total_minor` and each is within one centime of
/// its exact share. Weights must be non-negative with a positive sum.
pub fn apportion(
    total_minor: i64,
    weights: &[(PartyCode, Decimal)],
) -> Result<Vec<(PartyCode, i64)>, DomainError> {
    if total_minor < 0 {
        return Err(DomainError::ApportionNegative { total_minor });
    }
    let scale = weights.iter().map(|(_, w)| w.scale()).max().unwrap_or(0);
    let mut units = Vec::with_capacity(weights.len());
    for (party, weight) in weights {
        if weight.is_sign_negative() && !weight.is_zero() {
            return Err(DomainError::ApportionNegative { total_minor });
        }
        let mut w = *weight;
        w.rescale(scale);
        units.push((party, w.mantissa()));
    }
    let sum: i128 = units.iter().map(|(_, n)| n).sum();
    if sum <= 0 {
        return Err(DomainError::ApportionNoWeight);
    }
    let total = i128::from(total_minor);
    let mut parts: Vec<(&PartyCode, i128, i128)> = units
        .iter()
        .map(|(party, n)| {
            let exact = total * n;
            (*party, exact / sum, exact % sum)
        })
        .collect();
    let given: i128 = parts.iter().map(|(_, floor, _)| floor).sum();
    let left = (total - given) as usize;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| match parts[b].2.cmp(&parts[a].2) {
        Ordering::Equal => parts[a].0.cmp(parts[b].0),
        other => other,
    });
    for &index in order.iter().take(left) {
        parts[index].1 += 1;
    }
    Ok(parts
        .into_iter()
        .map(|(party, minor, _)| (party.clone(), minor as i64))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> PartyCode {
        text.parse().unwrap()
    }

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn the_un_scales_are_built_in_and_each_sums_to_100() {
        assert_eq!(
            builtin_names(),
            [
                "un-2016-2018",
                "un-2019-2021",
                "un-2022-2024",
                "un-2025-2027"
            ]
        );
        for name in builtin_names() {
            let scale = builtin(name).unwrap();
            assert_eq!(scale.rates.len(), 193, "{name}");
            let sum: Decimal = scale.rates.values().sum();
            assert_eq!(sum, dec("100"), "{name}");
        }
        assert_eq!(
            builtin("un-2016-2018").unwrap().rate(&code("DEU")),
            Some(dec("6.389"))
        );
        assert!(builtin("un-2015").is_none());
    }

    #[test]
    fn rates_are_plain_non_negative_decimals() {
        assert_eq!(parse_rate(" 6.389 "), Ok(dec("6.389")));
        assert_eq!(parse_rate("0"), Ok(Decimal::ZERO));
        assert!(matches!(
            parse_rate("-0.1"),
            Err(DomainError::ScaleRateNegative { .. })
        ));
        for bad in ["", "abc", "1e3", "1,5", "NaN", "0x10"] {
            assert!(
                matches!(parse_rate(bad), Err(DomainError::ScaleRateInvalid { .. })),
                "{bad:?}"
            );
        }
        assert!(matches!(
            parse_rate("100.5"),
            Err(DomainError::ScaleRateOver100 { .. })
        ));
        assert!(matches!(
            parse_rate("0.00000000001"),
            Err(DomainError::ScaleRateTooPrecise { .. })
        ));
    }

    #[test]
    fn scale_names_are_simple() {
        assert!(check_name("ccm-2016-2018").is_ok());
        for bad in ["", "UN", "2016", "a b", "x;y"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn apportion_is_exact_with_largest_remainders_and_ties_by_code() {
        // Three equal weights over 100 centimes: 33.33... each, one centime left, which
        // goes to the first code.
        let weights = [
            (code("CHE"), dec("1")),
            (code("AUT"), dec("1")),
            (code("DEU"), dec("1")),
        ];
        let parts = apportion(100, &weights).unwrap();
        assert_eq!(
            parts,
            [(code("CHE"), 33), (code("AUT"), 34), (code("DEU"), 33)]
        );
        // Largest remainder wins over the code order.
        let weights = [(code("AUT"), dec("0.1")), (code("CHE"), dec("0.2"))];
        assert_eq!(
            apportion(10, &weights).unwrap(),
            [(code("AUT"), 3), (code("CHE"), 7)]
        );
        assert_eq!(
            apportion(0, &weights).unwrap(),
            [(code("AUT"), 0), (code("CHE"), 0)]
        );
        assert_eq!(
            apportion(5, &[(code("AUT"), dec("0"))]),
            Err(DomainError::ApportionNoWeight)
        );
    }
}
