//! How the time-line, the task list, the meeting list and the document list lay themselves
//! out as tables.

use super::{Cell, Table, Tabular};
use crate::reports::timeline::{DocumentList, MeetingList, TaskList, Timeline};
use crate::text::count;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

fn text_or_empty(text: Option<&String>) -> Cell {
    Cell::optional(text, |t| Cell::text(t.clone()))
}

impl Tabular for Timeline {
    fn table(&self) -> Table {
        let rows = self
            .items
            .iter()
            .map(|item| {
                vec![
                    Cell::Date(item.due_on),
                    Cell::text(item.kind.label()),
                    Cell::text(item.what.clone()),
                    text_or_empty(item.meeting.as_ref()),
                    text_or_empty(item.owner.as_ref()),
                    Cell::text(item.state.label()),
                    Cell::Count(item.days),
                ]
            })
            .collect();
        let summary = if self.items.is_empty() {
            format!(
                "Nothing overdue, and nothing falls due from {} to {}.",
                self.as_of, self.until
            )
        } else {
            format!(
                "{} overdue; {} due from {} to {}. Days: overdue by, or left until due.",
                count(self.overdue, "item", "items"),
                count(self.due, "item", "items"),
                self.as_of,
                self.until
            )
        };
        Table {
            title: format!(
                "Time-line as of {}: overdue, and due in the next {}",
                self.as_of,
                count(i64::from(self.days), "day", "days")
            ),
            headers: headers(&["Due", "Kind", "What", "Meeting", "Owner", "State", "Days"]),
            rows,
            totals: Vec::new(),
            notes: vec![String::new(), summary],
        }
    }
}

impl Tabular for TaskList {
    fn table(&self) -> Table {
        let rows = self
            .tasks
            .iter()
            .map(|task| {
                vec![
                    Cell::text(task.id.to_string()),
                    Cell::Date(task.due_on),
                    Cell::text(task.title.clone()),
                    text_or_empty(task.owner.as_ref()),
                    text_or_empty(task.meeting.as_ref()),
                    Cell::text(task.state.label()),
                    Cell::optional(task.done_on, Cell::Date),
                ]
            })
            .collect();
        let which = if self.all { "all" } else { "open" };
        let of = self
            .meeting
            .as_ref()
            .map_or(String::new(), |m| format!(" of {m}"));
        Table {
            title: format!("Tasks{of} as of {} ({which})", self.as_of),
            headers: headers(&["Id", "Due", "Title", "Owner", "Meeting", "State", "Done on"]),
            rows,
            totals: Vec::new(),
            notes: vec![
                String::new(),
                format!(
                    "{}; `isu-ledger task done ID` records one done.",
                    count(self.tasks.len(), "task", "tasks")
                ),
            ],
        }
    }
}

impl Tabular for MeetingList {
    fn table(&self) -> Table {
        let rows = self
            .meetings
            .iter()
            .map(|meeting| {
                let dates = match meeting.last_day {
                    Some(last) if last != meeting.held_on => {
                        format!("{} to {last}", meeting.held_on)
                    }
                    _ => meeting.held_on.to_string(),
                };
                vec![
                    Cell::text(meeting.code.clone()),
                    Cell::text(meeting.name.clone()),
                    Cell::text(dates),
                    text_or_empty(meeting.place.as_ref()),
                    Cell::optional(meeting.estimate, Cell::Money),
                    text_or_empty(meeting.approved_by.as_ref()),
                    Cell::Count(meeting.documents as i64),
                    Cell::Count(meeting.documents_submitted as i64),
                    Cell::Count(meeting.tasks_open as i64),
                ]
            })
            .collect();
        Table {
            title: format!("Meetings as of {}", self.as_of),
            headers: headers(&[
                "Code",
                "Name",
                "Dates",
                "Place",
                "Estimate",
                "Approved by",
                "Documents",
                "Submitted",
                "Open tasks",
            ]),
            rows,
            totals: Vec::new(),
            notes: vec![
                String::new(),
                count(self.meetings.len(), "meeting", "meetings"),
            ],
        }
    }
}

impl Tabular for DocumentList {
    fn table(&self) -> Table {
        let rows = self
            .documents
            .iter()
            .map(|document| {
                vec![
                    Cell::text(document.meeting.clone()),
                    Cell::text(document.symbol.clone()),
                    Cell::text(document.title.clone()),
                    Cell::Count(document.pages_forecast),
                    Cell::optional(document.pages_actual, Cell::Count),
                    Cell::optional(document.due_on, Cell::Date),
                    Cell::optional(document.submitted_on, Cell::Date),
                    Cell::optional(document.translated_on, Cell::Date),
                    Cell::text(document.state.label()),
                ]
            })
            .collect();
        let of = self
            .meeting
            .as_ref()
            .map_or(String::new(), |m| format!(" of {m}"));
        Table {
            title: format!("Documents{of} as of {}", self.as_of),
            headers: headers(&[
                "Meeting",
                "Symbol",
                "Title",
                "Pages forecast",
                "Pages actual",
                "Due",
                "Submitted",
                "Translated",
                "State",
            ]),
            rows,
            totals: Vec::new(),
            notes: vec![
                String::new(),
                count(self.documents.len(), "document", "documents"),
            ],
        }
    }
}
