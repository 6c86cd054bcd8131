//! `export`: the whole journal for hledger, ledger, beancount or a spreadsheet, to standard
//! output or to a file.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;

use super::{Context, Outcome};
use crate::ledger::check_budget_year;
use crate::render::export::ExportFormat;

#[derive(Debug, Args)]
#[command(
    after_help = "Formats (the global --format): ledger (hledger and ledger journal \
syntax), beancount, csv and json (one row or object per transfer).\n\n\
Every entry keeps its date, description, kind, budget year, fund, party, reference and rate \
as metadata; accounts and currencies are declared; a conversion entry is preceded by a price \
directive at its rate.\n\n\
Account names: the ledger's own names in the ledger format. In beancount each segment is \
mapped on its own: a segment starting with a lower-case letter with no other capital gets a \
capital first letter (assets:bank:chf -> Assets:Bank:Chf); one starting with a digit, or with a \
capital followed by another capital (DEU), is unchanged; any other (one holding '_', or Deu) is \
written as 'Ξ' and its bytes in hexadecimal (staff_costs -> Ξ73746166665F636F737473). The \
mapping is reversible."
)]
pub struct ExportArgs {
    /// Only the transfers counted for this budget year (and their entries)
    #[arg(long)]
    year: Option<i32>,
    /// Write to this file instead of standard output (replaced only when complete)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(context: &Context, format: ExportFormat, args: ExportArgs) -> anyhow::Result<Outcome> {
    if let Some(year) = args.year {
        check_budget_year(year)?;
    }
    let books = context.books()?;
    match &args.out {
        None => {
            let stdout = io::stdout();
            books.export(format, args.year, BufWriter::new(stdout.lock()))?;
        }
        Some(path) => {
            // Written beside the target and renamed at the end, so that a failed export
            // leaves no half file under the name asked for.
            let partial = partial_path(path);
            let file = File::create(&partial)
                .with_context(|| format!("cannot create {}", partial.display()))?;
            let written = books
                .export(format, args.year, BufWriter::new(file))
                .and_then(|out| {
                    out.into_inner()
                        .map_err(|e| e.into_error())?
                        .sync_all()
                        .map_err(anyhow::Error::from)
                })
                .and_then(|()| {
                    std::fs::rename(&partial, path)
                        .with_context(|| format!("cannot write {}", path.display()))
                });
            if let Err(error) = written {
                let _ = std::fs::remove_file(&partial);
                return Err(error);
            }
        }
    }
    Ok(Outcome::Done)
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}
