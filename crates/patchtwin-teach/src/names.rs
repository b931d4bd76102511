//! Labels beside ids: what a reader needs to know an id without the scenario open. An asset
//! is labelled with its kind and model (`relay, siprotec-like`), a flow with its producer,
//! consumer and protocol, a function with its kind, a process unit with the `name` written in
//! the scenario file (read from the file's value tree, since the domain model keeps ids only).
//!
//! Not a lookup of anything the file does not say.

use patchtwin_model::Scenario;
use std::collections::BTreeMap;

/// Labels by id.
#[derive(Debug, Clone, Default)]
pub struct Names {
    labels: BTreeMap<String, String>,
}

impl Names {
    /// Labels for every id of `s`; `source` is the scenario's text, for the names the domain
    /// model does not keep (process units, zones). An unreadable text just gives no names.
    pub fn new(s: &Scenario, source: Option<&str>) -> Self {
        let mut labels = BTreeMap::new();
        for a in &s.assets {
            labels.insert(a.id.clone(), format!("{}, {}", a.kind.name(), a.model));
        }
        for f in &s.flows {
            labels.insert(
                f.id.clone(),
                format!(
                    "{} → {}, {}",
                    s.assets[f.producer.0 as usize].id,
                    s.assets[f.consumer.0 as usize].id,
                    f.protocol
                ),
            );
        }
        for f in &s.functions {
            let kind = serde_json::to_value(f.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            labels.insert(f.id.clone(), format!("{kind} function"));
        }
        for u in &s.process_units {
            labels.insert(u.id.clone(), "process unit".into());
        }
        for c in &s.controls {
            labels.insert(c.id.clone(), "control".into());
        }
        for w in &s.windows {
            labels.insert(w.id.clone(), "maintenance window".into());
        }
        for p in &s.patches {
            labels.insert(p.id.clone(), "patch".into());
        }
        for p in &s.plans {
            labels.insert(p.id.clone(), "plan".into());
        }
        for e in &s.threat.entry_points {
            labels.insert(e.id.clone(), "entry point".into());
        }
        labels.insert("attacker".into(), "the threat".into());
        if let Some(text) = source
            && let Ok((value, _)) = patchtwin_scenario::source::read(text)
        {
            for section in ["process_units", "zones"] {
                for item in value[section].as_array().into_iter().flatten() {
                    if let (Some(id), Some(name)) = (item["id"].as_str(), item["name"].as_str()) {
                        labels.insert(id.to_string(), name.to_string());
                    }
                }
            }
        }
        Names { labels }
    }

    /// The label of `id`, or "" when it has none.
    pub fn label(&self, id: &str) -> &str {
        self.labels.get(id).map_or("", String::as_str)
    }

    /// `id (label)`, or the bare id when it has no label.
    pub fn with_id(&self, id: &str) -> String {
        match self.label(id) {
            "" => id.to_string(),
            l => format!("{id} ({l})"),
        }
    }
}
