//! The scales of assessment: the list of them, and the rates of one.

use std::collections::BTreeMap;

use crate::domain::scale::Scale;
use crate::store::ScaleSummary;

/// The scales, built in and imported.
pub struct ScaleList(pub Vec<ScaleSummary>);

impl serde::Serialize for ScaleList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for s in &self.0 {
            seq.serialize_element(&serde_json::json!({
                "name": s.name, "source": s.source, "parties": s.parties
            }))?;
        }
        seq.end()
    }
}

/// The rates of one scale, with their total.
#[derive(serde::Serialize)]
pub struct ScaleShow {
    pub name: String,
    pub rates: BTreeMap<String, String>,
    pub total: String,
}

/// The rates of `scale`, each as written, and their total.
pub fn scale_show(scale: Scale) -> ScaleShow {
    let total: rust_decimal::Decimal = scale.rates.values().sum();
    ScaleShow {
        name: scale.name,
        rates: scale
            .rates
            .iter()
            .map(|(c, r)| (c.to_string(), r.to_string()))
            .collect(),
        total: total.to_string(),
    }
}
