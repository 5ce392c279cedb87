//! The lines of a turn that are made rather than kept: the prompt, the thinking label, tool
//! calls, the failure under an answer, and how a turn's runs of lines follow one another.

use ratatui::text::{Line, Span};

use super::super::line::{wrap, RLine};
use super::super::markdown::code_line;
use super::{Frame, Seg, TurnCache};
use crate::model::{Pane, Status};
use crate::theme::Theme;

pub(super) use super::thinking_shown;

/// What a turn shows this frame besides what is kept.
pub(super) fn frame(
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
    let text = c.shown.as_deref().unwrap_or(&a.text);
    let open = c.answer.open_parts(text, theme);
    c.open_w.sync(&open, width, theme.marker);
    f.table = open.table.is_some();
    f.fresh = c.open_w.fresh(open, width, theme.marker);
    // The code line still arriving, highlighted with its block's state so far.
    if let Some((block, text)) = c.answer.open_code(c.shown.as_deref().unwrap_or(&a.text)) {
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
    if c.shown.is_some() {
        f.trailer.extend(source_lines(&a.citations, width, theme));
    }
    if let Some(Err(why)) = &a.structured {
        let mut l = RLine::styled(format!("✗ not the JSON asked for: {why}"), theme.error);
        l.indent = 2;
        f.trailer.push(Line::default());
        f.trailer.extend(wrap(&l, width, theme.marker));
    }
    f
}

/// A turn's runs of lines, each marked whether it is the answer's sealed rows.
pub(super) fn turn_segs<'a>(
    c: &'a TurnCache,
    i: usize,
    width: usize,
    theme: &Theme,
) -> Vec<(bool, Seg<'a>)> {
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

pub(super) fn prompt_lines(prompt: &str, width: usize, theme: &Theme) -> Vec<Line<'static>> {
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
pub(super) fn result_lines(
    results: &[(String, String)],
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
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
pub(super) enum Calls {
    /// The last answer's, once it has ended: they wait for results.
    Waiting,
    Answered,
    /// A new prompt went out instead; each call was sent back as not answered.
    Skipped,
    /// The answer failed or was stopped, so its calls were never sent back.
    Dropped,
}

pub(super) fn calls_state(pane: &Pane, i: usize) -> Calls {
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
pub(super) fn call_lines(
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
        let mut hl = super::super::highlight::CodeHighlighter::new("json", &theme.syntax);
        for line in shown.lines() {
            out.extend(wrap(
                &code_line(line, hl.as_mut(), theme),
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

pub(super) fn trailer_lines(
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
                    l.flow = super::super::line::Flow::Code;
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

/// The pages an answer cites, numbered as its marks are: `[n] title — address`.
pub(super) fn source_lines(
    cites: &[crate::provider::citation::Citation],
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    use crate::provider::citation::{pages, short_address};
    let mut out = vec![Line::default(), Line::styled("Sources", theme.heading)];
    for (n, c) in pages(cites).into_iter().enumerate() {
        let mut spans = vec![Span::styled(format!("[{}] ", n + 1), theme.list_marker)];
        if !c.title.is_empty() {
            spans.push(Span::styled(c.title.clone(), theme.link));
            // Unstyled, so the address stays a span of its own however the theme colours it.
            spans.push(Span::raw(" — "));
        }
        spans.push(Span::styled(short_address(&c.url, 60), theme.url));
        let mut l = RLine::prose(spans);
        l.indent = 4;
        out.extend(wrap(&l, width, theme.marker));
    }
    out
}
