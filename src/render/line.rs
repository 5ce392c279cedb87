//! A rendered line before wrapping, and wrapping it to a width with its styles intact.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// How a line behaves when it is wider than the pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Word-wrapped; continuation lines indented by `indent`.
    Prose,
    /// Cut at the width; continuation lines start with a ↪ marker. Padded to the width so a
    /// background fills the row.
    Code,
    /// Cut at the width with an ellipsis (tables, rules).
    Clip,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RLine {
    pub spans: Vec<Span<'static>>,
    pub flow: Flow,
    /// Columns continuation lines are indented by (list items, quotes).
    pub indent: u16,
    /// Prefix repeated on continuation lines (quote bars), included in `indent`.
    pub lead: Vec<Span<'static>>,
    /// Fill style for code rows.
    pub fill: Style,
}

impl RLine {
    pub fn prose(spans: Vec<Span<'static>>) -> Self {
        Self {
            spans,
            flow: Flow::Prose,
            indent: 0,
            lead: Vec::new(),
            fill: Style::default(),
        }
    }

    pub fn blank() -> Self {
        Self::prose(Vec::new())
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Self {
        Self::prose(vec![Span::styled(text.into(), style)])
    }

    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.content.as_ref()).collect()
    }
}

/// A wrapped line kept compactly: its text in one allocation and its styles as runs, rather
/// than a string and a style per span. Long answers keep hundreds of thousands of these.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Packed {
    text: Box<str>,
    /// The end (a byte offset into `text`) and style of each run, in order.
    runs: Box<[(u32, Style)]>,
}

impl Packed {
    /// For lines as [`wrap`] makes them: no alignment of their own.
    pub fn pack(line: &Line<'_>) -> Self {
        debug_assert!(line.alignment.is_none());
        let mut text = String::with_capacity(line.spans.iter().map(|s| s.content.len()).sum());
        let mut runs: Vec<(u32, Style)> = Vec::with_capacity(line.spans.len());
        for span in &line.spans {
            if span.content.is_empty() {
                continue;
            }
            text.push_str(&span.content);
            let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
            let style = line.style.patch(span.style);
            match runs.last_mut() {
                Some(last) if last.1 == style => last.0 = end,
                _ => runs.push((end, style)),
            }
        }
        Self {
            text: text.into_boxed_str(),
            runs: runs.into_boxed_slice(),
        }
    }

    pub fn unpack(&self) -> Line<'static> {
        let mut start = 0;
        let spans: Vec<Span<'static>> = self
            .runs
            .iter()
            .map(|&(end, style)| {
                let end = (end as usize).min(self.text.len());
                let span = Span::styled(self.text[start..end].to_string(), style);
                start = end;
                span
            })
            .collect();
        Line::from(spans)
    }
}

/// Columns a tab takes: a fixed width, so wrapping never depends on where a tab starts.
pub const TAB_WIDTH: usize = 4;

/// Characters with their styles and widths: the unit wrapping works on. Tabs become spaces
/// here, the one place every drawn line passes through, so none reaches the terminal.
fn cells(spans: &[Span<'static>]) -> Vec<(char, Style, usize)> {
    let mut out = Vec::new();
    for s in spans {
        for c in s.content.chars() {
            if c == '\t' {
                out.extend(std::iter::repeat((' ', s.style, 1)).take(TAB_WIDTH));
            } else if c.is_control() {
                // Model text is cleaned when it arrives; this keeps any other text that
                // reaches a pane from carrying escapes to the terminal.
            } else {
                out.push((c, s.style, c.width().unwrap_or(0)));
            }
        }
    }
    out
}

fn to_spans(cells: &[(char, Style, usize)]) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut cur = String::new();
    let mut style = None;
    for (c, s, _) in cells {
        if style != Some(*s) && !cur.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut cur),
                style.unwrap_or_default(),
            ));
        }
        style = Some(*s);
        cur.push(*c);
    }
    if !cur.is_empty() {
        spans.push(Span::styled(cur, style.unwrap_or_default()));
    }
    spans
}

fn width_of(cells: &[(char, Style, usize)]) -> usize {
    cells.iter().map(|c| c.2).sum()
}

/// Wraps one line to `width` columns.
pub fn wrap(line: &RLine, width: usize, marker: Style) -> Vec<Line<'static>> {
    let width = width.max(2);
    let all = cells(&line.spans);
    match line.flow {
        Flow::Clip => {
            if width_of(&all) <= width {
                return vec![Line::from(to_spans(&all))];
            }
            let mut kept = Vec::new();
            let mut w = 0;
            for c in all {
                if w + c.2 > width - 1 {
                    break;
                }
                w += c.2;
                kept.push(c);
            }
            let mut spans = to_spans(&kept);
            spans.push(Span::styled("…", marker));
            vec![Line::from(spans)]
        }
        Flow::Code => {
            let mut out = Vec::new();
            let mut cur: Vec<(char, Style, usize)> = Vec::new();
            let mut w = 0;
            let mut first = true;
            for c in all {
                let room = if first { width } else { width - 2 };
                if w + c.2 > room && !cur.is_empty() {
                    out.push(code_row(&cur, first, width, line.fill, marker));
                    cur.clear();
                    w = 0;
                    first = false;
                }
                w += c.2;
                cur.push(c);
            }
            out.push(code_row(&cur, first, width, line.fill, marker));
            out
        }
        Flow::Prose => prose(line, &all, width),
    }
}

fn code_row(
    cells: &[(char, Style, usize)],
    first: bool,
    width: usize,
    fill: Style,
    marker: Style,
) -> Line<'static> {
    let mut spans = Vec::new();
    if !first {
        spans.push(Span::styled("↪ ", marker.patch(fill)));
    }
    spans.extend(to_spans(cells));
    let used = width_of(cells) + if first { 0 } else { 2 };
    if used < width {
        spans.push(Span::styled(" ".repeat(width - used), fill));
    }
    Line::from(spans)
}

/// A character with its style and width.
type Cell = (char, Style, usize);

/// Word-wraps cells into rows of `width` columns, continuations `width - indent` wide; also
/// says where in `all` each row starts.
fn prose_rows(all: &[Cell], width: usize, indent: usize) -> (Vec<Vec<Cell>>, Vec<usize>) {
    let mut out: Vec<Vec<(char, Style, usize)>> = Vec::new();
    let mut starts = vec![0];
    let mut cur: Vec<(char, Style, usize)> = Vec::new();
    let mut w = 0;
    let room = |first: bool| if first { width } else { width - indent };
    let mut i = 0;
    while i < all.len() {
        // A word and the spaces after it.
        let start = i;
        while i < all.len() && all[i].0 != ' ' {
            i += 1;
        }
        let word_end = i;
        while i < all.len() && all[i].0 == ' ' {
            i += 1;
        }
        let word = &all[start..word_end];
        let spaces = &all[word_end..i];
        let ww = width_of(word);
        let first = out.is_empty();
        if w + ww > room(first) && !cur.is_empty() {
            while cur.last().is_some_and(|c| c.0 == ' ') {
                cur.pop();
            }
            out.push(std::mem::take(&mut cur));
            starts.push(start);
            w = 0;
        }
        // A word longer than a whole line is cut where it must be.
        for (k, c) in word.iter().enumerate() {
            let first = out.is_empty();
            if w + c.2 > room(first) && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                starts.push(start + k);
                w = 0;
            }
            cur.push(*c);
            w += c.2;
        }
        for c in spaces {
            if w + c.2 <= room(out.is_empty()) {
                cur.push(*c);
                w += c.2;
            }
        }
    }
    out.push(cur);
    (out, starts)
}

fn prose(line: &RLine, all: &[(char, Style, usize)], width: usize) -> Vec<Line<'static>> {
    let indent = usize::from(line.indent).min(width / 2);
    let lead_w: usize = line.lead.iter().map(Span::width).sum();
    let (out, _) = prose_rows(all, width, indent);
    out.into_iter()
        .enumerate()
        .map(|(n, cells)| {
            if n == 0 {
                Line::from(to_spans(&cells))
            } else {
                let mut spans = line.lead.clone();
                if indent > lead_w {
                    spans.push(Span::raw(" ".repeat(indent - lead_w)));
                }
                spans.extend(to_spans(&cells));
                Line::from(spans)
            }
        })
        .collect()
}

/// Wraps the start of a plain paragraph line (no indent, no lead) whose end is still to come,
/// as [`wrap`] would wrap it: the rows nothing after it can change, and the text of the last
/// row, to be wrapped again with what follows. `spans` must end with a whole word: every row
/// but the last is then settled.
pub fn wrap_settled(
    spans: &[Span<'static>],
    width: usize,
) -> (Vec<Line<'static>>, Vec<Span<'static>>) {
    let width = width.max(2);
    let all = cells(spans);
    let (mut rows, starts) = prose_rows(&all, width, 0);
    let last = starts.last().copied().unwrap_or(0);
    rows.pop();
    (
        rows.iter().map(|c| Line::from(to_spans(c))).collect(),
        to_spans(&all[last.min(all.len())..]),
    )
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::*;

    #[test]
    fn packing_keeps_text_and_styles() {
        let red = Style::default().fg(Color::Red);
        let line = Line::from(vec![
            Span::styled("ab", red),
            Span::styled("", Style::default()),
            Span::styled("cd", red),
            Span::raw("é✓"),
        ]);
        let back = Packed::pack(&line).unpack();
        assert_eq!(back.spans, vec![Span::styled("abcd", red), Span::raw("é✓")]);
        assert_eq!(Packed::pack(&Line::default()).unpack(), Line::default());
    }

    #[test]
    fn tabs_are_drawn_as_spaces_in_every_flow() {
        for flow in [Flow::Prose, Flow::Code, Flow::Clip] {
            let mut l = RLine::styled("a\tb", Style::default());
            l.flow = flow;
            let out = texts(&wrap(&l, 40, Style::default()));
            assert_eq!(out[0].trim_end(), "a    b", "{flow:?}");
        }
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn prose_wraps_at_words_and_keeps_styles() {
        let bold = Style::default().fg(Color::Red);
        let l = RLine::prose(vec![
            Span::raw("one "),
            Span::styled("two three", bold),
            Span::raw(" four"),
        ]);
        let w = wrap(&l, 9, Style::default());
        assert_eq!(texts(&w), vec!["one two", "three", "four"]);
        assert_eq!(w[0].spans[1].style, bold);
        assert_eq!(w[1].spans[0].style, bold);
    }

    #[test]
    fn list_continuations_are_indented_and_long_words_cut() {
        let mut l = RLine::prose(vec![Span::raw("• alpha beta gamma")]);
        l.indent = 2;
        assert_eq!(
            texts(&wrap(&l, 10, Style::default())),
            vec!["• alpha", "  beta", "  gamma"]
        );
        let long = RLine::prose(vec![Span::raw("abcdefghijkl")]);
        assert_eq!(
            texts(&wrap(&long, 5, Style::default())),
            vec!["abcde", "fghij", "kl"]
        );
    }

    #[test]
    fn wide_characters_count_double() {
        let l = RLine::prose(vec![Span::raw("日本語のテキストです")]);
        assert_eq!(
            texts(&wrap(&l, 6, Style::default())),
            vec!["日本語", "のテキ", "ストで", "す"]
        );
        let e = RLine::prose(vec![Span::raw("ok 👍👍👍")]);
        assert_eq!(
            texts(&wrap(&e, 5, Style::default())),
            vec!["ok", "👍👍", "👍"]
        );
    }

    #[test]
    fn code_is_cut_with_a_marker_and_padded() {
        let mut l = RLine::prose(vec![Span::raw("let value = compute();")]);
        l.flow = Flow::Code;
        let w = wrap(&l, 12, Style::default());
        assert_eq!(texts(&w), vec!["let value = ", "↪ compute();"]);
        let w = wrap(&l, 8, Style::default());
        assert_eq!(
            texts(&w),
            vec!["let valu", "↪ e = co", "↪ mpute(", "↪ );    "]
        );
    }

    #[test]
    fn clipped_lines_end_in_an_ellipsis() {
        let mut l = RLine::prose(vec![Span::raw("│ a │ very wide table │")]);
        l.flow = Flow::Clip;
        assert_eq!(texts(&wrap(&l, 10, Style::default())), vec!["│ a │ ver…"]);
    }
}
