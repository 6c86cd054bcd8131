//! Collecting what is owed: `outstanding`, `statement`, `honour-roll`, `letters`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _};
use clap::Args;

use super::{Context, Outcome};
use crate::domain::countries;
use crate::domain::party::{Language, Party};
use crate::domain::reminder::level_on;
use crate::ledger::{check_budget_year, PartyCode};
use crate::money::{format_minor_swiss, Currency, Money};
use crate::render::letters::{
    letter_date, with_preposition, LetterContext, LetterLine, LetterTemplates,
};
use crate::render::{self, Cell, Format, Table, Tabular};
use crate::reports::honour_roll::honour_roll as honour_roll_report;
use crate::reports::outstanding::{
    outstanding as outstanding_report, Outstanding, OutstandingRow, ReminderSent, Selection,
};
use crate::reports::standing::standings;
use crate::reports::statement::statement as statement_report;
use crate::store::{Store, StoreError};
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

fn selection(min: Option<&str>, top: Option<usize>) -> anyhow::Result<Selection> {
    if top == Some(0) {
        bail!("--top must be 1 or more");
    }
    let min = min
        .map(|m| Money::parse(m, Currency::CHF))
        .transpose()
        .map_err(|e| anyhow!("--min: {e}"))?;
    if min.is_some_and(|m| m.minor() < 0) {
        bail!("--min must not be negative");
    }
    Ok(Selection { min, top })
}

/// The outstanding list of `year` on the context's date.
fn outstanding_of(
    store: &Store,
    year: i32,
    as_of: chrono::NaiveDate,
    selection: Selection,
) -> anyhow::Result<(Outstanding, Vec<Party>)> {
    check_budget_year(year)?;
    let standings = standings(&store.contribution_positions(as_of, year)?);
    let owing: Vec<PartyCode> = standings.keys().cloned().collect();
    let parties = store.parties()?;
    let reminders: BTreeMap<PartyCode, ReminderSent> = store
        .reminders(year, as_of)?
        .into_iter()
        .map(|(code, r)| {
            (
                code,
                ReminderSent {
                    level: r.level,
                    sent_on: r.sent_on,
                },
            )
        })
        .collect();
    let report = outstanding_report(
        year,
        as_of,
        &standings,
        &parties,
        &store.last_payments(as_of, &owing)?,
        &reminders,
        &store.due_dates(year, as_of)?,
        selection,
    );
    Ok((report, parties))
}

pub fn outstanding(context: &Context, args: OutstandingArgs) -> anyhow::Result<Outcome> {
    let selection = selection(args.min.as_deref(), args.top)?;
    let store = context.open()?;
    let (mut report, _) = outstanding_of(&store, args.year, context.as_of, selection)?;
    report.meetings = super::meetings::meetings_owed(&store, context.as_of, None)?;
    context.print(&report)?;
    Ok(Outcome::Done)
}

pub fn statement(context: &Context, args: StatementArgs) -> anyhow::Result<Outcome> {
    let code: PartyCode = args.party.parse()?;
    let store = context.open()?;
    let party = store
        .party(&code)?
        .ok_or_else(|| StoreError::PartyNotFound { code: code.clone() })?;
    let facts = store.party_facts(&code, Some(context.as_of))?;
    let replayed = facts.replay(None);
    let mut report = statement_report(&party, context.as_of, &facts, &replayed);
    report.meetings = super::meetings::meetings_owed(&store, context.as_of, Some(&party.code))?;
    context.print(&report)?;
    Ok(Outcome::Done)
}

pub fn honour_roll(context: &Context, args: HonourRollArgs) -> anyhow::Result<Outcome> {
    check_budget_year(args.year)?;
    let store = context.open()?;
    let parties = store.parties()?;
    let mut positions = Vec::new();
    for party in &parties {
        let replayed = store
            .party_facts(&party.code, Some(context.as_of))?
            .replay(None);
        if let Some(position) = replayed.years.get(&args.year) {
            positions.push((party.code.clone(), *position));
        }
    }
    context.print(&honour_roll_report(
        args.year,
        context.as_of,
        args.due_days,
        store.due_days()?,
        &positions,
        &parties,
    ))?;
    Ok(Outcome::Done)
}

/// One letter, ready to write.
struct Letter {
    file_name: String,
    text: String,
    row: OutstandingRow,
    party: Party,
    formal_name: String,
    year: i32,
    level: u32,
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

fn formal_name(party: &Party) -> String {
    let country = countries::find(party.code.as_str());
    let formal = country.map(|c| match party.language {
        Language::En => c.formal_en.clone(),
        Language::Fr => c.formal_fr.clone(),
        Language::Es => c.formal_es.clone(),
    });
    formal
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| party.name.clone())
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
    let mut store = context.open()?;
    let (list, parties) = outstanding_of(&store, args.year, context.as_of, selection)?;
    let sent = store.reminders(args.year, context.as_of)?;
    let swiss = |m: Money| format!("{} {}", m.currency(), format_minor_swiss(m.minor()));
    let mut letters = Vec::new();
    // A letter never asks for what a credit the party holds already covers.
    for row in list
        .rows
        .iter()
        .filter(|r| r.total.minor() > r.credit.minor().max(0))
    {
        let party = parties
            .iter()
            .find(|p| p.code == row.party)
            .cloned()
            .ok_or_else(|| StoreError::PartyNotFound {
                code: row.party.clone(),
            })?;
        let last = sent.get(&party.code).map(|r| (r.level, r.sent_on));
        let level = args.level.unwrap_or_else(|| level_on(last, context.as_of));
        let mut lines: Vec<LetterLine> = row
            .arrears_by_year
            .iter()
            .map(|y| LetterLine {
                year: y.year,
                assessed: String::new(),
                received: String::new(),
                outstanding: swiss(y.amount),
                due: String::new(),
            })
            .collect();
        if row.outstanding.minor() != 0 {
            lines.push(LetterLine {
                year: args.year,
                assessed: swiss(row.assessed),
                received: swiss(row.received),
                outstanding: swiss(row.outstanding),
                due: row
                    .due_on
                    .map(|due| letter_date(party.language, due))
                    .unwrap_or_default(),
            });
        }
        let formal = formal_name(&party);
        let letter_context = LetterContext {
            party: party.code.to_string(),
            name: party.name.clone(),
            formal_name: formal.clone(),
            formal_name_to: with_preposition(party.language, &formal, true),
            formal_name_of: with_preposition(party.language, &formal, false),
            address: party.address.clone(),
            email: party.email.clone(),
            language: party.language.as_str().to_string(),
            year: args.year,
            date: letter_date(party.language, context.as_of),
            date_iso: context.as_of.to_string(),
            level,
            lines,
            total: swiss(Money::from_minor(
                row.total.minor() - row.credit.minor().max(0),
                Currency::CHF,
            )),
            credit: swiss(row.credit),
            credit_deducted: row.credit.is_positive(),
            currency: Currency::CHF.to_string(),
        };
        let text = templates.render(party.language, &letter_context)?;
        letters.push(Letter {
            file_name: format!("{}-{}.txt", args.year, party.code),
            text,
            row: row.clone(),
            party,
            formal_name: formal,
            year: args.year,
            level,
        });
    }
    write_letters(&args.out, &letters)?;
    let mut recorded = 0;
    if let Some(sent_on) = sent_on {
        let tx = store.begin(context.actor.clone())?;
        for letter in &letters {
            if tx.record_reminder(&letter.party.code, args.year, letter.level, sent_on)? {
                recorded += 1;
            }
        }
        tx.commit()?;
    }
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
