#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every terminal size from 200×60 down to 20×5, with streams running, overlays open and the
//! size changing between deltas: nothing panics and each frame shows something useful.

mod common;

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::{update, Action, App};

const WIDTHS: &[u16] = &[200, 160, 120, 100, 99, 80, 60, 45, 30, 25, 20];
const HEIGHTS: &[u16] = &[60, 50, 40, 24, 16, 10, 8, 6, 5];

fn sizes() -> Vec<(u16, u16)> {
    WIDTHS
        .iter()
        .flat_map(|&w| HEIGHTS.iter().map(move |&h| (w, h)))
        .collect()
}

/// Draws at `size`; returns the screen as rows of text.
fn draw(app: &mut App, size: (u16, u16)) -> Vec<String> {
    update(app, Action::Resize(size.0, size.1));
    let mut t = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(app, &app.view.theme, f))
        .unwrap_or_else(|e| panic!("{size:?}: {e}"));
    let buf = t.backend().buffer();
    (0..size.1)
        .map(|y| (0..size.0).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// Sensible: something is drawn at every size; where there is room, the panes are named.
fn check(screen: &[String], size: (u16, u16), app: &App, what: &str) {
    let text = screen.join("\n");
    assert!(
        text.chars().any(|c| !c.is_whitespace()),
        "{what} at {size:?}: an empty screen"
    );
    if size.0 >= 60 && size.1 >= 16 && app.overlay.is_none() {
        let focused = &app.session.panes[app.view.focus].model;
        assert!(
            text.contains(focused.rsplit('/').next().unwrap()),
            "{what} at {size:?}: the focused pane is named:\n{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_size_while_streaming_and_resizing_between_deltas() {
    let server = common::sim_at(20.0).await;
    let mut app = common::sim_app(&["sim/swift", "sim/coder", "sim/thinker", "sim/down"]);
    for ep in app.config.providers.endpoints.values_mut() {
        ep.base_url = server.base_url();
    }
    let all = sizes();
    for (n, &size) in all.iter().enumerate().take(8) {
        check(&draw(&mut app, size), size, &app, &format!("idle {n}"));
    }
    common::keys::type_text(&mut app, "Explain consistent hashing with a table and code");
    let fx = common::keys::press(&mut app, KeyCode::Enter, KeyModifiers::NONE);

    // A different size after every delta, cycling through them all.
    let mut k = 0;
    common::drive::drive_each(&mut app, fx, |app| {
        let size = all[k % all.len()];
        check(&draw(app, size), size, app, "streaming");
        k += 1;
    })
    .await;
    assert!(!app.any_active());
    assert!(
        k > all.len(),
        "every size was drawn mid-stream ({k} deltas)"
    );

    // Every overlay, at every size.
    let overlays: &[(KeyCode, KeyModifiers)] = &[
        (KeyCode::F(1), KeyModifiers::NONE),
        (KeyCode::F(2), KeyModifiers::NONE),
        (KeyCode::Char('p'), KeyModifiers::CONTROL),
        (KeyCode::F(4), KeyModifiers::NONE),
        (KeyCode::F(10), KeyModifiers::NONE),
        (KeyCode::Char('d'), KeyModifiers::ALT),
    ];
    for &(code, mods) in overlays {
        common::keys::press(&mut app, code, mods);
        assert!(app.overlay.is_some(), "{code:?} opens an overlay");
        for &size in &all {
            check(&draw(&mut app, size), size, &app, &format!("{code:?}"));
        }
        common::keys::press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
        assert!(app.overlay.is_none(), "{code:?} closes with Esc");
    }
    // Zoomed, and in presentation mode.
    for &(code, mods) in &[
        (KeyCode::Char('f'), KeyModifiers::CONTROL),
        (KeyCode::F(9), KeyModifiers::NONE),
    ] {
        common::keys::press(&mut app, code, mods);
        for &size in &all {
            check(&draw(&mut app, size), size, &app, &format!("{code:?}"));
        }
        common::keys::press(&mut app, code, mods);
    }
}

/// While a terminal is being resized, a frame can be drawn at the new size before the resize
/// event has arrived: drawing lays out for the frame, not for the size last heard of.
#[test]
fn a_frame_ahead_of_the_resize_event_draws_at_its_own_size() {
    let mut app = common::sim_app(&["sim/swift", "sim/coder", "sim/thinker"]);
    for &heard in &[(200, 60), (20, 5)] {
        update(&mut app, Action::Resize(heard.0, heard.1));
        for &(w, h) in &sizes() {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| switchboard::ui::draw(&app, &app.view.theme, f))
                .unwrap_or_else(|e| panic!("{w}×{h} after hearing {heard:?}: {e}"));
            let screen: String = t
                .backend()
                .buffer()
                .content()
                .iter()
                .map(|c| c.symbol())
                .collect();
            assert!(screen.contains("switchboard"), "{w}×{h}: the header");
        }
    }
}
