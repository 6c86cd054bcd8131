//! The books' identity, the history of a party's record and the letters recorded as sent,
//! as lists to show.

use chrono::NaiveDate;
use serde::Serialize;

use crate::ledger::PartyCode;

/// One setting: its value in force, whether it is the built-in default, who set it, when.
#[derive(Debug, Clone, Serialize)]
pub struct SettingLine {
    pub key: String,
    pub value: String,
    pub default: bool,
    pub set_at: String,
    pub set_by: String,
}

/// `settings show` (the values in force) or `settings history` (every value set).
#[derive(Debug, Clone, Serialize)]
pub struct SettingsList {
    pub history: bool,
    pub settings: Vec<SettingLine>,
}

/// One recorded change of a party.
#[derive(Debug, Clone, Serialize)]
pub struct PartyChangeLine {
    pub party: PartyCode,
    pub effective_on: NaiveDate,
    pub changed: String,
    /// The new values, `field: value` joined by "; ".
    pub values: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// `party history`: the changes of one party or all, in the order they apply.
#[derive(Debug, Clone, Serialize)]
pub struct PartyHistory {
    pub changes: Vec<PartyChangeLine>,
}

/// One letter recorded as sent.
#[derive(Debug, Clone, Serialize)]
pub struct LetterSentLine {
    pub sent_on: NaiveDate,
    pub party: PartyCode,
    pub name: String,
    pub kind: String,
    pub budget_year: i32,
    pub level: u32,
    pub reference: String,
    pub recorded_by: String,
}

/// `reminders`: the letters recorded as sent, by date.
#[derive(Debug, Clone, Serialize)]
pub struct LettersSent {
    pub year: Option<i32>,
    pub party: Option<PartyCode>,
    pub letters: Vec<LetterSentLine>,
}
