//! Article 7 transparency reports: recording the reports States Parties submit (one at a
//! time or a file of them, all or nothing), reversing one recorded by mistake, the status of
//! a year's round, the list of reports recorded, and every report owed between two days.
//!
//! A report is recorded once: the same report again writes nothing and says so; another
//! report of the same party and period is refused until the one in force is reversed.

use std::path::Path;

use chrono::NaiveDate;

use super::csv_in::CsvInput;
use super::Books;
use crate::domain::parse_date;
use crate::domain::party::{Party, PartyKind};
use crate::domain::transparency::{Period, ReportSubmitted, ReportingRule};
use crate::ledger::{check_text, PartyCode};
use crate::reports::transparency::{
    submitted_by, transparency_status, ReportLine, ReportList, TransparencyStatus,
};
use crate::store::{Actor, StoreError, Tx};

/// The columns of `transparency import`.
pub const REPORT_COLUMNS_REQUIRED: [&str; 3] = ["party", "period", "submitted"];
pub const REPORT_COLUMNS_OPTIONAL: [&str; 1] = ["symbol"];

/// The longest document symbol accepted.
const SYMBOL_CHARS_MAX: usize = 200;

/// The longest reason for a reversal accepted.
const REASON_CHARS_MAX: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum TransparencyError {
    #[error(
        "{party}'s {} is already recorded as submitted on {recorded_on}{}; this says {given_on}{}: \
         reverse the one recorded first (`isu-ledger transparency reverse {party} --period \
         {period} --reason TEXT`)",
        describe(*period),
        symbol_note(recorded_symbol),
        symbol_note(given_symbol)
    )]
    RecordedDifferently {
        party: PartyCode,
        period: Period,
        recorded_on: NaiveDate,
        recorded_symbol: String,
        given_on: NaiveDate,
        given_symbol: String,
    },
    #[error("{party} has no {} recorded to reverse", describe(*period))]
    NothingToReverse { party: PartyCode, period: Period },
    #[error("the reason of a reversal is empty: say why the report is reversed")]
    ReasonEmpty,
    #[error("the {what} is longer than {max} characters")]
    TooLong { what: &'static str, max: usize },
}

/// "initial report" or "annual update for 2016".
pub fn describe(period: Period) -> String {
    match period {
        Period::Initial => "initial report".to_string(),
        Period::Annual(year) => format!("annual update for {year}"),
    }
}

fn symbol_note(symbol: &str) -> String {
    if symbol.is_empty() {
        String::new()
    } else {
        format!(" ({symbol})")
    }
}

/// A report obligation of a State Party not met by a day: for the time-line of what is
/// coming and what is late.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportDue {
    pub party: String,
    pub name: String,
    /// `initial`, or the calendar year an annual update covers.
    pub period: String,
    pub due_on: NaiveDate,
    /// The day it was submitted, when that is recorded as after the day asked about.
    pub submitted_on: Option<NaiveDate>,
}

/// What recording a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRecorded {
    Recorded,
    /// The same report was in the books already: nothing written.
    AlreadyRecorded,
}

/// What `transparency import` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportsImported {
    pub recorded: usize,
    pub already: usize,
}

/// Opens a file of reports, its header checked.
pub fn open_report_csv(path: &Path) -> anyhow::Result<CsvInput> {
    CsvInput::open(path, &REPORT_COLUMNS_REQUIRED, &REPORT_COLUMNS_OPTIONAL)
}

/// A report as a user gives it, before it is checked against the party and the rule.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub party: PartyCode,
    pub period: Period,
    pub submitted_on: NaiveDate,
    pub symbol: Option<String>,
}

/// Checks and records one report in `tx`.
fn record_in(
    tx: &Tx<'_>,
    rule: &ReportingRule,
    input: ReportInput,
    as_of: NaiveDate,
) -> anyhow::Result<ReportRecorded> {
    let symbol = input.symbol.unwrap_or_default().trim().to_string();
    check_text("symbol", &symbol)?;
    if symbol.chars().count() > SYMBOL_CHARS_MAX {
        return Err(TransparencyError::TooLong {
            what: "symbol",
            max: SYMBOL_CHARS_MAX,
        }
        .into());
    }
    let party: Party = tx
        .party_on(&input.party, input.submitted_on)?
        .ok_or_else(|| StoreError::PartyNotFound {
            code: input.party.clone(),
        })?;
    rule.check_submission(&party, input.period, input.submitted_on, as_of)?;
    let report = ReportSubmitted {
        party: party.code,
        period: input.period,
        submitted_on: input.submitted_on,
        symbol,
    };
    match tx.transparency_report_in_force(&report.party, report.period)? {
        Some(row) if row.report == report => Ok(ReportRecorded::AlreadyRecorded),
        Some(row) => Err(TransparencyError::RecordedDifferently {
            party: report.party,
            period: report.period,
            recorded_on: row.report.submitted_on,
            recorded_symbol: row.report.symbol,
            given_on: report.submitted_on,
            given_symbol: report.symbol,
        }
        .into()),
        None => {
            tx.insert_transparency_report(&report)?;
            Ok(ReportRecorded::Recorded)
        }
    }
}

/// Records every report of a file in `tx` (see `Books::import_transparency_reports`).
pub fn import_reports(
    tx: &Tx<'_>,
    mut csv: CsvInput,
    as_of: NaiveDate,
) -> anyhow::Result<ReportsImported> {
    let rule = tx.identity()?.reporting_rule();
    let mut summary = ReportsImported::default();
    while let Some(row) = csv.next_row()? {
        let input = (|| -> anyhow::Result<ReportInput> {
            Ok(ReportInput {
                party: row.required("party")?.parse()?,
                period: row.required("period")?.parse()?,
                submitted_on: parse_date(row.required("submitted")?)?,
                symbol: row.optional("symbol").map(str::to_string),
            })
        })()
        .map_err(|e| row.error(format!("{e:#}")))?;
        match record_in(tx, &rule, input, as_of).map_err(|e| row.error(format!("{e:#}")))? {
            ReportRecorded::Recorded => summary.recorded += 1,
            ReportRecorded::AlreadyRecorded => summary.already += 1,
        }
    }
    Ok(summary)
}

/// Reads reports from CSV text (for the built-in example).
pub fn report_csv_from(
    name: &str,
    source: impl std::io::BufRead + 'static,
) -> anyhow::Result<CsvInput> {
    CsvInput::from_reader(
        name.to_string(),
        source,
        &REPORT_COLUMNS_REQUIRED,
        &REPORT_COLUMNS_OPTIONAL,
    )
}

impl Books {
    /// The rule of Article 7 reports in the books' settings.
    pub fn reporting_rule(&self) -> anyhow::Result<ReportingRule> {
        Ok(self.store.identity()?.reporting_rule())
    }

    /// Records a report submitted by a State Party, checked as of `as_of`.
    pub fn record_transparency_report(
        &mut self,
        actor: Actor,
        input: ReportInput,
        as_of: NaiveDate,
    ) -> anyhow::Result<ReportRecorded> {
        let tx = self.store.begin(actor)?;
        let rule = tx.identity()?.reporting_rule();
        let recorded = record_in(&tx, &rule, input, as_of)?;
        tx.commit()?;
        Ok(recorded)
    }

    /// Records every report of a file (columns party, period, submitted, symbol), all or
    /// nothing: a bad row names its file and line, and nothing is written.
    pub fn import_transparency_reports(
        &mut self,
        actor: Actor,
        csv: CsvInput,
        as_of: NaiveDate,
    ) -> anyhow::Result<ReportsImported> {
        let tx = self.store.begin(actor)?;
        let summary = import_reports(&tx, csv, as_of)?;
        tx.commit()?;
        Ok(summary)
    }

    /// Reverses the report of `party` for `period` in force, with `reason`; returns it.
    pub fn reverse_transparency_report(
        &mut self,
        actor: Actor,
        party: &PartyCode,
        period: Period,
        reason: &str,
    ) -> anyhow::Result<ReportSubmitted> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(TransparencyError::ReasonEmpty.into());
        }
        check_text("reason", reason)?;
        if reason.chars().count() > REASON_CHARS_MAX {
            return Err(TransparencyError::TooLong {
                what: "reason",
                max: REASON_CHARS_MAX,
            }
            .into());
        }
        let tx = self.store.begin(actor)?;
        if tx.party(party)?.is_none() {
            return Err(StoreError::PartyNotFound {
                code: party.clone(),
            }
            .into());
        }
        let row = tx
            .transparency_report_in_force(party, period)?
            .ok_or_else(|| TransparencyError::NothingToReverse {
                party: party.clone(),
                period,
            })?;
        tx.reverse_transparency_report(row.id, reason)?;
        tx.commit()?;
        Ok(row.report)
    }

    /// The reports in force (recorded, not reversed).
    fn reports_in_force(&self) -> anyhow::Result<Vec<ReportSubmitted>> {
        Ok(self
            .store
            .transparency_reports(None)?
            .into_iter()
            .filter(|row| row.reversed.is_none())
            .map(|row| row.report)
            .collect())
    }

    /// The round of `year` and the initial reports on `as_of` (see `reports::transparency`).
    pub fn transparency_status(
        &self,
        year: i32,
        as_of: NaiveDate,
    ) -> anyhow::Result<TransparencyStatus> {
        crate::ledger::check_budget_year(year)?;
        let rule = self.reporting_rule()?;
        let parties = self.store.parties_on(as_of)?;
        let reports = self.reports_in_force()?;
        Ok(transparency_status(year, as_of, &rule, &parties, &reports))
    }

    /// Every report recorded (of one party when given), by party, period and day of
    /// submission (a report and its corrected successor in that order), with the day it
    /// was due under the rule: the same list whatever order they were typed in.
    pub fn transparency_reports(&self, party: Option<&PartyCode>) -> anyhow::Result<ReportList> {
        if let Some(code) = party {
            if self.store.party(code)?.is_none() {
                return Err(StoreError::PartyNotFound { code: code.clone() }.into());
            }
        }
        let rule = self.reporting_rule()?;
        let parties = self.store.parties()?;
        let reports = self
            .store
            .transparency_reports(party)?
            .into_iter()
            .map(|row| {
                let due_on = parties
                    .iter()
                    .find(|p| p.code == row.report.party)
                    .and_then(|p| rule.bound_from(p))
                    .and_then(|from| rule.due_on(from, row.report.period));
                ReportLine {
                    id: row.id,
                    party: row.report.party,
                    period: row.report.period,
                    submitted_on: row.report.submitted_on,
                    due_on,
                    symbol: row.report.symbol,
                    reversed: row.reversed,
                }
            })
            .collect::<Vec<ReportLine>>();
        let mut reports = reports;
        // Of two reports of one party, period and day, the one reversed first; the symbol
        // (and, for two reversed alike, the number) tells the rest apart.
        reports.sort_by(|a, b| {
            let key = |r: &ReportLine| {
                (
                    r.party.clone(),
                    r.period,
                    r.submitted_on,
                    r.reversed.is_none(),
                    r.symbol.clone(),
                    r.id,
                )
            };
            key(a).cmp(&key(b))
        });
        Ok(ReportList { reports })
    }

    /// Every report a State Party (as the parties stood on `as_of`) owes that falls due on
    /// or before `until` and was not submitted by `as_of`: those overdue and those coming,
    /// in order of due date, then party, then period.
    pub fn reports_due(
        &self,
        as_of: NaiveDate,
        until: NaiveDate,
    ) -> anyhow::Result<Vec<ReportDue>> {
        let rule = self.reporting_rule()?;
        let reports = self.reports_in_force()?;
        let by_as_of = submitted_by(&reports, as_of);
        let ever = submitted_by(&reports, NaiveDate::MAX);
        let mut due = Vec::new();
        for party in self.store.parties_on(as_of)? {
            if party.kind != PartyKind::StateParty {
                continue;
            }
            let Some(bound_from) = rule.bound_from(&party) else {
                continue;
            };
            for (period, due_on) in rule.obligations(bound_from, until) {
                let key = (party.code.clone(), period);
                if by_as_of.contains_key(&key) {
                    continue;
                }
                due.push(ReportDue {
                    party: party.code.to_string(),
                    name: party.name.clone(),
                    period: period.to_string(),
                    due_on,
                    submitted_on: ever.get(&key).copied(),
                });
            }
        }
        due.sort_by(|a, b| {
            (a.due_on, &a.party, a.period != "initial", &a.period).cmp(&(
                b.due_on,
                &b.party,
                b.period != "initial",
                &b.period,
            ))
        });
        Ok(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::party::PartyInput;
    use crate::store::Store;

    fn actor() -> Actor {
        Actor::test("2017-06-30T12:00:00Z")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn add(books: &mut Books, code: &str, kind: &str, in_force: NaiveDate) {
        books
            .add_party_from(
                actor(),
                PartyInput {
                    code: code.into(),
                    kind: Some(kind.into()),
                    in_force_on: Some(in_force),
                    ..PartyInput::default()
                },
            )
            .unwrap();
    }

    fn report(books: &mut Books, code: &str, period: Period, on: NaiveDate) {
        let input = ReportInput {
            party: code.parse().unwrap(),
            period,
            submitted_on: on,
            symbol: None,
        };
        books
            .record_transparency_report(actor(), input, date(2018, 12, 31))
            .unwrap();
    }

    /// AUT (in force 2016-02-01) owes its initial report (due 2016-07-30, submitted) and the
    /// updates for 2016 (submitted) and 2017; BEL (in force 2016-12-01) owes its initial
    /// report (due 2017-05-30, submitted after the day asked about) and the update for 2017;
    /// a signatory owes nothing.
    #[test]
    fn reports_due_lists_what_is_late_and_what_is_coming_in_date_order() {
        let mut books = Books::from_store(Store::in_memory().unwrap());
        add(&mut books, "AUT", "state-party", date(2016, 2, 1));
        add(&mut books, "BEL", "state-party", date(2016, 12, 1));
        add(&mut books, "FIN", "signatory", date(2016, 2, 1));
        report(&mut books, "AUT", Period::Initial, date(2016, 7, 1));
        report(&mut books, "AUT", Period::Annual(2016), date(2017, 4, 2));
        report(&mut books, "BEL", Period::Initial, date(2017, 7, 15));
        let due = |p: &str, n: &str, period: &str, on, submitted| ReportDue {
            party: p.into(),
            name: n.into(),
            period: period.into(),
            due_on: on,
            submitted_on: submitted,
        };
        assert_eq!(
            books
                .reports_due(date(2017, 6, 30), date(2018, 4, 30))
                .unwrap(),
            vec![
                due(
                    "BEL",
                    "Belgium",
                    "initial",
                    date(2017, 5, 30),
                    Some(date(2017, 7, 15))
                ),
                due("AUT", "Austria", "2017", date(2018, 4, 30), None),
                due("BEL", "Belgium", "2017", date(2018, 4, 30), None),
            ]
        );
        // Before AUT's 2016 update was in, and up to a day before the 2017 round is due.
        assert_eq!(
            books
                .reports_due(date(2017, 3, 1), date(2018, 4, 29))
                .unwrap(),
            vec![
                due(
                    "AUT",
                    "Austria",
                    "2016",
                    date(2017, 4, 30),
                    Some(date(2017, 4, 2))
                ),
                due(
                    "BEL",
                    "Belgium",
                    "initial",
                    date(2017, 5, 30),
                    Some(date(2017, 7, 15))
                ),
            ]
        );
        // A reversed report is owed again.
        books
            .reverse_transparency_report(
                actor(),
                &"AUT".parse().unwrap(),
                Period::Initial,
                "wrong party",
            )
            .unwrap();
        let due = books
            .reports_due(date(2017, 6, 30), date(2017, 6, 30))
            .unwrap();
        assert_eq!(
            due.iter()
                .map(|d| (d.party.as_str(), d.period.as_str()))
                .collect::<Vec<_>>(),
            vec![("AUT", "initial"), ("BEL", "initial")]
        );
    }
}
