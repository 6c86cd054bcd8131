//! The hledger/ledger journal: one file that both programs read.
//!
//! Account names are the ledger's own (`assets:bank:chf`): lower-case type, then segments of
//! letters, digits, `-` and `_`, which both programs accept as they are, so the mapping is
//! the identity. Metadata go on `; key: value` comment lines under the transaction line,
//! declared with `tag` directives so that `ledger --pedantic` accepts them.

use std::io::{self, Write};

use super::{converted_currencies, one_line, ExportScope};
use crate::ledger::Entry;
use crate::store::ExportFacts;

/// The metadata keys an entry may carry.
const TAGS: [&str; 12] = [
    "entry",
    "kind",
    "budget-year",
    "fund",
    "party",
    "party-name",
    "ref",
    "rate",
    "reverses",
    "reason",
    "reversed-by",
    "entered-by",
];

pub fn header(out: &mut dyn Write, facts: &ExportFacts, scope: &ExportScope) -> io::Result<()> {
    writeln!(
        out,
        "; isu-ledger journal export, for hledger and ledger.\n\
         ; Amounts are exact to the centime; each transfer is one pair of postings."
    )?;
    if let Some(year) = scope.budget_year {
        writeln!(out, "; Entries of budget year {year} only.")?;
    }
    writeln!(out)?;
    for currency in &facts.currencies {
        writeln!(out, "commodity {currency}\n    format {currency} 1000.00")?;
    }
    writeln!(out)?;
    for tag in TAGS {
        writeln!(out, "tag {tag}")?;
    }
    writeln!(out)?;
    for account in &facts.accounts {
        writeln!(out, "account {account}")?;
    }
    Ok(())
}

/// The description as a transaction line holds it: on one line, without `;` (which starts
/// a comment in hledger) and without a leading `(` (which starts a code).
fn description(text: &str) -> String {
    let text = one_line(text).replace(';', ",");
    match text.strip_prefix('(') {
        Some(rest) => format!("[{rest}"),
        None => text,
    }
}

/// A reference is shown as the transaction's code when neither program could misread it.
fn is_plain_code(reference: &str) -> bool {
    reference
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:#".contains(c))
}

pub fn entry(out: &mut dyn Write, entry: &Entry, scope: &ExportScope) -> io::Result<()> {
    let recorded = &entry.recorded;
    let date = recorded.date;
    if let Some(rate) = recorded.rate {
        for currency in converted_currencies(entry, scope.currency) {
            writeln!(out, "\nP {date} {currency} {rate} {}", scope.currency)?;
        }
    }
    let code = match &recorded.reference {
        Some(reference) if is_plain_code(reference) => format!(" ({reference})"),
        _ => String::new(),
    };
    writeln!(
        out,
        "\n{date} *{code} {}",
        description(&recorded.description)
    )?;
    let mut tag = |key: &str, value: &str| writeln!(out, "    ; {key}: {}", one_line(value));
    tag("entry", &entry.id.to_string())?;
    tag("kind", recorded.kind.as_str())?;
    tag("budget-year", &recorded.budget_year.to_string())?;
    tag("fund", recorded.fund.as_str())?;
    if let Some(party) = &recorded.party {
        tag("party", party.as_str())?;
        if let Some(name) = scope.party_names.get(party) {
            tag("party-name", name)?;
        }
    }
    if let Some(reference) = &recorded.reference {
        tag("ref", reference)?;
    }
    if let Some(rate) = recorded.rate {
        tag("rate", &rate.to_string())?;
    }
    if let Some((id, reason)) = &recorded.reverses {
        tag("reverses", &id.to_string())?;
        tag("reason", reason)?;
    }
    if let Some(id) = entry.reversed_by {
        tag("reversed-by", &id.to_string())?;
    }
    tag("entered-by", &entry.entered_by)?;
    for transfer in &recorded.transfers {
        let currency = transfer.amount.currency();
        let amount = transfer.amount.plain();
        // A transfer counted for another budget year than its entry's says so on both of
        // its postings.
        let year = match transfer.budget_year {
            Some(year) if year != recorded.budget_year => {
                format!("\n        ; budget-year: {year}")
            }
            _ => String::new(),
        };
        writeln!(out, "    {}    {currency} {amount}{year}", transfer.debit)?;
        writeln!(out, "    {}    {currency} -{amount}{year}", transfer.credit)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_lose_what_would_start_a_comment_or_a_code() {
        assert_eq!(description("(a; b\nc"), "[a, b c");
        assert_eq!(description("=\"Öst\": x"), "=\"Öst\": x");
        assert!(is_plain_code("BANK-2017/04.1"));
        assert!(!is_plain_code("a)b"));
        assert!(!is_plain_code("a b"));
    }
}
