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
use crate::store::{fact_key, Recorded, StoreError};

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

/// One correction of a party, as given: its entry is dated `date`, with `transfers`, and the
/// rule checks it as `kind` of `amount`.
struct Correction {
    party: PartyCode,
    kind: FactKind,
    entry_kind: EntryKind,
    amount: Money,
    date: NaiveDate,
    budget_year: i32,
    reference: Option<String>,
    /// The entry's description, given the party's name.
    describe: Box<dyn Fn(&str) -> String>,
    transfers: Vec<Transfer>,
}

/// Records a correction in one transaction and says what was recorded.
fn record(context: &Context, correction: Correction) -> anyhow::Result<Outcome> {
    let Correction {
        party,
        kind,
        entry_kind,
        amount,
        date,
        budget_year,
        reference,
        describe,
        transfers,
    } = correction;
    let mut store = context.open()?;
    let tx = store.begin(context.actor.clone())?;
    let name = tx
        .party(&party)?
        .ok_or_else(|| StoreError::PartyNotFound {
            code: party.clone(),
        })?
        .name;
    let description = describe(&name);
    let entry = NewEntry {
        date,
        description: description.clone(),
        kind: entry_kind,
        budget_year,
        fund: FundCode::isu(),
        party: Some(party.clone()),
        reference: reference.clone(),
        reverses: None,
        rate: None,
        transfers,
    };
    if let Some(Recorded::AlreadyRecorded(id)) = tx.recorded_with(&reference, &entry.content())? {
        return context
            .say(format!(
                "already recorded as entry {id} with the same content; nothing written"
            ))
            .map(|()| Outcome::Done);
    }
    super::funds::check_money_out(&tx, &entry, false, "")?;
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
    let recorded = tx
        .record_fact(&party, fact, None, move |_| Ok(entry))?
        .recorded;
    tx.commit()?;
    context.say(format!(
        "recorded entry {}: {description}, {amount}, dated {date}",
        recorded.id()
    ))?;
    Ok(Outcome::Done)
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
            let party: PartyCode = party.parse()?;
            let amount = positive_amount(&amount)?;
            let date = context.date_or_as_of(date.as_deref())?;
            let reason = reason.trim().to_string();
            if reason.is_empty() {
                bail!("a refund needs a reason: --reason TEXT");
            }
            let transfers = vec![Transfer::new(
                accounts::prepaid(&party),
                accounts::bank(Currency::CHF),
                amount,
            )];
            record(
                context,
                Correction {
                    party,
                    kind: FactKind::Refund,
                    entry_kind: EntryKind::Refund,
                    amount,
                    date,
                    budget_year: chrono::Datelike::year(&date),
                    reference,
                    describe: Box::new(move |name| format!("Refund of credit to {name}: {reason}")),
                    transfers,
                },
            )
        }
        CreditCommand::Apply {
            party,
            amount,
            year,
            date,
        } => {
            check_budget_year(year)?;
            let party: PartyCode = party.parse()?;
            let amount = positive_amount(&amount)?;
            let date = context.date_or_as_of(date.as_deref())?;
            let transfers = vec![Transfer::new(
                accounts::prepaid(&party),
                accounts::receivable(&party),
                amount,
            )];
            record(
                context,
                Correction {
                    party,
                    kind: FactKind::CreditApplication { year },
                    entry_kind: EntryKind::CreditApplication,
                    amount,
                    date,
                    budget_year: year,
                    reference: None,
                    describe: Box::new(move |name| format!("Credit of {name} applied to {year}")),
                    transfers,
                },
            )
        }
    }
}

pub fn write_off(context: &Context, args: WriteOffArgs) -> anyhow::Result<Outcome> {
    check_budget_year(args.year)?;
    let party: PartyCode = args.party.parse()?;
    let amount = positive_amount(&args.amount)?;
    let date = context.date_or_as_of(args.date.as_deref())?;
    let decision = args.decision.trim().to_string();
    if decision.is_empty() {
        bail!("a write-off needs the decision of the Meeting: --decision TEXT");
    }
    let year = args.year;
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
    let transfers = vec![
        Transfer::new(written_off, accounts::receivable(&party), amount),
        loss,
    ];
    record(
        context,
        Correction {
            party,
            kind: FactKind::WriteOff { year },
            entry_kind: EntryKind::WriteOff,
            amount,
            date,
            budget_year: year,
            reference: None,
            describe: Box::new(move |name| {
                format!("Arrears of {name} for {year} written off by decision {decision}")
            }),
            transfers,
        },
    )
}
