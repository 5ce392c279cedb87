//! `switchboard run`: the evaluation harness. Every prompt to every model, concurrently and
//! bounded, with the same providers, fallbacks, retries and budget as the playground; results
//! as a table, JSON, JSON lines, CSV or Markdown, and a summary per model. Every run is also
//! recorded in the history database.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::app::state::{Pane, Providers};
use crate::cost::ledger::Ledger;
use crate::provider::{Message, Role};
use crate::session::store::{Finished, Op, Writer};
use crate::stream::StreamEvent;

pub struct Args {
    pub models: Vec<String>,
    pub prompt: Option<String>,
    pub prompts: Option<PathBuf>,
    pub system: Option<String>,
    pub vars: Vec<String>,
    pub vars_file: Option<PathBuf>,
    pub concurrency: usize,
    /// `None`: from `--out`'s extension, else the table.
    pub format: Option<String>,
    pub out: Option<PathBuf>,
    /// Images sent with every prompt.
    pub images: Vec<PathBuf>,
    pub force_sim: bool,
    pub config: Option<PathBuf>,
}

/// How a run ended: every answer, some failed, or the arguments were wrong.
pub enum Outcome {
    AllAnswered,
    SomeFailed,
    /// The answers came (or some did), but the history or the spend ledger could not be
    /// written: what was already written stays.
    NotRecorded,
}

#[derive(Clone, Debug, Serialize)]
pub struct Result_ {
    pub prompt_index: usize,
    pub prompt: String,
    pub model: String,
    pub provider: String,
    pub served_model: Option<String>,
    pub served_provider: Option<String>,
    pub text: String,
    pub ok: bool,
    pub error: Option<String>,
    pub finish_reason: Option<String>,
    /// The upstream provider's own reason, when the server reports one.
    pub native_finish_reason: Option<String>,
    pub ttft_ms: Option<u64>,
    pub elapsed_ms: u64,
    pub completion_tokens: Option<u64>,
    pub tokens_per_s: Option<f64>,
    pub cost: Option<f64>,
    /// Where `cost` comes from: `billed` (`/generation`), `reported` (the stream's
    /// `usage.cost`, when the billed figure did not come in time), `estimated` (tokens × the
    /// config's or the catalog's prices, for an answer that ended without a figure, as the
    /// playground counts it), or none.
    pub cost_source: Option<&'static str>,
    /// The server's id for the generation.
    pub generation_id: Option<String>,
    pub attempts: usize,
    /// With structured output asked for: whether the answer was the JSON asked for.
    pub valid_json: Option<bool>,
    /// Why it failed, in a few words, for the summary.
    #[serde(skip)]
    pub reason: Option<String>,
}

struct Job {
    prompt: String,
}

/// Reads `--prompts`: one prompt a line, or JSON lines `{"prompt": …, "vars": {…}}`.
fn read_prompts(path: &PathBuf, vars: &BTreeMap<String, String>) -> Result<Vec<Job>, String> {
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
        jobs.push(Job { prompt });
    }
    if jobs.is_empty() {
        return Err(format!("{} has no prompts", path.display()));
    }
    Ok(jobs)
}

pub async fn run(args: Args) -> Result<Outcome, String> {
    let mut vars = match &args.vars_file {
        Some(p) => crate::vars::read_file(p)?,
        None => BTreeMap::new(),
    };
    for v in &args.vars {
        let (k, val) = crate::vars::parse_var(v)?;
        vars.insert(k, val);
    }
    let jobs = match (&args.prompt, &args.prompts) {
        (Some(p), None) => vec![Job {
            prompt: crate::vars::fill(p, &vars)?,
        }],
        (None, Some(path)) => read_prompts(path, &vars)?,
        (Some(_), Some(_)) => return Err("give -p or --prompts, not both".into()),
        (None, None) => return Err("nothing to run: give -p PROMPT or --prompts FILE".into()),
    };
    let (format, note) = crate::run_output::format(args.format.as_deref(), args.out.as_deref())?;
    if args.concurrency == 0 {
        return Err("--concurrency must be at least 1".into());
    }
    let images: Vec<String> = args
        .images
        .iter()
        .map(|p| crate::attach::load(p).map(|a| a.data_url))
        .collect::<Result<_, _>>()?;
    let session =
        crate::setup::Session::open(args.config.clone(), &args.models, args.force_sim, None)
            .await?;
    // Before anything is sent: a run whose results cannot be written is not worth paying for.
    let mut dest = crate::run_output::open(args.out.as_ref())?;
    if let Some(n) = note {
        eprintln!("{n}");
    }
    let panes: Vec<Pane> = session.setup.panes.clone();
    let providers = Arc::new(session.setup.providers.clone());
    let policy = session.cfg.policy.clone();
    let client = reqwest::Client::builder()
        .connect_timeout(session.cfg.connect_timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let data = crate::config::paths::data_dir();
    let prices = prices(
        &client,
        &session.cfg,
        &providers,
        &panes,
        &data.join("catalog"),
    )
    .await;

    // History: the run is a session, each prompt a round. A write that fails is told at
    // once, and the run ends non-zero; the answers are still given.
    let not_recorded = Arc::new(Mutex::new(None::<String>));
    let tell = {
        let not_recorded = not_recorded.clone();
        move |what: String| {
            if let Ok(mut g) = not_recorded.lock() {
                if g.is_none() {
                    eprintln!("error: {what}; this run's results are printed but not recorded");
                    *g = Some(what);
                }
            }
        }
    };
    let db = match std::fs::create_dir_all(&data)
        .map_err(|e| e.to_string())
        .and_then(|()| Ledger::open(&data.join("history.db")).map_err(|e| e.to_string()))
    {
        Ok(db) => Some(db),
        Err(e) => {
            tell(format!(
                "cannot open the history in {}: {e}",
                data.display()
            ));
            None
        }
    };
    // What today and this month already cost counts against their budgets, as in the
    // playground.
    let (day_before, month_before) = db
        .as_ref()
        .and_then(|l| l.totals(chrono::Local::now().date_naive()).ok())
        .unwrap_or((0.0, 0.0));
    let writer = Arc::new(Mutex::new((db, Writer::default())));
    let record = |op: Op| {
        if let Ok(mut g) = writer.lock() {
            let (db, w) = &mut *g;
            if let Some(db) = db {
                if let Err(e) = w.apply(db.conn(), op) {
                    tell(format!("the history could not be written: {e}"));
                }
            }
        }
    };
    let now = || chrono::Utc::now().timestamp();
    record(Op::Session {
        started_at: now(),
        workspace: Some("run".into()),
    });
    for (i, j) in jobs.iter().enumerate() {
        record(Op::Round {
            round: i as u64 + 1,
            prompt: j.prompt.clone(),
            at: now(),
        });
    }

    let total = jobs.len() * panes.len();
    let bar = progress(total);
    let sem = Arc::new(Semaphore::new(args.concurrency));
    let budget = session.cfg.budget.clone();
    let spent = Arc::new(Mutex::new(0.0f64));
    let mut set = tokio::task::JoinSet::new();
    let mut request = 0u64;
    for (pi, job) in jobs.iter().enumerate() {
        for (mi, pane) in panes.iter().enumerate() {
            request += 1;
            let mut params = pane.params_for(
                0,
                &crate::app::state::Input::Prompt(job.prompt.clone(), images.clone()),
            );
            if let Some(s) = &args.system {
                params
                    .messages
                    .insert(0, Message::new(Role::System, s.clone()));
            }
            record(Op::Answer {
                round: pi as u64 + 1,
                request,
                pane: mi,
                model: pane.model.clone(),
                provider: pane.provider.clone(),
                settings: "{}".into(),
                tool_results: None,
                at: now(),
            });
            let (client, policy, providers, sem, spent, budget) = (
                client.clone(),
                policy.clone(),
                providers.clone(),
                sem.clone(),
                spent.clone(),
                budget.clone(),
            );
            let (model, provider, prompt) = (
                pane.model.clone(),
                pane.provider.clone(),
                job.prompt.clone(),
            );
            let price = prices
                .get(&(pane.provider.clone(), pane.model.clone()))
                .copied();
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                let over = {
                    let s = spent.lock().map(|g| *g).unwrap_or(0.0);
                    budget.check(
                        crate::cost::Spent {
                            session: s,
                            day: day_before + s,
                            month: month_before + s,
                        },
                        0.0,
                    )
                };
                let result = match over {
                    Some(b) => refused(pi, &prompt, &model, &provider, b.refusal()),
                    None => {
                        one(
                            &client,
                            &providers,
                            &policy,
                            pi,
                            prompt,
                            (model, provider),
                            (params, price),
                        )
                        .await
                    }
                };
                if let (Some(c), Ok(mut s)) = (result.cost, spent.lock()) {
                    *s += c;
                }
                (request, result)
            });
        }
    }
    let mut results = Vec::new();
    let mut bills = tokio::task::JoinSet::new();
    while let Some(done) = set.join_next().await {
        let Ok((request, r)) = done else { continue };
        if let Ok(g) = writer.lock() {
            if let Some(db) = &g.0 {
                let booked = db.record(&crate::cost::ledger::SpendRecord {
                    at: now(),
                    day: chrono::Local::now().date_naive(),
                    provider: r.provider.clone(),
                    model: r.model.clone(),
                    served_model: r.served_model.clone(),
                    served_provider: r.served_provider.clone(),
                    prompt_tokens: None,
                    completion_tokens: r.completion_tokens.unwrap_or(0),
                    cost: r.cost,
                    reported: r.cost_source == Some("reported"),
                    status: if r.ok { "done".into() } else { "failed".into() },
                    generation_id: r.generation_id.clone(),
                });
                if let Err(e) = booked {
                    tell(format!("the spend ledger could not be written: {e}"));
                }
            }
        }
        record(Op::Finish {
            request,
            record: Box::new(Finished {
                text_tail: r.text.clone(),
                served_model: r.served_model.clone(),
                served_provider: r.served_provider.clone(),
                status: if r.ok { "done".into() } else { "failed".into() },
                error: r.error.clone(),
                finish_reason: r.finish_reason.clone(),
                native_finish_reason: r.native_finish_reason.clone(),
                generation_id: r.generation_id.clone(),
                ttft_ms: r.ttft_ms,
                elapsed_ms: Some(r.elapsed_ms),
                completion_tokens: r.completion_tokens,
                cost: r.cost,
                reported: r.cost_source == Some("reported"),
                hops: "[]".into(),
                at: now(),
                ..Finished::default()
            }),
        });
        if let Some(b) = &bar {
            b.inc(1);
        }
        // Ask what it was billed while the other answers finish.
        if let Some(id) = &r.generation_id {
            if let Some(ep) = providers
                .endpoints
                .get(&r.provider)
                .filter(|e| e.kind == crate::provider::ProviderKind::Openrouter)
            {
                let (client, ep, id) = (client.clone(), ep.clone(), id.clone());
                let at = results.len();
                bills.spawn(async move {
                    let result = crate::provider::generation::fetch_billed(&client, &ep, &id).await;
                    (at, request, id, result)
                });
            }
        }
        results.push(r);
    }
    // Book the billed figures; one that does not come in time leaves the stream's figure,
    // labelled as such.
    while let Some(done) = bills.join_next().await {
        let Ok((at, request, id, result)) = done else {
            continue;
        };
        let (Some(r), Ok(billed)) = (results.get_mut(at), result) else {
            continue;
        };
        r.cost = Some(billed.booked());
        r.cost_source = Some("billed");
        record(Op::Billed {
            request,
            generation_id: id,
            cost: billed.booked(),
            details: billed.to_json(),
        });
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    session.simulator.shutdown();
    results.sort_by(|a, b| (a.prompt_index, &a.model).cmp(&(b.prompt_index, &b.model)));
    let summary = summary_table(&results);
    let body = match format.as_str() {
        "table" => summary.clone(),
        "json" => serde_json::to_string_pretty(&results).map_err(|e| e.to_string())? + "\n",
        "jsonl" => results
            .iter()
            .map(|r| serde_json::to_string(r).unwrap_or_default() + "\n")
            .collect(),
        "csv" => csv(&results)?,
        _ => markdown(&results),
    };
    match &mut dest {
        Some((p, file)) => file
            .write_all(body.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", p.display()))?,
        None => print!("{body}"),
    }
    if format != "table" || dest.is_some() {
        eprint!("{summary}");
    }
    let _ = std::io::stdout().flush();
    if not_recorded.lock().map(|g| g.is_some()).unwrap_or(true) {
        return Ok(Outcome::NotRecorded);
    }
    Ok(if results.iter().all(|r| r.ok) {
        Outcome::AllAnswered
    } else {
        Outcome::SomeFailed
    })
}

fn progress(total: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} answers · {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

fn refused(pi: usize, prompt: &str, model: &str, provider: &str, why: String) -> Result_ {
    Result_ {
        prompt_index: pi,
        prompt: prompt.to_string(),
        model: model.to_string(),
        provider: provider.to_string(),
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
    }
}

/// The price of every pane's model, as the playground finds it: the config's, else the
/// provider's catalog (the cached copy, else fetched once now).
async fn prices(
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

async fn one(
    client: &reqwest::Client,
    providers: &Providers,
    policy: &crate::route::Policy,
    pi: usize,
    prompt: String,
    (model, provider): (String, String),
    // The request, and the price its cost is estimated at when the server reports none.
    (params, price): (crate::provider::ChatParams, Option<crate::cost::ModelPrice>),
) -> Result_ {
    use crate::app::answer::{Answer, CostView, Status};
    use crate::cost::price::{estimate_prompt_tokens, estimate_tokens};
    let start = Instant::now();
    let mut r = refused(pi, &prompt, &model, &provider, String::new());
    r.error = None;
    r.reason = None;
    r.attempts = 1;
    // Counted as the playground counts it: the reported figure, else tokens × price.
    let mut answer = Answer::new(0, start);
    answer.price = price;
    answer.prompt_tokens_estimate = estimate_prompt_tokens(&params.messages);
    let format = params.settings.response_format.clone();
    let hops = match crate::route::plan(providers, &provider, &params) {
        Ok(h) => h,
        Err(e) => {
            r.error = Some(e);
            r.reason = Some("not sent".into());
            return r;
        }
    };
    let mut first: Option<Duration> = None;
    let mut ok = false;
    let mut usage = None;
    // Cleaned as in the playground: results are printed to terminals.
    crate::route::run(client, hops, policy, |e| match e.cleaned() {
        StreamEvent::Delta(t) => {
            first.get_or_insert_with(|| start.elapsed());
            answer.estimated_tokens += estimate_tokens(&t);
            r.text.push_str(&t);
        }
        StreamEvent::Reasoning(t) => {
            first.get_or_insert_with(|| start.elapsed());
            answer.estimated_tokens += estimate_tokens(&t);
        }
        StreamEvent::ToolCall { arguments, .. } => {
            first.get_or_insert_with(|| start.elapsed());
            answer.estimated_tokens += estimate_tokens(&arguments);
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
        StreamEvent::Usage(u) => usage = Some(u),
        StreamEvent::Hop(_) => r.attempts += 1,
        StreamEvent::Done => ok = true,
        StreamEvent::Error(e) => {
            r.error = Some(e.plain());
            r.reason = Some(e.short());
            answer.status = Status::Failed(e);
        }
        _ => {}
    })
    .await;
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

fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied()
}

/// Per model: answers, failures, mean/p50/p95 time to first token, tokens/s, tokens, cost.
pub fn summary_table(results: &[Result_]) -> String {
    let mut models: Vec<&str> = results.iter().map(|r| r.model.as_str()).collect();
    models.sort_unstable();
    models.dedup();
    let mut rows = vec![vec![
        "MODEL".to_string(),
        "ANSWERS".into(),
        "FAILED".into(),
        "TTFT MEAN".into(),
        "P50".into(),
        "P95".into(),
        "TOK/S".into(),
        "TOKENS".into(),
        "COST".into(),
    ]];
    let structured = results.iter().any(|r| r.valid_json.is_some());
    if structured {
        rows[0].push("VALID JSON".into());
    }
    // Why rows failed, in a few words each; the full message is in the JSON and CSV output.
    let failures = results.iter().any(|r| !r.ok);
    if failures {
        rows[0].push("WHY FAILED".into());
    }
    for m in models {
        let mine: Vec<&Result_> = results.iter().filter(|r| r.model == m).collect();
        let ok = mine.iter().filter(|r| r.ok).count();
        let mut ttfts: Vec<u64> = mine.iter().filter_map(|r| r.ttft_ms).collect();
        ttfts.sort_unstable();
        let mean = (!ttfts.is_empty()).then(|| ttfts.iter().sum::<u64>() / ttfts.len() as u64);
        let tps: Vec<f64> = mine.iter().filter_map(|r| r.tokens_per_s).collect();
        let tps = (!tps.is_empty()).then(|| tps.iter().sum::<f64>() / tps.len() as f64);
        let tokens: u64 = mine.iter().filter_map(|r| r.completion_tokens).sum();
        let cost: f64 = mine.iter().filter_map(|r| r.cost).sum();
        let ms = |v: Option<u64>| v.map_or("-".to_string(), |v| format!("{v} ms"));
        let mut reasons: Vec<&str> = mine
            .iter()
            .filter(|r| !r.ok)
            .map(|r| r.reason.as_deref().unwrap_or("failed"))
            .collect();
        reasons.sort_unstable();
        reasons.dedup();
        rows.push(vec![
            m.to_string(),
            ok.to_string(),
            (mine.len() - ok).to_string(),
            ms(mean),
            ms(percentile(&ttfts, 0.5)),
            ms(percentile(&ttfts, 0.95)),
            tps.map_or("-".into(), |v| format!("{v:.0}")),
            tokens.to_string(),
            crate::cost::money(cost),
        ]);
        if structured {
            let valid = mine.iter().filter(|r| r.valid_json == Some(true)).count();
            let asked = mine.iter().filter(|r| r.valid_json.is_some()).count();
            if let Some(row) = rows.last_mut() {
                row.push(format!("{valid}/{asked}"));
            }
        }
        if let (true, Some(row)) = (failures, rows.last_mut()) {
            row.push(reasons.join(", "));
        }
    }
    let why = failures.then(|| rows[0].len() - 1);
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 || Some(i) == why {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn csv(results: &[Result_]) -> Result<String, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record([
        "prompt_index",
        "prompt",
        "model",
        "provider",
        "served_model",
        "ok",
        "error",
        "ttft_ms",
        "elapsed_ms",
        "completion_tokens",
        "tokens_per_s",
        "cost_usd",
        "attempts",
        "text",
        "cost_source",
        "finish_reason",
        "native_finish_reason",
    ])
    .map_err(|e| e.to_string())?;
    for r in results {
        w.write_record([
            r.prompt_index.to_string(),
            r.prompt.clone(),
            r.model.clone(),
            r.provider.clone(),
            r.served_model.clone().unwrap_or_default(),
            r.ok.to_string(),
            r.error.clone().unwrap_or_default(),
            r.ttft_ms.map(|v| v.to_string()).unwrap_or_default(),
            r.elapsed_ms.to_string(),
            r.completion_tokens
                .map(|v| v.to_string())
                .unwrap_or_default(),
            r.tokens_per_s
                .map(|v| format!("{v:.1}"))
                .unwrap_or_default(),
            r.cost.map(|v| v.to_string()).unwrap_or_default(),
            r.attempts.to_string(),
            r.text.clone(),
            r.cost_source.unwrap_or_default().to_string(),
            r.finish_reason.clone().unwrap_or_default(),
            r.native_finish_reason.clone().unwrap_or_default(),
        ])
        .map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

fn markdown(results: &[Result_]) -> String {
    let mut out = String::new();
    let mut last = None;
    for r in results {
        if last != Some(r.prompt_index) {
            out.push_str(&format!(
                "## Prompt {}\n\n> {}\n\n",
                r.prompt_index + 1,
                // Headings of the prompt and the answers sit under the model headings (###).
                crate::session::outline::nest_headings(&r.prompt, 4)
                    .trim_end()
                    .replace('\n', "\n> ")
            ));
            last = Some(r.prompt_index);
        }
        out.push_str(&format!("### {}\n\n", r.model));
        match &r.error {
            Some(e) => out.push_str(&format!("**Error:** {e}\n\n")),
            None => out.push_str(&format!(
                "{}\n\n",
                crate::session::outline::nest_headings(&r.text, 4).trim_end()
            )),
        }
    }
    out.push_str("## Summary\n\n```\n");
    out.push_str(&summary_table(results));
    out.push_str("```\n");
    out
}
