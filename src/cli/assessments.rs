//! `scale import|list|show`, `assess`, `pledge add`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use anyhow::{anyhow, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::app::csv_in::CsvInput;
use crate::domain::assessment::{self, assessment_entry, pledge_entry, Limits, Method};
use crate::domain::countries;
use crate::domain::parse_date;
use crate::domain::reversal::reversal_of;
use crate::domain::scale::{self, Scale};
use crate::ledger::{check_budget_year, FundCode, PartyCode};
use crate::money::{Currency, Money};
use crate::render::{Cell, Table, Tabular};
use crate::reports::assessment::{assessment_report, AssessmentReport};
use crate::store::{Recorded, ScaleSummary, StoreError, Tx};

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
    /// No party is assessed less than this amount (CHF)
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
        /// The amount pledged (CHF)
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

struct ScaleList(Vec<ScaleSummary>);

impl serde::Serialize for ScaleList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for s in &self.0 {
            seq.serialize_element(&serde_json::json!({
                "name": s.name, "source": s.source, "parties": s.parties
            }))?;
        }
        seq.end()
    }
}

impl Tabular for ScaleList {
    fn table(&self) -> Table {
        Table {
            title: "Scales of assessment".into(),
            headers: vec!["Name".into(), "Parties".into(), "Source".into()],
            rows: self
                .0
                .iter()
                .map(|s| {
                    vec![
                        Cell::text(&s.name),
                        Cell::Count(s.parties as i64),
                        Cell::text(&s.source),
                    ]
                })
                .collect(),
            ..Table::default()
        }
    }
}

#[derive(serde::Serialize)]
struct ScaleShow {
    name: String,
    rates: BTreeMap<String, String>,
    total: String,
}

impl Tabular for ScaleShow {
    fn table(&self) -> Table {
        Table {
            title: format!("Scale {}", self.name),
            headers: vec!["Party".into(), "Rate %".into()],
            rows: self
                .rates
                .iter()
                .map(|(code, rate)| vec![Cell::text(code), Cell::text(rate)])
                .collect(),
            totals: vec![vec![Cell::text("Total"), Cell::text(&self.total)]],
            notes: vec![],
        }
    }
}

pub fn scale(context: &Context, command: ScaleCommand) -> anyhow::Result<Outcome> {
    match command {
        ScaleCommand::Import { name, file, base } => {
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            let csv = CsvInput::open(&file, &["code", "rate"], &[])?;
            let (imported, count) = import_scale(&tx, &name, base.as_deref(), csv)?;
            tx.commit()?;
            let total: rust_decimal::Decimal = imported.rates.values().sum();
            context.say(format!(
                "imported scale {}: {} ({count} from {}), rates adding up to {total}%",
                imported.name,
                crate::text::count(imported.rates.len(), "party", "parties"),
                file.display()
            ))?;
        }
        ScaleCommand::List => {
            let store = context.open()?;
            context.print(&ScaleList(store.scales()?))?;
        }
        ScaleCommand::Show { name } => {
            let store = context.open()?;
            let scale = store.scale(&name)?;
            let total: rust_decimal::Decimal = scale.rates.values().sum();
            context.print(&ScaleShow {
                name: scale.name,
                rates: scale
                    .rates
                    .iter()
                    .map(|(c, r)| (c.to_string(), r.to_string()))
                    .collect(),
                total: total.to_string(),
            })?;
        }
    }
    Ok(Outcome::Done)
}

/// Reads a scale from CSV (columns code,rate) in `tx`, over the rates of `base` if given,
/// and stores it as `name`. Returns the scale and the number of rows read.
pub fn import_scale(
    tx: &Tx<'_>,
    name: &str,
    base: Option<&str>,
    mut csv: CsvInput,
) -> anyhow::Result<(Scale, usize)> {
    scale::check_name(name)?;
    let mut rates = match base {
        Some(base) => tx.scale(base)?.rates,
        None => BTreeMap::new(),
    };
    let mut seen: HashMap<PartyCode, u64> = HashMap::new();
    let mut count = 0;
    while let Some(row) = csv.next_row()? {
        let line = row.line;
        let (code, rate) = (|| -> anyhow::Result<_> {
            let text = row.required("code")?;
            let code: PartyCode = text.parse()?;
            if countries::find(code.as_str()).is_none() {
                bail!("'{text}' is not an ISO 3166 alpha-3 country code");
            }
            if let Some(first) = seen.get(&code) {
                bail!("{code} appears twice (first on line {first})");
            }
            let rate = scale::parse_rate(row.get("rate"))?;
            Ok((code, rate))
        })()
        .map_err(|e| row.error(format!("{e:#}")))?;
        seen.insert(code.clone(), line);
        rates.insert(code, rate);
        count += 1;
    }
    if count == 0 {
        bail!(
            "{}: no rates: the file has a header and no rows",
            csv.name()
        );
    }
    let imported = Scale {
        name: name.to_string(),
        rates,
    };
    let source = match base {
        Some(base) => format!("{} over {base}", csv.name()),
        None => csv.name().to_string(),
    };
    tx.insert_scale(&imported, &source)?;
    Ok((imported, count))
}

/// Reads `--method`: a name, and a file for `fixed`.
fn method_of(context: &Context, args: &AssessArgs) -> anyhow::Result<Method> {
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
            Ok(Method::AdjustedScale(context.open()?.scale(scale)?))
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
                    let amount = Money::parse(row.get("amount"), Currency::CHF)?;
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
    let method = method_of(context, &args)?;
    let limits = Limits {
        minimum: args
            .minimum
            .as_deref()
            .map(|m| Money::parse(m, Currency::CHF))
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
    let mut store = context.open()?;
    let due_on = match args.due.as_deref() {
        Some(due) => context.date_or_as_of(Some(due))?,
        None => crate::domain::position::due_after(date, store.due_days()?),
    };
    if due_on < date {
        bail!("--due {due_on} is before the assessment's date {date}");
    }
    let tx = store.begin(context.actor.clone())?;
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
    let (report, written) = record_assessment(&tx, &order)?;
    if args.dry_run {
        drop(tx);
    } else {
        tx.commit()?;
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

/// What `assess` is asked to do.
pub struct AssessOrder {
    pub year: i32,
    /// The date of the entries; the budget in force on it is shared.
    pub date: NaiveDate,
    pub method: Method,
    pub scale: Option<String>,
    pub limits: Limits,
    /// The States Parties in force on this date are assessed (except with `fixed`).
    pub in_force_on: NaiveDate,
    /// The day the assessments fall due.
    pub due_on: NaiveDate,
    pub dry_run: bool,
}

/// Computes the year's assessments and, unless it is a dry run, records one entry per
/// party in `tx`. Returns the report and the number of entries written.
pub fn record_assessment(
    tx: &Tx<'_>,
    order: &AssessOrder,
) -> anyhow::Result<(AssessmentReport, usize)> {
    let (year, date) = (order.year, order.date);
    let budget = tx.budget_in_force(year, date)?.ok_or_else(|| {
        anyhow!(
            "no budget approved for {year} as of {date}: record it first with \
             `isu-ledger budget set {year} --total AMOUNT`"
        )
    })?;
    let existing = tx.assessments_in_force(year)?;
    if !existing.is_empty() && !order.dry_run {
        bail!(
            "{year} is already assessed ({}, the first is entry {}); reverse it first \
             with `isu-ledger assess {year} --reverse --reason TEXT`",
            crate::text::count(existing.len(), "entry", "entries"),
            existing[0],
        );
    }
    let parties = tx.parties()?;
    let names: HashMap<&PartyCode, &str> =
        parties.iter().map(|p| (&p.code, p.name.as_str())).collect();
    let assessed: Vec<PartyCode> = match &order.method {
        Method::Fixed(amounts) => {
            for code in amounts.keys() {
                if !names.contains_key(code) {
                    return Err(StoreError::PartyNotFound { code: code.clone() }.into());
                }
            }
            amounts.keys().cloned().collect()
        }
        _ => parties
            .iter()
            .filter(|p| p.is_expected_to_contribute(order.in_force_on))
            .map(|p| p.code.clone())
            .collect(),
    };
    let assessments =
        assessment::assess(budget.budget.total, &assessed, &order.method, order.limits)?;
    let mut rows = Vec::new();
    let mut written = 0;
    for a in assessments {
        let name = names
            .get(&a.party)
            .copied()
            .unwrap_or(a.party.as_str())
            .to_string();
        let mut applied = Money::from_minor(0, Currency::CHF);
        if !order.dry_run && a.amount.is_positive() {
            let recorded = tx.record_charge(
                &a.party,
                crate::ledger::EntryKind::Assessment,
                a.amount.minor(),
                year,
                date,
                order.due_on,
                None,
                |credit| {
                    applied = credit;
                    Ok(assessment_entry(
                        &a,
                        &name,
                        year,
                        date,
                        FundCode::isu(),
                        credit,
                    )?)
                },
            )?;
            written += 1;
            let _ = recorded;
        }
        rows.push((a, name, applied));
    }
    let report = assessment_report(
        year,
        order.method.name(),
        order.scale.clone(),
        budget.budget.total,
        order.dry_run,
        &rows,
    );
    Ok((report, written))
}

fn reverse_assessment(
    context: &Context,
    year: i32,
    reason: Option<&str>,
    date: NaiveDate,
) -> anyhow::Result<Outcome> {
    let Some(reason) = reason.filter(|r| !r.trim().is_empty()) else {
        bail!("reversing an assessment needs a reason: --reason TEXT");
    };
    let mut store = context.open()?;
    let tx = store.begin(context.actor.clone())?;
    let ids = tx.assessments_in_force(year)?;
    if ids.is_empty() {
        bail!("{year} has no assessment to reverse");
    }
    for id in &ids {
        let original = tx
            .entry(*id)?
            .ok_or(StoreError::EntryNotFound { id: *id })?;
        tx.record_reversal(&original, reversal_of(&original, reason, date)?)?;
    }
    tx.commit()?;
    context.say(format!(
        "reversed the {year} assessment: {}, dated {date}",
        crate::text::count(ids.len(), "entry", "entries")
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
    let amount = Money::parse(&amount, Currency::CHF)?;
    let date = context.date_or_as_of(date.as_deref())?;
    let mut store = context.open()?;
    let tx = store.begin(context.actor.clone())?;
    let found = tx
        .party(&code)?
        .ok_or_else(|| StoreError::PartyNotFound { code: code.clone() })?;
    let due_on = match due {
        Some(due) => context.date_or_as_of(Some(&due))?,
        None => crate::domain::position::due_after(date, tx.due_days()?),
    };
    if due_on < date {
        bail!("--due {due_on} is before the pledge's date {date}");
    }
    let written = tx.record_charge(
        &code,
        crate::ledger::EntryKind::Pledge,
        amount.minor(),
        year,
        date,
        due_on,
        reference.as_deref(),
        |credit| {
            Ok(pledge_entry(
                &code,
                &found.name,
                amount,
                year,
                date,
                FundCode::isu(),
                credit,
                reference.clone(),
            )?)
        },
    )?;
    let (recorded, entry) = (written.recorded, written.entry);
    tx.commit()?;
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
