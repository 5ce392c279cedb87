//! Formatting figures for pane footers and the header.

use std::time::{Duration, Instant};

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

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

/// One figure of a footer: lower `keep` numbers survive longer; `short` is what it becomes
/// before anything is dropped.
struct Part {
    keep: u8,
    text: String,
    short: Option<String>,
    style: Style,
}

fn part(keep: u8, text: impl Into<String>, style: Style) -> Part {
    Part {
        keep,
        text: text.into(),
        short: None,
        style,
    }
}

fn shortened(keep: u8, text: impl Into<String>, short: impl Into<String>, style: Style) -> Part {
    Part {
        keep,
        text: text.into(),
        short: Some(short.into()),
        style,
    }
}

/// The footer of a pane: live while streaming, the final figures after. It never takes more
/// than `width` columns: figures are first shortened, then dropped, least useful first, and
/// what is left is cut.
pub fn footer(
    a: &Answer,
    requested: (&str, &[String]),
    judged: Option<(String, bool)>,
    now: Instant,
    theme: &Theme,
    width: usize,
) -> Vec<Span<'static>> {
    let mut parts: Vec<Part> = Vec::new();
    let elapsed = a.elapsed(now);
    let spinner = SPINNER[(elapsed.as_millis() / 80) as usize % SPINNER.len()];
    if let (Some(r), true) = (&a.retrying, a.status.is_active()) {
        let left = r.until.saturating_duration_since(now).as_secs_f64().ceil() as u64;
        parts.push(shortened(
            0,
            format!(
                "{} — retrying in {left}s ({}/{})",
                r.reason, r.attempt, r.of
            ),
            format!("retry in {left}s ({}/{})", r.attempt, r.of),
            theme.notice,
        ));
        return join(parts, theme, width);
    }
    // A verdict or a suite's badge; a failure stands out.
    if let Some((verdict, failed)) = judged {
        let style = if failed {
            theme.error
        } else {
            theme.header_accent
        };
        parts.push(part(1, verdict, style));
    }
    if a.is_fallback(requested.0, requested.1) {
        parts.push(shortened(2, "↪ fallback", "↪", theme.notice));
    }
    match &a.status {
        Status::Waiting => {
            parts.push(part(0, format!("{spinner} waiting"), theme.notice));
            parts.push(part(1, duration(elapsed), theme.stats));
            return join(parts, theme, width);
        }
        Status::Streaming => {}
        Status::Failed(e @ crate::provider::ApiError::NotSent(_)) => {
            // Nothing was asked, so there are no figures to show.
            parts.push(part(0, e.short(), theme.error));
            return join(parts, theme, width);
        }
        Status::Failed(e) => parts.push(part(0, e.short(), theme.error)),
        Status::Cancelled | Status::OverBudget => {
            parts.push(part(0, a.status.label(), theme.notice));
        }
        Status::Done => {}
    }
    if let Some(t) = a.ttft() {
        let lead = if a.status == Status::Streaming {
            format!("{spinner} ")
        } else {
            String::new()
        };
        parts.push(part(3, format!("{lead}ttft {}", duration(t)), theme.stats));
    }
    if let Some(r) = a.rate(now) {
        parts.push(shortened(
            2,
            format!("{r:.0} tok/s"),
            format!("{r:.0}t/s"),
            theme.stats,
        ));
    }
    parts.push(part(5, duration(elapsed), theme.stats));
    let (tokens, exact) = a.tokens();
    if tokens > 0 {
        let mark = if exact { "" } else { "≈" };
        parts.push(shortened(
            4,
            format!("{mark}{tokens} tok"),
            format!("{mark}{tokens}t"),
            theme.stats,
        ));
    }
    let usage = a.usage.as_ref();
    let thinking = usage
        .and_then(crate::provider::Usage::reasoning_tokens)
        .unwrap_or(0);
    if thinking > 0 {
        parts.push(shortened(
            6,
            format!("{thinking} thinking"),
            format!("{thinking} think"),
            theme.stats,
        ));
    }
    let details = usage.and_then(|u| u.prompt_tokens_details.as_ref());
    let cached = details.and_then(|d| d.cached_tokens).unwrap_or(0);
    let written = details.and_then(|d| d.cache_write_tokens).unwrap_or(0);
    match (cached, written) {
        (0, 0) => {}
        (c, 0) => parts.push(part(8, format!("{c} cached"), theme.stats)),
        (0, w) => parts.push(part(8, format!("{w} cache write"), theme.stats)),
        (c, w) => parts.push(shortened(
            8,
            format!("{c} cached, {w} written"),
            format!("{c} cached"),
            theme.stats,
        )),
    }
    if a.status == Status::Done {
        let (reason, native) = (
            a.finish_reason.as_deref(),
            a.native_finish_reason.as_deref(),
        );
        if let Some(label) = crate::provider::finish::label(reason, native) {
            // A plain `stop` is what every answer says; anything else (cut off at the token
            // limit, filtered, a provider's own reason) is why the answer looks as it does, and
            // outlasts every other figure.
            let usual =
                reason == Some("stop") && !crate::provider::finish::informative(reason, native);
            let keep = if usual { 7 } else { 0 };
            match reason.filter(|r| label.len() > r.len()) {
                Some(r) => parts.push(shortened(keep, label, r, theme.stats)),
                None => parts.push(part(keep, label, theme.stats)),
            }
        }
    }
    if let Some((n, cost)) = a.searches() {
        let long = match cost {
            Some(c) => format!("web {n}× {}", money(c)),
            None => format!("web {n}×"),
        };
        parts.push(shortened(3, long, format!("web {n}×"), theme.stats));
    }
    if let Some(field) = a.token_field {
        // The server refused max_tokens; the cap went as this field instead.
        parts.push(part(6, format!("sent {}", field.name()), theme.notice));
    }
    match &a.structured {
        Some(Ok(())) => parts.push(part(2, "json ✓", theme.served)),
        Some(Err(_)) => parts.push(part(0, "json ✗", theme.error)),
        None => {}
    }
    if a.failed_before_answering() {
        return join(parts, theme, width);
    }
    let cost = match a.cost() {
        CostView::Reported(c) => part(1, format!("{} ✓", money(c)), theme.served),
        CostView::Billed(c) => shortened(
            1,
            format!("{} ✓ billed", money(c)),
            format!("{} ✓", money(c)),
            theme.served,
        ),
        // The provider may finish and bill the whole answer; say so until the bill arrives.
        CostView::Estimated(c) if a.status == Status::Cancelled && a.generation_id.is_some() => {
            shortened(
                1,
                format!("≈{} · may bill in full", money(c)),
                format!("≈{} may bill", money(c)),
                theme.notice,
            )
        }
        CostView::Estimated(c) => part(1, format!("≈{}", money(c)), theme.stats),
        CostView::Unpriced => part(1, "unpriced", theme.dim),
    };
    parts.push(cost);
    join(parts, theme, width)
}

/// Columns the footer takes: its parts, a separator between each, a space at either end.
fn width_of(parts: &[Part]) -> usize {
    parts.iter().map(|p| p.text.width()).sum::<usize>() + 3 * parts.len().saturating_sub(1) + 2
}

fn join(mut parts: Vec<Part>, theme: &Theme, width: usize) -> Vec<Span<'static>> {
    // Least useful first: each level is shortened, then dropped, before the next is touched;
    // the essentials (levels 1 and 0) are all shortened before any of them goes.
    let lowest = parts.iter().map(|p| p.keep).max().unwrap_or(0);
    let mut steps: Vec<(bool, u8)> = (2..=lowest)
        .rev()
        .flat_map(|l| [(false, l), (true, l)])
        .collect();
    steps.extend([(false, 1), (false, 0), (true, 1), (true, 0)]);
    for (drop, level) in steps {
        if width_of(&parts) <= width {
            break;
        }
        if drop {
            while parts.len() > 1 && width_of(&parts) > width {
                match parts.iter().rposition(|p| p.keep == level) {
                    Some(i) => {
                        parts.remove(i);
                    }
                    None => break,
                }
            }
        } else {
            for p in parts.iter_mut().rev().filter(|p| p.keep == level) {
                if let Some(short) = p.short.take() {
                    p.text = short;
                }
            }
        }
    }
    if width < 3 {
        return Vec::new();
    }
    if let [only] = parts.as_mut_slice() {
        only.text = cut(&only.text, width - 2);
    }
    let mut out = Vec::with_capacity(parts.len() * 2 + 2);
    out.push(Span::raw(" "));
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(Span::styled(" · ", theme.dim));
        }
        out.push(Span::styled(p.text, p.style));
    }
    out.push(Span::raw(" "));
    out
}

/// `text` in at most `width` columns, ending in `…` when something was cut.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
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
            footer(&a, ("m", &[]), None, now, &theme, 200)
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
        let text: String = footer(&a, ("m", &[]), None, now, &Theme::default(), 200)
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(text.trim(), "not sent");
    }
}
