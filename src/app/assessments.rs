//! Scales of assessment and sharing a year's budget among the parties on one, reversing a
//! year's assessment, and voluntary pledges.

use std::collections::{BTreeMap, HashMap};

use anyhow::{anyhow, bail};
use chrono::NaiveDate;

use super::csv_in::CsvInput;
use super::Books;
use crate::domain::assessment::{self, assessment_entry, pledge_entry, Limits, Method};
use crate::domain::countries;
use crate::domain::parse_date;
use crate::domain::reversal::reversal_of;
use crate::domain::scale::{self, Scale};
use crate::ledger::{FundCode, NewEntry, PartyCode};
use crate::money::Money;
use crate::reports::assessment::{assessment_report, AssessmentReport};
use crate::reports::scales::{scale_show, ScaleList, ScaleShow};
use crate::store::{Actor, Recorded, StoreError, Tx};

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
    /// The day the assessments fall due [default: their date plus the books' due period].
    pub due_on: Option<NaiveDate>,
    pub dry_run: bool,
}

/// Computes the year's assessments and, unless it is a dry run, records one entry per
/// party in `tx`. Returns the report and the number of entries written.
pub fn record_assessment(
    tx: &Tx<'_>,
    order: &AssessOrder,
) -> anyhow::Result<(AssessmentReport, usize)> {
    let (year, date) = (order.year, order.date);
    let due_on = match order.due_on {
        Some(due_on) => due_on,
        None => crate::domain::position::due_after(date, tx.due_days()?),
    };
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
        let mut applied = Money::zero(a.amount.currency());
        if !order.dry_run && a.amount.is_positive() {
            let recorded = tx.record_charge(
                &a.party,
                crate::ledger::EntryKind::Assessment,
                a.amount.minor(),
                year,
                date,
                due_on,
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

/// The reason a year's assessment is reversed: refused when missing or blank.
pub fn reversal_reason(reason: Option<&str>) -> anyhow::Result<&str> {
    let Some(reason) = reason.filter(|r| !r.trim().is_empty()) else {
        bail!("reversing an assessment needs a reason: --reason TEXT");
    };
    Ok(reason)
}

/// A voluntary pledge, as given.
pub struct PledgeOrder<'a> {
    pub party: PartyCode,
    pub amount: Money,
    pub year: i32,
    pub date: NaiveDate,
    /// The day it falls due, as written; its date plus the books' due period when `None`.
    pub due: Option<&'a str>,
    pub reference: Option<String>,
}

/// What recording a pledge did.
pub struct PledgeRecorded {
    pub entry: NewEntry,
    pub recorded: Recorded,
}

impl Books {
    /// The scales, built in and imported.
    pub fn scales(&self) -> anyhow::Result<ScaleList> {
        Ok(ScaleList(self.store.scales()?))
    }

    /// One scale, built in or imported.
    pub fn scale(&self, name: &str) -> anyhow::Result<Scale> {
        Ok(self.store.scale(name)?)
    }

    /// The rates of one scale.
    pub fn scale_show(&self, name: &str) -> anyhow::Result<ScaleShow> {
        Ok(scale_show(self.store.scale(name)?))
    }

    /// Imports a scale in its own transaction (see `import_scale`).
    pub fn import_scale(
        &mut self,
        actor: Actor,
        name: &str,
        base: Option<&str>,
        csv: CsvInput,
    ) -> anyhow::Result<(Scale, usize)> {
        let tx = self.store.begin(actor)?;
        let imported = import_scale(&tx, name, base, csv)?;
        tx.commit()?;
        Ok(imported)
    }

    /// Shares `order.year`'s budget among the parties and, unless it is a dry run, records
    /// one entry per party in one transaction. The assessments fall due on `order.due_on`,
    /// else on their date plus the books' due period, and not before their date. Returns the
    /// report and the number of entries written.
    pub fn assess(
        &mut self,
        actor: Actor,
        order: AssessOrder,
    ) -> anyhow::Result<(AssessmentReport, usize)> {
        let date = order.date;
        let due_on = match order.due_on {
            Some(due_on) => due_on,
            None => crate::domain::position::due_after(date, self.store.due_days()?),
        };
        if due_on < date {
            bail!("--due {due_on} is before the assessment's date {date}");
        }
        let tx = self.store.begin(actor)?;
        let order = AssessOrder {
            due_on: Some(due_on),
            ..order
        };
        let (report, written) = record_assessment(&tx, &order)?;
        if order.dry_run {
            drop(tx);
        } else {
            tx.commit()?;
        }
        Ok((report, written))
    }

    /// Reverses every assessment entry of `year` in force, dated `date`, in one
    /// transaction; returns how many. Refused when the year has none.
    pub fn reverse_assessment(
        &mut self,
        actor: Actor,
        year: i32,
        reason: &str,
        date: NaiveDate,
    ) -> anyhow::Result<usize> {
        let tx = self.store.begin(actor)?;
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
        Ok(ids.len())
    }

    /// Records a voluntary pledge of a known party in its own transaction; it may not fall
    /// due before its date.
    pub fn record_pledge(
        &mut self,
        actor: Actor,
        order: PledgeOrder<'_>,
    ) -> anyhow::Result<PledgeRecorded> {
        let PledgeOrder {
            party: code,
            amount,
            year,
            date,
            due,
            reference,
        } = order;
        let tx = self.store.begin(actor)?;
        let found = tx
            .party(&code)?
            .ok_or_else(|| StoreError::PartyNotFound { code: code.clone() })?;
        let due_on = match due {
            Some(due) => parse_date(due)?,
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
        Ok(PledgeRecorded { entry, recorded })
    }
}
