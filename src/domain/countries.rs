//! ISO 3166 countries with their UN names, from `data/country-codes.csv` (see
//! `data/SOURCES.md`), built into the binary.

use std::collections::HashMap;
use std::sync::OnceLock;

/// One country or territory of ISO 3166-1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    pub alpha3: String,
    /// The UN short name in English, without the article: "United Kingdom of Great Britain
    /// and Northern Ireland".
    pub name_en: String,
    /// The UN short names in French and Spanish, without the article: "Suisse", "Suiza".
    pub name_fr: String,
    pub name_es: String,
    /// UN formal names, with their article, for letters: "the Swiss Confederation".
    pub formal_en: String,
    pub formal_fr: String,
    pub formal_es: String,
}

const COUNTRY_CODES_CSV: &str = include_str!("../../data/country-codes.csv");
/// The UN names of the States whose UNTERM columns are blank in the table above (see
/// `data/SOURCES.md`), read over it.
const CORRECTIONS_CSV: &str = include_str!("../../data/un-names-corrections.csv");

/// Looks a country up by its alpha-3 code (upper case).
pub fn find(alpha3: &str) -> Option<&'static Country> {
    table().get(alpha3)
}

fn table() -> &'static HashMap<String, Country> {
    static TABLE: OnceLock<HashMap<String, Country>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = load(COUNTRY_CODES_CSV);
        correct(&mut table, CORRECTIONS_CSV);
        table
    })
}

/// Strips the UN terminology marks: a trailing article in brackets and asterisks.
fn clean_name(name: &str) -> String {
    let name = name.replace('*', "");
    let name = name.trim();
    let name = [
        "(the)", "(l')", "(le)", "(la)", "(les)", "(el)", "(los)", "(las)",
    ]
    .iter()
    .find_map(|article| name.strip_suffix(article))
    .unwrap_or(name);
    name.trim().to_string()
}

fn load(text: &str) -> HashMap<String, Country> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("country table has headers").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("country table has a column {name}"))
    };
    let alpha3 = column("ISO3166-1-Alpha-3");
    let short_en = column("UNTERM English Short");
    let official_en = column("official_name_en");
    let formal_en = column("UNTERM English Formal");
    let formal_fr = column("UNTERM French Formal");
    let formal_es = column("UNTERM Spanish Formal");
    let short_fr = column("UNTERM French Short");
    let short_es = column("UNTERM Spanish Short");
    let mut countries = HashMap::new();
    for record in reader.records() {
        let record = record.expect("country table is valid CSV");
        let code = record[alpha3].trim().to_string();
        if code.is_empty() {
            continue;
        }
        let short = clean_name(&record[short_en]);
        let name_en = if short.is_empty() {
            record[official_en].trim().to_string()
        } else {
            short
        };
        let formal = |index: usize| {
            let name = clean_name(&record[index]);
            if name.is_empty() {
                name_en.clone()
            } else {
                name
            }
        };
        let country = Country {
            alpha3: code.clone(),
            formal_en: formal(formal_en),
            formal_fr: formal(formal_fr),
            formal_es: formal(formal_es),
            name_fr: formal(short_fr),
            name_es: formal(short_es),
            name_en: name_en.clone(),
        };
        countries.insert(code, country);
    }
    countries
}

/// Reads the corrected UN names over the table.
fn correct(table: &mut HashMap<String, Country>, text: &str) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for record in reader.records() {
        let record = record.expect("the corrections are valid CSV");
        let code = record[0].trim().to_string();
        table.insert(
            code.clone(),
            Country {
                alpha3: code,
                name_en: clean_name(&record[1]),
                name_fr: clean_name(&record[3]),
                name_es: clean_name(&record[5]),
                formal_en: clean_name(&record[2]),
                formal_fr: clean_name(&record[4]),
                formal_es: clean_name(&record[6]),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_states_and_observers_by_their_un_names() {
        assert_eq!(find("CHE").unwrap().name_en, "Switzerland");
        assert_eq!(find("CHE").unwrap().formal_en, "the Swiss Confederation");
        assert_eq!(find("CHE").unwrap().formal_fr, "la Confédération suisse");
        assert_eq!(find("VAT").unwrap().name_en, "Holy See");
        assert_eq!(find("PSE").unwrap().name_en, "State of Palestine");
        assert_eq!(
            find("GBR").unwrap().name_en,
            "United Kingdom of Great Britain and Northern Ireland"
        );
        assert!(find("XYZ").is_none());
        assert!(find("deu").is_none(), "lookups are by upper-case code");
        assert!(table().len() > 240);
    }

    #[test]
    fn cote_divoire_and_turkiye_have_their_un_names_in_three_languages() {
        let civ = find("CIV").unwrap();
        assert_eq!(civ.name_en, "Côte d'Ivoire");
        assert_eq!(civ.formal_fr, "la République de Côte d'Ivoire");
        assert_eq!(civ.formal_es, "la República de Côte d'Ivoire");
        assert_eq!(find("TUR").unwrap().formal_en, "the Republic of Türkiye");
        assert_eq!(civ.name_fr, "Côte d'Ivoire");
        assert_eq!(find("CHE").unwrap().name_fr, "Suisse");
        assert_eq!(find("NLD").unwrap().name_es, "Países Bajos");
    }

    #[test]
    fn every_member_state_and_observer_has_its_names_in_three_languages() {
        // The States of the UN scale of assessments, and the two observer States.
        let scale = include_str!("../../data/un_scale_of_assessments_2016_2027.csv");
        let mut reader = csv::Reader::from_reader(scale.as_bytes());
        let iso = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "iso3")
            .expect("the scale has an iso3 column");
        let mut codes: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[iso].trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        codes.extend(["VAT".to_string(), "PSE".to_string()]);
        assert!(codes.len() > 190, "{}", codes.len());
        for code in codes {
            let country = find(&code).unwrap_or_else(|| panic!("{code} is in the table"));
            for name in [
                &country.name_en,
                &country.name_fr,
                &country.name_es,
                &country.formal_en,
                &country.formal_fr,
                &country.formal_es,
            ] {
                assert!(!name.is_empty(), "{code}");
            }
            assert_ne!(country.name_en, "Ivory Coast");
        }
        // Where the table's UNTERM columns are blank, the corrections give the names (else
        // an English name would stand in French and Spanish letters).
        let corrected: Vec<&str> = CORRECTIONS_CSV
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').next())
            .collect();
        let mut reader = csv::Reader::from_reader(COUNTRY_CODES_CSV.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (alpha3, independent) = (column("ISO3166-1-Alpha-3"), column("is_independent"));
        let unterm: Vec<usize> = [
            "UNTERM English Short",
            "UNTERM French Short",
            "UNTERM Spanish Short",
            "UNTERM English Formal",
            "UNTERM French Formal",
            "UNTERM Spanish Formal",
        ]
        .iter()
        .map(|name| column(name))
        .collect();
        for record in reader.records() {
            let record = record.unwrap();
            let code = record[alpha3].trim();
            let member = record[independent].starts_with("Yes") && code != "TWN";
            if !member || corrected.contains(&code) {
                continue;
            }
            for &index in &unterm {
                assert!(
                    !record[index].trim().is_empty(),
                    "{code}: {}",
                    &headers[index]
                );
            }
        }
    }
}
