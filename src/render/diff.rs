//! Word-level differences between two answers, made once when they change, not per frame.

use ratatui::text::Span;

use super::line::RLine;
use crate::theme::Theme;

/// Two answers' differences, laid out as lines, and how many words went and came.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WordDiff {
    pub lines: Vec<RLine>,
    pub removed: usize,
    pub added: usize,
}

/// Removed words struck out, added ones marked.
pub fn words(a: &str, b: &str, theme: &Theme) -> WordDiff {
    use similar::{ChangeTag, TextDiff};
    let d = TextDiff::from_words(a, b);
    let removed_style = theme.strike.patch(theme.error);
    let mut lines = vec![RLine::blank()];
    let (mut removed, mut added) = (0, 0);
    for change in d.iter_all_changes() {
        let style = match change.tag() {
            ChangeTag::Equal => theme.answer,
            ChangeTag::Delete => {
                removed += 1;
                removed_style
            }
            ChangeTag::Insert => {
                added += 1;
                theme.served
            }
        };
        // Marked as git's word diff does, so the change reads without colour too.
        let text = match change.tag() {
            ChangeTag::Equal => change.value().to_string(),
            ChangeTag::Delete => format!("[-{}-]", change.value()),
            ChangeTag::Insert => format!("{{+{}+}}", change.value()),
        };
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push(RLine::blank());
            }
            if !part.is_empty() {
                if let Some(l) = lines.last_mut() {
                    l.spans.push(Span::styled(part.to_string(), style));
                }
            }
        }
    }
    WordDiff {
        lines,
        removed,
        added,
    }
}
