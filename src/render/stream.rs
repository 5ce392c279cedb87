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

mod open;
mod plain;
mod scan;

pub use plain::PlainStream;
pub use scan::code_blocks;
use scan::{
    cut_point, fence_close, fence_open, may_be_delimiter, may_be_refdef, second_line_cut_ok,
};

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
}

#[cfg(test)]
mod tests;
