//! Markdown to styled lines (before wrapping), with pulldown-cmark.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

use super::highlight::CodeHighlighter;
use super::line::{Flow, RLine};
use crate::theme::Theme;

/// Code block lines, highlighted when the language is known. Shared with the streaming
/// renderer, which highlights an open fence line by line.
pub fn code_line(text: &str, hl: Option<&mut CodeHighlighter>, theme: &Theme) -> RLine {
    let spans = match hl {
        Some(h) => h.line(text, theme.code),
        None => vec![Span::styled(text.to_string(), theme.code)],
    };
    RLine {
        spans: if spans.is_empty() {
            vec![Span::styled(String::new(), theme.code)]
        } else {
            spans
        },
        flow: Flow::Code,
        indent: 0,
        lead: Vec::new(),
        fill: theme.code,
    }
}

/// The label above a code block: its language.
pub fn code_label(lang: &str, theme: &Theme) -> RLine {
    let label = if lang.trim().is_empty() {
        "code".to_string()
    } else {
        lang.trim().to_string()
    };
    RLine {
        spans: vec![Span::styled(format!(" {label} "), theme.code_label)],
        flow: Flow::Code,
        indent: 0,
        lead: Vec::new(),
        fill: theme.code,
    }
}

struct List {
    next: Option<u64>,
}

struct TableState {
    align: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span<'static>>>>,
    header_rows: usize,
    in_head: bool,
}

struct Renderer<'t> {
    theme: &'t Theme,
    out: Vec<RLine>,
    /// Inline styles in force (emphasis, strong, link…).
    styles: Vec<Style>,
    cur: Vec<Span<'static>>,
    /// Quote depth and list stack shape the prefix of each line.
    quote: usize,
    lists: Vec<List>,
    /// The marker for the next line of a list item ("• ", "3. ").
    pending_marker: Option<String>,
    code: Option<(String, Option<CodeHighlighter>)>,
    table: Option<TableState>,
    cell: Vec<Span<'static>>,
    link: Option<String>,
    heading: Option<HeadingLevel>,
}

/// Renders a complete piece of markdown: one or more blocks, separated by blank lines.
pub fn render(src: &str, theme: &Theme) -> Vec<RLine> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut r = Renderer {
        theme,
        out: Vec::new(),
        styles: vec![theme.answer],
        cur: Vec::new(),
        quote: 0,
        lists: Vec::new(),
        pending_marker: None,
        code: None,
        table: None,
        cell: Vec::new(),
        link: None,
        heading: None,
    };
    for ev in Parser::new_ext(src, opts) {
        r.event(ev);
    }
    r.flush();
    while r.out.last().is_some_and(|l| l.spans.is_empty()) {
        r.out.pop();
    }
    r.out
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, s: Style) {
        let base = self.style();
        self.styles.push(base.patch(s));
    }

    fn text(&mut self, t: &str) {
        let span = Span::styled(t.to_string(), self.style());
        if self.table.is_some() {
            self.cell.push(span);
        } else {
            self.cur.push(span);
        }
    }

    /// The prefix of the current line and the indent of its continuations.
    fn lead(&mut self) -> (Vec<Span<'static>>, u16, Vec<Span<'static>>) {
        let mut lead = Vec::new();
        for _ in 0..self.quote {
            lead.push(Span::styled("│ ", self.theme.quote));
        }
        let quote_lead = lead.clone();
        let depth = self.lists.len();
        let mut width: usize = 2 * self.quote;
        if depth > 0 {
            let pad = "  ".repeat(depth - 1);
            lead.push(Span::raw(pad.clone()));
            width += pad.len();
            match self.pending_marker.take() {
                Some(m) => {
                    width += m.width();
                    lead.push(Span::styled(m, self.theme.list_marker));
                }
                None => {
                    lead.push(Span::raw("  "));
                    width += 2;
                }
            }
        }
        (lead, u16::try_from(width).unwrap_or(u16::MAX), quote_lead)
    }

    fn flush(&mut self) {
        if self.cur.is_empty() && self.pending_marker.is_none() {
            return;
        }
        let body = std::mem::take(&mut self.cur);
        let (mut spans, indent, quote_lead) = self.lead();
        spans.extend(body);
        self.out.push(RLine {
            spans,
            flow: Flow::Prose,
            indent,
            lead: quote_lead,
            fill: Style::default(),
        });
    }

    fn gap(&mut self) {
        if self.out.last().is_some_and(|l| !l.spans.is_empty()) {
            self.out.push(RLine::blank());
        }
    }

    fn event(&mut self, ev: Event) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some((_, hl)) = &mut self.code {
                    let mut lines: Vec<&str> = t.split('\n').collect();
                    if t.ends_with('\n') {
                        lines.pop();
                    }
                    for l in lines {
                        let line = code_line(l, hl.as_mut(), self.theme);
                        self.out.push(line);
                    }
                } else {
                    self.text(&t);
                }
            }
            Event::Code(t) => {
                let s = self.style().patch(self.theme.inline_code);
                let span = Span::styled(t.to_string(), s);
                if self.table.is_some() {
                    self.cell.push(span);
                } else {
                    self.cur.push(span);
                }
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.flush();
                self.gap();
                self.out.push(RLine {
                    spans: vec![Span::styled("─".repeat(400), self.theme.rule)],
                    flow: Flow::Clip,
                    indent: 0,
                    lead: Vec::new(),
                    fill: Style::default(),
                });
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "☑ " } else { "☐ " };
                self.cur.push(Span::styled(mark, self.theme.list_marker));
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                let s = self.theme.dim;
                for (i, l) in t.trim_end_matches('\n').split('\n').enumerate() {
                    if i > 0 {
                        self.flush();
                    }
                    self.cur.push(Span::styled(l.to_string(), s));
                }
            }
            Event::FootnoteReference(t) => self.text(&format!("[{t}]")),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.flush();
                self.gap();
                self.heading = Some(level);
                let s = match level {
                    HeadingLevel::H1 => self.theme.heading,
                    HeadingLevel::H2 => self.theme.heading2,
                    _ => self.theme.heading3,
                };
                self.push_style(s);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.gap();
                self.quote += 1;
                self.push_style(self.theme.quote);
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.gap();
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.out.push(code_label(&lang, self.theme));
                let hl = CodeHighlighter::new(&lang, &self.theme.syntax);
                self.code = Some((lang, hl));
            }
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.gap();
                }
                self.lists.push(List { next: start });
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(List { next: Some(n) }) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                self.pending_marker = Some(marker);
            }
            Tag::Emphasis => self.push_style(self.theme.emphasis),
            Tag::Strong => self.push_style(self.theme.strong),
            Tag::Strikethrough => self.push_style(self.theme.strike),
            Tag::Link { dest_url, .. } => {
                self.push_style(self.theme.link);
                self.link = Some(dest_url.to_string());
            }
            Tag::Image { dest_url, .. } => {
                self.text("[image: ");
                self.link = Some(dest_url.to_string());
            }
            Tag::Table(align) => {
                self.flush();
                self.gap();
                self.table = Some(TableState {
                    align,
                    rows: Vec::new(),
                    header_rows: 0,
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => self.cell.clear(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                if self.lists.is_empty() {
                    self.gap();
                }
            }
            TagEnd::Heading(_) => {
                self.styles.pop();
                self.flush();
                self.heading = None;
                self.gap();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
                self.styles.pop();
                self.gap();
            }
            TagEnd::CodeBlock => {
                self.code = None;
                self.gap();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.gap();
                }
            }
            TagEnd::Item => self.flush(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some(url) = self.link.take() {
                    let shown: String = self.cur.iter().map(|s| s.content.as_ref()).collect();
                    if !url.is_empty() && !shown.ends_with(&url) {
                        self.cur
                            .push(Span::styled(format!(" ({url})"), self.theme.url));
                    }
                }
            }
            TagEnd::Image => {
                self.link = None;
                self.text("]");
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.cell);
                if let Some(t) = &mut self.table {
                    if let Some(row) = t.rows.last_mut() {
                        row.push(cell);
                    }
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = false;
                    t.header_rows = t.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.table_lines(t);
                }
                self.gap();
            }
            _ => {}
        }
    }

    /// Aligned columns; a table wider than the pane is cut cleanly at its edge.
    fn table_lines(&mut self, t: TableState) {
        let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
        let width_of =
            |cell: &Vec<Span<'static>>| cell.iter().map(|s| s.content.width()).sum::<usize>();
        let mut widths = vec![0usize; cols];
        for row in &t.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(width_of(cell)).min(40);
            }
        }
        let border = self.theme.table_border;
        let clip = |spans: Vec<Span<'static>>| RLine {
            spans,
            flow: Flow::Clip,
            indent: 0,
            lead: Vec::new(),
            fill: Style::default(),
        };
        for (r, row) in t.rows.iter().enumerate() {
            let mut spans = Vec::new();
            for (i, w) in widths.iter().enumerate() {
                spans.push(Span::styled(if i == 0 { "│ " } else { " │ " }, border));
                let cell = row.get(i).cloned().unwrap_or_default();
                let cw = width_of(&cell).min(*w);
                let pad = w - cw;
                let (left, right) = match t.align.get(i) {
                    Some(Alignment::Right) => (pad, 0),
                    Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                    _ => (0, pad),
                };
                spans.push(Span::raw(" ".repeat(left)));
                let header = r < t.header_rows;
                let mut used = 0;
                for s in cell {
                    // Over-long cells are shortened so the columns stay aligned.
                    let mut text = String::new();
                    for c in s.content.chars() {
                        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                        if used + cw > *w {
                            break;
                        }
                        used += cw;
                        text.push(c);
                    }
                    let style = if header {
                        s.style.patch(self.theme.table_header)
                    } else {
                        s.style
                    };
                    spans.push(Span::styled(text, style));
                }
                spans.push(Span::raw(" ".repeat(right)));
            }
            spans.push(Span::styled(" │", border));
            self.out.push(clip(spans));
            if r + 1 == t.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.out.push(clip(vec![Span::styled(
                    format!("├─{}─┤", rule.join("─┼─")),
                    border,
                )]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        render(src, &Theme::default())
            .iter()
            .map(RLine::text)
            .collect()
    }

    #[test]
    fn blocks_lists_quotes_tables() {
        assert_eq!(
            texts("# Title\n\nSome *text* and `code`.\n\n- one\n- two\n  1. nested\n\n> quoted\n"),
            vec![
                "Title",
                "",
                "Some text and code.",
                "",
                "• one",
                "• two",
                "  1. nested",
                "",
                "│ quoted"
            ]
        );
        assert_eq!(
            texts("| a | bb |\n|---|---:|\n| long cell | 1 |\n"),
            vec![
                "│ a         │ bb │",
                "├───────────┼────┤",
                "│ long cell │  1 │"
            ]
        );
        assert_eq!(
            texts("- [x] done\n- [ ] todo\n"),
            vec!["• ☑ done", "• ☐ todo"]
        );
        assert_eq!(
            texts("see [docs](https://x.dev)\n"),
            vec!["see docs (https://x.dev)"]
        );
    }

    #[test]
    fn code_blocks_have_a_label_and_keep_their_lines() {
        let lines = render(
            "```rust\nfn main() {\n    x();\n}\n```\n",
            &Theme::default(),
        );
        let t: Vec<String> = lines.iter().map(RLine::text).collect();
        assert_eq!(t, vec![" rust ", "fn main() {", "    x();", "}"]);
        assert!(lines[1..].iter().all(|l| l.flow == Flow::Code));
    }

    #[test]
    fn an_unclosed_fence_renders_as_code_so_far() {
        let t = texts("Intro\n\n```python\nprint(1)\nprint(2");
        assert_eq!(t, vec!["Intro", "", " python ", "print(1)", "print(2"]);
    }
}
