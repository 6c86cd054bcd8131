//! The letters to write: reminders of contributions outstanding, acknowledgements of a
//! payment, statements of account and reminders of a meeting's balance. Each letter is to a
//! party as its record stood on the letter's date, from the books' identity (the settings),
//! numbered by the settings' pattern, and rendered as HTML and text. Recording letters as
//! sent keeps their reference numbers and raises the level of the next reminder.

use std::collections::BTreeMap;

use anyhow::bail;
use chrono::{Datelike, NaiveDate};

use super::collection::outstanding_of;
use super::Books;
use crate::domain::countries;
use crate::domain::party::{Language, Party};
use crate::domain::position::{FactKind, Slot};
use crate::domain::reminder::level_on;
use crate::domain::settings::{format_reference, iban_grouped, Identity};
use crate::ledger::PartyCode;
use crate::money::{format_minor_swiss, Money};
use crate::render::letters::{
    day_of_year, labels, letter_date, place_date, with_preposition, words, years_list,
    LetterContext, LetterKind, LetterLine, LetterTable, LetterTemplates, PaymentInstructions,
    Recipient, Rendered, Sender,
};
use crate::reports::correspondence::{LetterSentLine, LettersSent};
use crate::reports::outstanding::Selection;
use crate::reports::statement::statement;
use crate::store::{Actor, LetterRecord, StoreError};

/// One letter, ready to write.
#[derive(Debug, Clone)]
pub struct Letter {
    pub kind: LetterKind,
    /// The file name without its extension: `2017-DEU` (a reminder), `receipt-2017-02-01-DEU`,
    /// `statement-2017-06-30-DEU`, `meeting-7MSP-DEU`.
    pub file_stem: String,
    pub rendered: Rendered,
    /// The party as its record stood on the letter's date.
    pub party: Party,
    pub formal_name: String,
    pub subject: String,
    pub reference: String,
    /// The budget year of a reminder; the year of the letter's topic otherwise.
    pub year: i32,
    /// The reminder level; 0 for other kinds.
    pub level: u32,
    /// What tells letters of a kind, party and year apart (see `letter_sent.topic`).
    pub topic: String,
    /// Owed for the year, for earlier years, and what the letter asks for in all.
    pub outstanding: Money,
    pub arrears: Money,
    pub total: Money,
}

/// The UN formal name of a party in its letter language, else its name.
pub fn formal_name(party: &Party) -> String {
    let country = countries::find(party.code.as_str());
    let formal = country.map(|c| match party.language {
        Language::En => c.formal_en.clone(),
        Language::Fr => c.formal_fr.clone(),
        Language::Es => c.formal_es.clone(),
    });
    formal
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| party.name.clone())
}

/// The UN short name of a party in its letter language, else its name.
pub fn short_name(party: &Party) -> String {
    countries::find(party.code.as_str())
        .map(|c| match party.language {
            Language::En => c.name_en.clone(),
            Language::Fr => c.name_fr.clone(),
            Language::Es => c.name_es.clone(),
        })
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| party.name.clone())
}

/// A letter before its reference number is known.
struct Draft {
    kind: LetterKind,
    file_stem: String,
    party: Party,
    year: i32,
    level: u32,
    topic: String,
    outstanding: Money,
    arrears: Money,
    total: Money,
    context: LetterContext,
}

fn swiss(money: Money) -> String {
    format!("{} {}", money.currency(), format_minor_swiss(money.minor()))
}

/// The mission's address, one line each: as recorded, headed by the mission's name when the
/// address does not begin with it; the mission and the unit's place when none is recorded.
fn recipient_lines(party: &Party, formal_of: &str, place: &str) -> Vec<String> {
    let mission = format!("{} {formal_of}", labels(party.language).mission);
    let mut lines = party.address_lines();
    let names_mission = lines.first().is_some_and(|first| {
        let first = first.to_lowercase();
        [
            "mission",
            "misión",
            "embassy",
            "ambassade",
            "embajada",
            "delegation",
            "délégation",
            "delegación",
        ]
        .iter()
        .any(|word| first.contains(word))
    });
    if lines.is_empty() {
        lines = vec![mission];
        if !place.is_empty() {
            lines.push(place.to_string());
        }
    } else if !names_mission {
        lines.insert(0, mission);
    }
    lines
}

/// The parts of every letter to `party` on `date`.
fn base_context(
    identity: &Identity,
    kind: LetterKind,
    party: &Party,
    date: NaiveDate,
    subject: String,
    year: i32,
) -> LetterContext {
    let language = party.language;
    let formal = formal_name(party);
    let formal_of = with_preposition(language, &formal, false);
    let place = identity.get("place", language);
    let address = identity.get("address", language);
    let split = |text: &str| -> Vec<String> {
        let separator = if text.contains('\n') { '\n' } else { '|' };
        text.split(separator)
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect()
    };
    let iban = identity.get("iban", language);
    let payment = (!iban.is_empty()).then(|| PaymentInstructions {
        holder: non_empty_or(
            identity.get("bank_holder", language),
            identity.get("unit_name", language),
        ),
        bank: identity.get("bank_name", language),
        iban: iban_grouped(&iban),
        bic: identity.get("bic", language),
        reference: identity
            .get("payment_reference", language)
            .replace("{party}", party.code.as_str())
            .replace("{year}", &year.to_string()),
    });
    let due = date + chrono::Duration::days(i64::from(identity.payment_days()));
    let reporting = identity.reporting_rule();
    LetterContext {
        kind,
        language: language.as_str().to_string(),
        sender: Sender {
            unit_name: identity.get("unit_name", language),
            convention_name: identity.get("convention_name", language),
            convention_short: identity.get("convention_short", language),
            address_lines: split(&address),
            place: place.clone(),
            email: identity.get("email", language),
            signatory_name: identity.get("signatory_name", language),
            signatory_title: identity.get("signatory_title", language),
        },
        recipient: Recipient {
            party: party.code.to_string(),
            name: party.name.clone(),
            short_name: short_name(party),
            formal_name: formal.clone(),
            formal_name_to: with_preposition(language, &formal, true),
            formal_name_of: formal_of.clone(),
            address_lines: recipient_lines(party, &formal_of, &place),
            email: party.email.clone().unwrap_or_default(),
        },
        reference: String::new(),
        date: letter_date(language, date),
        date_iso: date.to_string(),
        place_date: place_date(language, &place, date),
        subject,
        year,
        level: 0,
        years: String::new(),
        lines: Vec::new(),
        table: LetterTable::default(),
        total: swiss(Money::zero(identity.currency())),
        owing: false,
        credit: swiss(Money::zero(identity.currency())),
        credit_deducted: false,
        currency: identity.currency().to_string(),
        due_date: letter_date(language, due),
        payment,
        words: words(language),
        received: String::new(),
        received_on: String::new(),
        received_reference: String::new(),
        meeting: String::new(),
        meeting_name: String::new(),
        initial_report_days: reporting.initial_days,
        annual_report_due: day_of_year(language, reporting.annual_due),
    }
}

fn non_empty_or(text: String, other: String) -> String {
    if text.trim().is_empty() {
        other
    } else {
        text
    }
}

impl Books {
    /// The party as its record stood on `date`.
    fn party_on(&self, code: &PartyCode, date: NaiveDate) -> anyhow::Result<Party> {
        Ok(self
            .store
            .party_on(code, date)?
            .ok_or_else(|| StoreError::PartyNotFound { code: code.clone() })?)
    }

    /// Numbers the drafts (in the order of their party code and topic) and renders them:
    /// a letter already recorded as sent keeps its number; the others take the next
    /// numbers of the year of `date`.
    fn finish(
        &self,
        mut drafts: Vec<Draft>,
        date: NaiveDate,
        templates: &LetterTemplates,
    ) -> anyhow::Result<Vec<Letter>> {
        let identity = self.store.identity()?;
        let pattern = identity.get("reference_pattern", Language::En);
        let per_year = pattern.contains("{year}");
        let mut next = self
            .store
            .letters_numbered_in(per_year.then_some(date.year()))?;
        let mut order: Vec<usize> = (0..drafts.len()).collect();
        order.sort_by(|&a, &b| {
            (drafts[a].party.code.as_str(), &drafts[a].topic)
                .cmp(&(drafts[b].party.code.as_str(), &drafts[b].topic))
        });
        for index in order {
            let draft = &mut drafts[index];
            let recorded = self.store.letter_reference(
                draft.kind.as_str(),
                &draft.party.code,
                draft.year,
                draft.level,
                &draft.topic,
            )?;
            draft.context.reference = match recorded {
                Some(reference) => reference,
                None => {
                    next += 1;
                    format_reference(&pattern, date.year(), next)
                        .map_err(|why| anyhow::anyhow!("settings reference_pattern {why}"))?
                }
            };
        }
        let mut letters = Vec::with_capacity(drafts.len());
        for draft in drafts {
            let rendered = templates.render(&draft.context)?;
            letters.push(Letter {
                kind: draft.kind,
                file_stem: draft.file_stem,
                rendered,
                formal_name: draft.context.recipient.formal_name.clone(),
                subject: draft.context.subject.clone(),
                reference: draft.context.reference.clone(),
                party: draft.party,
                year: draft.year,
                level: draft.level,
                topic: draft.topic,
                outstanding: draft.outstanding,
                arrears: draft.arrears,
                total: draft.total,
            });
        }
        Ok(letters)
    }

    /// The reminder letters for `year` on `as_of`: one per party owing more than the credit
    /// it holds, at the level given or the next one after the last recorded.
    pub fn reminder_letters(
        &self,
        year: i32,
        as_of: NaiveDate,
        selection: Selection,
        level: Option<u32>,
        templates: &LetterTemplates,
    ) -> anyhow::Result<Vec<Letter>> {
        let book = self.store.currency()?;
        let in_book = |minor: i64| Money::from_minor(minor, book);
        if level == Some(0) {
            bail!("--level must be 1 or more (1 is the first reminder)");
        }
        let store = &self.store;
        let identity = store.identity()?;
        let (list, _) = outstanding_of(store, year, as_of, selection)?;
        let sent = store.reminders(year, as_of)?;
        let mut drafts = Vec::new();
        // A letter never asks for what a credit the party holds already covers.
        for row in list
            .rows
            .iter()
            .filter(|r| r.total.minor() > r.credit.minor().max(0))
        {
            let party = self.party_on(&row.party, as_of)?;
            let language = party.language;
            let words = labels(language);
            let last = sent.get(&party.code).map(|r| (r.level, r.sent_on));
            let level = level.unwrap_or_else(|| level_on(last, as_of));
            let mut lines: Vec<LetterLine> = row
                .arrears_by_year
                .iter()
                .map(|y| LetterLine {
                    year: y.year,
                    assessed: String::new(),
                    received: String::new(),
                    outstanding: swiss(y.amount),
                    due: String::new(),
                })
                .collect();
            if row.outstanding.minor() != 0 {
                lines.push(LetterLine {
                    year,
                    assessed: swiss(row.assessed),
                    received: swiss(row.received),
                    outstanding: swiss(row.outstanding),
                    due: row
                        .due_on
                        .map(|due| letter_date(language, due))
                        .unwrap_or_default(),
                });
            }
            let years: Vec<i32> = lines.iter().map(|l| l.year).collect();
            let credit = row.credit.minor().max(0);
            let total = in_book(row.total.minor() - credit);
            let mut foot = Vec::new();
            if credit > 0 {
                foot.push((
                    words.less_credit.to_string(),
                    format!("-{}", swiss(row.credit)),
                ));
            }
            foot.push((words.total_due.to_string(), swiss(total)));
            let table = LetterTable::new(
                [
                    words.year,
                    words.due,
                    words.assessed,
                    words.received,
                    words.outstanding,
                ]
                .iter()
                .map(|h| h.to_string())
                .collect(),
                lines
                    .iter()
                    .map(|l| {
                        vec![
                            l.year.to_string(),
                            l.due.clone(),
                            l.assessed.clone(),
                            l.received.clone(),
                            l.outstanding.clone(),
                        ]
                    })
                    .collect(),
                foot,
                1,
            );
            let mut subject = format!(
                "{} {}",
                words.contributions_outstanding,
                years_list(language, &years)
            );
            if level > 1 {
                subject = format!("{} {level}: {subject}", words.reminder_no);
                if language == Language::Fr {
                    subject = subject.replacen(": ", " : ", 1);
                }
            }
            let mut context = base_context(
                &identity,
                LetterKind::Reminder,
                &party,
                as_of,
                subject,
                year,
            );
            context.level = level;
            context.years = years_list(language, &years);
            context.lines = lines;
            context.table = table;
            context.total = swiss(total);
            context.owing = total.minor() > 0;
            context.credit = swiss(row.credit);
            context.credit_deducted = credit > 0;
            drafts.push(Draft {
                kind: LetterKind::Reminder,
                file_stem: format!("{}-{}", year, party.code),
                party,
                year,
                level,
                topic: String::new(),
                outstanding: row.outstanding,
                arrears: row.arrears,
                total,
                context,
            });
        }
        let mut letters = self.finish(drafts, as_of, templates)?;
        // The order of the outstanding list: largest first.
        let rank: BTreeMap<&PartyCode, usize> = list
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (&r.party, i))
            .collect();
        letters.sort_by_key(|l| rank.get(&l.party.code).copied().unwrap_or(usize::MAX));
        Ok(letters)
    }

    /// Acknowledgements of the payments received from `since` to `as_of` (of one party, or
    /// of every party): what arrived, how it was applied, what remains owed.
    pub fn receipt_letters(
        &self,
        since: NaiveDate,
        as_of: NaiveDate,
        party: Option<&PartyCode>,
        templates: &LetterTemplates,
    ) -> anyhow::Result<Vec<Letter>> {
        let book = self.store.currency()?;
        let in_book = |minor: i64| Money::from_minor(minor, book);
        if since > as_of {
            bail!("--since {since} is after --as-of {as_of}");
        }
        let identity = self.store.identity()?;
        let codes: Vec<PartyCode> = match party {
            Some(code) => {
                self.party_on(code, as_of)?;
                vec![code.clone()]
            }
            None => self.store.parties()?.into_iter().map(|p| p.code).collect(),
        };
        let mut drafts = Vec::new();
        for code in codes {
            let facts = self.store.party_facts(&code, Some(as_of))?;
            let replayed = facts.replay(None);
            let payments: Vec<usize> = replayed
                .order
                .iter()
                .copied()
                .filter(|&i| {
                    let fact = &facts.facts[i];
                    matches!(fact.kind, FactKind::Payment { .. })
                        && fact.date >= since
                        && fact.date <= as_of
                })
                .collect();
            if payments.is_empty() {
                continue;
            }
            let party = self.party_on(&code, as_of)?;
            let whole = statement(&party, as_of, &facts, &replayed, self.store.currency()?);
            let remaining = whole.balance.minor();
            let credit = whole.credit.minor();
            let language = party.language;
            let words = labels(language);
            for index in payments {
                let fact = &facts.facts[index];
                let mut applied: BTreeMap<(u8, i32), i64> = BTreeMap::new();
                let mut received = 0i64;
                for movement in replayed.movements_of(index) {
                    if movement.debit != Slot::Outside {
                        continue;
                    }
                    received += movement.amount_minor;
                    let key = match movement.credit {
                        Slot::Owed(year) => (0, year),
                        Slot::Voluntary(year) => (1, year),
                        _ => (2, 0),
                    };
                    *applied.entry(key).or_default() += movement.amount_minor;
                }
                if received <= 0 {
                    continue;
                }
                let rows = applied
                    .iter()
                    .map(|(&(slot, year), &amount)| {
                        let what = match slot {
                            0 => format!("{} {year}", words.contribution_for),
                            1 => format!("{} {year}", words.voluntary_for),
                            _ => words.held_as_credit.to_string(),
                        };
                        vec![what, swiss(in_book(amount))]
                    })
                    .collect();
                let remaining_due = (remaining - credit.max(0)).max(0);
                let table = LetterTable::new(
                    vec![words.applied_to.to_string(), words.amount.to_string()],
                    rows,
                    vec![(words.remaining.to_string(), swiss(in_book(remaining_due)))],
                    1,
                );
                let subject = format!(
                    "{} {}",
                    words.acknowledgement,
                    letter_date(language, fact.date)
                );
                let year = fact.date.year();
                let mut context =
                    base_context(&identity, LetterKind::Receipt, &party, as_of, subject, year);
                context.table = table;
                context.total = swiss(in_book(remaining_due));
                context.owing = remaining_due > 0;
                context.credit = swiss(in_book(credit));
                context.credit_deducted = credit > 0;
                context.received = swiss(in_book(received));
                context.received_on = letter_date(language, fact.date);
                context.received_reference = facts.references[index].clone().unwrap_or_default();
                let topic = format!(
                    "{} {}",
                    fact.date,
                    facts.references[index].clone().unwrap_or_default()
                )
                .trim()
                .to_string();
                // A second payment of one day is `receipt-DATE-CODE-2`.
                let same_day = drafts_of(&drafts, &party.code, fact.date);
                let suffix = if same_day > 0 {
                    format!("-{}", same_day + 1)
                } else {
                    String::new()
                };
                drafts.push(Draft {
                    kind: LetterKind::Receipt,
                    file_stem: format!("receipt-{}-{}{suffix}", fact.date, party.code),
                    party: party.clone(),
                    year,
                    level: 0,
                    topic,
                    outstanding: in_book(0),
                    arrears: in_book(0),
                    total: in_book(remaining_due),
                    context,
                });
            }
        }
        self.finish(drafts, as_of, templates)
    }

    /// Statements of account on `as_of`, as letters: to the parties given, or to every
    /// party that owes anything or holds a credit.
    pub fn statement_letters(
        &self,
        as_of: NaiveDate,
        parties: &[PartyCode],
        templates: &LetterTemplates,
    ) -> anyhow::Result<Vec<Letter>> {
        let book = self.store.currency()?;
        let in_book = |minor: i64| Money::from_minor(minor, book);
        let identity = self.store.identity()?;
        let chosen = !parties.is_empty();
        let codes: Vec<PartyCode> = if chosen {
            parties.to_vec()
        } else {
            self.store.parties()?.into_iter().map(|p| p.code).collect()
        };
        let mut drafts = Vec::new();
        for code in codes {
            let party = self.party_on(&code, as_of)?;
            let facts = self.store.party_facts(&code, Some(as_of))?;
            let replayed = facts.replay(None);
            let whole = statement(&party, as_of, &facts, &replayed, self.store.currency()?);
            if !chosen && whole.balance.minor() == 0 && whole.credit.minor() == 0 {
                continue;
            }
            let language = party.language;
            let words = labels(language);
            let rows = whole
                .lines
                .iter()
                .map(|line| {
                    let y = line.budget_year;
                    let description = if line.charged.minor() > 0 {
                        format!("{} {y}", words.assessment_for)
                    } else if line.paid.minor() > 0 && line.credit_change.minor() < 0 {
                        format!("{} {y}", words.credit_applied_to)
                    } else if line.paid.minor() > 0 {
                        format!("{} {y}", words.payment_for)
                    } else if line.credit_change.minor() > 0 {
                        words.credit_held.to_string()
                    } else if line.voluntary.minor() > 0 {
                        format!("{} {y}", words.voluntary_for)
                    } else {
                        line.description.clone()
                    };
                    vec![
                        letter_date(language, line.date),
                        description,
                        if line.charged.minor() == 0 {
                            String::new()
                        } else {
                            swiss(line.charged)
                        },
                        if line.paid.minor() + line.credit_change.minor().max(0) == 0 {
                            String::new()
                        } else {
                            swiss(in_book(
                                line.paid.minor() + line.credit_change.minor().max(0),
                            ))
                        },
                        swiss(line.balance),
                    ]
                })
                .collect();
            let credit = whole.credit.minor().max(0);
            let total = (whole.balance.minor() - credit).max(0);
            let mut foot = Vec::new();
            if credit > 0 {
                foot.push((
                    words.less_credit.to_string(),
                    format!("-{}", swiss(in_book(credit))),
                ));
            }
            foot.push((words.total_due.to_string(), swiss(in_book(total))));
            let table = LetterTable::new(
                [
                    words.date,
                    words.description,
                    words.charged,
                    words.paid,
                    words.balance,
                ]
                .iter()
                .map(|h| h.to_string())
                .collect(),
                rows,
                foot,
                2,
            );
            let subject = format!("{} {}", words.statement, letter_date(language, as_of));
            let mut context = base_context(
                &identity,
                LetterKind::Statement,
                &party,
                as_of,
                subject,
                as_of.year(),
            );
            context.table = table;
            context.total = swiss(in_book(total));
            context.owing = total > 0;
            context.credit = swiss(in_book(credit));
            context.credit_deducted = credit > 0;
            let arrears: i64 = whole
                .owed_by_year
                .iter()
                .filter(|y| y.year < as_of.year())
                .map(|y| y.amount.minor())
                .sum();
            drafts.push(Draft {
                kind: LetterKind::Statement,
                file_stem: format!("statement-{as_of}-{}", party.code),
                party,
                year: as_of.year(),
                level: 0,
                topic: as_of.to_string(),
                outstanding: in_book(whole.balance.minor() - arrears),
                arrears: in_book(arrears),
                total: in_book(total),
                context,
            });
        }
        self.finish(drafts, as_of, templates)
    }

    /// Reminders of what each State owes for a meeting's costs (Article 14) on `as_of`: of
    /// one meeting, or of every meeting.
    pub fn meeting_letters(
        &self,
        as_of: NaiveDate,
        meeting: Option<&str>,
        templates: &LetterTemplates,
    ) -> anyhow::Result<Vec<Letter>> {
        let book = self.store.currency()?;
        let in_book = |minor: i64| Money::from_minor(minor, book);
        let identity = self.store.identity()?;
        let only = meeting
            .map(|code| super::collection::load_meeting(&self.store, code))
            .transpose()?;
        let rows = self.store.meeting_receivables(as_of, None)?;
        let mut drafts = Vec::new();
        for row in rows {
            if row.balance.minor() <= 0 {
                continue;
            }
            if let Some(record) = &only {
                if record.meeting.code.to_string() != row.meeting {
                    continue;
                }
            }
            let code = row.meeting.clone();
            let record = super::collection::load_meeting(&self.store, &code)?;
            let party = self.party_on(&row.party, as_of)?;
            let language = party.language;
            let words = labels(language);
            let table = LetterTable::new(
                vec![words.meeting.to_string(), words.outstanding.to_string()],
                vec![vec![record.meeting.name.clone(), swiss(row.balance)]],
                vec![(words.total_due.to_string(), swiss(row.balance))],
                1,
            );
            let subject = format!("{} {}", words.meeting_share, record.meeting.name);
            let year = record.meeting.held_on.year();
            let mut context =
                base_context(&identity, LetterKind::Meeting, &party, as_of, subject, year);
            context.table = table;
            context.total = swiss(row.balance);
            context.owing = true;
            context.meeting = code.clone();
            context.meeting_name = record.meeting.name.clone();
            drafts.push(Draft {
                kind: LetterKind::Meeting,
                file_stem: format!("meeting-{code}-{}", party.code),
                party,
                year,
                level: 1,
                topic: code,
                outstanding: row.balance,
                arrears: in_book(0),
                total: row.balance,
                context,
            });
        }
        self.finish(drafts, as_of, templates)
    }

    /// Reminders of the Article 7 reports each State Party owes on `as_of`: its initial
    /// report and its annual updates up to the one covering `year`, each due before
    /// `as_of` and not submitted by then; at the level given or the next one after the last
    /// recorded for `year`. Only to the parties given, when any are (a party that owes
    /// nothing gets no letter).
    pub fn report_letters(
        &self,
        year: i32,
        as_of: NaiveDate,
        parties: &[PartyCode],
        level: Option<u32>,
        templates: &LetterTemplates,
    ) -> anyhow::Result<Vec<Letter>> {
        let book = self.store.currency()?;
        crate::ledger::check_budget_year(year)?;
        if level == Some(0) {
            bail!("--level must be 1 or more (1 is the first reminder)");
        }
        for code in parties {
            self.party_on(code, as_of)?;
        }
        let identity = self.store.identity()?;
        let sent = self.store.report_letters_sent(year, as_of)?;
        let mut owed: BTreeMap<String, Vec<super::transparency::ReportDue>> = BTreeMap::new();
        for due in self.reports_due(as_of, as_of)? {
            let in_round = due.period == "initial"
                || due
                    .period
                    .parse::<i32>()
                    .is_ok_and(|covered| covered <= year);
            let chosen = parties.is_empty() || parties.iter().any(|p| p.as_str() == due.party);
            if due.due_on < as_of && in_round && chosen {
                owed.entry(due.party.clone()).or_default().push(due);
            }
        }
        let mut drafts = Vec::new();
        for (code, reports) in owed {
            let party = self.party_on(&code.parse()?, as_of)?;
            let language = party.language;
            let words = labels(language);
            let level = level.unwrap_or_else(|| level_on(sent.get(&party.code).copied(), as_of));
            let rows = reports
                .iter()
                .map(|due| {
                    let what = match due.period.as_str() {
                        "initial" => words.initial_report.to_string(),
                        covered => format!("{} {covered}", words.annual_update_for),
                    };
                    vec![
                        what,
                        letter_date(language, due.due_on),
                        (as_of - due.due_on).num_days().to_string(),
                    ]
                })
                .collect();
            let table = LetterTable::new(
                vec![
                    words.report.to_string(),
                    words.due.to_string(),
                    words.days_overdue.to_string(),
                ],
                rows,
                Vec::new(),
                1,
            );
            let mut subject = words.reports_outstanding.to_string();
            if level > 1 {
                subject = format!("{} {level}: {subject}", words.reminder_no);
                if language == Language::Fr {
                    subject = subject.replacen(": ", " : ", 1);
                }
            }
            let mut context =
                base_context(&identity, LetterKind::Report, &party, as_of, subject, year);
            context.level = level;
            context.table = table;
            context.payment = None;
            context.due_date = String::new();
            drafts.push(Draft {
                kind: LetterKind::Report,
                file_stem: format!("report-{year}-{}", party.code),
                party,
                year,
                level,
                topic: as_of.to_string(),
                outstanding: Money::zero(book),
                arrears: Money::zero(book),
                total: Money::zero(book),
                context,
            });
        }
        self.finish(drafts, as_of, templates)
    }

    /// Records the letters as sent on `sent_on`, in one transaction, with their reference
    /// numbers; returns how many were new (a letter already recorded is not recorded again).
    /// A reminder is also recorded at its level, which the next reminder goes beyond.
    pub fn record_letters(
        &mut self,
        actor: Actor,
        letters: &[Letter],
        sent_on: NaiveDate,
    ) -> anyhow::Result<usize> {
        let tx = self.store.begin(actor)?;
        let mut recorded = 0;
        for letter in letters {
            if letter.kind == LetterKind::Reminder {
                tx.record_reminder(&letter.party.code, letter.year, letter.level, sent_on)?;
            }
            let record = LetterRecord {
                kind: letter.kind.as_str(),
                party: &letter.party.code,
                budget_year: letter.year,
                level: letter.level,
                topic: &letter.topic,
                reference: &letter.reference,
            };
            if tx.record_letter(&record, sent_on)? {
                recorded += 1;
            }
        }
        tx.commit()?;
        Ok(recorded)
    }

    /// The letters recorded as sent (of a budget year, to a party), by date.
    pub fn letters_sent(
        &self,
        year: Option<i32>,
        party: Option<&PartyCode>,
    ) -> anyhow::Result<LettersSent> {
        if let Some(year) = year {
            crate::ledger::check_budget_year(year)?;
        }
        if let Some(code) = party {
            if self.store.party(code)?.is_none() {
                return Err(StoreError::PartyNotFound { code: code.clone() }.into());
            }
        }
        let names: BTreeMap<PartyCode, String> = self
            .store
            .parties()?
            .into_iter()
            .map(|p| (p.code, p.name))
            .collect();
        let letters = self
            .store
            .letters_sent(year, party)?
            .into_iter()
            .map(|row| LetterSentLine {
                sent_on: row.sent_on,
                name: names.get(&row.party).cloned().unwrap_or_default(),
                party: row.party,
                kind: row.kind,
                budget_year: row.budget_year,
                level: row.level,
                reference: row.reference,
                recorded_by: row.recorded_by,
            })
            .collect();
        Ok(LettersSent {
            year,
            party: party.cloned(),
            letters,
        })
    }
}

/// How many acknowledgements of `party`'s payments of `date` are drafted already.
fn drafts_of(drafts: &[Draft], party: &PartyCode, date: NaiveDate) -> usize {
    drafts
        .iter()
        .filter(|d| &d.party.code == party && d.topic.starts_with(&date.to_string()))
        .count()
}
