//! Reading CSV input files row by row, with every problem named as `file:line: message`.
//!
//! Columns are separated by `,`, or by `;` when the header line holds `;` and no `,` (what
//! Excel writes where the decimal separator is a comma, Switzerland included).

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use anyhow::{anyhow, bail, Context as _};

/// A CSV file being read: its header checked against the columns a command expects.
pub struct CsvInput {
    name: String,
    reader: csv::Reader<Box<dyn Read>>,
    columns: HashMap<String, usize>,
    record: csv::ByteRecord,
    lines: LineCounter,
}

/// Numbers records by file line. The csv crate's own count leaves out the blank lines it
/// skips, so the line breaks are noted as the bytes pass to the parser, and counted up to
/// each record's first byte. Only the breaks read ahead of the parser are held, so memory
/// does not grow with the file.
struct LineCounter {
    /// Offsets of the `\r` and `\n` bytes read but not yet counted, with the byte.
    breaks: Rc<RefCell<VecDeque<(u64, u8)>>>,
    /// Line feeds before the last record numbered.
    newlines: u64,
}

impl LineCounter {
    /// The line of the record the parser says starts at `byte`; the blank lines that may
    /// stand at that position are stepped over first.
    fn line_of(&mut self, byte: u64) -> u64 {
        let mut breaks = self.breaks.borrow_mut();
        while let Some(&(offset, b)) = breaks.front() {
            if offset >= byte {
                break;
            }
            self.newlines += u64::from(b == b'\n');
            breaks.pop_front();
        }
        let mut at = byte;
        while let Some(&(offset, b)) = breaks.front() {
            if offset != at {
                break;
            }
            self.newlines += u64::from(b == b'\n');
            breaks.pop_front();
            at += 1;
        }
        self.newlines + 1
    }
}

/// Passes bytes through, noting where the line breaks fall.
struct BreakRecorder<R> {
    inner: R,
    offset: u64,
    breaks: Rc<RefCell<VecDeque<(u64, u8)>>>,
}

impl<R: Read> Read for BreakRecorder<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(buffer)?;
        let mut breaks = self.breaks.borrow_mut();
        for (index, &b) in buffer[..count].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                breaks.push_back((self.offset + index as u64, b));
            }
        }
        self.offset += count as u64;
        Ok(count)
    }
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

    /// The budget year of column `year`, if given.
    pub fn year(&self) -> anyhow::Result<Option<i32>> {
        self.optional("year")
            .map(|y| {
                y.parse::<i32>()
                    .map_err(|_| anyhow!("year '{y}' is not a year"))
            })
            .transpose()
    }

    /// The reference of column `ref`, which every imported row needs.
    pub fn reference(&self) -> anyhow::Result<&str> {
        self.required("ref")
            .map_err(|_| anyhow!("column 'ref' is empty: every imported row needs a reference"))
    }

    /// A yes/no column: `yes`, `true` or `1`; `no`, `false`, `0` or empty.
    pub fn flag(&self, column: &str) -> anyhow::Result<bool> {
        match self.optional(column) {
            None | Some("no") | Some("false") | Some("0") => Ok(false),
            Some("yes") | Some("true") | Some("1") => Ok(true),
            Some(other) => bail!("{column} '{other}' is not yes or no"),
        }
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

    /// What messages call the input: its path.
    pub fn name(&self) -> &str {
        &self.name
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
        let has_bom = start.starts_with(&[0xEF, 0xBB, 0xBF]);
        let delimiter = delimiter_of(if has_bom { &start[3..] } else { start });
        if has_bom {
            source.consume(3);
        }
        let breaks = Rc::new(RefCell::new(VecDeque::new()));
        let recorder = BreakRecorder {
            inner: source,
            offset: 0,
            breaks: Rc::clone(&breaks),
        };
        let mut lines = LineCounter {
            breaks,
            newlines: 0,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(delimiter)
            .from_reader(Box::new(recorder) as Box<dyn Read>);
        let mut header = csv::ByteRecord::new();
        let has_header = reader
            .read_byte_record(&mut header)
            .map_err(|e| csv_problem(&name, &mut lines, e))?;
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
                if column.contains(';') {
                    bail!(
                        "{name}:1: the header '{}' mixes ';' and ',' between columns; save the \
                         file with one of them (the columns are {})",
                        crate::text::excerpt(&column),
                        known.join(",")
                    );
                }
                bail!(
                    "{name}:1: unknown column '{}' (the columns are {})",
                    crate::text::excerpt(&column),
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
            lines,
        })
    }

    /// How far the parser has read into the file, in bytes.
    pub fn byte_offset(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Prefixes a problem with the file and a line of it.
    pub fn error_at(&self, line: u64, problem: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("{}:{line}: {problem}", self.name)
    }

    /// The next data row, skipping blank lines; `None` at the end of the file.
    pub fn next_row(&mut self) -> anyhow::Result<Option<CsvRow<'_>>> {
        loop {
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| csv_problem(&self.name, &mut self.lines, e))?;
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
        let line = self
            .lines
            .line_of(self.record.position().map_or(0, |p| p.byte()));
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

/// The column separator of a file, from the start of its first line: `;` when that line holds
/// `;` and no `,`, else `,`.
fn delimiter_of(start: &[u8]) -> u8 {
    let header = start.split(|&b| b == b'\n').next().unwrap_or_default();
    if header.contains(&b';') && !header.contains(&b',') {
        b';'
    } else {
        b','
    }
}

fn csv_problem(name: &str, lines: &mut LineCounter, error: csv::Error) -> anyhow::Error {
    let line = lines.line_of(error.position().map_or(0, |p| p.byte()));
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => anyhow!("{name}:{line}: expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Io(io) => anyhow!("{name}: cannot read: {io}"),
        _ => anyhow!("{name}:{line}: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn lines_of(text: &'static str) -> Vec<(u64, String)> {
        let mut input = CsvInput::from_reader(
            "test.csv".into(),
            Cursor::new(text.as_bytes()),
            &["a"],
            &["b"],
        )
        .unwrap();
        let mut rows = Vec::new();
        while let Some(row) = input.next_row().unwrap() {
            rows.push((row.line, row.get("a").to_string()));
        }
        rows
    }

    #[test]
    fn rows_are_numbered_by_file_line_across_blank_lines_and_quoted_breaks() {
        let rows = lines_of("a,b\n1,x\n\n\n2,y\r\n\r\n3,\"two\nlines\"\n4,z\n");
        assert_eq!(
            rows,
            vec![
                (2, "1".to_string()),
                (5, "2".to_string()),
                (7, "3".to_string()),
                (9, "4".to_string())
            ]
        );
    }

    #[test]
    fn the_separator_is_a_semicolon_when_the_header_says_so() {
        assert_eq!(
            delimiter_of(b"date;party;amount\n2017-01-01;DEU;1,5\n"),
            b';'
        );
        assert_eq!(delimiter_of(b"date,party,amount\n2017-01-01;DEU;1\n"), b',');
        assert_eq!(delimiter_of(b"date;party,amount\n"), b',');
        assert_eq!(delimiter_of(b"code\n"), b',');
        assert_eq!(delimiter_of(b""), b',');
        let mut input = CsvInput::from_reader(
            "t.csv".into(),
            Cursor::new(&b"\xEF\xBB\xBFa;b\r\n1;x,y\r\n"[..]),
            &["a"],
            &["b"],
        )
        .unwrap();
        let row = input.next_row().unwrap().unwrap();
        assert_eq!((row.get("a"), row.get("b")), ("1", "x,y"));
    }

    #[test]
    fn a_header_mixing_separators_is_named() {
        let error =
            CsvInput::from_reader("t.csv".into(), Cursor::new(&b"a;b,c\n"[..]), &["a"], &["b"])
                .err()
                .unwrap()
                .to_string();
        assert!(
            error.starts_with("t.csv:1: the header 'a;b' mixes ';' and ','"),
            "{error}"
        );
    }

    #[test]
    fn a_short_row_is_named_by_its_line() {
        let mut input = CsvInput::from_reader(
            "t.csv".into(),
            Cursor::new(&b"a,b\n\n1\n"[..]),
            &["a"],
            &["b"],
        )
        .unwrap();
        let error = input.next_row().err().unwrap().to_string();
        assert_eq!(error, "t.csv:3: expected 2 fields, found 1");
    }
}
