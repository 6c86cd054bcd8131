//! `scale import|list|show`, `assess`, `pledge add`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{anyhow, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::app::assessments::{reversal_reason, AssessOrder, PledgeOrder, PledgeRecorded};
use crate::app::csv_in::CsvInput;
use crate::app::Recorded;
use crate::domain::assessment::{Limits, Method};
use crate::domain::parse_date;
use crate::ledger::{check_budget_year, PartyCode};
use crate::money::{Currency, Money};

#[derive(Debug, Subcommand)]
pub enum ScaleCommand {
    /// Import a scale of assessment from CSV (columns: code,rate; rate in per cent, e.g.
    /// 6.389); all or nothing. The UN scales un-2016-2018, un-2019-2021, un-2022-2024 and
    /// un-2025-2027 are built in.
    Import {
        /// The name assessments will use, e.g. ccm-2016-2018
        name: String,
        /// The CSV file
        file: PathBuf,
        /// Start from this scale and add or replace the file's rates (e.g. add the rates
        /// of States that are not UN Members to un-2016-2018)
        #[arg(long, value_name = "SCALE")]
        base: Option<String>,
    },
    /// List the scales, built in and imported
    List,
    /// Show the rates of a scale
    Show {
        /// The scale's name
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// The budget year to assess (its approved budget is shared among the parties)
    year: i32,
    /// The scale of assessment, e.g. un-2016-2018 (for --method adjusted-scale)
    #[arg(long)]
    scale: Option<String>,
    /// adjusted-scale (the scale re-normalised over the parties assessed), equal, or
    /// `fixed FILE` (columns: code,amount; the amounts must add up to the budget)
    #[arg(
        long,
        num_args = 1..=2,
        value_names = ["METHOD", "FILE"],
        value_parser = super::args::method_value
    )]
    method: Vec<String>,
    /// No party is assessed less than this amount (in the book currency)
    #[arg(long, value_name = "AMOUNT")]
    minimum: Option<String>,
    /// No party is assessed more than this share of the budget, in per cent
    #[arg(long, value_name = "PERCENT")]
    maximum_share: Option<String>,
    /// Assess the States Parties for which the convention is in force on this date
    /// [default: 1 January of YEAR]
    #[arg(long, value_name = "DATE")]
    parties_in_force_on: Option<String>,
    /// Date of the assessment entries; the budget in force on it is shared [default: --as-of]
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// The day the assessments fall due [default: --date plus the books' due period, 30 days]
    #[arg(long, value_name = "DATE")]
    due: Option<String>,
    /// Print the assessments and write nothing
    #[arg(long)]
    dry_run: bool,
    /// Reverse the year's assessment instead (before assessing it again); needs --reason
    #[arg(long, conflicts_with_all = ["scale", "method", "minimum", "maximum_share", "dry_run"])]
    reverse: bool,
    /// Why the assessment is reversed
    #[arg(long, requires = "reverse")]
    reason: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PledgeCommand {
    /// Record a voluntary pledge: money a party promises for a budget year, expected in
    /// every report like an assessment
    Add {
        /// The party's code
        party: String,
        /// The amount pledged (in the book currency)
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// The budget year the pledge is for
        #[arg(long)]
        year: i32,
        /// Date of the pledge [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// The day the pledge falls due [default: its date plus the books' due period, 30 days]
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        /// Reference (e.g. the pledging letter); recording it again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
}

pub fn scale(context: &Context, command: ScaleCommand) -> anyhow::Result<Outcome> {
    match command {
        ScaleCommand::Import { name, file, base } => {
            let mut books = context.books()?;
            let csv = CsvInput::open(&file, &["code", "rate"], &[])?;
            let (imported, count) =
                books.import_scale(context.actor.clone(), &name, base.as_deref(), csv)?;
            let total: rust_decimal::Decimal = imported.rates.values().sum();
            context.say(format!(
                "imported scale {}: {} ({count} from {}), rates adding up to {total}%",
                imported.name,
                crate::text::count(imported.rates.len(), "party", "parties"),
                file.display()
            ))?;
        }
        ScaleCommand::List => {
            let books = context.books()?;
            context.print(&books.scales()?)?;
        }
        ScaleCommand::Show { name } => {
            let books = context.books()?;
            context.print(&books.scale_show(&name)?)?;
        }
    }
    Ok(Outcome::Done)
}

/// Reads `--method`: a name, and a file for `fixed`.
fn method_of(context: &Context, args: &AssessArgs, book: Currency) -> anyhow::Result<Method> {
    let name = args.method.first().map_or("adjusted-scale", String::as_str);
    let file = args.method.get(1);
    if name != "fixed" && file.is_some() {
        bail!("--method {name} takes no file (only `--method fixed FILE` does)");
    }
    if name != "adjusted-scale" && args.scale.is_some() {
        bail!("--scale applies to --method adjusted-scale only");
    }
    match name {
        "adjusted-scale" => {
            let Some(scale) = &args.scale else {
                bail!("--method adjusted-scale needs --scale NAME (e.g. --scale un-2016-2018)");
            };
            Ok(Method::AdjustedScale(context.books()?.scale(scale)?))
        }
        "equal" => Ok(Method::Equal),
        "fixed" => {
            let Some(file) = file else {
                bail!("--method fixed needs a file: --method fixed FILE.csv (columns code,amount)");
            };
            let mut csv = CsvInput::open(std::path::Path::new(file), &["code", "amount"], &[])?;
            let mut amounts = BTreeMap::new();
            while let Some(row) = csv.next_row()? {
                let (code, amount) = (|| -> anyhow::Result<_> {
                    let code: PartyCode = row.required("code")?.parse()?;
                    if amounts.contains_key(&code) {
                        bail!("{code} appears twice");
                    }
                    let amount = Money::parse(row.get("amount"), book)?;
                    if amount.minor() < 0 {
                        bail!("amount {amount} is negative");
                    }
                    Ok((code, amount))
                })()
                .map_err(|e| row.error(format!("{e:#}")))?;
                amounts.insert(code, amount);
            }
            Ok(Method::Fixed(amounts))
        }
        other => bail!("unknown --method '{other}' (use adjusted-scale, equal or fixed FILE)"),
    }
}

pub fn assess(context: &Context, args: AssessArgs) -> anyhow::Result<Outcome> {
    check_budget_year(args.year)?;
    let date = context.date_or_as_of(args.date.as_deref())?;
    if args.reverse {
        return reverse_assessment(context, args.year, args.reason.as_deref(), date);
    }
    let mut books = context.books()?;
    let book = books.currency()?;
    let method = method_of(context, &args, book)?;
    let limits = Limits {
        minimum: args
            .minimum
            .as_deref()
            .map(|m| Money::parse(m, book))
            .transpose()
            .map_err(|e| anyhow!("--minimum: {e}"))?,
        maximum_share: args
            .maximum_share
            .as_deref()
            .map(|p| {
                p.trim()
                    .trim_end_matches('%')
                    .parse::<rust_decimal::Decimal>()
                    .map_err(|_| anyhow!("--maximum-share '{p}' is not a percentage (e.g. 22)"))
            })
            .transpose()?,
    };
    let in_force_on = match args.parties_in_force_on.as_deref() {
        Some(text) => parse_date(text)?,
        None => NaiveDate::from_ymd_opt(args.year, 1, 1).expect("1 January exists"),
    };
    let notice = if args.date.is_none() && args.year < chrono::Datelike::year(&context.as_of) {
        Some(format!(
            "notice: the {} assessment is dated {date} (--as-of, else today); give --date for \
             the date it was decided",
            args.year
        ))
    } else if date > NaiveDate::from_ymd_opt(args.year, 1, 1).expect("1 January exists") {
        Some(format!(
            "notice: the {} assessment is dated {date}, after the start of its year",
            args.year
        ))
    } else {
        None
    };
    let due_on = args.due.as_deref().map(parse_date).transpose()?;
    let order = AssessOrder {
        year: args.year,
        date,
        due_on,
        method,
        scale: args.scale.clone(),
        limits,
        in_force_on,
        dry_run: args.dry_run,
    };
    let (report, written) = books.assess(context.actor.clone(), order)?;
    if !args.dry_run {
        if let Some(notice) = notice {
            eprintln!("{notice}");
        }
    }
    context.print(&report)?;
    if !args.dry_run {
        let message = format!(
            "recorded {} for {} dated {date}",
            crate::text::count(written, "assessment entry", "assessment entries"),
            args.year
        );
        // Keep standard output parseable when a machine format is asked for.
        if context.format == crate::render::Format::Table {
            context.say(message)?;
        } else {
            eprintln!("{message}");
        }
    }
    Ok(Outcome::Done)
}

fn reverse_assessment(
    context: &Context,
    year: i32,
    reason: Option<&str>,
    date: NaiveDate,
) -> anyhow::Result<Outcome> {
    let reason = reversal_reason(reason)?;
    let mut books = context.books()?;
    let reversed = books.reverse_assessment(context.actor.clone(), year, reason, date)?;
    context.say(format!(
        "reversed the {year} assessment: {}, dated {date}",
        crate::text::count(reversed, "entry", "entries")
    ))?;
    Ok(Outcome::Done)
}

pub fn pledge(context: &Context, command: PledgeCommand) -> anyhow::Result<Outcome> {
    let PledgeCommand::Add {
        party,
        amount,
        year,
        date,
        due,
        reference,
    } = command;
    check_budget_year(year)?;
    let code: PartyCode = party.parse()?;
    let mut books = context.books()?;
    let amount = Money::parse(&amount, books.currency()?)?;
    let date = context.date_or_as_of(date.as_deref())?;
    let PledgeRecorded { entry, recorded } = books.record_pledge(
        context.actor.clone(),
        PledgeOrder {
            party: code,
            amount,
            year,
            date,
            due: due.as_deref(),
            reference,
        },
    )?;
    match recorded {
        Recorded::New(id) => context.say(format!(
            "recorded entry {id}: {}, {amount}, dated {date}",
            entry.description
        ))?,
        Recorded::AlreadyRecorded(id) => context.say(format!(
            "reference '{}' is already recorded as entry {id} with the same content; nothing written",
            entry.reference.as_deref().unwrap_or_default()
        ))?,
    }
    Ok(Outcome::Done)
}
