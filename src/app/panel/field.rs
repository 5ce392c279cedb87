//! The panel's fields: their order and sections, labels, hints and how each is edited.

use crate::keymap::{Keymap, Mode};
use crate::provider::settings::Effort;

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
    WebSearch,
    WebSearchResults,
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
            Field::WebSearch,
            Field::WebSearchResults,
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
            Field::WebSearch => "web search",
            Field::WebSearchResults => "results per search",
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
            Field::WebSearch => {
                "auto: the model's own search, else Exa · native · exa · parallel · perplexity · firecrawl"
            }
            Field::WebSearchResults => "1 to 25 (the engine's default when unset)",
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
            | Field::CacheSystem
            | Field::WebSearch => Kind::Choice,
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
                | Field::WebSearch
                | Field::WebSearchResults
        )
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
            Field::WebSearch => {
                let mut c = vec![String::new()];
                c.extend(
                    crate::provider::settings::WEB_ENGINES
                        .iter()
                        .map(|e| e.to_string()),
                );
                c
            }
            Field::DataCollection => v(&["", "allow", "deny"]),
            Field::Sort => v(&["", "price", "throughput", "latency"]),
            Field::SortPartition => v(&["", "model", "none"]),
            _ => v(&["", "on", "off"]),
        }
    }
}
