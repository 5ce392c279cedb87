//! The file format. Every table rejects unknown keys so typos are reported, not ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::provider::settings::{self, Effort, Routing, Settings};
use crate::provider::ProviderKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub default_provider: Option<Spanned<String>>,
    pub stall_timeout_secs: Option<Seconds>,
    pub connect_timeout_secs: Option<Seconds>,
    #[serde(default)]
    pub providers: BTreeMap<String, Spanned<FileProvider>>,
    #[serde(default)]
    pub panes: Vec<FilePane>,
    pub sim: Option<FileSim>,
    pub budget: Option<FileBudget>,
    pub retry: Option<FileRetry>,
    #[serde(default)]
    pub workspaces: BTreeMap<String, FileWorkspace>,
    pub theme: Option<Spanned<String>>,
    pub expand_thinking: Option<bool>,
    /// Read with its positions by the keymap; here only so the table is not unknown.
    #[allow(dead_code)]
    pub keys: Option<toml::Table>,
    #[serde(default)]
    pub tools: Vec<Spanned<FileTool>>,
    /// OpenRouter app attribution: `HTTP-Referer` and `X-OpenRouter-Title`.
    pub app_url: Option<String>,
    pub app_title: Option<String>,
    /// OpenRouter's end-user id (`user`).
    pub user: Option<String>,
    /// The judge model the playground's judge key asks.
    pub judge: Option<Spanned<FileJudge>>,
    /// Where traces go.
    pub telemetry: Option<Spanned<FileTelemetry>>,
    /// Addresses on screen as terminal hyperlinks; unset, as the terminal's environment says.
    pub hyperlinks: Option<bool>,
}

/// `[telemetry]`: an OTLP/HTTP collector, its headers, and whether spans carry content.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileTelemetry {
    pub otlp_endpoint: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub content: Option<bool>,
}

/// A judge: a model and its rubric (inline or in a file), how it rates, and on what scale.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileJudge {
    pub model: String,
    pub rubric: Option<String>,
    /// Relative to the config file.
    pub rubric_file: Option<String>,
    /// `score` or `pairwise`.
    pub mode: Option<String>,
    pub scale: Option<u32>,
}

/// A tool models may call.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileTool {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The arguments' JSON Schema, inline.
    pub parameters: Option<toml::Value>,
    /// Or in a JSON file, relative to the config file.
    pub parameters_file: Option<String>,
    /// A canned result, for answering calls without typing.
    pub result: Option<String>,
    /// Or in a file, relative to the config file.
    pub result_file: Option<String>,
    /// Canned results keyed by an argument's value.
    #[serde(default)]
    pub results: std::collections::BTreeMap<String, String>,
}

/// A named pane set.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileWorkspace {
    #[serde(default)]
    pub panes: Vec<FilePane>,
    /// Tools defined with the workspace.
    #[serde(default)]
    pub tools: Vec<Spanned<FileTool>>,
    /// The workspace's own judge, over the config's.
    pub judge: Option<Spanned<FileJudge>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileRetry {
    pub per_hop: Option<RetryCount>,
    pub backoff_ms: Option<Seconds>,
    pub max_wait_secs: Option<Seconds>,
    pub fallback_on_client_errors: Option<bool>,
}

/// Retries per hop: a few at most, so a hop never retries forever.
#[derive(Debug)]
pub(super) struct RetryCount(pub u32);
impl<'de> Deserialize<'de> for RetryCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = whole(d, "per_hop")?;
        match u32::try_from(n) {
            Ok(v) if v <= 10 => Ok(Self(v)),
            _ => Err(serde::de::Error::custom(format!(
                "per_hop {n} is out of range (expected 0 to 10)"
            ))),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileBudget {
    pub session_usd: Option<Usd>,
    pub daily_usd: Option<Usd>,
    pub monthly_usd: Option<Usd>,
    pub warn: Option<Warn>,
}

/// Prices in USD per million tokens, as providers publish them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilePrice {
    pub prompt: Usd,
    pub completion: Usd,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileProvider {
    pub kind: Option<ProviderKind>,
    pub base_url: Option<String>,
    pub api_key_env: Option<String>,
    pub api_key_cmd: Option<String>,
    #[serde(default)]
    pub prices: BTreeMap<String, FilePrice>,
    /// `max_completion_tokens` for servers that refuse `max_tokens` (OpenAI's reasoning models).
    pub max_tokens_field: Option<crate::provider::request::TokenField>,
    /// Ask OpenRouter for its routing metadata (on by default for OpenRouter).
    pub routing_metadata: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSim {
    pub speed: Option<Speed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilePane {
    pub model: Spanned<ModelId>,
    pub provider: Option<Spanned<String>>,
    pub system: Option<String>,
    #[serde(default)]
    pub fallbacks: Vec<ModelId>,
    pub temperature: Option<Temperature>,
    pub top_p: Option<TopP>,
    pub top_k: Option<Count>,
    pub min_p: Option<MinP>,
    pub max_tokens: Option<NonZeroU32Tokens>,
    pub seed: Option<Seed>,
    #[serde(default)]
    pub stop: Vec<String>,
    pub frequency_penalty: Option<FrequencyPenalty>,
    pub presence_penalty: Option<PresencePenalty>,
    pub repetition_penalty: Option<RepetitionPenalty>,
    pub reasoning_effort: Option<EffortName>,
    pub reasoning_max_tokens: Option<NonZeroU32Tokens>,
    #[serde(default)]
    pub reasoning_exclude: bool,
    pub reasoning_enabled: Option<bool>,
    /// Ask OpenRouter to echo the body the provider received (`debug.echo_upstream_body`).
    #[serde(default)]
    pub debug_echo: bool,
    pub compression: Option<bool>,
    pub routing: Option<FileRouting>,
    /// Names of `[[tools]]` this pane offers.
    #[serde(default)]
    pub tools: Vec<String>,
    pub tool_choice: Option<String>,
    pub parallel_tool_calls: Option<bool>,
    /// Ask for any JSON object.
    pub json_object: Option<bool>,
    /// Ask for JSON matching this schema (a JSON file, relative to the config file).
    pub json_schema_file: Option<String>,
    /// With a schema: ask the provider to enforce it.
    pub strict: Option<bool>,
    /// Prompt caching: `5m` or `1h`.
    pub cache: Option<Checked<CacheRule>>,
    /// Cache the system prompt only, not the whole conversation.
    pub cache_system: Option<bool>,
    /// OpenRouter's web search with this engine (`auto`, `native`, `exa`, …).
    pub web_search: Option<Checked<WebEngineRule>>,
    /// Results per search, 1 to 25.
    pub web_search_results: Option<SearchResults>,
}

#[derive(Debug)]
pub(super) struct WebEngineRule;
impl Rule for WebEngineRule {
    fn check(s: &str) -> Result<String, String> {
        settings::check_web_engine(s)
    }
}

#[derive(Debug)]
pub(super) struct SearchResults(pub u32);
impl<'de> Deserialize<'de> for SearchResults {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = whole(d, "web_search_results")?;
        settings::check_web_results(n)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Debug)]
pub(super) struct CacheRule;
impl Rule for CacheRule {
    fn check(s: &str) -> Result<String, String> {
        match s.trim() {
            "5m" | "1h" => Ok(s.trim().to_string()),
            other => Err(format!("cache `{other}` must be 5m or 1h")),
        }
    }
}

/// OpenRouter's `provider` object, per pane.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileRouting {
    #[serde(default)]
    pub order: Vec<String>,
    #[serde(default)]
    pub only: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    pub allow_fallbacks: Option<bool>,
    pub require_parameters: Option<bool>,
    pub data_collection: Option<Checked<DataCollectionRule>>,
    pub zdr: Option<bool>,
    pub sort: Option<Checked<SortRule>>,
    #[serde(default)]
    pub quantizations: Vec<Checked<QuantRule>>,
    pub max_price_prompt: Option<Usd>,
    pub max_price_completion: Option<Usd>,
    pub max_price_request: Option<Usd>,
    pub max_price_image: Option<Usd>,
    pub sort_partition: Option<Checked<PartitionRule>>,
    pub preferred_min_throughput: Option<Usd>,
    pub preferred_max_latency: Option<Usd>,
}

#[derive(Debug)]
pub(super) struct PartitionRule;
impl Rule for PartitionRule {
    fn check(s: &str) -> Result<String, String> {
        match s.trim() {
            "model" | "none" => Ok(s.trim().to_string()),
            other => Err(format!("sort_partition `{other}` must be model or none")),
        }
    }
}

/// One pane as configured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PaneConfig {
    pub model: String,
    pub provider: Option<String>,
    pub settings: Settings,
}

impl From<FilePane> for PaneConfig {
    fn from(p: FilePane) -> Self {
        let routing = p.routing.map_or_else(Routing::default, |r| Routing {
            order: r.order,
            only: r.only,
            ignore: r.ignore,
            allow_fallbacks: r.allow_fallbacks,
            require_parameters: r.require_parameters,
            data_collection: r.data_collection.map(|c| c.0),
            zdr: r.zdr,
            sort: r.sort.map(|c| c.0),
            quantizations: r.quantizations.into_iter().map(|q| q.0).collect(),
            max_price_prompt: r.max_price_prompt.map(|u| u.0),
            max_price_completion: r.max_price_completion.map(|u| u.0),
            max_price_request: r.max_price_request.map(|u| u.0),
            max_price_image: r.max_price_image.map(|u| u.0),
            sort_partition: r.sort_partition.map(|c| c.0),
            preferred_min_throughput: r.preferred_min_throughput.map(|u| u.0),
            preferred_max_latency: r.preferred_max_latency.map(|u| u.0),
        });
        Self {
            model: p.model.into_inner().0,
            provider: p.provider.map(Spanned::into_inner),
            settings: Settings {
                system: p.system,
                fallbacks: p.fallbacks.into_iter().map(|m| m.0).collect(),
                temperature: p.temperature.map(|t| t.0),
                top_p: p.top_p.map(|t| t.0),
                top_k: p.top_k.map(|t| t.0),
                min_p: p.min_p.map(|t| t.0),
                max_tokens: p.max_tokens.map(|t| t.0),
                seed: p.seed.map(|t| t.0),
                stop: p.stop,
                frequency_penalty: p.frequency_penalty.map(|t| t.0),
                presence_penalty: p.presence_penalty.map(|t| t.0),
                repetition_penalty: p.repetition_penalty.map(|t| t.0),
                reasoning_effort: p.reasoning_effort.map(|e| e.0),
                reasoning_max_tokens: p.reasoning_max_tokens.map(|t| t.0),
                reasoning_exclude: p.reasoning_exclude,
                reasoning_enabled: p.reasoning_enabled,
                debug_echo: p.debug_echo,
                routing,
                compression: p.compression,
                tools: p.tools,
                tool_choice: p.tool_choice,
                parallel_tool_calls: p.parallel_tool_calls,
                // A schema file is read by the config loader, which knows where the file is.
                response_format: p
                    .json_object
                    .filter(|b| *b)
                    .map(|_| crate::provider::settings::ResponseFormat::JsonObject),
                cache: p.cache.map(|c| c.0),
                cache_system: p.cache_system.unwrap_or(false),
                web_search: p.web_search.map(|c| c.0),
                web_search_results: p.web_search_results.map(|n| n.0),
            },
        }
    }
}

// Validating newtypes: an error raised while deserializing carries the value's position.

/// Reads any TOML value so a wrong type gets our message rather than serde's.
fn number<'de, D: Deserializer<'de>>(d: D, what: &str) -> Result<f64, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Integer(i) => Ok(i as f64),
        toml::Value::Float(f) => Ok(f),
        other => Err(serde::de::Error::custom(format!(
            "{what} must be a number, found {} {other}",
            other.type_str()
        ))),
    }
}

fn whole<'de, D: Deserializer<'de>>(d: D, what: &str) -> Result<i64, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Integer(i) => Ok(i),
        other => Err(serde::de::Error::custom(format!(
            "{what} must be a positive whole number, found {} {other}",
            other.type_str()
        ))),
    }
}

#[derive(Debug)]
pub(super) struct Seconds(pub u64);
impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = whole(d, "a duration")?;
        match u64::try_from(n) {
            Ok(v) if v > 0 => Ok(Self(v)),
            _ => Err(serde::de::Error::custom(format!(
                "a duration of {n} is out of range (expected at least 1)"
            ))),
        }
    }
}

#[derive(Debug)]
pub(super) struct ModelId(pub String);
impl<'de> Deserialize<'de> for ModelId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim().is_empty() || s.chars().any(char::is_whitespace) {
            return Err(serde::de::Error::custom(format!(
                "`{s}` is not a model id (expected e.g. \"anthropic/claude-3.5-sonnet\")"
            )));
        }
        Ok(Self(s))
    }
}

/// A number checked by one of the shared range rules.
macro_rules! checked_number {
    ($name:ident, $what:literal, $check:expr) => {
        #[derive(Debug)]
        pub(super) struct $name(pub f64);
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = number(d, $what)?;
                let check: fn(f64) -> Result<f64, String> = $check;
                check(v).map(Self).map_err(serde::de::Error::custom)
            }
        }
    };
}

checked_number!(Temperature, "temperature", settings::check_temperature);
checked_number!(TopP, "top_p", settings::check_top_p);
checked_number!(MinP, "min_p", |v| settings::check_unit("min_p", v));
checked_number!(FrequencyPenalty, "frequency_penalty", |v| {
    settings::check_penalty("frequency_penalty", v)
});
checked_number!(PresencePenalty, "presence_penalty", |v| {
    settings::check_penalty("presence_penalty", v)
});
checked_number!(
    RepetitionPenalty,
    "repetition_penalty",
    settings::check_repetition_penalty
);

/// A whole number of zero or more.
#[derive(Debug)]
pub(super) struct Count(pub u32);
impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = whole(d, "top_k")?;
        u32::try_from(n).map(Self).map_err(|_| {
            serde::de::Error::custom(format!("top_k {n} is out of range (expected 0 or more)"))
        })
    }
}

#[derive(Debug)]
pub(super) struct Seed(pub i64);
impl<'de> Deserialize<'de> for Seed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        whole(d, "seed").map(Self)
    }
}

#[derive(Debug)]
pub(super) struct EffortName(pub Effort);
impl<'de> Deserialize<'de> for EffortName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Effort::parse(&s)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

/// A string checked by one of the shared rules.
pub(super) trait Rule {
    fn check(s: &str) -> Result<String, String>;
}
#[derive(Debug)]
pub(super) struct DataCollectionRule;
impl Rule for DataCollectionRule {
    fn check(s: &str) -> Result<String, String> {
        settings::check_data_collection(s)
    }
}
#[derive(Debug)]
pub(super) struct SortRule;
impl Rule for SortRule {
    fn check(s: &str) -> Result<String, String> {
        settings::check_sort(s)
    }
}
#[derive(Debug)]
pub(super) struct QuantRule;
impl Rule for QuantRule {
    fn check(s: &str) -> Result<String, String> {
        settings::check_quantization(s)
    }
}

#[derive(Debug)]
pub(super) struct Checked<R>(pub String, std::marker::PhantomData<R>);
impl<'de, R: Rule> Deserialize<'de> for Checked<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        R::check(&s)
            .map(|v| Self(v, std::marker::PhantomData))
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Debug)]
pub(super) struct NonZeroU32Tokens(u32);
impl<'de> Deserialize<'de> for NonZeroU32Tokens {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = whole(d, "max_tokens")?;
        match u32::try_from(t) {
            Ok(v) if v > 0 => Ok(Self(v)),
            _ => Err(serde::de::Error::custom(format!(
                "max_tokens {t} is out of range (expected a positive whole number)"
            ))),
        }
    }
}

#[derive(Debug)]
pub(super) struct Speed(pub f64);
impl<'de> Deserialize<'de> for Speed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = number(d, "speed")?;
        if !(s.is_finite() && s > 0.0) {
            return Err(serde::de::Error::custom(format!(
                "speed {s} must be a positive number"
            )));
        }
        Ok(Self(s))
    }
}

#[derive(Debug)]
pub(super) struct Usd(pub f64);
impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = number(d, "an amount in USD")?;
        if !(v.is_finite() && v >= 0.0) {
            return Err(serde::de::Error::custom(format!(
                "{v} is not an amount in USD (expected zero or more)"
            )));
        }
        Ok(Self(v))
    }
}

/// Two fractions of the session budget, rising: where the gauge turns amber, then red.
#[derive(Debug)]
pub(super) struct Warn(pub [f64; 2]);
impl<'de> Deserialize<'de> for Warn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<f64>::deserialize(d)?;
        match v.as_slice() {
            [a, b] if 0.0 < *a && a < b && *b <= 1.0 => Ok(Self([*a, *b])),
            _ => Err(serde::de::Error::custom(format!(
                "warn {v:?} must be two rising fractions between 0 and 1, e.g. [0.5, 0.8]"
            ))),
        }
    }
}
