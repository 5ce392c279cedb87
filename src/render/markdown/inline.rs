//! What inline markup is still open at the end of a piece of text: a streamed paragraph is
//! only final once nothing after it could turn its characters into markup.

use std::ops::Range;

use pulldown_cmark::{Tag, TagEnd};

pub(super) fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

pub(super) fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Literal characters of a paragraph that text after it could still turn into markup: a
/// delimiter that may open emphasis or strikethrough, a backtick, an unmatched `[`, the `<`
/// of what may become an HTML tag. Errs on the side of "open".
#[derive(Default)]
pub(super) struct Openers {
    open: bool,
    brackets: usize,
}

impl Openers {
    pub(super) fn text(&mut self, src: &str, range: Range<usize>, inline: usize) {
        let Some(text) = src.get(range.clone()) else {
            self.open = true;
            return;
        };
        for (i, c) in text.char_indices() {
            let at = range.start + i;
            if escaped(src, at) {
                continue;
            }
            match c {
                '`' => self.open = true,
                '<' => {
                    let next = src[at + 1..].chars().next();
                    if next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
                    {
                        self.open = true;
                    }
                }
                '[' => self.brackets += 1,
                ']' => self.brackets = self.brackets.saturating_sub(1),
                // Inside emphasis or a link, an unmatched delimiter can no longer be matched.
                '*' | '~' | '_' if inline == 0 && may_open(src, at, c) => self.open = true,
                _ => {}
            }
        }
    }

    pub(super) fn closed(&self) -> bool {
        !self.open && self.brackets == 0
    }
}

/// Whether the character at `at` follows an odd number of backslashes.
pub(super) fn escaped(src: &str, at: usize) -> bool {
    src[..at].bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
}

/// Whether the run of `c` around `at` could open emphasis (CommonMark's left-flanking rule,
/// loosened so that it never says no wrongly).
pub(super) fn may_open(src: &str, at: usize, c: char) -> bool {
    let start = src[..at].trim_end_matches(c).len();
    let end = at + src[at..].len() - src[at..].trim_start_matches(c).len();
    let next = src[end..].chars().next();
    let prev = src[..start].chars().next_back();
    if next.map_or(true, char::is_whitespace) {
        return false;
    }
    // An underscore between letters or digits never opens.
    !(c == '_' && prev.is_some_and(char::is_alphanumeric))
}
