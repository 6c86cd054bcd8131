//! `close YEAR`: verifies the ledger, carries each fund's result for the year into its fund
//! balance, and locks the year.

use clap::Args;

use super::{Context, Outcome};
use crate::app::close::YearClosed;
use crate::ledger::{check_budget_year, PartyCode};
use crate::money::format_minor_swiss;
use crate::money::Currency;

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// The budget year to close
    year: i32,
}

pub fn run(context: &Context, args: CloseArgs) -> anyhow::Result<Outcome> {
    check_budget_year(args.year)?;
    let mut books = context.books()?;
    let closed = books.close_year(context.actor.clone(), args.year, context.as_of)?;
    let results: Vec<String> = closed
        .results
        .iter()
        .map(|result| {
            let shown: Vec<String> = result
                .result_minor
                .iter()
                .map(|(currency, minor)| {
                    let word = if *minor >= 0 { "surplus" } else { "deficit" };
                    format!("{word} {currency} {}", format_minor_swiss(minor.abs()))
                })
                .collect();
            format!(
                "fund {}: {} (entry {})",
                result.fund,
                shown.join(", "),
                result.entry
            )
        })
        .collect();
    context.say(format!(
        "closed budget year {} on {}{}{}",
        closed.year,
        closed.closed_on,
        if results.is_empty() { "" } else { "; " },
        results.join("; ")
    ))?;
    for line in carried_forward(&closed, books.currency()?) {
        context.say(line)?;
    }
    Ok(Outcome::Done)
}

/// What the closed year leaves to the years after it, in words.
fn carried_forward(closed: &YearClosed, book: Currency) -> Vec<String> {
    let year = closed.year;
    let list = |rows: &[(PartyCode, i64)]| {
        let total: i64 = rows.iter().map(|(_, m)| m).sum();
        let each: Vec<String> = rows
            .iter()
            .map(|(code, minor)| format!("{code} {}", format_minor_swiss(*minor)))
            .collect();
        (total, each.join(", "))
    };
    let mut lines = Vec::new();
    if closed.arrears.is_empty() {
        lines.push(format!("carried forward: no arrears for {year} or earlier"));
    } else {
        let (total, each) = list(&closed.arrears);
        lines.push(format!(
            "carried forward: arrears for {year} and earlier of {book} {} owed by {}, still \
             collectable: {each}",
            format_minor_swiss(total),
            crate::text::count(closed.arrears.len(), "State", "States"),
        ));
    }
    if !closed.credits.is_empty() {
        let (total, each) = list(&closed.credits);
        lines.push(format!(
            "carried forward: credits of {book} {} held for {}: {each}",
            format_minor_swiss(total),
            crate::text::count(closed.credits.len(), "party", "parties"),
        ));
    }
    lines
}
