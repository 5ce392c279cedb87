//! Everything the playground knows. Owned by the loop task; changed only by `update`.

pub use crate::model::boards::{JudgeBoard, Rerun, RerunSpread};
use std::collections::BTreeMap;
use std::time::Instant;

use chrono::NaiveDate;
use tui_textarea::TextArea;

use super::picker::Picker;
use super::spend::{KeyStatus, SpendState};
use crate::catalog::{Catalog, Entry, ModelInfo};
use crate::cost::ledger::Breakdown;
use crate::cost::{Budget, ModelPrice, Spent};

pub use crate::model::{
    new_session_id, Answer, CostView, Input, Pane, PaneId, RequestId, Status, Turn, MAX_PANES,
};
use crate::provider::Endpoint;
pub use crate::provider::Providers;

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

impl Zone {
    /// The keymap's mode for keys typed here.
    pub fn mode(self) -> crate::keymap::Mode {
        match self {
            Zone::Prompt => crate::keymap::Mode::Prompt,
            Zone::Panes => crate::keymap::Mode::Panes,
        }
    }
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
        /// The entries the query matches, best first: made when the query or the library
        /// changes, not on every frame.
        matches: Vec<usize>,
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
        /// This session's reruns and how their figures spread.
        reruns: Vec<RerunSpread>,
        /// The judge's verdicts as a rater of their own, when there are any.
        judge: Option<JudgeBoard>,
        /// Showing the judge's board rather than the votes'.
        by_judge: bool,
    },
    /// The judge's verdicts on a round, streaming in.
    Judge {
        round: u64,
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

/// An empty prompt editor.
pub fn new_editor() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_cursor_line_style(ratatui::style::Style::default());
    t
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

/// What the session is: its panes and conversations, its rounds, what was spent, and
/// where it is recorded.
pub struct Session {
    pub panes: Vec<Pane>,
    /// Shown in the header: when this session began.
    pub session_label: String,
    pub next_request: RequestId,
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
    /// What `u` brings back: the pane closed last, or the conversations cleared last.
    pub undo: Option<Undo>,
    /// Replaying this stored session: nothing can be sent, and what its answers cost was spent
    /// when they were recorded, not now.
    pub replaying: Option<i64>,
    pub spend: SpendState,
    /// The key whose credit the header shows: provider name and what `/key` said.
    pub key: Option<(String, KeyStatus)>,
    /// The workspace on screen; `None` is the config file's own panes.
    pub workspace: Option<String>,
    /// This session's judged rounds.
    pub votes: Vec<(u64, crate::judge::Vote)>,
    /// Each rerun ×N: the panes it opened, to sum up when they are done.
    pub reruns: Vec<Rerun>,
    /// The judge's requests this session and what each said.
    pub judge_jobs: Vec<crate::model::JudgeJob>,
    /// What the judge has cost this session (also in the spend totals).
    pub judge_spent: f64,
    /// A suite being stepped through.
    pub suite: Option<crate::model::suite_run::SuiteRun>,
    /// Answer tool calls with their canned results by themselves, up to this many steps.
    pub auto_tools: Option<u32>,
    /// Images waiting to go with the next prompt.
    pub attachments: Vec<crate::attach::Attachment>,
    /// Panes of workspaces switched away from, with their conversations.
    pub stashed: BTreeMap<String, Vec<Pane>>,
}

/// What the screen shows and how: focus, layout, the prompt being typed, what is pending.
pub struct View {
    /// Each pane's scroll and rendered lines, by its id.
    pub transcripts: super::transcripts::Transcripts,
    /// What the last frame showed, for scrolling and clicks.
    pub drawn: super::drawn::Drawn,
    pub focus: usize,
    pub zone: Zone,
    pub zoomed: bool,
    pub prompt: TextArea<'static>,
    pub history: PromptHistory,
    pub notice: Option<Notice>,
    /// Terminal size, columns × rows.
    pub size: (u16, u16),
    /// A search in the focused pane (`/`).
    pub search: Option<super::search::Search>,
    pub theme: crate::theme::Theme,
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
    /// Blind judging: names and figures hidden, panes shuffled, until the round is judged.
    pub blind: bool,
    /// Which pane shows in each slot (a shuffle while blind; otherwise in order).
    pub order: Vec<usize>,
}

/// What the configuration says: providers, budgets, prices, workspaces, tools, themes.
pub struct AppConfig {
    /// Addresses on screen are terminal hyperlinks (OSC 8).
    pub hyperlinks: bool,
    /// Every mode's keys: the defaults with the config's `[keys]` over them.
    pub keys: crate::keymap::Keymap,
    pub providers: Providers,
    pub budget: Budget,
    /// Prices from the config, by provider and model; they win over the catalog's.
    pub prices: BTreeMap<(String, String), ModelPrice>,
    /// Named pane sets from the config file.
    pub workspaces: BTreeMap<String, Vec<crate::config::PaneConfig>>,
    /// The judge the judge key asks, and the workspaces' own.
    pub judge: Option<crate::judge::verdict::Judge>,
    pub workspace_judges: BTreeMap<String, crate::judge::verdict::Judge>,
    /// The pane set that is not a named workspace (the config file's, or the command line's).
    pub default_panes: Vec<crate::config::PaneConfig>,
    /// Every known theme, for cycling.
    pub themes: Vec<crate::theme::Theme>,
    /// Tools the config defines; panes offer them by name.
    pub tools: Vec<crate::tools::ToolDef>,
    /// Values for `{{name}}` in prompts.
    pub vars: BTreeMap<String, String>,
    /// Saved prompts, from the config folder's `prompts/`.
    pub library: Vec<crate::library::Saved>,
}

/// What the providers said about their models: catalogs, the picker's entries, endpoints.
pub struct Known {
    pub catalogs: BTreeMap<String, Catalog>,
    /// Every catalog's models, merged, for the picker.
    pub entries: Vec<Entry>,
    /// The providers serving each model, as `/endpoints` describes them; and the models asked
    /// about, so each is asked once.
    pub endpoints: BTreeMap<String, Vec<crate::catalog::ProviderEndpoint>>,
    pub endpoints_asked: std::collections::BTreeSet<String>,
}

/// The application's state: the session, the view of it, the open overlay, the configuration
/// and what the providers said, plus the clock the loop sets before each action.
pub struct App {
    pub session: Session,
    pub view: View,
    pub overlay: Option<Overlay>,
    pub config: AppConfig,
    pub catalog: Known,
    /// The clock as of the current action; set by the loop so `update` stays pure.
    pub now: Instant,
    pub quit: bool,
    /// The signal that ended the session, if one did: the exit status says so.
    pub signalled: Option<i32>,
    /// Today's local date, set by the loop like `now`.
    pub today: NaiveDate,
    /// Wall-clock unix seconds, set by the loop like `now`.
    pub unix: i64,
}

impl App {
    pub fn new(panes: Vec<Pane>, providers: Providers, now: Instant) -> Self {
        Self {
            session: Session {
                panes,
                next_request: RequestId(1),
                rounds: 0,
                session_label: String::new(),
                resumed: None,
                read_only: false,
                live: None,
                recording: None,
                replaying: None,
                undo: None,
                votes: Vec::new(),
                reruns: Vec::new(),
                judge_jobs: Vec::new(),
                judge_spent: 0.0,
                suite: None,
                stashed: BTreeMap::new(),
                workspace: None,
                attachments: Vec::new(),
                spend: SpendState::new(chrono::Local::now().date_naive(), 0.0, 0.0),
                key: None,
                auto_tools: None,
            },
            view: View {
                transcripts: Default::default(),
                drawn: super::drawn::Drawn::default(),
                focus: 0,
                zone: Zone::Prompt,
                zoomed: false,
                size: (120, 40),
                order: Vec::new(),
                blind: false,
                presentation: false,
                expand_thinking: false,
                search: None,
                notice: None,
                copy_pending: false,
                vote_pending: None,
                rerun_pending: false,
                theme: crate::theme::Theme::default(),
                prompt: new_editor(),
                history: PromptHistory::default(),
            },
            config: AppConfig {
                hyperlinks: false,
                keys: crate::keymap::Keymap::default(),
                providers,
                budget: Budget::default(),
                prices: BTreeMap::new(),
                workspaces: BTreeMap::new(),
                judge: None,
                workspace_judges: BTreeMap::new(),
                default_panes: Vec::new(),
                themes: Vec::new(),
                tools: Vec::new(),
                vars: BTreeMap::new(),
                library: Vec::new(),
            },
            catalog: Known {
                catalogs: BTreeMap::new(),
                entries: Vec::new(),
                endpoints: BTreeMap::new(),
                endpoints_asked: std::collections::BTreeSet::new(),
            },
            overlay: None,
            now,
            quit: false,
            signalled: None,
            today: chrono::Local::now().date_naive(),
            unix: 0,
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
