//! Shared by the headless tests: an app whose panes all talk to a (never contacted) simulator.

pub mod drive;
pub mod faulty;
pub mod keys;
pub mod tmux;

use std::collections::BTreeMap;
use std::time::Instant;

use switchboard::app::{App, Pane, Providers};
use switchboard::provider::{Endpoint, ProviderKind};

#[allow(dead_code)]
pub fn sim_app(models: &[&str]) -> App {
    let ep = Endpoint {
        provider: "sim".into(),
        kind: ProviderKind::Openrouter,
        base_url: "http://127.0.0.1:1/v1".into(),
        api_key: None,
        simulated: true,
    };
    let providers = Providers {
        endpoints: BTreeMap::from([("sim".to_string(), ep)]),
        default: "sim".into(),
    };
    let panes = models.iter().map(|m| Pane::new(*m, "sim")).collect();
    App::new(panes, providers, Instant::now())
}
