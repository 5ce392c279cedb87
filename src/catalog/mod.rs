//! The model catalog: `GET /models` from each provider, cached on disk with its age.

pub mod cache;
pub mod fuzzy;
pub mod variant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cost::{ModelPrice, Price};
use crate::provider::{ApiError, Endpoint};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    pub name: Option<String>,
    pub context_length: Option<u64>,
    pub price: Option<ModelPrice>,
    pub max_completion: Option<u64>,
    pub tools: bool,
    pub reasoning: bool,
    pub vision: bool,
    /// When the model was published (unix seconds), to find a family's newest.
    #[serde(default)]
    pub created: Option<i64>,
    /// USD per web search made for it (`pricing.web_search`).
    #[serde(default)]
    pub web_search: Option<f64>,
}

impl ModelInfo {
    pub fn bare(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: None,
            context_length: None,
            price: None,
            max_completion: None,
            tools: false,
            reasoning: false,
            vision: false,
            created: None,
            web_search: None,
        }
    }

    pub fn free(&self) -> bool {
        self.id.ends_with(":free") || self.price.is_some_and(|p| p.is_free())
    }

    pub fn has(&self, tag: Tag) -> bool {
        match tag {
            Tag::All => true,
            Tag::Free => self.free(),
            Tag::Tools => self.tools,
            Tag::Reasoning => self.reasoning,
            Tag::Vision => self.vision,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    All,
    Free,
    Tools,
    Reasoning,
    Vision,
}

impl Tag {
    pub const ALL: [Tag; 5] = [Tag::All, Tag::Free, Tag::Tools, Tag::Reasoning, Tag::Vision];

    pub fn name(self) -> &'static str {
        match self {
            Tag::All => "all",
            Tag::Free => "free",
            Tag::Tools => "tools",
            Tag::Reasoning => "reasoning",
            Tag::Vision => "vision",
        }
    }
}

/// One provider's models and when they were fetched (unix seconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub provider: String,
    pub fetched_at: i64,
    pub models: Vec<ModelInfo>,
}

/// Parses a `/models` body: OpenRouter's rich shape, or the OpenAI list of bare ids.
pub fn parse(body: &str) -> Result<Vec<ModelInfo>, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or("no `data` list in the /models reply")?;
    Ok(data.iter().filter_map(model_info).collect())
}

fn model_info(m: &Value) -> Option<ModelInfo> {
    let id = m.get("id")?.as_str()?.to_string();
    let pricing = m.get("pricing");
    let price_of = |k: &str| pricing?.get(k)?.as_str().and_then(Price::parse);
    let price = match (price_of("prompt"), price_of("completion")) {
        (Some(prompt), Some(completion)) => Some(ModelPrice { prompt, completion }),
        _ => None,
    };
    let supported: Vec<&str> = m
        .get("supported_parameters")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let inputs: Vec<&str> = m
        .pointer("/architecture/input_modalities")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let context_length = m
        .get("context_length")
        .and_then(Value::as_u64)
        // vLLM names it max_model_len.
        .or_else(|| m.get("max_model_len").and_then(Value::as_u64));
    Some(ModelInfo {
        name: m.get("name").and_then(Value::as_str).map(str::to_owned),
        context_length,
        price,
        max_completion: m
            .pointer("/top_provider/max_completion_tokens")
            .and_then(Value::as_u64),
        tools: supported.contains(&"tools"),
        reasoning: supported.contains(&"reasoning")
            || m.get("reasoning").is_some_and(Value::is_object),
        vision: inputs.contains(&"image"),
        created: m.get("created").and_then(Value::as_i64),
        web_search: pricing
            .and_then(|p| p.get("web_search"))
            .and_then(Value::as_str)
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|p| p.is_finite() && *p >= 0.0),
        id,
    })
}

/// GETs `path` under the provider's base URL: the body of a 2xx reply, else a typed error.
async fn get(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    path: &str,
    timeout: std::time::Duration,
) -> Result<String, ApiError> {
    let mut req = client.get(format!("{}{path}", endpoint.base_url));
    if let Some(k) = &endpoint.api_key {
        req = req.bearer_auth(k);
    }
    let resp = tokio::time::timeout(timeout, req.send())
        .await
        .map_err(|_| ApiError::Stalled(timeout))?
        .map_err(|e| ApiError::Connect(e.to_string()))?;
    let status = resp.status().as_u16();
    let body = tokio::time::timeout(timeout, resp.text())
        .await
        .map_err(|_| ApiError::Stalled(timeout))?
        .map_err(|e| ApiError::Transport(e.to_string()))?;
    if !(200..300).contains(&status) {
        return Err(ApiError::from_response(status, &body, None));
    }
    Ok(body)
}

/// Fetches a provider's catalog.
pub async fn fetch(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    timeout: std::time::Duration,
) -> Result<Vec<ModelInfo>, ApiError> {
    let body = get(client, endpoint, "/models", timeout).await?;
    parse(&body).map_err(ApiError::Malformed)
}

/// One provider serving a model, from `GET /models/{author}/{slug}/endpoints`.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderEndpoint {
    pub provider: String,
    /// The slug `provider.order`, `only` and `ignore` take.
    pub tag: String,
    pub quantization: Option<String>,
    pub context: Option<u64>,
    pub price: Option<ModelPrice>,
    /// Milliseconds to the first token, median of the last 30 minutes.
    pub latency_p50: Option<f64>,
    /// Tokens per second, median of the last 30 minutes.
    pub throughput_p50: Option<f64>,
    /// Percent of requests served, last 30 minutes.
    pub uptime: Option<f64>,
}

/// The endpoints in an `/endpoints` reply.
pub fn parse_endpoints(body: &str) -> Result<Vec<ProviderEndpoint>, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let list = v
        .pointer("/data/endpoints")
        .and_then(Value::as_array)
        .ok_or("no `data.endpoints` in the reply")?;
    Ok(list
        .iter()
        .filter_map(|e| {
            let text = |k: &str| e.get(k).and_then(Value::as_str).map(crate::sanitize::clean);
            let price_of = |k: &str| {
                e.pointer(&format!("/pricing/{k}"))?
                    .as_str()
                    .and_then(Price::parse)
            };
            // p50 as a number, or a bare number where a server reports only one figure.
            let p50 = |k: &str| {
                e.get(k)
                    .and_then(|v| v.get("p50").and_then(Value::as_f64).or_else(|| v.as_f64()))
            };
            Some(ProviderEndpoint {
                provider: text("provider_name")?,
                tag: text("tag")?,
                quantization: text("quantization"),
                context: e.get("context_length").and_then(Value::as_u64),
                price: match (price_of("prompt"), price_of("completion")) {
                    (Some(prompt), Some(completion)) => Some(ModelPrice { prompt, completion }),
                    _ => None,
                },
                latency_p50: p50("latency_last_30m"),
                throughput_p50: p50("throughput_last_30m"),
                uptime: e
                    .get("uptime_last_30m")
                    .and_then(Value::as_f64)
                    .or_else(|| e.get("uptime_last_1d").and_then(Value::as_f64)),
            })
        })
        .collect())
}

/// The providers serving `model`, from `GET /models/{author}/{slug}/endpoints` (variants and
/// presets resolved to the base id).
pub async fn endpoints(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    model: &str,
    timeout: std::time::Duration,
) -> Result<Vec<ProviderEndpoint>, ApiError> {
    let model = variant::base(model);
    let body = get(
        client,
        endpoint,
        &format!("/models/{model}/endpoints"),
        timeout,
    )
    .await?;
    parse_endpoints(&body).map_err(ApiError::Malformed)
}

/// The provider slugs serving `model` (for `provider.order`, `only`, `ignore`).
pub async fn endpoint_slugs(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    model: &str,
    timeout: std::time::Duration,
) -> Result<Vec<String>, ApiError> {
    Ok(endpoints(client, endpoint, model, timeout)
        .await?
        .into_iter()
        .map(|e| e.tag)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openrouter_shape() {
        let body = r#"{"data":[
          {"id":"anthropic/claude-3.5-sonnet","name":"Anthropic: Claude 3.5 Sonnet","context_length":200000,
           "architecture":{"input_modalities":["text","image"],"output_modalities":["text"]},
           "pricing":{"prompt":"0.000003","completion":"0.000015","request":"0"},
           "top_provider":{"context_length":200000,"max_completion_tokens":8192,"is_moderated":true},
           "supported_parameters":["tools","max_tokens","temperature"]},
          {"id":"openrouter/auto","name":"Auto Router","context_length":2000000,
           "pricing":{"prompt":"-1","completion":"-1"},"supported_parameters":[]},
          {"id":"deepseek/deepseek-r1:free","pricing":{"prompt":"0","completion":"0"},
           "supported_parameters":["reasoning","include_reasoning"],"reasoning":{"mandatory":true}},
          {"name":"no id, skipped"}
        ]}"#;
        let m = parse(body).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].price, Some(ModelPrice::per_million(3.0, 15.0)));
        assert!(m[0].tools && m[0].vision && !m[0].reasoning);
        assert_eq!(m[0].max_completion, Some(8192));
        assert_eq!(m[1].price.map(|p| p.prompt), Some(Price::Dynamic));
        assert!(m[2].free() && m[2].reasoning && m[2].has(Tag::Free));
    }

    #[test]
    fn openai_list_of_ids() {
        let m = parse(r#"{"object":"list","data":[{"id":"llama3.2","object":"model","created":1,"owned_by":"library"},{"id":"qwen","max_model_len":32768}]}"#).unwrap();
        assert_eq!(
            m[0],
            ModelInfo {
                created: Some(1),
                ..ModelInfo::bare("llama3.2")
            }
        );
        assert_eq!(m[1].context_length, Some(32768));
        assert!(parse("[]").is_err());
    }
}

/// A model as the picker lists it: which provider serves it, and what is known about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub provider: String,
    pub info: ModelInfo,
}
