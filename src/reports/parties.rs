//! `party list`: the parties the ledger knows.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::party::Party;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyList {
    pub as_of: NaiveDate,
    pub parties: Vec<Party>,
    /// How many are State Parties expected to contribute on `as_of`.
    pub expected_to_contribute: usize,
}

pub fn party_list(as_of: NaiveDate, parties: Vec<Party>) -> PartyList {
    let expected_to_contribute = parties
        .iter()
        .filter(|p| p.is_expected_to_contribute(as_of))
        .count();
    PartyList {
        as_of,
        parties,
        expected_to_contribute,
    }
}
