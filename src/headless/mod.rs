//! `switchboard run`: the evaluation harness. Every prompt to every model, concurrently and
//! bounded, with the same providers, fallbacks, retries and budget as the playground; results
//! as a table, JSON, JSON lines, CSV or Markdown, and a summary per model. Every run is also
//! recorded in the history database.

mod jobs;
mod summary;

use crate::model::RequestId;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use crate::app::executor::{Executor, Setup};
use crate::app::state::{Pane, Providers};
use crate::app::Action;
use crate::cost::ledger::Ledger;
use crate::provider::{Message, Role};
use crate::session::store::{Finished, Op};
use jobs::{prices, read_prompts, refused, Job, Live, Pending};
use summary::{csv, markdown};

pub use summary::{summary_table, Result_};

pub struct Args {
    pub models: Vec<String>,
    pub prompt: Option<String>,
    pub prompts: Option<PathBuf>,
    pub system: Option<String>,
    pub vars: Vec<String>,
    pub vars_file: Option<PathBuf>,
    pub concurrency: usize,
    /// Each prompt goes to each model this many times, for the spread of the figures.
    pub repeat: usize,
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
    if args.repeat == 0 {
        return Err("--repeat must be at least 1".into());
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
    let providers = &session.setup.providers;
    let client = reqwest::Client::builder()
        .connect_timeout(session.cfg.connect_timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let data = crate::config::paths::data_dir();
    let prices = prices(
        &client,
        &session.cfg,
        providers,
        &panes,
        &data.join("catalog"),
    )
    .await;

    // History: the run is a session, each prompt a round. A write that fails is told at
    // once, and the run ends non-zero; the answers are still given.
    let mut record = Record::default();
    let db = match std::fs::create_dir_all(&data)
        .map_err(|e| e.to_string())
        .and_then(|()| Ledger::open(&data.join("history.db")).map_err(|e| e.to_string()))
    {
        Ok(db) => Some(db),
        Err(e) => {
            record.tell(format!(
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
    // The playground's executor: requests through their route (fallbacks, retries), the
    // `/generation` look-ups, and the history and ledger written on a thread of their own.
    let (mut exec, mut inboxes) = Executor::new(Setup {
        client,
        policy: session.cfg.policy.clone(),
        history_file: None,
        catalog_dir: None,
        config_path: None,
        ledger: db,
    });
    let now = || chrono::Utc::now().timestamp();
    exec.history(Op::Session {
        started_at: now(),
        workspace: Some("run".into()),
    });
    for (i, j) in jobs.iter().enumerate() {
        exec.history(Op::Round {
            round: i as u64 + 1,
            prompt: j.prompt.clone(),
            at: now(),
        });
    }

    let mut queue = VecDeque::new();
    let mut request = RequestId(0);
    // Repeats go round the models, so an early stop leaves every model with as many.
    let sendings = jobs
        .iter()
        .enumerate()
        .flat_map(|(pi, job)| (0..args.repeat).map(move |rep| (pi, job, rep)));
    for (pi, job, rep) in sendings {
        for (mi, pane) in panes.iter().enumerate() {
            request.0 += 1;
            let mut params = pane.params_for(
                0,
                &crate::app::state::Input::Prompt(job.prompt.clone(), images.clone()),
            );
            if let Some(s) = &args.system {
                params
                    .messages
                    .insert(0, Message::new(Role::System, s.clone()));
            }
            exec.history(Op::Answer {
                round: pi as u64 + 1,
                request,
                // Each repeat its own pane of the round, so none replaces another.
                pane: rep * panes.len() + mi,
                model: pane.model.clone(),
                provider: pane.provider.clone(),
                settings: serde_json::json!({}),
                tool_results: None,
                at: now(),
            });
            queue.push_back(Pending {
                request,
                prompt_index: pi,
                repeat: rep + 1,
                prompt: job.prompt.clone(),
                model: pane.model.clone(),
                provider: pane.provider.clone(),
                params,
                price: prices
                    .get(&(pane.provider.clone(), pane.model.clone()))
                    .copied(),
            });
        }
    }

    let bar = progress(queue.len());
    let budget = session.cfg.budget.clone();
    let mut spent = 0.0f64;
    let mut live: HashMap<RequestId, Live> = HashMap::new();
    let mut results: Vec<Result_> = Vec::new();
    // Answers whose bill is asked for: where their row is.
    let mut billing: HashMap<RequestId, usize> = HashMap::new();
    loop {
        // As many requests as the bound allows, each checked against the budget first.
        let mut done = Vec::new();
        while live.len() < args.concurrency {
            let Some(p) = queue.pop_front() else { break };
            let over = budget.check(
                crate::cost::Spent {
                    session: spent,
                    day: day_before + spent,
                    month: month_before + spent,
                },
                0.0,
            );
            if let Some(b) = over {
                done.push((p.request, refused(&p, b.refusal())));
                continue;
            }
            let answer = Live::new(&p);
            match exec.start(providers, p.request, &p.provider, p.params.clone()) {
                Ok(()) => {
                    live.insert(p.request, answer);
                }
                Err(e) => done.push((p.request, Live::unsent(&p, e))),
            }
        }
        for (request, r) in done {
            spent += r.cost.unwrap_or(0.0);
            finish(&exec, providers, request, r, &mut results, &mut billing);
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
        if live.is_empty() && billing.is_empty() && queue.is_empty() {
            break;
        }
        tokio::select! {
            Some(id) = inboxes.ready.recv() => {
                for event in exec.take(id) {
                    let Some(answer) = live.get_mut(&id) else { continue };
                    if answer.on(event) {
                        let Some(answer) = live.remove(&id) else { continue };
                        let r = answer.finish();
                        spent += r.cost.unwrap_or(0.0);
                        finish(&exec, providers, id, r, &mut results, &mut billing);
                        if let Some(b) = &bar {
                            b.inc(1);
                        }
                    }
                }
            },
            Some(action) = inboxes.actions.recv() => match action {
                Action::BackgroundError(e) => record.tell(e),
                // Booked as billed; one that does not come in time leaves the stream's
                // figure, labelled as such.
                Action::Generation { request, result } => {
                    let at = billing.remove(&request);
                    if let (Some(r), Ok(billed)) = (at.and_then(|at| results.get_mut(at)), result) {
                        r.cost = Some(billed.booked());
                        r.cost_source = Some("billed");
                        exec.history(Op::Billed {
                            request,
                            generation_id: r.generation_id.clone().unwrap_or_default(),
                            cost: billed.booked(),
                            details: billed.to_json(),
                        });
                    }
                }
                _ => {}
            },
        }
    }
    // Every write asked for is done, or told as not done.
    if !exec.flush(Duration::from_secs(10)).await {
        record.tell("the history was not written in time".into());
    }
    while let Ok(action) = inboxes.actions.try_recv() {
        if let Action::BackgroundError(e) = action {
            record.tell(e);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    session.simulator.shutdown();
    results.sort_by(|a, b| {
        (a.prompt_index, &a.model, a.repeat).cmp(&(b.prompt_index, &b.model, b.repeat))
    });
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
    if record.failed.is_some() {
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

/// Whether the run's history was written; the first failure is told at once.
#[derive(Default)]
struct Record {
    failed: Option<String>,
}

impl Record {
    fn tell(&mut self, what: String) {
        if self.failed.is_none() {
            eprintln!("error: {what}; this run's results are printed but not recorded");
            self.failed = Some(what);
        }
    }
}

/// An answer has its row: booked in the ledger, its end recorded in the history, and its
/// bill asked for while the other answers finish.
fn finish(
    exec: &Executor,
    providers: &Providers,
    request: RequestId,
    r: Result_,
    results: &mut Vec<Result_>,
    billing: &mut HashMap<RequestId, usize>,
) {
    let now = chrono::Utc::now().timestamp();
    exec.book(crate::cost::ledger::SpendRecord {
        at: now,
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
    exec.history(Op::Finish {
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
            hops: serde_json::json!([]),
            at: now,
            ..Finished::default()
        }),
    });
    let openrouter = providers
        .endpoints
        .get(&r.provider)
        .is_some_and(|e| e.kind == crate::provider::ProviderKind::Openrouter);
    if let (Some(id), true) = (&r.generation_id, openrouter) {
        if exec.bill(providers, request, &r.provider, id.clone()) {
            billing.insert(request, results.len());
        }
    }
    results.push(r);
}
