//! Property tests of costs, rates and funds: any mix of CHF and USD contributions, costs and
//! transfers between funds, at random rates (recorded or given), leaves each currency
//! balanced after the conversions, every fund's balance equal to the sum of its entries'
//! bank legs, the budget report's total equal to the expense accounts of the costs against
//! the ISU budget, and, unless a deficit was allowed, every fund at or above zero at every
//! date. Refused operations write nothing.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use isu_ledger::app::contributions::record_contribution;
use isu_ledger::app::costs::{far_future, record_cost, CostFields};
use isu_ledger::domain::budget::{parse_line, Budget};
use isu_ledger::domain::contribution::Contribution;
use isu_ledger::domain::fund::transfer_entries;
use isu_ledger::domain::party::{Party, PartyInput};
use isu_ledger::domain::rate::ExchangeRate;
use isu_ledger::ledger::{FundCode, NewEntry};
use isu_ledger::money::{Currency, Money, Rate};
use isu_ledger::store::{Actor, JournalFilter, Store};

const FUNDS: [&str; 3] = ["isu", "ccm-fund", "meetings"];
const CATEGORIES: [&str; 4] = ["staff", "travel", "translation", "office"];

#[derive(Debug, Clone)]
enum Op {
    Contribution {
        usd: bool,
        minor: i64,
        day: u64,
        rate: Option<u32>,
    },
    Cost {
        usd: bool,
        minor: i64,
        day: u64,
        rate: Option<u32>,
        category: usize,
        fund: usize,
        allow_deficit: bool,
    },
    Transfer {
        usd: bool,
        minor: i64,
        day: u64,
        from: usize,
        to: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let rate = proptest::option::of(1u32..30_000);
    prop_oneof![
        (any::<bool>(), 1i64..5_000_000, 0u64..365, rate.clone()).prop_map(
            |(usd, minor, day, rate)| Op::Contribution {
                usd,
                minor,
                day,
                rate
            }
        ),
        (
            any::<bool>(),
            1i64..2_000_000,
            0u64..365,
            rate,
            0usize..CATEGORIES.len(),
            0usize..FUNDS.len(),
            proptest::bool::weighted(0.2)
        )
            .prop_map(
                |(usd, minor, day, rate, category, fund, allow_deficit)| Op::Cost {
                    usd,
                    minor,
                    day,
                    rate,
                    category,
                    fund,
                    allow_deficit
                }
            ),
        (
            any::<bool>(),
            1i64..1_000_000,
            0u64..365,
            0usize..FUNDS.len(),
            0usize..FUNDS.len()
        )
            .prop_map(|(usd, minor, day, from, to)| Op::Transfer {
                usd,
                minor,
                day,
                from,
                to
            }),
    ]
}

fn actor() -> Actor {
    Actor {
        user: "property".into(),
        at: "2017-01-01T00:00:00Z".into(),
    }
}

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 1, 1).unwrap() + Days::new(offset)
}

/// A rate with four decimals: 0.0001 to 3.0000 CHF per USD.
fn rate(ten_thousandths: u32) -> Rate {
    format!(
        "{}.{:04}",
        ten_thousandths / 10_000,
        ten_thousandths % 10_000
    )
    .parse()
    .unwrap()
}

fn ledger(rates: &[(u64, u32)]) -> Store {
    let mut store = Store::in_memory().unwrap();
    let tx = store.begin(actor()).unwrap();
    tx.insert_party(
        &Party::new(PartyInput {
            code: "DEU".into(),
            ..PartyInput::default()
        })
        .unwrap(),
    )
    .unwrap();
    let lines = [
        "staff=700000",
        "travel=200000",
        "communication=50000",
        "office=50000",
    ]
    .iter()
    .map(|l| parse_line(l, Currency::CHF).unwrap())
    .collect();
    let budget = Budget::new(
        2017,
        Money::from_minor(100_000_000, Currency::CHF),
        None,
        NaiveDate::from_ymd_opt(2016, 9, 7).unwrap(),
        lines,
    )
    .unwrap();
    tx.insert_budget(&budget).unwrap();
    for (offset, r) in rates {
        let exchange =
            ExchangeRate::new(Currency::USD, rate(*r), day(*offset), Currency::CHF).unwrap();
        if tx
            .rate_on(Currency::USD, exchange.effective_on)
            .unwrap()
            .is_none()
        {
            tx.insert_rate(&exchange).unwrap();
        }
    }
    tx.commit().unwrap();
    store
}

/// Applies one operation in its own transaction; a refused one is rolled back. Returns
/// whether it was recorded.
fn apply(store: &mut Store, op: &Op) -> bool {
    let tx = store.begin(actor()).unwrap();
    let currency = |usd: bool| if usd { Currency::USD } else { Currency::CHF };
    let done = match op {
        Op::Contribution {
            usd,
            minor,
            day: offset,
            rate: r,
        } => {
            let currency = currency(*usd);
            let date = day(*offset);
            let rate = match (usd, r) {
                (false, _) => None,
                (true, Some(r)) => Some(rate(*r)),
                (true, None) => tx
                    .rate_in_force(Currency::USD, date)
                    .unwrap()
                    .map(|e| e.rate),
            };
            let contribution = Contribution {
                party: "DEU".parse().unwrap(),
                amount: Money::from_minor(*minor, currency),
                rate,
                date,
                budget_year: Some(2017),
                fund: FundCode::isu(),
                reference: None,
                voluntary: false,
            };
            record_contribution(&tx, &contribution).is_ok()
        }
        Op::Cost {
            usd,
            minor,
            day: offset,
            rate: r,
            category,
            fund,
            allow_deficit,
        } => {
            let amount = Money::from_minor(*minor, Currency::CHF).plain();
            let rate_text = r.map(|r| rate(r).to_string());
            let fields = CostFields {
                category: CATEGORIES[*category],
                amount: &amount,
                line: None,
                currency: Some(if *usd { "USD" } else { "CHF" }),
                rate: if *usd { rate_text.as_deref() } else { None },
                date: day(*offset),
                year: None,
                fund: Some(FUNDS[*fund]),
                reference: None,
                memo: None,
            };
            record_cost(&tx, &fields, *allow_deficit).is_ok()
        }
        Op::Transfer {
            usd,
            minor,
            day: offset,
            from,
            to,
        } => {
            let from: FundCode = FUNDS[*from].parse().unwrap();
            let to: FundCode = FUNDS[*to].parse().unwrap();
            let amount = Money::from_minor(*minor, currency(*usd));
            // As `fund transfer` does: the fund the money leaves must cover it at every date
            // from the transfer's on.
            let (_, low) = tx
                .fund_low_point(&from, amount.currency(), day(*offset))
                .unwrap();
            match transfer_entries(&from, &to, amount, day(*offset), 2017, "property", None) {
                Ok(entries) if low.minor() >= amount.minor() => entries
                    .iter()
                    .all(|entry: &NewEntry| tx.record_entry(entry).is_ok()),
                _ => false,
            }
        }
    };
    if done {
        tx.commit().unwrap();
    }
    done
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn each_currency_balances_and_funds_and_budget_report_reconcile(
        rates in proptest::collection::vec((0u64..365, 1u32..30_000), 0..4),
        ops in proptest::collection::vec(op(), 1..30),
    ) {
        let mut store = ledger(&rates);
        let mut deficit_allowed = std::collections::BTreeSet::new();
        for op in &ops {
            if apply(&mut store, op) {
                if let Op::Cost { allow_deficit: true, fund, .. } = op {
                    deficit_allowed.insert(FUNDS[*fund].to_string());
                }
            }
        }
        // A fund no cost was allowed to overdraw is not below zero on any day something
        // happened (balances change only on those days).
        {
            let days: std::collections::BTreeSet<u64> = ops
                .iter()
                .map(|op| match op {
                    Op::Contribution { day, .. } | Op::Cost { day, .. } | Op::Transfer { day, .. } => *day,
                })
                .collect();
            for offset in days {
                let balances = store.fund_balances(day(offset)).unwrap();
                for row in balances.iter().filter(|r| !deficit_allowed.contains(r.fund.as_str())) {
                    prop_assert!(
                        row.balance.minor() >= 0,
                        "fund {} holds {} on {}", row.fund, row.balance, day(offset)
                    );
                }
            }
        }
        // Each currency balances after the conversions.
        let mut per_currency: BTreeMap<Currency, i64> = BTreeMap::new();
        for row in store.trial_balance(far_future(), None).unwrap() {
            *per_currency.entry(row.currency).or_default() += row.debit_minor - row.credit_minor;
        }
        for (currency, net) in &per_currency {
            prop_assert_eq!(*net, 0, "{} does not balance", currency);
        }
        let summary = store.verify("equity:conversion").unwrap();
        prop_assert!(summary.findings.is_empty(), "{:?}", summary.findings);

        // Fund balances equal the sum of their entries' bank legs; the budget report's total
        // equals the expense accounts of the costs against the ISU budget.
        let entries = store.journal(&JournalFilter::default()).unwrap();
        let mut bank: BTreeMap<(String, Currency), i64> = BTreeMap::new();
        let mut isu_expenses = 0;
        for entry in &entries {
            let recorded = &entry.recorded;
            for transfer in &recorded.transfers {
                let key = (recorded.fund.to_string(), transfer.amount.currency());
                if transfer.debit.is_under("assets:bank") {
                    *bank.entry(key.clone()).or_default() += transfer.amount.minor();
                }
                if transfer.credit.is_under("assets:bank") {
                    *bank.entry(key).or_default() -= transfer.amount.minor();
                }
                if recorded.fund == FundCode::isu() && transfer.debit.is_under("expenses") {
                    isu_expenses += transfer.amount.minor();
                }
            }
        }
        for row in store.fund_balances(far_future()).unwrap() {
            let key = (row.fund.to_string(), row.balance.currency());
            prop_assert_eq!(row.balance.minor(), bank.get(&key).copied().unwrap_or(0), "{:?}", key);
        }
        let spent: i64 = store
            .spent(2017, far_future())
            .unwrap()
            .iter()
            .map(|row| row.spent_book.minor())
            .sum();
        prop_assert_eq!(spent, isu_expenses);
    }
}
