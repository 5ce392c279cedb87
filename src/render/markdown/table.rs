//! Laying out a table: column widths, aligned and clipped cells, the header rule.

use pulldown_cmark::Alignment;
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

use super::Cell;
use crate::render::line::{Flow, RLine};
use crate::theme::Theme;

/// A cell's width in columns.
fn cell_width(cell: &Cell) -> usize {
    cell.iter().map(|s| s.content.width()).sum()
}

/// Widens `widths` for one more row: each column as wide as its widest cell, at most 40.
pub(crate) fn table_widths(widths: &mut Vec<usize>, row: &[Cell]) {
    if widths.len() < row.len() {
        widths.resize(row.len(), 0);
    }
    for (i, cell) in row.iter().enumerate() {
        widths[i] = widths[i].max(cell_width(cell)).min(40);
    }
}

fn clip(spans: Vec<Span<'static>>) -> RLine {
    RLine {
        spans,
        flow: Flow::Clip,
        indent: 0,
        lead: Vec::new(),
        fill: Style::default(),
    }
}

/// The theme's styles for tables.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TableStyle {
    border: Style,
    header: Style,
}

impl TableStyle {
    pub fn of(theme: &Theme) -> Self {
        Self {
            border: theme.table_border,
            header: theme.table_header,
        }
    }
}

/// One row of a table laid out in columns of `widths`.
pub(crate) fn table_row(
    row: &[Cell],
    widths: &[usize],
    align: &[Alignment],
    header: bool,
    style: TableStyle,
) -> RLine {
    let border = style.border;
    let mut spans = Vec::new();
    for (i, w) in widths.iter().enumerate() {
        spans.push(Span::styled(if i == 0 { "│ " } else { " │ " }, border));
        let cell = row.get(i).cloned().unwrap_or_default();
        let cw = cell_width(&cell).min(*w);
        let pad = w - cw;
        let (left, right) = match align.get(i) {
            Some(Alignment::Right) => (pad, 0),
            Some(Alignment::Center) => (pad / 2, pad - pad / 2),
            _ => (0, pad),
        };
        spans.push(Span::raw(" ".repeat(left)));
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
            let s = if header {
                s.style.patch(style.header)
            } else {
                s.style
            };
            spans.push(Span::styled(text, s));
        }
        spans.push(Span::raw(" ".repeat(right)));
    }
    spans.push(Span::styled(" │", border));
    clip(spans)
}

/// The rule under a table's header.
pub(crate) fn table_rule(widths: &[usize], style: TableStyle) -> RLine {
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    clip(vec![Span::styled(
        format!("├─{}─┤", rule.join("─┼─")),
        style.border,
    )])
}
