//! `meeting add`, `meeting update`, `meeting list`, `meeting rate`, `meeting show`, `meeting balances`,
//! `meeting assess`, `meeting true-up`, and `document add`, `document update`,
//! `document list`.

use anyhow::bail;
use clap::Subcommand;

use super::{Context, Outcome};
use crate::app::meetings::{DocumentChange, MeetingPaid};
use crate::app::Recorded;
use crate::domain::meeting::{Document, Meeting, MeetingCode};
use crate::domain::parse_date;
use crate::domain::timeline::MeetingPlace;
use crate::ledger::PartyCode;
use crate::money::{Currency, Money};
use crate::text::count;

#[derive(Debug, Subcommand)]
pub enum MeetingCommand {
    /// Add a meeting (e.g. 7MSP) with the cost estimate approved for it
    Add {
        /// Short code, e.g. 7MSP
        code: String,
        /// Full name, e.g. "Seventh Meeting of States Parties"
        #[arg(long)]
        name: String,
        /// First day of the meeting
        #[arg(long, value_name = "DATE")]
        date: String,
        /// Currency of the estimate (meeting costs are invoiced by the UN in USD)
        #[arg(long, default_value = "USD")]
        currency: String,
        /// The approved documentation cost estimate, e.g. 174'000
        #[arg(long, allow_negative_numbers = true)]
        estimate: String,
        /// Who approved the estimate, e.g. 6MSP
        #[arg(long, value_name = "TEXT")]
        approved_by: Option<String>,
        /// Last day of the meeting
        #[arg(long, value_name = "DATE")]
        last_day: Option<String>,
        /// Where it is held, e.g. Geneva
        #[arg(long, value_name = "TEXT")]
        place: Option<String>,
    },
    /// Set where a meeting is held or its last day (kept as history; the latest is in force)
    Update {
        /// The meeting's code
        code: String,
        /// Last day of the meeting
        #[arg(long, value_name = "DATE")]
        last_day: Option<String>,
        /// Where it is held
        #[arg(long, value_name = "TEXT")]
        place: Option<String>,
    },
    /// The meetings by first day: dates, place, estimate, documents (submitted by --as-of)
    /// and open tasks
    List,
    /// Set the translation price of one page into the meeting's set of languages
    Rate {
        /// The meeting's code
        code: String,
        /// Price of one page translated into all the languages, in the meeting's currency
        #[arg(long, allow_negative_numbers = true, value_name = "AMOUNT")]
        per_page: String,
        /// How many languages that price covers (the six UN languages: 6)
        #[arg(long, default_value_t = 6, allow_negative_numbers = true)]
        languages: i64,
    },
    /// The documentation forecast against the approved estimate, and which fund can cover
    /// the difference
    Show {
        /// The meeting's code
        code: String,
    },
    /// Per participating State: its Article 14 share, what it was billed and its balance
    Balances {
        /// The meeting's code
        code: String,
    },
    /// Share the approved estimate among the participating States (Article 14) on a scale
    /// re-normalised over them, exact to the cent; one bill per State
    Assess {
        /// The meeting's code
        code: String,
        /// The scale, e.g. un-2016-2018
        #[arg(long)]
        scale: String,
        /// A CSV file with a `code` column (States Parties and participating States not
        /// party), or `all-parties` for the States Parties in force on the meeting's date
        #[arg(long, value_name = "FILE|all-parties")]
        participants: String,
        /// Date of the bills [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Record a State's payment towards its share of a meeting's cost (in the meeting's
    /// currency, into the meetings fund)
    Pay {
        /// The meeting's code
        code: String,
        /// The State's code
        party: String,
        /// The amount received, in the meeting's currency
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Date received [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Bank reference; recording the same reference again writes nothing
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
    /// Bring the States' shares to the actual cost: bill the difference or credit it pro rata
    TrueUp {
        /// The meeting's code
        code: String,
        /// The actual cost, in the meeting's currency
        #[arg(long, allow_negative_numbers = true)]
        actual: String,
        /// Date of the bills and credits [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DocumentCommand {
    /// Add a document to a meeting's documentation forecast
    Add {
        /// The meeting's code, e.g. 7MSP
        meeting: String,
        /// The document symbol, e.g. CCM/MSP/2017/3
        symbol: String,
        /// Title
        #[arg(long)]
        title: String,
        /// Pages forecast
        #[arg(long, allow_negative_numbers = true, value_name = "N")]
        pages_forecast: i64,
        /// Pages once known
        #[arg(long, allow_negative_numbers = true, value_name = "N")]
        pages_actual: Option<i64>,
        /// Date submitted for translation
        #[arg(long, value_name = "DATE")]
        submitted: Option<String>,
        /// Date translated
        #[arg(long, value_name = "DATE")]
        translated: Option<String>,
        /// Date due to the conference services (shown by `timeline` until submitted)
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
    },
    /// Record news of a document: its actual length, its submission, its translation (kept
    /// as a revision; the document as first added stays in the history)
    Update {
        /// The meeting's code, e.g. 7MSP
        meeting: String,
        /// The document symbol
        symbol: String,
        /// A new forecast of its pages
        #[arg(long, allow_negative_numbers = true, value_name = "N")]
        pages_forecast: Option<i64>,
        /// Its pages, once known
        #[arg(long, allow_negative_numbers = true, value_name = "N")]
        pages_actual: Option<i64>,
        /// Date submitted for translation
        #[arg(long, value_name = "DATE")]
        submitted: Option<String>,
        /// Date translated
        #[arg(long, value_name = "DATE")]
        translated: Option<String>,
        /// A new date due to the conference services (the latest set is in force)
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
    },
    /// The documents of a meeting (or of every meeting): pages, due, submitted and
    /// translated dates, and where each stands on --as-of
    List {
        /// The meeting's code, e.g. 7MSP [default: every meeting]
        meeting: Option<String>,
    },
}

pub fn run(context: &Context, command: MeetingCommand) -> anyhow::Result<Outcome> {
    match command {
        MeetingCommand::Add {
            code,
            name,
            date,
            currency,
            estimate,
            approved_by,
            last_day,
            place,
        } => {
            let currency: Currency = currency.parse()?;
            let meeting = Meeting::new(
                &code,
                &name,
                parse_date(&date)?,
                Money::parse(&estimate, currency)?,
                approved_by,
            )?;
            let place = MeetingPlace::new(
                meeting.held_on,
                last_day.as_deref().map(parse_date).transpose()?,
                place.as_deref(),
            )?;
            let mut books = context.books()?;
            books.add_meeting(context.actor.clone(), &meeting, &place)?;
            context.say(format!(
                "added meeting {} ({}, {}{}{}): estimate {}",
                meeting.code,
                meeting.name,
                meeting.held_on,
                place.last_day.map_or(String::new(), |d| format!(" to {d}")),
                place
                    .place
                    .as_ref()
                    .map_or(String::new(), |p| format!(", {p}")),
                meeting.estimate
            ))?;
        }
        MeetingCommand::Update {
            code,
            last_day,
            place,
        } => {
            let code: MeetingCode = code.parse()?;
            let last_day = last_day.as_deref().map(parse_date).transpose()?;
            let mut books = context.books()?;
            let now = books.update_meeting_place(
                context.actor.clone(),
                &code,
                last_day,
                place.as_deref(),
            )?;
            context.say(format!(
                "meeting {code}: last day {}, place {}",
                now.last_day
                    .map_or("not set".to_string(), |d| d.to_string()),
                now.place.as_deref().unwrap_or("not set")
            ))?;
        }
        MeetingCommand::Rate {
            code,
            per_page,
            languages,
        } => {
            let code: MeetingCode = code.parse()?;
            let mut books = context.books()?;
            let rate = books.set_page_rate(context.actor.clone(), &code, &per_page, languages)?;
            context.say(format!(
                "meeting {code}: {} per page into {}",
                rate.per_page,
                count(rate.languages, "language", "languages")
            ))?;
        }
        MeetingCommand::List => {
            let books = context.books()?;
            context.print(&books.meeting_list(context.as_of)?)?;
        }
        MeetingCommand::Show { code } => {
            let books = context.books()?;
            context.print(&books.meeting_show(&code, context.as_of)?)?;
        }
        MeetingCommand::Balances { code } => {
            let books = context.books()?;
            context.print(&books.meeting_balances(&code)?)?;
        }
        MeetingCommand::Assess {
            code,
            scale,
            participants,
            date,
        } => {
            let code: MeetingCode = code.parse()?;
            let date = context.date_or_as_of(date.as_deref())?;
            let mut books = context.books()?;
            let done =
                books.assess_meeting(context.actor.clone(), &code, &scale, &participants, date)?;
            let left_out = if done.without_rate.is_empty() {
                String::new()
            } else {
                format!(
                    "; without a rate on the scale, not billed: {}",
                    done.without_rate.join(", ")
                )
            };
            context.say(format!(
                "meeting {code}: {} shared among {} on scale {} ({}){left_out}",
                done.estimate,
                count(done.participants, "participant", "participants"),
                done.scale,
                count(done.billed, "bill", "bills")
            ))?;
        }
        MeetingCommand::Pay {
            code,
            party,
            amount,
            date,
            reference,
        } => {
            let code: MeetingCode = code.parse()?;
            let party: PartyCode = party.parse()?;
            let date = context.date_or_as_of(date.as_deref())?;
            let mut books = context.books()?;
            let MeetingPaid {
                amount,
                entry,
                recorded,
            } = books.pay_meeting(
                context.actor.clone(),
                &code,
                &party,
                &amount,
                date,
                reference,
            )?;
            context.say(match recorded {
                Recorded::New(id) => format!(
                    "recorded entry {id}: {}, {amount}, dated {date}",
                    entry.description
                ),
                Recorded::AlreadyRecorded(id) => format!(
                    "reference '{}' is already recorded as entry {id} with the same content; \
                     nothing written",
                    entry.reference.as_deref().unwrap_or_default()
                ),
            })?;
        }
        MeetingCommand::TrueUp { code, actual, date } => {
            let code: MeetingCode = code.parse()?;
            let date = context.date_or_as_of(date.as_deref())?;
            let mut books = context.books()?;
            let (actual, written) =
                books.true_up_meeting(context.actor.clone(), &code, &actual, date)?;
            context.say(if written == 0 {
                format!("meeting {code}: the shares already add up to {actual}; nothing written")
            } else {
                format!(
                    "meeting {code}: shares brought to the actual cost of {actual} \
                     ({})",
                    count(written, "bill or credit", "bills or credits")
                )
            })?;
        }
    }
    Ok(Outcome::Done)
}

pub fn document(context: &Context, command: DocumentCommand) -> anyhow::Result<Outcome> {
    match command {
        DocumentCommand::Add {
            meeting,
            symbol,
            title,
            pages_forecast,
            pages_actual,
            submitted,
            translated,
            due,
        } => {
            let code: MeetingCode = meeting.parse()?;
            let due_on = due.as_deref().map(parse_date).transpose()?;
            let document = Document::new(
                &symbol,
                &title,
                pages_forecast,
                pages_actual,
                submitted.as_deref().map(parse_date).transpose()?,
                translated.as_deref().map(parse_date).transpose()?,
            )?;
            let mut books = context.books()?;
            books.add_document(context.actor.clone(), &code, &document, due_on)?;
            context.say(format!(
                "meeting {code}: added document {} ({}, {} forecast{})",
                document.symbol,
                document.title,
                count(document.pages_forecast, "page", "pages"),
                due_on.map_or(String::new(), |d| format!(", due {d}"))
            ))?;
        }
        DocumentCommand::Update {
            meeting,
            symbol,
            pages_forecast,
            pages_actual,
            submitted,
            translated,
            due,
        } => {
            let code: MeetingCode = meeting.parse()?;
            let change = DocumentChange {
                pages_forecast,
                pages_actual,
                submitted_on: submitted.as_deref().map(parse_date).transpose()?,
                translated_on: translated.as_deref().map(parse_date).transpose()?,
                due_on: due.as_deref().map(parse_date).transpose()?,
            };
            if change == DocumentChange::default() {
                bail!(
                    "nothing to update: give --pages-forecast, --pages-actual, --submitted, \
                     --translated or --due"
                );
            }
            let mut books = context.books()?;
            let (updated, due_on) =
                books.update_document(context.actor.clone(), &code, &symbol, &change)?;
            context.say(format!(
                "meeting {code}: document {} now {}{}{}{}",
                updated.symbol,
                count(updated.pages_expected(), "page", "pages"),
                due_on.map_or(String::new(), |d| format!(", due {d}")),
                updated
                    .submitted_on
                    .map_or(String::new(), |d| format!(", submitted {d}")),
                updated
                    .translated_on
                    .map_or(String::new(), |d| format!(", translated {d}")),
            ))?;
        }
        DocumentCommand::List { meeting } => {
            let books = context.books()?;
            context.print(&books.document_list(context.as_of, meeting.as_deref())?)?;
        }
    }
    Ok(Outcome::Done)
}
