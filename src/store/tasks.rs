//! The `task`, `task_change`, `document_due` and `meeting_detail` tables: the tasks of the
//! preparations time-line with the day each was done, the days documents are due to the
//! conference services, and where meetings are held until which day.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::{corrupt, text_to_date, Store, StoreError, Tx};
use crate::domain::meeting::MeetingCode;
use crate::domain::timeline::{MeetingPlace, Task, TaskId};

/// A task as stored, with the day it was done, if it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    pub task: Task,
    pub done_on: Option<NaiveDate>,
}

const TASK_COLUMNS: &str = "t.id, t.title, t.due_on, t.owner, t.meeting, t.recorded_on,
     (SELECT c.changed_on FROM task_change c WHERE c.task = t.id AND c.state = 'done')";

type TaskRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

fn task_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TaskRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

fn task_record(row: TaskRow) -> Result<TaskRecord, StoreError> {
    let (id, title, due_on, owner, meeting, recorded_on, done_on) = row;
    Ok(TaskRecord {
        task: Task {
            id: id.parse().map_err(corrupt)?,
            title,
            due_on: text_to_date(&due_on)?,
            owner,
            meeting: meeting
                .map(|code| code.parse::<MeetingCode>())
                .transpose()
                .map_err(corrupt)?,
            recorded_on: text_to_date(&recorded_on)?,
        },
        done_on: done_on.as_deref().map(text_to_date).transpose()?,
    })
}

/// Every task, by due date and id (an order that does not depend on when each was recorded).
fn load_tasks(conn: &Connection) -> Result<Vec<TaskRecord>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {TASK_COLUMNS} FROM task t ORDER BY t.due_on, t.id"
    ))?;
    let rows = statement
        .query_map([], task_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(task_record).collect()
}

fn load_task(conn: &Connection, id: &TaskId) -> Result<Option<TaskRecord>, StoreError> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {TASK_COLUMNS} FROM task t WHERE t.id = ?1"
        ))?
        .query_row([id.as_str()], task_row)
        .optional()?;
    row.map(task_record).transpose()
}

/// The due date in force of every document that has one, by meeting and symbol: the latest
/// set.
fn load_document_dues(
    conn: &Connection,
) -> Result<BTreeMap<(String, String), NaiveDate>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT meeting, symbol, due_on FROM document_due d
         WHERE id = (SELECT max(id) FROM document_due l
                     WHERE l.meeting = d.meeting AND l.symbol = d.symbol)",
    )?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(meeting, symbol, due_on)| Ok(((meeting, symbol), text_to_date(&due_on)?)))
        .collect()
}

/// Every meeting's place and last day as set, by code: the rows applied in order.
fn load_meeting_places(conn: &Connection) -> Result<BTreeMap<String, MeetingPlace>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT meeting, last_day, place FROM meeting_detail ORDER BY id")?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, Option<String>>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut places: BTreeMap<String, MeetingPlace> = BTreeMap::new();
    for (meeting, last_day, place) in rows {
        let later = MeetingPlace {
            last_day: last_day.as_deref().map(text_to_date).transpose()?,
            place,
        };
        let slot = places.entry(meeting).or_default();
        *slot = slot.updated(&later);
    }
    Ok(places)
}

impl Store {
    pub fn meeting_places(&self) -> Result<BTreeMap<String, MeetingPlace>, StoreError> {
        load_meeting_places(&self.conn)
    }

    pub fn tasks(&self) -> Result<Vec<TaskRecord>, StoreError> {
        load_tasks(&self.conn)
    }

    pub fn document_dues(&self) -> Result<BTreeMap<(String, String), NaiveDate>, StoreError> {
        load_document_dues(&self.conn)
    }

    /// Every meeting's code, by first day and code.
    pub fn meeting_codes(&self) -> Result<Vec<MeetingCode>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT code FROM meeting ORDER BY held_on, code")?;
        let codes = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        codes
            .into_iter()
            .map(|code| code.parse().map_err(corrupt))
            .collect()
    }
}

impl Tx<'_> {
    pub fn task(&self, id: &TaskId) -> Result<Option<TaskRecord>, StoreError> {
        load_task(&self.tx, id)
    }

    pub fn insert_task(&self, task: &Task) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO task (id, title, due_on, owner, meeting, recorded_on, created_at,
                               created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                task.id.as_str(),
                task.title,
                task.due_on.to_string(),
                task.owner,
                task.meeting.as_ref().map(MeetingCode::as_str),
                task.recorded_on.to_string(),
                self.actor.at,
                self.actor.user
            ],
        )?;
        Ok(())
    }

    /// Records that the task was done on `on`.
    pub fn insert_task_done(&self, id: &TaskId, on: NaiveDate) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO task_change (task, state, changed_on, created_at, created_by)
             VALUES (?1, 'done', ?2, ?3, ?4)",
            params![id.as_str(), on.to_string(), self.actor.at, self.actor.user],
        )?;
        Ok(())
    }

    /// Sets the day a document is due to the conference services.
    pub fn insert_document_due(
        &self,
        code: &MeetingCode,
        symbol: &str,
        due_on: NaiveDate,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO document_due (meeting, symbol, due_on, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                code.as_str(),
                symbol,
                due_on.to_string(),
                self.actor.at,
                self.actor.user
            ],
        )?;
        Ok(())
    }

    pub fn document_dues(&self) -> Result<BTreeMap<(String, String), NaiveDate>, StoreError> {
        load_document_dues(&self.tx)
    }

    pub fn meeting_places(&self) -> Result<BTreeMap<String, MeetingPlace>, StoreError> {
        load_meeting_places(&self.tx)
    }

    /// Sets a meeting's place or last day (what `place` names; the rest stays).
    pub fn insert_meeting_place(
        &self,
        code: &MeetingCode,
        place: &MeetingPlace,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meeting_detail (meeting, last_day, place, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                code.as_str(),
                place.last_day.map(|d| d.to_string()),
                place.place,
                self.actor.at,
                self.actor.user
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Actor;

    fn actor() -> Actor {
        Actor::test("2017-06-27T10:00:00Z")
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_task_is_kept_with_the_day_it_was_done_and_never_changed() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, _) = Store::create(&dir.path().join("t.sqlite")).unwrap();
        let task = Task::new(
            "Circulate the agenda",
            day("2017-07-03"),
            Some("ISU"),
            None,
            day("2017-06-27"),
            false,
        )
        .unwrap();
        let tx = store.begin(actor()).unwrap();
        tx.insert_task(&task).unwrap();
        assert!(tx.insert_task(&task).is_err(), "one row per task");
        tx.insert_task_done(&task.id, day("2017-06-30")).unwrap();
        assert!(tx.insert_task_done(&task.id, day("2017-07-01")).is_err());
        tx.commit().unwrap();
        let stored = store.tasks().unwrap();
        assert_eq!(
            stored,
            [TaskRecord {
                task: task.clone(),
                done_on: Some(day("2017-06-30"))
            }]
        );
        for sql in [
            "UPDATE task SET title = 'x'",
            "DELETE FROM task",
            "UPDATE task_change SET changed_on = '2017-01-01'",
            "DELETE FROM task_change",
        ] {
            let error = store.conn.execute(sql, []).unwrap_err().to_string();
            assert!(error.contains("append-only"), "{sql}: {error}");
        }
    }
}
