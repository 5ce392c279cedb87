//! The open block of a live answer, wrapped a piece at a time, against whole renders.

use proptest::prelude::*;
use ratatui::style::Style;

use super::*;
use crate::model::Answer;
use crate::model::Status;
use crate::model::Turn;

/// A line as (text, style) runs: what a span boundary cannot change on screen.
fn runs(line: &Line<'_>) -> Vec<(String, Style)> {
    let mut out: Vec<(String, Style)> = Vec::new();
    for s in line.spans.iter().filter(|s| !s.content.is_empty()) {
        let style = line.style.patch(s.style);
        match out.last_mut() {
            Some(last) if last.1 == style => last.0.push_str(&s.content),
            _ => out.push((s.content.to_string(), style)),
        }
    }
    out
}

/// The answer's rows as a whole render of its text makes them.
fn whole_rows(text: &str, width: usize, theme: &Theme) -> Vec<Vec<(String, Style)>> {
    let mut md = MdStream::new();
    md.advance(text, theme);
    let mut lines = md.sealed().to_vec();
    lines.extend(md.open(text, theme));
    lines
        .iter()
        .flat_map(|l| wrap(l, width, theme.marker))
        .map(|l| runs(&l))
        .collect()
}

/// The answer's rows in a pane's view: after the prompt and the blank line under it.
fn view_rows(
    cache: &mut TranscriptCache,
    pane: &Pane,
    width: usize,
    theme: &Theme,
) -> Vec<Vec<(String, Style)>> {
    let prompt = prompt_lines(&pane.turns[0].prompt, width.max(4), theme).len();
    let view = cache.view(pane, width, theme, false);
    let total = view.total();
    view.slice(0, total)[prompt + 1..]
        .iter()
        .map(runs)
        .collect()
}

fn streaming_pane() -> Pane {
    let mut pane = Pane::new("sim/coder", "sim");
    let mut answer = Answer::new(1, std::time::Instant::now());
    answer.status = Status::Streaming;
    pane.turns.push(Turn {
        round: 1,
        prompt: "Go on".into(),
        tool_results: Vec::new(),
        images: Vec::new(),
        answer,
    });
    pane
}

fn doc() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "word ",
        "longerword ",
        "a ",
        "x",
        " ",
        "\n",
        "  \n",
        "**b** ",
        "*",
        "`c` ",
        "`",
        "[l](http://e.x) ",
        "\t",
        "日本語 ",
        "🦀",
        "supercalifragilisticexpialidocious",
        "| a | b |\n",
        "|---|--:|\n",
        "| 1 | 22 |\n",
        "- item\n",
        "\n\n",
        "# H\n",
    ]);
    prop::collection::vec(atoms, 0..120).prop_map(|v| v.concat())
}

/// Code highlighted as it is shown, in any order, has the colours of code highlighted as
/// it arrives.
#[test]
fn code_shown_late_has_the_colours_of_code_highlighted_at_once() {
    crate::render::highlight::load_now();
    let theme = Theme::default();
    let mut text = String::new();
    for i in 0..5 {
        text.push_str(&format!(
            "Part {i}.\n\n```{}\n",
            ["rust", "python", "klingon"][i % 3]
        ));
        for k in 0..30 {
            text.push_str(&format!("let s{k} = \"open string\n"));
            text.push_str(&format!("still open {k}\"; // {i}\n"));
        }
        text.push_str("```\n\n");
    }
    let width = 50;
    let eager: Vec<Vec<(String, Style)>> = crate::render::markdown::render(&text, &theme)
        .iter()
        .flat_map(|l| wrap(l, width, theme.marker))
        .map(|l| runs(&l))
        .collect();
    let mut pane = streaming_pane();
    pane.turns[0].answer.status = Status::Done;
    let mut cache = TranscriptCache::default();
    // Streamed in pieces, the bottom shown after each.
    for end in (0..=text.len()).step_by(300).chain([text.len()]) {
        pane.turns[0].answer.text = text[..end].to_string();
        cache.update(&pane, width, &theme, false);
        let total = cache.total();
        cache.show(total.saturating_sub(8), 8, &theme);
    }
    let prompt = prompt_lines("Go on", width, &theme).len() + 1;
    // Then shown in windows from the bottom up, and from the top down again.
    let total = cache.total();
    let tops: Vec<usize> = (0..total)
        .rev()
        .step_by(9)
        .chain((0..total).step_by(13))
        .collect();
    for top in tops {
        cache.show(top, 10, &theme);
        let shown: Vec<_> = cache
            .lines(&theme)
            .slice(top, 10)
            .iter()
            .map(runs)
            .collect();
        for (k, row) in shown.iter().enumerate() {
            let at = top + k;
            if at >= prompt && at - prompt < eager.len() {
                prop_assert_eq_rows(row, &eager[at - prompt], at);
            }
        }
    }
}

fn prop_assert_eq_rows(a: &[(String, Style)], b: &[(String, Style)], at: usize) {
    assert_eq!(a, b, "row {at}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Kept from frame to frame and wrapped a piece at a time, an open block shows what
    /// wrapping it whole shows, at every point of the stream.
    #[test]
    fn kept_open_lines_wrap_as_whole_ones(
        text in doc(),
        cuts in prop::collection::vec(0.0f64..1.0, 0..30),
        width in 4usize..90,
    ) {
        let theme = Theme::default();
        let mut pane = streaming_pane();
        let mut cache = TranscriptCache::default();
        let mut at: Vec<usize> = cuts.iter().map(|c| (c * text.len() as f64) as usize).collect();
        at.push(text.len());
        at.sort_unstable();
        for end in at {
            let mut end = end;
            while !text.is_char_boundary(end) {
                end += 1;
            }
            pane.turns[0].answer.text = text[..end].to_string();
            let kept = view_rows(&mut cache, &pane, width, &theme);
            prop_assert_eq!(kept, whole_rows(&text[..end], width, &theme), "{:?} at {}", &text[..end], width);
        }
    }
}
