//! A turn's wrapped rows: sealed lines wrapped once, the open block wrapped as it grows, and
//! code highlighted only when it is shown.

use ratatui::text::{Line, Span};

use super::super::highlight::CodeHighlighter;
use super::super::line::{wrap, wrap_settled, Packed, RLine};
use super::super::markdown::code_line;
use super::super::stream::{Open, Sealed};
use crate::theme::Theme;

#[derive(Clone, Debug, Default)]
pub(super) struct Wrapped {
    pub(super) lines: Vec<Packed>,
}

impl Wrapped {
    /// Wraps newly sealed lines. They are not kept unwrapped: a new width re-renders the
    /// whole transcript from its text anyway.
    pub(super) fn sync(
        &mut self,
        logical: Vec<RLine>,
        width: usize,
        marker: ratatui::style::Style,
    ) {
        self.sync_rows(logical, width, marker);
    }

    /// As `sync`, and says where each line went: its first row and how many.
    pub(super) fn sync_rows(
        &mut self,
        logical: Vec<RLine>,
        width: usize,
        marker: ratatui::style::Style,
    ) -> Vec<(usize, usize)> {
        let mut rows = Vec::with_capacity(logical.len());
        for l in &logical {
            let at = self.lines.len();
            self.lines
                .extend(wrap(l, width, marker).iter().map(Packed::pack));
            rows.push((at, self.lines.len() - at));
        }
        rows
    }
}

/// The kept lines of an answer's open block, wrapped, for as long as they only grow (see
/// [`Open`]): only what is new in them is wrapped on each frame.
#[derive(Clone, Debug, Default)]
pub(super) struct OpenWrapped {
    gen: u64,
    /// How many of the open block's lines are in `rows`.
    done: usize,
    pub(super) rows: Vec<Packed>,
    /// A joined last line: which line, how many of its spans are taken, and those of its
    /// last row, which what follows may still change.
    joint: Option<(usize, usize, Vec<Span<'static>>)>,
}

impl OpenWrapped {
    pub(super) fn sync(&mut self, open: &Open<'_>, width: usize, marker: ratatui::style::Style) {
        if open.gen == 0 || open.gen != self.gen {
            *self = Self {
                gen: open.gen,
                ..Self::default()
            };
        }
        let n = open.lines.len();
        let complete = n - usize::from(open.joined && n > 0);
        while self.done < complete {
            let l = &open.lines[self.done];
            match self.joint.take() {
                // The joined line has ended: wrap the rest of it.
                Some((line, taken, mut rest)) if line == self.done => {
                    rest.extend_from_slice(l.spans.get(taken..).unwrap_or_default());
                    let l = RLine::prose(rest);
                    self.rows
                        .extend(wrap(&l, width, marker).iter().map(Packed::pack));
                }
                joint => {
                    self.joint = joint;
                    self.rows
                        .extend(wrap(l, width, marker).iter().map(Packed::pack));
                }
            }
            self.done += 1;
        }
        if complete < n {
            let l = &open.lines[complete];
            let (_, taken, rest) = self.joint.get_or_insert_with(|| (complete, 0, Vec::new()));
            rest.extend_from_slice(l.spans.get(*taken..).unwrap_or_default());
            *taken = l.spans.len();
            let (settled, last) = wrap_settled(rest, width);
            if !settled.is_empty() {
                self.rows.extend(settled.iter().map(Packed::pack));
                *rest = last;
            }
        }
    }

    /// The joined line's last row continued by `fresh[0]`, and the other fresh lines, wrapped.
    pub(super) fn fresh(
        &self,
        open: Open<'_>,
        width: usize,
        marker: ratatui::style::Style,
    ) -> Vec<Line<'static>> {
        let mut fresh = open.fresh.into_iter();
        let mut out = Vec::new();
        if open.joined {
            if let Some((_, _, rest)) = &self.joint {
                let mut spans = rest.clone();
                if let Some(first) = fresh.next() {
                    spans.extend(first.spans);
                }
                out.extend(wrap(&RLine::prose(spans), width, marker));
            }
        }
        for l in fresh {
            out.extend(wrap(&l, width, marker));
        }
        out
    }
}

/// An answer's code that is not highlighted yet. Highlighting is the dearest part of
/// drawing an answer, and at full speed most lines scroll past between two frames: a code
/// line is highlighted when it is shown, or when a later line of its block is (the
/// highlighter's state goes from line to line), never twice.
#[derive(Clone, Debug, Default)]
pub(super) struct LazyCode {
    /// Each block's highlighter, past the lines of it highlighted so far.
    blocks: Vec<Option<CodeHighlighter>>,
    /// Lines not highlighted yet, in the order of their rows.
    pending: Vec<Pending>,
    /// Where each block starts (its label) in the answer's wrapped lines, to jump between them.
    pub(super) starts: Vec<usize>,
}

#[derive(Clone, Debug)]
pub(super) struct Pending {
    block: u32,
    /// Its rows in the answer's wrapped lines.
    row: usize,
    rows: usize,
    text: String,
}

impl LazyCode {
    /// Takes the code of newly sealed lines; `rows[i]` is where line `i` was wrapped to.
    pub(super) fn add(&mut self, sealed: &mut Sealed, rows: &[(usize, usize)]) {
        for (block, hl) in sealed.blocks.drain(..) {
            let i = block as usize;
            if self.blocks.len() <= i {
                self.blocks.resize(i + 1, None);
            }
            self.blocks[i] = hl;
        }
        for (line, block, text) in sealed.code.drain(..) {
            let Some(&(row, n)) = rows.get(line) else {
                continue;
            };
            if block as usize >= self.starts.len() {
                // The label is the row above a block's first line.
                self.starts.push(row.saturating_sub(1));
            }
            // A block with no highlighter stays as it is: plain.
            if self.blocks.get(block as usize).is_some_and(Option::is_some) {
                self.pending.push(Pending {
                    block,
                    row,
                    rows: n,
                    text,
                });
            }
        }
    }

    /// Highlights `pending[last]`, and before it the lines of its block not highlighted yet.
    pub(super) fn settle(&mut self, last: usize, out: &mut [Packed], width: usize, theme: &Theme) {
        let Some(block) = self.pending.get(last).map(|p| p.block) else {
            return;
        };
        let mut first = last;
        while first > 0 && self.pending[first - 1].block == block {
            first -= 1;
        }
        let mut hl = self.blocks.get_mut(block as usize).and_then(Option::as_mut);
        for p in self.pending.drain(first..=last) {
            let line = code_line(&p.text, hl.as_deref_mut(), theme);
            let rows = wrap(&line, width, theme.marker);
            // The same text wraps to the same rows whatever its colours.
            if rows.len() == p.rows {
                if let Some(dest) = out.get_mut(p.row..p.row + p.rows) {
                    for (d, r) in dest.iter_mut().zip(&rows) {
                        *d = Packed::pack(r);
                    }
                }
            }
        }
    }

    /// Highlights what of rows `lo..hi` is not highlighted yet.
    pub(super) fn show(
        &mut self,
        lo: usize,
        hi: usize,
        out: &mut [Packed],
        width: usize,
        theme: &Theme,
    ) {
        loop {
            let below = self.pending.partition_point(|p| p.row < hi);
            match below.checked_sub(1) {
                Some(last) if self.pending[last].row + self.pending[last].rows > lo => {
                    self.settle(last, out, width, theme);
                }
                _ => return,
            }
        }
    }

    /// A block's highlighter past all of its lines so far, for the line still arriving.
    pub(super) fn state_of(
        &mut self,
        block: u32,
        out: &mut [Packed],
        width: usize,
        theme: &Theme,
    ) -> Option<CodeHighlighter> {
        if let Some(last) = self.pending.iter().rposition(|p| p.block == block) {
            self.settle(last, out, width, theme);
        }
        self.blocks.get(block as usize).cloned().flatten()
    }
}
