//! Sending a run's requests: as many at once as `--concurrency` allows, each checked against
//! the budget first, each answer booked in the ledger (as an answer or as a judge's) and its
//! bill asked for while the others finish.

use std::collections::{HashMap, VecDeque};

use super::jobs::{refused, Live, Pending};
use super::summary::Result_;
use super::Record;
use crate::app::executor::{Executor, Inboxes};
use crate::app::state::Providers;
use crate::app::Action;
use crate::cost::ledger::Purpose;
use crate::model::RequestId;
use crate::session::store::{Finished, Op};

pub(super) struct Sender<'a> {
    pub exec: &'a mut Executor,
    pub inboxes: &'a mut Inboxes,
    pub providers: &'a Providers,
    pub budget: crate::cost::Budget,
    pub concurrency: usize,
    /// What today and this month cost before the run.
    pub before: (f64, f64),
    /// What the run has cost so far, judges included.
    pub spent: f64,
    pub record: &'a mut Record,
    pub bar: Option<&'a indicatif::ProgressBar>,
    /// The suite's case names, for the spans.
    pub cases: Vec<String>,
}

impl Sender<'_> {
    /// Sends every request in `queue` and gives their results in the order they ended.
    pub async fn send(&mut self, mut queue: VecDeque<Pending>, purpose: Purpose) -> Vec<Result_> {
        let mut live: HashMap<RequestId, Live> = HashMap::new();
        let mut results: Vec<Result_> = Vec::new();
        // Answers whose bill is asked for: where their row is.
        let mut billing: HashMap<RequestId, usize> = HashMap::new();
        loop {
            let mut done = Vec::new();
            while live.len() < self.concurrency {
                let Some(p) = queue.pop_front() else { break };
                let (day, month) = self.before;
                let over = self.budget.check(
                    crate::cost::Spent {
                        session: self.spent,
                        day: day + self.spent,
                        month: month + self.spent,
                    },
                    0.0,
                );
                if let Some(b) = over {
                    done.push((p.request, refused(&p, b.refusal())));
                    continue;
                }
                let kind = self.providers.endpoints.get(&p.provider).map(|e| e.kind);
                if let Some(why) =
                    kind.and_then(|k| p.params.settings.search_refused(k, &p.provider))
                {
                    done.push((p.request, refused(&p, why)));
                    continue;
                }
                let answer = Live::new(&p);
                let label = crate::telemetry::Label {
                    purpose: purpose.name(),
                    pane: Some(p.pane + 1),
                    round: Some(p.prompt_index as u64 + 1),
                    repeat: Some(p.repeat),
                    case: p.case.and_then(|c| self.cases.get(c).cloned()),
                    price: p.price,
                };
                match self.exec.start(
                    self.providers,
                    p.request,
                    &p.provider,
                    p.params.clone(),
                    label,
                ) {
                    Ok(()) => {
                        live.insert(p.request, answer);
                    }
                    Err(e) => done.push((p.request, Live::unsent(&p, e))),
                }
            }
            for (request, r) in done {
                self.finish(request, r, purpose, &mut results, &mut billing);
            }
            if live.is_empty() && billing.is_empty() && queue.is_empty() {
                return results;
            }
            tokio::select! {
                Some(id) = self.inboxes.ready.recv() => {
                    for event in self.exec.take(id) {
                        let Some(answer) = live.get_mut(&id) else { continue };
                        if answer.on(event) {
                            let Some(answer) = live.remove(&id) else { continue };
                            self.finish(id, answer.finish(), purpose, &mut results, &mut billing);
                        }
                    }
                },
                Some(action) = self.inboxes.actions.recv() => match action {
                    Action::BackgroundError(e) => self.record.tell(e),
                    Action::TraceNotice(e) => eprintln!("warning: {e}"),
                    // Booked as billed; one that does not come in time leaves the stream's
                    // figure, labelled as such.
                    Action::Generation { request, result } => {
                        let at = billing.remove(&request);
                        if let (Some(r), Ok(billed)) = (at.and_then(|at| results.get_mut(at)), result) {
                            r.cost = Some(billed.booked());
                            r.cost_source = Some("billed");
                            self.exec.history(Op::Billed {
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
    }

    /// An answer has its row: booked in the ledger, its end recorded in the history (a
    /// judge's verdict is recorded as a verdict instead), and its bill asked for.
    fn finish(
        &mut self,
        request: RequestId,
        r: Result_,
        purpose: Purpose,
        results: &mut Vec<Result_>,
        billing: &mut HashMap<RequestId, usize>,
    ) {
        self.spent += r.cost.unwrap_or(0.0);
        if let Some(b) = self.bar {
            b.inc(1);
        }
        let exec = &self.exec;
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
            purpose,
        });
        if purpose == Purpose::Answer {
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
                    web_searches: r.web_searches,
                    citations: r.citations.clone(),
                    ..Finished::default()
                }),
            });
        }
        let openrouter = self
            .providers
            .endpoints
            .get(&r.provider)
            .is_some_and(|e| e.kind == crate::provider::ProviderKind::Openrouter);
        if let (Some(id), true) = (&r.generation_id, openrouter) {
            if exec.bill(self.providers, request, &r.provider, id.clone()) {
                billing.insert(request, results.len());
            }
        }
        results.push(r);
    }
}
