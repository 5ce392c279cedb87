//! Web search citations: the `url_citation` annotations an answer comes with, read, cleaned
//! like all model output, merged as they arrive, numbered by page, and marked in the text.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One cited passage: the page, and where in the answer's text it is cited (character
/// offsets, as the server counts them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    pub url: String,
    #[serde(default)]
    pub title: String,
    /// The excerpt of the page the search returned, when the server adds it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
}

/// The `url_citation` annotations among `annotations`; others (parsed files) are left to
/// their own readers. A citation whose address is not a web page's is dropped.
pub fn read(annotations: &[Value]) -> Vec<Citation> {
    annotations
        .iter()
        .filter(|a| a.get("type").and_then(Value::as_str) == Some("url_citation"))
        .filter_map(|a| {
            let c = a.get("url_citation")?;
            let text = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let index = |k: &str| {
                c.get(k)
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok())
            };
            Some(Citation {
                url: text("url"),
                title: text("title"),
                content: text("content"),
                start: index("start_index"),
                end: index("end_index"),
            })
        })
        .filter(|c| web_address(&c.url))
        .collect()
}

/// Whether `url` is an http(s) address with no whitespace or control characters in it: the
/// only kind shown as a link.
pub fn web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > "http://".len()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Citation {
    /// Every text of it cleaned of escapes and control characters; the address was checked
    /// when it was read.
    pub fn cleaned(self) -> Self {
        use crate::sanitize::clean;
        Self {
            url: clean(&self.url),
            title: clean(&self.title),
            content: clean(&self.content),
            ..self
        }
    }
}

/// Adds `more` to `into`, leaving out what is already there: servers may send the set again.
pub fn merge(into: &mut Vec<Citation>, more: Vec<Citation>) {
    for c in more {
        if !into
            .iter()
            .any(|k| k.url == c.url && k.start == c.start && k.end == c.end)
        {
            into.push(c);
        }
    }
}

/// The pages cited, each once, numbered from 1 in the order first cited.
pub fn pages(cites: &[Citation]) -> Vec<&Citation> {
    let mut out: Vec<&Citation> = Vec::new();
    for c in cites {
        if !out.iter().any(|k| k.url == c.url) {
            out.push(c);
        }
    }
    out
}

/// `text` with `[n]` after each cited passage, n being its page's number; citations whose
/// place is not in the text are only listed.
pub fn marked(text: &str, cites: &[Citation]) -> String {
    let numbered = pages(cites);
    let mut marks: Vec<(usize, usize)> = cites
        .iter()
        .filter_map(|c| {
            let n = numbered.iter().position(|k| k.url == c.url)? + 1;
            Some((c.end?, n))
        })
        .collect();
    marks.sort();
    marks.dedup();
    let total = text.chars().count();
    let mut out = String::with_capacity(text.len() + marks.len() * 4);
    let mut chars = text.chars();
    let mut at = 0;
    for (end, n) in marks.into_iter().filter(|(e, _)| *e <= total) {
        out.extend(chars.by_ref().take(end - at));
        at = end;
        out.push_str(&format!("[{n}]"));
    }
    out.extend(chars);
    out
}

/// `https://host/path` without its scheme, and cut to `width` characters, for a short label.
pub fn short_address(url: &str, width: usize) -> String {
    let bare = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .trim_end_matches('/');
    if bare.chars().count() <= width {
        return bare.to_string();
    }
    let mut s: String = bare.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cite(url: &str, start: usize, end: usize) -> Value {
        json!({"type": "url_citation", "url_citation": {"url": url, "title": "T", "start_index": start, "end_index": end}})
    }

    #[test]
    fn only_web_pages_are_read_and_repeats_merge_away() {
        let got = read(&[
            cite("https://a.example/x", 0, 4),
            cite("javascript:alert(1)", 0, 4),
            cite("https://b.example/ y", 0, 4),
            json!({"type": "file", "file": {"hash": "h"}}),
        ]);
        assert_eq!(got.len(), 1);
        let mut all = got.clone();
        merge(
            &mut all,
            read(&[
                cite("https://a.example/x", 0, 4),
                cite("https://a.example/x", 5, 9),
            ]),
        );
        assert_eq!(all.len(), 2, "the same page cited twice is two citations");
        assert_eq!(pages(&all).len(), 1, "and one page");
    }

    #[test]
    fn marks_go_after_the_cited_characters() {
        let text = "Größe hier. Und dort.";
        let cites = read(&[
            cite("https://a.example", 0, 11),
            cite("https://b.example", 12, 21),
            cite("https://a.example", 12, 21),
            cite("https://c.example", 0, 99),
        ]);
        assert_eq!(marked(text, &cites), "Größe hier.[1] Und dort.[1][2]");
        assert_eq!(
            pages(&cites).len(),
            3,
            "the one out of the text is still listed"
        );
        assert_eq!(
            short_address("https://docs.sim.example/raft/", 40),
            "docs.sim.example/raft"
        );
        assert_eq!(
            short_address("https://docs.sim.example/raft", 10),
            "docs.sim.…"
        );
    }
}
