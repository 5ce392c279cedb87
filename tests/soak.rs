#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Sixteen panes streaming from the simulator at full speed for a minute (SOAK_SECS to change
//! it), round after round: every answer matches the simulator's deterministic text exactly, so
//! no delta was dropped, doubled or reordered on the way.

mod common;

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyModifiers};
use switchboard::app::Status;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_panes_at_full_speed_for_a_minute() {
    let secs: u64 = std::env::var("SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let server = common::sim_at(10_000.0).await;
    let healthy = [
        "sim/swift",
        "sim/steady",
        "sim/thinker",
        "sim/coder",
        "sim/pricey",
        "sim/tooler",
        "sim/parallel",
        "sim/badjson",
        "sim/seer",
    ];
    let mut models: Vec<&str> = healthy.to_vec();
    models.extend(std::iter::repeat("sim/marathon").take(16 - healthy.len()));
    let mut app = common::sim_app(&models);
    for ep in app.config.providers.endpoints.values_mut() {
        ep.base_url = server.base_url();
    }
    // Each marathon pane writes its own length, so no two panes stream the same text.
    for (k, pane) in app.session.panes.iter_mut().skip(healthy.len()).enumerate() {
        pane.settings.max_tokens = Some(2_000 + 1_000 * k as u32);
    }

    let start = Instant::now();
    let (mut rounds, mut tokens) = (0, 0usize);
    while rounds == 0 || start.elapsed() < Duration::from_secs(secs) {
        rounds += 1;
        let prompt = format!("Round {rounds}: explain write-ahead logging");
        common::keys::type_text(&mut app, &prompt);
        let first = common::keys::press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(common::drive::starts(&first).len(), 16);
        common::drive::drive(&mut app, first).await;
        for (i, pane) in app.session.panes.iter().enumerate() {
            let answer = pane.current().unwrap();
            assert_eq!(answer.status, Status::Done, "round {rounds}, pane {i}");
            let want = if pane.model == "sim/marathon" {
                // The same document, cut at the pane's max_tokens.
                let n = pane.settings.max_tokens.unwrap();
                let whole = common::sim_text(&server.base_url(), &pane.model, &prompt).await;
                let words = answer.usage.as_ref().and_then(|u| u.completion_tokens);
                assert_eq!(words, Some(u64::from(n)), "round {rounds}, pane {i}");
                assert!(whole.starts_with(&answer.text), "round {rounds}, pane {i}");
                whole[..answer.text.len()].to_string()
            } else {
                common::sim_text(&server.base_url(), &pane.model, &prompt).await
            };
            assert_eq!(
                answer.text, want,
                "round {rounds}, pane {i} ({})",
                pane.model
            );
            tokens += answer
                .usage
                .as_ref()
                .and_then(|u| u.completion_tokens)
                .unwrap_or(0) as usize;
        }
    }
    eprintln!(
        "{rounds} rounds, {tokens} tokens in {:.1}s",
        start.elapsed().as_secs_f64()
    );
    assert!(tokens > 16 * 200, "{tokens} tokens streamed");
}
