//! The running balances (`account_total`, `account_balance` and `account_running`) that
//! every transfer adds to, written through at once, or, for a bulk import, summed in memory
//! and written in key order when the transaction commits.
//!
//! `account_running` holds, per key and date, the sums of every day up to that date: a
//! posting adds to its date's row (made from the row before it when new) and to every later
//! row of its key. Postings mostly come in date order, so the later rows are few or none.
//!
//! A bulk import changes the same few total rows again and again; summing in memory turns
//! two B-tree upserts per posting into one hash-map update, and writing the sums in key
//! order keeps the B-tree pages hot. Memory stays bounded: the sums are written out
//! whenever either map holds `PENDING_ROWS_MAX` keys. Anything in the transaction that reads
//! the balances must call `flush_running_balances` first.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, OptionalExtension};

use super::{StoreError, Tx};
use crate::ledger::NewEntry;
use crate::money::Currency;

/// Keys summed in memory before they are written out, per table: about 6 MiB each.
const PENDING_ROWS_MAX: usize = 65_536;

/// An `account_total` row: budget year, account, fund, party, currency (by interned id).
type TotalKey = (i32, i64, u32, u32, Currency);
/// An `account_balance` row: the same and the day posted (days from the common era).
type DailyKey = (i32, i64, i32, u32, u32, Currency);

/// Debit and credit sums waiting to be written.
#[derive(Default)]
pub(super) struct PendingBalances {
    /// Whether sums are held in memory (a bulk import) or written at once.
    buffered: bool,
    /// Per total row: the debit and credit waiting, and the debit and credit stored when
    /// the row was first met, so that every addition is checked against the whole sum.
    totals: HashMap<TotalKey, (i64, i64, i64, i64)>,
    daily: HashMap<DailyKey, (i64, i64)>,
    /// Funds and parties by interned id, so that keys are plain numbers.
    names: Vec<String>,
    name_ids: HashMap<String, u32>,
    /// The ids interned last, looked at first.
    recent: [u32; 4],
    /// Years found open during a bulk import, which closes none.
    open_years: HashSet<i32>,
}

impl PendingBalances {
    fn intern(&mut self, name: &str) -> u32 {
        // Consecutive postings mostly name the same fund and party.
        for &id in &self.recent {
            if self
                .names
                .get(id as usize)
                .is_some_and(|known| known == name)
            {
                return id;
            }
        }
        let id = self.intern_new(name);
        self.recent.rotate_right(1);
        self.recent[0] = id;
        id
    }

    fn intern_new(&mut self, name: &str) -> u32 {
        if let Some(id) = self.name_ids.get(name) {
            return *id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer than 2^32 funds and parties");
        self.names.push(name.to_string());
        self.name_ids.insert(name.to_string(), id);
        id
    }
}

/// One posting's change to the running balances.
pub(super) struct Posting<'a> {
    pub budget_year: i32,
    pub account_id: i64,
    pub posted_on: NaiveDate,
    pub fund: &'a str,
    /// "" when the entry names no party.
    pub party: &'a str,
    pub currency: Currency,
    pub debit_minor: i64,
    pub credit_minor: i64,
}

const UPSERT_DAILY: &str = "INSERT INTO account_balance (budget_year, account_id, posted_on,
                                     fund, party, currency, debit_minor, credit_minor)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (budget_year, account_id, posted_on, fund, party, currency)
     DO UPDATE SET debit_minor = debit_minor + excluded.debit_minor,
                   credit_minor = credit_minor + excluded.credit_minor";

const UPSERT_TOTAL: &str = "INSERT INTO account_total (budget_year, account_id, fund, party,
                                   currency, debit_minor, credit_minor)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT (budget_year, account_id, fund, party, currency)
     DO UPDATE SET debit_minor = debit_minor + excluded.debit_minor,
                   credit_minor = credit_minor + excluded.credit_minor";

/// Makes the `account_running` row of a key and date when there is none, from the sums of
/// the latest date before it.
const INSERT_RUNNING: &str = "INSERT INTO account_running (budget_year, account_id, fund, party,
                                     currency, posted_on, debit_minor, credit_minor)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, coalesce(max(d), 0), coalesce(max(c), 0)
     FROM (SELECT debit_minor AS d, credit_minor AS c FROM account_running
           WHERE budget_year = ?1 AND account_id = ?2 AND fund = ?3 AND party = ?4
             AND currency = ?5 AND posted_on < ?6
           ORDER BY posted_on DESC LIMIT 1)
     WHERE true
     ON CONFLICT (budget_year, account_id, fund, party, currency, posted_on) DO NOTHING";

/// Adds a day's debit and credit to the `account_running` rows of its key from that day on.
const ADD_RUNNING: &str = "UPDATE account_running
     SET debit_minor = debit_minor + ?7, credit_minor = credit_minor + ?8
     WHERE budget_year = ?1 AND account_id = ?2 AND fund = ?3 AND party = ?4 AND currency = ?5
       AND posted_on >= ?6";

/// The latest `account_running` row of a key: its date and sums.
const LAST_RUNNING: &str = "SELECT posted_on, debit_minor, credit_minor FROM account_running
     WHERE budget_year = ?1 AND account_id = ?2 AND fund = ?3 AND party = ?4 AND currency = ?5
     ORDER BY posted_on DESC LIMIT 1";

/// The sums of a key on the latest date before a day.
const RUNNING_BEFORE: &str = "SELECT debit_minor, credit_minor FROM account_running
     WHERE budget_year = ?1 AND account_id = ?2 AND fund = ?3 AND party = ?4 AND currency = ?5
       AND posted_on < ?6
     ORDER BY posted_on DESC LIMIT 1";

/// The `account_running` rows of a key from a day on, by date.
const RUNNING_FROM: &str = "SELECT posted_on, debit_minor, credit_minor FROM account_running
     WHERE budget_year = ?1 AND account_id = ?2 AND fund = ?3 AND party = ?4 AND currency = ?5
       AND posted_on >= ?6
     ORDER BY posted_on";

/// Sets the sums of one `account_running` row.
const SET_RUNNING: &str = "UPDATE account_running SET debit_minor = ?7, credit_minor = ?8
     WHERE budget_year = ?1 AND account_id = ?2 AND fund = ?3 AND party = ?4 AND currency = ?5
       AND posted_on = ?6";

/// Appends an `account_running` row after the latest of its key.
const APPEND_RUNNING: &str = "INSERT INTO account_running (budget_year, account_id, fund, party,
                                     currency, posted_on, debit_minor, credit_minor)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

impl Tx<'_> {
    /// Holds the running balances in memory until `commit` (or a flush) from now on: for
    /// a bulk import, whose transaction reads no balances while it writes.
    pub fn buffer_running_balances(&self) -> Result<(), StoreError> {
        self.pending.borrow_mut().buffered = true;
        Ok(())
    }

    /// A larger page cache (16 MiB instead of SQLite's 2 MiB) for the index updates of a
    /// bulk import of rows in date order. (32 MiB was slower, and took the import to the
    /// memory limit.)
    pub fn enlarge_page_cache(&self) -> Result<(), StoreError> {
        // Negative: in KiB.
        self.tx.pragma_update(None, "cache_size", -16_384)?;
        Ok(())
    }

    /// Refuses an entry dated in, or counting against, a closed year. In a bulk import,
    /// which closes no year, a year found open is not asked about again.
    pub(super) fn check_years_open(&self, entry: &NewEntry) -> Result<(), StoreError> {
        if !self.pending.borrow().buffered {
            return self.check_year_open(entry);
        }
        let years = || {
            [entry.budget_year, entry.date.year()].into_iter().chain(
                entry
                    .transfers
                    .iter()
                    .map(|t| t.year_within(entry.budget_year)),
            )
        };
        if years().all(|year| self.pending.borrow().open_years.contains(&year)) {
            return Ok(());
        }
        self.check_year_open(entry)?;
        self.pending.borrow_mut().open_years.extend(years());
        Ok(())
    }

    /// Adds one posting to the running balances.
    pub(super) fn add_to_running_balances(&self, posting: &Posting<'_>) -> Result<(), StoreError> {
        let mut pending = self.pending.borrow_mut();
        if !pending.buffered {
            drop(pending);
            return self.write_posting(posting);
        }
        let fund = pending.intern(posting.fund);
        let party = pending.intern(posting.party);
        let (year, account, currency) = (posting.budget_year, posting.account_id, posting.currency);
        let day = posting.posted_on.num_days_from_ce();
        let key = (year, account, fund, party, currency);
        let total = match pending.totals.entry(key) {
            std::collections::hash_map::Entry::Occupied(total) => total.into_mut(),
            std::collections::hash_map::Entry::Vacant(vacant) => {
                let (debit, credit) = self.stored_total(posting)?;
                vacant.insert((0, 0, debit, credit))
            }
        };
        // The debits and credits of a day are part of its year's, so a total that fits
        // means its daily rows fit too.
        let debit = total.0.checked_add(posting.debit_minor);
        let credit = total.1.checked_add(posting.credit_minor);
        let fits = |pending: Option<i64>, stored: i64| {
            pending.filter(|sum| sum.checked_add(stored).is_some())
        };
        let (Some(debit), Some(credit)) = (fits(debit, total.2), fits(credit, total.3)) else {
            drop(pending);
            return Err(self.overflow(posting));
        };
        (total.0, total.1) = (debit, credit);
        let daily = pending
            .daily
            .entry((year, account, day, fund, party, currency))
            .or_default();
        daily.0 += posting.debit_minor;
        daily.1 += posting.credit_minor;
        let full =
            pending.totals.len() >= PENDING_ROWS_MAX || pending.daily.len() >= PENDING_ROWS_MAX;
        drop(pending);
        if full {
            self.flush_running_balances()?;
        }
        Ok(())
    }

    /// The debit and credit stored for the total row of `posting`.
    fn stored_total(&self, posting: &Posting<'_>) -> Result<(i64, i64), StoreError> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT debit_minor, credit_minor FROM account_total
                 WHERE budget_year = ?1 AND account_id = ?2 AND fund = ?3 AND party = ?4
                   AND currency = ?5",
            )?
            .query_row(
                params![
                    posting.budget_year,
                    posting.account_id,
                    posting.fund,
                    posting.party,
                    posting.currency.as_str()
                ],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, 0)))
    }

    /// The error of a posting that would take a running total beyond 64 bits.
    fn overflow(&self, posting: &Posting<'_>) -> StoreError {
        let account = self
            .tx
            .query_row(
                "SELECT name FROM account WHERE id = ?1",
                [posting.account_id],
                |row| row.get::<_, String>(0),
            )
            .unwrap_or_else(|_| format!("account {}", posting.account_id));
        StoreError::BalanceOverflow {
            account,
            currency: posting.currency,
            budget_year: posting.budget_year,
        }
    }

    fn write_posting(&self, posting: &Posting<'_>) -> Result<(), StoreError> {
        // SQLite turns an integer sum beyond 64 bits into a real number, which the STRICT
        // integer column refuses: that refusal is the overflow of the running total.
        let overflowed = |error: rusqlite::Error| match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation)
                if error.to_string().contains("cannot store REAL") =>
            {
                self.overflow(posting)
            }
            _ => error.into(),
        };
        self.write_posting_rows(posting).map_err(overflowed)
    }

    fn write_posting_rows(&self, posting: &Posting<'_>) -> Result<(), rusqlite::Error> {
        self.tx.prepare_cached(UPSERT_DAILY)?.execute(params![
            posting.budget_year,
            posting.account_id,
            posting.posted_on.to_string(),
            posting.fund,
            posting.party,
            posting.currency.as_str(),
            posting.debit_minor,
            posting.credit_minor
        ])?;
        self.tx.prepare_cached(UPSERT_TOTAL)?.execute(params![
            posting.budget_year,
            posting.account_id,
            posting.fund,
            posting.party,
            posting.currency.as_str(),
            posting.debit_minor,
            posting.credit_minor
        ])?;
        self.add_running(
            (
                posting.budget_year,
                posting.account_id,
                posting.fund,
                posting.party,
                posting.currency,
            ),
            &posting.posted_on.to_string(),
            (posting.debit_minor, posting.credit_minor),
        )
    }

    /// Adds one day's debit and credit of a key to `account_running`, wherever the day
    /// falls among the key's dates.
    fn add_running(
        &self,
        (year, account, fund, party, currency): (i32, i64, &str, &str, Currency),
        posted_on: &str,
        (debit, credit): (i64, i64),
    ) -> Result<(), rusqlite::Error> {
        let key = params![year, account, fund, party, currency.as_str(), posted_on];
        self.tx.prepare_cached(INSERT_RUNNING)?.execute(key)?;
        self.tx.prepare_cached(ADD_RUNNING)?.execute(params![
            year,
            account,
            fund,
            party,
            currency.as_str(),
            posted_on,
            debit,
            credit
        ])?;
        Ok(())
    }

    /// Writes the days of one key to `account_running`, in date order: appended after the
    /// key's latest row when they all come after it (a bulk import in date order, which
    /// reads no other row), merged with the key's rows from the first of them on otherwise,
    /// each row written once however many of the days come before it.
    fn flush_running_key(
        &self,
        key: (i32, i64, &str, &str, Currency),
        days: &[(String, i64, i64)],
    ) -> Result<(), rusqlite::Error> {
        let Some((first, ..)) = days.first() else {
            return Ok(());
        };
        let (year, account, fund, party, currency) = key;
        let last: Option<(String, i64, i64)> = self
            .tx
            .prepare_cached(LAST_RUNNING)?
            .query_row(
                params![year, account, fund, party, currency.as_str()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        // The sums before the first day, and the key's rows from it on: none when the days
        // all come after its latest row.
        let (before, stored) = match last {
            Some((last_day, ..)) if last_day >= *first => {
                let from = params![year, account, fund, party, currency.as_str(), first];
                let before = self
                    .tx
                    .prepare_cached(RUNNING_BEFORE)?
                    .query_row(from, |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()?
                    .unwrap_or((0, 0));
                let stored = self
                    .tx
                    .prepare_cached(RUNNING_FROM)?
                    .query_map(from, |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                    .collect::<Result<_, _>>()?;
                (before, stored)
            }
            Some((_, debit, credit)) => ((debit, credit), Vec::new()),
            None => ((0, 0), Vec::new()),
        };
        self.merge_running_key(key, days, before, &stored)
    }

    /// Adds `days` (in date order) to the key's `account_running` rows `stored` (from the
    /// first day on; `before` holds the sums of the latest row before it): each stored row
    /// gets what the days up to its date add, and a day with no row gets one made from the
    /// row before it.
    fn merge_running_key(
        &self,
        (year, account, fund, party, currency): (i32, i64, &str, &str, Currency),
        days: &[(String, i64, i64)],
        before: (i64, i64),
        stored: &[(String, i64, i64)],
    ) -> Result<(), rusqlite::Error> {
        let mut update = self.tx.prepare_cached(SET_RUNNING)?;
        let mut append = self.tx.prepare_cached(APPEND_RUNNING)?;
        // What the days merged so far add, and the stored sums of the latest row passed.
        let (mut added_debit, mut added_credit) = (0i64, 0i64);
        let mut stored_before = before;
        let mut new_days = days.iter().peekable();
        let mut rows = stored.iter().peekable();
        loop {
            let next_day = new_days.peek().map(|(day, ..)| day);
            let next_row = rows.peek().map(|(day, ..)| day);
            let (day, added, row) = match (next_day, next_row) {
                (None, None) => break,
                (Some(d), Some(r)) if d == r => (d, new_days.next(), rows.next()),
                (Some(d), Some(r)) if d < r => (d, new_days.next(), None),
                (Some(d), None) => (d, new_days.next(), None),
                (_, Some(r)) => (r, None, rows.next()),
            };
            if let Some((_, debit, credit)) = added {
                // The key's total fitted, so its running sums fit too.
                added_debit += debit;
                added_credit += credit;
            }
            let (stored_debit, stored_credit) = match row {
                Some((_, debit, credit)) => {
                    stored_before = (*debit, *credit);
                    (*debit, *credit)
                }
                None => stored_before,
            };
            let sums = params![
                year,
                account,
                fund,
                party,
                currency.as_str(),
                day,
                stored_debit + added_debit,
                stored_credit + added_credit
            ];
            if row.is_some() {
                if added_debit != 0 || added_credit != 0 {
                    update.execute(sums)?;
                }
            } else {
                append.execute(sums)?;
            }
        }
        Ok(())
    }

    /// Writes the sums held in memory, in key order.
    pub fn flush_running_balances(&self) -> Result<(), StoreError> {
        let mut pending = self.pending.borrow_mut();
        if pending.totals.is_empty() && pending.daily.is_empty() {
            return Ok(());
        }
        let mut totals: Vec<(TotalKey, (i64, i64))> = pending
            .totals
            .drain()
            .map(|(key, (debit, credit, _, _))| (key, (debit, credit)))
            .collect();
        let mut daily: Vec<(DailyKey, (i64, i64))> = pending.daily.drain().collect();
        // The tables' primary-key order, so that each B-tree page is visited once.
        let name = |id: u32| pending.names[id as usize].as_str();
        totals.sort_unstable_by(|(a, _), (b, _)| {
            (a.0, a.1, name(a.2), name(a.3), a.4).cmp(&(b.0, b.1, name(b.2), name(b.3), b.4))
        });
        daily.sort_unstable_by(|(a, _), (b, _)| {
            (a.0, a.1, a.2, name(a.3), name(a.4), a.5).cmp(&(
                b.0,
                b.1,
                b.2,
                name(b.3),
                name(b.4),
                b.5,
            ))
        });
        let mut upsert = self.tx.prepare_cached(UPSERT_TOTAL)?;
        for ((year, account, fund, party, currency), (debit, credit)) in totals {
            upsert.execute(params![
                year,
                account,
                name(fund),
                name(party),
                currency.as_str(),
                debit,
                credit
            ])?;
        }
        let day_text = |day: i32| {
            NaiveDate::from_num_days_from_ce_opt(day)
                .expect("a day taken from a date")
                .to_string()
        };
        let mut upsert = self.tx.prepare_cached(UPSERT_DAILY)?;
        for &((year, account, day, fund, party, currency), (debit, credit)) in &daily {
            upsert.execute(params![
                year,
                account,
                day_text(day),
                name(fund),
                name(party),
                currency.as_str(),
                debit,
                credit
            ])?;
        }
        // `account_running` in its own key order: each key's days together, by date.
        daily.sort_unstable_by(|(a, _), (b, _)| {
            (a.0, a.1, name(a.3), name(a.4), a.5, a.2).cmp(&(
                b.0,
                b.1,
                name(b.3),
                name(b.4),
                b.5,
                b.2,
            ))
        });
        let mut start = 0;
        while start < daily.len() {
            let ((year, account, _, fund, party, currency), _) = daily[start];
            let same_key = |(k, _): &(DailyKey, (i64, i64))| {
                (k.0, k.1, k.3, k.4, k.5) == (year, account, fund, party, currency)
            };
            let end = start
                + daily[start..]
                    .iter()
                    .position(|row| !same_key(row))
                    .unwrap_or(daily.len() - start);
            let days: Vec<(String, i64, i64)> = daily[start..end]
                .iter()
                .map(|&((_, _, day, ..), (debit, credit))| (day_text(day), debit, credit))
                .collect();
            self.flush_running_key((year, account, name(fund), name(party), currency), &days)?;
            start = end;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{EntryKind, FundCode, NewEntry, Transfer};
    use crate::money::Money;
    use crate::store::{Actor, Store};

    fn entry(day: u32, year: i32, minor: i64, currency: Currency) -> NewEntry {
        NewEntry {
            date: NaiveDate::from_ymd_opt(2017, 3, day).unwrap(),
            description: "Generated".into(),
            kind: EntryKind::General,
            budget_year: year,
            fund: FundCode::isu(),
            party: None,
            reference: Some(format!("R-{day}-{year}-{minor}-{currency}")),
            reverses: None,
            rate: None,
            transfers: vec![
                Transfer::new(
                    "assets:bank:chf".parse().unwrap(),
                    "income:x".parse().unwrap(),
                    Money::from_minor(minor, currency),
                ),
                Transfer::new(
                    "expenses:y".parse().unwrap(),
                    "assets:bank:chf".parse().unwrap(),
                    Money::from_minor(minor / 2 + 1, currency),
                )
                .for_year(year - 1),
            ],
        }
    }

    fn ledger(buffered: bool) -> Store {
        let mut store = Store::in_memory().unwrap();
        let actor = Actor::test("2017-03-01T00:00:00Z");
        let tx = store.begin(actor).unwrap();
        if buffered {
            tx.buffer_running_balances().unwrap();
        }
        for day in 1..=28 {
            for (year, currency) in [(2017, Currency::CHF), (2018, Currency::USD)] {
                tx.record_entry(&entry(day, year, 100 + i64::from(day), currency))
                    .unwrap();
                tx.record_entry(&entry(day, year, 7, currency)).unwrap();
            }
        }
        // Recording the same reference again is still a no-op while sums are pending.
        assert!(matches!(
            tx.record_entry(&entry(1, 2017, 7, Currency::CHF)).unwrap(),
            crate::store::Recorded::AlreadyRecorded(_)
        ));
        tx.commit().unwrap();
        store
    }

    /// One generated fact: an entry `day` days into 2017, for `year`, moving `minor` in
    /// `currency` from the bank to one of two income accounts and, when `split`, part of it
    /// on to an expense account counting against the year before; reversed `reversed_after`
    /// days after its date when that is given.
    #[derive(Debug, Clone)]
    struct Fact {
        day: u32,
        year: i32,
        minor: i64,
        usd: bool,
        income: bool,
        split: bool,
        reversed_after: Option<u32>,
    }

    fn fact() -> impl proptest::strategy::Strategy<Value = Fact> {
        use proptest::prelude::*;
        (
            0u32..40,
            2016i32..=2018,
            1i64..100_000,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(0u32..20),
        )
            .prop_map(
                |(day, year, minor, usd, income, split, reversed_after)| Fact {
                    day,
                    year,
                    minor,
                    usd,
                    income,
                    split,
                    reversed_after,
                },
            )
    }

    fn day_of(offset: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, 1, 1).unwrap() + chrono::Days::new(offset.into())
    }

    fn new_entry(index: usize, fact: &Fact) -> NewEntry {
        let currency = if fact.usd {
            Currency::USD
        } else {
            Currency::CHF
        };
        let income = if fact.income { "income:x" } else { "income:y" };
        let mut transfers = vec![Transfer::new(
            "assets:bank:chf".parse().unwrap(),
            income.parse().unwrap(),
            Money::from_minor(fact.minor, currency),
        )];
        if fact.split {
            transfers.push(
                Transfer::new(
                    "expenses:y".parse().unwrap(),
                    "assets:bank:chf".parse().unwrap(),
                    Money::from_minor(fact.minor / 2 + 1, currency),
                )
                .for_year(fact.year - 1),
            );
        }
        NewEntry {
            date: day_of(fact.day),
            description: "Generated".into(),
            kind: EntryKind::General,
            budget_year: fact.year,
            fund: FundCode::isu(),
            party: None,
            reference: Some(format!("P-{index}")),
            reverses: None,
            rate: None,
            transfers,
        }
    }

    /// Per key (year, account, currency) and date, the debits and credits of the transfers
    /// dated on or before it, summed here from the facts, independently of the store.
    fn expected_sums(
        facts: &[Fact],
        until: NaiveDate,
    ) -> std::collections::BTreeMap<(i32, String, String), (i64, i64)> {
        let mut sums = std::collections::BTreeMap::new();
        let mut add = |year: i32, account: &str, currency: Currency, debit: i64, credit: i64| {
            let sum: &mut (i64, i64) = sums
                .entry((year, account.to_string(), currency.as_str().to_string()))
                .or_default();
            sum.0 += debit;
            sum.1 += credit;
        };
        for fact in facts {
            let entry = new_entry(0, fact);
            let mut dated = vec![(entry.date, false)];
            if let Some(after) = fact.reversed_after {
                dated.push((day_of(fact.day + after), true));
            }
            for (date, mirrored) in dated {
                if date > until {
                    continue;
                }
                for transfer in &entry.transfers {
                    let year = transfer.year_within(entry.budget_year);
                    let (debit, credit) = if mirrored {
                        (&transfer.credit, &transfer.debit)
                    } else {
                        (&transfer.debit, &transfer.credit)
                    };
                    let (minor, currency) = (transfer.amount.minor(), transfer.amount.currency());
                    add(year, debit.as_str(), currency, minor, 0);
                    add(year, credit.as_str(), currency, 0, minor);
                }
            }
        }
        sums
    }

    /// The sums `account_running` holds on `until`, per key.
    fn stored_sums(
        store: &Store,
        until: NaiveDate,
    ) -> std::collections::BTreeMap<(i32, String, String), (i64, i64)> {
        let mut statement = store
            .conn
            .prepare(
                "SELECT k.budget_year, a.name, k.currency, sum(r.debit_minor), sum(r.credit_minor)
                 FROM account_total k JOIN account a ON a.id = k.account_id
                 JOIN account_running r ON r.budget_year = k.budget_year
                  AND r.account_id = k.account_id AND r.fund = k.fund AND r.party = k.party
                  AND r.currency = k.currency
                  AND r.posted_on = (SELECT max(m.posted_on) FROM account_running m
                                     WHERE m.budget_year = k.budget_year
                                       AND m.account_id = k.account_id AND m.fund = k.fund
                                       AND m.party = k.party AND m.currency = k.currency
                                       AND m.posted_on <= ?1)
                 GROUP BY k.budget_year, a.name, k.currency",
            )
            .unwrap();
        let rows = statement
            .query_map([until.to_string()], |row| {
                Ok((
                    (row.get(0)?, row.get(1)?, row.get(2)?),
                    (row.get(3)?, row.get(4)?),
                ))
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(48))]

        /// Whatever the order the entries are recorded in, in one bulk import or one by one,
        /// with reversals recorded after their originals and dated on or after them, the
        /// running sums on every date are the transfers dated up to it, and verify agrees.
        #[test]
        fn running_sums_on_a_date_are_the_transfers_up_to_it(
            facts in proptest::collection::vec(fact(), 1..24),
            order in proptest::sample::subsequence((0..24).collect::<Vec<usize>>(), 0..24),
            buffered in proptest::prelude::any::<bool>(),
            reversals_buffered in proptest::prelude::any::<bool>(),
        ) {
            // The order of recording: the chosen indices first, then the rest, each once.
            let mut sequence: Vec<usize> = order.into_iter().filter(|&i| i < facts.len()).rev().collect();
            let rest: Vec<usize> = (0..facts.len()).filter(|i| !sequence.contains(i)).collect();
            sequence.extend(rest);
            let mut store = Store::in_memory().unwrap();
            let actor = Actor::test("2017-03-01T00:00:00Z");
            let tx = store.begin(actor.clone()).unwrap();
            if buffered {
                tx.buffer_running_balances().unwrap();
            }
            let mut ids = vec![None; facts.len()];
            for &index in &sequence {
                match tx.record_entry(&new_entry(index, &facts[index])).unwrap() {
                    crate::store::Recorded::New(id) => ids[index] = Some(id),
                    other => panic!("{other:?}"),
                }
            }
            tx.commit().unwrap();
            let tx = store.begin(actor).unwrap();
            if reversals_buffered {
                tx.buffer_running_balances().unwrap();
            }
            for &index in sequence.iter().rev() {
                let Some(after) = facts[index].reversed_after else { continue };
                let original = tx.entry(ids[index].unwrap()).unwrap().unwrap();
                let reversal = crate::domain::reversal::reversal_of(
                    &original,
                    "Generated",
                    day_of(facts[index].day + after),
                )
                .unwrap();
                tx.record_entry(&reversal).unwrap();
            }
            tx.commit().unwrap();
            for offset in [0, 1, 5, 13, 20, 39, 45, 70] {
                let until = day_of(offset);
                let expected: std::collections::BTreeMap<_, _> = expected_sums(&facts, until)
                    .into_iter()
                    .filter(|(_, sums)| *sums != (0, 0))
                    .collect();
                let stored: std::collections::BTreeMap<_, _> = stored_sums(&store, until)
                    .into_iter()
                    .filter(|(_, sums)| *sums != (0, 0))
                    .collect();
                proptest::prop_assert_eq!(stored, expected, "on {}", until);
            }
            let summary = store.verify("equity:conversion").unwrap();
            proptest::prop_assert!(summary.findings.is_empty(), "{:?}", summary.findings);
        }
    }

    #[test]
    fn buffered_running_balances_equal_those_written_at_once() {
        let direct = ledger(false);
        let buffered = ledger(true);
        let until = NaiveDate::from_ymd_opt(2017, 3, 14).unwrap();
        for year in [None, Some(2016), Some(2017), Some(2018)] {
            assert_eq!(
                buffered.trial_balance(until, year).unwrap(),
                direct.trial_balance(until, year).unwrap(),
                "{year:?}"
            );
        }
        let summary = buffered.verify("equity:conversion").unwrap();
        assert!(summary.findings.is_empty(), "{:?}", summary.findings);
        assert!(summary.balance_rows > 0);
    }
}
