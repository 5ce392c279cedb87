//! A pane: one model's side of the conversation, and the request its next turn sends.

use crate::provider::settings::Settings;
use crate::provider::{ChatParams, Message, Role};

use super::answer::{Answer, Status};

/// At most this many panes side by side.
pub const MAX_PANES: usize = 16;

#[derive(Clone, Debug)]
pub struct Turn {
    /// The round this turn belongs to, as numbered in the history database.
    pub round: u64,
    pub prompt: String,
    /// Results for the previous answer's tool calls (call id, content). A turn with results
    /// sends them as `tool` messages instead of a user prompt.
    pub tool_results: Vec<(String, String)>,
    /// Images sent with the prompt, as data URLs.
    pub images: Vec<String>,
    pub answer: Answer,
}

/// What a new turn starts from.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A prompt and the images sent with it.
    Prompt(String, Vec<String>),
    ToolResults(Vec<(String, String)>),
}

fn input_messages(input: &Input) -> Vec<Message> {
    match input {
        Input::Prompt(p, images) => vec![Message {
            images: images.clone(),
            ..Message::new(Role::User, p.clone())
        }],
        Input::ToolResults(results) => results
            .iter()
            .map(|(id, content)| Message {
                tool_call_id: Some(id.clone()),
                ..Message::new(Role::Tool, content.clone())
            })
            .collect(),
    }
}

/// A pane's name for as long as it is open, whatever its place among the panes: replies that
/// come back later (a config save) find their pane by it, even after others were closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaneId(pub u64);

impl PaneId {
    fn fresh() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

#[derive(Clone, Debug)]
pub struct Pane {
    pub id: PaneId,
    pub model: String,
    /// Name of the provider (a key of [`Providers::endpoints`]).
    pub provider: String,
    pub settings: Settings,
    /// Which `[[panes]]` entry of the config file this pane was loaded from or saved to.
    pub origin: Option<usize>,
    pub turns: Vec<Turn>,
    /// The user's choice to show or hide thinking; `None` follows the default.
    pub show_thinking: Option<bool>,
    /// Opened from the built-in defaults rather than asked for: checked against the catalog.
    pub stock: bool,
    /// Sent as `session_id` with every request of this conversation, so OpenRouter keeps it on
    /// one provider; a cleared conversation gets a new one.
    pub session_id: String,
}

/// A fresh conversation id: `sb-` and 16 hex digits.
pub fn new_session_id() -> String {
    use rand::Rng;
    format!("sb-{:016x}", rand::thread_rng().gen::<u64>())
}

impl Pane {
    pub fn new(model: impl Into<String>, provider: impl Into<String>) -> Self {
        Self {
            id: PaneId::fresh(),
            model: model.into(),
            provider: provider.into(),
            settings: Settings::default(),
            origin: None,
            turns: Vec::new(),
            show_thinking: None,
            session_id: new_session_id(),
            stock: false,
        }
    }

    pub fn current(&self) -> Option<&Answer> {
        self.turns.last().map(|t| &t.answer)
    }

    pub fn is_active(&self) -> bool {
        self.current().is_some_and(|a| a.status.is_active())
    }

    /// The request for the conversation so far plus `prompt`, from the turns before `upto`.
    pub fn params(&self, upto: usize, prompt: &str) -> ChatParams {
        self.params_for(upto, &Input::Prompt(prompt.to_string(), Vec::new()))
    }

    /// The request for the turns before `upto` followed by `input`.
    pub fn params_for(&self, upto: usize, input: &Input) -> ChatParams {
        let mut messages = Vec::new();
        if let Some(s) = self
            .settings
            .system
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            let mut system = Message::new(Role::System, s);
            if self.settings.cache_system {
                system.cache_control = self.settings.cache_control();
            }
            messages.push(system);
        }
        let turns = &self.turns[..upto.min(self.turns.len())];
        for (k, turn) in turns.iter().enumerate() {
            let asked = if turn.tool_results.is_empty() {
                Input::Prompt(turn.prompt.clone(), turn.images.clone())
            } else {
                Input::ToolResults(turn.tool_results.clone())
            };
            messages.extend(input_messages(&asked));
            let answer = &turn.answer;
            // Only a finished answer's calls and reasoning go back: a cut-off call has no whole
            // arguments, and a cut-off reasoning item no signature.
            let done = answer.status == Status::Done;
            let calls: &[crate::tools::ToolCall] = if done { &answer.tool_calls } else { &[] };
            // A failed turn has no answer to send back; the models cope with two user turns.
            if answer.text.is_empty() && calls.is_empty() {
                continue;
            }
            messages.push(Message {
                tool_calls: (!calls.is_empty())
                    .then(|| calls.iter().map(crate::tools::ToolCall::wire).collect()),
                reasoning_details: (done && !answer.reasoning_details.is_empty())
                    .then(|| answer.reasoning_details.clone()),
                ..Message::new(Role::Assistant, answer.text.clone())
            });
            // Every call must be answered before anything else is said; a call the next turn
            // leaves unanswered (a new prompt was sent instead) says so.
            let next = match turns.get(k + 1) {
                Some(t) => t.tool_results.as_slice(),
                None => match input {
                    Input::ToolResults(r) => r.as_slice(),
                    Input::Prompt(..) => &[],
                },
            };
            for call in calls {
                if !next.iter().any(|(id, _)| *id == call.id) {
                    messages.push(Message {
                        tool_call_id: Some(call.id.clone()),
                        ..Message::new(Role::Tool, crate::tools::NOT_ANSWERED)
                    });
                }
            }
        }
        messages.extend(input_messages(input));
        ChatParams {
            model: self.model.clone(),
            messages,
            settings: self.settings.clone(),
            tools: Vec::new(),
            session_id: Some(self.session_id.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caching_the_system_prompt_marks_its_text_part_only() {
        use crate::provider::request::chat_body;
        use crate::provider::ProviderKind;
        use serde_json::json;
        let mut pane = Pane::new("anthropic/claude-3.5-sonnet", "openrouter");
        pane.settings.system = Some("You are terse.".into());
        pane.settings.cache = Some("5m".into());
        pane.settings.cache_system = true;
        let params = pane.params_for(0, &Input::Prompt("hi".into(), Vec::new()));
        let body = chat_body(ProviderKind::Openrouter, &params);
        assert!(
            body.get("cache_control").is_none(),
            "not the whole conversation"
        );
        assert_eq!(
            body["messages"][0]["content"],
            json!([{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}])
        );
        assert_eq!(body["messages"][1]["content"], "hi");
        let local = chat_body(ProviderKind::Openai, &params);
        assert_eq!(local["messages"][0]["content"], "You are terse.");

        pane.settings.cache_system = false;
        let params = pane.params_for(0, &Input::Prompt("hi".into(), Vec::new()));
        let body = chat_body(ProviderKind::Openrouter, &params);
        assert_eq!(body["cache_control"], json!({"type": "ephemeral"}));
        assert_eq!(body["messages"][0]["content"], "You are terse.");
    }
}
