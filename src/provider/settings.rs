//! Everything a pane can set on its requests: sampling, reasoning, fallbacks, OpenRouter routing.
//! Ranges live here once, for the config file and the config panel alike.

use serde_json::{json, Map, Value};

use super::kind::ProviderKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    None,
    Minimal,
    Low,
    Medium,
    High,
    Xhigh,
    Max,
}

impl Effort {
    pub const ALL: [Effort; 7] = [
        Effort::None,
        Effort::Minimal,
        Effort::Low,
        Effort::Medium,
        Effort::High,
        Effort::Xhigh,
        Effort::Max,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Effort::None => "none",
            Effort::Minimal => "minimal",
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High => "high",
            Effort::Xhigh => "xhigh",
            Effort::Max => "max",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|e| e.name() == s.trim())
            .ok_or_else(|| {
                format!("`{s}` is not an effort (none, minimal, low, medium, high, xhigh, max)")
            })
    }
}

/// OpenRouter's `provider` object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Routing {
    pub order: Vec<String>,
    pub only: Vec<String>,
    pub ignore: Vec<String>,
    pub allow_fallbacks: Option<bool>,
    pub require_parameters: Option<bool>,
    /// `allow` or `deny`.
    pub data_collection: Option<String>,
    pub zdr: Option<bool>,
    /// `price`, `throughput` or `latency`.
    pub sort: Option<String>,
    pub quantizations: Vec<String>,
    /// `sort.partition`: `model` sorts within each model of the fallback list, `none` across
    /// all of them. With it, `sort` is sent as an object.
    pub sort_partition: Option<String>,
    /// Prefer endpoints at least this fast (tokens/s, p50).
    pub preferred_min_throughput: Option<f64>,
    /// Prefer endpoints at most this slow to the first token (seconds, p50).
    pub preferred_max_latency: Option<f64>,
    /// USD per million tokens.
    pub max_price_prompt: Option<f64>,
    pub max_price_completion: Option<f64>,
    /// USD per request, and per image.
    pub max_price_request: Option<f64>,
    pub max_price_image: Option<f64>,
}

impl Routing {
    pub fn is_empty(&self) -> bool {
        *self == Routing::default()
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        let list = |v: &Vec<String>| json!(v);
        if !self.order.is_empty() {
            m.insert("order".into(), list(&self.order));
        }
        if !self.only.is_empty() {
            m.insert("only".into(), list(&self.only));
        }
        if !self.ignore.is_empty() {
            m.insert("ignore".into(), list(&self.ignore));
        }
        if let Some(b) = self.allow_fallbacks {
            m.insert("allow_fallbacks".into(), json!(b));
        }
        if let Some(b) = self.require_parameters {
            m.insert("require_parameters".into(), json!(b));
        }
        if let Some(d) = &self.data_collection {
            m.insert("data_collection".into(), json!(d));
        }
        if let Some(b) = self.zdr {
            m.insert("zdr".into(), json!(b));
        }
        match (&self.sort, &self.sort_partition) {
            (Some(by), Some(p)) => {
                m.insert("sort".into(), json!({"by": by, "partition": p}));
            }
            (None, Some(p)) => {
                m.insert("sort".into(), json!({"partition": p}));
            }
            (Some(by), None) => {
                m.insert("sort".into(), json!(by));
            }
            (None, None) => {}
        }
        if let Some(t) = self.preferred_min_throughput {
            m.insert("preferred_min_throughput".into(), json!(t));
        }
        if let Some(l) = self.preferred_max_latency {
            m.insert("preferred_max_latency".into(), json!(l));
        }
        if !self.quantizations.is_empty() {
            m.insert("quantizations".into(), list(&self.quantizations));
        }
        let mut price = Map::new();
        if let Some(p) = self.max_price_prompt {
            price.insert("prompt".into(), json!(p));
        }
        if let Some(p) = self.max_price_completion {
            price.insert("completion".into(), json!(p));
        }
        if let Some(p) = self.max_price_request {
            price.insert("request".into(), json!(p));
        }
        if let Some(p) = self.max_price_image {
            price.insert("image".into(), json!(p));
        }
        if !price.is_empty() {
            m.insert("max_price".into(), Value::Object(price));
        }
        Value::Object(m)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub system: Option<String>,
    /// Tried in order when the model fails: server-side on OpenRouter, client-side elsewhere.
    pub fallbacks: Vec<String>,
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub top_k: Option<u32>,
    pub min_p: Option<f64>,
    pub max_tokens: Option<u32>,
    pub seed: Option<i64>,
    pub stop: Vec<String>,
    pub frequency_penalty: Option<f64>,
    pub presence_penalty: Option<f64>,
    pub repetition_penalty: Option<f64>,
    pub reasoning_effort: Option<Effort>,
    pub reasoning_max_tokens: Option<u32>,
    pub reasoning_exclude: bool,
    /// `reasoning.enabled`: `Some(false)` turns thinking off where the model allows it.
    pub reasoning_enabled: Option<bool>,
    /// Ask OpenRouter to echo the body the provider received (`debug.echo_upstream_body`,
    /// streaming only), to see which parameters were dropped.
    pub debug_echo: bool,
    pub routing: Routing,
    /// OpenRouter's context compression plugin: `Some(true)` on, `Some(false)` explicitly off.
    pub compression: Option<bool>,
    /// Names of the configured tools this pane offers.
    pub tools: Vec<String>,
    /// `auto`, `none`, `required`, or a tool's name.
    pub tool_choice: Option<String>,
    pub parallel_tool_calls: Option<bool>,
    /// Structured output: any JSON object, or JSON matching a schema.
    pub response_format: Option<ResponseFormat>,
    /// Prompt caching (`cache_control`), `5m` or `1h`; OpenRouter passes it to providers that
    /// need it.
    pub cache: Option<String>,
    /// Cache only the system prompt (a `cache_control` on its text part) instead of the
    /// conversation (the top-level one that moves forward with it).
    pub cache_system: bool,
    /// OpenRouter's web search (the `openrouter:web_search` server tool) with this engine:
    /// one of [`WEB_ENGINES`]; off when `None`.
    pub web_search: Option<String>,
    /// How many results each search brings (1–25; the engine's default when unset).
    pub web_search_results: Option<u32>,
}

/// The search engines OpenRouter's web search takes: `auto` is the model's own search where
/// its provider has one, else Exa; `native` insists on the provider's.
pub const WEB_ENGINES: [&str; 6] = [
    "auto",
    "native",
    "exa",
    "parallel",
    "perplexity",
    "firecrawl",
];

pub fn check_web_engine(s: &str) -> Result<String, String> {
    let s = s.trim();
    if WEB_ENGINES.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "web search engine `{s}` is not one of {}",
            WEB_ENGINES.join(", ")
        ))
    }
}

pub fn check_web_results(n: i64) -> Result<u32, String> {
    match u32::try_from(n) {
        Ok(v) if (1..=25).contains(&v) => Ok(v),
        _ => Err(format!(
            "web_search_results {n} is out of range (expected 1 to 25)"
        )),
    }
}

impl Settings {
    /// The web search server tool as the `tools` array takes it, when search is on.
    pub fn web_search_tool(&self) -> Option<Value> {
        let engine = self.web_search.as_deref()?;
        let mut parameters = Map::new();
        // `auto` is the server's default: sent bare, as the reference's minimal form.
        if engine != "auto" {
            parameters.insert("engine".into(), json!(engine));
        }
        if let Some(n) = self.web_search_results {
            parameters.insert("max_results".into(), json!(n));
        }
        let mut tool = json!({"type": "openrouter:web_search"});
        if !parameters.is_empty() {
            tool["parameters"] = Value::Object(parameters);
        }
        Some(tool)
    }

    /// Why these settings cannot go to `provider`, a server of `kind`: web search is
    /// OpenRouter's alone.
    pub fn search_refused(&self, kind: ProviderKind, provider: &str) -> Option<String> {
        (self.web_search.is_some() && kind != ProviderKind::Openrouter).then(|| {
            format!(
                "web search is OpenRouter's: {provider} is an OpenAI-compatible server (turn web search off for this pane)"
            )
        })
    }

    /// The `cache_control` object for the pane's TTL.
    pub fn cache_control(&self) -> Option<Value> {
        self.cache.as_ref().map(|ttl| {
            let mut c = json!({"type": "ephemeral"});
            if ttl == "1h" {
                c["ttl"] = json!("1h");
            }
            c
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ResponseFormat {
    JsonObject,
    JsonSchema { schema: Value, strict: bool },
}

impl ResponseFormat {
    pub fn wire(&self) -> Value {
        match self {
            ResponseFormat::JsonObject => json!({"type": "json_object"}),
            ResponseFormat::JsonSchema { schema, strict } => json!({"type": "json_schema",
                "json_schema": {"name": "answer", "strict": strict, "schema": schema}}),
        }
    }

    pub fn schema(&self) -> Option<&Value> {
        match self {
            ResponseFormat::JsonObject => None,
            ResponseFormat::JsonSchema { schema, .. } => Some(schema),
        }
    }
}

impl Settings {
    /// Adds these settings to a request body for a server of `kind`. OpenRouter-only fields
    /// (`models`, `provider`, `plugins`, the `reasoning` object) never go elsewhere.
    pub fn apply(&self, kind: ProviderKind, body: &mut Map<String, Value>) {
        let mut put = |k: &str, v: Value| {
            body.insert(k.to_string(), v);
        };
        if let Some(v) = self.temperature {
            put("temperature", json!(v));
        }
        if let Some(v) = self.top_p {
            put("top_p", json!(v));
        }
        // Not OpenAI parameters, but vLLM, llama.cpp and LM Studio take them; sent only when set.
        if let Some(v) = self.top_k {
            put("top_k", json!(v));
        }
        if let Some(v) = self.min_p {
            put("min_p", json!(v));
        }
        if let Some(v) = self.repetition_penalty {
            put("repetition_penalty", json!(v));
        }
        if let Some(v) = self.max_tokens {
            put("max_tokens", json!(v));
        }
        if let Some(v) = self.seed {
            put("seed", json!(v));
        }
        if !self.stop.is_empty() {
            put("stop", json!(self.stop));
        }
        if let Some(v) = self.frequency_penalty {
            put("frequency_penalty", json!(v));
        }
        if let Some(v) = self.presence_penalty {
            put("presence_penalty", json!(v));
        }
        if let Some(f) = &self.response_format {
            put("response_format", f.wire());
        }
        match kind {
            ProviderKind::Openrouter => {
                if !self.fallbacks.is_empty() {
                    put("models", json!(self.fallbacks));
                }
                let mut r = Map::new();
                if let Some(e) = self.reasoning_effort {
                    r.insert("effort".into(), json!(e.name()));
                } else if let Some(t) = self.reasoning_max_tokens {
                    r.insert("max_tokens".into(), json!(t));
                }
                if let Some(on) = self.reasoning_enabled {
                    r.insert("enabled".into(), json!(on));
                }
                if self.reasoning_exclude {
                    r.insert("exclude".into(), json!(true));
                }
                if !r.is_empty() {
                    put("reasoning", Value::Object(r));
                }
                if !self.routing.is_empty() {
                    put("provider", self.routing.to_json());
                }
                if let Some(c) = self.cache_control().filter(|_| !self.cache_system) {
                    put("cache_control", c);
                }
                if self.debug_echo {
                    put("debug", json!({"echo_upstream_body": true}));
                }
                match self.compression {
                    Some(true) => put("plugins", json!([{"id": "context-compression"}])),
                    Some(false) => put(
                        "plugins",
                        json!([{"id": "context-compression", "enabled": false}]),
                    ),
                    None => {}
                }
            }
            ProviderKind::Openai => {
                // The OpenAI form, which Ollama, vLLM and llama.cpp also read.
                if let Some(e) = self.reasoning_effort {
                    put("reasoning_effort", json!(e.name()));
                }
            }
        }
    }
}

// Ranges, shared by the config file and the config panel.

pub fn check_temperature(v: f64) -> Result<f64, String> {
    in_range("temperature", v, 0.0, 2.0)
}

pub fn check_top_p(v: f64) -> Result<f64, String> {
    if v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err(format!(
            "top_p {v} is out of range (expected more than 0, up to 1)"
        ))
    }
}

pub fn check_unit(name: &str, v: f64) -> Result<f64, String> {
    in_range(name, v, 0.0, 1.0)
}

pub fn check_penalty(name: &str, v: f64) -> Result<f64, String> {
    in_range(name, v, -2.0, 2.0)
}

pub fn check_repetition_penalty(v: f64) -> Result<f64, String> {
    if v > 0.0 && v <= 2.0 {
        Ok(v)
    } else {
        Err(format!(
            "repetition_penalty {v} is out of range (expected more than 0, up to 2)"
        ))
    }
}

pub fn check_data_collection(s: &str) -> Result<String, String> {
    match s.trim() {
        "allow" | "deny" => Ok(s.trim().to_string()),
        other => Err(format!("data_collection `{other}` must be allow or deny")),
    }
}

pub fn check_sort(s: &str) -> Result<String, String> {
    match s.trim() {
        "price" | "throughput" | "latency" => Ok(s.trim().to_string()),
        other => Err(format!(
            "sort `{other}` must be price, throughput or latency"
        )),
    }
}

pub const QUANTIZATIONS: [&str; 12] = [
    "int4", "int8", "fp4", "mxfp4", "nvfp4", "fp6", "fp8", "mxfp8", "fp16", "bf16", "fp32",
    "unknown",
];

pub fn check_quantization(s: &str) -> Result<String, String> {
    if QUANTIZATIONS.contains(&s.trim()) {
        Ok(s.trim().to_string())
    } else {
        Err(format!(
            "quantization `{s}` is not one of {}",
            QUANTIZATIONS.join(", ")
        ))
    }
}

fn in_range(name: &str, v: f64, lo: f64, hi: f64) -> Result<f64, String> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "{name} {v} is out of range (expected {lo} to {hi})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Settings {
        Settings {
            system: Some("s".into()),
            fallbacks: vec!["openai/gpt-4o".into()],
            temperature: Some(0.3),
            top_p: Some(0.9),
            top_k: Some(40),
            min_p: Some(0.05),
            max_tokens: Some(512),
            seed: Some(7),
            stop: vec!["END".into()],
            frequency_penalty: Some(0.1),
            presence_penalty: Some(-0.1),
            repetition_penalty: Some(1.1),
            reasoning_effort: Some(Effort::High),
            reasoning_max_tokens: None,
            reasoning_exclude: true,
            reasoning_enabled: Some(true),
            debug_echo: false,
            routing: Routing {
                order: vec!["anthropic".into()],
                allow_fallbacks: Some(false),
                data_collection: Some("deny".into()),
                sort: Some("throughput".into()),
                quantizations: vec!["fp8".into()],
                max_price_prompt: Some(3.0),
                ..Routing::default()
            },
            compression: Some(true),
            tools: Vec::new(),
            tool_choice: None,
            parallel_tool_calls: None,
            response_format: Some(ResponseFormat::JsonObject),
            cache: Some("1h".into()),
            cache_system: false,
            web_search: Some("exa".into()),
            web_search_results: Some(3),
        }
    }

    #[test]
    fn openrouter_gets_everything() {
        let mut body = Map::new();
        full().apply(ProviderKind::Openrouter, &mut body);
        let v = Value::Object(body);
        assert_eq!(v["models"], json!(["openai/gpt-4o"]));
        assert_eq!(
            v["reasoning"],
            json!({"effort": "high", "enabled": true, "exclude": true})
        );
        assert_eq!(
            v["provider"],
            json!({"order": ["anthropic"], "allow_fallbacks": false, "data_collection": "deny",
                   "sort": "throughput", "quantizations": ["fp8"], "max_price": {"prompt": 3.0}})
        );
        assert_eq!(v["plugins"], json!([{"id": "context-compression"}]));
        assert_eq!(v["response_format"], json!({"type": "json_object"}));
        assert_eq!(
            v["cache_control"],
            json!({"type": "ephemeral", "ttl": "1h"})
        );
        assert_eq!(v["top_k"], json!(40));
        assert_eq!(v["stop"], json!(["END"]));
    }

    #[test]
    fn openai_compatible_servers_get_no_openrouter_fields() {
        let mut body = Map::new();
        full().apply(ProviderKind::Openai, &mut body);
        for k in [
            "models",
            "provider",
            "plugins",
            "reasoning",
            "transforms",
            "cache_control",
        ] {
            assert!(!body.contains_key(k), "{k} leaked");
        }
        assert_eq!(body["response_format"], json!({"type": "json_object"}));
        assert_eq!(body["reasoning_effort"], json!("high"));
        assert_eq!(body["temperature"], json!(0.3));
    }

    #[test]
    fn nothing_set_sends_nothing() {
        let mut body = Map::new();
        Settings::default().apply(ProviderKind::Openrouter, &mut body);
        assert!(body.is_empty());
    }

    #[test]
    fn ranges() {
        assert!(check_temperature(2.0).is_ok());
        assert!(check_temperature(2.1).is_err());
        assert!(check_top_p(0.0).is_err());
        assert!(check_repetition_penalty(0.0).is_err());
        assert!(check_penalty("presence_penalty", -2.0).is_ok());
        assert!(check_data_collection("maybe").is_err());
        assert!(check_quantization("fp8").is_ok());
        assert_eq!(Effort::parse("xhigh"), Ok(Effort::Xhigh));
        assert!(Effort::parse("huge").is_err());
    }
}
