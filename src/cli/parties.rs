//! `party add`, `party list`, `party import`.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Context, Outcome};
use crate::app::parties::open_party_csv;
use crate::domain::parse_date;
use crate::domain::party::{Party, PartyInput};

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
        /// Entry into force [default: first day of the sixth month after deposit]
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
    /// List the parties
    List,
    /// Import parties from CSV: code,name,kind,deposited,in_force,address,email,language
    /// (only code is required); all or nothing
    Import {
        /// The CSV file
        file: PathBuf,
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
            let party = Party::new(PartyInput {
                code,
                name,
                kind: Some(kind),
                deposited_on: deposited.as_deref().map(parse_date).transpose()?,
                in_force_on: in_force.as_deref().map(parse_date).transpose()?,
                address,
                email,
                language: Some(language),
            })?;
            let mut books = context.books()?;
            books.add_party(context.actor.clone(), &party)?;
            let in_force = party
                .in_force_on
                .map_or(String::new(), |d| format!(", in force {d}"));
            context.say(format!(
                "added party {} {} ({}{in_force})",
                party.code, party.name, party.kind
            ))?;
        }
        PartyCommand::List => {
            let books = context.books()?;
            context.print(&books.party_list(context.as_of)?)?;
        }
        PartyCommand::Import { file } => {
            let mut books = context.books()?;
            let count = books.import_parties(context.actor.clone(), open_party_csv(&file)?)?;
            context.say(format!(
                "imported {} from {}",
                crate::text::count(count, "party", "parties"),
                file.display()
            ))?;
        }
    }
    Ok(Outcome::Done)
}
