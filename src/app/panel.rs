//! The config panel's fields: how each one shows, parses, validates and changes a pane.

use tui_textarea::TextArea;

use super::keymap::{Keymap, Mode};
use super::state::Pane;
use crate::provider::settings::{self, Effort, Settings};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Model,
    Provider,
    Fallbacks,
    System,
    Temperature,
    TopP,
    TopK,
    MinP,
    MaxTokens,
    Seed,
    Stop,
    FrequencyPenalty,
    PresencePenalty,
    RepetitionPenalty,
    ReasoningEffort,
    ReasoningMaxTokens,
    ReasoningEnabled,
    ReasoningExclude,
    Order,
    Only,
    Ignore,
    AllowFallbacks,
    RequireParameters,
    DataCollection,
    Zdr,
    Sort,
    Quantizations,
    MaxPricePrompt,
    MaxPriceCompletion,
    MaxPriceRequest,
    MaxPriceImage,
    SortPartition,
    MinThroughput,
    MaxLatency,
    Compression,
    DebugEcho,
    Tools,
    ToolChoice,
    ParallelToolCalls,
    JsonObject,
    Cache,
    CacheSystem,
}

/// How a field is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Enter opens the picker.
    Picker,
    /// Space or ←/→ steps through the values.
    Choice,
    /// Enter edits a line of text.
    Text,
    /// Enter edits several lines.
    Lines,
    /// An ordered list of models, edited item by item.
    List,
}

pub const SECTIONS: &[(&str, &[Field])] = &[
    (
        "Model",
        &[
            Field::Model,
            Field::Provider,
            Field::Fallbacks,
            Field::System,
        ],
    ),
    (
        "Sampling",
        &[
            Field::Temperature,
            Field::TopP,
            Field::TopK,
            Field::MinP,
            Field::MaxTokens,
            Field::Seed,
            Field::Stop,
            Field::FrequencyPenalty,
            Field::PresencePenalty,
            Field::RepetitionPenalty,
        ],
    ),
    (
        "Reasoning",
        &[
            Field::ReasoningEffort,
            Field::ReasoningMaxTokens,
            Field::ReasoningEnabled,
            Field::ReasoningExclude,
        ],
    ),
    (
        "OpenRouter routing",
        &[
            Field::Order,
            Field::Only,
            Field::Ignore,
            Field::AllowFallbacks,
            Field::RequireParameters,
            Field::DataCollection,
            Field::Zdr,
            Field::Sort,
            Field::Quantizations,
            Field::MaxPricePrompt,
            Field::MaxPriceCompletion,
            Field::MaxPriceRequest,
            Field::MaxPriceImage,
            Field::SortPartition,
            Field::MinThroughput,
            Field::MaxLatency,
            Field::Compression,
            Field::DebugEcho,
        ],
    ),
    (
        "Tools, output and caching",
        &[
            Field::Tools,
            Field::ToolChoice,
            Field::ParallelToolCalls,
            Field::JsonObject,
            Field::Cache,
            Field::CacheSystem,
        ],
    ),
];

/// Every field, in panel order.
pub fn fields() -> Vec<Field> {
    SECTIONS
        .iter()
        .flat_map(|(_, f)| f.iter().copied())
        .collect()
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Model => "model",
            Field::Provider => "provider",
            Field::Fallbacks => "fallback models",
            Field::System => "system prompt",
            Field::Temperature => "temperature",
            Field::TopP => "top_p",
            Field::TopK => "top_k",
            Field::MinP => "min_p",
            Field::MaxTokens => "max_tokens",
            Field::Seed => "seed",
            Field::Stop => "stop",
            Field::FrequencyPenalty => "frequency_penalty",
            Field::PresencePenalty => "presence_penalty",
            Field::RepetitionPenalty => "repetition_penalty",
            Field::ReasoningEffort => "effort",
            Field::ReasoningMaxTokens => "max reasoning tokens",
            Field::ReasoningEnabled => "reasoning",
            Field::ReasoningExclude => "exclude from reply",
            Field::Order => "order",
            Field::Only => "only",
            Field::Ignore => "ignore",
            Field::AllowFallbacks => "allow_fallbacks",
            Field::RequireParameters => "require_parameters",
            Field::DataCollection => "data_collection",
            Field::Zdr => "zdr",
            Field::Sort => "sort",
            Field::Quantizations => "quantizations",
            Field::MaxPricePrompt => "max $/M prompt",
            Field::MaxPriceCompletion => "max $/M completion",
            Field::MaxPriceRequest => "max $ per request",
            Field::MaxPriceImage => "max $ per image",
            Field::SortPartition => "sort partition",
            Field::MinThroughput => "preferred min tok/s",
            Field::MaxLatency => "preferred max latency",
            Field::Compression => "context compression",
            Field::DebugEcho => "echo upstream body",
            Field::Tools => "tools offered",
            Field::ToolChoice => "tool_choice",
            Field::ParallelToolCalls => "parallel_tool_calls",
            Field::JsonObject => "response format",
            Field::Cache => "prompt caching",
            Field::CacheSystem => "cache system prompt only",
        }
    }

    /// What the field expects, shown beside it while editing, with the keys as bound.
    pub fn hint(self, keys: &Keymap) -> String {
        let key = |action: &str| keys.label(Mode::Panel, action);
        match self {
            Field::Model => format!("{} opens the catalog picker", key("open")),
            Field::Provider => format!(
                "{} or {}/{} cycles the configured providers",
                key("cycle"),
                key("left"),
                key("right")
            ),
            Field::Fallbacks => format!(
                "{} adds from the picker · {} removes · {}/{} move · tried in order",
                key("add_fallback"),
                key("remove_fallback"),
                key("fallback_up"),
                key("fallback_down")
            ),
            Field::System => format!(
                "{} edits · {} applies · {} cancels",
                key("open"),
                keys.label(Mode::PanelEdit, "apply_lines"),
                keys.label(Mode::PanelEdit, "cancel")
            ),
            Field::DebugEcho => format!(
                "{} then shows what the provider received beside what was sent (streaming only)",
                key("json")
            ),
            other => other.fixed_hint().to_string(),
        }
    }

    fn fixed_hint(self) -> &'static str {
        match self {
            Field::Model
            | Field::Provider
            | Field::Fallbacks
            | Field::System
            | Field::DebugEcho => "",
            Field::Temperature => "0 to 2",
            Field::TopP => "more than 0, up to 1",
            Field::TopK => "whole number, 0 or more",
            Field::MinP => "0 to 1",
            Field::MaxTokens => "whole number, at least 1",
            Field::Seed => "whole number",
            Field::Stop => "comma-separated; \\n for a newline",
            Field::FrequencyPenalty | Field::PresencePenalty => "-2 to 2",
            Field::RepetitionPenalty => "more than 0, up to 2",
            Field::ReasoningEffort => "none, minimal, low, medium, high, xhigh, max",
            Field::ReasoningMaxTokens => "a token budget instead of an effort",
            Field::ReasoningEnabled => {
                "on: think at the default effort · off: don't think (where the model allows)"
            }
            Field::ReasoningExclude => "think, but leave the reasoning out of the reply",
            Field::Order => "provider slugs tried first, comma-separated",
            Field::Only => "only these provider slugs",
            Field::Ignore => "never these provider slugs",
            Field::AllowFallbacks => "other providers when the listed ones fail",
            Field::RequireParameters => "only providers that support every parameter sent",
            Field::DataCollection => "allow, or deny providers that store or train on data",
            Field::Zdr => "zero-data-retention endpoints only",
            Field::Sort => "price, throughput or latency",
            Field::Quantizations => "e.g. fp8, bf16 (comma-separated)",
            Field::MaxPricePrompt | Field::MaxPriceCompletion => "USD per million tokens",
            Field::MaxPriceRequest | Field::MaxPriceImage => "USD",
            Field::SortPartition => {
                "model: sort within each fallback model · none: across all of them"
            }
            Field::MinThroughput => "tokens per second (p50); slower endpoints go last",
            Field::MaxLatency => "seconds to the first token (p50); slower endpoints go last",
            Field::Compression => "drop the middle of a prompt that does not fit",
            Field::Tools => "names from [[tools]], comma-separated",
            Field::ToolChoice => "auto, none, required, or a tool's name",
            Field::ParallelToolCalls => "several calls in one turn",
            Field::JsonObject => {
                "json_object asks for any JSON object; a schema comes from the config"
            }
            Field::Cache => "cache_control TTL: 5m or 1h",
            Field::CacheSystem => "mark the system prompt, not the whole conversation",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Field::Model => Kind::Picker,
            Field::Provider
            | Field::ReasoningEffort
            | Field::ReasoningEnabled
            | Field::ReasoningExclude
            | Field::AllowFallbacks
            | Field::RequireParameters
            | Field::DataCollection
            | Field::Zdr
            | Field::Sort
            | Field::SortPartition
            | Field::Compression
            | Field::DebugEcho
            | Field::ParallelToolCalls
            | Field::JsonObject
            | Field::Cache
            | Field::CacheSystem => Kind::Choice,
            Field::Fallbacks => Kind::List,
            Field::System => Kind::Lines,
            _ => Kind::Text,
        }
    }

    /// Only OpenRouter reads these.
    pub fn openrouter_only(self) -> bool {
        matches!(
            self,
            Field::Order
                | Field::Only
                | Field::Ignore
                | Field::AllowFallbacks
                | Field::RequireParameters
                | Field::DataCollection
                | Field::Zdr
                | Field::Sort
                | Field::Quantizations
                | Field::MaxPricePrompt
                | Field::MaxPriceCompletion
                | Field::MaxPriceRequest
                | Field::MaxPriceImage
                | Field::SortPartition
                | Field::MinThroughput
                | Field::MaxLatency
                | Field::Compression
                | Field::DebugEcho
                | Field::ReasoningEnabled
                | Field::ReasoningExclude
                | Field::ReasoningMaxTokens
                | Field::Cache
                | Field::CacheSystem
        )
    }

    /// The value as text: what the row shows and what an edit starts from. Empty = unset.
    pub fn get(self, pane: &Pane) -> String {
        let s = &pane.settings;
        let r = &s.routing;
        let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        let int = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        let flag = |v: Option<bool>| match v {
            None => String::new(),
            Some(true) => "on".into(),
            Some(false) => "off".into(),
        };
        match self {
            Field::Model => pane.model.clone(),
            Field::Provider => pane.provider.clone(),
            Field::Fallbacks => s.fallbacks.join(", "),
            Field::System => s.system.clone().unwrap_or_default(),
            Field::Temperature => num(s.temperature),
            Field::TopP => num(s.top_p),
            Field::TopK => int(s.top_k),
            Field::MinP => num(s.min_p),
            Field::MaxTokens => int(s.max_tokens),
            Field::Seed => s.seed.map(|v| v.to_string()).unwrap_or_default(),
            Field::Stop => s
                .stop
                .iter()
                .map(|x| x.replace('\n', "\\n"))
                .collect::<Vec<_>>()
                .join(", "),
            Field::FrequencyPenalty => num(s.frequency_penalty),
            Field::PresencePenalty => num(s.presence_penalty),
            Field::RepetitionPenalty => num(s.repetition_penalty),
            Field::ReasoningEffort => s
                .reasoning_effort
                .map(|e| e.name().to_string())
                .unwrap_or_default(),
            Field::ReasoningMaxTokens => int(s.reasoning_max_tokens),
            Field::ReasoningEnabled => flag(s.reasoning_enabled),
            Field::ReasoningExclude => flag(s.reasoning_exclude.then_some(true)),
            Field::Order => r.order.join(", "),
            Field::Only => r.only.join(", "),
            Field::Ignore => r.ignore.join(", "),
            Field::AllowFallbacks => flag(r.allow_fallbacks),
            Field::RequireParameters => flag(r.require_parameters),
            Field::DataCollection => r.data_collection.clone().unwrap_or_default(),
            Field::Zdr => flag(r.zdr),
            Field::Sort => r.sort.clone().unwrap_or_default(),
            Field::Quantizations => r.quantizations.join(", "),
            Field::MaxPricePrompt => num(r.max_price_prompt),
            Field::MaxPriceCompletion => num(r.max_price_completion),
            Field::MaxPriceRequest => num(r.max_price_request),
            Field::MaxPriceImage => num(r.max_price_image),
            Field::SortPartition => r.sort_partition.clone().unwrap_or_default(),
            Field::MinThroughput => num(r.preferred_min_throughput),
            Field::MaxLatency => num(r.preferred_max_latency),
            Field::Compression => flag(s.compression),
            Field::DebugEcho => flag(s.debug_echo.then_some(true)),
            Field::Tools => s.tools.join(", "),
            Field::ToolChoice => s.tool_choice.clone().unwrap_or_default(),
            Field::ParallelToolCalls => flag(s.parallel_tool_calls),
            Field::JsonObject => match &s.response_format {
                None => String::new(),
                Some(settings::ResponseFormat::JsonObject) => "json_object".into(),
                Some(settings::ResponseFormat::JsonSchema { .. }) => "json_schema".into(),
            },
            Field::Cache => s.cache.clone().unwrap_or_default(),
            Field::CacheSystem => flag(s.cache_system.then_some(true)),
        }
    }

    /// Parses `text` and applies it to `settings`; on error nothing changes. Empty text unsets.
    pub fn set(self, settings: &mut Settings, text: &str) -> Result<(), String> {
        let t = text.trim();
        let mut next = settings.clone();
        let r = &mut next.routing;
        match self {
            Field::System => next.system = (!text.trim().is_empty()).then(|| text.to_string()),
            Field::Temperature => next.temperature = opt_f64(t, settings::check_temperature)?,
            Field::TopP => next.top_p = opt_f64(t, settings::check_top_p)?,
            Field::TopK => next.top_k = opt_u32(t, "top_k", 0)?,
            Field::MinP => next.min_p = opt_f64(t, |v| settings::check_unit("min_p", v))?,
            Field::MaxTokens => next.max_tokens = opt_u32(t, "max_tokens", 1)?,
            Field::Seed => {
                next.seed = if t.is_empty() {
                    None
                } else {
                    Some(
                        t.parse()
                            .map_err(|_| format!("seed `{t}` is not a whole number"))?,
                    )
                }
            }
            Field::Stop => {
                next.stop = list(t)
                    .into_iter()
                    .map(|s| s.replace("\\n", "\n"))
                    .collect();
                if next.stop.len() > 4 {
                    return Err("at most 4 stop sequences".into());
                }
            }
            Field::FrequencyPenalty => {
                next.frequency_penalty =
                    opt_f64(t, |v| settings::check_penalty("frequency_penalty", v))?;
            }
            Field::PresencePenalty => {
                next.presence_penalty =
                    opt_f64(t, |v| settings::check_penalty("presence_penalty", v))?;
            }
            Field::RepetitionPenalty => {
                next.repetition_penalty = opt_f64(t, settings::check_repetition_penalty)?;
            }
            Field::ReasoningEffort => {
                next.reasoning_effort = if t.is_empty() {
                    None
                } else {
                    Some(Effort::parse(t)?)
                };
            }
            Field::ReasoningMaxTokens => {
                next.reasoning_max_tokens = opt_u32(t, "max reasoning tokens", 1)?
            }
            Field::ReasoningEnabled => next.reasoning_enabled = parse_flag(t)?,
            Field::ReasoningExclude => next.reasoning_exclude = parse_flag(t)?.unwrap_or(false),
            Field::Order => r.order = slugs(t)?,
            Field::Only => r.only = slugs(t)?,
            Field::Ignore => r.ignore = slugs(t)?,
            Field::AllowFallbacks => r.allow_fallbacks = parse_flag(t)?,
            Field::RequireParameters => r.require_parameters = parse_flag(t)?,
            Field::DataCollection => {
                r.data_collection = if t.is_empty() {
                    None
                } else {
                    Some(settings::check_data_collection(t)?)
                };
            }
            Field::Zdr => r.zdr = parse_flag(t)?,
            Field::Sort => {
                r.sort = if t.is_empty() {
                    None
                } else {
                    Some(settings::check_sort(t)?)
                }
            }
            Field::Quantizations => {
                r.quantizations = list(t)
                    .iter()
                    .map(|q| settings::check_quantization(q))
                    .collect::<Result<_, _>>()?;
            }
            Field::MaxPricePrompt => r.max_price_prompt = opt_f64(t, usd)?,
            Field::MaxPriceCompletion => r.max_price_completion = opt_f64(t, usd)?,
            Field::MaxPriceRequest => r.max_price_request = opt_f64(t, usd)?,
            Field::MaxPriceImage => r.max_price_image = opt_f64(t, usd)?,
            Field::SortPartition => {
                r.sort_partition = match t {
                    "" => None,
                    "model" | "none" => Some(t.to_string()),
                    other => return Err(format!("`{other}` is not model or none")),
                }
            }
            Field::MinThroughput => r.preferred_min_throughput = opt_f64(t, usd)?,
            Field::MaxLatency => r.preferred_max_latency = opt_f64(t, usd)?,
            Field::Compression => next.compression = parse_flag(t)?,
            Field::DebugEcho => next.debug_echo = parse_flag(t)?.unwrap_or(false),
            Field::Tools => next.tools = list(t),
            Field::ToolChoice => {
                next.tool_choice = (!t.is_empty()).then(|| t.to_string());
                if t.chars().any(char::is_whitespace) {
                    return Err(format!(
                        "`{t}` is not auto, none, required or a tool's name"
                    ));
                }
            }
            Field::ParallelToolCalls => next.parallel_tool_calls = parse_flag(t)?,
            Field::JsonObject => {
                next.response_format = match t {
                    "" => None,
                    "json_object" => Some(settings::ResponseFormat::JsonObject),
                    // A schema stays as the config gave it.
                    "json_schema" if settings.response_format.is_some() => {
                        settings.response_format.clone()
                    }
                    "json_schema" => {
                        return Err("a schema comes from the config: json_schema_file".into())
                    }
                    other => {
                        return Err(format!(
                            "`{other}`: json_object, or a schema from the config"
                        ))
                    }
                }
            }
            Field::Cache => {
                next.cache = match t {
                    "" => None,
                    "5m" | "1h" => Some(t.to_string()),
                    other => return Err(format!("cache `{other}` must be 5m or 1h")),
                }
            }
            Field::CacheSystem => next.cache_system = parse_flag(t)?.unwrap_or(false),
            Field::Fallbacks => {
                next.fallbacks = list(t);
                if let Some(bad) = next
                    .fallbacks
                    .iter()
                    .find(|m| m.chars().any(char::is_whitespace))
                {
                    return Err(format!("`{bad}` is not a model id"));
                }
            }
            Field::Model | Field::Provider => return Err("edited elsewhere".into()),
        }
        *settings = next;
        Ok(())
    }

    /// The values a choice field steps through; `""` is unset.
    pub fn choices(self, providers: &[String]) -> Vec<String> {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        match self {
            Field::Provider => providers.to_vec(),
            Field::ReasoningEffort => {
                let mut c = vec![String::new()];
                c.extend(Effort::ALL.iter().map(|e| e.name().to_string()));
                c
            }
            Field::ReasoningExclude | Field::CacheSystem | Field::DebugEcho => v(&["", "on"]),
            Field::JsonObject => v(&["", "json_object", "json_schema"]),
            Field::Cache => v(&["", "5m", "1h"]),
            Field::DataCollection => v(&["", "allow", "deny"]),
            Field::Sort => v(&["", "price", "throughput", "latency"]),
            Field::SortPartition => v(&["", "model", "none"]),
            _ => v(&["", "on", "off"]),
        }
    }
}

fn opt_f64(t: &str, check: impl Fn(f64) -> Result<f64, String>) -> Result<Option<f64>, String> {
    if t.is_empty() {
        return Ok(None);
    }
    let v: f64 = t.parse().map_err(|_| format!("`{t}` is not a number"))?;
    check(v).map(Some)
}

fn opt_u32(t: &str, name: &str, min: u32) -> Result<Option<u32>, String> {
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(v) if v >= min => Ok(Some(v)),
        _ => Err(format!(
            "{name} `{t}` must be a whole number of at least {min}"
        )),
    }
}

fn usd(v: f64) -> Result<f64, String> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(format!("{v} is not an amount in USD"))
    }
}

fn parse_flag(t: &str) -> Result<Option<bool>, String> {
    match t {
        "" => Ok(None),
        "on" | "true" | "yes" => Ok(Some(true)),
        "off" | "false" | "no" => Ok(Some(false)),
        other => Err(format!("`{other}` is not on or off")),
    }
}

fn list(t: &str) -> Vec<String> {
    t.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn slugs(t: &str) -> Result<Vec<String>, String> {
    let v = list(t);
    match v.iter().find(|s| {
        !s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
    }) {
        Some(bad) => Err(format!(
            "`{bad}` is not a provider slug (e.g. anthropic, deepinfra/turbo)"
        )),
        None => Ok(v),
    }
}

/// The panel over the focused pane.
#[derive(Debug)]
pub struct Panel {
    /// The pane's place among the panes, found again from `id` at every key.
    pub pane: usize,
    pub id: super::state::PaneId,
    pub selected: usize,
    /// The open inline editor, if a field is being edited.
    pub editing: Option<TextArea<'static>>,
    /// Why the text being edited is not valid (shown as you type).
    pub error: Option<String>,
    /// The highlighted fallback while the fallbacks row is selected.
    pub fallback: usize,
    pub show_json: bool,
    /// The first row of the request body shown.
    pub json_scroll: usize,
    /// How far the request body can scroll, as it was last drawn (it depends on the width).
    pub json_max: std::cell::Cell<usize>,
    /// The outcome of the last save or connection test.
    pub status: Option<(String, bool)>,
    /// Naming a workspace to save.
    pub naming: Option<TextArea<'static>>,
    /// The request the pane would send next, as last made.
    pub body: Vec<(String, super::request_view::Tone)>,
}

impl Panel {
    pub fn new(pane: usize, id: super::state::PaneId) -> Self {
        Self {
            pane,
            id,
            selected: 0,
            editing: None,
            error: None,
            fallback: 0,
            show_json: false,
            json_scroll: 0,
            json_max: std::cell::Cell::new(0),
            status: None,
            naming: None,
            body: Vec::new(),
        }
    }

    pub fn field(&self) -> Field {
        let all = fields();
        all[self.selected.min(all.len() - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_field_round_trips_and_rejects_nonsense() {
        let mut pane = Pane::new("m", "p");
        for (f, good, bad) in [
            (Field::Temperature, "0.7", "3"),
            (Field::TopP, "0.9", "0"),
            (Field::TopK, "40", "-1"),
            (Field::MinP, "0.05", "1.5"),
            (Field::MaxTokens, "512", "0"),
            (Field::Seed, "-7", "1.5"),
            (Field::FrequencyPenalty, "-1.5", "2.5"),
            (Field::PresencePenalty, "1", "x"),
            (Field::RepetitionPenalty, "1.1", "0"),
            (Field::ReasoningEffort, "high", "huge"),
            (Field::ReasoningMaxTokens, "2048", "0"),
            (Field::Order, "anthropic, deepinfra/turbo", "not a slug"),
            (Field::DataCollection, "deny", "maybe"),
            (Field::Sort, "latency", "fastest"),
            (Field::Quantizations, "fp8, bf16", "fp7"),
            (Field::MaxPricePrompt, "2.5", "-1"),
            (Field::AllowFallbacks, "off", "sometimes"),
        ] {
            f.set(&mut pane.settings, good)
                .unwrap_or_else(|e| panic!("{f:?} {good}: {e}"));
            let shown = f.get(&pane);
            assert!(!shown.is_empty(), "{f:?}");
            let before = pane.settings.clone();
            assert!(
                f.set(&mut pane.settings, bad).is_err(),
                "{f:?} accepted {bad}"
            );
            assert_eq!(
                pane.settings, before,
                "{f:?}: a rejected edit changes nothing"
            );
            f.set(&mut pane.settings, "").unwrap();
            assert!(f.get(&pane).is_empty(), "{f:?}: empty unsets");
        }
    }

    #[test]
    fn stop_sequences_keep_newlines() {
        let mut pane = Pane::new("m", "p");
        Field::Stop.set(&mut pane.settings, "END, \\n\\n").unwrap();
        assert_eq!(
            pane.settings.stop,
            vec!["END".to_string(), "\n\n".to_string()]
        );
        assert_eq!(Field::Stop.get(&pane), "END, \\n\\n");
    }
}
