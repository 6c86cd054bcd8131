//! `demo`: builds the 2017 example of the Convention on Cluster Munitions' ISU (see
//! `app::demo`) and prints its status and the 7MSP's documentation.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{Context, Outcome};
use crate::app::demo::{self, meeting_date, DemoBuilt, BUDGET_YEAR, DEMO_SCALE, MEETING_CODE};
use crate::app::Books;
use crate::money::Currency;
use crate::render::Format;
use crate::text::count;

/// Where the example is built unless `--db` says otherwise.
pub(super) const DEMO_DB: &str = demo::DEMO_DB;

pub fn run(context: &Context, args: super::DemoArgs) -> anyhow::Result<Outcome> {
    let book: Currency = args.currency.parse()?;
    let path = context
        .global
        .db
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEMO_DB));
    let (books, built) = demo::build(&path, context.actor.clone(), book)?;
    let DemoBuilt {
        parties,
        budget,
        assessed,
        contributions,
        ..
    } = &built;
    let summary = format!(
        "Built the 2017 example in {}: the {} of September 2017, \
         the {BUDGET_YEAR} budget of {} assessed on {DEMO_SCALE} over {assessed} of them, \
         {}.\nIts status on {} (the Coordination Committee meeting):\n",
        path.display(),
        count(*parties, "State Party", "States Parties"),
        budget.total,
        count(*contributions, "contribution", "contributions"),
        meeting_date(),
    );
    // Keep standard output parseable when a machine format is asked for.
    if context.format == Format::Table {
        context.say(summary)?;
    } else {
        eprintln!("{summary}");
    }
    context.print(&crate::render::WithChain {
        report: &books.status_compared(BUDGET_YEAR, meeting_date(), None)?,
        chain: &books.chain_head()?,
    })?;
    print_meeting(context, &books, meeting_date(), &built)?;
    Ok(Outcome::Done)
}

/// Prints `meeting show 7MSP` on the meeting date after the status, in table format (a
/// machine format keeps standard output to the status alone, and says so on stderr).
fn print_meeting(
    context: &Context,
    books: &Books,
    as_of: NaiveDate,
    built: &DemoBuilt,
) -> anyhow::Result<()> {
    let note = format!(
        "\n{} recorded against the {} budget lines; the {MEETING_CODE} has {}.\n\
         Its documentation on {as_of} (`isu-ledger meeting show {MEETING_CODE} --as-of {as_of}`):\n",
        crate::text::count(built.costs, "cost", "costs"),
        2017,
        crate::text::count(built.documents, "document", "documents")
    );
    if context.format != Format::Table {
        eprintln!("{note}");
        return Ok(());
    }
    context.say(note)?;
    context.print(&books.meeting_show(MEETING_CODE, as_of)?)?;
    Ok(())
}
