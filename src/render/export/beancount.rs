//! The beancount file, and the reversible mapping of account names into beancount's.
//!
//! Beancount wants every account-name component to start with a capital letter or a digit
//! and to hold only letters, digits and `-` (and non-ASCII letters), while the ledger's
//! segments are ASCII letters, digits, `-` and `_`, mostly in lower case. Each segment is
//! mapped on its own, by the first of these rules that applies:
//!
//! 1. it starts with a digit and holds no `_`: unchanged (`2017`);
//! 2. it starts with a lower-case letter, has no other capital and no `_`: its first letter
//!    is capitalised (`assets` → `Assets`, `fund-balance` → `Fund-balance`);
//! 3. it starts with a capital, has another capital after it and no `_`: unchanged (`DEU`);
//! 4. anything else (`Deu`, `X`, `dEU`, `staff_costs`): `Ξ` followed by the segment's bytes
//!    in upper-case hexadecimal (`staff_costs` → `Ξ73746166665F636F737473`).
//!
//! Beancount has no account of a type alone, so the ledger's bare `expenses` is written
//! `Expenses:Ξ` (the mark with no bytes after it).
//!
//! The forms cannot be confused: rule 1 gives a leading digit, rule 2 a capital followed by
//! no capital, rule 3 a capital followed by a capital, rule 4 a leading `Ξ`. So
//! `account_from_beancount` gives back the ledger's name exactly, and two ledger accounts
//! never share a beancount name.

use std::io::{self, Write};

use super::{converted_currencies, one_line, ExportScope};
use crate::ledger::{AccountName, Entry, BUDGET_YEAR_MIN};
use crate::store::ExportFacts;

/// Marks a segment written as hexadecimal (rule 4).
const HEX_MARK: char = 'Ξ';

fn segment_to_beancount(segment: &str) -> String {
    let mut chars = segment.chars();
    let first = chars.next().unwrap_or('_');
    let rest = chars.as_str();
    let has_underscore = segment.contains('_');
    let rest_has_capital = rest.chars().any(|c| c.is_ascii_uppercase());
    if !has_underscore && first.is_ascii_digit() {
        segment.to_string()
    } else if !has_underscore && first.is_ascii_lowercase() && !rest_has_capital {
        format!("{}{rest}", first.to_ascii_uppercase())
    } else if !has_underscore && first.is_ascii_uppercase() && rest_has_capital {
        segment.to_string()
    } else {
        let hex: String = segment.bytes().map(|b| format!("{b:02X}")).collect();
        format!("{HEX_MARK}{hex}")
    }
}

fn segment_from_beancount(segment: &str) -> Option<String> {
    if let Some(hex) = segment.strip_prefix(HEX_MARK) {
        if hex.is_empty() || hex.len() % 2 != 0 {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
            .collect();
        return String::from_utf8(bytes?).ok();
    }
    let mut chars = segment.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    if first.is_ascii_digit() {
        Some(segment.to_string())
    } else if first.is_ascii_uppercase() && !rest.chars().any(|c| c.is_ascii_uppercase()) {
        Some(format!("{}{rest}", first.to_ascii_lowercase()))
    } else if first.is_ascii_uppercase() {
        Some(segment.to_string())
    } else {
        None
    }
}

/// The beancount name of a ledger account: `assets:bank:chf` → `Assets:Bank:Chf`.
pub fn account_to_beancount(account: &AccountName) -> String {
    let mut name = account
        .as_str()
        .split(':')
        .map(segment_to_beancount)
        .collect::<Vec<_>>()
        .join(":");
    if !account.as_str().contains(':') {
        name.push(':');
        name.push(HEX_MARK);
    }
    name
}

/// The ledger account a beancount name stands for, if it is one `account_to_beancount`
/// can write.
pub fn account_from_beancount(name: &str) -> Option<AccountName> {
    let bare_mark = format!(":{HEX_MARK}");
    if let Some(top) = name.strip_suffix(&bare_mark) {
        return if top.contains(':') {
            None
        } else {
            account_from_beancount(top).filter(|a| !a.as_str().contains(':'))
        };
    }
    let segments: Option<Vec<String>> = name.split(':').map(segment_from_beancount).collect();
    segments?.join(":").parse().ok()
}

/// A beancount string literal.
fn quoted(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for c in one_line(text).chars() {
        if c == '"' || c == '\\' {
            literal.push('\\');
        }
        literal.push(c);
    }
    literal.push('"');
    literal
}

pub fn header(out: &mut dyn Write, facts: &ExportFacts, scope: &ExportScope) -> io::Result<()> {
    writeln!(
        out,
        "; isu-ledger export, for beancount.\n\
         ; Account names map back to the ledger's: see `isu-ledger export --help`.\n\
         ; Amounts are exact to the centime; each transfer is one pair of postings."
    )?;
    if let Some(year) = scope.budget_year {
        writeln!(out, "; Entries of budget year {year} only.")?;
    }
    writeln!(
        out,
        "\noption \"title\" \"isu-ledger\"\noption \"operating_currency\" \"{}\"\n",
        scope.currency
    )?;
    // Everything is opened on the earliest entry's date, so every posting comes after it.
    let opened = facts.first_date.unwrap_or_else(|| {
        chrono::NaiveDate::from_ymd_opt(BUDGET_YEAR_MIN, 1, 1).expect("a valid date")
    });
    for currency in &facts.currencies {
        writeln!(out, "{opened} commodity {currency}")?;
    }
    for account in &facts.accounts {
        writeln!(
            out,
            "{opened} open {}  ; {account}",
            account_to_beancount(account)
        )?;
    }
    Ok(())
}

pub fn entry(out: &mut dyn Write, entry: &Entry, scope: &ExportScope) -> io::Result<()> {
    let recorded = &entry.recorded;
    let date = recorded.date;
    if let Some(rate) = recorded.rate {
        for currency in converted_currencies(entry, scope.currency) {
            writeln!(out, "\n{date} price {currency} {rate} {}", scope.currency)?;
        }
    }
    let party_name = recorded
        .party
        .as_ref()
        .and_then(|party| scope.party_names.get(party));
    let payee = party_name.map_or(String::new(), |name| format!("{} ", quoted(name)));
    writeln!(
        out,
        "\n{date} * {payee}{} #{}",
        quoted(&recorded.description),
        recorded.kind.as_str()
    )?;
    writeln!(out, "  entry: {}", entry.id)?;
    writeln!(out, "  kind: {}", quoted(recorded.kind.as_str()))?;
    writeln!(out, "  budget-year: {}", recorded.budget_year)?;
    writeln!(out, "  fund: {}", quoted(recorded.fund.as_str()))?;
    if let Some(party) = &recorded.party {
        writeln!(out, "  party: {}", quoted(party.as_str()))?;
    }
    if let Some(reference) = &recorded.reference {
        writeln!(out, "  ref: {}", quoted(reference))?;
    }
    if let Some(rate) = recorded.rate {
        writeln!(out, "  rate: {}", quoted(&rate.to_string()))?;
    }
    if let Some((id, reason)) = &recorded.reverses {
        writeln!(out, "  reverses: {id}")?;
        writeln!(out, "  reason: {}", quoted(reason))?;
    }
    if let Some(id) = entry.reversed_by {
        writeln!(out, "  reversed-by: {id}")?;
    }
    writeln!(out, "  entered-by: {}", quoted(&entry.entered_by))?;
    for transfer in &recorded.transfers {
        let currency = transfer.amount.currency();
        let amount = transfer.amount.plain();
        let debit = account_to_beancount(&transfer.debit);
        let credit = account_to_beancount(&transfer.credit);
        // A transfer counted for another budget year than its entry's says so on both of
        // its postings.
        let year = match transfer.budget_year {
            Some(year) if year != recorded.budget_year => format!("\n    budget-year: {year}"),
            _ => String::new(),
        };
        writeln!(out, "  {debit}  {amount} {currency}{year}")?;
        writeln!(out, "  {credit}  -{amount} {currency}{year}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_map_both_ways() {
        for (ours, theirs) in [
            ("assets:bank:chf", "Assets:Bank:Chf"),
            (
                "assets:receivable:contributions:DEU",
                "Assets:Receivable:Contributions:DEU",
            ),
            ("equity:fund-balance:isu", "Equity:Fund-balance:Isu"),
            ("expenses:2017", "Expenses:2017"),
            ("expenses:staff_costs", "Expenses:Ξ73746166665F636F737473"),
            ("liabilities:Deu", "Liabilities:Ξ446575"),
            ("liabilities:X", "Liabilities:Ξ58"),
            ("liabilities:dEU", "Liabilities:Ξ644555"),
            ("income:-x", "Income:Ξ2D78"),
            ("income:x", "Income:X"),
            ("income:A1", "Income:Ξ4131"),
            ("income:AB1", "Income:AB1"),
            ("expenses", "Expenses:Ξ"),
        ] {
            let account: AccountName = ours.parse().unwrap();
            assert_eq!(account_to_beancount(&account), theirs, "{ours}");
            assert_eq!(account_from_beancount(theirs), Some(account), "{theirs}");
        }
        for not_ours in [
            "Bank:Chf",
            "Assets:bank",
            "Assets:Ξ4",
            "Assets:ΞZZ",
            "Assets::X",
            "Assets:X:Ξ",
        ] {
            assert_eq!(account_from_beancount(not_ours), None, "{not_ours}");
        }
    }

    #[test]
    fn strings_are_escaped_on_one_line() {
        assert_eq!(quoted("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c d\"");
    }
}
