//! The command line: argument definitions, the clock and the environment, the choice of
//! renderer, and exit codes. Every other layer gets what it needs from here as values: each
//! command parses its arguments (and reads its files into inputs), calls one method of
//! `app::Books` and prints what it returns.

mod accounts;
mod args;
mod assessments;
mod bank;
mod budgets;
mod close;
mod collection;
mod contributions;
mod costs;
mod credits;
mod demo;
mod export;
mod funds;
mod import;
mod journal;
mod letters;
mod meetings;
mod parties;
mod rates;
mod report;
mod reports;
mod serve;
mod settings;
mod timeline;
mod transparency;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::{Actor, Books, OpenOptions, StoreError};
use crate::domain::dates::{accept_dates, check_date, DateRange};
use crate::domain::{parse_date, parse_date_within};
use crate::render::export::ExportFormat;
use crate::render::{self, Format, Tabular};

/// The ledger file used when neither `--db` nor `ISU_LEDGER_DB` names one.
const DEFAULT_DB: &str = "isu-ledger.sqlite";
/// The environment variable naming the ledger file.
const DB_ENV: &str = "ISU_LEDGER_DB";

#[derive(Debug, Parser)]
#[command(
    name = "isu-ledger",
    version,
    about = "The contribution and budget ledger of an Implementation Support Unit",
    long_about = "The contribution and budget ledger of an Implementation Support Unit (ISU) of a \
disarmament convention. One SQLite file holds a double-entry, append-only ledger of \
contributions from States against the annual budgets approved by the Meeting of States Parties, \
kept in the book currency chosen at `init` (CHF by default; USD, EUR or any ISO 4217 code).\n\n\
Start with `isu-ledger demo` to build the 2017 example, or `isu-ledger init` for an empty ledger.",
    after_help = "Exit codes: 0 done; 1 ran and found problems (verify); 2 bad input or usage, \
nothing written (also a read-only, foreign, newer or damaged ledger); 3 the ledger is busy \
(another command kept it writing longer than --wait): try again.\nAmounts: 311'922.54, 311922.54 or 311,922.54 (two decimals at most). \
Dates: YYYY-MM-DD, from 1990-01-01 to 400 days after today (later with --allow-future)."
)]
pub struct Cli {
    /// The ledger file [default: $ISU_LEDGER_DB, else isu-ledger.sqlite]
    #[arg(long, global = true, value_name = "FILE")]
    db: Option<PathBuf>,

    /// Output format: table, csv or json for reports; ledger, beancount, csv or json for export
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,

    /// The date reports are for, and the default date of new entries [default: today]
    #[arg(long, global = true, value_name = "DATE")]
    as_of: Option<String>,

    /// Who is recorded as entering what this command writes [default: the OS user]
    #[arg(long, global = true, value_name = "NAME")]
    user: Option<String>,

    /// Accept dates more than 400 days after today (a genuine future value date); without
    /// it such a date is taken for a typo and refused
    #[arg(long, global = true)]
    allow_future: bool,

    /// How long a command that writes waits for another to finish writing, in seconds;
    /// after that it gives up with exit code 3
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(0..=86_400))]
    wait: u64,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Csv,
    Json,
    /// hledger and ledger journal syntax (export only)
    Ledger,
    /// beancount syntax (export only)
    Beancount,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create an empty ledger file (--db, $ISU_LEDGER_DB or isu-ledger.sqlite), with its
    /// identity (--set KEY=VALUE, or `settings set` later)
    #[command(after_help = settings::keys_help())]
    Init(InitArgs),
    /// The books' identity: the unit, the convention, the signatory, bank details,
    /// reference numbers of letters, the rule of entry into force
    #[command(subcommand)]
    Settings(settings::SettingsCommand),
    /// Build the 2017 example ledger (isu-ledger-demo.sqlite, or --db); print its status and the 7MSP
    Demo(DemoArgs),
    /// Add, update, list and import parties (States and organisations), with their history
    #[command(subcommand)]
    Party(parties::PartyCommand),
    /// Record, withdraw and show the budgets approved for each year
    #[command(subcommand)]
    Budget(budgets::BudgetCommand),
    /// Record contributions received
    #[command(subcommand)]
    Contribution(contributions::ContributionCommand),
    /// Bank statements in (camt.053, CSV), matched to States, confirmed, reconciled
    #[command(subcommand)]
    Bank(bank::BankCommand),
    /// Record costs against the budget lines, paid from a fund
    #[command(subcommand)]
    Cost(costs::CostCommand),
    /// Record, correct and list rates of exchange (units of the book currency per unit of
    /// another currency)
    #[command(subcommand)]
    Rate(rates::RateCommand),
    /// Declare funds, list their balances, move money between them
    #[command(subcommand)]
    Fund(funds::FundCommand),
    /// Meetings of States Parties: estimate, page rate, documentation forecast, Article 14
    #[command(subcommand)]
    Meeting(meetings::MeetingCommand),
    /// Add, update and list the documents of a meeting, with the days they are due
    #[command(subcommand)]
    Document(meetings::DocumentCommand),
    /// Record the tasks of the preparations time-line, mark them done, list them
    #[command(subcommand)]
    Task(timeline::TaskCommand),
    /// What is overdue and what falls due in the next --days (tasks, documents,
    /// contributions), by date; `timeline plan` adds a meeting's tasks from a pattern
    Timeline(timeline::TimelineArgs),
    /// Close a budget year: carry its result into the fund balances and lock it
    Close(close::CloseArgs),
    /// Correct a mistake: post the mirror of an entry, linked to it, with a reason
    Reverse(contributions::ReverseArgs),
    /// Refund a party's credit, or apply it to a named year
    #[command(subcommand)]
    Credit(credits::CreditCommand),
    /// Write off a party's arrears of a year by decision of the Meeting of States Parties
    WriteOff(credits::WriteOffArgs),
    /// Import, list and show scales of assessment (the UN scales are built in)
    #[command(subcommand)]
    Scale(assessments::ScaleCommand),
    /// Share a year's approved budget among the parties on a scale, equally or by a list
    Assess(assessments::AssessArgs),
    /// Record voluntary pledges
    #[command(subcommand)]
    Pledge(assessments::PledgeCommand),
    /// Who owes what for a year and earlier years, largest first
    Outstanding(collection::OutstandingArgs),
    /// One party's assessments, pledges, payments and how they were applied
    Statement(collection::StatementArgs),
    /// The parties that paid a year's assessment in full, in order, with an on-time flag
    HonourRoll(collection::HonourRollArgs),
    /// Write letters to send, as HTML (A4) and text, with a mail-merge CSV: reminders
    /// (`letters reminder YEAR`, or `letters YEAR`), acknowledgements of payments, statements
    /// of account, meeting reminders, reminders of Article 7 reports (`letters report`);
    /// `letters templates` writes the templates to edit
    Letters(letters::LettersArgs),
    /// The letters recorded as sent (letters --record), with their level, date and reference
    Reminders(letters::RemindersArgs),
    /// Article 7 transparency reports: record those submitted, the status of a year's round
    /// (due, submitted on time and late, rate, missing), initial reports overdue
    #[command(subcommand)]
    Transparency(transparency::TransparencyCommand),
    /// How funded is a year's budget: budget, received, percent, contributors
    Status(reports::StatusArgs),
    /// The Coordination Committee report of a year as one HTML file (charts included), or
    /// with --annual the annual financial report
    Report(report::ReportArgs),
    /// A read-only web view of the books in a browser (dashboard, outstanding, statements,
    /// honour roll, budget, meetings, journal)
    Serve(serve::ServeArgs),
    /// Trial balance: debits, credits and balance per account and currency
    Balance(reports::BalanceArgs),
    /// The entries with their transfers, by date: filtered by dates, party, budget year,
    /// account, kind and reference; a page at a time (--limit, --offset)
    Journal(journal::JournalArgs),
    /// Show one entry with its reversal links
    #[command(subcommand)]
    Entry(journal::EntryCommand),
    /// Declare an account for `import`, list the accounts
    #[command(subcommand)]
    Account(accounts::AccountCommand),
    /// The accounts opened so far (the same as `account list`)
    Accounts,
    /// Check the ledger's integrity and its hash chain; exit 1 with the findings when
    /// anything is off
    Verify(reports::VerifyArgs),
    /// Import entries in bulk from CSV, one transfer a row; all or nothing
    Import(import::ImportArgs),
    /// Write the whole journal for hledger/ledger, beancount or a spreadsheet
    /// (--format ledger|beancount|csv|json)
    Export(export::ExportArgs),
}

/// What every command gets from the command line, the environment and the clock.
pub struct Context {
    global: GlobalArgs,
    format: Format,
    as_of: NaiveDate,
    /// Whether `--as-of` was given (else `as_of` is today).
    as_of_given: bool,
    actor: Actor,
}

#[derive(Debug, Clone, Args)]
struct GlobalArgs {
    db: Option<PathBuf>,
    #[arg(skip)]
    wait: std::time::Duration,
}

/// Said on standard error when a writer has waited a second for another.
fn waiting_notice() {
    eprintln!("waiting for another command to finish writing…");
}

/// How a command that ran ended.
pub enum Outcome {
    Done,
    /// The command ran and found problems (exit 1).
    Problems,
}

impl Context {
    /// The ledger file: `--db`, else `$ISU_LEDGER_DB`, else `isu-ledger.sqlite`.
    fn db_path(&self) -> PathBuf {
        self.global
            .db
            .clone()
            .or_else(|| {
                std::env::var_os(DB_ENV)
                    .filter(|value| !value.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
    }

    /// Opens the books (the ledger, through the application layer). When the default file
    /// is missing but the example built by `demo` is here, the message says how to use it.
    fn books(&self) -> anyhow::Result<Books> {
        self.books_checked(true)
    }

    /// Opens the books for `verify`, which reports missing safeguards rather than refusing.
    fn books_to_verify(&self) -> anyhow::Result<Books> {
        self.books_checked(false)
    }

    fn books_checked(&self, check_trust: bool) -> anyhow::Result<Books> {
        let path = self.db_path();
        let options = OpenOptions {
            wait_max: self.global.wait,
            waiting_notice: Some(waiting_notice),
            check_trust,
        };
        match Books::open_with(&path, options) {
            Err(StoreError::Missing { .. })
                if path == Path::new(DEFAULT_DB) && Path::new(demo::DEMO_DB).is_file() =>
            {
                anyhow::bail!(
                    "no ledger at '{DEFAULT_DB}'; the example built by `isu-ledger demo` is in \
                     {demo}: give `--db {demo}` (e.g. `isu-ledger --db {demo} status 2017`), or \
                     create a ledger here with `isu-ledger init`",
                    demo = demo::DEMO_DB
                )
            }
            opened => Ok(opened?),
        }
    }

    /// Writes a report to standard output in the chosen format.
    fn print<R: serde::Serialize + Tabular>(&self, report: &R) -> anyhow::Result<()> {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        render::write(report, self.format, &mut out)?;
        out.flush()?;
        Ok(())
    }

    /// Prints a confirmation of what a command wrote.
    fn say(&self, message: impl std::fmt::Display) -> anyhow::Result<()> {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        writeln!(out, "{message}")?;
        Ok(())
    }

    /// Parses an optional date argument, defaulting to `--as-of`. Either way the date is
    /// held to the range of dates the books accept: `--as-of` alone may look further ahead
    /// for a report, but not date a new entry there.
    fn date_or_as_of(&self, date: Option<&str>) -> anyhow::Result<NaiveDate> {
        match date {
            Some(text) => Ok(parse_date(text)?),
            None => Ok(check_date(self.as_of).context("--as-of")?),
        }
    }
}

/// How long an import took and its pace, for its summary line: `1.42 s, 70422 rows/s`.
/// Integer arithmetic on microseconds; no amount is involved.
fn pace(rows: u64, elapsed: std::time::Duration) -> String {
    let micros = elapsed.as_micros().max(1);
    let centiseconds = (micros + 5_000) / 10_000;
    let per_second = u128::from(rows) * 1_000_000 / micros;
    format!(
        "{}.{:02} s, {per_second} rows/s",
        centiseconds / 100,
        centiseconds % 100,
    )
}

/// Runs the program; the whole of `main`.
pub fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|argument| argument.to_string_lossy().into_owned())
        .collect();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // Help and version go to standard output.
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            let message = one_line_usage_error(&error.render().to_string());
            eprintln!("{}", cut_echoes(&message, &arguments));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let message = format!("{error:#}").replace('\n', " ");
            eprintln!("error: {}", cut_echoes(&message, &arguments));
            // A busy ledger is no fault of the input: exit 3 says "try again".
            let busy = error
                .chain()
                .any(|cause| matches!(cause.downcast_ref(), Some(StoreError::Busy)));
            ExitCode::from(if busy { 3 } else { 2 })
        }
    }
}

/// Cuts every long command-line value that a message repeats to its excerpt, so that no
/// message echoes a pasted reference, name or path in full, whichever layer wrote it.
fn cut_echoes(message: &str, arguments: &[String]) -> String {
    let mut values: Vec<&str> = arguments
        .iter()
        .map(|argument| match argument.split_once('=') {
            Some((_, value)) if argument.starts_with("--") => value,
            _ => argument.as_str(),
        })
        .flat_map(|value| [value, value.trim()])
        .filter(|value| value.chars().count() > crate::text::EXCERPT_CHARS_MAX)
        .collect();
    // The longest first, so that a value is not cut inside a longer one it begins.
    values.sort_by_key(|value| std::cmp::Reverse(value.len()));
    values.dedup();
    let mut message = message.to_string();
    for value in values {
        if message.contains(value) {
            message = message.replace(value, &crate::text::excerpt(value));
        }
    }
    message
}

/// Folds clap's several-line usage error into the one line every error is: the problem,
/// then the usage of the command.
fn one_line_usage_error(rendered: &str) -> String {
    let (problem, rest) = rendered.split_once("\n\n").unwrap_or((rendered, ""));
    let problem = problem.split_whitespace().collect::<Vec<_>>().join(" ");
    let usage = rest
        .lines()
        .find_map(|line| line.trim().strip_prefix("Usage: "))
        .map_or(String::new(), |usage| {
            format!(" (usage: {usage}; see --help)")
        });
    let problem = problem.strip_prefix("error: ").unwrap_or(&problem);
    format!("error: {problem}{usage}")
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| {
            cause.downcast_ref::<io::Error>().or_else(|| {
                match cause.downcast_ref::<csv::Error>().map(csv::Error::kind) {
                    Some(csv::ErrorKind::Io(io)) => Some(io),
                    _ => None,
                }
            })
        })
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let now = chrono::Local::now();
    // The only reading of the clock: every date a user gives is checked against this range.
    accept_dates(DateRange {
        today: now.date_naive(),
        allow_future: cli.allow_future,
    });
    let as_of = match &cli.as_of {
        // A report may be asked for any day from 1990 on (a day far ahead shows everything
        // recorded); when --as-of dates a new entry, `date_or_as_of` holds it to the range.
        Some(text) => parse_date_within(
            text,
            &DateRange {
                today: now.date_naive(),
                allow_future: true,
            },
        )
        .context("--as-of")?,
        None => now.date_naive(),
    };
    if cli
        .user
        .as_deref()
        .is_some_and(|user| user.trim().is_empty())
    {
        anyhow::bail!("--user is empty: give the name to record, or leave --user out");
    }
    let user = cli
        .user
        .clone()
        .or_else(|| {
            ["USER", "LOGNAME", "USERNAME"]
                .iter()
                .find_map(|v| std::env::var(v).ok())
        })
        .filter(|user| !user.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    let export_format = match cli.format {
        FormatArg::Table => None,
        FormatArg::Csv => Some(ExportFormat::Csv),
        FormatArg::Json => Some(ExportFormat::Json),
        FormatArg::Ledger => Some(ExportFormat::Ledger),
        FormatArg::Beancount => Some(ExportFormat::Beancount),
    };
    let format = match cli.format {
        FormatArg::Table => Format::Table,
        FormatArg::Csv => Format::Csv,
        FormatArg::Json => Format::Json,
        FormatArg::Ledger | FormatArg::Beancount if !matches!(cli.command, Command::Export(_)) => {
            anyhow::bail!(
                "--format {} is for export only; other commands write table, csv or json",
                if matches!(cli.format, FormatArg::Ledger) {
                    "ledger"
                } else {
                    "beancount"
                }
            )
        }
        FormatArg::Ledger | FormatArg::Beancount => Format::Table,
    };
    let context = Context {
        global: GlobalArgs {
            db: cli.db.clone(),
            wait: std::time::Duration::from_secs(cli.wait),
        },
        format,
        as_of,
        as_of_given: cli.as_of.is_some(),
        actor: Actor {
            user: user.trim().to_string(),
            at: now
                .to_utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
    };
    match cli.command {
        Command::Init(args) => init(&context, args),
        Command::Settings(command) => settings::run(&context, command),
        Command::Demo(args) => demo::run(&context, args),
        Command::Party(command) => parties::run(&context, command),
        Command::Budget(command) => budgets::run(&context, command),
        Command::Contribution(command) => contributions::run(&context, command),
        Command::Bank(command) => bank::run(&context, command),
        Command::Cost(command) => costs::run(&context, command),
        Command::Rate(command) => rates::run(&context, command),
        Command::Fund(command) => funds::run(&context, command),
        Command::Meeting(command) => meetings::run(&context, command),
        Command::Document(command) => meetings::document(&context, command),
        Command::Task(command) => timeline::task(&context, command),
        Command::Timeline(args) => timeline::timeline(&context, args),
        Command::Close(args) => close::run(&context, args),
        Command::Reverse(args) => contributions::reverse(&context, args),
        Command::Credit(command) => credits::credit(&context, command),
        Command::WriteOff(args) => credits::write_off(&context, args),
        Command::Scale(command) => assessments::scale(&context, command),
        Command::Assess(args) => assessments::assess(&context, args),
        Command::Pledge(command) => assessments::pledge(&context, command),
        Command::Outstanding(args) => collection::outstanding(&context, args),
        Command::Statement(args) => collection::statement(&context, args),
        Command::HonourRoll(args) => collection::honour_roll(&context, args),
        Command::Letters(args) => letters::letters(&context, args),
        Command::Reminders(args) => letters::reminders(&context, args),
        Command::Transparency(command) => transparency::run(&context, command),
        Command::Status(args) => reports::status(&context, args),
        Command::Report(args) => report::run(&context, args),
        Command::Serve(args) => serve::run(&context, args),
        Command::Balance(args) => reports::balance(&context, args),
        Command::Journal(args) => journal::journal(&context, args),
        Command::Entry(command) => journal::entry(&context, command),
        Command::Account(command) => accounts::run(&context, command),
        Command::Accounts => reports::accounts(&context),
        Command::Verify(args) => reports::verify(&context, args),
        Command::Import(args) => import::run(&context, args),
        Command::Export(args) => match export_format {
            Some(format) => export::run(&context, format, args),
            None => anyhow::bail!("export needs --format ledger, beancount, csv or json"),
        },
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The book currency of the example: its figures are the same, kept in this currency
    /// (CHF, USD or EUR; the costs paid in USD are converted at the example's rates unless
    /// the book is in USD)
    #[arg(long, value_name = "CODE", default_value = "CHF")]
    currency: String,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// A setting of the books' identity, KEY=VALUE (repeat it), e.g. --set
    /// unit_name="CCM Implementation Support Unit" --set reference_pattern=ISU-CCM/{year}/{n:03}
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// The book currency, an ISO 4217 code: budgets, assessments, what States owe and
    /// spending are kept in it, other currencies converted into it at a rate. It cannot
    /// change once the ledger has entries [default: CHF]
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
}

fn init(context: &Context, args: InitArgs) -> anyhow::Result<Outcome> {
    let path = context.db_path();
    let mut pairs = args
        .set
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(key, value)| (key.trim().to_string(), value.to_string()))
                .ok_or_else(|| anyhow::anyhow!("--set {pair}: write it as KEY=VALUE"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if let Some(currency) = &args.currency {
        if pairs.iter().any(|(key, _)| key == "currency") {
            anyhow::bail!("give the book currency once: --currency {currency} or --set currency=…");
        }
        pairs.push(("currency".to_string(), currency.clone()));
    }
    match Books::init(&path, context.actor.clone(), &pairs)? {
        Some(books) => {
            context.say(format!(
                "created ledger {} (schema version {}, kept in {}{})",
                path.display(),
                crate::app::SCHEMA_VERSION,
                books.currency()?,
                if pairs.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", {}",
                        crate::text::count(pairs.len(), "setting", "settings")
                    )
                }
            ))?;
        }
        None if !pairs.is_empty() => anyhow::bail!(
            "{} is already an isu-ledger database: change its settings with `isu-ledger \
             settings set KEY VALUE`",
            path.display()
        ),
        None => context.say(format!(
            "{} is already an isu-ledger database; nothing to do",
            path.display()
        ))?,
    }
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_values_are_cut_where_a_message_repeats_them() {
        let scale = "s".repeat(5_000);
        let reference = format!("R{}", "9".repeat(200));
        let arguments = vec![
            "assess".to_string(),
            "2017".to_string(),
            "--scale".to_string(),
            scale.clone(),
            format!("--ref={reference}"),
        ];
        let message = format!("unknown scale '{scale}'; reference '{reference}' (2017)");
        let cut = super::cut_echoes(&message, &arguments);
        assert_eq!(
            cut,
            format!(
                "unknown scale '{}…'; reference 'R{}…' (2017)",
                "s".repeat(60),
                "9".repeat(59)
            )
        );
        assert_eq!(super::cut_echoes("short", &arguments), "short");
    }

    #[test]
    fn the_pace_of_an_import_is_whole_rows_per_second() {
        let elapsed = std::time::Duration::from_millis(1_420);
        assert_eq!(super::pace(100_000, elapsed), "1.42 s, 70422 rows/s");
        assert_eq!(
            super::pace(0, std::time::Duration::ZERO),
            "0.00 s, 0 rows/s"
        );
    }
}
