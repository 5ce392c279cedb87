#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What answers look like: every markdown construct, with colours, and an answer cut at many
//! points while it streams. Hostile output never reaches the terminal as control sequences.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::{update, Action, App, Effect};
use switchboard::model::RequestId;
use switchboard::stream::StreamEvent;

const SAMPLE: &str = "# Heading one\n\n## Heading two\n\nPlain, *emphasis*, **strong**, ~~struck~~, `inline code` and a [link](https://example.com).\n\n- bullet\n  - nested bullet\n- [x] done task\n- [ ] open task\n\n1. first\n2. second\n\n> A quote that is long enough to wrap onto a second line inside the pane.\n\n| name | score | note |\n|:-----|------:|:----:|\n| ada  | 10 | ok |\n| a much longer name | 7 | wide |\n\n```rust\nfn main() {\n    let x = \"hi\"; // comment\n}\n```\n\n```klingon\nplain text for an unknown language\n```\n\n---\n\n日本語のテキストも正しく折り返されるべきです。 Emoji 👍 too.\n";

fn app_with(text: &str, size: (u16, u16)) -> (App, RequestId) {
    let mut a = common::sim_app(&["sim/coder"]);
    a.view.size = size;
    a.session.session_label = "2026-11-23 14:02".into();
    for c in "show me".chars() {
        update(
            &mut a,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let fx = update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Start { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    if !text.is_empty() {
        update(
            &mut a,
            Action::Stream {
                request: id,
                event: StreamEvent::Delta(text.into()),
            },
        );
    }
    (a, id)
}

fn terminal(a: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(a.view.size.0, a.view.size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(a, &a.view.theme, f))
        .unwrap();
    t
}

#[test]
fn every_construct_with_colours() {
    switchboard::render::highlight::load_now();
    let (mut a, id) = app_with(SAMPLE, (64, 60));
    update(
        &mut a,
        Action::Stream {
            request: id,
            event: StreamEvent::Done,
        },
    );
    let t = terminal(&a);
    let text = format!("{}", t.backend());
    for expected in [
        "Heading one",
        "• bullet",
        "  • nested bullet",
        "☑ done task",
        "1. first",
        "│ A quote",
        "│ ada ",
        "fn main()",
        "───",
        "日本語",
    ] {
        assert!(text.contains(expected), "missing {expected:?}:\n{text}");
    }
    // The colours (and every other style) are in the Debug form of the buffer.
    insta::assert_snapshot!(
        "markdown_colours_64x60",
        format!("{:?}", t.backend().buffer())
    );
}

#[test]
fn a_streamed_answer_holds_its_layout_at_every_cut() {
    let mut frames = String::new();
    let cuts = [40, 120, 200, 260, 330, 420, 470, 520, 560, SAMPLE.len()];
    for cut in cuts {
        let mut end = cut.min(SAMPLE.len());
        while !SAMPLE.is_char_boundary(end) {
            end += 1;
        }
        let (a, _) = app_with(&SAMPLE[..end], (64, 40));
        let t = terminal(&a);
        frames.push_str(&format!("--- cut at byte {end} ---\n{}\n", t.backend()));
    }
    insta::assert_snapshot!("markdown_streamed_cuts", frames);
}

#[test]
fn deltas_one_at_a_time_render_like_the_whole() {
    // Streaming in tiny pieces must end exactly where the whole answer does.
    let (whole, _) = app_with(SAMPLE, (64, 80));
    let (mut piecewise, id) = app_with("", (64, 80));
    let chars: Vec<char> = SAMPLE.chars().collect();
    for chunk in chars.chunks(3) {
        let s: String = chunk.iter().collect();
        update(
            &mut piecewise,
            Action::Stream {
                request: id,
                event: StreamEvent::Delta(s),
            },
        );
        let _ = terminal(&piecewise);
    }
    // The footer's token estimate counts deltas, so it differs; every other line must not.
    let body = |a: &App| -> Vec<String> {
        format!("{}", terminal(a).backend())
            .lines()
            .filter(|l| !l.contains(" tok "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(body(&piecewise), body(&whole));
}

#[test]
fn hostile_output_never_reaches_the_terminal() {
    let nasty = "ok \u{1b}[2J\u{1b}[31mred\u{1b}[0m \u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ \u{1b}]52;c;cHduZWQ=\u{7}bell\u{7} c1\u{9b}31m \u{202E}reversed\u{2069} end\n";
    let (a, _) = app_with(nasty, (100, 12));
    let t = terminal(&a);
    let buf = t.backend().buffer();
    for cell in &buf.content {
        for c in cell.symbol().chars() {
            assert!(
                !c.is_control(),
                "control character {:?} reached the screen",
                c
            );
            assert!(
                !('\u{202A}'..='\u{202E}').contains(&c) && !('\u{2066}'..='\u{2069}').contains(&c)
            );
        }
    }
    let text = format!("{}", t.backend());
    assert!(
        text.contains("ok red link bell c131m ‹RLO›reversed‹PDI› end"),
        "{text}"
    );
}

/// The screen of `a` without the footer (its token estimate counts deltas).
fn body(a: &App) -> Vec<String> {
    format!("{}", terminal(a).backend())
        .lines()
        .filter(|l| !l.contains(" tok "))
        .map(str::to_owned)
        .collect()
}

/// Streams `text` in pieces, drawing after each one. At each of `checks` points, and at the
/// end, the screen (at the bottom and scrolled halfway up) must be what the same text sent at
/// once shows.
fn streams_like_the_whole(text: &str, pieces: usize, checks: usize) {
    let size = (72, 30);
    let (mut streamed, id) = app_with("", size);
    let step = text.len().div_ceil(pieces);
    let check_every = pieces.div_ceil(checks).max(1);
    let mut end = 0;
    let mut n = 0;
    while end < text.len() {
        let start = end;
        // Uneven pieces, cut anywhere, rows and words included.
        end = (end + step / 2 + (n * 7919) % step).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        update(
            &mut streamed,
            Action::Stream {
                request: id,
                event: StreamEvent::Delta(text[start..end].to_string()),
            },
        );
        let _ = terminal(&streamed);
        n += 1;
        if n % check_every == 0 || end == text.len() {
            let (mut whole, _) = app_with(&text[..end], size);
            assert_eq!(body(&streamed), body(&whole), "at byte {end}");
            let total = streamed
                .view
                .transcripts
                .cache(streamed.session.panes[0].id)
                .view(
                    &streamed.session.panes[0],
                    usize::from(size.0) - 2,
                    &streamed.view.theme,
                    false,
                )
                .total();
            {
                let id = streamed.session.panes[0].id;
                streamed.view.transcripts.set_scroll(id, Some(total / 2));
            }
            {
                let id = whole.session.panes[0].id;
                whole.view.transcripts.set_scroll(id, Some(total / 2));
            }
            assert_eq!(body(&streamed), body(&whole), "scrolled up, at byte {end}");
            {
                let id = streamed.session.panes[0].id;
                streamed.view.transcripts.set_scroll(id, None);
            }
        }
    }
}

#[test]
fn a_table_of_thousands_of_rows_streams_like_the_whole() {
    let mut text =
        String::from("The figures:\n\n| # | name | value | note |\n|--:|:-----|------:|:----:|\n");
    for i in 0..5_000 {
        let note = if i % 10 == 0 { "**check**" } else { "ok" };
        text.push_str(&format!(
            "| {i} | item `{}` | {}.{:02} | {note} |\n",
            i % 97,
            i * 37 % 1000,
            i % 100
        ));
        if i == 2_500 {
            text.push_str(
                "| wide | a cell wider than every one before it in this table | 1 | x |\n",
            );
        }
    }
    text.push_str("| last | row still");
    streams_like_the_whole(&text, 700, 8);
}

#[test]
fn a_megabyte_paragraph_streams_like_the_whole() {
    let mut text = String::from("Intro.\n\n");
    let mut i = 0;
    while text.len() < 1_000_000 {
        text.push_str(match i % 40 {
            5 => "with **bold words** and _emphasis_ ",
            15 => "then `code` and a [link](https://example.com/x) ",
            25 => "2 * 3 is 6, snake_case stays ",
            39 => "and the line ends\n",
            _ => "word ",
        });
        i += 1;
    }
    streams_like_the_whole(&text, 400, 6);
}

/// Each row of the screen: its text and the style of every cell (the footer, whose token
/// estimate counts deltas, left out).
fn styled_rows(a: &App) -> Vec<(String, Vec<ratatui::style::Style>)> {
    let t = terminal(a);
    let buf = t.backend().buffer();
    let area = buf.area;
    (area.y..area.y + area.height)
        .map(|y| {
            let cells: Vec<_> = (area.x..area.x + area.width)
                .filter_map(|x| buf.cell((x, y)))
                .collect();
            let text: String = cells.iter().map(|c| c.symbol()).collect();
            (text, cells.iter().map(|c| c.style()).collect())
        })
        .filter(|(text, _)| !text.contains(" tok "))
        .collect()
}

#[test]
fn code_that_scrolled_past_unseen_is_highlighted_when_scrolled_back_to() {
    switchboard::render::highlight::load_now();
    let mut text = String::new();
    for i in 0..6 {
        text.push_str(&format!("## Part {i}\n\nSome words about part {i}.\n\n"));
        let lang = ["rust", "python", "klingon"][i % 3];
        text.push_str(&format!("```{lang}\n"));
        for k in 0..25 {
            text.push_str(&format!("let value_{k} = \"text {k}\"; // note {i}\n"));
        }
        text.push_str("```\n\n");
    }
    let size = (64, 14);
    let (mut streamed, id) = app_with("", size);
    // In pieces, drawn at the bottom after each: most code is never on screen while it streams.
    for piece in text.as_bytes().chunks(700) {
        update(
            &mut streamed,
            Action::Stream {
                request: id,
                event: StreamEvent::Delta(String::from_utf8(piece.to_vec()).unwrap()),
            },
        );
        let _ = terminal(&streamed);
    }
    let (mut whole, _) = app_with(&text, size);
    let total = streamed
        .view
        .transcripts
        .cache(streamed.session.panes[0].id)
        .view(
            &streamed.session.panes[0],
            usize::from(size.0) - 2,
            &streamed.view.theme,
            false,
        )
        .total();
    for top in (0..total).step_by(7) {
        {
            let id = streamed.session.panes[0].id;
            streamed.view.transcripts.set_scroll(id, Some(top));
        }
        {
            let id = whole.session.panes[0].id;
            whole.view.transcripts.set_scroll(id, Some(top));
        }
        assert_eq!(
            styled_rows(&streamed),
            styled_rows(&whole),
            "scrolled to {top}"
        );
    }
}
