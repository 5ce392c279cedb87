#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Frame cost against transcript length. A frame of a 120×40 pane should cost the same with a
//! 1,000-line transcript as with a 100,000-line one, at the bottom and in the middle; a delta
//! on a 100,000-line transcript should cost what it does on a 100-line one.

use std::collections::BTreeMap;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::state::{Answer, Status, Turn};
use switchboard::app::{update, Action, App, Pane, Providers};
use switchboard::provider::{Endpoint, ProviderKind};
use switchboard::stream::StreamEvent;

/// Markdown of about `lines` rendered lines: paragraphs, lists and highlighted code.
fn answer(lines: usize) -> String {
    let mut s = String::new();
    let mut i = 0;
    while i < lines {
        match i % 40 {
            0 => s.push_str(&format!("## Section {i}\n\n")),
            10 => {
                s.push_str("```rust\n");
                for k in 0..8 {
                    s.push_str(&format!("let value_{k} = compute({k}, \"text\");\n"));
                }
                s.push_str("```\n\n");
                i += 9;
            }
            20 => s.push_str("- first point\n- second point with `code`\n- third\n\n"),
            _ => s.push_str(&format!(
                "Paragraph {i} has **bold** words and a [link](https://example.com).\n\n"
            )),
        }
        i += 2;
    }
    s
}

fn app(lines: usize, streaming: bool) -> App {
    let ep = Endpoint {
        provider: "sim".into(),
        kind: ProviderKind::Openrouter,
        base_url: "http://127.0.0.1:1/v1".into(),
        api_key: None,
        simulated: true,
        options: Default::default(),
    };
    let providers = Providers {
        endpoints: BTreeMap::from([("sim".to_string(), ep)]),
        default: "sim".into(),
    };
    let mut pane = Pane::new("sim/coder", "sim");
    let mut a = Answer::new(1, Instant::now());
    a.text = answer(lines);
    a.status = if streaming {
        Status::Streaming
    } else {
        Status::Done
    };
    pane.turns.push(Turn {
        round: 1,
        prompt: "Explain".into(),
        tool_results: Vec::new(),
        images: Vec::new(),
        answer: a,
    });
    let mut app = App::new(vec![pane], providers, Instant::now());
    app.size = (120, 40);
    app
}

fn draw(term: &mut Terminal<TestBackend>, app: &App) {
    term.draw(|f| switchboard::ui::draw(app, &app.theme, f))
        .expect("draw");
}

fn bench(c: &mut Criterion) {
    switchboard::render::highlight::load_now();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("backend");
    for lines in [1_000, 100_000] {
        let mut a = app(lines, false);
        draw(&mut term, &a); // fills the cache once
        c.bench_function(&format!("frame/{lines} lines/bottom"), |b| {
            b.iter(|| draw(&mut term, &a))
        });
        let total = a.panes[0]
            .cache
            .borrow_mut()
            .view(&a.panes[0], 118, &a.theme, false)
            .total();
        a.panes[0].scroll = Some(total / 2);
        c.bench_function(&format!("frame/{lines} lines/middle"), |b| {
            b.iter(|| draw(&mut term, &a))
        });
    }
    for lines in [100, 100_000] {
        let mut a = app(lines, true);
        draw(&mut term, &a);
        let mut n = 0u64;
        c.bench_function(&format!("delta+frame/{lines} lines"), |b| {
            b.iter(|| {
                n += 1;
                // Every twentieth delta ends a paragraph, as real answers do.
                let text = if n % 20 == 0 { "end.\n\n" } else { "word " };
                update(
                    &mut a,
                    Action::Stream {
                        request: 1,
                        event: StreamEvent::Delta(text.into()),
                    },
                );
                draw(&mut term, &a);
            });
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
