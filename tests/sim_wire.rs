#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Wire-level tests against a real simulator on loopback.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use switchboard::sim::{self, SimOptions, SimServer};

const PROMPT: &str = "How should I design a caching layer for PostgreSQL queries?";

async fn server() -> SimServer {
    sim::start(
        "127.0.0.1",
        0,
        SimOptions {
            speed: 50.0,
            ..Default::default()
        },
    )
    .await
    .expect("simulator binds")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn chat_body(model: &str, prompt: &str, stream: bool) -> Value {
    json!({
        "model": model,
        "messages": [
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": prompt},
        ],
        "stream": stream,
    })
}

async fn post(srv: &SimServer, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/chat/completions", srv.base_url()))
        .header("Authorization", "Bearer sk-or-v1-anything")
        .json(body)
        .send()
        .await
        .unwrap()
}

/// One SSE event: a comment line or a `data:` payload.
#[derive(Debug, Clone)]
enum Event {
    Comment(String),
    Data(String),
}

impl Event {
    fn json(&self) -> Option<Value> {
        match self {
            Event::Data(d) if d != "[DONE]" => Some(serde_json::from_str(d).unwrap()),
            _ => None,
        }
    }
}

fn parse_events(raw: &str) -> Vec<Event> {
    raw.split("\n\n")
        .filter(|block| !block.is_empty())
        .map(|block| {
            assert!(!block.contains('\n'), "one line per event: {block:?}");
            if let Some(c) = block.strip_prefix(':') {
                Event::Comment(c.trim().to_owned())
            } else {
                let data = block.strip_prefix("data: ").expect("data line");
                Event::Data(data.to_owned())
            }
        })
        .collect()
}

/// Reads a whole SSE body; returns the events, whether the body ended in a transport error,
/// and whether it ended on an event boundary.
async fn read_sse(resp: reqwest::Response) -> (Vec<Event>, bool) {
    let mut raw = Vec::new();
    let mut errored = false;
    let mut body = resp.bytes_stream();
    while let Some(item) = body.next().await {
        match item {
            Ok(bytes) => raw.extend_from_slice(&bytes),
            Err(_) => {
                errored = true;
                break;
            }
        }
    }
    let text = String::from_utf8(raw).unwrap();
    let complete = text.rfind("\n\n").map_or(0, |i| i + 2);
    (parse_events(&text[..complete]), errored)
}

fn content_of(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(Event::json)
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

async fn prices(srv: &SimServer) -> HashMap<String, (f64, f64)> {
    let models: Value = client()
        .get(format!("{}/models", srv.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    models["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let p = |k: &str| m["pricing"][k].as_str().unwrap().parse::<f64>().unwrap();
            (
                m["id"].as_str().unwrap().to_owned(),
                (p("prompt"), p("completion")),
            )
        })
        .collect()
}

fn assert_usage_shape(usage: &Value, prompt_price: f64, completion_price: f64) {
    let prompt = usage["prompt_tokens"].as_u64().unwrap();
    let completion = usage["completion_tokens"].as_u64().unwrap();
    assert!(prompt > 0);
    assert_eq!(usage["total_tokens"].as_u64().unwrap(), prompt + completion);
    assert_eq!(
        usage["prompt_tokens_details"],
        json!({"cached_tokens": 0, "cache_write_tokens": 0, "audio_tokens": 0})
    );
    assert_eq!(usage["completion_tokens_details"]["image_tokens"], 0);
    assert!(usage["completion_tokens_details"]["reasoning_tokens"].is_u64());
    assert_eq!(usage["is_byok"], false);
    let expected = prompt as f64 * prompt_price + completion as f64 * completion_price;
    let cost = usage["cost"].as_f64().unwrap();
    assert!(
        (cost - expected).abs() < 1e-9,
        "cost {cost} != {expected} ({prompt} x {prompt_price} + {completion} x {completion_price})"
    );
    let details = &usage["cost_details"];
    assert!(details["upstream_inference_cost"].is_null());
    let split = details["upstream_inference_prompt_cost"].as_f64().unwrap()
        + details["upstream_inference_completions_cost"]
            .as_f64()
            .unwrap();
    assert!((split - cost).abs() < 1e-9);
}

#[tokio::test]
async fn models_catalog_has_openrouter_shape() {
    let srv = server().await;
    let resp = client()
        .get(format!("{}/models", srv.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    let data = body["data"].as_array().unwrap();
    let ids: Vec<&str> = data.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, sim::model_ids());
    assert_eq!(body["total_count"].as_u64().unwrap() as usize, data.len());
    assert!(body["links"]["next"].is_null());
    for m in data {
        let id = m["id"].as_str().unwrap();
        assert!(m["canonical_slug"].as_str().unwrap().starts_with(id));
        assert!(m["name"].as_str().unwrap().starts_with("Sim: "));
        assert!(m["created"].is_i64());
        assert!(m["description"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("simulat"));
        assert!(m["context_length"].as_u64().unwrap() > 0);
        if id == "sim/seer" {
            assert_eq!(m["architecture"]["modality"], "text+image->text");
            assert_eq!(
                m["architecture"]["input_modalities"],
                json!(["text", "image"])
            );
        } else {
            assert_eq!(m["architecture"]["modality"], "text->text");
            assert_eq!(m["architecture"]["input_modalities"], json!(["text"]));
        }
        assert_eq!(m["architecture"]["output_modalities"], json!(["text"]));
        assert_eq!(m["architecture"]["tokenizer"], "Sim");
        assert!(m["architecture"]["instruct_type"].is_null());
        let pricing = m["pricing"].as_object().unwrap();
        for key in [
            "prompt",
            "completion",
            "request",
            "image",
            "web_search",
            "internal_reasoning",
            "input_cache_read",
            "input_cache_write",
        ] {
            let price = pricing[key].as_str().expect("prices are strings");
            assert!(price.parse::<f64>().unwrap() >= 0.0, "{id} {key}");
        }
        assert!(pricing["prompt"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
        assert!(pricing["prompt"].as_str().unwrap().parse::<f64>().unwrap() < 0.001);
        assert_eq!(m["top_provider"]["is_moderated"], false);
        assert!(m["top_provider"]["max_completion_tokens"].as_u64().unwrap() > 0);
        assert!(m["per_request_limits"].is_null());
        assert!(m["default_parameters"].is_object());
        let params: Vec<&str> = m["supported_parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert!(params.contains(&"max_tokens"));
        if ["sim/thinker", "sim/signer"].contains(&id) {
            assert!(params.contains(&"reasoning"));
            assert!(params.contains(&"include_reasoning"));
            let r = &m["reasoning"];
            assert!(r["supported_efforts"].is_array());
            assert!(r["default_effort"].is_string());
            assert!(r["default_enabled"].is_boolean());
            assert!(r["supports_max_tokens"].is_boolean());
            assert!(r["mandatory"].is_boolean());
        } else {
            assert!(m.get("reasoning").is_none(), "{id} has no reasoning block");
            assert!(!params.contains(&"reasoning"));
        }
    }
    let pricey = data.iter().find(|m| m["id"] == "sim/pricey").unwrap();
    assert_eq!(pricey["pricing"]["prompt"], "0.000015");
    assert_eq!(pricey["pricing"]["completion"], "0.000075");
}

#[tokio::test]
async fn normal_models_stream_openrouter_chunks() {
    let srv = server().await;
    let prices = prices(&srv).await;
    for model in [
        "sim/swift",
        "sim/steady",
        "sim/thinker",
        "sim/coder",
        "sim/pricey",
    ] {
        let resp = post(&srv, &chat_body(model, PROMPT, true)).await;
        assert_eq!(resp.status(), 200, "{model}");
        let headers = resp.headers().clone();
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        assert_eq!(headers["cache-control"], "no-cache");
        let gen_id = headers["x-generation-id"].to_str().unwrap().to_owned();
        assert!(gen_id.starts_with("gen-"));

        let (events, errored) = read_sse(resp).await;
        assert!(!errored, "{model}");
        assert!(
            matches!(&events[0], Event::Comment(c) if c == "OPENROUTER PROCESSING"),
            "{model} starts with a keep-alive comment: {:?}",
            events[0]
        );
        assert!(matches!(events.last(), Some(Event::Data(d)) if d == "[DONE]"));
        let chunks: Vec<Value> = events.iter().filter_map(Event::json).collect();
        let n = chunks.len();
        assert!(n > 10, "{model}: {n} chunks");
        for chunk in &chunks {
            assert_eq!(chunk["id"], gen_id.as_str());
            assert_eq!(chunk["object"], "chat.completion.chunk");
            assert_eq!(chunk["model"], model);
            assert!(!chunk["provider"].as_str().unwrap().is_empty());
            assert!(chunk["created"].as_i64().unwrap() > 1_700_000_000);
        }
        assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
        assert!(chunks[1..]
            .iter()
            .all(|c| c["choices"][0]["delta"].get("role").is_none()));

        let deltas = &chunks[..n - 2];
        for c in deltas {
            let choice = &c["choices"][0];
            assert_eq!(choice["index"], 0);
            assert!(choice["finish_reason"].is_null());
            assert!(choice["native_finish_reason"].is_null());
        }
        let finish = &chunks[n - 2]["choices"][0];
        assert_eq!(finish["finish_reason"], "stop");
        assert!(finish["native_finish_reason"].is_string());
        assert_eq!(finish["delta"]["content"], "");

        let usage_chunk = &chunks[n - 1];
        assert_eq!(usage_chunk["choices"], json!([]));
        let usage = &usage_chunk["usage"];
        let (pp, cp) = prices[model];
        assert_usage_shape(usage, pp, cp);

        // Each delta carries 1-3 token pieces.
        let completion = usage["completion_tokens"].as_u64().unwrap() as usize;
        let content_chunks = deltas.len();
        assert!(
            completion >= content_chunks && completion <= 3 * content_chunks,
            "{model}: {completion} tokens in {content_chunks} chunks"
        );
        let text = content_of(&events);
        assert!(
            text.contains("caching") || text.contains("postgresql"),
            "{model}: {text}"
        );
        assert!(text.contains("```"), "{model} writes code blocks");
    }
}

#[tokio::test]
async fn answers_are_deterministic_and_on_topic() {
    let srv = server().await;
    let once = content_of(
        &read_sse(post(&srv, &chat_body("sim/swift", PROMPT, true)).await)
            .await
            .0,
    );
    let twice = content_of(
        &read_sse(post(&srv, &chat_body("sim/swift", PROMPT, true)).await)
            .await
            .0,
    );
    assert_eq!(once, twice);

    let other_prompt = "Explain Kubernetes deployments and rollbacks";
    let other = content_of(
        &read_sse(post(&srv, &chat_body("sim/swift", other_prompt, true)).await)
            .await
            .0,
    );
    assert_ne!(once, other);
    assert!(
        other.contains("kubernetes") || other.contains("deployments"),
        "{other}"
    );

    // A fresh server gives the same answer: nothing depends on per-process state.
    let srv2 = server().await;
    let again = content_of(
        &read_sse(post(&srv2, &chat_body("sim/swift", PROMPT, true)).await)
            .await
            .0,
    );
    assert_eq!(once, again);

    // The non-streaming body carries the same text.
    let whole: Value = post(&srv, &chat_body("sim/swift", PROMPT, false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(whole["choices"][0]["message"]["content"], once.as_str());
}

#[tokio::test]
async fn thinker_streams_reasoning_before_content() {
    let srv = server().await;
    let (events, _) = read_sse(post(&srv, &chat_body("sim/thinker", PROMPT, true)).await).await;
    let chunks: Vec<Value> = events.iter().filter_map(Event::json).collect();
    let first_content = chunks
        .iter()
        .position(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        })
        .unwrap();
    let reasoning_chunks: Vec<&Value> = chunks
        .iter()
        .filter(|c| c["choices"][0]["delta"].get("reasoning").is_some())
        .collect();
    assert!(reasoning_chunks.len() >= 5);
    let last_reasoning = chunks
        .iter()
        .rposition(|c| c["choices"][0]["delta"].get("reasoning").is_some())
        .unwrap();
    assert!(last_reasoning < first_content);
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    for c in &reasoning_chunks {
        let delta = &c["choices"][0]["delta"];
        let detail = &delta["reasoning_details"][0];
        assert_eq!(detail["type"], "reasoning.text");
        assert_eq!(detail["text"], delta["reasoning"]);
        assert!(detail["signature"].is_null());
        assert!(detail["id"].as_str().unwrap().starts_with("rs_"));
        assert_eq!(detail["format"], "unknown");
        assert_eq!(detail["index"], 0);
    }
    let reasoning: String = reasoning_chunks
        .iter()
        .map(|c| c["choices"][0]["delta"]["reasoning"].as_str().unwrap())
        .collect();
    assert!(reasoning.contains("postgresql"), "{reasoning}");
    let usage = &chunks.last().unwrap()["usage"];
    let reasoning_tokens = usage["completion_tokens_details"]["reasoning_tokens"]
        .as_u64()
        .unwrap();
    assert!((20..=100).contains(&reasoning_tokens), "{reasoning_tokens}");
    assert!(usage["completion_tokens"].as_u64().unwrap() > reasoning_tokens);

    // Excluded reasoning is not sent but still counted.
    for extra in [
        json!({"reasoning": {"exclude": true}}),
        json!({"include_reasoning": false}),
    ] {
        let mut body = chat_body("sim/thinker", PROMPT, true);
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (events, _) = read_sse(post(&srv, &body).await).await;
        let chunks: Vec<Value> = events.iter().filter_map(Event::json).collect();
        assert!(chunks
            .iter()
            .all(|c| c["choices"][0]["delta"].get("reasoning").is_none()));
        assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
        let usage = &chunks.last().unwrap()["usage"];
        assert_eq!(
            usage["completion_tokens_details"]["reasoning_tokens"]
                .as_u64()
                .unwrap(),
            reasoning_tokens
        );
    }

    // Non-streaming carries the reasoning in the message.
    let whole: Value = post(&srv, &chat_body("sim/thinker", PROMPT, false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        whole["choices"][0]["message"]["reasoning"],
        reasoning.as_str()
    );
}

#[tokio::test]
async fn max_tokens_stops_with_length() {
    let srv = server().await;
    for key in ["max_tokens", "max_completion_tokens"] {
        let mut body = chat_body("sim/swift", PROMPT, true);
        body[key] = json!(17);
        let (events, _) = read_sse(post(&srv, &body).await).await;
        let chunks: Vec<Value> = events.iter().filter_map(Event::json).collect();
        let n = chunks.len();
        assert_eq!(chunks[n - 2]["choices"][0]["finish_reason"], "length");
        assert_eq!(
            chunks[n - 2]["choices"][0]["native_finish_reason"],
            "max_tokens"
        );
        assert_eq!(chunks[n - 1]["usage"]["completion_tokens"], 17);
    }
    let mut body = chat_body("sim/swift", PROMPT, false);
    body["max_tokens"] = json!(5);
    let whole: Value = post(&srv, &body).await.json().await.unwrap();
    assert_eq!(whole["choices"][0]["finish_reason"], "length");
    assert_eq!(whole["usage"]["completion_tokens"], 5);
}

#[tokio::test]
async fn flaky_alternates_429_and_200() {
    let srv = server().await;
    for round in 0..2 {
        let resp = post(&srv, &chat_body("sim/flaky", PROMPT, true)).await;
        assert_eq!(resp.status(), 429, "round {round}");
        assert_eq!(resp.headers()["retry-after"], "1");
        let body: Value = resp.json().await.unwrap();
        let err = &body["error"];
        assert_eq!(err["code"], 429);
        assert_eq!(
            err["message"],
            "Rate limit exceeded: sim/flaky is temporarily rate-limited upstream. Please retry shortly."
        );
        assert_eq!(err["metadata"]["error_type"], "rate_limit_exceeded");
        assert!(err["metadata"]["provider_name"].is_string());
        assert!(err["metadata"]["raw"].is_string());
        assert_eq!(err["metadata"]["retry_after_seconds"], 1);

        let resp = post(&srv, &chat_body("sim/flaky", PROMPT, true)).await;
        assert_eq!(resp.status(), 200, "round {round}");
        let (events, _) = read_sse(resp).await;
        assert!(matches!(events.last(), Some(Event::Data(d)) if d == "[DONE]"));
    }
}

#[tokio::test]
async fn down_and_unknown_models_fail_before_streaming() {
    let srv = server().await;
    let resp = post(&srv, &chat_body("sim/down", PROMPT, true)).await;
    assert_eq!(resp.status(), 503);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], 503);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("No available provider for sim/down"));
    assert_eq!(
        body["error"]["metadata"]["error_type"],
        "provider_unavailable"
    );

    let resp = post(&srv, &chat_body("acme/nope", PROMPT, true)).await;
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": {"code": 400, "message": "acme/nope is not a valid model ID"}})
    );
}

#[tokio::test]
async fn fallback_models_answer_in_order() {
    let srv = server().await;
    let mut body = chat_body("sim/down", PROMPT, true);
    body["models"] = json!(["acme/nope", "sim/swift", "sim/steady"]);
    let resp = post(&srv, &body).await;
    assert_eq!(resp.status(), 200);
    let (events, _) = read_sse(resp).await;
    let chunks: Vec<Value> = events.iter().filter_map(Event::json).collect();
    assert!(chunks.iter().all(|c| c["model"] == "sim/swift"));
    let provider = chunks[0]["provider"].as_str().unwrap().to_owned();
    assert!(chunks.iter().all(|c| c["provider"] == provider.as_str()));

    let mut body = chat_body("sim/down", PROMPT, false);
    body["models"] = json!(["sim/steady"]);
    let whole: Value = post(&srv, &body).await.json().await.unwrap();
    assert_eq!(whole["model"], "sim/steady");

    // Without `model`, the list alone is used.
    let body = json!({"models": ["sim/coder"], "messages": [{"role": "user", "content": "hi"}]});
    let whole: Value = post(&srv, &body).await.json().await.unwrap();
    assert_eq!(whole["model"], "sim/coder");

    // Flaky rejects first, so the fallback answers; then flaky itself answers.
    let mut body = chat_body("sim/flaky", PROMPT, false);
    body["models"] = json!(["sim/swift"]);
    let first: Value = post(&srv, &body).await.json().await.unwrap();
    assert_eq!(first["model"], "sim/swift");
    let second: Value = post(&srv, &body).await.json().await.unwrap();
    assert_eq!(second["model"], "sim/flaky");

    // When everything fails, the last failure comes back.
    let mut body = chat_body("sim/down", PROMPT, true);
    body["models"] = json!(["sim/flaky"]);
    let resp = post(&srv, &body).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "1");
    let mut body = chat_body("sim/flaky", PROMPT, true);
    body["models"] = json!(["sim/down"]);
    // flaky's counter is odd now, so it would answer: spend that turn first.
    assert_eq!(post(&srv, &body).await.status(), 200);
    let resp = post(&srv, &body).await;
    assert_eq!(resp.status(), 503);
}

#[tokio::test]
async fn no_model_defaults_to_swift() {
    let srv = server().await;
    let body = json!({"messages": [{"role": "user", "content": PROMPT}]});
    let whole: Value = post(&srv, &body).await.json().await.unwrap();
    assert_eq!(whole["model"], "sim/swift");
}

#[tokio::test]
async fn cutoff_drops_the_connection() {
    let srv = server().await;
    let resp = post(&srv, &chat_body("sim/cutoff", PROMPT, true)).await;
    assert_eq!(resp.status(), 200);
    let (events, errored) = read_sse(resp).await;
    assert!(errored, "the client sees a transport error");
    assert!(!content_of(&events).is_empty());
    assert!(events
        .iter()
        .all(|e| !matches!(e, Event::Data(d) if d == "[DONE]")));
    let chunks: Vec<Value> = events.iter().filter_map(Event::json).collect();
    assert!(chunks.iter().all(|c| c.get("usage").is_none()));
    assert!(chunks
        .iter()
        .all(|c| c["choices"][0]["finish_reason"].is_null()));

    let resp = post(&srv, &chat_body("sim/cutoff", PROMPT, false)).await;
    assert_eq!(resp.status(), 502);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], 502);
}

#[tokio::test]
async fn midfail_ends_with_an_error_chunk() {
    let srv = server().await;
    let resp = post(&srv, &chat_body("sim/midfail", PROMPT, true)).await;
    assert_eq!(resp.status(), 200);
    let (events, errored) = read_sse(resp).await;
    assert!(!errored);
    assert!(matches!(events.last(), Some(Event::Data(d)) if d == "[DONE]"));
    assert!(!content_of(&events).is_empty());
    let chunks: Vec<Value> = events.iter().filter_map(Event::json).collect();
    let last = chunks.last().unwrap();
    assert_eq!(last["error"]["code"], 502);
    assert!(last["error"]["message"].is_string());
    assert!(last["error"]["metadata"]["error_type"].is_string());
    assert_eq!(
        last["choices"],
        json!([{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}])
    );
    assert!(chunks[..chunks.len() - 1]
        .iter()
        .all(|c| c.get("error").is_none() && c.get("usage").is_none()));

    let resp = post(&srv, &chat_body("sim/midfail", PROMPT, false)).await;
    assert_eq!(resp.status(), 502);
}

#[tokio::test]
async fn stall_goes_silent_and_is_cancelled_when_the_client_leaves() {
    let srv = server().await;
    let resp = post(&srv, &chat_body("sim/stall", PROMPT, true)).await;
    assert_eq!(resp.status(), 200);
    let gen_id = resp.headers()["x-generation-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut body = resp.bytes_stream();
    let mut raw = String::new();
    while content_of(&parse_events(
        &raw[..raw.rfind("\n\n").map_or(0, |i| i + 2)],
    ))
    .is_empty()
    {
        let bytes = tokio::time::timeout(Duration::from_secs(10), body.next())
            .await
            .expect("first tokens arrive")
            .unwrap()
            .unwrap();
        raw.push_str(std::str::from_utf8(&bytes).unwrap());
    }
    // Drain whatever else was sent before the stall, then expect silence.
    let silent = loop {
        match tokio::time::timeout(Duration::from_secs(2), body.next()).await {
            Err(_) => break true,
            Ok(Some(Ok(bytes))) => raw.push_str(std::str::from_utf8(&bytes).unwrap()),
            Ok(_) => break false,
        }
    };
    assert!(silent, "stream should stall, got: {raw}");
    assert!(!raw.contains("[DONE]"));
    assert!(!raw.contains("finish_reason\":\"stop"));
    drop(body);

    // The server notices the client left and books the generation as cancelled.
    let url = format!("{}/generation?id={gen_id}", srv.base_url());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let record = loop {
        let resp = client().get(&url).send().await.unwrap();
        if resp.status() == 200 {
            break resp.json::<Value>().await.unwrap();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "stall never recorded"
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(record["data"]["cancelled"], true);
    assert_eq!(record["data"]["model"], "sim/stall");
}

#[tokio::test]
async fn non_streaming_shape() {
    let srv = server().await;
    let prices = prices(&srv).await;
    let resp = post(&srv, &chat_body("sim/steady", PROMPT, false)).await;
    assert_eq!(resp.status(), 200);
    let gen_id = resp.headers()["x-generation-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["id"], gen_id.as_str());
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "sim/steady");
    assert!(body["provider"].is_string());
    assert!(body["system_fingerprint"].is_null());
    assert!(body["created"].is_i64());
    let choice = &body["choices"][0];
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["finish_reason"], "stop");
    assert!(choice["native_finish_reason"].is_string());
    let message = &choice["message"];
    assert_eq!(message["role"], "assistant");
    assert!(message["content"].as_str().unwrap().len() > 200);
    assert!(message["refusal"].is_null());
    assert!(message["reasoning"].is_null());
    let (pp, cp) = prices["sim/steady"];
    assert_usage_shape(&body["usage"], pp, cp);
}

#[tokio::test]
async fn v1_prefix_serves_the_same_api() {
    let srv = server().await;
    let base = format!("http://{}/v1", srv.addr());
    let models: Value = client()
        .get(format!("{base}/models"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        models["data"].as_array().unwrap().len(),
        sim::model_ids().len()
    );
    let resp = client()
        .post(format!("{base}/chat/completions"))
        .json(&chat_body("sim/swift", PROMPT, true))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (events, _) = read_sse(resp).await;
    assert!(matches!(events.last(), Some(Event::Data(d)) if d == "[DONE]"));
    let key = client().get(format!("{base}/key")).send().await.unwrap();
    assert_eq!(key.status(), 200);
}

#[tokio::test]
async fn key_and_generation_track_usage() {
    let srv = server().await;
    let base = srv.base_url();
    let key_usage = |v: &Value| v["data"]["usage"].as_f64().unwrap();
    let key: Value = client()
        .get(format!("{base}/key"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(key_usage(&key), 0.0);
    let data = &key["data"];
    assert_eq!(data["label"], "sim");
    assert!(data["limit"].is_null());
    assert!(data["limit_remaining"].is_null());
    assert!(data["limit_reset"].is_null());
    assert!(data["expires_at"].is_null());
    assert_eq!(data["is_free_tier"], false);
    assert_eq!(data["is_management_key"], false);
    assert_eq!(data["include_byok_in_limit"], false);
    assert_eq!(data["byok_usage"], 0);

    let resp = post(&srv, &chat_body("sim/pricey", PROMPT, true)).await;
    let gen_id = resp.headers()["x-generation-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let (events, _) = read_sse(resp).await;
    let usage = events.iter().filter_map(Event::json).next_back().unwrap()["usage"].clone();

    // Like OpenRouter, the generation is not found on the first ask right after it ends.
    let ask = || {
        client()
            .get(format!("{base}/generation?id={gen_id}"))
            .send()
    };
    assert_eq!(ask().await.unwrap().status(), 404);
    let gen: Value = ask().await.unwrap().json().await.unwrap();
    let g = &gen["data"];
    assert_eq!(g["id"], gen_id.as_str());
    assert_eq!(g["model"], "sim/pricey");
    assert!(g["provider_name"].is_string());
    assert_eq!(g["total_cost"], usage["cost"]);
    assert_eq!(g["tokens_prompt"], usage["prompt_tokens"]);
    assert_eq!(g["tokens_completion"], usage["completion_tokens"]);
    assert_eq!(g["native_tokens_prompt"], usage["prompt_tokens"]);
    assert_eq!(g["native_tokens_completion"], usage["completion_tokens"]);
    assert_eq!(g["native_tokens_reasoning"], 0);
    assert!(g["latency"].as_u64().unwrap() <= g["generation_time"].as_u64().unwrap());
    assert_eq!(g["finish_reason"], "stop");
    assert!(g["native_finish_reason"].is_string());
    assert_eq!(g["streamed"], true);
    assert_eq!(g["cancelled"], false);
    assert_eq!(g["is_byok"], false);

    for path in ["key", "auth/key"] {
        let key: Value = client()
            .get(format!("{base}/{path}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!((key_usage(&key) - usage["cost"].as_f64().unwrap()).abs() < 1e-9);
    }

    let resp = client()
        .get(format!("{base}/generation?id=gen-unknown"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], 404);
    assert!(body["error"]["message"].is_string());
}

#[tokio::test]
async fn bad_requests_get_openrouter_errors() {
    let srv = server().await;
    let url = format!("{}/chat/completions", srv.base_url());
    let cases: Vec<(reqwest::RequestBuilder, u16)> = vec![
        (client().post(&url).body("{not json"), 400),
        (
            client().post(&url).json(&json!({"model": "sim/swift"})),
            400,
        ),
        (
            client()
                .post(&url)
                .json(&json!({"model": "sim/swift", "messages": []})),
            400,
        ),
        (client().get(format!("{}/nope", srv.base_url())), 404),
        (
            client().get(format!("http://{}/elsewhere", srv.addr())),
            404,
        ),
    ];
    for (request, status) in cases {
        let resp = request.send().await.unwrap();
        assert_eq!(resp.status(), status);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], status);
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn shutdown_ends_open_streams() {
    let srv = server().await;
    let resp = post(&srv, &chat_body("sim/stall", PROMPT, true)).await;
    assert_eq!(resp.status(), 200);
    let addr = srv.addr();
    srv.shutdown();
    let (_, _) = tokio::time::timeout(Duration::from_secs(10), read_sse(resp))
        .await
        .expect("stalled stream ends on shutdown");
    // New connections are refused once the server has stopped.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let attempt = client()
            .get(format!("http://{addr}/api/v1/models"))
            .send()
            .await;
        if attempt.is_err() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "server still accepting"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The text of a stream's reasoning deltas.
fn reasoning_of(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(Event::json)
        .filter_map(|c| {
            c["choices"][0]["delta"]["reasoning"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn one_token_per_event_sends_whole_chunks_of_one_token_and_the_same_text() {
    let grouped = server().await;
    let single = sim::start(
        "127.0.0.1",
        0,
        SimOptions {
            speed: 50.0,
            one_token_per_event: true,
            ..Default::default()
        },
    )
    .await
    .expect("simulator binds");
    for model in ["sim/swift", "sim/thinker", "sim/coder"] {
        let (before, _) = read_sse(post(&grouped, &chat_body(model, PROMPT, true)).await).await;
        let resp = post(&single, &chat_body(model, PROMPT, true)).await;
        assert_eq!(resp.status(), 200, "{model}");
        let (events, errored) = read_sse(resp).await;
        assert!(!errored, "{model}");
        assert!(matches!(events.last(), Some(Event::Data(d)) if d == "[DONE]"));

        // The same answer and the same reasoning, only cut finer.
        assert_eq!(content_of(&events), content_of(&before), "{model}");
        assert_eq!(reasoning_of(&events), reasoning_of(&before), "{model}");

        let chunks: Vec<Value> = events.iter().filter_map(Event::json).collect();
        let usage = &chunks.last().unwrap()["usage"];
        let tokens = usage["completion_tokens"].as_u64().unwrap() as usize;
        let pieces: Vec<(&str, Value)> = events
            .iter()
            .filter_map(|e| match e {
                Event::Data(d) if d != "[DONE]" => Some((d.as_str(), e.json()?)),
                _ => None,
            })
            .filter(|(_, c)| has_text(c))
            .collect();
        // Every token in an event of its own: as many events with text as tokens billed.
        assert_eq!(pieces.len(), tokens, "{model}");
        assert!(
            pieces.len() > grouped_pieces(&before),
            "{model}: finer than the default"
        );
        let (mut total, mut answer_events) = (0, 0);
        for (data, chunk) in &pieces {
            // `data: ` and the blank line around the JSON. Reasoning events carry their
            // text twice (`reasoning` and `reasoning_details`).
            let size = data.len() + 8;
            if chunk["choices"][0]["delta"]["reasoning"].is_null() {
                total += size;
                answer_events += 1;
                assert!((150..=400).contains(&size), "{model}: {size} bytes: {data}");
            } else {
                assert!((300..=700).contains(&size), "{model}: {size} bytes: {data}");
            }
            let choice = &chunk["choices"][0];
            assert_eq!(choice["delta"]["role"], "assistant", "{model}");
            for field in ["finish_reason", "native_finish_reason", "logprobs"] {
                assert!(
                    choice.get(field).is_some_and(Value::is_null),
                    "{model}: {field} in {data}"
                );
            }
            for field in ["id", "object", "created", "model", "provider"] {
                assert!(chunk.get(field).is_some(), "{model}: {field} in {data}");
            }
        }
        let mean = total / answer_events;
        assert!(
            (180..=320).contains(&mean),
            "{model}: {mean} bytes an event"
        );
    }
}

/// Whether a chunk carries answer or reasoning text.
fn has_text(chunk: &Value) -> bool {
    let d = &chunk["choices"][0]["delta"];
    d["content"].as_str().is_some_and(|s| !s.is_empty())
        || d["reasoning"].as_str().is_some_and(|s| !s.is_empty())
}

/// Events carrying text in a stream.
fn grouped_pieces(events: &[Event]) -> usize {
    events
        .iter()
        .filter_map(Event::json)
        .filter(has_text)
        .count()
}
