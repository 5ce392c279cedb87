//! Wrapping by display width (wide characters count double).

use unicode_width::UnicodeWidthChar;

/// Word-wraps prose; words longer than the width are split.
pub fn prose(line: &str, width: usize) -> Vec<String> {
    if line.is_empty() {
        return vec![String::new()];
    }
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let opts = textwrap::Options::new(width.max(1))
        .break_words(true)
        .initial_indent(&indent)
        .subsequent_indent(if indent.len() < width / 2 {
            &indent
        } else {
            ""
        });
    textwrap::wrap(line.trim_start_matches(' '), opts)
        .into_iter()
        .map(|c| c.into_owned())
        .collect()
}

/// Splits at exactly the width, keeping every character: for code, where reflowing lies.
pub fn hard(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut w = 0;
    for c in line.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            w = 0;
        }
        cur.push(c);
        w += cw;
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_wraps_words_and_keeps_indent() {
        assert_eq!(prose("one two three", 7), vec!["one two", "three"]);
        assert_eq!(prose("  - item one two", 10), vec!["  - item", "  one two"]);
        assert_eq!(prose("", 5), vec![""]);
        assert_eq!(prose("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn hard_wrap_counts_wide_chars() {
        assert_eq!(hard("日本語テキスト", 6), vec!["日本語", "テキス", "ト"]);
        assert_eq!(hard("    let x = 1;", 8), vec!["    let ", "x = 1;"]);
        assert_eq!(hard("", 8), vec![""]);
    }
}
