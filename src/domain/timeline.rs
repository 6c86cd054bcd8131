//! The preparations time-line: tasks with a due date, an owner and a state; patterns of tasks
//! relative to a meeting's first day; and the time-line's items (tasks, documents due to the
//! conference services, contributions and reports due) in one order. Pure rules, no I/O.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::meeting::MeetingCode;

/// How many days ahead `timeline` looks unless told: about a month, the span between two
/// Coordination Committee meetings.
pub const DAYS_DEFAULT: u32 = 30;
/// The furthest `timeline --days` may look ahead (ten years).
pub const DAYS_MAX: u32 = 3_660;
/// The longest title of a task, in characters.
pub const TITLE_CHARS_MAX: usize = 200;
/// The longest owner of a task, in characters.
pub const OWNER_CHARS_MAX: usize = 100;
/// The largest offset of a pattern line, in days either side of a meeting (about three years).
pub const OFFSET_DAYS_MAX: i64 = 1_100;

/// The patterns shipped with the program, by name: `timeline plan MEETING --pattern NAME`.
pub const SHIPPED_PATTERNS: [(&str, &str); 1] = [(
    "apmbc-2003",
    include_str!("../../data/patterns/apmbc-2003.txt"),
)];

/// The text of the shipped pattern `name`.
pub fn shipped_pattern(name: &str) -> Option<&'static str> {
    SHIPPED_PATTERNS
        .iter()
        .find(|(shipped, _)| *shipped == name)
        .map(|(_, text)| *text)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    #[error(transparent)]
    Text(#[from] crate::ledger::LedgerError),
    #[error("the title of a task is empty")]
    TitleEmpty,
    #[error("the title of a task has {chars} characters; at most {TITLE_CHARS_MAX} are kept")]
    TitleTooLong { chars: usize },
    #[error("the owner of a task is empty: give a name, or leave --owner out")]
    OwnerEmpty,
    #[error("the owner of a task has {chars} characters; at most {OWNER_CHARS_MAX} are kept")]
    OwnerTooLong { chars: usize },
    #[error(
        "task '{title}' would be due on {due_on}, before {recorded_on}, the day it is recorded \
         (--as-of); give --allow-past if it really fell due then"
    )]
    DueBeforeRecorded {
        title: String,
        due_on: NaiveDate,
        recorded_on: NaiveDate,
    },
    #[error("'{given}' is not a task id: give the 8 hexadecimal digits `task list` shows")]
    TaskIdFormat { given: String },
    #[error("--days {days} is out of range: give 0 to {DAYS_MAX}")]
    DaysOutOfRange { days: u32 },
    #[error("the last day {last_day} is before the meeting's first day, {held_on}")]
    LastDayBeforeFirst {
        last_day: NaiveDate,
        held_on: NaiveDate,
    },
    #[error("the place of a meeting is empty: give a place, or leave --place out")]
    PlaceEmpty,
    #[error("the place of a meeting has {chars} characters; at most {PLACE_CHARS_MAX} are kept")]
    PlaceTooLong { chars: usize },
}

/// A task's identifier: 8 hexadecimal digits derived from its meeting, title and due date, so
/// that the same task has the same id however and whenever it is recorded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TaskId(String);

impl TaskId {
    /// The id of the task `title` of `meeting` (or of the unit) due on `due_on`.
    pub fn of(meeting: Option<&MeetingCode>, title: &str, due_on: NaiveDate) -> TaskId {
        let mut hash = Sha256::new();
        hash.update(meeting.map_or("", MeetingCode::as_str).as_bytes());
        hash.update([0]);
        hash.update(title.as_bytes());
        hash.update([0]);
        hash.update(due_on.to_string().as_bytes());
        let digest = hash.finalize();
        TaskId(digest[..4].iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TaskId {
    type Err = TimelineError;

    fn from_str(text: &str) -> Result<TaskId, TimelineError> {
        let trimmed = text.trim();
        if trimmed.len() == 8 && trimmed.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(TaskId(trimmed.to_ascii_lowercase()))
        } else {
            Err(TimelineError::TaskIdFormat {
                given: crate::text::excerpt(text),
            })
        }
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A task for a meeting, or for the unit when `meeting` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: TaskId,
    pub title: String,
    pub due_on: NaiveDate,
    pub owner: Option<String>,
    pub meeting: Option<MeetingCode>,
    /// The day the task was recorded (`--as-of`).
    pub recorded_on: NaiveDate,
}

impl Task {
    /// A task as given, checked: a title, an owner if any, and a due date no earlier than the
    /// day it is recorded unless `allow_past`.
    pub fn new(
        title: &str,
        due_on: NaiveDate,
        owner: Option<&str>,
        meeting: Option<MeetingCode>,
        recorded_on: NaiveDate,
        allow_past: bool,
    ) -> Result<Task, TimelineError> {
        let title = one_line(title);
        if title.is_empty() {
            return Err(TimelineError::TitleEmpty);
        }
        let chars = title.chars().count();
        if chars > TITLE_CHARS_MAX {
            return Err(TimelineError::TitleTooLong { chars });
        }
        crate::ledger::check_text("title", &title)?;
        let owner = owner.map(one_line);
        if let Some(owner) = &owner {
            crate::ledger::check_text("--owner", owner)?;
        }
        match &owner {
            Some(owner) if owner.is_empty() => return Err(TimelineError::OwnerEmpty),
            Some(owner) if owner.chars().count() > OWNER_CHARS_MAX => {
                return Err(TimelineError::OwnerTooLong {
                    chars: owner.chars().count(),
                })
            }
            _ => {}
        }
        if due_on < recorded_on && !allow_past {
            return Err(TimelineError::DueBeforeRecorded {
                title: crate::text::excerpt(&title),
                due_on,
                recorded_on,
            });
        }
        Ok(Task {
            id: TaskId::of(meeting.as_ref(), &title, due_on),
            title,
            due_on,
            owner,
            meeting,
            recorded_on,
        })
    }

    /// Whether `other` is the same task with the same owner (recording it again writes
    /// nothing).
    pub fn same_as(&self, other: &Task) -> bool {
        self.id == other.id
            && self.title == other.title
            && self.due_on == other.due_on
            && self.meeting == other.meeting
            && self.owner == other.owner
    }
}

/// The longest place of a meeting, in characters.
pub const PLACE_CHARS_MAX: usize = 100;

/// Where a meeting is held and its last day, as set so far (each may be unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MeetingPlace {
    pub last_day: Option<NaiveDate>,
    pub place: Option<String>,
}

impl MeetingPlace {
    /// A place and last day as given for a meeting whose first day is `held_on`: a last day
    /// before the first is refused, a place is one line.
    pub fn new(
        held_on: NaiveDate,
        last_day: Option<NaiveDate>,
        place: Option<&str>,
    ) -> Result<MeetingPlace, TimelineError> {
        if let Some(last_day) = last_day.filter(|day| *day < held_on) {
            return Err(TimelineError::LastDayBeforeFirst { last_day, held_on });
        }
        let place = place.map(one_line);
        match &place {
            Some(place) if place.is_empty() => return Err(TimelineError::PlaceEmpty),
            Some(place) if place.chars().count() > PLACE_CHARS_MAX => {
                return Err(TimelineError::PlaceTooLong {
                    chars: place.chars().count(),
                })
            }
            _ => {}
        }
        if let Some(place) = &place {
            crate::ledger::check_text("--place", place)?;
        }
        Ok(MeetingPlace { last_day, place })
    }

    pub fn is_empty(&self) -> bool {
        self.last_day.is_none() && self.place.is_none()
    }

    /// This place and last day with what `later` sets over them.
    pub fn updated(&self, later: &MeetingPlace) -> MeetingPlace {
        MeetingPlace {
            last_day: later.last_day.or(self.last_day),
            place: later.place.clone().or_else(|| self.place.clone()),
        }
    }
}

/// Whitespace folded to single spaces, trimmed: a title or an owner is one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A task as it stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskState {
    Open,
    Done,
}

impl TaskState {
    /// The state of a task done on `done_on` (if ever), on `as_of`.
    pub fn on(done_on: Option<NaiveDate>, as_of: NaiveDate) -> TaskState {
        match done_on {
            Some(day) if day <= as_of => TaskState::Done,
            _ => TaskState::Open,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskState::Open => "open",
            TaskState::Done => "done",
        }
    }
}

/// One line of a pattern: a task `offset_days` from a meeting's first day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternLine {
    /// The line of the pattern's text it was read from, from 1.
    pub line: usize,
    pub offset_days: i64,
    pub title: String,
    pub owner: Option<String>,
}

impl PatternLine {
    /// The day this line falls due for a meeting whose first day is `held_on`.
    pub fn due_on(&self, held_on: NaiveDate) -> Option<NaiveDate> {
        held_on.checked_add_signed(chrono::Duration::days(self.offset_days))
    }
}

/// A line of a pattern that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PatternError {
    pub line: usize,
    pub message: String,
}

/// Reads a pattern: one task a line, `OFFSET, TITLE[, OWNER]`, the offset in days from the
/// meeting's first day (`-66 days`, `+11 days`, `0 days`, `-1 day` or a bare `-66`); `#`
/// starts a comment, blank lines are skipped. The owner is what follows the last comma, so
/// a title with a comma needs an owner. A pattern with no task is refused.
pub fn parse_pattern(text: &str) -> Result<Vec<PatternLine>, PatternError> {
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.split('#').next().unwrap_or_default().trim();
        if content.is_empty() {
            continue;
        }
        let error = |message: String| PatternError { line, message };
        let Some((offset, rest)) = content.split_once(',') else {
            return Err(error(format!(
                "'{}' is not OFFSET, TITLE[, OWNER] (e.g. -66 days, Distribute the \
                 information package, ISU)",
                crate::text::excerpt(content)
            )));
        };
        let offset_days = parse_offset(offset).map_err(error)?;
        let (title, owner) = match rest.rsplit_once(',') {
            Some((title, owner)) => (title, Some(owner)),
            None => (rest, None),
        };
        let title = one_line(title);
        if title.is_empty() {
            return Err(error("the task has no title".to_string()));
        }
        if title.chars().count() > TITLE_CHARS_MAX {
            return Err(error(
                TimelineError::TitleTooLong {
                    chars: title.chars().count(),
                }
                .to_string(),
            ));
        }
        if let Err(error) = crate::ledger::check_text("title", &title) {
            return Err(PatternError {
                line,
                message: error.to_string(),
            });
        }
        let owner = owner.map(one_line);
        if let Some(Err(error)) = owner
            .as_deref()
            .map(|o| crate::ledger::check_text("owner", o))
        {
            return Err(PatternError {
                line,
                message: error.to_string(),
            });
        }
        if owner.as_deref().is_some_and(str::is_empty) {
            return Err(error("the owner after the last comma is empty".to_string()));
        }
        lines.push(PatternLine {
            line,
            offset_days,
            title,
            owner,
        });
    }
    if lines.is_empty() {
        return Err(PatternError {
            line: text.lines().count().max(1),
            message: "the pattern has no task: write OFFSET, TITLE[, OWNER] lines".to_string(),
        });
    }
    Ok(lines)
}

/// `-66 days`, `+11 days`, `1 day`, `-66`: a whole number of days within the limit.
fn parse_offset(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let number = text
        .strip_suffix("days")
        .or_else(|| text.strip_suffix("day"))
        .unwrap_or(text)
        .trim();
    let digits = number.strip_prefix('+').unwrap_or(number);
    let days: i64 = digits.parse().map_err(|_| {
        format!(
            "'{}' is not an offset in days (e.g. -66 days, +11 days)",
            crate::text::excerpt(text)
        )
    })?;
    if days.abs() > OFFSET_DAYS_MAX {
        return Err(format!(
            "an offset of {days} days is more than {OFFSET_DAYS_MAX} days from the meeting"
        ));
    }
    Ok(days)
}

/// What an item of the time-line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Task,
    Document,
    Contribution,
    Report,
}

impl ItemKind {
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Task => "task",
            ItemKind::Document => "document",
            ItemKind::Contribution => "contribution",
            ItemKind::Report => "report",
        }
    }
}

/// Whether an item is late or still to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    Overdue,
    Due,
}

impl ItemState {
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Overdue => "overdue",
            ItemState::Due => "due",
        }
    }
}

/// One thing still to do by a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineItem {
    pub due_on: NaiveDate,
    pub kind: ItemKind,
    /// What tells items of one kind on one day apart, whatever the order of recording: a
    /// task's id, a document's meeting and symbol, a budget year, a party and period.
    pub key: String,
    pub what: String,
    pub meeting: Option<String>,
    pub owner: Option<String>,
    pub state: ItemState,
    /// Days overdue for an overdue item; days left for an item still to come (0: today).
    pub days: i64,
}

impl TimelineItem {
    /// An item due on `due_on`, seen on `as_of`.
    pub fn new(
        due_on: NaiveDate,
        kind: ItemKind,
        key: String,
        what: String,
        as_of: NaiveDate,
    ) -> TimelineItem {
        let days = (due_on - as_of).num_days();
        let (state, days) = if days < 0 {
            (ItemState::Overdue, -days)
        } else {
            (ItemState::Due, days)
        };
        TimelineItem {
            due_on,
            kind,
            key,
            what,
            meeting: None,
            owner: None,
            state,
            days,
        }
    }

    pub fn with_meeting(mut self, meeting: Option<String>) -> TimelineItem {
        self.meeting = meeting;
        self
    }

    pub fn with_owner(mut self, owner: Option<String>) -> TimelineItem {
        self.owner = owner;
        self
    }
}

/// The time-line's order: by due date, then kind, then key (then what the item says, so
/// that the order is total).
pub fn item_order(a: &TimelineItem, b: &TimelineItem) -> Ordering {
    (a.due_on, a.kind, &a.key, &a.what).cmp(&(b.due_on, b.kind, &b.key, &b.what))
}

/// The days a time-line covers: everything overdue on `as_of`, and what falls due from
/// `as_of` to `until`, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub as_of: NaiveDate,
    pub until: NaiveDate,
    pub days: u32,
}

impl Window {
    pub fn new(as_of: NaiveDate, days: u32) -> Result<Window, TimelineError> {
        if days > DAYS_MAX {
            return Err(TimelineError::DaysOutOfRange { days });
        }
        let until = as_of
            .checked_add_days(chrono::Days::new(u64::from(days)))
            .ok_or(TimelineError::DaysOutOfRange { days })?;
        Ok(Window { as_of, until, days })
    }

    /// Whether an open item due on `due_on` belongs on the time-line.
    pub fn shows(&self, due_on: NaiveDate) -> bool {
        due_on <= self.until
    }
}

/// Merges the time-line's sources into one list in `item_order`. Each source is sorted
/// first, so a source may come in any order; a new source is one more list.
pub fn merge(sources: Vec<Vec<TimelineItem>>) -> Vec<TimelineItem> {
    struct Head {
        item: TimelineItem,
        source: usize,
    }
    impl PartialEq for Head {
        fn eq(&self, other: &Self) -> bool {
            self.cmp(other) == Ordering::Equal
        }
    }
    impl Eq for Head {}
    impl PartialOrd for Head {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Head {
        fn cmp(&self, other: &Self) -> Ordering {
            item_order(&self.item, &other.item).then(self.source.cmp(&other.source))
        }
    }
    let total = sources.iter().map(Vec::len).sum();
    let mut rests: Vec<std::vec::IntoIter<TimelineItem>> = sources
        .into_iter()
        .map(|mut source| {
            source.sort_by(item_order);
            source.into_iter()
        })
        .collect();
    let mut heads = BinaryHeap::new();
    for (source, rest) in rests.iter_mut().enumerate() {
        if let Some(item) = rest.next() {
            heads.push(Reverse(Head { item, source }));
        }
    }
    let mut merged = Vec::with_capacity(total);
    while let Some(Reverse(Head { item, source })) = heads.pop() {
        merged.push(item);
        if let Some(next) = rests[source].next() {
            heads.push(Reverse(Head { item: next, source }));
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn item(due: &str, kind: ItemKind, key: &str) -> TimelineItem {
        TimelineItem::new(
            day(due),
            kind,
            key.to_string(),
            format!("{key} {due}"),
            day("2017-06-27"),
        )
    }

    #[test]
    fn the_shipped_pattern_reads_the_three_dates_of_annex_i() {
        let lines = parse_pattern(shipped_pattern("apmbc-2003").unwrap()).unwrap();
        let held_on = day("2004-02-09");
        let due: Vec<(NaiveDate, &str, Option<&str>)> = lines
            .iter()
            .map(|l| {
                (
                    l.due_on(held_on).unwrap(),
                    l.title.as_str(),
                    l.owner.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            due,
            [
                (
                    day("2003-12-04"),
                    "Co-Chairs sign off agendas and background documents",
                    Some("Co-Chairs")
                ),
                (
                    day("2003-12-05"),
                    "Distribute the information package",
                    Some("ISU")
                ),
                (
                    day("2004-02-20"),
                    "Reports of the meetings reach the ISU for formatting",
                    Some("Co-Rapporteurs")
                ),
            ]
        );
        assert!(shipped_pattern("nonesuch").is_none());
    }

    #[test]
    fn pattern_lines_take_several_forms_and_bad_ones_name_their_line() {
        let lines = parse_pattern("# c\n\n-1 day, A\n+2 days, B, x  # note\n3, C, D, E\n").unwrap();
        let read: Vec<(usize, i64, &str, Option<&str>)> = lines
            .iter()
            .map(|l| (l.line, l.offset_days, l.title.as_str(), l.owner.as_deref()))
            .collect();
        assert_eq!(
            read,
            [
                (3, -1, "A", None),
                (4, 2, "B", Some("x")),
                (5, 3, "C, D", Some("E"))
            ]
        );
        for (text, line, says) in [
            ("-1 day A", 1, "is not OFFSET, TITLE"),
            ("\nsoon, A", 2, "is not an offset in days"),
            ("1 week, A", 1, "is not an offset in days"),
            ("5000 days, A", 1, "more than 1100 days"),
            ("1,  , ISU", 1, "no title"),
            ("1, A, ", 1, "owner after the last comma is empty"),
            ("# nothing\n\n", 2, "no task"),
            ("1, A\u{7}, ISU", 1, "control character"),
        ] {
            let error = parse_pattern(text).unwrap_err();
            assert_eq!(error.line, line, "{text}");
            assert!(error.to_string().contains(says), "{text}: {error}");
        }
    }

    #[test]
    fn a_task_due_before_it_is_recorded_needs_leave() {
        let recorded = day("2017-06-27");
        let error = Task::new("A", day("2017-06-26"), None, None, recorded, false).unwrap_err();
        assert!(matches!(error, TimelineError::DueBeforeRecorded { .. }));
        assert!(Task::new("A", day("2017-06-26"), None, None, recorded, true).is_ok());
        assert!(Task::new("A", recorded, None, None, recorded, false).is_ok());
        assert_eq!(
            Task::new("  ", recorded, None, None, recorded, false),
            Err(TimelineError::TitleEmpty)
        );
        assert_eq!(
            Task::new("A", recorded, Some(" "), None, recorded, false),
            Err(TimelineError::OwnerEmpty)
        );
        assert!(matches!(
            Task::new("A\u{7}", recorded, None, None, recorded, false),
            Err(TimelineError::Text(_))
        ));
        let folded = Task::new("A\n\tB", recorded, Some("I\tSU"), None, recorded, false).unwrap();
        assert_eq!(
            (folded.title.as_str(), folded.owner.as_deref()),
            ("A B", Some("I SU"))
        );
        let long = "x".repeat(TITLE_CHARS_MAX + 1);
        assert!(matches!(
            Task::new(&long, recorded, None, None, recorded, false),
            Err(TimelineError::TitleTooLong { .. })
        ));
    }

    #[test]
    fn a_task_id_follows_from_what_the_task_is() {
        let meeting: MeetingCode = "7MSP".parse().unwrap();
        let due = day("2017-06-28");
        let a = TaskId::of(Some(&meeting), "Send", due);
        assert_eq!(a, TaskId::of(Some(&meeting), "Send", due));
        assert_ne!(a, TaskId::of(None, "Send", due));
        assert_ne!(a, TaskId::of(Some(&meeting), "Send", day("2017-06-29")));
        assert_eq!(a.as_str().len(), 8);
        assert_eq!(a.as_str().to_uppercase().parse::<TaskId>().unwrap(), a);
        assert!("12345".parse::<TaskId>().is_err());
        assert!("1234567g".parse::<TaskId>().is_err());
        // Folded whitespace: the same title written twice is the same task.
        let spaced = Task::new("  Send   it ", due, None, None, due, false).unwrap();
        assert_eq!(spaced.title, "Send it");
        assert_eq!(spaced.id, TaskId::of(None, "Send it", due));
    }

    #[test]
    fn items_count_days_overdue_and_days_left() {
        let late = item("2017-06-20", ItemKind::Task, "a");
        assert_eq!((late.state, late.days), (ItemState::Overdue, 7));
        let today = item("2017-06-27", ItemKind::Task, "a");
        assert_eq!((today.state, today.days), (ItemState::Due, 0));
        let soon = item("2017-07-03", ItemKind::Task, "a");
        assert_eq!((soon.state, soon.days), (ItemState::Due, 6));
    }

    #[test]
    fn sources_merge_by_date_then_kind_then_key() {
        let tasks = vec![
            item("2017-07-03", ItemKind::Task, "b"),
            item("2017-06-28", ItemKind::Task, "z"),
        ];
        let documents = vec![
            item("2017-06-28", ItemKind::Document, "a"),
            item("2017-06-01", ItemKind::Document, "c"),
        ];
        let contributions = vec![item("2017-06-28", ItemKind::Contribution, "2017")];
        let merged = merge(vec![
            tasks.clone(),
            documents.clone(),
            contributions.clone(),
        ]);
        let order: Vec<(String, ItemKind, &str)> = merged
            .iter()
            .map(|i| (i.due_on.to_string(), i.kind, i.key.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("2017-06-01".to_string(), ItemKind::Document, "c"),
                ("2017-06-28".to_string(), ItemKind::Task, "z"),
                ("2017-06-28".to_string(), ItemKind::Document, "a"),
                ("2017-06-28".to_string(), ItemKind::Contribution, "2017"),
                ("2017-07-03".to_string(), ItemKind::Task, "b"),
            ]
        );
        // The sources in another order, and an empty one, give the same list.
        assert_eq!(merge(vec![contributions, vec![], documents, tasks]), merged);
    }

    #[test]
    fn a_meetings_place_and_last_day_are_checked_and_set_over_each_other() {
        let held_on = day("2017-09-04");
        let first = MeetingPlace::new(held_on, Some(day("2017-09-06")), Some(" Geneva ")).unwrap();
        assert_eq!(first.place.as_deref(), Some("Geneva"));
        let later = MeetingPlace::new(held_on, None, Some("Geneva, Palais des Nations")).unwrap();
        assert_eq!(
            first.updated(&later),
            MeetingPlace {
                last_day: Some(day("2017-09-06")),
                place: Some("Geneva, Palais des Nations".to_string())
            }
        );
        assert!(MeetingPlace::new(held_on, None, None).unwrap().is_empty());
        assert!(MeetingPlace::new(held_on, Some(held_on), None).is_ok());
        assert_eq!(
            MeetingPlace::new(held_on, Some(day("2017-09-03")), None),
            Err(TimelineError::LastDayBeforeFirst {
                last_day: day("2017-09-03"),
                held_on
            })
        );
        assert_eq!(
            MeetingPlace::new(held_on, None, Some("  ")),
            Err(TimelineError::PlaceEmpty)
        );
        assert!(matches!(
            MeetingPlace::new(held_on, None, Some(&"x".repeat(PLACE_CHARS_MAX + 1))),
            Err(TimelineError::PlaceTooLong { .. })
        ));
    }

    #[test]
    fn the_window_bounds_what_falls_due() {
        let window = Window::new(day("2017-06-27"), 6).unwrap();
        assert!(
            window.shows(day("2016-01-01")),
            "overdue items are all shown"
        );
        assert!(window.shows(day("2017-07-03")));
        assert!(!window.shows(day("2017-07-04")));
        assert!(Window::new(day("2017-06-27"), DAYS_MAX + 1).is_err());
    }
}
