//! The judge key: a judge model rates the last round's answers (each on its own, or each two
//! both ways round), its verdicts stream into an overlay and land in the panes' footers, and
//! its cost is booked as the judge's. The judge sees the prompt and the answers, never which
//! model wrote them.

use super::action::Effect;
use super::notice::{key, notice, notice_error};
use super::state::{App, Overlay, Status};
use super::turn::history;
use crate::cost::price::estimate_prompt_tokens;
use crate::judge::verdict::{Judge, Mode};
use crate::model::{Answer, JudgeAsk, JudgeJob, PaneId, Reading, RequestId};
use crate::session::store::{JudgeVerdict, Op};
use crate::stream::StreamEvent;

/// The judge in force: the workspace's own, else the config's, else on the simulator its
/// judge.
pub fn judge_of(app: &App) -> Option<Judge> {
    let own = app
        .session
        .workspace
        .as_ref()
        .and_then(|w| app.config.workspace_judges.get(w));
    own.or(app.config.judge.as_ref()).cloned().or_else(|| {
        (app.config.providers.default == crate::provider::providers::SIM)
            .then(|| Judge::new("sim/judge"))
    })
}

/// Judges the latest round, or shows its verdicts when it has been judged.
pub(super) fn judge_round(app: &mut App, fx: &mut Vec<Effect>) {
    let round = app.session.rounds;
    if app
        .session
        .judge_jobs
        .iter()
        .any(|j| j.round == round && j.rubric.is_none())
    {
        app.overlay = Some(Overlay::Judge { round });
        return;
    }
    let Some(judge) = judge_of(app) else {
        return notice_error(
            app,
            "no judge: add [judge] with a model (and a rubric) to the config",
        );
    };
    // The round's finished answers, by pane, with the prompt they answer.
    let answered: Vec<(PaneId, String, String)> = app
        .session
        .panes
        .iter()
        .filter_map(|p| {
            let t = p.turns.last()?;
            (t.round == round && t.answer.status == Status::Done && !t.answer.text.is_empty())
                .then(|| (p.id, t.prompt.clone(), t.answer.text.clone()))
        })
        .collect();
    let needed = match judge.mode {
        Mode::Score => 1,
        Mode::Pairwise => 2,
    };
    if answered.len() < needed {
        return notice_error(
            app,
            if app.any_active() {
                "the round is still streaming: judge it when its answers are in"
            } else {
                "nothing to judge yet: the last round has no finished answers to compare"
            },
        );
    }
    if let Some(breach) = app.config.budget.check(app.live_spent(), 0.0) {
        return notice_error(app, format!("not judged: {}", breach.refusal()));
    }
    let mut asks = Vec::new();
    match judge.mode {
        Mode::Score => {
            for (id, prompt, text) in &answered {
                asks.push((JudgeAsk::Score(*id), judge.score_messages(prompt, text)));
            }
        }
        Mode::Pairwise => {
            for (n, (x, prompt, xt)) in answered.iter().enumerate() {
                for (y, _, yt) in &answered[n + 1..] {
                    asks.push((
                        JudgeAsk::Pair {
                            x: *x,
                            y: *y,
                            x_first: true,
                        },
                        judge.pairwise_messages(prompt, xt, yt),
                    ));
                    asks.push((
                        JudgeAsk::Pair {
                            x: *x,
                            y: *y,
                            x_first: false,
                        },
                        judge.pairwise_messages(prompt, yt, xt),
                    ));
                }
            }
        }
    }
    let (provider, model) = app.config.providers.route(&judge.model);
    let price = app.price_of(&provider, &model);
    for (ask, messages) in asks {
        let request = app.session.next_request.take();
        let params = judge.params(&model, messages);
        let mut answer = Answer::new(request, app.now);
        answer.price = price;
        answer.prompt_tokens_estimate = estimate_prompt_tokens(&params.messages);
        app.session.judge_jobs.push(JudgeJob {
            round,
            judge: judge.model.clone(),
            scale: judge.scale,
            ask,
            answer,
            read: None,
            rubric: None,
        });
        fx.push(Effect::Start {
            request,
            provider: provider.clone(),
            params: Box::new(params),
        });
    }
    app.overlay = Some(Overlay::Judge { round });
}

/// Asks the judge to score pane `pane`'s answer in `round` against a suite's rubric.
pub(super) fn start_rubric(
    app: &mut App,
    round: u64,
    pane: PaneId,
    (question, text): (&str, &str),
    rubric: &str,
    fx: &mut Vec<Effect>,
) -> Result<(), String> {
    let mut judge = judge_of(app).ok_or(
        "the suite's llm-rubric assertions need a judge: add [judge] with a model to the config",
    )?;
    judge.rubric = rubric.to_string();
    judge.mode = Mode::Score;
    let (provider, model) = app.config.providers.route(&judge.model);
    let request = app.session.next_request.take();
    let params = judge.params(&model, judge.score_messages(question, text));
    let mut answer = Answer::new(request, app.now);
    answer.price = app.price_of(&provider, &params.model);
    answer.prompt_tokens_estimate = estimate_prompt_tokens(&params.messages);
    app.session.judge_jobs.push(JudgeJob {
        round,
        judge: judge.model.clone(),
        scale: judge.scale,
        ask: JudgeAsk::Score(pane),
        answer,
        read: None,
        rubric: Some(rubric.to_string()),
    });
    fx.push(Effect::Start {
        request,
        provider,
        params: Box::new(params),
    });
    Ok(())
}

/// Whether `request` is one of the judge's.
pub(super) fn is_judges(app: &App, request: RequestId) -> bool {
    app.session
        .judge_jobs
        .iter()
        .any(|j| j.answer.request == request)
}

/// A stream event of a judge's request.
pub(super) fn on_event(
    app: &mut App,
    request: RequestId,
    event: StreamEvent,
    fx: &mut Vec<Effect>,
) {
    let now = app.now;
    let Some(i) = app
        .session
        .judge_jobs
        .iter()
        .position(|j| j.answer.request == request && j.answer.status.is_active())
    else {
        return;
    };
    let job = &mut app.session.judge_jobs[i];
    let a = &mut job.answer;
    match event.cleaned() {
        StreamEvent::Started { generation_id } => a.generation_id = generation_id,
        StreamEvent::Generation(id) => {
            a.generation_id.get_or_insert(id);
        }
        StreamEvent::Served { model, provider } => {
            a.served_model = Some(model);
            a.served_provider = provider;
        }
        StreamEvent::Delta(t) => {
            a.first_token.get_or_insert(now);
            a.estimated_tokens += crate::cost::price::estimate_tokens(&t);
            a.text.push_str(&t);
        }
        StreamEvent::Usage(u) => a.usage = Some(u),
        StreamEvent::Finish(r) => a.finish_reason = Some(r),
        StreamEvent::Done => {
            a.status = Status::Done;
            a.finished = Some(now);
            let judge = Judge {
                scale: job.scale,
                mode: match job.ask {
                    JudgeAsk::Score(_) => Mode::Score,
                    JudgeAsk::Pair { .. } => Mode::Pairwise,
                },
                ..Judge::new(job.judge.clone())
            };
            job.read = Some(match judge.mode {
                Mode::Score => judge
                    .read_score(&a.text)
                    .map(|(s, why)| Reading::Score(s, why)),
                Mode::Pairwise => judge
                    .read_pick(&a.text)
                    .map(|(p, why)| Reading::Pick(p, why)),
            });
            settle(app, i, fx);
        }
        StreamEvent::Error(e) => {
            job.read = Some(Err(format!("judge failed: {}", e.short())));
            a.status = Status::Failed(e);
            a.finished = Some(now);
            settle(app, i, fx);
        }
        _ => {}
    }
}

/// A judge's request has ended: its cost booked as the judge's, and once the round's last
/// one is in, the verdicts recorded.
fn settle(app: &mut App, i: usize, fx: &mut Vec<Effect>) {
    let job = &app.session.judge_jobs[i];
    let cost = job.answer.cost().usd();
    let (provider, model) = app.config.providers.route(&job.judge);
    let mut record = super::spend::record(&job.answer, &provider, &model, app.unix, app.today);
    record.purpose = crate::cost::ledger::Purpose::Judge;
    fx.push(Effect::RecordSpend(record));
    if let (Some(id), Some(ep)) = (
        &job.answer.generation_id,
        app.config.providers.endpoints.get(&provider),
    ) {
        if ep.kind == crate::provider::ProviderKind::Openrouter {
            fx.push(Effect::FetchGeneration {
                request: job.answer.request,
                provider: provider.clone(),
                id: id.clone(),
            });
        }
    }
    app.session.spend.add(cost);
    app.session.judge_spent += cost;
    if job.rubric.is_some() {
        return;
    }
    let round = job.round;
    let done = app
        .session
        .judge_jobs
        .iter()
        .filter(|j| j.round == round && j.rubric.is_none())
        .all(|j| j.read.is_some());
    if done {
        record_round(app, round, fx);
        let failed = app
            .session
            .judge_jobs
            .iter()
            .filter(|j| j.round == round && j.rubric.is_none() && matches!(j.read, Some(Err(_))))
            .count();
        // Blind: the footers keep the figures hidden until the vote, verdicts too.
        let place = if app.hidden() {
            "verdicts kept hidden until you vote"
        } else {
            "verdicts in the footers"
        };
        let text = match failed {
            0 => format!(
                "judged round {round}: {place} · {} shows them",
                key(app, "judge")
            ),
            n => format!(
                "judged round {round}: {n} verdicts failed (said on them) · {} shows them",
                key(app, "judge")
            ),
        };
        notice(app, text);
    }
}

/// The round's verdicts in the history: one per score, one per pair (both askings combined).
fn record_round(app: &App, round: u64, fx: &mut Vec<Effect>) {
    let index = |id: PaneId| app.pane_index(id).unwrap_or(usize::MAX);
    let jobs: Vec<&JudgeJob> = app
        .session
        .judge_jobs
        .iter()
        .filter(|j| j.round == round && j.rubric.is_none())
        .collect();
    let verdicts = crate::model::judged::verdicts(&app.session.judge_jobs, round);
    for job in &jobs {
        let base = JudgeVerdict {
            round,
            judge: job.judge.clone(),
            cost: Some(job.answer.cost().usd()),
            at: app.unix,
            ..JudgeVerdict::default()
        };
        let v = match job.ask {
            JudgeAsk::Score(id) => {
                let (score, reasons, error) = match &job.read {
                    Some(Ok(Reading::Score(s, why))) => (Some(*s), Some(why.clone()), None),
                    Some(Err(e)) => (None, None, Some(e.clone())),
                    _ => (None, None, None),
                };
                JudgeVerdict {
                    mode: "score".into(),
                    pane: index(id),
                    score,
                    scale: Some(job.scale),
                    reasons,
                    error,
                    ..base
                }
            }
            // The pair once, with what both askings made of it.
            JudgeAsk::Pair {
                x,
                y,
                x_first: true,
            } => {
                let of_x = verdicts.get(&x);
                let error = of_x.and_then(|v| v.errors.first().cloned());
                let pick = match error {
                    Some(_) => None,
                    None => crate::model::judged::pair_pick(&app.session.judge_jobs, round, x, y)
                        .map(|p| p.name().to_string()),
                };
                JudgeVerdict {
                    mode: "pairwise".into(),
                    pane: index(x),
                    other_pane: Some(index(y)),
                    pick,
                    reasons: match &job.read {
                        Some(Ok(Reading::Pick(_, why))) => Some(why.clone()),
                        _ => None,
                    },
                    error,
                    ..base
                }
            }
            JudgeAsk::Pair { .. } => continue,
        };
        fx.push(history(Op::Verdict(Box::new(v))));
    }
}
