use crate::model::RequestId;
use std::time::{Duration, Instant};

use super::*;

#[test]
fn text_that_follows_text_waits_as_one_piece_and_order_is_kept() {
    let inbox = Inbox::default();
    let wakes: Vec<bool> = [
        StreamEvent::Delta("Hel".into()),
        StreamEvent::Delta("lo".into()),
        StreamEvent::Served {
            model: "m".into(),
            provider: None,
        },
        StreamEvent::Reasoning("a".into()),
        StreamEvent::Reasoning("b".into()),
        StreamEvent::Delta(" world".into()),
        StreamEvent::Done,
    ]
    .into_iter()
    .map(|e| deliver(&inbox, e))
    .collect();
    // Only the first event finds the inbox empty: one wake-up for all of them.
    assert_eq!(wakes, [true, false, false, false, false, false, false]);
    let taken: Vec<StreamEvent> = std::mem::take(&mut *inbox.lock().unwrap()).into();
    assert_eq!(
        taken,
        vec![
            StreamEvent::Delta("Hello".into()),
            StreamEvent::Served {
                model: "m".into(),
                provider: None
            },
            StreamEvent::Reasoning("ab".into()),
            StreamEvent::Delta(" world".into()),
            StreamEvent::Done,
        ]
    );
    // Emptied, it wakes its reader again.
    assert!(deliver(&inbox, StreamEvent::Delta("!".into())));
}

fn app() -> App {
    App::new(Vec::new(), Providers::default(), Instant::now())
}

/// The next action from the executor, waiting up to a generous deadline.
async fn next(inboxes: &mut Inboxes) -> Action {
    tokio::time::timeout(Duration::from_secs(30), inboxes.actions.recv())
        .await
        .expect("an action in time")
        .expect("the channel is open")
}

#[tokio::test]
async fn a_history_write_that_fails_comes_back_as_a_notice_and_keeps_what_was_written() {
    let ledger = Ledger::in_memory().unwrap();
    let mut setup = Setup::in_memory(reqwest::Client::new());
    // Rounds can no longer be written; the session row still can.
    ledger.conn().execute_batch("DROP TABLE rounds").unwrap();
    setup.ledger = Some(ledger);
    let (mut exec, mut inboxes) = Executor::new(setup);
    let mut app = app();
    let effects = [
        Effect::History(Box::new(Op::Session {
            started_at: 1,
            workspace: None,
        })),
        Effect::History(Box::new(Op::Round {
            round: 1,
            prompt: "hi".into(),
            at: 2,
        })),
    ];
    for e in effects {
        assert_eq!(exec.run(e, &mut app), None);
    }
    let action = next(&mut inboxes).await;
    assert!(
        matches!(&action, Action::BackgroundError(e) if e.contains("not recorded")),
        "{action:?}"
    );
    crate::app::update(&mut app, action);
    let notice = app.view.notice.as_ref().expect("a notice");
    assert!(
        notice.error && notice.text.contains("not recorded"),
        "{notice:?}"
    );
    assert!(exec.failed_write().is_some());
    // The session written before the failure is still there.
    let (tx, rx) = std::sync::mpsc::channel();
    exec.ledger.as_ref().unwrap().query(move |conn| {
        let n: i64 = conn
            .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
            .unwrap();
        let _ = tx.send(n);
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(30)).unwrap(), 1);
}

#[tokio::test]
async fn a_prompt_history_that_cannot_be_written_is_told() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    let mut setup = Setup::in_memory(reqwest::Client::new());
    setup.history_file = Some(blocked.join("history.jsonl"));
    let (mut exec, mut inboxes) = Executor::new(setup);
    let mut app = app();
    exec.run(
        Effect::SaveHistory {
            prompt: "hi".into(),
        },
        &mut app,
    );
    let action = next(&mut inboxes).await;
    assert!(
        matches!(&action, Action::BackgroundError(e) if e.contains("prompt history")),
        "{action:?}"
    );
}

#[tokio::test]
async fn the_editor_is_handed_back_to_the_loop() {
    let (mut exec, _inboxes) = Executor::new(Setup::in_memory(reqwest::Client::new()));
    let mut app = app();
    assert_eq!(
        exec.run(Effect::OpenEditor { text: "x".into() }, &mut app),
        Some(Needs::Editor { text: "x".into() })
    );
    assert_eq!(exec.run(Effect::Quit, &mut app), None);
    assert!(app.quit);
}

#[tokio::test]
async fn a_request_that_cannot_be_routed_ends_as_its_own_failure() {
    let (mut exec, mut inboxes) = Executor::new(Setup::in_memory(reqwest::Client::new()));
    let mut app = app();
    let params = crate::app::state::Pane::new("m", "nowhere").params(0, "hi");
    exec.run(
        Effect::Start {
            request: RequestId(7),
            provider: "nowhere".into(),
            params: Box::new(params),
        },
        &mut app,
    );
    let ready = tokio::time::timeout(Duration::from_secs(30), inboxes.ready.recv())
        .await
        .expect("told in time");
    assert_eq!(ready, Some(RequestId(7)));
    let events = exec.take(RequestId(7));
    assert!(
        matches!(
            events.as_slice(),
            [StreamEvent::Error(ApiError::Connect(_))]
        ),
        "{events:?}"
    );
    assert!(!exec.busy(), "forgotten after its last event");
}
