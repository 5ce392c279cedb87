//! Formatting figures for pane footers and the header.

use std::time::{Duration, Instant};

use ratatui::text::Span;

use crate::app::state::{Answer, CostView, Status};
pub use crate::cost::money;
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

/// The footer of a pane: live while streaming, the final figures after. Parts that do not fit
/// in `width` columns are dropped, least useful first.
pub fn footer(
    a: &Answer,
    requested: (&str, &[String]),
    now: Instant,
    theme: &Theme,
    width: usize,
) -> Vec<Span<'static>> {
    // (priority, text, style): lower priority numbers survive longer.
    let mut parts: Vec<(u8, String, ratatui::style::Style)> = Vec::new();
    let elapsed = a.elapsed(now);
    let spinner = SPINNER[(elapsed.as_millis() / 80) as usize % SPINNER.len()];
    if let (Some(r), true) = (&a.retrying, a.status.is_active()) {
        let left = r.until.saturating_duration_since(now).as_secs_f64().ceil() as u64;
        parts.push((
            0,
            format!(
                "{} — retrying in {left}s ({}/{})",
                r.reason, r.attempt, r.of
            ),
            theme.notice,
        ));
        return join(parts, theme, width);
    }
    if a.is_fallback(requested.0, requested.1) {
        parts.push((2, "↪ fallback".into(), theme.notice));
    }
    match &a.status {
        Status::Waiting => {
            parts.push((0, format!("{spinner} waiting"), theme.notice));
            parts.push((1, duration(elapsed), theme.stats));
            return join(parts, theme, width);
        }
        Status::Streaming => {}
        Status::Failed(e @ crate::provider::ApiError::NotSent(_)) => {
            // Nothing was asked, so there are no figures to show.
            parts.push((0, e.short(), theme.error));
            return join(parts, theme, width);
        }
        Status::Failed(e) => parts.push((0, e.short(), theme.error)),
        Status::Cancelled | Status::OverBudget => {
            parts.push((0, a.status.label().into(), theme.notice));
        }
        Status::Done => {}
    }
    if let Some(t) = a.ttft() {
        let lead = if a.status == Status::Streaming {
            format!("{spinner} ")
        } else {
            String::new()
        };
        parts.push((3, format!("{lead}ttft {}", duration(t)), theme.stats));
    }
    if let Some(r) = a.rate(now) {
        parts.push((2, format!("{r:.0} tok/s"), theme.stats));
    }
    parts.push((5, duration(elapsed), theme.stats));
    let (tokens, exact) = a.tokens();
    if tokens > 0 {
        let mark = if exact { "" } else { "≈" };
        parts.push((4, format!("{mark}{tokens} tok"), theme.stats));
    }
    let usage = a.usage.as_ref();
    let thinking = usage
        .and_then(crate::provider::Usage::reasoning_tokens)
        .unwrap_or(0);
    if thinking > 0 {
        parts.push((6, format!("{thinking} thinking"), theme.stats));
    }
    let details = usage.and_then(|u| u.prompt_tokens_details.as_ref());
    let cached = details.and_then(|d| d.cached_tokens).unwrap_or(0);
    let written = details.and_then(|d| d.cache_write_tokens).unwrap_or(0);
    match (cached, written) {
        (0, 0) => {}
        (c, 0) => parts.push((8, format!("{c} cached"), theme.stats)),
        (0, w) => parts.push((8, format!("{w} cache write"), theme.stats)),
        (c, w) => parts.push((8, format!("{c} cached, {w} written"), theme.stats)),
    }
    if a.status == Status::Done {
        let (reason, native) = (
            a.finish_reason.as_deref(),
            a.native_finish_reason.as_deref(),
        );
        if let Some(label) = crate::provider::finish::label(reason, native) {
            // A provider's own reason (SAFETY, MAX_TOKENS) is worth keeping on a narrow pane.
            let keep = if crate::provider::finish::informative(reason, native) {
                3
            } else {
                7
            };
            parts.push((keep, label, theme.stats));
        }
    }
    if let Some(field) = a.token_field {
        // The server refused max_tokens; the cap went as this field instead.
        parts.push((6, format!("sent {}", field.name()), theme.notice));
    }
    match &a.structured {
        Some(Ok(())) => parts.push((2, "json ✓".into(), theme.served)),
        Some(Err(_)) => parts.push((0, "json ✗".into(), theme.error)),
        None => {}
    }
    if a.failed_before_answering() {
        return join(parts, theme, width);
    }
    let (cost, style) = match a.cost() {
        CostView::Reported(c) => (format!("{} ✓", money(c)), theme.served),
        CostView::Billed(c) => (format!("{} ✓ billed", money(c)), theme.served),
        // The provider may finish and bill the whole answer; say so until the bill arrives.
        CostView::Estimated(c) if a.status == Status::Cancelled && a.generation_id.is_some() => {
            (format!("≈{} · may bill in full", money(c)), theme.notice)
        }
        CostView::Estimated(c) => (format!("≈{}", money(c)), theme.stats),
        CostView::Unpriced => ("unpriced".to_string(), theme.dim),
    };
    parts.push((1, cost, style));
    join(parts, theme, width)
}

fn join(
    mut parts: Vec<(u8, String, ratatui::style::Style)>,
    theme: &Theme,
    width: usize,
) -> Vec<Span<'static>> {
    let total = |p: &[(u8, String, ratatui::style::Style)]| {
        p.iter()
            .map(|(_, t, _)| unicode_width::UnicodeWidthStr::width(t.as_str()))
            .sum::<usize>()
            + 3 * p.len().saturating_sub(1)
            + 2
    };
    while parts.len() > 1 && total(&parts) > width {
        if let Some(worst) = parts
            .iter()
            .enumerate()
            .max_by_key(|(_, (prio, _, _))| *prio)
            .map(|(i, _)| i)
        {
            parts.remove(worst);
        }
    }
    let mut out = Vec::with_capacity(parts.len() * 2 + 2);
    out.push(Span::raw(" "));
    for (i, (_, text, style)) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(Span::styled(" · ", theme.dim));
        }
        out.push(Span::styled(text, style));
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
    }

    #[test]
    fn cache_reads_and_writes_are_shown() {
        use crate::provider::wire::PromptTokensDetails;
        let theme = Theme::default();
        let now = Instant::now();
        let text = |cached, written| {
            let mut a = Answer::new(1, now);
            a.status = Status::Done;
            a.usage = Some(crate::provider::Usage {
                prompt_tokens_details: Some(PromptTokensDetails {
                    cached_tokens: Some(cached),
                    cache_write_tokens: Some(written),
                }),
                ..Default::default()
            });
            footer(&a, ("m", &[]), now, &theme, 200)
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        assert!(text(1200, 0).contains("1200 cached"), "{}", text(1200, 0));
        assert!(text(0, 900).contains("900 cache write"));
        assert!(text(1200, 300).contains("1200 cached, 300 written"));
        assert!(!text(0, 0).contains("cache"));
    }

    #[test]
    fn an_answer_never_sent_has_no_figures() {
        let now = Instant::now();
        let mut a = Answer::new(1, now);
        a.finished = Some(now);
        a.status = Status::Failed(crate::provider::ApiError::NotSent("no images".into()));
        let text: String = footer(&a, ("m", &[]), now, &Theme::default(), 200)
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(text.trim(), "not sent");
    }
}
