//! `GET /models`: the model table in OpenRouter's catalog shape.

use axum::Json;
use serde_json::{json, Value};

use super::models::{SimModel, MODELS};

/// A fixed creation time (2025-01-01T00:00:00Z) so the catalog never changes between runs.
const CREATED: i64 = 1_735_689_600;

fn model_json(m: &SimModel) -> Value {
    let mut supported = vec!["max_tokens", "temperature", "top_p", "stop", "seed"];
    if m.reasons() {
        supported.extend(["reasoning", "include_reasoning"]);
    }
    let (modality, inputs) = if m.sees() {
        ("text+image->text", json!(["text", "image"]))
    } else {
        ("text->text", json!(["text"]))
    };
    let mut model = json!({
        "id": m.id,
        "canonical_slug": format!("{}-20250101", m.id),
        "name": m.name,
        "created": CREATED,
        "description": m.description,
        "context_length": m.context_length,
        "architecture": {
            "modality": modality,
            "input_modalities": inputs,
            "output_modalities": ["text"],
            "tokenizer": "Sim",
            "instruct_type": null,
        },
        "pricing": {
            "prompt": m.prompt_price,
            "completion": m.completion_price,
            "request": "0",
            "image": "0",
            "web_search": "0",
            "internal_reasoning": "0",
            "input_cache_read": "0",
            "input_cache_write": "0",
        },
        "top_provider": {
            "context_length": m.context_length,
            "max_completion_tokens": m.max_completion_tokens,
            "is_moderated": false,
        },
        "per_request_limits": null,
        "supported_parameters": supported,
        "default_parameters": {},
    });
    if m.reasons() {
        model["reasoning"] = json!({
            "supported_efforts": ["high", "medium", "low", "minimal", "none"],
            "default_effort": "medium",
            "default_enabled": true,
            "supports_max_tokens": false,
            "mandatory": false,
        });
    }
    model
}

pub(crate) async fn list() -> Json<Value> {
    let data: Vec<Value> = MODELS.iter().map(model_json).collect();
    Json(json!({
        "data": data,
        "total_count": MODELS.len(),
        "links": { "next": null },
    }))
}

/// A provider slug as OpenRouter writes it: "Steady Labs" → "steady-labs".
fn slug(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// `GET /models/{author}/{slug}/endpoints`: who serves a model. Each simulated model has its
/// own provider and a slower, cheaper backup, so routing settings have something to choose.
pub(crate) async fn endpoints(
    axum::extract::Path((author, name)): axum::extract::Path<(String, String)>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let id = format!("{author}/{name}");
    let Some(m) = super::models::find(&id) else {
        return super::wire::ApiError::not_found(format!("No endpoints found for {id}"))
            .into_response();
    };
    let endpoint = |provider: &str, tag: String, quantization: &str, uptime: f64| {
        json!({
            "name": format!("{provider} | {id}"),
            "provider_name": provider,
            "tag": tag,
            "context_length": m.context_length,
            "pricing": {"prompt": m.prompt_price, "completion": m.completion_price},
            "quantization": quantization,
            "max_completion_tokens": m.max_completion_tokens,
            "supported_parameters": ["max_tokens", "temperature", "top_p", "stop", "seed"],
            "uptime_last_30m": uptime,
            "latency_last_30m": null,
            "throughput_last_30m": null,
        })
    };
    Json(json!({
        "data": {
            "id": m.id,
            "name": m.name,
            "created": CREATED,
            "description": m.description,
            "endpoints": [
                endpoint(m.provider, slug(m.provider), "bf16", 99.5),
                endpoint("Sim Backup", "sim-backup/fp8".to_string(), "fp8", 97.0),
            ],
        }
    }))
    .into_response()
}
