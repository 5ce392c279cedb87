#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The model picker on a 2,000-model catalog: opening it, each keystroke, and drawing it.
//! The target is one frame (16 ms) per keystroke, search and draw together.

use std::collections::BTreeMap;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::{update, Action, App, Pane, Providers};
use switchboard::catalog::{Catalog, ModelInfo};
use switchboard::cost::ModelPrice;
use switchboard::provider::{Endpoint, ProviderKind};
use switchboard::theme::Theme;

const AUTHORS: [&str; 10] = [
    "anthropic",
    "openai",
    "google",
    "meta-llama",
    "mistralai",
    "qwen",
    "deepseek",
    "cohere",
    "x-ai",
    "nousresearch",
];
const FAMILIES: [&str; 10] = [
    "claude", "gpt", "gemini", "llama", "mixtral", "qwen", "deepseek", "command", "grok", "hermes",
];

fn catalog(n: usize) -> Catalog {
    let models = (0..n)
        .map(|i| {
            let a = i % AUTHORS.len();
            let mut m = ModelInfo::bare(format!(
                "{}/{}-{}.{}-{}b-instruct{}",
                AUTHORS[a],
                FAMILIES[(i / 7) % FAMILIES.len()],
                i % 5,
                i % 3,
                8 * (1 + i % 40),
                if i % 9 == 0 { ":free" } else { "" }
            ));
            m.name = Some(format!("{} model number {i}", FAMILIES[a]));
            m.context_length = Some(8192 * (1 + (i as u64 % 64)));
            m.price = Some(ModelPrice::per_million(
                (i % 50) as f64 / 10.0,
                (i % 70) as f64 / 5.0,
            ));
            m.tools = i % 2 == 0;
            m.reasoning = i % 5 == 0;
            m.vision = i % 4 == 0;
            m
        })
        .collect();
    Catalog {
        provider: "openrouter".into(),
        fetched_at: 0,
        models,
    }
}

fn app() -> App {
    let ep = Endpoint {
        provider: "openrouter".into(),
        kind: ProviderKind::Openrouter,
        base_url: "http://127.0.0.1:1/v1".into(),
        api_key: None,
        simulated: false,
        options: Default::default(),
    };
    let providers = Providers {
        endpoints: BTreeMap::from([("openrouter".to_string(), ep)]),
        default: "openrouter".into(),
    };
    let mut a = App::new(
        vec![Pane::new("openai/gpt-4o", "openrouter")],
        providers,
        Instant::now(),
    );
    a.view.size = (120, 40);
    a.set_catalog(catalog(2000));
    a
}

fn key(a: &mut App, code: KeyCode, mods: KeyModifiers) {
    update(a, Action::Key(KeyEvent::new(code, mods)));
}

fn open(a: &mut App) {
    key(a, KeyCode::Char('p'), KeyModifiers::CONTROL);
}

fn bench(c: &mut Criterion) {
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");

    c.bench_function("picker/open 2000 models", |b| {
        b.iter_batched(app, |mut a| open(&mut a), BatchSize::LargeInput);
    });

    // One keystroke after "clau" is typed: the search over 2,000 models runs again.
    c.bench_function("picker/keystroke 2000 models", |b| {
        b.iter_batched(
            || {
                let mut a = app();
                open(&mut a);
                for ch in "cla".chars() {
                    key(&mut a, KeyCode::Char(ch), KeyModifiers::NONE);
                }
                a
            },
            |mut a| key(&mut a, KeyCode::Char('u'), KeyModifiers::NONE),
            BatchSize::LargeInput,
        );
    });

    c.bench_function("picker/keystroke + draw 2000 models", |b| {
        b.iter_batched(
            || {
                let mut a = app();
                open(&mut a);
                for ch in "lla".chars() {
                    key(&mut a, KeyCode::Char(ch), KeyModifiers::NONE);
                }
                a
            },
            |mut a| {
                key(&mut a, KeyCode::Char('m'), KeyModifiers::NONE);
                term.draw(|f| switchboard::ui::draw(&a, &theme, f))
                    .expect("draw");
            },
            BatchSize::LargeInput,
        );
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
