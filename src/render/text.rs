//! The table renderer: aligned columns for a terminal or a document, numbers to the right.

use std::io::{self, Write};

use comfy_table::{presets, CellAlignment, ContentArrangement, Table as Comfy};

use super::{Cell, Table};

/// A cell as the table shows it.
pub(super) fn display(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Amount(money) => money.swiss(),
        Cell::Money(money) => money.to_string(),
        Cell::Percent(percent) => percent.to_string(),
        Cell::Count(count) => count.to_string(),
        Cell::Date(date) => date.to_string(),
        Cell::Empty => String::new(),
    }
}

pub fn write_table(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    if !table.title.is_empty() {
        writeln!(out, "{}", table.title)?;
        writeln!(out)?;
    }
    let mut comfy = Comfy::new();
    comfy
        .load_preset(presets::ASCII_MARKDOWN)
        .set_content_arrangement(ContentArrangement::Disabled);
    if !table.headers.is_empty() {
        comfy.set_header(table.headers.iter().map(comfy_table::Cell::new));
    }
    let width = table.headers.len();
    let mut numeric = vec![false; width];
    for row in table.rows.iter().chain(&table.totals) {
        for (index, cell) in row.iter().enumerate().take(width) {
            numeric[index] |= cell.is_numeric();
        }
        comfy.add_row(row.iter().map(|cell| comfy_table::Cell::new(display(cell))));
    }
    for (index, is_numeric) in numeric.into_iter().enumerate() {
        if let Some(column) = comfy.column_mut(index) {
            column.set_cell_alignment(if is_numeric {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
        }
    }
    if table.rows.is_empty() && table.totals.is_empty() {
        if table.notes.is_empty() {
            writeln!(out, "(nothing to show)")?;
        }
    } else {
        for line in comfy.lines() {
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    for note in &table.notes {
        writeln!(out, "{note}")?;
    }
    Ok(())
}
