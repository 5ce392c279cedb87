//! From config and command line to the providers and panes a session starts with.

use std::collections::BTreeMap;

use crate::config::{keys, paths, Config, PaneConfig, SIM};
use crate::model::{Pane, MAX_PANES};
use crate::provider::request::normalize_base_url;
use crate::provider::Providers;
use crate::provider::{Endpoint, ProviderKind};
use crate::sim::{self, SimOptions, SimServer};

pub const DEFAULT_SIM_PANES: [&str; 3] = ["sim/swift", "sim/steady", "sim/thinker"];
/// Small, fast current models from three makers; checked against the catalog when it arrives
/// and replaced if no longer listed.
pub const DEFAULT_LIVE_PANES: [&str; 3] = [
    "openai/gpt-5-mini",
    "anthropic/claude-haiku-4.5",
    "google/gemini-3-flash-preview",
];

#[derive(Debug)]
pub struct Setup {
    pub providers: Providers,
    pub panes: Vec<Pane>,
    /// No key for the default provider (or `--sim`): the simulator stands in.
    pub sim_mode: bool,
}

/// A configured session, ready to run: config, providers, panes and the simulator behind them.
pub struct Session {
    pub cfg: Config,
    pub setup: Setup,
    pub simulator: SimServer,
    /// The config file: where panes and workspaces are saved.
    pub config_path: std::path::PathBuf,
}

impl Session {
    /// Loads the config, resolves keys, starts the in-process simulator and builds the panes.
    /// Every error is a message for the person at the keyboard.
    pub async fn open(
        config: Option<std::path::PathBuf>,
        models: &[String],
        force_sim: bool,
        workspace: Option<&str>,
    ) -> Result<Self, String> {
        let (config_path, required) = paths::config_file(config);
        let cfg = Config::load(&config_path, required).map_err(|e| e.to_string())?;
        let dotenv = keys::read_dotenv(std::path::Path::new(".env"));
        let mut resolved = BTreeMap::new();
        for (name, p) in &cfg.providers {
            let key = keys::resolve(p, |v| std::env::var(v).ok(), &dotenv)
                .map_err(|e| format!("provider `{name}`: {e}"))?;
            resolved.insert(name.clone(), key);
        }
        let simulator = sim::start(
            "127.0.0.1",
            0,
            SimOptions {
                speed: cfg.sim_speed,
                ..SimOptions::default()
            },
        )
        .await
        .map_err(|e| format!("cannot start the built-in simulator: {e}"))?;
        let setup = build(
            &cfg,
            &resolved,
            models,
            force_sim,
            &simulator.base_url(),
            workspace,
        )?;
        Ok(Self {
            cfg,
            setup,
            simulator,
            config_path,
        })
    }
}

/// A pane as the config file describes it.
pub fn from_config(providers: &Providers, pc: &PaneConfig) -> Pane {
    // `model = "ollama:llama3"` means what `-m ollama:llama3` means.
    let (provider, model) = match &pc.provider {
        Some(p) => (p.clone(), pc.model.clone()),
        None => providers.route(&pc.model),
    };
    let mut pane = Pane::new(model, provider);
    pane.settings = pc.settings.clone();
    pane
}

/// A pane as the config file should describe it; the provider is named only when routing
/// would not find it from the model alone.
pub fn to_config(providers: &Providers, pane: &Pane) -> PaneConfig {
    let routed = providers.route(&pane.model).0;
    PaneConfig {
        model: pane.model.clone(),
        provider: (routed != pane.provider).then(|| pane.provider.clone()),
        settings: pane.settings.clone(),
    }
}

/// The provider a `name:model` spec names when no such provider is configured. Only where the
/// default provider is OpenRouter-like: there every id is `author/slug`, so a bare `name:` can
/// only be meant as a provider, while an Ollama tag such as `llama3:8b` is a model id.
fn unknown_provider<'a>(cfg: &Config, providers: &Providers, spec: &'a str) -> Option<&'a str> {
    let name = crate::config::provider_prefix(spec)?;
    let default_kind = providers.endpoints.get(&providers.default).map(|e| e.kind);
    (default_kind == Some(ProviderKind::Openrouter)
        && name != SIM
        && !cfg.providers.contains_key(name))
    .then_some(name)
}

/// `keys` maps provider names to their resolved key. `sim_url` is the in-process simulator.
/// `workspace` picks a named pane set instead of the file's `[[panes]]`.
pub fn build(
    cfg: &Config,
    keys: &BTreeMap<String, Option<String>>,
    models: &[String],
    force_sim: bool,
    sim_url: &str,
    workspace: Option<&str>,
) -> Result<Setup, String> {
    let mut endpoints = BTreeMap::new();
    for (name, p) in &cfg.providers {
        endpoints.insert(
            name.clone(),
            Endpoint {
                provider: name.clone(),
                kind: p.kind,
                base_url: normalize_base_url(&p.base_url),
                api_key: keys.get(name).cloned().flatten(),
                simulated: false,
                options: crate::provider::request::WireOptions {
                    token_field: p.token_field,
                    referer: cfg.app_url.clone(),
                    title: cfg.app_title.clone(),
                    user: cfg.user.clone(),
                    routing_metadata: p.routing_metadata,
                },
            },
        );
    }
    endpoints.insert(
        SIM.to_string(),
        Endpoint {
            provider: SIM.to_string(),
            kind: ProviderKind::Openrouter,
            base_url: normalize_base_url(sim_url),
            api_key: None,
            simulated: true,
            options: crate::provider::request::WireOptions {
                routing_metadata: true,
                ..Default::default()
            },
        },
    );
    let lacks_key = |name: &str| endpoints.get(name).is_some_and(Endpoint::lacks_key);
    let sim_mode = force_sim || lacks_key(&cfg.default_provider);
    let providers = Providers {
        default: if sim_mode {
            SIM.to_string()
        } else {
            cfg.default_provider.clone()
        },
        endpoints: endpoints.clone(),
    };

    let mut panes = Vec::new();
    if !models.is_empty() {
        for spec in models {
            if spec.trim().is_empty() || spec.trim().chars().any(char::is_whitespace) {
                return Err(format!("`{spec}` is not a model id"));
            }
            if let Some(name) = unknown_provider(cfg, &providers, spec) {
                return Err(format!(
                    "-m {spec}: unknown provider `{name}`; configured providers: {}",
                    cfg.providers.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            let (provider, model) = providers.route(spec);
            panes.push(Pane::new(model, provider));
        }
    } else {
        let chosen = match workspace {
            Some(name) => cfg.workspaces.get(name).ok_or_else(|| {
                let known: Vec<&str> = cfg.workspaces.keys().map(String::as_str).collect();
                if known.is_empty() {
                    format!("no workspace `{name}`: none saved yet (a pane's settings in the playground save one)")
                } else {
                    format!("no workspace `{name}`; saved: {}", known.join(", "))
                }
            })?,
            None => &cfg.panes,
        };
        for (i, pc) in chosen.iter().enumerate() {
            let mut pane = from_config(&providers, pc);
            // Without a key these would only fail; the simulator's defaults serve better.
            if sim_mode && lacks_key(&pane.provider) {
                continue;
            }
            pane.origin = workspace.is_none().then_some(i);
            panes.push(pane);
        }
        if panes.is_empty() {
            let defaults = if sim_mode {
                DEFAULT_SIM_PANES
            } else {
                DEFAULT_LIVE_PANES
            };
            for m in defaults {
                let (provider, model) = providers.route(m);
                let mut pane = Pane::new(model, provider);
                pane.stock = true;
                panes.push(pane);
            }
        }
    }
    if panes.len() > MAX_PANES {
        return Err(format!(
            "{} models given; at most {MAX_PANES} panes fit",
            panes.len()
        ));
    }
    Ok(Setup {
        providers,
        panes,
        sim_mode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PaneConfig;

    fn keys(or: Option<&str>) -> BTreeMap<String, Option<String>> {
        BTreeMap::from([("openrouter".to_string(), or.map(str::to_owned))])
    }

    #[test]
    fn no_key_means_simulator_defaults() {
        let s = build(
            &Config::default(),
            &keys(None),
            &[],
            false,
            "http://127.0.0.1:9",
            None,
        )
        .unwrap();
        assert!(s.sim_mode);
        let models: Vec<_> = s.panes.iter().map(|p| p.model.as_str()).collect();
        assert_eq!(models, DEFAULT_SIM_PANES);
        assert!(s.panes.iter().all(|p| p.provider == SIM));
        assert_eq!(s.providers.endpoints[SIM].base_url, "http://127.0.0.1:9/v1");
    }

    #[test]
    fn key_means_openrouter_and_sim_models_still_route_to_the_simulator() {
        let models = vec!["sim/coder".to_string(), "openai/gpt-4o".to_string()];
        let s = build(
            &Config::default(),
            &keys(Some("k")),
            &models,
            false,
            "http://x/api/v1",
            None,
        )
        .unwrap();
        assert!(!s.sim_mode);
        assert_eq!(s.panes[0].provider, SIM);
        assert_eq!(s.panes[1].provider, "openrouter");
        assert_eq!(
            s.providers.endpoints["openrouter"].api_key.as_deref(),
            Some("k")
        );
    }

    #[test]
    fn config_panes_keep_their_settings_and_too_many_models_fail() {
        let cfg = Config {
            panes: vec![PaneConfig {
                model: "sim/steady".into(),
                settings: crate::provider::settings::Settings {
                    system: Some("terse".into()),
                    temperature: Some(0.2),
                    ..Default::default()
                },
                ..PaneConfig::default()
            }],
            ..Config::default()
        };
        let s = build(&cfg, &keys(None), &[], false, "http://x", None).unwrap();
        assert_eq!(s.panes.len(), 1);
        assert_eq!(s.panes[0].settings.system.as_deref(), Some("terse"));
        let too_many: Vec<String> = (0..=crate::model::MAX_PANES)
            .map(|i| format!("sim/m{i}"))
            .collect();
        assert!(build(&cfg, &keys(None), &too_many, false, "http://x", None).is_err());
    }

    #[test]
    fn a_workspace_replaces_the_default_panes() {
        let mut cfg = Config::default();
        cfg.workspaces.insert(
            "review".into(),
            vec![PaneConfig {
                model: "sim/coder".into(),
                ..PaneConfig::default()
            }],
        );
        let s = build(&cfg, &keys(None), &[], false, "http://x", Some("review")).unwrap();
        assert_eq!(s.panes.len(), 1);
        assert_eq!(s.panes[0].model, "sim/coder");
        assert_eq!(
            s.panes[0].origin, None,
            "saving goes to the workspace, not [[panes]]"
        );
        let e = build(&cfg, &keys(None), &[], false, "http://x", Some("nope")).unwrap_err();
        assert!(e.contains("saved: review"), "{e}");
    }

    #[test]
    fn provider_and_model_split_alike_from_the_config_and_the_command_line() {
        let mut cfg = Config::parse(
            "[providers.ollama]\nkind = \"openai\"\nbase_url = \"http://x\"\n\
             [[panes]]\nmodel = \"ollama:llama3\"\n",
            std::path::Path::new("c.toml"),
        )
        .unwrap();
        let s = build(&cfg, &keys(Some("k")), &[], false, "http://x", None).unwrap();
        assert_eq!(
            (s.panes[0].provider.as_str(), s.panes[0].model.as_str()),
            ("ollama", "llama3")
        );
        let cli = build(
            &cfg,
            &keys(Some("k")),
            &["ollama:llama3".to_string()],
            false,
            "http://x",
            None,
        )
        .unwrap();
        assert_eq!(
            (cli.panes[0].provider.as_str(), cli.panes[0].model.as_str()),
            ("ollama", "llama3")
        );
        cfg.providers.remove("ollama");
        let e = build(
            &cfg,
            &keys(None),
            &["ollama:x".into()],
            false,
            "http://x",
            None,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "-m ollama:x: unknown provider `ollama`; configured providers: openrouter"
        );
    }

    #[test]
    fn config_round_trip_names_the_provider_only_when_needed() {
        let s = build(
            &Config::default(),
            &keys(Some("k")),
            &[],
            false,
            "http://x",
            None,
        )
        .unwrap();
        let mut pane = Pane::new("sim/coder", SIM);
        assert_eq!(to_config(&s.providers, &pane).provider, None);
        pane.provider = "openrouter".into();
        assert_eq!(
            to_config(&s.providers, &pane).provider.as_deref(),
            Some("openrouter")
        );
        let back = from_config(&s.providers, &to_config(&s.providers, &pane));
        assert_eq!((back.model, back.provider), (pane.model, pane.provider));
    }
}
