//! Everything the playground knows. Owned by the loop task; changed only by `update`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tui_textarea::TextArea;

use crate::provider::{ApiError, ChatParams, Endpoint, Message, Role, Usage};

pub const MAX_PANES: usize = 8;

/// Where typed keys go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// Typing a prompt.
    Prompt,
    /// Navigating panes with single keys.
    Panes,
}

#[derive(Debug)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    ConfirmQuit,
    AddPane {
        input: Box<TextArea<'static>>,
        error: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Sent; no token yet.
    Waiting,
    Streaming,
    Done,
    Failed(ApiError),
    Cancelled,
}

impl Status {
    pub fn is_active(&self) -> bool {
        matches!(self, Status::Waiting | Status::Streaming)
    }
}

#[derive(Clone, Debug)]
pub struct Answer {
    pub request: u64,
    pub status: Status,
    pub text: String,
    pub reasoning: String,
    pub served_model: Option<String>,
    pub served_provider: Option<String>,
    pub generation_id: Option<String>,
    pub started: Instant,
    pub first_token: Option<Instant>,
    pub finished: Option<Instant>,
    /// Completion tokens estimated from the text while no usage is reported.
    pub estimated_tokens: u64,
    pub usage: Option<Usage>,
    pub finish_reason: Option<String>,
}

impl Answer {
    pub fn new(request: u64, started: Instant) -> Self {
        Self {
            request,
            status: Status::Waiting,
            text: String::new(),
            reasoning: String::new(),
            served_model: None,
            served_provider: None,
            generation_id: None,
            started,
            first_token: None,
            finished: None,
            estimated_tokens: 0,
            usage: None,
            finish_reason: None,
        }
    }

    /// Completion tokens, and whether the figure is the server's own.
    pub fn tokens(&self) -> (u64, bool) {
        match self.usage.as_ref().and_then(|u| u.completion_tokens) {
            Some(n) => (n, true),
            None => (self.estimated_tokens, false),
        }
    }

    pub fn ttft(&self) -> Option<Duration> {
        self.first_token
            .map(|t| t.saturating_duration_since(self.started))
    }

    pub fn elapsed(&self, now: Instant) -> Duration {
        self.finished
            .unwrap_or(now)
            .saturating_duration_since(self.started)
    }

    /// Tokens per second since the first token.
    pub fn rate(&self, now: Instant) -> Option<f64> {
        let first = self.first_token?;
        let secs = self
            .finished
            .unwrap_or(now)
            .saturating_duration_since(first);
        let (tokens, _) = self.tokens();
        (secs.as_millis() >= 50 && tokens > 0).then(|| tokens as f64 / secs.as_secs_f64())
    }

    pub fn cost(&self) -> Option<f64> {
        self.usage.as_ref().and_then(|u| u.cost)
    }
}

#[derive(Clone, Debug)]
pub struct Turn {
    pub prompt: String,
    pub answer: Answer,
}

#[derive(Clone, Debug)]
pub struct Pane {
    pub model: String,
    /// Name of the provider (a key of [`Providers::endpoints`]).
    pub provider: String,
    pub system: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub fallbacks: Vec<String>,
    pub turns: Vec<Turn>,
    /// `None` follows the tail; `Some(top)` pins the first visible line.
    pub scroll: Option<usize>,
}

impl Pane {
    pub fn new(model: impl Into<String>, provider: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            provider: provider.into(),
            system: None,
            temperature: None,
            max_tokens: None,
            fallbacks: Vec::new(),
            turns: Vec::new(),
            scroll: None,
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
        let mut messages = Vec::new();
        if let Some(s) = self.system.as_deref().filter(|s| !s.trim().is_empty()) {
            messages.push(Message::new(Role::System, s));
        }
        for turn in self.turns.iter().take(upto) {
            messages.push(Message::new(Role::User, turn.prompt.clone()));
            // A failed turn has no answer to send back; the models cope with two user turns.
            if !turn.answer.text.is_empty() {
                messages.push(Message::new(Role::Assistant, turn.answer.text.clone()));
            }
        }
        messages.push(Message::new(Role::User, prompt));
        ChatParams {
            model: self.model.clone(),
            messages,
            temperature: self.temperature,
            max_tokens: self.max_tokens,
            fallbacks: self.fallbacks.clone(),
        }
    }
}

/// The servers the playground can talk to, keys resolved.
#[derive(Clone, Debug, Default)]
pub struct Providers {
    pub endpoints: BTreeMap<String, Endpoint>,
    pub default: String,
}

impl Providers {
    /// Picks the provider for a model typed by the user: `name:model` when `name` is a
    /// configured provider, the simulator for `sim/…` ids, else the default.
    pub fn route(&self, spec: &str) -> (String, String) {
        let spec = spec.trim();
        if let Some((name, model)) = spec.split_once(':') {
            if self.endpoints.contains_key(name) && !model.is_empty() {
                return (name.to_string(), model.to_string());
            }
        }
        if spec.starts_with("sim/") && self.endpoints.contains_key(crate::config::SIM) {
            return (crate::config::SIM.to_string(), spec.to_string());
        }
        (self.default.clone(), spec.to_string())
    }

    pub fn is_simulated(&self, name: &str) -> bool {
        self.endpoints.get(name).is_some_and(|e| e.simulated)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// Prompts sent before, walked with Up/Down at the editor's edges.
#[derive(Clone, Debug, Default)]
pub struct PromptHistory {
    pub entries: Vec<String>,
    /// Index into `entries` while walking; `None` when editing a fresh prompt.
    pub cursor: Option<usize>,
    /// The unsent text kept while walking history.
    pub draft: String,
}

impl PromptHistory {
    pub fn push(&mut self, prompt: &str) {
        if self.entries.last().map(String::as_str) != Some(prompt) {
            self.entries.push(prompt.to_string());
        }
        self.cursor = None;
    }
}

pub struct App {
    pub panes: Vec<Pane>,
    pub focus: usize,
    pub zone: Zone,
    pub zoomed: bool,
    pub overlay: Option<Overlay>,
    pub prompt: TextArea<'static>,
    pub history: PromptHistory,
    pub providers: Providers,
    pub notice: Option<Notice>,
    /// Terminal size, columns × rows.
    pub size: (u16, u16),
    /// The clock as of the current action; set by the loop so `update` stays pure.
    pub now: Instant,
    /// Shown in the header: when this session began.
    pub session_label: String,
    pub next_request: u64,
    pub quit: bool,
}

impl App {
    pub fn new(panes: Vec<Pane>, providers: Providers, now: Instant) -> Self {
        Self {
            panes,
            focus: 0,
            zone: Zone::Prompt,
            zoomed: false,
            overlay: None,
            prompt: crate::ui::prompt::new_editor(),
            history: PromptHistory::default(),
            providers,
            notice: None,
            size: (120, 40),
            now,
            session_label: String::new(),
            next_request: 1,
            quit: false,
        }
    }

    pub fn any_active(&self) -> bool {
        self.panes.iter().any(Pane::is_active)
    }

    /// Whether anything on screen moves by itself (spinners, elapsed time).
    pub fn animating(&self) -> bool {
        self.any_active()
    }

    pub fn prompt_text(&self) -> String {
        self.prompt.lines().join("\n")
    }

    pub fn simulated_only(&self) -> bool {
        !self.panes.is_empty()
            && self
                .panes
                .iter()
                .all(|p| self.providers.is_simulated(&p.provider))
    }

    /// Sum of reported costs this session.
    pub fn session_cost(&self) -> f64 {
        self.panes
            .iter()
            .flat_map(|p| &p.turns)
            .filter_map(|t| t.answer.cost())
            .sum()
    }
}
