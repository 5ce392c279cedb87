#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The history database: what the app records, read back, searched and exported.

use switchboard::cost::ledger::Ledger;
use switchboard::model::RequestId;
use switchboard::session::export;
use switchboard::session::store::{Finished, Op, Writer};

/// A session of two rounds and three answers, one of them failed, one streamed in pieces.
fn recorded() -> Ledger {
    let ledger = Ledger::in_memory().unwrap();
    let mut w = Writer::default();
    let mut apply = |op| w.apply(ledger.conn(), op).unwrap();
    apply(Op::Session {
        started_at: 1_795_000_000,
        workspace: Some("review".into()),
    });
    apply(Op::Round {
        round: 1,
        prompt: "Explain consistent hashing".into(),
        at: 1_795_000_010,
    });
    for (request, pane, model) in [(1, 0, "sim/swift"), (2, 1, "sim/down")] {
        apply(Op::Answer {
            round: 1,
            request: RequestId(request),
            pane,
            model: model.into(),
            provider: "sim".into(),
            settings: serde_json::json!({}),
            tool_results: None,
            at: 1_795_000_010,
        });
    }
    apply(Op::Append {
        request: RequestId(1),
        text: "Consistent hashing maps keys ".into(),
        reasoning: String::new(),
        timeline: "a150,15;a300,29;".into(),
        at: 1_795_000_011,
    });
    apply(Op::Finish {
        request: RequestId(1),
        record: Box::new(Finished {
            text_tail: "onto a ring, so adding a node moves few keys.".into(),
            served_model: Some("sim/swift".into()),
            served_provider: Some("SimCloud".into()),
            status: "done".into(),
            finish_reason: Some("stop".into()),
            ttft_ms: Some(152),
            elapsed_ms: Some(1200),
            prompt_tokens: Some(12),
            completion_tokens: Some(18),
            cost: Some(0.000031),
            reported: true,
            hops: serde_json::json!([]),
            at: 1_795_000_012,
            ..Finished::default()
        }),
    });
    apply(Op::Finish {
        request: RequestId(2),
        record: Box::new(Finished {
            status: "failed".into(),
            error: Some("503 no provider available".into()),
            elapsed_ms: Some(300),
            prompt_tokens: Some(12),
            completion_tokens: Some(0),
            cost: Some(0.0),
            hops: serde_json::json!([]),
            at: 1_795_000_012,
            ..Finished::default()
        }),
    });
    apply(Op::Vote {
        round: 1,
        verdict: "winner".into(),
        winner_pane: Some(0),
        at: 1_795_000_020,
    });
    apply(Op::Round {
        round: 2,
        prompt: "And with virtual nodes?".into(),
        at: 1_795_000_030,
    });
    apply(Op::Answer {
        round: 2,
        request: RequestId(3),
        pane: 0,
        model: "sim/swift".into(),
        provider: "sim".into(),
        settings: serde_json::json!({}),
        tool_results: None,
        at: 1_795_000_030,
    });
    apply(Op::Append {
        request: RequestId(3),
        text: "Virtual nodes spread ".into(),
        reasoning: String::new(),
        timeline: String::new(),
        at: 1_795_000_031,
    });
    ledger
}

fn golden(name: &str, actual: &str) {
    let path = format!(
        "{}/tests/fixtures/export/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(actual, expected, "{name} differs from its golden file");
}

#[test]
fn sessions_are_listed_with_models_rounds_and_cost() {
    let l = recorded();
    let list = export::list(l.conn()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].models, vec!["sim/swift", "sim/down"]);
    assert_eq!(list[0].rounds, 2);
    assert!((list[0].cost - 0.000031).abs() < 1e-12);
    assert_eq!(export::resolve(l.conn(), "last").unwrap(), list[0].id);
    assert!(export::resolve(l.conn(), "x").is_err());
}

#[test]
fn an_unfinished_answer_keeps_what_was_checkpointed() {
    let l = recorded();
    let (_, rounds) = export::load(l.conn(), 1).unwrap().unwrap();
    let partial = &rounds[1].answers[0];
    assert_eq!(partial.text, "Virtual nodes spread ");
    assert_eq!(partial.status, "streaming");
}

#[test]
fn exports_match_their_golden_files() {
    let l = recorded();
    let (s, rounds) = export::load(l.conn(), 1).unwrap().unwrap();
    golden("session.md", &export::markdown(&s, &rounds));
    golden("session.json", &export::json(&s, &rounds).unwrap());
    golden("session.csv", &export::csv(&s, &rounds).unwrap());
}

#[test]
fn search_finds_prompts_and_answers() {
    let l = recorded();
    let hits = export::search(l.conn(), "ring").unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].kind, "answer");
    assert!(hits[0].snippet.contains("[ring]"), "{}", hits[0].snippet);
    let hits = export::search(l.conn(), "virtual nodes?").unwrap();
    assert_eq!(
        hits.iter().map(|h| h.kind.as_str()).collect::<Vec<_>>(),
        vec!["prompt"]
    );
    assert!(export::search(l.conn(), "zebra").unwrap().is_empty());
    assert!(export::search(l.conn(), "  ").unwrap().is_empty());
}

#[test]
fn the_scoreboard_over_all_history_reads_votes_and_answers() {
    let l = recorded();
    let rows = switchboard::session::boards::scoreboard(l.conn()).unwrap();
    let swift = rows.iter().find(|r| r.model == "sim/swift").unwrap();
    let down = rows.iter().find(|r| r.model == "sim/down").unwrap();
    assert_eq!((swift.wins, swift.losses), (1, 0));
    assert_eq!((down.wins, down.losses), (0, 1));
    assert!(swift.rating > down.rating);
    assert_eq!(
        swift.figures.n, 1,
        "only finished answers count for speed and cost"
    );
    assert_eq!(swift.figures.ttft_ms.map(|e| e.mean), Some(152.0));
    // One vote: the rating has an interval, and it does not yet tell the two apart.
    let (lo, hi) = swift.interval.unwrap();
    assert!(lo <= swift.rating && swift.rating <= hi);
    assert_eq!((swift.rank, down.rank), (Some(1), Some(1)));
    assert_eq!(rows[0].model, "sim/swift");
}

mod common;

#[test]
fn the_browser_finds_sessions_and_resumes_one() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use switchboard::app::{update, Action, Effect, Status};

    let l = recorded();
    let mut a = common::sim_app(&["sim/coder"]);
    let ctrl_o = KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL);
    assert_eq!(
        update(&mut a, Action::Key(ctrl_o)),
        vec![Effect::LoadSessions {
            query: String::new()
        }]
    );
    let fx = update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)),
    );
    assert_eq!(fx, vec![Effect::LoadSessions { query: "r".into() }]);
    assert_eq!(export::find(l.conn(), "ring").unwrap().len(), 1);
    assert!(export::find(l.conn(), "zebra").unwrap().is_empty());
    update(&mut a, Action::Sessions(export::find(l.conn(), "")));
    let fx = update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert_eq!(
        fx,
        vec![Effect::OpenSession {
            id: 1,
            read_only: false
        }]
    );
    let load = || {
        export::load(l.conn(), 1)
            .unwrap()
            .map(Box::new)
            .ok_or("none".to_string())
    };
    // Read-only first: the conversation shows, nothing can be sent, nothing is recorded.
    let fx = update(
        &mut a,
        Action::SessionLoaded {
            loaded: load(),
            read_only: true,
        },
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::History(_))));
    assert!(a.session.read_only && a.session.resumed.is_none());
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)),
    );
    let fx = update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Start { .. })),
        "read-only sends nothing"
    );
    a.view.prompt = switchboard::ui::prompt::new_editor();
    let fx = update(
        &mut a,
        Action::SessionLoaded {
            loaded: load(),
            read_only: false,
        },
    );
    assert!(!a.session.read_only);
    assert_eq!(a.session.resumed, Some(1));
    assert_eq!(a.session.rounds, 2);
    let models: Vec<&str> = a.session.panes.iter().map(|p| p.model.as_str()).collect();
    assert_eq!(models, vec!["sim/swift", "sim/down"]);
    assert_eq!(a.session.panes[0].turns.len(), 2, "both rounds of pane 1");
    assert_eq!(
        a.session.panes[0].turns[0].answer.text,
        "Consistent hashing maps keys onto a ring, so adding a node moves few keys."
    );
    assert_eq!(
        a.session.panes[0].turns[1].answer.status,
        Status::Cancelled,
        "cut short when it was recorded"
    );
    assert!(matches!(
        a.session.panes[1].turns[0].answer.status,
        Status::Failed(_)
    ));
    assert!(fx.iter().any(
        |e| matches!(e, Effect::History(op) if matches!(op.as_ref(), Op::Resume { session: 1 }))
    ));
    // Following up continues the conversation, with the stored answer as context.
    assert!(a.overlay.is_none(), "the browser closed on Enter");
    for c in "more?".chars() {
        update(
            &mut a,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let fx = update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let params = fx
        .iter()
        .find_map(|e| match e {
            Effect::Start { params, .. } => Some(params),
            _ => None,
        })
        .unwrap();
    assert_eq!(params.messages[0].content, "Explain consistent hashing");
    assert!(params.messages[1].content.starts_with("Consistent hashing"));
    assert!(fx.iter().any(
        |e| matches!(e, Effect::History(op) if matches!(op.as_ref(), Op::Round { round: 3, .. }))
    ));
}

#[test]
fn last_is_the_session_used_last_not_the_newest() {
    let l = recorded();
    let mut w = Writer::default();
    let mut apply = |op| w.apply(l.conn(), op).unwrap();
    // A headless run after the session...
    apply(Op::Session {
        started_at: 1_795_000_100,
        workspace: Some("run".into()),
    });
    apply(Op::Round {
        round: 1,
        prompt: "a batch prompt".into(),
        at: 1_795_000_100,
    });
    assert_eq!(export::resolve(l.conn(), "last").unwrap(), 2);
    // ...then the first session resumed and carried on: it is the one used last.
    apply(Op::Resume { session: 1 });
    apply(Op::Round {
        round: 3,
        prompt: "One more question".into(),
        at: 1_795_000_200,
    });
    assert_eq!(export::resolve(l.conn(), "last").unwrap(), 1);
}

#[test]
fn a_resumed_answer_keeps_its_figures_and_its_error() {
    use std::time::{Duration, Instant};
    let l = recorded();
    let (_, rounds) = export::load(l.conn(), 1).unwrap().unwrap();
    let a = common::sim_app(&["sim/swift"]);
    let now = Instant::now() + Duration::from_secs(10);
    let (panes, _) = switchboard::session::resume::panes(&a.config.providers, &rounds, now);
    let done = &panes[0].turns[0].answer;
    assert_eq!(done.ttft(), Some(Duration::from_millis(152)));
    assert_eq!(done.elapsed(now), Duration::from_millis(1200));
    // 18 tokens in the 1,048 ms after the first one.
    let rate = done.rate(now).unwrap();
    assert!((rate - 18.0 / 1.048).abs() < 0.01, "{rate}");
    let failed = &panes[1].turns[0].answer;
    let switchboard::app::Status::Failed(e) = &failed.status else {
        panic!("{:?}", failed.status)
    };
    assert_eq!(e.to_string(), "503 no provider available");
    assert_eq!(e.short(), "503 no provider available");
}

fn press(
    a: &mut switchboard::app::App,
    code: crossterm::event::KeyCode,
    mods: crossterm::event::KeyModifiers,
) -> Vec<switchboard::app::Effect> {
    switchboard::app::update(
        a,
        switchboard::app::Action::Key(crossterm::event::KeyEvent::new(code, mods)),
    )
}

fn screen(a: &switchboard::app::App) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(
        a.view.size.0,
        a.view.size.1,
    ))
    .unwrap();
    t.draw(|f| switchboard::ui::draw(a, &a.view.theme, f))
        .unwrap();
    format!("{}", t.backend())
}

fn starts(fx: &[switchboard::app::Effect]) -> usize {
    fx.iter()
        .filter(|e| matches!(e, switchboard::app::Effect::Start { .. }))
        .count()
}

#[test]
fn a_replay_sends_nothing_and_spends_nothing() {
    use crossterm::event::{KeyCode, KeyModifiers};
    use switchboard::app::{update, Action};
    use switchboard::provider::Usage;
    use switchboard::stream::StreamEvent;

    let mut a = common::sim_app(&["sim/swift"]);
    a.view.size = (120, 30);
    a.session.session_label = "2026-11-23 14:02".into();
    a.session.replaying = Some(1);
    update(
        &mut a,
        Action::ReplayRound {
            prompt: "Explain consistent hashing".into(),
            requests: vec![(0, RequestId(7))],
        },
    );
    for event in [
        StreamEvent::Delta("A ring of keys.".into()),
        StreamEvent::Usage(Usage {
            completion_tokens: Some(5),
            cost: Some(0.25),
            ..Usage::default()
        }),
        StreamEvent::Done,
    ] {
        update(
            &mut a,
            Action::Stream {
                request: RequestId(7),
                event,
            },
        );
    }
    assert_eq!(
        a.session.panes[0].current().unwrap().text,
        "A ring of keys."
    );
    assert_eq!(a.session_cost(), 0.0, "spent when it was recorded, not now");
    assert_eq!(a.session.spend.day, 0.0);
    for c in "a new question".chars() {
        press(&mut a, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(starts(&fx), 0, "{fx:?}");
    assert_eq!(
        starts(&press(&mut a, KeyCode::Char('r'), KeyModifiers::CONTROL)),
        0
    );
    assert!(a.view.notice.as_ref().unwrap().text.contains("--resume 1"));
    let s = screen(&a);
    assert!(s.contains("· replay of session 1 ·"), "{s}");
    assert!(
        !s.contains("session session") && !s.contains("session replay"),
        "{s}"
    );
}

#[test]
fn a_read_only_look_comes_back_to_the_live_session() {
    use crossterm::event::{KeyCode, KeyModifiers};
    use switchboard::app::{update, Action, Effect};
    use switchboard::stream::StreamEvent;

    let l = recorded();
    let mut a = common::sim_app(&["sim/coder"]);
    a.view.size = (120, 30);
    a.session.session_label = "2026-11-29 10:00".into();
    for c in "live question".chars() {
        press(&mut a, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let Some(Effect::Start { request, .. }) = fx.iter().find(|e| matches!(e, Effect::Start { .. }))
    else {
        panic!("{fx:?}")
    };
    let request = *request;
    update(
        &mut a,
        Action::Stream {
            request,
            event: StreamEvent::Delta("live answer".into()),
        },
    );
    update(
        &mut a,
        Action::Stream {
            request,
            event: StreamEvent::Done,
        },
    );
    // The history says this process writes to session 2; session 1 is looked at read-only.
    update(&mut a, Action::Recording(Some(2)));
    update(
        &mut a,
        Action::SessionLoaded {
            loaded: export::load(l.conn(), 1)
                .unwrap()
                .map(Box::new)
                .ok_or("none".into()),
            read_only: true,
        },
    );
    assert!(a.session.read_only);
    let s = screen(&a);
    assert!(s.contains("· session 1 (read-only)"), "{s}");
    assert!(!s.contains("session session"), "{s}");
    assert_eq!(
        starts(&press(&mut a, KeyCode::Char('r'), KeyModifiers::CONTROL)),
        0,
        "read-only sends nothing"
    );
    // Ctrl+O marks the live session; Enter on it comes back without reading the disk.
    press(&mut a, KeyCode::Char('o'), KeyModifiers::CONTROL);
    let mut list = export::list(l.conn()).unwrap();
    let mut live = list[0].clone();
    live.id = 2;
    list.insert(0, live);
    update(&mut a, Action::Sessions(Ok(list)));
    let s = screen(&a);
    assert!(s.contains("●    2"), "{s}");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::OpenSession { .. })),
        "{fx:?}"
    );
    assert!(!a.session.read_only);
    assert_eq!(a.session.panes[0].model, "sim/coder");
    assert_eq!(a.session.panes[0].current().unwrap().text, "live answer");
    assert_eq!(a.session.session_label, "2026-11-29 10:00");
    // Ctrl+B does the same from the panes.
    update(
        &mut a,
        Action::SessionLoaded {
            loaded: export::load(l.conn(), 1)
                .unwrap()
                .map(Box::new)
                .ok_or("none".into()),
            read_only: true,
        },
    );
    assert!(a.session.read_only);
    press(&mut a, KeyCode::Char('b'), KeyModifiers::CONTROL);
    assert!(!a.session.read_only);
    assert_eq!(a.session.panes[0].current().unwrap().text, "live answer");
}

/// The headings of a Markdown export, in order, with their levels; fenced code is skipped.
fn outline(md: &str) -> Vec<(usize, String)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in md.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let level = line.chars().take_while(|c| *c == '#').count();
        if level > 0 && line[level..].starts_with(' ') {
            out.push((level, line[level + 1..].to_string()));
        }
    }
    out
}

#[test]
fn an_answers_headings_sit_under_its_pane_in_the_export() {
    let ledger = Ledger::in_memory().unwrap();
    let mut w = Writer::default();
    let mut apply = |op| w.apply(ledger.conn(), op).unwrap();
    apply(Op::Session {
        started_at: 1_795_000_000,
        workspace: None,
    });
    apply(Op::Round {
        round: 1,
        prompt: "Write a setup guide".into(),
        at: 1_795_000_010,
    });
    let answers = [
        "# Setup guide\n\nIntro.\n\n## Install\n\n```sh\n# as root\napt install x\n```\n\n### Check\n\nDone.",
        "### Steps\n\n1. Install.\n\nNotes\n-----\n\nText. Cut off in code:\n\n```python\n# a comment\nprint(1",
    ];
    for (i, text) in answers.iter().enumerate() {
        let request = i as u64 + 1;
        apply(Op::Answer {
            round: 1,
            request: RequestId(request),
            pane: i,
            model: format!("sim/m{i}"),
            provider: "sim".into(),
            settings: serde_json::json!({}),
            tool_results: None,
            at: 1_795_000_010,
        });
        apply(Op::Append {
            request: RequestId(request),
            text: (*text).into(),
            reasoning: String::new(),
            timeline: String::new(),
            at: 1_795_000_011,
        });
    }
    let (s, rounds) = export::load(ledger.conn(), 1).unwrap().unwrap();
    let md = export::markdown(&s, &rounds);
    let heads = outline(&md);
    let names: Vec<(usize, &str)> = heads.iter().map(|(l, t)| (*l, t.as_str())).collect();
    assert_eq!(
        names,
        vec![
            (1, "Session 1 — 2026-11-18 11:06 UTC"),
            (2, "Round 1"),
            (3, "1 · sim/m0"),
            (4, "Setup guide"),
            (5, "Install"),
            (6, "Check"),
            (3, "2 · sim/m1"),
            // The answer's own order is kept: its `##` is above its `###`.
            (5, "Steps"),
            (4, "Notes"),
        ],
        "{md}"
    );
    // Code is copied as it was, `#` lines and all, and a block cut off is closed.
    assert!(md.contains("```sh\n# as root\napt install x\n```"), "{md}");
    assert!(md.contains("```python\n# a comment\nprint(1\n```"), "{md}");
}
