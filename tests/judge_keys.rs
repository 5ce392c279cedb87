#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The judge key in the playground: what the judge is sent, its verdicts in the footers and
//! the overlay, its cost booked apart, failures said on the verdict, and the judge as a rater
//! on the scoreboard beside the votes.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use switchboard::app::state::Overlay;
use switchboard::app::{update, Action, App, Effect, Zone};
use switchboard::cost::ledger::Purpose;
use switchboard::judge::verdict::{Judge, Mode};
use switchboard::model::RequestId;
use switchboard::provider::{ChatParams, Usage};
use switchboard::session::store::Op;
use switchboard::stream::StreamEvent;

fn key(a: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(a, Action::Key(KeyEvent::new(code, mods)))
}

fn stream(a: &mut App, request: RequestId, events: Vec<StreamEvent>) -> Vec<Effect> {
    let mut fx = Vec::new();
    for event in events {
        a.now += std::time::Duration::from_millis(50);
        fx.extend(update(a, Action::Stream { request, event }));
    }
    fx
}

/// A round sent and answered: pane n says `texts[n]`.
fn answered_round(a: &mut App, prompt: &str, texts: &[&str]) {
    if a.view.zone == Zone::Panes {
        key(a, KeyCode::Char('i'), KeyModifiers::NONE);
    }
    common::keys::type_text(a, prompt);
    let ids = common::drive::started(&key(a, KeyCode::Enter, KeyModifiers::NONE));
    for (id, text) in ids.iter().zip(texts) {
        stream(
            a,
            *id,
            vec![StreamEvent::Delta(text.to_string()), StreamEvent::Done],
        );
    }
    key(a, KeyCode::Esc, KeyModifiers::NONE);
}

fn verdict(json: &str, cost: f64) -> Vec<StreamEvent> {
    vec![
        StreamEvent::Delta(json.to_string()),
        StreamEvent::Usage(Usage {
            prompt_tokens: Some(200),
            completion_tokens: Some(20),
            cost: Some(cost),
            ..Usage::default()
        }),
        StreamEvent::Done,
    ]
}

fn footers(a: &mut App) -> String {
    a.view.size = (150, 30);
    common::draw(a).join("\n")
}

#[test]
fn the_judge_scores_each_answer_without_names_and_is_booked_apart() {
    let mut a = common::sim_app(&["sim/swift", "sim/steady"]);
    answered_round(
        &mut a,
        "Explain raft",
        &["Raft elects a leader.", "Raft uses terms and votes."],
    );
    let fx = key(&mut a, KeyCode::Char('J'), KeyModifiers::SHIFT);
    let asked = common::drive::started_with(&fx);
    assert_eq!(asked.len(), 2, "one score per answer");
    for (_, p) in &asked {
        assert_eq!(p.model, "sim/judge", "the simulator's judge by default");
        let body =
            serde_json::to_string(&p.messages.iter().map(|m| &m.content).collect::<Vec<_>>())
                .unwrap();
        assert!(
            body.contains("Explain raft") && body.contains("<answer>"),
            "{body}"
        );
        assert!(
            !body.contains("sim/swift") && !body.contains("sim/steady"),
            "{body}"
        );
        let format = p.settings.response_format.as_ref().unwrap();
        assert_eq!(format.wire()["json_schema"]["strict"], true);
    }
    assert!(matches!(a.overlay, Some(Overlay::Judge { round: 1 })));
    let before = a.session.spend.session;
    let mut fx = stream(
        &mut a,
        asked[0].0,
        verdict(r#"{"score": 8, "reasons": "clear"}"#, 0.001),
    );
    fx.extend(stream(
        &mut a,
        asked[1].0,
        verdict(r#"{"score": 5, "reasons": "thin"}"#, 0.002),
    ));
    let spends: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::RecordSpend(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(spends.len(), 2);
    assert!(spends
        .iter()
        .all(|r| r.purpose == Purpose::Judge && r.model == "sim/judge"));
    let verdicts: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::History(op) => match op.as_ref() {
                Op::Verdict(v) => Some(v.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        verdicts
            .iter()
            .map(|v| (v.pane, v.score))
            .collect::<Vec<_>>(),
        vec![(0, Some(8)), (1, Some(5))]
    );
    assert!((a.session.judge_spent - 0.003).abs() < 1e-12);
    assert!((a.session.spend.session - before - 0.003).abs() < 1e-12);
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("judged round 1"));
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    let screen = footers(&mut a);
    assert!(
        screen.contains("judge 8/10") && screen.contains("judge 5/10"),
        "{screen}"
    );
    assert!(
        screen.contains("judge $0.0030"),
        "the header shows the judge apart: {screen}"
    );
    // Again: the verdicts, not another judging.
    let fx = key(&mut a, KeyCode::Char('J'), KeyModifiers::SHIFT);
    assert!(common::drive::started_with(&fx).is_empty());
    assert!(matches!(a.overlay, Some(Overlay::Judge { round: 1 })));
    let overlay = footers(&mut a);
    assert!(
        overlay.contains("8/10 — clear") && overlay.contains("5/10 — thin"),
        "{overlay}"
    );
}

#[test]
fn a_verdict_that_fails_or_is_off_schema_says_so_and_the_answers_stay() {
    let mut a = common::sim_app(&["sim/swift", "sim/steady"]);
    answered_round(&mut a, "Explain raft", &["first answer", "second answer"]);
    let asked = common::drive::started_with(&key(&mut a, KeyCode::Char('J'), KeyModifiers::SHIFT));
    stream(
        &mut a,
        asked[0].0,
        verdict(r#"{"score": 42, "reasons": "x"}"#, 0.0),
    );
    stream(
        &mut a,
        asked[1].0,
        vec![StreamEvent::Error(
            switchboard::provider::ApiError::Connect("refused".into()),
        )],
    );
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    let screen = footers(&mut a);
    assert!(
        screen.contains("judge off-schema") && screen.contains("judge failed"),
        "{screen}"
    );
    assert!(screen.contains("first answer") && screen.contains("second answer"));
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("2 verdicts failed"));
}

#[test]
fn pairwise_both_ways_round_cancels_a_position_bias_and_the_judge_is_a_rater() {
    let mut a = common::sim_app(&["sim/swift", "sim/steady"]);
    let mut judge = Judge::new("sim/judge");
    judge.mode = Mode::Pairwise;
    a.config.judge = Some(judge);
    // Round 1: the judge always says "A" (a pure position bias): a tie.
    answered_round(&mut a, "one", &["alpha", "beta"]);
    key(&mut a, KeyCode::Char('v'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('='), KeyModifiers::NONE);
    let asked = common::drive::started_with(&key(&mut a, KeyCode::Char('J'), KeyModifiers::SHIFT));
    assert_eq!(asked.len(), 2, "the one pair, both ways round");
    let shown =
        |p: &ChatParams| p.messages[1].content.find("alpha") < p.messages[1].content.find("beta");
    assert_ne!(
        shown(&asked[0].1),
        shown(&asked[1].1),
        "the order is swapped"
    );
    for (id, _) in &asked {
        stream(
            &mut a,
            *id,
            verdict(r#"{"winner": "A", "reasons": "first"}"#, 0.0),
        );
    }
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(footers(&mut a).contains("judge 0–0–1"));
    // Round 2: steady's answer wins both ways round, and the vote says steady too.
    answered_round(&mut a, "two", &["gamma", "delta"]);
    key(&mut a, KeyCode::Char('v'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('2'), KeyModifiers::NONE);
    let asked = common::drive::started_with(&key(&mut a, KeyCode::Char('J'), KeyModifiers::SHIFT));
    for (id, p) in &asked {
        let delta_first = p.messages[1].content.find("delta") < p.messages[1].content.find("gamma");
        let pick = if delta_first { "A" } else { "B" };
        stream(
            &mut a,
            *id,
            verdict(
                &format!(r#"{{"winner": "{pick}", "reasons": "delta"}}"#),
                0.0,
            ),
        );
    }
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('S'), KeyModifiers::SHIFT);
    let Some(Overlay::Scoreboard {
        judge: Some(board), ..
    }) = &a.overlay
    else {
        panic!("{:?}", a.overlay)
    };
    // Round 1: a tie both ways; round 2: steady both ways. The votes said the same.
    assert_eq!(board.agreement, (2, 2));
    let steady = board.rows.iter().find(|r| r.model == "sim/steady").unwrap();
    assert_eq!((steady.wins, steady.losses, steady.ties), (1, 0, 1));
    let screen = footers(&mut a);
    assert!(screen.contains("agree on 2 of 2 rounds"), "{screen}");
    key(&mut a, KeyCode::Char('j'), KeyModifiers::NONE);
    assert!(footers(&mut a).contains("as the judge rates them"));
}

#[test]
fn without_a_judge_or_before_the_answers_it_says_what_to_do() {
    let mut a = common::sim_app(&["sim/swift"]);
    a.config.providers.default = "openrouter".into();
    answered_round(&mut a, "hi", &["hello"]);
    assert!(key(&mut a, KeyCode::Char('J'), KeyModifiers::SHIFT).is_empty());
    assert!(a.view.notice.as_ref().unwrap().text.contains("add [judge]"));

    let mut a = common::sim_app(&["sim/swift"]);
    key(&mut a, KeyCode::Char('i'), KeyModifiers::NONE);
    common::keys::type_text(&mut a, "hi");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(key(&mut a, KeyCode::Char('J'), KeyModifiers::SHIFT).is_empty());
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("still streaming"));
}

#[test]
fn blind_the_judge_overlay_uses_the_blind_names_and_the_verdicts_wait_for_the_vote() {
    let mut a = common::sim_app(&["sim/swift", "sim/steady"]);
    a.view.blind = true;
    answered_round(&mut a, "Explain raft", &["one", "two"]);
    let asked = common::drive::started_with(&key(&mut a, KeyCode::Char('J'), KeyModifiers::SHIFT));
    for (id, _) in &asked {
        stream(
            &mut a,
            *id,
            verdict(r#"{"score": 6, "reasons": "fine"}"#, 0.0),
        );
    }
    let notice = a.view.notice.as_ref().unwrap().text.clone();
    assert!(notice.contains("hidden until you vote"), "{notice}");
    let overlay = footers(&mut a);
    assert!(
        overlay.contains("Model A") && !overlay.contains("sim/swift"),
        "{overlay}"
    );
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(
        !footers(&mut a).contains("judge 6/10"),
        "no verdict before the vote"
    );
}
