//! A pane's conversation as wrapped lines, cached so a frame costs the same at line 100 as at
//! line 100,000: finished content is rendered and wrapped once; only the open block of a live
//! answer is redone, and a frame copies only the lines it shows.

use crate::model::RequestId;
use ratatui::text::Line;

use super::line::{wrap, Packed};
use super::stream::{MdStream, PlainStream, TableRows};
use crate::model::Pane;
use crate::theme::Theme;

mod turn_lines;
mod wrapped;

#[cfg(test)]
mod open_block_tests;
#[cfg(test)]
mod resize_tests;
#[cfg(test)]
mod tests;

use turn_lines::{call_lines, calls_state, frame, prompt_lines, result_lines, turn_segs, Calls};
use wrapped::{LazyCode, OpenWrapped, Wrapped};

/// After a change of width, about how many rows of the turns no page shows are redone a frame.
const FILL_ROWS: usize = 2_000;

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
    request: RequestId,
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
    /// Where the turn starts in the pane's lines, and how many it has.
    start: usize,
    len: usize,
    /// Wrapped at an earlier width: to be redone before it is shown.
    stale: bool,
    /// The answer's text with its citations marked, once it is whole and cites pages: what
    /// is shown instead of the text.
    shown: Option<String>,
}

/// Whether an answer is shown with its citations marked (a whole answer that cites pages).
fn cited(a: &crate::model::Answer) -> bool {
    !a.citations.is_empty() && !a.status.is_active()
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
    /// Turns made from their text so far (see [`TranscriptCache::turns_built`]).
    built: usize,
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
        for c in self.turns.iter_mut().filter(|c| !c.stale) {
            let n = c.answer_w.lines.len();
            let lo = top.saturating_sub(c.answer_at).min(n);
            let hi = (top + count).saturating_sub(c.answer_at).min(n);
            if lo < hi {
                c.code.show(lo, hi, &mut c.answer_w.lines, width, theme);
            }
        }
    }

    /// Brings the cache up to date with the pane, all of it.
    pub fn update(&mut self, pane: &Pane, width: usize, theme: &Theme, expand_thinking: bool) {
        self.update_in(pane, width, theme, expand_thinking, None);
    }

    /// As [`TranscriptCache::update`], for a page of `height` rows placed as `scroll` says
    /// (see [`top_line`]). A new width does not redo the whole transcript before the first
    /// frame: only the turns the page shows are redone at once, the others a part at a time
    /// on the frames after ([`TranscriptCache::settled`] says when all are). Until then
    /// they keep their rows at the old width, which no page shows.
    pub fn update_for(
        &mut self,
        pane: &Pane,
        (width, height): (usize, usize),
        scroll: Option<usize>,
        theme: &Theme,
        expand_thinking: bool,
    ) {
        self.update_in(pane, width, theme, expand_thinking, Some((scroll, height)));
    }

    /// Whether every turn is wrapped at the current width.
    pub fn settled(&self) -> bool {
        !self.turns.iter().any(|c| c.stale)
    }

    /// Turns rendered and wrapped from their text since the cache was made: what a change of
    /// width costs.
    pub fn turns_built(&self) -> usize {
        self.built
    }

    fn update_in(
        &mut self,
        pane: &Pane,
        width: usize,
        theme: &Theme,
        expand_thinking: bool,
        page: Option<(Option<usize>, usize)>,
    ) {
        let width = width.max(4);
        let highlighting = super::highlight::ready();
        if self.width != width || self.theme != theme.name || self.highlighting != highlighting {
            match page {
                Some(_) => self.turns.iter_mut().for_each(|c| c.stale = true),
                None => self.turns.clear(),
            }
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
                self.turns.push(TurnCache::default());
                self.rebuild(pane, i, theme, expand_thinking);
            } else if self.turns[i].shown.is_some() != cited(&turn.answer) {
                // Marks go inside the text: made again from the top, once.
                self.rebuild(pane, i, theme, expand_thinking);
            } else if !self.turns[i].stale {
                sync(
                    &mut self.turns[i],
                    pane,
                    i,
                    (width, theme, expand_thinking),
                    &self.steps,
                );
            }
        }
        self.place(theme);
        let Some((scroll, height)) = page else {
            return;
        };
        // What the page shows first: each stale turn under it is redone, which moves the
        // page when it follows the tail, until none it shows is stale.
        loop {
            let top = top_line(scroll, self.total, height);
            let Some(i) = self
                .turns
                .iter()
                .position(|c| c.stale && c.start < top + height && c.start + c.len > top)
            else {
                break;
            };
            self.rebuild(pane, i, theme, expand_thinking);
            self.place(theme);
        }
        // Then a part of the rest, from the end, where a page most often is.
        let mut budget = FILL_ROWS;
        for i in (0..self.turns.len()).rev() {
            if budget == 0 {
                break;
            }
            if self.turns[i].stale {
                budget = budget.saturating_sub(self.turns[i].len.max(1));
                self.rebuild(pane, i, theme, expand_thinking);
            }
        }
        self.place(theme);
    }

    /// Turn `i` made anew from its text at the current width.
    fn rebuild(&mut self, pane: &Pane, i: usize, theme: &Theme, expand_thinking: bool) {
        let turn = &pane.turns[i];
        let width = self.width;
        self.built += 1;
        self.turns[i] = TurnCache {
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
            shown: cited(&turn.answer).then(|| turn.answer.shown_text().into_owned()),
            ..TurnCache::default()
        };
        sync(
            &mut self.turns[i],
            pane,
            i,
            (width, theme, expand_thinking),
            &self.steps,
        );
    }

    /// Where each turn and each answer's rows start, and the lines in all.
    fn place(&mut self, theme: &Theme) {
        let mut at = 0;
        for i in 0..self.turns.len() {
            let (before, rest) = {
                let segs = turn_segs(&self.turns[i], i, self.width, theme);
                let k = segs.iter().position(|(answer, _)| *answer).unwrap_or(0);
                let len = |s: &[(bool, Seg<'_>)]| s.iter().map(|(_, s)| s.len()).sum::<usize>();
                (len(&segs[..k]), len(&segs[k..]))
            };
            let c = &mut self.turns[i];
            c.start = at;
            c.answer_at = at + before;
            c.len = before + rest;
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

/// Brings turn `i`'s cache up to date with what has arrived since.
fn sync(
    c: &mut TurnCache,
    pane: &Pane,
    i: usize,
    (width, theme, expand_thinking): (usize, &Theme, bool),
    steps: &crate::provider::steps::StepKeys,
) {
    let turn = &pane.turns[i];
    c.reasoning.advance(&turn.answer.reasoning, theme.reasoning);
    c.reasoning_w
        .sync(c.reasoning.take_sealed(), width, theme.marker);
    c.answer
        .advance(c.shown.as_deref().unwrap_or(&turn.answer.text), theme);
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
                steps,
            );
            c.calls = Some((waiting, lines));
        }
    }
    c.frame = frame(c, pane, i, width, theme, expand_thinking, steps);
}

/// The first visible line for a view of `height` rows over `total` lines.
pub fn top_line(scroll: Option<usize>, total: usize, height: usize) -> usize {
    let max_top = total.saturating_sub(height);
    scroll.map_or(max_top, |t| t.min(max_top))
}
