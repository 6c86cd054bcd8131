//! The preparations time-line: recording tasks and marking them done, planning a meeting's
//! tasks from a pattern, the time-line of what is overdue and what falls due next, and the
//! lists of tasks, meetings and documents.

use std::collections::BTreeMap;

use anyhow::bail;
use chrono::NaiveDate;

use super::Books;
use crate::domain::meeting::MeetingCode;
use crate::domain::timeline::{parse_pattern, MeetingPlace, Task, TaskId, Window};
use crate::reports::standing::standings;
use crate::reports::timeline::{
    contribution_items, document_items, document_list, meeting_list, report_items, task_items,
    task_list, timeline, DocumentList, MeetingList, ReportOwed, TaskList, Timeline,
};
use crate::store::{Actor, MeetingRecord, Store, Tx};

/// What recording a task did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskRecorded {
    New(Task),
    /// The same task (meeting, title, due date and owner) was already recorded.
    AlreadyRecorded(Task),
}

/// A pattern to plan from: its name (a file's path, or a shipped pattern's name) and text.
pub struct PatternSource<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// What planning a meeting's time-line from a pattern did (or would do, on a dry run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub meeting: MeetingCode,
    pub held_on: NaiveDate,
    /// The tasks added (or to add), in the pattern's order.
    pub added: Vec<Task>,
    /// The tasks of the pattern already recorded for the meeting.
    pub already: Vec<Task>,
}

/// Refuses a task whose id is taken by another task (a different owner, or, most unlikely,
/// different content with the same id); returns whether the same task is recorded.
fn already_recorded(tx: &Tx<'_>, task: &Task) -> anyhow::Result<bool> {
    let Some(existing) = tx.task(&task.id)? else {
        return Ok(false);
    };
    if existing.task.same_as(task) {
        return Ok(true);
    }
    let owner = |t: &Task| t.owner.clone().unwrap_or_else(|| "no owner".to_string());
    bail!(
        "task {} ('{}', due {}) is already recorded with {}, not {}: record it under another \
         title or due date",
        existing.task.id,
        existing.task.title,
        existing.task.due_on,
        owner(&existing.task),
        owner(task)
    )
}

fn find_meeting(tx: &Tx<'_>, code: &MeetingCode) -> anyhow::Result<MeetingRecord> {
    super::meetings::find_meeting(tx, code)
}

/// Plans a meeting's tasks from a pattern in `tx` (see `Books::plan_timeline`).
pub fn plan_in(
    tx: &Tx<'_>,
    code: &MeetingCode,
    pattern: &PatternSource<'_>,
    recorded_on: NaiveDate,
    dry_run: bool,
) -> anyhow::Result<Planned> {
    let lines = parse_pattern(pattern.text)
        .map_err(|e| anyhow::anyhow!("{}:{}: {}", pattern.name, e.line, e.message))?;
    let record = find_meeting(tx, code)?;
    let held_on = record.meeting.held_on;
    let mut planned = Planned {
        meeting: code.clone(),
        held_on,
        added: Vec::new(),
        already: Vec::new(),
    };
    for line in &lines {
        let at = |message: String| anyhow::anyhow!("{}:{}: {message}", pattern.name, line.line);
        let due_on = line.due_on(held_on).ok_or_else(|| {
            at(format!(
                "{} days from {held_on} is no date",
                line.offset_days
            ))
        })?;
        // A pattern may plan what fell due before the day of recording: the meeting's date
        // decides.
        let task = Task::new(
            &line.title,
            due_on,
            line.owner.as_deref(),
            Some(code.clone()),
            recorded_on,
            true,
        )
        .map_err(|e| at(e.to_string()))?;
        if already_recorded(tx, &task).map_err(|e| at(e.to_string()))?
            || planned.added.iter().any(|t| t.id == task.id)
        {
            planned.already.push(task);
            continue;
        }
        if !dry_run {
            tx.insert_task(&task)?;
        }
        planned.added.push(task);
    }
    Ok(planned)
}

/// Every meeting, by first day and code.
fn all_meetings(store: &Store) -> anyhow::Result<Vec<MeetingRecord>> {
    let mut meetings = Vec::new();
    for code in store.meeting_codes()? {
        if let Some(record) = store.meeting(&code)? {
            meetings.push(record);
        }
    }
    Ok(meetings)
}

impl Books {
    /// Records a task in its own transaction. The same task recorded again writes nothing;
    /// a task of an unknown meeting is refused.
    pub fn add_task(&mut self, actor: Actor, task: &Task) -> anyhow::Result<TaskRecorded> {
        let tx = self.store.begin(actor)?;
        if let Some(code) = &task.meeting {
            find_meeting(&tx, code)?;
        }
        if already_recorded(&tx, task)? {
            return Ok(TaskRecorded::AlreadyRecorded(task.clone()));
        }
        tx.insert_task(task)?;
        tx.commit()?;
        Ok(TaskRecorded::New(task.clone()))
    }

    /// Records that a task was done on `on`; refused for an unknown task, one already done,
    /// or a day before the task was recorded.
    pub fn task_done(&mut self, actor: Actor, id: &TaskId, on: NaiveDate) -> anyhow::Result<Task> {
        let tx = self.store.begin(actor)?;
        let Some(record) = tx.task(id)? else {
            bail!("unknown task {id}: `isu-ledger task list --all` shows the tasks and their ids");
        };
        if let Some(done_on) = record.done_on {
            bail!(
                "task {id} ('{}') is already done, on {done_on}",
                record.task.title
            );
        }
        if on < record.task.recorded_on {
            bail!(
                "task {id} ('{}') was recorded on {}: it cannot be done on {on}, before that",
                record.task.title,
                record.task.recorded_on
            );
        }
        tx.insert_task_done(id, on)?;
        tx.commit()?;
        Ok(record.task)
    }

    /// The tasks on `as_of`, of one meeting or all, open ones only or all of them.
    pub fn task_list(
        &self,
        as_of: NaiveDate,
        meeting: Option<&str>,
        all: bool,
    ) -> anyhow::Result<TaskList> {
        let meeting = match meeting {
            Some(code) => Some(super::collection::load_meeting(&self.store, code)?),
            None => None,
        };
        let code = meeting.as_ref().map(|m| m.meeting.code.to_string());
        Ok(task_list(&self.store.tasks()?, as_of, code.as_deref(), all))
    }

    /// Plans a meeting's tasks from a pattern: one task per line, due its offset from the
    /// meeting's first day, owned as the line says. Lines already planned are left as they
    /// are; with `dry_run` nothing is written. Every line is checked before anything is.
    pub fn plan_timeline(
        &mut self,
        actor: Actor,
        code: &MeetingCode,
        pattern: &PatternSource<'_>,
        recorded_on: NaiveDate,
        dry_run: bool,
    ) -> anyhow::Result<Planned> {
        let tx = self.store.begin(actor)?;
        let planned = plan_in(&tx, code, pattern, recorded_on, dry_run)?;
        if !dry_run {
            tx.commit()?;
        }
        Ok(planned)
    }

    /// What is overdue on `as_of` and what falls due in the `days` after it: open tasks,
    /// documents not yet submitted, contributions still owed and Article 7 reports not yet
    /// submitted. Each source is one list; the time-line merges them by date, kind and key.
    pub fn timeline(&self, as_of: NaiveDate, days: u32) -> anyhow::Result<Timeline> {
        let window = Window::new(as_of, days)?;
        let store = &self.store;
        let meetings = all_meetings(store)?;
        let sources = vec![
            task_items(&store.tasks()?, &window),
            document_items(&meetings, &store.document_dues()?, &window),
            self.contributions_due(&window)?,
            report_items(&self.reports_owed(&window)?, &window),
        ];
        Ok(timeline(window, sources))
    }

    /// The Article 7 reports owed on `as_of` that fall due by the window's end.
    fn reports_owed(&self, window: &Window) -> anyhow::Result<Vec<ReportOwed>> {
        Ok(self
            .reports_due(window.as_of, window.until)?
            .into_iter()
            .map(|due| ReportOwed {
                party: due.party,
                name: due.name,
                period: due.period,
                due_on: due.due_on,
                submitted_on: due.submitted_on,
            })
            .collect())
    }

    /// What each party still owes on `as_of` for every budget year up to the window's end,
    /// by year and due date.
    fn contributions_due(
        &self,
        window: &Window,
    ) -> anyhow::Result<Vec<crate::domain::timeline::TimelineItem>> {
        use chrono::Datelike;
        let last_year = window.until.year();
        let standings = standings(&self.store.contribution_positions(window.as_of, last_year)?);
        let mut years: Vec<i32> = standings
            .values()
            .flat_map(|s| s.years.iter())
            .filter(|(_, position)| position.outstanding_minor > 0)
            .map(|(year, _)| *year)
            .collect();
        years.sort_unstable();
        years.dedup();
        let mut due_dates = BTreeMap::new();
        for year in years {
            due_dates.insert(year, self.store.due_dates(year, window.as_of)?);
        }
        Ok(contribution_items(
            &standings,
            &due_dates,
            window,
            self.store.currency()?,
        )?)
    }

    /// Sets where a meeting is held or its last day (what is given; the rest stays), checked
    /// against its first day; returns both as they now stand.
    pub fn update_meeting_place(
        &mut self,
        actor: Actor,
        code: &MeetingCode,
        last_day: Option<NaiveDate>,
        place: Option<&str>,
    ) -> anyhow::Result<MeetingPlace> {
        let tx = self.store.begin(actor)?;
        let record = find_meeting(&tx, code)?;
        let change = MeetingPlace::new(record.meeting.held_on, last_day, place)?;
        if change.is_empty() {
            bail!("nothing to update: give --last-day or --place");
        }
        tx.insert_meeting_place(code, &change)?;
        let now = tx
            .meeting_places()?
            .remove(code.as_str())
            .unwrap_or_default();
        tx.commit()?;
        Ok(now)
    }

    /// Every meeting with its estimate and how many documents and open tasks it has.
    pub fn meeting_list(&self, as_of: NaiveDate) -> anyhow::Result<MeetingList> {
        Ok(meeting_list(
            &all_meetings(&self.store)?,
            &self.store.meeting_places()?,
            &self.store.tasks()?,
            as_of,
        ))
    }

    /// The documents of one meeting, or of every meeting, with their due dates and states.
    pub fn document_list(
        &self,
        as_of: NaiveDate,
        meeting: Option<&str>,
    ) -> anyhow::Result<DocumentList> {
        let meetings = match meeting {
            Some(code) => vec![super::collection::load_meeting(&self.store, code)?],
            None => all_meetings(&self.store)?,
        };
        let code = meeting.map(|_| meetings[0].meeting.code.to_string());
        Ok(document_list(
            &meetings,
            &self.store.document_dues()?,
            as_of,
            code.as_deref(),
        ))
    }
}
