//! `party add`, `party list`, `party import`.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{Context, Outcome};
use crate::app::csv_in::CsvInput;
use crate::domain::parse_date;
use crate::domain::party::{Party, PartyInput};
use crate::reports::parties::party_list;
use crate::store::Tx;

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

/// The columns of `party import`; only `code` is required.
pub const PARTY_COLUMNS_REQUIRED: [&str; 1] = ["code"];
pub const PARTY_COLUMNS_OPTIONAL: [&str; 7] = [
    "name",
    "kind",
    "deposited",
    "in_force",
    "address",
    "email",
    "language",
];

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
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            tx.insert_party(&party)?;
            tx.commit()?;
            let in_force = party
                .in_force_on
                .map_or(String::new(), |d| format!(", in force {d}"));
            context.say(format!(
                "added party {} {} ({}{in_force})",
                party.code, party.name, party.kind
            ))?;
        }
        PartyCommand::List => {
            let store = context.open()?;
            context.print(&party_list(context.as_of, store.parties()?))?;
        }
        PartyCommand::Import { file } => {
            let mut store = context.open()?;
            let tx = store.begin(context.actor.clone())?;
            let count = import_parties(&tx, open_party_csv(&file)?)?;
            tx.commit()?;
            context.say(format!(
                "imported {} from {}",
                crate::text::count(count, "party", "parties"),
                file.display()
            ))?;
        }
    }
    Ok(Outcome::Done)
}

fn open_party_csv(path: &Path) -> anyhow::Result<CsvInput> {
    CsvInput::open(path, &PARTY_COLUMNS_REQUIRED, &PARTY_COLUMNS_OPTIONAL)
}

/// Reads parties from CSV text (for the built-in example).
pub fn party_csv_from(name: &str, source: impl BufRead + 'static) -> anyhow::Result<CsvInput> {
    CsvInput::from_reader(
        name.to_string(),
        source,
        &PARTY_COLUMNS_REQUIRED,
        &PARTY_COLUMNS_OPTIONAL,
    )
}

/// Adds every party of the file in the given transaction; returns how many.
pub fn import_parties(tx: &Tx<'_>, mut csv: CsvInput) -> anyhow::Result<usize> {
    let mut count = 0;
    while let Some(row) = csv.next_row()? {
        (|| -> anyhow::Result<()> {
            let date = |column: &str| row.optional(column).map(parse_date).transpose();
            let party = Party::new(PartyInput {
                code: row.required("code")?.to_string(),
                name: row.optional("name").map(str::to_string),
                kind: row.optional("kind").map(str::to_string),
                deposited_on: date("deposited")?,
                in_force_on: date("in_force")?,
                address: row.optional("address").map(str::to_string),
                email: row.optional("email").map(str::to_string),
                language: row.optional("language").map(str::to_string),
            })?;
            tx.insert_party(&party)?;
            Ok(())
        })()
        .map_err(|e| row.error(format!("{e:#}")))?;
        count += 1;
    }
    Ok(count)
}
