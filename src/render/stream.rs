//! Markdown that grows while it streams. What is finished is rendered once and sealed; only the
//! open block is redone on each frame. Inside an open code fence each finished line is sealed
//! as it arrives, plain: highlighting it is left to whoever shows it (see [`Sealed`]), with
//! the highlighter's state carried from line to line of its block.
//!
//! A block that never closes would make every frame redo it from its start. Two such blocks
//! are kept up to date piece by piece instead (see [`MdStream::open_parts`]): a table, whose
//! finished rows are parsed once each, and a paragraph, rendered up to the last point where
//! nothing is left open that later text could change (an emphasis, a code span, a link), so a
//! frame renders only what came after it. Both give exactly the lines a render of the whole
//! block gives; anything else in an open block is rendered whole on each frame.

use pulldown_cmark::Alignment;

use super::highlight::CodeHighlighter;
use super::line::RLine;
use super::markdown::{
    code_label, code_line, parse_table, render, render_continuation, render_piece, table_row,
    table_rule, table_widths, Cell, TableStyle,
};
use crate::theme::Theme;

#[derive(Clone, Debug)]
struct OpenFence {
    /// The fence's character and length: a closing fence must match.
    ch: char,
    len: usize,
    /// Which code block of the stream this is.
    block: u32,
}

/// Sealed lines handed over, with what is needed to highlight the code among them later.
#[derive(Debug, Default)]
pub struct Sealed {
    pub lines: Vec<RLine>,
    /// Code blocks begun: their number, and a highlighter for their start (`None`: the
    /// language is not known, the code stays plain).
    pub blocks: Vec<(u32, Option<CodeHighlighter>)>,
    /// Code lines among `lines`, plain so far: the line's index, its block, its text.
    pub code: Vec<(usize, u32, String)>,
}

#[derive(Clone, Debug, Default)]
pub struct MdStream {
    /// Bytes of the source already turned into `lines`.
    sealed_to: usize,
    lines: Vec<RLine>,
    /// Whether the last line taken by [`MdStream::take_sealed`] had text.
    taken_text: bool,
    fence: Option<OpenFence>,
    /// Show the whole source as code in this language, unless it brings its own fence: for
    /// answers asked to be JSON, which arrive bare.
    code: Option<String>,
    /// Code blocks begun and code lines sealed, not taken yet (see [`Sealed`]).
    blocks: Vec<(u32, Option<CodeHighlighter>)>,
    code_lines: Vec<(usize, u32, String)>,
    next_block: u32,
    /// Complete lines of the open block already looked at for its end.
    scanned: usize,
    /// What is kept of the open block from frame to frame, and the block it is about (where
    /// it starts in the source).
    tail: Tail,
    tail_at: usize,
    /// Changes whenever lines handed out by [`MdStream::open_parts`] change other than by
    /// growing at their end.
    gen: u64,
}

/// What is kept of the open block between frames.
#[derive(Clone, Debug, Default)]
enum Tail {
    /// Not known yet what the block is.
    #[default]
    New,
    Para(ParaTail),
    Table(TableTail),
    /// Rendered whole on every frame.
    Whole,
}

/// A paragraph rendered up to `cut`, a point after which later text cannot change what is
/// before it; a frame renders only what comes after, as more of the same paragraph.
#[derive(Clone, Debug, Default)]
struct ParaTail {
    cut: usize,
    /// The lines of the block up to `cut`; the last is the paragraph's line, which the text
    /// after `cut` continues.
    lines: Vec<RLine>,
    /// Where the line holding `cut` starts.
    line_start: usize,
    /// The paragraph's first line: where it starts, and where it ends once it has. A table
    /// can still start from it while the second line is not known.
    first: usize,
    first_end: Option<usize>,
    /// The first line has been checked up to here for a `|`.
    first_checked: usize,
    /// No new try to move `cut` before the source is this long.
    retry_at: usize,
}

/// A table still streaming: its rows parsed as they finish, laid out when drawn.
#[derive(Clone, Debug)]
struct TableTail {
    /// The header and delimiter lines, which each new row is parsed after.
    head: String,
    align: Vec<Alignment>,
    header: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
    /// Column widths over the header and `rows`.
    widths: Vec<usize>,
    /// Where the next row starts.
    next: usize,
    /// The blank line between the table and the text before it, if there is one.
    lines: Vec<RLine>,
    style: TableStyle,
    /// As the last frame showed it: the row still arriving, and the widths with it.
    partial: Option<Vec<Cell>>,
    shown_widths: Vec<usize>,
}

/// The open block's lines for one frame (see [`MdStream::open_parts`]).
pub struct Open<'a> {
    /// While it stays the same (and is not 0), `lines` only grows: lines are added and a
    /// joined last line gains spans at its end, so a caller may keep them wrapped and wrap
    /// only what is new. 0: nothing here is kept from frame to frame.
    pub gen: u64,
    pub lines: &'a [RLine],
    /// The last of `lines` is an open paragraph that `fresh[0]` continues, on the same line.
    pub joined: bool,
    /// The rows of a table, after `lines`.
    pub table: Option<TableRows<'a>>,
    /// Lines made for this frame only, after the others.
    pub fresh: Vec<RLine>,
}

impl Open<'_> {
    /// All the lines, as [`MdStream::open`] makes them.
    pub fn flatten(self) -> Vec<RLine> {
        let mut out = self.lines.to_vec();
        if let Some(t) = &self.table {
            out.extend((0..t.len()).map(|i| t.line(i)));
        }
        let mut fresh = self.fresh.into_iter();
        if self.joined {
            if let (Some(last), Some(first)) = (out.last_mut(), fresh.next()) {
                last.spans.extend(first.spans);
            }
        }
        out.extend(fresh);
        out
    }
}

/// A streaming table's rows as the last frame has them, laid out one at a time when asked for.
#[derive(Clone, Copy)]
pub struct TableRows<'a> {
    t: &'a TableTail,
}

impl TableRows<'_> {
    /// Lines: the header, its rule, every row (the one still arriving too, once it is one).
    pub fn len(&self) -> usize {
        2 + self.t.rows.len() + usize::from(self.t.partial.is_some())
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn line(&self, i: usize) -> RLine {
        let t = self.t;
        let widths = &t.shown_widths;
        match i {
            0 => table_row(&t.header, widths, &t.align, true, t.style),
            1 => table_rule(widths, t.style),
            _ => {
                let row = t.rows.get(i - 2).or(t.partial.as_ref());
                table_row(
                    row.map_or(&[], Vec::as_slice),
                    widths,
                    &t.align,
                    false,
                    t.style,
                )
            }
        }
    }
}

/// Parses `line` as a row of the table `head` starts: `Some(None)` when it adds nothing to
/// the table (blank so far), `None` when it is not a row (it ends the table).
fn table_row_of(head: &str, line: &str, theme: &Theme) -> Option<Option<Vec<Cell>>> {
    let t = parse_table(&format!("{head}{line}"), theme)?;
    match t.rows.len() {
        1 => Some(None),
        2 if t.header_rows == 1 => t.rows.into_iter().nth(1).map(Some),
        _ => None,
    }
}

/// Where a paragraph may be cut, looking back from the end of `src` to no further than
/// `from`: after a single space between two words, or at the end of a line that ends in
/// neither a space nor a backslash (either would make a hard break), before a letter (no line
/// that starts with a letter starts a new block).
fn cut_point(src: &str, from: usize) -> Option<usize> {
    const LOOK_BACK: usize = 4096;
    let b = src.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let low = from.max(src.len().saturating_sub(LOOK_BACK)) + 2;
    (low..src.len()).rev().find(|&q| {
        matches!(b[q - 1], b' ' | b'\n')
            && !ws(b[q - 2])
            && !(b[q - 1] == b'\n' && b[q - 2] == b'\\')
            && src[q..].chars().next().is_some_and(char::is_alphabetic)
    })
}

/// A cut inside the paragraph's second line needs what is before it to be no start of a
/// delimiter row: one would turn the first line into a table's header.
fn second_line_cut_ok(src: &str, first_end: Option<usize>, line_start: usize, q: usize) -> bool {
    let in_second = first_end.is_some_and(|e| line_start == e + 1) && src.as_bytes()[q - 1] == b' ';
    !(in_second && may_be_delimiter(&src[line_start..q]))
}

/// A line that may start link reference definitions: `[label]:`, or a label not closed yet.
fn may_be_refdef(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    let Some(label) = t.strip_prefix('[') else {
        return false;
    };
    match label.find(']') {
        Some(i) => label[i + 1..].starts_with(':'),
        None => true,
    }
}

/// A line that may yet be (or become) a table's delimiter row.
fn may_be_delimiter(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r'])
        .chars()
        .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// A fence line: its character, its length and the info string.
fn fence_open(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let t = &line[indent..];
    let ch = t.chars().next()?;
    if ch != '`' && ch != '~' {
        return None;
    }
    let len = t.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = t[len..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((ch, len, info))
}

fn fence_close(line: &str, ch: char, len: usize) -> bool {
    let t = line.trim();
    t.chars().count() >= len && t.chars().all(|c| c == ch)
}

impl MdStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// A stream shown as `lang` code unless its source starts with a fence of its own.
    pub fn code(lang: &str) -> Self {
        Self {
            code: Some(lang.to_string()),
            ..Self::default()
        }
    }

    /// Sealed lines not yet taken.
    pub fn sealed(&self) -> &[RLine] {
        &self.lines
    }

    /// Moves the sealed lines out: a caller that keeps its own (wrapped) copy need not hold
    /// two copies of a long answer.
    pub fn take_sealed(&mut self) -> Vec<RLine> {
        self.take().lines
    }

    /// Moves the sealed lines out, with their code to highlight (see [`Sealed`]).
    pub fn take(&mut self) -> Sealed {
        if let Some(last) = self.lines.last() {
            self.taken_text = !last.spans.is_empty();
        }
        Sealed {
            lines: std::mem::take(&mut self.lines),
            blocks: std::mem::take(&mut self.blocks),
            code: std::mem::take(&mut self.code_lines),
        }
    }

    /// Begins a code block in `lang`.
    fn begin_code(&mut self, lang: &str, theme: &Theme) -> u32 {
        let block = self.next_block;
        self.next_block += 1;
        self.blocks
            .push((block, CodeHighlighter::new(lang, &theme.syntax)));
        block
    }

    /// The line still arriving when it is code: its block and its text so far.
    pub fn open_code<'s>(&self, src: &'s str) -> Option<(u32, &'s str)> {
        let f = self.fence.as_ref()?;
        let rest = &src[self.sealed_to.min(src.len())..];
        (!rest.is_empty()).then_some((f.block, rest))
    }

    /// Whether the last sealed line, taken or not, has text.
    fn ends_with_text(&self) -> bool {
        self.lines
            .last()
            .map_or(self.taken_text, |l| !l.spans.is_empty())
    }

    /// Opens the code block once the source shows it has no fence of its own.
    fn settle_code(&mut self, src: &str, theme: &Theme) {
        let Some(lang) = &self.code else {
            return;
        };
        let start = src.trim_start();
        // Only a source starting with ` or ~ may still turn out to be fenced.
        let may_fence = start.is_empty() || start.starts_with(['`', '~']);
        if may_fence && start.len() < 3 && !src.contains('\n') {
            return;
        }
        if !start.starts_with("```") && !start.starts_with("~~~") {
            let lang = lang.clone();
            self.lines.push(code_label(&lang, theme));
            let block = self.begin_code(&lang, theme);
            self.fence = Some(OpenFence {
                ch: '\0',
                len: usize::MAX,
                block,
            });
        }
        self.code = None;
    }

    /// Seals whatever `src` has finished since the last call. `src` only ever grows.
    pub fn advance(&mut self, src: &str, theme: &Theme) {
        self.settle_code(src, theme);
        if self.code.is_some() {
            return;
        }
        loop {
            let rest = &src[self.sealed_to.min(src.len())..];
            let Some(nl) = rest.find('\n') else {
                return;
            };
            if let Some(f) = &self.fence {
                let line = &rest[..nl];
                if fence_close(line, f.ch, f.len) {
                    self.fence = None;
                    self.lines.push(RLine::blank());
                } else {
                    self.code_lines
                        .push((self.lines.len(), f.block, line.to_string()));
                    self.lines.push(code_line(line, None, theme));
                }
                self.sealed_to += nl + 1;
                continue;
            }
            // Outside a fence: find the first boundary, a blank line or a fence opening. Lines
            // looked at by an earlier call are not looked at again.
            let skip = self.scanned.saturating_sub(self.sealed_to).min(rest.len());
            let mut offset = skip;
            let mut boundary = None;
            for line in rest[skip..].split_inclusive('\n') {
                if !line.ends_with('\n') {
                    break;
                }
                let body = line.trim_end_matches(['\n', '\r']);
                if let Some((ch, len, info)) = fence_open(body) {
                    boundary = Some((
                        offset,
                        offset + line.len(),
                        Some((ch, len, info.to_string())),
                    ));
                    break;
                }
                if body.trim().is_empty() && offset > 0 {
                    boundary = Some((offset, offset + line.len(), None));
                    break;
                }
                offset += line.len();
            }
            let Some((block_end, next, fence)) = boundary else {
                self.scanned = self.sealed_to + offset;
                return;
            };
            let block = &rest[..block_end];
            if !block.trim().is_empty() {
                if self.ends_with_text() {
                    self.lines.push(RLine::blank());
                }
                self.lines.extend(render(block, theme));
            }
            if let Some((ch, len, info)) = fence {
                if self.ends_with_text() {
                    self.lines.push(RLine::blank());
                }
                self.lines.push(code_label(&info, theme));
                let block = self.begin_code(&info, theme);
                self.fence = Some(OpenFence { ch, len, block });
            }
            self.sealed_to += next;
        }
    }

    /// The lines of what is not sealed yet: rendered fresh each time, never stored.
    pub fn open(&self, src: &str, theme: &Theme) -> Vec<RLine> {
        let rest = &src[self.sealed_to.min(src.len())..];
        if rest.is_empty() {
            return Vec::new();
        }
        if self.fence.is_some() {
            // Plain, as sealed code lines are (see `open_code`).
            return vec![code_line(rest, None, theme)];
        }
        if rest.trim().is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.ends_with_text() {
            out.push(RLine::blank());
        }
        out.extend(render(rest, theme));
        out
    }

    /// The lines of what is not sealed yet, as [`MdStream::open`] gives them, in parts that
    /// can be kept from one frame to the next (see [`Open`]). A streaming table or paragraph
    /// costs a frame what arrived since the last one, not the whole block.
    pub fn open_parts<'a>(&'a mut self, src: &str, theme: &Theme) -> Open<'a> {
        let start = self.sealed_to.min(src.len());
        let rest = &src[start..];
        if self.fence.is_some() || self.code.is_some() || rest.trim().is_empty() {
            return self.whole(src, theme);
        }
        if self.tail_at != start {
            self.tail = Tail::New;
            self.tail_at = start;
            self.gen += 1;
        }
        if matches!(self.tail, Tail::New) {
            self.tail = self.what_block(src, theme);
        }
        let is_table = matches!(self.tail, Tail::Table(_));
        if is_table {
            self.table_frame(src, theme)
        } else if matches!(self.tail, Tail::Para(_)) {
            self.para_frame(src, theme)
        } else {
            self.whole(src, theme)
        }
    }

    /// The rows of a table the last [`MdStream::open_parts`] gave, as it gave them.
    pub fn table_rows(&self) -> Option<TableRows<'_>> {
        match &self.tail {
            Tail::Table(t) if self.tail_at == self.sealed_to => Some(TableRows { t }),
            _ => None,
        }
    }

    /// Everything fresh, nothing kept.
    fn whole(&self, src: &str, theme: &Theme) -> Open<'static> {
        Open {
            gen: 0,
            lines: &[],
            joined: false,
            table: None,
            fresh: self.open(src, theme),
        }
    }

    fn lead(&self) -> Vec<RLine> {
        if self.ends_with_text() {
            vec![RLine::blank()]
        } else {
            Vec::new()
        }
    }

    /// A table when the block starts with its header and delimiter rows, else a paragraph
    /// (which is rendered whole for as long as it is something else). `New` while the
    /// first line may be a table's header and the second has not arrived.
    fn what_block(&self, src: &str, theme: &Theme) -> Tail {
        let start = self.tail_at;
        let rest = &src[start..];
        let body = start + (rest.len() - rest.trim_start_matches(['\n', '\r', ' ', '\t']).len());
        // Back to the start of the first line with text.
        let body = src[..body]
            .rfind('\n')
            .map_or(start, |i| (i + 1).max(start));
        let first = &src[body..];
        let Some(nl1) = first.find('\n') else {
            return if first.contains('|') {
                Tail::New
            } else {
                self.new_para(body)
            };
        };
        if !first[..nl1].contains('|') {
            return self.new_para(body);
        }
        let Some(nl2) = first[nl1 + 1..].find('\n') else {
            return Tail::New;
        };
        let head = &first[..nl1 + 1 + nl2 + 1];
        match parse_table(head, theme) {
            Some(t) if t.rows.len() == 1 && t.header_rows == 1 => {
                let mut widths = Vec::new();
                let header = t.rows.into_iter().next().unwrap_or_default();
                table_widths(&mut widths, &header);
                Tail::Table(TableTail {
                    head: head.to_string(),
                    align: t.align,
                    header,
                    rows: Vec::new(),
                    widths,
                    next: body + head.len(),
                    lines: self.lead(),
                    style: TableStyle::of(theme),
                    partial: None,
                    shown_widths: Vec::new(),
                })
            }
            _ => self.new_para(body),
        }
    }

    fn new_para(&self, body: usize) -> Tail {
        Tail::Para(ParaTail {
            cut: self.tail_at,
            line_start: body,
            first: body,
            ..ParaTail::default()
        })
    }

    fn table_frame(&mut self, src: &str, theme: &Theme) -> Open<'_> {
        let Tail::Table(t) = &mut self.tail else {
            return self.whole(src, theme);
        };
        while let Some(nl) = src[t.next..].find('\n') {
            let line = &src[t.next..t.next + nl + 1];
            match table_row_of(&t.head, line, theme) {
                Some(Some(row)) => {
                    table_widths(&mut t.widths, &row);
                    t.rows.push(row);
                    t.next += line.len();
                }
                // The table has ended: the block is something else now.
                _ => {
                    self.tail = Tail::Whole;
                    return self.whole(src, theme);
                }
            }
        }
        let partial = match &src[t.next..] {
            "" => None,
            line => match table_row_of(&t.head, line, theme) {
                Some(row) => row,
                // Not a row as it stands; it may yet become one.
                None => return self.whole(src, theme),
            },
        };
        t.shown_widths.clone_from(&t.widths);
        if let Some(row) = &partial {
            table_widths(&mut t.shown_widths, row);
        }
        t.partial = partial;
        let Tail::Table(t) = &self.tail else {
            return self.whole(src, theme);
        };
        Open {
            gen: self.gen,
            lines: &t.lines,
            joined: false,
            table: Some(TableRows { t }),
            fresh: Vec::new(),
        }
    }

    fn para_frame(&mut self, src: &str, theme: &Theme) -> Open<'_> {
        self.move_cut(src, theme);
        if !self.para_checks(src) {
            self.tail = Tail::New;
            self.gen += 1;
            return self.whole(src, theme);
        }
        let (cut, first_end) = match &self.tail {
            Tail::Para(p) if !p.lines.is_empty() => (p.cut, p.first_end),
            _ => return self.whole(src, theme),
        };
        let after = &src[cut..];
        // While the cut is in the paragraph's first line, a second line that may be a
        // delimiter row could turn the first into a table's header.
        if let Some(end) = first_end.filter(|e| cut <= *e) {
            let second = src[end + 1..].split_inclusive('\n').next().unwrap_or("");
            if may_be_delimiter(second) {
                if second.ends_with('\n') {
                    self.tail = Tail::New;
                    self.gen += 1;
                }
                return self.whole(src, theme);
            }
        }
        let Some(piece) = render_continuation(after, theme) else {
            // A finished first line that does not continue the paragraph: what the block is
            // has changed, so it is looked at again.
            if after.contains('\n') {
                self.tail = Tail::New;
                self.gen += 1;
            }
            return self.whole(src, theme);
        };
        match &self.tail {
            Tail::Para(p) => Open {
                gen: self.gen,
                lines: &p.lines,
                joined: true,
                table: None,
                fresh: piece.lines,
            },
            _ => self.whole(src, theme),
        }
    }

    /// What a cut in the paragraph's first line relies on: that the line has no `|` (it
    /// could be a table's header otherwise). Checks what arrived since the last frame.
    fn para_checks(&mut self, src: &str) -> bool {
        let Tail::Para(p) = &mut self.tail else {
            return true;
        };
        if p.lines.is_empty()
            || p.first_end
                .is_some_and(|e| p.cut > e || p.first_checked > e)
        {
            return true;
        }
        let from = p.first_checked.max(p.first);
        let line = &src[from..];
        let line = &line[..line.find('\n').map_or(line.len(), |i| i + 1)];
        if line.ends_with('\n') {
            p.first_end = Some(from + line.len() - 1);
        }
        p.first_checked = from + line.len();
        !line.contains('|')
    }

    /// Moves the paragraph's cut as far on as the source allows, rendering what it passes a
    /// few kilobytes at a time: something left open (an emphasis not closed yet) then holds
    /// up only the step it is in.
    fn move_cut(&mut self, src: &str, theme: &Theme) {
        const STEP: usize = 4096;
        let ends_with_text = self.ends_with_text();
        let Tail::Para(p) = &mut self.tail else {
            return;
        };
        if src.len() < p.retry_at {
            return;
        }
        let mut step = STEP;
        loop {
            let mut target = (p.cut + step).min(src.len());
            while !src.is_char_boundary(target) {
                target += 1;
            }
            let last = target == src.len();
            match cut_point(&src[..target], p.cut) {
                Some(q) if move_to(p, src, q, ends_with_text, theme) => step = STEP,
                _ if last => break,
                _ => step *= 2,
            }
            if last && src.len() - p.cut < STEP {
                break;
            }
        }
        // What keeps a long stretch open may stay open (an emphasis never closed): try again
        // once it is twice as long, rather than on every frame.
        let open = src.len() - p.cut;
        if open > 4 * STEP {
            p.retry_at = p.cut + 2 * open;
        }
    }
}

/// Renders the paragraph from its cut to `q` and moves the cut there, if nothing before `q`
/// can change with what follows.
fn move_to(p: &mut ParaTail, src: &str, q: usize, ends_with_text: bool, theme: &Theme) -> bool {
    let b = src.as_bytes();
    let line_start = match src[p.cut..q - 1].rfind('\n') {
        Some(i) => p.cut + i + 1,
        None => p.line_start,
    };
    if b[q - 1] == b'\n' {
        // A line that holds a `|` could be a table's header.
        if src[line_start..q].contains('|') {
            return false;
        }
    } else {
        // Whether a line starts a block can depend on more than its start: `+ ` alone does
        // not (an empty list item cannot end a paragraph), `+ word` does. A line whose part
        // before the cut has a letter starts a block already or never will; a line starting
        // with `|` may be a table's header.
        let part = &src[line_start..q];
        if !part.chars().any(char::is_alphabetic) || part.trim_start_matches(' ').starts_with('|') {
            return false;
        }
    }
    let seg = &src[p.cut..q];
    let first_cut = p.lines.is_empty();
    let piece = if first_cut {
        let piece = render_piece(seg, theme);
        let Some(start) = piece.para.map(|ps| p.cut + ps) else {
            return false;
        };
        // Link reference definitions open a paragraph and apply to all of it.
        let first = &src[start..];
        let first_end = first.find('\n').map(|i| start + i);
        if may_be_refdef(&first[..first.find('\n').unwrap_or(first.len())]) {
            return false;
        }
        // A cut in the first line needs it to have no `|`; see `para_checks`.
        if first_end.map_or(true, |e| q <= e) && src[start..q].contains('|') {
            return false;
        }
        if !second_line_cut_ok(src, first_end, line_start, q) {
            return false;
        }
        p.first = start;
        p.first_end = first_end;
        p.first_checked = q;
        piece
    } else {
        if !second_line_cut_ok(src, p.first_end, line_start, q) {
            return false;
        }
        match render_continuation(seg, theme) {
            Some(piece) => piece,
            None => return false,
        }
    };
    if !piece.closed || piece.refdefs {
        return false;
    }
    // The paragraph's line is continued in place: it must be a plain top-level line.
    let Some(last) = piece.lines.last() else {
        return false;
    };
    if last.indent != 0 || !last.lead.is_empty() || last.flow != super::line::Flow::Prose {
        return false;
    }
    let mut lines = piece.lines.into_iter();
    if first_cut {
        if ends_with_text {
            p.lines.push(RLine::blank());
        }
    } else if let (Some(open), Some(more)) = (p.lines.last_mut(), lines.next()) {
        open.spans.extend(more.spans);
    }
    p.lines.extend(lines);
    p.cut = q;
    p.line_start = if b[q - 1] == b'\n' { q } else { line_start };
    true
}

/// The fenced code blocks of an answer, without their fences (an unclosed one counts).
pub fn code_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, String)> = None;
    for line in text.lines() {
        match &mut open {
            Some((ch, len, body)) => {
                if fence_close(line, *ch, *len) {
                    if let Some((_, _, body)) = open.take() {
                        blocks.push(body);
                    }
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            None => {
                if let Some((ch, len, _)) = fence_open(line) {
                    open = Some((ch, len, String::new()));
                }
            }
        }
    }
    if let Some((_, _, body)) = open {
        blocks.push(body);
    }
    blocks
}

/// Plain text (reasoning) that grows: every finished line is sealed.
#[derive(Clone, Debug, Default)]
pub struct PlainStream {
    sealed_to: usize,
    lines: Vec<RLine>,
}

impl PlainStream {
    pub fn advance(&mut self, src: &str, style: ratatui::style::Style) {
        let rest = &src[self.sealed_to.min(src.len())..];
        let Some(last_nl) = rest.rfind('\n') else {
            return;
        };
        for line in rest[..last_nl].split('\n') {
            self.lines.push(RLine::styled(line.to_string(), style));
        }
        self.sealed_to += last_nl + 1;
    }

    pub fn sealed(&self) -> &[RLine] {
        &self.lines
    }

    /// As [`MdStream::take_sealed`].
    pub fn take_sealed(&mut self) -> Vec<RLine> {
        std::mem::take(&mut self.lines)
    }

    pub fn open(&self, src: &str, style: ratatui::style::Style) -> Option<RLine> {
        let rest = &src[self.sealed_to.min(src.len())..];
        (!rest.is_empty()).then(|| RLine::styled(rest.to_string(), style))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Plan\n\nFirst a paragraph with **bold** text.\n\n- one\n- two\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nThe end.\n";

    #[test]
    fn taking_sealed_lines_as_they_come_changes_nothing() {
        let theme = Theme::default();
        let mut kept = MdStream::new();
        let mut taken = MdStream::new();
        let mut lines = Vec::new();
        for end in 1..=DOC.len() {
            if !DOC.is_char_boundary(end) {
                continue;
            }
            kept.advance(&DOC[..end], &theme);
            taken.advance(&DOC[..end], &theme);
            lines.extend(taken.take_sealed().iter().map(RLine::text));
        }
        let open: Vec<String> = taken.open(DOC, &theme).iter().map(RLine::text).collect();
        lines.extend(open);
        assert_eq!(lines, all_text(&kept, DOC, &theme));
    }

    fn all_text(s: &MdStream, src: &str, theme: &Theme) -> Vec<String> {
        s.sealed()
            .iter()
            .chain(s.open(src, theme).iter())
            .map(RLine::text)
            .collect()
    }

    #[test]
    fn streaming_at_every_cut_ends_where_a_one_shot_render_does() {
        let theme = Theme::default();
        let whole: Vec<String> = render(DOC, &theme).iter().map(RLine::text).collect();
        for step in [1, 3, 7, 50] {
            let mut s = MdStream::new();
            let mut end = 0;
            while end < DOC.len() {
                end = (end + step).min(DOC.len());
                while !DOC.is_char_boundary(end) {
                    end += 1;
                }
                s.advance(&DOC[..end], &theme);
                // Mid-stream the layout holds: a view can always be built.
                let _ = all_text(&s, &DOC[..end], &theme);
            }
            assert_eq!(all_text(&s, DOC, &theme), whole, "step {step}");
        }
    }

    /// Lines with their spans merged where the style does not change: what a span boundary
    /// cannot show on screen.
    pub(crate) fn merged(lines: &[RLine]) -> Vec<RLine> {
        lines
            .iter()
            .map(|l| {
                let mut spans: Vec<ratatui::text::Span<'static>> = Vec::new();
                for s in &l.spans {
                    if s.content.is_empty() {
                        continue;
                    }
                    match spans.last_mut() {
                        Some(last) if last.style == s.style => {
                            last.content = format!("{}{}", last.content, s.content).into();
                        }
                        _ => spans.push(s.clone()),
                    }
                }
                RLine { spans, ..l.clone() }
            })
            .collect()
    }

    /// Streams `doc` in pieces of `step` bytes; at every piece the open block in parts must
    /// be the open block rendered whole. Returns the share of frames that kept lines from an
    /// earlier frame.
    fn parts_match_whole(doc: &str, step: usize) -> f64 {
        let theme = Theme::default();
        let mut s = MdStream::new();
        let mut end = 0;
        let (mut frames, mut kept) = (0, 0);
        while end < doc.len() {
            end = (end + step).min(doc.len());
            while !doc.is_char_boundary(end) {
                end += 1;
            }
            let src = &doc[..end];
            s.advance(src, &theme);
            let whole = merged(&s.open(src, &theme));
            let open = s.open_parts(src, &theme);
            frames += 1;
            if open.gen != 0 && (!open.lines.is_empty() || open.table.is_some()) {
                kept += 1;
            }
            let parts = merged(&open.flatten());
            assert_eq!(parts, whole, "at byte {end} of {doc:?}");
        }
        f64::from(kept) / f64::from(frames)
    }

    #[test]
    fn an_open_paragraph_in_parts_is_the_paragraph_whole() {
        let mut doc = String::from("Intro.\n\n");
        for i in 0..60 {
            doc.push_str(&format!(
                "Word{i} with **bold {i}** and `code {i}` and a [link](http://x/{i}) plus _it_ "
            ));
            if i % 7 == 0 {
                doc.push_str("end of line\n");
            }
            if i % 11 == 0 {
                doc.push_str("hard break  \n");
            }
            if i % 13 == 0 {
                doc.push_str("2 * 3 = 6 and snake_case and ~strike~ ");
            }
        }
        for step in [1, 2, 5, 17, 64] {
            let kept = parts_match_whole(&doc, step);
            assert!(kept > 0.9, "step {step}: {kept}");
        }
    }

    #[test]
    fn an_open_table_in_parts_is_the_table_whole() {
        let mut doc = String::from("Intro.\n\n| name | **score** | note |\n|:--|--:|:-:|\n");
        for i in 0..80 {
            doc.push_str(&format!("| row {i} | {} | *n{i}* `c` |\n", i * 37 % 1000));
            if i == 40 {
                doc.push_str("| a much wider cell than any before it | 1 |\n");
            }
        }
        doc.push_str("| last | 2");
        for step in [1, 3, 16, 100] {
            let kept = parts_match_whole(&doc, step);
            assert!(kept > 0.9, "step {step}: {kept}");
        }
    }

    #[test]
    fn code_lines_are_sealed_as_they_arrive() {
        let theme = Theme::default();
        let mut s = MdStream::new();
        let src = "```python\nx = 1\ny = 2\nz = ";
        s.advance(src, &theme);
        let sealed: Vec<String> = s.sealed().iter().map(RLine::text).collect();
        assert_eq!(sealed, vec![" python ", "x = 1", "y = 2"]);
        assert_eq!(
            s.open(src, &theme)
                .iter()
                .map(RLine::text)
                .collect::<Vec<_>>(),
            vec!["z = "]
        );
    }

    #[test]
    fn bare_json_shows_as_json_code_and_fenced_json_as_markdown() {
        let theme = Theme::default();
        let src = "{\n  \"city\": \"Oslo\",\n  \"temp\": 8\n}";
        let mut s = MdStream::code("json");
        let mut w = MdStream::code("json");
        w.advance("`", &theme);
        assert!(w.sealed().is_empty(), "one backtick cannot tell yet");
        s.advance("{", &theme);
        assert_eq!(s.sealed().len(), 1, "a brace can: the code label is out");
        s.advance(src, &theme);
        let sealed: Vec<String> = s.sealed().iter().map(RLine::text).collect();
        assert_eq!(
            sealed,
            vec![" json ", "{", "  \"city\": \"Oslo\",", "  \"temp\": 8"]
        );
        let open: Vec<String> = s.open(src, &theme).iter().map(RLine::text).collect();
        assert_eq!(open, vec!["}"]);

        let fenced = "```json\n{\"a\": 1}\n```\n";
        let mut f = MdStream::code("json");
        f.advance(fenced, &theme);
        let lines: Vec<String> = f.sealed().iter().map(RLine::text).collect();
        assert_eq!(lines[..2], [" json ".to_string(), "{\"a\": 1}".to_string()]);
    }

    #[test]
    fn code_blocks_are_found_for_copying() {
        let b = code_blocks("Intro\n```rust\nfn a() {}\n```\ntext\n~~~\nplain\n~~~\n```py\nopen");
        assert_eq!(b, vec!["fn a() {}\n", "plain\n", "open\n"]);
    }

    #[test]
    fn reasoning_seals_whole_lines() {
        let mut p = PlainStream::default();
        let style = ratatui::style::Style::default();
        p.advance("one\ntwo\nthr", style);
        assert_eq!(p.sealed().len(), 2);
        assert_eq!(
            p.open("one\ntwo\nthr", style).map(|l| l.text()),
            Some("thr".into())
        );
    }
}
