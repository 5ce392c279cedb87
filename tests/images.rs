#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Images: attached from a path, sent as content parts, seen by a vision model, refused
//! before any request for a model that takes none.

mod common;

use common::drive::{drive, starts};
use common::keys::{press, type_text};
use crossterm::event::{KeyCode, KeyModifiers};
use switchboard::app::{update, Action, App, Effect, Status};
use switchboard::catalog::{Catalog, ModelInfo};
use switchboard::provider::request::chat_body;
use switchboard::provider::ProviderKind;

/// Alt+I with the path on the prompt's last line, then the read the loop would do.
fn attach(a: &mut App, path: &std::path::Path) {
    type_text(a, &path.display().to_string());
    let fx = press(a, KeyCode::Char('i'), KeyModifiers::ALT);
    let Some(Effect::Attach { path }) = fx.into_iter().next() else {
        panic!("Alt+I asks for the file to be read");
    };
    let result = switchboard::attach::load(std::path::Path::new(&path)).map_err(|e| (path, e));
    update(a, Action::Attached(result));
}

fn png(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("dot.png");
    std::fs::write(&path, [0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0, 0, 13]).unwrap();
    path
}

#[tokio::test]
async fn an_attached_image_reaches_a_vision_model_and_stays_in_the_conversation() {
    let server = common::sim_at(50.0).await;
    let dir = tempfile::tempdir().unwrap();
    let mut a = common::sim_app(&["sim/seer"]);
    a.config
        .providers
        .endpoints
        .get_mut("sim")
        .unwrap()
        .base_url = server.base_url();

    attach(&mut a, &png(dir.path()));
    assert_eq!(a.session.attachments.len(), 1);
    assert!(
        a.view.prompt.lines().concat().is_empty(),
        "the path left the prompt"
    );

    type_text(&mut a, "What is in this picture?");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let body = chat_body(ProviderKind::Openrouter, &starts(&fx)[0]);
    let parts = body["messages"][0]["content"].as_array().unwrap();
    assert_eq!(parts[0]["type"], "text");
    assert_eq!(parts[0]["text"], "What is in this picture?");
    assert_eq!(parts[1]["type"], "image_url");
    assert_eq!(
        parts[1]["image_url"]["url"],
        "data:image/png;base64,iVBORw0KGgoAAAAN"
    );
    assert!(
        a.session.attachments.is_empty(),
        "images go with one prompt only"
    );
    drive(&mut a, fx).await;
    let answer = a.session.panes[0].current().unwrap();
    assert_eq!(answer.status, Status::Done);
    assert!(
        answer
            .text
            .starts_with("I was sent 1 image: image/png, 12 bytes."),
        "{}",
        answer.text
    );

    // The next turn sends the earlier image again as part of the conversation.
    type_text(&mut a, "And now?");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let body = chat_body(ProviderKind::Openrouter, &starts(&fx)[0]);
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages[0]["content"][1]["type"], "image_url");
    assert_eq!(messages[2]["content"], "And now?");
    drive(&mut a, fx).await;
    assert!(a.session.panes[0]
        .current()
        .unwrap()
        .text
        .starts_with("I was sent no images."));
}

#[test]
fn a_model_that_takes_no_images_is_not_sent_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = common::sim_app(&["sim/seer", "sim/swift"]);
    let mut seer = ModelInfo::bare("sim/seer");
    seer.vision = true;
    a.set_catalog(Catalog {
        provider: "sim".into(),
        fetched_at: 0,
        models: vec![seer, ModelInfo::bare("sim/swift")],
    });

    // Sent to sim/swift alone, nothing goes: the prompt and the image stay.
    press(&mut a, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(a.view.focus, 1);
    attach(&mut a, &png(dir.path()));
    type_text(&mut a, "Describe it");
    let fx = press(&mut a, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(starts(&fx).is_empty(), "nothing is sent");
    let n = a.view.notice.clone().unwrap();
    assert!(
        n.error && n.text.contains("sim/swift takes no images"),
        "{}",
        n.text
    );
    assert_eq!(
        a.view.prompt.lines().concat(),
        "Describe it",
        "the prompt is kept"
    );
    assert_eq!(a.session.attachments.len(), 1, "so is the image");

    // Sent to both, the vision model gets it and the other pane says why it did not.
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let sent = starts(&fx);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].model, "sim/seer");
    let refused = a.session.panes[1].current().unwrap();
    match &refused.status {
        Status::Failed(e) => assert!(e.to_string().contains("sim/swift takes no images"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(a.session.panes[1].turns[0].prompt, "Describe it");
    assert_eq!(
        refused.finished,
        Some(refused.started),
        "no clock runs for it"
    );
}

#[test]
fn a_bad_path_is_put_back_with_the_reason() {
    let mut a = common::sim_app(&["sim/seer"]);
    type_text(&mut a, "Look:");
    press(&mut a, KeyCode::Enter, KeyModifiers::ALT);
    attach(&mut a, std::path::Path::new("/no/such/cat.png"));
    assert!(a.session.attachments.is_empty());
    assert_eq!(a.view.prompt.lines(), ["Look:", "/no/such/cat.png"]);
    let n = a.view.notice.clone().unwrap();
    assert!(n.error && n.text.contains("not attached"), "{}", n.text);
}

#[tokio::test]
async fn the_simulator_refuses_images_for_a_model_without_vision() {
    let server = common::sim_at(50.0).await;
    let body = serde_json::json!({
        "model": "sim/swift",
        "messages": [{"role": "user", "content": [
            {"type": "text", "text": "hi"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw=="}}
        ]}]
    });
    let resp = reqwest::Client::new()
        .post(format!("{}/chat/completions", server.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("support image input"));
}
