#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What the screen shows, frame by frame, at the sizes people use: 60×15, 120×40, 200×50.
//! Time is fixed, so every figure in a footer is reproducible.

mod common;

use std::time::Duration;
use switchboard::model::RequestId;

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
    a.view.size = size;
    a.session.session_label = "2026-11-23 14:02".into();
    a
}

fn render(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.view.size.0, app.view.size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(app, &Theme::default(), f))
        .unwrap();
    format!("{}", t.backend())
}

fn send(app: &mut App, text: &str) -> Vec<RequestId> {
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

fn ev(app: &mut App, request: RequestId, event: StreamEvent) {
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
    a.view.size = (200, 50);
    a.view.focus = 2;
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

fn catalog_app(size: (u16, u16)) -> App {
    use switchboard::catalog::{Catalog, ModelInfo};
    use switchboard::cost::{ModelPrice, Price};
    let mut a = app(&["sim/swift", "sim/coder"], size);
    let mut models = Vec::new();
    for (id, name, input, out, ctx, tools, reasoning, vision) in [
        (
            "anthropic/claude-3.5-sonnet",
            "Claude 3.5 Sonnet",
            3.0,
            15.0,
            200_000,
            true,
            false,
            true,
        ),
        (
            "openai/gpt-4o",
            "GPT-4o",
            2.5,
            10.0,
            128_000,
            true,
            false,
            true,
        ),
        (
            "deepseek/deepseek-r1:free",
            "DeepSeek R1 (free)",
            0.0,
            0.0,
            163_840,
            false,
            true,
            false,
        ),
        (
            "meta-llama/llama-3.3-70b-instruct",
            "Llama 3.3 70B",
            0.12,
            0.3,
            131_072,
            true,
            false,
            false,
        ),
        (
            "openrouter/auto",
            "Auto Router",
            -1.0,
            -1.0,
            2_000_000,
            false,
            false,
            false,
        ),
    ] {
        let mut m = ModelInfo::bare(id);
        m.name = Some(name.into());
        m.price = Some(if input < 0.0 {
            ModelPrice {
                prompt: Price::Dynamic,
                completion: Price::Dynamic,
            }
        } else {
            ModelPrice::per_million(input, out)
        });
        m.context_length = Some(ctx);
        m.tools = tools;
        m.reasoning = reasoning;
        m.vision = vision;
        models.push(m);
    }
    a.set_catalog(Catalog {
        provider: "sim".into(),
        fetched_at: 0,
        models,
    });
    a
}

#[test]
fn picker_overlay() {
    for size in [(120, 40), (60, 15)] {
        let mut a = catalog_app(size);
        update(
            &mut a,
            Action::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
        );
        insta::assert_snapshot!(format!("picker_{}x{}", size.0, size.1), render(&a));
    }
    let mut a = catalog_app((120, 40));
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
    );
    for c in "gpt".chars() {
        update(
            &mut a,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let text = render(&a);
    assert!(text.contains("openai/gpt-4o"), "{text}");
    assert!(!text.contains("claude-3.5-sonnet"), "filtered out:\n{text}");
    insta::assert_snapshot!("picker_typed_120x40", text);
}

#[test]
fn spend_gauge_at_each_threshold() {
    use switchboard::cost::budget::Level;
    use switchboard::cost::Budget;
    let theme = Theme::default();
    for (spent, level) in [
        (0.1, Level::Ok),
        (0.55, Level::Warn),
        (0.85, Level::High),
        (1.2, Level::Over),
    ] {
        let mut a = app(&["sim/swift"], (120, 10));
        a.config.budget = Budget {
            session_usd: Some(1.0),
            daily_usd: Some(5.0),
            ..Budget::default()
        };
        a.session.spend.add(spent);
        a.session.key = Some((
            "sim".into(),
            switchboard::app::spend::KeyStatus::Remaining(8.42),
        ));
        let mut t = Terminal::new(TestBackend::new(120, 10)).unwrap();
        t.draw(|f| switchboard::ui::draw(&a, &theme, f)).unwrap();
        let buf = t.backend().buffer().clone();
        let header: String = (0..120).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        let bar_x = header
            .chars()
            .position(|c| c == '▕')
            .unwrap_or_else(|| panic!("no gauge: {header}")) as u16
            + 1;
        assert_eq!(
            buf[(bar_x, 0)].fg,
            theme.gauge(level).fg.unwrap(),
            "colour at {spent}: {header}"
        );
        insta::assert_snapshot!(format!("gauge_{level:?}").to_lowercase(), header);
    }
}

#[test]
fn spend_breakdown_overlay() {
    use chrono::NaiveDate;
    use switchboard::app::state::Overlay;
    use switchboard::cost::ledger::Breakdown;
    let mut a = app(&["sim/swift"], (120, 40));
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    a.overlay = Some(Overlay::Spend(Some(Ok(Breakdown {
        by_model: vec![
            ("anthropic/claude-3.5-sonnet".into(), 0.42, 12),
            ("openai/gpt-4o".into(), 0.21, 9),
            ("sim/swift".into(), 0.0001, 30),
        ],
        by_day: vec![(day(21), 0.1), (day(22), 0.3), (day(23), 0.2301)],
    }))));
    insta::assert_snapshot!("spend_breakdown_120x40", render(&a));
}
