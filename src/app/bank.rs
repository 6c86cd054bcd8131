//! Bank statements: importing them (camt.053, a zip of them, or a bank's CSV export by a
//! profile), reviewing the lines with the match proposed for each, confirming a line as the
//! contribution, meeting payment, other income or cost it is (through the same rules as
//! `contribution add`, `meeting pay` and `cost add`), or a reversal by the bank as the
//! reversal of the entry of the line it undoes (as `reverse` does), and reconciling a statement's closing balance with the books' bank account.

use std::io::Read;
use std::path::Path;

use anyhow::{anyhow, bail, Context as _};
use chrono::NaiveDate;

use super::contributions::ContributionWriter;
use super::costs::{record_cost, CostFields};
use super::Books;
use crate::domain::accounts;
use crate::domain::bank::csv_profile::Profile;
use crate::domain::bank::matching::{
    for_meeting, propose, Candidate, Confidence, LineKind, Proposal,
};
use crate::domain::bank::{
    camt, fold, fold_iban, BankFileError, BankLine, Statement, STATEMENT_BYTES_MAX,
};
use crate::domain::contribution::Contribution;
use crate::ledger::{AccountName, AccountType, EntryId, FundCode, PartyCode};
use crate::money::Money;
use crate::reports::bank::{
    BankReview, ChargeRow, Reconciliation, ReviewRow, UnlinkedEntryRow, UnmatchedLine,
};
use crate::store::{
    Actor, LineMatch, LinesImported, Payer, Recorded, Store, StoreError, StoredLine, Tx,
};

/// Reads the statements of a file: camt.053 XML, a `.zip` of such files, or (with a
/// profile) a bank's CSV export. `account` gives the account of a CSV export whose profile
/// and columns do not.
pub fn read_statements(
    path: &Path,
    profile: Option<&Profile>,
    account: Option<&str>,
) -> anyhow::Result<Vec<(String, Statement)>> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| anyhow!("{name}: {e}"))?;
    let bytes = read_limited(file, &name)?;
    if let Some(profile) = profile {
        return Ok(vec![(name.clone(), profile.read(&name, &bytes, account)?)]);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return read_zip(&name, bytes);
    }
    let text = xml_text(&name, bytes)?;
    Ok(camt::parse(&name, &text)?
        .into_iter()
        .map(|s| (name.clone(), s))
        .collect())
}

fn read_limited(source: impl Read, name: &str) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    source
        .take(STATEMENT_BYTES_MAX + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow!("{name}: {e}"))?;
    if bytes.len() as u64 > STATEMENT_BYTES_MAX {
        bail!(
            "{name}: larger than {} MB: not read",
            STATEMENT_BYTES_MAX / 1024 / 1024
        );
    }
    Ok(bytes)
}

fn xml_text(name: &str, bytes: Vec<u8>) -> Result<String, BankFileError> {
    let text = String::from_utf8(bytes)
        .map_err(|_| BankFileError::new(name, "not XML: the file is not UTF-8 text"))?;
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

/// The camt.053 statements of every `.xml` file in a zip archive. A member whose path
/// would lead outside the archive is refused, as is an archive with no statement.
fn read_zip(name: &str, bytes: Vec<u8>) -> anyhow::Result<Vec<(String, Statement)>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| anyhow!("{name}: not a readable zip archive: {e}"))?;
    let mut statements = Vec::new();
    let mut files = 0;
    let mut bytes_read: u64 = 0;
    for index in 0..archive.len() {
        let member = archive
            .by_index(index)
            .map_err(|e| anyhow!("{name}: member {}: {e}", index + 1))?;
        let raw = member
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("member {}", index + 1));
        let Some(inner) = member.enclosed_name() else {
            bail!(
                "{name}: member '{}' has a path outside the archive: not read",
                crate::text::excerpt(&raw)
            );
        };
        if member.is_dir() {
            continue;
        }
        let inner = inner.display().to_string();
        if !inner.to_ascii_lowercase().ends_with(".xml") {
            continue;
        }
        files += 1;
        let label = format!("{name}:{inner}");
        let bytes = read_limited(member, &label)?;
        bytes_read += bytes.len() as u64;
        if bytes_read > ARCHIVE_BYTES_MAX {
            bail!(
                "{name}: its statements are larger than {} MB in all: not read",
                ARCHIVE_BYTES_MAX / 1024 / 1024
            );
        }
        let text = xml_text(&label, bytes)?;
        statements.extend(
            camt::parse(&label, &text)?
                .into_iter()
                .map(|s| (label.clone(), s)),
        );
    }
    if files == 0 {
        bail!("{name}: the archive holds no .xml statement");
    }
    Ok(statements)
}

/// The most bytes read from the members of one archive, in all.
const ARCHIVE_BYTES_MAX: u64 = 4 * STATEMENT_BYTES_MAX;

/// What `bank import` did.
#[derive(Debug, Default, Clone)]
pub struct BankImported {
    pub statements: u64,
    pub lines: LinesImported,
}

/// How the officer confirms a line: each choice left out is taken from the proposal.
#[derive(Debug, Clone, Default)]
pub struct Confirmation {
    pub party: Option<PartyCode>,
    pub year: Option<i32>,
    pub kind: Option<LineKind>,
    /// For a cost: its category (`cost add`'s categories).
    pub category: Option<String>,
    /// For a cost: the budget line it counts against.
    pub budget_line: Option<String>,
    /// Book the charges deducted on the way as a cost, crediting the party in full.
    pub book_charges: bool,
    /// For a meeting payment: the meeting.
    pub meeting: Option<String>,
    /// For other income: the income account [default: `income:other`].
    pub account: Option<AccountName>,
}

impl Confirmation {
    /// Whether the officer chose anything at all.
    fn is_empty(&self) -> bool {
        self.party.is_none()
            && self.year.is_none()
            && self.kind.is_none()
            && self.category.is_none()
            && self.budget_line.is_none()
            && !self.book_charges
            && self.meeting.is_none()
            && self.account.is_none()
    }
}

/// What confirming a line did.
#[derive(Debug, Clone)]
pub struct Confirmed {
    pub line: i64,
    pub kind: LineKind,
    pub party: Option<PartyCode>,
    pub entry: EntryId,
    /// The entry was already in the books under the bank's reference.
    pub already_recorded: bool,
    pub charge_entry: Option<EntryId>,
    /// The entry of the bank's conversion of a payment in another currency.
    pub conversion_entry: Option<EntryId>,
    pub amount: Money,
    /// Payer names and accounts learned.
    pub learned: Vec<String>,
    /// For a reversal by the bank: the line it undoes and that line's entry, reversed.
    pub reverses: Option<(i64, EntryId)>,
    /// Entries the rule posted to apply the party's money again by value date.
    pub reapplied: usize,
}

/// The candidates for matching, each party with its learned payers and what it owes on
/// `date`.
fn candidates(
    parties: &[crate::domain::party::Party],
    payers: &[Payer],
    facts: &mut dyn FnMut(&PartyCode) -> Result<crate::domain::position::PartyFacts, StoreError>,
    date: NaiveDate,
) -> anyhow::Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for party in parties {
        let replay = facts(&party.code)?.replay(Some(date));
        out.push(Candidate {
            code: Some(party.code.clone()),
            name: party.name.clone(),
            payer_names: payers
                .iter()
                .filter(|p| p.party == party.code)
                .filter_map(|p| p.name.clone())
                .collect(),
            payer_accounts: payers
                .iter()
                .filter(|p| p.party == party.code)
                .filter_map(|p| p.account.clone())
                .collect(),
            owed: replay
                .years
                .iter()
                .filter(|(_, y)| y.owed_minor > 0)
                .map(|(year, y)| (*year, y.owed_minor))
                .collect(),
        });
    }
    Ok(out)
}

fn review_row(stored: &StoredLine, proposal: Proposal) -> ReviewRow {
    let line = &stored.line;
    ReviewRow {
        line: stored.id,
        account: line.account_iban.clone(),
        booked_on: line.booked_on,
        value_on: line.value_on,
        amount: line.amount,
        currency: line.amount.currency().to_string(),
        counterparty: [
            line.counterparty_name.clone(),
            line.counterparty_account.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
        remittance: line.remittance.clone(),
        bank_reference: line.bank_reference.clone(),
        instructed: line.instructed,
        rate: line.rate.map(|r| r.to_string()),
        charges_deducted: line.charges_deducted(),
        proposal,
        entry: stored.confirmed.as_ref().map(|m| m.entry),
    }
}

impl Books {
    /// Records the lines of the statements in one transaction: all or nothing. A line
    /// whose bank reference is already in the books adds nothing.
    pub fn bank_import(
        &mut self,
        actor: Actor,
        statements: &[(String, Statement)],
    ) -> anyhow::Result<BankImported> {
        let tx = self.store.begin(actor)?;
        let mut done = BankImported::default();
        for (source, statement) in statements {
            let lines = tx
                .record_bank_statement(statement, source)
                .with_context(|| source.clone())?;
            done.statements += 1;
            done.lines.added += lines.added;
            done.lines.already += lines.already;
        }
        tx.commit()?;
        Ok(done)
    }

    /// The lines not yet confirmed (or, with `all`, every line), each with the match the
    /// rules propose, the reason and how sure it is.
    pub fn bank_review(&self, all: bool) -> anyhow::Result<BankReview> {
        let store: &Store = &self.store;
        let parties = store.parties()?;
        let payers = store.bank_payers()?;
        let meetings = store.bank_meeting_codes()?;
        let book = store.currency()?;
        let mut facts_of = std::collections::HashMap::new();
        for party in &parties {
            facts_of.insert(party.code.clone(), store.party_facts(&party.code, None)?);
        }
        let mut facts = |code: &PartyCode| -> Result<_, StoreError> {
            Ok(facts_of.get(code).cloned().unwrap_or_default())
        };
        let mut rows = Vec::new();
        for stored in store.bank_lines(None, None)? {
            if stored.confirmed.is_some() && !all {
                continue;
            }
            let candidates = candidates(&parties, &payers, &mut facts, stored.line.value_on)?;
            let proposal = for_meeting(
                propose(&stored.line, &candidates, book),
                &stored.line,
                &meetings,
            );
            rows.push(review_row(&stored, proposal));
        }
        Ok(BankReview { rows })
    }

    /// The payers learned, per party.
    pub fn bank_payers(&self) -> anyhow::Result<Vec<Payer>> {
        Ok(self.store.bank_payers()?)
    }

    /// Teaches the matching a payer name or account of a party.
    pub fn bank_payer_add(
        &mut self,
        actor: Actor,
        party: &PartyCode,
        name: Option<&str>,
        account: Option<&str>,
    ) -> anyhow::Result<bool> {
        let tx = self.store.begin(actor)?;
        if tx.party(party)?.is_none() {
            return Err(StoreError::PartyNotFound {
                code: party.clone(),
            }
            .into());
        }
        let payer = match (name.map(str::trim), account) {
            (Some(name), None) if !name.is_empty() => Payer {
                party: party.clone(),
                name: Some(name.to_string()),
                account: None,
                learned_from: None,
            },
            (None, Some(account)) if !account.trim().is_empty() => Payer {
                party: party.clone(),
                name: None,
                account: Some(crate::domain::bank::fold_iban(account)),
                learned_from: None,
            },
            _ => bail!("give one of --name NAME or --account IBAN"),
        };
        let added = tx.record_bank_payer(&payer)?;
        tx.commit()?;
        Ok(added)
    }

    /// Confirms one line as what the officer says, or what the rules propose, in one
    /// transaction.
    pub fn bank_confirm(
        &mut self,
        actor: Actor,
        line_id: i64,
        choice: &Confirmation,
    ) -> anyhow::Result<Confirmed> {
        let tx = self.store.begin(actor)?;
        let confirmed = confirm_line(&tx, line_id, choice)?;
        tx.commit()?;
        Ok(confirmed)
    }

    /// Confirms every line whose match is certain, in one transaction; the others are left
    /// for review.
    pub fn bank_confirm_all_certain(&mut self, actor: Actor) -> anyhow::Result<Vec<Confirmed>> {
        let tx = self.store.begin(actor)?;
        let mut done = Vec::new();
        for stored in tx.bank_lines_open()? {
            let proposal = proposal_in(&tx, &stored.line)?;
            if proposal.confidence != Confidence::Certain {
                continue;
            }
            done.push(confirm_line(&tx, stored.id, &Confirmation::default())?);
        }
        tx.commit()?;
        Ok(done)
    }

    /// The latest statement of `account` (or the only account) closing on or before
    /// `as_of`, against the books' bank account on its closing date: the lines not in the
    /// books, the book entries with no line, and the charges deducted on the way.
    pub fn bank_reconcile(
        &self,
        account: Option<&str>,
        as_of: NaiveDate,
    ) -> anyhow::Result<Reconciliation> {
        let store = &self.store;
        let accounts = store.bank_accounts()?;
        let (iban, currency) = match account {
            Some(given) => {
                let given = crate::domain::bank::fold_iban(given);
                accounts
                    .into_iter()
                    .find(|(a, _)| *a == given)
                    .ok_or_else(|| anyhow!("no statement was imported for account {given}"))?
            }
            None => match accounts.as_slice() {
                [one] => one.clone(),
                [] => bail!("no bank statement imported yet: `isu-ledger bank import FILE`"),
                several => bail!(
                    "statements of several accounts are imported ({}): give --account IBAN",
                    several
                        .iter()
                        .map(|(a, _)| a.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        };
        let closing = store.bank_closing(&iban, as_of)?.ok_or_else(|| {
            anyhow!("no statement of {iban} gives a closing balance on or before {as_of}")
        })?;
        let until = closing.closing_on;
        let lines = store.bank_lines(Some(&iban), Some(until))?;
        let books_account = accounts::bank(currency);
        let books_balance = store.bank_account_balance(books_account.as_str(), currency, until)?;
        let first = lines.first().map_or(until, |l| l.line.booked_on);
        let before = first.pred_opt().unwrap_or(first);
        let books_before = store.bank_account_balance(books_account.as_str(), currency, before)?;
        let mut moved = Money::zero(currency);
        for line in &lines {
            moved = moved.checked_add(line.line.amount)?;
        }
        let opening = match closing.opening {
            Some(opening) => opening,
            None => closing.closing.checked_sub(moved)?,
        };
        let unmatched = lines
            .iter()
            .filter(|l| l.confirmed.is_none())
            .map(|l| UnmatchedLine {
                line: l.id,
                booked_on: l.line.booked_on,
                amount: l.line.amount,
                text: text_of(&l.line),
            })
            .collect();
        let unlinked = store
            .bank_entries_unlinked(books_account.as_str(), currency, first, until)?
            .into_iter()
            .map(|e| UnlinkedEntryRow {
                entry: e.entry,
                date: e.date,
                amount: e.amount,
                description: e.description,
            })
            .collect();
        let charges = lines
            .iter()
            .filter_map(|l| {
                let charges = l.line.charges_deducted()?;
                Some(ChargeRow {
                    line: l.id,
                    instructed: l.line.instructed?,
                    arrived: l.line.amount,
                    charges,
                    booked: l
                        .confirmed
                        .as_ref()
                        .is_some_and(|m| m.second_entry.is_some()),
                })
            })
            .collect();
        let zero = Money::zero(currency);
        Ok(Reconciliation {
            account: iban,
            books_account: books_account.as_str().to_string(),
            statement: closing.statement,
            closing_on: until,
            statement_balance: closing.closing,
            books_balance,
            difference: zero,
            opening_difference: opening.checked_sub(books_before)?,
            unmatched,
            unmatched_total: zero,
            unlinked,
            unlinked_total: zero,
            charges,
            unexplained: zero,
        }
        .explain()?)
    }
}

/// The counterparty and the remittance text of a line, in one.
fn text_of(line: &BankLine) -> String {
    [
        line.counterparty_name.clone().unwrap_or_default(),
        line.remittance.clone(),
    ]
    .into_iter()
    .filter(|t| !t.is_empty())
    .collect::<Vec<_>>()
    .join(" / ")
}

/// The proposal for a line given the books as they are in `tx`.
fn proposal_in(tx: &Tx<'_>, line: &BankLine) -> anyhow::Result<Proposal> {
    let parties = tx.parties()?;
    let payers = tx.bank_payers()?;
    let mut facts = |code: &PartyCode| tx.party_facts(code);
    let candidates = candidates(&parties, &payers, &mut facts, line.value_on)?;
    let meetings = tx.bank_meeting_codes()?;
    Ok(for_meeting(
        propose(line, &candidates, tx.currency()?),
        line,
        &meetings,
    ))
}

/// Confirms one line in `tx`: what the officer chose, else what the rules propose.
fn confirm_line(tx: &Tx<'_>, line_id: i64, choice: &Confirmation) -> anyhow::Result<Confirmed> {
    let stored = tx
        .bank_line(line_id)?
        .ok_or_else(|| anyhow!("no bank line {line_id} (see `isu-ledger bank review`)"))?;
    if let Some(found) = &stored.confirmed {
        bail!(
            "bank line {line_id} is already confirmed as entry {}; nothing written",
            found.entry
        );
    }
    let line = &stored.line;
    if line.reversal {
        if !choice.is_empty() {
            bail!(
                "bank line {line_id} is a reversal by the bank: it is confirmed as the \
                 reversal of the line it undoes, with no --kind, --party or other choice"
            );
        }
        return confirm_reversal(tx, &stored);
    }
    let proposal = proposal_in(tx, line)?;
    let given_kind = choice
        .kind
        .or(choice.meeting.as_ref().map(|_| LineKind::Meeting))
        .or(choice.account.as_ref().map(|_| LineKind::OtherIncome));
    // A party given for a line proposed as other income says it is that party's money.
    let proposed_kind = match (proposal.kind, &choice.party) {
        (Some(LineKind::OtherIncome), Some(_)) => Some(LineKind::Contribution),
        (kind, _) => kind,
    };
    let kind = given_kind.or(proposed_kind).ok_or_else(|| {
        anyhow!(
            "bank line {line_id}: nothing proposed ({}); give --kind and --party",
            proposal.reason
        )
    })?;
    if let (Some(account), true) = (&choice.account, kind != LineKind::OtherIncome) {
        bail!(
            "bank line {line_id}: --account {account} is for other income only, not a {}",
            kind.as_str()
        );
    }
    match kind {
        LineKind::Contribution | LineKind::Voluntary => {
            if !line.is_credit() {
                bail!(
                    "bank line {line_id} is money out ({}): it cannot be confirmed as a \
                     {}; confirm it as a cost (--kind cost)",
                    line.amount,
                    kind.as_str()
                );
            }
            let party = choice
                .party
                .clone()
                .or(proposal.party.clone())
                .ok_or_else(|| {
                    anyhow!(
                        "bank line {line_id}: no State proposed ({}); give --party CODE",
                        proposal.reason
                    )
                })?;
            let year = choice.year.or(proposal.year);
            confirm_contribution(tx, &stored, party, year, kind, choice.book_charges)
        }
        LineKind::Meeting => {
            if !line.is_credit() {
                bail!(
                    "bank line {line_id} is money out ({}): it cannot be confirmed as a \
                     meeting payment",
                    line.amount
                );
            }
            let party = choice
                .party
                .clone()
                .or(proposal.party.clone())
                .ok_or_else(|| anyhow!("bank line {line_id}: give --party CODE"))?;
            let code = choice
                .meeting
                .clone()
                .or(proposal.meeting.clone())
                .ok_or_else(|| anyhow!("bank line {line_id}: give --meeting CODE"))?;
            confirm_meeting_payment(tx, &stored, party, &code)
        }
        LineKind::OtherIncome => {
            if !line.is_credit() {
                bail!(
                    "bank line {line_id} is money out ({}): it cannot be confirmed as other \
                     income; confirm it as a cost (--kind cost)",
                    line.amount
                );
            }
            if let Some(party) = &choice.party {
                bail!(
                    "bank line {line_id}: other income is from no party, yet --party {party} \
                     is given: confirm a State's money as --kind contribution or voluntary"
                );
            }
            confirm_other_income(tx, &stored, choice.account.clone(), choice.year)
        }
        LineKind::Reversal => {
            bail!("bank line {line_id} is no reversal by the bank: confirm it as what it is")
        }
        LineKind::Cost => {
            if line.is_credit() {
                bail!(
                    "bank line {line_id} is money in ({}): it cannot be confirmed as a cost",
                    line.amount
                );
            }
            let category = choice
                .category
                .as_deref()
                .or(proposal.category)
                .ok_or_else(|| anyhow!("bank line {line_id}: give --category for this cost"))?;
            let amount = Money::from_minor(-line.amount.minor(), line.amount.currency());
            let currency = line.amount.currency();
            let memo = text_of(line);
            let fields = CostFields {
                category,
                amount: &amount.plain(),
                line: choice.budget_line.as_deref(),
                currency: Some(currency.as_str()),
                rate: None,
                date: line.value_on,
                year: choice.year,
                fund: None,
                reference: Some(&line.bank_reference),
                memo: (!memo.is_empty()).then_some(memo.as_str()),
            };
            let done = record_cost(tx, &fields, false)?;
            tx.record_bank_match(
                line_id,
                &LineMatch {
                    kind: kind.as_str().to_string(),
                    entry: done.recorded.id(),
                    second_entry: None,
                },
            )?;
            Ok(Confirmed {
                line: line_id,
                kind,
                party: None,
                entry: done.recorded.id(),
                already_recorded: matches!(done.recorded, Recorded::AlreadyRecorded(_)),
                charge_entry: None,
                conversion_entry: None,
                amount,
                learned: Vec::new(),
                reverses: None,
                reapplied: 0,
            })
        }
    }
}

/// Records a credit from no party as other income: out of nothing owed, into `account`
/// (`income:other` unless another open income account is given), dated on the value date
/// with the bank's reference.
fn confirm_other_income(
    tx: &Tx<'_>,
    stored: &StoredLine,
    account: Option<AccountName>,
    year: Option<i32>,
) -> anyhow::Result<Confirmed> {
    use crate::ledger::{EntryKind, NewEntry, Transfer};
    let line = &stored.line;
    let account = match account {
        Some(account) => {
            if account.account_type() != AccountType::Income {
                bail!(
                    "bank line {}: other income is booked to an income account \
                     (income:...), not {account}",
                    stored.id
                );
            }
            tx.check_account_open(&account)?;
            account
        }
        None => accounts::other_income(),
    };
    let currency = line.amount.currency();
    let (rate, _) = super::rates::rate_for(tx, currency, None, line.value_on)?;
    let text: String = text_of(line).chars().take(DESCRIBED_CHARS_MAX).collect();
    let entry = NewEntry {
        date: line.value_on,
        description: if text.is_empty() {
            format!("Other income (bank reference {})", line.bank_reference)
        } else {
            format!("Other income: {text}")
        },
        kind: EntryKind::General,
        budget_year: year.unwrap_or_else(|| chrono::Datelike::year(&line.value_on)),
        fund: FundCode::isu(),
        party: None,
        reference: Some(line.bank_reference.clone()),
        reverses: None,
        rate,
        transfers: vec![Transfer::new(
            accounts::bank(currency),
            account,
            line.amount,
        )],
    };
    let recorded = tx.record_entry(&entry)?;
    tx.record_bank_match(
        stored.id,
        &LineMatch {
            kind: LineKind::OtherIncome.as_str().to_string(),
            entry: recorded.id(),
            second_entry: None,
        },
    )?;
    Ok(Confirmed {
        line: stored.id,
        kind: LineKind::OtherIncome,
        party: None,
        entry: recorded.id(),
        already_recorded: matches!(recorded, Recorded::AlreadyRecorded(_)),
        charge_entry: None,
        conversion_entry: None,
        amount: line.amount,
        learned: Vec::new(),
        reverses: None,
        reapplied: 0,
    })
}

/// The most characters of a line's text taken into an entry's description.
const DESCRIBED_CHARS_MAX: usize = 300;

/// Whether `text` names the bank reference `reference`: the reference, in any case, not
/// part of a longer word or reference.
fn names_reference(text: &str, reference: &str) -> bool {
    let text = text.to_uppercase();
    let reference = reference.trim().to_uppercase();
    if reference.len() < 3 {
        return false;
    }
    let joined = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
    text.match_indices(&reference).any(|(at, _)| {
        !joined(text[..at].chars().next_back())
            && !joined(text[at + reference.len()..].chars().next())
    })
}

/// Whether two lines have the same counterparty: the same account, else the same name.
fn same_counterparty(a: &BankLine, b: &BankLine) -> bool {
    if let (Some(x), Some(y)) = (&a.counterparty_account, &b.counterparty_account) {
        return fold_iban(x) == fold_iban(y);
    }
    match (&a.counterparty_name, &b.counterparty_name) {
        (Some(x), Some(y)) => {
            let x = fold(x);
            !x.is_empty() && x == fold(y)
        }
        _ => false,
    }
}

/// Confirms the bank's reversal of an earlier line: finds that line (the one of the
/// opposite amount the text names by its bank reference, else the latest of the opposite
/// amount from the same counterparty), reverses its entry (and second entry) by the rules
/// of `reverse`, dated on the reversal's value date, and links the reversal line to it.
fn confirm_reversal(tx: &Tx<'_>, stored: &StoredLine) -> anyhow::Result<Confirmed> {
    let line = &stored.line;
    let id = stored.id;
    let lines = tx.bank_lines_of(&line.account_iban)?;
    let undone = line
        .amount
        .minor()
        .checked_neg()
        .ok_or_else(|| anyhow!("bank line {id}: amount out of range"))?;
    let opposite = |l: &&StoredLine| {
        l.id != id
            && !l.line.reversal
            && l.line.amount.currency() == line.amount.currency()
            && l.line.amount.minor() == undone
    };
    let by_reference: Vec<&StoredLine> = lines
        .iter()
        .filter(opposite)
        .filter(|l| names_reference(&line.remittance, &l.line.bank_reference))
        .collect();
    let found = if by_reference.is_empty() {
        lines
            .iter()
            .filter(opposite)
            .filter(|l| l.line.booked_on <= line.booked_on && same_counterparty(&l.line, line))
            .collect()
    } else {
        by_reference
    };
    let undone_money = Money::from_minor(undone, line.amount.currency());
    if found.is_empty() {
        bail!(
            "bank line {id} is the bank's reversal of {}, but no line of {undone_money} \
             from {} and no line its text names by reference is in the books; nothing written",
            line.amount,
            line.counterparty_name
                .as_deref()
                .or(line.counterparty_account.as_deref())
                .unwrap_or("an unnamed counterparty")
        );
    }
    // A line is already undone when a confirmed reversal line is linked to the reversal of
    // its entry.
    let mut open = Vec::new();
    let mut taken = Vec::new();
    for candidate in found {
        let by = match &candidate.confirmed {
            Some(found) => tx.entry(found.entry)?.and_then(|e| e.reversed_by),
            None => None,
        };
        let linked = by.and_then(|by| {
            lines
                .iter()
                .find(|l| l.confirmed.as_ref().is_some_and(|m| m.entry == by))
        });
        match linked {
            Some(other) => taken.push((candidate.id, other.id)),
            None => open.push(candidate),
        }
    }
    let Some(original) = open.iter().rev().find(|l| l.confirmed.is_some()) else {
        if let Some(waiting) = open.last() {
            bail!(
                "bank line {id} reverses bank line {}, which is not confirmed yet: confirm \
                 line {} first, then this one; nothing written",
                waiting.id,
                waiting.id
            );
        }
        let (undone_line, by) = taken[0];
        bail!(
            "bank line {id}: the line it reverses (bank line {undone_line}) is already \
             reversed by bank line {by}; nothing written"
        );
    };
    let Some(found) = original.confirmed.clone() else {
        bail!("bank line {}: not confirmed", original.id);
    };
    let reason = format!(
        "reversed by the bank: bank line {id} ({}) undoes bank line {} ({})",
        line.bank_reference, original.id, original.line.bank_reference
    );
    let first = reverse_for_bank(tx, found.entry, &reason, line.value_on)?;
    let second = match found.second_entry {
        Some(entry) => Some(reverse_for_bank(tx, entry, &reason, line.value_on)?),
        None => None,
    };
    tx.record_bank_match(
        id,
        &LineMatch {
            kind: LineKind::Reversal.as_str().to_string(),
            entry: first.0,
            second_entry: second.as_ref().map(|s| s.0),
        },
    )?;
    let party = tx.entry(found.entry)?.and_then(|e| e.recorded.party);
    Ok(Confirmed {
        line: id,
        kind: LineKind::Reversal,
        party,
        entry: first.0,
        already_recorded: first.1,
        charge_entry: None,
        conversion_entry: None,
        amount: line.amount,
        learned: Vec::new(),
        reverses: Some((original.id, found.entry)),
        reapplied: first.2 + second.map_or(0, |s| s.2),
    })
}

/// Reverses `entry` for the bank, or finds it reversed already (by `reverse`): the
/// reversal's id, whether it was there, and how many entries the rule posted with it.
fn reverse_for_bank(
    tx: &Tx<'_>,
    entry: EntryId,
    reason: &str,
    date: NaiveDate,
) -> anyhow::Result<(EntryId, bool, usize)> {
    let original = tx
        .entry(entry)?
        .ok_or(StoreError::EntryNotFound { id: entry })?;
    if let Some(by) = original.reversed_by {
        return Ok((by, true, 0));
    }
    // The money has left the account: a fund it takes below zero is shown, not refused.
    let done = super::reversal::reverse_in(tx, entry, reason, Some(date), date, true)?;
    Ok((done.recorded.id(), false, done.reapplied.len()))
}

/// Records a line as a State's payment of its share of a meeting's costs, as `meeting pay`
/// does, in the meeting's currency.
fn confirm_meeting_payment(
    tx: &Tx<'_>,
    stored: &StoredLine,
    party: PartyCode,
    code: &str,
) -> anyhow::Result<Confirmed> {
    let line = &stored.line;
    let code: crate::domain::meeting::MeetingCode = code.parse()?;
    let record = super::meetings::find_meeting(tx, &code)?;
    let meeting = &record.meeting;
    if meeting.currency() != line.amount.currency() {
        bail!(
            "bank line {} is in {}, meeting {code} is paid in {}",
            stored.id,
            line.amount.currency(),
            meeting.currency()
        );
    }
    let name = tx
        .party(&party)?
        .ok_or_else(|| StoreError::PartyNotFound {
            code: party.clone(),
        })?
        .name;
    let entry = crate::domain::meeting::payment_entry(
        meeting,
        &party,
        &name,
        line.amount,
        line.value_on,
        Some(line.bank_reference.clone()),
    )?;
    let recorded = tx.record_entry(&entry)?;
    tx.record_bank_match(
        stored.id,
        &LineMatch {
            kind: LineKind::Meeting.as_str().to_string(),
            entry: recorded.id(),
            second_entry: None,
        },
    )?;
    let learned = learn_payer(tx, stored, &party)?;
    Ok(Confirmed {
        line: stored.id,
        kind: LineKind::Meeting,
        party: Some(party),
        entry: recorded.id(),
        already_recorded: matches!(recorded, Recorded::AlreadyRecorded(_)),
        charge_entry: None,
        conversion_entry: None,
        amount: line.amount,
        learned,
        reverses: None,
        reapplied: 0,
    })
}

fn confirm_contribution(
    tx: &Tx<'_>,
    stored: &StoredLine,
    party: PartyCode,
    year: Option<i32>,
    kind: LineKind,
    book_charges: bool,
) -> anyhow::Result<Confirmed> {
    let line = &stored.line;
    let charges = if book_charges {
        Some(line.charges_deducted().ok_or_else(|| {
            anyhow!(
                "bank line {}: no charges were deducted on the way (the payer's instructed \
                 amount is not given, or is what arrived)",
                stored.id
            )
        })?)
    } else {
        None
    };
    // A payment sent in another currency and converted by the bank into the account's book
    // currency is the payer's amount at the bank's rate, when that gives what arrived to
    // the cent; the bank's conversion then moves it into the account in the book currency.
    let book = tx.currency()?;
    let converted = match (line.instructed, line.rate, charges) {
        (Some(instructed), Some(rate), None)
            if instructed.currency() != line.amount.currency()
                && line.amount.currency() == book
                && instructed.convert(rate, book).ok() == Some(line.amount) =>
        {
            Some((instructed, rate))
        }
        _ => None,
    };
    let amount = match (charges, converted) {
        (Some(charges), _) => line.amount.checked_add(charges)?,
        (None, Some((instructed, _))) => instructed,
        (None, None) => line.amount,
    };
    let (rate, _) = match converted {
        Some((_, rate)) => (Some(rate), None),
        None => super::rates::rate_for(tx, amount.currency(), None, line.value_on)?,
    };
    let contribution = Contribution {
        party: party.clone(),
        amount,
        rate,
        date: line.value_on,
        budget_year: year,
        fund: FundCode::isu(),
        reference: Some(line.bank_reference.clone()),
        voluntary: kind == LineKind::Voluntary,
    };
    let mut writer = ContributionWriter::new(tx)?;
    let (_, recorded) = writer.record(&contribution)?;
    let second_entry = match (charges, converted) {
        (None, Some((instructed, rate))) => {
            Some(record_bank_conversion(tx, line, instructed, rate)?)
        }
        (Some(charges), _) => {
            let memo = format!(
                "charges deducted by banks on the way: {} paid, {} arrived",
                amount, line.amount
            );
            let reference = format!("{}/charges", line.bank_reference);
            let charge_currency = charges.currency();
            let fields = CostFields {
                category: crate::domain::bank::matching::CHARGES_CATEGORY,
                amount: &charges.plain(),
                line: None,
                currency: Some(charge_currency.as_str()),
                rate: None,
                date: line.value_on,
                year: None,
                fund: None,
                reference: Some(&reference),
                memo: Some(&memo),
            };
            // The money arrived with the contribution: the charge never takes the fund
            // below what it held before.
            Some(record_cost(tx, &fields, true)?.recorded.id())
        }
        (None, None) => None,
    };
    tx.record_bank_match(
        stored.id,
        &LineMatch {
            kind: kind.as_str().to_string(),
            entry: recorded.id(),
            second_entry,
        },
    )?;
    // What the officer confirmed is learned: the next line from this payer matches alone.
    let learned = learn_payer(tx, stored, &party)?;
    Ok(Confirmed {
        line: stored.id,
        kind,
        party: Some(party),
        entry: recorded.id(),
        already_recorded: matches!(recorded, Recorded::AlreadyRecorded(_)),
        charge_entry: second_entry.filter(|_| charges.is_some()),
        conversion_entry: second_entry.filter(|_| converted.is_some()),
        amount,
        learned,
        reverses: None,
        reapplied: 0,
    })
}

/// The bank's conversion of `instructed` into the book currency that arrived on the account,
/// at its rate: out of the bank account in the instructed currency, into the book currency's,
/// through the conversion account like every change of currency.
fn record_bank_conversion(
    tx: &Tx<'_>,
    line: &BankLine,
    instructed: Money,
    rate: crate::money::Rate,
) -> anyhow::Result<EntryId> {
    use crate::ledger::{EntryKind, NewEntry, Transfer};
    let entry = NewEntry {
        date: line.value_on,
        description: format!(
            "Bank conversion of {instructed} into {} at {rate} (bank reference {})",
            line.amount, line.bank_reference
        ),
        kind: EntryKind::General,
        budget_year: chrono::Datelike::year(&line.value_on),
        fund: FundCode::isu(),
        party: None,
        reference: Some(format!("{}/conversion", line.bank_reference)),
        reverses: None,
        rate: Some(rate),
        transfers: vec![
            Transfer::new(
                accounts::conversion(),
                accounts::bank(instructed.currency()),
                instructed,
            ),
            Transfer::new(
                accounts::bank(line.amount.currency()),
                accounts::conversion(),
                line.amount,
            ),
        ],
    };
    Ok(tx.record_entry(&entry)?.id())
}

/// Learns the payer name and account of a confirmed line for `party`; says what was new.
fn learn_payer(tx: &Tx<'_>, stored: &StoredLine, party: &PartyCode) -> anyhow::Result<Vec<String>> {
    let line = &stored.line;
    let mut learned = Vec::new();
    if let Some(name) = &line.counterparty_name {
        let payer = Payer {
            party: party.clone(),
            name: Some(name.clone()),
            account: None,
            learned_from: Some(stored.id),
        };
        if tx.record_bank_payer(&payer)? {
            learned.push(format!("payer name '{name}'"));
        }
    }
    if let Some(account) = &line.counterparty_account {
        let payer = Payer {
            party: party.clone(),
            name: None,
            account: Some(account.clone()),
            learned_from: Some(stored.id),
        };
        if tx.record_bank_payer(&payer)? {
            learned.push(format!("payer account {account}"));
        }
    }
    Ok(learned)
}
