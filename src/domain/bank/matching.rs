//! The rules that propose, for each bank line, which party paid and what kind of income it
//! is, with the reason and how sure the proposal is. Pure functions over the line and what
//! the books know of each party (its name, the payer names and accounts learned when the
//! finance officer confirmed earlier lines, and what it owes).
//!
//! A party is *named* by a line when the payer account or payer name was learned for it, or
//! when the text holds its ISO code or its name. A line naming two parties is never matched
//! automatically. The amount only ever supports a name: equal to what the named party owes
//! (for the year in the text, or in all), the match is certain; with no party named, an
//! amount equal to what one party owes is a guess for the officer to confirm.

use serde::Serialize;

use super::{fold, fold_iban, BankLine};
use crate::ledger::PartyCode;
use crate::money::Currency;

/// What the books know of one party, for matching.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub code: Option<PartyCode>,
    pub name: String,
    /// Payer names learned, as written on the lines.
    pub payer_names: Vec<String>,
    /// Payer accounts learned.
    pub payer_accounts: Vec<String>,
    /// What the party owes on the line's date, per budget year, in minor units of the book currency.
    pub owed: Vec<(i32, i64)>,
}

/// How sure a proposal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Nothing to propose: the officer decides.
    None,
    /// A party is proposed, but the officer confirms it.
    Likely,
    /// One party named and its payer known, or the amount is what it owes:
    /// `bank confirm --all-certain` records it.
    Certain,
}

impl Confidence {
    pub fn as_str(&self) -> &'static str {
        match self {
            Confidence::None => "none",
            Confidence::Likely => "likely",
            Confidence::Certain => "certain",
        }
    }
}

/// What a line is recorded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineKind {
    /// A party's contribution, applied to what it owes by the rule.
    Contribution,
    /// A party's voluntary contribution, settling nothing it owes (other income).
    Voluntary,
    /// A State's payment of its share of a meeting's costs (`meeting pay`).
    Meeting,
    /// Income from no party: the bank's interest, a supplier's refund, a gift.
    OtherIncome,
    /// Money out: a cost, such as the bank's charges.
    Cost,
    /// The bank's reversal of an earlier line: the entry of that line is reversed.
    Reversal,
}

impl LineKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            LineKind::Contribution => "contribution",
            LineKind::Voluntary => "voluntary",
            LineKind::Meeting => "meeting",
            LineKind::OtherIncome => "other-income",
            LineKind::Cost => "cost",
            LineKind::Reversal => "reversal",
        }
    }
}

impl std::str::FromStr for LineKind {
    type Err = String;
    fn from_str(text: &str) -> Result<LineKind, String> {
        match text.trim() {
            "contribution" => Ok(LineKind::Contribution),
            "voluntary" => Ok(LineKind::Voluntary),
            "meeting" => Ok(LineKind::Meeting),
            "other-income" => Ok(LineKind::OtherIncome),
            "cost" => Ok(LineKind::Cost),
            other => Err(format!(
                "unknown kind '{}' (kinds: contribution, voluntary, meeting, other-income, \
                 cost)",
                crate::text::excerpt(other)
            )),
        }
    }
}

/// The proposed match of a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub kind: Option<LineKind>,
    pub party: Option<PartyCode>,
    /// The budget year the text names.
    pub year: Option<i32>,
    /// For a cost: the category proposed.
    pub category: Option<&'static str>,
    /// For a meeting payment: the meeting the text names.
    pub meeting: Option<String>,
    pub confidence: Confidence,
    pub reason: String,
}

/// Three-letter words of bank texts that are also ISO codes of States: never taken for one.
const CODES_THAT_ARE_WORDS: [&str; 12] = [
    "AND", "ARE", "CAN", "COM", "DOM", "GAB", "MAR", "NOR", "PER", "TON", "TUN", "BEL",
];

/// The cost category bank charges are proposed as (its default budget line is `office`).
pub const CHARGES_CATEGORY: &str = "office";

/// Words of a debit's text that say the bank charged a fee.
const CHARGE_WORDS: [&str; 11] = [
    "CHARGE",
    "CHARGES",
    "FEE",
    "FEES",
    "FRAIS",
    "SPESEN",
    "GEBUHR",
    "GEBUEHR",
    "GEBUHREN",
    "COMMISSION",
    "KOMMISSION",
];

/// Words of a credit's text that say it is interest: other income, from no party.
const INTEREST_WORDS: [&str; 10] = [
    "INTEREST",
    "INTERESTS",
    "ZINS",
    "ZINSEN",
    "HABENZINS",
    "HABENZINSEN",
    "INTERET",
    "INTERETS",
    "INTERES",
    "INTERESES",
];

/// The years (1990 to 2100) a text names, each once, in order.
pub fn years_named(text: &str) -> Vec<i32> {
    let mut years = Vec::new();
    for word in fold(text).split(' ') {
        let digits: String = word.chars().filter(char::is_ascii_digit).collect();
        // `2017`, `CONTRIB2017`, `FY2017`: four digits standing alone in the word.
        if digits.len() == 4 && word.len() - digits.len() <= 7 {
            if let Ok(year) = digits.parse::<i32>() {
                if (1990..=2100).contains(&year) && !years.contains(&year) {
                    years.push(year);
                }
            }
        }
    }
    years
}

/// Why `candidate` is named by the line, if it is.
fn named_by(line: &BankLine, words: &str, candidate: &Candidate) -> Option<String> {
    let code = candidate.code.as_ref()?;
    if let Some(account) = &line.counterparty_account {
        let account = fold_iban(account);
        if candidate
            .payer_accounts
            .iter()
            .any(|a| fold_iban(a) == account)
        {
            return Some(format!("payer account {account} is known for {code}"));
        }
    }
    if let Some(name) = &line.counterparty_name {
        let name = fold(name);
        if !name.is_empty() && candidate.payer_names.iter().any(|n| fold(n) == name) {
            return Some(format!("payer '{name}' is known for {code}"));
        }
    }
    let padded = format!(" {words} ");
    let party_name = fold(&candidate.name);
    if party_name.len() >= 4 && padded.contains(&format!(" {party_name} ")) {
        return Some(format!("the text names {}", candidate.name));
    }
    let code_text = code.as_str();
    if code_text.len() == 3
        && !CODES_THAT_ARE_WORDS.contains(&code_text)
        && padded.contains(&format!(" {code_text} "))
    {
        return Some(format!("the text holds the code {code_text}"));
    }
    None
}

/// Whether the payer of the line is known (learned account or name) for the candidate.
fn payer_known(reason: &str) -> bool {
    reason.starts_with("payer")
}

/// Makes a proposal for a credit that names a meeting (its code in the text) a meeting
/// payment: for the officer to confirm, never certain, since the share owed is the
/// meeting's, not the budget year's.
pub fn for_meeting(mut proposal: Proposal, line: &BankLine, meetings: &[String]) -> Proposal {
    if !line.is_credit() || line.reversal {
        return proposal;
    }
    let words = format!(" {} ", fold(&line.remittance));
    let Some(code) = meetings
        .iter()
        .find(|code| words.contains(&format!(" {} ", fold(code))))
    else {
        return proposal;
    };
    proposal.kind = Some(LineKind::Meeting);
    proposal.meeting = Some(code.clone());
    proposal.confidence = proposal.confidence.min(Confidence::Likely);
    proposal.reason = format!("the text names the meeting {code}; {}", proposal.reason);
    proposal
}

/// The proposal for one line, given every party the books know.
pub fn propose(line: &BankLine, candidates: &[Candidate], book: Currency) -> Proposal {
    let text = format!(
        "{} {}",
        line.counterparty_name.as_deref().unwrap_or(""),
        line.remittance
    );
    let words = fold(&text);
    let years = years_named(&line.remittance);
    let year = match years.as_slice() {
        [year] => Some(*year),
        _ => None,
    };
    let nothing = |reason: String| Proposal {
        kind: None,
        party: None,
        year,
        category: None,
        meeting: None,
        confidence: Confidence::None,
        reason,
    };
    if line.reversal {
        return Proposal {
            kind: Some(LineKind::Reversal),
            party: None,
            year,
            category: None,
            meeting: None,
            confidence: Confidence::Likely,
            reason: "the bank reversed an earlier booking: confirming it reverses the entry \
                     of the line it undoes"
                .into(),
        };
    }
    if !line.is_credit() {
        let charge = words.split(' ').find(|w| CHARGE_WORDS.contains(w));
        return match charge {
            Some(word) => Proposal {
                kind: Some(LineKind::Cost),
                party: None,
                year,
                category: Some(CHARGES_CATEGORY),
                meeting: None,
                confidence: Confidence::Likely,
                reason: format!("money out; the text says '{word}': bank charges"),
            },
            None => Proposal {
                kind: Some(LineKind::Cost),
                party: None,
                year,
                category: None,
                meeting: None,
                confidence: Confidence::None,
                reason: "money out: a cost, category to choose".into(),
            },
        };
    }
    let mut named: Vec<(&Candidate, String)> = candidates
        .iter()
        .filter_map(|c| named_by(line, &words, c).map(|why| (c, why)))
        .collect();
    // A payer account known for a party outweighs a payer name learned for another: one
    // ministry name may be written alike by several States' banks.
    if named
        .iter()
        .any(|(_, why)| why.starts_with("payer account"))
    {
        named.retain(|(_, why)| !why.starts_with("payer '"));
    }
    let in_book = (line.amount.currency() == book).then_some(line.amount.minor());
    let owes_exactly = |candidate: &Candidate| -> Option<String> {
        let amount = in_book?;
        let total: i64 = candidate.owed.iter().map(|(_, m)| m).sum();
        match year {
            Some(y)
                if candidate
                    .owed
                    .iter()
                    .any(|(oy, m)| *oy == y && *m == amount) =>
            {
                Some(format!("the amount is what it owes for {y}"))
            }
            _ if total == amount && total > 0 => {
                Some("the amount is what it owes in all".to_string())
            }
            _ => None,
        }
    };
    match named.as_slice() {
        [(candidate, why)] => {
            let code = candidate.code.clone();
            let exact = owes_exactly(candidate);
            let (confidence, reason) = match (&exact, payer_known(why)) {
                (Some(amount), _) => (Confidence::Certain, format!("{why}; {amount}")),
                (None, true) => (Confidence::Certain, why.clone()),
                (None, false) => (
                    Confidence::Likely,
                    format!("{why}; the amount is not what it owes"),
                ),
            };
            Proposal {
                kind: Some(LineKind::Contribution),
                party: code,
                year,
                category: None,
                meeting: None,
                confidence,
                reason,
            }
        }
        [] if words.split(' ').any(|w| INTEREST_WORDS.contains(&w)) => {
            let word = words
                .split(' ')
                .find(|w| INTEREST_WORDS.contains(w))
                .unwrap_or_default();
            Proposal {
                kind: Some(LineKind::OtherIncome),
                party: None,
                year,
                category: None,
                meeting: None,
                confidence: Confidence::Likely,
                reason: format!("no State named; the text says '{word}': other income"),
            }
        }
        [] => {
            let by_amount: Vec<(&Candidate, String)> = candidates
                .iter()
                .filter_map(|c| owes_exactly(c).map(|why| (c, why)))
                .collect();
            match by_amount.as_slice() {
                [(candidate, why)] => Proposal {
                    kind: Some(LineKind::Contribution),
                    party: candidate.code.clone(),
                    year,
                    category: None,
                    meeting: None,
                    confidence: Confidence::Likely,
                    reason: format!(
                        "no State named; {why} ({})",
                        candidate.code.as_ref().map_or("", |c| c.as_str())
                    ),
                },
                _ => nothing("no State named and no amount owed alike".into()),
            }
        }
        several => {
            let codes: Vec<&str> = several
                .iter()
                .filter_map(|(c, _)| c.code.as_ref().map(PartyCode::as_str))
                .collect();
            nothing(format!(
                "names several States ({}): choose with --party",
                codes.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use chrono::NaiveDate;

    fn line(name: &str, account: Option<&str>, text: &str, minor: i64) -> BankLine {
        let day = NaiveDate::from_ymd_opt(2017, 3, 15).unwrap();
        BankLine {
            account_iban: "CH11".into(),
            bank_reference: "R".into(),
            booked_on: day,
            value_on: day,
            amount: Money::from_minor(minor, Currency::CHF),
            counterparty_name: Some(name.into()),
            counterparty_account: account.map(str::to_string),
            remittance: text.into(),
            reversal: false,
            instructed: None,
            rate: None,
        }
    }

    fn party(code: &str, name: &str, owed: &[(i32, i64)]) -> Candidate {
        Candidate {
            code: Some(code.parse().unwrap()),
            name: name.into(),
            owed: owed.to_vec(),
            ..Candidate::default()
        }
    }

    #[test]
    fn years_are_read_from_the_text() {
        assert_eq!(years_named("CONTRIB 2017 ISU CCM"), vec![2017]);
        assert_eq!(years_named("contribution 2016/2017"), vec![2016, 2017]);
        assert_eq!(years_named("INVOICE 123456 FY2018"), vec![2018]);
        assert!(years_named("REF 20170315").is_empty());
    }

    #[test]
    fn a_learned_payer_name_makes_a_certain_match() {
        let mut france = party("FRA", "France", &[(2017, 1_000_000)]);
        let paris = line(
            "MINISTERE DES AFFAIRES ETRANGERES ET EUROPEENNES PARIS",
            None,
            "CONTRIB 2017 ISU CCM",
            500_000,
        );
        let before = propose(&paris, std::slice::from_ref(&france), Currency::CHF);
        assert_eq!(before.party, None);
        france.payer_names = vec!["Ministère des Affaires étrangères et européennes Paris".into()];
        let after = propose(&paris, &[france], Currency::CHF);
        assert_eq!(after.party.as_ref().map(PartyCode::as_str), Some("FRA"));
        assert_eq!(
            (after.confidence, after.year),
            (Confidence::Certain, Some(2017))
        );
    }

    #[test]
    fn two_states_named_are_not_matched() {
        let parties = [
            party("DEU", "Germany", &[(2017, 100)]),
            party("AUT", "Austria", &[(2017, 100)]),
        ];
        let proposal = propose(
            &line("X", None, "CONTRIBUTION 2017 DEU AUT", 100),
            &parties,
            Currency::CHF,
        );
        assert_eq!(
            (proposal.party, proposal.confidence),
            (None, Confidence::None)
        );
        assert!(proposal.reason.contains("AUT, DEU") || proposal.reason.contains("DEU, AUT"));
    }

    #[test]
    fn an_amount_never_overrides_a_clear_name() {
        let parties = [
            party("DEU", "Germany", &[(2017, 250_000)]),
            party("NLD", "Netherlands", &[(2017, 100_000)]),
        ];
        // 1'000.00 is what the Netherlands owes; the text names Germany.
        let proposal = propose(
            &line("Federal Foreign Office", None, "Germany 2017", 100_000),
            &parties,
            Currency::CHF,
        );
        assert_eq!(proposal.party.as_ref().map(PartyCode::as_str), Some("DEU"));
        assert_eq!(proposal.confidence, Confidence::Likely);
        let by_amount = propose(
            &line("Unknown", None, "ISU", 100_000),
            &parties,
            Currency::CHF,
        );
        assert_eq!(by_amount.party.as_ref().map(PartyCode::as_str), Some("NLD"));
        assert_eq!(by_amount.confidence, Confidence::Likely);
    }

    #[test]
    fn a_credit_naming_a_meeting_is_a_meeting_payment_to_confirm() {
        let parties = [party("DEU", "Germany", &[(2017, 100_000)])];
        let paid = line(
            "Federal Foreign Office",
            None,
            "Germany 7MSP share",
            100_000,
        );
        let proposal = for_meeting(
            propose(&paid, &parties, Currency::CHF),
            &paid,
            &["7MSP".into()],
        );
        assert_eq!(proposal.kind, Some(LineKind::Meeting));
        assert_eq!(proposal.meeting.as_deref(), Some("7MSP"));
        assert_eq!(proposal.confidence, Confidence::Likely);
        let other = for_meeting(
            propose(&paid, &parties, Currency::CHF),
            &paid,
            &["8MSP".into()],
        );
        assert_eq!(other.kind, Some(LineKind::Contribution));
    }

    #[test]
    fn interest_is_other_income_unless_a_state_is_named() {
        let parties = [party("DEU", "Germany", &[(2017, 1_250)])];
        for text in [
            "Credit interest Q1",
            "Habenzins 2017",
            "Zinsen",
            "Intérêts créditeurs",
            "Intereses",
        ] {
            let proposal = propose(&line("UBS", None, text, 1_250), &parties, Currency::CHF);
            assert_eq!(proposal.kind, Some(LineKind::OtherIncome), "{text}");
            assert_eq!(
                (proposal.party, proposal.confidence),
                (None, Confidence::Likely)
            );
        }
        let late = propose(
            &line("X", None, "Germany late interest", 1_250),
            &parties,
            Currency::CHF,
        );
        assert_eq!(late.kind, Some(LineKind::Contribution));
        // An interest charged on the account is money out: a cost.
        let charged = propose(
            &line("UBS", None, "Debit interest", -1_250),
            &parties,
            Currency::CHF,
        );
        assert_eq!(charged.kind, Some(LineKind::Cost));
        assert_eq!("other-income".parse(), Ok(LineKind::OtherIncome));
        assert!("reversal".parse::<LineKind>().is_err());
    }

    #[test]
    fn a_debit_with_a_fee_is_a_bank_charge() {
        let proposal = propose(
            &line("UBS", None, "Frais de tenue de compte", -1_500),
            &[],
            Currency::CHF,
        );
        assert_eq!(proposal.kind, Some(LineKind::Cost));
        assert_eq!(proposal.category, Some(CHARGES_CATEGORY));
        let plain = propose(
            &line("Printer SA", None, "Invoice 17", -10_000),
            &[],
            Currency::CHF,
        );
        assert_eq!(plain.confidence, Confidence::None);
    }
}
