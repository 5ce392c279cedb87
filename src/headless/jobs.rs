//! A run's jobs: the prompts read from `--prompts`, the prices answers are estimated at, and
//! each answer as it streams in.

use crate::model::RequestId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::summary::Result_;
use crate::app::state::{Pane, Providers};
use crate::stream::StreamEvent;

pub(super) struct Job {
    pub prompt: String,
    /// The suite's case it sends.
    pub case: Option<usize>,
}

/// Reads `--prompts`: one prompt a line, or JSON lines `{"prompt": …, "vars": {…}}`.
pub(super) fn read_prompts(
    path: &PathBuf,
    vars: &BTreeMap<String, String>,
) -> Result<Vec<Job>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut jobs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (prompt, mut own) = if line.starts_with('{') {
            let v: Value = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: not JSON: {e}", path.display(), n + 1))?;
            let p = v["prompt"]
                .as_str()
                .ok_or_else(|| format!("{}:{}: no \"prompt\" string", path.display(), n + 1))?
                .to_string();
            let mut own = vars.clone();
            if let Some(m) = v["vars"].as_object() {
                for (k, val) in m {
                    let s = val.as_str().map_or_else(|| val.to_string(), str::to_owned);
                    own.insert(k.clone(), s);
                }
            }
            (p, own)
        } else {
            (line.to_string(), vars.clone())
        };
        let prompt = crate::vars::fill(&prompt, &own)
            .map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        own.clear();
        jobs.push(Job { prompt, case: None });
    }
    if jobs.is_empty() {
        return Err(format!("{} has no prompts", path.display()));
    }
    Ok(jobs)
}

pub(super) fn refused(p: &Pending, why: String) -> Result_ {
    Result_ {
        prompt_index: p.prompt_index,
        repeat: p.repeat,
        prompt: p.prompt.clone(),
        model: p.model.clone(),
        provider: p.provider.clone(),
        served_model: None,
        served_provider: None,
        text: String::new(),
        ok: false,
        error: Some(why),
        finish_reason: None,
        native_finish_reason: None,
        ttft_ms: None,
        elapsed_ms: 0,
        completion_tokens: None,
        tokens_per_s: None,
        cost: None,
        cost_source: None,
        generation_id: None,
        attempts: 0,
        valid_json: None,
        reason: Some("not sent".into()),
        judged: None,
        request: p.request,
        pane: p.pane,
        tool_calls: Vec::new(),
        web_searches: None,
        citations: Vec::new(),
        case_name: None,
        checks: Vec::new(),
        pass: None,
        score: None,
        case: p.case,
    }
}

/// The price of every pane's model, as the playground finds it: the config's, else the
/// provider's catalog (the cached copy, else fetched once now).
pub(super) async fn prices(
    client: &reqwest::Client,
    cfg: &crate::config::Config,
    providers: &Providers,
    panes: &[Pane],
    catalog_dir: &std::path::Path,
) -> BTreeMap<(String, String), crate::cost::ModelPrice> {
    let mut catalogs: BTreeMap<String, Vec<crate::catalog::ModelInfo>> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for p in panes {
        let configured = cfg
            .providers
            .get(&p.provider)
            .and_then(|c| c.prices.get(&p.model))
            .copied();
        let price = match configured {
            Some(price) => Some(price),
            None => {
                if !catalogs.contains_key(&p.provider) {
                    let models = match crate::catalog::cache::load(catalog_dir, &p.provider) {
                        Some(c) => c.models,
                        None => match providers.endpoints.get(&p.provider) {
                            Some(ep) => crate::catalog::fetch(client, ep, Duration::from_secs(10))
                                .await
                                .unwrap_or_default(),
                            None => Vec::new(),
                        },
                    };
                    catalogs.insert(p.provider.clone(), models);
                }
                catalogs
                    .get(&p.provider)
                    .and_then(|m| crate::catalog::variant::resolve(m, &p.model))
                    .and_then(|m| m.price)
            }
        };
        if let Some(price) = price {
            out.insert((p.provider.clone(), p.model.clone()), price);
        }
    }
    out
}

/// A request to send: which prompt, to which model, and how.
pub(super) struct Pending {
    pub request: RequestId,
    pub prompt_index: usize,
    /// Which of `--repeat`'s sendings of this prompt to this model, from 1.
    pub repeat: usize,
    /// Its pane in the recorded round.
    pub pane: usize,
    /// The suite's case it sends.
    pub case: Option<usize>,
    pub prompt: String,
    pub model: String,
    pub provider: String,
    pub params: crate::provider::ChatParams,
    /// What its cost is estimated at when the server reports none.
    pub price: Option<crate::cost::ModelPrice>,
}

/// An answer as it streams in, counted as the playground counts it.
pub(super) struct Live {
    r: Result_,
    answer: crate::app::answer::Answer,
    start: Instant,
    first: Option<Duration>,
    ok: bool,
    usage: Option<crate::provider::Usage>,
    format: Option<crate::provider::settings::ResponseFormat>,
}

impl Live {
    /// An answer to `p`, sent now.
    pub fn new(p: &Pending) -> Self {
        use crate::cost::price::estimate_prompt_tokens;
        let start = Instant::now();
        let mut r = refused(p, String::new());
        r.error = None;
        r.reason = None;
        r.attempts = 1;
        let mut answer = crate::app::answer::Answer::new(p.request, start);
        answer.price = p.price;
        answer.prompt_tokens_estimate = estimate_prompt_tokens(&p.params.messages);
        Self {
            r,
            answer,
            start,
            first: None,
            ok: false,
            usage: None,
            format: p.params.settings.response_format.clone(),
        }
    }

    /// A request that could not be routed: not sent.
    pub fn unsent(p: &Pending, why: String) -> Result_ {
        let mut r = Self::new(p).r;
        r.error = Some(why);
        r.reason = Some("not sent".into());
        r
    }

    /// Takes an event; true when it was the last.
    pub fn on(&mut self, event: StreamEvent) -> bool {
        use crate::cost::price::estimate_tokens;
        let (r, start) = (&mut self.r, self.start);
        let mut first = || {
            self.first.get_or_insert_with(|| start.elapsed());
        };
        let terminal = event.is_terminal();
        // Cleaned as in the playground: results are printed to terminals.
        match event.cleaned() {
            StreamEvent::Delta(t) => {
                first();
                self.answer.estimated_tokens += estimate_tokens(&t);
                r.text.push_str(&t);
            }
            StreamEvent::Reasoning(t) => {
                first();
                self.answer.estimated_tokens += estimate_tokens(&t);
            }
            StreamEvent::ToolCall {
                index,
                name,
                arguments,
                ..
            } => {
                first();
                self.answer.estimated_tokens += estimate_tokens(&arguments);
                if r.tool_calls.len() <= index {
                    r.tool_calls
                        .resize_with(index + 1, super::summary::ToolCallMade::default);
                }
                let call = &mut r.tool_calls[index];
                if let Some(n) = name {
                    // Some servers repeat the whole name in every fragment.
                    if !call.name.ends_with(&n) {
                        call.name.push_str(&n);
                    }
                }
                call.arguments.push_str(&arguments);
            }
            StreamEvent::Served { model, provider } => {
                r.served_model = Some(model);
                r.served_provider = provider;
            }
            StreamEvent::Finish(f) => r.finish_reason = Some(f),
            StreamEvent::NativeFinish(f) => r.native_finish_reason = Some(f),
            StreamEvent::Started { generation_id } => r.generation_id = generation_id,
            StreamEvent::Generation(id) => {
                r.generation_id.get_or_insert(id);
            }
            StreamEvent::Usage(u) => {
                r.web_searches = Some(u.web_searches()).filter(|n| *n > 0);
                self.usage = Some(u);
            }
            StreamEvent::Citations(c) => crate::provider::citation::merge(&mut r.citations, c),
            StreamEvent::Hop(_) => r.attempts += 1,
            StreamEvent::Done => self.ok = true,
            StreamEvent::Error(e) => {
                r.error = Some(e.plain());
                r.reason = Some(e.short());
                self.answer.status = crate::app::answer::Status::Failed(e);
            }
            _ => {}
        }
        terminal
    }

    /// The row for the answer, with its figures.
    pub fn finish(self) -> Result_ {
        use crate::app::answer::CostView;
        let Self {
            mut r,
            mut answer,
            start,
            first,
            ok,
            usage,
            format,
        } = self;
        let elapsed = start.elapsed();
        r.ok = ok;
        if let (Some(f), true) = (&format, ok) {
            r.valid_json = Some(crate::tools::check_json(&r.text, f.schema()).is_ok());
        }
        r.elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        r.ttft_ms = first.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        r.completion_tokens = usage.as_ref().and_then(|u| u.completion_tokens);
        answer.first_token = first.map(|d| start + d);
        answer.usage = usage;
        (r.cost, r.cost_source) = match answer.cost() {
            CostView::Reported(c) | CostView::Billed(c) => (Some(c), Some("reported")),
            // Refused before generating anything: not billed, and nothing to estimate.
            CostView::Estimated(_) if answer.failed_before_answering() => (None, None),
            CostView::Estimated(c) => (Some(c), Some("estimated")),
            CostView::Unpriced => (None, None),
        };
        if let (Some(n), Some(f)) = (r.completion_tokens, first) {
            let gen = elapsed.saturating_sub(f).as_secs_f64();
            if gen > 0.0 {
                r.tokens_per_s = Some(n as f64 / gen);
            }
        }
        r
    }
}
