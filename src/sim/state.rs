//! Per-server shared state: pacing speed, the flaky model's counter, the generation ledger
//! behind `/generation` and `/key`, and the shutdown signal.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

/// Generations remembered for `/generation`; older ones are forgotten first.
const LEDGER_CAPACITY: usize = 1000;

#[derive(Serialize, Clone, Debug)]
pub(crate) struct GenRecord {
    pub id: String,
    pub total_cost: f64,
    pub model: String,
    pub provider_name: String,
    pub tokens_prompt: u64,
    pub tokens_completion: u64,
    pub native_tokens_prompt: u64,
    pub native_tokens_completion: u64,
    pub native_tokens_reasoning: u64,
    /// Prompt tokens read from a cache; the simulator caches nothing.
    pub native_tokens_cached: u64,
    /// Milliseconds to the first token.
    pub latency: u64,
    /// Milliseconds from request to the last token.
    pub generation_time: u64,
    pub finish_reason: Option<String>,
    pub native_finish_reason: Option<String>,
    pub streamed: bool,
    pub cancelled: bool,
    pub is_byok: bool,
    /// What the upstream provider billed a bring-your-own-key request.
    pub upstream_inference_cost: Option<f64>,
}

#[derive(Default)]
struct Ledger {
    order: VecDeque<String>,
    records: HashMap<String, GenRecord>,
    total_cost: f64,
    /// Ids already asked for once: like OpenRouter, a generation is not found on the first ask
    /// right after it ends.
    asked: std::collections::HashSet<String>,
}

pub(crate) struct SimState {
    speed: f64,
    repeat_tool_names: bool,
    credit: Option<f64>,
    free_per_day: u64,
    free_used: AtomicU64,
    one_token_per_event: bool,
    flaky_calls: AtomicU64,
    ledger: Mutex<Ledger>,
    shutdown: watch::Sender<bool>,
}

impl SimState {
    pub fn new(opts: &super::SimOptions) -> Self {
        let speed = opts.speed;
        SimState {
            repeat_tool_names: opts.repeat_tool_names,
            credit: opts.credit,
            free_per_day: opts.free_per_day,
            free_used: AtomicU64::new(0),
            one_token_per_event: opts.one_token_per_event,
            speed: if speed.is_finite() && speed > 0.0 {
                speed
            } else {
                1.0
            },
            flaky_calls: AtomicU64::new(0),
            ledger: Mutex::new(Ledger::default()),
            shutdown: watch::Sender::new(false),
        }
    }

    /// Converts simulated milliseconds into wall-clock time at this server's speed.
    pub fn scaled(&self, ms: f64) -> Duration {
        // Microsecond resolution; clamped so odd inputs can never panic.
        Duration::from_micros((ms * 1000.0 / self.speed).clamp(0.0, 1e15) as u64)
    }

    /// The key's credit left, when it has a limit.
    pub fn credit_left(&self) -> Option<f64> {
        self.credit.map(|c| c - self.total_cost())
    }

    pub fn credit(&self) -> Option<f64> {
        self.credit
    }

    /// Counts a request to a `:free` variant: how many today, this one included, and the cap.
    pub fn free_request(&self) -> (u64, u64) {
        (
            self.free_used.fetch_add(1, Ordering::Relaxed) + 1,
            self.free_per_day,
        )
    }

    /// Whether every tool-call fragment repeats the call's whole name.
    pub fn repeat_tool_names(&self) -> bool {
        self.repeat_tool_names
    }

    /// Whether every token goes in an event of its own.
    pub fn one_token_per_event(&self) -> bool {
        self.one_token_per_event
    }

    /// True for the 1st, 3rd, 5th… attempt to use the flaky model.
    pub fn flaky_rejects(&self) -> bool {
        self.flaky_calls.fetch_add(1, Ordering::Relaxed) % 2 == 0
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        // The ledger holds plain data that is valid after any panic, so poisoning is harmless.
        self.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn record(&self, record: GenRecord) {
        let mut ledger = self.ledger();
        ledger.total_cost += record.total_cost;
        if ledger
            .records
            .insert(record.id.clone(), record.clone())
            .is_none()
        {
            ledger.order.push_back(record.id);
        }
        while ledger.order.len() > LEDGER_CAPACITY {
            if let Some(old) = ledger.order.pop_front() {
                ledger.records.remove(&old);
                ledger.asked.remove(&old);
            }
        }
    }

    /// The record of a generation; `None` on the first ask for it, as OpenRouter answers 404
    /// for a moment after a generation ends.
    pub fn generation(&self, id: &str) -> Option<GenRecord> {
        let mut ledger = self.ledger();
        if ledger.asked.insert(id.to_owned()) {
            return None;
        }
        ledger.records.get(id).cloned()
    }

    pub fn total_cost(&self) -> f64 {
        super::wire::round_usd(self.ledger().total_cost)
    }

    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    pub fn trigger_shutdown(&self) {
        self.shutdown.send_replace(true);
    }
}

/// Resolves once shutdown has been requested.
pub(crate) async fn shutdown_requested(mut rx: watch::Receiver<bool>) {
    // An Err means the sender is gone, which only happens when the state itself is dropped.
    let _ = rx.wait_for(|stopped| *stopped).await;
}
