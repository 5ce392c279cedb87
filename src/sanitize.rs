//! Model output is untrusted: nothing it sends may drive the terminal.

/// Bidirectional overrides can make text read differently from what it is ("Trojan Source"):
/// they are shown by name instead of obeyed.
fn bidi_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "‹LRE›",
        '\u{202B}' => "‹RLE›",
        '\u{202C}' => "‹PDF›",
        '\u{202D}' => "‹LRO›",
        '\u{202E}' => "‹RLO›",
        '\u{2066}' => "‹LRI›",
        '\u{2067}' => "‹RLI›",
        '\u{2068}' => "‹FSI›",
        '\u{2069}' => "‹PDI›",
        _ => return None,
    })
}

/// Whether `c` reorders text around it (the overrides and isolates).
pub fn is_bidi_control(c: char) -> bool {
    bidi_name(c).is_some()
}

/// Removes ANSI escape sequences and every control character except newline and tab; bidi
/// overrides become visible placeholders. Tabs are kept because they are content (a Makefile,
/// Go code): copies and exports keep them, and drawing expands them (`render::line`).
pub fn clean(text: &str) -> String {
    let stripped = if text.contains('\u{1b}') {
        strip_ansi_escapes::strip_str(text)
    } else {
        text.to_string()
    };
    if !stripped
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || bidi_name(c).is_some())
    {
        return stripped;
    }
    let mut out = String::with_capacity(stripped.len());
    for c in stripped.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push('\t'),
            c if bidi_name(c).is_some() => out.push_str(bidi_name(c).unwrap_or_default()),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// As [`clean`], giving back the string itself when there is nothing to remove: most model
/// text, a piece at a time, need not be copied.
pub fn clean_owned(text: String) -> String {
    // An escape is a control character too.
    let dirty = text
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || bidi_name(c).is_some());
    if dirty {
        clean(&text)
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn escapes_and_controls_are_removed() {
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(clean("x\u{1b}]52;c;aGk=\u{7}y"), "xy");
        assert_eq!(clean("bell\u{7} cr\r\n\u{9b}2J"), "bell cr\n2J");
        assert_eq!(clean("tab\there"), "tab\there");
        assert_eq!(clean("plain ünïcödé 日本"), "plain ünïcödé 日本");
        // OSC 8 hyperlinks, C1 controls and bidi overrides.
        assert_eq!(
            clean("\u{1b}]8;;https://evil\u{1b}\\click\u{1b}]8;;\u{1b}\\ here"),
            "click here"
        );
        assert_eq!(clean("a\u{85}b\u{9d}c"), "abc");
        assert_eq!(
            clean("if admin \u{202E}// not\u{2066}"),
            "if admin ‹RLO›// not‹LRI›"
        );
    }
}
