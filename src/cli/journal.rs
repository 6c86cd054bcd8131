//! `journal`: the entries with their transfers, filtered, a page at a time in a table and
//! streamed in CSV and JSON; `entry show`: one entry with its reversal links.

use std::io::{self, BufWriter, Write};

use anyhow::Context as _;
use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::app::journal::JournalQuery;
use crate::app::Page;
use crate::domain::dates::DateRange;
use crate::domain::parse_date_within;
use crate::ledger::{EntryId, EntryKind, PartyCode};
use crate::render::journal::JournalStream;
use crate::render::Format;
use crate::reports::journal::Paging;

/// The entries a table shows when `--limit` is not given.
pub const TABLE_PAGE: u64 = 1_000;

#[derive(Debug, Args)]
#[command(
    after_help = "The entries are listed by date, then by number. A table shows a \
page of 1000 entries unless --limit says otherwise, and its last line says which entries \
it shows and the --offset of the next page; CSV and JSON list every entry selected unless \
--limit is given, written as they are read."
)]
pub struct JournalArgs {
    /// Only entries dated on or after this day
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only entries dated on or before this day [default: --as-of]
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only entries of this party
    #[arg(long)]
    party: Option<String>,
    /// Only entries counting against this budget year
    #[arg(long)]
    year: Option<i32>,
    /// Only entries with a transfer to or from this account or an account below it
    /// (assets:bank holds assets:bank:chf)
    #[arg(long, value_name = "NAME")]
    account: Option<String>,
    /// Only entries of this kind (contribution, assessment, cost, reversal, ...)
    #[arg(long)]
    kind: Option<String>,
    /// Only entries whose reference contains this text
    #[arg(long, value_name = "TEXT")]
    reference: Option<String>,
    /// At most this many entries [default: 1000 in a table, all in CSV and JSON]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..))]
    limit: Option<i64>,
    /// Skip this many entries first
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(i64).range(0..))]
    offset: i64,
}

#[derive(Debug, Subcommand)]
pub enum EntryCommand {
    /// One entry: its transfers, party, budget year, reference, who recorded it and when,
    /// and the entry it reverses or that reversed it
    Show(EntryShowArgs),
}

#[derive(Debug, Args)]
pub struct EntryShowArgs {
    /// The entry's number (as `journal` lists it)
    #[arg(value_parser = clap::value_parser!(i64).range(1..))]
    id: i64,
}

/// Counts clap has held to be at least 0.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn query(context: &Context, args: JournalArgs) -> anyhow::Result<JournalQuery> {
    // A day far ahead or far back is a fine bound for a list: only the earliest is held.
    let range = DateRange {
        today: context.as_of,
        allow_future: true,
    };
    let date = |text: Option<String>, option: &str| {
        text.map(|text| parse_date_within(&text, &range).with_context(|| option.to_string()))
            .transpose()
    };
    let from = date(args.from, "--from")?;
    let until = date(args.until, "--until")?.unwrap_or(context.as_of);
    let party: Option<PartyCode> = args.party.as_deref().map(str::parse).transpose()?;
    let kind = args
        .kind
        .as_deref()
        .map(|text| {
            text.parse::<EntryKind>()
                .map_err(|message| anyhow::anyhow!("--kind: {message}"))
        })
        .transpose()?;
    Ok(JournalQuery {
        from,
        party,
        year: args.year,
        account: args.account,
        kind,
        reference: args.reference,
        ..JournalQuery::until(until)
    })
}

pub fn journal(context: &Context, args: JournalArgs) -> anyhow::Result<Outcome> {
    let offset = count(args.offset);
    let limit = args.limit.map(count);
    let query = query(context, args)?;
    let books = context.books()?;
    if context.format == Format::Table {
        let limit = limit.unwrap_or(TABLE_PAGE);
        let mut journal = books.journal_page(
            &query,
            Page {
                offset,
                limit: Some(limit),
            },
        )?;
        let shown = journal.entries.len() as u64;
        // Counting is a second pass over the ledger: only when there may be more.
        let matching = if offset == 0 && shown < limit {
            shown
        } else {
            books.journal_count(&query)?
        };
        journal.paging = Some(Paging { offset, matching });
        context.print(&journal)?;
        return Ok(Outcome::Done);
    }
    // Refused before anything is written.
    books.check_journal_query(&query)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut stream = JournalStream::begin(context.format, &query.head(), &mut out)?;
    books.journal_each(&query, Page { offset, limit }, |entry| stream.entry(&entry))?;
    stream.end()?;
    out.flush()?;
    Ok(Outcome::Done)
}

pub fn entry(context: &Context, command: EntryCommand) -> anyhow::Result<Outcome> {
    match command {
        EntryCommand::Show(args) => {
            let books = context.books()?;
            context.print(&books.entry_show(EntryId(args.id))?)?;
            Ok(Outcome::Done)
        }
    }
}
