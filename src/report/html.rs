//! The page: model output rendered as markdown with every raw HTML tag turned into text, links
//! that cannot run script, images that fetch nothing, code highlighted in place; the whole
//! under a policy that allows no script and no network.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Text for HTML: the five characters that could open markup or leave an attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Whether `src` is an image carried in the page: a base64 PNG, JPEG, GIF or WebP data URL and
/// nothing else.
pub fn image_data(src: &str) -> bool {
    ["png", "jpeg", "gif", "webp"].iter().any(|kind| {
        src.strip_prefix(&format!("data:image/{kind};base64,"))
            .is_some_and(|b| {
                !b.is_empty()
                    && b.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"+/=".contains(&c))
            })
    })
}

/// Only links that go somewhere by themselves: http(s), mailto and fragments.
fn safe_url(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("https://")
        || u.starts_with("http://")
        || u.starts_with("mailto:")
        || u.starts_with('#')
}

/// Markdown as HTML that can carry no markup of its own.
pub fn markdown(text: &str) -> String {
    let text = crate::sanitize::clean(text);
    let mut events: Vec<Event> = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut image_depth = 0usize;
    for event in Parser::new_ext(
        &text,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS,
    ) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, body)) = code.take() {
                    let html = crate::render::highlight::html(&body, &lang)
                        .unwrap_or_else(|| format!("<pre><code>{}</code></pre>", escape(&body)));
                    let label = if lang.is_empty() {
                        String::new()
                    } else {
                        format!("<div class=\"lang\">{}</div>", escape(&lang))
                    };
                    events.push(Event::Html(CowStr::from(format!(
                        "<div class=\"code\">{label}{html}</div>"
                    ))));
                }
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, body)) = &mut code {
                    body.push_str(&t);
                }
            }
            // Raw HTML in an answer is text, never markup.
            Event::Html(h) | Event::InlineHtml(h) => events.push(Event::Text(h)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = if safe_url(&dest_url) {
                    dest_url
                } else {
                    CowStr::from("#")
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            // An image would be fetched: its alt text and address instead.
            Event::Start(Tag::Image { dest_url, .. }) => {
                image_depth += 1;
                events.push(Event::Text(CowStr::from(format!("[image: {dest_url}] "))));
            }
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            other => events.push(other),
        }
    }
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out
}

/// The page's own style: answers side by side, figures and charts below.
pub const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1d2330; --bg: #fbfbfd; --muted: #667085; --line: #d9dde5; --card: #ffffff; --accent: #2f6fed; --bad: #c0392b; --good: #1e8e3e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ee; --bg: #12151c; --muted: #98a2b3; --line: #2b3140; --card: #1a1f29; --accent: #6b9bff; } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1600px; padding: 24px; }
h1 { margin: 0 0 4px; } .sub { color: var(--muted); margin-bottom: 24px; }
section.round { margin: 32px 0; } .prompt { background: var(--card); border-left: 4px solid var(--accent); padding: 8px 14px; white-space: pre-wrap; }
.answers { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 14px; margin-top: 12px; }
article.answer { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; overflow-x: auto; }
article.answer h3 { margin: 0 0 4px; font-size: 15px; } .won h3::after { content: " ★ voted best"; color: var(--good); font-weight: normal; }
.figs { color: var(--muted); font-size: 13px; margin-bottom: 8px; } .err { color: var(--bad); }
.sources { font-size: 13px; padding-left: 22px; } .sources .url { color: var(--muted); }
.notes { font-size: 13px; padding-left: 18px; } .notes .fail { color: var(--bad); } .notes .pass { color: var(--good); }
.code { position: relative; } .code pre { padding: 10px; border-radius: 6px; overflow-x: auto; font-size: 13px; } .lang { position: absolute; right: 8px; top: 4px; font-size: 11px; color: #aab; }
table.figures { border-collapse: collapse; margin: 12px 0; } table.figures th, table.figures td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: right; } table.figures th:first-child, table.figures td:first-child { text-align: left; }
figure.chart { margin: 16px 0; } svg .title { font-weight: 600; fill: var(--fg); } svg .label, svg .value { fill: var(--fg); font-size: 12px; } svg .bar { fill: var(--accent); opacity: .75; } svg .whisker { stroke: var(--fg); stroke-width: 1.5; } svg .dot { fill: var(--accent); } svg .cellv { fill: #fff; font-size: 12px; }
details summary { cursor: pointer; color: var(--muted); }
.images img { max-width: 320px; max-height: 240px; margin: 8px 8px 0 0; border: 1px solid var(--line); border-radius: 6px; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_image_data_is_carried_and_answers_make_no_markup() {
        assert!(image_data("data:image/png;base64,iVBORw0K+/=="));
        assert!(
            !image_data("data:image/svg+xml;base64,PHN2Zz4="),
            "SVG can hold script"
        );
        assert!(!image_data("data:image/png;base64,AAA\" onerror=\"x"));
        assert!(!image_data("http://example.org/x.png"));
        let html = markdown("<b>bold</b> [x](javascript:alert(1)) ![i](http://h/x.png)\n\n```rust\nfn main() {}\n```");
        assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"), "{html}");
        assert!(
            html.contains("href=\"#\"") && !html.contains("javascript"),
            "{html}"
        );
        assert!(
            html.contains("[image: http://h/x.png]") && !html.contains("<img"),
            "{html}"
        );
        assert!(
            html.contains("class=\"code\"") && html.contains("<pre"),
            "{html}"
        );
    }
}
