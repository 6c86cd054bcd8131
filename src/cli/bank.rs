//! `bank import`, `bank review`, `bank confirm`, `bank reconcile`, `bank payers`,
//! `bank payer-add`: bank statements in, matched to States, reconciled with the books.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::app::bank::{read_statements, Confirmation};
use crate::domain::bank::csv_profile::Profile;
use crate::domain::bank::matching::LineKind;
use crate::ledger::PartyCode;
use crate::reports::bank::{PayerList, PayerRow};

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Import bank statements: camt.053 XML (.001.02, .001.04, .001.08), a .zip of them,
    /// or a bank's CSV export with --profile; all or nothing. A line whose bank reference
    /// is already in the books adds nothing
    Import(ImportArgs),
    /// The bank lines not yet confirmed, with the match proposed, its reason and confidence
    Review {
        /// Show the confirmed lines too
        #[arg(long)]
        all: bool,
    },
    /// Record a bank line as the contribution, meeting payment, other income or cost it is,
    /// and link it to the entry
    ///
    /// A contribution goes through the same rules as `contribution add`: dated on the value
    /// date, settling the year named (--year, else the year in the text) first, with the
    /// bank's reference as its reference. The payer's name and account are learned for the
    /// party, so that its next payments match by themselves.
    ///
    /// Other income (bank interest, a supplier's refund, a gift from a non-party) is from
    /// no party: it goes to income:other, or the open income account --account names;
    /// --party is refused with it.
    ///
    /// A reversal by the bank (RvslInd) is confirmed alone, with no other option: the line
    /// it undoes (the opposite amount, named by its bank reference in the text, else the
    /// latest from the same counterparty) must be confirmed; its entry is reversed as
    /// `reverse` does, dated on the reversal's value date, and the party's position is
    /// recomputed by the rule.
    #[command(verbatim_doc_comment)]
    Confirm(ConfirmArgs),
    /// A statement's closing balance against the books' bank account on its date (the
    /// latest statement closing on or before --as-of), with the lines not in the books and
    /// the book entries with no bank line
    Reconcile {
        /// The account (IBAN) [default: the only one imported]
        #[arg(long, value_name = "IBAN")]
        account: Option<String>,
    },
    /// The payer names and accounts known per party, used to match bank lines
    Payers,
    /// Teach the matching a payer name or account of a party
    PayerAdd {
        /// The party's code
        party: String,
        /// A payer name as the bank writes it
        #[arg(long, conflicts_with = "account")]
        name: Option<String>,
        /// A payer account (IBAN)
        #[arg(long, value_name = "IBAN")]
        account: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The statement files (.xml, .zip, or .csv with --profile)
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Read CSV exports by this profile: `plain` or `swiss` (built in), or a profile file
    #[arg(long, value_name = "FILE")]
    profile: Option<String>,
    /// The account (IBAN) of a CSV export whose profile and columns do not give it
    #[arg(long, value_name = "IBAN")]
    account: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The bank line (its number in `bank review`)
    #[arg(
        required_unless_present = "all_certain",
        conflicts_with = "all_certain"
    )]
    line: Option<i64>,
    /// The party that paid [default: the one proposed]
    #[arg(long)]
    party: Option<String>,
    /// The budget year the payment is for [default: the year in the text, else the
    /// oldest year owed]
    #[arg(long)]
    year: Option<i32>,
    /// contribution, voluntary (income settling nothing owed), meeting (a share of a
    /// meeting's costs, as `meeting pay`), other-income (from no party) or cost
    /// [default: proposed]
    #[arg(long)]
    kind: Option<String>,
    /// Other income's account, an open income account [default: income:other]
    #[arg(long, value_name = "ACCOUNT")]
    account: Option<String>,
    /// The meeting a meeting payment is for [default: the one the text names]
    #[arg(long, value_name = "CODE")]
    meeting: Option<String>,
    /// A cost's category (as `cost add`) [default: office for bank charges]
    #[arg(long)]
    category: Option<String>,
    /// A cost's budget line
    #[arg(long = "line", value_name = "LINE")]
    budget_line: Option<String>,
    /// Book the charges deducted by banks on the way as a cost, and credit the State with
    /// what it paid
    #[arg(long)]
    book_charges: bool,
    /// Confirm every line whose match is certain
    #[arg(long)]
    all_certain: bool,
}

/// Reads `--profile`: a built-in name or a file.
fn profile(given: &str) -> anyhow::Result<Profile> {
    if let Some(profile) = Profile::builtin(given) {
        return Ok(profile);
    }
    let text = std::fs::read_to_string(given)
        .map_err(|e| anyhow!("profile '{given}': {e} (built-in profiles: plain, swiss)"))?;
    Ok(Profile::parse(given, &text)?)
}

pub fn run(context: &Context, command: BankCommand) -> anyhow::Result<Outcome> {
    match command {
        BankCommand::Import(args) => {
            let profile = args.profile.as_deref().map(profile).transpose()?;
            let mut statements = Vec::new();
            for file in &args.files {
                statements.extend(read_statements(
                    file,
                    profile.as_ref(),
                    args.account.as_deref(),
                )?);
            }
            let mut books = context.books()?;
            let done = books.bank_import(context.actor.clone(), &statements)?;
            context.say(format!(
                "imported {}: {}, {} added, {} already in the books",
                crate::text::count(args.files.len() as u64, "file", "files"),
                crate::text::count(done.statements, "statement", "statements"),
                crate::text::count(done.lines.added, "line", "lines"),
                done.lines.already,
            ))?;
        }
        BankCommand::Review { all } => {
            let books = context.books()?;
            context.print(&books.bank_review(all)?)?;
        }
        BankCommand::Confirm(args) => confirm(context, args)?,
        BankCommand::Reconcile { account } => {
            let books = context.books()?;
            let report = books.bank_reconcile(account.as_deref(), context.as_of)?;
            context.print(&report)?;
        }
        BankCommand::Payers => {
            let books = context.books()?;
            let rows = books
                .bank_payers()?
                .into_iter()
                .map(|p| PayerRow {
                    party: p.party.as_str().to_string(),
                    name: p.name,
                    account: p.account,
                    learned_from: p.learned_from,
                })
                .collect();
            context.print(&PayerList { rows })?;
        }
        BankCommand::PayerAdd {
            party,
            name,
            account,
        } => {
            let code: PartyCode = party.parse()?;
            let mut books = context.books()?;
            let added = books.bank_payer_add(
                context.actor.clone(),
                &code,
                name.as_deref(),
                account.as_deref(),
            )?;
            context.say(if added {
                format!("payer learned for {code}")
            } else {
                format!("that payer is already known for {code}; nothing written")
            })?;
        }
    }
    Ok(Outcome::Done)
}

fn confirm(context: &Context, args: ConfirmArgs) -> anyhow::Result<()> {
    let mut books = context.books()?;
    if args.all_certain {
        let done = books.bank_confirm_all_certain(context.actor.clone())?;
        for confirmed in &done {
            context.say(describe(confirmed))?;
        }
        context.say(format!(
            "confirmed {}; the others wait in `bank review`",
            crate::text::count(done.len() as u64, "line", "lines")
        ))?;
        return Ok(());
    }
    let line = args
        .line
        .ok_or_else(|| anyhow!("give a bank line or --all-certain"))?;
    let choice = Confirmation {
        party: args.party.as_deref().map(str::parse).transpose()?,
        year: args.year,
        kind: args
            .kind
            .as_deref()
            .map(str::parse::<LineKind>)
            .transpose()
            .map_err(|e| anyhow!(e))?,
        category: args.category,
        budget_line: args.budget_line,
        book_charges: args.book_charges,
        meeting: args.meeting,
        account: args.account.as_deref().map(str::parse).transpose()?,
    };
    if let Some(year) = choice.year {
        crate::ledger::check_budget_year(year)?;
    }
    let confirmed = books.bank_confirm(context.actor.clone(), line, &choice)?;
    context.say(describe(&confirmed))?;
    Ok(())
}

fn describe(confirmed: &crate::app::bank::Confirmed) -> String {
    let mut text = format!(
        "bank line {}: {} {}{} recorded as entry {}",
        confirmed.line,
        confirmed.kind.as_str(),
        confirmed.amount,
        confirmed
            .party
            .as_ref()
            .map_or(String::new(), |p| format!(" from {p}")),
        confirmed.entry
    );
    if let Some((line, entry)) = confirmed.reverses {
        text.push_str(&format!(", reversing entry {entry} of bank line {line}"));
        if confirmed.reapplied > 0 {
            text.push_str(&format!(
                "; {} applying the party's money again by the rule",
                crate::text::count(confirmed.reapplied as u64, "entry", "entries")
            ));
        }
    }
    if confirmed.already_recorded && confirmed.reverses.is_some() {
        text.push_str(" (reversed already in the books)");
    } else if confirmed.already_recorded {
        text.push_str(" (already in the books under the bank's reference)");
    }
    if let Some(conversion) = confirmed.conversion_entry {
        text.push_str(&format!(
            ", converted by the bank into the account's currency as entry {conversion}"
        ));
    }
    if let Some(charge) = confirmed.charge_entry {
        text.push_str(&format!(", charges deducted on the way as entry {charge}"));
    }
    if !confirmed.learned.is_empty() {
        text.push_str(&format!("; learned {}", confirmed.learned.join(", ")));
    }
    text
}
