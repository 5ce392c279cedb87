//! `POST /chat/completions`: admission, server-side fallback across `models`, building the
//! generation plan, and the non-streaming response.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::time::Instant;

use super::models::{self, Behaviour, SimModel};
use super::plan::{Ending, Plan, GENERATION_ID_HEADER};
use super::request::{parse_request, ChatRequest};
use super::routing;
use super::state::{shutdown_requested, SimState};
use super::text;
use super::wire::{ApiError, Choice, Completion, Message, ReasoningDetail};

/// Checks whether `id` can serve this request, failing the way OpenRouter fails before
/// generation starts.
fn admit(state: &SimState, id: &str) -> Result<&'static SimModel, ApiError> {
    let model = models::find(id)
        .ok_or_else(|| ApiError::bad_request(format!("{id} is not a valid model ID")))?;
    match model.behaviour {
        Behaviour::Flaky if state.flaky_rejects() => {
            let mut err = ApiError::with_metadata(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Rate limit exceeded: {id} is temporarily rate-limited upstream. Please retry shortly."
                ),
                json!({
                    "error_type": "rate_limit_exceeded",
                    "provider_name": model.provider,
                    "raw": "{\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Too many requests. Slow down and retry after 1s.\"}}",
                    "retry_after_seconds": 1,
                    "is_byok": false,
                }),
            );
            err.retry_after = Some(1);
            Err(err)
        }
        Behaviour::Down => Err(ApiError::with_metadata(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("No available provider for {id}: all providers are currently unavailable"),
            json!({
                "error_type": "provider_unavailable",
                "provider_name": model.provider,
                "raw": "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
                "is_byok": false,
            }),
        )),
        _ => Ok(model),
    }
}

/// Refuses images sent to a model that takes none, as OpenRouter does when no endpoint fits.
fn sees(model: &'static SimModel, req: &ChatRequest) -> Result<&'static SimModel, ApiError> {
    if req.images.is_empty() || model.sees() {
        Ok(model)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "No endpoints found that support image input for {}",
                model.id
            ),
        ))
    }
}

pub(crate) fn new_generation_id() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    let suffix: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    format!("gen-{}-{suffix}", chrono::Utc::now().timestamp())
}

/// What sim/seer says about the images it was sent, so a client can check they arrived.
fn describe_images(images: &[(String, usize)]) -> String {
    if images.is_empty() {
        return "I was sent no images.".to_string();
    }
    let each: Vec<String> = images
        .iter()
        .map(|(mime, bytes)| format!("{mime}, {bytes} bytes"))
        .collect();
    let noun = if images.len() == 1 { "image" } else { "images" };
    format!("I was sent {} {noun}: {}.", images.len(), each.join("; "))
}

/// `structured`, when given, is the whole answer (JSON asked for by `response_format`).
fn build_plan(
    req: &ChatRequest,
    (model, endpoint): (&'static SimModel, super::routing::Endpoint),
    started: Instant,
    structured: Option<String>,
) -> Plan {
    use rand::Rng;
    let prompt = req.last_user_text.as_str();
    let mut citations = Vec::new();
    let all_reasoning = if model.reasons() && req.reasoning_enabled {
        text::tokenize(&text::reasoning(model.id, prompt))
    } else {
        Vec::new()
    };
    let all_content = match structured {
        Some(json) => text::tokenize(&json),
        None if model.behaviour == Behaviour::Marathon => {
            // One piece past max_tokens, so a capped marathon finishes with "length" like any
            // answer cut by the budget.
            let n = req.max_tokens.map_or(models::MARATHON_TOKENS, |m| {
                usize::try_from(m).unwrap_or(usize::MAX).saturating_add(1)
            });
            let cap = usize::try_from(model.max_completion_tokens).unwrap_or(usize::MAX);
            text::long_answer(model.id, prompt, n.min(cap))
        }
        None => {
            let mut answer = text::answer(model.id, prompt, model.style, model.answer_tokens);
            if model.sees() {
                answer = format!("{}\n\n{answer}", describe_images(&req.images));
            }
            if let Some(s) = &req.web_search {
                let topic = text::topic_words(prompt)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "the question".into());
                let (cited, notes) =
                    super::search::cite(&topic, s.results(), answer.chars().count());
                answer.push_str(&cited);
                citations = notes;
            }
            text::tokenize(&answer)
        }
    };

    let budget = req
        .max_tokens
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let r = all_reasoning.len().min(budget);
    let c = all_content.len().min(budget - r);
    let truncated = r < all_reasoning.len() || c < all_content.len();
    let mut reasoning = all_reasoning;
    reasoning.truncate(r);
    let mut content = all_content;
    let full_len = content.len();
    content.truncate(c);

    let mut rng = text::rng_for(model.id, prompt, "failure");
    let break_at = match model.behaviour {
        Behaviour::Cutoff => Some((Ending::Cutoff, full_len * rng.gen_range(30..=50) / 100)),
        Behaviour::MidFail => Some((Ending::MidFail, full_len * rng.gen_range(35..=55) / 100)),
        Behaviour::Stall => Some((Ending::Stall, rng.gen_range(6..=10))),
        Behaviour::ErrorFinish => Some((
            Ending::ErrorFinish("MALFORMED_FUNCTION_CALL"),
            full_len * rng.gen_range(40..=60) / 100,
        )),
        _ => None,
    };
    let ending = match break_at {
        // A failure only happens if generation gets that far before max_tokens ends it.
        Some((ending, at)) if at < content.len() => {
            content.truncate(at);
            ending
        }
        _ if truncated => Ending::Finish {
            reason: "length",
            native: "max_tokens",
        },
        _ => Ending::Finish {
            reason: "stop",
            native: model.native_stop,
        },
    };

    Plan {
        id: new_generation_id(),
        created: chrono::Utc::now().timestamp(),
        model,
        provider: endpoint.provider,
        slowdown: endpoint.slowdown,
        prompt_tokens: req.prompt_tokens,
        reasoning,
        show_reasoning: req.reasoning_shown,
        content,
        ending,
        chunk_seed: text::seed(model.id, prompt, "chunks"),
        started,
        metadata: None,
        echo: None,
        searches: req.web_search.as_ref().map_or((0, 0.0), |s| (1, s.price())),
        citations,
    }
}

pub(crate) async fn completions(
    State(state): State<Arc<SimState>>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let wants_metadata = [
        "x-openrouter-metadata",
        "x-openrouter-experimental-metadata",
    ]
    .iter()
    .any(|h| {
        headers
            .get(*h)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("enabled"))
    });
    let started = Instant::now();
    let req = match parse_request(&body) {
        Ok(req) => req,
        Err(e) => return e.into_response(),
    };
    // The OpenAI-style path behaves like OpenAI itself, not like OpenRouter in front of it.
    let openai_path = uri.path().starts_with("/v1/");

    let mut last_error = None;
    let mut chosen = None;
    // What the router tried, for `openrouter_metadata`.
    let mut attempts = Vec::new();
    for id in &req.candidates {
        let served = admit(&state, id)
            .and_then(|m| sees(m, &req))
            .and_then(|m| routing::free_variant(m, id).map(|()| m))
            .and_then(|m| routing::route(m, id, req.provider.as_ref()).map(|e| (m, e)))
            .and_then(|served| {
                if id.ends_with(":free") {
                    let (used, cap) = state.free_request();
                    routing::free_cap(used, cap)?;
                }
                Ok(served)
            });
        match served {
            Ok(served) => {
                attempts.push(json!({"model": id, "provider": served.1.provider, "status": 200, "selected": true}));
                chosen = Some(served);
                break;
            }
            Err(e) => {
                attempts.push(json!({"model": id,
                    "provider": models::find(id).map(|m| m.provider),
                    "status": e.status.as_u16(),
                    "error": e.body.pointer("/error/message").cloned()}));
                last_error = Some(e);
            }
        }
    }
    let Some((model, endpoint)) = chosen else {
        return last_error
            .unwrap_or_else(|| ApiError::bad_request("No model to try"))
            .into_response();
    };
    if let Some(left) = state.credit_left() {
        if let Err(e) = routing::afford(model, left, req.prompt_tokens, req.max_tokens) {
            return e.into_response();
        }
    }
    if openai_path && model.wants_completion_tokens() && req.sent_max_tokens {
        return ApiError::with_body(
            StatusCode::BAD_REQUEST,
            json!({"error": {
                "message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
                "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"}}),
        )
        .into_response();
    }

    let mut structured = None;
    if let Ok(raw) = serde_json::from_slice::<Value>(&body) {
        if model.signs() {
            let messages = raw.get("messages").and_then(Value::as_array);
            if let Err(e) = super::strict::check_signed(messages.map_or(&[], Vec::as_slice)) {
                return e.into_response();
            }
        }
        if let Some(reply) = super::tools::reply(&state, model, &raw, &new_generation_id()) {
            return reply;
        }
        structured = super::tools::structured(model, &raw, &req.last_user_text);
    }
    let mut plan = build_plan(&req, (model, endpoint), started, structured);
    if wants_metadata {
        plan.metadata = Some(router_metadata(&req, model, endpoint, attempts));
    }
    if req.stream {
        plan.echo = serde_json::from_slice::<Value>(&body)
            .ok()
            .filter(|raw| raw.pointer("/debug/echo_upstream_body") == Some(&Value::Bool(true)))
            .map(|raw| upstream_body(&raw, model));
    }
    if req.stream {
        super::stream::respond(state, plan)
    } else {
        respond_whole(state, plan).await
    }
}

/// What the router did: the models tried (server-side fallbacks) and the endpoints it could
/// choose from, in the shape of OpenRouter's router metadata.
fn router_metadata(
    req: &ChatRequest,
    model: &SimModel,
    chosen: routing::Endpoint,
    attempts: Vec<Value>,
) -> Value {
    let available: Vec<Value> = routing::endpoints(model)
        .iter()
        .map(|e| json!({"model": model.id, "provider": e.provider, "selected": e.provider == chosen.provider}))
        .collect();
    let failed = attempts.len().saturating_sub(1);
    json!({
        "requested": req.candidates.first(),
        "strategy": if req.candidates.len() > 1 { "fallback" } else { "direct" },
        "attempt": attempts.len(),
        "attempts": attempts,
        "endpoints": {"total": available.len(), "available": available},
        "is_byok": model.byok(),
        "region": "sim",
        "summary": format!("available={}, selected={}, failed attempts={failed}",
            routing::endpoints(model).len(), chosen.provider),
    })
}

/// The body as the provider receives it: OpenRouter's own fields gone, and the parameters the
/// model does not support dropped, as OpenRouter drops them.
fn upstream_body(raw: &Value, model: &SimModel) -> Value {
    let mut keep = vec![
        "model",
        "messages",
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "top_p",
        "stop",
        "seed",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        "stream",
    ];
    if model.reasons() {
        keep.push("reasoning");
    }
    let mut out = serde_json::Map::new();
    for (k, v) in raw.as_object().into_iter().flatten() {
        if keep.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        }
    }
    out.insert("model".into(), json!(model.id));
    Value::Object(out)
}

fn provider_error(model: &SimModel, message: &str, raw: &str) -> ApiError {
    ApiError::with_metadata(
        StatusCode::BAD_GATEWAY,
        message,
        json!({
            "error_type": "provider_unavailable",
            "provider_name": model.provider,
            "raw": raw,
            "is_byok": false,
        }),
    )
}

/// Non-streaming response, delivered after the same total delay a stream would take.
///
/// Failure models cannot fail "mid-stream" here, so: `sim/cutoff` and `sim/midfail` wait as
/// long as their partial stream would, then answer 502 with an OpenRouter error body (what a
/// client sees when the upstream dies before a buffered reply is complete); `sim/stall` never
/// answers, holding the request open until the client gives up or the server shuts down.
async fn respond_whole(state: Arc<SimState>, plan: Plan) -> Response {
    let generated = plan.reasoning.len() + plan.content.len();
    let first_token = plan.token_time(&state, 0);
    let done = plan.token_time(&state, generated.saturating_sub(1));
    let id_header = [(GENERATION_ID_HEADER, plan.id.clone())];
    let shutdown = shutdown_requested(state.shutdown_signal());

    if plan.ending == Ending::Stall {
        shutdown.await;
        return (
            id_header,
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "Simulator shutting down"),
        )
            .into_response();
    }
    tokio::select! {
        _ = tokio::time::sleep_until(done) => {}
        _ = shutdown => {
            return (
                id_header,
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "Simulator shutting down"),
            )
                .into_response();
        }
    }

    let completion_tokens = generated as u64;
    let reasoning_tokens = plan.reasoning.len() as u64;
    let (reason, native) = match plan.ending {
        Ending::Finish { reason, native } => (reason, native),
        Ending::ErrorFinish(native) => ("error", native),
        Ending::Cutoff | Ending::MidFail | Ending::Stall => {
            plan.record(
                &state,
                completion_tokens,
                reasoning_tokens,
                Some(first_token),
                Some(("error", "error")),
                false,
                false,
            );
            let err = if plan.ending == Ending::Cutoff {
                provider_error(
                    plan.model,
                    "Provider returned error",
                    "upstream connection closed before the response was complete",
                )
            } else {
                provider_error(
                    plan.model,
                    "Provider returned error",
                    "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
                )
            };
            return (id_header, err).into_response();
        }
    };

    let usage = plan.record(
        &state,
        completion_tokens,
        reasoning_tokens,
        Some(first_token),
        Some((reason, native)),
        false,
        false,
    );
    let reasoning_text = plan.reasoning.concat();
    let (reasoning, reasoning_details) = if plan.model.reasons() && plan.show_reasoning {
        let details = vec![if plan.model.signs() {
            let sig = super::strict::signature(&reasoning_text);
            ReasoningDetail::signed(reasoning_text.clone(), &plan.reasoning_id(), Some(sig))
        } else {
            ReasoningDetail::text(reasoning_text.clone(), &plan.reasoning_id())
        }];
        (Some(reasoning_text), Some(details))
    } else {
        (None, None)
    };
    let completion = Completion {
        id: &plan.id,
        object: "chat.completion",
        created: plan.created,
        model: plan.model.id,
        provider: plan.provider,
        system_fingerprint: None,
        choices: vec![Choice {
            index: 0,
            finish_reason: reason,
            native_finish_reason: native,
            logprobs: None,
            message: Message {
                role: "assistant",
                content: plan.content.concat(),
                refusal: None,
                reasoning,
                reasoning_details,
                annotations: plan.citations_sent(),
            },
        }],
        usage,
        openrouter_metadata: plan.metadata.clone(),
    };
    (
        [(header::CACHE_CONTROL, "no-cache".to_owned())],
        id_header,
        axum::Json(completion),
    )
        .into_response()
}
