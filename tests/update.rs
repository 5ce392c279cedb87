#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The pure `update`: actions in, state and effects out. No terminal, no network.

mod common;
use common::drive::started;

use std::time::Duration;
use switchboard::model::RequestId;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use switchboard::app::state::Overlay;
use switchboard::app::{update, Action, App, Effect, Status, Zone};
use switchboard::provider::{ApiError, Role, Usage};
use switchboard::stream::StreamEvent;

fn app(models: &[&str]) -> App {
    common::sim_app(models)
}

fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, mods)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

fn send(app: &mut App, text: &str) -> Vec<Effect> {
    type_text(app, text);
    key(app, KeyCode::Enter, KeyModifiers::NONE)
}

fn cancelled(fx: &[Effect]) -> Vec<RequestId> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Cancel { request } => Some(*request),
            _ => None,
        })
        .collect()
}

fn stream(app: &mut App, request: RequestId, event: StreamEvent) {
    let fx = update(app, Action::Stream { request, event });
    assert!(
        fx.iter().all(|e| matches!(
            e,
            Effect::RecordSpend(_) | Effect::FetchKey { .. } | Effect::History(_)
        )),
        "a stream event only books spend: {fx:?}"
    );
}

#[test]
fn enter_sends_to_every_pane_and_clears_the_prompt() {
    let mut a = app(&["sim/swift", "sim/coder", "sim/thinker"]);
    let fx = send(&mut a, "Explain attention");
    let ids = started(&fx);
    assert_eq!(ids.len(), 3);
    assert!(fx.contains(&Effect::SaveHistory {
        prompt: "Explain attention".into()
    }));
    for (pane, e) in a
        .session
        .panes
        .iter()
        .zip(fx.iter().filter(|e| matches!(e, Effect::Start { .. })))
    {
        let Effect::Start {
            params, provider, ..
        } = e
        else {
            unreachable!()
        };
        assert_eq!(provider, "sim");
        assert_eq!(params.model, pane.model);
        assert_eq!(params.messages.len(), 1);
        assert_eq!(params.messages[0].content, "Explain attention");
        assert_eq!(pane.current().map(|a| &a.status), Some(&Status::Waiting));
    }
    assert!(a.view.prompt.is_empty());
    assert_eq!(
        a.view.history.entries,
        vec!["Explain attention".to_string()]
    );
}

#[test]
fn empty_prompt_is_refused_with_a_notice() {
    let mut a = app(&["sim/swift"]);
    let fx = key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(fx.is_empty());
    assert!(a.view.notice.as_ref().is_some_and(|n| n.error));
}

#[test]
fn deltas_build_the_answer_and_stats() {
    let mut a = app(&["sim/swift"]);
    let id = started(&send(&mut a, "hi"))[0];
    let t0 = a.now;
    a.now = t0 + Duration::from_millis(300);
    stream(
        &mut a,
        id,
        StreamEvent::Served {
            model: "sim/swift".into(),
            provider: Some("SimCloud".into()),
        },
    );
    stream(
        &mut a,
        id,
        StreamEvent::Delta("Hello \u{1b}[31mworld".into()),
    );
    a.now = t0 + Duration::from_millis(1300);
    stream(&mut a, id, StreamEvent::Delta("!".into()));
    stream(&mut a, id, StreamEvent::Finish("stop".into()));
    stream(
        &mut a,
        id,
        StreamEvent::Usage(Usage {
            completion_tokens: Some(20),
            cost: Some(0.0025),
            ..Usage::default()
        }),
    );
    stream(&mut a, id, StreamEvent::Done);
    let ans = a.session.panes[0].current().unwrap();
    assert_eq!(ans.text, "Hello world!", "escape sequences are stripped");
    assert_eq!(ans.status, Status::Done);
    assert_eq!(ans.ttft(), Some(Duration::from_millis(300)));
    assert_eq!(ans.tokens(), (20, true));
    let rate = ans.rate(a.now).unwrap();
    assert!((rate - 20.0).abs() < 0.01, "{rate}");
    assert_eq!(ans.served_provider.as_deref(), Some("SimCloud"));
    assert_eq!(a.session_cost(), 0.0025);
}

#[test]
fn cancel_drops_later_events_of_that_request() {
    let mut a = app(&["sim/swift", "sim/steady"]);
    let ids = started(&send(&mut a, "hi"));
    stream(&mut a, ids[0], StreamEvent::Delta("partial".into()));
    let fx = key(&mut a, KeyCode::Char('c'), KeyModifiers::ALT);
    assert_eq!(cancelled(&fx), ids);
    assert_eq!(
        fx.iter()
            .filter(|e| matches!(e, Effect::RecordSpend(r) if r.status == "cancelled"))
            .count(),
        2,
        "cancelled answers are booked too"
    );
    stream(&mut a, ids[0], StreamEvent::Delta(" more".into()));
    stream(&mut a, ids[0], StreamEvent::Done);
    let ans = a.session.panes[0].current().unwrap();
    assert_eq!(ans.text, "partial");
    assert_eq!(ans.status, Status::Cancelled);
    // With nothing running, Esc moves between prompt and panes.
    assert_eq!(a.view.zone, Zone::Prompt);
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(a.view.zone, Zone::Panes);
}

#[test]
fn esc_while_streaming_moves_between_prompt_and_panes_and_cancels_nothing() {
    let mut a = app(&["sim/swift", "sim/steady"]);
    let ids = started(&send(&mut a, "hi"));
    stream(&mut a, ids[0], StreamEvent::Delta("partial".into()));
    let fx = key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(cancelled(&fx).is_empty(), "{fx:?}");
    assert_eq!(a.view.zone, Zone::Panes);
    assert!(a.session.panes.iter().all(|p| p.is_active()));
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(a.view.zone, Zone::Prompt);
    // `X` in the panes cancels them all, `x` the focused one.
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    let fx = key(&mut a, KeyCode::Char('x'), KeyModifiers::NONE);
    assert_eq!(cancelled(&fx), [ids[0]]);
    let fx = key(&mut a, KeyCode::Char('X'), KeyModifiers::SHIFT);
    assert_eq!(cancelled(&fx), [ids[1]]);
    assert!(!a.any_active());
}

/// The panes whose requests `fx` starts.
fn started_panes(a: &App, fx: &[Effect]) -> Vec<usize> {
    let ids = started(fx);
    (0..a.session.panes.len())
        .filter(|&i| {
            a.session.panes[i]
                .current()
                .is_some_and(|ans| ids.contains(&ans.request))
        })
        .collect()
}

/// Two panes of three fail; the second answers.
fn one_round_two_failures(a: &mut App) -> Vec<RequestId> {
    let ids = started(&send(a, "hi"));
    let err = ApiError::from_response(
        503,
        r#"{"error":{"code":503,"message":"No available provider"}}"#,
        None,
    );
    stream(a, ids[0], StreamEvent::Error(err.clone()));
    stream(a, ids[1], StreamEvent::Delta("fine".into()));
    stream(a, ids[1], StreamEvent::Done);
    stream(a, ids[2], StreamEvent::Error(ApiError::CutOff));
    ids
}

#[test]
fn ctrl_r_after_failures_retries_only_the_failed_panes() {
    let mut a = app(&["sim/down", "sim/swift", "sim/cutoff"]);
    one_round_two_failures(&mut a);
    let fx = key(&mut a, KeyCode::Char('r'), KeyModifiers::CONTROL);
    let again = started_panes(&a, &fx);
    assert_eq!(again, [0, 2], "the answer that came is not paid for again");
    assert_eq!(a.session.panes[1].current().unwrap().text, "fine");
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("2 failed panes"));
    // Once nothing failed, Ctrl+R regenerates every pane.
    for id in started(&fx) {
        stream(&mut a, id, StreamEvent::Done);
    }
    let fx = key(&mut a, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(started(&fx).len(), 3);
}

#[test]
fn r_in_the_panes_re_sends_the_focused_pane_only() {
    let mut a = app(&["sim/down", "sim/swift", "sim/cutoff"]);
    one_round_two_failures(&mut a);
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('3'), KeyModifiers::NONE);
    let fx = key(&mut a, KeyCode::Char('r'), KeyModifiers::NONE);
    let panes = started_panes(&a, &fx);
    assert_eq!(panes, [2]);
    assert!(matches!(
        a.session.panes[0].current().unwrap().status,
        Status::Failed(_)
    ));
}

#[test]
fn resend_replaces_the_answer_and_ignores_the_old_stream() {
    let mut a = app(&["sim/swift"]);
    let old = started(&send(&mut a, "hi"))[0];
    stream(&mut a, old, StreamEvent::Delta("old".into()));
    let fx = key(&mut a, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(fx[0], Effect::Cancel { request: old });
    let new = started(&fx)[0];
    assert_ne!(new, old);
    stream(&mut a, old, StreamEvent::Delta("stale".into()));
    stream(&mut a, new, StreamEvent::Delta("fresh".into()));
    assert_eq!(
        a.session.panes[0].turns.len(),
        1,
        "a resend regenerates, not appends"
    );
    assert_eq!(a.session.panes[0].current().unwrap().text, "fresh");
}

#[test]
fn an_error_stays_in_its_pane() {
    let mut a = app(&["sim/down", "sim/swift"]);
    let ids = started(&send(&mut a, "hi"));
    let err = ApiError::from_response(
        503,
        r#"{"error":{"code":503,"message":"No available provider"}}"#,
        None,
    );
    stream(&mut a, ids[0], StreamEvent::Error(err.clone()));
    stream(&mut a, ids[1], StreamEvent::Delta("fine".into()));
    assert_eq!(
        a.session.panes[0].current().unwrap().status,
        Status::Failed(err)
    );
    assert_eq!(
        a.session.panes[1].current().unwrap().status,
        Status::Streaming
    );
    assert!(a.any_active());
}

#[test]
fn follow_ups_carry_each_panes_own_answers() {
    let mut a = app(&["sim/swift", "sim/coder"]);
    let ids = started(&send(&mut a, "first"));
    stream(&mut a, ids[0], StreamEvent::Delta("answer A".into()));
    stream(&mut a, ids[0], StreamEvent::Done);
    stream(&mut a, ids[1], StreamEvent::Error(ApiError::CutOff));
    let fx = send(&mut a, "second");
    let params: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Start { params, .. } => Some(params),
            _ => None,
        })
        .collect();
    let roles = |i: usize| {
        params[i]
            .messages
            .iter()
            .map(|m| m.role)
            .collect::<Vec<_>>()
    };
    assert_eq!(roles(0), vec![Role::User, Role::Assistant, Role::User]);
    assert_eq!(params[0].messages[1].content, "answer A");
    assert_eq!(
        roles(1),
        vec![Role::User, Role::User],
        "a failed turn sends no answer back"
    );
}

#[test]
fn system_prompt_and_sampling_reach_the_request() {
    let mut a = app(&["sim/swift"]);
    a.session.panes[0].settings.system = Some("Be terse.".into());
    a.session.panes[0].settings.temperature = Some(0.2);
    a.session.panes[0].settings.max_tokens = Some(64);
    let fx = send(&mut a, "hi");
    let Some(Effect::Start { params, .. }) = fx.iter().find(|e| matches!(e, Effect::Start { .. }))
    else {
        panic!("{fx:?}")
    };
    assert_eq!(params.messages[0].role, Role::System);
    assert_eq!(params.settings.temperature, Some(0.2));
    assert_eq!(params.settings.max_tokens, Some(64));
}

#[test]
fn send_to_focused_pane_only() {
    let mut a = app(&["sim/swift", "sim/coder"]);
    key(&mut a, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(a.view.focus, 1);
    type_text(&mut a, "just you");
    let fx = key(&mut a, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(started(&fx).len(), 1);
    assert!(a.session.panes[0].turns.is_empty());
    assert_eq!(a.session.panes[1].turns[0].prompt, "just you");
}

#[test]
fn clear_cancels_and_empties_every_conversation() {
    let mut a = app(&["sim/swift", "sim/coder"]);
    let ids = started(&send(&mut a, "hi"));
    // Ctrl+L is a terminal's redraw habit: it clears nothing.
    assert!(key(&mut a, KeyCode::Char('l'), KeyModifiers::CONTROL).is_empty());
    assert!(a.session.panes.iter().all(|p| p.turns.len() == 1));
    let fx = key(&mut a, KeyCode::Char('l'), KeyModifiers::ALT);
    assert_eq!(cancelled(&fx), ids);
    assert!(a.session.panes.iter().all(|p| p.turns.is_empty()));
    stream(&mut a, ids[0], StreamEvent::Delta("late".into()));
    assert!(a.session.panes[0].turns.is_empty());
    // Alt+U brings the conversations back, stopped where they were.
    key(&mut a, KeyCode::Char('u'), KeyModifiers::ALT);
    assert!(a.session.panes.iter().all(|p| p.turns.len() == 1));
    assert_eq!(a.session.panes[0].turns[0].prompt, "hi");
    assert_eq!(
        a.session.panes[0].current().unwrap().status,
        Status::Cancelled
    );
}

#[test]
fn the_prompt_edits_like_a_shell() {
    let mut a = app(&["sim/swift", "sim/coder"]);
    type_text(&mut a, "one two three");
    let ctrl = |a: &mut App, c: char| key(a, KeyCode::Char(c), KeyModifiers::CONTROL);
    ctrl(&mut a, 'w');
    assert_eq!(a.prompt_text(), "one two ");
    assert_eq!(a.session.panes.len(), 2, "Ctrl+W closes no pane");
    ctrl(&mut a, 'a');
    type_text(&mut a, ">");
    ctrl(&mut a, 'e');
    type_text(&mut a, "four");
    assert_eq!(a.prompt_text(), ">one two four");
    ctrl(&mut a, 'u');
    assert_eq!(a.prompt_text(), "");
    ctrl(&mut a, 'z');
    assert_eq!(a.prompt_text(), ">one two four");
    ctrl(&mut a, 'a');
    key(&mut a, KeyCode::Right, KeyModifiers::NONE);
    ctrl(&mut a, 'k');
    assert_eq!(a.prompt_text(), ">");
}

#[test]
fn a_closed_pane_comes_back_where_it_was() {
    let mut a = app(&["sim/swift", "sim/coder", "sim/steady"]);
    let ids = started(&send(&mut a, "hi"));
    stream(&mut a, ids[1], StreamEvent::Delta("kept".into()));
    stream(&mut a, ids[1], StreamEvent::Done);
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('2'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('d'), KeyModifiers::NONE);
    let models: Vec<&str> = a.session.panes.iter().map(|p| p.model.as_str()).collect();
    assert_eq!(models, ["sim/swift", "sim/steady"]);
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("brings it back"));
    key(&mut a, KeyCode::Char('u'), KeyModifiers::NONE);
    let models: Vec<&str> = a.session.panes.iter().map(|p| p.model.as_str()).collect();
    assert_eq!(models, ["sim/swift", "sim/coder", "sim/steady"]);
    assert_eq!(a.view.focus, 1);
    assert_eq!(a.session.panes[1].current().unwrap().text, "kept");
    key(&mut a, KeyCode::Char('u'), KeyModifiers::NONE);
    assert!(a.view.notice.as_ref().unwrap().error, "only once");
}

#[test]
fn add_and_close_panes() {
    let mut a = app(&["sim/swift"]);
    key(&mut a, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert!(matches!(a.overlay, Some(Overlay::Picker(_))));
    // With no catalog loaded, a typed id is taken as it is.
    type_text(&mut a, "sim/coder");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(a.overlay.is_none());
    assert_eq!(a.session.panes.len(), 2);
    assert_eq!(a.session.panes[1].model, "sim/coder");
    assert_eq!(a.session.panes[1].provider, "sim");
    assert_eq!(a.view.focus, 1);
    // A bad id keeps the dialog open with the reason.
    key(&mut a, KeyCode::Char('n'), KeyModifiers::CONTROL);
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(matches!(&a.overlay, Some(Overlay::Picker(p)) if p.error.is_some()));
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(a.overlay.is_none());
    key(&mut a, KeyCode::Char('w'), KeyModifiers::ALT);
    assert_eq!(a.session.panes.len(), 1);
    key(&mut a, KeyCode::Char('w'), KeyModifiers::ALT);
    assert_eq!(a.session.panes.len(), 1, "the last pane stays");
    for _ in 0..20 {
        key(&mut a, KeyCode::Char('n'), KeyModifiers::CONTROL);
        type_text(&mut a, "sim/swift");
        key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
        a.overlay = None;
    }
    assert_eq!(a.session.panes.len(), 16, "at most sixteen panes");
}

#[test]
fn history_walks_with_up_and_down_and_keeps_the_draft() {
    let mut a = app(&["sim/swift"]);
    send(&mut a, "one");
    send(&mut a, "two");
    type_text(&mut a, "draft");
    key(&mut a, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(a.prompt_text(), "two");
    key(&mut a, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(a.prompt_text(), "one");
    key(&mut a, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(a.prompt_text(), "one");
    key(&mut a, KeyCode::Down, KeyModifiers::NONE);
    key(&mut a, KeyCode::Down, KeyModifiers::NONE);
    assert_eq!(a.prompt_text(), "draft");
}

#[test]
fn newline_keys_and_paste_keep_lines() {
    let mut a = app(&["sim/swift"]);
    type_text(&mut a, "a");
    key(&mut a, KeyCode::Enter, KeyModifiers::ALT);
    type_text(&mut a, "b");
    key(&mut a, KeyCode::Enter, KeyModifiers::SHIFT);
    update(&mut a, Action::Paste("c\r\nd".into()));
    assert_eq!(a.prompt_text(), "a\nb\nc\nd");
}

#[test]
fn quit_asks_while_streaming_and_not_otherwise() {
    let mut a = app(&["sim/swift"]);
    let id = started(&send(&mut a, "hi"))[0];
    let fx = key(&mut a, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(fx.is_empty());
    assert!(matches!(a.overlay, Some(Overlay::ConfirmQuit)));
    key(&mut a, KeyCode::Char('n'), KeyModifiers::NONE);
    assert!(a.overlay.is_none() && !a.quit);
    stream(&mut a, id, StreamEvent::Done);
    let fx = key(&mut a, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(fx.last(), Some(&Effect::Quit));
    assert!(cancelled(&fx).is_empty());
    assert!(a.quit);
}

#[test]
fn q_types_in_the_prompt_and_quits_from_the_panes() {
    let mut a = app(&["sim/swift"]);
    type_text(&mut a, "q");
    assert_eq!(a.prompt_text(), "q");
    assert!(!a.quit);
    key(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(
        key(&mut a, KeyCode::Char('q'), KeyModifiers::NONE),
        vec![Effect::Quit]
    );
}

#[test]
fn quitting_with_an_unsent_draft_asks_and_keeps_the_draft() {
    let mut a = app(&["sim/swift"]);
    type_text(&mut a, "a long prompt I was still writing");
    let fx = key(&mut a, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(a.overlay, Some(Overlay::ConfirmQuit)));
    assert!(!a.quit);
    // Staying keeps it in the prompt.
    key(&mut a, KeyCode::Char('n'), KeyModifiers::NONE);
    assert_eq!(a.prompt_text(), "a long prompt I was still writing");
    // Quitting anyway keeps it in the prompt history.
    key(&mut a, KeyCode::Char('c'), KeyModifiers::CONTROL);
    let fx = key(&mut a, KeyCode::Char('y'), KeyModifiers::NONE);
    assert_eq!(
        fx,
        vec![
            Effect::SaveHistory {
                prompt: "a long prompt I was still writing".into()
            },
            Effect::Quit
        ]
    );
}

#[test]
fn scrolling_pins_the_view_and_end_follows_again() {
    let mut a = app(&["sim/swift"]);
    a.view.size = (120, 30);
    let id = started(&send(&mut a, "hi"))[0];
    let long: String = (0..200).map(|i| format!("paragraph {i}\n\n")).collect();
    stream(&mut a, id, StreamEvent::Delta(long));
    assert_eq!(a.view.transcripts.scroll(a.session.panes[0].id), None);
    // Scrolling goes by what the last frame showed.
    common::draw(&mut a);
    key(&mut a, KeyCode::PageUp, KeyModifiers::NONE);
    let pinned = a
        .view
        .transcripts
        .scroll(a.session.panes[0].id)
        .expect("scrolled up");
    stream(&mut a, id, StreamEvent::Delta("more\n".into()));
    assert_eq!(
        a.view.transcripts.scroll(a.session.panes[0].id),
        Some(pinned),
        "new output does not move a pinned view"
    );
    key(&mut a, KeyCode::Home, KeyModifiers::CONTROL);
    assert_eq!(a.view.transcripts.scroll(a.session.panes[0].id), Some(0));
    key(&mut a, KeyCode::End, KeyModifiers::CONTROL);
    assert_eq!(a.view.transcripts.scroll(a.session.panes[0].id), None);
}

#[test]
fn clicks_and_the_wheel_go_by_the_panes_as_last_drawn() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut a = app(&["sim/swift", "sim/coder"]);
    a.view.size = (120, 30);
    let ids = started(&send(&mut a, "hi"));
    let long: String = (0..200).map(|i| format!("paragraph {i}\n\n")).collect();
    stream(&mut a, ids[1], StreamEvent::Delta(long));
    let mouse = |a: &mut App, kind, (column, row)| {
        update(
            a,
            Action::Mouse(MouseEvent {
                kind,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            }),
        )
    };
    // Nothing drawn yet: nothing to hit, nothing to scroll.
    mouse(&mut a, MouseEventKind::ScrollUp, (100, 10));
    assert_eq!(a.view.transcripts.scroll(a.session.panes[1].id), None);
    common::draw(&mut a);
    let right = a
        .view
        .drawn
        .panes
        .iter()
        .find(|p| p.index == 1)
        .unwrap()
        .rect;
    let inside = (right.x + 2, right.y + 2);
    mouse(&mut a, MouseEventKind::ScrollUp, inside);
    let total = a.view.drawn.panes[1].total;
    let page = a.view.drawn.panes[1].page;
    assert_eq!(
        a.view.transcripts.scroll(a.session.panes[1].id),
        Some(total - page - 3),
        "the wheel moves the pane under it, by the lines it was drawn with"
    );
    assert_eq!(a.view.transcripts.scroll(a.session.panes[0].id), None);
    assert_eq!(a.view.focus, 0);
    mouse(&mut a, MouseEventKind::Down(MouseButton::Left), inside);
    assert_eq!((a.view.focus, a.view.zone), (1, Zone::Panes));
    let prompt = a.view.drawn.prompt;
    mouse(
        &mut a,
        MouseEventKind::Down(MouseButton::Left),
        (prompt.x + 3, prompt.y + 1),
    );
    assert_eq!(a.view.zone, Zone::Prompt);
}

#[test]
fn terminate_cancels_everything_and_quits() {
    let mut a = app(&["sim/swift", "sim/coder"]);
    send(&mut a, "hi");
    let fx = update(&mut a, Action::Terminate(15));
    assert_eq!(
        a.signalled,
        Some(15),
        "the exit status says a signal ended it"
    );
    assert_eq!(
        fx.iter()
            .filter(|e| matches!(e, Effect::Cancel { .. }))
            .count(),
        2
    );
    assert_eq!(fx.last(), Some(&Effect::Quit));
}

fn catalog() -> switchboard::catalog::Catalog {
    use switchboard::catalog::{Catalog, ModelInfo};
    use switchboard::cost::ModelPrice;
    let mut models = Vec::new();
    for (id, out, ctx, tools, reasoning) in [
        ("sim/swift", 0.4, 32_000, true, false),
        ("sim/thinker", 4.0, 64_000, false, true),
        ("sim/coder", 1.2, 128_000, true, false),
        ("sim/pricey", 75.0, 200_000, false, false),
    ] {
        let mut m = ModelInfo::bare(id);
        m.price = Some(ModelPrice::per_million(out / 4.0, out));
        m.context_length = Some(ctx);
        m.tools = tools;
        m.reasoning = reasoning;
        models.push(m);
    }
    Catalog {
        provider: "sim".into(),
        fetched_at: 0,
        models,
    }
}

fn picker(a: &App) -> &switchboard::app::picker::Picker {
    match &a.overlay {
        Some(Overlay::Picker(p)) => p,
        other => panic!("no picker: {other:?}"),
    }
}

fn picked(a: &App) -> Vec<String> {
    let p = picker(a);
    p.results
        .iter()
        .map(|i| a.catalog.entries[*i].info.id.clone())
        .collect()
}

#[test]
fn picker_searches_filters_sorts_and_sets_the_model() {
    let mut a = app(&["sim/swift", "sim/steady"]);
    a.set_catalog(catalog());
    key(&mut a, KeyCode::Char('p'), KeyModifiers::CONTROL);
    assert_eq!(picked(&a).len(), 4);
    type_text(&mut a, "thnk");
    assert_eq!(picked(&a), vec!["sim/thinker"]);
    for _ in 0..4 {
        key(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    }
    key(&mut a, KeyCode::Tab, KeyModifiers::NONE); // free
    assert!(picked(&a).is_empty());
    key(&mut a, KeyCode::Tab, KeyModifiers::NONE); // tools
    assert_eq!(picked(&a), vec!["sim/coder", "sim/swift"]);
    key(&mut a, KeyCode::BackTab, KeyModifiers::NONE);
    key(&mut a, KeyCode::BackTab, KeyModifiers::NONE); // all
    key(&mut a, KeyCode::Char('s'), KeyModifiers::CONTROL); // name
    key(&mut a, KeyCode::Char('s'), KeyModifiers::CONTROL); // price
    assert_eq!(picked(&a)[0], "sim/swift");
    assert_eq!(picked(&a)[3], "sim/pricey");
    key(&mut a, KeyCode::Char('s'), KeyModifiers::CONTROL); // context
    assert_eq!(picked(&a)[0], "sim/pricey");
    key(&mut a, KeyCode::Down, KeyModifiers::NONE);
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(a.overlay.is_none());
    assert_eq!(
        a.session.panes[0].model, "sim/coder",
        "Enter sets the focused pane's model"
    );
    assert_eq!(a.session.panes.len(), 2);
    // Ctrl+N in the picker adds the highlighted model as a new pane.
    key(&mut a, KeyCode::Char('p'), KeyModifiers::CONTROL);
    type_text(&mut a, "pricey");
    key(&mut a, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(a.session.panes.len(), 3);
    assert_eq!(a.session.panes[2].model, "sim/pricey");
    assert_eq!(a.view.focus, 2);
}

#[test]
fn prices_from_the_catalog_make_live_estimates() {
    let mut a = app(&["sim/pricey"]);
    a.set_catalog(catalog());
    let id = started(&send(&mut a, "hello"))[0];
    let ans = a.session.panes[0].current().unwrap();
    assert!(ans.price.is_some());
    assert!(ans.prompt_tokens_estimate > 0);
    stream(&mut a, id, StreamEvent::Delta("x".repeat(400)));
    let live = a.live_spent().session;
    assert!(live > 0.0075, "100 tokens at $75/M: {live}");
    assert_eq!(a.session.spend.session, 0.0, "nothing settled yet");
    stream(
        &mut a,
        id,
        StreamEvent::Usage(Usage {
            cost: Some(0.01),
            ..Usage::default()
        }),
    );
    let fx = update(
        &mut a,
        Action::Stream {
            request: id,
            event: StreamEvent::Done,
        },
    );
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::RecordSpend(r) if r.reported && r.cost == Some(0.01))));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::FetchKey { .. })),
        "credit refreshed after the round"
    );
    assert_eq!(
        a.session.spend.session, 0.01,
        "the reported cost replaces the estimate"
    );
}

#[test]
fn an_unpriced_model_is_never_counted_as_free() {
    let mut a = app(&["local-model"]);
    let id = started(&send(&mut a, "hello"))[0];
    stream(&mut a, id, StreamEvent::Delta("answer".into()));
    let fx = update(
        &mut a,
        Action::Stream {
            request: id,
            event: StreamEvent::Done,
        },
    );
    assert_eq!(
        a.session.panes[0].current().unwrap().cost(),
        switchboard::app::state::CostView::Unpriced
    );
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::RecordSpend(r) if r.cost.is_none())));
}

#[test]
fn the_day_total_restarts_at_midnight() {
    use chrono::NaiveDate;
    let mut a = app(&["sim/swift"]);
    let day1 = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    a.today = day1;
    a.session.spend = switchboard::app::spend::SpendState::new(day1, 0.5, 2.0);
    a.config.prices.insert(
        ("sim".into(), "sim/swift".into()),
        switchboard::cost::ModelPrice::per_million(0.0, 0.0),
    );
    let id = started(&send(&mut a, "hello"))[0];
    stream(
        &mut a,
        id,
        StreamEvent::Usage(Usage {
            cost: Some(0.25),
            ..Usage::default()
        }),
    );
    stream(&mut a, id, StreamEvent::Done);
    assert_eq!((a.session.spend.day, a.session.spend.month), (0.75, 2.25));
    a.today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    update(&mut a, Action::Tick);
    assert_eq!(
        (
            a.session.spend.session,
            a.session.spend.day,
            a.session.spend.month
        ),
        (0.25, 0.0, 0.0)
    );
}

#[test]
fn key_refused_is_shown() {
    let mut a = app(&["sim/swift"]);
    update(
        &mut a,
        Action::KeyInfo {
            provider: "openrouter".into(),
            status: switchboard::app::spend::KeyStatus::Refused,
        },
    );
    assert!(a
        .view
        .notice
        .as_ref()
        .is_some_and(|n| n.error && n.text.contains("key refused")));
}

#[test]
fn a_failed_catalog_refresh_is_a_notice_not_an_error() {
    let mut a = app(&["sim/swift"]);
    a.set_catalog(catalog());
    a.unix = 7200;
    update(
        &mut a,
        Action::Catalog {
            provider: "sim".into(),
            result: Err("connection refused".into()),
        },
    );
    let n = a.view.notice.clone().unwrap();
    assert!(!n.error);
    assert!(n.text.contains("using the copy from 2h ago"), "{}", n.text);
    assert_eq!(a.catalog.entries.len(), 4, "the cached catalog stays");
}

#[test]
fn startup_leaves_a_keyless_openrouter_catalog_alone() {
    use switchboard::provider::{Endpoint, ProviderKind};
    let mut a = app(&["sim/swift"]);
    let endpoint = |name: &str, kind, key: Option<&str>| Endpoint {
        provider: name.into(),
        kind,
        base_url: format!("http://{name}/v1"),
        api_key: key.map(str::to_owned),
        simulated: false,
        options: Default::default(),
    };
    a.config.providers.endpoints.insert(
        "openrouter".into(),
        endpoint("openrouter", ProviderKind::Openrouter, None),
    );
    a.config.providers.endpoints.insert(
        "local".into(),
        endpoint("local", ProviderKind::Openai, None),
    );
    let fetched = |a: &App| -> Vec<String> {
        switchboard::app::update::startup(a)
            .into_iter()
            .filter_map(|e| match e {
                Effect::FetchCatalog { provider } => Some(provider),
                _ => None,
            })
            .collect()
    };
    assert_eq!(fetched(&a), ["local", "sim"]);
    a.config
        .providers
        .endpoints
        .get_mut("openrouter")
        .unwrap()
        .api_key = Some("k".into());
    assert_eq!(fetched(&a), ["local", "openrouter", "sim"]);
}
