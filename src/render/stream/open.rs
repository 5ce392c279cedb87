//! The part of a stream not sealed yet, as each frame draws it: rendered whole, or kept
//! piece by piece for a growing table or paragraph.

use super::*;

impl MdStream {
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
    pub(super) fn whole(&self, src: &str, theme: &Theme) -> Open<'static> {
        Open {
            gen: 0,
            lines: &[],
            joined: false,
            table: None,
            fresh: self.open(src, theme),
        }
    }

    pub(super) fn lead(&self) -> Vec<RLine> {
        if self.ends_with_text() {
            vec![RLine::blank()]
        } else {
            Vec::new()
        }
    }

    /// A table when the block starts with its header and delimiter rows, else a paragraph
    /// (which is rendered whole for as long as it is something else). `New` while the
    /// first line may be a table's header and the second has not arrived.
    pub(super) fn what_block(&self, src: &str, theme: &Theme) -> Tail {
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

    pub(super) fn new_para(&self, body: usize) -> Tail {
        Tail::Para(ParaTail {
            cut: self.tail_at,
            line_start: body,
            first: body,
            ..ParaTail::default()
        })
    }

    pub(super) fn table_frame(&mut self, src: &str, theme: &Theme) -> Open<'_> {
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

    pub(super) fn para_frame(&mut self, src: &str, theme: &Theme) -> Open<'_> {
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
    pub(super) fn para_checks(&mut self, src: &str) -> bool {
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
    pub(super) fn move_cut(&mut self, src: &str, theme: &Theme) {
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
    if last.indent != 0 || !last.lead.is_empty() || last.flow != crate::render::line::Flow::Prose {
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
