//! `contribution add`, `contribution import`, `reverse`.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::anyhow;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::csv_in::CsvInput;
use super::{Context, Outcome};
use crate::domain::contribution::{value_in_chf, Contribution, Portion};
use crate::domain::parse_date;
use crate::domain::position::{Fact, FactKind, Movement, Slot};
use crate::domain::reversal::reversal_of;
use crate::ledger::{AccountType, EntryId, EntryKind, FundCode, NewEntry, PartyCode};
use crate::money::{format_minor_swiss, Currency, Money, Rate};
use crate::store::{payment_key, Recorded, ReferenceState, StoreError, Tx};

#[derive(Debug, Subcommand)]
pub enum ContributionCommand {
    /// Record one contribution received from a party
    ///
    /// How a payment is applied, whatever order payments were typed in: on its value date
    /// (--date), a payment naming a year (--year) settles that year first, the rest settles
    /// the oldest year owed, and what is left is a credit held for the party, which settles
    /// its later assessments on their own date. A payment naming a year not yet assessed is a
    /// prepayment, held as a credit until the assessment. Payments of one day are applied in
    /// the order of their content (reference, amount), never of their recording. A payment
    /// is voluntary income, settling nothing, with --voluntary, to a fund other than isu, or
    /// from a party that is not a State Party and has nothing assessed or pledged on its
    /// date. When a payment is recorded after one dated later, the party's money is applied
    /// again from its date, and the entries that do so are printed.
    #[command(verbatim_doc_comment)]
    Add {
        /// The party's code (DEU, CHE, ...)
        party: String,
        /// The amount received, e.g. 16'584.98
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Currency of the amount
        #[arg(long, default_value = "CHF")]
        currency: String,
        /// CHF per unit of the currency, from 0.000001 to 10000 [default: the rate in force on
        /// the date, see `rate set`]
        #[arg(long)]
        rate: Option<String>,
        /// Date received [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// The budget year the payment names: it settles that year first [default: none, it
        /// settles the oldest year owed by value date]
        #[arg(long)]
        year: Option<i32>,
        /// A voluntary contribution: income for the year, settling nothing the party owes
        /// (a payment to a fund other than isu always is)
        #[arg(long)]
        voluntary: bool,
        /// Bank reference; recording the same reference again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        /// Fund it belongs to
        #[arg(long, default_value = "isu")]
        fund: String,
    },
    /// Import contributions from CSV: date,party,amount,currency,year,ref (optional
    /// columns: fund, rate, voluntary yes/no); all or nothing
    Import {
        /// The CSV file; every row needs a unique ref
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ReverseArgs {
    /// The entry to reverse (its number in `journal`)
    entry: String,
    /// Why: kept with the reversal
    #[arg(long)]
    reason: String,
    /// Date of the reversal [default: the original's date while its year is open, else
    /// --as-of]
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Accept a reversal that takes a fund below zero at its date or later
    #[arg(long)]
    allow_deficit: bool,
}

pub const CONTRIBUTION_COLUMNS_REQUIRED: [&str; 6] =
    ["date", "party", "amount", "currency", "year", "ref"];
pub const CONTRIBUTION_COLUMNS_OPTIONAL: [&str; 3] = ["fund", "rate", "voluntary"];

/// The text fields of one contribution, from the command line or a CSV row.
struct ContributionFields<'a> {
    party: &'a str,
    amount: &'a str,
    currency: Option<&'a str>,
    rate: Option<&'a str>,
    date: NaiveDate,
    year: Option<i32>,
    reference: Option<&'a str>,
    fund: Option<&'a str>,
    voluntary: bool,
}

impl ContributionFields<'_> {
    fn parse(&self) -> anyhow::Result<Contribution> {
        let currency: Currency = self.currency.unwrap_or("CHF").parse()?;
        Ok(Contribution {
            party: self.party.parse()?,
            amount: Money::parse(self.amount, currency)?,
            rate: self.rate.map(str::parse::<Rate>).transpose()?,
            date: self.date,
            budget_year: self.year,
            fund: self.fund.map_or(Ok(FundCode::isu()), str::parse)?,
            reference: self.reference.map(str::to_string),
            voluntary: self.voluntary,
        })
    }
}

/// Records contributions in one transaction, looking each party's name up once.
struct ContributionWriter<'t, 'c> {
    tx: &'t Tx<'c>,
    names: HashMap<PartyCode, String>,
    /// Entries the rule posted to apply a party's money again.
    reapplied: Vec<(EntryId, NewEntry)>,
}

impl<'t, 'c> ContributionWriter<'t, 'c> {
    fn new(tx: &'t Tx<'c>) -> Self {
        ContributionWriter {
            tx,
            names: HashMap::new(),
            reapplied: Vec::new(),
        }
    }

    fn record(&mut self, contribution: &Contribution) -> anyhow::Result<(NewEntry, Recorded)> {
        let name = match self.names.get(&contribution.party) {
            Some(name) => name.clone(),
            None => {
                let party = self.tx.party(&contribution.party)?.ok_or_else(|| {
                    StoreError::PartyNotFound {
                        code: contribution.party.clone(),
                    }
                })?;
                self.names.insert(party.code, party.name.clone());
                party.name
            }
        };
        let value = contribution.value_in_chf()?;
        // A reference whose entry was reversed is free again, kept as REF#2.
        let mut contribution = contribution.clone();
        if let Some(reference) = &contribution.reference {
            match self.tx.reference_state(reference)? {
                ReferenceState::Free(free) => contribution.reference = Some(free),
                ReferenceState::Taken(taken) => {
                    contribution.reference = Some(taken);
                    let content = contribution.content();
                    if let Some(recorded) =
                        self.tx.recorded_with(&contribution.reference, &content)?
                    {
                        let entry = contribution.to_entry(
                            &name,
                            &[Portion::Credit {
                                minor: value.minor(),
                            }],
                        )?;
                        return Ok((entry, recorded));
                    }
                }
            }
        }
        let content = contribution.content();
        let fact = Fact {
            date: contribution.date,
            kind: FactKind::Payment {
                designated_year: contribution.budget_year,
                voluntary: contribution.is_voluntary(),
            },
            amount_minor: value.minor(),
            key: payment_key(contribution.reference.as_deref(), &content),
        };
        let written =
            self.tx
                .record_fact(&contribution.party, fact, Some(&content), |movements| {
                    Ok(contribution.to_entry(&name, &portions_of(movements))?)
                })?;
        if let Recorded::New(id) = written.recorded {
            self.tx
                .record_payment_terms(id, contribution.budget_year, contribution.voluntary)?;
        }
        self.reapplied.extend(written.reapplied);
        Ok((written.entry, written.recorded))
    }
}

/// The portions of a payment, from the movements the rule gives it.
fn portions_of(movements: &[Movement]) -> Vec<Portion> {
    movements
        .iter()
        .filter(|m| m.debit == Slot::Outside)
        .filter_map(|m| match m.credit {
            Slot::Owed(year) => Some(Portion::Owed {
                year,
                minor: m.amount_minor,
            }),
            Slot::Credit => Some(Portion::Credit {
                minor: m.amount_minor,
            }),
            Slot::Voluntary(year) => Some(Portion::Voluntary {
                year,
                minor: m.amount_minor,
            }),
            Slot::Outside => None,
        })
        .collect()
}

/// Records one contribution in `tx` as `contribution add` does: applied to what the party
/// owes, oldest year first, or to the year it names.
pub fn record_contribution(
    tx: &Tx<'_>,
    contribution: &Contribution,
) -> anyhow::Result<(NewEntry, Recorded)> {
    ContributionWriter::new(tx).record(contribution)
}

pub fn run(context: &Context, command: ContributionCommand) -> anyhow::Result<Outcome> {
    match command {
        ContributionCommand::Add {
            party,
            amount,
            currency,
            rate,
            date,
            year,
            reference,
            fund,
            voluntary,
        } => {
            let contribution = ContributionFields {
                party: &party,
                amount: &amount,
                currency: Some(&currency),
                rate: rate.as_deref(),
                date: context.date_or_as_of(date.as_deref())?,
                year,
                reference: reference.as_deref(),
                fund: Some(&fund),
                voluntary,
            }
            .parse()?;
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            let (rate, used) = super::rates::rate_for(
                &tx,
                contribution.amount.currency(),
                contribution.rate,
                contribution.date,
            )?;
            let contribution = Contribution {
                rate,
                ..contribution
            };
            let mut writer = ContributionWriter::new(&tx);
            let (entry, recorded) = writer.record(&contribution)?;
            let reapplied = std::mem::take(&mut writer.reapplied);
            tx.commit()?;
            context.say(format!(
                "{}{}",
                describe(&entry, &contribution, recorded),
                super::rates::rate_note(used.as_ref())
            ))?;
            for (id, entry) in reapplied {
                context.say(format!(
                    "recorded entry {id}: {}, dated {}",
                    entry.description, entry.date
                ))?;
            }
        }
        ContributionCommand::Import { file } => {
            let started = Instant::now();
            let csv = CsvInput::open(
                &file,
                &CONTRIBUTION_COLUMNS_REQUIRED,
                &CONTRIBUTION_COLUMNS_OPTIONAL,
            )?;
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            let summary = import_contributions(&tx, csv)?;
            tx.commit()?;
            context.say(format!(
                "imported {}: {}, {} recorded (CHF {}), {} already recorded{}; {}",
                file.display(),
                crate::text::count(summary.rows, "row", "rows"),
                crate::text::count(summary.recorded, "contribution", "contributions"),
                format_minor_swiss(summary.recorded_chf_minor),
                summary.already_recorded,
                super::import::reapplied_note(summary.reapplied),
                super::pace(summary.rows, started.elapsed()),
            ))?;
        }
    }
    Ok(Outcome::Done)
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub rows: u64,
    pub recorded: u64,
    pub already_recorded: u64,
    pub recorded_chf_minor: i64,
    /// Entries the rule posted to apply a party's money again by value date.
    pub reapplied: u64,
}

/// Reads contributions from CSV text (for the built-in example).
pub fn contribution_csv_from(
    name: &str,
    source: impl BufRead + 'static,
) -> anyhow::Result<CsvInput> {
    CsvInput::from_reader(
        name.to_string(),
        source,
        &CONTRIBUTION_COLUMNS_REQUIRED,
        &CONTRIBUTION_COLUMNS_OPTIONAL,
    )
}

/// Records every row of the file in the given transaction. A row whose reference is
/// already in the ledger with the same content is counted and skipped; a reference that
/// appears twice in the file is refused.
pub fn import_contributions(tx: &Tx<'_>, mut csv: CsvInput) -> anyhow::Result<ImportSummary> {
    let mut writer = ContributionWriter::new(tx);
    let mut summary = ImportSummary::default();
    // Entries recorded by this import have higher ids: finding one of them again means the
    // file repeats a reference.
    let last_before = tx.last_entry_id()?.unwrap_or(EntryId(0));
    let repeated = |reference: &str| {
        anyhow!("reference '{reference}' appears twice in this file; each row needs its own")
    };
    while let Some(row) = csv.next_row()? {
        summary.rows += 1;
        let (entry, recorded) = (|| -> anyhow::Result<(NewEntry, Recorded)> {
            let date = parse_date(row.required("date")?)?;
            let year = row
                .optional("year")
                .map(|y| {
                    y.parse::<i32>()
                        .map_err(|_| anyhow!("year '{y}' is not a year"))
                })
                .transpose()?;
            let reference = row.required("ref").map_err(|_| {
                anyhow!("column 'ref' is empty: every imported row needs a unique reference")
            })?;
            let contribution = ContributionFields {
                party: row.required("party")?,
                amount: row.get("amount"),
                currency: row.optional("currency"),
                rate: row.optional("rate"),
                date,
                year,
                reference: Some(reference),
                fund: row.optional("fund"),
                voluntary: match row.optional("voluntary") {
                    None | Some("no") | Some("false") | Some("0") => false,
                    Some("yes") | Some("true") | Some("1") => true,
                    Some(other) => return Err(anyhow!("voluntary '{other}' is not yes or no")),
                },
            }
            .parse()?;
            let (rate, _) = super::rates::rate_for(
                tx,
                contribution.amount.currency(),
                contribution.rate,
                contribution.date,
            )?;
            let contribution = Contribution {
                rate,
                ..contribution
            };
            match writer.record(&contribution) {
                Ok((_, Recorded::AlreadyRecorded(id))) if id > last_before => {
                    Err(repeated(reference))
                }
                Err(error) => match error.downcast_ref::<StoreError>() {
                    Some(StoreError::ReferenceConflict { existing, .. })
                        if *existing > last_before =>
                    {
                        Err(repeated(reference))
                    }
                    _ => Err(error),
                },
                recorded => recorded,
            }
        })()
        .map_err(|e| row.error(format!("{e:#}")))?;
        match recorded {
            Recorded::New(_) => {
                summary.recorded += 1;
                summary.recorded_chf_minor += value_in_chf(&entry).minor();
            }
            Recorded::AlreadyRecorded(_) => summary.already_recorded += 1,
        }
    }
    summary.reapplied = writer.reapplied.len() as u64;
    Ok(summary)
}

fn describe(entry: &NewEntry, contribution: &Contribution, recorded: Recorded) -> String {
    let amount = match contribution.rate {
        Some(rate) => format!(
            "{} ({} at {rate})",
            value_in_chf(entry),
            contribution.amount
        ),
        None => contribution.amount.to_string(),
    };
    match recorded {
        Recorded::New(id) => format!(
            "recorded entry {id}: {}, {amount}, dated {}",
            entry.description, entry.date
        ),
        Recorded::AlreadyRecorded(id) => format!(
            "reference '{}' is already recorded as entry {id} with the same content; nothing written",
            entry.reference.as_deref().unwrap_or_default()
        ),
    }
}

pub fn reverse(context: &Context, args: ReverseArgs) -> anyhow::Result<Outcome> {
    let id: i64 = args
        .entry
        .trim_start_matches('#')
        .parse()
        .map_err(|_| anyhow!("'{}' is not an entry number", args.entry))?;
    let given = args
        .date
        .as_deref()
        .map(|d| context.date_or_as_of(Some(d)))
        .transpose()?;
    let mut store = context.open()?;
    let tx = store.begin(context.actor.clone())?;
    let original = tx
        .entry(EntryId(id))?
        .ok_or(StoreError::EntryNotFound { id: EntryId(id) })?;
    match original.recorded.kind {
        EntryKind::Close => anyhow::bail!(
            "entry {} is the close of budget year {}: a close is not reversed",
            original.id,
            original.recorded.budget_year
        ),
        EntryKind::Reapplication => anyhow::bail!(
            "entry {} applies {}'s money again by the rule; it follows from the facts and is \
             not reversed: reverse the payment, charge or correction that is wrong",
            original.id,
            original
                .recorded
                .party
                .as_ref()
                .map_or("the party", |p| p.as_str())
        ),
        _ => {}
    }
    // A keying error never happened: the reversal takes the original's date while its year
    // is open; once the year is closed, the date it is corrected on (--as-of).
    let original_open = tx
        .closed_year(chrono::Datelike::year(&original.recorded.date))?
        .is_none();
    let (date, why) = match given {
        Some(date) => (date, "the date given"),
        None if original_open => (original.recorded.date, "the original's date"),
        None => (context.as_of, "--as-of: the original's year is closed"),
    };
    let mut reversal = reversal_of(&original, &args.reason, date)?;
    // What moved income, expenses or equity of a closed year is corrected in the open year
    // of the reversal's date; what it left owed or held keeps its year.
    let open_year = chrono::Datelike::year(&date);
    let mut moved = Vec::new();
    let entry_year = reversal.budget_year;
    for transfer in &mut reversal.transfers {
        let year = transfer.year_within(entry_year);
        let result = [&transfer.debit, &transfer.credit].into_iter().any(|a| {
            matches!(
                a.account_type(),
                AccountType::Income | AccountType::Expenses | AccountType::Equity
            )
        });
        if result && tx.closed_year(year)?.is_some() {
            moved.push(year);
            transfer.budget_year = Some(open_year);
        }
    }
    if !moved.is_empty() {
        if tx.closed_year(entry_year)?.is_some() {
            reversal.budget_year = open_year;
        }
        for transfer in &mut reversal.transfers {
            if transfer.budget_year.is_none() {
                transfer.budget_year = Some(entry_year);
            }
            if transfer.budget_year == Some(reversal.budget_year) {
                transfer.budget_year = None;
            }
        }
        moved.sort_unstable();
        moved.dedup();
        let years: Vec<String> = moved.iter().map(i32::to_string).collect();
        reversal.description = format!(
            "{} (entry {} counted against closed budget year {})",
            reversal.description,
            original.id,
            years.join(", ")
        );
    }
    super::funds::check_money_out(
        &tx,
        &reversal,
        args.allow_deficit,
        "; give --allow-deficit to accept it",
    )?;
    let written = tx.record_reversal(&original, reversal.clone())?;
    let (recorded, reapplied) = (written.recorded, written.reapplied);
    tx.commit()?;
    context.say(format!(
        "recorded entry {}: {}, dated {date} ({why})",
        recorded.id(),
        reversal.description
    ))?;
    for (id, entry) in reapplied {
        context.say(format!(
            "recorded entry {id}: {}, dated {}",
            entry.description, entry.date
        ))?;
    }
    Ok(Outcome::Done)
}
