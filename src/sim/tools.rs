//! The simulator's tool-calling models: `sim/tooler` calls one offered tool, `sim/parallel`
//! several at once, `sim/badjson` one with malformed arguments. Once the conversation ends in
//! `tool` messages they answer in prose like the other models.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::models::SimModel;

/// Arguments that satisfy a tool's schema, made up from the prompt's words.
fn arguments(schema: &Value, topic: &str, n: usize) -> Value {
    let mut args = Map::new();
    let props = schema.get("properties").and_then(Value::as_object);
    for (name, prop) in props.into_iter().flatten() {
        let v = match prop.get("type").and_then(Value::as_str) {
            Some("integer") => json!(3 + n),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("array") => match prop.get("items") {
                Some(items) if items.get("type").and_then(Value::as_str) == Some("object") => {
                    json!([arguments(items, topic, n)])
                }
                _ => json!([topic]),
            },
            Some("object") => arguments(prop, topic, n),
            _ => match prop
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
            {
                Some(first) => first.clone(),
                None if n == 0 => json!(topic),
                None => json!(format!("{topic} {}", n + 1)),
            },
        };
        args.insert(name.clone(), v);
    }
    Value::Object(args)
}

/// The word a call is about: the last capitalised word after the first ("Weather in Oslo?" →
/// "Oslo"), a name being the likeliest argument, else the longest word.
fn topic_of(prompt: &str) -> String {
    let words: Vec<&str> = prompt
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .iter()
        .skip(1)
        .rev()
        .find(|w| w.chars().next().is_some_and(char::is_uppercase))
        .or_else(|| words.iter().max_by_key(|w| w.len()))
        .map_or_else(|| "topic".to_string(), |w| (*w).to_string())
}

/// The JSON answer `response_format` asks for: an object filled from the schema, or
/// `{"answer": …}` for any object. `sim/badjson` leaves out what the schema requires, so a
/// client's check can be seen to fail.
pub(crate) fn structured(model: &SimModel, body: &Value, prompt: &str) -> Option<String> {
    let format = body.get("response_format")?;
    let topic = topic_of(prompt);
    let value = match format.get("type").and_then(Value::as_str)? {
        "json_object" => json!({"answer": format!("All about {topic}."), "topic": topic}),
        "json_schema" => {
            let schema = format.pointer("/json_schema/schema")?;
            if model.id == "sim/judge" {
                if let Some(v) = super::judge::grade(schema, prompt) {
                    return serde_json::to_string(&v).ok();
                }
            }
            let mut v = arguments(schema, &topic, 0);
            if model.id == "sim/badjson" {
                if let (Some(obj), Some(required)) = (
                    v.as_object_mut(),
                    schema.get("required").and_then(Value::as_array),
                ) {
                    for key in required.iter().filter_map(Value::as_str) {
                        obj.remove(key);
                    }
                }
            }
            v
        }
        _ => return None,
    };
    serde_json::to_string_pretty(&value).ok()
}

/// The signing model's reasoning before its calls: the text pieces, streamed as `reasoning.text`
/// items of index 0 (the signature comes last, alone), then the calls' thought as one
/// `reasoning.encrypted` item of index 1.
fn signed_reasoning(prompt: &str, call_ids: &[String]) -> (String, Vec<Value>) {
    let text: String = super::text::tokenize(&super::text::reasoning("sim/signer", prompt))
        .into_iter()
        .take(24)
        .collect();
    let fmt = super::wire::SIGNED_FORMAT;
    let mut items: Vec<Value> = super::text::tokenize(&text)
        .into_iter()
        .map(|piece| json!({"type": "reasoning.text", "text": piece, "signature": null, "format": fmt, "index": 0}))
        .collect();
    items.push(json!({"type": "reasoning.text", "text": "", "signature": super::strict::signature(&text), "format": fmt, "index": 0}));
    items.push(
        json!({"type": "reasoning.encrypted", "data": super::strict::thought(call_ids),
        "id": call_ids.first(), "format": fmt, "index": 1}),
    );
    (text, items)
}

/// The reply when a tool model should call tools now, or `None` to answer in prose. With
/// `repeat_names` every fragment of a call repeats its id and whole name, as some servers do.
pub(crate) fn reply(
    state: &super::state::SimState,
    model: &SimModel,
    body: &Value,
    id: &str,
) -> Option<Response> {
    let repeat_names = state.repeat_tool_names();
    if !model.calls_tools() {
        return None;
    }
    // Server tools (web search) run on the server's side; only functions are called back.
    let tools: Vec<&Value> = body
        .get("tools")
        .and_then(Value::as_array)?
        .iter()
        .filter(|t| t.get("type").and_then(Value::as_str) == Some("function"))
        .collect();
    if tools.is_empty() {
        return None;
    }
    let messages = body.get("messages").and_then(Value::as_array)?;
    if messages
        .last()
        .and_then(|m| m.get("role"))
        .and_then(Value::as_str)
        == Some("tool")
    {
        return None;
    }
    if body.get("tool_choice").and_then(Value::as_str) == Some("none") {
        return None;
    }
    let topic = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .and_then(|m| m.get("content"))
        .and_then(Value::as_str)
        .map(topic_of)
        .unwrap_or_else(|| "topic".to_string());
    let count = if model.id == "sim/parallel" { 2 } else { 1 };
    let calls: Vec<(String, String, String)> = (0..count)
        .map(|n| {
            let tool = &tools[n % tools.len()]["function"];
            let name = tool["name"].as_str().unwrap_or("tool").to_string();
            let mut args = arguments(&tool["parameters"], &topic, n).to_string();
            if model.id == "sim/badjson" {
                args.pop();
            }
            (
                format!("call_{}_{n}", &id[id.len().saturating_sub(6)..]),
                name,
                args,
            )
        })
        .collect();
    let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let created = chrono::Utc::now().timestamp();
    let ids: Vec<String> = calls.iter().map(|c| c.0.clone()).collect();
    let prompt = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .and_then(|m| m.get("content"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let (thinking, details) = if model.signs() {
        signed_reasoning(prompt, &ids)
    } else {
        (String::new(), Vec::new())
    };
    let reasoning_tokens = super::text::tokenize(&thinking).len() as u64;
    let completion_tokens =
        calls.iter().map(|c| c.2.len() as u64 / 4 + 8).sum::<u64>() + reasoning_tokens;
    let price = |p: &str| p.parse::<f64>().unwrap_or(0.0);
    let prompt_tokens = body.to_string().len() as u64 / 4;
    let cost = prompt_tokens as f64 * price(model.prompt_price)
        + completion_tokens as f64 * price(model.completion_price);
    let cost = super::wire::round_usd(cost);
    // Known to `/generation` like any other answer (the reply is complete at once).
    state.record(super::state::GenRecord {
        id: id.to_string(),
        total_cost: cost,
        model: model.id.to_string(),
        provider_name: model.provider.to_string(),
        tokens_prompt: prompt_tokens,
        tokens_completion: completion_tokens,
        native_tokens_prompt: prompt_tokens,
        native_tokens_completion: completion_tokens,
        native_tokens_reasoning: reasoning_tokens,
        native_tokens_cached: 0,
        latency: 0,
        generation_time: 0,
        finish_reason: Some("tool_calls".into()),
        native_finish_reason: Some("tool_use".into()),
        streamed: stream,
        cancelled: false,
        is_byok: false,
        upstream_inference_cost: None,
    });
    let usage = json!({"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
        "cost": cost, "is_byok": false});
    if !stream {
        let wire: Vec<Value> = calls
            .iter()
            .map(|(cid, name, args)| json!({"id": cid, "type": "function", "function": {"name": name, "arguments": args}}))
            .collect();
        let body = json!({"id": id, "object": "chat.completion", "created": created, "model": model.id,
            "provider": model.provider, "choices": [{"index": 0, "finish_reason": "tool_calls",
            "native_finish_reason": "tool_use", "message": {"role": "assistant", "content": null, "tool_calls": wire}}],
            "usage": usage});
        let mut body = body;
        if !details.is_empty() {
            let mut merged = Vec::new();
            for d in &details {
                crate::provider::reasoning::merge(&mut merged, d.clone());
            }
            body["choices"][0]["message"]["reasoning"] = json!(thinking);
            body["choices"][0]["message"]["reasoning_details"] = Value::Array(merged);
        }
        return Some(([("x-generation-id", id.to_string())], axum::Json(body)).into_response());
    }
    let chunk = |delta: Value, finish: Value| {
        format!(
            "data: {}\n\n",
            json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model.id,
                   "provider": model.provider,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "native_finish_reason": finish}]})
        )
    };
    let mut sse = String::from(": OPENROUTER PROCESSING\n\n");
    let (encrypted, text_items) = details
        .split_last()
        .map_or((None, &[][..]), |(e, t)| (Some(e), t));
    for item in text_items {
        let piece = item.get("text").cloned().unwrap_or(Value::Null);
        sse.push_str(&chunk(
            json!({"content": "", "reasoning": piece, "reasoning_details": [item]}),
            Value::Null,
        ));
    }
    for (i, (cid, name, args)) in calls.iter().enumerate() {
        let mut first = json!({"role": "assistant", "content": "", "tool_calls": [{"index": i, "id": cid, "type": "function",
                   "function": {"name": name, "arguments": ""}}]});
        if let (0, Some(e)) = (i, encrypted) {
            // Gemini's thought signature travels with the first call.
            first["reasoning_details"] = json!([e]);
        }
        sse.push_str(&chunk(first, Value::Null));
        let chars: Vec<char> = args.chars().collect();
        for piece in chars.chunks(7) {
            let piece: String = piece.iter().collect();
            let fragment = if repeat_names {
                json!({"index": i, "id": cid, "type": "function", "function": {"name": name, "arguments": piece}})
            } else {
                json!({"index": i, "function": {"arguments": piece}})
            };
            sse.push_str(&chunk(json!({"tool_calls": [fragment]}), Value::Null));
        }
    }
    sse.push_str(&chunk(json!({"content": ""}), json!("tool_calls")));
    sse.push_str(&format!(
        "data: {}\n\ndata: [DONE]\n\n",
        json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model.id,
               "provider": model.provider, "choices": [], "usage": usage})
    ));
    Some(
        (
            [
                (header::CONTENT_TYPE, "text/event-stream".to_string()),
                (header::CACHE_CONTROL, "no-cache".to_string()),
                (
                    header::HeaderName::from_static("x-generation-id"),
                    id.to_string(),
                ),
            ],
            sse,
        )
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_about_the_name_in_the_prompt() {
        assert_eq!(topic_of("Weather in Oslo?"), "Oslo");
        assert_eq!(topic_of("What is the weather in Oslo today?"), "Oslo");
        assert_eq!(topic_of("what is backpressure"), "backpressure");
        assert_eq!(topic_of("  "), "topic");
    }
}
