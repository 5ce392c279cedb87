//! A pane's conversation as wrapped lines, cached so a frame costs the same at line 100 as at
//! line 100,000: finished content is rendered and wrapped once; only the open block of a live
//! answer is redone, and a frame copies only the lines it shows.

use ratatui::text::{Line, Span};

use super::highlight::CodeHighlighter;
use super::line::{wrap, wrap_settled, Packed, RLine};
use super::markdown::code_line;
use super::stream::{MdStream, Open, PlainStream, Sealed, TableRows};
use crate::model::{Pane, Status};
use crate::theme::Theme;

#[derive(Clone, Debug, Default)]
struct Wrapped {
    lines: Vec<Packed>,
}

impl Wrapped {
    /// Wraps newly sealed lines. They are not kept unwrapped: a new width re-renders the
    /// whole transcript from its text anyway.
    fn sync(&mut self, logical: Vec<RLine>, width: usize, marker: ratatui::style::Style) {
        self.sync_rows(logical, width, marker);
    }

    /// As `sync`, and says where each line went: its first row and how many.
    fn sync_rows(
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
struct OpenWrapped {
    gen: u64,
    /// How many of the open block's lines are in `rows`.
    done: usize,
    rows: Vec<Packed>,
    /// A joined last line: which line, how many of its spans are taken, and those of its
    /// last row, which what follows may still change.
    joint: Option<(usize, usize, Vec<Span<'static>>)>,
}

impl OpenWrapped {
    fn sync(&mut self, open: &Open<'_>, width: usize, marker: ratatui::style::Style) {
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
    fn fresh(
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
struct LazyCode {
    /// Each block's highlighter, past the lines of it highlighted so far.
    blocks: Vec<Option<CodeHighlighter>>,
    /// Lines not highlighted yet, in the order of their rows.
    pending: Vec<Pending>,
    /// Where each block starts (its label) in the answer's wrapped lines, to jump between them.
    starts: Vec<usize>,
}

#[derive(Clone, Debug)]
struct Pending {
    block: u32,
    /// Its rows in the answer's wrapped lines.
    row: usize,
    rows: usize,
    text: String,
}

impl LazyCode {
    /// Takes the code of newly sealed lines; `rows[i]` is where line `i` was wrapped to.
    fn add(&mut self, sealed: &mut Sealed, rows: &[(usize, usize)]) {
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
    fn settle(&mut self, last: usize, out: &mut [Packed], width: usize, theme: &Theme) {
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
    fn show(&mut self, lo: usize, hi: usize, out: &mut [Packed], width: usize, theme: &Theme) {
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
    fn state_of(
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

/// What a turn shows this frame besides what is kept: made by `update`, borrowed by `view`.
#[derive(Clone, Debug, Default)]
struct Frame {
    /// The thinking label, and the thinking still arriving, when shown.
    thinking: Vec<Line<'static>>,
    reasoning_open: Vec<Line<'static>>,
    shown: bool,
    /// The answer's lines made for this frame only.
    fresh: Vec<Line<'static>>,
    /// Whether the open block is a table (see [`MdStream::table_rows`]).
    table: bool,
    /// Whether the answer has text (a blank line then parts it from the thinking).
    has_text: bool,
    /// Tool calls while the answer is live (else the kept ones are shown), the failure or
    /// cancellation under it.
    calls: Vec<Line<'static>>,
    calls_settled: bool,
    trailer: Vec<Line<'static>>,
}

#[derive(Clone, Debug, Default)]
struct TurnCache {
    request: u64,
    prompt: Vec<Line<'static>>,
    reasoning: PlainStream,
    reasoning_w: Wrapped,
    answer: MdStream,
    answer_w: Wrapped,
    open_w: OpenWrapped,
    code: LazyCode,
    /// A settled answer's tool calls, drawn once: what became of them, and the lines.
    calls: Option<(Calls, Vec<Line<'static>>)>,
    frame: Frame,
    /// Where the answer's sealed rows start in the pane's lines.
    answer_at: usize,
    /// Where the turn starts in the pane's lines.
    start: usize,
}

/// Lines of one pane at one width and theme.
#[derive(Clone, Debug, Default)]
pub struct TranscriptCache {
    width: usize,
    theme: String,
    /// Code rendered before the syntax set finished loading is plain; redo it once it has.
    highlighting: bool,
    turns: Vec<TurnCache>,
    /// Lines in all, as the last `update` left them.
    total: usize,
    /// The keys hints name (retry, answer the tool calls…), as the user has them.
    steps: crate::provider::steps::StepKeys,
}

/// A run of lines: borrowed from the cache, or made for this frame.
pub enum Seg<'a> {
    Cached(&'a [Line<'static>]),
    Packed(&'a [Packed]),
    Fresh(Vec<Line<'static>>),
    /// A streaming table's rows, laid out as they are shown: one line each (they are cut at
    /// the width, never wrapped).
    Table(TableRows<'a>, usize, ratatui::style::Style),
}

impl Seg<'_> {
    fn len(&self) -> usize {
        match self {
            Seg::Cached(l) => l.len(),
            Seg::Packed(l) => l.len(),
            Seg::Fresh(l) => l.len(),
            Seg::Table(t, _, _) => t.len(),
        }
    }

    fn get(&self, i: usize) -> Option<Line<'static>> {
        match self {
            Seg::Cached(l) => l.get(i).cloned(),
            Seg::Packed(l) => l.get(i).map(Packed::unpack),
            Seg::Fresh(l) => l.get(i).cloned(),
            Seg::Table(t, width, marker) => (i < t.len())
                .then(|| wrap(&t.line(i), *width, *marker).into_iter().next())
                .flatten(),
        }
    }
}

/// A pane's lines for one frame.
pub struct View<'a> {
    segs: Vec<Seg<'a>>,
}

impl View<'_> {
    pub fn total(&self) -> usize {
        self.segs.iter().map(Seg::len).sum()
    }

    /// `count` lines from `top`, cloned: the only lines a frame pays for.
    pub fn slice(&self, top: usize, count: usize) -> Vec<Line<'static>> {
        let mut out = Vec::with_capacity(count);
        let mut skip = top;
        for seg in &self.segs {
            let n = seg.len();
            if skip >= n {
                skip -= n;
                continue;
            }
            for i in skip..n {
                if out.len() == count {
                    return out;
                }
                if let Some(l) = seg.get(i) {
                    out.push(l);
                }
            }
            skip = 0;
        }
        out
    }

    pub fn texts(&self) -> Vec<String> {
        self.slice(0, self.total())
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }
}

/// Whether a turn's thinking is shown: the pane's choice, else open until the answer starts.
pub fn thinking_shown(pane: &Pane, answer_started: bool, expand_default: bool) -> bool {
    pane.show_thinking
        .unwrap_or(expand_default || !answer_started)
}

impl TranscriptCache {
    /// The keys hints name; lines made with others are made again.
    pub fn set_steps(&mut self, steps: &crate::provider::steps::StepKeys) {
        if self.steps != *steps {
            self.steps.clone_from(steps);
            self.turns.clear();
        }
    }

    /// Brings the cache up to date with the pane and returns the frame's lines. Code not
    /// shown yet stays plain: [`TranscriptCache::show`] highlights what a frame shows.
    pub fn view<'a>(
        &'a mut self,
        pane: &Pane,
        width: usize,
        theme: &Theme,
        expand_thinking: bool,
    ) -> View<'a> {
        self.update(pane, width, theme, expand_thinking);
        self.lines(theme)
    }

    /// Lines in all, as the last update left them.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Where each turn starts, and each code block of the answers, in the pane's lines, as the
    /// last update left them: the places worth jumping to.
    pub fn marks(&self) -> (Vec<usize>, Vec<usize>) {
        let turns = self.turns.iter().map(|c| c.start).collect();
        let code = self
            .turns
            .iter()
            .flat_map(|c| c.code.starts.iter().map(move |r| c.answer_at + r))
            .collect();
        (turns, code)
    }

    /// Highlights the code among lines `top..top + count` that is not highlighted yet.
    pub fn show(&mut self, top: usize, count: usize, theme: &Theme) {
        let width = self.width;
        for c in &mut self.turns {
            let n = c.answer_w.lines.len();
            let lo = top.saturating_sub(c.answer_at).min(n);
            let hi = (top + count).saturating_sub(c.answer_at).min(n);
            if lo < hi {
                c.code.show(lo, hi, &mut c.answer_w.lines, width, theme);
            }
        }
    }

    /// Brings the cache up to date with the pane.
    pub fn update(&mut self, pane: &Pane, width: usize, theme: &Theme, expand_thinking: bool) {
        let width = width.max(4);
        let highlighting = super::highlight::ready();
        if self.width != width || self.theme != theme.name || self.highlighting != highlighting {
            self.turns.clear();
            self.width = width;
            self.theme.clone_from(&theme.name);
            self.highlighting = highlighting;
        }
        self.turns.truncate(pane.turns.len());
        for (i, turn) in pane.turns.iter().enumerate() {
            if self
                .turns
                .get(i)
                .is_some_and(|c| c.request != turn.answer.request)
            {
                self.turns.truncate(i);
            }
            if self.turns.len() == i {
                self.turns.push(TurnCache {
                    request: turn.answer.request,
                    prompt: if turn.tool_results.is_empty() {
                        let mut lines = prompt_lines(&turn.prompt, width, theme);
                        if !turn.images.is_empty() {
                            let n = turn.images.len();
                            let noun = if n == 1 { "image" } else { "images" };
                            lines.push(Line::styled(format!("  📎 {n} {noun}"), theme.dim));
                        }
                        lines
                    } else {
                        result_lines(&turn.tool_results, width, theme)
                    },
                    // Answers asked to be JSON arrive bare; they read best as JSON code.
                    answer: if pane.settings.response_format.is_some() {
                        MdStream::code("json")
                    } else {
                        MdStream::new()
                    },
                    ..TurnCache::default()
                });
            }
            let c = &mut self.turns[i];
            c.reasoning.advance(&turn.answer.reasoning, theme.reasoning);
            c.reasoning_w
                .sync(c.reasoning.take_sealed(), width, theme.marker);
            c.answer.advance(&turn.answer.text, theme);
            let mut sealed = c.answer.take();
            let rows = c
                .answer_w
                .sync_rows(std::mem::take(&mut sealed.lines), width, theme.marker);
            c.code.add(&mut sealed, &rows);
            let a = &turn.answer;
            if !a.tool_calls.is_empty() && !a.status.is_active() {
                let waiting = calls_state(pane, i);
                if c.calls.as_ref().map(|(w, _)| *w) != Some(waiting) {
                    let lines = call_lines(
                        &a.tool_calls,
                        !a.text.is_empty(),
                        waiting,
                        width,
                        theme,
                        &self.steps,
                    );
                    c.calls = Some((waiting, lines));
                }
            }
            c.frame = frame(c, pane, i, width, theme, expand_thinking, &self.steps);
        }
        // Where each answer's rows start, and the lines in all.
        let mut at = 0;
        for i in 0..self.turns.len() {
            let (before, rest) = {
                let segs = turn_segs(&self.turns[i], i, width, theme);
                let k = segs.iter().position(|(answer, _)| *answer).unwrap_or(0);
                let len = |s: &[(bool, Seg<'_>)]| s.iter().map(|(_, s)| s.len()).sum::<usize>();
                (len(&segs[..k]), len(&segs[k..]))
            };
            self.turns[i].start = at;
            self.turns[i].answer_at = at + before;
            at += before + rest;
        }
        self.total = at;
    }

    /// The frame's lines, as the last update left them.
    pub fn lines<'a>(&'a self, theme: &Theme) -> View<'a> {
        let mut segs = Vec::new();
        for (i, c) in self.turns.iter().enumerate() {
            segs.extend(
                turn_segs(c, i, self.width, theme)
                    .into_iter()
                    .map(|(_, s)| s),
            );
        }
        View { segs }
    }
}

/// What a turn shows this frame besides what is kept.
fn frame(
    c: &mut TurnCache,
    pane: &Pane,
    i: usize,
    width: usize,
    theme: &Theme,
    expand_thinking: bool,
    steps: &crate::provider::steps::StepKeys,
) -> Frame {
    let a = &pane.turns[i].answer;
    let mut f = Frame {
        has_text: !a.text.is_empty(),
        calls_settled: !a.status.is_active(),
        ..Frame::default()
    };
    if a.reasoning.is_empty() && crate::provider::reasoning::encrypted(&a.reasoning_details) > 0 {
        // Reasoning the provider keeps encrypted: nothing to read, but it goes back.
        f.thinking.push(Line::styled(
            "▸ thinking · encrypted, kept for follow-ups",
            theme.reasoning,
        ));
    }
    if !a.reasoning.is_empty() {
        f.shown = thinking_shown(pane, !a.text.is_empty(), expand_thinking);
        let tokens = a
            .usage
            .as_ref()
            .and_then(crate::provider::Usage::reasoning_tokens)
            .unwrap_or_else(|| crate::cost::price::estimate_tokens(&a.reasoning));
        let label = if f.shown {
            format!("▾ thinking · {tokens} tokens")
        } else {
            steps.fill(&format!(
                "▸ thinking · {tokens} tokens ({{thinking}} shows)"
            ))
        };
        f.thinking.push(Line::styled(label, theme.reasoning));
        if f.shown {
            if let Some(open) = c.reasoning.open(&a.reasoning, theme.reasoning) {
                f.reasoning_open = wrap(&open, width, theme.marker);
            }
        }
    }
    let open = c.answer.open_parts(&a.text, theme);
    c.open_w.sync(&open, width, theme.marker);
    f.table = open.table.is_some();
    f.fresh = c.open_w.fresh(open, width, theme.marker);
    // The code line still arriving, highlighted with its block's state so far.
    if let Some((block, text)) = c.answer.open_code(&a.text) {
        let mut hl = c.code.state_of(block, &mut c.answer_w.lines, width, theme);
        f.fresh = wrap(&code_line(text, hl.as_mut(), theme), width, theme.marker);
    }
    match &c.calls {
        Some(_) if !a.status.is_active() => {}
        _ if !a.tool_calls.is_empty() => {
            f.calls = call_lines(
                &a.tool_calls,
                !a.text.is_empty(),
                Calls::Answered,
                width,
                theme,
                steps,
            );
        }
        _ => {}
    }
    f.trailer = trailer_lines(&a.status, !a.text.is_empty(), width, theme, steps);
    if let Some(Err(why)) = &a.structured {
        let mut l = RLine::styled(format!("✗ not the JSON asked for: {why}"), theme.error);
        l.indent = 2;
        f.trailer.push(Line::default());
        f.trailer.extend(wrap(&l, width, theme.marker));
    }
    f
}

/// A turn's runs of lines, each marked whether it is the answer's sealed rows.
fn turn_segs<'a>(c: &'a TurnCache, i: usize, width: usize, theme: &Theme) -> Vec<(bool, Seg<'a>)> {
    let f = &c.frame;
    let mut segs = Vec::new();
    let mut push = |seg| segs.push((false, seg));
    if i > 0 {
        push(Seg::Fresh(vec![Line::default()]));
    }
    push(Seg::Cached(&c.prompt));
    push(Seg::Fresh(vec![Line::default()]));
    if !f.thinking.is_empty() {
        push(Seg::Cached(&f.thinking));
        if f.shown {
            push(Seg::Packed(&c.reasoning_w.lines));
            push(Seg::Cached(&f.reasoning_open));
        }
        if f.has_text {
            push(Seg::Fresh(vec![Line::default()]));
        }
    }
    segs.push((true, Seg::Packed(&c.answer_w.lines)));
    let mut push = |seg| segs.push((false, seg));
    push(Seg::Packed(&c.open_w.rows));
    if f.table {
        if let Some(t) = c.answer.table_rows() {
            push(Seg::Table(t, width, theme.marker));
        }
    }
    push(Seg::Cached(&f.fresh));
    match &c.calls {
        Some((_, lines)) if f.calls_settled => push(Seg::Cached(lines)),
        _ => push(Seg::Cached(&f.calls)),
    }
    push(Seg::Cached(&f.trailer));
    segs
}

fn prompt_lines(prompt: &str, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (i, line) in prompt.lines().enumerate() {
        let lead = if i == 0 { "› " } else { "  " };
        let mut l = RLine::styled(format!("{lead}{line}"), theme.user);
        l.indent = 2;
        out.extend(wrap(&l, width, theme.marker));
    }
    if out.is_empty() {
        out.push(Line::styled("› ", theme.user));
    }
    out
}

/// Results sent back for tool calls, where a prompt would be.
fn result_lines(results: &[(String, String)], width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (id, content) in results {
        let mut l = RLine::styled(format!("↳ {id}: {content}"), theme.user);
        l.indent = 2;
        out.extend(wrap(&l, width, theme.marker));
    }
    out
}

/// What became of an answer's tool calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Calls {
    /// The last answer's, once it has ended: they wait for results.
    Waiting,
    Answered,
    /// A new prompt went out instead; each call was sent back as not answered.
    Skipped,
    /// The answer failed or was stopped, so its calls were never sent back.
    Dropped,
}

fn calls_state(pane: &Pane, i: usize) -> Calls {
    if pane.turns[i].answer.status != Status::Done {
        return Calls::Dropped;
    }
    match pane.turns.get(i + 1) {
        None => Calls::Waiting,
        Some(next) if next.tool_results.is_empty() => Calls::Skipped,
        Some(_) => Calls::Answered,
    }
}

/// The calls an answer made: each tool's name, its arguments as JSON, and what is wrong.
fn call_lines(
    calls: &[crate::tools::ToolCall],
    after_text: bool,
    state: Calls,
    width: usize,
    theme: &Theme,
    steps: &crate::provider::steps::StepKeys,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if after_text {
        out.push(Line::default());
    }
    for call in calls {
        out.push(Line::from(vec![
            Span::styled("🔧 ", theme.key),
            Span::styled(call.name.clone(), theme.key),
            Span::styled(format!("  {}", call.id), theme.dim),
        ]));
        // Pretty when it parses; as streamed when it does not (yet).
        let shown = serde_json::from_str::<serde_json::Value>(&call.arguments)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| call.arguments.clone());
        let mut hl = super::highlight::CodeHighlighter::new("json", &theme.syntax);
        for line in shown.lines() {
            out.extend(wrap(
                &super::markdown::code_line(line, hl.as_mut(), theme),
                width,
                theme.marker,
            ));
        }
        if let Some(why) = &call.invalid {
            let mut l = RLine::styled(format!("✗ invalid: {why}"), theme.error);
            l.indent = 2;
            out.extend(wrap(&l, width, theme.marker));
        }
    }
    let note = match state {
        Calls::Waiting => Some((
            steps.fill("{answer_tools} answers (type a result first, or use canned ones); a new prompt sends them back as not answered"),
            theme.dim,
        )),
        Calls::Skipped => Some((
            "not answered: a new prompt was sent instead".to_string(),
            theme.notice,
        )),
        Calls::Answered | Calls::Dropped => None,
    };
    if let Some((text, style)) = note {
        out.extend(wrap(&RLine::styled(text, style), width, theme.marker));
    }
    out
}

fn trailer_lines(
    status: &Status,
    has_text: bool,
    width: usize,
    theme: &Theme,
    steps: &crate::provider::steps::StepKeys,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let gap = |out: &mut Vec<Line<'static>>| {
        if has_text {
            out.push(Line::default());
        }
    };
    match status {
        Status::Failed(e) => {
            gap(&mut out);
            let text = e.describe(crate::provider::error::Audience::Playground(steps));
            let mut l = RLine::styled(format!("✗ {text}"), theme.error);
            l.indent = 2;
            out.extend(wrap(&l, width, theme.marker));
            if let Some(detail) = e.detail() {
                for d in detail.lines() {
                    let mut l = RLine::styled(format!("  {d}"), theme.dim);
                    l.flow = super::line::Flow::Code;
                    out.extend(wrap(&l, width, theme.marker));
                }
            }
        }
        Status::Cancelled => {
            gap(&mut out);
            out.push(Line::from(Span::styled("— cancelled", theme.dim)));
        }
        Status::OverBudget => {
            gap(&mut out);
            out.push(Line::from(Span::styled("— stopped: budget", theme.error)));
        }
        _ => {}
    }
    out
}

/// The first visible line for a view of `height` rows over `total` lines.
pub fn top_line(scroll: Option<usize>, total: usize, height: usize) -> usize {
    let max_top = total.saturating_sub(height);
    scroll.map_or(max_top, |t| t.min(max_top))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Answer;
    use crate::model::Turn;
    use crate::tools::ToolCall;

    fn turn(request: u64, calls: bool) -> Turn {
        let mut answer = Answer::new(request, std::time::Instant::now());
        answer.status = Status::Done;
        if calls {
            answer.tool_calls = vec![ToolCall {
                id: "call_1".into(),
                name: "get_weather".into(),
                arguments: r#"{"city":"Oslo"}"#.into(),
                invalid: None,
            }];
        }
        Turn {
            round: request,
            prompt: "Weather?".into(),
            tool_results: Vec::new(),
            images: Vec::new(),
            answer,
        }
    }

    #[test]
    fn encrypted_reasoning_is_mentioned_though_it_cannot_be_read() {
        let theme = Theme::default();
        let mut pane = Pane::new("sim/signer", "sim");
        let mut t = turn(1, true);
        t.answer.reasoning_details =
            vec![serde_json::json!({"type": "reasoning.encrypted", "data": "x", "index": 0})];
        pane.turns.push(t);
        let texts = TranscriptCache::default()
            .view(&pane, 60, &theme, false)
            .texts();
        assert!(
            texts
                .iter()
                .any(|l| l.contains("encrypted, kept for follow-ups")),
            "{texts:?}"
        );
    }

    #[test]
    fn the_alt_t_hint_leaves_calls_once_they_are_answered() {
        let theme = Theme::default();
        let hint = |texts: Vec<String>| texts.iter().filter(|t| t.starts_with("Alt+T")).count();
        let mut pane = Pane::new("sim/tooler", "sim");
        pane.turns.push(turn(1, true));
        let mut cache = TranscriptCache::default();
        let texts = cache.view(&pane, 60, &theme, false).texts();
        assert!(
            texts.iter().any(|t| t.contains("🔧 get_weather")),
            "{texts:?}"
        );
        assert_eq!(hint(texts), 1);

        let mut answered = turn(2, false);
        answered.tool_results = vec![("call_1".into(), "rain".into())];
        pane.turns.push(answered);
        let texts = cache.view(&pane, 60, &theme, false).texts();
        assert!(texts.iter().any(|t| t.contains("🔧 get_weather")));
        assert_eq!(hint(texts), 0, "the first turn's calls were answered");
    }
}

#[cfg(test)]
mod open_block {
    use proptest::prelude::*;
    use ratatui::style::Style;

    use super::*;
    use crate::model::Answer;
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
}
