//! The journal read from SQLite a page at a time, against the same filters applied in Rust
//! to the whole journal, over generated ledgers: every filter selects the same entries in
//! the same order, and pages of any size cover the selection once.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use isu_ledger::domain::party::{Party, PartyInput};
use isu_ledger::ledger::{Entry, EntryKind, NewEntry, Transfer};
use isu_ledger::money::{Currency, Money};
use isu_ledger::store::{Actor, JournalFilter, Page, Store};

const PARTIES: [&str; 3] = ["DEU", "FRA", "NOR"];
const ACCOUNTS: [&str; 6] = [
    "assets:bank:chf",
    "assets:bank:usd",
    "assets:banking",
    "income:contributions:DEU",
    "expenses:staff",
    "expenses:travel",
];
/// Names and prefixes a filter may give; every one names or holds an account above.
const PREFIXES: [&str; 7] = [
    "assets",
    "assets:bank",
    "assets:bank:chf",
    "assets:banking",
    "expenses",
    "expenses:staff",
    "income:contributions",
];
const KINDS: [EntryKind; 4] = [
    EntryKind::Contribution,
    EntryKind::Cost,
    EntryKind::General,
    EntryKind::FundOpening,
];
const REFERENCE_TAGS: [&str; 3] = ["UBS", "CS", "PF"];

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 1, 1).unwrap() + Days::new(offset)
}

/// One generated entry: its day, kind, party, budget year, reference and the accounts of
/// its transfers.
#[derive(Debug, Clone)]
struct Generated {
    day: u64,
    kind: usize,
    party: Option<usize>,
    year: i32,
    reference: Option<usize>,
    legs: Vec<(usize, usize)>,
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        0u64..40,
        0..KINDS.len(),
        proptest::option::of(0..PARTIES.len()),
        2016i32..=2018,
        proptest::option::of(0..REFERENCE_TAGS.len()),
        proptest::collection::vec((0..ACCOUNTS.len(), 1..ACCOUNTS.len()), 1..3),
    )
        .prop_map(|(day, kind, party, year, reference, legs)| Generated {
            day,
            kind,
            party,
            year,
            reference,
            legs,
        })
}

fn filter() -> impl Strategy<Value = JournalFilter> {
    (
        proptest::option::of(0..PARTIES.len()),
        proptest::option::of(2016i32..=2018),
        proptest::option::of(0u64..40),
        proptest::option::of(0u64..40),
        proptest::option::of(0..PREFIXES.len()),
        proptest::option::of(0..KINDS.len()),
        proptest::option::of(prop_oneof![
            Just("UBS".to_string()),
            Just("-1".to_string()),
            Just("S-".to_string()),
            Just("PF-2".to_string()),
        ]),
    )
        .prop_map(
            |(party, budget_year, from, until, account, kind, reference)| JournalFilter {
                party: party.map(|p| PARTIES[p].parse().unwrap()),
                budget_year,
                from: from.map(day),
                until: until.map(day),
                account: account.map(|a| PREFIXES[a].to_string()),
                kind: kind.map(|k| KINDS[k]),
                reference,
            },
        )
}

fn ledger(entries: &[Generated]) -> Store {
    let mut store = Store::in_memory().expect("an in-memory ledger");
    let tx = store
        .begin(Actor {
            user: "test".into(),
            at: "2017-01-01T00:00:00Z".into(),
        })
        .unwrap();
    for code in PARTIES {
        let party = Party::new(PartyInput {
            code: code.into(),
            ..PartyInput::default()
        })
        .unwrap();
        tx.insert_party(&party).unwrap();
    }
    for (index, entry) in entries.iter().enumerate() {
        let transfers = entry
            .legs
            .iter()
            .enumerate()
            .map(|(leg, &(debit, shift))| {
                let credit = (debit + shift) % ACCOUNTS.len();
                Transfer::new(
                    ACCOUNTS[debit].parse().unwrap(),
                    ACCOUNTS[credit].parse().unwrap(),
                    Money::from_minor(100 + leg as i64, Currency::CHF),
                )
            })
            .collect();
        tx.record_entry(&NewEntry {
            date: day(entry.day),
            description: format!("Entry {index}"),
            kind: KINDS[entry.kind],
            budget_year: entry.year,
            fund: "isu".parse().unwrap(),
            party: entry.party.map(|p| PARTIES[p].parse().unwrap()),
            reference: entry
                .reference
                .map(|tag| format!("{}-{index}", REFERENCE_TAGS[tag])),
            reverses: None,
            rate: None,
            transfers,
        })
        .unwrap();
    }
    tx.commit().unwrap();
    store
}

fn under(name: &str, prefix: &str) -> bool {
    name == prefix
        || name
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(':'))
}

/// The filter, applied in Rust.
fn keeps(filter: &JournalFilter, entry: &Entry) -> bool {
    let recorded = &entry.recorded;
    filter
        .party
        .as_ref()
        .is_none_or(|p| recorded.party.as_ref() == Some(p))
        && filter.budget_year.is_none_or(|y| recorded.budget_year == y)
        && filter.from.is_none_or(|from| recorded.date >= from)
        && filter.until.is_none_or(|until| recorded.date <= until)
        && filter.kind.is_none_or(|kind| recorded.kind == kind)
        && filter.reference.as_deref().is_none_or(|text| {
            recorded
                .reference
                .as_deref()
                .is_some_and(|reference| reference.contains(text))
        })
        && filter.account.as_deref().is_none_or(|account| {
            recorded
                .transfers
                .iter()
                .any(|t| under(t.debit.as_str(), account) || under(t.credit.as_str(), account))
        })
}

fn page_of(store: &Store, filter: &JournalFilter, page: Page) -> Vec<Entry> {
    let mut entries = Vec::new();
    store
        .for_each_journal_entry(filter, page, |entry| {
            entries.push(entry);
            Ok::<(), isu_ledger::store::StoreError>(())
        })
        .unwrap();
    entries
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn filters_and_pages_select_what_rust_selects_over_the_whole_journal(
        entries in proptest::collection::vec(generated(), 0..40),
        filters in proptest::collection::vec(filter(), 1..6),
        sizes in proptest::collection::vec(1u64..12, 1..3),
    ) {
        let store = ledger(&entries);
        let whole = store.journal(&JournalFilter::default()).unwrap();
        prop_assert_eq!(whole.len(), entries.len());
        let mut sorted: Vec<_> = whole.iter().map(|e| (e.recorded.date, e.id)).collect();
        sorted.sort();
        prop_assert_eq!(
            sorted,
            whole.iter().map(|e| (e.recorded.date, e.id)).collect::<Vec<_>>(),
            "by date, then by id"
        );
        for filter in &filters {
            let expected: Vec<&Entry> = whole.iter().filter(|e| keeps(filter, e)).collect();
            let selected = store.journal(filter).unwrap();
            prop_assert_eq!(selected.iter().collect::<Vec<_>>(), expected.clone(), "{:?}", filter);
            prop_assert_eq!(store.journal_count(filter).unwrap(), expected.len() as u64);
            for &size in &sizes {
                let mut paged = Vec::new();
                let mut offset = 0;
                loop {
                    let page = page_of(&store, filter, Page { offset, limit: Some(size) });
                    prop_assert!(page.len() as u64 <= size);
                    if page.is_empty() {
                        break;
                    }
                    offset += page.len() as u64;
                    paged.extend(page);
                }
                prop_assert_eq!(paged.iter().collect::<Vec<_>>(), expected.clone(), "pages of {}", size);
            }
        }
    }
}
