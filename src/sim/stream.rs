//! The streaming (SSE) response: keep-alive comments while "thinking", paced chunks, and the
//! scripted failures.
//!
//! A spawned task produces the body into a bounded channel. When the client goes away hyper
//! drops the body, which drops the receiver; the producer notices at its next send or while
//! sleeping (`Sender::closed`) and stops, so abandoned streams cost nothing.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::plan::{Ending, Plan, GENERATION_ID_HEADER};
use super::state::{shutdown_requested, SimState};
use super::wire::{sse_data, Chunk, ChunkChoice, Delta, ErrorChoice, ReasoningDetail};

const KEEPALIVE: &str = ": OPENROUTER PROCESSING\n\n";
const DONE: &str = "data: [DONE]\n\n";
/// Simulated milliseconds between keep-alive comments.
const KEEPALIVE_EVERY_MS: f64 = 300.0;
/// Sleeps shorter than this are skipped: at high speed factors the timer overhead would
/// otherwise dominate, and the deadline-based schedule catches up on the next real sleep.
const MIN_SLEEP: Duration = Duration::from_millis(1);

type Item = Result<Bytes, io::Error>;

pub(crate) fn respond(state: Arc<SimState>, plan: Plan) -> Response {
    let (tx, rx) = mpsc::channel::<Item>(32);
    let id = plan.id.clone();
    tokio::spawn(produce(state, plan, tx));
    let body = Body::from_stream(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            (GENERATION_ID_HEADER, id.as_str()),
        ],
        body,
    )
        .into_response()
}

/// Why production stopped early.
struct Gone;

struct Sink {
    tx: mpsc::Sender<Item>,
    shutdown: watch::Receiver<bool>,
}

impl Sink {
    async fn send(&self, text: String) -> Result<(), Gone> {
        tokio::select! {
            sent = self.tx.send(Ok(Bytes::from(text))) => sent.map_err(|_| Gone),
            _ = shutdown_requested(self.shutdown.clone()) => Err(Gone),
        }
    }

    async fn wait_until(&self, at: Instant) -> Result<(), Gone> {
        if self.tx.is_closed() || *self.shutdown.borrow() {
            return Err(Gone);
        }
        if at.saturating_duration_since(Instant::now()) < MIN_SLEEP {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep_until(at) => Ok(()),
            _ = self.tx.closed() => Err(Gone),
            _ = shutdown_requested(self.shutdown.clone()) => Err(Gone),
        }
    }

    /// Waits until `until`, sending keep-alive comments on the `next_ping` schedule.
    async fn wait_with_pings(
        &self,
        until: Instant,
        next_ping: &mut Instant,
        every: Duration,
    ) -> Result<(), Gone> {
        while *next_ping < until {
            self.wait_until(*next_ping).await?;
            self.send(KEEPALIVE.to_owned()).await?;
            *next_ping += every;
        }
        self.wait_until(until).await
    }

    /// Holds the connection open, silently, until the client leaves or the server stops.
    async fn hang(&self) {
        tokio::select! {
            _ = self.tx.closed() => {}
            _ = shutdown_requested(self.shutdown.clone()) => {}
        }
    }
}

/// Progress so far, for the ledger if the stream ends early.
struct Progress {
    generated: usize,
    reasoning: usize,
    first_token: Option<Instant>,
    role_sent: bool,
}

impl Plan {
    fn chunk(&self, delta: Delta) -> Option<String> {
        sse_data(&Chunk {
            id: &self.id,
            object: "chat.completion.chunk",
            created: self.created,
            model: self.model.id,
            provider: self.provider,
            error: None,
            choices: vec![ChunkChoice {
                index: 0,
                delta,
                finish_reason: None,
                native_finish_reason: None,
                logprobs: None,
            }],
            usage: None,
            openrouter_metadata: None,
        })
    }
}

/// Splits pieces into deltas of 1–3 pieces each, or of exactly one with `single`.
fn groups(pieces: &[String], rng: &mut ChaCha8Rng, single: bool) -> Vec<(usize, String)> {
    if single {
        return pieces.iter().map(|p| (1, p.clone())).collect();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let n = rng.gen_range(1..=3).min(pieces.len() - i);
        out.push((n, pieces[i..i + n].concat()));
        i += n;
    }
    out
}

async fn produce(state: Arc<SimState>, plan: Plan, tx: mpsc::Sender<Item>) {
    let sink = Sink {
        tx,
        shutdown: state.shutdown_signal(),
    };
    let mut progress = Progress {
        generated: 0,
        reasoning: 0,
        first_token: None,
        role_sent: false,
    };
    let outcome = run(&state, &plan, &sink, &mut progress).await;
    if outcome.is_err() {
        // Some providers stop generating (and billing) when the client goes; others finish
        // the answer and bill all of it.
        let (generated, reasoning) = if plan.model.bills_whole_answer() {
            plan.generated()
        } else {
            (progress.generated, progress.reasoning)
        };
        plan.record(
            &state,
            generated as u64,
            reasoning as u64,
            progress.first_token,
            None,
            true,
            true,
        );
    }
}

async fn run(
    state: &SimState,
    plan: &Plan,
    sink: &Sink,
    progress: &mut Progress,
) -> Result<(), Gone> {
    let every = state.scaled(KEEPALIVE_EVERY_MS);
    // One comment straight away tells the client the request was accepted.
    sink.send(KEEPALIVE.to_owned()).await?;
    if let Some(echo) = &plan.echo {
        // `debug.echo_upstream_body`: a first chunk with no choices and the body as sent on.
        let chunk = json!({"id": plan.id, "object": "chat.completion.chunk", "created": plan.created,
            "model": plan.model.id, "provider": plan.provider, "choices": [],
            "debug": {"echo_upstream_body": echo}});
        sink.send(format!("data: {chunk}\n\n")).await?;
    }
    let mut next_ping = plan.started + every;
    sink.wait_with_pings(plan.token_time(state, 0), &mut next_ping, every)
        .await?;

    let mut rng = ChaCha8Rng::seed_from_u64(plan.chunk_seed);
    let reasoning_id = plan.reasoning_id();
    let single = state.one_token_per_event();
    if plan.show_reasoning {
        for (n, text) in groups(&plan.reasoning, &mut rng, single) {
            sink.wait_until(plan.token_time(state, progress.generated + n - 1))
                .await?;
            let detail = if plan.model.signs() {
                ReasoningDetail::signed(text.clone(), &reasoning_id, None)
            } else {
                ReasoningDetail::text(text.clone(), &reasoning_id)
            };
            let delta = Delta {
                role: (single || !progress.role_sent).then_some("assistant"),
                content: Some(String::new()),
                reasoning: Some(text),
                reasoning_details: Some(vec![detail]),
                annotations: None,
            };
            emit(sink, plan.chunk(delta)).await?;
            progress.role_sent = true;
            progress.generated += n;
            progress.reasoning += n;
            progress.first_token.get_or_insert_with(Instant::now);
        }
        if plan.model.signs() && !plan.reasoning.is_empty() {
            let sig = super::strict::signature(&plan.reasoning.concat());
            let delta = Delta {
                content: Some(String::new()),
                reasoning_details: Some(vec![ReasoningDetail::signed(
                    String::new(),
                    &reasoning_id,
                    Some(sig),
                )]),
                ..Delta::default()
            };
            emit(sink, plan.chunk(delta)).await?;
        }
    } else if !plan.reasoning.is_empty() {
        // Hidden reasoning still takes time (and is billed); keep the client reassured meanwhile.
        let n = plan.reasoning.len();
        sink.wait_with_pings(plan.token_time(state, n - 1), &mut next_ping, every)
            .await?;
        progress.generated += n;
        progress.reasoning += n;
        progress.first_token.get_or_insert_with(Instant::now);
    }

    for (n, text) in groups(&plan.content, &mut rng, single) {
        sink.wait_until(plan.token_time(state, progress.generated + n - 1))
            .await?;
        let delta = Delta {
            role: (single || !progress.role_sent).then_some("assistant"),
            content: Some(text),
            ..Delta::default()
        };
        emit(sink, plan.chunk(delta)).await?;
        progress.role_sent = true;
        progress.generated += n;
        progress.first_token.get_or_insert_with(Instant::now);
    }

    let generated = progress.generated as u64;
    let reasoning = progress.reasoning as u64;
    match plan.ending {
        Ending::Finish { .. } | Ending::ErrorFinish(_) => {
            let (reason, native) = plan.ending.finish().unwrap_or(("stop", "stop"));
            let finish = Chunk {
                id: &plan.id,
                object: "chat.completion.chunk",
                created: plan.created,
                model: plan.model.id,
                provider: plan.provider,
                error: None,
                choices: vec![ChunkChoice {
                    index: 0,
                    delta: Delta {
                        role: (!progress.role_sent).then_some("assistant"),
                        content: Some(String::new()),
                        annotations: plan.citations_sent(),
                        ..Delta::default()
                    },
                    finish_reason: Some(reason),
                    native_finish_reason: Some(native),
                    logprobs: None,
                }],
                usage: None,
                openrouter_metadata: None,
            };
            emit(sink, sse_data(&finish)).await?;
            // Recorded before the usage chunk so `/generation` knows the id once `[DONE]` arrives.
            let usage = plan.record(
                state,
                generated,
                reasoning,
                progress.first_token,
                Some((reason, native)),
                true,
                false,
            );
            let usage_chunk: Chunk<'_, ChunkChoice> = Chunk {
                id: &plan.id,
                object: "chat.completion.chunk",
                created: plan.created,
                model: plan.model.id,
                provider: plan.provider,
                error: None,
                choices: Vec::new(),
                usage: Some(usage),
                openrouter_metadata: plan.metadata.clone(),
            };
            // From here the generation is complete and recorded, so a vanished client changes nothing.
            let _ = emit(sink, sse_data(&usage_chunk)).await;
            let _ = sink.send(DONE.to_owned()).await;
        }
        Ending::Cutoff => {
            plan.record(
                state,
                generated,
                reasoning,
                progress.first_token,
                Some(("error", "error")),
                true,
                false,
            );
            // An error item makes hyper abort the connection mid-body: no finish, no [DONE].
            let _ = sink
                .tx
                .send(Err(io::Error::new(
                    io::ErrorKind::ConnectionReset,
                    "simulated upstream connection drop",
                )))
                .await;
        }
        Ending::MidFail => {
            plan.record(
                state,
                generated,
                reasoning,
                progress.first_token,
                Some(("error", "error")),
                true,
                false,
            );
            let chunk = Chunk {
                id: &plan.id,
                object: "chat.completion.chunk",
                created: plan.created,
                model: plan.model.id,
                provider: plan.provider,
                error: Some(json!({
                    "code": 502,
                    "message": "Provider returned error",
                    "metadata": {
                        "error_type": "provider_unavailable",
                        "provider_name": plan.provider,
                        "raw": "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
                    },
                })),
                choices: vec![ErrorChoice {
                    index: 0,
                    delta: Delta {
                        content: Some(String::new()),
                        ..Delta::default()
                    },
                    finish_reason: "error",
                }],
                usage: None,
                openrouter_metadata: None,
            };
            let _ = emit(sink, sse_data(&chunk)).await;
            let _ = sink.send(DONE.to_owned()).await;
        }
        Ending::Stall => {
            sink.hang().await;
            return Err(Gone);
        }
    }
    Ok(())
}

async fn emit(sink: &Sink, event: Option<String>) -> Result<(), Gone> {
    match event {
        Some(text) => sink.send(text).await,
        None => Ok(()),
    }
}
