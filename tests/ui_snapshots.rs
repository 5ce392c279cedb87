#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What the screen shows, frame by frame, at the sizes people use: 60×15, 120×40, 200×50.
//! Time is fixed, so every figure in a footer is reproducible.

mod common;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::{update, Action, App, Effect};
use switchboard::provider::{ApiError, Usage};
use switchboard::stream::StreamEvent;
use switchboard::theme::Theme;

const SIZES: [(u16, u16); 3] = [(60, 15), (120, 40), (200, 50)];

fn app(models: &[&str], size: (u16, u16)) -> App {
    let mut a = common::sim_app(models);
    a.size = size;
    a.session_label = "2026-11-23 14:02".into();
    a
}

fn render(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(app, &Theme::default(), f))
        .unwrap();
    format!("{}", t.backend())
}

fn send(app: &mut App, text: &str) -> Vec<u64> {
    for c in text.chars() {
        update(
            app,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    )
    .into_iter()
    .filter_map(|e| match e {
        Effect::Start { request, .. } => Some(request),
        _ => None,
    })
    .collect()
}

fn ev(app: &mut App, request: u64, event: StreamEvent) {
    update(app, Action::Stream { request, event });
}

const ANSWER: &str = "## Attention in brief\n\nEach token looks at every other token and takes a **weighted average** of their values.\n\n- queries ask\n- keys answer\n- values carry\n\n```python\nweights = softmax(q @ k.T / sqrt(d))\nout = weights @ v\n```\n\nThat is all there is to it.";

fn streaming(size: (u16, u16)) -> App {
    let mut a = app(&["sim/swift", "sim/steady", "sim/thinker"], size);
    let t0 = a.now;
    let ids = send(&mut a, "Explain transformer attention in one paragraph.");
    a.now = t0 + Duration::from_millis(150);
    ev(
        &mut a,
        ids[0],
        StreamEvent::Served {
            model: "sim/swift".into(),
            provider: Some("SimCloud".into()),
        },
    );
    ev(&mut a, ids[0], StreamEvent::Delta(ANSWER[..120].into()));
    a.now = t0 + Duration::from_millis(420);
    ev(
        &mut a,
        ids[2],
        StreamEvent::Reasoning(
            "The user wants a short explanation. Start from queries, keys and values.".into(),
        ),
    );
    a.now = t0 + Duration::from_millis(1150);
    a
}

fn finished(size: (u16, u16)) -> App {
    let mut a = app(&["sim/swift", "sim/down", "sim/thinker"], size);
    let t0 = a.now;
    let ids = send(&mut a, "Explain transformer attention in one paragraph.");
    a.now = t0 + Duration::from_millis(412);
    ev(
        &mut a,
        ids[0],
        StreamEvent::Served {
            model: "sim/swift".into(),
            provider: Some("SimCloud".into()),
        },
    );
    ev(
        &mut a,
        ids[2],
        StreamEvent::Served {
            model: "sim/thinker".into(),
            provider: Some("Deep Sim".into()),
        },
    );
    ev(&mut a, ids[0], StreamEvent::Delta(ANSWER.into()));
    ev(
        &mut a,
        ids[2],
        StreamEvent::Reasoning("Queries, keys, values; keep it short.".into()),
    );
    a.now = t0 + Duration::from_millis(2412);
    ev(
        &mut a,
        ids[2],
        StreamEvent::Delta(
            "Attention lets each position mix information from all others, weighted by similarity."
                .into(),
        ),
    );
    for (id, tokens, cost) in [(ids[0], 87, 0.000_031), (ids[2], 54, 0.000_412)] {
        ev(&mut a, id, StreamEvent::Finish("stop".into()));
        ev(
            &mut a,
            id,
            StreamEvent::Usage(Usage {
                prompt_tokens: Some(14),
                completion_tokens: Some(tokens),
                cost: Some(cost),
                ..Usage::default()
            }),
        );
        ev(&mut a, id, StreamEvent::Done);
    }
    let err = ApiError::from_response(
        503,
        r#"{"error":{"code":503,"message":"No available provider for sim/down","metadata":{"error_type":"provider_unavailable","provider_name":"Sim Down","raw":"upstream: connection refused"}}}"#,
        None,
    );
    ev(&mut a, ids[1], StreamEvent::Error(err));
    a
}

#[test]
fn idle() {
    for size in SIZES {
        let a = app(&["sim/swift", "sim/steady", "sim/thinker"], size);
        insta::assert_snapshot!(format!("idle_{}x{}", size.0, size.1), render(&a));
    }
}

#[test]
fn streaming_frames() {
    for size in SIZES {
        insta::assert_snapshot!(
            format!("streaming_{}x{}", size.0, size.1),
            render(&streaming(size))
        );
    }
}

#[test]
fn finished_with_stats_and_an_error_pane() {
    for size in SIZES {
        let text = render(&finished(size));
        if size.0 >= 120 {
            assert!(text.contains("$0.000031 ✓"), "reported cost shown:\n{text}");
            assert!(
                text.contains("503 no provider available"),
                "error shown:\n{text}"
            );
        }
        insta::assert_snapshot!(format!("finished_{}x{}", size.0, size.1), text);
    }
}

#[test]
fn help_overlay() {
    for size in SIZES {
        let mut a = app(&["sim/swift", "sim/steady"], size);
        update(
            &mut a,
            Action::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
        );
        insta::assert_snapshot!(format!("help_{}x{}", size.0, size.1), render(&a));
    }
}

#[test]
fn tabs_when_narrow_and_zoom() {
    let mut a = finished((90, 30));
    let text = render(&a);
    assert!(
        text.contains("1 swift") && text.contains("3 thinker"),
        "tab bar:\n{text}"
    );
    insta::assert_snapshot!("tabs_90x30", text);
    a.size = (200, 50);
    a.focus = 2;
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)),
    );
    insta::assert_snapshot!("zoomed_200x50", render(&a));
}

#[test]
fn eight_panes_make_a_grid() {
    let models = [
        "sim/swift",
        "sim/steady",
        "sim/thinker",
        "sim/coder",
        "sim/pricey",
        "sim/flaky",
        "sim/midfail",
        "sim/cutoff",
    ];
    let a = app(&models, (200, 50));
    insta::assert_snapshot!("grid_8_200x50", render(&a));
}

#[test]
fn confirm_quit_and_add_pane_dialogs() {
    let mut a = streaming((120, 40));
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    insta::assert_snapshot!("confirm_quit_120x40", render(&a));
    let mut b = app(&["sim/swift"], (120, 40));
    update(
        &mut b,
        Action::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
    );
    insta::assert_snapshot!("add_pane_120x40", render(&b));
}
