//! Texts rendered from templates. The templates live in `reports/` at the root of the
//! repository, where they can be read and edited, and are built into the binary.

use minijinja::Environment;
use serde::Serialize;

use crate::reports::status::{ChangeSince, FundingStatus};

const STATUS_SUMMARY: &str = include_str!("../../reports/status-summary.txt");

#[derive(Serialize)]
struct NewContributor {
    name: String,
    amount: String,
}

#[derive(Serialize)]
struct SummaryContext {
    year: i32,
    since: String,
    contributors: usize,
    received: String,
    percent: Option<String>,
    new_contributors: Vec<NewContributor>,
}

/// The sentence the Director reads out at a meeting: who has paid since the last one, and
/// where that brings the year.
pub fn status_summary(status: &FundingStatus, change: &ChangeSince) -> String {
    let context = SummaryContext {
        year: status.year,
        since: change.since.to_string(),
        contributors: status.contributors,
        received: status.received.to_string(),
        percent: status.percent_funded.map(|p| p.to_decimal(0).to_string()),
        new_contributors: change
            .new_contributors
            .iter()
            .map(|p| NewContributor {
                name: p.name.clone(),
                amount: p.received.to_string(),
            })
            .collect(),
    };
    let mut environment = Environment::new();
    environment
        .add_template("status-summary.txt", STATUS_SUMMARY)
        .expect("the built-in status summary template parses");
    environment
        .get_template("status-summary.txt")
        .and_then(|template| template.render(&context))
        .expect("the built-in status summary template renders")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::budget::Budget;
    use crate::money::{Currency, Money};
    use crate::reports::status::funding_status;
    use crate::store::ReceivedRow;
    use chrono::NaiveDate;

    fn status_with(paid: &[(&str, i64)], since_paid: usize) -> FundingStatus {
        let date = |m, d| NaiveDate::from_ymd_opt(2017, m, d).unwrap();
        let budget = Budget::new(
            2017,
            Money::from_minor(45_900_000, Currency::CHF),
            None,
            date(1, 1),
            vec![],
        )
        .unwrap();
        let rows: Vec<ReceivedRow> = paid
            .iter()
            .map(|(party, minor)| ReceivedRow {
                party: party.parse().unwrap(),
                fund: "isu".parse().unwrap(),
                received: Money::from_minor(*minor, Currency::CHF),
            })
            .collect();
        let later =
            funding_status(2017, date(6, 27), Some(&budget), &rows, &[], Currency::CHF).unwrap();
        let earlier = funding_status(
            2017,
            date(5, 16),
            Some(&budget),
            &rows[..since_paid],
            &[],
            Currency::CHF,
        )
        .unwrap();
        later.with_change_since(&earlier).unwrap()
    }

    fn summary(status: &FundingStatus) -> String {
        status_summary(status, status.change.as_ref().unwrap())
    }

    #[test]
    fn the_summary_reads_like_the_minutes() {
        let one = status_with(&[("DEU", 29_533_756), ("ESP", 1_658_498)], 1);
        assert_eq!(
            summary(&one),
            "Since 2017-05-16 one additional party has contributed (ESP CHF 16'584.98), \
             bringing the number of parties that have paid their 2017 contribution to 2, \
             a total of CHF 311'922.54, approximately 68% of the 2017 budget."
        );
        let none = status_with(&[("DEU", 100)], 1);
        assert!(summary(&none).starts_with("Since 2017-05-16 no further party has contributed,"));
        let two = status_with(&[("DEU", 100), ("FRA", 200), ("ESP", 300)], 1);
        assert!(
            summary(&two)
                .contains("2 additional parties have contributed (ESP CHF 3.00; FRA CHF 2.00)"),
            "{}",
            summary(&two)
        );
    }
}
