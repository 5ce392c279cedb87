//! The servers the playground can talk to.

use std::collections::BTreeMap;

use super::Endpoint;

/// The simulator's provider name.
pub const SIM: &str = "sim";

/// The servers the playground can talk to, keys resolved.
#[derive(Clone, Debug, Default)]
pub struct Providers {
    pub endpoints: BTreeMap<String, Endpoint>,
    pub default: String,
}

impl Providers {
    /// Picks the provider for a model typed by the user: `name:model` when `name` is a
    /// configured provider, the simulator for `sim/…` ids, else the default.
    pub fn route(&self, spec: &str) -> (String, String) {
        let spec = spec.trim();
        if let Some((name, model)) = spec.split_once(':') {
            if self.endpoints.contains_key(name) && !model.is_empty() {
                return (name.to_string(), model.to_string());
            }
        }
        if spec.starts_with("sim/") && self.endpoints.contains_key(SIM) {
            return (SIM.to_string(), spec.to_string());
        }
        (self.default.clone(), spec.to_string())
    }

    pub fn is_simulated(&self, name: &str) -> bool {
        self.endpoints.get(name).is_some_and(|e| e.simulated)
    }
}
