//! The journal written as it is read: CSV rows, or the elements of the JSON array of
//! entries, one entry at a time, so that the whole journal is never held. The output is
//! the same as `write` gives for the whole `Journal`.

use std::io::Write;

use super::csv_out::{csv_value, neutralise};
use super::reports::{journal_rows, JOURNAL_HEADERS};
use super::Format;
use crate::reports::journal::{Journal, JournalEntry};

/// How `to_string_pretty` ends a journal with no entries: the array is opened after it.
const NO_ENTRIES: &str = "[]\n}";
/// The indentation of the array's elements in the pretty JSON.
const ELEMENT_INDENT: &str = "    ";

enum Out<'a> {
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
    Json {
        out: &'a mut dyn Write,
        written: u64,
    },
}

/// A journal being written, in CSV or JSON.
pub struct JournalStream<'a> {
    out: Out<'a>,
}

impl<'a> JournalStream<'a> {
    /// Starts writing the journal `head` (its entries are ignored: they are given one by
    /// one to `entry`). The table is laid out a page at a time with `write` instead: its
    /// column widths need every row.
    pub fn begin(
        format: Format,
        head: &Journal,
        out: &'a mut dyn Write,
    ) -> anyhow::Result<JournalStream<'a>> {
        let out = match format {
            Format::Table => anyhow::bail!("a table is not written as a stream"),
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(JOURNAL_HEADERS.iter().map(|h| neutralise(h)))?;
                Out::Csv(Box::new(writer))
            }
            Format::Json => {
                let empty = Journal {
                    entries: Vec::new(),
                    ..head.clone()
                };
                let text = serde_json::to_string_pretty(&empty)?;
                let Some(start) = text.strip_suffix(NO_ENTRIES) else {
                    anyhow::bail!("the journal's JSON does not end with its entries");
                };
                out.write_all(start.as_bytes())?;
                Out::Json { out, written: 0 }
            }
        };
        Ok(JournalStream { out })
    }

    /// Writes one entry.
    pub fn entry(&mut self, entry: &JournalEntry) -> anyhow::Result<()> {
        match &mut self.out {
            Out::Csv(writer) => {
                for row in journal_rows(entry) {
                    writer.write_record(row.iter().map(csv_value))?;
                }
            }
            Out::Json { out, written } => {
                // Serialised first, so that a write error stays an I/O error (a closed pipe).
                let text = serde_json::to_string_pretty(entry)?;
                let mut element = String::with_capacity(text.len() + text.len() / 8);
                element.push_str(if *written == 0 { "[\n" } else { ",\n" });
                for (index, line) in text.lines().enumerate() {
                    if index > 0 {
                        element.push('\n');
                    }
                    element.push_str(ELEMENT_INDENT);
                    element.push_str(line);
                }
                out.write_all(element.as_bytes())?;
                *written += 1;
            }
        }
        Ok(())
    }

    /// Ends the journal and flushes it.
    pub fn end(self) -> anyhow::Result<()> {
        match self.out {
            Out::Csv(mut writer) => writer.flush()?,
            Out::Json { out, written } => {
                out.write_all(if written == 0 {
                    NO_ENTRIES.as_bytes()
                } else {
                    b"\n  ]\n}"
                })?;
                out.write_all(b"\n")?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{EntryId, EntryKind};
    use crate::money::{Currency, Money};
    use crate::reports::journal::{Filters, JournalTransfer};

    fn entry(id: i64, description: &str) -> JournalEntry {
        JournalEntry {
            id: EntryId(id),
            date: chrono::NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
            description: description.into(),
            kind: EntryKind::Contribution,
            budget_year: 2017,
            fund: "general".parse().unwrap(),
            party: Some("DEU".parse().unwrap()),
            reference: Some("=UBS-1".into()),
            rate: None,
            reverses: None,
            reason: None,
            reversed_by: None,
            entered_at: "2017-03-01T00:00:00Z".into(),
            entered_by: "test".into(),
            transfers: vec![JournalTransfer {
                debit: "assets:bank:chf".parse().unwrap(),
                credit: "income:contributions:DEU".parse().unwrap(),
                amount: Money::from_minor(5_981_014, Currency::CHF),
                currency: Currency::CHF,
            }],
        }
    }

    fn journal(entries: Vec<JournalEntry>) -> Journal {
        Journal {
            as_of: chrono::NaiveDate::from_ymd_opt(2017, 12, 31).unwrap(),
            party: None,
            year: Some(2017),
            entries,
            filters: Filters::default(),
            paging: None,
        }
    }

    fn streamed(format: Format, whole: &Journal) -> String {
        let mut out = Vec::new();
        let mut stream = JournalStream::begin(format, whole, &mut out).unwrap();
        for entry in &whole.entries {
            stream.entry(entry).unwrap();
        }
        stream.end().unwrap();
        String::from_utf8(out).unwrap()
    }

    fn whole(format: Format, whole: &Journal) -> String {
        let mut out = Vec::new();
        crate::render::write(whole, format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_streamed_journal_is_the_journal_written_whole() {
        for entries in [
            vec![],
            vec![entry(1, "Payment \"one\"\nnext line")],
            vec![entry(1, "one"), entry(2, "two"), entry(3, "three")],
        ] {
            let report = journal(entries);
            for format in [Format::Csv, Format::Json] {
                assert_eq!(
                    streamed(format, &report),
                    whole(format, &report),
                    "{format:?} of {} entries",
                    report.entries.len()
                );
            }
        }
    }
}
