//! `fund add`, `fund list`, `fund transfer`, `fund opening`.

use chrono::Datelike;
use clap::Subcommand;

use super::{Context, Outcome};
use crate::domain::fund::{check_covers, opening_entry, transfer_entries, Fund, FundError};
use crate::ledger::FundCode;
use crate::money::{Currency, Money};
use crate::reports::funds::fund_list;
use crate::store::{Recorded, StoreError};

#[derive(Debug, Subcommand)]
pub enum FundCommand {
    /// Declare a fund (e.g. a reserve, or earmarked money)
    Add {
        /// Short code, e.g. ccm-fund
        code: String,
        /// What the fund is for
        #[arg(long)]
        name: String,
        /// The currency the fund is kept in
        #[arg(long, default_value = "CHF")]
        currency: String,
    },
    /// Every fund with what it holds at the bank on --as-of
    List,
    /// Move money from one fund to another (two entries, one in each fund); refused when the
    /// fund the money leaves would go below zero on the transfer's date or a later date
    Transfer {
        /// The fund the money leaves
        from: String,
        /// The fund the money goes to
        to: String,
        /// The amount, e.g. 29'000
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Why: kept in both entries
        #[arg(long)]
        reason: String,
        /// Currency of the amount [default: the currency of the fund it leaves]
        #[arg(long)]
        currency: Option<String>,
        /// Date of the transfer [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Budget year it counts against [default: the year of the date]
        #[arg(long)]
        year: Option<i32>,
        /// A reference; recording the same reference again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
    /// Record what a fund held when the ledger started keeping it (brought forward)
    Opening {
        /// The fund
        fund: String,
        /// The amount held
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Currency of the amount [default: the fund's currency]
        #[arg(long)]
        currency: Option<String>,
        /// The date the balance is brought forward to
        #[arg(long, value_name = "DATE")]
        date: String,
        /// Budget year it counts against [default: the year of the date]
        #[arg(long)]
        year: Option<i32>,
        /// A reference; recording the same reference again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
}

pub fn run(context: &Context, command: FundCommand) -> anyhow::Result<Outcome> {
    match command {
        FundCommand::Add {
            code,
            name,
            currency,
        } => {
            let fund = Fund::new(&code, &name, currency.parse()?)?;
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            if let Some(name) = tx.insert_fund(&fund)? {
                return Err(FundError::FundExists {
                    fund: fund.code,
                    name,
                }
                .into());
            }
            tx.commit()?;
            context.say(format!(
                "added fund {} ({}), kept in {}",
                fund.code, fund.name, fund.currency
            ))?;
        }
        FundCommand::List => {
            let store = context.open()?;
            let funds = store.funds()?;
            let balances = store.fund_balances(context.as_of)?;
            context.print(&fund_list(context.as_of, &funds, &balances))?;
        }
        FundCommand::Transfer {
            from,
            to,
            amount,
            reason,
            currency,
            date,
            year,
            reference,
        } => {
            let from: FundCode = from.parse()?;
            let to: FundCode = to.parse()?;
            let date = context.date_or_as_of(date.as_deref())?;
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            let from_fund = tx.fund(&from)?.ok_or_else(|| unknown(&tx, &from))?;
            tx.check_fund(&to)?;
            let currency: Currency = match currency {
                Some(text) => text.parse()?,
                None => from_fund.currency,
            };
            let amount = Money::parse(&amount, currency)?;
            let entries = transfer_entries(
                &from,
                &to,
                amount,
                date,
                year.unwrap_or(date.year()),
                &reason,
                reference.as_deref(),
            )?;
            let already = match &entries[0].reference {
                Some(reference) => tx.reference_exists(reference)?,
                None => false,
            };
            if !already {
                let (low_on, balance) = tx.fund_low_point(&from, currency, date)?;
                check_covers(&from, low_on, balance, amount, false, "")?;
            }
            let mut ids = Vec::new();
            for entry in &entries {
                ids.push(tx.record_entry(entry)?);
            }
            tx.commit()?;
            match ids[0] {
                Recorded::New(_) => context.say(format!(
                    "recorded entries {} and {}: {amount} from fund {from} to fund {to}, dated {date}",
                    ids[0].id(),
                    ids[1].id()
                ))?,
                Recorded::AlreadyRecorded(id) => context.say(format!(
                    "this transfer is already recorded as entries {id} and {}; nothing written",
                    ids[1].id()
                ))?,
            }
        }
        FundCommand::Opening {
            fund,
            amount,
            currency,
            date,
            year,
            reference,
        } => {
            let fund: FundCode = fund.parse()?;
            let date = crate::domain::parse_date(&date)?;
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            let declared = tx.fund(&fund)?.ok_or_else(|| unknown(&tx, &fund))?;
            let currency: Currency = match currency {
                Some(text) => text.parse()?,
                None => declared.currency,
            };
            let amount = Money::parse(&amount, currency)?;
            let entry = opening_entry(
                &fund,
                amount,
                date,
                year.unwrap_or(date.year()),
                reference.as_deref(),
            )?;
            let recorded = tx.record_entry(&entry)?;
            tx.commit()?;
            context.say(match recorded {
                Recorded::New(id) => {
                    format!(
                        "recorded entry {id}: {}, {amount}, dated {date}",
                        entry.description
                    )
                }
                Recorded::AlreadyRecorded(id) => format!(
                    "this opening balance is already recorded as entry {id}; nothing written"
                ),
            })?;
        }
    }
    Ok(Outcome::Done)
}

/// The error for an unknown fund, naming the known ones.
fn unknown(tx: &crate::store::Tx<'_>, fund: &FundCode) -> anyhow::Error {
    match tx.check_fund(fund) {
        Err(error) => error.into(),
        Ok(()) => StoreError::Corrupt(format!("fund {fund} vanished")).into(),
    }
}

/// Refuses `entry` when the money it takes out of a fund's bank accounts would leave the
/// fund below zero on its date or any later date, unless `allow_deficit`.
pub(super) fn check_money_out(
    tx: &crate::store::Tx<'_>,
    entry: &crate::ledger::NewEntry,
    allow_deficit: bool,
    hint: &'static str,
) -> anyhow::Result<()> {
    let mut out: std::collections::BTreeMap<Currency, i64> = std::collections::BTreeMap::new();
    let is_bank = |a: &crate::ledger::AccountName| a.as_str().starts_with("assets:bank:");
    for transfer in &entry.transfers {
        let minor = transfer.amount.minor();
        let currency = transfer.amount.currency();
        if is_bank(&transfer.credit) {
            *out.entry(currency).or_default() += minor;
        }
        if is_bank(&transfer.debit) {
            *out.entry(currency).or_default() -= minor;
        }
    }
    for (currency, minor) in out.into_iter().filter(|(_, m)| *m > 0) {
        let (low_on, balance) = tx.fund_low_point(&entry.fund, currency, entry.date)?;
        check_covers(
            &entry.fund,
            low_on,
            balance,
            Money::from_minor(minor, currency),
            allow_deficit,
            hint,
        )?;
    }
    Ok(())
}
