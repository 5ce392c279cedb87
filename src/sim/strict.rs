//! What the strictest real upstreams refuse, refused the same way: a tool call left without its
//! result (OpenAI), and reasoning dropped or altered between turns (Gemini 3's thought
//! signatures, Anthropic's signed thinking).

use std::collections::BTreeSet;

use serde_json::Value;

use super::wire::ApiError;

fn role(m: &Value) -> Option<&str> {
    m.get("role").and_then(Value::as_str)
}

fn call_ids(m: &Value) -> Vec<String> {
    m.get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("id").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// Every assistant `tool_calls` message must be followed by one `tool` message per call id, and
/// every `tool` message must answer such a call (OpenAI's rule, the strictest there is).
pub(crate) fn check_tool_turns(messages: &[Value]) -> Result<(), ApiError> {
    let mut i = 0;
    while i < messages.len() {
        let m = &messages[i];
        if role(m) == Some("tool") {
            return Err(ApiError::bad_request(format!(
                "Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls' (messages.[{i}])"
            )));
        }
        let ids = call_ids(m);
        i += 1;
        if role(m) != Some("assistant") || ids.is_empty() {
            continue;
        }
        let mut waiting: BTreeSet<String> = ids.into_iter().collect();
        while let Some(t) = messages.get(i).filter(|t| role(t) == Some("tool")) {
            let id = t.get("tool_call_id").and_then(Value::as_str).unwrap_or("");
            if !waiting.remove(id) {
                return Err(ApiError::bad_request(format!(
                    "Invalid parameter: the tool message messages.[{i}] answers '{id}', which is not a call of the assistant message before it"
                )));
            }
            i += 1;
        }
        if !waiting.is_empty() {
            let list: Vec<&str> = waiting.iter().map(String::as_str).collect();
            return Err(ApiError::bad_request(format!(
                "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: {}",
                list.join(", ")
            )));
        }
    }
    Ok(())
}

/// A short deterministic digest (FNV-1a), standing in for a provider's signature.
fn digest(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The signature of a reasoning text.
pub(crate) fn signature(text: &str) -> String {
    format!("sig_{}", digest(text))
}

/// The opaque thought behind a set of function calls: what Gemini returns as the call's
/// `thought_signature` and OpenRouter streams as a `reasoning.encrypted` item.
pub(crate) fn thought(call_ids: &[String]) -> String {
    use base64::Engine;
    let ids = call_ids.join(",");
    base64::engine::general_purpose::STANDARD.encode(format!("thought:{}:{ids}", digest(&ids)))
}

/// For the signing model: every assistant message that called tools carries back its thought
/// untouched, and every signed reasoning text still matches its signature.
pub(crate) fn check_signed(messages: &[Value]) -> Result<(), ApiError> {
    for (i, m) in messages.iter().enumerate() {
        if role(m) != Some("assistant") {
            continue;
        }
        let details: &[Value] = m
            .get("reasoning_details")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        for d in details {
            let kind = d.get("type").and_then(Value::as_str);
            let sig = d.get("signature").and_then(Value::as_str);
            if let (Some("reasoning.text"), Some(sig)) = (kind, sig) {
                let text = d.get("text").and_then(Value::as_str).unwrap_or("");
                if sig != signature(text) {
                    return Err(ApiError::bad_request(format!(
                        "Corrupted thought signature in messages.[{i}].reasoning_details: the reasoning text was changed or split"
                    )));
                }
            }
        }
        let ids = call_ids(m);
        if ids.is_empty() {
            continue;
        }
        let want = thought(&ids);
        let kept = details.iter().any(|d| {
            d.get("type").and_then(Value::as_str) == Some("reasoning.encrypted")
                && d.get("data").and_then(Value::as_str) == Some(want.as_str())
        });
        if !kept {
            let name = m
                .pointer("/tool_calls/0/function/name")
                .and_then(Value::as_str)
                .unwrap_or("?");
            return Err(ApiError::bad_request(format!(
                "Unable to submit request because function call `{name}` in messages.[{i}] is missing a thought_signature: reasoning details must be preserved across turns (send the assistant message's reasoning_details back unchanged)"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn call(id: &str) -> Value {
        json!({"id": id, "type": "function", "function": {"name": "f", "arguments": "{}"}})
    }

    #[test]
    fn every_call_needs_its_result_before_anything_else() {
        let user = json!({"role": "user", "content": "hi"});
        let asked =
            json!({"role": "assistant", "content": null, "tool_calls": [call("a"), call("b")]});
        let tool = |id: &str| json!({"role": "tool", "tool_call_id": id, "content": "x"});
        assert!(check_tool_turns(&[user.clone(), asked.clone(), tool("b"), tool("a")]).is_ok());
        let e =
            check_tool_turns(&[user.clone(), asked.clone(), tool("a"), user.clone()]).unwrap_err();
        assert!(e
            .body
            .to_string()
            .contains("did not have response messages: b"));
        assert!(check_tool_turns(&[user.clone(), asked.clone(), tool("c")]).is_err());
        assert!(check_tool_turns(&[user.clone(), tool("a")]).is_err());
        assert!(check_tool_turns(&[user, asked]).is_err());
    }

    #[test]
    fn thoughts_must_come_back_whole() {
        let ids = vec!["c1".to_string()];
        let text = "I should look it up.";
        let good = json!({"role": "assistant", "content": null, "tool_calls": [call("c1")],
            "reasoning_details": [
                {"type": "reasoning.text", "text": text, "signature": signature(text), "index": 0},
                {"type": "reasoning.encrypted", "data": thought(&ids), "index": 1}]});
        assert!(check_signed(std::slice::from_ref(&good)).is_ok());
        let mut dropped = good.clone();
        dropped.as_object_mut().unwrap().remove("reasoning_details");
        let e = check_signed(&[dropped]).unwrap_err();
        assert!(e.body.to_string().contains("thought_signature"));
        let mut split = good;
        split["reasoning_details"][0]["text"] = json!("I should");
        assert!(check_signed(&[split]).is_err());
    }
}
