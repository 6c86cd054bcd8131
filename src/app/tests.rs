//! The use-case rules of `Books`, on an in-memory ledger.

use std::io::Cursor;

use chrono::NaiveDate;

use super::credits::{Corrected, Correction};
use super::funds::FundTransfer;
use super::rates::{RateCorrection, RateSet};
use super::reversal::ReversalDate;
use super::{Actor, Books};
use crate::app::assessments::{reversal_reason, PledgeOrder};
use crate::app::contributions::ContributionFields;
use crate::app::csv_in::CsvInput;
use crate::app::import::{IMPORT_COLUMNS_OPTIONAL, IMPORT_COLUMNS_REQUIRED};
use crate::domain::budget::Budget;
use crate::domain::fund::{Fund, FundError};
use crate::domain::meeting::{Document, Meeting, MeetingCode};
use crate::domain::party::{Party, PartyInput};
use crate::domain::rate::{ExchangeRate, RateError};
use crate::ledger::{AccountName, PartyCode};
use crate::money::{Currency, Money};
use crate::render::export::ExportFormat;
use crate::store::{DocumentChange, Store};

fn actor() -> Actor {
    Actor::test("2017-06-30T12:00:00Z")
}

fn date(text: &str) -> NaiveDate {
    crate::domain::parse_date(text).unwrap()
}

fn chf(text: &str) -> Money {
    Money::parse(text, Currency::CHF).unwrap()
}

fn books() -> Books {
    Books::from_store(Store::in_memory().unwrap())
}

/// A State Party in force since 2010.
fn add_state(books: &mut Books, code: &str) -> PartyCode {
    let party = Party::new(PartyInput {
        code: code.into(),
        name: None,
        kind: Some("state-party".into()),
        deposited_on: Some(date("2009-07-01")),
        in_force_on: Some(date("2010-01-01")),
        address: None,
        email: None,
        language: None,
    })
    .unwrap();
    books.add_party(actor(), &party).unwrap();
    party.code
}

fn contribute(books: &mut Books, party: &str, amount: &str, currency: &str, on: &str) {
    let contribution = ContributionFields {
        party,
        amount,
        currency: Some(currency),
        rate: None,
        date: date(on),
        year: None,
        reference: Some(&format!("{party}-{on}")),
        fund: None,
        voluntary: false,
    }
    .parse(Currency::CHF)
    .unwrap();
    books.record_contribution(actor(), contribution).unwrap();
}

fn not_covered(error: &anyhow::Error) -> bool {
    matches!(
        error.downcast_ref::<FundError>(),
        Some(FundError::NotCovered { .. })
    )
}

#[test]
fn a_refund_is_held_to_the_funds_balance() {
    let mut books = books();
    let deu = add_state(&mut books, "DEU");
    // Nothing is assessed: the payment is a credit held for Germany, in the isu fund.
    contribute(&mut books, "DEU", "1000", "CHF", "2017-03-01");
    books
        .add_fund(
            actor(),
            &Fund::new("reserve", "Reserve", Currency::CHF).unwrap(),
        )
        .unwrap();
    let transfer = FundTransfer {
        from: "isu".parse().unwrap(),
        to: "reserve".parse().unwrap(),
        amount: "900",
        currency: None,
        date: date("2017-03-02"),
        year: None,
        reason: "to the reserve",
        reference: None,
    };
    books.transfer_between_funds(actor(), &transfer).unwrap();
    // Germany holds 1'000 of credit, but the isu fund holds 100 only.
    let refund = |amount: &str| {
        Correction::refund(
            deu.clone(),
            chf(amount),
            date("2017-03-10"),
            Some("REFUND-1".into()),
            "overpaid",
        )
        .unwrap()
    };
    let refused = books
        .record_correction(actor(), refund("500"))
        .err()
        .expect("a refund beyond the fund's balance is refused");
    assert!(not_covered(&refused), "{refused:#}");
    match books.record_correction(actor(), refund("100")).unwrap() {
        Corrected::Recorded { amount, .. } => assert_eq!(amount, chf("100")),
        Corrected::AlreadyRecorded(id) => panic!("recorded already as {id}"),
    }
    assert!(matches!(
        books.record_correction(actor(), refund("100")).unwrap(),
        Corrected::AlreadyRecorded(_)
    ));
}

#[test]
fn a_refund_needs_a_reason_and_a_write_off_a_decision() {
    let party: PartyCode = "DEU".parse().unwrap();
    let on = date("2017-03-10");
    assert!(Correction::refund(party.clone(), chf("1"), on, None, "  ").is_err());
    assert!(Correction::write_off(party, chf("1"), 2016, on, "").is_err());
    assert!(super::credits::positive_amount("0", Currency::CHF).is_err());
    assert!(super::credits::positive_amount("-5", Currency::CHF).is_err());
}

#[test]
fn a_transfer_between_funds_is_held_to_the_balance_it_leaves() {
    let mut books = books();
    add_state(&mut books, "DEU");
    contribute(&mut books, "DEU", "1000", "CHF", "2017-03-01");
    books
        .add_fund(
            actor(),
            &Fund::new("reserve", "Reserve", Currency::CHF).unwrap(),
        )
        .unwrap();
    let transfer = |amount| FundTransfer {
        from: "isu".parse().unwrap(),
        to: "reserve".parse().unwrap(),
        amount,
        currency: None,
        date: date("2017-03-02"),
        year: None,
        reason: "to the reserve",
        reference: None,
    };
    let refused = books
        .transfer_between_funds(actor(), &transfer("1000.01"))
        .err()
        .expect("more than the fund holds is refused");
    assert!(not_covered(&refused), "{refused:#}");
    let done = books
        .transfer_between_funds(actor(), &transfer("1000"))
        .unwrap();
    assert_eq!(done.entries.len(), 2);
    assert!(books
        .add_fund(
            actor(),
            &Fund::new("reserve", "Again", Currency::CHF).unwrap()
        )
        .is_err());
}

#[test]
fn a_meeting_is_assessed_once_among_the_participants_with_a_rate() {
    let mut books = books();
    add_state(&mut books, "DEU");
    add_state(&mut books, "FRA");
    // The Cook Islands are not a UN Member: no rate on the UN scale.
    add_state(&mut books, "COK");
    let meeting = Meeting::new(
        "7MSP",
        "Seventh Meeting of States Parties",
        date("2017-09-04"),
        Money::parse("1000", Currency::USD).unwrap(),
        None,
    )
    .unwrap();
    books
        .add_meeting(actor(), &meeting, &Default::default())
        .unwrap();
    let again = books
        .add_meeting(actor(), &meeting, &Default::default())
        .unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");
    let code: MeetingCode = "7MSP".parse().unwrap();
    let on = date("2017-06-01");
    let done = books
        .assess_meeting(actor(), &code, "un-2016-2018", "all-parties", on)
        .unwrap();
    assert_eq!(done.participants, 2);
    assert_eq!(done.billed, 2);
    assert_eq!(done.without_rate, vec!["COK".to_string()]);
    let twice = books
        .assess_meeting(actor(), &code, "un-2016-2018", "all-parties", on)
        .err()
        .expect("a meeting is assessed once");
    assert!(twice.to_string().contains("already assessed"), "{twice}");
    let balances = books.meeting_balances("7MSP").unwrap();
    assert_eq!(
        serde_json::to_value(&balances).unwrap()["rows"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn a_document_is_added_once_and_updated_only_when_there() {
    let mut books = books();
    let meeting = Meeting::new(
        "7MSP",
        "Seventh Meeting of States Parties",
        date("2017-09-04"),
        Money::parse("1000", Currency::USD).unwrap(),
        None,
    )
    .unwrap();
    books
        .add_meeting(actor(), &meeting, &Default::default())
        .unwrap();
    let code = meeting.code;
    let document = Document::new("CCM/MSP/2017/1", "Agenda", 4, None, None, None).unwrap();
    books
        .add_document(actor(), &code, &document, Some(date("2017-06-28")))
        .unwrap();
    assert!(books.add_document(actor(), &code, &document, None).is_err());
    let change = DocumentChange {
        pages_actual: Some(6),
        ..DocumentChange::default()
    };
    let missing = books
        .update_document(actor(), &code, "CCM/MSP/2017/2", &change)
        .unwrap_err();
    assert!(missing.to_string().contains("has no document"), "{missing}");
    let (updated, due_on) = books
        .update_document(actor(), &code, "CCM/MSP/2017/1", &change)
        .unwrap();
    assert_eq!(updated.pages_expected(), 6);
    assert_eq!(due_on, Some(date("2017-06-28")), "the due date stays");
    let later = DocumentChange {
        due_on: Some(date("2017-07-03")),
        ..DocumentChange::default()
    };
    let (updated, due_on) = books
        .update_document(actor(), &code, "CCM/MSP/2017/1", &later)
        .unwrap();
    assert_eq!(
        updated.pages_expected(),
        6,
        "a due date alone changes no page"
    );
    assert_eq!(due_on, Some(date("2017-07-03")));
}

/// A rate of the US dollar in francs, from 1 June 2017.
fn rate(text: &str) -> ExchangeRate {
    ExchangeRate::new(
        Currency::USD,
        text.parse().unwrap(),
        date("2017-06-01"),
        Currency::CHF,
    )
    .unwrap()
}

#[test]
fn a_rate_recorded_again_writes_nothing_and_another_for_its_date_is_refused() {
    let mut books = books();
    assert_eq!(
        books.set_rate(actor(), &rate("0.97"), false).unwrap(),
        RateSet::Recorded
    );
    assert_eq!(
        books.set_rate(actor(), &rate("0.97"), false).unwrap(),
        RateSet::AlreadyRecorded
    );
    let other = books.set_rate(actor(), &rate("0.98"), false).unwrap_err();
    assert!(
        matches!(other.downcast_ref(), Some(RateError::RateExists { .. })),
        "{other:#}"
    );
}

#[test]
fn a_corrected_rate_lists_the_entries_booked_at_the_wrong_one() {
    let mut books = books();
    add_state(&mut books, "USA");
    books.set_rate(actor(), &rate("0.97"), false).unwrap();
    contribute(&mut books, "USA", "100", "USD", "2017-06-05");
    match books.correct_rate(actor(), &rate("0.98"), "typo").unwrap() {
        RateCorrection::Corrected { wrong, booked, .. } => {
            assert_eq!(wrong, "0.97".parse().unwrap());
            assert_eq!(booked.len(), 1);
        }
        RateCorrection::Unchanged => panic!("the rate was corrected"),
    }
    assert!(matches!(
        books.correct_rate(actor(), &rate("0.98"), "again").unwrap(),
        RateCorrection::Unchanged
    ));
    let elsewhere = ExchangeRate::new(
        Currency::USD,
        "1".parse().unwrap(),
        date("2017-07-01"),
        Currency::CHF,
    )
    .unwrap();
    assert!(books.correct_rate(actor(), &elsewhere, "none").is_err());
}

#[test]
fn a_budget_version_withdrawn_leaves_the_latest_standing() {
    let mut books = books();
    for (total, approved_on) in [("459000", "2016-09-07"), ("460000", "2016-12-01")] {
        let budget = Budget::new(2017, chf(total), None, date(approved_on), Vec::new()).unwrap();
        books.set_budget(actor(), &budget).unwrap();
    }
    let earlier = Budget::new(2017, chf("1"), None, date("2016-01-01"), Vec::new()).unwrap();
    assert!(books.set_budget(actor(), &earlier).is_err());
    let done = books
        .withdraw_budget(actor(), 2017, 2, "wrong total")
        .unwrap();
    assert_eq!(done.withdrawn.version, 2);
    assert_eq!(done.standing.map(|v| v.version), Some(1));
    assert!(books.withdraw_budget(actor(), 2017, 2, "again").is_err());
    let shown = books.budget_show(2017, date("2017-06-30")).unwrap();
    assert_eq!(serde_json::to_value(&shown).unwrap()["version"], 1);
}

#[test]
fn a_reversal_takes_the_originals_date_while_its_year_is_open() {
    let mut books = books();
    add_state(&mut books, "DEU");
    contribute(&mut books, "DEU", "1000", "CHF", "2017-03-01");
    let id = books
        .journal_page(
            &crate::app::journal::JournalQuery::until(date("2017-12-31")),
            crate::app::Page {
                offset: 0,
                limit: None,
            },
        )
        .unwrap()
        .entries
        .last()
        .map(|e| e.id)
        .unwrap();
    let done = books
        .reverse_entry(actor(), id, "keyed twice", None, date("2017-06-30"), false)
        .unwrap();
    assert_eq!(
        (done.date, done.why),
        (date("2017-03-01"), ReversalDate::Original)
    );
}

#[test]
fn an_assessment_is_reversed_only_when_there_is_one_and_with_a_reason() {
    let mut books = books();
    assert!(reversal_reason(None).is_err());
    assert!(reversal_reason(Some(" ")).is_err());
    let none = books
        .reverse_assessment(actor(), 2017, "wrong scale", date("2017-01-05"))
        .unwrap_err();
    assert!(
        none.to_string().contains("no assessment to reverse"),
        "{none}"
    );
}

#[test]
fn a_pledge_is_of_a_known_party_and_falls_due_on_or_after_its_date() {
    let mut books = books();
    let order = |party: &str, due| PledgeOrder {
        party: party.parse().unwrap(),
        amount: chf("5000"),
        year: 2017,
        date: date("2017-02-01"),
        due,
        reference: None,
    };
    assert!(books.record_pledge(actor(), order("NOR", None)).is_err());
    add_state(&mut books, "NOR");
    assert!(books
        .record_pledge(actor(), order("NOR", Some("2017-01-31")))
        .is_err());
    let done = books.record_pledge(actor(), order("NOR", None)).unwrap();
    assert!(matches!(done.recorded, super::Recorded::New(_)));
}

#[test]
fn the_generic_import_posts_only_to_accounts_open() {
    let mut books = books();
    let text = "date,description,debit,credit,amount,ref\n\
                2017-02-01,Interest,assets:bank:chf,income:interest,12.50,INT-1\n";
    let csv = || {
        CsvInput::from_reader(
            "interest.csv".into(),
            Cursor::new(text.as_bytes()),
            &IMPORT_COLUMNS_REQUIRED,
            &IMPORT_COLUMNS_OPTIONAL,
        )
        .unwrap()
    };
    assert!(books.import_entries(actor(), &mut csv(), |_| ()).is_err());
    for name in ["assets:bank:chf", "income:interest"] {
        let name: AccountName = name.parse().unwrap();
        books.declare_account(actor(), &name).unwrap();
    }
    let summary = books.import_entries(actor(), &mut csv(), |_| ()).unwrap();
    assert_eq!((summary.rows, summary.entries_recorded), (1, 1));
    let again = books.import_entries(actor(), &mut csv(), |_| ()).unwrap();
    assert_eq!(again.entries_already_recorded, 1);
    let exported = books.export(ExportFormat::Csv, None, Vec::new()).unwrap();
    assert!(String::from_utf8(exported).unwrap().contains("INT-1"));
}

#[test]
fn party_changes_apply_by_their_date_whatever_order_they_were_recorded_in() {
    use crate::domain::party::PartyUpdate;
    let update = |address: &str| PartyUpdate {
        address: Some(address.into()),
        ..PartyUpdate::default()
    };
    let mut typed_in_order = books();
    let mut typed_backwards = books();
    for books in [&mut typed_in_order, &mut typed_backwards] {
        add_state(books, "DEU");
    }
    let deu: PartyCode = "DEU".parse().unwrap();
    typed_in_order
        .update_party(actor(), &deu, update("Road A"), date("2017-03-01"))
        .unwrap();
    typed_in_order
        .update_party(actor(), &deu, update("Road B"), date("2017-09-01"))
        .unwrap();
    typed_backwards
        .update_party(actor(), &deu, update("Road B"), date("2017-09-01"))
        .unwrap();
    typed_backwards
        .update_party(actor(), &deu, update("Road A"), date("2017-03-01"))
        .unwrap();
    for books in [&typed_in_order, &typed_backwards] {
        let on = |day: &str| books.store.party_on(&deu, date(day)).unwrap().unwrap();
        assert_eq!(on("2017-02-28").address, None);
        assert_eq!(on("2017-03-01").address.as_deref(), Some("Road A"));
        assert_eq!(on("2017-09-01").address.as_deref(), Some("Road B"));
        assert_eq!(
            books.store.party(&deu).unwrap().unwrap().address.as_deref(),
            Some("Road B")
        );
        assert_eq!(books.party_history(Some(&deu)).unwrap().changes.len(), 2);
    }
    // An unknown party, or nothing to change, is refused and nothing is written.
    let unknown: PartyCode = "FRA".parse().unwrap();
    assert!(typed_in_order
        .update_party(actor(), &unknown, update("x"), date("2017-01-01"))
        .is_err());
    assert!(typed_in_order
        .update_party(actor(), &deu, PartyUpdate::default(), date("2017-01-01"))
        .is_err());
    assert_eq!(typed_in_order.party_history(None).unwrap().changes.len(), 2);
    // A change is told against the record of its own date: the address a later change
    // gives is new on an earlier day.
    typed_in_order
        .update_party(actor(), &deu, update("Road B"), date("2017-01-01"))
        .unwrap();
    let on = |day: &str| {
        typed_in_order
            .store
            .party_on(&deu, date(day))
            .unwrap()
            .unwrap()
            .address
    };
    assert_eq!(on("2017-01-01").as_deref(), Some("Road B"));
    assert_eq!(on("2017-03-01").as_deref(), Some("Road A"));
}

#[test]
fn the_committee_report_shows_what_each_command_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (books, _) =
        super::demo::build(&dir.path().join("demo.sqlite"), actor(), Currency::CHF).unwrap();
    let everyone = || crate::reports::outstanding::Selection {
        min: None,
        top: None,
    };
    for (year, as_of) in [
        (2017, "2017-06-30"),
        (2017, "2017-12-31"),
        (2017, "2018-03-01"),
        (2018, "2018-06-30"),
        (2016, "2017-06-30"),
    ] {
        let as_of = date(as_of);
        let report = books.committee_report(year, as_of).unwrap();
        assert_eq!(
            report.status,
            books.status_compared(year, as_of, None).unwrap(),
            "{year} {as_of}"
        );
        assert_eq!(
            report.outstanding,
            books.outstanding(year, as_of, everyone()).unwrap(),
            "{year} {as_of}"
        );
        assert_eq!(
            report.honour_roll,
            books.honour_roll(year, as_of, None).unwrap(),
            "{year} {as_of}"
        );
        assert_eq!(
            report.budget,
            books.budget_report(year, as_of).unwrap(),
            "{year} {as_of}"
        );
        assert_eq!(
            report.transparency,
            books
                .transparency_status(super::transparency_round(as_of), as_of)
                .unwrap(),
            "{year} {as_of}"
        );
        assert_eq!(
            report.timeline,
            books
                .timeline(as_of, crate::domain::timeline::DAYS_DEFAULT)
                .unwrap(),
            "{year} {as_of}"
        );
        assert_eq!(report.timeline.as_of, as_of);
        assert_eq!((report.timeline.until - as_of).num_days(), 30);
    }
    // On 27 June 2017 the section shows the minutes' 44 reports.
    let report = books.committee_report(2017, date("2017-06-27")).unwrap();
    assert_eq!(
        (report.transparency.year, report.transparency.submitted),
        (2016, 44)
    );
    // On the day of the minutes the time-line holds the 2017 contributions still owed, the
    // two documents not yet submitted and the tasks of the 7MSP planned from the pattern.
    let report = books.committee_report(2017, date("2017-06-27")).unwrap();
    let items: Vec<(String, &str, i64)> = report
        .timeline
        .items
        .iter()
        .filter(|i| i.kind.label() != "report")
        .map(|i| (i.due_on.to_string(), i.kind.label(), i.days))
        .collect();
    assert_eq!(
        items,
        [
            ("2016-12-31".to_string(), "contribution", 178),
            ("2017-06-28".to_string(), "document", 1),
            ("2017-06-29".to_string(), "task", 2),
            ("2017-06-30".to_string(), "task", 3),
            ("2017-07-03".to_string(), "document", 6),
        ]
    );
    // The Article 7 round of 2016 on the time-line is the transparency section's missing.
    let round = report
        .timeline
        .items
        .iter()
        .find(|i| i.kind.label() == "report" && i.key == "2016")
        .unwrap();
    assert_eq!(
        (round.due_on.to_string(), round.days),
        ("2017-04-30".into(), 58)
    );
    assert_eq!(
        round.what,
        format!(
            "{} States Parties: Article 7 annual update for 2016 not yet submitted",
            report.transparency.missing.len()
        )
    );
    let html = crate::render::html::committee_page(&report, &Default::default()).unwrap();
    assert!(html.contains("<section id=\"timeline\">"), "{html}");
    assert!(html.contains("Annotated programme of work"));
}
