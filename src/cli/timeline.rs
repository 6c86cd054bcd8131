//! `task add`, `task done`, `task list`, and `timeline` with `timeline plan` and
//! `timeline pattern`: the preparations time-line.

use anyhow::Context as _;
use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::app::timeline::{PatternSource, TaskRecorded};
use crate::domain::meeting::MeetingCode;
use crate::domain::parse_date;
use crate::domain::timeline::{shipped_pattern, Task, TaskId, DAYS_DEFAULT, SHIPPED_PATTERNS};
use crate::text::count;

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Record a task with its due date and owner, for a meeting or for the unit; the same
    /// task (meeting, title, due date) recorded again writes nothing
    Add {
        /// What is to be done, e.g. "Circulate the draft agenda"
        title: String,
        /// The day it is due
        #[arg(long, value_name = "DATE")]
        due: String,
        /// Who does it, e.g. ISU, President, Co-Chairs
        #[arg(long, value_name = "TEXT")]
        owner: Option<String>,
        /// The meeting it prepares, e.g. 7MSP
        #[arg(long, value_name = "CODE")]
        meeting: Option<String>,
        /// Accept a due date before the day of recording (--as-of)
        #[arg(long)]
        allow_past: bool,
    },
    /// Record that a task is done (once; the task and its change both stay in the history)
    Done {
        /// The task's id, as `task list` shows it
        id: String,
        /// The day it was done [default: --as-of]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// The tasks by due date: the ones open on --as-of, or all of them with their state
    List {
        /// Only the tasks of this meeting
        #[arg(long, value_name = "CODE")]
        meeting: Option<String>,
        /// Only the tasks still open on --as-of (the default)
        #[arg(long, conflicts_with = "all")]
        open: bool,
        /// Every task, open or done
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "The items: tasks still open on --as-of, documents not yet submitted whose due \
date is known (`document add --due`, `document update --due`), and what is still owed for each \
budget year by due date. They come by due date, then kind (task, document, contribution, report), \
then a key that follows from the item (a task's id, a document's meeting and symbol, a budget \
year), never in the order of recording. Days: how many days an overdue item is late, or how many \
are left until an item falls due (0: today)."
)]
pub struct TimelineArgs {
    #[command(subcommand)]
    command: Option<TimelineCommand>,
    /// How many days after --as-of to look ahead; everything overdue is shown whatever the
    /// number
    #[arg(long, value_name = "N", default_value_t = DAYS_DEFAULT)]
    days: u32,
}

#[derive(Debug, Subcommand)]
pub enum TimelineCommand {
    /// Add a meeting's tasks from a pattern, each due its offset in days from the meeting's
    /// first day; a task already planned is not added again
    #[command(after_help = pattern_help())]
    Plan {
        /// The meeting's code, e.g. 7MSP
        meeting: String,
        /// A pattern file, or the name of a pattern shipped with the program (apmbc-2003)
        #[arg(long, value_name = "FILE|NAME")]
        pattern: String,
        /// Show the tasks that would be added, and write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Print a pattern shipped with the program, to copy into a file and edit
    #[command(after_help = pattern_help())]
    Pattern {
        /// The pattern's name
        #[arg(default_value = "apmbc-2003")]
        name: String,
    },
}

/// What `timeline plan --help` says of patterns.
fn pattern_help() -> String {
    let names: Vec<&str> = SHIPPED_PATTERNS.iter().map(|(name, _)| *name).collect();
    format!(
        "A pattern has one task a line: OFFSET, TITLE[, OWNER], e.g. \
         `-66 days, Distribute the information package, ISU`. The offset is in days from the \
         meeting's first day (negative: before; `+11 days`, `-1 day` and a bare `-66` also \
         read); the owner is what follows the last comma. `#` starts a comment; blank lines \
         are skipped.\nShipped patterns: {} (the time-line of the APMBC Coordinating \
         Committee of 8 October 2003 towards the February 2004 Standing Committee meetings). \
         Write one out to edit with `isu-ledger timeline pattern NAME > FILE`.",
        names.join(", ")
    )
}

pub fn task(context: &Context, command: TaskCommand) -> anyhow::Result<Outcome> {
    match command {
        TaskCommand::Add {
            title,
            due,
            owner,
            meeting,
            allow_past,
        } => {
            let meeting: Option<MeetingCode> = meeting.as_deref().map(str::parse).transpose()?;
            let task = Task::new(
                &title,
                parse_date(&due).context("--due")?,
                owner.as_deref(),
                meeting,
                context.as_of,
                allow_past,
            )?;
            let mut books = context.books()?;
            context.say(match books.add_task(context.actor.clone(), &task)? {
                TaskRecorded::New(task) => format!(
                    "added task {}: {}, due {}{}{}",
                    task.id,
                    task.title,
                    task.due_on,
                    task.owner
                        .as_ref()
                        .map_or(String::new(), |o| format!(", {o}")),
                    task.meeting
                        .as_ref()
                        .map_or(String::new(), |m| format!(" (meeting {m})")),
                ),
                TaskRecorded::AlreadyRecorded(task) => format!(
                    "task {} ('{}', due {}) is already recorded; nothing written",
                    task.id, task.title, task.due_on
                ),
            })?;
        }
        TaskCommand::Done { id, on } => {
            let id: TaskId = id.parse()?;
            let on = context.date_or_as_of(on.as_deref())?;
            let mut books = context.books()?;
            let task = books.task_done(context.actor.clone(), &id, on)?;
            context.say(format!("task {id} ({}) done on {on}", task.title))?;
        }
        TaskCommand::List { meeting, open, all } => {
            let books = context.books()?;
            let all = all && !open;
            context.print(&books.task_list(context.as_of, meeting.as_deref(), all)?)?;
        }
    }
    Ok(Outcome::Done)
}

pub fn timeline(context: &Context, args: TimelineArgs) -> anyhow::Result<Outcome> {
    match args.command {
        None => {
            let books = context.books()?;
            context.print(&books.timeline(context.as_of, args.days)?)?;
        }
        Some(TimelineCommand::Pattern { name }) => {
            let text = shipped_pattern(&name).ok_or_else(|| unknown_pattern(&name))?;
            context.say(text.trim_end())?;
        }
        Some(TimelineCommand::Plan {
            meeting,
            pattern,
            dry_run,
        }) => {
            let code: MeetingCode = meeting.parse()?;
            // A file of that name first; else a shipped pattern.
            let path = std::path::Path::new(&pattern);
            let text = if path.is_file() {
                std::fs::read_to_string(path)
                    .with_context(|| format!("reading pattern {pattern}"))?
            } else {
                shipped_pattern(&pattern)
                    .ok_or_else(|| unknown_pattern(&pattern))?
                    .to_string()
            };
            let source = PatternSource {
                name: &pattern,
                text: &text,
            };
            let mut books = context.books()?;
            let planned = books.plan_timeline(
                context.actor.clone(),
                &code,
                &source,
                context.as_of,
                dry_run,
            )?;
            let verb = if dry_run { "would add" } else { "added" };
            let mut lines = vec![format!(
                "meeting {code} (first day {}): {verb} {}{}",
                planned.held_on,
                count(planned.added.len(), "task", "tasks"),
                match planned.already.len() {
                    0 => String::new(),
                    n => format!(
                        "; {} already planned, left as they are",
                        count(n, "task", "tasks")
                    ),
                }
            )];
            for task in &planned.added {
                lines.push(format!(
                    "  {}  {}  {}{}",
                    task.id,
                    task.due_on,
                    task.title,
                    task.owner
                        .as_ref()
                        .map_or(String::new(), |o| format!(" ({o})"))
                ));
            }
            if planned.added.is_empty() {
                lines.push("nothing written".to_string());
            }
            context.say(lines.join("\n"))?;
        }
    }
    Ok(Outcome::Done)
}

fn unknown_pattern(name: &str) -> anyhow::Error {
    let names: Vec<&str> = SHIPPED_PATTERNS.iter().map(|(name, _)| *name).collect();
    anyhow::anyhow!(
        "no pattern file '{name}' and no shipped pattern of that name (shipped: {})",
        names.join(", ")
    )
}
