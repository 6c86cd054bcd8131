//! Corrections of what a party holds or owes: `credit refund`, `credit apply` and
//! `write-off`. Each is a dated fact of the party; the rule of `domain::position` refuses one
//! that would take more than the party holds or owes on its date.

use anyhow::bail;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::domain::accounts;
use crate::domain::position::{Fact, FactKind};
use crate::ledger::{check_budget_year, EntryKind, FundCode, NewEntry, PartyCode, Transfer};
use crate::money::{Currency, Money};
use crate::store::{fact_key, Recorded, StoreError, Tx};

#[derive(Debug, Subcommand)]
pub enum CreditCommand {
    /// Pay back to a party (part of) the credit it holds
    Refund {
        /// The party's code
        party: String,
        /// The amount paid back (CHF), at most the credit held on the date
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Date of the refund [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Bank reference of the refund; recording it again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        /// Why (kept with the entry)
        #[arg(long)]
        reason: String,
    },
    /// Apply (part of) a party's credit to what it owes for a named year
    Apply {
        /// The party's code
        party: String,
        /// The amount applied (CHF), at most the credit held and what is owed for the year
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// The budget year it settles
        #[arg(long)]
        year: i32,
        /// Date of the application [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct WriteOffArgs {
    /// The party's code
    party: String,
    /// The amount written off (CHF), at most what is owed for the year on the date
    #[arg(allow_negative_numbers = true)]
    amount: String,
    /// The budget year whose arrears are written off
    #[arg(long)]
    year: i32,
    /// The decision of the Meeting of States Parties (e.g. CCM/MSP/2025/5, para. 12)
    #[arg(long)]
    decision: String,
    /// Date of the write-off [default: --as-of]
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
}

/// A positive CHF amount from the command line.
fn positive_amount(text: &str) -> anyhow::Result<Money> {
    let amount = Money::parse(text, Currency::CHF)?;
    if !amount.is_positive() {
        bail!("the amount must be positive, got {amount}");
    }
    Ok(amount)
}

/// Records one correction of `party`: its entry dated `date` with `transfers`, checked by
/// the rule as `kind` of `amount`.
#[allow(clippy::too_many_arguments)]
fn record(
    tx: &Tx<'_>,
    party: &PartyCode,
    kind: FactKind,
    entry_kind: EntryKind,
    amount: Money,
    date: NaiveDate,
    budget_year: i32,
    description: String,
    reference: Option<String>,
    transfers: Vec<Transfer>,
) -> anyhow::Result<Recorded> {
    let entry = NewEntry {
        date,
        description,
        kind: entry_kind,
        budget_year,
        fund: FundCode::isu(),
        party: Some(party.clone()),
        reference: reference.clone(),
        reverses: None,
        rate: None,
        transfers,
    };
    if let Some(recorded) = tx.recorded_with(&reference, &entry.content())? {
        return Ok(recorded);
    }
    super::funds::check_money_out(tx, &entry, false, "")?;
    let fact = Fact {
        date,
        kind,
        amount_minor: amount.minor(),
        key: fact_key(
            entry_kind.as_str(),
            reference.as_deref(),
            budget_year,
            amount.minor(),
        ),
    };
    Ok(tx
        .record_fact(party, fact, None, move |_| Ok(entry))?
        .recorded)
}

fn say_recorded(context: &Context, recorded: Recorded, what: String) -> anyhow::Result<()> {
    match recorded {
        Recorded::New(id) => context.say(format!("recorded entry {id}: {what}")),
        Recorded::AlreadyRecorded(id) => context.say(format!(
            "already recorded as entry {id} with the same content; nothing written"
        )),
    }
}

pub fn credit(context: &Context, command: CreditCommand) -> anyhow::Result<Outcome> {
    match command {
        CreditCommand::Refund {
            party,
            amount,
            date,
            reference,
            reason,
        } => {
            let code: PartyCode = party.parse()?;
            let amount = positive_amount(&amount)?;
            let date = context.date_or_as_of(date.as_deref())?;
            let reason = reason.trim().to_string();
            if reason.is_empty() {
                bail!("a refund needs a reason: --reason TEXT");
            }
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            let name = party_name(&tx, &code)?;
            let description = format!("Refund of credit to {name}: {reason}");
            let recorded = record(
                &tx,
                &code,
                FactKind::Refund,
                EntryKind::Refund,
                amount,
                date,
                chrono::Datelike::year(&date),
                description.clone(),
                reference,
                vec![Transfer::new(
                    accounts::prepaid(&code),
                    accounts::bank(Currency::CHF),
                    amount,
                )],
            )?;
            tx.commit()?;
            say_recorded(
                context,
                recorded,
                format!("{description}, {amount}, dated {date}"),
            )?;
        }
        CreditCommand::Apply {
            party,
            amount,
            year,
            date,
        } => {
            check_budget_year(year)?;
            let code: PartyCode = party.parse()?;
            let amount = positive_amount(&amount)?;
            let date = context.date_or_as_of(date.as_deref())?;
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            let name = party_name(&tx, &code)?;
            let description = format!("Credit of {name} applied to {year}");
            let recorded = record(
                &tx,
                &code,
                FactKind::CreditApplication { year },
                EntryKind::CreditApplication,
                amount,
                date,
                year,
                description.clone(),
                None,
                vec![Transfer::new(
                    accounts::prepaid(&code),
                    accounts::receivable(&code),
                    amount,
                )],
            )?;
            tx.commit()?;
            say_recorded(
                context,
                recorded,
                format!("{description}, {amount}, dated {date}"),
            )?;
        }
    }
    Ok(Outcome::Done)
}

pub fn write_off(context: &Context, args: WriteOffArgs) -> anyhow::Result<Outcome> {
    check_budget_year(args.year)?;
    let code: PartyCode = args.party.parse()?;
    let amount = positive_amount(&args.amount)?;
    let date = context.date_or_as_of(args.date.as_deref())?;
    let decision = args.decision.trim().to_string();
    if decision.is_empty() {
        bail!("a write-off needs the decision of the Meeting: --decision TEXT");
    }
    let mut store = context.open()?;
    let tx = store.begin(context.actor.clone())?;
    let name = party_name(&tx, &code)?;
    let year = args.year;
    let description = format!("Arrears of {name} for {year} written off by decision {decision}");
    // The arrears leave the party's receivable for their year; the loss counts in the year
    // of the write-off, so a closed year's result stays as it was closed.
    let date_year = chrono::Datelike::year(&date);
    let written_off = accounts::written_off_receivable();
    let mut loss = Transfer::new(
        accounts::contributions_written_off(),
        written_off.clone(),
        amount,
    );
    if date_year != year {
        loss = loss.for_year(date_year);
    }
    let recorded = record(
        &tx,
        &code,
        FactKind::WriteOff { year },
        EntryKind::WriteOff,
        amount,
        date,
        year,
        description.clone(),
        None,
        vec![
            Transfer::new(written_off, accounts::receivable(&code), amount),
            loss,
        ],
    )?;
    tx.commit()?;
    say_recorded(
        context,
        recorded,
        format!("{description}, {amount}, dated {date}"),
    )?;
    Ok(Outcome::Done)
}

fn party_name(tx: &Tx<'_>, code: &PartyCode) -> anyhow::Result<String> {
    Ok(tx
        .party(code)?
        .ok_or_else(|| StoreError::PartyNotFound { code: code.clone() })?
        .name)
}
