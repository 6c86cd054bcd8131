//! Output: one table renderer, one CSV writer and one JSON writer, shared by every report.
//!
//! A report says what its table looks like through `Tabular`; the renderers know nothing of
//! any particular report. JSON is the report's own `Serialize` form.

pub mod annual;
mod bank;
pub mod chart;
mod correspondence;
mod costs;
mod csv_out;
pub mod eml;
pub mod export;
pub mod html;
pub mod journal;
pub mod letters;
mod reports;
mod scales;
mod template;
mod text;
mod timeline;
mod transparency;

use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::money::{Money, Percent};

/// The output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// A number in a column whose currency is said elsewhere: `311'922.54`.
    Amount(Money),
    /// An amount with its currency: `CHF 311'922.54`.
    Money(Money),
    Percent(Percent),
    Count(i64),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    pub fn optional<T>(value: Option<T>, cell: impl FnOnce(T) -> Cell) -> Cell {
        value.map_or(Cell::Empty, cell)
    }

    fn is_numeric(&self) -> bool {
        matches!(
            self,
            Cell::Amount(_) | Cell::Money(_) | Cell::Percent(_) | Cell::Count(_)
        )
    }
}

/// A report laid out as a table: a title, column headers, rows, total rows and notes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub totals: Vec<Vec<Cell>>,
    /// Lines printed under the table (not part of CSV).
    pub notes: Vec<String>,
}

/// A report that can be shown as a table and written as CSV.
pub trait Tabular {
    fn table(&self) -> Table;
}

/// A report with the chain head at its foot: in JSON, `"chain": {"count": N, "head": HEX}`
/// beside the report's own fields; in a table, its last note (`Chain: 12'345 rows, head …`).
#[derive(Debug, Serialize)]
pub struct WithChain<'a, R> {
    #[serde(flatten)]
    pub report: &'a R,
    pub chain: &'a crate::store::ChainHead,
}

impl<R: Tabular> Tabular for WithChain<'_, R> {
    fn table(&self) -> Table {
        let mut table = self.report.table();
        table.notes.push(self.chain.to_string());
        table
    }
}

/// Writes `report` in `format`.
pub fn write<R: Serialize + Tabular>(
    report: &R,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        Format::Table => text::write_table(&report.table(), out)?,
        Format::Csv => csv_out::write_csv(&report.table(), out)?,
        Format::Json => {
            // Serialise first, so that a write error stays an I/O error (a closed pipe).
            let mut text = serde_json::to_string_pretty(report)?;
            text.push('\n');
            out.write_all(text.as_bytes())?;
        }
    }
    Ok(())
}
