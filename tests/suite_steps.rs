#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Stepping through a suite in the playground: each case sent as a fresh conversation, the
//! judge asked for the rubric scores, and each pane's pass or fail badge in its footer.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use switchboard::app::{update, Action, App, Effect};
use switchboard::model::suite_run::SuiteRun;
use switchboard::model::RequestId;
use switchboard::stream::StreamEvent;

fn alt(a: &mut App, c: char) -> Vec<Effect> {
    update(
        a,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)),
    )
}

fn answer(a: &mut App, id: RequestId, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for event in [StreamEvent::Delta(text.into()), StreamEvent::Done] {
        a.now += std::time::Duration::from_millis(100);
        fx.extend(update(a, Action::Stream { request: id, event }));
    }
    fx
}

fn footers(a: &mut App) -> String {
    a.view.size = (160, 24);
    common::draw(a).join("\n")
}

#[test]
fn each_case_is_sent_fresh_and_every_pane_gets_its_badge() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("suite.toml");
    std::fs::write(
        &path,
        r#"
[[cases]]
name = "election"
prompt = "Explain {{topic}} leader election"
vars = { topic = "raft" }
[[cases.assert]]
type = "icontains"
value = "leader"
[[cases.assert]]
type = "llm-rubric"
value = "Says how a leader is chosen"

[[cases]]
name = "brief"
prompt = "Say hi"
[[cases.assert]]
type = "not-icontains"
value = "sorry"
"#,
    )
    .unwrap();
    let mut a = common::sim_app(&["sim/swift", "sim/steady"]);
    a.session.suite = Some(SuiteRun::new(switchboard::suite::read(&path).unwrap()));

    let sent = common::drive::started_with(&alt(&mut a, 'n'));
    assert_eq!(sent.len(), 2);
    assert!(sent
        .iter()
        .all(|(_, p)| p.messages.last().unwrap().content == "Explain raft leader election"));
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("case 1/2: election"));
    answer(&mut a, sent[0].0, "A leader is elected by votes.");
    // The first answer alone: nothing graded, no judge yet.
    assert!(a.session.judge_jobs.is_empty());
    let fx = answer(&mut a, sent[1].0, "Nodes vote.");
    let asked = common::drive::started_with(&fx);
    assert_eq!(asked.len(), 2, "one rubric score per answer");
    for (_, p) in &asked {
        assert_eq!(p.model, "sim/judge");
        assert!(p.messages[0]
            .content
            .contains("Says how a leader is chosen"));
    }
    answer(
        &mut a,
        asked[0].0,
        r#"{"score": 9, "reasons": "explains votes"}"#,
    );
    assert!(
        !footers(&mut a).contains("✗"),
        "not graded before the last score"
    );
    answer(&mut a, asked[1].0, r#"{"score": 3, "reasons": "vague"}"#);
    let screen = footers(&mut a);
    assert!(screen.contains("✓ 2/2"), "{screen}");
    assert!(screen.contains("✗ icontains \"leader\""), "{screen}");
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("election: 1 of 2 panes passed"));
    let run = a.session.suite.as_ref().unwrap();
    assert_eq!(run.badges.values().filter(|b| b.pass).count(), 1);

    // The next case: a fresh conversation (the last one can be brought back).
    let sent = common::drive::started_with(&alt(&mut a, 'n'));
    assert!(sent.iter().all(|(_, p)| p.messages.len() == 1), "{sent:?}");
    assert!(a.session.undo.is_some());
    answer(&mut a, sent[0].0, "hi");
    answer(&mut a, sent[1].0, "sorry, hi");
    let screen = footers(&mut a);
    assert!(
        screen.contains("✓ 1/1") && screen.contains("✗ not-icontains"),
        "{screen}"
    );
    alt(&mut a, 'n');
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("last of 2 cases"));
}

#[test]
fn without_a_suite_the_step_key_says_how_to_open_one() {
    let mut a = common::sim_app(&["sim/swift"]);
    assert!(alt(&mut a, 'n').is_empty());
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("--suite FILE"));
}
