#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Frame cost against transcript length. A frame of a 120×40 pane should cost the same with a
//! 1,000-line transcript as with a 100,000-line one, at the bottom and in the middle; a delta
//! on a 100,000-line transcript should cost what it does on a 100-line one. The same holds
//! for a block that never closes while it streams: a table of 500 or 5,000 rows, a paragraph
//! of 100 KB or 1 MB with no blank line.

use std::collections::BTreeMap;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::state::{Answer, Status, Turn};
use switchboard::app::{update, Action, App, Pane, Providers};
use switchboard::model::RequestId;
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

/// A table still streaming, `rows` rows so far.
fn open_table(rows: usize) -> String {
    let mut s =
        String::from("The figures:\n\n| # | name | value | note |\n|--:|:-----|------:|:----:|\n");
    for i in 0..rows {
        s.push_str(&table_row(i));
    }
    s
}

fn table_row(i: usize) -> String {
    format!(
        "| {i} | item {} | {}.{:02} | *ok* |\n",
        i % 97,
        i * 37 % 1000,
        i % 100
    )
}

/// A paragraph of about `bytes` with no blank line: words, some markup, a line break now and
/// then, as a model that never stops one would write it.
fn open_paragraph(bytes: usize) -> String {
    let mut s = String::from("Intro.\n\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&paragraph_piece(i));
        i += 1;
    }
    s
}

fn paragraph_piece(i: usize) -> String {
    match i % 50 {
        10 => "with **bold words** ".into(),
        20 => "and `some code` ".into(),
        30 => "see [the docs](https://example.com/docs) ".into(),
        49 => "end of a line\n".into(),
        _ => format!("word{} ", i % 13),
    }
}

fn app(lines: usize, streaming: bool) -> App {
    let mut app = app_with(answer(lines), streaming);
    app.view.size = (120, 40);
    app
}

fn app_with(text: String, streaming: bool) -> App {
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
    a.text = text;
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
    app.view.size = (120, 40);
    app
}

fn delta(app: &mut App, text: String) {
    update(
        app,
        Action::Stream {
            request: RequestId(1),
            event: StreamEvent::Delta(text),
        },
    );
}

fn draw(term: &mut Terminal<TestBackend>, app: &App) {
    term.draw(|f| switchboard::ui::draw(app, &app.view.theme, f))
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
        let total = a
            .view
            .transcripts
            .cache(a.session.panes[0].id)
            .view(&a.session.panes[0], 118, &a.view.theme, false)
            .total();
        {
            let id = a.session.panes[0].id;
            a.view.transcripts.set_scroll(id, Some(total / 2));
        }
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
                        request: RequestId(1),
                        event: StreamEvent::Delta(text.into()),
                    },
                );
                draw(&mut term, &a);
            });
        });
    }
}

/// A delta and a frame on a block that is still open, as it grows: the cost must not grow
/// with it.
fn open_blocks(c: &mut Criterion) {
    switchboard::render::highlight::load_now();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("backend");
    let mut g = c.benchmark_group("open block");
    g.sample_size(20);
    for rows in [500, 5_000] {
        let mut a = app_with(open_table(rows), true);
        draw(&mut term, &a);
        let mut n = rows;
        let mut piece = 0;
        g.bench_function(format!("delta+frame/table of {rows} rows"), |b| {
            b.iter(|| {
                // A row arrives in three pieces.
                let row = table_row(n);
                let cut = [0, row.len() / 3, 2 * row.len() / 3, row.len()];
                delta(&mut a, row[cut[piece]..cut[piece + 1]].to_string());
                piece += 1;
                if piece == 3 {
                    piece = 0;
                    n += 1;
                }
                draw(&mut term, &a);
            });
        });
    }
    for kb in [100, 1_000] {
        let mut a = app_with(open_paragraph(kb * 1000), true);
        draw(&mut term, &a);
        let mut i = 0;
        g.bench_function(format!("delta+frame/paragraph of {kb} KB"), |b| {
            b.iter(|| {
                delta(&mut a, paragraph_piece(i));
                i += 1;
                draw(&mut term, &a);
            });
        });
    }
    g.finish();
}

/// The first frame after a resize of a conversation of many rounds: what the page shows is
/// re-wrapped at once, the rest over the frames after, so this must not grow with the rounds.
fn resize(c: &mut Criterion) {
    switchboard::render::highlight::load_now();
    let mut g = c.benchmark_group("resize");
    g.sample_size(20);
    for rounds in [20, 500] {
        let mut a = app_with(answer(200), false);
        let first = a.session.panes[0].turns[0].clone();
        for r in 2..=rounds {
            let mut t = first.clone();
            t.round = r;
            t.answer.request = RequestId(r);
            a.session.panes[0].turns.push(t);
        }
        let mut wide = Terminal::new(TestBackend::new(120, 40)).expect("backend");
        let mut narrow = Terminal::new(TestBackend::new(100, 40)).expect("backend");
        draw(&mut wide, &a);
        g.bench_function(format!("first frame/{rounds} rounds"), |b| {
            b.iter_batched(
                || a.view.transcripts.cache(a.session.panes[0].id).clone(),
                |cache| {
                    *a.view.transcripts.cache(a.session.panes[0].id) = cache;
                    draw(&mut narrow, &a);
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench, open_blocks, resize);
criterion_main!(benches);
