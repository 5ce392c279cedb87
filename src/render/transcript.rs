//! A pane's conversation as wrapped, classified lines.

use crate::app::state::{Pane, Status};

use super::wrap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    User,
    ReasoningLabel,
    Reasoning,
    Answer,
    Code,
    Error,
    ErrorDetail,
    Meta,
    Blank,
}

/// Every line of the pane's transcript at `width` columns.
pub fn lines(pane: &Pane, width: usize) -> Vec<(Kind, String)> {
    let width = width.max(4);
    let mut out = Vec::new();
    for (n, turn) in pane.turns.iter().enumerate() {
        if n > 0 {
            out.push((Kind::Blank, String::new()));
        }
        for (i, line) in turn.prompt.lines().enumerate() {
            let lead = if i == 0 { "› " } else { "  " };
            for (j, piece) in wrap::prose(line, width - 2).into_iter().enumerate() {
                let lead = if j == 0 { lead } else { "  " };
                out.push((Kind::User, format!("{lead}{piece}")));
            }
        }
        out.push((Kind::Blank, String::new()));
        let a = &turn.answer;
        if !a.reasoning.is_empty() {
            out.push((Kind::ReasoningLabel, "thinking".into()));
            for line in a.reasoning.trim_end().lines() {
                for piece in wrap::prose(line, width - 2) {
                    out.push((Kind::Reasoning, format!("│ {piece}")));
                }
            }
            if !a.text.is_empty() {
                out.push((Kind::Blank, String::new()));
            }
        }
        answer_lines(&a.text, width, &mut out);
        match &a.status {
            Status::Failed(e) => {
                if !a.text.is_empty() {
                    out.push((Kind::Blank, String::new()));
                }
                for piece in wrap::prose(&format!("✗ {e}"), width) {
                    out.push((Kind::Error, piece));
                }
                if let Some(detail) = e.detail() {
                    for line in detail.lines() {
                        for piece in wrap::hard(line, width - 2) {
                            out.push((Kind::ErrorDetail, format!("  {piece}")));
                        }
                    }
                }
            }
            Status::Cancelled => out.push((Kind::Meta, "— cancelled".into())),
            Status::OverBudget => out.push((Kind::Error, "— stopped: budget".into())),
            _ => {}
        }
    }
    out
}

fn answer_lines(text: &str, width: usize, out: &mut Vec<(Kind, String)>) {
    let mut in_code = false;
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```");
        if fence || in_code {
            for piece in wrap::hard(line, width) {
                out.push((Kind::Code, piece));
            }
            if fence {
                in_code = !in_code;
            }
        } else {
            for piece in wrap::prose(line, width) {
                out.push((Kind::Answer, piece));
            }
        }
    }
    // `lines()` hides a trailing newline; show the fresh empty line while streaming.
    if text.ends_with('\n') {
        out.push((Kind::Answer, String::new()));
    }
}

pub fn line_count(pane: &Pane, width: usize) -> usize {
    lines(pane, width).len()
}

/// The first visible line for a view of `height` rows over `total` lines.
pub fn top_line(scroll: Option<usize>, total: usize, height: usize) -> usize {
    let max_top = total.saturating_sub(height);
    scroll.map_or(max_top, |t| t.min(max_top))
}
