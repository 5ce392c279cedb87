#![allow(dead_code)]
//! Runs an app's effects against real servers, as the event loop does.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use switchboard::app::{update, Action, App, Effect};
use switchboard::stream::task::{run_request, StreamOptions};
use tokio::sync::mpsc;

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

/// As [`drive`], calling `react` after every stream event; the effects it returns (a cancel,
/// a new request) are run like the app's own.
pub async fn drive_react(
    app: &mut App,
    first: Vec<Effect>,
    mut react: impl FnMut(&mut App) -> Vec<Effect>,
) -> Vec<Effect> {
    let client = reqwest::Client::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut tasks: HashMap<u64, tokio::task::AbortHandle> = HashMap::new();
    let mut seen = Vec::new();
    let mut queue = first;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        for effect in queue.drain(..) {
            match &effect {
                Effect::Start {
                    request,
                    provider,
                    params,
                } => {
                    let ep = app.config.providers.endpoints[provider].clone();
                    let (client, tx, params, request) =
                        (client.clone(), tx.clone(), params.clone(), *request);
                    let h = tokio::spawn(async move {
                        run_request(&client, &ep, &params, &StreamOptions::default(), |event| {
                            let _ = tx.send((request, event));
                        })
                        .await;
                    });
                    tasks.insert(request, h.abort_handle());
                }
                Effect::Cancel { request } => {
                    if let Some(h) = tasks.remove(request) {
                        h.abort();
                    }
                }
                _ => {}
            }
            seen.push(effect);
        }
        if !app.any_active() {
            return seen;
        }
        assert!(Instant::now() < deadline, "streams did not finish");
        let Ok(Some((request, event))) =
            tokio::time::timeout(Duration::from_secs(30), rx.recv()).await
        else {
            panic!("no stream event for 30 s");
        };
        if event.is_terminal() {
            tasks.remove(&request);
        }
        app.now = Instant::now();
        queue = update(app, Action::Stream { request, event });
        queue.extend(react(app));
    }
}

pub fn starts(fx: &[Effect]) -> Vec<switchboard::provider::ChatParams> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Start { params, .. } => Some((**params).clone()),
            _ => None,
        })
        .collect()
}

/// Runs the `/generation` look-ups among `effects` as the loop does, feeding each answer back.
pub async fn settle_bills(app: &mut App, effects: &[Effect]) -> Vec<Effect> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for e in effects {
        if let Effect::FetchGeneration {
            request,
            provider,
            id,
        } = e
        {
            let ep = app.config.providers.endpoints[provider].clone();
            let result = switchboard::provider::generation::fetch(
                &client,
                &ep,
                id,
                switchboard::provider::generation::PATIENCE,
            )
            .await;
            out.extend(update(
                app,
                Action::Generation {
                    request: *request,
                    result,
                },
            ));
        }
    }
    out
}
