#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The client against a server that breaks in every way a connection can: each failure ends
//! the request with one clear error, the text before it is kept, and nothing panics.

mod common;

use std::time::{Duration, Instant};

use common::faulty;
use switchboard::provider::{ApiError, ChatParams, Endpoint, Message, ProviderKind, Role};
use switchboard::stream::task::{run_request, StreamOptions};
use switchboard::stream::StreamEvent;

const STALL: Duration = Duration::from_secs(1);

fn endpoint(base_url: String) -> Endpoint {
    Endpoint {
        provider: "faulty".into(),
        kind: ProviderKind::Openai,
        base_url,
        api_key: None,
        simulated: false,
        options: Default::default(),
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        // Shorter than the stall timeout, so a hanging connect is reported as what it is.
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

async fn ask(base: &str, model: &str) -> Vec<StreamEvent> {
    let params = ChatParams {
        model: model.into(),
        messages: vec![Message::new(Role::User, "hello")],
        ..ChatParams::default()
    };
    let opts = StreamOptions {
        stall_timeout: STALL,
    };
    let mut out = Vec::new();
    run_request(&client(), &endpoint(base.into()), &params, &opts, |e| {
        out.push(e)
    })
    .await;
    assert_eq!(
        out.iter().filter(|e| e.is_terminal()).count(),
        1,
        "{model}: exactly one terminal event"
    );
    assert!(out.last().unwrap().is_terminal(), "{model}: it comes last");
    out
}

fn error(events: &[StreamEvent]) -> Option<&ApiError> {
    match events.last() {
        Some(StreamEvent::Error(e)) => Some(e),
        _ => None,
    }
}

fn started(events: &[StreamEvent]) -> bool {
    events
        .iter()
        .any(|e| matches!(e, StreamEvent::Started { .. }))
}

#[tokio::test]
async fn closed_before_the_headers() {
    let base = faulty::start().await;
    let ev = ask(&base, "fault/before-headers").await;
    assert!(!started(&ev));
    let e = error(&ev).expect("an error");
    assert!(
        matches!(e, ApiError::Transport(_) | ApiError::Connect(_)),
        "{e:?}"
    );
    assert!(!e.to_string().is_empty());
}

#[tokio::test]
async fn closed_after_the_headers() {
    let base = faulty::start().await;
    let ev = ask(&base, "fault/after-headers").await;
    assert!(started(&ev));
    assert_eq!(common::delta_text(&ev), "");
    assert_eq!(error(&ev), Some(&ApiError::CutOff));
}

#[tokio::test]
async fn closed_mid_chunk_keeps_the_text_before() {
    let base = faulty::start().await;
    let ev = ask(&base, "fault/mid-chunk").await;
    assert_eq!(common::delta_text(&ev), "Hello");
    assert_eq!(error(&ev), Some(&ApiError::CutOff));
}

#[tokio::test]
async fn closed_mid_utf8_character() {
    let base = faulty::start().await;
    let ev = ask(&base, "fault/mid-utf8").await;
    assert_eq!(
        common::delta_text(&ev),
        "caf",
        "the half character is dropped, not mangled"
    );
    assert_eq!(error(&ev), Some(&ApiError::CutOff));
}

#[tokio::test]
async fn one_megabyte_in_a_single_chunk() {
    let base = faulty::start().await;
    let ev = ask(&base, "fault/megabyte").await;
    assert_eq!(ev.last(), Some(&StreamEvent::Done));
    assert_eq!(common::delta_text(&ev), faulty::megabyte_text());
    assert!(common::delta_text(&ev).len() >= 1 << 20);
}

#[tokio::test]
async fn ten_thousand_tiny_chunks_arrive_whole_and_in_order() {
    let base = faulty::start().await;
    let ev = ask(&base, "fault/tiny-chunks").await;
    assert_eq!(ev.last(), Some(&StreamEvent::Done));
    let deltas: Vec<&str> = ev
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Delta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(deltas, faulty::tiny_words(), "every delta, once, in order");
}

#[tokio::test]
async fn invalid_json_fails_that_answer_clearly_and_the_others_go_on() {
    let base = faulty::start().await;
    let (bad, good1, good2) = tokio::join!(
        ask(&base, "fault/bad-json"),
        ask(&base, "fault/healthy"),
        ask(&base, "fault/healthy"),
    );
    assert_eq!(
        common::delta_text(&bad),
        "Before ",
        "text before the bad chunk stays"
    );
    let e = error(&bad).expect("an error");
    assert!(matches!(e, ApiError::Malformed(_)), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("unreadable") && msg.contains("oops"),
        "says what was wrong and shows the chunk: {msg}"
    );
    for good in [good1, good2] {
        assert_eq!(good.last(), Some(&StreamEvent::Done));
        assert_eq!(common::delta_text(&good), faulty::healthy_words().concat());
    }
}

#[tokio::test]
async fn a_server_that_never_answers_stalls_out() {
    let base = faulty::start().await;
    let t = Instant::now();
    let ev = ask(&base, "fault/silent").await;
    assert_eq!(error(&ev), Some(&ApiError::Stalled(STALL)));
    assert!(t.elapsed() >= STALL, "not before the timeout");
    let ev = ask(&base, "fault/silent-body").await;
    assert!(started(&ev));
    assert_eq!(error(&ev), Some(&ApiError::Stalled(STALL)));
}

/// A listener whose accept queue is full drops new SYNs, so connecting hangs like it does to
/// a host that has gone away.
#[tokio::test]
async fn a_connection_that_never_opens_times_out() {
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = sock.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    loop {
        match tokio::time::timeout(
            Duration::from_millis(300),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(s)) => held.push(s),
            Ok(Err(e)) => panic!("connect failed outright: {e}"),
            Err(_) => break,
        }
        assert!(held.len() < 256, "the accept queue never filled");
    }
    let t = Instant::now();
    let ev = ask(&format!("http://{addr}/v1"), "fault/healthy").await;
    let e = error(&ev).expect("an error");
    assert!(matches!(e, ApiError::Connect(_)), "{e:?}");
    assert!(
        e.to_string().starts_with("could not connect: timed out"),
        "{e}"
    );
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "the connect timeout fired"
    );
    drop(held);
}

/// The same breakage in the playground: the broken panes say why, the healthy ones finish.
#[tokio::test]
async fn in_the_playground_only_the_broken_panes_fail() {
    use crossterm::event::{KeyCode, KeyModifiers};
    use switchboard::app::Status;

    let base = faulty::start().await;
    let models = [
        "fault/healthy",
        "fault/bad-json",
        "fault/mid-utf8",
        "fault/after-headers",
        "fault/megabyte",
        "fault/healthy",
    ];
    let mut app = common::sim_app(&models);
    for ep in app.config.providers.endpoints.values_mut() {
        ep.base_url = base.clone();
        ep.kind = ProviderKind::Openai;
        ep.simulated = false;
    }
    app.view.size = (200, 50);
    common::keys::type_text(&mut app, "hello");
    let first = common::keys::press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    common::drive::drive(&mut app, first).await;

    let status = |i: usize| app.session.panes[i].current().unwrap().status.clone();
    let text = |i: usize| app.session.panes[i].current().unwrap().text.clone();
    for i in [0, 5] {
        assert_eq!(status(i), Status::Done);
        assert_eq!(text(i), faulty::healthy_words().concat());
    }
    assert!(matches!(status(1), Status::Failed(ApiError::Malformed(_))));
    assert_eq!(text(1), "Before ");
    assert_eq!(status(2), Status::Failed(ApiError::CutOff));
    assert_eq!(text(2), "caf");
    assert_eq!(status(3), Status::Failed(ApiError::CutOff));
    assert_eq!(status(4), Status::Done);
    assert_eq!(text(4), faulty::megabyte_text());

    // Every pane draws, failed or not, and the error is on screen.
    let backend = ratatui::backend::TestBackend::new(200, 50);
    let mut term = ratatui::Terminal::new(backend).unwrap();
    term.draw(|f| switchboard::ui::draw(&app, &app.view.theme, f))
        .unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("unreadable"), "the bad JSON pane says why");
    assert!(
        screen.contains("connection dropped"),
        "the cut-off panes say why"
    );
}
