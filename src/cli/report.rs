//! `report YEAR --out FILE.html`: the Coordination Committee report as one HTML file; with
//! `--annual`, the annual financial report.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};
use clap::Args;

use super::{Context, Outcome};
use crate::render::annual::annual_page;
use crate::render::html::{committee_page, PageExtras};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The budget year
    year: i32,
    /// The HTML file to write (replaced if it exists); self-contained and print-ready on A4
    #[arg(long, value_name = "FILE.html")]
    out: PathBuf,
    /// The annual financial report instead, at 31 December (or --as-of when earlier):
    /// income and expenditure against the budget, financial position, contributions by
    /// State, the funds' movements
    #[arg(long)]
    annual: bool,
}

pub fn run(context: &Context, args: ReportArgs) -> anyhow::Result<Outcome> {
    check_out(&args.out)?;
    let books = context.books()?;
    let chain = books.chain_head()?;
    let (html, what) = if args.annual {
        let report = books.annual_report(args.year, context.as_of)?;
        (
            annual_page(&report, Some(&chain))?,
            format!("the financial report of {} at {}", args.year, report.at),
        )
    } else {
        let report = books.committee_report(args.year, context.as_of)?;
        (
            committee_page(
                &report,
                &PageExtras {
                    chain: Some(&chain),
                    ..PageExtras::default()
                },
            )?,
            format!("the report of {} as of {}", args.year, context.as_of),
        )
    };
    write_whole(&args.out, html.as_bytes())?;
    context.say(format!(
        "wrote {} ({} bytes): {what}",
        args.out.display(),
        html.len(),
    ))?;
    context.say(chain)?;
    Ok(Outcome::Done)
}

/// Refuses an output path that cannot be an HTML file to write, before anything is read.
fn check_out(out: &Path) -> anyhow::Result<()> {
    if out.is_dir() {
        bail!(
            "--out {} is a directory; give a file name such as report.html",
            out.display()
        );
    }
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent {
        if !parent.is_dir() {
            bail!(
                "--out {}: the directory {} does not exist",
                out.display(),
                parent.display()
            );
        }
    }
    Ok(())
}

/// Writes the file whole or not at all: into a temporary file beside it, then renamed over
/// it, so that a reader never sees half a report and a failure leaves no file behind.
fn write_whole(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let cannot = |e: std::io::Error| anyhow!("cannot write {}: {e}", out.display());
    let name = out
        .file_name()
        .ok_or_else(|| anyhow!("--out {} names no file", out.display()))?;
    let mut temporary = out.to_path_buf();
    temporary.set_file_name(format!(".{}.partial", name.to_string_lossy()));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, out)
    })();
    if let Err(error) = result {
        let _ = fs::remove_file(&temporary);
        return Err(cannot(error));
    }
    Ok(())
}
