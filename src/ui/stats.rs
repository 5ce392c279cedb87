//! Formatting figures for pane footers and the header.

use std::time::{Duration, Instant};

use ratatui::text::Span;

use crate::app::state::{Answer, Status};
use crate::theme::Theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms / 1000) % 60)
    }
}

pub fn money(usd: f64) -> String {
    if usd == 0.0 {
        "$0".into()
    } else if usd >= 1.0 {
        format!("${usd:.2}")
    } else if usd >= 0.01 {
        format!("${usd:.4}")
    } else {
        format!("${usd:.6}")
    }
}

/// The footer of a pane: live while streaming, the final figures after.
pub fn footer(a: &Answer, now: Instant, theme: &Theme) -> Vec<Span<'static>> {
    let mut parts: Vec<Span<'static>> = Vec::new();
    let elapsed = a.elapsed(now);
    match &a.status {
        Status::Waiting => {
            let frame = SPINNER[(elapsed.as_millis() / 80) as usize % SPINNER.len()];
            parts.push(Span::styled(format!("{frame} waiting"), theme.notice));
            parts.push(Span::styled(duration(elapsed), theme.stats));
            return join(parts, theme);
        }
        Status::Streaming => {
            let frame = SPINNER[(elapsed.as_millis() / 80) as usize % SPINNER.len()];
            parts.push(Span::styled(frame.to_string(), theme.notice));
        }
        Status::Failed(e) => parts.push(Span::styled(e.short(), theme.error)),
        Status::Cancelled => parts.push(Span::styled("cancelled", theme.notice)),
        Status::Done => {}
    }
    if let Some(t) = a.ttft() {
        parts.push(Span::styled(format!("ttft {}", duration(t)), theme.stats));
    }
    if let Some(r) = a.rate(now) {
        parts.push(Span::styled(format!("{r:.0} tok/s"), theme.stats));
    }
    parts.push(Span::styled(duration(elapsed), theme.stats));
    let (tokens, exact) = a.tokens();
    if tokens > 0 {
        let mark = if exact { "" } else { "≈" };
        parts.push(Span::styled(format!("{mark}{tokens} tok"), theme.stats));
    }
    if let Some(r) = a
        .usage
        .as_ref()
        .and_then(crate::provider::Usage::reasoning_tokens)
    {
        if r > 0 {
            parts.push(Span::styled(format!("{r} thinking"), theme.stats));
        }
    }
    if let Some(reason) = &a.finish_reason {
        if a.status == Status::Done {
            parts.push(Span::styled(reason.clone(), theme.stats));
        }
    }
    if let Some(c) = a.cost() {
        parts.push(Span::styled(format!("{} ✓", money(c)), theme.served));
    }
    join(parts, theme)
}

fn join(parts: Vec<Span<'static>>, theme: &Theme) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(parts.len() * 2 + 2);
    out.push(Span::raw(" "));
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(Span::styled(" · ", theme.dim));
        }
        out.push(p);
    }
    out.push(Span::raw(" "));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_well() {
        assert_eq!(duration(Duration::from_millis(412)), "412ms");
        assert_eq!(duration(Duration::from_millis(8420)), "8.4s");
        assert_eq!(duration(Duration::from_secs(65)), "1m05s");
        assert_eq!(money(0.0), "$0");
        assert_eq!(money(0.011), "$0.0110");
        assert_eq!(money(0.000123), "$0.000123");
        assert_eq!(money(1.5), "$1.50");
    }
}
