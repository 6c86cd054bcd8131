//! `letters`: reminders, acknowledgements of a payment, statements of account and meeting
//! reminders written as HTML and text into a folder the run owns, with a mail-merge CSV, a
//! manifest and, with `--eml`, e-mail drafts; `letters templates` writes the built-in
//! templates for editing; `reminders` lists the letters recorded as sent.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::app::Letter;
use crate::domain::party::Language;
use crate::domain::settings::Identity;
use crate::ledger::{check_budget_year, PartyCode};
use crate::render::eml::{eml, EmlDraft};
use crate::render::letters::{LetterTemplates, BUILTIN_TEMPLATES};
use crate::render::{self, Cell, Format, Table, Tabular};
use crate::text::count;

/// The manifest of a folder of letters: the files the last run wrote there.
pub const MANIFEST: &str = "manifest.txt";
const MANIFEST_HEAD: &str = "# isu-ledger letters: the files the last run wrote in this folder; \
                             the next run into it removes those it does not write again";
const MAIL_MERGE: &str = "mail-merge.csv";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct LettersArgs {
    #[command(subcommand)]
    kind: Option<LettersCommand>,
    /// The budget year of reminders (`letters YEAR` is `letters reminder YEAR`)
    year: Option<i32>,
    #[command(flatten)]
    reminder: ReminderOptions,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum LettersCommand {
    /// Reminders of contributions outstanding for a year and earlier years
    Reminder {
        /// The budget year; each letter lists this year and every earlier year the party owes
        year: i32,
        #[command(flatten)]
        reminder: ReminderOptions,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Acknowledgements of the payments received from --since to --as-of: what arrived,
    /// how it was applied, what remains
    Receipt {
        /// The first day of the payments acknowledged [default: --as-of]
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Only this party's payments
        #[arg(long, value_name = "CODE")]
        party: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Statements of account as letters: to the parties given, or to every party that owes
    /// anything or holds a credit
    Statement {
        /// A party to write to (repeat it) [default: every party owing or holding a credit]
        #[arg(long, value_name = "CODE")]
        party: Vec<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Reminders of the balances States owe for a meeting's costs (Article 14)
    Meeting {
        /// Only this meeting [default: every meeting with a balance owed]
        #[arg(long, value_name = "CODE")]
        meeting: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Reminders of the Article 7 transparency reports each State Party owes on --as-of:
    /// its initial report and its annual updates up to the one covering YEAR, each past its
    /// due date and not submitted (see `transparency --help` for the rule)
    Report {
        /// The latest annual round asked about [default: the year before --as-of's]
        year: Option<i32>,
        /// A State Party to write to (repeat it) [default: every State Party owing a report]
        #[arg(long, value_name = "CODE")]
        party: Vec<String>,
        /// The reminder level of these letters [default: one above the last recorded for
        /// YEAR for each party on an earlier day; the same level when it was recorded on
        /// --as-of]
        #[arg(long, value_name = "N")]
        level: Option<u32>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Write the built-in templates (layout.html, layout.txt, KIND.LANG.html) to a folder,
    /// to edit and give back with --template-dir
    Templates {
        /// The folder to write them to (created if missing; files already there are kept
        /// and the run refused)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ReminderOptions {
    #[command(flatten)]
    select: super::args::SelectionArgs,
    /// The reminder level of these letters [default: one above the last recorded for each
    /// party on an earlier day; the same level when it was recorded on --as-of]
    #[arg(long, value_name = "N")]
    level: Option<u32>,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// The folder to write the letters, mail-merge.csv and manifest.txt to (created if
    /// missing). The run owns it: files an earlier run wrote there and this one does not are
    /// removed; a folder holding files no run wrote is refused
    #[arg(long, value_name = "DIR", required = true)]
    out: Option<PathBuf>,
    /// A folder of templates overriding the built-in ones one by one: layout.html,
    /// layout.txt, KIND.LANG.html, KIND.LANG.txt (e.g. reminder.fr.html); `letters
    /// templates --out DIR` writes the built-in ones to start from
    #[arg(long, value_name = "DIR")]
    template_dir: Option<PathBuf>,
    /// Replaced by --template-dir: refused with a message saying so
    #[arg(long, value_name = "FILE", hide = true)]
    template: Option<PathBuf>,
    /// Record the letters as sent on --as-of, with their reference numbers (a reminder's
    /// level too, so the next one goes beyond it); recording again writes nothing
    #[arg(long)]
    record: bool,
    /// Write an e-mail draft of each letter too (KIND.eml, RFC 5322): to the mission's
    /// e-mail address, from the unit's (settings email), the text as the body and the HTML
    /// attached, to open and send in any mail client; nothing is sent
    #[arg(long)]
    eml: bool,
}

/// The mail-merge table: one row per letter. Text cells are neutralised by the CSV writer
/// so that a spreadsheet cannot run them; amounts stay plain numbers.
#[derive(serde::Serialize)]
struct MailMerge {
    #[serde(skip)]
    letters: Vec<Vec<Cell>>,
}

impl Tabular for MailMerge {
    fn table(&self) -> Table {
        Table {
            title: String::new(),
            headers: [
                "party",
                "name",
                "formal_name",
                "language",
                "address",
                "email",
                "year",
                "level",
                "outstanding",
                "arrears",
                "total",
                "currency",
                "file",
                "html",
                "kind",
                "reference",
                "subject",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: self.letters.clone(),
            totals: vec![],
            notes: vec![],
        }
    }
}

pub fn letters(context: &Context, args: LettersArgs) -> anyhow::Result<Outcome> {
    if context.format != Format::Table {
        bail!(
            "letters writes files (HTML, text, mail-merge.csv, manifest.txt), not a report: \
             leave out --format"
        );
    }
    match args.kind {
        Some(LettersCommand::Reminder {
            year,
            reminder,
            output,
        }) => reminders_run(context, year, reminder, output),
        None => match args.year {
            Some(year) => reminders_run(context, year, args.reminder, args.output),
            None => bail!(
                "letters needs a kind: reminder YEAR, receipt, statement, meeting, report or \
                 templates (e.g. `isu-ledger letters reminder 2017 --out letters`)"
            ),
        },
        Some(LettersCommand::Receipt {
            since,
            party,
            output,
        }) => {
            let since = match since.as_deref() {
                Some(text) => crate::domain::parse_date(text)?,
                None => context.as_of,
            };
            let party: Option<PartyCode> = party.as_deref().map(str::parse).transpose()?;
            run_kind(context, output, "acknowledgement", |books, templates| {
                books.receipt_letters(since, context.as_of, party.as_ref(), templates)
            })
        }
        Some(LettersCommand::Statement { party, output }) => {
            let parties = party
                .iter()
                .map(|code| code.parse::<PartyCode>())
                .collect::<Result<Vec<_>, _>>()?;
            run_kind(context, output, "statement", |books, templates| {
                books.statement_letters(context.as_of, &parties, templates)
            })
        }
        Some(LettersCommand::Meeting { meeting, output }) => {
            run_kind(context, output, "meeting reminder", |books, templates| {
                books.meeting_letters(context.as_of, meeting.as_deref(), templates)
            })
        }
        Some(LettersCommand::Report {
            year,
            party,
            level,
            output,
        }) => {
            let parties = party
                .iter()
                .map(|code| code.parse::<PartyCode>())
                .collect::<Result<Vec<_>, _>>()?;
            let year = year.unwrap_or_else(|| crate::app::transparency_round(context.as_of));
            check_budget_year(year)?;
            if level == Some(0) {
                bail!("--level must be 1 or more (1 is the first reminder)");
            }
            run_kind(context, output, "report reminder", |books, templates| {
                books.report_letters(year, context.as_of, &parties, level, templates)
            })
        }
        Some(LettersCommand::Templates { out }) => write_templates(context, &out),
    }
}

fn reminders_run(
    context: &Context,
    year: i32,
    options: ReminderOptions,
    output: OutputArgs,
) -> anyhow::Result<Outcome> {
    check_budget_year(year)?;
    if options.level == Some(0) {
        bail!("--level must be 1 or more (1 is the first reminder)");
    }
    run_kind(context, output, "reminder", |books, templates| {
        let selection = options.select.selection(books.currency()?)?;
        books.reminder_letters(year, context.as_of, selection, options.level, templates)
    })
}

/// The steps every kind shares: templates read and checked, the folder checked, the letters
/// made, written, recorded if asked, and a line saying what was done.
fn run_kind(
    context: &Context,
    output: OutputArgs,
    what: &str,
    make: impl FnOnce(&crate::app::Books, &LetterTemplates) -> anyhow::Result<Vec<Letter>>,
) -> anyhow::Result<Outcome> {
    if let Some(file) = &output.template {
        bail!(
            "--template {} is replaced by --template-dir DIR, a folder of templates by kind and \
             language (reminder.en.html, reminder.fr.html…) overriding the built-in ones one by \
             one: write those with `isu-ledger letters templates --out DIR` and edit them",
            file.display()
        );
    }
    let out = output
        .out
        .ok_or_else(|| anyhow!("letters needs --out DIR, the folder to write them to"))?;
    // The day the letters are recorded as sent is a date the books keep: checked before any
    // letter is written.
    let sent_on = if output.record {
        Some(context.date_or_as_of(None)?)
    } else {
        None
    };
    let templates = match &output.template_dir {
        Some(dir) => LetterTemplates::from_dir(dir)?,
        None => LetterTemplates::builtin()?,
    };
    let previous = check_folder(&out)?;
    let mut books = context.books()?;
    let sender = if output.eml {
        let identity = books.identity()?;
        if identity.get("email", Language::En).is_empty() {
            bail!(
                "--eml needs the unit's e-mail address, the sender of the drafts: set it with \
                 `isu-ledger settings set email ADDRESS`"
            );
        }
        Some(identity)
    } else {
        None
    };
    let letters = make(&books, &templates)?;
    write_letters(&out, &letters, &previous, sender.as_ref(), context.as_of)?;
    let recorded = match sent_on {
        Some(sent_on) => books.record_letters(context.actor.clone(), &letters, sent_on)?,
        None => 0,
    };
    let in_language = |language: Language| {
        letters
            .iter()
            .filter(|l| l.party.language == language)
            .count()
    };
    let year = letters
        .first()
        .filter(|l| {
            matches!(
                l.kind,
                crate::render::letters::LetterKind::Reminder
                    | crate::render::letters::LetterKind::Report
            )
        })
        .map(|l| format!(" for {}", l.year))
        .unwrap_or_default();
    let mut message = format!(
        "wrote {}{year} to {} (en {}, fr {}, es {}; HTML and text) and {}",
        count(
            letters.len(),
            &format!("{what} letter"),
            &format!("{what} letters")
        ),
        out.display(),
        in_language(Language::En),
        in_language(Language::Fr),
        in_language(Language::Es),
        out.join(MAIL_MERGE).display()
    );
    if output.record {
        let (one, many) = if what == "reminder" {
            ("reminder", "reminders")
        } else {
            ("letter", "letters")
        };
        message.push_str(&format!(
            "; recorded {} as sent on {} ({} already recorded)",
            count(recorded, one, many),
            context.as_of,
            letters.len() - recorded
        ));
    }
    context.say(message)?;
    Ok(Outcome::Done)
}

/// Checks the folder before anything is made: a file is refused; a folder that holds files
/// no run wrote (not in its manifest) is refused. Returns the files of the earlier run.
fn check_folder(dir: &Path) -> anyhow::Result<BTreeSet<String>> {
    if dir.exists() && !dir.is_dir() {
        bail!(
            "cannot write letters to {}: it is a file, not a directory",
            dir.display()
        );
    }
    if !dir.exists() {
        return Ok(BTreeSet::new());
    }
    let cannot = |e: std::io::Error| anyhow!("cannot write letters to {}: {e}", dir.display());
    let manifest = dir.join(MANIFEST);
    let previous: BTreeSet<String> = if manifest.is_file() {
        fs::read_to_string(&manifest)
            .map_err(cannot)?
            .lines()
            .filter(|line| !line.starts_with('#') && is_plain_name(line))
            .map(str::to_string)
            .collect()
    } else {
        BTreeSet::new()
    };
    let mut foreign = Vec::new();
    for entry in fs::read_dir(dir).map_err(cannot)? {
        let name = entry
            .map_err(cannot)?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name != MANIFEST && !previous.contains(&name) {
            foreign.push(name);
        }
    }
    foreign.sort();
    if let Some(first) = foreign.first() {
        bail!(
            "{} holds {} that no letters run wrote (e.g. {first}): give an empty or new folder \
             to --out, or one an earlier run wrote",
            dir.display(),
            count(foreign.len(), "file", "files")
        );
    }
    Ok(previous)
}

/// A name a manifest may list: a file in the folder itself, never a path elsewhere.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\']) && name != MANIFEST
}

/// Writes the letters (HTML and text), the mail-merge CSV and the manifest, then removes
/// the files of the earlier run that this one did not write. A directory that cannot be
/// written is refused before any letter is.
fn write_letters(
    dir: &Path,
    letters: &[Letter],
    previous: &BTreeSet<String>,
    sender: Option<&Identity>,
    date: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let cannot = |e: std::io::Error| anyhow!("cannot write letters to {}: {e}", dir.display());
    fs::create_dir_all(dir).map_err(cannot)?;
    let rows = letters
        .iter()
        .map(|l| {
            vec![
                Cell::text(l.party.code.as_str()),
                Cell::text(&l.party.name),
                Cell::text(&l.formal_name),
                Cell::text(l.party.language.as_str()),
                Cell::text(l.party.address.clone().unwrap_or_default()),
                Cell::text(l.party.email.clone().unwrap_or_default()),
                Cell::Count(i64::from(l.year)),
                Cell::Count(i64::from(l.level)),
                Cell::Amount(l.outstanding),
                Cell::Amount(l.arrears),
                Cell::Amount(l.total),
                Cell::text(l.total.currency().as_str()),
                Cell::text(format!("{}.txt", l.file_stem)),
                Cell::text(format!("{}.html", l.file_stem)),
                Cell::text(l.kind.as_str()),
                Cell::text(&l.reference),
                Cell::text(&l.subject),
            ]
        })
        .collect();
    let mut merge = Vec::new();
    render::write(&MailMerge { letters: rows }, Format::Csv, &mut merge)?;
    // The first write tells whether the directory can be written at all.
    fs::write(dir.join(MAIL_MERGE), &merge).map_err(cannot)?;
    let mut written: BTreeSet<String> = BTreeSet::new();
    written.insert(MAIL_MERGE.to_string());
    for letter in letters {
        let text = format!("{}.txt", letter.file_stem);
        let html = format!("{}.html", letter.file_stem);
        fs::write(dir.join(&text), &letter.rendered.text).map_err(cannot)?;
        fs::write(dir.join(&html), &letter.rendered.html).map_err(cannot)?;
        if let Some(identity) = sender {
            let language = letter.party.language;
            let name = format!("{}.eml", letter.file_stem);
            let from_name = identity.get("unit_name", language);
            let from_email = identity.get("email", language);
            let subject = format!("{} – {}", letter.reference, letter.subject);
            let id = format!("{} {}", letter.reference, letter.party.code);
            let bytes = eml(&EmlDraft {
                from_name: &from_name,
                from_email: &from_email,
                to: letter.party.email.as_deref(),
                subject: &subject,
                text: &letter.rendered.text,
                html: &letter.rendered.html,
                html_file_name: &html,
                id: &id,
                date,
            })
            .map_err(cannot)?;
            fs::write(dir.join(&name), bytes).map_err(cannot)?;
            written.insert(name);
        }
        written.insert(text);
        written.insert(html);
    }
    let mut manifest = String::from(MANIFEST_HEAD);
    manifest.push('\n');
    for name in &written {
        manifest.push_str(name);
        manifest.push('\n');
    }
    fs::write(dir.join(MANIFEST), manifest).map_err(cannot)?;
    for stale in previous.difference(&written) {
        let path = dir.join(stale);
        if path.is_file() {
            fs::remove_file(&path).map_err(cannot)?;
        }
    }
    Ok(())
}

/// `letters templates --out DIR`: the built-in templates, to edit.
fn write_templates(context: &Context, dir: &Path) -> anyhow::Result<Outcome> {
    let cannot = |e: std::io::Error| anyhow!("cannot write templates to {}: {e}", dir.display());
    if dir.exists() && !dir.is_dir() {
        bail!(
            "cannot write templates to {}: it is a file, not a directory",
            dir.display()
        );
    }
    if let Some((name, _)) = BUILTIN_TEMPLATES
        .iter()
        .find(|(name, _)| dir.join(name).exists())
    {
        bail!(
            "{} already holds {name}: give an empty or new folder, so that no edited \
             template is overwritten",
            dir.display()
        );
    }
    fs::create_dir_all(dir).map_err(cannot)?;
    for (name, source) in BUILTIN_TEMPLATES {
        fs::write(dir.join(name), source).map_err(cannot)?;
    }
    context.say(format!(
        "wrote {} to {}; edit them and give the folder with --template-dir (a template left \
         out is the built-in one)",
        count(BUILTIN_TEMPLATES.len(), "template", "templates"),
        dir.display()
    ))?;
    Ok(Outcome::Done)
}

#[derive(Debug, Args)]
pub struct RemindersArgs {
    /// Only the letters of this budget year
    year: Option<i32>,
    /// Only the letters to this party
    #[arg(long, value_name = "CODE")]
    party: Option<String>,
}

/// `reminders [YEAR] [--party CODE]`: every letter recorded as sent.
pub fn reminders(context: &Context, args: RemindersArgs) -> anyhow::Result<Outcome> {
    let party: Option<PartyCode> = args.party.as_deref().map(str::parse).transpose()?;
    let books = context.books()?;
    context.print(&books.letters_sent(args.year, party.as_ref())?)?;
    Ok(Outcome::Done)
}
