#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The scoreboard over a long history: 16 models and about 2,800 two-way votes, the rating fit
//! and its 400 bootstrap refits. It is computed off the UI task for all history, and on it
//! for a session (which has far fewer votes); either way it should stay well under a frame
//! budget's worth of waiting after the key.

use criterion::{criterion_group, criterion_main, Criterion};
use switchboard::judge::{scoreboard, Verdict, Vote};

/// Deterministic votes: the lower-numbered model wins seven times in ten.
fn votes(models: usize, n: usize) -> Vec<Vote> {
    let names: Vec<String> = (0..models).map(|i| format!("m{i}")).collect();
    let mut x: u64 = 7;
    let mut out = Vec::new();
    for _ in 0..n {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let (a, b) = ((x >> 33) as usize % models, (x >> 20) as usize % models);
        if a == b {
            continue;
        }
        let favourite = usize::from(a >= b);
        let w = if (x >> 10) % 10 < 7 {
            favourite
        } else {
            1 - favourite
        };
        out.push(Vote {
            models: vec![names[a].clone(), names[b].clone()],
            verdict: Verdict::Winner(w),
        });
    }
    out
}

fn bench(c: &mut Criterion) {
    let long = votes(16, 3000);
    c.bench_function("scoreboard 16 models, 2.8k votes", |b| {
        b.iter(|| scoreboard(&long, &[]))
    });
    let session = votes(4, 30);
    c.bench_function("scoreboard 4 models, 30 votes", |b| {
        b.iter(|| scoreboard(&session, &[]))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
