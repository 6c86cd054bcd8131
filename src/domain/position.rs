//! Where a party stands, as a pure function of its dated facts: the rule that applies its
//! payments to what it owes.
//!
//! The facts of one party are its charges (assessments and pledges), its payments with
//! their value date and the year they name, refunds of its credit, applications of its
//! credit to a named year, write-offs of its arrears, and the reversals of any of these.
//! [`replay`] sorts them by date, then by a same-day rank and their content, so the order in
//! which they were recorded never matters, and applies them one by one:
//!
//! - a **charge** adds to what the party owes for its year; a credit the party holds settles
//!   it at once, on the charge's date;
//! - a **payment** named for a year settles that year first; the rest settles the oldest year
//!   owed; what is left is a credit. A payment named for a year not yet charged is a
//!   prepayment: all of it is held as a credit until the charge. A payment is voluntary income instead when it says so,
//!   when it goes to a fund other than the ISU's core budget, or when it comes from a party
//!   that is not a State Party and has no charge dated on or before it;
//! - a **refund** takes money out of the credit; an **application** moves credit to a year
//!   owed; a **write-off** cancels arrears of a year;
//! - a **reversal** undoes its original on its own date: a charge reversed leaves what was
//!   paid for it as a credit; a payment reversed is taken back from the years it settled,
//!   then from the credit, then from the latest years settled.
//!
//! The result is a list of transfers between the party's positions (what it owes per year,
//! its credit, its voluntary income) and the outside (the bank, income), each tied to the
//! fact that caused it and dated on that fact's date. The books hold exactly these
//! movements; `store` posts the difference whenever a fact is added.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::ledger::EntryId;

/// Where a party's money is: owed for a budget year, held as its credit, or received as a
/// voluntary contribution for a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// The party's receivable for a budget year: positive is owed.
    Owed(i32),
    /// The party's credit (a liability of the books).
    Credit,
    /// Voluntary contribution income for a budget year.
    Voluntary(i32),
    /// The other side of a fact: the bank, income, a write-off.
    Outside,
}

/// What a fact is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactKind {
    /// An assessment or a pledge for a budget year, due on a day.
    Charge { year: i32, due_on: NaiveDate },
    /// Money received.
    Payment {
        designated_year: Option<i32>,
        /// Said to be voluntary, or to a fund other than the core budget.
        voluntary: bool,
    },
    /// Credit paid back to the party.
    Refund,
    /// Credit applied to what the party owes for a year.
    CreditApplication { year: i32 },
    /// Arrears of a year cancelled by decision of the Meeting.
    WriteOff { year: i32 },
    /// The reversal of the fact at `of` (an index into the facts given to [`replay`]).
    Reversal { of: usize },
    /// An entry that moves the party's money as it says (a row of the generic `import`, or
    /// an entry of an earlier version of the program): its movements are taken as booked.
    Booked { legs: Vec<(Slot, Slot, i64)> },
}

/// One dated fact of a party, in minor units of the book currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub date: NaiveDate,
    pub kind: FactKind,
    pub amount_minor: i64,
    /// What tells two facts of the same day and rank apart, whatever order they were
    /// recorded in: their content (reference, description, amount).
    pub key: String,
}

impl Fact {
    /// The same-day order: charges, write-offs, payments, applications, refunds, reversals.
    fn rank(&self) -> u8 {
        match self.kind {
            FactKind::Charge { .. } => 0,
            FactKind::WriteOff { .. } => 1,
            FactKind::Payment { .. } | FactKind::Booked { .. } => 2,
            FactKind::CreditApplication { .. } => 3,
            FactKind::Refund => 4,
            FactKind::Reversal { .. } => 5,
        }
    }
}

/// One movement the rule makes: `amount_minor` from `credit` to `debit`, on the date of the
/// fact that caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    /// Index of the fact in the list given to [`replay`].
    pub fact: usize,
    pub date: NaiveDate,
    pub debit: Slot,
    pub credit: Slot,
    pub amount_minor: i64,
}

/// A fact the rule cannot apply without a position going below zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub fact: usize,
    pub date: NaiveDate,
    pub message: String,
}

/// How one budget year stands for the party at the end of the replay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearPosition {
    pub charged_minor: i64,
    pub owed_minor: i64,
    pub written_off_minor: i64,
    /// The first charge's date and due date.
    pub charged_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    /// The value date of the money that last settled the year in full (owed fell to
    /// zero), if it is: a payment's date, or the date of the payment whose credit paid it.
    pub settled_on: Option<NaiveDate>,
}

/// The outcome of applying a party's facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replay {
    /// Indices of the facts in the order they were applied.
    pub order: Vec<usize>,
    pub movements: Vec<Movement>,
    pub violations: Vec<Violation>,
    pub years: BTreeMap<i32, YearPosition>,
    pub credit_minor: i64,
}

impl Replay {
    /// The movements caused by one fact.
    pub fn movements_of(&self, fact: usize) -> impl Iterator<Item = &Movement> {
        self.movements.iter().filter(move |m| m.fact == fact)
    }

    /// The net debit of every slot but `Outside`, per date: what the books must show.
    pub fn net_by_date(&self) -> BTreeMap<NaiveDate, BTreeMap<Slot, i64>> {
        let mut net: BTreeMap<NaiveDate, BTreeMap<Slot, i64>> = BTreeMap::new();
        for m in &self.movements {
            let day = net.entry(m.date).or_default();
            if m.debit != Slot::Outside {
                *day.entry(m.debit).or_default() += m.amount_minor;
            }
            if m.credit != Slot::Outside {
                *day.entry(m.credit).or_default() -= m.amount_minor;
            }
        }
        for day in net.values_mut() {
            day.retain(|_, minor| *minor != 0);
        }
        net.retain(|_, day| !day.is_empty());
        net
    }
}

/// The due period of the books when none is recorded, in days (UN practice).
pub const DUE_DAYS_DEFAULT: u32 = 30;

/// The day a charge dated `date` falls due under a due period of `days`.
pub fn due_after(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(date)
}

/// One party's facts as recorded, with the entry each comes from, and what the party's
/// entries book on its positions.
#[derive(Debug, Clone, Default)]
pub struct PartyFacts {
    pub state_party: bool,
    pub facts: Vec<Fact>,
    /// The entry of each fact; `None` for a fact not yet written.
    pub entries: Vec<Option<EntryId>>,
    /// The description of each fact's entry, for statements.
    pub descriptions: Vec<String>,
    pub references: Vec<Option<String>>,
    /// What the party's entries book on its positions, per date: net debit per slot.
    pub booked: BTreeMap<NaiveDate, BTreeMap<Slot, i64>>,
}

impl PartyFacts {
    pub fn replay(&self, until: Option<NaiveDate>) -> Replay {
        replay(&self.facts, self.state_party, until)
    }

    /// The index of the fact recorded as `entry`.
    pub fn index_of(&self, entry: EntryId) -> Option<usize> {
        self.entries.iter().position(|e| *e == Some(entry))
    }
}

/// The order the rule applies facts in: by date, rank and content; a reversal after its
/// original.
pub fn order(facts: &[Fact]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..facts.len()).collect();
    order.sort_by(|a, b| {
        let (fa, fb) = (&facts[*a], &facts[*b]);
        fa.date
            .cmp(&fb.date)
            .then(fa.rank().cmp(&fb.rank()))
            .then_with(|| fa.key.cmp(&fb.key))
            .then(fa.amount_minor.cmp(&fb.amount_minor))
    });
    order
}

struct State<'f> {
    facts: &'f [Fact],
    state_party: bool,
    years: BTreeMap<i32, YearPosition>,
    credit: i64,
    /// What each payment settled, by year, for its reversal.
    settled_by: BTreeMap<usize, Vec<(i32, i64)>>,
    voluntary_of: BTreeMap<usize, i32>,
    first_charge: Option<NaiveDate>,
    /// The credit by the value date of the money it came from, oldest first: a credit
    /// is used oldest money first.
    lots: std::collections::VecDeque<(NaiveDate, i64)>,
    out: Replay,
}

impl State<'_> {
    fn emit(&mut self, fact: usize, debit: Slot, credit: Slot, amount_minor: i64) {
        if amount_minor > 0 {
            self.out.movements.push(Movement {
                fact,
                date: self.facts[fact].date,
                debit,
                credit,
                amount_minor,
            });
        }
    }

    fn year(&mut self, year: i32) -> &mut YearPosition {
        self.years.entry(year).or_default()
    }

    fn violate(&mut self, fact: usize, message: String) {
        let date = self.facts[fact].date;
        self.out.violations.push(Violation {
            fact,
            date,
            message,
        });
    }

    /// Settles up to `amount` of `year` from `from` (the outside or the credit).
    fn settle(&mut self, fact: usize, year: i32, amount: i64, from: Slot) -> i64 {
        let owed = self.years.get(&year).map_or(0, |y| y.owed_minor);
        let paid = amount.min(owed).max(0);
        if paid > 0 {
            self.emit(fact, from, Slot::Owed(year), paid);
            let mut date = self.facts[fact].date;
            if from == Slot::Credit {
                date = self.take_credit(paid).unwrap_or(date);
            }
            let position = self.year(year);
            position.owed_minor -= paid;
            if position.owed_minor == 0 {
                position.settled_on = Some(date);
            }
        }
        paid
    }

    /// Makes `amount` of `year` owed again (a payment that settled it was taken back).
    fn unsettle(&mut self, fact: usize, year: i32, amount: i64, to: Slot) {
        if amount > 0 {
            self.emit(fact, Slot::Owed(year), to, amount);
            let position = self.year(year);
            position.owed_minor += amount;
            position.settled_on = None;
        }
    }

    /// Adds to the credit money of value date `date`.
    fn add_credit(&mut self, amount: i64, date: NaiveDate) {
        if amount > 0 {
            self.credit += amount;
            self.lots.push_back((date, amount));
        }
    }

    /// Takes `amount` from the credit, oldest money first; the value date of the last money
    /// taken.
    fn take_credit(&mut self, amount: i64) -> Option<NaiveDate> {
        self.credit -= amount;
        let mut left = amount;
        let mut last = None;
        while left > 0 {
            let Some((date, lot)) = self.lots.front_mut() else {
                break;
            };
            let taken = left.min(*lot);
            *lot -= taken;
            left -= taken;
            last = Some(*date);
            if *lot == 0 {
                self.lots.pop_front();
            }
        }
        last
    }

    fn settled_now(&self, year: i32) -> i64 {
        self.years
            .get(&year)
            .map_or(0, |y| y.charged_minor - y.owed_minor - y.written_off_minor)
    }

    fn apply(&mut self, index: usize) {
        let fact = &self.facts[index];
        let amount = fact.amount_minor;
        let date = fact.date;
        match fact.kind.clone() {
            FactKind::Charge { year, due_on } => {
                self.emit(index, Slot::Owed(year), Slot::Outside, amount);
                let position = self.year(year);
                position.charged_minor += amount;
                position.owed_minor += amount;
                position.charged_on.get_or_insert(date);
                position.due_on.get_or_insert(due_on);
                if position.owed_minor > 0 {
                    position.settled_on = None;
                }
                self.first_charge.get_or_insert(date);
                self.settle(index, year, self.credit, Slot::Credit);
            }
            FactKind::Payment {
                designated_year,
                voluntary,
            } => {
                let accountable = self.state_party || self.first_charge.is_some();
                if voluntary || !accountable {
                    let year = designated_year.unwrap_or(date.year());
                    self.emit(index, Slot::Outside, Slot::Voluntary(year), amount);
                    self.voluntary_of.insert(index, year);
                    return;
                }
                let mut left = amount;
                let mut settled = Vec::new();
                let prepayment = designated_year
                    .is_some_and(|year| self.years.get(&year).is_none_or(|y| y.charged_minor <= 0));
                if prepayment {
                    // Named for a year not yet charged: held as a credit, which settles the
                    // charge on its own date.
                    self.emit(index, Slot::Outside, Slot::Credit, left);
                    self.add_credit(left, date);
                    self.settled_by.insert(index, settled);
                    return;
                }
                if let Some(year) = designated_year {
                    let paid = self.settle(index, year, left, Slot::Outside);
                    left -= paid;
                    if paid > 0 {
                        settled.push((year, paid));
                    }
                }
                let owed: Vec<i32> = self
                    .years
                    .iter()
                    .filter(|(_, y)| y.owed_minor > 0)
                    .map(|(year, _)| *year)
                    .collect();
                for year in owed {
                    if left == 0 {
                        break;
                    }
                    let paid = self.settle(index, year, left, Slot::Outside);
                    left -= paid;
                    if paid > 0 {
                        settled.push((year, paid));
                    }
                }
                if left > 0 {
                    self.emit(index, Slot::Outside, Slot::Credit, left);
                    self.add_credit(left, date);
                }
                self.settled_by.insert(index, settled);
            }
            FactKind::Refund => {
                self.emit(index, Slot::Credit, Slot::Outside, amount);
                if amount > self.credit {
                    let held = self.credit;
                    self.violate(
                        index,
                        format!(
                            "the refund of {} is more than the credit held ({})",
                            minor(amount),
                            minor(held)
                        ),
                    );
                }
                self.take_credit(amount);
            }
            FactKind::CreditApplication { year } => {
                let owed = self.years.get(&year).map_or(0, |y| y.owed_minor);
                if amount > self.credit {
                    let held = self.credit;
                    self.violate(
                        index,
                        format!(
                            "applying {} is more than the credit held ({})",
                            minor(amount),
                            minor(held)
                        ),
                    );
                } else if amount > owed {
                    self.violate(
                        index,
                        format!(
                            "applying {} to {year} is more than is owed for it ({})",
                            minor(amount),
                            minor(owed)
                        ),
                    );
                }
                self.emit(index, Slot::Credit, Slot::Owed(year), amount);
                let paid_on = self.take_credit(amount).unwrap_or(date);
                let position = self.year(year);
                position.owed_minor -= amount;
                if position.owed_minor == 0 {
                    position.settled_on = Some(paid_on);
                }
            }
            FactKind::WriteOff { year } => {
                let owed = self.years.get(&year).map_or(0, |y| y.owed_minor);
                if amount > owed {
                    self.violate(
                        index,
                        format!(
                            "writing off {} of {year} is more than is owed for it ({})",
                            minor(amount),
                            minor(owed)
                        ),
                    );
                }
                self.emit(index, Slot::Outside, Slot::Owed(year), amount);
                let position = self.year(year);
                position.owed_minor -= amount;
                position.written_off_minor += amount;
            }
            FactKind::Reversal { of } => self.reverse(index, of),
            FactKind::Booked { legs } => self.book(index, &legs, false),
        }
    }

    /// Applies movements as they were booked (or their mirror).
    fn book(&mut self, index: usize, legs: &[(Slot, Slot, i64)], mirrored: bool) {
        let date = self.facts[index].date;
        for &(debit, credit, amount) in legs {
            let (debit, credit) = if mirrored {
                (credit, debit)
            } else {
                (debit, credit)
            };
            self.emit(index, debit, credit, amount);
            for (slot, net_debit) in [(debit, amount), (credit, -amount)] {
                match slot {
                    Slot::Owed(year) => {
                        let charge = net_debit > 0 && credit == Slot::Outside;
                        let position = self.year(year);
                        if charge {
                            position.charged_minor += net_debit;
                            position.charged_on.get_or_insert(date);
                        }
                        let before = position.owed_minor;
                        position.owed_minor += net_debit;
                        if position.owed_minor <= 0 && before > 0 {
                            position.settled_on = Some(date);
                        } else if position.owed_minor > 0 {
                            position.settled_on = None;
                        }
                        if charge {
                            self.first_charge.get_or_insert(date);
                        }
                    }
                    Slot::Credit if net_debit > 0 => {
                        self.take_credit(net_debit);
                    }
                    Slot::Credit => self.add_credit(-net_debit, date),
                    Slot::Voluntary(_) | Slot::Outside => {}
                }
            }
        }
    }

    fn reverse(&mut self, index: usize, of: usize) {
        let amount = self.facts[of].amount_minor;
        let date = self.facts[index].date;
        match self.facts[of].kind.clone() {
            FactKind::Charge { year, .. } => {
                self.emit(index, Slot::Outside, Slot::Owed(year), amount);
                let position = self.year(year);
                position.charged_minor -= amount;
                position.owed_minor -= amount;
                let excess = -position.owed_minor;
                let paid_on = position.settled_on.unwrap_or(date);
                if excess > 0 {
                    // What was paid for a charge that no longer exists is the party's credit.
                    position.owed_minor = 0;
                    self.emit(index, Slot::Owed(year), Slot::Credit, excess);
                    self.add_credit(excess, paid_on);
                }
            }
            FactKind::Payment { .. } => {
                if let Some(year) = self.voluntary_of.get(&of).copied() {
                    self.emit(index, Slot::Voluntary(year), Slot::Outside, amount);
                    return;
                }
                let mut left = amount;
                let own = self.settled_by.get(&of).cloned().unwrap_or_default();
                for (year, paid) in own.iter().rev() {
                    let back = left.min(*paid).min(self.settled_now(*year)).max(0);
                    self.unsettle(index, *year, back, Slot::Outside);
                    left -= back;
                }
                let from_credit = left.min(self.credit).max(0);
                self.emit(index, Slot::Credit, Slot::Outside, from_credit);
                self.take_credit(from_credit);
                left -= from_credit;
                let years: Vec<i32> = self.years.keys().rev().copied().collect();
                for year in years {
                    if left == 0 {
                        break;
                    }
                    let back = left.min(self.settled_now(year)).max(0);
                    self.unsettle(index, year, back, Slot::Outside);
                    left -= back;
                }
                if left > 0 {
                    self.violate(
                        index,
                        format!(
                            "reversing this payment takes back {} more than the party holds \
                             (its credit was refunded): reverse the refund first",
                            minor(left)
                        ),
                    );
                    self.emit(index, Slot::Credit, Slot::Outside, left);
                    self.take_credit(left);
                }
            }
            FactKind::Refund => {
                self.emit(index, Slot::Outside, Slot::Credit, amount);
                self.add_credit(amount, date);
            }
            FactKind::CreditApplication { year } => {
                self.emit(index, Slot::Owed(year), Slot::Credit, amount);
                self.add_credit(amount, date);
                let position = self.year(year);
                position.owed_minor += amount;
                position.settled_on = None;
            }
            FactKind::WriteOff { year } => {
                self.emit(index, Slot::Owed(year), Slot::Outside, amount);
                let position = self.year(year);
                position.owed_minor += amount;
                position.written_off_minor -= amount;
                if position.owed_minor > 0 {
                    position.settled_on = None;
                }
            }
            FactKind::Reversal { .. } => {
                self.violate(index, "a reversal is not reversed".to_string());
            }
            FactKind::Booked { legs } => self.book(index, &legs, true),
        }
    }
}

/// An amount in the book currency, in a message: the rule works in minor units of the
/// one currency it is given and does not name it.
fn minor(amount: i64) -> String {
    crate::money::format_minor_swiss(amount)
}

/// Where the rule stands for a party before a day: what it owes per year, its credit with
/// the value dates of its money, and its first charge. Enough to go on applying the facts
/// dated from that day on, as long as none of them reverses a fact dated before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opening {
    years: BTreeMap<i32, YearPosition>,
    credit: i64,
    first_charge: Option<NaiveDate>,
    lots: std::collections::VecDeque<(NaiveDate, i64)>,
}

fn start(facts: &[Fact], state_party: bool, opening: Opening) -> State<'_> {
    State {
        facts,
        state_party,
        years: opening.years,
        credit: opening.credit,
        settled_by: BTreeMap::new(),
        voluntary_of: BTreeMap::new(),
        first_charge: opening.first_charge,
        lots: opening.lots,
        out: Replay::default(),
    }
}

/// Where the rule stands after applying the facts dated before `before`: the facts dated
/// from `before` on, replayed from it with [`replay_from`], give the movements [`replay`]
/// gives them over all the facts (the rule applies facts in date order).
pub fn opening_before(facts: &[Fact], state_party: bool, before: NaiveDate) -> Opening {
    let mut state = start(facts, state_party, Opening::default());
    for index in order(facts) {
        if facts[index].date >= before {
            break;
        }
        state.apply(index);
        state.out.movements.clear();
    }
    Opening {
        years: state.years,
        credit: state.credit,
        first_charge: state.first_charge,
        lots: state.lots,
    }
}

/// Applies `facts`, all dated on or after the day of `opening` and reversing none dated
/// before it, from where the rule stood then.
pub fn replay_from(facts: &[Fact], state_party: bool, opening: &Opening) -> Replay {
    replay_with(start(facts, state_party, opening.clone()), None)
}

/// Applies the facts of one party (a State Party when `state_party`) by the rule of this
/// module. Facts dated after `until` are left out.
pub fn replay(facts: &[Fact], state_party: bool, until: Option<NaiveDate>) -> Replay {
    replay_with(start(facts, state_party, Opening::default()), until)
}

fn replay_with(mut state: State<'_>, until: Option<NaiveDate>) -> Replay {
    let facts = state.facts;
    for index in order(facts) {
        if until.is_some_and(|until| facts[index].date > until) {
            continue;
        }
        state.out.order.push(index);
        state.apply(index);
    }
    let mut out = state.out;
    out.years = state.years;
    out.credit_minor = state.credit;
    out
}

/// Transfers that turn the per-slot differences of one day into balanced movements between
/// slots: the debits and credits each taken in slot order, paired greedily.
pub fn pair(differences: &BTreeMap<Slot, i64>) -> Vec<(Slot, Slot, i64)> {
    let mut debits: Vec<(Slot, i64)> = differences
        .iter()
        .filter(|(_, m)| **m > 0)
        .map(|(s, m)| (*s, *m))
        .collect();
    let mut credits: Vec<(Slot, i64)> = differences
        .iter()
        .filter(|(_, m)| **m < 0)
        .map(|(s, m)| (*s, -*m))
        .collect();
    let same_account = |a: Slot, b: Slot| {
        matches!(
            (a, b),
            (Slot::Owed(_), Slot::Owed(_)) | (Slot::Voluntary(_), Slot::Voluntary(_))
        )
    };
    let mut pairs = Vec::new();
    for (debit, mut left) in debits.iter_mut().map(|(s, m)| (*s, *m)) {
        while left > 0 {
            // Another account first; a move between two years of one account passes
            // through the credit, one transfer not being able to have the same account on
            // both legs.
            let Some(c) = credits
                .iter()
                .position(|(s, m)| *m > 0 && !same_account(debit, *s))
                .or_else(|| credits.iter().position(|(_, m)| *m > 0))
            else {
                break;
            };
            let (credit, available) = &mut credits[c];
            let amount = left.min(*available);
            if same_account(debit, *credit) {
                pairs.push((debit, Slot::Credit, amount));
                pairs.push((Slot::Credit, *credit, amount));
            } else {
                pairs.push((debit, *credit, amount));
            }
            *available -= amount;
            left -= amount;
        }
    }
    // One transfer per pair of slots.
    let mut merged: Vec<(Slot, Slot, i64)> = Vec::new();
    for (debit, credit, amount) in pairs {
        match merged
            .iter_mut()
            .find(|(d, c, _)| *d == debit && *c == credit)
        {
            Some(existing) => existing.2 += amount,
            None => merged.push((debit, credit, amount)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, d).unwrap()
    }

    fn charge(date: NaiveDate, year: i32, minor: i64) -> Fact {
        Fact {
            date,
            kind: FactKind::Charge { year, due_on: date },
            amount_minor: minor,
            key: format!("charge {year}"),
        }
    }

    fn payment(date: NaiveDate, year: Option<i32>, minor: i64, key: &str) -> Fact {
        Fact {
            date,
            kind: FactKind::Payment {
                designated_year: year,
                voluntary: false,
            },
            amount_minor: minor,
            key: key.to_string(),
        }
    }

    #[test]
    fn replaying_from_an_opening_gives_what_the_whole_replay_gives_from_that_day() {
        let mut facts = vec![
            charge(day(1, 10), 2024, 5_000),
            payment(day(2, 1), None, 2_000, "a"),
            charge(day(3, 1), 2025, 7_000),
            payment(day(3, 1), Some(2025), 9_000, "b"),
            payment(day(4, 15), None, 6_000, "c"),
            Fact {
                date: day(5, 2),
                kind: FactKind::Refund,
                amount_minor: 500,
                key: "refund".into(),
            },
            charge(day(6, 1), 2026, 4_000),
            payment(day(6, 20), Some(2027), 3_000, "d"),
            payment(day(7, 1), None, 1_000, "e"),
        ];
        facts.push(Fact {
            date: day(7, 5),
            kind: FactKind::Reversal { of: 8 },
            amount_minor: 1_000,
            key: "reversal of e".into(),
        });
        let whole = replay(&facts, true, None);
        for cut in [
            day(1, 1),
            day(2, 1),
            day(3, 1),
            day(4, 16),
            day(6, 1),
            day(6, 21),
            day(7, 1),
        ] {
            let kept: Vec<usize> = (0..facts.len()).filter(|i| facts[*i].date >= cut).collect();
            let tail: Vec<Fact> = kept
                .iter()
                .map(|i| {
                    let mut fact = facts[*i].clone();
                    if let FactKind::Reversal { of } = &mut fact.kind {
                        *of = kept.iter().position(|k| k == of).unwrap();
                    }
                    fact
                })
                .collect();
            let opening = opening_before(&facts, true, cut);
            let from = replay_from(&tail, true, &opening);
            let moves = |r: &Replay, index: &dyn Fn(usize) -> usize| {
                r.movements
                    .iter()
                    .filter(|m| m.date >= cut)
                    .map(|m| (index(m.fact), m.date, m.debit, m.credit, m.amount_minor))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                moves(&from, &|i| kept[i]),
                moves(&whole, &|i| i),
                "cut {cut}"
            );
            assert_eq!(from.years, whole.years, "cut {cut}");
            assert_eq!(from.credit_minor, whole.credit_minor, "cut {cut}");
        }
    }

    #[test]
    fn a_payment_before_its_assessment_settles_it_on_the_assessment_date() {
        let facts = [
            payment(
                NaiveDate::from_ymd_opt(2024, 12, 14).unwrap(),
                Some(2025),
                40_000,
                "NO-ADV",
            ),
            charge(day(1, 10), 2025, 100_000),
        ];
        let replay = replay(&facts, true, None);
        assert_eq!(replay.years[&2025].owed_minor, 60_000);
        assert_eq!(replay.credit_minor, 0);
        let early = super::replay(&facts, true, Some(day(1, 9)));
        assert_eq!(early.credit_minor, 40_000);
    }

    #[test]
    fn payments_apply_by_value_date_whatever_order_they_are_given_in() {
        let a = [
            charge(day(1, 10), 2025, 40_398),
            payment(day(6, 1), None, 40_398, "FR-2"),
            payment(day(2, 1), None, 10_000, "FR-1"),
        ];
        let mut b = a.clone();
        b.swap(1, 2);
        let (ra, rb) = (replay(&a, true, None), replay(&b, true, None));
        assert_eq!(ra.net_by_date(), rb.net_by_date());
        assert_eq!(ra.credit_minor, 10_000);
        let march = replay(&a, true, Some(day(3, 1)));
        assert_eq!(march.years[&2025].owed_minor, 30_398);
        assert_eq!(march.credit_minor, 0);
    }

    #[test]
    fn a_named_year_first_then_the_oldest_then_credit() {
        let facts = [
            charge(day(1, 1), 2024, 300),
            charge(day(1, 2), 2025, 500),
            payment(day(2, 1), Some(2025), 1_000, "P"),
        ];
        let replay = replay(&facts, true, None);
        let paid: Vec<(Slot, i64)> = replay
            .movements_of(2)
            .map(|m| (m.credit, m.amount_minor))
            .collect();
        assert_eq!(
            paid,
            [
                (Slot::Owed(2025), 500),
                (Slot::Owed(2024), 300),
                (Slot::Credit, 200)
            ]
        );
    }

    #[test]
    fn a_reversed_charge_leaves_what_was_paid_as_credit_and_a_new_charge_takes_it() {
        let facts = [
            charge(day(1, 1), 2025, 1_000),
            payment(day(2, 1), None, 400, "P"),
            Fact {
                date: day(3, 1),
                kind: FactKind::Reversal { of: 0 },
                amount_minor: 1_000,
                key: "reversal".into(),
            },
            charge(day(3, 2), 2025, 900),
        ];
        let replay = replay(&facts, true, None);
        assert_eq!(replay.years[&2025].owed_minor, 500);
        assert_eq!(replay.credit_minor, 0);
        assert!(replay.violations.is_empty());
    }

    #[test]
    fn a_reversed_payment_is_owed_again_and_its_spent_credit_withdrawn() {
        let facts = [
            charge(day(1, 1), 2025, 1_000),
            payment(day(2, 1), None, 1_500, "P"),
            charge(day(3, 1), 2026, 800),
            Fact {
                date: day(4, 1),
                kind: FactKind::Reversal { of: 1 },
                amount_minor: 1_500,
                key: "reversal".into(),
            },
        ];
        let replay = replay(&facts, true, None);
        assert_eq!(replay.years[&2025].owed_minor, 1_000);
        assert_eq!(replay.years[&2026].owed_minor, 800);
        assert_eq!(replay.credit_minor, 0);
    }

    #[test]
    fn refunds_and_write_offs_beyond_what_there_is_are_violations() {
        let facts = [
            charge(day(1, 1), 2025, 1_000),
            Fact {
                date: day(2, 1),
                kind: FactKind::Refund,
                amount_minor: 1,
                key: "r".into(),
            },
            Fact {
                date: day(2, 1),
                kind: FactKind::WriteOff { year: 2025 },
                amount_minor: 1_001,
                key: "w".into(),
            },
        ];
        let replay = replay(&facts, true, None);
        assert_eq!(replay.violations.len(), 2);
    }

    #[test]
    fn an_organisation_without_a_charge_gives_voluntarily() {
        let facts = [payment(day(2, 1), None, 700, "P")];
        let replay = replay(&facts, false, None);
        assert_eq!(replay.movements[0].credit, Slot::Voluntary(2025));
        let replay = super::replay(&facts, true, None);
        assert_eq!(replay.movements[0].credit, Slot::Credit);
    }

    #[test]
    fn a_move_between_years_passes_through_the_credit() {
        let differences: BTreeMap<Slot, i64> =
            [(Slot::Owed(2025), 70), (Slot::Owed(2024), -70)].into();
        assert_eq!(
            pair(&differences),
            [
                (Slot::Owed(2025), Slot::Credit, 70),
                (Slot::Credit, Slot::Owed(2024), 70)
            ]
        );
    }

    #[test]
    fn pairing_balances_each_day() {
        let differences: BTreeMap<Slot, i64> = [
            (Slot::Owed(2025), 100),
            (Slot::Credit, -60),
            (Slot::Owed(2024), -40),
        ]
        .into();
        assert_eq!(
            pair(&differences),
            [
                (Slot::Owed(2025), Slot::Credit, 100),
                (Slot::Credit, Slot::Owed(2024), 40)
            ]
        );
    }
}
