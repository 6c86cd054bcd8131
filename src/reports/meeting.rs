//! `meeting show CODE`: the documentation forecast of a meeting against its approved cost
//! estimate, and which fund can cover the difference; `meeting balances CODE`: what each
//! participating State was billed under Article 14 and what it owes for that meeting.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::fund::Fund;
use crate::domain::meeting::{meetings_fund, Document};
use crate::ledger::{FundCode, PartyCode};
use crate::money::{Currency, Money, MoneyError, Percent};
use crate::store::{FundBalanceRow, MeetingRecord};
use crate::text::count;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRow {
    pub symbol: String,
    pub title: String,
    pub pages_forecast: i64,
    pub pages_actual: Option<i64>,
    pub submitted_on: Option<NaiveDate>,
    pub translated_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingShow {
    pub code: String,
    pub name: String,
    pub held_on: NaiveDate,
    pub as_of: NaiveDate,
    pub currency: Currency,
    pub estimate: Money,
    pub approved_by: Option<String>,
    /// The translation price of a page into `languages` languages.
    pub per_page: Option<Money>,
    pub languages: Option<i64>,
    pub documents_planned: usize,
    /// Documents submitted for translation on or before `as_of`.
    pub documents_submitted: usize,
    pub documents_translated: usize,
    /// The pages the estimate pays for at the page rate (whole pages).
    pub pages_allowed: Option<i64>,
    /// The pages expected: each document's actual count once known, else its forecast.
    pub pages_forecast: i64,
    /// `pages_forecast - pages_allowed`; negative when under.
    pub pages_over: Option<i64>,
    /// `pages_forecast * per_page`.
    pub forecast_cost: Option<Money>,
    /// `forecast_cost - estimate`; negative when under.
    pub extra_cost: Option<Money>,
    /// The fund that can cover the extra cost: of the funds other than `meetings` (which
    /// carries the estimate itself), the one holding the most in the meeting's currency.
    pub covered_by: Option<FundCode>,
    pub fund_balance: Option<Money>,
    /// Whether that fund holds at least the extra cost.
    pub covered: Option<bool>,
    pub documents: Vec<DocumentRow>,
}

impl MeetingShow {
    /// "25 pages over; USD 29'000.00 more than estimated; ccm-fund holds USD 52'340.00: covered"
    pub fn summary(&self) -> String {
        let (Some(pages_over), Some(extra)) = (self.pages_over, self.extra_cost) else {
            return format!(
                "no page rate yet: set one with `isu-ledger meeting rate {} --per-page AMOUNT --languages 6`",
                self.code
            );
        };
        if extra.minor() <= 0 {
            let under = Money::from_minor(-extra.minor(), extra.currency());
            return format!(
                "{} under the estimate; {under} less than estimated: within the estimate",
                count(-pages_over, "page", "pages")
            );
        }
        let cover = match (&self.covered_by, self.fund_balance, self.covered) {
            (Some(fund), Some(balance), Some(true)) => format!("{fund} holds {balance}: covered"),
            (Some(fund), Some(balance), _) => format!("{fund} holds {balance}: not covered"),
            _ => format!("no fund holds {}: not covered", extra.currency()),
        };
        format!(
            "{} over; {extra} more than estimated; {cover}",
            count(pages_over, "page", "pages")
        )
    }
}

/// Builds the report from the stored meeting and the funds' balances on `as_of`.
pub fn meeting_show(
    record: &MeetingRecord,
    as_of: NaiveDate,
    funds: &[Fund],
    balances: &[FundBalanceRow],
) -> Result<MeetingShow, MoneyError> {
    let meeting = &record.meeting;
    let currency = meeting.currency();
    let documents = &record.documents;
    let submitted = |d: &&Document| d.submitted_on.is_some_and(|on| on <= as_of);
    let translated = |d: &&Document| d.translated_on.is_some_and(|on| on <= as_of);
    let pages_forecast: i64 = documents.iter().map(Document::pages_expected).sum();
    let per_page = record.page_rate.map(|r| r.per_page);
    let pages_allowed = per_page.map(|p| meeting.estimate.minor() / p.minor());
    let forecast_cost = per_page
        .map(|p| {
            p.minor()
                .checked_mul(pages_forecast)
                .map(|m| Money::from_minor(m, currency))
                .ok_or(MoneyError::Overflow)
        })
        .transpose()?;
    let extra_cost = forecast_cost
        .map(|cost| cost.checked_sub(meeting.estimate))
        .transpose()?;
    let reserve = balances
        .iter()
        .filter(|b| b.fund != meetings_fund() && b.balance.currency() == currency)
        .filter(|b| funds.iter().any(|f| f.code == b.fund))
        .max_by(|a, b| {
            a.balance
                .minor()
                .cmp(&b.balance.minor())
                .then(b.fund.cmp(&a.fund))
        })
        .filter(|b| b.balance.is_positive());
    let needs_cover = extra_cost.is_some_and(|e| e.is_positive());
    Ok(MeetingShow {
        code: meeting.code.to_string(),
        name: meeting.name.clone(),
        held_on: meeting.held_on,
        as_of,
        currency,
        estimate: meeting.estimate,
        approved_by: meeting.approved_by.clone(),
        per_page,
        languages: record.page_rate.map(|r| r.languages),
        documents_planned: documents.len(),
        documents_submitted: documents.iter().filter(submitted).count(),
        documents_translated: documents.iter().filter(translated).count(),
        pages_allowed,
        pages_forecast,
        pages_over: pages_allowed.map(|allowed| pages_forecast - allowed),
        forecast_cost,
        extra_cost,
        covered_by: reserve.filter(|_| needs_cover).map(|b| b.fund.clone()),
        fund_balance: reserve.filter(|_| needs_cover).map(|b| b.balance),
        covered: if needs_cover {
            Some(
                reserve.is_some_and(|b| extra_cost.is_some_and(|e| b.balance.minor() >= e.minor())),
            )
        } else {
            None
        },
        documents: documents
            .iter()
            .map(|d| DocumentRow {
                symbol: d.symbol.clone(),
                title: d.title.clone(),
                pages_forecast: d.pages_forecast,
                pages_actual: d.pages_actual,
                submitted_on: d.submitted_on,
                translated_on: d.translated_on,
            })
            .collect(),
    })
}

/// One participating State's account for one meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingBalanceRow {
    pub party: PartyCode,
    pub name: String,
    /// The State's rate on the scale.
    pub scale_rate: Decimal,
    /// Its share of the cost: its rate re-normalised over the participants.
    pub share: Option<Percent>,
    /// What it was billed (assessment and true-up).
    pub billed: Money,
    /// What it owes for this meeting now (negative: a credit in its favour).
    pub balance: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingBalances {
    pub code: String,
    pub currency: Currency,
    pub scale: Option<String>,
    pub rows: Vec<MeetingBalanceRow>,
    pub billed_total: Money,
    pub balance_total: Money,
}

/// `billed` holds, per State, what it was billed and what it owes now (minor units).
pub fn meeting_balances(
    record: &MeetingRecord,
    billed: &[(PartyCode, i64, i64)],
    names: &dyn Fn(&PartyCode) -> String,
) -> Result<MeetingBalances, MoneyError> {
    let currency = record.meeting.currency();
    // Rates are compared as integers at a common scale: exact shares, no floating point.
    let scale_max = record
        .shares
        .iter()
        .map(|(_, r)| r.scale())
        .max()
        .unwrap_or(0);
    let integer = |r: &Decimal| -> i64 {
        let mut m = r.mantissa();
        for _ in r.scale()..scale_max {
            m *= 10;
        }
        i64::try_from(m).unwrap_or(i64::MAX)
    };
    let sum: i64 = record.shares.iter().map(|(_, r)| integer(r)).sum();
    let mut rows = Vec::new();
    let (mut billed_total, mut balance_total) = (Money::zero(currency), Money::zero(currency));
    for (party, rate) in &record.shares {
        let (billed_minor, owed_minor) = billed
            .iter()
            .find(|(p, _, _)| p == party)
            .map_or((0, 0), |(_, b, o)| (*b, *o));
        let billed = Money::from_minor(billed_minor, currency);
        let balance = Money::from_minor(owed_minor, currency);
        billed_total = billed_total.checked_add(billed)?;
        balance_total = balance_total.checked_add(balance)?;
        rows.push(MeetingBalanceRow {
            party: party.clone(),
            name: names(party),
            scale_rate: *rate,
            share: Percent::of(integer(rate), sum),
            billed,
            balance,
        });
    }
    Ok(MeetingBalances {
        code: record.meeting.code.to_string(),
        currency,
        scale: record.scale.clone(),
        rows,
        billed_total,
        balance_total,
    })
}

/// What one State owes for one meeting (negative: a credit in its favour).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingOwed {
    pub meeting: String,
    pub party: PartyCode,
    pub name: String,
    pub currency: Currency,
    pub balance: Money,
}
