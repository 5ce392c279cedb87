//! A field's value: shown as text from a pane, and parsed, checked and applied back.

use super::Field;
use crate::model::Pane;
use crate::provider::settings::{self, Effort, Settings};

impl Field {
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
            Field::WebSearch => s.web_search.clone().unwrap_or_default(),
            Field::WebSearchResults => int(s.web_search_results),
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
            Field::WebSearch => {
                next.web_search = match t {
                    "" => None,
                    other => Some(settings::check_web_engine(other)?),
                }
            }
            Field::WebSearchResults => {
                next.web_search_results = match t {
                    "" => None,
                    other => Some(settings::check_web_results(
                        other
                            .parse()
                            .map_err(|_| format!("`{other}` is not a whole number"))?,
                    )?),
                }
            }
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
