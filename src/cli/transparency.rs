//! `transparency record|import|reverse|status|list`: the Article 7 reports of the States
//! Parties.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Context, Outcome};
use crate::app::transparency::{describe, open_report_csv, ReportInput, ReportRecorded};
use crate::domain::parse_date;
use crate::domain::transparency::Period;
use crate::ledger::PartyCode;
use crate::text::count;

/// The rule, for `--help`.
pub const RULE_HELP: &str = "\
The rule (settings initial_report_days, default 180, and annual_report_due, default 04-30):
a State Party's initial report is due initial_report_days after the Convention's entry into
force for it (its record's in_force, else the settings' convention_in_force); its annual
updates each cover a calendar year and are due on annual_report_due of the next year. The
first annual update covers the year in which the initial report fell due: in force on
1 February 2016, initial report due 30 July 2016, first annual update for 2016, due
30 April 2017; in force on 1 December 2016, initial report due 30 May 2017, first annual
update for 2017, due 30 April 2018 (nothing owed for 2016).";

#[derive(Debug, Subcommand)]
#[command(after_help = RULE_HELP)]
pub enum TransparencyCommand {
    /// Record a report a State Party submitted; the same report again writes nothing, and
    /// another of the same party and period is refused until the one recorded is reversed
    #[command(after_help = RULE_HELP)]
    Record {
        /// The State Party's code
        party: String,
        /// `initial`, or the calendar year an annual update covers (e.g. 2016): not a year
        /// still running on the day submitted, nor one after --as-of's
        #[arg(long, value_name = "initial|YEAR")]
        period: String,
        /// The day it was submitted: not before the Convention's entry into force for the
        /// State (initial report), not before 1 January after the year covered (annual)
        #[arg(long, value_name = "DATE")]
        submitted: String,
        /// Its document symbol
        #[arg(long, value_name = "TEXT")]
        symbol: Option<String>,
    },
    /// Record the reports of a CSV file (party,period,submitted[,symbol]); all or nothing:
    /// a bad row is named by file:line and nothing is written
    Import {
        /// The CSV file
        file: PathBuf,
    },
    /// Reverse a report recorded by mistake: it stays in the books, marked, and counts
    /// nowhere; the right one may then be recorded
    Reverse {
        /// The State Party's code
        party: String,
        /// The report's period: `initial` or the year
        #[arg(long, value_name = "initial|YEAR")]
        period: String,
        /// Why it is reversed
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// The annual round of YEAR on --as-of (States Parties owing the update covering YEAR,
    /// due on 30 April of YEAR+1: submitted on time, late, the rate, those missing with
    /// their days overdue) and every initial report overdue. A report counts when submitted
    /// on or before --as-of and not reversed
    #[command(after_help = RULE_HELP)]
    Status {
        /// The calendar year the round covers [default: the year before --as-of's]
        year: Option<i32>,
    },
    /// The reports recorded, by party, period and day of submission, with their due dates
    /// and reversals
    List {
        /// Only this party's
        #[arg(long, value_name = "CODE")]
        party: Option<String>,
    },
}

pub fn run(context: &Context, command: TransparencyCommand) -> anyhow::Result<Outcome> {
    match command {
        TransparencyCommand::Record {
            party,
            period,
            submitted,
            symbol,
        } => {
            let input = ReportInput {
                party: party.parse::<PartyCode>()?,
                period: period.parse::<Period>()?,
                submitted_on: parse_date(&submitted)?,
                symbol,
            };
            let what = format!("{}'s {}", input.party, describe(input.period));
            let submitted_on = input.submitted_on;
            let mut books = context.books()?;
            match books.record_transparency_report(context.actor.clone(), input, context.as_of)? {
                ReportRecorded::Recorded => {
                    context.say(format!("recorded {what}, submitted on {submitted_on}"))?
                }
                ReportRecorded::AlreadyRecorded => context.say(format!(
                    "{what}, submitted on {submitted_on}, is already recorded; nothing written"
                ))?,
            }
        }
        TransparencyCommand::Import { file } => {
            let csv = open_report_csv(&file)?;
            let mut books = context.books()?;
            let summary =
                books.import_transparency_reports(context.actor.clone(), csv, context.as_of)?;
            context.say(format!(
                "recorded {} from {} ({} already recorded)",
                count(summary.recorded, "report", "reports"),
                file.display(),
                summary.already
            ))?;
        }
        TransparencyCommand::Reverse {
            party,
            period,
            reason,
        } => {
            let party: PartyCode = party.parse()?;
            let period = period.parse::<Period>()?;
            let mut books = context.books()?;
            let report = books.reverse_transparency_report(
                context.actor.clone(),
                &party,
                period,
                &reason,
            )?;
            context.say(format!(
                "reversed {party}'s {}, submitted on {}",
                describe(period),
                report.submitted_on
            ))?;
        }
        TransparencyCommand::Status { year } => {
            let year = year.unwrap_or_else(|| crate::app::transparency_round(context.as_of));
            let books = context.books()?;
            context.print(&books.transparency_status(year, context.as_of)?)?;
        }
        TransparencyCommand::List { party } => {
            let party: Option<PartyCode> = party.as_deref().map(str::parse).transpose()?;
            let books = context.books()?;
            context.print(&books.transparency_reports(party.as_ref())?)?;
        }
    }
    Ok(Outcome::Done)
}
