//! `reasoning_details`: the structured reasoning items a model streams, merged per `index` and
//! kept exactly as received so they can be sent back on the assistant message.
//!
//! A stream splits one item across many deltas that share its `index`: text pieces arrive one
//! by one and the signature comes last. Upstreams check the whole item they get back (Anthropic
//! signs the thinking text, Gemini wants the `thought_signature` of every function call), so the
//! pieces must be put back together exactly.

use serde_json::{Map, Value};

/// Fields whose pieces are concatenated; every other field takes the latest non-null value.
const PIECEWISE: [&str; 3] = ["text", "summary", "data"];

/// Adds one streamed item to `acc`: joined to the item with the same `index` and type, or
/// appended as a new item.
pub fn merge(acc: &mut Vec<Value>, item: Value) {
    let Value::Object(item) = item else {
        return;
    };
    let index = item.get("index").and_then(Value::as_u64);
    let kind = item.get("type").and_then(Value::as_str).map(str::to_owned);
    let same = |v: &Value| {
        index.is_some()
            && v.get("index").and_then(Value::as_u64) == index
            && v.get("type").and_then(Value::as_str) == kind.as_deref()
    };
    match acc.iter_mut().rev().find(|v| same(v)) {
        Some(Value::Object(existing)) => join(existing, item),
        _ => acc.push(Value::Object(item)),
    }
}

fn join(existing: &mut Map<String, Value>, piece: Map<String, Value>) {
    for (key, value) in piece {
        if value.is_null() {
            continue;
        }
        match (existing.get_mut(&key), &value) {
            (Some(Value::String(old)), Value::String(new)) if PIECEWISE.contains(&key.as_str()) => {
                old.push_str(new);
            }
            _ => {
                existing.insert(key, value);
            }
        }
    }
}

/// The readable text in a delta's items (`reasoning.text` and `reasoning.summary`), for a
/// stream that sends details without the plain `reasoning` string.
pub fn readable(items: &[Value]) -> String {
    items
        .iter()
        .filter_map(|v| match v.get("type").and_then(Value::as_str) {
            Some("reasoning.text") => v.get("text").and_then(Value::as_str),
            Some("reasoning.summary") => v.get("summary").and_then(Value::as_str),
            _ => None,
        })
        .collect()
}

/// How many items carry only encrypted reasoning, for the thinking block to mention.
pub fn encrypted(items: &[Value]) -> usize {
    items
        .iter()
        .filter(|v| v.get("type").and_then(Value::as_str) == Some("reasoning.encrypted"))
        .count()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pieces_merge_per_index_and_the_signature_lands_on_its_item() {
        let mut acc = Vec::new();
        for item in [
            json!({"type":"reasoning.text","text":"Let ","signature":null,"id":"rs_1","format":"anthropic-claude-v1","index":0}),
            json!({"type":"reasoning.text","text":"me think.","signature":null,"index":0}),
            json!({"type":"reasoning.encrypted","data":"abc","index":1,"format":"google-gemini-v1"}),
            json!({"type":"reasoning.text","text":"","signature":"sig-1","index":0}),
            json!({"type":"reasoning.encrypted","data":"def","index":1}),
        ] {
            merge(&mut acc, item);
        }
        assert_eq!(
            acc,
            vec![
                json!({"type":"reasoning.text","text":"Let me think.","signature":"sig-1","id":"rs_1","format":"anthropic-claude-v1","index":0}),
                json!({"type":"reasoning.encrypted","data":"abcdef","index":1,"format":"google-gemini-v1"}),
            ]
        );
        assert_eq!(readable(&acc), "Let me think.");
        assert_eq!(encrypted(&acc), 1);
    }

    #[test]
    fn items_without_an_index_stay_apart_and_non_objects_are_ignored() {
        let mut acc = Vec::new();
        merge(&mut acc, json!({"type":"reasoning.summary","summary":"a"}));
        merge(&mut acc, json!({"type":"reasoning.summary","summary":"b"}));
        merge(&mut acc, json!("junk"));
        assert_eq!(acc.len(), 2);
        assert_eq!(readable(&acc), "ab");
    }
}
