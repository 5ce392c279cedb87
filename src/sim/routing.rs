//! Which endpoint serves a request, and what a key may spend: OpenRouter's provider routing
//! (`provider.only`, `ignore`, `order`, `quantizations`, `data_collection`, `zdr`), its 404s
//! when nothing is left, the end of a free variant, the free daily cap and the "can only
//! afford N" 402.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::models::SimModel;
use super::wire::ApiError;

/// One place a model is served.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Endpoint {
    pub provider: &'static str,
    pub quantization: &'static str,
    /// Trains on prompts; excluded by `data_collection: "deny"` and `zdr: true`.
    pub collects: bool,
    pub uptime: f64,
    /// How much slower than the model's own pace (1.0 = the model's pace).
    pub slowdown: f64,
    /// Whether the tag names the quantization (`sim-backup/fp8`) or only the provider.
    pub tagged_quantization: bool,
}

pub(crate) const BACKUP: &str = "Sim Backup";

/// Each model's own provider, and a slower fp8 backup that keeps data.
pub(crate) fn endpoints(m: &SimModel) -> [Endpoint; 2] {
    [
        Endpoint {
            provider: m.provider,
            quantization: "bf16",
            collects: false,
            uptime: 99.5,
            slowdown: 1.0,
            tagged_quantization: false,
        },
        Endpoint {
            provider: BACKUP,
            quantization: "fp8",
            collects: true,
            uptime: 97.0,
            slowdown: 1.6,
            tagged_quantization: true,
        },
    ]
}

/// A provider slug as OpenRouter writes it: "Steady Labs" → "steady-labs".
pub(crate) fn slug(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The endpoint's `tag`, as `provider.order` and `only` take it: the provider's slug, with
/// the quantization for a provider that serves several.
pub(crate) fn tag(e: &Endpoint) -> String {
    if e.tagged_quantization {
        format!("{}/{}", slug(e.provider), e.quantization)
    } else {
        slug(e.provider)
    }
}

/// Whether a routing entry names the endpoint: its slug, or its slug and quantization.
fn names(entry: &str, e: &Endpoint) -> bool {
    let entry = entry.to_lowercase();
    entry == slug(e.provider)
        || entry == tag(e)
        || entry == format!("{}/{}", slug(e.provider), e.quantization)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn no_endpoints(id: &str, code: &str, message: String, field: &str) -> ApiError {
    ApiError::with_body(
        StatusCode::NOT_FOUND,
        json!({"error": {"code": 404, "message": message, "availability": {
            "code": code, "retryable": false, "requested_models": [id],
            "constraint": {"field": field, "detail": "every endpoint of the model was filtered out"},
            "docs_url": "https://openrouter.ai/docs/features/provider-routing"}}}),
    )
}

/// The endpoint that serves `id` under the request's `provider` preferences.
pub(crate) fn route(m: &SimModel, id: &str, prefs: Option<&Value>) -> Result<Endpoint, ApiError> {
    let all = endpoints(m);
    let Some(prefs) = prefs.filter(|p| p.is_object()) else {
        return Ok(all[0]);
    };
    let only = strings(prefs.get("only"));
    let ignore = strings(prefs.get("ignore"));
    let order = strings(prefs.get("order"));
    let quants = strings(prefs.get("quantizations"));
    let routed: Vec<Endpoint> = all
        .into_iter()
        .filter(|e| only.is_empty() || only.iter().any(|o| names(o, e)))
        .filter(|e| !ignore.iter().any(|o| names(o, e)))
        .filter(|e| quants.is_empty() || quants.iter().any(|q| q == e.quantization))
        .collect();
    if routed.is_empty() {
        return Err(no_endpoints(
            id,
            "constraint_filtered",
            format!("No endpoints found matching your provider preferences for {id}"),
            "provider.only",
        ));
    }
    let private = prefs.get("data_collection").and_then(Value::as_str) == Some("deny")
        || prefs.get("zdr").and_then(Value::as_bool) == Some(true);
    let allowed: Vec<Endpoint> = routed
        .into_iter()
        .filter(|e| !(private && e.collects))
        .collect();
    if allowed.is_empty() {
        return Err(no_endpoints(
            id,
            "privacy_restricted",
            format!("No endpoints found matching your data policy for {id} (data collection denied or zero data retention required)"),
            "provider.data_collection",
        ));
    }
    let first = order
        .iter()
        .find_map(|o| allowed.iter().find(|e| names(o, e)))
        .unwrap_or(&allowed[0]);
    Ok(*first)
}

/// The model whose free variant has ended.
const FREE_ENDED: &str = "sim/pricey";

/// A `:free` id whose promotion has ended answers 404.
pub(crate) fn free_variant(m: &SimModel, id: &str) -> Result<(), ApiError> {
    if id.ends_with(":free") && m.id == FREE_ENDED {
        return Err(ApiError::with_body(
            StatusCode::NOT_FOUND,
            json!({"error": {"code": 404, "message": format!("The free variant of {} has ended", m.id),
                "availability": {"code": "free_variant_ended", "retryable": false,
                    "requested_models": [id], "fallback_models": [m.id]}}}),
        ));
    }
    Ok(())
}

/// The free daily cap: `used` counts this request too.
pub(crate) fn free_cap(used: u64, per_day: u64) -> Result<(), ApiError> {
    if used <= per_day {
        return Ok(());
    }
    let now = chrono::Utc::now();
    let midnight = (now.date_naive() + chrono::Days::new(1))
        .and_hms_opt(0, 0, 0)
        .map_or(now.timestamp_millis(), |t| t.and_utc().timestamp_millis());
    let mut e = ApiError::with_body(
        StatusCode::TOO_MANY_REQUESTS,
        json!({"error": {"code": 429, "message": format!(
            "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day ({per_day} used)"),
            "metadata": {"headers": {"X-RateLimit-Limit": per_day.to_string(), "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": midnight.to_string()}}}}),
    );
    e.headers = vec![
        ("x-ratelimit-limit", per_day.to_string()),
        ("x-ratelimit-remaining", "0".to_string()),
        ("x-ratelimit-reset", midnight.to_string()),
    ];
    Err(e)
}

/// Refuses a request whose worst case the key's credit cannot cover, saying how many tokens it
/// can afford, as OpenRouter does.
pub(crate) fn afford(
    m: &SimModel,
    remaining: f64,
    prompt_tokens: u64,
    max_tokens: Option<u64>,
) -> Result<(), ApiError> {
    let asked = max_tokens.unwrap_or(m.max_completion_tokens);
    let prompt_cost = prompt_tokens as f64 * m.prompt_price_usd();
    let per_token = m.completion_price_usd();
    if prompt_cost + asked as f64 * per_token <= remaining {
        return Ok(());
    }
    if remaining <= prompt_cost || per_token <= 0.0 {
        return Err(ApiError::new(
            StatusCode::PAYMENT_REQUIRED,
            "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
        ));
    }
    let can = ((remaining - prompt_cost) / per_token).floor() as u64;
    Err(ApiError::new(
        StatusCode::PAYMENT_REQUIRED,
        format!(
            "This request requires more credits, or fewer max_tokens. You requested up to {asked} tokens, but can only afford {can}. To increase, visit https://openrouter.ai/settings/credits and add more credits"
        ),
    ))
}
