#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A pane's bottom border carries two things: the answer's figures on the left and, when the
//! view is scrolled up, how much is below it on the right. Neither may cover the other at any
//! width, in any layout, and the figures that matter most (the finish reason when it is not a
//! plain `stop`, the cost) are the last to go.

mod common;

use std::time::Duration;
use switchboard::model::RequestId;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use switchboard::app::{update, Action, App, Effect};
use switchboard::provider::Usage;
use switchboard::stream::StreamEvent;
use switchboard::theme::Theme;

fn key(a: &mut App, code: KeyCode, mods: KeyModifiers) {
    update(a, Action::Key(KeyEvent::new(code, mods)));
}

/// Three panes whose long answers were cut off at the token limit, each scrolled to the top.
fn cut_off(finish: &str) -> App {
    let mut a = common::sim_app(&["sim/swift", "sim/steady", "sim/thinker"]);
    a.session.session_label = "2026-11-23 14:02".into();
    for c in "Explain attention".chars() {
        key(&mut a, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let ids: Vec<RequestId> = update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    )
    .into_iter()
    .filter_map(|e| match e {
        Effect::Start { request, .. } => Some(request),
        _ => None,
    })
    .collect();
    let t0 = a.now;
    let long: String = (1..=120)
        .map(|n| format!("Line {n} of a long answer about attention.\n\n"))
        .collect();
    for (k, id) in ids.iter().enumerate() {
        let ev = |a: &mut App, event| {
            update(
                a,
                Action::Stream {
                    request: *id,
                    event,
                },
            );
        };
        a.now = t0 + Duration::from_millis(150 + 100 * k as u64);
        ev(&mut a, StreamEvent::Delta(long.clone()));
        a.now = t0 + Duration::from_millis(2400);
        ev(&mut a, StreamEvent::Finish(finish.into()));
        ev(
            &mut a,
            StreamEvent::Usage(Usage {
                prompt_tokens: Some(14),
                completion_tokens: Some(1024),
                cost: Some(0.000_163_5),
                ..Usage::default()
            }),
        );
        ev(&mut a, StreamEvent::Done);
    }
    let ids: Vec<_> = a.session.panes.iter().map(|p| p.id).collect();
    for id in ids {
        a.view.transcripts.set_scroll(id, Some(0));
    }
    a
}

fn screen(a: &App, (w, h): (u16, u16)) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| switchboard::ui::draw(a, &Theme::default(), f))
        .unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

/// The bottom border of a pane, corners left off.
fn bottom(rows: &[String], r: Rect) -> String {
    rows[usize::from(r.bottom() - 1)]
        .chars()
        .skip(usize::from(r.x) + 1)
        .take(usize::from(r.width.saturating_sub(2)))
        .collect()
}

fn is_border(c: char) -> bool {
    matches!(c, '─' | '━')
}

/// The indicator sits whole at the right end, with border between it and the figures.
fn check(row: &str, what: &str) {
    let chars: Vec<char> = row.chars().collect();
    let start = chars
        .iter()
        .rposition(|&c| c == '↓')
        .unwrap_or_else(|| panic!("{what}: no scroll indicator in {row:?}"));
    let tail: String = chars[start..].iter().collect();
    let digits = tail
        .trim_start_matches('↓')
        .trim()
        .trim_end_matches("more")
        .trim();
    assert!(
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()),
        "{what}: indicator cut or covered: {tail:?} in {row:?}"
    );
    assert!(
        tail.ends_with(' '),
        "{what}: indicator touches the corner in {row:?}"
    );
    // ` ↓`: a space, and before it a border cell, or nothing at all on a tiny pane.
    assert!(start >= 1 && chars[start - 1] == ' ', "{what}: {row:?}");
    if start >= 2 {
        assert!(
            is_border(chars[start - 2]),
            "{what}: the figures run into the indicator in {row:?}"
        );
    }
}

fn check_all(a: &App, size: (u16, u16), what: &str) {
    let rows = screen(a, size);
    let lay = switchboard::ui::layout::compute_in(a, size);
    assert!(!lay.panes.is_empty(), "{what}: no panes");
    for (i, r) in &lay.panes {
        if r.width < 8 || r.height < 3 {
            continue;
        }
        check(&bottom(&rows, *r), &format!("{what}, pane {}", i + 1));
    }
}

#[test]
fn the_scroll_indicator_is_never_covered_by_the_figures() {
    let mut a = cut_off("length");
    for w in 20..=200 {
        let size = (w, 40);
        a.view.size = size;
        check_all(&a, size, &format!("{w} columns"));
    }
    a.view.zoomed = true;
    for w in (20..=200).step_by(3) {
        a.view.size = (w, 40);
        check_all(&a, (w, 40), &format!("zoomed, {w} columns"));
    }
    a.view.zoomed = false;
    a.view.presentation = true;
    for w in (24..=200).step_by(3) {
        a.view.size = (w, 40);
        check_all(&a, (w, 40), &format!("presenting, {w} columns"));
    }
}

#[test]
fn a_narrow_footer_keeps_the_finish_reason_and_the_cost() {
    for finish in ["length", "content_filter"] {
        let mut a = cut_off(finish);
        let ids: Vec<_> = a.session.panes.iter().map(|p| p.id).collect();
        for id in ids {
            a.view.transcripts.set_scroll(id, None);
        }
        for w in 40..=80 {
            a.view.size = (w, 15);
            let rows = screen(&a, (w, 15));
            let lay = switchboard::ui::layout::compute_in(&a, (w, 15));
            let (_, r) = lay.panes[0];
            let row = bottom(&rows, r);
            assert!(row.contains(finish), "{w} columns: {row:?}");
            assert!(row.contains("$0.00016"), "{w} columns: {row:?}");
        }
        // Scrolled up, the indicator takes its share and the reason still shows.
        let ids: Vec<_> = a.session.panes.iter().map(|p| p.id).collect();
        for id in ids {
            a.view.transcripts.set_scroll(id, Some(0));
        }
        a.view.size = (60, 15);
        let rows = screen(&a, (60, 15));
        let lay = switchboard::ui::layout::compute_in(&a, (60, 15));
        let row = bottom(&rows, lay.panes[0].1);
        assert!(row.contains(finish), "{row:?}");
        check(&row, "60 columns, scrolled up");
    }
    // A plain `stop` is the first figure to go, before the others are cut.
    let mut a = cut_off("stop");
    a.view.size = (60, 15);
    let ids: Vec<_> = a.session.panes.iter().map(|p| p.id).collect();
    for id in ids {
        a.view.transcripts.set_scroll(id, None);
    }
    let rows = screen(&a, (60, 15));
    let row = bottom(
        &rows,
        switchboard::ui::layout::compute_in(&a, (60, 15)).panes[0].1,
    );
    assert!(row.contains("ttft") && row.contains("$0.00016"), "{row:?}");
}
