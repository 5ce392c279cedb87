//! Fitting a model's markdown into a document that has headings of its own: exports put every
//! answer under a heading, and the answer's headings must sit below it, not beside it.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// `text` with its headings moved down so that the highest of them is at `level` (1–6); those
/// that would go past `######` stop there. Only real headings move: a `#` line in a code block
/// or inside a paragraph is text and stays as it is. Setext headings (a line underlined with
/// `===` or `---`) become `#` headings, which can be moved. A code fence left open, as an
/// answer cut off mid-block leaves it, is closed, or it would swallow the rest of the document.
pub fn nest_headings(text: &str, level: usize) -> String {
    let level = level.clamp(1, 6);
    let mut headings: Vec<(Range<usize>, usize)> = Vec::new();
    let mut last_fence: Option<Range<usize>> = None;
    for (event, range) in Parser::new_ext(text, Options::all()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level: l, .. }) => headings.push((range, l as usize)),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => last_fence = Some(range),
            _ => {}
        }
    }
    let shift = headings
        .iter()
        .map(|(_, l)| *l)
        .min()
        .map_or(0, |top| level.saturating_sub(top));
    let mut out = String::with_capacity(text.len() + headings.len() * shift);
    let mut at = 0;
    for (range, l) in headings {
        if shift == 0 || range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&heading((l + shift).min(6), &text[range.clone()]));
        at = range.end;
    }
    out.push_str(&text[at..]);
    if let Some(fence) = last_fence.and_then(|r| unclosed(text, r)) {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&fence);
    }
    out
}

/// A heading's source rewritten as a `#` heading of `level`, its line ending kept.
fn heading(level: usize, src: &str) -> String {
    let hashes = "#".repeat(level);
    let trimmed = src.trim_start();
    let end = if src.ends_with('\n') { "\n" } else { "" };
    if trimmed.starts_with('#') {
        let indent = &src[..src.len() - trimmed.len()];
        let rest = trimmed.trim_start_matches('#');
        return format!("{indent}{hashes}{rest}");
    }
    // Setext: the text lines, then the underline.
    let lines: Vec<&str> = src.trim_end_matches('\n').lines().collect();
    let text: Vec<&str> = lines[..lines.len().saturating_sub(1)]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    format!("{hashes} {}{end}", text.join(" "))
}

/// The fence that closes a fenced code block at the top level of `text` which runs to the end
/// without one; `None` when it is closed (or not at the top level, where a fence at the margin
/// would end a list rather than the block).
fn unclosed(text: &str, range: Range<usize>) -> Option<String> {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..range.start];
    if indent.len() > 3 || !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let src = &text[range.clone()];
    let opener = src.trim_start();
    let mark = opener.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = opener.chars().take_while(|c| *c == mark).count();
    if src.trim_end().lines().count() > 1 {
        let last = src.trim_end().lines().last().unwrap_or("").trim();
        if last.len() >= len && last.chars().all(|c| c == mark) {
            return None;
        }
    }
    if range.end < text.trim_end().len() {
        return None;
    }
    Some(format!("{}\n", mark.to_string().repeat(len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_move_below_the_given_level() {
        let text = "# Title\n\nSome text.\n\n## Part\n\n### Detail\n";
        assert_eq!(
            nest_headings(text, 4),
            "#### Title\n\nSome text.\n\n##### Part\n\n###### Detail\n"
        );
        // The highest is what moves to the level; the rest keep their distance, up to six.
        assert_eq!(nest_headings("### A\n#### B\n", 4), "#### A\n##### B\n");
        assert_eq!(nest_headings("# A\n###### B\n", 4), "#### A\n###### B\n");
        // Already below: unchanged.
        assert_eq!(nest_headings("#### A\n", 4), "#### A\n");
    }

    #[test]
    fn code_and_text_that_look_like_headings_stay() {
        let text = "## Steps\n\n```sh\n# install\npip install x\n```\n\nSee issue #12.\n\n    # indented code\n";
        let out = nest_headings(text, 4);
        assert!(out.starts_with("#### Steps\n"), "{out}");
        assert!(
            out.contains("```sh\n# install\npip install x\n```"),
            "{out}"
        );
        assert!(out.contains("See issue #12."), "{out}");
        assert!(out.contains("\n    # indented code\n"), "{out}");
    }

    #[test]
    fn setext_headings_become_hashes() {
        assert_eq!(
            nest_headings("Title\n=====\n\nText\n\nPart\n----\n", 4),
            "#### Title\n\nText\n\n##### Part\n"
        );
        // A rule after a blank line is a rule.
        assert_eq!(nest_headings("Text\n\n---\n", 4), "Text\n\n---\n");
    }

    #[test]
    fn a_fence_left_open_is_closed() {
        assert_eq!(
            nest_headings("Look:\n\n```rust\nfn main() {", 4),
            "Look:\n\n```rust\nfn main() {\n```\n"
        );
        assert_eq!(nest_headings("```\na\n```\n", 4), "```\na\n```\n");
        assert_eq!(nest_headings("~~~~\n# a", 4), "~~~~\n# a\n~~~~\n");
    }
}
