//! The application: one method per use case, under every front end.
//!
//! `Books` is the ledger opened once from a path. Each method loads what its use case needs
//! from `store`, applies the use-case rules (what a report counts, which checks come before a
//! write) and returns a typed report from `reports` or a typed outcome. The command line and
//! the web view call these methods and only choose how to show the result; neither reaches
//! into `store` for what a method here answers. Nothing here reads the clock, the
//! environment or standard streams: dates and the person recording come in as arguments.

pub mod accounts;
pub mod assessments;
pub mod bank;
pub mod budgets;
pub mod close;
pub mod collection;
pub mod contributions;
pub mod costs;
pub mod credits;
pub mod csv_in;
pub mod demo;
mod demo_costs;
pub mod export;
pub mod funds;
pub mod import;
pub mod journal;
pub mod letters;
pub mod meetings;
pub mod parties;
pub mod rates;
pub mod reversal;
pub mod settings;
pub mod status;
pub mod timeline;
pub mod transparency;

use crate::money::Currency;
use std::path::Path;

use chrono::NaiveDate;

use crate::domain::contribution::Contribution;
use crate::domain::rate::ExchangeRate;
use crate::ledger::{check_budget_year, EntryId, NewEntry, PartyCode};
use crate::reports::balance::{trial_balance, TrialBalance};
use crate::reports::budget_report::{budget_report, BudgetReport};
use crate::reports::meeting::{meeting_show, MeetingOwed, MeetingShow};
use crate::reports::status::FundingStatus;
use crate::reports::verify::{verify_report, VerifyReport};
use crate::store::{JournalFilter, Store};

/// What the front ends name of the store: who records, how a write came out, how the
/// ledger is opened, its errors (a busy ledger, a missing file), and the chain head.
pub use crate::store::{
    Actor, ChainHead, ChainMark, ChainMarkError, OpenOptions, Page, Recorded, StoreError,
    VerifyDepth, SCHEMA_VERSION,
};

pub use contributions::{ContributionWriter, ImportSummary};
pub use costs::{CostFields, CostRecorded};
pub use csv_in::CsvInput;
pub use letters::Letter;

/// The transfers of a year's close on income and expense accounts, per account: debit
/// minus credit.
fn closing_transfers(
    store: &Store,
    year: i32,
    until: NaiveDate,
) -> anyhow::Result<Vec<(crate::ledger::AccountName, crate::money::Money)>> {
    use std::collections::BTreeMap;
    // Only the close's few entries are read.
    let entries = store.journal(&JournalFilter {
        budget_year: Some(year),
        until: Some(until),
        kind: Some(crate::ledger::EntryKind::Close),
        ..JournalFilter::default()
    })?;
    let mut net: BTreeMap<(crate::ledger::AccountName, crate::money::Currency), i64> =
        BTreeMap::new();
    for entry in entries
        .iter()
        .filter(|e| e.recorded.kind == crate::ledger::EntryKind::Close)
    {
        for transfer in &entry.recorded.transfers {
            let currency = transfer.amount.currency();
            *net.entry((transfer.debit.clone(), currency)).or_default() += transfer.amount.minor();
            *net.entry((transfer.credit.clone(), currency)).or_default() -= transfer.amount.minor();
        }
    }
    Ok(net
        .into_iter()
        .map(|((account, currency), minor)| {
            (account, crate::money::Money::from_minor(minor, currency))
        })
        .collect())
}

/// The annual round of Article 7 reports shown on `as_of` when none is named: the one
/// covering the year before (the latest whose year has ended).
pub fn transparency_round(as_of: NaiveDate) -> i32 {
    use chrono::Datelike;
    (as_of.year() - 1).max(crate::ledger::BUDGET_YEAR_MIN)
}

/// The books of one ledger file, opened once.
pub struct Books {
    store: Store,
}

/// What recording one contribution did, for the confirmation.
pub struct ContributionRecorded {
    /// The contribution as booked, with the rate of exchange it was converted at.
    pub contribution: Contribution,
    pub entry: NewEntry,
    pub recorded: Recorded,
    /// The recorded rate of exchange used, when none was given.
    pub rate_used: Option<ExchangeRate>,
    /// Entries the rule posted to apply the party's money again by value date.
    pub reapplied: Vec<(EntryId, NewEntry)>,
}

impl Books {
    /// Opens an existing ledger.
    pub fn open(path: &Path) -> Result<Books, StoreError> {
        Ok(Books {
            store: Store::open(path)?,
        })
    }

    /// Opens an existing ledger with `options` (how long to wait for another writer,
    /// whether to check the ledger's safeguards).
    pub fn open_with(path: &Path, options: OpenOptions) -> Result<Books, StoreError> {
        Ok(Books {
            store: Store::open_with(path, options)?,
        })
    }

    /// Creates an empty ledger at `path`; says whether it was created (`false`: a ledger
    /// was there already, and is opened).
    pub fn create(path: &Path) -> Result<(Books, bool), StoreError> {
        let (store, created) = Store::create(path)?;
        Ok((Books { store }, created))
    }

    /// Creates a ledger at `path` with its identity (`settings`, `KEY=VALUE` pairs, the
    /// book currency among them) in one step: every pair is checked before the file is made,
    /// and a kill leaves no ledger or a whole one with every setting. Returns `None` when
    /// `path` is already an isu-ledger database.
    pub fn init(
        path: &Path,
        actor: Actor,
        settings: &[(String, String)],
    ) -> anyhow::Result<Option<Books>> {
        let settings = settings::checked_settings(settings)?;
        let book = match settings
            .iter()
            .rev()
            .find(|(key, _)| key.as_str() == "currency")
        {
            Some((_, code)) => code.parse()?,
            None => Currency::CHF,
        };
        let built = Store::create_with(path, false, book, |store| -> anyhow::Result<()> {
            if settings.is_empty() {
                return Ok(());
            }
            let tx = store.begin(actor)?;
            for (key, value) in &settings {
                tx.set_setting(key, value)?;
            }
            tx.commit()?;
            Ok(())
        })?;
        Ok(built.map(|(store, ())| Books { store }))
    }

    /// The books over a store already open (an in-memory ledger in tests, a new file).
    pub fn from_store(store: Store) -> Books {
        Books { store }
    }

    /// The chain head: how many rows of history the hash chain covers and the hash of its
    /// last link, printed at the foot of `status`, `report` and `verify` so that the books
    /// can be checked against a printout later (`verify --against COUNT:HASH`).
    pub fn chain_head(&self) -> anyhow::Result<ChainHead> {
        Ok(self.store.chain_head()?)
    }

    /// The integrity checks of `depth`; with `against`, that the chain's first links end at
    /// the head of an earlier printout.
    pub fn verify(
        &self,
        depth: VerifyDepth,
        against: Option<&ChainMark>,
    ) -> anyhow::Result<VerifyReport> {
        let conversion = crate::domain::accounts::conversion();
        Ok(verify_report(self.store.verify_with(
            conversion.as_str(),
            depth,
            against,
        )?))
    }

    /// The funding status of `year` on `as_of` (`status` without comparison).
    pub fn status(&self, year: i32, as_of: NaiveDate) -> anyhow::Result<FundingStatus> {
        status::funding_status_of(&self.store, year, as_of)
    }

    /// The funding status of `year` on `as_of`, with the previous year's at the same date a
    /// year earlier and, with `since`, what changed since that earlier date.
    pub fn status_compared(
        &self,
        year: i32,
        as_of: NaiveDate,
        since: Option<NaiveDate>,
    ) -> anyhow::Result<FundingStatus> {
        status::status_compared_since(&self.store, year, as_of, since)
    }

    /// Who owes what for `year` and earlier years on `as_of`, with the meeting balances.
    pub fn outstanding(
        &self,
        year: i32,
        as_of: NaiveDate,
        selection: crate::reports::outstanding::Selection,
    ) -> anyhow::Result<crate::reports::outstanding::Outstanding> {
        let (mut report, _) = collection::outstanding_of(&self.store, year, as_of, selection)?;
        report.meetings = self.meetings_owed(as_of, None)?;
        Ok(report)
    }

    /// One party's statement on `as_of`.
    pub fn statement(
        &self,
        party: &PartyCode,
        as_of: NaiveDate,
    ) -> anyhow::Result<crate::reports::statement::Statement> {
        let mut report = collection::statement_of(&self.store, party, as_of)?;
        report.meetings = self.meetings_owed(as_of, Some(party))?;
        Ok(report)
    }

    /// The parties that paid `year`'s assessment in full by `as_of`.
    pub fn honour_roll(
        &self,
        year: i32,
        as_of: NaiveDate,
        due_days: Option<u32>,
    ) -> anyhow::Result<crate::reports::honour_roll::HonourRoll> {
        collection::honour_roll_of(&self.store, year, as_of, due_days)
    }

    /// The Coordination Committee report of `year` on `as_of`: the funding status with the
    /// previous year's, the curves of money received, contributions by State, the
    /// outstanding list, the honour roll, the budget against spending and the meetings held
    /// in the year, each as its own command reports it.
    pub fn committee_report(
        &self,
        year: i32,
        as_of: NaiveDate,
    ) -> anyhow::Result<crate::reports::committee::CommitteeReport> {
        use crate::domain::accounts::CONTRIBUTION_ACCOUNTS;
        use crate::reports::committee::{ByState, CommitteeReport, Curve, STATES_NAMED_MAX};
        // The parties and the contribution positions of the year on `as_of`, read once for
        // the status, the outstanding list and the honour roll.
        let read = status::YearOnDate::read(&self.store, year, as_of)?;
        // The budget in force and what was spent against it, for the status and the budget.
        let budget = self.store.budget_in_force(year, as_of)?;
        let spent = costs::spent_against(&self.store, year, as_of, budget.as_ref())?;
        let status = status::with_previous_year(
            &self.store,
            status::funding_status_spent(&self.store, &read, budget.as_ref(), &spent)?,
        )?;
        let days = self
            .store
            .received_by_day(year, as_of, &CONTRIBUTION_ACCOUNTS)?;
        let received = Curve::from_days(year, as_of, &days, read.currency)?;
        let previous = match &status.previous_year {
            Some(previous) => {
                let days = self.store.received_by_day(
                    previous.year,
                    previous.as_of,
                    &CONTRIBUTION_ACCOUNTS,
                )?;
                Some(Curve::from_days(
                    previous.year,
                    previous.as_of,
                    &days,
                    read.currency,
                )?)
            }
            None => None,
        };
        let by_state = ByState::of(&status.by_party, STATES_NAMED_MAX, read.currency)?;
        let everyone = crate::reports::outstanding::Selection {
            min: None,
            top: None,
        };
        let meetings = self.meetings_of_year(year, as_of)?;
        let mut outstanding = collection::outstanding_read(&self.store, &read, everyone)?;
        outstanding.meetings = collection::meetings_owed_among(&self.store, as_of, &read.parties)?;
        Ok(CommitteeReport {
            year,
            as_of,
            received,
            previous,
            by_state,
            outstanding,
            honour_roll: collection::honour_roll_read(&self.store, &read, None)?,
            budget: budget_report(
                year,
                as_of,
                budget.as_ref().map(|v| &v.budget),
                &spent,
                read.currency,
            )?,
            meetings,
            timeline: self.timeline(as_of, crate::domain::timeline::DAYS_DEFAULT)?,
            status,
            transparency: self.transparency_status(transparency_round(as_of), as_of)?,
        })
    }

    /// The annual financial report of `year` at its 31st of December (or `as_of`, when
    /// that is earlier): income and expenditure against the approved budget, the financial
    /// position, contributions by State and each fund's movements. A closed year's close
    /// is left out of its income, as `budget report` leaves it out of its spending.
    pub fn annual_report(
        &self,
        year: i32,
        as_of: NaiveDate,
    ) -> anyhow::Result<crate::reports::annual::AnnualReport> {
        use crate::reports::annual::{annual_report, AnnualInputs};
        check_budget_year(year)?;
        let last =
            NaiveDate::from_ymd_opt(year, 12, 31).expect("a checked year has a 31st of December");
        let at = as_of.min(last);
        let before = NaiveDate::from_ymd_opt(year - 1, 12, 31)
            .expect("the year before a checked year has a 31st of December");
        let year_balance = self.balance(at, Some(year))?;
        let close = if self.store.closed_year(year)?.is_some() {
            closing_transfers(&self.store, year, at)?
        } else {
            Vec::new()
        };
        let all_balance = self.balance(at, None)?;
        let budget = self.store.budget_in_force(year, at)?;
        let everyone = crate::reports::outstanding::Selection {
            min: None,
            top: None,
        };
        let outstanding = self.outstanding(year, at, everyone)?;
        let status = self.status(year, at)?;
        let fund_names = self
            .store
            .funds()?
            .into_iter()
            .map(|f| (f.code, f.name))
            .collect();
        let opening = if before < at {
            self.store.fund_balances(before)?
        } else {
            Vec::new()
        };
        Ok(annual_report(AnnualInputs {
            year,
            currency: self.store.currency()?,
            at,
            year_balance: &year_balance,
            close: &close,
            all_balance: &all_balance,
            budget: budget.as_ref().map(|v| v.budget.total),
            expenditure: self.budget_report(year, at)?,
            outstanding: &outstanding,
            by_party: &status.by_party,
            fund_names: &fund_names,
            opening: &opening,
            closing: &self.store.fund_balances(at)?,
            movements: &self.store.fund_movements(before, at)?,
        })?)
    }

    /// The budget of `year` against what was spent, line by line, on `as_of`.
    pub fn budget_report(&self, year: i32, as_of: NaiveDate) -> anyhow::Result<BudgetReport> {
        check_budget_year(year)?;
        let budget = self.store.budget_in_force(year, as_of)?;
        let spent = costs::spent_against(&self.store, year, as_of, budget.as_ref())?;
        Ok(budget_report(
            year,
            as_of,
            budget.as_ref().map(|v| &v.budget),
            &spent,
            self.store.currency()?,
        )?)
    }

    /// The trial balance on `as_of`, of one budget year or all.
    pub fn balance(&self, as_of: NaiveDate, year: Option<i32>) -> anyhow::Result<TrialBalance> {
        if let Some(year) = year {
            check_budget_year(year)?;
        }
        let rows = self.store.trial_balance(as_of, year)?;
        Ok(trial_balance(as_of, year, &rows))
    }

    /// A meeting's documentation forecast against its estimate on `as_of`, and the fund
    /// that covers the difference.
    pub fn meeting_show(&self, code: &str, as_of: NaiveDate) -> anyhow::Result<MeetingShow> {
        let record = collection::load_meeting(&self.store, code)?;
        let funds = self.store.funds()?;
        let balances = self.store.fund_balances(as_of)?;
        Ok(meeting_show(&record, as_of, &funds, &balances)?)
    }

    /// `meeting show` on `as_of` for each meeting held in `year`, by date.
    pub fn meetings_of_year(
        &self,
        year: i32,
        as_of: NaiveDate,
    ) -> anyhow::Result<Vec<MeetingShow>> {
        check_budget_year(year)?;
        let first =
            NaiveDate::from_ymd_opt(year, 1, 1).expect("a checked year has a 1st of January");
        let last =
            NaiveDate::from_ymd_opt(year, 12, 31).expect("a checked year has a 31st of December");
        let mut meetings = Vec::new();
        for code in self.store.meetings_held(first, last)? {
            meetings.push(self.meeting_show(code.as_str(), as_of)?);
        }
        Ok(meetings)
    }

    /// Every State's balance for every meeting on `as_of` (or one State's), with its name.
    pub fn meetings_owed(
        &self,
        as_of: NaiveDate,
        party: Option<&PartyCode>,
    ) -> anyhow::Result<Vec<MeetingOwed>> {
        collection::meetings_owed(&self.store, as_of, party)
    }

    /// Records one contribution in its own transaction, converted at the rate given or the
    /// one in force on its date, and applied by the rule.
    pub fn record_contribution(
        &mut self,
        actor: Actor,
        contribution: Contribution,
    ) -> anyhow::Result<ContributionRecorded> {
        let tx = self.store.begin(actor)?;
        let (rate, rate_used) = rates::rate_for(
            &tx,
            contribution.amount.currency(),
            contribution.rate,
            contribution.date,
        )?;
        let contribution = Contribution {
            rate,
            ..contribution
        };
        let mut writer = ContributionWriter::new(&tx)?;
        let (entry, recorded) = writer.record(&contribution)?;
        let reapplied = std::mem::take(&mut writer.reapplied);
        tx.commit()?;
        Ok(ContributionRecorded {
            contribution,
            entry,
            recorded,
            rate_used,
            reapplied,
        })
    }

    /// Records every contribution of a file in one transaction: all or nothing.
    pub fn import_contributions(
        &mut self,
        actor: Actor,
        csv: CsvInput,
    ) -> anyhow::Result<ImportSummary> {
        let tx = self.store.begin(actor)?;
        let summary = contributions::import_contributions(&tx, csv)?;
        tx.commit()?;
        Ok(summary)
    }

    /// Records one cost in its own transaction.
    pub fn record_cost(
        &mut self,
        actor: Actor,
        fields: &CostFields<'_>,
        allow_deficit: bool,
    ) -> anyhow::Result<CostRecorded> {
        let tx = self.store.begin(actor)?;
        let done = costs::record_cost(&tx, fields, allow_deficit)?;
        tx.commit()?;
        Ok(done)
    }

    /// Records every cost of a file in one transaction; returns how many were recorded and
    /// how many were already in the ledger.
    pub fn import_costs(
        &mut self,
        actor: Actor,
        csv: CsvInput,
        allow_deficit: bool,
    ) -> anyhow::Result<(u64, u64)> {
        let tx = self.store.begin(actor)?;
        let counts = costs::import_costs(&tx, csv, allow_deficit)?;
        tx.commit()?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests;
