#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hostile input: arbitrary bytes into the SSE decoder, arbitrary text into the markdown
//! renderer (no panic, output bounded by input), and model output full of terminal escapes
//! drawn through the real terminal backend (none reaches the terminal raw).

mod common;

use bytes::Bytes;
use crossterm::event::{KeyCode, KeyModifiers};
use futures::executor::block_on;
use proptest::prelude::*;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::{Terminal, TerminalOptions, Viewport};
use switchboard::app::{update, Action, Effect};
use switchboard::model::RequestId;
use switchboard::render::line::{wrap, RLine};
use switchboard::render::markdown::render;
use switchboard::render::stream::MdStream;
use switchboard::stream::task::{decode_sse, BodyError};
use switchboard::stream::StreamEvent;
use switchboard::theme::Theme;

fn decode(pieces: Vec<Vec<u8>>) -> Vec<StreamEvent> {
    let items: Vec<Result<Bytes, BodyError>> =
        pieces.into_iter().map(|p| Ok(Bytes::from(p))).collect();
    let mut out = Vec::new();
    block_on(decode_sse(futures::stream::iter(items), |e| out.push(e)));
    out
}

/// Cuts `bytes` at the given fractions of its length.
fn split(bytes: &[u8], cuts: &[f64]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts
        .iter()
        .map(|c| (c * bytes.len() as f64) as usize)
        .collect();
    at.sort_unstable();
    let mut out = Vec::new();
    let mut prev = 0;
    for a in at.into_iter().chain([bytes.len()]) {
        out.push(bytes[prev..a.max(prev)].to_vec());
        prev = a.max(prev);
    }
    out
}

fn event(content: &str) -> String {
    let chunk = serde_json::json!({"choices": [{"index": 0, "delta": {"content": content}}]});
    format!("data: {chunk}\n\n")
}

/// Text that looks like markdown often enough to reach every construct.
fn markdownish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "# ",
        "## ",
        "- ",
        "* ",
        "1. ",
        "> ",
        "```",
        "```rust\n",
        "`",
        "**",
        "_",
        "|",
        "---",
        "| a | b |\n|---|:-:|\n",
        "[x](http://e.x)",
        "![i](p.png)",
        "- [ ] ",
        "\n",
        "\n\n",
        "    ",
        "\t",
        "word ",
        "日本語",
        "e\u{301}",
        "🦀",
        "\u{202E}",
        "\u{1b}[31m",
        "<b>",
        "&amp;",
        "\\",
        "~~",
        "\r\n",
        "1)",
        "+ ",
    ]);
    prop::collection::vec(atoms, 0..80).prop_map(|v| v.concat())
}

/// Long paragraphs full of inline markup, open and closed, and what may end a paragraph.
fn paragraphish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "word ",
        "other ",
        "text",
        " ",
        "  ",
        "\n",
        "  \n",
        "\\\n",
        "\t",
        "*",
        "**",
        "***",
        "_",
        "__",
        "~",
        "~~",
        "`",
        "``",
        "[",
        "]",
        "](http://e.x)",
        "[x][y]",
        "[y]: /u\n",
        "(",
        ")",
        "<",
        "<b>",
        "</b>",
        "<http://e.x>",
        ">",
        "\\",
        "\\*",
        "&amp;",
        "!",
        "![i](p.png)",
        "|",
        "# ",
        "- ",
        "+ ",
        "1. ",
        "2) ",
        "===",
        "---",
        "```",
        "~~~",
        "    ",
        "a_b",
        "2 * 3",
        "日本語",
        "e\u{301}",
        "🦀",
        ":",
        "-",
        "\r\n",
    ]);
    (
        prop::sample::select(vec![
            "",
            "Intro.\n\n",
            "# Title\n",
            "[y]: /u\n",
            "| a | b |\n",
        ]),
        prop::collection::vec(atoms, 0..160),
    )
        .prop_map(|(lead, v)| format!("{lead}{}", v.concat()))
}

/// Tables still streaming, with cells of every kind and lines that may end them.
fn tableish() -> impl Strategy<Value = String> {
    let cells = prop::sample::select(vec![
        "| ",
        " | ",
        "|",
        "x",
        "longer cell text",
        "**b**",
        "*i",
        "`c`",
        "`",
        "\\|",
        "日本",
        "a very wide cell of more than forty columns, cut",
        "\n",
        "\n",
        "\n",
        "- ",
        "# ",
        "> ",
        "  ",
        ":--",
        "---",
        "\t",
    ]);
    (
        prop::sample::select(vec![
            "| a | b |\n|---|:-:|\n",
            "a | b | c\n--|--|--\n",
            "| h |\n|--:|\n",
            "Intro\n\n| x | y |\n|:-|-|\n",
        ]),
        prop::collection::vec(cells, 0..160),
    )
        .prop_map(|(head, v)| format!("{head}{}", v.concat()))
}

/// Lines with spans of one style merged: what a span boundary cannot show.
fn merged(lines: &[RLine]) -> Vec<(Vec<(String, Style)>, String)> {
    lines
        .iter()
        .map(|l| {
            let mut spans: Vec<(String, Style)> = Vec::new();
            for s in l.spans.iter().filter(|s| !s.content.is_empty()) {
                match spans.last_mut() {
                    Some(last) if last.1 == s.style => last.0.push_str(&s.content),
                    _ => spans.push((s.content.to_string(), s.style)),
                }
            }
            (
                spans,
                format!("{:?} {} {:?} {:?}", l.flow, l.indent, l.lead, l.fill),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn an_open_block_kept_from_frame_to_frame_renders_as_a_whole_one(
        src in prop_oneof![paragraphish(), tableish()],
        cuts in prop::collection::vec(0.0f64..1.0, 0..24),
    ) {
        let theme = Theme::default();
        let mut md = MdStream::new();
        let mut grown = String::new();
        for piece in split(src.as_bytes(), &cuts) {
            grown.push_str(&String::from_utf8_lossy(&piece));
            md.advance(&grown, &theme);
            let whole = merged(&md.open(&grown, &theme));
            let parts = merged(&md.open_parts(&grown, &theme).flatten());
            prop_assert_eq!(parts, whole, "{:?}", grown);
        }
    }

    #[test]
    fn arbitrary_bytes_end_in_exactly_one_terminal_event(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        cuts in prop::collection::vec(0.0f64..1.0, 0..8),
    ) {
        let events = decode(split(&bytes, &cuts));
        prop_assert_eq!(events.iter().filter(|e| e.is_terminal()).count(), 1);
        prop_assert!(events.last().unwrap().is_terminal());
    }

    #[test]
    fn any_text_survives_any_split(
        texts in prop::collection::vec(any::<String>().prop_filter("non-empty", |s| !s.is_empty()), 1..20),
        cuts in prop::collection::vec(0.0f64..1.0, 0..16),
    ) {
        let mut body: String = texts.iter().map(|t| event(t)).collect();
        body.push_str("data: [DONE]\n\n");
        let events = decode(split(body.as_bytes(), &cuts));
        let deltas: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::Delta(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        prop_assert_eq!(deltas, texts);
        prop_assert_eq!(events.last(), Some(&StreamEvent::Done));
    }

    #[test]
    fn markdown_renders_and_wraps_anything_within_bounds(
        src in prop_oneof![markdownish(), any::<String>()],
        width in 1usize..160,
    ) {
        let theme = Theme::default();
        let lines = render(&src, &theme);
        prop_assert!(lines.len() <= 4 * (src.len() + 4), "{} lines from {} bytes", lines.len(), src.len());
        let mut rows = 0;
        for l in &lines {
            let wrapped = wrap(l, width, Style::default());
            for row in &wrapped {
                let text: String = row.spans.iter().map(|s| s.content.as_ref()).collect();
                prop_assert!(!text.contains(['\u{1b}', '\t', '\r']), "{:?}", text);
            }
            rows += wrapped.len();
        }
        prop_assert!(rows <= 8 * (src.chars().count() + 4) * (1 + 160 / width.max(1)), "{rows} rows");
    }

    #[test]
    fn streaming_markdown_in_any_pieces_never_panics(
        src in markdownish(),
        cuts in prop::collection::vec(0.0f64..1.0, 0..12),
    ) {
        let theme = Theme::default();
        let mut md = MdStream::new();
        let mut grown = String::new();
        for piece in split(src.as_bytes(), &cuts) {
            grown.push_str(&String::from_utf8_lossy(&piece));
            md.advance(&grown, &theme);
            let _ = md.open(&grown, &theme);
        }
        prop_assert!(md.sealed().len() <= 4 * (grown.len() + 4));
    }
}

/// Everything a model might send to take over a terminal.
const HOSTILE: &[&str] = &[
    "clear\u{1b}[2J\u{1b}[H the screen",
    "clipboard \u{1b}]52;c;aGVsbG8=\u{7} write",
    "link \u{1b}]8;;https://evil.example\u{1b}\\click\u{1b}]8;;\u{1b}\\ here",
    "title \u{1b}]0;pwned\u{7} set",
    "bidi \u{202E}txt.exe\u{202C} and \u{2066}isolate\u{2069}",
    "c1 csi \u{9b}2J and \u{9d}0;x\u{9c} osc",
    "controls \u{7}\u{8}\u{b}\u{c}\r\u{0} end",
    "dcs \u{1b}P+q544e\u{1b}\\ query",
    "report \u{1b}[6n cursor",
    // An escape split across two deltas.
    "split \u{1b}",
    "]52;c;aGk=\u{7} tail",
    "\n```bash\necho \u{1b}]52;c;Zm9v\u{7} in code\n```\n",
    "| a\u{1b}[5m | b |\n|---|---|\n| \u{1b}]8;;x\u{7}c | d |\n",
    "[text](http://a\u{1b}]8;;evil\u{7})\n",
];

#[test]
fn model_output_never_reaches_the_terminal_raw() {
    let mut app = common::sim_app(&["sim/swift", "sim/thinker"]);
    app.view.size = (120, 60);
    common::keys::type_text(&mut app, "hi");
    let fx = common::keys::press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let requests: Vec<RequestId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Start { request, .. } => Some(*request),
            _ => None,
        })
        .collect();
    assert_eq!(requests.len(), 2);
    for &request in &requests {
        for text in HOSTILE {
            for event in [
                StreamEvent::Reasoning((*text).to_string()),
                StreamEvent::Delta((*text).to_string()),
            ] {
                update(&mut app, Action::Stream { request, event });
            }
        }
    }
    // Names and errors come from the server too.
    let evil = "name\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{202E}";
    update(
        &mut app,
        Action::Stream {
            request: requests[1],
            event: StreamEvent::Served {
                model: evil.into(),
                provider: Some(evil.into()),
            },
        },
    );
    update(
        &mut app,
        Action::Stream {
            request: requests[1],
            event: StreamEvent::Error(switchboard::provider::ApiError::from_response(
                500,
                &format!(
                    r#"{{"error":{{"code":500,"message":"{}"}}}}"#,
                    evil.replace('\u{1b}', "\\u001b")
                        .replace('\u{7}', "\\u0007")
                ),
                None,
            )),
        },
    );
    // One pane finished (the sealed path), one failed mid-answer with its text kept.
    update(
        &mut app,
        Action::Stream {
            request: requests[0],
            event: StreamEvent::Done,
        },
    );

    let mut out = Vec::new();
    {
        let backend = CrosstermBackend::new(&mut out);
        let mut t = Terminal::with_options(
            backend,
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 120, 60)),
            },
        )
        .unwrap();
        t.draw(|f| switchboard::ui::draw(&app, &app.view.theme, f))
            .unwrap();
        // The thinking blocks expanded too.
        common::keys::press(&mut app, KeyCode::F(5), KeyModifiers::NONE);
        t.draw(|f| switchboard::ui::draw(&app, &app.view.theme, f))
            .unwrap();
    }
    let drawn = String::from_utf8(out).expect("the terminal gets UTF-8");
    assert!(drawn.contains("clipboard"), "the text itself is drawn");
    assert!(drawn.contains("‹RLO›"), "bidi overrides are shown by name");
    let mut chars = drawn.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // Only the backend's own CSI sequences: cursor moves, colours, clears.
                assert_eq!(
                    chars.next(),
                    Some('['),
                    "a non-CSI escape reached the terminal"
                );
                let mut seq = String::new();
                for c in chars.by_ref() {
                    seq.push(c);
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
                let last = seq.chars().last().unwrap();
                assert!(
                    matches!(last, 'm' | 'H' | 'J' | 'K' | 'l' | 'h') && !seq.ends_with("6n"),
                    "unexpected sequence ESC[{seq}"
                );
            }
            '\n' => {}
            c if c.is_control() => panic!("control character {:?} reached the terminal", c),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                panic!("bidi control {c:?} reached the terminal")
            }
            _ => {}
        }
    }
    // What is kept is clean too, so exports and copies carry no escapes.
    let failed = app.session.panes[1].current().unwrap();
    let switchboard::app::Status::Failed(error) = &failed.status else {
        panic!("{:?}", failed.status)
    };
    let stored = format!(
        "{} {} {error}",
        failed.served_model.as_deref().unwrap(),
        failed.served_provider.as_deref().unwrap(),
    );
    assert!(stored.contains("name"), "{stored}");
    assert!(
        !stored.contains(['\u{1b}', '\u{7}', '\u{202E}']),
        "{stored}"
    );
    for pane in &app.session.panes {
        let a = pane.current().unwrap();
        assert!(!a.text.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202E}']));
        assert!(!a
            .reasoning
            .contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202E}']));
    }
}

/// `switchboard run` prints results to a terminal: in every format, nothing raw gets through.
#[test]
fn headless_results_are_clean_in_every_format() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let base = rt.block_on(common::faulty::start());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[providers.evil]\nkind = \"openai\"\nbase_url = \"{base}\"\n"),
    )
    .unwrap();
    for format in ["table", "md", "csv", "json", "jsonl"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(["run", "--config"])
            .arg(&config)
            .args(["-m", "evil:fault/hostile", "-p", "hi", "--format", format])
            .env_remove("OPENROUTER_API_KEY")
            .env("SWITCHBOARD_HOME", dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{format}: {stdout}");
        // The table is a summary per model; the other formats carry the answers.
        assert!(
            format == "table" || stdout.contains("clipboard"),
            "{format}: the answer is there:\n{stdout}"
        );
        assert!(
            !stdout.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202E}']),
            "{format}: {stdout:?}"
        );
    }
}
