//! ISO 20022 camt.053 (bank to customer statement), versions .001.02, .001.04 and
//! .001.08: the statements of a file, their balances and their entries, one bank line per
//! transaction of an entry (a batch booking gives several).
//!
//! The XML is read with quick-xml into plain structs whose amounts are text; every amount
//! then goes to `Money` exactly. Every field an entry needs is checked here, so that a
//! malformed entry is named (`file: entry N: message`, N counting the file's entries from 1)
//! and nothing of the file is taken.

use chrono::NaiveDate;
use quick_xml::events::Event;
use serde::Deserialize;

use super::{fold_iban, parse_bank_amount, BankFileError, BankLine, Statement};
use crate::money::{Currency, Money, Rate};

/// The versions of camt.053 read, as their namespace ends.
pub const VERSIONS_SUPPORTED: [&str; 3] = ["001.02", "001.04", "001.08"];

const NAMESPACE_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:";

#[derive(Debug, Deserialize)]
struct Document {
    #[serde(rename = "BkToCstmrStmt")]
    report: Option<Report>,
}

#[derive(Debug, Deserialize)]
struct Report {
    #[serde(rename = "Stmt", default)]
    statements: Vec<Stmt>,
}

#[derive(Debug, Deserialize)]
struct Stmt {
    #[serde(rename = "Id")]
    id: Option<String>,
    #[serde(rename = "Acct")]
    account: Option<Account>,
    #[serde(rename = "Bal", default)]
    balances: Vec<Balance>,
    #[serde(rename = "Ntry", default)]
    entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Account {
    #[serde(rename = "Id")]
    id: Option<AccountId>,
    #[serde(rename = "Ccy")]
    currency: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AccountId {
    #[serde(rename = "IBAN")]
    iban: Option<String>,
    #[serde(rename = "Othr")]
    other: Option<OtherId>,
}

#[derive(Debug, Deserialize)]
struct OtherId {
    #[serde(rename = "Id")]
    id: Option<String>,
}

impl AccountId {
    fn text(&self) -> Option<String> {
        self.iban
            .as_deref()
            .or(self.other.as_ref().and_then(|o| o.id.as_deref()))
            .map(fold_iban)
            .filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Deserialize)]
struct Balance {
    #[serde(rename = "Tp")]
    kind: Option<BalanceType>,
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
    #[serde(rename = "CdtDbtInd")]
    sign: Option<String>,
    #[serde(rename = "Dt")]
    date: Option<DateChoice>,
}

#[derive(Debug, Deserialize)]
struct BalanceType {
    #[serde(rename = "CdOrPrtry")]
    code: Option<Code>,
}

#[derive(Debug, Deserialize)]
struct Code {
    #[serde(rename = "Cd")]
    code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Amount {
    #[serde(rename = "@Ccy")]
    currency: Option<String>,
    #[serde(rename = "$text")]
    value: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DateChoice {
    #[serde(rename = "Dt")]
    date: Option<String>,
    #[serde(rename = "DtTm")]
    date_time: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(rename = "NtryRef")]
    entry_reference: Option<String>,
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
    #[serde(rename = "CdtDbtInd")]
    sign: Option<String>,
    #[serde(rename = "RvslInd")]
    reversal: Option<String>,
    #[serde(rename = "Sts")]
    status: Option<Status>,
    #[serde(rename = "BookgDt")]
    booked: Option<DateChoice>,
    #[serde(rename = "ValDt")]
    value: Option<DateChoice>,
    #[serde(rename = "AcctSvcrRef")]
    bank_reference: Option<String>,
    #[serde(rename = "NtryDtls", default)]
    details: Vec<EntryDetails>,
    #[serde(rename = "AddtlNtryInf")]
    additional: Option<String>,
}

/// `<Sts>BOOK</Sts>` up to version .07, `<Sts><Cd>BOOK</Cd></Sts>` from .08.
#[derive(Debug, Deserialize)]
struct Status {
    #[serde(rename = "$text")]
    text: Option<String>,
    #[serde(rename = "Cd")]
    code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EntryDetails {
    #[serde(rename = "TxDtls", default)]
    transactions: Vec<Transaction>,
}

#[derive(Debug, Deserialize)]
struct Transaction {
    #[serde(rename = "Refs")]
    references: Option<References>,
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
    #[serde(rename = "CdtDbtInd")]
    sign: Option<String>,
    #[serde(rename = "AmtDtls")]
    amount_details: Option<AmountDetails>,
    #[serde(rename = "RltdPties")]
    parties: Option<RelatedParties>,
    #[serde(rename = "RmtInf")]
    remittance: Option<Remittance>,
    #[serde(rename = "AddtlTxInf")]
    additional: Option<String>,
}

#[derive(Debug, Deserialize)]
struct References {
    #[serde(rename = "AcctSvcrRef")]
    bank_reference: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AmountDetails {
    #[serde(rename = "InstdAmt")]
    instructed: Option<AmountAndExchange>,
    #[serde(rename = "TxAmt")]
    transaction: Option<AmountAndExchange>,
}

#[derive(Debug, Deserialize)]
struct AmountAndExchange {
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
    #[serde(rename = "CcyXchg")]
    exchange: Option<Exchange>,
}

#[derive(Debug, Deserialize)]
struct Exchange {
    #[serde(rename = "SrcCcy")]
    source: Option<String>,
    #[serde(rename = "UnitCcy")]
    unit: Option<String>,
    #[serde(rename = "XchgRate")]
    rate: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RelatedParties {
    #[serde(rename = "Dbtr")]
    debtor: Option<PartyName>,
    #[serde(rename = "DbtrAcct")]
    debtor_account: Option<Account>,
    #[serde(rename = "Cdtr")]
    creditor: Option<PartyName>,
    #[serde(rename = "CdtrAcct")]
    creditor_account: Option<Account>,
}

/// `<Dbtr><Nm>…` up to .07, `<Dbtr><Pty><Nm>…` from .08. Not recursive, so that no
/// nesting in a file can run the reader out of stack.
#[derive(Debug, Deserialize)]
struct PartyName {
    #[serde(rename = "Nm")]
    name: Option<String>,
    #[serde(rename = "Pty")]
    party: Option<NameOnly>,
}

#[derive(Debug, Deserialize)]
struct NameOnly {
    #[serde(rename = "Nm")]
    name: Option<String>,
}

impl PartyName {
    fn text(&self) -> Option<String> {
        self.name
            .clone()
            .or_else(|| self.party.as_ref().and_then(|p| p.name.clone()))
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|n| !n.is_empty())
    }
}

#[derive(Debug, Deserialize)]
struct Remittance {
    #[serde(rename = "Ustrd", default)]
    unstructured: Vec<String>,
    #[serde(rename = "Strd", default)]
    structured: Vec<StructuredRemittance>,
}

#[derive(Debug, Deserialize)]
struct StructuredRemittance {
    #[serde(rename = "CdtrRefInf")]
    creditor_reference: Option<CreditorReference>,
    #[serde(rename = "AddtlRmtInf", default)]
    additional: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CreditorReference {
    #[serde(rename = "Ref")]
    reference: Option<String>,
}

/// The version of camt.053 a document is (`001.04`), from its root element's namespace.
pub fn version_of(file: &str, xml: &str) -> Result<String, BankFileError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(start)) | Ok(Event::Empty(start)) => {
                let local = start.local_name().as_ref().to_string();
                let mut namespace = None;
                for attribute in start.attributes().flatten() {
                    let key = attribute.key.as_ref();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        let value = attribute.value.to_string();
                        if value.starts_with(NAMESPACE_PREFIX) {
                            namespace = Some(value);
                        }
                    }
                }
                let not_camt = |found: &str| {
                    BankFileError::new(
                        file,
                        format!("not a camt.053 bank statement (found {found})"),
                    )
                };
                let Some(namespace) = namespace else {
                    return Err(not_camt(&format!(
                        "element <{local}> without an ISO 20022 namespace"
                    )));
                };
                let message = &namespace[NAMESPACE_PREFIX.len()..];
                let Some(version) = message.strip_prefix("camt.053.") else {
                    return Err(not_camt(message));
                };
                if local != "Document" {
                    return Err(not_camt(&format!("root element <{local}>")));
                }
                if !VERSIONS_SUPPORTED.contains(&version) {
                    return Err(BankFileError::new(
                        file,
                        format!(
                            "camt.053.{version} is not a supported version (supported: {})",
                            VERSIONS_SUPPORTED
                                .map(|v| format!("camt.053.{v}"))
                                .join(", ")
                        ),
                    ));
                }
                return Ok(version.to_string());
            }
            Ok(Event::Eof) => {
                return Err(BankFileError::new(file, "not XML: no element found"));
            }
            Ok(Event::Text(text)) if !text.trim().is_empty() => {
                return Err(BankFileError::new(file, "not XML: text before any element"));
            }
            Ok(_) => {}
            Err(error) => {
                return Err(BankFileError::new(file, format!("not XML: {error}")));
            }
        }
    }
}

/// The statements of a camt.053 document.
pub fn parse(file: &str, xml: &str) -> Result<Vec<Statement>, BankFileError> {
    version_of(file, xml)?;
    let document: Document = quick_xml::de::from_str(xml).map_err(|error| {
        BankFileError::new(
            file,
            format!("not a well-formed camt.053 statement: {error}"),
        )
    })?;
    let report = document
        .report
        .ok_or_else(|| BankFileError::new(file, "no <BkToCstmrStmt> in the document"))?;
    if report.statements.is_empty() {
        return Err(BankFileError::new(
            file,
            "no statement (<Stmt>) in the file",
        ));
    }
    let mut entry_number = 0usize;
    let mut statements = Vec::new();
    for (index, stmt) in report.statements.into_iter().enumerate() {
        statements.push(statement_of(file, index + 1, stmt, &mut entry_number)?);
    }
    Ok(statements)
}

fn statement_of(
    file: &str,
    number: usize,
    stmt: Stmt,
    entry_number: &mut usize,
) -> Result<Statement, BankFileError> {
    let id = stmt
        .id
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("{file}#{number}"));
    let fail = |message: String| BankFileError::new(file, format!("statement {id}: {message}"));
    let account = stmt
        .account
        .as_ref()
        .ok_or_else(|| fail("no account (<Acct>)".into()))?;
    let account_iban = account
        .id
        .as_ref()
        .and_then(AccountId::text)
        .ok_or_else(|| fail("no account number (<Acct><Id><IBAN>)".into()))?;
    let mut currency: Option<Currency> = account
        .currency
        .as_deref()
        .map(|c| c.parse().map_err(|e| fail(format!("{e}"))))
        .transpose()?;
    let mut opening = None;
    let mut closing = None;
    for balance in &stmt.balances {
        let code = balance
            .kind
            .as_ref()
            .and_then(|k| k.code.as_ref())
            .and_then(|c| c.code.as_deref())
            .unwrap_or("");
        if !matches!(code, "OPBD" | "PRCD" | "CLBD") {
            continue;
        }
        let amount = signed_amount(balance.amount.as_ref(), balance.sign.as_deref(), None)
            .map_err(|m| fail(format!("balance {code}: {m}")))?;
        currency.get_or_insert(amount.currency());
        match code {
            "CLBD" => {
                let date = date_of(balance.date.as_ref())
                    .map_err(|m| fail(format!("balance {code}: {m}")))?;
                closing = Some((amount, date));
            }
            _ => opening = Some(amount),
        }
    }
    let mut lines = Vec::new();
    for entry in stmt.entries {
        *entry_number += 1;
        let n = *entry_number;
        let entry_lines = lines_of(&account_iban, currency, entry)
            .map_err(|message| BankFileError::new(file, format!("entry {n}: {message}")))?;
        if let Some(first) = entry_lines.first() {
            currency.get_or_insert(first.amount.currency());
        }
        lines.extend(entry_lines);
    }
    let currency = currency.ok_or_else(|| fail("no currency for the account".into()))?;
    for (n, line) in lines.iter().enumerate() {
        if line.amount.currency() != currency {
            return Err(fail(format!(
                "line {} is in {}, the account in {currency}",
                n + 1,
                line.amount.currency()
            )));
        }
    }
    if let (Some(open), Some((close, _))) = (opening, closing) {
        let mut sum = open.minor();
        for line in &lines {
            sum = sum
                .checked_add(line.amount.minor())
                .ok_or_else(|| fail("the amounts are too large".into()))?;
        }
        if sum != close.minor() {
            return Err(fail(format!(
                "the opening balance {open} and the entries ({}) do not give the closing \
                 balance {close}",
                Money::from_minor(sum - open.minor(), currency)
            )));
        }
    }
    Ok(Statement {
        id,
        account_iban,
        currency,
        opening,
        closing,
        lines,
    })
}

/// An amount with its credit or debit sign: debits are negative.
fn signed_amount(
    amount: Option<&Amount>,
    sign: Option<&str>,
    currency: Option<Currency>,
) -> Result<Money, String> {
    let amount = amount.ok_or("no amount (<Amt>)")?;
    let currency: Currency = match (&amount.currency, currency) {
        (Some(code), _) => code.parse().map_err(|e| format!("{e}"))?,
        (None, Some(currency)) => currency,
        (None, None) => return Err("amount without a currency (Ccy)".into()),
    };
    let value = amount.value.as_deref().unwrap_or("");
    let money = parse_bank_amount(value, '.', currency)?;
    if money.minor() < 0 {
        return Err(format!(
            "amount '{value}' is negative: the sign is CdtDbtInd"
        ));
    }
    match sign {
        Some("CRDT") => Ok(money),
        Some("DBIT") => Ok(Money::from_minor(-money.minor(), currency)),
        Some(other) => Err(format!("CdtDbtInd '{other}' is neither CRDT nor DBIT")),
        None => Err("no CdtDbtInd".into()),
    }
}

fn date_of(choice: Option<&DateChoice>) -> Result<NaiveDate, String> {
    let choice = choice.ok_or("no date")?;
    let text = choice
        .date
        .as_deref()
        .or(choice.date_time.as_deref())
        .ok_or("no date")?
        .trim();
    let day = text.get(..10).unwrap_or(text);
    crate::domain::parse_date(day).map_err(|e| format!("{e}"))
}

fn lines_of(
    account_iban: &str,
    currency: Option<Currency>,
    entry: Entry,
) -> Result<Vec<BankLine>, String> {
    let status = entry
        .status
        .as_ref()
        .and_then(|s| s.code.as_deref().or(s.text.as_deref()))
        .map(str::trim);
    if let Some(status) = status {
        if status != "BOOK" {
            return Err(format!(
                "status '{status}': a statement holds booked entries (BOOK)"
            ));
        }
    }
    let amount = signed_amount(entry.amount.as_ref(), entry.sign.as_deref(), currency)?;
    if amount.minor() == 0 {
        return Err("amount is zero".into());
    }
    let reversal = match entry.reversal.as_deref().map(str::trim) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => return Err(format!("RvslInd '{other}' is neither true nor false")),
    };
    let booked_on = date_of(entry.booked.as_ref()).map_err(|m| format!("booking date: {m}"))?;
    let value_on = match entry.value.as_ref() {
        Some(value) => date_of(Some(value)).map_err(|m| format!("value date: {m}"))?,
        None => booked_on,
    };
    let reference = entry
        .bank_reference
        .as_deref()
        .or(entry.entry_reference.as_deref())
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or("no bank reference (<AcctSvcrRef>)")?
        .to_string();
    let transactions: Vec<Transaction> = entry
        .details
        .into_iter()
        .flat_map(|d| d.transactions)
        .collect();
    let entry_text = entry.additional.clone().unwrap_or_default();
    let base = |amount: Money| BankLine {
        account_iban: account_iban.to_string(),
        bank_reference: reference.clone(),
        booked_on,
        value_on,
        amount,
        counterparty_name: None,
        counterparty_account: None,
        remittance: entry_text.trim().to_string(),
        reversal,
        instructed: None,
        rate: None,
    };
    if transactions.is_empty() {
        return Ok(vec![base(amount)]);
    }
    let several = transactions.len() > 1;
    let mut lines = Vec::new();
    let mut sum: i64 = 0;
    for (index, tx) in transactions.into_iter().enumerate() {
        let at = |m: String| {
            if several {
                format!("transaction {}: {m}", index + 1)
            } else {
                m
            }
        };
        let booked_amount = tx.amount.as_ref().or(tx
            .amount_details
            .as_ref()
            .and_then(|d| d.transaction.as_ref())
            .and_then(|t| t.amount.as_ref()));
        let line_amount = match booked_amount {
            Some(a) => {
                let sign = tx.sign.as_deref().or(entry.sign.as_deref());
                signed_amount(Some(a), sign, Some(amount.currency())).map_err(at)?
            }
            None if !several => amount,
            None => return Err(at("no amount".into())),
        };
        if line_amount.currency() != amount.currency() {
            return Err(at(format!(
                "amount in {}, the entry in {}",
                line_amount.currency(),
                amount.currency()
            )));
        }
        sum = sum
            .checked_add(line_amount.minor())
            .ok_or_else(|| at("amount too large".into()))?;
        let mut line = base(line_amount);
        if several {
            line.bank_reference = tx
                .references
                .as_ref()
                .and_then(|r| r.bank_reference.as_deref())
                .map(str::trim)
                .filter(|r| !r.is_empty() && *r != reference)
                .map_or_else(|| format!("{reference}/{}", index + 1), str::to_string);
        }
        let credit = line_amount.minor() > 0;
        // Money in from a debtor; money out to a creditor. A reversal swaps the roles.
        let from_debtor = credit != reversal;
        if let Some(parties) = &tx.parties {
            let (name, account) = if from_debtor {
                (&parties.debtor, &parties.debtor_account)
            } else {
                (&parties.creditor, &parties.creditor_account)
            };
            line.counterparty_name = name.as_ref().and_then(PartyName::text);
            line.counterparty_account = account
                .as_ref()
                .and_then(|a| a.id.as_ref())
                .and_then(AccountId::text);
        }
        let mut text: Vec<String> = Vec::new();
        if let Some(remittance) = &tx.remittance {
            text.extend(remittance.unstructured.iter().cloned());
            for structured in &remittance.structured {
                if let Some(r) = structured
                    .creditor_reference
                    .as_ref()
                    .and_then(|c| c.reference.clone())
                {
                    text.push(r);
                }
                text.extend(structured.additional.iter().cloned());
            }
        }
        if text.is_empty() {
            text.extend(tx.additional.clone());
        }
        if !text.is_empty() {
            line.remittance = text
                .iter()
                .flat_map(|t| t.split_whitespace())
                .collect::<Vec<_>>()
                .join(" ");
        }
        if let Some(instructed) = tx
            .amount_details
            .as_ref()
            .and_then(|d| d.instructed.as_ref())
        {
            let money = signed_amount(instructed.amount.as_ref(), Some("CRDT"), None)
                .map_err(|m| at(format!("instructed amount: {m}")))?;
            if money != Money::from_minor(line_amount.minor().abs(), line_amount.currency()) {
                line.instructed = Some(money);
            }
            let exchange = instructed.exchange.as_ref().or(tx
                .amount_details
                .as_ref()
                .and_then(|d| d.transaction.as_ref())
                .and_then(|t| t.exchange.as_ref()));
            if let Some(exchange) = exchange {
                line.rate = rate_of(exchange, money.currency()).map_err(at)?;
            }
        }
        lines.push(line);
    }
    if sum != amount.minor() {
        return Err(format!(
            "the transactions add up to {}, the entry is {amount}",
            Money::from_minor(sum, amount.currency())
        ));
    }
    Ok(lines)
}

/// The bank's rate as units of the account's currency per unit of `instructed`: taken as
/// given when the unit currency (or, without one, the source currency) is the instructed
/// one; otherwise not read.
fn rate_of(exchange: &Exchange, instructed: Currency) -> Result<Option<Rate>, String> {
    let unit = exchange.unit.as_deref().or(exchange.source.as_deref());
    let Some(text) = exchange.rate.as_deref() else {
        return Ok(None);
    };
    if unit.map(str::trim) != Some(instructed.as_str()) {
        return Ok(None);
    }
    text.trim()
        .parse::<Rate>()
        .map(Some)
        .map_err(|e| format!("exchange rate: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = "<Ntry><Amt Ccy=\"CHF\">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
        <BookgDt><Dt>2017-03-01</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef></Ntry>";

    fn document(namespace: &str, body: &str) -> String {
        format!(
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:{namespace}\"><BkToCstmrStmt>\
             <Stmt><Id>S</Id><Acct><Id><IBAN>CH11</IBAN></Id><Ccy>CHF</Ccy></Acct>{body}\
             </Stmt></BkToCstmrStmt></Document>"
        )
    }

    #[test]
    fn the_version_is_read_from_the_namespace() {
        let xml = document("camt.053.001.04", ENTRY);
        assert_eq!(version_of("f", &xml).unwrap(), "001.04");
        let statements = parse("f", &xml).unwrap();
        assert_eq!(statements[0].lines[0].amount.minor(), 1_000);
        assert_eq!(
            statements[0].lines[0].value_on,
            statements[0].lines[0].booked_on
        );
        let error = version_of("f", &document("camt.054.001.04", ENTRY)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "f: not a camt.053 bank statement (found camt.054.001.04)"
        );
        let error = version_of("f", "<html><body/></html>").unwrap_err();
        assert!(
            error.to_string().contains("without an ISO 20022 namespace"),
            "{error}"
        );
        let error = version_of("f", "").unwrap_err();
        assert_eq!(error.to_string(), "f: not XML: no element found");
    }

    #[test]
    fn an_entry_without_a_reference_or_date_is_named() {
        let no_reference = ENTRY.replace("<AcctSvcrRef>R1</AcctSvcrRef>", "");
        let error = parse(
            "f",
            &document("camt.053.001.08", &format!("{ENTRY}{no_reference}")),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "f: entry 2: no bank reference (<AcctSvcrRef>)"
        );
        let no_date = ENTRY.replace("<BookgDt><Dt>2017-03-01</Dt></BookgDt>", "");
        let error = parse("f", &document("camt.053.001.02", &no_date)).unwrap_err();
        assert_eq!(error.to_string(), "f: entry 1: booking date: no date");
        let pending = ENTRY.replace("</CdtDbtInd>", "</CdtDbtInd><Sts>PDNG</Sts>");
        let error = parse("f", &document("camt.053.001.04", &pending)).unwrap_err();
        assert!(
            error.to_string().contains("entry 1: status 'PDNG'"),
            "{error}"
        );
    }
}
