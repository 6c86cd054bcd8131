//! Reading CSV input files row by row, with every problem named as `file:line: message`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{anyhow, bail, Context as _};

/// A CSV file being read: its header checked against the columns a command expects.
pub struct CsvInput {
    name: String,
    reader: csv::Reader<Box<dyn Read>>,
    columns: HashMap<String, usize>,
    record: csv::ByteRecord,
}

/// One data row: its line number and its fields as text.
pub struct CsvRow<'a> {
    pub line: u64,
    input: &'a CsvInput,
    fields: Vec<&'a str>,
}

impl CsvRow<'_> {
    /// The trimmed value of a column, or "" when the column is absent or empty.
    pub fn get(&self, column: &str) -> &str {
        self.input
            .columns
            .get(column)
            .and_then(|&index| self.fields.get(index))
            .map_or("", |field| field.trim())
    }

    /// The value of a column, or `None` when it is empty.
    pub fn optional(&self, column: &str) -> Option<&str> {
        Some(self.get(column)).filter(|value| !value.is_empty())
    }

    /// Prefixes a problem with the file and line of this row.
    pub fn error(&self, problem: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("{}:{}: {problem}", self.input.name, self.line)
    }

    /// The value of a column that must not be empty.
    pub fn required(&self, column: &str) -> anyhow::Result<&str> {
        self.optional(column)
            .ok_or_else(|| anyhow!("column '{column}' is empty"))
    }
}

impl CsvInput {
    /// Opens a file, checking its encoding and header.
    pub fn open(path: &Path, required: &[&str], optional: &[&str]) -> anyhow::Result<CsvInput> {
        let name = path.display().to_string();
        if path.is_dir() {
            bail!("{name}: is a directory, not a CSV file");
        }
        let file = File::open(path).with_context(|| format!("cannot open {name}"))?;
        CsvInput::from_reader(name, BufReader::new(file), required, optional)
    }

    /// Reads CSV from any source; `name` is what messages call it.
    pub fn from_reader(
        name: String,
        mut source: impl BufRead + 'static,
        required: &[&str],
        optional: &[&str],
    ) -> anyhow::Result<CsvInput> {
        let start = source
            .fill_buf()
            .with_context(|| format!("cannot read {name}"))?;
        if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
            bail!("{name}:1: the file is UTF-16 text; save it as UTF-8 CSV");
        }
        if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
            source.consume(3);
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(Box::new(source) as Box<dyn Read>);
        let mut header = csv::ByteRecord::new();
        let has_header = reader
            .read_byte_record(&mut header)
            .map_err(|e| csv_problem(&name, e))?;
        if !has_header {
            bail!(
                "{name}: the file is empty; it needs a header line: {}",
                required.join(",")
            );
        }
        let mut columns = HashMap::new();
        for (index, field) in header.iter().enumerate() {
            let column = std::str::from_utf8(field)
                .map_err(|_| {
                    anyhow!("{name}:1: the header is not UTF-8 text; save the file as UTF-8")
                })?
                .trim()
                .to_ascii_lowercase();
            if !required.contains(&column.as_str()) && !optional.contains(&column.as_str()) {
                let mut known: Vec<&str> = required.to_vec();
                known.extend(optional);
                bail!(
                    "{name}:1: unknown column '{column}' (the columns are {})",
                    known.join(",")
                );
            }
            if columns.insert(column.clone(), index).is_some() {
                bail!("{name}:1: column '{column}' appears twice");
            }
        }
        for column in required {
            if !columns.contains_key(*column) {
                bail!(
                    "{name}:1: missing column '{column}' (the header must name {})",
                    required.join(",")
                );
            }
        }
        Ok(CsvInput {
            name,
            reader,
            columns,
            record: csv::ByteRecord::new(),
        })
    }

    /// The next data row, skipping blank lines; `None` at the end of the file.
    pub fn next_row(&mut self) -> anyhow::Result<Option<CsvRow<'_>>> {
        loop {
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| csv_problem(&self.name, e))?;
            if !more {
                return Ok(None);
            }
            if self
                .record
                .iter()
                .all(|field| field.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            break;
        }
        let line = self.record.position().map_or(0, |p| p.line());
        let mut fields = Vec::with_capacity(self.record.len());
        for field in self.record.iter() {
            let text = std::str::from_utf8(field).map_err(|_| {
                anyhow!(
                    "{}:{line}: not valid UTF-8 text (save the file as UTF-8 CSV)",
                    self.name
                )
            })?;
            fields.push(text);
        }
        Ok(Some(CsvRow {
            line,
            input: self,
            fields,
        }))
    }
}

fn csv_problem(name: &str, error: csv::Error) -> anyhow::Error {
    let line = error.position().map_or(0, |p| p.line());
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => anyhow!("{name}:{line}: expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Io(io) => anyhow!("{name}: cannot read: {io}"),
        _ => anyhow!("{name}:{line}: {error}"),
    }
}
