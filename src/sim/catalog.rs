//! `GET /models`: the model table in OpenRouter's catalog shape.

use axum::Json;
use serde_json::{json, Value};

use super::models::{SimModel, MODELS};

/// A fixed creation time (2025-01-01T00:00:00Z) so the catalog never changes between runs.
const CREATED: i64 = 1_735_689_600;

/// The request parameters a model takes, as OpenRouter lists them: what a picker's tools or
/// reasoning filter goes by.
fn supported(m: &SimModel) -> Vec<&'static str> {
    let mut supported = vec!["max_tokens", "temperature", "top_p", "stop", "seed"];
    if m.reasons() {
        supported.extend(["reasoning", "include_reasoning"]);
    }
    if m.calls_tools() {
        supported.extend(["tools", "tool_choice"]);
    }
    supported
}

fn model_json(m: &SimModel) -> Value {
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
            "web_search": "0.007",
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
        "supported_parameters": supported(m),
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
    let endpoint = |e: &super::routing::Endpoint| {
        // The backup is slower: its p50 latency and throughput follow its pace.
        let latency = m.ttft_ms * e.slowdown;
        let throughput = m.tokens_per_sec / e.slowdown;
        json!({
            "name": format!("{} | {id}", e.provider),
            "provider_name": e.provider,
            "tag": super::routing::tag(e),
            "context_length": m.context_length,
            "pricing": {"prompt": m.prompt_price, "completion": m.completion_price},
            "quantization": e.quantization,
            "max_completion_tokens": m.max_completion_tokens,
            "supported_parameters": supported(m),
            "uptime_last_5m": e.uptime,
            "uptime_last_30m": e.uptime,
            "uptime_last_1d": e.uptime,
            "latency_last_30m": {"p50": latency, "p75": latency * 1.2, "p90": latency * 1.5, "p99": latency * 2.5},
            "throughput_last_30m": {"p50": throughput, "p75": throughput * 0.9, "p90": throughput * 0.8, "p99": throughput * 0.6},
        })
    };
    Json(json!({
        "data": {
            "id": m.id,
            "name": m.name,
            "created": CREATED,
            "description": m.description,
            "endpoints": super::routing::endpoints(m).iter().map(endpoint).collect::<Vec<_>>(),
        }
    }))
    .into_response()
}
