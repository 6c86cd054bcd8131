//! The preparations time-line and the lists around it: `timeline` (what is overdue and what
//! falls due next: tasks, documents due to the conference services, contributions, reports),
//! `task list`, `meeting list` and `document list`. Pure functions from what the store read
//! on a date; the order of every list follows from the facts, never from the order in which
//! they were recorded.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::standing::Standings;
use crate::domain::timeline::{
    merge, ItemKind, ItemState, MeetingPlace, TaskId, TaskState, TimelineItem, Window,
};
use crate::ledger::PartyCode;
use crate::money::{Currency, Money, MoneyError};
use crate::store::{MeetingRecord, TaskRecord};
use crate::text::count;

/// What is overdue on a day and what falls due in the days after it, in date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub as_of: NaiveDate,
    /// The last day looked at.
    pub until: NaiveDate,
    /// How many days after `as_of` were looked at.
    pub days: u32,
    /// How many items are overdue, and how many fall due from `as_of` to `until`.
    pub overdue: usize,
    pub due: usize,
    pub items: Vec<TimelineItem>,
}

/// The time-line of `window` from its sources, each a list of items in any order.
pub fn timeline(window: Window, sources: Vec<Vec<TimelineItem>>) -> Timeline {
    let items: Vec<TimelineItem> = merge(sources)
        .into_iter()
        .filter(|item| window.shows(item.due_on))
        .collect();
    let overdue = items
        .iter()
        .filter(|item| item.state == ItemState::Overdue)
        .count();
    Timeline {
        as_of: window.as_of,
        until: window.until,
        days: window.days,
        overdue,
        due: items.len() - overdue,
        items,
    }
}

/// The tasks still open on `as_of` and due by the window's end.
pub fn task_items(tasks: &[TaskRecord], window: &Window) -> Vec<TimelineItem> {
    tasks
        .iter()
        .filter(|record| TaskState::on(record.done_on, window.as_of) == TaskState::Open)
        .filter(|record| window.shows(record.task.due_on))
        .map(|record| {
            let task = &record.task;
            TimelineItem::new(
                task.due_on,
                ItemKind::Task,
                task.id.to_string(),
                task.title.clone(),
                window.as_of,
            )
            .with_meeting(task.meeting.as_ref().map(ToString::to_string))
            .with_owner(task.owner.clone())
        })
        .collect()
}

/// The documents not yet submitted on `as_of` whose due date falls by the window's end.
pub fn document_items(
    meetings: &[MeetingRecord],
    dues: &BTreeMap<(String, String), NaiveDate>,
    window: &Window,
) -> Vec<TimelineItem> {
    let mut items = Vec::new();
    for record in meetings {
        let code = record.meeting.code.to_string();
        for document in &record.documents {
            let Some(due_on) = dues.get(&(code.clone(), document.symbol.clone())) else {
                continue;
            };
            let submitted = document.submitted_on.is_some_and(|d| d <= window.as_of);
            if submitted || !window.shows(*due_on) {
                continue;
            }
            items.push(
                TimelineItem::new(
                    *due_on,
                    ItemKind::Document,
                    format!("{code} {}", document.symbol),
                    format!(
                        "Submit {} {} ({}) to the conference services",
                        document.symbol,
                        document.title,
                        count(document.pages_expected(), "page", "pages")
                    ),
                    window.as_of,
                )
                .with_meeting(Some(code.clone())),
            );
        }
    }
    items
}

/// What is still owed for each budget year on `as_of`, one item per year and due date: how
/// many parties owe, and how much together. `due_dates` gives each party's due date per
/// year; a party without one (nothing charged) owes nothing that falls due.
pub fn contribution_items(
    standings: &Standings,
    due_dates: &BTreeMap<i32, BTreeMap<PartyCode, NaiveDate>>,
    window: &Window,
    currency: Currency,
) -> Result<Vec<TimelineItem>, MoneyError> {
    let mut owed: BTreeMap<(i32, NaiveDate), (usize, Money)> = BTreeMap::new();
    for (party, standing) in standings {
        for (year, position) in &standing.years {
            if position.outstanding_minor <= 0 {
                continue;
            }
            let Some(due_on) = due_dates.get(year).and_then(|d| d.get(party)) else {
                continue;
            };
            let slot = owed
                .entry((*year, *due_on))
                .or_insert((0, Money::zero(currency)));
            slot.0 += 1;
            slot.1 = slot
                .1
                .checked_add(Money::from_minor(position.outstanding_minor, currency))?;
        }
    }
    Ok(owed
        .into_iter()
        .filter(|((_, due_on), _)| window.shows(*due_on))
        .map(|((year, due_on), (parties, amount))| {
            TimelineItem::new(
                due_on,
                ItemKind::Contribution,
                year.to_string(),
                format!(
                    "Contributions for {year}: {} still owe {amount}",
                    count(parties, "party", "parties")
                ),
                window.as_of,
            )
        })
        .collect())
}

/// A report due from a State Party: a transparency report for a period (`initial` or a
/// year), its due date, and the day it was submitted, if it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOwed {
    pub party: String,
    pub name: String,
    pub period: String,
    pub due_on: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
}

/// The reports not submitted by `as_of` that fall due by the window's end, as items of the
/// time-line: one per period and due date, naming the State when only one owes it and
/// counting them otherwise (as the contributions are counted), so that a round of annual
/// updates is one line.
pub fn report_items(reports: &[ReportOwed], window: &Window) -> Vec<TimelineItem> {
    let mut owed: BTreeMap<(NaiveDate, &str), Vec<&ReportOwed>> = BTreeMap::new();
    for report in reports {
        let submitted = report.submitted_on.is_some_and(|d| d <= window.as_of);
        if !submitted && window.shows(report.due_on) {
            owed.entry((report.due_on, report.period.as_str()))
                .or_default()
                .push(report);
        }
    }
    owed.into_iter()
        .map(|((due_on, period), states)| {
            let what = match period {
                "initial" => "initial Article 7 report".to_string(),
                year => format!("Article 7 annual update for {year}"),
            };
            let (key, what) = match states.as_slice() {
                [one] => (
                    format!("{period} {}", one.party),
                    format!("{}: {what} not yet submitted", one.name),
                ),
                many => (
                    period.to_string(),
                    format!(
                        "{}: {what} not yet submitted",
                        count(many.len(), "State Party", "States Parties")
                    ),
                ),
            };
            TimelineItem::new(due_on, ItemKind::Report, key, what, window.as_of)
        })
        .collect()
}

/// One task as `task list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    pub id: TaskId,
    pub due_on: NaiveDate,
    pub title: String,
    pub owner: Option<String>,
    pub meeting: Option<String>,
    pub state: TaskState,
    /// The day it was done, when that is on or before `as_of`.
    pub done_on: Option<NaiveDate>,
    pub recorded_on: NaiveDate,
}

/// The tasks on a date: the open ones, or all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskList {
    pub as_of: NaiveDate,
    pub meeting: Option<String>,
    /// Whether the tasks done are listed too.
    pub all: bool,
    pub tasks: Vec<TaskRow>,
}

/// The task list of `as_of`: by due date, meeting, title and id.
pub fn task_list(
    tasks: &[TaskRecord],
    as_of: NaiveDate,
    meeting: Option<&str>,
    all: bool,
) -> TaskList {
    let mut rows: Vec<TaskRow> = tasks
        .iter()
        .filter(|r| meeting.is_none_or(|m| r.task.meeting.as_ref().map(|c| c.as_str()) == Some(m)))
        .map(|record| {
            let state = TaskState::on(record.done_on, as_of);
            TaskRow {
                id: record.task.id.clone(),
                due_on: record.task.due_on,
                title: record.task.title.clone(),
                owner: record.task.owner.clone(),
                meeting: record.task.meeting.as_ref().map(ToString::to_string),
                state,
                done_on: record.done_on.filter(|_| state == TaskState::Done),
                recorded_on: record.task.recorded_on,
            }
        })
        .filter(|row| all || row.state == TaskState::Open)
        .collect();
    rows.sort_by(|a, b| {
        (a.due_on, &a.meeting, &a.title, &a.id).cmp(&(b.due_on, &b.meeting, &b.title, &b.id))
    });
    TaskList {
        as_of,
        meeting: meeting.map(str::to_string),
        all,
        tasks: rows,
    }
}

/// One meeting as `meeting list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRow {
    pub code: String,
    pub name: String,
    /// The meeting's first day, and its last when known.
    pub held_on: NaiveDate,
    pub last_day: Option<NaiveDate>,
    pub place: Option<String>,
    /// The approved estimate, if any (none when zero).
    pub estimate: Option<Money>,
    pub approved_by: Option<String>,
    pub documents: usize,
    /// Of which submitted by `as_of`.
    pub documents_submitted: usize,
    /// Open tasks of the meeting on `as_of`.
    pub tasks_open: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingList {
    pub as_of: NaiveDate,
    pub meetings: Vec<MeetingRow>,
}

/// The meetings by first day and code.
pub fn meeting_list(
    meetings: &[MeetingRecord],
    places: &BTreeMap<String, MeetingPlace>,
    tasks: &[TaskRecord],
    as_of: NaiveDate,
) -> MeetingList {
    let mut rows: Vec<MeetingRow> = meetings
        .iter()
        .map(|record| {
            let meeting = &record.meeting;
            let place = places.get(meeting.code.as_str());
            MeetingRow {
                code: meeting.code.to_string(),
                name: meeting.name.clone(),
                held_on: meeting.held_on,
                last_day: place.and_then(|p| p.last_day),
                place: place.and_then(|p| p.place.clone()),
                estimate: Some(meeting.estimate).filter(|e| e.minor() != 0),
                approved_by: meeting.approved_by.clone(),
                documents: record.documents.len(),
                documents_submitted: record
                    .documents
                    .iter()
                    .filter(|d| d.submitted_on.is_some_and(|day| day <= as_of))
                    .count(),
                tasks_open: tasks
                    .iter()
                    .filter(|t| t.task.meeting.as_ref() == Some(&meeting.code))
                    .filter(|t| TaskState::on(t.done_on, as_of) == TaskState::Open)
                    .count(),
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.held_on, &a.code).cmp(&(b.held_on, &b.code)));
    MeetingList {
        as_of,
        meetings: rows,
    }
}

/// Where a document stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentState {
    /// Not yet submitted, not yet due (or with no due date).
    Planned,
    /// Not yet submitted, and its due date has passed.
    Overdue,
    Submitted,
    Translated,
}

impl DocumentState {
    pub fn label(self) -> &'static str {
        match self {
            DocumentState::Planned => "planned",
            DocumentState::Overdue => "overdue",
            DocumentState::Submitted => "submitted",
            DocumentState::Translated => "translated",
        }
    }
}

/// One document as `document list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRow {
    pub meeting: String,
    pub symbol: String,
    pub title: String,
    pub pages_forecast: i64,
    pub pages_actual: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub submitted_on: Option<NaiveDate>,
    pub translated_on: Option<NaiveDate>,
    pub state: DocumentState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentList {
    pub as_of: NaiveDate,
    pub meeting: Option<String>,
    pub documents: Vec<DocumentRow>,
}

/// The documents of `meetings` (in the order given) by symbol, each with its state on
/// `as_of`. Dates after `as_of` are shown as recorded; the state counts only what happened
/// by `as_of`.
pub fn document_list(
    meetings: &[MeetingRecord],
    dues: &BTreeMap<(String, String), NaiveDate>,
    as_of: NaiveDate,
    meeting: Option<&str>,
) -> DocumentList {
    let mut documents = Vec::new();
    for record in meetings {
        let code = record.meeting.code.to_string();
        let mut rows: Vec<DocumentRow> = record
            .documents
            .iter()
            .map(|document| {
                let due_on = dues.get(&(code.clone(), document.symbol.clone())).copied();
                let by = |day: Option<NaiveDate>| day.is_some_and(|d| d <= as_of);
                let state = if by(document.translated_on) {
                    DocumentState::Translated
                } else if by(document.submitted_on) {
                    DocumentState::Submitted
                } else if due_on.is_some_and(|d| d < as_of) {
                    DocumentState::Overdue
                } else {
                    DocumentState::Planned
                };
                DocumentRow {
                    meeting: code.clone(),
                    symbol: document.symbol.clone(),
                    title: document.title.clone(),
                    pages_forecast: document.pages_forecast,
                    pages_actual: document.pages_actual,
                    due_on,
                    submitted_on: document.submitted_on,
                    translated_on: document.translated_on,
                    state,
                }
            })
            .collect();
        rows.sort_by(|a, b| symbol_order(&a.symbol, &b.symbol));
        documents.extend(rows);
    }
    DocumentList {
        as_of,
        meeting: meeting.map(str::to_string),
        documents,
    }
}

/// Symbols by their parts, numbers as numbers: CCM/MSP/2017/2 before CCM/MSP/2017/10.
fn symbol_order(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split('/')
            .map(|part| (part.parse::<u64>().unwrap_or(u64::MAX), part.to_string()))
            .collect()
    };
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_on_the_timeline_until_submitted_and_after_the_documents() {
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        let window = Window::new(day("2017-04-20"), 30).unwrap();
        let owed =
            |party: &str, period: &str, due_on: &str, submitted_on: Option<&str>| ReportOwed {
                party: party.to_string(),
                name: format!("{party} name"),
                period: period.to_string(),
                due_on: day(due_on),
                submitted_on: submitted_on.map(day),
            };
        let items = report_items(
            &[
                owed("FRA", "2016", "2017-04-30", None),
                owed("ITA", "2016", "2017-04-30", None),
                // Submitted after the day of the time-line: still owed on that day.
                owed("AUT", "2016", "2017-04-30", Some("2017-04-21")),
                owed("DEU", "2016", "2017-04-30", Some("2017-04-19")),
                owed("BEL", "initial", "2017-04-10", None),
                // Beyond the window's 30 days.
                owed("ESP", "2017", "2018-04-30", None),
            ],
            &window,
        );
        let shown: Vec<(ItemState, i64, &str, &str)> = items
            .iter()
            .map(|i| (i.state, i.days, i.key.as_str(), i.what.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    ItemState::Overdue,
                    10,
                    "initial BEL",
                    "BEL name: initial Article 7 report not yet submitted"
                ),
                (
                    ItemState::Due,
                    10,
                    "2016",
                    "3 States Parties: Article 7 annual update for 2016 not yet submitted"
                ),
            ]
        );
        let due = items[1].clone();
        let task = TimelineItem::new(
            day("2017-04-30"),
            ItemKind::Document,
            "x".into(),
            "x".into(),
            window.as_of,
        );
        let merged = timeline(window, vec![vec![due.clone()], vec![task.clone()]]);
        assert_eq!(merged.items, [task, due], "same day: the document first");
    }

    #[test]
    fn symbols_sort_by_their_numbers() {
        let mut symbols = vec!["A/10", "A/2", "A/1", "B/1", "A/x"];
        symbols.sort_by(|a, b| symbol_order(a, b));
        assert_eq!(symbols, ["A/1", "A/2", "A/10", "A/x", "B/1"]);
    }
}
