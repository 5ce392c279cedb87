#![allow(dead_code)]
//! A deliberately broken OpenAI-compatible server on loopback, speaking raw HTTP/1.1 so it can
//! fail in ways a real framework never would. The model named in the request picks the fault.

use std::sync::Mutex;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The text every healthy answer streams, one event per word.
pub fn healthy_words() -> Vec<String> {
    (0..200).map(|i| format!("word{i} ")).collect()
}

/// Every `Authorization` header the server was sent, in order.
pub static AUTHORIZATIONS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Events in the 10,000-chunk stream; their bytes are cut into exactly 10,000 HTTP chunks.
pub const TINY_EVENTS: usize = 2_000;
pub const TINY_CHUNKS: usize = 10_000;

pub fn tiny_words() -> Vec<String> {
    (0..TINY_EVENTS).map(|i| format!("t{i} ")).collect()
}

/// One event carrying about a megabyte of text, mixed ASCII and multi-byte characters.
pub fn megabyte_text() -> String {
    let unit = "Größe ✓ 世界 plain ascii words; ";
    unit.repeat((1 << 20) / unit.len() + 1)
}

pub fn event(content: &str) -> String {
    let chunk = serde_json::json!({
        "id": "gen-fault",
        "object": "chat.completion.chunk",
        "model": "fault/model",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}],
    });
    format!("data: {chunk}\n\n")
}

/// What `fault/hostile` streams: escapes that would take over a terminal, some split.
pub const HOSTILE_TEXT: &[&str] = &[
    "clear\u{1b}[2J\u{1b}[H the screen, ",
    "clipboard \u{1b}]52;c;aGVsbG8=\u{7} write, ",
    "link \u{1b}]8;;https://evil.example\u{1b}\\click\u{1b}]8;;\u{1b}\\ here, ",
    "bidi \u{202E}txt.exe\u{202C}, c1 \u{9b}2J, bell \u{7}, split \u{1b}",
    "]52;c;aGk=\u{7} tail",
];

const DONE: &str = "data: [DONE]\n\n";
const HEADERS: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";

fn http_chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// Serves until the returned listener task is dropped with the runtime; returns the base URL.
pub async fn start() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(serve(sock));
        }
    });
    format!("http://{addr}/v1")
}

async fn read_request(sock: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let raw_head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    if let Some(auth) = raw_head.lines().find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
    }) {
        AUTHORIZATIONS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(auth.1.trim().to_string());
    }
    let head = raw_head.to_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    let body: serde_json::Value = serde_json::from_slice(&buf[head_end..head_end + len]).ok()?;
    body["model"].as_str().map(str::to_owned)
}

async fn send(sock: &mut TcpStream, bytes: &[u8]) {
    let _ = sock.write_all(bytes).await;
    let _ = sock.flush().await;
}

async fn serve(mut sock: TcpStream) {
    let _ = sock.set_nodelay(true);
    let Some(model) = read_request(&mut sock).await else {
        return;
    };
    match model.as_str() {
        "fault/before-headers" => {}
        "fault/after-headers" => send(&mut sock, HEADERS.as_bytes()).await,
        "fault/mid-chunk" => {
            send(&mut sock, HEADERS.as_bytes()).await;
            send(&mut sock, &http_chunk(event("Hello").as_bytes())).await;
            // Promise a 200-byte chunk, deliver part of an event, hang up.
            let partial = &event("never finished")[..30];
            send(&mut sock, format!("c8\r\n{partial}").as_bytes()).await;
        }
        "fault/mid-utf8" => {
            send(&mut sock, HEADERS.as_bytes()).await;
            send(&mut sock, &http_chunk(event("caf").as_bytes())).await;
            let next = event("é au lait");
            let cut = next.find('é').expect("é") + 1;
            send(&mut sock, &http_chunk(&next.as_bytes()[..cut])).await;
        }
        "fault/megabyte" => {
            send(&mut sock, HEADERS.as_bytes()).await;
            send(&mut sock, &http_chunk(event(&megabyte_text()).as_bytes())).await;
            send(&mut sock, &http_chunk(DONE.as_bytes())).await;
            send(&mut sock, b"0\r\n\r\n").await;
        }
        "fault/tiny-chunks" => {
            send(&mut sock, HEADERS.as_bytes()).await;
            let mut body: String = tiny_words().iter().map(|w| event(w)).collect();
            body.push_str(DONE);
            let bytes = body.as_bytes();
            for i in 0..TINY_CHUNKS {
                let (a, b) = (
                    bytes.len() * i / TINY_CHUNKS,
                    bytes.len() * (i + 1) / TINY_CHUNKS,
                );
                send(&mut sock, &http_chunk(&bytes[a..b])).await;
            }
            send(&mut sock, b"0\r\n\r\n").await;
        }
        "fault/bad-json" => {
            send(&mut sock, HEADERS.as_bytes()).await;
            send(&mut sock, &http_chunk(event("Before ").as_bytes())).await;
            let broken = "data: {\"choices\":[{\"delta\":{\"content\":\"oops\"}}\n\n";
            send(&mut sock, &http_chunk(broken.as_bytes())).await;
            send(&mut sock, &http_chunk(event("after").as_bytes())).await;
            send(&mut sock, &http_chunk(DONE.as_bytes())).await;
            send(&mut sock, b"0\r\n\r\n").await;
        }
        "fault/hostile" => {
            send(&mut sock, HEADERS.as_bytes()).await;
            for text in HOSTILE_TEXT {
                let chunk = serde_json::json!({
                    "model": "evil\u{1b}]52;c;aGk=\u{7}model",
                    "provider": "evil\u{1b}[2J\u{202E}provider",
                    "choices": [{"index": 0, "delta": {"content": text}}],
                });
                send(
                    &mut sock,
                    &http_chunk(format!("data: {chunk}\n\n").as_bytes()),
                )
                .await;
            }
            send(&mut sock, &http_chunk(DONE.as_bytes())).await;
            send(&mut sock, b"0\r\n\r\n").await;
        }
        "fault/silent" => {
            // Reads the request, then never answers.
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        "fault/silent-body" => {
            send(&mut sock, HEADERS.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        _ => {
            send(&mut sock, HEADERS.as_bytes()).await;
            for w in healthy_words() {
                send(&mut sock, &http_chunk(event(&w).as_bytes())).await;
            }
            send(&mut sock, &http_chunk(DONE.as_bytes())).await;
            send(&mut sock, b"0\r\n\r\n").await;
        }
    }
}
