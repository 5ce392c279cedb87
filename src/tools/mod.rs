//! Tool calling: tool definitions, calls assembled from streamed fragments, and checking their
//! arguments against each tool's JSON Schema.

use serde_json::{json, Value};

/// The result sent for a call left waiting when a new prompt goes out instead: every call must
/// be answered before the conversation goes on, or strict servers refuse the whole request.
pub const NOT_ANSWERED: &str =
    "not answered: the user sent a new message instead of a result for this call";

/// A tool the models may call, as the config defines it.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolDef {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments.
    pub parameters: Value,
    /// A canned result, for answering calls without typing.
    pub result: Option<String>,
    /// Canned results for calls with a given argument value (`Oslo` → "rain, 8°C").
    pub results: std::collections::BTreeMap<String, String>,
}

impl ToolDef {
    /// The canned result for a call: the one keyed by one of its argument values, else the
    /// tool's general one.
    pub fn canned(&self, arguments: &str) -> Option<String> {
        if let Ok(Value::Object(args)) = serde_json::from_str::<Value>(arguments) {
            for v in args.values() {
                let v = match v {
                    Value::String(s) => s.trim().to_string(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => continue,
                };
                if let Some((_, r)) = self
                    .results
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&v))
                {
                    return Some(r.clone());
                }
            }
        }
        self.result.clone()
    }

    /// The entry in a request's `tools`.
    pub fn wire(&self) -> Value {
        json!({"type": "function", "function": {
            "name": self.name, "description": self.description, "parameters": self.parameters}})
    }
}

/// One call a model made, assembled from its fragments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// The arguments as streamed: JSON text, valid or not.
    pub arguments: String,
    /// Why the arguments are not acceptable, once the answer has ended.
    pub invalid: Option<String>,
}

impl ToolCall {
    /// The call as an assistant message carries it back to the model.
    pub fn wire(&self) -> Value {
        json!({"id": self.id, "type": "function",
               "function": {"name": self.name, "arguments": self.arguments}})
    }
}

/// Adds a fragment to the calls: the first fragment of an index opens the call.
pub fn assemble(
    calls: &mut Vec<ToolCall>,
    index: usize,
    id: Option<String>,
    name: Option<String>,
    arguments: &str,
) {
    while calls.len() <= index {
        calls.push(ToolCall::default());
    }
    let c = &mut calls[index];
    if let Some(id) = id {
        c.id = id;
    }
    // Servers differ: most send the name once, some repeat it whole in every fragment, a few
    // stream it in pieces. A repeat (or a longer name that starts with what is known) replaces;
    // anything else is the next piece.
    if let Some(name) = name {
        if name.starts_with(c.name.as_str()) {
            c.name = name;
        } else {
            c.name.push_str(&name);
        }
    }
    c.arguments.push_str(arguments);
}

/// Parses the arguments and checks them against the tool's schema; says what is wrong.
pub fn check(call: &ToolCall, tools: &[ToolDef]) -> Result<Value, String> {
    let args = if call.arguments.trim().is_empty() {
        "{}"
    } else {
        call.arguments.as_str()
    };
    let value: Value =
        serde_json::from_str(args).map_err(|e| format!("arguments are not JSON: {e}"))?;
    let Some(tool) = tools.iter().find(|t| t.name == call.name) else {
        return Err(format!("`{}` is not a tool this pane offers", call.name));
    };
    let validator = jsonschema::validator_for(&tool.parameters)
        .map_err(|e| format!("the tool's own schema is not valid: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .take(3)
        .map(|e| e.to_string())
        .collect();
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(format!(
            "arguments do not match the schema: {}",
            errors.join("; ")
        ))
    }
}

/// Checks a structured answer against a schema (or only that it is JSON).
pub fn check_json(text: &str, schema: Option<&Value>) -> Result<(), String> {
    read_json(text, schema).map(|_| ())
}

/// A structured answer read as JSON and checked against a schema (or only read).
pub fn read_json(text: &str, schema: Option<&Value>) -> Result<Value, String> {
    let trimmed = text.trim();
    // Models often wrap JSON in a fence; the content is what counts.
    let body = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|s| s.strip_suffix("```"))
        .unwrap_or(trimmed);
    let value: Value = serde_json::from_str(body.trim()).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(schema) = schema {
        let validator = jsonschema::validator_for(schema)
            .map_err(|e| format!("the schema is not valid: {e}"))?;
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .take(3)
            .map(|e| e.to_string())
            .collect();
        if !errors.is_empty() {
            return Err(errors.join("; "));
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weather() -> ToolDef {
        ToolDef {
            name: "get_weather".into(),
            description: "Weather for a city".into(),
            parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
            result: Some("sunny, 21°C".into()),
            results: [("Oslo".to_string(), "rain, 8°C".to_string())].into(),
        }
    }

    #[test]
    fn canned_results_are_keyed_by_argument_values() {
        let t = weather();
        assert_eq!(
            t.canned(r#"{"city": "oslo"}"#).as_deref(),
            Some("rain, 8°C")
        );
        assert_eq!(
            t.canned(r#"{"city": "Rome"}"#).as_deref(),
            Some("sunny, 21°C")
        );
        assert_eq!(t.canned("not json").as_deref(), Some("sunny, 21°C"));
        let bare = ToolDef {
            result: None,
            ..weather()
        };
        assert_eq!(bare.canned(r#"{"city": "Rome"}"#), None);
    }

    #[test]
    fn fragments_assemble_by_index() {
        let mut calls = Vec::new();
        assemble(
            &mut calls,
            0,
            Some("c1".into()),
            Some("get_weather".into()),
            "",
        );
        assemble(
            &mut calls,
            1,
            Some("c2".into()),
            Some("get_weather".into()),
            "{\"ci",
        );
        assemble(&mut calls, 0, None, None, "{\"city\":");
        assemble(&mut calls, 0, None, None, "\"Oslo\"}");
        assemble(&mut calls, 1, None, None, "ty\":\"Rome\"}");
        assert_eq!(calls[0].arguments, "{\"city\":\"Oslo\"}");
        assert_eq!(calls[1].id, "c2");
        assert_eq!(check(&calls[1], &[weather()]).unwrap()["city"], "Rome");
    }

    #[test]
    fn names_sent_once_repeated_or_in_pieces_all_assemble() {
        for pieces in [
            vec![Some("read_file"), None, None],
            vec![Some("read_file"), Some("read_file"), Some("read_file")],
            vec![Some("read_"), Some("file"), None],
        ] {
            let mut calls = Vec::new();
            for p in pieces {
                assemble(&mut calls, 0, Some("c".into()), p.map(String::from), "{}");
            }
            assert_eq!(calls[0].name, "read_file");
        }
    }

    #[test]
    fn bad_arguments_say_why() {
        let t = [weather()];
        let call = |args: &str| ToolCall {
            id: "c".into(),
            name: "get_weather".into(),
            arguments: args.into(),
            invalid: None,
        };
        assert!(check(&call("{\"city\": \"Oslo\""), &t)
            .unwrap_err()
            .contains("not JSON"));
        assert!(check(&call("{\"town\": \"Oslo\"}"), &t)
            .unwrap_err()
            .contains("\"city\" is a required property"));
        assert!(check(&call("{\"city\": 3}"), &t)
            .unwrap_err()
            .contains("schema"));
        let mut other = call("{}");
        other.name = "launch".into();
        assert!(check(&other, &t).unwrap_err().contains("not a tool"));
    }

    #[test]
    fn structured_answers_are_checked() {
        let schema = json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}});
        assert!(check_json("{\"name\": \"x\"}", Some(&schema)).is_ok());
        assert!(check_json("```json\n{\"name\": \"x\"}\n```", Some(&schema)).is_ok());
        assert!(check_json("{\"nom\": 1}", Some(&schema)).is_err());
        assert!(check_json("not json", None).is_err());
    }
}
