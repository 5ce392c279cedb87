//! Model output is untrusted: nothing it sends may drive the terminal.

/// Removes ANSI escape sequences and every control character except newline; tabs become
/// spaces so cell widths stay predictable.
pub fn clean(text: &str) -> String {
    let stripped = if text.contains('\u{1b}') {
        strip_ansi_escapes::strip_str(text)
    } else {
        text.to_string()
    };
    if !stripped.chars().any(|c| c.is_control() && c != '\n') {
        return stripped;
    }
    let mut out = String::with_capacity(stripped.len());
    for c in stripped.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn escapes_and_controls_are_removed() {
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(clean("x\u{1b}]52;c;aGk=\u{7}y"), "xy");
        assert_eq!(clean("bell\u{7} cr\r\n\u{9b}2J"), "bell cr\n2J");
        assert_eq!(clean("tab\there"), "tab    here");
        assert_eq!(clean("plain ünïcödé 日本"), "plain ünïcödé 日本");
    }
}
