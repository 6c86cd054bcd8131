//! `party add`, `party update`, `party list`, `party import`, `party history`.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Context, Outcome};
use crate::app::parties::{open_party_csv, party_warning};
use crate::domain::parse_date;
use crate::domain::party::{Party, PartyInput, PartyUpdate};
use crate::ledger::PartyCode;

#[derive(Debug, Subcommand)]
pub enum PartyCommand {
    /// Add a party: a State by its ISO 3166 alpha-3 code, or an organisation
    Add {
        /// ISO 3166 alpha-3 code (DEU, CHE, ...); an organisation may use its own code
        code: String,
        /// Name [default: the UN short name of the State]
        #[arg(long)]
        name: Option<String>,
        /// state-party, signatory, non-party or organisation
        #[arg(long, default_value = "state-party")]
        kind: String,
        /// Date the instrument of ratification or accession was deposited
        #[arg(long, value_name = "DATE")]
        deposited: Option<String>,
        /// Entry into force [default: by the books' rule (settings in_force_months and
        /// convention_in_force): the first day of the sixth month after deposit, not before
        /// the convention's own entry into force]
        #[arg(long, value_name = "DATE")]
        in_force: Option<String>,
        /// Postal address of the mission, for letters
        #[arg(long, value_name = "TEXT")]
        address: Option<String>,
        /// E-mail address for letters
        #[arg(long, value_name = "ADDR")]
        email: Option<String>,
        /// Language of letters: en, fr or es
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Change a party's record from a date (--date, default --as-of), kept as dated
    /// history: a new address, e-mail or language, or a signatory's ratification (a deposit
    /// date makes it a State Party, in force by the books' rule)
    Update {
        /// The party's code
        code: String,
        /// New name
        #[arg(long)]
        name: Option<String>,
        /// New kind: state-party, signatory, non-party or organisation
        #[arg(long)]
        kind: Option<String>,
        /// Date the instrument of ratification or accession was deposited
        #[arg(long, value_name = "DATE")]
        deposited: Option<String>,
        /// Entry into force [default with --deposited: by the books' rule]
        #[arg(long, value_name = "DATE")]
        in_force: Option<String>,
        /// New postal address of the mission (lines separated by commas, '|' or new
        /// lines); "" clears it
        #[arg(long, value_name = "TEXT")]
        address: Option<String>,
        /// New e-mail address; "" clears it
        #[arg(long, value_name = "ADDR")]
        email: Option<String>,
        /// New language of letters: en, fr or es
        #[arg(long)]
        language: Option<String>,
        /// The day the change takes effect: letters dated before it use the old record
        /// [default: --as-of]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// List the parties
    List,
    /// Import parties from CSV: code,name,kind,deposited,in_force,address,email,language
    /// (only code is required); all or nothing
    Import {
        /// The CSV file
        file: PathBuf,
        /// Change the parties already in the books to what their rows say (the cells
        /// given), from --date, instead of refusing them
        #[arg(long)]
        update: bool,
        /// With --update, the day the changes take effect [default: --as-of]
        #[arg(long, value_name = "DATE", requires = "update")]
        date: Option<String>,
    },
    /// The recorded changes of a party's record (or of every party), who made them and when
    History {
        /// The party's code [default: every party]
        code: Option<String>,
    },
}

pub fn run(context: &Context, command: PartyCommand) -> anyhow::Result<Outcome> {
    match command {
        PartyCommand::Add {
            code,
            name,
            kind,
            deposited,
            in_force,
            address,
            email,
            language,
        } => {
            let input = PartyInput {
                code,
                name,
                kind: Some(kind),
                deposited_on: deposited.as_deref().map(parse_date).transpose()?,
                in_force_on: in_force.as_deref().map(parse_date).transpose()?,
                address,
                email,
                language: Some(language),
            };
            // The party is checked before the ledger is opened, by the rule without the
            // convention's date; the books then apply their own rule.
            Party::new(input.clone())?;
            let mut books = context.books()?;
            let party = books.add_party_from(context.actor.clone(), input)?;
            let in_force = party
                .in_force_on
                .map_or(String::new(), |d| format!(", in force {d}"));
            context.say(format!(
                "added party {} {} ({}{in_force})",
                party.code, party.name, party.kind
            ))?;
            if let Some(warning) = party_warning(&party) {
                eprintln!("{warning}");
            }
        }
        PartyCommand::Update {
            code,
            name,
            kind,
            deposited,
            in_force,
            address,
            email,
            language,
            date,
        } => {
            let code: PartyCode = code.parse()?;
            let update = PartyUpdate {
                name,
                kind,
                deposited_on: deposited.as_deref().map(parse_date).transpose()?,
                in_force_on: in_force.as_deref().map(parse_date).transpose()?,
                address,
                email,
                language,
            };
            let effective_on = context.date_or_as_of(date.as_deref())?;
            let mut books = context.books()?;
            let (change, party) =
                books.update_party(context.actor.clone(), &code, update, effective_on)?;
            context.say(format!(
                "updated party {} {} from {effective_on}: {} ({}{})",
                party.code,
                party.name,
                change.changed(),
                party.kind,
                party
                    .in_force_on
                    .map_or(String::new(), |d| format!(", in force {d}"))
            ))?;
            if let Some(warning) = party_warning(&party) {
                eprintln!("{warning}");
            }
        }
        PartyCommand::History { code } => {
            let code: Option<PartyCode> = code.as_deref().map(str::parse).transpose()?;
            let books = context.books()?;
            context.print(&books.party_history(code.as_ref())?)?;
        }
        PartyCommand::List => {
            let books = context.books()?;
            context.print(&books.party_list(context.as_of)?)?;
        }
        PartyCommand::Import { file, update, date } => {
            let effective_on = if update {
                Some(context.date_or_as_of(date.as_deref())?)
            } else {
                None
            };
            let csv = open_party_csv(&file)?;
            let mut books = context.books()?;
            let summary =
                books.import_parties_updating(context.actor.clone(), csv, effective_on)?;
            let mut message = format!(
                "imported {} from {}",
                crate::text::count(summary.added, "party", "parties"),
                file.display()
            );
            if let Some(effective_on) = effective_on {
                message.push_str(&format!(
                    "; updated {} from {effective_on} ({} unchanged)",
                    crate::text::count(summary.updated, "party", "parties"),
                    summary.unchanged
                ));
            }
            context.say(message)?;
        }
    }
    Ok(Outcome::Done)
}
