//! One model's pane: title, transcript, live footer.

use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use ratatui::Frame;

use crate::app::state::Pane;
use crate::app::{App, Zone};
use crate::render::transcript::{self, Kind};
use crate::theme::Theme;

use super::{layout, stats};

pub fn draw(app: &App, pane: &Pane, index: usize, theme: &Theme, f: &mut Frame, area: Rect) {
    let focused = index == app.focus;
    let simulated = app.providers.is_simulated(&pane.provider);
    // The header already says so when every pane is simulated.
    let badge = simulated && !app.simulated_only();
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused && app.zone == Zone::Panes {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme.border(focused))
        .title(Line::from(title(pane, index, focused, badge, theme)));
    if let Some(a) = pane.current() {
        block = block.title_bottom(Line::from(stats::footer(
            a,
            &pane.model,
            app.now,
            theme,
            area.width.saturating_sub(2) as usize,
        )));
    }
    let inner = layout::pane_inner(area);
    let all = transcript::lines(pane, inner.width as usize);
    let height = inner.height as usize;
    let top = transcript::top_line(pane.scroll, all.len(), height);
    let below = all.len().saturating_sub(top + height);
    if below > 0 {
        block = block.title_bottom(
            Line::from(Span::styled(format!(" ↓ {below} more "), theme.notice))
                .alignment(Alignment::Right),
        );
    }
    let visible: Vec<Line> = if all.is_empty() {
        empty_hint(pane, simulated, theme)
    } else {
        all.into_iter()
            .skip(top)
            .take(height)
            .map(|(kind, text)| Line::styled(text, style_of(kind, theme)))
            .collect()
    };
    f.render_widget(Paragraph::new(visible).block(block), area);
}

fn title(
    pane: &Pane,
    index: usize,
    focused: bool,
    simulated: bool,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled(
        format!(" {} {} ", index + 1, pane.model),
        theme.title(focused),
    )];
    if let Some(a) = pane.current() {
        if let Some(served) = &a.served_model {
            let mut s = String::from("→ ");
            if served != &pane.model {
                s.push_str(served);
                s.push(' ');
            }
            if let Some(p) = &a.served_provider {
                s.push_str("via ");
                s.push_str(p);
                s.push(' ');
            }
            if s.len() > "→ ".len() {
                spans.push(Span::styled(s, theme.served));
            }
        }
    }
    if simulated {
        spans.push(Span::styled("· simulated ", theme.simulated));
    }
    spans
}

fn empty_hint(pane: &Pane, simulated: bool, theme: &Theme) -> Vec<Line<'static>> {
    let mut v = vec![Line::styled(format!("{} is ready.", pane.model), theme.dim)];
    if simulated {
        v.push(Line::styled(
            "Answers come from the built-in simulator.",
            theme.dim,
        ));
    }
    v.push(Line::styled(
        "Type a prompt below and press Enter.",
        theme.dim,
    ));
    v
}

fn style_of(kind: Kind, theme: &Theme) -> ratatui::style::Style {
    match kind {
        Kind::User => theme.user,
        Kind::ReasoningLabel | Kind::Reasoning => theme.reasoning,
        Kind::Answer | Kind::Blank => theme.answer,
        Kind::Code => theme.code,
        Kind::Error => theme.error,
        Kind::ErrorDetail | Kind::Meta => theme.dim,
    }
}
