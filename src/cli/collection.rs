//! Collecting what is owed: `outstanding`, `statement`, `honour-roll`, `letters`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _};
use clap::Args;

use super::{Context, Outcome};
use crate::app::collection::selection;
use crate::app::Letter;
use crate::domain::party::Language;
use crate::ledger::{check_budget_year, PartyCode};
use crate::render::letters::LetterTemplates;
use crate::render::{self, Cell, Format, Table, Tabular};
use crate::text::count;

#[derive(Debug, Args)]
pub struct OutstandingArgs {
    /// The budget year; earlier years owed are shown as arrears
    year: i32,
    /// Only parties owing at least this amount in all (CHF)
    #[arg(long, value_name = "AMOUNT")]
    min: Option<String>,
    /// Only the N parties owing most
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = super::args::top
    )]
    top: Option<usize>,
}

#[derive(Debug, Args)]
pub struct StatementArgs {
    /// The party's code
    party: String,
}

#[derive(Debug, Args)]
pub struct HonourRollArgs {
    /// The budget year
    year: i32,
    /// Count a payment on time when it completes within DAYS of the assessment [default:
    /// on or before each assessment's due date]
    #[arg(long, value_name = "DAYS")]
    due_days: Option<u32>,
}

#[derive(Debug, Args)]
pub struct LettersArgs {
    /// The budget year; each letter lists this year and every earlier year the party owes
    year: i32,
    /// The directory to write the letters and mail-merge.csv to (created if missing)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Only parties owing at least this amount in all (CHF), e.g. the major donors
    #[arg(long, value_name = "AMOUNT")]
    min: Option<String>,
    /// Only the N parties owing most
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = super::args::top
    )]
    top: Option<usize>,
    /// The reminder level of these letters [default: one above the last recorded for each
    /// party on an earlier day; the same level when it was recorded on --as-of]
    #[arg(long, value_name = "N")]
    level: Option<u32>,
    /// A template to use for every letter instead of the built-in English, French and
    /// Spanish ones (minijinja syntax; see reports/letter-en.txt for the variables)
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Record the letters as sent on --as-of, so the next list shows the level reached;
    /// recording again the same day writes nothing and keeps the level
    #[arg(long)]
    record: bool,
}

pub fn outstanding(context: &Context, args: OutstandingArgs) -> anyhow::Result<Outcome> {
    let selection = selection(args.min.as_deref(), args.top)?;
    let books = context.books()?;
    context.print(&books.outstanding(args.year, context.as_of, selection)?)?;
    Ok(Outcome::Done)
}

pub fn statement(context: &Context, args: StatementArgs) -> anyhow::Result<Outcome> {
    let code: PartyCode = args.party.parse()?;
    let books = context.books()?;
    context.print(&books.statement(&code, context.as_of)?)?;
    Ok(Outcome::Done)
}

pub fn honour_roll(context: &Context, args: HonourRollArgs) -> anyhow::Result<Outcome> {
    check_budget_year(args.year)?;
    let books = context.books()?;
    context.print(&books.honour_roll(args.year, context.as_of, args.due_days)?)?;
    Ok(Outcome::Done)
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

fn read_template(path: &Path) -> anyhow::Result<(String, String)> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read the template {}", path.display()))?;
    Ok((path.display().to_string(), text))
}

pub fn letters(context: &Context, args: LettersArgs) -> anyhow::Result<Outcome> {
    if args.level == Some(0) {
        bail!("--level must be 1 or more (1 is the first reminder)");
    }
    let selection = selection(args.min.as_deref(), args.top)?;
    // The day the letters are recorded as sent is a date the books keep: checked before any
    // letter is written.
    let sent_on = if args.record {
        Some(context.date_or_as_of(None)?)
    } else {
        None
    };
    let templates = LetterTemplates::new(args.template.as_deref().map(read_template).transpose()?)?;
    let mut books = context.books()?;
    let letters = books.letters(args.year, context.as_of, selection, args.level, &templates)?;
    write_letters(&args.out, &letters)?;
    let recorded = match sent_on {
        Some(sent_on) => books.record_reminders(context.actor.clone(), &letters, sent_on)?,
        None => 0,
    };
    let in_language = |language: Language| {
        letters
            .iter()
            .filter(|l| l.party.language == language)
            .count()
    };
    let mut message = format!(
        "wrote {} for {} to {} (en {}, fr {}, es {}) and {}",
        count(letters.len(), "letter", "letters"),
        args.year,
        args.out.display(),
        in_language(Language::En),
        in_language(Language::Fr),
        in_language(Language::Es),
        args.out.join("mail-merge.csv").display()
    );
    if args.record {
        message.push_str(&format!(
            "; recorded {} as sent on {} ({} already recorded)",
            count(recorded, "reminder", "reminders"),
            context.as_of,
            letters.len() - recorded
        ));
    }
    context.say(message)?;
    Ok(Outcome::Done)
}

/// Writes the letters and the mail-merge CSV; a directory that cannot be written is
/// refused before any letter is.
fn write_letters(dir: &Path, letters: &[Letter]) -> anyhow::Result<()> {
    let cannot = |e: std::io::Error| anyhow!("cannot write letters to {}: {e}", dir.display());
    if dir.exists() && !dir.is_dir() {
        bail!(
            "cannot write letters to {}: it is a file, not a directory",
            dir.display()
        );
    }
    fs::create_dir_all(dir).map_err(cannot)?;
    let merge_path = dir.join("mail-merge.csv");
    let mut merge = Vec::new();
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
                Cell::Amount(l.row.outstanding),
                Cell::Amount(l.row.arrears),
                Cell::Amount(l.row.total),
                Cell::text(l.row.total.currency().as_str()),
                Cell::text(&l.file_name),
            ]
        })
        .collect();
    render::write(&MailMerge { letters: rows }, Format::Csv, &mut merge)?;
    // The first write tells whether the directory can be written at all.
    fs::write(&merge_path, &merge).map_err(cannot)?;
    for letter in letters {
        fs::write(dir.join(&letter.file_name), &letter.text).map_err(cannot)?;
    }
    Ok(())
}
