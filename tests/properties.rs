//! Property tests over the library, on an in-memory ledger.
//!
//! Any sequence of accepted contribution adds, imports and reversals, interleaved with
//! operations the ledger must refuse, leaves every entry balanced, the trial balance at
//! zero in every currency, the running balances equal to those recomputed from the
//! transfers (and to those of a model kept beside the ledger), and `status` equal to what
//! that model computes with plain integers. A refused operation writes nothing, even when
//! earlier rows of the same transaction were accepted.
//!
//! `contribution import` lives in a private module of `cli`, so an import is simulated the
//! way it works: several contributions recorded in one transaction, committed together.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::Index;

use isu_ledger::app::contributions::record_contribution;
use isu_ledger::app::status::funding_status_of;
use isu_ledger::domain::budget::Budget;
use isu_ledger::domain::contribution::{Contribution, Portion};
use isu_ledger::domain::party::{Party, PartyInput, PartyKind};
use isu_ledger::domain::reversal::reversal_of;
use isu_ledger::domain::DomainError;
use isu_ledger::ledger::{Entry, EntryId, EntryKind, FundCode, LedgerError, NewEntry, PartyCode};
use isu_ledger::money::{Currency, Money, Percent, Rate};
use isu_ledger::reports::balance::trial_balance;
use isu_ledger::reports::status::{
    ChangeSince, Collection, FundReceived, FundingStatus, PartyReceived,
};
use isu_ledger::store::{
    AccountRow, Actor, JournalFilter, Recorded, Store, StoreError, TrialBalanceRow, Tx,
};

/// The parties a case may add; a case adds a non-empty subset.
const CODES: [&str; 8] = ["DEU", "FRA", "CHE", "NOR", "IRL", "AUT", "MEX", "JPN"];
/// Real ISO codes that no case adds: contributions from them must be refused.
const CODES_NEVER_ADDED: [&str; 2] = ["SWE", "NZL"];
/// The budget years a case may approve and contribute to.
const YEARS: [i32; 3] = [2016, 2017, 2018];
/// Contributions are dated this many days from 1 January 2016 at most (to 31 December 2018).
const PAYMENT_DAYS: u32 = 1096;
const CONVERSION_ACCOUNT: &str = "equity:conversion";
const REASONS: [&str; 3] = [
    "typed twice",
    "recorded for the wrong party",
    "bank recalled the payment",
];

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid test date")
}

fn days_after(start: NaiveDate, days: u32) -> NaiveDate {
    start
        .checked_add_days(Days::new(u64::from(days)))
        .expect("a date in range")
}

fn payment_date(day: u32) -> NaiveDate {
    days_after(date(2016, 1, 1), day)
}

fn actor() -> Actor {
    Actor {
        user: "proptest".into(),
        at: "2019-01-01T00:00:00Z".into(),
    }
}

/// Integer division rounding half away from zero, written here independently of the
/// library's own, so that the model does not share its arithmetic with the program.
fn round_half_away(dividend: i128, divisor: i128) -> i128 {
    assert!(divisor > 0);
    let twice = 2 * dividend.abs() + divisor;
    let magnitude = twice / (2 * divisor);
    if dividend < 0 {
        -magnitude
    } else {
        magnitude
    }
}

// ---------------------------------------------------------------------------------------
// What a case is made of.

#[derive(Debug, Clone)]
struct PartySpec {
    code: &'static str,
    signatory: bool,
    /// Days after 1 January 2010 on which the convention entered into force for it.
    in_force_day: Option<u32>,
}

#[derive(Debug, Clone)]
struct BudgetSpec {
    year: i32,
    total_minor: i64,
    /// Days after 1 September of the year before.
    approved_day: u32,
    approved_by: bool,
    /// A revised total approved this many days after the first approval.
    revision: Option<(i64, u32)>,
}

/// A contribution as it reaches the finance officer.
#[derive(Debug, Clone)]
struct Payment {
    party: Index,
    amount_minor: i64,
    /// In USD at `mantissa / 10^scale` CHF per USD; in CHF when `None`.
    usd_rate: Option<(i64, u32)>,
    /// Days after 1 January 2016.
    day: u32,
    /// The budget year, when it is not the year of the date.
    year: Option<i32>,
    reference: bool,
}

#[derive(Debug, Clone)]
enum ImportRow {
    New(Payment),
    /// A row whose reference is already recorded with the same content.
    Again(Index),
}

/// What makes a refused operation fail.
#[derive(Debug, Clone)]
enum Bad {
    ZeroAmount,
    UnknownParty(Index),
    /// USD 0.01 at a rate so small that it is worth nothing in CHF.
    WorthNothingInChf {
        rate_mantissa: i64,
    },
    ReferenceWithDifferentAmount {
        pick: Index,
        extra_minor: i64,
    },
    ReverseAgain(Index),
    ReverseReversal(Index),
}

#[derive(Debug, Clone)]
enum Op {
    Add(Payment),
    Import(Vec<ImportRow>),
    Again(Index),
    Reverse {
        pick: Index,
        days_after: u32,
    },
    /// Accepted rows, then one that must be refused, all in one transaction that is dropped.
    Refused {
        rows_before: Vec<Payment>,
        bad: Bad,
        payment: Payment,
    },
}

#[derive(Debug, Clone)]
struct Case {
    parties: Vec<PartySpec>,
    budgets: Vec<BudgetSpec>,
    ops: Vec<Op>,
}

fn parties() -> impl Strategy<Value = Vec<PartySpec>> {
    (
        prop::sample::subsequence(CODES.to_vec(), 1..=CODES.len()),
        prop::collection::vec(
            (
                prop::bool::weighted(0.15),
                prop::option::weighted(0.8, 0u32..3650),
            ),
            CODES.len(),
        ),
    )
        .prop_map(|(codes, details)| {
            codes
                .into_iter()
                .zip(details)
                .map(|(code, (signatory, in_force_day))| PartySpec {
                    code,
                    signatory,
                    in_force_day,
                })
                .collect()
        })
}

fn budgets() -> impl Strategy<Value = Vec<BudgetSpec>> {
    let total = 1_000_000i64..=200_000_000;
    let one = (
        total.clone(),
        0u32..480,
        any::<bool>(),
        prop::option::weighted(0.3, (total, 0u32..400)),
    );
    prop::collection::vec(prop::option::weighted(0.85, one), YEARS.len()).prop_map(|years| {
        YEARS
            .iter()
            .zip(years)
            .filter_map(|(&year, spec)| {
                spec.map(
                    |(total_minor, approved_day, approved_by, revision)| BudgetSpec {
                        year,
                        total_minor,
                        approved_day,
                        approved_by,
                        revision,
                    },
                )
            })
            .collect()
    })
}

fn usd_rate() -> impl Strategy<Value = (i64, u32)> {
    (4u32..=6).prop_flat_map(|scale| {
        let one = 10i64.pow(scale);
        ((one / 2)..=(one * 3 / 2), Just(scale))
    })
}

fn payment() -> impl Strategy<Value = Payment> {
    (
        any::<Index>(),
        prop_oneof![1i64..=1_000, 1i64..=100_000_000],
        prop::option::weighted(0.35, usd_rate()),
        0u32..PAYMENT_DAYS,
        prop::option::weighted(0.3, 2016i32..=2018),
        prop::bool::weighted(0.7),
    )
        .prop_map(
            |(party, amount_minor, usd_rate, day, year, reference)| Payment {
                party,
                amount_minor,
                usd_rate,
                day,
                year,
                reference,
            },
        )
}

fn bad() -> impl Strategy<Value = Bad> {
    prop_oneof![
        Just(Bad::ZeroAmount),
        any::<Index>().prop_map(Bad::UnknownParty),
        (1i64..=49).prop_map(|rate_mantissa| Bad::WorthNothingInChf { rate_mantissa }),
        (any::<Index>(), prop_oneof![Just(1i64), 1i64..=1_000_000]).prop_map(
            |(pick, extra_minor)| Bad::ReferenceWithDifferentAmount { pick, extra_minor }
        ),
        any::<Index>().prop_map(Bad::ReverseAgain),
        any::<Index>().prop_map(Bad::ReverseReversal),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let import_row = prop_oneof![
        4 => payment().prop_map(ImportRow::New),
        1 => any::<Index>().prop_map(ImportRow::Again),
    ];
    prop_oneof![
        6 => payment().prop_map(Op::Add),
        2 => prop::collection::vec(import_row, 1..6).prop_map(Op::Import),
        1 => any::<Index>().prop_map(Op::Again),
        3 => (any::<Index>(), 0u32..400)
            .prop_map(|(pick, days_after)| Op::Reverse { pick, days_after }),
        2 => (prop::collection::vec(payment(), 0..3), bad(), payment())
            .prop_map(|(rows_before, bad, payment)| Op::Refused { rows_before, bad, payment }),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (parties(), budgets(), prop::collection::vec(op(), 1..40)).prop_map(
        |(parties, budgets, ops)| Case {
            parties,
            budgets,
            ops,
        },
    )
}

// ---------------------------------------------------------------------------------------
// The model: what the ledger should hold, kept with plain integers.

#[derive(Debug, Clone)]
struct BudgetModel {
    year: i32,
    version: i64,
    total_minor: i64,
    approved_on: NaiveDate,
    approved_by: Option<String>,
}

/// An accepted contribution.
#[derive(Debug, Clone)]
struct Paid {
    id: EntryId,
    contribution: Contribution,
    /// The entry as it was given to the store.
    entry: NewEntry,
    /// The CHF value, computed by the model.
    chf_minor: i64,
    /// The amount in USD, for a contribution in USD.
    usd_minor: Option<i64>,
    reversal: Option<Reversed>,
}

#[derive(Debug, Clone)]
struct Reversed {
    id: EntryId,
    date: NaiveDate,
    entry: NewEntry,
}

impl Paid {
    /// The movements of the contribution, as (debit, credit, currency, amount).
    fn postings(&self) -> Vec<(&'static str, &'static str, Currency, i64)> {
        match self.usd_minor {
            None => vec![(
                "assets:bank:chf",
                "income:contributions:voluntary",
                Currency::CHF,
                self.chf_minor,
            )],
            Some(usd_minor) => vec![
                (
                    "assets:bank:usd",
                    CONVERSION_ACCOUNT,
                    Currency::USD,
                    usd_minor,
                ),
                (
                    CONVERSION_ACCOUNT,
                    "income:contributions:voluntary",
                    Currency::CHF,
                    self.chf_minor,
                ),
            ],
        }
    }
}

#[derive(Debug, Default)]
struct Model {
    parties: Vec<Party>,
    budgets: Vec<BudgetModel>,
    paid: Vec<Paid>,
    next_reference: u32,
}

impl Model {
    fn fresh_reference(&mut self) -> String {
        self.next_reference += 1;
        format!("BANK-{:04}", self.next_reference)
    }

    /// The contribution a payment describes, with the model's CHF value and USD amount.
    fn contribution(
        &mut self,
        payment: &Payment,
        with_reference: bool,
    ) -> (Contribution, i64, Option<i64>) {
        let reference = (with_reference || payment.reference).then(|| self.fresh_reference());
        let party = &self.parties[payment.party.index(self.parties.len())];
        let date = payment_date(payment.day);
        let (amount, rate, chf_minor, usd_minor) = match payment.usd_rate {
            None => (
                Money::from_minor(payment.amount_minor, Currency::CHF),
                None,
                payment.amount_minor,
                None,
            ),
            Some((mantissa, scale)) => {
                let one = 10i64.pow(scale);
                let rate = format!(
                    "{}.{:0width$}",
                    mantissa / one,
                    mantissa % one,
                    width = scale as usize
                );
                let chf = round_half_away(
                    i128::from(payment.amount_minor) * i128::from(mantissa),
                    i128::from(one),
                );
                (
                    Money::from_minor(payment.amount_minor, Currency::USD),
                    Some(rate.parse::<Rate>().expect("a valid rate")),
                    i64::try_from(chf).expect("CHF value fits"),
                    Some(payment.amount_minor),
                )
            }
        };
        let contribution = Contribution {
            party: party.code.clone(),
            amount,
            rate,
            date,
            budget_year: Some(payment.year.unwrap_or(date.year())),
            fund: FundCode::isu(),
            reference,
            // Nothing is assessed in this model: every payment is a voluntary contribution.
            voluntary: true,
        };
        (contribution, chf_minor, usd_minor)
    }

    /// Payments whose reference stands: a reversed payment gives its reference up.
    fn with_reference(&self) -> Vec<&Paid> {
        self.paid
            .iter()
            .filter(|p| p.contribution.reference.is_some() && p.reversal.is_none())
            .collect()
    }

    fn entry_count(&self) -> usize {
        self.paid.len() + self.paid.iter().filter(|p| p.reversal.is_some()).count()
    }

    fn transfer_count(&self) -> usize {
        self.paid
            .iter()
            .map(|p| p.postings().len() * if p.reversal.is_some() { 2 } else { 1 })
            .sum()
    }

    /// Debit and credit per account and currency from entries dated on or before `as_of`,
    /// optionally for one budget year, in the order the store lists them.
    fn trial_balance(&self, as_of: NaiveDate, year: Option<i32>) -> Vec<TrialBalanceRow> {
        let mut turnover: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
        let mut post = |debit: &'static str, credit: &'static str, currency: Currency, amount| {
            let code = if currency == Currency::CHF {
                "CHF"
            } else {
                "USD"
            };
            turnover.entry((debit, code)).or_default().0 += amount;
            turnover.entry((credit, code)).or_default().1 += amount;
        };
        for paid in &self.paid {
            if year.is_some_and(|y| Some(y) != paid.contribution.budget_year) {
                continue;
            }
            if paid.contribution.date <= as_of {
                for (debit, credit, currency, amount) in paid.postings() {
                    post(debit, credit, currency, amount);
                }
            }
            if let Some(reversal) = &paid.reversal {
                if reversal.date <= as_of {
                    for (debit, credit, currency, amount) in paid.postings() {
                        post(credit, debit, currency, amount);
                    }
                }
            }
        }
        turnover
            .into_iter()
            .map(|((account, currency), (debit, credit))| TrialBalanceRow {
                account: account.parse().expect("a valid account name"),
                currency: currency.parse().expect("a valid currency"),
                debit_minor: debit,
                credit_minor: credit,
            })
            .collect()
    }

    /// The funding status, from the model alone.
    fn status(&self, year: i32, as_of: NaiveDate) -> FundingStatus {
        let mut by_party: BTreeMap<&PartyCode, i64> = BTreeMap::new();
        for paid in self
            .paid
            .iter()
            .filter(|p| p.contribution.budget_year == Some(year))
        {
            let net = by_party.entry(&paid.contribution.party).or_default();
            if paid.contribution.date <= as_of {
                *net += paid.chf_minor;
            }
            if paid.reversal.as_ref().is_some_and(|r| r.date <= as_of) {
                *net -= paid.chf_minor;
            }
        }
        let received_minor: i64 = by_party.values().sum();
        let budget = self
            .budgets
            .iter()
            .filter(|b| b.year == year && b.approved_on <= as_of)
            .max_by_key(|b| (b.approved_on, b.version));
        let in_force_by = as_of.min(date(year, 12, 31));
        let expected: Vec<&Party> = self
            .parties
            .iter()
            .filter(|p| p.kind == PartyKind::StateParty)
            .filter(|p| p.in_force_on.is_none_or(|d| d <= in_force_by))
            .collect();
        let paid_something = |code: &PartyCode| by_party.get(code).is_some_and(|&net| net > 0);
        FundingStatus {
            year,
            as_of,
            currency: Currency::CHF,
            budget: budget.map(|b| Money::from_minor(b.total_minor, Currency::CHF)),
            budget_approved_on: budget.map(|b| b.approved_on),
            budget_approved_by: budget.and_then(|b| b.approved_by.clone()),
            received: Money::from_minor(received_minor, Currency::CHF),
            percent_funded: budget.and_then(|b| Percent::of(received_minor, b.total_minor)),
            contributors: by_party.values().filter(|&&net| net > 0).count(),
            parties_expected: expected.len(),
            contributors_expected: expected.iter().filter(|p| paid_something(&p.code)).count(),
            by_fund: if received_minor == 0 {
                Vec::new()
            } else {
                vec![FundReceived {
                    fund: FundCode::isu(),
                    received: Money::from_minor(received_minor, Currency::CHF),
                }]
            },
            by_party: by_party
                .iter()
                .filter(|(_, &net)| net != 0)
                .map(|(&code, &net)| PartyReceived {
                    party: code.clone(),
                    name: self.party_name(code),
                    received: Money::from_minor(net, Currency::CHF),
                })
                .collect(),
            // The model records no assessment or pledge: nothing is owed.
            collection: Collection::nothing(Currency::CHF),
            previous_year: None,
            change: None,
            spending: None,
        }
    }

    fn party_name(&self, code: &PartyCode) -> String {
        self.parties
            .iter()
            .find(|p| &p.code == code)
            .map(|p| p.name.clone())
            .expect("only known parties pay")
    }

    /// The change between the status of `year` on `since` and on `as_of`, from the model.
    fn change(&self, year: i32, since: NaiveDate, as_of: NaiveDate) -> ChangeSince {
        let then = self.status(year, since);
        let now = self.status(year, as_of);
        let paid_then = |code: &PartyCode| {
            then.by_party
                .iter()
                .any(|p| &p.party == code && p.received.minor() > 0)
        };
        ChangeSince {
            since,
            received_then: then.received,
            contributors_then: then.contributors,
            received_since: Money::from_minor(
                now.received.minor() - then.received.minor(),
                Currency::CHF,
            ),
            new_contributors: now
                .by_party
                .into_iter()
                .filter(|p| p.received.minor() > 0 && !paid_then(&p.party))
                .collect(),
        }
    }

    /// The dates the reports are checked on: fixed ones around the budget years, the
    /// budget approvals and the day before each, and a sample of entry dates.
    fn check_dates(&self) -> Vec<NaiveDate> {
        let mut dates = vec![
            date(2015, 12, 31),
            date(2016, 1, 1),
            date(2016, 6, 30),
            date(2016, 12, 31),
            date(2017, 5, 16),
            date(2017, 6, 27),
            date(2017, 12, 31),
            date(2018, 6, 30),
            date(2018, 12, 31),
            date(2019, 12, 31),
        ];
        for budget in &self.budgets {
            dates.push(budget.approved_on);
            dates.extend(budget.approved_on.pred_opt());
        }
        let mut entry_dates: Vec<NaiveDate> = self
            .paid
            .iter()
            .flat_map(|p| {
                std::iter::once(p.contribution.date).chain(p.reversal.as_ref().map(|r| r.date))
            })
            .collect();
        entry_dates.sort();
        entry_dates.dedup();
        let step = entry_dates.len().div_ceil(8).max(1);
        for entry_date in entry_dates.iter().step_by(step) {
            dates.push(*entry_date);
            dates.extend(entry_date.pred_opt());
        }
        dates.sort();
        dates.dedup();
        dates
    }
}

// ---------------------------------------------------------------------------------------
// Running a case.

/// What must not change when an operation is refused or repeats an earlier one.
#[derive(Debug, PartialEq)]
struct Snapshot {
    entries: i64,
    transfers: i64,
    balance_rows: i64,
    trial_balance: Vec<TrialBalanceRow>,
    journal: Vec<Entry>,
    accounts: Vec<AccountRow>,
}

fn snapshot(store: &Store) -> Snapshot {
    let summary = store.verify(CONVERSION_ACCOUNT).expect("verify runs");
    Snapshot {
        entries: summary.entries,
        transfers: summary.transfers,
        balance_rows: summary.balance_rows,
        trial_balance: store
            .trial_balance(date(2100, 12, 31), None)
            .expect("trial balance"),
        journal: store.journal(&JournalFilter::default()).expect("journal"),
        accounts: store.accounts().expect("accounts"),
    }
}

/// Records a contribution the way `contribution add` and `import` do: the party's name
/// from the ledger, then the entry.
fn record(tx: &Tx<'_>, contribution: &Contribution) -> Result<(NewEntry, Recorded), String> {
    let party = tx
        .party(&contribution.party)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("unknown party {}", contribution.party))?;
    let _ = party;
    record_contribution(tx, contribution).map_err(|e| format!("{e:#}"))
}

/// The status as `status YEAR` builds it.
fn status_from_store(store: &Store, year: i32, as_of: NaiveDate) -> FundingStatus {
    funding_status_of(store, year, as_of).expect("status")
}

struct Run {
    store: Store,
    model: Model,
}

impl Run {
    fn new(case: &Case) -> Run {
        let mut store = Store::in_memory().expect("an in-memory ledger");
        let mut model = Model::default();
        let tx = store.begin(actor()).expect("begin");
        for spec in &case.parties {
            let party = Party::new(PartyInput {
                code: spec.code.into(),
                kind: spec.signatory.then(|| "signatory".to_string()),
                in_force_on: spec.in_force_day.map(|d| days_after(date(2010, 1, 1), d)),
                ..PartyInput::default()
            })
            .expect("a valid party");
            tx.insert_party(&party).expect("party inserted");
            model.parties.push(party);
        }
        let mut approvals = Vec::new();
        for spec in &case.budgets {
            let approved_on = days_after(date(spec.year - 1, 9, 1), spec.approved_day);
            let approved_by = spec.approved_by.then(|| format!("{}MSP", spec.year - 2010));
            approvals.push((
                spec.year,
                spec.total_minor,
                approved_on,
                approved_by.clone(),
            ));
            if let Some((total_minor, later)) = spec.revision {
                let revised_on = days_after(approved_on, later);
                approvals.push((spec.year, total_minor, revised_on, approved_by));
            }
        }
        for (year, total_minor, approved_on, approved_by) in approvals {
            let budget = Budget::new(
                year,
                Money::from_minor(total_minor, Currency::CHF),
                approved_by.clone(),
                approved_on,
                vec![],
            )
            .expect("a valid budget");
            let version = tx.insert_budget(&budget).expect("budget inserted");
            model.budgets.push(BudgetModel {
                year,
                version,
                total_minor,
                approved_on,
                approved_by,
            });
        }
        tx.commit().expect("commit");
        Run { store, model }
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Add(payment) => self.add(payment),
            Op::Import(rows) => self.import(rows),
            Op::Again(pick) => self.again(*pick),
            Op::Reverse { pick, days_after } => self.reverse(*pick, *days_after),
            Op::Refused {
                rows_before,
                bad,
                payment,
            } => self.refused(rows_before, bad, payment),
        }
    }

    fn add(&mut self, payment: &Payment) {
        let (contribution, chf_minor, usd_minor) = self.model.contribution(payment, false);
        let tx = self.store.begin(actor()).expect("begin");
        let (entry, recorded) = record(&tx, &contribution).expect("an accepted contribution");
        let Recorded::New(id) = recorded else {
            panic!("a new contribution was taken for an earlier one: {recorded:?}");
        };
        tx.commit().expect("commit");
        self.model.paid.push(Paid {
            id,
            contribution,
            entry,
            chf_minor,
            usd_minor,
            reversal: None,
        });
    }

    fn import(&mut self, rows: &[ImportRow]) {
        let before = snapshot(&self.store);
        let mut accepted = Vec::new();
        let mut prepared = Vec::new();
        for row in rows {
            match row {
                ImportRow::New(payment) => {
                    prepared.push((self.model.contribution(payment, true), None))
                }
                ImportRow::Again(pick) => {
                    let earlier = self.model.with_reference();
                    if let Some(paid) = earlier.get(pick.index(earlier.len().max(1))) {
                        prepared.push(((paid.contribution.clone(), 0, None), Some(paid.id)));
                    }
                }
            }
        }
        let tx = self.store.begin(actor()).expect("begin");
        for ((contribution, chf_minor, usd_minor), earlier) in prepared {
            let (entry, recorded) = record(&tx, &contribution).expect("an accepted row");
            match (recorded, earlier) {
                (Recorded::New(id), None) => accepted.push(Paid {
                    id,
                    contribution,
                    entry,
                    chf_minor,
                    usd_minor,
                    reversal: None,
                }),
                (Recorded::AlreadyRecorded(id), Some(earlier)) => assert_eq!(id, earlier),
                (recorded, earlier) => {
                    panic!("row recorded as {recorded:?}, expected the earlier entry {earlier:?}")
                }
            }
        }
        tx.commit().expect("commit");
        if accepted.is_empty() {
            assert_eq!(
                snapshot(&self.store),
                before,
                "an import of known rows wrote something"
            );
        }
        self.model.paid.extend(accepted);
    }

    fn again(&mut self, pick: Index) {
        let earlier = self.model.with_reference();
        let Some(paid) = earlier.get(pick.index(earlier.len().max(1))) else {
            return;
        };
        let (contribution, id) = (paid.contribution.clone(), paid.id);
        let before = snapshot(&self.store);
        let tx = self.store.begin(actor()).expect("begin");
        let (_, recorded) = record(&tx, &contribution).expect("a repeated reference is accepted");
        assert_eq!(recorded, Recorded::AlreadyRecorded(id));
        tx.commit().expect("commit");
        assert_eq!(
            snapshot(&self.store),
            before,
            "recording a reference again wrote something"
        );
    }

    fn reverse(&mut self, pick: Index, days: u32) {
        let open: Vec<usize> = (0..self.model.paid.len())
            .filter(|&i| self.model.paid[i].reversal.is_none())
            .collect();
        let Some(&index) = open.get(pick.index(open.len().max(1))) else {
            return;
        };
        let paid = &self.model.paid[index];
        let reason = REASONS[pick.index(REASONS.len())];
        let reversal_date = days_after(paid.contribution.date, days);
        let tx = self.store.begin(actor()).expect("begin");
        let original = tx.entry(paid.id).expect("read").expect("the entry exists");
        assert_eq!(original.reversed_by, None);
        let reversal = reversal_of(&original, reason, reversal_date).expect("a valid reversal");
        let recorded = tx
            .record_entry(&reversal)
            .expect("the reversal is accepted");
        let Recorded::New(id) = recorded else {
            panic!("a reversal was taken for an earlier entry: {recorded:?}");
        };
        tx.commit().expect("commit");
        self.model.paid[index].reversal = Some(Reversed {
            id,
            date: reversal_date,
            entry: reversal,
        });
    }

    fn refused(&mut self, rows_before: &[Payment], bad: &Bad, payment: &Payment) {
        let prepared: Vec<Contribution> = rows_before
            .iter()
            .map(|p| self.model.contribution(p, true).0)
            .collect();
        let (bad_contribution, _, _) = self.model.contribution(payment, true);
        let with_reference: Vec<(EntryId, Contribution)> = self
            .model
            .with_reference()
            .iter()
            .map(|p| (p.id, p.contribution.clone()))
            .collect();
        let reversed: Vec<(EntryId, EntryId)> = self
            .model
            .paid
            .iter()
            .filter_map(|p| p.reversal.as_ref().map(|r| (p.id, r.id)))
            .collect();
        let before = snapshot(&self.store);
        let tx = self.store.begin(actor()).expect("begin");
        for contribution in &prepared {
            let (_, recorded) = record(&tx, contribution).expect("an accepted row");
            assert!(matches!(recorded, Recorded::New(_)), "{recorded:?}");
        }
        let zero_amount = |contribution: &Contribution| {
            let zero = Contribution {
                amount: Money::zero(contribution.amount.currency()),
                ..contribution.clone()
            };
            assert!(matches!(
                voluntary_entry(&zero, "Somewhere"),
                Err(DomainError::ContributionNotPositive { .. })
            ));
            // The store refuses it too, should an entry get past the rules.
            let mut entry = voluntary_entry(contribution, "Somewhere").expect("a valid entry");
            for transfer in &mut entry.transfers {
                transfer.amount = Money::zero(transfer.amount.currency());
            }
            assert!(matches!(
                tx.record_entry(&entry),
                Err(StoreError::Ledger(LedgerError::AmountNotPositive { .. }))
            ));
        };
        match bad {
            Bad::ZeroAmount => zero_amount(&bad_contribution),
            Bad::UnknownParty(pick) => {
                let code: PartyCode = CODES_NEVER_ADDED[pick.index(CODES_NEVER_ADDED.len())]
                    .parse()
                    .expect("a valid code");
                let stranger = Contribution {
                    party: code.clone(),
                    ..bad_contribution.clone()
                };
                assert!(record(&tx, &stranger).is_err());
                // The store refuses it too, should the caller not look the party up.
                let entry = voluntary_entry(&stranger, "Stranger").expect("a valid entry");
                assert!(matches!(
                    tx.record_entry(&entry),
                    Err(StoreError::PartyNotFound { code: c }) if c == code
                ));
            }
            Bad::WorthNothingInChf { rate_mantissa } => {
                let tiny = Contribution {
                    amount: Money::from_minor(1, Currency::USD),
                    rate: Some(format!("0.{rate_mantissa:04}").parse().expect("a rate")),
                    ..bad_contribution.clone()
                };
                assert!(matches!(
                    voluntary_entry(&tiny, "Somewhere"),
                    Err(DomainError::ContributionNotPositive { .. })
                ));
            }
            Bad::ReferenceWithDifferentAmount { pick, extra_minor } => {
                match with_reference.get(pick.index(with_reference.len().max(1))) {
                    None => zero_amount(&bad_contribution),
                    Some((id, earlier)) => {
                        let changed = Contribution {
                            amount: Money::from_minor(
                                earlier.amount.minor() + extra_minor,
                                earlier.amount.currency(),
                            ),
                            ..earlier.clone()
                        };
                        let name = tx
                            .party(&changed.party)
                            .expect("read")
                            .expect("the party exists")
                            .name;
                        let entry = voluntary_entry(&changed, &name).expect("a valid entry");
                        match tx.record_entry(&entry) {
                            Err(StoreError::ReferenceConflict { existing, .. }) => {
                                assert_eq!(existing, *id)
                            }
                            other => panic!("a changed amount was not refused: {other:?}"),
                        }
                    }
                }
            }
            Bad::ReverseAgain(pick) => match reversed.get(pick.index(reversed.len().max(1))) {
                None => zero_amount(&bad_contribution),
                Some(&(id, by)) => {
                    let original = tx.entry(id).expect("read").expect("the entry exists");
                    assert_eq!(original.reversed_by, Some(by));
                    assert_eq!(
                        reversal_of(&original, "again", original.recorded.date),
                        Err(DomainError::AlreadyReversed { id, by })
                    );
                    // The store refuses a second reversal even past the rules.
                    let unaware = Entry {
                        reversed_by: None,
                        ..original
                    };
                    let second = reversal_of(&unaware, "again", unaware.recorded.date)
                        .expect("a mirror entry");
                    assert!(tx.record_entry(&second).is_err());
                }
            },
            Bad::ReverseReversal(pick) => match reversed.get(pick.index(reversed.len().max(1))) {
                None => zero_amount(&bad_contribution),
                Some(&(id, by)) => {
                    let reversal = tx.entry(by).expect("read").expect("the reversal exists");
                    assert_eq!(
                        reversal_of(&reversal, "undo", reversal.recorded.date),
                        Err(DomainError::ReversalOfReversal {
                            id: by,
                            original: id
                        })
                    );
                }
            },
        }
        // Refused: the transaction is dropped without commit, and nothing was written.
        drop(tx);
        assert_eq!(
            snapshot(&self.store),
            before,
            "a refused operation wrote something"
        );
    }

    /// Every property the ledger must hold after any sequence of operations.
    fn check(&self) {
        let model = &self.model;

        let summary = self.store.verify(CONVERSION_ACCOUNT).expect("verify runs");
        let findings: Vec<_> = summary.findings.iter().collect();
        assert!(findings.is_empty(), "verify found: {findings:#?}");
        assert_eq!(summary.entries as usize, model.entry_count());
        assert_eq!(summary.transfers as usize, model.transfer_count());

        // Every entry is stored as given, balanced, and linked to its reversal.
        let journal = self
            .store
            .journal(&JournalFilter::default())
            .expect("journal");
        assert_eq!(journal.len(), model.entry_count());
        let stored: BTreeMap<EntryId, &Entry> = journal.iter().map(|e| (e.id, e)).collect();
        for entry in &journal {
            for transfer in &entry.recorded.transfers {
                assert!(transfer.amount.is_positive(), "entry {}", entry.id);
                assert_ne!(transfer.debit, transfer.credit, "entry {}", entry.id);
            }
            let mut net: BTreeMap<Currency, i64> = BTreeMap::new();
            for transfer in &entry.recorded.transfers {
                *net.entry(transfer.amount.currency()).or_default() += transfer.amount.minor();
                *net.entry(transfer.amount.currency()).or_default() -= transfer.amount.minor();
            }
            assert!(
                net.values().all(|&n| n == 0),
                "entry {} does not balance",
                entry.id
            );
        }
        for paid in &model.paid {
            let entry = stored[&paid.id];
            assert_eq!(entry.recorded, paid.entry, "entry {}", paid.id);
            assert_eq!(entry.recorded.kind, EntryKind::Contribution);
            let income_chf: i64 = entry
                .recorded
                .transfers
                .iter()
                .filter(|t| t.credit.as_str() == "income:contributions:voluntary")
                .map(|t| t.amount.minor())
                .sum();
            assert_eq!(income_chf, paid.chf_minor, "CHF value of entry {}", paid.id);
            assert_eq!(entry.reversed_by, paid.reversal.as_ref().map(|r| r.id));
            if let Some(reversal) = &paid.reversal {
                let stored_reversal = stored[&reversal.id];
                assert_eq!(stored_reversal.recorded, reversal.entry);
                assert_eq!(stored_reversal.recorded.kind, EntryKind::Reversal);
                assert_eq!(
                    stored_reversal
                        .recorded
                        .reverses
                        .as_ref()
                        .map(|(id, _)| *id),
                    Some(paid.id)
                );
            }
        }

        // The trial balance is zero in every currency and equals the model's, overall and
        // per budget year; the status equals the model's.
        let dates = model.check_dates();
        for as_of in dates.iter().copied() {
            for year in std::iter::once(None).chain((2015..=2019).map(Some)) {
                let rows = self
                    .store
                    .trial_balance(as_of, year)
                    .expect("trial balance");
                let balance = trial_balance(as_of, year, &rows);
                assert!(
                    balance.is_balanced(),
                    "{as_of} {year:?}: {:?}",
                    balance.totals
                );
                for total in &balance.totals {
                    assert_eq!(total.debit, total.credit, "{as_of} {year:?}");
                }
                assert_eq!(rows, model.trial_balance(as_of, year), "{as_of} {year:?}");
            }
            for year in 2015..=2019 {
                let status = status_from_store(&self.store, year, as_of);
                let expected = model.status(year, as_of);
                assert_eq!(status, expected, "status {year} as of {as_of}");
                if let Some(&since) = dates.iter().rev().find(|&&d| d < as_of) {
                    let earlier = status_from_store(&self.store, year, since);
                    let change = status.clone().with_change_since(&earlier).expect("change");
                    assert_eq!(
                        change.change,
                        Some(model.change(year, since, as_of)),
                        "status {year} as of {as_of} since {since}"
                    );
                }
                let budget = expected.budget.map(|b| i128::from(b.minor()));
                let received = i128::from(expected.received.minor());
                for decimals in [1u32, 2] {
                    let scaled = budget.map(|budget| {
                        round_half_away(received * 100 * 10i128.pow(decimals), budget) as i64
                    });
                    assert_eq!(
                        status.percent_funded.map(|p| p.scaled(decimals)),
                        scaled,
                        "percent funded {year} as of {as_of}"
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_sequence_of_accepted_operations_keeps_the_books_and_status_right(case in case()) {
        let mut run = Run::new(&case);
        for op in &case.ops {
            run.apply(op);
        }
        run.check();
    }
}

#[test]
fn the_model_rounds_half_away_from_zero() {
    assert_eq!(round_half_away(5, 10), 1);
    assert_eq!(round_half_away(4, 10), 0);
    assert_eq!(round_half_away(-5, 10), -1);
    assert_eq!(round_half_away(-4, 10), 0);
    assert_eq!(round_half_away(15, 10), 2);
    assert_eq!(round_half_away(25, 10), 3);
    // USD 1000.01 at 0.9712 is CHF 971.209712, which rounds to 971.21.
    assert_eq!(round_half_away(100_001 * 9_712, 10_000), 97_121);
}

/// The entry of a payment from a party with nothing assessed or pledged: a voluntary
/// contribution for its year.
fn voluntary_entry(contribution: &Contribution, name: &str) -> Result<NewEntry, DomainError> {
    let value = contribution.value_in(Currency::CHF)?.minor();
    let year = contribution.year_default();
    let portions = [Portion::Voluntary { year, minor: value }];
    contribution.to_entry(name, &portions, Currency::CHF)
}
