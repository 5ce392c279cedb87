//! Configuration: built-in defaults with the user's TOML file layered over them.

pub mod edit;
mod judge;
pub mod keys;
pub mod paths;
mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cost::{Budget, ModelPrice};
use crate::provider::ProviderKind;

pub use schema::PaneConfig;
use schema::{FileConfig, FileProvider};

/// The provider name under which OpenRouter is built in.
pub const OPENROUTER: &str = "openrouter";
pub const OPENROUTER_URL: &str = "https://openrouter.ai/api/v1";
/// The provider name reserved for the built-in simulator.
pub use crate::provider::providers::SIM;

#[derive(Clone, Debug, PartialEq)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    pub base_url: String,
    pub api_key_env: Option<String>,
    pub api_key_cmd: Option<String>,
    /// Prices for servers that report no cost, by model id.
    pub prices: BTreeMap<String, ModelPrice>,
    /// Which field caps an answer's length.
    pub token_field: crate::provider::request::TokenField,
    /// Ask OpenRouter for its routing metadata.
    pub routing_metadata: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub default_provider: String,
    pub providers: BTreeMap<String, ProviderConfig>,
    /// Panes from the file; empty when it names none.
    pub panes: Vec<PaneConfig>,
    pub stall_timeout: Duration,
    pub connect_timeout: Duration,
    /// Speed factor of the in-process simulator.
    pub sim_speed: f64,
    pub budget: Budget,
    /// Retries, backoff and fallback; its stream options carry the stall timeout.
    pub policy: crate::route::Policy,
    /// Named pane sets.
    pub workspaces: BTreeMap<String, Vec<PaneConfig>>,
    /// The judge the judge key asks, and the workspaces' own.
    pub judge: Option<crate::judge::verdict::Judge>,
    pub workspace_judges: BTreeMap<String, crate::judge::verdict::Judge>,
    /// The theme by name, and where the config file named it (for errors).
    pub theme: Option<(String, usize, usize)>,
    /// Keep a pane's thinking open after its answer starts.
    pub expand_thinking: bool,
    /// Every mode's keys: the defaults with the file's `[keys]` over them.
    pub keys: crate::keymap::Keymap,
    pub tools: Vec<crate::tools::ToolDef>,
    /// OpenRouter app attribution (`HTTP-Referer`, `X-OpenRouter-Title`) and end-user id.
    pub app_url: Option<String>,
    pub app_title: Option<String>,
    pub user: Option<String>,
    /// Where traces go; nothing is exported unless an endpoint is set here or in the
    /// environment.
    pub telemetry: crate::telemetry::TelemetryConfig,
    /// Addresses on screen as terminal hyperlinks (OSC 8); `None` asks the environment.
    pub hyperlinks: Option<bool>,
}

impl Default for Config {
    fn default() -> Self {
        let mut providers = BTreeMap::new();
        providers.insert(
            OPENROUTER.to_string(),
            ProviderConfig {
                kind: ProviderKind::Openrouter,
                base_url: OPENROUTER_URL.into(),
                api_key_env: Some("OPENROUTER_API_KEY".into()),
                api_key_cmd: None,
                prices: BTreeMap::new(),
                token_field: Default::default(),
                routing_metadata: true,
            },
        );
        Self {
            default_provider: OPENROUTER.into(),
            providers,
            panes: Vec::new(),
            stall_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            sim_speed: 1.0,
            budget: Budget::default(),
            policy: crate::route::Policy::default(),
            workspaces: BTreeMap::new(),
            judge: None,
            workspace_judges: BTreeMap::new(),
            theme: None,
            expand_thinking: false,
            keys: Default::default(),
            app_url: None,
            app_title: None,
            user: None,
            tools: Vec::new(),
            telemetry: Default::default(),
            hyperlinks: None,
        }
    }
}

/// A config problem, located in its file where possible.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("{}:{line}:{column}: {message}", path.display())]
    At {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
}

impl Config {
    /// Loads `path` over the defaults. A missing file is fine unless `required` (the user
    /// named it explicitly).
    pub fn load(path: &Path, required: bool) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(Self::default()),
            Err(e) => Err(ConfigError::File {
                path: path.to_path_buf(),
                message: format!("cannot read the config file: {e}"),
            }),
        }
    }

    /// Parses config text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let at = |span: Option<std::ops::Range<usize>>, message: String| match span {
            Some(span) => {
                let (line, column) = line_col(text, span.start);
                ConfigError::At {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message,
                }
            }
            None => ConfigError::File {
                path: path.to_path_buf(),
                message,
            },
        };
        let mut file: FileConfig =
            toml::from_str(text).map_err(|e| at(e.span(), one_line(e.message())))?;
        let mut cfg = Self::default();
        for (name, p) in file.providers {
            if name == SIM {
                return Err(at(
                    Some(p.span()),
                    format!("the provider name `{SIM}` is reserved for the built-in simulator"),
                ));
            }
            let span = p.span();
            let merged = merge_provider(cfg.providers.get(&name), p.into_inner())
                .map_err(|m| at(Some(span), format!("providers.{name}: {m}")))?;
            cfg.providers.insert(name, merged);
        }
        let unknown = |name: &toml::Spanned<String>| {
            at(
                Some(name.span()),
                format!(
                    "unknown provider `{}`; configured providers: {}",
                    name.get_ref(),
                    names(&cfg.providers)
                ),
            )
        };
        if let Some(d) = &file.default_provider {
            if !cfg.providers.contains_key(d.get_ref()) {
                return Err(unknown(d));
            }
        }
        // A workspace's tools join the config's: its panes offer them by name like any other.
        let mut entries = std::mem::take(&mut file.tools);
        for w in file.workspaces.values_mut() {
            entries.append(&mut w.tools);
        }
        for t in entries {
            let span = t.span();
            let t = t.into_inner();
            if cfg.tools.iter().any(|d| d.name == t.name) {
                return Err(at(
                    Some(span),
                    format!("tool `{}` is defined twice", t.name),
                ));
            }
            let parameters = match (t.parameters, t.parameters_file) {
                (Some(v), None) => serde_json::to_value(v)
                    .map_err(|e| at(Some(span.clone()), format!("tool `{}`: {e}", t.name)))?,
                (None, Some(file)) => {
                    let full = path.parent().unwrap_or(Path::new(".")).join(&file);
                    let text = std::fs::read_to_string(&full).map_err(|e| {
                        at(
                            Some(span.clone()),
                            format!("tool `{}`: cannot read {}: {e}", t.name, full.display()),
                        )
                    })?;
                    serde_json::from_str(&text).map_err(|e| {
                        at(
                            Some(span.clone()),
                            format!("tool `{}`: {} is not JSON: {e}", t.name, full.display()),
                        )
                    })?
                }
                (None, None) => serde_json::json!({"type": "object", "properties": {}}),
                (Some(_), Some(_)) => {
                    return Err(at(
                        Some(span),
                        format!(
                            "tool `{}`: give `parameters` or `parameters_file`, not both",
                            t.name
                        ),
                    ))
                }
            };
            if jsonschema::validator_for(&parameters).is_err() {
                return Err(at(
                    Some(span),
                    format!("tool `{}`: `parameters` is not a valid JSON Schema", t.name),
                ));
            }
            let result = match (t.result, t.result_file) {
                (r, None) => r,
                (None, Some(file)) => {
                    let full = path.parent().unwrap_or(Path::new(".")).join(&file);
                    Some(std::fs::read_to_string(&full).map_err(|e| {
                        at(
                            Some(span.clone()),
                            format!("tool `{}`: cannot read {}: {e}", t.name, full.display()),
                        )
                    })?)
                }
                (Some(_), Some(_)) => {
                    return Err(at(
                        Some(span),
                        format!(
                            "tool `{}`: give `result` or `result_file`, not both",
                            t.name
                        ),
                    ))
                }
            };
            cfg.tools.push(crate::tools::ToolDef {
                name: t.name,
                description: t.description,
                parameters,
                result,
                results: t.results,
            });
        }
        let workspace_panes = file.workspaces.values().flat_map(|w| &w.panes);
        for pane in file.panes.iter().chain(workspace_panes) {
            if let Some(unknown) = pane
                .tools
                .iter()
                .find(|n| !cfg.tools.iter().any(|t| &t.name == *n))
            {
                return Err(at(
                    None,
                    format!(
                        "pane `{}` offers tool `{unknown}`, which no [[tools]] entry defines",
                        pane.model.get_ref().0
                    ),
                ));
            }
            if let Some(p) = &pane.provider {
                if p.get_ref() != SIM && !cfg.providers.contains_key(p.get_ref()) {
                    return Err(unknown(p));
                }
            }
        }
        if let Some(d) = file.default_provider {
            cfg.default_provider = d.into_inner();
        }
        // Where ids are OpenRouter's `author/slug`, `name:model` names a provider, as `-m` reads
        // it; an Ollama-style default keeps `llama3:8b` as a model id.
        let openrouter_ids = cfg
            .providers
            .get(&cfg.default_provider)
            .is_some_and(|p| p.kind == ProviderKind::Openrouter);
        let workspace_panes = file.workspaces.values().flat_map(|w| &w.panes);
        for pane in file.panes.iter().chain(workspace_panes) {
            let model = &pane.model.get_ref().0;
            let Some(name) = provider_prefix(model).filter(|_| openrouter_ids) else {
                continue;
            };
            if pane.provider.is_none() && name != SIM && !cfg.providers.contains_key(name) {
                return Err(at(
                    Some(pane.model.span()),
                    format!(
                        "model `{model}`: unknown provider `{name}`; configured providers: {}",
                        names(&cfg.providers)
                    ),
                ));
            }
        }
        if file.panes.len() > crate::model::MAX_PANES {
            return Err(at(
                None,
                format!(
                    "{} panes configured; at most {} are supported",
                    file.panes.len(),
                    crate::model::MAX_PANES
                ),
            ));
        }
        let schemas: Vec<(Option<String>, bool)> = file
            .panes
            .iter()
            .map(|p| (p.json_schema_file.clone(), p.strict.unwrap_or(true)))
            .collect();
        cfg.panes = file.panes.into_iter().map(PaneConfig::from).collect();
        for (pane, (file, strict)) in cfg.panes.iter_mut().zip(schemas) {
            let Some(file) = file else { continue };
            let full = path.parent().unwrap_or(Path::new(".")).join(&file);
            let text = std::fs::read_to_string(&full).map_err(|e| {
                at(
                    None,
                    format!(
                        "pane `{}`: cannot read the schema {}: {e}",
                        pane.model,
                        full.display()
                    ),
                )
            })?;
            let schema: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                at(
                    None,
                    format!("pane `{}`: {} is not JSON: {e}", pane.model, full.display()),
                )
            })?;
            if jsonschema::validator_for(&schema).is_err() {
                return Err(at(
                    None,
                    format!(
                        "pane `{}`: {} is not a valid JSON Schema",
                        pane.model,
                        full.display()
                    ),
                ));
            }
            pane.settings.response_format =
                Some(crate::provider::settings::ResponseFormat::JsonSchema { schema, strict });
        }
        let base = path.parent().unwrap_or(Path::new("."));
        if let Some(j) = file.judge {
            let span = j.span();
            cfg.judge = Some(
                judge::read(j.into_inner(), base)
                    .map_err(|m| at(Some(span), format!("judge: {m}")))?,
            );
        }
        for (name, w) in file.workspaces {
            if let Some(j) = w.judge {
                let span = j.span();
                let judge = judge::read(j.into_inner(), base)
                    .map_err(|m| at(Some(span), format!("workspaces.{name}.judge: {m}")))?;
                cfg.workspace_judges.insert(name.clone(), judge);
            }
            if w.panes.len() > crate::model::MAX_PANES {
                return Err(at(
                    None,
                    format!(
                        "workspace `{name}` has {} panes; at most {} are supported",
                        w.panes.len(),
                        crate::model::MAX_PANES
                    ),
                ));
            }
            cfg.workspaces
                .insert(name, w.panes.into_iter().map(PaneConfig::from).collect());
        }
        if let Some(s) = file.stall_timeout_secs {
            cfg.stall_timeout = Duration::from_secs(s.0);
        }
        cfg.policy.stream.stall_timeout = cfg.stall_timeout;
        if let Some(r) = file.retry {
            if let Some(n) = r.per_hop {
                cfg.policy.retries = n.0;
            }
            if let Some(ms) = r.backoff_ms {
                cfg.policy.backoff = Duration::from_millis(ms.0);
            }
            if let Some(s) = r.max_wait_secs {
                cfg.policy.max_wait = Duration::from_secs(s.0);
            }
            if let Some(b) = r.fallback_on_client_errors {
                cfg.policy.fallback_on_client_errors = b;
            }
        }
        if let Some(s) = file.connect_timeout_secs {
            cfg.connect_timeout = Duration::from_secs(s.0);
        }
        if let Some(t) = file.theme {
            let (line, column) = line_col(text, t.span().start);
            cfg.theme = Some((t.into_inner(), line, column));
        }
        cfg.expand_thinking = file.expand_thinking.unwrap_or(false);
        cfg.hyperlinks = file.hyperlinks;
        cfg.app_url = file.app_url.filter(|s| !s.trim().is_empty());
        cfg.app_title = file.app_title.filter(|s| !s.trim().is_empty());
        cfg.user = file.user.filter(|s| !s.trim().is_empty());
        if let Some(b) = file.budget {
            cfg.budget = Budget {
                session_usd: b.session_usd.map(|u| u.0),
                daily_usd: b.daily_usd.map(|u| u.0),
                monthly_usd: b.monthly_usd.map(|u| u.0),
                warn: b.warn.map_or(cfg.budget.warn, |w| w.0),
            };
        }
        if let Some(t) = file.telemetry {
            let span = t.span();
            let t = t.into_inner();
            if let Some(url) = &t.otlp_endpoint {
                crate::telemetry::settings::check_url(url)
                    .map_err(|m| at(Some(span.clone()), format!("telemetry.otlp_endpoint: {m}")))?;
            }
            if let Some(bad) = t.headers.iter().find(|(k, v)| {
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err()
                    || reqwest::header::HeaderValue::from_str(v).is_err()
            }) {
                return Err(at(
                    Some(span),
                    format!("telemetry.headers: `{}` is not a valid HTTP header", bad.0),
                ));
            }
            cfg.telemetry = crate::telemetry::TelemetryConfig {
                otlp_endpoint: t.otlp_endpoint,
                headers: t.headers,
                content: t.content.unwrap_or(false),
            };
        }
        if let Some(sim) = file.sim {
            if let Some(speed) = sim.speed {
                cfg.sim_speed = speed.0;
            }
        }
        cfg.keys =
            crate::keymap::Keymap::from_config(text).map_err(|e| at(Some(e.at), e.message))?;
        Ok(cfg)
    }
}

/// The `name` of a `name:model` id when it reads as a provider's name rather than as part of
/// a model id: OpenRouter's ids are `author/slug[:variant]`, so a colon before any slash
/// separates a provider from its model.
pub fn provider_prefix(spec: &str) -> Option<&str> {
    let (name, model) = spec.trim().split_once(':')?;
    (!name.is_empty() && !model.is_empty() && !name.contains('/')).then_some(name)
}

/// The parser's messages span lines; a terminal error reads better on one.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn names(p: &BTreeMap<String, ProviderConfig>) -> String {
    p.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
}

fn merge_provider(
    base: Option<&ProviderConfig>,
    p: FileProvider,
) -> Result<ProviderConfig, String> {
    let base_url = p
        .base_url
        .or_else(|| base.map(|b| b.base_url.clone()))
        .ok_or("`base_url` is required for a new provider")?;
    let kind = p
        .kind
        .or(base.map(|b| b.kind))
        .unwrap_or(ProviderKind::Openai);
    let mut prices = base.map(|b| b.prices.clone()).unwrap_or_default();
    for (model, price) in p.prices {
        prices.insert(
            model,
            ModelPrice::per_million(price.prompt.0, price.completion.0),
        );
    }
    Ok(ProviderConfig {
        routing_metadata: p
            .routing_metadata
            .or(base.map(|b| b.routing_metadata))
            .unwrap_or(kind == ProviderKind::Openrouter),
        token_field: p
            .max_tokens_field
            .or(base.map(|b| b.token_field))
            .unwrap_or_default(),
        prices,
        kind,
        base_url,
        api_key_env: p
            .api_key_env
            .or_else(|| base.and_then(|b| b.api_key_env.clone())),
        api_key_cmd: p
            .api_key_cmd
            .or_else(|| base.and_then(|b| b.api_key_cmd.clone())),
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests;
