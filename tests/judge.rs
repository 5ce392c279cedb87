#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Judging at the keyboard: votes, blind mode and its reveal, the scoreboard.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::state::Overlay;
use switchboard::app::{update, Action, App, Effect, Zone};
use switchboard::judge::Verdict;
use switchboard::model::RequestId;
use switchboard::session::store::Op;
use switchboard::stream::StreamEvent;

fn key(a: &mut App, code: KeyCode) -> Vec<Effect> {
    update(a, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn round(a: &mut App, prompt: &str) -> Vec<RequestId> {
    if a.view.zone == Zone::Panes {
        key(a, KeyCode::Char('i'));
    }
    for c in prompt.chars() {
        key(a, KeyCode::Char(c));
    }
    let ids: Vec<RequestId> = key(a, KeyCode::Enter)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Start { request, .. } => Some(request),
            _ => None,
        })
        .collect();
    for (n, id) in ids.iter().enumerate() {
        a.now += std::time::Duration::from_millis(100);
        update(
            a,
            Action::Stream {
                request: *id,
                event: StreamEvent::Delta(format!("answer {n}")),
            },
        );
        a.now += std::time::Duration::from_millis(400);
        update(
            a,
            Action::Stream {
                request: *id,
                event: StreamEvent::Done,
            },
        );
    }
    key(a, KeyCode::Esc); // to the panes, where `v` votes
    ids
}

fn render(a: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(a.view.size.0, a.view.size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(a, &a.view.theme, f))
        .unwrap();
    format!("{}", t.backend())
}

fn app() -> App {
    let mut a = common::sim_app(&["sim/swift", "sim/steady", "sim/coder"]);
    a.view.size = (120, 30);
    a.session.session_label = "2026-11-23 14:02".into();
    a
}

#[test]
fn a_vote_is_recorded_and_counts_on_the_scoreboard() {
    let mut a = app();
    assert!(key(&mut a, KeyCode::F(6)).is_empty());
    assert!(
        a.view.notice.as_ref().is_some_and(|n| n.error),
        "nothing to judge yet"
    );
    round(&mut a, "first");
    key(&mut a, KeyCode::Char('v'));
    let fx = key(&mut a, KeyCode::Char('2'));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::History(op) if matches!(op.as_ref(),
        Op::Vote { round: 1, verdict, winner_pane: Some(1), .. } if verdict == "winner"))));
    assert_eq!(a.session.votes[0].1.verdict, Verdict::Winner(1));
    round(&mut a, "second");
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('='));
    round(&mut a, "third");
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('0'));
    key(&mut a, KeyCode::Char('S'));
    let Some(Overlay::Scoreboard {
        all: false,
        rows: Some(Ok(rows)),
        ..
    }) = &a.overlay
    else {
        panic!("{:?}", a.overlay)
    };
    let steady = rows.iter().find(|r| r.model == "sim/steady").unwrap();
    assert_eq!((steady.wins, steady.losses, steady.ties), (1, 1, 1));
    assert_eq!(rows[0].model, "sim/steady", "the winner leads");
    // Three votes tell nobody apart: every model shares the first rank, and the board says so.
    assert!(rows.iter().all(|r| r.rank == Some(1)), "{rows:?}");
    let screen = render(&a);
    assert!(screen.contains("scoreboard · this session"), "{screen}");
    assert!(screen.contains("Not distinguishable yet"), "{screen}");
    insta::assert_snapshot!("scoreboard_120x30", screen);
    a.view.size = (80, 24);
    let narrow = render(&a);
    assert!(
        narrow.contains("sim/steady") && narrow.contains("w/l/t"),
        "{narrow}"
    );
    // `a` asks the database for all history.
    assert_eq!(
        key(&mut a, KeyCode::Char('a')),
        vec![Effect::LoadScoreboard]
    );
}

#[test]
fn blind_mode_hides_and_shuffles_until_the_vote() {
    let mut a = app();
    key(&mut a, KeyCode::F(8));
    assert!(a.view.blind);
    round(&mut a, "which is best?");
    let screen = render(&a);
    for m in ["sim/swift", "sim/steady", "sim/coder", "tok/s", "ttft"] {
        assert!(!screen.contains(m), "{m} visible while blind:\n{screen}");
    }
    assert!(screen.contains("Model A") && screen.contains("Model C"));
    let mut sorted = a.view.order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![0, 1, 2], "a permutation of the panes");
    // Voting for slot 1 votes for whichever pane is shown there.
    let shown_first = a.pane_in_slot(0);
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('1'));
    assert_eq!(a.session.votes[0].1.verdict, Verdict::Winner(shown_first));
    let screen = render(&a);
    assert!(
        screen.contains("sim/swift") && screen.contains("ttft"),
        "revealed:\n{screen}"
    );
    // A pane closed while blind never leaves the order pointing nowhere.
    key(&mut a, KeyCode::Char('d'));
    let _ = render(&a);
}

/// Rounds until the blind shuffle is not the plain order (a shuffle may leave it as it was).
fn shuffled_round(a: &mut App) {
    for n in 0..20 {
        round(a, &format!("round {n}"));
        if a.view.order.iter().enumerate().any(|(slot, &p)| slot != p) {
            return;
        }
        key(a, KeyCode::Char('v'));
        key(a, KeyCode::Char('='));
    }
    panic!("20 rounds in the plain order");
}

#[test]
fn blind_digits_and_tab_follow_the_numbers_on_screen_before_and_after_the_reveal() {
    let mut a = common::sim_app(&["sim/swift", "sim/steady", "sim/coder", "sim/thinker"]);
    a.view.size = (160, 30);
    key(&mut a, KeyCode::F(8));
    shuffled_round(&mut a);
    for reveal in [false, true] {
        for slot in 0..4 {
            key(&mut a, KeyCode::Char(char::from(b'1' + slot as u8)));
            assert_eq!(
                a.view.focus,
                a.pane_in_slot(slot),
                "digit {} (revealed: {reveal})",
                slot + 1
            );
        }
        // Tab walks the slots left to right.
        key(&mut a, KeyCode::Char('1'));
        for slot in 1..4 {
            key(&mut a, KeyCode::Tab);
            assert_eq!(a.slot_of(a.view.focus), slot, "Tab (revealed: {reveal})");
        }
        if !reveal {
            key(&mut a, KeyCode::Char('v'));
            key(&mut a, KeyCode::Char('2'));
            // The vote goes to the pane shown as 2.
            let vote = &a.session.votes.last().unwrap().1;
            let Verdict::Winner(k) = vote.verdict else {
                panic!("{vote:?}")
            };
            assert_eq!(vote.models[k], a.session.panes[a.pane_in_slot(1)].model);
        }
    }
}

#[test]
fn blind_shows_no_model_before_the_first_round_nor_in_settings_or_the_trail() {
    let mut a = app();
    key(&mut a, KeyCode::F(8));
    let screen = render(&a);
    for m in ["sim/swift", "sim/steady", "sim/coder", "built-in simulator"] {
        assert!(!screen.contains(m), "{m} visible while blind:\n{screen}");
    }
    assert!(screen.contains("Model A is ready."), "{screen}");
    round(&mut a, "which is best?");
    for k in [KeyCode::F(2), KeyCode::F(4)] {
        key(&mut a, k);
        assert!(a.overlay.is_none(), "{k:?} opened {:?}", a.overlay);
        assert!(a
            .view
            .notice
            .as_ref()
            .is_some_and(|n| n.error && n.text.contains("hidden")));
    }
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
    );
    assert!(a.overlay.is_none(), "the picker names the pane's model");
    // After the vote they open again.
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::F(4));
    assert!(a.overlay.is_some());
}

#[test]
fn diff_two_answers_word_by_word() {
    let mut a = app();
    let ids: Vec<RequestId> = {
        key(&mut a, KeyCode::Char('h'));
        key(&mut a, KeyCode::Char('i'));
        key(&mut a, KeyCode::Enter)
            .into_iter()
            .filter_map(|e| match e {
                Effect::Start { request, .. } => Some(request),
                _ => None,
            })
            .collect()
    };
    for (id, text) in ids.iter().zip([
        "the quick brown fox",
        "the slow brown dog",
        "something else",
    ]) {
        update(
            &mut a,
            Action::Stream {
                request: *id,
                event: StreamEvent::Delta(text.into()),
            },
        );
        update(
            &mut a,
            Action::Stream {
                request: *id,
                event: StreamEvent::Done,
            },
        );
    }
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::ALT)),
    );
    let ids: Vec<_> = a.session.panes.iter().map(|p| p.id).collect();
    let diff = |a: &App| match a.overlay {
        Some(Overlay::Diff { left, right, .. }) => Some((left, right)),
        _ => None,
    };
    assert_eq!(diff(&a), Some((ids[0], ids[1])));
    let screen = render(&a);
    assert!(screen.contains("−2 words  +2 words"), "{screen}");
    insta::assert_snapshot!("diff_120x30", screen);
    key(&mut a, KeyCode::Right);
    assert_eq!(diff(&a), Some((ids[0], ids[2])));
    key(&mut a, KeyCode::Right);
    assert_eq!(diff(&a), Some((ids[0], ids[1])), "skips the left pane");
}

#[test]
fn rerun_sends_the_last_prompt_again_in_new_panes() {
    let mut a = common::sim_app(&["sim/swift", "sim/coder"]);
    a.session.panes[0].settings.temperature = Some(1.2);
    round(&mut a, "vary this");
    let before = a.session.rounds;
    key(&mut a, KeyCode::Char('R'));
    let fx = key(&mut a, KeyCode::Char('3'));
    let starts: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Start { params, .. } => Some(params),
            _ => None,
        })
        .collect();
    assert_eq!(starts.len(), 3);
    assert!(starts
        .iter()
        .all(|p| p.model == "sim/swift" && p.settings.temperature == Some(1.2)));
    assert!(starts
        .iter()
        .all(|p| p.messages.last().unwrap().content == "vary this"));
    assert_eq!(a.session.panes.len(), 5);
    assert_eq!(a.session.rounds, before + 1, "the reruns are one new round");
    key(&mut a, KeyCode::Char('R'));
    key(&mut a, KeyCode::Char('7'));
    assert_eq!(a.session.panes.len(), 12);
    // There is room for four more at most.
    key(&mut a, KeyCode::Char('R'));
    let fx = key(&mut a, KeyCode::Char('7'));
    assert_eq!(
        fx.iter()
            .filter(|e| matches!(e, Effect::Start { .. }))
            .count(),
        4
    );
    assert_eq!(a.session.panes.len(), 16);
}

#[test]
fn a_rerun_sums_up_its_answers_with_intervals_when_the_last_one_ends() {
    let mut a = common::sim_app(&["sim/swift"]);
    a.view.size = (160, 40);
    round(&mut a, "vary this");
    key(&mut a, KeyCode::Char('R'));
    let ids = common::drive::started(&key(&mut a, KeyCode::Char('4')));
    assert_eq!(ids.len(), 4);
    // First tokens after 100, 200, 300 and 400 ms; the third fails.
    let start = a.now;
    for (n, id) in ids.iter().enumerate() {
        a.now = start + std::time::Duration::from_millis(100 * (n as u64 + 1));
        let event = if n == 2 {
            StreamEvent::Error(switchboard::provider::ApiError::Connect("refused".into()))
        } else {
            StreamEvent::Delta("words ".repeat(20))
        };
        update(
            &mut a,
            Action::Stream {
                request: *id,
                event,
            },
        );
    }
    a.now = start + std::time::Duration::from_millis(1500);
    for (n, id) in ids.iter().enumerate() {
        if n != 2 {
            assert!(
                !a.view
                    .notice
                    .as_ref()
                    .is_some_and(|x| x.text.contains("ok ·")),
                "told before the last answer"
            );
            update(
                &mut a,
                Action::Stream {
                    request: *id,
                    event: StreamEvent::Done,
                },
            );
        }
    }
    let told = a
        .view
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    // Three of four came through: Wilson 30–95%; TTFT 100, 200, 400 ms: mean 233, t(2) = 4.303
    // on a standard error of 88.19: ±379.
    assert!(
        told.contains("rerun ×4 of sim/swift (F10 scoreboard): 3/4 (30–95%) ok · ttft 233 ±379 ms"),
        "{told}"
    );
    key(&mut a, KeyCode::Char('S'));
    let Some(Overlay::Scoreboard { reruns, .. }) = &a.overlay else {
        panic!("{:?}", a.overlay)
    };
    assert_eq!(reruns.len(), 1);
    assert_eq!((reruns[0].spread.n, reruns[0].spread.ok), (4, 3));
    let screen = render(&a);
    assert!(
        screen.contains("×4 sim/swift") && screen.contains("3/4 (30–95%) ok"),
        "{screen}"
    );
}

#[test]
fn prompt_variables_and_the_library() {
    let mut a = app();
    a.config.vars.insert("lang".into(), "Rust".into());
    for c in "Tips for {{lang}} and {{topic}}".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    let fx = key(&mut a, KeyCode::Enter);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Start { .. })),
        "a missing variable stops the send"
    );
    assert!(a
        .view
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("{{topic}}")));
    assert_eq!(
        a.prompt_text(),
        "Tips for {{lang}} and {{topic}}",
        "the prompt is kept"
    );
    assert!(
        matches!(a.overlay, Some(Overlay::Vars { .. })),
        "asks for it"
    );
    key(&mut a, KeyCode::Esc);
    a.config.vars.insert("topic".into(), "errors".into());
    let fx = key(&mut a, KeyCode::Enter);
    let Some(Effect::Start { params, .. }) = fx.iter().find(|e| matches!(e, Effect::Start { .. }))
    else {
        panic!("{fx:?}")
    };
    assert_eq!(params.messages[0].content, "Tips for Rust and errors");

    // The library: save the current prompt under a name, then insert a saved one.
    for c in "Review {{lang}} code".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::ALT)),
    );
    for c in "review".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    let fx = update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert_eq!(
        fx,
        vec![Effect::SavePrompt {
            name: "review".into(),
            text: "Review {{lang}} code".into()
        }]
    );
    update(
        &mut a,
        Action::PromptSaved(Ok(switchboard::library::Saved {
            name: "review".into(),
            text: "Review {{lang}} code".into(),
        })),
    );
    a.config.library.push(switchboard::library::Saved {
        name: "summarise".into(),
        text: "Summarise in 3 bullets.".into(),
    });
    key(&mut a, KeyCode::Esc);
    a.view.prompt = switchboard::ui::prompt::new_editor();
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::ALT)),
    );
    for c in "summ".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    key(&mut a, KeyCode::Enter);
    assert!(a.overlay.is_none());
    assert_eq!(a.prompt_text(), "Summarise in 3 bullets.");
}

#[test]
fn variables_are_set_from_the_playground_when_a_prompt_needs_one() {
    let mut a = app();
    for c in "Review this {{lang}} code".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    let fx = key(&mut a, KeyCode::Enter);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Start { .. })),
        "{fx:?}"
    );
    let Some(Overlay::Vars { input, .. }) = &a.overlay else {
        panic!("{:?}", a.overlay)
    };
    assert_eq!(input.lines().join(""), "lang=");
    assert!(render(&a).contains("variables"));
    for c in "rust".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.config.vars.get("lang").map(String::as_str), Some("rust"));
    // A line that is not name=value says why and sets nothing.
    for c in "no equals".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    key(&mut a, KeyCode::Enter);
    assert!(render(&a).contains("is not name=value"), "{}", render(&a));
    key(&mut a, KeyCode::Esc);
    assert!(a.overlay.is_none());
    let fx = key(&mut a, KeyCode::Enter);
    let sent = fx
        .iter()
        .find_map(|e| match e {
            Effect::Start { params, .. } => Some(params.messages.last().unwrap().content.clone()),
            _ => None,
        })
        .expect("sent once the variable has a value");
    assert_eq!(sent, "Review this rust code");
    // Alt+V lists them; Enter on an empty line edits the selected one; Del removes it.
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('v'), KeyModifiers::ALT)),
    );
    assert!(render(&a).contains("lang = rust"));
    key(&mut a, KeyCode::Enter);
    let Some(Overlay::Vars { input, .. }) = &a.overlay else {
        panic!("{:?}", a.overlay)
    };
    assert_eq!(input.lines().join(""), "lang=rust");
    for _ in 0.."lang=rust".len() {
        key(&mut a, KeyCode::Backspace);
    }
    key(&mut a, KeyCode::Delete);
    assert!(a.config.vars.is_empty());
}

#[test]
fn every_one_of_sixteen_panes_can_be_voted_for_by_its_number() {
    let models = ["sim/swift"; 16];
    let mut a = common::sim_app(&models);
    a.view.size = (200, 50);
    round(&mut a, "which is best?");
    let winner = |a: &App| match a.session.votes.last() {
        Some((_, v)) => v.verdict.clone(),
        None => panic!("no vote"),
    };
    key(&mut a, KeyCode::Char('v'));
    let asked = a.view.notice.as_ref().unwrap().text.clone();
    assert!(asked.contains("1–16"), "{asked}");
    // Pane 12: two digits, the number its title shows.
    let fx = key(&mut a, KeyCode::Char('1'));
    assert!(
        fx.is_empty() && a.session.votes.is_empty(),
        "waits for a second digit"
    );
    let fx = key(&mut a, KeyCode::Char('2'));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::History(op) if matches!(op.as_ref(),
        Op::Vote { winner_pane: Some(11), .. }))));
    assert_eq!(winner(&a), Verdict::Winner(11));
    // Pane 16, the last there can be.
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Char('6'));
    assert_eq!(winner(&a), Verdict::Winner(15));
    // Pane 1: its digit, then Enter.
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Enter);
    assert_eq!(winner(&a), Verdict::Winner(0));
    // Pane 2 cannot begin a longer number, so it counts at once.
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('2'));
    assert_eq!(winner(&a), Verdict::Winner(1));
    // There is no pane 17: nothing is recorded, and the notice says why.
    let before = a.session.votes.clone();
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('1'));
    assert!(key(&mut a, KeyCode::Char('7')).is_empty());
    assert_eq!(a.session.votes.len(), before.len());
    assert_eq!(winner(&a), Verdict::Winner(1));
    assert!(a
        .view
        .notice
        .as_ref()
        .is_some_and(|n| n.error && n.text.contains("17")));

    // With fewer panes the prompt gives their range and one digit is the vote.
    let mut b = app();
    round(&mut b, "first");
    key(&mut b, KeyCode::Char('v'));
    assert!(b.view.notice.as_ref().unwrap().text.contains("1–3"));
    key(&mut b, KeyCode::Char('1'));
    assert_eq!(winner(&b), Verdict::Winner(0));
}

#[test]
fn an_open_diff_follows_answers_still_arriving() {
    let mut a = app();
    for c in "compare".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    let ids: Vec<RequestId> = key(&mut a, KeyCode::Enter)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Start { request, .. } => Some(request),
            _ => None,
        })
        .collect();
    let delta = |a: &mut App, id: RequestId, t: &str| {
        update(
            a,
            Action::Stream {
                request: id,
                event: StreamEvent::Delta(t.into()),
            },
        );
    };
    delta(&mut a, ids[0], "one two");
    delta(&mut a, ids[1], "one three");
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::ALT)),
    );
    let counts = |a: &App| match &a.overlay {
        Some(Overlay::Diff { words, .. }) => (words.removed, words.added),
        other => panic!("{other:?}"),
    };
    assert_eq!(counts(&a), (1, 1));
    delta(&mut a, ids[1], " four five");
    assert_eq!(counts(&a), (1, 5), "made again as the answer grows");
    assert!(render(&a).contains("−1 words  +5 words"));
}
