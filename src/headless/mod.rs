//! `switchboard run`: the evaluation harness. Every prompt to every model, concurrently and
//! bounded, with the same providers, fallbacks, retries and budget as the playground; results
//! as a table, JSON, JSON lines, CSV or Markdown, and a summary per model. Every run is also
//! recorded in the history database.

mod cli;
mod jobs;
mod judging;
mod send;
mod suite_run;
mod summary;

use crate::model::RequestId;
use std::collections::{BTreeMap, VecDeque};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use crate::app::executor::{Executor, Setup};
use crate::app::state::Pane;
use crate::app::Action;
use crate::cost::ledger::Ledger;
use crate::cost::ledger::Purpose;
use crate::provider::{Message, Role};
use crate::session::store::Op;
use jobs::{prices, read_prompts, Job, Pending};
use send::Sender;
use summary::{csv, markdown};

pub use cli::RunArgs;
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
    /// A judge model rates the answers.
    pub judge: Option<String>,
    /// The judge's rubric (a text or Markdown file); a general one without it.
    pub rubric: Option<PathBuf>,
    /// `score` or `pairwise`; without it, the config's judge's mode, else `score`.
    pub judge_mode: Option<String>,
    /// A test suite: its cases instead of prompts, checked against their assertions.
    pub suite: Option<PathBuf>,
    /// JUnit XML of the suite's results, written here.
    pub junit: Option<PathBuf>,
    pub force_sim: bool,
    pub config: Option<PathBuf>,
    /// Every model searches the web with this engine, this many results a search.
    pub web_search: Option<String>,
    pub web_search_results: Option<u32>,
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
    let suite = args.suite.as_deref().map(crate::suite::read).transpose()?;
    let jobs = match (&args.prompt, &args.prompts, &suite) {
        (Some(p), None, None) => vec![Job {
            prompt: crate::vars::fill(p, &vars)?,
            case: None,
        }],
        (None, Some(path), None) => read_prompts(path, &vars)?,
        (None, None, Some(s)) => suite_run::jobs(s),
        (None, None, None) => {
            return Err("nothing to run: give -p PROMPT, --prompts FILE or --suite FILE".into())
        }
        _ => return Err("give one of -p, --prompts and --suite".into()),
    };
    if args.junit.is_some() && suite.is_none() {
        return Err("--junit needs --suite FILE".into());
    }
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
    let mut panes: Vec<Pane> = session.setup.panes.clone();
    if let Some(engine) = &args.web_search {
        for p in &mut panes {
            p.settings.web_search = Some(engine.clone());
            p.settings.web_search_results = args.web_search_results;
        }
    }
    let providers = &session.setup.providers;
    let rubrics = suite.as_ref().is_some_and(|s| {
        s.cases
            .iter()
            .any(|c| c.asserts.iter().any(|a| a.rubric().is_some()))
    });
    // A suite's rubrics need a judge: --judge, the suite's, the config's, or the simulator's.
    let judge_spec = args.judge.clone().or_else(|| {
        rubrics.then(|| {
            suite
                .as_ref()
                .and_then(|s| s.judge.clone())
                .or_else(|| session.cfg.judge.as_ref().map(|j| j.model.clone()))
                .or_else(|| session.setup.sim_mode.then(|| "sim/judge".to_string()))
        })?
    });
    if rubrics && judge_spec.is_none() {
        return Err("the suite's llm-rubric assertions need a judge: --judge MODEL, `judge = …` in the suite, or [judge] in the config".into());
    }
    if let Some(e) = suite
        .as_ref()
        .and_then(|s| suite_run::unknown_tools(s, &session.cfg.tools))
    {
        return Err(e);
    }
    let judge = match &judge_spec {
        Some(spec) => {
            let mut judge = session
                .cfg
                .judge
                .clone()
                .filter(|j| &j.model == spec)
                .unwrap_or_else(|| crate::judge::verdict::Judge::new(spec.clone()));
            if let Some(m) = &args.judge_mode {
                judge.mode = crate::judge::verdict::Mode::parse(m)
                    .ok_or_else(|| format!("--judge-mode {m}: it is `score` or `pairwise`"))?;
            }
            if let Some(path) = &args.rubric {
                judge.rubric = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the rubric {}: {e}", path.display()))?;
                if judge.rubric.trim().is_empty() {
                    return Err(format!("the rubric {} is empty", path.display()));
                }
            }
            let (provider, model) = providers.route(spec);
            Some((judge, Pane::new(model, provider)))
        }
        None if args.rubric.is_some() => return Err("--rubric needs --judge MODEL".into()),
        None => None,
    };
    let client = reqwest::Client::builder()
        .connect_timeout(session.cfg.connect_timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let data = crate::config::paths::data_dir();
    let priced: Vec<Pane> = panes
        .iter()
        .chain(judge.as_ref().map(|(_, p)| p))
        .cloned()
        .collect();
    let prices = prices(
        &client,
        &session.cfg,
        providers,
        &priced,
        &data.join("catalog"),
    )
    .await;
    let judging = judge.map(|(judge, pane)| judging::Judging {
        price: prices
            .get(&(pane.provider.clone(), pane.model.clone()))
            .copied(),
        judge,
        provider: pane.provider,
        model: pane.model,
    });

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
        telemetry: crate::telemetry::settings::resolve(&session.cfg.telemetry, |k| {
            std::env::var(k).ok()
        }),
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
        if !images.is_empty() {
            exec.history(Op::Images {
                round: i as u64 + 1,
                images: images.clone(),
            });
        }
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
            if let (Some(s), Some(case)) = (&suite, job.case) {
                params = suite_run::params(params, s, case, &session.cfg.tools);
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
                pane: rep * panes.len() + mi,
                case: job.case,
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
    let mut sender = Sender {
        exec: &mut exec,
        inboxes: &mut inboxes,
        providers,
        budget: session.cfg.budget.clone(),
        concurrency: args.concurrency,
        before: (day_before, month_before),
        spent: 0.0,
        record: &mut record,
        bar: bar.as_ref(),
        cases: suite
            .iter()
            .flat_map(|s| s.cases.iter().map(|c| c.name.clone()))
            .collect(),
    };
    let mut results = sender.send(queue, Purpose::Answer).await;
    let mut rubric_cost = None;
    let judged = match (&judging, &suite) {
        (judging, Some(s)) => {
            let (queue, asks) = match judging {
                Some(j) => suite_run::rubric_requests(j, s, &results, &mut request),
                None => Default::default(),
            };
            if let Some(b) = &bar {
                b.inc_length(queue.len() as u64);
            }
            let answers = sender.send(queue, Purpose::Judge).await;
            rubric_cost = Some(suite_run::grade(
                s,
                judging.as_ref(),
                &mut results,
                &asks,
                answers,
            ));
            None
        }
        (Some(j), None) => {
            let (queue, asks) = judging::requests(j, &results, &mut request);
            if let Some(b) = &bar {
                b.inc_length(queue.len() as u64);
            }
            let answers = sender.send(queue, Purpose::Judge).await;
            Some(judging::apply(j, &mut results, &asks, answers, |op| {
                exec.history(op)
            }))
        }
        (None, None) => None,
    };
    // Every write asked for is done, or told as not done.
    if !exec.flush(Duration::from_secs(10)).await {
        record.tell("the history was not written in time".into());
    }
    let traced = exec.finish_traces(Duration::from_secs(5)).await;
    while let Ok(action) = inboxes.actions.try_recv() {
        match action {
            Action::BackgroundError(e) => record.tell(e),
            Action::TraceNotice(e) => eprintln!("warning: {e}"),
            _ => {}
        }
    }
    if let Some(word) = traced {
        eprintln!("warning: {word}");
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    session.simulator.shutdown();
    results.sort_by(|a, b| {
        (a.prompt_index, &a.model, a.repeat).cmp(&(b.prompt_index, &b.model, b.repeat))
    });
    if let Some(s) = &suite {
        for r in &mut results {
            r.case_name = r.case.and_then(|c| s.cases.get(c)).map(|c| c.name.clone());
        }
    }
    let mut summary = summary_table(&results);
    if let Some(s) = &suite {
        summary = format!("{}\n{summary}", suite_run::matrix(s, &results));
    }
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
    if let (Some(s), Some(path)) = (&suite, &args.junit) {
        std::fs::write(path, suite_run::junit(s, &results)?)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let (Some(j), Some(cost)) = (&judging, rubric_cost) {
        eprintln!(
            "judge {} scored the rubrics: {} (booked as the judge's, apart from the answers)",
            j.model,
            crate::cost::money(cost)
        );
    }
    if let (Some(j), Some(t)) = (&judging, &judged) {
        eprintln!(
            "judge {} ({}): {} verdicts, {} failed or off-schema, {} (booked as the judge's, apart from the answers)",
            j.model,
            j.judge.mode.name(),
            t.verdicts,
            t.failed,
            crate::cost::money(t.cost)
        );
    }
    let _ = std::io::stdout().flush();
    if record.failed.is_some() {
        return Ok(Outcome::NotRecorded);
    }
    Ok(if results.iter().all(|r| r.ok && r.pass != Some(false)) {
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
pub(super) struct Record {
    failed: Option<String>,
}

impl Record {
    pub(super) fn tell(&mut self, what: String) {
        if self.failed.is_none() {
            eprintln!("error: {what}; this run's results are printed but not recorded");
            self.failed = Some(what);
        }
    }
}
