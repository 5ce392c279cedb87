#![allow(dead_code)]
//! Runs an app's effects through the executor the playground's loop uses (routes, fallbacks
//! and retries included), against real servers.

use std::time::{Duration, Instant};

use switchboard::app::executor::{Executor, Inboxes, Setup};
use switchboard::app::{update, Action, App, Effect};

/// Runs effects the way the loop does until no request is left running; returns every effect.
pub async fn drive(app: &mut App, first: Vec<Effect>) -> Vec<Effect> {
    drive_each(app, first, |_| {}).await
}

/// As [`drive`], calling `each` after every stream event has been applied.
pub async fn drive_each(
    app: &mut App,
    first: Vec<Effect>,
    mut each: impl FnMut(&mut App),
) -> Vec<Effect> {
    drive_react(app, first, |a| {
        each(a);
        Vec::new()
    })
    .await
}

/// An executor that writes nothing anywhere.
fn executor() -> (Executor, Inboxes) {
    Executor::new(Setup::in_memory(reqwest::Client::new()))
}

/// As [`drive`], calling `react` after every stream event; the effects it returns (a cancel,
/// a new request) are run like the app's own.
pub async fn drive_react(
    app: &mut App,
    first: Vec<Effect>,
    react: impl FnMut(&mut App) -> Vec<Effect>,
) -> Vec<Effect> {
    let (mut exec, mut inboxes) = executor();
    drive_on(&mut exec, &mut inboxes, app, first, react).await
}

/// As [`drive_react`], through a given executor (one set up to trace, say).
pub async fn drive_on(
    exec: &mut Executor,
    inboxes: &mut Inboxes,
    app: &mut App,
    first: Vec<Effect>,
    mut react: impl FnMut(&mut App) -> Vec<Effect>,
) -> Vec<Effect> {
    let mut seen = Vec::new();
    let mut queue = first;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        for effect in queue.drain(..) {
            // Bills are asked for by `settle_bills`, where a test wants them.
            if !matches!(effect, Effect::FetchGeneration { .. }) {
                exec.run(effect.clone(), app);
            }
            seen.push(effect);
        }
        let judging = app
            .session
            .judge_jobs
            .iter()
            .any(|j| j.answer.status.is_active());
        if !app.any_active() && !judging {
            return seen;
        }
        assert!(Instant::now() < deadline, "streams did not finish");
        let Ok(Some(request)) =
            tokio::time::timeout(Duration::from_secs(30), inboxes.ready.recv()).await
        else {
            panic!("no stream event for 30 s");
        };
        for event in exec.take(request) {
            app.now = Instant::now();
            queue.extend(update(app, Action::Stream { request, event }));
            queue.extend(react(app));
        }
    }
}

/// The ids of the requests `fx` starts, in order.
pub fn started(fx: &[Effect]) -> Vec<switchboard::model::RequestId> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Start { request, .. } => Some(*request),
            _ => None,
        })
        .collect()
}

/// The requests `fx` starts, with what each asks.
pub fn started_with(
    fx: &[Effect],
) -> Vec<(
    switchboard::model::RequestId,
    switchboard::provider::ChatParams,
)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Start {
                request, params, ..
            } => Some((*request, (**params).clone())),
            _ => None,
        })
        .collect()
}

pub fn starts(fx: &[Effect]) -> Vec<switchboard::provider::ChatParams> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Start { params, .. } => Some((**params).clone()),
            _ => None,
        })
        .collect()
}

/// Runs the `/generation` look-ups among `effects` through the executor, feeding each answer
/// back as the loop does.
pub async fn settle_bills(app: &mut App, effects: &[Effect]) -> Vec<Effect> {
    let (mut exec, mut inboxes) = executor();
    let mut asked = 0;
    for e in effects {
        if matches!(e, Effect::FetchGeneration { .. }) {
            exec.run(e.clone(), app);
            asked += 1;
        }
    }
    let mut out = Vec::new();
    while asked > 0 {
        let Ok(Some(action)) =
            tokio::time::timeout(Duration::from_secs(60), inboxes.actions.recv()).await
        else {
            panic!("a /generation look-up never answered");
        };
        if matches!(action, Action::Generation { .. }) {
            asked -= 1;
            out.extend(update(app, action));
        }
    }
    out
}
