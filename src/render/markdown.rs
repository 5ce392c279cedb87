//! Markdown to styled lines (before wrapping), with pulldown-cmark.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

use super::highlight::CodeHighlighter;
use super::line::{Flow, RLine};
use crate::theme::Theme;

mod inline;
mod table;

use inline::{is_inline, is_inline_end, Openers};
pub(crate) use table::{table_row, table_rule, table_widths, TableStyle};

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

/// A table cell's text.
pub(crate) type Cell = Vec<Span<'static>>;

struct TableState {
    align: Vec<Alignment>,
    rows: Vec<Vec<Cell>>,
    header_rows: usize,
    in_head: bool,
}

/// A table as parsed, before it is laid out.
#[derive(Clone, Debug)]
pub(crate) struct TableParts {
    pub align: Vec<Alignment>,
    pub rows: Vec<Vec<Cell>>,
    pub header_rows: usize,
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
    /// Tables kept as parsed instead of laid out, for [`parse_table`].
    captured: Option<Vec<TableParts>>,
}

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

impl<'t> Renderer<'t> {
    fn new(theme: &'t Theme) -> Self {
        Renderer {
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
            captured: None,
        }
    }

    fn finish(mut self) -> Vec<RLine> {
        self.flush();
        while self.out.last().is_some_and(|l| l.spans.is_empty()) {
            self.out.pop();
        }
        self.out
    }
}

/// Renders a complete piece of markdown: one or more blocks, separated by blank lines.
pub fn render(src: &str, theme: &Theme) -> Vec<RLine> {
    let mut r = Renderer::new(theme);
    for ev in Parser::new_ext(src, OPTIONS) {
        r.event(ev);
    }
    r.finish()
}

/// `src` when it is one table and nothing else: its cells, not yet laid out.
pub(crate) fn parse_table(src: &str, theme: &Theme) -> Option<TableParts> {
    let mut r = Renderer::new(theme);
    r.captured = Some(Vec::new());
    for ev in Parser::new_ext(src, OPTIONS) {
        r.event(ev);
    }
    let mut tables = r.captured.take().unwrap_or_default();
    if tables.len() != 1 || !r.finish().is_empty() {
        return None;
    }
    tables.pop()
}

/// A piece of markdown rendered, with what is needed to know whether the text after it can be
/// rendered on its own.
#[derive(Debug)]
pub(crate) struct Piece {
    pub lines: Vec<RLine>,
    /// Where the last top-level block starts, when it is a paragraph.
    pub para: Option<usize>,
    /// Whether that paragraph leaves nothing that text after it could still close: no
    /// emphasis, strikethrough, code span, link or HTML tag that might yet end later.
    pub closed: bool,
    /// Whether the piece defines link references (which apply to links after it).
    pub refdefs: bool,
}

/// Renders `src` and says whether its last top-level block is a paragraph with nothing open.
pub(crate) fn render_piece(src: &str, theme: &Theme) -> Piece {
    let mut r = Renderer::new(theme);
    let mut events = Parser::new_ext(src, OPTIONS).into_offset_iter();
    let mut depth = 0usize;
    let mut inline = 0usize;
    let mut para = None;
    let mut open = Openers::default();
    for (ev, range) in events.by_ref() {
        match &ev {
            Event::Start(tag) if is_inline(tag) => inline += 1,
            Event::End(tag) if is_inline_end(*tag) => inline = inline.saturating_sub(1),
            Event::Start(tag) => {
                if depth == 0 {
                    para = matches!(tag, Tag::Paragraph).then_some(range.start);
                    open = Openers::default();
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Rule | Event::Html(_) if depth == 0 => para = None,
            Event::Text(_) => open.text(src, range, inline),
            _ => {}
        }
        r.event(ev);
    }
    let refdefs = events.reference_definitions().iter().next().is_some();
    Piece {
        lines: r.finish(),
        para,
        closed: open.closed(),
        refdefs,
    }
}

/// `seg` rendered as more of a paragraph already open: the lines it adds, the first of them to
/// be joined to the paragraph's last line. `None` when `seg` does not simply continue the
/// paragraph (it ends it, or turns it into a heading or a table).
pub(crate) fn render_continuation(seg: &str, theme: &Theme) -> Option<Piece> {
    const DUMMY: &str = "x\n";
    let src = format!("{DUMMY}{seg}");
    let mut piece = render_piece(&src, theme);
    if piece.para != Some(0) || piece.refdefs {
        return None;
    }
    let first = piece.lines.first_mut()?;
    let lead = first.spans.first()?;
    if lead.content != "x" || lead.style != theme.answer || first.indent != 0 {
        return None;
    }
    first.spans.remove(0);
    Some(piece)
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
                    match &mut self.captured {
                        Some(c) => c.push(TableParts {
                            align: t.align,
                            rows: t.rows,
                            header_rows: t.header_rows,
                        }),
                        None => self.table_lines(t),
                    }
                }
                self.gap();
            }
            _ => {}
        }
    }

    /// Aligned columns; a table wider than the pane is cut cleanly at its edge.
    fn table_lines(&mut self, t: TableState) {
        let mut widths = Vec::new();
        for row in &t.rows {
            table_widths(&mut widths, row);
        }
        let style = TableStyle::of(self.theme);
        for (r, row) in t.rows.iter().enumerate() {
            self.out
                .push(table_row(row, &widths, &t.align, r < t.header_rows, style));
            if r + 1 == t.header_rows {
                self.out.push(table_rule(&widths, style));
            }
        }
    }
}

#[cfg(test)]
mod tests;
