//! A local OpenRouter look-alike with simulated models.
//!
//! It speaks OpenRouter's wire format (see the API reference in the project docs) over real
//! HTTP, so the app can be demoed offline and any OpenAI-compatible client can be pointed at
//! it. Answers are deterministic per (model, prompt); timing, failures and pricing follow a
//! fixed model table (see [`model_ids`]).

mod account;
mod catalog;
mod chat;
mod judge;
mod models;
mod plan;
mod request;
mod routing;
mod search;
mod state;
mod stream;
mod strict;
mod text;
mod tools;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::task::JoinHandle;

use state::{shutdown_requested, SimState};
use wire::ApiError;

#[derive(Clone, Debug)]
pub struct SimOptions {
    /// Multiplies every rate: 2.0 = twice as fast (all delays halved). Must be > 0; values <= 0 are treated as 1.0.
    pub speed: f64,
    /// Repeat each tool call's id and whole name in every fragment, as some servers do,
    /// instead of sending them once.
    pub repeat_tool_names: bool,
    /// The key's credit in USD: a request whose worst case it cannot cover is refused with
    /// 402 "can only afford N". `None` is unlimited.
    pub credit: Option<f64>,
    /// Requests a day to `:free` variants before 429 (OpenRouter's cap below $10 of credits).
    pub free_per_day: u64,
    /// Send one token per event, every delta with its role, as real servers do (about 250
    /// bytes of chunk JSON per token), instead of grouping 1–3 tokens per delta. The text is
    /// the same either way.
    pub one_token_per_event: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            speed: 1.0,
            repeat_tool_names: false,
            credit: None,
            free_per_day: 50,
            one_token_per_event: false,
        }
    }
}

/// A running simulator. Dropping it (or calling [`SimServer::shutdown`]) stops it.
pub struct SimServer {
    addr: SocketAddr,
    state: Arc<SimState>,
    task: Option<JoinHandle<()>>,
}

impl SimServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// e.g. "http://127.0.0.1:41234/api/v1"
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// Stops the server (also on Drop).
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        // Ends open streams (including stalled ones) and stops accepting connections; the
        // serve task then finishes on its own once in-flight responses are done.
        self.state.trigger_shutdown();
        self.task.take();
    }
}

/// Binds host:port (port 0 = random) and serves in a spawned tokio task. Must be called inside a tokio runtime.
pub async fn start(host: &str, port: u16, opts: SimOptions) -> std::io::Result<SimServer> {
    let listener = tokio::net::TcpListener::bind((host, port)).await?;
    let addr = listener.local_addr()?;
    let state = Arc::new(SimState::new(&opts));
    let app = build_router(state.clone());
    let stop = shutdown_requested(state.shutdown_signal());
    let task = tokio::spawn(async move {
        // Serving only fails on listener errors, and there is no caller left to report them to.
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await;
    });
    Ok(SimServer {
        addr,
        state,
        task: Some(task),
    })
}

/// The axum router, for callers who want to serve it themselves (e.g. the `switchboard sim` command which blocks on it).
pub fn router(opts: SimOptions) -> Router {
    build_router(Arc::new(SimState::new(&opts)))
}

/// The simulated model ids, in display order (e.g. for help text).
pub fn model_ids() -> Vec<&'static str> {
    models::MODELS.iter().map(|m| m.id).collect()
}

fn api_routes(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/models", get(catalog::list))
        .route("/models/{author}/{slug}/endpoints", get(catalog::endpoints))
        .route("/chat/completions", post(chat::completions))
        .route("/key", get(account::key))
        .route("/auth/key", get(account::key))
        .route("/generation", get(account::generation))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

fn build_router(state: Arc<SimState>) -> Router {
    // OpenRouter clients use `/api/v1`; plain OpenAI-compatible clients usually assume `/v1`.
    Router::new()
        .nest("/api/v1", api_routes(state.clone()))
        .nest("/v1", api_routes(state))
        .fallback(not_found)
}

async fn not_found(method: Method, uri: Uri) -> Response {
    ApiError::not_found(format!("Not found: {method} {}", uri.path())).into_response()
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        format!("Method {method} not allowed for {}", uri.path()),
    )
    .into_response()
}
