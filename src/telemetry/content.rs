//! Prompts and answers in the GenAI conventions' message shape (`gen_ai.input.messages`,
//! `gen_ai.output.messages`, `gen_ai.system_instructions`), for spans that may carry them.

use serde_json::{json, Value};

use crate::provider::{Message, Role};

/// The system instructions and the other messages of a request, as JSON text.
pub fn input(messages: &[Message]) -> (Option<String>, String) {
    let system: Vec<Value> = messages
        .iter()
        .filter(|m| m.role == Role::System)
        .map(|m| json!({"type": "text", "content": m.content}))
        .collect();
    let rest: Vec<Value> = messages
        .iter()
        .filter(|m| m.role != Role::System)
        .map(message)
        .collect();
    (
        (!system.is_empty()).then(|| Value::Array(system).to_string()),
        Value::Array(rest).to_string(),
    )
}

fn message(m: &Message) -> Value {
    let role = match m.role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    };
    let mut parts = Vec::new();
    if m.role == Role::Tool {
        parts.push(json!({
            "type": "tool_call_response",
            "id": m.tool_call_id,
            "response": m.content,
        }));
    } else if !m.content.is_empty() {
        parts.push(json!({"type": "text", "content": m.content}));
    }
    // Images stay out: a data URL would make the span megabytes long.
    for _ in &m.images {
        parts.push(json!({"type": "image", "content": "(an image, not exported)"}));
    }
    for call in m.tool_calls.iter().flatten() {
        let f = &call["function"];
        parts.push(json!({
            "type": "tool_call",
            "id": call["id"],
            "name": f["name"],
            "arguments": f["arguments"],
        }));
    }
    json!({"role": role, "parts": parts})
}

/// An answer as it streams in, kept only when spans carry content.
#[derive(Debug, Default)]
pub struct Output {
    pub text: String,
    pub reasoning: String,
    /// Id, name and arguments of each call, by index.
    pub calls: Vec<(Option<String>, Option<String>, String)>,
}

impl Output {
    pub fn call(&mut self, index: usize, id: Option<&str>, name: Option<&str>, arguments: &str) {
        if self.calls.len() <= index {
            self.calls.resize(index + 1, (None, None, String::new()));
        }
        let c = &mut self.calls[index];
        if c.0.is_none() {
            c.0 = id.map(str::to_owned);
        }
        if c.1.is_none() {
            c.1 = name.map(str::to_owned);
        }
        c.2.push_str(arguments);
    }

    /// The output messages, as JSON text.
    pub fn messages(&self, finish: Option<&str>) -> String {
        let mut parts = Vec::new();
        if !self.reasoning.is_empty() {
            parts.push(json!({"type": "reasoning", "content": self.reasoning}));
        }
        if !self.text.is_empty() {
            parts.push(json!({"type": "text", "content": self.text}));
        }
        for (id, name, arguments) in &self.calls {
            parts.push(json!({
                "type": "tool_call",
                "id": id,
                "name": name,
                "arguments": serde_json::from_str::<Value>(arguments)
                    .unwrap_or_else(|_| Value::String(arguments.clone())),
            }));
        }
        let mut m = json!({"role": "assistant", "parts": parts});
        if let Some(f) = finish {
            m["finish_reason"] = json!(f);
        }
        Value::Array(vec![m]).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_take_the_conventions_shape() {
        let mut call = Message::new(Role::Assistant, String::new());
        call.tool_calls = Some(vec![json!({
            "id": "c1", "type": "function",
            "function": {"name": "weather", "arguments": "{\"city\":\"Oslo\"}"}
        })]);
        let mut result = Message::new(Role::Tool, "12°C");
        result.tool_call_id = Some("c1".into());
        let (system, rest) = input(&[
            Message::new(Role::System, "Be brief."),
            Message::new(Role::User, "Weather?"),
            call,
            result,
        ]);
        assert_eq!(
            system.as_deref(),
            Some(r#"[{"type":"text","content":"Be brief."}]"#)
        );
        let rest: Value = serde_json::from_str(&rest).expect("JSON");
        assert_eq!(rest[0]["role"], "user");
        assert_eq!(rest[0]["parts"][0]["content"], "Weather?");
        assert_eq!(rest[1]["parts"][0]["type"], "tool_call");
        assert_eq!(rest[1]["parts"][0]["name"], "weather");
        assert_eq!(rest[2]["parts"][0]["type"], "tool_call_response");
        assert_eq!(rest[2]["parts"][0]["id"], "c1");

        let mut out = Output::default();
        out.text.push_str("Sunny.");
        out.call(0, Some("c2"), Some("weather"), "{\"city\":");
        out.call(0, None, None, "\"Rome\"}");
        let v: Value = serde_json::from_str(&out.messages(Some("tool_calls"))).expect("JSON");
        assert_eq!(v[0]["finish_reason"], "tool_calls");
        assert_eq!(v[0]["parts"][0]["content"], "Sunny.");
        assert_eq!(v[0]["parts"][1]["arguments"]["city"], "Rome");
    }
}
