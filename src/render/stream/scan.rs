//! Reading markdown source line by line: where a paragraph may be cut, and code fences.

/// Where a paragraph may be cut, looking back from the end of `src` to no further than
/// `from`: after a single space between two words, or at the end of a line that ends in
/// neither a space nor a backslash (either would make a hard break), before a letter (no line
/// that starts with a letter starts a new block).
pub(super) fn cut_point(src: &str, from: usize) -> Option<usize> {
    const LOOK_BACK: usize = 4096;
    let b = src.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let low = from.max(src.len().saturating_sub(LOOK_BACK)) + 2;
    (low..src.len()).rev().find(|&q| {
        matches!(b[q - 1], b' ' | b'\n')
            && !ws(b[q - 2])
            && !(b[q - 1] == b'\n' && b[q - 2] == b'\\')
            && src[q..].chars().next().is_some_and(char::is_alphabetic)
    })
}

/// A cut inside the paragraph's second line needs what is before it to be no start of a
/// delimiter row: one would turn the first line into a table's header.
pub(super) fn second_line_cut_ok(
    src: &str,
    first_end: Option<usize>,
    line_start: usize,
    q: usize,
) -> bool {
    let in_second = first_end.is_some_and(|e| line_start == e + 1) && src.as_bytes()[q - 1] == b' ';
    !(in_second && may_be_delimiter(&src[line_start..q]))
}

/// A line that may start link reference definitions: `[label]:`, or a label not closed yet.
pub(super) fn may_be_refdef(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    let Some(label) = t.strip_prefix('[') else {
        return false;
    };
    match label.find(']') {
        Some(i) => label[i + 1..].starts_with(':'),
        None => true,
    }
}

/// A line that may yet be (or become) a table's delimiter row.
pub(super) fn may_be_delimiter(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r'])
        .chars()
        .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// A fence line: its character, its length and the info string.
pub(super) fn fence_open(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let t = &line[indent..];
    let ch = t.chars().next()?;
    if ch != '`' && ch != '~' {
        return None;
    }
    let len = t.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = t[len..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((ch, len, info))
}

pub(super) fn fence_close(line: &str, ch: char, len: usize) -> bool {
    let t = line.trim();
    t.chars().count() >= len && t.chars().all(|c| c == ch)
}

/// The fenced code blocks of an answer, without their fences (an unclosed one counts).
pub fn code_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, String)> = None;
    for line in text.lines() {
        match &mut open {
            Some((ch, len, body)) => {
                if fence_close(line, *ch, *len) {
                    if let Some((_, _, body)) = open.take() {
                        blocks.push(body);
                    }
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            None => {
                if let Some((ch, len, _)) = fence_open(line) {
                    open = Some((ch, len, String::new()));
                }
            }
        }
    }
    if let Some((_, _, body)) = open {
        blocks.push(body);
    }
    blocks
}
