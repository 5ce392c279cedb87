//! `GET /key` and `GET /generation`: account-style endpoints backed by the generation ledger.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::state::SimState;
use super::wire::ApiError;

pub(crate) async fn key(State(state): State<Arc<SimState>>) -> Json<serde_json::Value> {
    // The simulator has no calendar, so every window reports everything served so far.
    let usage = state.total_cost();
    Json(json!({
        "data": {
            "label": "sim",
            "limit": state.credit(),
            "limit_remaining": state.credit_left(),
            "limit_reset": null,
            "include_byok_in_limit": false,
            "usage": usage,
            "usage_daily": usage,
            "usage_weekly": usage,
            "usage_monthly": usage,
            "byok_usage": 0,
            "byok_usage_daily": 0,
            "byok_usage_weekly": 0,
            "byok_usage_monthly": 0,
            "is_free_tier": false,
            "is_management_key": false,
            "expires_at": null,
        }
    }))
}

pub(crate) async fn generation(
    State(state): State<Arc<SimState>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(id) = query.get("id").filter(|id| !id.is_empty()) else {
        return ApiError::bad_request("Missing required query parameter: id").into_response();
    };
    match state.generation(id) {
        Some(record) => Json(json!({ "data": record })).into_response(),
        None => ApiError::not_found(format!("Generation {id} not found")).into_response(),
    }
}
