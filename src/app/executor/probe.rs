//! Side requests to a provider: its catalog, its key, the endpoints serving a model, a
//! connection test. Each is spawned, and its answer comes back as an action.

use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;

use super::SIDE_REQUEST_TIMEOUT;
use crate::app::action::Action;
use crate::catalog::{self, Catalog};
use crate::provider::Endpoint;

/// What a side request needs; `None` (an unknown provider) does nothing.
pub(super) struct Side {
    pub client: reqwest::Client,
    pub endpoint: Endpoint,
    pub tx: UnboundedSender<Action>,
}

pub(super) fn key(side: Option<Side>, provider: String) {
    let Some(Side {
        client,
        endpoint,
        tx,
    }) = side
    else {
        return;
    };
    tokio::spawn(async move {
        let status =
            crate::provider::account::key_status(&client, &endpoint, SIDE_REQUEST_TIMEOUT).await;
        let _ = tx.send(Action::KeyInfo { provider, status });
    });
}

pub(super) fn catalog(side: Option<Side>, provider: String, dir: Option<std::path::PathBuf>) {
    let Some(Side {
        client,
        endpoint,
        tx,
    }) = side
    else {
        return;
    };
    tokio::spawn(async move {
        let result = catalog::fetch(&client, &endpoint, SIDE_REQUEST_TIMEOUT)
            .await
            .map(|models| Catalog {
                provider: provider.clone(),
                fetched_at: chrono::Utc::now().timestamp(),
                models,
            })
            .map_err(|e| e.to_string());
        if let (Ok(c), Some(dir)) = (&result, dir) {
            let c = c.clone();
            // A cache that cannot be written only costs the next start its head start.
            let _ = tokio::task::spawn_blocking(move || catalog::cache::save(&dir, &c)).await;
        }
        let _ = tx.send(Action::Catalog { provider, result });
    });
}

pub(super) fn endpoints(side: Option<Side>, model: String) {
    let Some(Side {
        client,
        endpoint,
        tx,
    }) = side
    else {
        return;
    };
    tokio::spawn(async move {
        // Suggestions only: a failure just means none are shown.
        if let Ok(endpoints) =
            catalog::endpoints(&client, &endpoint, &model, SIDE_REQUEST_TIMEOUT).await
        {
            let _ = tx.send(Action::Endpoints { model, endpoints });
        }
    });
}

pub(super) fn test(side: Option<Side>, provider: String) {
    let Some(Side {
        client,
        endpoint,
        tx,
    }) = side
    else {
        return;
    };
    tokio::spawn(async move {
        let report = test_provider(&client, &endpoint).await;
        let _ = tx.send(Action::ProviderTested { provider, report });
    });
}

/// Resolves the base URL, lists the models, checks the key and times it all.
async fn test_provider(client: &reqwest::Client, ep: &Endpoint) -> Result<String, String> {
    let start = Instant::now();
    let models = catalog::fetch(client, ep, SIDE_REQUEST_TIMEOUT)
        .await
        .map_err(|e| format!("{} — {e}", ep.base_url))?;
    let latency = start.elapsed().as_millis();
    let mut report = format!("{} · {} models in {latency} ms", ep.base_url, models.len());
    if ep.kind == crate::provider::ProviderKind::Openrouter {
        use crate::app::spend::KeyStatus;
        let key = match crate::provider::account::key_status(client, ep, SIDE_REQUEST_TIMEOUT).await
        {
            KeyStatus::Remaining(v) => format!("key ok, {} left", crate::cost::money(v)),
            KeyStatus::Used(v) => format!("key ok, {} used", crate::cost::money(v)),
            KeyStatus::Refused => return Err(format!("{report} · key refused")),
            KeyStatus::Unavailable(e) => format!("key not checked ({e})"),
        };
        report.push_str(" · ");
        report.push_str(&key);
    }
    Ok(report)
}
