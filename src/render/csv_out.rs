//! The CSV writer: the table's headers, rows and totals, amounts as plain numbers, and text
//! neutralised so that a spreadsheet cannot run it as a formula.

use std::io::Write;

use super::{Cell, Table};

/// Text cells starting with these are read as formulas by spreadsheets.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Prefixes a text that a spreadsheet would run as a formula with `'`, which makes it text.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub(super) fn csv_value(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => neutralise(text),
        Cell::Amount(money) | Cell::Money(money) => money.plain(),
        Cell::Percent(percent) => percent.to_decimal(2).to_string(),
        Cell::Count(count) => count.to_string(),
        Cell::Date(date) => date.to_string(),
        Cell::Empty => String::new(),
    }
}

pub fn write_csv(table: &Table, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(table.headers.iter().map(|h| neutralise(h)))?;
    for row in table.rows.iter().chain(&table.totals) {
        writer.write_record(row.iter().map(csv_value))?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_other_text_is_not() {
        for payload in ["=1+1", "+41", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(payload), format!("'{payload}"));
        }
        for text in ["Germany", "Côte d'Ivoire", "1=1", " =x"] {
            assert_eq!(neutralise(text), text);
        }
    }
}
