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
    /// UN formal names, with their article, for letters: "the Swiss Confederation".
    pub formal_en: String,
    pub formal_fr: String,
    pub formal_es: String,
}

const COUNTRY_CODES_CSV: &str = include_str!("../../data/country-codes.csv");

/// Looks a country up by its alpha-3 code (upper case).
pub fn find(alpha3: &str) -> Option<&'static Country> {
    table().get(alpha3)
}

fn table() -> &'static HashMap<String, Country> {
    static TABLE: OnceLock<HashMap<String, Country>> = OnceLock::new();
    TABLE.get_or_init(|| load(COUNTRY_CODES_CSV))
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
            name_en: name_en.clone(),
        };
        countries.insert(code, country);
    }
    countries
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
}
