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
    let mut model = json!({
        "id": m.id,
        "canonical_slug": format!("{}-20250101", m.id),
        "name": m.name,
        "created": CREATED,
        "description": m.description,
        "context_length": m.context_length,
        "architecture": {
            "modality": "text->text",
            "input_modalities": ["text"],
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
