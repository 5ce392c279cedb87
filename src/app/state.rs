//! Everything the playground knows. Owned by the loop task; changed only by `update`.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::NaiveDate;
use tui_textarea::TextArea;

use super::picker::Picker;
use super::spend::{KeyStatus, SpendState};
use crate::catalog::{Catalog, Entry, ModelInfo};
use crate::cost::ledger::Breakdown;
use crate::cost::{Budget, ModelPrice, Spent};

pub use super::answer::{Answer, CostView, Status};
use crate::provider::settings::Settings;
use crate::provider::{ChatParams, Endpoint, Message, Role};

pub const MAX_PANES: usize = 16;

/// The session browser: a search field over the recorded sessions.
#[derive(Debug)]
pub struct Browser {
    pub input: TextArea<'static>,
    /// `None` while the database is being read.
    pub sessions: Option<Result<Vec<crate::session::export::SessionSummary>, String>>,
    pub selected: usize,
}

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
        /// How far the help can scroll, as it was last drawn; `u16::MAX` until then.
        max: std::cell::Cell<u16>,
    },
    ConfirmQuit,
    Picker(Box<Picker>),
    /// The config panel for a pane.
    Panel(Box<super::panel::Panel>),
    /// The hop trail of a pane's last answer.
    Trail(PaneId),
    /// Past sessions, searchable.
    Sessions(Box<Browser>),
    /// Saved prompts: the query filters, Enter inserts, Ctrl+S saves the prompt under the query.
    Library {
        input: Box<TextArea<'static>>,
        selected: usize,
    },
    /// Word-level diff of two panes' last answers.
    Diff {
        left: PaneId,
        right: PaneId,
        /// Made when it opens and whenever either answer changes.
        words: Box<crate::render::diff::WordDiff>,
    },
    /// Wins, losses, ratings and figures per model: this session's, or all history's.
    Scoreboard {
        all: bool,
        rows: Option<Result<Vec<crate::judge::Row>, String>>,
    },
    /// Spend per model and per day; `None` while the ledger is being read.
    Spend(Option<Result<Breakdown, String>>),
    /// The values of `{{name}}` in prompts: a `name=value` line, and the ones set.
    Vars {
        input: Box<TextArea<'static>>,
        selected: usize,
        error: Option<String>,
    },
}

/// A verdict being typed. Panes are voted for by the number in their title; with ten panes
/// or more, `1` may begin `10`…`16`, so it waits for a second digit (or Enter, for pane 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteEntry {
    /// Nothing typed yet.
    Start,
    /// The first digit of a two-digit pane number.
    Tens(usize),
}

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
    /// Rendered lines, kept between frames; rebuilt from `turns` whenever it falls behind.
    pub cache: std::cell::RefCell<crate::render::transcript::TranscriptCache>,
    /// `None` follows the tail; `Some(top)` pins the first visible line.
    pub scroll: Option<usize>,
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
            cache: std::cell::RefCell::default(),
            scroll: None,
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

/// Something taken away that one key brings back.
#[derive(Debug)]
pub enum Undo {
    /// A closed pane, and where it was.
    Closed(usize, Box<Pane>),
    /// Every pane's conversation, as it was before it was cleared.
    Cleared(Vec<(PaneId, Vec<Turn>, String)>),
}

/// What a read-only look at a stored session puts aside, to come back to.
#[derive(Debug)]
pub struct Live {
    pub panes: Vec<Pane>,
    pub rounds: u64,
    pub focus: usize,
    pub order: Vec<usize>,
    pub session_label: String,
    pub resumed: Option<i64>,
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
    /// Rounds sent this session, for the history database.
    pub rounds: u64,
    /// The stored session this one carries on, when resumed.
    pub resumed: Option<i64>,
    /// Looking at a stored session without carrying it on: nothing can be sent.
    pub read_only: bool,
    /// The live session, set aside while a stored one is looked at read-only.
    pub live: Option<Box<Live>>,
    /// The stored session the live one is written to, as the history last said.
    pub recording: Option<i64>,
    /// A search in the focused pane (`/`).
    pub search: Option<super::find::Search>,
    /// What `u` brings back: the pane closed last, or the conversations cleared last.
    pub undo: Option<Undo>,
    /// Replaying this stored session: nothing can be sent, and what its answers cost was spent
    /// when they were recorded, not now.
    pub replaying: Option<i64>,
    pub quit: bool,
    /// The signal that ended the session, if one did: the exit status says so.
    pub signalled: Option<i32>,
    /// Today's local date, set by the loop like `now`.
    pub today: NaiveDate,
    /// Wall-clock unix seconds, set by the loop like `now`.
    pub unix: i64,
    pub budget: Budget,
    pub spend: SpendState,
    /// The key whose credit the header shows: provider name and what `/key` said.
    pub key: Option<(String, KeyStatus)>,
    pub catalogs: BTreeMap<String, Catalog>,
    /// Every catalog's models, merged, for the picker.
    pub entries: Vec<Entry>,
    /// Prices from the config, by provider and model; they win over the catalog's.
    pub prices: BTreeMap<(String, String), ModelPrice>,
    /// Named pane sets from the config file.
    pub workspaces: BTreeMap<String, Vec<crate::config::PaneConfig>>,
    /// The workspace on screen; `None` is the config file's own panes.
    pub workspace: Option<String>,
    /// The pane set that is not a named workspace (the config file's, or the command line's).
    pub default_panes: Vec<crate::config::PaneConfig>,
    pub theme: crate::theme::Theme,
    /// Every known theme, for cycling.
    pub themes: Vec<crate::theme::Theme>,
    /// Keep thinking open after the answer starts.
    pub expand_thinking: bool,
    /// Panes only, for demos.
    pub presentation: bool,
    /// `y` was pressed: the next digit picks a code block to copy.
    pub copy_pending: bool,
    /// The vote key was pressed: the next keys are the verdict.
    pub vote_pending: Option<VoteEntry>,
    /// The rerun key was pressed: the next digit is how many times.
    pub rerun_pending: bool,
    /// This session's judged rounds.
    pub votes: Vec<(u64, crate::judge::Vote)>,
    /// Blind judging: names and figures hidden, panes shuffled, until the round is judged.
    pub blind: bool,
    /// Which pane shows in each slot (a shuffle while blind; otherwise in order).
    pub order: Vec<usize>,
    /// Tools the config defines; panes offer them by name.
    pub tools: Vec<crate::tools::ToolDef>,
    /// Answer tool calls with their canned results by themselves, up to this many steps.
    pub auto_tools: Option<u32>,
    /// Images waiting to go with the next prompt.
    pub attachments: Vec<crate::attach::Attachment>,
    /// Values for `{{name}}` in prompts.
    pub vars: BTreeMap<String, String>,
    /// Saved prompts, from the config folder's `prompts/`.
    pub library: Vec<crate::library::Saved>,
    /// The providers serving each model, as `/endpoints` describes them; and the models asked
    /// about, so each is asked once.
    pub endpoints: BTreeMap<String, Vec<crate::catalog::ProviderEndpoint>>,
    pub endpoints_asked: std::collections::BTreeSet<String>,
    /// Panes of workspaces switched away from, with their conversations.
    pub stashed: BTreeMap<String, Vec<Pane>>,
    /// What the last frame showed, for scrolling and clicks.
    pub drawn: super::drawn::Drawn,
}

/// An empty prompt editor: state the app keeps, which the prompt widget draws.
pub fn new_editor() -> tui_textarea::TextArea<'static> {
    let mut t = tui_textarea::TextArea::default();
    t.set_placeholder_text("Ask every model something…  (F1 or ? for help)");
    t.set_cursor_line_style(ratatui::style::Style::default());
    t
}

impl App {
    pub fn new(panes: Vec<Pane>, providers: Providers, now: Instant) -> Self {
        Self {
            panes,
            focus: 0,
            zone: Zone::Prompt,
            zoomed: false,
            overlay: None,
            prompt: new_editor(),
            drawn: super::drawn::Drawn::default(),
            history: PromptHistory::default(),
            providers,
            notice: None,
            size: (120, 40),
            now,
            session_label: String::new(),
            next_request: 1,
            rounds: 0,
            resumed: None,
            read_only: false,
            live: None,
            recording: None,
            search: None,
            undo: None,
            replaying: None,
            quit: false,
            signalled: None,
            today: chrono::Local::now().date_naive(),
            unix: 0,
            budget: Budget::default(),
            spend: SpendState::new(chrono::Local::now().date_naive(), 0.0, 0.0),
            key: None,
            catalogs: BTreeMap::new(),
            entries: Vec::new(),
            prices: BTreeMap::new(),
            workspaces: BTreeMap::new(),
            workspace: None,
            default_panes: Vec::new(),
            theme: crate::theme::Theme::default(),
            themes: Vec::new(),
            expand_thinking: false,
            presentation: false,
            copy_pending: false,
            vote_pending: None,
            rerun_pending: false,
            votes: Vec::new(),
            blind: false,
            order: Vec::new(),
            endpoints: BTreeMap::new(),
            endpoints_asked: std::collections::BTreeSet::new(),
            vars: BTreeMap::new(),
            attachments: Vec::new(),
            tools: Vec::new(),
            auto_tools: None,
            library: Vec::new(),
            stashed: BTreeMap::new(),
        }
    }

    /// Replaces each default pane whose model `provider`'s catalog no longer lists, before it
    /// has sent anything, with the newest listed model of the same author (else the newest
    /// listed model), so a first run never opens on a 404. Says what it changed and why.
    pub fn replace_unlisted_defaults(&mut self, provider: &str) -> Vec<String> {
        let Some(catalog) = self.catalog.catalogs.get(provider) else {
            return Vec::new();
        };
        let mut said = Vec::new();
        for i in 0..self.session.panes.len() {
            let pane = &self.session.panes[i];
            if !pane.stock || pane.provider != provider || !pane.turns.is_empty() {
                continue;
            }
            if crate::catalog::variant::resolve(&catalog.models, &pane.model).is_some() {
                continue;
            }
            let author = pane.model.split('/').next().unwrap_or("").to_string();
            let taken: Vec<&str> = self
                .session
                .panes
                .iter()
                .map(|p| p.model.as_str())
                .collect();
            let usable = |m: &&ModelInfo| {
                !m.id.contains(':')
                    && !crate::catalog::variant::is_alias(&m.id)
                    && !taken.contains(&m.id.as_str())
            };
            let newest = |same_author: bool| {
                catalog
                    .models
                    .iter()
                    .filter(usable)
                    .filter(|m| !same_author || m.id.starts_with(&format!("{author}/")))
                    .max_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)))
            };
            let (pick, why) = match newest(true) {
                Some(m) => (m, format!("the newest {author} model listed")),
                None => match newest(false) {
                    Some(m) => (m, "the newest model listed".to_string()),
                    None => continue,
                },
            };
            let (old, new) = (pane.model.clone(), pick.id.clone());
            said.push(format!(
                "default {old} is no longer in {provider}'s catalog: pane {} uses {new}, {why}",
                i + 1
            ));
            self.session.panes[i].model = new;
        }
        said
    }

    /// Adds or replaces a provider's catalog.
    pub fn set_catalog(&mut self, catalog: Catalog) {
        self.catalog
            .catalogs
            .insert(catalog.provider.clone(), catalog);
        self.catalog.entries = self
            .catalog
            .catalogs
            .values()
            .flat_map(|c| {
                c.models.iter().map(|m| Entry {
                    provider: c.provider.clone(),
                    info: m.clone(),
                })
            })
            .collect();
    }

    /// The catalog entry for a model, variants and aliases resolved to the entry behind them.
    pub fn model_info(
        &self,
        provider: &str,
        model: &str,
    ) -> Option<std::borrow::Cow<'_, ModelInfo>> {
        crate::catalog::variant::resolve(&self.catalog.catalogs.get(provider)?.models, model)
    }

    /// The config's price, else the catalog's.
    pub fn price_of(&self, provider: &str, model: &str) -> Option<ModelPrice> {
        self.config
            .prices
            .get(&(provider.to_string(), model.to_string()))
            .copied()
            .or_else(|| self.model_info(provider, model).and_then(|m| m.price))
    }

    /// Settled spend plus what the running answers have cost so far.
    pub fn live_spent(&self) -> Spent {
        let live: f64 = self
            .session
            .panes
            .iter()
            .filter(|_| self.session.replaying.is_none())
            .filter_map(Pane::current)
            .filter(|a| a.status.is_active())
            .map(|a| a.cost().usd())
            .sum();
        Spent {
            session: self.session.spend.session + live,
            day: self.session.spend.day + live,
            month: self.session.spend.month + live,
        }
    }

    /// The provider whose key the header reports on: an OpenRouter-style one in use, a real
    /// one before the simulator.
    pub fn key_provider(&self) -> Option<String> {
        let mut candidates: Vec<&Endpoint> = self
            .session
            .panes
            .iter()
            .filter_map(|p| self.config.providers.endpoints.get(&p.provider))
            .filter(|e| {
                e.kind == crate::provider::ProviderKind::Openrouter
                    && (e.api_key.is_some() || e.simulated)
            })
            .collect();
        candidates.sort_by_key(|e| e.simulated);
        candidates.first().map(|e| e.provider.clone())
    }

    /// The pane shown in display slot `slot`.
    pub fn pane_in_slot(&self, slot: usize) -> usize {
        // An order made before panes were added or closed no longer applies.
        match self.view.order.get(slot) {
            Some(&p) if self.view.order.len() == self.session.panes.len() => p,
            _ => slot,
        }
    }

    /// The slot pane `pane` is shown in.
    /// The word diff of two panes' last answers, as an overlay.
    pub fn diff_overlay(&self, left: PaneId, right: PaneId) -> Overlay {
        let text = |id| {
            self.pane_index(id)
                .and_then(|i| self.session.panes[i].current())
                .map(|a| a.text.as_str())
                .unwrap_or_default()
        };
        Overlay::Diff {
            left,
            right,
            words: Box::new(crate::render::diff::words(
                text(left),
                text(right),
                &self.view.theme,
            )),
        }
    }

    /// Where the pane named `id` is now, if it is still open.
    pub fn pane_index(&self, id: PaneId) -> Option<usize> {
        self.session.panes.iter().position(|p| p.id == id)
    }

    pub fn slot_of(&self, pane: usize) -> usize {
        if self.view.order.len() != self.session.panes.len() {
            return pane;
        }
        self.view
            .order
            .iter()
            .position(|p| *p == pane)
            .unwrap_or(pane)
    }

    /// Blind and the latest round not judged yet: names and figures stay hidden.
    pub fn hidden(&self) -> bool {
        self.view.blind
            && !self
                .session
                .votes
                .iter()
                .any(|(r, _)| *r == self.session.rounds)
    }

    /// This session's scoreboard, from its votes and answers.
    pub fn scoreboard(&self) -> Vec<crate::judge::Row> {
        let votes: Vec<crate::judge::Vote> =
            self.session.votes.iter().map(|(_, v)| v.clone()).collect();
        let answers: Vec<crate::judge::AnswerStat> = self
            .session
            .panes
            .iter()
            .flat_map(|p| p.turns.iter().map(move |t| (p, t)))
            .filter(|(_, t)| t.answer.status == Status::Done)
            .map(|(p, t)| crate::judge::AnswerStat {
                model: p.model.clone(),
                ttft_ms: t.answer.ttft().map(|d| d.as_secs_f64() * 1000.0),
                tokens_per_s: t.answer.rate(self.now),
                cost: match t.answer.cost() {
                    CostView::Unpriced => None,
                    c => Some(c.usd()),
                },
            })
            .collect();
        crate::judge::scoreboard(&votes, &answers)
    }

    pub fn any_active(&self) -> bool {
        self.session.panes.iter().any(Pane::is_active)
    }

    /// Whether anything on screen moves by itself (spinners, elapsed time).
    pub fn animating(&self) -> bool {
        self.any_active()
    }

    pub fn prompt_text(&self) -> String {
        self.view.prompt.lines().join("\n")
    }

    pub fn simulated_only(&self) -> bool {
        !self.session.panes.is_empty()
            && self
                .session
                .panes
                .iter()
                .all(|p| self.config.providers.is_simulated(&p.provider))
    }

    /// This session's spend, running answers included.
    pub fn session_cost(&self) -> f64 {
        self.live_spent().session
    }
}
