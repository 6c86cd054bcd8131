//! Scales of assessment: the UN scales built into the program and those imported into the
//! `scale` and `scale_rate` tables.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::corrupt;
use super::{Store, StoreError, Tx};
use crate::domain::scale::{self, Scale};
use crate::ledger::PartyCode;

/// A scale as `scale list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleSummary {
    pub name: String,
    pub source: String,
    pub parties: usize,
}

fn load(conn: &Connection, name: &str) -> Result<Scale, StoreError> {
    if let Some(builtin) = scale::builtin(name) {
        return Ok(builtin.clone());
    }
    let exists: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM scale WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
        .optional()?;
    if exists.is_none() {
        let mut known: Vec<String> = scale::builtin_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        known.extend(
            conn.prepare("SELECT name FROM scale ORDER BY name")?
                .query_map([], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()?,
        );
        return Err(StoreError::ScaleNotFound {
            name: name.to_string(),
            known: known.join(", "),
        });
    }
    let mut statement =
        conn.prepare_cached("SELECT party, rate FROM scale_rate WHERE scale = ?1")?;
    let mut rows = statement.query([name])?;
    let mut rates = BTreeMap::new();
    while let Some(row) = rows.next()? {
        let party: String = row.get(0)?;
        let rate: String = row.get(1)?;
        let rate = scale::parse_rate(&rate).map_err(corrupt)?;
        rates.insert(party.parse::<PartyCode>()?, rate);
    }
    Ok(Scale {
        name: name.to_string(),
        rates,
    })
}

impl Store {
    /// The scale called `name`, built in or imported.
    pub fn scale(&self, name: &str) -> Result<Scale, StoreError> {
        load(&self.conn, name)
    }

    /// Every scale, built in first.
    pub fn scales(&self) -> Result<Vec<ScaleSummary>, StoreError> {
        let mut list: Vec<ScaleSummary> = scale::builtin_names()
            .into_iter()
            .map(|name| ScaleSummary {
                name: name.to_string(),
                source: "built in: UN scale of assessments".into(),
                parties: scale::builtin(name).map_or(0, |s| s.rates.len()),
            })
            .collect();
        let mut statement = self.conn.prepare(
            "SELECT s.name, s.source, (SELECT count(*) FROM scale_rate r WHERE r.scale = s.name)
             FROM scale s ORDER BY s.name",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(ScaleSummary {
                name: row.get(0)?,
                source: row.get(1)?,
                parties: row.get::<_, i64>(2)? as usize,
            })
        })?;
        for row in rows {
            list.push(row?);
        }
        Ok(list)
    }
}

impl Tx<'_> {
    pub fn scale(&self, name: &str) -> Result<Scale, StoreError> {
        load(&self.tx, name)
    }

    /// Stores a new scale; a name already taken, built in or imported, is refused.
    pub fn insert_scale(&self, scale: &Scale, source: &str) -> Result<(), StoreError> {
        let builtin = scale::builtin(&scale.name).is_some();
        let taken: Option<i64> = self
            .tx
            .prepare_cached("SELECT 1 FROM scale WHERE name = ?1")?
            .query_row([&scale.name], |row| row.get(0))
            .optional()?;
        if builtin || taken.is_some() {
            return Err(StoreError::ScaleExists {
                name: scale.name.clone(),
                builtin,
            });
        }
        self.tx.execute(
            "INSERT INTO scale (name, source, imported_at, imported_by) VALUES (?1, ?2, ?3, ?4)",
            params![scale.name, source, self.actor.at, self.actor.user],
        )?;
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO scale_rate (scale, party, rate) VALUES (?1, ?2, ?3)")?;
        for (party, rate) in &scale.rates {
            insert.execute(params![scale.name, party.as_str(), rate.to_string()])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Actor;

    #[test]
    fn imported_scales_round_trip_and_names_are_never_reused() {
        let mut store = Store::in_memory().unwrap();
        let actor = Actor::test("2017-01-01T00:00:00Z");
        let scale = Scale {
            name: "ccm-extra".into(),
            rates: [("VAT".parse().unwrap(), "0.001".parse().unwrap())].into(),
        };
        let tx = store.begin(actor.clone()).unwrap();
        tx.insert_scale(&scale, "test.csv").unwrap();
        tx.commit().unwrap();
        assert_eq!(store.scale("ccm-extra").unwrap(), scale);
        assert_eq!(store.scale("un-2016-2018").unwrap().rates.len(), 193);
        assert!(matches!(
            store.scale("nope"),
            Err(StoreError::ScaleNotFound { .. })
        ));
        let tx = store.begin(actor).unwrap();
        assert!(matches!(
            tx.insert_scale(&scale, "again.csv"),
            Err(StoreError::ScaleExists { builtin: false, .. })
        ));
        let builtin = Scale {
            name: "un-2016-2018".into(),
            ..scale
        };
        assert!(matches!(
            tx.insert_scale(&builtin, "x.csv"),
            Err(StoreError::ScaleExists { builtin: true, .. })
        ));
    }
}
